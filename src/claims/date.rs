//! Dates (placeholder while being written).
use super::Claim;
use super::token::Token;
use crate::document::Lang;
use serde::Serialize;

/// A resolved date.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct DateValue {
    /// Gregorian `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub gregorian: Option<String>,
}

/// Dates.
pub fn dates(
    _text: &str,
    _toks: &[Token],
    _claimed: &mut [bool],
    _lang: &dyn Fn(usize) -> Lang,
) -> Vec<Claim> {
    Vec::new()
}
