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
        self.at >> LEN_BITS
    }

    /// The chunk's length in tokens (1..=8).
    pub fn length(&self) -> u8 {
        (self.at & ((1 << LEN_BITS) - 1)) as u8 + 1
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
