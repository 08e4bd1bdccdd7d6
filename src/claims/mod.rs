//! Claims: the figures, dates and quotes of a text, with their values.
//!
//! [`extract`] reads a document's original text and returns every claim it
//! recognizes, each with a byte span into that text. Contradiction checking
//! (`crate::contradict`) compares the claims of two aligned passages.
//!
//! How it works: the text is split into tokens (`token`), dates are found
//! first (`date`, with Hijri dates resolved by `hijri`), then figures
//! (`figure`: digits from `number`, number words from `words`, units and
//! qualifiers from `unit`), then quotes (`quote`). Each claim carries the
//! language of its sentence (`lang`). See `docs/claims.md`.
//!
//! Spans: sorted by start. Figures and dates never overlap one another. A
//! quote claim covers its quotation marks and may *contain* figure and date
//! claims (a quoted figure is still a figure); it never partly overlaps one.

use crate::document::{Lang, Span};
use serde::Serialize;

mod date;
mod figure;
pub mod hijri;
mod lang;
pub mod number;
mod quote;
mod token;
mod unit;
mod words;

pub use date::DateValue;
pub use lang::detect as detect_lang;

/// What a claim states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// A bare count or figure.
    Number,
    /// A percentage (`value` is the percent figure: 12.5 for "12.5%").
    Percent,
    /// An amount of money (`unit` is the currency key).
    Money,
    /// A measured or counted quantity (`unit` is what is counted).
    Quantity,
    /// An ordinal (third, الثالث).
    Ordinal,
    /// A year, date, weekday or time.
    Date,
    /// A quotation (`speaker` when the sentence names one).
    Quote,
}

impl ClaimKind {
    /// The wire name (`number`, `percent`…).
    pub fn name(self) -> &'static str {
        match self {
            ClaimKind::Number => "number",
            ClaimKind::Percent => "percent",
            ClaimKind::Money => "money",
            ClaimKind::Quantity => "quantity",
            ClaimKind::Ordinal => "ordinal",
            ClaimKind::Date => "date",
            ClaimKind::Quote => "quote",
        }
    }
}

/// One recognized claim.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// What it states.
    pub kind: ClaimKind,
    /// Bytes of the original text.
    pub span: Span,
    /// The plain number a person would write, if any: 4400000000 for
    /// "أربعة مليارات و 400 مليون", 2 for "زيارتين", 12.5 for "12.5%", the
    /// year for a date that has one.
    pub value: Option<f64>,
    /// What is counted, as a normalized key (`USD`, `soldier`, `km`, `%`).
    pub unit: Option<String>,
    /// A qualifier that changes how values compare (`more_than`, `about`,
    /// `nearly`, `at_least`, `up_to`, `at_most`, `less_than`, `exactly`).
    pub qualifier: Option<String>,
    /// For quotes: who said it, as written.
    pub speaker: Option<String>,
    /// For measured quantities: the value in the base unit of its dimension
    /// (grams, metres, litres, square metres, seconds).
    pub base_value: Option<f64>,
    /// The base unit of `base_value` (`g`, `m`, `l`, `m2`, `s`).
    pub base_unit: Option<String>,
    /// For vague quantities (عشرات, آلاف, بضعة, hundreds of): the smallest
    /// value meant.
    pub min: Option<f64>,
    /// For vague quantities: the largest value meant.
    pub max: Option<f64>,
    /// For dates: the resolved form.
    pub date: Option<Box<DateValue>>,
    /// The language of the sentence the claim is in.
    pub lang: Lang,
}

impl Default for Claim {
    /// An empty number claim (for struct-update syntax in tests).
    fn default() -> Claim {
        Claim::new(ClaimKind::Number, Span::default(), None)
    }
}

impl Claim {
    /// A claim with only a kind, a span and a value.
    pub fn new(kind: ClaimKind, span: Span, value: Option<f64>) -> Claim {
        Claim {
            kind,
            span,
            value,
            unit: None,
            qualifier: None,
            speaker: None,
            base_value: None,
            base_unit: None,
            min: None,
            max: None,
            date: None,
            lang: Lang::Other,
        }
    }
}

/// The scale a folded word names (thousand, ألف, آلاف, مليون, million, bn,
/// k…): 1e3, 1e6… — from the number-word lexicon claim extraction uses.
pub fn scale_word(w: &str) -> Option<f64> {
    use words::W;
    match words::lookup(w).map(|f| f.w) {
        Some(W::Scale(s) | W::DualScale(s) | W::PluralScale(s)) => Some(s),
        _ => words::scale_abbrev(w),
    }
}

/// Options for [`extract`].
#[derive(Clone, Debug, Default)]
pub struct ClaimOptions {
    /// Force a language instead of detecting it sentence by sentence.
    pub lang: Option<Lang>,
}

/// A bare small number that numbers an item of a list ("…ريالًا. 8 - أمانة
/// منطقة الجوف", "\n3) The"): at the start of a line or after a sentence
/// end, followed by a dash or a closing bracket. It counts nothing.
fn list_marker(text: &str, c: &Claim) -> bool {
    if c.kind != ClaimKind::Number || c.unit.is_some() || c.qualifier.is_some() {
        return false;
    }
    if !c
        .value
        .is_some_and(|v| v.fract() == 0.0 && (0.0..100.0).contains(&v))
    {
        return false;
    }
    let body = c.span.slice(text);
    if !body.chars().all(|ch| ch.is_numeric()) {
        return false;
    }
    let before = text[..c.span.start].trim_end_matches([' ', '\t', '\u{a0}']);
    let opens =
        before.is_empty() || before.ends_with(['\n', '\r', '.', ':', '؛', ';', '!', '?', '؟']);
    let after = text[c.span.end..].trim_start_matches([' ', '\t', '\u{a0}']);
    let mut rest = after.chars();
    let marked = matches!(rest.next(), Some('-' | '–' | '—' | ')'))
        && rest
            .next()
            .is_none_or(|ch| ch.is_whitespace() || ch.is_alphabetic());
    opens && marked
}

/// Every claim in `text`, sorted by start (see the module docs for how
/// spans may nest).
pub fn extract(text: &str, opts: &ClaimOptions) -> Vec<Claim> {
    extract_with_lang(text, opts).0
}

/// [`extract`], with the language of the whole text (`opts.lang` when
/// given, else detected).
pub fn extract_with_lang(text: &str, opts: &ClaimOptions) -> (Vec<Claim>, Lang) {
    // Each thread keeps its token buffer from one document to the next
    // (see `token::tokenize_into`), up to 65,536 tokens (a few MB).
    thread_local! {
        static SPARE: std::cell::RefCell<Vec<token::Token>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut buf = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
    let n = token::tokenize_into(text, &mut buf);
    let toks = &buf[..n];
    let sentences = lang::sentences(text, opts.lang);
    let lang_at = |byte: usize| sentences.lang_at(byte);
    let mut claimed = vec![false; toks.len()];
    let mut out = date::dates(text, toks, &mut claimed, &lang_at);
    out.extend(figure::figures(text, toks, &mut claimed, &lang_at));
    out.retain(|c| !list_marker(text, c));
    for c in &mut out {
        c.lang = lang_at(c.span.start);
    }
    let mut quotes = quote::quotes(text, toks);
    for q in &mut quotes {
        q.lang = lang_at(q.span.start);
    }
    // A quote that would cut a figure in two is dropped (figures win).
    // Figures and dates never overlap one another, so sorted by start their
    // ends are sorted too: look only at those that reach into the quote.
    out.sort_by_key(|c| (c.span.start, c.span.end));
    quotes.retain(|q| {
        let first = out.partition_point(|c| c.span.end <= q.span.start);
        !out[first..]
            .iter()
            .take_while(|c| c.span.start < q.span.end)
            .any(|c| !(q.span.start <= c.span.start && c.span.end <= q.span.end))
    });
    out.extend(quotes);
    out.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end))
            .cmp(&(b.span.start, std::cmp::Reverse(b.span.end)))
    });
    if buf.len() <= 1 << 16 {
        SPARE.with(|s| *s.borrow_mut() = buf);
    }
    (out, sentences.doc)
}
