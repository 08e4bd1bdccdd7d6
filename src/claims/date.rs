//! Dates: years, full dates in the Gregorian month names of both Arabic
//! systems (مارس/آذار) and English, numeric dates in either order, Hijri
//! dates resolved to the Gregorian day (Umm al-Qura, see `hijri`),
//! weekdays, times, and relative expressions kept as text.

use super::hijri;
use super::number::{digit_value, parse_digits};
use super::token::{Tok, Token};
use super::words::{Endings, WordMap, WordSet};
use super::{Claim, ClaimKind};
use crate::document::{Lang, Span};
use serde::Serialize;
use std::sync::OnceLock;

/// A date as resolved from the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct DateValue {
    /// `gregorian` or `hijri`: the calendar the text used.
    pub calendar: &'static str,
    /// Year in that calendar.
    pub year: Option<i32>,
    /// Month (1–12) in that calendar.
    pub month: Option<u32>,
    /// Day of the month.
    pub day: Option<u32>,
    /// The weekday named in the text (`monday` … `sunday`).
    pub weekday: Option<&'static str>,
    /// A time of day, `HH:MM` (24 hours).
    pub time: Option<String>,
    /// The Gregorian form: `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (Hijri dates
    /// converted by the Umm al-Qura calendar).
    pub gregorian: Option<String>,
    /// The Hijri form `YYYY-MM-DD` / `YYYY-MM`, for Hijri dates.
    pub hijri: Option<String>,
    /// A relative expression (أمس, الخميس الماضي, last week), folded.
    pub relative: Option<String>,
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The weekdays in Arabic (folded, with the article), Monday first.
const WEEKDAYS_AR: [&str; 7] = [
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "السبت",
    "الاحد",
];

/// The weekday a folded word names (0 = Monday): English, or Arabic with
/// its article (الخميس, والخميس).
pub(super) fn weekday_of(w: &str) -> Option<usize> {
    let ar = WEEKDAYS_AR;
    // Asked about nearly every token: the English names all end in "day",
    // the Arabic ones all start with ال.
    if w.ends_with("day") {
        return WEEKDAYS.iter().position(|&d| d == w);
    }
    let w = w
        .strip_prefix('و')
        .filter(|r| r.starts_with("ال"))
        .unwrap_or(w);
    if !w.starts_with("ال") {
        return None;
    }
    let w = if w == "الإثنين" {
        "الاثنين"
    } else {
        w
    };
    ar.iter().position(|&d| d == w)
}

/// The Gregorian month names, both Arabic systems and English.
const GREG: &[(&[&str], u32)] = &[
    (&["يناير", "جانفي", "january", "jan"], 1),
    (&["فبراير", "فيفري", "february", "feb"], 2),
    (&["مارس", "march", "mar"], 3),
    (&["ابريل", "افريل", "april", "apr"], 4),
    (&["مايو", "ماي", "may"], 5),
    (&["يونيو", "يونيه", "جوان", "june", "jun"], 6),
    (&["يوليو", "يوليه", "جويليه", "july", "jul"], 7),
    (&["اغسطس", "اوت", "august", "aug"], 8),
    (&["سبتمبر", "september", "sep", "sept"], 9),
    (&["اكتوبر", "october", "oct"], 10),
    (&["نوفمبر", "november", "nov"], 11),
    (&["ديسمبر", "دجنبر", "december", "dec"], 12),
    (&["شباط"], 2),
    (&["اذار"], 3),
    (&["نيسان"], 4),
    (&["ايار"], 5),
    (&["حزيران"], 6),
    (&["تموز"], 7),
    (&["اب"], 8),
    (&["ايلول"], 9),
];

/// A month name at token `i`: (calendar is Hijri, month, tokens used).
fn month_at(toks: &[Token], i: usize) -> Option<(bool, u32, usize)> {
    let t = toks.get(i)?;
    if t.kind != Tok::Word {
        return None;
    }
    let w = t.norm.as_str();
    let next = |k: usize| toks.get(i + k).map(|t| t.norm.as_str()).unwrap_or("");
    let greg = GREG;
    // The one-word names, Gregorian and Hijri, in one map built once.
    static ONE_WORD: OnceLock<(WordMap<(bool, u32)>, Endings)> = OnceLock::new();
    let (one, ends) = ONE_WORD.get_or_init(|| {
        let mut m = WordMap::default();
        for (names, n) in greg {
            for w in *names {
                m.entry(w.to_string()).or_insert((false, *n));
            }
        }
        for (w, n) in HIJRI {
            m.entry(w.to_string()).or_insert((true, *n));
        }
        let e = Endings::of(m.keys().map(String::as_str));
        (m, e)
    });
    // (No one-word name is the first word of a two-word one.)
    if ends.may_hold(w)
        && let Some(&(h, m)) = one.get(w)
    {
        return Some((h, m, 1));
    }
    match (w, next(1)) {
        ("تشرين", "الاول") => return Some((false, 10, 2)),
        ("تشرين", "الثاني") => return Some((false, 11, 2)),
        ("كانون", "الاول") => return Some((false, 12, 2)),
        ("كانون", "الثاني") => return Some((false, 1, 2)),
        ("ربيع", "الاول") => return Some((true, 3, 2)),
        ("ربيع", "الثاني" | "الاخر") => return Some((true, 4, 2)),
        ("جمادي", "الاولي" | "الاول") => return Some((true, 5, 2)),
        ("جمادي", "الاخره" | "الثانيه" | "الثاني" | "الاخر") => {
            return Some((true, 6, 2));
        }
        ("ذو" | "ذي", "القعده") => return Some((true, 11, 2)),
        ("ذو" | "ذي", "الحجه") => return Some((true, 12, 2)),
        _ => {}
    }
    None
}

/// The one-word Hijri month names.
const HIJRI: &[(&str, u32)] = &[
    ("محرم", 1),
    ("صفر", 2),
    ("رجب", 7),
    ("شعبان", 8),
    ("رمضان", 9),
    ("شوال", 10),
];

/// Ordinal words naming a day of the month.
const ORD: &[&str] = &[
    "الاول",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "السادس",
    "السابع",
    "الثامن",
    "التاسع",
    "العاشر",
];

/// A day of the month at token `i`: digits 1–31, غرة (the 1st), an
/// ordinal word (الرابع, الحادي والعشرين), or "7th".
fn day_at(toks: &[Token], i: usize) -> Option<(u32, usize)> {
    let t = toks.get(i)?;
    if t.kind == Tok::Num {
        let v = small_int(&t.norm)?;
        let mut n = 1;
        if toks.get(i + 1).is_some_and(|s| {
            !s.space_before && matches!(s.norm.as_str(), "st" | "nd" | "rd" | "th")
        }) {
            n = 2;
        }
        return (1..=31).contains(&v).then_some((v, n));
    }
    if t.is("غره")
        || t.is("مطلع")
            && toks
                .get(i + 1)
                .is_some_and(|n| month_at(toks, i + 1).is_some() && n.kind == Tok::Word)
    {
        return Some((1, 1));
    }
    let stem = t.norm.as_str();
    let base = if stem == "الحادي" {
        Some(1)
    } else {
        ORD.iter().position(|&o| o == stem).map(|p| p as u32 + 1)
    }?;
    // الثالث عشر, الحادي والعشرين
    match toks.get(i + 1).map(|t| t.norm.as_str()) {
        Some("عشر") => Some((base + 10, 2)),
        Some("والعشرين") => Some((base + 20, 2)),
        Some("والثلاثين") => Some((base + 30, 2)),
        _ => Some((base, 1)),
    }
}

fn small_int(s: &str) -> Option<u32> {
    if !s.chars().all(|c| digit_value(c).is_some()) || s.chars().count() > 4 {
        return None;
    }
    parse_digits(s).map(|v| v as u32)
}

/// A year at token `i` with its calendar suffix: (year, hijri?, tokens).
fn year_at(toks: &[Token], i: usize) -> Option<(i32, Option<bool>, usize)> {
    let t = toks.get(i)?;
    if t.kind != Tok::Num || t.newline_before {
        return None;
    }
    let y = small_int(&t.norm)? as i32;
    if t.norm.chars().count() < 4 && toks.get(i + 1).is_none_or(|s| suffix(s).is_none()) {
        return None;
    }
    // "5210 م٢", "1000م2": square metres, not the year 5210.
    if toks.get(i + 1).is_some_and(|s| s.is("م"))
        && toks.get(i + 2).is_some_and(|d| {
            d.kind == Tok::Num
                && !d.space_before
                && small_int(&d.norm).is_some_and(|v| v == 2 || v == 3)
        })
    {
        return None;
    }
    let (cal, n) = match toks.get(i + 1).and_then(suffix) {
        Some((h, n)) => (Some(h), 2 + n),
        None => (None, 1),
    };
    // "للهجرة" may follow the suffix letter.
    let n = if toks.get(i + n).is_some_and(|t| {
        t.is("للهجره") || t.is("ميلاديه") || t.is("ميلادي") || t.is("هجري") || t.is("هجريه")
    }) {
        n + 1
    } else {
        n
    };
    Some((y, cal, n))
}

/// A calendar suffix: هـ (Hijri) or م (Gregorian); (hijri, tokens).
fn suffix(t: &Token) -> Option<(bool, usize)> {
    match t.norm.as_str() {
        "ه" | "هـ" | "للهجره" | "هجري" | "هجريه" => Some((true, 0)),
        "م" | "ميلادي" | "ميلاديه" | "ad" => Some((false, 0)),
        _ => None,
    }
}

fn resolve(v: &mut DateValue) {
    match v.calendar {
        "hijri" => {
            if let (Some(y), Some(m)) = (v.year, v.month) {
                let d = v.day.unwrap_or(1);
                if let Some((gy, gm, gd)) = hijri::to_gregorian(y, m, d) {
                    v.gregorian = Some(if v.day.is_some() {
                        format!("{gy:04}-{gm:02}-{gd:02}")
                    } else {
                        format!("{gy:04}-{gm:02}")
                    });
                }
                v.hijri = Some(match v.day {
                    Some(d) => format!("{y:04}-{m:02}-{d:02}"),
                    None => format!("{y:04}-{m:02}"),
                });
            }
        }
        _ => {
            v.gregorian = match (v.year, v.month, v.day) {
                (Some(y), Some(m), Some(d)) => Some(format!("{y:04}-{m:02}-{d:02}")),
                (Some(y), Some(m), None) => Some(format!("{y:04}-{m:02}")),
                (Some(y), None, _) => Some(format!("{y:04}")),
                _ => None,
            }
        }
    }
}

fn valid_day(y: Option<i32>, m: u32, d: u32) -> bool {
    if !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let max = match m {
        2 => match y {
            Some(y) if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            Some(_) => 28,
            None => 29,
        },
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    d <= max
}

/// Periods of an Arabic relative expression (الأسبوع الماضي).
const PERIOD_AR: &[&str] = &[
    "الاسبوع",
    "الشهر",
    "العام",
    "السنه",
    "الاسابيع",
    "الاشهر",
    "الشهور",
    "الاعوام",
    "السنوات",
    "الايام",
];

/// Relative expressions: (words, tokens).
fn relative_at(toks: &[Token], i: usize) -> Option<usize> {
    let w = |k: usize| toks.get(i + k).map(|t| t.norm.as_str()).unwrap_or("");
    const REL_AR: &[&str] = &[
        "الماضي",
        "الماضيه",
        "المقبل",
        "المقبله",
        "القادم",
        "القادمه",
        "الجاري",
        "الجاريه",
        "المنصرم",
        "الفائت",
        "الحالي",
        "الحاليه",
    ];
    match w(0) {
        "امس" | "الامس" | "البارحه" | "غدا" | "yesterday" | "tomorrow" | "today" | "tonight" =>
        {
            return Some(1);
        }
        "last" | "next" | "this" if matches!(w(1), "week" | "month" | "year" | "weekend") => {
            return Some(2);
        }
        "قبل" | "منذ" => {
            // قبل 3 أيام: a number, then a time unit.
            let k = if toks.get(i + 1).is_some_and(|t| t.kind == Tok::Num) {
                2
            } else {
                1
            };
            if matches!(
                w(k),
                "ايام"
                    | "يوما"
                    | "يومين"
                    | "اسابيع"
                    | "اسبوعين"
                    | "اسبوع"
                    | "اشهر"
                    | "شهرين"
                    | "سنوات"
                    | "عامين"
                    | "سنتين"
                    | "ساعات"
                    | "ساعه"
                    | "يوم"
                    | "شهر"
            ) {
                return Some(k + 1);
            }
        }
        _ => {}
    }
    if toks.get(i).is_some_and(|t| t.kind == Tok::Num)
        && w(2) == "ago"
        && matches!(w(1), "days" | "weeks" | "months" | "years" | "hours")
    {
        return Some(3);
    }
    if PERIOD_AR.contains(&w(0)) && REL_AR.contains(&w(1)) {
        return Some(2);
    }
    None
}

/// Finds dates, marking the tokens they take in `claimed`.
pub fn dates(
    text: &str,
    toks: &[Token],
    claimed: &mut [bool],
    lang_at: &dyn Fn(usize) -> Lang,
) -> Vec<Claim> {
    let _ = text;
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // (No date starts at an inert token: `date_at` would say so.)
        if claimed[i] || toks[i].inert() {
            i += 1;
            continue;
        }
        // The language is asked only of a token that may start a date.
        let english = || lang_at(toks[i].start) == Lang::En;
        if let Some((v, end)) = date_at(toks, i, &english) {
            let mut c = Claim::new(
                ClaimKind::Date,
                Span::new(toks[i].start, toks[end - 1].end),
                None,
            );
            c.value = v.year.map(f64::from).filter(|_| v.relative.is_none());
            c.date = Some(Box::new(v));
            claimed[i..end].iter_mut().for_each(|c| *c = true);
            out.push(c);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether a date may start at a word token of folded form `w` (a
/// [`date_first`] word).
pub(super) fn may_start(w: &str) -> bool {
    date_first().contains(w)
}

/// The words a date can start with: a date starts with digits or with one
/// of these (`date_at_full` is asked about every token; most are none of
/// them). Keep in step with `weekday_of`, `relative_at`, `day_at` and
/// `month_at`: `date_at` checks it in debug builds.
fn date_first() -> &'static WordSet {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut w: Vec<String> = Vec::new();
        w.extend(WEEKDAYS.iter().map(|d| d.to_string()));
        for d in WEEKDAYS_AR.iter().chain(&["الإثنين"]) {
            w.push(d.to_string());
            w.push(format!("و{d}"));
        }
        w.push("يوم".into());
        // relative_at
        for r in [
            "امس",
            "الامس",
            "البارحه",
            "غدا",
            "yesterday",
            "tomorrow",
            "today",
            "tonight",
            "last",
            "next",
            "this",
            "قبل",
            "منذ",
        ] {
            w.push(r.into());
        }
        w.extend(PERIOD_AR.iter().map(|p| p.to_string()));
        // day_at
        w.extend(["غره", "مطلع", "الحادي"].map(String::from));
        w.extend(ORD.iter().map(|o| o.to_string()));
        // month_at
        for (names, _) in GREG {
            w.extend(names.iter().map(|n| n.to_string()));
        }
        w.extend(HIJRI.iter().map(|(n, _)| n.to_string()));
        w.extend(["تشرين", "كانون", "ربيع", "جمادي", "ذو", "ذي"].map(String::from));
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        WordSet::new(&w)
    })
}

/// A date starting at token `i`: its value and the token after it.
/// `english` (whether the token's sentence is English) is asked only
/// of a numeric date it changes (3/4/2015: March 4 or 3 April).
fn date_at(toks: &[Token], i: usize, english: &dyn Fn() -> bool) -> Option<(DateValue, usize)> {
    let t = toks.get(i)?;
    if t.kind != Tok::Num && !date_first().contains(&t.norm) {
        debug_assert!(
            date_at_full(toks, i, english).is_none(),
            "{:?} starts a date: add it to date_first",
            t.norm
        );
        return None;
    }
    date_at_full(toks, i, english)
}

/// [`date_at`], for any token.
fn date_at_full(
    toks: &[Token],
    i: usize,
    english: &dyn Fn() -> bool,
) -> Option<(DateValue, usize)> {
    if i >= toks.len() {
        return None;
    }
    let mut v = DateValue {
        calendar: "gregorian",
        ..DateValue::default()
    };
    // A weekday, possibly with يوم / on before it.
    let lead = usize::from(
        toks[i].is("يوم")
            && toks
                .get(i + 1)
                .is_some_and(|t| weekday_of(&t.norm).is_some()),
    );
    if let Some(wd) = toks.get(i + lead).and_then(|t| weekday_of(&t.norm)) {
        // الاثنين as "the two" is excluded by the number words, not here.
        v.weekday = Some(WEEKDAYS[wd]);
        let mut j = i + lead + 1;
        let rel = toks.get(j).map(|t| t.norm.as_str());
        if matches!(
            rel,
            Some("الماضي" | "المقبل" | "القادم" | "المنصرم" | "الفائت")
        ) {
            j += 1;
            v.relative = Some(
                toks[i..j]
                    .iter()
                    .map(|t| t.norm.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            return Some((v, j));
        }
        if i > 0 && matches!(toks[i - 1].norm.as_str(), "last" | "next") {
            v.relative = Some(format!("{} {}", toks[i - 1].norm, toks[i + lead].norm));
        }
        // "الخميس الموافق 12 مارس", "Thursday, March 12"
        let mut k = j;
        if toks
            .get(k)
            .is_some_and(|t| t.is("الموافق") || t.is_punct_in(",،"))
        {
            k += 1;
        }
        if let Some((d, e)) =
            date_at(toks, k, english).filter(|(d, _)| d.weekday.is_none() && d.day.is_some())
        {
            let wd = v.weekday;
            v = d;
            v.weekday = wd;
            return Some((v, e));
        }
        return Some((v, j));
    }
    if let Some(n) = relative_at(toks, i) {
        v.relative = Some(
            toks[i..i + n]
                .iter()
                .map(|t| t.norm.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
        return Some((v, i + n));
    }
    // Day + month name (+ year): 12 مارس/آذار 2017, غرة ذي القعدة 1436هـ, 12 March 2017.
    if let Some((d, dn)) = day_at(toks, i) {
        let mut k = i + dn;
        if toks.get(k).is_some_and(|t| t.is("من") || t.is("of")) {
            k += 1;
        }
        if let Some((h, m, mn)) = month_at(toks, k) {
            k += mn;
            // A second name for the same month: مارس/آذار, مارس (آذار).
            let mut k2 = k;
            if toks.get(k2).is_some_and(|t| t.is_punct_in("/(-")) {
                k2 += 1;
            }
            if let Some((h2, _, mn2)) = month_at(toks, k2).filter(|&(h2, m2, _)| !h2 && m2 == m) {
                let _ = h2;
                k = k2 + mn2;
                if toks.get(k).is_some_and(|t| t.is_punct_in(")")) {
                    k += 1;
                }
            }
            if toks.get(k).is_some_and(|t| t.is_punct_in(",")) && year_at(toks, k + 1).is_some() {
                k += 1;
            }
            let (y, cal, yn) =
                year_at(toks, k).map_or((None, None, 0), |(y, c, n)| (Some(y), c, n));
            let hijri = cal.unwrap_or(h);
            if h && !hijri {
                return None;
            }
            v.calendar = if hijri { "hijri" } else { "gregorian" };
            v.year = y;
            v.month = Some(m);
            v.day = Some(d);
            if !hijri && !valid_day(y, m, d) {
                return None;
            }
            resolve(&mut v);
            return Some((v, k + yn));
        }
    }
    // English: March 12, 2017 / March 2017 / March 12.
    // Arabic: مارس 2017, رمضان 1436 هـ, شوال الجاري.
    if let Some((h, m, mn)) = month_at(toks, i) {
        let mut k = i + mn;
        let short = toks[i].norm.len() <= 4 && toks[i].kind == Tok::Word && toks[i].norm.is_ascii();
        if short
            && toks
                .get(k)
                .is_some_and(|t| t.is_punct_in(".") && !t.space_before)
        {
            k += 1;
        }
        let mut day = None;
        if !h
            && toks[i].norm.is_ascii()
            && let Some((d, dn)) = day_at(toks, k).filter(|&(d, _)| d <= 31)
            && toks.get(k).is_some_and(|t| t.kind == Tok::Num)
            && year_at(toks, k).is_none_or(|(y, _, _)| y <= 31)
        {
            day = Some(d);
            k += dn;
            if toks.get(k).is_some_and(|t| t.is_punct_in(",")) && year_at(toks, k + 1).is_some() {
                k += 1;
            }
        }
        if let Some((y, cal, yn)) = year_at(toks, k) {
            let hijri = cal.unwrap_or(h);
            if h && !hijri {
                return None;
            }
            v.calendar = if hijri { "hijri" } else { "gregorian" };
            v.year = Some(y);
            v.month = Some(m);
            v.day = day;
            if day.is_some_and(|d| !valid_day(Some(y), m, d)) {
                return None;
            }
            resolve(&mut v);
            return Some((v, k + yn));
        }
        if h && toks.get(k).is_some_and(|t| {
            matches!(
                t.norm.as_str(),
                "الجاري" | "الماضي" | "المقبل" | "القادم" | "المنصرم"
            )
        }) {
            v.calendar = "hijri";
            v.month = Some(m);
            v.relative = Some(format!(
                "{} {}",
                toks[i..k]
                    .iter()
                    .map(|t| t.norm.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                toks[k].norm
            ));
            return Some((v, k + 1));
        }
        if let Some(d) = day {
            if !valid_day(None, m, d) {
                return None;
            }
            v.month = Some(m);
            v.day = Some(d);
            return Some((v, k));
        }
        // A bare English month name is too ambiguous ("may", "march").
        return None;
    }
    // Numeric dates: 2015/9/1, 1 /9 /2015 م, 12.03.2017, 2014/10, 1995-01.
    if toks[i].kind == Tok::Num {
        if let Some(x) = numeric_date(toks, i, english) {
            return Some(x);
        }
        // A year with a calendar suffix: 2013م, 1436هـ.
        if let Some((y, Some(h), n)) = year_at(toks, i) {
            v.calendar = if h { "hijri" } else { "gregorian" };
            v.year = Some(y);
            if !h {
                resolve(&mut v);
            } else {
                v.hijri = Some(format!("{y:04}"));
            }
            return Some((v, i + n));
        }
        // A year after عام / سنة / in / since.
        if i > 0
            && matches!(
                toks[i - 1].norm.as_str(),
                "عام"
                    | "العام"
                    | "سنه"
                    | "لعام"
                    | "بعام"
                    | "year"
                    | "in"
                    | "since"
                    | "منذ"
                    | "مطلع"
                    | "نهايه"
                    | "اواخر"
                    | "اوائل"
            )
            && let Some((y, _, n)) = year_at(toks, i)
            && (1900..=2100).contains(&y)
            && super::unit::unit_at(toks, i + n).is_none()
        {
            v.year = Some(y);
            resolve(&mut v);
            return Some((v, i + n));
        }
        // A time: 5:15, 17:30 مساء, الساعة 15ر05.
        if let Some(x) = time_at(toks, i) {
            return Some(x);
        }
    }
    None
}

fn numeric_date(
    toks: &[Token],
    i: usize,
    english: &dyn Fn() -> bool,
) -> Option<(DateValue, usize)> {
    // One token: 12.03.2017
    let t = &toks[i];
    let parts: Vec<&str> = t.norm.split(['.', '٫']).collect();
    if parts.len() == 3 && parts.iter().all(|p| small_int(p).is_some()) {
        let nums: Vec<u32> = parts.iter().filter_map(|p| small_int(p)).collect();
        let lens: Vec<usize> = parts.iter().map(|p| p.chars().count()).collect();
        return build_numeric(&nums, &lens, toks, i, i + 1, english);
    }
    // Tokens separated by / or - (loose spacing with /).
    let mut nums = vec![small_int(&t.norm)?];
    let mut lens = vec![t.norm.chars().count()];
    let mut k = i + 1;
    let mut sep = None;
    while nums.len() < 3 {
        let (Some(s), Some(n)) = (toks.get(k), toks.get(k + 1)) else {
            break;
        };
        let c = s.norm.chars().next().unwrap_or(' ');
        if s.kind != Tok::Punct
            || !matches!(c, '/' | '-')
            || sep.is_some_and(|p| p != c)
            || n.kind != Tok::Num
        {
            break;
        }
        if c == '-' && (s.space_before || n.space_before) {
            break;
        }
        let Some(v) = small_int(&n.norm) else { break };
        sep = Some(c);
        nums.push(v);
        lens.push(n.norm.chars().count());
        k += 2;
    }
    if nums.len() < 2 {
        return None;
    }
    build_numeric(&nums, &lens, toks, i, k, english)
}

fn build_numeric(
    nums: &[u32],
    lens: &[usize],
    toks: &[Token],
    _first: usize,
    mut k: usize,
    english: &dyn Fn() -> bool,
) -> Option<(DateValue, usize)> {
    let mut v = DateValue {
        calendar: "gregorian",
        ..DateValue::default()
    };
    let (y, m, d) = match (nums, lens) {
        ([y, m], [4, 1..=2]) if (1900..=2100).contains(y) => (*y, *m, None),
        ([m, y], [1..=2, 4]) if (1900..=2100).contains(y) => (*y, *m, None),
        ([y, m, d], [4, _, _]) => (*y, *m, Some(*d)),
        ([a, b, y], [_, _, 4]) => {
            if *a <= 12 && *b <= 31 && english() || *b > 12 {
                (*y, *a, Some(*b))
            } else {
                (*y, *b, Some(*a))
            }
        }
        _ => return None,
    };
    let suffix = toks.get(k).and_then(suffix);
    if let Some((h, _)) = suffix {
        k += 1;
        if h {
            v.calendar = "hijri";
        }
    } else if (1300..=1500).contains(&y) {
        v.calendar = "hijri"; // 1/11/1436 without its هـ
    }
    if v.calendar == "gregorian" {
        if !(1..=12).contains(&m)
            || d.is_some_and(|d| !valid_day(Some(y as i32), m, d))
            || !(1000..=2200).contains(&y)
        {
            return None;
        }
    } else if !(1..=12).contains(&m) || d.is_some_and(|d| d == 0 || d > 30) {
        return None;
    }
    v.year = Some(y as i32);
    v.month = Some(m);
    v.day = d;
    resolve(&mut v);
    Some((v, k))
}

fn time_at(toks: &[Token], i: usize) -> Option<(DateValue, usize)> {
    let t = &toks[i];
    let after_hour_word = i > 0 && matches!(toks[i - 1].norm.as_str(), "الساعه" | "at");
    let (h, mi, mut k) = if t.norm.contains('ر') && after_hour_word {
        // SPA: 15ر05 = 05:15
        let (a, b) = t.norm.split_once('ر')?;
        (small_int(b)?, small_int(a)?, i + 1)
    } else {
        let (c, m) = (toks.get(i + 1)?, toks.get(i + 2)?);
        if !c.is_punct_in(":")
            || c.space_before
            || m.space_before
            || m.kind != Tok::Num
            || m.norm.chars().count() != 2
        {
            return None;
        }
        (small_int(&t.norm)?, small_int(&m.norm)?, i + 3)
    };
    if h > 24 || mi > 59 {
        return None;
    }
    let mut h = h;
    match toks.get(k).map(|t| t.norm.as_str()) {
        Some("صباحا" | "ص" | "am" | "فجرا") => k += 1,
        Some("مساء" | "مساءا" | "pm" | "ظهرا" | "عصرا" | "ليلا") => {
            if h < 12 {
                h += 12;
            }
            k += 1;
        }
        Some("a" | "p")
            if toks.get(k + 1).is_some_and(|t| t.is_punct_in("."))
                && toks.get(k + 2).is_some_and(|t| t.is("m")) =>
        {
            if toks[k].is("p") && h < 12 {
                h += 12;
            }
            k += 3;
        }
        _ => {}
    }
    let v = DateValue {
        calendar: "gregorian",
        time: Some(format!("{h:02}:{mi:02}")),
        ..DateValue::default()
    };
    Some((v, k))
}

#[cfg(test)]
mod tests {
    use crate::claims::{ClaimKind, ClaimOptions, extract};

    fn date(s: &str) -> (String, super::DateValue) {
        let c = extract(s, &ClaimOptions::default());
        let d = c
            .iter()
            .find(|c| c.kind == ClaimKind::Date)
            .unwrap_or_else(|| panic!("{s}: {c:?}"));
        (d.span.slice(s).to_string(), *d.date.clone().unwrap())
    }

    #[test]
    fn gregorian() {
        assert_eq!(
            date("في 12 مارس/آذار 2017").1.gregorian.as_deref(),
            Some("2017-03-12")
        );
        assert_eq!(
            date("on 12 March 2017").1.gregorian.as_deref(),
            Some("2017-03-12")
        );
        assert_eq!(
            date("on March 12, 2017.").1.gregorian.as_deref(),
            Some("2017-03-12")
        );
        assert_eq!(
            date("بتاريخ 2015/9/1").1.gregorian.as_deref(),
            Some("2015-09-01")
        );
        assert_eq!(
            date("بتاريخ 1 /9 /2015 م").1.gregorian.as_deref(),
            Some("2015-09-01")
        );
        assert_eq!(date("عام 2008").1.gregorian.as_deref(), Some("2008"));
        assert_eq!(date("سنة 2013م").1.gregorian.as_deref(), Some("2013"));
        assert_eq!(
            date("الرابع من نيسان 2013").1.gregorian.as_deref(),
            Some("2013-04-04")
        );
    }

    #[test]
    fn hijri() {
        let (t, d) = date("الموافق 1/11/1436هـ");
        assert_eq!(t, "1/11/1436هـ");
        assert_eq!(
            (d.calendar, d.gregorian.as_deref(), d.hijri.as_deref()),
            ("hijri", Some("2015-08-16"), Some("1436-11-01"))
        );
        assert_eq!(
            date("غرة ذي القعدة 1436هـ").1.gregorian.as_deref(),
            Some("2015-08-16")
        );
        let d = date("منتصف شوال الجاري").1;
        assert_eq!(
            (d.month, d.relative.as_deref()),
            (Some(10), Some("شوال الجاري"))
        );
    }

    #[test]
    fn weekdays_times_relative() {
        let (t, d) = date("نشر الخميس الماضي");
        assert_eq!(
            (t.as_str(), d.weekday, d.relative.as_deref()),
            ("الخميس الماضي", Some("thursday"), Some("الخميس الماضي"))
        );
        assert_eq!(date("on Thursday").1.weekday, Some("thursday"));
        assert_eq!(date("الساعة 5:15 صباحاً").1.time.as_deref(), Some("05:15"));
        assert_eq!(date("الساعة 15ر05").1.time.as_deref(), Some("05:15"));
        assert_eq!(date("قبل 3 أيام").1.relative.as_deref(), Some("قبل 3 ايام"));
        assert_eq!(date("last week").1.relative.as_deref(), Some("last week"));
        assert_eq!(date("وصل أمس").0, "أمس");
    }

    #[test]
    fn not_dates() {
        let c = extract("الاثنين", &ClaimOptions::default());
        assert_eq!(c[0].kind, ClaimKind::Date);
        let c = extract("قال اثنين من المسؤولين", &ClaimOptions::default());
        assert_eq!(c[0].value, Some(2.0));
    }
}
