//! Properties of a replay that must hold whatever the policy, checked on the
//! sample year of `data/` with each policy of `policies/` that reads it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// SPEC 4.1, computed here on its own: issued, no paid date on or before
/// the day, something left after the payments up to the day.
fn is_open(
    inv: &dunning::data::Invoice,
    payments: &[dunning::data::Payment],
    day: NaiveDate,
) -> bool {
    let paid: rust_decimal::Decimal = payments
        .iter()
        .filter(|p| p.invoice_id == inv.id && p.date <= day)
        .map(|p| p.amount)
        .sum();
    inv.issue_date <= day && inv.paid_date.is_none_or(|p| p > day) && inv.amount > paid
}

fn check_policy(file: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("policies").join(file)).unwrap();
    let policy = dunning::check(&dunning::parse(&text))
        .policy
        .expect("policy without errors");
    let invoices =
        dunning::data::load_invoices(&root.join("data/invoices-2025.csv"), &policy).unwrap();
    let payments =
        dunning::data::load_payments(&root.join("data/payments-2025.csv"), &invoices).unwrap();
    let events = dunning::data::load_events(&root.join("data/events-2025.csv"), &invoices).unwrap();
    let data = dunning::RunData::new(&invoices)
        .with_payments(&payments)
        .with_events(&events);
    // Whether a dispute is open for the invoice on the day, read from the
    // events directly.
    let disputed = |invoice: &str, day: NaiveDate| {
        events
            .iter()
            .filter(|e| e.invoice_id.as_deref() == Some(invoice) && e.date <= day)
            .fold(false, |open, e| match e.kind.as_str() {
                "dispute_opened" => true,
                "dispute_closed" => false,
                _ => open,
            })
    };
    let year = dunning::DateRange::new(d("2025-01-01"), d("2025-12-31")).unwrap();
    let sim = dunning::simulate(&policy, data, year);
    assert!(
        sim.actions.len() > 1000,
        "{file}: {} actions",
        sim.actions.len()
    );
    let by_id: HashMap<&str, &dunning::data::Invoice> =
        invoices.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut steps = HashSet::new();
    let mut contacts: BTreeMap<&str, Vec<(NaiveDate, bool)>> = BTreeMap::new();
    for a in &sim.actions {
        // Only contacts are spaced out (an agency hand-over or a court
        // filing is not one), and only overdue ones are held: a preventive
        // reminder goes out on its day (rule 7).
        if a.action.is_contact() {
            let held = a.invoices.iter().any(|l| l.days_overdue > 0);
            contacts
                .entry(a.customer_id)
                .or_default()
                .push((a.date, held));
        }
        for line in &a.invoices {
            let inv = by_id[line.invoice_id];
            assert!(
                a.date >= inv.issue_date,
                "{file}: action before issue: {line:?}"
            );
            assert!(
                is_open(inv, &payments, a.date),
                "{file}: action on a paid invoice: {} {line:?}",
                a.date
            );
            assert!(
                !disputed(line.invoice_id, a.date),
                "{file}: action on a disputed invoice: {} {line:?}",
                a.date
            );
            let repeats = policy.rule(line.rule_index).repeat_days.is_some();
            assert!(
                repeats || steps.insert((line.invoice_id, line.rule_index)),
                "{file}: step twice: {line:?}"
            );
        }
    }
    let cooldown = i64::from(policy.settings.cooldown_days);
    for (customer, mut days) in contacts {
        // Several actions on one day are one contact, held if any of them is.
        days.sort();
        days.dedup_by(|later, first| {
            let same = later.0 == first.0;
            first.1 |= same && later.1;
            same
        });
        for pair in days.windows(2) {
            assert!(
                !pair[1].1 || (pair[1].0 - pair[0].0).num_days() >= cooldown,
                "{file}: {customer} contacted within the cooldown: {pair:?}"
            );
        }
    }
}

#[test]
fn french_b2b_over_the_sample_year() {
    check_policy("french_b2b.dunning");
}

#[test]
fn small_invoices_over_the_sample_year() {
    check_policy("small_invoices.dunning");
}
