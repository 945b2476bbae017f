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
    /// Also write the day's documents into this folder: an e-mail (`.eml`) or a text document
    /// per action with a template, `index.csv`, `call-list.csv` and `agency.csv`.
    #[arg(long, value_name = "DIR")]
    render: Option<PathBuf>,
    #[command(flatten)]
    templates: super::documents::TemplateArgs,
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
    if let Some(dir) = &args.render {
        render_documents(&args, &policy, &inputs, &plan, dir)?;
    }
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

/// Writes the day's documents into `dir` (created if need be).
fn render_documents(
    args: &Args,
    policy: &dunning::Policy,
    inputs: &load::Inputs,
    plan: &dunning::Plan<'_>,
    dir: &std::path::Path,
) -> Result<(), Outcome> {
    let show = |e: &dunning::document::TemplateError,
                templates: Option<&dunning::document::Templates>| {
        let file = dunning::SourceFile::read(&args.policy)
            .unwrap_or_else(|_| dunning::SourceFile::new(args.policy.display().to_string(), ""));
        eprint!(
            "{}",
            super::documents::render(e, &file, templates, super::color_stderr())
        );
        Outcome::Found
    };
    let templates = match args.templates.load(&args.policy) {
        Ok(Some(t)) => t,
        Ok(None) => {
            eprintln!(
                "error: no templates folder for {}: give one with --templates DIR, or add `templates/` beside the policy",
                args.policy.display()
            );
            return Err(Outcome::Failed);
        }
        Err(e) => return Err(show(&e, None)),
    };
    let company = args
        .templates
        .company(&args.policy)
        .map_err(|e| show(&e, None))?;
    let files =
        dunning::document::render_plan(policy, &inputs.run_data(), plan, &templates, &company)
            .map_err(|e| show(&e, Some(&templates)))?;
    std::fs::create_dir_all(dir).map_err(|e| {
        eprintln!("error: cannot create {}: {e}", dir.display());
        Outcome::Failed
    })?;
    for file in files {
        let path = dir.join(&file.name);
        let mut sink = super::output::Sink::create(&path).map_err(|e| {
            eprintln!("error: {e}");
            Outcome::Failed
        })?;
        sink.write_all(&file.bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
            .and_then(|()| sink.commit())
            .map_err(|e| {
                eprintln!("error: {e}");
                Outcome::Failed
            })?;
    }
    Ok(())
}
