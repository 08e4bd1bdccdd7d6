//! The JSON Lines contract (`src/report/jsonl.rs`, `src/report/wire.rs`).
//!
//! Every output line is deserialized into test-only types that deny unknown
//! fields, so the schema cannot change by accident: a helper who adds a
//! field must update these types on purpose. Then every pair and finding is
//! checked against the original files: `start <= end`, both on char
//! boundaries, `text` equal to the original slice; the summary is the last
//! line and its counts match the lines above it.

mod util;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

#[derive(Deserialize, Debug)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Pair(Pair),
    Summary(Summary),
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Pair {
    a: PassageSide,
    b: PassageSide,
    similarity: f64,
    hamming: u32,
    same_source: bool,
    findings: Vec<Finding>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct PassageSide {
    doc: String,
    start: usize,
    end: usize,
    text: String,
    /// Written only when the document has a source.
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Finding {
    kind: String,
    severity: String,
    a: FindingSide,
    b: FindingSide,
    message: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct FindingSide {
    text: String,
    start: usize,
    end: usize,
    value: Option<f64>,
    unit: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Summary {
    documents: usize,
    passages: usize,
    pairs: usize,
    findings: usize,
    errors: usize,
    schema_version: u32,
}

/// A document as the test knows it: original text and source.
struct Doc {
    text: String,
    source: Option<String>,
}

/// Copies every foundation fixture text and the seeds into `root`, and
/// returns their texts by the id crosscheck gives them (path relative to
/// `root`).
fn build_folder(root: &Path) -> BTreeMap<String, Doc> {
    let repo = util::repo();
    let mut docs = BTreeMap::new();
    let mut add = |id: String, from: &Path| {
        let text = fs::read_to_string(from).unwrap();
        let to = root.join(&id);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::write(&to, &text).unwrap();
        docs.insert(text_id(&id), Doc { text, source: None });
    };
    for e in fs::read_dir(repo.join("seeds")).unwrap() {
        let p = e.unwrap().path();
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        add(format!("seeds/{n}"), &p);
    }
    for case in fs::read_dir(repo.join("fixtures/foundation")).unwrap() {
        let case = case.unwrap().path();
        let cn = case.file_name().unwrap().to_string_lossy().into_owned();
        for f in fs::read_dir(&case).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "txt") {
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                add(format!("{cn}/{n}"), &p);
            }
        }
    }
    docs
}

fn text_id(id: &str) -> String {
    id.replace(std::path::MAIN_SEPARATOR, "/")
}

/// The articles of a `.jsonl` file by id.
fn jsonl_docs(path: &Path) -> BTreeMap<String, Doc> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                Doc {
                    text: v["text"].as_str().unwrap().to_string(),
                    source: v["source"].as_str().map(str::to_string),
                },
            )
        })
        .collect()
}

/// Checks one span against the original text; `what` names it in messages.
fn check_span(what: &str, text: &str, start: usize, end: usize, claimed: &str) {
    assert!(start <= end, "{what}: start {start} > end {end}");
    assert!(
        end <= text.len(),
        "{what}: end {end} past the document ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} is not on char boundaries"
    );
    assert_eq!(
        &text[start..end],
        claimed,
        "{what}: text is not the original slice {start}..{end}"
    );
}

#[test]
fn every_line_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let mut docs = build_folder(dir.path());
    let jsonl = util::repo()
        .join(util::case("en_jsonl_wire"))
        .join("docs.jsonl");
    docs.extend(jsonl_docs(&jsonl));

    let out = util::cmd()
        .args(["check", "--format", "jsonl"])
        .arg(dir.path())
        .arg(&jsonl)
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "no input errors expected: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("JSON Lines output is UTF-8");
    assert!(stdout.ends_with('\n'), "every line ends with a newline");
    let lines: Vec<Line> = stdout
        .lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}\n{l}", i + 1))
        })
        .collect();

    let (summary, body) = match lines.split_last() {
        Some((Line::Summary(s), body)) => (s, body),
        other => panic!("the last line is not the summary: {other:?}"),
    };
    let mut pairs = Vec::new();
    for (i, l) in body.iter().enumerate() {
        match l {
            Line::Pair(p) => pairs.push(p),
            Line::Summary(_) => panic!("line {}: a summary before the last line", i + 1),
        }
    }
    // Not a test of matching quality (tests/fixtures.rs is): only that
    // there is something to check.
    assert!(
        pairs.len() >= 10,
        "the fixtures hold 16 copies; got only {} pairs",
        pairs.len()
    );

    let mut findings = 0;
    let mut last_key: Option<(String, String, usize)> = None;
    for (i, p) in pairs.iter().enumerate() {
        let at = format!("pair {} ({} ~ {})", i + 1, p.a.doc, p.b.doc);
        assert!(
            p.a.doc < p.b.doc,
            "{at}: side a is the document that sorts first"
        );
        let key = (p.a.doc.clone(), p.b.doc.clone(), p.a.start);
        if let Some(k) = &last_key {
            assert!(*k <= key, "{at}: pairs are sorted by a, b, start");
        }
        last_key = Some(key);
        assert!(
            (0.0..=1.0).contains(&p.similarity),
            "{at}: similarity {}",
            p.similarity
        );
        assert!(p.hamming <= 64, "{at}: hamming {}", p.hamming);
        let da = docs
            .get(&p.a.doc)
            .unwrap_or_else(|| panic!("{at}: unknown doc a"));
        let db = docs
            .get(&p.b.doc)
            .unwrap_or_else(|| panic!("{at}: unknown doc b"));
        check_span(
            &format!("{at} side a"),
            &da.text,
            p.a.start,
            p.a.end,
            &p.a.text,
        );
        check_span(
            &format!("{at} side b"),
            &db.text,
            p.b.start,
            p.b.end,
            &p.b.text,
        );
        assert!(
            p.a.start < p.a.end && p.b.start < p.b.end,
            "{at}: empty passage"
        );
        assert_eq!(p.a.source, da.source, "{at}: source of a");
        assert_eq!(p.b.source, db.source, "{at}: source of b");
        assert_eq!(
            p.same_source,
            da.source.is_some() && da.source == db.source,
            "{at}: same_source"
        );
        for (j, f) in p.findings.iter().enumerate() {
            let fat = format!("{at} finding {}", j + 1);
            assert!(
                ["number", "unit", "date", "quote", "attribution"].contains(&f.kind.as_str()),
                "{fat}: kind {:?}",
                f.kind
            );
            assert!(
                ["conflict", "rounding", "update"].contains(&f.severity.as_str()),
                "{fat}: severity {:?}",
                f.severity
            );
            assert!(
                !f.message.is_empty() && !f.message.contains('\n'),
                "{fat}: message is one line: {:?}",
                f.message
            );
            check_span(
                &format!("{fat} side a"),
                &da.text,
                f.a.start,
                f.a.end,
                &f.a.text,
            );
            check_span(
                &format!("{fat} side b"),
                &db.text,
                f.b.start,
                f.b.end,
                &f.b.text,
            );
            assert!(
                f.a.start >= p.a.start && f.a.end <= p.a.end,
                "{fat}: side a lies inside the pair's passage"
            );
            assert!(
                f.b.start >= p.b.start && f.b.end <= p.b.end,
                "{fat}: side b lies inside the pair's passage"
            );
            for v in [f.a.value, f.b.value].into_iter().flatten() {
                assert!(v.is_finite(), "{fat}: value {v}");
            }
            for u in [&f.a.unit, &f.b.unit].into_iter().flatten() {
                assert!(!u.is_empty(), "{fat}: unit is null or a key, never empty");
            }
        }
        findings += p.findings.len();
    }

    assert_eq!(summary.pairs, pairs.len(), "summary pairs");
    assert_eq!(summary.findings, findings, "summary findings");
    assert_eq!(summary.documents, docs.len(), "summary documents");
    assert_eq!(summary.errors, 0, "summary errors");
    assert!(summary.passages >= docs.len(), "summary passages");
    assert_eq!(summary.schema_version, 1);
    assert!(
        findings >= 2,
        "the fixtures hold four changed figures; got {findings}"
    );
    let code = out.status.code();
    assert_eq!(code, Some(1), "findings give exit code 1");
}

#[test]
fn an_empty_run_is_one_summary_line() {
    // A single document has nothing to pair with.
    let out = util::cmd()
        .args(["check", "--format", "jsonl", util::SEED_001])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Line> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    match &lines[..] {
        [Line::Summary(s)] => {
            assert_eq!((s.documents, s.pairs, s.findings, s.errors), (1, 0, 0, 0));
        }
        other => panic!("want exactly one summary line, got {other:?}"),
    }
}
