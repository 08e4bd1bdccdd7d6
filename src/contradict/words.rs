//! Words inside quotations: which differences are real.
//!
//! The word alignment already treats punctuation, quote marks, diacritics,
//! tatweel and Arabic letter forms as equal (see `crate::normalize`). What is
//! left and still not a change of wording: words glued by scraping
//! (الأممالمتحدة / الأمم المتحدة) and transliterated names spelled two ways
//! (بوتين/بوتن, كوزنتسوف/كوزنيستوف, ترامب/ترمب), compared by their consonant
//! skeletons with `strsim`.

use super::Aligned;
use super::matching::tokens_in;
use super::{Finding, FindingKind, FindingSide, Severity, Side};
use crate::align::{OpTag, span_of};
use crate::claims::Claim;
use crate::document::Span;
use crate::normalize::fold_str;

/// Letters dropped from a skeleton: long vowels, hamza carriers, final ه.
fn is_weak_letter(c: char) -> bool {
    matches!(
        c,
        'ا' | 'و' | 'ي' | 'ى' | 'ء' | 'ئ' | 'ؤ' | 'a' | 'e' | 'i' | 'o' | 'u' | 'y'
    )
}

/// Letters that transliterate the same foreign sound (g, t, s, k, v/f, p/b).
fn sound_class(c: char) -> char {
    match c {
        'ج' | 'غ' | 'ق' | 'گ' => 'ج',
        'ط' => 'ت',
        'ص' => 'س',
        'ض' => 'د',
        'ک' => 'ك',
        'ڤ' => 'ف',
        'پ' => 'ب',
        _ => c,
    }
}

/// The consonant skeleton of a folded word: weak letters dropped, letters
/// of one transliterated sound unified, doubled letters collapsed.
pub fn skeleton(word: &str) -> String {
    let mut out = String::new();
    for c in word
        .chars()
        .filter(|&c| !is_weak_letter(c))
        .map(sound_class)
    {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

fn is_arabic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0600}'..='\u{06ff}').contains(&c))
}

/// Two spellings of one transliterated name: same skeleton (or skeletons
/// one transposition apart, for long names), and the letters that differ
/// are only vowels added or dropped, or letters of one foreign sound.
/// English words qualify only when both are capitalized (names).
pub fn name_variant(x: &str, y: &str) -> bool {
    NameForm::of(x).variant_of(&NameForm::of(y))
}

/// What [`name_variant`] reads of a word, made once per word: a speaker's
/// name words are compared with every name word of the other speaker
/// (fifteen by fifteen for long hadith narrator chains), and folding and
/// skeletons were most of `check`'s comparison time on the generated
/// 20,000-document corpus.
struct NameForm {
    /// The word's first character is upper case (before folding).
    capitalized: bool,
    folded: String,
    arabic: bool,
    skeleton: String,
    /// Characters in the skeleton.
    skeleton_len: usize,
    /// The weak letters of the folded word, in order.
    vowels: String,
}

impl NameForm {
    fn of(word: &str) -> NameForm {
        let folded = fold_str(word);
        let skeleton = skeleton(&folded);
        NameForm {
            capitalized: word.chars().next().is_some_and(char::is_uppercase),
            arabic: is_arabic(&folded),
            skeleton_len: skeleton.chars().count(),
            vowels: folded.chars().filter(|&c| is_weak_letter(c)).collect(),
            skeleton,
            folded,
        }
    }

    /// [`name_variant`] of the two words.
    fn variant_of(&self, other: &NameForm) -> bool {
        if self.folded == other.folded {
            return true;
        }
        let arabic = self.arabic && other.arabic;
        // Latin-script words are names only when both are capitalized.
        let names = arabic || (self.capitalized && other.capitalized);
        if !names {
            return false;
        }
        let (sx, sy) = (&self.skeleton, &other.skeleton);
        let n = self.skeleton_len.min(other.skeleton_len);
        if n < 3 {
            return false;
        }
        let close =
            sx == sy || (n >= 5 && strsim::osa_distance(sx, sy) == 1 && sorted(sx) == sorted(sy));
        if !close {
            return false;
        }
        // Vowel letters may be added or dropped, not swapped for another
        // vowel (كبير/كبار are two words; بوتين/بوتن one name).
        let (vx, vy) = (&self.vowels, &other.vowels);
        !arabic || is_subsequence(vx, vy) || is_subsequence(vy, vx)
    }
}

fn sorted(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s.chars().collect();
    v.sort_unstable();
    v
}

fn is_subsequence(short: &str, long: &str) -> bool {
    let mut it = long.chars();
    short.chars().all(|c| it.any(|d| d == c))
}

/// The forms of a folded Arabic word without its leading clitics (و ف ب ل
/// ك), the article and a final tanween alef, each optional: two spellings
/// of one word share one of them.
fn stems(word: &str) -> Vec<String> {
    let f = fold_str(word);
    if !is_arabic(&f) {
        return vec![f];
    }
    let mut out = vec![f];
    let steps: [&[&str]; 3] = [&["و", "ف"], &["ب", "ل", "ك"], &["ال", "ل"]];
    for prefixes in steps {
        let mut next = Vec::new();
        for w in &out {
            for p in prefixes {
                if let Some(r) = w.strip_prefix(p)
                    && r.chars().count() >= 2
                {
                    next.push(r.to_string());
                }
            }
        }
        out.extend(next);
    }
    let tanween: Vec<String> = out
        .iter()
        .filter_map(|w| w.strip_suffix('ا').filter(|r| r.chars().count() >= 2))
        .map(str::to_string)
        .collect();
    out.extend(tanween);
    out.sort();
    out.dedup();
    out
}

/// A folded Arabic word with its hamza seats and its ending spelled one way:
/// خاطىء/خاطئ, سوريا/سورية (final alef, ta marbuta and ha written for one
/// ending). Short words keep their ending (له/لا).
fn spelling_key(word: &str) -> String {
    let f = fold_str(word);
    if !is_arabic(&f) {
        // British and American spellings: realised/realized, labour/labor.
        return f
            .replace("ise", "ize")
            .replace("isa", "iza")
            .replace("yse", "yze")
            .replace("our", "or");
    }
    let mut k: String = f
        .chars()
        .map(|c| match c {
            'ئ' | 'ؤ' | 'أ' | 'إ' | 'آ' => 'ء',
            'ى' => 'ي',
            _ => c,
        })
        .collect();
    k = k.replace("يء", "ء");
    if k.chars().count() >= 4 && (k.ends_with('ا') || k.ends_with('ه')) {
        k.pop();
        k.push('ه');
    }
    k
}

fn same_stem(x: &str, y: &str) -> bool {
    if spelling_key(x) == spelling_key(y) {
        return true;
    }
    let sy = stems(y);
    stems(x).iter().any(|s| sy.contains(s))
}

/// True when two runs of words differ only in spacing (glued words) or in
/// the spelling of names.
pub fn same_wording(xs: &[&str], ys: &[&str]) -> bool {
    // Each word folded, its letters and digits appended to one string.
    let glue = |ws: &[&str]| -> String {
        let mut glued = String::new();
        for w in ws {
            glued.extend(fold_str(w).chars().filter(|c| c.is_alphanumeric()));
        }
        glued
    };
    if glue(xs) == glue(ys) {
        return true;
    }
    if xs.len() == ys.len() && !xs.is_empty() && xs.iter().zip(ys).all(|(x, y)| same_stem(x, y)) {
        return true; // clitics and the article only: أن/بأن, الاحتمالات/احتمالات
    }
    xs.len() == ys.len() && !xs.is_empty() && xs.iter().zip(ys).all(|(x, y)| name_variant(x, y))
}

/// Asides one outlet inserts and another leaves out: religious honorifics after a name
/// (أيده الله, رحمه الله, صلى الله عليه وسلم) and a month also named in the other
/// month system, right beside it (`beside`: the words before and after the
/// inserted ones). Not a change of what was said.
fn aside(wa: &[&str], wb: &[&str], beside: [Option<&str>; 2]) -> bool {
    const PHRASES: [&str; 12] = [
        "ايده الله",
        "حفظه الله",
        "رعاه الله",
        "رحمه الله",
        "يرحمه الله",
        "رضي الله عنه",
        "رضي الله عنها",
        "صلي الله عليه وسلم",
        "عليه السلام",
        "عز وجل",
        "سبحانه وتعالي",
        "تعالي",
    ];
    const MONTHS: [&str; 24] = [
        "يناير",
        "فبراير",
        "مارس",
        "ابريل",
        "مايو",
        "يونيو",
        "يوليو",
        "اغسطس",
        "سبتمبر",
        "اكتوبر",
        "نوفمبر",
        "ديسمبر",
        "كانون",
        "شباط",
        "اذار",
        "نيسان",
        "ايار",
        "حزيران",
        "تموز",
        "اب",
        "ايلول",
        "تشرين",
        "الثاني",
        "الاول",
    ];
    let (x, y) = if wa.is_empty() { (wb, wa) } else { (wa, wb) };
    if !y.is_empty() {
        return false;
    }
    // "19 يوليو (تموز)" / "19 تموز": the month named in the other calendar
    // system as well. الثاني/الاول only complete تشرين/كانون, and "اب" is
    // also "father": a month word must stand beside the inserted ones.
    let month = |w: &str| MONTHS.contains(&fold_str(w).as_str());
    let core_month = |w: &str| month(w) && !matches!(fold_str(w).as_str(), "الثاني" | "الاول");
    if x.iter().all(|w| month(w))
        && x.iter().any(|w| core_month(w))
        && beside.iter().flatten().any(|w| core_month(w))
    {
        return true;
    }
    let phrase: Vec<String> = x
        .iter()
        .map(|w| fold_str(w))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    PHRASES.contains(&phrase.join(" ").as_str())
}

/// The differing words on both sides are figures of the same values (number
/// words against digits, one gender form against the other).
fn same_figures(ca: &[Claim], sa: Span, cb: &[Claim], sb: Span) -> bool {
    let values = |cs: &[Claim], s: Span| -> Option<Vec<f64>> {
        if s.is_empty() {
            return None;
        }
        let v: Vec<f64> = cs
            .iter()
            .filter(|c| c.kind != crate::claims::ClaimKind::Quote && c.span.overlaps(&s))
            .filter_map(|c| c.value)
            .collect();
        (!v.is_empty()).then_some(v)
    };
    let (Some(va), Some(vb)) = (values(ca, sa), values(cb, sb)) else {
        return false;
    };
    let has = |xs: &[f64], y: f64| xs.iter().any(|&x| super::value::same_value(x, y));
    va.iter().all(|&x| has(&vb, x)) && vb.iter().all(|&y| has(&va, y))
}

/// The finding for two matched quotations whose words differ inside both.
/// Differences already reported as a figure or date (in `found`) are not
/// reported again.
pub(crate) fn compare_quotes(
    aligned: &Aligned<'_>,
    qa: &Claim,
    qb: &Claim,
    a: Side<'_>,
    b: Side<'_>,
    found: &[Finding],
) -> Option<Finding> {
    let (ta, tb) = (aligned.a.as_slice(), aligned.b.as_slice());
    let (ra, rb) = (tokens_in(ta, qa.span), tokens_in(tb, qb.span));
    let mut diff_a: Option<Span> = None;
    let mut diff_b: Option<Span> = None;
    let mut pieces: Vec<(String, String)> = Vec::new();
    for op in aligned.al.ops.iter().filter(|o| o.tag != OpTag::Equal) {
        // Only differences inside both quotations: words one outlet quotes
        // and the other leaves outside (at a quotation's edge) are partial
        // quoting, not a change of wording.
        let within = |r: &std::ops::Range<usize>, q: &std::ops::Range<usize>| {
            if r.is_empty() {
                q.start < r.start && r.start < q.end
            } else {
                q.start <= r.start && r.end <= q.end
            }
        };
        if !(within(&op.a(), &ra) && within(&op.b(), &rb)) {
            continue;
        }
        let wa: Vec<&str> = ta[op.a()].iter().map(|t| t.slice(a.text)).collect();
        let wb: Vec<&str> = tb[op.b()].iter().map(|t| t.slice(b.text)).collect();
        // The words beside the inserted ones, on the side that has them.
        let (tokens, r, text) = if op.b().is_empty() {
            (ta, op.a(), a.text)
        } else {
            (tb, op.b(), b.text)
        };
        let word = |i: Option<usize>| i.and_then(|i| tokens.get(i)).map(|t| t.slice(text));
        let beside = [word(r.start.checked_sub(1)), word(Some(r.end))];
        if same_wording(&wa, &wb) || aside(&wa, &wb, beside) {
            continue;
        }
        let sa = span_of(ta, &op.a());
        let sb = span_of(tb, &op.b());
        if same_figures(a.claims, sa, b.claims, sb) {
            continue; // ثماني / 8, بألف / بـ (1000): notation, not wording
        }
        let reported = found.iter().any(|f| {
            (!sa.is_empty() && f.a.span.overlaps(&sa)) || (!sb.is_empty() && f.b.span.overlaps(&sb))
        });
        if reported {
            continue;
        }
        diff_a = Some(diff_a.map_or(sa, |d| d.cover(sa)));
        diff_b = Some(diff_b.map_or(sb, |d| d.cover(sb)));
        let show = |w: &[&str]| {
            if w.is_empty() {
                "—".to_string()
            } else {
                w.join(" ")
            }
        };
        pieces.push((show(&wa), show(&wb)));
    }
    let (sa, sb) = (diff_a?, diff_b?);
    let listed: Vec<String> = pieces
        .iter()
        .take(3)
        .map(|(x, y)| format!("“{x}” vs “{y}”"))
        .collect();
    let more = if pieces.len() > 3 {
        format!(" and {} more", pieces.len() - 3)
    } else {
        String::new()
    };
    Some(Finding {
        kind: FindingKind::Quote,
        severity: Severity::Conflict,
        a: FindingSide {
            span: sa,
            value: None,
            unit: None,
        },
        b: FindingSide {
            span: sb,
            value: None,
            unit: None,
        },
        message: format!(
            "words inside the quotation differ: {}{more}",
            listed.join("; ")
        ),
    })
}

/// Words of a speaker that are titles or roles, not names.
const TITLES: &[&str] = &[
    "وزير",
    "الوزير",
    "رئيس",
    "الرئيس",
    "المتحدث",
    "متحدث",
    "باسم",
    "الخارجيه",
    "الدفاع",
    "الروسي",
    "الامريكي",
    "الاميركي",
    "الايطالي",
    "العام",
    "المدير",
    "مدير",
    "نائب",
    "السفير",
    "الشيخ",
    "الامير",
    "الملك",
    "المشير",
    "اللواء",
    "العميد",
    "الدكتور",
    "د",
    "السيد",
    "minister",
    "president",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "foreign",
    "defense",
    "defence",
    "secretary",
    "general",
    "director",
    "the",
    "of",
    "مصدر",
    "مصادر",
    "مسؤول",
    "مسئول",
    "source",
    "sources",
    "official",
    "officials",
];

/// The name words of a speaker, folded.
#[cfg(test)]
fn name_words(speaker: &str) -> Vec<String> {
    name_words_folded(&fold_str(speaker))
        .map(str::to_string)
        .collect()
}

/// The name words of a speaker already folded (`fold_str`): words of three
/// letters or more that are not titles.
fn name_words_folded(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !TITLES.contains(w))
}

/// Pronouns and honorific pronouns (سموه "his highness", معاليه…), folded:
/// they name no one by themselves.
const PRONOUNS: [&str; 14] = [
    "سموه",
    "معاليه",
    "فخامته",
    "سيادته",
    "هو",
    "هي",
    "انه",
    "انها",
    "he",
    "she",
    "they",
    "it",
    "him",
    "her",
];

/// A speaker names someone: not only pronouns ([`PRONOUNS`]), and not a
/// "speaker" with quote marks or a whole clause in it (not read as a
/// name). `folded` is `fold_str(s)`.
fn usable_speaker(s: &str, folded: &str) -> bool {
    let mut words = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let (mut n, mut all_pronouns) = (0, true);
    for w in words.by_ref() {
        n += 1;
        all_pronouns &= PRONOUNS.contains(&w);
        if n > 8 {
            return false;
        }
    }
    n > 0 && !s.contains(['"', '«', '»', '“', '”']) && !all_pronouns
}

/// Two speaker strings name the same person: they share a name word (up to
/// spelling), or one has no name words at all (a title only).
pub fn same_speaker(x: &str, y: &str) -> bool {
    let (fx, fy) = (fold_str(x), fold_str(y));
    // The same speaker folded: usable or not, named or not, the answer
    // below is yes (a word is a variant of itself). Most quotations of a
    // copied passage are given to the same speaker in both copies.
    if fx == fy {
        return true;
    }
    let (wx, wy): (Vec<&str>, Vec<&str>) = (
        name_words_folded(&fx).collect(),
        name_words_folded(&fy).collect(),
    );
    same_speaker_named((x, &fx, &wx), (y, &fy, &wy))
}

/// [`same_speaker`] of two speakers not equal once folded, each given as
/// (speaker, folded, name words).
fn same_speaker_named(x: (&str, &str, &[&str]), y: (&str, &str, &[&str])) -> bool {
    let ((x, fx, wx), (y, fy, wy)) = (x, y);
    if !usable_speaker(x, fx) || !usable_speaker(y, fy) {
        return true;
    }
    if wx.is_empty() || wy.is_empty() {
        return true;
    }
    // Compound names are written in one word or two (عبدالرحمن / عبد
    // الرحمن, Abdel Rahman / Abdelrahman): adjacent words joined count too.
    // Each word's forms are made once, with and without a leading ل.
    let forms = |w: &[&str]| -> Vec<(NameForm, Option<NameForm>)> {
        w.iter()
            .map(|w| w.to_string())
            .chain(w.windows(2).map(|p| p.concat()))
            .map(|w| {
                let bare = w.strip_prefix("ل").map(NameForm::of);
                (NameForm::of(&w), bare)
            })
            .collect()
    };
    let (fx, fy) = (forms(wx), forms(wy));
    fx.iter().any(|(p, p_bare)| {
        fy.iter().any(|(q, q_bare)| {
            p.variant_of(q)
                || p_bare.as_ref().unwrap_or(p).variant_of(q)
                || p.variant_of(q_bare.as_ref().unwrap_or(q))
        })
    })
}

/// Most name words a speaker may have to conflict with another: a long
/// description ("مدير مكتب الحملة الوطنية السعودية لنصرة الأشقاء") and a
/// name may be the same person, so only two names conflict.
const MAX_NAME_WORDS: usize = 3;

/// Whether the two speakers conflict: both are names (at most
/// [`MAX_NAME_WORDS`] name words) and not [`same_speaker`].
///
/// Decided in the cheapest order: equal as written, then once folded, then the count of
/// name words (stopped past the limit), and only then every name word of
/// one against every name word of the other. Hadith narrator chains, long
/// speakers that are never names, were most of `same_speaker`'s work on the
/// generated corpus and now stop at their fourth name word.
fn speakers_conflict(sa: &str, sb: &str) -> bool {
    // Equal as written, equal folded (most quotations of a copied passage
    // keep their speaker): no folding needed.
    if sa == sb {
        return false;
    }
    let (fa, fb) = (fold_str(sa), fold_str(sb));
    if fa == fb {
        return false;
    }
    let named = |folded| -> Option<Vec<&str>> {
        let words: Vec<&str> = name_words_folded(folded).take(MAX_NAME_WORDS + 1).collect();
        (words.len() <= MAX_NAME_WORDS).then_some(words)
    };
    let Some(wa) = named(&fa) else { return false };
    let Some(wb) = named(&fb) else { return false };
    !same_speaker_named((sa, &fa, &wa), (sb, &fb, &wb))
}

/// An attribution finding when the same quotation is given to two different
/// speakers.
pub fn compare_speakers(qa: &Claim, qb: &Claim) -> Option<Finding> {
    let (sa, sb) = (qa.speaker.as_deref()?, qb.speaker.as_deref()?);
    if !speakers_conflict(sa, sb) {
        return None;
    }
    Some(Finding {
        kind: FindingKind::Attribution,
        severity: Severity::Conflict,
        a: super::side(qa),
        b: super::side(qb),
        message: format!(
            "the same quotation is attributed to {} vs {}",
            sa.trim(),
            sb.trim()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `name_variant` as it was before `NameForm`: the reference.
    fn name_variant_reference(x: &str, y: &str) -> bool {
        let (fx, fy) = (fold_str(x), fold_str(y));
        if fx == fy {
            return true;
        }
        let arabic = is_arabic(&fx) && is_arabic(&fy);
        if !arabic {
            let cap = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
            if !(cap(x) && cap(y)) {
                return false;
            }
        }
        let (sx, sy) = (skeleton(&fx), skeleton(&fy));
        let n = sx.chars().count().min(sy.chars().count());
        if n < 3 {
            return false;
        }
        let close = sx == sy
            || (n >= 5 && strsim::osa_distance(&sx, &sy) == 1 && sorted(&sx) == sorted(&sy));
        if !close {
            return false;
        }
        let vowels = |w: &str| -> String { w.chars().filter(|&c| is_weak_letter(c)).collect() };
        let (vx, vy) = (vowels(&fx), vowels(&fy));
        !arabic || is_subsequence(&vx, &vy) || is_subsequence(&vy, &vx)
    }

    /// `same_speaker` as it was before the folded fast path and `NameForm`.
    fn same_speaker_reference(x: &str, y: &str) -> bool {
        let usable = |s: &str| {
            let f = fold_str(s);
            usable_speaker_reference(s, &f)
        };
        if !usable(x) || !usable(y) {
            return true;
        }
        let (wx, wy) = (name_words(x), name_words(y));
        if wx.is_empty() || wy.is_empty() {
            return true;
        }
        let joined = |w: &[String]| {
            let mut v = w.to_vec();
            v.extend(w.windows(2).map(|p| p.concat()));
            v
        };
        let (wx, wy) = (joined(&wx), joined(&wy));
        wx.iter().any(|p| {
            wy.iter().any(|q| {
                let q = q.as_str();
                name_variant_reference(p, q)
                    || name_variant_reference(p.strip_prefix("ل").unwrap_or(p), q)
                    || name_variant_reference(p, q.strip_prefix("ل").unwrap_or(q))
            })
        })
    }

    /// `compare_speakers`'s test as it was: `same_speaker` first, then
    /// both speakers' name words counted whole.
    fn speakers_conflict_reference(sa: &str, sb: &str) -> bool {
        let named = |s: &str| name_words(s).len() <= 3;
        !(same_speaker_reference(sa, sb) || !named(sa) || !named(sb))
    }

    fn usable_speaker_reference(s: &str, folded: &str) -> bool {
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        !words.is_empty()
            && words.len() <= 8
            && !s.contains(['"', '«', '»', '“', '”'])
            && !words.iter().all(|w| PRONOUNS.contains(w))
    }

    /// Words from pieces that exercise every rule: weak letters, letters of
    /// one sound, the ل prefix, titles, pronouns, capitals, quote marks.
    fn speaker() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "ب",
            "و",
            "ت",
            "ي",
            "ن",
            "ل",
            "ا",
            "ج",
            "غ",
            "ق",
            "ط",
            "ص",
            "ف",
            "ر",
            "م",
            "ه",
            "ة",
            "أ",
            "ى",
            "ال",
            "عبد",
            "الله",
            "بوتين",
            "بوتن",
            "ترمب",
            "ترامب",
            "سيرغي",
            "لافروف",
            "الرئيس",
            "وزير",
            "هو",
            "سموه",
            "Sergei",
            "Sergey",
            "sergey",
            "Abdel",
            "Rahman",
            "Abdelrahman",
            "he",
            "a",
            "o",
            "k",
            " ",
            " ",
            " ",
            "،",
            "\"",
        ]);
        prop::collection::vec(piece, 0..14).prop_map(|v| v.concat())
    }

    /// A word and a near spelling of it: a weak letter added, two letters
    /// swapped, a letter of the same sound, or ل put in front.
    fn word_and_variant() -> impl Strategy<Value = (String, String)> {
        let letter = prop::sample::select(vec![
            'ب', 'ت', 'ن', 'ر', 'م', 'س', 'ك', 'ج', 'غ', 'ط', 'ص', 'ف', 'ي', 'و', 'ا', 'ل', 'S',
            'e', 'r', 'g', 'y', 'k',
        ]);
        (
            prop::collection::vec(letter, 2..9),
            0usize..4,
            0usize..9,
            prop::sample::select(vec!['ي', 'و', 'ا', 'ق', 'ت', 'س', 'e', 'y']),
        )
            .prop_map(|(w, op, at, c)| {
                let mut v = w.clone();
                let at = at % w.len();
                match op {
                    0 => v.insert(at, c),
                    1 if at + 1 < v.len() => v.swap(at, at + 1),
                    2 => v[at] = c,
                    _ => v.insert(0, 'ل'),
                }
                (w.into_iter().collect(), v.into_iter().collect())
            })
    }

    proptest! {
        #[test]
        fn name_forms_decide_near_spellings_as_the_reference((x, y) in word_and_variant()) {
            prop_assert_eq!(name_variant(&x, &y), name_variant_reference(&x, &y));
            prop_assert_eq!(same_speaker(&x, &y), same_speaker_reference(&x, &y));
            let (sx, sy) = (format!("الرئيس {x} قال"), format!("{y} ابو"));
            prop_assert_eq!(same_speaker(&sx, &sy), same_speaker_reference(&sx, &sy));
        }

        #[test]
        fn name_forms_decide_as_the_reference(x in speaker(), y in speaker()) {
            prop_assert_eq!(name_variant(&x, &y), name_variant_reference(&x, &y));
            prop_assert_eq!(same_speaker(&x, &y), same_speaker_reference(&x, &y));
            prop_assert_eq!(same_speaker(&x, &x), same_speaker_reference(&x, &x));
            let f = fold_str(&x);
            prop_assert_eq!(usable_speaker(&x, &f), usable_speaker_reference(&x, &f));
            prop_assert_eq!(speakers_conflict(&x, &y), speakers_conflict_reference(&x, &y));
            let (sx, sy) = (format!("{x} {y}"), format!("{y} {x} {x}"));
            prop_assert_eq!(speakers_conflict(&sx, &y), speakers_conflict_reference(&sx, &y));
            prop_assert_eq!(speakers_conflict(&x, &sy), speakers_conflict_reference(&x, &sy));
        }
    }

    #[test]
    fn compound_names_in_one_word_or_two() {
        assert!(same_speaker("عبد الرحمن", "عبدالرحمن"));
        assert!(same_speaker("Abdel Rahman", "Abdelrahman"));
        assert!(!same_speaker("عبد الرحمن", "عبدالله"));
    }

    #[test]
    fn transliterated_names() {
        assert!(name_variant("بوتين", "بوتن"));
        assert!(name_variant("كوزنتسوف", "كوزنيستوف"));
        assert!(name_variant("ترامب", "ترمب"));
        assert!(name_variant("سيرجي", "سيرغي"));
        assert!(name_variant("Sergei", "Sergey"));
        assert!(!name_variant("كبير", "كبار"));
        assert!(!name_variant("قال", "قيل"));
        assert!(!name_variant("increase", "decrease"));
        assert!(!name_variant("bad", "bed"));
        assert!(!name_variant("يجب", "يحب"));
    }

    #[test]
    fn glued_words() {
        assert!(same_wording(&["الأممالمتحدة"], &["الأمم", "المتحدة"]));
        assert!(!same_wording(&["الأمم"], &["الأمم", "المتحدة"]));
        assert!(same_wording(&["أن"], &["بأن"]));
        assert!(same_wording(&["الاحتمالات"], &["احتمالات"]));
        assert!(same_wording(&["بعضا"], &["البعض"]));
        assert!(!same_wording(&["النهاية"], &["النصر"]));
        assert!(!same_wording(&["وخصوصا"], &["وخاصة"]));
    }

    #[test]
    fn spelling_of_hamza_and_endings() {
        assert!(same_wording(&["خاطىء"], &["خاطئ"]));
        assert!(same_wording(&["سوريا"], &["سورية"]));
        assert!(!same_wording(&["له"], &["لا"]));
        let none = [None, None];
        assert!(aside(&["أيده", "الله"], &[], none));
        assert!(!aside(&["أيده", "الله"], &["حفظه"], none));
        assert!(!aside(&["المملكة", "العربية"], &[], none));
        assert!(aside(&["يوليو"], &[], [Some("19"), Some("تموز")]));
        assert!(!aside(&["يوليو"], &[], [Some("19"), Some("الماضي")]));
        assert!(!aside(&["أب"], &[], [Some("قال"), Some("الطفل")]));
        assert!(!aside(&["الأول"], &[], [Some("تشرين"), None]));
        assert!(same_wording(&["realised"], &["realized"]));
        assert!(!same_wording(&["damages"], &["damaged"]));
    }

    #[test]
    fn speakers() {
        assert!(same_speaker("وزير الخارجية الروسي سيرغي لافروف", "لافروف"));
        assert!(same_speaker(
            "Sergei Lavrov",
            "Russian Foreign Minister Sergey Lavrov"
        ));
        assert!(!same_speaker("لافروف", "بيسكوف"));
        assert!(same_speaker("المتحدث", "بيسكوف"));
        assert!(same_speaker("الأمير خالد الفيصل", "سموه"));
        assert!(same_speaker("أوباما", "«الناس يخرجون من الفقر والدخل"));
    }
}
