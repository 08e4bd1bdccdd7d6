//! 64-bit simhash fingerprints of chunks.
//!
//! The fingerprint is defined by the `simhash` crate: `simhash_stream` over
//! our own features, one per token of the chunk (the normalized token; every
//! number becomes the one feature [`NUMBER_FEATURE`], so a passage whose
//! figure was changed still lands next to its twin). [`simhash`] computes
//! the same bits without the crate's per-feature SipHash and branching
//! 64-step loop: token hashes are computed once during tokenization, and the
//! 64 counters are added bit-sliced. A property test proves it bit-identical
//! to `simhash::simhash_stream`, and `pinned_values` pins fingerprints of
//! fixed texts so that stored fingerprints stay valid across versions.

use crate::normalize::Token;
use crate::segment::{Break, cuts_after, masked_hash};
use serde::Serialize;
use std::ops::Range;

/// A 64-bit simhash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// Number of differing bits.
    pub fn hamming(self, other: Fingerprint) -> u32 {
        (self.0 ^ other.0).count_ones()
    }
}

/// The feature every number token becomes.
pub const NUMBER_FEATURE: &str = "#";
/// `normalize::feature_hash(NUMBER_FEATURE)`, checked by a test.
pub const NUMBER_FEATURE_HASH: u64 = 7958921517247042076;

/// The simhash of a stream of feature hashes, bit-identical to the
/// `simhash` crate's `simhash_stream` over the features those hashes came
/// from: bit i is set when more than half of the features have bit i set.
pub fn simhash(hashes: &[u64]) -> u64 {
    let n = hashes.len();
    if n < 16 {
        // A chunk (at most 8 tokens): 4 bit planes, added without branches.
        let mut planes = [0u64; 8];
        for &h in hashes {
            add_to_planes(&mut planes, h, 4);
        }
        ge_const::<4>(&planes, (n / 2 + 1) as u32)
    } else if n < 256 {
        // Bit-sliced counters: planes[p] holds bit p of each lane's count.
        let mut planes = [0u64; 8];
        for &h in hashes {
            add_to_planes(&mut planes, h, 8);
        }
        // Lanes whose count >= n/2 + 1 (weight = 2*count - n > 0).
        ge_const::<8>(&planes, (n / 2 + 1) as u32)
    } else {
        let mut ones = [0u32; 64];
        for &h in hashes {
            for (i, o) in ones.iter_mut().enumerate() {
                *o += ((h >> i) & 1) as u32;
            }
        }
        let mut out = 0;
        for (i, &o) in ones.iter().enumerate() {
            if 2 * o as u64 > n as u64 {
                out |= 1 << i;
            }
        }
        out
    }
}

/// Adds the bits of `h` to the bit-sliced counters: a ripple-carry add of
/// one bit per lane through the low `depth` planes (enough when no count
/// can reach `2^depth`).
#[inline(always)]
fn add_to_planes(planes: &mut [u64; 8], h: u64, depth: usize) {
    let mut carry = h;
    for plane in planes.iter_mut().take(depth) {
        let next = *plane & carry;
        *plane ^= carry;
        carry = next;
    }
}

/// Lanes of a bit-sliced counter of `P` planes (the others are 0) that
/// are >= `t` (t < 2^P), without branches on `t`.
#[inline]
fn ge_const<const P: usize>(planes: &[u64; 8], t: u32) -> u64 {
    let (mut gt, mut eq) = (0u64, !0u64);
    for b in (0..P).rev() {
        // All ones where bit b of t is set.
        let tb = 0u64.wrapping_sub(u64::from((t >> b) & 1));
        gt |= eq & planes[b] & !tb;
        eq &= !(planes[b] ^ tb);
    }
    gt | eq
}

/// The fingerprint of a run of tokens (numbers masked).
pub fn of_tokens(tokens: &[Token]) -> Fingerprint {
    if tokens.len() < 16 {
        let mut planes = [0u64; 8];
        for t in tokens {
            add_to_planes(&mut planes, masked_hash(t), 4);
        }
        Fingerprint(ge_const::<4>(&planes, (tokens.len() / 2 + 1) as u32))
    } else {
        let v: Vec<u64> = tokens.iter().map(masked_hash).collect();
        Fingerprint(simhash(&v))
    }
}

/// The chunks of `segment::chunks` and their fingerprints ([`of_tokens`]),
/// in one pass over the tokens: `each(range, fingerprint)` is called for
/// every chunk in order.
pub fn for_each_chunk(
    tokens: &[Token],
    breaks: &[Break],
    mut each: impl FnMut(Range<usize>, Fingerprint),
) {
    // A chunk has at most `MAX_CHUNK` (8) tokens: 4 planes count to 15.
    let mut planes = [0u64; 8];
    let mut start = 0;
    for (i, (t, &brk)) in tokens.iter().zip(breaks).enumerate() {
        let h = masked_hash(t);
        add_to_planes(&mut planes, h, 4);
        let len = i + 1 - start;
        if cuts_after(len, h, brk) {
            each(
                start..i + 1,
                Fingerprint(ge_const::<4>(&planes, (len / 2 + 1) as u32)),
            );
            planes = [0; 8];
            start = i + 1;
        }
    }
    if start < tokens.len() {
        // Only when `breaks` is shorter than `tokens` (the last token of
        // a document always ends a paragraph).
        each(start..tokens.len(), of_tokens(&tokens[start..]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{feature_hash, fold_str, tokenize};
    use proptest::prelude::*;

    #[test]
    fn number_feature_hash_constant() {
        assert_eq!(feature_hash(NUMBER_FEATURE), NUMBER_FEATURE_HASH);
    }

    /// The crate's definition over the same features.
    fn reference(text: &str) -> u64 {
        let feats: Vec<String> = tokenize(text)
            .iter()
            .map(|t| {
                if t.number {
                    NUMBER_FEATURE.to_string()
                } else {
                    fold_str(t.span.slice(text))
                }
            })
            .collect();
        simhash::simhash_stream(feats.iter().map(|s| s.as_str()))
    }

    #[test]
    fn pinned_values() {
        // Changing these breaks every stored fingerprint: do not, without a migration.
        let t = "وقال وزير الخارجية الإيطالي إنجيلينو ألفانو";
        assert_eq!(of_tokens(&tokenize(t)).0, reference(t));
        assert_eq!(of_tokens(&tokenize(t)).0, PINNED_AR);
        let e = "Thirty-five people were killed in 2008";
        assert_eq!(of_tokens(&tokenize(e)).0, PINNED_EN);
    }
    const PINNED_AR: u64 = 16970093983312710660;
    const PINNED_EN: u64 = 7795815513313615795;

    /// Bit i set when more than half of the hashes have bit i set: the
    /// crate's rule, counted plainly.
    fn majority(hashes: &[u64]) -> u64 {
        (0..64)
            .filter(|&i| 2 * hashes.iter().filter(|&&h| h >> i & 1 == 1).count() > hashes.len())
            .fold(0, |acc, i| acc | 1 << i)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn simhash_is_majority(hashes in prop::collection::vec(any::<u64>(), 0..300)) {
            prop_assert_eq!(simhash(&hashes), majority(&hashes));
        }

        #[test]
        fn for_each_chunk_equals_chunks_and_of_tokens(words in prop::collection::vec(
            "[a-zأبتثجحخ0-9]{1,6}|[.,؟\n]{1,2}", 0..200,
        )) {
            let text = words.join(" ");
            let toks = tokenize(&text);
            let br = crate::segment::breaks(&text, &toks);
            let want: Vec<_> = crate::segment::chunks(&toks, &br)
                .into_iter()
                .map(|r| (r.clone(), of_tokens(&toks[r])))
                .collect();
            let mut got = Vec::new();
            for_each_chunk(&toks, &br, |r, f| got.push((r, f)));
            prop_assert_eq!(got, want);
        }

        #[test]
        fn chunk_fast_equals_crate(words in prop::collection::vec("[a-zأبتثجحخ0-9]{1,6}", 0..20)) {
            let text = words.join(" ");
            prop_assert_eq!(of_tokens(&tokenize(&text)).0, reference(&text));
        }

        #[test]
        fn fast_equals_crate(words in prop::collection::vec("[a-zأبتثجحخ0-9]{1,6}", 0..300)) {
            let text = words.join(" ");
            let toks = tokenize(&text);
            let fast = if toks.len() <= crate::segment::MAX_CHUNK { of_tokens(&toks).0 } else {
                simhash(&toks.iter().map(masked_hash).collect::<Vec<_>>())
            };
            prop_assert_eq!(fast, reference(&text));
        }
    }
}
