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
mod documents;
mod explain;
mod files;
mod fmt;
mod generate;
mod inspect;
mod ledger;
mod load;
mod lsp;
mod output;
mod plan;
mod render;
mod report;
mod run;
mod simulate;
mod test;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "dunning",
    version = VERSION,
    about = "Check, format, run and simulate dunning policies"
)]
struct Cli {
    /// Colour: `auto` colours a terminal unless NO_COLOR is set (FORCE_COLOR colours
    /// anything).
    #[arg(long, value_enum, global = true, default_value_t = Color::Auto)]
    color: Color,
    /// Print problems only: no summary line when nothing was found, no progress bar, no
    /// "formatted" lines.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// The largest file read, in MiB: policies, data and test files bigger than this are
    /// refused rather than read into memory.
    #[arg(long, global = true, value_name = "MIB", default_value_t = 512)]
    max_file_size: u64,
    #[command(subcommand)]
    command: Command,
}

/// `--version`: the package's version, and the commit and its date when
/// built from a git checkout (`build.rs`).
const VERSION: &str = match option_env!("DUNNING_COMMIT") {
    Some(commit) => commit,
    None => env!("CARGO_PKG_VERSION"),
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// The global options, set once by [`run`].
static GLOBAL: std::sync::OnceLock<(Color, bool)> = std::sync::OnceLock::new();

/// Whether `--quiet` was given.
pub(crate) fn quiet() -> bool {
    GLOBAL.get().is_some_and(|g| g.1)
}

/// Whether to colour a stream, from `--color`, then `NO_COLOR` and
/// `FORCE_COLOR` (set and not empty, as no-color.org and force-color.org
/// say), then whether it is a terminal.
fn color(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    match GLOBAL.get().map_or(Color::Auto, |g| g.0) {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if set("NO_COLOR") => false,
        Color::Auto if set("FORCE_COLOR") => true,
        Color::Auto => terminal,
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse and validate policies, reporting every problem found.
    Check(check::Args),
    /// Rewrite policies in the canonical layout (or, with --check, list those that differ).
    Fmt(fmt::Args),
    /// The actions for one day.
    Plan(plan::Args),
    /// Every morning: plan the day from the ledger's history, record it and print it, in one
    /// transaction.
    Run(run::Args),
    /// The ledger of `run`: its runs, an invoice's story, the history CSV, imports and renames.
    Ledger(ledger::Args),
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
    /// Serve the language server protocol over stdio, for editors.
    Lsp(lsp::Args),
    /// Guess the import profile of an export (CSV or workbook) and print it as YAML.
    Inspect(inspect::Args),
    /// Print a shell completion script (for example `dunning completions bash >
    /// /etc/bash_completion.d/dunning`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; `dunning man | man -l -`), or a
    /// command's (`dunning man check`).
    Man {
        /// The command whose page to print (`check`, `simulate`…); none for
        /// the page of `dunning` itself.
        command: Option<String>,
    },
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
    let _ = GLOBAL.set((cli.color, cli.quiet));
    dunning::set_max_file_bytes(cli.max_file_size.saturating_mul(1024 * 1024));
    let outcome = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Run(args) => run::run(args),
        Command::Ledger(args) => ledger::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Test(args) => test::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dunning", &mut buf);
            output::text(&String::from_utf8_lossy(&buf))
                .err()
                .unwrap_or(Outcome::Ok)
        }
        Command::Man { command } => {
            let top = Cli::command();
            let page = match command {
                None => clap_mangen::Man::new(top),
                Some(name) => match top.find_subcommand(&name) {
                    Some(sub) => {
                        let title = format!("dunning-{name}");
                        let sub = sub
                            .clone()
                            .bin_name(format!("dunning {name}"))
                            .version(VERSION);
                        clap_mangen::Man::new(sub).title(title)
                    }
                    None => {
                        let names: Vec<String> = top
                            .get_subcommands()
                            .map(|c| format!("`{}`", c.get_name()))
                            .collect();
                        eprintln!(
                            "error: `{}` is not a command of dunning; the commands are {}",
                            dunning::output::terminal_safe(&name),
                            names.join(", ")
                        );
                        return Outcome::Failed.max(output::finish()).into();
                    }
                },
            };
            let mut buf = Vec::new();
            match page.render(&mut buf) {
                Ok(()) => output::text(&String::from_utf8_lossy(&buf))
                    .err()
                    .unwrap_or(Outcome::Ok),
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    Outcome::Failed
                }
            }
        }
    };
    outcome.max(output::finish()).into()
}

/// Whether to colour output written to stderr.
pub(crate) fn color_stderr() -> bool {
    use std::io::IsTerminal;
    color(std::io::stderr().is_terminal())
}

/// Whether to colour output written to stdout.
pub(crate) fn color_stdout() -> bool {
    use std::io::IsTerminal;
    color(std::io::stdout().is_terminal())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--help` explains every option and argument of every command.
    #[test]
    fn every_option_of_every_command_has_a_help_line() {
        let cli = Cli::command();
        let mut missing = Vec::new();
        let mut commands: Vec<&clap::Command> = vec![&cli];
        commands.extend(cli.get_subcommands());
        for cmd in commands {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" && arg.get_help().is_none() {
                    missing.push(format!("{} {id}", cmd.get_name()));
                }
            }
        }
        assert!(missing.is_empty(), "options without help: {missing:?}");
    }
}
