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
    pub a_tokens: Vec<Span>,
    /// Byte spans (original text of document b) of the passage's tokens.
    pub b_tokens: Vec<Span>,
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

fn tokens_span(tokens: &[Span], r: &Range<usize>) -> Span {
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
        a_tokens: a.iter().map(|t| t.span).collect(),
        b_tokens: b.iter().map(|t| t.span).collect(),
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
    /// text, not the copy). Returns the kept token ranges of a and b.
    pub fn trim(&self) -> (Range<usize>, Range<usize>, Alignment) {
        let keep = |o: &AlignOp| {
            o.tag == OpTag::Equal
                || (o.tag == OpTag::Replace
                    && o.a.len() <= EDGE_REPLACE_TOKENS
                    && o.b.len() <= EDGE_REPLACE_TOKENS)
        };
        let first = self.ops.iter().position(|o| o.tag == OpTag::Equal);
        let Some(first) = first else {
            return (0..0, 0..0, Alignment::default());
        };
        let last = self
            .ops
            .iter()
            .rposition(|o| o.tag == OpTag::Equal)
            .unwrap_or(first);
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
        let ops = &self.ops[lo..=hi];
        let ra = ops[0].a.start..ops[ops.len() - 1].a.end;
        let rb = ops[0].b.start..ops[ops.len() - 1].b.end;
        let mut al = Alignment {
            a_tokens: self.a_tokens[ra.clone()].to_vec(),
            b_tokens: self.b_tokens[rb.clone()].to_vec(),
            ops: ops
                .iter()
                .map(|o| AlignOp {
                    tag: o.tag,
                    a: o.a.start - ra.start..o.a.end - ra.start,
                    b: o.b.start - rb.start..o.b.end - rb.start,
                })
                .collect(),
            similarity: 0.0,
        };
        al.similarity = al.equal_ratio();
        (ra, rb, al)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tokenize;

    fn words(text: &str, al: &Alignment, side_a: bool, r: &Range<usize>) -> String {
        let sp = if side_a { al.a_span(r) } else { al.b_span(r) };
        sp.slice(text).to_string()
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
        let (ra, rb, t) = align(&tokenize(a), &tokenize(b)).trim();
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
        let (ra, _, _) = align(&tokenize(a), &tokenize(b)).trim();
        assert_eq!(ra.start, 0);
    }
}
