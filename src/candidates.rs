//! Candidate passages: seed pairs of two documents chained into regions.
//!
//! Two chunks of different documents whose fingerprints are within the
//! Hamming distance are a *seed*. Seeds of the same two documents that lie
//! close together in both (an unedited stretch, interrupted by edits) are
//! chained into one candidate region, as BLAST and passim extend seeds.
//! A region needs [`MIN_SEEDS`] seeds and seed coverage of at least
//! [`MIN_DENSITY`] of its extent before the expensive alignment looks at it.

use crate::index::{ChunkAt, ChunkGroups, NearPair};
use rayon::prelude::*;
use std::ops::Range;

/// A fingerprint shared by chunks of more documents than this is a formula
/// or boilerplate ("قال رسول الله صلى الله عليه وسلم", a site footer): it
/// seeds nothing, so it cannot blow up the number of pairs. Real wire copy
/// reaches 11 outlets in SaudiNewsNet; 64 leaves room for far wider reuse
/// while a chunk in 64+ documents of one corpus is almost always formulaic.
pub const MAX_GROUP_DOCS: usize = 64;
/// How far (tokens, on each side) a seed from a too-common chunk may lie
/// from a seed of the document pair's own: two chain gaps.
pub const COMMON_REACH: u32 = 2 * MAX_GAP;
/// Seeds a region needs. Two chained chunks are 8+ shared words in order.
pub const MIN_SEEDS: usize = 2;
/// Share of a region's tokens (on its longer side) covered by seeds. A
/// heavily edited copy of formulaic text keeps few seeds: on the
/// 20,000-document generated corpus (chain gap 50) 0.3 found 0.6 points
/// fewer planted pairs than 0.2, and 0.2 0.08 fewer than 0.15, for 7% fewer
/// candidates; 0.1 gained nothing over 0.2 at gap 30.
pub const MIN_DENSITY: f64 = 0.15;
/// Largest gap, in tokens, between chained seeds (on either side): room for
/// edited chunks and formulae too common to seed between unedited ones
/// (30 → 50: recall 0.9645 → 0.9673 on the same corpus, 3% more candidates).
pub const MAX_GAP: u32 = 50;

/// Two chunks, of documents `a < b`, with similar fingerprints: 20 bytes
/// (millions of them exist at once on a large corpus).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seed {
    /// Document a.
    pub a_doc: u32,
    /// Document b.
    pub b_doc: u32,
    /// First token of the chunk in a.
    pub a_token: u32,
    /// First token of the chunk in b.
    pub b_token: u32,
    /// Chunk length in a (at most `segment::MAX_CHUNK`).
    pub a_len: u8,
    /// Chunk length in b.
    pub b_len: u8,
    /// Hamming distance of the two fingerprints.
    pub distance: u8,
}

/// A candidate pair of passages, as token ranges of two documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Document a.
    pub a_doc: u32,
    /// Document b.
    pub b_doc: u32,
    /// Tokens of a covered by the chained seeds.
    pub a: Range<u32>,
    /// Tokens of b covered by the chained seeds.
    pub b: Range<u32>,
    /// Number of seeds.
    pub seeds: u32,
    /// Smallest Hamming distance among the seeds.
    pub hamming: u32,
}

/// Counters of the seeding step.
#[derive(Clone, Debug, Default)]
pub struct SeedStats {
    /// Fingerprint groups skipped as too common.
    pub common_groups: usize,
    /// Seeds found.
    pub seeds: usize,
    /// Chunks in too-common groups (they seed only beside a pair's own
    /// seeds, see [`CommonChunks`]).
    pub common_chunks: usize,
}

/// Seeds of a shard, at most: the seeds of a larger corpus are made,
/// chained and verified one shard of documents at a time
/// ([`Seeding::shards`]), so that their candidates and pairs' work stay
/// bounded (the 20,000-document generated corpus has 5.7 million seeds,
/// 22 shards); each document's seeds are made and chained in turn
/// ([`Seeding::candidates`]).
/// With 2^20 a shard's seeds and their chaining were the peak of
/// SaudiNewsNet's run (+46 MB over the index); each shard holds the list
/// of fingerprint groups and near pairs that seed it (4 bytes each).
pub const SHARD_SEEDS: u64 = 1 << 18;

/// Parts per thread that [`Seeding::shards`] reads the groups and near
/// pairs in (a few, so that a thread that finishes early takes another).
const SHARD_PARTS: usize = 4;

/// A part's lists in [`Seeding::shards`], per shard: of groups, of near
/// pairs.
type PartLists = (Vec<Vec<u32>>, Vec<Vec<u32>>);

const _: () = assert!(crate::segment::MAX_CHUNK <= u8::MAX as usize);

/// The seeding step over fingerprinted chunks: which fingerprint groups
/// are too common, and the seeds of any range of documents.
pub struct Seeding<'r> {
    groups: &'r ChunkGroups,
    near: &'r [NearPair],
    common: Vec<bool>,
    /// The chunks of too-common groups (they seed beside a pair's own seeds).
    pub common_chunks: CommonChunks,
}

impl<'r> Seeding<'r> {
    /// `groups` the chunks grouped by fingerprint, `fps[i]` group `i`'s
    /// fingerprint (read here only, not held), `near` the near pairs among
    /// those fingerprints.
    pub fn new(
        fps: &[u64],
        groups: &'r ChunkGroups,
        near: &'r [NearPair],
        stats: &mut SeedStats,
    ) -> Seeding<'r> {
        debug_assert_eq!(fps.len(), groups.len());
        let too_common = |g: &[ChunkAt]| {
            if g.len() <= MAX_GROUP_DOCS {
                return false;
            }
            let mut docs: Vec<u32> = g.iter().map(|r| r.doc).collect();
            docs.dedup(); // a group is sorted by (doc, …)
            docs.len() > MAX_GROUP_DOCS
        };
        let common: Vec<bool> = (0..groups.len())
            .into_par_iter()
            .map(|i| too_common(groups.group(i)))
            .collect();
        stats.common_groups = common.iter().filter(|&&c| c).count();
        let common_chunks = CommonChunks::new(fps, groups, &common);
        stats.common_chunks = common_chunks.len();
        Seeding {
            groups,
            near,
            common,
            common_chunks,
        }
    }

    fn group(&self, i: usize) -> &'r [ChunkAt] {
        self.groups.group(i)
    }

    /// Consecutive ranges of document ids (covering `0..docs`) whose seeds
    /// number at most `max_seeds` each (a single document with more is a
    /// shard of its own), each with the fingerprint groups and near pairs
    /// that seed its documents, so that no shard scans them all again, and
    /// its number of seeds.
    ///
    /// The groups and near pairs are read in [`SHARD_PARTS`] parts per
    /// thread, in parallel (one thread read them twice, 194 million
    /// instructions on the 20,000-document generated corpus, while the
    /// other waited); each part's lists are appended in order, so a
    /// shard's lists are those of one thread.
    pub fn shards(&self, docs: usize, max_seeds: u64) -> Vec<Shard> {
        let parts = |n: usize| {
            let p = (rayon::current_num_threads() * SHARD_PARTS).min(n.max(1));
            (0..p).map(move |j| j * n / p..(j + 1) * n / p)
        };
        let group_parts: Vec<Range<usize>> = parts(self.groups.len()).collect();
        let near_parts: Vec<Range<usize>> = parts(self.near.len()).collect();
        let kept = |p: &NearPair| !self.common[p.a as usize] && !self.common[p.b as usize];
        // Seeds per lower document: the records of a group are sorted by
        // document, and each seeds every later record of another document.
        let count: Vec<u64> = (group_parts.par_iter().map(|r| (r, true)))
            .chain(near_parts.par_iter().map(|r| (r, false)))
            .map(|(r, of_groups)| {
                let mut count = vec![0u64; docs];
                if of_groups {
                    for i in r.clone().filter(|&i| !self.common[i]) {
                        let g = self.group(i);
                        let mut later = g.len();
                        for run in g.chunk_by(|x, y| x.doc == y.doc) {
                            later -= run.len();
                            count[run[0].doc as usize] += (run.len() * later) as u64;
                        }
                    }
                } else {
                    for p in self.near[r.clone()].iter().filter(|p| kept(p)) {
                        for r in self.group(p.a as usize) {
                            for s in self.group(p.b as usize) {
                                if r.doc != s.doc {
                                    count[r.doc.min(s.doc) as usize] += 1;
                                }
                            }
                        }
                    }
                }
                count
            })
            .reduce_with(|mut a, b| {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                a
            })
            .unwrap_or_else(|| vec![0; docs]);
        let ranges = shards(&count, max_seeds);
        let ends: Vec<u32> = ranges.iter().map(|r| r.end).collect();
        let shard_of = |d: u32| ends.partition_point(|&e| e <= d);
        let mut out: Vec<Shard> = (ranges.into_iter())
            .map(|docs| Shard {
                seeds: count[docs.start as usize..docs.end as usize].iter().sum(),
                docs,
                groups: Vec::new(),
                near: Vec::new(),
            })
            .collect();
        drop(count);
        let shard_count = out.len();
        // Each part's lists, per shard: (groups, near pairs).
        let lists: Vec<PartLists> = (group_parts.par_iter().map(|r| (r, true)))
            .chain(near_parts.par_iter().map(|r| (r, false)))
            .map(|(r, of_groups)| {
                let mut lists = vec![Vec::new(); shard_count];
                if of_groups {
                    for i in r.clone().filter(|&i| !self.common[i]) {
                        // Records are sorted by document within a group: each
                        // document but the last is the lower one of a pair.
                        let g = self.group(i);
                        let Some(last) = g.last() else { continue };
                        for r in g.iter().take_while(|r| r.doc != last.doc) {
                            let list: &mut Vec<u32> = &mut lists[shard_of(r.doc)];
                            if list.last() != Some(&(i as u32)) {
                                list.push(i as u32);
                            }
                        }
                    }
                    (lists, Vec::new())
                } else {
                    for k in r.clone().filter(|&k| kept(&self.near[k])) {
                        // The shards of both groups' documents (a few too many).
                        let p = &self.near[k];
                        for r in self
                            .group(p.a as usize)
                            .iter()
                            .chain(self.group(p.b as usize))
                        {
                            let list: &mut Vec<u32> = &mut lists[shard_of(r.doc)];
                            if list.last() != Some(&(k as u32)) {
                                list.push(k as u32);
                            }
                        }
                    }
                    (Vec::new(), lists)
                }
            })
            .collect();
        for (j, s) in out.iter_mut().enumerate() {
            let of = |pick: fn(&PartLists) -> &Vec<Vec<u32>>| {
                let parts = lists.iter().map(pick).filter_map(|l| l.get(j));
                let mut v = Vec::with_capacity(parts.clone().map(Vec::len).sum());
                parts.for_each(|l| v.extend_from_slice(l));
                v
            };
            s.groups = of(|l| &l.0);
            s.near = of(|l| &l.1);
        }
        out
    }

    /// Each document of `shard`'s fingerprint groups and near pairs: the
    /// groups where it has a chunk and a later document has one (with
    /// where its chunks start in the group), the near pairs with a chunk
    /// of it in either group.
    fn doc_lists(&self, shard: &Shard) -> DocLists {
        let docs = shard.docs.clone();
        let mut groups = Vec::new();
        for &i in &shard.groups {
            let g = self.group(i as usize);
            let Some(last) = g.last() else { continue };
            let lo = g.partition_point(|r| r.doc < docs.start);
            let mut at = lo;
            for run in g[lo..].chunk_by(|x, y| x.doc == y.doc) {
                if run[0].doc >= docs.end || run[0].doc == last.doc {
                    break;
                }
                groups.push((run[0].doc - docs.start, [i, at as u32]));
                at += run.len();
            }
        }
        let mut near = Vec::new();
        let mut last = vec![u32::MAX; docs.len()];
        for &k in &shard.near {
            let p = &self.near[k as usize];
            let (a, b) = (self.group(p.a as usize), self.group(p.b as usize));
            for r in a.iter().chain(b) {
                let d = r.doc.wrapping_sub(docs.start);
                if d < docs.len() as u32 && last[d as usize] != k {
                    last[d as usize] = k;
                    near.push((d, k));
                }
            }
        }
        DocLists {
            docs: docs.clone(),
            groups: Lists::of_pairs(docs.len(), groups),
            near: Lists::of_pairs(docs.len(), near),
        }
    }

    /// Appends the seeds of the document pairs whose lower document is
    /// `docs.start + i` (of the shard `lists` were made for) to `out`, in
    /// no order.
    fn doc_seeds(&self, lists: &DocLists, i: usize, out: &mut Vec<Seed>) {
        let d = lists.docs.start + i as u32;
        // A group is sorted by document: each chunk of d seeds every chunk
        // of a later document, at distance 0.
        for &[g, lo] in lists.groups.of(i) {
            let g = self.group(g as usize);
            let lo = lo as usize;
            let hi = lo + g[lo..].iter().take_while(|r| r.doc == d).count();
            for x in &g[lo..hi] {
                let (a_token, a_len) = (x.token(), x.length());
                out.extend(g[hi..].iter().map(|y| Seed {
                    a_doc: d,
                    b_doc: y.doc,
                    a_token,
                    b_token: y.token(),
                    a_len,
                    b_len: y.length(),
                    distance: 0,
                }));
            }
        }
        for &k in lists.near.of(i) {
            let p = &self.near[k as usize];
            let (a, b) = (self.group(p.a as usize), self.group(p.b as usize));
            // d's chunks in either group seed the later documents' chunks
            // in the other (the two groups' fingerprints are the pair's).
            for (mine, other) in [(a, b), (b, a)] {
                let lo = mine.partition_point(|r| r.doc < d);
                let hi = mine.partition_point(|r| r.doc <= d);
                let later = other.partition_point(|r| r.doc <= d);
                for x in &mine[lo..hi] {
                    out.extend(other[later..].iter().map(|y| Seed {
                        a_doc: d,
                        b_doc: y.doc,
                        a_token: x.token(),
                        b_token: y.token(),
                        a_len: x.length(),
                        b_len: y.length(),
                        distance: p.distance as u8,
                    }));
                }
            }
        }
    }

    /// The seeds of the document pairs whose lower document is in the
    /// shard, grouped by that document (in order), in no order within it:
    /// what [`Seeding::candidates`] makes and chains one document at a
    /// time, all at once for the tests.
    #[cfg(test)]
    pub fn seeds(&self, shard: &Shard) -> Vec<Seed> {
        let lists = self.doc_lists(shard);
        let mut out = Vec::new();
        for i in 0..shard.docs.len() {
            self.doc_seeds(&lists, i, &mut out);
        }
        out
    }

    /// The candidates of the shard's documents (see [`chain_doc`]), in order
    /// of (document a, document b). Each document's seeds are made and
    /// chained in turn, so a shard's seeds never exist at once (a list of
    /// up to [`SHARD_SEEDS`] was 5 MB of c20k's matching peak).
    pub fn candidates(&self, shard: &Shard) -> Vec<Candidate> {
        let lists = self.doc_lists(shard);
        (0..shard.docs.len())
            .into_par_iter()
            .map_init(
                || (Vec::new(), ChainBuffers::default()),
                |(seeds, buffers), i| {
                    seeds.clear();
                    self.doc_seeds(&lists, i, seeds);
                    let mut out = Vec::new();
                    if !seeds.is_empty() {
                        chain_doc(seeds, &self.common_chunks, buffers, &mut out);
                    }
                    out
                },
            )
            .flatten_iter()
            .collect()
    }
}

/// A shard's documents' groups and near pairs (see [`Seeding::doc_lists`]).
struct DocLists {
    docs: Range<u32>,
    /// Group and where the document's chunks start in it.
    groups: Lists<[u32; 2]>,
    near: Lists<u32>,
}

/// A list per document, in one allocation.
struct Lists<T> {
    /// `at[i]..at[i + 1]`: document `i`'s in `list`.
    at: Vec<u32>,
    list: Vec<T>,
}

impl<T: Copy + Default> Lists<T> {
    /// The lists of `n` documents from (document, item) pairs, each
    /// document's items in the order given.
    fn of_pairs(n: usize, pairs: Vec<(u32, T)>) -> Lists<T> {
        let mut at = vec![0u32; n + 1];
        for &(d, _) in &pairs {
            at[d as usize + 1] += 1;
        }
        for d in 0..n {
            at[d + 1] += at[d];
        }
        let mut fill = at.clone();
        let mut list = vec![T::default(); pairs.len()];
        for (d, x) in pairs {
            list[fill[d as usize] as usize] = x;
            fill[d as usize] += 1;
        }
        Lists { at, list }
    }

    fn of(&self, i: usize) -> &[T] {
        &self.list[self.at[i] as usize..self.at[i + 1] as usize]
    }
}

/// A shard of documents (see [`Seeding::shards`]).
#[derive(Clone, Debug)]
pub struct Shard {
    /// The documents: the lower one of each pair seeded.
    pub docs: Range<u32>,
    /// Number of seeds.
    pub seeds: u64,
    /// The fingerprint groups with a record of one of the documents.
    groups: Vec<u32>,
    /// The near pairs (indices) with a record of one of the documents.
    near: Vec<u32>,
}

/// Consecutive ranges of indices covering `0..count.len()`, each with a
/// total count of at most `max` (an index whose count alone is larger is a
/// range of its own).
pub fn shards(count: &[u64], max: u64) -> Vec<Range<u32>> {
    let mut out = Vec::new();
    let (mut start, mut acc) = (0usize, 0u64);
    for (d, &c) in count.iter().enumerate() {
        if acc > 0 && acc + c > max {
            out.push(start as u32..d as u32);
            (start, acc) = (d, 0);
        }
        acc += c;
    }
    if start < count.len() {
        out.push(start as u32..count.len() as u32);
    }
    out
}

/// A chunk of a too-common group, in [`CommonChunks`].
#[derive(Clone, Copy, Debug)]
struct CommonChunk {
    fingerprint: u64,
    token: u32,
    len: u8,
    /// Its fingerprint's bit of [`SUMMARY_BITS`] in the summaries (see
    /// [`CommonChunks::new`]): equal fingerprints, equal bits.
    bit: u8,
}

impl CommonChunk {
    /// The exact seed of common chunk `x` of document `a` and its equal `y`
    /// of document `b`.
    fn seed(a: u32, b: u32, x: &CommonChunk, y: &CommonChunk) -> Seed {
        Seed {
            a_doc: a,
            b_doc: b,
            a_token: x.token,
            b_token: y.token,
            a_len: x.len,
            b_len: y.len,
            distance: 0,
        }
    }

    /// A chunk whose fingerprint's bit is hashed from it (the tests').
    #[cfg(test)]
    fn hashed(fingerprint: u64, token: u32, len: u8) -> CommonChunk {
        CommonChunk {
            fingerprint,
            token,
            len,
            bit: (fingerprint.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                >> (64 - SUMMARY_BITS.trailing_zeros())) as u8,
        }
    }

    /// The fingerprint's bit in a summary of a stretch's.
    fn bit(&self) -> Summary {
        1 << self.bit
    }
}

/// A document's chunks (sorted by token) within reach of tokens `lo..=hi`:
/// only those can seed beside seeds there (most pairs have one seed in a
/// document's few formulae), and they are one stretch.
fn reach(chunks: &[CommonChunk], lo: u32, hi: u32) -> &[CommonChunk] {
    let from = chunks.partition_point(|c| c.token < lo.saturating_sub(COMMON_REACH));
    let hi = hi.saturating_add(COMMON_REACH);
    let len = chunks[from..].iter().take_while(|c| c.token <= hi).count();
    &chunks[from..from + len]
}

/// The chunks of too-common groups, per document, sorted by first token.
/// They seed a document pair only beside a seed of the pair's own, within
/// [`COMMON_REACH`] on both sides: a formula inside a copied passage then
/// still counts towards its chain (a short copy of formulaic text otherwise
/// has too few seeds), while two documents that share only formulae stay
/// unpaired. The seeds are made per pair while chaining, never all at once.
#[derive(Debug, Default)]
pub struct CommonChunks {
    per_doc: Vec<Vec<CommonChunk>>,
    /// Per document, the summaries ([`CommonChunk::bit`]) of the chunks
    /// within reach of each stretch of [`STRETCH`] tokens, from its first
    /// stretch with any (see [`CommonChunks::near_bits`]).
    bits: Vec<(u32, Range<u32>)>,
    /// The summaries of all documents, one after another.
    bit_stretches: Vec<Summary>,
}

/// A summary of a stretch's common chunks: one bit per fingerprint
/// ([`CommonChunk::bit`]). Most document pairs have a single seed and no
/// common chunk beside it: the summaries at the seed's two ends, ANDed,
/// rule most of them out before their common chunks are read; a false
/// match costs about 600 instructions.
type Summary = u128;
/// Bits of a [`Summary`].
const SUMMARY_BITS: usize = Summary::BITS as usize;

/// Tokens per stretch of [`CommonChunks::near_bits`] (a power of two).
const STRETCH: u32 = 32;

impl CommonChunks {
    /// The chunks of the groups marked `common`, each fingerprint with one
    /// of [`SUMMARY_BITS`] summary bits: the groups, largest first, each
    /// given the bit of fewest chunks so far, so that no two frequent
    /// formulae share one (a bit hashed from the fingerprint let them
    /// collide). On the 20,000-document generated corpus (797 common
    /// groups, 4.57 million document pairs) 1.80 million pairs passed the
    /// summaries with 64 hashed bits, 0.78 million of them with a common
    /// seed beside their own; 1.67 million with 64 such bits, 1.31 million
    /// with 128 (−83 million instructions, for 2.4 MB more summaries).
    fn new(fps: &[u64], groups: &ChunkGroups, common: &[bool]) -> CommonChunks {
        let mut by_size: Vec<u32> = (0..common.len() as u32)
            .filter(|&g| common[g as usize])
            .collect();
        by_size.sort_unstable_by_key(|&g| (std::cmp::Reverse(groups.group(g as usize).len()), g));
        let mut per_doc: Vec<Vec<CommonChunk>> = Vec::new();
        let mut load = [0usize; SUMMARY_BITS];
        for &g in &by_size {
            let g = g as usize;
            let bit = (0..SUMMARY_BITS).min_by_key(|&b| (load[b], b)).unwrap_or(0);
            load[bit] += groups.group(g).len();
            let bit = bit as u8;
            for r in groups.group(g) {
                let d = r.doc as usize;
                if per_doc.len() <= d {
                    per_doc.resize_with(d + 1, Vec::new);
                }
                per_doc[d].push(CommonChunk {
                    fingerprint: fps[g],
                    token: r.token(),
                    len: r.length(),
                    bit,
                });
            }
        }
        for chunks in &mut per_doc {
            chunks.sort_unstable_by_key(|c| (c.token, c.fingerprint, c.len));
        }
        CommonChunks::of_docs(per_doc)
    }

    /// From the common chunks of each document (sorted by token), with
    /// their summaries per stretch.
    fn of_docs(per_doc: Vec<Vec<CommonChunk>>) -> CommonChunks {
        let (mut bits, mut bit_stretches) = (Vec::new(), Vec::new());
        for chunks in &per_doc {
            // Chunk c is within reach of a token of stretch k when
            // k·STRETCH − COMMON_REACH ≤ c.token ≤ k·STRETCH + STRETCH − 1 + COMMON_REACH.
            let first =
                |c: &CommonChunk| c.token.saturating_sub(STRETCH - 1 + COMMON_REACH) / STRETCH;
            let last = |c: &CommonChunk| c.token.saturating_add(COMMON_REACH) / STRETCH;
            let (Some(lo), Some(hi)) = (chunks.first(), chunks.last()) else {
                bits.push((0, 0..0));
                continue;
            };
            let k0 = first(lo);
            let at = bit_stretches.len();
            bit_stretches.resize(at + (last(hi) - k0 + 1) as usize, 0);
            for c in chunks {
                for k in first(c)..=last(c) {
                    bit_stretches[at + (k - k0) as usize] |= c.bit();
                }
            }
            bits.push((k0, at as u32..bit_stretches.len() as u32));
        }
        CommonChunks {
            per_doc,
            bits,
            bit_stretches,
        }
    }

    /// The summary of document `d`'s chunks within reach of token `t` (and
    /// maybe a few more, within reach of its stretch).
    fn near_bits(&self, d: u32, t: u32) -> Summary {
        let Some((k0, at)) = self.bits.get(d as usize) else {
            return 0;
        };
        let k = (t / STRETCH).wrapping_sub(*k0);
        if k >= at.len() as u32 {
            return 0;
        }
        self.bit_stretches[(at.start + k) as usize]
    }

    /// Number of chunks held.
    pub fn len(&self) -> usize {
        self.per_doc.iter().map(Vec::len).sum()
    }

    /// Whether no chunk is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn of(&self, d: u32) -> &[CommonChunk] {
        self.per_doc.get(d as usize).map_or(&[][..], Vec::as_slice)
    }

    /// Seeds of the common chunks the two documents of `own` (one pair's
    /// own seeds, sorted) share, beside those seeds, in no particular order
    /// (the caller sorts them in with the pair's own).
    #[cfg(test)]
    fn seeds_beside(&self, own: &[Seed]) -> Vec<Seed> {
        let mut v = Vec::new();
        self.seeds_beside_into(own, &mut v);
        v
    }

    /// [`CommonChunks::seeds_beside`], appended to `v` (a buffer reused
    /// from pair to pair: 0.78 million pairs on the 20,000-document
    /// generated corpus have such seeds).
    fn seeds_beside_into(&self, own: &[Seed], v: &mut Vec<Seed>) {
        let (a, b) = (own[0].a_doc, own[0].b_doc);
        // A common seed beside own seed s shares its chunks' fingerprint,
        // so also their summaries' bit, with s's stretches: most pairs
        // (a single seed, in a document's few formulae) end here.
        let summaries = |s: &Seed| self.near_bits(a, s.a_token) & self.near_bits(b, s.b_token);
        if own.iter().all(|s| summaries(s) == 0) {
            return;
        }
        let of = |d: u32| self.of(d);
        // `own` is sorted by its token in a.
        let ra = reach(of(a), own[0].a_token, own[own.len() - 1].a_token);
        if ra.is_empty() {
            return;
        }
        let (lo_b, hi_b) = own.iter().fold((u32::MAX, 0), |(lo, hi), s| {
            (lo.min(s.b_token), hi.max(s.b_token))
        });
        let rb = reach(of(b), lo_b, hi_b);
        if rb.is_empty() {
            return;
        }
        // The chunks within reach of a single seed are near it.
        let single = own.len() == 1;
        let near = |ta: u32, tb: u32| {
            if single {
                return true;
            }
            let from = own.partition_point(|s| s.a_token < ta.saturating_sub(COMMON_REACH));
            own[from..]
                .iter()
                .take_while(|s| s.a_token <= ta.saturating_add(COMMON_REACH))
                .any(|s| s.b_token.abs_diff(tb) <= COMMON_REACH)
        };
        let mut emit = |x: &CommonChunk, y: &CommonChunk| {
            if near(x.token, y.token) {
                v.push(CommonChunk::seed(a, b, x, y));
            }
        };
        if ra.len() * rb.len() <= 256 {
            // One bit per fingerprint of b's: most of a's match none.
            let in_b = rb.iter().fold(0, |m, c| m | c.bit());
            for x in ra.iter().filter(|x| in_b & x.bit() != 0) {
                for y in rb.iter().filter(|y| y.fingerprint == x.fingerprint) {
                    emit(x, y);
                }
            }
            return;
        }
        // Many formulae on both sides (a long copy of formulaic text):
        // match them by fingerprint.
        let by_fingerprint = |r: &[CommonChunk]| {
            let mut r = r.to_vec();
            r.sort_unstable_by_key(|c| c.fingerprint);
            r
        };
        let (ra, rb) = (by_fingerprint(ra), by_fingerprint(rb));
        let (mut i, mut j) = (0, 0);
        while i < ra.len() && j < rb.len() {
            match ra[i].fingerprint.cmp(&rb[j].fingerprint) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let f = ra[i].fingerprint;
                    let j0 = j;
                    while i < ra.len() && ra[i].fingerprint == f {
                        j = j0;
                        while j < rb.len() && rb[j].fingerprint == f {
                            emit(&ra[i], &rb[j]);
                            j += 1;
                        }
                        i += 1;
                    }
                }
            }
        }
    }
}

/// Chains the seeds of each document pair, with the common chunks' seeds
/// beside them, into candidates, in order of (document a, document b).
/// The seeds come grouped by document a, as [`Seeding::seeds`] makes them
/// (each document's in any order, duplicates allowed). Matching chains
/// each document's seeds as they are made ([`Seeding::candidates`]); the
/// tests chain a list of them.
#[cfg(test)]
pub fn chain(seeds: &[Seed], common: &CommonChunks) -> Vec<Candidate> {
    seeds
        .par_chunk_by(|x, y| x.a_doc == y.a_doc)
        .map_init(ChainBuffers::default, |buffers, seeds| {
            let mut out = Vec::new();
            chain_doc(seeds, common, buffers, &mut out);
            out
        })
        .flatten_iter()
        .collect()
}

/// Buffers of [`chain_doc`], reused from one document to the next.
#[derive(Default)]
struct ChainBuffers {
    keys: Vec<u64>,
    spare: Vec<u64>,
    pair: Vec<Seed>,
    extra: Vec<Seed>,
    chains: Vec<Chain>,
}

/// Chains the seeds of one document a (any order) into `out`, pair by
/// pair in order of document b. Only a pair's document b is sorted on
/// (most pairs have a single seed, which makes a chain only with common
/// chunks' seeds beside it, and mostly has none).
fn chain_doc(
    seeds: &[Seed],
    common: &CommonChunks,
    buf: &mut ChainBuffers,
    out: &mut Vec<Candidate>,
) {
    // Sorted by document b, each seed's index in the low half.
    buf.keys.clear();
    buf.keys
        .extend((seeds.iter().enumerate()).map(|(i, s)| (u64::from(s.b_doc) << 32) | i as u64));
    sort_by_high_half(&mut buf.keys, &mut buf.spare);
    let seed = |k: &u64| seeds[(k & u64::from(u32::MAX)) as usize];
    for run in buf.keys.chunk_by(|x, y| x >> 32 == y >> 32) {
        let pair = &mut buf.pair;
        pair.clear();
        if let [k] = run {
            pair.push(seed(k));
        } else {
            pair.extend(run.iter().map(seed));
            pair.sort_unstable();
            pair.dedup();
        }
        let extra = &mut buf.extra;
        extra.clear();
        common.seeds_beside_into(pair, extra);
        if extra.is_empty() {
            // No chain of a single seed could have enough.
            if pair.len() < MIN_SEEDS {
                continue;
            }
        } else {
            pair.extend_from_slice(extra);
            pair.sort_unstable();
            pair.dedup();
        }
        chain_pair(pair, &mut buf.chains, out);
    }
}

/// Sorts `keys` whose low halves are distinct and ascending (indices):
/// a least-significant-digit radix sort on the high halves (8 bits a pass,
/// only as many passes as the largest needs; each pass keeps the order of
/// equal digits), so the same order as `sort_unstable`, in linear time.
/// Few keys are sorted by comparison. `spare` is a buffer.
fn sort_by_high_half(keys: &mut Vec<u64>, spare: &mut Vec<u64>) {
    if keys.len() < 64 {
        keys.sort_unstable();
        return;
    }
    let high = keys.iter().fold(0, |m, &k| m | k >> 32);
    spare.clear();
    spare.resize(keys.len(), 0);
    let mut shift = 32;
    while high >> (shift - 32) != 0 {
        let digit = |k: u64| ((k >> shift) & 0xff) as usize;
        let mut at = [0usize; 256];
        for &k in keys.iter() {
            at[digit(k)] += 1;
        }
        let mut sum = 0;
        for a in &mut at {
            (*a, sum) = (sum, sum + *a);
        }
        for &k in keys.iter() {
            let d = digit(k);
            spare[at[d]] = k;
            at[d] += 1;
        }
        std::mem::swap(keys, spare);
        shift += 8;
    }
}

struct Chain {
    a: Range<u32>,
    b: Range<u32>,
    last_b: u32,
    seeds: u32,
    covered: u32,
    hamming: u32,
}

/// Chains of one document pair. Seeds come sorted by their token in a; a
/// seed joins the chain that ends nearest before it in a and whose last
/// seed is near it in b (either direction, so a swapped clause still
/// chains).
/// `chains` is a buffer (its contents are dropped); the candidates are
/// pushed to `out`.
fn chain_pair(seeds: &[Seed], chains: &mut Vec<Chain>, out: &mut Vec<Candidate>) {
    chains.clear();
    for s in seeds {
        let (a_end, b_end) = (
            s.a_token + u32::from(s.a_len),
            s.b_token + u32::from(s.b_len),
        );
        let best = chains
            .iter_mut()
            .filter(|c| {
                s.a_token <= c.a.end + MAX_GAP
                    && s.b_token + MAX_GAP >= c.b.start
                    && s.b_token <= c.b.end + MAX_GAP
            })
            .filter(|c| s.b_token.abs_diff(c.last_b) <= MAX_GAP + u32::from(s.b_len) * 2)
            .min_by_key(|c| (s.b_token.abs_diff(c.last_b), c.a.start));
        match best {
            Some(c) => {
                let new_a = s.a_token.max(c.a.end);
                c.covered += a_end.saturating_sub(new_a);
                c.a.end = c.a.end.max(a_end);
                c.b.start = c.b.start.min(s.b_token);
                c.b.end = c.b.end.max(b_end);
                c.last_b = s.b_token;
                c.seeds += 1;
                c.hamming = c.hamming.min(u32::from(s.distance));
            }
            None => chains.push(Chain {
                a: s.a_token..a_end,
                b: s.b_token..b_end,
                last_b: s.b_token,
                seeds: 1,
                covered: u32::from(s.a_len),
                hamming: u32::from(s.distance),
            }),
        }
    }
    let kept = chains.iter().filter(|c| {
        let extent = c.a.len().max(c.b.len()) as f64;
        c.seeds as usize >= MIN_SEEDS && f64::from(c.covered) >= MIN_DENSITY * extent
    });
    out.extend(kept.map(|c| Candidate {
        a_doc: seeds[0].a_doc,
        b_doc: seeds[0].b_doc,
        a: c.a.clone(),
        b: c.b.clone(),
        seeds: c.seeds,
        hamming: c.hamming,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::ChunkRecord;

    fn seed(a: u32, b: u32) -> Seed {
        Seed {
            a_doc: 0,
            b_doc: 1,
            a_token: a,
            b_token: b,
            a_len: 8,
            b_len: 8,
            distance: 0,
        }
    }

    #[test]
    fn chains_a_shifted_passage() {
        let c = chain(
            &[seed(100, 5), seed(108, 13), seed(120, 26), seed(128, 34)],
            &CommonChunks::default(),
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].a, 100..136);
        assert_eq!(c[0].b, 5..42);
        assert_eq!(c[0].seeds, 4);
    }

    /// Sorted records of documents whose chunks are given as (fingerprint,
    /// first token): a chunk reaches the next one (at most `MAX_CHUNK`
    /// tokens), the last is 5 tokens; with their distinct fingerprints and
    /// groups.
    fn fixture(docs: &[Vec<(u64, u32)>]) -> (Vec<ChunkRecord>, Vec<u64>, ChunkGroups) {
        let mut records = Vec::new();
        for (d, chunks) in docs.iter().enumerate() {
            for (c, &(fingerprint, token)) in chunks.iter().enumerate() {
                let end = chunks.get(c + 1).map_or(token + 5, |n| n.1);
                let len = ((end - token) as usize).min(crate::segment::MAX_CHUNK);
                records.push(ChunkRecord::new(fingerprint, d as u32, token, len));
            }
        }
        records.sort_unstable();
        let (fps, groups) = ChunkGroups::from_sorted(records.clone());
        (records, fps, groups)
    }

    /// A formula (fingerprint 7, in more than `MAX_GROUP_DOCS` documents)
    /// seeds documents 0 and 1 beside their own seed (fingerprint 1), but
    /// not far from it, and never documents 2 and 3, which share only it.
    #[test]
    fn common_chunks_seed_only_beside_a_seed_of_the_pair() {
        let mut docs = vec![
            vec![(1, 100), (7, 108), (7, 500)],
            vec![(1, 10), (7, 18), (7, 500)],
        ];
        for _ in 2..MAX_GROUP_DOCS + 1 {
            docs.push(vec![(7, 18), (7, 500)]);
        }
        let (_, fps, groups) = fixture(&docs);
        let mut stats = SeedStats::default();
        let seeding = Seeding::new(&fps, &groups, &[], &mut stats);
        let s = seeding.seeds(&seeding.shards(docs.len(), u64::MAX)[0]);
        let common = &seeding.common_chunks;
        assert_eq!(stats.common_groups, 1);
        assert_eq!(s.len(), 1);
        assert_eq!(
            common
                .seeds_beside(&s)
                .iter()
                .map(|x| (x.a_doc, x.b_doc, x.a_token, x.b_token))
                .collect::<Vec<_>>(),
            vec![(0, 1, 108, 18)]
        );
        // Documents 2 and 3 share only the formula: no seed, no candidate.
        let c = chain(&s, common);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].a_doc, c[0].b_doc, c[0].seeds), (0, 1, 2));
    }

    proptest::proptest! {
        /// Seeds made shard by shard are exactly the seeds of the definition
        /// (every two chunks of different documents within the distance),
        /// sorted, and the shards cover every document once, in order.
        #[test]
        fn shards_give_the_seeds(
            docs in proptest::collection::vec(proptest::collection::vec((0u64..12, 5u32..9), 0..12), 1..30),
            max in 1u64..40,
        ) {
            // Chunks of 5–8 tokens: first tokens ascending.
            let docs: Vec<Vec<(u64, u32)>> = docs
                .iter()
                .map(|d| d.iter().scan(0, |t, &(f, len)| { let at = *t; *t += len; Some((f, at)) }).collect())
                .collect();
            let (records, mut fps, mut groups) = fixture(&docs);
            let mut near = crate::index::near_pairs(&fps, 2);
            // The groups that cannot pair two documents seed nothing.
            groups.drop_lone(&mut fps, &mut near);
            let mut stats = SeedStats::default();
            let seeding = Seeding::new(&fps, &groups, &near, &mut stats);
            let mut want = Vec::new();
            for x in &records {
                for y in &records {
                    let distance = (x.fingerprint ^ y.fingerprint).count_ones();
                    if x.doc < y.doc && distance <= 2 {
                        want.push(Seed {
                            a_doc: x.doc,
                            b_doc: y.doc,
                            a_token: x.token(),
                            b_token: y.token(),
                            a_len: x.length(),
                            b_len: y.length(),
                            distance: distance as u8,
                        });
                    }
                }
            }
            want.sort_unstable();
            let shards = seeding.shards(docs.len(), max);
            proptest::prop_assert_eq!(shards.first().map(|s| s.docs.start), Some(0));
            proptest::prop_assert_eq!(shards.last().map(|s| s.docs.end), Some(docs.len() as u32));
            proptest::prop_assert!(shards.windows(2).all(|w| w[0].docs.end == w[1].docs.start && w[0].docs.start < w[0].docs.end));
            let mut joined = Vec::new();
            for shard in &shards {
                let part = seeding.seeds(shard);
                proptest::prop_assert_eq!(part.len() as u64, shard.seeds);
                // Each document's seeds chained in turn: the shard's seeds' candidates.
                proptest::prop_assert_eq!(seeding.candidates(shard), chain(&part, &seeding.common_chunks));
                proptest::prop_assert!(part.iter().all(|s| shard.docs.contains(&s.a_doc)));
                // Grouped by document a, in order.
                proptest::prop_assert!(part.windows(2).all(|w| w[0].a_doc <= w[1].a_doc));
                joined.extend(part);
            }
            joined.sort_unstable();
            proptest::prop_assert_eq!(joined, want);
        }
    }

    proptest::proptest! {
        /// The common chunks' seeds beside a pair's own are exactly those
        /// of the definition: equal fingerprints, within reach of one own
        /// seed on both sides (few formulae and many alike).
        #[test]
        fn seeds_beside_follow_the_definition(
            a in proptest::collection::vec((0u64..6, 0u32..900), 0..40),
            b in proptest::collection::vec((0u64..6, 0u32..900), 0..40),
            own in proptest::collection::vec((0u32..900, 0u32..900), 1..6),
        ) {
            let chunks = |d: &[(u64, u32)]| {
                let mut v: Vec<CommonChunk> = d
                    .iter()
                    .map(|&(fingerprint, token)| CommonChunk::hashed(fingerprint, token, 4))
                    .collect();
                v.sort_unstable_by_key(|c| (c.token, c.fingerprint, c.len));
                v.dedup_by_key(|c| c.token);
                v
            };
            let common = CommonChunks::of_docs(vec![chunks(&a), chunks(&b)]);
            let mut own: Vec<Seed> = own.iter().map(|&(x, y)| seed(x, y)).collect();
            own.sort_unstable();
            own.dedup();
            let mut want = Vec::new();
            for x in &common.per_doc[0] {
                for y in &common.per_doc[1] {
                    let near = own.iter().any(|s| {
                        s.a_token.abs_diff(x.token) <= COMMON_REACH
                            && s.b_token.abs_diff(y.token) <= COMMON_REACH
                    });
                    if x.fingerprint == y.fingerprint && near {
                        want.push((x.token, y.token));
                    }
                }
            }
            want.sort_unstable();
            let mut got: Vec<(u32, u32)> = common
                .seeds_beside(&own)
                .iter()
                .map(|s| (s.a_token, s.b_token))
                .collect();
            got.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }

    /// Common chunks (fingerprint, first token) of each document, sorted.
    fn common_of(docs: &[Vec<(u64, u32)>]) -> CommonChunks {
        let per_doc = (docs.iter())
            .map(|d| {
                let mut v: Vec<CommonChunk> = (d.iter())
                    .map(|&(fingerprint, token)| CommonChunk::hashed(fingerprint, token, 4))
                    .collect();
                v.sort_unstable_by_key(|c| (c.token, c.fingerprint, c.len));
                v.dedup_by_key(|c| c.token);
                v
            })
            .collect();
        CommonChunks::of_docs(per_doc)
    }

    /// The simple chaining: all seeds sorted, each document pair's own
    /// seeds with the common seeds of the definition beside them (any two
    /// chunks of equal fingerprint within reach of one own seed on both
    /// sides), sorted and chained.
    fn chain_simple(seeds: &[Seed], common: &CommonChunks) -> Vec<Candidate> {
        let mut seeds = seeds.to_vec();
        seeds.sort_unstable();
        seeds.dedup();
        let mut out = Vec::new();
        for own in seeds.chunk_by(|x, y| (x.a_doc, x.b_doc) == (y.a_doc, y.b_doc)) {
            let (a, b) = (own[0].a_doc, own[0].b_doc);
            let mut all = own.to_vec();
            for x in &common.per_doc[a as usize] {
                for y in &common.per_doc[b as usize] {
                    let near = own.iter().any(|s| {
                        s.a_token.abs_diff(x.token) <= COMMON_REACH
                            && s.b_token.abs_diff(y.token) <= COMMON_REACH
                    });
                    if x.fingerprint == y.fingerprint && near {
                        all.push(CommonChunk::seed(a, b, x, y));
                    }
                }
            }
            all.sort_unstable();
            all.dedup();
            chain_pair(&all, &mut Vec::new(), &mut out);
        }
        out
    }

    proptest::proptest! {
        /// Chaining each document's seeds in any order (single-seed pairs
        /// only where the common chunks' summaries allow a seed beside
        /// them) gives the candidates of the simple chaining, in order.
        #[test]
        fn chain_matches_the_simple_chaining(
            common in proptest::collection::vec(proptest::collection::vec((0u64..5, 0u32..1500), 0..30), 4),
            seeds in proptest::collection::vec((0u32..4, 0u32..4, 0u32..1500, 0u32..1500, 1u8..9, 0u8..3), 0..60),
            order in proptest::collection::vec(proptest::num::usize::ANY, 0..60),
        ) {
            let common = common_of(&common);
            let mut seeds: Vec<Seed> = (seeds.iter())
                .filter(|s| s.0 != s.1)
                .map(|&(x, y, a_token, b_token, a_len, distance)| Seed {
                    a_doc: x.min(y),
                    b_doc: x.max(y),
                    a_token,
                    b_token,
                    a_len,
                    b_len: 9 - a_len,
                    distance,
                })
                .collect();
            // Grouped by document a, shuffled within (a duplicate or two).
            for (i, &o) in order.iter().enumerate() {
                let n = seeds.len();
                if n > 0 {
                    seeds.swap(i % n, o % n);
                    if o % 7 == 0 {
                        seeds.push(seeds[o % n]);
                    }
                }
            }
            seeds.sort_by_key(|s| s.a_doc);
            proptest::prop_assert_eq!(chain(&seeds, &common), chain_simple(&seeds, &common));
        }

        /// A document's summary at token t has the bit of every common
        /// chunk within reach of t.
        #[test]
        fn near_bits_cover_the_chunks_in_reach(
            chunks in proptest::collection::vec((proptest::num::u64::ANY, 0u32..3000), 0..40),
            t in 0u32..3500,
        ) {
            let common = common_of(&[chunks]);
            let bits = common.near_bits(0, t);
            for c in &common.per_doc[0] {
                if c.token.abs_diff(t) <= COMMON_REACH {
                    proptest::prop_assert!(bits & c.bit() != 0, "chunk at {} not in summary at {}", c.token, t);
                }
            }
            proptest::prop_assert_eq!(common.near_bits(1, t), 0);
        }
    }

    proptest::proptest! {
        /// The radix sort gives the order of `sort_unstable`, whatever the
        /// high halves' size (few keys and many, one digit and four).
        #[test]
        fn sort_by_high_half_sorts(
            high in proptest::collection::vec(proptest::num::u32::ANY, 0..400),
            bits in 0u32..33,
        ) {
            let mut keys: Vec<u64> = (high.iter().enumerate())
                .map(|(i, &h)| (u64::from(h) >> (32 - bits)) << 32 | i as u64)
                .collect();
            let mut want = keys.clone();
            want.sort_unstable();
            sort_by_high_half(&mut keys, &mut Vec::new());
            proptest::prop_assert_eq!(keys, want);
        }
    }

    proptest::proptest! {
        /// The summaries of [`CommonChunks::new`] (bits given by group
        /// size) give one bit to a fingerprint and let the chaining find
        /// the candidates of the simple chaining, which reads no summary.
        #[test]
        fn balanced_bits_chain_as_the_simple_chaining(
            docs in proptest::collection::vec(proptest::collection::vec((0u64..150, 5u32..9), 0..40), 2..5),
            marked in proptest::collection::vec(proptest::bool::ANY, 150),
            seeds in proptest::collection::vec((0u32..4, 0u32..4, 0u32..300, 0u32..300), 0..40),
        ) {
            let docs: Vec<Vec<(u64, u32)>> = docs
                .iter()
                .map(|d| d.iter().scan(0, |t, &(f, len)| { let at = *t; *t += len; Some((f, at)) }).collect())
                .collect();
            let (_, fps, groups) = fixture(&docs);
            let common: Vec<bool> = fps.iter().map(|&f| marked[f as usize]).collect();
            let mut chunks = CommonChunks::new(&fps, &groups, &common);
            let mut bit_of = std::collections::HashMap::new();
            for c in chunks.per_doc.iter().flatten() {
                proptest::prop_assert_eq!(*bit_of.entry(c.fingerprint).or_insert(c.bit), c.bit);
            }
            let n = docs.len() as u32;
            // The simple chaining reads every document's list.
            chunks.per_doc.resize_with(docs.len(), Vec::new);
            let mut seeds: Vec<Seed> = (seeds.iter())
                .map(|&(x, y, a_token, b_token)| (x % n, y % n, a_token, b_token))
                .filter(|s| s.0 != s.1)
                .map(|(x, y, a_token, b_token)| Seed {
                    a_doc: x.min(y),
                    b_doc: x.max(y),
                    a_token,
                    b_token,
                    a_len: 5,
                    b_len: 5,
                    distance: 0,
                })
                .collect();
            seeds.sort_by_key(|s| s.a_doc);
            proptest::prop_assert_eq!(chain(&seeds, &chunks), chain_simple(&seeds, &chunks));
        }
    }

    #[test]
    fn lone_seed_is_not_a_candidate() {
        assert!(chain(&[seed(10, 500)], &CommonChunks::default()).is_empty());
    }

    #[test]
    fn far_apart_seeds_make_two_regions() {
        let c = chain(
            &[seed(0, 0), seed(8, 8), seed(500, 900), seed(508, 908)],
            &CommonChunks::default(),
        );
        assert_eq!(c.len(), 2);
    }
}
