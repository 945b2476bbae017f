//! `dunning diff`: what a policy change does over the same data.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;

use dunning::output::report::{self, Timelines};
use dunning::Simulation;

use super::{load, render, simulate, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    Table,
    Json,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The current policy, or a folder of policies run as one book.
    old: PathBuf,
    /// The changed policy, or a folder of policies run as one book.
    new: PathBuf,
    #[command(flatten)]
    data: load::DataArgs,
    /// First day replayed.
    #[arg(long, value_parser = super::load::date)]
    from: NaiveDate,
    /// Last day replayed (inclusive).
    #[arg(long, value_parser = super::load::date)]
    to: NaiveDate,
    /// Output format (`markdown` for a pull-request comment).
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    format: DiffFormat,
    /// Exit with 1 when any invoice gets a different sequence of actions.
    #[arg(long)]
    fail_on_change: bool,
    #[command(flatten)]
    report: super::report::ReportArgs,
}

pub(crate) fn run(args: Args) -> Outcome {
    let result = (|| {
        let range = load::range(args.from, args.to)?;
        let mut inputs = args.data.inputs(&args.old);
        inputs.push(("the new policy", args.new.as_path()));
        load::one_stdin(&inputs)?;
        args.report.check(&inputs)?;
        let old = load::Book::check(std::slice::from_ref(&args.old));
        let new = load::Book::check(std::slice::from_ref(&args.new));
        let (old, new) = match (old, new) {
            (Ok(old), Ok(new)) => (old, new),
            (Err(a), Err(b)) => return Err(a.max(b)),
            (Err(o), _) | (_, Err(o)) => return Err(o),
        };
        // Each policy reads the columns it declares or uses; the warnings
        // about the data are printed once.
        let old = old.with_data(&args.data, None, false)?;
        let new = new.with_data(&args.data, None, true)?;
        let single = old.policies.len() == 1 && new.policies.len() == 1;
        let Some(path) = &args.report.report else {
            if single {
                let (d, _) = replay_both(&old, &new, range, |_| ());
                return finish(&args, &d);
            }
            let a = replay(&old, range)?;
            let b = replay(&new, range)?;
            return finish(&args, &dunning::diff_books(&a, &b));
        };
        if !single {
            eprintln!(
                "error: --report takes one policy on each side, not a book; run `diff --report` on each policy"
            );
            return Err(Outcome::Failed);
        }
        let mut old_timelines = Timelines::new(range, old.run_data()[0].invoices.len());
        let mut new_timelines = Timelines::new(range, new.run_data()[0].invoices.len());
        let (d, [old_summary, new_summary]) = replay_both(&old, &new, range, |[a, b]| {
            old_timelines.add(a);
            new_timelines.add(b);
        });
        let inputs = super::report::inputs(&[&args.old, &args.new], &args.data, None);
        let sides = [
            report::Side {
                policy: &old.policies[0],
                summary: &old_summary,
                timelines: &old_timelines,
            },
            report::Side {
                policy: &new.policies[0],
                summary: &new_summary,
                timelines: &new_timelines,
            },
        ];
        let invoices = report::Invoices {
            invoices: old.run_data()[0].invoices,
            settled: &[],
        };
        let capacity = args.report.capacity.clone().unwrap_or_default();
        args.report.write(path, |out| {
            report::diff(out, sides, invoices, &d, &capacity, &inputs)
        })?;
        finish(&args, &d)
    })();
    result.err().unwrap_or(Outcome::Ok)
}

/// Prints the diff in the format asked for; `--fail-on-change` makes a
/// change exit 1.
fn finish(args: &Args, d: &dunning::Diff) -> Result<(), Outcome> {
    let text = match args.format {
        DiffFormat::Table => render::diff::table(d),
        DiffFormat::Json => dunning::output::json::diff(d),
        DiffFormat::Markdown => render::diff::markdown(d),
    };
    simulate::print_out(&text)?;
    if args.fail_on_change && !d.is_empty() {
        return Err(Outcome::Found);
    }
    Ok(())
}

/// The diff of two single policies, both replayed side by side and
/// compared day by day without keeping their actions; `on_day` sees each
/// day's actions of both (the report counts them).
fn replay_both<'b>(
    old: &'b load::Book,
    new: &'b load::Book,
    range: dunning::DateRange,
    mut on_day: impl FnMut([&[dunning::Action<'b>]; 2]),
) -> (dunning::Diff, [dunning::Summary; 2]) {
    let mut progress = simulate::Progress::new();
    let days = range.len();
    let mut done = 0;
    let result = dunning::diff_replays(
        (&old.policies[0], old.run_data()[0]),
        (&new.policies[0], new.run_data()[0]),
        range,
        dunning::ReplayOptions::default(),
        &mut |both| {
            on_day(both);
            done += 1;
            progress.update(done, days);
        },
    );
    progress.finish();
    result
}

/// One side of a book's diff: each of its policies' replays (or a single
/// policy's, against a book), actions kept.
fn replay<'b>(
    book: &'b load::Book,
    range: dunning::DateRange,
) -> Result<Vec<Simulation<'b>>, Outcome> {
    match (book.policies.as_slice(), book.run_data().as_slice()) {
        ([policy], [data]) => Ok(vec![simulate::replay(
            policy, *data, range, None, true, None, None,
        )?]),
        _ => Ok(dunning::replay_book(
            &book.policies(),
            &book.run_data(),
            range,
            dunning::ReplayOptions::default(),
        )),
    }
}
