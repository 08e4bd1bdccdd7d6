//! Contradictions: which claims of two aligned passages differ.
//!
//! Claims are matched across the pair by their place in the alignment and
//! their kind; a difference of value is a finding, a difference of notation
//! is not.

use crate::align::{Alignment, OpTag};
use crate::claims::{Claim, ClaimKind};
use crate::document::Span;
use serde::Serialize;

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
#[derive(Clone, Debug, Default)]
pub struct CompareOptions {}

/// The claims of one side of a pair: those inside the passage.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// Original text of the whole document.
    pub text: &'a str,
    /// Claims inside the passage, sorted by start.
    pub claims: &'a [Claim],
}

/// The findings of one aligned pair.
pub fn compare(
    alignment: &Alignment,
    a: Side<'_>,
    b: Side<'_>,
    opts: &CompareOptions,
) -> Vec<Finding> {
    let _ = opts;
    let mut out = Vec::new();
    for op in &alignment.ops {
        if op.tag != OpTag::Replace {
            continue;
        }
        let sa = alignment.a_span(&op.a);
        let sb = alignment.b_span(&op.b);
        let ca: Vec<&Claim> = numeric_in(a.claims, sa);
        let cb: Vec<&Claim> = numeric_in(b.claims, sb);
        for (x, y) in ca.iter().zip(cb.iter()) {
            if x.value != y.value && x.kind == y.kind {
                out.push(Finding {
                    kind: FindingKind::Number,
                    severity: Severity::Conflict,
                    a: side(x),
                    b: side(y),
                    message: format!("{} vs {}", x.span.slice(a.text), y.span.slice(b.text)),
                });
            }
        }
    }
    out
}

fn numeric_in(claims: &[Claim], span: Span) -> Vec<&Claim> {
    claims
        .iter()
        .filter(|c| {
            c.span.overlaps(&span) && matches!(c.kind, ClaimKind::Number | ClaimKind::Percent)
        })
        .collect()
}

fn side(c: &Claim) -> FindingSide {
    FindingSide {
        span: c.span,
        value: c.value,
        unit: c.unit.clone(),
    }
}
