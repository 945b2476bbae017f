//! The reference replay: every open invoice, every day, exactly as `plan`
//! run every morning with the previous days' actions as history. Simple and
//! slow; the event-driven engine (`events`) must give exactly its actions,
//! which the property tests check on random policies and data.

use super::DateRange;
use crate::eval::plan::{fire, Consolidator};
use crate::eval::{Action, Run, State};

/// Replays the days of `range` from the state `start`, handing each day's
/// actions to `sink`.
pub(super) fn run<'a>(
    run: &Run<'a>,
    start: &State,
    range: DateRange,
    sink: &mut dyn FnMut(Vec<Action<'a>>),
) {
    let consolidator = Consolidator::new(run);
    let mut state = start.clone();
    for day in range.days() {
        let fired = fire(run, &state, day);
        sink(consolidator.consolidate(&state, day, &fired));
        for f in &fired {
            let contact = run.policy.rule(f.rule).action.kind.is_contact();
            state.record(run, f.invoice, Some(f.rule), contact, day);
        }
    }
}
