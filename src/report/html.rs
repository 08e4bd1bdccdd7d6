//! HTML report: one self-contained page (inline CSS, no script, no network).
//!
//! A summary (documents, pairs, findings by kind, a table of findings linking
//! to each), then every pair with its two passages side by side. Each passage
//! carries `dir="auto"` and a `lang` guessed from its script, so Arabic reads
//! right to left and English left to right. Changes are `<del>`/`<ins>` and
//! claims that differ `<mark>` (not color alone); each passage links to its
//! twin, each finding to its marks. Every piece of article text is escaped.

use super::{lang_of, line_col, tokens_overlapping};
use crate::align::OpTag;
use crate::contradict::FindingKind;
use crate::document::{Document, Span};
use crate::summary::{CheckOutcome, PairResult};
use std::fmt::Write as _;
use std::io::{self, Write};

const STYLE: &str = r#"
:root { color-scheme: light; --line: #d0d7de; --muted: #57606a; }
body { margin: 0 auto; max-width: 78rem; padding: 1.5rem; color: #1f2328; background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans",
    "Noto Naskh Arabic", "Noto Sans Arabic", "Geeza Pro", Tahoma, sans-serif; }
:lang(ar) { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Scheherazade New",
    "Geeza Pro", "Arabic Typesetting", "Traditional Arabic", Tahoma, serif;
  font-size: 1.15em; line-height: 1.9; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: start; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: end; font-variant-numeric: tabular-nums; }
section.pair { border-top: 2px solid var(--line); margin-top: 2rem; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
@media (max-width: 50rem) { .sides { grid-template-columns: 1fr; } }
.side { border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; min-width: 0; }
.side h3 { font-size: 1rem; margin: .25rem 0; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: .85rem; }
.passage { overflow-wrap: break-word; }
del { background: #ffebe9; color: #82071e; text-decoration: line-through; }
ins { background: #dafbe1; color: #116329; text-decoration: underline; }
mark { background: #fff3a3; color: inherit; font-weight: bold; outline: 2px solid #d4a72c; border-radius: 2px; }
mark del, mark ins { font-weight: bold; }
.findings li { margin: .25rem 0; }
.kind { font-weight: bold; }
.severity { color: var(--muted); }
a.twin { font-size: .85rem; }
.errors { color: #82071e; }
"#;

/// Escapes text for HTML element content and attribute values; control
/// characters (not allowed in HTML) become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Writes the page.
pub fn write<W: Write>(out: &mut W, o: &CheckOutcome) -> io::Result<()> {
    let mut h = String::new();
    page(&mut h, o).expect("writing to a String cannot fail");
    out.write_all(h.as_bytes())
}

fn page(h: &mut String, o: &CheckOutcome) -> std::fmt::Result {
    let findings = o.findings();
    write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"crosscheck {}\">\n\
         <title>crosscheck report: {}, {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        super::counted(o.pairs.len(), "pair"),
        super::counted(findings, "finding")
    )?;
    h.push_str("<header>\n<h1>crosscheck report</h1>\n");
    summary(h, o)?;
    h.push_str("</header>\n<main>\n");
    for (i, p) in o.pairs.iter().enumerate() {
        pair(h, o, i + 1, p)?;
    }
    h.push_str("</main>\n</body>\n</html>\n");
    Ok(())
}

fn summary(h: &mut String, o: &CheckOutcome) -> std::fmt::Result {
    h.push_str("<table class=\"summary\">\n<tbody>\n");
    let mut row = |name: &str, n: usize| {
        writeln!(
            h,
            "<tr><th scope=\"row\">{name}</th><td class=\"num\">{n}</td></tr>"
        )
    };
    row("Documents", o.corpus.len())?;
    row("Passages", o.stats.passages)?;
    row("Pairs", o.pairs.len())?;
    row("Findings", o.findings())?;
    for kind in FindingKind::ALL {
        let n = o
            .pairs
            .iter()
            .flat_map(|p| &p.findings)
            .filter(|f| f.kind == kind)
            .count();
        if n > 0 {
            row(&format!("&nbsp;&nbsp;{}", kind.name()), n)?;
        }
    }
    row("Errors", o.errors.len())?;
    h.push_str("</tbody>\n</table>\n");
    if !o.errors.is_empty() {
        h.push_str("<ul class=\"errors\">\n");
        for e in &o.errors {
            writeln!(h, "<li>{}</li>", escape(&e.to_string()))?;
        }
        h.push_str("</ul>\n");
    }
    if o.pairs.is_empty() {
        h.push_str("<p>No copied passages found.</p>\n");
        return Ok(());
    }
    h.push_str(
        "<h2>Pairs</h2>\n<table class=\"pairs\">\n<thead><tr><th>Pair</th><th>Document a</th>\
         <th>Document b</th><th>Similarity</th><th>Findings</th></tr></thead>\n<tbody>\n",
    );
    for (i, p) in o.pairs.iter().enumerate() {
        let n = i + 1;
        let (da, db) = (o.corpus.get(p.a.doc), o.corpus.get(p.b.doc));
        write!(
            h,
            "<tr><td class=\"num\"><a href=\"#pair-{n}\">{n}</a></td><td dir=\"auto\">{}</td>\
             <td dir=\"auto\">{}</td><td class=\"num\">{:.2}</td><td>",
            doc_label(da),
            doc_label(db),
            p.similarity
        )?;
        for (j, f) in p.findings.iter().enumerate() {
            if j > 0 {
                h.push_str("<br>");
            }
            write!(
                h,
                "<a href=\"#finding-{n}-{}\">{}: <bdi>{}</bdi></a>",
                j + 1,
                f.kind.name(),
                escape(&f.message)
            )?;
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    Ok(())
}

fn doc_label(d: &Document) -> String {
    match &d.source {
        Some(s) => format!(
            "{} <span class=\"meta\">({})</span>",
            escape(&d.name),
            escape(s)
        ),
        None => escape(&d.name),
    }
}

fn severity_name(s: crate::contradict::Severity) -> &'static str {
    use crate::contradict::Severity;
    match s {
        Severity::Conflict => "conflict",
        Severity::Rounding => "rounding",
        Severity::Update => "update",
    }
}

fn pair(h: &mut String, o: &CheckOutcome, n: usize, p: &PairResult) -> std::fmt::Result {
    let (da, db) = (o.corpus.get(p.a.doc), o.corpus.get(p.b.doc));
    let al = &p.alignment;
    writeln!(
        h,
        "<section class=\"pair\" id=\"pair-{n}\">\n<h2>Pair {n} <span class=\"meta\">similarity {:.2} \
         · {} words in common (a {}, b {})</span></h2>\n<div class=\"sides\">",
        p.similarity,
        al.equal_tokens(),
        al.a_len(),
        al.b_len()
    )?;
    let claims_a: Vec<Span> = p.findings.iter().map(|f| f.a.span).collect();
    let claims_b: Vec<Span> = p.findings.iter().map(|f| f.b.span).collect();
    let (toks_a, toks_b) = (
        al.a_tokens(&da.text, p.a.span),
        al.b_tokens(&db.text, p.b.span),
    );
    let tags_a = token_marks(&toks_a, &claims_a);
    let tags_b = token_marks(&toks_b, &claims_b);
    for (side, other, d, span, tokens, marks) in [
        ("a", "b", da, p.a.span, &toks_a, &tags_a),
        ("b", "a", db, p.b.span, &toks_b, &tags_b),
    ] {
        let (line, col) = line_col(&d.text, span.start);
        let text = span.slice(&d.text);
        write!(
            h,
            "<article class=\"side\" id=\"pair-{n}-{side}\">\n<h3 dir=\"auto\">{side}: {}</h3>\n\
             <div class=\"meta\">bytes {}..{} · line {line}:{col}",
            doc_label(d),
            span.start,
            span.end
        )?;
        if let Some(date) = &d.date {
            write!(h, " · {}", escape(date))?;
        }
        write!(
            h,
            " · <a class=\"twin\" href=\"#pair-{n}-{other}\">twin passage ({other})</a></div>\n\
             <p class=\"passage\" dir=\"auto\" lang=\"{}\">",
            lang_of(text).tag()
        )?;
        passage(h, n, side, d, span, tokens, marks, p)?;
        h.push_str("</p>\n</article>\n");
    }
    h.push_str("</div>\n");
    if !p.findings.is_empty() {
        h.push_str("<ol class=\"findings\">\n");
        for (j, f) in p.findings.iter().enumerate() {
            let id = format!("finding-{n}-{}", j + 1);
            writeln!(
                h,
                "<li id=\"{id}\"><span class=\"kind\">{}</span> <span class=\"severity\">({})</span>: \
                 <bdi>{}</bdi> — <a href=\"#{id}-a\">in a</a>, <a href=\"#{id}-b\">in b</a></li>",
                f.kind.name(),
                severity_name(f.severity),
                escape(&f.message)
            )?;
        }
        h.push_str("</ol>\n");
    }
    h.push_str("</section>\n");
    Ok(())
}

/// Per token: the finding (0-based) whose claim covers it, if any.
fn token_marks(tokens: &[Span], claims: &[Span]) -> Vec<Option<usize>> {
    let mut marks = vec![None; tokens.len()];
    for (i, s) in claims.iter().enumerate() {
        for m in &mut marks[tokens_overlapping(tokens, s)] {
            m.get_or_insert(i);
        }
    }
    marks
}

/// The passage text with `<del>`/`<ins>` around changed tokens and `<mark>`
/// around the claims of findings. Text between tokens is copied as is, so
/// the page shows the original text of the whole passage.
#[allow(clippy::too_many_arguments)]
fn passage(
    h: &mut String,
    n: usize,
    side: &str,
    d: &Document,
    span: Span,
    tokens: &[Span],
    marks: &[Option<usize>],
    p: &PairResult,
) -> std::fmt::Result {
    let changed_tag = if side == "a" { "del" } else { "ins" };
    let mut changed = vec![false; tokens.len()];
    for op in &p.alignment.ops {
        if op.tag != OpTag::Equal {
            let r = if side == "a" { op.a() } else { op.b() };
            changed[r.clone()].iter_mut().for_each(|c| *c = true);
        }
    }
    let mut ided = vec![false; p.findings.len()];
    let mut pos = span.start;
    let mut t = 0;
    while t < tokens.len() {
        // A group: consecutive tokens with the same (changed, mark).
        let key = (changed[t], marks[t]);
        let mut end = t + 1;
        while end < tokens.len() && (changed[end], marks[end]) == key {
            end += 1;
        }
        let g = Span::new(tokens[t].start, tokens[end - 1].end);
        if g.start > pos {
            h.push_str(&escape(&d.text[pos..g.start]));
        }
        if let Some(f) = key.1 {
            h.push_str("<mark");
            if !ided[f] {
                ided[f] = true;
                write!(h, " id=\"finding-{n}-{}-{side}\"", f + 1)?;
            }
            write!(h, " title=\"finding {}\">", f + 1)?;
        }
        if key.0 {
            write!(h, "<{changed_tag}>")?;
        }
        h.push_str(&escape(g.slice(&d.text)));
        if key.0 {
            write!(h, "</{changed_tag}>")?;
        }
        if key.1.is_some() {
            h.push_str("</mark>");
        }
        pos = g.end;
        t = end;
    }
    h.push_str(&escape(&d.text[pos..span.end.max(pos)]));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralizes_markup_and_controls() {
        assert_eq!(
            escape("<script>alert('x')</script> \"><img onerror=a>&\x1b[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;&gt;&lt;img onerror=a&gt;&amp;\u{fffd}[31m"
        );
    }

    #[test]
    fn marks_first_finding_wins() {
        let toks = [Span::new(0, 2), Span::new(3, 5), Span::new(6, 8)];
        let claims = [Span::new(3, 8), Span::new(0, 5)];
        assert_eq!(token_marks(&toks, &claims), [Some(1), Some(0), Some(0)]);
    }
}
