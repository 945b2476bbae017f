//! `dunning check`: every problem of every file, in the format CI wants.

use std::path::PathBuf;

use dunning::output::diagnostics::{self, Renderer};

use super::{documents, files, render, DiagnosticFormat, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    format: DiagnosticFormat,
    /// Exit with code 1 when there are warnings, not only errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Print the long description of a diagnostic code and exit; without a code, list every
    /// code with its summary.
    #[arg(long, value_name = "CODE", num_args = 0..=1, conflicts_with_all = ["files"])]
    explain: Option<Option<String>>,
    #[command(flatten)]
    templates: super::documents::TemplateArgs,
    /// A newer French legal interest rate file than the one built in, for the
    /// `rate-below-floor` warning (`period_start,individual_percent,other_percent`).
    #[arg(long, value_name = "FILE")]
    legal_rates: Option<PathBuf>,
    /// Check the policies' former rule names (`rule b (was a):`) against the rules this ledger
    /// recorded (read only).
    #[arg(long, value_name = "PATH")]
    ledger: Option<PathBuf>,
    /// Policy files, or folders to search for `.dunning` files.
    #[arg(required_unless_present = "explain")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> Outcome {
    match &args.explain {
        Some(Some(code)) => return explain(code),
        Some(None) => return list_codes(),
        None => {}
    }
    let paths = match files::policies(&args.files) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let rates = match dunning::data::load_rates(None, args.legal_rates.as_deref()) {
        Ok(r) => r,
        Err(e) => return super::load::data_error(&e),
    };
    let mut outcome = Outcome::Ok;
    let mut flats = Vec::new();
    let (mut errors, mut warnings, mut unread) = (0, 0, 0);
    let color = super::color_stdout();
    let ledger = match &args.ledger {
        None => None,
        Some(path) => {
            match dunning::ledger::Ledger::open_read_only(path, std::time::Duration::from_secs(5)) {
                Ok(l) => Some(l),
                Err(e) => return super::run::failed(&e),
            }
        }
    };
    for path in &paths {
        let Some(file) = files::read_policy(path, &mut outcome) else {
            unread += 1;
            continue;
        };
        let checked = dunning::check_with_rates(&file.parse(), &rates);
        let diagnostics = checked.diagnostics;
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
        // The templates the policy names, when it has a templates folder.
        let Some(policy) = checked.policy else {
            continue;
        };
        if let Some(ledger) = &ledger {
            match ledger.check_former_names(&policy) {
                Ok(()) => {}
                Err(e) if e.exit_code() == 1 => {
                    errors += 1;
                    let text = format!("{}: {}", path.display(), e.render());
                    match args.format {
                        DiagnosticFormat::Human => out!("{text}"),
                        _ => eprint!("{text}"),
                    }
                }
                Err(e) => return super::run::failed(&e),
            }
        }
        let (templates, template_errors) = match args.templates.load(path) {
            Ok(Some(t)) => {
                let errors = dunning::document::check(&policy, file.text(), &t);
                (Some(t), errors)
            }
            Ok(None) => (None, Vec::new()),
            Err(e) => (None, vec![e]),
        };
        let company = args.templates.company(path).err();
        for e in template_errors.iter().chain(&company) {
            errors += 1;
            match args.format {
                DiagnosticFormat::Human => {
                    out!("{}", documents::render(e, &file, templates.as_ref(), color))
                }
                _ => flats.push(documents::flatten(e, &file, templates.as_ref())),
            }
        }
    }
    match args.format {
        DiagnosticFormat::Human => {
            let checked = paths.len() - unread;
            let plural = |n: usize, w: &str| {
                if n == 1 {
                    format!("{n} {w}")
                } else {
                    format!("{n} {w}s")
                }
            };
            // A file that could not be read was not checked: saying "0
            // errors in 1 file" would pass it as clean.
            let unread = match unread {
                0 => String::new(),
                n => format!("; {} could not be read", plural(n, "file")),
            };
            if !super::quiet() || errors + warnings > 0 {
                outln!(
                    "{}, {} in {}{unread}",
                    plural(errors, "error"),
                    plural(warnings, "warning"),
                    plural(checked, "file")
                );
            }
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

/// Every code, with its summary: what `--explain CODE` can describe.
fn list_codes() -> Outcome {
    let codes = dunning::codes::POLICY
        .iter()
        .chain(dunning::codes::DATA)
        .chain(dunning::codes::LEDGER)
        .chain(dunning::codes::TEMPLATE);
    let width = codes.clone().map(|c| c.code.len()).max().unwrap_or(0);
    for doc in codes {
        outln!("{:width$}  {}", doc.code, doc.summary);
    }
    outln!("\n`dunning check --explain CODE` describes one, with an example and its fix.");
    Outcome::Ok
}
