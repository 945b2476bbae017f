//! `dunning explain`: why each rule did or did not fire for one invoice.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{load, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The policy file; several files or a folder run as one book, the
    /// invoice explained by the policy it is routed to.
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    #[command(flatten)]
    data: load::DataArgs,
    /// What was already done: the CSV of earlier plans.
    #[arg(long, conflicts_with = "ledger")]
    history: Option<PathBuf>,
    /// What was already done, read from the ledger of `dunning run` (read only).
    #[arg(long, value_name = "PATH")]
    ledger: Option<PathBuf>,
    /// The day to explain (YYYY-MM-DD).
    #[arg(long, value_parser = super::load::date)]
    date: NaiveDate,
    /// The invoice to explain.
    #[arg(long)]
    invoice: String,
    /// Output format (`--json` is `--format json`).
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    /// The same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExplainFormat {
    Text,
    Json,
}

pub(crate) fn run(args: Args) -> Outcome {
    let result = (|| {
        load::one_stdin(&args.data.inputs_of(&args.policies))?;
        let mut book = load::Book::read(&args.policies, &args.data, args.history.as_deref())?;
        if let Some(path) = &args.ledger {
            book.history_from_ledger(path)?;
        }
        let found =
            dunning::explain_book(&book.policies(), &book.run_data(), args.date, &args.invoice);
        let Some((p, explanation)) = found else {
            eprintln!(
                "error: no invoice `{}` in {}",
                args.invoice,
                args.data.invoices.display()
            );
            return Err(Outcome::Found);
        };
        // In a book, the policy the invoice was routed to comes first.
        let policy = (book.policies.len() > 1).then(|| book.name(p));
        if args.json || args.format == ExplainFormat::Json {
            out!(
                "{}",
                dunning::output::json::explanation_in(&explanation, policy)
            );
        } else {
            if let Some(name) = policy {
                outln!("Routed to policy {name}");
            }
            out!("{explanation}");
        }
        Ok(())
    })();
    result.err().unwrap_or(Outcome::Ok)
}
