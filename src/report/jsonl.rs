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
use serde_json::ser::{Formatter, Serializer};
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
                // Sized once: growing from empty copied each task's
                // lines about ten times over.
                let mut buf = Vec::with_capacity(pairs.iter().map(line_bytes).sum());
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

/// About the bytes of `p`'s line: its two passages' texts and, for the
/// rest, 256 bytes and 512 a finding (a generous guess: the c20k report's
/// lines average 497 bytes).
fn line_bytes(p: &PairResult) -> usize {
    256 + p.a.span.len() + p.b.span.len() + 512 * p.findings.len()
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
        // Most fragments are keys and document names, short and ASCII:
        // nothing to escape (every `needs_escape` code point is DEL or
        // above). Otherwise, since a fragment holds nothing JSON escapes,
        // this writes only the escapes of `needs_escape`.
        if fragment.bytes().all(|b| b < 0x7f) {
            return writer.write_all(fragment.as_bytes());
        }
        escape(fragment, |s| writer.write_all(s.as_bytes()))
    }
}

/// Serializes a string field as [`to_writer`] would, in one pass: the
/// wire format's texts (passages, claims, messages) are most of a report's
/// bytes, and `serde_json` looks at each byte in a loop of its own and
/// then hands each stretch between escapes to the formatter, which looks
/// again. Here one word-at-a-time scan finds the bytes JSON or
/// [`needs_escape`] wants escaped, clean stretches are copied whole, and
/// the string goes out as a [`RawValue`](serde_json::value::RawValue), so
/// any `serde_json` serializer writes the same escaped text.
pub fn serialize_text<S: serde::Serializer>(text: &&str, ser: S) -> Result<S::Ok, S::Error> {
    thread_local! {
        static JSON: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    JSON.with_borrow_mut(|json| {
        json.clear();
        json.push('"');
        escape(text, |s| {
            json.push_str(s);
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap_or_else(|never| match never {});
        json.push('"');
        let raw: &serde_json::value::RawValue =
            serde_json::from_str(json).map_err(serde::ser::Error::custom)?;
        raw.serialize(ser)
    })
}

/// Passes the inside of the JSON string of `s` (without its quotation
/// marks) to `put`, a piece at a time, as `serde_json` with
/// [`TerminalSafe`] writes it: `"` and `\\` and the C0 controls as JSON
/// escapes them (`\n`, `\u001b`, …), the [`needs_escape`] code points as
/// `\uXXXX`, every other character as it is.
fn escape<E>(s: &str, mut put: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let bytes = s.as_bytes();
    let (mut run, mut i) = (0, 0);
    loop {
        i = next_special(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        let mut len = 1;
        let u;
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            0..0x20 | 0x7f => {
                u = u_escape(b.into());
                u.as_str()
            }
            0xc2 | 0xe2 => {
                let c = s[i..].chars().next().expect("a character starts here");
                len = c.len_utf8();
                if !needs_escape(c) {
                    i += len;
                    continue;
                }
                u = u_escape(c);
                u.as_str()
            }
            // Not reached: `next_special` stops only at the bytes above.
            _ => {
                i += 1;
                continue;
            }
        };
        put(&s[run..i])?;
        put(escape)?;
        i += len;
        run = i;
    }
    put(&s[run..])
}

/// `\uXXXX` with lowercase hexadecimal digits, as `serde_json` writes
/// control characters; `c` is in the Basic Multilingual Plane.
fn u_escape(c: char) -> UEscape {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let c = c as usize;
    UEscape([
        b'\\',
        b'u',
        HEX[c >> 12 & 15],
        HEX[c >> 8 & 15],
        HEX[c >> 4 & 15],
        HEX[c & 15],
    ])
}

/// The six ASCII bytes of a `\uXXXX` escape.
struct UEscape([u8; 6]);

impl UEscape {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }
}

/// The first byte at or after `from` that is `"`, `\\`, a C0 control, DEL
/// or the lead byte 0xc2 or 0xe2 (with which every [`needs_escape`] code
/// point above DEL starts), or `bytes.len()`. Sixteen bytes at a time
/// with SSE2 (x86-64), eight elsewhere and after them:
/// passages are mostly Arabic letters, two bytes each, none of them here.
fn next_special(bytes: &[u8], mut from: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let mut blocks = bytes[from..].chunks_exact(16);
        for block in &mut blocks {
            // SAFETY: SSE2 is part of x86-64 itself (the target's baseline).
            let hits = unsafe { special_bytes_sse2(block.try_into().expect("sixteen bytes")) };
            if hits != 0 {
                return from + hits.trailing_zeros() as usize;
            }
            from += 16;
        }
    }
    let mut words = bytes[from..].chunks_exact(8);
    for word in &mut words {
        let hits = special_bytes(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        if hits != 0 {
            return from + hits.trailing_zeros() as usize / 8;
        }
        from += 8;
    }
    let rest = words.remainder();
    from + rest
        .iter()
        .position(|&b| SPECIAL[usize::from(b)])
        .unwrap_or(rest.len())
}

/// The high bit of each byte of `x` that [`next_special`] stops at, and
/// perhaps of bytes after the first such (a borrow), never of one before.
fn special_bytes(x: u64) -> u64 {
    /// `b` in every byte.
    const fn all(b: u8) -> u64 {
        u64::from_le_bytes([b; 8])
    }
    let zero = |v: u64| v.wrapping_sub(all(1)) & !v;
    let control = x.wrapping_sub(all(0x20)) & !x;
    // 0xc2 and 0xe2 differ in one bit.
    let lead = zero((x | all(0x20)) ^ all(0xe2));
    let quote = zero(x ^ all(b'"'));
    let backslash = zero(x ^ all(b'\\'));
    let del = zero(x ^ all(0x7f));
    (control | lead | quote | backslash | del) & all(0x80)
}

/// One bit for each byte of `block` that [`next_special`] stops at, with
/// SSE2 (which every x86-64 processor has): sixteen bytes in about as many
/// instructions as [`special_bytes`] takes for eight.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn special_bytes_sse2(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::*;
    let half = |i: usize| i64::from_le_bytes(block[i..i + 8].try_into().expect("eight bytes"));
    let x = _mm_set_epi64x(half(8), half(0));
    let is = |v: __m128i, b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
    // At most 0x1f: the byte's unsigned maximum with 0x1f is 0x1f.
    let control = is(_mm_max_epu8(x, _mm_set1_epi8(0x1f)), 0x1f);
    // 0xc2 and 0xe2 differ in one bit.
    let lead = is(_mm_or_si128(x, _mm_set1_epi8(0x20)), 0xe2);
    let hits = _mm_or_si128(
        _mm_or_si128(control, lead),
        _mm_or_si128(_mm_or_si128(is(x, b'"'), is(x, b'\\')), is(x, 0x7f)),
    );
    _mm_movemask_epi8(hits) as u32
}

/// The bytes [`next_special`] stops at, for the last few of a string.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xe2] = true;
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: &serde_json::Value) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// What the report writes for `s`, from the definition: the JSON
    /// `serde_json` writes, with every [`needs_escape`] code point as
    /// `\uXXXX`.
    fn reference(s: &str) -> String {
        let mut want = String::new();
        for c in serde_json::to_string(s).unwrap().chars() {
            if needs_escape(c) {
                want.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                want.push(c);
            }
        }
        want
    }

    /// A wire struct's text field.
    #[derive(Serialize)]
    struct Text<'a> {
        #[serde(serialize_with = "serialize_text")]
        t: &'a str,
    }

    /// `s` through [`to_writer`], as a plain string and as a text field,
    /// and as a text field through plain `serde_json`, each checked
    /// against [`reference`] and read back.
    fn check_all_paths(s: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let want = reference(s);
        proptest::prop_assert_eq!(json(&serde_json::json!(s)), want.clone());
        let mut field = Vec::new();
        to_writer(&mut field, &Text { t: s }).unwrap();
        let field = String::from_utf8(field).unwrap();
        proptest::prop_assert_eq!(&field, &format!("{{\"t\":{want}}}"));
        proptest::prop_assert_eq!(&serde_json::to_string(&Text { t: s }).unwrap(), &field);
        let back: serde_json::Value = serde_json::from_str(&field).unwrap();
        proptest::prop_assert_eq!(back["t"].as_str(), Some(s));
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The word-at-a-time scan escapes exactly what JSON and
        /// `needs_escape` name, and keeps every other character as it is:
        /// C0 and C1 controls, DEL, quotes, backslashes, the separators and
        /// bidirectional controls among their neighbours (U+2000–U+206F),
        /// Latin-1, Arabic, emoji.
        #[test]
        fn escapes_exactly_the_named_code_points(
            s in "[\\u{0}-\\u{ff}\\u{2000}-\\u{206f}\\u{600}-\\u{6ff}\\u{1f600}-\\u{1f64f}a-z\"\\\\]{0,80}"
        ) {
            check_all_paths(&s)?;
        }

        /// Long clean runs with the odd character to escape, at every
        /// offset of the eight-byte words.
        #[test]
        fn escapes_in_long_arabic_runs(
            s in "([\\u{621}-\\u{64a} ]{0,20}[\\u{0}-\\u{1f}\\u{7f}-\\u{9f}\\u{2028}-\\u{202e}\\u{2066}-\\u{2069}\\u{200f}\\u{201c}\"\\\\_|]?){0,12}"
        ) {
            check_all_paths(&s)?;
        }

        /// Any string at all.
        #[test]
        fn escapes_any_string(s in proptest::prelude::any::<String>()) {
            check_all_paths(&s)?;
        }
    }

    /// Every byte the scan stops at, and its neighbours one apart, at each
    /// lane of a word and in the tail: a zero byte's borrow reaches the
    /// lanes above it, so the first hit, not a later one, must be taken.
    #[test]
    fn every_special_byte_at_every_offset() {
        let specials = [
            "\0", "\u{1}", "\u{1f}", "\"", "\\", "\u{7f}", "\u{85}", "\u{a0}", "\u{2028}",
            "\u{2019}", "_", "|", " ",
        ];
        for len in 0..20 {
            for at in 0..=len {
                for a in specials {
                    for b in specials {
                        let lead = "ب".repeat(at / 2) + &"x".repeat(at % 2);
                        let s = format!("{lead}{a}{b}{}", "x".repeat(len - at));
                        check_all_paths(&s).unwrap();
                    }
                }
            }
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
