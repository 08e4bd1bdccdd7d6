//! Small types shared by every stage: document ids, documents, byte spans.
//!
//! Offsets everywhere outside `normalize` are **byte offsets, half-open
//! `start..end`, into the original document text** (never the normalized
//! text). A [`Span`] is always on `char` boundaries of its document.

use serde::Serialize;

/// Index of a document in its [`Corpus`] (documents are sorted by name, so
/// the id is stable whatever order the paths were given in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DocId(pub u32);

impl DocId {
    /// The id as an index into `Corpus::docs`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A half-open byte range `start..end` into a document's original text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (`start <= end`).
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end}");
        Span { start, end }
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// True for an empty span.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// The same bytes counted from `by` bytes earlier: a span of a slice
    /// that starts at `by` of a larger text, in that text's bytes.
    pub fn shifted(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
    /// The slice of `text` this span covers.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Sorts spans and merges those that overlap or touch.
pub fn merge_spans(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(l) if s.start <= l.end => l.end = l.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// The language a document (or a sentence of it) is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Arabic script and words.
    Ar,
    /// English.
    En,
    /// Anything else; handled with the language-neutral rules only.
    #[default]
    Other,
}

impl Lang {
    /// BCP 47 tag, for HTML `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
            Lang::Other => "und",
        }
    }
}

/// One article as read from the input.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Path relative to the argument it came from, or the JSONL `id`.
    pub name: String,
    /// The outlet (JSONL `source`/`series`, or `--source-from`).
    pub source: Option<String>,
    /// Publication date as given (JSONL `date`), ideally ISO 8601.
    pub date: Option<String>,
    /// Headline (JSONL `title`).
    pub title: Option<String>,
    /// Address (JSONL `url`).
    pub url: Option<String>,
    /// The original text, exactly as read (after UTF-8 decoding).
    pub text: String,
}

/// All documents of a run, sorted by name; `DocId(i)` is `docs[i]`.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// The documents, sorted by `name`.
    pub docs: Vec<Document>,
}

impl Corpus {
    /// Builds a corpus, sorting documents by name so that ids do not depend
    /// on the order the inputs were listed in.
    pub fn new(mut docs: Vec<Document>) -> Corpus {
        docs.sort_by(|a, b| a.name.cmp(&b.name));
        Corpus { docs }
    }
    /// The document with this id.
    pub fn get(&self, id: DocId) -> &Document {
        &self.docs[id.index()]
    }
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }
    /// True when there are no documents.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
    /// Iterates `(DocId, &Document)`.
    pub fn iter(&self) -> impl Iterator<Item = (DocId, &Document)> {
        self.docs
            .iter()
            .enumerate()
            .map(|(i, d)| (DocId(i as u32), d))
    }
    /// Total text size in bytes.
    pub fn bytes(&self) -> usize {
        self.docs.iter().map(|d| d.text.len()).sum()
    }
}

/// A stretch of one document: what a pair reports on each side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Passage {
    /// The document.
    pub doc: DocId,
    /// Its bytes in the original text.
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_spans_joins_overlapping_and_touching() {
        let m = merge_spans(vec![
            Span::new(5, 9),
            Span::new(0, 3),
            Span::new(3, 4),
            Span::new(8, 12),
        ]);
        assert_eq!(m, vec![Span::new(0, 4), Span::new(5, 12)]);
    }
}
