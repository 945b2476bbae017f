//! The reference replay: every open invoice, every day, exactly as `plan`
//! run every morning with the previous days' actions as history. Simple and
//! slow; the event-driven engine (`events`) must give exactly its actions,
//! which the property tests check on random policies and data.

use rayon::prelude::*;

use super::DateRange;
use crate::eval::decide::{decide, Decision};
use crate::eval::deferral::{Deferrals, Expired};
use crate::eval::plan::{Consolidator, Fired};
use crate::eval::{Action, InvoiceIdx, Run, State};

/// Replays the days of `range` from the state `start`, handing each day's
/// actions to `sink`; returns the steps that expired while the cooldown
/// deferred them.
pub(super) fn run<'a>(
    run: &Run<'a>,
    start: &State,
    range: DateRange,
    sink: &mut dyn FnMut(Vec<Action<'a>>),
) -> Vec<Expired> {
    let consolidator = Consolidator::new(run);
    let mut state = start.clone();
    let mut deferrals = Deferrals::new();
    let mut expired = Vec::new();
    for day in range.days() {
        let decisions: Vec<Decision> = (0..run.ledger.invoices.len())
            .into_par_iter()
            .map(|i| decide(run, &state, InvoiceIdx::new(i), day))
            .collect();
        let mut fired = Vec::new();
        for (i, decision) in decisions.iter().enumerate() {
            let invoice = InvoiceIdx::new(i);
            expired.extend(deferrals.observe(run, invoice, day, decision));
            if let Decision::Fire { rule, open_amount } = *decision {
                fired.push(Fired {
                    invoice,
                    rule,
                    open_amount,
                });
            }
        }
        sink(consolidator.consolidate(&state, day, &fired));
        for f in &fired {
            let contact = run.policy.rule(f.rule).action.kind.is_contact();
            state.record(run, f.invoice, Some(f.rule), contact, day);
        }
    }
    expired
}
