//! The facts about one invoice on one day, and conditions evaluated on them.
//!
//! A missing value (an empty cell, a customer never contacted, an amount in
//! another currency than the one compared with) makes every comparison
//! false, except `!=`, which is true: "not strategic" holds for an invoice
//! with no segment.

use std::cmp::Ordering;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::history::InvoiceHistory;
use super::ledger::Balance;
use crate::data::{AccountState, AttrValue, Invoice};
use crate::money::{Currency, Money};
use crate::policy::{Anchor, Clock, CmpOp, Condition, Fact, Moves, Policy, Value};

/// The dates an invoice's moving facts count from ([`Anchor`]), for the
/// evaluator and for the replay, which wakes an invoice on the days its
/// comparisons flip.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Anchors<'a> {
    pub invoice: &'a Invoice,
    /// The last day the invoice's customer was contacted.
    pub last_contact: Option<NaiveDate>,
    /// The account state on the day (`promised_until`).
    pub account: AccountState,
    /// What was done for the invoice (`since STEP`).
    pub history: &'a InvoiceHistory,
    /// The due date of the customer's open invoice due first
    /// (`customer_max_overdue`), when the policy reads the customer's ledger.
    pub customer_oldest_due: Option<NaiveDate>,
}

impl Anchors<'_> {
    /// The anchor's date for this invoice, if it has one.
    pub fn date(&self, anchor: Anchor) -> Option<NaiveDate> {
        match anchor {
            Anchor::IssueDate => Some(self.invoice.issue_date),
            Anchor::DueDate => Some(self.invoice.due_date),
            Anchor::LastContact => self.last_contact,
            Anchor::PromisedUntil => self.account.promised_until,
            Anchor::StepFired(rule) => self.history.last_fired(rule),
            Anchor::CustomerOldestDue => self.customer_oldest_due,
            Anchor::Attribute(i) => match self.invoice.attributes.get(i.get()) {
                Some(AttrValue::Date(d)) => Some(*d),
                _ => None,
            },
        }
    }
}

/// Everything a condition may ask about an invoice on a day.
pub(crate) struct Facts<'a> {
    pub policy: &'a Policy,
    pub invoice: &'a Invoice,
    pub date: NaiveDate,
    pub open_amount: Decimal,
    pub history: &'a InvoiceHistory,
    pub last_contact: Option<NaiveDate>,
    /// The day the invoice was paid in full, if it was by the day evaluated.
    pub paid_on: Option<NaiveDate>,
    /// What the account events say on the day.
    pub account: AccountState,
    /// The customer's ledger on the day; computed only for a policy that
    /// reads it (else empty).
    pub balance: Balance,
}

/// A fact's value on the day.
#[derive(Clone, Debug, PartialEq)]
enum Actual<'a> {
    Missing,
    Days(i64),
    Money(Money),
    Number(Decimal),
    Text(&'a str),
    Bool(bool),
    Date(NaiveDate),
    Currency(Currency),
}

impl<'a> Facts<'a> {
    pub fn overdue(&self) -> i64 {
        (self.date - self.invoice.due_date).num_days()
    }

    /// The dates the moving facts of this invoice count from.
    pub(crate) fn anchors(&self) -> Anchors<'a> {
        Anchors {
            invoice: self.invoice,
            last_contact: self.last_contact,
            account: self.account,
            history: self.history,
            customer_oldest_due: self.balance.oldest_due,
        }
    }

    /// A day count, from the fact's clock: the clock that tells the replay
    /// when the value changes is the one that computes it.
    fn day_count(&self, clock: Clock) -> Actual<'a> {
        let anchors = self.anchors();
        let days = match clock.moves {
            Moves::DaysSince(anchor) => anchors.date(anchor).map(|a| (self.date - a).num_days()),
            Moves::DaysUntil(anchor) => anchors.date(anchor).map(|a| (a - self.date).num_days()),
            Moves::Date(_) | Moves::Never => None,
        };
        days.map_or(Actual::Missing, Actual::Days)
    }

    fn actual(&self, fact: Fact) -> Actual<'a> {
        let inv = self.invoice;
        match fact {
            Fact::Overdue
            | Fact::DueIn
            | Fact::Age
            | Fact::LastContact
            | Fact::CustomerMaxOverdue
            | Fact::Since(_) => self.day_count(fact.clock()),
            Fact::CustomerOpenAmount => Actual::Money(Money::new(self.balance.open, inv.currency)),
            Fact::CustomerOverdueAmount => {
                Actual::Money(Money::new(self.balance.overdue, inv.currency))
            }
            Fact::CustomerOpenInvoices => Actual::Number(Decimal::from(self.balance.open_invoices)),
            Fact::Amount => Actual::Money(Money::new(inv.amount, inv.currency)),
            Fact::OpenAmount => Actual::Money(Money::new(self.open_amount, inv.currency)),
            Fact::Currency => Actual::Currency(inv.currency),
            Fact::Disputed => Actual::Bool(self.account.disputed),
            Fact::PromisedUntil => self
                .account
                .promised_until
                .map_or(Actual::Missing, Actual::Date),
            Fact::PaymentPlan => Actual::Bool(self.account.payment_plan),
            Fact::Insolvent => Actual::Bool(self.account.insolvent),
            Fact::Blocked => Actual::Bool(self.account.is_blocked(self.date)),
            Fact::Reminders => Actual::Number(Decimal::from(self.history.reminders)),
            Fact::CustomerId => Actual::Text(&inv.customer_id),
            Fact::InvoiceId => Actual::Text(&inv.id),
            Fact::PaidLate => match self.paid_on {
                Some(paid) => Actual::Days((paid - inv.due_date).num_days()),
                None => Actual::Missing,
            },
            Fact::Attribute(i) => match inv.attributes.get(i.get()) {
                None | Some(AttrValue::Missing) => Actual::Missing,
                Some(AttrValue::Text(t)) => Actual::Text(t),
                Some(AttrValue::Number(n)) => Actual::Number(*n),
                Some(AttrValue::Money(m)) => Actual::Money(Money::new(*m, inv.currency)),
                Some(AttrValue::Date(d)) => Actual::Date(*d),
                Some(AttrValue::Bool(b)) => Actual::Bool(*b),
            },
        }
    }

    /// How the actual value compares with the expected one; `None` when they
    /// cannot be compared (missing, or money in another currency).
    fn order(&self, actual: &Actual<'_>, value: &Value) -> Option<Ordering> {
        match (actual, value) {
            (Actual::Days(a), Value::Days(b)) => Some(a.cmp(b)),
            (Actual::Money(a), Value::Money(b)) if a.currency == b.currency => {
                Some(a.amount.cmp(&b.amount))
            }
            (Actual::Number(a), Value::Number(b)) => Some(a.cmp(b)),
            (Actual::Text(a), Value::Text(b)) => Some((*a).cmp(b.as_str())),
            (Actual::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Actual::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Actual::Date(a), Value::Today) => Some(a.cmp(&self.date)),
            (Actual::Currency(a), Value::Currency(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    fn compare(&self, fact: Fact, op: CmpOp, value: &Value) -> bool {
        let actual = self.actual(fact);
        match self.order(&actual, value) {
            None => op == CmpOp::Ne,
            Some(o) => match op {
                CmpOp::Eq => o == Ordering::Equal,
                CmpOp::Ne => o != Ordering::Equal,
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                CmpOp::Ge => o != Ordering::Less,
            },
        }
    }

    pub fn holds(&self, condition: &Condition) -> bool {
        match condition {
            Condition::All(items) => items.iter().all(|c| self.holds(c)),
            Condition::Any(items) => items.iter().any(|c| self.holds(c)),
            Condition::Not(inner) => !self.holds(inner),
            Condition::Compare { fact, op, value } => self.compare(*fact, *op, value),
            Condition::In { fact, values } => {
                values.iter().any(|v| self.compare(*fact, CmpOp::Eq, v))
            }
            Condition::Flag(fact) => self.actual(*fact) == Actual::Bool(true),
            Condition::Fired(rule) => self.history.has_fired(*rule),
        }
    }

    /// Why a condition holds, in words: `overdue 16 days > 15 days and segment = strategic`.
    /// Only the parts that made it true are named.
    pub fn reason(&self, condition: &Condition) -> String {
        let mut out = String::new();
        self.write_reason(&mut out, condition);
        out
    }

    fn write_reason(&self, out: &mut String, condition: &Condition) {
        match condition {
            Condition::All(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" and ");
                    }
                    self.write_reason(out, item);
                }
            }
            Condition::Any(items) => match items.iter().find(|c| self.holds(c)) {
                Some(item) => self.write_reason(out, item),
                None => out.push_str("none of the alternatives"),
            },
            Condition::Not(inner) => {
                out.push_str("not (");
                self.write_test(out, inner);
                out.push(')');
            }
            _ => self.write_test(out, condition),
        }
    }

    /// One test with the value the fact had: `overdue 16 days > 15 days`.
    pub fn write_test(&self, out: &mut String, condition: &Condition) {
        match condition {
            Condition::Compare { fact, op, value } => {
                let name = self.fact_name(*fact);
                let actual = self.actual(*fact);
                match (&actual, op) {
                    (Actual::Text(_) | Actual::Currency(_) | Actual::Bool(_), CmpOp::Eq) => {
                        let _ = write!(out, "{name} = {value}");
                    }
                    _ => {
                        let _ = write!(out, "{name} {} {op} {value}", show(&actual));
                    }
                }
            }
            Condition::In { fact, values } => {
                let name = self.fact_name(*fact);
                let list: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                let _ = write!(
                    out,
                    "{name} = {} (in [{}])",
                    show(&self.actual(*fact)),
                    list.join(", ")
                );
            }
            Condition::Flag(fact) => out.push_str(&self.fact_name(*fact)),
            Condition::Fired(rule) => {
                let _ = write!(out, "fired {}", self.policy.rule_name(*rule));
            }
            other => self.write_reason(out, other),
        }
    }

    pub fn fact_name(&self, fact: Fact) -> std::borrow::Cow<'a, str> {
        self.policy.fact_name(fact)
    }

    /// One test as `explain` shows it: `overdue = 16 days > 15 days: yes`,
    /// `segment = standard, expected strategic: no`.
    pub fn explain_test(&self, condition: &Condition) -> String {
        let holds = self.holds(condition);
        let yes = if holds { "yes" } else { "no" };
        match condition {
            Condition::Compare { fact, op, value } => {
                let name = self.fact_name(*fact);
                let actual = show(&self.actual(*fact));
                match op {
                    CmpOp::Eq if holds => format!("{name} = {actual}: {yes}"),
                    CmpOp::Eq => format!("{name} = {actual}, expected {value}: {yes}"),
                    _ => format!("{name} = {actual} {op} {value}: {yes}"),
                }
            }
            Condition::In { fact, values } => {
                let list: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                format!(
                    "{} = {}, expected one of [{}]: {yes}",
                    self.fact_name(*fact),
                    show(&self.actual(*fact)),
                    list.join(", ")
                )
            }
            Condition::Flag(fact) => format!(
                "{} = {}: {yes}",
                self.fact_name(*fact),
                show(&self.actual(*fact))
            ),
            Condition::Fired(rule) => format!("fired {}: {yes}", self.policy.rule_name(*rule)),
            Condition::Not(inner) => format!("not ({}): {yes}", self.explain_test(inner)),
            Condition::All(_) | Condition::Any(_) => format!("…: {yes}"),
        }
    }
}

fn show(actual: &Actual<'_>) -> String {
    match actual {
        Actual::Missing => "(no value)".into(),
        Actual::Days(d) if d.abs() == 1 => format!("{d} day"),
        Actual::Days(d) => format!("{d} days"),
        Actual::Money(m) => m.to_string(),
        Actual::Number(n) => n.normalize().to_string(),
        Actual::Text(t) => (*t).to_string(),
        Actual::Bool(true) => "yes".into(),
        Actual::Bool(false) => "no".into(),
        Actual::Date(d) => d.to_string(),
        Actual::Currency(c) => c.to_string(),
    }
}
