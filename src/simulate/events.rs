//! The fast replay: each invoice is evaluated only on the days its decision
//! can change, and customers (who never affect each other) are split
//! across threads.
//!
//! An invoice's decision on a day depends on the day only through
//! comparisons of day counts (`overdue`, `due_in`, `age`, `last_contact`,
//! date attributes against `today`), its payments, its own history, its
//! customer's last contact, and the calendar. All of these change on days
//! known in advance, or when something fires: after each evaluation the
//! invoice sleeps until the first such day. The result is exactly the
//! straightforward replay's (`super::replay`), which the property tests
//! check on random policies and data.

use std::sync::mpsc;

use chrono::{Days, NaiveDate};

use crate::eval::decide::{decide, Decision};
use crate::eval::plan::{consolidate, Fired};
use crate::eval::{Action, Ledger, State, Status};
use crate::policy::{Condition, Fact, Policy, Value};

/// A comparison whose truth moves with the day: `kind op value`.
#[derive(Clone, Copy, Debug)]
enum Moving {
    /// `overdue op v`: flips around due + v.
    Overdue(i64),
    /// `due_in op v`: flips around due - v.
    DueIn(i64),
    /// `age op v`: flips around issue + v.
    Age(i64),
    /// `last_contact op v`: flips around last contact + v.
    LastContact(i64),
    /// A date attribute against `today`: flips around that date.
    DateAttribute(usize),
}

/// Every moving comparison of the policy's rules and pauses.
fn moving_comparisons(policy: &Policy) -> Vec<Moving> {
    fn walk(c: &Condition, out: &mut Vec<Moving>) {
        match c {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|i| walk(i, out))
            }
            Condition::Not(inner) => walk(inner, out),
            Condition::Compare { fact, value, .. } => push(*fact, value, out),
            Condition::In { fact, values } => values.iter().for_each(|v| push(*fact, v, out)),
            Condition::Flag(_) | Condition::Fired(_) => {}
        }
    }
    fn push(fact: Fact, value: &Value, out: &mut Vec<Moving>) {
        match (fact, value) {
            (Fact::Overdue, Value::Days(v)) => out.push(Moving::Overdue(*v)),
            (Fact::DueIn, Value::Days(v)) => out.push(Moving::DueIn(*v)),
            (Fact::Age, Value::Days(v)) => out.push(Moving::Age(*v)),
            (Fact::LastContact, Value::Days(v)) => out.push(Moving::LastContact(*v)),
            (Fact::Attribute(i), Value::Today) => out.push(Moving::DateAttribute(i)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for rule in &policy.rules {
        walk(&rule.condition, &mut out);
    }
    for pause in &policy.pauses {
        walk(&pause.condition, &mut out);
    }
    out
}

fn add(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

struct Replay<'p, 'l> {
    policy: &'p Policy,
    ledger: &'l Ledger<'l>,
    moving: Vec<Moving>,
    uses_last_contact: bool,
    from: NaiveDate,
    days: usize,
}

impl Replay<'_, '_> {
    fn offset(&self, date: NaiveDate) -> Option<usize> {
        let k = (date - self.from).num_days();
        (k >= 0 && (k as usize) < self.days).then_some(k as usize)
    }

    /// The first day after `day` when something the decision reads may change.
    fn next_change(&self, state: &State, invoice: usize, day: NaiveDate) -> Option<NaiveDate> {
        let inv = &self.ledger.invoices[invoice];
        let mut best: Option<NaiveDate> = None;
        let mut consider = |d: Option<NaiveDate>| {
            if let Some(d) = d {
                if d > day && best.is_none_or(|b| d < b) {
                    best = Some(d);
                }
            }
        };
        let last_contact = state.last_contact[self.ledger.customer_of[invoice] as usize];
        for m in &self.moving {
            let pivot = match *m {
                Moving::Overdue(v) => add(inv.due_date, v),
                Moving::DueIn(v) => add(inv.due_date, -v),
                Moving::Age(v) => add(inv.issue_date, v),
                Moving::LastContact(v) => last_contact.and_then(|l| add(l, v)),
                Moving::DateAttribute(i) => match inv.attributes.get(i) {
                    Some(crate::data::AttrValue::Date(d)) => Some(*d),
                    _ => None,
                },
            };
            // Whatever the operator, the truth can only flip on the pivot or the day after.
            consider(pivot);
            consider(pivot.and_then(|p| p.succ_opt()));
        }
        consider(inv.paid_date);
        for (d, _) in self.ledger.payments(invoice) {
            if *d > day {
                consider(Some(*d));
                break;
            }
        }
        let history = &state.invoices[invoice];
        if let Some(h) = history.highest {
            if let (Some(every), Some(last)) =
                (self.policy.rules[h].repeat_days, history.last_fired(h))
            {
                consider(add(last, i64::from(every)));
            }
        }
        best
    }

    /// Runs the customers of one shard, sending each day's actions.
    fn run_shard(
        &self,
        invoices: &[u32],
        by_customer: &[Vec<u32>],
        out: &mpsc::SyncSender<Vec<Action>>,
    ) {
        let mut state = State::empty(self.ledger);
        let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); self.days];
        let mut wake: Vec<u32> = vec![u32::MAX; self.ledger.invoices.len()];
        let mut seen: Vec<u32> = vec![u32::MAX; self.ledger.invoices.len()];
        for &i in invoices {
            let start = self.ledger.invoices[i as usize].issue_date.max(self.from);
            if let Some(k) = self.offset(start) {
                schedule(&mut buckets, &mut wake, i as usize, k);
            }
        }
        let mut day = self.from;
        for k in 0..self.days {
            let mut due = std::mem::take(&mut buckets[k]);
            due.retain(|&i| {
                let i = i as usize;
                let fresh = wake[i] == k as u32 && seen[i] != k as u32;
                if fresh {
                    seen[i] = k as u32;
                }
                fresh
            });
            due.sort_unstable();
            let mut fired = Vec::new();
            for &i in &due {
                let i = i as usize;
                wake[i] = u32::MAX;
                let next = match decide(self.policy, self.ledger, &state, i, day) {
                    Decision::Fire { rule, open_amount } => {
                        fired.push(Fired {
                            invoice: i,
                            rule,
                            open_amount,
                        });
                        day.succ_opt()
                    }
                    // The step that waits may stop being the one due before then.
                    Decision::Deferred { until, .. } => Some(
                        self.next_change(&state, i, day)
                            .map_or(until, |change| change.min(until)),
                    ),
                    Decision::NotOpen(Status::NotIssued) => {
                        Some(self.ledger.invoices[i].issue_date)
                    }
                    Decision::NotOpen(_) => None,
                    Decision::BelowMinimum { .. } | Decision::Paused { .. } | Decision::Nothing => {
                        self.next_change(&state, i, day)
                    }
                };
                if let Some(k2) = next.and_then(|d| self.offset(d)) {
                    schedule(&mut buckets, &mut wake, i, k2);
                }
            }
            let actions = consolidate(self.policy, self.ledger, &state, day, &fired);
            for f in &fired {
                state.record(self.ledger, f.invoice, Some(f.rule), day);
            }
            if self.uses_last_contact {
                // A contact changes `last_contact` for every invoice of the
                // customer from tomorrow on: look at them all again then.
                let mut customers: Vec<u32> = fired
                    .iter()
                    .map(|f| self.ledger.customer_of[f.invoice])
                    .collect();
                customers.sort_unstable();
                customers.dedup();
                if let Some(k2) = day.succ_opt().and_then(|d| self.offset(d)) {
                    for c in customers {
                        for &j in &by_customer[c as usize] {
                            let j = j as usize;
                            if !matches!(
                                self.ledger.status(j, day),
                                Status::Paid(_) | Status::PaidByPayments
                            ) {
                                schedule(&mut buckets, &mut wake, j, k2);
                            }
                        }
                    }
                }
            }
            if out.send(actions).is_err() {
                return;
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
    }
}

/// Puts an invoice in the bucket of day `k`, unless it already wakes earlier.
fn schedule(buckets: &mut [Vec<u32>], wake: &mut [u32], i: usize, k: usize) {
    if (k as u32) < wake[i] {
        wake[i] = k as u32;
        buckets[k].push(i as u32);
    }
}

/// The key actions are sorted by within a day (SPEC 4.12).
fn order(a: &Action) -> (&str, &str, Option<&str>, crate::money::Currency) {
    (
        a.customer_id.as_str(),
        a.action.as_str(),
        a.template.as_deref(),
        a.currency,
    )
}

/// Replays the days like `super::replay`, evaluating each invoice only when
/// its decision can change, on `threads` threads (customers are split
/// between them).
pub fn replay_events(
    policy: &Policy,
    ledger: &Ledger<'_>,
    from: NaiveDate,
    to: NaiveDate,
    threads: usize,
    progress: &mut dyn FnMut(usize, usize),
    sink: &mut dyn FnMut(&[Action]),
) {
    let days = usize::try_from((to - from).num_days() + 1).unwrap_or(0);
    if days == 0 {
        return;
    }
    let moving = moving_comparisons(policy);
    let uses_last_contact = moving.iter().any(|m| matches!(m, Moving::LastContact(_)));
    let replay = Replay {
        policy,
        ledger,
        moving,
        uses_last_contact,
        from,
        days,
    };
    let mut by_customer: Vec<Vec<u32>> = vec![Vec::new(); ledger.customers.len()];
    for (i, c) in ledger.customer_of.iter().enumerate() {
        by_customer[*c as usize].push(i as u32);
    }
    // Shards of about equal invoice counts, whole customers each.
    let threads = threads.clamp(1, 64);
    let mut shards: Vec<Vec<u32>> = vec![Vec::new(); threads];
    let mut order_by_size: Vec<usize> = (0..by_customer.len()).collect();
    order_by_size.sort_by_key(|&c| std::cmp::Reverse(by_customer[c].len()));
    let mut loads = vec![0usize; threads];
    for c in order_by_size {
        let lightest = (0..threads).min_by_key(|&s| loads[s]).unwrap_or(0);
        loads[lightest] += by_customer[c].len();
        shards[lightest].extend(&by_customer[c]);
    }
    std::thread::scope(|scope| {
        let mut receivers = Vec::new();
        for shard in &shards {
            let (tx, rx) = mpsc::sync_channel::<Vec<Action>>(8);
            let replay = &replay;
            let by_customer = &by_customer;
            scope.spawn(move || replay.run_shard(shard, by_customer, &tx));
            receivers.push(rx);
        }
        for done in 1..=days {
            let mut day: Vec<Action> = Vec::new();
            for rx in &receivers {
                match rx.recv() {
                    Ok(actions) => day.extend(actions),
                    Err(_) => return,
                }
            }
            if receivers.len() > 1 {
                day.sort_by(|a, b| order(a).cmp(&order(b)));
            }
            sink(&day);
            progress(done, days);
        }
    });
}
