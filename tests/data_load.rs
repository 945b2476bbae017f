//! Loading invoices, payments and history: the happy paths, and each
//! validation rule on its own (the rendered messages of bad files are in
//! `data_catalogue.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use dunning::data::{self, AttrValue, DataErrors, Format, Invoice, Place, Problem};
use dunning::policy::ActionKind;
use dunning::Policy;
use rust_decimal::Decimal;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(path)
}

fn policy_file(name: &str) -> Policy {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    dunning::check(&dunning::parse(&text)).policy.unwrap()
}

fn policy(text: &str) -> Policy {
    let checked = dunning::check(&dunning::parse(text));
    checked
        .policy
        .unwrap_or_else(|| panic!("{:?}", checked.diagnostics))
}

fn segment_policy() -> Policy {
    policy_file("segment.dunning")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

const HEADER: &str =
    "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_date,disputed,segment\n";

/// Reads invoice CSV rows (after the standard header) with the segment policy.
fn csv(rows: &str) -> Result<Vec<Invoice>, DataErrors> {
    let text = format!("{HEADER}{rows}");
    data::read_invoices(
        "invoices.csv",
        text.as_bytes(),
        Format::Csv,
        &segment_policy(),
    )
}

/// The codes of the errors, in order.
fn codes(errors: &DataErrors) -> Vec<&'static str> {
    errors
        .errors()
        .iter()
        .map(|e| e.code().trim_start_matches("dunning::data::"))
        .collect()
}

fn only_error(rows: &str) -> String {
    let errors = csv(rows).unwrap_err();
    assert_eq!(errors.total(), 1, "{errors}");
    errors.errors()[0].to_string()
}

fn attr<'a>(policy: &Policy, invoice: &'a Invoice, name: &str) -> &'a AttrValue {
    let i = policy
        .attributes
        .iter()
        .position(|a| a.name == name)
        .unwrap();
    &invoice.attributes[i]
}

// ───────────── happy paths ─────────────

#[test]
fn csv_json_and_yaml_give_the_same_invoices() {
    let policy = policy_file("policy.dunning");
    let load = |name: &str| data::load_invoices(&fixture(name), &policy).unwrap();
    let from_csv = load("ok/invoices.csv");
    let from_json = load("ok/invoices.json");
    let from_yaml = load("ok/invoices.yaml");
    assert_eq!(from_csv.len(), 4);
    // CSV invoices carry their line, JSON and YAML ones their record number.
    assert_eq!(
        from_csv.iter().map(|i| i.line).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    assert_eq!(
        from_json.iter().map(|i| i.line).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    let without_lines = |v: &[Invoice]| {
        v.iter()
            .map(|i| Invoice {
                line: 0,
                ..i.clone()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_lines(&from_csv), without_lines(&from_json));
    assert_eq!(without_lines(&from_csv), without_lines(&from_yaml));
}

#[test]
fn invoice_fields_are_typed() {
    let policy = policy_file("policy.dunning");
    let invoices = data::load_invoices(&fixture("ok/invoices.csv"), &policy).unwrap();
    let first = &invoices[0];
    assert_eq!(first.id, "INV-001");
    assert_eq!(first.customer_id, "C-001");
    assert_eq!(first.issue_date, date("2025-01-15"));
    assert_eq!(first.due_date, date("2025-02-14"));
    assert_eq!(first.amount, dec("1200.00"));
    assert_eq!(first.currency.as_str(), "EUR");
    assert_eq!(first.paid_date, None);
    assert!(!first.disputed);
    assert_eq!(invoices[1].paid_date, Some(date("2025-03-01")));
    // disputed: empty, true, yes
    assert_eq!(
        invoices.iter().map(|i| i.disputed).collect::<Vec<_>>(),
        [false, false, true, true]
    );
    assert_eq!(invoices[2].currency.as_str(), "USD");
    assert_eq!(invoices[3].amount, dec("0.01"));
}

#[test]
fn attributes_are_typed_as_the_policy_declares() {
    let policy = policy_file("policy.dunning");
    let invoices = data::load_invoices(&fixture("ok/invoices.csv"), &policy).unwrap();
    let a = |i: usize, name: &str| attr(&policy, &invoices[i], name).clone();
    assert_eq!(a(0, "segment"), AttrValue::Text("strategic".into()));
    assert_eq!(a(0, "risk_score"), AttrValue::Number(dec("3")));
    assert_eq!(a(1, "risk_score"), AttrValue::Number(dec("8.5")));
    assert_eq!(a(2, "risk_score"), AttrValue::Number(dec("-1")));
    assert_eq!(a(0, "credit_limit"), AttrValue::Money(dec("50000")));
    assert_eq!(a(1, "credit_limit"), AttrValue::Money(dec("1000.50")));
    assert_eq!(a(1, "reviewed_on"), AttrValue::Date(date("2025-04-01")));
    assert_eq!(a(0, "vip"), AttrValue::Bool(false));
    assert_eq!(a(3, "vip"), AttrValue::Bool(true));
    assert_eq!(a(0, "account_manager"), AttrValue::Text("Anne".into()));
    assert_eq!(
        a(2, "account_manager"),
        AttrValue::Text("Dupont, Jean".into())
    );
    // Empty cells are missing values, whatever the type.
    for name in [
        "segment",
        "risk_score",
        "credit_limit",
        "reviewed_on",
        "account_manager",
    ] {
        assert_eq!(a(3, name), AttrValue::Missing, "{name}");
    }
    // `country` is not used by the policy: not read, not stored.
    assert_eq!(invoices[0].attributes.len(), policy.attributes.len());
}

#[test]
fn an_attribute_used_but_not_declared_is_read_too() {
    let policy = policy("when country = FR and overdue > 5d then email\n");
    let text = "invoice_id,customer_id,issue_date,due_date,amount,currency,country\n\
                INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR,FR\n\
                INV-2,C-1,2025-01-15,2025-02-14,10.00,EUR,anything goes\n";
    let invoices = data::read_invoices("i.csv", text.as_bytes(), Format::Csv, &policy).unwrap();
    assert_eq!(
        invoices[1].attributes,
        [AttrValue::Text("anything goes".into())]
    );
    let missing = "invoice_id,customer_id,issue_date,due_date,amount,currency\n";
    let errors =
        data::read_invoices("i.csv", missing.as_bytes(), Format::Csv, &policy).unwrap_err();
    assert_eq!(
        errors.errors()[0].to_string(),
        "i.csv: missing column `country` (the policy uses the attribute `country`)"
    );
}

#[test]
fn a_policy_without_attributes_ignores_extra_columns() {
    let policy = policy("when overdue > 5d then email\n");
    let text = "note,invoice_id,customer_id,issue_date,due_date,amount,currency,segment\n\
                \"a, b\",INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR,whatever\n";
    let invoices = data::read_invoices("i.csv", text.as_bytes(), Format::Csv, &policy).unwrap();
    assert_eq!(invoices.len(), 1);
    assert!(invoices[0].attributes.is_empty());
}

#[test]
fn bom_crlf_spaces_and_blank_lines_are_read() {
    let text = "\u{feff}invoice_id , customer_id,issue_date,due_date,amount,currency,segment\r\n\
                \r\n\
                 INV-1 , C-1 ,2025-01-15,2025-02-14, 10.00 ,EUR, small \r\n\
                ,,,,,,\r\n\
                INV-2,C-1,2025-01-15,2025-02-14,10.00,EUR,\r\n";
    let invoices =
        data::read_invoices("i.csv", text.as_bytes(), Format::Csv, &segment_policy()).unwrap();
    assert_eq!(invoices.len(), 2);
    assert_eq!(invoices[0].id, "INV-1");
    assert_eq!(invoices[0].customer_id, "C-1");
    assert_eq!(invoices[0].attributes, [AttrValue::Text("small".into())]);
    assert_eq!(invoices[0].line, 3);
    assert_eq!(invoices[1].line, 5);
}

#[test]
fn crlf_line_numbers_are_right() {
    let text = "invoice_id,customer_id,issue_date,due_date,amount,currency,segment\r\n\
                INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR,small\r\n\
                \r\n\
                \r\n\
                INV-2,C-1,2025-01-15,2025-02-30,10.00,EUR,small\r\n";
    let errors =
        data::read_invoices("i.csv", text.as_bytes(), Format::Csv, &segment_policy()).unwrap_err();
    assert_eq!(errors.errors()[0].line(), Some(5));
}

#[test]
fn quoted_cells_may_hold_commas_quotes_and_line_breaks() {
    let text = "invoice_id,customer_id,issue_date,due_date,amount,currency,segment,address\n\
                \"INV-1\",\"Dupont \"\"et fils\"\"\",2025-01-15,2025-02-14,10.00,EUR,small,\"1 rue X,\n69000 Lyon\"\n\
                INV-2,C-1,2025-01-15,2025-02-14,10.00,EUR,small,\n";
    let invoices =
        data::read_invoices("i.csv", text.as_bytes(), Format::Csv, &segment_policy()).unwrap();
    assert_eq!(invoices[0].customer_id, "Dupont \"et fils\"");
    assert_eq!(invoices[1].line, 4);
}

#[test]
fn empty_tables_are_fine() {
    let p = segment_policy();
    let header_only = HEADER;
    assert_eq!(
        data::read_invoices("i.csv", header_only.as_bytes(), Format::Csv, &p).unwrap(),
        []
    );
    assert_eq!(
        data::load_invoices(&fixture("ok/empty_list.json"), &p).unwrap(),
        []
    );
    assert_eq!(
        data::read_invoices("i.yaml", b"[]\n", Format::Yaml, &p).unwrap(),
        []
    );
}

#[test]
fn json_numbers_are_read_as_written() {
    let p = segment_policy();
    let json = r#"[{"invoice_id": 1042, "customer_id": 7, "issue_date": "2025-01-15",
        "due_date": "2025-02-14", "amount": 0.1, "currency": "EUR", "disputed": 1,
        "segment": "small"}]"#;
    let invoices = data::read_invoices("i.json", json.as_bytes(), Format::Json, &p).unwrap();
    assert_eq!(invoices[0].id, "1042");
    assert_eq!(invoices[0].customer_id, "7");
    assert_eq!(invoices[0].amount, dec("0.1"));
    assert!(invoices[0].disputed);
}

#[test]
fn yaml_keeps_leading_zeros_and_plain_words() {
    let p = segment_policy();
    let yaml = "- invoice_id: 000123\n  customer_id: 0042\n  issue_date: 2025-01-15\n  \
                due_date: 2025-02-14\n  amount: 12.50\n  currency: EUR\n  disputed: no\n  \
                segment: small\n";
    let invoices = data::read_invoices("i.yaml", yaml.as_bytes(), Format::Yaml, &p).unwrap();
    assert_eq!(invoices[0].id, "000123");
    assert_eq!(invoices[0].customer_id, "0042");
    assert_eq!(invoices[0].amount, dec("12.5"));
    assert!(!invoices[0].disputed);
}

#[test]
fn payments_are_read_and_checked_against_the_invoices() {
    let invoices =
        data::load_invoices(&fixture("ok/invoices.csv"), &policy_file("policy.dunning")).unwrap();
    let payments = data::load_payments(&fixture("ok/payments.csv"), &invoices).unwrap();
    assert_eq!(payments.len(), 3);
    assert_eq!(payments[0].invoice_id, "INV-001");
    assert_eq!(payments[0].date, date("2025-02-20"));
    assert_eq!(payments[0].amount, dec("200.00"));
    assert_eq!(payments[2].line, 4);
}

#[test]
fn history_is_read_and_repeated_headers_are_skipped() {
    let invoices =
        data::load_invoices(&fixture("ok/invoices.csv"), &policy_file("policy.dunning")).unwrap();
    let history = data::load_history(&fixture("ok/history.csv"), &invoices).unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].date, date("2025-02-16"));
    assert_eq!(history[0].customer_id, "C-001");
    assert_eq!(history[0].invoice_id, "INV-001");
    assert_eq!(history[0].rule, "first_reminder");
    assert_eq!(history[0].action, ActionKind::Email);
    assert_eq!(history[0].template.as_deref(), Some("relance-1"));
    assert_eq!(history[1].action, ActionKind::Call);
    assert_eq!(history[1].template, None);
    // Line 4 repeats the header (yesterday's plan appended as it is).
    assert_eq!(history[2].line, 5);
}

// ───────────── each rule ─────────────

#[test]
fn dates_are_strict() {
    assert_eq!(
        only_error("INV-1,C-1,2025-01-15,2025-02-30,10.00,EUR,,,small\n"),
        "invoices.csv:2: column `due_date`: `2025-02-30` is not a date: February 2025 has 28 days (expected YYYY-MM-DD)"
    );
    assert_eq!(
        only_error("INV-1,C-1,2025-13-01,2025-02-14,10.00,EUR,,,small\n"),
        "invoices.csv:2: column `issue_date`: `2025-13-01` is not a date: there is no month 13 (expected YYYY-MM-DD)"
    );
    for bad in [
        "2025-1-15",
        "15/01/2025",
        "2025-01-15T00:00:00",
        "20250115",
        "today",
    ] {
        let row = format!("INV-1,C-1,{bad},2025-02-14,10.00,EUR,,,small\n");
        let errors = csv(&row).unwrap_err();
        assert_eq!(codes(&errors), ["bad-date"], "{bad}");
    }
    // 2024 is a leap year.
    assert!(csv("INV-1,C-1,2024-02-29,2024-02-29,10.00,EUR,,,small\n").is_ok());
}

#[test]
fn the_due_date_is_not_before_the_issue_date() {
    assert_eq!(
        only_error("INV-1,C-1,2025-02-14,2025-02-13,10.00,EUR,,,small\n"),
        "invoices.csv:2: column `due_date`: the due date 2025-02-13 is before the issue date 2025-02-14"
    );
    assert!(csv("INV-1,C-1,2025-02-14,2025-02-14,10.00,EUR,,,small\n").is_ok());
}

#[test]
fn the_paid_date_is_not_before_the_issue_date() {
    assert_eq!(
        only_error("INV-1,C-1,2025-02-14,2025-03-14,10.00,EUR,2025-02-13,,small\n"),
        "invoices.csv:2: column `paid_date`: the paid date 2025-02-13 is before the invoice's issue date 2025-02-14"
    );
    assert!(csv("INV-1,C-1,2025-02-14,2025-03-14,10.00,EUR,2025-02-14,,small\n").is_ok());
}

#[test]
fn amounts_are_positive_plain_decimals() {
    for (bad, code) in [
        ("\"12,50\"", "bad-amount"),
        ("-12.50", "amount-not-positive"),
        ("0", "amount-not-positive"),
        ("NaN", "bad-amount"),
        ("1e3", "bad-amount"),
        ("12.50 EUR", "bad-amount"),
        ("+12", "bad-amount"),
        ("1000000000000000001", "amount-too-large"),
        ("0.0000000001", "bad-amount"),
    ] {
        let row = format!("INV-1,C-1,2025-01-15,2025-02-14,{bad},EUR,,,small\n");
        let errors = csv(&row).unwrap_err();
        assert_eq!(codes(&errors), [code], "{bad}");
    }
    let ok = csv("INV-1,C-1,2025-01-15,2025-02-14,1000000000000000000,EUR,,,small\n").unwrap();
    assert_eq!(ok[0].amount, dunning::money::MAX_AMOUNT);
}

#[test]
fn currencies_are_iso_4217_codes() {
    for bad in ["EURO", "eur", "€", "XYZ", "E"] {
        let row = format!("INV-1,C-1,2025-01-15,2025-02-14,10.00,{bad},,,small\n");
        assert_eq!(codes(&csv(&row).unwrap_err()), ["bad-currency"], "{bad}");
    }
    let ok = csv("INV-1,C-1,2025-01-15,2025-02-14,10.00,JPY,,,small\n\
                  INV-2,C-1,2025-01-15,2025-02-14,10.00,GBP,,,small\n")
    .unwrap();
    assert_eq!(ok[1].currency.as_str(), "GBP");
}

#[test]
fn disputed_accepts_true_false_yes_no_1_0() {
    let rows: String = ["true", "FALSE", "Yes", "no", "1", "0", ""]
        .iter()
        .enumerate()
        .map(|(i, v)| format!("INV-{i},C-1,2025-01-15,2025-02-14,10.00,EUR,,{v},small\n"))
        .collect();
    let invoices = csv(&rows).unwrap();
    assert_eq!(
        invoices.iter().map(|i| i.disputed).collect::<Vec<_>>(),
        [true, false, true, false, true, false, false]
    );
    assert_eq!(
        only_error("INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR,,maybe,small\n"),
        "invoices.csv:2: column `disputed`: `maybe` is not true or false"
    );
}

#[test]
fn declared_values_are_enforced() {
    assert_eq!(
        only_error("INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR,,,Strategic\n"),
        "invoices.csv:2: column `segment`: `Strategic` is not a declared value of `segment` (expected `strategic`, `key`, `standard` or `small`)"
    );
    let errors = csv("INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR,,,Strategic\n").unwrap_err();
    let help = miette::Diagnostic::help(&errors.errors()[0])
        .unwrap()
        .to_string();
    assert!(help.starts_with("did you mean `strategic`?"), "{help}");
}

#[test]
fn attribute_types_are_enforced() {
    let policy = policy_file("policy.dunning");
    let errors = data::load_invoices(&fixture("err/attributes/bad_attribute_values.csv"), &policy)
        .unwrap_err();
    assert_eq!(
        codes(&errors),
        [
            "bad-number",
            "bad-amount",
            "bad-date",
            "bad-bool",
            "bad-number",
            "bad-amount",
            "bad-date",
            "bad-bool"
        ]
    );
}

#[test]
fn required_values_and_columns() {
    let errors = csv(",C-1,2025-01-15,2025-02-14,10.00,EUR,,,small\n").unwrap_err();
    assert_eq!(
        errors.errors()[0].to_string(),
        "invoices.csv:2: column `invoice_id`: the value is missing (this column is required)"
    );
    for column in data::REQUIRED_COLUMNS {
        let header: Vec<&str> = data::REQUIRED_COLUMNS
            .iter()
            .copied()
            .filter(|c| *c != column)
            .chain(["segment"])
            .collect();
        let text = format!("{}\n", header.join(","));
        let errors = data::read_invoices("i.csv", text.as_bytes(), Format::Csv, &segment_policy())
            .unwrap_err();
        assert_eq!(
            errors.errors()[0].to_string(),
            format!("i.csv: missing column `{column}` (every invoice needs one)")
        );
        assert_eq!(errors.errors()[0].at.place, Place::File);
    }
}

#[test]
fn a_duplicate_id_names_both_lines() {
    let errors = csv("INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR,,,small\n\
                      INV-2,C-1,2025-01-15,2025-02-14,10.00,EUR,,,small\n\
                      INV-1,C-2,2025-01-15,2025-02-14,10.00,EUR,,,small\n")
    .unwrap_err();
    assert_eq!(
        errors.errors()[0].to_string(),
        "invoices.csv:4: column `invoice_id`: invoice `INV-1` is repeated: first on line 2, again on line 4"
    );
    assert!(matches!(
        errors.errors()[0].problem,
        Problem::DuplicateId {
            first: Place::Line(2),
            second: Place::Line(4),
            ..
        }
    ));
}

#[test]
fn a_duplicate_id_is_found_in_a_sorted_file() {
    // Sorted files take a fast path; adjacent equal ids must leave it.
    let errors = csv("INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR,,,small\n\
                      INV-2,C-1,2025-01-15,2025-02-14,10.00,EUR,,,small\n\
                      INV-2,C-1,2025-01-15,2025-02-14,10.00,EUR,,,small\n\
                      INV-3,C-1,2025-01-15,2025-02-14,10.00,EUR,,,small\n")
    .unwrap_err();
    assert_eq!(codes(&errors), ["duplicate-id"]);
    assert_eq!(errors.errors()[0].line(), Some(4));
}

#[test]
fn a_duplicate_id_is_found_even_in_a_bad_row() {
    let errors = csv("INV-1,C-1,2025-01-15,2025-02-30,10.00,EUR,,,small\n\
                      INV-1,C-2,2025-01-15,2025-02-14,10.00,EUR,,,small\n")
    .unwrap_err();
    assert_eq!(codes(&errors), ["bad-date", "duplicate-id"]);
    assert_eq!(errors.errors()[1].line(), Some(3));
}

#[test]
fn json_duplicate_ids_name_records() {
    let json = r#"[
      {"invoice_id": "A", "customer_id": "C", "issue_date": "2025-01-15", "due_date": "2025-02-14", "amount": 1, "currency": "EUR", "segment": "small"},
      {"invoice_id": "A", "customer_id": "C", "issue_date": "2025-01-15", "due_date": "2025-02-14", "amount": 1, "currency": "EUR", "segment": "small"}
    ]"#;
    let errors = data::read_invoices("i.json", json.as_bytes(), Format::Json, &segment_policy())
        .unwrap_err();
    assert_eq!(
        errors.errors()[0].to_string(),
        "i.json: record 2: field `invoice_id`: invoice `A` is repeated: first on record 1, again on record 2"
    );
}

#[test]
fn every_bad_row_is_reported_and_the_display_is_capped() {
    let rows: String = (1..=120)
        .map(|i| format!("INV-{i},C-1,2025-01-15,2025-02-14,-{i},EUR,,,small\n"))
        .collect();
    let errors = csv(&rows).unwrap_err();
    assert_eq!(errors.total(), 120);
    assert_eq!(errors.errors().len(), 120);
    let shown = errors.to_string();
    assert_eq!(shown.matches("error[").count(), data::SHOWN);
    assert!(shown.ends_with("and 70 more errors"), "{shown}");
    assert_eq!(errors.exit_code(), 1);
    // Errors are in file order.
    let lines: Vec<_> = errors.errors().iter().map(|e| e.line().unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn errors_beyond_the_kept_ones_are_still_counted() {
    let rows: String = (1..=data::KEPT + 5)
        .map(|i| format!("INV-{i},C-1,2025-01-15,2025-02-14,0,EUR,,,small\n"))
        .collect();
    let errors = csv(&rows).unwrap_err();
    assert_eq!(errors.total(), data::KEPT + 5);
    assert_eq!(errors.errors().len(), data::KEPT);
    assert!(errors
        .to_string()
        .ends_with(&format!("and {} more errors", data::KEPT + 5 - data::SHOWN)));
}

// ───────────── payments and history ─────────────

fn sample_invoices() -> Vec<Invoice> {
    csv("INV-1,C-1,2025-01-15,2025-02-14,100.00,EUR,,,small\n\
         INV-2,C-2,2025-01-20,2025-02-19,50.00,EUR,,,small\n")
    .unwrap()
}

#[test]
fn payments_rules() {
    let invoices = sample_invoices();
    let read = |rows: &str| {
        let text = format!("invoice_id,date,amount\n{rows}");
        data::read_payments("payments.csv", text.as_bytes(), Format::Csv, &invoices)
    };
    assert_eq!(
        read("INV-1,2025-02-01,30\nINV-1,2025-02-15,70\n")
            .unwrap()
            .len(),
        2
    );
    let cases = [
        ("INV-9,2025-02-01,30\n", "unknown-invoice"),
        ("INV-1,2025-02-30,30\n", "bad-date"),
        ("INV-1,2025-01-14,30\n", "paid-before-issue"),
        ("INV-1,2025-02-01,-30\n", "amount-not-positive"),
        ("INV-1,2025-02-01,0\n", "amount-not-positive"),
        ("INV-1,2025-02-01,\"30,5\"\n", "bad-amount"),
        ("INV-1,2025-02-01\n", "bad-row-length"),
    ];
    for (row, code) in cases {
        assert_eq!(codes(&read(row).unwrap_err()), [code], "{row}");
    }
    assert_eq!(
        read("INV-9,2025-02-01,30\n").unwrap_err().errors()[0].to_string(),
        "payments.csv:2: column `invoice_id`: there is no invoice `INV-9` in the invoices"
    );
}

#[test]
fn history_rules() {
    let invoices = sample_invoices();
    let read = |rows: &str| {
        let text = format!("date,customer_id,invoice_id,rule,action,template,reason\n{rows}");
        data::read_history("history.csv", text.as_bytes(), Format::Csv, &invoices)
    };
    let ok = read("2025-02-16,C-1,INV-1,first,email,relance-1,\"overdue, 2 days\"\n").unwrap();
    assert_eq!(ok[0].template.as_deref(), Some("relance-1"));
    let cases = [
        ("2025-02-16,C-1,INV-9,first,email,,\n", "unknown-invoice"),
        ("2025-02-16,C-2,INV-1,first,email,,\n", "customer-mismatch"),
        ("2025-02-16,C-1,INV-1,first,mail,,\n", "unknown-action"),
        ("2025-02-30,C-1,INV-1,first,email,,\n", "bad-date"),
        ("2025-02-16,C-1,INV-1,,email,,\n", "missing-value"),
    ];
    for (row, code) in cases {
        assert_eq!(codes(&read(row).unwrap_err()), [code], "{row}");
    }
    assert_eq!(
        read("2025-02-16,C-2,INV-1,first,email,,\n")
            .unwrap_err()
            .errors()[0]
            .to_string(),
        "history.csv:2: column `customer_id`: invoice `INV-1` belongs to customer `C-1`, not `C-2`"
    );
    // Every action the plan writes is read back.
    for action in ActionKind::ALL {
        let row = format!("2025-02-16,C-1,INV-1,first,{action},,\n");
        assert_eq!(read(&row).unwrap()[0].action, action);
    }
}

// ───────────── files and formats ─────────────

#[test]
fn unreadable_files_are_usage_errors() {
    let p = segment_policy();
    let missing = data::load_invoices(Path::new("/nonexistent/invoices.csv"), &p).unwrap_err();
    assert_eq!(codes(&missing), ["io"]);
    assert_eq!(missing.exit_code(), 2);
    assert!(missing
        .to_string()
        .contains("/nonexistent/invoices.csv: cannot read the file"));
    let txt = data::load_invoices(Path::new("invoices.txt"), &p).unwrap_err();
    assert_eq!(codes(&txt), ["unknown-format"]);
    assert_eq!(txt.exit_code(), 2);
    let dir = tempfile::Builder::new().suffix(".csv").tempdir().unwrap();
    let errors = data::load_invoices(dir.path(), &p).unwrap_err();
    assert_eq!(codes(&errors), ["io"]);
}

#[test]
fn a_five_megabyte_line_gives_a_short_message() {
    let long = "x".repeat(5 << 20);
    let errors = csv(&format!("INV-1,C-1,2025-01-15,{long},10.00,EUR,,,small\n")).unwrap_err();
    let message = errors.to_string();
    assert!(message.len() < 300, "{} bytes", message.len());
    assert!(message.contains("(5242880 characters)"));
    // A 5 MB id is text like any other; a 5 MB header is one unknown column.
    let header = format!("{}\n", "y".repeat(5 << 20));
    let errors = data::read_invoices("i.csv", header.as_bytes(), Format::Csv, &segment_policy())
        .unwrap_err();
    assert!(errors.to_string().len() < 10_000);
}

#[test]
fn data_errors_render_through_miette() {
    let errors = csv("INV-1,C-1,2025-01-15,2025-02-30,10.00,EUR,,,small\n").unwrap_err();
    let error = &errors.errors()[0];
    let code = miette::Diagnostic::code(error).unwrap().to_string();
    assert_eq!(code, "dunning::data::bad-date");
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, &errors)
        .unwrap();
    assert!(out.contains("February 2025 has 28 days"), "{out}");
}
