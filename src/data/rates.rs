//! The rate files a user points at (`--ecb-rates`, `--legal-rates`) instead
//! of the ones compiled in: read whole, every bad line reported with its
//! place, like any other data file.

use std::path::Path;

use super::{At, DataError, DataErrors, Place, Problem};
use crate::penalty::{RateFile, Rates};

/// The shipped rate tables, with each file given replacing its table.
pub fn load_rates(ecb: Option<&Path>, legal: Option<&Path>) -> Result<Rates, DataErrors> {
    let mut rates = Rates::builtin().clone();
    for (kind, path) in [(RateFile::Ecb, ecb), (RateFile::Legal, legal)] {
        if let Some(path) = path {
            let name = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| {
                DataErrors::file(
                    &name,
                    Problem::Io {
                        message: e.to_string(),
                    },
                )
            })?;
            rates = read_rates(&name, &bytes, kind, rates)?;
        }
    }
    Ok(rates)
}

/// `rates` with the table of `kind` read from `bytes` (the file `name`).
pub fn read_rates(
    name: &str,
    bytes: &[u8],
    kind: RateFile,
    rates: Rates,
) -> Result<Rates, DataErrors> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let byte = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
        DataErrors::file(
            name,
            Problem::NotUtf8 {
                byte: format!("0x{byte:02X}"),
                help: "save the file as UTF-8 (plain ASCII is UTF-8)".into(),
            },
        )
    })?;
    let read = match kind {
        RateFile::Ecb => rates.with_ecb(text),
        RateFile::Legal => rates.with_legal(text),
    };
    read.map_err(|lines| {
        let total = lines.len();
        let errors = lines
            .into_iter()
            .map(|e| DataError {
                at: At {
                    file: name.into(),
                    place: if e.line == 0 {
                        Place::File
                    } else {
                        Place::Line(e.line)
                    },
                    column: None,
                },
                problem: Problem::BadRates {
                    message: e.message,
                    header: kind.header(),
                },
            })
            .collect();
        DataErrors::new(errors, total)
    })
}
