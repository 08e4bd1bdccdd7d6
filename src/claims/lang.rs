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
        let Letters { ar, latin } = self;
        if ar == 0 && latin == 0 {
            return Lang::Other;
        }
        if ar >= latin {
            return Lang::Ar;
        }
        // The first 400 words (runs of ASCII letters), read byte by byte.
        let b = text.as_bytes();
        let (mut total, mut hits) = (0usize, 0usize);
        let mut i = 0;
        while i < b.len() && total < 400 {
            if b[i].is_ascii_alphabetic() {
                let s = i;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                total += 1;
                if is_common_english(&b[s..i]) {
                    hits += 1;
                }
            } else {
                i += 1;
            }
        }
        // Short texts ("3 km", "twenty") have too few words to judge: Latin
        // letters are taken as English.
        if total < 8 || hits * 10 >= total {
            Lang::En
        } else {
            Lang::Other
        }
    }
}

/// One of the most frequent English words, in any case (`w` is ASCII
/// letters).
fn is_common_english(w: &[u8]) -> bool {
    // The longest of the words has four letters.
    if w.len() > 4 {
        return false;
    }
    let mut buf = [0u8; 4];
    let low = &mut buf[..w.len()];
    low.copy_from_slice(w);
    low.make_ascii_lowercase();
    matches!(
        &*low,
        b"the"
            | b"of"
            | b"and"
            | b"to"
            | b"in"
            | b"a"
            | b"is"
            | b"that"
            | b"for"
            | b"on"
            | b"was"
            | b"with"
            | b"said"
            | b"he"
            | b"it"
            | b"by"
            | b"as"
            | b"at"
            | b"from"
            | b"his"
            | b"have"
            | b"has"
            | b"are"
            | b"be"
            | b"an"
            | b"this"
            | b"were"
            | b"not"
            | b"will"
            | b"who"
            | b"one"
            | b"two"
    )
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
    let mut out = Vec::new();
    let mut letters = Vec::new();
    let mut n = Letters::default();
    let mut start = 0;
    let bytes = text.as_bytes();
    let arabic_alpha = super::token::arabic_alpha();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII and the Arabic block (two bytes, lead D8–DB) read from the
        // bytes; other characters decoded.
        let b = bytes[i];
        let (len, is_end) = if b < 0x80 {
            if b.is_ascii_alphabetic() {
                n.latin += 1;
            }
            let stop = b == b'.' && bytes.get(i + 1).is_none_or(|x| x.is_ascii_whitespace());
            (1, stop || matches!(b, b'\n' | b'!' | b'?'))
        } else if (0xd8..=0xdb).contains(&b) {
            let k = usize::from(b - 0xd8) << 6 | usize::from(bytes[i + 1] & 0x3f);
            if arabic_alpha[k] {
                n.ar += 1;
            }
            (2, k == 0x1f) // ؟
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            n.add(c);
            (c.len_utf8(), c == '\u{2029}')
        };
        let end = i + len;
        i = end;
        if is_end {
            out.push((start, end, Lang::Other));
            letters.push(n);
            n = Letters::default();
            start = end;
        }
    }
    if start < text.len() || out.is_empty() {
        out.push((start, text.len(), Lang::Other));
        letters.push(n);
    }
    let doc = force.unwrap_or_else(|| {
        let all = letters.iter().fold(Letters::default(), |a, b| Letters {
            ar: a.ar + b.ar,
            latin: a.latin + b.latin,
        });
        all.lang(text)
    });
    for (s, n) in out.iter_mut().zip(&letters) {
        s.2 = match force {
            Some(l) => l,
            None => match n.lang(&text[s.0..s.1]) {
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
        for t in [
            "",
            "هل وصل؟ نعم.\u{2029}Yes he did! Did he?\nۇ ﻻ ﺏ ݐ ٣.٥ 3.5 x.y",
            "Le ministre a dit. The minister said that it was so.",
            "«قال» \u{200f}الوزير... ok",
        ] {
            let s = sentences(t, None);
            assert_eq!(s.spans, reference(t), "{t:?}");
            assert_eq!(s.doc, detect(t));
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
