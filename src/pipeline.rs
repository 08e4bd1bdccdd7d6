//! The pipeline: calls the stages in order. The only module that knows them
//! all.

use crate::align::{self, Alignment, SplitSpans, StepList, Unstepped};
use crate::candidates::{self, Candidate, SeedStats, Seeding, Shard};
use crate::claims::{self, Claim, ClaimOptions, PackedClaims};
use crate::cli::{CheckArgs, Format};
use crate::config::CheckConfig;
use crate::contradict::{self, CompareOptions};
use crate::document::{Corpus, DocId, Passage, Span};
use crate::fingerprint;
use crate::index::{self, ChunkGroups, ChunkRecord};
use crate::input;
use crate::keytable::KeyTable;
use crate::normalize::{self, Token};
use crate::quotes;
use crate::report;
use crate::segment::{self, Break};
use crate::summary::{CheckOutcome, PairResult, Stats};
use anyhow::Context;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::time::{Duration, Instant};

/// Matching settings.
#[derive(Clone, Debug)]
pub struct MatchOptions {
    /// Largest Hamming distance between seed fingerprints. 3 is the Manku et
    /// al. setting (4 blocks of 16 bits); on chunk fingerprints it adds the
    /// chunks with one changed word out of many to the exact seeds.
    pub max_hamming: u32,
    /// Smallest word-alignment similarity of a reported pair. 0.5 keeps
    /// every planted copy with word-3-shingle Jaccard >= 0.5 in the peers'
    /// generated corpus (those align at 0.6 and above).
    pub min_similarity: f64,
    /// Smallest reported passage, in words on each side (the peers' 8).
    pub min_words: usize,
    /// Smallest word-3-shingle Jaccard similarity of a reported pair: the
    /// peers' threshold (MinHash-LSH at 0.5), so that every reported pair is
    /// a near-duplicate by the measure they are scored with.
    pub min_jaccard: f64,
    /// Before matching, blank out each source's boilerplate (a sentence in
    /// at least this many documents of one source, as `crosscheck dedup`
    /// finds it: site footers, "to contact the writer send SMS code 123"),
    /// so it neither pairs documents nor yields findings. `None`: keep it.
    pub boilerplate_min_docs: Option<usize>,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            max_hamming: 3,
            min_similarity: 0.5,
            min_words: 8,
            min_jaccard: 0.5,
            boilerplate_min_docs: Some(crate::dedup::BOILERPLATE_MIN_DOCS),
        }
    }
}

impl MatchOptions {
    /// The bar every reported pair passes on its two sides' token keys:
    /// `min_words` words each and word-3-shingle Jaccard at least
    /// `min_jaccard`. Verified passages, quotation pairs and the pairs
    /// dedup's passage clusters would imply are all held to it.
    pub fn passes_pair_bar(&self, ka: &[u64], kb: &[u64]) -> bool {
        ka.len() >= self.min_words
            && kb.len() >= self.min_words
            && shingle_jaccard(ka, kb) >= self.min_jaccard
    }

    /// [`MatchOptions::passes_pair_bar`] on sequences made into
    /// [`ShingleSet`]s (the same answer), for sequences in many pairs.
    pub fn passes_pair_bar_sets(&self, a: &ShingleSet, b: &ShingleSet) -> bool {
        // `jaccard_at_least` rules out sizes too far apart on its own.
        a.words >= self.min_words
            && b.words >= self.min_words
            && a.jaccard_at_least(b, self.min_jaccard)
    }

    /// Whether sequences of these [`SetSummary`]s may pass the pair bar: a
    /// pair that fails here fails [`MatchOptions::passes_pair_bar_sets`],
    /// decided without the sets (made once for every quotation, and only
    /// the sets of the pairs that pass are made).
    pub fn summaries_may_pass(&self, a: &SetSummary, b: &SetSummary) -> bool {
        let (na, nb) = (a.shingles as usize, b.shingles as usize);
        // The sizes first (a quotation inside a long one: four in ten of
        // c20k's pairs fail here), without counting bits.
        a.words as usize >= self.min_words
            && b.words as usize >= self.min_words
            && jaccard_of_counts(na.min(nb), na + nb) >= self.min_jaccard
            && jaccard_of_counts(a.shared_at_most(b), na + nb) >= self.min_jaccard
    }
}

/// The Jaccard of two sets of `total` members in all, `shared` of them in
/// both (0 for two empty sets): the one division
/// [`ShingleSet::jaccard_at_least`] and [`MatchOptions::summaries_may_pass`]
/// both make, so that a bound on the shared members bounds the Jaccard
/// exactly as it is compared (the quotient grows with `shared`).
fn jaccard_of_counts(shared: usize, total: usize) -> f64 {
    let union = total - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// What the pair bar needs to know of a [`ShingleSet`] to rule out most
/// pairs without it (32 bytes, held for every quotation): its sequence's
/// words, its distinct shingles, which of 128 bits its shingles set (one
/// bit each, by hash) and how many of its shingles fell on a bit another
/// had set. Two sets share at most the bits both set plus the fewer of
/// their shingles that fell on a set bit ([`SetSummary::shared_at_most`]).
/// The sizes alone (a short quotation inside a long one) ruled out 0.43 of
/// c20k's 1.39 million quotation pairs sharing a 4-word run; the bits leave
/// 38,530, of which 24,551 pass (most of the rest share a formula and
/// little else).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetSummary {
    words: u32,
    shingles: u32,
    /// The shingles less the bits they set (counted once, here: the target
    /// has no `popcnt` instruction, so a count is a dozen instructions).
    fell_on_set: u32,
    bits: [u64; 2],
}

impl SetSummary {
    /// The summary of `keys`' [`ShingleSet`] (counts past `u32::MAX` are
    /// taken as `u32::MAX`: a quotation is far shorter).
    pub fn of(keys: &[u64]) -> SetSummary {
        ShingleSet::of(keys).summary()
    }

    /// At most how many shingles the two sets share: each shared shingle
    /// sets the same bit in both, and the shared shingles of one set that
    /// set no bit of their own are among its shingles that fell on a bit
    /// set before (the shingles less the bits it sets).
    fn shared_at_most(&self, other: &SetSummary) -> usize {
        let both = (self.bits[0] & other.bits[0]).count_ones()
            + (self.bits[1] & other.bits[1]).count_ones();
        both as usize + self.fell_on_set.min(other.fell_on_set) as usize
    }
}

/// A token key sequence's length and its distinct word-3-shingles, sorted:
/// what [`MatchOptions::passes_pair_bar`] looks at, made once for a sequence
/// that is in many pairs (quotations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShingleSet {
    words: usize,
    shingles: Vec<u64>,
}

impl ShingleSet {
    /// The set of `keys`.
    pub fn of(keys: &[u64]) -> ShingleSet {
        let mut shingles: Vec<u64> = shingles(keys).collect();
        shingles.sort_unstable();
        shingles.dedup();
        ShingleSet {
            words: keys.len(),
            shingles,
        }
    }

    /// Its [`SetSummary`].
    pub fn summary(&self) -> SetSummary {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut bits = [0u64; 2];
        for &s in &self.shingles {
            // The top 7 bits of the hash, mixed (a shingle's hash is an
            // xor of its words' hashes, rotated).
            let bit = (s.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 57) as usize;
            bits[bit >> 6] |= 1 << (bit & 63);
        }
        let ones = bits[0].count_ones() + bits[1].count_ones();
        SetSummary {
            words: clamp(self.words),
            shingles: clamp(self.shingles.len()),
            fell_on_set: clamp(self.shingles.len() - ones as usize),
            bits,
        }
    }

    /// Whether [`ShingleSet::jaccard`] is at least `min`: the same answer,
    /// found sooner. The Jaccard of two sets of known sizes grows with the
    /// shingles they share, so the fewest shared shingles that reach `min`
    /// are found from the sizes (with the same division), and the merge
    /// stops as soon as it has met that many or can no longer. The merge
    /// steps without branches on the shingles' order (they are hashes:
    /// which side is ahead is a coin toss, mispredicted half the time).
    /// Quotation pairs ask this of 0.8 million pairs on the generated
    /// 20,000-document corpus.
    pub fn jaccard_at_least(&self, other: &ShingleSet, min: f64) -> bool {
        let (a, b) = (self.shingles.as_slice(), other.shingles.as_slice());
        let total = a.len() + b.len();
        let jaccard = |inter: usize| jaccard_of_counts(inter, total);
        // The fewest shared shingles whose Jaccard is at least `min`, or
        // `most + 1` when none is.
        let most = a.len().min(b.len());
        let (mut lo, mut hi) = (0, most + 1);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if jaccard(mid) >= min {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let need = lo;
        if need > most {
            return false;
        }
        if need == 0 {
            return true;
        }
        let (mut i, mut j, mut inter) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            inter += usize::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(x >= y);
            if inter == need {
                return true;
            }
            if inter + (a.len() - i).min(b.len() - j) < need {
                return false;
            }
        }
        false
    }

    /// [`shingle_jaccard`] of the two sequences.
    pub fn jaccard(&self, other: &ShingleSet) -> f64 {
        let (a, b) = (&self.shingles, &other.shingles);
        let (mut i, mut j, mut inter) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    inter += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let union = a.len() + b.len() - inter;
        if union == 0 {
            0.0
        } else {
            inter as f64 / union as f64
        }
    }
}

/// One document's tokens and sentence units.
pub struct Tokenized {
    /// Tokens with original spans.
    pub tokens: Vec<Token>,
    /// Sentence units, as token ranges.
    pub units: Vec<Range<usize>>,
}

/// Tokenizes and segments one text.
pub fn tokenize_doc(text: &str) -> Tokenized {
    let tokens = normalize::tokenize(text);
    let br = segment::breaks(text, &tokens);
    let units = segment::units(&br);
    Tokenized { tokens, units }
}

/// What fingerprinting keeps of one document.
struct DocPrint {
    /// Its chunks' fingerprints (each with its first token and length).
    records: Vec<ChunkRecord>,
    /// Where each sentence unit starts, and the end: verification
    /// tokenizes just the units around a candidate.
    units: Vec<UnitStart>,
    /// Its tokens' key bytes ([`KeyBytes`]).
    key_bytes: Vec<u8>,
    /// Sentences (for the statistics).
    sentences: usize,
}

/// Where a sentence unit starts: its first token and that token's first
/// byte. A document's list ends with a sentinel (token count, text
/// length): unit `u` is tokens `list[u].token..list[u + 1].token`, bytes
/// from `list[u].byte`. Plain data, 8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct UnitStart {
    /// Index of the unit's first token.
    token: u32,
    /// Byte offset of that token.
    byte: u32,
}

/// The unit starts of every document, in one list (see [`UnitStart`]):
/// `corpus[d]`'s are `UnitStarts[d]`. One allocation made by the main
/// thread, not one per document made by the thread that fingerprinted it:
/// those, held through verification, were scattered among the freed
/// fingerprinting buffers of their threads' arenas and kept their pages
/// from being given back.
#[derive(Debug, Default)]
struct UnitStarts {
    list: Vec<UnitStart>,
    /// `at[d]..at[d + 1]`: document `d`'s starts in `list`.
    at: Vec<u32>,
}

impl UnitStarts {
    fn with_docs(docs: usize) -> UnitStarts {
        let mut at = Vec::with_capacity(docs + 1);
        at.push(0);
        UnitStarts {
            list: Vec::new(),
            at,
        }
    }

    /// Appends the next document's starts.
    fn push(&mut self, starts: &[UnitStart]) {
        self.list.extend_from_slice(starts);
        let end = u32::try_from(self.list.len()).expect("fewer than 2^32 sentence units");
        self.at.push(end);
    }
}

impl std::ops::Index<usize> for UnitStarts {
    type Output = [UnitStart];

    fn index(&self, d: usize) -> &[UnitStart] {
        &self.list[self.at[d] as usize..self.at[d + 1] as usize]
    }
}

/// One byte of each token's feature hash (its top 8 bits, [`key_byte`]),
/// for every document, so that verification can bound the words a
/// candidate's regions share before it tokenizes document b's window
/// ([`may_share`]). On the 20,000-document corpus 456,513 of 990,304
/// candidate regions fail the shared-word filter, their b windows 19.6
/// million tokens (more than half of the tokens of b's windows); the bound
/// over these bytes rejects 396,146 of them (about 17 million tokens; 2,387
/// regions have a window edge inside a token and get no bound) at a byte a
/// token (8.5 MB).
///
/// Taken from the tokens fingerprinting hashes anyway ([`fingerprint_doc`]):
/// made after the index phase from a second tokenization of every document
/// (with the keyed hash of verification), they cost 1.9 G of c20k's 41 G
/// instructions. A byte of the feature hash is a byte of the normalized
/// token, as the keyed hash is: tokens with equal keys have equal bytes, so
/// counting equal bytes still bounds the words the keys share from above,
/// provided both sides count these bytes (document a's too, not its
/// window's keys). Held from fingerprinting on, in blocks of about
/// [`KEY_BLOCK`] tokens, each dropped once verification has passed its
/// documents (a candidate's document b comes after its document a, and
/// shards of documents a are verified in order). Through the index phase
/// too, whose peak was 110 MB on c20k: with the fingerprinting batches'
/// freed lists given back and `index::near_pairs`'s table halved, it is
/// 114 MB, under the quotation pairs' 116 (the run's peak, as before).
#[derive(Debug, Default)]
struct KeyBytes {
    /// Block `k` holds documents `first[k]..first[k + 1]` (`None` once
    /// dropped).
    blocks: Vec<Option<Box<[u8]>>>,
    first: Vec<u32>,
    /// Document `d`'s bytes are `at[d]..at[d + 1]` of the concatenation of
    /// all blocks; `base[k]` is where block `k` starts in it.
    at: Vec<u32>,
    base: Vec<u32>,
    /// The block being filled ([`KeyBytes::push`]) and the size at which
    /// it is closed.
    open: Vec<u8>,
    block: usize,
}

/// Tokens of a [`KeyBytes`] block, about (whole documents): a block of a
/// MiB is mapped on its own and given back when dropped.
const KEY_BLOCK: usize = 1 << 20;

/// The key byte of a token's feature hash.
#[inline(always)]
fn key_byte(hash: u64) -> u8 {
    (hash >> 56) as u8
}

impl KeyBytes {
    /// No document yet; blocks of `block` bytes or a little more
    /// ([`KEY_BLOCK`]).
    fn new(docs: usize, block: usize) -> KeyBytes {
        let mut at = Vec::with_capacity(docs + 1);
        at.push(0);
        KeyBytes {
            blocks: Vec::new(),
            first: vec![0],
            at,
            base: vec![0],
            open: Vec::new(),
            block,
        }
    }

    /// Appends the next document's key bytes (a block is closed before
    /// the first document that finds it full).
    fn push(&mut self, bytes: &[u8]) {
        let total = *self.at.last().expect("a start") as usize;
        if self.open.len() >= self.block {
            self.close();
            self.first.push(self.at.len() as u32 - 1);
            self.base.push(total as u32);
        }
        self.open.extend_from_slice(bytes);
        let end = u32::try_from(total + bytes.len()).expect("fewer than 2^32 tokens");
        self.at.push(end);
    }

    /// Closes the block being filled.
    fn close(&mut self) {
        let open = std::mem::take(&mut self.open);
        self.blocks.push(Some(open.into_boxed_slice()));
    }

    /// Closes the last block: every document has been pushed.
    fn finish(&mut self) {
        self.close();
        self.first.push(self.at.len() as u32 - 1);
    }

    /// Document `d`'s key bytes, unless its block was dropped.
    fn doc(&self, d: usize) -> Option<&[u8]> {
        let k = self
            .first
            .partition_point(|&f| f as usize <= d)
            .checked_sub(1)?;
        let block = self.blocks.get(k)?.as_deref()?;
        let base = self.base[k];
        block.get((self.at[d] - base) as usize..(self.at[d + 1] - base) as usize)
    }

    /// Drops the blocks that hold only documents before `d`.
    fn drop_before(&mut self, d: u32) {
        for (k, block) in self.blocks.iter_mut().enumerate() {
            if self.first[k + 1] <= d {
                *block = None;
            }
        }
    }
}

/// The start of each token range `r`, then the end of the text.
fn starts_of(ranges: &[Range<usize>], tokens: &[Token], text: &str) -> Vec<UnitStart> {
    // Exact capacity (copied into `UnitStarts` right after).
    let mut pos: Vec<UnitStart> = Vec::with_capacity(ranges.len() + 1);
    pos.extend(ranges.iter().map(|r| UnitStart {
        token: r.start as u32,
        byte: tokens[r.start].span.start as u32,
    }));
    pos.push(UnitStart {
        token: tokens.len() as u32,
        byte: text.len() as u32,
    });
    pos
}

/// Fingerprints every chunk of one document.
fn fingerprint_doc(
    doc: DocId,
    text: &str,
    tokens: &mut Vec<Token>,
    breaks: &mut Vec<Break>,
) -> DocPrint {
    normalize::tokenize_into(text, tokens);
    segment::breaks_into(text, tokens, breaks);
    let sentences = breaks.iter().filter(|&&b| b >= Break::Sentence).count();
    let units = starts_of(&segment::units(breaks), tokens, text);
    let mut records = Vec::with_capacity(tokens.len() / 4 + 1);
    fingerprint::for_each_chunk(tokens, breaks, |r, f| {
        // (Past 2^29 tokens, never within `input::DOC_SIZE_LIMIT`.)
        if r.start <= ChunkRecord::MAX_TOKEN as usize {
            records.push(ChunkRecord::new(f.0, doc.0, r.start as u32, r.len()));
        }
    });
    DocPrint {
        records,
        units,
        key_bytes: tokens.iter().map(|t| key_byte(t.hash)).collect(),
        sentences,
    }
}

/// A verified pair, before claims.
#[derive(Clone, Debug)]
pub struct Matched {
    /// Side a.
    pub a: Passage,
    /// Side b.
    pub b: Passage,
    /// Smallest seed Hamming distance.
    pub hamming: u32,
    /// Trimmed alignment.
    pub alignment: Alignment,
}

/// A verified pair while matching goes on: passages as (document, start,
/// end) in 32 bits, the alignment's steps in a [`StepList`] of all pairs'
/// (from where the steps of the pairs verified before it end), the token
/// spans the few alignments hold in a list beside (see [`HeldPairs`]). 40
/// bytes, where a [`Matched`] is 112 and its steps an allocation of the
/// verifying thread's (c20k: 170,135 pairs, 27 → 7 MB).
#[derive(Clone, Copy)]
struct HeldPair {
    a: [u32; 3],
    b: [u32; 3],
    /// Number of steps.
    steps: u32,
    hamming: u8,
    similarity: f64,
}

const _: () = assert!(std::mem::size_of::<HeldPair>() == 40);

/// The pairs verified so far, in order of verification, in blocks of
/// [`HELD_BLOCK`] pairs, each with its pairs' steps: one list grown by
/// doubling was copied each time it grew, the old copy and the new held at
/// once (+5 MB at the last shards of c20k).
struct HeldPairs {
    /// Pairs a block holds ([`HELD_BLOCK`]; fewer in tests).
    block: usize,
    blocks: Vec<HeldBlock>,
    /// The token spans of the alignments that hold some, by pair number.
    spans: Vec<(u32, SplitSpans)>,
    /// Number of pairs.
    len: usize,
}

/// [`HELD_BLOCK`] held pairs (the last block fewer) and their steps.
struct HeldBlock {
    pairs: Vec<HeldPair>,
    steps: StepList,
}

/// Pairs of a [`HeldBlock`] (655 KB of them).
const HELD_BLOCK: usize = 1 << 14;

impl HeldPairs {
    /// No pairs yet, in blocks of `block` pairs.
    fn new(block: usize) -> HeldPairs {
        HeldPairs {
            block,
            blocks: Vec::new(),
            spans: Vec::new(),
            len: 0,
        }
    }

    fn push(&mut self, m: Matched) {
        let small = |n: usize| u32::try_from(n).expect("documents of less than 4 GiB");
        let side = |p: Passage| [p.doc.0, small(p.span.start), small(p.span.end)];
        let number = u32::try_from(self.len).expect("fewer than 2^32 pairs");
        if self.len.is_multiple_of(self.block) {
            self.blocks.push(HeldBlock {
                pairs: Vec::with_capacity(self.block),
                steps: StepList::default(),
            });
        }
        let block = self.blocks.last_mut().expect("a block was pushed");
        let part = m.alignment.unstep(&mut block.steps);
        if let Some(spans) = part.spans {
            self.spans.push((number, spans));
        }
        block.pairs.push(HeldPair {
            a: side(m.a),
            b: side(m.b),
            steps: part.steps,
            hamming: u8::try_from(m.hamming).expect("a Hamming distance of 64 bits at most"),
            similarity: part.similarity,
        });
        self.len += 1;
    }

    /// The pairs as they were verified, sorted by passages (a, b), stably.
    fn into_sorted(self) -> Vec<Matched> {
        let HeldPairs {
            block,
            blocks,
            spans,
            len,
        } = self;
        let pair = |i: u32| &blocks[i as usize / block].pairs[i as usize % block];
        // Where each pair's steps start in its block's: they were appended
        // in order.
        let mut from: Vec<u32> = Vec::with_capacity(len);
        for block in &blocks {
            let mut at = 0u32;
            for p in &block.pairs {
                from.push(at);
                at = at.checked_add(p.steps).expect("fewer than 2^32 steps");
            }
        }
        let n = u32::try_from(len).expect("fewer than 2^32 pairs");
        let mut order: Vec<u32> = (0..n).collect();
        // Equal keys keep their order: the pair number breaks the tie.
        order.sort_unstable_by_key(|&i| (pair(i).a, pair(i).b, i));
        let mut spans: Vec<(u32, Option<SplitSpans>)> =
            spans.into_iter().map(|(i, s)| (i, Some(s))).collect();
        let side = |[doc, start, end]: [u32; 3]| Passage {
            doc: DocId(doc),
            span: Span::new(start as usize, end as usize),
        };
        (order.into_iter())
            .map(|i| {
                let p = *pair(i);
                let held = spans
                    .binary_search_by_key(&i, |s| s.0)
                    .ok()
                    .and_then(|k| spans[k].1.take());
                let part = Unstepped {
                    steps: p.steps,
                    similarity: p.similarity,
                    spans: held,
                };
                let steps = &blocks[i as usize / block].steps;
                Matched {
                    a: side(p.a),
                    b: side(p.b),
                    hamming: u32::from(p.hamming),
                    alignment: steps.alignment(from[i as usize] as usize, part),
                }
            })
            .collect()
    }
}

/// Documents fingerprinted together (in parallel) before their records are
/// appended to the corpus-wide list.
const FINGERPRINT_BATCH: usize = 1024;

/// Finds every near-duplicate passage pair across documents.
pub fn find_pairs(corpus: &Corpus, opts: &MatchOptions, stats: &mut Stats) -> Vec<Matched> {
    let timings = Timings::start();
    // 1. Fingerprint every chunk of every document, a batch of documents
    // at a time (the records of a batch are appended to one list, never
    // held twice).
    let mut records: Vec<ChunkRecord> = Vec::new();
    let mut unit_starts = UnitStarts::with_docs(corpus.len());
    let mut key_bytes = KeyBytes::new(corpus.len(), KEY_BLOCK);
    let mut passages = 0;
    for (b, batch) in corpus.docs.chunks(FINGERPRINT_BATCH).enumerate() {
        let per_doc: Vec<DocPrint> = batch
            .par_iter()
            .enumerate()
            .map_init(
                || (Vec::new(), Vec::new()),
                |(toks, br), (i, d)| {
                    let id = DocId((b * FINGERPRINT_BATCH + i) as u32);
                    fingerprint_doc(id, &d.text, toks, br)
                },
            )
            .collect();
        for d in per_doc {
            records.extend(d.records);
            unit_starts.push(&d.units);
            key_bytes.push(&d.key_bytes);
            passages += d.sentences;
        }
        // The batch's lists were freed by the threads that made them: give
        // their pages back before the next batch's (c20k: the phase's peak,
        // at its end, 116 → 113 MB; the key bytes are held from here on).
        release_free_memory();
    }
    key_bytes.finish();
    unit_starts.list.shrink_to_fit();
    stats.passages = passages;
    let lap = |phase: &str, detail: String| timings.lap(phase, &detail);
    lap("fingerprint", format!("{} chunks", records.len()));
    // 2. Group equal fingerprints (the records sorted in place; 8 bytes a
    // chunk from here on, the records given back as they are grouped);
    // find near ones with the block index.
    index::sort_records(&mut records);
    let (mut fps, mut grouped) = ChunkGroups::from_sorted(records);
    let mut near = index::near_pairs(&fps, opts.max_hamming);
    lap(
        "index",
        format!(
            "{} distinct fingerprints, {} near pairs",
            fps.len(),
            near.len()
        ),
    );
    // Two thirds of the groups are one document's chunks without a near
    // fingerprint: they seed nothing.
    grouped.drop_lone(&mut fps, &mut near);
    // 3–4. Seeds, chained into candidate regions, verified by alignment:
    // one shard of documents at a time, so that the seeds (millions on a
    // large corpus) never all exist at once.
    let mut seed_stats = SeedStats::default();
    let seeding = Seeding::new(&fps, &grouped, &near, &mut seed_stats);
    drop(fps);
    // The block index's lists of pairs found were freed by the threads
    // that made them.
    release_free_memory();
    let shards = seeding.shards(corpus.len(), candidates::SHARD_SEEDS);
    let (mut seeding_time, mut verify_time) = (Duration::ZERO, Duration::ZERO);
    // The pairs verified so far, 40 bytes each, their steps in one list.
    let mut held = HeldPairs::new(HELD_BLOCK);
    let mut candidates = 0;
    let shard_count = shards.len();
    // A shard's candidates are made while the shard before it is verified
    // (one `rayon::join`): the threads that finish one of the two early
    // take work from the other, where a barrier after each left a core idle
    // at every shard's end (22 of them on the generated corpus).
    let seed = |shard: Shard| -> (Shard, Vec<Candidate>, Duration) {
        let t = Instant::now();
        let cands = seeding.candidates(&shard);
        (shard, cands, t.elapsed())
    };
    let mut shards = shards.into_iter();
    let mut next = shards.next().map(seed);
    while let Some((shard, cands, seeded)) = next.take() {
        seed_stats.seeds += shard.seeds as usize;
        candidates += cands.len();
        seeding_time += seeded;
        // Documents b come after their shard's first document a.
        key_bytes.drop_before(shard.docs.start);
        let prints = (&unit_starts, &key_bytes);
        let verify = || {
            let t = Instant::now();
            // Grouped by document a (tokenized once).
            let groups: Vec<&[Candidate]> = cands.chunk_by(|x, y| x.a_doc == y.a_doc).collect();
            let found: Vec<Matched> = groups
                .par_iter()
                .flat_map_iter(|group| verify_group(corpus, prints, group, opts))
                .collect();
            (found, t.elapsed())
        };
        let ((found, verified), following) = rayon::join(verify, || shards.next().map(seed));
        verify_time += verified;
        for m in found {
            held.push(m);
        }
        next = following;
        // Its lists of groups and near pairs are not needed again.
        drop(shard);
        drop(cands);
        // The shard's seeds, candidates and pairs were freed by the threads
        // that made them: give their pages back before the next shard's.
        release_free_memory();
    }
    stats.common_groups = seed_stats.common_groups;
    stats.candidates = candidates;
    lap(
        "seeds",
        format!(
            "{} seeds (+ {} common chunks seeding beside them), {} candidates, {} common groups, {} shards; {} ms",
            seed_stats.seeds,
            seed_stats.common_chunks,
            candidates,
            seed_stats.common_groups,
            shard_count,
            seeding_time.as_millis()
        ),
    );
    // What matching held is freed before the pairs are sorted.
    drop(seeding);
    drop((grouped, near, unit_starts, key_bytes));
    release_free_memory();
    let out = held.into_sorted();
    lap(
        "verify",
        format!("{} pairs; {} ms", out.len(), verify_time.as_millis()),
    );
    out
}

/// Token range of the units that cover tokens `r`.
fn extend_to_units(units: &[Range<usize>], r: Range<u32>) -> Range<usize> {
    let (s, e) = (r.start as usize, r.end as usize);
    let first = units.partition_point(|u| u.end <= s);
    let last = units
        .partition_point(|u| u.end < e)
        .min(units.len().saturating_sub(1));
    units[first].start.min(s)..units[last].end.max(e)
}

/// Regions of one document pair closer than this (tokens, on both sides)
/// are aligned as one: an edit that broke the seed chain, not two copies.
const MERGE_GAP: usize = 40;

/// A unit counts as copied when this share of its tokens align as equal.
/// 0.8 leaves room for an edited word or two in a sentence, while a
/// sentence of which only a stock half is shared (a formula, a spliced
/// quote) does not count.
pub const UNIT_COVER: f64 = 0.8;

/// A stretch of this many equal words is a copied passage even when it
/// covers no whole sentence unit of either document (units of unpunctuated
/// Arabic text are cut at arbitrary places).
pub const LONG_PASSAGE: usize = 20;

/// A window of a document, tokenized: tokens `first_token..` of the
/// document (its bytes `bytes`), spans in document bytes, keyed by
/// `normalize::tokenize_keyed_into` (comparable with other windows' keys
/// only, not with fingerprints' feature hashes).
///
/// Verification tokenizes about a million windows on a 20,000-document
/// corpus: a window is refilled in place ([`Window::fill_units`]) so that its
/// lists are allocated once per document a, not three times per window.
#[derive(Debug, Default, PartialEq)]
struct Window {
    first_token: usize,
    bytes: Range<usize>,
    tokens: Vec<Token>,
    keys: Vec<u64>,
    units: Vec<Range<usize>>,
}

impl Window {
    /// Tokenizes the sentence units around document tokens `r`: those
    /// that cover `r`, then as many more as cover `pad` tokens on either
    /// side of them (what widening a passage needs). `units` are the
    /// document's unit starts and its end, so a window's units are the
    /// whole document's: the same wherever the window starts.
    #[cfg(test)]
    fn around(text: &str, units: &[UnitStart], r: &Range<usize>, pad: usize) -> Window {
        let mut w = Window::default();
        w.fill(text, units, r, pad);
        w
    }

    /// The first unit of the window around tokens `r` and the one after
    /// its last (see [`Window::around`]). Verification asks for them once
    /// per region and pad, and passes them to what reads that window.
    fn units_around(units: &[UnitStart], r: &Range<usize>, pad: usize) -> UnitsAround {
        let last = units.len() - 1;
        let unit_of = |t: usize| {
            units
                .partition_point(|u| u.token as usize <= t)
                .saturating_sub(1)
                .min(last.saturating_sub(1))
        };
        let (mut u0, mut u1) = (unit_of(r.start), unit_of(r.end.saturating_sub(1)) + 1);
        if pad > 0 {
            let s = (units[u0].token as usize).saturating_sub(pad);
            let e = units[u1].token as usize + pad;
            (u0, u1) = (unit_of(s), unit_of(e - 1) + 1);
        }
        (u0, u1)
    }

    /// Asks the processor to start loading the text of the window around
    /// tokens `r` (at most its first [`PREFETCH_BYTES`]) while other work
    /// goes on: verification reads about a million windows scattered over
    /// the whole corpus, and each one's first bytes (and its document's
    /// unit list) were a cache miss that stalled the tokenizer.
    fn prefetch(text: &str, units: &[UnitStart], r: &Range<usize>) {
        let (u0, u1) = Window::units_around(units, r, 0);
        let (b0, b1) = (units[u0].byte as usize, units[u1].byte as usize);
        let end = b1.min(b0 + PREFETCH_BYTES).min(text.len());
        for at in (b0..end).step_by(64) {
            prefetch(&text.as_bytes()[at]);
        }
    }

    /// Makes this window the one [`Window::around`] gives, reusing its
    /// lists.
    #[cfg(test)]
    fn fill(&mut self, text: &str, units: &[UnitStart], r: &Range<usize>, pad: usize) {
        self.fill_units(text, units, Window::units_around(units, r, pad));
    }

    /// The key bytes `k` of the window's document ([`KeyBytes`]) over the
    /// window's tokens, when they number as the document's unit starts
    /// `units` say between the window's edges (a window of whole units cut
    /// where tokens end, or of the whole document, holds the document's
    /// tokens there); else `None`.
    fn doc_key_bytes<'k>(&self, units: &[UnitStart], k: &'k [u8]) -> Option<&'k [u8]> {
        let end = self.first_token + self.tokens.len();
        let at = units.partition_point(|u| (u.byte as usize) < self.bytes.end);
        let edge = units
            .get(at)
            .filter(|u| u.byte as usize == self.bytes.end)?;
        if edge.token as usize != end {
            return None;
        }
        k.get(self.first_token..end)
    }

    /// [`Window::fill`] with the window's units, `Window::units_around`'s
    /// answer for its region and pad.
    fn fill_units(&mut self, text: &str, units: &[UnitStart], (u0, u1): UnitsAround) {
        let (b0, b1) = (units[u0].byte as usize, units[u1].byte as usize);
        let first_token = units[u0].token as usize;
        let slice = &text[b0..b1];
        // Keyed for comparison within verification only (a faster hash).
        // The window's tokens are counted in advance (the document's units
        // say how many), so the list grows at most once.
        let expected = units[u1].token as usize - first_token;
        let (tokens, keys) = (&mut self.tokens, &mut self.keys);
        tokens.clear();
        keys.clear();
        tokens.reserve(expected);
        keys.reserve(expected);
        normalize::tokenize_keyed_moved_into(slice, b0, tokens);
        keys.extend(tokens.iter().map(|t| t.hash));
        if tokens.len() == expected {
            unit_ranges(&units[u0..=u1], &mut self.units);
        } else {
            // A character that folds to two tokens of the same bytes ("㎡":
            // "m", "2") split by a unit cut at the window's edge: the
            // slice's tokens are not the document's there, so it gets
            // units of its own (off by a token at that edge, never out of
            // its bounds).
            let in_slice: Vec<Token> = tokens
                .iter()
                .map(|t| Token {
                    span: Span::new(t.span.start - b0, t.span.end - b0),
                    ..*t
                })
                .collect();
            self.units = segment::units(&segment::breaks(slice, &in_slice));
        }
        self.first_token = first_token;
        self.bytes = b0..b1;
    }

    /// Makes this window the one [`Window::fill_units`] gives with `around`
    /// (units around a region with a pad), where `narrow` is a window
    /// within it (b's window around the same region, unpadded): only the text on either side of `narrow` is tokenized,
    /// `narrow`'s tokens are copied. On the 20,000-document corpus a seventh
    /// of verification's windows are widened ones, more than a quarter of
    /// the tokens it reads; a third of those were `narrow`'s, tokenized a
    /// second time.
    ///
    /// The tokens of the pieces are the tokens of the whole when the
    /// tokenizer ends every token at each cut between them: an ASCII space
    /// or mark before the cut ends any token and leaves nothing pending,
    /// except `.` and `,`, which may join digits (a letter or digit before
    /// it might go on past the cut: "x㎡" is the tokens "xm", "2").
    /// Otherwise the window is filled whole.
    fn widen(&mut self, narrow: &Window, text: &str, units: &[UnitStart], around: UnitsAround) {
        let (u0, u1) = around;
        let (b0, b1) = (units[u0].byte as usize, units[u1].byte as usize);
        let inner = narrow.bytes.clone();
        let cut_clean = |at: usize| at == b0 || at == b1 || ends_tokens_before(text, at);
        let expected = units[u1].token as usize - units[u0].token as usize;
        let pieces =
            b0 <= inner.start && inner.end <= b1 && cut_clean(inner.start) && cut_clean(inner.end);
        if !pieces {
            return self.fill_units(text, units, around);
        }
        let (tokens, keys) = (&mut self.tokens, &mut self.keys);
        tokens.clear();
        keys.clear();
        tokens.reserve(expected);
        keys.reserve(expected);
        let push = |at: Range<usize>, tokens: &mut Vec<Token>, keys: &mut Vec<u64>| {
            let from = tokens.len();
            normalize::tokenize_keyed_moved_into(&text[at.clone()], at.start, tokens);
            keys.extend(tokens[from..].iter().map(|t| t.hash));
        };
        push(b0..inner.start, tokens, keys);
        tokens.extend_from_slice(&narrow.tokens);
        keys.extend_from_slice(&narrow.keys);
        push(inner.end..b1, tokens, keys);
        if tokens.len() != expected {
            // The rare window with units of its own (see `fill`).
            return self.fill_units(text, units, around);
        }
        let first_token = units[u0].token as usize;
        unit_ranges(&units[u0..=u1], &mut self.units);
        self.first_token = first_token;
        self.bytes = b0..b1;
    }

    /// Document token range `r` as a range of this window's tokens.
    fn local(&self, r: &Range<usize>) -> Range<usize> {
        let s = r
            .start
            .saturating_sub(self.first_token)
            .min(self.tokens.len());
        let e = r
            .end
            .saturating_sub(self.first_token)
            .min(self.tokens.len());
        s..e
    }
}

/// The first unit of a window and the one after its last, as indices
/// into its document's unit starts ([`Window::units_around`]).
type UnitsAround = (usize, usize);

/// The units of a window of unit starts `starts` (its units' and the next
/// one's), as token ranges from the window's first token, into `out`.
fn unit_ranges(starts: &[UnitStart], out: &mut Vec<Range<usize>>) {
    let first = starts.first().map_or(0, |u| u.token as usize);
    out.clear();
    out.extend(
        starts
            .windows(2)
            .map(|w| w[0].token as usize - first..w[1].token as usize - first),
    );
}

/// Whether the byte before `at` ends any token the tokenizer is building
/// and leaves nothing pending (an ASCII space or mark other than `.` and
/// `,`, which may join digits), so that the tokens of `text[..at]` and
/// `text[at..]` are those of `text` (see [`Window::widen`]).
fn ends_tokens_before(text: &str, at: usize) -> bool {
    let c = text.as_bytes()[at - 1];
    c.is_ascii() && !c.is_ascii_alphanumeric() && c != b'.' && c != b','
}

/// Whether the shared-word filter of [`verify_region`] may pass the
/// regions of document a's window `wa` around tokens `ra` and of document b
/// around tokens `rb`, judged from the key bytes ([`KeyBytes`]) of a's
/// window, `ka` (document a's over its window's tokens), and of b, `kb`,
/// before b's window is tokenized: `false` only when `verify_region` would
/// fail them at the filter. Tokens that share a byte are counted as one
/// word, so the count is at least the words their keys share; it is the
/// keys' when b's window is the document's tokens there (its edges are
/// cuts where tokens end, [`ends_tokens_before`]), else no bound is given.
/// `(u0, u1)` are the units of b's window around `rb`
/// ([`Window::units_around`], unpadded). `lists` are reused.
fn may_share(
    (wa, ka): (&Window, &[u8]),
    ra: &Range<usize>,
    (text_b, units_b, kb): (&str, &[UnitStart], &[u8]),
    (rb, (u0, u1)): (&Range<usize>, UnitsAround),
    lists: &mut BoundLists,
) -> bool {
    let BoundLists { units, counts, .. } = lists;
    let (b0, b1) = (units_b[u0].byte as usize, units_b[u1].byte as usize);
    let clean = |at: usize| at == 0 || at == text_b.len() || ends_tokens_before(text_b, at);
    if !clean(b0) || !clean(b1) {
        return true;
    }
    // What `Window::fill` and `verify_region` make of b's window when its
    // tokens are the document's: the units of the unit starts, the region
    // as `Window::local` clips it, extended to units.
    let first = units_b[u0].token as usize;
    let len = units_b[u1].token as usize - first;
    unit_ranges(&units_b[u0..=u1], units);
    let local = |x: usize| x.saturating_sub(first).min(len);
    let (la, lb) = (wa.local(ra), local(rb.start)..local(rb.end));
    if la.is_empty() || lb.is_empty() {
        return true;
    }
    let ua = extend_to_units(&wa.units, la.start as u32..la.end as u32);
    let ub = extend_to_units(units, lb.start as u32..lb.end as u32);
    let (ka, kb) = (&ka[ua.clone()], &kb[first + ub.start..first + ub.end]);
    for &x in ka {
        counts[usize::from(x)] += 1;
    }
    let mut shared = 0;
    for &x in kb {
        let c = &mut counts[usize::from(x)];
        shared += usize::from(*c > 0);
        *c = c.saturating_sub(1);
    }
    for &x in ka {
        counts[usize::from(x)] = 0;
    }
    !fails_shared_words(shared, ua.len(), ub.len())
}

/// Whether regions of `la` and `lb` tokens sharing `shared` words fail the
/// shared-word filter ([`MIN_SHARED_WORDS`]).
fn fails_shared_words(shared: usize, la: usize, lb: usize) -> bool {
    (2 * shared) as f64 <= MIN_SHARED_WORDS * (la + lb) as f64
}

/// Bytes of a window's text [`Window::prefetch`] asks for (its first 6
/// cache lines: a window is 36 tokens on average on the generated corpus).
const PREFETCH_BYTES: usize = 384;

/// Asks the processor to load the cache line of `x` (a hint: it never
/// faults and changes no result; nothing on targets without it).
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` needs SSE, which every x86_64 processor has;
    // it reads nothing the program sees and takes a valid reference here.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

fn verify_group(
    corpus: &Corpus,
    (unit_starts, key_bytes): (&UnitStarts, &KeyBytes),
    group: &[Candidate],
    opts: &MatchOptions,
) -> Vec<Matched> {
    let a_doc = DocId(group[0].a_doc);
    let text_a = &corpus.get(a_doc).text;
    let mut out: Vec<Matched> = Vec::new();
    // b's windows, refilled for each region.
    let (mut wb, mut wider) = (Window::default(), Window::default());
    // Lists for the bounds on key bytes.
    let mut lists = BoundLists::default();
    // Each document b's merged regions and passages, in lists reused.
    let (mut merged, mut found): (Vec<Region>, Vec<Matched>) = (Vec::new(), Vec::new());
    // Document a is tokenized once for all its candidates; each b only
    // around its region.
    let units_a = &unit_starts[a_doc.index()];
    let wa = window_of_a(text_a, units_a, group);
    // a's key bytes over its window's tokens: the window's tokens are the
    // document's from its first token (whole units cut where tokens end, or
    // the whole document), when they number as its units say (else no bound
    // is given; none is known).
    let keys_a = key_bytes
        .doc(a_doc.index())
        .and_then(|k| wa.doc_key_bytes(units_a, k));
    // The first candidate of each document b. Its window's text is
    // fetched into the cache one document b ahead, its unit list two, its
    // entries in the corpus and in `unit_starts` three (each step needs the
    // one before it in the cache to find its address).
    let firsts: Vec<&Candidate> = group
        .chunk_by(|x, y| x.b_doc == y.b_doc)
        .map(|c| &c[0])
        .collect();
    let ahead = |k: usize| firsts.get(k).map(|c| c.b_doc as usize);
    for k in 0..3 {
        if let Some(d) = ahead(k) {
            prefetch(&corpus.docs[d]);
            prefetch(&unit_starts.at[d]);
        }
    }
    for (k, same_b) in group.chunk_by(|x, y| x.b_doc == y.b_doc).enumerate() {
        if let Some(d) = ahead(k + 3) {
            prefetch(&corpus.docs[d]);
            prefetch(&unit_starts.at[d]);
        }
        if let Some(first) = ahead(k + 2).and_then(|d| unit_starts[d].first()) {
            prefetch(first);
        }
        if let Some(c) = firsts.get(k + 1) {
            let d = c.b_doc as usize;
            let r = c.b.start as usize..c.b.end as usize;
            Window::prefetch(&corpus.docs[d].text, &unit_starts[d], &r);
        }
        let b_doc = DocId(same_b[0].b_doc);
        let text_b = &corpus.get(b_doc).text;
        merged.clear();
        merged.extend(same_b.iter().map(|c| {
            (
                c.a.start as usize..c.a.end as usize,
                c.b.start as usize..c.b.end as usize,
                c.hamming,
            )
        }));
        merge_regions(&mut merged);
        found.clear();
        let units_b = &unit_starts[b_doc.index()];
        let keys = keys_a.zip(key_bytes.doc(b_doc.index()));
        for (ra, rb, hamming) in merged.iter().cloned() {
            // b's window around the region: its units found once.
            let around = Window::units_around(units_b, &rb, 0);
            if let Some((ka, kb)) = keys {
                let b = (text_b.as_str(), units_b, kb);
                if !may_share((&wa, ka), &ra, b, (&rb, around), &mut lists) {
                    continue;
                }
            }
            wb.fill_units(text_b, units_b, around);
            let texts = (text_a.as_str(), text_b.as_str());
            let bound_b = keys.map(|(ka, kb)| (ka, kb, &mut lists));
            let Some(m) = verify_region(
                texts,
                &wa,
                &wb,
                ((&mut wider, units_b, &rb), bound_b),
                wa.local(&ra),
                wb.local(&rb),
                opts,
            ) else {
                continue;
            };
            let m = Matched {
                a: Passage {
                    doc: a_doc,
                    span: m.0,
                },
                b: Passage {
                    doc: b_doc,
                    span: m.1,
                },
                hamming,
                alignment: m.2,
            };
            // Two regions that trimmed to overlapping passages: keep the larger.
            if let Some(prev) = found
                .iter_mut()
                .find(|p| p.a.span.overlaps(&m.a.span) && p.b.span.overlaps(&m.b.span))
            {
                if m.alignment.equal_tokens() > prev.alignment.equal_tokens() {
                    *prev = m;
                }
                continue;
            }
            found.push(m);
        }
        out.append(&mut found);
    }
    out
}

/// What widening reads of document b: the window it fills, b's unit
/// starts and the candidate's region of b.
type WidenB<'a> = (&'a mut Window, &'a [UnitStart], &'a Range<usize>);

/// Document a's window for its group of candidates: the units around all
/// their regions of a with [`WIDEN_TOKENS`] on either side (all that
/// verifying, widening and trimming them reads, in windows of the
/// document's units), when its edges are cuts where tokens end
/// ([`ends_tokens_before`]: its tokens are then the document's there);
/// else the whole document. On the 20,000-document corpus it holds 3.4%
/// fewer tokens than the whole documents (10% on the 4,000-document one).
fn window_of_a(text: &str, units: &[UnitStart], group: &[Candidate]) -> Window {
    let all = 0..units.last().map_or(0, |u| u.token as usize);
    let lo = group.iter().map(|c| c.a.start as usize).min();
    let hi = group.iter().map(|c| c.a.end as usize).max();
    let clean = |at: usize| at == 0 || at == text.len() || ends_tokens_before(text, at);
    let around = match (lo, hi) {
        (Some(lo), Some(hi)) if lo < hi => {
            let (u0, u1) = Window::units_around(units, &(lo..hi), WIDEN_TOKENS);
            let edges = [units[u0].byte as usize, units[u1].byte as usize];
            edges.into_iter().all(clean).then_some((u0, u1))
        }
        _ => None,
    };
    let mut w = Window::default();
    w.fill_units(
        text,
        units,
        around.unwrap_or_else(|| Window::units_around(units, &all, 0)),
    );
    w
}

/// What the bounds on key bytes read: document a's key bytes over its
/// window's tokens, document b's, and their lists.
type BoundB<'a> = (&'a [u8], &'a [u8], &'a mut BoundLists);

/// A candidate region of a document pair: tokens of a, tokens of b, the
/// smallest Hamming distance of its seeds.
type Region = (Range<usize>, Range<usize>, u32);

/// Merges, in place, the regions of one document pair that overlap or
/// nearly touch ([`MERGE_GAP`]) on both sides, in order of their start in a.
fn merge_regions(regions: &mut Vec<Region>) {
    regions.sort_by_key(|r| (r.0.start, r.1.start));
    let mut kept: usize = 0;
    for i in 0..regions.len() {
        let r = regions[i].clone();
        if let Some(m) = kept.checked_sub(1).map(|k| &mut regions[k])
            && m.0.end + MERGE_GAP >= r.0.start
            && m.1.start <= r.1.end + MERGE_GAP
            && r.1.start <= m.1.end + MERGE_GAP
        {
            m.0.end = m.0.end.max(r.0.end);
            m.1 = m.1.start.min(r.1.start)..m.1.end.max(r.1.end);
            m.2 = m.2.min(r.2);
            continue;
        }
        regions[kept] = r;
        kept += 1;
    }
    regions.truncate(kept);
}

/// Tokens by which a passage that reaches the edge of its candidate region
/// is widened on each side and aligned again: seeds miss the edited
/// stretches at a copy's ends (and formulae too common to seed); the
/// alignment finds them and trimming drops what is not copied.
const WIDEN_TOKENS: usize = 24;

/// Tokens a widened region reaches beyond the narrow one at most, on each
/// side, though the unit it ends in goes on: a long unit of unrelated text
/// beside a copy only gives the diff stock words to scatter the alignment
/// over, and the trimmed passage then loses the edited end it was widened
/// for. Recall of planted pairs on the generated 20,000-document corpus:
/// 0.9683 capped at 40, 0.9680 uncapped, 0.9662 capped at 24.
const MAX_WIDEN_TOKENS: usize = 40;

/// Equal words the widened alignment must add to replace the narrow one.
const MIN_WIDEN_GAIN: usize = 1;

/// Smallest share of words (as a multiset, `2 * shared / (len a + len b)`)
/// that the two unit-extended regions of a candidate must have in common to
/// be aligned at all. Every planted copy of the peers' corpus (Jaccard >=
/// 0.5) is above it; candidates below it cost most of the alignment time.
const MIN_SHARED_WORDS: f64 = 0.5;

/// Verifies a candidate: a cheap shared-word filter, then the alignment of
/// its unit-extended regions; a passage that reaches the edge of a region is
/// aligned again over a region widened by [`WIDEN_TOKENS`], and the wider
/// result is kept when it passes, overlaps the narrow passage on both sides
/// (it is the same copy, not a neighbouring one) and has [`MIN_WIDEN_GAIN`]
/// more equal words. b's widened window is filled (in `widen_b`'s window)
/// when it is needed.
fn verify_region(
    texts: (&str, &str),
    wa: &Window,
    wb: &Window,
    (widen_b, bound_b): (WidenB<'_>, Option<BoundB<'_>>),
    ra: Range<usize>,
    rb: Range<usize>,
    opts: &MatchOptions,
) -> Option<(Span, Span, Alignment)> {
    if ra.is_empty() || rb.is_empty() {
        return None;
    }
    let (ua, ub) = (
        extend_to_units(&wa.units, ra.start as u32..ra.end as u32),
        extend_to_units(&wb.units, rb.start as u32..rb.end as u32),
    );
    let shared = shared_tokens(&wa.keys[ua.clone()], &wb.keys[ub.clone()]);
    if fails_shared_words(shared, ua.len(), ub.len()) {
        return None;
    }
    let narrow = verify_aligned(wa, wb, ua.clone(), ub.clone(), opts)?;
    // The passage's byte spans; held pairs keep no token spans (they are
    // tokenized again where needed).
    let passage = |wb: &Window, (pa, pb, mut al): (Range<usize>, Range<usize>, Alignment)| {
        al.hold_split_spans(true, texts.0, &wa.tokens, pa.clone());
        al.hold_split_spans(false, texts.1, &wb.tokens, pb.clone());
        Some((
            segment::span_of(&wa.tokens, &pa),
            segment::span_of(&wb.tokens, &pb),
            al,
        ))
    };
    let inner = narrow.0.start > ua.start
        && narrow.0.end < ua.end
        && narrow.1.start > ub.start
        && narrow.1.end < ub.end;
    if inner {
        return passage(wb, narrow);
    }
    // b's widened window: its units found once, for the bound and the
    // window.
    let (wider, units_b, rb_doc) = widen_b;
    let around = Window::units_around(units_b, rb_doc, WIDEN_TOKENS);
    // The flank test below, on key bytes, before b's widened window is
    // tokenized: when it fails, so does the test.
    if let Some((ka, kb, lists)) = bound_b {
        let a = (wa, ka, &ua, &narrow.0);
        let b = (texts.1, units_b, kb, around);
        if !widened_flanks_may_extend(a, (wb, &ub, &narrow.1), b, lists) {
            return passage(wb, narrow);
        }
    }
    // Widening needs the units beyond b's window: tokenize them now (most
    // candidates fail or stay inside before this).
    let wb_narrow = wb;
    wider.widen(wb_narrow, texts.1, units_b, around);
    let wb = &*wider;
    let shift = |r: &Range<usize>| {
        let by = wb_narrow.first_token - wb.first_token;
        r.start + by..r.end + by
    };
    let (ub, narrow) = (shift(&ub), (narrow.0, shift(&narrow.1), narrow.2));
    let best = {
        let widen = |w: &Window, r: &Range<usize>| widen_region(&w.units, w.tokens.len(), r);
        let (wa_r, wb_r) = (widen(wa, &ua), widen(wb, &ub));
        if !flanks_may_extend(wa, wb, &wa_r, &wb_r, &narrow.0, &narrow.1) {
            return passage(wb, narrow);
        }
        match verify_aligned(wa, wb, wa_r, wb_r, opts) {
            Some(w)
                if w.2.equal_tokens() >= narrow.2.equal_tokens() + MIN_WIDEN_GAIN
                    && w.0.start < narrow.0.end
                    && narrow.0.start < w.0.end
                    && w.1.start < narrow.1.end
                    && narrow.1.start < w.1.end =>
            {
                w
            }
            _ => narrow,
        }
    };
    passage(wb, best)
}

/// Region `r` of a window of `len` tokens and units `units` widened by
/// [`WIDEN_TOKENS`] on each side, extended to units, but at most
/// [`MAX_WIDEN_TOKENS`] beyond `r`.
fn widen_region(units: &[Range<usize>], len: usize, r: &Range<usize>) -> Range<usize> {
    let wide = r.start.saturating_sub(WIDEN_TOKENS)..(r.end + WIDEN_TOKENS).min(len);
    let u = extend_to_units(units, wide.start as u32..wide.end as u32);
    u.start.max(r.start.saturating_sub(MAX_WIDEN_TOKENS))..u.end.min(r.end + MAX_WIDEN_TOKENS)
}

/// Whether the flank test of [`verify_region`] ([`flanks_may_extend`]
/// over b's widened window) may pass, judged from b's key bytes before
/// that window is tokenized: `false` only when it fails. `wb` is b's
/// narrow window (around document tokens `rb`), `ka` a's key bytes (its
/// window's tokens'), `ua`/`ub` the regions aligned in the windows and
/// `na`/`nb` the narrow passage. The flanks are compared by key bytes
/// ([`flank_bytes_may_extend`]), which share every word the keys share;
/// b's widened flanks are the document's key bytes
/// when both of b's windows are the document's tokens (their edges are
/// cuts where tokens end), else no bound is given. On the 20,000-document
/// corpus 161,114 passages are widened and 116,051 of them stop at the
/// flank test; 77,338 of those now stop here, before their widened window
/// is tokenized (and the flank test run on the keys). `(u0, u1)` are the
/// units of b's widened window ([`Window::units_around`] with
/// [`WIDEN_TOKENS`]).
fn widened_flanks_may_extend(
    (wa, ka, ua, na): (&Window, &[u8], &Range<usize>, &Range<usize>),
    (wb, ub, nb): (&Window, &Range<usize>, &Range<usize>),
    (text_b, units_b, kb, (u0, u1)): (&str, &[UnitStart], &[u8], UnitsAround),
    lists: &mut BoundLists,
) -> bool {
    let (b0, b1) = (units_b[u0].byte as usize, units_b[u1].byte as usize);
    let clean = |at: usize| at == 0 || at == text_b.len() || ends_tokens_before(text_b, at);
    if ![b0, b1, wb.bytes.start, wb.bytes.end]
        .into_iter()
        .all(clean)
    {
        return true;
    }
    let first = units_b[u0].token as usize;
    let len = units_b[u1].token as usize - first;
    unit_ranges(&units_b[u0..=u1], &mut lists.units);
    // The narrow window's tokens from the wider one's first.
    let by = wb.first_token - first;
    let (ub, nb) = (ub.start + by..ub.end + by, nb.start + by..nb.end + by);
    let wa_r = widen_region(&wa.units, wa.tokens.len(), ua);
    let wb_r = widen_region(&lists.units, len, &ub);
    let BoundLists {
        la,
        lb,
        xa,
        xb,
        seen,
        ..
    } = lists;
    la.clear();
    la.extend(ka[wa_r.start..na.start].iter().rev());
    xa.clear();
    xa.extend_from_slice(&ka[na.end..wa_r.end]);
    lb.clear();
    lb.extend(kb[first + wb_r.start..first + nb.start].iter().rev());
    xb.clear();
    xb.extend_from_slice(&kb[first + nb.end..first + wb_r.end]);
    flank_bytes_may_extend(la, lb, seen)
        || flank_bytes_may_extend(xa, xb, seen)
        || flank_bytes_may_extend(la, xb, seen)
        || flank_bytes_may_extend(xa, lb, seen)
}

/// [`flank_may_extend`]'s test over key bytes (a byte standing for every
/// key that has it): an upper bound, since bytes share every word their
/// keys share, in every prefix. `seen` counts each byte's occurrences on
/// either side and is left zeroed.
fn flank_bytes_may_extend(a: &[u8], b: &[u8], seen: &mut [(u32, u32); 256]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a[0] == b[0] {
        return true;
    }
    let mut shared = 0;
    let n = a.len().max(b.len());
    let mut t = 0;
    let may = loop {
        if t == n {
            break false;
        }
        if let Some(&x) = a.get(t) {
            let c = &mut seen[usize::from(x)];
            c.0 += 1;
            shared += usize::from(c.0 <= c.1);
        }
        if let Some(&x) = b.get(t) {
            let c = &mut seen[usize::from(x)];
            c.1 += 1;
            shared += usize::from(c.1 <= c.0);
        }
        t += 1;
        if 3 * shared >= t + 3 {
            break true;
        }
    };
    for &x in a[..t.min(a.len())].iter().chain(&b[..t.min(b.len())]) {
        seen[usize::from(x)] = (0, 0);
    }
    may
}

/// The lists the bounds on key bytes ([`may_share`],
/// [`widened_flanks_may_extend`]) reuse for a group.
struct BoundLists {
    units: Vec<Range<usize>>,
    counts: [u32; 256],
    la: Vec<u8>,
    lb: Vec<u8>,
    xa: Vec<u8>,
    xb: Vec<u8>,
    seen: [(u32, u32); 256],
}

impl Default for BoundLists {
    fn default() -> Self {
        BoundLists {
            units: Vec::new(),
            counts: [0; 256],
            la: Vec::new(),
            lb: Vec::new(),
            xa: Vec::new(),
            xb: Vec::new(),
            seen: [(0, 0); 256],
        }
    }
}

/// Aligns tokens `ra` and `rb` of two windows, trims the alignment to the
/// copied stretch and checks it is a near-duplicate worth reporting.
/// Returns the trimmed token ranges.
fn verify_aligned(
    wa: &Window,
    wb: &Window,
    ra: Range<usize>,
    rb: Range<usize>,
    opts: &MatchOptions,
) -> Option<(Range<usize>, Range<usize>, Alignment)> {
    if ra.is_empty() || rb.is_empty() {
        return None;
    }
    let (pa, pb, al) = align::align_trimmed(&wa.keys[ra.clone()], &wb.keys[rb.clone()]);
    let (pa, pb) = (
        ra.start + pa.start..ra.start + pa.end,
        rb.start + pb.start..rb.start + pb.end,
    );
    // The tests in order of cost (all must pass): most alignments of
    // natural near-duplicates fail on the units, before any shingle is
    // hashed.
    if al.similarity < opts.min_similarity || pa.len() < opts.min_words || pb.len() < opts.min_words
    {
        return None;
    }
    let (cov_a, cov_b) = copied_units(&al, &wa.units, pa.start, &wb.units, pb.start);
    if (cov_a < opts.min_words || cov_b < opts.min_words) && al.equal_tokens() < LONG_PASSAGE {
        return None;
    }
    if !opts.passes_pair_bar(&wa.keys[pa.clone()], &wb.keys[pb.clone()]) {
        return None;
    }
    Some((pa, pb, al))
}

/// Whether the widened alignment could add equal words to the narrow
/// passage `na`/`nb` (token ranges of the windows; `ra`/`rb` the widened
/// regions), judged from the flanks (the widened regions outside the
/// passage, nearest token first; [`flank_may_extend`]). Skipping the
/// widened alignment where no extension can pay for itself is most of the
/// saving of verification: natural near-duplicates are short shared
/// stretches between unrelated text.
///
/// Same-side flanks are an extension outwards; crosswise flanks (a's
/// start, b's end) a clause moved to the other end, admitted by the same
/// test: dense moved blocks pass it (without them the generated corpora
/// lost 1–3 planted pairs), while admitting every block `moved_block`
/// could accept passes most flanks of formulaic text (+40% verification
/// time, no pair gained).
fn flanks_may_extend(
    wa: &Window,
    wb: &Window,
    ra: &Range<usize>,
    rb: &Range<usize>,
    na: &Range<usize>,
    nb: &Range<usize>,
) -> bool {
    FLANKS.with(|f| {
        let f = &mut *f.borrow_mut();
        let rev = |out: &mut Vec<u64>, k: &[u64]| {
            out.clear();
            out.extend(k.iter().rev());
        };
        rev(&mut f.la, &wa.keys[ra.start..na.start]);
        rev(&mut f.lb, &wb.keys[rb.start..nb.start]);
        let (la, lb, counts) = (&f.la, &f.lb, &mut f.counts);
        let (xa, xb) = (&wa.keys[na.end..ra.end], &wb.keys[nb.end..rb.end]);
        flank_may_extend_in(la, lb, counts)
            || flank_may_extend_in(xa, xb, counts)
            || flank_may_extend_in(la, xb, counts)
            || flank_may_extend_in(xa, lb, counts)
    })
}

/// A thread's lists for [`flanks_may_extend`] (it runs for most verified
/// passages: six allocations each before). They keep the size of the
/// longest flanks a thread has seen (a few units).
#[derive(Default)]
struct Flanks {
    la: Vec<u64>,
    lb: Vec<u64>,
    counts: FlankCounts,
}

/// What [`flank_may_extend_in`] counts in: occurrences per key class and
/// per key, on each side.
struct FlankCounts {
    classes: Box<[[u32; 2]; FLANK_CLASSES]>,
    seen: KeyTable<[u32; 2]>,
}

impl Default for FlankCounts {
    fn default() -> Self {
        FlankCounts {
            classes: Box::new([[0; 2]; FLANK_CLASSES]),
            seen: KeyTable::new(0),
        }
    }
}

/// Classes of keys [`flank_may_extend_in`] bounds the shared count with.
const FLANK_CLASSES: usize = 256;

/// A key's class: the top byte of its product with an odd constant (keys
/// are hashes; the product spreads keys built otherwise, in tests, too).
fn flank_class(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
}

thread_local! {
    static FLANKS: std::cell::RefCell<Flanks> = std::cell::RefCell::default();
}

/// Whether two flanks (token keys, nearest to the passage first) may hold
/// an extension that `Alignment::trim` keeps. An extension spanning `t`
/// tokens (its longer side) with `e` equal words scores at most
/// `3e - 3 - t` half words in trim's affine score (2 per equal word; a
/// difference opens at 3 and costs 1 per word of its longer side), unless
/// it is all equal; so the flanks' first `t` tokens must share
/// `3 * shared >= t + 3` words for some `t`, or start with an equal token.
/// The `k`-th occurrence of a key in both becomes shared at
/// `t = max(position in a, position in b) + 1`.
#[cfg(test)]
fn flank_may_extend(a: &[u64], b: &[u64]) -> bool {
    flank_may_extend_in(a, b, &mut FlankCounts::default())
}

/// [`flank_may_extend`], counting in `counts`.
///
/// Counted first per class of keys ([`flank_class`], a table indexed
/// directly): keys of a class count as one key, and `min(Σ a's, Σ b's)`
/// is at least `Σ min(a's, b's)`, so the classes' shared count bounds the
/// keys' at every `t` from above. Flanks whose classes never pay cannot
/// pay (most: natural near-duplicates between unrelated text) and need no
/// count per key, which hashes and probes twice a token.
fn flank_may_extend_in(a: &[u64], b: &[u64], counts: &mut FlankCounts) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a[0] == b[0] {
        return true;
    }
    let classes = &mut *counts.classes;
    classes.fill([0; 2]);
    if !flank_pays(a, b, |x, side| {
        let c = &mut classes[flank_class(x)];
        c[side] += 1;
        c[side] <= c[1 - side]
    }) {
        return false;
    }
    let seen = &mut counts.seen;
    seen.reset(a.len() + b.len());
    flank_pays(a, b, |x, side| {
        let (c, _) = seen.entry(x);
        c[side] += 1;
        c[side] <= c[1 - side]
    })
}

/// Token by token, each key's occurrences seen so far on each side: the
/// k-th occurrence on one side is shared when the other side has had k.
/// `count(key, side)` counts an occurrence (side 0 is a, 1 is b) and says
/// whether it is shared; true when `3 * shared >= t + 3` for a `t`.
fn flank_pays(a: &[u64], b: &[u64], mut count: impl FnMut(u64, usize) -> bool) -> bool {
    let mut shared = 0;
    (0..a.len().max(b.len())).any(|t| {
        if let Some(&x) = a.get(t) {
            shared += usize::from(count(x, 0));
        }
        if let Some(&x) = b.get(t) {
            shared += usize::from(count(x, 1));
        }
        3 * shared >= t + 1 + 3
    })
}

/// Walks two slices sorted by `key` and calls `hit` on each pair of equal
/// keys, matched one to one in order (their multiset intersection): the
/// tests' reference for the counting tables.
#[cfg(test)]
fn matched_in_order<T, K: Ord>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> K,
    mut hit: impl FnMut(&T, &T),
) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match key(&a[i]).cmp(&key(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                hit(&a[i], &b[j]);
                i += 1;
                j += 1;
            }
        }
    }
}

/// Size of the multiset intersection of two token key sequences: `a`'s
/// keys counted, `b`'s taken from the counts.
fn shared_tokens(a: &[u64], b: &[u64]) -> usize {
    // Exact copies, most candidates of a corpus of reprints.
    if a == b {
        return a.len();
    }
    let mut counts: KeyTable<u32> = KeyTable::new(a.len());
    for &k in a {
        *counts.entry(k).0 += 1;
    }
    let mut n = 0;
    for &k in b {
        if let Some(c) = counts.get_mut(k).filter(|c| **c > 0) {
            *c -= 1;
            n += 1;
        }
    }
    n
}

/// The word-3-shingle hashes of a token key sequence (a short one is one
/// shingle).
fn shingles(k: &[u64]) -> impl Iterator<Item = u64> + '_ {
    let short = (k.len() < 3).then(|| k.iter().fold(0u64, |h, &x| h.rotate_left(21) ^ x));
    short.into_iter().chain(
        k.windows(3)
            .map(|w| w[0].rotate_left(42) ^ w[1].rotate_left(21) ^ w[2]),
    )
}

/// Jaccard similarity of the word-3-shingle sets of two token sequences
/// (the measure MinHash tools estimate; a short side is one shingle).
pub fn shingle_jaccard(a: &[u64], b: &[u64]) -> f64 {
    // The same sequence has the same shingles (a short one has one).
    if a == b {
        return 1.0;
    }
    // Per shingle: bit 0 seen in a, bit 1 seen in b.
    let mut seen: KeyTable<u8> = KeyTable::new(a.len().max(1) + b.len().max(1));
    let mut na = 0;
    for h in shingles(a) {
        let (m, new) = seen.entry(h);
        *m |= 1;
        na += usize::from(new);
    }
    let (mut nb, mut inter) = (0, 0);
    for h in shingles(b) {
        let (m, _) = seen.entry(h);
        if *m & 2 == 0 {
            nb += 1;
            inter += usize::from(*m & 1);
            *m |= 2;
        }
    }
    let union = na + nb - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Tokens, on each side, of the units that the passage copies (at least
/// [`UNIT_COVER`] of the unit's tokens aligned as equal).
fn copied_units(
    al: &Alignment,
    ua: &[Range<usize>],
    a0: usize,
    ub: &[Range<usize>],
    b0: usize,
) -> (usize, usize) {
    (
        covered(&al.ops, true, ua, a0, al.a_len()),
        covered(&al.ops, false, ub, b0, al.b_len()),
    )
}

/// Tokens of the units (sorted, of one side's window) whose tokens the
/// steps `ops` copy to [`UNIT_COVER`] or more, the side's `len` tokens
/// starting at token `base` of the window. Counted from the steps' ranges
/// (each unit's overlap with them), not from a flag per token: verification
/// asks it for every trimmed alignment, and most fail here.
fn covered(
    ops: &[align::AlignOp],
    side_a: bool,
    units: &[Range<usize>],
    base: usize,
    len: usize,
) -> usize {
    let side = |o: &align::AlignOp| if side_a { o.a() } else { o.b() };
    // One-sided ops survive trimming only at the ends, as the two halves of
    // a moved block: copied text too.
    let last = ops.len().saturating_sub(1);
    let copied = |i: usize, o: &align::AlignOp| {
        o.tag == align::OpTag::Equal
            || ((i == 0 || i == last)
                && matches!(o.tag, align::OpTag::Delete | align::OpTag::Insert))
    };
    let end = base + len;
    let first = units.partition_point(|u| u.end <= base);
    let mut total = 0;
    for u in units[first..].iter().take_while(|u| u.start < end) {
        let n = u.len();
        // The unit's tokens in the passage, counted from its start.
        let (lo, hi) = (
            u.start.max(base) - base,
            u.end.min(end).saturating_sub(base),
        );
        // The steps' ranges on a side are in order and end in order.
        let k = ops.partition_point(|o| side(o).end <= lo);
        let inside: usize = ops[k..]
            .iter()
            .enumerate()
            .take_while(|(_, o)| side(o).start < hi)
            .filter(|&(i, o)| copied(k + i, o))
            .map(|(_, o)| {
                let r = side(o);
                r.end.min(hi).saturating_sub(r.start.max(lo))
            })
            .sum();
        if n > 0 && inside as f64 >= UNIT_COVER * n as f64 {
            total += n;
        }
    }
    total
}

/// Spans of every document, grouped by document: the passages' (what claim
/// extraction needs of the pairs) or the quotations'.
struct PassageSpans {
    /// Spans, sorted by document.
    spans: Vec<Span>,
    /// Where each document's spans start in `spans` (one more entry than
    /// documents).
    starts: Vec<u32>,
}

impl PassageSpans {
    /// The spans of both sides of every list of `pairs`, for a corpus of
    /// `docs` documents.
    ///
    /// Each side is put straight into its document's part of one list of
    /// the exact size (counted first), and each part is then sorted: the
    /// list of (document, span) sorted whole and then copied took 24 bytes
    /// a side where the spans take 16, and held at the claims' peak (c20k:
    /// 389,362 sides, 9.3 MB for 6.2).
    fn new(docs: usize, pairs: &[&[Matched]]) -> PassageSpans {
        let sides = || {
            pairs
                .iter()
                .flat_map(|list| list.iter())
                .flat_map(|m| [(m.a.doc, m.a.span), (m.b.doc, m.b.span)])
        };
        let mut starts = vec![0u32; docs + 1];
        for (d, _) in sides() {
            starts[d.index() + 1] += 1;
        }
        for d in 0..docs {
            starts[d + 1] += starts[d];
        }
        let mut spans = vec![Span::default(); starts[docs] as usize];
        let mut at: Vec<u32> = starts[..docs].to_vec();
        for (d, span) in sides() {
            spans[at[d.index()] as usize] = span;
            at[d.index()] += 1;
        }
        drop(at);
        let mut parts: Vec<&mut [Span]> = Vec::with_capacity(docs);
        let mut rest = spans.as_mut_slice();
        for d in 0..docs {
            let (part, after) = rest.split_at_mut((starts[d + 1] - starts[d]) as usize);
            parts.push(part);
            rest = after;
        }
        parts
            .into_par_iter()
            .for_each(|part| part.sort_unstable_by_key(|s| (s.start, s.end)));
        PassageSpans { spans, starts }
    }

    /// No documents yet: [`PassageSpans::push`] adds them in order.
    fn empty() -> PassageSpans {
        PassageSpans {
            spans: Vec::new(),
            starts: vec![0],
        }
    }

    /// Adds the spans of the next document, `spans`.
    fn push(&mut self, spans: &[Span]) {
        self.spans.extend_from_slice(spans);
        self.starts.push(self.spans.len() as u32);
    }

    /// The spans of document `d`, sorted.
    fn of(&self, d: usize) -> &[Span] {
        &self.spans[self.starts[d] as usize..self.starts[d + 1] as usize]
    }
}

/// Runs matching, claims and contradictions over a corpus.
pub fn check(corpus: Corpus, errors: Vec<input::InputError>, opts: &MatchOptions) -> CheckOutcome {
    let mut pairs = Vec::new();
    let done = check_each(corpus, errors, opts, |_, batch| {
        pairs.extend(batch);
        Ok::<(), std::convert::Infallible>(())
    });
    let mut outcome = match done {
        Ok(o) => o,
        Err(never) => match never {},
    };
    outcome.pairs = pairs;
    outcome
}

/// Documents whose results [`in_batches`] makes at once.
const DOC_BATCH: usize = 512;

/// `make` of every document number `0..docs`, made in parallel a batch at
/// a time, handed in order to `keep` on this thread. What the threads
/// make is freed by the end of its batch: results they made among their
/// passing allocations and held to the end would keep most of those
/// threads' pages from going back to the system (a list of quotations or
/// the claims of each document: 20 MB on the generated corpus). `keep`
/// copies what it holds.
///
/// This thread copies a batch while the pool makes the next one (the
/// pool's threads were idle while it copied: on the generated corpus a
/// tenth of the claims phase's two cores).
fn in_batches<T: Send>(docs: usize, make: impl Fn(usize) -> T + Sync, mut keep: impl FnMut(T)) {
    let batch = |lo: usize| -> Vec<T> {
        (lo..(lo + DOC_BATCH).min(docs))
            .into_par_iter()
            .map(&make)
            .collect()
    };
    let kept = overlapped((0..docs).step_by(DOC_BATCH), batch, |made| {
        made.into_iter().for_each(&mut keep);
        Ok::<(), std::convert::Infallible>(())
    });
    match kept {
        Ok(()) => {}
        Err(never) => match never {},
    }
}

/// Makes each input's output with `make` (on a scoped thread, which hands
/// the work to the pool) while this thread hands the output before it to
/// `keep`, in order: the pool is not idle while `keep` runs. The first
/// error of `keep` ends the loop (after the output being made is done)
/// and is returned; a panic in `make` is resumed here.
fn overlapped<I: Send, O: Send, E>(
    inputs: impl Iterator<Item = I>,
    make: impl Fn(I) -> O + Sync,
    mut keep: impl FnMut(O) -> Result<(), E>,
) -> Result<(), E> {
    let mut inputs = inputs.fuse();
    let mut made: Option<O> = None;
    loop {
        let input = inputs.next();
        if input.is_none() && made.is_none() {
            return Ok(());
        }
        let (next, kept) = std::thread::scope(|scope| {
            let make = &make;
            let making = input.map(|x| scope.spawn(move || make(x)));
            let kept = made.take().map_or(Ok(()), &mut keep);
            let next = making.map(|m| {
                m.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            (next, kept)
        });
        kept?;
        made = next;
    }
}

/// Pairs compared (in parallel) and handed to `check_each`'s sink at once.
/// Small next to the 194,681 pairs of the 61 MB generated corpus, large
/// enough for the threads to share the work evenly.
const CONTRADICT_BATCH: usize = 4096;

/// [`check`], handing the reported pairs to `sink` a batch at a time, in
/// their final order (sorted by (a, b)), instead of holding them all: a
/// report written as they come needs only what one batch holds. The
/// outcome returned has no `pairs`. The first error of `sink` ends the run
/// and is returned.
pub fn check_each<E>(
    corpus: Corpus,
    errors: Vec<input::InputError>,
    opts: &MatchOptions,
    sink: impl FnMut(&Corpus, Vec<PairResult>) -> Result<(), E>,
) -> Result<CheckOutcome, E> {
    check_in_batches(corpus, errors, opts, CONTRADICT_BATCH, sink)
}

/// [`check_each`], comparing and handing over `batch_size` pairs at a time.
fn check_in_batches<E>(
    mut corpus: Corpus,
    errors: Vec<input::InputError>,
    opts: &MatchOptions,
    batch_size: usize,
    mut sink: impl FnMut(&Corpus, Vec<PairResult>) -> Result<(), E>,
) -> Result<CheckOutcome, E> {
    return_freed_memory_promptly();
    let mut stats = Stats::default();
    let timings = Timings::start();
    timings.lap("read", "check");
    // Boilerplate is blanked out for matching only (same offsets); claims
    // and reports see the original text.
    let saved = match opts.boilerplate_min_docs {
        Some(n) => mask_boilerplate(&mut corpus, n),
        None => Vec::new(),
    };
    let lap = |phase: &str| timings.lap(phase, "check");
    lap("boilerplate");
    release_free_memory();
    let mut matched = find_pairs(&corpus, opts, &mut stats);
    release_free_memory();
    keep_spans_over_blanks(&corpus, &saved, &mut matched);
    restore(&mut corpus, saved);
    // Quotations pair documents that passage matching did not pair: they
    // are found first, from each document's quotations alone, so that the
    // quotation index is not held beside every document's claims.
    let claim_opts = ClaimOptions::default();
    let mut quote_spans = PassageSpans::empty();
    in_batches(
        corpus.len(),
        |i| claims::quotes_in(&corpus.get(DocId(i as u32)).text, &claim_opts),
        |spans| quote_spans.push(&spans),
    );
    // Held to the claims (16 bytes a quotation: c20k 92,098, 1.5 MB), not
    // grown (made a document at a time).
    quote_spans.spans.shrink_to_fit();
    lap("quotations");
    release_free_memory();
    let (extra, proposed, passed) = quote_pairs(&corpus, &quote_spans, &matched, opts);
    timings.lap(
        "quotation pairs",
        &format!(
            "{proposed} share a 4-word run and may pass, {passed} pass the bar, {} pairs",
            extra.len()
        ),
    );
    // The quotation index was freed by the threads that built it.
    release_free_memory();
    // Claims of every paired document, once each, where pairs need them:
    // the figures and dates of its passages (of both kinds of pairs) and
    // every quotation. Passages cover a fifth of a paired document on the
    // generated corpus; a document in no pair keeps none (half of
    // SaudiNewsNet's). Its quotations are those found above: neither they
    // nor the figures and dates at their ends are looked for again.
    let regions = PassageSpans::new(corpus.len(), &[&matched[..], &extra[..]]);
    let claims_of = |i: usize| match regions.of(i) {
        [] => PackedClaims::default(),
        spans => {
            let text = &corpus.get(DocId(i as u32)).text;
            // Held to the end: packed (a third of the size).
            PackedClaims::pack(claims::extract_in_quoted(
                text,
                spans,
                quote_spans.of(i),
                &claim_opts,
            ))
        }
    };
    // Copied by this thread (see `in_batches`).
    let mut claims: Vec<PackedClaims> = Vec::with_capacity(corpus.len());
    in_batches(corpus.len(), claims_of, |c| claims.push(c.clone()));
    drop(regions);
    drop(quote_spans);
    lap("claims");
    // What extraction allocated in passing, among the claims the threads
    // made, goes back.
    release_free_memory();
    // The pairs in (a, b) order, merged: `matched` is sorted, and a
    // quotation pair goes after the passage pairs of the same key (what a
    // stable sort of both lists, one after the other, gives), without the
    // longer list and the sort's buffer of half of it.
    debug_assert!(
        matched
            .windows(2)
            .all(|w| (w[0].a, w[0].b) <= (w[1].a, w[1].b))
    );
    let mut extra = extra;
    extra.sort_by_key(|x| (x.a, x.b));
    let mut pairs = merge_sorted(matched, extra, |x| (x.a, x.b));
    let compare_opts = CompareOptions::default();
    // Every claim of a document, extracted when a comparison first asks
    // (a rounded figure whose own document gives the exact one: rare).
    let whole: Vec<std::sync::OnceLock<Vec<Claim>>> = (0..corpus.len())
        .map(|_| std::sync::OnceLock::new())
        .collect();
    let compare = |m: Matched| {
        let (da, db) = (corpus.get(m.a.doc), corpus.get(m.b.doc));
        let inside = |d: DocId, s: Span| -> Vec<Claim> { claims[d.index()].within(s) };
        let (ca, cb) = (inside(m.a.doc, m.a.span), inside(m.b.doc, m.b.span));
        let findings = contradict::compare(
            &m.alignment,
            contradict::Side {
                text: &da.text,
                passage: m.a.span,
                claims: &ca,
                doc_claims: Some(&whole[m.a.doc.index()]),
                date: da.date.as_deref(),
            },
            contradict::Side {
                text: &db.text,
                passage: m.b.span,
                claims: &cb,
                doc_claims: Some(&whole[m.b.doc.index()]),
                date: db.date.as_deref(),
            },
            &compare_opts,
        );
        PairResult {
            a: m.a,
            b: m.b,
            similarity: m.alignment.similarity,
            hamming: m.hamming,
            alignment: m.alignment,
            findings,
            same_source: da.source.is_some() && da.source == db.source,
        }
    };
    // Each batch is compared by the pool while this thread hands the batch
    // before it to `sink`: writing c20k's report took 0.13 s of this
    // thread with the pool idle (the comparisons 0.18 s).
    let batches = std::iter::from_fn(|| {
        let batch: Vec<Matched> = pairs.by_ref().take(batch_size).collect();
        (!batch.is_empty()).then_some(batch)
    });
    overlapped(
        batches,
        |batch| {
            batch
                .into_par_iter()
                .map(&compare)
                .collect::<Vec<PairResult>>()
        },
        |results| sink(&corpus, results),
    )?;
    drop(whole);
    drop(claims);
    lap("contradictions");
    Ok(CheckOutcome {
        corpus,
        pairs: Vec::new(),
        errors,
        stats,
    })
}

/// `a` and `b`, each sorted by `key`, merged into one sorted sequence,
/// `a`'s items first among equal keys: what a stable sort of `a` followed
/// by `b` gives.
fn merge_sorted<T, K: Ord>(a: Vec<T>, b: Vec<T>, key: impl Fn(&T) -> K) -> impl Iterator<Item = T> {
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if key(y) < key(x) => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

/// Phase timings on stderr for benchmarks (`CROSSCHECK_TIMINGS=1`;
/// docs/performance.md): time since the run started and peak RSS so far.
struct Timings {
    start: std::time::Instant,
    on: bool,
}

/// When the run started: the first [`Timings::start`] of the process
/// (`run_check` makes it before reading the inputs), so that every phase's
/// time, reading and the report's end included, is on one clock.
static RUN_START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

impl Timings {
    fn start() -> Timings {
        Timings {
            start: *RUN_START.get_or_init(std::time::Instant::now),
            on: std::env::var_os("CROSSCHECK_TIMINGS").is_some(),
        }
    }

    fn lap(&self, phase: &str, detail: &str) {
        if self.on {
            let wall = self.start.elapsed().as_micros() as u64;
            let cpu = match process_cpu_micros() {
                Some(cpu) => {
                    let (w0, c0) = (
                        LAST_LAP.0.swap(wall, Relaxed),
                        LAST_LAP.1.swap(cpu, Relaxed),
                    );
                    let (w, c) = (wall.saturating_sub(w0), cpu.saturating_sub(c0));
                    format!(
                        ", CPU {} ms in {} ms ({:.2} cores)",
                        c / 1000,
                        w / 1000,
                        c as f64 / w.max(1) as f64
                    )
                }
                None => String::new(),
            };
            eprintln!(
                "crosscheck: timing: {phase} done at {} ms ({detail}){cpu}{}",
                wall / 1000,
                peak_rss()
            );
        }
    }
}

/// Wall and process CPU time (µs) at the last timing line, for each phase's
/// CPU over its wall time: how many cores it kept busy.
static LAST_LAP: (AtomicU64, AtomicU64) = (AtomicU64::new(0), AtomicU64::new(0));
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The process's user + system CPU time so far, in µs (`getrusage`; Linux
/// on 64-bit targets only, else `None`).
fn process_cpu_micros() -> Option<u64> {
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    {
        unsafe extern "C" {
            fn getrusage(who: i32, usage: *mut [i64; 18]) -> i32;
        }
        const RUSAGE_SELF: i32 = 0;
        // struct rusage: two timevals (user, system: seconds, µs), then 14
        // longs.
        let mut usage = [0i64; 18];
        // SAFETY: `usage` is as large as `struct rusage` on this target and
        // getrusage only writes into it.
        if unsafe { getrusage(RUSAGE_SELF, &mut usage) } != 0 {
            return None;
        }
        let micros = (usage[0] + usage[2]) * 1_000_000 + usage[1] + usage[3];
        u64::try_from(micros).ok()
    }
    #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
    None
}

/// Gives the memory a finished phase freed back to the system. glibc keeps
/// what a thread frees in that thread's arena, where the next phase's
/// allocations from other threads (or the main thread's large lists) do not
/// reuse it; without this the peak is the phases' leftovers added up.
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim takes no pointers; it only returns the free
        // pages of the allocator's own arenas to the system.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Has the allocator give back freed memory at once, as the C library's
/// default does before it adapts: glibc raises its thresholds each time a
/// large block is freed (up to 32 MB to map a block on its own, 64 MB of
/// free space at the top of a heap before returning it), after which the
/// space each phase frees stays with the process and the peaks of the
/// phases after it add up (the generated corpus's claims phase rose 17 MB
/// above what it holds). 128 KiB is glibc's default for both.
fn return_freed_memory_promptly() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        const M_TRIM_THRESHOLD: i32 = -1;
        const M_MMAP_THRESHOLD: i32 = -3;
        // SAFETY: mallopt takes no pointers; it only sets two of the
        // allocator's thresholds (which fixes them from then on).
        unsafe {
            mallopt(M_TRIM_THRESHOLD, 128 << 10);
            mallopt(M_MMAP_THRESHOLD, 128 << 10);
        }
    }
}

/// The process's peak and current RSS, as ", peak RSS N MB (now M MB)" for
/// the timing lines (Linux `/proc/self/status`; empty elsewhere).
fn peak_rss() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let mb = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024 / 1_000_000)
    };
    match (mb("VmHWM:"), mb("VmRSS:")) {
        (Some(peak), Some(now)) => format!(", peak RSS {peak} MB (now {now} MB)"),
        _ => String::new(),
    }
}

/// The original text of blanked-out spans, per document.
type Saved = Vec<(usize, Vec<(Span, String)>)>;

/// Blanks out the boilerplate of every source in place (spaces, same byte
/// offsets) and returns the original text of what it blanked. Documents
/// without a source (or URL host) are not searched, nor tokenized for it.
fn mask_boilerplate(corpus: &mut Corpus, min_docs: usize) -> Saved {
    let words: Vec<crate::dedup::DocWords> = corpus
        .docs
        .par_iter()
        .map(|d| match crate::dedup::source_key(d) {
            // Boilerplate is found from the units alone: no word list (it
            // would take 8 bytes a word of the whole corpus).
            Some(_) => crate::dedup::DocWords {
                word_starts: Vec::new(),
                units: unit_keys(&tokenize_doc(&d.text)),
            },
            None => crate::dedup::DocWords::default(),
        })
        .collect();
    let opts = crate::dedup::DedupOptions {
        boilerplate_min_docs: min_docs,
        ..Default::default()
    };
    let found = crate::dedup::find_boilerplate(corpus, &words, &opts);
    let mut saved = Vec::new();
    for (i, (d, m)) in corpus.docs.iter_mut().zip(found.masks).enumerate() {
        if m.is_empty() {
            continue;
        }
        let originals = m
            .iter()
            .map(|s| (*s, s.slice(&d.text).to_string()))
            .collect();
        // In place: a new string for every masked text would leave the old
        // ones' space behind, fragmented.
        crate::dedup::mask_in_place(&mut d.text, &m);
        saved.push((i, originals));
    }
    saved
}

/// A passage with blanked-out boilerplate inside keeps its token spans
/// (tokenized now, from the blanked text they were aligned on): once the
/// text is put back, tokenizing the passage again would add the
/// boilerplate's words.
fn keep_spans_over_blanks(corpus: &Corpus, saved: &Saved, matched: &mut [Matched]) {
    let blanked = |p: &Passage| {
        saved
            .binary_search_by_key(&p.doc.index(), |x| x.0)
            .is_ok_and(|i| saved[i].1.iter().any(|(s, _)| s.overlaps(&p.span)))
    };
    for m in matched {
        for (side_a, p) in [(true, m.a), (false, m.b)] {
            if blanked(&p) {
                m.alignment
                    .keep_spans(side_a, &corpus.get(p.doc).text, p.span);
            }
        }
    }
}

/// Puts back what [`mask_boilerplate`] blanked out.
fn restore(corpus: &mut Corpus, saved: Saved) {
    for (i, originals) in saved {
        let text = &mut corpus.docs[i].text;
        for (span, original) in originals {
            text.replace_range(span.start..span.end, &original);
        }
    }
}

/// Quotations matched as passages of their own: pairs of close quotations
/// in different documents that no passage pair already covers. Also returns
/// how many candidate pairs passed the bar and were aligned.
fn quote_pairs(
    corpus: &Corpus,
    quote_spans: &PassageSpans,
    matched: &[Matched],
    opts: &MatchOptions,
) -> (Vec<Matched>, usize, usize) {
    // The documents with quotations.
    let docs: Vec<quotes::DocQuotes<'_>> = (0..corpus.len())
        .filter(|&i| !quote_spans.of(i).is_empty())
        .map(|i| quotes::DocQuotes {
            doc: DocId(i as u32),
            text: &corpus.docs[i].text,
            quotes: quote_spans.of(i),
        })
        .collect();
    // `matched` is sorted by (a, b): the pairs of document a are one run of
    // it, looked up without an index (a map of the pairs' spans by document
    // pair took 7 MB of SaudiNewsNet's run; a scan of all of `matched` per
    // quotation pair took minutes on 20,000 documents).
    debug_assert!(
        matched
            .windows(2)
            .all(|w| (w[0].a, w[0].b) <= (w[1].a, w[1].b))
    );
    let covered = |a: &Passage, b: &Passage| {
        let first = matched.partition_point(|m| m.a.doc < a.doc);
        matched[first..]
            .iter()
            .take_while(|m| m.a.doc == a.doc)
            .any(|m| m.b.doc == b.doc && m.a.span.overlaps(&a.span) && m.b.span.overlaps(&b.span))
    };
    // The bar of passage pairs: enough words, and word-3-shingle Jaccard at
    // least `min_jaccard` (formulae quoted in many texts otherwise pair
    // every text that quotes them with a variant).
    let (pairs, proposed) = quotes::candidate_pairs(
        &docs,
        SetSummary::of,
        |a, b| opts.summaries_may_pass(&a, &b),
        |keys| ShingleSet::of(&keys),
        |a, b| opts.passes_pair_bar_sets(a, b),
    );
    let candidates: Vec<(Passage, Passage)> = pairs
        .into_par_iter()
        .map(|(x, y)| {
            (
                quotes::DocQuotes::passage(&docs, x),
                quotes::DocQuotes::passage(&docs, y),
            )
        })
        .filter(|(a, b)| !covered(a, b))
        .collect();
    let passed = candidates.len();
    let pairs = candidates
        .into_par_iter()
        .filter_map(|(a, b)| {
            let tokens = |p: &Passage| align::passage_tokens(&corpus.get(p.doc).text, p.span);
            let (ta, tb) = (tokens(&a), tokens(&b));
            // The passages' own tokens: tokenized again, they give them back.
            let al = align::align(&ta, &tb);
            (al.similarity >= opts.min_similarity.max(0.6)).then_some(Matched {
                a,
                b,
                hamming: 0,
                alignment: al,
            })
        })
        .collect();
    (pairs, proposed, passed)
}

/// `crosscheck check`: returns the exit code.
pub fn run_check(args: &CheckArgs) -> anyhow::Result<i32> {
    let cfg = CheckConfig::from_args(args)?;
    if let Some(n) = cfg.threads {
        // Only fails when a pool was already built (tests calling twice).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let timings = Timings::start();
    let progress = report::progress::Progress::start("reading inputs");
    let mut loaded = input::read(&cfg.paths, &cfg.input);
    timings.lap(
        "inputs",
        &format!(
            "{} documents, {} bytes",
            loaded.docs.len(),
            loaded.docs.iter().map(|d| d.text.len()).sum::<usize>()
        ),
    );
    if let Some(rule) = &cfg.source_from {
        for d in loaded.docs.iter_mut().filter(|d| d.source.is_none()) {
            d.source = rule.source_of(&d.name);
        }
    }
    progress.set(format!("matching {} documents", loaded.docs.len()));
    let corpus = Corpus::new(loaded.docs);
    let streamed = match cfg.format {
        Format::Text => Some(report::StreamFormat::Text),
        Format::Jsonl => Some(report::StreamFormat::Jsonl),
        Format::Csv => Some(report::StreamFormat::Csv),
        Format::Html => None,
    };
    let Some(format) = streamed else {
        // The page's summary lists every pair before the first one is shown.
        let mut outcome = check(corpus, loaded.errors, &cfg.matching);
        if cfg.cross_source_only {
            outcome.pairs.retain(|p| !p.same_source);
        }
        progress.finish();
        for e in &outcome.errors {
            eprintln!("crosscheck: {e}");
        }
        let mut out = open_report(&cfg)?;
        report::write_html(&mut out, &outcome)
            .and_then(|_| out.flush())
            .with_context(|| report_context(&cfg))?;
        timings.lap("report", &format!("{} pairs", outcome.pairs.len()));
        return Ok(exit_code(&outcome));
    };
    // Every other report is written as the pairs are compared. A report
    // on the terminal the spinner is drawn on ends the spinner first (its
    // redraws would cut into the report's lines).
    let mut stream = report::PairStream::start(open_report(&cfg)?, format, &cfg.report)
        .with_context(|| report_context(&cfg))?;
    let on_terminal = cfg.output.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let mut progress = Some(progress);
    let outcome = check_each(corpus, loaded.errors, &cfg.matching, |corpus, mut batch| {
        if let Some(p) = progress.take_if(|_| on_terminal) {
            p.finish();
        }
        if cfg.cross_source_only {
            batch.retain(|p| !p.same_source);
        }
        stream.pairs(corpus, &batch)
    })
    .with_context(|| report_context(&cfg))?;
    if let Some(p) = progress {
        p.finish();
    }
    for e in &outcome.errors {
        eprintln!("crosscheck: {e}");
    }
    let (pairs, findings) = (stream.written(), stream.findings());
    stream
        .finish(report::Totals::of(&outcome))
        .and_then(|mut out| out.flush())
        .with_context(|| report_context(&cfg))?;
    timings.lap("report", &format!("{pairs} pairs"));
    Ok(exit_code_of(outcome.errors.len(), findings))
}

/// The report's writer: `-o FILE` or stdout, buffered.
fn open_report(cfg: &CheckConfig) -> anyhow::Result<std::io::BufWriter<Box<dyn Write>>> {
    let sink: Box<dyn Write> = match &cfg.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    Ok(std::io::BufWriter::new(sink))
}

/// What a failed write of the report says.
fn report_context(cfg: &CheckConfig) -> String {
    match &cfg.output {
        Some(path) => format!("writing the report to {}", path.display()),
        None => "writing the report".to_string(),
    }
}

/// 2 when any input failed, else 1 when there are findings, else 0.
pub fn exit_code(o: &CheckOutcome) -> i32 {
    exit_code_of(o.errors.len(), o.findings())
}

/// [`exit_code`] from the counts.
fn exit_code_of(errors: usize, findings: usize) -> i32 {
    if errors > 0 {
        crate::exit::ERROR
    } else if findings > 0 {
        crate::exit::FINDINGS
    } else {
        crate::exit::CLEAN
    }
}

// ---------------------------------------------------------------------------
// `crosscheck dedup` (issue #4). Kept apart from `check` above: it reuses
// `check` on a copy of the corpus with the boilerplate blanked out.

/// What dedup needs of one document's words: word starts and sentence units
/// (keyed by their normalized words, figures masked).
pub fn dedup_words(text: &str) -> crate::dedup::DocWords {
    let t = tokenize_doc(text);
    crate::dedup::DocWords {
        word_starts: t.tokens.iter().map(|x| x.span.start).collect(),
        units: unit_keys(&t),
    }
}

/// The sentence units of a tokenized text with their keys (a hash of their
/// masked tokens) and word counts.
fn unit_keys(t: &Tokenized) -> Vec<crate::dedup::Unit> {
    t.units
        .iter()
        .filter(|u| !u.is_empty())
        .map(|u| {
            let mut h = std::hash::DefaultHasher::new();
            for tok in &t.tokens[u.clone()] {
                std::hash::Hash::hash(&segment::masked_hash(tok), &mut h);
            }
            crate::dedup::Unit {
                span: segment::span_of(&t.tokens, u),
                key: std::hash::Hasher::finish(&h),
                words: u.len() as u32,
            }
        })
        .collect()
}

/// Runs deduplication over a corpus: boilerplate, matching on the text
/// without it, then clusters of the requested level.
pub fn dedup(
    corpus: Corpus,
    errors: Vec<input::InputError>,
    matching: &MatchOptions,
    opts: &crate::dedup::DedupOptions,
    level: crate::dedup::Level,
) -> crate::dedup::DedupOutcome {
    use crate::dedup;
    let mut words: Vec<dedup::DocWords> = corpus
        .docs
        .par_iter()
        .map(|d| dedup_words(&d.text))
        .collect();
    let found = dedup::find_boilerplate(&corpus, &words, opts);
    // Blank the boilerplate out (same offsets), and forget its words.
    let masked = Corpus {
        docs: corpus
            .docs
            .iter()
            .zip(&found.masks)
            .map(|(d, m)| crate::document::Document {
                text: dedup::mask(&d.text, m),
                ..d.clone()
            })
            .collect(),
    };
    for (w, m) in words.iter_mut().zip(&found.masks) {
        if !m.is_empty() {
            w.word_starts
                .retain(|&s| !m.iter().any(|x| x.start <= s && s < x.end));
        }
        w.units.clear(); // not needed any more
    }
    // Masked above already (and the units reported).
    let inner = MatchOptions {
        boilerplate_min_docs: None,
        ..matching.clone()
    };
    let outcome = check(masked, Vec::new(), &inner);
    let (clusters, singletons) = match level {
        dedup::Level::Document => dedup::document_clusters(&corpus, &words, &outcome.pairs, opts),
        dedup::Level::Passage => {
            let sim = |x: Passage, y: Passage| {
                let tx = normalize::tokenize(x.span.slice(&outcome.corpus.get(x.doc).text));
                let ty = normalize::tokenize(y.span.slice(&outcome.corpus.get(y.doc).text));
                align::align(&tx, &ty).similarity
            };
            // The pair bar for pairs the clusters would imply but matching
            // did not report; each occurrence tokenized once.
            let mut keys: HashMap<Passage, Vec<u64>> = HashMap::new();
            let near = |x: Passage, y: Passage| {
                for p in [x, y] {
                    keys.entry(p).or_insert_with(|| {
                        normalize::tokenize(p.span.slice(&outcome.corpus.get(p.doc).text))
                            .iter()
                            .map(|t| t.hash)
                            .collect()
                    });
                }
                matching.passes_pair_bar(&keys[&x], &keys[&y])
            };
            (
                dedup::passage_clusters(&corpus, &outcome.pairs, sim, near),
                Vec::new(),
            )
        }
    };
    dedup::DedupOutcome {
        corpus,
        level,
        clusters,
        singletons,
        boilerplate: found.units,
        errors,
        stats: outcome.stats,
        words: words.iter().map(|w| w.word_starts.len()).collect(),
    }
}

/// `crosscheck dedup`: returns the exit code (0, or 2 when an input failed).
pub fn run_dedup(args: &crate::cli::DedupArgs) -> anyhow::Result<i32> {
    use crate::cli::DedupFormat;
    let cfg = crate::config::DedupConfig::from_args(args)?;
    if let Some(n) = cfg.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let mut loaded = input::read(&cfg.paths, &cfg.input);
    for e in &loaded.errors {
        eprintln!("crosscheck: {e}");
    }
    if let Some(rule) = &cfg.source_from {
        for d in loaded.docs.iter_mut().filter(|d| d.source.is_none()) {
            d.source = rule.source_of(&d.name);
        }
    }
    let outcome = dedup(
        Corpus::new(loaded.docs),
        loaded.errors,
        &cfg.matching,
        &cfg.dedup,
        cfg.level,
    );
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let opts = report::dedup::DedupReportOptions {
        color: cfg.color,
        all: cfg.all,
    };
    match (cfg.unique, cfg.format) {
        (Some(keep), _) => report::dedup::write_unique(&mut out, &outcome, keep),
        (None, DedupFormat::Text) => report::dedup::write_text(&mut out, &outcome, &opts),
        (None, DedupFormat::Jsonl) => report::dedup::write_jsonl(&mut out, &outcome, &opts),
        (None, DedupFormat::Csv) => report::dedup::write_csv(&mut out, &outcome, &opts),
    }
    .and_then(|_| out.flush())
    .context("writing the report")?;
    Ok(if outcome.errors.is_empty() {
        crate::exit::CLEAN
    } else {
        crate::exit::ERROR
    })
}

/// `crosscheck claims`: lists the claims of every document; returns the
/// exit code (0, or 2 when an input could not be read).
pub fn run_claims(args: &crate::cli::ClaimsArgs) -> anyhow::Result<i32> {
    use crate::cli::LangArg;
    use crate::document::Lang;
    use crate::report::claims::DocClaims;
    let check_args = CheckArgs {
        input: args.input.clone(),
        output: args.output.clone(),
        matching: crate::cli::MatchArgs::default(),
        source_from: None,
        cross_source_only: false,
    };
    let cfg = CheckConfig::from_args(&check_args)?;
    if matches!(cfg.format, Format::Html | Format::Csv) {
        anyhow::bail!("`crosscheck claims` writes --format text or jsonl, not html or csv");
    }
    let loaded = input::read(&cfg.paths, &cfg.input);
    for e in &loaded.errors {
        eprintln!("crosscheck: {e}");
    }
    let corpus = Corpus::new(loaded.docs);
    let opts = ClaimOptions {
        lang: args.lang.map(|l| match l {
            LangArg::Ar => Lang::Ar,
            LangArg::En => Lang::En,
            LangArg::Other => Lang::Other,
        }),
    };
    let found: Vec<(Vec<Claim>, Lang)> = corpus
        .docs
        .par_iter()
        .map(|d| claims::extract_with_lang(&d.text, &opts))
        .collect();
    let docs: Vec<DocClaims> = corpus
        .docs
        .iter()
        .zip(&found)
        .map(|(d, (c, lang))| DocClaims {
            name: &d.name,
            text: &d.text,
            claims: c,
            lang: *lang,
        })
        .collect();
    let sink: Box<dyn Write> = match &cfg.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(sink);
    let errors = loaded.errors.len();
    match cfg.format {
        Format::Jsonl => report::claims::write_jsonl(&mut out, &docs, errors),
        Format::Text | Format::Html | Format::Csv => {
            report::claims::write_text(&mut out, &docs, errors)
        }
    }
    .and_then(|_| out.flush())
    .context("writing the claims")?;
    Ok(if errors > 0 {
        crate::exit::ERROR
    } else {
        crate::exit::CLEAN
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::normalize::Token;
    use proptest::prelude::*;

    /// `overlapped` hands every output to `keep` once, in the inputs'
    /// order, and stops at `keep`'s first error (returning it).
    #[test]
    fn overlapped_keeps_outputs_in_order_and_stops_at_an_error() {
        let mut seen = Vec::new();
        let all = overlapped(
            0..50,
            |x: i32| x * x,
            |y| {
                seen.push(y);
                Ok::<(), ()>(())
            },
        );
        assert_eq!(all, Ok(()));
        assert_eq!(seen, (0..50).map(|x| x * x).collect::<Vec<_>>());
        let mut seen = Vec::new();
        let stopped = overlapped(
            0..50,
            |x: i32| x,
            |y| {
                seen.push(y);
                if y == 7 { Err(y) } else { Ok(()) }
            },
        );
        assert_eq!(stopped, Err(7));
        assert_eq!(seen, (0..=7).collect::<Vec<_>>());
        let none = overlapped(std::iter::empty::<i32>(), |x| x, |_| Err::<(), ()>(()));
        assert_eq!(none, Ok(()));
    }

    /// The timing lines' CPU clock reads the process's own time: it grows by
    /// about what a thread spins, not by nothing and not by seconds.
    #[test]
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    fn process_cpu_time_grows_with_work() {
        let before = process_cpu_micros().expect("getrusage on Linux");
        let spin = std::time::Instant::now();
        let mut x = 1u64;
        while spin.elapsed() < std::time::Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        let after = process_cpu_micros().expect("getrusage on Linux");
        let used = after - before;
        assert!(
            (5_000..20_000_000).contains(&used),
            "{used} µs for a 30 ms spin"
        );
    }

    proptest! {
        /// Pairs held as `HeldPairs`, sorted by their 32-bit passages,
        /// come back as the same pairs (held token spans included) in the
        /// order the `Matched` were stably sorted in (by passages).
        #[test]
        fn held_pairs_come_back_sorted_as_matched(
            raw in prop::collection::vec((0u32..4, 0usize..50, 0usize..9, 0u32..4, 0usize..50, 0usize..9, 0usize..5), 0..40),
            block in 1usize..12,
        ) {
            let words = ["w0", "w1", "w2", "w3", "w4", "w5"].join(" ");
            let toks = normalize::tokenize(&words);
            let pairs: Vec<Matched> = raw
                .iter()
                .enumerate()
                .map(|(i, &(da, sa, la, db, sb, lb, k))| Matched {
                    a: Passage { doc: DocId(da), span: Span::new(sa, sa + la) },
                    b: Passage { doc: DocId(db), span: Span::new(sb, sb + lb) },
                    hamming: i as u32,
                    alignment: {
                        let mut al = align::align(&toks[..k], &toks[k / 2..]);
                        if i % 3 == 0 {
                            al.keep_spans(true, &words, Span::new(0, words.len()));
                        }
                        al
                    },
                })
                .collect();
            let mut want = pairs.clone();
            want.sort_by_key(|x| (x.a, x.b));
            let mut held = HeldPairs::new(block);
            for m in pairs {
                held.push(m);
            }
            let got = held.into_sorted();
            prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                prop_assert_eq!((g.a, g.b, g.hamming), (w.a, w.b, w.hamming));
                prop_assert_eq!(&g.alignment, &w.alignment);
            }
        }
    }

    proptest! {
        /// Passage spans counted into place give, for every document, its
        /// pairs' sides sorted by (start, end), as the whole list of
        /// (document, span) sorted did.
        #[test]
        fn passage_spans_are_each_documents_sides_sorted(
            raw in prop::collection::vec((0u32..6, 0usize..30, 0usize..4, 0u32..6, 0usize..30, 0usize..4), 0..40),
            split in 0usize..40,
        ) {
            let pairs: Vec<Matched> = raw
                .iter()
                .map(|&(da, sa, la, db, sb, lb)| Matched {
                    a: Passage { doc: DocId(da), span: Span::new(sa, sa + la) },
                    b: Passage { doc: DocId(db), span: Span::new(sb, sb + lb) },
                    hamming: 0,
                    alignment: align::Alignment::default(),
                })
                .collect();
            let (x, y) = pairs.split_at(split.min(pairs.len()));
            let docs = 7;
            let got = PassageSpans::new(docs, &[x, y]);
            let mut all: Vec<(DocId, Span)> = pairs
                .iter()
                .flat_map(|m| [(m.a.doc, m.a.span), (m.b.doc, m.b.span)])
                .collect();
            all.sort_unstable_by_key(|&(d, s)| (d, s.start, s.end));
            for d in 0..docs {
                let want: Vec<Span> = all.iter().filter(|x| x.0.index() == d).map(|x| x.1).collect();
                prop_assert_eq!(got.of(d), &want[..]);
            }
        }
    }

    /// Pairs compared a batch at a time, each batch while the one before
    /// it is handed over, reach the sink whole, in order and once each (what
    /// `check` holds), whatever the batch size; a sink's error ends the run
    /// with that error, after no later batch.
    #[test]
    fn batches_reach_the_sink_in_order_and_its_error_ends_the_run() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let load = || {
            let l = input::read(
                &[root.join("seeds"), root.join("fixtures/report/basic")],
                &Default::default(),
            );
            (Corpus::new(l.docs), l.errors)
        };
        let key = |p: &PairResult| (p.a, p.b, p.findings.len());
        let (corpus, errors) = load();
        let held: Vec<_> = check(corpus, errors, &MatchOptions::default())
            .pairs
            .iter()
            .map(key)
            .collect();
        assert!(held.len() >= 3, "{} pairs", held.len());
        for size in [1, 2, held.len(), held.len() + 1] {
            let (corpus, errors) = load();
            let (mut got, mut sizes) = (Vec::new(), Vec::new());
            let outcome = check_in_batches(
                corpus,
                errors,
                &MatchOptions::default(),
                size,
                |_, batch| {
                    sizes.push(batch.len());
                    got.extend(batch.iter().map(key));
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
            assert!(outcome.pairs.is_empty());
            assert_eq!(got, held, "batches of {size}");
            assert_eq!(sizes.len(), held.len().div_ceil(size), "batches of {size}");
            assert!(sizes.iter().all(|&n| (1..=size).contains(&n)));
        }
        let (corpus, errors) = load();
        let mut calls = 0;
        let failed = check_in_batches(corpus, errors, &MatchOptions::default(), 1, |_, _| {
            calls += 1;
            if calls == 2 { Err("disk full") } else { Ok(()) }
        });
        assert_eq!(failed.err(), Some("disk full"));
        assert_eq!(calls, 2);
    }

    /// An outlet's boilerplate sentence inside a copied passage is blanked
    /// out for matching, so the passage spans it; once the text is put
    /// back, tokenizing the passage again would add its words, so that
    /// side keeps its token spans (without it, a debug assertion in
    /// `Alignment::a_tokens` fails, and the report would mark the wrong words).
    #[test]
    fn a_passage_over_blanked_boilerplate_keeps_its_spans() {
        let footer =
            "Subscribe to our newsletter for the latest headlines from the coast every morning.";
        let filler = |i: usize| -> String {
            (0..3)
                .map(|k| {
                    // Words of letters only, different in every sentence.
                    let w: Vec<String> = (0..12)
                        .map(|j| {
                            let n = (i * 3 + k) * 12 + j;
                            let l = |x: usize| char::from(b'a' + (x % 26) as u8);
                            format!("q{}{}{}", l(n / 676), l(n / 26), l(n))
                        })
                        .collect();
                    w.join(" ") + ". "
                })
                .collect()
        };
        let story = [
            "The new fish market opened on Monday in the old harbour after two years of work.",
            "Traders moved their stalls from the street into the covered hall before dawn.",
            "The mayor said the hall has room for 120 stalls and a cold store for the catch.",
            "Officials said 35 families had been fishing from the harbour for generations.",
        ];
        let mut docs: Vec<Document> = (0..6)
            .map(|i| Document {
                name: format!("outlet-{i}"),
                source: Some("outlet".into()),
                text: format!("{} {footer} {}", filler(i), filler(i + 10)),
                ..Document::default()
            })
            .collect();
        docs.push(Document {
            name: "a-story".into(),
            source: Some("outlet".into()),
            text: format!(
                "{} {} {} {footer} {} {}",
                filler(20),
                story[0],
                story[1],
                story[2],
                story[3]
            ),
            ..Document::default()
        });
        docs.push(Document {
            name: "b-story".into(),
            source: Some("wire".into()),
            text: format!(
                "{} {} {} {} {}",
                filler(30),
                story[0],
                story[1],
                story[2],
                story[3].replace("35", "53")
            ),
            ..Document::default()
        });
        let out = check(Corpus::new(docs), Vec::new(), &MatchOptions::default());
        assert_eq!(out.pairs.len(), 1, "{:?}", out.pairs);
        let p = &out.pairs[0];
        let text = &out.corpus.get(p.a.doc).text;
        assert_eq!(out.corpus.get(p.a.doc).name, "a-story");
        assert!(
            p.a.span.slice(text).contains(footer),
            "{}",
            p.a.span.slice(text)
        );
        let al = &p.alignment;
        assert!(al.holds_spans(true) && !al.holds_spans(false));
        let tokens = al.a_tokens(text, p.a.span);
        assert_eq!(tokens.len(), al.a_len());
        let at = text.find(footer).unwrap();
        let blanked = Span::new(at, at + footer.len());
        assert!(tokens.iter().all(|t| !t.overlaps(&blanked)));
        assert!(normalize::tokenize(p.a.span.slice(text)).len() > al.a_len());
        assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
        assert_eq!(p.findings[0].a.span.slice(text), "35");
    }

    /// [`merge_regions`] as it was first written: sorted copies merged
    /// into a new list.
    fn merge_regions_by_copying(regions: &[Region]) -> Vec<Region> {
        let mut sorted = regions.to_vec();
        sorted.sort_by_key(|r| (r.0.start, r.1.start));
        let mut merged: Vec<Region> = Vec::new();
        for r in sorted {
            match merged.last_mut() {
                Some(m)
                    if m.0.end + MERGE_GAP >= r.0.start
                        && m.1.start <= r.1.end + MERGE_GAP
                        && r.1.start <= m.1.end + MERGE_GAP =>
                {
                    m.0.end = m.0.end.max(r.0.end);
                    m.1 = m.1.start.min(r.1.start)..m.1.end.max(r.1.end);
                    m.2 = m.2.min(r.2);
                }
                _ => merged.push(r),
            }
        }
        merged
    }

    proptest::proptest! {
        #[test]
        fn regions_merge_in_place_as_by_copying(
            raw in proptest::collection::vec((0usize..300, 1usize..30, 0usize..300, 1usize..30, 0u32..4), 0..12),
        ) {
            let regions: Vec<Region> = raw
                .iter()
                .map(|&(a, la, b, lb, h)| (a..a + la, b..b + lb, h))
                .collect();
            let mut in_place = regions.clone();
            merge_regions(&mut in_place);
            proptest::prop_assert_eq!(in_place, merge_regions_by_copying(&regions));
        }
    }

    #[test]
    fn near_regions_merge_and_far_ones_do_not() {
        let mut r: Vec<Region> = vec![
            (100..110, 500..510, 2),
            (0..10, 0..10, 1),
            (20..30, 30..40, 0),
        ];
        merge_regions(&mut r);
        assert_eq!(r, vec![(0..30, 0..40, 0), (100..110, 500..510, 2)]);
    }

    /// [`flank_may_extend`] by sorting both flanks and matching the k-th
    /// occurrences (its first version).
    fn flank_may_extend_by_sorting(a: &[u64], b: &[u64]) -> bool {
        if a.is_empty() || b.is_empty() {
            return false;
        }
        if a[0] == b[0] {
            return true;
        }
        let sorted = |k: &[u64]| {
            let mut v: Vec<(u64, u32)> =
                k.iter().enumerate().map(|(i, &x)| (x, i as u32)).collect();
            v.sort_unstable();
            v
        };
        let (sa, sb) = (sorted(a), sorted(b));
        let n = a.len().max(b.len());
        let mut at = vec![0usize; n + 1];
        matched_in_order(&sa, &sb, |x| x.0, |x, y| at[x.1.max(y.1) as usize + 1] += 1);
        let mut shared = 0;
        (1..=n).any(|t| {
            shared += at[t];
            3 * shared >= t + 3
        })
    }

    proptest::proptest! {
        /// The merge of the passage and quotation pairs gives the order of
        /// a stable sort of both lists, one after the other (keys repeat:
        /// the second field tells which list and place an item came from).
        #[test]
        fn merge_is_the_stable_sort_of_both(
            mut a in proptest::collection::vec(0u8..6, 0..30),
            mut b in proptest::collection::vec(0u8..6, 0..30),
        ) {
            a.sort();
            b.sort();
            let a: Vec<(u8, usize)> = a.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
            let b: Vec<(u8, usize)> = b.into_iter().enumerate().map(|(i, k)| (k, 100 + i)).collect();
            let mut want: Vec<(u8, usize)> = a.iter().chain(&b).copied().collect();
            want.sort_by_key(|x| x.0);
            let got: Vec<(u8, usize)> = merge_sorted(a, b, |x| x.0).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// Counting occurrences token by token answers as the sorted
        /// matching does (small alphabets: repeats and late matches).
        #[test]
        fn flank_counting_is_the_sorted_matching(
            a in proptest::collection::vec(0u64..5, 0..40),
            b in proptest::collection::vec(0u64..5, 0..40),
        ) {
            proptest::prop_assert_eq!(flank_may_extend(&a, &b), flank_may_extend_by_sorting(&a, &b));
        }

        /// The same with more keys than classes (keys that share a class:
        /// the class count's bound must not change the answer) and long
        /// flanks, a shared stretch put at a random place of both.
        #[test]
        fn flank_classes_only_bound_the_count(
            a in proptest::collection::vec(0u64..700, 0..150),
            b in proptest::collection::vec(0u64..700, 0..150),
            shared in proptest::collection::vec(0u64..700, 0..12),
            (at_a, at_b) in (0usize..150, 0usize..150),
        ) {
            let put = |k: &[u64], at: usize| -> Vec<u64> {
                let at = at.min(k.len());
                [&k[..at], &shared[..], &k[at..]].concat()
            };
            let (a, b) = (put(&a, at_a), put(&b, at_b));
            proptest::prop_assert_eq!(flank_may_extend(&a, &b), flank_may_extend_by_sorting(&a, &b));
        }
    }

    #[test]
    fn flank_extension_needs_words_that_pay() {
        // The very next word equal on both sides.
        assert!(flank_may_extend(&[7, 1, 2], &[7, 3, 4]));
        // Nothing shared.
        assert!(!flank_may_extend(&[1, 2, 3, 4], &[5, 6, 7, 8]));
        // One stock word far out cannot pay for the difference before it.
        assert!(!flank_may_extend(&[1, 2, 3, 9], &[5, 6, 7, 9]));
        // A run of four after a two-word difference can.
        assert!(flank_may_extend(
            &[1, 2, 10, 11, 12, 13],
            &[5, 6, 10, 11, 12, 13]
        ));
        assert!(!flank_may_extend(&[], &[1]));
    }

    fn tokens(keys: &[u64]) -> Vec<Token> {
        keys.iter()
            .enumerate()
            .map(|(i, &k)| Token {
                span: Span::new(i, i + 1),
                hash: k,
                number: false,
            })
            .collect()
    }

    /// `shingle_jaccard` as it was: sorted, deduplicated shingle lists.
    fn jaccard_by_sorting(a: &[u64], b: &[u64]) -> f64 {
        let set = |k: &[u64]| {
            let mut v: Vec<u64> = shingles(k).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (sa, sb) = (set(a), set(b));
        let mut inter = 0;
        matched_in_order(&sa, &sb, |&x| x, |_, _| inter += 1);
        let union = sa.len() + sb.len() - inter;
        if union == 0 {
            0.0
        } else {
            inter as f64 / union as f64
        }
    }

    /// `copied_units` as it was: a flag per token of each side, set for
    /// the copied steps, counted per unit.
    fn copied_units_by_flags(
        al: &Alignment,
        ua: &[Range<usize>],
        a0: usize,
        ub: &[Range<usize>],
        b0: usize,
    ) -> (usize, usize) {
        let mut eq_a = vec![false; al.a_len()];
        let mut eq_b = vec![false; al.b_len()];
        let last = al.ops.len().saturating_sub(1);
        for (i, op) in al.ops.iter().enumerate() {
            if op.tag == align::OpTag::Equal
                || ((i == 0 || i == last)
                    && matches!(op.tag, align::OpTag::Delete | align::OpTag::Insert))
            {
                eq_a[op.a()].iter_mut().for_each(|x| *x = true);
                eq_b[op.b()].iter_mut().for_each(|x| *x = true);
            }
        }
        let covered = |eq: &[bool], units: &[Range<usize>], base: usize| {
            let end = base + eq.len();
            let first = units.partition_point(|u| u.end <= base);
            let mut total = 0;
            for u in units[first..].iter().take_while(|u| u.start < end) {
                let n = u.len();
                let inside = (u.start.max(base)..u.end.min(end))
                    .filter(|&i| eq[i - base])
                    .count();
                if n > 0 && inside as f64 >= UNIT_COVER * n as f64 {
                    total += n;
                }
            }
            total
        };
        (covered(&eq_a, ua, a0), covered(&eq_b, ub, b0))
    }

    /// Units of a window of `n` tokens, cut after the tokens `cuts` names.
    fn units_of(n: usize, cuts: &[bool]) -> Vec<Range<usize>> {
        let mut units = Vec::new();
        let mut start = 0;
        for i in 0..n {
            if i + 1 == n || cuts[i % cuts.len()] {
                units.push(start..i + 1);
                start = i + 1;
            }
        }
        units
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// Units' coverage counted from the steps' ranges is the coverage
        /// counted from a flag per token, for trimmed alignments (moved
        /// blocks included: long sides with swapped halves) anywhere in
        /// their windows.
        #[test]
        fn copied_units_by_ranges_are_copied_units_by_flags(
            a in proptest::collection::vec(0u64..6, 0..90),
            b in proptest::collection::vec(0u64..6, 0..90),
            swap in any::<bool>(),
            cuts in proptest::collection::vec(proptest::bool::weighted(0.15), 1..20),
            (a0, b0) in (0usize..30, 0usize..30),
        ) {
            let b = if swap {
                let h = a.len() / 2;
                [&a[h..], &a[..h]].concat()
            } else {
                b
            };
            let (pa, pb, al) = align::align_keys(&a, &b).trim(&a, &b);
            let (ua, ub) = (units_of(a0 + a.len() + 10, &cuts), units_of(b0 + b.len() + 10, &cuts));
            let (a0, b0) = (a0 + pa.start, b0 + pb.start);
            prop_assert_eq!(
                copied_units(&al, &ua, a0, &ub, b0),
                copied_units_by_flags(&al, &ua, a0, &ub, b0)
            );
        }
    }

    proptest! {
        /// Shingle Jaccard through the table equals the sorted sets'
        /// (repeated shingles on either side, short sides, empty sides).
        #[test]
        fn shingle_jaccard_is_the_sets_jaccard(
            a in proptest::collection::vec(0u64..5, 0..60),
            b in proptest::collection::vec(0u64..5, 0..60),
        ) {
            prop_assert_eq!(shingle_jaccard(&a, &b), jaccard_by_sorting(&a, &b));
        }

        /// The pair bar on shingle sets is the pair bar on the sequences,
        /// also where b is a's start or a's end (one set inside the other)
        /// or a itself.
        #[test]
        fn shingle_sets_pass_the_bar_the_sequences_pass(
            a in proptest::collection::vec(0u64..6, 0..40),
            b in proptest::collection::vec(0u64..6, 0..40),
            how in 0..4,
            min_words in 0usize..8,
            min_jaccard in prop_oneof![Just(0.0), Just(0.5), Just(1.0), 0.0..1.0f64],
        ) {
            let b = match how {
                0 => b,
                1 => a[..a.len() / 2].to_vec(),
                2 => a[a.len() / 3..].to_vec(),
                _ => a.clone(),
            };
            let (sa, sb) = (ShingleSet::of(&a), ShingleSet::of(&b));
            prop_assert_eq!(sa.jaccard(&sb), shingle_jaccard(&a, &b));
            let opts = MatchOptions { min_words, min_jaccard, ..MatchOptions::default() };
            prop_assert_eq!(opts.passes_pair_bar_sets(&sa, &sb), opts.passes_pair_bar(&a, &b));
            // The summaries never rule out a pair that passes.
            prop_assert_eq!((SetSummary::of(&a), SetSummary::of(&b)), (sa.summary(), sb.summary()));
            if opts.passes_pair_bar(&a, &b) {
                prop_assert!(opts.summaries_may_pass(&sa.summary(), &sb.summary()));
            }
        }

        /// A summary's bound on the shared shingles is never below the
        /// shingles shared, with sets large enough that many fall on a bit
        /// already set (128 bits), and the summaries pass every pair of
        /// sets that passes the bar.
        #[test]
        fn summaries_bound_the_shared_shingles(
            shared in proptest::collection::vec(any::<u64>(), 0..200),
            only_a in proptest::collection::vec(any::<u64>(), 0..200),
            only_b in proptest::collection::vec(any::<u64>(), 0..200),
            min_jaccard in prop_oneof![Just(0.0), Just(0.5), Just(1.0), 0.0..1.0f64],
        ) {
            let set = |own: &[u64]| {
                let mut shingles: Vec<u64> = shared.iter().chain(own).copied().collect();
                shingles.sort_unstable();
                shingles.dedup();
                ShingleSet { words: shingles.len() + 2, shingles }
            };
            let (sa, sb) = (set(&only_a), set(&only_b));
            let inter = sa.shingles.iter().filter(|s| sb.shingles.binary_search(s).is_ok()).count();
            prop_assert!(sa.summary().shared_at_most(&sb.summary()) >= inter);
            prop_assert!(sb.summary().shared_at_most(&sa.summary()) >= inter);
            let opts = MatchOptions { min_words: 0, min_jaccard, ..MatchOptions::default() };
            if opts.passes_pair_bar_sets(&sa, &sb) {
                prop_assert!(opts.summaries_may_pass(&sa.summary(), &sb.summary()));
            }
        }

        /// The early-stopping test of a Jaccard bar answers as the full
        /// Jaccard compared with the bar: sets apart, overlapping, one
        /// inside the other, equal, one empty; bars at 0, 1, the default,
        /// exactly at a reachable ratio, and anywhere.
        #[test]
        fn jaccard_at_least_is_the_jaccard_compared(
            a in proptest::collection::vec(0u64..40, 0..30),
            b in proptest::collection::vec(0u64..40, 0..30),
            how in 0..4,
            min in prop_oneof![
                Just(0.0), Just(0.5), Just(1.0), Just(f64::NAN), -0.5..1.5f64,
                (1u32..12, 1u32..12).prop_map(|(p, q)| f64::from(p.min(q)) / f64::from(p.max(q))),
            ],
        ) {
            let b = match how {
                0 => b,
                1 => a[..a.len() / 2].to_vec(),
                2 => a.iter().copied().chain(b).collect(),
                _ => a.clone(),
            };
            let set = |keys: Vec<u64>| {
                let mut shingles = keys;
                shingles.sort_unstable();
                shingles.dedup();
                ShingleSet { words: shingles.len(), shingles }
            };
            let (sa, sb) = (set(a), set(b));
            prop_assert_eq!(sa.jaccard_at_least(&sb, min), sa.jaccard(&sb) >= min);
            prop_assert_eq!(sb.jaccard_at_least(&sa, min), sb.jaccard(&sa) >= min);
        }

        /// The shared-word count is the multiset intersection (here counted
        /// by sorting both sides), with repeats and keys that collide in the
        /// table's slots.
        #[test]
        fn shared_tokens_is_the_multiset_intersection(
            a in proptest::collection::vec(prop_oneof![0u64..8, any::<u64>()], 0..80),
            b in proptest::collection::vec(prop_oneof![0u64..8, any::<u64>()], 0..80),
        ) {
            let (mut sa, mut sb) = (a.clone(), b.clone());
            sa.sort_unstable();
            sb.sort_unstable();
            let mut want = 0;
            matched_in_order(&sa, &sb, |&x| x, |_, _| want += 1);
            prop_assert_eq!(shared_tokens(&a, &b), want);
        }
    }

    /// A unit cut inside a token ("x㎡" is the tokens "xm", "2"; an
    /// unpunctuated run is cut every `MAX_UNIT_TOKENS` tokens) is a cut
    /// at which the tokens of the pieces are not the whole's: widening a
    /// window that starts or ends there still gives the padded window.
    #[test]
    fn widening_across_a_cut_inside_a_token() {
        let mut cuts_inside = 0;
        for lead in 30..50 {
            let text = format!("{}x㎡ {}", "w ".repeat(lead), "v ".repeat(60));
            let (mut toks, mut breaks) = (Vec::new(), Vec::new());
            let units = fingerprint_doc(DocId(0), &text, &mut toks, &mut breaks).units;
            let whole = tokenize_doc(&text);
            cuts_inside += whole
                .units
                .iter()
                .filter(|u| {
                    u.start > 0
                        && whole.tokens[u.start - 1].span.end > whole.tokens[u.start].span.start
                })
                .count();
            let mut wider = Window::default();
            for s in 0..whole.tokens.len() - 2 {
                let r = s..s + 2;
                let narrow = Window::around(&text, &units, &r, 0);
                let around = Window::units_around(&units, &r, WIDEN_TOKENS);
                wider.widen(&narrow, &text, &units, around);
                assert_eq!(
                    wider,
                    Window::around(&text, &units, &r, WIDEN_TOKENS),
                    "{lead} {r:?}"
                );
            }
        }
        assert!(cuts_inside > 0);
    }

    /// Texts of up to `n` words (Arabic, English, numbers, "½ ﷺ ㎡") with
    /// separators that do and do not end tokens, for the windows' tests.
    fn window_text(n: usize) -> impl Strategy<Value = String> {
        let words = proptest::collection::vec(
            proptest::sample::select(
                &[
                    "وقال",
                    "الجيش",
                    "1,200",
                    "Putin",
                    "said",
                    "bei",
                    "½",
                    "ﷺ",
                    "㎡",
                    ".",
                ][..],
            ),
            1..n,
        );
        let seps = proptest::collection::vec(
            proptest::sample::select(&[" ", ". ", "، ", "\n\n", "؟ ", ", ", "", ".", "؟"][..]),
            n,
        );
        (words, seps).prop_map(|(words, seps)| {
            words
                .iter()
                .zip(&seps)
                .flat_map(|(w, s)| [*w, *s])
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The filter never hides an extension that trimming keeps: when
        /// the trimmed alignment of `left + core + right` has equal words
        /// beyond the shared core on a side, the filter admits that side.
        #[test]
        fn flank_filter_admits_every_kept_extension(
            core_len in 8usize..20,
            la in proptest::collection::vec(0u64..6, 0..30),
            lb in proptest::collection::vec(0u64..6, 0..30),
            xa in proptest::collection::vec(0u64..6, 0..30),
            xb in proptest::collection::vec(0u64..6, 0..30),
        ) {
            let core: Vec<u64> = (1000..1000 + core_len as u64).collect();
            let ka: Vec<u64> = la.iter().chain(&core).chain(&xa).copied().collect();
            let kb: Vec<u64> = lb.iter().chain(&core).chain(&xb).copied().collect();
            let full = align::align(&tokens(&ka), &tokens(&kb));
            // (With long flanks over a small alphabet Myers may prefer to
            // match a's right flank with b's left one over the core; the
            // windows of a candidate are not like that.)
            let core_a = la.len()..la.len() + core_len;
            prop_assume!(full.ops.iter().any(|o| o.tag == align::OpTag::Equal
                && o.a().start <= core_a.start
                && o.a().end >= core_a.end
                && o.a().start + lb.len() == o.b().start + la.len()));
            let (ra, _, al) = full.trim(&ka, &kb);
            // (Trimming may shed the core itself for a stray match beyond a
            // long difference; that passage is too short to be reported.)
            prop_assume!(ra.start <= la.len() && ra.end >= la.len() + core_len);
            // Equal words of the trimmed alignment left and right of the core (side a).
            let (mut left, mut right) = (0, 0);
            for op in al.ops.iter().filter(|o| o.tag == align::OpTag::Equal) {
                for i in op.a() {
                    let i = i + ra.start;
                    if i < la.len() {
                        left += 1;
                    } else if i >= la.len() + core_len {
                        right += 1;
                    }
                }
            }
            let rev = |k: &[u64]| k.iter().rev().copied().collect::<Vec<u64>>();
            if left > 0 {
                prop_assert!(flank_may_extend(&rev(&la), &rev(&lb)));
            }
            if right > 0 {
                prop_assert!(flank_may_extend(&xa, &xb));
            }
        }

        /// Document a's window for a group is a stretch of the whole
        /// document's window, even where a character makes two tokens at a
        /// unit cut ("㎡"), and every region of the group is verified and
        /// widened in it as in the whole document's: the same tokens, keys
        /// and units, the same widened regions.
        #[test]
        fn the_window_of_a_is_the_whole_documents_where_verified(
            text in window_text(160),
            regions in proptest::collection::vec((0usize..300, 1usize..40), 1..4),
        ) {
            let (mut toks, mut breaks) = (Vec::new(), Vec::new());
            let units = fingerprint_doc(DocId(0), &text, &mut toks, &mut breaks).units;
            let n = units.last().map_or(0, |u| u.token as usize);
            prop_assume!(n > 0);
            let group: Vec<Candidate> = regions
                .iter()
                .map(|&(s, l)| Candidate {
                    a_doc: 0,
                    b_doc: 1,
                    a: (s % n) as u32..(s % n + l).min(n) as u32,
                    b: 0..1,
                    seeds: 1,
                    hamming: 0,
                })
                .collect();
            let wa = window_of_a(&text, &units, &group);
            let whole = Window::around(&text, &units, &(0..n), 0);
            let (first, last) = (wa.first_token, wa.first_token + wa.tokens.len());
            prop_assert_eq!(&wa.tokens[..], &whole.tokens[first..last]);
            prop_assert_eq!(&wa.keys[..], &whole.keys[first..last]);
            prop_assert_eq!(&wa.units, &units_within(&whole.units, first..last));
            for c in &group {
                let r = c.a.start as usize..c.a.end as usize;
                let (la, lw) = (wa.local(&r), whole.local(&r));
                prop_assert_eq!(la.start + first..la.end + first, lw.clone());
                let ua = extend_to_units(&wa.units, la.start as u32..la.end as u32);
                let uw = extend_to_units(&whole.units, lw.start as u32..lw.end as u32);
                prop_assert_eq!(ua.start + first..ua.end + first, uw.clone());
                let wide_a = widen_region(&wa.units, wa.tokens.len(), &ua);
                let wide_w = widen_region(&whole.units, whole.tokens.len(), &uw);
                prop_assert_eq!(wide_a.start + first..wide_a.end + first, wide_w);
            }
        }

        /// A window is a stretch of the whole document: its tokens, keys
        /// and units are the document's own (whole units covering the
        /// region, widened by `pad` tokens), wherever it starts.
        #[test]
        fn a_window_is_the_whole_documents_units(
            text in window_text(120),
            start in 0usize..200,
            len in 1usize..60,
            pad in proptest::sample::select(&[0usize, 3, WIDEN_TOKENS][..]),
        ) {
            let (mut toks, mut breaks) = (Vec::new(), Vec::new());
            let units = fingerprint_doc(DocId(0), &text, &mut toks, &mut breaks).units;
            let whole = tokenize_doc(&text);
            prop_assume!(!whole.tokens.is_empty());
            let n = whole.tokens.len();
            let r = start % n..(start % n + len).min(n);
            let w = Window::around(&text, &units, &r, pad);
            // Prefetching any window's text stays within the text (a hint
            // only: the window is the same after it).
            Window::prefetch(&text, &units, &r);
            Window::prefetch(&text, &units, &(n..n));
            // A window refilled in place is the new one, whatever it held.
            let mut reused = Window::around(&text, &units, &(n - 1..n), WIDEN_TOKENS);
            reused.fill(&text, &units, &r, pad);
            prop_assert_eq!(&reused, &w);
            // Widening the unpadded window gives the padded one, whatever
            // the text at its edges (the tokens of the pieces, or the
            // window filled whole).
            let narrow = Window::around(&text, &units, &r, 0);
            let around = Window::units_around(&units, &r, pad);
            reused.widen(&narrow, &text, &units, around);
            prop_assert_eq!(&reused, &w);
            // Always: units cover the window's own tokens, in order.
            prop_assert_eq!(w.units.first().map(|u| u.start), Some(0));
            prop_assert_eq!(w.units.last().map(|u| u.end), Some(w.tokens.len()));
            prop_assert!(w.units.windows(2).all(|p| p[0].end == p[1].start));
            // The exception: two tokens of one character ("㎡") at a unit cut.
            let split = whole.units.iter().any(|u| {
                u.start > 0 && whole.tokens[u.start - 1].span == whole.tokens[u.start].span
            });
            prop_assume!(!split);
            let (first, last) = (w.first_token, w.first_token + w.tokens.len());
            prop_assert!(first <= r.start && r.end <= last);
            // (Keyed as every window: the document's tokens with that hash.)
            let mut keyed = Vec::new();
            normalize::tokenize_keyed_into(&text, &mut keyed);
            prop_assert_eq!(&w.tokens[..], &keyed[first..last]);
            prop_assert!(w.keys.iter().zip(&w.tokens).all(|(k, t)| *k == t.hash));
            prop_assert_eq!(&w.units, &units_within(&whole.units, first..last));
            // Whole units, and `pad` tokens of them beyond the region's.
            let covering = extend_to_units(&whole.units, r.start as u32..r.end as u32);
            prop_assert!(first <= covering.start.saturating_sub(pad));
            prop_assert!(last >= (covering.end + pad).min(n));
        }
    }

    /// Two documents of `words` joined by `seps`, cut at word `split`
    /// (taken modulo the words, so each gets one), printed: their texts,
    /// key bytes, unit starts and token counts.
    fn two_printed(
        words: &[&str],
        seps: &[&str],
        split: usize,
    ) -> (Vec<String>, KeyBytes, UnitStarts, Vec<usize>) {
        let split = split % (words.len() - 1) + 1;
        let text = |w: &[&str], s: &[&str]| -> String {
            w.iter().zip(s).flat_map(|(w, s)| [*w, *s]).collect()
        };
        let texts = vec![
            text(&words[..split], &seps[..split]),
            text(&words[split..], &seps[split..]),
        ];
        let (starts_of, kb) = printed(&texts, KEY_BLOCK);
        let n = (0..2)
            .map(|d| starts_of[d].last().map_or(0, |u| u.token as usize))
            .collect();
        (texts, kb, starts_of, n)
    }

    /// The unit starts and key bytes (in blocks of `block` bytes) of every
    /// document of `texts`, as `find_pairs` keeps them.
    fn printed(texts: &[String], block: usize) -> (UnitStarts, KeyBytes) {
        let mut starts = UnitStarts::with_docs(texts.len());
        let mut kb = KeyBytes::new(texts.len(), block);
        let (mut toks, mut breaks) = (Vec::new(), Vec::new());
        for (d, t) in texts.iter().enumerate() {
            let print = fingerprint_doc(DocId(d as u32), t, &mut toks, &mut breaks);
            starts.push(&print.units);
            kb.push(&print.key_bytes);
        }
        kb.finish();
        (starts, kb)
    }

    /// The units among `units` (token ranges) that lie within tokens `r`,
    /// as ranges from `r.start` (what a window of those tokens holds).
    fn units_within(units: &[Range<usize>], r: Range<usize>) -> Vec<Range<usize>> {
        units
            .iter()
            .filter(|u| u.start >= r.start && u.end <= r.end)
            .map(|u| u.start - r.start..u.end - r.start)
            .collect()
    }

    /// Document a's key bytes as `verify_group` reads them beside its
    /// window `wa`.
    fn bytes_of_a<'k>(kb: &'k KeyBytes, starts: &[UnitStart], wa: &Window) -> Option<&'k [u8]> {
        kb.doc(0).and_then(|k| wa.doc_key_bytes(starts, k))
    }

    #[test]
    fn key_bytes_are_each_documents_keys_until_dropped() {
        let texts: Vec<String> = (0..9)
            .map(|d| "word said Putin 1,200 وقال. ".repeat(d * 3))
            .collect();
        let (starts, mut kb) = printed(&texts, 40);
        assert!(kb.blocks.len() > 2, "{} blocks", kb.blocks.len());
        // Every block but the last holds at least `block` bytes, and whole
        // documents.
        for k in 0..kb.blocks.len() {
            let (d0, d1) = (kb.first[k] as usize, kb.first[k + 1] as usize);
            assert!(d0 < d1 || texts.is_empty(), "block {k}");
            let len = kb.blocks[k].as_ref().unwrap().len();
            assert_eq!(len, (kb.at[d1] - kb.at[d0]) as usize, "block {k}");
            assert!(len >= 40 || k + 1 == kb.blocks.len(), "block {k}");
        }
        for (d, t) in texts.iter().enumerate() {
            let bytes: Vec<u8> = normalize::tokenize(t)
                .iter()
                .map(|t| key_byte(t.hash))
                .collect();
            assert_eq!(kb.doc(d), Some(&bytes[..]), "document {d}");
            assert_eq!(bytes.len(), starts[d].last().unwrap().token as usize);
        }
        kb.drop_before(5);
        for d in 0..texts.len() {
            let kept = kb.doc(d).is_some();
            assert!(kept || d < 5, "document {d} dropped");
            let block = kb.first.partition_point(|&f| f as usize <= d) - 1;
            assert_eq!(kept, kb.first[block + 1] > 5, "document {d}");
        }
        assert!(kb.doc(0).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// The key bytes, taken from the feature hashes of fingerprinting,
        /// are one byte of each token as verification keys it: tokens with
        /// equal keys have equal bytes (spellings that fold alike
        /// included), so equal bytes bound the words the keys share. Both
        /// sides read them by the document's token numbers: the whole
        /// document's window (a's) has the document's tokens wherever the
        /// bounds take its bytes, and every window is the document's tokens
        /// when its edges are cuts where tokens end.
        #[test]
        fn equal_keys_have_equal_key_bytes(
            words in proptest::collection::vec(
                proptest::sample::select(&["said", "Said", "SAID", "café", "cafe", "وقال", "وقـال", "قال", "1,200", "1200", "½", "ﷺ", "㎡", "m2", ".", "x"][..]),
                1..120,
            ),
            seps in proptest::collection::vec(
                proptest::sample::select(&[" ", ". ", "، ", "\n\n", "؟ ", ", ", "", ".", "؟"][..]),
                120,
            ),
            lead in proptest::sample::select(&["", " ", ".", ",", "\n", "- "][..]),
            start in 0usize..200,
            len in 1usize..60,
        ) {
            let text: String = std::iter::once(lead)
                .chain(words.iter().zip(&seps).flat_map(|(w, s)| [*w, *s]))
                .collect();
            let (starts, kb) = printed(std::slice::from_ref(&text), KEY_BLOCK);
            let bytes = kb.doc(0).unwrap();
            let mut keyed = Vec::new();
            normalize::tokenize_keyed_into(&text, &mut keyed);
            prop_assert_eq!(keyed.len(), bytes.len());
            for (i, x) in keyed.iter().enumerate() {
                for (j, y) in keyed.iter().enumerate().skip(i + 1) {
                    if x.hash == y.hash {
                        prop_assert_eq!(bytes[i], bytes[j], "tokens {} and {} of {:?}", i, j, text);
                    }
                }
            }
            let n = bytes.len();
            prop_assume!(n > 0);
            let spans = |t: &[Token]| t.iter().map(|t| t.span).collect::<Vec<Span>>();
            let wa = Window::around(&text, &starts[0], &(0..n), 0);
            if bytes_of_a(&kb, &starts[0], &wa).is_some() {
                prop_assert_eq!(spans(&wa.tokens), spans(&keyed));
            }
            let r = start % n..(start % n + len).min(n);
            let w = Window::around(&text, &starts[0], &r, 0);
            let clean = |at: usize| at == 0 || at == text.len() || ends_tokens_before(&text, at);
            if clean(w.bytes.start) && clean(w.bytes.end) {
                let at = w.first_token;
                prop_assert_eq!(spans(&w.tokens), spans(&keyed[at..at + w.tokens.len()]));
            }
        }
    }

    /// The bound rejects a region of b that shares no word with a's, and
    /// admits one that copies it, without tokenizing b.
    #[test]
    fn the_key_byte_bound_tells_copies_from_strangers() {
        let a = "The minister said the talks would resume on Monday. Nothing else.";
        let texts = vec![
            a.to_string(),
            format!("Rain fell all week over the hills. {a}"),
        ];
        let (starts, kb) = printed(&texts, KEY_BLOCK);
        let wa = Window::around(a, &starts[0], &(0..12), 0);
        let a = (&wa, bytes_of_a(&kb, &starts[0], &wa).unwrap());
        let mut lists = BoundLists::default();
        let b = (texts[1].as_str(), &starts[1], kb.doc(1).unwrap());
        let rb = |r: Range<usize>| (r.clone(), Window::units_around(&starts[1], &r, 0));
        let (no, yes) = (rb(0..7), rb(7..16));
        assert!(!may_share(a, &(0..9), b, (&no.0, no.1), &mut lists));
        assert!(may_share(a, &(0..9), b, (&yes.0, yes.1), &mut lists));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// The bound on shared words from b's key bytes never rejects a
        /// region that the shared-word filter over b's window passes; where
        /// it bounds, b's window holds the document's keys (their bytes are
        /// the key bytes there).
        #[test]
        fn the_key_byte_bound_never_rejects_what_the_filter_passes(
            words in proptest::collection::vec(
                proptest::sample::select(&["وقال", "الجيش", "1,200", "Putin", "said", "bei", "½", "ﷺ", "㎡", ".", "x", "y", "z", "w"][..]),
                2..240,
            ),
            seps in proptest::collection::vec(
                proptest::sample::select(&[" ", ". ", "، ", "\n\n", "؟ ", ", ", "", ".", "؟"][..]),
                240,
            ),
            split in 1usize..239,
            starts in (0usize..200, 0usize..200),
            lens in (1usize..60, 1usize..60),
        ) {
            let (texts, kb, starts_of, n) = two_printed(&words, &seps, split);
            prop_assume!(n[0] > 0 && n[1] > 0);
            let (ua_s, ub_s) = (&starts_of[0], &starts_of[1]);
            let wa = Window::around(&texts[0], ua_s, &(0..n[0]), 0);
            let keys_a = bytes_of_a(&kb, ua_s, &wa);
            prop_assume!(keys_a.is_some());
            let ra = starts.0 % n[0]..(starts.0 % n[0] + lens.0).min(n[0]);
            let rb = starts.1 % n[1]..(starts.1 % n[1] + lens.1).min(n[1]);
            let keys_b = kb.doc(1);
            prop_assume!(keys_b.is_some());
            let keys_b = keys_b.unwrap();
            let mut lists = BoundLists::default();
            let b = (texts[1].as_str(), ub_s, keys_b);
            let around = Window::units_around(ub_s, &rb, 0);
            let may = may_share((&wa, keys_a.unwrap()), &ra, b, (&rb, around), &mut lists);
            prop_assert!(lists.counts.iter().all(|&c| c == 0));
            // The filter as `verify_region` applies it.
            let wb = Window::around(&texts[1], ub_s, &rb, 0);
            let (la, lb) = (wa.local(&ra), wb.local(&rb));
            if la.is_empty() || lb.is_empty() {
                return Ok(());
            }
            let ua = extend_to_units(&wa.units, la.start as u32..la.end as u32);
            let ub = extend_to_units(&wb.units, lb.start as u32..lb.end as u32);
            let shared = shared_tokens(&wa.keys[ua.clone()], &wb.keys[ub.clone()]);
            if !fails_shared_words(shared, ua.len(), ub.len()) {
                prop_assert!(may, "{:?} {:?} {:?}", texts, ra, rb);
            }
            let (b0, b1) = (wb.bytes.start, wb.bytes.end);
            let clean = |at: usize| at == 0 || at == texts[1].len() || ends_tokens_before(&texts[1], at);
            if clean(b0) && clean(b1) {
                let spans = |t: &[Token]| t.iter().map(|t| t.span).collect::<Vec<Span>>();
                let doc = normalize::tokenize(&texts[1]);
                let at = wb.first_token;
                prop_assert_eq!(spans(&wb.tokens), spans(&doc[at..at + wb.tokens.len()]));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The flank test on key bytes is the flank test on the bytes as
        /// keys, and it passes wherever the test on the keys does (keys
        /// that share a byte but differ below it included).
        #[test]
        fn the_flank_test_on_bytes_bounds_the_test_on_keys(
            a in proptest::collection::vec((0u64..5, 0u64..3), 0..40),
            b in proptest::collection::vec((0u64..5, 0u64..3), 0..40),
        ) {
            let keys = |x: &[(u64, u64)]| x.iter().map(|&(h, l)| h << 56 | l).collect::<Vec<u64>>();
            let bytes = |x: &[(u64, u64)]| x.iter().map(|&(h, _)| h as u8).collect::<Vec<u8>>();
            let mut seen = [(0u32, 0u32); 256];
            let coarse = flank_bytes_may_extend(&bytes(&a), &bytes(&b), &mut seen);
            prop_assert!(seen.iter().all(|&c| c == (0, 0)));
            let as_keys = |x: &[(u64, u64)]| x.iter().map(|&(h, _)| h).collect::<Vec<u64>>();
            prop_assert_eq!(coarse, flank_may_extend(&as_keys(&a), &as_keys(&b)));
            if flank_may_extend(&keys(&a), &keys(&b)) {
                prop_assert!(coarse);
            }
        }

        /// Where the flank test on b's key bytes fails, the flank test over
        /// b's widened window (as `verify_region` makes it) fails too.
        #[test]
        fn the_widened_flank_bound_never_rejects_what_the_test_passes(
            words in proptest::collection::vec(
                proptest::sample::select(&["وقال", "1,200", "Putin", "said", "½", "㎡", ".", "x", "y", "z", "w"][..]),
                2..240,
            ),
            seps in proptest::collection::vec(
                proptest::sample::select(&[" ", ". ", "، ", "\n\n", ", ", "", "."][..]),
                240,
            ),
            split in 1usize..239,
            starts in (0usize..200, 0usize..200),
            lens in (1usize..60, 1usize..60),
            cuts in (0usize..100, 0usize..100, 0usize..100, 0usize..100),
        ) {
            let (texts, kb, starts_of, n) = two_printed(&words, &seps, split);
            prop_assume!(n[0] > 0 && n[1] > 0);
            prop_assume!(kb.doc(1).is_some());
            let units_b = &starts_of[1];
            let wa = Window::around(&texts[0], &starts_of[0], &(0..n[0]), 0);
            let keys_a = bytes_of_a(&kb, &starts_of[0], &wa);
            prop_assume!(keys_a.is_some());
            let ra = starts.0 % n[0]..(starts.0 % n[0] + lens.0).min(n[0]);
            let rb = starts.1 % n[1]..(starts.1 % n[1] + lens.1).min(n[1]);
            let wb = Window::around(&texts[1], units_b, &rb, 0);
            let (la, lb) = (wa.local(&ra), wb.local(&rb));
            prop_assume!(!la.is_empty() && !lb.is_empty());
            let ua = extend_to_units(&wa.units, la.start as u32..la.end as u32);
            let ub = extend_to_units(&wb.units, lb.start as u32..lb.end as u32);
            // A passage within the regions.
            let within = |r: &Range<usize>, x: usize, y: usize| {
                let s = r.start + x % r.len();
                s..(s + 1 + y % r.len()).min(r.end)
            };
            let (na, nb) = (within(&ua, cuts.0, cuts.1), within(&ub, cuts.2, cuts.3));
            let mut lists = BoundLists::default();
            let around = Window::units_around(units_b, &rb, WIDEN_TOKENS);
            let b = (texts[1].as_str(), units_b, kb.doc(1).unwrap(), around);
            let a = (&wa, keys_a.unwrap(), &ua, &na);
            let coarse = widened_flanks_may_extend(a, (&wb, &ub, &nb), b, &mut lists);
            prop_assert!(lists.seen.iter().all(|&c| c == (0, 0)));
            // What `verify_region` does after tokenizing the widened window.
            let wider = Window::around(&texts[1], units_b, &rb, WIDEN_TOKENS);
            let by = wb.first_token - wider.first_token;
            let shift = |r: &Range<usize>| r.start + by..r.end + by;
            let (ub, nb) = (shift(&ub), shift(&nb));
            let wa_r = widen_region(&wa.units, wa.tokens.len(), &ua);
            let wb_r = widen_region(&wider.units, wider.tokens.len(), &ub);
            if flanks_may_extend(&wa, &wider, &wa_r, &wb_r, &na, &nb) {
                prop_assert!(coarse, "{:?} {:?} {:?} {:?} {:?}", texts, ra, rb, na, nb);
            }
        }
    }
}
