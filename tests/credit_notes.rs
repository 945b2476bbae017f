//! Credit notes net their customer's balance: the `customer_` amounts are
//! net of them, and a customer whose credit notes cover what it owes in a
//! currency is not dunned in it (`pause_credit_balance`, on by default).
//! Fixtures in `tests/fixtures/credit/`: C1 owes 300 + 200 EUR and has a
//! credit note of 500 EUR from 2025-02-01, refunded on 2025-02-20; C2 owes
//! 300 EUR and has a credit note of 100 EUR; C3 owes 150 USD and has a
//! credit note of 150 EUR (another currency: it nets nothing in USD).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/credit"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `date,customer_id,invoice_id,rule,action` of each row of a plan's CSV.
fn rows(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').take(5).collect::<Vec<_>>().join(","))
        .collect()
}

fn plan(policy: &str) -> Vec<String> {
    let (code, stdout, stderr) = run(&[
        "plan",
        policy,
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-10",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // The credit notes are read, counted in a warning, never dunned.
    assert!(stderr.contains("3 credit notes"), "{stderr}");
    rows(&stdout)
}

#[test]
fn a_credit_note_netting_the_balance_to_zero_pauses_the_customer() {
    // C1: 300 + 200 - 500 = 0 EUR: nothing. C2: its overdue balance is
    // 300 - 100 = 200 EUR, so `customer_overdue_amount >= 200 EUR` holds
    // (the statement, not the reminder). C3: the EUR note leaves its USD
    // invoice owed in full; 150 USD is not compared with 200 EUR.
    assert_eq!(
        plan("policy.dunning"),
        [
            "2025-02-10,C2,I3,statement,letter",
            "2025-02-10,C3,I4,reminder,email",
        ]
    );
}

#[test]
fn pause_credit_balance_no_chases_a_customer_its_credit_notes_cover() {
    // C1 is chased, but its overdue balance net of the note is 0 EUR:
    // the reminder, not the statement.
    assert_eq!(
        plan("no_pause.dunning"),
        [
            "2025-02-10,C1,I1,reminder,email",
            "2025-02-10,C2,I3,statement,letter",
            "2025-02-10,C3,I4,reminder,email",
        ]
    );
}

#[test]
fn explain_names_the_credit_balance_pause_and_the_net_amount() {
    let (code, stdout, stderr) = run(&[
        "explain",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-10",
        "--invoice",
        "I1",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("outcome: nothing: paused by `credit_balance`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("customer_overdue_amount = 0 EUR >= 200 EUR: no"),
        "{stdout}"
    );
}

#[test]
fn the_customer_is_chased_again_from_the_day_its_credit_note_is_refunded() {
    let (code, stdout, stderr) = run(&[
        "simulate",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--from",
        "2025-02-01",
        "--to",
        "2025-02-28",
        "--actions-out",
        "-",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // C1 is paused from 2025-02-01 (the note) to 2025-02-19; on 2025-02-20
    // the note no longer counts: 500 EUR overdue, both invoices past the
    // statement's threshold, one letter listing both.
    assert_eq!(
        rows(&stdout),
        [
            "2025-02-05,C2,I3,reminder,email",
            "2025-02-05,C3,I4,reminder,email",
            "2025-02-10,C2,I3,statement,letter",
            "2025-02-20,C1,I1,statement,letter",
            "2025-02-20,C1,I2,statement,letter",
        ]
    );
}
