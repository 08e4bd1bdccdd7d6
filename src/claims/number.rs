//! Numbers written in digits.

use super::{Claim, ClaimKind};
use crate::document::Span;

/// The ASCII value of a decimal digit in any of the three digit systems.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{660}'..='\u{669}' => Some(c as u32 - 0x660), // Arabic-Indic
        '\u{6f0}'..='\u{6f9}' => Some(c as u32 - 0x6f0), // Extended (Persian)
        _ => None,
    }
}

/// Parses a run of digits and separators into a value. A separator
/// followed by exactly three digits, repeated, is a thousands separator;
/// a single `.`/`٫` (or a `,` not followed by three digits) is decimal.
pub fn parse_digits(s: &str) -> Option<f64> {
    let mut groups: Vec<String> = vec![String::new()];
    let mut seps: Vec<char> = Vec::new();
    for c in s.chars() {
        if let Some(d) = digit_value(c) {
            groups.last_mut()?.push(char::from_digit(d, 10)?);
        } else {
            seps.push(c);
            groups.push(String::new());
        }
    }
    if groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    let is_dec = |c: char| c == '.' || c == '٫' || c == ',';
    let plain = |gs: &[String]| gs.concat();
    let value = if seps.is_empty() {
        plain(&groups)
    } else if seps.len() == 1 && (groups[1].len() != 3 || seps[0] == '٫') {
        if !is_dec(seps[0]) {
            return None;
        }
        format!("{}.{}", groups[0], groups[1])
    } else if groups[1..].iter().all(|g| g.len() == 3) && seps.iter().all(|&c| c == seps[0]) {
        plain(&groups)
    } else {
        // 1,234.5 / 1.234,5: thousands groups, then one decimal separator.
        let last = seps.len() - 1;
        if seps[..last].iter().all(|&c| c == seps[0])
            && seps[last] != seps[0]
            && groups[1..=last].iter().all(|g| g.len() == 3)
        {
            format!("{}.{}", plain(&groups[..=last]), groups[last + 1])
        } else {
            return None;
        }
    };
    value.parse().ok()
}

/// Numbers written in digits, with `%`/`٪` making a percentage.
pub fn digits(text: &str) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        if digit_value(c).is_none() {
            pos += c.len_utf8();
            continue;
        }
        let start = pos;
        let mut end = pos + c.len_utf8();
        // Digits, with single separators between digits.
        loop {
            let mut rest = text[end..].chars();
            match rest.next() {
                Some(d) if digit_value(d).is_some() => end += d.len_utf8(),
                Some(s) if matches!(s, '.' | ',' | '٫' | '٬') => match rest.next() {
                    Some(d) if digit_value(d).is_some() => end += s.len_utf8() + d.len_utf8(),
                    _ => break,
                },
                _ => break,
            }
        }
        pos = end;
        let Some(value) = parse_digits(&text[start..end]) else {
            continue;
        };
        let mut kind = ClaimKind::Number;
        let mut unit = None;
        let rest = &text[end..];
        let trimmed = rest.trim_start_matches(' ');
        if let Some(p) = trimmed.chars().next().filter(|&p| p == '%' || p == '٪') {
            kind = ClaimKind::Percent;
            unit = Some("%".to_string());
            end += rest.len() - trimmed.len() + p.len_utf8();
            pos = end;
        }
        out.push(Claim {
            kind,
            span: Span::new(start, end),
            value: Some(value),
            unit,
            qualifier: None,
            speaker: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(parse_digits("2.9"), Some(2.9));
        assert_eq!(parse_digits("2,9"), Some(2.9));
        assert_eq!(parse_digits("٢٫٩"), Some(2.9));
        assert_eq!(parse_digits("18,839,519"), Some(18_839_519.0));
        assert_eq!(parse_digits("18.839.519"), Some(18_839_519.0));
        assert_eq!(parse_digits("1,234.5"), Some(1234.5));
        assert_eq!(parse_digits("2008"), Some(2008.0));
    }

    #[test]
    fn finds_percent() {
        let c = digits("rose 23% and ٤٥٪");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].kind, ClaimKind::Percent);
        assert_eq!(c[1].value, Some(45.0));
    }
}
