//! Account events (SPEC 6.2): each kind changes its fact from its date on,
//! in `plan` run every day and in both replays alike.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::NaiveDate;
use dunning::data::{AccountEvent, Invoice};
use dunning::{Engine, ReplayOptions, RunData};
use support::*;

/// Ladder of one invoice due on 31 January: e-mail from day 1, call from
/// day 10, letter from day 30.
const LADDER: &str = "\
rule first: when overdue >= 1d then email
rule second: when overdue >= 10d then call
rule third: when overdue >= 30d then letter
";

/// Every action of February to April as (date, invoice, rule), from `plan`
/// run every day, after checking that both replays give the same.
fn run(policy_text: &str, invoices: &[Invoice], events: &[AccountEvent]) -> Vec<String> {
    let p = policy(policy_text);
    let daily = run_days_with_events(&p, invoices, &[], events, "2025-02-01", "2025-04-30");
    let data = RunData::new(invoices).with_events(events);
    let days = range("2025-02-01", "2025-04-30");
    for engine in [Engine::EveryDay, Engine::EventDriven] {
        let mut replayed = Vec::new();
        dunning::replay(
            &p,
            data,
            days,
            ReplayOptions::default().engine(engine),
            &mut |day| replayed.extend(day),
        );
        let replayed: Vec<_> = history_of(&replayed)
            .into_iter()
            .map(|h| (h.date, h.invoice_id, h.rule))
            .collect();
        assert_eq!(replayed, daily, "{engine:?}");
    }
    daily
        .into_iter()
        .map(|(d, i, r)| format!("{d} {i} {r}"))
        .collect()
}

fn one_invoice(p: &str, attrs: &[(&str, &str)]) -> Vec<Invoice> {
    vec![invoice(
        &policy(p),
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "100",
        attrs,
    )]
}

#[test]
fn a_dispute_pauses_from_its_opening_to_its_closing_then_the_ladder_catches_up() {
    let invoices = one_invoice(LADDER, &[]);
    let events = [
        event("2025-02-05", "I1", "", "dispute_opened", ""),
        event("2025-03-10", "I1", "", "dispute_closed", ""),
    ];
    // E-mail on 1 February, then nothing while disputed (the call was due
    // on the 10th), then the most advanced step due on 10 March.
    assert_eq!(
        run(LADDER, &invoices, &events),
        ["2025-02-01 I1 first", "2025-03-10 I1 third"]
    );
}

#[test]
fn a_closed_dispute_overrides_the_snapshot_column() {
    let mut invoices = one_invoice(LADDER, &[]);
    invoices[0].disputed = true;
    // Disputed in the snapshot (the state before any event): paused until closed.
    let events = [event("2025-02-15", "I1", "", "dispute_closed", "")];
    assert_eq!(
        run(LADDER, &invoices, &events),
        ["2025-02-15 I1 second", "2025-03-02 I1 third"]
    );
    // Without the event, the column holds all along.
    assert!(run(LADDER, &invoices, &[]).is_empty());
}

#[test]
fn a_promise_pauses_until_its_date_and_a_later_promise_replaces_it() {
    let text = format!("pause promise when promised_until >= today\n{LADDER}");
    let invoices = one_invoice(&text, &[]);
    let events = [
        event("2025-02-03", "I1", "", "promise", "2025-02-20"),
        // Broken, then renewed for two more weeks.
        event("2025-02-21", "I1", "", "promise", "2025-03-07"),
    ];
    assert_eq!(
        run(&text, &invoices, &events),
        [
            "2025-02-01 I1 first",
            // 21 February: the new promise is dated that day: no gap.
            "2025-03-08 I1 third",
        ]
    );
}

#[test]
fn a_payment_plan_pauses_while_it_runs() {
    let text = format!("pause plan when payment_plan\n{LADDER}");
    let invoices = one_invoice(&text, &[]);
    let events = [
        event("2025-02-08", "I1", "", "plan_started", ""),
        event("2025-02-25", "I1", "", "plan_ended", ""),
    ];
    assert_eq!(
        run(&text, &invoices, &events),
        [
            "2025-02-01 I1 first",
            "2025-02-25 I1 second",
            "2025-03-02 I1 third"
        ]
    );
}

#[test]
fn insolvency_of_a_customer_pauses_all_its_invoices_even_those_issued_later() {
    let text = format!("pause insolvency when insolvent\n{LADDER}");
    let p = policy(&text);
    let invoices = vec![
        invoice(&p, "I1", "C1", "2025-01-01", "2025-01-31", "100", &[]),
        invoice(&p, "I2", "C1", "2025-02-20", "2025-03-01", "100", &[]),
        invoice(&p, "I3", "C2", "2025-01-01", "2025-01-31", "100", &[]),
    ];
    let events = [
        event("2025-02-05", "", "C1", "insolvency_opened", ""),
        event("2025-04-01", "", "C1", "insolvency_closed", ""),
    ];
    assert_eq!(
        run(&text, &invoices, &events),
        [
            "2025-02-01 I1 first",
            "2025-02-01 I3 first",
            "2025-02-10 I3 second",
            "2025-03-02 I3 third",
            "2025-04-01 I1 third",
            "2025-04-01 I2 third",
        ]
    );
}

#[test]
fn a_block_pauses_until_its_end_or_until_unblock() {
    let invoices = one_invoice(LADDER, &[]);
    // A block with an end: paused up to 14 February included.
    let events = [event("2025-02-05", "I1", "", "block", "2025-02-14")];
    assert_eq!(
        run(LADDER, &invoices, &events),
        [
            "2025-02-01 I1 first",
            "2025-02-15 I1 second",
            "2025-03-02 I1 third"
        ]
    );
    // Without an end, until `unblock`.
    let events = [
        event("2025-02-05", "", "C1", "block", ""),
        event("2025-03-20", "I1", "", "unblock", ""),
    ];
    assert_eq!(
        run(LADDER, &invoices, &events),
        ["2025-02-01 I1 first", "2025-03-20 I1 third"]
    );
    // The snapshot's `blocked` column blocks from the start.
    let blocked = one_invoice(LADDER, &[("blocked", "true")]);
    assert!(run(LADDER, &blocked, &[]).is_empty());
}

#[test]
fn a_contact_outside_dunning_counts_for_the_cooldown_and_last_contact() {
    let text = format!("set cooldown = 7d\n{LADDER}");
    let invoices = one_invoice(&text, &[]);
    // The account manager called on 8 February: the call step due on the
    // 10th waits until the 15th.
    let events = [event("2025-02-08", "", "C1", "contact", "")];
    assert_eq!(
        run(&text, &invoices, &events),
        [
            "2025-02-01 I1 first",
            "2025-02-15 I1 second",
            "2025-03-02 I1 third"
        ]
    );
    // `last_contact` counts from it, and it is not a reminder.
    let text = "rule r: when last_contact >= 3d and reminders = 0 then email\n";
    let invoices = one_invoice(text, &[]);
    let events = [event("2025-03-01", "I1", "C1", "contact", "")];
    assert_eq!(run(text, &invoices, &events), ["2025-03-04 I1 r"]);
}

#[test]
fn events_of_one_day_apply_in_file_order_and_after_the_snapshot() {
    let p = policy(LADDER);
    let invoices = one_invoice(LADDER, &[]);
    let mut opened = event("2025-02-05", "I1", "", "dispute_opened", "");
    let mut closed = event("2025-02-05", "", "C1", "dispute_closed", "");
    (opened.line, closed.line) = (2, 3);
    let day = NaiveDate::from_ymd_opt(2025, 2, 10).unwrap();
    let events = [opened.clone(), closed.clone()];
    let plan = dunning::plan(&p, RunData::new(&invoices).with_events(&events), day);
    assert_eq!(plan.actions.len(), 1, "closed last: not disputed");
    (opened.line, closed.line) = (3, 2);
    let events = [closed, opened];
    let plan = dunning::plan(&p, RunData::new(&invoices).with_events(&events), day);
    assert!(plan.actions.is_empty(), "opened last: disputed");
}
