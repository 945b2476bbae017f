//! The indicators of `simulate` (README, "Indicators"), each against a hand
//! computation on four invoices over March 2025.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use dunning::RunData;
use support::*;

#[test]
fn indicators_match_a_hand_computation() {
    let p = policy("rule mail: when overdue >= 1d then email\n");
    // A: issued before the range, paid 10 days late in it.
    let mut a = invoice(&p, "A", "C1", "2025-02-01", "2025-03-03", "1000", &[]);
    a.paid_date = Some(date("2025-03-13"));
    // B: issued and due in the range, disputed, unpaid: 21 days late at the end.
    let mut b = invoice(&p, "B", "C2", "2025-03-05", "2025-03-10", "500", &[]);
    b.disputed = true;
    // C: issued in the range, 500 paid, due after it.
    let c = invoice(&p, "C", "C3", "2025-03-10", "2025-04-09", "2000", &[]);
    // D: from January, unpaid: 59 days late at the end.
    let d = invoice(&p, "D", "C4", "2025-01-01", "2025-01-31", "300", &[]);
    let invoices = vec![a, b, c, d];
    let payments = vec![payment("C", "2025-03-20", "500")];
    let summary = dunning::replay(
        &p,
        RunData::new(&invoices).with_payments(&payments),
        range("2025-03-01", "2025-03-31"),
        dunning::ReplayOptions::default(),
        &mut |_| {},
    );
    let eur = &summary.indicators[&dunning::money::Currency::parse("EUR").unwrap()];
    // Issued in March: B and C, 2,500; disputed: B, 500.
    assert_eq!((eur.issued, eur.issued_amount), (2, dec("2500")));
    assert_eq!((eur.disputed, eur.disputed_amount), (1, dec("500")));
    assert_eq!(eur.dispute_rate_percent, Some(dec("50.00")));
    assert_eq!(eur.dispute_value_percent, Some(dec("20.00")));
    // Collected on B and C: 500 of 2,500.
    assert_eq!(eur.recovery_invoiced_percent, Some(dec("20.00")));
    // Due in March: A and B, 1,500; collected 1,000.
    assert_eq!(eur.recovery_due_percent, Some(dec("66.67")));
    // CEI: start 1,300 (A, D) + sales 2,500 − end 2,300 (B, C, D), over
    // start + sales − not yet due at the end 1,500 (C): 1,500 / 2,300.
    assert_eq!(eur.cei_percent, Some(dec("65.22")));
    // Aged at 31 March: C not due, B 21 days, D 59 days.
    assert_eq!(
        eur.aged,
        [dec("1500"), dec("500"), dec("300"), dec("0"), dec("0")]
    );
    // Due in March: A 10 days late, B unpaid 21 days: 15.5.
    assert_eq!(eur.average_days_late_with_unpaid, Some(dec("15.50")));
}
