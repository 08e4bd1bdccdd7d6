//! Reports of `crosscheck dedup`: text, JSON Lines, CSV, and `--unique`.
//!
//! # Wire format (JSON Lines)
//!
//! One JSON object per line, each with a `"type"`:
//!
//! - `{"type":"cluster","id":N,"level":"document"|"passage","representative":ID,"members":[…]}`
//!   for each cluster, largest first (ids 1, 2, … in that order). At
//!   passage level it also has `"text"`: the representative's passage.
//!   Each member: `{"doc":ID,"overlap":0..1,"source":S|null,"findings":N,"spans":[{"start","end"},…]}`,
//!   the representative first (`overlap` 1, `findings` 0). At document
//!   level `overlap` is the share of the shorter of member and representative
//!   covered by their aligned passages and `spans` are the member's passages
//!   aligned with the representative; at passage level `overlap` is the word
//!   similarity of the member's occurrence with the representative's, and
//!   `spans` are its occurrences. `findings` counts the claims that differ
//!   between the member and the representative.
//! - With `--all`, each singleton as a cluster of one member, after the clusters.
//! - `{"type":"boilerplate","source":S|null,"documents":N,"text":T,"occurrences":[{"doc","start","end"},…]}`
//!   for each boilerplate unit (most widespread first): kept out of matching.
//! - `{"type":"summary","level","documents","clusters","clustered_documents","singletons","boilerplate","errors","schema_version"}` last.
//!
//! Guarantees: `start`/`end` are half-open byte offsets into the original
//! document text, on UTF-8 character boundaries. New message types and
//! fields may appear; existing ones keep their meaning.
//!
//! # CSV
//!
//! A header, then one row per cluster member:
//! `cluster,level,representative,doc,overlap,source,findings,spans`, with
//! `spans` as `start-end` joined by `;`. Boilerplate is not in the CSV.
//! Text cells (ids, sources) are defused against formula injection like
//! the `check` CSV's ([`super::csv::text_cell`]).

use super::counted;
use super::sanitize_terminal;
use super::wire::SCHEMA_VERSION;
use crate::dedup::{Cluster, DedupOutcome, Keep, Level, Member};
use crate::document::{DocId, Span};
use serde::Serialize;
use std::io::{self, Write};

/// Options of the dedup reports.
#[derive(Clone, Debug, Default)]
pub struct DedupReportOptions {
    /// ANSI colors in the text report.
    pub color: bool,
    /// List singletons too.
    pub all: bool,
}

#[derive(Serialize)]
struct WireSpan {
    start: usize,
    end: usize,
}

impl From<&Span> for WireSpan {
    fn from(s: &Span) -> Self {
        WireSpan {
            start: s.start,
            end: s.end,
        }
    }
}

#[derive(Serialize)]
struct WireMember<'a> {
    doc: &'a str,
    overlap: f64,
    source: Option<&'a str>,
    findings: usize,
    spans: Vec<WireSpan>,
}

#[derive(Serialize)]
struct WireCluster<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: usize,
    level: Level,
    representative: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    members: Vec<WireMember<'a>>,
}

#[derive(Serialize)]
struct WireOccurrence<'a> {
    doc: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct WireBoilerplate<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    source: Option<&'a str>,
    documents: usize,
    text: &'a str,
    occurrences: Vec<WireOccurrence<'a>>,
}

#[derive(Serialize)]
struct WireSummary {
    #[serde(rename = "type")]
    kind: &'static str,
    level: Level,
    documents: usize,
    clusters: usize,
    clustered_documents: usize,
    singletons: usize,
    boilerplate: usize,
    errors: usize,
    schema_version: u32,
}

/// Rounds a share for output (4 decimals), so reports stay readable and stable.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Singletons as clusters of one, numbered after `o.clusters`.
fn singleton_clusters(o: &DedupOutcome) -> Vec<Cluster> {
    o.singletons
        .iter()
        .enumerate()
        .map(|(i, &d)| Cluster {
            id: o.clusters.len() + i + 1,
            level: o.level,
            representative: d,
            members: vec![Member {
                doc: d,
                overlap: 1.0,
                findings: 0,
                spans: Vec::new(),
            }],
        })
        .collect()
}

fn listed(o: &DedupOutcome, opts: &DedupReportOptions) -> Vec<Cluster> {
    let mut all = o.clusters.clone();
    if opts.all {
        all.extend(singleton_clusters(o));
    }
    all
}

/// Documents in clusters.
fn clustered(o: &DedupOutcome) -> usize {
    let mut d: Vec<DocId> = o
        .clusters
        .iter()
        .flat_map(|c| c.members.iter().map(|m| m.doc))
        .collect();
    d.sort_unstable();
    d.dedup();
    d.len()
}

fn boilerplate_docs(b: &crate::dedup::Boilerplate) -> usize {
    let mut d: Vec<DocId> = b.occurrences.iter().map(|p| p.doc).collect();
    d.dedup();
    d.len()
}

/// Writes JSON Lines (see the module docs).
pub fn write_jsonl<W: Write>(
    out: &mut W,
    o: &DedupOutcome,
    opts: &DedupReportOptions,
) -> io::Result<()> {
    let name = |d: DocId| o.corpus.get(d).name.as_str();
    for c in listed(o, opts) {
        let rep_text = (c.level == Level::Passage)
            .then(|| c.members[0].spans.first())
            .flatten()
            .map(|s| s.slice(&o.corpus.get(c.representative).text));
        let w = WireCluster {
            kind: "cluster",
            id: c.id,
            level: c.level,
            representative: name(c.representative),
            text: rep_text,
            members: c
                .members
                .iter()
                .map(|m| WireMember {
                    doc: name(m.doc),
                    overlap: round4(m.overlap),
                    source: o.corpus.get(m.doc).source.as_deref(),
                    findings: m.findings,
                    spans: m.spans.iter().map(WireSpan::from).collect(),
                })
                .collect(),
        };
        super::jsonl::to_writer(&mut *out, &w)?;
        out.write_all(b"\n")?;
    }
    for b in &o.boilerplate {
        let first = b.occurrences[0];
        let w = WireBoilerplate {
            kind: "boilerplate",
            source: b.source.as_deref(),
            documents: boilerplate_docs(b),
            text: first.span.slice(&o.corpus.get(first.doc).text),
            occurrences: b
                .occurrences
                .iter()
                .map(|p| WireOccurrence {
                    doc: name(p.doc),
                    start: p.span.start,
                    end: p.span.end,
                })
                .collect(),
        };
        super::jsonl::to_writer(&mut *out, &w)?;
        out.write_all(b"\n")?;
    }
    super::jsonl::to_writer(&mut *out, &summary(o))?;
    out.write_all(b"\n")
}

fn summary(o: &DedupOutcome) -> WireSummary {
    WireSummary {
        kind: "summary",
        level: o.level,
        documents: o.corpus.len(),
        clusters: o.clusters.len(),
        clustered_documents: clustered(o),
        singletons: o.singletons.len(),
        boilerplate: o.boilerplate.len(),
        errors: o.errors.len(),
        schema_version: SCHEMA_VERSION,
    }
}

/// A CSV text field: quoted when it needs to be, control characters made
/// inert and a leading `=`, `+`, `-`, `@` defused, as in the `check` CSV.
fn csv_field(s: &str) -> String {
    super::csv::text_cell(s)
}

/// Writes CSV: a header and one row per cluster member.
pub fn write_csv<W: Write>(
    out: &mut W,
    o: &DedupOutcome,
    opts: &DedupReportOptions,
) -> io::Result<()> {
    writeln!(
        out,
        "cluster,level,representative,doc,overlap,source,findings,spans"
    )?;
    for c in listed(o, opts) {
        let rep = &o.corpus.get(c.representative).name;
        for m in &c.members {
            let d = o.corpus.get(m.doc);
            let spans: Vec<String> = m
                .spans
                .iter()
                .map(|s| format!("{}-{}", s.start, s.end))
                .collect();
            writeln!(
                out,
                "{},{},{},{},{:.4},{},{},{}",
                c.id,
                c.level.name(),
                csv_field(rep),
                csv_field(&d.name),
                m.overlap,
                csv_field(d.source.as_deref().unwrap_or("")),
                m.findings,
                spans.join(";")
            )?;
        }
    }
    Ok(())
}

const BOLD: &str = "\x1b[1m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// At most `n` characters of `s`, on one line, safe for a terminal.
fn excerpt(s: &str, n: usize) -> String {
    let one: String = sanitize_terminal(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if one.chars().count() <= n {
        one
    } else {
        let cut: String = one.chars().take(n).collect();
        format!("{cut}…")
    }
}

/// Writes the text report: clusters, boilerplate, one summary line.
pub fn write_text<W: Write>(
    out: &mut W,
    o: &DedupOutcome,
    opts: &DedupReportOptions,
) -> io::Result<()> {
    let (bold, yellow, reset) = if opts.color {
        (BOLD, YELLOW, RESET)
    } else {
        ("", "", "")
    };
    for c in &o.clusters {
        let rep = o.corpus.get(c.representative);
        match c.level {
            Level::Document => writeln!(
                out,
                "{bold}cluster {}{reset}: {} documents, representative {}",
                c.id,
                c.members.len(),
                sanitize_terminal(&rep.name)
            )?,
            Level::Passage => {
                let text = c.members[0]
                    .spans
                    .first()
                    .map_or("", |s| s.slice(&rep.text));
                writeln!(
                    out,
                    "{bold}passage {}{reset}: in {} documents: \"{}\"",
                    c.id,
                    c.members.len(),
                    excerpt(text, 70)
                )?
            }
        }
        writeln!(out, "  overlap  findings  source          document")?;
        for (i, m) in c.members.iter().enumerate() {
            let d = o.corpus.get(m.doc);
            let spans: Vec<String> = m
                .spans
                .iter()
                .map(|s| format!("{}..{}", s.start, s.end))
                .collect();
            let findings = if i == 0 {
                "-".to_string()
            } else if m.findings > 0 {
                format!("{yellow}{}{reset}", m.findings)
            } else {
                "0".to_string()
            };
            let pad = if i != 0 && m.findings > 0 {
                8 + yellow.len() + reset.len()
            } else {
                8
            };
            writeln!(
                out,
                "  {:>7.2}  {findings:>pad$}  {:<14}  {}{}{}",
                m.overlap,
                sanitize_terminal(d.source.as_deref().unwrap_or("-")),
                sanitize_terminal(&d.name),
                d.date
                    .as_deref()
                    .map(|x| format!(" ({})", sanitize_terminal(x)))
                    .unwrap_or_default(),
                if c.level == Level::Passage {
                    format!(" [{}]", spans.join(", "))
                } else {
                    String::new()
                },
            )?;
        }
        writeln!(out)?;
    }
    if opts.all && !o.singletons.is_empty() {
        writeln!(out, "{bold}singletons{reset}: {}", o.singletons.len())?;
        for &d in &o.singletons {
            writeln!(out, "  {}", sanitize_terminal(&o.corpus.get(d).name))?;
        }
        writeln!(out)?;
    }
    if !o.boilerplate.is_empty() {
        writeln!(
            out,
            "{bold}boilerplate{reset} (kept out of matching): {} passages",
            o.boilerplate.len()
        )?;
        for b in &o.boilerplate {
            let first = b.occurrences[0];
            writeln!(
                out,
                "  {} documents of {}: \"{}\"",
                boilerplate_docs(b),
                sanitize_terminal(b.source.as_deref().unwrap_or("(no source)")),
                excerpt(first.span.slice(&o.corpus.get(first.doc).text), 60)
            )?;
        }
        writeln!(out)?;
    }
    let s = summary(o);
    match o.level {
        Level::Document => writeln!(
            out,
            "{}, {} holding {}, {}, {}, {}",
            counted(s.documents, "document"),
            counted(s.clusters, "cluster"),
            counted(s.clustered_documents, "document"),
            counted(s.singletons, "singleton"),
            counted(s.boilerplate, "boilerplate passage"),
            counted(s.errors, "error")
        ),
        Level::Passage => writeln!(
            out,
            "{}, {} in {}, {}, {}",
            counted(s.documents, "document"),
            counted(s.clusters, "reused passage"),
            counted(s.clustered_documents, "document"),
            counted(s.boilerplate, "boilerplate passage"),
            counted(s.errors, "error")
        ),
    }
}

/// Writes the names of the documents to keep, one per line, in corpus order.
/// A name holding control characters (a line break would split it, an
/// escape sequence would reach the terminal) is written with them replaced
/// as in the text report; the JSON Lines report has every name exact.
pub fn write_unique<W: Write>(out: &mut W, o: &DedupOutcome, keep: Keep) -> io::Result<()> {
    for d in crate::dedup::unique(&o.corpus, &o.words, &o.clusters, &o.singletons, keep) {
        writeln!(out, "{}", sanitize_terminal(&o.corpus.get(d).name))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("a.txt"), "a.txt");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("a\u{1b}[2J"), "a\u{fffd}[2J");
    }

    #[test]
    fn excerpt_is_one_safe_line() {
        assert_eq!(excerpt("a\x1b[31m\nb  c", 10), "a\u{fffd}[31m b c");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }
}
