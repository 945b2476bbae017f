//! What the generated files promise, read back from the CSV as a user
//! would: the format, the consistency between invoices and payments, and
//! the statistical shape (French payment behaviour).
//!
//! The statistical bounds are wide on purpose: over 20,000 invoices the
//! model gives about 49 % paid on time, 12 days late on average, 3.2 %
//! disputed and 3 % never paid (see data/README.md), and the bounds below
//! leave room for the spread between seeds while still catching a broken
//! model.

// Test code: a failed unwrap is a failed test (clippy allows it only inside
// `#[test]` functions, not in their helpers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use dunning::generate::{
    generate, write_events_csv, write_invoices_csv, write_payments_csv, GenParams, INVOICE_COLUMNS,
};
use rust_decimal::Decimal;

struct Row {
    id: String,
    customer: String,
    issue: NaiveDate,
    due: NaiveDate,
    amount: Decimal,
    currency: String,
    paid: Option<NaiveDate>,
    disputed: bool,
    segment: String,
    country: String,
    account_manager: String,
    promised_until: Option<NaiveDate>,
    payment_plan: bool,
}

struct PaymentRow {
    invoice: String,
    date: NaiveDate,
    amount: Decimal,
}

fn date(text: &str) -> NaiveDate {
    assert_eq!(text.len(), 10, "{text:?} is YYYY-MM-DD");
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn optional_date(text: &str) -> Option<NaiveDate> {
    (!text.is_empty()).then(|| date(text))
}

/// An amount with exactly two decimals, positive.
fn amount(text: &str) -> Decimal {
    let (int, frac) = text.split_once('.').expect("a decimal point");
    assert!(
        !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()),
        "{text}"
    );
    assert!(
        frac.len() == 2 && frac.bytes().all(|b| b.is_ascii_digit()),
        "{text}"
    );
    let value = Decimal::from_str(text).unwrap();
    assert!(value > Decimal::ZERO, "{text} is positive");
    value
}

/// Reads the events back into the rows (`disputed`, `promised_until`,
/// `payment_plan` as the year made them), checking that each is where and
/// when it can be.
fn read_events(csv_bytes: &[u8], rows: &mut [Row]) {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "date",
            "invoice_id",
            "customer_id",
            "event",
            "until",
            "note"
        ]
    );
    let index: BTreeMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let mut opened: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut last = None;
    for r in reader.records() {
        let r = r.unwrap();
        let on = date(&r[0]);
        assert!(last.is_none_or(|l| l <= on), "events sorted by date");
        last = Some(on);
        let until = optional_date(&r[4]);
        if r[3] == *"insolvency_opened" {
            assert!(r[1].is_empty(), "insolvency is the customer's");
            assert!(rows.iter().any(|row| row.customer == r[2]));
            continue;
        }
        let row = &mut rows[index[&r[1]]];
        assert_eq!(row.customer, r[2], "{}: its customer", row.id);
        assert!(on > row.issue, "{}: {} after the issue", row.id, &r[3]);
        match &r[3] {
            "dispute_opened" => {
                row.disputed = true;
                opened.insert(row.id.clone(), on);
                assert!(
                    row.paid.is_none_or(|p| on < p),
                    "{}: before payment",
                    row.id
                );
            }
            "dispute_closed" => assert!(opened[&row.id] <= on, "{}: closed after", row.id),
            "promise" => {
                let until = until.expect("a promise has its date");
                assert!(on <= until && on > row.due, "{}: promise", row.id);
                row.promised_until = Some(until);
            }
            "plan_started" => row.payment_plan = true,
            "plan_ended" => assert!(row.payment_plan && row.paid.is_none(), "{}", row.id),
            other => panic!("unexpected event {other}"),
        }
        if r[3] != *"promise" {
            assert!(until.is_none(), "only a promise has `until`");
        }
    }
}

fn read(seed: u64, invoices: usize) -> (Vec<Row>, Vec<PaymentRow>) {
    let data = generate(&GenParams {
        invoices,
        customers: None,
        year: 2025,
        seed,
    })
    .unwrap();
    let (mut inv_csv, mut pay_csv, mut ev_csv) = (Vec::new(), Vec::new(), Vec::new());
    write_invoices_csv(&data, &mut inv_csv).unwrap();
    write_payments_csv(&data, &mut pay_csv).unwrap();
    write_events_csv(&data, &mut ev_csv).unwrap();

    let mut reader = csv::Reader::from_reader(inv_csv.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, INVOICE_COLUMNS);
    assert_eq!(
        header.join(","),
        "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_date,\
         segment,risk,country,account_manager"
    );
    let mut rows: Vec<Row> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), 11);
            assert!(["low", "medium", "high"].contains(&&r[8]), "risk {}", &r[8]);
            Row {
                id: r[0].to_owned(),
                customer: r[1].to_owned(),
                issue: date(&r[2]),
                due: date(&r[3]),
                amount: amount(&r[4]),
                currency: r[5].to_owned(),
                paid: optional_date(&r[6]),
                disputed: false,
                segment: r[7].to_owned(),
                country: r[9].to_owned(),
                account_manager: r[10].to_owned(),
                promised_until: None,
                payment_plan: false,
            }
        })
        .collect();
    assert_eq!(rows.len(), invoices);
    read_events(&ev_csv, &mut rows);

    let mut reader = csv::Reader::from_reader(pay_csv.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["invoice_id", "date", "amount"]
    );
    let payments = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            PaymentRow {
                invoice: r[0].to_owned(),
                date: date(&r[1]),
                amount: amount(&r[2]),
            }
        })
        .collect();
    (rows, payments)
}

#[test]
fn every_row_is_well_formed_and_consistent() {
    let (rows, payments) = read(11, 20_000);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.id, format!("INV-2025-{:06}", i + 1));
        assert!(r.customer.len() == 6 && r.customer.starts_with('C'));
        assert_eq!(r.issue.format("%Y").to_string(), "2025");
        let term = (r.due - r.issue).num_days();
        assert!((30..=60).contains(&term), "{}: term of {term} days", r.id);
        assert!(["EUR", "GBP", "USD", "CHF"].contains(&r.currency.as_str()));
        assert!(["FR", "BE", "DE", "ES"].contains(&r.country.as_str()));
        if r.country == "FR" {
            assert_eq!(r.currency, "EUR");
        }
        let big = r.segment == "strategic" || r.segment == "key";
        assert_eq!(!r.account_manager.is_empty(), big, "{}", r.id);
        if let Some(paid) = r.paid {
            assert!(paid >= r.issue, "{}: paid before issue", r.id);
        }
        if let Some(promise) = r.promised_until {
            assert!(promise > r.due, "{}: a promise is made once overdue", r.id);
        }
        if r.disputed {
            assert!(
                r.paid.is_none_or(|p| p > r.due),
                "{}: disputed, paid late",
                r.id
            );
        }
    }
    assert!(rows.windows(2).all(|w| w[0].id < w[1].id), "sorted by id");

    // Payments against their invoices.
    let by_id: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut per_invoice: BTreeMap<&str, Vec<&PaymentRow>> = BTreeMap::new();
    for p in &payments {
        per_invoice.entry(p.invoice.as_str()).or_default().push(p);
    }
    assert!(
        payments
            .windows(2)
            .all(|w| (&w[0].invoice, w[0].date) < (&w[1].invoice, w[1].date)),
        "payments sorted by invoice then date, one a day"
    );
    let mut open_with_payments = 0;
    for (id, ps) in &per_invoice {
        let inv = by_id
            .get(id)
            .unwrap_or_else(|| panic!("{id} is an invoice"));
        let total: Decimal = ps.iter().map(|p| p.amount).sum();
        assert!(total <= inv.amount, "{id}: paid {total} of {}", inv.amount);
        assert!(ps.iter().all(|p| p.date >= inv.issue), "{id}: before issue");
        match inv.paid {
            Some(paid) => {
                assert_eq!(total, inv.amount, "{id}: paid in full");
                assert_eq!(ps.last().unwrap().date, paid, "{id}: last on paid_date");
                assert!(ps.len() >= 2, "{id}: one full payment has no row");
            }
            None => {
                assert!(total < inv.amount, "{id}: open, so partly paid");
                open_with_payments += 1;
            }
        }
    }
    assert!(open_with_payments > 20, "{open_with_payments}");
    for r in rows.iter().filter(|r| r.payment_plan && r.paid.is_some()) {
        assert!(
            per_invoice[r.id.as_str()].len() >= 2,
            "{}: instalments",
            r.id
        );
    }
}

#[test]
fn payment_behaviour_looks_french() {
    for seed in [1, 2, 3] {
        let (rows, payments) = read(seed, 20_000);
        let n = rows.len() as f64;
        let paid: Vec<i64> = rows
            .iter()
            .filter_map(|r| r.paid.map(|p| (p - r.due).num_days()))
            .collect();
        let on_time = paid.iter().filter(|d| **d <= 0).count() as f64 / n;
        let days_late = paid.iter().map(|d| d.max(&0)).sum::<i64>() as f64 / paid.len() as f64;
        let disputed = rows.iter().filter(|r| r.disputed).count() as f64 / n;
        let never = rows.iter().filter(|r| r.paid.is_none()).count() as f64 / n;
        let very_late = paid.iter().filter(|d| **d > 60).count() as f64 / n;
        let message = format!(
            "seed {seed}: on time {on_time:.3}, days late {days_late:.2}, disputed {disputed:.3}, \
             never {never:.3}, more than 60 days late {very_late:.3}"
        );
        assert!((8.0..=16.0).contains(&days_late), "{message}");
        assert!((0.40..=0.60).contains(&on_time), "{message}");
        assert!((0.01..=0.06).contains(&disputed), "{message}");
        assert!((0.01..=0.06).contains(&never), "{message}");
        assert!((0.01..=0.10).contains(&very_late), "a tail: {message}");
        assert!(rows.iter().any(|r| r.payment_plan), "{message}");
        assert!(rows.iter().any(|r| r.promised_until.is_some()), "{message}");
        assert!(!payments.is_empty());
        // Payment runs: many pay on the due date itself.
        let on_due = paid.iter().filter(|d| **d == 0).count() as f64 / n;
        assert!(on_due > 0.1, "{message}, on the due date {on_due:.3}");
    }
}

#[test]
fn segments_shape_amounts_and_volumes() {
    let (rows, _) = read(5, 20_000);
    let mut by_segment: BTreeMap<&str, (Vec<f64>, BTreeMap<&str, usize>)> = BTreeMap::new();
    for r in &rows {
        let entry = by_segment.entry(r.segment.as_str()).or_default();
        entry.0.push(f64::try_from(r.amount).unwrap());
        *entry.1.entry(r.customer.as_str()).or_default() += 1;
    }
    let stats = |segment: &str| {
        let (amounts, customers) = &by_segment[segment];
        let mut sorted = amounts.clone();
        sorted.sort_by(f64::total_cmp);
        let mean = amounts.iter().sum::<f64>() / amounts.len() as f64;
        let median = sorted[sorted.len() / 2];
        let per_customer = amounts.len() as f64 / customers.len() as f64;
        (
            sorted[0],
            median,
            mean,
            sorted[sorted.len() - 1],
            per_customer,
            customers.len(),
        )
    };
    let ranges = [
        ("strategic", 5_000.0, 200_000.0),
        ("key", 5_000.0, 200_000.0),
        ("standard", 500.0, 5_000.0),
        ("small", 50.0, 500.0),
    ];
    let mut last_mean = f64::INFINITY;
    let mut last_volume = f64::INFINITY;
    for (segment, lo, hi) in ranges {
        let (min, median, mean, max, per_customer, customers) = stats(segment);
        assert!(min >= lo && max <= hi, "{segment}: {min}..{max}");
        assert!(median < mean, "{segment}: skewed right like real amounts");
        assert!(
            mean < last_mean,
            "{segment}: smaller invoices than the segment above"
        );
        assert!(
            per_customer < last_volume,
            "{segment}: fewer invoices per customer"
        );
        last_mean = mean;
        last_volume = per_customer;
        assert!(customers > 0);
    }
    // Few big accounts, many small customers.
    assert!(stats("strategic").5 * 10 < stats("small").5);
}

#[test]
fn terms_are_the_usual_ones() {
    let (rows, _) = read(8, 5_000);
    let mut terms: BTreeMap<i64, usize> = BTreeMap::new();
    for r in &rows {
        *terms.entry((r.due - r.issue).num_days()).or_default() += 1;
    }
    for usual in [30, 45, 60] {
        assert!(terms[&usual] > rows.len() / 10, "{usual} days: {terms:?}");
    }
    // 30 days end of month: due on the last day of a month, 31 to 60 days.
    assert!(rows.iter().any(|r| {
        let term = (r.due - r.issue).num_days();
        term != 45 && term > 30 && r.due.succ_opt().unwrap().format("%d").to_string() == "01"
    }));
}
