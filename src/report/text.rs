//! Text report: per pair a header, the two passages stacked (`a:` line,
//! `b:` line) with a word diff, and the findings.
//!
//! Changes are shown in color (removed words red, added words green, the
//! words of a finding bold and underlined) or, without color, with wdiff
//! markers `[-removed-]{+added+}`. Every finding gets a tag `[#n]` after its
//! words on both sides, listed with its message under the pair. Long
//! unchanged stretches are cut to `context` words around each change.
//!
//! Lines are wrapped at `width` columns on word boundaries, measured with
//! `unicode-width`. With `visual_bidi`, each wrapped line is shaped (Arabic
//! presentation forms, `ar-reshaper`) and reordered for display
//! (`unicode-bidi`), for terminals that do neither themselves; styles stay on
//! their words. Presentation forms never leave this module.

use super::{ReportOptions, line_col, sanitize_terminal, tokens_overlapping};
use crate::align::OpTag;
use crate::document::{Corpus, Document, Span};
use crate::summary::{CheckOutcome, PairResult};
use std::io::{self, Write};
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

/// What a piece of output is, which decides its color or markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Plain,
    Deleted,
    Inserted,
    Tag,
    Dim,
    Bold,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Style {
    role: Role,
    /// Part of a finding's claim: emphasized more strongly.
    emph: bool,
}

impl Style {
    const PLAIN: Style = Style::of(Role::Plain);
    const fn of(role: Role) -> Style {
        Style { role, emph: false }
    }
    /// The SGR sequence that starts this style ("" for none).
    fn sgr(self) -> &'static str {
        match (self.role, self.emph) {
            (Role::Plain, false) => "",
            (Role::Plain, true) => "\x1b[4m",
            (Role::Deleted, false) => "\x1b[31m",
            (Role::Deleted, true) => "\x1b[1;4;31m",
            (Role::Inserted, false) => "\x1b[32m",
            (Role::Inserted, true) => "\x1b[1;4;32m",
            (Role::Tag, _) => "\x1b[33m",
            (Role::Dim, _) => "\x1b[2m",
            (Role::Bold, _) => "\x1b[1m",
        }
    }
}

const RESET: &str = "\x1b[0m";

#[derive(Clone, Debug, PartialEq)]
struct Run {
    text: String,
    style: Style,
}

fn run(text: impl Into<String>, style: Style) -> Run {
    Run {
        text: text.into(),
        style,
    }
}

/// Writes the whole report.
pub fn write<W: Write>(out: &mut W, o: &CheckOutcome, opts: &ReportOptions) -> io::Result<()> {
    super::write_text(out, o, opts)
}

/// Writes `pairs`, numbered from `first`.
pub fn write_pairs<W: Write>(
    out: &mut W,
    corpus: &Corpus,
    first: usize,
    pairs: &[PairResult],
    opts: &ReportOptions,
) -> io::Result<()> {
    let mut w = Writer {
        out,
        opts,
        reshaper: ar_reshaper::ArabicReshaper::default(),
    };
    for (i, p) in pairs.iter().enumerate() {
        write_pair(&mut w, corpus, first + i, p)?;
    }
    Ok(())
}

/// Writes the summary line (the last line).
pub fn write_summary<W: Write>(out: &mut W, t: &super::Totals) -> io::Result<()> {
    writeln!(
        out,
        "{}, {}, {}, {}",
        super::counted(t.documents, "document"),
        super::counted(t.pairs, "pair"),
        super::counted(t.findings, "finding"),
        super::counted(t.errors, "error")
    )
}

struct Writer<'w, W: Write> {
    out: &'w mut W,
    opts: &'w ReportOptions,
    reshaper: ar_reshaper::ArabicReshaper,
}

/// One side of a pair, ready to render token ranges.
struct Side<'a> {
    text: &'a str,
    tokens: &'a [Span],
    /// Per token: it lies in a finding's claim.
    emph: Vec<bool>,
    /// Per token: the finding numbers whose claim ends at this token.
    tags: Vec<Vec<usize>>,
    /// Deleted on side a, inserted on side b.
    changed: Role,
}

impl<'a> Side<'a> {
    fn new(
        doc: &'a Document,
        tokens: &'a [Span],
        claims: impl Iterator<Item = Span>,
        changed: Role,
    ) -> Self {
        let mut emph = vec![false; tokens.len()];
        let mut tags = vec![Vec::new(); tokens.len()];
        for (i, span) in claims.enumerate() {
            let r = tokens_overlapping(tokens, &span);
            if r.is_empty() {
                continue;
            }
            emph[r.clone()].iter_mut().for_each(|e| *e = true);
            tags[r.end - 1].push(i + 1);
        }
        Side {
            text: &doc.text,
            tokens,
            emph,
            tags,
            changed,
        }
    }

    /// The text between token `t` and the next one (empty after the last).
    fn gap_after(&self, t: usize) -> Span {
        let end = self
            .tokens
            .get(t + 1)
            .map_or(self.tokens[t].end, |n| n.start);
        Span::new(self.tokens[t].end, end)
    }

    fn slice(&self, s: Span) -> String {
        sanitize_terminal(s.slice(self.text)).into_owned()
    }

    fn push_tags(&self, runs: &mut Vec<Run>, t: usize) {
        for n in &self.tags[t] {
            runs.push(run(format!("[#{n}]"), Style::of(Role::Tag)));
        }
    }

    /// Unchanged tokens `r`, each followed by its gap.
    fn push_equal(&self, runs: &mut Vec<Run>, r: Range<usize>) {
        for t in r {
            let style = Style {
                role: Role::Plain,
                emph: self.emph[t],
            };
            runs.push(run(self.slice(self.tokens[t]), style));
            self.push_tags(runs, t);
            runs.push(run(self.slice(self.gap_after(t)), Style::PLAIN));
        }
    }

    /// Changed tokens `r`, inside wdiff markers when not colored; finding
    /// tags after the closing marker, then the gap after the last token.
    /// A long change keeps `context` words (at least 3) at each end around
    /// an ellipsis, unless a finding's words are in the middle.
    fn push_changed(&self, runs: &mut Vec<Run>, r: Range<usize>, color: bool, context: usize) {
        if r.is_empty() {
            return;
        }
        let keep = context.max(3);
        let mut cut = r.start + keep..r.end.saturating_sub(keep);
        if cut.len() < 3 || self.emph[cut.clone()].iter().any(|&e| e) {
            cut = 0..0;
        }
        let (open, close) = match self.changed {
            Role::Deleted => ("[-", "-]"),
            _ => ("{+", "+}"),
        };
        let base = Style::of(self.changed);
        if !color {
            runs.push(run(open, base));
        }
        for t in r.clone() {
            if cut.contains(&t) {
                if t == cut.start {
                    runs.push(run(" … ", Style::of(Role::Dim)));
                }
                continue;
            }
            let style = Style {
                role: self.changed,
                emph: self.emph[t],
            };
            runs.push(run(self.slice(self.tokens[t]), style));
            if t + 1 < r.end && t + 1 != cut.start {
                runs.push(run(self.slice(self.gap_after(t)), base));
            }
        }
        if !color {
            runs.push(run(close, base));
        }
        for t in r.clone() {
            self.push_tags(runs, t);
        }
        runs.push(run(self.slice(self.gap_after(r.end - 1)), Style::PLAIN));
    }
}

/// One stretch of the diff: the runs of side a and of side b.
#[derive(Default)]
struct Hunk {
    a: Vec<Run>,
    b: Vec<Run>,
}

impl Hunk {
    fn ellipsis(&mut self) {
        for side in [&mut self.a, &mut self.b] {
            side.push(run(" … ", Style::of(Role::Dim)));
        }
    }
}

/// Cuts the alignment into hunks: every change with `context` unchanged
/// words on each side of it.
fn hunks(p: &PairResult, a: &Side, b: &Side, context: usize, color: bool) -> Vec<Hunk> {
    let ops = &p.alignment.ops;
    let mut out = Vec::new();
    let mut cur = Hunk::default();
    let equal = |cur: &mut Hunk, ra: Range<usize>, rb: Range<usize>, from: usize, to: usize| {
        a.push_equal(&mut cur.a, ra.start + from..ra.start + to);
        b.push_equal(&mut cur.b, rb.start + from..rb.start + to);
    };
    for (i, op) in ops.iter().enumerate() {
        if op.tag != OpTag::Equal {
            a.push_changed(&mut cur.a, op.a(), color, context);
            b.push_changed(&mut cur.b, op.b(), color, context);
            continue;
        }
        let n = op.a().len();
        let (first, last) = (i == 0, i + 1 == ops.len());
        let (ra, rb) = (op.a(), op.b());
        if first && last {
            // Nothing changed: the beginning and the end of the passage.
            if n <= 2 * context.max(1) {
                equal(&mut cur, ra, rb, 0, n);
            } else {
                equal(&mut cur, ra.clone(), rb.clone(), 0, context.max(1));
                cur.ellipsis();
                equal(&mut cur, ra, rb, n - context.max(1), n);
            }
        } else if first {
            if n > context {
                cur.ellipsis();
            }
            equal(&mut cur, ra, rb, n.saturating_sub(context), n);
        } else if last {
            equal(&mut cur, ra, rb, 0, n.min(context));
            if n > context {
                cur.ellipsis();
            }
        } else if n > 2 * context {
            equal(&mut cur, ra.clone(), rb.clone(), 0, context);
            cur.ellipsis();
            out.push(std::mem::take(&mut cur));
            cur.ellipsis();
            equal(&mut cur, ra, rb, n - context, n);
        } else {
            equal(&mut cur, ra, rb, 0, n);
        }
    }
    if !cur.a.is_empty() || !cur.b.is_empty() {
        out.push(cur);
    }
    out
}

fn write_pair<W: Write>(
    w: &mut Writer<'_, W>,
    corpus: &Corpus,
    n: usize,
    p: &PairResult,
) -> io::Result<()> {
    let (da, db) = (corpus.get(p.a.doc), corpus.get(p.b.doc));
    let al = &p.alignment;
    let color = w.opts.color;
    let bold = Style::of(Role::Bold);
    let findings = match p.findings.len() {
        0 => String::new(),
        1 => " · 1 finding".to_string(),
        k => format!(" · {k} findings"),
    };
    let same = if p.same_source { " · same source" } else { "" };
    let head = vec![
        run(format!("pair {n}"), bold),
        run(
            format!(
                " · similarity {:.2} · {} words in common (a {}, b {}){findings}",
                p.similarity,
                al.equal_tokens(),
                al.a_len(),
                al.b_len()
            ) + same,
            Style::PLAIN,
        ),
    ];
    w.rule()?;
    w.lines("", "", &head, None)?;
    for (label, d, span) in [("a", da, p.a.span), ("b", db, p.b.span)] {
        let (line, col) = line_col(&d.text, span.start);
        let mut info = vec![run(sanitize_terminal(&d.name).into_owned(), bold)];
        if let Some(src) = &d.source {
            info.push(run(format!(" ({})", sanitize_terminal(src)), Style::PLAIN));
        }
        info.push(run(
            format!(" · bytes {}..{} · line {line}:{col}", span.start, span.end),
            Style::PLAIN,
        ));
        w.lines(&format!("{label}: "), "   ", &info, None)?;
    }
    let (toks_a, toks_b) = (
        al.a_tokens(&da.text, p.a.span),
        al.b_tokens(&db.text, p.b.span),
    );
    let sa = Side::new(
        da,
        &toks_a,
        p.findings.iter().map(|f| f.a.span),
        Role::Deleted,
    );
    let sb = Side::new(
        db,
        &toks_b,
        p.findings.iter().map(|f| f.b.span),
        Role::Inserted,
    );
    let rtl_a = is_rtl(p.a.span.slice(&da.text));
    let rtl_b = is_rtl(p.b.span.slice(&db.text));
    for h in hunks(p, &sa, &sb, w.opts.context, color) {
        writeln!(w.out)?;
        w.lines("  a: ", "     ", &h.a, Some(rtl_a))?;
        w.lines("  b: ", "     ", &h.b, Some(rtl_b))?;
    }
    if !p.findings.is_empty() {
        writeln!(w.out)?;
    }
    for (i, f) in p.findings.iter().enumerate() {
        let runs = vec![
            run(format!("[#{}]", i + 1), Style::of(Role::Tag)),
            run(
                format!(
                    " {} ({}): {}",
                    f.kind.name(),
                    severity_name(f.severity),
                    sanitize_terminal(&f.message)
                ),
                Style::PLAIN,
            ),
        ];
        w.lines("  ", "       ", &runs, None)?;
    }
    writeln!(w.out)
}

fn severity_name(s: crate::contradict::Severity) -> &'static str {
    use crate::contradict::Severity;
    match s {
        Severity::Conflict => "conflict",
        Severity::Rounding => "rounding",
        Severity::Update => "update",
    }
}

/// The passage's base direction: that of its first strong character.
fn is_rtl(text: &str) -> bool {
    use unicode_bidi::BidiClass::*;
    text.chars()
        .map(unicode_bidi::bidi_class)
        .find(|c| matches!(c, L | R | AL))
        .is_some_and(|c| c != L)
}

impl<W: Write> Writer<'_, W> {
    fn rule(&mut self) -> io::Result<()> {
        let line = "─".repeat(self.opts.width.min(100));
        if self.opts.color {
            writeln!(self.out, "{}{line}{RESET}", Style::of(Role::Dim).sgr())
        } else {
            writeln!(self.out, "{line}")
        }
    }

    /// Wraps `runs` after `first` (first line) or `rest` (other lines) and
    /// writes them. `rtl` is the base direction of a passage line (which is
    /// right-aligned when reordered); `None` for other lines.
    fn lines(
        &mut self,
        first: &str,
        rest: &str,
        runs: &[Run],
        rtl: Option<bool>,
    ) -> io::Result<()> {
        let indent = str_width(first).max(str_width(rest));
        let avail = self.opts.width.saturating_sub(indent).max(10);
        for (i, line) in wrap(runs, avail).into_iter().enumerate() {
            let line = if self.opts.visual_bidi {
                let base = rtl.unwrap_or_else(|| {
                    is_rtl(&line.iter().map(|r| r.text.as_str()).collect::<String>())
                });
                let mut v = visual(&line, base, &self.reshaper);
                if base && rtl.is_some() {
                    let pad = avail.saturating_sub(runs_width(&v));
                    v.insert(0, run(" ".repeat(pad), Style::PLAIN));
                }
                v
            } else {
                line
            };
            let prefix = if i == 0 { first } else { rest };
            self.out.write_all(prefix.as_bytes())?;
            let mut s = String::new();
            for r in &line {
                let sgr = r.style.sgr();
                if self.opts.color && !sgr.is_empty() {
                    s.push_str(sgr);
                    s.push_str(&r.text);
                    s.push_str(RESET);
                } else {
                    s.push_str(&r.text);
                }
            }
            writeln!(self.out, "{}", s.trim_end())?;
        }
        Ok(())
    }
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn runs_width(runs: &[Run]) -> usize {
    runs.iter().map(|r| str_width(&r.text)).sum()
}

/// Appends `c` with `style` to `runs`, extending the last run when it has
/// the same style.
fn push_char(runs: &mut Vec<Run>, c: char, style: Style) {
    match runs.last_mut() {
        Some(r) if r.style == style => r.text.push(c),
        _ => runs.push(run(c.to_string(), style)),
    }
}

/// Greedy wrap on whitespace: words (maximal non-space stretches, possibly
/// of several styles) fill lines of at most `avail` columns, separated by
/// one space; a word wider than a line is cut.
fn wrap(runs: &[Run], avail: usize) -> Vec<Vec<Run>> {
    let mut words: Vec<Vec<Run>> = Vec::new();
    let mut cur: Vec<Run> = Vec::new();
    for r in runs {
        for c in r.text.chars() {
            if c.is_whitespace() {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            } else {
                push_char(&mut cur, c, r.style);
            }
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let mut lines: Vec<Vec<Run>> = Vec::new();
    let mut line: Vec<Run> = Vec::new();
    let mut width = 0;
    for word in words {
        let ww = runs_width(&word);
        if !line.is_empty() && width + 1 + ww <= avail {
            // The space takes the style of the words around it when they
            // share one (a bold title, several removed words).
            let joined = line.last().map(|r| r.style) == word.first().map(|r| r.style);
            let space = if joined { word[0].style } else { Style::PLAIN };
            push_char(&mut line, ' ', space);
            for r in word {
                match line.last_mut() {
                    Some(last) if last.style == r.style => last.text.push_str(&r.text),
                    _ => line.push(r),
                }
            }
            width += 1 + ww;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        width = 0;
        if ww <= avail {
            line = word;
            width = ww;
            continue;
        }
        // Too wide for any line: cut between characters.
        for r in word {
            for c in r.text.chars() {
                let cw = char_width(c);
                if width + cw > avail && width > 0 {
                    lines.push(std::mem::take(&mut line));
                    width = 0;
                }
                push_char(&mut line, c, r.style);
                width += cw;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE.
const LRI: char = '\u{2066}';
const PDI: char = '\u{2069}';

/// Mirrored glyph of a paired bracket, for characters laid out right to left.
fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        c => c,
    }
}

/// One line in display order: Arabic shaped into presentation forms, then
/// reordered by the Unicode bidirectional algorithm with base direction
/// `rtl`. Each character keeps the style it had.
fn visual(line: &[Run], rtl: bool, reshaper: &ar_reshaper::ArabicReshaper) -> Vec<Run> {
    use unicode_bidi::{BidiInfo, Level};
    // Shape each run on its own: runs break only between words or at
    // markers, so letters that join stay in one run.
    let mut chars: Vec<(char, Style)> = Vec::new();
    for r in line {
        if r.style.role == Role::Tag {
            // A finding tag `[#n]` reads left to right whatever surrounds
            // it: isolate it (LRI … PDI), or after Arabic letters the digit
            // would become an Arabic number and the tag read `[n#]`.
            chars.push((LRI, r.style));
            chars.extend(r.text.chars().map(|c| (c, r.style)));
            chars.push((PDI, r.style));
        } else if reshaper.need_reshape(&r.text) {
            chars.extend(reshaper.reshape(&r.text).chars().map(|c| (c, r.style)));
        } else {
            chars.extend(r.text.chars().map(|c| (c, r.style)));
        }
    }
    let s: String = chars.iter().map(|c| c.0).collect();
    let level = if rtl { Level::rtl() } else { Level::ltr() };
    let info = BidiInfo::new(&s, Some(level));
    let starts: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    let mut out: Vec<Run> = Vec::new();
    for para in &info.paragraphs {
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        for lr in runs {
            let c0 = starts.partition_point(|&b| b < lr.start);
            let c1 = starts.partition_point(|&b| b < lr.end);
            let slice = &chars[c0..c1];
            if levels[lr.start].is_rtl() {
                // Reverse by clusters: a base character and the zero-width
                // marks after it stay in that order.
                let mut clusters: Vec<&[(char, Style)]> = Vec::new();
                let mut start = 0;
                for i in 1..=slice.len() {
                    if i == slice.len() || char_width(slice[i].0) > 0 {
                        clusters.push(&slice[start..i]);
                        start = i;
                    }
                }
                for cl in clusters.into_iter().rev() {
                    for &(c, st) in cl.iter().filter(|c| !matches!(c.0, LRI | PDI)) {
                        push_char(&mut out, mirror(c), st);
                    }
                }
            } else {
                for &(c, st) in slice.iter().filter(|c| !matches!(c.0, LRI | PDI)) {
                    push_char(&mut out, c, st);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Vec<Run>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|r| r.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn wrap_fills_lines_on_word_boundaries() {
        let runs = [run("one two three four five", Style::PLAIN)];
        assert_eq!(plain(&wrap(&runs, 9)), ["one two", "three", "four five"]);
        // A word wider than the line is cut.
        assert_eq!(
            plain(&wrap(&[run("abcdefghij", Style::PLAIN)], 4)),
            ["abcd", "efgh", "ij"]
        );
    }

    #[test]
    fn wrap_measures_display_width() {
        // CJK characters take two columns; Arabic harakat (U+064E fatha) none.
        let runs = [run("漢字 漢字 كَتَبَ", Style::PLAIN)];
        assert_eq!(plain(&wrap(&runs, 9)), ["漢字 漢字", "كَتَبَ"]);
    }

    #[test]
    fn wrap_keeps_styles_within_a_word() {
        let del = Style::of(Role::Deleted);
        let runs = [run("x [-", del), run("12", del), run("-] y", Style::PLAIN)];
        let lines = wrap(&runs, 80);
        assert_eq!(
            lines[0],
            vec![run("x [-12", del), run("-] y", Style::PLAIN),]
        );
    }

    #[test]
    fn visual_reverses_arabic_and_keeps_styles() {
        let reshaper = ar_reshaper::ArabicReshaper::default();
        let del = Style::of(Role::Deleted);
        // "قتل 12 شخصا": the figure stays left to right, the words reverse.
        let line = [
            run("قتل ", Style::PLAIN),
            run("12", del),
            run(" شخصا", Style::PLAIN),
        ];
        let v = visual(&line, true, &reshaper);
        let text: String = v.iter().map(|r| r.text.as_str()).collect();
        // Presentation forms, last word first, digits in reading order.
        assert_eq!(text, "ﺎﺼﺨﺷ 12 ﻞﺘﻗ");
        assert!(v.contains(&run("12", del)));
        // Brackets mirror in right-to-left runs.
        let v = visual(&[run("(قتل)", Style::PLAIN)], true, &reshaper);
        assert_eq!(v[0].text, "(ﻞﺘﻗ)");
        // A finding tag after Arabic text still reads `[#1]`.
        let tag = Style::of(Role::Tag);
        let v = visual(
            &[run("قتل ", Style::PLAIN), run("[#1]", tag)],
            true,
            &reshaper,
        );
        assert_eq!(v, vec![run("[#1]", tag), run(" ﻞﺘﻗ", Style::PLAIN)]);
    }

    proptest::proptest! {
        /// Wrapping loses no character but whitespace, and no line is wider
        /// than the room it has.
        #[test]
        fn wrap_keeps_text_and_width(
            text in "[a-z0-9 ٠-٩ء-ي\u{64e}漢字\\[\\]\\-+{}#]{0,120}",
            avail in 1usize..30,
        ) {
            let styles = [Style::PLAIN, Style::of(Role::Deleted)];
            let runs: Vec<Run> = text
                .split_inclusive('x')
                .enumerate()
                .map(|(i, t)| run(t, styles[i % 2]))
                .collect();
            let lines = wrap(&runs, avail);
            let kept: String = plain(&lines).concat().chars().filter(|c| !c.is_whitespace()).collect();
            let want: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            proptest::prop_assert_eq!(kept, want);
            for l in &lines {
                // A line holds at least one character, so a double-width
                // character may overflow a one-column line.
                proptest::prop_assert!(runs_width(l) <= avail.max(2));
            }
        }
    }

    #[test]
    fn long_changes_are_cut_unless_a_finding_is_inside() {
        // 30 words "aa ab … az ba bb bc bd" (letters only: digits split words).
        let text = (0..30u8)
            .map(|i| format!("{}{}", (b'a' + i / 26) as char, (b'a' + i % 26) as char))
            .collect::<Vec<_>>()
            .join(" ");
        let doc = Document {
            text: text.clone(),
            ..Document::default()
        };
        let tokens: Vec<Span> = crate::normalize::tokenize(&text)
            .iter()
            .map(|t| t.span)
            .collect();
        let show = |claims: Vec<Span>| {
            let side = Side::new(&doc, &tokens, claims.into_iter(), Role::Deleted);
            let mut runs = Vec::new();
            side.push_changed(&mut runs, 0..30, false, 3);
            plain(&wrap(&runs, 200)).concat()
        };
        assert_eq!(tokens.len(), 30);
        assert_eq!(show(vec![]), "[-aa ab ac … bb bc bd-]");
        // The 16th word is a finding's claim: nothing is cut.
        let all = show(vec![tokens[15]]);
        assert!(
            all.starts_with("[-aa ab ac ad") && all.ends_with("bd-][#1]"),
            "{all}"
        );
    }

    #[test]
    fn base_direction_from_first_strong_character() {
        assert!(is_rtl("12 قتل"));
        assert!(!is_rtl("12 killed قتل"));
    }
}
