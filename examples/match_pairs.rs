//! Matching alone (no claims, no quotation pairs): prints the pairs of
//! `pipeline::find_pairs` as JSON Lines in the peers' evaluator format, so
//! the matcher's recall and precision can be measured apart from `check`.
//!
//! `cargo run --release --example match_pairs -- DIR_OR_FILES… [--threads N]`

use crosscheck::document::Corpus;
use crosscheck::input::{self, InputOptions};
use crosscheck::pipeline::{self, MatchOptions};
use crosscheck::summary::Stats;
use std::io::Write;
use std::path::PathBuf;

fn main() {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--threads" {
            let n: usize = args
                .next()
                .and_then(|x| x.parse().ok())
                .expect("--threads N");
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global()
                .expect("thread pool");
        } else {
            paths.push(a.into());
        }
    }
    let loaded = input::read(&paths, &InputOptions::default());
    let corpus = Corpus::new(loaded.docs);
    let mut stats = Stats::default();
    let pairs = pipeline::find_pairs(&corpus, &MatchOptions::default(), &mut stats);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for p in &pairs {
        let side = |x: &crosscheck::document::Passage| {
            serde_json::json!({
                "doc": corpus.get(x.doc).name,
                "start": x.span.start,
                "end": x.span.end,
            })
        };
        let line = serde_json::json!({
            "a": side(&p.a),
            "b": side(&p.b),
            "similarity": p.alignment.similarity,
        });
        writeln!(out, "{line}").expect("stdout");
    }
    eprintln!(
        "match_pairs: {} documents, {} candidates, {} pairs",
        corpus.docs.len(),
        stats.candidates,
        pairs.len()
    );
}
