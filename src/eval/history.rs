//! What was already done, as the evaluator needs it: per invoice the steps
//! fired (and when), per customer the last contact.

use chrono::NaiveDate;

use super::ledger::Ledger;
use crate::data::HistoryEntry;
use crate::policy::Policy;

#[derive(Clone, Debug, Default)]
pub struct InvoiceHistory {
    /// The steps fired, in firing order. Kept small: a year's replay of a
    /// million invoices holds one of these lists per invoice.
    fired: Vec<FiredStep>,
    /// The most advanced step fired so far: nothing before it fires again.
    pub highest: Option<usize>,
    /// Actions taken for this invoice, whatever the rule (older policies included).
    pub reminders: u32,
}

#[derive(Clone, Copy, Debug)]
struct FiredStep {
    /// The rule's index (a policy has far fewer than 2^32 rules).
    rule: u32,
    /// The last day it fired.
    last: NaiveDate,
}

impl InvoiceHistory {
    pub fn last_fired(&self, rule: usize) -> Option<NaiveDate> {
        self.step(rule).map(|s| s.last)
    }

    pub fn has_fired(&self, rule: usize) -> bool {
        self.step(rule).is_some()
    }

    fn step(&self, rule: usize) -> Option<&FiredStep> {
        self.fired.iter().find(|s| s.rule as usize == rule)
    }

    pub fn record(&mut self, rule: Option<usize>, date: NaiveDate) {
        self.reminders += 1;
        if let Some(rule) = rule {
            match self.fired.iter_mut().find(|s| s.rule as usize == rule) {
                Some(step) => step.last = step.last.max(date),
                None => self.fired.push(FiredStep {
                    rule: rule as u32,
                    last: date,
                }),
            }
            self.highest = Some(self.highest.map_or(rule, |h| h.max(rule)));
        }
    }
}

/// The state the ladder reads: built from a history file, and grown day by
/// day by the simulator.
#[derive(Clone, Debug)]
pub struct State {
    pub invoices: Vec<InvoiceHistory>,
    /// Per customer number, the last day they were contacted.
    pub last_contact: Vec<Option<NaiveDate>>,
}

impl State {
    pub fn empty(ledger: &Ledger<'_>) -> Self {
        State {
            invoices: vec![InvoiceHistory::default(); ledger.invoices.len()],
            last_contact: vec![None; ledger.customers.len()],
        }
    }

    /// The state after the history entries dated on or before `until`.
    /// Entries for invoices not in the ledger are reported by the loader;
    /// here they are skipped. Rules no longer in the policy still count as
    /// contacts and reminders, but not as steps.
    pub fn from_history(
        policy: &Policy,
        ledger: &Ledger<'_>,
        entries: &[HistoryEntry],
        until: NaiveDate,
    ) -> Self {
        let mut state = State::empty(ledger);
        let mut sorted: Vec<&HistoryEntry> = entries.iter().filter(|e| e.date <= until).collect();
        sorted.sort_by_key(|e| e.date);
        for entry in sorted {
            let Some(&i) = ledger.index.get(entry.invoice_id.as_str()) else {
                continue;
            };
            state.record(
                ledger,
                i,
                policy
                    .rule_index(&entry.rule)
                    .map(crate::policy::RuleIdx::get),
                entry.date,
            );
        }
        state
    }

    pub fn record(
        &mut self,
        ledger: &Ledger<'_>,
        invoice: usize,
        rule: Option<usize>,
        date: NaiveDate,
    ) {
        self.invoices[invoice].record(rule, date);
        let c = ledger.customer_of[invoice] as usize;
        self.last_contact[c] = Some(self.last_contact[c].map_or(date, |d| d.max(date)));
    }
}
