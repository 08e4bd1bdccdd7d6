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
    /// `dedup --min-overlap` not in (0, 1].
    Overlap(f64),
    /// `dedup --unique` with `--level passage`.
    UniquePassage,
    /// `--source-from` with a regular expression that does not compile.
    SourceFrom(String),
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
            ConfigError::Overlap(s) => {
                write!(f, "--min-overlap {s}: must be above 0 and at most 1")
            }
            ConfigError::UniquePassage => {
                write!(
                    f,
                    "--unique keeps documents: it cannot be used with --level passage"
                )
            }
            ConfigError::SourceFrom(e) => write!(f, "--source-from: {e}"),
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
        if let Some(k) = args.matching.max_hamming {
            if k > 7 {
                return Err(ConfigError::Hamming(k));
            }
            matching.max_hamming = k;
        }
        if let Some(s) = args.matching.min_similarity {
            if !(0.0..=1.0).contains(&s) {
                return Err(ConfigError::Similarity(s));
            }
            matching.min_similarity = s;
        }
        if let Some(n) = args.matching.min_words {
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
            source_from,
            cross_source_only: args.cross_source_only,
            paths: args.input.paths.clone(),
            input: InputOptions {
                lossy: args.input.lossy,
                max_doc_size: args
                    .input
                    .max_doc_size
                    .unwrap_or(crate::input::DEFAULT_MAX_DOC_SIZE)
                    .min(crate::input::DOC_SIZE_LIMIT),
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
    /// Where sources come from when the input gives none.
    pub source_from: Option<SourceFrom>,
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
                output: None,
                color: args.color,
                context: 8,
                bidi: Bidi::Logical,
                csv_bom: false,
                width: None,
                threads: args.threads,
            },
            matching: args.matching.clone(),
            source_from: args.source_from.clone(),
            cross_source_only: false,
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
            source_from: base.source_from,
            color: base.report.color,
            threads: base.threads,
        })
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
