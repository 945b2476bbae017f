//! End to end: `dunning check` with a templates folder, `plan --render`,
//! and `--explain` of the template codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

const POLICY: &str = "attribute email: text\n\
    rule first: when overdue >= 2d then email template \"relance\"\n\
    rule call: when overdue >= 10d then call template \"appel\"\n";

const INVOICES: &str = "invoice_id,customer_id,issue_date,due_date,amount,currency,email\n\
    INV-1,C-1,2025-01-15,2025-02-14,1234.50,EUR,a@example.com\n\
    INV-2,../../etc,2025-01-01,2025-01-20,99.00,EUR,\n";

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.dunning"), POLICY).unwrap();
    std::fs::write(dir.path().join("invoices.csv"), INVOICES).unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("relance.txt"),
        "{% set subject = 'Relance' %}{% for f in invoices %}{{ f.id }} {{ f.open_amount }}\n{% endfor %}",
    )
    .unwrap();
    std::fs::write(templates.join("appel.txt"), "Appeler {{ customer.id }}\n").unwrap();
    std::fs::write(
        templates.join("company.yaml"),
        "name: ACME\nemail: x@acme.example\n",
    )
    .unwrap();
    dir
}

fn dunning(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(dir)
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

#[test]
fn check_reads_the_templates_folder_beside_the_policy() {
    let dir = folder();
    let (code, out, _) = dunning(dir.path(), &["check", "policy.dunning"]);
    assert_eq!(code, 0, "{out}");
    std::fs::remove_file(dir.path().join("templates/appel.txt")).unwrap();
    let (code, out, _) = dunning(dir.path(), &["check", "policy.dunning", "--format", "json"]);
    assert_eq!(code, 1);
    assert!(out.contains("dunning::template::missing"), "{out}");
    std::fs::write(dir.path().join("templates/company.yaml"), "nom: ACME\n").unwrap();
    let (code, out, _) = dunning(dir.path(), &["check", "policy.dunning"]);
    assert_eq!(code, 1);
    assert!(out.contains("dunning::template::company"), "{out}");
}

#[test]
fn plan_render_writes_the_documents_and_the_same_bytes_twice() {
    let dir = folder();
    let args = [
        "plan",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-17",
        "--render",
    ];
    let read = |out: &str| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path().join(out))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let (code, _, err) = dunning(dir.path(), &[&args[..], &["out1"]].concat());
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = dunning(dir.path(), &[&args[..], &["out2"]].concat());
    assert_eq!(code, 0);
    let (one, two) = (read("out1"), read("out2"));
    assert_eq!(one, two);
    let names: Vec<&str> = one.iter().map(|(n, _)| n.as_str()).collect();
    // The customer `../../etc` is a file name, not a path.
    assert_eq!(
        names,
        [
            "001-______etc-appel.txt",
            "002-C-1-relance.eml",
            "agency.csv",
            "call-list.csv",
            "index.csv"
        ]
    );
    let eml = String::from_utf8(one[1].1.clone()).unwrap();
    assert!(
        eml.contains("Subject: Relance") && eml.contains("To: <a@example.com>"),
        "{eml}"
    );
}

#[test]
fn plan_render_without_templates_says_where_to_put_them() {
    let dir = folder();
    std::fs::remove_dir_all(dir.path().join("templates")).unwrap();
    let (code, _, err) = dunning(
        dir.path(),
        &[
            "plan",
            "policy.dunning",
            "--invoices",
            "invoices.csv",
            "--date",
            "2025-02-17",
            "--render",
            "out",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--templates DIR"), "{err}");
}

#[test]
fn explain_describes_the_template_codes() {
    let dir = folder();
    let (code, out, _) = dunning(
        dir.path(),
        &["check", "--explain", "template::unknown-variable"],
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with("dunning::template::unknown-variable: "),
        "{out}"
    );
    let (_, list, _) = dunning(dir.path(), &["check", "--explain"]);
    assert!(list.contains("dunning::template::render"));
}

/// Every file of a folder, by name.
fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn plan_render_writes_a_statement_of_account_on_request() {
    let dir = folder();
    std::fs::write(
        dir.path().join("templates/releve-de-compte.txt"),
        "Relevé {{ customer.id }} au {{ date }}\n{% for f in invoices %}{{ f.id }} {{ f.days_overdue }} j {{ f.open_amount }}\n{% endfor %}",
    )
    .unwrap();
    let args = [
        "plan",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-17",
        "--render",
        "out",
        "--statement",
        "C-1",
        "--letters",
        "txt",
    ];
    let (code, _, err) = dunning(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let statement = std::fs::read_to_string(dir.path().join("out/statement-C-1.txt")).unwrap();
    assert_eq!(
        statement,
        "Relevé C-1 au 17/02/2025\nINV-1 3 j 1\u{a0}234,50\u{a0}€\n"
    );
    assert!(!dir.path().join("out/statement-C-1.pdf").exists());
    // A customer the data does not have.
    let mut wrong = args.to_vec();
    wrong[9] = "C-9";
    let (code, _, err) = dunning(dir.path(), &wrong);
    assert_eq!(code, 2);
    assert!(err.contains("no invoice of the customer `C-9`"), "{err}");
}

/// The statement's ageing: each currency's open amount by days past due,
/// in the buckets the shipped `releve-de-compte` prints.
#[test]
fn a_statement_gives_each_currencys_ageing() {
    let dir = folder();
    std::fs::write(
        dir.path().join("invoices.csv"),
        "invoice_id,customer_id,issue_date,due_date,amount,currency,email\n\
         A,C-1,2025-01-01,2025-03-31,10.00,EUR,a@example.com\n\
         B,C-1,2025-01-01,2025-03-01,20.00,EUR,a@example.com\n\
         C,C-1,2024-12-01,2025-02-14,40.00,EUR,a@example.com\n\
         D,C-1,2024-10-01,2024-12-01,80.00,EUR,a@example.com\n\
         E,C-1,2025-01-01,2025-03-20,5.00,USD,a@example.com\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("templates/releve-de-compte.txt"),
        "{% for t in totals %}{{ t.currency }} {{ t.open_amount }} | {{ t.not_due }} | {{ t.days_1_30 }} | {{ t.days_31_60 }} | {{ t.days_61_90 }} | {{ t.over_90 }}\n{% endfor %}",
    )
    .unwrap();
    let args = [
        "plan",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-03-31",
        "--render",
        "out",
        "--statement",
        "C-1",
        "--letters",
        "txt",
    ];
    let (code, _, err) = dunning(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let statement = std::fs::read_to_string(dir.path().join("out/statement-C-1.txt")).unwrap();
    // On 31 March: A is due that day (not due), B 30 days late, C 45,
    // D 120; E (USD) 11 days late, in a line of its own.
    let nbsp = |s: &str| s.replace(' ', "\u{a0}");
    assert_eq!(
        statement,
        format!(
            "EUR {} | {} | {} | {} | {} | {}\nUSD {} | {} | {} | {} | {} | {}\n",
            nbsp("150,00 €"),
            nbsp("10,00 €"),
            nbsp("20,00 €"),
            nbsp("40,00 €"),
            nbsp("0,00 €"),
            nbsp("80,00 €"),
            nbsp("5,00 $"),
            nbsp("0,00 $"),
            nbsp("5,00 $"),
            nbsp("0,00 $"),
            nbsp("0,00 $"),
            nbsp("0,00 $"),
        )
    );
}

#[test]
fn run_render_writes_the_days_documents_and_the_same_bytes_twice() {
    let dir = folder();
    let args = |out: &str| {
        [
            "run",
            "policy.dunning",
            "--invoices",
            "invoices.csv",
            "--date",
            "2025-02-17",
            "--ledger",
            "ledger.db",
            "--catch-up",
            "--render",
            out,
        ]
        .map(String::from)
    };
    let a = args("out1");
    let (code, _, err) = dunning(
        dir.path(),
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("recorded run"), "{err}");
    let b = args("out2");
    let (code, _, err) = dunning(
        dir.path(),
        &b.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("already recorded"), "{err}");
    let (one, two) = (
        files_of(&dir.path().join("out1")),
        files_of(&dir.path().join("out2")),
    );
    assert_eq!(one, two);
    let names: Vec<&str> = one.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "001-______etc-appel.txt",
            "002-C-1-relance.eml",
            "agency.csv",
            "call-list.csv",
            "index.csv"
        ]
    );
}

#[test]
fn plan_render_warns_about_e_mails_without_a_recipient() {
    let dir = folder();
    // The policy without its `email` attribute: no e-mail has a `To:`.
    std::fs::write(
        dir.path().join("policy.dunning"),
        POLICY.replace("attribute email: text\n", ""),
    )
    .unwrap();
    let (code, _, err) = dunning(
        dir.path(),
        &[
            "plan",
            "policy.dunning",
            "--invoices",
            "invoices.csv",
            "--date",
            "2025-02-17",
            "--render",
            "out",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("dunning::template::no-recipient")
            && err.contains("1 e-mail of the day has no recipient: `C-1`"),
        "{err}"
    );
    let eml = std::fs::read_to_string(dir.path().join("out/002-C-1-relance.eml")).unwrap();
    assert!(!eml.contains("To:"), "{eml}");
    let index = std::fs::read_to_string(dir.path().join("out/index.csv")).unwrap();
    assert!(index.contains("002-C-1-relance.eml,"), "{index}");
    assert!(
        index.lines().nth(2).unwrap().ends_with(",no-recipient"),
        "{index}"
    );
}
