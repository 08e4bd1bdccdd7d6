//! Micro-benchmarks of the pipeline stages on real news text, with
//! throughput in bytes of original text (MB/s).
//!
//! Input, read once at start-up (see `docs/benchmarks.md`):
//! - Arabic: the first `CROSSCHECK_BENCH_MB` MB (default 2) of article
//!   `content` in `../shared/corpora/saudinewsnet/articles.jsonl.gz`;
//! - English: as much of `../shared/corpora/ecbplus/text/**.txt`;
//!   (`CROSSCHECK_CORPORA` names another directory for `../shared/corpora`);
//! - when `../shared` is absent: the repository's `seeds/` and `fixtures/`
//!   text, so the benches still run on a fresh clone.
//!
//! `align` aligns pairs of 80-token windows of that text (an edited copy,
//! and an unrelated window) with the tool's aligner and with `similar`'s
//! Myers diff, in pairs per second.
//!
//! Every stage runs single-threaded on one document at a time, so MB/s is
//! per core; only `index/near_pairs` and `pipeline/find_pairs` use rayon
//! (as the tool does). Run with `cargo bench --bench stages [FILTER]`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use crosscheck::align;
use crosscheck::claims::{self, ClaimOptions};
use crosscheck::document::{Corpus, Document};
use crosscheck::fingerprint::{self, NUMBER_FEATURE};
use crosscheck::index;
use crosscheck::normalize::{self, Token};
use crosscheck::pipeline::{self, MatchOptions};
use crosscheck::segment::{self, Break};
use crosscheck::summary::Stats;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One language's sample: the documents and their total size.
struct Sample {
    lang: &'static str,
    source: String,
    docs: Vec<String>,
}

impl Sample {
    fn bytes(&self) -> u64 {
        self.docs.iter().map(|d| d.len() as u64).sum()
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn budget() -> usize {
    let mb: f64 = std::env::var("CROSSCHECK_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    (mb * 1e6) as usize
}

/// Article `content` from a (gzipped) JSON Lines file, up to `limit` bytes.
fn read_jsonl_gz(path: &Path, limit: usize) -> Vec<String> {
    let Ok(f) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let rd = BufReader::new(flate2::read::MultiGzDecoder::new(f));
    let mut out = Vec::new();
    let mut total = 0;
    for line in rd.lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if let Some(c) = v.get("content").and_then(|c| c.as_str())
            && !c.trim().is_empty()
        {
            total += c.len();
            out.push(c.to_string());
            if total >= limit {
                break;
            }
        }
    }
    out
}

/// Every `.txt` file under `dir` (sorted), up to `limit` bytes.
fn read_txt_dir(dir: &Path, limit: usize) -> Vec<String> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, files);
            } else if p.extension().is_some_and(|e| e == "txt") {
                files.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    let mut out = Vec::new();
    let mut total = 0;
    for p in files {
        let mut s = String::new();
        if std::fs::File::open(&p)
            .and_then(|mut f| f.read_to_string(&mut s))
            .is_ok()
            && !s.trim().is_empty()
        {
            total += s.len();
            out.push(s);
            if total >= limit {
                break;
            }
        }
    }
    out
}

/// The Arabic and English samples (or the repository's own text).
fn samples() -> Vec<Sample> {
    let limit = budget();
    // `CROSSCHECK_CORPORA` points elsewhere (a worktree has no `../shared`).
    let shared = std::env::var_os("CROSSCHECK_CORPORA")
        .map_or_else(|| repo().join("../shared/corpora"), PathBuf::from);
    let snn = shared.join("saudinewsnet/articles.jsonl.gz");
    let ecb = shared.join("ecbplus/text");
    let mut out = Vec::new();
    let ar = read_jsonl_gz(&snn, limit);
    if !ar.is_empty() {
        out.push(Sample {
            lang: "ar",
            source: snn.display().to_string(),
            docs: ar,
        });
    }
    let en = read_txt_dir(&ecb, limit);
    if !en.is_empty() {
        out.push(Sample {
            lang: "en",
            source: ecb.display().to_string(),
            docs: en,
        });
    }
    if out.is_empty() {
        eprintln!("stages bench: ../shared/corpora absent; falling back to seeds/ and fixtures/");
        let mut docs = read_txt_dir(&repo().join("seeds"), limit);
        docs.extend(read_txt_dir(&repo().join("fixtures"), limit));
        assert!(
            !docs.is_empty(),
            "no bench input: seeds/ and fixtures/ are empty"
        );
        out.push(Sample {
            lang: "repo",
            source: "seeds/ + fixtures/".into(),
            docs,
        });
    }
    for s in &out {
        eprintln!(
            "stages bench: {} = {} docs, {:.2} MB from {}",
            s.lang,
            s.docs.len(),
            s.bytes() as f64 / 1e6,
            s.source
        );
    }
    out
}

/// A document after tokenizing and segmenting.
struct Prepared<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    breaks: Vec<Break>,
    chunks: Vec<Range<usize>>,
}

fn prepare(s: &Sample) -> Vec<Prepared<'_>> {
    s.docs
        .iter()
        .map(|text| {
            let tokens = normalize::tokenize(text);
            let breaks = segment::breaks(text, &tokens);
            let chunks = segment::chunks(&tokens, &breaks);
            Prepared {
                text,
                tokens,
                breaks,
                chunks,
            }
        })
        .collect()
}

/// The feature strings of every chunk, as the `simhash` crate's definition
/// takes them: the folded token, or [`NUMBER_FEATURE`] for a number.
fn feature_strings(p: &[Prepared]) -> Vec<Vec<String>> {
    p.iter()
        .flat_map(|d| {
            d.chunks.iter().map(|r| {
                d.tokens[r.clone()]
                    .iter()
                    .map(|t| {
                        if t.number {
                            NUMBER_FEATURE.to_string()
                        } else {
                            normalize::fold_str(t.span.slice(d.text))
                        }
                    })
                    .collect()
            })
        })
        .collect()
}

fn text_stages(c: &mut Criterion, samples: &[Sample]) {
    let mut g = c.benchmark_group("normalize");
    for s in samples {
        g.throughput(Throughput::Bytes(s.bytes()));
        g.bench_function(BenchmarkId::new("normalize", s.lang), |b| {
            b.iter(|| {
                for d in &s.docs {
                    black_box(normalize::normalize(black_box(d)));
                }
            })
        });
        g.bench_function(BenchmarkId::new("tokenize", s.lang), |b| {
            b.iter(|| {
                for d in &s.docs {
                    black_box(normalize::tokenize(black_box(d)));
                }
            })
        });
        // As verification's windows tokenize: keyed hashes, into a reused
        // buffer.
        g.bench_function(BenchmarkId::new("tokenize_keyed", s.lang), |b| {
            let mut tokens = Vec::new();
            b.iter(|| {
                for d in &s.docs {
                    normalize::tokenize_keyed_into(black_box(d), &mut tokens);
                    black_box(&tokens);
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("segment");
    for s in samples {
        let prep = prepare(s);
        g.throughput(Throughput::Bytes(s.bytes()));
        g.bench_function(BenchmarkId::new("breaks", s.lang), |b| {
            b.iter(|| {
                for p in &prep {
                    black_box(segment::breaks(p.text, &p.tokens));
                }
            })
        });
        g.bench_function(BenchmarkId::new("units", s.lang), |b| {
            b.iter(|| {
                for p in &prep {
                    black_box(segment::units(&p.breaks));
                }
            })
        });
        g.bench_function(BenchmarkId::new("chunks", s.lang), |b| {
            b.iter(|| {
                for p in &prep {
                    black_box(segment::chunks(&p.tokens, &p.breaks));
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("fingerprint");
    for s in samples {
        let prep = prepare(s);
        let feats = feature_strings(&prep);
        g.throughput(Throughput::Bytes(s.bytes()));
        // Our accumulation over all chunks, tokens given.
        g.bench_function(BenchmarkId::new("of_tokens", s.lang), |b| {
            b.iter(|| {
                let mut x = 0u64;
                for p in &prep {
                    for r in &p.chunks {
                        x ^= fingerprint::of_tokens(&p.tokens[r.clone()]).0;
                    }
                }
                black_box(x)
            })
        });
        // The crate's own loop over the same features (SipHash per feature,
        // 64-step loop), feature strings given: the definition.
        g.bench_function(BenchmarkId::new("simhash_stream", s.lang), |b| {
            b.iter(|| {
                let mut x = 0u64;
                for f in &feats {
                    x ^= simhash::simhash_stream(f.iter().map(String::as_str));
                }
                black_box(x)
            })
        });
        // Chunks and their fingerprints in one pass, tokens and breaks given.
        g.bench_function(BenchmarkId::new("for_each_chunk", s.lang), |b| {
            b.iter(|| {
                let mut x = 0u64;
                for p in &prep {
                    fingerprint::for_each_chunk(&p.tokens, &p.breaks, |_, f| x ^= f.0);
                }
                black_box(x)
            })
        });
        // Everything a document's fingerprints cost on one core, as
        // `pipeline::fingerprint_doc` does it: tokenize, breaks, chunks
        // with their fingerprints (buffers reused across documents).
        g.bench_function(BenchmarkId::new("full_per_core", s.lang), |b| {
            let (mut tokens, mut br) = (Vec::new(), Vec::new());
            b.iter(|| {
                let mut x = 0u64;
                for d in &s.docs {
                    normalize::tokenize_into(d, &mut tokens);
                    segment::breaks_into(d, &tokens, &mut br);
                    fingerprint::for_each_chunk(&tokens, &br, |_, f| x ^= f.0);
                }
                black_box(x)
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("claims");
    for s in samples {
        g.throughput(Throughput::Bytes(s.bytes()));
        let opts = ClaimOptions::default();
        g.bench_function(BenchmarkId::new("extract", s.lang), |b| {
            b.iter(|| {
                for d in &s.docs {
                    black_box(claims::extract(black_box(d), &opts));
                }
            })
        });
    }
    g.finish();
}

/// A small deterministic generator (splitmix64), so the inputs are the
/// same on every run without a `rand` dependency.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// `n` fingerprints: random ones, with `near_frac` of them copies of an
/// earlier one with 1–3 bits flipped. Sorted and distinct, as
/// `near_pairs` takes them.
fn synthetic_fps(n: usize, near_frac: f64, seed: u64) -> Vec<u64> {
    let mut rng = SplitMix(seed);
    let mut out: Vec<u64> = Vec::with_capacity(n);
    while out.len() < n {
        let r = rng.next();
        if !out.is_empty() && (r % 1000) as f64 / 1000.0 < near_frac {
            let base = out[(rng.next() % out.len() as u64) as usize];
            let flips = 1 + rng.next() % 3;
            let mut f = base;
            for _ in 0..flips {
                f ^= 1 << (rng.next() % 64);
            }
            out.push(f);
        } else {
            out.push(rng.next());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn index_stage(c: &mut Criterion, samples: &[Sample]) {
    let mut g = c.benchmark_group("index");
    let k = MatchOptions::default().max_hamming;
    let mut inputs: Vec<(String, Vec<u64>)> = vec![
        ("random_100k".into(), synthetic_fps(100_000, 0.0, 1)),
        ("near30pct_100k".into(), synthetic_fps(100_000, 0.3, 2)),
        ("random_1m".into(), synthetic_fps(1_000_000, 0.0, 3)),
    ];
    // The real chunk fingerprints of the sample text.
    let mut real: Vec<u64> = samples
        .iter()
        .flat_map(|s| {
            prepare(s)
                .into_iter()
                .flat_map(|p| {
                    p.chunks
                        .iter()
                        .map(|r| fingerprint::of_tokens(&p.tokens[r.clone()]).0)
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    real.sort_unstable();
    real.dedup();
    inputs.push((format!("real_{}", real.len()), real));
    for (name, fps) in &inputs {
        g.throughput(Throughput::Elements(fps.len() as u64));
        g.bench_function(BenchmarkId::new(format!("near_pairs_k{k}"), name), |b| {
            b.iter(|| black_box(index::near_pairs(black_box(fps), k)))
        });
    }
    g.finish();
}

/// 80-token windows of the sample, as token keys: each with an edited copy
/// (every 7th token changed, every 13th dropped, a word inserted every
/// 17th: as the peers' planted edits, denser) and with an unrelated window
/// of the same language (stock words in common, as most candidate regions
/// of a corpus full of shared formulae).
type KeyPairs = Vec<(Vec<u64>, Vec<u64>)>;

fn align_pairs(s: &Sample) -> (KeyPairs, KeyPairs) {
    let wins: Vec<Vec<u64>> = prepare(s)
        .iter()
        .flat_map(|d| {
            d.tokens
                .chunks_exact(80)
                .map(|w| w.iter().map(|t| t.hash).collect::<Vec<u64>>())
                .collect::<Vec<_>>()
        })
        .take(1000)
        .collect();
    let edited = wins
        .iter()
        .map(|w| {
            let mut e = Vec::with_capacity(w.len());
            for (i, &k) in w.iter().enumerate() {
                match (i % 7, i % 13, i % 17) {
                    (3, _, _) => e.push(k ^ 0x5555),
                    (_, 5, _) => {}
                    (_, _, 11) => e.extend([k, 0xabcd]),
                    _ => e.push(k),
                }
            }
            (w.clone(), e)
        })
        .collect();
    let half = wins.len() / 2;
    let unrelated = wins[..half]
        .iter()
        .zip(&wins[half..])
        .map(|(x, y)| (x.clone(), y.clone()))
        .collect();
    (edited, unrelated)
}

fn align_stage(c: &mut Criterion, samples: &[Sample]) {
    let mut g = c.benchmark_group("align");
    for s in samples {
        let (edited, unrelated) = align_pairs(s);
        for (name, pairs) in [("edited", &edited), ("unrelated", &unrelated)] {
            if pairs.is_empty() {
                continue;
            }
            g.throughput(Throughput::Elements(pairs.len() as u64));
            g.bench_function(BenchmarkId::new(format!("lcs_{name}"), s.lang), |b| {
                b.iter(|| {
                    for (x, y) in pairs.iter() {
                        black_box(align::align_keys(x, y));
                    }
                })
            });
            g.bench_function(BenchmarkId::new(format!("myers_{name}"), s.lang), |b| {
                b.iter(|| {
                    for (x, y) in pairs.iter() {
                        black_box(similar::capture_diff_slices(
                            similar::Algorithm::Myers,
                            x,
                            y,
                        ));
                    }
                })
            });
        }
    }
    g.finish();
}

fn pipeline_stage(c: &mut Criterion, samples: &[Sample]) {
    // A small corpus: up to 0.5 MB per language of the real text. News
    // from several outlets shares wire copy, so it has real pairs.
    let limit = budget().min(500_000);
    let mut docs = Vec::new();
    for s in samples {
        let mut total = 0;
        for (i, t) in s.docs.iter().enumerate() {
            if total >= limit {
                break;
            }
            total += t.len();
            docs.push(Document {
                name: format!("{}/{i:05}", s.lang),
                text: t.clone(),
                ..Default::default()
            });
        }
    }
    let corpus = Corpus::new(docs);
    let opts = MatchOptions::default();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(corpus.bytes() as u64));
    g.bench_function(BenchmarkId::new("find_pairs", corpus.len()), |b| {
        b.iter(|| {
            let mut stats = Stats::default();
            black_box(pipeline::find_pairs(&corpus, &opts, &mut stats))
        })
    });
    g.finish();
}

fn all(c: &mut Criterion) {
    let samples = samples();
    text_stages(c, &samples);
    index_stage(c, &samples);
    align_stage(c, &samples);
    pipeline_stage(c, &samples);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = all
}
criterion_main!(benches);
