//! Contradictions: which claims of two aligned passages differ.
//!
//! Claims are matched across the pair by their place in the alignment, their
//! kind and what they count ([`matching`]); a difference of value is a
//! finding, a difference of notation is not ([`value`]). Quotations are
//! compared word by word, forgiving spelling variants of names and words
//! glued by scraping ([`words`]).
//!
//! What stays silent, on purpose: notation (digits, separators, number
//! words), qualifiers that agree ("more than 300" / "over 300"), a figure one
//! side omits, a conversion one side adds in parentheses, a total on one
//! side against its components on the other, a headline that rounds the
//! figure its own body gives, relative dates ("today"/"yesterday") unless
//! both publication dates resolve them to different days.

use crate::align::{Alignment, OpTag};
use crate::claims::{Claim, ClaimKind};
use crate::document::Span;
use serde::Serialize;

mod matching;
mod value;
pub mod words;

/// The kind of a finding (the JSON Lines `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Same quantity, different value.
    Number,
    /// Same value, different unit or currency.
    Unit,
    /// Different year, date or weekday.
    Date,
    /// Different words inside a quotation.
    Quote,
    /// The same quotation attributed to different speakers.
    Attribution,
}

impl FindingKind {
    /// All kinds, in report order.
    pub const ALL: [FindingKind; 5] = [
        FindingKind::Number,
        FindingKind::Unit,
        FindingKind::Date,
        FindingKind::Quote,
        FindingKind::Attribution,
    ];
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Number => "number",
            FindingKind::Unit => "unit",
            FindingKind::Date => "date",
            FindingKind::Quote => "quote",
            FindingKind::Attribution => "attribution",
        }
    }
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The two copies state different facts.
    Conflict,
    /// One figure rounds the other.
    Rounding,
    /// The later document updates a running count.
    Update,
}

/// One side of a finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingSide {
    /// Bytes of the original document.
    pub span: Span,
    /// The value, if the claim has one.
    pub value: Option<f64>,
    /// The unit key, if any.
    pub unit: Option<String>,
}

/// A claim that differs between the two copies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// What differs.
    pub kind: FindingKind,
    /// How serious it is.
    pub severity: Severity,
    /// Side a.
    pub a: FindingSide,
    /// Side b.
    pub b: FindingSide,
    /// One line for people ("1,000 soldiers vs 2,000 soldiers").
    pub message: String,
}

/// Options for [`compare`].
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// Largest relative difference between a rounded figure and the exact
    /// one it stands for (0.05: "400 ألف" for 407,516).
    pub rounding_tolerance: f64,
    /// Largest relative difference tolerated by an approximate qualifier
    /// ("about", "نحو") before two figures conflict.
    pub approximate_tolerance: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            rounding_tolerance: 0.05,
            approximate_tolerance: 0.10,
        }
    }
}

/// The claims of one side of a pair: those inside the passage.
#[derive(Clone, Copy, Debug, Default)]
pub struct Side<'a> {
    /// Original text of the whole document.
    pub text: &'a str,
    /// The passage aligned (its tokens are tokenized again from `text`
    /// when there are claims to compare, `Alignment::a_tokens`).
    pub passage: Span,
    /// Claims inside the passage, sorted by start.
    pub claims: &'a [Claim],
    /// Every claim of the document (a headline that rounds a figure its own
    /// body gives is not a finding), extracted from `text` when first asked
    /// for, unless already set. `None`: not looked at.
    pub doc_claims: Option<&'a std::sync::OnceLock<Vec<Claim>>>,
    /// Publication date of the document (JSONL `date`), ideally ISO 8601.
    pub date: Option<&'a str>,
}

/// An alignment with the byte spans of both passages' tokens, rebuilt for
/// one comparison (the steps' token ranges index `a` and `b`).
pub(crate) struct Aligned<'a> {
    /// The alignment.
    pub al: &'a Alignment,
    /// Spans of side a's tokens.
    pub a: Vec<Span>,
    /// Spans of side b's tokens.
    pub b: Vec<Span>,
}

/// The findings of one aligned pair, sorted by their start in document a.
pub fn compare(
    alignment: &Alignment,
    a: Side<'_>,
    b: Side<'_>,
    opts: &CompareOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // The passages' tokens are rebuilt only when a finding is possible: a
    // figure or date on each side and a difference in the alignment to
    // touch (a claim in equal words is the same on both sides), or a
    // quotation on each side (its speakers are compared even when its
    // words are all equal).
    let any = |s: &Side<'_>, f: &dyn Fn(&Claim) -> bool| s.claims.iter().any(f);
    let figure = |c: &Claim| c.kind != ClaimKind::Quote;
    let quote = |c: &Claim| c.kind == ClaimKind::Quote;
    let differs = alignment.ops.iter().any(|o| o.tag != OpTag::Equal);
    let figures = differs && any(&a, &figure) && any(&b, &figure);
    let quotes = any(&a, &quote) && any(&b, &quote);
    if !figures && !quotes {
        return out;
    }
    let al = Aligned {
        al: alignment,
        a: alignment.a_tokens(a.text, a.passage),
        b: alignment.b_tokens(b.text, b.passage),
    };
    let map = matching::TokenMap::new(alignment);
    for (x, y) in matching::claim_pairs(&al, &map, a, b) {
        if let Some(f) = value::compare_claims(x, y, a, b, opts)
            && !(f.kind == FindingKind::Number && reordered(x, y, a, b))
        {
            out.push(f);
        }
    }
    for (x, y) in matching::quote_pairs(&al, &map, a, b) {
        if let Some(f) = words::compare_quotes(&al, x, y, a, b, &out) {
            out.push(f);
        }
        if let Some(f) = words::compare_speakers(x, y) {
            out.push(f);
        }
    }
    out.sort_by(|x, y| {
        (x.a.span.start, x.b.span.start, x.kind).cmp(&(y.a.span.start, y.b.span.start, y.kind))
    });
    out
}

/// The figures of the two passages are the same, only in another order: a
/// list written differently ("82 عينة من المياه، و56 عينة زيت" / "المياه (82
/// عينة)، وزيت الزيتون (56 عينة)"), not a changed figure. Both figures of
/// the matched pair must stand on the other side too, counting the same
/// thing, and the two passages must hold the same figures overall.
fn reordered(x: &Claim, y: &Claim, a: Side<'_>, b: Side<'_>) -> bool {
    let figures = |claims: &[Claim]| -> Vec<(u64, Option<String>)> {
        let mut v: Vec<_> = claims
            .iter()
            .filter(|c| c.kind != ClaimKind::Quote && c.kind != ClaimKind::Date)
            .filter_map(|c| Some((c.value?.to_bits(), c.unit.clone())))
            .collect();
        v.sort();
        v
    };
    let has = |claims: &[Claim], like: &Claim, v: Option<f64>| {
        claims.iter().any(|c| {
            c.span != like.span
                && c.kind == like.kind
                && c.unit == like.unit
                && c.value.zip(v).is_some_and(|(w, v)| value::same_value(w, v))
        })
    };
    x.unit == y.unit
        && has(b.claims, y, x.value)
        && has(a.claims, x, y.value)
        && figures(a.claims) == figures(b.claims)
}

/// The finding side of a claim.
fn side(c: &Claim) -> FindingSide {
    FindingSide {
        span: c.span,
        value: c.value,
        unit: c.unit.clone(),
    }
}
