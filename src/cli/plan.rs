//! `dunning plan`: the actions for one day.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;

use super::{load, render, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PlanFormat {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The policy file.
    policy: PathBuf,
    #[command(flatten)]
    data: load::DataArgs,
    /// What was already done: the CSV of earlier plans, appended day after day.
    #[arg(long, conflicts_with = "ledger")]
    history: Option<PathBuf>,
    /// What was already done, read from the ledger of `dunning run` (read only).
    #[arg(long, value_name = "PATH")]
    ledger: Option<PathBuf>,
    /// The day to plan (YYYY-MM-DD).
    #[arg(long, value_parser = super::load::date)]
    date: NaiveDate,
    /// Output format: a table, JSON, or the history CSV.
    #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
    format: PlanFormat,
}

pub(crate) fn run(args: Args) -> Outcome {
    match plan(args) {
        Ok(()) => Outcome::Ok,
        Err(o) => o,
    }
}

fn plan(args: Args) -> Result<(), Outcome> {
    load::one_stdin(&args.data.inputs(&args.policy))?;
    let policy = load::policy(&args.policy)?;
    let mut inputs = load::Inputs::read(&policy, &args.data, args.history.as_deref())?;
    if let Some(path) = &args.ledger {
        inputs.history_from_ledger(path)?;
    }
    let plan = dunning::plan(&policy, inputs.run_data(), args.date);
    print(&policy, &plan, args.format)
}

/// Prints a plan in a format (`run` prints its day's the same way).
pub(crate) fn print(
    policy: &dunning::Policy,
    plan: &dunning::Plan<'_>,
    format: PlanFormat,
) -> Result<(), Outcome> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match format {
        PlanFormat::Table => out.write_all(render::plan::table(plan).as_bytes()),
        PlanFormat::Json => out.write_all(dunning::output::json::plan(plan).as_bytes()),
        PlanFormat::Csv => dunning::output::csv::write_for(
            &dunning::output::csv::attribute_columns(policy),
            &plan.actions,
            &mut out,
        ),
    };
    written.map_err(|e| {
        eprintln!("error: cannot write the plan: {e}");
        Outcome::Failed
    })
}
