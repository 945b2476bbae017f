//! One day's plan: every open invoice decided, then the actions for one
//! customer consolidated (SPEC section 4, rules 9 to 12).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::decide::{decide, facts, Decision};
use super::history::State;
use super::ledger::Ledger;
use super::penalty;
use crate::money::Currency;
use crate::policy::{ActionKind, Policy};

/// One invoice's share of an action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvoiceLine {
    /// The invoice's position in the snapshot, for summaries.
    #[serde(skip)]
    pub index: usize,
    pub invoice_id: String,
    /// The rule's position in the ladder, for summaries.
    #[serde(skip)]
    pub rule_index: usize,
    pub rule: String,
    pub open_amount: Decimal,
    pub days_overdue: i64,
    /// Late interest accrued on the day, when the policy declares penalties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest: Option<Decimal>,
    /// The flat recovery indemnity, when the policy declares penalties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indemnity: Option<Decimal>,
    pub reason: String,
}

/// An action for one customer: one channel and template, the invoices it
/// lists, their total open amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    pub date: NaiveDate,
    pub customer_id: String,
    pub action: ActionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The rules that produced it (several when invoices were at different steps).
    pub rule: String,
    pub invoice_ids: Vec<String>,
    pub open_amount: Decimal,
    pub currency: Currency,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indemnity: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indemnity_currency: Option<Currency>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "pairs_as_map")]
    pub params: Vec<(String, String)>,
    pub reason: String,
    pub invoices: Vec<InvoiceLine>,
}

/// The actions of one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub date: NaiveDate,
    pub actions: Vec<Action>,
}

/// A step fired for one invoice, before consolidation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fired {
    pub invoice: usize,
    pub rule: usize,
    pub open_amount: Decimal,
}

/// Decides every invoice on `date` and returns the steps that fire.
/// Invoices are independent within a day, so they are decided in parallel
/// (the order of the result is the invoices' order all the same).
pub fn fire(policy: &Policy, ledger: &Ledger<'_>, state: &State, date: NaiveDate) -> Vec<Fired> {
    use rayon::prelude::*;
    (0..ledger.invoices.len())
        .into_par_iter()
        .filter_map(|i| match decide(policy, ledger, state, i, date) {
            Decision::Fire { rule, open_amount } => Some(Fired {
                invoice: i,
                rule,
                open_amount,
            }),
            _ => None,
        })
        .collect()
}

/// Turns fired steps into consolidated, sorted actions with reasons and penalties.
pub fn consolidate(
    policy: &Policy,
    ledger: &Ledger<'_>,
    state: &State,
    date: NaiveDate,
    fired: &[Fired],
) -> Vec<Action> {
    // (customer, action, template, currency) -> lines; BTreeMap keeps it deterministic.
    type Key<'k> = (&'k str, &'k str, Option<&'k str>, Currency);
    let mut groups: BTreeMap<Key<'_>, Vec<(&Fired, InvoiceLine)>> = BTreeMap::new();
    for f in fired {
        let inv = &ledger.invoices[f.invoice];
        let rule = &policy.rules[f.rule];
        let facts = facts(policy, ledger, state, f.invoice, date, f.open_amount);
        let days_overdue = facts.overdue();
        let penalties = policy.settings.penalties() && days_overdue > 0;
        let line = InvoiceLine {
            index: f.invoice,
            invoice_id: inv.id.clone(),
            rule_index: f.rule,
            rule: rule.name.clone(),
            open_amount: f.open_amount,
            days_overdue,
            interest: penalties.then(|| {
                policy.settings.interest_rate.map_or(Decimal::ZERO, |rate| {
                    penalty::interest(f.open_amount, rate, days_overdue)
                })
            }),
            indemnity: penalties.then(|| {
                policy
                    .settings
                    .indemnity
                    .map_or(Decimal::ZERO, |m| m.amount)
            }),
            reason: facts.reason(&rule.condition),
        };
        let key = (
            inv.customer_id.as_str(),
            rule.action.kind.as_str(),
            rule.action.template.as_deref(),
            inv.currency,
        );
        groups.entry(key).or_default().push((f, line));
    }
    let mut actions = Vec::with_capacity(groups.len());
    for ((customer, _, template, currency), mut lines) in groups {
        lines.sort_by(|a, b| a.1.invoice_id.cmp(&b.1.invoice_id));
        let first_rule = &policy.rules[lines[0].0.rule];
        let mut rules: Vec<&str> = lines.iter().map(|(_, l)| l.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        let mut reasons: Vec<&str> = Vec::new();
        for (_, l) in &lines {
            if !reasons.contains(&l.reason.as_str()) {
                reasons.push(&l.reason);
            }
        }
        let sum = |f: fn(&InvoiceLine) -> Option<Decimal>| -> Option<Decimal> {
            lines.iter().map(|(_, l)| f(l)).sum()
        };
        let interest = sum(|l| l.interest);
        let indemnity = sum(|l| l.indemnity);
        let reason = if lines.len() == 1 {
            lines[0].1.reason.clone()
        } else {
            format!("{} invoices: {}", lines.len(), reasons.join("; "))
        };
        actions.push(Action {
            date,
            customer_id: customer.to_string(),
            action: first_rule.action.kind,
            template: template.map(str::to_string),
            rule: rules.join(", "),
            invoice_ids: lines.iter().map(|(_, l)| l.invoice_id.clone()).collect(),
            open_amount: lines.iter().map(|(_, l)| l.open_amount).sum(),
            currency,
            interest,
            indemnity_currency: indemnity.and(policy.settings.indemnity.map(|m| m.currency)),
            indemnity,
            params: first_rule.action.params.clone(),
            reason,
            invoices: lines.into_iter().map(|(_, l)| l).collect(),
        });
    }
    // Rule 12: by date, then customer, then action (the BTreeMap order already
    // is customer, action name, template, currency; the date is the same).
    actions
}

/// The plan for `date` given the state of what was already done.
pub fn plan_day(policy: &Policy, ledger: &Ledger<'_>, state: &State, date: NaiveDate) -> Plan {
    let fired = fire(policy, ledger, state, date);
    Plan {
        date,
        actions: consolidate(policy, ledger, state, date, &fired),
    }
}

/// Parameters print as a JSON object, in the order the policy wrote them.
fn pairs_as_map<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}
