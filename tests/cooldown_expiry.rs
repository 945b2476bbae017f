//! Steps the cooldown deferred until they were no longer due (issue 15,
//! "nothing lost to the cooldown"): counted in the summary by both
//! engines, and named by `explain`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use dunning::{Engine, ReplayOptions, RunData};
use support::*;

/// Two invoices of one customer: A due 1 March, B due 3 March. `first`
/// fires for A on 2 March; B's window (1 to 3 days overdue: 4 to 6 March)
/// lies inside the 7-day cooldown (to 9 March), so B's step is lost.
const WINDOW: &str = "\
set cooldown = 7d
rule first: when overdue >= 1d and overdue <= 3d then email
rule call: when overdue >= 20d then call
";

/// The same, with an open-ended first step overtaken by a second one on
/// 8 March (B 5 days overdue), still inside the cooldown.
const OVERTAKEN: &str = "\
set cooldown = 7d
rule first: when overdue >= 1d then email
rule second: when overdue >= 5d then sms
";

fn two_invoices(p: &dunning::Policy) -> Vec<dunning::data::Invoice> {
    vec![
        invoice(p, "A", "C1", "2025-02-01", "2025-03-01", "100", &[]),
        invoice(p, "B", "C1", "2025-02-01", "2025-03-03", "100", &[]),
    ]
}

fn replay(
    p: &dunning::Policy,
    invoices: &[dunning::data::Invoice],
    engine: Engine,
) -> dunning::Summary {
    dunning::replay(
        p,
        RunData::new(invoices),
        range("2025-03-01", "2025-03-31"),
        ReplayOptions::default().engine(engine),
        &mut |_| {},
    )
}

#[test]
fn a_window_closed_while_deferred_is_counted_by_both_engines() {
    let p = policy(WINDOW);
    let invoices = two_invoices(&p);
    for engine in [Engine::EveryDay, Engine::EventDriven] {
        let s = replay(&p, &invoices, engine);
        assert_eq!(s.expired_while_deferred, 1, "{engine:?}");
        let per_step: Vec<(&str, usize, usize)> = s
            .steps
            .iter()
            .map(|f| (f.rule.as_str(), f.invoices, f.expired_while_deferred))
            .collect();
        // `first` reached A only; B lost it; `call` reached both (A on
        // 21 March, B on 28 March once the cooldown after A's call ended).
        assert_eq!(per_step, [("first", 1, 1), ("call", 2, 0)], "{engine:?}");
    }
}

#[test]
fn a_step_overtaken_while_deferred_is_counted() {
    let p = policy(OVERTAKEN);
    let invoices = two_invoices(&p);
    for engine in [Engine::EveryDay, Engine::EventDriven] {
        let s = replay(&p, &invoices, engine);
        assert_eq!(s.expired_while_deferred, 1, "{engine:?}");
        assert_eq!(s.steps[0].expired_while_deferred, 1, "{engine:?}");
        assert_eq!(s.steps[1].expired_while_deferred, 0, "{engine:?}");
    }
}

#[test]
fn nothing_expires_when_the_invoice_is_paid_while_deferred() {
    let p = policy(WINDOW);
    let mut invoices = two_invoices(&p);
    // B paid on 5 March, while its step waits: settled, not lost.
    invoices[1].paid_date = Some(date("2025-03-05"));
    for engine in [Engine::EveryDay, Engine::EventDriven] {
        assert_eq!(replay(&p, &invoices, engine).expired_while_deferred, 0);
    }
}

#[test]
fn explain_names_the_step_that_expired_while_deferred() {
    let p = policy(WINDOW);
    let invoices = two_invoices(&p);
    let mut actions = Vec::new();
    dunning::replay(
        &p,
        RunData::new(&invoices),
        range("2025-03-01", "2025-03-10"),
        ReplayOptions::default(),
        &mut |day| actions.extend(day),
    );
    let history = history_of(&actions);
    let data = RunData::new(&invoices).with_history(&history);
    let e = dunning::explain(&p, data, date("2025-03-10"), "B").unwrap();
    assert_eq!(
        e.rules[0].verdict,
        "expired while deferred: due on 2025-03-04, held by the cooldown, \
         no longer due on 2025-03-07; now: does not hold"
    );
    assert_eq!(e.rules[0].expired_while_deferred.len(), 1);
    assert!(e.rules[1].expired_while_deferred.is_empty());
    // A fired its step: nothing lost.
    let a = dunning::explain(&p, data, date("2025-03-10"), "A").unwrap();
    assert!(a.rules.iter().all(|r| r.expired_while_deferred.is_empty()));
    assert!(!a.rules[0].verdict.contains("expired"));
}
