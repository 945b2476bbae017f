//! One action per customer, action and template whatever the currencies of
//! its invoices, with totals per currency (SPEC 4.9), and the indemnity's
//! currency in the history CSV. Fixtures in `tests/fixtures/currencies/`:
//! C1 owes 300 and 200 EUR and 150 USD, C2 80 GBP, all due 2025-01-31; the
//! policy e-mails at 5 days overdue, with 10% interest and a 40 EUR
//! indemnity.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/currencies"))
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

fn plan(format: &str, history: Option<&str>) -> String {
    let mut args = vec![
        "plan",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-10",
        "--format",
        format,
    ];
    if let Some(h) = history {
        args.extend(["--history", h]);
    }
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn a_customer_gets_one_action_listing_its_invoices_of_every_currency() {
    let json: serde_json::Value = serde_json::from_str(&plan("json", None)).unwrap();
    let actions = json["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2);
    let c1 = &actions[0];
    assert_eq!(c1["customer_id"], "C1");
    assert_eq!(c1["invoice_ids"], serde_json::json!(["E1", "E2", "U1"]));
    // 10 days at 10%: 300 x 0.1 x 10 / 365 = 0.82, 200: 0.55, 150: 0.41.
    assert_eq!(
        c1["totals"],
        serde_json::json!([
            {"currency": "EUR", "open_amount": "500.00", "interest": "1.37"},
            {"currency": "USD", "open_amount": "150.00", "interest": "0.41"},
        ])
    );
    // The first total is the action's `open_amount`; the indemnities (three
    // of 40 EUR) are in euros, whatever the invoices' currency.
    assert_eq!(c1["open_amount"], "500.00");
    assert_eq!(c1["currency"], "EUR");
    assert_eq!(c1["indemnity"], "120");
    assert_eq!(c1["indemnity_currency"], "EUR");
    assert_eq!(c1["invoices"][2]["currency"], "USD");
    let table = plan("table", None);
    assert!(table.contains("500.00 EUR + 150.00 USD"), "{table}");
    assert!(table.contains("1.37 EUR + 0.41 USD"), "{table}");
}

#[test]
fn the_history_csv_names_the_indemnity_currency_and_reads_back() {
    let csv = plan("csv", None);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].ends_with(",indemnity,reason,indemnity_currency"),
        "{csv}"
    );
    // The USD and GBP invoices' own currency, and the indemnity's: EUR.
    assert_eq!(
        lines[3],
        "2025-02-10,C1,U1,reminder,email,relance,150.00,USD,10,0.41,40,overdue 10 days >= 5 days,EUR"
    );
    assert_eq!(
        lines[4],
        "2025-02-10,C2,G1,reminder,email,relance,80.00,GBP,10,0.22,40,overdue 10 days >= 5 days,EUR"
    );
    let dir = tempfile::tempdir().unwrap();
    // Today's plan as the history: nothing is sent twice.
    let history = dir.path().join("history.csv");
    std::fs::write(&history, &csv).unwrap();
    let again = plan("csv", Some(history.to_str().unwrap()));
    assert_eq!(again.lines().count(), 1, "{again}");
    // A history written before the column existed (twelve columns) reads
    // the same.
    let old: String = csv
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            cells[..12].join(",") + "\n"
        })
        .collect();
    assert!(old.starts_with(
        "date,customer_id,invoice_id,rule,action,template,open_amount,currency,days_overdue,interest,indemnity,reason\n"
    ));
    std::fs::write(&history, &old).unwrap();
    let again = plan("csv", Some(history.to_str().unwrap()));
    assert_eq!(again.lines().count(), 1, "{again}");
}
