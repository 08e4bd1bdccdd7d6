//! Matching claims across an aligned pair.
//!
//! Two claims are candidates for the same fact when they touch the same
//! stretch of differing words (a replace, insert or delete of the word
//! alignment, chained through claims that span several of them). Inside one
//! such region, claims are paired by family (counts, percentages, ordinals,
//! dates) and, when the two sides do not have as many, by what they count.
//! Claims that lie entirely in equal words are the same words on both sides
//! and are not compared.

use super::{Aligned, Side};
use crate::align::{Alignment, OpTag};
use crate::claims::{Claim, ClaimKind};
use crate::document::Span;
use std::collections::BTreeMap;
use std::ops::Range;

/// For each token of each side, the alignment step it belongs to.
pub struct TokenMap {
    a_op: Vec<usize>,
    b_op: Vec<usize>,
}

impl TokenMap {
    /// Builds the map of an alignment.
    pub fn new(al: &Alignment) -> TokenMap {
        let mut a_op = vec![usize::MAX; al.a_len()];
        let mut b_op = vec![usize::MAX; al.b_len()];
        for (k, op) in al.ops.iter().enumerate() {
            for i in op.a() {
                if let Some(x) = a_op.get_mut(i) {
                    *x = k;
                }
            }
            for i in op.b() {
                if let Some(x) = b_op.get_mut(i) {
                    *x = k;
                }
            }
        }
        TokenMap { a_op, b_op }
    }

    /// The step of token `i` of side a (or b).
    pub fn op_of(&self, side_a: bool, i: usize) -> Option<usize> {
        let v = if side_a { &self.a_op } else { &self.b_op };
        v.get(i).copied().filter(|&k| k != usize::MAX)
    }

    /// The token of side b aligned as equal to token `i` of side a.
    pub fn a_to_b(&self, al: &Alignment, i: usize) -> Option<usize> {
        let op = &al.ops[self.op_of(true, i)?];
        (op.tag == OpTag::Equal).then(|| op.b().start + (i - op.a().start))
    }
}

/// Token indices of `tokens` that overlap `span`.
pub fn tokens_in(tokens: &[Span], span: Span) -> Range<usize> {
    let first = tokens.partition_point(|t| t.end <= span.start);
    let last = tokens.partition_point(|t| t.start < span.end);
    first..last.max(first)
}

/// What a claim can be compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// Counts, money, quantities.
    Count,
    /// Percentages.
    Percent,
    /// Ordinals.
    Ordinal,
    /// Years, dates, weekdays.
    Date,
}

/// The family of a claim; `None` for quotes.
pub fn family(c: &Claim) -> Option<Family> {
    Some(match c.kind {
        ClaimKind::Percent => Family::Percent,
        ClaimKind::Ordinal => Family::Ordinal,
        ClaimKind::Date => Family::Date,
        ClaimKind::Quote => return None,
        ClaimKind::Number if super::value::looks_like_year(c) => Family::Date,
        ClaimKind::Number | ClaimKind::Money | ClaimKind::Quantity => Family::Count,
    })
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut x = x;
        while self.0[x] != r {
            let next = self.0[x];
            self.0[x] = r;
            x = next;
        }
        r
    }
    fn union(&mut self, x: usize, y: usize) {
        let (rx, ry) = (self.find(x), self.find(y));
        if rx != ry {
            self.0[rx.max(ry)] = rx.min(ry);
        }
    }
}

/// The differing steps a claim touches.
fn touched(al: &Aligned<'_>, map: &TokenMap, side_a: bool, c: &Claim) -> Vec<usize> {
    let tokens = if side_a { &al.a } else { &al.b };
    let mut ops: Vec<usize> = tokens_in(tokens, c.span)
        .filter_map(|i| map.op_of(side_a, i))
        .filter(|&k| al.al.ops[k].tag != OpTag::Equal)
        .collect();
    ops.dedup();
    ops
}

/// Pairs of claims (a, b) that state the same fact in different words.
pub fn claim_pairs<'c>(
    aligned: &Aligned<'_>,
    map: &TokenMap,
    a: Side<'c>,
    b: Side<'c>,
) -> Vec<(&'c Claim, &'c Claim)> {
    let al = aligned.al;
    let mut uf = UnionFind((0..al.ops.len()).collect());
    let mut changed: Vec<(bool, &'c Claim, Vec<usize>)> = Vec::new();
    for (side_a, claims) in [(true, a.claims), (false, b.claims)] {
        for c in claims.iter().filter(|c| family(c).is_some()) {
            let ops = touched(aligned, map, side_a, c);
            if let Some(&first) = ops.first() {
                for &k in &ops[1..] {
                    uf.union(first, k);
                }
                changed.push((side_a, c, ops));
            }
        }
    }
    type Region<'c> = (Vec<&'c Claim>, Vec<&'c Claim>);
    let mut regions: BTreeMap<usize, Region<'c>> = BTreeMap::new();
    for (side_a, c, ops) in changed {
        let r = regions.entry(uf.find(ops[0])).or_default();
        if side_a { &mut r.0 } else { &mut r.1 }.push(c);
    }
    // Differing words of each region that no claim covers.
    let mut extent: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (k, op) in al.ops.iter().enumerate() {
        if op.tag != OpTag::Equal {
            let e = extent.entry(uf.find(k)).or_default();
            e.0 += op.a().len();
            e.1 += op.b().len();
        }
    }
    let mut out = Vec::new();
    for (root, (ca, cb)) in regions {
        if same_digits(&ca, a.text, &cb, b.text) {
            continue; // only the notation differs ("2,804,130" / "2,804.130")
        }
        let covered = |cs: &[&Claim], tokens: &[Span]| -> usize {
            let mut idx: Vec<usize> = cs.iter().flat_map(|c| tokens_in(tokens, c.span)).collect();
            idx.sort_unstable();
            idx.dedup();
            idx.len()
        };
        let (ea, eb) = extent.get(&root).copied().unwrap_or_default();
        let slack = ea
            .saturating_sub(covered(&ca, &aligned.a))
            .max(eb.saturating_sub(covered(&cb, &aligned.b)));
        pair_region(&ca, &cb, a, b, slack > LOOSE_WORDS, &mut out);
    }
    out
}

/// True when every claim of a region, on both sides, is written in digits
/// and separators only, and the digits read the same in order: a difference
/// of notation (separators, a decimal comma read apart, "1345"/"13.45"),
/// whatever values the notation was parsed to.
pub fn same_digits(ca: &[&Claim], ta: &str, cb: &[&Claim], tb: &str) -> bool {
    fn digits(cs: &[&Claim], text: &str) -> Option<String> {
        let mut out = String::new();
        for c in cs {
            for ch in c.span.slice(text).chars() {
                if let Some(d) = ch.to_digit(10).or_else(|| {
                    ('\u{660}'..='\u{669}')
                        .contains(&ch)
                        .then(|| ch as u32 - 0x660)
                        .or_else(|| {
                            ('\u{6f0}'..='\u{6f9}')
                                .contains(&ch)
                                .then(|| ch as u32 - 0x6f0)
                        })
                }) {
                    out.push(char::from_digit(d, 10)?);
                } else if !matches!(
                    ch,
                    '.' | ','
                        | '،'
                        | '٫'
                        | '٬'
                        | 'ر'
                        | ' '
                        | '%'
                        | '٪'
                        | '\u{200f}'
                        | '\u{200e}'
                        | '\u{a0}'
                ) {
                    return None;
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }
    matches!((digits(ca, ta), digits(cb, tb)), (Some(x), Some(y)) if x == y)
}

/// True when the claim is a conversion one side adds in parentheses right
/// after another figure: "95 مليار دولار (358.4 مليار ريال)", "10 km (6.2 miles)".
pub fn parenthesised(c: &Claim, text: &str) -> bool {
    let before = text[..c.span.start].trim_end();
    let before = strip_conversion_words(before);
    if !before.ends_with('(') && !before.ends_with('[') {
        return false;
    }
    let after = text[c.span.end..].trim_start();
    // The figure may be followed by its unit before the closing parenthesis.
    after
        .char_indices()
        .take_while(|&(i, _)| i < 40)
        .any(|(_, ch)| ch == ')' || ch == ']')
}

/// Drops words that introduce a conversion: "(أي 358 مليون", "(about 6 miles".
fn strip_conversion_words(s: &str) -> &str {
    const WORDS: [&str; 9] = [
        "أي",
        "اي",
        "ما يعادل",
        "ما يوازي",
        "نحو",
        "حوالي",
        "about",
        "around",
        "approximately",
    ];
    for w in WORDS {
        if let Some(rest) = s.strip_suffix(w) {
            return rest.trim_end();
        }
    }
    s
}

/// Differing words around the claims of a region beyond which the region
/// is rewritten text rather than an edited figure: its claims are paired
/// only when they count the same thing.
const LOOSE_WORDS: usize = 3;

fn pair_region<'c>(
    ca: &[&'c Claim],
    cb: &[&'c Claim],
    a: Side<'c>,
    b: Side<'c>,
    loose: bool,
    out: &mut Vec<(&'c Claim, &'c Claim)>,
) {
    for fam in [
        Family::Count,
        Family::Percent,
        Family::Ordinal,
        Family::Date,
    ] {
        let mut xa: Vec<&Claim> = ca
            .iter()
            .copied()
            .filter(|c| family(c) == Some(fam))
            .collect();
        let mut xb: Vec<&Claim> = cb
            .iter()
            .copied()
            .filter(|c| family(c) == Some(fam))
            .collect();
        if xa.len() > xb.len() {
            xa.retain(|c| !parenthesised(c, a.text));
        } else if xb.len() > xa.len() {
            xb.retain(|c| !parenthesised(c, b.text));
        }
        if xa.is_empty() || xb.is_empty() {
            continue; // omitted on one side: never a conflict
        }
        if xa.len() == xb.len() && !loose {
            out.extend(xa.into_iter().zip(xb));
            continue;
        }
        if fam == Family::Count && !loose && (is_total(&xa, &xb) || is_total(&xb, &xa)) {
            continue; // a total on one side, its components on the other
        }
        // Different counts, or rewritten text: pair by what they count, in
        // order; the rest are omissions.
        let mut used = vec![false; xb.len()];
        for x in &xa {
            // Without a unit to tell them apart the pairing would be a
            // guess (0632 vs "32ر06" read as two numbers): stay silent.
            let pick =
                (0..xb.len()).find(|&j| !used[j] && x.unit.is_some() && xb[j].unit == x.unit);
            if let Some(j) = pick {
                used[j] = true;
                out.push((x, xb[j]));
            }
        }
    }
}

/// One figure on one side equals the sum of two or more on the other.
fn is_total(one: &[&Claim], many: &[&Claim]) -> bool {
    if one.len() != 1 || many.len() < 2 {
        return false;
    }
    let Some(total) = one[0].value else {
        return false;
    };
    let sum: f64 = many.iter().filter_map(|c| c.value).sum();
    super::value::same_value(total, sum)
}

/// Pairs of quotations (a, b) that are the same quotation: most of the words
/// of the shorter are aligned as equal with words of the other.
pub fn quote_pairs<'c>(
    aligned: &Aligned<'_>,
    map: &TokenMap,
    a: Side<'c>,
    b: Side<'c>,
) -> Vec<(&'c Claim, &'c Claim)> {
    let al = aligned.al;
    let qb: Vec<(&Claim, Range<usize>)> = b
        .claims
        .iter()
        .filter(|c| c.kind == ClaimKind::Quote)
        .map(|c| (c, tokens_in(&aligned.b, c.span)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    let mut used = vec![false; qb.len()];
    let mut out = Vec::new();
    for qa in a.claims.iter().filter(|c| c.kind == ClaimKind::Quote) {
        let ra = tokens_in(&aligned.a, qa.span);
        if ra.is_empty() {
            continue;
        }
        let mapped: Vec<usize> = ra.clone().filter_map(|i| map.a_to_b(al, i)).collect();
        let best = qb
            .iter()
            .enumerate()
            .filter(|(j, _)| !used[*j])
            .map(|(j, (_, rb))| (j, mapped.iter().filter(|i| rb.contains(i)).count(), rb))
            .filter(|(_, n, rb)| {
                let shorter = ra.len().min(rb.len());
                *n >= 2.min(shorter) && 2 * n >= shorter
            })
            .max_by_key(|(j, n, _)| (*n, usize::MAX - j));
        if let Some((j, _, _)) = best {
            used[j] = true;
            out.push((qa, qb[j].0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_finds_overlaps() {
        let t = [Span::new(0, 3), Span::new(4, 8), Span::new(9, 12)];
        assert_eq!(tokens_in(&t, Span::new(4, 8)), 1..2);
        assert_eq!(tokens_in(&t, Span::new(2, 10)), 0..3);
        assert_eq!(tokens_in(&t, Span::new(3, 4)), 1..1);
    }

    fn claim(text: &str, part: &str) -> Claim {
        let start = text.find(part).unwrap();
        Claim {
            kind: ClaimKind::Number,
            span: Span::new(start, start + part.len()),
            value: None,
            unit: None,
            qualifier: None,
            speaker: None,
            ..Claim::default()
        }
    }

    #[test]
    fn notation_only_regions() {
        let (a, b) = ("x 2,804,130 y", "x 2,804.130 y");
        let (x, y) = (claim(a, "2,804,130"), claim(b, "2,804.130"));
        assert!(same_digits(&[&x], a, &[&y], b));
        let (a, b) = ("x 80.4% y", "x 80،4% y");
        let (x, y1, y2) = (claim(a, "80.4%"), claim(b, "80"), claim(b, "4%"));
        assert!(same_digits(&[&x], a, &[&y1, &y2], b));
        let (a, b) = ("5 ملايين", "5 مليارات");
        let (x, y) = (claim(a, a), claim(b, b));
        assert!(!same_digits(&[&x], a, &[&y], b));
        let (a, b) = ("x 35 y", "x 53 y");
        assert!(!same_digits(&[&claim(a, "35")], a, &[&claim(b, "53")], b));
    }

    #[test]
    fn conversion_in_parentheses() {
        let t = "نحو 95 مليار دولار (358.4 مليار ريال) هذا العام";
        let start = t.find("358.4").unwrap();
        let c = Claim {
            kind: ClaimKind::Money,
            span: Span::new(start, start + "358.4 مليار ريال".len()),
            value: Some(358.4e9),
            unit: Some("SAR".into()),
            qualifier: None,
            speaker: None,
            ..Claim::default()
        };
        assert!(parenthesised(&c, t));
        let start = t.find("95").unwrap();
        let d = Claim {
            span: Span::new(start, start + 2),
            ..c
        };
        assert!(!parenthesised(&d, t));
    }
}
