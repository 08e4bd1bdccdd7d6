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
    let mut out = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let gap_end = tokens.get(i + 1).map_or(text.len(), |n| n.span.start);
        let gap = &text[t.span.end..gap_end];
        if i + 1 == tokens.len() {
            out.push(Break::Paragraph);
            continue;
        }
        if gap == " " {
            out.push(Break::None);
            continue;
        }
        // One pass over the gap (usually a byte or three).
        let (mut newlines, mut sentence, mut dot, mut clause) = (0, false, false, false);
        for c in gap.chars() {
            match c {
                '\n' => newlines += 1,
                '!' | '?' | '؟' | '؛' | ';' | '…' | '\u{6d4}' => sentence = true,
                '.' => dot = true,
                ',' | '،' | ':' | '(' | ')' | '"' | '“' | '”' | '«' | '»' => clause = true,
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

/// Content-defined chunks as token ranges, covering every token in order.
pub fn chunks(tokens: &[Token], breaks: &[Break]) -> Vec<Range<usize>> {
    let (min_chunk, max_chunk, divisor) = (MIN_CHUNK, MAX_CHUNK, CHUNK_DIVISOR);
    let mut out = Vec::with_capacity(tokens.len() / (min_chunk + divisor as usize) + 1);
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        let len = i + 1 - start;
        let cut = breaks[i] == Break::Paragraph
            || len >= max_chunk
            || (len >= min_chunk && (masked_hash(t) >> 32).is_multiple_of(divisor));
        if cut {
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
