//! Property: every span the pipeline reports, through the JSON Lines
//! writer, is in bounds, on char boundaries of the original text, and its
//! `text` is exactly that slice, whatever the text holds: Arabic and English
//! words, harakat, tatweel, Arabic-Indic and Persian digits, direction
//! marks, CRLF, punctuation without spaces, and characters that NFKC or case
//! folding expand (ﻻ, ﷺ, ﬁ, İ, ß).
//!
//! Each case is two or three documents sharing a random passage, each copy
//! disturbed by notation-only noise, embedded among random other words.

use crosscheck::document::{Corpus, Document};
use crosscheck::pipeline::{self, MatchOptions};
use crosscheck::report;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::HashMap;

const WORDS: &[&str] = &[
    "قال",
    "الوزير",
    "إن",
    "الحكومة",
    "ستواصل",
    "دعم",
    "المشاريع",
    "الصغيرة",
    "في",
    "المحافظات",
    "الجنوبية",
    "أكد",
    "آلاف",
    "ٱلمواطنين",
    "مستشفى",
    "الأطفال",
    "ليبيا",
    "روسيا",
    "مؤسسة",
    "ى",
    "وأضاف",
    "المتحدث",
    "باسم",
    "الجيش",
    "الليبي",
    "حفتر",
    "طرابلس",
    "بنغازي",
    "مجلس",
    "النواب",
    "الاتفاق",
    "السياسي",
    "الأمم",
    "المتحدة",
    "يدفعنا",
    "مزيد",
    "العمل",
    "دور",
    "قيادي",
    "المشهد",
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "resume",
    "in",
    "Geneva",
    "next",
    "week",
    "after",
    "ceasefire",
    "rescue",
    "teams",
    "pulled",
    "survivors",
    "from",
    "rubble",
    "collapsed",
    "building",
    "port",
    "city",
    "overnight",
    "spokesman",
    "inflation",
    "eased",
    "March",
    "İstanbul",
    "straße",
    "ﬁnance",
    "ﻻ",
    "ﷺ",
    "Ｆｕｌｌ",
    "état",
    "naïve",
    "2.9",
    "18,839,519",
    "18.839.519",
    "٢٫٩",
    "١٨٬٨٣٩٬٥١٩",
    "۱۲۳",
    "35",
    "٣٥",
    "7.5%",
    "٤٥٪",
    "2008",
];

const PUNCT: &[&str] = &[
    ".", ",", "،", "؛", "؟", "!", "?", "…", ":", "«", "»", "“", "”", "\"", "'", "’", "—", "-", "(",
    ")",
];

/// Separators between tokens: mostly a space; sometimes line breaks
/// (LF, CRLF, a blank line), direction marks, a tab, a no-break space, or
/// nothing at all.
fn sep() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        40 => Just(" "),
        1 => Just("  "),
        1 => Just("\r\n"),
        1 => Just("\n"),
        1 => Just("\n\n"),
        1 => Just(" \u{200f}"),
        1 => Just("\u{200e} "),
        1 => Just("\t"),
        1 => Just(""),
        1 => Just("\u{a0}"),
    ]
}

/// One token of a passage: a word or punctuation mark.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => proptest::sample::select(WORDS).prop_map(str::to_string),
        1 => proptest::sample::select(PUNCT).prop_map(str::to_string),
    ]
}

fn tokens(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(token(), n)
}

/// Notation-only noise applied to one token of one copy, chosen by `k`.
fn disturb(t: &str, k: u8) -> String {
    let first_len = t.chars().next().map_or(0, char::len_utf8);
    let is_arabic = t.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c));
    match k % 12 {
        // Tatweel after the first letter.
        0 if is_arabic && t.chars().count() > 1 => {
            format!("{}\u{640}{}", &t[..first_len], &t[first_len..])
        }
        // A fatha and a shadda after every letter.
        1 if is_arabic => t.chars().flat_map(|c| [c, '\u{64e}']).collect(),
        2 if is_arabic => t.chars().flat_map(|c| [c, '\u{651}', '\u{64f}']).collect(),
        // ASCII digits to Arabic-Indic, or the other way round.
        3 => t
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0x660).unwrap(),
                '\u{660}'..='\u{669}' => char::from_u32(c as u32 - 0x660 + '0' as u32).unwrap(),
                c => c,
            })
            .collect(),
        // Direction marks around.
        4 => format!("\u{200f}{t}\u{200e}"),
        // A trailing full stop or comma with no space after.
        5 => format!("{t}."),
        6 => format!("{t}،"),
        // Quotes around.
        7 => format!("«{t}»"),
        8 => t.to_uppercase(),
        _ => t.to_string(),
    }
}

/// A generated corpus: documents as (name, text).
#[derive(Debug, Clone)]
struct Case {
    docs: Vec<(String, String)>,
}

fn case() -> impl Strategy<Value = Case> {
    let copies = 2usize..=3;
    (tokens(20..50), copies).prop_flat_map(|(passage, n)| {
        let per_doc = (
            tokens(0..25),
            tokens(0..25),
            proptest::collection::vec(any::<u8>(), passage.len()),
            proptest::collection::vec(sep(), passage.len() + 50),
        );
        proptest::collection::vec(per_doc, n).prop_map(move |docs| Case {
            docs: docs
                .into_iter()
                .enumerate()
                .map(|(i, (before, after, noise, seps))| {
                    let mut words: Vec<String> = before;
                    for (t, k) in passage.iter().zip(&noise) {
                        // Most tokens unchanged, so the copies still pair.
                        words.push(if k % 5 == 0 {
                            disturb(t, k / 5)
                        } else {
                            t.clone()
                        });
                    }
                    words.extend(after);
                    let mut text = String::new();
                    for (w, s) in words.iter().zip(seps.iter().cycle()) {
                        text.push_str(w);
                        text.push_str(s);
                    }
                    (format!("doc{i}.txt"), text)
                })
                .collect(),
        })
    })
}

fn check_span(
    what: &str,
    text: &str,
    v: &serde_json::Value,
) -> Result<(usize, usize), TestCaseError> {
    let start = v["start"].as_u64().ok_or_else(|| fail(what, "no start"))? as usize;
    let end = v["end"].as_u64().ok_or_else(|| fail(what, "no end"))? as usize;
    let claimed = v["text"].as_str().ok_or_else(|| fail(what, "no text"))?;
    prop_assert!(start <= end, "{}: {}..{}", what, start, end);
    prop_assert!(
        end <= text.len(),
        "{}: end {} > len {}",
        what,
        end,
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{}: {}..{} not on char boundaries",
        what,
        start,
        end
    );
    prop_assert_eq!(
        &text[start..end],
        claimed,
        "{}: text is not the slice",
        what
    );
    Ok((start, end))
}

fn fail(what: &str, why: &str) -> TestCaseError {
    TestCaseError::fail(format!("{what}: {why}"))
}

/// Runs one case; returns how many pairs were reported.
fn run_case(c: &Case) -> Result<usize, TestCaseError> {
    let docs: Vec<Document> = c
        .docs
        .iter()
        .map(|(name, text)| Document {
            name: name.clone(),
            text: text.clone(),
            ..Default::default()
        })
        .collect();
    let texts: HashMap<&str, &str> = c
        .docs
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let outcome = pipeline::check(Corpus::new(docs), Vec::new(), &MatchOptions::default());
    let mut out = Vec::new();
    report::write_jsonl(&mut out, &outcome).map_err(|e| fail("write", &e.to_string()))?;
    let out = String::from_utf8(out).map_err(|e| fail("output", &e.to_string()))?;
    let mut pairs = 0;
    for line in out.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| fail("json", &e.to_string()))?;
        if v["type"] != "pair" {
            continue;
        }
        pairs += 1;
        let ta = texts[v["a"]["doc"].as_str().unwrap_or_default()];
        let tb = texts[v["b"]["doc"].as_str().unwrap_or_default()];
        let (a0, a1) = check_span("pair side a", ta, &v["a"])?;
        let (b0, b1) = check_span("pair side b", tb, &v["b"])?;
        for f in v["findings"].as_array().into_iter().flatten() {
            let (s, e) = check_span("finding side a", ta, &f["a"])?;
            prop_assert!(a0 <= s && e <= a1, "finding a outside its passage");
            let (s, e) = check_span("finding side b", tb, &f["b"])?;
            prop_assert!(b0 <= s && e <= b1, "finding b outside its passage");
        }
    }
    Ok(pairs)
}

#[test]
fn every_reported_span_is_a_slice_of_the_original() {
    let cases = 64;
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let paired = std::cell::Cell::new(0u32);
    let result = runner.run(&case(), |c| {
        if run_case(&c)? > 0 {
            paired.set(paired.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!(
        "spans_prop: {} of {cases} generated corpora produced pairs",
        paired.get()
    );
    // The property is only worth something if spans were reported: most
    // generated copies share 12+ tokens with little noise, so most cases pair.
    assert!(
        paired.get() >= cases / 4,
        "only {} of {cases} generated corpora produced a pair; the generator no longer exercises spans",
        paired.get()
    );
}
