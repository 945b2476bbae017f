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
    // Paid of those: A only, 10 days late; none of the two on time.
    assert_eq!(eur.average_days_late, Some(dec("10.00")));
    assert_eq!(eur.paid_on_time_percent, Some(dec("0.00")));
}

#[test]
fn paid_on_time_and_days_late_of_paid_invoices_are_per_currency() {
    let p = policy(
        "rule mail: when overdue >= 1d then email
",
    );
    // EUR: E1 paid on time, E2 paid 4 days late, E3 unpaid (20 days at the end).
    let mut e1 = invoice(&p, "E1", "C1", "2025-02-01", "2025-03-05", "100", &[]);
    e1.paid_date = Some(date("2025-03-05"));
    let mut e2 = invoice(&p, "E2", "C1", "2025-02-01", "2025-03-07", "100", &[]);
    e2.paid_date = Some(date("2025-03-11"));
    let e3 = invoice(&p, "E3", "C2", "2025-02-01", "2025-03-11", "100", &[]);
    // CHF: one invoice paid 30 days late.
    let mut f1 = invoice(&p, "F1", "C3", "2025-01-01", "2025-03-01", "100", &[]);
    f1.currency = dunning::money::Currency::parse("CHF").unwrap();
    f1.paid_date = Some(date("2025-03-31"));
    let invoices = vec![e1, e2, e3, f1];
    let summary = dunning::replay(
        &p,
        RunData::new(&invoices),
        range("2025-03-01", "2025-03-31"),
        dunning::ReplayOptions::default(),
        &mut |_| {},
    );
    let eur = &summary.indicators[&dunning::money::Currency::parse("EUR").unwrap()];
    let chf = &summary.indicators[&dunning::money::Currency::parse("CHF").unwrap()];
    // EUR: 1 of 3 on time; paid ones (0 + 4) / 2; with E3 (0 + 4 + 20) / 3.
    assert_eq!(eur.paid_on_time_percent, Some(dec("33.33")));
    assert_eq!(eur.average_days_late, Some(dec("2.00")));
    assert_eq!(eur.average_days_late_with_unpaid, Some(dec("8.00")));
    assert_eq!(chf.paid_on_time_percent, Some(dec("0.00")));
    assert_eq!(chf.average_days_late, Some(dec("30.00")));
    // The "From the data" figures are of the most common currency only:
    // the CHF invoice's 30 days are not mixed in under the EUR label.
    assert_eq!(
        summary.context.currency,
        dunning::money::Currency::parse("EUR")
    );
    assert_eq!(summary.context.paid_on_time_percent, Some(dec("33.33")));
    assert_eq!(summary.context.average_days_late, Some(dec("2.00")));
}

/// The fixture above, with A and B in segment `key`, C in `small` and D
/// without a segment.
fn segmented(p: &dunning::Policy) -> (Vec<dunning::data::Invoice>, Vec<dunning::data::Payment>) {
    let mut a = invoice(
        p,
        "A",
        "C1",
        "2025-02-01",
        "2025-03-03",
        "1000",
        &[("segment", "key")],
    );
    a.paid_date = Some(date("2025-03-13"));
    let mut b = invoice(
        p,
        "B",
        "C2",
        "2025-03-05",
        "2025-03-10",
        "500",
        &[("segment", "key")],
    );
    b.disputed = true;
    let c = invoice(
        p,
        "C",
        "C3",
        "2025-03-10",
        "2025-04-09",
        "2000",
        &[("segment", "small")],
    );
    let d = invoice(p, "D", "C4", "2025-01-01", "2025-01-31", "300", &[]);
    (vec![a, b, c, d], vec![payment("C", "2025-03-20", "500")])
}

const SEGMENTED: &str =
    "attribute segment in [key, small]\nrule mail: when overdue >= 1d then email\n";

#[test]
fn indicators_per_segment_match_a_hand_computation() {
    let p = policy(SEGMENTED);
    let (invoices, payments) = segmented(&p);
    let summary = dunning::replay(
        &p,
        RunData::new(&invoices).with_payments(&payments),
        range("2025-03-01", "2025-03-31"),
        dunning::ReplayOptions::default(),
        &mut |_| {},
    );
    let eur = dunning::money::Currency::parse("EUR").unwrap();
    let seg = |name: &str| summary.indicators_by_segment[name][&eur].clone();
    assert_eq!(
        summary.indicators_by_segment.keys().collect::<Vec<_>>(),
        ["(none)", "key", "small"]
    );
    // key: A (from February, paid 10 days late) and B (March, disputed, unpaid).
    let key = seg("key");
    assert_eq!((key.issued, key.issued_amount), (1, dec("500")));
    assert_eq!(key.dispute_rate_percent, Some(dec("100.00")));
    assert_eq!(key.dispute_value_percent, Some(dec("100.00")));
    // Nothing collected on B.
    assert_eq!(key.recovery_invoiced_percent, Some(dec("0.00")));
    // Due in March: A and B, 1,500; collected 1,000.
    assert_eq!(key.recovery_due_percent, Some(dec("66.67")));
    // Start 1,000 (A) + sales 500 − end 500 (B), over 1,500 − nothing not yet due.
    assert_eq!(key.cei_percent, Some(dec("66.67")));
    assert_eq!(
        key.aged,
        [dec("0"), dec("500"), dec("0"), dec("0"), dec("0")]
    );
    assert_eq!(key.average_days_late_with_unpaid, Some(dec("15.50")));
    // small: C, 500 of 2,000 paid, due after the range.
    let small = seg("small");
    assert_eq!((small.issued, small.disputed), (1, 0));
    assert_eq!(small.dispute_rate_percent, Some(dec("0.00")));
    assert_eq!(small.recovery_invoiced_percent, Some(dec("25.00")));
    assert_eq!(small.recovery_due_percent, None);
    // Start 0 + sales 2,000 − end 1,500, over 2,000 − 1,500 not yet due.
    assert_eq!(small.cei_percent, Some(dec("100.00")));
    assert_eq!(
        small.aged,
        [dec("1500"), dec("0"), dec("0"), dec("0"), dec("0")]
    );
    assert_eq!(small.average_days_late_with_unpaid, None);
    // No segment: D, unpaid since January, 59 days late at the end.
    let none = seg("(none)");
    assert_eq!((none.issued, none.dispute_rate_percent), (0, None));
    assert_eq!(none.cei_percent, Some(dec("0.00")));
    assert_eq!(
        none.aged,
        [dec("0"), dec("0"), dec("300"), dec("0"), dec("0")]
    );
    // The segments add up to the currency's figures.
    let all = &summary.indicators[&eur];
    assert_eq!(all.issued, key.issued + small.issued + none.issued);
    for k in 0..5 {
        assert_eq!(all.aged[k], key.aged[k] + small.aged[k] + none.aged[k]);
    }
}

#[test]
fn without_a_segment_attribute_there_are_no_segment_indicators() {
    let p = policy("rule mail: when overdue >= 1d then email\n");
    let invoices = vec![invoice(
        &p,
        "A",
        "C1",
        "2025-02-01",
        "2025-03-03",
        "1000",
        &[],
    )];
    let summary = dunning::replay(
        &p,
        RunData::new(&invoices),
        range("2025-03-01", "2025-03-31"),
        dunning::ReplayOptions::default(),
        &mut |_| {},
    );
    assert!(summary.indicators_by_segment.is_empty());
}

#[test]
fn diff_shows_each_indicator_before_and_after() {
    let old = policy("rule mail: when overdue >= 1d then email\n");
    let new = policy(&format!("set indemnity = 40 EUR\n{SEGMENTED}"));
    let (invoices, payments) = segmented(&new);
    let days = range("2025-03-01", "2025-03-31");
    let data = RunData::new(&invoices).with_payments(&payments);
    let (a, b) = (
        dunning::simulate(&old, data, days),
        dunning::simulate(&new, data, days),
    );
    let d = dunning::diff(&a, &b);
    let row = |segment: Option<&str>, name: &str| {
        d.indicators
            .iter()
            .find(|i| i.segment.as_deref() == segment && i.indicator == name)
            .map(|i| (i.old, i.new, i.change))
    };
    // From the data alone: the same before and after.
    assert_eq!(
        row(None, "CEI (%)"),
        Some((Some(dec("65.22")), Some(dec("65.22")), Some(dec("0.00"))))
    );
    assert_eq!(
        row(None, "aged: 31-60"),
        Some((Some(dec("300")), Some(dec("300")), Some(dec("0"))))
    );
    // Penalties: only the new policy sets them; A was paid late.
    assert_eq!(
        row(None, "invoices paid late"),
        Some((None, Some(dec("1")), None))
    );
    assert_eq!(
        row(None, "penalties owed: indemnities"),
        Some((None, Some(dec("40")), None))
    );
    // Segments: only the new policy declares them.
    assert_eq!(
        row(Some("key"), "recovered of due (%)"),
        Some((None, Some(dec("66.67")), None))
    );
    // Every indicator of the currency is there, in the README's order.
    let names: Vec<&str> = d
        .indicators
        .iter()
        .filter(|i| i.segment.is_none())
        .map(|i| i.indicator)
        .collect();
    assert_eq!(names.len(), 18);
    assert_eq!(names[0], "invoices issued");
    assert!(names.contains(&"paid on time (%)"), "{names:?}");
    assert!(
        names.contains(&"average days late of paid invoices"),
        "{names:?}"
    );
}

#[test]
fn penalties_per_segment_match_a_hand_computation() {
    // 36.5% a year: a thousandth of the balance a day.
    let p = policy(&format!(
        "set interest_rate = 36.5%\nset indemnity = 40 EUR\n{SEGMENTED}"
    ));
    let paid = |id, segment: &[(&str, &str)], due, on, amount| {
        let mut inv = invoice(&p, id, "C1", "2025-02-01", due, amount, segment);
        inv.paid_date = Some(date(on));
        inv
    };
    let key = [("segment", "key")];
    let small = [("segment", "small")];
    // A (key): 1,000 paid 10 days late: 10.00.
    let a = paid("A", &key, "2025-03-03", "2025-03-13", "1000");
    // G (key): paid on its due date: owes nothing.
    let g = paid("G", &key, "2025-03-10", "2025-03-10", "700");
    // H (key): 100 USD paid 10 days late: 1.00 USD, its indemnity in EUR.
    let mut h = paid("H", &key, "2025-03-01", "2025-03-11", "100");
    h.currency = dunning::money::Currency::parse("USD").unwrap();
    // E (small): 2,000 paid 20 days late: 40.00.
    let e = paid("E", &small, "2025-03-05", "2025-03-25", "2000");
    // F (no segment): 500 paid 2 days late: 1.00.
    let f = paid("F", &[], "2025-03-01", "2025-03-03", "500");
    let invoices = vec![a, g, h, e, f];
    let summary = dunning::replay(
        &p,
        RunData::new(&invoices),
        range("2025-03-01", "2025-03-31"),
        dunning::ReplayOptions::default(),
        &mut |_| {},
    );
    let (eur, usd) = (
        dunning::money::Currency::parse("EUR").unwrap(),
        dunning::money::Currency::parse("USD").unwrap(),
    );
    let figures = |p: &dunning::PaidLate| {
        (
            p.invoices,
            p.interest,
            p.indemnity,
            p.indemnity_other_currencies,
        )
    };
    let seg = |name: &str, c| figures(&summary.paid_late_by_segment[name][&c]);
    assert_eq!(
        summary.paid_late_by_segment.keys().collect::<Vec<_>>(),
        ["(none)", "key", "small"]
    );
    // key: A and H's indemnities, H's counted as in another currency.
    assert_eq!(seg("key", eur), (1, dec("10.00"), dec("80"), 1));
    assert_eq!(seg("key", usd), (1, dec("1.00"), dec("0"), 0));
    assert_eq!(seg("small", eur), (1, dec("40.00"), dec("40"), 0));
    assert!(!summary.paid_late_by_segment["small"].contains_key(&usd));
    assert_eq!(seg("(none)", eur), (1, dec("1.00"), dec("40"), 0));
    // The segments add up to the currency's figures.
    assert_eq!(
        figures(&summary.paid_late[&eur]),
        (3, dec("51.00"), dec("160"), 1)
    );
    assert_eq!(
        figures(&summary.paid_late[&usd]),
        (1, dec("1.00"), dec("0"), 0)
    );
    // In diff, per segment too: only the new policy sets penalties.
    let old = policy(SEGMENTED);
    let days = range("2025-03-01", "2025-03-31");
    let data = RunData::new(&invoices);
    let d = dunning::diff(
        &dunning::simulate(&old, data, days),
        &dunning::simulate(&p, data, days),
    );
    let row = |segment: &str, name: &str| {
        d.indicators
            .iter()
            .find(|i| {
                i.segment.as_deref() == Some(segment) && i.currency == eur && i.indicator == name
            })
            .map(|i| (i.old, i.new))
    };
    assert_eq!(
        row("small", "penalties owed: interest"),
        Some((None, Some(dec("40.00"))))
    );
    assert_eq!(
        row("key", "penalties owed: indemnities"),
        Some((None, Some(dec("80"))))
    );
    assert_eq!(
        row("(none)", "invoices paid late"),
        Some((None, Some(dec("1"))))
    );
}

#[test]
fn without_a_segment_attribute_penalties_are_per_currency_only() {
    let p = policy("set indemnity = 40 EUR\nrule mail: when overdue >= 1d then email\n");
    let mut a = invoice(&p, "A", "C1", "2025-02-01", "2025-03-03", "1000", &[]);
    a.paid_date = Some(date("2025-03-13"));
    let invoices = vec![a];
    let summary = dunning::replay(
        &p,
        RunData::new(&invoices),
        range("2025-03-01", "2025-03-31"),
        dunning::ReplayOptions::default(),
        &mut |_| {},
    );
    assert!(summary.paid_late_by_segment.is_empty());
    assert_eq!(summary.paid_late.len(), 1);
}
