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
    /// Also write the day's documents into this folder: an e-mail (`.eml`), a letter (`.pdf`,
    /// `.txt`) or a text document per action with a template, `index.csv`, `call-list.csv` and
    /// `agency.csv`.
    #[arg(long, value_name = "DIR")]
    render: Option<PathBuf>,
    /// Letters, registered letters and formal notices with --render: a PDF (A4), a text file, or both.
    #[arg(long, value_enum, default_value_t = LetterFormat::Both, requires = "render")]
    letters: LetterFormat,
    #[command(flatten)]
    templates: super::documents::TemplateArgs,
}

/// `--letters`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LetterFormat {
    Both,
    Pdf,
    Txt,
}

impl LetterFormat {
    pub(crate) fn options(self) -> dunning::document::RenderOptions {
        use dunning::document::Letters;
        dunning::document::RenderOptions {
            letters: match self {
                LetterFormat::Both => Letters::Both,
                LetterFormat::Pdf => Letters::Pdf,
                LetterFormat::Txt => Letters::Txt,
            },
        }
    }
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
    if let Some(dir) = &args.render {
        match (book.policies.as_slice(), book.names.as_slice()) {
            ([policy], [name]) => {
                let data = &book.run_data()[0];
                render_documents(&args, std::path::Path::new(name), policy, data, &plan, dir)?;
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

/// Writes the day's documents into `dir` (created if need be).
fn render_documents(
    args: &Args,
    path: &std::path::Path,
    policy: &dunning::Policy,
    data: &dunning::RunData<'_, '_>,
    plan: &dunning::Plan<'_>,
    dir: &std::path::Path,
) -> Result<(), Outcome> {
    let show = |e: &dunning::document::TemplateError,
                templates: Option<&dunning::document::Templates>| {
        let file = dunning::SourceFile::read(path)
            .unwrap_or_else(|_| dunning::SourceFile::new(path.display().to_string(), ""));
        eprint!(
            "{}",
            super::documents::render(e, &file, templates, super::color_stderr())
        );
        Outcome::Found
    };
    let templates = match args.templates.load(path) {
        Ok(Some(t)) => t,
        Ok(None) => {
            eprintln!(
                "error: no templates folder for {}: give one with --templates DIR, or add `templates/` beside the policy",
                path.display()
            );
            return Err(Outcome::Failed);
        }
        Err(e) => return Err(show(&e, None)),
    };
    let company = args.templates.company(path).map_err(|e| show(&e, None))?;
    let rendered = dunning::document::render_plan(
        policy,
        data,
        plan,
        &templates,
        &company,
        args.letters.options(),
    )
    .map_err(|e| show(&e, Some(&templates)))?;
    for warning in &rendered.warnings {
        show(warning, Some(&templates));
    }
    let files = rendered.files;
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
