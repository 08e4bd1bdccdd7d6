//! Word alignment of two passages: a longest common subsequence of their
//! tokens, computed bit-parallel (`lcs`), `similar`'s Myers diff for pairs
//! too large for its bit table.
//!
//! The alignment is over matching tokens (normalized words, see
//! `crate::normalize`), but every position it exposes is a byte span of the
//! original text, so reports can show the words as written.

use crate::document::Span;
use crate::normalize::{Token, tokenize, tokenize_spans_into};
use serde::Serialize;
use std::ops::Range;

mod lcs;

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

/// One step of the alignment: token index ranges into the tokens of side a
/// and side b (an empty range on the side that has nothing).
///
/// The ranges are kept as 32-bit bounds (20 bytes a step, not 72): every
/// held pair keeps its steps until the report is written (445,000 on
/// SaudiNewsNet). A passage has fewer than 2^32 tokens (documents are
/// smaller than 4 GiB, `crate::input::DOC_SIZE_LIMIT`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignOp {
    /// What the step does.
    pub tag: OpTag,
    a: [u32; 2],
    b: [u32; 2],
}

impl AlignOp {
    /// A step over tokens `a` of side a and `b` of side b.
    pub fn new(tag: OpTag, a: Range<usize>, b: Range<usize>) -> AlignOp {
        let bounds = |r: Range<usize>| {
            [
                u32::try_from(r.start).expect("token index fits in u32"),
                u32::try_from(r.end).expect("token index fits in u32"),
            ]
        };
        AlignOp {
            tag,
            a: bounds(a),
            b: bounds(b),
        }
    }

    /// Token indices on side a.
    pub fn a(&self) -> Range<usize> {
        self.a[0] as usize..self.a[1] as usize
    }

    /// Token indices on side b.
    pub fn b(&self) -> Range<usize> {
        self.b[0] as usize..self.b[1] as usize
    }
}

/// The word alignment of two passages.
///
/// It counts and relates tokens; it does not keep where they are. A
/// verified pair is held until the report is written (hundreds of
/// thousands of pairs, tens of millions of tokens on a large corpus), so
/// the byte spans of its tokens are rebuilt when needed
/// ([`Alignment::a_tokens`]): a passage starts at a token's start and ends
/// at a token's end, so tokenizing its text again gives back the tokens it
/// was aligned on ([`passage_tokens`]). The verifier holds a side's spans
/// only where that is not so ([`Alignment::hold_split_spans`]).
///
/// 40 bytes (its steps a boxed slice, the lengths 32-bit): every verified
/// pair holds one from matching to the report (c20k: 170,135 pairs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alignment {
    /// The steps, in order, covering every token of both sides.
    pub ops: Box<[AlignOp]>,
    /// Number of tokens of side a ([`Alignment::a_len`]).
    a_len: u32,
    /// Number of tokens of side b.
    b_len: u32,
    /// `2 * equal tokens / (tokens a + tokens b)`, 0..1.
    pub similarity: f64,
    /// Token spans still held (`None`: neither side).
    spans: Option<Box<HeldSpans>>,
}

const _: () = assert!(std::mem::size_of::<Alignment>() == 40);

/// A side's number of tokens as held (a passage has fewer than 2^32).
fn token_count(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 tokens a passage")
}

/// The steps of many alignments in one list, 8 bytes a step where an
/// [`AlignOp`] is 20: the verifier keeps the steps of all its pairs here
/// while matching goes on (one allocation made by one thread, not one a
/// pair made by the thread that verified it; c20k: 230,849 steps, 4.6 →
/// 1.8 MB). A step is its tag and its two lengths: an alignment's steps
/// cover both sides in order from token 0 ([`Alignment::unstep`] checks
/// it), so their bounds are the running sums of the lengths.
#[derive(Debug, Default)]
pub struct StepList {
    /// Per step: side a's length with the tag in the top 2 bits, side b's
    /// length.
    steps: Vec<[u32; 2]>,
}

/// Bits of a packed step's first word that hold side a's length.
const STEP_LEN_BITS: u32 = 30;

impl StepList {
    /// Number of steps held.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether no step is held.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The alignment [`Alignment::unstep`] took apart: its `part`, whose
    /// steps start at `from` in this list (its length when they were
    /// appended).
    pub fn alignment(&self, from: usize, part: Unstepped) -> Alignment {
        let steps = &self.steps[from..from + part.steps as usize];
        let mut ops = Vec::with_capacity(steps.len());
        let (mut a, mut b) = (0usize, 0usize);
        for &[la, lb] in steps {
            let tag = match la >> STEP_LEN_BITS {
                0 => OpTag::Equal,
                1 => OpTag::Delete,
                2 => OpTag::Insert,
                _ => OpTag::Replace,
            };
            let la = (la & ((1 << STEP_LEN_BITS) - 1)) as usize;
            let lb = lb as usize;
            ops.push(AlignOp::new(tag, a..a + la, b..b + lb));
            (a, b) = (a + la, b + lb);
        }
        Alignment {
            ops: ops.into_boxed_slice(),
            a_len: token_count(a),
            b_len: token_count(b),
            similarity: part.similarity,
            spans: part.spans.map(|s| s.0),
        }
    }
}

/// What [`Alignment::unstep`] leaves of an alignment whose steps went to a
/// [`StepList`] (their number; the lengths of the sides are their sums).
#[derive(Debug, PartialEq)]
pub struct Unstepped {
    /// Number of steps.
    pub steps: u32,
    /// The alignment's similarity.
    pub similarity: f64,
    /// The token spans it held, if any (few alignments do).
    pub spans: Option<SplitSpans>,
}

/// The token spans an alignment held (see [`Alignment::hold_split_spans`]),
/// apart from it.
#[derive(Debug, PartialEq)]
pub struct SplitSpans(Box<HeldSpans>);

/// The byte spans of an alignment's tokens, per side, where held.
#[derive(Clone, Debug, Default, PartialEq)]
struct HeldSpans {
    a: Option<Vec<Span>>,
    b: Option<Vec<Span>>,
}

impl Alignment {
    /// Number of tokens of side a.
    pub fn a_len(&self) -> usize {
        self.a_len as usize
    }

    /// Number of tokens of side b.
    pub fn b_len(&self) -> usize {
        self.b_len as usize
    }

    /// Appends the steps to `list` and returns the rest
    /// ([`StepList::alignment`] puts them back).
    ///
    /// # Panics
    ///
    /// If the steps do not cover both sides in order from token 0 (every
    /// alignment made here does), or a step is 2^30 tokens long.
    pub fn unstep(self, list: &mut StepList) -> Unstepped {
        let (mut a, mut b) = (0u32, 0u32);
        list.steps.reserve(self.ops.len());
        for o in &self.ops {
            assert!(
                o.a[0] == a && o.b[0] == b,
                "alignment steps cover both sides in order"
            );
            let la = o.a[1] - a;
            assert!(la < 1 << STEP_LEN_BITS, "a step of fewer than 2^30 tokens");
            let tag: u32 = match o.tag {
                OpTag::Equal => 0,
                OpTag::Delete => 1,
                OpTag::Insert => 2,
                OpTag::Replace => 3,
            };
            list.steps.push([la | tag << STEP_LEN_BITS, o.b[1] - b]);
            (a, b) = (o.a[1], o.b[1]);
        }
        assert!(
            (a, b) == (self.a_len, self.b_len),
            "alignment steps cover both sides"
        );
        Unstepped {
            steps: u32::try_from(self.ops.len()).expect("fewer than 2^32 steps a passage"),
            similarity: self.similarity,
            spans: self.spans.map(SplitSpans),
        }
    }

    /// The byte spans (in the original text of document a) of side a's
    /// tokens, indexed as the steps' ranges `a`. `text` is document a's
    /// text and `passage` the passage aligned: the spans held, else the
    /// passage tokenized again.
    pub fn a_tokens(&self, text: &str, passage: Span) -> Vec<Span> {
        self.tokens(true, text, passage)
    }

    /// The byte spans of side b's tokens (see [`Alignment::a_tokens`]).
    pub fn b_tokens(&self, text: &str, passage: Span) -> Vec<Span> {
        self.tokens(false, text, passage)
    }

    fn tokens(&self, side_a: bool, text: &str, passage: Span) -> Vec<Span> {
        if let Some(held) = self.held(side_a) {
            return held.to_vec();
        }
        let spans = self.passage_spans(side_a, text, passage);
        debug_assert_eq!(
            spans.len(),
            self.side_len(side_a),
            "passage {passage:?} does not tokenize to the tokens aligned"
        );
        spans
    }

    /// The token spans of `passage` of `text`, tokenized. Only the spans
    /// are wanted (contradictions ask for both sides of every pair they
    /// compare): the tokenizer that hashes nothing writes them into one
    /// list of the side's length.
    fn passage_spans(&self, side_a: bool, text: &str, passage: Span) -> Vec<Span> {
        let mut spans = Vec::with_capacity(self.side_len(side_a));
        tokenize_spans_into(passage.slice(text), passage.start, &mut spans);
        spans
    }

    /// Number of tokens of side a (or b).
    fn side_len(&self, side_a: bool) -> usize {
        if side_a { self.a_len() } else { self.b_len() }
    }

    /// The spans of one side, if held.
    fn held(&self, side_a: bool) -> Option<&[Span]> {
        let h = self.spans.as_deref()?;
        if side_a { &h.a } else { &h.b }.as_deref()
    }

    /// Holds the token spans of side a (or b) if its passage would not give
    /// them back when tokenized again. `context` are the tokens of a text of
    /// that side's document (a window of it, or all of it) with their spans
    /// in `text`, and `at` the passage's tokens among them.
    ///
    /// Re-tokenizing gives back the aligned tokens unless a token of the
    /// context outside them overlaps the passage: a character that folds
    /// to a word and a number ("㎡" → "m", "2") makes two tokens of the
    /// same bytes, and the passage may hold only one of them. Only such a
    /// side holds its spans (checked, with everything else, by a property
    /// test; debug builds also compare the spans tokenizing gives here).
    pub fn hold_split_spans(
        &mut self,
        side_a: bool,
        text: &str,
        context: &[Token],
        at: Range<usize>,
    ) {
        let Some(passage) = cover_tokens(&context[at.clone()]) else {
            return;
        };
        let around = overlapping(context, passage);
        if around == at {
            // (`context` may be keyed by either tokenizer's hash.)
            debug_assert!(
                passage_tokens(text, passage)
                    .iter()
                    .map(|t| (t.span, t.number))
                    .eq(context[at].iter().map(|t| (t.span, t.number))),
                "passage {passage:?} does not tokenize to the tokens aligned"
            );
            return;
        }
        // A token beside the passage shares its edge bytes.
        self.hold(side_a, context[at].iter().map(|t| t.span).collect());
    }

    /// Keeps the token spans of side a (or b) as tokenizing `passage` of
    /// `text` gives them now: for a text about to change (matching runs on
    /// text with boilerplate blanked out, which is put back before claims
    /// and reports; a passage with blanked text inside would tokenize
    /// differently afterwards).
    pub fn keep_spans(&mut self, side_a: bool, text: &str, passage: Span) {
        if self.held(side_a).is_some() {
            return;
        }
        let spans = self.passage_spans(side_a, text, passage);
        self.hold(side_a, spans);
    }

    /// Holds `spans` as side a's (or b's) token spans.
    fn hold(&mut self, side_a: bool, spans: Vec<Span>) {
        let h = self.spans.get_or_insert_with(Default::default);
        *if side_a { &mut h.a } else { &mut h.b } = Some(spans);
    }

    /// Whether side a (or b) holds its token spans.
    pub fn holds_spans(&self, side_a: bool) -> bool {
        self.held(side_a).is_some()
    }
}

/// The span from the first token's start to the last one's end.
fn cover_tokens(tokens: &[Token]) -> Option<Span> {
    Some(Span::new(
        tokens.first()?.span.start,
        tokens.last()?.span.end,
    ))
}

/// Indices of the tokens (in text order) that overlap `span`.
fn overlapping(tokens: &[Token], span: Span) -> Range<usize> {
    let first = tokens.partition_point(|t| t.span.end <= span.start);
    let last = tokens.partition_point(|t| t.span.start < span.end);
    first..last.max(first)
}

/// The tokens of the passage `passage` of `text`: `normalize::tokenize` of
/// its text, spans in `text`'s bytes. For a passage that starts at a
/// token's start and ends at a token's end, these are the tokens of the
/// whole text inside it, unless a token outside overlaps it (see
/// [`Alignment::hold_split_spans`]).
pub fn passage_tokens(text: &str, passage: Span) -> Vec<Token> {
    let mut tokens = tokenize(passage.slice(text));
    for t in &mut tokens {
        t.span = t.span.shifted(passage.start);
    }
    tokens
}

/// The byte span covering tokens `r` of `tokens` (empty at the position
/// where they would be for an empty range).
pub fn span_of(tokens: &[Span], r: &Range<usize>) -> Span {
    if r.is_empty() {
        let at = tokens
            .get(r.start)
            .map(|t| t.start)
            .or_else(|| tokens.last().map(|t| t.end))
            .unwrap_or(0);
        return Span::new(at, at);
    }
    Span::new(tokens[r.start].start, tokens[r.end - 1].end)
}

/// Aligns two token sequences (compared by normalized token) word by word
/// (see [`align_keys`]).
pub fn align(a: &[Token], b: &[Token]) -> Alignment {
    let ka: Vec<u64> = a.iter().map(|t| t.hash).collect();
    let kb: Vec<u64> = b.iter().map(|t| t.hash).collect();
    align_keys(&ka, &kb)
}

/// Aligns two sequences of token keys word by word: a longest common
/// subsequence, as Myers' diff finds. Adjacent deletes and inserts become
/// one replace. The alignment holds no token spans: a passage tokenized
/// again gives them ([`Alignment::a_tokens`]), or see
/// [`Alignment::hold_split_spans`].
pub fn align_keys(ka: &[u64], kb: &[u64]) -> Alignment {
    let ops: Box<[AlignOp]> = with_diff(ka, kb, |runs| runs.iter().map(op_of).collect());
    let mut al = Alignment {
        ops,
        a_len: token_count(ka.len()),
        b_len: token_count(kb.len()),
        similarity: 0.0,
        spans: None,
    };
    al.similarity = al.equal_ratio();
    al
}

/// `align_keys(ka, kb).trim(ka, kb)`, the same result, without the list of
/// the whole alignment's steps (verification trims every alignment it
/// makes, and drops two in three: the steps go to a list the thread
/// reuses).
pub fn align_trimmed(ka: &[u64], kb: &[u64]) -> (Range<usize>, Range<usize>, Alignment) {
    let mut ops = OPS.take();
    ops.clear();
    with_diff(ka, kb, |runs| ops.extend(runs.iter().map(op_of)));
    let trimmed = trim_ops(&ops, ka.len(), kb.len(), None, ka, kb);
    if ops.capacity() <= KEEP_STEPS {
        OPS.set(ops);
    }
    trimmed
}

/// The step of a run of the diff.
fn op_of(r: &lcs::Run) -> AlignOp {
    let tag = match (r.equal, r.a.is_empty(), r.b.is_empty()) {
        (true, _, _) => OpTag::Equal,
        (false, false, true) => OpTag::Delete,
        (false, true, false) => OpTag::Insert,
        _ => OpTag::Replace,
    };
    AlignOp::new(tag, r.a.clone(), r.b.clone())
}

/// Steps (or runs) a thread keeps in its reused lists at most; longer
/// lists are freed after their alignment.
const KEEP_STEPS: usize = 1 << 12;

thread_local! {
    /// The runs of the thread's last diff ([`with_diff`]).
    static RUNS: std::cell::Cell<Vec<lcs::Run>> = const { std::cell::Cell::new(Vec::new()) };
    /// The steps of the thread's last whole alignment ([`align_trimmed`]).
    static OPS: std::cell::Cell<Vec<AlignOp>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Calls `f` with the runs of [`diff`]`(a, b)`, held in a list the thread
/// reuses (taken out while `f` runs, so a nested call only makes its own).
fn with_diff<R>(a: &[u64], b: &[u64], f: impl FnOnce(&[lcs::Run]) -> R) -> R {
    let mut runs = RUNS.take();
    diff_into(a, b, lcs::MAX_TABLE_WORDS, &mut runs);
    let r = f(&runs);
    if runs.capacity() <= KEEP_STEPS {
        RUNS.set(runs);
    }
    r
}

/// The runs of a longest common subsequence of `a` and `b` (equal runs and
/// the differences between them, alternating): bit-parallel, or with
/// `similar`'s Myers diff when the pair is too large for the bit table.
#[cfg(test)]
fn diff(a: &[u64], b: &[u64]) -> Vec<lcs::Run> {
    diff_within(a, b, lcs::MAX_TABLE_WORDS)
}

/// [`diff`] with a bit table of at most `max_words` words.
#[cfg(test)]
fn diff_within(a: &[u64], b: &[u64], max_words: usize) -> Vec<lcs::Run> {
    let mut runs = Vec::new();
    diff_into(a, b, max_words, &mut runs);
    runs
}

/// [`diff`] with a bit table of at most `max_words` words, into `runs`
/// (emptied first).
fn diff_into(a: &[u64], b: &[u64], max_words: usize, runs: &mut Vec<lcs::Run>) {
    if lcs::runs_into(a, b, max_words, runs) {
        return;
    }
    // No deadline: a time limit would make the output depend on the machine.
    runs.clear();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, a, b) {
        let (tag, ra, rb) = op.as_tag_tuple();
        let equal = tag == similar::DiffTag::Equal;
        if ra.is_empty() && rb.is_empty() {
            continue;
        }
        match runs.last_mut() {
            Some(last) if !last.equal && !equal => {
                last.a.end = ra.end;
                last.b.end = rb.end;
            }
            _ => runs.push(lcs::Run {
                equal,
                a: ra,
                b: rb,
            }),
        }
    }
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
            .map(|o| o.a().len())
            .sum();
        let total = self.a_len() + self.b_len();
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
            .map(|o| o.a().len())
            .sum()
    }

    /// The alignment cut down to its copied stretch: one-sided or long
    /// differences at either end are dropped (they are the surrounding
    /// text, not the copy), except a block the other copy moved to its
    /// other end (a swapped clause), which stays as a delete at one end and
    /// an insert at the other. `ka`/`kb` are the token keys the alignment
    /// was computed on. Returns the kept token ranges of a and b.
    pub fn trim(&self, ka: &[u64], kb: &[u64]) -> (Range<usize>, Range<usize>, Alignment) {
        trim_ops(
            &self.ops,
            self.a_len(),
            self.b_len(),
            self.spans.as_deref(),
            ka,
            kb,
        )
    }
}

/// [`Alignment::trim`] of the alignment with steps `ops` over `na` tokens
/// of a and `nb` of b, holding `spans`.
fn trim_ops(
    ops: &[AlignOp],
    na: usize,
    nb: usize,
    spans: Option<&HeldSpans>,
    ka: &[u64],
    kb: &[u64],
) -> (Range<usize>, Range<usize>, Alignment) {
    {
        let keep = |o: &AlignOp| {
            o.tag == OpTag::Equal
                || (o.tag == OpTag::Replace
                    && o.a().len() <= EDGE_REPLACE_TOKENS
                    && o.b().len() <= EDGE_REPLACE_TOKENS)
        };
        let Some(first) = ops.iter().position(|o| o.tag == OpTag::Equal) else {
            return (0..0, 0..0, Alignment::default());
        };
        let last = ops
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
                2 * o.a().len() as i64
            } else {
                -(DIFF_OPEN_COST + o.a().len().max(o.b().len()) as i64)
            }
        };
        let (mut s, mut low) = (0i64, 0i64);
        let mut cut = first;
        for (i, o) in (first..).zip(&ops[first..=last]) {
            if o.tag == OpTag::Equal && s <= low {
                low = s;
                cut = i;
            }
            s += score(o);
        }
        let first = cut;
        let (mut s, mut low) = (0i64, 0i64);
        let mut cut = last;
        for i in (first..=last).rev() {
            if ops[i].tag == OpTag::Equal && s <= low {
                low = s;
                cut = i;
            }
            s += score(&ops[i]);
        }
        let last = cut;
        let lo = if first > 0 && keep(&ops[first - 1]) {
            first - 1
        } else {
            first
        };
        let hi = if last + 1 < ops.len() && keep(&ops[last + 1]) {
            last + 1
        } else {
            last
        };
        let inner = &ops[lo..=hi];
        let (mut ra, mut rb) = (
            inner[0].a().start..inner[inner.len() - 1].a().end,
            inner[0].b().start..inner[inner.len() - 1].b().end,
        );
        // A block moved from the start of one copy to the end of the other.
        let mut lead: Option<AlignOp> = None;
        let mut tail: Option<AlignOp> = None;
        let mut moved = 0;
        if let Some((s, e, m)) = moved_block(&ka[..ra.start], &kb[rb.end..nb]) {
            moved = m;
            lead = Some(AlignOp::new(OpTag::Delete, s..ra.start, rb.start..rb.start));
            tail = Some(AlignOp::new(
                OpTag::Insert,
                ra.end..ra.end,
                rb.end..rb.end + e,
            ));
            ra.start = s;
            rb.end += e;
        } else if let Some((s, e, m)) = moved_block(&kb[..rb.start], &ka[ra.end..na]) {
            moved = m;
            lead = Some(AlignOp::new(OpTag::Insert, ra.start..ra.start, s..rb.start));
            tail = Some(AlignOp::new(
                OpTag::Delete,
                ra.end..ra.end + e,
                rb.end..rb.end,
            ));
            rb.start = s;
            ra.end += e;
        }
        let ops: Box<[AlignOp]> = lead
            .into_iter()
            .chain(inner.iter().cloned())
            .chain(tail)
            .map(|o| {
                let (a, b) = (o.a(), o.b());
                AlignOp::new(
                    o.tag,
                    a.start - ra.start..a.end - ra.start,
                    b.start - rb.start..b.end - rb.start,
                )
            })
            .collect();
        let spans = spans.map(|h| {
            let sub =
                |s: &Option<Vec<Span>>, r: &Range<usize>| s.as_ref().map(|s| s[r.clone()].to_vec());
            Box::new(HeldSpans {
                a: sub(&h.a, &ra),
                b: sub(&h.b, &rb),
            })
        });
        let mut al = Alignment {
            ops,
            a_len: token_count(ra.len()),
            b_len: token_count(rb.len()),
            similarity: 0.0,
            spans,
        };
        // A moved block counts as copied text in the similarity.
        let total = al.a_len() + al.b_len();
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
    let (first, last, matched) = with_diff(before, after, |runs| {
        let mut eq = runs
            .iter()
            .filter(|r| r.equal)
            .map(|r| (r.a.clone(), r.b.clone()));
        let first = eq.next()?;
        let (mut last, mut matched) = (first.clone(), first.0.len());
        for x in eq {
            matched += x.0.len();
            last = x;
        }
        Some((first, last, matched))
    })?;
    let (s, e) = (first.0.start, last.1.end);
    // The block must be mostly the same on both sides, and sit at the very
    // end of `before` and the very start of `after` (within an edit).
    let (len_a, len_b) = (before.len() - s, e);
    let dense = 2 * matched * 10 >= 6 * (len_a + len_b);
    let edge = before.len() - last.0.end <= MOVED_EDGE_TOKENS && first.1.start <= MOVED_EDGE_TOKENS;
    (matched >= MIN_MOVED_TOKENS && dense && edge).then_some((cut + s, e, matched))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment;
    use proptest::prelude::*;

    /// Alignments whose steps are appended to one list come back whole
    /// from their part of it, held spans included.
    #[test]
    fn unstepped_alignments_come_back_whole() {
        let text = "one two three four five six";
        let toks = tokenize(text);
        let mut held = align(&toks[..4], &toks[1..]);
        held.keep_spans(false, text, Span::new(4, text.len()));
        let alignments = vec![
            align(&toks, &toks),
            held,
            align(&toks[..2], &toks[3..]),
            align(&toks[..0], &toks[..0]),
            swapped_clause(),
        ];
        let mut steps = StepList::default();
        let parts: Vec<(usize, Unstepped)> = alignments
            .iter()
            .map(|al| (steps.len(), al.clone().unstep(&mut steps)))
            .collect();
        assert_eq!(
            steps.len(),
            alignments.iter().map(|a| a.ops.len()).sum::<usize>()
        );
        // Put back in another order than taken apart.
        for ((from, part), al) in parts.into_iter().zip(&alignments).rev() {
            assert_eq!(&steps.alignment(from, part), al);
        }
    }

    /// A trimmed alignment with a moved block: a delete first, an insert
    /// last.
    fn swapped_clause() -> Alignment {
        let a = "first clause has these seven words here, and the second clause carries on with more words";
        let b = "and the second clause carries on with more words, first clause has these seven words here";
        let (ta, tb) = (tokenize(a), tokenize(b));
        let (ra, rb, t) = align(&ta, &tb).trim(&keys(&ta), &keys(&tb));
        assert_eq!((ra, rb), (0..ta.len(), 0..tb.len()));
        assert_eq!(t.ops.first().unwrap().tag, OpTag::Delete);
        assert_eq!(t.ops.last().unwrap().tag, OpTag::Insert);
        t
    }

    proptest! {
        /// Alignments, trimmed or not, come back whole from a step list.
        #[test]
        fn alignments_come_back_from_a_step_list(
            a in proptest::collection::vec(0u64..6, 0..80),
            b in proptest::collection::vec(0u64..6, 0..80),
        ) {
            let full = align_keys(&a, &b);
            let (_, _, trimmed) = full.trim(&a, &b);
            let mut list = StepList::default();
            let f = full.clone().unstep(&mut list);
            let from = list.len();
            let t = trimmed.clone().unstep(&mut list);
            prop_assert_eq!(list.alignment(from, t), trimmed);
            prop_assert_eq!(list.alignment(0, f), full);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// Trimming straight from the diff's steps gives what trimming the
        /// whole alignment gives, moved blocks (swapped halves) included.
        #[test]
        fn align_trimmed_is_align_keys_trimmed(
            a in proptest::collection::vec(0u64..8, 0..120),
            b in proptest::collection::vec(0u64..8, 0..120),
            swap in any::<bool>(),
        ) {
            let b = if swap {
                let h = a.len() / 3;
                [&a[h..], &b[..b.len() / 4], &a[..h]].concat()
            } else {
                b
            };
            prop_assert_eq!(align_trimmed(&a, &b), align_keys(&a, &b).trim(&a, &b));
        }
    }

    /// Pieces of text the property test strings together: Latin and Arabic
    /// words, digits with separators, Arabic-Indic digits, diacritics and
    /// tatweel (dropped by folding), direction marks, punctuation, and
    /// characters that fold to several (ﷺ to words, ½ to digits, ㎡ and ㏠
    /// to a word and a number).
    const PIECES: &[&str] = &[
        " ",
        " ",
        "  ",
        "\n",
        "the",
        "News",
        "x",
        "1",
        "2.5",
        "18,839",
        "3.",
        ",",
        ".",
        "،",
        "؛",
        "!",
        "\"",
        "“",
        "”",
        "(",
        ")",
        "-",
        "/",
        "%",
        "٪",
        "قال",
        "الوزير",
        "بـ",
        "ـ",
        "\u{64b}",
        "\u{651}",
        "\u{670}",
        "٣",
        "٤٥",
        "۱۲",
        "\u{200f}",
        "\u{200e}",
        "\u{200d}",
        "ﷺ",
        "½",
        "²",
        "㎡",
        "㏠",
        "⑽",
        "ﬁ",
        "é",
        "E\u{301}",
        "क\u{93f}",
        "ß",
        "İ",
    ];

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => proptest::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// A passage cut from a tokenized text at token boundaries
        /// tokenizes again to the same tokens (spans, hashes, number flags)
        /// unless a token outside it overlaps it; whatever
        /// `hold_split_spans` decides, the alignment gives back the spans it
        /// was aligned on.
        #[test]
        fn passages_tokenize_to_the_tokens_they_were_cut_from(
            text in text(),
            cut in (any::<proptest::sample::Index>(), any::<proptest::sample::Index>()),
        ) {
            let tokens = tokenize(&text);
            prop_assume!(!tokens.is_empty());
            let (x, y) = (cut.0.index(tokens.len()), cut.1.index(tokens.len()));
            let (i, j) = (x.min(y), x.max(y) + 1);
            let passage = Span::new(tokens[i].span.start, tokens[j - 1].span.end);
            let clean = overlapping(&tokens, passage) == (i..j);
            if clean {
                prop_assert_eq!(passage_tokens(&text, passage), tokens[i..j].to_vec());
            }
            let mut al = align(&tokens[i..j], &tokens[..j - i]);
            al.hold_split_spans(true, &text, &tokens, i..j);
            al.hold_split_spans(false, &text, &tokens, 0..j - i);
            prop_assert_eq!(al.holds_spans(true), !clean);
            let want: Vec<Span> = tokens[i..j].iter().map(|t| t.span).collect();
            prop_assert_eq!(al.a_tokens(&text, passage), want);
        }
    }

    proptest! {
        /// Pairs too large for the bit table go to `similar`'s Myers diff
        /// (forced here with an empty table): the same runs' shape and as
        /// many equal tokens.
        #[test]
        fn too_large_pairs_are_aligned_by_myers(
            a in proptest::collection::vec(0u64..6, 0..80),
            b in proptest::collection::vec(0u64..6, 0..80),
        ) {
            let (lcs, myers) = (diff(&a, &b), diff_within(&a, &b, 0));
            let equal = |runs: &[lcs::Run]| -> usize {
                runs.iter().filter(|r| r.equal).map(|r| r.a.len()).sum()
            };
            prop_assert_eq!(equal(&lcs), equal(&myers));
            let (mut ia, mut ib) = (0, 0);
            for (k, r) in myers.iter().enumerate() {
                prop_assert_eq!((r.a.start, r.b.start), (ia, ib));
                prop_assert!(!r.a.is_empty() || !r.b.is_empty());
                prop_assert!(k == 0 || myers[k - 1].equal != r.equal);
                if r.equal {
                    prop_assert_eq!(&a[r.a.clone()], &b[r.b.clone()]);
                }
                (ia, ib) = (r.a.end, r.b.end);
            }
            prop_assert_eq!((ia, ib), (a.len(), b.len()));
        }
    }

    #[test]
    fn a_split_character_keeps_its_spans() {
        // "㎡" folds to "m2": "m" ends the word before it, "2" starts a
        // token of the same bytes; a passage from "2" tokenizes to "m", "2".
        let text = "area㎡ of the flat";
        let tokens = tokenize(text);
        let s = text.find('㎡').unwrap();
        assert_eq!(tokens[0].span, Span::new(0, s + 3));
        assert_eq!(tokens[1].span, Span::new(s, s + 3));
        let passage = Span::new(s, text.len());
        assert_eq!(passage_tokens(text, passage).len(), tokens.len());
        // Side b, "of the flat", has no such neighbour.
        let mut al = align(&tokens[1..], &tokens[2..]);
        al.hold_split_spans(true, text, &tokens, 1..tokens.len());
        al.hold_split_spans(false, text, &tokens, 2..tokens.len());
        assert!(al.holds_spans(true));
        assert!(!al.holds_spans(false));
        let want: Vec<Span> = tokens[1..].iter().map(|t| t.span).collect();
        assert_eq!(al.a_tokens(text, passage), want);
        let b = Span::new(tokens[2].span.start, text.len());
        assert_eq!(al.b_tokens(text, b), want[1..]);
    }

    #[test]
    fn kept_spans_survive_a_change_of_text() {
        let masked = "the copied words        and more of them";
        let restored = "the copied words NOT HERE and more of them";
        let tokens = tokenize(masked);
        let passage = Span::new(0, masked.len());
        let mut al = align(&tokens, &tokens);
        al.hold_split_spans(true, masked, &tokens, 0..tokens.len());
        assert!(!al.holds_spans(true));
        al.keep_spans(true, masked, passage);
        let want: Vec<Span> = tokens.iter().map(|t| t.span).collect();
        assert_eq!(al.a_tokens(restored, passage), want);
        assert_eq!(tokenize(restored).len(), tokens.len() + 2);
    }

    fn words(text: &str, al: &Alignment, side_a: bool, r: &Range<usize>) -> String {
        let all = Span::new(0, text.len());
        let tokens = if side_a {
            al.a_tokens(text, all)
        } else {
            al.b_tokens(text, all)
        };
        span_of(&tokens, r).slice(text).to_string()
    }

    fn keys(t: &[crate::normalize::Token]) -> Vec<u64> {
        t.iter().map(|t| t.hash).collect()
    }

    #[test]
    fn trim_sheds_a_stray_match_at_the_end() {
        let a = "the shared passage of many words stays here and then something else entirely is";
        let b = "the shared passage of many words stays here while a different ending is";
        let (ta, tb) = (tokenize(a), tokenize(b));
        let (ra, _, _) = align(&ta, &tb).trim(&keys(&ta), &keys(&tb));
        assert_eq!(
            segment::span_of(&ta, &ra).slice(a),
            "the shared passage of many words stays here"
        );
    }

    #[test]
    fn trim_keeps_a_swapped_clause() {
        swapped_clause();
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
        assert_eq!(words(a, &al, true, &rep[0].a()), "35");
        assert_eq!(words(b, &al, false, &rep[0].b()), "53");
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
            segment::span_of(&ta, &ra).slice(a),
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
