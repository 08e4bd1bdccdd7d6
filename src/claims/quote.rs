//! Quotes: quoted spans in every quote style news uses (" " “ ” « » „ ‹ ›,
//! including the reversed pairs of Arabic sites), with the speaker when the
//! sentence names one: قال/صرح/أكد/أوضح X إن "…", X said "…", "…," said X.

use super::token::{Tok, Token};
use super::words::{WordSet, strip};
use super::{Claim, ClaimKind};
use crate::document::Span;
use std::sync::OnceLock;

/// Longest quotation considered, in bytes.
const MAX_QUOTE: usize = 4000;

fn closers(open: char) -> &'static [char] {
    match open {
        '"' => &['"'],
        '“' => &['”', '“'],
        '”' => &['“', '”'],
        '„' => &['“', '”'],
        '«' => &['»'],
        '»' => &['«'],
        '‹' => &['›'],
        '›' => &['‹'],
        _ => &[],
    }
}

/// Speech verbs (folded), Arabic and English.
fn is_speech_verb(w: &str) -> bool {
    const AR: &[&str] = &[
        "قال",
        "قالت",
        "صرح",
        "صرحت",
        "اكد",
        "اكدت",
        "اوضح",
        "اوضحت",
        "اضاف",
        "اضافت",
        "ذكر",
        "ذكرت",
        "اعلن",
        "اعلنت",
        "تابع",
        "تابعت",
        "تساءل",
        "اعتبر",
        "اعتبرت",
        "شدد",
        "شددت",
        "اشار",
        "اشارت",
        "اعرب",
        "كتب",
        "كتبت",
        "يقول",
        "تقول",
        "قالوا",
        "افاد",
        "افادت",
        "ردد",
        "نقل",
        "نقلت",
        "حذر",
        "حذرت",
        "لفت",
        "لفتت",
    ];
    const EN: &[&str] = &[
        "said",
        "says",
        "told",
        "added",
        "stated",
        "declared",
        "asked",
        "wrote",
        "warned",
        "explained",
        "insisted",
        "noted",
    ];
    static SETS: OnceLock<(WordSet, WordSet)> = OnceLock::new();
    let (all, ar) = SETS.get_or_init(|| {
        let all: Vec<&str> = EN.iter().chain(AR).copied().collect();
        (WordSet::new(&all), WordSet::new(AR))
    });
    if all.contains(w) {
        return true;
    }
    ["و", "ف"]
        .iter()
        .any(|p| strip(w, p).is_some_and(|r| ar.contains(r)))
}

/// Words that end a speaker's name and title.
fn ends_speaker(t: &Token) -> bool {
    if t.kind == Tok::Punct {
        return !t.is_punct_in("-'’.");
    }
    const STOP: &[&str] = &[
        "ان",
        "إن",
        "بان",
        "انه",
        "انها",
        "في",
        "خلال",
        "عبر",
        "على",
        "علي",
        "عن",
        "امام",
        "مع",
        "اليوم",
        "امس",
        "that",
        "in",
        "on",
        "at",
        "to",
        "during",
        "after",
        "before",
        "when",
        "yesterday",
        "today",
        "عقب",
        "بعد",
        "قبل",
        "لدى",
        "لدي",
        "اثناء",
        "كان",
        "وكان",
        "كانت",
        "وكانت",
        "قد",
        "وقد",
        "كما",
        "قوله",
        "قولها",
        "قولهم",
    ];
    let bare = t
        .norm
        .strip_prefix(['و', 'ف'])
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(&t.norm);
    STOP.contains(&t.norm.as_str())
        || STOP.contains(&bare)
        || is_time_word(&t.norm)
        || [
            "لوكاله",
            "لصحيفه",
            "لقناه",
            "لموقع",
            "لتلفزيون",
            "لاذاعه",
            "للصحفيين",
            "لوسائل",
        ]
        .iter()
        .any(|p| t.norm.starts_with(p))
}

/// Words of the time of a statement (مساء الأحد, on Monday), which are not
/// part of who made it.
fn is_time_word(w: &str) -> bool {
    const TIME: &[&str] = &[
        "مساء", "صباح", "ظهر", "فجر", "ليل", "ليله", "يوم", "earlier", "later", "tonight",
    ];
    TIME.contains(&w) || super::date::weekday_of(w).is_some()
}

/// Abbreviations whose full stop does not end a sentence.
fn is_abbreviation(w: &str) -> bool {
    const ABBR: &[&str] = &[
        "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "jr", "sr", "prof",
        "maj", "capt", "sgt", "adm", "u", "s", "k", "n", "e", "d", "h", "a",
    ];
    ABBR.contains(&w)
}

/// Token `k` is a full stop (or ! ?) that ends a sentence: not the stop of
/// an abbreviation (Mr., U.S.), and followed by a space or the end.
fn ends_sentence(toks: &[Token], k: usize) -> bool {
    let t = &toks[k];
    if t.is_punct_in("!?؟") {
        return true;
    }
    if !t.is_punct_in(".") {
        return false;
    }
    let spaced_after = toks
        .get(k + 1)
        .is_none_or(|n| n.space_before || n.newline_before);
    let abbr = k > 0 && !t.space_before && is_abbreviation(&toks[k - 1].norm);
    spaced_after && !abbr
}

/// Collects up to `max` speaker tokens from `from` in direction `step`.
fn take_speaker(
    toks: &[Token],
    from: isize,
    step: isize,
    limit: isize,
    max: usize,
) -> Option<(usize, usize)> {
    let mut k = from;
    let mut first = None;
    let mut last = None;
    let mut n = 0;
    while k >= 0 && (k as usize) < toks.len() && (if step > 0 { k < limit } else { k > limit }) {
        let t = &toks[k as usize];
        if step < 0 && n == 0 && is_time_word(&t.norm) {
            // "صدر عن الوزارة مساء الأحد أكدت": the time, then the speaker.
            k += step;
            continue;
        }
        if ends_speaker(t)
            || is_speech_verb(&t.norm)
            || ends_sentence(toks, k as usize)
            || (n > 0 && t.newline_before && step > 0)
        {
            break;
        }
        if first.is_none() {
            first = Some(k as usize);
        }
        last = Some(k as usize);
        if t.kind != Tok::Punct {
            n += 1;
        }
        if n >= max {
            break;
        }
        if step < 0 && t.newline_before {
            break;
        }
        k += step;
    }
    let (a, b) = (first?, last?);
    Some(if a <= b { (a, b) } else { (b, a) })
}

/// The speaker of a quote spanning tokens `qs..qe` (exclusive), as written,
/// and the lowest token index it looked at (or past: 0 when it stopped at
/// the start of `toks`).
fn speaker(text: &str, toks: &[Token], qs: usize, qe: usize) -> (Option<String>, usize) {
    let mut low = qs;
    let s = speaker_low(text, toks, qs, qe, &mut low);
    (s, low)
}

/// [`speaker`], lowering `low` to each token index it looks at.
fn speaker_low(
    text: &str,
    toks: &[Token],
    qs: usize,
    qe: usize,
    low: &mut usize,
) -> Option<String> {
    let sentence_break = |t: &Token| t.is_punct_in(".!?؟") || t.newline_before;
    // Before: "قال X إن «…»", "X said: "…"".
    let mut k = qs;
    let mut verb = None;
    // A quote opening a paragraph has nothing before it in its sentence.
    if toks.get(qs).is_some_and(|t| t.newline_before) {
        k = 0;
    }
    while k > 0 && qs - k < 25 {
        k -= 1;
        *low = (*low).min(k);
        if is_speech_verb(&toks[k].norm) {
            verb = Some(k);
            break;
        }
        if sentence_break(&toks[k]) {
            break;
        }
        if toks[k].newline_before {
            break;
        }
    }
    let slice = |a: usize, b: usize| {
        text[toks[a].start..toks[b].end]
            .trim()
            .trim_end_matches(['.', ',', ':', '،'])
            .to_string()
    };
    if let Some(v) = verb {
        if let Some((a, b)) = take_speaker(toks, v as isize + 1, 1, qs as isize, 10) {
            // "نقلت صحيفة محلية عن مصدر مسؤول قوله": the paper reports, the
            // source speaks.
            let reported = matches!(toks[v].norm.trim_start_matches(['و', 'ف']), "نقل" | "نقلت");
            if reported
                && toks.get(b + 1).is_some_and(|t| t.is("عن"))
                && let Some((a2, b2)) = take_speaker(toks, b as isize + 2, 1, qs as isize, 10)
            {
                return Some(slice(a2, b2));
            }
            return Some(slice(a, b));
        }
        // The verb right before the quote: the speaker precedes it.
        let stop = v.saturating_sub(10) as isize - 1;
        if v > 0 && !toks[v].newline_before {
            // Down to `stop + 1`, a token before that (a sentence end, an
            // abbreviation), and the one before the speaker.
            *low = (*low).min(v.saturating_sub(11));
        }
        if v > 0
            && !toks[v].newline_before
            && let Some((a, b)) = take_speaker(toks, v as isize - 1, -1, stop, 8)
        {
            // "وعن راموس قال «…»": about Ramos, someone said.
            let about = a > 0 && matches!(toks[a - 1].norm.as_str(), "وعن" | "فعن");
            return (!about).then(|| slice(a, b));
        }
    }
    // After: "…," said X / "…," X said / «…» قال X.
    let mut k = qe;
    if toks.get(k).is_some_and(|t| t.is_punct_in(",،")) {
        k += 1;
    }
    if toks
        .get(k)
        .is_some_and(|t| is_speech_verb(&t.norm) && !t.newline_before)
    {
        let limit = (k + 12).min(toks.len()) as isize;
        return take_speaker(toks, k as isize + 1, 1, limit, 8).map(|(a, b)| slice(a, b));
    }
    // "…," the minister said.
    let mut j = k;
    while j < toks.len() && j < k + 8 && !toks[j].newline_before {
        if is_speech_verb(&toks[j].norm) && j > k {
            return Some(slice(k, j - 1));
        }
        if toks[j].kind == Tok::Punct {
            break;
        }
        j += 1;
    }
    None
}

/// The first quotation mark of `s` for which `want` holds: its offset and
/// character; with `line`, only before the first line break. Every mark
/// `closers` knows starts with one of three bytes (`"`, 0xC2, 0xE2): they
/// are looked for with `memchr3` (vectorized; a byte-by-byte test of the
/// three was a third of the quotation scan), and a line break only
/// between one and the next.
fn quote_mark(s: &str, want: impl Fn(char) -> bool, line: bool) -> Option<(usize, char)> {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        let found = memchr::memchr3(b'"', 0xc2, 0xe2, &b[i..]).map(|k| i + k);
        if line && memchr::memchr2(b'\n', b'\r', &b[i..found.unwrap_or(b.len())]).is_some() {
            return None;
        }
        // An ASCII byte or a lead byte: a character starts here.
        let at = found?;
        let c = s[at..].chars().next()?;
        if want(c) {
            return Some((at, c));
        }
        i = at + c.len_utf8();
    }
}

/// Finds the quotes of `text`.
pub fn quotes(text: &str, toks: &[Token]) -> Vec<Claim> {
    quote_spans(text)
        .into_iter()
        .map(|span| quote_claim(text, toks, span).0)
        .collect()
}

/// Tokens a quote's speaker is looked for in after the token after its
/// closing mark (a comma, a verb, 12 more and one to see a sentence end):
/// [`quote_claim`] needs these, or the text's end.
pub const SPEAKER_AFTER: usize = 16;

/// The quote claim of the quotation at `span` (from [`quote_spans`]),
/// with its speaker, from `toks`: the text's tokens, or a run of them
/// holding [`SPEAKER_AFTER`] tokens after the first after the quote (or
/// the text's end); and the lowest index of `toks` the speaker was looked
/// for at (0 when it may have gone on before the run: the run must then
/// start the text).
pub fn quote_claim(text: &str, toks: &[Token], span: Span) -> (Claim, usize) {
    let qs = toks.partition_point(|t| t.start < span.start);
    let qe = toks.partition_point(|t| t.start < span.end);
    let mut c = Claim::new(ClaimKind::Quote, span, None);
    let (speaker, low) = speaker(text, toks, qs, qe);
    c.speaker = speaker.filter(|s| {
        let f = crate::normalize::fold_str(s);
        !s.is_empty()
            && !matches!(
                f.as_str(),
                "لكنها" | "لكنه" | "لكن" | "انه" | "انها" | "it" | "he" | "she" | "they"
            )
    });
    (c, low)
}

/// The spans of the quotations of `text`, marks included, in order: read
/// from the text alone.
pub fn quote_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((off, open)) = quote_mark(&text[pos..], |c| !closers(c).is_empty(), false) {
        let start = pos + off;
        let body = start + open.len_utf8();
        pos = body;
        // 5" is inches, not a quote.
        if open == '"'
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit())
        {
            continue;
        }
        let limit = (body + MAX_QUOTE).min(text.len());
        let mut limit = limit;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[body..limit];
        let Some((rel, close)) = quote_mark(window, |c| closers(open).contains(&c), true) else {
            continue;
        };
        let end = body + rel + close.len_utf8();
        // Two letters at least: read up to the second (counting them all
        // read every quote whole, 0.14 G instructions of c20k's 41).
        let inner = text[body..body + rel].trim();
        if inner
            .chars()
            .filter(|&c| super::token::is_alpha(c))
            .nth(1)
            .is_none()
        {
            continue;
        }
        out.push(Span::new(start, end));
        pos = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::claims::{ClaimKind, ClaimOptions, extract};

    fn quote(s: &str) -> (String, Option<String>) {
        let c = extract(s, &ClaimOptions::default());
        let q = c
            .iter()
            .find(|c| c.kind == ClaimKind::Quote)
            .unwrap_or_else(|| panic!("{s}: {c:?}"));
        (q.span.slice(s).to_string(), q.speaker.clone())
    }

    #[test]
    fn arabic_speakers() {
        let (t, s) = quote(
            "وكان وزير الخارجية الروسي سيرجي لافروف صرح عقب لقائه نظيره بأن \"حفتر يجب أن يكون جزءًا\".",
        );
        assert_eq!(t, "\"حفتر يجب أن يكون جزءًا\"");
        assert_eq!(s.as_deref(), Some("وزير الخارجية الروسي سيرجي لافروف"));
        let (_, s) = quote("وقال وزير الخارجية الإيطالي إنجيلينو ألفانو إن «الحل سياسي».");
        assert_eq!(s.as_deref(), Some("وزير الخارجية الإيطالي إنجيلينو ألفانو"));
        let (_, s) =
            quote("وأكد المتحدث باسم الكرملين دميتري بيسكوف لوكالة “تاس” الروسية أن اللقاء تم.");
        assert_eq!(s.as_deref(), Some("المتحدث باسم الكرملين دميتري بيسكوف"));
        let (t, _) = quote("قال إن ”الوضع صعب“ اليوم");
        assert_eq!(t, "”الوضع صعب“");
        let (_, s) = quote("وفي بيان صدر عن الوزارة مساء الأحد أكدت أن \"المدارس ستعود\".");
        assert_eq!(s.as_deref(), Some("الوزارة"));
        let (_, s) = quote("ونقلت صحيفة محلية عن مصدر مسؤول قوله إن \"المدارس ستعود\".");
        assert_eq!(s.as_deref(), Some("مصدر مسؤول"));
        let (_, s) = quote("وعن راموس قال «راموس لاعب فريقنا».");
        assert_eq!(s, None);
    }

    #[test]
    fn english_speakers() {
        let (_, s) = quote("\"We will not leave,\" said Foreign Minister Sergei Lavrov.");
        assert_eq!(s.as_deref(), Some("Foreign Minister Sergei Lavrov"));
        let (_, s) = quote("“We will not leave,” the minister said.");
        assert_eq!(s.as_deref(), Some("the minister"));
        let (_, s) = quote("Lavrov said: „Haftar must be part of it“.");
        assert_eq!(s.as_deref(), Some("Lavrov"));
        let (_, s) = quote("It met in the U.S. capital. The spokesman said: \"We are ready.\"");
        assert_eq!(s.as_deref(), Some("The spokesman"));
        let (_, s) =
            quote("Officials met. U.S. Secretary of State John Kerry said: \"We are ready.\"");
        assert_eq!(s.as_deref(), Some("U.S. Secretary of State John Kerry"));
    }

    #[test]
    fn quotes_contain_figures() {
        let t = "قال إن \"1000 جندي وصلوا\"";
        let c = extract(t, &ClaimOptions::default());
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[0].kind, ClaimKind::Quote);
        assert_eq!(c[1].value, Some(1000.0));
    }

    /// The byte-by-byte scan [`super::quote_mark`] replaced.
    fn quote_mark_bytewise(
        s: &str,
        want: impl Fn(char) -> bool,
        line: bool,
    ) -> Option<(usize, char)> {
        let b = s.as_bytes();
        let mut i = 0;
        while let Some(k) = b[i..]
            .iter()
            .position(|&x| matches!(x, b'"' | 0xc2 | 0xe2) || line && matches!(x, b'\n' | b'\r'))
        {
            let at = i + k;
            let c = s[at..].chars().next()?;
            if c == '\n' || c == '\r' {
                return None;
            }
            if want(c) {
                return Some((at, c));
            }
            i = at + c.len_utf8();
        }
        None
    }

    proptest::proptest! {
        /// The marks found are the byte-by-byte scan's, openers and
        /// closers, within a line or not, among characters of the same
        /// lead bytes (no-break space, right-to-left mark, dashes).
        #[test]
        fn marks_as_the_bytewise_scan(chars in proptest::collection::vec(
            proptest::sample::select(vec![
                '"', '“', '”', '„', '«', '»', '‹', '›', '\n', '\r', '\u{a0}', '\u{200f}',
                '—', '…', '\u{b0}', 'a', ' ', '5', 'ق', 'ل',
            ]),
            0..40,
        )) {
            let s: String = chars.into_iter().collect();
            for line in [false, true] {
                let any = |c: char| !super::closers(c).is_empty();
                proptest::prop_assert_eq!(
                    super::quote_mark(&s, any, line),
                    quote_mark_bytewise(&s, any, line)
                );
                let close = |c: char| super::closers('“').contains(&c);
                proptest::prop_assert_eq!(
                    super::quote_mark(&s, close, line),
                    quote_mark_bytewise(&s, close, line)
                );
            }
        }
    }

    #[test]
    fn inches_are_not_quotes() {
        let c = extract("a 5\" screen and a 7\" one", &ClaimOptions::default());
        assert!(c.iter().all(|c| c.kind != ClaimKind::Quote), "{c:?}");
    }
}
