//! Article text is data: escape sequences in texts, ids and file names never
//! reach the terminal raw, and JSON Lines carries them escaped but exact.
//!
//! See: issue #7 "Robustness and security".

use assert_cmd::Command;
use std::fs;

const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bad/good");

/// Control sequences that do damage in a terminal and are not the SGR color
/// codes the report itself writes: clear screen, set window title (OSC ending
/// in BEL), the one-byte C1 CSI, a cursor move, the C1 NEL and OSC, DEL, a
/// right-to-left override and a line separator.
const HOSTILE: &str =
    "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}6n\u{1b}[10;10H\u{85}\u{9d}2;t\u{7f}\u{202e}\u{2028}";

fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let en = fs::read_to_string(format!("{GOOD}/en_wire.txt")).unwrap();
    let copy = fs::read_to_string(format!("{GOOD}/en_paper.txt")).unwrap();
    // The hostile bytes sit inside the copied passage of one side.
    let evil = copy.replacen("reached three", &format!("reached {HOSTILE}three"), 1);
    assert_ne!(evil, copy);
    fs::write(dir.path().join("wire.txt"), en).unwrap();
    #[cfg(unix)]
    let name = "paper\u{1b}]0;owned\u{7}.txt";
    #[cfg(not(unix))]
    let name = "paper.txt";
    fs::write(dir.path().join(name), evil).unwrap();
    // A JSONL line with a hostile id that is rejected: its error line on
    // stderr must be inert too.
    fs::write(
        dir.path().join("feed.jsonl"),
        "{\"id\":\"x\\u001b[2J\",\"text\":\"A\\u001b]0;t\\u0007 b\"}\n{\"id\":\"x\\u001b[2J\",\"text\":\"again\"}\n",
    )
    .unwrap();
    dir
}

/// Removes the SGR color sequences (`ESC [ digits m`) the reporter writes.
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let digits = tail
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b';')
            .count();
        if tail.as_bytes().get(digits) == Some(&b'm') {
            rest = &tail[digits + 1..];
        } else {
            out.push_str("\u{1b}[");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn assert_inert(what: &str, s: &str) {
    for bad in [
        '\u{1b}', '\u{7}', '\u{9b}', '\u{85}', '\u{9d}', '\u{7f}', '\u{202e}',
    ] {
        assert!(!s.contains(bad), "{what} contains {bad:?}:\n{s:?}");
    }
}

/// Machine formats: no control character but the line feed, no C1 and
/// no bidirectional override/isolate or line separator anywhere.
fn assert_escaped(what: &str, s: &str) {
    if let Some(c) = s.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }) {
        panic!("{what} contains {c:?} raw:\n{s:?}");
    }
}

#[test]
fn text_report_neutralizes_escape_sequences() {
    let dir = corpus();
    for color in ["never", "always"] {
        let out = Command::cargo_bin("crosscheck")
            .unwrap()
            .args(["check", "--color", color])
            .arg(dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stdout.contains("pair 1"),
            "the hostile passage is still reported: {stdout}"
        );
        assert!(stdout.contains("Rescue teams reached"), "{stdout}");
        assert!(
            stdout.contains("12,400") && stdout.contains("14,200"),
            "finding kept: {stdout}"
        );
        assert_inert(&format!("stdout (--color {color})"), &strip_sgr(&stdout));
        if color == "never" {
            assert!(
                !stdout.contains('\u{1b}'),
                "no escapes at all without color"
            );
        }
        assert_inert("stderr", &stderr);
        assert!(stderr.contains("duplicate document id"), "{stderr}");
        assert_eq!(out.status.code(), Some(2));
    }
}

#[test]
fn jsonl_escapes_control_characters_and_keeps_text_exact() {
    let dir = corpus();
    let out = Command::cargo_bin("crosscheck")
        .unwrap()
        .args(["check", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    // C0 controls (ESC, BEL) as JSON requires, and also DEL, the C1
    // controls (the one-character CSI U+009B, NEL, OSC), the RLO and the line
    // separator: `cat report.jsonl` runs nothing and reorders nothing.
    assert_escaped("check --format jsonl", &stdout);
    assert!(stdout.contains(r"\u009b6n"), "{stdout}");
    let pair: serde_json::Value = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "pair" && v["a"]["doc"].as_str().unwrap().starts_with("paper"))
        .expect("the hostile pair");
    // The text field is the exact original slice, escapes included, and
    // so is the hostile file name.
    assert!(pair["a"]["text"].as_str().unwrap().contains(HOSTILE));
    #[cfg(unix)]
    assert_eq!(pair["a"]["doc"], "paper\u{1b}]0;owned\u{7}.txt");
}

/// `crosscheck dedup` in every format: names and passages inert in text
/// and CSV, escaped but exact in JSON Lines, ids inert in `--unique`.
#[test]
fn dedup_reports_are_inert_in_every_format() {
    let dir = corpus();
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("crosscheck")
            .unwrap()
            .arg("dedup")
            .args(args)
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "the duplicate id is an error");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_inert("dedup stderr", &stderr);
        String::from_utf8(out.stdout).unwrap()
    };
    for level in ["document", "passage"] {
        let jsonl = run(&["--format", "jsonl", "--all", "--level", level]);
        assert_escaped(&format!("dedup jsonl {level}"), &jsonl);
        let lines: Vec<serde_json::Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(lines.iter().any(|l| l["type"] == "cluster"), "{jsonl}");
        #[cfg(unix)]
        assert!(
            lines
                .iter()
                .flat_map(|l| l["members"].as_array().into_iter().flatten())
                .any(|m| m["doc"] == "paper\u{1b}]0;owned\u{7}.txt"),
            "{jsonl}"
        );
        for color in ["never", "always"] {
            let text = run(&["--all", "--color", color, "--level", level]);
            assert!(text.contains("wire.txt"), "{text}");
            assert_inert(&format!("dedup text {level} {color}"), &strip_sgr(&text));
        }
        let csv = run(&["--format", "csv", "--all", "--level", level]);
        assert_escaped(&format!("dedup csv {level}"), &csv);
    }
    let unique = run(&["--unique"]);
    assert_inert("dedup --unique", &unique);
    // One of the copied pair, and both lines of the feed (the second id is
    // renamed, and reported).
    assert_eq!(unique.lines().count(), 3, "{unique}");
    assert!(unique.lines().any(|l| l == "x\u{fffd}[2J#2"), "{unique}");
}
