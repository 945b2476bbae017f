//! Command-line interface. Exit codes: 0 success; 1 the input was processed
//! and found wrong; 2 usage or I/O error.

/// `print!` that never panics: see [`output::write`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write(format_args!($($arg)*))
    };
}

/// `println!` that never panics: see [`output::write`].
macro_rules! outln {
    () => {
        $crate::cli::output::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {{
        $crate::cli::output::write(format_args!($($arg)*));
        $crate::cli::output::write(format_args!("\n"));
    }};
}

mod check;
mod diff;
mod explain;
mod files;
mod fmt;
mod generate;
mod load;
mod output;
mod plan;
mod render;
mod simulate;
mod test;

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
    /// The actions for one day.
    Plan(plan::Args),
    /// Why each rule did or did not fire for one invoice on one day.
    Explain(explain::Args),
    /// Replay a range of days (a dry-run over past invoices) and summarize it.
    Simulate(simulate::Args),
    /// Compare what two versions of a policy do over the same invoices.
    Diff(diff::Args),
    /// Write a deterministic year of realistic invoices (and payments) as CSV.
    Generate(generate::Args),
    /// Run policy test cases written in YAML (a folder means every test file under it).
    Test(test::Args),
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

/// Parses the arguments, runs the command, and gives its exit code.
pub(crate) fn run() -> ExitCode {
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
        Command::Plan(args) => plan::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Test(args) => test::run(args),
    };
    outcome.max(output::finish()).into()
}

/// Whether to colour output written to stderr.
pub(crate) fn color_stderr() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// Whether to colour output written to stdout.
pub(crate) fn color_stdout() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}
