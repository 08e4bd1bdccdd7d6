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
    /// `dedup --min-overlap` not in (0, 1].
    Overlap(f64),
    /// `dedup --unique` with `--level passage`.
    UniquePassage,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Hamming(k) => write!(f, "--max-hamming {k}: must be between 0 and 7"),
            ConfigError::Similarity(s) => {
                write!(f, "--min-similarity {s}: must be between 0 and 1")
            }
            ConfigError::Threads => write!(f, "--threads must be at least 1"),
            ConfigError::Overlap(s) => {
                write!(f, "--min-overlap {s}: must be above 0 and at most 1")
            }
            ConfigError::UniquePassage => {
                write!(
                    f,
                    "--unique keeps documents: it cannot be used with --level passage"
                )
            }
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
        Ok(CheckConfig {
            paths: args.input.paths.clone(),
            input: InputOptions {
                lossy: args.input.lossy,
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

/// Settings of a `dedup` run.
#[derive(Clone, Debug)]
pub struct DedupConfig {
    /// Inputs.
    pub paths: Vec<PathBuf>,
    /// How to read them.
    pub input: InputOptions,
    /// Matching settings.
    pub matching: MatchOptions,
    /// Clustering settings.
    pub dedup: crate::dedup::DedupOptions,
    /// Document or passage clusters.
    pub level: crate::dedup::Level,
    /// Report format.
    pub format: crate::cli::DedupFormat,
    /// List singletons too.
    pub all: bool,
    /// Print only the ids to keep, chosen by this rule.
    pub unique: Option<crate::dedup::Keep>,
    /// Whether to color the text report.
    pub color: bool,
    /// Worker threads, `None` for all cores.
    pub threads: Option<usize>,
}

impl DedupConfig {
    /// Validates the flags of `dedup`.
    pub fn from_args(args: &crate::cli::DedupArgs) -> Result<DedupConfig, ConfigError> {
        use crate::cli::{DedupKeep, DedupLevel};
        use crate::dedup::{DedupOptions, Keep, Level};
        // The matching flags mean the same as in `check`.
        let check = CheckArgs {
            input: args.input.clone(),
            output: crate::cli::OutputArgs {
                format: Format::Text,
                color: args.color,
                threads: args.threads,
            },
            max_hamming: args.max_hamming,
            min_similarity: args.min_similarity,
            min_words: args.min_words,
        };
        let base = CheckConfig::from_args(&check)?;
        let mut dedup = DedupOptions::default();
        if let Some(s) = args.min_overlap {
            if !(s > 0.0 && s <= 1.0) {
                return Err(ConfigError::Overlap(s));
            }
            dedup.min_overlap = s;
        }
        if let Some(n) = args.boilerplate_min_docs {
            dedup.boilerplate_min_docs = n;
        }
        let level = match args.level {
            DedupLevel::Document => Level::Document,
            DedupLevel::Passage if args.unique => return Err(ConfigError::UniquePassage),
            DedupLevel::Passage => Level::Passage,
        };
        let keep = match args.keep {
            DedupKeep::Earliest => Keep::Earliest,
            DedupKeep::Longest => Keep::Longest,
            DedupKeep::First => Keep::First,
        };
        Ok(DedupConfig {
            paths: base.paths,
            input: base.input,
            matching: base.matching,
            dedup,
            level,
            format: args.format,
            all: args.all,
            unique: args.unique.then_some(keep),
            color: base.color,
            threads: base.threads,
        })
    }
}
