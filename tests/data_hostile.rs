//! Nothing a user exports can crash the loaders: random bytes, mutated
//! files, deep nesting and alias bombs give errors, never a panic or a hang.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use dunning::data::{self, Format};
use dunning::Policy;
use proptest::prelude::*;

fn policy() -> Policy {
    dunning::check(&dunning::parse(
        "attribute segment in [strategic, key, standard, small]\n\
         attribute risk: number\n\
         when segment = strategic and risk > 3 and overdue > 15d then call\n",
    ))
    .policy
    .unwrap()
}

const GOOD_CSV: &str =
    "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_date,disputed,segment,risk\n\
INV-1,C-1,2025-01-15,2025-02-14,100.00,EUR,,false,strategic,4\n\
INV-2,\"C, 2\",2025-01-16,2025-02-15,12.5,USD,2025-02-01,yes,small,-1.5\n";

const GOOD_JSON: &str = r#"[{"invoice_id": "INV-1", "customer_id": "C-1", "issue_date": "2025-01-15",
"due_date": "2025-02-14", "amount": 100.5, "currency": "EUR", "segment": "key", "risk": 2}]"#;

const GOOD_YAML: &str = "- invoice_id: INV-1\n  customer_id: C-1\n  issue_date: 2025-01-15\n  \
due_date: 2025-02-14\n  amount: 100.00\n  currency: EUR\n  segment: key\n  risk: 2\n";

/// Reads with every loader and format; only returning matters.
fn read_all(bytes: &[u8]) {
    let policy = policy();
    let invoices = data::read_invoices("i.csv", GOOD_CSV.as_bytes(), Format::Csv, &policy).unwrap();
    for format in [Format::Csv, Format::Json, Format::Yaml] {
        if let Err(e) = data::read_invoices("f", bytes, format, &policy) {
            assert!(e.total() > 0);
            let _ = e.to_string();
        }
        let _ = data::read_payments("f", bytes, format, &invoices);
        let _ = data::read_history("f", bytes, format, &invoices);
    }
}

fn mutate(base: &str, edits: &[(usize, u8)]) -> Vec<u8> {
    let mut bytes = base.as_bytes().to_vec();
    for &(at, b) in edits {
        let at = at % (bytes.len() + 1);
        match b % 4 {
            0 if at < bytes.len() => {
                bytes.remove(at);
            }
            1 if at < bytes.len() => bytes[at] = b,
            _ => bytes.insert(at, b),
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        read_all(&bytes);
    }

    #[test]
    fn mutated_files_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        which in 0..3usize,
    ) {
        let base = [GOOD_CSV, GOOD_JSON, GOOD_YAML][which];
        read_all(&mutate(base, &edits));
    }

    #[test]
    fn mutated_csv_cells_never_panic(cell in "[ -~\u{0}\u{a0}é€\"\r\n,;]{0,24}", column in 0..10usize) {
        let mut rows: Vec<Vec<String>> = GOOD_CSV
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        rows[1][column] = cell;
        let text = rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n");
        read_all(text.as_bytes());
    }
}

#[test]
fn the_good_files_are_good() {
    let policy = policy();
    for (text, format) in [
        (GOOD_CSV, Format::Csv),
        (GOOD_JSON, Format::Json),
        (GOOD_YAML, Format::Yaml),
    ] {
        data::read_invoices("f", text.as_bytes(), format, &policy).unwrap();
    }
}

#[test]
fn deep_nesting_is_an_error() {
    let policy = policy();
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let errors =
        data::read_invoices("i.json", deep_json.as_bytes(), Format::Json, &policy).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "error[dunning::data::not-a-table]: i.json: record 1: expected an object with one field per column, found a list\n  \
         help: write a list with one object per row, each field a column: [{\"invoice_id\": \"INV-1\", …}, …]"
    );
    let deep_field = format!(
        "[{{\"invoice_id\": {}1{}}}]",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(data::read_invoices("i.json", deep_field.as_bytes(), Format::Json, &policy).is_err());
    let deep_yaml = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(data::read_invoices("i.yaml", deep_yaml.as_bytes(), Format::Yaml, &policy).is_err());
    let deep_block: String = (0..5_000)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    assert!(data::read_invoices("i.yaml", deep_block.as_bytes(), Format::Yaml, &policy).is_err());
}

#[test]
fn empty_records_are_not_dropped() {
    let errors = data::read_invoices("i.json", b"[{}, {}]", Format::Json, &policy()).unwrap_err();
    assert_eq!(errors.errors()[0].code(), "dunning::data::missing-column");
    let errors = data::read_invoices("i.yaml", b"- {}\n", Format::Yaml, &policy()).unwrap_err();
    assert_eq!(errors.errors()[0].code(), "dunning::data::missing-column");
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let names: Vec<char> = ('b'..='k').collect();
    let mut previous = 'a';
    for name in names {
        bomb.push_str(&format!(
            "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
        ));
        previous = name;
    }
    let list = format!("- {}", bomb.replace('\n', "\n  "));
    let start = Instant::now();
    let result = data::read_invoices("i.yaml", list.as_bytes(), Format::Yaml, &policy());
    assert!(result.is_err());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn huge_numbers_in_json_and_yaml_are_errors() {
    let policy = policy();
    for amount in [
        "1e400",
        "-1e400",
        "123456789012345678901234567890",
        "1e-400",
        "0.30000000000000004",
    ] {
        let json = GOOD_JSON.replace("100.5", amount);
        let result = data::read_invoices("i.json", json.as_bytes(), Format::Json, &policy);
        assert!(result.is_err(), "{amount}");
        let yaml = GOOD_YAML.replace("100.00", amount);
        let result = data::read_invoices("i.yaml", yaml.as_bytes(), Format::Yaml, &policy);
        assert!(result.is_err(), "{amount}");
    }
}

/// Issue 11, item 4: the amounts of a file are bounded in total (10^24),
/// so that no sum of money (balances, totals per currency, interest) can
/// overflow or lose a digit: a million invoices of 10^18 load, one more is
/// refused at its row, naming the amount column.
#[test]
fn a_file_whose_amounts_total_past_ten_to_the_twenty_fourth_is_refused() {
    let policy = dunning::check(&dunning::parse("when overdue > 15d then call\n"))
        .policy
        .unwrap();
    let header = "invoice_id,customer_id,issue_date,due_date,amount,currency\n";
    let rows = |n: usize| {
        let mut csv = String::from(header);
        for i in 0..n {
            csv.push_str(&format!(
                "I{i},C,2025-01-15,2025-02-14,1000000000000000000,EUR\n"
            ));
        }
        csv
    };
    let at_bound = rows(1_000_000);
    let invoices = data::read_invoices("i.csv", at_bound.as_bytes(), Format::Csv, &policy);
    assert_eq!(invoices.map(|i| i.len()).ok(), Some(1_000_000));

    let past = rows(1_000_001);
    let err = data::read_invoices("i.csv", past.as_bytes(), Format::Csv, &policy).unwrap_err();
    assert_eq!(err.total(), 1);
    let e = &err.errors()[0];
    assert_eq!(e.code(), "dunning::data::amount-too-large");
    assert_eq!((e.line(), e.column()), (Some(1_000_002), Some("amount")));
    assert!(e.to_string().contains("more than 10^24"), "{e}");

    // Payments too: a million and one payments of 10^18 on one invoice.
    let one = data::read_invoices("i.csv", rows(1).as_bytes(), Format::Csv, &policy).unwrap();
    let mut payments = String::from("invoice_id,date,amount\n");
    for _ in 0..1_000_001 {
        payments.push_str("I0,2025-02-01,1000000000000000000\n");
    }
    let err = data::read_payments("p.csv", payments.as_bytes(), Format::Csv, &one).unwrap_err();
    assert_eq!(err.total(), 1);
    assert_eq!(err.errors()[0].line(), Some(1_000_002));
}

/// Issue 11, item 5: a JSON number is read from its text, as a CSV cell
/// is: `89.90` stays `89.90` (not the double 89.9), 16 digits stay exact.
#[test]
fn json_numbers_are_read_as_written() {
    let policy = policy();
    for (written, read) in [
        ("89.90", "89.90"),
        ("1234567890123.4567", "1234567890123.4567"),
    ] {
        let json = GOOD_JSON.replace("100.5", written);
        let invoices =
            data::read_invoices("i.json", json.as_bytes(), Format::Json, &policy).unwrap();
        assert_eq!(invoices[0].amount.to_string(), read);
    }
}
