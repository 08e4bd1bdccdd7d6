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
    pub doc: u32,
    /// Index into the document's quotations.
    pub quote: u32,
}

/// The quotations' token keys (`normalize::Token::hash`), tokenized once:
/// `keys[doc][quote]`.
pub type QuoteKeys = Vec<Vec<Vec<u64>>>;

/// Pairs of quotations in different documents that share a run of four
/// words (`a` in the lower document) and that `keep` accepts, given both
/// quotations' token keys (`normalize::Token::hash`, each quotation
/// tokenized once); sorted and without repeats. Also returns how many pairs
/// shared a run (before `keep`).
pub fn candidate_pairs(
    docs: &[DocQuotes<'_>],
    keep: impl Fn(&[u64], &[u64]) -> bool + Sync,
) -> (Vec<(QuoteRef, QuoteRef)>, usize) {
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
    let shingles = |toks: &[u64]| -> Vec<u64> {
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
        seen
    };
    // Postings as one flat list sorted by shingle (a map of small lists
    // cost more memory than the quotations themselves).
    let mut postings: Vec<(u64, u32, u32)> = Vec::new();
    for (di, qs) in keys.iter().enumerate() {
        for (qi, toks) in qs.iter().enumerate() {
            if toks.len() < MIN_WORDS {
                continue;
            }
            postings.extend(
                shingles(toks)
                    .into_iter()
                    .map(|s| (s, di as u32, qi as u32)),
            );
        }
    }
    postings.par_sort_unstable();
    // Each pair of quotations sharing a run, lower document first.
    let each_pair = |f: &mut dyn FnMut(QuoteRef, QuoteRef)| {
        for list in postings.chunk_by(|x, y| x.0 == y.0) {
            if list.len() > MAX_POSTINGS {
                continue;
            }
            let at = |p: &(u64, u32, u32)| QuoteRef {
                doc: p.1,
                quote: p.2,
            };
            for (i, x) in list.iter().enumerate() {
                for y in &list[i + 1..] {
                    let (x, y) = (at(x), at(y));
                    match docs[x.doc as usize].doc.cmp(&docs[y.doc as usize].doc) {
                        std::cmp::Ordering::Less => f(x, y),
                        std::cmp::Ordering::Greater => f(y, x),
                        std::cmp::Ordering::Equal => {}
                    }
                }
            }
        }
    };
    // The pairs are made, deduplicated and filtered one shard of lower
    // documents at a time: on a corpus full of quoted formulae they number
    // millions, of which `keep` passes a few percent.
    let mut count = vec![0u64; docs.len()];
    each_pair(&mut |x, _| count[x.doc as usize] += 1);
    let mut out: Vec<(QuoteRef, QuoteRef)> = Vec::new();
    let mut proposed = 0;
    for shard in crate::candidates::shards(&count, SHARD_PAIRS) {
        let mut pairs = Vec::new();
        each_pair(&mut |x, y| {
            if shard.contains(&x.doc) {
                pairs.push((x, y));
            }
        });
        pairs.par_sort_unstable();
        pairs.dedup();
        proposed += pairs.len();
        let key = |r: QuoteRef| keys[r.doc as usize][r.quote as usize].as_slice();
        out.par_extend(pairs.into_par_iter().filter(|&(x, y)| keep(key(x), key(y))));
    }
    (out, proposed)
}

/// Quotation pairs made at once, at most (see [`candidate_pairs`]).
const SHARD_PAIRS: u64 = 1 << 19;

impl DocQuotes<'_> {
    /// The quotation `r` points at, as a passage.
    pub fn passage(docs: &[DocQuotes<'_>], r: QuoteRef) -> Passage {
        Passage {
            doc: docs[r.doc as usize].doc,
            span: docs[r.doc as usize].quotes[r.quote as usize],
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
        let mut lens = std::sync::Mutex::new(Vec::new());
        let (p, proposed) = candidate_pairs(&docs, |a, b| {
            lens.lock().unwrap().push((a.len(), b.len()));
            true
        });
        assert_eq!((p.len(), proposed), (1, 1));
        assert_eq!(DocQuotes::passage(&docs, p[0].0).doc, DocId(0));
        assert_eq!(lens.get_mut().unwrap().as_slice(), &[(8, 8)]);
        // `keep` decides.
        let (p, proposed) = candidate_pairs(&docs, |_, _| false);
        assert_eq!((p.len(), proposed), (0, 1));
    }
}
