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
    #[arg(long)]
    history: Option<PathBuf>,
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
    let inputs = load::Inputs::read(&policy, &args.data, args.history.as_deref())?;
    let plan = dunning::plan(&policy, inputs.run_data(), args.date);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        PlanFormat::Table => out.write_all(render::plan::table(&plan).as_bytes()),
        PlanFormat::Json => out.write_all(dunning::output::json::plan(&plan).as_bytes()),
        PlanFormat::Csv => dunning::output::csv::write_for(
            &dunning::output::csv::attribute_columns(&policy),
            &plan.actions,
            &mut out,
        ),
    };
    written.map_err(|e| {
        eprintln!("error: cannot write the plan: {e}");
        Outcome::Failed
    })
}
