//! The claim tokenizer: words, numbers in digits and single punctuation
//! characters, each with its byte span in the original text and a folded
//! form for matching (see `crate::normalize::fold_char`).
//!
//! Numbers keep their separators here (`18,839,519`, `٢٫٩`, `000ر22`,
//! `80 937`); [`super::number::parse_digits`] gives them a value.

use super::number::digit_value;
use super::words::{self, Found};
use crate::normalize::fold_char;
use std::cell::{Cell, OnceCell};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// Letters (any script), with inner marks.
    Word,
    /// Digits with inner separators.
    Num,
    /// One character that is neither.
    Punct,
}

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: Tok,
    /// First byte in the original text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Folded form (lowercase, Arabic letter forms unified, no tashkeel).
    /// For numbers, the original text.
    pub norm: String,
    /// Whitespace precedes the token.
    pub space_before: bool,
    /// A line break precedes the token.
    pub newline_before: bool,
    /// The original word carries a fathatan (ألفاً: accusative, not dual).
    pub tanween: bool,
    /// The original word is written in capitals (`USD`, `M`).
    pub upper: bool,
    /// [`words::lookup`] of `norm`, made on first use (see [`Token::lex`]).
    lex: OnceCell<Option<Found>>,
    /// Which forms of `norm` head a unit form, made on first use by
    /// `unit::unit_at` ([`UNKNOWN`] until then).
    pub unit_heads: Cell<u8>,
    /// For a word token, set with `unit_heads`: the folded form can start
    /// no figure or date (see [`Token::inert`]).
    inert_word: Cell<bool>,
}

/// `Token::unit_heads` not yet computed.
pub const UNKNOWN: u8 = u8::MAX;

#[cfg(test)]
thread_local! {
    /// Tests: [`Token::inert`] answers false (the scans without the fast
    /// path), to compare with.
    pub static NO_INERT: Cell<bool> = const { Cell::new(false) };
}

/// Whether a word's folded form `norm` (with its [`words::lookup`] and
/// `unit::heads_of` answers) can start no figure and no date: see
/// [`Token::inert`].
fn inert_form(norm: &str, lex: Option<Found>, heads: u8) -> bool {
    lex.is_none()
        && heads == 0
        && !matches!(
            norm,
            "http" | "https" | "www" | "percent" | "percentage" | "a" | "an" | "half" | "quarter"
        )
        && super::figure::ordinal_word(norm).is_none()
        && !super::date::may_start(norm)
}

impl Token {
    /// True when the token is the word `w` (folded).
    pub fn is(&self, w: &str) -> bool {
        self.norm == w
    }
    /// The number word `norm` is, with its attached prefixes
    /// ([`words::lookup`], looked up once per token).
    pub fn lex(&self) -> Option<Found> {
        if let Some(&x) = self.lex.get() {
            return x;
        }
        if self.kind == Tok::Word {
            self.fill_word_info();
        }
        *self.lex.get_or_init(|| words::lookup(&self.norm))
    }

    /// Sets [`Token::lex`], `unit_heads` and whether the form is inert of
    /// a word token from the thread's cache of word answers
    /// ([`word_info`]).
    pub fn fill_word_info(&self) {
        let (lex, heads, inert) = word_info(&self.norm);
        let _ = self.lex.set(lex);
        self.unit_heads.set(heads);
        self.inert_word.set(inert);
    }

    /// True when no figure or date can start at this token: a word whose
    /// folded form is no number word, no unit's first word (with or
    /// without an attached prefix), no ordinal, no first word of a date
    /// and none of the words `figure::figures` tests by name (`a`, `half`,
    /// `percent`, `http`…), not a three-letter capital (an ISO currency
    /// code); or a punctuation character other than `+ < > = %`. Dates and
    /// figures are looked for at every token of their ranges, and most
    /// tokens are such words: each test of `date_at` and `figures` costs
    /// more than this answer, which the thread's word cache holds.
    pub fn inert(&self) -> bool {
        #[cfg(test)]
        if NO_INERT.with(Cell::get) {
            return false;
        }
        match self.kind {
            Tok::Num => false,
            Tok::Punct => !matches!(
                self.norm.as_bytes().first(),
                Some(b'+' | b'<' | b'>' | b'=' | b'%')
            ),
            Tok::Word => {
                if self.unit_heads.get() == UNKNOWN {
                    self.fill_word_info();
                }
                self.inert_word.get()
                    && !(self.upper && self.norm.len() == 3 && self.norm.is_ascii())
            }
        }
    }
    /// True for one of the punctuation characters in `set`.
    pub fn is_punct_in(&self, set: &str) -> bool {
        // (The sets are a few characters: `str::contains` called `memchr`.)
        self.kind == Tok::Punct
            && self
                .norm
                .chars()
                .next()
                .is_some_and(|c| set.chars().any(|s| s == c))
    }
}

/// The number-word lookup ([`words::lookup`]) and the unit heads
/// (`unit::heads_of`) of a word token's folded form `norm`, from a cache
/// each thread keeps across documents ([`WordCache`]).
fn word_info(norm: &str) -> (Option<Found>, u8, bool) {
    with_word_cache(|c| c.get(norm))
}

/// Fills the word answers ([`Token::fill_word_info`]) of every word token
/// of `toks` not yet filled, with one access to the thread's cache: the
/// scans ask [`Token::inert`] of nearly every token of their ranges, and
/// a token at a time the access (the thread-local key, the `RefCell`, the
/// closure's call) cost more than the cache's answer (c4k: 120 of the 200
/// instructions of each of 950,000 answers).
pub fn fill_words(toks: &[Token]) {
    with_word_cache(|c| {
        for t in toks {
            if t.kind == Tok::Word && t.unit_heads.get() == UNKNOWN {
                let (lex, heads, inert) = c.get(&t.norm);
                let _ = t.lex.set(lex);
                t.unit_heads.set(heads);
                t.inert_word.set(inert);
            }
        }
    })
}

/// A cache of word answers: a direct-mapped table of the words last
/// seen, keyed by the whole folded form (words longer than its keys are
/// answered directly). Both answers depend on the form alone; most word
/// tokens of news are frequent words, and a hash and a comparison cost
/// less than the endings filters and hashes of the two.
///
/// 16,384 slots of 48 bytes (768 KiB a thread): 8,192 missed one word in
/// eight (c20k: 726,000 of 5.9 million, each answered for ~500
/// instructions); 16,384 cost c4k 19 M instructions less for 0.85 MB more
/// c20k peak, 32,768 12 M less again (c20k 0.09 G) for 1.5 MB more.
struct WordCache(Vec<Slot>);

#[derive(Clone, Copy)]
struct Slot {
    /// [`packed_key`] of the word, with its heads in the top byte.
    key: [u64; 3],
    lex: Option<Found>,
}
const _: () = assert!(std::mem::size_of::<Slot>() == 48);
const _: () = assert!(super::unit::HEAD_BITS & WordCache::INERT == 0);

/// `f` with this thread's [`WordCache`] (made on first use).
fn with_word_cache<R>(f: impl FnOnce(&mut WordCache) -> R) -> R {
    thread_local! {
        static CACHE: std::cell::RefCell<WordCache> = const { std::cell::RefCell::new(WordCache(Vec::new())) };
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.0.is_empty() {
            let empty = Slot {
                key: [0; 3],
                lex: None,
            };
            c.0.resize(1 << WordCache::SLOTS_LOG, empty);
        }
        f(&mut c)
    })
}

impl WordCache {
    const SLOTS_LOG: u32 = 14;
    /// `Slot::key`'s byte that holds the unit heads, with [`Self::INERT`]
    /// set when the form is inert (a flag of its own made the slot 56
    /// bytes).
    const HEADS_SHIFT: u32 = 56;
    /// The heads' bit that holds whether the form is inert: the unit
    /// heads use bits 0 to 5 (the word and its five `unit::PREFIXES`).
    const INERT: u8 = 0x80;

    /// The answers for `norm`: the slot's, or made and kept. Inline in
    /// [`fill_words`]'s loop (called, it returned its answers through
    /// memory).
    #[inline(always)]
    fn get(&mut self, norm: &str) -> (Option<Found>, u8, bool) {
        let b = norm.as_bytes();
        if b.is_empty() || b.len() > KEY {
            return word_info_direct(norm);
        }
        let key = packed_key(b);
        let h = key.iter().fold(0u64, |h, &w| {
            (h.rotate_left(5) ^ w).wrapping_mul(words::WordHasher::K)
        });
        let s = (h >> (64 - Self::SLOTS_LOG)) as usize;
        let slot = &mut self.0[s];
        if slot.key[0] == key[0]
            && slot.key[1] == key[1]
            && slot.key[2] & !(0xff << Self::HEADS_SHIFT) == key[2]
        {
            let heads = (slot.key[2] >> Self::HEADS_SHIFT) as u8;
            return (slot.lex, heads & !Self::INERT, heads & Self::INERT != 0);
        }
        let (lex, heads, inert) = word_info_direct(norm);
        let mut key = key;
        key[2] |= u64::from(heads | if inert { Self::INERT } else { 0 }) << Self::HEADS_SHIFT;
        *slot = Slot { key, lex };
        (lex, heads, inert)
    }
}

/// [`word_info`] of `norm` without the cache: out of line, so that the
/// cache's answer (nine words in ten) is read inline.
#[cold]
#[inline(never)]
fn word_info_direct(norm: &str) -> (Option<Found>, u8, bool) {
    let (lex, heads) = (words::lookup(norm), super::unit::heads_of(norm, true));
    debug_assert_eq!(heads & !super::unit::HEAD_BITS, 0);
    (lex, heads, inert_form(norm, lex, heads))
}

/// The longest folded form [`word_info`] keeps (longer ones are rare).
const KEY: usize = 22;

/// A word of 1 to [`KEY`] bytes as three little-endian words: its bytes
/// zero-padded to 22, then its length (byte 22), and byte 23 zero. Read
/// with overlapping loads and shifts: the copy of the word into a padded
/// key was a call to `memcpy`, and its comparison one to `bcmp`.
fn packed_key(b: &[u8]) -> [u64; 3] {
    let n = b.len();
    debug_assert!((1..=KEY).contains(&n));
    let at8 = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    // The bytes from `from` to the end, fewer than eight (`n - 8 < from`).
    let tail = |from: usize| at8(n - 8) >> (8 * (from + 8 - n));
    let mut w = if n >= 16 {
        [at8(0), at8(8), if n > 16 { tail(16) } else { 0 }]
    } else if n > 8 {
        [at8(0), tail(8), 0]
    } else if n == 8 {
        [at8(0), 0, 0]
    } else if n >= 4 {
        let at4 =
            |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
        // Bytes 4.. of the last four, above the first four.
        [at4(0) | (at4(n - 4) >> (8 * (8 - n))) << 32, 0, 0]
    } else {
        [b.iter().rev().fold(0, |v, &x| v << 8 | u64::from(x)), 0, 0]
    };
    w[2] |= (n as u64) << 48;
    w
}

/// `char::is_alphabetic`, with ASCII and the Arabic block answered from a
/// table: the standard lookup is a binary search that took 45% of claim
/// extraction on Arabic news.
pub fn is_alpha(c: char) -> bool {
    match c as u32 {
        0..=0x7f => c.is_ascii_alphabetic(),
        0x600..=0x6ff => arabic_alpha()[c as usize - 0x600],
        _ => c.is_alphabetic(),
    }
}

/// `char::is_alphabetic` of U+0600 + i, for i below 256.
pub fn arabic_alpha() -> &'static [bool; 256] {
    static ARABIC: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    ARABIC.get_or_init(|| {
        let mut t = [false; 256];
        for (i, x) in t.iter_mut().enumerate() {
            *x = char::from_u32(0x600 + i as u32).is_some_and(char::is_alphabetic);
        }
        t
    })
}

/// `char::is_uppercase`, answered without the table for ASCII and the
/// Arabic block (which has no capitals).
fn is_upper(c: char) -> bool {
    match c as u32 {
        0..=0x7f => c.is_ascii_uppercase(),
        0x600..=0x6ff => false,
        _ => c.is_uppercase(),
    }
}

/// What the tokenizer needs of a character below U+0700 (ASCII, Latin,
/// Greek, Cyrillic, Hebrew, Arabic), tabled once from the same functions
/// it would call.
#[derive(Clone, Copy)]
struct LowChar {
    /// `is_word_char`.
    word: bool,
    /// Skipped between tokens (`is_skipped`).
    skip: bool,
    /// Counts as space before the next token (`is_space`).
    space: bool,
    /// A line break (`\n`, `\r`).
    newline: bool,
    /// A digit (`digit_value`: all its digits are below U+0700).
    digit: bool,
    /// `is_upper`.
    upper: bool,
    /// It folds to itself alone.
    same: bool,
    /// A word character that folds to itself alone: inside a word, it
    /// changes only `upper` (the word loop's fast path).
    plain: bool,
    /// How many characters it folds to (`u8::MAX`: more than two, call
    /// `fold_char`).
    n: u8,
    /// What it folds to.
    folded: [char; 2],
}

/// The [`LowChar`] table, indexed by code point.
fn low_chars() -> &'static [LowChar] {
    static T: std::sync::OnceLock<Vec<LowChar>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        (0..0x700u32)
            .map(|u| {
                let c = char::from_u32(u).unwrap_or('\0');
                let mut folded = ['\0'; 2];
                let mut n = 0usize;
                fold_char(c, &mut |f| {
                    if n < 2 {
                        folded[n] = f;
                    }
                    n += 1;
                });
                LowChar {
                    word: is_word_char(c),
                    skip: is_skipped(c),
                    space: is_space(c),
                    newline: c == '\n' || c == '\r',
                    digit: digit_value(c).is_some(),
                    upper: is_upper(c),
                    same: n == 1 && folded[0] == c,
                    plain: is_word_char(c) && n == 1 && folded[0] == c,
                    n: if n <= 2 { n as u8 } else { u8::MAX },
                    folded,
                }
            })
            .collect()
    })
}

/// Skipped between tokens: white space, controls and invisible characters.
fn is_skipped(c: char) -> bool {
    c.is_whitespace() || c.is_control() || is_invisible(c)
}

/// A skipped character that separates tokens (not an invisible one).
fn is_space(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// The character at byte `pos` of `text` (a character boundary before its
/// end) and its length: ASCII and two-byte characters decoded from the
/// bytes, longer ones by the standard decoder.
#[inline(always)]
fn char_at(text: &str, pos: usize) -> (char, usize) {
    let b = text.as_bytes();
    let b0 = b[pos];
    if b0 < 0x80 {
        return (char::from(b0), 1);
    }
    if b0 < 0xe0
        && let Some(&b1) = b.get(pos + 1)
    {
        let u = u32::from(b0 & 0x1f) << 6 | u32::from(b1 & 0x3f);
        return (char::from_u32(u).unwrap_or('\u{fffd}'), 2);
    }
    let c = text[pos..].chars().next().unwrap_or('\u{fffd}');
    (c, c.len_utf8())
}

/// Letters and the marks that stay inside a word.
fn is_word_char(c: char) -> bool {
    (is_alpha(c) && digit_value(c).is_none())
        || matches!(
            c,
            '\u{064b}'..='\u{065f}' | '\u{0670}' | '\u{0640}' | '\u{200c}' | '\u{200d}'
        )
}

/// Invisible characters skipped between tokens (direction marks, BOM…).
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{ad}' | '\u{61c}')
}

/// Length in bytes of a digit run at the start of `s` (0 when none).
fn digit_run(s: &str) -> (usize, usize) {
    let mut bytes = 0;
    let mut count = 0;
    for c in s.chars() {
        if digit_value(c).is_some() {
            bytes += c.len_utf8();
            count += 1;
        } else {
            break;
        }
    }
    (bytes, count)
}

/// Scans a number starting at `start` (a digit), returning its end.
fn scan_number(text: &str, start: usize) -> usize {
    let (b, mut last_group) = digit_run(&text[start..]);
    let mut end = start + b;
    let mut seps = 0;
    loop {
        let rest = &text[end..];
        let mut chars = rest.chars();
        let Some(s) = chars.next() else { break };
        let after = &rest[s.len_utf8()..];
        match s {
            '.' | ',' | '٫' | '٬' | '،' | 'ر' => {
                // A hidden right-to-left mark may sit between a separator
                // and the digits ("6.\u{200f}2").
                let skip = if after.starts_with('\u{200f}') && s == '.' {
                    3
                } else {
                    0
                };
                let (db, dc) = digit_run(&after[skip..]);
                if db == 0 {
                    break;
                }
                // The SPA `ر` and the Arabic comma only sit between digits.
                end += s.len_utf8() + skip + db;
                last_group = dc;
                seps += 1;
            }
            ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' => {
                // A space as thousands separator: groups of exactly three
                // digits after a first group of one to three.
                let (db, dc) = digit_run(after);
                let next_is_digit_or_word = after[db..]
                    .chars()
                    .next()
                    .is_some_and(|c| digit_value(c).is_some() || c == ',' && seps > 0);
                if dc == 3
                    && last_group <= 3
                    && (seps == 0 || last_group == 3)
                    && !next_is_digit_or_word
                    && !text[start..end].contains(['.', ',', '٫', '٬', '،', 'ر'])
                {
                    end += s.len_utf8() + db;
                    last_group = dc;
                    seps += 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    end
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let n = tokenize_into(text, &mut out);
    out.truncate(n);
    out
}

/// Splits `text` into tokens written over `out` from its start: the
/// tokens are `out[..n]` for the `n` returned. The tokens already in `out`
/// (from an earlier text) are reused with their folded-form buffers, so a
/// thread that tokenizes document after document allocates almost nothing:
/// a string per token was a tenth of claim extraction.
///
/// Characters below U+0700 are classified and folded from a table; a run
/// of characters that fold to themselves is copied into the folded form at
/// once.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) -> usize {
    let mut at = Resume::default();
    let mut n = 0;
    while next_token(text, &mut at, out, n) {
        n += 1;
    }
    n
}

/// Where the tokenizer is in a text: between two tokens, at byte `pos`,
/// with what it has skipped since the last token.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Resume {
    /// The next byte to read.
    pub pos: usize,
    /// Whitespace was skipped since the last token.
    pub space: bool,
    /// A line break was skipped since the last token.
    pub newline: bool,
}

/// Where the tokenizer of the whole of `text` is when it reaches byte
/// `p`, for a `p` that no token crosses: `p` is 0, or follows an ASCII
/// white space and starts no digit (a token holds a white space only in
/// a number whose digits go on right after it). `None` for another `p`.
pub fn resume_at(text: &str, p: usize) -> Option<Resume> {
    if p == 0 {
        return Some(Resume::default());
    }
    let b = text.as_bytes();
    if !matches!(b.get(p - 1), Some(b' ' | b'\n' | b'\t' | b'\r'))
        || text[p..]
            .chars()
            .next()
            .is_some_and(|c| digit_value(c).is_some())
    {
        return None;
    }
    // What was skipped since the last token: the skipped characters
    // before `p` (no token ends with one).
    let newline = text[..p]
        .chars()
        .rev()
        .take_while(|&c| is_skipped(c))
        .any(|c| c == '\n' || c == '\r' || c == '\u{2029}');
    Some(Resume {
        pos: p,
        space: true,
        newline,
    })
}

/// Reads the next token of `text` from `at` into `out[n]` (reused or
/// pushed): false at the end of the text. From the start of a text, or
/// from a [`resume_at`] point, it gives the tokens the whole text's
/// tokenizer gives there.
#[inline(always)]
pub fn next_token(text: &str, at: &mut Resume, out: &mut Vec<Token>, n: usize) -> bool {
    let table = low_chars();
    let len = text.len();
    let Resume {
        mut pos,
        mut space,
        mut newline,
    } = *at;
    let bytes = text.as_bytes();
    while pos < len {
        let start = pos;
        // A space (one between tokens, nearly always) without the
        // character's table entry: its three flags are known.
        if bytes[pos] == b' ' {
            space = true;
            pos += 1;
            continue;
        }
        let (c, clen) = char_at(text, pos);
        let low = table.get(c as usize);
        let (skip, is_sp, is_nl) = match low {
            Some(e) => (e.skip, e.space, e.newline),
            None => (is_skipped(c), is_space(c), c == '\u{2029}'),
        };
        if skip {
            space |= is_sp;
            newline |= is_nl;
            pos += clen;
            continue;
        }
        let t = slot(out, n);
        t.start = start;
        t.space_before = space;
        t.newline_before = newline;
        t.tanween = false;
        t.upper = false;
        let (word, digit) = match low {
            Some(e) => (e.word, e.digit),
            None => (is_word_char(c), digit_value(c).is_some()),
        };
        // (A word character is no digit, nor `.` or `٫`: words are
        // answered first, most tokens being words. The test of a leading
        // decimal point is a call made for `.` and `٫` alone: as a closure
        // its captures were stored for every token.)
        if !word && (digit || matches!(c, '.' | '٫') && leading_decimal(text, start, clen, space))
        {
            let from = if digit { start } else { start + clen };
            t.kind = Tok::Num;
            t.end = scan_number(text, from);
            t.norm.push_str(&text[start..t.end]);
        } else if word {
            // One pass over the word: its end, folded form and flags.
            let mut end = start;
            let mut tanween = false;
            let mut upper = true;
            let norm = &mut t.norm;
            // Start of the characters read that fold to themselves and
            // are not yet in `norm`.
            let mut same_from = start;
            while end < len {
                // Fast path: a one- or two-byte character that is a word
                // character folding to itself (most letters of a word)
                // changes only `upper`: no tanween, nothing to fold.
                let b0 = bytes[end];
                let (u, l) = if b0 < 0x80 {
                    (usize::from(b0), 1)
                } else if b0 < 0xe0
                    && let Some(&b1) = bytes.get(end + 1)
                {
                    (usize::from(b0 & 0x1f) << 6 | usize::from(b1 & 0x3f), 2)
                } else {
                    (usize::MAX, 0)
                };
                if let Some(e) = table.get(u)
                    && e.plain
                {
                    upper &= e.upper;
                    end += l;
                    continue;
                }
                let (ch, chl) = char_at(text, end);
                if let Some(e) = table.get(ch as usize) {
                    if !e.word {
                        break;
                    }
                    upper = upper && e.upper;
                    if !e.same {
                        norm.push_str(&text[same_from..end]);
                        if e.n == u8::MAX {
                            fold_char(ch, &mut |f| norm.push(f));
                        } else {
                            for &f in &e.folded[..usize::from(e.n)] {
                                norm.push(f);
                            }
                        }
                        same_from = end + chl;
                    }
                } else {
                    if !is_word_char(ch) {
                        break;
                    }
                    upper = upper && is_upper(ch);
                    norm.push_str(&text[same_from..end]);
                    fold_char(ch, &mut |f| norm.push(f));
                    same_from = end + chl;
                }
                end += chl;
                tanween |= ch == '\u{64b}';
            }
            push_run(norm, &text[same_from..end]);
            t.kind = Tok::Word;
            t.end = end;
            t.tanween = tanween;
            t.upper = upper;
        } else {
            t.kind = Tok::Punct;
            t.end = start + clen;
            fold_char(c, &mut |f| t.norm.push(f));
        }
        // A token made only of dropped marks (a lone tatweel) is kept, with
        // its original text as the folded form, so no token is empty.
        if t.norm.is_empty() {
            t.norm.push_str(&text[start..t.end]);
        }
        *at = Resume {
            pos: t.end,
            space: false,
            newline: false,
        };
        return true;
    }
    *at = Resume {
        pos,
        space,
        newline,
    };
    false
}

/// Whether the `.` or `٫` of `clen` bytes at `start` starts a number
/// (`.5`): at the text's start or after a space (`space`), before a digit.
#[inline(never)]
fn leading_decimal(text: &str, start: usize, clen: usize, space: bool) -> bool {
    (start == 0 || space)
        && text[start + clen..]
            .chars()
            .next()
            .is_some_and(|d| digit_value(d).is_some())
}

/// `norm.push_str(run)`, with a run of up to 16 bytes (a word's, nearly
/// always) copied by two overlapping loads and stores of its first and
/// last bytes instead of a call to `memcpy` (c4k: 30 instructions of the
/// ~250 of each of 1.3 million tokens).
#[inline(always)]
fn push_run(norm: &mut String, run: &str) {
    let n = run.len();
    if n > 16 {
        norm.push_str(run);
        return;
    }
    norm.reserve(n);
    let src = run.as_bytes();
    // SAFETY: `reserve` left room for `n` more bytes after the `len`
    // held; the stores write bytes `len..len + n` only (the two halves
    // overlap when `n` is not a power of two), all copied from `run`,
    // which is UTF-8 and appended whole: `norm` stays UTF-8.
    unsafe {
        let v = norm.as_mut_vec();
        let len = v.len();
        let dst = v.as_mut_ptr().add(len);
        let p = src.as_ptr();
        if n >= 8 {
            let a = p.cast::<u64>().read_unaligned();
            let b = p.add(n - 8).cast::<u64>().read_unaligned();
            dst.cast::<u64>().write_unaligned(a);
            dst.add(n - 8).cast::<u64>().write_unaligned(b);
        } else if n >= 4 {
            let a = p.cast::<u32>().read_unaligned();
            let b = p.add(n - 4).cast::<u32>().read_unaligned();
            dst.cast::<u32>().write_unaligned(a);
            dst.add(n - 4).cast::<u32>().write_unaligned(b);
        } else if n > 0 {
            // One to three bytes: first, middle (or first), last.
            *dst = src[0];
            *dst.add(n / 2) = src[n / 2];
            *dst.add(n - 1) = src[n - 1];
        }
        v.set_len(len + n);
    }
}

/// Token `n` of `out`, cleared for reuse (its buffer kept), or a new one.
fn slot(out: &mut Vec<Token>, n: usize) -> &mut Token {
    if n == out.len() {
        out.push(Token {
            kind: Tok::Punct,
            start: 0,
            end: 0,
            norm: String::with_capacity(16),
            space_before: false,
            newline_before: false,
            tanween: false,
            upper: false,
            lex: OnceCell::new(),
            unit_heads: Cell::new(UNKNOWN),
            inert_word: Cell::new(false),
        });
    } else {
        let t = &mut out[n];
        t.norm.clear();
        t.lex = OnceCell::new();
        t.unit_heads.set(UNKNOWN);
    }
    &mut out[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_alphabetic_is_the_standard_one() {
        for u in 0..0x800u32 {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(is_alpha(c), c.is_alphabetic(), "U+{u:04X}");
            }
        }
    }

    #[test]
    fn table_uppercase_is_the_standard_one() {
        for u in 0..0x800u32 {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(is_upper(c), c.is_uppercase(), "U+{u:04X}");
            }
        }
    }

    /// The tokenizer before the table of skipped characters and the
    /// copied runs: what `tokenize_into` must agree with.
    fn tokenize_into_reference(text: &str, out: &mut Vec<Token>) -> usize {
        let mut n = 0;
        let mut pos = 0;
        let mut space = false;
        let mut newline = false;
        while let Some(c) = text[pos..].chars().next() {
            let start = pos;
            if c.is_whitespace() || c.is_control() || is_invisible(c) {
                space |= c.is_whitespace() || c.is_control();
                newline |= c == '\n' || c == '\r' || c == '\u{2029}';
                pos += c.len_utf8();
                continue;
            }
            let leading_decimal = matches!(c, '.' | '٫')
                && text[start + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(|d| digit_value(d).is_some())
                && (start == 0 || space);
            let t = slot(out, n);
            n += 1;
            t.start = start;
            t.space_before = space;
            t.newline_before = newline;
            t.tanween = false;
            t.upper = false;
            if digit_value(c).is_some() || leading_decimal {
                let from = if leading_decimal {
                    start + c.len_utf8()
                } else {
                    start
                };
                t.kind = Tok::Num;
                t.end = scan_number(text, from);
                t.norm.push_str(&text[start..t.end]);
            } else if is_word_char(c) {
                // One pass over the word: its end, folded form and flags.
                let mut end = start;
                let mut tanween = false;
                let mut upper = true;
                let norm = &mut t.norm;
                let table = low_chars();
                for ch in text[start..].chars() {
                    if let Some(e) = table.get(ch as usize) {
                        // ASCII to the Arabic block: from the table.
                        if !e.word {
                            break;
                        }
                        if e.n == u8::MAX {
                            fold_char(ch, &mut |f| norm.push(f));
                        } else {
                            for &f in &e.folded[..usize::from(e.n)] {
                                norm.push(f);
                            }
                        }
                    } else {
                        if !is_word_char(ch) {
                            break;
                        }
                        fold_char(ch, &mut |f| norm.push(f));
                    }
                    end += ch.len_utf8();
                    tanween |= ch == '\u{64b}';
                    upper = upper && is_upper(ch);
                }
                t.kind = Tok::Word;
                t.end = end;
                t.tanween = tanween;
                t.upper = upper;
            } else {
                t.kind = Tok::Punct;
                t.end = start + c.len_utf8();
                fold_char(c, &mut |f| t.norm.push(f));
            }
            // A token made only of dropped marks (a lone tatweel) is kept, with
            // its original text as the folded form, so no token is empty.
            if t.norm.is_empty() {
                t.norm.push_str(&text[start..t.end]);
            }
            space = false;
            newline = false;
            pos = t.end;
        }
        n
    }

    /// The fields of a token: kind, start, end, folded form and flags.
    type Fields = (Tok, usize, usize, String, bool, bool, bool, bool);

    fn token_fields(t: &Token) -> Fields {
        let t = t.clone();
        (
            t.kind,
            t.start,
            t.end,
            t.norm,
            t.space_before,
            t.newline_before,
            t.tanween,
            t.upper,
        )
    }

    /// Every field of the tokens of `s`.
    fn fields(s: &str, f: fn(&str, &mut Vec<Token>) -> usize) -> Vec<Fields> {
        let mut buf = Vec::new();
        // Twice over the same buffer: reused tokens must come out the same.
        f("Old words ٣٤ and «كلمات»", &mut buf);
        let n = f(s, &mut buf);
        buf[..n].iter().map(token_fields).collect()
    }

    #[test]
    fn same_tokens_as_the_reference_on_the_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = vec![
            "İstanbul ß ǅ ﻻ ﷲ …«قال» \u{200f}الوزير... ok\u{2029}\u{ad}ـ ـًـ .5 ٫٧ 1 500 000 元"
                .to_string(),
        ];
        let mut dirs = vec![root.join("seeds"), root.join("fixtures")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if let Ok(t) = std::fs::read_to_string(&p) {
                    texts.push(t);
                }
            }
        }
        assert!(texts.len() > 10, "fixtures and seeds not found");
        for t in &texts {
            assert!(
                fields(t, tokenize_into) == fields(t, tokenize_into_reference),
                "{t}"
            );
        }
    }

    /// From every point `resume_at` accepts, `next_token` gives the whole
    /// text's tokens (the next few, every field).
    fn resumes_agree(t: &str) -> usize {
        let whole = fields(t, tokenize_into);
        let mut checked = 0;
        let mut buf = Vec::new();
        for p in 0..=t.len() {
            let Some(mut at) = resume_at(t, p) else {
                continue;
            };
            let mut n = 0;
            while n < 4 && next_token(t, &mut at, &mut buf, n) {
                n += 1;
            }
            let k = whole.partition_point(|f| f.1 < p);
            let got: Vec<Fields> = buf[..n].iter().map(token_fields).collect();
            assert_eq!(got, whole[k..(k + 4).min(whole.len())], "from {p} of {t:?}");
            checked += 1;
        }
        checked
    }

    #[test]
    fn resumed_tokens_are_the_whole_texts() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = vec![
            "1 500 000 people\n\n 12 000 and  \u{200f} \r\n٣ ٤٥٦ x .5 .\u{200f}5 ٫٧ y".to_string(),
        ];
        for d in ["seeds", "fixtures/claims/articles"] {
            for e in std::fs::read_dir(root.join(d))
                .into_iter()
                .flatten()
                .flatten()
            {
                texts.push(std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
        let checked: usize = texts.iter().map(|t| resumes_agree(t)).sum();
        assert!(checked > 1000, "only {checked} points");
    }

    proptest::proptest! {
        #[test]
        fn any_resumed_tokens_are_the_whole_texts(chars in proptest::collection::vec(
            proptest::sample::select(vec![
                'a', 'Z', '0', '7', '٣', '.', ',', '٫', 'ر', 'و', 'ـ', '\u{64b}', ' ', ' ', ' ',
                '\u{a0}', '\u{202f}', '\u{2009}', '\n', '\r', '\t', '\u{2029}', '\u{200f}',
                '\u{ad}', '%', '"', '«',
            ]),
            0..50,
        )) {
            let s: String = chars.into_iter().collect();
            resumes_agree(&s);
        }
    }

    proptest::proptest! {
        /// `push_run` appends what `push_str` appends, after any held
        /// text and at any capacity.
        #[test]
        fn runs_pushed_as_push_str(held in "[a-zé]{0,20}", run in "[a-zA-Zء-ي0-9 é😀]{0,12}", cap in 0usize..40) {
            let mut got = String::with_capacity(cap);
            got.push_str(&held);
            push_run(&mut got, &run);
            proptest::prop_assert_eq!(got, format!("{held}{run}"));
        }

        #[test]
        fn packed_keys_are_the_padded_bytes(b in proptest::collection::vec(proptest::num::u8::ANY, 1..=KEY)) {
            let mut padded = [0u8; 24];
            padded[..b.len()].copy_from_slice(&b);
            padded[22] = b.len() as u8;
            let want: Vec<u64> = padded
                .chunks(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .collect();
            proptest::prop_assert_eq!(packed_key(&b).to_vec(), want);
        }
    }

    #[test]
    fn cached_word_answers_are_the_direct_ones() {
        let mut text = String::from(
            "ألف آلاف مليونين بالدولار للجنود زيارتين والخمسين thousand dollars km a an",
        );
        for f in ["seeds", "fixtures/claims"] {
            let d = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(f);
            for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
                text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
        let toks = tokenize(&text);
        // Twice: filled, then answered from the cache (or its slots
        // taken over by other words).
        for _ in 0..2 {
            for t in toks.iter().filter(|t| t.kind == Tok::Word) {
                let (lex, heads) = (
                    words::lookup(&t.norm),
                    crate::claims::unit::heads_of(&t.norm, true),
                );
                let direct = (lex, heads, inert_form(&t.norm, lex, heads));
                assert_eq!(word_info(&t.norm), direct, "{}", t.norm);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn same_tokens_as_the_reference(chars in proptest::collection::vec(
            proptest::sample::select(vec![
                'a', 'Z', 'i', 'İ', 'ß', 'É', 'ǅ', 'Σ', 'я', 'א', '元', '😀', '0', '7', '٣', '۷',
                '.', ',', '٫', '٬', '،', 'ر', 'و', 'ا', 'أ', 'ة', 'ى', 'ﻻ', 'ـ', '\u{64b}', '\u{650}',
                '\u{670}', ' ', '\u{a0}', '\u{202f}', '\n', '\r', '\t', '\u{2029}', '\u{200f}',
                '\u{200c}', '\u{ad}', '\u{feff}', '\u{61c}', '\u{1}', '%', '$', '-', '–', '"', '«',
                '…', '/', '\u{6d6}', 'ۀ', '\u{85}',
            ]),
            0..40,
        )) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(fields(&s, tokenize_into), fields(&s, tokenize_into_reference));
        }
    }

    fn toks(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| &s[t.start..t.end]).collect()
    }

    #[test]
    fn numbers_and_words() {
        assert_eq!(toks("بـ4.4 مليار"), ["بـ", "4.4", "مليار"]);
        assert_eq!(toks("4عقارات"), ["4", "عقارات"]);
        assert_eq!(toks("1 500 000 people"), ["1 500 000", "people"]);
        assert_eq!(toks("80 937 شخصا"), ["80 937", "شخصا"]);
        assert_eq!(toks("000ر22 ريال"), ["000ر22", "ريال"]);
        assert_eq!(toks("157،7 مليون"), ["157،7", "مليون"]);
        assert_eq!(toks("$2.5bn."), ["$", "2.5", "bn", "."]);
        assert_eq!(toks("6.\u{200f}2%"), ["6.\u{200f}2", "%"]);
        assert_eq!(toks("1, 234, 567"), ["1", ",", "234", ",", "567"]);
        assert_eq!(toks("عام 2015 100 شخص"), ["عام", "2015", "100", "شخص"]);
    }
}
