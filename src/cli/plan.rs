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
    /// The policy file; several files or a folder run as one book, each
    /// invoice routed to the policy whose `scope` holds.
    #[arg(required = true)]
    policies: Vec<PathBuf>,
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
    load::one_stdin(&args.data.inputs_of(&args.policies))?;
    let book = load::Book::read(&args.policies, &args.data, args.history.as_deref())?;
    let plan = dunning::plan_book(&book.policies(), &book.run_data(), args.date);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        PlanFormat::Table => out.write_all(render::plan::table(&plan).as_bytes()),
        PlanFormat::Json => out.write_all(dunning::output::json::plan(&plan).as_bytes()),
        PlanFormat::Csv => {
            dunning::output::csv::write_for(&book.attribute_columns(), &plan.actions, &mut out)
        }
    };
    written.map_err(|e| {
        eprintln!("error: cannot write the plan: {e}");
        Outcome::Failed
    })
}
