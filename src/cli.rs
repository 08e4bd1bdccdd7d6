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
    /// Group reprinted documents (or reused passages) into clusters.
    #[command(after_help = DEDUP_AFTER_HELP)]
    Dedup(DedupArgs),
    /// Print a shell completion script (e.g. `crosscheck completions bash > /etc/bash_completion.d/crosscheck`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output (`crosscheck man | man -l -`).
    Man,
    /// List the claims (figures, dates, quotes) found in each document.
    ///
    /// Exit status: 0, or 2 when some input could not be read.
    Claims(ClaimsArgs),
}

/// `crosscheck claims`.
#[derive(ClapArgs, Debug, Clone)]
pub struct ClaimsArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output (`--format text` or `jsonl`).
    #[command(flatten)]
    pub output: OutputArgs,
    /// Language of the documents (default: detected sentence by sentence).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

/// `--lang`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LangArg {
    /// Arabic.
    Ar,
    /// English.
    En,
    /// Another language: only language-neutral rules.
    Other,
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
    /// Larger ones are skipped with an error. At most 256M.
    /// [default: 64M]
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
    /// Write the report to FILE instead of standard output (never over an input file).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to use colors (NO_COLOR is honored with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Words of unchanged text shown around each change in the text report.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub context: usize,
    /// How the text report writes right-to-left text.
    ///
    /// `logical` (the default) writes characters in reading order, for terminals that reorder
    /// bidirectional text themselves (VTE, Konsole, mlterm) and for logs. `visual` joins Arabic
    /// letters (presentation forms) and reorders each wrapped line, for terminals that do
    /// neither (xterm, tmux, kitty, alacritty, Windows Terminal). Only the text report is
    /// affected; JSON Lines, CSV and HTML always carry the original text.
    #[arg(long, value_enum, default_value_t = Bidi::Logical)]
    pub bidi: Bidi,
    /// Start the CSV report with a UTF-8 byte order mark (for Excel, which otherwise misreads Arabic).
    #[arg(long)]
    pub csv_bom: bool,
    /// Wrap the text report at this many columns (default: the terminal's width, or 100).
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<usize>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

/// How passages are matched (shared by `check` and `dedup`).
#[derive(ClapArgs, Debug, Clone, Default)]
pub struct MatchArgs {
    /// Largest Hamming distance between two seed fingerprints that still pairs them (0..=7).
    #[arg(long, value_name = "K")]
    pub max_hamming: Option<u32>,
    /// Smallest word-alignment similarity (0..1) for a pair to be reported.
    #[arg(long, value_name = "S")]
    pub min_similarity: Option<f64>,
    /// Smallest passage, in words, for a pair to be reported.
    #[arg(long, value_name = "N")]
    pub min_words: Option<usize>,
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
    /// Matching.
    #[command(flatten)]
    pub matching: MatchArgs,
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
    /// One self-contained HTML page (use with `-o report.html`).
    Html,
    /// One row per finding, for spreadsheets.
    Csv,
}

/// `--bidi`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Bidi {
    /// Characters in reading order; the terminal reorders them.
    #[default]
    Logical,
    /// Arabic shaped and each line reordered for display.
    Visual,
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

/// Exit status of `dedup`.
pub const DEDUP_AFTER_HELP: &str = "\
EXIT STATUS:
  0  success (whether or not there are clusters)
  2  an error happened (also when some inputs were skipped; the rest is still reported)";

/// `crosscheck dedup`.
#[derive(ClapArgs, Debug, Clone)]
pub struct DedupArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DedupFormat::Text)]
    pub format: DedupFormat,
    /// When to use colors (NO_COLOR is honored with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Smallest share (0..1) of the shorter document that aligned passages must cover to join two
    /// documents [default: 0.5].
    #[arg(long, value_name = "SHARE")]
    pub min_overlap: Option<f64>,
    /// Cluster whole documents, or occurrences of reused passages.
    #[arg(long, value_enum, default_value_t = DedupLevel::Document)]
    pub level: DedupLevel,
    /// Also list the documents that are in no cluster.
    #[arg(long)]
    pub all: bool,
    /// Print only the ids of the documents to keep, one per line: one per cluster and every singleton.
    #[arg(long, conflicts_with_all = ["all", "format"])]
    pub unique: bool,
    /// Which document of a cluster `--unique` keeps: the earliest by date (then the longest), the
    /// longest, or the first by name.
    #[arg(long, value_enum, default_value_t = DedupKeep::Earliest, requires = "unique")]
    pub keep: DedupKeep,
    /// Where a file's source (outlet) comes from when the input gives none: `dir`, `name`
    /// (`id__outlet.txt`) or a regular expression, as in `check`. Boilerplate is counted per source.
    #[arg(long, value_name = "dir|name|REGEX")]
    pub source_from: Option<String>,
    /// A sentence that recurs in at least N documents of one source (and is a minor part of them) is
    /// boilerplate [default: 5].
    #[arg(long, value_name = "N")]
    pub boilerplate_min_docs: Option<usize>,
    /// Matching, as in `check`.
    #[command(flatten)]
    pub matching: MatchArgs,
}

/// `dedup --format`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DedupFormat {
    /// A list of clusters for people.
    Text,
    /// JSON Lines for machines (see the `report::dedup` docs).
    Jsonl,
    /// One row per cluster member.
    Csv,
}

/// `dedup --level`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DedupLevel {
    /// Near-duplicate documents.
    Document,
    /// Reused passages, with every occurrence.
    Passage,
}

/// `dedup --keep`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DedupKeep {
    /// The earliest by date, then the longest, then the first by name.
    Earliest,
    /// The longest (most words).
    Longest,
    /// The first by name.
    First,
}

/// Writes the completion script for `shell` to standard output.
pub fn write_completions(shell: clap_complete::Shell) -> std::io::Result<()> {
    use clap::CommandFactory;
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut Args::command(), "crosscheck", &mut out);
    std::io::Write::flush(&mut out)
}

/// Writes the man page (roff) to standard output.
pub fn write_man_page() -> std::io::Result<()> {
    use clap::CommandFactory;
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Args::command()).render(&mut out)?;
    // The flags of `check`, in a section of their own on the same page.
    if let Some(check) = Args::command().find_subcommand("check") {
        let check = check
            .clone()
            .disable_help_flag(true)
            .mut_args(|a| a.help_heading("CHECK OPTIONS"));
        clap_mangen::Man::new(check).render_options_section(&mut out)?;
    }
    std::io::Write::flush(&mut out)
}
