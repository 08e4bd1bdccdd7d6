//! Quotes (placeholder).
use super::Claim;
/// Quotes.
pub fn quotes(_text: &str) -> Vec<Claim> {
    Vec::new()
}
