//! One book, several policies (`scope`): each policy runs on the invoices
//! routed to it (`data::route`), and the contacts one policy makes count
//! for the cooldown and `last_contact` of the others, customer by customer.
//!
//! The policies of a book decide each morning from the same state, so a
//! contact made by one policy counts for the others from the next day on
//! (several actions to one customer on one day are one contact). A day's
//! plan reads the other policies' contacts from the history. A replay
//! cannot know them in advance: it replays every policy with the contacts
//! the others made in the previous round, until no policy's contacts
//! change. Each round is right on at least one more day than the one
//! before (a day's decisions read only earlier contacts), so this ends, and
//! ends on what daily plans fed back would give; a book whose customers
//! each belong to one policy needs one round.

use chrono::NaiveDate;

use super::{replay_run, DateRange, ReplayOptions, Simulation};
use crate::data::{HistoryEntry, RunData};
use crate::eval::explain::{expired_before, explain};
use crate::eval::{plan::plan_day, Action, Explanation, Plan, Run, State};
use crate::policy::Policy;

/// The contacts of the history dated on or before `until` with invoices
/// not in `run` (other policies' invoices, or invoices no longer in the
/// snapshot), by customer id; none for a policy `alone`.
fn history_contacts<'h>(
    run: &Run<'_>,
    history: &'h [HistoryEntry],
    until: Option<NaiveDate>,
    alone: bool,
) -> Vec<(&'h str, NaiveDate)> {
    let Some(until) = until else {
        return Vec::new();
    };
    if alone {
        // One policy alone: history rows of invoices not in the snapshot are
        // skipped, as `plan` does.
        return Vec::new();
    }
    history
        .iter()
        .filter(|e| {
            e.date <= until
                && e.action.is_contact()
                && run.ledger.invoice_by_id(&e.invoice_id).is_none()
        })
        .map(|e| (e.customer_id.as_str(), e.date))
        .collect()
}

/// One day's plan of a book: `data[p]` holds the invoices routed to
/// `policies[p]` (`data::route`) and the whole book's history. One plan,
/// its actions in the order of SPEC 4.12.
pub fn plan_book<'a>(
    policies: &[&'a Policy],
    data: &[RunData<'a, '_>],
    date: NaiveDate,
) -> Plan<'a> {
    let mut actions = Vec::new();
    for (policy, data) in policies.iter().zip(data) {
        let mut run = Run::new(policy, *data);
        let contacts = history_contacts(&run, data.history, Some(date), policies.len() == 1);
        run.ledger.set_book_contacts(&contacts);
        let state = State::from_history(&run, data.history, date);
        actions.extend(plan_day(&run, &state, date).actions);
    }
    sort(&mut actions);
    Plan { date, actions }
}

/// Why each rule of the policy `invoice_id` is routed to did or did not
/// fire for it on `date`, the other policies' contacts counted as
/// [`plan_book`] counts them: that policy's place in `policies` and the
/// explanation; `None` when no policy has that invoice. `data` as for
/// [`plan_book`].
pub fn explain_book(
    policies: &[&Policy],
    data: &[RunData<'_, '_>],
    date: NaiveDate,
    invoice_id: &str,
) -> Option<(usize, Explanation)> {
    for (p, (policy, data)) in policies.iter().zip(data).enumerate() {
        let mut run = Run::new(policy, *data);
        let Some(index) = run.ledger.invoice_by_id(invoice_id) else {
            continue;
        };
        let contacts = history_contacts(&run, data.history, Some(date), policies.len() == 1);
        run.ledger.set_book_contacts(&contacts);
        let state = State::from_history(&run, data.history, date);
        let expired = expired_before(&run, data.history, index, date);
        return Some((p, explain(&run, &state, index, date, &expired)));
    }
    None
}

fn sort(actions: &mut [Action<'_>]) {
    actions.sort_by(|a, b| (a.date, a.order_key()).cmp(&(b.date, b.order_key())));
}

/// The replay of a book over `range`: per policy (in the order given), its
/// simulation of the invoices routed to it, the contacts of the others
/// counted. `data` as for [`plan_book`].
pub fn replay_book<'a>(
    policies: &[&'a Policy],
    data: &[RunData<'a, '_>],
    range: DateRange,
    options: ReplayOptions,
) -> Vec<Simulation<'a>> {
    let before = range.from().pred_opt();
    let mut runs: Vec<Run<'a>> = policies
        .iter()
        .zip(data)
        .map(|(p, d)| Run::new(p, *d))
        .collect();
    let from_history: Vec<Vec<(&str, NaiveDate)>> = runs
        .iter()
        .zip(data)
        .map(|(run, d)| history_contacts(run, d.history, before, policies.len() == 1))
        .collect();
    let customers: Vec<std::collections::HashSet<&str>> = runs
        .iter()
        .map(|r| r.ledger.customers.iter().copied().collect())
        .collect();
    // Per policy, the days it contacted each customer in the last round.
    let mut made: Vec<Vec<(&'a str, NaiveDate)>> = vec![Vec::new(); runs.len()];
    // Per policy, the others' contacts its last replay counted.
    let mut counted: Vec<Option<Vec<(&str, NaiveDate)>>> = vec![None; runs.len()];
    let mut results: Vec<Option<Simulation<'a>>> = vec![None; runs.len()];
    let rounds = range.days().count() + 2;
    for _ in 0..rounds {
        let mut changed = false;
        for p in 0..runs.len() {
            let mut others: Vec<(&str, NaiveDate)> = from_history[p].clone();
            for (q, contacts) in made.iter().enumerate() {
                if q != p {
                    others.extend(contacts.iter().filter(|(c, _)| customers[p].contains(c)));
                }
            }
            others.sort_unstable();
            others.dedup();
            if counted[p].as_ref() == Some(&others) {
                continue;
            }
            changed = true;
            runs[p].ledger.set_book_contacts(&others);
            let mut actions = Vec::new();
            let summary = replay_run(&runs[p], data[p], range, options, &mut |day| {
                actions.extend(day)
            });
            made[p] = actions
                .iter()
                .filter(|a| a.action.is_contact())
                .map(|a| (a.customer_id, a.date))
                .collect();
            made[p].dedup();
            results[p] = Some(Simulation::new(summary, actions));
            counted[p] = Some(others);
        }
        if !changed {
            break;
        }
    }
    results.into_iter().flatten().collect()
}
