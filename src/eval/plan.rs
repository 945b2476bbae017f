//! One day's plan: every open invoice decided, then the actions for one
//! customer consolidated (SPEC section 4, rules 9 to 12).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::decide::{decide, facts, Decision};
use super::history::State;
use super::ledger::InvoiceIdx;
use super::Run;
use crate::data::{AttrValue, Invoice};
use crate::idx::IdxVec;
use crate::money::Currency;
use crate::penalty;
use crate::policy::{ActionKind, Param, RuleIdx};

/// One invoice's share of an action. Names are borrowed from the policy
/// and the invoices: a year's replay lists millions of lines, and copying
/// each id and rule name into every one of them was most of its cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvoiceLine<'a> {
    /// The invoice's position in the snapshot, for summaries.
    #[serde(skip)]
    pub invoice_index: InvoiceIdx,
    /// The invoice's id.
    pub invoice_id: &'a str,
    /// The rule's position in the ladder, for summaries.
    #[serde(skip)]
    pub rule_index: RuleIdx,
    /// The rule that fired for it, by name.
    pub rule: &'a str,
    /// What is left to pay on the day.
    pub open_amount: Decimal,
    /// The invoice's currency (of `open_amount` and `interest`).
    pub currency: Currency,
    /// Days past the due date on the day.
    pub days_overdue: i64,
    /// Late interest accrued on the day, when the policy declares penalties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest: Option<Decimal>,
    /// The flat recovery indemnity, when the policy declares penalties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indemnity: Option<Decimal>,
    /// Why the rule fired, in words: `overdue 16 days > 15 days and segment = strategic`.
    pub reason: String,
    /// The invoice's values of the attributes the policy declares, by
    /// name (`account_manager`, `phone`…), for the team that acts.
    #[serde(serialize_with = "attributes", skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(&'a str, &'a AttrValue)>,
}

fn attributes<S: serde::Serializer>(
    attributes: &[(&str, &AttrValue)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(attributes.iter().copied())
}

/// What an action's invoices of one currency add up to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CurrencyTotal {
    /// The currency.
    pub currency: Currency,
    /// The total open amount of the action's invoices in it.
    pub open_amount: Decimal,
    /// Their total late interest, when the policy declares penalties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest: Option<Decimal>,
}

/// An action for one customer: one channel and template, the invoices it
/// lists (sorted by id, of every currency), their totals per currency.
/// What follows from the lines (rules, ids, reason) is derived from them,
/// not stored twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action<'a> {
    /// The day.
    pub date: NaiveDate,
    /// The customer it goes to.
    pub customer_id: &'a str,
    /// What to do.
    pub action: ActionKind,
    /// The template the rules name, if any.
    pub template: Option<&'a str>,
    /// The total open amount of its invoices in `currency`.
    pub open_amount: Decimal,
    /// The first currency of its invoices (in code order): that of
    /// `open_amount` and `interest`; `totals` has every one.
    pub currency: Currency,
    /// The total late interest of its invoices in `currency`, when the
    /// policy declares penalties.
    pub interest: Option<Decimal>,
    /// Per currency of its invoices, in code order, their totals (one when
    /// they are all in one currency: `open_amount` and `interest`).
    pub totals: Vec<CurrencyTotal>,
    /// The total recovery indemnity, when the policy declares one.
    pub indemnity: Option<Decimal>,
    /// The indemnity's currency.
    pub indemnity_currency: Option<Currency>,
    /// The parameters of the first rule, as written after `with`; a
    /// parameter naming an attribute holds the first invoice's value of it.
    pub params: Vec<(&'a str, std::borrow::Cow<'a, str>)>,
    /// Its invoices, by id.
    pub invoices: Vec<InvoiceLine<'a>>,
}

impl<'a> Action<'a> {
    /// Sets `totals` from the invoice lines, and `currency`, `open_amount`
    /// and `interest` from the first currency's.
    fn total_per_currency(&mut self) {
        let lines = &self.invoices;
        let mut currencies: Vec<Currency> = lines.iter().map(|l| l.currency).collect();
        currencies.sort_unstable();
        currencies.dedup();
        self.totals = currencies
            .into_iter()
            .map(|currency| {
                let of = || lines.iter().filter(move |l| l.currency == currency);
                CurrencyTotal {
                    currency,
                    open_amount: of().map(|l| l.open_amount).sum(),
                    interest: of().map(|l| l.interest).sum(),
                }
            })
            .collect();
        if let Some(first) = self.totals.first() {
            self.currency = first.currency;
            self.open_amount = first.open_amount;
            self.interest = first.interest;
        }
    }

    /// The rules that produced it, by name, comma-separated (several when
    /// invoices were at different steps).
    pub fn rule(&self) -> String {
        let mut rules: Vec<&str> = self.invoices.iter().map(|l| l.rule).collect();
        rules.sort_unstable();
        rules.dedup();
        rules.join(", ")
    }

    /// The ids of its invoices, in order.
    pub fn invoice_ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.invoices.iter().map(|l| l.invoice_id)
    }

    /// The line's reason, or for several invoices their count and each
    /// distinct reason once, in invoice order.
    pub fn reason(&self) -> std::borrow::Cow<'_, str> {
        match self.invoices.as_slice() {
            [one] => one.reason.as_str().into(),
            lines => {
                let mut reasons: Vec<&str> = Vec::new();
                for l in lines {
                    if !reasons.contains(&l.reason.as_str()) {
                        reasons.push(&l.reason);
                    }
                }
                format!("{} invoices: {}", lines.len(), reasons.join("; ")).into()
            }
        }
    }

    /// The order of actions within a day (SPEC 4.12): customer, action,
    /// template, (first) currency.
    pub fn order_key(&self) -> (&'a str, &'static str, Option<&'a str>, Currency) {
        (
            self.customer_id,
            self.action.as_str(),
            self.template,
            self.currency,
        )
    }
}

/// The JSON of SPEC section 6: the stored fields, with the derived ones
/// (`rule`, `invoice_ids`, `reason`) where readers expect them.
impl Serialize for Action<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Ids<'s, 'a>(&'s [InvoiceLine<'a>]);
        impl Serialize for Ids<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|l| l.invoice_id))
            }
        }
        struct Params<'s, 'a>(&'s [(&'a str, std::borrow::Cow<'a, str>)]);
        impl Serialize for Params<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
            }
        }
        let mut st = s.serialize_struct("Action", 15)?;
        st.serialize_field("date", &self.date)?;
        st.serialize_field("customer_id", self.customer_id)?;
        st.serialize_field("action", &self.action)?;
        match self.template {
            Some(t) => st.serialize_field("template", t)?,
            None => st.skip_field("template")?,
        }
        st.serialize_field("rule", &self.rule())?;
        st.serialize_field("invoice_ids", &Ids(&self.invoices))?;
        st.serialize_field("open_amount", &self.open_amount)?;
        st.serialize_field("currency", &self.currency)?;
        let optional = [("interest", self.interest), ("indemnity", self.indemnity)];
        for (name, value) in optional {
            match value {
                Some(v) => st.serialize_field(name, &v)?,
                None => st.skip_field(name)?,
            }
        }
        match self.indemnity_currency {
            Some(c) => st.serialize_field("indemnity_currency", &c)?,
            None => st.skip_field("indemnity_currency")?,
        }
        st.serialize_field("totals", &self.totals)?;
        if self.params.is_empty() {
            st.skip_field("params")?;
        } else {
            st.serialize_field("params", &Params(&self.params))?;
        }
        st.serialize_field("reason", &self.reason())?;
        st.serialize_field("invoices", &self.invoices)?;
        st.end()
    }
}

/// The actions of one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan<'a> {
    /// The day planned.
    pub date: NaiveDate,
    /// Its actions, in the order of SPEC 4.12: customer, action, template, currency.
    pub actions: Vec<Action<'a>>,
}

/// A step fired for one invoice, before consolidation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fired {
    pub invoice: InvoiceIdx,
    pub rule: RuleIdx,
    pub open_amount: Decimal,
}

/// Decides every invoice on `date` and returns the steps that fire.
/// Invoices are independent within a day, so they are decided in parallel
/// (the order of the result is the invoices' order all the same).
pub(crate) fn fire(run: &Run<'_>, state: &State, date: NaiveDate) -> Vec<Fired> {
    use rayon::prelude::*;
    (0..run.ledger.invoices.len())
        .into_par_iter()
        .map(InvoiceIdx::new)
        .filter_map(|i| match decide(run, state, i, date) {
            Decision::Fire { rule, open_amount } => Some(Fired {
                invoice: i,
                rule,
                open_amount,
            }),
            _ => None,
        })
        .collect()
}

/// Groups fired steps into actions. Built once per run, so that grouping a
/// day compares small integers instead of strings.
pub(crate) struct Consolidator<'r, 'a> {
    run: &'r Run<'a>,
    /// Per customer, its place in the customers sorted by id.
    customer_rank: IdxVec<crate::eval::CustomerIdx, u32>,
    /// Per rule, the place of its (action name, template) among the rules'.
    /// Rules with the same action and template share a place: their
    /// invoices go in one action.
    rule_rank: IdxVec<RuleIdx, u32>,
}

impl<'r, 'a> Consolidator<'r, 'a> {
    pub fn new(run: &'r Run<'a>) -> Self {
        fn ranks<I: crate::idx::Idx, K: Ord>(keys: &[K]) -> IdxVec<I, u32> {
            let mut sorted: Vec<usize> = (0..keys.len()).collect();
            sorted.sort_by(|a, b| keys[*a].cmp(&keys[*b]));
            let mut rank = vec![0; keys.len()];
            let mut next = 0;
            for (k, &i) in sorted.iter().enumerate() {
                if k > 0 && keys[sorted[k - 1]] != keys[i] {
                    next += 1;
                }
                rank[i] = next;
            }
            IdxVec::from_vec(rank)
        }
        let rule_keys: Vec<(&str, Option<&str>)> = run
            .policy
            .rules
            .iter()
            .map(|r| (r.action.kind.as_str(), r.action.template.as_deref()))
            .collect();
        Consolidator {
            run,
            customer_rank: ranks(run.ledger.customers.as_slice()),
            rule_rank: ranks(&rule_keys),
        }
    }

    /// An action's place in the order of SPEC 4.12 (customer, action,
    /// template; the currency never ties, one action lists every currency)
    /// as one integer, from its first invoice's customer and rule: actions
    /// of different days or runs are compared by their order keys instead.
    pub fn rank(&self, action: &Action<'_>) -> u64 {
        let Some(line) = action.invoices.first() else {
            return u64::MAX;
        };
        let customer = self.customer_rank[self.run.ledger.customer_of[line.invoice_index]];
        (u64::from(customer) << 32) | u64::from(self.rule_rank[line.rule_index])
    }

    /// Turns fired steps into consolidated, sorted actions with reasons and
    /// penalties (rules 9 to 12).
    pub fn consolidate(&self, state: &State, date: NaiveDate, fired: &[Fired]) -> Vec<Action<'a>> {
        let (policy, ledger) = (self.run.policy, &self.run.ledger);
        // Rule 9: one action per (customer, action, template), listing its
        // invoices of every currency; rule 12: by customer, then action.
        // Within an action, invoices by id.
        let key = |f: &Fired| {
            (
                self.customer_rank[ledger.customer_of[f.invoice]],
                self.rule_rank[f.rule],
            )
        };
        let mut order: Vec<(_, &str, &Fired)> = fired
            .iter()
            .map(|f| (key(f), ledger.invoice(f.invoice).id.as_str(), f))
            .collect();
        order.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut actions: Vec<Action<'a>> = Vec::new();
        let mut last_key = None;
        for (k, _, f) in order {
            let inv = ledger.invoice(f.invoice);
            let rule = policy.rule(f.rule);
            let facts = facts(self.run, state, f.invoice, date, f.open_amount);
            // A paid invoice (a claim rule) was late by the days to its payment.
            let days_overdue = facts
                .paid_on
                .map_or(facts.overdue(), |paid| (paid - inv.due_date).num_days());
            let penalties = policy.settings.penalties() && days_overdue > 0;
            let consumer = self.run.is_consumer(f.invoice);
            let line = InvoiceLine {
                invoice_index: f.invoice,
                invoice_id: &inv.id,
                rule_index: f.rule,
                rule: &rule.name,
                open_amount: f.open_amount,
                currency: inv.currency,
                days_overdue,
                interest: penalties
                    .then(|| self.interest(f.invoice, consumer, date))
                    .flatten(),
                indemnity: penalties.then(|| {
                    let claimed = state
                        .history(f.invoice)
                        .first_late_action
                        .is_some_and(|d| d < date);
                    match policy.settings.indemnity {
                        Some(m) if !consumer && !claimed => m.amount,
                        _ => Decimal::ZERO,
                    }
                }),
                reason: facts.reason(&rule.condition),
                attributes: policy
                    .attributes
                    .iter()
                    .zip(&inv.attributes)
                    .filter(|(a, _)| a.declared)
                    .map(|(a, v)| (a.name.as_str(), v))
                    .collect(),
            };
            match actions.last_mut() {
                Some(action) if last_key == Some(k) => action.invoices.push(line),
                _ => {
                    actions.push(Action {
                        date,
                        customer_id: &inv.customer_id,
                        action: rule.action.kind,
                        template: rule.action.template.as_deref(),
                        open_amount: Decimal::ZERO,
                        currency: inv.currency,
                        interest: None,
                        totals: Vec::new(),
                        indemnity: None,
                        indemnity_currency: None,
                        // The first rule's parameters, in the invoices' order.
                        params: rule
                            .action
                            .params
                            .iter()
                            .map(|p| (p.name.as_str(), param_value(p, inv)))
                            .collect(),
                        invoices: vec![line],
                    });
                    last_key = Some(k);
                }
            }
        }
        for action in &mut actions {
            action.total_per_currency();
            let lines = &action.invoices;
            // The indemnity is in its own currency, whatever the invoices'.
            action.indemnity = lines.iter().map(|l| l.indemnity).sum();
            action.indemnity_currency = action
                .indemnity
                .and(policy.settings.indemnity.map(|m| m.currency));
        }
        actions
    }
}

impl Consolidator<'_, '_> {
    /// The late interest of an invoice on `date`: zero for a consumer or
    /// without a rate, none when the rate tables do not cover a late day.
    fn interest(&self, invoice: InvoiceIdx, consumer: bool, date: NaiveDate) -> Option<Decimal> {
        let Some(rate) = self.run.policy.settings.interest_rate.filter(|_| !consumer) else {
            return Some(Decimal::ZERO);
        };
        let inv = self.run.ledger.invoice(invoice);
        let debt = penalty::Debt {
            amount: inv.amount,
            due_date: inv.due_date,
            payments: self.run.ledger.payments(invoice),
            paid_date: inv.paid_date,
        };
        penalty::late_interest(&debt, rate, self.run.rates, date).ok()
    }
}

/// A parameter's value for an invoice: as written, or the invoice's value
/// of the attribute it names (empty when the cell is).
fn param_value<'a>(param: &'a Param, invoice: &'a Invoice) -> std::borrow::Cow<'a, str> {
    let Some(i) = param.attribute else {
        return param.value.as_str().into();
    };
    match invoice.attributes.get(i.get()) {
        Some(AttrValue::Text(t)) => t.as_str().into(),
        Some(AttrValue::Number(n) | AttrValue::Money(n)) => n.to_string().into(),
        Some(AttrValue::Date(d)) => d.to_string().into(),
        Some(AttrValue::Bool(b)) => if *b { "yes" } else { "no" }.into(),
        Some(AttrValue::Missing) | None => "".into(),
    }
}

/// The plan for `date` given the state of what was already done.
pub(crate) fn plan_day<'a>(run: &Run<'a>, state: &State, date: NaiveDate) -> Plan<'a> {
    let fired = fire(run, state, date);
    Plan {
        date,
        actions: Consolidator::new(run).consolidate(state, date, &fired),
    }
}

/// The statement of account of `customer` on `date` (a relevé de compte,
/// on request rather than a step of the ladder): one action listing every
/// open invoice of the customer, by id, with its days overdue (negative
/// before the due date), its late interest and, when late, its indemnity
/// line, as a plan's action would carry them. `action` and `template` say
/// how it is sent. `None` when no invoice of the data is the customer's.
pub(crate) fn statement<'a>(
    run: &Run<'a>,
    customer: &str,
    date: NaiveDate,
    action: ActionKind,
    template: &'a str,
) -> Option<Action<'a>> {
    let ledger = &run.ledger;
    let policy = run.policy;
    let mut mine: Vec<InvoiceIdx> = ledger
        .indices()
        .filter(|i| ledger.invoice(*i).customer_id == customer)
        .collect();
    let first = *mine.first()?;
    mine.sort_by(|a, b| ledger.invoice(*a).id.cmp(&ledger.invoice(*b).id));
    let lines: Vec<InvoiceLine<'a>> = mine
        .into_iter()
        .filter_map(|i| {
            let super::ledger::Status::Open(open_amount) = ledger.status(i, date) else {
                return None;
            };
            let inv = ledger.invoice(i);
            let days_overdue = (date - inv.due_date).num_days();
            let late = policy.settings.penalties() && days_overdue > 0;
            let consumer = run.is_consumer(i);
            let interest = late.then(|| {
                let Some(rate) = policy.settings.interest_rate.filter(|_| !consumer) else {
                    return Some(Decimal::ZERO);
                };
                let debt = penalty::Debt {
                    amount: inv.amount,
                    due_date: inv.due_date,
                    payments: ledger.payments(i),
                    paid_date: inv.paid_date,
                };
                penalty::late_interest(&debt, rate, run.rates, date).ok()
            });
            Some(InvoiceLine {
                invoice_index: i,
                invoice_id: &inv.id,
                rule_index: RuleIdx::new(0),
                rule: "",
                open_amount,
                currency: inv.currency,
                days_overdue,
                interest: interest.flatten(),
                // What the statement says the invoice owes comes from the
                // documents (`indemnity_owed`): a late invoice has a line.
                indemnity: late.then_some(Decimal::ZERO),
                reason: String::new(),
                attributes: policy
                    .attributes
                    .iter()
                    .zip(&inv.attributes)
                    .filter(|(a, _)| a.declared)
                    .map(|(a, v)| (a.name.as_str(), v))
                    .collect(),
            })
        })
        .collect();
    let first = ledger.invoice(first);
    let mut statement = Action {
        date,
        customer_id: &first.customer_id,
        action,
        template: Some(template),
        open_amount: Decimal::ZERO,
        currency: first.currency,
        interest: None,
        totals: Vec::new(),
        indemnity: None,
        indemnity_currency: None,
        params: Vec::new(),
        invoices: lines,
    };
    statement.total_per_currency();
    Some(statement)
}
