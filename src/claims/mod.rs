//! Claims: the figures, dates and quotes of a text, with their values.
//!
//! [`extract`] reads a document's original text and returns every claim it
//! recognizes, each with a byte span into that text. Contradiction checking
//! (`crate::contradict`) compares the claims of two aligned passages.
//!
//! How it works: the text is split into tokens (`token`), dates are found
//! first (`date`, with Hijri dates resolved by `hijri`), then figures
//! (`figure`: digits from `number`, number words from `words`, units and
//! qualifiers from `unit`), then quotes (`quote`). Each claim carries the
//! language of its sentence (`lang`). See `docs/claims.md`.
//!
//! Spans: sorted by start. Figures and dates never overlap one another. A
//! quote claim covers its quotation marks and may *contain* figure and date
//! claims (a quoted figure is still a figure); it never partly overlaps one.

use crate::document::{Lang, Span, merge_spans};
use serde::Serialize;

mod date;
mod figure;
pub mod hijri;
mod lang;
pub mod number;
mod packed;
mod quote;
mod token;
mod unit;
mod words;

pub use date::DateValue;
pub use lang::detect as detect_lang;
pub use packed::PackedClaims;

/// What a claim states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// A bare count or figure.
    Number,
    /// A percentage (`value` is the percent figure: 12.5 for "12.5%").
    Percent,
    /// An amount of money (`unit` is the currency key).
    Money,
    /// A measured or counted quantity (`unit` is what is counted).
    Quantity,
    /// An ordinal (third, الثالث).
    Ordinal,
    /// A year, date, weekday or time.
    Date,
    /// A quotation (`speaker` when the sentence names one).
    Quote,
}

impl ClaimKind {
    /// The wire name (`number`, `percent`…).
    pub fn name(self) -> &'static str {
        match self {
            ClaimKind::Number => "number",
            ClaimKind::Percent => "percent",
            ClaimKind::Money => "money",
            ClaimKind::Quantity => "quantity",
            ClaimKind::Ordinal => "ordinal",
            ClaimKind::Date => "date",
            ClaimKind::Quote => "quote",
        }
    }
}

/// One recognized claim.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// What it states.
    pub kind: ClaimKind,
    /// Bytes of the original text.
    pub span: Span,
    /// The plain number a person would write, if any: 4400000000 for
    /// "أربعة مليارات و 400 مليون", 2 for "زيارتين", 12.5 for "12.5%", the
    /// year for a date that has one.
    pub value: Option<f64>,
    /// What is counted, as a normalized key (`USD`, `soldier`, `km`, `%`).
    pub unit: Option<String>,
    /// A qualifier that changes how values compare (`more_than`, `about`,
    /// `nearly`, `at_least`, `up_to`, `at_most`, `less_than`, `exactly`).
    pub qualifier: Option<String>,
    /// For quotes: who said it, as written.
    pub speaker: Option<String>,
    /// For measured quantities: the value in the base unit of its dimension
    /// (grams, metres, litres, square metres, seconds).
    pub base_value: Option<f64>,
    /// The base unit of `base_value` (`g`, `m`, `l`, `m2`, `s`).
    pub base_unit: Option<String>,
    /// For vague quantities (عشرات, آلاف, بضعة, hundreds of): the smallest
    /// value meant.
    pub min: Option<f64>,
    /// For vague quantities: the largest value meant.
    pub max: Option<f64>,
    /// For dates: the resolved form.
    pub date: Option<Box<DateValue>>,
    /// The language of the sentence the claim is in.
    pub lang: Lang,
}

impl Default for Claim {
    /// An empty number claim (for struct-update syntax in tests).
    fn default() -> Claim {
        Claim::new(ClaimKind::Number, Span::default(), None)
    }
}

impl Claim {
    /// A claim with only a kind, a span and a value.
    pub fn new(kind: ClaimKind, span: Span, value: Option<f64>) -> Claim {
        Claim {
            kind,
            span,
            value,
            unit: None,
            qualifier: None,
            speaker: None,
            base_value: None,
            base_unit: None,
            min: None,
            max: None,
            date: None,
            lang: Lang::Other,
        }
    }
}

/// The scale a folded word names (thousand, ألف, آلاف, مليون, million, bn,
/// k…): 1e3, 1e6… — from the number-word lexicon claim extraction uses.
pub fn scale_word(w: &str) -> Option<f64> {
    use words::W;
    match words::lookup(w).map(|f| f.w) {
        Some(W::Scale(s) | W::DualScale(s) | W::PluralScale(s)) => Some(s),
        _ => words::scale_abbrev(w),
    }
}

/// Options for [`extract`].
#[derive(Clone, Debug, Default)]
pub struct ClaimOptions {
    /// Force a language instead of detecting it sentence by sentence.
    pub lang: Option<Lang>,
}

/// A bare small number that numbers an item of a list ("…ريالًا. 8 - أمانة
/// منطقة الجوف", "\n3) The"): at the start of a line or after a sentence
/// end, followed by a dash or a closing bracket. It counts nothing.
fn list_marker(text: &str, c: &Claim) -> bool {
    if c.kind != ClaimKind::Number || c.unit.is_some() || c.qualifier.is_some() {
        return false;
    }
    if !c
        .value
        .is_some_and(|v| v.fract() == 0.0 && (0.0..100.0).contains(&v))
    {
        return false;
    }
    let body = c.span.slice(text);
    if !body.chars().all(|ch| ch.is_numeric()) {
        return false;
    }
    let before = text[..c.span.start].trim_end_matches([' ', '\t', '\u{a0}']);
    let opens =
        before.is_empty() || before.ends_with(['\n', '\r', '.', ':', '؛', ';', '!', '?', '؟']);
    let after = text[c.span.end..].trim_start_matches([' ', '\t', '\u{a0}']);
    let mut rest = after.chars();
    let marked = matches!(rest.next(), Some('-' | '–' | '—' | ')'))
        && rest
            .next()
            .is_none_or(|ch| ch.is_whitespace() || ch.is_alphabetic());
    opens && marked
}

/// Every claim in `text`, sorted by start (see the module docs for how
/// spans may nest).
pub fn extract(text: &str, opts: &ClaimOptions) -> Vec<Claim> {
    extract_with_lang(text, opts).0
}

/// [`extract`], with the language of the whole text (`opts.lang` when
/// given, else detected).
pub fn extract_with_lang(text: &str, opts: &ClaimOptions) -> (Vec<Claim>, Lang) {
    let (claims, langs) = extract_over(text, None, None, opts);
    (claims, langs.doc())
}

/// Tokens of context kept on each side of a region by [`extract_in`]: more
/// than any figure or date pattern looks at, so the scans over a region
/// find what the scan over the whole text finds there.
const REGION_MARGIN: usize = 12;

/// The claims [`extract`] finds in `text` that overlap one of `regions`,
/// and every quote of the text, for a fraction of the work when the
/// regions are a small part of the text (matching pairs a fifth of a
/// document on average): figures and dates are looked for only in the
/// regions and at both ends of each quote, with [`REGION_MARGIN`] tokens
/// of context on both sides. `regions` may overlap and come in any order.
pub fn extract_in(text: &str, regions: &[Span], opts: &ClaimOptions) -> Vec<Claim> {
    extract_over(text, Some(&merge_spans(regions.to_vec())), None, opts).0
}

/// [`extract_in`] of a text whose quotes [`quotes_in`] gave, `quotes`,
/// for a reader of the claims inside one region at a time: of the quotes,
/// only those inside a region (of `regions` merged) are given, and the
/// quotes are not looked for again, nor the figures and dates at their
/// ends (what decided which quotes are quotes): only the regions' figures
/// and dates and those quotes' speakers are. The quotation scan had read
/// the same tokens at the same quotes' ends (c4k: 4.4% of all
/// instructions went to finding again what it had found), and a quote
/// outside every region was read (its speaker and language, 6% more) and
/// held for no pair.
pub fn extract_in_quoted(
    text: &str,
    regions: &[Span],
    quotes: &[Span],
    opts: &ClaimOptions,
) -> Vec<Claim> {
    let regions = merge_spans(regions.to_vec());
    let inside: Vec<Span> = quotes
        .iter()
        .copied()
        .filter(|q| {
            let k = regions.partition_point(|r| r.end < q.end);
            regions
                .get(k)
                .is_some_and(|r| r.start <= q.start && q.end <= r.end)
        })
        .collect();
    extract_over(text, Some(&regions), Some(&inside), opts).0
}

/// The spans of the quotes [`extract`] finds in `text` (those of
/// [`extract_in`] with no regions): what matching quotations needs, before
/// the figures and dates of the passages are looked for. Their speakers
/// and languages are not looked for; the figures and dates at both ends of
/// each quote are (a quote that would cut one in two is not a quote), over
/// the tokens [`extract_in`] reads for them.
pub fn quotes_in(text: &str, opts: &ClaimOptions) -> Vec<Span> {
    let mut spans = quote::quote_spans(text);
    if spans.is_empty() {
        return spans;
    }
    with_tokens(|buf| {
        let sentences = lang::LazySentences::new(text, opts.lang);
        let lang_at = |byte: usize| sentences.lang_at(byte);
        let cover = Cover::new(text, &[], &spans, buf, false, true);
        let mut out = dates_and_figures(text, buf, &cover.ranges, &lang_at);
        out.retain(|c| !list_marker(text, c));
        out.sort_by_key(|c| (c.span.start, c.span.end));
        spans.retain(|&q| !cut(&out, q));
    });
    spans
}

/// Dates, then figures, in each range of tokens of `buf` (the ranges a
/// [`Cover`] reads), as over the whole text.
fn dates_and_figures(
    text: &str,
    buf: &[token::Token],
    ranges: &[Span],
    lang_at: &dyn Fn(usize) -> Lang,
) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut claimed = Vec::new();
    for r in ranges {
        let t = &buf[r.start..r.end];
        // The word answers of the range at once (`token::fill_words`);
        // then a range of inert tokens only (a third of c4k's 28,500)
        // holds no date and no figure: both scans would skip every token.
        token::fill_words(t);
        if t.iter().all(token::Token::inert) {
            continue;
        }
        claimed.clear();
        claimed.resize(t.len(), false);
        out.extend(date::dates(text, t, &mut claimed, lang_at));
        out.extend(figure::figures(text, t, &mut claimed, lang_at));
    }
    out
}

/// Whether a figure or date of `found` (sorted by start) would be cut in
/// two by quote `q`: it overlaps `q` without being inside it. Figures and
/// dates never overlap one another, so sorted by start their ends are
/// sorted too: only those that reach into the quote are looked at.
fn cut(found: &[Claim], q: Span) -> bool {
    let first = found.partition_point(|c| c.span.end <= q.start);
    found[first..]
        .iter()
        .take_while(|c| c.span.start < q.end)
        .any(|c| !(q.start <= c.span.start && c.span.end <= q.end))
}

/// `f` with this thread's token buffer, kept from one document to the next
/// (see `token::tokenize_into`) up to 65,536 tokens (a few MB).
fn with_tokens<R>(f: impl FnOnce(&mut Vec<token::Token>) -> R) -> R {
    thread_local! {
        static SPARE: std::cell::RefCell<Vec<token::Token>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut buf = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
    let r = f(&mut buf);
    if buf.len() <= 1 << 16 {
        SPARE.with(|s| *s.borrow_mut() = buf);
    }
    r
}

/// Whether `span` overlaps one of `regions` (sorted and disjoint).
fn overlaps_any(regions: &[Span], span: Span) -> bool {
    let k = regions.partition_point(|r| r.end <= span.start);
    regions.get(k).is_some_and(|r| r.start < span.end)
}

/// The order of a document's claims: by start, the longer first (a quote
/// before the figures it holds).
fn by_position(a: &Claim, b: &Claim) -> std::cmp::Ordering {
    (a.span.start, std::cmp::Reverse(a.span.end))
        .cmp(&(b.span.start, std::cmp::Reverse(b.span.end)))
}

/// The body of [`extract_with_lang`] and [`extract_in`]: with `regions`
/// (sorted and disjoint), figures and dates only around them and the
/// quotes, and sentence languages read only where a claim is (the text's
/// language, returned, is then detected only if a sentence needs it).
/// With `quotes` too (only with `regions`), the quotes are those (what
/// [`quotes_in`] gave), not looked for again.
fn extract_over<'a>(
    text: &'a str,
    regions: Option<&[Span]>,
    quotes: Option<&[Span]>,
    opts: &ClaimOptions,
) -> (Vec<Claim>, Langs<'a>) {
    with_tokens(|buf| extract_with(text, regions, quotes, opts, buf))
}

/// [`extract_over`] with a token buffer.
fn extract_with<'a>(
    text: &'a str,
    regions: Option<&[Span]>,
    known: Option<&[Span]>,
    opts: &ClaimOptions,
    buf: &mut Vec<token::Token>,
) -> (Vec<Claim>, Langs<'a>) {
    debug_assert!(known.is_none() || regions.is_some());
    // Sentence languages: over the whole text for the whole text's claims,
    // else read only where asked.
    let sentences = match regions {
        None => Langs::Full(lang::sentences(text, opts.lang)),
        Some(_) => Langs::Lazy(lang::LazySentences::new(text, opts.lang)),
    };
    let lang_at = |byte: usize| sentences.lang_at(byte);
    let (mut quotes, mut out) = match regions {
        None => {
            let n = token::tokenize_into(text, buf);
            let toks = &buf[..n];
            let mut claimed = vec![false; n];
            token::fill_words(toks);
            let quotes = quote::quotes(text, toks);
            let mut out = date::dates(text, toks, &mut claimed, &lang_at);
            out.extend(figure::figures(text, toks, &mut claimed, &lang_at));
            (quotes, out)
        }
        Some(regions) => {
            // Only the tokens near the regions and the quotes are read
            // (`Cover`); dates then figures in each token range, as over
            // the whole text. Known quotes need no figures at their ends.
            let spans = match known {
                Some(q) => q.to_vec(),
                None => quote::quote_spans(text),
            };
            let cover = Cover::new(text, regions, &spans, buf, true, known.is_none());
            let out = dates_and_figures(text, buf, &cover.ranges, &lang_at);
            (cover.quotes, out)
        }
    };
    out.retain(|c| !list_marker(text, c));
    // A quote that would cut a figure in two is dropped (figures win;
    // known quotes were).
    out.sort_by_key(|c| (c.span.start, c.span.end));
    if known.is_none() {
        quotes.retain(|q| !cut(&out, q.span));
    }
    if let Some(regions) = regions {
        // Figures and dates found only for a quote's sake go (`regions` are
        // sorted and disjoint here).
        out.retain(|c| overlaps_any(regions, c.span));
    }
    // Languages last, for the claims kept only: a sentence's language
    // costs a read of the whole sentence.
    for c in out.iter_mut().chain(&mut quotes) {
        c.lang = lang_at(c.span.start);
    }
    out.extend(quotes);
    out.sort_by(by_position);
    (out, sentences)
}

/// The tokens [`extract_in`] reads of a text, and where in them it looks
/// for figures and dates and for the quotes' speakers.
///
/// The scan over the whole text looks for figures and dates in token
/// ranges around each region and around both ends of each quote
/// ([`REGION_MARGIN`] tokens on each side), merged where they meet, and
/// for a quote's speaker in the tokens around it (up to 36 before it,
/// [`quote::SPEAKER_AFTER`] after it). Here only runs
/// of tokens holding those are read, each from a point where the whole
/// text's tokenizer passes with a known state (`token::resume_at`), so
/// they are the whole text's tokens there; each run holds one token more
/// than its ranges need on both sides (or reaches the text's end), so
/// ranges of two runs never meet, and those of one run meet as over the
/// whole text: the same ranges of the same tokens. A quote's speaker is
/// looked for with [`QUOTE_BEFORE`] tokens read before the quote, and
/// again with [`QUOTE_BEFORE_MAX`] if it reached the start of its run.
struct Cover {
    /// Token ranges to scan (indices into the buffer), sorted, disjoint.
    ranges: Vec<Span>,
    /// The quote claims, with their speakers.
    quotes: Vec<Claim>,
}

/// Tokens read before a quote for its speaker at first (most speakers
/// are found, or the sentence starts, within them).
const QUOTE_BEFORE: usize = 26;

/// Tokens before a quote its speaker can be looked for at: 25 to a
/// speech verb, 11 before it (see `quote::speaker`), and one more.
const QUOTE_BEFORE_MAX: usize = 40;

/// Words counted back beyond those a need asks for: a word of the count
/// may hold no token (only invisible marks between spaces) or share its
/// token with the next (`1 500 000`), and the word at the need's start may
/// end after it; too few tokens read means reading the document's runs
/// again.
const WORDS_SPARE: usize = 1;

/// The start of the `k`-th stretch of bytes between ASCII white space
/// (a word, as a resumable tokenizer point starts after one) ending at
/// or before `lo`, counted back from `lo`; 0 when there are fewer. A
/// word holds a token or more, except as [`WORDS_SPARE`] says: about
/// the bytes of `k` tokens, where a fixed ten bytes a token read 23 for
/// 12 (news words are about 6 bytes with their space).
///
/// Sixteen bytes at a time ([`space_mask`]): the byte loop was 0.12 G
/// instructions of c20k's 41 (about 200 bytes a need).
fn words_back(text: &str, lo: usize, k: usize) -> usize {
    let b = &text.as_bytes()[..lo];
    if k == 0 {
        return 0;
    }
    let mut words = 0;
    // Whether the byte at `end` starts, or is inside, a word (false at
    // `lo`: a space there, or no byte, ends no counted word).
    let mut word_after = false;
    let mut end = b.len();
    while end >= 16 {
        let chunk: &[u8; 16] = b[end - 16..end].try_into().expect("16 bytes");
        let spaces = space_mask(chunk);
        // Bit i: byte `end - 16 + i` is a space before a word's first byte.
        let not_space = !spaces & 0xffff | u32::from(word_after) << 16;
        let mut starts = spaces & (not_space >> 1);
        let c = starts.count_ones() as usize;
        if words + c >= k {
            // The (k - words)-th highest bit.
            for _ in 1..k - words {
                starts &= !(1 << (31 - starts.leading_zeros()));
            }
            return end - 16 + (31 - starts.leading_zeros()) as usize + 1;
        }
        words += c;
        word_after = spaces & 1 == 0;
        end -= 16;
    }
    let mut in_word = word_after;
    for p in (0..end).rev() {
        let space = is_ascii_space(b[p]);
        if space && in_word {
            words += 1;
            if words == k {
                return p + 1;
            }
        }
        in_word = !space;
    }
    0
}

/// The bytes [`words_back`] counts words between.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

/// Bit i set when `chunk[i]` is a space of [`is_ascii_space`]: four
/// comparisons of SSE2 (every x86-64 has it), else [`space_mask_swar`].
#[cfg(target_arch = "x86_64")]
fn space_mask(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of the x86-64 baseline, and the load reads the
    // 16 bytes of `chunk` (unaligned loads are allowed).
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
        let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
        let m = _mm_or_si128(
            _mm_or_si128(eq(b' '), eq(b'\n')),
            _mm_or_si128(eq(b'\t'), eq(b'\r')),
        );
        _mm_movemask_epi8(m) as u32 & 0xffff
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn space_mask(chunk: &[u8; 16]) -> u32 {
    space_mask_swar(chunk)
}

/// [`space_mask`] on two 64-bit words: a byte equal to `c` is a zero byte
/// of `x ^ c`, found exactly (no carry between bytes) by setting the high
/// bit of each nonzero byte.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn space_mask_swar(chunk: &[u8; 16]) -> u32 {
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let half = |x: u64| {
        let eq = |c: u8| {
            let t = x ^ (ONES * u64::from(c));
            // High bit set in the bytes of `t` that are zero.
            !(((t & LO7) + LO7) | t) & !LO7
        };
        let hi = eq(b' ') | eq(b'\n') | eq(b'\t') | eq(b'\r');
        // Gather the eight high bits into one byte, byte i to bit i.
        ((hi >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
    };
    let (a, b) = chunk.split_at(8);
    half(u64::from_le_bytes(a.try_into().expect("8 bytes")))
        | half(u64::from_le_bytes(b.try_into().expect("8 bytes"))) << 8
}

/// A stretch of tokens a scan needs: from `before` tokens before the first
/// token ending after byte `lo`, to `after` tokens after the token of byte
/// `hi` (the first starting at or after it when `hi_by_start`, else the
/// first ending after it).
struct Need {
    lo: usize,
    hi: usize,
    hi_by_start: bool,
    before: usize,
    after: usize,
    /// A quote's speaker (its index), else a figure and date range.
    quote: Option<usize>,
}

impl Cover {
    /// Reads into `buf` the tokens of `text` that `regions` (sorted and
    /// disjoint) and the quotes at `quotes` need: the figures and dates
    /// around both ends of each quote when `ends`, and its speaker when
    /// `speakers` (else `quotes` of the cover is empty; the ranges are the
    /// same: a range's tokens are counted from the need's own, whatever
    /// else is read).
    fn new(
        text: &str,
        regions: &[Span],
        quotes: &[Span],
        buf: &mut Vec<token::Token>,
        speakers: bool,
        ends: bool,
    ) -> Cover {
        let m = REGION_MARGIN;
        let range = |lo: usize, hi: usize, hi_by_start: bool| Need {
            lo,
            hi,
            hi_by_start,
            before: m,
            after: m,
            quote: None,
        };
        let mut needs: Vec<Need> = regions
            .iter()
            .map(|r| range(r.start, r.end, true))
            .collect();
        for (i, q) in quotes.iter().enumerate() {
            if ends {
                needs.push(range(q.start, q.start, false));
                needs.push(range(q.end, q.end, false));
            }
            if !speakers {
                continue;
            }
            needs.push(Need {
                lo: q.start,
                hi: q.end,
                hi_by_start: true,
                before: QUOTE_BEFORE,
                after: quote::SPEAKER_AFTER,
                quote: Some(i),
            });
        }
        // Bytes read before a need's first token: those of its `before`
        // words and `WORDS_SPARE` more (`words_back`), more each time that
        // was too few.
        let back_for = |lo: usize, before: usize| lo - words_back(text, lo, before + WORDS_SPARE);
        let mut back: Vec<usize> = needs.iter().map(|x| back_for(x.lo, x.before)).collect();
        'attempt: loop {
            let mut order: Vec<usize> = (0..needs.len()).collect();
            order.sort_by_key(|&k| (needs[k].lo.saturating_sub(back[k]), k));
            // Runs as (first token, one past the last) in `buf`, and
            // where the need's tokens are in its run.
            let mut runs: Vec<(Span, bool)> = Vec::new();
            let mut found: Vec<(usize, usize, usize)> = vec![(0, 0, 0); needs.len()];
            let mut at = token::Resume::default();
            let mut n = 0;
            // The run being read: its first token, and whether it starts
            // the text.
            let mut run: Option<(usize, bool)> = None;
            for &k in &order {
                let need = &needs[k];
                let from = need.lo.saturating_sub(back[k]);
                // A new run when this one's tokens start past the read ones
                // and a resumable point lies between.
                let fresh = match run {
                    None => (0..=from).rev().find_map(|p| token::resume_at(text, p)),
                    Some(_) if from > at.pos => (at.pos + 1..=from)
                        .rev()
                        .find_map(|p| token::resume_at(text, p)),
                    Some(_) => None,
                };
                if let Some(r) = fresh {
                    if let Some((first, whole)) = run {
                        runs.push((Span::new(first, n), whole));
                    }
                    run = Some((n, r.pos == 0));
                    at = r;
                }
                let (first, whole) = run.expect("a run is open");
                // Read up to the first token starting at or after `hi`.
                while (n == first || buf[n - 1].start < need.hi)
                    && token::next_token(text, &mut at, buf, n)
                {
                    n += 1;
                }
                let toks = &buf[first..n];
                let lo = toks.partition_point(|t| t.end <= need.lo);
                let lo = if need.quote.is_some() {
                    lo.min(toks.partition_point(|t| t.start < need.lo))
                } else {
                    lo
                };
                let hi = if need.hi_by_start {
                    toks.partition_point(|t| t.start < need.hi)
                } else {
                    toks.partition_point(|t| t.end <= need.hi)
                };
                if !whole && lo <= need.before {
                    // Too few tokens read before it: start further back.
                    back[k] = back[k] * 4 + 64;
                    continue 'attempt;
                }
                while n - first <= hi + need.after && token::next_token(text, &mut at, buf, n) {
                    n += 1;
                }
                found[k] = (runs.len(), lo, hi);
            }
            if let Some((first, whole)) = run {
                runs.push((Span::new(first, n), whole));
            }
            let mut ranges = Vec::new();
            let mut claims = Vec::with_capacity(quotes.len());
            let mut again = Vec::new();
            for (k, (need, &(r, lo, hi))) in needs.iter().zip(&found).enumerate() {
                let (run, whole) = runs[r];
                match need.quote {
                    Some(q) => {
                        let toks = &buf[run.start..run.end];
                        let (claim, low) = quote::quote_claim(text, toks, quotes[q]);
                        if !whole && low == 0 {
                            // The speaker may be further back: read more.
                            again.push(k);
                        }
                        claims.push(claim);
                    }
                    None => ranges.push(Span::new(
                        run.start + lo.saturating_sub(m),
                        run.start + (hi + m).min(run.end - run.start),
                    )),
                }
            }
            if !again.is_empty() {
                // (With `QUOTE_BEFORE_MAX` tokens before it, a speaker never
                // reaches the start of its run.)
                for k in again {
                    needs[k].before = QUOTE_BEFORE_MAX;
                    back[k] = back[k].max(back_for(needs[k].lo, QUOTE_BEFORE_MAX));
                }
                continue 'attempt;
            }
            return Cover {
                ranges: merge_spans(ranges),
                quotes: claims,
            };
        }
    }
}

/// The sentence languages of a text: all read at once, or read where
/// asked.
enum Langs<'a> {
    Full(lang::Sentences),
    Lazy(lang::LazySentences<'a>),
}

impl Langs<'_> {
    fn lang_at(&self, byte: usize) -> Lang {
        match self {
            Langs::Full(s) => s.lang_at(byte),
            Langs::Lazy(s) => s.lang_at(byte),
        }
    }

    fn doc(&self) -> Lang {
        match self {
            Langs::Full(s) => s.doc,
            Langs::Lazy(s) => s.doc(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every text file of the bundled seeds and fixtures (Arabic and
    /// English articles, contradiction pairs, foundation cases).
    fn texts() -> &'static [String] {
        static TEXTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        TEXTS.get_or_init(|| {
            fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
                let mut entries: Vec<_> = std::fs::read_dir(dir)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .collect();
                entries.sort();
                for p in entries {
                    if p.is_dir() {
                        walk(&p, out);
                    } else if p.extension().is_some_and(|e| e == "txt")
                        && let Ok(t) = std::fs::read_to_string(&p)
                    {
                        out.push(t);
                    }
                }
            }
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut out = Vec::new();
            walk(&root.join("seeds"), &mut out);
            walk(&root.join("fixtures"), &mut out);
            assert!(out.len() > 100, "fixtures not found");
            out
        })
    }

    /// What [`extract_in`] must give: the whole text's claims that overlap a
    /// region, and all its quotes.
    fn expected(text: &str, regions: &[Span]) -> Vec<Claim> {
        extract(text, &ClaimOptions::default())
            .into_iter()
            .filter(|c| {
                c.kind == ClaimKind::Quote
                    || regions
                        .iter()
                        .any(|r| c.span.start < r.end && r.start < c.span.end)
            })
            .collect()
    }

    /// A span of `text` from fractions of its length, on char boundaries.
    fn region(text: &str, from: f64, len: f64) -> Span {
        let snap = |mut b: usize| {
            b = b.min(text.len());
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            b
        };
        let start = snap((from * text.len() as f64) as usize);
        Span::new(
            start,
            snap(start + (len * text.len() as f64) as usize).max(start),
        )
    }

    /// Compares `got` with `want` over sliding regions of every text (a
    /// tenth, a third and a byte-sized sliver), and with no region.
    fn sliding(
        got: impl Fn(&str, &[Span], &ClaimOptions) -> Vec<Claim>,
        want: impl Fn(&str, &[Span]) -> Vec<Claim>,
    ) {
        let opts = ClaimOptions::default();
        let mut checked = 0;
        for text in texts() {
            for len in [0.1, 0.33, 0.0] {
                for k in 0..10 {
                    let r = region(text, k as f64 / 10.0, len);
                    let found = got(text, &[r], &opts);
                    assert_eq!(found, want(text, &[r]), "region {r:?} of {text:.80}");
                    checked += found.iter().filter(|c| c.kind != ClaimKind::Quote).count();
                }
            }
            assert_eq!(got(text, &[], &opts), want(text, &[]));
        }
        assert!(checked > 1000, "only {checked} claims compared");
    }

    #[test]
    fn regions_find_what_the_whole_text_finds_there() {
        sliding(extract_in, expected);
    }

    /// Given the quotes `quotes_in` found, the regions' claims and the
    /// quotes inside a region (with their speakers) are what `extract_in`
    /// finds, and so the whole text's there.
    #[test]
    fn known_quotes_find_what_extract_in_finds() {
        let known =
            |t: &str, r: &[Span], o: &ClaimOptions| extract_in_quoted(t, r, &quotes_in(t, o), o);
        let inside = |found: Vec<Claim>, r: &[Span]| -> Vec<Claim> {
            found
                .into_iter()
                .filter(|c| {
                    c.kind != ClaimKind::Quote
                        || r.iter()
                            .any(|r| r.start <= c.span.start && c.span.end <= r.end)
                })
                .collect()
        };
        sliding(known, |t, r| {
            inside(extract_in(t, r, &ClaimOptions::default()), r)
        });
        sliding(known, |t, r| inside(expected(t, r), r));
        // Two regions meeting: a quote across both is inside them merged.
        let text = "He said \"we will rebuild every school in the city\" today.";
        let quotes = quotes_in(text, &ClaimOptions::default());
        assert_eq!(quotes.len(), 1);
        let q = quotes[0];
        let mid = q.start + 10;
        let got = extract_in_quoted(
            text,
            &[Span::new(mid, q.end), Span::new(q.start, mid)],
            &quotes,
            &ClaimOptions::default(),
        );
        assert_eq!(got, extract_in(text, &[q], &ClaimOptions::default()));
        assert!(
            got.iter()
                .any(|c| c.kind == ClaimKind::Quote && c.span == q)
        );
    }

    /// The scans' fast path (no figure or date looked for at an inert
    /// token) finds what the scans without it find, over every text and in
    /// regions, and is taken at most tokens.
    #[test]
    fn inert_tokens_start_no_claim() {
        let opts = ClaimOptions::default();
        fn slow<T>(f: impl Fn() -> T) -> T {
            token::NO_INERT.with(|x| x.set(true));
            let r = f();
            token::NO_INERT.with(|x| x.set(false));
            r
        }
        let (mut inert, mut all, mut claims) = (0, 0, 0);
        for text in texts() {
            let fast = extract(text, &opts);
            assert_eq!(fast, slow(|| extract(text, &opts)), "{text:.80}");
            claims += fast.len();
            for k in 0..4 {
                let r = [region(text, k as f64 / 4.0, 0.2)];
                assert_eq!(
                    extract_in(text, &r, &opts),
                    slow(|| extract_in(text, &r, &opts)),
                    "{r:?} of {text:.80}"
                );
            }
            assert_eq!(quotes_in(text, &opts), slow(|| quotes_in(text, &opts)));
            let toks = token::tokenize(text);
            inert += toks.iter().filter(|t| t.inert()).count();
            all += toks.len();
        }
        assert!(claims > 500, "only {claims} claims");
        assert!(inert * 2 > all, "{inert} inert tokens of {all}");
    }

    /// Words that start a figure or a date by each of the scans' tests are
    /// not inert (a three-letter capital: an ISO code).
    #[test]
    fn starting_words_are_not_inert() {
        for w in [
            "ثلاثه",
            "بالدولار",
            "الثالث",
            "third",
            "percent",
            "a",
            "half",
            "http",
            "يناير",
            "الاثنين",
            "امس",
            "USD",
            "QZX",
            "زيارتين",
            "km",
            "+",
            "%",
            "<",
            "5",
        ] {
            let toks = token::tokenize(w);
            assert!(!toks[0].inert(), "{w}");
        }
        for w in ["الوزير", "said", "the", "Qzx", "«", ".", "-"] {
            let toks = token::tokenize(w);
            assert!(toks[0].inert(), "{w}");
        }
    }

    /// The quotes alone are the whole text's quotes (the spans quotation
    /// pairs are made of before any claim is extracted).
    #[test]
    fn quotes_alone_are_the_whole_texts() {
        let opts = ClaimOptions::default();
        let mut compared = 0;
        for text in texts() {
            let want: Vec<Span> = extract(text, &opts)
                .into_iter()
                .filter(|c| c.kind == ClaimKind::Quote)
                .map(|c| c.span)
                .collect();
            compared += want.len();
            assert_eq!(quotes_in(text, &opts), want, "{text:.80}");
        }
        assert!(compared > 50, "only {compared} quotes compared");
    }

    /// A speaker found further back than [`QUOTE_BEFORE`] tokens (a verb
    /// 24 tokens before the quote, its subject of 8 words before it), the quote
    /// far from the text's start and from the region: read again with
    /// [`QUOTE_BEFORE_MAX`].
    #[test]
    fn far_speakers_as_over_the_whole_text() {
        let filler = |n: usize| vec!["كلمة"; n].join(" ");
        // Eight long words: more bytes than are read before the quote at
        // first.
        let subject = ["عبدالرحمن"; 8].join(" ");
        let text = format!(
            "{}. {subject} صرح إن {} «الوضع صعب جدا» {}. وصل 300 جندي.",
            filler(100),
            filler(22),
            filler(60)
        );
        let region = Span::new(text.len() - 30, text.len());
        let got = extract_in(&text, &[region], &ClaimOptions::default());
        assert_eq!(got, expected(&text, &[region]));
        let q = got.iter().find(|c| c.kind == ClaimKind::Quote).unwrap();
        assert_eq!(q.speaker.as_deref(), Some(subject.as_str()));
        assert!(got.iter().any(|c| c.value == Some(300.0)), "{got:?}");
    }

    /// `words_back` as it was, one byte at a time.
    fn words_back_bytewise(text: &str, lo: usize, k: usize) -> usize {
        let b = &text.as_bytes()[..lo];
        let mut words = 0;
        let mut in_word = false;
        for p in (0..b.len()).rev() {
            let space = matches!(b[p], b' ' | b'\n' | b'\t' | b'\r');
            if space && in_word {
                words += 1;
                if words == k {
                    return p + 1;
                }
            }
            in_word = !space;
        }
        0
    }

    proptest::proptest! {
        #[test]
        fn words_back_is_the_bytewise_count(chars in proptest::collection::vec(
            proptest::sample::select(vec![
                'a', 'Z', ' ', ' ', ' ', '\n', '\t', '\r', '\u{b}', '\u{c}', ',', '\u{0}',
                '\u{a0}', '\u{85}', '\u{2029}', 'ء', '😀',
            ]),
            0..120,
        ), lo_frac in 0.0f64..=1.0) {
            let text: String = chars.into_iter().collect();
            let lo = (text.len() as f64 * lo_frac) as usize;
            for k in 0..=text.len() / 2 + 2 {
                proptest::prop_assert_eq!(words_back(&text, lo, k), words_back_bytewise(&text, lo, k), "k {} lo {} {:?}", k, lo, text);
            }
        }

        #[test]
        fn space_masks_agree(bytes in proptest::array::uniform16(proptest::num::u8::ANY)) {
            let direct = (0..16).filter(|&i| is_ascii_space(bytes[i])).fold(0u32, |m, i| m | 1 << i);
            proptest::prop_assert_eq!(space_mask(&bytes), direct);
            proptest::prop_assert_eq!(space_mask_swar(&bytes), direct);
        }
    }

    #[test]
    fn words_back_counts_words_between_spaces() {
        let t = "one two  three\nfour,five six";
        let lo = t.find("six").unwrap();
        assert_eq!(words_back(t, lo, 1), t.find("four").unwrap());
        assert_eq!(words_back(t, lo, 2), t.find("three").unwrap());
        assert_eq!(words_back(t, lo, 3), t.find("two").unwrap());
        assert_eq!(words_back(t, lo, 4), 0);
        assert_eq!(words_back(t, lo, 9), 0);
        // A word cut by `lo` counts as one.
        assert_eq!(words_back(t, lo + 1, 1), lo);
        assert_eq!(words_back(t, 0, 1), 0);
    }

    /// The token ranges the whole text's scan looks for figures and dates
    /// in (as byte spans from the first token's start to the last's end):
    /// around each region and both ends of each quote, merged.
    fn whole_ranges(text: &str, regions: &[Span]) -> Vec<(usize, usize)> {
        let toks = token::tokenize(text);
        let n = toks.len();
        let at = |byte: usize| toks.partition_point(|t| t.end <= byte);
        let around = |lo: usize, hi: usize| {
            Span::new(
                lo.saturating_sub(REGION_MARGIN),
                (hi + REGION_MARGIN).min(n),
            )
        };
        let ranges = merge_spans(
            regions
                .iter()
                .map(|r| around(at(r.start), toks.partition_point(|t| t.start < r.end)))
                .chain(quote::quote_spans(text).iter().flat_map(|q| {
                    let (s, e) = (at(q.start), at(q.end));
                    [around(s, s), around(e, e)]
                }))
                .collect(),
        );
        ranges
            .iter()
            .filter(|r| r.start < r.end)
            .map(|r| (toks[r.start].start, toks[r.end - 1].end))
            .collect()
    }

    /// [`Cover`]'s ranges, as [`whole_ranges`] gives them.
    fn cover_ranges(text: &str, regions: &[Span]) -> Vec<(usize, usize)> {
        let mut buf = Vec::new();
        let regions = merge_spans(regions.to_vec());
        let c = Cover::new(
            text,
            &regions,
            &quote::quote_spans(text),
            &mut buf,
            true,
            true,
        );
        c.ranges
            .iter()
            .filter(|r| r.start < r.end)
            .map(|r| (buf[r.start].start, buf[r.end - 1].end))
            .collect()
    }

    /// The runs read give the whole text's ranges of tokens, on every text
    /// and on words long enough that the first guess of bytes to read
    /// holds too few tokens.
    #[test]
    fn cover_ranges_are_the_whole_texts() {
        let long = format!(
            "{} 12 {} «{} قال» {}",
            ["عبدالرحمنعبدالرحمنعبدالرحمن"; 40].join(" "),
            ["Internationalisationsprozesse"; 30].join(" "),
            ["كلمة"; 3].join(" "),
            ["عبدالرحمنعبدالرحمنعبدالرحمن"; 40].join(" "),
        );
        for text in texts().iter().chain([&long]) {
            for k in 0..10 {
                let r = region(text, k as f64 / 10.0, 0.05);
                assert_eq!(
                    cover_ranges(text, &[r]),
                    whole_ranges(text, &[r]),
                    "{r:?} of {text:.80}"
                );
            }
        }
    }

    /// The language is asked only of what it changes (one-dot digits,
    /// day/month order), and then of the figure's own sentence: each
    /// sentence of a mixed text reads its own way, over the whole text and
    /// in regions, and languages are those of the sentences.
    #[test]
    fn digits_and_dates_read_by_their_sentences_language() {
        let text = "The output rose to 4.800 units on 3/4/2015 at noon. \
                    وبلغ الإنتاج 4.800 وحدة في 3/4/2015 ظهرا. \
                    Prices rose 5.25 percent on 12.03.2017, said 7 of them.";
        let opts = ClaimOptions::default();
        let all = extract(text, &opts);
        let figures: Vec<(Option<f64>, Lang)> = all
            .iter()
            .filter(|c| c.kind != ClaimKind::Date)
            .map(|c| (c.value, c.lang))
            .collect();
        assert_eq!(
            figures,
            [
                (Some(4.8), Lang::En),
                (Some(4800.0), Lang::Ar),
                (Some(5.25), Lang::En),
                (Some(7.0), Lang::En)
            ],
            "{all:?}"
        );
        let months: Vec<(Option<u32>, Lang)> = all
            .iter()
            .filter_map(|c| c.date.as_ref().map(|d| (d.month, c.lang)))
            .collect();
        assert_eq!(
            months,
            [
                (Some(3), Lang::En),
                (Some(4), Lang::Ar),
                (Some(12), Lang::En)
            ],
            "{all:?}"
        );
        for k in 0..8 {
            let r = region(text, k as f64 / 8.0, 0.1);
            assert_eq!(extract_in(text, &[r], &opts), expected(text, &[r]), "{r:?}");
        }
    }

    proptest! {
        #[test]
        fn any_regions_find_what_the_whole_text_finds_there(
            which in any::<prop::sample::Index>(),
            parts in prop::collection::vec((0.0..1.0f64, 0.0..0.4f64), 0..6),
        ) {
            let text = which.get(texts());
            let regions: Vec<Span> = parts.iter().map(|&(f, l)| region(text, f, l)).collect();
            prop_assert_eq!(
                extract_in(text, &regions, &ClaimOptions::default()),
                expected(text, &regions)
            );
        }
    }
}
