//! Reading documents: files, folders (recursive, sorted, hidden entries
//! skipped), `-` for standard input, and JSON Lines of articles.
//!
//! A bad input never stops the run: it becomes an [`InputError`] naming the
//! file (and line) and the reason, and every other document is still read.

use crate::document::Document;
use serde::Deserialize;
use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

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

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// Options for [`read`].
#[derive(Clone, Debug, Default)]
pub struct InputOptions {
    /// Read invalid UTF-8 anyway, with replacement characters.
    pub lossy: bool,
}

/// Documents and errors from reading inputs.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The documents, in the order found.
    pub docs: Vec<Document>,
    /// What could not be read.
    pub errors: Vec<InputError>,
}

/// One JSON Lines article.
#[derive(Deserialize)]
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

/// Reads every path: a file, a folder, or `-` for standard input.
pub fn read(paths: &[PathBuf], opts: &InputOptions) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => add_bytes(&mut loaded, "<stdin>", "-", bytes, false, opts),
                Err(e) => loaded.errors.push(err("<stdin>", None, e.to_string())),
            }
            continue;
        }
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => read_dir(path, path, &mut loaded, opts),
            Ok(_) => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                read_file(
                    path,
                    &name.unwrap_or_else(|| path.display().to_string()),
                    &mut loaded,
                    opts,
                )
            }
            Err(e) => loaded
                .errors
                .push(err(&path.display().to_string(), None, io_reason(&e))),
        }
    }
    loaded
}

fn read_dir(root: &Path, dir: &Path, loaded: &mut Loaded, opts: &InputOptions) {
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            return loaded
                .errors
                .push(err(&dir.display().to_string(), None, io_reason(&e)));
        }
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => {
                if !e.file_name().to_string_lossy().starts_with('.') {
                    paths.push(e.path());
                }
            }
            Err(e) => loaded
                .errors
                .push(err(&dir.display().to_string(), None, io_reason(&e))),
        }
    }
    paths.sort();
    for path in paths {
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => read_dir(root, &path, loaded, opts),
            Ok(_) => {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                read_file(&path, &rel.to_string_lossy(), loaded, opts)
            }
            Err(e) => loaded
                .errors
                .push(err(&path.display().to_string(), None, io_reason(&e))),
        }
    }
}

fn read_file(path: &Path, name: &str, loaded: &mut Loaded, opts: &InputOptions) {
    let shown = path.display().to_string();
    match fs::read(path) {
        Ok(bytes) => {
            let jsonl = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("jsonl") | Some("ndjson")
            );
            add_bytes(loaded, &shown, name, bytes, jsonl, opts)
        }
        Err(e) => loaded.errors.push(err(&shown, None, io_reason(&e))),
    }
}

fn add_bytes(
    loaded: &mut Loaded,
    shown: &str,
    name: &str,
    bytes: Vec<u8>,
    jsonl: bool,
    opts: &InputOptions,
) {
    if jsonl {
        return read_jsonl(loaded, shown, &bytes, opts);
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return loaded.errors.push(err(
            shown,
            None,
            format!("binary file (NUL byte at offset {at}), skipped"),
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) if opts.lossy => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            return loaded.errors.push(err(
                shown,
                None,
                format!("invalid UTF-8 at byte {at}, skipped (--lossy reads it with replacement characters)"),
            ));
        }
    };
    loaded.docs.push(Document {
        name: name.to_string(),
        text,
        ..Document::default()
    });
}

fn read_jsonl(loaded: &mut Loaded, shown: &str, bytes: &[u8], opts: &InputOptions) {
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let line = match std::str::from_utf8(line) {
            Ok(l) => std::borrow::Cow::Borrowed(l),
            Err(_) if opts.lossy => String::from_utf8_lossy(line),
            Err(e) => {
                loaded.errors.push(err(
                    shown,
                    Some(line_no),
                    format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()),
                ));
                continue;
            }
        };
        let article: JsonArticle = match serde_json::from_str(&line) {
            Ok(a) => a,
            Err(e) => {
                loaded
                    .errors
                    .push(err(shown, Some(line_no), format!("not a JSON object: {e}")));
                continue;
            }
        };
        let Some(text) = article.text.or(article.body) else {
            loaded
                .errors
                .push(err(shown, Some(line_no), "no \"text\" field".to_string()));
            continue;
        };
        let id = match article.id {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("{shown}:{line_no}"),
        };
        loaded.docs.push(Document {
            name: id,
            source: article.source.or(article.series),
            date: article.date,
            title: article.title,
            url: article.url,
            text,
        });
    }
}

fn err(file: &str, line: Option<usize>, reason: String) -> InputError {
    InputError {
        file: file.to_string(),
        line,
        reason,
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
