//! The `dunning` command: arguments in, library calls, output and exit code out.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
