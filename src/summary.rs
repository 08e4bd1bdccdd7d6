//! The result of a run: what every report reads (as difftastic's
//! `DiffResult` is for its display modes).

use crate::align::Alignment;
use crate::contradict::Finding;
use crate::document::{Corpus, Passage};
use crate::input::InputError;

/// One reported pair of near-duplicate passages.
#[derive(Clone, Debug)]
pub struct PairResult {
    /// Side a (the document that sorts first).
    pub a: Passage,
    /// Side b.
    pub b: Passage,
    /// Word-alignment similarity of the two passages, 0..1.
    pub similarity: f64,
    /// Smallest Hamming distance between the seed fingerprints that found it.
    pub hamming: u32,
    /// The word alignment.
    pub alignment: Alignment,
    /// Claims that differ.
    pub findings: Vec<Finding>,
    /// Both documents come from the same source (outlet).
    pub same_source: bool,
}

/// Counters of a run, for the summary line and benchmarks.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Passages (matching units) fingerprinted.
    pub passages: usize,
    /// Candidate passage pairs checked.
    pub candidates: usize,
    /// Fingerprint groups skipped as too common (boilerplate, formulae).
    pub common_groups: usize,
}

/// Everything `check` computed.
#[derive(Clone, Debug, Default)]
pub struct CheckOutcome {
    /// The documents that were read.
    pub corpus: Corpus,
    /// Reported pairs, sorted by (a, b).
    pub pairs: Vec<PairResult>,
    /// Inputs that could not be read (or were read with a problem).
    pub errors: Vec<InputError>,
    /// Counters.
    pub stats: Stats,
}

impl CheckOutcome {
    /// Number of findings over all pairs.
    pub fn findings(&self) -> usize {
        self.pairs.iter().map(|p| p.findings.len()).sum()
    }
}
