//! Command-line interface. Exit codes: 0 success; 1 the input was processed
//! and found wrong; 2 usage or I/O error.

mod check;
mod files;
mod fmt;
mod generate;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "dunning",
    version,
    about = "Check, format, run and simulate dunning policies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse and validate policies, reporting every problem found.
    Check(check::Args),
    /// Rewrite policies in the canonical layout (or, with --check, list those that differ).
    Fmt(fmt::Args),
    /// Write a deterministic year of realistic invoices (and payments) as CSV.
    Generate(generate::Args),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiagnosticFormat {
    Human,
    Json,
    Github,
    Sarif,
}

/// What a command found, mapped to the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Outcome {
    Ok = 0,
    Found = 1,
    Failed = 2,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        ExitCode::from(o as u8)
    }
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let outcome = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Generate(args) => generate::run(args),
    };
    outcome.into()
}

/// Whether to colour output written to stdout.
pub(crate) fn color_stdout() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}
