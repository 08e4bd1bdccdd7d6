//! Text report: per pair a header, a word diff and the findings.

use super::{ReportOptions, sanitize_terminal};
use crate::align::OpTag;
use crate::summary::{CheckOutcome, PairResult};
use std::io::{self, Write};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// Writes the whole report.
pub fn write<W: Write>(out: &mut W, o: &CheckOutcome, opts: &ReportOptions) -> io::Result<()> {
    for (i, p) in o.pairs.iter().enumerate() {
        write_pair(out, o, i + 1, p, opts)?;
    }
    writeln!(
        out,
        "{} documents, {} pairs, {} findings, {} errors",
        o.corpus.len(),
        o.pairs.len(),
        o.findings(),
        o.errors.len()
    )
}

fn write_pair<W: Write>(
    out: &mut W,
    o: &CheckOutcome,
    n: usize,
    p: &PairResult,
    opts: &ReportOptions,
) -> io::Result<()> {
    let (da, db) = (o.corpus.get(p.a.doc), o.corpus.get(p.b.doc));
    let style = |s: &str| {
        if opts.color {
            s.to_string()
        } else {
            String::new()
        }
    };
    writeln!(
        out,
        "{}pair {n}{}: {} [{}..{}]  ~  {} [{}..{}]  similarity {:.2}",
        style(BOLD),
        style(RESET),
        sanitize_terminal(&da.name),
        p.a.span.start,
        p.a.span.end,
        sanitize_terminal(&db.name),
        p.b.span.start,
        p.b.span.end,
        p.similarity
    )?;
    let al = &p.alignment;
    let mut line = String::new();
    for op in &al.ops {
        let sa = sanitize_terminal(al.a_span(&op.a).slice(&da.text)).into_owned();
        let sb = sanitize_terminal(al.b_span(&op.b).slice(&db.text)).into_owned();
        match op.tag {
            OpTag::Equal => line.push_str(&sa),
            OpTag::Delete => push_marked(&mut line, &sa, "[-", "-]", RED, opts.color),
            OpTag::Insert => push_marked(&mut line, &sb, "{+", "+}", GREEN, opts.color),
            OpTag::Replace => {
                push_marked(&mut line, &sa, "[-", "-]", RED, opts.color);
                push_marked(&mut line, &sb, "{+", "+}", GREEN, opts.color);
            }
        }
        line.push(' ');
    }
    writeln!(out, "  {}", line.trim_end())?;
    for f in &p.findings {
        writeln!(
            out,
            "  {}{}{}: {}",
            style(YELLOW),
            f.kind.name(),
            style(RESET),
            sanitize_terminal(&f.message)
        )?;
    }
    writeln!(out)
}

fn push_marked(line: &mut String, s: &str, open: &str, close: &str, color: &str, colored: bool) {
    if colored {
        line.push_str(color);
        line.push_str(s);
        line.push_str(RESET);
    } else {
        line.push_str(open);
        line.push_str(s);
        line.push_str(close);
    }
}
