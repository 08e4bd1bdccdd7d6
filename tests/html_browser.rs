//! The HTML report in a real browser: headless Chromium renders the seeds'
//! report to PNG (checked non-blank and of the requested size) and dumps the
//! DOM it built (checked for the pairs, passages, `lang`/`dir` and marks),
//! and the injection fixture's report is checked to stay text.
//!
//! `.ci/run` installs Debian's `chromium` and `fonts-noto-core`; without a
//! browser the tests print a skip message and pass.

use crosscheck::document::Corpus;
use crosscheck::input::{self, InputOptions};
use crosscheck::pipeline::{self, MatchOptions};
use crosscheck::report;
use crosscheck::summary::CheckOutcome;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 1400;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CROSSCHECK_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn outcome(dir: &Path) -> CheckOutcome {
    let loaded = input::read(&[dir.to_path_buf()], &InputOptions::default());
    pipeline::check(
        Corpus::new(loaded.docs),
        loaded.errors,
        &MatchOptions::default(),
    )
}

fn write_html(o: &CheckOutcome, dir: &Path) -> PathBuf {
    let path = dir.join("report.html");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    report::write_html(&mut f, o).unwrap();
    drop(f);
    path
}

/// Runs headless Chromium on `page` with `extra` flags; returns stdout, or
/// `None` (with a message) when the browser cannot run here.
fn run_chromium(bin: &Path, page: &Path, extra: &[String]) -> Option<String> {
    let profile = tempfile::tempdir().unwrap();
    let child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("skipped: cannot start {}: {e}", bin.display());
            return None;
        }
    };
    let start = Instant::now();
    loop {
        match child.try_wait().unwrap() {
            Some(_) => break,
            None if start.elapsed() > Duration::from_secs(120) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 120 s");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        eprintln!(
            "skipped: chromium failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Width, height and the share of pixels that are not (near) white.
fn png_stats(path: &Path) -> (u32, u32, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let px = &buf[..info.buffer_size()];
    let total = (info.width * info.height) as usize;
    let inked = px
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 200))
        .count();
    (info.width, info.height, inked as f64 / total as f64)
}

#[test]
fn seeds_report_renders_in_chromium() {
    let Some(bin) = chromium() else {
        eprintln!("skipped: chromium not installed (.ci/run installs Debian's chromium)");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = outcome(&root.join("seeds"));
    assert!(!o.pairs.is_empty(), "the seeds give at least one pair");
    let dir = tempfile::tempdir().unwrap();
    let page = write_html(&o, dir.path());

    let shot = dir.path().join("report.png");
    let extra = [
        format!("--screenshot={}", shot.display()),
        format!("--window-size={WIDTH},{HEIGHT}"),
    ];
    if run_chromium(&bin, &page, &extra).is_none() {
        return;
    }
    let (w, h, inked) = png_stats(&shot);
    assert_eq!((w, h), (WIDTH, HEIGHT));
    // Text and table borders: a blank page has none, a page of text a few percent.
    assert!(inked > 0.01, "screenshot looks blank: {:.4} inked", inked);
    if let Ok(keep) = std::env::var("CROSSCHECK_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }

    let dom = run_chromium(&bin, &page, &["--dump-dom".to_string()]).expect("dump-dom");
    assert_eq!(
        dom.matches("<section class=\"pair\"").count(),
        o.pairs.len()
    );
    assert_eq!(
        dom.matches("class=\"passage\" dir=\"auto\"").count(),
        2 * o.pairs.len()
    );
    assert!(dom.contains("lang=\"ar\""), "the seeds are Arabic");
    assert!(dom.contains("<table class=\"summary\">"));
    for n in 1..=o.pairs.len() {
        assert!(dom.contains(&format!("href=\"#pair-{n}\"")));
        assert!(
            dom.contains(&format!("id=\"pair-{n}-a\""))
                && dom.contains(&format!("href=\"#pair-{n}-b\""))
        );
    }
    let marks = o.findings();
    assert!(dom.matches("<mark").count() >= marks.min(1) * 2 || marks == 0);
}

#[test]
fn injected_markup_stays_text_in_chromium() {
    let Some(bin) = chromium() else {
        eprintln!("skipped: chromium not installed (.ci/run installs Debian's chromium)");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = outcome(&root.join("fixtures/report/injection"));
    let dir = tempfile::tempdir().unwrap();
    let page = write_html(&o, dir.path());
    let Some(dom) = run_chromium(&bin, &page, &["--dump-dom".to_string()]) else {
        return;
    };
    // The browser parsed no element out of article text: no script, no img,
    // and the title is still ours.
    assert!(!dom.contains("<script"), "{dom}");
    assert!(!dom.contains("<img"), "{dom}");
    assert!(dom.contains("<title>crosscheck report: 1 pair, 1 finding</title>"));
    assert!(dom.contains("&lt;script&gt;alert(\"pwned\")&lt;/script&gt;"));
    assert_eq!(dom.matches("<mark").count(), 2);
    assert!(dom.contains("<del>210</del>") && dom.contains("<ins>120</ins>"));
}
