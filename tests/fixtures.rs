//! Hand-written fixture cases (`fixtures/foundation/<case>/`), each run
//! through the real pipeline and checked against its `expected.json`.
//!
//! A case folder holds its documents (`*.txt`, or `docs.jsonl` with ids), a
//! one-line `README` saying what it tests, and `expected.json`:
//!
//! ```json
//! {
//!   "inputs": ["seeds/001.txt"],            // optional: paths from the repo root instead of the folder's files
//!   "pairs": [
//!     {
//!       "a": {"doc": "a.txt", "contains": ["phrase"], "excludes": ["phrase"]},
//!       "b": {"doc": "b.txt", "contains": ["phrase"]},
//!       "findings": [{"kind": "number", "a": "35", "b": "53"}]
//!     }
//!   ],
//!   "known_failure": "why"                   // optional
//! }
//! ```
//!
//! The reported pairs must be exactly the expected ones (either orientation):
//! each side's reported text must contain every `contains` phrase and none of
//! the `excludes` phrases (unrelated sentences around the copy). The pair's
//! findings must be exactly the expected ones: same kind, and each side's
//! original text contains the expected text (so "35" matches a claim "35"
//! or, once units are read, "35 survivors").
//!
//! A case marked `known_failure` is a real bug or limitation of matching or
//! claims, written down with its reason; it is reported apart and does not
//! fail the test (its expectation stays what SHOULD happen).

use crosscheck::document::Corpus;
use crosscheck::input::{self, InputOptions};
use crosscheck::pipeline::{self, MatchOptions};
use crosscheck::report::wire;
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Expected {
    #[serde(default)]
    inputs: Option<Vec<String>>,
    pairs: Vec<ExpPair>,
    #[serde(default)]
    known_failure: Option<String>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
struct ExpPair {
    a: ExpSide,
    b: ExpSide,
    findings: Vec<ExpFinding>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
struct ExpSide {
    doc: String,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
struct ExpFinding {
    kind: String,
    a: String,
    b: String,
}

/// A reported pair, as plain strings.
#[derive(Debug, Clone)]
struct Got {
    a: GotSide,
    b: GotSide,
    findings: Vec<(String, String, String)>,
}

#[derive(Debug, Clone)]
struct GotSide {
    doc: String,
    start: usize,
    end: usize,
    text: String,
}

impl Got {
    fn swapped(&self) -> Got {
        Got {
            a: self.b.clone(),
            b: self.a.clone(),
            findings: self
                .findings
                .iter()
                .map(|(k, a, b)| (k.clone(), b.clone(), a.clone()))
                .collect(),
        }
    }
    fn describe(&self) -> String {
        format!(
            "{} [{}..{}] ~ {} [{}..{}]\n      a: {}\n      b: {}",
            self.a.doc,
            self.a.start,
            self.a.end,
            self.b.doc,
            self.b.start,
            self.b.end,
            short(&self.a.text),
            short(&self.b.text)
        )
    }
}

fn short(s: &str) -> String {
    let s = s.replace('\n', "⏎");
    let n = s.chars().count();
    if n <= 160 {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(75).collect();
    let tail: String = s.chars().skip(n - 75).collect();
    format!("{head:?} … {tail:?}")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<PathBuf> {
    let root = repo().join("fixtures/foundation");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn name(case: &Path) -> String {
    case.file_name().unwrap().to_string_lossy().into_owned()
}

fn load_expected(case: &Path) -> Expected {
    let p = case.join("expected.json");
    let s = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The input paths of a case: `inputs` from the repo root, else the
/// folder's `*.txt` and `*.jsonl` files.
fn inputs(case: &Path, exp: &Expected) -> Vec<PathBuf> {
    if let Some(list) = &exp.inputs {
        return list.iter().map(|p| repo().join(p)).collect();
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("txt" | "jsonl")
            )
        })
        .collect();
    v.sort();
    v
}

/// Runs the pipeline on one case and returns every reported pair.
fn run(case: &Path, exp: &Expected) -> Result<Vec<Got>, String> {
    let paths = inputs(case, exp);
    if paths.is_empty() {
        return Err("no input files (*.txt, *.jsonl or \"inputs\")".into());
    }
    let loaded = input::read(&paths, &InputOptions::default());
    if !loaded.errors.is_empty() {
        let list: Vec<String> = loaded.errors.iter().map(|e| e.to_string()).collect();
        return Err(format!("input errors: {}", list.join("; ")));
    }
    let outcome = pipeline::check(
        Corpus::new(loaded.docs),
        loaded.errors,
        &MatchOptions::default(),
    );
    Ok(outcome
        .pairs
        .iter()
        .map(|p| {
            let w = wire::pair(&outcome.corpus, p);
            let side = |s: &wire::WirePassage| GotSide {
                doc: s.doc.to_string(),
                start: s.start,
                end: s.end,
                text: s.text.to_string(),
            };
            Got {
                a: side(&w.a),
                b: side(&w.b),
                findings: w
                    .findings
                    .iter()
                    .map(|f| {
                        (
                            f.kind.to_string(),
                            f.a.text.to_string(),
                            f.b.text.to_string(),
                        )
                    })
                    .collect(),
            }
        })
        .collect())
}

/// What is wrong with side `got` against `exp` (empty when it fits).
fn side_problems(which: &str, exp: &ExpSide, got: &GotSide) -> Vec<String> {
    let mut v = Vec::new();
    for c in &exp.contains {
        if !got.text.contains(c.as_str()) {
            v.push(format!("side {which} ({}) does not contain {c:?}", exp.doc));
        }
    }
    for x in &exp.excludes {
        if got.text.contains(x.as_str()) {
            v.push(format!(
                "side {which} ({}) reaches into unrelated text {x:?}",
                exp.doc
            ));
        }
    }
    v
}

fn finding_problems(exp: &[ExpFinding], got: &[(String, String, String)]) -> Vec<String> {
    let mut left: Vec<&(String, String, String)> = got.iter().collect();
    let mut v = Vec::new();
    for f in exp {
        match left
            .iter()
            .position(|(k, a, b)| *k == f.kind && a.contains(&f.a) && b.contains(&f.b))
        {
            Some(i) => {
                left.remove(i);
            }
            None => v.push(format!(
                "expected finding {} {:?} vs {:?} was not reported",
                f.kind, f.a, f.b
            )),
        }
    }
    for (k, a, b) in left {
        v.push(format!("unexpected finding {k} {a:?} vs {b:?}"));
    }
    v
}

/// Checks one case; `Err` lists every problem.
fn check_case(case: &Path, exp: &Expected) -> Result<(), Vec<String>> {
    let mut got = run(case, exp).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    for ep in &exp.pairs {
        // The reported pairs of the same two documents, oriented like `ep`.
        let same_docs: Vec<(usize, Got)> = got
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                if g.a.doc == ep.a.doc && g.b.doc == ep.b.doc {
                    Some((i, g.clone()))
                } else if g.a.doc == ep.b.doc && g.b.doc == ep.a.doc {
                    Some((i, g.swapped()))
                } else {
                    None
                }
            })
            .collect();
        if same_docs.is_empty() {
            problems.push(format!(
                "expected pair {} ~ {} was not reported",
                ep.a.doc, ep.b.doc
            ));
            continue;
        }
        let fits = |g: &Got| {
            side_problems("a", &ep.a, &g.a).is_empty() && side_problems("b", &ep.b, &g.b).is_empty()
        };
        let (i, g) = match same_docs.iter().find(|(_, g)| fits(g)) {
            Some(x) => x.clone(),
            None => {
                // Report against the first one; the others show as unexpected.
                let (i, g) = same_docs[0].clone();
                let mut p = side_problems("a", &ep.a, &g.a);
                p.extend(side_problems("b", &ep.b, &g.b));
                problems.push(format!(
                    "pair {} ~ {} has the wrong span: {}\n    reported: {}",
                    ep.a.doc,
                    ep.b.doc,
                    p.join("; "),
                    g.describe()
                ));
                (i, g)
            }
        };
        for p in finding_problems(&ep.findings, &g.findings) {
            problems.push(format!("pair {} ~ {}: {p}", ep.a.doc, ep.b.doc));
        }
        got.remove(i);
    }
    for g in &got {
        problems.push(format!("unexpected pair {}", g.describe()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[test]
fn every_case_has_readme_expected_and_inputs() {
    let all = cases();
    assert!(
        all.len() >= 12,
        "fixtures/foundation has {} cases, want at least 12",
        all.len()
    );
    for case in &all {
        let n = name(case);
        let readme = std::fs::read_to_string(case.join("README"))
            .unwrap_or_else(|e| panic!("case {n}: README: {e}"));
        assert_eq!(
            readme.trim_end().lines().count(),
            1,
            "case {n}: README must be one line"
        );
        let exp = load_expected(case);
        let paths = inputs(case, &exp);
        assert!(!paths.is_empty(), "case {n}: no inputs");
        for p in &paths {
            assert!(p.is_file(), "case {n}: input {} missing", p.display());
        }
        for ep in &exp.pairs {
            assert!(
                !ep.a.contains.is_empty() && !ep.b.contains.is_empty(),
                "case {n}: every expected pair names a phrase on each side"
            );
        }
    }
}

#[test]
fn fixtures_match_expected() {
    let mut passed = Vec::new();
    let mut failed: Vec<(String, Vec<String>)> = Vec::new();
    let mut known: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut known_passing: Vec<(String, String)> = Vec::new();
    let all = cases();
    for case in &all {
        let n = name(case);
        let exp = load_expected(case);
        match (check_case(case, &exp), &exp.known_failure) {
            (Ok(()), None) => passed.push(n),
            (Ok(()), Some(why)) => known_passing.push((n, why.clone())),
            (Err(p), None) => failed.push((n, p)),
            (Err(p), Some(why)) => known.push((n, why.clone(), p)),
        }
    }
    let mut report = String::new();
    for (n, why, p) in &known {
        let _ = writeln!(report, "known failure {n}: {why}");
        for x in p {
            let _ = writeln!(report, "    {x}");
        }
    }
    for (n, why) in &known_passing {
        let _ = writeln!(
            report,
            "case {n} is marked known_failure ({why}) but now passes: remove the mark"
        );
    }
    for (n, p) in &failed {
        let _ = writeln!(report, "FAILED case {n}:");
        for x in p {
            let _ = writeln!(report, "    {x}");
        }
    }
    eprint!("{report}");
    eprintln!(
        "fixtures: {}/{} cases pass, {} known failures, {} failed",
        passed.len() + known_passing.len(),
        all.len(),
        known.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} fixture case(s) failed:\n{report}",
        failed.len()
    );
}
