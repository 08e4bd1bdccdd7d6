//! Property tests over the public API of the stages that map byte offsets
//! (normalize, tokenize/segment, claims), the JSONL reader and the whole
//! pipeline, with generators built from what scraped Arabic and English news
//! actually contains: Arabic letters and their variant forms, harakat,
//! tatweel, both Arabic digit sets, direction marks and isolates, ZWJ/ZWNJ,
//! combining marks, CRLF, NUL, lone surrogate escapes and very long tokens.
//! Also replays the fuzzers' crash corpus (`fixtures/bad/regressions/`).
//!
//! The invariants live in `fuzz/checks.rs`, shared with the fuzz targets.
//! Raise the case count with `PROPTEST_CASES=10000 cargo test --test properties`.
//!
//! See: issue #7 "Robustness and security".

#[path = "../fuzz/checks.rs"]
mod checks;

use crosscheck::document::{Corpus, Document};
use crosscheck::input::{self, InputOptions};
use crosscheck::pipeline::{self, MatchOptions};
use proptest::prelude::*;

/// One piece of text.
fn atom() -> impl Strategy<Value = String> {
    let arabic_letter = prop::char::range('\u{0621}', '\u{064a}');
    let one_of = |s: &'static [&'static str]| prop::sample::select(s).prop_map(str::to_string);
    prop_oneof![
        // Arabic words with harakat, tatweel and letter variants.
        prop::collection::vec(
            prop_oneof![
                4 => arabic_letter.prop_map(String::from),
                1 => prop::char::range('\u{064b}', '\u{0652}').prop_map(String::from), // harakat
                1 => Just("\u{0640}".to_string()), // tatweel
                1 => one_of(&["أ", "إ", "آ", "ٱ", "ى", "ة", "ی", "ک", "ﻻ", "ﷺ", "\u{0670}"]),
            ],
            1..8
        )
        .prop_map(|v| v.concat()),
        // Digits: ASCII, Arabic-Indic, Persian, with separators.
        prop::collection::vec(
            prop_oneof![
                3 => prop::char::range('0', '9').prop_map(String::from),
                2 => prop::char::range('\u{0660}', '\u{0669}').prop_map(String::from),
                2 => prop::char::range('\u{06f0}', '\u{06f9}').prop_map(String::from),
                1 => one_of(&[".", ",", "٫", "٬", "%", "٪", "‰"]),
            ],
            1..10
        )
        .prop_map(|v| v.concat()),
        // Latin words, with case and diacritics that fold.
        "[A-Za-z]{1,10}",
        one_of(&[
            "İstanbul",
            "straße",
            "ﬁnance",
            "café",
            "e\u{301}",
            "a\u{308}\u{20d7}",
            "Ⅻ",
            "①"
        ]),
        // Invisible and direction characters.
        one_of(&[
            "\u{200e}", "\u{200f}", "\u{061c}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
            "\u{202a}", "\u{202b}", "\u{202e}", "\u{202c}", "\u{200c}", "\u{200d}", "\u{feff}",
            "\u{ad}", "\u{200b}",
        ]),
        // Punctuation, quotes, dashes, sentence ends.
        one_of(&[
            ".", ",", "،", "؛", "؟", "!", "?", "…", "\"", "«", "»", "“", "”", "'", "-", "—", "(",
            ")", ":", "Mr.", "U.S.", "أ.",
        ]),
        // White space and controls.
        one_of(&[
            " ",
            " ",
            "  ",
            "\n",
            "\r\n",
            "\n\n",
            "\t",
            "\u{a0}",
            "\u{2028}",
            "\0",
            "\u{1b}[31m",
            "\u{7}",
            "\u{9b}",
            "\r"
        ]),
        // Very long tokens.
        (1usize..3000).prop_map(|n| "ك".repeat(n)),
        (1usize..2000).prop_map(|n| "9".repeat(n)),
        (1usize..300).prop_map(|n| "1,000".repeat(n)),
        (1usize..300).prop_map(|n| "٫٣".repeat(n)),
        // Anything at all.
        any::<char>().prop_map(String::from),
    ]
}

/// Text of up to `max` atoms, separated by spaces most of the time.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec((atom(), prop::bool::weighted(0.7)), 0..max).prop_map(|v| {
        let mut s = String::new();
        for (a, space) in v {
            s.push_str(&a);
            if space {
                s.push(' ');
            }
        }
        s
    })
}

fn config() -> ProptestConfig {
    // Few cases by default so `cargo test` stays fast; PROPTEST_CASES
    // raises them (ProptestConfig::default reads it).
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 200;
    }
    c.failure_persistence = None;
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn normalize_keeps_a_valid_byte_map(t in text(40)) {
        checks::normalize(&t);
    }

    #[test]
    fn tokens_units_and_chunks_are_well_formed(t in text(60)) {
        checks::tokenize_segment(&t);
    }

    #[test]
    fn claims_have_sorted_in_bounds_spans(t in text(60)) {
        checks::claims(&t);
    }

    #[test]
    fn jsonl_reader_survives_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..400)) {
        checks::jsonl(&data);
    }

    /// Any text, written as JSON by a correct writer, reads back exactly.
    #[test]
    fn jsonl_text_round_trips(t in text(30), id in "[a-z0-9-]{0,8}") {
        let line = serde_json::json!({"id": id, "text": t, "source": "s"}).to_string();
        let loaded = input::parse_jsonl(format!("{line}\r\n").as_bytes(), "t.jsonl", &InputOptions::default());
        if t.trim().is_empty() {
            prop_assert!(loaded.docs.is_empty());
            prop_assert_eq!(loaded.errors.len(), 1);
        } else {
            prop_assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
            prop_assert_eq!(&loaded.docs[0].text, &t);
            prop_assert_eq!(&loaded.docs[0].name, &id);
        }
    }

    /// A lone surrogate escape anywhere in the text is one clear error,
    /// and with `--lossy` a U+FFFD in its place.
    #[test]
    fn lone_surrogate_escapes_are_reported_or_replaced(
        before in "[a-z ]{1,20}",
        after in "[a-z ]{0,20}",
        unit in prop_oneof![0xd800u16..0xdc00, 0xdc00u16..0xe000],
    ) {
        let line = format!("{{\"id\":\"x\",\"text\":\"{before}\\u{unit:04x}{after}\"}}");
        let strict = input::parse_jsonl(line.as_bytes(), "t.jsonl", &InputOptions::default());
        prop_assert!(strict.docs.is_empty());
        prop_assert!(strict.errors[0].reason.starts_with("lone surrogate escape"), "{:?}", strict.errors);
        let opts = InputOptions { lossy: true, ..InputOptions::default() };
        let lossy = input::parse_jsonl(line.as_bytes(), "t.jsonl", &opts);
        prop_assert!(lossy.errors.is_empty());
        prop_assert_eq!(&lossy.docs[0].text, &format!("{before}\u{fffd}{after}"));
    }
}

proptest! {
    #![proptest_config({ let mut c = config(); if std::env::var_os("PROPTEST_CASES").is_none() { c.cases = 48; } c })]

    /// The whole pipeline on a small corpus that holds an edited copy: every
    /// reported span and finding is in bounds and on char boundaries.
    #[test]
    fn every_reported_span_is_a_valid_slice(
        shared in text(60),
        a_pre in text(10),
        b_pre in text(10),
        edit in atom(),
        at in any::<prop::sample::Index>(),
        other in text(30),
    ) {
        let mut copy = shared.clone();
        let mut cut = at.index(copy.len() + 1);
        while !copy.is_char_boundary(cut) {
            cut -= 1;
        }
        copy.insert_str(cut, &edit);
        let docs = vec![
            Document { name: "a".into(), text: format!("{a_pre}\n{shared}"), ..Document::default() },
            Document { name: "b".into(), text: format!("{b_pre} {copy}"), ..Document::default() },
            Document { name: "c".into(), text: other, ..Document::default() },
        ];
        let opts = MatchOptions { min_words: 1, min_similarity: 0.0, ..MatchOptions::default() };
        let out = pipeline::check(Corpus::new(docs), Vec::new(), &opts);
        for p in &out.pairs {
            let (ta, tb) = (&out.corpus.get(p.a.doc).text, &out.corpus.get(p.b.doc).text);
            checks::assert_span(ta, p.a.span, "pair a");
            checks::assert_span(tb, p.b.span, "pair b");
            prop_assert!((0.0..=1.0).contains(&p.similarity));
        }
        let mut sink = Vec::new();
        crosscheck::report::write_jsonl(&mut sink, &out).unwrap();
        for line in String::from_utf8(sink).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if v["type"] != "pair" {
                continue;
            }
            for side in ["a", "b"] {
                let doc = out.corpus.docs.iter().find(|d| v[side]["doc"] == d.name.as_str()).unwrap();
                let (s, e) = (v[side]["start"].as_u64().unwrap() as usize, v[side]["end"].as_u64().unwrap() as usize);
                prop_assert_eq!(v[side]["text"].as_str().unwrap(), &doc.text[s..e]);
                for f in v["findings"].as_array().unwrap() {
                    let (fs, fe) = (f[side]["start"].as_u64().unwrap() as usize, f[side]["end"].as_u64().unwrap() as usize);
                    prop_assert_eq!(f[side]["text"].as_str().unwrap(), &doc.text[fs..fe]);
                }
            }
        }
    }
}

/// Every input the fuzzers ever crashed on (and a few hand-made hard
/// cases), replayed through the same checks. A file under
/// `fixtures/bad/regressions/<target>/` is run by the check of that target.
#[test]
fn crash_corpus_replays_cleanly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad/regressions");
    let mut n = 0;
    for target in ["normalize", "tokenize_segment", "claims", "jsonl"] {
        let Ok(rd) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut files: Vec<_> = rd.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let r = std::panic::catch_unwind(|| match target {
                "normalize" => checks::normalize(&checks::text_of(&data)),
                "tokenize_segment" => checks::tokenize_segment(&checks::text_of(&data)),
                "claims" => checks::claims(&checks::text_of(&data)),
                _ => checks::jsonl(&data),
            });
            assert!(r.is_ok(), "{target}: {} fails", f.display());
            n += 1;
        }
    }
    assert!(n > 0, "the corpus under {} is not empty", root.display());
}
