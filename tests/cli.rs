//! The `crosscheck check` command line: exit codes, inputs (files, folders,
//! stdin, JSON Lines), colors, and the seeds run. Bad-input cases beyond a
//! missing path live in `tests/bad_input.rs`.

mod util;

use serde_json::Value;
use std::fs;
use util::{SEED_001, SEED_004, case, cmd, json_lines};

/// True when `s` holds an ANSI SGR (color/style) sequence: `ESC [ digits;… m`.
/// Other escapes (a progress line's erase-line on a terminal) are not colors.
fn has_sgr(s: &str) -> bool {
    s.match_indices("\x1b[").any(|(i, _)| {
        let rest = &s[i + 2..];
        let params = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                .len();
        rest[params..].starts_with('m')
    })
}

#[test]
fn sgr_detection() {
    assert!(has_sgr("a \x1b[31mred\x1b[0m"));
    assert!(has_sgr("\x1b[m"));
    assert!(!has_sgr("progress\r\x1b[2K done"));
    assert!(!has_sgr("plain"));
}

fn pairs(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l["type"] == "pair").collect()
}

fn summary(lines: &[Value]) -> &Value {
    let last = lines.last().expect("some output");
    assert_eq!(last["type"], "summary", "the summary is the last line");
    last
}

#[test]
fn exit_0_when_the_only_pair_has_no_finding() {
    let out = cmd()
        .args(["check", "--color", "never", SEED_001, SEED_004])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("001_2a7e3232e154f51f.txt"), "{stdout}");
    assert!(stdout.contains("004_2c09273f5c3701ce.txt"), "{stdout}");
    assert!(
        stdout.contains("ألفانو"),
        "the Alfano quote is shown:\n{stdout}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `check --format jsonl DIR/a.txt DIR/b.txt`, expecting exit `code`: the
/// output lines.
fn check_case_jsonl(dir: &str, code: i32) -> Vec<Value> {
    let out = cmd()
        .args(["check", "--format", "jsonl"])
        .arg(format!("{dir}/a.txt"))
        .arg(format!("{dir}/b.txt"))
        .assert()
        .code(code)
        .get_output()
        .clone();
    json_lines(&out.stdout)
}

#[test]
fn exit_1_when_findings_are_reported() {
    let lines = check_case_jsonl(&case("en_changed_figure"), 1);
    let s = summary(&lines);
    assert!(s["findings"].as_u64().unwrap() >= 1, "{s}");
    assert_eq!(s["errors"], 0);
}

#[test]
fn exit_2_on_a_missing_path_and_the_good_files_are_still_reported() {
    let c = case("en_changed_figure");
    let out = cmd()
        .args(["check", "--format", "jsonl"])
        .arg(format!("{c}/a.txt"))
        .arg("no/such/file.txt")
        .arg(format!("{c}/b.txt"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no/such/file.txt"),
        "stderr names the missing path: {stderr}"
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "one stderr line per bad input: {stderr}"
    );
    let lines = json_lines(&out.stdout);
    let p = pairs(&lines);
    assert_eq!(p.len(), 1, "the good files' pair is still printed");
    assert_eq!(p[0]["a"]["doc"], "a.txt");
    assert_eq!(p[0]["b"]["doc"], "b.txt");
    let s = summary(&lines);
    assert_eq!(s["errors"], 1);
    assert_eq!(s["documents"], 2);
}

#[test]
fn exit_2_wins_over_findings_in_text_mode_too() {
    let c = case("en_changed_figure");
    let out = cmd()
        .args(["check", "--color", "never", "missing-dir/"])
        .arg(format!("{c}/a.txt"))
        .arg(format!("{c}/b.txt"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("a.txt") && stdout.contains("b.txt"),
        "{stdout}"
    );
    assert!(stderr.contains("missing-dir"), "{stderr}");
}

#[test]
fn help_lists_the_exit_codes() {
    for args in [&["check", "--help"][..], &["--help"][..]] {
        let out = cmd().args(args).assert().code(0).get_output().clone();
        let help = String::from_utf8(out.stdout).unwrap();
        for (code, words) in [
            ("0", "no findings"),
            ("1", "findings reported"),
            ("2", "error"),
        ] {
            assert!(
                help.lines()
                    .any(|l| l.trim_start().starts_with(code) && l.contains(words)),
                "`crosscheck {}` documents exit code {code} ({words}):\n{help}",
                args.join(" ")
            );
        }
    }
}

#[test]
fn dash_reads_standard_input() {
    let c = case("en_changed_figure");
    let a = fs::read_to_string(util::repo().join(format!("{c}/a.txt"))).unwrap();
    let out = cmd()
        .args(["check", "--format", "jsonl", "-"])
        .arg(format!("{c}/b.txt"))
        .write_stdin(a.clone())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    let p = pairs(&lines);
    assert_eq!(p.len(), 1, "{lines:?}");
    let (stdin_side, file_side) = if p[0]["b"]["doc"] == "b.txt" {
        (&p[0]["a"], &p[0]["b"])
    } else {
        (&p[0]["b"], &p[0]["a"])
    };
    assert_eq!(file_side["doc"], "b.txt");
    assert_ne!(stdin_side["doc"], "b.txt");
    // Offsets are into the text that came through stdin.
    let (s, e) = (
        stdin_side["start"].as_u64().unwrap() as usize,
        stdin_side["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(stdin_side["text"].as_str().unwrap(), &a[s..e]);
    assert_eq!(summary(&lines)["documents"], 2);
}

#[test]
fn jsonl_input_uses_ids_and_sources() {
    let out = cmd()
        .args(["check", "--format", "jsonl"])
        .arg(format!("{}/docs.jsonl", case("en_jsonl_wire")))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    assert_eq!(summary(&lines)["documents"], 3);
    let p = pairs(&lines);
    assert_eq!(p.len(), 1, "only the two wire copies pair: {p:?}");
    assert_eq!(p[0]["a"]["doc"], "daily-5531");
    assert_eq!(p[0]["a"]["source"], "Daily Courier");
    assert_eq!(p[0]["b"]["doc"], "herald-0412");
    assert_eq!(p[0]["b"]["source"], "The Northern Herald");
    assert_eq!(p[0]["same_source"], false);
}

#[test]
fn folders_are_read_recursively_sorted_and_without_hidden_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let c = util::repo().join(case("ar_changed_figure"));
    let a = fs::read_to_string(c.join("a.txt")).unwrap();
    let b = fs::read_to_string(c.join("b.txt")).unwrap();
    fs::create_dir_all(root.join("z_agency/2024")).unwrap();
    fs::create_dir_all(root.join(".cache")).unwrap();
    fs::write(root.join("z_agency/2024/story.txt"), &a).unwrap();
    fs::write(root.join("m_site.txt"), &b).unwrap();
    // Hidden files and folders would add pairs if they were read.
    fs::write(root.join(".draft.txt"), &a).unwrap();
    fs::write(root.join(".cache/copy.txt"), &b).unwrap();

    let out = cmd()
        .args(["check", "--format", "jsonl"])
        .arg(root)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    assert_eq!(
        summary(&lines)["documents"],
        2,
        "hidden files skipped: {lines:?}"
    );
    let p = pairs(&lines);
    assert_eq!(p.len(), 1, "{p:?}");
    // Ids are paths relative to the argument; side a sorts first.
    assert_eq!(p[0]["a"]["doc"], "m_site.txt");
    assert_eq!(p[0]["b"]["doc"], "z_agency/2024/story.txt");
}

fn colored_run(extra: &[&str], env: &[(&str, &str)]) -> String {
    let c = case("en_changed_figure");
    let mut k = cmd();
    k.arg("check")
        .args(extra)
        .arg(format!("{c}/a.txt"))
        .arg(format!("{c}/b.txt"));
    for (n, v) in env {
        k.env(n, v);
    }
    let out = k.assert().code(1).get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn color_always_emits_ansi_and_never_does_not() {
    let always = colored_run(&["--color", "always"], &[]);
    assert!(has_sgr(&always), "--color always: {always:?}");
    let never = colored_run(&["--color", "never"], &[]);
    assert!(!has_sgr(&never), "--color never: {never:?}");
    // Same words either way.
    assert!(never.contains("35") && never.contains("53"), "{never}");
}

#[test]
fn no_color_and_a_pipe_turn_auto_colors_off() {
    let piped = colored_run(&[], &[]);
    assert!(!has_sgr(&piped), "auto on a pipe: {piped:?}");
    let no_color = colored_run(&["--color", "auto"], &[("NO_COLOR", "1")]);
    assert!(!has_sgr(&no_color), "NO_COLOR: {no_color:?}");
}

/// `auto` on a real terminal: colors, unless NO_COLOR is set. Runs the
/// binary under `script` (util-linux) to get a pseudo-terminal; skipped
/// when `script` is not installed.
#[test]
fn auto_colors_a_terminal_unless_no_color() {
    let probe = std::process::Command::new("script")
        .arg("--version")
        .output();
    if !probe.map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("skipped: `script` (util-linux) not available for a pseudo-terminal");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin!("crosscheck");
    let c = case("en_changed_figure");
    let line = format!(
        "'{}' check {c}/a.txt {c}/b.txt; echo \"exit=$?\"",
        bin.display()
    );
    let run = |no_color: bool| -> String {
        let mut k = std::process::Command::new("script");
        k.args(["-qec", &line, "/dev/null"])
            .current_dir(util::repo())
            .stdin(std::process::Stdio::null());
        for v in util::OUTPUT_ENV {
            k.env_remove(v);
        }
        k.env("TERM", "xterm");
        if no_color {
            k.env("NO_COLOR", "1");
        }
        let out = k.output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let tty = run(false);
    if !tty.contains("exit=") {
        eprintln!("skipped: `script` did not run the command: {tty:?}");
        return;
    }
    assert!(tty.contains("exit=1"), "{tty:?}");
    assert!(has_sgr(&tty), "auto colors a terminal: {tty:?}");
    let plain = run(true);
    assert!(plain.contains("exit=1"), "{plain:?}");
    assert!(
        !has_sgr(&plain),
        "NO_COLOR turns colors off on a terminal: {plain:?}"
    );
}

#[test]
fn seeds_run_prints_the_alfano_pair() {
    let out = cmd()
        .args(["check", "--color", "never", "seeds/"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "seeds run without errors: {out:?}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    for name in ["001_2a7e3232e154f51f.txt", "004_2c09273f5c3701ce.txt"] {
        assert!(stdout.contains(name), "{name} in:\n{stdout}");
    }
    assert!(stdout.contains("ألفانو"), "{stdout}");
    assert!(
        stdout.lines().last().unwrap_or("").contains("5 documents"),
        "summary line last:\n{stdout}"
    );

    // The JSONL report says the same, with no finding on that pair.
    let out = cmd()
        .args(["check", "--format", "jsonl", "seeds/"])
        .output()
        .unwrap();
    let lines = json_lines(&out.stdout);
    let alfano: Vec<&Value> = pairs(&lines)
        .into_iter()
        .filter(|p| {
            p["a"]["doc"] == "001_2a7e3232e154f51f.txt"
                && p["b"]["doc"] == "004_2c09273f5c3701ce.txt"
                && p["a"]["text"].as_str().unwrap().contains("ألفانو")
        })
        .collect();
    assert_eq!(alfano.len(), 1, "{lines:?}");
    assert_eq!(alfano[0]["findings"], Value::Array(vec![]));
    assert!(alfano[0]["b"]["text"].as_str().unwrap().contains("ألفانو"));
}

/// Pairs of a `check --format jsonl` run, as sorted document-id pairs, and
/// the total number of findings.
fn check_pairs(path: &std::path::Path) -> (Vec<(String, String)>, u64) {
    let out = cmd()
        .args(["check", "--format", "jsonl"])
        .arg(path)
        .output()
        .unwrap();
    let lines = json_lines(&out.stdout);
    let mut p: Vec<(String, String)> = pairs(&lines)
        .iter()
        .map(|p| {
            (
                p["a"]["doc"].as_str().unwrap().to_string(),
                p["b"]["doc"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    p.sort();
    p.dedup();
    (p, summary(&lines)["findings"].as_u64().unwrap())
}

#[test]
fn check_ignores_a_sources_boilerplate() {
    // Six articles of one outlet share its footer (a visitor count that
    // differs, "اترك رد", "error: Content is protected !!"); two of them
    // carry the same fish-market story. Only the story pairs, with no
    // finding from the footer.
    let docs = std::path::Path::new("fixtures/dedup/boilerplate/docs.jsonl");
    let (p, findings) = check_pairs(docs);
    assert_eq!(p, vec![("sahil-2".to_string(), "sahil-6".to_string())]);
    assert_eq!(findings, 0);
    // The control: without a source, a recurring sentence may be a wire
    // story reprinted by many outlets, so it is not boilerplate; the footer
    // then pairs every article and its visitor count is a finding.
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("docs.jsonl");
    let text: String = fs::read_to_string(repo_path(docs))
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("source");
            format!("{v}\n")
        })
        .collect();
    fs::write(&plain, text).unwrap();
    let (p, findings) = check_pairs(&plain);
    assert!(p.len() > 1, "{p:?}");
    assert!(findings > 0);
}

fn repo_path(rel: &std::path::Path) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Two articles that share only a quotation (passage matching does not
/// pair them; the quotation pass does): the changed figure inside it is a
/// `number` finding, as in any other pair. `check` keeps only the
/// quotations of documents in no passage pair, so this fails if documents
/// paired by their quotation alone do not get all their claims back.
#[test]
fn figure_inside_a_quotation_only_pair_is_a_number_finding() {
    let lines = check_case_jsonl("fixtures/contradict/53_en_quote_figure", 1);
    let p = pairs(&lines);
    assert_eq!(p.len(), 1, "{lines:?}");
    let kinds: Vec<(&str, &str, &str)> = p[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap(),
                f["a"]["text"].as_str().unwrap(),
                f["b"]["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [("number", "40", "60")]);
}
