//! Throughput of claim extraction (`cargo bench --bench claims`): the five
//! seed articles and the claims fixtures, Arabic and English, repeated to
//! about 1 MB per iteration. divan reports bytes per second.

use crosscheck::claims::{ClaimOptions, extract};
use divan::counter::BytesCount;

fn main() {
    divan::main();
}

fn corpus() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut text = String::new();
    for dir in ["seeds", "fixtures/claims/articles"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            text.push_str(&std::fs::read_to_string(p).unwrap());
            text.push('\n');
        }
    }
    let one = text.clone();
    while text.len() < 1_000_000 {
        text.push_str(&one);
    }
    text
}

#[divan::bench(sample_count = 20)]
fn extract_news(bencher: divan::Bencher) {
    let text = corpus();
    let opts = ClaimOptions::default();
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| extract(divan::black_box(&text), &opts).len());
}
