//! What was already done, as the evaluator needs it: per invoice the steps
//! fired (and when), per customer the last contact.

use chrono::NaiveDate;

use super::ledger::{CustomerIdx, InvoiceIdx};
use super::Run;
use crate::data::HistoryEntry;
use crate::idx::IdxVec;
use crate::policy::RuleIdx;

/// What was done for one invoice. Kept small (24 bytes, and one exact
/// allocation once a step fired): a year's replay of a million invoices
/// holds one per invoice and thread.
#[derive(Clone, Debug, Default)]
pub(crate) struct InvoiceHistory {
    /// The steps fired, in firing order: a boxed slice grown by one when a
    /// new step fires (a handful per invoice at most).
    fired: Box<[FiredStep]>,
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
    /// The most advanced step fired so far: nothing before it fires again.
    pub fn highest(&self) -> Option<RuleIdx> {
        self.fired.iter().map(|s| s.rule).max()
    }

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
                None => {
                    let mut fired = std::mem::take(&mut self.fired).into_vec();
                    fired.reserve_exact(1);
                    fired.push(FiredStep { rule, last: date });
                    self.fired = fired.into_boxed_slice();
                }
            }
        }
    }
}

/// The state the ladder reads: built from a history file, and grown day by
/// day by the replay.
#[derive(Clone, Debug)]
pub(crate) struct State {
    /// Per invoice, what was done for it: by `InvoiceIdx`, or, in a
    /// thread's share of a replay (`State::split`), by `slots`.
    histories: Vec<InvoiceHistory>,
    /// Per invoice, its place in `histories`, when they are a thread's share.
    slots: Option<std::sync::Arc<[u32]>>,
    /// Per customer, the last day they were contacted.
    pub last_contact: IdxVec<CustomerIdx, Option<NaiveDate>>,
}

impl State {
    /// What was done for the invoice.
    pub fn history(&self, invoice: InvoiceIdx) -> &InvoiceHistory {
        &self.histories[self.slot(invoice)]
    }

    fn history_mut(&mut self, invoice: InvoiceIdx) -> &mut InvoiceHistory {
        let slot = self.slot(invoice);
        &mut self.histories[slot]
    }

    fn slot(&self, invoice: InvoiceIdx) -> usize {
        match &self.slots {
            None => invoice.get(),
            Some(slots) => slots[invoice.get()] as usize,
        }
    }

    /// One state per group of invoices (a replay's threads: whole
    /// customers each), holding only the histories of its invoices, moved
    /// from this one. A copy of the whole state per thread was, after the
    /// invoices themselves, the largest allocation of a replay.
    pub fn split(mut self, groups: &[Vec<InvoiceIdx>]) -> Vec<State> {
        let mut slots = vec![u32::MAX; self.histories.len()];
        for group in groups {
            for (k, &i) in group.iter().enumerate() {
                slots[i.get()] = k as u32;
            }
        }
        let slots: std::sync::Arc<[u32]> = slots.into();
        groups
            .iter()
            .map(|group| State {
                histories: group
                    .iter()
                    .map(|&i| {
                        let slot = self.slot(i);
                        std::mem::take(&mut self.histories[slot])
                    })
                    .collect(),
                slots: Some(slots.clone()),
                last_contact: self.last_contact.clone(),
            })
            .collect()
    }

    /// Nothing done yet.
    pub fn empty(run: &Run<'_>) -> Self {
        State {
            histories: vec![InvoiceHistory::default(); run.ledger.invoices.len()],
            slots: None,
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
        let Some(i) = run.ledger.invoice_by_id(&entry.invoice_id) else {
            if entry.action.is_contact() {
                if let Some(c) = run.ledger.customer_by_id(&entry.customer_id) {
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
        let history = self.history_mut(invoice);
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
