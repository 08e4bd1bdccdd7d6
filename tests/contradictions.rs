//! Scores the contradiction fixtures (`fixtures/contradict/*`) through the
//! real pipeline and prints precision and recall.
//!
//! Each case is a folder with two documents (`a.txt` and `b.txt`, or
//! `docs.jsonl` with ids `a` and `b` when publication dates matter) and
//! `expected.json`: `{"findings":[{"kind","a","b","severity"?}], "requires"?}`.
//! A reported finding matches an expected one when the kinds (and severity,
//! if given) are equal and each side's text contains the expected text, or
//! is contained in it. `requires` names the claim feature a case depends
//! on (documentation only: every case is scored).

use crosscheck::document::Corpus;
use crosscheck::input::{self, InputOptions};
use crosscheck::pipeline::{self, MatchOptions};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Debug)]
struct Expected {
    findings: Vec<ExpectedFinding>,
    /// The claim feature the case depends on (documentation only).
    #[serde(rename = "requires")]
    _requires: Option<String>,
}

#[derive(Deserialize, Debug)]
struct ExpectedFinding {
    kind: String,
    a: String,
    b: String,
    severity: Option<String>,
}

/// Whether claim extraction recognizes a feature a case relies on.
fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/contradict");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/contradict")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn loosely_equal(got: &str, want: &str) -> bool {
    let (g, w) = (got.trim(), want.trim());
    !g.is_empty() && !w.is_empty() && (g.contains(w) || w.contains(g))
}

#[test]
fn contradiction_fixtures_precision_and_recall() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let (mut tp, mut predicted, mut expected_n) = (0usize, 0usize, 0usize);
    let mut unpaired = Vec::new();
    let mut wrong = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let exp: Expected =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap_or_else(|e| panic!("{name}/expected.json: {e}"));
        let loaded = input::read(std::slice::from_ref(dir), &InputOptions::default());
        assert!(loaded.errors.is_empty(), "{name}: {:?}", loaded.errors);
        let docs: Vec<_> = loaded
            .docs
            .into_iter()
            .filter(|d| !d.name.ends_with("expected.json"))
            .collect();
        assert_eq!(docs.len(), 2, "{name}: two documents");
        let outcome = pipeline::check(Corpus::new(docs), Vec::new(), &MatchOptions::default());
        if outcome.pairs.is_empty() {
            unpaired.push(name.clone());
        }
        let mut got: Vec<(String, String, String, String, String)> = Vec::new();
        for p in &outcome.pairs {
            let (ta, tb) = (
                &outcome.corpus.get(p.a.doc).text,
                &outcome.corpus.get(p.b.doc).text,
            );
            for f in &p.findings {
                got.push((
                    f.kind.name().to_string(),
                    format!("{:?}", f.severity).to_lowercase(),
                    f.a.span.slice(ta).to_string(),
                    f.b.span.slice(tb).to_string(),
                    f.message.clone(),
                ));
            }
        }
        let mut used = vec![false; got.len()];
        let mut case_tp = 0;
        for e in &exp.findings {
            let hit = got.iter().enumerate().position(|(i, g)| {
                !used[i]
                    && g.0 == e.kind
                    && e.severity.as_deref().is_none_or(|s| s == g.1)
                    && loosely_equal(&g.2, &e.a)
                    && loosely_equal(&g.3, &e.b)
            });
            if let Some(i) = hit {
                used[i] = true;
                case_tp += 1;
            } else {
                wrong.push(format!("{name}: missed {} {:?} vs {:?}", e.kind, e.a, e.b));
            }
        }
        for (i, g) in got.iter().enumerate() {
            if !used[i] {
                wrong.push(format!("{name}: unexpected {} [{}] {}", g.0, g.1, g.4));
            }
        }
        tp += case_tp;
        predicted += got.len();
        expected_n += exp.findings.len();
    }
    let precision = if predicted == 0 {
        1.0
    } else {
        tp as f64 / predicted as f64
    };
    let recall = if expected_n == 0 {
        1.0
    } else {
        tp as f64 / expected_n as f64
    };
    println!("contradiction fixtures: {} cases", cases.len());
    for w in &wrong {
        println!("  {w}");
    }
    println!("precision {precision:.3} ({tp}/{predicted}), recall {recall:.3} ({tp}/{expected_n})");
    assert!(
        unpaired.is_empty(),
        "matching found no pair in: {unpaired:?}"
    );
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}
