//! One test per kind of bad input (issue #7): each asserts the stderr line
//! naming the file and the reason, exit code 2, and that the results of the
//! good documents beside it are all still reported.
//!
//! See: issue #7 "Robustness and security".

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bad/good");

/// A temporary folder holding a copy of the four good documents.
fn corpus() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in fs::read_dir(GOOD).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

fn cmd() -> Command {
    let mut c = Command::cargo_bin("crosscheck").unwrap();
    for v in [
        "NO_COLOR",
        "COLORTERM",
        "TERM",
        "CLICOLOR",
        "CLICOLOR_FORCE",
    ] {
        c.env_remove(v);
    }
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(args: &[&str], paths: &[&Path]) -> Run {
    let out = cmd()
        .arg("check")
        .args(["--format", "jsonl"])
        .args(args)
        .args(paths)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Both good pairs are reported, each with its changed figure, and the
/// summary counts `docs` documents and `errors` errors.
fn assert_good_results(run: &Run, docs: u64, errors: u64) {
    let msgs = lines(&run.stdout);
    let mut found: Vec<(String, String, String, String)> = msgs
        .iter()
        .filter(|m| m["type"] == "pair")
        .flat_map(|p| {
            let (a, b) = (
                p["a"]["doc"].as_str().unwrap().to_string(),
                p["b"]["doc"].as_str().unwrap().to_string(),
            );
            p["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |f| {
                    (
                        a.clone(),
                        b.clone(),
                        f["a"]["text"].as_str().unwrap().to_string(),
                        f["b"]["text"].as_str().unwrap().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    let want = [
        ("ar_agency.txt", "ar_site.txt", "٣٥٠", "530"),
        (
            "en_paper.txt",
            "en_wire.txt",
            "14,200 people",
            "12,400 people",
        ),
    ];
    for w in want {
        assert!(
            found
                .iter()
                .any(|f| (f.0.as_str(), f.1.as_str(), f.2.as_str(), f.3.as_str()) == w),
            "missing {w:?} in {found:?}\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
    }
    let summary = msgs.last().unwrap();
    assert_eq!(summary["type"], "summary", "{}", run.stdout);
    assert_eq!(summary["documents"], docs, "{}", run.stdout);
    assert_eq!(summary["errors"], errors, "{}", run.stderr);
}

/// Exit code 2, and `want` is one line of stderr.
fn assert_error(run: &Run, want: &str) {
    assert_eq!(run.code, 2, "stderr:\n{}", run.stderr);
    assert!(
        run.stderr.lines().any(|l| l == want),
        "want line {want:?} in stderr:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn invalid_utf8_is_skipped_with_its_byte_offset_or_read_with_lossy() {
    let dir = corpus();
    let bad = dir.path().join("latin1.txt");
    // "café" in Latin-1: é is the single byte 0xE9 at offset 3.
    fs::write(
        &bad,
        b"caf\xe9 au lait, a scraped page in the wrong encoding",
    )
    .unwrap();
    let run = check(&[], &[dir.path()]);
    assert_error(
        &run,
        &format!(
            "crosscheck: {}: invalid UTF-8 at byte 3 (0xE9), skipped (--lossy reads it with replacement characters)",
            shown(&bad)
        ),
    );
    assert_good_results(&run, 4, 1);

    let run = check(&["--lossy"], &[dir.path()]);
    assert_eq!(run.code, 1, "findings, no error: {}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_good_results(&run, 5, 0);
}

#[test]
fn binary_file_is_skipped() {
    let dir = corpus();
    let bad = dir.path().join("photo.txt");
    fs::write(&bad, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let run = check(&[], &[dir.path()]);
    assert_error(
        &run,
        &format!(
            "crosscheck: {}: binary file (NUL byte at offset 8), skipped",
            shown(&bad)
        ),
    );
    // --lossy does not read binary files.
    let run = check(&["--lossy"], &[dir.path()]);
    assert_eq!(run.code, 2);
    assert_good_results(&run, 4, 1);
}

#[test]
fn empty_files_are_reported() {
    let dir = corpus();
    let empty = dir.path().join("empty.txt");
    let blank = dir.path().join("blank.txt");
    let empty_jsonl = dir.path().join("none.jsonl");
    fs::write(&empty, b"").unwrap();
    fs::write(&blank, b" \r\n\t\n").unwrap();
    fs::write(&empty_jsonl, b"\n\n").unwrap();
    let run = check(&[], &[dir.path()]);
    assert_error(
        &run,
        &format!("crosscheck: {}: empty file, skipped", shown(&empty)),
    );
    assert_error(
        &run,
        &format!(
            "crosscheck: {}: empty file (only white space), skipped",
            shown(&blank)
        ),
    );
    assert_error(
        &run,
        &format!(
            "crosscheck: {}: empty file (no JSON lines), skipped",
            shown(&empty_jsonl)
        ),
    );
    assert_good_results(&run, 4, 3);
}

/// A few megabytes on one line stand in for the 1 GB file of the issue: it
/// is read and matched like any document, and `--max-doc-size` turns a file
/// over the limit into an error that names the limit and how to raise it.
#[test]
fn very_large_single_line_file_is_read_or_refused_clearly() {
    let dir = corpus();
    let big = dir.path().join("one_line.txt");
    let mut text = String::new();
    let mut i = 0u64;
    while text.len() < 3 << 20 {
        // Varied words, no newline, no full stop: one 3 MiB sentence.
        text.push_str(&format!("word{} كلمة{} ", i % 7919, i % 104729));
        i += 1;
    }
    // The copied English passage in the middle of the line.
    text.push_str(
        &fs::read_to_string(Path::new(GOOD).join("en_wire.txt"))
            .unwrap()
            .replace('\n', " "),
    );
    text.push_str("and the line goes on");
    fs::write(&big, &text).unwrap();

    let run = check(&[], &[dir.path()]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert_good_results(&run, 5, 0);
    assert!(
        lines(&run.stdout)
            .iter()
            .any(|m| m["type"] == "pair" && m["b"]["doc"] == "one_line.txt"),
        "the copy inside the long line is found"
    );

    let run = check(&["--max-doc-size", "1M"], &[dir.path()]);
    assert_error(
        &run,
        &format!(
            "crosscheck: {}: 3.0 MiB is larger than --max-doc-size 1 MiB, skipped; raise it with --max-doc-size 4M",
            shown(&big)
        ),
    );
    assert_good_results(&run, 4, 1);

    // The same through standard input (size unknown in advance).
    fs::remove_file(&big).unwrap();
    let out = cmd()
        .args(["check", "--format", "jsonl", "--max-doc-size", "1M", "-"])
        .arg(dir.path())
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert_error(
        &run,
        "crosscheck: <stdin>: larger than --max-doc-size 1 MiB (read up to the limit), skipped; raise it with --max-doc-size",
    );
    assert_good_results(&run, 4, 1);

    // And as one JSONL line.
    let jsonl = dir.path().join("dump.jsonl");
    let line = serde_json::json!({"id": "huge", "text": text}).to_string();
    fs::write(
        &jsonl,
        format!("{line}\n{{\"id\":\"small\",\"text\":\"a short article\"}}\n"),
    )
    .unwrap();
    let run = check(&["--max-doc-size", "1M"], &[dir.path()]);
    assert_error(
        &run,
        &format!(
            "crosscheck: {}:1: line longer than --max-doc-size 1 MiB, skipped; raise it with --max-doc-size",
            shown(&jsonl)
        ),
    );
    assert_good_results(&run, 5, 1);
}

#[test]
fn total_input_limit_is_a_clear_error() {
    let dir = corpus();
    // The four good documents are under 2 KiB together; a limit of 1 KiB
    // stops reading part way, and says how to raise it.
    let run = check(&["--max-input-size", "1K"], &[dir.path()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("total input would exceed --max-input-size 1 KiB: this and every later input not read; raise it with --max-input-size"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
    let run = check(&["--max-input-size", "1M"], &[dir.path()]);
    assert_eq!(run.code, 1);
    assert_good_results(&run, 4, 0);
    let run = check(&["--max-input-size", "lots"], &[dir.path()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a size"), "{}", run.stderr);
}

/// True when the test runs with permission checks bypassed (root in CI, or
/// CAP_DAC_OVERRIDE): a mode-000 file can still be read.
fn permissions_bypassed(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join(".probe");
    fs::write(&probe, b"x").unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o000)).unwrap();
    let bypassed = fs::read(&probe).is_ok();
    fs::remove_file(&probe).unwrap();
    bypassed
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let dir = corpus();
    let mut want: Vec<String> = Vec::new();
    let mut errors = 0;

    if permissions_bypassed(dir.path()) {
        eprintln!(
            "note: running with permission checks bypassed (root?): mode 000 cannot make a file \
             unreadable, so only the special-file and missing-path cases are tested"
        );
    } else {
        let file = dir.path().join("secret.txt");
        fs::write(&file, "closed").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
        let sub = dir.path().join("locked");
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("inside.txt"), "hidden").unwrap();
        fs::set_permissions(&sub, fs::Permissions::from_mode(0o000)).unwrap();
        want.push(format!(
            "crosscheck: {}: permission denied, skipped",
            shown(&file)
        ));
        want.push(format!(
            "crosscheck: {}: permission denied, skipped",
            shown(&sub)
        ));
        errors += 2;
    }
    // Works as root too: entries that are not regular files. Reading a
    // fifo would block forever, so it must be skipped, not opened.
    let fifo = dir.path().join("feed.txt");
    let st = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(st.success());
    let sock = dir.path().join("server.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let broken = dir.path().join("gone.txt");
    std::os::unix::fs::symlink(dir.path().join("deleted.txt"), &broken).unwrap();
    let missing = dir.path().join("no-such-folder");
    want.push(format!(
        "crosscheck: {}: not a regular file (fifo), skipped",
        shown(&fifo)
    ));
    want.push(format!(
        "crosscheck: {}: not a regular file (socket), skipped",
        shown(&sock)
    ));
    want.push(format!(
        "crosscheck: {}: broken symbolic link, skipped",
        shown(&broken)
    ));
    want.push(format!(
        "crosscheck: {}: no such file or folder",
        shown(&missing)
    ));
    errors += 4;

    let run = check(&[], &[dir.path(), &missing]);
    for w in &want {
        assert_error(&run, w);
    }
    assert_good_results(&run, 4, errors);
    // Let tempfile clean up.
    for p in ["secret.txt", "locked"] {
        let _ = fs::set_permissions(dir.path().join(p), fs::Permissions::from_mode(0o755));
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = corpus();
    let sub = dir.path().join("more");
    fs::create_dir(&sub).unwrap();
    // more/up -> .. : walking it would read the corpus again, forever.
    let up = sub.join("up");
    symlink("..", &up).unwrap();
    // self.txt -> self.txt
    let selfish = dir.path().join("self.txt");
    symlink("self.txt", &selfish).unwrap();
    // A link to a folder outside the tree is followed normally.
    let outside = corpus();
    symlink(outside.path(), dir.path().join("mirror")).unwrap();
    let run = check(&[], &[dir.path()]);
    let canon = fs::canonicalize(dir.path()).unwrap();
    assert_error(
        &run,
        &format!(
            "crosscheck: {}: symbolic link loop (leads back to {}), not followed",
            shown(&up),
            canon.display()
        ),
    );
    assert_error(
        &run,
        &format!(
            "crosscheck: {}: too many levels of symbolic links, skipped",
            shown(&selfish)
        ),
    );
    // 4 documents, plus 4 read through the link to the outside folder.
    assert_good_results(&run, 8, 2);
    assert!(run.stdout.contains("\"mirror/en_wire.txt\""));
}

#[test]
fn bad_jsonl_lines_are_skipped_and_good_lines_kept() {
    let dir = corpus();
    let jsonl = dir.path().join("feed.jsonl");
    let lines = [
        r#"{"id":"ok-1","text":"A good article from the feed about the weather."}"#,
        r#"<html><body>503 Service Unavailable</body></html>"#,
        r#"{"id":"no-text","title":"headline only"}"#,
        r#"{"id":"surrogate","text":"broken emoji \ud83d here"}"#,
        r#"{"id":"cut","text":"truncated at the end"#,
        r#"{"id":"ok-2","content":"Another good article, with its text under content."}"#,
    ];
    fs::write(&jsonl, lines.join("\n")).unwrap();
    let run = check(&[], &[dir.path()]);
    let f = shown(&jsonl);
    assert_error(
        &run,
        &format!("crosscheck: {f}:2: not a JSON object (expected `{{`), line skipped"),
    );
    assert_error(
        &run,
        &format!("crosscheck: {f}:3: no \"text\" (or \"content\") string, line skipped"),
    );
    assert_error(
        &run,
        &format!(
            "crosscheck: {f}:4: lone surrogate escape in a JSON string at column 40, line skipped (--lossy reads it with a replacement character)"
        ),
    );
    assert_error(
        &run,
        &format!(
            "crosscheck: {f}:5: not valid JSON at column 40: EOF while parsing a string, line skipped"
        ),
    );
    assert_good_results(&run, 6, 4);

    let run = check(&["--lossy"], &[dir.path()]);
    assert_eq!(run.code, 2, "the other bad lines are still errors");
    assert!(!run.stderr.contains(":4:"), "{}", run.stderr);
    assert_good_results(&run, 7, 3);
}

#[test]
fn duplicate_ids_are_kept_renamed_and_reported() {
    let dir = corpus();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    fs::write(
        &a,
        "{\"id\":\"story\",\"text\":\"First version of the story.\"}\n",
    )
    .unwrap();
    fs::write(
        &b,
        "{\"id\":\"other\",\"text\":\"Unrelated.\"}\n{\"id\":\"story\",\"text\":\"Second version of the story.\"}\n",
    )
    .unwrap();
    // The same file name in two folders named on the command line.
    let copy = tempfile::tempdir().unwrap();
    fs::copy(
        Path::new(GOOD).join("en_wire.txt"),
        copy.path().join("en_wire.txt"),
    )
    .unwrap();
    // Listed in either order, the same copy is renamed.
    for order in [[dir.path(), copy.path()], [copy.path(), dir.path()]] {
        let run = check(&[], &order);
        assert_error(
            &run,
            &format!(
                "crosscheck: {}:2: duplicate document id \"story\" (also at {}:1); kept as \"story#2\"",
                shown(&b),
                shown(&a)
            ),
        );
        let (first, second) = {
            let mut v = [
                dir.path().join("en_wire.txt"),
                copy.path().join("en_wire.txt"),
            ];
            v.sort_by_key(|p| shown(p));
            (v[0].clone(), v[1].clone())
        };
        assert_error(
            &run,
            &format!(
                "crosscheck: {}: duplicate document id \"en_wire.txt\" (also at {}); kept as \"en_wire.txt#2\"",
                shown(&second),
                shown(&first)
            ),
        );
        assert_good_results(&run, 8, 2);
        assert!(run.stdout.contains("\"en_wire.txt#2\""), "{}", run.stdout);
    }
}

#[test]
fn missing_path_argument_does_not_stop_the_others() {
    let dir = corpus();
    let missing = PathBuf::from("definitely/not/here.txt");
    let run = check(&[], &[&missing, dir.path()]);
    assert_error(
        &run,
        "crosscheck: definitely/not/here.txt: no such file or folder",
    );
    assert_good_results(&run, 4, 1);
}
