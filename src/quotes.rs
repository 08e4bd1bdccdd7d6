//! Quotations as passages of their own.
//!
//! Two outlets often quote the same words inside different sentences, so
//! passage matching never pairs them. [`candidate_pairs`] indexes every
//! quotation of every document by its word 4-shingles and proposes the pairs
//! of quotations (in different documents) that share one; the pipeline
//! aligns them and keeps the close ones, so a changed word or speaker is
//! still found.
//!
//! [`scan`] is a small quotation scanner used while claim extraction does not
//! yet return quotes.

use crate::claims::{Claim, ClaimKind};
use crate::document::{DocId, Passage, Span};
use crate::normalize;
use std::collections::HashMap;

/// Fewest words a quotation needs to be matched on its own.
pub const MIN_WORDS: usize = 5;
/// Shingles shared by more quotations than this are formulae, not evidence.
const MAX_POSTINGS: usize = 64;
const SHINGLE: usize = 4;

/// One document's quotations: their spans in its original text.
pub struct DocQuotes<'a> {
    /// The document.
    pub doc: DocId,
    /// Its original text.
    pub text: &'a str,
    /// The spans of its quotations.
    pub quotes: Vec<Span>,
}

/// Pairs of quotations in different documents that share a run of four
/// words, as passages (`a.doc < b.doc`), sorted and without repeats.
pub fn candidate_pairs(docs: &[DocQuotes<'_>]) -> Vec<(Passage, Passage)> {
    let mut postings: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
    for (di, d) in docs.iter().enumerate() {
        for (qi, q) in d.quotes.iter().enumerate() {
            let toks = normalize::tokenize(q.slice(d.text));
            if toks.len() < MIN_WORDS {
                continue;
            }
            let mut seen: Vec<u64> = toks
                .windows(SHINGLE)
                .map(|w| {
                    w.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, t| {
                        (h ^ t.hash).wrapping_mul(0x100_0000_01b3)
                    })
                })
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for s in seen {
                postings.entry(s).or_default().push((di, qi));
            }
        }
    }
    let mut out: Vec<(Passage, Passage)> = Vec::new();
    for list in postings.values() {
        if list.len() > MAX_POSTINGS {
            continue;
        }
        for (i, &(da, qa)) in list.iter().enumerate() {
            for &(db, qb) in &list[i + 1..] {
                if docs[da].doc == docs[db].doc {
                    continue;
                }
                let x = Passage {
                    doc: docs[da].doc,
                    span: docs[da].quotes[qa],
                };
                let y = Passage {
                    doc: docs[db].doc,
                    span: docs[db].quotes[qb],
                };
                out.push(if x.doc < y.doc { (x, y) } else { (y, x) });
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Opening quote marks and the marks that may close them.
const MARKS: [(char, &[char]); 6] = [
    ('"', &['"']),
    ('“', &['”', '“']),
    ('«', &['»']),
    ('„', &['“', '”']),
    ('‹', &['›']),
    ('”', &['”']),
];

/// Verbs that introduce a quotation.
const SAYS: [&str; 20] = [
    "قال",
    "وقال",
    "صرح",
    "وصرح",
    "أكد",
    "وأكد",
    "أوضح",
    "وأوضح",
    "أضاف",
    "وأضاف",
    "أعلن",
    "وأعلن",
    "اعتبر",
    "واعتبر",
    "said",
    "says",
    "told",
    "added",
    "stated",
    "declared",
];

/// Words between a verb and a quotation that are not the speaker.
const LINKS: [&str; 12] = [
    "إن",
    "أن",
    "بأن",
    "ان",
    "بان",
    "that",
    "the",
    "reporters",
    "on",
    "in",
    "عقب",
    "في",
];

/// Quotations of `text` as quote claims (content only, without the marks),
/// with the speaker when the sentence names one in a simple pattern.
pub fn scan(text: &str) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let Some((i, open)) = text[pos..]
            .char_indices()
            .find(|(_, c)| MARKS.iter().any(|(o, _)| o == c))
        else {
            break;
        };
        let start = pos + i + open.len_utf8();
        let closers = MARKS
            .iter()
            .find(|(o, _)| *o == open)
            .map(|m| m.1)
            .unwrap_or(&[]);
        let close = text[start..]
            .char_indices()
            .take_while(|&(j, c)| j < 2000 && c != '\n')
            .find(|(_, c)| closers.contains(c));
        let Some((j, close_ch)) = close else {
            pos = start;
            continue;
        };
        let end = start + j;
        let inner = &text[start..end];
        let t = inner.trim();
        if !t.is_empty() {
            let lead = inner.len() - inner.trim_start().len();
            let span = Span::new(start + lead, start + lead + t.len());
            out.push(Claim {
                kind: ClaimKind::Quote,
                span,
                value: None,
                unit: None,
                qualifier: None,
                speaker: speaker(
                    text,
                    span.start - lead - open.len_utf8(),
                    end + close_ch.len_utf8(),
                ),
                ..Claim::default()
            });
        }
        pos = end + close_ch.len_utf8();
    }
    out
}

fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | '،' | ':' | ';' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The speaker of a quotation opening at `open` and closing before `after`.
fn speaker(text: &str, open: usize, after: usize) -> Option<String> {
    // After the quotation: `…," said X` / `…"، قال X`.
    let tail: String = text[after..].chars().take(80).collect();
    let tail = tail.split(['.', '\n']).next().unwrap_or("");
    let tw = words(tail);
    if tw.first().is_some_and(|w| SAYS.contains(w)) {
        let name: Vec<&str> = tw[1..]
            .iter()
            .copied()
            .take_while(|w| {
                !LINKS.contains(w)
                    && w.chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || !c.is_ascii())
            })
            .take(5)
            .collect();
        if !name.is_empty() {
            return Some(name.join(" "));
        }
    }
    // Before it, in the same sentence.
    let head_start = text[..open]
        .char_indices()
        .rfind(|&(_, c)| matches!(c, '.' | '\n' | '؟' | '!'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let head = &text[head_start..open];
    let hw = words(head);
    let v = hw.iter().rposition(|w| SAYS.contains(w))?;
    let after_verb: Vec<&str> = hw[v + 1..]
        .iter()
        .copied()
        .take_while(|w| !LINKS.contains(w))
        .collect();
    if !after_verb.is_empty() && after_verb.len() <= 8 {
        return Some(after_verb.join(" "));
    }
    let before: Vec<&str> = hw[..v]
        .iter()
        .copied()
        .filter(|w| !matches!(*w, "وكان" | "كان" | "وقد" | "قد"))
        .collect();
    let from = before.len().saturating_sub(6);
    (!before[from..].is_empty()).then(|| before[from..].join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_quotes_and_speakers() {
        let t = "وقال وزير الخارجية سيرغي لافروف إن «حفتر يجب أن يكون جزءًا من الوفاق». وانتهى.";
        let q = scan(t);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].span.slice(t), "حفتر يجب أن يكون جزءًا من الوفاق");
        assert_eq!(q[0].speaker.as_deref(), Some("وزير الخارجية سيرغي لافروف"));
        let e = "\"We will not accept this deal,\" said John Smith on Monday.";
        let q = scan(e);
        assert_eq!(q[0].speaker.as_deref(), Some("John Smith"));
    }

    #[test]
    fn pairs_quotes_across_documents() {
        let a = "He said \"we will rebuild every school in the city\" today.";
        let b = "Officials quoted him: “we will rebuild every school in the region”.";
        let docs = [
            DocQuotes {
                doc: DocId(0),
                text: a,
                quotes: scan(a).iter().map(|c| c.span).collect(),
            },
            DocQuotes {
                doc: DocId(1),
                text: b,
                quotes: scan(b).iter().map(|c| c.span).collect(),
            },
        ];
        let p = candidate_pairs(&docs);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0.doc, DocId(0));
    }
}
