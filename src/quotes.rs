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
use rayon::prelude::*;

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

/// One quotation of [`DocQuotes`]: index of the document in the slice given
/// to [`candidate_pairs`] and of the quotation in its `quotes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct QuoteRef {
    /// Index into the documents.
    pub doc: usize,
    /// Index into the document's quotations.
    pub quote: usize,
}

/// The quotations' token keys (`normalize::Token::hash`), tokenized once:
/// `keys[doc][quote]`.
pub type QuoteKeys = Vec<Vec<Vec<u64>>>;

/// Pairs of quotations in different documents that share a run of four
/// words (`a` in the lower document), sorted and without repeats, with
/// every quotation's token keys so the caller need not tokenize the
/// candidates again.
pub fn candidate_pairs(docs: &[DocQuotes<'_>]) -> (Vec<(QuoteRef, QuoteRef)>, QuoteKeys) {
    let keys: QuoteKeys = docs
        .par_iter()
        .map(|d| {
            d.quotes
                .iter()
                .map(|q| {
                    normalize::tokenize(q.slice(d.text))
                        .iter()
                        .map(|t| t.hash)
                        .collect()
                })
                .collect()
        })
        .collect();
    // Postings as one flat list sorted by shingle (a map of small lists
    // cost more memory than the quotations themselves).
    let mut postings: Vec<(u64, u32, u32)> = Vec::new();
    for (di, qs) in keys.iter().enumerate() {
        for (qi, toks) in qs.iter().enumerate() {
            if toks.len() < MIN_WORDS {
                continue;
            }
            let mut seen: Vec<u64> = toks
                .windows(SHINGLE)
                .map(|w| {
                    w.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, t| {
                        (h ^ t).wrapping_mul(0x100_0000_01b3)
                    })
                })
                .collect();
            seen.sort_unstable();
            seen.dedup();
            postings.extend(seen.into_iter().map(|s| (s, di as u32, qi as u32)));
        }
    }
    postings.par_sort_unstable();
    let mut out: Vec<(QuoteRef, QuoteRef)> = Vec::new();
    for list in postings.chunk_by(|x, y| x.0 == y.0) {
        if list.len() > MAX_POSTINGS {
            continue;
        }
        let at = |p: &(u64, u32, u32)| QuoteRef {
            doc: p.1 as usize,
            quote: p.2 as usize,
        };
        for (i, x) in list.iter().enumerate() {
            for y in &list[i + 1..] {
                let (x, y) = (at(x), at(y));
                if docs[x.doc].doc == docs[y.doc].doc {
                    continue;
                }
                out.push(if docs[x.doc].doc < docs[y.doc].doc {
                    (x, y)
                } else {
                    (y, x)
                });
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    (out, keys)
}

impl DocQuotes<'_> {
    /// The quotation `r` points at, as a passage.
    pub fn passage(docs: &[DocQuotes<'_>], r: QuoteRef) -> Passage {
        Passage {
            doc: docs[r.doc].doc,
            span: docs[r.doc].quotes[r.quote],
        }
    }
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
        let (p, keys) = candidate_pairs(&docs);
        assert_eq!(p.len(), 1);
        assert_eq!(DocQuotes::passage(&docs, p[0].0).doc, DocId(0));
        assert_eq!(keys[0][0].len(), 8);
    }
}
