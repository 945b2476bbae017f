//! Reading what a command needs (a policy, invoices, payments, history), with
//! every problem printed in words and turned into the right exit code.

use std::path::{Path, PathBuf};

use dunning::data::{HistoryEntry, Invoice, Payment};
use dunning::output::diagnostics::Renderer;
use dunning::{Policy, RunData, SourceFile};

use super::Outcome;

/// The data files every command that runs a policy reads.
#[derive(clap::Args, Debug)]
pub(crate) struct DataArgs {
    /// Invoice snapshot (CSV, JSON or YAML).
    #[arg(long)]
    pub(crate) invoices: PathBuf,
    /// Partial payments (`invoice_id,date,amount`).
    #[arg(long)]
    pub(crate) payments: Option<PathBuf>,
}

impl DataArgs {
    /// The files read, named as the command line names them: the policy
    /// and these (for [`super::output::refuse_overwriting`]).
    pub(crate) fn inputs<'a>(&'a self, policy: &'a Path) -> Vec<(&'static str, &'a Path)> {
        let mut inputs = vec![
            ("the policy", policy),
            ("--invoices", self.invoices.as_path()),
        ];
        if let Some(p) = &self.payments {
            inputs.push(("--payments", p.as_path()));
        }
        inputs
    }
}

/// Standard input can be read once: refuses two inputs given as `-` (a
/// usage error, exit code 2).
pub(crate) fn one_stdin(inputs: &[(&str, &Path)]) -> Result<(), Outcome> {
    let dashes: Vec<&str> = inputs
        .iter()
        .filter(|(_, p)| *p == Path::new("-"))
        .map(|(o, _)| *o)
        .collect();
    if let [first, second, ..] = dashes.as_slice() {
        eprintln!("error: {first} and {second} cannot both be read from standard input (`-`)");
        return Err(Outcome::Failed);
    }
    Ok(())
}

/// The rows of a run, read for one policy (its attributes type the columns).
pub(crate) struct Inputs {
    invoices: Vec<Invoice>,
    payments: Vec<Payment>,
    history: Vec<HistoryEntry>,
}

impl Inputs {
    /// The invoices, their payments and (if given) the history, read for
    /// `policy`, in that order.
    pub(crate) fn read(
        policy: &Policy,
        data: &DataArgs,
        history: Option<&Path>,
    ) -> Result<Inputs, Outcome> {
        let invoices = self::invoices(&data.invoices, policy)?;
        let payments = self::payments(data.payments.as_deref(), &invoices)?;
        let history = self::history(history, &invoices)?;
        Ok(Inputs {
            invoices,
            payments,
            history,
        })
    }

    /// The rows, as the library takes them.
    pub(crate) fn run_data(&self) -> RunData<'_, '_> {
        RunData::new(&self.invoices)
            .with_payments(&self.payments)
            .with_history(&self.history)
    }
}

/// A policy file, checked. Errors (and warnings) are printed to stderr; an
/// error stops the command with exit code 1 (2 if the file cannot be read).
pub(crate) fn policy(path: &Path) -> Result<Policy, Outcome> {
    let file = SourceFile::read(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        Outcome::Failed
    })?;
    let checked = file.check();
    let renderer = Renderer::new(&file, super::color_stderr());
    for d in checked.diagnostics.iter().filter(|d| !d.is_warning()) {
        eprint!("{}", renderer.render(d));
    }
    if file.not_utf8().is_some() {
        return Err(Outcome::Found);
    }
    checked.policy.ok_or_else(|| {
        let name = file.name();
        eprintln!("error: {name} has errors; run `dunning check {name}` for the details");
        Outcome::Found
    })
}

fn data_error(e: &dunning::data::DataErrors) -> Outcome {
    eprint!("{}", e.render(50));
    if e.exit_code() == 2 {
        Outcome::Failed
    } else {
        Outcome::Found
    }
}

pub(crate) fn invoices(path: &Path, policy: &Policy) -> Result<Vec<Invoice>, Outcome> {
    dunning::data::load_invoices(path, policy).map_err(|e| data_error(&e))
}

pub(crate) fn payments(path: Option<&Path>, invoices: &[Invoice]) -> Result<Vec<Payment>, Outcome> {
    match path {
        None => Ok(Vec::new()),
        Some(p) => dunning::data::load_payments(p, invoices).map_err(|e| data_error(&e)),
    }
}

pub(crate) fn history(
    path: Option<&Path>,
    invoices: &[Invoice],
) -> Result<Vec<HistoryEntry>, Outcome> {
    match path {
        None => Ok(Vec::new()),
        Some(p) => dunning::data::load_history(p, invoices).map_err(|e| data_error(&e)),
    }
}

/// A date on the command line, read as data files read them: exactly
/// `YYYY-MM-DD` (not `2025-1-1`, `+2025-01-01` or year 0), and a message
/// that says which format is expected and, when it can, the date meant.
pub(crate) fn date(text: &str) -> Result<chrono::NaiveDate, String> {
    dunning::data::parse_date(text).map_err(|p| match miette::Diagnostic::help(&p) {
        Some(help) => format!("{p}; {help}"),
        None => p.to_string(),
    })
}

/// `--from` to `--to`: `--from` must not come after `--to`, and a year is
/// the longest range a replay is meant for times ten.
pub(crate) fn range(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<dunning::DateRange, Outcome> {
    dunning::DateRange::new(from, to).map_err(|e| {
        match e {
            dunning::DateRangeError::Reversed { .. } => {
                eprintln!("error: --from {from} comes after --to {to}")
            }
            _ => eprintln!(
                "error: --from {from} to --to {to} is more than ten years; simulate at most 3660 days"
            ),
        }
        Outcome::Failed
    })
}
