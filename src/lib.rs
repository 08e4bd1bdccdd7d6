//! crosscheck finds passages copied or reprinted across news articles and
//! flags the claims that differ between the copies.
//!
//! # Pipeline
//!
//! 1. [`input`] reads files, folders, JSON Lines or stdin into [`document::Document`]s.
//! 2. [`normalize`] folds text for matching (NFKC-style folding, case, Arabic
//!    letter forms, digits) and tokenizes it, keeping byte spans of the original.
//! 3. [`segment`] cuts each document into sentence units and content-defined
//!    chunks, the seeds of matching.
//! 4. [`fingerprint`] gives each chunk a 64-bit simhash (the `simhash` crate's
//!    definition, figures masked).
//! 5. [`index`] finds every pair of fingerprints within Hamming distance k
//!    (the block scheme of Manku, Jain & Das Sarma), never all pairs.
//! 6. [`candidates`] chains seed pairs of two documents into candidate passages.
//! 7. [`align`] aligns each candidate word by word (`similar`) and verifies it.
//! 8. [`claims`] extracts figures, dates and quotes; [`contradict`] compares them.
//! 9. [`report`] writes the text diff or JSON Lines.
//!
//! `crosscheck dedup` then groups the verified pairs into clusters of
//! reprinted documents or reused passages ([`dedup`]).
//!
//! [`pipeline`] is the only module that knows all stages.
#![warn(missing_docs)]

pub mod align;
pub mod candidates;
pub mod claims;
pub mod cli;
pub mod config;
pub mod contradict;
pub mod dedup;
pub mod document;
pub mod fingerprint;
pub mod index;
pub mod input;
mod keytable;
pub mod normalize;
pub mod pipeline;
pub mod quotes;
pub mod report;
pub mod segment;
pub mod summary;

/// Exit codes, as documented in `--help` and the README.
pub mod exit {
    /// No findings.
    pub const CLEAN: i32 = 0;
    /// Findings reported.
    pub const FINDINGS: i32 = 1;
    /// An error happened (also when some inputs were skipped).
    pub const ERROR: i32 = 2;
}
