//! Reports: the text word diff for people and JSON Lines for machines.
//! Every reporter writes to an `io::Write`; none prints directly.

pub mod dedup;
pub mod jsonl;
pub mod text;
pub mod wire;

use crate::summary::CheckOutcome;
use std::io::{self, Write};

/// Options every reporter may read.
#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// Color (ANSI escapes) in the text report.
    pub color: bool,
}

/// Writes `outcome` as the text report.
pub fn write_text<W: Write>(
    out: &mut W,
    outcome: &CheckOutcome,
    opts: &ReportOptions,
) -> io::Result<()> {
    text::write(out, outcome, opts)
}

/// Writes `outcome` as JSON Lines.
pub fn write_jsonl<W: Write>(out: &mut W, outcome: &CheckOutcome) -> io::Result<()> {
    jsonl::write(out, outcome)
}

/// Article text made safe for a terminal: control characters (C0, DEL, C1,
/// hence every ANSI escape sequence's introducer) become U+FFFD, except tab
/// and newline which become a space.
pub fn sanitize_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if is_unsafe(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
}
