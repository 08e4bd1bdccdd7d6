//! Interrupted runs end cleanly: a closed output pipe (`crosscheck check … |
//! head`) exits 0 without a panic message, and Ctrl-C (SIGINT) ends the
//! process without one either.
//!
//! See: issue #7 "Robustness and security".
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crosscheck"));
    c.env_remove("NO_COLOR").env_remove("TERM");
    c
}

const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bad/good");
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");

/// Waits at most 60 s for the child, killing it if it hangs.
fn wait(mut child: std::process::Child) -> (std::process::ExitStatus, String) {
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (st, err);
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("crosscheck did not end within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn closed_pipe_before_any_output_exits_zero_quietly() {
    for format in ["text", "jsonl"] {
        let mut child = bin()
            .args(["check", "--format", format, GOOD, SEEDS])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end at once: every write of the report fails
        // with EPIPE (Rust ignores SIGPIPE, so it is an error, not a signal).
        drop(child.stdout.take());
        let (st, err) = wait(child);
        assert_eq!(st.code(), Some(0), "{format}: stderr: {err}");
        assert_eq!(err, "", "{format}: nothing on stderr");
    }
}

#[test]
fn reading_one_line_then_closing_like_head_exits_zero() {
    // Enough output that the report cannot fit in the pipe buffer (64 KiB):
    // the same documents under many names give many pairs.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        let src = if i % 2 == 0 {
            "en_wire.txt"
        } else {
            "en_paper.txt"
        };
        std::fs::copy(
            format!("{GOOD}/{src}"),
            dir.path().join(format!("copy{i:02}.txt")),
        )
        .unwrap();
    }
    // Read to the end, the run has findings (exit 1) and a long report.
    let full = bin().args(["check"]).arg(dir.path()).output().unwrap();
    assert_eq!(full.status.code(), Some(1));
    assert!(full.stdout.len() > 256 << 10, "{} bytes", full.stdout.len());
    let mut child = bin()
        .args(["check", "--color", "always"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty(), "the report started");
    let (st, err) = wait(child);
    assert_eq!(st.code(), Some(0), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");

    // And through a real shell pipe into `head -1`.
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {} check {} | head -1 >/dev/null",
            env!("CARGO_BIN_EXE_crosscheck"),
            dir.path().display()
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "pipeline status: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn ctrl_c_ends_the_run_without_a_panic() {
    use std::os::unix::process::ExitStatusExt;
    // Reading standard input that never ends keeps the run busy until the
    // signal arrives, so the test does not depend on timing.
    let mut child = bin()
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let stdin = child.stdin.take();
    let (st, err) = wait(child);
    drop(stdin);
    assert_eq!(
        st.signal(),
        Some(2),
        "ended by SIGINT (default handling): {st:?}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
