//! The `crosscheck claims` listing: every claim of every document, as text
//! for people or as JSON Lines.
//!
//! JSON Lines: one `{"type":"claim",…}` object per claim, then one
//! `{"type":"claims_summary","documents","claims","errors","by_kind"}` line.
//! Claim fields: `doc` (document name), `start`/`end` (byte offsets into
//! the document's original text, half-open), `text` (the original text of
//! the span), `kind` (`number`, `percent`, `money`, `quantity`, `ordinal`,
//! `date`, `quote`), `value` (number or null), `unit`, `qualifier`,
//! `speaker` (strings or null), `base_value`/`base_unit` (measured
//! quantities in grams, metres, litres, square metres or seconds), `min`/
//! `max` (vague quantities), `date` (null or `{calendar, year, month, day,
//! weekday, time, gregorian, hijri, relative}`), `lang` (`ar`, `en`,
//! `other`: the language of the claim's sentence).

use crate::claims::{Claim, ClaimKind, DateValue};
use crate::document::Lang;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// One document and its claims.
#[derive(Clone, Copy, Debug)]
pub struct DocClaims<'a> {
    /// Document name.
    pub name: &'a str,
    /// Original text (claim spans index into it).
    pub text: &'a str,
    /// Its claims, sorted by start.
    pub claims: &'a [Claim],
    /// The document's language.
    pub lang: Lang,
}

#[derive(Serialize)]
struct WireClaim<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    doc: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    kind: ClaimKind,
    value: Option<f64>,
    unit: Option<&'a str>,
    qualifier: Option<&'a str>,
    speaker: Option<&'a str>,
    base_value: Option<f64>,
    base_unit: Option<&'a str>,
    min: Option<f64>,
    max: Option<f64>,
    date: Option<&'a DateValue>,
    lang: Lang,
}

#[derive(Serialize)]
struct WireSummary {
    #[serde(rename = "type")]
    ty: &'static str,
    documents: usize,
    claims: usize,
    errors: usize,
    by_kind: BTreeMap<&'static str, usize>,
}

fn by_kind(docs: &[DocClaims]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for c in docs.iter().flat_map(|d| d.claims) {
        *m.entry(c.kind.name()).or_insert(0) += 1;
    }
    m
}

/// Writes the claims as JSON Lines, then the summary line.
pub fn write_jsonl<W: Write>(out: &mut W, docs: &[DocClaims], errors: usize) -> io::Result<()> {
    for d in docs {
        for c in d.claims {
            let w = WireClaim {
                ty: "claim",
                doc: d.name,
                start: c.span.start,
                end: c.span.end,
                text: c.span.slice(d.text),
                kind: c.kind,
                value: c.value,
                unit: c.unit.as_deref(),
                qualifier: c.qualifier.as_deref(),
                speaker: c.speaker.as_deref(),
                base_value: c.base_value,
                base_unit: c.base_unit.as_deref(),
                min: c.min,
                max: c.max,
                date: c.date.as_deref(),
                lang: c.lang,
            };
            serde_json::to_writer(&mut *out, &w)?;
            out.write_all(b"\n")?;
        }
    }
    let s = WireSummary {
        ty: "claims_summary",
        documents: docs.len(),
        claims: docs.iter().map(|d| d.claims.len()).sum(),
        errors,
        by_kind: by_kind(docs),
    };
    serde_json::to_writer(&mut *out, &s)?;
    out.write_all(b"\n")
}

/// Article text is data: control characters (escape sequences) and
/// newlines never reach the terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Writes the claims for people: one line per claim under each document.
pub fn write_text<W: Write>(out: &mut W, docs: &[DocClaims], errors: usize) -> io::Result<()> {
    for d in docs {
        writeln!(
            out,
            "{} ({}, {} claims)",
            clean(d.name),
            d.lang.tag(),
            d.claims.len()
        )?;
        for c in d.claims {
            let mut line = format!("  {}..{}  {:<8}", c.span.start, c.span.end, c.kind.name());
            if let Some(v) = c.value {
                line.push_str(&format!(" {}", number(v)));
            }
            if let (Some(lo), Some(hi)) = (c.min, c.max) {
                line.push_str(&format!(" {}–{}", number(lo), number(hi)));
            }
            if let Some(u) = &c.unit {
                line.push_str(&format!(" {}", clean(u)));
            }
            if let Some(q) = &c.qualifier {
                line.push_str(&format!(" [{q}]"));
            }
            if let (Some(b), Some(u)) = (c.base_value, &c.base_unit) {
                line.push_str(&format!(" (= {} {u})", number(b)));
            }
            if let Some(dv) = &c.date {
                for part in [&dv.gregorian, &dv.time, &dv.relative]
                    .into_iter()
                    .flatten()
                {
                    line.push_str(&format!(" {}", clean(part)));
                }
                if let Some(w) = dv.weekday {
                    line.push_str(&format!(" {w}"));
                }
                if let Some(h) = &dv.hijri {
                    line.push_str(&format!(" (hijri {h})"));
                }
            }
            let mut quoted = clean(c.span.slice(d.text));
            if quoted.chars().count() > 80 {
                quoted = quoted.chars().take(77).collect::<String>() + "…";
            }
            line.push_str(&format!("  «{quoted}»"));
            if let Some(s) = &c.speaker {
                line.push_str(&format!("  speaker: {}", clean(s)));
            }
            writeln!(out, "{line}")?;
        }
    }
    let total: usize = docs.iter().map(|d| d.claims.len()).sum();
    let kinds: Vec<String> = by_kind(docs)
        .into_iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    writeln!(
        out,
        "{}, {} ({}), {}",
        super::counted(docs.len(), "document"),
        super::counted(total, "claim"),
        if kinds.is_empty() {
            "none".to_string()
        } else {
            kinds.join(", ")
        },
        super::counted(errors, "error")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{ClaimOptions, extract};

    #[test]
    fn jsonl_lines() {
        let text = "وصل ألف جندي أمريكي";
        let claims = extract(text, &ClaimOptions::default());
        let docs = [DocClaims {
            name: "a.txt",
            text,
            claims: &claims,
            lang: Lang::Ar,
        }];
        let mut out = Vec::new();
        write_jsonl(&mut out, &docs, 0).unwrap();
        let s = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = s
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["type"], "claim");
        assert_eq!(lines[0]["text"], "ألف جندي");
        assert_eq!(lines[0]["value"], 1000.0);
        assert_eq!(lines[0]["unit"], "soldier");
        assert_eq!(lines[1]["type"], "claims_summary");
        assert_eq!(lines[1]["claims"], 1);
    }

    #[test]
    fn text_strips_controls() {
        let text = "\u{1b}[31m 12 people";
        let claims = extract(text, &ClaimOptions::default());
        let docs = [DocClaims {
            name: "x\u{1b}",
            text,
            claims: &claims,
            lang: Lang::En,
        }];
        let mut out = Vec::new();
        write_text(&mut out, &docs, 0).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(!s.contains('\u{1b}'), "{s}");
        assert!(s.contains("quantity 12 person"), "{s}");
    }
}
