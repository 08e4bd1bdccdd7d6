//! A longest common subsequence of two token-key sequences, bit-parallel.
//!
//! `similar`'s Myers diff finds a shortest edit script in O((N + M)·D)
//! steps, D the number of differing tokens. Verification aligns hundreds of
//! thousands of candidate regions, and most of them are natural
//! near-duplicates: a shared half-sentence between unrelated words, so D is
//! about N and Myers' time was a third of matching. The bit-parallel LCS
//! (Allison and Dix 1986, Hyyrö 2004) does the same work in
//! O(N·⌈M/64⌉) word operations whatever D is: one bit per token of `a`,
//! each token of `b` updates the whole row with an addition.
//!
//! A shortest edit script and a longest common subsequence are the same
//! thing (Myers 1986), so both find the same number of equal tokens (a
//! property test checks it against `similar`). Where several alignments are
//! equally long they may pick different matches: both match the common
//! prefix and suffix first; in between, this one drops a token of `a`
//! before one of `b` when either keeps the LCS.

use crate::keytable::KeyTable;
use std::ops::Range;

/// One run of the alignment: `equal` runs pair tokens one to one; the
/// others are the differing tokens between two equal runs (either range
/// may be empty, not both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Whether the tokens are equal.
    pub equal: bool,
    /// Token indices of `a`.
    pub a: Range<usize>,
    /// Token indices of `b`.
    pub b: Range<usize>,
}

/// Largest bit table (64-bit words: tokens of `b` × words of `a`'s row)
/// that verification aligns bit-parallel, 16 MiB; larger pairs (none on the
/// corpora we measure) are left to Myers, which needs no table.
pub const MAX_TABLE_WORDS: usize = 1 << 21;

/// The runs of a longest common subsequence of `a` and `b`, in order,
/// covering both sequences; `None` when the pair is too large for a bit
/// table of `max_words` words (see [`MAX_TABLE_WORDS`]).
#[cfg(test)]
pub fn runs(a: &[u64], b: &[u64], max_words: usize) -> Option<Vec<Run>> {
    let mut out = Vec::new();
    runs_into(a, b, max_words, &mut out).then_some(out)
}

/// [`runs`] into `out` (emptied first, its allocation reused: verification
/// aligns hundreds of thousands of regions); false, `out` empty, when the
/// pair is too large for the bit table.
#[inline]
pub fn runs_into(a: &[u64], b: &[u64], max_words: usize, out: &mut Vec<Run>) -> bool {
    out.clear();
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&a[prefix..], &b[prefix..]);
    let suffix = ma
        .iter()
        .rev()
        .zip(mb.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&ma[..ma.len() - suffix], &mb[..mb.len() - suffix]);
    let words = ma.len().div_ceil(64);
    if words.saturating_mul(mb.len()) > max_words {
        return false;
    }
    let mut runs = Builder {
        runs: std::mem::take(out),
        at: (0, 0),
    };
    runs.step(true, prefix, prefix);
    middle(ma, mb, prefix, &mut runs);
    runs.step(true, suffix, suffix);
    *out = runs.finish();
    true
}

/// Collects single steps into runs.
#[derive(Default)]
struct Builder {
    runs: Vec<Run>,
    at: (usize, usize),
}

impl Builder {
    /// `da` tokens of `a` and `db` of `b`, equal or not.
    fn step(&mut self, equal: bool, da: usize, db: usize) {
        if da == 0 && db == 0 {
            return;
        }
        let (ia, ib) = self.at;
        self.at = (ia + da, ib + db);
        match self.runs.last_mut() {
            Some(last) if last.equal == equal => {
                last.a.end = ia + da;
                last.b.end = ib + db;
            }
            _ => self.runs.push(Run {
                equal,
                a: ia..ia + da,
                b: ib..ib + db,
            }),
        }
    }

    fn finish(self) -> Vec<Run> {
        self.runs
    }
}

/// Aligns `a` and `b` (which share no first and no last token) and adds
/// their steps to `out`; `offset` is where both start in the whole
/// sequences.
fn middle(a: &[u64], b: &[u64], offset: usize, out: &mut Builder) {
    debug_assert_eq!(out.at, (offset, offset));
    let (m, n) = (a.len(), b.len());
    if m == 0 || n == 0 {
        out.step(false, m, n);
        return;
    }
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        middle_in(a, b, out, &mut s);
        s.release_large();
    });
}

/// The lists [`middle`] fills, kept by each thread between alignments
/// (verification aligns hundreds of thousands of regions).
#[derive(Default)]
struct Scratch {
    table: Option<KeyTable<u32>>,
    /// Key to match mask, for an `a` of at most 64 tokens (one word).
    masks1: Option<KeyTable<u64>>,
    masks: Vec<u64>,
    rows: Vec<u64>,
    row: Vec<u64>,
}

/// Words of bit rows or masks, and slots of the key table, that a thread
/// keeps between alignments at most (256 KiB of rows): larger ones are
/// freed after their alignment.
const KEEP_WORDS: usize = 1 << 15;

impl Scratch {
    fn release_large(&mut self) {
        if self.rows.capacity() > KEEP_WORDS {
            self.rows = Vec::new();
        }
        if self.masks.capacity() > KEEP_WORDS {
            self.masks = Vec::new();
        }
        if self.table.as_ref().is_some_and(|t| t.slots() > KEEP_WORDS) {
            self.table = None;
        }
        if self.masks1.as_ref().is_some_and(|t| t.slots() > KEEP_WORDS) {
            self.masks1 = None;
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// [`middle`] with the thread's lists.
fn middle_in(a: &[u64], b: &[u64], out: &mut Builder, s: &mut Scratch) {
    if a.len() <= 64 {
        middle_one_word(a, b, out, s);
    } else {
        middle_words(a, b, out, s);
    }
}

/// [`middle_in`] for any length of `a`: rows of ⌈m/64⌉ words.
fn middle_words(a: &[u64], b: &[u64], out: &mut Builder, s: &mut Scratch) {
    let (m, n) = (a.len(), b.len());
    // Both sequences are read backwards, so that the traceback, which walks
    // from the table's last cell to its first, meets them front to back.
    let words = m.div_ceil(64);
    // Bit i of a mask: the i-th token of `a` from its end has this key.
    let table = masks(a, words, &mut s.table, &mut s.masks);
    let masks = &s.masks;
    // rows[j]: the row after the last j + 1 tokens of b; bit i clear where
    // the LCS of a's and b's last tokens grows by taking a's (i + 1)-th
    // token from the end.
    let rows = &mut s.rows;
    rows.clear();
    rows.resize(n * words, 0);
    let row = &mut s.row;
    row.clear();
    row.resize(words, u64::MAX);
    for (j, key) in b.iter().rev().enumerate() {
        if let Some(&k) = table.get(*key) {
            let k = k as usize;
            let mask = &masks[k * words..(k + 1) * words];
            let mut carry = false;
            for (v, &mk) in row.iter_mut().zip(mask) {
                let u = *v & mk;
                let (s1, c1) = v.overflowing_add(u);
                let (s2, c2) = s1.overflowing_add(carry as u64);
                carry = c1 | c2;
                *v = s2 | (*v & !mk);
            }
        }
        rows[j * words..(j + 1) * words].copy_from_slice(row);
    }
    traceback(a, b, out, |i, j| {
        rows[(j - 1) * words + i / 64] >> (i % 64) & 1 == 1
    });
}

/// [`middle_in`] for an `a` of at most 64 tokens: a row is one word, and
/// the key table holds the match masks themselves (most candidate regions
/// are a sentence or two). The same rows, so the same alignment.
fn middle_one_word(a: &[u64], b: &[u64], out: &mut Builder, s: &mut Scratch) {
    let table = match &mut s.masks1 {
        Some(t) => {
            t.reset(a.len());
            t
        }
        None => s.masks1.insert(KeyTable::new(a.len())),
    };
    for (i, key) in a.iter().rev().enumerate() {
        *table.entry(*key).0 |= 1 << i;
    }
    let rows = &mut s.rows;
    rows.clear();
    rows.resize(b.len(), 0);
    let mut v = u64::MAX;
    for (row, key) in rows.iter_mut().zip(b.iter().rev()) {
        if let Some(&mk) = table.get(*key) {
            let u = v & mk;
            v = v.wrapping_add(u) | (v & !mk);
        }
        *row = v;
    }
    traceback(a, b, out, |i, j| rows[j - 1] >> i & 1 == 1);
}

/// Walks the LCS table back from its last cell: equal tokens are taken
/// whenever the next of each side are equal (a run at a time); otherwise
/// a's next token is dropped when `drop_a(i - 1, j)` (bit i - 1 of the row
/// for the last j tokens of b is set: dropping it keeps the LCS), else
/// b's.
fn traceback(a: &[u64], b: &[u64], out: &mut Builder, drop_a: impl Fn(usize, usize) -> bool) {
    let (m, n) = (a.len(), b.len());
    // (i, j): the last i tokens of a and the last j of b remain; the next
    // of each is a[m - i] and b[n - j].
    let (mut i, mut j) = (m, n);
    // Tokens of a and b dropped since the last equal run.
    let (mut da, mut db) = (0, 0);
    while i > 0 && j > 0 {
        if a[m - i] == b[n - j] {
            let run = 1 + a[m - i + 1..]
                .iter()
                .zip(&b[n - j + 1..])
                .take_while(|(x, y)| x == y)
                .count();
            out.step(false, da, db);
            (da, db) = (0, 0);
            out.step(true, run, run);
            i -= run;
            j -= run;
            continue;
        }
        if drop_a(i - 1, j) {
            da += 1;
            i -= 1;
        } else {
            db += 1;
            j -= 1;
        }
    }
    out.step(false, da + i, db + j);
}

/// The match masks of `a` read backwards, `words` 64-bit words each, into
/// `masks`, and a table from key to mask, made in `table`.
fn masks<'t>(
    a: &[u64],
    words: usize,
    table: &'t mut Option<KeyTable<u32>>,
    masks: &mut Vec<u64>,
) -> &'t KeyTable<u32> {
    let table = match table {
        Some(t) => {
            t.reset(a.len());
            t
        }
        None => table.insert(KeyTable::new(a.len())),
    };
    masks.clear();
    for (i, key) in a.iter().rev().enumerate() {
        let (k, new) = table.entry(*key);
        if new {
            *k = (masks.len() / words) as u32;
            masks.resize(masks.len() + words, 0);
        }
        masks[*k as usize * words + i / 64] |= 1 << (i % 64);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks that `runs` cover both sequences in order, alternate equal
    /// and not, and that equal runs are equal.
    fn check_runs(a: &[u64], b: &[u64], runs: &[Run]) -> usize {
        let (mut ia, mut ib) = (0, 0);
        let mut equal = 0;
        for (k, r) in runs.iter().enumerate() {
            assert_eq!((r.a.start, r.b.start), (ia, ib), "runs are contiguous");
            assert!(!r.a.is_empty() || !r.b.is_empty(), "no empty run");
            if k > 0 {
                assert_ne!(runs[k - 1].equal, r.equal, "runs alternate");
            }
            if r.equal {
                assert_eq!(&a[r.a.clone()], &b[r.b.clone()]);
                equal += r.a.len();
            }
            (ia, ib) = (r.a.end, r.b.end);
        }
        assert_eq!((ia, ib), (a.len(), b.len()), "runs cover both sides");
        equal
    }

    fn myers_equal(a: &[u64], b: &[u64]) -> usize {
        similar::capture_diff_slices(similar::Algorithm::Myers, a, b)
            .iter()
            .filter_map(|o| match o.as_tag_tuple() {
                (similar::DiffTag::Equal, r, _) => Some(r.len()),
                _ => None,
            })
            .sum()
    }

    #[test]
    fn common_prefix_is_matched_first() {
        // 1 matches a's first 1, as in `similar`.
        let r = runs(&[1, 2, 1], &[1], MAX_TABLE_WORDS).unwrap();
        assert_eq!(
            r,
            vec![
                Run {
                    equal: true,
                    a: 0..1,
                    b: 0..1
                },
                Run {
                    equal: false,
                    a: 1..3,
                    b: 1..1
                },
            ]
        );
        let (a, b) = ([5, 1, 2, 1, 7], [6, 1, 8]);
        let r = runs(&a, &b, MAX_TABLE_WORDS).unwrap();
        assert_eq!(check_runs(&a, &b, &r), 1, "{r:?}");
    }

    #[test]
    fn a_word_row_boundary_carries() {
        // 130 tokens: three words per row; a shared run across both word
        // boundaries with a change in the middle of each.
        let a: Vec<u64> = (0..130).collect();
        let mut b = a.clone();
        b[63] = 1000;
        b[64] = 1001;
        b[128] = 1002;
        b.insert(10, 999);
        let r = runs(&a, &b, MAX_TABLE_WORDS).unwrap();
        assert_eq!(check_runs(&a, &b, &r), 127);
    }

    #[test]
    fn empty_and_identical() {
        assert_eq!(runs(&[], &[], MAX_TABLE_WORDS).unwrap(), vec![]);
        let r = runs(&[1, 2], &[], MAX_TABLE_WORDS).unwrap();
        assert_eq!(check_runs(&[1, 2], &[], &r), 0);
        let r = runs(&[1, 2, 3], &[1, 2, 3], MAX_TABLE_WORDS).unwrap();
        assert_eq!(r.len(), 1);
    }

    /// The runs [`middle_words`] finds for a pair with no common first or
    /// last token (the general path, whatever `a`'s length).
    fn middle_by_words(a: &[u64], b: &[u64]) -> Vec<Run> {
        let mut out = Builder::default();
        middle_words(a, b, &mut out, &mut Scratch::default());
        out.finish()
    }

    /// The traceback as it was first written, a token at a time (the
    /// reference the run-at-a-time [`traceback`] must equal).
    fn middle_token_by_token(a: &[u64], b: &[u64]) -> Vec<Run> {
        let (m, n) = (a.len(), b.len());
        let words = m.div_ceil(64);
        let mut s = Scratch::default();
        let table = masks(a, words, &mut s.table, &mut s.masks);
        let mut rows = vec![0u64; n * words];
        let mut row = vec![u64::MAX; words];
        for (j, key) in b.iter().rev().enumerate() {
            if let Some(&k) = table.get(*key) {
                let mask = &s.masks[k as usize * words..(k as usize + 1) * words];
                let mut carry = false;
                for (v, &mk) in row.iter_mut().zip(mask) {
                    let u = *v & mk;
                    let (s1, c1) = v.overflowing_add(u);
                    let (s2, c2) = s1.overflowing_add(carry as u64);
                    carry = c1 | c2;
                    *v = s2 | (*v & !mk);
                }
            }
            rows[j * words..(j + 1) * words].copy_from_slice(&row);
        }
        let mut out = Builder::default();
        let (mut i, mut j) = (m, n);
        while i > 0 && j > 0 {
            if a[m - i] == b[n - j] {
                out.step(true, 1, 1);
                (i, j) = (i - 1, j - 1);
            } else if rows[(j - 1) * words + (i - 1) / 64] >> ((i - 1) % 64) & 1 == 1 {
                out.step(false, 1, 0);
                i -= 1;
            } else {
                out.step(false, 0, 1);
                j -= 1;
            }
        }
        out.step(false, i, j);
        out.finish()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// Taking equal runs whole and differences in one step picks the
        /// same runs as the token-at-a-time traceback, on either path.
        #[test]
        fn runs_at_a_time_are_the_token_at_a_time_runs(
            a in prop::collection::vec(0u64..5, 1..150),
            b in prop::collection::vec(0u64..5, 1..150),
        ) {
            let want = middle_token_by_token(&a, &b);
            prop_assert_eq!(&middle_by_words(&a, &b), &want);
            let mut out = Builder::default();
            middle_in(&a, &b, &mut out, &mut Scratch::default());
            prop_assert_eq!(&out.finish(), &want);
        }

        /// The one-word path picks the very same runs as the general one
        /// (same rows, same traceback), on small alphabets (many ties) and
        /// up to 64 tokens of `a`.
        #[test]
        fn one_word_rows_give_the_same_runs(
            a in prop::collection::vec(0u64..5, 1..=64),
            b in prop::collection::vec(0u64..5, 1..120),
        ) {
            let mut out = Builder::default();
            middle_one_word(&a, &b, &mut out, &mut Scratch::default());
            let runs = out.finish();
            prop_assert_eq!(&runs, &middle_by_words(&a, &b));
            check_runs(&a, &b, &runs);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// As many equal tokens as `similar`'s Myers (both are optimal),
        /// in valid runs; small alphabets make many ties and repeats.
        #[test]
        fn as_long_as_myers(
            a in prop::collection::vec(0u64..6, 0..200),
            b in prop::collection::vec(0u64..6, 0..200),
        ) {
            let r = runs(&a, &b, MAX_TABLE_WORDS).unwrap();
            prop_assert_eq!(check_runs(&a, &b, &r), myers_equal(&a, &b));
        }

        /// Edited copies: long shared stretches with scattered changes.
        #[test]
        fn edited_copies_as_long_as_myers(
            a in prop::collection::vec(0u64..1000, 0..300),
            edits in prop::collection::vec((0usize..300, 0u8..3, 0u64..1000), 0..30),
        ) {
            let mut b = a.clone();
            for (at, kind, key) in edits {
                let at = at.min(b.len());
                match kind {
                    0 => b.insert(at, key),
                    1 if at < b.len() => { b.remove(at); }
                    _ if at < b.len() => b[at] = key,
                    _ => {}
                }
            }
            let r = runs(&a, &b, MAX_TABLE_WORDS).unwrap();
            prop_assert_eq!(check_runs(&a, &b, &r), myers_equal(&a, &b));
        }
    }
}
