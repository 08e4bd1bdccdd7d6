//! Quotations as passages of their own.
//!
//! Two outlets often quote the same words inside different sentences, so
//! passage matching never pairs them. [`candidate_pairs`] indexes every
//! quotation of every document by its word 4-shingles and proposes the pairs
//! of quotations (in different documents) that share one; the pipeline
//! aligns them and keeps the close ones, so a changed word or speaker is
//! still found.
//!
//! The quotations themselves, with their speakers, come from claim
//! extraction (`crate::claims`, kind `quote`).

use crate::document::{DocId, Passage, Span};
use crate::normalize;
use std::collections::HashMap;

/// Fewest words a quotation needs to be matched on its own.
pub const MIN_WORDS: usize = 5;
/// Shingles shared by more quotations than this are formulae, not evidence.
const MAX_POSTINGS: usize = 64;
const SHINGLE: usize = 4;

/// One document's quotations: their spans in its original text.
pub struct DocQuotes<'a> {
    /// The document.
    pub doc: DocId,
    /// Its original text.
    pub text: &'a str,
    /// The spans of its quotations.
    pub quotes: Vec<Span>,
}

/// Pairs of quotations in different documents that share a run of four
/// words, as passages (`a.doc < b.doc`), sorted and without repeats.
pub fn candidate_pairs(docs: &[DocQuotes<'_>]) -> Vec<(Passage, Passage)> {
    let mut postings: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
    for (di, d) in docs.iter().enumerate() {
        for (qi, q) in d.quotes.iter().enumerate() {
            let toks = normalize::tokenize(q.slice(d.text));
            if toks.len() < MIN_WORDS {
                continue;
            }
            let mut seen: Vec<u64> = toks
                .windows(SHINGLE)
                .map(|w| {
                    w.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, t| {
                        (h ^ t.hash).wrapping_mul(0x100_0000_01b3)
                    })
                })
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for s in seen {
                postings.entry(s).or_default().push((di, qi));
            }
        }
    }
    let mut out: Vec<(Passage, Passage)> = Vec::new();
    for list in postings.values() {
        if list.len() > MAX_POSTINGS {
            continue;
        }
        for (i, &(da, qa)) in list.iter().enumerate() {
            for &(db, qb) in &list[i + 1..] {
                if docs[da].doc == docs[db].doc {
                    continue;
                }
                let x = Passage {
                    doc: docs[da].doc,
                    span: docs[da].quotes[qa],
                };
                let y = Passage {
                    doc: docs[db].doc,
                    span: docs[db].quotes[qb],
                };
                out.push(if x.doc < y.doc { (x, y) } else { (y, x) });
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{Claim, ClaimKind, ClaimOptions, extract};

    fn scan(text: &str) -> Vec<Claim> {
        extract(text, &ClaimOptions::default())
            .into_iter()
            .filter(|c| c.kind == ClaimKind::Quote)
            .collect()
    }

    #[test]
    fn pairs_quotes_across_documents() {
        let a = "He said \"we will rebuild every school in the city\" today.";
        let b = "Officials quoted him: “we will rebuild every school in the region”.";
        let docs = [
            DocQuotes {
                doc: DocId(0),
                text: a,
                quotes: scan(a).iter().map(|c| c.span).collect(),
            },
            DocQuotes {
                doc: DocId(1),
                text: b,
                quotes: scan(b).iter().map(|c| c.span).collect(),
            },
        ];
        let p = candidate_pairs(&docs);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0.doc, DocId(0));
    }
}
