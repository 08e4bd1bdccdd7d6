//! The pipeline: calls the stages in order. The only module that knows them
//! all.

use crate::align::{self, Alignment};
use crate::candidates::{self, Candidate, SeedStats};
use crate::claims::{self, Claim, ClaimOptions};
use crate::cli::{CheckArgs, Format};
use crate::config::CheckConfig;
use crate::contradict::{self, CompareOptions};
use crate::document::{Corpus, DocId, Passage, Span};
use crate::fingerprint;
use crate::index::{self, ChunkRecord};
use crate::input;
use crate::normalize::{self, Token};
use crate::quotes;
use crate::report;
use crate::segment::{self, Break};
use crate::summary::{CheckOutcome, PairResult, Stats};
use anyhow::Context;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;

/// Matching settings.
#[derive(Clone, Debug)]
pub struct MatchOptions {
    /// Largest Hamming distance between seed fingerprints. 3 is the Manku et
    /// al. setting (4 blocks of 16 bits); on chunk fingerprints it adds the
    /// chunks with one changed word out of many to the exact seeds.
    pub max_hamming: u32,
    /// Smallest word-alignment similarity of a reported pair. 0.5 keeps
    /// every planted copy with word-3-shingle Jaccard >= 0.5 in the peers'
    /// generated corpus (those align at 0.6 and above).
    pub min_similarity: f64,
    /// Smallest reported passage, in words on each side (the peers' 8).
    pub min_words: usize,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            max_hamming: 3,
            min_similarity: 0.5,
            min_words: 8,
        }
    }
}

/// One document's tokens and sentence units.
pub struct Tokenized {
    /// Tokens with original spans.
    pub tokens: Vec<Token>,
    /// Sentence units, as token ranges.
    pub units: Vec<Range<usize>>,
}

/// Tokenizes and segments one text.
pub fn tokenize_doc(text: &str) -> Tokenized {
    let tokens = normalize::tokenize(text);
    let br = segment::breaks(text, &tokens);
    let units = segment::units(&br);
    Tokenized { tokens, units }
}

/// Fingerprints every chunk of one document.
fn fingerprint_doc(
    doc: DocId,
    text: &str,
    tokens: &mut Vec<Token>,
    buf: &mut String,
    breaks: &mut Vec<Break>,
) -> (Vec<ChunkRecord>, usize) {
    normalize::tokenize_into(text, tokens, buf);
    *breaks = segment::breaks(text, tokens);
    let units = breaks.iter().filter(|&&b| b >= Break::Sentence).count();
    let recs = segment::chunks(tokens, breaks)
        .into_iter()
        .map(|r| ChunkRecord {
            fingerprint: fingerprint::of_tokens(&tokens[r.clone()]).0,
            doc: doc.0,
            token: r.start as u32,
            len: r.len() as u16,
        })
        .collect();
    (recs, units)
}

/// A verified pair, before claims.
#[derive(Clone, Debug)]
pub struct Matched {
    /// Side a.
    pub a: Passage,
    /// Side b.
    pub b: Passage,
    /// Smallest seed Hamming distance.
    pub hamming: u32,
    /// Trimmed alignment.
    pub alignment: Alignment,
}

/// Finds every near-duplicate passage pair across documents.
pub fn find_pairs(corpus: &Corpus, opts: &MatchOptions, stats: &mut Stats) -> Vec<Matched> {
    // 1. Fingerprint every chunk of every document.
    let per_doc: Vec<(Vec<ChunkRecord>, usize)> = corpus
        .docs
        .par_iter()
        .enumerate()
        .map_init(
            || (Vec::new(), String::new(), Vec::new()),
            |(toks, buf, br), (i, d)| fingerprint_doc(DocId(i as u32), &d.text, toks, buf, br),
        )
        .collect();
    stats.passages = per_doc.iter().map(|x| x.1).sum();
    let mut records: Vec<ChunkRecord> = Vec::with_capacity(per_doc.iter().map(|x| x.0.len()).sum());
    for (r, _) in per_doc {
        records.extend(r);
    }
    // 2. Group equal fingerprints; find near ones with the block index.
    records.par_sort_unstable();
    let mut fps = Vec::new();
    let mut starts = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if fps.last() != Some(&r.fingerprint) {
            fps.push(r.fingerprint);
            starts.push(i);
        }
    }
    starts.push(records.len());
    let near = index::near_pairs(&fps, opts.max_hamming);
    drop(fps);
    // 3. Seeds, chained into candidate regions.
    let mut seed_stats = SeedStats::default();
    let seeds = candidates::seeds(&records, &starts, &near, &mut seed_stats);
    drop(records);
    let cands = candidates::chain(&seeds);
    drop(seeds);
    stats.common_groups = seed_stats.common_groups;
    stats.candidates = cands.len();
    // 4. Verify by alignment, grouped by document a (tokenized once).
    let groups: Vec<&[Candidate]> = cands.chunk_by(|x, y| x.a_doc == y.a_doc).collect();
    let mut out: Vec<Matched> = groups
        .par_iter()
        .flat_map_iter(|group| verify_group(corpus, group, opts))
        .collect();
    out.sort_by(|x, y| (x.a, x.b).cmp(&(y.a, y.b)));
    out
}

/// Token range of the units that cover tokens `r`.
fn extend_to_units(units: &[Range<usize>], r: Range<u32>) -> Range<usize> {
    let (s, e) = (r.start as usize, r.end as usize);
    let first = units.partition_point(|u| u.end <= s);
    let last = units
        .partition_point(|u| u.end < e)
        .min(units.len().saturating_sub(1));
    units[first].start.min(s)..units[last].end.max(e)
}

fn verify_group(corpus: &Corpus, group: &[Candidate], opts: &MatchOptions) -> Vec<Matched> {
    let a_doc = DocId(group[0].a_doc);
    let ta = tokenize_doc(&corpus.get(a_doc).text);
    let mut out: Vec<Matched> = Vec::new();
    for same_b in group.chunk_by(|x, y| x.b_doc == y.b_doc) {
        let b_doc = DocId(same_b[0].b_doc);
        let tb = tokenize_doc(&corpus.get(b_doc).text);
        // Extend each region to whole units, and merge regions that overlap.
        let mut regions: Vec<(Range<usize>, Range<usize>, u32)> = same_b
            .iter()
            .map(|c| {
                (
                    extend_to_units(&ta.units, c.a.clone()),
                    extend_to_units(&tb.units, c.b.clone()),
                    c.hamming,
                )
            })
            .collect();
        regions.sort_by_key(|r| (r.0.start, r.1.start));
        let mut merged: Vec<(Range<usize>, Range<usize>, u32)> = Vec::new();
        for r in regions {
            match merged.last_mut() {
                Some(m) if m.0.end >= r.0.start && m.1.start <= r.1.end && r.1.start <= m.1.end => {
                    m.0.end = m.0.end.max(r.0.end);
                    m.1 = m.1.start.min(r.1.start)..m.1.end.max(r.1.end);
                    m.2 = m.2.min(r.2);
                }
                _ => merged.push(r),
            }
        }
        let mut found: Vec<Matched> = Vec::new();
        for (ra, rb, hamming) in merged {
            let full = align::align(&ta.tokens[ra.clone()], &tb.tokens[rb.clone()]);
            let (ka, kb, al) = full.trim();
            if ka.len() < opts.min_words
                || kb.len() < opts.min_words
                || al.similarity < opts.min_similarity
            {
                continue;
            }
            let sa = segment::span_of(&ta.tokens, &(ra.start + ka.start..ra.start + ka.end));
            let sb = segment::span_of(&tb.tokens, &(rb.start + kb.start..rb.start + kb.end));
            let m = Matched {
                a: Passage {
                    doc: a_doc,
                    span: sa,
                },
                b: Passage {
                    doc: b_doc,
                    span: sb,
                },
                hamming,
                alignment: al,
            };
            // Two regions that trimmed to overlapping passages: keep the larger.
            if let Some(prev) = found
                .iter_mut()
                .find(|p| p.a.span.overlaps(&m.a.span) && p.b.span.overlaps(&m.b.span))
            {
                if m.alignment.equal_tokens() > prev.alignment.equal_tokens() {
                    *prev = m;
                }
                continue;
            }
            found.push(m);
        }
        out.extend(found);
    }
    out
}

/// Runs matching, claims and contradictions over a corpus.
pub fn check(corpus: Corpus, errors: Vec<input::InputError>, opts: &MatchOptions) -> CheckOutcome {
    let mut stats = Stats::default();
    let mut matched = find_pairs(&corpus, opts, &mut stats);
    // Claims of every document, once each (quotations pair documents that
    // passage matching did not pair).
    let claim_opts = ClaimOptions::default();
    let claims: HashMap<DocId, Vec<Claim>> = corpus
        .iter()
        .map(|(d, _)| d)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&d| (d, doc_claims(&corpus.get(d).text, &claim_opts)))
        .collect();
    let extra = quote_pairs(&corpus, &claims, &matched, opts);
    matched.extend(extra);
    matched.sort_by_key(|x| (x.a, x.b));
    let compare_opts = CompareOptions::default();
    let pairs: Vec<PairResult> = matched
        .into_par_iter()
        .map(|m| {
            let (da, db) = (corpus.get(m.a.doc), corpus.get(m.b.doc));
            let inside = |d: DocId, s: Span| -> Vec<Claim> {
                claims[&d]
                    .iter()
                    .filter(|c| c.span.start >= s.start && c.span.end <= s.end)
                    .cloned()
                    .collect()
            };
            let (ca, cb) = (inside(m.a.doc, m.a.span), inside(m.b.doc, m.b.span));
            let findings = contradict::compare(
                &m.alignment,
                contradict::Side {
                    text: &da.text,
                    claims: &ca,
                    doc_claims: &claims[&m.a.doc],
                    date: da.date.as_deref(),
                },
                contradict::Side {
                    text: &db.text,
                    claims: &cb,
                    doc_claims: &claims[&m.b.doc],
                    date: db.date.as_deref(),
                },
                &compare_opts,
            );
            PairResult {
                a: m.a,
                b: m.b,
                similarity: m.alignment.similarity,
                hamming: m.hamming,
                alignment: m.alignment,
                findings,
                same_source: da.source.is_some() && da.source == db.source,
            }
        })
        .collect();
    CheckOutcome {
        corpus,
        pairs,
        errors,
        stats,
    }
}

/// The claims of one document. While claim extraction does not return
/// quotations, those of `quotes::scan` are added.
fn doc_claims(text: &str, opts: &ClaimOptions) -> Vec<Claim> {
    let mut c = claims::extract(text, opts);
    if !c.iter().any(|c| c.kind == claims::ClaimKind::Quote) {
        c.extend(quotes::scan(text));
        c.sort_by_key(|c| (c.span.start, c.span.end));
    }
    c
}

/// Quotations matched as passages of their own: pairs of close quotations
/// in different documents that no passage pair already covers.
fn quote_pairs(
    corpus: &Corpus,
    claims: &HashMap<DocId, Vec<Claim>>,
    matched: &[Matched],
    opts: &MatchOptions,
) -> Vec<Matched> {
    let docs: Vec<quotes::DocQuotes<'_>> = corpus
        .iter()
        .map(|(d, doc)| quotes::DocQuotes {
            doc: d,
            text: &doc.text,
            quotes: claims[&d]
                .iter()
                .filter(|c| c.kind == claims::ClaimKind::Quote)
                .map(|c| c.span)
                .collect(),
        })
        .collect();
    let covered = |a: &Passage, b: &Passage| {
        matched.iter().any(|m| {
            m.a.doc == a.doc
                && m.b.doc == b.doc
                && m.a.span.overlaps(&a.span)
                && m.b.span.overlaps(&b.span)
        })
    };
    quotes::candidate_pairs(&docs)
        .into_iter()
        .filter(|(a, b)| !covered(a, b))
        .filter_map(|(a, b)| {
            let ta = normalize::tokenize(&corpus.get(a.doc).text[a.span.start..a.span.end]);
            let tb = normalize::tokenize(&corpus.get(b.doc).text[b.span.start..b.span.end]);
            let shift = |t: &mut Vec<Token>, by: usize| {
                for x in t.iter_mut() {
                    x.span = Span::new(x.span.start + by, x.span.end + by);
                }
            };
            let (mut ta, mut tb) = (ta, tb);
            shift(&mut ta, a.span.start);
            shift(&mut tb, b.span.start);
            let al = align::align(&ta, &tb);
            (al.similarity >= opts.min_similarity.max(0.6)).then_some(Matched {
                a,
                b,
                hamming: 0,
                alignment: al,
            })
        })
        .collect()
}

/// `crosscheck check`: returns the exit code.
pub fn run_check(args: &CheckArgs) -> anyhow::Result<i32> {
    let cfg = CheckConfig::from_args(args)?;
    if let Some(n) = cfg.threads {
        // Only fails when a pool was already built (tests calling twice).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let progress = report::progress::Progress::start("reading inputs");
    let mut loaded = input::read(&cfg.paths, &cfg.input);
    if let Some(rule) = &cfg.source_from {
        for d in loaded.docs.iter_mut().filter(|d| d.source.is_none()) {
            d.source = rule.source_of(&d.name);
        }
    }
    progress.set(format!("matching {} documents", loaded.docs.len()));
    let mut outcome = check(Corpus::new(loaded.docs), loaded.errors, &cfg.matching);
    if cfg.cross_source_only {
        outcome.pairs.retain(|p| !p.same_source);
    }
    progress.finish();
    for e in &outcome.errors {
        eprintln!("crosscheck: {e}");
    }
    write_report(&cfg, &outcome)?;
    Ok(exit_code(&outcome))
}

/// Writes the report in the configured format to `-o FILE` or stdout.
fn write_report(cfg: &CheckConfig, outcome: &CheckOutcome) -> anyhow::Result<()> {
    let sink: Box<dyn Write> = match &cfg.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(sink);
    let opts = &cfg.report;
    match cfg.format {
        Format::Text => report::write_text(&mut out, outcome, opts),
        Format::Jsonl => report::write_jsonl(&mut out, outcome),
        Format::Html => report::write_html(&mut out, outcome),
        Format::Csv => report::write_csv(&mut out, outcome, opts),
    }
    .and_then(|_| out.flush())
    .with_context(|| match &cfg.output {
        Some(path) => format!("writing the report to {}", path.display()),
        None => "writing the report".to_string(),
    })
}

/// 2 when any input failed, else 1 when there are findings, else 0.
pub fn exit_code(o: &CheckOutcome) -> i32 {
    if !o.errors.is_empty() {
        crate::exit::ERROR
    } else if o.findings() > 0 {
        crate::exit::FINDINGS
    } else {
        crate::exit::CLEAN
    }
}

/// `crosscheck claims`: lists the claims of every document; returns the
/// exit code (0, or 2 when an input could not be read).
pub fn run_claims(args: &crate::cli::ClaimsArgs) -> anyhow::Result<i32> {
    use crate::cli::LangArg;
    use crate::document::Lang;
    use crate::report::claims::DocClaims;
    let check_args = CheckArgs {
        input: args.input.clone(),
        output: args.output.clone(),
        max_hamming: None,
        min_similarity: None,
        min_words: None,
        source_from: None,
        cross_source_only: false,
    };
    let cfg = CheckConfig::from_args(&check_args)?;
    let loaded = input::read(&cfg.paths, &cfg.input);
    for e in &loaded.errors {
        eprintln!("crosscheck: {e}");
    }
    let corpus = Corpus::new(loaded.docs);
    let opts = ClaimOptions {
        lang: args.lang.map(|l| match l {
            LangArg::Ar => Lang::Ar,
            LangArg::En => Lang::En,
            LangArg::Other => Lang::Other,
        }),
    };
    let found: Vec<(Vec<Claim>, Lang)> = corpus
        .docs
        .par_iter()
        .map(|d| {
            let lang = opts.lang.unwrap_or_else(|| claims::detect_lang(&d.text));
            (claims::extract(&d.text, &opts), lang)
        })
        .collect();
    let docs: Vec<DocClaims> = corpus
        .docs
        .iter()
        .zip(&found)
        .map(|(d, (c, lang))| DocClaims {
            name: &d.name,
            text: &d.text,
            claims: c,
            lang: *lang,
        })
        .collect();
    let sink: Box<dyn Write> = match &cfg.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(sink);
    let errors = loaded.errors.len();
    match cfg.format {
        Format::Jsonl => report::claims::write_jsonl(&mut out, &docs, errors),
        _ => report::claims::write_text(&mut out, &docs, errors),
    }
    .and_then(|_| out.flush())
    .context("writing the claims")?;
    Ok(if errors > 0 {
        crate::exit::ERROR
    } else {
        crate::exit::CLEAN
    })
}
