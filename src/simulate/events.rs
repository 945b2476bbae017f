//! The fast replay: each invoice is evaluated only on the days its decision
//! can change, and customers (who never affect each other) are split
//! across threads.
//!
//! An invoice's decision on a day depends on the day only through the facts
//! its rules and pauses test, its payments, its own history and the
//! calendar. The fact table (`policy::facts`) says when each fact can
//! change: a day count flips on a day known from its anchor, other facts
//! on triggers (a payment, a step fired, a contact with the customer).
//! After each evaluation the invoice sleeps until the first such day; a
//! trigger wakes it (and, for a contact, its customer's other invoices).
//! The result is exactly the reference replay's (`super::reference`), which
//! the property tests check on random policies and data.

use std::sync::mpsc;

use chrono::{Days, NaiveDate};

use super::DateRange;
use crate::eval::decide::{decide, Decision};
use crate::eval::deferral::{Deferrals, Expired};
use crate::eval::facts::Anchors;
use crate::eval::plan::{Consolidator, Fired};
use crate::eval::{Action, CustomerIdx, InvoiceIdx, Run, State, Status};
use crate::idx::IdxVec;
use crate::policy::{Anchor, CmpOp, Condition, Fact, Moves, Policy, RuleIdx, Trigger, Value};

/// A comparison whose truth moves with the day, and the days around its
/// pivot (the day the fact reads the compared value) on which its truth
/// can flip.
#[derive(Clone, Copy, Debug)]
struct Moving {
    /// The date the fact counts from (or, for a date, the date itself).
    anchor: Anchor,
    /// The pivot is `value` days after the anchor (before it when the fact
    /// counts down).
    value: i64,
    counts_down: bool,
    /// Truth can flip on the pivot itself.
    on_pivot: bool,
    /// Truth can flip on the day after the pivot.
    after_pivot: bool,
}

impl Moving {
    /// The moving comparison `fact op value`, if the fact's clock moves
    /// with the calendar for this value.
    fn of(fact: Fact, op: CmpOp, value: &Value) -> Option<Moving> {
        let (anchor, counts_down, value) = match fact.clock().moves {
            Moves::Never => return None,
            Moves::DaysSince(anchor) => (anchor, false, value.days()?),
            Moves::DaysUntil(anchor) => (anchor, true, value.days()?),
            // `date op today` reads as `days until the date op 0`.
            Moves::Date(anchor) => match value {
                Value::Today => (anchor, true, 0),
                _ => return None,
            },
        };
        // On a clock that counts down, `x >= v` reads as `v >= x` does on one
        // that counts up.
        let op = if counts_down { op.flipped() } else { op };
        // Counting up, `x >= v` and `x < v` flip on the pivot, `x > v` and
        // `x <= v` on the day after, `=` and `!=` on both.
        let (on_pivot, after_pivot) = match op {
            CmpOp::Ge | CmpOp::Lt => (true, false),
            CmpOp::Gt | CmpOp::Le => (false, true),
            CmpOp::Eq | CmpOp::Ne => (true, true),
        };
        Some(Moving {
            anchor,
            value,
            counts_down,
            on_pivot,
            after_pivot,
        })
    }

    /// The day the fact reads the compared value, for one invoice.
    fn pivot(&self, anchors: &Anchors<'_>) -> Option<NaiveDate> {
        let anchor = anchors.date(self.anchor)?;
        add(
            anchor,
            if self.counts_down {
                -self.value
            } else {
                self.value
            },
        )
    }
}

/// The moving comparisons of one condition.
fn moving_comparisons(condition: &Condition) -> Vec<Moving> {
    let mut out = Vec::new();
    condition.visit_comparisons(&mut |fact, op, value| out.extend(Moving::of(fact, op, value)));
    out
}

/// What the replay must watch for, beyond the days of the moving
/// comparisons: the triggers of every fact the policy tests.
#[derive(Clone, Copy, Debug, Default)]
struct Watch {
    /// A contact with a customer may change its other invoices' decisions.
    customer_contacts: bool,
    /// Any change of the customer's ledger may (`customer_open_amount`…).
    customer_ledger: bool,
}

impl Watch {
    fn of(policy: &Policy, ledger: &crate::eval::Ledger<'_>) -> Watch {
        let mut watch = Watch {
            // Whether a customer's credit notes cover what it owes changes
            // with its ledger (`pause_credit_balance`).
            customer_ledger: policy.settings.pause_credit_balance && ledger.any_credit_notes(),
            ..Watch::default()
        };
        let conditions = policy
            .rules
            .iter()
            .map(|r| &r.condition)
            .chain(policy.pauses.iter().map(|p| &p.condition));
        for condition in conditions {
            condition.visit_facts(&mut |fact| {
                for trigger in fact.clock().triggers {
                    match trigger {
                        // Every invoice is woken on its payment and event
                        // dates and the day after a step fires for it
                        // (`next_change`, `run_shard`): nothing more to watch.
                        Trigger::InvoicePayment | Trigger::StepFired | Trigger::AccountEvent => {}
                        Trigger::CustomerContact => watch.customer_contacts = true,
                        Trigger::CustomerLedger => watch.customer_ledger = true,
                    }
                }
            });
        }
        watch
    }
}

fn add(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

/// The event-driven engine for one run: what it knows of the policy, once.
struct Replay<'r, 'a> {
    run: &'r Run<'a>,
    consolidator: Consolidator<'r, 'a>,
    /// Per rule, its moving comparisons.
    rule_clocks: IdxVec<RuleIdx, Vec<Moving>>,
    /// The moving comparisons of every pause.
    pause_clocks: Vec<Moving>,
    watch: Watch,
    range: DateRange,
}

/// The day an invoice is evaluated next, by its position in the range;
/// `NEVER` when it has no wake-up day.
const NEVER: u32 = u32::MAX;

impl<'a> Replay<'_, 'a> {
    /// The first day after `day` when something the decision reads may change.
    fn next_change(&self, state: &State, invoice: InvoiceIdx, day: NaiveDate) -> Option<NaiveDate> {
        let (policy, ledger) = (self.run.policy, &self.run.ledger);
        let inv = ledger.invoice(invoice);
        let mut best: Option<NaiveDate> = None;
        let mut consider = |d: Option<NaiveDate>| {
            if let Some(d) = d {
                if d > day && best.is_none_or(|b| d < b) {
                    best = Some(d);
                }
            }
        };
        let anchors = Anchors {
            invoice: inv,
            last_contact: state.last_contact(self.run, invoice, day),
            account: ledger.account(invoice, day),
            history: state.history(invoice),
            customer_oldest_due: if self.watch.customer_ledger {
                ledger.balance(invoice, day).oldest_due
            } else {
                None
            },
        };
        let history = state.history(invoice);
        // Rules below the highest step fired can no longer fire (rule 5),
        // so their clocks do not matter; the highest one only if it repeats.
        let first = match history.highest() {
            None => 0,
            Some(h) if policy.rule(h).repeat_days.is_some() => h.get(),
            Some(h) => h.get() + 1,
        };
        // A paid invoice is evaluated for the claim rules only (when the
        // policy has some): their clocks matter, and every one of them.
        let paid = self.run.has_claims && ledger.paid_on(invoice, day).is_some();
        let live = |i: RuleIdx| {
            if paid {
                self.run.claim[i]
            } else {
                i.get() >= first
            }
        };
        let rules = self
            .rule_clocks
            .iter_enumerated()
            .filter(|(i, _)| live(*i))
            .flat_map(|(_, clocks)| clocks);
        for m in rules.chain(&self.pause_clocks) {
            let pivot = m.pivot(&anchors);
            if m.on_pivot {
                consider(pivot);
            }
            if m.after_pivot {
                consider(pivot.and_then(|p| p.succ_opt()));
            }
        }
        if paid {
            for (i, rule) in policy.rules_indexed() {
                if let (true, Some(every), Some(last)) =
                    (self.run.claim[i], rule.repeat_days, history.last_fired(i))
                {
                    consider(add(last, i64::from(every)));
                }
            }
        }
        // Trigger::AccountEvent (a contact made outside dunning included).
        consider(ledger.next_event_change(invoice, day));
        if self.watch.customer_ledger {
            consider(ledger.next_customer_change(invoice, day));
        }
        // Trigger::InvoicePayment: the paid date and each payment.
        consider(inv.paid_date);
        for (d, _) in ledger.payments(invoice) {
            if *d > day {
                consider(Some(*d));
                break;
            }
        }
        if let Some(h) = history.highest() {
            if let (Some(every), Some(last)) = (policy.rule(h).repeat_days, history.last_fired(h)) {
                consider(add(last, i64::from(every)));
            }
        }
        best
    }

    /// Runs the customers of one shard from the state `start`, sending
    /// each day's actions; returns the steps that expired while the
    /// cooldown deferred them.
    fn run_shard(
        &self,
        mut state: State,
        invoices: &[InvoiceIdx],
        out: &mpsc::SyncSender<Ranked<'a>>,
    ) -> Vec<Expired> {
        let ledger = &self.run.ledger;
        let mut deferrals = Deferrals::new();
        let mut expired = Vec::new();
        let mut buckets: Vec<Vec<InvoiceIdx>> = vec![Vec::new(); self.range.len()];
        let mut wake: IdxVec<InvoiceIdx, u32> = IdxVec::filled(NEVER, ledger.invoices.len());
        for &i in invoices {
            let first = ledger.invoice(i).issue_date.max(self.range.from());
            if let Some(k) = self.range.offset(first) {
                schedule(&mut buckets, &mut wake, i, k);
            }
        }
        for (k, day) in self.range.days().enumerate() {
            // An invoice moved to an earlier day is still in its old bucket:
            // only the bucket of the day it wakes on counts, and only once.
            let mut due = std::mem::take(&mut buckets[k]);
            due.sort_unstable();
            due.dedup();
            due.retain(|&i| wake[i] == k as u32);
            let mut fired = Vec::new();
            for &i in &due {
                wake[i] = NEVER;
                let decision = decide(self.run, &state, i, day);
                expired.extend(deferrals.observe(self.run, i, day, &decision));
                let next = match decision {
                    // Trigger::StepFired: look again the next day.
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
                    Decision::NotOpen(Status::NotIssued) => Some(ledger.invoice(i).issue_date),
                    Decision::NotOpen(_) => None,
                    Decision::BelowMinimum { .. } | Decision::Paused { .. } | Decision::Nothing => {
                        self.next_change(&state, i, day)
                    }
                };
                if let Some(k2) = next.and_then(|d| self.range.offset(d)) {
                    schedule(&mut buckets, &mut wake, i, k2);
                }
            }
            let actions = self.consolidator.consolidate(&state, day, &fired);
            for f in &fired {
                let contact = self.run.policy.rule(f.rule).action.kind.is_contact();
                state.record(self.run, f.invoice, Some(f.rule), contact, day);
            }
            if self.watch.customer_contacts {
                // Trigger::CustomerContact: a contact changes `last_contact`
                // for every invoice of the customer from tomorrow on: look
                // at them all again then.
                let mut customers: Vec<CustomerIdx> = fired
                    .iter()
                    .map(|f| ledger.customer_of[f.invoice])
                    .collect();
                customers.sort_unstable();
                customers.dedup();
                if let Some(k2) = day.succ_opt().and_then(|d| self.range.offset(d)) {
                    for c in customers {
                        for &j in ledger.invoices_of(c) {
                            if self.run.has_claims
                                || !matches!(
                                    ledger.status(j, day),
                                    Status::Paid(_) | Status::PaidByPayments
                                )
                            {
                                schedule(&mut buckets, &mut wake, j, k2);
                            }
                        }
                    }
                }
            }
            let keys = actions.iter().map(|a| self.consolidator.rank(a)).collect();
            if out.send((actions, keys)).is_err() {
                return expired;
            }
        }
        expired
    }
}

/// Puts an invoice in the bucket of day `k`, unless it already wakes earlier.
fn schedule(
    buckets: &mut [Vec<InvoiceIdx>],
    wake: &mut IdxVec<InvoiceIdx, u32>,
    i: InvoiceIdx,
    k: usize,
) {
    if (k as u32) < wake[i] {
        wake[i] = k as u32;
        buckets[k].push(i);
    }
}

/// A shard's actions of a day, with each one's rank in the order of
/// SPEC 4.12 (`Consolidator::rank`).
type Ranked<'a> = (Vec<Action<'a>>, Vec<u64>);

/// Merges the shards' actions of a day, each already in order (SPEC 4.12),
/// by their ranks: integers, where the order keys compare strings.
/// Customers are whole in one shard, so ranks never tie across shards.
fn merge<'a>(mut shards: Vec<Ranked<'a>>) -> Vec<Action<'a>> {
    if shards.len() == 1 {
        return shards.pop().map(|s| s.0).unwrap_or_default();
    }
    let total = shards.iter().map(|s| s.0.len()).sum();
    let mut out = Vec::with_capacity(total);
    let mut heads: Vec<_> = shards
        .into_iter()
        .map(|(actions, keys)| keys.into_iter().zip(actions).peekable())
        .collect();
    loop {
        let mut best: Option<(usize, u64)> = None;
        for (s, head) in heads.iter_mut().enumerate() {
            if let Some(&(key, _)) = head.peek() {
                if best.is_none_or(|(_, k)| key < k) {
                    best = Some((s, key));
                }
            }
        }
        match best.and_then(|(s, _)| heads[s].next()) {
            Some((_, action)) => out.push(action),
            None => return out,
        }
    }
}

/// Replays the days of `range` from the state `start`, evaluating each
/// invoice only when its decision can change, on `threads` threads
/// (customers are split between them), handing each day's actions to
/// `sink` in day order; returns the steps that expired while the cooldown
/// deferred them, by invoice.
pub(super) fn run<'a>(
    run: &Run<'a>,
    start: State,
    range: DateRange,
    threads: usize,
    sink: &mut dyn FnMut(Vec<Action<'a>>),
) -> Vec<Expired> {
    let policy = run.policy;
    let ledger = &run.ledger;
    let replay = Replay {
        run,
        consolidator: Consolidator::new(run),
        rule_clocks: policy
            .rules
            .iter()
            .map(|r| moving_comparisons(&r.condition))
            .collect(),
        pause_clocks: policy
            .pauses
            .iter()
            .flat_map(|p| moving_comparisons(&p.condition))
            .collect(),
        watch: Watch::of(policy, ledger),
        range,
    };
    // Shards of about equal invoice counts, whole customers each.
    let threads = threads.clamp(1, 64);
    let mut shards: Vec<Vec<InvoiceIdx>> = vec![Vec::new(); threads];
    let mut order_by_size: Vec<CustomerIdx> = ledger.customers.indices().collect();
    order_by_size.sort_by_key(|&c| std::cmp::Reverse(ledger.invoices_of(c).len()));
    let mut loads = vec![0usize; threads];
    for c in order_by_size {
        let lightest = (0..threads).min_by_key(|&s| loads[s]).unwrap_or(0);
        loads[lightest] += ledger.invoices_of(c).len();
        shards[lightest].extend(ledger.invoices_of(c));
    }
    let states = start.split(&shards);
    std::thread::scope(|scope| {
        let mut receivers = Vec::new();
        let mut handles = Vec::new();
        for (shard, state) in shards.iter().zip(states) {
            let (tx, rx) = mpsc::sync_channel::<Ranked<'a>>(8);
            let replay = &replay;
            handles.push(scope.spawn(move || replay.run_shard(state, shard, &tx)));
            receivers.push(rx);
        }
        'days: for _ in range.days() {
            let mut day = Vec::with_capacity(receivers.len());
            for rx in &receivers {
                match rx.recv() {
                    Ok(actions) => day.push(actions),
                    Err(_) => break 'days,
                }
            }
            sink(merge(day));
        }
        // A shard still sending stops when its receiver is gone. One that
        // panicked reports nothing; the scope then panics with its message.
        drop(receivers);
        let mut expired: Vec<Expired> = handles
            .into_iter()
            .filter_map(|h| h.join().ok())
            .flatten()
            .collect();
        expired.sort_unstable_by_key(|e| (e.invoice, e.expired_on));
        expired
    })
}
