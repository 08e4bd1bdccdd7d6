//! Fingerprinting throughput per core on a real corpus, by CPU time: one
//! thread tokenizes, segments and fingerprints every document (what
//! `pipeline::find_pairs` does per document before indexing), and the rate
//! is given both per wall second and per second of the thread's own CPU
//! time. On a shared machine the wall rate falls with the load; the CPU
//! rate is what one core does (the "MB/s per core").
//!
//! `cargo run --release --example fingerprint_rate -- DIR_OR_FILES… [--repeat N]`
//! (JSON Lines files are read as articles, like `crosscheck check`).

use crosscheck::input::{self, InputOptions};
use crosscheck::{fingerprint, normalize, segment};
use std::path::PathBuf;
use std::time::Instant;

/// User + system CPU time of the calling thread, in seconds (Linux
/// `/proc/thread-self/stat`, fields 14 and 15, in clock ticks of 1/100 s).
fn thread_cpu() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let (utime, stime): (f64, f64) = (f.get(11)?.parse().ok()?, f.get(12)?.parse().ok()?);
    Some((utime + stime) / 100.0)
}

fn main() {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut repeat = 3;
    let mut args = std::env::args().skip(1);
    const USAGE: &str = "usage: fingerprint_rate DIR_OR_FILES… [--repeat N]";
    while let Some(a) = args.next() {
        if a == "-h" || a == "--help" {
            println!("{USAGE}");
            return;
        } else if a == "--repeat" {
            repeat = args
                .next()
                .and_then(|x| x.parse().ok())
                .expect("--repeat N");
        } else {
            paths.push(a.into());
        }
    }
    if paths.is_empty() {
        eprintln!("{USAGE}");
        std::process::exit(2);
    }
    let loaded = input::read(&paths, &InputOptions::default());
    // Unreadable files are named, as `check` names them (empty articles of
    // SaudiNewsNet too: thousands of lines, so only a count past 5).
    for e in loaded.errors.iter().take(5) {
        eprintln!("warning: {e}");
    }
    if loaded.errors.len() > 5 {
        eprintln!("warning: {} more inputs not read", loaded.errors.len() - 5);
    }
    if loaded.docs.is_empty() {
        eprintln!("fingerprint_rate: no documents to fingerprint");
        std::process::exit(2);
    }
    let bytes: usize = loaded.docs.iter().map(|d| d.text.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "{} documents, {mb:.1} MB of text; {repeat} passes on one thread",
        loaded.docs.len()
    );
    let (mut tokens, mut br) = (Vec::new(), Vec::new());
    let mut best: Option<(f64, f64)> = None;
    for pass in 1..=repeat {
        let (t0, c0) = (Instant::now(), thread_cpu());
        let (mut chunks, mut x) = (0usize, 0u64);
        for d in &loaded.docs {
            normalize::tokenize_into(&d.text, &mut tokens);
            segment::breaks_into(&d.text, &tokens, &mut br);
            fingerprint::for_each_chunk(&tokens, &br, |_, f| {
                x ^= f.0;
                chunks += 1;
            });
        }
        let wall = t0.elapsed().as_secs_f64();
        let cpu = match (c0, thread_cpu()) {
            // Under one clock tick the rate is not measured (NaN, not ∞).
            (Some(a), Some(b)) if b > a => b - a,
            _ => f64::NAN,
        };
        println!(
            "pass {pass}: {chunks} chunks (xor {x:016x}), {wall:.2} s wall = {:.0} MB/s, \
             {cpu:.2} s CPU = {:.0} MB/s per core",
            mb / wall,
            mb / cpu
        );
        let rates = (mb / wall, mb / cpu);
        best = Some(best.map_or(rates, |b: (f64, f64)| (b.0.max(rates.0), b.1.max(rates.1))));
    }
    if let Some((w, c)) = best {
        println!("best: {w:.0} MB/s wall, {c:.0} MB/s per core (CPU time)");
    }
}
