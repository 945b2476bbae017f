//! Reading what a command needs (a policy, invoices, payments, history), with
//! every problem printed in words and turned into the right exit code.

use std::path::{Path, PathBuf};

use dunning::data::{AccountEvent, HistoryEntry, Import, Invoice, Loaded, Payment, Profile};
use dunning::output::diagnostics::Renderer;
use dunning::{Policy, RunData, SourceFile};

use super::Outcome;

/// The data files every command that runs a policy reads.
#[derive(clap::Args, Debug)]
pub(crate) struct DataArgs {
    /// Invoice snapshot (CSV, JSON, YAML, or a .xlsx/.xls/.ods workbook).
    #[arg(long)]
    pub(crate) invoices: PathBuf,
    /// Partial payments (`invoice_id,date,amount`).
    #[arg(long)]
    pub(crate) payments: Option<PathBuf>,
    /// Account events (`date,invoice_id,customer_id,event,until,note`):
    /// disputes, promises, payment plans… applied on their dates.
    #[arg(long)]
    pub(crate) events: Option<PathBuf>,
    /// Import profile (YAML) saying how the invoice and payment files are written.
    #[arg(long)]
    pub(crate) profile: Option<PathBuf>,
    /// Make the anomalies of real ledgers (prepayments, credit notes, terms
    /// over 60 days, history of absent invoices) errors instead of warnings.
    #[arg(long)]
    pub(crate) strict: bool,
    /// A newer ECB main refinancing rate file than the one built in
    /// (`effective_date,rate_percent`, see data/rates/README.md).
    #[arg(long, value_name = "FILE")]
    pub(crate) ecb_rates: Option<PathBuf>,
    /// A newer French legal interest rate file than the one built in
    /// (`period_start,individual_percent,other_percent`).
    #[arg(long, value_name = "FILE")]
    pub(crate) legal_rates: Option<PathBuf>,
}

impl DataArgs {
    /// How to read the files: the profile, read and checked, and `--strict`.
    pub(crate) fn import(&self) -> Result<Import, Outcome> {
        let profile = match &self.profile {
            None => Profile::default(),
            Some(path) => Profile::load(path).map_err(|e| data_error(&e))?,
        };
        Ok(Import {
            profile,
            strict: self.strict,
        })
    }

    /// The rate tables: the built-in ones, each file given replacing its own.
    pub(crate) fn rates(&self) -> Result<dunning::penalty::Rates, Outcome> {
        dunning::data::load_rates(self.ecb_rates.as_deref(), self.legal_rates.as_deref())
            .map_err(|e| data_error(&e))
    }
}

impl DataArgs {
    /// The files read, named as the command line names them: the policy
    /// and these (for [`super::output::refuse_overwriting`]).
    pub(crate) fn inputs<'a>(&'a self, policy: &'a Path) -> Vec<(&'static str, &'a Path)> {
        let mut inputs = vec![
            ("the policy", policy),
            ("--invoices", self.invoices.as_path()),
        ];
        let optional = [
            ("--payments", &self.payments),
            ("--events", &self.events),
            ("--profile", &self.profile),
            ("--ecb-rates", &self.ecb_rates),
            ("--legal-rates", &self.legal_rates),
        ];
        for (option, path) in optional {
            if let Some(p) = path {
                inputs.push((option, p.as_path()));
            }
        }
        inputs
    }
}

impl DataArgs {
    /// [`DataArgs::inputs`] with every policy file given.
    pub(crate) fn inputs_of<'a>(
        &'a self,
        policies: &'a [PathBuf],
    ) -> Vec<(&'static str, &'a Path)> {
        let mut inputs = match policies.first() {
            Some(first) => self.inputs(first),
            None => Vec::new(),
        };
        for p in policies.iter().skip(1) {
            inputs.push(("the policy", p.as_path()));
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
    credit_notes: Vec<Invoice>,
    payments: Vec<Payment>,
    events: Vec<AccountEvent>,
    history: Vec<HistoryEntry>,
    rates: dunning::penalty::Rates,
}

impl Inputs {
    /// The invoices, their payments, the account events and (if given) the
    /// history, read for `policy`, in that order.
    pub(crate) fn read(
        policy: &Policy,
        data: &DataArgs,
        history: Option<&Path>,
    ) -> Result<Inputs, Outcome> {
        let import = data.import()?;
        let dunning::data::Snapshot {
            invoices,
            credit_notes,
        } = self::snapshot(&data.invoices, policy, &import)?;
        let payments = self::payments(data.payments.as_deref(), &invoices, &import)?;
        let events = self::events(data.events.as_deref(), &invoices)?;
        let history = self::history(history, &invoices, &import)?;
        let rates = data.rates()?;
        Ok(Inputs {
            invoices,
            credit_notes,
            payments,
            events,
            history,
            rates,
        })
    }

    /// The history read from a ledger (read only) rather than a file.
    pub(crate) fn history_from_ledger(&mut self, path: &Path) -> Result<(), Outcome> {
        let ledger =
            dunning::ledger::Ledger::open_read_only(path, std::time::Duration::from_secs(5))
                .map_err(|e| super::run::failed(&e))?;
        self.history = ledger
            .history(&self.invoices)
            .map_err(|e| super::run::failed(&e))?;
        Ok(())
    }

    /// The invoices read.
    pub(crate) fn invoices(&self) -> &[Invoice] {
        &self.invoices
    }

    /// The rows, as the library takes them.
    pub(crate) fn run_data(&self) -> RunData<'_, '_> {
        RunData::new(&self.invoices)
            .with_credit_notes(&self.credit_notes)
            .with_payments(&self.payments)
            .with_events(&self.events)
            .with_history(&self.history)
            .with_rates(&self.rates)
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

pub(crate) fn data_error(e: &dunning::data::DataErrors) -> Outcome {
    eprint!("{}", e.render(50));
    if e.exit_code() == 2 {
        Outcome::Failed
    } else {
        Outcome::Found
    }
}

/// The rows, after printing the warnings about them to stderr.
fn warned<T>(loaded: Loaded<T>) -> T {
    eprint!("{}", dunning::data::render_warnings(&loaded.warnings));
    loaded.value
}

/// A warning names the currencies of the data that the policy's
/// `minimum_amount` does not cover.
fn warn_uncovered(path: &Path, policy: &Policy, invoices: &[Invoice]) {
    let uncovered = dunning::data::currencies_without_minimum(policy, invoices);
    if !uncovered.is_empty() {
        let covered: Vec<String> = policy
            .settings
            .minimum_amount
            .iter()
            .map(|m| m.to_string())
            .collect();
        for (currency, count, line) in uncovered {
            let (s, have) = if count == 1 {
                ("", "has")
            } else {
                ("s", "have")
            };
            eprintln!(
                "warning: {}:{line}: {count} invoice{s} in {currency} (the first on this line) \
                 {have} no minimum amount: `minimum_amount` is {}; add one for {currency}: \
                 `set minimum_amount = [..., 20 {currency}]`",
                path.display(),
                covered.join(", ")
            );
        }
    }
}

/// The invoices to chase and the credit notes (counted in a warning; they
/// net their customers' balances).
pub(crate) fn snapshot(
    path: &Path,
    policy: &Policy,
    import: &Import,
) -> Result<dunning::data::Snapshot, Outcome> {
    let snapshot = dunning::data::load_invoices_with(path, policy, import)
        .map(warned)
        .map_err(|e| data_error(&e))?;
    warn_uncovered(path, policy, &snapshot.invoices);
    Ok(snapshot)
}

/// The invoice file read a second time (for another policy's attributes):
/// the warnings about the data were printed the first time (those about
/// this policy's minimum amounts are its own).
pub(crate) fn snapshot_again(
    path: &Path,
    policy: &Policy,
    import: &Import,
) -> Result<dunning::data::Snapshot, Outcome> {
    let snapshot = dunning::data::load_invoices_with(path, policy, import)
        .map(|l| l.value)
        .map_err(|e| data_error(&e))?;
    warn_uncovered(path, policy, &snapshot.invoices);
    Ok(snapshot)
}

/// The payments read a second time, as `snapshot_again`.
pub(crate) fn payments_again(
    path: Option<&Path>,
    invoices: &[Invoice],
    import: &Import,
) -> Result<Vec<Payment>, Outcome> {
    match path {
        None => Ok(Vec::new()),
        Some(p) => dunning::data::load_payments_with(p, invoices, import)
            .map(|l| l.value)
            .map_err(|e| data_error(&e)),
    }
}

pub(crate) fn payments(
    path: Option<&Path>,
    invoices: &[Invoice],
    import: &Import,
) -> Result<Vec<Payment>, Outcome> {
    match path {
        None => Ok(Vec::new()),
        Some(p) => dunning::data::load_payments_with(p, invoices, import)
            .map(warned)
            .map_err(|e| data_error(&e)),
    }
}

pub(crate) fn events(
    path: Option<&Path>,
    invoices: &[Invoice],
) -> Result<Vec<AccountEvent>, Outcome> {
    match path {
        None => Ok(Vec::new()),
        Some(p) => dunning::data::load_events(p, invoices).map_err(|e| data_error(&e)),
    }
}

pub(crate) fn history(
    path: Option<&Path>,
    invoices: &[Invoice],
    import: &Import,
) -> Result<Vec<HistoryEntry>, Outcome> {
    match path {
        None => Ok(Vec::new()),
        Some(p) => dunning::data::load_history_with(p, invoices, import)
            .map(warned)
            .map_err(|e| data_error(&e)),
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

/// Several policies run as one book (`scope`): each with the invoices
/// routed to it, and the book's payments, events and history.
pub(crate) struct Book {
    /// The policy files, as given (folders expanded).
    pub(crate) names: Vec<String>,
    pub(crate) policies: Vec<Policy>,
    inputs: Vec<Inputs>,
}

impl Book {
    /// The policies of `paths` (folders expanded), checked, and the data
    /// routed between them. A single policy runs on every invoice, as
    /// before books existed.
    pub(crate) fn read(
        paths: &[PathBuf],
        data: &DataArgs,
        history: Option<&Path>,
    ) -> Result<Book, Outcome> {
        Book::check(paths)?.with_data(data, history, false)
    }

    /// The policies of `paths` (folders expanded), checked, every error
    /// printed; no data yet ([`Book::with_data`]).
    pub(crate) fn check(paths: &[PathBuf]) -> Result<Book, Outcome> {
        let files = super::files::policies(paths)?;
        let mut policies = Vec::with_capacity(files.len());
        let mut failed = None;
        for file in &files {
            match policy(file) {
                Ok(p) => policies.push(p),
                Err(o) => failed = Some(failed.map_or(o, |f: Outcome| f.max(o))),
            }
        }
        if let Some(o) = failed {
            return Err(o);
        }
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        Ok(Book {
            names,
            policies,
            inputs: Vec::new(),
        })
    }

    /// The data read (and routed) for the policies. `again`: the files were
    /// read for other policies already, their warnings printed.
    pub(crate) fn with_data(
        self,
        data: &DataArgs,
        history: Option<&Path>,
        again: bool,
    ) -> Result<Book, Outcome> {
        let Book {
            names, policies, ..
        } = self;
        let import = data.import()?;
        if let [one] = policies.as_slice() {
            let inputs = if again {
                let dunning::data::Snapshot {
                    invoices,
                    credit_notes,
                } = snapshot_again(&data.invoices, one, &import)?;
                let payments = payments_again(data.payments.as_deref(), &invoices, &import)?;
                let events = self::events(data.events.as_deref(), &invoices)?;
                let history = self::history(history, &invoices, &import)?;
                Inputs {
                    invoices,
                    credit_notes,
                    payments,
                    events,
                    history,
                    rates: data.rates()?,
                }
            } else {
                Inputs::read(one, data, history)?
            };
            return Ok(Book {
                names,
                policies,
                inputs: vec![inputs],
            });
        }
        let mut read = Vec::with_capacity(policies.len());
        for (i, p) in policies.iter().enumerate() {
            read.push(if i == 0 && !again {
                snapshot(&data.invoices, p, &import)?
            } else {
                snapshot_again(&data.invoices, p, &import)?
            });
        }
        let members: Vec<dunning::data::Member<'_>> = names
            .iter()
            .zip(&policies)
            .map(|(name, policy)| dunning::data::Member { name, policy })
            .collect();
        let slices: Vec<&[Invoice]> = read.iter().map(|s| s.invoices.as_slice()).collect();
        let format =
            dunning::data::Format::from_path(&data.invoices).unwrap_or(dunning::data::Format::Csv);
        let file = data.invoices.display().to_string();
        let route =
            dunning::data::route(&file, format, &members, &slices).map_err(|e| data_error(&e))?;
        let all = read.first().map(|s| s.invoices.clone()).unwrap_or_default();
        let payments = if again {
            payments_again(data.payments.as_deref(), &all, &import)?
        } else {
            self::payments(data.payments.as_deref(), &all, &import)?
        };
        let events = self::events(data.events.as_deref(), &all)?;
        let history = self::history(history, &all, &import)?;
        let rates = data.rates()?;
        let inputs = read
            .into_iter()
            .enumerate()
            .map(|(p, snapshot)| Inputs {
                invoices: dunning::data::routed_to(snapshot.invoices, &route, p),
                // Each policy nets its customers' credit notes.
                credit_notes: snapshot.credit_notes,
                payments: payments.clone(),
                events: events.clone(),
                history: history.clone(),
                rates: rates.clone(),
            })
            .collect();
        Ok(Book {
            names,
            policies,
            inputs,
        })
    }

    /// The history read from the ledger of `dunning run` (read only)
    /// instead of a file. A book's policies share it, as they share a
    /// history file: read once for all the book's invoices.
    pub(crate) fn history_from_ledger(&mut self, path: &Path) -> Result<(), Outcome> {
        if let [one] = self.inputs.as_mut_slice() {
            return one.history_from_ledger(path);
        }
        let ledger =
            dunning::ledger::Ledger::open_read_only(path, std::time::Duration::from_secs(5))
                .map_err(|e| super::run::failed(&e))?;
        let all: Vec<Invoice> = self
            .inputs
            .iter()
            .flat_map(|i| i.invoices.iter().cloned())
            .collect();
        let history = ledger.history(&all).map_err(|e| super::run::failed(&e))?;
        for input in &mut self.inputs {
            input.history = history.clone();
        }
        Ok(())
    }

    /// The name of the book's `p`-th policy, as given.
    pub(crate) fn name(&self, p: usize) -> &str {
        self.names.get(p).map_or("", String::as_str)
    }

    /// The policies, as the library takes them.
    pub(crate) fn policies(&self) -> Vec<&Policy> {
        self.policies.iter().collect()
    }

    /// Each policy's rows, as the library takes them.
    pub(crate) fn run_data(&self) -> Vec<RunData<'_, '_>> {
        self.inputs.iter().map(Inputs::run_data).collect()
    }

    /// The attribute columns of the plan's CSV: every policy's, each once.
    pub(crate) fn attribute_columns(&self) -> Vec<&str> {
        let mut columns: Vec<&str> = Vec::new();
        for p in &self.policies {
            for c in dunning::output::csv::attribute_columns(p) {
                if !columns.contains(&c) {
                    columns.push(c);
                }
            }
        }
        columns
    }
}
