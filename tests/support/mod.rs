//! Builders for library-level tests: policies from text, invoices in a line.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use dunning::data::{AccountEvent, AttrValue, EventKind, HistoryEntry, Invoice, Payment};
use dunning::money::{parse_decimal, Currency};
use dunning::policy::{AttrType, Policy};
use dunning::{DateRange, Plan, RunData};
use rust_decimal::Decimal;

pub fn policy(text: &str) -> Policy {
    let checked = dunning::check(&dunning::parse(text));
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| !d.is_warning())
        .collect();
    assert!(errors.is_empty(), "policy has errors: {errors:?}");
    checked.policy.expect("checked policy")
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

pub fn dec(s: &str) -> Decimal {
    parse_decimal(s).expect("decimal")
}

/// An open EUR invoice; attributes as `name=value` pairs typed by the
/// policy; `promised_until`, `payment_plan`, `insolvent` and `blocked` give
/// the state before any account event, as the invoice file's columns do.
pub fn invoice(
    policy: &Policy,
    id: &str,
    customer: &str,
    issue: &str,
    due: &str,
    amount: &str,
    attrs: &[(&str, &str)],
) -> Invoice {
    let attributes = policy
        .attributes
        .iter()
        .map(|a| match attrs.iter().find(|(n, _)| *n == a.name) {
            None => AttrValue::Missing,
            Some((_, v)) => match &a.ty {
                AttrType::Text | AttrType::OneOf(_) => AttrValue::Text(v.to_string()),
                AttrType::Number => AttrValue::Number(dec(v)),
                AttrType::Money => AttrValue::Money(dec(v)),
                AttrType::Date => AttrValue::Date(date(v)),
                AttrType::Bool => AttrValue::Bool(*v == "true"),
            },
        })
        .collect();
    let column = |name: &str| attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    Invoice {
        promised_until: column("promised_until").map(date),
        payment_plan: column("payment_plan") == Some("true"),
        insolvent: column("insolvent") == Some("true"),
        blocked: column("blocked") == Some("true"),
        id: id.into(),
        customer_id: customer.into(),
        issue_date: date(issue),
        due_date: date(due),
        amount: dec(amount),
        currency: Currency::parse("EUR").unwrap(),
        paid_date: None,
        disputed: false,
        attributes,
        line: 0,
    }
}

pub fn payment(invoice: &str, on: &str, amount: &str) -> Payment {
    Payment {
        invoice_id: invoice.into(),
        date: date(on),
        amount: dec(amount),
        line: 0,
    }
}

/// The plan's actions as history rows, one per invoice, as `plan --format csv` writes them.
pub fn as_history(plan: &Plan) -> Vec<HistoryEntry> {
    history_of(&plan.actions)
}

/// An account event on `on`, about an invoice (`invoice` given) or the
/// whole customer; `until` may be empty.
pub fn event(on: &str, invoice: &str, customer: &str, kind: &str, until: &str) -> AccountEvent {
    AccountEvent {
        date: date(on),
        invoice_id: (!invoice.is_empty()).then(|| invoice.to_string()),
        customer_id: customer.into(),
        kind: EventKind::parse(kind).expect("event kind"),
        until: (!until.is_empty()).then(|| date(until)),
        note: None,
        line: 0,
    }
}

/// Actions as history rows, one per invoice, as `plan --format csv` writes them.
pub fn history_of(actions: &[dunning::Action]) -> Vec<HistoryEntry> {
    actions
        .iter()
        .flat_map(|a| {
            a.invoices.iter().map(move |l| HistoryEntry {
                date: a.date,
                customer_id: a.customer_id.to_string(),
                invoice_id: l.invoice_id.to_string(),
                rule: l.rule.to_string(),
                action: a.action,
                template: a.template.map(str::to_string),
                line: 0,
            })
        })
        .collect()
}

/// Runs `plan` every day from `from` to `to`, feeding each day's actions
/// back as history; returns every action as (date, invoice, rule).
pub fn run_days(
    policy: &Policy,
    invoices: &[Invoice],
    payments: &[Payment],
    from: &str,
    to: &str,
) -> Vec<(NaiveDate, String, String)> {
    run_days_with_events(policy, invoices, payments, &[], from, to)
}

/// `run_days` with account events.
pub fn run_days_with_events(
    policy: &Policy,
    invoices: &[Invoice],
    payments: &[Payment],
    events: &[AccountEvent],
    from: &str,
    to: &str,
) -> Vec<(NaiveDate, String, String)> {
    let data = RunData::new(invoices)
        .with_payments(payments)
        .with_events(events);
    run_days_of(policy, data, from, to)
}

/// `run_days` of any data (its history aside: each day's actions are fed
/// back as the history of the next).
pub fn run_days_of(
    policy: &Policy,
    data: RunData<'_, '_>,
    from: &str,
    to: &str,
) -> Vec<(NaiveDate, String, String)> {
    let mut history: Vec<HistoryEntry> = Vec::new();
    let mut out = Vec::new();
    let mut day = date(from);
    while day <= date(to) {
        let data = data.with_history(&history);
        let plan = dunning::plan(policy, data, day);
        let rows = as_history(&plan);
        for r in &rows {
            out.push((r.date, r.invoice_id.clone(), r.rule.clone()));
        }
        history.extend(rows);
        day = day.succ_opt().unwrap();
    }
    out
}

/// (invoice ids, rule) of each action of a plan.
pub fn summary(plan: &Plan) -> Vec<(String, String, String)> {
    plan.actions
        .iter()
        .map(|a| {
            (
                a.customer_id.to_string(),
                a.action.to_string(),
                a.invoice_ids().collect::<Vec<_>>().join(","),
            )
        })
        .collect()
}

/// The days from `from` to `to`, both included.
pub fn range(from: &str, to: &str) -> DateRange {
    DateRange::new(date(from), date(to)).unwrap()
}

/// Invoices and payments, without history.
pub fn data<'d>(invoices: &'d [Invoice], payments: &'d [Payment]) -> RunData<'d, 'static> {
    RunData::new(invoices).with_payments(payments)
}
