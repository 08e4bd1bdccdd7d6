//! The serde types of the JSON Lines wire format, kept apart from the
//! domain types so that a change there cannot silently change the schema.

use crate::contradict::{Finding, FindingSide};
use crate::document::{Corpus, Passage};
use crate::summary::PairResult;
use serde::Serialize;

/// Version of the wire format; bumped only for incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// One side of a pair.
#[derive(Serialize)]
pub struct WirePassage<'a> {
    /// Document id.
    pub doc: &'a str,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The original text `start..end`.
    #[serde(serialize_with = "super::jsonl::serialize_text")]
    pub text: &'a str,
    /// The document's source, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'a str>,
}

/// One side of a finding.
#[derive(Serialize)]
pub struct WireFindingSide<'a> {
    /// The original text of the claim.
    #[serde(serialize_with = "super::jsonl::serialize_text")]
    pub text: &'a str,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The value, or null.
    pub value: Option<f64>,
    /// The unit key, or null.
    pub unit: Option<&'a str>,
}

/// A finding.
#[derive(Serialize)]
pub struct WireFinding<'a> {
    /// `number`, `unit`, `date`, `quote` or `attribution`.
    pub kind: &'static str,
    /// `conflict`, `rounding` or `update`.
    pub severity: crate::contradict::Severity,
    /// Side a.
    pub a: WireFindingSide<'a>,
    /// Side b.
    pub b: WireFindingSide<'a>,
    /// One line for people.
    #[serde(serialize_with = "super::jsonl::serialize_text")]
    pub message: &'a str,
}

/// `{"type":"pair",…}`.
#[derive(Serialize)]
pub struct WirePair<'a> {
    /// Always `pair`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Side a.
    pub a: WirePassage<'a>,
    /// Side b.
    pub b: WirePassage<'a>,
    /// Word-alignment similarity, 0..1.
    pub similarity: f64,
    /// Hamming distance of the seed fingerprints.
    pub hamming: u32,
    /// Both documents come from the same source.
    pub same_source: bool,
    /// The findings.
    pub findings: Vec<WireFinding<'a>>,
}

/// `{"type":"summary",…}`, always the last line.
#[derive(Serialize)]
pub struct WireSummary {
    /// Always `summary`.
    #[serde(rename = "type")]
    pub kind: &'static str,
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
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
}

fn passage<'a>(corpus: &'a Corpus, p: &Passage) -> WirePassage<'a> {
    let doc = corpus.get(p.doc);
    WirePassage {
        doc: &doc.name,
        start: p.span.start,
        end: p.span.end,
        text: p.span.slice(&doc.text),
        source: doc.source.as_deref(),
    }
}

fn finding_side<'a>(text: &'a str, s: &'a FindingSide) -> WireFindingSide<'a> {
    WireFindingSide {
        text: s.span.slice(text),
        start: s.span.start,
        end: s.span.end,
        value: s.value,
        unit: s.unit.as_deref(),
    }
}

/// The wire form of one finding.
pub fn finding<'a>(corpus: &'a Corpus, pair: &PairResult, f: &'a Finding) -> WireFinding<'a> {
    WireFinding {
        kind: f.kind.name(),
        severity: f.severity,
        a: finding_side(&corpus.get(pair.a.doc).text, &f.a),
        b: finding_side(&corpus.get(pair.b.doc).text, &f.b),
        message: &f.message,
    }
}

/// The wire form of one pair.
pub fn pair<'a>(corpus: &'a Corpus, p: &'a PairResult) -> WirePair<'a> {
    WirePair {
        kind: "pair",
        a: passage(corpus, &p.a),
        b: passage(corpus, &p.b),
        similarity: (p.similarity * 10_000.0).round() / 10_000.0,
        hamming: p.hamming,
        same_source: p.same_source,
        findings: p.findings.iter().map(|f| finding(corpus, p, f)).collect(),
    }
}

/// The summary line.
pub fn summary(t: &super::Totals) -> WireSummary {
    WireSummary {
        kind: "summary",
        documents: t.documents,
        passages: t.passages,
        pairs: t.pairs,
        findings: t.findings,
        errors: t.errors,
        schema_version: SCHEMA_VERSION,
    }
}
