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

/// The feature hash the `simhash` crate gives a token: SipHash-2-4 with
/// zero keys over the string's bytes followed by a 0xff marker byte (how
/// `str` feeds a `Hasher`).
#[inline]
pub fn feature_hash(token: &str) -> u64 {
    feature_hash_bytes(token.as_bytes())
}

/// [`feature_hash`] of a token given as UTF-8 bytes: SipHash-2-4 (zero
/// keys) of `token ++ [0xff]`, without copying the token (a test checks it
/// against the `siphasher` crate for every length up to 64).
#[inline]
pub fn feature_hash_bytes(token: &[u8]) -> u64 {
    let mut s = Sip24::new();
    let mut blocks = token.chunks_exact(8);
    for b in &mut blocks {
        s.compress(u64::from_le_bytes(b.try_into().expect("8 bytes")));
    }
    let rem = blocks.remainder();
    let mut last = 0u64;
    for (j, &x) in rem.iter().enumerate() {
        last |= u64::from(x) << (8 * j);
    }
    // The marker byte follows the token's bytes.
    last |= 0xff << (8 * rem.len());
    let total = token.len() as u64 + 1;
    if rem.len() == 7 {
        // The marker completes a block; the length goes in one of its own.
        s.compress(last);
        last = 0;
    }
    s.compress(last | (total & 0xff) << 56);
    s.finish()
}

/// SipHash-2-4 state with zero keys.
#[derive(Clone, Copy)]
struct Sip24 {
    v0: u64,
    v1: u64,
    v2: u64,
    v3: u64,
}

impl Sip24 {
    #[inline]
    fn new() -> Self {
        Sip24 {
            v0: 0x736f_6d65_7073_6575,
            v1: 0x646f_7261_6e64_6f6d,
            v2: 0x6c79_6765_6e65_7261,
            v3: 0x7465_6462_7974_6573,
        }
    }

    #[inline(always)]
    fn round(&mut self) {
        self.v0 = self.v0.wrapping_add(self.v1);
        self.v1 = self.v1.rotate_left(13) ^ self.v0;
        self.v0 = self.v0.rotate_left(32);
        self.v2 = self.v2.wrapping_add(self.v3);
        self.v3 = self.v3.rotate_left(16) ^ self.v2;
        self.v0 = self.v0.wrapping_add(self.v3);
        self.v3 = self.v3.rotate_left(21) ^ self.v0;
        self.v2 = self.v2.wrapping_add(self.v1);
        self.v1 = self.v1.rotate_left(17) ^ self.v2;
        self.v2 = self.v2.rotate_left(32);
    }

    #[inline(always)]
    fn compress(&mut self, m: u64) {
        self.v3 ^= m;
        self.round();
        self.round();
        self.v0 ^= m;
    }

    #[inline(always)]
    fn finish(mut self) -> u64 {
        self.v2 ^= 0xff;
        self.round();
        self.round();
        self.round();
        self.round();
        self.v0 ^ self.v1 ^ self.v2 ^ self.v3
    }
}

/// Token classes as bytes, for the tables of the fast path.
const WORD: u8 = 0;
const DIGIT: u8 = 1;
const OTHER: u8 = 2;
/// Folding removes the character (a mark, tatweel, a direction mark).
const DROPPED: u8 = 3;
/// Not in the tables (or not an ASCII byte, in [`ASCII_CLASS`]): take the
/// general path.
const SLOW: u8 = 4;
/// The character folds to several characters: its word and digit
/// characters are in [`FoldTables::parts`].
const MULTI: u8 = 5;
/// No token is being built.
const NONE: u8 = 255;

impl Class {
    fn code(self) -> u8 {
        match self {
            Class::Word => WORD,
            Class::Digit => DIGIT,
            Class::Other => OTHER,
        }
    }
}

/// What one original character folds to, for the fast path: its class
/// (or [`DROPPED`] / [`MULTI`]) and its one folded char.
#[derive(Clone, Copy)]
struct Fold {
    kind: u8,
    /// The folded char's UTF-8 length; for [`MULTI`], how many parts.
    len: u8,
    /// The folded char's UTF-8 bytes, little-endian; for [`MULTI`], the
    /// index of its first part.
    bytes: u32,
}

/// A character of a [`MULTI`] fold: its UTF-8 bytes (little-endian), their
/// number and its class.
type Part = (u32, u8, u8);

impl Fold {
    /// Computed by the general path itself ([`fold_char`], [`class`]), so
    /// the table cannot disagree with it; a character that folds to
    /// several gets the parts [`tokenize_slow`] would feed appended to
    /// `parts`.
    fn of(c: char, parts: &mut Vec<Part>) -> Fold {
        let mut folded = ['\0'; 8];
        let mut n = 0;
        fold_char(c, &mut |f| {
            if n < folded.len() {
                folded[n] = f;
                n += 1;
            }
        });
        match n {
            0 => Fold {
                kind: DROPPED,
                len: 0,
                bytes: 0,
            },
            1 => {
                let (bytes, len) = utf8_le(folded[0]);
                Fold {
                    kind: class(folded[0]).code(),
                    len: len as u8,
                    bytes,
                }
            }
            _ => {
                let first = parts.len();
                for &f in &folded[..n] {
                    // As in `tokenize_slow`: only word characters and
                    // digits of an expansion count.
                    let cls = class(f);
                    if cls != Class::Other {
                        let (bytes, len) = utf8_le(f);
                        parts.push((bytes, len as u8, cls.code()));
                    }
                }
                Fold {
                    kind: MULTI,
                    len: (parts.len() - first) as u8,
                    bytes: first as u32,
                }
            }
        }
    }
}

/// The blocks of 3-byte characters in [`FoldTables::three`]: Latin
/// Extended Additional (transliterated Arabic names: ḥ ṣ ḍ), General
/// Punctuation (quotes, dashes, direction marks) and the presentation forms
/// and specials (ligatures, ﷺ, BOM, U+FFFD).
const THREE: [(u32, u32); 3] = [(0x1e00, 0x1f00), (0x2000, 0x2080), (0xfb00, 0x1_0000)];

/// The index in [`FoldTables::three`] of the 3-byte character `x y z`, if
/// its block is there.
#[inline(always)]
fn three_byte(x: u8, y: u8, z: u8) -> Option<usize> {
    let cp = (u32::from(x & 0x0f) << 12) | (u32::from(y & 0x3f) << 6) | u32::from(z & 0x3f);
    let mut base = 0;
    for (from, to) in THREE {
        if (from..to).contains(&cp) {
            return Some((base + cp - from) as usize);
        }
        base += to - from;
    }
    None
}

/// Fold tables of the fast path: every 2-byte UTF-8 character
/// (U+0080..U+07FF: Latin-1, Latin Extended, Greek, Cyrillic, Hebrew,
/// Arabic) and the blocks of 3-byte characters in [`THREE`].
struct FoldTables {
    /// Indexed by the 11 payload bits of the two bytes ([`two_byte`]), so
    /// that no index can be out of bounds; entries below U+0080 are unused.
    two: Box<[Fold; 2048]>,
    /// The blocks of [`THREE`], one after the other ([`three_byte`]).
    three: Vec<Fold>,
    /// The characters of [`MULTI`] folds.
    parts: Vec<Part>,
}

/// The characters of the Arabic block (U+0600..U+06FF) that fold to
/// themselves and are word characters: the letters of the Arabic alphabet
/// but for those that folding unifies, Persian and Urdu letters, a few
/// signs. A test checks the list against [`fold_char`] both ways.
const SAME_ARABIC: [(u32, u32); 18] = [
    (0x0610, 0x061a),
    (0x0620, 0x0621),
    (0x0624, 0x0624),
    (0x0626, 0x0628),
    (0x062a, 0x063f),
    (0x0641, 0x0648),
    (0x064a, 0x064a),
    (0x066e, 0x066f),
    (0x0674, 0x0674),
    (0x0679, 0x06a8),
    (0x06ab, 0x06bf),
    (0x06c1, 0x06c1),
    (0x06c3, 0x06cb),
    (0x06cd, 0x06d1),
    (0x06d5, 0x06d5),
    (0x06ee, 0x06ef),
    (0x06fa, 0x06fc),
    (0x06ff, 0x06ff),
];

/// The Arabic letters that folding unifies with another letter, which is
/// a word character too: (from, to, folded).
const UNIFIED_ARABIC: [(u32, u32, u32); 8] = [
    (0x0622, 0x0623, 0x0627),
    (0x0625, 0x0625, 0x0627),
    (0x0629, 0x0629, 0x0647),
    (0x0649, 0x0649, 0x064a),
    (0x0671, 0x0673, 0x0627),
    (0x06a9, 0x06aa, 0x0643),
    (0x06cc, 0x06cc, 0x064a),
    (0x06d2, 0x06d2, 0x064a),
];

/// The 2-byte UTF-8 sequence of `cp` as `x << 8 | y`.
const fn two_bytes_of(cp: u32) -> usize {
    ((0xc0 | cp >> 6) << 8 | (0x80 | cp & 0x3f)) as usize
}

/// `ARABIC[x << 8 | y]`: if the two bytes `x y` are an Arabic letter that
/// folds to one word character of two bytes (its own, [`SAME_ARABIC`], or
/// the one folding unifies it with, [`UNIFIED_ARABIC`]), those folded bytes
/// as a little-endian `u16`; otherwise 0. Indexed by any two bytes, so one
/// load answers both questions of a word run (go on? which bytes?), and a
/// run does not stop at ة or أ; a constant, so of its 128 KiB only the
/// pages of the Arabic block's entries are ever read into memory. A test
/// checks it against [`fold_char`].
static ARABIC: [u16; 1 << 16] = {
    let mut t = [0u16; 1 << 16];
    let mut r = 0;
    while r < SAME_ARABIC.len() {
        let (mut cp, to) = SAME_ARABIC[r];
        while cp <= to {
            let k = two_bytes_of(cp);
            t[k] = ((k >> 8) | (k & 0xff) << 8) as u16;
            cp += 1;
        }
        r += 1;
    }
    let mut r = 0;
    while r < UNIFIED_ARABIC.len() {
        let (mut cp, to, f) = UNIFIED_ARABIC[r];
        let k = two_bytes_of(f);
        while cp <= to {
            t[two_bytes_of(cp)] = ((k >> 8) | (k & 0xff) << 8) as u16;
            cp += 1;
        }
        r += 1;
    }
    t
};

fn fold_tables() -> &'static FoldTables {
    static TABLES: std::sync::LazyLock<FoldTables> = std::sync::LazyLock::new(|| {
        let mut parts = Vec::new();
        let mut of = |cp: u32| Fold::of(char::from_u32(cp).expect("a scalar value"), &mut parts);
        let two: Box<[Fold; 2048]> = Box::new(std::array::from_fn(|cp| of(cp as u32)));
        let three = THREE
            .iter()
            .flat_map(|&(from, to)| from..to)
            .map(&mut of)
            .collect();
        FoldTables { two, three, parts }
    });
    &TABLES
}

/// Class of each ASCII byte ([`SLOW`] for the bytes of other characters).
const ASCII_CLASS: [u8; 256] = {
    let mut t = [SLOW; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        if b.is_ascii_alphabetic() {
            t[i] = WORD;
        } else if b.is_ascii_digit() {
            t[i] = DIGIT;
        } else {
            t[i] = OTHER;
        }
        i += 1;
    }
    t
};

/// A hash over 8-byte little-endian blocks, for [`Stream`].
trait BlockHash: Copy {
    /// Whether finished hashes of short tokens are worth caching
    /// ([`HashCache`]).
    const CACHED: bool;
    /// Whether tokens are hashed at all ([`NoHash`] says no: the stream
    /// then does nothing, and the compiler drops what feeds it).
    const HASHED: bool = true;
    fn new() -> Self;
    fn compress(&mut self, m: u64);
    fn finish(self) -> u64;
}

impl BlockHash for Sip24 {
    const CACHED: bool = true;
    #[inline(always)]
    fn new() -> Self {
        Sip24::new()
    }
    #[inline(always)]
    fn compress(&mut self, m: u64) {
        Sip24::compress(self, m)
    }
    #[inline(always)]
    fn finish(self) -> u64 {
        Sip24::finish(self)
    }
}

/// A multiply–rotate block hash for [`tokenize_keyed_into`]: one
/// multiplication per 8 bytes where SipHash-2-4 does two rounds, and a
/// bijective finish, so that tokens of up to 7 bytes (one block with the
/// marker and length) never collide and longer ones as rarely as a random
/// 64-bit hash.
#[derive(Clone, Copy)]
struct FastHash(u64);

impl BlockHash for FastHash {
    const CACHED: bool = false;
    #[inline(always)]
    fn new() -> Self {
        FastHash(0x243F_6A88_85A3_08D3)
    }
    #[inline(always)]
    fn compress(&mut self, m: u64) {
        self.0 = (self.0.rotate_left(23) ^ m).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    #[inline(always)]
    fn finish(self) -> u64 {
        // MurmurHash3's fmix64 (a bijection).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// No hash, for [`tokenize_spans_into`]: the tokenizer cuts the same
/// tokens and every token's hash is 0.
#[derive(Clone, Copy)]
struct NoHash;

impl BlockHash for NoHash {
    const CACHED: bool = false;
    const HASHED: bool = false;
    #[inline(always)]
    fn new() -> Self {
        NoHash
    }
    #[inline(always)]
    fn compress(&mut self, _: u64) {}
    #[inline(always)]
    fn finish(self) -> u64 {
        0
    }
}

/// A block hash of a byte string fed a few bytes at a time, finished as
/// the `simhash` crate's feature hash pads a string: the bytes, a 0xff
/// marker, and the length byte ending the last block. With [`Sip24`] it
/// is [`feature_hash_bytes`] (a property test checks it).
#[derive(Clone, Copy)]
struct Stream<B> {
    s: B,
    /// Bytes not yet compressed (little-endian), and how many.
    tail: u64,
    ntail: u32,
    /// Bytes fed so far.
    len: usize,
}

impl<B: BlockHash> Stream<B> {
    #[inline(always)]
    fn new() -> Self {
        Stream {
            s: B::new(),
            tail: 0,
            ntail: 0,
            len: 0,
        }
    }

    /// Feeds the `n` (1..=8) low bytes of `v`, little-endian (the other
    /// bytes of `v` are 0).
    #[inline(always)]
    fn push(&mut self, v: u64, n: u32) {
        if !B::HASHED {
            return;
        }
        self.tail |= v << (8 * self.ntail);
        self.len += n as usize;
        let room = 8 - self.ntail;
        if n < room {
            self.ntail += n;
        } else {
            self.s.compress(self.tail);
            self.tail = v.checked_shr(8 * room).unwrap_or(0);
            self.ntail = n - room;
        }
    }

    /// [`Stream::finish`], looked up in `cache` first for a token of at
    /// most 7 bytes (its bytes and length are the cache key, exactly).
    #[inline(always)]
    fn finish_cached(self, cache: &mut HashCache) -> u64 {
        if !B::CACHED || self.len > 7 {
            return self.finish();
        }
        // Nothing compressed yet: the bytes are all in `tail`.
        let key = self.tail | (self.len as u64) << 56;
        let slot = &mut cache.slots[(key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize];
        if slot.0 == key {
            return slot.1;
        }
        let h = self.finish();
        *slot = (key, h);
        h
    }

    /// The hash of the bytes fed: they are followed by the 0xff marker,
    /// then the length byte ends the last block.
    #[inline]
    fn finish(self) -> u64 {
        if !B::HASHED {
            return 0;
        }
        if self.ntail == 7 {
            return Self::finish_two_blocks(self.s, self.tail, self.len);
        }
        let mut s = self.s;
        // `ntail` < 7: the marker and the length fit in the tail.
        s.compress(self.tail | 0xff << (8 * self.ntail) | ((self.len + 1) as u64 & 0xff) << 56);
        s.finish()
    }

    /// [`Stream::finish`] when the marker completes a block: the length
    /// goes in one of its own (a branch, not computed and thrown away on
    /// every token; its arguments are the stream's fields, so that the
    /// common path does not copy the stream to memory for the call).
    #[cold]
    #[inline(never)]
    fn finish_two_blocks(mut s: B, tail: u64, len: usize) -> u64 {
        s.compress(tail | 0xff << 56);
        s.compress(((len + 1) as u64 & 0xff) << 56);
        s.finish()
    }
}

/// The finished feature hashes of recent short tokens (up to 7 folded
/// bytes), one table per thread, direct-mapped: finishing SipHash-2-4 was a
/// quarter of the tokenizer's instructions on English text, whose most
/// frequent words are short. The key is the token's bytes and length
/// (never 0), so a hit is exact.
struct HashCache {
    slots: Box<[(u64, u64)]>,
}

impl HashCache {
    /// 4,096 slots (64 KiB).
    fn new() -> HashCache {
        HashCache {
            slots: vec![(0, 0); 1 << 12].into_boxed_slice(),
        }
    }
}

thread_local! {
    static HASH_CACHE: std::cell::RefCell<HashCache> = std::cell::RefCell::new(HashCache::new());
}

/// Where the tokenizer puts the tokens it cuts.
trait Sink {
    fn token(&mut self, span: Span, hash: u64, number: bool);
}

impl Sink for Vec<Token> {
    #[inline(always)]
    fn token(&mut self, span: Span, hash: u64, number: bool) {
        self.push(Token { span, hash, number });
    }
}

/// Token spans only, moved `by` bytes (the text tokenized is a slice of a
/// larger one starting there), appended to `out`.
struct Spans<'o> {
    out: &'o mut Vec<Span>,
    by: usize,
}

impl Sink for Spans<'_> {
    #[inline(always)]
    fn token(&mut self, span: Span, _: u64, _: bool) {
        self.out.push(span.shifted(self.by));
    }
}

/// Tokens moved `by` bytes, appended to `out`.
struct Moved<'o> {
    out: &'o mut Vec<Token>,
    by: usize,
}

impl Sink for Moved<'_> {
    #[inline(always)]
    fn token(&mut self, span: Span, hash: u64, number: bool) {
        self.out.push(Token {
            span: span.shifted(self.by),
            hash,
            number,
        });
    }
}

/// The tokenizer's state between characters, on bytes.
struct Tokenizer<'o, B, S> {
    out: &'o mut S,
    cache: &'o mut HashCache,
    /// The hash of the folded bytes of the token being built.
    hash: Stream<B>,
    /// Start byte and class ([`WORD`], [`DIGIT`] or [`NONE`]) of the token
    /// being built.
    start: usize,
    cur: u8,
    /// A `.`/`,` seen right after digits (0: none): part of the number if
    /// a digit follows.
    pending_sep: u8,
    /// End byte of the token being built.
    end: usize,
}

impl<B: BlockHash, S: Sink> Tokenizer<'_, B, S> {
    /// Ends the token being built. With no token, no separator is pending,
    /// so there is nothing to do.
    #[inline]
    fn flush(&mut self) {
        if self.cur != NONE {
            let hash = self.hash.finish_cached(self.cache);
            self.out
                .token(Span::new(self.start, self.end), hash, self.cur == DIGIT);
            self.cur = NONE;
            self.pending_sep = 0;
        }
    }

    /// Ends the token being built and starts one of class `cls` at `i`.
    #[inline]
    fn begin(&mut self, i: usize, cls: u8) {
        self.flush();
        self.cur = cls;
        self.start = i;
        self.hash = Stream::new();
    }

    /// A character that folding removed (mark, tatweel, direction mark):
    /// it belongs to the token it sits in.
    #[inline]
    fn dropped(&mut self, next_end: usize) {
        if self.cur != NONE && self.pending_sep == 0 {
            self.end = next_end;
        }
    }

    /// Feeds folded character `f` (its `n` UTF-8 bytes, little-endian) of
    /// class `cls`, from the original character at `i..next_end`.
    #[inline(always)]
    fn feed(&mut self, i: usize, next_end: usize, f: u32, n: u32, cls: u8) {
        match (self.cur, cls) {
            (DIGIT, DIGIT) => {
                if self.pending_sep != 0 {
                    self.hash.push(u64::from(self.pending_sep), 1);
                    self.pending_sep = 0;
                }
            }
            (DIGIT, OTHER)
                if self.pending_sep == 0 && (f == u32::from(b'.') || f == u32::from(b',')) =>
            {
                self.pending_sep = f as u8;
                return;
            }
            (WORD, WORD) => {}
            (_, OTHER) => return self.flush(),
            (_, cls) => self.begin(i, cls),
        }
        self.hash.push(u64::from(f), n);
        self.end = next_end;
    }
}

/// Tokens of `text`: maximal runs of word characters, or of digits with
/// single `.`/`,` separators between digits (so "2.9" and "18,839,519" are
/// one token). A letter–digit boundary splits ("بـ4.4" → "ب", "4.4").
/// `out` is cleared first and its allocation reused.
///
/// The text is read byte by byte: ASCII letters 8 at a time, Arabic
/// letters that fold to themselves straight from the text, other ASCII
/// through a class table, 2-byte characters (Arabic, Latin-1…) and the
/// 3-byte blocks of [`THREE`] (punctuation, presentation forms, ﷺ)
/// through tables that [`fold_char`] itself filled; everything else
/// through [`fold_char`]. Property tests check that the tokens and hashes
/// equal those of the plain per-character implementation.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    out.clear();
    tokenize_with::<Sip24, _>(text, out);
}

/// Tokens of `text` as [`tokenize_into`] gives them, but each token's
/// `hash` is a faster 64-bit hash of its normalized form, not the feature
/// hash of fingerprints: equal normalized tokens get equal hashes, so they
/// compare tokens of texts tokenized by this function (verification's
/// windows, about seven times as much text as fingerprinting reads on a
/// corpus full of shared formulae). A property test checks that both
/// hashes tell the same tokens apart.
pub fn tokenize_keyed_into(text: &str, out: &mut Vec<Token>) {
    out.clear();
    tokenize_with::<FastHash, _>(text, out);
}

/// The tokens of [`tokenize_keyed_into`], each moved `by` bytes (`text`
/// is a slice starting there), appended to `out`: verification's windows
/// hold their tokens' spans in document bytes, which were moved in a pass
/// of their own. A property test checks them against
/// [`tokenize_keyed_into`]'s.
pub fn tokenize_keyed_moved_into(text: &str, by: usize, out: &mut Vec<Token>) {
    tokenize_with::<FastHash, _>(text, &mut Moved { out, by });
}

/// The byte spans of the tokens of `text` that [`tokenize_into`] cuts,
/// each moved `by` bytes (`text` is a slice starting there), appended to
/// `out`: the same tokenizer, with nothing hashed (for the token spans of
/// a passage, which reports and claims ask for again and again). A
/// property test checks them against [`tokenize_keyed_into`]'s.
pub fn tokenize_spans_into(text: &str, by: usize, out: &mut Vec<Span>) {
    tokenize_with::<NoHash, _>(text, &mut Spans { out, by });
}

fn tokenize_with<B: BlockHash, S: Sink>(text: &str, out: &mut S) {
    HASH_CACHE.with(|cache| tokenize_cached::<B, S>(text, out, &mut cache.borrow_mut()));
}

fn tokenize_cached<B: BlockHash, S: Sink>(text: &str, out: &mut S, cache: &mut HashCache) {
    let tables = fold_tables();
    // The tables the loop reads, as locals: not loaded again through the
    // static for every token.
    let (arabic, two): (&[u16; 1 << 16], &[Fold; 2048]) = (&ARABIC, &tables.two);
    let mut tk = Tokenizer {
        out,
        cache,
        hash: Stream::<B>::new(),
        start: 0,
        cur: NONE,
        pending_sep: 0,
        end: 0,
    };
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let cls = ASCII_CLASS[usize::from(x)];
        let word = if cls == WORD {
            true
        } else if x >= 0x80 {
            // A valid &str has a continuation byte after `x`.
            let y = b[i + 1];
            arabic[usize::from(x) << 8 | usize::from(y)] != 0
                || (x < 0xe0 && two[two_byte(x, y)].kind == WORD)
        } else {
            false
        };
        if word {
            // A run of word characters: ASCII letters and 2-byte
            // characters that fold to one word character or to nothing.
            // Their folded bytes go straight into the hash, kept in a
            // local while the run is read.
            let mut h = if tk.cur == WORD {
                tk.hash
            } else {
                tk.flush();
                tk.cur = WORD;
                tk.start = i;
                Stream::new()
            };
            let mut j = i;
            loop {
                let y = b[j];
                if y < 0x80 {
                    if !y.is_ascii_alphabetic() {
                        break;
                    }
                    // 8 bytes at once (zeros past the end: not letters).
                    let v = load_le(b, j);
                    // How many ASCII letters lead (at least `y`).
                    let k = ascii_letters(v);
                    let keep = u64::MAX >> (64 - 8 * k);
                    // A-Z | 0x20 = a-z.
                    h.push((v | 0x2020_2020_2020_2020) & keep, k);
                    j += k as usize;
                    // Fewer than 8 letters: the next byte is not one, and
                    // if it is ASCII the run ends there.
                    if j >= b.len() || (k < 8 && b[j] < 0x80) {
                        break;
                    }
                } else if arabic[usize::from(y) << 8 | usize::from(b[j + 1])] != 0 {
                    // Arabic letters that fold to one 2-byte letter (their
                    // own or, ة أ ى …, the one folding unifies them with):
                    // their folded bytes gathered 8 at a time from one
                    // table, the stretch left only where it ends.
                    let mut rest = &b[j..];
                    let (mut acc, mut k) = (0u64, 0u32);
                    while let [y, z, ..] = *rest {
                        let f = arabic[usize::from(y) << 8 | usize::from(z)];
                        if f == 0 {
                            break;
                        }
                        acc |= u64::from(f) << (8 * k);
                        k += 2;
                        rest = &rest[2..];
                        if k == 8 {
                            h.push(acc, 8);
                            (acc, k) = (0, 0);
                        }
                    }
                    if k != 0 {
                        h.push(acc, k);
                    }
                    j = b.len() - rest.len();
                    if j >= b.len() {
                        break;
                    }
                } else if y < 0xe0 {
                    let f = two[two_byte(y, b[j + 1])];
                    if f.kind == WORD {
                        h.push(u64::from(f.bytes), u32::from(f.len));
                    } else if f.kind != DROPPED {
                        // Dropped characters have no bytes.
                        break;
                    }
                    j += 2;
                    if j >= b.len() {
                        break;
                    }
                } else {
                    break;
                }
            }
            // The run read at least its first character.
            tk.end = j;
            if j < b.len() && ASCII_CLASS[usize::from(b[j])] == OTHER {
                // An ASCII space or mark ends the word (what `feed` does
                // with it), and then does nothing: skip it.
                let hash = h.finish_cached(tk.cache);
                tk.out.token(Span::new(tk.start, j), hash, false);
                tk.cur = NONE;
                i = j + 1;
            } else {
                tk.hash = h;
                i = j;
            }
            continue;
        }
        if cls != SLOW {
            tk.feed(i, i + 1, u32::from(x), 1, cls);
            i += 1;
            continue;
        }
        i = tokenize_other(&mut tk, tables, text, i);
    }
    tk.flush();
}

/// [`tokenize_cached`] for the non-ASCII character at `i` that does not
/// start a word run; returns its end. Not inlined: the loop over words
/// keeps its registers.
#[inline(never)]
fn tokenize_other<B: BlockHash, S: Sink>(
    tk: &mut Tokenizer<'_, B, S>,
    tables: &FoldTables,
    text: &str,
    i: usize,
) -> usize {
    let b = text.as_bytes();
    let x = b[i];
    let (fold, len) = if x < 0xe0 {
        // A 2-byte character (a valid &str has a continuation byte).
        (tables.two[two_byte(x, b[i + 1])], 2)
    } else if x < 0xf0
        && let Some(k) = three_byte(x, b[i + 1], b[i + 2])
    {
        (tables.three[k], 3)
    } else {
        let c = text[i..].chars().next().expect("i is a char boundary");
        let next_end = i + c.len_utf8();
        tokenize_slow(tk, i, next_end, c);
        return next_end;
    };
    match fold.kind {
        DROPPED => tk.dropped(i + len),
        MULTI => {
            let first = fold.bytes as usize;
            for &(bytes, n, cls) in &tables.parts[first..first + usize::from(fold.len)] {
                tk.feed(i, i + len, bytes, u32::from(n), cls);
            }
        }
        cls => tk.feed(i, i + len, fold.bytes, u32::from(fold.len), cls),
    }
    i + len
}

/// The 8 bytes of `b` from `at` as a little-endian `u64`, zeros past the
/// end.
#[inline(always)]
fn load_le(b: &[u8], at: usize) -> u64 {
    match b[at..].first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        None => {
            let mut w = [0; 8];
            w[..b.len() - at].copy_from_slice(&b[at..]);
            u64::from_le_bytes(w)
        }
    }
}

/// How many of the bytes of `v` (little-endian) are ASCII letters before
/// the first that is not.
#[inline(always)]
fn ascii_letters(v: u64) -> u32 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let l = (v | 0x2020_2020_2020_2020) & LOW7;
    // Per byte (no carries: 0x7f + 0x1f < 0x100): high bit set when
    // the lowercased byte is >= 'a', and when it is > 'z'.
    let ge_a = l + 0x1f1f_1f1f_1f1f_1f1f;
    let gt_z = l + 0x0505_0505_0505_0505;
    let letters = ge_a & !gt_z & !v & HIGH;
    (!letters & HIGH).trailing_zeros() / 8
}

/// The index in `FoldTables::two` of the 2-byte character `x y`.
#[inline(always)]
fn two_byte(x: u8, y: u8) -> usize {
    (usize::from(x & 0x1f) << 6) | usize::from(y & 0x3f)
}

/// The general path of [`tokenize_into`] for one character.
fn tokenize_slow<B: BlockHash, S: Sink>(
    tk: &mut Tokenizer<'_, B, S>,
    i: usize,
    next_end: usize,
    c: char,
) {
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
        let (bytes, len) = utf8_le(f);
        tk.feed(i, next_end, bytes, len, cls.code());
    }
}

/// The UTF-8 bytes of `c` as a little-endian `u32`, and how many.
#[inline]
fn utf8_le(c: char) -> (u32, u32) {
    let mut enc = [0; 4];
    let n = c.encode_utf8(&mut enc).len();
    (u32::from_le_bytes(enc), n as u32)
}

/// Tokens of `text` (see [`tokenize_into`]).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, &mut out);
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

    /// [`SAME_ARABIC`] lists exactly the characters of the Arabic block
    /// that fold to themselves and are word characters, and every letter
    /// [`ARABIC`] gives folded bytes for folds to one word character with
    /// exactly those bytes; outside the Arabic block, `ARABIC` says no
    /// (such characters take the fold table, as others do).
    #[test]
    fn arabic_table_agrees_with_fold_char() {
        let mut unified = 0u32;
        for cp in 0x80..0x800 {
            let c = char::from_u32(cp).expect("a scalar value");
            let (bytes, _) = utf8_le(c);
            let f = fold_tables().two[cp as usize];
            let same = f.kind == WORD && f.len == 2 && f.bytes == bytes;
            let entry = ARABIC[usize::from(u16::from_be_bytes([bytes as u8, (bytes >> 8) as u8]))];
            let listed = SAME_ARABIC.iter().any(|&(a, b)| (a..=b).contains(&cp));
            assert_eq!(
                listed,
                same && (0x600..0x700).contains(&cp),
                "{c:?} U+{cp:04X}"
            );
            if entry != 0 {
                assert!((0x600..0x700).contains(&cp), "{c:?} U+{cp:04X}");
                assert!(f.kind == WORD && f.len == 2, "{c:?} U+{cp:04X}");
                assert_eq!(u32::from(entry), f.bytes, "{c:?} U+{cp:04X}");
                if !listed {
                    unified += 1;
                }
            } else {
                assert!(!listed, "{c:?} U+{cp:04X}");
            }
        }
        assert_eq!(
            ARABIC.iter().filter(|&&e| e != 0).count(),
            SAME_ARABIC.iter().map(|(a, b)| b - a + 1).sum::<u32>() as usize + unified as usize
        );
        // ة أ إ آ ى and the Persian forms are in the table.
        assert_eq!(
            unified,
            UNIFIED_ARABIC
                .iter()
                .map(|(a, b, _)| b - a + 1)
                .sum::<u32>()
        );
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

    /// Characters from every path of the tokenizer, in runs.
    fn mixed_strategy() -> impl Strategy<Value = String> {
        let ranges = |rs: &'static [(u32, u32)]| {
            prop::sample::select(rs.to_vec()).prop_flat_map(|(a, b)| {
                (a..=b).prop_map(|c| char::from_u32(c).map_or(String::new(), String::from))
            })
        };
        let piece = prop_oneof![
            // ASCII words, numbers with separators, punctuation, controls.
            "[a-zA-Z]{1,6}",
            "[0-9]{1,4}([.,][0-9]{1,3}){0,2}[.,]?",
            "[ .,;:!?'\"()\\-]{1,2}",
            "[\\x00-\\x1f\\x7f]",
            // Arabic letters, tashkeel, superscript alef, tatweel, Arabic
            // digits and separators, Persian letters and digits.
            ranges(&[
                (0x621, 0x64a),
                (0x64b, 0x65f),
                (0x660, 0x66f),
                (0x670, 0x6ff)
            ]),
            ranges(&[(0x621, 0x64a)]),
            ranges(&[
                (0x600, 0x620),
                (0x640, 0x640),
                (0x6f0, 0x6f9),
                (0x67e, 0x6d3)
            ]),
            // Latin-1, Latin Extended, combining marks, Greek, Cyrillic.
            ranges(&[
                (0x80, 0x24f),
                (0x300, 0x36f),
                (0x370, 0x52f),
                (0x590, 0x5ff)
            ]),
            // General punctuation (quotes, dashes, marks), ligatures and
            // presentation forms, other scripts, emoji.
            ranges(&[
                (0x2000, 0x206f),
                (0xfb00, 0xfb06),
                (0xfb50, 0xfdff),
                (0xfe70, 0xfeff)
            ]),
            // The rest of the 3-byte blocks with fold tables: Latin Extended
            // Additional, the variation selectors, CJK compatibility forms,
            // small forms, fullwidth letters and digits, specials.
            ranges(&[
                (0x1e00, 0x1eff),
                (0x2070, 0x207f),
                (0xfb00, 0xfb4f),
                (0xfe00, 0xfe6f),
                (0xff00, 0xffff)
            ]),
            ranges(&[
                (0x900, 0x97f),
                (0x1e00, 0x1eff),
                (0x2070, 0x20ff),
                (0x1f600, 0x1f64f)
            ]),
            prop::sample::select(vec![
                "ﷺ", "ﬁ", "ﻻ", "…", "“", "”", "«", "»", "—", "٫", "٬", "\u{200f}"
            ])
            .prop_map(String::from),
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
    }

    /// Words of Arabic letters that fold to themselves, to other letters
    /// or to nothing (tashkeel, tatweel), joined with ASCII letters and
    /// digits, Latin-1, 3-byte characters and the marks between words.
    fn arabic_run_strategy() -> impl Strategy<Value = String> {
        let letter = prop_oneof![
            8 => (0x621u32..=0x64a).prop_map(|c| char::from_u32(c).expect("Arabic")),
            2 => prop::sample::select(vec!['\u{64b}', '\u{64e}', '\u{651}', '\u{652}', '\u{670}', '\u{640}']),
            1 => (0x660u32..=0x6ff).prop_map(|c| char::from_u32(c).expect("Arabic")),
            1 => prop::sample::select(vec!['a', 'Z', 'q', '7', 'é', 'Ä', 'ß', 'ﻻ', 'ﷺ', '“', '—', '\u{200f}', 'क', '😀']),
        ];
        let word = prop::collection::vec(letter, 1..14).prop_map(String::from_iter);
        let sep = prop::sample::select(vec![
            "",
            " ",
            "  ",
            "، ",
            ". ",
            ",",
            "\n",
            "-",
            "؟ ",
            "\u{200f} ",
        ]);
        prop::collection::vec((word, sep), 0..12)
            .prop_map(|v| v.into_iter().map(|(w, s)| w + s).collect())
    }

    /// The keyed tokens of `text`.
    fn tokenize_keyed(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        tokenize_keyed_into(text, &mut out);
        out
    }

    /// `text`'s tokens from both tokenizers, with the first difference.
    fn check_equal(what: &str, text: &str) {
        check_equal_with(what, text, tokenize, reference::tokenize);
        check_equal_with(what, text, tokenize_keyed, reference::tokenize_keyed);
    }

    fn check_equal_with(
        what: &str,
        text: &str,
        fast: fn(&str) -> Vec<Token>,
        slow: fn(&str) -> Vec<Token>,
    ) {
        let (fast, slow) = (fast(text), slow(text));
        if fast != slow {
            let i = fast.iter().zip(&slow).take_while(|(a, b)| a == b).count();
            let show = |t: Option<&Token>| t.map(|t| (t.span.slice(text), *t));
            panic!(
                "{what}: fast tokenizer differs from the reference at token {i}: {:?} vs {:?}",
                show(fast.get(i)),
                show(slow.get(i))
            );
        }
    }

    fn repo() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn text_files(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                text_files(&p, files);
            } else if p
                .extension()
                .is_some_and(|e| e == "txt" || e == "md" || e == "json")
            {
                files.push(p);
            }
        }
    }

    #[test]
    fn fast_path_equals_reference_on_seeds_and_fixtures() {
        let mut files = Vec::new();
        text_files(&repo().join("seeds"), &mut files);
        text_files(&repo().join("fixtures"), &mut files);
        assert!(files.len() > 10, "seeds/ and fixtures/ hold text");
        for p in files {
            if let Ok(t) = std::fs::read_to_string(&p) {
                check_equal(&p.display().to_string(), &t);
            }
        }
    }

    /// The real news text of `../shared/corpora`: 3 MB of SaudiNewsNet
    /// (Arabic), the ECB+ articles and the MSRP sentences (English).
    #[test]
    fn fast_path_equals_reference_on_corpora() {
        use std::io::BufRead;
        // `CROSSCHECK_CORPORA` points elsewhere (a worktree has no `../shared`).
        let shared = std::env::var_os("CROSSCHECK_CORPORA").map_or_else(
            || repo().join("../shared/corpora"),
            std::path::PathBuf::from,
        );
        if !shared.is_dir() {
            eprintln!("skipped: {} is absent", shared.display());
            return;
        }
        let snn = shared.join("saudinewsnet/articles.jsonl.gz");
        let f = std::fs::File::open(&snn).expect("SaudiNewsNet");
        let rd = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f));
        let mut total = 0;
        for line in rd.lines() {
            let line = line.expect("gzip");
            let v: serde_json::Value = serde_json::from_str(&line).expect("JSON line");
            for k in ["title", "content"] {
                if let Some(t) = v.get(k).and_then(|c| c.as_str()) {
                    check_equal(&snn.display().to_string(), t);
                    total += t.len();
                }
            }
            if total > 3_000_000 {
                break;
            }
        }
        let mut files = Vec::new();
        text_files(&shared.join("ecbplus/text"), &mut files);
        text_files(&shared.join("msrp_news_paraphrase"), &mut files);
        assert!(files.len() > 100, "ECB+ text under {}", shared.display());
        for p in files {
            let t = std::fs::read_to_string(&p).expect("UTF-8 text");
            check_equal(&p.display().to_string(), &t);
        }
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
        fn fast_path_equals_reference(s in text_strategy()) {
            prop_assert_eq!(tokenize(&s), reference::tokenize(&s));
        }

        #[test]
        fn fast_path_equals_reference_mixed(s in mixed_strategy()) {
            prop_assert_eq!(tokenize(&s), reference::tokenize(&s), "text {:?}", s);
        }

        #[test]
        fn fast_path_equals_reference_any_unicode(s in any::<String>()) {
            prop_assert_eq!(tokenize(&s), reference::tokenize(&s), "text {:?}", s);
        }

        /// The keyed tokenizer's hashes are [`FastHash`] over the folded
        /// tokens, padded as the feature hash is, however its fast paths
        /// feed the bytes.
        #[test]
        fn keyed_fast_path_equals_reference(s in mixed_strategy()) {
            prop_assert_eq!(tokenize_keyed(&s), reference::tokenize_keyed(&s), "text {:?}", s);
        }

        #[test]
        fn keyed_fast_path_equals_reference_any_unicode(s in any::<String>()) {
            prop_assert_eq!(tokenize_keyed(&s), reference::tokenize_keyed(&s), "text {:?}", s);
        }

        /// The tokenizer that hashes nothing cuts the keyed tokenizer's
        /// tokens, moved as asked and appended to what the list held: on
        /// any Unicode, on Arabic and English with punctuation, digits and
        /// marks, and on Arabic runs cut anywhere.
        #[test]
        fn spans_equal_keyed_spans(
            s in prop_oneof![any::<String>(), mixed_strategy(), arabic_run_strategy(), text_strategy()],
            by in 0usize..1000,
            held in 0usize..3,
        ) {
            let mut keyed = Vec::new();
            tokenize_keyed_into(&s, &mut keyed);
            let mut want: Vec<Span> = (0..held).map(|k| Span::new(k, k + 1)).collect();
            let mut spans = want.clone();
            want.extend(keyed.iter().map(|t| Span::new(t.span.start + by, t.span.end + by)));
            tokenize_spans_into(&s, by, &mut spans);
            prop_assert_eq!(spans, want, "text {:?}", s);
        }

        /// The keyed tokens moved are the keyed tokenizer's, appended to
        /// what the list held.
        #[test]
        fn moved_keyed_tokens_equal_keyed_tokens(
            s in prop_oneof![any::<String>(), mixed_strategy(), arabic_run_strategy(), text_strategy()],
            by in 0usize..1000,
            held in 0usize..3,
        ) {
            let mut keyed = Vec::new();
            tokenize_keyed_into(&s, &mut keyed);
            let old = Token { span: Span::new(0, 1), hash: 7, number: true };
            let mut tokens = vec![old; held];
            tokenize_keyed_moved_into(&s, by, &mut tokens);
            let mut want = vec![old; held];
            want.extend(keyed.iter().map(|t| Token {
                span: Span::new(t.span.start + by, t.span.end + by),
                ..*t
            }));
            prop_assert_eq!(&tokens, &want, "text {:?}", s);
        }

        /// Runs of Arabic letters (hashed from the text itself while they
        /// fold to themselves) with the letters, marks and scripts that
        /// interrupt them, cut at every character boundary: a text may end
        /// anywhere in a run, and the last 8 bytes are read past its end.
        #[test]
        fn arabic_runs_cut_anywhere(s in arabic_run_strategy()) {
            for at in (0..=s.len()).filter(|&at| s.is_char_boundary(at)) {
                for t in [&s[..at], &s[at..]] {
                    prop_assert_eq!(tokenize(t), reference::tokenize(t), "text {:?}", t);
                    prop_assert_eq!(tokenize_keyed(t), reference::tokenize_keyed(t), "text {:?}", t);
                }
            }
        }

        /// Hashes of short tokens come from the per-thread cache once the
        /// token was seen: they stay the feature hashes of the folded
        /// tokens, with thousands of distinct short words competing for
        /// the cache's slots and the same text tokenized twice.
        #[test]
        fn cached_hashes_are_feature_hashes(seed in any::<u64>()) {
            let mut x = seed | 1;
            let mut words = Vec::new();
            for _ in 0..6000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let len = 1 + (x % 9) as usize;
                let w: String = (0..len).map(|i| char::from(b'a' + ((x >> (4 * i + 8)) % 5) as u8)).collect();
                words.push(if x % 7 == 0 { w.to_uppercase() } else { w });
            }
            let text = words.join(" ");
            for _ in 0..2 {
                for t in tokenize(&text) {
                    let folded = fold_str(t.span.slice(&text));
                    prop_assert_eq!(t.hash, feature_hash(&folded), "token {:?}", folded);
                }
            }
        }

        /// The keyed tokenizer cuts the same tokens, and its hashes tell
        /// the same tokens apart as the feature hashes (over words that
        /// recur, fold together — "Putin"/"PUTIN", "أحمد"/"احمد" — or
        /// differ by a byte, numbers, and any Unicode).
        #[test]
        fn keyed_tokens_are_the_same_tokens(
            words in prop::collection::vec(prop_oneof![
                4 => prop::sample::select(vec![
                    "Putin", "PUTIN", "putin", "putins", "a", "ab", "abcdefg", "abcdefgh",
                    "abcdefghi", "abcdefghijklmnopq", "أحمد", "احمد", "بوتين", "بوتن",
                    "مليارات", "4", "4.5", "18,839,519", "٤", "Ḥaftar", "haftar", "ﷺ", "㎡",
                ]).prop_map(str::to_string),
                1 => any::<String>(),
            ], 0..40),
            seps in prop::collection::vec(prop::sample::select(vec![" ", ", ", "\n", "، ", "-"]), 1..5),
        ) {
            let mut text = String::new();
            for (i, w) in words.iter().enumerate() {
                text.push_str(w);
                text.push_str(seps[i % seps.len()]);
            }
            let sip = tokenize(&text);
            let mut keyed = Vec::new();
            tokenize_keyed_into(&text, &mut keyed);
            let strip = |t: &[Token]| t.iter().map(|t| (t.span, t.number)).collect::<Vec<_>>();
            prop_assert_eq!(strip(&sip), strip(&keyed));
            for i in 0..sip.len() {
                for j in i + 1..sip.len() {
                    prop_assert_eq!(
                        sip[i].hash == sip[j].hash,
                        keyed[i].hash == keyed[j].hash,
                        "tokens {:?} and {:?} of {:?}",
                        &text[sip[i].span.start..sip[i].span.end],
                        &text[sip[j].span.start..sip[j].span.end],
                        text
                    );
                }
            }
        }

        #[test]
        fn streamed_hash_equals_one_shot(
            bytes in prop::collection::vec(any::<u8>(), 0..100),
            cuts in prop::collection::vec(1u32..=8, 1..100),
        ) {
            let mut h = Stream::<Sip24>::new();
            let (mut i, mut c) = (0, 0);
            while i < bytes.len() {
                let n = (cuts[c % cuts.len()] as usize).min(bytes.len() - i);
                let mut w = [0; 8];
                w[..n].copy_from_slice(&bytes[i..i + n]);
                h.push(u64::from_le_bytes(w), n as u32);
                i += n;
                c += 1;
            }
            prop_assert_eq!(h.finish(), reference::feature_hash_bytes(&bytes));
        }

        #[test]
        fn feature_hash_is_siphash_2_4(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(feature_hash_bytes(&bytes), reference::feature_hash_bytes(&bytes));
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

/// The tokenizer as first written: one character at a time through
/// [`fold_char`] into a `String`, hashed with the `siphasher` crate. The
/// fast path must give exactly its tokens.
#[cfg(test)]
mod reference {
    use super::{BlockHash, Class, FastHash, Token, class, fold_char};
    use crate::document::Span;
    use std::hash::Hasher;

    pub fn feature_hash_bytes(token: &[u8]) -> u64 {
        let mut h = siphasher::sip::SipHasher::default();
        h.write(token);
        h.write_u8(0xff);
        h.finish()
    }

    /// The keyed tokenizer's hash of a token, in one go: [`FastHash`] over
    /// the 8-byte blocks of the token, its 0xff marker, zeros and the
    /// length byte that ends the last block (SipHash's padding).
    pub fn keyed_hash_bytes(token: &[u8]) -> u64 {
        let mut m = token.to_vec();
        m.push(0xff);
        while m.len() % 8 != 7 {
            m.push(0);
        }
        m.push((token.len() + 1) as u8);
        let mut h = FastHash::new();
        for b in m.chunks_exact(8) {
            h.compress(u64::from_le_bytes(b.try_into().expect("8 bytes")));
        }
        h.finish()
    }

    struct Tokenizer {
        hash: fn(&[u8]) -> u64,
        out: Vec<Token>,
        buf: String,
        cur: Option<(usize, Class)>,
        pending_sep: Option<char>,
        end: usize,
    }

    impl Tokenizer {
        fn flush(&mut self) {
            if let Some((start, cls)) = self.cur.take()
                && !self.buf.is_empty()
            {
                self.out.push(Token {
                    span: Span::new(start, self.end),
                    hash: (self.hash)(self.buf.as_bytes()),
                    number: cls == Class::Digit,
                });
            }
            self.buf.clear();
            self.pending_sep = None;
        }

        fn dropped(&mut self, next_end: usize) {
            if self.cur.is_some() && self.pending_sep.is_none() {
                self.end = next_end;
            }
        }

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

    pub fn tokenize(text: &str) -> Vec<Token> {
        tokenize_with(text, feature_hash_bytes)
    }

    /// The tokens of [`super::tokenize_keyed_into`].
    pub fn tokenize_keyed(text: &str) -> Vec<Token> {
        tokenize_with(text, keyed_hash_bytes)
    }

    fn tokenize_with(text: &str, hash: fn(&[u8]) -> u64) -> Vec<Token> {
        let mut tk = Tokenizer {
            hash,
            out: Vec::new(),
            buf: String::new(),
            cur: None,
            pending_sep: None,
            end: 0,
        };
        for (i, c) in text.char_indices() {
            let next_end = i + c.len_utf8();
            let mut folded = Vec::new();
            fold_char(c, &mut |f| folded.push(f));
            if folded.is_empty() {
                tk.dropped(next_end);
                continue;
            }
            let n = folded.len().min(8);
            for &f in &folded[..n] {
                let cls = class(f);
                if n > 1 && cls == Class::Other {
                    continue;
                }
                tk.feed(i, next_end, f, cls);
            }
        }
        tk.flush();
        tk.out
    }
}
