//! The sentence pairs of SaudiNewsNet whose figures differ only in notation
//! (`numeric_diff_candidates.csv`, `format_only=1`) must get no `number`
//! finding. Each pair is aligned word by word and compared with the real
//! claims and contradiction stages (matching is not involved: a single
//! sentence is often shorter than a reported passage).
//!
//! Reads `../shared/corpora/saudinewsnet/numeric_diff_candidates.csv`
//! relative to the repository; skips with a message when it is absent.

use crosscheck::align;
use crosscheck::claims::{self, ClaimOptions};
use crosscheck::contradict::{self, CompareOptions, FindingKind, Side};
use crosscheck::document::Span;
use crosscheck::normalize;
use std::path::Path;
use std::sync::OnceLock;

/// Parses CSV (RFC 4180: quoted fields, doubled quotes, newlines in quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '\r' => {}
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Findings of one sentence pair, compared as one aligned passage.
pub fn findings(a: &str, b: &str) -> Vec<contradict::Finding> {
    let al = align::align(&normalize::tokenize(a), &normalize::tokenize(b));
    let opts = ClaimOptions::default();
    let (ca, cb) = (claims::extract(a, &opts), claims::extract(b, &opts));
    // Each sentence is its own document: its claims are the passage's.
    let (whole_a, whole_b) = (OnceLock::from(ca.clone()), OnceLock::from(cb.clone()));
    contradict::compare(
        &al,
        Side {
            text: a,
            passage: Span::new(0, a.len()),
            claims: &ca,
            doc_claims: Some(&whole_a),
            date: None,
        },
        Side {
            text: b,
            passage: Span::new(0, b.len()),
            claims: &cb,
            doc_claims: Some(&whole_b),
            date: None,
        },
        &CompareOptions::default(),
    )
}

#[test]
fn format_only_pairs_get_no_number_finding() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/saudinewsnet/numeric_diff_candidates.csv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} not found", path.display());
        return;
    };
    let rows = parse_csv(&text);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (sa, sb, fo) = (col("sentence_a"), col("sentence_b"), col("format_only"));
    let mut checked = 0;
    let mut bad = Vec::new();
    let (mut other_rows, mut other_flagged) = (0, 0);
    for r in &rows[1..] {
        if r.len() <= fo.max(sa).max(sb) {
            continue;
        }
        let f = findings(&r[sa], &r[sb]);
        let numbers: Vec<_> = f.iter().filter(|f| f.kind == FindingKind::Number).collect();
        if r[fo] == "1" {
            checked += 1;
            if !numbers.is_empty() {
                bad.push(format!(
                    "{}\n    a: {}\n    b: {}",
                    numbers[0].message, r[sa], r[sb]
                ));
            }
        } else {
            other_rows += 1;
            if !numbers.is_empty() {
                other_flagged += 1;
            }
        }
    }
    println!(
        "format-only pairs: {checked} checked, {} with a number finding; \
         other candidate pairs: {other_flagged} of {other_rows} flagged",
        bad.len()
    );
    for b in &bad {
        println!("  {b}");
    }
    assert!(
        checked >= 273,
        "expected 273 format-only pairs, read {checked}"
    );
    assert!(
        bad.is_empty(),
        "{} format-only pairs got a number finding",
        bad.len()
    );
}
