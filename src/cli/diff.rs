//! `dunning diff`: what a policy change does over the same data.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;

use dunning::output::report::{self, Timelines};
use dunning::RunData;

use super::{load, render, simulate, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    Table,
    Json,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The current policy.
    old: PathBuf,
    /// The changed policy.
    new: PathBuf,
    #[command(flatten)]
    data: load::DataArgs,
    /// First day replayed.
    #[arg(long, value_parser = super::load::date)]
    from: NaiveDate,
    /// Last day replayed (inclusive).
    #[arg(long, value_parser = super::load::date)]
    to: NaiveDate,
    /// Output format (`markdown` for a pull-request comment).
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    format: DiffFormat,
    /// Exit with 1 when any invoice gets a different sequence of actions.
    #[arg(long)]
    fail_on_change: bool,
    #[command(flatten)]
    report: super::report::ReportArgs,
}

pub(crate) fn run(args: Args) -> Outcome {
    let result = (|| {
        let range = load::range(args.from, args.to)?;
        let mut inputs = args.data.inputs(&args.old);
        inputs.push(("the new policy", args.new.as_path()));
        load::one_stdin(&inputs)?;
        args.report.check(&inputs)?;
        let old = load::policy(&args.old)?;
        let new = load::policy(&args.new)?;
        // Each policy reads the columns it declares or uses.
        let import = args.data.import()?;
        let old_invoices = load::invoices(&args.data.invoices, &old, &import)?;
        let new_invoices = load::invoices_again(&args.data.invoices, &new, &import)?;
        let old_payments = load::payments(args.data.payments.as_deref(), &old_invoices, &import)?;
        let new_payments =
            load::payments_again(args.data.payments.as_deref(), &new_invoices, &import)?;
        let old_events = load::events(args.data.events.as_deref(), &old_invoices)?;
        let new_events = load::events(args.data.events.as_deref(), &new_invoices)?;
        let rates = args.data.rates()?;
        let old_data = RunData::new(&old_invoices)
            .with_payments(&old_payments)
            .with_events(&old_events)
            .with_rates(&rates);
        let new_data = RunData::new(&new_invoices)
            .with_payments(&new_payments)
            .with_events(&new_events)
            .with_rates(&rates);
        let with_report = args.report.report.is_some();
        let mut old_timelines = with_report.then(|| Timelines::new(range, old_data.invoices.len()));
        let mut new_timelines = with_report.then(|| Timelines::new(range, new_data.invoices.len()));
        let a = simulate::replay(
            &old,
            old_data,
            range,
            None,
            true,
            None,
            old_timelines.as_mut(),
        )?;
        let b = simulate::replay(
            &new,
            new_data,
            range,
            None,
            true,
            None,
            new_timelines.as_mut(),
        )?;
        let d = dunning::diff(&a, &b);
        if let (Some(path), Some(ot), Some(nt)) =
            (&args.report.report, &old_timelines, &new_timelines)
        {
            let inputs = super::report::inputs(&[&args.old, &args.new], &args.data, None);
            let sides = [
                report::Side {
                    policy: &old,
                    summary: &a.summary,
                    timelines: ot,
                },
                report::Side {
                    policy: &new,
                    summary: &b.summary,
                    timelines: nt,
                },
            ];
            let invoices = report::Invoices {
                invoices: old_data.invoices,
                settled: &[],
            };
            let capacity = args.report.capacity.clone().unwrap_or_default();
            args.report.write(path, |out| {
                report::diff(out, sides, invoices, &d, &capacity, &inputs)
            })?;
        }
        let text = match args.format {
            DiffFormat::Table => render::diff::table(&d),
            DiffFormat::Json => dunning::output::json::diff(&d),
            DiffFormat::Markdown => render::diff::markdown(&d),
        };
        simulate::print_out(&text)?;
        if args.fail_on_change && !d.is_empty() {
            return Err(Outcome::Found);
        }
        Ok(())
    })();
    result.err().unwrap_or(Outcome::Ok)
}
