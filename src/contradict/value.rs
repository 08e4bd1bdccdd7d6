//! Comparing the values of two matched claims: figures with their
//! qualifiers, rounding and units; years, dates and weekdays.

use super::matching::{Family, family};
use super::{CompareOptions, Finding, FindingKind, Severity, Side, side};
use crate::claims::{Claim, ClaimKind};
use crate::normalize::fold_str;

/// Equal values, up to floating-point noise.
pub fn same_value(x: f64, y: f64) -> bool {
    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
}

/// A bare number that reads as a year (1900–2100, no unit).
pub fn looks_like_year(c: &Claim) -> bool {
    c.kind == ClaimKind::Number
        && c.unit.is_none()
        && c.value
            .is_some_and(|v| v.fract() == 0.0 && (1900.0..=2100.0).contains(&v))
}

/// The finding for a matched pair, or `None` when they agree.
pub fn compare_claims(
    x: &Claim,
    y: &Claim,
    a: Side<'_>,
    b: Side<'_>,
    opts: &CompareOptions,
) -> Option<Finding> {
    match family(x)? {
        Family::Date => compare_dates(x, y, a, b),
        _ => compare_figures(x, y, a, b, opts),
    }
}

/// What a unit key measures; figures of different dimensions are not the
/// same quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dimension {
    Currency,
    Length,
    Mass,
    Area,
    Volume,
    Time,
    Percent,
    /// People, objects, events: a change of noun is not a change of unit.
    Count,
}

fn dimension(unit: &str) -> Dimension {
    let u = unit.to_lowercase();
    let is = |set: &[&str]| set.contains(&u.as_str());
    if is(&["%", "percent"]) {
        Dimension::Percent
    } else if is(&[
        "km",
        "m",
        "cm",
        "mm",
        "mile",
        "miles",
        "mi",
        "metre",
        "meter",
        "kilometre",
        "kilometer",
        "foot",
        "ft",
        "inch",
        "yard",
        "nautical_mile",
        "nmi",
    ]) {
        Dimension::Length
    } else if is(&[
        "kg",
        "g",
        "gram",
        "mg",
        "ton",
        "tonne",
        "t",
        "lb",
        "pound_weight",
        "ounce",
        "oz",
    ]) {
        Dimension::Mass
    } else if is(&[
        "km2", "m2", "hectare", "ha", "acre", "dunam", "sq_km", "sq_m",
    ]) {
        Dimension::Area
    } else if is(&["l", "litre", "liter", "ml", "barrel", "gallon", "m3", "bbl"]) {
        Dimension::Volume
    } else if is(&[
        "second", "minute", "hour", "day", "week", "month", "year", "s", "min", "h", "seconds",
        "minutes", "hours", "days", "weeks", "months", "years",
    ]) {
        Dimension::Time
    } else if is_currency(unit) {
        Dimension::Currency
    } else {
        Dimension::Count
    }
}

/// Currency keys: ISO 4217 codes (three capitals) and the usual names.
fn is_currency(unit: &str) -> bool {
    (unit.len() == 3 && unit.chars().all(|c| c.is_ascii_uppercase()))
        || matches!(
            unit.to_lowercase().as_str(),
            "dollar" | "euro" | "riyal" | "dinar" | "dirham" | "pound" | "yen" | "lira" | "rial"
        )
}

fn compare_figures(
    x: &Claim,
    y: &Claim,
    a: Side<'_>,
    b: Side<'_>,
    opts: &CompareOptions,
) -> Option<Finding> {
    let (va, vb) = (x.value?, y.value?);
    let (ta, tb) = (x.span.slice(a.text), y.span.slice(b.text));
    if let (Some(ua), Some(ub)) = (&x.unit, &y.unit)
        && ua != ub
    {
        let (da, db) = (dimension(ua), dimension(ub));
        if da != db {
            return None; // not the same quantity
        }
        if da != Dimension::Count {
            if same_value(va, vb) {
                return Some(finding(
                    FindingKind::Unit,
                    Severity::Conflict,
                    x,
                    y,
                    format!("{ta} vs {tb}: the same figure in {ua} vs {ub}"),
                ));
            }
            // Different amounts in different units or currencies: most often
            // a conversion ("5.2 مليون دولار" / "19,589,137 ريالا", "10 km" /
            // "6.2 miles"); currencies are never converted, so nothing can
            // be concluded.
            return None;
        }
    }
    if same_value(va, vb) || same_digits(ta, tb) {
        return None;
    }
    let rounded = rounds(va, vb, opts.rounding_tolerance)
        || rounds(vb, va, opts.rounding_tolerance)
        || approximately(x, y, va, vb, opts.approximate_tolerance)
        || within_bound(x, vb, va, opts.approximate_tolerance)
        || within_bound(y, va, vb, opts.approximate_tolerance);
    if rounded && headline_rounds_own_body(va, vb, a, b) {
        return None;
    }
    let update = !rounded
        && matches!((a.date, b.date), (Some(da), Some(db)) if da.trim() != db.trim())
        && (running_count(a.text, x) || running_count(b.text, y));
    let (severity, note) = if rounded {
        (Severity::Rounding, ": one figure rounds the other")
    } else if update {
        (
            Severity::Update,
            ": the later report may update a running count",
        )
    } else {
        (Severity::Conflict, "")
    };
    let message = if update {
        format!(
            "{} ({}) vs {} ({}){note}",
            shown(ta, va),
            a.date.unwrap_or_default().trim(),
            shown(tb, vb),
            b.date.unwrap_or_default().trim()
        )
    } else {
        format!("{} vs {}{note}", shown(ta, va), shown(tb, vb))
    };
    Some(finding(FindingKind::Number, severity, x, y, message))
}

/// The digit groups of a figure's text ("2,804.130" → 2 804 130), digits
/// folded to ASCII, and its scale words (million, مليون…) as their values.
fn digits_and_scale(text: &str) -> (Vec<String>, Vec<f64>) {
    let f = fold_str(text);
    let groups = f
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    let scales = f
        .split(|c: char| !c.is_alphanumeric())
        .map(|w| w.trim_start_matches(|c: char| c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .filter_map(crate::claims::scale_word)
        .collect();
    (groups, scales)
}

/// Two figures written with the same digit groups, only the separators
/// differing ("2,804,130" / "2,804.130", "973،092" / "973,092", "6,6" /
/// "6.6"), and the same scale words or none on one side (the scale was left
/// outside a bracket: "(19.999.938) مليون"): a difference of notation that
/// the value cannot settle, never a finding. "2.5" / "25" (a decimal point
/// dropped) and "5 million" / "5 billion" still differ.
fn same_digits(ta: &str, tb: &str) -> bool {
    let (ga, sa) = digits_and_scale(ta);
    let (gb, sb) = digits_and_scale(tb);
    !ga.is_empty() && ga == gb && (sa == sb || sa.is_empty() || sb.is_empty())
}

fn finding(
    kind: FindingKind,
    severity: Severity,
    x: &Claim,
    y: &Claim,
    message: String,
) -> Finding {
    Finding {
        kind,
        severity,
        a: side(x),
        b: side(y),
        message,
    }
}

/// The claim's text, with its value when the text does not show it in plain
/// digits ("12 people", but "١٥ شخصا (15)", "5 million dollars (5,000,000)").
fn shown(text: &str, v: f64) -> String {
    let t = text.trim();
    let plain = format_value(v);
    let shows_value = t
        .split(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '.')))
        .any(|w| w.trim_end_matches(['.', ',']) == plain);
    if shows_value {
        t.to_string()
    } else {
        format!("{t} ({plain})")
    }
}

/// A value as a person writes it: thousands separated, no trailing zeros.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = format!("{}", v.abs() as u64);
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if v < 0.0 {
            out.insert(0, '-');
        }
        out
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The place value of the last significant digit: 100,000 for 400,000;
/// 0.1 for 2.9; 1 for 407,516.
fn last_digit_unit(v: f64) -> f64 {
    let v = v.abs();
    if v == 0.0 {
        return 1.0;
    }
    for k in (-6..=15).rev() {
        let unit = 10f64.powi(k);
        let q = v / unit;
        if (q - q.round()).abs() < 1e-6 * q.max(1.0) && q.round() >= 1.0 {
            return unit;
        }
    }
    1e-6
}

/// `r` is `e` rounded: fewer significant digits, within half a unit of the
/// last one (or cut short: "4.3 ملايين" for 4,365,980), and close in
/// relative terms.
fn rounds(r: f64, e: f64, tolerance: f64) -> bool {
    let (ur, ue) = (last_digit_unit(r), last_digit_unit(e));
    let diff = (r - e).abs();
    let truncated = r.abs() < e.abs() && diff < ur;
    ur > ue && (diff <= ur / 2.0 + 1e-9 || truncated) && diff <= tolerance * e.abs().max(r.abs())
}

fn qualifier_is(c: &Claim, words: &[&str]) -> bool {
    c.qualifier.as_deref().is_some_and(|q| {
        let q = q.to_lowercase();
        words.iter().any(|w| q.contains(w))
    })
}

const APPROXIMATE: [&str; 17] = [
    "about",
    "approx",
    "around",
    "nearly",
    "almost",
    "roughly",
    "some",
    "circa",
    "close",
    "نحو",
    "حوالي",
    "حوالى",
    "قرابة",
    "تقريبا",
    "زهاء",
    "يقارب",
    "قرابه",
];
const LOWER_BOUND: [&str; 10] = [
    "more", "over", "least", "exceed", "أكثر", "اكثر", "يقل", "يزيد", "فوق", "min",
];
const UPPER_BOUND: [&str; 10] = [
    "up_to",
    "up to",
    "less",
    "fewer",
    "under",
    "most",
    "max",
    "يتعدى",
    "أقل",
    "اقل",
];

/// An approximate figure ("about 5,000") close enough to the other.
fn approximately(x: &Claim, y: &Claim, va: f64, vb: f64, tolerance: f64) -> bool {
    (qualifier_is(x, &APPROXIMATE) || qualifier_is(y, &APPROXIMATE))
        && (va - vb).abs() <= tolerance * va.abs().max(vb.abs())
}

/// `other` satisfies the bound `c` states ("more than 300" vs 320), and is
/// close to it.
fn within_bound(c: &Claim, other: f64, own: f64, tolerance: f64) -> bool {
    let close = (other - own).abs() <= tolerance * own.abs().max(other.abs());
    close
        && ((qualifier_is(c, &LOWER_BOUND) && other >= own)
            || (qualifier_is(c, &UPPER_BOUND) && other <= own))
}

/// A rounded figure whose own document also gives the exact one (a headline
/// rounding its body) is not a finding.
fn headline_rounds_own_body(va: f64, vb: f64, a: Side<'_>, b: Side<'_>) -> bool {
    let has = |s: &Side<'_>, v: f64| {
        s.doc_claims
            .map(|all| {
                all.get_or_init(|| crate::claims::extract(s.text, &Default::default()))
                    .as_slice()
            })
            .unwrap_or_default()
            .iter()
            .any(|c| c.value.is_some_and(|w| same_value(w, v)) && family(c) != Some(Family::Date))
    };
    has(&a, vb) || has(&b, va)
}

/// Words that mark a running count (casualties, arrivals, registrations).
const RUNNING: [&str; 34] = [
    "killed",
    "dead",
    "death",
    "die",
    "injur",
    "wound",
    "casualt",
    "toll",
    "case",
    "arriv",
    "regist",
    "pilgrim",
    "visitor",
    "infect",
    "missing",
    "displaced",
    "refugee",
    "قتيل",
    "قتلي",
    "قتل",
    "مصاب",
    "اصاب",
    "جريح",
    "جرحي",
    "حاله",
    "حالات",
    "وفاه",
    "وفيات",
    "حاج",
    "حجاج",
    "زائر",
    "معتمر",
    "مسجل",
    "نازح",
];

/// The claim counts casualties, arrivals or registrations: one of those
/// words is near it.
fn running_count(text: &str, c: &Claim) -> bool {
    let mut s = c.span.start.saturating_sub(60);
    while !text.is_char_boundary(s) {
        s += 1;
    }
    let mut e = (c.span.end + 60).min(text.len());
    while !text.is_char_boundary(e) {
        e -= 1;
    }
    let window = fold_str(&text[s..e]);
    c.unit
        .as_deref()
        .is_some_and(|u| RUNNING.iter().any(|w| u.to_lowercase().contains(w)))
        || RUNNING.iter().any(|w| window.contains(w))
}

/// Weekdays, Arabic (folded) and English, with the English name.
const WEEKDAYS: [(&str, &str); 14] = [
    ("الاحد", "Sunday"),
    ("الاثنين", "Monday"),
    ("الثلاثاء", "Tuesday"),
    ("الاربعاء", "Wednesday"),
    ("الخميس", "Thursday"),
    ("الجمعه", "Friday"),
    ("السبت", "Saturday"),
    ("sunday", "Sunday"),
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
];

/// The weekday a date claim names, in English.
fn weekday(text: &str) -> Option<&'static str> {
    let f = fold_str(text);
    let f = f.trim_start_matches('/').trim();
    let word = f
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())?;
    let word = word.strip_prefix("يوم").unwrap_or(word);
    WEEKDAYS
        .iter()
        .find(|(w, _)| *w == word || w.strip_prefix("ال") == Some(word))
        .map(|(_, e)| *e)
}

/// Words of relative dates: they name a day from the publication day, so
/// two copies published on different days may name the same day
/// differently.
const RELATIVE: [&str; 16] = [
    "امس",
    "اليوم",
    "غدا",
    "الماضي",
    "الماضيه",
    "المقبل",
    "المقبله",
    "الجاري",
    "قبل",
    "بعد",
    "yesterday",
    "today",
    "tomorrow",
    "last",
    "next",
    "ago",
];

fn is_relative(text: &str) -> bool {
    fold_str(text)
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| RELATIVE.contains(&w))
}

fn compare_dates(x: &Claim, y: &Claim, a: Side<'_>, b: Side<'_>) -> Option<Finding> {
    let (ta, tb) = (x.span.slice(a.text), y.span.slice(b.text));
    if is_relative(ta) || is_relative(tb) {
        // "الخميس الماضي" vs "الأربعاء الماضي" from the same publication day
        // still differ; "اليوم" vs "أمس", or any relative date read from two
        // different days, may name the same day.
        let same_day = a.date.map(str::trim) == b.date.map(str::trim);
        let rest = |t: &str| -> Vec<String> {
            fold_str(t)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| RELATIVE.contains(w))
                .map(str::to_string)
                .collect()
        };
        if !(same_day
            && rest(ta) == rest(tb)
            && weekday_of(x, ta).is_some()
            && weekday_of(y, tb).is_some())
        {
            return None;
        }
    }
    let conflict = |message: String| {
        Some(finding(
            FindingKind::Date,
            Severity::Conflict,
            x,
            y,
            message,
        ))
    };
    if let (Some(wa), Some(wb)) = (weekday_of(x, ta), weekday_of(y, tb)) {
        if wa == wb {
            return None;
        }
        return conflict(if wa.eq_ignore_ascii_case(ta.trim()) {
            format!("{wa} vs {wb}")
        } else {
            format!("{} ({wa}) vs {} ({wb})", ta.trim(), tb.trim())
        });
    }
    // Resolved dates (Hijri converted to Gregorian): compare at the
    // precision both give ("2017-03-12" vs "2017-03" compare by month).
    let greg = |c: &Claim| c.date.as_ref().and_then(|d| d.gregorian.clone());
    if let (Some(ga), Some(gb)) = (greg(x), greg(y)) {
        let n = ga.len().min(gb.len());
        if ga[..n] == gb[..n] {
            return None;
        }
        let shown = |t: &str, c: &Claim, g: &str| match c.date.as_ref().map(|d| d.calendar) {
            Some("hijri") => format!("{} (= {g})", t.trim()),
            _ => t.trim().to_string(),
        };
        return conflict(format!("{} vs {}", shown(ta, x, &ga), shown(tb, y, &gb)));
    }
    let (va, vb) = (x.value?, y.value?);
    if same_value(va, vb) {
        return None;
    }
    conflict(format!("{} vs {}", ta.trim(), tb.trim()))
}

/// The weekday a date claim names, in English: from the resolved date when
/// claim extraction found one, else from the text.
fn weekday_of(c: &Claim, text: &str) -> Option<&'static str> {
    if let Some(w) = c.date.as_ref().and_then(|d| d.weekday) {
        return WEEKDAYS[7..].iter().find(|(k, _)| *k == w).map(|(_, e)| *e);
    }
    weekday(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_needs_fewer_digits_and_closeness() {
        assert!(rounds(400_000.0, 407_516.0, 0.05));
        assert!(rounds(2.9, 2.87, 0.05));
        assert!(!rounds(30.0, 35.0, 0.05));
        assert!(!rounds(35.0, 53.0, 0.05));
        assert!(!rounds(407_516.0, 400_000.0, 0.05));
        assert!(!rounds(1000.0, 2000.0, 0.05));
        assert!(rounds(4_300_000.0, 4_365_980.0, 0.05));
        assert!(!rounds(4_400_000.0, 4_365_980.0 - 100_000.0, 0.05));
    }

    #[test]
    fn formats_values() {
        assert_eq!(format_value(1000.0), "1,000");
        assert_eq!(format_value(18_839_519.0), "18,839,519");
        assert_eq!(format_value(2.9), "2.9");
        assert_eq!(format_value(4.4e9), "4,400,000,000");
    }

    #[test]
    fn weekdays_and_relative_dates() {
        assert_eq!(weekday("الخميس"), Some("Thursday"));
        assert_eq!(weekday("/الأربعاء/"), Some("Wednesday"));
        assert_eq!(weekday("Thursday"), Some("Thursday"));
        assert!(is_relative("أمس"));
        assert!(is_relative("الخميس الماضي"));
        assert!(!is_relative("الخميس"));
    }

    #[test]
    fn separators_alone_do_not_differ() {
        assert!(same_digits("2,804,130", "2,804.130 ريال"));
        assert!(same_digits("973،092 ريال", "973,092 ريالا"));
        assert!(same_digits("6,6\"", "6.6 ملايين مركبة"));
        assert!(same_digits("19.999.938", "19,999,938 مليون ريال"));
        assert!(same_digits("٢٫٩ مليار", "2.9 مليار"));
        assert!(!same_digits("2.5", "25"));
        assert!(!same_digits("5 million", "5 billion"));
        assert!(!same_digits("35", "53"));
        assert!(!same_digits("1.5 مليون", "1.5 مليار"));
    }

    #[test]
    fn dimensions() {
        assert_eq!(dimension("USD"), Dimension::Currency);
        assert_eq!(dimension("LYD"), Dimension::Currency);
        assert_eq!(dimension("km"), Dimension::Length);
        assert_eq!(dimension("soldier"), Dimension::Count);
    }
}
