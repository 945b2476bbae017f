//! Same parameters, same bytes; other parameters, other bytes.

// Test code: a failed unwrap is a failed test (clippy allows it only inside
// `#[test]` functions, not in their helpers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dunning::generate::{
    generate, write_events_csv, write_invoices_csv, write_payments_csv, GenError, GenParams,
};

fn files(params: GenParams) -> (Vec<u8>, Vec<u8>) {
    let data = generate(&params).unwrap();
    let (mut invoices, mut payments) = (Vec::new(), Vec::new());
    write_invoices_csv(&data, &mut invoices).unwrap();
    write_payments_csv(&data, &mut payments).unwrap();
    (invoices, payments)
}

fn params(invoices: usize, seed: u64) -> GenParams {
    GenParams {
        invoices,
        customers: None,
        year: 2025,
        seed,
    }
}

#[test]
fn same_seed_same_bytes() {
    let a = files(params(5000, 42));
    let b = files(params(5000, 42));
    assert_eq!(a, b);
    assert!(a.1.len() > 100, "some payments");
}

#[test]
fn different_seed_different_bytes() {
    let a = files(params(5000, 42));
    let b = files(params(5000, 43));
    assert_ne!(a.0, b.0);
    assert_ne!(a.1, b.1);
}

#[test]
fn the_year_and_the_customer_pool_change_the_data() {
    let base = files(params(1000, 1));
    let other_year = files(GenParams {
        year: 2024,
        ..params(1000, 1)
    });
    assert!(String::from_utf8(other_year.0.clone())
        .unwrap()
        .contains("\nINV-2024-000001,"));
    assert_ne!(base.0, other_year.0);
    let fewer_customers = files(GenParams {
        customers: Some(10),
        ..params(1000, 1)
    });
    assert_ne!(base.0, fewer_customers.0);
}

/// A pinned digest of a small dataset, so that a change of the stream, of
/// the conversions or of the model is never silent (the committed sample
/// catches it too; this one says so in a unit-sized test).
#[test]
fn a_small_dataset_is_pinned() {
    let params = GenParams {
        customers: Some(4),
        ..params(4, 7)
    };
    let (invoices, _) = files(params);
    let data = generate(&params).unwrap();
    let text = String::from_utf8(invoices).unwrap();
    assert_eq!(
        text,
        "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_date,segment,risk,country,account_manager
INV-2025-000001,C00004,2025-01-06,2025-02-20,23243.00,EUR,2025-02-10,strategic,low,FR,Antoine Rousseau
INV-2025-000002,C00001,2025-07-04,2025-08-03,1275.48,EUR,2025-07-23,standard,medium,FR,
INV-2025-000003,C00001,2025-09-24,2025-10-24,1636.89,EUR,2025-11-28,standard,medium,FR,
INV-2025-000004,C00002,2025-12-30,2026-02-28,10403.31,EUR,2026-03-09,key,low,DE,Thomas Bernard
"
    );
    let mut events = Vec::new();
    write_events_csv(&data, &mut events).unwrap();
    assert_eq!(
        String::from_utf8(events).unwrap(),
        "date,invoice_id,customer_id,event,until,note
2025-10-24,INV-2025-000003,C00001,plan_started,,instalments agreed
"
    );
}

#[test]
fn edge_sizes() {
    let (invoices, payments) = files(params(0, 1));
    assert_eq!(invoices.iter().filter(|b| **b == b'\n').count(), 1);
    assert_eq!(payments, b"invoice_id,date,amount\n");
    let (invoices, _) = files(GenParams {
        customers: Some(1),
        ..params(50, 1)
    });
    let text = String::from_utf8(invoices).unwrap();
    assert_eq!(text.lines().count(), 51);
    assert!(text
        .lines()
        .skip(1)
        .all(|l| l.split(',').nth(1) == Some("C00001")));
}

#[test]
fn ids_keep_sorting_as_text_past_a_million() {
    let mut data = generate(&params(1, 3)).unwrap();
    assert_eq!(data.invoice_digits(), 6);
    let mut last = data.invoices[0].clone();
    last.number = 1_000_001;
    data.invoices.resize(1_000_000, data.invoices[0].clone());
    data.invoices.push(last);
    assert_eq!(data.invoice_digits(), 7);
    let first = data.invoice_id(&data.invoices[0]);
    let last = data.invoice_id(data.invoices.last().unwrap());
    assert_eq!(first, "INV-2025-0000001");
    assert_eq!(last, "INV-2025-1000001");
    assert!(first < last);
}

#[test]
fn bad_parameters_are_refused() {
    assert_eq!(
        generate(&GenParams {
            customers: Some(0),
            ..params(10, 1)
        }),
        Err(GenError::NoCustomers(10))
    );
    assert_eq!(
        generate(&GenParams {
            year: 12345,
            ..params(10, 1)
        }),
        Err(GenError::Year(12345))
    );
}
