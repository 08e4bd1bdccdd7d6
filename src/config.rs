//! `Config`: validated settings built from `cli::Args`. Errors in user input
//! are reported here, once.

use crate::cli::{Bidi, CheckArgs, ColorChoice, Format};
use crate::input::InputOptions;
use crate::pipeline::MatchOptions;
use crate::report::ReportOptions;
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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
    /// `--width` too small to lay out a report.
    Width(usize),
    /// `-o FILE` names a file that is also read as input.
    OutputIsInput {
        /// The `-o` argument.
        output: PathBuf,
        /// The input path (a file, or the folder holding it).
        input: PathBuf,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Hamming(k) => write!(f, "--max-hamming {k}: must be between 0 and 7"),
            ConfigError::Similarity(s) => {
                write!(f, "--min-similarity {s}: must be between 0 and 1")
            }
            ConfigError::Threads => write!(f, "--threads must be at least 1"),
            ConfigError::Width(w) => write!(f, "--width {w}: must be at least {MIN_WIDTH}"),
            ConfigError::OutputIsInput { output, input } => write!(
                f,
                "-o {}: refusing to overwrite an input file (it is read from {})",
                output.display(),
                input.display()
            ),
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
    /// Where the report goes (`None`: standard output).
    pub output: Option<PathBuf>,
    /// How reports are laid out (color, width, context, bidi, CSV BOM).
    pub report: ReportOptions,
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
        if let Some(w) = args.output.width
            && w < MIN_WIDTH
        {
            return Err(ConfigError::Width(w));
        }
        if let Some(out) = &args.output.output {
            check_output(out, &args.input.paths)?;
        }
        let to_terminal = args.output.output.is_none() && std::io::stdout().is_terminal();
        let report = ReportOptions {
            color: use_color(args.output.color, to_terminal),
            context: args.output.context,
            visual_bidi: args.output.bidi == Bidi::Visual,
            csv_bom: args.output.csv_bom,
            width: args
                .output
                .width
                .unwrap_or_else(|| terminal_width(to_terminal)),
        };
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
            output: args.output.output.clone(),
            report,
            threads: args.output.threads,
        })
    }
}

/// Resolves `--color`: `auto` colors a terminal unless NO_COLOR is set.
pub fn use_color(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && to_terminal
        }
    }
}

/// The narrowest `--width` accepted.
pub const MIN_WIDTH: usize = 20;

/// Width used when standard output is not a terminal and `--width` is not given.
pub const DEFAULT_WIDTH: usize = 100;

/// The terminal's width when writing to one, else `COLUMNS`, else [`DEFAULT_WIDTH`].
fn terminal_width(to_terminal: bool) -> usize {
    if to_terminal && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return usize::from(w).max(MIN_WIDTH);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&w| w >= MIN_WIDTH)
        .unwrap_or(DEFAULT_WIDTH)
}

/// Refuses an `-o` path that is one of the inputs or lies inside an input
/// folder (it would be overwritten after being read, or read back next run).
fn check_output(output: &Path, inputs: &[PathBuf]) -> Result<(), ConfigError> {
    // Only an existing file can be overwritten; compare real paths so that
    // `./a.txt`, `a.txt` and symlinks are recognized.
    let Ok(out) = output.canonicalize() else {
        return Ok(());
    };
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        let Ok(inp) = input.canonicalize() else {
            continue;
        };
        if out == inp || (inp.is_dir() && out.starts_with(&inp)) {
            return Err(ConfigError::OutputIsInput {
                output: output.to_path_buf(),
                input: input.clone(),
            });
        }
    }
    Ok(())
}
