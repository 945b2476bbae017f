//! `dunning fmt`: the canonical layout, written back or (with --check) compared.

use std::path::PathBuf;

use dunning::report::{self, SourceFile};
use dunning::FormatError;

use super::{files, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Do not write; list the files whose layout differs and exit with 1 if any.
    #[arg(long)]
    check: bool,
    /// Policy files, or folders to search for `.dunning` files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> Outcome {
    let paths = match files::expand(&args.files, "dunning") {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Failed;
        }
    };
    let mut outcome = Outcome::Ok;
    let color = super::color_stdout();
    for path in &paths {
        let name = path.display().to_string();
        let bytes = match files::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e}");
                outcome = outcome.max(Outcome::Failed);
                continue;
            }
        };
        let text = match dunning::syntax::decode(&bytes) {
            Ok(t) => t,
            Err(e) => {
                let file = SourceFile::new(&name, String::from_utf8_lossy(&bytes).into_owned());
                print!("{}", report::render_human(&e, &file, color));
                outcome = outcome.max(Outcome::Found);
                continue;
            }
        };
        match dunning::format_source(text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if args.check {
                    println!("{name}: not formatted");
                    print!("{}", diff(text, &formatted));
                    outcome = outcome.max(Outcome::Found);
                } else if let Err(e) = files::write_atomic(path, &formatted) {
                    eprintln!("error: {e}");
                    outcome = outcome.max(Outcome::Failed);
                } else {
                    println!("{name}: formatted");
                }
            }
            Err(FormatError::Syntax(errors)) => {
                let file = SourceFile::new(&name, text);
                let renderer = report::Renderer::new(&file, color);
                for e in &errors {
                    print!("{}", renderer.render(e));
                }
                println!("{name}: not formatted, it has syntax errors");
                outcome = outcome.max(Outcome::Found);
            }
            Err(e @ FormatError::NotPreserved) => {
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
