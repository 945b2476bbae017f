//! `dunning check`: every problem of every file, in the format CI wants.

use std::path::PathBuf;

use dunning::output::diagnostics::{self, Renderer};

use super::{files, render, DiagnosticFormat, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    format: DiagnosticFormat,
    /// Exit with code 1 when there are warnings, not only errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Print the long description of a diagnostic code and exit.
    #[arg(long, value_name = "CODE", conflicts_with_all = ["files"])]
    explain: Option<String>,
    /// Policy files, or folders to search for `.dunning` files.
    #[arg(required_unless_present = "explain")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> Outcome {
    if let Some(code) = &args.explain {
        return explain(code);
    }
    let paths = match files::policies(&args.files) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let mut outcome = Outcome::Ok;
    let mut flats = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    let color = super::color_stdout();
    for path in &paths {
        let Some(file) = files::read_policy(path, &mut outcome) else {
            continue;
        };
        let diagnostics = file.check().diagnostics;
        let renderer = Renderer::new(&file, color);
        for d in &diagnostics {
            if d.is_warning() {
                warnings += 1;
            } else {
                errors += 1;
            }
            match args.format {
                DiagnosticFormat::Human => out!("{}", renderer.render(d)),
                _ => flats.push(renderer.flatten(d)),
            }
        }
    }
    match args.format {
        DiagnosticFormat::Human => {
            let files = paths.len();
            let plural = |n: usize, w: &str| {
                if n == 1 {
                    format!("{n} {w}")
                } else {
                    format!("{n} {w}s")
                }
            };
            outln!(
                "{}, {} in {}",
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(files, "file")
            );
        }
        DiagnosticFormat::Json => outln!("{}", diagnostics::json(&flats)),
        DiagnosticFormat::Github => {
            for f in &flats {
                outln!("{}", render::github::annotation(f));
            }
        }
        DiagnosticFormat::Sarif => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&render::sarif::log(&flats)).unwrap_or_default()
            );
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        outcome = outcome.max(Outcome::Found);
    }
    outcome
}

fn explain(code: &str) -> Outcome {
    match dunning::codes::find(code) {
        Some(doc) => {
            out!("{}", doc.render());
            Outcome::Ok
        }
        None => {
            eprintln!(
                "error: no diagnostic code `{code}`; the codes are listed in the README (for example `dunning::check::unknown-fact`)"
            );
            Outcome::Failed
        }
    }
}
