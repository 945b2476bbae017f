//! `dunning run`: the day's plan, computed from the ledger's history,
//! recorded in it and printed, in one transaction.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use dunning::ledger::{self, Ledger, LedgerError, Provenance, Recorded, Start};

use super::plan::PlanFormat;
use super::{load, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The policy file.
    policy: PathBuf,
    #[command(flatten)]
    data: load::DataArgs,
    /// The day to run (YYYY-MM-DD).
    #[arg(long, value_parser = super::load::date)]
    date: NaiveDate,
    #[command(flatten)]
    ledger: LedgerArgs,
    /// Compute and print the plan; record nothing.
    #[arg(long)]
    dry_run: bool,
    /// Run a day before the ledger's last run.
    #[arg(long)]
    force: bool,
    /// First run: each invoice gets the most advanced step that holds (the SPEC's catch-up).
    #[arg(long, conflicts_with = "start_at_first_step")]
    catch_up: bool,
    /// First run: each invoice begins at the first step that holds; firmer steps follow by the
    /// ladder.
    #[arg(long)]
    start_at_first_step: bool,
    /// Output format: a table, JSON, or the history CSV.
    #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
    format: PlanFormat,
    #[command(flatten)]
    render: super::documents::RenderArgs,
}

/// The ledger's file and how long to wait for another run holding it.
#[derive(clap::Args, Debug)]
pub(crate) struct LedgerArgs {
    /// The ledger (an SQLite file, created on first use).
    #[arg(long, value_name = "PATH", default_value = "dunning.db")]
    pub(crate) ledger: PathBuf,
    /// Seconds to wait for another run holding the ledger before failing.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub(crate) wait: u64,
}

impl LedgerArgs {
    pub(crate) fn open(&self) -> Result<Ledger, Outcome> {
        Ledger::open(&self.ledger, Duration::from_secs(self.wait)).map_err(|e| failed(&e))
    }
}

/// Prints a ledger error; its exit code.
pub(crate) fn failed(e: &LedgerError) -> Outcome {
    eprint!("{}", e.render());
    if e.exit_code() == 2 {
        Outcome::Failed
    } else {
        Outcome::Found
    }
}

pub(crate) fn run(args: Args) -> Outcome {
    match morning(args) {
        Ok(()) => Outcome::Ok,
        Err(o) => o,
    }
}

/// Hashes the policy and the inputs (standard input is read once: not
/// hashed).
fn provenance(args: &Args) -> Provenance {
    let hash = |path: &Path| -> Option<String> {
        if path == Path::new("-") {
            return None;
        }
        std::fs::read(path).ok().map(|b| ledger::sha256(&b))
    };
    let inputs = args.data.inputs(&args.policy);
    Provenance {
        policy_file: args.policy.display().to_string(),
        policy_hash: hash(&args.policy).unwrap_or_default(),
        inputs: inputs
            .iter()
            .skip(1)
            .map(|(option, path)| (option.to_string(), path.display().to_string(), hash(path)))
            .collect(),
    }
}

fn morning(args: Args) -> Result<(), Outcome> {
    let inputs = args.data.inputs(&args.policy);
    load::one_stdin(&inputs)?;
    super::output::refuse_overwriting(&[("--ledger", &args.ledger.ledger)], &inputs)?;
    let mut ledger = args.ledger.open()?;
    let provenance = provenance(&args);
    // A morning that fails is recorded as failed (not on a dry run, which
    // records nothing), so that `ledger log` shows it.
    let fail = |ledger: &mut Ledger, why: &str| {
        if !args.dry_run {
            if let Err(e) = ledger.record_failure(args.date, &provenance, why) {
                eprint!("{}", e.render());
            }
        }
    };
    let policy = load::policy(&args.policy).inspect_err(|_| {
        fail(&mut ledger, "the policy has errors");
    })?;
    let data = load::Inputs::read(&policy, &args.data, None).inspect_err(|_| {
        fail(&mut ledger, "the input files could not be read");
    })?;
    let start = if args.catch_up {
        Start::CatchUp
    } else if args.start_at_first_step {
        Start::FirstStep
    } else {
        Start::Refuse
    };
    let options = ledger::Options {
        date: args.date,
        dry_run: args.dry_run,
        force: args.force,
        start,
    };
    let day = match ledger::run_day(&mut ledger, &policy, data.run_data(), options, &provenance) {
        Ok(day) => day,
        Err(e) => {
            if !matches!(e, LedgerError::Busy { .. }) {
                fail(&mut ledger, &format!("[{}] {e}", e.code()));
            }
            return Err(failed(&e));
        }
    };
    if let Some(counts) = &day.first_run {
        let steps: Vec<String> = counts.iter().map(|(s, n)| format!("{s}: {n}")).collect();
        let steps = if steps.is_empty() {
            "no action".to_string()
        } else {
            steps.join(", ")
        };
        eprintln!("first run ({}): {steps}", start_name(start));
    }
    match &day.recorded {
        Recorded::Now(id) => {
            let n: usize = day.plan.actions.iter().map(|a| a.invoices.len()).sum();
            eprintln!(
                "recorded run #{id} for {}: {n} action{} in {}",
                args.date,
                if n == 1 { "" } else { "s" },
                args.ledger.ledger.display()
            );
        }
        Recorded::Already(run) => eprintln!(
            "already recorded: run #{} for {} at {}; nothing recorded",
            run.id, args.date, run.started_at
        ),
        Recorded::DryRun => eprintln!("dry run: nothing recorded"),
    }
    if let Some(dir) = &args.render.render {
        // The documents of the day's actions, with the ledger's history
        // (today's actions included once recorded): the agency's file lists
        // every reminder recorded. The same day run again gives the same
        // bytes.
        let history = ledger.history(data.invoices()).map_err(|e| failed(&e))?;
        let with_history = data.run_data().with_history(&history);
        args.render
            .write(&args.policy, &policy, &with_history, &day.plan, dir)?;
    }
    super::plan::print(
        &dunning::output::csv::attribute_columns(&policy),
        &day.plan,
        args.format,
    )
}

fn start_name(start: Start) -> &'static str {
    match start {
        Start::Refuse => "first steps only",
        Start::CatchUp => "--catch-up",
        Start::FirstStep => "--start-at-first-step",
    }
}
