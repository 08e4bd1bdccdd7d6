//! Helpers shared by the CLI tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::PathBuf;

/// Environment variables that change what the binary prints (colors,
/// terminal width); every test starts without them.
pub const OUTPUT_ENV: &[&str] = &[
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TERM",
    "COLORTERM",
    "COLUMNS",
    "RAYON_NUM_THREADS",
];

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `crosscheck` with a clean environment, run from the repository root.
pub fn cmd() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("crosscheck"));
    for v in OUTPUT_ENV {
        c.env_remove(v);
    }
    c.current_dir(repo());
    c
}

/// A fixture case folder, relative to the repository root.
pub fn case(name: &str) -> String {
    format!("fixtures/foundation/{name}")
}

/// The seed file holding the Alfano quote (ألفانو), first copy.
pub const SEED_001: &str = "seeds/001_2a7e3232e154f51f.txt";
/// The seed file holding the Alfano quote, second copy.
pub const SEED_004: &str = "seeds/004_2c09273f5c3701ce.txt";

/// Parses JSON Lines output into values.
pub fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    std::str::from_utf8(out)
        .expect("output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}
