//! Claim extraction on the hand-written cases of `fixtures/claims/cases.jsonl`
//! (every bullet of the claims issue, in Arabic and English, including the
//! seeds' figures), property tests over arbitrary text, and the
//! `crosscheck claims` subcommand.

use assert_cmd::Command;
use crosscheck::claims::{Claim, ClaimKind, ClaimOptions, extract};
use proptest::prelude::*;
use serde_json::Value;

fn field_ok(c: &Claim, text: &str, key: &str, want: &Value) -> bool {
    let num = |x: Option<f64>| match (x, want.as_f64()) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-6 * b.abs().max(1.0),
        _ => false,
    };
    let s = |x: Option<&str>| x == want.as_str();
    let d = c.date.as_ref();
    match key {
        "text" => c.span.slice(text) == want.as_str().unwrap_or(""),
        "kind" => c.kind.name() == want.as_str().unwrap_or(""),
        "value" => num(c.value),
        "base_value" => num(c.base_value),
        "min" => num(c.min),
        "max" => num(c.max),
        "unit" => s(c.unit.as_deref()),
        "base_unit" => s(c.base_unit.as_deref()),
        "qualifier" => s(c.qualifier.as_deref()),
        "speaker" => s(c.speaker.as_deref()),
        "gregorian" => s(d.and_then(|d| d.gregorian.as_deref())),
        "hijri" => s(d.and_then(|d| d.hijri.as_deref())),
        "relative" => s(d.and_then(|d| d.relative.as_deref())),
        "time" => s(d.and_then(|d| d.time.as_deref())),
        "weekday" => s(d.and_then(|d| d.weekday)),
        _ => panic!("unknown field {key}"),
    }
}

#[test]
fn fixture_cases() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/claims/cases.jsonl");
    let data = std::fs::read_to_string(path).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let text = case["text"].as_str().unwrap();
        let claims = extract(text, &ClaimOptions::default());
        let expect = case["expect"].as_array().unwrap();
        n += 1;
        if expect.is_empty() {
            let figures: Vec<_> = claims
                .iter()
                .filter(|c| c.kind != ClaimKind::Quote)
                .collect();
            if !figures.is_empty() {
                failures.push(format!(
                    "{}: expected nothing, got {figures:?}",
                    case["about"]
                ));
            }
        }
        for e in expect {
            let e = e.as_object().unwrap();
            let hit = claims
                .iter()
                .any(|c| e.iter().all(|(k, v)| field_ok(c, text, k, v)));
            if !hit {
                let got: Vec<_> = claims
                    .iter()
                    .map(|c| {
                        (
                            c.span.slice(text),
                            c.kind.name(),
                            c.value,
                            c.unit.clone(),
                            c.qualifier.clone(),
                            c.speaker.clone(),
                        )
                    })
                    .collect();
                failures.push(format!("{}: missing {e:?}\n    got {got:?}", case["about"]));
            }
        }
    }
    assert!(n >= 40, "only {n} cases");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn lang_override_changes_digit_reading() {
    let t = "4.800";
    let en = extract(
        t,
        &ClaimOptions {
            lang: Some(crosscheck::document::Lang::En),
        },
    );
    let ar = extract(
        t,
        &ClaimOptions {
            lang: Some(crosscheck::document::Lang::Ar),
        },
    );
    assert_eq!(en[0].value, Some(4.8));
    assert_eq!(ar[0].value, Some(4800.0));
}

fn check_spans(text: &str, claims: &[Claim]) -> Result<(), TestCaseError> {
    for c in claims {
        prop_assert!(c.span.start <= c.span.end && c.span.end <= text.len());
        prop_assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
    }
    for w in claims.windows(2) {
        prop_assert!(w[0].span.start <= w[1].span.start, "not sorted");
    }
    // Figures and dates never overlap one another; a quote may contain
    // them whole but never cut one.
    for (i, a) in claims.iter().enumerate() {
        for b in &claims[i + 1..] {
            if !a.span.overlaps(&b.span) {
                continue;
            }
            let nested =
                |o: &Claim, i: &Claim| o.span.start <= i.span.start && i.span.end <= o.span.end;
            let ok = (a.kind == ClaimKind::Quote && b.kind != ClaimKind::Quote && nested(a, b))
                || (b.kind == ClaimKind::Quote && a.kind != ClaimKind::Quote && nested(b, a));
            prop_assert!(ok, "overlap {a:?} {b:?}");
        }
    }
    Ok(())
}

/// Text made of the pieces claims are built from, so the generator reaches
/// the interesting paths (separators, number words, quotes, month names).
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("ألف".to_string()),
        Just("و".to_string()),
        Just("مليار".to_string()),
        Just("دولار".to_string()),
        Just("زيارتين".to_string()),
        Just("الستة".to_string()),
        Just("أكثر من".to_string()),
        Just("في المئة".to_string()),
        Just("ذي القعدة".to_string()),
        Just("1436هـ".to_string()),
        Just("مارس/آذار".to_string()),
        Just("قال".to_string()),
        Just("twenty-five".to_string()),
        Just("million".to_string()),
        Just("March".to_string()),
        Just("said".to_string()),
        Just("$".to_string()),
        Just("%".to_string()),
        Just("٪".to_string()),
        Just("km".to_string()),
        "[0-9٠-٩۰-۹]{1,6}",
        "[.,٫٬،ر/:\\- \u{200f}\u{a0}]{1,2}",
        "[\"“”«»„‹›]",
        "\\PC{0,3}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn spans_valid_on_arbitrary_unicode(text in "\\PC{0,200}") {
        let claims = extract(&text, &ClaimOptions::default());
        check_spans(&text, &claims)?;
    }

    #[test]
    fn spans_valid_on_newsy_text(text in newsy()) {
        let claims = extract(&text, &ClaimOptions::default());
        check_spans(&text, &claims)?;
    }

    #[test]
    fn no_panic_on_any_chars(text in ".{0,120}") {
        let _ = extract(&text, &ClaimOptions::default());
    }
}

#[test]
fn cli_claims_jsonl() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/claims/articles");
    let out = Command::cargo_bin("crosscheck")
        .unwrap()
        .args(["claims", "--format", "jsonl", dir])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    insta::assert_snapshot!("claims_jsonl", text);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "claims_summary");
    assert!(
        lines[..lines.len() - 1]
            .iter()
            .all(|l| l["type"] == "claim")
    );
    assert!(lines.iter().any(|l| l["text"] == "أكثر من ألف جندي"
        && l["value"] == 1000.0
        && l["qualifier"] == "more_than"
        && l["unit"] == "soldier"));
}

#[test]
fn cli_claims_text() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/claims/articles");
    let out = Command::cargo_bin("crosscheck")
        .unwrap()
        .args(["claims", "--color", "never", dir])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    insta::assert_snapshot!("claims_text", String::from_utf8(out).unwrap());
}

#[test]
fn cli_claims_missing_file() {
    Command::cargo_bin("crosscheck")
        .unwrap()
        .args(["claims", "/nonexistent/crosscheck-claims.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("crosscheck-claims.txt"));
}

#[test]
fn cli_claims_rejects_report_only_formats() {
    let out = Command::cargo_bin("crosscheck")
        .unwrap()
        .args(["claims", "--format", "csv", "-"])
        .write_stdin("5 people")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("text or jsonl"), "{err}");
}
