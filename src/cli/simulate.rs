//! `dunning simulate`: the dry-run of a policy over a range of days.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::ValueEnum;
use dunning::output::csv::ActionWriter;
use dunning::output::json::ActionsSpill;
use dunning::output::report::{self, Timelines};
use dunning::{DateRange, ReplayOptions, RunData, Simulation};

use super::output::Sink;
use super::{load, render, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SimulateFormat {
    Table,
    Json,
}

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The policy file; several files or a folder run as one book, each
    /// invoice routed to the policy whose `scope` holds.
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    #[command(flatten)]
    data: load::DataArgs,
    /// First day replayed.
    #[arg(long, value_parser = super::load::date)]
    from: NaiveDate,
    /// Last day replayed (inclusive).
    #[arg(long, value_parser = super::load::date)]
    to: NaiveDate,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = SimulateFormat::Table)]
    format: SimulateFormat,
    /// Write every action to this CSV (the history format of `plan --format csv`); `-` for
    /// standard output, the summary then going to stderr.
    #[arg(long)]
    actions_out: Option<PathBuf>,
    /// Start from what the ledger of `dunning run` records before --from (read only).
    #[arg(long, value_name = "PATH")]
    ledger: Option<PathBuf>,
    #[command(flatten)]
    report: super::report::ReportArgs,
}

/// A progress bar on stderr, shown only when stderr is a terminal and the
/// replay has run for more than a second.
pub(crate) struct Progress {
    start: Instant,
    bar: Option<indicatif::ProgressBar>,
    enabled: bool,
}

impl Progress {
    pub(crate) fn new() -> Self {
        use std::io::IsTerminal;
        Progress {
            start: Instant::now(),
            bar: None,
            enabled: std::io::stderr().is_terminal() && !super::quiet(),
        }
    }

    pub(crate) fn update(&mut self, done: usize, total: usize) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() > Duration::from_secs(1) {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} days {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Where `simulate --format json` writes its actions while the replay runs.
pub(crate) type Spill = ActionsSpill<std::io::BufWriter<std::fs::File>>;

/// Replays `policy`, writing actions to `actions_out` and `spill` as they
/// come, feeding them to `report`, and keeping them only when `keep`.
pub(crate) fn replay<'a>(
    policy: &'a dunning::Policy,
    data: RunData<'a, '_>,
    range: DateRange,
    actions_out: Option<&std::path::Path>,
    keep: bool,
    mut spill: Option<&mut Spill>,
    mut report: Option<&mut Timelines<'a>>,
) -> Result<Simulation<'a>, Outcome> {
    let mut writer = match actions_out {
        Some(path) => {
            let sink = Sink::create(path).map_err(|e| {
                eprintln!("error: {e}");
                Outcome::Failed
            })?;
            match ActionWriter::with_attributes(
                sink,
                &dunning::output::csv::attribute_columns(policy),
            ) {
                Ok(w) => Some(w),
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return Err(Outcome::Failed);
                }
            }
        }
        None => None,
    };
    let mut kept = Vec::new();
    let mut write_error = None;
    let mut progress = Progress::new();
    let days = range.len();
    let mut done = 0;
    let summary = dunning::replay(policy, data, range, ReplayOptions::default(), &mut |day| {
        if let Some(w) = writer.as_mut() {
            for a in &day {
                if let Err(e) = w.write(a) {
                    write_error.get_or_insert(e);
                }
            }
        }
        if let Some(s) = spill.as_mut() {
            for a in &day {
                if let Err(e) = s.push(a) {
                    write_error.get_or_insert(e);
                }
            }
        }
        if let Some(t) = report.as_mut() {
            t.add(&day);
        }
        if keep {
            kept.extend(day);
        }
        done += 1;
        progress.update(done, days);
    });
    progress.finish();
    if let Some(e) = write_error {
        eprintln!("error: cannot write the actions: {e}");
        return Err(Outcome::Failed);
    }
    if let Some(w) = writer {
        let committed = w
            .into_inner()
            .map_err(|e| format!("cannot write the actions: {e}"))
            .and_then(Sink::commit);
        if let Err(e) = committed {
            eprintln!("error: {e}");
            return Err(Outcome::Failed);
        }
    }
    Ok(Simulation::new(summary, kept))
}

pub(crate) fn run(args: Args) -> Outcome {
    let result = (|| {
        let range = load::range(args.from, args.to)?;
        if let Some(out) = &args.actions_out {
            let mut inputs = args.data.inputs_of(&args.policies);
            if let Some(ledger) = &args.ledger {
                inputs.push(("--ledger", ledger.as_path()));
            }
            super::output::refuse_overwriting(&[("--actions-out", out)], &inputs)?;
        }
        {
            let mut inputs = args.data.inputs_of(&args.policies);
            if let Some(ledger) = &args.ledger {
                inputs.push(("--ledger", ledger.as_path()));
            }
            if let Some(out) = &args.actions_out {
                inputs.push(("--actions-out", out.as_path()));
            }
            args.report.check(&inputs)?;
        }
        load::one_stdin(&args.data.inputs_of(&args.policies))?;
        let mut book = load::Book::read(&args.policies, &args.data, None)?;
        if let Some(path) = &args.ledger {
            book.history_from_ledger(path)?;
        }
        if book.policies.len() > 1 {
            if args.report.report.is_some() {
                eprintln!(
                    "error: --report takes one policy, not a book of {}; run `simulate --report` on each policy",
                    book.policies.len()
                );
                return Err(Outcome::Failed);
            }
            return simulate_book(&book, range, &args);
        }
        let policy = &book.policies[0];
        let data = book.run_data()[0];
        let mut spill = match args.format {
            SimulateFormat::Json => Some(spill()?),
            SimulateFormat::Table => None,
        };
        let mut timelines = args
            .report
            .report
            .as_ref()
            .map(|_| Timelines::new(range, data.invoices.len()));
        let sim = replay(
            policy,
            data,
            range,
            args.actions_out.as_deref(),
            false,
            spill.as_mut(),
            timelines.as_mut(),
        )?;
        if let (Some(path), Some(timelines)) = (&args.report.report, &timelines) {
            let settled = dunning::settled_dates(policy, data);
            let paths: Vec<&std::path::Path> = args.policies.iter().map(PathBuf::as_path).collect();
            let inputs = super::report::inputs(&paths, &args.data, args.ledger.as_deref());
            let side = report::Side {
                policy,
                summary: &sim.summary,
                timelines,
            };
            let invoices = report::Invoices {
                invoices: data.invoices,
                settled: &settled,
            };
            let capacity = args.report.capacity.clone().unwrap_or_default();
            args.report.write(path, |out| {
                report::simulation(out, side, invoices, &capacity, &inputs)
            })?;
        }
        let to_stderr = args.actions_out.as_deref() == Some(std::path::Path::new("-"));
        if let Some(spill) = spill {
            return write_json(sim, spill, to_stderr);
        }
        let text = render::simulate::table(&sim.summary);
        if to_stderr {
            // The actions take standard output: the summary goes to stderr.
            eprint!("{text}");
            Ok(())
        } else {
            print_out(&text)
        }
    })();
    result.err().unwrap_or(Outcome::Ok)
}

/// `simulate` of several policies: each policy's summary under its name,
/// the actions of all in one CSV.
fn simulate_book(book: &load::Book, range: DateRange, args: &Args) -> Result<(), Outcome> {
    let sims = dunning::replay_book(
        &book.policies(),
        &book.run_data(),
        range,
        ReplayOptions::default(),
    );
    let to_stderr = args.actions_out.as_deref() == Some(std::path::Path::new("-"));
    if let Some(path) = &args.actions_out {
        let mut actions: Vec<&dunning::Action> = sims.iter().flat_map(|s| &s.actions).collect();
        actions.sort_by(|a, b| (a.date, a.order_key()).cmp(&(b.date, b.order_key())));
        let written = Sink::create(path)
            .map_err(|e| e.to_string())
            .and_then(|sink| {
                let mut w = ActionWriter::with_attributes(sink, &book.attribute_columns())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                for a in actions {
                    w.write(a)
                        .map_err(|e| format!("cannot write the actions: {e}"))?;
                }
                w.into_inner()
                    .map_err(|e| format!("cannot write the actions: {e}"))
                    .and_then(Sink::commit)
            });
        if let Err(e) = written {
            eprintln!("error: {e}");
            return Err(Outcome::Failed);
        }
    }
    let named: Vec<(&str, &Simulation)> = book
        .names
        .iter()
        .map(String::as_str)
        .zip(sims.iter())
        .collect();
    let text = match args.format {
        SimulateFormat::Json => dunning::output::json::book_simulation(&named),
        SimulateFormat::Table => named
            .iter()
            .map(|(name, sim)| {
                format!("Policy {name}\n\n{}", render::simulate::table(&sim.summary))
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    if to_stderr {
        eprint!("{text}");
        Ok(())
    } else {
        print_out(&text)
    }
}

/// An anonymous temporary file to spill the actions into.
fn spill() -> Result<Spill, Outcome> {
    tempfile::tempfile()
        .map(|f| ActionsSpill::new(std::io::BufWriter::new(f)))
        .map_err(|e| {
            eprintln!("error: cannot make a temporary file for the actions: {e}");
            Outcome::Failed
        })
}

/// `{"summary": …, "actions": [...]}` with the actions read back from the
/// spill: the JSON of a ten-year replay streams through a file rather than
/// memory.
fn write_json(sim: Simulation<'_>, spill: Spill, to_stderr: bool) -> Result<(), Outcome> {
    use std::io::{Seek, Write};
    let fail = |e: std::io::Error| {
        eprintln!("error: cannot write the output: {e}");
        Outcome::Failed
    };
    let (count, file) = spill.finish().map_err(fail)?;
    let mut file = file.into_inner().map_err(|e| fail(e.into_error()))?;
    file.rewind().map_err(fail)?;
    let mut file = std::io::BufReader::new(file);
    let written = if to_stderr {
        let mut err = std::io::stderr().lock();
        dunning::output::json::simulation_spilled(sim.summary, count, &mut file, &mut err)
    } else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        dunning::output::json::simulation_spilled(sim.summary, count, &mut file, &mut out)
            .and_then(|()| out.flush())
    };
    written.map_err(fail)
}

pub(crate) fn print_out(text: &str) -> Result<(), Outcome> {
    super::output::text(text)
}
