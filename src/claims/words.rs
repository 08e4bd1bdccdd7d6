//! Number words of Arabic and English: the lexicon and the grammar that
//! turns a run of them (mixed with digits: "أربعة مليارات و 400 مليون") into
//! a value.
//!
//! Words are looked up in their folded form (`crate::normalize::fold_char`:
//! أ إ آ → ا, ة → ه, ى → ي, no tashkeel, lowercase).

use super::number::parse_digits_with;
use super::token::{Tok, Token};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A fast hash for the short word keys of the lexicons (FxHash's mixing,
/// eight bytes at a time): SipHash cost more than the lookups themselves.
#[derive(Clone, Copy, Default)]
pub struct WordHasher(u64);

impl WordHasher {
    /// The multiplier of its mixing.
    pub const K: u64 = 0x517c_c1b7_2722_0a95;

    #[inline]
    fn mix(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(Self::K);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.mix(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The bytes little-endian, zero-padded (a copy of a variable
            // length was a call to `memcpy`).
            let v = rest.iter().rev().fold(0u64, |v, &b| v << 8 | u64::from(b));
            self.mix(v);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by folded words.
pub type WordMap<V> = HashMap<String, V, BuildHasherDefault<WordHasher>>;

/// The endings of the keys of a word map (their last four bytes, or the
/// whole key when shorter), as a set of hashes: a word whose ending is not
/// in it is no key ([`Endings::may_hold`]), and when none of its endings of
/// two, three and four bytes is, no suffix of it two bytes long or more is
/// a key either ([`Endings::may_end`]: the word with attached prefixes
/// stripped). Most words of a text are neither number words nor units,
/// and this answers them without hashing the word.
pub struct Endings(Box<[u64]>);

impl Endings {
    const BITS: u32 = 16;

    /// The endings of `keys`.
    pub fn of<'a>(keys: impl Iterator<Item = &'a str>) -> Endings {
        let mut bits = vec![0u64; 1 << (Self::BITS - 6)].into_boxed_slice();
        for k in keys {
            let b = k.as_bytes();
            let h = Self::hash(&b[b.len().saturating_sub(4)..]);
            bits[h >> 6] |= 1 << (h & 63);
        }
        Endings(bits)
    }

    /// A hash of an ending of at most four bytes.
    #[inline]
    fn hash(e: &[u8]) -> usize {
        Self::hash_packed(Self::pack(e), e.len())
    }

    /// The bytes of `e` (at most four) as a little-endian number, without
    /// a copy of variable length (a call to `memcpy` cost more than the
    /// rest of the hash).
    #[inline]
    fn pack(e: &[u8]) -> u32 {
        match *e {
            [a, b, c, d] => u32::from_le_bytes([a, b, c, d]),
            _ => e.iter().rev().fold(0u32, |v, &b| v << 8 | u32::from(b)),
        }
    }

    /// [`Endings::hash`] of the `n` bytes packed in `v`.
    #[inline]
    fn hash_packed(v: u32, n: usize) -> usize {
        let key = u64::from(v) << 3 | n as u64;
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - Self::BITS)) as usize
    }

    #[inline]
    fn has_hash(&self, h: usize) -> bool {
        self.0[h >> 6] & (1 << (h & 63)) != 0
    }

    #[inline]
    fn has(&self, e: &[u8]) -> bool {
        self.has_hash(Self::hash(e))
    }

    /// False when `w` is surely not a key.
    #[inline]
    pub fn may_hold(&self, w: &str) -> bool {
        let b = w.as_bytes();
        self.has(&b[b.len().saturating_sub(4)..])
    }

    /// False when no suffix of `w` of two bytes or more is a key.
    #[inline]
    pub fn may_end(&self, w: &str) -> bool {
        let b = w.as_bytes();
        if let [.., a, b, c, d] = *b {
            // The suffixes of two, three and four bytes are the top bytes
            // of the last four.
            let v = u32::from_le_bytes([a, b, c, d]);
            return self.has_hash(Self::hash_packed(v >> 16, 2))
                || self.has_hash(Self::hash_packed(v >> 8, 3))
                || self.has_hash(Self::hash_packed(v, 4));
        }
        (2..=b.len()).any(|n| self.has(&b[b.len() - n..]))
    }
}

/// What one number word contributes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum W {
    /// 0–99: added.
    Unit(f64),
    /// "hundred", مئة: multiplies what precedes (or 1).
    Hundred,
    /// مئتان, ثلاثمئة: a whole hundreds figure.
    Hundreds(f64),
    /// thousand, ألف, million…: multiplies what precedes (or 1).
    Scale(f64),
    /// ألفين, مليونين: two of a scale.
    DualScale(f64),
    /// آلاف, ملايين, thousands: a scale after a number, vague alone.
    PluralScale(f64),
    /// نصف, half.
    Half,
    /// ربع, quarter.
    Quarter,
    /// ثلث, third (as a fraction).
    Third,
    /// dozen.
    Dozen,
    /// English "a"/"an" before a scale word.
    A,
    /// English "point" before decimals.
    Point,
    /// minus, سالب.
    Minus,
    /// بضعة, several: 3 to 9.
    Few,
}

/// A scale word: its singular forms, its dual forms, its plural forms, and
/// its value.
type ScaleWords = (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    f64,
);

fn ar_lexicon(m: &mut WordMap<W>) {
    use W::*;
    let units: &[(&str, f64)] = &[
        ("صفر", 0.0),
        ("واحد", 1.0),
        ("واحده", 1.0),
        ("احد", 1.0),
        ("احدي", 1.0),
        ("اثنان", 2.0),
        ("اثنين", 2.0),
        ("اثنتان", 2.0),
        ("اثنتين", 2.0),
        ("اثنا", 2.0),
        ("اثنتا", 2.0),
        ("اثني", 2.0),
        ("اثنتي", 2.0),
        ("ثنتان", 2.0),
        ("ثنتين", 2.0),
        ("ثلاث", 3.0),
        ("ثلاثه", 3.0),
        ("اربع", 4.0),
        ("اربعه", 4.0),
        ("خمس", 5.0),
        ("خمسه", 5.0),
        ("ست", 6.0),
        ("سته", 6.0),
        ("سبع", 7.0),
        ("سبعه", 7.0),
        ("ثمان", 8.0),
        ("ثماني", 8.0),
        ("ثمانيه", 8.0),
        ("تسع", 9.0),
        ("تسعه", 9.0),
        ("عشر", 10.0),
        ("عشره", 10.0),
        ("عشرون", 20.0),
        ("عشرين", 20.0),
        ("ثلاثون", 30.0),
        ("ثلاثين", 30.0),
        ("اربعون", 40.0),
        ("اربعين", 40.0),
        ("خمسون", 50.0),
        ("خمسين", 50.0),
        ("ستون", 60.0),
        ("ستين", 60.0),
        ("سبعون", 70.0),
        ("سبعين", 70.0),
        ("ثمانون", 80.0),
        ("ثمانين", 80.0),
        ("تسعون", 90.0),
        ("تسعين", 90.0),
    ];
    for &(w, v) in units {
        m.insert(w.into(), Unit(v));
    }
    for h in ["مئه", "مائه", "ميه"] {
        m.insert(h.into(), Hundred);
    }
    for h in [
        "مئتان",
        "مئتين",
        "مائتان",
        "مائتين",
        "مئتا",
        "مائتا",
        "مئتي",
        "مائتي",
    ] {
        m.insert(h.into(), Hundreds(200.0));
    }
    let stems: &[(&str, f64)] = &[
        ("ثلاث", 3.0),
        ("اربع", 4.0),
        ("خمس", 5.0),
        ("ست", 6.0),
        ("سبع", 7.0),
        ("ثمان", 8.0),
        ("ثماني", 8.0),
        ("تسع", 9.0),
    ];
    for &(s, v) in stems {
        for h in ["مئه", "مائه"] {
            m.insert(format!("{s}{h}"), Hundreds(v * 100.0));
        }
    }
    m.insert("مئات".into(), PluralScale(100.0));
    m.insert("عشرات".into(), PluralScale(10.0));
    let scales: &[ScaleWords] = &[
        (
            &["الف", "الفا"],
            &["الفان", "الفين", "الفي"],
            &["الاف", "الوف"],
            1e3,
        ),
        (
            &["مليون", "مليونا"],
            &["مليونان", "مليونين", "مليوني"],
            &["ملايين"],
            1e6,
        ),
        (
            &["مليار", "مليارا", "بليون", "بليونا"],
            &["ملياران", "مليارين", "ملياري", "بليونين"],
            &["مليارات", "بلايين"],
            1e9,
        ),
        (
            &["تريليون", "ترليون", "تريليونا"],
            &["تريليونين", "ترليونين"],
            &["تريليونات", "ترليونات"],
            1e12,
        ),
        (&["كوادريليون"], &[], &["كوادريليونات"], 1e15),
        (&["كوينتليون"], &[], &["كوينتليونات"], 1e18),
    ];
    for &(sing, dual, plural, v) in scales {
        for w in sing {
            m.insert((*w).into(), Scale(v));
        }
        for w in dual {
            m.insert((*w).into(), DualScale(v));
        }
        for w in plural {
            m.insert((*w).into(), PluralScale(v));
        }
    }
    for w in ["نصف", "نص"] {
        m.insert(w.into(), Half);
    }
    m.insert("ربع".into(), Quarter);
    m.insert("ثلث".into(), Third);
    m.insert("سالب".into(), Minus);
    m.insert("فاصله".into(), Point);
    for w in ["دزينه", "دزينات", "دسته"] {
        m.insert(w.into(), Dozen);
    }
    for w in ["بضعه", "بضع"] {
        m.insert(w.into(), Few);
    }
}

fn en_lexicon(m: &mut WordMap<W>) {
    use W::*;
    let units = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    for (i, w) in units.iter().enumerate() {
        m.insert((*w).into(), Unit(i as f64));
    }
    for w in ["naught", "nought", "nil"] {
        m.insert(w.into(), Unit(0.0));
    }
    let tens = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    for (i, w) in tens.iter().enumerate() {
        m.insert((*w).into(), Unit(20.0 + 10.0 * i as f64));
    }
    m.insert("fourty".into(), Unit(40.0));
    m.insert("hundred".into(), Hundred);
    let scales: &[(&str, &str, f64)] = &[
        ("thousand", "thousands", 1e3),
        ("lakh", "lakhs", 1e5),
        ("million", "millions", 1e6),
        ("crore", "crores", 1e7),
        ("krore", "krores", 1e7),
        ("billion", "billions", 1e9),
        ("trillion", "trillions", 1e12),
    ];
    for &(s, p, v) in scales {
        m.insert(s.into(), Scale(v));
        m.insert(p.into(), PluralScale(v));
    }
    m.insert("hundreds".into(), PluralScale(100.0));
    m.insert("dozen".into(), Dozen);
    for w in ["dz", "dzs", "doz", "dozs"] {
        m.insert(w.into(), Dozen);
    }
    for w in ["cr", "kr", "koti"] {
        m.insert(w.into(), Scale(1e7));
    }
    for w in ["lac", "lacs", "lkh", "lkhs"] {
        m.insert(w.into(), Scale(1e5));
    }
    m.insert("dozens".into(), Dozen);
    m.insert("half".into(), Half);
    m.insert("quarter".into(), Quarter);
    m.insert("a".into(), A);
    m.insert("an".into(), A);
    m.insert("point".into(), Point);
    m.insert("minus".into(), Minus);
    m.insert("negative".into(), Minus);
}

/// A fixed set of folded words, asked about most tokens of a text: the
/// endings answer most words, a hash the rest (a list of fifty words was
/// fifty comparisons per token).
pub struct WordSet(WordMap<()>, Endings);

impl WordSet {
    /// The set of `words`.
    pub fn new(words: &[&str]) -> WordSet {
        let m: WordMap<()> = words.iter().map(|w| (w.to_string(), ())).collect();
        let e = Endings::of(m.keys().map(String::as_str));
        WordSet(m, e)
    }

    /// True when `w` is in the set.
    #[inline]
    pub fn contains(&self, w: &str) -> bool {
        self.1.may_hold(w) && self.0.contains_key(w)
    }
}

/// `w` without the prefix `p`, compared byte by byte (the prefixes are a
/// few bytes: a call to `memcmp` cost more than the comparison).
#[inline]
pub fn strip<'a>(w: &'a str, p: &str) -> Option<&'a str> {
    let (wb, pb) = (w.as_bytes(), p.as_bytes());
    if wb.len() >= pb.len() && wb.iter().zip(pb).all(|(a, b)| a == b) {
        w.get(pb.len()..)
    } else {
        None
    }
}

fn lexicon() -> &'static (WordMap<W>, Endings) {
    static L: OnceLock<(WordMap<W>, Endings)> = OnceLock::new();
    L.get_or_init(|| {
        let mut m = WordMap::default();
        ar_lexicon(&mut m);
        en_lexicon(&mut m);
        let ends = Endings::of(m.keys().map(String::as_str));
        (m, ends)
    })
}

/// Scale abbreviations written after digits ("$2.5bn", "3m", "10K").
pub fn scale_abbrev(w: &str) -> Option<f64> {
    Some(match w {
        "k" | "thousand" => 1e3,
        "m" | "mn" | "mln" | "mio" | "mm" | "mil" | "million" => 1e6,
        "b" | "bn" | "bln" => 1e9,
        "tn" | "trn" | "tln" => 1e12,
        _ => return None,
    })
}

/// How a word was found: its meaning and the prefix letters stripped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found {
    /// The meaning.
    pub w: W,
    /// A conjunction و was attached.
    pub conj: bool,
    /// The definite article ال was attached (السته).
    pub definite: bool,
    /// A preposition (ب, ل, ك) was attached.
    pub prep: bool,
}

/// Looks up one folded word, trying attached Arabic prefixes.
pub fn lookup(w: &str) -> Option<Found> {
    let (lex, ends) = lexicon();
    let found = |w: W, conj, definite, prep| Found {
        w,
        conj,
        definite,
        prep,
    };
    if ends.may_hold(w)
        && let Some(&x) = lex.get(w)
    {
        return Some(found(x, false, false, false));
    }
    // Accusative singular of a scale word: كوادريليوناً, ملياراً.
    if let Some(stem) = w.strip_suffix('ا')
        && ends.may_hold(stem)
        && let Some(&x @ W::Scale(_)) = lex.get(stem)
    {
        return Some(found(x, false, false, false));
    }
    // The forms tried below are suffixes of `w` of two letters or more.
    if !ends.may_end(w) {
        return None;
    }
    let arabic = w
        .chars()
        .next()
        .is_some_and(|c| ('\u{600}'..='\u{6ff}').contains(&c));
    if !arabic {
        return None;
    }
    let prefixes: &[(&str, bool, bool, bool)] = &[
        ("و", true, false, false),
        ("وال", true, true, false),
        ("ال", false, true, false),
        ("ب", false, false, true),
        ("بال", false, true, true),
        ("ل", false, false, true),
        ("لل", false, true, true),
        ("وب", true, false, true),
        ("ف", true, false, false),
    ];
    for &(p, conj, definite, prep) in prefixes {
        if let Some(rest) = strip(w, p)
            && rest.chars().nth(1).is_some()
            && ends.may_hold(rest)
            && let Some(&x) = lex.get(rest)
        {
            // الاثنين is Monday; a definite word is only a number for the
            // units (السته = the six), not for the scales or fractions.
            if definite
                && (rest == "اثنين"
                    || rest == "اثنان"
                    || !matches!(x, W::Unit(_) | W::PluralScale(_)))
            {
                continue;
            }
            return Some(found(x, conj, definite, prep));
        }
    }
    None
}

/// The token may start a number: digits, or a number word (with its
/// attached prefixes). [`parse_at_in`] reads none from any other token.
pub fn starts_number(t: &Token) -> bool {
    match t.kind {
        Tok::Num => true,
        Tok::Word => t.lex().is_some(),
        Tok::Punct => false,
    }
}

/// A number read from tokens `start..end`.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The value, if exact.
    pub value: Option<f64>,
    /// For vague quantities (عشرات, آلاف, hundreds of): the range.
    pub range: Option<(f64, f64)>,
    /// The first word carried the article (أولاده السته).
    pub definite: bool,
    /// Any word was spelled out (not only digits).
    pub words: bool,
    /// Only a fraction word ("نصف", "half"): a number only before a unit.
    pub bare_fraction: bool,
    /// A digit-glued abbreviation such as "m" was read as a scale.
    pub abbrev_m: bool,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Last {
    None,
    Digits,
    Unit,
    Hundred,
    Scale,
    Fraction,
    Minus,
    A,
}

/// Reads the longest number starting at token `i`, never reading a token
/// for which `blocked` is true.
pub fn parse_at(toks: &[Token], i: usize, blocked: &dyn Fn(usize) -> bool) -> Option<Parsed> {
    parse_at_in(toks, i, blocked, &|| false)
}

/// [`parse_at`] with the digit rules of English text when `english` (asked
/// only of digits it changes, see [`parse_digits_with`]).
pub fn parse_at_in(
    toks: &[Token],
    i: usize,
    blocked: &dyn Fn(usize) -> bool,
    english: &dyn Fn() -> bool,
) -> Option<Parsed> {
    // Only digits or a number word start a number (most tokens are
    // neither: answered before the reader's set-up).
    if !toks.get(i).is_some_and(starts_number) {
        return None;
    }
    let mut total = 0.0f64;
    let mut current = 0.0f64;
    let mut sign = 1.0;
    let mut last = Last::None;
    let mut last_scale = 0.0f64;
    let mut range: Option<(f64, f64)> = None;
    let mut definite = false;
    let mut words = false;
    let mut end = i;
    let mut j = i;
    let mut fraction_only = false;
    let mut abbrev_m = false;
    let mut committed_end = i;
    let mut committed = None;
    let mut pending_conj = false;

    while j < toks.len() && !blocked(j) {
        let t = &toks[j];
        if j > i && t.newline_before {
            break;
        }
        // "( 100 ) ألف سلة", "\"1.7\" مليون": the scale word left outside
        // the brackets or quotes.
        if last == Last::Digits
            && t.is_punct_in(")\"”»")
            && toks.get(j + 1).is_some_and(|n| {
                !n.newline_before
                    && n.lex()
                        .is_some_and(|f| matches!(f.w, W::Scale(_) | W::PluralScale(_)))
            })
        {
            j += 1;
            continue;
        }
        // Conjunctions between elements.
        if last != Last::None && !pending_conj {
            let is_conj = (t.kind == Tok::Word && (t.is("و") || t.is("and")))
                || (t.is_punct_in("-‐‑")
                    && (!t.space_before || toks[j - 1].kind == Tok::Word)
                    && toks.get(j + 1).is_some_and(|n| n.kind == Tok::Word));
            if is_conj {
                pending_conj = true;
                j += 1;
                continue;
            }
        }
        let first = last == Last::None || last == Last::Minus;
        let elem = match t.kind {
            Tok::Num => {
                // "4 thousand 3 hundred": digits after a scale word only
                // before "hundred".
                let before_hundred = last == Last::Scale
                    && current == 0.0
                    && toks
                        .get(j + 1)
                        .and_then(|n| n.lex())
                        .is_some_and(|f| f.w == W::Hundred);
                if before_hundred && !pending_conj {
                    let Some(v) = parse_digits_with(&t.norm, english) else {
                        break;
                    };
                    if v >= 10.0 || v.fract() != 0.0 {
                        break;
                    }
                    current = v;
                    last = Last::Digits;
                    j += 1;
                    continue;
                }
                if !(first || pending_conj) {
                    break;
                }
                let Some(v) = parse_digits_with(&t.norm, english) else {
                    break;
                };
                // After a conjunction, digits only join before a scale word
                // ("أربعة مليارات و 400 مليون") or below the hundreds or
                // scale before them ("ألف و 500", "3 hundred and 21").
                if !first {
                    let next_scale = toks.get(j + 1).and_then(|n| n.lex()).is_some_and(|f| {
                        matches!(f.w, W::Scale(_) | W::PluralScale(_) | W::Hundred)
                    });
                    let then_scale = toks.get(j + 1).and_then(|n| n.lex()).is_some_and(|f| {
                        matches!(f.w, W::Scale(_) | W::PluralScale(_) | W::Hundred)
                    });
                    let below = v.fract() == 0.0
                        && !then_scale
                        && match last {
                            Last::Hundred => current % 100.0 == 0.0 && v < 100.0,
                            Last::Scale => current == 0.0 && v < last_scale && last_scale >= 1000.0,
                            _ => false,
                        };
                    if !(below || current == 0.0 && next_scale) {
                        break;
                    }
                    current += v;
                    last = if below { Last::Unit } else { Last::Digits };
                    words = true;
                    pending_conj = false;
                    j += 1;
                    end = j;
                    committed_end = end;
                    committed = Some((total + current) * sign);
                    continue;
                }
                Some((W::Unit(v), false, false, true))
            }
            Tok::Word => {
                // Scale abbreviations right after digits ("2.5bn", "10 bln",
                // "10M"; a spaced one-letter "k" or "m" only in capitals).
                // (Only worked out after digits: asked of every word.)
                let short = || (t.norm.chars().count() == 1 && t.norm != "k") || t.norm == "mm";
                let dotted = || {
                    toks.get(j + 1)
                        .is_some_and(|n| n.is_punct_in(".") && !n.space_before)
                };
                if last == Last::Digits
                    && !pending_conj
                    && (!t.space_before || !short() || t.upper)
                    && !dotted()
                    && let Some(s) = scale_abbrev(&t.norm)
                {
                    abbrev_m = t.norm == "m" && !t.upper;
                    current *= s;
                    last = Last::Scale;
                    last_scale = s;
                    end = j + 1;
                    j += 1;
                    committed_end = end;
                    committed = Some((total + current) * sign);
                    continue;
                }
                match t.lex() {
                    Some(f) => {
                        if f.conj && !first && pending_conj {
                            break;
                        }
                        let tens_of =
                            f.definite && range.is_some() && matches!(f.w, W::PluralScale(_));
                        if (f.prep || f.definite) && !first && !tens_of {
                            break;
                        }
                        if f.definite && first && matches!(f.w, W::PluralScale(_)) {
                            break; // الآلاف alone: "the thousands"
                        }
                        Some((f.w, f.conj, f.definite, false))
                    }
                    None => None,
                }
            }
            Tok::Punct => None,
        };
        let Some((w, conj, def, digits)) = elem else {
            break;
        };
        let conj = conj || pending_conj;
        if first && conj && last == Last::None {
            // A leading و is "and", not part of the number; accept it.
        }
        let unit_part = current % 100.0;
        let ok = match w {
            W::Unit(v) if digits => {
                current = v;
                last = Last::Digits;
                true
            }
            W::Unit(v) => {
                let allowed = match last {
                    Last::None | Last::Minus | Last::Scale => current == 0.0,
                    Last::Hundred => true,
                    Last::Unit => {
                        if v == 10.0 && (1.0..10.0).contains(&unit_part) && !conj {
                            true // ثلاثة عشر
                        } else if v >= 20.0 && v % 10.0 == 0.0 && v < 100.0 {
                            (1.0..10.0).contains(&unit_part) && conj // خمسة وعشرون
                        } else if (1.0..10.0).contains(&v) {
                            unit_part >= 20.0 && unit_part % 10.0 == 0.0 && !t.is("عشر") // twenty five
                        } else {
                            false
                        }
                    }
                    _ => false,
                };
                if !allowed {
                    false
                } else {
                    current += v;
                    last = Last::Unit;
                    true
                }
            }
            W::Hundred => {
                if (current < 10.0 || last == Last::Digits && current.fract() == 0.0)
                    && matches!(
                        last,
                        Last::None
                            | Last::Unit
                            | Last::Scale
                            | Last::Minus
                            | Last::A
                            | Last::Digits
                    )
                {
                    current = if current == 0.0 {
                        100.0
                    } else {
                        current * 100.0
                    };
                    last = Last::Hundred;
                    true
                } else {
                    false
                }
            }
            W::Hundreds(v) => {
                if current == 0.0 && matches!(last, Last::None | Last::Scale | Last::Minus) {
                    current = v;
                    last = Last::Hundred;
                    true
                } else {
                    false
                }
            }
            W::Scale(s) | W::DualScale(s) | W::PluralScale(s) => {
                let tens_of = range.is_some() && current == 0.0 && total == 0.0;
                if last_scale != 0.0 && s >= last_scale && !tens_of {
                    false
                } else {
                    let dual = matches!(w, W::DualScale(_));
                    let bare_alfa = t.norm.ends_with("ا")
                        && matches!(w, W::Scale(_))
                        && current == 0.0
                        && last != Last::A;
                    let original = &t.norm;
                    let _ = original;
                    // "مليارا وتسعة وخمسين مليون": an accusative singular
                    // joined to more figures, not a dual ("مليارا دولار").
                    let joined = toks.get(j + 1).is_some_and(|n| {
                        n.norm.starts_with('و') && n.norm.chars().count() > 1 || n.is("و")
                    });
                    if dual || (bare_alfa && first && !has_tanween(t) && !joined) {
                        if current != 0.0 {
                            false
                        } else {
                            total += 2.0 * s;
                            last_scale = s;
                            last = Last::Scale;
                            true
                        }
                    } else if matches!(w, W::PluralScale(_)) && current == 0.0 && range.is_none() {
                        // آلاف / thousands alone: a vague quantity.
                        let (lo, hi) = if s == 10.0 {
                            (20.0, 99.0)
                        } else {
                            (2.0 * s, 10.0 * s - 1.0)
                        };
                        range = Some((lo, hi));
                        last_scale = s;
                        last = Last::Scale;
                        true
                    } else if let Some((lo, hi)) = range.filter(|_| current == 0.0 && total == 0.0)
                    {
                        // عشرات الآلاف: tens of thousands.
                        range = Some((lo * s, hi * s));
                        last_scale = s;
                        last = Last::Scale;
                        true
                    } else {
                        total += (if current == 0.0 { 1.0 } else { current }) * s;
                        current = 0.0;
                        last_scale = s;
                        last = Last::Scale;
                        true
                    }
                }
            }
            W::Half | W::Quarter | W::Third => {
                let f = match w {
                    W::Half => 0.5,
                    W::Quarter => 0.25,
                    _ => 1.0 / 3.0,
                };
                if first || last == Last::A {
                    current = f;
                    fraction_only = true;
                    last = Last::Fraction;
                    true
                } else if conj && last == Last::Scale && current == 0.0 {
                    total += f * last_scale; // مليون ونصف
                    last = Last::Fraction;
                    true
                } else if conj && matches!(last, Last::Unit | Last::Digits) {
                    current += f; // two and a half
                    last = Last::Fraction;
                    true
                } else if last == Last::A && conj {
                    current += f;
                    last = Last::Fraction;
                    true
                } else {
                    false
                }
            }
            W::Dozen => {
                if matches!(
                    last,
                    Last::None
                        | Last::Unit
                        | Last::Digits
                        | Last::A
                        | Last::Fraction
                        | Last::Hundred
                ) {
                    current = if current == 0.0 { 12.0 } else { current * 12.0 };
                    last = Last::Scale;
                    last_scale = 12.0;
                    true
                } else {
                    false
                }
            }
            W::A => {
                // "a" only counts before a scale, a dozen or a fraction; an
                // "and a half" after units.
                if first
                    && toks
                        .get(j + 1)
                        .is_some_and(|n| n.is("couple") || n.is("pair"))
                {
                    current = 2.0;
                    last = Last::Unit;
                    words = true;
                    j += 2;
                    if toks.get(j).is_some_and(|n| n.is("of")) {
                        j += 1;
                    }
                    end = j;
                    committed_end = end;
                    committed = Some(current * sign);
                    continue;
                }
                let next = toks.get(j + 1).and_then(|n| n.lex());
                let next_ok = next.is_some_and(|f| {
                    matches!(
                        f.w,
                        W::Scale(_) | W::Hundred | W::Dozen | W::Half | W::Quarter
                    )
                });
                if !next_ok {
                    false
                } else if first {
                    last = Last::A;
                    true
                } else if last == Last::Fraction {
                    // "half a dozen"
                    j += 1;
                    continue;
                } else if conj && matches!(last, Last::Unit | Last::Digits | Last::Scale) {
                    // "two and a half": keep the conjunction pending.
                    j += 1;
                    end = j;
                    continue;
                } else {
                    false
                }
            }
            W::Point => {
                // English "one point five": decimals, one digit word each.
                if !matches!(last, Last::Unit | Last::Digits | Last::Hundred) {
                    false
                } else {
                    let mut k = j + 1;
                    let mut frac = String::new();
                    while let Some(n) = toks.get(k) {
                        let d = match (n.kind, n.lex()) {
                            (Tok::Word, Some(Found { w: W::Unit(d), .. })) if d < 10.0 => d as u32,
                            (Tok::Num, _) if n.norm.chars().all(|c| c.is_ascii_digit()) => {
                                frac.push_str(&n.norm);
                                k += 1;
                                break;
                            }
                            _ => break,
                        };
                        frac.push(char::from_digit(d, 10).unwrap_or('0'));
                        k += 1;
                    }
                    if frac.is_empty() {
                        false
                    } else {
                        current += format!("0.{frac}").parse::<f64>().unwrap_or(0.0);
                        words = true;
                        j = k;
                        end = k;
                        last = Last::Fraction;
                        pending_conj = false;
                        committed_end = end;
                        committed = Some((total + current) * sign);
                        continue;
                    }
                }
            }
            W::Minus => {
                if last == Last::None {
                    sign = -1.0;
                    last = Last::Minus;
                    j += 1;
                    continue;
                } else {
                    false
                }
            }
            W::Few => {
                if first && range.is_none() {
                    range = Some((3.0, 9.0));
                    last = Last::Scale;
                    last_scale = 1.0;
                    words = true;
                    true
                } else {
                    false
                }
            }
        };
        if !ok {
            break;
        }
        if j == i || (first && last != Last::Minus) {
            definite |= def;
        }
        if !digits {
            words = true;
        }
        if !matches!(w, W::Half | W::Quarter | W::Third | W::A) {
            fraction_only = false;
        }
        pending_conj = false;
        j += 1;
        end = j;
        if last != Last::A {
            committed_end = end;
            committed = Some((total + current) * sign);
        }
    }
    let _ = end;
    if committed_end == i {
        return None;
    }
    let end = committed_end;
    let (value, range) = match range {
        Some((lo, hi)) if committed == Some(0.0) || total == 0.0 && current == 0.0 => {
            (None, Some((lo, hi)))
        }
        Some((lo, hi)) => {
            // بضع مئات, بضعة آلاف: a few hundred.
            let _ = (lo, hi);
            (None, Some((lo, hi)))
        }
        None => (committed, None),
    };
    Some(Parsed {
        start: i,
        end,
        value,
        range,
        definite,
        words,
        bare_fraction: fraction_only,
        abbrev_m,
    })
}

fn has_tanween(t: &Token) -> bool {
    t.tanween
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings_keep_every_key_and_its_prefixed_forms() {
        let (lex, ends) = lexicon();
        for k in lex.keys() {
            assert!(ends.may_hold(k), "{k}");
            for p in ["و", "وال", "بال", "ل", "x"] {
                let w = format!("{p}{k}");
                assert!(k.len() < 2 || ends.may_end(&w), "{w}");
            }
        }
    }

    use crate::claims::token::tokenize;

    fn val(s: &str) -> Option<f64> {
        let t = tokenize(s);
        let p = parse_at(&t, 0, &|_| false)?;
        assert_eq!(p.end, t.len(), "{s}: read {p:?}");
        p.value
    }

    #[test]
    fn arabic_words() {
        assert_eq!(val("خمسة وعشرون"), Some(25.0));
        assert_eq!(val("ثلاثة عشر"), Some(13.0));
        assert_eq!(val("أربعة مليارات و 400 مليون"), Some(4.4e9));
        assert_eq!(val("مليون ونصف"), Some(1.5e6));
        assert_eq!(val("ثلاثمائة"), Some(300.0));
        assert_eq!(val("ثلاث مئة"), Some(300.0));
        assert_eq!(val("ألفين"), Some(2000.0));
        assert_eq!(val("مليارين"), Some(2e9));
        assert_eq!(val("مائة آلاف"), Some(100_000.0));
        assert_eq!(val("عشرون ألفاً"), Some(20_000.0));
        assert_eq!(val("تسع مئة و تسعة و تسعون"), Some(999.0));
        assert_eq!(val("واحد وعشرون تريليون"), Some(21e12));
        assert_eq!(val("سالب اثنان و عشرون"), Some(-22.0));
        assert_eq!(val("4.4 مليار"), Some(4.4e9));
        assert_eq!(val("ألف"), Some(1000.0));
        assert_eq!(val("السته"), Some(6.0));
    }

    #[test]
    fn english_words() {
        assert_eq!(val("twenty-five"), Some(25.0));
        assert_eq!(val("one hundred and sixty-one"), Some(161.0));
        assert_eq!(val("two and a half million"), Some(2.5e6));
        assert_eq!(val("a dozen"), Some(12.0));
        assert_eq!(val("1.5 million"), Some(1.5e6));
        assert_eq!(val("3m"), Some(3e6));
        assert_eq!(val("two hundred thousand"), Some(200_000.0));
        assert_eq!(val("one million two hundred thousand"), Some(1_200_000.0));
        assert_eq!(val("a quarter million"), Some(250_000.0));
        assert_eq!(val("1 point 1"), Some(1.1));
    }

    #[test]
    fn vague() {
        let t = tokenize("عشرات الآلاف");
        let p = parse_at(&t, 0, &|_| false).unwrap();
        assert_eq!(p.range, Some((20_000.0, 99_000.0)));
        assert_eq!(p.value, None);
    }

    #[test]
    fn false_friends() {
        assert!(lookup("الاثنين").is_none());
        assert_eq!(lookup("عشرين").map(|f| f.w), Some(W::Unit(20.0)));
    }
}
