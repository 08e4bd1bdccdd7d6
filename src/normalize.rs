//! Normalization for matching (never for display), and tokenization.
//!
//! Each character of the original text is folded on its own into zero or
//! more characters ([`fold_char`]): compatibility decomposition (NFKD, so
//! presentation forms and ligatures become plain letters), case folding,
//! Latin and Arabic diacritics removed, tatweel and direction marks removed,
//! Arabic letter forms unified (أ إ آ ٱ → ا, ى → ي, ة → ه, ی ک → ي ك),
//! Arabic-Indic and Persian digits → ASCII, quote marks and dashes unified.
//! Because folding is per character, every normalized byte maps back to the
//! original character it came from ([`NormalizedText::map`]).
//!
//! [`tokenize`] splits text into words and numbers with their original byte
//! spans and a 64-bit hash of the normalized token (the hash the `simhash`
//! crate gives the token as a feature, see `crate::fingerprint`).

use crate::document::Span;
use std::hash::Hasher;
use unicode_normalization::char::decompose_compatible;

/// Text folded for matching, with a map back to the original.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NormalizedText {
    /// The folded text.
    pub text: String,
    /// `map[i]` is the original byte offset of the character that produced
    /// normalized byte `i`; `map[text.len()]` is the original length.
    pub map: Vec<usize>,
}

impl NormalizedText {
    /// The original span of normalized bytes `start..end`.
    pub fn original_span(&self, start: usize, end: usize, original: &str) -> Span {
        let s = self.map[start];
        // The end is the end of the original character of the last byte.
        let e = if end == start {
            s
        } else {
            let last = self.map[end - 1];
            last + original[last..].chars().next().map_or(0, char::len_utf8)
        };
        Span::new(s, e)
    }
}

/// Folds `text` for matching, keeping the byte map.
pub fn normalize(text: &str) -> NormalizedText {
    let mut out = NormalizedText {
        text: String::with_capacity(text.len()),
        map: Vec::with_capacity(text.len() + 1),
    };
    for (i, c) in text.char_indices() {
        fold_char(c, &mut |f| {
            out.text.push(f);
            out.map.extend(std::iter::repeat_n(i, f.len_utf8()));
        });
    }
    out.map.push(text.len());
    out
}

/// Folds one character, calling `emit` for each character it becomes.
#[inline]
pub fn fold_char(c: char, emit: &mut impl FnMut(char)) {
    if c.is_ascii() {
        return emit(c.to_ascii_lowercase());
    }
    if let Some(f) = fold_arabic(c) {
        if f != '\0' {
            emit(f);
        }
        return;
    }
    match c {
        // Direction marks and isolates, zero-width joiners, BOM, soft hyphen.
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
        | '\u{ad}' => {}
        '“' | '”' | '„' | '‟' | '«' | '»' | '″' | '〝' | '〞' | '＂' => emit('"'),
        '‘' | '’' | '‚' | '‛' | '‹' | '›' | '′' | '`' | '´' => emit('\''),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹘' | '﹣' | '－' => emit('-'),
        '…' => {
            emit('.');
            emit('.');
            emit('.');
        }
        _ => decompose_compatible(c, |d| {
            if is_dropped_mark(d) {
                return;
            }
            if let Some(f) = fold_arabic(d) {
                if f != '\0' {
                    emit(f);
                }
                return;
            }
            if d.is_ascii() {
                emit(d.to_ascii_lowercase())
            } else {
                for l in d.to_lowercase() {
                    emit(l)
                }
            }
        }),
    }
}

/// Arabic-block folding: `Some('\0')` drops the character, `Some(f)`
/// replaces it, `None` leaves it to the general path.
#[inline]
fn fold_arabic(c: char) -> Option<char> {
    let f = match c {
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0672}' | '\u{0673}' => 'ا',
        '\u{0649}' | '\u{06cc}' | '\u{06d2}' => 'ي',
        '\u{0629}' => 'ه',
        '\u{06a9}' | '\u{06aa}' => 'ك',
        // Tashkeel, superscript alef, Quranic marks, tatweel, ALM.
        '\u{064b}'..='\u{065f}'
        | '\u{0670}'
        | '\u{06d6}'..='\u{06ed}'
        | '\u{0640}'
        | '\u{061c}' => '\0',
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x660) as u8),
        '\u{06f0}'..='\u{06f9}' => char::from(b'0' + (c as u32 - 0x6f0) as u8),
        '\u{066b}' => '.', // Arabic decimal separator
        '\u{066c}' => ',', // Arabic thousands separator
        '\u{060c}' => ',', // Arabic comma
        '\u{061b}' => ';', // Arabic semicolon
        '\u{061f}' => '?', // Arabic question mark
        '\u{0621}'..='\u{064a}' => c,
        _ => return None,
    };
    Some(f)
}

/// Combining marks removed for matching: Latin/Greek/Cyrillic diacritics.
#[inline]
fn is_dropped_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// One word or number of the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Original bytes.
    pub span: Span,
    /// SipHash of the normalized token, exactly as the `simhash` crate
    /// hashes a feature string.
    pub hash: u64,
    /// The token is a number (its digits are masked in fingerprints).
    pub number: bool,
}

/// What a folded character is, for tokenization.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Word,
    Digit,
    Other,
}

#[inline]
fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if c.is_ascii_alphabetic()
        || matches!(c, '\u{0621}'..='\u{064a}' | '\u{066e}'..='\u{066f}' | '\u{0671}'..='\u{06d3}')
    {
        Class::Word
    } else if c.is_ascii() {
        Class::Other
    } else if c.is_alphanumeric() || is_word_mark(c) {
        Class::Word
    } else {
        Class::Other
    }
}

/// Marks that belong inside a word (the vowel signs of Indic scripts…).
fn is_word_mark(c: char) -> bool {
    !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control() && {
        // General category M*: approximated by the combining-mark ranges
        // that survive folding; punctuation and symbols are not marks.
        matches!(c as u32, 0x0900..=0x109f)
    }
}

/// A hasher that gives exactly the feature hash of the `simhash` crate
/// (SipHash-2-4 with zero keys over the string's bytes and a 0xff marker).
pub fn feature_hash(token: &str) -> u64 {
    let mut h = siphasher::sip::SipHasher::default();
    h.write(token.as_bytes());
    h.write_u8(0xff);
    h.finish()
}

/// The tokenizer's state between characters.
struct Tokenizer<'o> {
    out: &'o mut Vec<Token>,
    buf: &'o mut String,
    /// Start byte and class of the token being built.
    cur: Option<(usize, Class)>,
    /// A `.`/`,` seen right after digits: part of the number if a digit follows.
    pending_sep: Option<char>,
    /// End byte of the token being built.
    end: usize,
}

impl Tokenizer<'_> {
    #[inline]
    fn flush(&mut self) {
        if let Some((start, cls)) = self.cur.take()
            && !self.buf.is_empty()
        {
            self.out.push(Token {
                span: Span::new(start, self.end),
                hash: feature_hash(self.buf),
                number: cls == Class::Digit,
            });
        }
        self.buf.clear();
        self.pending_sep = None;
    }

    /// A character that folding removed (mark, tatweel, direction mark):
    /// it belongs to the token it sits in.
    #[inline]
    fn dropped(&mut self, next_end: usize) {
        if self.cur.is_some() && self.pending_sep.is_none() {
            self.end = next_end;
        }
    }

    /// Feeds folded character `f` of class `cls`, from the original
    /// character at `i..next_end`.
    #[inline]
    fn feed(&mut self, i: usize, next_end: usize, f: char, cls: Class) {
        match (self.cur, cls) {
            (Some((_, Class::Digit)), Class::Digit) => {
                if let Some(s) = self.pending_sep.take() {
                    self.buf.push(s);
                }
                self.buf.push(f);
                self.end = next_end;
            }
            (Some((_, Class::Digit)), Class::Other)
                if self.pending_sep.is_none() && matches!(f, '.' | ',') =>
            {
                self.pending_sep = Some(f);
            }
            (Some((_, Class::Word)), Class::Word) => {
                self.buf.push(f);
                self.end = next_end;
            }
            (_, Class::Other) => self.flush(),
            (_, cls) => {
                self.flush();
                self.cur = Some((i, cls));
                self.buf.push(f);
                self.end = next_end;
            }
        }
    }
}

/// Tokens of `text`: maximal runs of word characters, or of digits with
/// single `.`/`,` separators between digits (so "2.9" and "18,839,519" are
/// one token). A letter–digit boundary splits ("بـ4.4" → "ب", "4.4").
/// `buf` is scratch space, reused across calls.
///
/// ASCII and plain Arabic letters take a fast path (no Unicode tables);
/// everything else goes through [`fold_char`]. Both give the same tokens
/// (a property test checks it).
pub fn tokenize_into(text: &str, out: &mut Vec<Token>, buf: &mut String) {
    out.clear();
    buf.clear();
    let mut tk = Tokenizer {
        out,
        buf,
        cur: None,
        pending_sep: None,
        end: 0,
    };
    for (i, c) in text.char_indices() {
        let next_end = i + c.len_utf8();
        if c.is_ascii() {
            let cls = if c.is_ascii_alphabetic() {
                Class::Word
            } else if c.is_ascii_digit() {
                Class::Digit
            } else {
                Class::Other
            };
            tk.feed(i, next_end, c.to_ascii_lowercase(), cls);
            continue;
        }
        if ('\u{0621}'..='\u{064a}').contains(&c) {
            match fold_arabic(c) {
                Some('\0') => tk.dropped(next_end),
                Some(f) => tk.feed(i, next_end, f, Class::Word),
                None => unreachable!("the Arabic letter block is folded by fold_arabic"),
            }
            continue;
        }
        tokenize_slow(&mut tk, i, next_end, c);
    }
    tk.flush();
}

/// The general path of [`tokenize_into`] for one character.
fn tokenize_slow(tk: &mut Tokenizer<'_>, i: usize, next_end: usize, c: char) {
    let mut folded = [char::from(0); 8];
    let mut n = 0;
    fold_char(c, &mut |f| {
        if n < folded.len() {
            folded[n] = f;
            n += 1;
        }
    });
    if n == 0 {
        return tk.dropped(next_end);
    }
    for &f in &folded[..n] {
        let cls = class(f);
        // Inside one character's expansion (ﷺ → several words), only
        // word characters count: a token never splits an original char.
        if n > 1 && cls == Class::Other {
            continue;
        }
        tk.feed(i, next_end, f, cls);
    }
}

/// Tokens of `text` (see [`tokenize_into`]).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, &mut out, &mut String::new());
    out
}

/// The normalized form of one token's original text (for display in tests
/// and messages).
pub fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut |f| out.push(f));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.span.slice(text)).collect()
    }

    #[test]
    fn arabic_folding() {
        assert_eq!(fold_str("أإآٱ"), "اااا");
        assert_eq!(fold_str("مدرسة"), "مدرسه");
        assert_eq!(fold_str("مستشفى"), "مستشفي");
        // Tashkeel (U+064E fatha, U+0651 shadda) and tatweel (U+0640) vanish.
        assert_eq!(fold_str("مُحَمَّد"), "محمد");
        assert_eq!(fold_str("بـ"), "ب");
        assert_eq!(fold_str("٢٫٩"), "2.9");
        assert_eq!(fold_str("۱۲۳"), "123");
        assert_eq!(fold_str("ی ک"), "ي ك");
    }

    #[test]
    fn latin_and_marks() {
        assert_eq!(fold_str("Café"), "cafe");
        assert_eq!(fold_str("“quoted” — «x»"), "\"quoted\" - \"x\"");
        // U+200F RLM and U+200E LRM are removed.
        assert_eq!(fold_str("a\u{200f}b\u{200e}c"), "abc");
        assert_eq!(fold_str("ﻻ"), "لا"); // presentation form ligature
    }

    #[test]
    fn map_points_to_original() {
        let t = "أُمّة 2";
        let n = normalize(t);
        assert_eq!(n.text, "امه 2");
        assert_eq!(n.map.len(), n.text.len() + 1);
        let sp = n.original_span(0, n.text.find(' ').unwrap(), t);
        assert_eq!(sp.slice(t), "أُمّة");
    }

    #[test]
    fn token_rules() {
        assert_eq!(
            words("بـ4.4 مليار، و18,839,519 شخصا."),
            vec!["بـ", "4.4", "مليار", "و", "18,839,519", "شخصا"]
        );
        assert_eq!(words("in 2008. Then"), vec!["in", "2008", "Then"]);
        assert_eq!(words("٢٫٩ مليار"), vec!["٢٫٩", "مليار"]);
        assert_eq!(words("mother-in-law's"), vec!["mother", "in", "law", "s"]);
    }

    #[test]
    fn tokens_equal_across_notation() {
        let a = tokenize("أكثر من ألف جندي أمريكي");
        let b = tokenize("اكثر من الف جندي امريكي");
        assert_eq!(
            a.iter().map(|t| t.hash).collect::<Vec<_>>(),
            b.iter().map(|t| t.hash).collect::<Vec<_>>()
        );
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "ا",
            "أ",
            "ب",
            "ة",
            "ى",
            "\u{64e}",
            "\u{651}",
            "\u{640}",
            "٣",
            "٫",
            "٬",
            "۵",
            "1",
            ".",
            ",",
            " ",
            "\n",
            "\r\n",
            "\u{200f}",
            "\u{200e}",
            "\u{61c}",
            "\u{2067}",
            "\u{200d}",
            "\u{200c}",
            "e\u{301}",
            "\0",
            "A",
            "z",
            "“",
            "»",
            "ﻻ",
            "ﷺ",
            "İ",
            "ß",
            "क्ष",
            "😀",
            "-",
            "…",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn map_is_monotonic_and_in_bounds(s in text_strategy()) {
            let n = normalize(&s);
            prop_assert_eq!(n.map.len(), n.text.len() + 1);
            prop_assert!(n.map.windows(2).all(|w| w[0] <= w[1]));
            prop_assert!(n.map.iter().all(|&m| m <= s.len() && s.is_char_boundary(m)));
        }

        #[test]
        fn normalize_is_idempotent(s in text_strategy()) {
            let once = normalize(&s).text;
            prop_assert_eq!(normalize(&once).text, once);
        }

        #[test]
        fn fast_path_equals_general_path(s in text_strategy()) {
            let fast = tokenize(&s);
            let mut out = Vec::new();
            let mut buf = String::new();
            let mut tk = Tokenizer { out: &mut out, buf: &mut buf, cur: None, pending_sep: None, end: 0 };
            for (i, c) in s.char_indices() { tokenize_slow(&mut tk, i, i + c.len_utf8(), c); }
            tk.flush();
            prop_assert_eq!(fast, out);
        }

        #[test]
        fn token_spans_in_bounds_sorted(s in text_strategy()) {
            let toks = tokenize(&s);
            let mut last = 0;
            for t in &toks {
                prop_assert!(t.span.start >= last && t.span.start < t.span.end && t.span.end <= s.len());
                prop_assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
                last = t.span.end;
            }
        }
    }
}
