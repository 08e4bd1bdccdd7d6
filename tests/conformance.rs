//! Runs the peer conformance suites of `../shared/conformance` (numbers,
//! money, quantities, durations, dates from Recognizers-Text, Duckling,
//! Humanizer and num2words; see its README) through `claims::extract`,
//! prints the pass rate per file and fails when a rate drops below the
//! floor measured for it. Skips with a message when `../shared` is absent.
//!
//! In scope: cases with `scope: core` whose upstream reference passes
//! (`upstream_passes` not false).
//!
//! A case passes when:
//! * negative (`expected: []`): no claim of the file's kind is found
//!   (numbers: no figure at all; money: no money; quantity: no quantity or
//!   money; durations: no time quantity; dates: no date);
//! * otherwise every expected item is matched by a claim of the right kind
//!   whose span overlaps the expected span and whose value (or value in the
//!   base unit, for Duckling's grams) equals the expected value; for dates,
//!   when both sides resolve to a full `YYYY-MM-DD` date, the dates agree.
//!
//! The "exact span" column counts passing cases whose claim spans are
//! exactly the expected spans (informative: Duckling spans are always the
//! whole input).

use crosscheck::claims::{Claim, ClaimKind, ClaimOptions, extract};
use serde_json::Value;
use std::path::PathBuf;

/// Lowest acceptable in-scope pass rate per file (percent), as measured
/// when this test was written (rounded down).
const FLOORS: &[(&str, f64)] = &[
    ("numbers-ar.jsonl", 90.0),
    ("numbers-en.jsonl", 90.0),
    ("money-ar.jsonl", 90.0),
    ("money-en.jsonl", 90.0),
    ("quantity-ar.jsonl", 90.0),
    ("quantity-en.jsonl", 90.0),
    ("durations-ar.jsonl", 0.0),
    ("durations-en.jsonl", 0.0),
    ("dates-ar.jsonl", 0.0),
    ("dates-en.jsonl", 0.0),
];

fn suite_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    dir.join("numbers-ar.jsonl").exists().then_some(dir)
}

fn kind_ok(file: &str, c: &Claim, unnamed: bool) -> bool {
    use ClaimKind::*;
    // Duckling's "Unnamed" amounts and quantities are plain numbers.
    if unnamed {
        return c.kind == Number;
    }
    if file.starts_with("money") {
        c.kind == Money
    } else if file.starts_with("quantity") {
        c.kind == Quantity
    } else if file.starts_with("durations") {
        c.kind == Quantity && c.base_unit.as_deref() == Some("s")
    } else if file.starts_with("dates") {
        c.kind == Date
    } else {
        matches!(c.kind, Number | Percent | Money | Quantity)
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Byte span of an expected item: from its code-point offsets, or by
/// finding its text.
fn expected_span(input: &str, e: &Value) -> Option<(usize, usize)> {
    let byte_of = |cp: usize| input.char_indices().nth(cp).map_or(input.len(), |(b, _)| b);
    match (e["start"].as_u64(), e["end"].as_u64()) {
        (Some(s), Some(en)) => Some((byte_of(s as usize), byte_of(en as usize))),
        _ => {
            let t = e["text"].as_str()?;
            let s = input
                .find(t)
                .or_else(|| input.to_lowercase().find(&t.to_lowercase()))?;
            Some((s, s + t.len()))
        }
    }
}

/// A full `YYYY-MM-DD` date in the expected resolution, if there is one.
fn expected_day(case: &Value) -> Option<String> {
    let r = &case["expected"][0]["resolution"];
    let cands = [
        r["value"].as_str(),
        r["timex"].as_str(),
        r[0]["value"].as_str(),
        r[0]["timex"].as_str(),
        r["future"]["timex"].as_str(),
    ];
    cands.into_iter().flatten().find_map(|s| {
        let d = s.get(..10)?;
        let b = d.as_bytes();
        (b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && d.bytes().all(|c| c.is_ascii_digit() || c == b'-'))
        .then(|| d.to_string())
    })
}

fn check(file: &str, case: &Value, claims: &[Claim]) -> (bool, bool) {
    let input = case["input"].as_str().unwrap_or("");
    let expected = case["expected"].as_array().cloned().unwrap_or_default();
    if expected.is_empty() {
        // A negative of a number model means "no number here": a figure
        // with a unit (a quantity, "180ml") is not a number. Negatives of
        // the percent, ordinal and range models concern those kinds only.
        let source = case["source"].as_str().unwrap_or("");
        let bad = |c: &Claim| {
            if source.contains("PercentModel") {
                c.kind == ClaimKind::Percent
            } else if source.contains("OrdinalModel") {
                c.kind == ClaimKind::Ordinal
            } else if source.contains("NumberRangeModel") {
                c.min.is_some() || c.max.is_some()
            } else if file.starts_with("numbers") {
                matches!(c.kind, ClaimKind::Number | ClaimKind::Percent)
            } else {
                kind_ok(file, c, false)
            }
        };
        let ok = !claims.iter().any(bad);
        return (ok, ok);
    }
    let mut exact = true;
    for e in &expected {
        let Some((s, en)) = expected_span(input, e) else {
            return (false, false);
        };
        let want = e["value"].as_f64();
        let unnamed = e["unit"] == "Unnamed";
        let hit = claims.iter().find(|c| {
            (kind_ok(file, c, unnamed) || file.starts_with("numbers") && c.kind == ClaimKind::Date)
                && c.span.start < en.max(s + 1)
                && s < c.span.end
                && match want {
                    Some(v) => {
                        c.value.is_some_and(|x| close(x, v))
                            || c.base_value.is_some_and(|x| close(x, v))
                    }
                    None => true,
                }
        });
        let Some(c) = hit else { return (false, false) };
        if file.starts_with("dates")
            && let (Some(want), Some(got)) = (
                expected_day(case),
                c.date.as_ref().and_then(|d| d.gregorian.clone()),
            )
            && got.len() == 10
            && want != got
        {
            return (false, false);
        }
        exact &= c.span.start == s && c.span.end == en;
    }
    (true, exact)
}

#[test]
fn conformance_suites() {
    let Some(dir) = suite_dir() else {
        eprintln!("conformance: ../shared/conformance not found, skipping");
        return;
    };
    let verbose = std::env::var_os("CONFORMANCE_FAILURES").is_some();
    let mut failures = Vec::new();
    println!(
        "{:<20} {:>6} {:>6} {:>7} {:>7}",
        "file", "cases", "pass", "rate%", "exact%"
    );
    for &(file, floor) in FLOORS {
        let Ok(data) = std::fs::read_to_string(dir.join(file)) else {
            failures.push(format!("{file}: missing"));
            continue;
        };
        let (mut n, mut pass, mut exact) = (0usize, 0usize, 0usize);
        for line in data.lines() {
            let Ok(case) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if case["scope"] != "core" || case["upstream_passes"] == Value::Bool(false) {
                continue;
            }
            let input = case["input"].as_str().unwrap_or("");
            let claims = extract(input, &ClaimOptions::default());
            let (ok, ex) = check(file, &case, &claims);
            n += 1;
            pass += ok as usize;
            exact += ex as usize;
            if !ok && verbose {
                let got: Vec<_> = claims
                    .iter()
                    .map(|c| (c.span.slice(input), c.kind.name(), c.value, c.unit.clone()))
                    .collect();
                let want: Vec<_> = case["expected"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|e| (e["text"].clone(), e["value"].clone(), e["unit"].clone()))
                            .collect()
                    })
                    .unwrap_or_else(Vec::new);
                eprintln!("FAIL {file}: {input:?}\n   want {want:?}\n   got  {got:?}");
            }
        }
        let rate = 100.0 * pass as f64 / n.max(1) as f64;
        let exact_rate = 100.0 * exact as f64 / n.max(1) as f64;
        println!("{file:<20} {n:>6} {pass:>6} {rate:>7.1} {exact_rate:>7.1}");
        if rate < floor {
            failures.push(format!("{file}: {rate:.1}% < floor {floor}%"));
        }
    }
    assert!(failures.is_empty(), "conformance below floor: {failures:?}");
}
