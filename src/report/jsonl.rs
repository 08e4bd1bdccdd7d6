//! JSON Lines report. The schema is documented field by field in
//! `docs/jsonl.md`.
//!
//! # Wire format
//!
//! One JSON object per line, each with a `"type"`:
//!
//! - `{"type":"pair","a":{"doc","start","end","text"},"b":{…},"similarity","hamming","same_source","findings":[…]}`
//!   for each reported pair, sorted by document a, then b, then start.
//! - Each finding: `{"kind","severity","a":{"text","start","end","value","unit"},"b":{…},"message"}`.
//! - `{"type":"summary","documents","passages","pairs","findings","errors","schema_version"}` last.
//!
//! Guarantees: `start`/`end` are half-open byte offsets into the original
//! document text, `start <= end`, on UTF-8 character boundaries, and `text`
//! is exactly that slice. New message types and fields may appear; existing
//! ones keep their meaning.
//!
//! Terminal safety: besides the C0 controls JSON itself escapes, strings
//! carry DEL, the C1 controls (U+0080–U+009F, among them the one-character
//! CSI U+009B), the line and paragraph separators and the bidirectional
//! embeddings, overrides and isolates as `\uXXXX` escapes ([`to_writer`]), so
//! `cat`ting a report to a terminal cannot run an escape sequence or reorder
//! what is shown. A JSON parser reads the exact original text back.

use super::wire;
use crate::document::Corpus;
use crate::summary::{CheckOutcome, PairResult};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, Serializer};
use std::io::{self, Write};

/// Pairs serialized per parallel task; [`BATCH_TASKS`] tasks' lines are held
/// at once, then written in order (a report can be hundreds of megabytes).
const TASK_PAIRS: usize = 64;
/// Tasks per batch.
const BATCH_TASKS: usize = 16;

/// Writes every pair, then the summary line. Lines are serialized in
/// parallel, a batch at a time, and written in the pairs' order.
pub fn write<W: Write>(out: &mut W, outcome: &CheckOutcome) -> io::Result<()> {
    super::write_jsonl(out, outcome)
}

/// Writes the lines of `pairs`, serialized in parallel a batch at a time
/// and written in order.
pub fn write_pairs<W: Write>(out: &mut W, corpus: &Corpus, pairs: &[PairResult]) -> io::Result<()> {
    for batch in pairs.chunks(TASK_PAIRS * BATCH_TASKS) {
        let parts: Vec<io::Result<Vec<u8>>> = batch
            .par_chunks(TASK_PAIRS)
            .map(|pairs| {
                let mut buf = Vec::new();
                for p in pairs {
                    to_writer(&mut buf, &wire::pair(corpus, p))?;
                    buf.push(b'\n');
                }
                Ok(buf)
            })
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}

/// Writes the summary line (the last line).
pub fn write_summary<W: Write>(out: &mut W, totals: &super::Totals) -> io::Result<()> {
    to_writer(&mut *out, &wire::summary(totals))?;
    out.write_all(b"\n")
}

/// Writes `value` as compact JSON like `serde_json::to_writer`, but with
/// every code point that [`needs_escape`] as a `\uXXXX` escape.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    let mut ser = Serializer::with_formatter(out, TerminalSafe);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// Code points escaped in JSON strings beyond what JSON requires: DEL, the
/// C1 controls, U+2028/U+2029 and the explicit bidirectional controls
/// (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI). All are in the Basic
/// Multilingual Plane, so one `\uXXXX` each. The marks LRM, RLM and ALM,
/// common in Arabic text and harmless, are kept as they are.
pub fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// `serde_json`'s compact formatter, escaping [`needs_escape`] code points
/// in the unescaped stretches of strings (C0 controls, `"` and `\\` are
/// escaped by `serde_json` before they get here).
struct TerminalSafe;

impl Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Every code point to escape starts with one of these bytes (lead
        // bytes, so each hit is a character's start); most text has none,
        // or only quotation marks and dashes (0xe2).
        let (mut at, mut from) = (0, 0);
        while let Some(k) = memchr::memchr3(0x7f, 0xc2, 0xe2, &fragment.as_bytes()[from..]) {
            let i = from + k;
            let c = fragment[i..]
                .chars()
                .next()
                .expect("a character starts here");
            if needs_escape(c) {
                CompactFormatter.write_string_fragment(writer, &fragment[at..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                at = i + c.len_utf8();
            }
            from = i + c.len_utf8();
        }
        CompactFormatter.write_string_fragment(writer, &fragment[at..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: &serde_json::Value) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    proptest::proptest! {
        /// The byte scan escapes exactly the code points `needs_escape`
        /// names, and keeps every other character as it is.
        #[test]
        fn escapes_exactly_the_named_code_points(
            s in "[\\u{0}-\\u{ff}\\u{2000}-\\u{206f}\\u{600}-\\u{6ff}a-z\"\\\\]{0,40}"
        ) {
            let mut want = String::new();
            let mut plain = Vec::new();
            serde_json::to_writer(&mut plain, &s).unwrap();
            for c in String::from_utf8(plain).unwrap().chars() {
                if needs_escape(c) {
                    want.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    want.push(c);
                }
            }
            proptest::prop_assert_eq!(json(&serde_json::json!(s)), want);
        }
    }

    #[test]
    fn terminal_dangerous_code_points_are_escaped_and_round_trip() {
        let s = "a\u{1b}[2J\u{7f}\u{85}\u{9b}6n\u{2028}\u{202e}x\u{2069} ب\u{200f}\"\\";
        let v = serde_json::json!({ "t\u{9b}": s });
        let out = json(&v);
        assert_eq!(
            out,
            "{\"t\\u009b\":\"a\\u001b[2J\\u007f\\u0085\\u009b6n\\u2028\\u202ex\\u2069 ب\u{200f}\\\"\\\\\"}"
        );
        assert!(!out.chars().any(|c| c.is_control() || needs_escape(c)));
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn plain_text_is_as_serde_json_writes_it() {
        let v = serde_json::json!({"a": "خبر «عاجل» — 12,400", "n": [1, 2.5, null]});
        assert_eq!(json(&v), serde_json::to_string(&v).unwrap());
    }
}
