//! Reading inputs alone (`input::read`, the first phase of `check`), for
//! syscall and page-fault counts of that phase without the rest of a run:
//! `cargo run --release --example read_rate -- DIR_OR_FILES…`. Prints the
//! documents, errors and bytes read, and the wall time.

use crosscheck::input::{self, InputOptions};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let t = Instant::now();
    let loaded = input::read(&paths, &InputOptions::default());
    let wall = t.elapsed();
    let bytes: usize = loaded.docs.iter().map(|d| d.text.len()).sum();
    println!(
        "{} documents, {} errors, {bytes} bytes in {:.1} ms",
        loaded.docs.len(),
        loaded.errors.len(),
        wall.as_secs_f64() * 1e3
    );
}
