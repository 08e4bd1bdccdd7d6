//! Command-line flags, as the user typed them (clap derive). Validation and
//! defaults live in `crate::config`.

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit status, as documented in `--help`.
pub const AFTER_HELP: &str = "\
EXIT STATUS:
  0  no findings
  1  findings reported
  2  an error happened (also when some inputs were skipped; the rest is still reported)";

/// Find passages copied across news articles and the claims that differ between the copies.
#[derive(Parser, Debug)]
#[command(name = "crosscheck", version, about, after_help = AFTER_HELP)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Find near-duplicate passages across documents and report the claims that differ.
    #[command(after_help = AFTER_HELP)]
    Check(CheckArgs),
}

/// Where documents come from.
#[derive(ClapArgs, Debug, Clone)]
pub struct InputArgs {
    /// Files, folders (read recursively), `.jsonl` files of articles, or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read files that are not valid UTF-8, replacing bad bytes with U+FFFD.
    #[arg(long)]
    pub lossy: bool,
    /// Largest document (a file, stdin, or one JSONL line), e.g. 64M, 1G.
    /// Larger ones are skipped with an error. [default: 64M]
    #[arg(long, value_name = "SIZE", value_parser = crate::input::parse_size)]
    pub max_doc_size: Option<u64>,
    /// Largest total of document text held in memory, e.g. 4G, 16G. Inputs
    /// past it are not read (an error says so). [default: 4G]
    #[arg(long, value_name = "SIZE", value_parser = crate::input::parse_size)]
    pub max_input_size: Option<u64>,
}

/// Output options shared by every subcommand.
#[derive(ClapArgs, Debug, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to use colors (NO_COLOR is honored with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

/// `crosscheck check`.
#[derive(ClapArgs, Debug, Clone)]
pub struct CheckArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Largest Hamming distance between two seed fingerprints that still pairs them (0..=7).
    #[arg(long, value_name = "K")]
    pub max_hamming: Option<u32>,
    /// Smallest word-alignment similarity (0..1) for a pair to be reported.
    #[arg(long, value_name = "S")]
    pub min_similarity: Option<f64>,
    /// Smallest passage, in words, for a pair to be reported.
    #[arg(long, value_name = "N")]
    pub min_words: Option<usize>,
    /// Where a file's source (outlet) comes from when the input gives none:
    /// `dir` (its first folder under the argument), `name` (`id__outlet.txt`),
    /// or a regular expression over the file name whose first group (or
    /// whole match) is the source.
    #[arg(long, value_name = "dir|name|REGEX")]
    pub source_from: Option<String>,
    /// Drop pairs whose two documents come from the same source.
    #[arg(long)]
    pub cross_source_only: bool,
}

/// Report formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A word diff for people.
    Text,
    /// JSON Lines for machines (see docs/jsonl.md).
    Jsonl,
}

/// `--color`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// Color when standard output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}
