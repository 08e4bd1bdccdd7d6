//! Deduplication: groups reprinted documents and reused passages.
//!
//! Works on what matching already found (the verified passage pairs of
//! `pipeline::check`), never on all pairs of documents:
//!
//! 1. [`find_boilerplate`]: sentence units that recur in many documents of
//!    one source (site footers, "أرسل تعليقك", "اترك رد", "error: Content is
//!    protected !!") while those documents are otherwise unrelated. The
//!    pipeline blanks them out before matching ([`mask`]), so they can neither
//!    pair two articles nor yield findings, and reports them apart.
//! 2. [`document_clusters`]: two documents are *linked* when the passages
//!    aligned between them cover at least `min_overlap` of the shorter one
//!    (containment: a reprint that adds paragraphs of its own still links to
//!    the wire story). Clusters grow from the strongest link down, but two
//!    clusters merge only if more than half of the document pairs across
//!    them are links (majority linkage) or if every document links to the
//!    merged cluster's representative (star linkage). A chain of links
//!    (A~B, B~C, A≁C, none containing the others) never glues unrelated
//!    stories, while a copy whose match with one member fell short still
//!    joins when it matches most of the others.
//! 3. [`passage_clusters`]: occurrences of one reused passage across
//!    documents ("this paragraph appears in 11 outlets").
//! 4. [`unique`]: one document per cluster plus the singletons.
//!
//! The representative of a cluster is its earliest document by `date`
//! (ISO 8601 strings compare in time order), else the longest, else the
//! first by name.

use crate::document::{Corpus, DocId, Passage, Span, merge_spans};
use crate::input::InputError;
use crate::summary::{PairResult, Stats};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::HashMap;

/// Default share of the shorter document that aligned passages must cover
/// for two documents to be reprints of each other.
///
/// Chosen on SaudiNewsNet's 300 wire-story folders (2,144 articles run
/// together with their outlets as sources; `scripts/eval-dedup.py snn`).
/// Adjusted Rand index against the folders, pairwise precision / recall:
/// 0.3: 0.946, 0.934 / 0.958; 0.4: 0.936, 0.934 / 0.938; 0.5: 0.940,
/// 0.979 / 0.903; 0.6: 0.906, 0.988 / 0.837. Below 0.5 the extra merges
/// are mostly different events told with one template (two executions
/// announced in the same Ministry of Interior wording, the 4th and 5th
/// relief flight to Aden); a reader would not call those reprints.
/// It is also the containment the folders themselves were built with.
/// Re-measured with the current matcher (main 178ba18): 0.3: 0.944;
/// 0.4: 0.947, 0.929 / 0.965; 0.5: 0.938, 0.928 / 0.949; 0.6: 0.932,
/// 0.946 / 0.918 — the matcher now covers more of template stories, which
/// no threshold separates (docs/dedup.md has the table and the
/// disagreements).
pub const DEFAULT_MIN_OVERLAP: f64 = 0.5;

/// A unit is boilerplate only when it recurs in at least this many
/// documents of one source. Outlets in SaudiNewsNet reprint one wire story
/// at most twice; footers and bylines recur in tens to hundreds.
pub const BOILERPLATE_MIN_DOCS: usize = 5;

/// ...and when, in the median document holding it, recurring units make up
/// less than this share of the words. Otherwise the documents are reprints
/// of one story (11 copies of a wire story given as plain files without a
/// source are all "one source"), not pages sharing a footer.
pub const BOILERPLATE_MAX_SHARE: f64 = 0.5;

/// A boilerplate unit has at least this many words: single words that recur
/// ("sa", "edu" of addresses cut at their dots, "انتهى") cannot seed a match
/// anyway (passages have 8 or more words) and would only clutter the report.
pub const BOILERPLATE_MIN_WORDS: u32 = 2;

/// `--level`: what a cluster groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Near-duplicate documents.
    #[default]
    Document,
    /// Occurrences of one reused passage.
    Passage,
}

impl Level {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Document => "document",
            Level::Passage => "passage",
        }
    }
}

/// `--keep`: which document of a cluster `--unique` keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Keep {
    /// The earliest by `date` (documents without a date last), then the
    /// longest, then the first by name: the representative.
    #[default]
    Earliest,
    /// The one with the most words, then the first by name.
    Longest,
    /// The first by name (the corpus order).
    First,
}

/// Settings of deduplication.
#[derive(Clone, Debug)]
pub struct DedupOptions {
    /// Smallest share of the shorter document covered by aligned passages.
    pub min_overlap: f64,
    /// Smallest number of documents of one source holding a boilerplate unit.
    pub boilerplate_min_docs: usize,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions {
            min_overlap: DEFAULT_MIN_OVERLAP,
            boilerplate_min_docs: BOILERPLATE_MIN_DOCS,
        }
    }
}

/// One sentence unit of a document, as the segmenter cut it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Its bytes in the original text.
    pub span: Span,
    /// Hash of its normalized words (figures masked): equal keys, equal units.
    pub key: u64,
    /// Number of words.
    pub words: u32,
}

/// What deduplication needs to know about the words of one document.
#[derive(Clone, Debug, Default)]
pub struct DocWords {
    /// First byte of every word, in order.
    pub word_starts: Vec<usize>,
    /// The sentence units, in order.
    pub units: Vec<Unit>,
}

impl DocWords {
    /// Words starting inside `span`.
    pub fn words_in(&self, span: Span) -> usize {
        let lo = self.word_starts.partition_point(|&s| s < span.start);
        let hi = self.word_starts.partition_point(|&s| s < span.end);
        hi - lo
    }
}

/// A unit that recurs across many documents of one source.
#[derive(Clone, Debug, PartialEq)]
pub struct Boilerplate {
    /// The source whose documents carry it (`None`: documents without one).
    pub source: Option<String>,
    /// Every occurrence, sorted.
    pub occurrences: Vec<Passage>,
}

/// Boilerplate units, and for each document its spans to blank out.
#[derive(Clone, Debug, Default)]
pub struct BoilerplateFound {
    /// The units, most widespread first.
    pub units: Vec<Boilerplate>,
    /// Per document (by `DocId`), its boilerplate spans, sorted, disjoint.
    pub masks: Vec<Vec<Span>>,
}

/// The group a document's boilerplate is counted in: its source, else the
/// host of its URL, else `None`: a document without either is not searched
/// for boilerplate.
pub fn source_key(d: &crate::document::Document) -> Option<String> {
    if let Some(s) = &d.source {
        return Some(s.clone());
    }
    let url = d.url.as_deref()?;
    let rest = url.split_once("://").map_or(url, |x| x.1);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    (!host.is_empty()).then(|| host.to_string())
}

/// Finds boilerplate: units whose key recurs in at least
/// `opts.boilerplate_min_docs` documents of one source, when recurring units
/// are a minor part (< [`BOILERPLATE_MAX_SHARE`]) of the median such document.
/// `words[i]` describes `corpus.docs[i]`.
pub fn find_boilerplate(
    corpus: &Corpus,
    words: &[DocWords],
    opts: &DedupOptions,
) -> BoilerplateFound {
    let min_docs = opts.boilerplate_min_docs.max(2);
    let keys: Vec<Option<String>> = corpus.docs.iter().map(source_key).collect();
    // (source index, unit key) -> documents holding it (each once).
    let mut source_ids: HashMap<&Option<String>, u32> = HashMap::new();
    for k in &keys {
        let n = source_ids.len() as u32;
        source_ids.entry(k).or_insert(n);
    }
    let mut holders: HashMap<(u32, u64), Vec<u32>> = HashMap::new();
    for (i, w) in words.iter().enumerate() {
        // Without a source (JSONL `source`, `--source-from`, or a URL host)
        // a unit recurring in many documents may as well be a wire story
        // many outlets reprinted — what dedup is for — as a site's footer.
        if keys[i].is_none() {
            continue;
        }
        let s = source_ids[&keys[i]];
        for u in w.units.iter().filter(|u| u.words >= BOILERPLATE_MIN_WORDS) {
            let v = holders.entry((s, u.key)).or_default();
            if v.last() != Some(&(i as u32)) {
                v.push(i as u32);
            }
        }
    }
    holders.retain(|_, v| v.len() >= min_docs);
    // Share of each document's words in recurring units.
    let share: Vec<f64> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let s = source_ids[&keys[i]];
            let total: u32 = w.units.iter().map(|u| u.words).sum();
            let rec: u32 = w
                .units
                .iter()
                .filter(|u| holders.contains_key(&(s, u.key)))
                .map(|u| u.words)
                .sum();
            if total == 0 {
                0.0
            } else {
                f64::from(rec) / f64::from(total)
            }
        })
        .collect();
    holders.retain(|_, docs| {
        let mut s: Vec<f64> = docs.iter().map(|&d| share[d as usize]).collect();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2] < BOILERPLATE_MAX_SHARE
    });
    let mut masks: Vec<Vec<Span>> = vec![Vec::new(); words.len()];
    let mut by_key: HashMap<(u32, u64), Vec<Passage>> = HashMap::new();
    for (i, w) in words.iter().enumerate() {
        let s = source_ids[&keys[i]];
        for u in &w.units {
            if holders.contains_key(&(s, u.key)) {
                masks[i].push(u.span);
                by_key.entry((s, u.key)).or_default().push(Passage {
                    doc: DocId(i as u32),
                    span: u.span,
                });
            }
        }
        masks[i] = merge_spans(std::mem::take(&mut masks[i]));
    }
    let mut units: Vec<Boilerplate> = by_key
        .into_values()
        .map(|mut occurrences| {
            occurrences.sort();
            Boilerplate {
                source: keys[occurrences[0].doc.index()].clone(),
                occurrences,
            }
        })
        .collect();
    units.sort_by(|a, b| {
        let docs = |x: &Boilerplate| {
            let mut d: Vec<DocId> = x.occurrences.iter().map(|p| p.doc).collect();
            d.dedup();
            d.len()
        };
        docs(b)
            .cmp(&docs(a))
            .then_with(|| a.occurrences[0].cmp(&b.occurrences[0]))
    });
    BoilerplateFound { units, masks }
}

/// `text` with every byte of `spans` replaced by a space: offsets stay the
/// same and stay on char boundaries (spans are), and the blanked words can
/// no longer match anything.
pub fn mask(text: &str, spans: &[Span]) -> String {
    let mut out = text.to_string();
    mask_in_place(&mut out, spans);
    out
}

/// [`mask`] without a copy: the text keeps its length and its buffer.
pub fn mask_in_place(text: &mut String, spans: &[Span]) {
    for s in spans {
        text.replace_range(s.start..s.end, &" ".repeat(s.len()));
    }
}

/// One document of a cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The document.
    pub doc: DocId,
    /// Share of the shorter of it and the representative covered by their
    /// aligned passages (0 when it joined through the other members only;
    /// passage level: the word-alignment similarity of its occurrence with
    /// the representative's); 1 for the representative.
    pub overlap: f64,
    /// Findings between it and the representative (0 for the representative).
    pub findings: usize,
    /// Its passages: those aligned with the representative (for the
    /// representative, with any member); at passage level, its occurrences.
    pub spans: Vec<Span>,
}

/// A group of near-duplicate documents, or of occurrences of one passage.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// 1-based, in report order.
    pub id: usize,
    /// Documents or passages.
    pub level: Level,
    /// The representative document.
    pub representative: DocId,
    /// Members, the representative first, then by overlap (highest first).
    pub members: Vec<Member>,
}

/// Everything `dedup` computed: what every dedup report reads.
#[derive(Clone, Debug, Default)]
pub struct DedupOutcome {
    /// The documents, with their original text.
    pub corpus: Corpus,
    /// Clusters of the requested level.
    pub level: Level,
    /// Clusters of two or more documents.
    pub clusters: Vec<Cluster>,
    /// Documents in no cluster (document level), in corpus order.
    pub singletons: Vec<DocId>,
    /// Boilerplate found (and kept out of matching).
    pub boilerplate: Vec<Boilerplate>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Matching counters.
    pub stats: Stats,
    /// Words of each document (by `DocId`), boilerplate left out.
    pub words: Vec<usize>,
}

/// Order key of representatives: earliest date (dated documents first),
/// then most words, then first by name.
fn priority<'c>(
    corpus: &'c Corpus,
    words: &[usize],
    d: DocId,
) -> (bool, Option<&'c str>, Reverse<usize>, DocId) {
    let date = corpus.get(d).date.as_deref();
    (date.is_none(), date, Reverse(words[d.index()]), d)
}

/// Aligned passages between two documents, summed up.
#[derive(Clone, Debug, Default)]
struct Link {
    /// Spans of the lower document id.
    a: Vec<Span>,
    /// Spans of the higher.
    b: Vec<Span>,
    findings: usize,
    /// Containment of the shorter document.
    overlap: f64,
}

/// Clusters of near-duplicate documents from the verified pairs (matched on
/// the masked text, so boilerplate takes no part). `words[i]` describes
/// document `i` with its boilerplate words removed. Returns the clusters
/// (largest first) and the singletons.
pub fn document_clusters(
    corpus: &Corpus,
    words: &[DocWords],
    pairs: &[PairResult],
    opts: &DedupOptions,
) -> (Vec<Cluster>, Vec<DocId>) {
    let nwords: Vec<usize> = words.iter().map(|w| w.word_starts.len()).collect();
    let mut links: HashMap<(DocId, DocId), Link> = HashMap::new();
    for p in pairs {
        let (a, b) = if p.a.doc <= p.b.doc {
            (p.a, p.b)
        } else {
            (p.b, p.a)
        };
        let l = links.entry((a.doc, b.doc)).or_default();
        l.a.push(a.span);
        l.b.push(b.span);
        l.findings += p.findings.len();
    }
    let covered = |d: DocId, spans: &[Span]| -> usize {
        spans.iter().map(|&s| words[d.index()].words_in(s)).sum()
    };
    for ((a, b), l) in links.iter_mut() {
        l.a = merge_spans(std::mem::take(&mut l.a));
        l.b = merge_spans(std::mem::take(&mut l.b));
        let (na, nb) = (nwords[a.index()], nwords[b.index()]);
        let (c, n) = if na <= nb {
            (covered(*a, &l.a), na)
        } else {
            (covered(*b, &l.b), nb)
        };
        l.overlap = if n == 0 {
            0.0
        } else {
            (c as f64 / n as f64).min(1.0)
        };
    }
    let overlap = |x: DocId, y: DocId| -> f64 {
        let k = if x <= y { (x, y) } else { (y, x) };
        links.get(&k).map_or(0.0, |l| l.overlap)
    };
    // Strongest links first; ties by document ids, for determinism.
    let mut edges: Vec<(f64, DocId, DocId)> = links
        .iter()
        .filter(|(_, l)| l.overlap >= opts.min_overlap)
        .map(|(&(a, b), l)| (l.overlap, a, b))
        .collect();
    edges.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let n = corpus.len();
    let mut cluster_of: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<DocId>> = (0..n).map(|i| vec![DocId(i as u32)]).collect();
    let mut rep: Vec<DocId> = (0..n).map(|i| DocId(i as u32)).collect();
    for (_, a, b) in edges {
        let (ca, cb) = (cluster_of[a.index()], cluster_of[b.index()]);
        if ca == cb {
            continue;
        }
        // Majority linkage: more than half of the document pairs across
        // the two clusters must be links. A chain (A~B, B~C, A≁C) has
        // exactly half and stays apart; a reprint that matched three of
        // four copies of a story joins it.
        let linked = members[ca]
            .iter()
            .flat_map(|&x| members[cb].iter().map(move |&y| (x, y)))
            .filter(|&(x, y)| overlap(x, y) >= opts.min_overlap)
            .count();
        // Or star linkage: every document links to the representative of
        // the merged cluster (a long wire story and excerpts of different
        // parts of it).
        let r = std::cmp::min_by_key(rep[ca], rep[cb], |&d| priority(corpus, &nwords, d));
        let star = || {
            members[ca]
                .iter()
                .chain(&members[cb])
                .all(|&m| m == r || overlap(r, m) >= opts.min_overlap)
        };
        if 2 * linked <= members[ca].len() * members[cb].len() && !star() {
            continue;
        }
        let (keep, other) = if members[ca].len() >= members[cb].len() {
            (ca, cb)
        } else {
            (cb, ca)
        };
        rep[keep] = r;
        let moved = std::mem::take(&mut members[other]);
        for &m in &moved {
            cluster_of[m.index()] = keep;
        }
        members[keep].extend(moved);
    }
    let mut clusters = Vec::new();
    let mut singletons = Vec::new();
    for ms in members {
        match ms.len() {
            0 => {}
            1 => singletons.push(ms[0]),
            _ => {
                let r = *ms
                    .iter()
                    .min_by_key(|&&d| priority(corpus, &nwords, d))
                    .expect("two or more members");
                let out_of = |m: DocId| {
                    let k = if r <= m { (r, m) } else { (m, r) };
                    match links.get(&k) {
                        Some(l) => Member {
                            doc: m,
                            overlap: l.overlap,
                            findings: l.findings,
                            spans: if r <= m { l.b.clone() } else { l.a.clone() },
                        },
                        // Joined through the other members only.
                        None => Member {
                            doc: m,
                            overlap: 0.0,
                            findings: 0,
                            spans: Vec::new(),
                        },
                    }
                };
                let mut out: Vec<Member> =
                    ms.iter().filter(|&&m| m != r).map(|&m| out_of(m)).collect();
                out.sort_by(|x, y| y.overlap.total_cmp(&x.overlap).then(x.doc.cmp(&y.doc)));
                let rep_spans = merge_spans(
                    ms.iter()
                        .filter(|&&m| m != r)
                        .flat_map(|&m| {
                            let k = if r <= m { (r, m) } else { (m, r) };
                            links
                                .get(&k)
                                .map(|l| if r <= m { l.a.clone() } else { l.b.clone() })
                                .unwrap_or_default()
                        })
                        .collect(),
                );
                out.insert(
                    0,
                    Member {
                        doc: r,
                        overlap: 1.0,
                        findings: 0,
                        spans: rep_spans,
                    },
                );
                clusters.push(Cluster {
                    id: 0,
                    level: Level::Document,
                    representative: r,
                    members: out,
                });
            }
        }
    }
    singletons.sort();
    number(&mut clusters);
    (clusters, singletons)
}

/// Sorts clusters (most members first, then by representative) and numbers them.
fn number(clusters: &mut [Cluster]) {
    clusters.sort_by(|x, y| {
        y.members
            .len()
            .cmp(&x.members.len())
            .then(x.representative.cmp(&y.representative))
            .then_with(|| x.members[0].spans.cmp(&y.members[0].spans))
            .then_with(|| {
                let key = |c: &Cluster| -> Vec<(DocId, Vec<Span>)> {
                    c.members.iter().map(|m| (m.doc, m.spans.clone())).collect()
                };
                key(x).cmp(&key(y))
            })
    });
    for (i, c) in clusters.iter_mut().enumerate() {
        c.id = i + 1;
    }
}

/// Two occurrences in one document are the same passage when they overlap
/// by at least this share of the longer: a paragraph matched against two
/// outlets yields two nearly equal spans. A looser rule (half of the
/// shorter) chained fragments of different sentences into one passage of
/// 17,000 occurrences on the peers' generated corpus.
pub const SAME_OCCURRENCE_OVERLAP: f64 = 0.8;

/// The node of every occurrence: the index of its anchor, the longest
/// occurrence of its document it agrees with (overlap of at least
/// [`SAME_OCCURRENCE_OVERLAP`] of the longer; an anchor is its own node).
/// Occurrences are taken longest first (then by position, then by index),
/// each joining the first anchor it agrees with, so every member of a node
/// agrees with its anchor and spans never grow by chaining.
fn occurrence_nodes(occ: &[Passage]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..occ.len()).collect();
    order.sort_by_key(|&i| (occ[i].doc, Reverse(occ[i].span.len()), occ[i].span.start, i));
    let mut node_of: Vec<usize> = (0..occ.len()).collect();
    // Anchors of the current document by start.
    let mut anchors: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    let mut doc = None;
    for &i in &order {
        let x = occ[i];
        if doc != Some(x.doc) {
            anchors.clear();
            doc = Some(x.doc);
        }
        // An anchor A (at least as long) agrees with x only if their starts
        // differ by at most (1 - SAME_OCCURRENCE_OVERLAP) * |A| <= |x| / 4.
        let slack = x.span.len() / 4 + 1;
        let lo = x.span.start.saturating_sub(slack);
        let hit = anchors
            .range((lo, 0)..=(x.span.start + slack, usize::MAX))
            .map(|(_, &a)| a)
            .find(|&a| {
                let y = occ[a].span;
                let ov = x
                    .span
                    .end
                    .min(y.end)
                    .saturating_sub(x.span.start.max(y.start));
                let longer = x.span.len().max(y.len()).max(1);
                ov as f64 >= SAME_OCCURRENCE_OVERLAP * longer as f64
            });
        match hit {
            Some(a) => node_of[i] = a,
            None => {
                anchors.insert((x.span.start, i), i);
            }
        }
    }
    node_of
}

/// Clusters of reused passages. Occurrences (the sides of the verified
/// pairs) that cover nearly the same bytes of one document are one node;
/// nodes are joined from the most similar pair down, two groups merging
/// when every node pair across them (in different documents) was matched
/// or passes the pair bar by `near` (word-3-shingle Jaccard of the two
/// spans). A passage reused in three outlets joins even if matching missed
/// one of its three pairs, but a cluster never implies a pair that nobody
/// verified, and fragments chained through documents that hold several of
/// them (A~B, B~C, C~D) do not join. `similarity(rep, member)` scores an
/// occurrence against the representative's (word-alignment similarity).
pub fn passage_clusters(
    corpus: &Corpus,
    pairs: &[PairResult],
    similarity: impl Fn(Passage, Passage) -> f64,
    mut near: impl FnMut(Passage, Passage) -> bool,
) -> Vec<Cluster> {
    let occ: Vec<Passage> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    // 1. Nodes: occurrences in one document that agree with the node's
    // anchor, its longest occurrence (overlap of at least
    // SAME_OCCURRENCE_OVERLAP of the longer). Anchors are taken longest
    // first and nothing chains: a fragment that only agrees with another
    // fragment of the anchor stays a node of its own.
    let node_of = occurrence_nodes(&occ);
    // 2. Node edges, most similar first.
    let mut edges: Vec<(f64, usize, usize)> = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = (node_of[2 * i], node_of[2 * i + 1]);
            (p.similarity, x.min(y), x.max(y))
        })
        .filter(|e| e.1 != e.2)
        .collect();
    edges.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let linked: std::collections::HashSet<(usize, usize)> =
        edges.iter().map(|e| (e.1, e.2)).collect();
    // 3. Verified complete linkage over nodes.
    let mut group: HashMap<usize, usize> = HashMap::new();
    let mut nodes: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(_, x, y) in &edges {
        for n in [x, y] {
            group.entry(n).or_insert(n);
            nodes.entry(n).or_insert_with(|| vec![n]);
        }
    }
    for &(_, x, y) in &edges {
        let (gx, gy) = (group[&x], group[&y]);
        if gx == gy {
            continue;
        }
        // Every node pair across the two groups (in different documents)
        // must be a matched pair or pass the pair bar (`near`): the cluster
        // stands for all its pairs, so none may be inferred unverified.
        let mut cross = 0usize;
        let mut agree = true;
        'all: for &u in &nodes[&gx] {
            for &v in &nodes[&gy] {
                if occ[u].doc != occ[v].doc {
                    cross += 1;
                    if !linked.contains(&(u.min(v), u.max(v))) && !near(occ[u], occ[v]) {
                        agree = false;
                        break 'all;
                    }
                }
            }
        }
        if cross == 0 || !agree {
            continue;
        }
        let (keep, other) = if nodes[&gx].len() >= nodes[&gy].len() {
            (gx, gy)
        } else {
            (gy, gx)
        };
        let moved = nodes.remove(&other).unwrap_or_default();
        for &m in &moved {
            group.insert(m, keep);
        }
        nodes.get_mut(&keep).expect("live group").extend(moved);
    }
    // 4. A verified pair whose nodes ended in different groups (one of
    // them matched too few of the other's group) is a cluster of its own,
    // so that every pair matching found is in some cluster.
    let mut left: Vec<(usize, usize)> = edges
        .iter()
        .filter(|e| group[&e.1] != group[&e.2])
        .map(|e| (e.1, e.2))
        .collect();
    left.sort_unstable();
    left.dedup();
    let mut occ_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &n) in node_of.iter().enumerate() {
        occ_of.entry(n).or_default().push(i);
    }
    let sets = nodes
        .into_values()
        .chain(left.into_iter().map(|(x, y)| vec![x, y]));
    let mut clusters: Vec<Cluster> = sets
        .map(|set| {
            set.iter()
                .flat_map(|n| occ_of[n].iter().copied())
                .collect::<Vec<_>>()
        })
        .map(|idx| {
            // Per document, the spans of its nodes (each its anchor, an
            // occurrence as matched), in order.
            let mut per_doc: HashMap<DocId, Vec<Span>> = HashMap::new();
            for &i in &idx {
                if node_of[i] == i {
                    per_doc.entry(occ[i].doc).or_default().push(occ[i].span);
                }
            }
            let mut docs: Vec<(DocId, Vec<Span>)> = per_doc
                .into_iter()
                .map(|(d, mut s)| {
                    s.sort();
                    (d, s)
                })
                .collect();
            docs.sort();
            let longest = |s: &[Span]| s.iter().map(Span::len).max().unwrap_or(0);
            let date = |d: DocId| corpus.get(d).date.as_deref();
            let rep_at = (0..docs.len())
                .min_by_key(|&k| {
                    let (d, s) = &docs[k];
                    (date(*d).is_none(), date(*d), Reverse(longest(s)), *d)
                })
                .unwrap_or(0);
            let (r, rep_spans) = docs[rep_at].clone();
            let main = |s: &[Span]| {
                *s.iter()
                    .max_by_key(|x| (x.len(), Reverse(x.start)))
                    .unwrap()
            };
            let rep_main = Passage {
                doc: r,
                span: main(&rep_spans),
            };
            let mut pair_ids: Vec<usize> = idx.iter().map(|&i| i / 2).collect();
            pair_ids.sort_unstable();
            pair_ids.dedup();
            let findings_with = |d: DocId, spans: &[Span]| -> usize {
                pair_ids
                    .iter()
                    .map(|&i| &pairs[i])
                    .filter(|p| {
                        let (x, y) = if p.a.doc == r { (p.a, p.b) } else { (p.b, p.a) };
                        x.doc == r
                            && y.doc == d
                            && rep_spans.iter().any(|s| s.overlaps(&x.span))
                            && spans.iter().any(|s| s.overlaps(&y.span))
                    })
                    .map(|p| p.findings.len())
                    .sum()
            };
            let mut members: Vec<Member> = docs
                .iter()
                .filter(|(d, _)| *d != r)
                .map(|(d, s)| Member {
                    doc: *d,
                    overlap: similarity(
                        rep_main,
                        Passage {
                            doc: *d,
                            span: main(s),
                        },
                    ),
                    findings: findings_with(*d, s),
                    spans: s.clone(),
                })
                .collect();
            members.sort_by(|x, y| y.overlap.total_cmp(&x.overlap).then(x.doc.cmp(&y.doc)));
            members.insert(
                0,
                Member {
                    doc: r,
                    overlap: 1.0,
                    findings: 0,
                    spans: rep_spans,
                },
            );
            Cluster {
                id: 0,
                level: Level::Passage,
                representative: r,
                members,
            }
        })
        .filter(|c| c.members.len() >= 2)
        .collect();
    number(&mut clusters);
    clusters
}

/// The documents `--unique` keeps: one per cluster (chosen by `keep`) and
/// every singleton, in corpus order. `words[i]` is document `i`'s word count.
pub fn unique(
    corpus: &Corpus,
    words: &[usize],
    clusters: &[Cluster],
    singletons: &[DocId],
    keep: Keep,
) -> Vec<DocId> {
    let mut out: Vec<DocId> = singletons.to_vec();
    for c in clusters {
        let docs = c.members.iter().map(|m| m.doc);
        let pick = match keep {
            Keep::Earliest => docs.min_by_key(|&d| priority(corpus, words, d)),
            Keep::Longest => docs.min_by_key(|&d| (Reverse(words[d.index()]), d)),
            Keep::First => docs.min(),
        };
        out.extend(pick);
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn doc(name: &str, source: Option<&str>, date: Option<&str>) -> Document {
        Document {
            name: name.into(),
            source: source.map(Into::into),
            date: date.map(Into::into),
            text: String::new(),
            ..Document::default()
        }
    }

    fn pair(a: u32, sa: (usize, usize), b: u32, sb: (usize, usize)) -> PairResult {
        PairResult {
            a: Passage {
                doc: DocId(a),
                span: Span::new(sa.0, sa.1),
            },
            b: Passage {
                doc: DocId(b),
                span: Span::new(sb.0, sb.1),
            },
            similarity: 1.0,
            hamming: 0,
            alignment: Default::default(),
            findings: Vec::new(),
            same_source: false,
        }
    }

    /// Documents of `n` words each, one word every 10 bytes.
    fn words_of(n: &[usize]) -> Vec<DocWords> {
        n.iter()
            .map(|&n| DocWords {
                word_starts: (0..n).map(|i| i * 10).collect(),
                units: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn mask_keeps_offsets_and_char_boundaries() {
        let t = "خبر. أرسل تعليقك\nend";
        let s = t.find('أ').unwrap();
        let e = t.find('\n').unwrap();
        let m = mask(t, &[Span::new(s, e)]);
        assert_eq!(m.len(), t.len());
        assert_eq!(&m[..s], &t[..s]);
        assert!(m[s..e].chars().all(|c| c == ' '));
        assert_eq!(&m[e..], "\nend");
    }

    #[test]
    fn containment_joins_a_reprint_with_additions() {
        // Doc 1 (100 words) reprints 90 of doc 0's 100 words; doc 2 is
        // 300 words, 80 of which are doc 0's story (and 70 doc 1's):
        // containment of the shorter (doc 0) is 0.8.
        let corpus = Corpus {
            docs: vec![
                doc("a", None, None),
                doc("b", None, None),
                doc("c", None, None),
            ],
        };
        let w = words_of(&[100, 100, 300]);
        let pairs = vec![
            pair(0, (0, 900), 1, (0, 900)),
            pair(0, (0, 800), 2, (2000, 2800)),
            pair(1, (0, 700), 2, (2000, 2700)),
        ];
        let (c, s) = document_clusters(&corpus, &w, &pairs, &DedupOptions::default());
        assert!(s.is_empty());
        assert_eq!(c.len(), 1);
        // No dates: the longest is the representative.
        assert_eq!(c[0].representative, DocId(2));
        let m: Vec<(u32, f64)> = c[0].members.iter().map(|m| (m.doc.0, m.overlap)).collect();
        assert_eq!(m, vec![(2, 1.0), (0, 0.8), (1, 0.7)]);
    }

    #[test]
    fn a_chain_of_links_does_not_glue_unrelated_documents() {
        // 0~1 and 1~2 are strong, 0 and 2 share nothing: single linkage
        // would make one cluster of three.
        let corpus = Corpus {
            docs: vec![
                doc("a", None, Some("2015-01-01")),
                doc("b", None, Some("2015-01-02")),
                doc("c", None, Some("2015-01-03")),
            ],
        };
        let w = words_of(&[100, 200, 100]);
        let pairs = vec![
            pair(0, (0, 1000), 1, (0, 1000)),
            pair(1, (1000, 2000), 2, (0, 1000)),
        ];
        let (c, s) = document_clusters(&corpus, &w, &pairs, &DedupOptions::default());
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].representative, DocId(0), "earliest date");
        assert_eq!(c[0].members.len(), 2);
        assert_eq!(s, vec![DocId(2)]);
    }

    #[test]
    fn weak_links_stay_apart() {
        let corpus = Corpus {
            docs: vec![doc("a", None, None), doc("b", None, None)],
        };
        let w = words_of(&[100, 100]);
        let pairs = vec![pair(0, (0, 300), 1, (0, 300))];
        let (c, s) = document_clusters(&corpus, &w, &pairs, &DedupOptions::default());
        assert!(c.is_empty());
        assert_eq!(s, vec![DocId(0), DocId(1)]);
    }

    #[test]
    fn boilerplate_needs_many_documents_of_one_source_and_a_minor_share() {
        let unit = |key: u64, words: u32, at: usize| Unit {
            span: Span::new(at, at + 10),
            key,
            words,
        };
        // Six documents of one site: own story (key 100+i) + footer (key 7).
        let mut docs = Vec::new();
        let mut w = Vec::new();
        for i in 0..6 {
            docs.push(doc(&format!("d{i}"), Some("site"), None));
            w.push(DocWords {
                word_starts: Vec::new(),
                units: vec![unit(100 + i, 50, 0), unit(7, 5, 20)],
            });
        }
        // Six copies of one wire story from six files without a source.
        for i in 0..6 {
            docs.push(doc(&format!("w{i}"), None, None));
            w.push(DocWords {
                word_starts: Vec::new(),
                units: vec![unit(200, 30, 0), unit(201, 30, 20), unit(300 + i, 5, 40)],
            });
        }
        // Six documents without a source, each its own story plus one
        // shared sentence (a formula, a quoted line): never boilerplate.
        for i in 0..6 {
            docs.push(doc(&format!("n{i}"), None, None));
            w.push(DocWords {
                word_starts: Vec::new(),
                units: vec![unit(400 + i, 50, 0), unit(8, 5, 60)],
            });
        }
        let corpus = Corpus { docs };
        let found = find_boilerplate(&corpus, &w, &DedupOptions::default());
        assert_eq!(found.units.len(), 1);
        assert!(found.masks[12..].iter().all(Vec::is_empty));
        assert_eq!(found.units[0].source.as_deref(), Some("site"));
        assert_eq!(found.units[0].occurrences.len(), 6);
        assert_eq!(found.masks[0], vec![Span::new(20, 30)]);
        assert!(found.masks[6].is_empty());
        // Five documents are not enough with a minimum of 7.
        let opts = DedupOptions {
            boilerplate_min_docs: 7,
            ..DedupOptions::default()
        };
        assert!(find_boilerplate(&corpus, &w, &opts).units.is_empty());
    }

    #[test]
    fn passage_clusters_merge_overlapping_occurrences_only() {
        let corpus = Corpus {
            docs: vec![
                doc("a", None, None),
                doc("b", None, None),
                doc("c", None, None),
            ],
        };
        // One paragraph in a, b, c (spans in b differ a little), and a
        // different paragraph of b, touching it, shared with c.
        let pairs = vec![
            pair(0, (0, 100), 1, (0, 100)),
            pair(0, (0, 100), 2, (0, 98)),
            pair(1, (2, 100), 2, (0, 100)),
            pair(1, (95, 300), 2, (500, 700)),
        ];
        let c = passage_clusters(&corpus, &pairs, |_, _| 0.9, |_, _| false);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].members.len(), 3);
        assert_eq!(c[0].members[0].spans, vec![Span::new(0, 100)]);
        assert_eq!(c[1].members.len(), 2);
    }

    #[test]
    fn every_pair_is_in_a_cluster_with_its_spans_as_matched() {
        let corpus = Corpus {
            docs: ["a", "b", "c", "d", "e", "f", "g", "h"]
                .iter()
                .map(|n| doc(n, None, None))
                .collect(),
        };
        let pairs = vec![
            // One paragraph in a, b, c (all pairs matched); d matched a only.
            pair(0, (0, 100), 1, (0, 100)),
            pair(0, (0, 100), 2, (0, 100)),
            pair(1, (0, 100), 2, (0, 100)),
            pair(3, (0, 100), 0, (0, 100)),
            // Three shifted extents in e: the first two agree (85 %), the
            // second and third too, the first and third do not (70 %).
            pair(4, (0, 100), 5, (0, 100)),
            pair(4, (15, 115), 6, (0, 100)),
            pair(4, (30, 130), 7, (0, 100)),
        ];
        // f and g were not matched to each other, but pass the pair bar.
        let f_g = |x: Passage, y: Passage| {
            let mut d = [x.doc.0, y.doc.0];
            d.sort();
            d == [5, 6]
        };
        let c = passage_clusters(&corpus, &pairs, |_, _| 0.9, f_g);
        let view: Vec<Vec<(u32, Vec<Span>)>> = c
            .iter()
            .map(|c| {
                let mut m: Vec<(u32, Vec<Span>)> = c
                    .members
                    .iter()
                    .map(|m| (m.doc.0, m.spans.clone()))
                    .collect();
                m.sort();
                m
            })
            .collect();
        let s = |a, b| vec![Span::new(a, b)];
        // d~a does not join a, b, c (d matched one of three, and neither
        // d~b nor d~c passes the bar) but is kept.
        assert!(view.contains(&vec![(0, s(0, 100)), (1, s(0, 100)), (2, s(0, 100))]));
        assert!(view.contains(&vec![(0, s(0, 100)), (3, s(0, 100))]));
        // e's spans are occurrences as matched, never a chained union.
        assert!(view.contains(&vec![(4, s(0, 100)), (5, s(0, 100)), (6, s(0, 100))]));
        assert!(view.contains(&vec![(4, s(30, 130)), (7, s(0, 100))]));
        assert_eq!(c.len(), 4);
        // Without f~g passing the bar, g does not join e and f: the
        // cluster would imply a pair nobody verified.
        let c = passage_clusters(&corpus, &pairs, |_, _| 0.9, |_, _| false);
        assert_eq!(c.len(), 5);
        assert!(c.iter().all(|c| c.members.len() <= 3));
    }

    #[test]
    fn unique_keeps_one_per_cluster_by_rule() {
        let corpus = Corpus {
            docs: vec![
                doc("a", None, Some("2015-02-01")),
                doc("b", None, Some("2015-01-01")),
                doc("c", None, None),
                doc("d", None, None),
            ],
        };
        let words = [100, 50, 300, 10];
        let member = |d: u32| Member {
            doc: DocId(d),
            overlap: 1.0,
            findings: 0,
            spans: Vec::new(),
        };
        let c = vec![Cluster {
            id: 1,
            level: Level::Document,
            representative: DocId(1),
            members: vec![member(1), member(0), member(2)],
        }];
        let s = [DocId(3)];
        let ids = |k| unique(&corpus, &words, &c, &s, k);
        assert_eq!(ids(Keep::Earliest), vec![DocId(1), DocId(3)]);
        assert_eq!(ids(Keep::Longest), vec![DocId(2), DocId(3)]);
        assert_eq!(ids(Keep::First), vec![DocId(0), DocId(3)]);
    }
}
