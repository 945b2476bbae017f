//! `dunning explain`: why each rule did or did not fire for one invoice.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{load, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    policy: PathBuf,
    #[arg(long)]
    invoices: PathBuf,
    #[arg(long)]
    payments: Option<PathBuf>,
    #[arg(long)]
    history: Option<PathBuf>,
    #[arg(long)]
    date: NaiveDate,
    /// The invoice to explain.
    #[arg(long)]
    invoice: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Outcome {
    let result = (|| {
        let policy = load::policy(&args.policy)?;
        let invoices = load::invoices(&args.invoices, &policy)?;
        let payments = load::payments(args.payments.as_deref(), &invoices)?;
        let history = load::history(args.history.as_deref(), &invoices)?;
        let data = dunning::RunData::new(&invoices)
            .with_payments(&payments)
            .with_history(&history);
        let Some(explanation) = dunning::explain(&policy, data, args.date, &args.invoice) else {
            eprintln!(
                "error: no invoice `{}` in {}",
                args.invoice,
                args.invoices.display()
            );
            return Err(Outcome::Found);
        };
        if args.json {
            print!("{}", dunning::output::json::explanation(&explanation));
        } else {
            print!("{explanation}");
        }
        Ok(())
    })();
    result.err().unwrap_or(Outcome::Ok)
}
