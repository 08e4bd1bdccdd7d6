//! Invariant checks shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`),
//! the property tests and the crash-corpus replay (`tests/properties.rs`).
//! Each takes arbitrary bytes, runs one stage and panics if the stage panics
//! or breaks its contract. Kept in one file so a crash found by the fuzzer is
//! replayed by `cargo test` through exactly the same code.
#![allow(dead_code)]

use crosscheck::claims::{self, ClaimOptions};
use crosscheck::document::Span;
use crosscheck::input::{self, InputOptions};
use crosscheck::normalize;
use crosscheck::segment;

/// A span of `text` is in bounds, ordered and on char boundaries.
pub fn assert_span(text: &str, s: Span, what: &str) {
    assert!(s.start <= s.end, "{what}: {s:?} reversed");
    assert!(s.end <= text.len(), "{what}: {s:?} past {}", text.len());
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{what}: {s:?} not on char boundaries"
    );
}

/// Bytes as text the way the tool would read them (lossy), so every input
/// exercises the stages.
pub fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `normalize`: the byte map has one entry per normalized byte plus one,
/// never decreases, points at char boundaries of the original, and every
/// normalized char range maps back to an in-bounds original span.
pub fn normalize(text: &str) {
    let n = normalize::normalize(text);
    assert_eq!(n.map.len(), n.text.len() + 1);
    assert_eq!(n.map[n.text.len()], text.len());
    for w in n.map.windows(2) {
        assert!(w[0] <= w[1], "map decreases");
    }
    for &m in &n.map[..n.text.len()] {
        assert!(m < text.len() && text.is_char_boundary(m), "map entry {m}");
    }
    // Every normalized character, and the whole text, map back.
    let bounds: Vec<usize> = n
        .text
        .char_indices()
        .map(|(i, _)| i)
        .chain([n.text.len()])
        .collect();
    for w in bounds.windows(2) {
        assert_span(text, n.original_span(w[0], w[1], text), "char");
    }
    let whole = n.original_span(0, n.text.len(), text);
    assert_span(text, whole, "whole");
    // fold_str is normalize without the map.
    assert_eq!(normalize::fold_str(text), n.text);
}

/// `tokenize` + `segment`: tokens are non-empty, sorted, disjoint spans;
/// units and chunks cover every token in order.
pub fn tokenize_segment(text: &str) {
    let toks = normalize::tokenize(text);
    let (mut prev_start, mut prev_end) = (0, 0);
    for t in &toks {
        assert_span(text, t.span, "token");
        assert!(!t.span.is_empty(), "empty token {:?}", t.span);
        assert!(t.span.start >= prev_start, "tokens unsorted");
        // Two tokens share bytes only inside one character that folds to
        // parts of two classes (㎡ → "m2", ㍘ → "0点"): each part goes to
        // its own token, on that character's bytes (`align` holds such
        // tokens' spans; see `a_split_character_keeps_its_spans`).
        if t.span.start < prev_end {
            let shared = &text[t.span.start..prev_end];
            assert_eq!(
                shared.chars().count(),
                1,
                "tokens overlap by more than a character"
            );
        }
        (prev_start, prev_end) = (t.span.start, t.span.end.max(prev_end));
    }
    let br = segment::breaks(text, &toks);
    assert_eq!(br.len(), toks.len());
    for (name, ranges) in [
        ("unit", segment::units(&br)),
        ("chunk", segment::chunks(&toks, &br)),
    ] {
        let mut next = 0;
        for r in &ranges {
            assert_eq!(r.start, next, "{name}s do not cover the tokens in order");
            assert!(r.end > r.start, "empty {name}");
            assert_span(text, segment::span_of(&toks, r), name);
            next = r.end;
        }
        assert_eq!(next, toks.len(), "{name}s end before the last token");
        if name == "chunk" {
            assert!(ranges.iter().all(|r| r.len() <= segment::MAX_CHUNK));
        }
    }
}

/// `claims::extract`: every claim's span is in bounds, on char boundaries,
/// and sorted by start. Figures, dates and other non-quote claims never
/// overlap one another; a quote may contain them (figures inside a quote
/// are still compared) but never cuts one in two, and quotes never overlap
/// each other.
pub fn claims(text: &str) {
    use crosscheck::claims::ClaimKind;
    let cs = claims::extract(text, &ClaimOptions::default());
    let mut prev_start = 0;
    for c in &cs {
        assert_span(text, c.span, "claim");
        assert!(
            c.span.start >= prev_start,
            "claims unsorted at {:?}",
            c.span
        );
        prev_start = c.span.start;
    }
    let (quotes, others): (Vec<_>, Vec<_>) = cs.iter().partition(|c| c.kind == ClaimKind::Quote);
    for group in [&quotes, &others] {
        for w in group.windows(2) {
            assert!(
                w[1].span.start >= w[0].span.end,
                "claims overlap at {:?} and {:?}",
                w[0].span,
                w[1].span
            );
        }
    }
    for q in &quotes {
        for o in &others {
            let inside = o.span.start >= q.span.start && o.span.end <= q.span.end;
            assert!(
                inside || !o.span.overlaps(&q.span),
                "quote {:?} cuts claim {:?}",
                q.span,
                o.span
            );
        }
    }
}

/// The JSONL reader, plain and lossy: never panics; every document has
/// non-blank text; errors name a line within the input.
pub fn jsonl(data: &[u8]) {
    for lossy in [false, true] {
        let opts = InputOptions {
            lossy,
            ..InputOptions::default()
        };
        let loaded = input::parse_jsonl(data, "fuzz.jsonl", &opts);
        let lines = data.split(|&b| b == b'\n').count();
        for d in &loaded.docs {
            assert!(!d.text.trim().is_empty());
        }
        for e in &loaded.errors {
            if let Some(l) = e.line {
                assert!(l >= 1 && l <= lines, "line {l} of {lines}");
            }
            assert!(!e.to_string().contains('\u{1b}'));
        }
        let mut names: Vec<&str> = loaded.docs.iter().map(|d| d.name.as_str()).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len(), "duplicate ids left after reading");
    }
}
