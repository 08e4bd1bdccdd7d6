//! CLI tests of the output flags: `-o`, `--format`, `--csv-bom`,
//! `--width`, `completions`, `man`.

use assert_cmd::Command;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/report/basic")
}

fn cmd() -> Command {
    let mut c = Command::cargo_bin("crosscheck").unwrap();
    for var in ["NO_COLOR", "COLUMNS", "TERM", "COLORTERM", "CLICOLOR_FORCE"] {
        c.env_remove(var);
    }
    c
}

#[test]
fn output_file_gets_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    cmd()
        .args(["check", "--format", "html", "-o"])
        .arg(&out)
        .arg(fixtures())
        .assert()
        .code(1)
        .stdout("");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<mark"));
}

#[test]
fn output_refuses_to_overwrite_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    std::fs::copy(fixtures().join("en_wire.txt"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    // The input itself, and a file inside an input folder.
    for args in [
        vec![input.clone(), input.clone()],
        vec![input.clone(), dir.path().to_path_buf()],
    ] {
        cmd()
            .args(["check", "-o"])
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "refusing to overwrite an input file",
            ));
    }
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn csv_bom_and_plain_text_when_not_a_terminal() {
    let out = cmd()
        .args(["check", "--format", "csv", "--csv-bom"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert!(out.stdout.starts_with("\u{feff}pair,kind,".as_bytes()));
    // `auto` color is off when stdout is a pipe: wdiff markers instead.
    let out = cmd()
        .args(["check", "--width", "60"])
        .arg(fixtures())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b') && text.contains("[-") && text.contains("{+"));
    assert!(
        text.lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 60)
    );
}

#[test]
fn width_too_small_is_an_error() {
    cmd()
        .args(["check", "--width", "5"])
        .arg(fixtures())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--width 5"));
}

#[test]
fn completions_and_man_page() {
    let out = cmd().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("crosscheck") && s.contains("--csv-bom"));
    let out = cmd().arg("man").output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.starts_with(".ie") || s.contains(".TH"), "{s}");
    assert!(s.contains("CHECK OPTIONS") && s.contains("csv\\-bom"));
}
