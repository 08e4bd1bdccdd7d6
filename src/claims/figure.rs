//! Figures: numbers (digits and words), with what they count, percent
//! signs, currencies and qualifiers around them.

use super::number::{parse_digits, parse_digits_with, split_groups};
use super::token::{Tok, Token};
use super::unit::{self, Dim, Unit};
use super::words::{self, Endings, W, WordMap};
use super::{Claim, ClaimKind};
use crate::document::{Lang, Span};
use std::sync::OnceLock;

/// Sub-units of a currency and how many make one (cents, هللة, قرش…).
fn subunit(w: &str, currency: &str) -> Option<f64> {
    Some(match w {
        "cent" | "cents" | "c" | "سنت" | "سنتا" | "سنتات" | "sen" | "pence" | "p" | "kopecks" => {
            100.0
        }
        "هلله" | "هللات" | "هللا" | "قرش" | "قرشا" | "قروش" | "piastres" => {
            100.0
        }
        "فلس" | "فلسا" | "فلوس" | "fils" => {
            if matches!(currency, "AED" | "Dirham") {
                100.0
            } else {
                1000.0
            }
        }
        "مليم" | "مليما" | "millimes" => 1000.0,
        _ => return None,
    })
}

/// Words a lone small number word is too often not a figure in ("one of").
fn lone_word_ok(toks: &[Token], p: &words::Parsed) -> bool {
    if !p.words || p.end - p.start != 1 {
        return true;
    }
    let t = &toks[p.start];
    let next = toks.get(p.end).map(|t| t.norm.as_str());
    match t.norm.as_str() {
        // "one of the", "the one", "no one", "أي واحد".
        "one" => {
            let prev = p.start.checked_sub(1).map(|k| toks[k].norm.as_str());
            !matches!(
                next,
                Some("of" | "another" | "day" | "thing" | "way" | "you" | "is" | "do" | "does")
            ) && !matches!(
                prev,
                Some(
                    "the" | "this" | "that" | "which" | "no" | "any" | "every" | "each" | "someone"
                )
            )
        }
        // أحد / إحدى alone are "one of", "someone".
        "احد" | "احدي" => false,
        "واحد" | "واحده" => {
            let prev = p.start.checked_sub(1).map(|k| toks[k].norm.as_str());
            !matches!(prev, Some("اي" | "كل" | "لا" | "ولا"))
                && !matches!(next, Some("من" | "منهم" | "منها"))
        }
        _ => true,
    }
}

/// Finds figures in the tokens not yet `claimed`, marking what they take.
pub fn figures(
    text: &str,
    toks: &[Token],
    claimed: &mut [bool],
    lang_at: &dyn Fn(usize) -> Lang,
) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // (No figure starts at an inert token: every test below is false
        // for it, down to `starts_number`.)
        if claimed[i] || toks[i].inert() {
            i += 1;
            continue;
        }
        // Addresses and phone numbers are not figures: skip a URL ("http",
        // "www") and a "+" glued to digits up to the next space.
        let url =
            toks[i].kind == Tok::Word && matches!(toks[i].norm.as_str(), "http" | "https" | "www");
        let phone = toks[i].is_punct_in("+")
            && toks
                .get(i + 1)
                .is_some_and(|t| t.kind == Tok::Num && !t.space_before);
        let operator = toks[i].is_punct_in("<>=")
            && toks
                .get(i + 1)
                .is_some_and(|t| !t.space_before && (t.kind == Tok::Num || t.is_punct_in("<>=")));
        if url || phone || operator {
            let mut k = i + 1;
            while k < toks.len() && (!toks[k].space_before || phone && toks[k].kind == Tok::Num) {
                k += 1;
            }
            claimed[i..k].iter_mut().for_each(|c| *c = true);
            i = k;
            continue;
        }
        // Ordinals in digits: 3rd, 21st.
        if toks[i].kind == Tok::Num
            && let Some(t) = toks.get(i + 1)
            && !t.space_before
            && matches!(t.norm.as_str(), "st" | "nd" | "rd" | "th")
            && let Some(v) = parse_digits(&toks[i].norm)
        {
            out.push(Claim::new(
                ClaimKind::Ordinal,
                Span::new(toks[i].start, t.end),
                Some(v),
            ));
            claimed[i] = true;
            claimed[i + 1] = true;
            i += 2;
            continue;
        }
        // A percentage without a figure: "a small percent", "the % of".
        if (toks[i].is("percent")
            || toks[i].is("percentage")
            || toks[i].is_punct_in("%") && toks.get(i + 1).is_some_and(|t| t.is("of")))
            && (i == 0 || toks[i - 1].kind != Tok::Num)
        {
            let mut c = Claim::new(
                ClaimKind::Percent,
                Span::new(toks[i].start, toks[i].end),
                None,
            );
            c.unit = Some("%".into());
            out.push(c);
            claimed[i] = true;
            i += 1;
            continue;
        }
        // Ordinals in words: third, الثالث.
        if toks[i].kind == Tok::Word
            && let Some(v) = ordinal_word(&toks[i].norm)
        {
            let mut end = i + 1;
            let mut v = v;
            // الحادي عشر, الثالث عشر; السادسة والثلاثين, الخامس والأربعون
            if v < 10.0 && toks.get(i + 1).is_some_and(|t| t.is("عشر") || t.is("عشره")) {
                v += 10.0;
                end += 1;
            } else if v < 10.0
                && let Some(tens) = toks
                    .get(i + 1)
                    .and_then(|t| t.norm.strip_prefix('و'))
                    .map(|w| w.strip_prefix("ال").unwrap_or(w))
                    .and_then(tens_word)
            {
                v += tens;
                end += 1;
            }
            out.push(Claim::new(
                ClaimKind::Ordinal,
                Span::new(toks[i].start, toks[end - 1].end),
                Some(v),
            ));
            claimed[i..end].iter_mut().for_each(|c| *c = true);
            i = end;
            continue;
        }
        // The unit a word token starts, asked twice below.
        let unit_here = if toks[i].kind == Tok::Word {
            unit::unit_at(toks, i)
        } else {
            None
        };
        // A dual noun alone is a count of two: زيارتين, مرتين, عامين.
        if let Some((u, after)) = unit_here
            && u.dual
            && !claimed[i..after].iter().any(|&c| c)
        {
            let mut c = build(toks, i, after, 2.0, Some(u));
            c.kind = kind_of(&u);
            out.push(c);
            claimed[i..after].iter_mut().for_each(|c| *c = true);
            i = after;
            continue;
        }
        // "a dollar", "a kilogram": one of a money or measure unit.
        if (toks[i].is("a") || toks[i].is("an"))
            && toks.get(i + 1).is_some_and(|t| t.kind == Tok::Word)
            && let Some((u, after)) = unit::unit_at(toks, i + 1)
            && !toks.get(after).is_some_and(|t| t.kind == Tok::Num)
            && !u.dual
            && u.dim != Dim::Count
            && u.dim != Dim::Time
            && !claimed[i + 1..after].iter().any(|&c| c)
        {
            let mut c = build(toks, i, after, 1.0, Some(u));
            c.kind = kind_of(&u);
            out.push(c);
            claimed[i..after].iter_mut().for_each(|c| *c = true);
            i = after;
            continue;
        }
        // Half or a quarter of a unit: "half a liter", "quarter-litre".
        if let Some(f) = match toks[i].norm.as_str() {
            "half" => Some(0.5),
            "quarter" => Some(0.25),
            _ => None,
        } {
            let mut k = i + 1;
            while toks
                .get(k)
                .is_some_and(|t| t.is("a") || t.is("of") || t.is_punct_in("-"))
                && k < i + 3
            {
                k += 1;
            }
            if let Some((u, after)) = unit::unit_at(toks, k)
                && !u.dual
                && u.dim != Dim::Count
                && !claimed[i..after].iter().any(|&c| c)
            {
                let mut c = build(toks, i, after, f, Some(u));
                c.kind = kind_of(&u);
                out.push(c);
                claimed[i..after].iter_mut().for_each(|c| *c = true);
                i = after;
                continue;
            }
        }
        // Digits glued to a Latin word are a code, not a figure: "A320",
        // "G20", "scp-173m", "24703L202" (currency codes aside: "CAD3").
        if toks[i].kind == Tok::Num && i > 0 && !toks[i].space_before {
            let mut k = i - 1;
            if toks[k].is_punct_in("-") && k > 0 && !toks[k].space_before {
                k -= 1;
            }
            let latin =
                |t: &Token| t.kind == Tok::Word && t.norm.chars().all(|c| c.is_ascii_alphabetic());
            let glued_after = toks.get(i + 1).is_some_and(|t| latin(t) && !t.space_before)
                && toks
                    .get(i + 2)
                    .is_some_and(|t| t.kind == Tok::Num && !t.space_before);
            if (latin(&toks[k]) && unit::currency_before(text, toks, i).is_none()) || glued_after {
                let mut e = i + 1;
                while e < toks.len()
                    && !toks[e].space_before
                    && (toks[e].kind != Tok::Punct || toks[e].is_punct_in("-"))
                {
                    e += 1;
                }
                claimed[i..e].iter_mut().for_each(|c| *c = true);
                i = e;
                continue;
            }
        }
        // A unit and a half: "لتر ونصف", "لتر و ربع".
        if let Some((u, after)) = unit_here
            && !u.dual
            && matches!(u.dim, Dim::Volume | Dim::Mass | Dim::Length | Dim::Time)
            && !claimed[i..after].iter().any(|&c| c)
        {
            let (f, end) = match (toks.get(after), toks.get(after + 1)) {
                (Some(t), _) if t.is("ونصف") || t.is("ونص") => (0.5, after + 1),
                (Some(t), _) if t.is("وربع") => (0.25, after + 1),
                (Some(c), Some(t)) if c.is("و") && (t.is("نصف") || t.is("نص")) => {
                    (0.5, after + 2)
                }
                (Some(c), Some(t)) if c.is("و") && t.is("ربع") => (0.25, after + 2),
                _ => (0.0, after),
            };
            if f > 0.0 && !claimed[after..end].iter().any(|&c| c) {
                let mut c = build(toks, i, end, 1.0 + f, Some(u));
                c.kind = kind_of(&u);
                out.push(c);
                claimed[i..end].iter_mut().for_each(|c| *c = true);
                i = end;
                continue;
            }
        }
        // What is left reads a number starting here: digits or a number
        // word (most tokens are neither).
        if !words::starts_number(&toks[i]) {
            i += 1;
            continue;
        }
        // The language matters only to digits with one dot (4.800 is 4.8
        // in English, 4800 in Arabic copy): asked only of those.
        let english = || lang_at(toks[i].start) == Lang::En;
        // Digits/digits ("3/4", "10/14"; dates were taken before).
        let slashed = (toks[i].kind == Tok::Num)
            .then(|| slash_pair(toks, i, claimed))
            .flatten();
        // Not a fraction with a usual denominator: a day/month ("الخميس
        // 10/14"), a plan or file number ("مخطط 193/3"): not a figure.
        if let Some((a, b)) = slashed
            && !usual_fraction(a, b)
        {
            claimed[i..i + 3].iter_mut().for_each(|c| *c = true);
            i += 3;
            continue;
        }
        // A fraction in digits: 3/4, ٧٧/١٠٠.
        let fraction = if let Some((a, b)) = slashed
            && b != 0.0
            && !toks
                .get(i + 3)
                .is_some_and(|t| t.is_punct_in("/") && !t.space_before)
            && !(i > 0 && toks[i - 1].is_punct_in("/") && !toks[i].space_before)
        {
            Some(words::Parsed {
                start: i,
                end: i + 3,
                value: Some(a / b),
                range: None,
                definite: false,
                words: false,
                bare_fraction: false,
                abbrev_m: false,
            })
        } else {
            None
        };
        let blocked = |k: usize| claimed[k];
        let Some(p) = fraction.or_else(|| words::parse_at_in(toks, i, &blocked, &english)) else {
            // A digit token that is not one number: its groups one by one.
            if toks[i].kind == Tok::Num && parse_digits_with(&toks[i].norm, &english).is_none() {
                for (s, e, v) in split_groups(&toks[i].norm) {
                    let span = Span::new(toks[i].start + s, toks[i].start + e);
                    out.push(Claim::new(ClaimKind::Number, span, Some(v)));
                }
                claimed[i] = true;
            }
            i += 1;
            continue;
        };
        if !lone_word_ok(toks, &p) {
            i = p.end;
            continue;
        }
        let mut start = p.start;
        let mut end = p.end;
        let mut value = p.value;
        let mut kind = ClaimKind::Number;
        let mut unit_key: Option<String> = None;
        let mut base: Option<(f64, &'static str)> = None;
        let mut qualifier = None;

        // Negative digits: "-1200K".
        if toks[start].kind == Tok::Num
            && start > 0
            && toks[start - 1].is_punct_in("-−")
            && !toks[start].space_before
            && (start == 1 || toks[start - 1].space_before)
            && !claimed[start - 1]
        {
            start -= 1;
            value = value.map(|v| -v);
        }

        // What follows: a percent sign, a unit.
        let mut found_unit: Option<Unit> = None;
        if let Some(e) =
            unit::percent_at(toks, end).filter(|&e| !claimed[end..e].iter().any(|&c| c))
        {
            kind = ClaimKind::Percent;
            unit_key = Some("%".into());
            end = e;
        } else if let Some((u, e)) = unit::unit_at(toks, end).filter(|&(_, e)| {
            // A symbol followed by a figure belongs to that figure: "$5 $6".
            !(claimed[end..e].iter().any(|&c| c)
                || toks[e - 1].kind == Tok::Punct
                    && toks.get(e).is_some_and(|t| t.kind == Tok::Num))
        }) {
            found_unit = Some(u);
            end = e;
        } else if let Some((code, scale)) = unit::iso_at(text, toks, end).filter(|_| !claimed[end])
        {
            // "30 MUSD": millions of dollars.
            value = value.map(|v| v * scale);
            found_unit = Some(Unit {
                key: code,
                dim: Dim::Money,
                factor: 1.0,
                dual: false,
                sub: 0.0,
            });
            end += 1;
        }
        // Before: a currency symbol or code.
        let mut currency_prefix = None;
        if kind == ClaimKind::Number
            && found_unit.is_none()
            && let Some((key, s, scale)) = unit::currency_before(text, toks, start)
            && !claimed[s..start].iter().any(|&c| c)
        {
            currency_prefix = Some(key);
            start = s;
            value = value.map(|v| v * scale);
            // "US$ 5 million", "USD 75 million" are read by the number
            // parser; "75 USD million": a scale after the code.
        }
        if let Some(u) = found_unit.filter(|u| u.dim == Dim::Money)
            && let Some(t) = toks.get(end)
            && let Some(sc) = t.lex().and_then(|f| match f.w {
                W::Scale(s) => Some(s),
                _ => None,
            })
            && !claimed[end]
        {
            let _ = u;
            value = value.map(|v| v * sc);
            end += 1;
        }
        // "3m" is three million next to money, three metres otherwise.
        if p.abbrev_m
            && currency_prefix.is_none()
            && !found_unit.is_some_and(|u| u.dim == Dim::Money)
        {
            value = value.map(|v| v / 1e6);
            found_unit = Some(Unit {
                key: "m",
                dim: Dim::Length,
                factor: 1.0,
                dual: false,
                sub: 0.0,
            });
        }
        if let Some(key) = currency_prefix {
            kind = ClaimKind::Money;
            unit_key = Some(key.into());
            // "$5 million dollars" is rare; a unit after a symbol is kept
            // only when it is money too.
            if let Some(u) = found_unit.filter(|u| u.dim != Dim::Money) {
                let _ = u;
                end = p.end;
            }
            found_unit = None;
        }
        // The definite number after its noun: أولاده الستة.
        if p.definite
            && found_unit.is_none()
            && kind == ClaimKind::Number
            && start > 0
            && !claimed[start - 1]
            && let Some(u) = unit::noun_before(&toks[start - 1])
        {
            found_unit = Some(u);
            start -= 1;
        }
        if let Some(u) = found_unit {
            kind = kind_of(&u);
            unit_key = Some(u.key.into());
            if let (Some(v), Some(b)) = (value, u.dim.base()) {
                base = Some((v * u.factor, b));
            }
        }
        // A lone fraction word is a figure only before a unit ("نصف لتر").
        if p.bare_fraction && found_unit.is_none() {
            i = p.end;
            continue;
        }
        // Money: "مليون ريال و تسع و تسعون هللة", "$20 and 43 cents",
        // "15 dollars 50." (a bare second figure below 100 ending the
        // sentence is the cents).
        if kind == ClaimKind::Money
            && let Some(cur) = unit_key.clone()
            && let Some(t) = toks.get(end)
            && !t.newline_before
        {
            let conj = t.is("و") || t.is("and") || t.is_punct_in(",");
            let k = if conj { end + 1 } else { end };
            if k < toks.len()
                && !claimed[k]
                && let Some(q) = words::parse_at(toks, k, &blocked)
                && let (Some(v), Some(c)) = (value, q.value)
                && c < 1000.0
            {
                let sub = toks.get(q.end).and_then(|s| subunit(&s.norm, &cur));
                let ends = toks
                    .get(q.end)
                    .is_none_or(|t| t.is_punct_in(".,;!?،") || t.newline_before);
                if let Some(sub) = sub {
                    value = Some(v + c / sub);
                    end = q.end + 1;
                } else if ends && c < 100.0 && c.fract() == 0.0 && v.fract() == 0.0 {
                    value = Some(v + c / 100.0);
                    end = q.end;
                }
            }
        }
        // Compound measures: "7 feet 10 inches", "2 km and 1 meter": the
        // total, in the last (smallest) unit.
        if kind == ClaimKind::Quantity
            && let Some(u) = found_unit
            && u.dim.base().is_some()
            && u.dim != Dim::Time
        {
            let mut total = base.map(|b| b.0);
            let mut last_unit = u;
            loop {
                let mut k = end;
                if toks
                    .get(k)
                    .is_some_and(|t| t.is("and") || t.is_punct_in(","))
                {
                    k += 1;
                }
                let Some(t) = toks.get(k) else { break };
                if t.kind != Tok::Num || claimed[k] || t.newline_before {
                    break;
                }
                let Some(v2) = parse_digits(&t.norm) else {
                    break;
                };
                let Some((u2, e2)) = unit::unit_at(toks, k + 1) else {
                    break;
                };
                // A smaller unit after a larger one ("7 feet 10 inches");
                // Arabic و lists ("0.5 كغ و 500 غرام") are not joined.
                if u2.dim != u.dim
                    || u2.factor >= last_unit.factor
                    || claimed[k + 1..e2].iter().any(|&c| c)
                {
                    break;
                }
                total = total.map(|tv| tv + v2 * u2.factor);
                last_unit = u2;
                end = e2;
            }
            if last_unit.key != u.key
                && let Some(tv) = total
            {
                value = Some((tv / last_unit.factor * 1e9).round() / 1e9);
                unit_key = Some(last_unit.key.into());
                base = u.dim.base().map(|b| (tv, b));
            }
        }
        // Before: a qualifier.
        if let Some((q, s)) = unit::qualifier_before(toks, start)
            .filter(|&(_, s)| !claimed[s..start].iter().any(|&c| c))
        {
            qualifier = Some(q.to_string());
            start = s;
        }
        let _ = W::A;
        // An attached conjunction و is not part of the figure: "وخمسة".
        let mut first_byte = toks[start].start;
        if toks[start].kind == Tok::Word
            && text[first_byte..].starts_with('و')
            && toks[start].norm.len() > 2
            && toks[start].lex().is_some_and(|f| f.conj)
            && qualifier.is_none()
            && currency_prefix.is_none()
        {
            first_byte += 'و'.len_utf8();
        }
        let mut c = Claim::new(kind, Span::new(first_byte, toks[end - 1].end), value);
        c.unit = unit_key;
        c.qualifier = qualifier;
        if let Some((bv, bu)) = base {
            c.base_value = Some(bv);
            c.base_unit = Some(bu.into());
        }
        if let Some((lo, hi)) = p.range {
            c.min = Some(lo);
            c.max = Some(hi);
        }
        claimed[start..end].iter_mut().for_each(|c| *c = true);
        out.push(c);
        i = end;
    }
    out
}

/// Digits, "/", digits glued at token `i` (none of them claimed yet): the
/// two numbers.
fn slash_pair(toks: &[Token], i: usize, claimed: &[bool]) -> Option<(f64, f64)> {
    let (sl, den) = (toks.get(i + 1)?, toks.get(i + 2)?);
    let glued = sl.is_punct_in("/") && !sl.space_before && !den.space_before;
    if !glued || den.kind != Tok::Num || claimed[i + 1] || claimed[i + 2] {
        return None;
    }
    Some((parse_digits(&toks[i].norm)?, parse_digits(&den.norm)?))
}

/// `a/b` reads as a fraction: over a denominator news uses (halves to
/// tenths, hundredths, thousandths), proper unless over tens ("11/10").
/// "10/13" is a day and month, "193/3" a plan number.
fn usual_fraction(a: f64, b: f64) -> bool {
    a.fract() == 0.0
        && (a < b || [10.0, 100.0, 1000.0].contains(&b))
        && [2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 100.0, 1000.0].contains(&b)
}

/// The value of an ordinal word (third, الثالث, الثالثة), asked of every
/// word token: the forms of [`ordinal_word_rule`] tabled once (a list of
/// twenty English words was twenty comparisons per token).
pub(super) fn ordinal_word(w: &str) -> Option<f64> {
    static FORMS: OnceLock<(WordMap<f64>, Endings)> = OnceLock::new();
    let (forms, ends) = FORMS.get_or_init(|| {
        let mut m = WordMap::default();
        for w in ordinal_forms() {
            if let Some(v) = ordinal_word_rule(&w) {
                m.insert(w, v);
            }
        }
        let e = Endings::of(m.keys().map(String::as_str));
        (m, e)
    });
    if !ends.may_hold(w) {
        return None;
    }
    forms.get(w).copied()
}

/// Every word [`ordinal_word_rule`] gives a value (and a few it does not).
fn ordinal_forms() -> Vec<String> {
    let mut out: Vec<String> = ORDINALS_EN.iter().map(|w| w.to_string()).collect();
    let mut stems: Vec<String> = ORDINALS_AR.iter().map(|w| w.to_string()).collect();
    stems.push("اولي".into());
    stems.push("حادي".into());
    for t in TENS {
        stems.push(format!("{t}ين"));
        stems.push(format!("{t}ون"));
    }
    for s in stems {
        out.push(format!("ال{s}"));
        out.push(format!("ال{s}ه"));
    }
    out
}

const ORDINALS_EN: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];

const ORDINALS_AR: &[&str] = &[
    "اول", "ثاني", "ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع", "عاشر",
];

/// The stems of the tens words, from twenty (عشرون) to ninety.
const TENS: &[&str] = &["عشر", "ثلاث", "اربع", "خمس", "ست", "سبع", "ثمان", "تسع"];

/// The rule [`ordinal_word`] tables.
fn ordinal_word_rule(w: &str) -> Option<f64> {
    if let Some(i) = ORDINALS_EN.iter().position(|&e| e == w) {
        return Some(i as f64 + 1.0);
    }
    let stem = w.strip_prefix("ال")?;
    if stem == "اولي" {
        return Some(1.0);
    }
    let stem = stem.strip_suffix('ه').unwrap_or(stem);
    if stem == "حادي" {
        return Some(1.0);
    }
    ORDINALS_AR
        .iter()
        .position(|&a| a == stem)
        .map(|i| i as f64 + 1.0)
        .or_else(|| tens_word(stem))
}

/// The value of a tens word (عشرون/عشرين … تسعون/تسعين), folded, without
/// its article: 20 … 90.
fn tens_word(w: &str) -> Option<f64> {
    let stem = w.strip_suffix("ين").or_else(|| w.strip_suffix("ون"))?;
    TENS.iter()
        .position(|&t| t == stem)
        .map(|i| (i as f64 + 2.0) * 10.0)
}

fn kind_of(u: &Unit) -> ClaimKind {
    match u.dim {
        Dim::Money => ClaimKind::Money,
        _ => ClaimKind::Quantity,
    }
}

/// A claim for tokens `start..end` with a unit.
fn build(toks: &[Token], start: usize, end: usize, value: f64, u: Option<Unit>) -> Claim {
    let mut c = Claim::new(
        ClaimKind::Number,
        Span::new(toks[start].start, toks[end - 1].end),
        Some(value),
    );
    if let Some(u) = u {
        c.unit = Some(u.key.into());
        if let Some(b) = u.dim.base() {
            c.base_value = Some(value * u.factor);
            c.base_unit = Some(b.into());
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::{ordinal_forms, ordinal_word, ordinal_word_rule};
    use crate::claims::{ClaimKind, ClaimOptions, extract};

    #[test]
    fn tabled_ordinals_follow_the_rule() {
        let mut words = ordinal_forms();
        for w in ordinal_forms() {
            // Near misses: other prefixes and endings, cut and doubled.
            words.push(format!("و{w}"));
            words.push(format!("{w}ه"));
            words.push(format!("{w}s"));
            words.push(w.chars().skip(1).collect());
            words.push(w.chars().take(w.chars().count() - 1).collect());
            words.push(w.replacen("ال", "", 1));
        }
        words.extend(["", "ال", "اله", "اول", "عشرين", "the", "firsts"].map(String::from));
        for w in &words {
            assert_eq!(ordinal_word(w), ordinal_word_rule(w), "{w}");
        }
        assert_eq!(ordinal_word("الحاديه"), Some(1.0));
        assert_eq!(ordinal_word("الخمسين"), Some(50.0));
        assert_eq!(ordinal_word("twentieth"), Some(20.0));
    }

    fn one(
        s: &str,
    ) -> (
        ClaimKind,
        Option<f64>,
        Option<String>,
        Option<String>,
        String,
    ) {
        let c = extract(s, &ClaimOptions::default());
        assert_eq!(c.len(), 1, "{s}: {c:?}");
        let c = &c[0];
        (
            c.kind,
            c.value,
            c.unit.clone(),
            c.qualifier.clone(),
            c.span.slice(s).to_string(),
        )
    }

    #[test]
    fn seeds() {
        // The seeds' own figures: text, kind, value, unit, claimed span.
        let cases = [
            (
                "وجود ألف جندي أمريكي.",
                ClaimKind::Quantity,
                1000.0,
                "soldier",
                "ألف جندي",
            ),
            (
                "أدى زيارتين لموسكو",
                ClaimKind::Quantity,
                2.0,
                "visit",
                "زيارتين",
            ),
            (
                "أربعة مليارات دولار",
                ClaimKind::Money,
                4e9,
                "USD",
                "أربعة مليارات دولار",
            ),
            (
                "بقيمة 2.9 مليار دولار",
                ClaimKind::Money,
                2.9e9,
                "USD",
                "2.9 مليار دولار",
            ),
            ("مسافة 450 كلم", ClaimKind::Quantity, 450.0, "km", "450 كلم"),
            (
                "قتل أولاده الستة",
                ClaimKind::Quantity,
                6.0,
                "child",
                "أولاده الستة",
            ),
        ];
        for (text, kind, value, unit, span) in cases {
            let (k, v, u, _, t) = one(text);
            assert_eq!(
                (k, v, u.as_deref(), t.as_str()),
                (kind, Some(value), Some(unit), span),
                "{text}"
            );
        }
    }

    #[test]
    fn qualifiers_and_money() {
        let (k, v, u, q, _) = one("أكثر من 100 مقاتل");
        assert_eq!(
            (k, v, u.as_deref(), q.as_deref()),
            (
                ClaimKind::Quantity,
                Some(100.0),
                Some("fighter"),
                Some("more_than")
            )
        );
        let (k, v, u, _, _) = one("raised $2.5bn");
        assert_eq!(
            (k, v, u.as_deref()),
            (ClaimKind::Money, Some(2.5e9), Some("USD"))
        );
        let (k, v, _, q, _) = one("nearly 12.5%");
        assert_eq!(
            (k, v, q.as_deref()),
            (ClaimKind::Percent, Some(12.5), Some("nearly"))
        );
        let (k, v, _, _, _) = one("ارتفع بنسبة 5 في المئة");
        assert_eq!((k, v), (ClaimKind::Percent, Some(5.0)));
        let (k, v, u, _, _) = one("مليون ريال و تسع و تسعون هللة");
        assert_eq!(
            (k, v, u.as_deref()),
            (ClaimKind::Money, Some(1_000_000.99), Some("Riyal"))
        );
    }
}
