//! The same input gives byte-identical output on one thread and on many, and
//! whatever order the paths were given in (issue #7, issue #2 §13).
//!
//! See: issue #7 "Robustness and security".

use assert_cmd::Command;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every input the repository holds: the seeds and each fixture folder,
/// as separate arguments so their order can be changed.
fn inputs() -> Vec<PathBuf> {
    let mut v = vec![root().join("seeds")];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    fixtures.sort();
    v.extend(fixtures);
    v
}

fn run(threads: Option<usize>, format: &str, paths: &[PathBuf]) -> (i32, Vec<u8>, Vec<u8>) {
    let mut c = Command::cargo_bin("crosscheck").unwrap();
    c.env_remove("NO_COLOR")
        .env_remove("TERM")
        .env_remove("COLORTERM");
    c.args(["check", "--color", "always", "--format", format]);
    if let Some(n) = threads {
        c.args(["--threads", &n.to_string()]);
    }
    let out = c.args(paths).output().unwrap();
    (out.status.code().unwrap(), out.stdout, out.stderr)
}

fn assert_same(what: &str, a: &(i32, Vec<u8>, Vec<u8>), b: &(i32, Vec<u8>, Vec<u8>)) {
    assert_eq!(a.0, b.0, "{what}: exit codes differ");
    assert!(
        a.1 == b.1,
        "{what}: outputs differ\n--- first\n{}\n--- second\n{}",
        String::from_utf8_lossy(&a.1),
        String::from_utf8_lossy(&b.1)
    );
    assert!(a.2 == b.2, "{what}: stderr differs");
}

#[test]
fn output_is_identical_across_thread_counts_and_path_orders() {
    let paths = inputs();
    let mut reversed = paths.clone();
    reversed.reverse();
    // A rotation too, so that no order is simply the mirror of another.
    let mut rotated = paths.clone();
    rotated.rotate_left(paths.len() / 2);
    for format in ["text", "jsonl"] {
        let base = run(Some(1), format, &paths);
        assert!(
            String::from_utf8_lossy(&base.1).contains("pair"),
            "the inputs produce pairs, so the comparison means something"
        );
        assert_same(
            &format!("{format}: 1 vs default threads"),
            &base,
            &run(None, format, &paths),
        );
        assert_same(
            &format!("{format}: 1 vs 4 threads"),
            &base,
            &run(Some(4), format, &paths),
        );
        assert_same(
            &format!("{format}: reversed paths"),
            &base,
            &run(Some(4), format, &reversed),
        );
        assert_same(
            &format!("{format}: rotated paths"),
            &base,
            &run(None, format, &rotated),
        );
    }
}

/// Files named one by one, in two orders, give the same output as their
/// folder; duplicate ids resolve the same way whatever the order.
#[test]
fn single_files_in_any_order_with_duplicates() {
    let seeds = root().join("seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    // The same files twice: every id is duplicated.
    let mut twice = files.clone();
    twice.extend(files.iter().cloned());
    let forward = run(Some(1), "jsonl", &twice);
    twice.reverse();
    let backward = run(None, "jsonl", &twice);
    assert_same("duplicated seed files, reversed", &forward, &backward);
    assert_eq!(forward.0, 2, "duplicate ids are reported");
    let folder = run(None, "jsonl", std::slice::from_ref(&seeds));
    let files_only = run(None, "jsonl", &files);
    // Seed folder may hold other files (README); compare pairs only.
    let pairs = |o: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(o)
            .lines()
            .filter(|l| l.contains("\"type\":\"pair\""))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(pairs(&folder.1), pairs(&files_only.1));
}

/// `crosscheck dedup` too: clusters, their numbering, representatives and
/// boilerplate are the same on 1 and 4 threads and in any path order, at
/// both levels.
#[test]
fn dedup_is_identical_across_thread_counts_and_path_orders() {
    let dedup = root().join("fixtures/dedup");
    let mut paths: Vec<PathBuf> = ["mixed", "containment", "unique", "boilerplate"]
        .iter()
        .map(|p| dedup.join(p))
        .collect();
    let go = |threads: usize, level: &str, paths: &[PathBuf]| {
        let out = Command::cargo_bin("crosscheck")
            .unwrap()
            .args(["dedup", "--format", "jsonl", "--all", "--level", level])
            .args(["--threads", &threads.to_string()])
            .args(paths)
            .output()
            .unwrap();
        (out.status.code().unwrap(), out.stdout, out.stderr)
    };
    for level in ["document", "passage"] {
        let base = go(1, level, &paths);
        assert!(
            String::from_utf8_lossy(&base.1).contains("\"members\":[{\"doc\":\"en-wire\""),
            "the inputs produce clusters"
        );
        assert_same(
            &format!("dedup {level}: 1 vs 4 threads"),
            &base,
            &go(4, level, &paths),
        );
        paths.reverse();
        assert_same(
            &format!("dedup {level}: reversed"),
            &base,
            &go(4, level, &paths),
        );
        paths.rotate_left(1);
        assert_same(
            &format!("dedup {level}: rotated"),
            &base,
            &go(1, level, &paths),
        );
    }
}
