//! `dunning diff`: what a policy change does over the same data.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;

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
}

pub(crate) fn run(args: Args) -> Outcome {
    let result = (|| {
        let range = load::range(args.from, args.to)?;
        let mut inputs = args.data.inputs(&args.old);
        inputs.push(("the new policy", args.new.as_path()));
        load::one_stdin(&inputs)?;
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
        let a = replay(&old, range)?;
        let b = replay(&new, range)?;
        let d = dunning::diff_books(&a, &b);
        let text = match args.format {
            DiffFormat::Table => render::diff::table(&d),
            DiffFormat::Json => dunning::output::json::diff(&d),
            DiffFormat::Markdown => render::diff::markdown(&d),
        };
        simulate::print_out(&text)?;
        if args.fail_on_change && !d.is_empty() {
            return Err(Outcome::Found);
        }
        Ok(())
    })();
    result.err().unwrap_or(Outcome::Ok)
}

/// One side of the diff: a policy's replay, or each of a book's.
fn replay(book: &load::Book, range: dunning::DateRange) -> Result<Vec<Simulation<'_>>, Outcome> {
    match (book.policies.as_slice(), book.run_data().as_slice()) {
        ([policy], [data]) => Ok(vec![simulate::replay(
            policy, *data, range, None, true, None,
        )?]),
        _ => Ok(dunning::replay_book(
            &book.policies(),
            &book.run_data(),
            range,
            dunning::ReplayOptions::default(),
        )),
    }
}
