//! The catalogue of bad data files: every file under
//! `tests/fixtures/data/err/` is read and the rendered errors are
//! snapshotted, with the exit code the CLI would give. Every error code met
//! must be documented for `--explain`.
//!
//! - `err/invoices/`: invoice files, read with `segment.dunning`;
//! - `err/attributes/`: invoice files, read with `policy.dunning` (one attribute of each type);
//! - `err/payments/`, `err/history/`, `err/events/`: checked against `ok/invoices.csv`.
//! - `err/payments/`, `err/history/`: checked against `ok/invoices.csv`;
//! - `err/rates/`: rate files (`legal…` the legal rate, others the ECB rate).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use dunning::data::{self, DataErrors, Format};
use dunning::penalty::{RateFile, Rates};
use dunning::Policy;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/data"))
}

fn policy(name: &str) -> Policy {
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    dunning::check(&dunning::parse(&text)).policy.unwrap()
}

fn read(path: &Path) -> Result<usize, DataErrors> {
    let kind = path
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let bytes = std::fs::read(path).unwrap();
    let format = Format::from_path(path).unwrap();
    let full = policy("policy.dunning");
    let invoices =
        data::load_invoices(&fixtures().join("ok/invoices.csv"), &full).expect("ok/invoices.csv");
    match kind {
        "invoices" => {
            data::read_invoices(name, &bytes, format, &policy("segment.dunning")).map(|v| v.len())
        }
        "attributes" => data::read_invoices(name, &bytes, format, &full).map(|v| v.len()),
        "payments" => data::read_payments(name, &bytes, format, &invoices).map(|v| v.len()),
        "history" => data::read_history(name, &bytes, format, &invoices).map(|v| v.len()),
        "rates" => {
            let kind = if name.starts_with("legal") {
                RateFile::Legal
            } else {
                RateFile::Ecb
            };
            data::read_rates(name, &bytes, kind, Rates::default()).map(|_| 1)
        }
        "events" => data::read_events(name, &bytes, format, &invoices).map(|v| v.len()),
        other => panic!("unknown fixture folder {other}"),
    }
}

#[test]
fn catalogue() {
    insta::glob!("fixtures/data/err/*/*.*", |path| {
        let errors = match read(path) {
            Ok(n) => panic!("{} was read without error ({n} rows)", path.display()),
            Err(e) => e,
        };
        for error in errors.errors() {
            assert!(
                dunning::codes::find(error.code()).is_some(),
                "{} is not documented in data::codes",
                error.code()
            );
        }
        let text = format!(
            "{}\nexit code: {}\n",
            errors.render(data::SHOWN),
            errors.exit_code()
        );
        insta::assert_snapshot!(text);
    });
}

#[test]
fn the_catalogue_is_large_enough() {
    let count: usize = ["invoices", "attributes", "payments", "history", "events"]
        .iter()
        .map(|k| {
            std::fs::read_dir(fixtures().join("err").join(k))
                .unwrap()
                .count()
        })
        .sum();
    assert!(count >= 40, "{count} fixtures");
}
