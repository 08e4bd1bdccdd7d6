//! Article text is data: escape sequences in texts, ids and file names never
//! reach the terminal raw, and JSON Lines carries them escaped but exact.
//!
//! See: issue #7 "Robustness and security".

use assert_cmd::Command;
use std::fs;

const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bad/good");

/// Control sequences that do damage in a terminal and are not the SGR color
/// codes the report itself writes: clear screen, set window title (OSC ending
/// in BEL), the one-byte C1 CSI, a cursor move.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}6n\u{1b}[10;10H";

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
    for bad in ['\u{1b}', '\u{7}', '\u{9b}'] {
        assert!(!s.contains(bad), "{what} contains {bad:?}:\n{s:?}");
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
    // serde_json escapes every C0 control (ESC, BEL) as `\u001b`; C1
    // controls such as U+009B are valid unescaped JSON and pass through as
    // UTF-8 (two bytes, which UTF-8 terminals do not treat as CSI).
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    let pair: serde_json::Value = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "pair" && v["a"]["doc"].as_str().unwrap().starts_with("paper"))
        .expect("the hostile pair");
    // The text field is the exact original slice, escapes included.
    assert!(pair["a"]["text"].as_str().unwrap().contains(HOSTILE));
}
