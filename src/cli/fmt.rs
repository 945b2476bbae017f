//! `dunning fmt`: the canonical layout, written back or (with --check) compared.

use std::path::PathBuf;

use dunning::output::diagnostics::Renderer;
use dunning::FormatError;

use super::{files, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Do not write; list the files whose layout differs and exit with 1 if any.
    #[arg(long)]
    check: bool,
    /// Policy files, or folders to search for `.dunning` files (`-`: standard input, written
    /// formatted to standard output).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> Outcome {
    let paths = match files::policies(&args.files) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let mut outcome = Outcome::Ok;
    let color = super::color_stdout();
    for path in &paths {
        let Some(file) = files::read_policy(path, &mut outcome) else {
            continue;
        };
        let (name, text) = (file.name(), file.text());
        let renderer = Renderer::new(&file, color);
        if let Some(e) = file.not_utf8() {
            out!("{}", renderer.render(e));
            outcome = outcome.max(Outcome::Found);
            continue;
        }
        let stdin = path.as_path() == std::path::Path::new("-");
        match dunning::format(&file.parse()) {
            // `dunning fmt -`: standard input, formatted, to standard output.
            Ok(formatted) if stdin && !args.check => out!("{formatted}"),
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if args.check {
                    let lf = text.replace("\r\n", "\n");
                    let lf = lf.strip_prefix('\u{FEFF}').unwrap_or(&lf);
                    if lf == formatted {
                        // A diff of lines that look the same would not say why.
                        outln!(
                            "{name}: not formatted: only its line ends (CRLF, or a byte-order \
                             mark) differ; the canonical layout ends lines with LF"
                        );
                    } else {
                        outln!("{name}: not formatted");
                        out!("{}", diff(text, &formatted));
                    }
                    outcome = outcome.max(Outcome::Found);
                } else if let Err(e) = files::write_atomic(path, &formatted) {
                    eprintln!("error: {e}");
                    outcome = outcome.max(Outcome::Failed);
                } else if !super::quiet() {
                    outln!("{name}: formatted");
                }
            }
            Err(FormatError::Syntax(errors)) => {
                for e in &errors {
                    out!("{}", renderer.render(e));
                }
                outln!("{name}: not formatted, it has syntax errors");
                outcome = outcome.max(Outcome::Found);
            }
            Err(e) => {
                eprintln!("error: {name}: {e}");
                outcome = outcome.max(Outcome::Found);
            }
        }
    }
    outcome
}

/// A unified diff of the layout changes, for `--check`.
fn diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(1)
        .header("current", "formatted")
        .to_string()
}
