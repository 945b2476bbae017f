//! Why each rule did or did not fire for one invoice on one day.

use chrono::NaiveDate;
use serde::Serialize;

use super::decide::{decide, due_step, facts, Decision, DeferredBy};
use super::deferral::{Deferrals, Expired};
use super::history::State;
use super::ledger::{InvoiceIdx, Status};
use super::Run;
use crate::data::HistoryEntry;
use crate::policy::Condition;

/// How far back `explain` looks for steps lost to the cooldown.
const LOOK_BACK_DAYS: u64 = 3660;

/// Why each rule did or did not fire for one invoice on one day.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The invoice explained.
    pub invoice_id: String,
    /// Its customer.
    pub customer_id: String,
    /// The day explained.
    pub date: NaiveDate,
    /// "open, 1200 EUR", "paid on 2025-03-02"…
    pub status: String,
    /// Days past the due date on that day (negative before it).
    pub days_overdue: i64,
    /// Every rule, in ladder order.
    pub rules: Vec<RuleExplanation>,
    /// The day's outcome in one line.
    pub outcome: String,
    /// The day's outcome, as the ladder decided it.
    #[serde(skip)]
    pub decision: Decision,
}

/// One rule's part in an [`Explanation`].
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct RuleExplanation {
    /// The rule's name.
    pub rule: String,
    /// The line it is written on.
    pub line: usize,
    /// Its action.
    pub action: String,
    /// Whether its condition holds.
    pub holds: bool,
    /// Each test of the condition with the value the fact had.
    pub tests: Vec<String>,
    /// What the ladder did with it: "fires today", "already fired on …", "does not hold"…
    pub verdict: String,
    /// The times it was due, deferred by the cooldown, and no longer due
    /// when the cooldown ended, by the history, before the day explained.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expired_while_deferred: Vec<Expired>,
}

/// The steps of `invoice` the cooldown deferred until they were no longer
/// due, before `date`: the days before it replayed one by one with the
/// history as what was done (at most ten years back).
pub(crate) fn expired_before(
    run: &Run<'_>,
    entries: &[HistoryEntry],
    invoice: InvoiceIdx,
    date: NaiveDate,
) -> Vec<Expired> {
    let issued = run.ledger.invoice(invoice).issue_date;
    let start = date
        .checked_sub_days(chrono::Days::new(LOOK_BACK_DAYS))
        .map_or(issued, |d| d.max(issued));
    let Some(before) = start.pred_opt() else {
        return Vec::new();
    };
    let mut state = State::from_history(run, entries, before);
    let mut later: Vec<&HistoryEntry> = entries
        .iter()
        .filter(|e| e.date >= start && e.date < date)
        .collect();
    later.sort_by_key(|e| e.date);
    let mut later = later.into_iter().peekable();
    let mut deferrals = Deferrals::new();
    let mut out = Vec::new();
    let mut day = start;
    while day < date {
        let decision = decide(run, &state, invoice, day);
        out.extend(deferrals.observe(run, invoice, day, &decision));
        while let Some(entry) = later.next_if(|e| e.date == day) {
            state.record_entry(run, entry);
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// Explains the day's decision for one invoice.
pub(crate) fn explain(
    run: &Run<'_>,
    state: &State,
    invoice: InvoiceIdx,
    date: NaiveDate,
    expired: &[Expired],
) -> Explanation {
    let (policy, ledger) = (run.policy, &run.ledger);
    let inv = ledger.invoice(invoice);
    let status = ledger.status(invoice, date);
    let open_amount = match status {
        Status::Open(a) => a,
        _ => ledger.open_amount(invoice, date),
    };
    let facts = facts(run, state, invoice, date, open_amount);
    let decision = decide(run, state, invoice, date);
    let due = due_step(run, &facts);
    let history = state.history(invoice);
    let mut rules = Vec::new();
    for (index, rule) in policy.rules_indexed() {
        let holds = facts.holds(&rule.condition);
        let mut tests = Vec::new();
        leaves(&rule.condition, &mut |c| tests.push(facts.explain_test(c)));
        let verdict = match (&decision, history.last_fired(index)) {
            (Decision::Fire { rule: r, .. }, _) if *r == index => "fires today".to_string(),
            (Decision::Deferred { rule: r, until, by }, _) if *r == index => match by {
                DeferredBy::Cooldown => format!(
                    "due, but deferred by the {}-day cooldown until {until}",
                    policy.settings.cooldown_days
                ),
                DeferredBy::Calendar => {
                    format!("due, but {date} is not a business day: deferred to {until}")
                }
            },
            (_, Some(last)) if rule.repeat_days.is_none() || Some(index) != history.highest() => {
                format!("already fired on {last}")
            }
            (Decision::NotOpen(_), _) => "not evaluated: the invoice is not open".to_string(),
            (Decision::BelowMinimum { .. }, _) => {
                "not evaluated: below the minimum amount".to_string()
            }
            (Decision::Paused { pause }, _) if holds => format!("holds, but paused by `{pause}`"),
            _ if history.highest().is_some_and(|h| index < h) => {
                let later = history.highest().map_or("?", |h| policy.rule_name(h));
                "skipped for good: the later step `".to_string() + later + "` already fired"
            }
            _ if holds && due.is_some_and(|d| d > index) => {
                let chosen = due.map_or("?", |d| policy.rule_name(d));
                format!("holds, but the more advanced step `{chosen}` is chosen")
            }
            (_, Some(last)) if holds => {
                let every = rule.repeat_days.unwrap_or(0);
                format!("fired on {last}; repeats every {every} days")
            }
            _ if holds => "holds".to_string(),
            _ => "does not hold".to_string(),
        };
        let lost: Vec<Expired> = expired
            .iter()
            .filter(|e| e.rule == index)
            .copied()
            .collect();
        let today = match &decision {
            Decision::Fire { rule: r, .. } | Decision::Deferred { rule: r, .. } => *r == index,
            _ => false,
        };
        let verdict = match lost.last() {
            Some(e) if !today && history.last_fired(index).is_none_or(|f| f < e.expired_on) => {
                format!(
                    "expired while deferred: due on {}, held by the cooldown, no longer due on {}; now: {verdict}",
                    e.deferred_on, e.expired_on
                )
            }
            _ => verdict,
        };
        rules.push(RuleExplanation {
            rule: rule.name.clone(),
            line: policy.line_of(rule.spans.statement),
            action: rule.action.kind.to_string(),
            holds,
            tests,
            verdict,
            expired_while_deferred: lost,
        });
    }
    let status_text = match status {
        Status::NotIssued => format!("not issued yet (issued on {})", inv.issue_date),
        Status::Paid(d) => format!("paid on {d}"),
        Status::PaidByPayments => "fully paid by its payments".to_string(),
        Status::Open(a) => format!("open, {} {} left to pay", a.normalize(), inv.currency),
    };
    let outcome = match &decision {
        Decision::NotOpen(_) => "nothing: the invoice is not open".to_string(),
        Decision::BelowMinimum { open_amount } => format!(
            "nothing: the open amount {} {} is below the minimum{}",
            open_amount.normalize(),
            inv.currency,
            policy
                .settings
                .minimum_for(inv.currency)
                .map_or(String::new(), |m| format!(" of {m}"))
        ),
        Decision::Paused { pause } => format!("nothing: paused by `{pause}`"),
        Decision::Nothing => "nothing: no step is due".to_string(),
        Decision::Fire { rule, .. } => format!(
            "`{}` fires: {}",
            policy.rule(*rule).name,
            policy.rule(*rule).action.kind
        ),
        Decision::Deferred { rule, until, .. } => {
            format!(
                "`{}` is due but deferred to {until}",
                policy.rule(*rule).name
            )
        }
    };
    Explanation {
        invoice_id: inv.id.clone(),
        customer_id: inv.customer_id.clone(),
        date,
        status: status_text,
        days_overdue: facts.overdue(),
        rules,
        outcome,
        decision,
    }
}

/// Calls `f` on each test of a condition (the leaves under `and`/`or`).
fn leaves(condition: &Condition, f: &mut dyn FnMut(&Condition)) {
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            for item in items {
                leaves(item, f);
            }
        }
        other => f(other),
    }
}
