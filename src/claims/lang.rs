//! Language of a text, and of each sentence of a mixed text, from its
//! script and a few frequent words.

use crate::document::Lang;
use std::cell::Cell;

/// The language of `text`: Arabic when Arabic letters outnumber Latin ones,
/// English when Latin letters dominate and common English words occur,
/// otherwise `Other`.
pub fn detect(text: &str) -> Lang {
    let mut n = Letters::default();
    for c in text.chars() {
        n.add(c);
    }
    n.lang(text)
}

/// Arabic and Latin letters counted in a text.
#[derive(Clone, Copy, Default)]
struct Letters {
    ar: usize,
    latin: usize,
}

impl Letters {
    #[inline]
    fn add(&mut self, c: char) {
        match c {
            'a'..='z' | 'A'..='Z' => self.latin += 1,
            '\u{0600}'..='\u{06ff}'
            | '\u{0750}'..='\u{077f}'
            | '\u{fb50}'..='\u{fdff}'
            | '\u{fe70}'..='\u{feff}'
                if super::token::is_alpha(c) =>
            {
                self.ar += 1
            }
            _ => {}
        }
    }

    /// [`detect`] of `text`, whose letters these are.
    fn lang(self, text: &str) -> Lang {
        self.lang_with(|| {
            // The first words (runs of ASCII letters), read byte by byte.
            let b = text.as_bytes();
            let mut w = Words::default();
            let mut i = 0;
            while i < b.len() && w.total < Words::MAX {
                if b[i].is_ascii_alphabetic() {
                    let s = i;
                    while i < b.len() && b[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    w.add(b[s..i].len(), pack(&b[s..i]));
                } else {
                    i += 1;
                }
            }
            w
        })
    }

    /// The language of a text with these letters, and with the words
    /// `words` gives (asked only when Latin letters dominate).
    fn lang_with(self, words: impl FnOnce() -> Words) -> Lang {
        let Letters { ar, latin } = self;
        if ar == 0 && latin == 0 {
            return Lang::Other;
        }
        if ar >= latin {
            return Lang::Ar;
        }
        let Words { total, hits } = words();
        // Short texts ("3 km", "twenty") have too few words to judge: Latin
        // letters are taken as English.
        if total < 8 || hits * 10 >= total {
            Lang::En
        } else {
            Lang::Other
        }
    }
}

/// The first [`Words::MAX`] words of a text (runs of ASCII letters)
/// counted, and how many of them are common English words.
#[derive(Clone, Copy, Default)]
struct Words {
    total: usize,
    hits: usize,
}

impl Words {
    /// Words read of a text.
    const MAX: usize = 400;

    /// Counts a word of `len` letters whose first four, [`pack`]ed, are
    /// `packed` (once `MAX` words are counted, the rest are not).
    #[inline]
    fn add(&mut self, len: usize, packed: u32) {
        if self.total < Self::MAX {
            self.total += 1;
            self.hits += usize::from(len <= 4 && is_common_packed(packed));
        }
    }
}

/// One of the most frequent English words, in any case (`w` is ASCII
/// letters).
#[cfg(test)]
fn is_common_english(w: &[u8]) -> bool {
    w.len() <= 4 && is_common_packed(pack(w))
}

/// The [`pack`]ed forms of the most frequent English words, in an open
/// addressed table (a scan of the thirty-two was most of the time
/// `sentences` spent on English text).
const COMMON: [u32; 128] = {
    const WORDS: [u32; 32] = [
        pack(b"the"),
        pack(b"of"),
        pack(b"and"),
        pack(b"to"),
        pack(b"in"),
        pack(b"a"),
        pack(b"is"),
        pack(b"that"),
        pack(b"for"),
        pack(b"on"),
        pack(b"was"),
        pack(b"with"),
        pack(b"said"),
        pack(b"he"),
        pack(b"it"),
        pack(b"by"),
        pack(b"as"),
        pack(b"at"),
        pack(b"from"),
        pack(b"his"),
        pack(b"have"),
        pack(b"has"),
        pack(b"are"),
        pack(b"be"),
        pack(b"an"),
        pack(b"this"),
        pack(b"were"),
        pack(b"not"),
        pack(b"will"),
        pack(b"who"),
        pack(b"one"),
        pack(b"two"),
    ];
    let mut t = [0u32; 128];
    let mut k = 0;
    while k < WORDS.len() {
        let mut h = common_slot(WORDS[k]);
        while t[h] != 0 {
            h = (h + 1) % 128;
        }
        t[h] = WORDS[k];
        k += 1;
    }
    t
};

/// The first slot of a packed word in [`COMMON`].
const fn common_slot(v: u32) -> usize {
    (v.wrapping_mul(0x9e37_79b1) >> 25) as usize
}

/// A word of at most four letters, [`pack`]ed, is one of the most frequent
/// English words (the longest of them has four letters).
#[inline]
fn is_common_packed(v: u32) -> bool {
    let mut h = common_slot(v);
    loop {
        match COMMON[h] {
            0 => return false,
            x if x == v => return true,
            _ => h = (h + 1) % 128,
        }
    }
}

/// Up to four ASCII letters, lowercased, as one number (letters are never
/// zero, so different words give different numbers).
const fn pack(w: &[u8]) -> u32 {
    let mut v = 0u32;
    let mut i = 0;
    while i < w.len() && i < 4 {
        v = v << 8 | (w[i] | 0x20) as u32;
        i += 1;
    }
    v
}

/// The sentences of a text with their languages, and the whole text's.
pub struct Sentences {
    /// `(start, end, lang)` per sentence, in text order.
    spans: Vec<(usize, usize, Lang)>,
    /// The language of the whole text.
    pub doc: Lang,
    /// The sentence of the last answer of [`Sentences::lang_at`]: asked for
    /// nearly every token, mostly in text order, it is tried first.
    last: Cell<usize>,
}

impl Sentences {
    /// The language of the sentence holding `byte`.
    pub fn lang_at(&self, byte: usize) -> Lang {
        if let Some(&(start, end, lang)) = self.spans.get(self.last.get())
            && start <= byte
            && byte < end
        {
            return lang;
        }
        let i = self
            .spans
            .partition_point(|s| s.1 <= byte)
            .min(self.spans.len() - 1);
        self.last.set(i);
        self.spans[i].2
    }
}

/// Sentences of `text` with their languages; with `force`, every sentence
/// (and the text) gets that language.
pub fn sentences(text: &str, force: Option<Lang>) -> Sentences {
    // One pass: sentence ends, and each sentence's letters (the text's are
    // their sum, sentences covering the text end to end).
    // Also in the same pass: the words of each sentence and of the text
    // (`Letters::lang` would read them again).
    let mut out = Vec::new();
    let mut letters = Vec::new();
    let mut words = Vec::new();
    let mut doc_words = Words::default();
    let mut t = Tally::default();
    let mut start = 0;
    let arabic_alpha = super::token::arabic_alpha();
    let mut i = 0;
    while i < text.len() {
        let (len, is_end, ended) = t.step(text, i, arabic_alpha);
        if let Some((wlen, wpack)) = ended {
            doc_words.add(wlen, wpack);
        }
        i += len;
        if is_end {
            out.push((start, i, Lang::Other));
            letters.push(std::mem::take(&mut t.n));
            words.push(std::mem::take(&mut t.w));
            start = i;
        }
    }
    if let Some((wlen, wpack)) = t.end_word() {
        doc_words.add(wlen, wpack);
    }
    if start < text.len() || out.is_empty() {
        out.push((start, text.len(), Lang::Other));
        letters.push(t.n);
        words.push(t.w);
    }
    let doc = force.unwrap_or_else(|| {
        let all = letters.iter().fold(Letters::default(), |a, b| Letters {
            ar: a.ar + b.ar,
            latin: a.latin + b.latin,
        });
        all.lang_with(|| doc_words)
    });
    for ((s, n), w) in out.iter_mut().zip(&letters).zip(&words) {
        s.2 = match force {
            Some(l) => l,
            None => match n.lang_with(|| *w) {
                Lang::Other => doc,
                l => l,
            },
        };
    }
    Sentences {
        spans: out,
        doc,
        last: Cell::new(0),
    }
}

/// The sentence languages of a text read only where they are asked for:
/// [`Sentences::lang_at`]'s answers without the pass over the whole text
/// (claims are looked for in a fraction of a document). A sentence is read
/// from its start, found by looking back for the end of the one before;
/// the text's language, the fallback of a sentence without one, is
/// detected on first need.
pub struct LazySentences<'a> {
    text: &'a str,
    force: Option<Lang>,
    /// `(start, end, lang)` of the sentences read, sorted by start.
    read: std::cell::RefCell<Vec<(usize, usize, Lang)>>,
    /// The sentence of the last answer (an index into `read`).
    last: Cell<usize>,
    doc: std::cell::OnceCell<Lang>,
}

impl<'a> LazySentences<'a> {
    /// The sentences of `text`, none read yet; with `force`, every
    /// sentence has that language.
    pub fn new(text: &'a str, force: Option<Lang>) -> LazySentences<'a> {
        LazySentences {
            text,
            force,
            read: std::cell::RefCell::new(Vec::new()),
            last: Cell::new(0),
            doc: std::cell::OnceCell::new(),
        }
    }

    /// The language of the whole text ([`detect`], or the forced one).
    pub fn doc(&self) -> Lang {
        *self
            .doc
            .get_or_init(|| self.force.unwrap_or_else(|| detect(self.text)))
    }

    /// What [`Sentences::lang_at`] answers for `byte`.
    pub fn lang_at(&self, byte: usize) -> Lang {
        if let Some(l) = self.force {
            return l;
        }
        let text = self.text;
        if text.is_empty() {
            return self.doc();
        }
        // Past the end: the last sentence.
        let byte = byte.min(text.len() - 1);
        let mut read = self.read.borrow_mut();
        if let Some(&(start, end, lang)) = read.get(self.last.get())
            && start <= byte
            && byte < end
        {
            return lang;
        }
        let i = read.partition_point(|s| s.1 <= byte);
        if let Some(&(start, _, lang)) = read.get(i)
            && start <= byte
        {
            self.last.set(i);
            return lang;
        }
        let start = sentence_start(text.as_bytes(), byte);
        let (end, n, w) = read_sentence(text, start);
        let lang = match n.lang_with(|| w) {
            Lang::Other => self.doc(),
            l => l,
        };
        read.insert(i, (start, end, lang));
        self.last.set(i);
        lang
    }
}

/// The start of the sentence holding byte `at` (below the text's length)
/// of `b`: the end of the last sentence end (see [`sentences`]) at or
/// before it. Every end is an ASCII character or a character whose last
/// byte, a continuation byte, follows a fixed lead: found from the bytes.
fn sentence_start(b: &[u8], at: usize) -> usize {
    let mut i = at;
    while i > 0 {
        let x = b[i - 1];
        let end = match x {
            b'\n' | b'!' | b'?' => true,
            b'.' => b.get(i).is_none_or(|n| n.is_ascii_whitespace()),
            // ؟ (D8 9F) and U+2029 (E2 80 A9).
            0x9f => i >= 2 && b[i - 2] == 0xd8,
            0xa9 => i >= 3 && b[i - 3] == 0xe2 && b[i - 2] == 0x80,
            _ => false,
        };
        if end {
            return i;
        }
        i -= 1;
    }
    0
}

/// Reads the sentence of `text` that starts at `start` as [`sentences`]
/// does: its end, its letters and its words.
fn read_sentence(text: &str, start: usize) -> (usize, Letters, Words) {
    let mut t = Tally::default();
    let arabic_alpha = super::token::arabic_alpha();
    let mut i = start;
    while i < text.len() {
        let (len, is_end, _) = t.step(text, i, arabic_alpha);
        i += len;
        if is_end {
            return (i, t.n, t.w);
        }
    }
    t.end_word();
    (text.len(), t.n, t.w)
}

/// The letters and words of a stretch of text read a character at a time,
/// and the word being read (its length and its first letters packed):
/// what [`sentences`] and [`read_sentence`] count alike.
#[derive(Default)]
struct Tally {
    n: Letters,
    w: Words,
    wlen: usize,
    wpack: u32,
}

impl Tally {
    /// Reads the character at byte `i` of `text` (or the run of ASCII
    /// letters it starts): its length, whether it ends a sentence, and the
    /// word it ended (counted here too). ASCII and
    /// the Arabic block (two bytes, lead D8–DB) are read from the bytes;
    /// other characters decoded.
    #[inline(always)]
    fn step(
        &mut self,
        text: &str,
        i: usize,
        arabic_alpha: &[bool; 256],
    ) -> (usize, bool, Option<(usize, u32)>) {
        let bytes = text.as_bytes();
        let b = bytes[i];
        if b.is_ascii_alphabetic() {
            // The whole run of ASCII letters at once.
            let mut j = i;
            while let Some(&b) = bytes.get(j).filter(|b| b.is_ascii_alphabetic()) {
                self.wlen += 1;
                if self.wlen <= 4 {
                    self.wpack = self.wpack << 8 | u32::from(b | 0x20);
                }
                j += 1;
            }
            self.n.latin += j - i;
            return (j - i, false, None);
        }
        let ended = self.end_word();
        let (len, is_end) = if b < 0x80 {
            let stop = b == b'.' && bytes.get(i + 1).is_none_or(|x| x.is_ascii_whitespace());
            (1, stop || matches!(b, b'\n' | b'!' | b'?'))
        } else if (0xd8..=0xdb).contains(&b) {
            let k = usize::from(b - 0xd8) << 6 | usize::from(bytes[i + 1] & 0x3f);
            if arabic_alpha[k] {
                self.n.ar += 1;
            }
            (2, k == 0x1f) // ؟
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            self.n.add(c);
            (c.len_utf8(), c == '\u{2029}')
        };
        (len, is_end, ended)
    }

    /// Ends the word being read, if there is one: counts it and returns it.
    #[inline(always)]
    fn end_word(&mut self) -> Option<(usize, u32)> {
        (self.wlen > 0).then(|| {
            let word = (self.wlen, self.wpack);
            self.w.add(word.0, word.1);
            (self.wlen, self.wpack) = (0, 0);
            word
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects() {
        assert_eq!(detect("قال الوزير إن 1000 جندي وصلوا"), Lang::Ar);
        assert_eq!(
            detect("The minister said that 1,000 soldiers arrived on Thursday."),
            Lang::En
        );
        assert_eq!(detect("12345"), Lang::Other);
        assert_eq!(
            detect("Le ministre a dit que les soldats sont arrivés dans la ville hier soir."),
            Lang::Other
        );
    }

    /// The sentence splitting and letter counts, character by character:
    /// what the byte-reading `sentences` must agree with.
    fn reference(text: &str) -> Vec<(usize, usize, Lang)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            let is_end = matches!(c, '\n' | '!' | '?' | '؟' | '\u{2029}')
                || (c == '.'
                    && text[end..]
                        .chars()
                        .next()
                        .is_none_or(|n| n.is_ascii_whitespace()));
            if is_end {
                out.push((start, end));
                start = end;
            }
        }
        if start < text.len() || out.is_empty() {
            out.push((start, text.len()));
        }
        let doc = detect(text);
        out.into_iter()
            .map(|(a, b)| match detect(&text[a..b]) {
                Lang::Other => (a, b, doc),
                l => (a, b, l),
            })
            .collect()
    }

    #[test]
    fn sentences_as_read_char_by_char() {
        // Over 400 words in a sentence: which are counted matters.
        let long = format!(
            "{}{} and more.\n{}",
            "Le chien voit le chat dans la maison ".repeat(60),
            " the of and to in a is".repeat(40),
            "the of and ".repeat(200)
        );
        for t in [
            "",
            "هل وصل؟ نعم.\u{2029}Yes he did! Did he?\nۇ ﻻ ﺏ ݐ ٣.٥ 3.5 x.y",
            "Le ministre a dit. The minister said that it was so.",
            "«قال» \u{200f}الوزير... ok",
            &long,
            &"Le chat et le chien. ".repeat(30),
            "Ab THE tHe a\u{e9}the zthe the1the. Mixed وal قالthe",
        ] {
            let s = sentences(t, None);
            assert_eq!(s.spans, reference(t), "{t:?}");
            assert_eq!(s.doc, detect(t));
        }
    }

    #[test]
    fn common_english_words_in_any_case() {
        for w in ["the", "The", "THE", "a", "A", "said", "Said", "two", "tWo"] {
            assert!(is_common_english(w.as_bytes()), "{w}");
        }
        for w in ["then", "th", "b", "saids", "twos", "z", "thee", "xthe"] {
            assert!(!is_common_english(w.as_bytes()), "{w}");
        }
        // Every word of up to three letters: only the listed ones.
        let listed = [
            "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "said",
            "he", "it", "by", "as", "at", "from", "his", "have", "has", "are", "be", "an", "this",
            "were", "not", "will", "who", "one", "two",
        ];
        assert_eq!(COMMON.iter().filter(|&&x| x != 0).count(), listed.len());
        for w in &listed {
            assert!(is_common_english(w.as_bytes()), "{w}");
        }
        let abc = b'a'..=b'z';
        for x in abc.clone() {
            for y in abc.clone().map(Some).chain([None]) {
                for z in abc.clone().map(Some).chain([None]) {
                    let w: Vec<u8> = [Some(x), y, z].into_iter().flatten().collect();
                    let s = std::str::from_utf8(&w).unwrap();
                    assert_eq!(is_common_english(&w), listed.contains(&s), "{s}");
                }
            }
        }
    }

    /// Every char boundary of `t` (and past its end) gets the same
    /// language from [`LazySentences`] as from [`sentences`], asked in
    /// text order and in a scattered order.
    fn lazy_agrees(t: &str) {
        for force in [None, Some(Lang::En)] {
            let full = sentences(t, force);
            let mut at: Vec<usize> = (0..=t.len() + 1)
                .filter(|&b| b > t.len() || t.is_char_boundary(b))
                .collect();
            let lazy = LazySentences::new(t, force);
            for &b in &at {
                assert_eq!(lazy.lang_at(b), full.lang_at(b), "{b} of {t:?}");
            }
            at.sort_by_key(|&b| (b * 7919) % (t.len() + 3));
            let lazy = LazySentences::new(t, force);
            for &b in &at {
                assert_eq!(lazy.lang_at(b), full.lang_at(b), "{b} of {t:?}");
            }
            assert_eq!(lazy.doc(), full.doc);
        }
    }

    #[test]
    fn lazy_sentences_as_the_whole_pass() {
        for t in [
            "",
            ".",
            "2019\n",
            "هل وصل؟ نعم.\u{2029}Yes he did! Did he?\nۇ ﻻ ﺏ ݐ ٣.٥ 3.5 x.y",
            "Le ministre a dit. The minister said that it was so.\n\n12 000.",
            "«قال» \u{200f}الوزير... ok. 3.5% Le chat et le chien. 25\r\n",
        ] {
            lazy_agrees(t);
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        let mut dirs = vec![root.join("seeds"), root.join("fixtures")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|e| e == "txt")
                    && let Ok(t) = std::fs::read_to_string(&p)
                {
                    lazy_agrees(&t);
                    n += 1;
                }
            }
        }
        assert!(n > 100, "fixtures not found");
    }

    proptest::proptest! {
        #[test]
        fn any_lazy_sentences_as_the_whole_pass(chars in proptest::collection::vec(
            proptest::sample::select(vec![
                'a', 'Z', 't', 'h', 'e', ' ', ' ', '\n', '\r', '.', '.', '!', '?', '؟', '\u{2029}',
                'و', 'ا', 'ﻻ', 'ݐ', '٣', '3', 'é', '«', '\u{200f}', '\u{a9}', '\u{61f}',
            ]),
            0..60,
        )) {
            let s: String = chars.into_iter().collect();
            lazy_agrees(&s);
        }
    }

    #[test]
    fn mixed_by_sentence() {
        let t = "Russia sent troops. وصل ألف جندي أمريكي.";
        let s = sentences(t, None);
        assert_eq!(s.lang_at(0), Lang::En);
        assert_eq!(s.lang_at(t.find('و').unwrap()), Lang::Ar);
        assert_eq!(s.lang_at(0), Lang::En);
        assert_eq!(s.lang_at(t.len() + 5), Lang::Ar);
        let s = sentences(t, Some(Lang::En));
        assert_eq!(s.lang_at(t.len() - 1), Lang::En);
        assert_eq!(s.doc, Lang::En);
    }
}
