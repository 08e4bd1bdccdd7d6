//! JSON Lines report. The schema is documented field by field in
//! `docs/jsonl.md`.
//!
//! # Wire format
//!
//! One JSON object per line, each with a `"type"`:
//!
//! - `{"type":"pair","a":{"doc","start","end","text"},"b":{…},"similarity","hamming","same_source","findings":[…]}`
//!   for each reported pair, sorted by document a, then b, then start.
//! - Each finding: `{"kind","severity","a":{"text","start","end","value","unit"},"b":{…},"message"}`.
//! - `{"type":"summary","documents","passages","pairs","findings","errors","schema_version"}` last.
//!
//! Guarantees: `start`/`end` are half-open byte offsets into the original
//! document text, `start <= end`, on UTF-8 character boundaries, and `text`
//! is exactly that slice. New message types and fields may appear; existing
//! ones keep their meaning.

use super::wire;
use crate::summary::CheckOutcome;
use std::io::{self, Write};

/// Writes every pair, then the summary line.
pub fn write<W: Write>(out: &mut W, outcome: &CheckOutcome) -> io::Result<()> {
    for p in &outcome.pairs {
        serde_json::to_writer(&mut *out, &wire::pair(&outcome.corpus, p))?;
        out.write_all(b"\n")?;
    }
    serde_json::to_writer(&mut *out, &wire::summary(outcome))?;
    out.write_all(b"\n")
}
