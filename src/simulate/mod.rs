//! A range of days replayed (SPEC section 5): each day evaluated as `plan`
//! would, its actions fed back as history for the next days; the summary a
//! credit manager reads; and the comparison of two policies.

pub mod diff;
pub mod events;
pub mod summary;

use chrono::NaiveDate;
use serde::Serialize;

use crate::data::{Invoice, Payment};
use crate::eval::plan::{fire, Consolidator};
use crate::eval::{Action, Ledger, State};
use crate::policy::Policy;

pub use summary::{Summary, SummaryBuilder};

/// Every action of the replay, day after day, and what they add up to.
#[derive(Clone, Debug, Serialize)]
pub struct Simulation<'a> {
    pub summary: Summary,
    pub actions: Vec<Action<'a>>,
}

/// Replays every day from `from` to `to` inclusive, keeping every action.
/// `progress` is called after each day with (days done, days in all).
pub fn simulate<'a>(
    policy: &'a Policy,
    invoices: &'a [Invoice],
    payments: &[Payment],
    from: NaiveDate,
    to: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Simulation<'a> {
    let ledger = Ledger::new(invoices, payments);
    let mut builder = SummaryBuilder::new(policy, &ledger, from, to);
    let mut actions = Vec::new();
    events::replay_events(policy, &ledger, from, to, threads(), progress, &mut |day| {
        builder.add(&day);
        actions.extend(day);
    });
    Simulation {
        summary: builder.finish(),
        actions,
    }
}

/// Threads for a replay: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Replays the days, handing each day's actions to `sink` as soon as they
/// are known (so they can be written out without being kept), and returns
/// the summary. This is the straightforward evaluation: every open invoice,
/// every day.
pub fn replay<'a>(
    policy: &'a Policy,
    ledger: &Ledger<'a>,
    from: NaiveDate,
    to: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
    sink: &mut dyn FnMut(Vec<Action<'a>>),
) {
    let consolidator = Consolidator::new(policy, ledger);
    let total = usize::try_from((to - from).num_days() + 1).unwrap_or(0);
    let mut state = State::empty(ledger);
    let mut day = from;
    let mut done = 0;
    while day <= to {
        let fired = fire(policy, ledger, &state, day);
        sink(consolidator.consolidate(&state, day, &fired));
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
}
