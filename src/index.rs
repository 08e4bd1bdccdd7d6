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

/// Every pair of `fps` (sorted, distinct) within Hamming distance 1..=k.
/// k = 0 returns nothing: exact matches are the equal runs of the caller's
/// sorted records.
pub fn near_pairs(fps: &[u64], k: u32) -> Vec<NearPair> {
    if k == 0 || fps.len() < 2 {
        return Vec::new();
    }
    let bl = blocks(k);
    debug_assert!(
        bl.iter().all(|b| b.1 <= 32),
        "k >= 1: blocks of at most 32 bits"
    );
    // One block at a time (its table sorted in parallel): the tables of
    // two blocks at once were 23 MB of SaudiNewsNet's index phase.
    let mut out: Vec<NearPair> = Vec::new();
    for (bi, &block) in bl.iter().enumerate() {
        // Block value (at most 32 bits, since k >= 1) and index in one
        // u64: half the memory of a tuple, and a plain integer sort.
        let mut keyed: Vec<u64> = fps
            .par_iter()
            .enumerate()
            .map(|(i, &f)| (block_value(f, block) << 32) | i as u64)
            .collect();
        keyed.par_sort_unstable();
        out.par_extend(
            keyed
                .par_chunk_by(|x, y| x >> 32 == y >> 32)
                .flat_map_iter(|run| {
                    let mut found = Vec::new();
                    for (x, &i) in run.iter().enumerate() {
                        let i = i as u32;
                        for &j in &run[x + 1..] {
                            let j = j as u32;
                            let (fi, fj) = (fps[i as usize], fps[j as usize]);
                            let d = (fi ^ fj).count_ones();
                            // Report from the first block the pair agrees on only.
                            if d <= k
                                && !bl[..bi]
                                    .iter()
                                    .any(|&b| block_value(fi, b) == block_value(fj, b))
                            {
                                let (a, b) = if i < j { (i, j) } else { (j, i) };
                                found.push(NearPair { a, b, distance: d });
                            }
                        }
                    }
                    found
                }),
        );
    }
    out.par_sort_unstable();
    out
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

    #[test]
    fn blocks_cover_64_bits() {
        for k in 0..8 {
            let b = blocks(k);
            assert_eq!(b.len() as u32, k + 1);
            assert_eq!(b.iter().map(|x| x.1).sum::<u32>(), 64);
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
