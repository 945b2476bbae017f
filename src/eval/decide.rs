//! The ladder for one invoice on one day (SPEC section 4, rules 1 to 8):
//! which step, if any, fires, and if one is due but cannot fire today, why.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::facts::Facts;
use super::history::State;
use super::ledger::{InvoiceIdx, Status};
use super::Run;
use crate::calendar;
use crate::policy::RuleIdx;

/// What the ladder does with an invoice on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Not open on the day (not issued yet, or paid).
    NotOpen(Status),
    /// Its open amount is below the policy's minimum.
    BelowMinimum {
        /// What is left to pay.
        open_amount: Decimal,
    },
    /// A pause applies; nothing fires.
    Paused {
        /// The pause's name (`dispute` for the built-in one).
        pause: String,
    },
    /// No step is due.
    Nothing,
    /// This step is due and fires today.
    Fire {
        /// The step.
        rule: RuleIdx,
        /// What is left to pay.
        open_amount: Decimal,
    },
    /// This step is due but waits: until `until` for the cooldown, or for
    /// the next business day.
    Deferred {
        /// The step.
        rule: RuleIdx,
        /// The first day it may fire.
        until: NaiveDate,
        /// What it waits for.
        by: DeferredBy,
    },
}

/// What a step that is due waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeferredBy {
    /// The customer was contacted less than the cooldown ago.
    Cooldown,
    /// The day is not a business day, and the step's channel needs one.
    Calendar,
}

/// The name of the built-in pause for disputed invoices.
pub(crate) const DISPUTE_PAUSE: &str = "dispute";
/// The name of the built-in pause for blocked invoices.
pub(crate) const BLOCK_PAUSE: &str = "block";
/// The name of the built-in pause for customers whose credit notes cover
/// what they owe (`pause_credit_balance`).
pub(crate) const CREDIT_PAUSE: &str = "credit_balance";

/// The facts about `invoice` on `date`, with what is left to pay on it.
pub(crate) fn facts<'a>(
    run: &'a Run<'a>,
    state: &'a State,
    invoice: InvoiceIdx,
    date: NaiveDate,
    open_amount: Decimal,
) -> Facts<'a> {
    Facts {
        policy: run.policy,
        invoice: run.ledger.invoice(invoice),
        date,
        open_amount,
        history: state.history(invoice),
        paid_on: run.ledger.paid_on(invoice, date),
        last_contact: state.last_contact(run, invoice, date),
        account: run.ledger.account(invoice, date),
        balance: if run.reads_balance {
            run.ledger.balance(invoice, date)
        } else {
            Default::default()
        },
    }
}

/// The step due for an invoice: the most advanced rule that holds, above
/// every step already fired (rule 5: no burst, no going back), or the last
/// fired one again if it repeats and its interval has passed (rule 3).
///
/// An open invoice climbs the ladder of the rules that are not claim rules;
/// an invoice paid in full, that of the claim rules (`paid_late`), with its
/// own floor: the most advanced claim rule fired.
pub(crate) fn due_step(run: &Run<'_>, facts: &Facts<'_>) -> Option<RuleIdx> {
    let history = facts.history;
    let paid = facts.paid_on.is_some();
    let floor = if paid {
        run.policy
            .rules_indexed()
            .rev()
            .map(|(i, _)| i)
            .find(|&i| run.claim[i] && history.has_fired(i))
    } else {
        history.highest()
    };
    let mut track = run
        .policy
        .rules_indexed()
        .filter(|(i, _)| run.claim[*i] == paid);
    if floor.is_none() && run.start_at_first_step {
        return track
            .find(|(_, rule)| facts.holds(&rule.condition))
            .map(|(i, _)| i);
    }
    for (index, rule) in track.rev() {
        match floor {
            Some(h) if index < h => return None,
            Some(h) if index == h => {
                let every = rule.repeat_days?;
                let last = history.last_fired(index)?;
                let elapsed = (facts.date - last).num_days();
                return (elapsed >= i64::from(every) && facts.holds(&rule.condition))
                    .then_some(index);
            }
            _ => {
                if facts.holds(&rule.condition) {
                    return Some(index);
                }
            }
        }
    }
    None
}

/// The active pause, if any: the block, then the dispute pause, then the
/// credit balance, then the policy's in file order.
pub(crate) fn active_pause(
    run: &Run<'_>,
    facts: &Facts<'_>,
    invoice: InvoiceIdx,
) -> Option<String> {
    let policy = run.policy;
    if facts.account.is_blocked(facts.date) {
        return Some(BLOCK_PAUSE.to_string());
    }
    if policy.settings.pause_disputed && facts.account.disputed {
        return Some(DISPUTE_PAUSE.to_string());
    }
    // The customer's credit notes cover all it owes in the invoice's
    // currency: nothing to chase (an open invoice only; a claim on a paid
    // invoice is not a reminder).
    if policy.settings.pause_credit_balance
        && facts.open_amount > Decimal::ZERO
        && run.ledger.has_credit_notes(invoice)
        && run.ledger.balance(invoice, facts.date).open <= Decimal::ZERO
    {
        return Some(CREDIT_PAUSE.to_string());
    }
    policy
        .pauses
        .iter()
        .find(|p| facts.holds(&p.condition))
        .map(|p| p.name.clone())
}

/// Decides for one invoice on one day.
pub(crate) fn decide(
    run: &Run<'_>,
    state: &State,
    invoice: InvoiceIdx,
    date: NaiveDate,
) -> Decision {
    let policy = run.policy;
    // A paid invoice is still evaluated, for the claim rules only, when the
    // policy has some.
    let open_amount = match run.ledger.status(invoice, date) {
        Status::Open(amount) => amount,
        Status::Paid(_) | Status::PaidByPayments if run.has_claims => Decimal::ZERO,
        other => return Decision::NotOpen(other),
    };
    let inv = run.ledger.invoice(invoice);
    if let Some(min) = policy.settings.minimum_for(inv.currency) {
        if open_amount < min.amount && !open_amount.is_zero() {
            return Decision::BelowMinimum { open_amount };
        }
    }
    let facts = facts(run, state, invoice, date, open_amount);
    if let Some(pause) = active_pause(run, &facts, invoice) {
        return Decision::Paused { pause };
    }
    let Some(rule) = due_step(run, &facts) else {
        return Decision::Nothing;
    };
    let kind = policy.rule(rule).action.kind;
    let calendar_kind = policy.settings.calendar;
    let business_day = policy.settings.needs_business_day(kind);
    if business_day && !calendar::is_business_day(calendar_kind, date) {
        return Decision::Deferred {
            rule,
            until: calendar::next_business_day(calendar_kind, date),
            by: DeferredBy::Calendar,
        };
    }
    let cooldown = policy.settings.cooldown_days;
    // A preventive reminder (not yet overdue) is never held: its window
    // closes at the due date, and deferring it lost it (one eligible
    // invoice in nine with the French ladder). It still counts as a contact.
    if cooldown > 0 && kind.is_contact() && facts.overdue() > 0 {
        if let Some(last) = facts.last_contact {
            // Several actions to one customer on one day are one contact.
            if last < date && (date - last).num_days() < i64::from(cooldown) {
                let mut until = last
                    .checked_add_days(Days::new(u64::from(cooldown)))
                    .unwrap_or(date);
                if business_day {
                    until = calendar::next_business_day(calendar_kind, until);
                }
                return Decision::Deferred {
                    rule,
                    until,
                    by: DeferredBy::Cooldown,
                };
            }
        }
    }
    Decision::Fire { rule, open_amount }
}
