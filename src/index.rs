//! The Hamming-distance index: every pair of fingerprints within distance
//! k, without comparing all pairs.
//!
//! Block scheme of Manku, Jain & Das Sarma (WWW 2007): split the 64 bits
//! into k+1 blocks; two fingerprints within distance k agree exactly on at
//! least one block (pigeonhole). For each block, fingerprints are sorted by
//! that block and only those sharing its value are compared. A pair is
//! reported by the first block it agrees on, so no pair is reported twice.
//!
//! The records are plain data ([`ChunkRecord`]): they can be written out
//! and joined elsewhere (an archive, a Spark job) on `fingerprint`.

use rayon::prelude::*;
use serde::Serialize;

/// One fingerprinted chunk: plain data, 16 bytes. Its first token and
/// length are packed into `at` (read them with [`ChunkRecord::token`] and
/// [`ChunkRecord::length`]), so no list of chunk positions is held beside
/// the records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ChunkRecord {
    /// The chunk's simhash.
    pub fingerprint: u64,
    /// Its document (`DocId.0`).
    pub doc: u32,
    /// Its first token (the document's token number, high 29 bits) and its
    /// length in tokens − 1 (low 3 bits): records of one fingerprint and
    /// document sort by first token.
    pub at: u32,
}

/// Where a fingerprinted chunk is: its document and its packed first token
/// and length, as in [`ChunkRecord`] (read them with [`ChunkAt::token`] and
/// [`ChunkAt::length`]). Plain data, 8 bytes: the chunks of a corpus are
/// held grouped by fingerprint ([`ChunkGroups`]) through verification,
/// each fingerprint once per group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ChunkAt {
    /// Its document (`DocId.0`).
    pub doc: u32,
    /// First token (high 29 bits) and length − 1 (low 3 bits).
    pub at: u32,
}

impl ChunkAt {
    /// The chunk's first token.
    pub fn token(&self) -> u32 {
        self.at >> LEN_BITS
    }

    /// The chunk's length in tokens (1..=8).
    pub fn length(&self) -> u8 {
        (self.at & ((1 << LEN_BITS) - 1)) as u8 + 1
    }
}

/// Bits of [`ChunkRecord::at`] that hold the chunk's length − 1.
const LEN_BITS: u32 = 3;
const _: () = assert!(crate::segment::MAX_CHUNK <= 1 << LEN_BITS);

impl ChunkRecord {
    /// The largest first token a record can hold (2^29 − 1): a document's
    /// chunks that start past it are not fingerprinted (a document of
    /// `input::DOC_SIZE_LIMIT` bytes has fewer tokens).
    pub const MAX_TOKEN: u32 = u32::MAX >> LEN_BITS;

    /// The record of a chunk of `len` tokens (`1..=segment::MAX_CHUNK`)
    /// starting at token `token` (at most [`ChunkRecord::MAX_TOKEN`]).
    pub fn new(fingerprint: u64, doc: u32, token: u32, len: usize) -> ChunkRecord {
        debug_assert!(token <= Self::MAX_TOKEN, "token {token}");
        debug_assert!((1..=crate::segment::MAX_CHUNK).contains(&len), "len {len}");
        ChunkRecord {
            fingerprint,
            doc,
            at: (token << LEN_BITS) | (len as u32 - 1),
        }
    }

    /// The chunk's first token.
    pub fn token(&self) -> u32 {
        self.chunk().token()
    }

    /// The chunk's length in tokens (1..=8).
    pub fn length(&self) -> u8 {
        self.chunk().length()
    }

    /// Where the chunk is, without its fingerprint.
    pub fn chunk(&self) -> ChunkAt {
        ChunkAt {
            doc: self.doc,
            at: self.at,
        }
    }
}

/// Sorts chunk records (as `sort_unstable` does: by fingerprint, then
/// document, then first token and length), in place.
///
/// An in-place radix sort (American flag sort) on the fingerprint's top
/// byte, then on its second in each bucket, then a comparison sort of each
/// small bucket: on the 20,000-document generated corpus 1.76 million
/// records (28 MB) in buckets of 27 on average, where rayon's comparison
/// sort compared each record about 21 times. No second buffer: the records
/// are the largest list of the index phase.
///
/// The top byte's buckets are sorted in parallel: the index phase kept
/// one core idle for most of its time. (Measured in the seventh round at
/// about 10 ms shorter on that corpus, with the process's peak, in claim
/// extraction long after, 0.15–0.3 MB higher in alternated runs: then too
/// close to the memory target, now well within it.)
pub fn sort_records(records: &mut [ChunkRecord]) {
    /// Buckets this small are sorted by comparison.
    const SMALL: usize = 64;
    let top = |r: &ChunkRecord| (r.fingerprint >> 56) as usize;
    let second = |r: &ChunkRecord| (r.fingerprint >> 48) as usize & 0xff;
    let mut buckets: Vec<&mut [ChunkRecord]> = Vec::with_capacity(256);
    place_by_byte(records, top, |b| buckets.push(b));
    buckets.into_par_iter().for_each(|b| {
        if b.len() <= SMALL {
            b.sort_unstable();
        } else {
            place_by_byte(b, second, |c| c.sort_unstable());
        }
    });
}

/// Places `v` into 256 buckets by `byte` of each element (0..256), in
/// place (each element moved once, by cycles of swaps), and hands each
/// non-empty bucket, in order, to `each`. Not stable.
fn place_by_byte<'v, T: Copy>(
    v: &'v mut [T],
    byte: impl Fn(&T) -> usize,
    mut each: impl FnMut(&'v mut [T]),
) {
    let mut count = [0usize; 256];
    for x in v.iter() {
        count[byte(x)] += 1;
    }
    // next[b]: where bucket b's next element goes; end[b]: its end.
    let (mut next, mut end) = ([0usize; 256], [0usize; 256]);
    let mut sum = 0;
    for b in 0..256 {
        next[b] = sum;
        sum += count[b];
        end[b] = sum;
    }
    for b in 0..256 {
        while next[b] < end[b] {
            // Carry the element at bucket b's next slot to its bucket,
            // taking the one there, until one of bucket b comes back.
            let mut x = v[next[b]];
            let mut d = byte(&x);
            while d != b {
                std::mem::swap(&mut x, &mut v[next[d]]);
                next[d] += 1;
                d = byte(&x);
            }
            v[next[b]] = x;
            next[b] += 1;
        }
    }
    let mut rest = v;
    for c in count {
        let (bucket, tail) = rest.split_at_mut(c);
        if c > 0 {
            each(bucket);
        }
        rest = tail;
    }
}

/// Chunk records grouped by fingerprint: group `i` holds the chunks of the
/// `i`-th distinct fingerprint, in record order (by document, then first
/// token). Half the memory of the records (8 bytes a chunk, plus 4 a
/// group); the fingerprints themselves are returned beside it by
/// [`ChunkGroups::from_sorted`], for the index, and need not be held after.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChunkGroups {
    /// `starts[i]..starts[i + 1]`: group `i` in `chunks` (one more entry
    /// than groups).
    starts: Vec<u32>,
    chunks: Vec<ChunkAt>,
}

impl ChunkGroups {
    /// Groups `records` (sorted) by fingerprint; returns the distinct
    /// fingerprints (sorted; the `i`-th is group `i`'s) and the groups.
    ///
    /// The records are read from the end and given back to the allocator
    /// as they are read, so the records and the groups are never held at
    /// full size together (on the 20,000-document generated corpus 28 MB
    /// of records become 14 MB of chunks and 3 MB of group starts).
    pub fn from_sorted(mut records: Vec<ChunkRecord>) -> (Vec<u64>, ChunkGroups) {
        debug_assert!(records.is_sorted());
        let n = records.len();
        let record_no = |i: usize| u32::try_from(i).expect("fewer than 2^32 chunks");
        record_no(n);
        // Built backwards (each list reversed at the end): the end of each
        // group, its fingerprint and its chunks.
        let mut chunks: Vec<ChunkAt> = Vec::with_capacity(n);
        let (mut fps, mut ends): (Vec<u64>, Vec<u32>) = (Vec::new(), Vec::new());
        // Records given back every `step` (a 32nd of them; shrinking an
        // allocation returns its tail pages without copying).
        let step = (n / 32).max(1 << 12);
        while let Some(r) = records.pop() {
            if fps.last() != Some(&r.fingerprint) {
                fps.push(r.fingerprint);
                ends.push(record_no(records.len() + 1));
            }
            chunks.push(r.chunk());
            if records.capacity() - records.len() >= step {
                records.shrink_to_fit();
            }
        }
        drop(records);
        ends.push(0);
        ends.reverse();
        fps.reverse();
        chunks.reverse();
        fps.shrink_to_fit();
        ends.shrink_to_fit();
        (
            fps,
            ChunkGroups {
                starts: ends,
                chunks,
            },
        )
    }

    /// Drops the groups that cannot pair two documents: chunks of one
    /// document only, with no near fingerprint in `near`. `fps` (group
    /// `i`'s fingerprint at `i`) and `near` are renumbered to the groups
    /// kept. On the 20,000-document generated corpus 586,048 of 801,260
    /// groups (a third of the chunks, 7 MB) go.
    pub fn drop_lone(&mut self, fps: &mut Vec<u64>, near: &mut [NearPair]) {
        debug_assert_eq!(fps.len(), self.len());
        const GONE: u32 = u32::MAX;
        // Group i's new number (GONE until known to be kept).
        let mut new_of = vec![GONE; self.len()];
        for p in near.iter() {
            new_of[p.a as usize] = 0;
            new_of[p.b as usize] = 0;
        }
        // Kept groups move down in place: a group's chunks, start and
        // fingerprint are written at or before where they were read.
        let (mut kept, mut w) = (0usize, 0usize);
        let mut start = self.starts[0] as usize;
        for i in 0..self.len() {
            let end = self.starts[i + 1] as usize;
            let g = &self.chunks[start..end];
            let paired = new_of[i] == 0 || g.first().map(|c| c.doc) != g.last().map(|c| c.doc);
            if paired {
                self.starts[kept] = w as u32;
                self.chunks.copy_within(start..end, w);
                fps[kept] = fps[i];
                new_of[i] = kept as u32;
                w += end - start;
                kept += 1;
            }
            start = end;
        }
        self.starts[kept] = w as u32;
        self.starts.truncate(kept + 1);
        self.starts.shrink_to_fit();
        self.chunks.truncate(w);
        self.chunks.shrink_to_fit();
        fps.truncate(kept);
        fps.shrink_to_fit();
        for p in near.iter_mut() {
            (p.a, p.b) = (new_of[p.a as usize], new_of[p.b as usize]);
        }
    }

    /// Number of groups (distinct fingerprints).
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The chunks of group `i`, sorted by document, then first token.
    pub fn group(&self, i: usize) -> &[ChunkAt] {
        &self.chunks[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// Number of chunks in all groups.
    pub fn chunks(&self) -> usize {
        self.chunks.len()
    }
}

/// Two distinct fingerprints within the distance, as indices into the
/// sorted, deduplicated fingerprint list given to [`near_pairs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NearPair {
    /// Lower index.
    pub a: u32,
    /// Higher index.
    pub b: u32,
    /// Hamming distance (1..=k).
    pub distance: u32,
}

/// Bit ranges of the k+1 blocks.
fn blocks(k: u32) -> Vec<(u32, u32)> {
    let n = k + 1;
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..n {
        let width = 64 / n + u32::from(i < 64 % n);
        out.push((start, width));
        start += width;
    }
    out
}

#[inline]
fn block_value(fp: u64, (start, width): (u32, u32)) -> u64 {
    if width == 64 {
        fp
    } else {
        (fp >> start) & ((1u64 << width) - 1)
    }
}

/// Bits of a block that [`near_pairs`] places fingerprints by (a counting
/// sort with one bucket per value; wider blocks, k < 3, are sorted by the
/// rest within each bucket).
const BUCKET_BITS: u32 = 16;

/// Parts of a block's buckets that [`near_pairs`] places and scans one at a
/// time, in a table of a part's fingerprints: the whole list's (6.4 MB on
/// the 20,000-document generated corpus) was the peak of its index phase,
/// where the key bytes verification reads are held too
/// (`pipeline::KeyBytes`): 117–118 MB with it, 114 MB with halves, under
/// the run's peak. Each part reads the list once more (+24 million
/// instructions there; the top block, whose buckets are the list's own
/// order, needs no table).
const TABLE_PARTS: usize = 2;

/// Every pair of `fps` (sorted, distinct) within Hamming distance 1..=k.
/// k = 0 returns nothing: exact matches are the equal runs of the caller's
/// sorted records.
///
/// Per block, the fingerprints themselves are placed by the block's value
/// (its top [`BUCKET_BITS`] bits) with a counting sort, which keeps their
/// order (ascending) within a bucket: two passes over the list instead of
/// a comparison sort of (block, index) keys, and the pairs of a run are
/// compared from one contiguous stretch of fingerprints instead of through
/// indices into `fps` (a cache miss each on a large corpus). A run longer
/// than [`LONG_RUN`] is searched part by part ([`scan_long_run`]) rather
/// than by comparing all its pairs. A pair found is named by binary search
/// in `fps` (a hundred thousand on the 20,000-document generated corpus).
pub fn near_pairs(fps: &[u64], k: u32) -> Vec<NearPair> {
    if k == 0 || fps.len() < 2 {
        return Vec::new();
    }
    let bl = blocks(k);
    debug_assert!(
        bl.iter().all(|b| b.1 <= 32),
        "k >= 1: blocks of at most 32 bits"
    );
    u32::try_from(fps.len()).expect("fewer than 2^32 fingerprints");
    let index_of = |f: u64| fps.binary_search(&f).expect("a fingerprint of the list") as u32;
    // One table at a time (the tables of two blocks at once were 23 MB of
    // SaudiNewsNet's index phase), of a part of the buckets at a time.
    let mut table: Vec<u64> = Vec::new();
    let mut out: Vec<NearPair> = Vec::new();
    for (bi, &block) in bl.iter().enumerate() {
        let (start, width) = block;
        let bits = width.min(BUCKET_BITS);
        let shift = start + width - bits;
        let bucket = |f: u64| ((f >> shift) & ((1 << bits) - 1)) as usize;
        // at[v]..at[v + 1]: the fingerprints whose block starts with v.
        let mut at = vec![0u32; (1 << bits) + 1];
        for &f in fps {
            at[bucket(f) + 1] += 1;
        }
        for v in 0..1 << bits {
            at[v + 1] += at[v];
        }
        // Buckets in pieces of about equal size, scanned in parallel.
        let pieces = bucket_pieces(&at, 64);
        let parts = other_parts(block, k);
        // The top block's buckets are the list's own order.
        let in_order = start + width == 64;
        for part in pieces.chunks(pieces.len().div_ceil(TABLE_PARTS)) {
            let buckets = part[0].start..part[part.len() - 1].end;
            let lo = at[buckets.start] as usize;
            let placed: &[u64] = if in_order {
                &fps[lo..at[buckets.end] as usize]
            } else {
                table.clear();
                table.resize(at[buckets.end] as usize - lo, 0);
                // Where each bucket's next fingerprint goes in the table.
                let mut fill: Vec<u32> = (at[buckets.clone()].iter())
                    .map(|&a| a - lo as u32)
                    .collect();
                for &f in fps {
                    let b = bucket(f).wrapping_sub(buckets.start);
                    if b < fill.len() {
                        table[fill[b] as usize] = f;
                        fill[b] += 1;
                    }
                }
                &table
            };
            let (at, parts) = (&at, &parts);
            out.par_extend(part.par_iter().flat_map_iter(|r| {
                let mut found = Vec::new();
                for v in r.clone() {
                    let bucket = &placed[at[v] as usize - lo..at[v + 1] as usize - lo];
                    if width > bits {
                        // The rest of the block (it has to be equal too): by
                        // block value, then fingerprint.
                        let mut sorted = bucket.to_vec();
                        sorted.sort_unstable_by_key(|&f| (block_value(f, block), f));
                        for run in
                            sorted.chunk_by(|&f, &g| block_value(f, block) == block_value(g, block))
                        {
                            scan_run(run, k, &bl[..bi], parts, &mut found);
                        }
                    } else {
                        scan_run(bucket, k, &bl[..bi], parts, &mut found);
                    }
                }
                found.into_iter().map(|(f, g, d)| NearPair {
                    a: index_of(f),
                    b: index_of(g),
                    distance: d,
                })
            }));
        }
    }
    out.par_sort_unstable();
    out
}

/// Consecutive ranges of the buckets `at` bounds (`at[v]..at[v + 1]`),
/// about `n` of about equal numbers of fingerprints.
fn bucket_pieces(at: &[u32], n: u32) -> Vec<std::ops::Range<usize>> {
    let buckets = at.len() - 1;
    let size = (at[buckets] / n).max(1);
    let mut out = Vec::new();
    let mut from = 0;
    for v in 0..buckets {
        if at[v + 1] - at[from] >= size {
            out.push(from..v + 1);
            from = v + 1;
        }
    }
    if from < buckets {
        out.push(from..buckets);
    }
    out
}

/// Runs longer than this are searched by [`scan_long_run`] instead of
/// comparing all their pairs. Chunk fingerprints are far from uniform
/// (short chunks of common words): on the 20,000-document generated
/// corpus 90% of the 104 million pairs compared were in the 4,200–4,600
/// runs per block longer than 32 (the longest 2,533), on SaudiNewsNet 88%
/// of 223 million, and their number grew with the square of the corpus.
/// 64 was the fewest instructions of 16, 32, 64, 128 and 256 on both.
const LONG_RUN: usize = 64;

/// Pushes the pairs `(f, g, distance)`, `f < g`, of fingerprints of `run`
/// (ascending, one block value) within distance `k` that agree on none of
/// the `earlier` blocks (a pair is found by the first block it agrees on).
/// `parts` are the run's block's [`other_parts`].
fn scan_run(
    run: &[u64],
    k: u32,
    earlier: &[(u32, u32)],
    parts: &[Part],
    found: &mut Vec<(u64, u64, u32)>,
) {
    if run.len() > LONG_RUN {
        scan_long_run(run, k, earlier, parts, found);
        return;
    }
    // One compare a pair, of a hundred million on the 20,000-document
    // generated corpus: `popcnt` where the processor has it (found at run
    // time; the portable `count_ones` is a dozen instructions).
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the processor has `popcnt`, the only feature enabled.
        unsafe { scan_run_popcnt(run, k, earlier, found) };
        return;
    }
    scan_run_portable(run, k, earlier, found);
}

/// One of a block's [`other_parts`]: the mask of its bits, and the
/// widest stretch of consecutive bits in it (at most [`PART_BUCKET_BITS`];
/// its shift and width) that [`scan_long_run`] places fingerprints by.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Part {
    mask: u64,
    shift: u32,
    width: u32,
}

/// Bits of a part that a long run's fingerprints are placed by (a counting
/// sort with 256 buckets).
const PART_BUCKET_BITS: u32 = 8;

/// The bits outside `block` cut into k + 1 parts of consecutive bits
/// (about equal widths). Two fingerprints of one block value within
/// distance k differ in at most k of these bits, so they agree on at least
/// one part (pigeonhole, the block scheme once more inside a run).
fn other_parts((start, width): (u32, u32), k: u32) -> Vec<Part> {
    let rest: Vec<u32> = (0..64)
        .filter(|b| !(start..start + width).contains(b))
        .collect();
    let n = k as usize + 1;
    (0..n)
        .map(|i| {
            let bits = &rest[i * rest.len() / n..(i + 1) * rest.len() / n];
            let mask = bits.iter().fold(0u64, |m, &b| m | 1 << b);
            // The widest stretch of consecutive bits (a part is one, or
            // two on either side of the block).
            let (mut shift, mut width) = (0, 0);
            for stretch in bits.chunk_by(|&x, &y| y == x + 1) {
                if stretch.len() as u32 > width {
                    (shift, width) = (stretch[0], stretch.len() as u32);
                }
            }
            Part {
                mask,
                shift,
                width: width.min(PART_BUCKET_BITS),
            }
        })
        .collect()
}

/// [`scan_run`] for a long run: for each of the `parts` in turn, the run
/// placed by some of the part's bits (a counting sort), and only the
/// fingerprints that agree on the whole part compared; a pair is pushed by
/// the first part it agrees on (and, as in `scan_run`, only when it agrees
/// on none of the `earlier` blocks). The same pairs as comparing all, in
/// another order (the caller sorts them).
fn scan_long_run(
    run: &[u64],
    k: u32,
    earlier: &[(u32, u32)],
    parts: &[Part],
    found: &mut Vec<(u64, u64, u32)>,
) {
    let mut placed = vec![0u64; run.len()];
    // About 4 fingerprints a bucket.
    let bits = (usize::BITS - run.len().leading_zeros()).saturating_sub(2);
    for (pi, part) in parts.iter().enumerate() {
        let width = part.width.min(bits);
        let bucket = |f: u64| ((f >> part.shift) & ((1 << width) - 1)) as usize;
        let mut at = [0u32; (1 << PART_BUCKET_BITS) + 1];
        for &f in run {
            at[bucket(f) + 1] += 1;
        }
        for v in 0..1 << width {
            at[v + 1] += at[v];
        }
        let mut fill = at;
        for &f in run {
            let b = bucket(f);
            placed[fill[b] as usize] = f;
            fill[b] += 1;
        }
        for v in 0..1 << width {
            // Ascending, as `run` is (the counting sort keeps the order).
            let same = &placed[at[v] as usize..at[v + 1] as usize];
            for (x, &f) in same.iter().enumerate() {
                for &g in &same[x + 1..] {
                    if (f ^ g) & part.mask == 0
                        && (f ^ g).count_ones() <= k
                        && parts[..pi].iter().all(|p| (f ^ g) & p.mask != 0)
                    {
                        push_first_agreement(f, g, earlier, found);
                    }
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn scan_run_popcnt(run: &[u64], k: u32, earlier: &[(u32, u32)], found: &mut Vec<(u64, u64, u32)>) {
    scan_run_portable(run, k, earlier, found);
}

#[inline(always)]
fn scan_run_portable(
    run: &[u64],
    k: u32,
    earlier: &[(u32, u32)],
    found: &mut Vec<(u64, u64, u32)>,
) {
    for (x, &f) in run.iter().enumerate() {
        for &g in &run[x + 1..] {
            if (f ^ g).count_ones() <= k {
                push_first_agreement(f, g, earlier, found);
            }
        }
    }
}

/// Pushes `(f, g, distance)` unless the two agree on one of the `earlier`
/// blocks. Out of line: rare (the pairs within the distance, of a hundred
/// million compared), and the compare loop keeps its registers.
#[inline(never)]
fn push_first_agreement(f: u64, g: u64, earlier: &[(u32, u32)], found: &mut Vec<(u64, u64, u32)>) {
    if !earlier
        .iter()
        .any(|&b| block_value(f, b) == block_value(g, b))
    {
        found.push((f, g, (f ^ g).count_ones()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A record gives back the first token and length it was made of,
        /// and records of one fingerprint and document sort by first token.
        #[test]
        fn record_packs_token_and_length(
            fp in any::<u64>(),
            doc in any::<u32>(),
            chunks in prop::collection::vec((0..=ChunkRecord::MAX_TOKEN, 1..=crate::segment::MAX_CHUNK), 1..20),
        ) {
            let mut recs: Vec<ChunkRecord> = chunks
                .iter()
                .map(|&(t, len)| ChunkRecord::new(fp, doc, t, len))
                .collect();
            for (r, &(t, len)) in recs.iter().zip(&chunks) {
                prop_assert_eq!((r.fingerprint, r.doc, r.token(), r.length() as usize), (fp, doc, t, len));
            }
            recs.sort_unstable();
            prop_assert!(recs.windows(2).all(|w| w[0].token() <= w[1].token()));
        }
    }

    proptest! {
        /// Grouping gives each distinct fingerprint once, in order, with
        /// exactly the chunks of its records, in record order: the 8-byte
        /// groups hold what the 16-byte records held.
        #[test]
        fn groups_hold_the_records(
            raw in prop::collection::vec((0u64..40, 0u32..6, 0u32..1000, 1..=crate::segment::MAX_CHUNK), 0..300),
        ) {
            let mut records: Vec<ChunkRecord> = raw
                .iter()
                .map(|&(f, d, t, len)| ChunkRecord::new(f.wrapping_mul(0x9e37_79b9_7f4a_7c15), d, t, len))
                .collect();
            records.sort_unstable();
            let (fps, groups) = ChunkGroups::from_sorted(records.clone());
            let mut want_fps: Vec<u64> = records.iter().map(|r| r.fingerprint).collect();
            want_fps.dedup();
            prop_assert_eq!(&fps, &want_fps);
            prop_assert_eq!(groups.len(), fps.len());
            prop_assert_eq!(groups.chunks(), records.len());
            let mut at = 0;
            for (i, &f) in fps.iter().enumerate() {
                let want: Vec<ChunkAt> = records[at..]
                    .iter()
                    .take_while(|r| r.fingerprint == f)
                    .map(ChunkRecord::chunk)
                    .collect();
                at += want.len();
                prop_assert_eq!(groups.group(i), &want[..]);
            }
            prop_assert_eq!(at, records.len());
        }
    }

    proptest! {
        /// Dropping lone groups keeps exactly the groups with chunks of two
        /// documents or a near fingerprint, whole and in order, and the
        /// near pairs still name the same two fingerprints.
        #[test]
        fn drop_lone_keeps_the_groups_that_pair(
            raw in prop::collection::vec((0u64..60, 0u32..4, 0u32..100), 0..200),
            k in 0u32..3,
        ) {
            let mut records: Vec<ChunkRecord> = raw
                .iter()
                .map(|&(f, d, t)| ChunkRecord::new(f * 0x0101_0101, d, t, 8))
                .collect();
            records.sort_unstable();
            let (fps, groups) = ChunkGroups::from_sorted(records);
            let near = near_pairs(&fps, k);
            let (mut fps2, mut groups2, mut near2) = (fps.clone(), groups.clone(), near.clone());
            groups2.drop_lone(&mut fps2, &mut near2);
            let want: Vec<(u64, Vec<ChunkAt>)> = (0..groups.len())
                .filter(|&i| {
                    let g = groups.group(i);
                    g.iter().any(|c| c.doc != g[0].doc)
                        || near.iter().any(|p| p.a as usize == i || p.b as usize == i)
                })
                .map(|i| (fps[i], groups.group(i).to_vec()))
                .collect();
            let got: Vec<(u64, Vec<ChunkAt>)> = (0..groups2.len())
                .map(|i| (fps2[i], groups2.group(i).to_vec()))
                .collect();
            prop_assert_eq!(got, want);
            prop_assert_eq!(near2.len(), near.len());
            for (p, q) in near.iter().zip(&near2) {
                prop_assert_eq!((fps[p.a as usize], fps[p.b as usize], p.distance), (fps2[q.a as usize], fps2[q.b as usize], q.distance));
            }
        }
    }

    /// Large enough to give the records back in several steps.
    #[test]
    fn groups_of_many_records() {
        let records: Vec<ChunkRecord> = (0..50_000u32)
            .map(|i| ChunkRecord::new(u64::from(i / 3), i % 7, i, 1 + (i % 8) as usize))
            .collect();
        let mut sorted = records.clone();
        sorted.sort_unstable();
        let (fps, groups) = ChunkGroups::from_sorted(sorted.clone());
        assert_eq!(fps, (0..=49_999u32 / 3).map(u64::from).collect::<Vec<_>>());
        let flat: Vec<ChunkAt> = (0..groups.len())
            .flat_map(|i| groups.group(i).to_vec())
            .collect();
        assert_eq!(
            flat,
            sorted.iter().map(ChunkRecord::chunk).collect::<Vec<_>>()
        );
        assert_eq!(
            groups.group(1),
            &sorted[3..6]
                .iter()
                .map(ChunkRecord::chunk)
                .collect::<Vec<_>>()[..]
        );
    }

    /// A block's other parts cover the bits outside it once each, k + 1
    /// of them, and each places by consecutive bits of its own.
    #[test]
    fn other_parts_cut_the_rest() {
        for k in 1..8 {
            for block in blocks(k) {
                let parts = other_parts(block, k);
                assert_eq!(parts.len() as u32, k + 1);
                let inside = if block.1 == 64 {
                    u64::MAX
                } else {
                    ((1u64 << block.1) - 1) << block.0
                };
                let mut seen = 0u64;
                for p in &parts {
                    assert_eq!(seen & p.mask, 0, "k {k} {block:?}");
                    seen |= p.mask;
                    assert!((1..=PART_BUCKET_BITS).contains(&p.width));
                    let placed = ((1u64 << p.width) - 1) << p.shift;
                    assert_eq!(placed & !p.mask, 0, "k {k} {block:?} {p:?}");
                }
                assert_eq!(seen, !inside, "k {k} {block:?}");
            }
        }
    }

    #[test]
    fn blocks_cover_64_bits() {
        for k in 0..8 {
            let b = blocks(k);
            assert_eq!(b.len() as u32, k + 1);
            assert_eq!(b.iter().map(|x| x.1).sum::<u32>(), 64);
        }
    }

    proptest! {
        /// The radix sort gives the order of `sort_unstable`: fingerprints
        /// of a few top bytes (buckets large enough for the second pass),
        /// of a few second bytes and values (equal fingerprints, sorted by
        /// document and chunk), or any.
        #[test]
        fn sort_records_sorts(
            raw in prop::collection::vec((0u64..4, 0u64..5, 0u64..6, 0u32..5, 0u32..40, 1..=crate::segment::MAX_CHUNK), 0..1500),
            any_fp in any::<bool>(),
            mix in any::<u64>(),
        ) {
            let mut records: Vec<ChunkRecord> = raw
                .iter()
                .map(|&(top, second, low, doc, t, len)| {
                    let fp = if any_fp {
                        (top << 6 | second << 3 | low).wrapping_mul(mix | 1)
                    } else {
                        top.wrapping_mul(0x3f) << 56 | second << 48 | low
                    };
                    ChunkRecord::new(fp, doc, t, len)
                })
                .collect();
            let mut want = records.clone();
            want.sort_unstable();
            sort_records(&mut records);
            prop_assert_eq!(records, want);
        }

        /// Placing by a byte puts each element in its bucket, buckets in
        /// order, and keeps the elements.
        #[test]
        fn place_by_byte_places(v in prop::collection::vec(any::<u16>(), 0..600)) {
            let mut placed = v.clone();
            let mut sizes = Vec::new();
            place_by_byte(&mut placed, |&x| usize::from(x >> 8), |b| sizes.push(b.len()));
            prop_assert!(placed.windows(2).all(|w| w[0] >> 8 <= w[1] >> 8));
            prop_assert_eq!(sizes.iter().sum::<usize>(), v.len());
            prop_assert!(sizes.iter().all(|&s| s > 0));
            let (mut a, mut b) = (v.clone(), placed.clone());
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(a, b);
        }
    }

    /// Every pair within distance 1..=k, by comparing all pairs.
    fn all_pairs(fps: &[u64], k: u32) -> Vec<NearPair> {
        let mut want = Vec::new();
        for i in 0..fps.len() {
            for j in i + 1..fps.len() {
                let d = (fps[i] ^ fps[j]).count_ones();
                if d >= 1 && d <= k {
                    want.push(NearPair {
                        a: i as u32,
                        b: j as u32,
                        distance: d,
                    });
                }
            }
        }
        want
    }

    proptest! {
        /// Fingerprints like chunks' simhashes: few bits set in most
        /// blocks, so that many share a block's value (long runs, buckets
        /// of several block values when the blocks are wider than
        /// `BUCKET_BITS`), and many pairs agree on more than one block.
        #[test]
        fn same_as_all_pairs_when_blocks_repeat(
            raw in prop::collection::vec((any::<u64>(), any::<u64>(), any::<u64>()), 1..300),
            k in 1u32..8,
        ) {
            let mut fps: Vec<u64> = raw.iter().map(|&(x, y, z)| x & y & z).collect();
            fps.sort_unstable();
            fps.dedup();
            prop_assert_eq!(near_pairs(&fps, k), all_pairs(&fps, k));
        }

        /// Fingerprints with a quarter as many bits set: runs longer than
        /// [`LONG_RUN`] in every block, searched part by part.
        #[test]
        fn same_as_all_pairs_with_long_runs(
            raw in prop::collection::vec((any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>()), 150..400),
            k in 1u32..8,
        ) {
            let mut fps: Vec<u64> = raw.iter().map(|&(x, y, z, w)| x & y & z & w).collect();
            fps.sort_unstable();
            fps.dedup();
            prop_assert_eq!(near_pairs(&fps, k), all_pairs(&fps, k));
        }

        /// A long run's search finds the pairs comparing all of them finds.
        #[test]
        fn long_run_search_is_the_all_pairs_scan(
            raw in prop::collection::vec(any::<u64>(), 0..300),
            top in 0u64..1 << 16,
            k in 1u32..8,
        ) {
            // One run of the last block's value, the other bits sparse.
            let bl = blocks(k);
            let last = *bl.last().unwrap();
            let mut run: Vec<u64> = raw
                .iter()
                .map(|&x| (x & x.rotate_left(11) & x.rotate_left(29)) & !(u64::MAX << last.0) | (top & ((1 << last.1) - 1)) << last.0)
                .collect();
            run.sort_unstable();
            run.dedup();
            let earlier = &bl[..bl.len() - 1];
            let (mut got, mut want) = (Vec::new(), Vec::new());
            scan_long_run(&run, k, earlier, &other_parts(last, k), &mut got);
            scan_run_portable(&run, k, earlier, &mut want);
            got.sort_unstable();
            prop_assert_eq!(got, want);
        }

        /// The portable scan (the one without `popcnt`) finds what the
        /// definition says.
        #[test]
        fn portable_scan_finds_the_first_agreement(
            raw in prop::collection::vec(any::<u64>(), 0..60),
            bits in 0u64..64,
            k in 1u32..8,
        ) {
            // One run: equal top block, the rest sparse.
            let mut run: Vec<u64> = raw.iter().map(|&x| (x & x.rotate_left(7) & (u64::MAX >> 16)) | (bits << 58)).collect();
            run.sort_unstable();
            run.dedup();
            let bl = blocks(k);
            let earlier = &bl[..bl.len() - 1];
            let mut got = Vec::new();
            scan_run_portable(&run, k, earlier, &mut got);
            let mut want = Vec::new();
            for (x, &f) in run.iter().enumerate() {
                for &g in &run[x + 1..] {
                    let d = (f ^ g).count_ones();
                    if d <= k && earlier.iter().all(|&b| block_value(f, b) != block_value(g, b)) {
                        want.push((f, g, d));
                    }
                }
            }
            prop_assert_eq!(got, want);
        }

        /// The pieces cover every bucket once, in order.
        #[test]
        fn bucket_pieces_cover_the_buckets(sizes in prop::collection::vec(0u32..50, 1..200), n in 1u32..70) {
            let mut at = vec![0u32];
            for s in &sizes {
                at.push(at.last().unwrap() + s);
            }
            let pieces = bucket_pieces(&at, n);
            prop_assert_eq!(pieces.first().map(|r| r.start), Some(0));
            prop_assert_eq!(pieces.last().map(|r| r.end), Some(sizes.len()));
            prop_assert!(pieces.windows(2).all(|w| w[0].end == w[1].start));
            prop_assert!(pieces.iter().all(|r| r.start < r.end));
        }
    }

    proptest! {
        #[test]
        fn same_as_all_pairs(seed in prop::collection::vec(any::<u64>(), 1..40), flips in prop::collection::vec((0usize..40, 0u32..64), 0..120), k in 0u32..5) {
            // Near-duplicates: copies of the seeds with a few bits flipped.
            let mut fps = seed.clone();
            for (i, bit) in flips { let base = seed[i % seed.len()]; fps.push(base ^ (1 << bit)); }
            fps.sort_unstable(); fps.dedup();
            let got = near_pairs(&fps, k);
            let mut want = Vec::new();
            for i in 0..fps.len() { for j in i + 1..fps.len() {
                let d = (fps[i] ^ fps[j]).count_ones();
                if d >= 1 && d <= k { want.push(NearPair { a: i as u32, b: j as u32, distance: d }); }
            }}
            prop_assert_eq!(got, want);
        }
    }
}
