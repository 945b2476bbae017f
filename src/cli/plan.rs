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
    #[command(flatten)]
    pub(crate) render: super::documents::RenderArgs,
}

pub(crate) fn run(args: Args) -> Outcome {
    match plan(args) {
        Ok(()) => Outcome::Ok,
        Err(o) => o,
    }
}

fn plan(args: Args) -> Result<(), Outcome> {
    load::one_stdin(&args.data.inputs_of(&args.policies))?;
    let mut book = load::Book::read(&args.policies, &args.data, args.history.as_deref())?;
    if let Some(path) = &args.ledger {
        book.history_from_ledger(path)?;
    }
    let plan = dunning::plan_book(&book.policies(), &book.run_data(), args.date);
    if let Some(dir) = &args.render.render {
        match (book.policies.as_slice(), book.names.as_slice()) {
            ([policy], [name]) => {
                let data = &book.run_data()[0];
                args.render
                    .write(std::path::Path::new(name), policy, data, &plan, dir)?;
            }
            _ => {
                eprintln!(
                    "error: --render writes the documents of one policy; render each policy of \
                     the book on its own"
                );
                return Err(Outcome::Failed);
            }
        }
    }
    print(&book.attribute_columns(), &plan, args.format)
}

/// Prints a plan in a format, with `columns` (the policies' attributes) in
/// its CSV (`run` prints its day's the same way).
pub(crate) fn print(
    columns: &[&str],
    plan: &dunning::Plan<'_>,
    format: PlanFormat,
) -> Result<(), Outcome> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match format {
        PlanFormat::Table => out.write_all(render::plan::table(plan).as_bytes()),
        PlanFormat::Json => out.write_all(dunning::output::json::plan(plan).as_bytes()),
        PlanFormat::Csv => dunning::output::csv::write_for(columns, &plan.actions, &mut out),
    };
    written.map_err(|e| {
        eprintln!("error: cannot write the plan: {e}");
        Outcome::Failed
    })
}
