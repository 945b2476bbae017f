//! `dunning inspect FILE`: the import profile of an export, guessed.

use std::path::PathBuf;

use dunning::data::{DataErrors, Format, Problem};

use super::Outcome;

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The export: a CSV file, a .xlsx/.xls/.ods workbook, or a Parquet or
    /// Arrow IPC file (its columns and their types are listed).
    file: PathBuf,
}

pub(crate) fn run(args: Args) -> Outcome {
    let name = args.file.display().to_string();
    let failed = |e: DataErrors| {
        eprint!("{}", e.render(20));
        if e.exit_code() == 2 {
            Outcome::Failed
        } else {
            Outcome::Found
        }
    };
    let Some(format) = Format::from_path(&args.file) else {
        return failed(DataErrors::from_problem(&name, Problem::UnknownFormat));
    };
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            return failed(DataErrors::from_problem(
                &name,
                Problem::Io {
                    message: e.to_string(),
                },
            ))
        }
    };
    match dunning::data::inspect(&name, &bytes, format) {
        Ok(inspection) => {
            print!(
                "{}",
                dunning::output::profile::profile_yaml(&name, &inspection)
            );
            Outcome::Ok
        }
        Err(e) => failed(e),
    }
}
