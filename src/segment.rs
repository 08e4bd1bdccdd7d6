//! Segmentation: sentence units (what passages grow from) and
//! content-defined chunks (the seeds of matching).
//!
//! **Units.** A sentence ends at `. ! ? ؟ ؛ …` or a line break, also when
//! scraped Arabic text has no space after the full stop ("أمريكي.وكانت").
//! A `.` inside a number (2.9) is part of the number token, and a `.` after
//! a single letter or a known abbreviation (Mr., U.S.) does not end one.
//! Arabic wire text often runs a paragraph without a full stop, so a unit
//! longer than [`MAX_UNIT_TOKENS`] is cut at its last comma before the
//! limit, or at the limit.
//!
//! **Chunks.** Each document's tokens are cut into chunks of
//! [`MIN_CHUNK`]..=[`MAX_CHUNK`] tokens after any token whose hash is
//! 0 mod [`CHUNK_DIVISOR`] (numbers count with their masked hash), and at
//! every paragraph break. Cuts depend only on the tokens themselves, so an
//! inserted or deleted word changes only its own chunk and the copies of a
//! passage resynchronize right after an edit (content-defined chunking, as
//! in rsync or LBFS).

use crate::document::Span;
use crate::normalize::Token;
use std::ops::Range;

/// Longest sentence unit, in tokens, before it is cut. 40 tokens is about
/// two lines of news prose; Arabic wire paragraphs without punctuation run
/// to 150 and more.
pub const MAX_UNIT_TOKENS: usize = 40;
/// Shortest chunk, in tokens (except at a paragraph's end).
///
/// Chunk sizes were chosen on the peers' generated corpus (4,000 documents,
/// 1,229 planted pairs at Jaccard >= 0.5, strict scoring): 4–12 tokens with
/// divisor 5 (mean ~9) found 79% of them, 3–10/4 88%, 3–8/3 (mean ~5.5)
/// 93%, 2–8/2 94% at twice the records and three times the time. Short
/// chunks resynchronize sooner after an edit, so more of an edited copy
/// survives as exact seeds.
pub const MIN_CHUNK: usize = 3;
/// Longest chunk, in tokens.
pub const MAX_CHUNK: usize = 8;
/// A chunk ends after a token whose hash is 0 modulo this, so chunks are
/// about `MIN_CHUNK + CHUNK_DIVISOR` tokens long on average.
pub const CHUNK_DIVISOR: u64 = 3;

/// What separates token `i` from token `i + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Break {
    /// Nothing special (spaces, commas inside a sentence).
    None,
    /// A comma or similar: a place to cut a long unit.
    Clause,
    /// A sentence end.
    Sentence,
    /// A blank line (or more).
    Paragraph,
}

/// The break after each token (the last token gets `Paragraph`).
pub fn breaks(text: &str, tokens: &[Token]) -> Vec<Break> {
    let mut out = Vec::new();
    breaks_into(text, tokens, &mut out);
    out
}

/// What a byte of a gap between tokens says about the break (see
/// [`breaks_into`]): ASCII marks directly, [`LEAD`] for the first byte of a
/// multi-byte mark (« » ، ؛ ؟ ۔ “ ” …), which the next bytes decide.
const GAP_NL: u8 = 1;
const GAP_SENTENCE: u8 = 2;
const GAP_DOT: u8 = 4;
const GAP_CLAUSE: u8 = 8;
const LEAD: u8 = 16;
const GAP_CLASS: [u8; 256] = {
    let mut t = [0; 256];
    t[b'\n' as usize] = GAP_NL;
    t[b'!' as usize] = GAP_SENTENCE;
    t[b'?' as usize] = GAP_SENTENCE;
    t[b';' as usize] = GAP_SENTENCE;
    t[b'.' as usize] = GAP_DOT;
    t[b',' as usize] = GAP_CLAUSE;
    t[b':' as usize] = GAP_CLAUSE;
    t[b'(' as usize] = GAP_CLAUSE;
    t[b')' as usize] = GAP_CLAUSE;
    t[b'"' as usize] = GAP_CLAUSE;
    t[0xc2] = LEAD;
    t[0xd8] = LEAD;
    t[0xdb] = LEAD;
    t[0xe2] = LEAD;
    t
};

/// The marks of the multi-byte character whose lead byte is `x`, followed
/// by `y` and `z` (0 past the gap's end).
#[inline]
fn gap_lead(x: u8, y: u8, z: u8) -> u8 {
    match (x, y, z) {
        (0xd8, 0x9f, _) | (0xd8, 0x9b, _) | (0xdb, 0x94, _) | (0xe2, 0x80, 0xa6) => GAP_SENTENCE,
        (0xc2, 0xab, _) | (0xc2, 0xbb, _) | (0xd8, 0x8c, _) | (0xe2, 0x80, 0x9c | 0x9d) => {
            GAP_CLAUSE
        }
        _ => 0,
    }
}

/// [`breaks`] into `out` (cleared first), reusing its allocation.
///
/// Each gap between two tokens is read byte by byte through a table: a
/// blank line (two newlines) is a paragraph break; a newline, `! ? ; ؟ ؛ ۔
/// …` a sentence end; a `.` one too unless the token before it is an
/// abbreviation; `, : ( ) " « » ، “ ”` a clause break. A property test
/// checks it against the per-character version it replaced.
pub fn breaks_into(text: &str, tokens: &[Token], out: &mut Vec<Break>) {
    out.clear();
    out.reserve(tokens.len());
    let b = text.as_bytes();
    for (i, pair) in tokens.windows(2).enumerate() {
        let (gs, ge) = (pair[0].span.end, pair[1].span.start);
        if ge == gs + 1 && b[gs] == b' ' {
            out.push(Break::None);
            continue;
        }
        let (mut newlines, mut marks) = (0u32, 0u8);
        let mut j = gs;
        while j < ge {
            let c = GAP_CLASS[usize::from(b[j])];
            if c == GAP_NL {
                newlines += 1;
            } else if c == LEAD {
                let at = |k: usize| if k < ge { b[k] } else { 0 };
                marks |= gap_lead(b[j], at(j + 1), at(j + 2));
            } else {
                marks |= c;
            }
            j += 1;
        }
        let br = if newlines >= 2 {
            Break::Paragraph
        } else if newlines == 1 || marks & GAP_SENTENCE != 0 {
            Break::Sentence
        } else if marks & GAP_DOT != 0 {
            if is_abbreviation(tokens[i].span.slice(text)) {
                Break::None
            } else {
                Break::Sentence
            }
        } else if marks & GAP_CLAUSE != 0 {
            Break::Clause
        } else {
            Break::None
        };
        out.push(br);
    }
    if !tokens.is_empty() {
        out.push(Break::Paragraph);
    }
}

/// A `.` after these does not end a sentence.
fn is_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_alphabetic() && c.is_ascii(); // U.S., J. Smith
    }
    const ABBR: &[&str] = &[
        "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen",
        "rep", "rev", "jr", "sr", "inc", "ltd", "co", "corp", "no", "vs", "etc", "jan", "feb",
        "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "dept", "est", "fig",
        "mt",
    ];
    word.len() <= 6 && ABBR.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Sentence units as token ranges, covering every token in order.
pub fn units(breaks: &[Break]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut last_clause = None;
    for (i, &b) in breaks.iter().enumerate() {
        let len = i + 1 - start;
        if b >= Break::Sentence {
            out.push(start..i + 1);
            start = i + 1;
            last_clause = None;
            continue;
        }
        if b == Break::Clause {
            last_clause = Some(i + 1);
        }
        if len >= MAX_UNIT_TOKENS {
            // Cut at the last clause break if it leaves a reasonable unit.
            let cut = match last_clause {
                Some(c) if c - start >= MAX_UNIT_TOKENS / 3 => c,
                _ => i + 1,
            };
            out.push(start..cut);
            start = cut;
            last_clause = None;
        }
    }
    if start < breaks.len() {
        out.push(start..breaks.len());
    }
    out
}

/// The hash a token takes part in chunking and fingerprints with: numbers
/// are masked, so a changed figure changes neither.
#[inline]
pub fn masked_hash(t: &Token) -> u64 {
    if t.number {
        crate::fingerprint::NUMBER_FEATURE_HASH
    } else {
        t.hash
    }
}

/// Whether a chunk of `len` tokens ends after a token with masked hash
/// `hash` followed by break `brk` (see [`chunks`]).
#[inline(always)]
pub fn cuts_after(len: usize, hash: u64, brk: Break) -> bool {
    brk == Break::Paragraph
        || len >= MAX_CHUNK
        || (len >= MIN_CHUNK && (hash >> 32).is_multiple_of(CHUNK_DIVISOR))
}

/// Content-defined chunks as token ranges, covering every token in order.
pub fn chunks(tokens: &[Token], breaks: &[Break]) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(tokens.len() / (MIN_CHUNK + CHUNK_DIVISOR as usize) + 1);
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if cuts_after(i + 1 - start, masked_hash(t), breaks[i]) {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

/// The original bytes covered by tokens `r`.
pub fn span_of(tokens: &[Token], r: &Range<usize>) -> Span {
    Span::new(tokens[r.start].span.start, tokens[r.end - 1].span.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tokenize;
    use proptest::prelude::*;

    fn unit_texts(text: &str) -> Vec<String> {
        let toks = tokenize(text);
        let br = breaks(text, &toks);
        units(&br)
            .iter()
            .map(|r| span_of(&toks, r).slice(text).to_string())
            .collect()
    }

    #[test]
    fn sentences_arabic_and_latin() {
        assert_eq!(
            unit_texts("وجود ألف جندي أمريكي.وكانت زيارة"),
            vec!["وجود ألف جندي أمريكي", "وكانت زيارة"]
        );
        assert_eq!(unit_texts("هل جاء؟ نعم"), vec!["هل جاء", "نعم"]);
        assert_eq!(
            unit_texts("It rose 2.9 percent. Mr. Smith said so."),
            vec!["It rose 2.9 percent", "Mr. Smith said so"]
        );
        assert_eq!(unit_texts("The U.S. army left"), vec!["The U.S. army left"]);
        assert_eq!(unit_texts("a\n\nb"), vec!["a", "b"]);
    }

    fn check_breaks(text: &str) {
        let toks = tokenize(text);
        assert_eq!(
            breaks(text, &toks),
            reference::breaks(text, &toks),
            "text {text:?}"
        );
    }

    /// Text made of the characters the breaks look at, and their neighbours.
    fn gap_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            prop::sample::select(vec![
                " ", "  ", "\n", "\r\n", "\n\n", ".", ",", "!", "?", ";", ":", "(", ")", "\"", "؟",
                "؛", "۔", "…", "،", "“", "”", "«", "»", "‘", "’", "—", "\u{200f}", "\u{640}",
                "\u{64e}", "ؠ", "ڟ", "ۓ", "ۗ", "«", "¬", "¯", "‣", "⁄", "Mr", "U", "S", "co", "2",
                "9", "٫", "٢", "a", "b", "ب", "ة", "ﷺ", "e\u{301}", "😀",
            ])
            .prop_map(String::from),
            any::<char>().prop_map(String::from),
            "[a-z]{1,5}",
        ];
        prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn breaks_equal_reference(s in gap_text()) {
            let toks = tokenize(&s);
            prop_assert_eq!(breaks(&s, &toks), reference::breaks(&s, &toks), "text {:?}", s);
        }

        #[test]
        fn breaks_equal_reference_any_unicode(s in any::<String>()) {
            let toks = tokenize(&s);
            prop_assert_eq!(breaks(&s, &toks), reference::breaks(&s, &toks), "text {:?}", s);
        }
    }

    /// Real text: the repository's seeds and fixtures, and the first MB of
    /// SaudiNewsNet when `../shared` is present.
    #[test]
    fn breaks_equal_reference_on_real_text() {
        use std::io::BufRead;
        let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for dir in ["fixtures", "seeds"] {
            let mut stack = vec![repo.join(dir)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if let Ok(t) = std::fs::read_to_string(&p) {
                        check_breaks(&t);
                        n += 1;
                    }
                }
            }
        }
        assert!(n > 10, "fixtures/ and seeds/ hold text");
        let snn = repo.join("../shared/corpora/saudinewsnet/articles.jsonl.gz");
        let Ok(f) = std::fs::File::open(&snn) else {
            eprintln!("skipped SaudiNewsNet: {} is absent", snn.display());
            return;
        };
        let rd = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f));
        let mut total = 0;
        for line in rd.lines() {
            let v: serde_json::Value = serde_json::from_str(&line.expect("gzip")).expect("JSON");
            if let Some(t) = v.get("content").and_then(|c| c.as_str()) {
                check_breaks(t);
                total += t.len();
            }
            if total > 1_000_000 {
                break;
            }
        }
    }

    #[test]
    fn tokens_sharing_a_character_do_not_panic() {
        // ㏠ folds to "1日": a number and a word with the same span (the
        // per-character breaks sliced `end..start` and panicked).
        let text = "on ㏠ January";
        let toks = tokenize(text);
        assert_eq!(toks[1].span, toks[2].span);
        assert_eq!(breaks(text, &toks).len(), toks.len());
    }

    #[test]
    fn long_units_are_cut() {
        let text = (0..100)
            .map(|i| "w".repeat(i % 7 + 1))
            .collect::<Vec<_>>()
            .join(" ");
        let toks = tokenize(&text);
        let u = units(&breaks(&text, &toks));
        assert!(u.iter().all(|r| r.len() <= MAX_UNIT_TOKENS));
        assert_eq!(u.iter().map(|r| r.len()).sum::<usize>(), 100);
    }

    #[test]
    fn chunks_resync_after_an_edit() {
        let letters = |mut n: usize| {
            let mut w = String::new();
            loop {
                w.push((b'a' + (n % 26) as u8) as char);
                n /= 26;
                if n == 0 {
                    break w;
                }
            }
        };
        let base: Vec<String> = (0..200).map(|i| letters(i * 7919 % 5000)).collect();
        let mut edited = base.clone();
        edited.insert(50, "inserted".into());
        let c = |ws: &[String]| {
            let text = ws.join(" ");
            let toks = tokenize(&text);
            let br = breaks(&text, &toks);
            chunks(&toks, &br)
                .iter()
                .map(|r| toks[r.clone()].iter().map(|t| t.hash).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        };
        let (a, b) = (c(&base), c(&edited));
        let shared = a.iter().filter(|x| b.contains(x)).count();
        assert!(
            shared + 3 >= a.len(),
            "only {shared} of {} chunks survive one insert",
            a.len()
        );
        assert!(a.iter().all(|x| x.len() <= MAX_CHUNK));
    }
}

/// The breaks as first written, one character at a time: the fast
/// [`breaks_into`] must give exactly these.
#[cfg(test)]
pub(crate) mod reference {
    use super::{Break, is_abbreviation};
    use crate::normalize::Token;

    pub fn breaks(text: &str, tokens: &[Token]) -> Vec<Break> {
        let mut out = Vec::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            let gap_end = tokens.get(i + 1).map_or(text.len(), |n| n.span.start);
            // As first written this sliced `end..start` and panicked when a
            // character folds to a number and a word (㏠ → "1日": two tokens
            // with the same span); such a gap is empty.
            let gap = &text[t.span.end..gap_end.max(t.span.end)];
            if i + 1 == tokens.len() {
                out.push(Break::Paragraph);
                continue;
            }
            if gap == " " {
                out.push(Break::None);
                continue;
            }
            let (mut newlines, mut sentence, mut dot, mut clause) = (0, false, false, false);
            for c in gap.chars() {
                match c {
                    '\n' => newlines += 1,
                    '!' | '?' | '؟' | '؛' | ';' | '…' | '\u{6d4}' => sentence = true,
                    '.' => dot = true,
                    ',' | '،' | ':' | '(' | ')' | '"' | '“' | '”' | '«' | '»' => {
                        clause = true
                    }
                    _ => {}
                }
            }
            let b = if newlines >= 2 {
                Break::Paragraph
            } else if newlines == 1 || sentence {
                Break::Sentence
            } else if dot {
                if is_abbreviation(t.span.slice(text)) {
                    Break::None
                } else {
                    Break::Sentence
                }
            } else if clause {
                Break::Clause
            } else {
                Break::None
            };
            out.push(b);
        }
        out
    }
}
