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
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Hamming(k) => write!(f, "--max-hamming {k}: must be between 0 and 7"),
            ConfigError::Similarity(s) => {
                write!(f, "--min-similarity {s}: must be between 0 and 1")
            }
            ConfigError::Threads => write!(f, "--threads must be at least 1"),
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
