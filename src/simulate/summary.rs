//! The figures of a replay: volume and workload per kind of action, how far
//! invoices went down the ladder, reminders that crossed a payment, what is
//! left open, and the context of the data (DSO, paid on time, days late).

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::DateRange;
use crate::calendar;
use crate::eval::{Action, InvoiceIdx, Ledger, Run, Status};
use crate::idx::IdxVec;
use crate::money::Currency;
use crate::penalty::InterestError;
use crate::policy::{ActionKind, CalendarKind, RuleIdx};

/// An action counts as having crossed a payment when the invoice was paid
/// within this many days after it.
pub const CROSSED_DAYS: i64 = 3;

/// The figures of a replay (SPEC section 5).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    /// The first day replayed.
    pub from: NaiveDate,
    /// The last day replayed.
    pub to: NaiveDate,
    /// Invoices in the data.
    pub invoices: usize,
    /// Days in the range that are business days (Monday to Friday, French
    /// holidays excluded when the policy uses the French calendar).
    pub business_days: usize,
    /// Actions (after consolidation) per kind.
    pub actions_total: usize,
    /// Per kind of action: volume and workload.
    pub by_kind: BTreeMap<String, KindFigures>,
    /// Actions per month (`2025-03`) and kind.
    pub by_month: BTreeMap<String, BTreeMap<String, usize>>,
    /// Per rule, in ladder order: how many invoices reached that step.
    pub steps: Vec<StepFigures>,
    /// Invoice-level actions on overdue invoices followed by the invoice's payment within 3 days.
    pub crossed_payment: usize,
    /// The first ten of them.
    pub crossed_examples: Vec<Crossed>,
    /// Steps the cooldown deferred that were no longer due when it ended
    /// (their window closed, or a later step became due) on an invoice
    /// still open: reminders lost to the cooldown. Per step in `steps`.
    pub expired_while_deferred: usize,
    /// Invoices open at the end, by their last step (`none` if no step fired).
    pub open_at_end: usize,
    /// Per last step (`none` if no step fired): invoices open at the end.
    pub open_by_last_step: BTreeMap<String, usize>,
    /// Figures from the data, whatever the policy.
    pub context: Context,
    /// Per currency, the penalties owed on the invoices paid late in the
    /// range (paid in full between `from` and `to`, after their due date),
    /// when the policy sets `interest_rate` or `indemnity`.
    pub paid_late: BTreeMap<Currency, PaidLate>,
    /// The same per value of the `segment` attribute, when the policy
    /// declares it (invoices without one under `(none)`): a segment's
    /// indemnities are those of its own invoices.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub paid_late_by_segment: BTreeMap<String, BTreeMap<Currency, PaidLate>>,
    /// Per currency, the credit team's indicators (README, "Indicators").
    pub indicators: BTreeMap<Currency, super::Indicators>,
    /// The same per value of the `segment` attribute, when the policy
    /// declares it (invoices without one under `(none)`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub indicators_by_segment: BTreeMap<String, BTreeMap<Currency, super::Indicators>>,
}

/// The penalties the law gives on invoices paid late (L441-10, D441-5),
/// whatever the policy claimed: interest to the day of payment and the
/// indemnity once per invoice; consumers (`customer_type = consumer`) owe
/// neither.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Default)]
pub struct PaidLate {
    /// Invoices paid late (consumers included).
    pub invoices: usize,
    /// Their late interest, each rounded to the cent, summed.
    pub interest: Decimal,
    /// Invoices whose interest the rate tables could not give (a late day
    /// outside them): not in `interest`.
    pub interest_unknown: usize,
    /// Invoices whose interest has more digits than an exact decimal holds
    /// (an amount near 10^18 with many decimals): not in `interest`,
    /// rather than a rounded figure. Absent from JSON when zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub interest_too_large: usize,
    /// The indemnities in this currency (the policy's `indemnity`
    /// currency), once per professional invoice paid late whatever the
    /// invoice's currency: the law fixes it at 40 EUR (D441-5), also on an
    /// invoice in dollars, and it is never converted.
    pub indemnity: Decimal,
    /// Of those indemnities, how many are on invoices in another currency
    /// (counted under their own currency in `invoices`).
    pub indemnity_other_currencies: usize,
}

impl PaidLate {
    /// Adds the figures of other invoices of the same currency.
    pub(crate) fn add(&mut self, other: &PaidLate) {
        self.invoices += other.invoices;
        self.interest += other.interest;
        self.interest_unknown += other.interest_unknown;
        self.interest_too_large += other.interest_too_large;
        self.indemnity += other.indemnity;
        self.indemnity_other_currencies += other.indemnity_other_currencies;
    }
}

/// The volume and workload of one kind of action.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct KindFigures {
    /// Actions (after consolidation).
    pub actions: usize,
    /// Invoices the actions listed (a consolidated letter of five counts five).
    pub invoices: usize,
    /// The first day with the most actions of this kind.
    pub busiest_day: Option<NaiveDate>,
    /// How many on that day.
    pub busiest_day_actions: usize,
    /// Actions per business day, two decimals.
    pub per_business_day: Decimal,
}

/// How many invoices reached a step of the ladder.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StepFigures {
    /// The rule.
    pub rule: String,
    /// Its action.
    pub action: String,
    /// Invoices it fired for.
    pub invoices: usize,
    /// Times it was due, deferred by the cooldown, and no longer due when
    /// the cooldown ended (the invoice still open).
    pub expired_while_deferred: usize,
}

/// An action followed by the invoice's payment within three days.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Crossed {
    /// The invoice.
    pub invoice_id: String,
    /// The action.
    pub action: String,
    /// The day of the action.
    pub action_date: NaiveDate,
    /// The day the invoice was settled.
    pub paid_date: NaiveDate,
}

/// Figures from the data alone, whatever the policy.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Context {
    /// The currency the money figures are in (the most common one).
    pub currency: Option<Currency>,
    /// Days sales outstanding at the end: receivables open at `to` over the
    /// sales invoiced in the range, times the days of the range.
    pub dso_days: Option<Decimal>,
    /// Of the invoices in `currency` due in the range, the share paid on or
    /// before their due date, in percent (every currency's:
    /// `Indicators::paid_on_time_percent`).
    pub paid_on_time_percent: Option<Decimal>,
    /// Of the invoices in `currency` due in the range and paid by `to`, the
    /// average days paid after the due date (0 for those paid on time; the
    /// unpaid ones do not count: `Indicators::average_days_late_with_unpaid`
    /// counts them).
    pub average_days_late: Option<Decimal>,
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

pub(crate) fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    (den > Decimal::ZERO).then(|| round2(num / den))
}

/// The date an invoice was settled: its paid date, or the day its payments covered it.
pub(crate) fn settled_on(ledger: &Ledger<'_>, invoice: InvoiceIdx) -> Option<NaiveDate> {
    let inv = ledger.invoice(invoice);
    let mut paid = Decimal::ZERO;
    let by_payments = ledger.payments(invoice).iter().find_map(|(d, a)| {
        paid += *a;
        (paid >= inv.amount).then_some(*d)
    });
    match (inv.paid_date, by_payments) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether `day` counts as a business day of the summary: Monday to
/// Friday, without the French holidays with the French calendar (whose
/// `calendar::is_business_day` is true every day without a calendar).
pub(crate) fn is_business_day(calendar: CalendarKind, day: NaiveDate) -> bool {
    match calendar {
        CalendarKind::France => calendar::is_business_day(calendar, day),
        CalendarKind::None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
    }
}

/// The business days of a range (Monday to Friday, without the French
/// holidays with the French calendar).
pub(crate) fn business_days(calendar: CalendarKind, from: NaiveDate, to: NaiveDate) -> usize {
    let mut n = 0;
    let mut d = from;
    while d <= to {
        n += usize::from(is_business_day(calendar, d));
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    n
}

/// How many kinds of action there are: the figures keep one count per kind.
const KINDS: usize = ActionKind::ALL.len();

/// Builds a summary from the actions of a replay, day by day, so a replay
/// of a million invoices never has to hold all its actions.
pub(crate) struct SummaryBuilder<'r, 'a> {
    run: &'r Run<'a>,
    from: NaiveDate,
    to: NaiveDate,
    actions_total: usize,
    /// Per action kind (in `ActionKind::ALL` order): actions, invoices.
    kind_totals: [(usize, usize); KINDS],
    /// Per kind, actions per day of the range.
    per_day: Vec<[usize; KINDS]>,
    /// Per (year, month), actions per kind.
    by_month: BTreeMap<(i32, u32), [usize; KINDS]>,
    /// Per rule, per invoice: reached.
    reached: IdxVec<RuleIdx, IdxVec<InvoiceIdx, bool>>,
    /// Per invoice: the rule of its last action.
    last_step: IdxVec<InvoiceIdx, Option<RuleIdx>>,
    settled: IdxVec<InvoiceIdx, Option<NaiveDate>>,
    crossed: usize,
    crossed_examples: Vec<Crossed>,
}

impl<'r, 'a> SummaryBuilder<'r, 'a> {
    pub fn new(run: &'r Run<'a>, range: DateRange) -> Self {
        let ledger = &run.ledger;
        let n = ledger.invoices.len();
        SummaryBuilder {
            run,
            from: range.from(),
            to: range.to(),
            actions_total: 0,
            kind_totals: [(0, 0); KINDS],
            per_day: vec![[0; KINDS]; range.len()],
            by_month: BTreeMap::new(),
            reached: IdxVec::filled(IdxVec::filled(false, n), run.policy.rules.len()),
            last_step: IdxVec::filled(None, n),
            settled: ledger.indices().map(|i| settled_on(ledger, i)).collect(),
            crossed: 0,
            crossed_examples: Vec::new(),
        }
    }

    /// Adds the actions of one day (or of several, in date order).
    pub fn add(&mut self, actions: &[Action]) {
        for a in actions {
            self.actions_total += 1;
            let kind = a.action.as_str();
            let k = a.action as usize;
            self.kind_totals[k].0 += 1;
            self.kind_totals[k].1 += a.invoices.len();
            let day = (a.date - self.from).num_days();
            if let Some(counts) = usize::try_from(day)
                .ok()
                .and_then(|d| self.per_day.get_mut(d))
            {
                counts[k] += 1;
            }
            self.by_month
                .entry((a.date.year(), a.date.month()))
                .or_insert([0; KINDS])[k] += 1;
            for line in &a.invoices {
                let i = line.invoice_index;
                if i.get() >= self.last_step.len() {
                    continue;
                }
                if let Some(reached) = self.reached.get_mut(line.rule_index) {
                    reached[i] = true;
                }
                self.last_step[i] = Some(line.rule_index);
                // A reminder of an overdue invoice paid right after: the two
                // crossed. (A preventive e-mail followed by payment did its job.)
                // A claim on a paid invoice is not a reminder that crossed a payment.
                let claim = self
                    .run
                    .claim
                    .as_slice()
                    .get(line.rule_index.get())
                    .copied()
                    .unwrap_or(false);
                if let Some(paid) = self.settled[i].filter(|_| line.days_overdue > 0 && !claim) {
                    let limit = a
                        .date
                        .checked_add_days(Days::new(CROSSED_DAYS as u64))
                        .unwrap_or(a.date);
                    if paid >= a.date && paid <= limit {
                        self.crossed += 1;
                        if self.crossed_examples.len() < 10 {
                            self.crossed_examples.push(Crossed {
                                invoice_id: line.invoice_id.to_string(),
                                action: kind.to_string(),
                                action_date: a.date,
                                paid_date: paid,
                            });
                        }
                    }
                }
            }
        }
    }

    /// The summary, with the steps that expired while the cooldown
    /// deferred them.
    pub fn finish(self, expired: &[crate::eval::deferral::Expired]) -> Summary {
        let (policy, ledger) = (self.run.policy, &self.run.ledger);
        let mut expired_by_rule: IdxVec<RuleIdx, usize> = IdxVec::filled(0, policy.rules.len());
        for e in expired {
            if let Some(n) = expired_by_rule.get_mut(e.rule) {
                *n += 1;
            }
        }
        let business = business_days(policy.settings.calendar, self.from, self.to);
        let mut by_kind = BTreeMap::new();
        for kind in ActionKind::ALL {
            let k = kind as usize;
            let (actions, invoices) = self.kind_totals[k];
            if actions == 0 {
                continue;
            }
            // The first day with the most actions of this kind.
            let mut busiest: Option<(usize, usize)> = None;
            for (d, counts) in self.per_day.iter().enumerate() {
                if counts[k] > busiest.map_or(0, |b| b.1) {
                    busiest = Some((d, counts[k]));
                }
            }
            by_kind.insert(
                kind.to_string(),
                KindFigures {
                    actions,
                    invoices,
                    busiest_day: busiest
                        .and_then(|(d, _)| self.from.checked_add_days(Days::new(d as u64))),
                    busiest_day_actions: busiest.map_or(0, |b| b.1),
                    per_business_day: ratio(Decimal::from(actions), Decimal::from(business))
                        .unwrap_or(Decimal::ZERO),
                },
            );
        }
        let by_month = self
            .by_month
            .iter()
            .map(|((y, m), counts)| {
                let kinds = ActionKind::ALL
                    .iter()
                    .filter(|k| counts[**k as usize] > 0)
                    .map(|k| (k.to_string(), counts[*k as usize]))
                    .collect();
                (format!("{y:04}-{m:02}"), kinds)
            })
            .collect();
        let steps = policy
            .rules
            .iter()
            .zip(self.reached.iter())
            .zip(expired_by_rule.iter())
            .map(|((r, set), expired)| StepFigures {
                rule: r.name.clone(),
                action: r.action.kind.to_string(),
                invoices: set.iter().filter(|b| **b).count(),
                expired_while_deferred: *expired,
            })
            .collect();
        let mut open_at_end = 0;
        let mut open_by_last_step: BTreeMap<String, usize> = BTreeMap::new();
        for i in ledger.indices() {
            if let Status::Open(_) = ledger.status(i, self.to) {
                open_at_end += 1;
                let step = self.last_step[i]
                    .and_then(|r| policy.rules.get(r.get()))
                    .map_or("none", |r| r.name.as_str());
                *open_by_last_step.entry(step.to_string()).or_default() += 1;
            }
        }
        let paid_late = self.paid_late(&|_| true);
        let paid_late_by_segment =
            super::indicators::per_segment(self.run, |keep| self.paid_late(keep));
        Summary {
            paid_late,
            paid_late_by_segment,
            indicators: super::indicators::indicators(ledger, self.from, self.to),
            indicators_by_segment: super::indicators::by_segment(self.run, self.from, self.to),
            from: self.from,
            to: self.to,
            invoices: ledger.invoices.len(),
            business_days: business,
            actions_total: self.actions_total,
            by_kind,
            by_month,
            steps,
            crossed_payment: self.crossed,
            crossed_examples: self.crossed_examples,
            expired_while_deferred: expired.len(),
            open_at_end,
            open_by_last_step,
            context: context(ledger, self.from, self.to),
        }
    }

    /// Penalties owed on the invoices paid late in the range, of the
    /// invoices `keep` selects.
    fn paid_late(&self, keep: &dyn Fn(InvoiceIdx) -> bool) -> BTreeMap<Currency, PaidLate> {
        let (run, ledger) = (self.run, &self.run.ledger);
        let settings = &run.policy.settings;
        let mut out: BTreeMap<Currency, PaidLate> = BTreeMap::new();
        if !settings.penalties() {
            return out;
        }
        for i in ledger.indices().filter(|i| keep(*i)) {
            let inv = ledger.invoice(i);
            let Some(paid) = self.settled[i] else {
                continue;
            };
            if paid < self.from || paid > self.to || paid <= inv.due_date {
                continue;
            }
            let figures = out.entry(inv.currency).or_default();
            figures.invoices += 1;
            if run.is_consumer(i) {
                continue;
            }
            if let Some(rate) = settings.interest_rate {
                let debt = crate::penalty::Debt {
                    amount: inv.amount,
                    due_date: inv.due_date,
                    payments: ledger.payments(i),
                    paid_date: Some(paid),
                };
                match crate::penalty::late_interest(&debt, rate, run.rates, paid) {
                    Ok(interest) => figures.interest += interest,
                    Err(InterestError::NoRate(_)) => figures.interest_unknown += 1,
                    Err(InterestError::Overflow) => figures.interest_too_large += 1,
                }
            }
            if let Some(m) = settings.indemnity {
                let own = out.entry(m.currency).or_default();
                own.indemnity += m.amount;
                if m.currency != inv.currency {
                    own.indemnity_other_currencies += 1;
                }
            }
        }
        out
    }
}

fn context(ledger: &Ledger<'_>, from: NaiveDate, to: NaiveDate) -> Context {
    let mut counts: BTreeMap<Currency, usize> = BTreeMap::new();
    for inv in ledger.invoices {
        *counts.entry(inv.currency).or_default() += 1;
    }
    let currency = counts
        .iter()
        .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
        .map(|(c, _)| *c);
    let mut receivable = Decimal::ZERO;
    let mut sales = Decimal::ZERO;
    let (mut due, mut on_time, mut paid, mut late_days) = (0i64, 0i64, 0i64, 0i64);
    for (i, inv) in ledger.indices().zip(ledger.invoices) {
        if Some(inv.currency) == currency {
            if inv.issue_date >= from && inv.issue_date <= to {
                sales += inv.amount;
            }
            if let Status::Open(open) = ledger.status(i, to) {
                receivable += open;
            }
        }
        // The same currency as DSO: `indicators` gives these per currency.
        if Some(inv.currency) == currency && inv.due_date >= from && inv.due_date <= to {
            due += 1;
            match settled_on(ledger, i) {
                Some(p) if p <= to => {
                    paid += 1;
                    let late = (p - inv.due_date).num_days().max(0);
                    late_days += late;
                    if late == 0 {
                        on_time += 1;
                    }
                }
                _ => {}
            }
        }
    }
    let days = Decimal::from((to - from).num_days() + 1);
    Context {
        currency,
        dso_days: ratio(receivable * days, sales),
        paid_on_time_percent: ratio(Decimal::from(on_time * 100), Decimal::from(due)),
        average_days_late: ratio(Decimal::from(late_days), Decimal::from(paid)),
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
