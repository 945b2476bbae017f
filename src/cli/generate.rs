//! `dunning generate`: a deterministic year of realistic invoices, as CSV.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use dunning::generate::{self, Dataset, GenParams};

use super::output::Sink;
use super::Outcome;

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Number of invoices.
    #[arg(long, value_name = "N")]
    invoices: usize,
    /// Size of the customer pool [default: one per eight invoices].
    #[arg(long, value_name = "N")]
    customers: Option<usize>,
    /// The year the invoices are issued in.
    #[arg(long, default_value_t = GenParams::default().year)]
    year: i32,
    /// The same seed and parameters always give the same files.
    #[arg(long, value_name = "S", default_value_t = GenParams::default().seed)]
    seed: u64,
    /// Invoices CSV to write (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Payments CSV to write (instalments and partial payments); without it,
    /// partial payments are not written anywhere.
    #[arg(long, value_name = "FILE")]
    payments_out: Option<PathBuf>,
    /// Account events CSV to write (disputes, promises, payment plans,
    /// insolvencies, with their dates; for `--events`); without it, they
    /// are not written anywhere.
    #[arg(long, value_name = "FILE")]
    events_out: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> Outcome {
    let params = GenParams {
        invoices: args.invoices,
        customers: args.customers,
        year: args.year,
        seed: args.seed,
    };
    let data = match generate::generate(&params) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Failed;
        }
    };
    let mut outputs = vec![("--out", args.out.as_path())];
    if let Some(p) = &args.payments_out {
        outputs.push(("--payments-out", p.as_path()));
    }
    if let Err(outcome) = super::output::refuse_overwriting(&outputs, &[]) {
        return outcome;
    }
    let mut written = write(&args.out, |w| generate::write_invoices_csv(&data, w));
    if let Some(path) = &args.payments_out {
        written = written.and_then(|()| write(path, |w| generate::write_payments_csv(&data, w)));
    }
    if let Some(path) = &args.events_out {
        written = written.and_then(|()| write(path, |w| generate::write_events_csv(&data, w)));
    }
    if let Err(e) = written {
        eprintln!("error: {e}");
        return Outcome::Failed;
    }
    if !super::quiet() {
        eprintln!("{}", summary(&data, &args));
    }
    Outcome::Ok
}

fn write(path: &Path, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), String> {
    let mut sink = Sink::create(path)?;
    f(&mut sink).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    sink.commit()
}

fn summary(data: &Dataset, args: &Args) -> String {
    let s = data.stats();
    let mut text = format!(
        "wrote {} invoices of {} customers to {}",
        s.invoices,
        s.customers,
        args.out.display()
    );
    if let Some(path) = &args.payments_out {
        text += &format!(
            " and {} payments to {}",
            data.payments.len(),
            path.display()
        );
    }
    if let Some(path) = &args.events_out {
        text += &format!(
            " and {} account events to {}",
            data.events.len(),
            path.display()
        );
    }
    text += &format!(
        "\npaid on or before the due date: {:.1}%; average days late of paid invoices: {:.1}; \
         disputed: {:.1}%; never paid: {:.1}%",
        s.percent(s.paid_on_time),
        s.average_days_late,
        s.percent(s.disputed),
        s.percent(s.never_paid),
    );
    text
}
