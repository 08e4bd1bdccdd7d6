//! CSV report: one row per finding, for spreadsheets (RFC 4180: comma
//! separated, CRLF line ends, fields quoted when they hold a comma, quote or
//! line break).
//!
//! Columns: `pair, kind, severity, doc_a, source_a, start_a, end_a, text_a,
//! value_a, unit_a, doc_b, source_b, start_b, end_b, text_b, value_b, unit_b,
//! message, passage_a, passage_b`. `start`/`end` are byte offsets into the
//! original document, half-open, as in JSON Lines; `text` is the claim as
//! written, `passage` the whole copied passage.
//!
//! Spreadsheets run cells that start with `=`, `+`, `-`, `@`, tab or CR as
//! formulas. Article text is data, so every text cell that starts with one
//! of those gets a leading `'` (the OWASP advice); numeric cells are written
//! by us and left alone. `--csv-bom` starts the file with a UTF-8 byte order
//! mark, which Excel needs to read Arabic correctly.

use super::ReportOptions;
use crate::document::Corpus;
use crate::summary::{CheckOutcome, PairResult};
use std::io::{self, Write};

/// The header row.
pub const HEADER: [&str; 20] = [
    "pair",
    "kind",
    "severity",
    "doc_a",
    "source_a",
    "start_a",
    "end_a",
    "text_a",
    "value_a",
    "unit_a",
    "doc_b",
    "source_b",
    "start_b",
    "end_b",
    "text_b",
    "value_b",
    "unit_b",
    "message",
    "passage_a",
    "passage_b",
];

/// A text cell, defused against formula injection and quoted as needed.
/// Control characters other than tab and line breaks (ANSI escapes in
/// article text) become U+FFFD, so that printing the file is harmless.
pub fn text_cell(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect();
    let defused = match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s,
    };
    quote(&defused)
}

/// Quotes a field when it holds a comma, a quote or a line break.
fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes the header and one row per finding.
pub fn write<W: Write>(out: &mut W, o: &CheckOutcome, opts: &ReportOptions) -> io::Result<()> {
    super::write_csv(out, o, opts)
}

/// Writes the byte order mark (when asked for) and the header row.
pub fn write_header<W: Write>(out: &mut W, opts: &ReportOptions) -> io::Result<()> {
    if opts.csv_bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    out.write_all(HEADER.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

/// Writes the rows of the findings of `pairs`, numbered from `first`.
pub fn write_pairs<W: Write>(
    out: &mut W,
    corpus: &Corpus,
    first: usize,
    pairs: &[PairResult],
) -> io::Result<()> {
    for (i, p) in pairs.iter().enumerate() {
        let (da, db) = (corpus.get(p.a.doc), corpus.get(p.b.doc));
        for f in &p.findings {
            let mut row: Vec<String> = vec![(first + i).to_string(), f.kind.name().to_string()];
            row.push(
                serde_json::to_value(f.severity)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            );
            for (d, side) in [(da, &f.a), (db, &f.b)] {
                row.push(text_cell(&d.name));
                row.push(text_cell(d.source.as_deref().unwrap_or("")));
                row.push(side.span.start.to_string());
                row.push(side.span.end.to_string());
                row.push(text_cell(side.span.slice(&d.text)));
                row.push(num(side.value));
                row.push(text_cell(side.unit.as_deref().unwrap_or("")));
            }
            row.push(text_cell(&f.message));
            row.push(text_cell(p.a.span.slice(&da.text)));
            row.push(text_cell(p.b.span.slice(&db.text)));
            out.write_all(row.join(",").as_bytes())?;
            out.write_all(b"\r\n")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(text_cell("=cmd()"), "'=cmd()");
        assert_eq!(text_cell("+1"), "'+1");
        assert_eq!(text_cell("-2+3"), "'-2+3");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("\t=1"), "'\t=1");
        assert_eq!(text_cell("a=b"), "a=b");
        assert_eq!(text_cell("قال"), "قال");
        assert_eq!(text_cell("a\x1b[31mb"), "a\u{fffd}[31mb");
    }

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(text_cell("a,b"), "\"a,b\"");
        assert_eq!(text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            text_cell("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(text_cell("two\nlines"), "\"two\nlines\"");
    }
}
