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
use crate::eval::plan::{Consolidator, Fired};
use crate::eval::{Action, Ledger, State, Status};
use crate::policy::{CmpOp, Condition, Fact, Policy, Value};

/// What a moving comparison counts days from.
#[derive(Clone, Copy, Debug)]
enum Clock {
    /// `overdue`: days since the due date.
    Overdue,
    /// `due_in`: days until the due date.
    DueIn,
    /// `age`: days since the issue date.
    Age,
    /// `last_contact`: days since the customer's last contact.
    LastContact,
    /// A date attribute compared with `today`: days until that date.
    DateAttribute(usize),
}

/// A comparison whose truth moves with the day, `clock op v`, and the days
/// around its pivot (the day the clock reads `v`) on which its truth can flip.
#[derive(Clone, Copy, Debug)]
struct Moving {
    clock: Clock,
    value: i64,
    /// Truth can flip on the pivot itself.
    on_pivot: bool,
    /// Truth can flip on the day after the pivot.
    after_pivot: bool,
}

impl Moving {
    fn new(clock: Clock, op: CmpOp, value: i64) -> Self {
        // On a clock that counts down, `x >= v` reads as `v >= x` does on one
        // that counts up.
        let counts_down = matches!(clock, Clock::DueIn | Clock::DateAttribute(_));
        let op = if counts_down { op.flipped() } else { op };
        // Counting up, `x >= v` and `x < v` flip on the pivot, `x > v` and
        // `x <= v` on the day after, `=` and `!=` on both.
        let (on_pivot, after_pivot) = match op {
            CmpOp::Ge | CmpOp::Lt => (true, false),
            CmpOp::Gt | CmpOp::Le => (false, true),
            CmpOp::Eq | CmpOp::Ne => (true, true),
        };
        Moving {
            clock,
            value,
            on_pivot,
            after_pivot,
        }
    }
}

/// The moving comparisons of one condition.
fn moving_comparisons(condition: &Condition) -> Vec<Moving> {
    fn walk(c: &Condition, out: &mut Vec<Moving>) {
        match c {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|i| walk(i, out))
            }
            Condition::Not(inner) => walk(inner, out),
            Condition::Compare { fact, op, value } => push(*fact, *op, value, out),
            Condition::In { fact, values } => {
                values.iter().for_each(|v| push(*fact, CmpOp::Eq, v, out))
            }
            Condition::Flag(_) | Condition::Fired(_) => {}
        }
    }
    fn push(fact: Fact, op: CmpOp, value: &Value, out: &mut Vec<Moving>) {
        let moving = match (fact, value) {
            (Fact::Overdue, Value::Days(v)) => Moving::new(Clock::Overdue, op, *v),
            (Fact::DueIn, Value::Days(v)) => Moving::new(Clock::DueIn, op, *v),
            (Fact::Age, Value::Days(v)) => Moving::new(Clock::Age, op, *v),
            (Fact::LastContact, Value::Days(v)) => Moving::new(Clock::LastContact, op, *v),
            (Fact::Attribute(i), Value::Today) => Moving::new(Clock::DateAttribute(i), op, 0),
            _ => return,
        };
        out.push(moving);
    }
    let mut out = Vec::new();
    walk(condition, &mut out);
    out
}

fn add(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

struct Replay<'l, 'a> {
    policy: &'a Policy,
    ledger: &'l Ledger<'a>,
    consolidator: Consolidator<'l, 'a>,
    /// Per rule, its moving comparisons.
    rule_clocks: Vec<Vec<Moving>>,
    /// The moving comparisons of every pause.
    pause_clocks: Vec<Moving>,
    uses_last_contact: bool,
    from: NaiveDate,
    days: usize,
}

impl<'a> Replay<'_, 'a> {
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
        let history = &state.invoices[invoice];
        // Rules below the highest step fired can no longer fire (rule 5),
        // so their clocks do not matter; the highest one only if it repeats.
        let first = match history.highest {
            None => 0,
            Some(h) if self.policy.rules[h].repeat_days.is_some() => h,
            Some(h) => h + 1,
        };
        let rules = self.rule_clocks.get(first..).unwrap_or_default();
        for m in rules.iter().flatten().chain(&self.pause_clocks) {
            let pivot = match m.clock {
                Clock::Overdue => add(inv.due_date, m.value),
                Clock::DueIn => add(inv.due_date, -m.value),
                Clock::Age => add(inv.issue_date, m.value),
                Clock::LastContact => last_contact.and_then(|l| add(l, m.value)),
                Clock::DateAttribute(i) => match inv.attributes.get(i) {
                    Some(crate::data::AttrValue::Date(d)) => Some(*d),
                    _ => None,
                },
            };
            if m.on_pivot {
                consider(pivot);
            }
            if m.after_pivot {
                consider(pivot.and_then(|p| p.succ_opt()));
            }
        }
        consider(inv.paid_date);
        for (d, _) in self.ledger.payments(invoice) {
            if *d > day {
                consider(Some(*d));
                break;
            }
        }
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
        out: &mpsc::SyncSender<Vec<Action<'a>>>,
    ) {
        let mut state = State::empty(self.ledger);
        let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); self.days];
        let mut wake: Vec<u32> = vec![u32::MAX; self.ledger.invoices.len()];
        for &i in invoices {
            let start = self.ledger.invoices[i as usize].issue_date.max(self.from);
            if let Some(k) = self.offset(start) {
                schedule(&mut buckets, &mut wake, i as usize, k);
            }
        }
        let mut day = self.from;
        for k in 0..self.days {
            // An invoice moved to an earlier day is still in its old bucket:
            // only the bucket of the day it wakes on counts, and only once.
            let mut due = std::mem::take(&mut buckets[k]);
            due.sort_unstable();
            due.dedup();
            due.retain(|&i| wake[i as usize] == k as u32);
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
            let actions = self.consolidator.consolidate(&state, day, &fired);
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

/// Merges the shards' actions of a day, each already in order (SPEC 4.12).
/// Customers are whole in one shard, so keys never tie across shards.
fn merge<'a>(mut shards: Vec<Vec<Action<'a>>>) -> Vec<Action<'a>> {
    if shards.len() == 1 {
        return shards.pop().unwrap_or_default();
    }
    let total = shards.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    let mut heads: Vec<std::iter::Peekable<std::vec::IntoIter<Action<'a>>>> = shards
        .into_iter()
        .map(|s| s.into_iter().peekable())
        .collect();
    loop {
        let mut best = None;
        for (s, head) in heads.iter_mut().enumerate() {
            if let Some(key) = head.peek().map(Action::order_key) {
                if best.is_none_or(|(_, k)| key < k) {
                    best = Some((s, key));
                }
            }
        }
        match best.and_then(|(s, _)| heads[s].next()) {
            Some(action) => out.push(action),
            None => return out,
        }
    }
}

/// Replays the days like `super::replay`, evaluating each invoice only when
/// its decision can change, on `threads` threads (customers are split
/// between them).
pub fn replay_events<'a>(
    policy: &'a Policy,
    ledger: &Ledger<'a>,
    from: NaiveDate,
    to: NaiveDate,
    threads: usize,
    progress: &mut dyn FnMut(usize, usize),
    sink: &mut dyn FnMut(Vec<Action<'a>>),
) {
    let days = usize::try_from((to - from).num_days() + 1).unwrap_or(0);
    if days == 0 {
        return;
    }
    let rule_clocks: Vec<Vec<Moving>> = policy
        .rules
        .iter()
        .map(|r| moving_comparisons(&r.condition))
        .collect();
    let pause_clocks: Vec<Moving> = policy
        .pauses
        .iter()
        .flat_map(|p| moving_comparisons(&p.condition))
        .collect();
    let uses_last_contact = rule_clocks
        .iter()
        .flatten()
        .chain(&pause_clocks)
        .any(|m| matches!(m.clock, Clock::LastContact));
    let replay = Replay {
        policy,
        ledger,
        consolidator: Consolidator::new(policy, ledger),
        rule_clocks,
        pause_clocks,
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
            let (tx, rx) = mpsc::sync_channel::<Vec<Action<'a>>>(8);
            let replay = &replay;
            let by_customer = &by_customer;
            scope.spawn(move || replay.run_shard(shard, by_customer, &tx));
            receivers.push(rx);
        }
        for done in 1..=days {
            let mut day = Vec::with_capacity(receivers.len());
            for rx in &receivers {
                match rx.recv() {
                    Ok(actions) => day.push(actions),
                    Err(_) => return,
                }
            }
            sink(merge(day));
            progress(done, days);
        }
    });
}
