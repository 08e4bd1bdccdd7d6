//! Snapshot tests of every report format, on hand-written fixtures run
//! through the real pipeline (`fixtures/report/`), and an injection test
//! proving that article text cannot inject markup, escapes or formulas.

use crosscheck::document::Corpus;
use crosscheck::input::{self, InputOptions};
use crosscheck::pipeline::{self, MatchOptions};
use crosscheck::report::{self, ReportOptions};
use crosscheck::summary::CheckOutcome;
use std::path::PathBuf;

fn outcome(fixture: &str) -> CheckOutcome {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/report")
        .join(fixture);
    let loaded = input::read(&[dir], &InputOptions::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    pipeline::check(
        Corpus::new(loaded.docs),
        loaded.errors,
        &MatchOptions::default(),
    )
}

fn opts() -> ReportOptions {
    ReportOptions {
        color: false,
        context: 4,
        visual_bidi: false,
        csv_bom: false,
        width: 80,
    }
}

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Escapes spelled out, so colored output can be reviewed as text.
fn explain_ansi(s: &str) -> String {
    s.replace('\x1b', "\\e")
}

#[test]
fn basic_has_findings_to_show() {
    // Guards the snapshots below: they are only worth something if the
    // fixtures give pairs with findings on both languages.
    let o = outcome("basic");
    assert_eq!(o.pairs.len(), 2);
    assert!(o.pairs.iter().all(|p| !p.findings.is_empty()));
}

#[test]
fn text_plain() {
    let o = outcome("basic");
    let s = render(|w| report::write_text(w, &o, &opts()));
    assert!(!s.contains('\x1b'));
    assert!(
        s.lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn text_color() {
    let o = outcome("basic");
    let s = render(|w| {
        report::write_text(
            w,
            &o,
            &ReportOptions {
                color: true,
                ..opts()
            },
        )
    });
    assert!(!s.contains("[-") && !s.contains("{+"));
    insta::assert_snapshot!(explain_ansi(&s));
}

#[test]
fn text_visual_bidi() {
    let o = outcome("basic");
    let s = render(|w| {
        report::write_text(
            w,
            &o,
            &ReportOptions {
                visual_bidi: true,
                width: 60,
                ..opts()
            },
        )
    });
    // Presentation forms (U+FE70..U+FEFF) only in visual mode.
    assert!(s.chars().any(|c| ('\u{fe70}'..='\u{feff}').contains(&c)));
    insta::assert_snapshot!(s);
}

#[test]
fn jsonl() {
    let o = outcome("basic");
    let s = render(|w| report::write_jsonl(w, &o));
    for line in s.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["type"].is_string());
    }
    insta::assert_snapshot!(s);
}

#[test]
fn csv() {
    let o = outcome("basic");
    let s = render(|w| report::write_csv(w, &o, &opts()));
    // Header plus one row per finding.
    assert_eq!(
        s.split("\r\n").filter(|l| !l.is_empty()).count(),
        1 + o.findings()
    );
    insta::assert_snapshot!(s);
    let bom = render(|w| {
        report::write_csv(
            w,
            &o,
            &ReportOptions {
                csv_bom: true,
                ..opts()
            },
        )
    });
    assert_eq!(bom.strip_prefix('\u{feff}'), Some(s.as_str()));
}

#[test]
fn html() {
    let o = outcome("basic");
    let s = render(|w| report::write_html(w, &o));
    assert!(!s.contains("http://") && !s.contains("https://") && !s.contains("<script"));
    assert!(s.contains("lang=\"ar\"") && s.contains("lang=\"en\""));
    // Presentation forms never reach HTML.
    assert!(!s.chars().any(|c| ('\u{fe70}'..='\u{feff}').contains(&c)));
    insta::assert_snapshot!(s);
}

#[test]
fn injection_is_neutralized_in_every_format() {
    let o = outcome("injection");
    assert_eq!(o.pairs.len(), 1, "the injection fixture must give one pair");
    assert_eq!(o.findings(), 1);

    let html = render(|w| report::write_html(w, &o));
    for bad in ["<script", "<img", "onerror=alert(1)>", "\x1b", "\x07"] {
        assert!(!html.contains(bad), "HTML contains {bad:?}");
    }
    assert!(html.contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("=cmd()|evil"));

    for color in [false, true] {
        let text = render(|w| {
            report::write_text(
                w,
                &o,
                &ReportOptions {
                    color,
                    context: 50,
                    ..opts()
                },
            )
        });
        assert!(!text.contains('\x07'), "BEL reached the terminal");
        assert!(!text.contains("\x1b]"), "OSC 8 reached the terminal");
        assert!(
            !text.contains("\x1b[31mbefore"),
            "the article's color reached the terminal"
        );
        // Only the report's own SGR sequences remain.
        for (i, _) in text.match_indices('\x1b') {
            let rest = &text[i..];
            let end = rest.find('m').expect("SGR ends with m");
            assert!(
                rest[2..end].chars().all(|c| c.is_ascii_digit() || c == ';'),
                "unexpected escape {:?}",
                &rest[..end + 1]
            );
        }
        assert!(!color || text.contains('\x1b'));
        assert!(
            text.contains("<script>alert(\"pwned\")</script>"),
            "shown as text"
        );
    }

    let csv = render(|w| report::write_csv(w, &o, &opts()));
    assert!(!csv.contains('\x1b'));
    let rows: Vec<&str> = csv.split("\r\n").collect();
    let header: Vec<&str> = rows[0].split(',').collect();
    let row = rows[1];
    // Names and sources start with + - = @: defused with a quote.
    for cell in ["'+plain", "'-minus", "'=cmd()|evil", "'@attacker"] {
        assert!(
            row.contains(&format!(",{cell},")),
            "{cell} missing in {row}"
        );
    }
    assert_eq!(header.len(), report::csv::HEADER.len());
    insta::assert_snapshot!(csv);
}

/// The report written while `check_each` hands over its pairs (as `crosscheck
/// check` does for text, JSON Lines and CSV), here one pair at a time so
/// that pairs are numbered across batches, is byte for byte the report of
/// the whole outcome (which the snapshots above pin down).
#[test]
fn streamed_reports_equal_the_held_ones() {
    use report::{PairStream, StreamFormat, Totals};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for dir in [
        root.join("fixtures/report/basic"),
        root.join("fixtures/report/injection"),
        root.join("seeds"),
    ] {
        let load = || {
            let loaded = input::read(std::slice::from_ref(&dir), &InputOptions::default());
            (Corpus::new(loaded.docs), loaded.errors)
        };
        let (corpus, errors) = load();
        let held = pipeline::check(corpus, errors, &MatchOptions::default());
        assert!(
            !held.pairs.is_empty(),
            "{}: no pairs to stream",
            dir.display()
        );
        for format in [StreamFormat::Text, StreamFormat::Jsonl, StreamFormat::Csv] {
            let opts = ReportOptions {
                csv_bom: true,
                ..opts()
            };
            let want = render(|w| match format {
                StreamFormat::Text => report::write_text(w, &held, &opts),
                StreamFormat::Jsonl => report::write_jsonl(w, &held),
                StreamFormat::Csv => report::write_csv(w, &held, &opts),
            });
            let (corpus, errors) = load();
            let mut stream = PairStream::start(Vec::new(), format, &opts).unwrap();
            let mut batches = 0;
            let outcome =
                pipeline::check_each(corpus, errors, &MatchOptions::default(), |c, batch| {
                    batches += 1;
                    batch.chunks(1).try_for_each(|p| stream.pairs(c, p))
                })
                .unwrap();
            assert!(outcome.pairs.is_empty());
            assert!(batches >= 1);
            assert_eq!(stream.written(), held.pairs.len());
            assert_eq!(stream.findings(), held.findings());
            let out = stream
                .finish(Totals {
                    pairs: 0,
                    findings: 0,
                    ..Totals::of(&outcome)
                })
                .unwrap();
            let got = String::from_utf8(out).unwrap();
            assert_eq!(got, want, "{} as {format:?}", dir.display());
        }
    }
}
