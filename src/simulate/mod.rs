//! A range of days replayed (SPEC section 5): each day evaluated as `plan`
//! would, its actions fed back as history for the next days; the summary a
//! credit manager reads; and the comparison of two policies.
//!
//! [`replay`] is the one entry point: the library's [`simulate`], the
//! command line and the benchmark all go through it. It runs the
//! event-driven engine (`events`) unless told to run the reference one
//! (`reference`): every open invoice every day, simple and slow, which the
//! property tests compare the fast one with.

mod book;
pub(crate) mod diff;
mod events;
pub(crate) mod indicators;
mod range;
mod reference;
pub(crate) mod summary;

use serde::Serialize;

use crate::data::RunData;
use crate::eval::{Action, Run, State};
use crate::policy::Policy;

pub use book::{explain_book, plan_book, replay_book};
pub use diff::{
    diff, diff_books, diff_replays, Diff, DiffSide, IndicatorChange, InvoiceChange, KindChange,
};
pub use indicators::{Indicators, AGE_BUCKETS, NO_SEGMENT};
pub use range::{DateRange, DateRangeError};
pub use summary::{Context, Crossed, KindFigures, PaidLate, StepFigures, Summary};

/// Every action of a replay, day after day, and what they add up to.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Simulation<'a> {
    /// The figures of the replay.
    pub summary: Summary,
    /// Every action, by day, each day's in the order of SPEC 4.12.
    pub actions: Vec<Action<'a>>,
}

impl<'a> Simulation<'a> {
    /// A replay's summary and actions.
    pub fn new(summary: Summary, actions: Vec<Action<'a>>) -> Self {
        Simulation { summary, actions }
    }
}

/// Which engine replays the days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Engine {
    /// Each invoice evaluated only on the days its decision can change,
    /// customers split across threads: the fast one.
    #[default]
    EventDriven,
    /// Every open invoice evaluated every day: the reference the fast
    /// engine is tested against, exactly as `plan` run every morning.
    EveryDay,
}

/// How to run a replay. The default uses the event-driven engine on one
/// thread per core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplayOptions {
    /// Threads of the event-driven engine (customers are split between
    /// them); at least one.
    pub threads: usize,
    /// The engine.
    pub engine: Engine,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            engine: Engine::EventDriven,
        }
    }
}

impl ReplayOptions {
    /// The same options on `threads` threads.
    pub fn threads(self, threads: usize) -> Self {
        ReplayOptions {
            threads: threads.max(1),
            ..self
        }
    }

    /// The same options with another engine.
    pub fn engine(self, engine: Engine) -> Self {
        ReplayOptions { engine, ..self }
    }
}

/// Replays every day of `range`, handing each day's actions to `on_day` as
/// soon as they are known (in day order, one call per day, so they can be
/// written out without being kept), and returns the summary. The history
/// of `data` dated before the range is what was done before it.
pub fn replay<'a>(
    policy: &'a Policy,
    data: RunData<'a, '_>,
    range: DateRange,
    options: ReplayOptions,
    on_day: &mut dyn FnMut(Vec<Action<'a>>),
) -> Summary {
    replay_run(&Run::new(policy, data), data, range, options, on_day)
}

/// [`replay`] of a run already indexed (a book's policy, with the other
/// policies' contacts in its ledger).
fn replay_run<'a>(
    run: &Run<'a>,
    data: RunData<'a, '_>,
    range: DateRange,
    options: ReplayOptions,
    on_day: &mut dyn FnMut(Vec<Action<'a>>),
) -> Summary {
    let start = match range.from().pred_opt() {
        Some(before) => State::from_history(run, data.history, before),
        None => State::empty(run),
    };
    let mut summary = summary::SummaryBuilder::new(run, range);
    let mut sink = |day: Vec<Action<'a>>| {
        summary.add(&day);
        on_day(day);
    };
    let expired = match options.engine {
        Engine::EventDriven => events::run(run, start, range, options.threads, &mut sink),
        Engine::EveryDay => reference::run(run, &start, range, &mut sink),
    };
    summary.finish(&expired)
}

/// The day each invoice of `data` was paid in full (by its paid date or
/// its payments, whichever came first), in the data's order; none for an
/// invoice never paid.
pub fn settled_dates(policy: &Policy, data: RunData<'_, '_>) -> Vec<Option<chrono::NaiveDate>> {
    let run = Run::new(policy, data);
    run.ledger
        .indices()
        .map(|i| summary::settled_on(&run.ledger, i))
        .collect()
}

/// Replays every day of `range` and keeps every action.
pub fn simulate<'a>(policy: &'a Policy, data: RunData<'a, '_>, range: DateRange) -> Simulation<'a> {
    let mut actions = Vec::new();
    let summary = replay(policy, data, range, ReplayOptions::default(), &mut |day| {
        actions.extend(day)
    });
    Simulation { summary, actions }
}
