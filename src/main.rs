//! The `crosscheck` binary: parse flags, run, map the result to an exit code.

use clap::Parser;
use crosscheck::cli::{Args, Command};
use crosscheck::exit;

fn main() {
    let args = Args::parse();
    let result = match &args.command {
        Command::Check(a) => crosscheck::pipeline::run_check(a),
        Command::Dedup(a) => crosscheck::pipeline::run_dedup(a),
        Command::Completions { shell } => crosscheck::cli::write_completions(*shell)
            .map(|_| exit::CLEAN)
            .map_err(Into::into),
        Command::Claims(a) => crosscheck::pipeline::run_claims(a),
        Command::Man => crosscheck::cli::write_man_page()
            .map(|_| exit::CLEAN)
            .map_err(Into::into),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            // A closed pipe (`crosscheck check … | head`) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                std::process::exit(exit::CLEAN);
            }
            eprintln!("crosscheck: {err:#}");
            std::process::exit(exit::ERROR);
        }
    }
}
