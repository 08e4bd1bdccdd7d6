//! Numbers written in digits: the value of one digit token.

/// The value of a decimal digit in any of the three digit systems
/// (Western, Arabic-Indic, Extended Arabic-Indic / Persian).
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{660}'..='\u{669}' => Some(c as u32 - 0x660), // Arabic-Indic
        '\u{6f0}'..='\u{6f9}' => Some(c as u32 - 0x6f0), // Extended (Persian)
        _ => None,
    }
}

/// Splits a digit token into its ASCII digit groups and the separators
/// between them. A right-to-left mark after a separator is reported as
/// `reversed`.
fn groups(s: &str) -> Option<(Vec<String>, Vec<char>, bool)> {
    let mut groups: Vec<String> = vec![String::new()];
    let mut seps: Vec<char> = Vec::new();
    let mut reversed = false;
    for c in s.chars() {
        if let Some(d) = digit_value(c) {
            groups.last_mut()?.push(char::from_digit(d, 10)?);
        } else if c == '\u{200f}' {
            reversed = true;
        } else {
            let c = match c {
                '\u{a0}' | '\u{202f}' | '\u{2009}' => ' ',
                c => c,
            };
            seps.push(c);
            groups.push(String::new());
        }
    }
    // A leading decimal separator: ".75", "٫٧٧".
    if groups.len() == 2
        && groups[0].is_empty()
        && !groups[1].is_empty()
        && matches!(seps[..], ['.'] | ['٫'])
    {
        groups[0].push('0');
    }
    if groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    Some((groups, seps, reversed))
}

/// Parses a number token (digits with inner separators) into its value.
///
/// * A separator followed by exactly three digits, repeated, is a thousands
///   separator (`18,839,519`, `18.839.519`, `1 500 000`, `٤٬٥٠٠`); one
///   other separator is decimal (`2.9`, `2,9`, `٢٫٩`, `157،7`).
/// * Thousands groups then one different separator: `1,234.5`, `1.234,5`;
///   dots as thousands with two-digit halalas after them: `310.000.000.00`.
/// * The Saudi Press Agency's `ر` notation writes groups reversed:
///   `000ر22` = 22,000, `50ر11` = 11.50.
/// * A right-to-left mark after the separator reverses a decimal:
///   `6.\u{200f}2` = 2.6.
pub fn parse_digits(s: &str) -> Option<f64> {
    parse_digits_in(s, false)
}

/// [`parse_digits`], where `english` reads a single dot as a decimal point
/// even before three digits ("4.800" = 4.8 in English, 4800 in Arabic copy).
pub fn parse_digits_in(s: &str, english: bool) -> Option<f64> {
    parse_digits_with(s, &|| english)
}

/// [`parse_digits_in`], with whether the text is English asked only of
/// digits it changes (one dot between two groups): finding a sentence's
/// language reads the whole sentence, and most figures need not know it.
pub fn parse_digits_with(s: &str, english: &dyn Fn() -> bool) -> Option<f64> {
    let (mut groups, seps, reversed) = groups(s)?;
    if seps.len() == 1 && seps[0] == '.' && english() {
        return format!("{}.{}", groups[0], groups[1]).parse().ok();
    }
    if seps.is_empty() {
        return groups[0].parse().ok();
    }
    if seps.contains(&'ر') {
        if seps.iter().any(|&c| c != 'ر') {
            return None;
        }
        groups.reverse();
        let n = groups.len();
        let text = if groups[1..].iter().all(|g| g.len() == 3) {
            groups.concat()
        } else if n >= 2 && groups[1..n - 1].iter().all(|g| g.len() == 3) {
            format!("{}.{}", groups[..n - 1].concat(), groups[n - 1])
        } else {
            return None;
        };
        return text.parse().ok();
    }
    if reversed && seps.len() == 1 {
        return format!("{}.{}", groups[1], groups[0]).parse().ok();
    }
    let is_dec = |c: char| matches!(c, '.' | '٫' | ',' | '،');
    // Indian grouping: 12,34,567.89
    let n = groups.len();
    if n >= 4
        && seps[..n - 2].iter().all(|&c| c == ',')
        && seps[n - 2] == '.'
        && groups[n - 2].len() == 3
        && groups[1..n - 2].iter().all(|g| g.len() == 2)
        && groups[0].len() <= 2
    {
        return format!("{}.{}", groups[..n - 1].concat(), groups[n - 1])
            .parse()
            .ok();
    }
    let all_same = seps.iter().all(|&c| c == seps[0]);
    let text = if seps.len() == 1 && (groups[1].len() != 3 || matches!(seps[0], '٫' | '،')) {
        if !is_dec(seps[0]) {
            return None;
        }
        format!("{}.{}", groups[0], groups[1])
    } else if groups[1..].iter().all(|g| g.len() == 3) && all_same && seps[0] != '٫' {
        groups.concat()
    } else {
        // 1,234.5 / 1.234,5 / 310.000.000.00: thousands groups, then one
        // decimal separator (a different one, or a short last group).
        let last = seps.len() - 1;
        let thousands_ok = groups[1..=last].iter().all(|g| g.len() == 3)
            && seps[..last].iter().all(|&c| c == seps[0]);
        let decimal_ok = is_dec(seps[last])
            && (seps[last] != seps[0] || (all_same && groups[last + 1].len() <= 2));
        if thousands_ok && decimal_ok && groups[0].len() <= 3 {
            format!("{}.{}", groups[..=last].concat(), groups[last + 1])
        } else {
            return None;
        }
    };
    text.parse().ok()
}

/// The byte ranges and values of the digit groups of a token that is not one
/// number (an IP address `192.168.1.2`, a list `1,2,3`), relative to the token.
pub fn split_groups(s: &str) -> Vec<(usize, usize, f64)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (digit_value(c).is_some(), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                if let Some(v) = parse_digits(&s[st..i]) {
                    out.push((st, i, v));
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start
        && let Some(v) = parse_digits(&s[st..])
    {
        out.push((st, s.len(), v));
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
        assert_eq!(parse_digits("1 500 000"), Some(1_500_000.0));
        assert_eq!(parse_digits("80 937"), Some(80_937.0));
        assert_eq!(parse_digits("٤٬٥٠٠"), Some(4500.0));
        assert_eq!(parse_digits("1,234.5"), Some(1234.5));
        assert_eq!(parse_digits("1.234,5"), Some(1234.5));
        assert_eq!(parse_digits("310.000.000.00"), Some(310_000_000.0));
        assert_eq!(parse_digits("157،7"), Some(157.7));
        assert_eq!(parse_digits("١٬٠٠٠٬٠٠٠٫٠٠"), Some(1_000_000.0));
        assert_eq!(parse_digits("2008"), Some(2008.0));
        assert_eq!(parse_digits("0033"), Some(33.0));
        assert_eq!(parse_digits("12,34,567.89"), Some(1_234_567.89));
        assert_eq!(parse_digits(".75"), Some(0.75));
        assert_eq!(parse_digits("٫٧٧"), Some(0.77));
        assert_eq!(parse_digits("4.800"), Some(4800.0));
        assert_eq!(parse_digits_in("4.800", true), Some(4.8));
    }

    #[test]
    fn spa_and_rtl() {
        assert_eq!(parse_digits("000ر22"), Some(22_000.0));
        assert_eq!(parse_digits("50ر11"), Some(11.5));
        assert_eq!(parse_digits("000ر500ر1"), Some(1_500_000.0));
        assert_eq!(parse_digits("6.\u{200f}2"), Some(2.6));
    }

    #[test]
    fn not_one_number() {
        assert_eq!(parse_digits("192.168.1.2"), None);
        let g = split_groups("١٩٢.١٦٨.١.٢");
        assert_eq!(
            g.iter().map(|x| x.2).collect::<Vec<_>>(),
            [192.0, 168.0, 1.0, 2.0]
        );
    }
}
