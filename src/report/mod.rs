//! Reports: the text word diff for people, JSON Lines for machines, a
//! self-contained HTML page and CSV for spreadsheets. Every reporter writes
//! to an `io::Write`; none prints directly.

pub mod claims;
pub mod csv;
pub mod dedup;
pub mod html;
pub mod jsonl;
pub mod progress;
pub mod text;
pub mod wire;

use crate::document::Corpus;
use crate::document::{Lang, Span};
use crate::summary::{CheckOutcome, PairResult};
use std::io::{self, Write};

/// Options every reporter may read (each reads only its own).
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Color (ANSI escapes) in the text report; wdiff markers otherwise.
    pub color: bool,
    /// Words of unchanged text shown around each change (text report).
    pub context: usize,
    /// Shape Arabic and reorder each line for display (text report only).
    pub visual_bidi: bool,
    /// Start CSV with a UTF-8 byte order mark.
    pub csv_bom: bool,
    /// Columns to wrap the text report at.
    pub width: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            color: false,
            context: 8,
            visual_bidi: false,
            csv_bom: false,
            width: 100,
        }
    }
}

/// "1 pair", "2 pairs": a count with its noun, for summary lines.
pub fn counted(n: usize, singular: &str) -> String {
    match (n, singular) {
        (1, _) => format!("1 {singular}"),
        (_, s) if s.ends_with('y') => format!("{n} {}ies", &s[..s.len() - 1]),
        _ => format!("{n} {singular}s"),
    }
}

/// The counts the summary lines report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Documents read.
    pub documents: usize,
    /// Passages fingerprinted.
    pub passages: usize,
    /// Pairs reported.
    pub pairs: usize,
    /// Findings reported.
    pub findings: usize,
    /// Inputs that could not be read.
    pub errors: usize,
}

impl Totals {
    /// The totals of a whole outcome.
    pub fn of(o: &CheckOutcome) -> Totals {
        Totals {
            documents: o.corpus.len(),
            passages: o.stats.passages,
            pairs: o.pairs.len(),
            findings: o.findings(),
            errors: o.errors.len(),
        }
    }
}

/// The formats [`PairStream`] writes: those whose summary comes last. The
/// HTML page opens with a table of every pair, so it is written from a
/// whole [`CheckOutcome`] only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamFormat {
    /// [`write_text`].
    Text,
    /// [`write_jsonl`].
    Jsonl,
    /// [`write_csv`].
    Csv,
}

/// A report written while the pairs are still being found, a batch at a
/// time in their final order, so that they need not all be held (on the
/// 61 MB generated corpus, 194,681 pairs with their alignments and
/// findings were held until the report was written). The bytes are those
/// of the `write_*` function of the format over the whole outcome, which
/// is written through this too.
pub struct PairStream<'o, W: Write> {
    out: W,
    format: StreamFormat,
    opts: &'o ReportOptions,
    /// Pairs written so far (the text and CSV reports number them).
    pairs: usize,
    /// Their findings.
    findings: usize,
}

impl<'o, W: Write> PairStream<'o, W> {
    /// Starts the report (the CSV header).
    pub fn start(mut out: W, format: StreamFormat, opts: &'o ReportOptions) -> io::Result<Self> {
        if format == StreamFormat::Csv {
            csv::write_header(&mut out, opts)?;
        }
        Ok(PairStream {
            out,
            format,
            opts,
            pairs: 0,
            findings: 0,
        })
    }

    /// Writes the next pairs, which follow those written before.
    pub fn pairs(&mut self, corpus: &Corpus, pairs: &[PairResult]) -> io::Result<()> {
        let first = self.pairs + 1;
        match self.format {
            StreamFormat::Text => {
                text::write_pairs(&mut self.out, corpus, first, pairs, self.opts)?
            }
            StreamFormat::Jsonl => jsonl::write_pairs(&mut self.out, corpus, pairs)?,
            StreamFormat::Csv => csv::write_pairs(&mut self.out, corpus, first, pairs)?,
        }
        self.pairs += pairs.len();
        self.findings += pairs.iter().map(|p| p.findings.len()).sum::<usize>();
        Ok(())
    }

    /// Pairs written so far.
    pub fn written(&self) -> usize {
        self.pairs
    }

    /// Findings written so far.
    pub fn findings(&self) -> usize {
        self.findings
    }

    /// Ends the report with its summary: `totals`' pairs and findings are
    /// those written. Returns the writer (to flush).
    pub fn finish(mut self, totals: Totals) -> io::Result<W> {
        let totals = Totals {
            pairs: self.pairs,
            findings: self.findings,
            ..totals
        };
        match self.format {
            StreamFormat::Text => text::write_summary(&mut self.out, &totals)?,
            StreamFormat::Jsonl => jsonl::write_summary(&mut self.out, &totals)?,
            StreamFormat::Csv => {}
        }
        Ok(self.out)
    }
}

/// Writes a whole outcome through a [`PairStream`].
fn write_streamed<W: Write>(
    out: &mut W,
    outcome: &CheckOutcome,
    format: StreamFormat,
    opts: &ReportOptions,
) -> io::Result<()> {
    let mut s = PairStream::start(out, format, opts)?;
    s.pairs(&outcome.corpus, &outcome.pairs)?;
    s.finish(Totals::of(outcome)).map(|_| ())
}

/// Writes `outcome` as the text report.
pub fn write_text<W: Write>(
    out: &mut W,
    outcome: &CheckOutcome,
    opts: &ReportOptions,
) -> io::Result<()> {
    write_streamed(out, outcome, StreamFormat::Text, opts)
}

/// Writes `outcome` as JSON Lines.
pub fn write_jsonl<W: Write>(out: &mut W, outcome: &CheckOutcome) -> io::Result<()> {
    write_streamed(out, outcome, StreamFormat::Jsonl, &ReportOptions::default())
}

/// Writes `outcome` as one HTML page.
pub fn write_html<W: Write>(out: &mut W, outcome: &CheckOutcome) -> io::Result<()> {
    html::write(out, outcome)
}

/// Writes `outcome` as CSV, one row per finding.
pub fn write_csv<W: Write>(
    out: &mut W,
    outcome: &CheckOutcome,
    opts: &ReportOptions,
) -> io::Result<()> {
    write_streamed(out, outcome, StreamFormat::Csv, opts)
}

/// Article text made safe for a terminal: control characters (C0, DEL, C1,
/// hence every ANSI escape sequence's introducer) and the explicit
/// bidirectional embeddings, overrides and isolates (which would reorder the
/// report's own markers) become U+FFFD, except tab and line breaks which
/// become a space.
pub fn sanitize_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if is_unsafe(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// LRE, RLE, PDF, LRO, RLO (U+202A..U+202E) and LRI, RLI, FSI, PDI
/// (U+2066..U+2069). The marks LRM/RLM/ALM are harmless and kept.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// True for letters of the Arabic script (Arabic, its supplements and
/// presentation forms).
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06ff}' | '\u{0750}'..='\u{077f}' | '\u{08a0}'..='\u{08ff}' | '\u{fb50}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}')
        && c.is_alphabetic()
}

/// The language of a stretch of text, by script: Arabic when most letters
/// are Arabic, English when most are Latin, else unknown.
pub fn lang_of(text: &str) -> Lang {
    let (mut arabic, mut latin, mut other) = (0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if is_arabic(c) {
            arabic += 1;
        } else if c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c) {
            latin += 1;
        } else {
            other += 1;
        }
    }
    if arabic > latin + other {
        Lang::Ar
    } else if latin > arabic + other {
        Lang::En
    } else {
        Lang::Other
    }
}

/// Token indices (into `tokens`) whose bytes overlap `span`.
pub(crate) fn tokens_overlapping(tokens: &[Span], span: &Span) -> std::ops::Range<usize> {
    let start = tokens.partition_point(|t| t.end <= span.start);
    let end = tokens.partition_point(|t| t.start < span.end).max(start);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_with_their_noun() {
        assert_eq!(counted(1, "pair"), "1 pair");
        assert_eq!(counted(0, "pair"), "0 pairs");
        assert_eq!(counted(2, "boilerplate passage"), "2 boilerplate passages");
    }

    #[test]
    fn sanitize_strips_escapes_and_bidi_overrides() {
        let s = "a\x1b[31mred\x1b]8;;http://x\x07link\u{202e}b\u{200f}c\td";
        assert_eq!(
            sanitize_terminal(s),
            "a\u{fffd}[31mred\u{fffd}]8;;http://x\u{fffd}link\u{fffd}b\u{200f}c d"
        );
        assert!(matches!(
            sanitize_terminal("plain عربي"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\nسلام x\nz";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // "سلام " is 9 bytes, 5 characters.
        assert_eq!(line_col(t, 3 + 9), (2, 6));
        assert_eq!(line_col(t, t.len()), (3, 2));
    }

    #[test]
    fn lang_by_script() {
        assert_eq!(lang_of("قال الوزير إن 12 شخصا"), Lang::Ar);
        assert_eq!(lang_of("The minister said 12 people"), Lang::En);
        assert_eq!(lang_of("12 345"), Lang::Other);
    }

    #[test]
    fn overlapping_tokens() {
        let toks = [Span::new(0, 3), Span::new(4, 6), Span::new(8, 10)];
        assert_eq!(tokens_overlapping(&toks, &Span::new(4, 6)), 1..2);
        assert_eq!(tokens_overlapping(&toks, &Span::new(2, 9)), 0..3);
        assert_eq!(tokens_overlapping(&toks, &Span::new(6, 8)), 2..2);
    }
}
