//! `dunning explain`: why each rule did or did not fire for one invoice.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{load, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The policy file.
    policy: PathBuf,
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
        load::one_stdin(&args.data.inputs(&args.policy))?;
        let policy = load::policy(&args.policy)?;
        let mut inputs = load::Inputs::read(&policy, &args.data, args.history.as_deref())?;
        if let Some(path) = &args.ledger {
            inputs.history_from_ledger(path)?;
        }
        let data = inputs.run_data();
        let Some(explanation) = dunning::explain(&policy, data, args.date, &args.invoice) else {
            eprintln!(
                "error: no invoice `{}` in {}",
                args.invoice,
                args.data.invoices.display()
            );
            return Err(Outcome::Found);
        };
        if args.json || args.format == ExplainFormat::Json {
            out!("{}", dunning::output::json::explanation(&explanation));
        } else {
            out!("{explanation}");
        }
        Ok(())
    })();
    result.err().unwrap_or(Outcome::Ok)
}
