//! CLI tests of `crosscheck dedup` (issue #4) on the fixtures in
//! `fixtures/dedup/`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/dedup")
        .join(rel)
}

fn cmd() -> Command {
    let mut c = Command::cargo_bin("crosscheck").unwrap();
    for v in ["NO_COLOR", "COLORTERM", "TERM", "CLICOLOR_FORCE"] {
        c.env_remove(v);
    }
    c
}

/// `crosscheck dedup ARGS… PATHS…`: stdout, with the exit code checked (0:
/// no input errors).
fn dedup_ok(args: &[&str], paths: &[PathBuf]) -> String {
    let out = cmd().arg("dedup").args(args).args(paths).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `dedup --format jsonl ARGS…` and parses every line.
fn jsonl(args: &[&str], paths: &[PathBuf]) -> Vec<Value> {
    let args: Vec<&str> = ["--format", "jsonl"].iter().chain(args).copied().collect();
    dedup_ok(&args, paths)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn of_type<'a>(lines: &'a [Value], t: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["type"] == t).collect()
}

/// Member document names of each cluster, the representative first.
fn clusters(lines: &[Value]) -> Vec<Vec<String>> {
    of_type(lines, "cluster")
        .iter()
        .map(|c| {
            c["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["doc"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

fn containment_files() -> Vec<PathBuf> {
    [
        "wire.txt",
        "reprint.txt",
        "unrelated.txt",
        "ar_wire.txt",
        "ar_reprint.txt",
    ]
    .iter()
    .map(|f| fixture(&format!("containment/{f}")))
    .collect()
}

#[test]
fn containment_joins_a_reprint_that_adds_paragraphs() {
    let lines = jsonl(&[], &containment_files());
    let c = clusters(&lines);
    // No dates: the longest copy represents its cluster.
    assert_eq!(
        c,
        vec![
            vec!["ar_wire.txt".to_string(), "ar_reprint.txt".to_string()],
            vec!["reprint.txt".to_string(), "wire.txt".to_string()],
        ]
    );
    let english = of_type(&lines, "cluster")[1];
    assert_eq!(english["level"], "document");
    assert_eq!(english["representative"], "reprint.txt");
    let wire = &english["members"][1];
    // The wire story is (nearly) all inside the longer reprint, although the
    // reprint is almost twice as long: containment, not similarity.
    assert!(wire["overlap"].as_f64().unwrap() >= 0.9, "{wire}");
    assert_eq!(wire["findings"], 0);
    assert!(!wire["spans"].as_array().unwrap().is_empty());
    let summary = of_type(&lines, "summary")[0];
    assert_eq!(summary["clusters"], 2);
    assert_eq!(summary["singletons"], 1);
    assert_eq!(summary["clustered_documents"], 4);
}

#[test]
fn a_high_min_overlap_keeps_partial_reprints_apart() {
    // The Arabic reprint drops the last paragraph, and its own wording
    // ("أمس" for "اليوم") is not aligned: well below full containment.
    let lines = jsonl(&["--min-overlap", "0.99"], &containment_files());
    assert!(
        !clusters(&lines)
            .iter()
            .any(|c| c.contains(&"ar_reprint.txt".to_string()))
    );
}

#[test]
fn singletons_are_counted_and_listed_only_with_all() {
    let text = cmd()
        .arg("dedup")
        .args(containment_files())
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("1 singleton"), "{text}");
    assert!(!text.contains("unrelated.txt"), "{text}");
    let text = cmd()
        .args(["dedup", "--all"])
        .args(containment_files())
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("singletons: 1\n  unrelated.txt\n"), "{text}");
    let lines = jsonl(&["--all"], &containment_files());
    let c = clusters(&lines);
    assert_eq!(c.len(), 3);
    assert_eq!(c[2], vec!["unrelated.txt".to_string()]);
    assert_eq!(of_type(&lines, "cluster")[2]["id"], 3);
}

#[test]
fn boilerplate_is_reported_apart_and_joins_nothing() {
    let docs = [fixture("boilerplate/docs.jsonl")];
    for overlap in ["0.4", "0.2"] {
        let lines = jsonl(&["--min-overlap", overlap], &docs);
        // Only the real reprint (2 ~ 6) is a cluster, whatever the threshold:
        // the shared footer does not link the other articles.
        assert_eq!(
            clusters(&lines),
            vec![vec!["sahil-2".to_string(), "sahil-6".to_string()]],
            "--min-overlap {overlap}"
        );
        // The footer's visitor count differs between the two copies, but
        // boilerplate yields no findings.
        assert_eq!(of_type(&lines, "cluster")[0]["members"][1]["findings"], 0);
        let bp = of_type(&lines, "boilerplate");
        let texts: Vec<&str> = bp.iter().map(|b| b["text"].as_str().unwrap()).collect();
        for t in ["أرسل تعليقك", "اترك رد", "error: Content is protected"] {
            assert!(texts.contains(&t), "{t} not in {texts:?}");
        }
        for b in &bp {
            assert_eq!(b["source"], "akhbar-alsahil");
            assert_eq!(b["documents"], 6);
            assert_eq!(b["occurrences"].as_array().unwrap().len(), 6);
        }
    }
    // At passage level the footer is no reused passage either: the one
    // passage is the fish-market story, in two documents.
    let lines = jsonl(&["--level", "passage"], &docs);
    let c = clusters(&lines);
    assert_eq!(c, vec![vec!["sahil-2".to_string(), "sahil-6".to_string()]]);
    let text = of_type(&lines, "cluster")[0]["text"].as_str().unwrap();
    assert!(
        text.contains("سوق السمك") && !text.contains("اترك رد"),
        "{text}"
    );
}

#[test]
fn without_boilerplate_detection_the_footer_is_a_passage_with_findings() {
    // The control for the test above: the same run with detection off.
    let docs = [fixture("boilerplate/docs.jsonl")];
    let lines = jsonl(&["--boilerplate-min-docs", "1000"], &docs);
    assert!(of_type(&lines, "boilerplate").is_empty());
    assert!(
        of_type(&lines, "cluster")[0]["members"][1]["findings"]
            .as_u64()
            .unwrap()
            > 0
    );
    let lines = jsonl(
        &["--level", "passage", "--boilerplate-min-docs", "1000"],
        &docs,
    );
    assert!(clusters(&lines).iter().any(|c| c.len() == 6));
}

fn unique(keep: &str) -> String {
    let out = cmd()
        .args(["dedup", "--unique", "--keep", keep])
        .arg(fixture("unique/docs.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn unique_keeps_the_earliest_copy_by_default() {
    let out = cmd()
        .args(["dedup", "--unique"])
        .arg(fixture("unique/docs.jsonl"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "p03\np04\np06\n");
    assert_eq!(unique("earliest"), "p03\np04\np06\n");
}

#[test]
fn unique_keep_longest() {
    assert_eq!(unique("longest"), "p02\np05\np06\n");
}

#[test]
fn unique_keep_first() {
    assert_eq!(unique("first"), "p01\np02\np06\n");
}

#[test]
fn representative_is_the_earliest_dated_copy() {
    let lines = jsonl(&[], &[fixture("unique/docs.jsonl")]);
    let reps: Vec<&str> = of_type(&lines, "cluster")
        .iter()
        .map(|c| c["representative"].as_str().unwrap())
        .collect();
    assert_eq!(reps, vec!["p03", "p04"]);
}

#[test]
fn csv_has_one_row_per_member() {
    let out = cmd()
        .args(["dedup", "--format", "csv", "--all"])
        .arg(fixture("unique/docs.jsonl"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "cluster,level,representative,doc,overlap,source,findings,spans"
    );
    assert_eq!(rows.len(), 1 + 6);
    assert!(
        rows[1].starts_with("1,document,p03,p03,1.0000,,0,"),
        "{}",
        rows[1]
    );
    assert!(
        rows[6].starts_with("3,document,p06,p06,1.0000,,0,"),
        "{}",
        rows[6]
    );
}

#[test]
fn bad_flags_exit_2() {
    let out = cmd()
        .args(["dedup", "--min-overlap", "1.5"])
        .arg(fixture("unique/docs.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--min-overlap 1.5"));
    let out = cmd()
        .args(["dedup", "--unique", "--level", "passage"])
        .arg(fixture("unique/docs.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cmd()
        .args(["dedup", "--keep", "longest"])
        .arg(fixture("unique/docs.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--keep needs --unique");
}

#[test]
fn a_missing_file_is_reported_and_the_rest_still_deduplicated() {
    let out = cmd()
        .args(["dedup", "--format", "jsonl"])
        .arg(fixture("unique/docs.jsonl"))
        .arg(fixture("no-such-file.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.txt"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"clusters\":2"), "{text}");
}

// ---- Snapshots of every dedup report (insta) --------------------------------
//
// `fixtures/dedup/mixed`: an English story in three copies (the reprint
// changes a figure and adds paragraphs, the blog keeps three of four), an
// Arabic story in two (a changed figure, an added paragraph), one quoted
// paragraph in three otherwise different articles and one unrelated article.

/// `crosscheck dedup --color never ARGS… PATH`: stdout, with the exit code
/// checked (0: no input errors).
fn report(args: &[&str], path: &str) -> String {
    let args: Vec<&str> = ["--color", "never"].iter().chain(args).copied().collect();
    dedup_ok(&args, &[fixture(path)])
}

const MIXED: &str = "mixed/docs.jsonl";

#[test]
fn snapshot_document_text() {
    insta::assert_snapshot!(report(&["--all"], MIXED));
}

#[test]
fn snapshot_document_jsonl() {
    insta::assert_snapshot!(report(&["--all", "--format", "jsonl"], MIXED));
}

#[test]
fn snapshot_document_csv() {
    insta::assert_snapshot!(report(&["--all", "--format", "csv"], MIXED));
}

#[test]
fn snapshot_passage_text() {
    insta::assert_snapshot!(report(&["--level", "passage"], MIXED));
}

#[test]
fn snapshot_passage_jsonl() {
    insta::assert_snapshot!(report(&["--level", "passage", "--format", "jsonl"], MIXED));
}

#[test]
fn snapshot_passage_csv() {
    insta::assert_snapshot!(report(&["--level", "passage", "--format", "csv"], MIXED));
}

#[test]
fn snapshot_unique_with_each_keep() {
    let mut s = String::new();
    for keep in ["earliest", "longest", "first"] {
        s.push_str(&format!("--keep {keep}\n"));
        s.push_str(&report(&["--unique", "--keep", keep], MIXED));
    }
    // Each rule picks a different copy of the English story.
    assert!(s.contains("en-wire") && s.contains("en-paper") && s.contains("en-blog"));
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_boilerplate_text_and_jsonl() {
    let text = report(&[], "boilerplate/docs.jsonl");
    let jsonl = report(&["--format", "jsonl"], "boilerplate/docs.jsonl");
    insta::assert_snapshot!(format!("{text}\n{jsonl}"));
}

#[test]
fn snapshot_containment_text() {
    // Plain files (no dates, no sources): the longest copy represents.
    let out = cmd()
        .args(["dedup", "--color", "never", "--all"])
        .args(containment_files())
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

/// A short quotation shared by two unrelated articles is no reused passage:
/// `check` does not pair it (a passage has `--min-words` words on each side,
/// quotations too) and neither do passage clusters; with `--min-words 5`
/// both do, the cluster holding the spans `check` matched.
#[test]
fn passage_clusters_hold_the_pairs_check_reports() {
    let docs = [
        fixture("quote/en-harbour.txt"),
        fixture("quote/en-townhall.txt"),
    ];
    let check_pairs = |extra: &[&str]| -> Vec<Value> {
        let out = cmd()
            .args(["check", "--format", "jsonl"])
            .args(extra)
            .args(&docs)
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["type"] == "pair")
            .collect()
    };
    let clusters = |extra: &[&str]| {
        let mut args = vec!["--level", "passage"];
        args.extend_from_slice(extra);
        jsonl(&args, &docs)
            .into_iter()
            .filter(|v| v["type"] == "cluster")
            .collect::<Vec<_>>()
    };
    assert!(check_pairs(&[]).is_empty());
    assert!(clusters(&[]).is_empty());
    let pairs = check_pairs(&["--min-words", "5"]);
    assert_eq!(pairs.len(), 1);
    let short = clusters(&["--min-words", "5"]);
    assert_eq!(short.len(), 1);
    let span = |v: &Value| (v["start"].as_u64().unwrap(), v["end"].as_u64().unwrap());
    let mut got: Vec<(String, (u64, u64))> = short[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["doc"].as_str().unwrap().to_string(), span(&m["spans"][0])))
        .collect();
    got.sort();
    let mut want: Vec<(String, (u64, u64))> = ["a", "b"]
        .iter()
        .map(|k| {
            let side = &pairs[0][*k];
            (side["doc"].as_str().unwrap().to_string(), span(side))
        })
        .collect();
    want.sort();
    assert_eq!(got, want);
}
