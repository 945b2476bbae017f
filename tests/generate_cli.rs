//! `dunning generate` writes what the library generates, and fails cleanly.

// Test code: a failed unwrap is a failed test (clippy allows it only inside
// `#[test]` functions, not in their helpers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use dunning::generate::{generate, write_invoices_csv, write_payments_csv, GenParams};

fn dunning() -> Command {
    Command::cargo_bin("dunning").unwrap()
}

#[test]
fn writes_the_library_s_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (inv, pay) = (tmp.path().join("i.csv"), tmp.path().join("p.csv"));
    let out = dunning()
        .args(["generate", "--invoices", "700", "--customers", "40"])
        .args(["--year", "2024", "--seed", "9", "--out"])
        .arg(&inv)
        .arg("--payments-out")
        .arg(&pay)
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("wrote 700 invoices"), "{stderr}");
    assert!(stderr.contains("average days late"), "{stderr}");

    let data = generate(&GenParams {
        invoices: 700,
        customers: Some(40),
        year: 2024,
        seed: 9,
    })
    .unwrap();
    let (mut want_inv, mut want_pay) = (Vec::new(), Vec::new());
    write_invoices_csv(&data, &mut want_inv).unwrap();
    write_payments_csv(&data, &mut want_pay).unwrap();
    assert!(std::fs::read(&inv).unwrap() == want_inv);
    assert!(std::fs::read(&pay).unwrap() == want_pay);
}

#[test]
fn dash_writes_to_standard_output() {
    let out = dunning()
        .args(["generate", "--invoices", "5", "--out", "-"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.starts_with("invoice_id,customer_id,"));
    assert_eq!(stdout.lines().count(), 6);
}

#[test]
fn usage_and_io_errors_exit_with_2() {
    let stderr = |a: assert_cmd::assert::Assert| {
        String::from_utf8(a.code(2).get_output().stderr.clone()).unwrap()
    };
    let year = dunning()
        .args(["generate", "--invoices", "5", "--year", "0", "--out", "-"])
        .assert();
    assert!(stderr(year).contains("the year must be between"));
    dunning()
        .args([
            "generate",
            "--invoices",
            "5",
            "--customers",
            "0",
            "--out",
            "-",
        ])
        .assert()
        .code(2);
    dunning().args(["generate", "--out", "-"]).assert().code(2);
    let tmp = tempfile::tempdir().unwrap();
    let io = dunning()
        .args(["generate", "--invoices", "5", "--out"])
        .arg(tmp.path().join("no/such/dir/x.csv"))
        .assert();
    assert!(stderr(io).contains("cannot write"));
}
