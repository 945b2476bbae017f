//! `--report FILE.html` of `simulate` and `diff`: the options, what the
//! report says it was made from, and writing it in place.

use std::path::{Path, PathBuf};

use dunning::output::report::{Capacity, Inputs};

use super::output::Sink;
use super::{load, Outcome};

#[derive(clap::Args, Debug, Default)]
pub(crate) struct ReportArgs {
    /// Also write the dry-run as one self-contained HTML page (charts,
    /// tables, every invoice's timeline) to this file.
    #[arg(long, value_name = "FILE.html")]
    pub(crate) report: Option<PathBuf>,
    /// Actions per business day the team can do, per kind, drawn on the
    /// report's workload charts (`call=40,letter=100`).
    #[arg(long, value_name = "ACTION=N,...", requires = "report", value_parser = capacity)]
    pub(crate) capacity: Option<Capacity>,
}

fn capacity(text: &str) -> Result<Capacity, String> {
    text.parse()
        .map_err(|e: dunning::output::report::CapacityError| e.to_string())
}

impl ReportArgs {
    /// Refuses a report written over an input, or to standard output.
    pub(crate) fn check(&self, inputs: &[(&str, &Path)]) -> Result<(), Outcome> {
        let Some(path) = &self.report else {
            return Ok(());
        };
        if path == Path::new("-") {
            eprintln!("error: --report needs a file name (the summary takes standard output)");
            return Err(Outcome::Failed);
        }
        super::output::refuse_overwriting(&[("--report", path)], inputs)
    }

    /// Writes the report with `write`, through a temporary file renamed
    /// into place.
    pub(crate) fn write(
        &self,
        path: &Path,
        write: impl FnOnce(&mut Sink) -> std::io::Result<()>,
    ) -> Result<(), Outcome> {
        let written = Sink::create(path).and_then(|mut sink| {
            write(&mut sink).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            sink.commit()
        });
        written.map_err(|e| {
            eprintln!("error: {e}");
            Outcome::Failed
        })
    }
}

/// The files a report names: the policies with their SHA-256 (not those
/// read from standard input, which is read once), and the data files.
pub(crate) fn inputs(policies: &[&Path], data: &load::DataArgs, ledger: Option<&Path>) -> Inputs {
    let hash = |path: &Path| -> Option<String> {
        if path == Path::new("-") {
            return None;
        }
        dunning::read_input(path)
            .ok()
            .map(|b| dunning::ledger::sha256(&b))
    };
    let mut files = vec![("invoices", Some(data.invoices.as_path()))];
    files.push(("payments", data.payments.as_deref()));
    files.push(("events", data.events.as_deref()));
    files.push(("import profile", data.profile.as_deref()));
    files.push(("ECB rates", data.ecb_rates.as_deref()));
    files.push(("legal rates", data.legal_rates.as_deref()));
    files.push(("ledger", ledger));
    Inputs {
        policies: policies
            .iter()
            .map(|p| (p.display().to_string(), hash(p)))
            .collect(),
        data: files
            .into_iter()
            .filter_map(|(what, p)| p.map(|p| (what.to_string(), p.display().to_string())))
            .collect(),
    }
}
