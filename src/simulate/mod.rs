//! A range of days replayed (SPEC section 5): each day evaluated as `plan`
//! would, its actions fed back as history for the next days; the summary a
//! credit manager reads; and the comparison of two policies.

pub mod diff;
pub mod summary;

use chrono::NaiveDate;
use serde::Serialize;

use crate::data::{Invoice, Payment};
use crate::eval::plan::{consolidate, fire};
use crate::eval::{Action, Ledger, State};
use crate::policy::Policy;

pub use summary::Summary;

/// Every action of the replay, day after day, and what they add up to.
#[derive(Clone, Debug, Serialize)]
pub struct Simulation {
    pub summary: Summary,
    pub actions: Vec<Action>,
}

/// Replays every day from `from` to `to` inclusive. `progress` is called
/// after each day with (days done, days in all).
pub fn simulate(
    policy: &Policy,
    invoices: &[Invoice],
    payments: &[Payment],
    from: NaiveDate,
    to: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Simulation {
    let ledger = Ledger::new(invoices, payments);
    let actions = replay(policy, &ledger, from, to, progress);
    let summary = summary::summarize(policy, &ledger, &actions, from, to);
    Simulation { summary, actions }
}

/// The actions of each day, in order: the straightforward evaluation that
/// the result must always equal.
pub fn replay(
    policy: &Policy,
    ledger: &Ledger<'_>,
    from: NaiveDate,
    to: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<Action> {
    let total = usize::try_from((to - from).num_days() + 1).unwrap_or(0);
    let mut state = State::empty(ledger);
    let mut actions = Vec::new();
    let mut day = from;
    let mut done = 0;
    while day <= to {
        let fired = fire(policy, ledger, &state, day);
        actions.extend(consolidate(policy, ledger, &state, day, &fired));
        for f in &fired {
            state.record(ledger, f.invoice, Some(f.rule), day);
        }
        done += 1;
        progress(done, total);
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    actions
}
