//! `Config`: validated settings built from `cli::Args`. Errors in user input
//! are reported here, once.

use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::input::InputOptions;
use crate::pipeline::MatchOptions;
use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;

/// A flag value that cannot be used.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ConfigError {
    /// `--max-hamming` out of range.
    Hamming(u32),
    /// `--min-similarity` not in 0..=1.
    Similarity(f64),
    /// `--threads 0`.
    Threads,
    /// `--source-from` with a regular expression that does not compile.
    SourceFrom(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Hamming(k) => write!(f, "--max-hamming {k}: must be between 0 and 7"),
            ConfigError::Similarity(s) => {
                write!(f, "--min-similarity {s}: must be between 0 and 1")
            }
            ConfigError::Threads => write!(f, "--threads must be at least 1"),
            ConfigError::SourceFrom(e) => write!(f, "--source-from: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Settings of a `check` run.
#[derive(Clone, Debug)]
pub struct CheckConfig {
    /// Inputs.
    pub paths: Vec<PathBuf>,
    /// How to read them.
    pub input: InputOptions,
    /// Matching settings.
    pub matching: MatchOptions,
    /// Report format.
    pub format: Format,
    /// Whether to color the text report.
    pub color: bool,
    /// Worker threads, `None` for all cores.
    pub threads: Option<usize>,
    /// How to name the source of files that have none.
    pub source_from: Option<SourceFrom>,
    /// Drop same-source pairs.
    pub cross_source_only: bool,
}

/// Where a document's source comes from (`--source-from`).
#[derive(Clone, Debug)]
pub enum SourceFrom {
    /// The first folder of the document's name (a folder per outlet).
    Dir,
    /// The part after the last `__` of the file stem (`id__outlet.txt`).
    Name,
    /// The first capture group (or the whole match) of a pattern over the
    /// name.
    Pattern(regex_lite::Regex),
}

impl SourceFrom {
    /// Parses the flag value.
    pub fn parse(s: &str) -> Result<SourceFrom, ConfigError> {
        match s {
            "dir" => Ok(SourceFrom::Dir),
            "name" => Ok(SourceFrom::Name),
            _ => regex_lite::Regex::new(s)
                .map(SourceFrom::Pattern)
                .map_err(|e| ConfigError::SourceFrom(e.to_string())),
        }
    }

    /// The source of a document named `name` (a path relative to the
    /// argument it came from), if the rule gives one.
    pub fn source_of(&self, name: &str) -> Option<String> {
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let found = match self {
            SourceFrom::Dir => {
                let mut parts = name.split(['/', '\\']);
                let first = parts.next()?;
                parts.next().map(|_| first)
            }
            SourceFrom::Name => {
                let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
                stem.rsplit_once("__").map(|(_, o)| o)
            }
            SourceFrom::Pattern(re) => {
                let c = re.captures(name)?;
                c.get(1).or_else(|| c.get(0)).map(|m| m.as_str())
            }
        };
        found.filter(|s| !s.is_empty()).map(str::to_string)
    }
}

impl CheckConfig {
    /// Validates the flags of `check`.
    pub fn from_args(args: &CheckArgs) -> Result<CheckConfig, ConfigError> {
        let mut matching = MatchOptions::default();
        if let Some(k) = args.max_hamming {
            if k > 7 {
                return Err(ConfigError::Hamming(k));
            }
            matching.max_hamming = k;
        }
        if let Some(s) = args.min_similarity {
            if !(0.0..=1.0).contains(&s) {
                return Err(ConfigError::Similarity(s));
            }
            matching.min_similarity = s;
        }
        if let Some(n) = args.min_words {
            matching.min_words = n;
        }
        if args.output.threads == Some(0) {
            return Err(ConfigError::Threads);
        }
        let source_from = args
            .source_from
            .as_deref()
            .map(SourceFrom::parse)
            .transpose()?;
        Ok(CheckConfig {
            source_from,
            cross_source_only: args.cross_source_only,
            paths: args.input.paths.clone(),
            input: InputOptions {
                lossy: args.input.lossy,
                max_doc_size: args
                    .input
                    .max_doc_size
                    .unwrap_or(crate::input::DEFAULT_MAX_DOC_SIZE),
                max_input_size: args
                    .input
                    .max_input_size
                    .unwrap_or(crate::input::DEFAULT_MAX_INPUT_SIZE),
            },
            matching,
            format: args.output.format,
            color: use_color(args.output.color),
            threads: args.output.threads,
        })
    }
}

/// Resolves `--color`: `auto` colors a terminal unless NO_COLOR is set.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

#[cfg(test)]
mod source_tests {
    use super::SourceFrom;

    #[test]
    fn sources_from_names() {
        let dir = SourceFrom::parse("dir").unwrap();
        assert_eq!(dir.source_of("aawsat/1.txt").as_deref(), Some("aawsat"));
        assert_eq!(dir.source_of("1.txt"), None);
        let name = SourceFrom::parse("name").unwrap();
        assert_eq!(
            name.source_of("c150/snn-2015-08-02-00109__aawsat.txt")
                .as_deref(),
            Some("aawsat")
        );
        assert_eq!(name.source_of("plain.txt"), None);
        let re = SourceFrom::parse(r"^([a-z]+)-\d+").unwrap();
        assert_eq!(re.source_of("reuters-17.txt").as_deref(), Some("reuters"));
        assert!(SourceFrom::parse("(").is_err());
    }
}
