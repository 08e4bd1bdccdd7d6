//! Reading documents: files, folders (recursive, sorted, hidden entries
//! skipped), `-` for standard input, and JSON Lines of articles.
//!
//! A bad input never stops the run: it becomes an [`InputError`] naming the
//! file (and line) and the reason, and every other document is still read.
//! What counts as bad, and what happens to it:
//!
//! | input                                   | what happens                                  |
//! |-----------------------------------------|-----------------------------------------------|
//! | invalid UTF-8                           | skipped, byte offset named; `--lossy` reads it with U+FFFD |
//! | NUL byte (binary file)                  | skipped, offset named                         |
//! | empty or whitespace-only file / `text`  | skipped ("empty"): usually a failed download  |
//! | file or JSONL line over `--max-doc-size`| skipped, the limit and how to raise it named  |
//! | total text over `--max-input-size`      | this and every later input not read           |
//! | unreadable file or folder, broken link  | skipped with the OS reason                    |
//! | fifo, socket or device inside a folder  | skipped (reading one could block forever)     |
//! | symbolic link back to an enclosing folder | not followed ("symbolic link loop")         |
//! | JSONL line not JSON / without `text`    | that line skipped, line and column named      |
//! | lone surrogate escape in JSONL          | that line skipped; `--lossy` reads it with U+FFFD |
//! | duplicate document id                   | both kept, the later one renamed `ID#2`       |
//!
//! Every row is an [`InputError`], so the run exits with code 2 once it has
//! reported everything it could read. Duplicate ids are resolved after all
//! inputs are read, in (id, file, line) order, so the renaming does not depend
//! on the order the paths were given in.

use crate::document::Document;
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Default of `--max-doc-size`, in bytes: 64 MiB. A news article is a few
/// kilobytes; a single document this large is almost always a dump or a
/// mistake, and tokenizing it takes about four times its size in memory
/// (per worker thread).
pub const DEFAULT_MAX_DOC_SIZE: u64 = 64 << 20;

/// The largest `--max-doc-size` honoured (256 MiB): matching stores byte
/// offsets inside a document in 32 bits and a chunk's first token in 29
/// (`index::ChunkRecord`, 16 bytes a chunk); a character folds to at most
/// 4 tokens in 3 bytes (ﷺ), so a document of this size has fewer than 2^29
/// tokens. A larger document is refused as too large.
pub const DOC_SIZE_LIMIT: u64 = 1 << 28;

/// Default of `--max-input-size`, in bytes of text: 4 GiB. A `check` run
/// holds all texts in memory and peaks at a few times their size (287 MiB
/// peak RSS for the 107 MB SaudiNewsNet JSONL, about 2.8x), so this keeps a run
/// within the memory of an ordinary workstation instead of being killed by
/// the operating system half way.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 4 << 30;

/// An input that could not be read, or only partly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The file, as the user named it (or `<stdin>`).
    pub file: String,
    /// 1-based line, for JSON Lines.
    pub line: Option<usize>,
    /// Why.
    pub reason: String,
}

/// Shown as `file:line: reason`, with control characters (escape sequences
/// in a file name or an id, newlines) written as `\u{1b}` so that the line
/// reaching a terminal is one line and inert.
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, reason) = (escape_controls(&self.file), escape_controls(&self.reason));
        match self.line {
            Some(line) => write!(f, "{file}:{line}: {reason}"),
            None => write!(f, "{file}: {reason}"),
        }
    }
}

/// `s` with every control character (C0, DEL, C1) escaped as `\u{..}`.
fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Options for [`read`].
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Read invalid UTF-8 (and lone surrogate escapes in JSONL) anyway, with
    /// replacement characters. Off by default.
    pub lossy: bool,
    /// Largest document, in bytes (a file, stdin, or one JSONL line).
    /// Default [`DEFAULT_MAX_DOC_SIZE`].
    pub max_doc_size: u64,
    /// Largest total of document text, in bytes. Default
    /// [`DEFAULT_MAX_INPUT_SIZE`].
    pub max_input_size: u64,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            lossy: false,
            max_doc_size: DEFAULT_MAX_DOC_SIZE,
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
        }
    }
}

/// Documents and errors from reading inputs.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The documents, in the order found.
    pub docs: Vec<Document>,
    /// What could not be read, sorted by file and line.
    pub errors: Vec<InputError>,
}

/// One JSON Lines article.
#[derive(Deserialize)]
#[serde(expecting = "a JSON object with a \"text\" field")]
struct JsonArticle {
    id: Option<serde_json::Value>,
    text: Option<String>,
    #[serde(alias = "content", default)]
    body: Option<String>,
    source: Option<String>,
    series: Option<String>,
    date: Option<String>,
    title: Option<String>,
    url: Option<String>,
}

/// Parses a size such as `64M`, `1G`, `500k` or `1048576` (bytes; the
/// suffixes are powers of 1024, an optional trailing `B`/`iB` is accepted).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (digits, shift) = match body.chars().last() {
        Some('k') => (&body[..body.len() - 1], 10),
        Some('m') => (&body[..body.len() - 1], 20),
        Some('g') => (&body[..body.len() - 1], 30),
        Some('t') => (&body[..body.len() - 1], 40),
        _ => (body, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a size (examples: 64M, 2G, 500K, 1048576)"))?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("{s:?} is too large"))
}

/// A size for people: `64 MiB`, `1.5 GiB`, `512 bytes`.
pub fn human_size(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (u, name) in UNITS {
        if n >= u {
            return if n.is_multiple_of(u) {
                format!("{} {name}", n / u)
            } else {
                format!("{:.1} {name}", n as f64 / u as f64)
            };
        }
    }
    format!("{n} bytes")
}

/// Reads every path: a file, a folder, or `-` for standard input.
pub fn read(paths: &[PathBuf], opts: &InputOptions) -> Loaded {
    let mut r = Reader::new(opts);
    for path in paths {
        if path.as_os_str() == "-" {
            let stdin = std::io::stdin();
            r.read_plain(stdin.lock(), 0, "<stdin>", "-");
            continue;
        }
        let shown = path.display().to_string();
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let mut ancestors = Vec::new();
                r.walk(path, path, &mut ancestors);
            }
            Ok(m) => {
                // A path the user named is read whatever it is (a pipe from
                // `<(zcat …)` is fine); only folders' entries are filtered.
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| shown.clone());
                r.read_file(path, &name, m.is_file().then_some(m.len()));
            }
            Err(e) => {
                let reason = io_reason_for(path, &e);
                r.error(&shown, None, reason)
            }
        }
    }
    r.finish()
}

/// Parses JSON Lines bytes as [`read`] parses a `.jsonl` file named `file`
/// (exposed for fuzzing and tests). Duplicate ids are resolved as in [`read`].
pub fn parse_jsonl(bytes: &[u8], file: &str, opts: &InputOptions) -> Loaded {
    let mut r = Reader::new(opts);
    r.read_jsonl(bytes, file);
    r.finish()
}

/// Where a document came from, to resolve duplicate ids deterministically.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Origin {
    file: String,
    line: usize,
}

struct Reader<'o> {
    opts: &'o InputOptions,
    docs: Vec<Document>,
    origins: Vec<Origin>,
    errors: Vec<InputError>,
    /// Bytes of text kept so far.
    total: u64,
    /// Set once `max_input_size` was reached: nothing more is read.
    full: bool,
    /// Inputs not read because the total limit was reached.
    not_read: usize,
}

impl<'o> Reader<'o> {
    fn new(opts: &'o InputOptions) -> Self {
        Reader {
            opts,
            docs: Vec::new(),
            origins: Vec::new(),
            errors: Vec::new(),
            total: 0,
            full: false,
            not_read: 0,
        }
    }

    fn error(&mut self, file: &str, line: Option<usize>, reason: String) {
        self.errors.push(InputError {
            file: file.to_string(),
            line,
            reason,
        });
    }

    /// Walks a folder; `ancestors` holds the canonical paths of the folders
    /// being walked, to recognize a symbolic link that leads back into one.
    fn walk(&mut self, root: &Path, dir: &Path, ancestors: &mut Vec<PathBuf>) {
        let shown = dir.display().to_string();
        let canon = match fs::canonicalize(dir) {
            Ok(c) => c,
            Err(e) => return self.error(&shown, None, io_reason(&e)),
        };
        if let Some(a) = ancestors.iter().find(|a| **a == canon) {
            let reason = format!(
                "symbolic link loop (leads back to {}), not followed",
                a.display()
            );
            return self.error(&shown, None, reason);
        }
        let entries = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => return self.error(&shown, None, io_reason(&e)),
        };
        let mut named: Vec<(PathBuf, fs::DirEntry)> = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => {
                    if e.file_name().as_encoded_bytes().first() != Some(&b'.') {
                        named.push((e.path(), e));
                    }
                }
                Err(e) => self.error(&shown, None, io_reason(&e)),
            }
        }
        // The entries' paths are their folder's and a name, so they sort as
        // their bytes do: sorted as paths (component by component), the
        // 20,000 of c20k took 10 ms of the main thread, 4% of the phase.
        named.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        // What every entry is, fetched in parallel for the whole folder at
        // once (one fork-join, not one for each READ_AHEAD entries), by the
        // entry's own name inside the open folder where it is not a
        // symbolic link: the kernel then looks up one name, not the whole
        // path (the path walk of `metadata` was 5% of reading c20k). The
        // entries, and with them the open folder, are dropped here, before
        // any subfolder is walked.
        let kinds: Vec<std::io::Result<Entry>> = named
            .par_iter()
            .map(|(path, e)| {
                let meta = match e.file_type() {
                    Ok(t) if !t.is_symlink() => e.metadata(),
                    _ => fs::metadata(path),
                };
                meta.map(|m| Entry::of(&m))
            })
            .collect();
        let paths: Vec<PathBuf> = named.into_iter().map(|(path, _)| path).collect();
        ancestors.push(canon);
        for (some, kinds) in paths.chunks(READ_AHEAD).zip(kinds.chunks(READ_AHEAD)) {
            // The entries' plain texts are read in parallel, a few at a
            // time, and kept in order: read one by one, a folder of 20,000
            // articles took 0.42 s, a tenth of a `check` of them.
            let max = self.opts.max_doc_size;
            let plain = |path: &Path, e: &std::io::Result<Entry>| match e {
                Ok(Entry::File(len)) if !is_jsonl(path) && *len <= max => Some(*len),
                _ => None,
            };
            let ahead: u64 = some
                .iter()
                .zip(kinds)
                .filter_map(|(p, e)| plain(p, e))
                .sum();
            // Never read ahead past --max-input-size: what is not kept
            // would only have been read to be dropped.
            let fetch = !self.full && self.total.saturating_add(ahead) <= self.opts.max_input_size;
            let texts: Vec<Option<Result<String, String>>> = if fetch {
                // The buffers are allocated here, on the thread that holds the
                // texts to the end: made by the pool's threads they stayed in
                // those threads' heaps, where the run's later phases reuse
                // less of what is freed around them (+1 MB at c20k's peak).
                let buffers: Vec<Option<(u64, Vec<u8>)>> = some
                    .iter()
                    .zip(kinds)
                    .map(|(path, e)| plain(path, e).map(|len| (len, buffer_for(len, max))))
                    .collect();
                some.par_iter()
                    .zip(buffers)
                    .map(|(path, buffer)| {
                        buffer.map(|(len, buffer)| match read_listed(path, len, max, buffer) {
                            Ok(bytes) => plain_text(bytes, max, self.opts.lossy),
                            Err(e) => Err(io_reason(&e)),
                        })
                    })
                    .collect()
            } else {
                some.iter().map(|_| None).collect()
            };
            for ((path, entry), text) in some.iter().zip(kinds).zip(texts) {
                let shown = path.display().to_string();
                match entry {
                    Ok(Entry::Dir) => self.walk(root, path, ancestors),
                    Ok(Entry::File(len)) => {
                        let rel = path.strip_prefix(root).unwrap_or(path);
                        let name = rel.to_string_lossy();
                        match text {
                            Some(text) => self.keep_plain(text, &shown, &name),
                            None => self.read_file(path, &name, Some(*len)),
                        }
                    }
                    Ok(Entry::Special(kind)) => {
                        let reason = format!("not a regular file ({kind}), skipped");
                        self.error(&shown, None, reason)
                    }
                    Err(e) => {
                        let reason = io_reason_for(path, e);
                        self.error(&shown, None, reason)
                    }
                }
            }
        }
        ancestors.pop();
    }

    /// Reads a file; `len` is its size when it is a regular file (by its
    /// metadata), `None` for anything else (a pipe named on the command
    /// line).
    fn read_file(&mut self, path: &Path, name: &str, len: Option<u64>) {
        let shown = path.display().to_string();
        if self.full {
            self.not_read += 1;
            return;
        }
        let jsonl = is_jsonl(path);
        let file = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return self.error(&shown, None, io_reason(&e)),
        };
        if jsonl {
            return self.read_jsonl(BufReader::with_capacity(1 << 16, file), &shown);
        }
        if let Some(len) = len
            && len > self.opts.max_doc_size
        {
            let reason = too_large(len, self.opts.max_doc_size);
            return self.error(&shown, None, reason);
        }
        self.read_plain(file, len.unwrap_or(0), &shown, name);
    }

    /// Reads one plain-text document (a file or stdin) of `len` bytes by
    /// its metadata (0 when unknown; see [`buffer_for`]).
    fn read_plain(&mut self, src: impl Read, len: u64, shown: &str, name: &str) {
        if self.full {
            self.not_read += 1;
            return;
        }
        let max = self.opts.max_doc_size;
        let text = match read_bytes(Ok(src), max, buffer_for(len, max)) {
            Ok(bytes) => plain_text(bytes, max, self.opts.lossy),
            Err(e) => Err(io_reason(&e)),
        };
        self.keep_plain(text, shown, name);
    }

    /// Keeps a plain-text document [`plain_text`] made, or the reason it
    /// could not.
    fn keep_plain(&mut self, text: Result<String, String>, shown: &str, name: &str) {
        if self.full {
            self.not_read += 1;
            return;
        }
        match text {
            Ok(text) => self.keep(
                Document {
                    name: name.to_string(),
                    text,
                    ..Document::default()
                },
                shown,
                0,
            ),
            Err(reason) => self.error(shown, None, reason),
        }
    }

    /// Keeps a document unless the total limit is reached.
    fn keep(&mut self, mut doc: Document, shown: &str, line: usize) {
        // Reading grows the buffer by doubling: a whole corpus is held for
        // the run, so give back the slack (up to half of each text).
        doc.text.shrink_to_fit();
        let len = doc.text.len() as u64;
        if self.total.saturating_add(len) > self.opts.max_input_size {
            self.full = true;
            let reason = format!(
                "total input would exceed --max-input-size {}: this and every later input not read; \
                 raise it with --max-input-size (a run needs a few times the text size in memory)",
                human_size(self.opts.max_input_size)
            );
            return self.error(shown, (line > 0).then_some(line), reason);
        }
        self.total += len;
        self.docs.push(doc);
        self.origins.push(Origin {
            file: shown.to_string(),
            line,
        });
    }

    /// Reads JSON Lines, one line at a time (the file is never held whole;
    /// the lines of a batch of [`JSONL_BATCH`] bytes are parsed in
    /// parallel, then kept in order: parsed one by one, SaudiNewsNet's
    /// 107 MB took 0.32 s).
    fn read_jsonl(&mut self, mut src: impl BufRead, shown: &str) {
        let max = self.opts.max_doc_size;
        let mut line_buf: Vec<u8> = Vec::new();
        let mut line_no = 0usize;
        let mut any = false;
        // Lines read and not yet parsed: (line number, bytes).
        let mut batch: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut batched = 0;
        loop {
            line_no += 1;
            line_buf.clear();
            let n = match (&mut src)
                .take(max.saturating_add(1))
                .read_until(b'\n', &mut line_buf)
            {
                Ok(n) => n,
                Err(e) => {
                    self.keep_lines(&mut batch, shown);
                    return self.error(shown, Some(line_no), io_reason(&e));
                }
            };
            if n == 0 {
                break;
            }
            if line_buf.last() != Some(&b'\n') && line_buf.len() as u64 > max {
                // Over the limit: skip the rest of the line without keeping it.
                if let Err(e) = skip_line(&mut src) {
                    self.keep_lines(&mut batch, shown);
                    return self.error(shown, Some(line_no), io_reason(&e));
                }
                any = true;
                let reason = format!(
                    "line longer than --max-doc-size {}, skipped; raise it with --max-doc-size",
                    human_size(max)
                );
                self.error(shown, Some(line_no), reason);
                continue;
            }
            let mut line: &[u8] = &line_buf;
            line = line.strip_suffix(b"\n").unwrap_or(line);
            line = line.strip_suffix(b"\r").unwrap_or(line);
            if line_no == 1 {
                line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
            }
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            any = true;
            batched += line.len();
            batch.push((line_no, line.to_vec()));
            if batched >= JSONL_BATCH {
                self.keep_lines(&mut batch, shown);
                batched = 0;
            }
        }
        self.keep_lines(&mut batch, shown);
        if !any {
            self.error(
                shown,
                None,
                "empty file (no JSON lines), skipped".to_string(),
            );
        }
    }

    /// Parses the JSON Lines of `batch` (line number, bytes) in parallel
    /// and keeps their documents in order (or their errors); empties it.
    fn keep_lines(&mut self, batch: &mut Vec<(usize, Vec<u8>)>, shown: &str) {
        if self.full {
            self.not_read += batch.len();
            batch.clear();
            return;
        }
        let opts = self.opts;
        let parsed: Vec<Result<Document, String>> = batch
            .par_iter()
            .map(|(line_no, line)| parse_line(line, opts, shown, *line_no))
            .collect();
        for ((line_no, _), doc) in batch.drain(..).zip(parsed) {
            if self.full {
                self.not_read += 1;
                continue;
            }
            match doc {
                Ok(doc) => self.keep(doc, shown, line_no),
                Err(reason) => self.error(shown, Some(line_no), reason),
            }
        }
    }

    /// Resolves duplicate ids and sorts the errors.
    fn finish(mut self) -> Loaded {
        if self.not_read > 0 {
            let reason = format!(
                "{} reached; {} more input(s) not read (raise it with --max-input-size SIZE)",
                human_size(self.opts.max_input_size),
                self.not_read,
            );
            self.error("--max-input-size", None, reason);
        }
        // Order by (id, origin), so which copy keeps the id does not depend
        // on the order the paths were given in.
        let mut order: Vec<usize> = (0..self.docs.len()).collect();
        order.sort_by(|&i, &j| {
            (&self.docs[i].name, &self.origins[i]).cmp(&(&self.docs[j].name, &self.origins[j]))
        });
        let mut taken: HashSet<String> = self.docs.iter().map(|d| d.name.clone()).collect();
        let mut renames: Vec<(usize, String)> = Vec::new();
        for w in 1..order.len() {
            let (first, i) = (order[w - 1], order[w]);
            let name = &self.docs[i].name;
            if *name != self.docs[first].name {
                continue;
            }
            // The first holder of this id, for the message.
            let holder = order[..w]
                .iter()
                .copied()
                .find(|&k| self.docs[k].name == *name)
                .unwrap_or(first);
            let mut n = 2;
            let new = loop {
                let cand = format!("{name}#{n}");
                if !taken.contains(&cand) {
                    break cand;
                }
                n += 1;
            };
            taken.insert(new.clone());
            let o = &self.origins[holder];
            let at = if o.line > 0 {
                format!("{}:{}", o.file, o.line)
            } else {
                o.file.clone()
            };
            let reason = format!("duplicate document id {name:?} (also at {at}); kept as {new:?}");
            let o = self.origins[i].clone();
            self.error(&o.file, (o.line > 0).then_some(o.line), reason);
            renames.push((i, new));
        }
        for (i, new) in renames {
            self.docs[i].name = new;
        }
        self.errors
            .sort_by(|a, b| (&a.file, a.line, &a.reason).cmp(&(&b.file, b.line, &b.reason)));
        Loaded {
            docs: self.docs,
            errors: self.errors,
        }
    }
}

/// Bytes of JSON Lines parsed at once (see `Reader::read_jsonl`).
const JSONL_BATCH: usize = 4 << 20;

/// Folder entries whose metadata and texts are fetched at once (see
/// `Reader::walk`).
const READ_AHEAD: usize = 256;

/// Whether a file is read as JSON Lines (by its extension).
fn is_jsonl(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl") | Some("ndjson")
    )
}

/// A buffer for a file of `len` bytes by its metadata, read up to one past
/// `max` ([`read_bytes`]): a file is then read in one call into a buffer of
/// its size, not grown from empty (eight reads for an article of a few
/// kilobytes).
fn buffer_for(len: u64, max: u64) -> Vec<u8> {
    Vec::with_capacity(usize::try_from(len.min(max)).map_or(0, |n| n + 1))
}

/// The bytes of a folder's regular file of `len` bytes by its metadata
/// (`len` ≤ `max`), read into `bytes` (empty; see [`buffer_for`]). The file
/// is read to that size, in one call: reading on to the end of the file
/// cost a second `read` for each file, 20,000 at c20k. A file of 0 bytes
/// by its metadata (as files of `/proc` say they are) is read to its end.
fn read_listed(path: &Path, len: u64, max: u64, mut bytes: Vec<u8>) -> std::io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    if len == 0 {
        return read_bytes(Ok(file), max, bytes);
    }
    file.take(len).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The bytes of `src` (an opened file or stdin), up to one past `max`,
/// read into `bytes` (empty; see [`buffer_for`]).
fn read_bytes(
    src: std::io::Result<impl Read>,
    max: u64,
    mut bytes: Vec<u8>,
) -> std::io::Result<Vec<u8>> {
    src?.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A plain-text document's text from its bytes (read up to one past
/// `max`), or why it is skipped: too large, binary, not UTF-8 (unless
/// `lossy`), or empty.
fn plain_text(bytes: Vec<u8>, max: u64, lossy: bool) -> Result<String, String> {
    if bytes.len() as u64 > max {
        return Err(format!(
            "larger than --max-doc-size {} (read up to the limit), skipped; raise it with --max-doc-size",
            human_size(max)
        ));
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(format!("binary file (NUL byte at offset {at}), skipped"));
    }
    // Validated with SIMD first (simdutf8, 16 to 32 bytes a step): std's
    // validator goes a character at a time through Arabic text, and was a
    // quarter of the CPU time of reading c20k. std's own check still makes
    // the error (and the lossy text) of a file that is not UTF-8.
    let text = match simdutf8::basic::from_utf8(&bytes) {
        // SAFETY: simdutf8 has just validated `bytes` as UTF-8.
        Ok(_) => Ok(unsafe { String::from_utf8_unchecked(bytes) }),
        Err(_) => String::from_utf8(bytes),
    };
    let text = match text {
        Ok(t) => t,
        Err(e) if lossy => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes()[at];
            return Err(format!(
                "invalid UTF-8 at byte {at} (0x{byte:02X}), skipped (--lossy reads it with replacement characters)"
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(if text.is_empty() {
            "empty file, skipped"
        } else {
            "empty file (only white space), skipped"
        }
        .to_string());
    }
    Ok(text)
}

/// One JSON Lines article (line `line_no` of `shown`) as a document, or
/// why the line is skipped.
fn parse_line(
    line: &[u8],
    opts: &InputOptions,
    shown: &str,
    line_no: usize,
) -> Result<Document, String> {
    let line = match std::str::from_utf8(line) {
        Ok(l) => std::borrow::Cow::Borrowed(l),
        Err(_) if opts.lossy => String::from_utf8_lossy(line),
        Err(e) => {
            let at = e.valid_up_to();
            let reason = format!(
                "invalid UTF-8 at byte {at} of the line (0x{:02X}), line skipped (--lossy reads it with replacement characters)",
                line[at]
            );
            return Err(reason);
        }
    };
    if !line.trim_start().starts_with('{') {
        let reason = "not a JSON object (expected `{`), line skipped".to_string();
        return Err(reason);
    }
    let parsed = match serde_json::from_str::<JsonArticle>(&line) {
        Err(e) if opts.lossy && e.is_syntax() => {
            match serde_json::from_str::<JsonArticle>(&replace_lone_surrogates(&line)) {
                Ok(a) => Ok(a),
                Err(_) => Err(e),
            }
        }
        other => other,
    };
    let article = match parsed {
        Ok(a) => a,
        Err(e) => {
            let reason = match lone_surrogate(&line) {
                Some(col) if e.is_syntax() => format!(
                    "lone surrogate escape in a JSON string at column {col}, line skipped \
                     (--lossy reads it with a replacement character)"
                ),
                _ => format!("{}, line skipped", json_reason(&e)),
            };
            return Err(reason);
        }
    };
    let Some(text) = article.text.or(article.body) else {
        let reason = "no \"text\" (or \"content\") string, line skipped".to_string();
        return Err(reason);
    };
    if text.trim().is_empty() {
        return Err("empty \"text\", line skipped".to_string());
    }
    if text.len() as u64 > opts.max_doc_size {
        // Escapes can make the decoded text differ from the line length.
        let reason = too_large(text.len() as u64, opts.max_doc_size);
        return Err(reason);
    }
    let id = match article.id {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => format!("{shown}:{line_no}"),
    };
    let doc = Document {
        name: id,
        source: article.source.or(article.series),
        date: article.date,
        title: article.title,
        url: article.url,
        text,
    };
    Ok(doc)
}

fn skip_line(src: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = src.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            src.consume(i + 1);
            return Ok(());
        }
        let n = buf.len();
        src.consume(n);
    }
}

fn too_large(len: u64, max: u64) -> String {
    if len > DOC_SIZE_LIMIT {
        return format!(
            "{} is larger than --max-doc-size {}, skipped (a document can be at most {})",
            human_size(len),
            human_size(max),
            human_size(DOC_SIZE_LIMIT)
        );
    }
    format!(
        "{} is larger than --max-doc-size {}, skipped; raise it with --max-doc-size {}",
        human_size(len),
        human_size(max),
        suggest(len)
    )
}

/// A `--max-doc-size` value that admits `len` bytes, in whole MiB or GiB.
fn suggest(len: u64) -> String {
    let mib = len.div_ceil(1 << 20);
    if mib >= 1024 {
        format!("{}G", len.div_ceil(1 << 30))
    } else {
        format!("{mib}M")
    }
}

/// A serde_json error as one line, with the column (the line number is the
/// JSONL line, reported separately).
fn json_reason(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    match e.classify() {
        serde_json::error::Category::Data => format!("{msg} (column {})", e.column()),
        _ => format!("not valid JSON at column {}: {msg}", e.column()),
    }
}

/// The 1-based column of the first lone surrogate escape in `line`.
fn lone_surrogate(line: &str) -> Option<usize> {
    let fixed = replace_lone_surrogates(line);
    let at = line.bytes().zip(fixed.bytes()).position(|(a, b)| a != b)?;
    // The difference starts inside the escape's hex digits; back up to `\`.
    Some(line[..at].rfind('\\').unwrap_or(at) + 1)
}

/// Replaces `\uD800`–`\uDFFF` escapes that are not part of a surrogate pair
/// with `\uFFFD`. Backslashes only occur in JSON inside strings, so escapes
/// can be found without tracking string state.
fn replace_lone_surrogates(line: &str) -> String {
    fn hex4(b: &[u8]) -> Option<u16> {
        let s = std::str::from_utf8(b.get(..4)?).ok()?;
        u16::from_str_radix(s, 16).ok()
    }
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        if b.get(i + 1) != Some(&b'u') {
            i += 2;
            continue;
        }
        let Some(u) = hex4(&b[i + 2..]) else {
            i += 2;
            continue;
        };
        let high = (0xD800..0xDC00).contains(&u);
        let low = (0xDC00..0xE000).contains(&u);
        if high
            && b.get(i + 6) == Some(&b'\\')
            && b.get(i + 7) == Some(&b'u')
            && hex4(&b[i + 8..]).is_some_and(|v| (0xDC00..0xE000).contains(&v))
        {
            i += 12;
            continue;
        }
        if high || low {
            out.push_str(&line[last..i]);
            out.push_str("\\uFFFD");
            last = i + 6;
        }
        i += 6;
    }
    out.push_str(&line[last..]);
    out
}

/// What a folder's entry is, by its metadata (followed through a symbolic
/// link): all that reading it needs, a few bytes instead of `Metadata`'s
/// 170 or so.
enum Entry {
    Dir,
    /// A regular file of this many bytes.
    File(u64),
    /// A fifo, socket or device, by [`kind_of`].
    Special(&'static str),
}

impl Entry {
    fn of(m: &fs::Metadata) -> Entry {
        if m.is_dir() {
            Entry::Dir
        } else if m.is_file() {
            Entry::File(m.len())
        } else {
            Entry::Special(kind_of(m))
        }
    }
}

fn kind_of(m: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "fifo";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    let _ = m;
    "special file"
}

/// The reason for a failed `metadata`: tells a broken symbolic link apart
/// from a missing path.
fn io_reason_for(path: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound
        && fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    {
        return "broken symbolic link, skipped".to_string();
    }
    io_reason(e)
}

/// An I/O error as a short lower-case reason, without "(os error N)".
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied, skipped".to_string(),
        _ => {
            let s = e.to_string();
            let s = match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            };
            let mut c = s.chars();
            match c.next() {
                Some(f) => format!("{}{}, skipped", f.to_lowercase(), c.as_str()),
                None => "read error, skipped".to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl(s: &str, lossy: bool) -> Loaded {
        let opts = InputOptions {
            lossy,
            ..InputOptions::default()
        };
        parse_jsonl(s.as_bytes(), "t.jsonl", &opts)
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("500KiB"), Ok(500 << 10));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999T").is_err());
        assert_eq!(human_size(64 << 20), "64 MiB");
        assert_eq!(human_size(3 << 29), "1.5 GiB");
        assert_eq!(human_size(12), "12 bytes");
    }

    /// Past the largest size honoured, raising `--max-doc-size` cannot
    /// help: the message says so instead of suggesting a value.
    #[test]
    fn too_large_names_the_limit_past_it() {
        assert_eq!(
            too_large(3 << 20, 1 << 20),
            "3 MiB is larger than --max-doc-size 1 MiB, skipped; raise it with --max-doc-size 3M"
        );
        assert_eq!(
            too_large(300 << 20, DOC_SIZE_LIMIT),
            "300 MiB is larger than --max-doc-size 256 MiB, skipped (a document can be at most 256 MiB)"
        );
    }

    #[test]
    fn jsonl_reads_articles_and_aliases() {
        let l = jsonl(
            "\u{feff}{\"id\":\"a\",\"text\":\"x y\",\"series\":\"S\"}\r\n\n{\"id\":7,\"content\":\"z\"}\n",
            false,
        );
        assert!(l.errors.is_empty(), "{:?}", l.errors);
        assert_eq!(l.docs.len(), 2);
        assert_eq!(l.docs[0].name, "a");
        assert_eq!(l.docs[0].source.as_deref(), Some("S"));
        assert_eq!(l.docs[1].name, "7");
        assert_eq!(l.docs[1].text, "z");
    }

    #[test]
    fn jsonl_bad_lines_name_line_and_reason() {
        let l = jsonl(
            "{\"id\":1,\"text\":\"ok\"}\nnot json\n{\"id\":2}\n[1]\n{\"text\":\"  \"}\n{\"text\":\"a\",}\n{\"text\":5}\n",
            false,
        );
        assert_eq!(l.docs.len(), 1);
        let shown: Vec<String> = l.errors.iter().map(|e| e.to_string()).collect();
        assert!(
            shown[0].starts_with("t.jsonl:2: not a JSON object"),
            "{shown:?}"
        );
        assert!(shown[1].starts_with("t.jsonl:3: no \"text\""), "{shown:?}");
        assert!(
            shown[2].starts_with("t.jsonl:4: not a JSON object"),
            "{shown:?}"
        );
        assert!(
            shown[3].starts_with("t.jsonl:5: empty \"text\""),
            "{shown:?}"
        );
        assert!(
            shown[4].starts_with("t.jsonl:6: not valid JSON at column 13: trailing comma"),
            "{shown:?}"
        );
        assert!(
            shown[5]
                .starts_with("t.jsonl:7: invalid type: integer `5`, expected a string (column 9)"),
            "{shown:?}"
        );
    }

    #[test]
    fn lone_surrogates_rejected_or_replaced() {
        let line = r#"{"id":"s","text":"a\ud800b \udc00 ok \ud83d\ude00 \\ud800"}"#;
        let l = jsonl(line, false);
        assert!(l.docs.is_empty());
        assert!(
            l.errors[0]
                .reason
                .starts_with("lone surrogate escape in a JSON string at column 20"),
            "{:?}",
            l.errors
        );
        assert!(l.errors[0].reason.contains("--lossy"));
        let l = jsonl(line, true);
        assert!(l.errors.is_empty(), "{:?}", l.errors);
        assert_eq!(l.docs[0].text, "a\u{fffd}b \u{fffd} ok \u{1f600} \\ud800");
    }

    #[test]
    fn duplicate_ids_renamed_in_id_then_origin_order() {
        let l = jsonl(
            "{\"id\":\"x\",\"text\":\"one\"}\n{\"id\":\"x#2\",\"text\":\"two\"}\n{\"id\":\"x\",\"text\":\"three\"}\n",
            false,
        );
        let names: Vec<(&str, &str)> = l
            .docs
            .iter()
            .map(|d| (d.name.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(names, [("x", "one"), ("x#2", "two"), ("x#3", "three")]);
        assert_eq!(l.errors.len(), 1);
        assert_eq!(
            l.errors[0].to_string(),
            "t.jsonl:3: duplicate document id \"x\" (also at t.jsonl:1); kept as \"x#3\""
        );
    }

    #[test]
    fn long_line_over_limit_is_skipped_and_reading_goes_on() {
        let opts = InputOptions {
            max_doc_size: 40,
            ..InputOptions::default()
        };
        let big = format!("{{\"id\":\"big\",\"text\":\"{}\"}}\n", "w ".repeat(100));
        let s =
            format!("{{\"id\":\"a\",\"text\":\"ok\"}}\n{big}{{\"id\":\"b\",\"text\":\"ok\"}}\n");
        let l = parse_jsonl(s.as_bytes(), "t.jsonl", &opts);
        let names: Vec<&str> = l.docs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(l.errors[0].line, Some(2));
        assert!(l.errors[0].reason.contains("--max-doc-size 40 bytes"));
    }

    /// A folder read ahead in parallel gives what its files named one by
    /// one give (read in turn, nothing ahead): the same documents in the
    /// same order, the same errors, and the same stop at --max-input-size,
    /// whether the limit falls before a batch of [`READ_AHEAD`] entries or
    /// inside one.
    #[test]
    fn a_folder_read_ahead_gives_what_its_files_read_in_turn_give() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for i in 0..READ_AHEAD * 2 + 37 {
            let path = dir.path().join(format!("{i:04}.txt"));
            let bytes: Vec<u8> = match i % 97 {
                5 => b"binary\0file".to_vec(),
                6 => b"  \n".to_vec(),
                7 => vec![b'a', 0xff, b'b'],
                8 => "x".repeat(300).into_bytes(),
                _ => format!("article {i} {}", "word ".repeat(i % 13)).into_bytes(),
            };
            std::fs::write(&path, bytes).unwrap();
            files.push(path);
        }
        std::fs::create_dir(dir.path().join("0300.sub")).unwrap();
        std::fs::write(dir.path().join("0300.sub/inner.txt"), "inside").unwrap();
        files.push(dir.path().join("0300.sub/inner.txt"));
        files.sort();
        let total: u64 = files
            .iter()
            .map(|f| std::fs::metadata(f).unwrap().len())
            .sum();
        for max_input_size in [u64::MAX, total / 3, 40] {
            let opts = InputOptions {
                max_doc_size: 200,
                max_input_size,
                ..InputOptions::default()
            };
            let folder = read(&[dir.path().to_path_buf()], &opts);
            let one_by_one = read(&files, &opts);
            let texts =
                |l: &Loaded| -> Vec<String> { l.docs.iter().map(|d| d.text.clone()).collect() };
            assert_eq!(texts(&folder), texts(&one_by_one), "limit {max_input_size}");
            let name = |l: &Loaded| -> Vec<String> {
                l.docs
                    .iter()
                    .map(|d| d.name.rsplit('/').next().unwrap().to_string())
                    .collect()
            };
            assert_eq!(name(&folder), name(&one_by_one));
            assert_eq!(folder.errors, one_by_one.errors, "limit {max_input_size}");
            if max_input_size == u64::MAX {
                // Four bad files in each 97, six times.
                assert_eq!(folder.errors.len(), 4 * 6, "{:?}", folder.errors);
            }
        }
    }

    /// A folder's file is read to the size listed with the folder, but a
    /// file listed as 0 bytes (a kernel file under /proc, reached here by
    /// a symbolic link) is read to its end, as before.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_listed_as_empty_is_read_to_its_end() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/proc/self/status", dir.path().join("status.txt")).unwrap();
        std::fs::write(dir.path().join("plain.txt"), "a plain article").unwrap();
        let loaded = read(&[dir.path().to_path_buf()], &InputOptions::default());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let texts: Vec<&str> = loaded.docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts[0], "a plain article");
        assert!(texts[1].contains("Name:"), "{:?}", texts[1]);
    }

    /// JSON Lines longer than a parsing batch ([`JSONL_BATCH`]) keep their
    /// documents in line order, each bad line's error at its own line, and
    /// the stop at --max-input-size where it falls inside a batch.
    #[test]
    fn json_lines_parsed_in_batches_keep_their_order_and_line_numbers() {
        let filler = "word ".repeat(400);
        let mut s = String::new();
        let mut bad = Vec::new();
        let lines = 2 * JSONL_BATCH / filler.len() + 50;
        for i in 1..=lines {
            if i % 501 == 0 {
                s.push_str("{\"id\": oops}\n");
                bad.push(i);
            } else if i % 700 == 0 {
                s.push_str("   \n");
            } else {
                s.push_str(&format!(
                    "{{\"id\":\"d{i}\",\"text\":\"{filler}{i:05}\"}}\n"
                ));
            }
        }
        let l = parse_jsonl(s.as_bytes(), "big.jsonl", &InputOptions::default());
        let want: Vec<String> = (1..=lines)
            .filter(|i| i % 501 != 0 && i % 700 != 0)
            .map(|i| format!("d{i}"))
            .collect();
        let names: Vec<String> = l.docs.iter().map(|d| d.name.clone()).collect();
        assert_eq!(names, want);
        assert!(l.docs.iter().zip(&want).all(|(d, n)| {
            d.text
                .ends_with(&format!("{:05}", &n[1..].parse::<usize>().unwrap()))
        }));
        let lines_of_errors: Vec<usize> = l.errors.iter().map(|e| e.line.unwrap()).collect();
        assert_eq!(lines_of_errors, bad);
        // The limit reached at the 2,501st document, inside the second batch.
        let each = l.docs[0].text.len() as u64;
        let opts = InputOptions {
            max_input_size: 2500 * each + 10,
            ..InputOptions::default()
        };
        let over: usize = want[2500][1..].parse().unwrap();
        let l = parse_jsonl(s.as_bytes(), "big.jsonl", &opts);
        assert_eq!(l.docs.len(), 2500);
        let all: String = l.errors.iter().map(|e| format!("{e}\n")).collect();
        assert!(
            all.contains(&format!("big.jsonl:{over}: total input would exceed")),
            "{all}"
        );
        let not_read = (over + 1..=lines).filter(|i| i % 700 != 0).count();
        assert!(
            all.contains(&format!("{not_read} more input(s) not read")),
            "{all}"
        );
    }

    #[test]
    fn total_limit_stops_reading_with_a_clear_error() {
        let opts = InputOptions {
            max_input_size: 5,
            ..InputOptions::default()
        };
        let s = "{\"id\":\"a\",\"text\":\"abc\"}\n{\"id\":\"b\",\"text\":\"abc\"}\n{\"id\":\"c\",\"text\":\"abc\"}\n";
        let l = parse_jsonl(s.as_bytes(), "t.jsonl", &opts);
        assert_eq!(l.docs.len(), 1);
        let all: String = l.errors.iter().map(|e| format!("{e}\n")).collect();
        assert!(
            all.contains("t.jsonl:2: total input would exceed --max-input-size 5 bytes"),
            "{all}"
        );
        assert!(all.contains("1 more input(s) not read"), "{all}");
    }

    #[test]
    fn errors_shown_with_control_characters_escaped() {
        let e = InputError {
            file: "evil\u{1b}]0;x\u{7}.txt".to_string(),
            line: Some(3),
            reason: "bad\nthing \u{9b}2J".to_string(),
        };
        assert_eq!(
            e.to_string(),
            "evil\\u{1b}]0;x\\u{7}.txt:3: bad\\u{a}thing \\u{9b}2J"
        );
    }

    proptest::proptest! {
        /// simdutf8's verdict, which [`plain_text`] trusts to skip std's
        /// check, is std's: on Arabic and English text with bytes
        /// overwritten, cut in the middle of a character, or random.
        #[test]
        fn simd_utf8_check_agrees_with_std(
            text in "[a-z \u{600}-\u{6ff}\u{1f600}-\u{1f64f}。]{0,80}",
            spoil in proptest::collection::vec((0usize..400, proptest::num::u8::ANY), 0..3),
            cut in 0usize..400,
        ) {
            let mut bytes = text.into_bytes();
            for (at, b) in spoil {
                if !bytes.is_empty() {
                    let n = bytes.len();
                    bytes[at % n] = b;
                }
            }
            bytes.truncate(cut);
            proptest::prop_assert_eq!(
                simdutf8::basic::from_utf8(&bytes).is_ok(),
                std::str::from_utf8(&bytes).is_ok()
            );
            let (lossy, strict) = (
                plain_text(bytes.clone(), 1 << 20, true),
                plain_text(bytes.clone(), 1 << 20, false),
            );
            let want = String::from_utf8_lossy(&bytes);
            if !want.trim().is_empty() && !bytes.contains(&0) {
                proptest::prop_assert_eq!(lossy.as_deref(), Ok(&*want));
                proptest::prop_assert_eq!(strict.is_ok(), std::str::from_utf8(&bytes).is_ok());
            }
        }
    }

    #[test]
    fn empty_jsonl_is_an_error() {
        let l = jsonl("\n  \n", false);
        assert_eq!(l.errors[0].reason, "empty file (no JSON lines), skipped");
    }
}
