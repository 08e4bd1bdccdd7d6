//! Word alignment of two passages, with `similar`.
//!
//! The alignment is over matching tokens (normalized words, see
//! `crate::normalize`), but every position it exposes is a byte span of the
//! original text, so reports can show the words as written.

use crate::document::Span;
use serde::Serialize;
use std::ops::Range;

/// What one alignment step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpTag {
    /// The same words on both sides.
    Equal,
    /// Words only in `a`.
    Delete,
    /// Words only in `b`.
    Insert,
    /// Words of `a` replaced by words of `b`.
    Replace,
}

/// One step of the alignment: token index ranges into `Alignment::a_tokens`
/// and `Alignment::b_tokens` (an empty range on the side that has nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignOp {
    /// What the step does.
    pub tag: OpTag,
    /// Token indices on side a.
    pub a: Range<usize>,
    /// Token indices on side b.
    pub b: Range<usize>,
}

/// The word alignment of two passages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alignment {
    /// Byte spans (original text of document a) of the passage's tokens.
    pub a_tokens: TokenSpans,
    /// Byte spans (original text of document b) of the passage's tokens.
    pub b_tokens: TokenSpans,
    /// The steps, in order, covering every token of both sides.
    pub ops: Vec<AlignOp>,
    /// `2 * equal tokens / (tokens a + tokens b)`, 0..1.
    pub similarity: f64,
}

impl Alignment {
    /// The byte span covering tokens `r` of side a (empty at the position
    /// where they would be for an empty range).
    pub fn a_span(&self, r: &Range<usize>) -> Span {
        tokens_span(&self.a_tokens, r)
    }
    /// The byte span covering tokens `r` of side b.
    pub fn b_span(&self, r: &Range<usize>) -> Span {
        tokens_span(&self.b_tokens, r)
    }
}

fn tokens_span(tokens: &TokenSpans, r: &Range<usize>) -> Span {
    if r.is_empty() {
        let at = tokens
            .get(r.start)
            .map(|t| t.start)
            .or_else(|| tokens.last().map(|t| t.end))
            .unwrap_or(0);
        return Span::new(at, at);
    }
    Span::new(tokens.span(r.start).start, tokens.span(r.end - 1).end)
}

/// The byte spans of a passage's tokens, stored compactly: every verified
/// pair keeps two of these lists until it is reported (hundreds of
/// thousands of pairs, tens of millions of tokens on a large corpus), and a
/// [`Span`] takes 16 bytes. A passage of at most 64 KiB (almost all) keeps
/// 4 bytes a token: 16-bit offsets from its first byte; a longer one 8
/// bytes (32-bit offsets: input documents are smaller than 4 GiB, see
/// `crate::input::DOC_SIZE_LIMIT`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSpans {
    /// Offsets from `base`, which is the first token's start.
    Narrow {
        /// Byte offset the entries count from.
        base: u32,
        /// (start, end) of each token, relative to `base`.
        spans: Vec<[u16; 2]>,
    },
    /// Absolute (start, end) of each token.
    Wide(Vec<[u32; 2]>),
}

impl Default for TokenSpans {
    fn default() -> Self {
        TokenSpans::Wide(Vec::new())
    }
}

impl TokenSpans {
    /// Stores `spans` (in order, each within the document).
    pub fn new(spans: &[Span]) -> TokenSpans {
        TokenSpans::build(spans.iter().copied())
    }

    /// Stores the spans `spans` yields (walked twice: once to choose the
    /// representation, once to fill it; no intermediate list).
    fn build(spans: impl Iterator<Item = Span> + Clone) -> TokenSpans {
        let Some(base) = spans.clone().next().map(|t| t.start) else {
            return TokenSpans::default();
        };
        let narrow = spans
            .clone()
            .all(|t| t.start >= base && t.end - base <= usize::from(u16::MAX));
        if narrow {
            TokenSpans::Narrow {
                base: base as u32,
                spans: spans
                    .map(|t| [(t.start - base) as u16, (t.end - base) as u16])
                    .collect(),
            }
        } else {
            TokenSpans::Wide(spans.map(|t| [t.start as u32, t.end as u32]).collect())
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        match self {
            TokenSpans::Narrow { spans, .. } => spans.len(),
            TokenSpans::Wide(spans) => spans.len(),
        }
    }

    /// Whether there is no token.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The span of token `i`; panics when `i` is out of range (like
    /// indexing a slice).
    pub fn span(&self, i: usize) -> Span {
        match self {
            TokenSpans::Narrow { base, spans } => {
                let [s, e] = spans[i];
                let b = *base as usize;
                Span::new(b + usize::from(s), b + usize::from(e))
            }
            TokenSpans::Wide(spans) => {
                let [s, e] = spans[i];
                Span::new(s as usize, e as usize)
            }
        }
    }

    /// The span of token `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<Span> {
        (i < self.len()).then(|| self.span(i))
    }

    /// The span of the last token.
    pub fn last(&self) -> Option<Span> {
        self.len().checked_sub(1).map(|i| self.span(i))
    }

    /// The spans, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Span> + '_ {
        (0..self.len()).map(|i| self.span(i))
    }

    /// The spans as a plain list (for a reporter that walks one pair).
    pub fn to_vec(&self) -> Vec<Span> {
        self.iter().collect()
    }

    /// The index of the first token for which `pred` is false (the tokens
    /// must be partitioned by it, as for `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(Span) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.span(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Tokens `r` only.
    pub fn sub(&self, r: Range<usize>) -> TokenSpans {
        TokenSpans::build(r.map(|i| self.span(i)))
    }
}

impl FromIterator<Span> for TokenSpans {
    fn from_iter<I: IntoIterator<Item = Span>>(iter: I) -> Self {
        TokenSpans::new(&iter.into_iter().collect::<Vec<_>>())
    }
}

/// Aligns two token sequences (compared by normalized token) word by word
/// with Myers' diff. Adjacent deletes and inserts become one replace.
pub fn align(a: &[crate::normalize::Token], b: &[crate::normalize::Token]) -> Alignment {
    let ka: Vec<u64> = a.iter().map(|t| t.hash).collect();
    let kb: Vec<u64> = b.iter().map(|t| t.hash).collect();
    // No deadline: a time limit would make the output depend on the machine.
    let raw = similar::capture_diff_slices(similar::Algorithm::Myers, &ka, &kb);
    let mut ops: Vec<AlignOp> = Vec::with_capacity(raw.len());
    for op in raw {
        let (tag, ra, rb) = op.as_tag_tuple();
        let tag = match tag {
            similar::DiffTag::Equal => OpTag::Equal,
            similar::DiffTag::Delete => OpTag::Delete,
            similar::DiffTag::Insert => OpTag::Insert,
            similar::DiffTag::Replace => OpTag::Replace,
        };
        if ra.is_empty() && rb.is_empty() {
            continue;
        }
        match ops.last_mut() {
            Some(last) if last.tag != OpTag::Equal && tag != OpTag::Equal => {
                last.a.end = ra.end;
                last.b.end = rb.end;
                last.tag = OpTag::Replace;
            }
            _ => ops.push(AlignOp { tag, a: ra, b: rb }),
        }
    }
    let mut al = Alignment {
        a_tokens: TokenSpans::build(a.iter().map(|t| t.span)),
        b_tokens: TokenSpans::build(b.iter().map(|t| t.span)),
        ops,
        similarity: 0.0,
    };
    al.similarity = al.equal_ratio();
    al
}

/// The largest replace kept at a passage's edge, in tokens per side: an
/// edited word at the very start or end of a copied passage (a changed
/// figure) stays in it; a longer difference there is context, not copy.
pub const EDGE_REPLACE_TOKENS: usize = 2;

impl Alignment {
    /// `2 * equal tokens / (tokens a + tokens b)`.
    pub fn equal_ratio(&self) -> f64 {
        let eq: usize = self
            .ops
            .iter()
            .filter(|o| o.tag == OpTag::Equal)
            .map(|o| o.a.len())
            .sum();
        let total = self.a_tokens.len() + self.b_tokens.len();
        if total == 0 {
            0.0
        } else {
            2.0 * eq as f64 / total as f64
        }
    }

    /// Number of tokens aligned as equal.
    pub fn equal_tokens(&self) -> usize {
        self.ops
            .iter()
            .filter(|o| o.tag == OpTag::Equal)
            .map(|o| o.a.len())
            .sum()
    }

    /// The alignment cut down to its copied stretch: one-sided or long
    /// differences at either end are dropped (they are the surrounding
    /// text, not the copy), except a block the other copy moved to its
    /// other end (a swapped clause), which stays as a delete at one end and
    /// an insert at the other. `ka`/`kb` are the token keys the alignment
    /// was computed on. Returns the kept token ranges of a and b.
    pub fn trim(&self, ka: &[u64], kb: &[u64]) -> (Range<usize>, Range<usize>, Alignment) {
        let keep = |o: &AlignOp| {
            o.tag == OpTag::Equal
                || (o.tag == OpTag::Replace
                    && o.a.len() <= EDGE_REPLACE_TOKENS
                    && o.b.len() <= EDGE_REPLACE_TOKENS)
        };
        let Some(first) = self.ops.iter().position(|o| o.tag == OpTag::Equal) else {
            return (0..0, 0..0, Alignment::default());
        };
        let last = self
            .ops
            .iter()
            .rposition(|o| o.tag == OpTag::Equal)
            .unwrap_or(first);
        // Shed equal runs at either end that do not pay for the difference
        // separating them from the rest: a word or two that happen to match
        // beyond the copied stretch ("… it is"). Scored with an affine cost
        // (BLAST's extension score, in half words): an equal word gains 1, a
        // difference costs 1.5 plus half a word per word, accumulated from the
        // end inwards, so a scatter of stock words ("in the … the")
        // in unrelated text is shed as a whole; the cut is where the score
        // counted from the outer end is lowest (innermost on a tie: a run
        // must gain more words than its difference costs).
        let score = |o: &AlignOp| -> i64 {
            if o.tag == OpTag::Equal {
                2 * o.a.len() as i64
            } else {
                -(DIFF_OPEN_COST + o.a.len().max(o.b.len()) as i64)
            }
        };
        let (mut s, mut low) = (0i64, 0i64);
        let mut cut = first;
        for i in first..=last {
            if self.ops[i].tag == OpTag::Equal && s <= low {
                low = s;
                cut = i;
            }
            s += score(&self.ops[i]);
        }
        let first = cut;
        let (mut s, mut low) = (0i64, 0i64);
        let mut cut = last;
        for i in (first..=last).rev() {
            if self.ops[i].tag == OpTag::Equal && s <= low {
                low = s;
                cut = i;
            }
            s += score(&self.ops[i]);
        }
        let last = cut;
        let lo = if first > 0 && keep(&self.ops[first - 1]) {
            first - 1
        } else {
            first
        };
        let hi = if last + 1 < self.ops.len() && keep(&self.ops[last + 1]) {
            last + 1
        } else {
            last
        };
        let inner = &self.ops[lo..=hi];
        let (mut ra, mut rb) = (
            inner[0].a.start..inner[inner.len() - 1].a.end,
            inner[0].b.start..inner[inner.len() - 1].b.end,
        );
        let (na, nb) = (self.a_tokens.len(), self.b_tokens.len());
        // A block moved from the start of one copy to the end of the other.
        let mut lead: Option<AlignOp> = None;
        let mut tail: Option<AlignOp> = None;
        let mut moved = 0;
        if let Some((s, e, m)) = moved_block(&ka[..ra.start], &kb[rb.end..nb]) {
            moved = m;
            lead = Some(AlignOp {
                tag: OpTag::Delete,
                a: s..ra.start,
                b: rb.start..rb.start,
            });
            tail = Some(AlignOp {
                tag: OpTag::Insert,
                a: ra.end..ra.end,
                b: rb.end..rb.end + e,
            });
            ra.start = s;
            rb.end += e;
        } else if let Some((s, e, m)) = moved_block(&kb[..rb.start], &ka[ra.end..na]) {
            moved = m;
            lead = Some(AlignOp {
                tag: OpTag::Insert,
                a: ra.start..ra.start,
                b: s..rb.start,
            });
            tail = Some(AlignOp {
                tag: OpTag::Delete,
                a: ra.end..ra.end + e,
                b: rb.end..rb.end,
            });
            rb.start = s;
            ra.end += e;
        }
        let ops: Vec<AlignOp> = lead
            .into_iter()
            .chain(inner.iter().cloned())
            .chain(tail)
            .map(|o| AlignOp {
                tag: o.tag,
                a: o.a.start - ra.start..o.a.end - ra.start,
                b: o.b.start - rb.start..o.b.end - rb.start,
            })
            .collect();
        let mut al = Alignment {
            a_tokens: self.a_tokens.sub(ra.clone()),
            b_tokens: self.b_tokens.sub(rb.clone()),
            ops,
            similarity: 0.0,
        };
        // A moved block counts as copied text in the similarity.
        let total = al.a_tokens.len() + al.b_tokens.len();
        al.similarity = if total == 0 {
            0.0
        } else {
            2.0 * (al.equal_tokens() + moved) as f64 / total as f64
        };
        (ra, rb, al)
    }
}

/// How far from the aligned stretch a moved block may start (or end), in
/// tokens: the words at the seam of a swapped clause are often cut or
/// edited, and trimming sheds a short matching run there.
const MOVED_EDGE_TOKENS: usize = 8;

/// Opening cost of a difference in `Alignment::trim`'s extension score, in
/// half words (each differing word then costs half a word): an inserted
/// paragraph between two copied ones stays inside the passage, a stray
/// "in the" after a few unrelated words does not.
const DIFF_OPEN_COST: i64 = 3;

/// Longest stretch, in tokens, searched for a moved block on each side.
const MAX_MOVED_TOKENS: usize = 64;

/// Smallest moved block worth keeping, in tokens.
const MIN_MOVED_TOKENS: usize = 4;

/// If the end of `before` (tokens before one copy's aligned stretch) and
/// the start of `after` (tokens after the other's) hold the same block,
/// returns where it starts in `before`, where it ends in `after`, and how
/// many of its tokens match.
fn moved_block(before: &[u64], after: &[u64]) -> Option<(usize, usize, usize)> {
    if before.len() < MIN_MOVED_TOKENS || after.len() < MIN_MOVED_TOKENS {
        return None;
    }
    // Only the stretch next to the aligned one can hold the block (a moved
    // clause is a sentence's half); and the block touches both edges, so a
    // word near each edge must occur on the other side. Both keep Myers off
    // long unrelated context.
    let cut = before.len().saturating_sub(MAX_MOVED_TOKENS);
    let before = &before[cut..];
    let after = &after[..after.len().min(MAX_MOVED_TOKENS)];
    let near_end = &before[before.len().saturating_sub(MOVED_EDGE_TOKENS + 1)..];
    let near_start = &after[..after.len().min(MOVED_EDGE_TOKENS + 1)];
    if !near_end.iter().any(|k| after.contains(k)) || !near_start.iter().any(|k| before.contains(k))
    {
        return None;
    }
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, before, after);
    let eq: Vec<(Range<usize>, Range<usize>)> = ops
        .iter()
        .filter_map(|o| match o.as_tag_tuple() {
            (similar::DiffTag::Equal, a, b) => Some((a, b)),
            _ => None,
        })
        .collect();
    let (first, last) = (eq.first()?, eq.last()?);
    let (s, e) = (first.0.start, last.1.end);
    let matched: usize = eq.iter().map(|x| x.0.len()).sum();
    // The block must be mostly the same on both sides, and sit at the very
    // end of `before` and the very start of `after` (within an edit).
    let (len_a, len_b) = (before.len() - s, e);
    let dense = 2 * matched * 10 >= 6 * (len_a + len_b);
    let edge = before.len() - last.0.end <= MOVED_EDGE_TOKENS && first.1.start <= MOVED_EDGE_TOKENS;
    (matched >= MIN_MOVED_TOKENS && dense && edge).then_some((cut + s, e, matched))
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Token spans come back as stored, in both representations, and
        /// `sub`/`partition_point` agree with a plain list.
        #[test]
        fn token_spans_round_trip(
            start in 0usize..5_000_000,
            steps in proptest::collection::vec((0usize..3_000, 1usize..40), 0..200),
            cut in (0usize..200, 0usize..200),
        ) {
            let mut spans = Vec::new();
            let mut at = start;
            for (gap, len) in steps {
                spans.push(Span::new(at + gap, at + gap + len));
                at += gap + len;
            }
            let t = TokenSpans::new(&spans);
            let wide = spans.first().is_some_and(|f| at - f.start > usize::from(u16::MAX));
            proptest::prop_assert_eq!(matches!(t, TokenSpans::Wide(_)), wide || spans.is_empty());
            proptest::prop_assert_eq!(t.to_vec(), spans.clone());
            let (lo, hi) = (cut.0.min(cut.1).min(spans.len()), cut.0.max(cut.1).min(spans.len()));
            proptest::prop_assert_eq!(t.sub(lo..hi).to_vec(), spans[lo..hi].to_vec());
            let probe = start + cut.0 * 700;
            proptest::prop_assert_eq!(
                t.partition_point(|x| x.end <= probe),
                spans.partition_point(|x| x.end <= probe)
            );
        }
    }

    use super::*;
    use crate::normalize::tokenize;

    fn words(text: &str, al: &Alignment, side_a: bool, r: &Range<usize>) -> String {
        let sp = if side_a { al.a_span(r) } else { al.b_span(r) };
        sp.slice(text).to_string()
    }

    fn keys(t: &[crate::normalize::Token]) -> Vec<u64> {
        t.iter().map(|t| t.hash).collect()
    }

    #[test]
    fn trim_sheds_a_stray_match_at_the_end() {
        let a = "the shared passage of many words stays here and then something else entirely is";
        let b = "the shared passage of many words stays here while a different ending is";
        let (ta, tb) = (tokenize(a), tokenize(b));
        let (_, _, t) = align(&ta, &tb).trim(&keys(&ta), &keys(&tb));
        assert_eq!(
            t.a_span(&(0..t.a_tokens.len())).slice(a),
            "the shared passage of many words stays here"
        );
    }

    #[test]
    fn trim_keeps_a_swapped_clause() {
        let a = "first clause has these seven words here, and the second clause carries on with more words";
        let b = "and the second clause carries on with more words, first clause has these seven words here";
        let (ta, tb) = (tokenize(a), tokenize(b));
        let (ra, rb, t) = align(&ta, &tb).trim(&keys(&ta), &keys(&tb));
        assert_eq!((ra, rb), (0..ta.len(), 0..tb.len()));
        assert_eq!(t.ops.first().unwrap().tag, OpTag::Delete);
        assert_eq!(t.ops.last().unwrap().tag, OpTag::Insert);
    }

    #[test]
    fn punctuation_only_is_all_equal() {
        let a = "إن “الاتفاقيات المحتملة بين الجنرال حفتر وروسيا، والتقدم الروسي”";
        let b = "إن \"الاتفاقيات المحتملة بين الجنرال حفتر وروسيا والتقدم الروسي\"";
        let al = align(&tokenize(a), &tokenize(b));
        assert_eq!(al.ops.len(), 1);
        assert_eq!(al.similarity, 1.0);
    }

    #[test]
    fn changed_figure_is_a_replace() {
        let a = "killed 35 people in the city";
        let b = "killed 53 people in the city";
        let al = align(&tokenize(a), &tokenize(b));
        let rep: Vec<_> = al.ops.iter().filter(|o| o.tag == OpTag::Replace).collect();
        assert_eq!(rep.len(), 1);
        assert_eq!(words(a, &al, true, &rep[0].a), "35");
        assert_eq!(words(b, &al, false, &rep[0].b), "53");
    }

    #[test]
    fn trim_drops_surrounding_text() {
        let a = "unrelated words here then the shared passage of many words stays here";
        let b = "something else entirely and the shared passage of many words stays here";
        let (ta, tb) = (tokenize(a), tokenize(b));
        let (ra, rb, t) = align(&ta, &tb).trim(&keys(&ta), &keys(&tb));
        assert_eq!(t.similarity, 1.0);
        assert_eq!(ra.len(), rb.len());
        assert_eq!(
            t.a_span(&(0..t.a_tokens.len())).slice(a),
            "the shared passage of many words stays here"
        );
    }

    #[test]
    fn trim_keeps_an_edited_first_word() {
        let a = "35 people were killed in the attack on the market";
        let b = "53 people were killed in the attack on the market";
        let (ta, tb) = (tokenize(a), tokenize(b));
        let (ra, _, _) = align(&ta, &tb).trim(&keys(&ta), &keys(&tb));
        assert_eq!(ra.start, 0);
    }
}
