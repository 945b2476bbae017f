//! What was already done, as the evaluator needs it: per invoice the steps
//! fired (and when), per customer the last contact.

use chrono::NaiveDate;

use super::ledger::{CustomerIdx, InvoiceIdx};
use super::Run;
use crate::data::HistoryEntry;
use crate::idx::IdxVec;
use crate::policy::RuleIdx;

#[derive(Clone, Debug, Default)]
pub(crate) struct InvoiceHistory {
    /// The steps fired, in firing order. Kept small: a year's replay of a
    /// million invoices holds one of these lists per invoice.
    fired: Vec<FiredStep>,
    /// The most advanced step fired so far: nothing before it fires again.
    pub highest: Option<RuleIdx>,
    /// Actions taken for this invoice, whatever the rule (older policies included).
    pub reminders: u32,
    /// The first action taken after the due date: the one that claimed the
    /// flat indemnity, owed once per invoice.
    pub first_late_action: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug)]
struct FiredStep {
    rule: RuleIdx,
    /// The last day it fired.
    last: NaiveDate,
}

impl InvoiceHistory {
    pub fn last_fired(&self, rule: RuleIdx) -> Option<NaiveDate> {
        self.step(rule).map(|s| s.last)
    }

    pub fn has_fired(&self, rule: RuleIdx) -> bool {
        self.step(rule).is_some()
    }

    fn step(&self, rule: RuleIdx) -> Option<&FiredStep> {
        self.fired.iter().find(|s| s.rule == rule)
    }

    /// An action taken on `date`: a step of the policy, or (`None`) a rule
    /// it no longer has.
    pub fn record(&mut self, rule: Option<RuleIdx>, date: NaiveDate) {
        self.reminders += 1;
        if let Some(rule) = rule {
            match self.fired.iter_mut().find(|s| s.rule == rule) {
                Some(step) => step.last = step.last.max(date),
                None => self.fired.push(FiredStep { rule, last: date }),
            }
            self.highest = Some(self.highest.map_or(rule, |h| h.max(rule)));
        }
    }
}

/// The state the ladder reads: built from a history file, and grown day by
/// day by the replay.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub invoices: IdxVec<InvoiceIdx, InvoiceHistory>,
    /// Per customer, the last day they were contacted.
    pub last_contact: IdxVec<CustomerIdx, Option<NaiveDate>>,
}

impl State {
    /// Nothing done yet.
    pub fn empty(run: &Run<'_>) -> Self {
        State {
            invoices: IdxVec::filled(InvoiceHistory::default(), run.ledger.invoices.len()),
            last_contact: IdxVec::filled(None, run.ledger.customers.len()),
        }
    }

    /// The state after the history entries dated on or before `until`.
    /// Rules no longer in the policy still count as contacts and reminders,
    /// but not as steps.
    ///
    /// An entry for an invoice not in the ledger (paid and dropped from an
    /// open-items export; the loader reports them) still counts as a
    /// contact of its customer, if the customer has invoices here: the
    /// cooldown and `last_contact` are about the customer, and a replay
    /// over the full invoice file counts that contact too. Without it, the
    /// day's export would decide differently from the replay of the same
    /// days.
    pub fn from_history(run: &Run<'_>, entries: &[HistoryEntry], until: NaiveDate) -> Self {
        let mut state = State::empty(run);
        let mut sorted: Vec<&HistoryEntry> = entries.iter().filter(|e| e.date <= until).collect();
        sorted.sort_by_key(|e| e.date);
        for entry in sorted {
            state.record_entry(run, entry);
        }
        state
    }

    /// One history entry: see [`State::from_history`].
    pub fn record_entry(&mut self, run: &Run<'_>, entry: &HistoryEntry) {
        let Some(&i) = run.ledger.index.get(entry.invoice_id.as_str()) else {
            if entry.action.is_contact() {
                if let Some(&c) = run.ledger.customer_index.get(entry.customer_id.as_str()) {
                    let last = &mut self.last_contact[c];
                    *last = Some(last.map_or(entry.date, |d| d.max(entry.date)));
                }
            }
            return;
        };
        let rule = run.policy.rule_index(&entry.rule);
        self.record(run, i, rule, entry.action.is_contact(), entry.date);
    }

    /// The last contact with the invoice's customer on or before `date`: an
    /// action of dunning, or a contact made outside it (an account event).
    pub fn last_contact(
        &self,
        run: &Run<'_>,
        invoice: InvoiceIdx,
        date: NaiveDate,
    ) -> Option<NaiveDate> {
        let c = run.ledger.customer_of[invoice];
        let outside = run.ledger.last_outside_contact(c, date);
        self.last_contact[c].max(outside)
    }

    /// An action for `invoice` on `date`, by `rule` (`None`: a rule the
    /// policy no longer has); `contact`: it reached the customer
    /// (`ActionKind::is_contact`).
    pub fn record(
        &mut self,
        run: &Run<'_>,
        invoice: InvoiceIdx,
        rule: Option<RuleIdx>,
        contact: bool,
        date: NaiveDate,
    ) {
        let history = &mut self.invoices[invoice];
        history.record(rule, date);
        if date > run.ledger.invoice(invoice).due_date {
            history.first_late_action =
                Some(history.first_late_action.map_or(date, |d| d.min(date)));
        }
        if contact {
            let c = run.ledger.customer_of[invoice];
            self.last_contact[c] = Some(self.last_contact[c].map_or(date, |d| d.max(date)));
        }
    }
}
