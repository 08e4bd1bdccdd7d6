//! Quotations as passages of their own.
//!
//! Two outlets often quote the same words inside different sentences, so
//! passage matching never pairs them. [`candidate_pairs`] indexes every
//! quotation of every document by its word 4-shingles and proposes the pairs
//! of quotations (in different documents) that share one; the pipeline
//! aligns them and keeps the close ones, so a changed word or speaker is
//! still found.
//!
//! The quotations' spans come from claim extraction (`crate::claims::quotes_in`:
//! the spans of the claims of kind `quote`).

use crate::document::{DocId, Passage, Span};
use crate::normalize;
use rayon::prelude::*;
use std::ops::Range;

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
    pub quotes: &'a [Span],
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

/// One quotation's 4-word run: the run's hash and the quotation's number
/// (its documents' quotations numbered in order). 12 bytes.
#[derive(Clone, Copy, Debug)]
#[repr(C, packed(4))]
struct Posting {
    shingle: u64,
    quote: u32,
}

/// The token keys of a quotation: `normalize::tokenize_keyed_into`'s hashes,
/// which tell tokens apart as the feature hashes do, faster (they are only
/// compared with other quotations' keys).
fn quote_keys(text: &str, span: Span) -> Vec<u64> {
    thread_local! {
        static TOKENS: std::cell::RefCell<Vec<normalize::Token>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    TOKENS.with(|t| {
        let mut tokens = t.borrow_mut();
        normalize::tokenize_keyed_into(span.slice(text), &mut tokens);
        tokens.iter().map(|t| t.hash).collect()
    })
}

/// The distinct hashes of a quotation's runs of [`SHINGLE`] words.
fn shingles(keys: &[u64]) -> Vec<u64> {
    let mut seen: Vec<u64> = keys
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
}

/// Calls `each(d, x, later)` for every quotation `x` of one run's list of
/// quotation numbers `list` (sorted, so by document) that is in `lower`,
/// with `d` its document and `later` the quotations of the list in
/// documents after `d` (those `x` pairs with, lower first); `first[i]` is
/// document i's first quotation number, `doc_of[q]` quotation q's
/// document, and `lower` starts and ends at a document's first.
fn each_lower<'l>(
    list: &'l [u32],
    first: &[u32],
    doc_of: &[u32],
    lower: Range<u32>,
    mut each: impl FnMut(usize, u32, &'l [u32]),
) {
    // Most lists have no lower quotation in a shard: a look at their ends
    // tells (each shard walks every list).
    let (mut i, e) = match (list.first(), list.last()) {
        (Some(&lo), Some(&hi)) if lo < lower.end && hi >= lower.start => (
            list.partition_point(|&q| q < lower.start),
            list.partition_point(|&q| q < lower.end),
        ),
        _ => return,
    };
    // A document at a time: its quotations in the list pair with the same
    // later ones, found once.
    while i < e {
        let d = doc_of[list[i] as usize] as usize;
        // Rarely more than one quotation of a document shares a run.
        let mut after = i + 1;
        while after < list.len() && list[after] < first[d + 1] {
            after += 1;
        }
        debug_assert!(after <= e);
        for &x in &list[i..after] {
            each(d, x, &list[after..]);
        }
        i = after;
    }
}

/// `all` cut into consecutive parts of lengths `lens` (which sum to at
/// most its length), to be filled in parallel.
fn split_by<T>(all: &mut [T], lens: impl Iterator<Item = usize>) -> Vec<&mut [T]> {
    let mut parts = Vec::with_capacity(lens.size_hint().0);
    let mut rest = all;
    for len in lens {
        let (part, after) = rest.split_at_mut(len);
        parts.push(part);
        rest = after;
    }
    parts
}

/// Bits of a run's hash that say in which pass it is indexed: the runs
/// are indexed a part at a time ([`PASSES`] parts), so that the postings
/// (12 bytes a run) of only one part are held at once.
const PASS_BITS: u32 = 1;
/// Passes over the quotations' runs (see [`PASS_BITS`]).
const PASSES: usize = 1 << PASS_BITS;

/// The pass a run of hash `shingle` is indexed in.
fn pass_of(shingle: u64) -> usize {
    (shingle >> (64 - PASS_BITS)) as usize
}

/// Marks a quotation's number in the list [`keep_first_pass`] makes: a run
/// of the first pass has its top bit clear (see [`pass_of`]).
const QUOTE_MARK: u64 = 1 << 63;
const _: () = assert!(PASS_BITS >= 1);

/// Adds to `early` the runs `runs` of quotation `qi` (of one document)
/// that the first pass indexes, after `qi` marked (none if it has none).
fn keep_first_pass(early: &mut Vec<u64>, qi: u32, runs: &[u64]) {
    let mut marked = false;
    for &s in runs.iter().filter(|&&s| pass_of(s) == 0) {
        if !marked {
            early.push(QUOTE_MARK | u64::from(qi));
            marked = true;
        }
        early.push(s);
    }
}

/// The (quotation, run) pairs [`keep_first_pass`] kept in `early`, in order.
fn first_pass(early: &[u64]) -> impl Iterator<Item = (u32, u64)> + '_ {
    let mut qi = 0;
    early.iter().filter_map(move |&x| {
        if x & QUOTE_MARK != 0 {
            qi = (x & !QUOTE_MARK) as u32;
            None
        } else {
            Some((qi, x))
        }
    })
}

/// Pairs of quotations in different documents that share a run of four
/// words (`a` in the lower document) and that `keep` accepts, given what
/// `prepare` made of both quotations' token keys (those of
/// `normalize::tokenize_keyed_into`; once per quotation and run of
/// consecutive shards that pair it, though a quotation is in many pairs);
/// sorted and without repeats. Also returns how many pairs shared a run
/// and passed `fits` (before `keep`).
/// `docs` are sorted by `doc`, each document at most once.
///
/// `measure` makes a few bytes of every quotation's keys once, held to the
/// end, and `fits` must hold of the measures of any pair `keep` accepts:
/// pairs it fails are dropped as they are made, before they are sorted and
/// their quotations prepared (on the generated corpus nine in ten of the
/// pairs made: a short quotation inside a long one, or two quotations that
/// share a formula and little else).
///
/// Memory: what is held for every quotation is its measure and its number
/// in the lists of the runs it shares (4 bytes a run), made from the runs'
/// postings (12 bytes a run) a part of the runs at a time (`PASSES`); token
/// keys are made again, one shard of pairs at a time, for the quotations
/// that shard pairs and the last one did not (SaudiNewsNet's quotations'
/// keys were 8 MB, held through the whole step).
pub fn candidate_pairs<S: Copy + Default + Send + Sync, P: Send + Sync>(
    docs: &[DocQuotes<'_>],
    measure: impl Fn(&[u64]) -> S + Sync,
    fits: impl Fn(S, S) -> bool + Sync,
    prepare: impl Fn(Vec<u64>) -> P + Sync,
    keep: impl Fn(&P, &P) -> bool + Sync,
) -> (Vec<(QuoteRef, QuoteRef)>, usize) {
    let bar = Bar {
        measure,
        fits,
        prepare,
        keep,
    };
    sharded_pairs(docs, &bar, SHARD_PAIRS)
}

/// What [`candidate_pairs`] holds pairs to (see there).
struct Bar<M, F, R, K> {
    measure: M,
    fits: F,
    prepare: R,
    keep: K,
}

/// [`candidate_pairs`], making at most about `max_pairs` pairs at once.
fn sharded_pairs<S, P, M, F, R, K>(
    docs: &[DocQuotes<'_>],
    bar: &Bar<M, F, R, K>,
    max_pairs: u64,
) -> (Vec<(QuoteRef, QuoteRef)>, usize)
where
    S: Copy + Default + Send + Sync,
    P: Send + Sync,
    M: Fn(&[u64]) -> S + Sync,
    F: Fn(S, S) -> bool + Sync,
    R: Fn(Vec<u64>) -> P + Sync,
    K: Fn(&P, &P) -> bool + Sync,
{
    debug_assert!(docs.windows(2).all(|w| w[0].doc < w[1].doc));
    // Quotation numbers: document i's are first[i]..first[i + 1].
    let mut first: Vec<u32> = Vec::with_capacity(docs.len() + 1);
    let mut n = 0u32;
    for d in docs {
        first.push(n);
        n = u32::try_from(d.quotes.len())
            .ok()
            .and_then(|k| n.checked_add(k))
            .expect("fewer than 2^32 quotations");
    }
    first.push(n);
    // The runs shared by 2 to MAX_POSTINGS quotations, as lists of
    // quotation numbers (sorted) one after the other in `held`; list k is
    // `held[bounds[k]..bounds[k + 1]]`. A run is in one list, and 4 bytes
    // a quotation in it.
    let mut held: Vec<u32> = Vec::new();
    let mut bounds: Vec<u32> = vec![0];
    // The lists are made a part of the runs at a time (by their hashes'
    // top bits: a pass's runs are distinct from another's): the runs of
    // every quotation of the part are put in one flat list of postings,
    // sorted by run (a map of small lists cost more memory than the
    // quotations themselves). That list is allocated once at its exact
    // size: the runs are counted first (a list grown batch by batch left
    // the space it moved out of behind, half again its 18 MB on the
    // generated corpus), then made again into each document's part of it
    // (those of the first pass kept from the count, see below).
    // The first pass's runs are kept as they are counted (each document's
    // in a list of its own, freed once that pass's postings are made), so
    // the quotations are tokenized twice here, not three times (c20k: 92,098
    // quotations, 6 MB of runs held while the postings, 9 MB, are made).
    let (sizes, mut early): (Vec<[usize; PASSES]>, Vec<Vec<u64>>) = docs
        .par_iter()
        .map(|d| {
            let mut size = [0; PASSES];
            let mut early = Vec::new();
            for (qi, &span) in d.quotes.iter().enumerate() {
                let keys = quote_keys(d.text, span);
                if keys.len() >= MIN_WORDS {
                    let runs = shingles(&keys);
                    for &s in &runs {
                        size[pass_of(s)] += 1;
                    }
                    keep_first_pass(&mut early, qi as u32, &runs);
                }
            }
            early.shrink_to_fit();
            (size, early)
        })
        .unzip();
    // One list for every pass, as long as the longest pass needs.
    let most = (0..PASSES)
        .map(|pass| sizes.iter().map(|s| s[pass]).sum())
        .max()
        .unwrap_or(0);
    let mut postings: Vec<Posting> = Vec::with_capacity(most);
    // Each quotation's measure, made at the last pass's tokenization (so
    // not held at the first pass's, the phase's peak), into its document's
    // part of one list.
    let mut measures: Vec<S> = Vec::new();
    for pass in 0..PASSES {
        let zero = Posting {
            shingle: 0,
            quote: 0,
        };
        postings.clear();
        postings.resize(sizes.iter().map(|s| s[pass]).sum(), zero);
        let parts = split_by(&mut postings, sizes.iter().map(|size| size[pass]));
        let last = pass == PASSES - 1;
        if last {
            measures = vec![S::default(); n as usize];
        }
        let measure_parts = split_by(
            &mut measures,
            docs.iter().map(|d| if last { d.quotes.len() } else { 0 }),
        );
        parts
            .into_par_iter()
            .zip(measure_parts)
            .zip(docs.par_iter().zip(first.par_iter()))
            .enumerate()
            .for_each(|(d_no, ((part, measured), (d, &q0)))| {
                let mut at = 0;
                if pass == 0 {
                    for (qi, shingle) in first_pass(&early[d_no]) {
                        part[at] = Posting {
                            shingle,
                            quote: q0 + qi,
                        };
                        at += 1;
                    }
                } else {
                    for (qi, &span) in d.quotes.iter().enumerate() {
                        let quote = q0 + qi as u32;
                        let keys = quote_keys(d.text, span);
                        if last {
                            measured[qi] = (bar.measure)(&keys);
                        }
                        if keys.len() < MIN_WORDS {
                            continue;
                        }
                        for shingle in shingles(&keys) {
                            if pass_of(shingle) == pass {
                                part[at] = Posting { shingle, quote };
                                at += 1;
                            }
                        }
                    }
                }
                debug_assert_eq!(at, part.len());
            });
        if pass == 0 {
            // Before the postings are sorted.
            early = Vec::new();
            crate::pipeline::release_free_memory();
        }
        // By run only (one comparison of a u64, not two): a list's
        // quotation numbers are sorted once it is kept (at most
        // `MAX_POSTINGS` of them).
        postings.par_sort_unstable_by_key(|p| p.shingle);
        let lists = || {
            postings
                .chunk_by(|x, y| ({ x.shingle }) == ({ y.shingle }))
                .filter(|list| (2..=MAX_POSTINGS).contains(&list.len()))
        };
        held.reserve_exact(lists().map(<[Posting]>::len).sum());
        bounds.reserve_exact(lists().count());
        let (from_held, from_bounds) = (held.len(), bounds.len());
        for list in lists() {
            held.extend(list.iter().map(|p| p.quote));
            bounds.push(u32::try_from(held.len()).expect("fewer than 2^32 postings"));
        }
        // This pass's lists' quotation numbers sorted, by the threads, in
        // 64 pieces of whole lists (a slice a list cost 1.7 MB on c20k).
        let b = &bounds[from_bounds - 1..];
        let n_lists = b.len() - 1;
        let per = n_lists.div_ceil(64).max(1);
        let pieces: Vec<&[u32]> = (0..n_lists)
            .step_by(per)
            .map(|s| &b[s..=(s + per).min(n_lists)])
            .collect();
        let lens = pieces.iter().map(|p| (p[p.len() - 1] - p[0]) as usize);
        split_by(&mut held[from_held..], lens)
            .into_par_iter()
            .zip(pieces)
            .for_each(|(piece, ends)| {
                for w in ends.windows(2) {
                    piece[(w[0] - ends[0]) as usize..(w[1] - ends[0]) as usize].sort_unstable();
                }
            });
    }
    drop(postings);
    drop(sizes);
    // The postings' space goes back to the system before the pairs are
    // made (it is not where their many small allocations go).
    crate::pipeline::release_free_memory();
    // Each quotation's document (c20k: 92,098 quotations, 0.4 MB, made
    // once the postings are gone), looked up for every quotation of a
    // run's list, in each shard.
    let mut doc_of: Vec<u32> = Vec::with_capacity(n as usize);
    for (d, w) in first.windows(2).enumerate() {
        doc_of.resize(w[1] as usize, d as u32);
    }
    let quote_ref = |q: u32| {
        let d = doc_of[q as usize] as usize;
        QuoteRef {
            doc: d as u32,
            quote: q - first[d],
        }
    };
    // Each pair of quotations sharing a run, lower document first (a
    // list is sorted by quotation number, so by document); the runs' lists
    // are walked in parallel.
    let lists = || {
        bounds
            .par_windows(2)
            .map(|w| &held[w[0] as usize..w[1] as usize])
    };
    // The pairs are made, deduplicated and filtered one shard of lower
    // documents at a time: on a corpus full of quoted formulae they number
    // millions, of which `keep` passes a few percent. Each shard walks
    // only its own lower quotations of a list.
    let count = lists()
        .fold(
            || vec![0u64; docs.len()],
            |mut count, list| {
                each_lower(list, &first, &doc_of, 0..n, |d, _, later| {
                    count[d] += later.len() as u64;
                });
                count
            },
        )
        .reduce(
            || vec![0u64; docs.len()],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let mut out: Vec<(QuoteRef, QuoteRef)> = Vec::new();
    let mut proposed = 0;
    // Each quotation's place in `keys`, what was prepared for the shard
    // last filtered (`u32::MAX`: none), looked up directly for every pair;
    // `involved` are those quotations, in the order of their places.
    let mut slot = vec![u32::MAX; n as usize];
    let mut keys: Vec<Option<P>> = Vec::new();
    let mut involved: Vec<u32> = Vec::new();
    // The shard in which a quotation was last met (+ 1), to list each once.
    let mut met = vec![0u32; n as usize];
    for (shard_no, shard) in (1..).zip(crate::candidates::shards(&count, max_pairs)) {
        let lower = first[shard.start as usize]..first[shard.end as usize];
        // Each pair as one number, lower quotation in the high half: sorted
        // in the pairs' order, faster than pairs of numbers. Pairs the
        // quotations' measures rule out are dropped as they are made (a
        // pair sharing several runs is made once for each, and the sort is
        // the costly step), and need no keys.
        let made: Vec<Vec<u64>> = lists()
            .fold(Vec::new, |mut made, list| {
                each_lower(list, &first, &doc_of, lower.clone(), |_, x, later| {
                    let mx = measures[x as usize];
                    for &y in later {
                        if (bar.fits)(mx, measures[y as usize]) {
                            made.push(u64::from(x) << 32 | u64::from(y));
                        }
                    }
                });
                made
            })
            .collect();
        let mut pairs = made.concat();
        drop(made);
        pairs.par_sort_unstable();
        pairs.dedup();
        proposed += pairs.len();
        let pairs: Vec<(u32, u32)> = pairs
            .into_par_iter()
            .map(|p| ((p >> 32) as u32, p as u32))
            .collect();
        // The quotations this shard pairs, in the order they are met. What
        // the last shard prepared of them is kept (upper quotations recur
        // from shard to shard: on the generated corpus seven in ten of a
        // shard's were the last one's), the rest of it is dropped before
        // the others are prepared, each once.
        let mut next: Vec<u32> = Vec::new();
        for &(x, y) in &pairs {
            for q in [x, y] {
                if met[q as usize] != shard_no {
                    met[q as usize] = shard_no;
                    next.push(q);
                }
            }
        }
        let mut next_keys: Vec<Option<P>> = next
            .iter()
            .map(|&q| match slot[q as usize] {
                u32::MAX => None,
                s => keys[s as usize].take(),
            })
            .collect();
        for &q in &involved {
            slot[q as usize] = u32::MAX;
        }
        drop(keys);
        next_keys
            .par_iter_mut()
            .zip(&next)
            .filter(|(k, _)| k.is_none())
            .for_each(|(k, &q)| {
                let r = quote_ref(q);
                let d = &docs[r.doc as usize];
                *k = Some((bar.prepare)(quote_keys(
                    d.text,
                    d.quotes[r.quote as usize],
                )));
            });
        for (i, &q) in next.iter().enumerate() {
            slot[q as usize] = i as u32;
        }
        (keys, involved) = (next_keys, next);
        let key = |q: u32| keys[slot[q as usize] as usize].as_ref().expect("prepared");
        out.par_extend(
            pairs
                .into_par_iter()
                .filter(|&(x, y)| (bar.keep)(key(x), key(y)))
                .map(|(x, y)| (quote_ref(x), quote_ref(y))),
        );
        // The shard's pairs, made by the threads, go back to the system
        // before the next shard's are made (a millisecond or two; else each
        // shard left a few MB more behind).
        crate::pipeline::release_free_memory();
    }
    (out, proposed)
}

/// Quotation pairs made at once, at most (see [`candidate_pairs`]).
const SHARD_PAIRS: u64 = 1 << 18;

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

    const WORDS: [&str; 6] = ["alpha", "beta", "gamma", "delta", "قال", "الوزير"];

    /// Documents of quotations given as word numbers: each quotation is
    /// its words, then ". "; document i is `DocId(3 * i + 1)`.
    fn quoted(docs: &[Vec<Vec<usize>>]) -> (Vec<String>, Vec<Vec<Span>>) {
        let mut texts = Vec::new();
        let mut spans = Vec::new();
        for d in docs {
            let (mut text, mut qs) = (String::new(), Vec::new());
            for q in d {
                let start = text.len();
                let words: Vec<&str> = q.iter().map(|&w| WORDS[w]).collect();
                text.push_str(&words.join(" "));
                qs.push(Span::new(start, text.len()));
                text.push_str(". ");
            }
            texts.push(text);
            spans.push(qs);
        }
        (texts, spans)
    }

    fn doc_quotes<'a>(texts: &'a [String], spans: &'a [Vec<Span>]) -> Vec<DocQuotes<'a>> {
        texts
            .iter()
            .zip(spans)
            .enumerate()
            .map(|(i, (t, q))| DocQuotes {
                doc: DocId(3 * i as u32 + 1),
                text: t,
                quotes: q,
            })
            .collect()
    }

    /// What the postings must give, counted plainly over every pair of
    /// quotations: those of different documents with a 4-word run in
    /// common that at most `MAX_POSTINGS` quotations have and that `fits`
    /// and `keep` accept, and how many `fits` accepted.
    fn all_pairs(
        docs: &[DocQuotes<'_>],
        fits: impl Fn(&[u64], &[u64]) -> bool,
        keep: impl Fn(&[u64], &[u64]) -> bool,
    ) -> (Vec<(QuoteRef, QuoteRef)>, usize) {
        let mut quotes = Vec::new();
        for (d, dq) in docs.iter().enumerate() {
            for (q, &span) in dq.quotes.iter().enumerate() {
                let keys = quote_keys(dq.text, span);
                let runs = if keys.len() >= MIN_WORDS {
                    shingles(&keys)
                } else {
                    Vec::new()
                };
                let r = QuoteRef {
                    doc: d as u32,
                    quote: q as u32,
                };
                quotes.push((r, keys, runs));
            }
        }
        let holders = |s: u64| quotes.iter().filter(|q| q.2.contains(&s)).count();
        let (mut out, mut proposed) = (Vec::new(), 0);
        for x in &quotes {
            for y in &quotes {
                if x.0.doc < y.0.doc
                    && x.2
                        .iter()
                        .any(|s| y.2.contains(s) && holders(*s) <= MAX_POSTINGS)
                    && fits(&x.1, &y.1)
                {
                    proposed += 1;
                    if keep(&x.1, &y.1) {
                        out.push((x.0, y.0));
                    }
                }
            }
        }
        out.sort_unstable();
        (out, proposed)
    }

    proptest::proptest! {
        /// The postings, made and filtered shard by shard, give exactly the
        /// pairs counted plainly, and `keep` sees the right quotations.
        #[test]
        fn postings_give_every_pair_sharing_a_run(
            docs in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(0usize..6, 0..12), 0..4),
                1..8,
            ),
            max_pairs in 1u64..20,
        ) {
            let (texts, spans) = quoted(&docs);
            let dq = doc_quotes(&texts, &spans);
            // `fits` on the lengths, `keep` on the keys: a pair is kept
            // when both hold of its own two quotations.
            let fits = |a: usize, b: usize| a != b + 1;
            let keep = |a: &[u64], b: &[u64]| !(a.len() + 2 * b.len()).is_multiple_of(3) || a[0] == b[0];
            let bar = Bar {
                measure: |k: &[u64]| k.len(),
                fits,
                prepare: |k| k,
                keep: |a: &Vec<u64>, b: &Vec<u64>| keep(a, b),
            };
            proptest::prop_assert_eq!(
                sharded_pairs(&dq, &bar, max_pairs),
                all_pairs(&dq, |a, b| fits(a.len(), b.len()), keep)
            );
        }
    }

    proptest::proptest! {
        /// The first pass's runs kept while counting are each quotation's
        /// runs of that pass, in order, with its number (what tokenizing
        /// the quotation again gave).
        #[test]
        fn kept_runs_are_the_first_passs(
            quotes in proptest::collection::vec(proptest::collection::vec(proptest::num::u64::ANY, 0..6), 0..6),
        ) {
            let mut early = Vec::new();
            let mut want = Vec::new();
            for (qi, runs) in quotes.iter().enumerate() {
                keep_first_pass(&mut early, qi as u32, runs);
                want.extend(runs.iter().filter(|&&s| pass_of(s) == 0).map(|&s| (qi as u32, s)));
            }
            proptest::prop_assert_eq!(first_pass(&early).collect::<Vec<_>>(), want);
        }
    }

    /// A run that more than `MAX_POSTINGS` quotations share pairs none of
    /// them; at the limit it pairs them all.
    #[test]
    fn a_formula_quoted_everywhere_pairs_nothing() {
        for (n, want) in [
            (MAX_POSTINGS, MAX_POSTINGS * (MAX_POSTINGS - 1) / 2),
            (MAX_POSTINGS + 1, 0),
        ] {
            let docs = vec![vec![vec![0, 1, 2, 3, 4]]; n];
            let (texts, spans) = quoted(&docs);
            let dq = doc_quotes(&texts, &spans);
            let (pairs, proposed) = candidate_pairs(&dq, |_| (), |_, _| true, |k| k, |_, _| true);
            assert_eq!((pairs.len(), proposed), (want, want));
        }
    }

    #[test]
    fn pairs_quotes_across_documents() {
        let a = "He said \"we will rebuild every school in the city\" today.";
        let b = "Officials quoted him: “we will rebuild every school in the region”.";
        let spans = |t: &str| -> Vec<Span> { scan(t).iter().map(|c| c.span).collect() };
        let (qa, qb) = (spans(a), spans(b));
        let docs = [
            DocQuotes {
                doc: DocId(0),
                text: a,
                quotes: &qa,
            },
            DocQuotes {
                doc: DocId(1),
                text: b,
                quotes: &qb,
            },
        ];
        let mut lens = std::sync::Mutex::new(Vec::new());
        let (p, proposed) = candidate_pairs(
            &docs,
            |_| (),
            |_, _| true,
            |k| k,
            |a, b| {
                lens.lock().unwrap().push((a.len(), b.len()));
                true
            },
        );
        assert_eq!((p.len(), proposed), (1, 1));
        assert_eq!(DocQuotes::passage(&docs, p[0].0).doc, DocId(0));
        assert_eq!(lens.get_mut().unwrap().as_slice(), &[(8, 8)]);
        // `keep` decides, and `fits` before it.
        let (p, proposed) = candidate_pairs(&docs, |_| (), |_, _| true, |k| k, |_, _| false);
        assert_eq!((p.len(), proposed), (0, 1));
        let (p, proposed) = candidate_pairs(&docs, |k| k.len(), |a, b| a != b, |k| k, |_, _| true);
        assert_eq!((p.len(), proposed), (0, 0));
    }
}
