//! Steps the cooldown deferred that never fired: the step was due, the
//! cooldown held it, and before the cooldown ended the step stopped being
//! the one due (its window closed, or a later step became due) while the
//! invoice was still open. Such a step is lost; the summary counts them and
//! `explain` names them, so that nothing is lost to the cooldown silently.
//!
//! Both replay engines and `explain` feed every decision they make, in day
//! order, to one [`Deferrals`]: the event-driven engine evaluates an
//! invoice on every day its decision can change, so it sees the same
//! sequence of distinct decisions as the every-day engine.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::decide::{Decision, DeferredBy};
use super::ledger::{InvoiceIdx, Status};
use super::Run;
use crate::policy::RuleIdx;

/// A step deferred by the cooldown that expired before it could fire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Expired {
    /// The invoice.
    #[serde(skip)]
    pub invoice: InvoiceIdx,
    /// The step.
    #[serde(skip)]
    pub rule: RuleIdx,
    /// The first day the cooldown deferred it.
    pub deferred_on: NaiveDate,
    /// The first day it was no longer the step due.
    pub expired_on: NaiveDate,
}

/// Per invoice, the step the cooldown holds back, since when. A map: few
/// invoices wait at a time, and each shard of a replay of a million
/// invoices keeps one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Deferrals {
    pending: HashMap<InvoiceIdx, (RuleIdx, NaiveDate)>,
}

impl Deferrals {
    pub fn new() -> Self {
        Deferrals::default()
    }

    /// The decision for `invoice` on `day`, after those of the days before
    /// it: the step it lost, if the cooldown held one that is no longer due.
    pub fn observe(
        &mut self,
        run: &Run<'_>,
        invoice: InvoiceIdx,
        day: NaiveDate,
        decision: &Decision,
    ) -> Option<Expired> {
        let pending = self.pending.get(&invoice).copied();
        // Paid (or not open for another reason): not lost, settled.
        if !matches!(run.ledger.status(invoice, day), Status::Open(_)) {
            self.pending.remove(&invoice);
            return None;
        }
        let (next, still) = match *decision {
            Decision::Deferred {
                rule,
                by: DeferredBy::Cooldown,
                ..
            } => {
                let since = pending.filter(|(r, _)| *r == rule).map_or(day, |(_, d)| d);
                (Some((rule, since)), Some(rule))
            }
            // A business day, a pause or the minimum hold the step for
            // another reason: it is not lost yet.
            Decision::Deferred { rule, .. } => (pending.filter(|(r, _)| *r == rule), Some(rule)),
            Decision::Paused { .. } | Decision::BelowMinimum { .. } => (pending, None),
            Decision::Fire { rule, .. } => (None, Some(rule)),
            Decision::Nothing => (None, None),
            Decision::NotOpen(_) => (None, None),
        };
        match next {
            Some(p) => self.pending.insert(invoice, p),
            None => self.pending.remove(&invoice),
        };
        match (pending, decision) {
            (Some(_), Decision::Paused { .. } | Decision::BelowMinimum { .. }) => None,
            (Some((rule, since)), _) if still != Some(rule) => Some(Expired {
                invoice,
                rule,
                deferred_on: since,
                expired_on: day,
            }),
            _ => None,
        }
    }
}
