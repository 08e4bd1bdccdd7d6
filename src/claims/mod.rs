//! Claims: the figures, dates and quotes of a text, with their values.
//!
//! `extract` reads a document's original text and returns every claim it
//! recognizes, each with a byte span into that text. Contradiction checking
//! (`crate::contradict`) compares the claims of two aligned passages.
//!
//! This first version recognizes numbers written in digits (Western,
//! Arabic-Indic and Persian digits; Western and Arabic separators) and
//! percentages. Number words, units, dates and quotes come with the claims
//! issue.

use crate::document::{Lang, Span};
use serde::Serialize;

mod number;

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

/// One recognized claim.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// What it states.
    pub kind: ClaimKind,
    /// Bytes of the original text.
    pub span: Span,
    /// The plain number a person would write, if any.
    pub value: Option<f64>,
    /// What is counted, as a normalized key (`USD`, `soldier`, `km`, `%`).
    pub unit: Option<String>,
    /// A qualifier that changes how values compare (`more_than`, `about`…).
    pub qualifier: Option<String>,
    /// For quotes: who said it, as written.
    pub speaker: Option<String>,
}

/// Options for [`extract`].
#[derive(Clone, Debug, Default)]
pub struct ClaimOptions {
    /// Force a language instead of detecting it.
    pub lang: Option<Lang>,
}

/// Every claim in `text`, sorted by start, spans not overlapping.
pub fn extract(text: &str, opts: &ClaimOptions) -> Vec<Claim> {
    let _ = opts;
    number::digits(text)
}
