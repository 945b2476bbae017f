//! SPEC section 4, rule by rule: each test is named after the rule it shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use dunning::policy::RuleIdx;
use dunning::{Decision, DeferredBy, RunData};
use support::*;

const LADDER: &str = "\
rule first: when overdue >= 1d then email template \"r1\"
rule second: when overdue >= 10d then call
rule third: when overdue >= 30d then letter
";

fn one(policy_text: &str, inv_attrs: &[(&str, &str)], day: &str) -> Vec<(String, String, String)> {
    let p = policy(policy_text);
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "1000.00",
        inv_attrs,
    )];
    summary(&dunning::plan(&p, RunData::new(&invoices), date(day)))
}

// ── Rule 1: open invoices only ──

#[test]
fn rule1_invoice_not_yet_issued_gets_nothing() {
    let p = policy("when age >= 0d then email\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-03-01",
        "2025-03-31",
        "100",
        &[],
    )];
    assert!(
        dunning::plan(&p, RunData::new(&invoices), date("2025-02-28"))
            .actions
            .is_empty()
    );
    assert_eq!(
        dunning::plan(&p, RunData::new(&invoices), date("2025-03-01"))
            .actions
            .len(),
        1
    );
}

#[test]
fn rule1_paid_date_on_or_before_d_closes_the_invoice_after_d_does_not() {
    let p = policy(LADDER);
    let mut inv = invoice(&p, "I1", "C1", "2025-01-01", "2025-01-31", "1000.00", &[]);
    // Paid after the due date but before D: closed on D.
    inv.paid_date = Some(date("2025-02-05"));
    let invoices = vec![inv];
    assert!(
        dunning::plan(&p, RunData::new(&invoices), date("2025-02-10"))
            .actions
            .is_empty()
    );
    assert!(
        dunning::plan(&p, RunData::new(&invoices), date("2025-02-05"))
            .actions
            .is_empty()
    );
    // On D before the payment, it is still open.
    assert_eq!(
        dunning::plan(&p, RunData::new(&invoices), date("2025-02-04"))
            .actions
            .len(),
        1
    );
}

#[test]
fn rule1_payments_up_to_d_that_cover_the_amount_close_the_invoice() {
    let p = policy(LADDER);
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "1000.00",
        &[],
    )];
    let payments = vec![
        payment("I1", "2025-02-01", "400"),
        payment("I1", "2025-02-03", "600"),
    ];
    assert!(
        dunning::plan(&p, data(&invoices, &payments), date("2025-02-10"))
            .actions
            .is_empty()
    );
    let partly = dunning::plan(&p, data(&invoices, &payments), date("2025-02-02"));
    assert_eq!(partly.actions.len(), 1);
    assert_eq!(partly.actions[0].open_amount, dec("600.00"));
}

// ── Rule 2: days overdue in calendar days ──

#[test]
fn rule2_days_overdue_is_d_minus_due_date_in_calendar_days() {
    let p = policy("when overdue >= 16d then email\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[],
    )];
    assert!(
        dunning::plan(&p, RunData::new(&invoices), date("2025-02-15"))
            .actions
            .is_empty()
    );
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-02-16"));
    assert_eq!(plan.actions[0].invoices[0].days_overdue, 16);
    // Before the due date it is negative; `due_in` says it without a minus sign.
    let p = policy("when due_in <= 3d and due_in >= 0d then email\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[],
    )];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-01-28"));
    assert_eq!(plan.actions[0].invoices[0].days_overdue, -3);
}

// ── Rule 3: fire once, unless it repeats ──

#[test]
fn rule3_a_rule_fires_once_per_invoice() {
    let p = policy("rule r: when overdue >= 1d then email\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[],
    )];
    let actions = run_days(&p, &invoices, &[], "2025-02-01", "2025-03-31");
    assert_eq!(actions, vec![(date("2025-02-01"), "I1".into(), "r".into())]);
}

#[test]
fn rule3_a_repeating_rule_fires_no_more_often_than_its_interval() {
    let p = policy("rule r: when overdue >= 1d then email repeat every 7d\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[],
    )];
    let days: Vec<_> = run_days(&p, &invoices, &[], "2025-02-01", "2025-02-28")
        .into_iter()
        .map(|(d, _, _)| d.to_string())
        .collect();
    assert_eq!(
        days,
        ["2025-02-01", "2025-02-08", "2025-02-15", "2025-02-22"]
    );
}

#[test]
fn rule3_a_repeating_step_stops_once_a_later_step_fired() {
    let p = policy("rule r: when overdue >= 1d then email repeat every 7d\nrule s: when overdue >= 10d then call\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[],
    )];
    let actions = run_days(&p, &invoices, &[], "2025-02-01", "2025-03-31");
    let rules: Vec<_> = actions.iter().map(|(d, _, r)| format!("{d} {r}")).collect();
    assert_eq!(rules, ["2025-02-01 r", "2025-02-08 r", "2025-02-10 s"]);
}

// ── Rule 4: catch-up ──

#[test]
fn rule4_a_missed_weekend_loses_no_step() {
    // Steps at 1 and 3 days overdue; due on Wednesday 2025-01-29, so the 3-day
    // step falls on Saturday 2025-02-01, when nobody runs the plan.
    let p = policy("rule a: when overdue >= 1d then email\nrule b: when overdue >= 3d then sms\nrule c: when overdue >= 20d then call\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-29",
        "10",
        &[],
    )];
    let mut history = Vec::new();
    for day in ["2025-01-30", "2025-01-31", "2025-02-03"] {
        let plan = dunning::plan(
            &p,
            RunData::new(&invoices).with_history(&history),
            date(day),
        );
        history.extend(as_history(&plan));
    }
    let fired: Vec<_> = history
        .iter()
        .map(|h| format!("{} {}", h.date, h.rule))
        .collect();
    assert_eq!(fired, ["2025-01-30 a", "2025-02-03 b"]);
}

// ── Rule 5: no burst, no going back ──

#[test]
fn rule5_an_invoice_first_seen_40_days_overdue_gets_one_action() {
    let actions = one(LADDER, &[], "2025-03-12");
    assert_eq!(actions, [("C1".into(), "letter".into(), "I1".into())]);
}

#[test]
fn rule5_after_a_step_fires_no_earlier_step_ever_fires() {
    // `early` becomes true only after `late` has fired (it needs 2 reminders);
    // it is earlier in the ladder, so it must never fire.
    let p = policy(
        "rule early: when overdue >= 1d and reminders >= 1 then email\nrule late: when overdue >= 5d then call\n",
    );
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[],
    )];
    let actions = run_days(&p, &invoices, &[], "2025-02-01", "2025-04-30");
    assert_eq!(
        actions,
        vec![(date("2025-02-05"), "I1".into(), "late".into())]
    );
}

// ── Rule 6: pauses ──

#[test]
fn rule6_disputed_invoices_are_paused_by_default() {
    let p = policy(LADDER);
    let mut inv = invoice(&p, "I1", "C1", "2025-01-01", "2025-01-31", "10", &[]);
    inv.disputed = true;
    let invoices = vec![inv];
    assert!(
        dunning::plan(&p, RunData::new(&invoices), date("2025-03-12"))
            .actions
            .is_empty()
    );
    assert_eq!(
        dunning::explain(&p, RunData::new(&invoices), date("2025-03-12"), "I1")
            .unwrap()
            .decision,
        Decision::Paused {
            pause: "dispute".into()
        }
    );
}

#[test]
fn rule6_a_policy_can_opt_in_to_chase_disputed_invoices() {
    let p = policy(&format!("set pause_disputed = no\n{LADDER}when disputed and overdue >= 40d then call template \"dispute\"\n"));
    let mut inv = invoice(&p, "I1", "C1", "2025-01-01", "2025-01-31", "10", &[]);
    inv.disputed = true;
    let invoices = [inv];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-03-12"));
    assert_eq!(plan.actions[0].template, Some("dispute"));
}

#[test]
fn rule6_when_a_promise_to_pay_ends_the_ladder_catches_up_with_one_action() {
    let text = format!("pause promise when promised_until >= today\n{LADDER}");
    let p = policy(&text);
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[("promised_until", "2025-03-15")],
    )];
    let actions = run_days(&p, &invoices, &[], "2025-02-01", "2025-04-30");
    // Paused until the 15th, then the most advanced step only.
    assert_eq!(
        actions,
        vec![(date("2025-03-16"), "I1".into(), "third".into())]
    );
}

// ── Rule 7: cooldown ──

#[test]
fn rule7_a_second_invoice_of_a_contacted_customer_waits_for_the_cooldown() {
    let p = policy("set cooldown = 7d\nrule r: when overdue >= 1d then email\n");
    let invoices = vec![
        invoice(&p, "A", "C1", "2025-01-01", "2025-01-31", "10", &[]),
        invoice(&p, "B", "C1", "2025-01-01", "2025-02-03", "10", &[]),
        invoice(&p, "X", "C2", "2025-01-01", "2025-02-03", "10", &[]),
    ];
    let actions = run_days(&p, &invoices, &[], "2025-02-01", "2025-02-28");
    let got: Vec<_> = actions.iter().map(|(d, i, _)| format!("{d} {i}")).collect();
    // A on the 1st; B due on the 4th but C1 was contacted on the 1st: the 8th.
    // X belongs to another customer and is not held back.
    assert_eq!(got, ["2025-02-01 A", "2025-02-04 X", "2025-02-08 B"]);
}

#[test]
fn rule7_deferral_is_reported_with_the_day_it_becomes_allowed() {
    let p = policy("set cooldown = 7d\nrule r: when overdue >= 1d then email\n");
    let invoices = vec![
        invoice(&p, "A", "C1", "2025-01-01", "2025-01-31", "10", &[]),
        invoice(&p, "B", "C1", "2025-01-01", "2025-02-03", "10", &[]),
    ];
    let history = as_history(&dunning::plan(
        &p,
        RunData::new(&invoices),
        date("2025-02-01"),
    ));
    let data = RunData::new(&invoices).with_history(&history);
    assert_eq!(
        dunning::explain(&p, data, date("2025-02-04"), "B")
            .unwrap()
            .decision,
        Decision::Deferred {
            rule: RuleIdx::new(0),
            until: date("2025-02-08"),
            by: DeferredBy::Cooldown
        }
    );
}

#[test]
fn rule7_several_actions_to_one_customer_on_one_day_are_one_contact() {
    let p = policy("set cooldown = 7d\nrule r: when overdue >= 1d then email\nrule s: when overdue >= 20d then letter\n");
    let invoices = vec![
        invoice(&p, "A", "C1", "2025-01-01", "2025-01-31", "10", &[]),
        invoice(&p, "B", "C1", "2025-01-01", "2025-01-10", "10", &[]),
    ];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-02-01"));
    // Both fire the same day (an e-mail for A, a letter for B).
    assert_eq!(
        summary(&plan),
        [
            ("C1".into(), "email".into(), "A".into()),
            ("C1".into(), "letter".into(), "B".into())
        ]
    );
}

// ── Rule 8: business days ──

#[test]
fn rule8_a_saturday_call_moves_to_monday_but_an_email_does_not_wait() {
    let p = policy("set calendar = france\nrule c: when overdue >= 1d then call\n");
    // Due Friday 2025-03-07: one day overdue on Saturday the 8th.
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-03-07",
        "10",
        &[],
    )];
    let actions = run_days(&p, &invoices, &[], "2025-03-08", "2025-03-20");
    assert_eq!(actions[0].0, date("2025-03-10"));
    let p = policy("set calendar = france\nrule e: when overdue >= 1d then email\n");
    let actions = run_days(&p, &invoices, &[], "2025-03-08", "2025-03-20");
    assert_eq!(actions[0].0, date("2025-03-08"));
}

#[test]
fn rule8_a_call_due_on_easter_monday_moves_to_tuesday() {
    let p = policy("set calendar = france\nrule c: when overdue >= 1d then call\n");
    // Easter Monday 2025 is April 21st.
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-04-20",
        "10",
        &[],
    )];
    let actions = run_days(&p, &invoices, &[], "2025-04-21", "2025-04-30");
    assert_eq!(actions[0].0, date("2025-04-22"));
}

#[test]
fn rule8_without_a_calendar_every_day_is_a_business_day() {
    let p = policy("rule c: when overdue >= 1d then call\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-03-07",
        "10",
        &[],
    )];
    assert_eq!(
        run_days(&p, &invoices, &[], "2025-03-08", "2025-03-20")[0].0,
        date("2025-03-08")
    );
}

// ── Rule 9: consolidation ──

#[test]
fn rule9_five_invoices_of_one_customer_give_one_letter_listing_five() {
    let p = policy("when overdue >= 30d then letter template \"relance\"\n");
    let invoices: Vec<_> = (1..=5)
        .map(|i| {
            invoice(
                &p,
                &format!("I{i}"),
                "C1",
                "2025-01-01",
                "2025-01-31",
                &format!("{i}00.10"),
                &[],
            )
        })
        .chain([invoice(
            &p,
            "J1",
            "C2",
            "2025-01-01",
            "2025-01-31",
            "50",
            &[],
        )])
        .collect();
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-03-15"));
    assert_eq!(plan.actions.len(), 2);
    let letter = &plan.actions[0];
    assert_eq!(
        letter.invoice_ids().collect::<Vec<_>>(),
        ["I1", "I2", "I3", "I4", "I5"]
    );
    assert_eq!(letter.open_amount, dec("1500.50"));
    assert_eq!(letter.template, Some("relance"));
}

#[test]
fn rule9_invoices_at_different_steps_share_one_action_and_its_json_says_so() {
    let p = policy(concat!(
        "rule soft: when overdue >= 10d then email template \"r\" with tone = \"soft\"\n",
        "rule firm: when overdue >= 30d then email template \"r\" with tone = \"firm\"\n",
        "rule ring: when overdue >= 60d then call\n",
    ));
    let invoices = vec![
        invoice(&p, "I2", "C1", "2025-01-01", "2025-02-08", "200", &[]),
        invoice(&p, "I1", "C1", "2025-01-01", "2025-02-28", "100", &[]),
        invoice(&p, "I3", "C1", "2024-12-01", "2025-01-13", "300", &[]),
    ];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-03-15"));
    let json = serde_json::to_value(&plan).unwrap();
    // Actions by customer, then action name: the call first. It has no
    // template and no parameters: neither key is written. The e-mail lists
    // both invoices by id, names both rules (sorted), takes the parameters
    // of its first invoice's rule, and gives each reason once.
    assert_eq!(
        json["actions"],
        serde_json::json!([
            {
                "date": "2025-03-15",
                "customer_id": "C1",
                "action": "call",
                "rule": "ring",
                "invoice_ids": ["I3"],
                "open_amount": "300",
                "currency": "EUR",
                "totals": [{"currency": "EUR", "open_amount": "300"}],
                "reason": "overdue 61 days >= 60 days",
                "invoices": [
                    {"invoice_id": "I3", "rule": "ring", "open_amount": "300", "currency": "EUR",
                     "days_overdue": 61,
                     "reason": "overdue 61 days >= 60 days"},
                ],
            },
            {
                "date": "2025-03-15",
                "customer_id": "C1",
                "action": "email",
                "template": "r",
                "rule": "firm, soft",
                "invoice_ids": ["I1", "I2"],
                "open_amount": "300",
                "currency": "EUR",
                "totals": [{"currency": "EUR", "open_amount": "300"}],
                "params": {"tone": "soft"},
                "reason": "2 invoices: overdue 15 days >= 10 days; overdue 35 days >= 30 days",
                "invoices": [
                    {"invoice_id": "I1", "rule": "soft", "open_amount": "100", "currency": "EUR",
                     "days_overdue": 15, "reason": "overdue 15 days >= 10 days"},
                    {"invoice_id": "I2", "rule": "firm", "open_amount": "200", "currency": "EUR",
                     "days_overdue": 35,
                     "reason": "overdue 35 days >= 30 days"},
                ],
            },
        ])
    );
    // Keys come in the order SPEC section 6 lists them.
    let text = serde_json::to_string(&plan.actions[1]).unwrap();
    let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap();
    let keys = [
        "date",
        "customer_id",
        "action",
        "template",
        "rule",
        "invoice_ids",
        "open_amount",
        "currency",
        "totals",
        "params",
        "reason",
        "invoices",
    ];
    assert!(keys.windows(2).all(|w| at(w[0]) < at(w[1])), "{text}");
}

#[test]
fn rule9_different_templates_are_different_actions() {
    let p = policy("attribute segment in [a, b]\nwhen segment = a and overdue >= 30d then letter template \"x\"\nwhen segment = b and overdue >= 30d then letter template \"y\"\n");
    let invoices = vec![
        invoice(
            &p,
            "I1",
            "C1",
            "2025-01-01",
            "2025-01-31",
            "10",
            &[("segment", "a")],
        ),
        invoice(
            &p,
            "I2",
            "C1",
            "2025-01-01",
            "2025-01-31",
            "10",
            &[("segment", "b")],
        ),
    ];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-03-15"));
    assert_eq!(plan.actions.len(), 2);
}

// ── Rule 10: penalties ──

#[test]
fn rule10_penalties_match_the_hand_computation_to_the_cent() {
    let p = policy("set interest_rate = 12.15%\nset indemnity = 40 EUR\nwhen overdue >= 16d then registered_letter\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "1000.00",
        &[],
    )];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-02-16"));
    let line = &plan.actions[0].invoices[0];
    // 1000 × 12.15% × 16 / 365 = 5.32602… → 5.33
    assert_eq!(line.interest, Some(dec("5.33")));
    assert_eq!(line.indemnity, Some(dec("40")));
}

#[test]
fn rule10_partial_payments_reduce_the_open_amount_and_the_penalties() {
    let p = policy("set interest_rate = 12.15%\nset indemnity = 40 EUR\nwhen overdue >= 16d then registered_letter\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "1000.00",
        &[],
    )];
    let payments = vec![payment("I1", "2025-02-10", "400.00")];
    let plan = dunning::plan(&p, data(&invoices, &payments), date("2025-02-16"));
    let line = &plan.actions[0].invoices[0];
    assert_eq!(line.open_amount, dec("600.00"));
    // Interest runs on each day's balance: 1000 for 02-01 to 02-10 (the
    // payment day included), 600 for 02-11 to 02-16:
    // (1000 × 10 + 600 × 6) × 12.15% / 365 = 4.52712… → 4.53
    assert_eq!(line.interest, Some(dec("4.53")));
}

#[test]
fn rule10_half_a_cent_rounds_away_from_zero() {
    // 365 × 1% × 1 / 365 = 0.01 exactly; 182.5 × 1% × 1 / 365 = 0.005 → 0.01
    assert_eq!(
        dunning::penalty::interest(dec("182.50"), dec("1"), 1),
        Ok(dec("0.01"))
    );
    assert_eq!(
        dunning::penalty::interest(dec("182.49"), dec("1"), 1),
        Ok(dec("0.00"))
    );
    assert_eq!(
        dunning::penalty::interest(dec("1000"), dec("10"), 0),
        Ok(dec("0"))
    );
}

#[test]
fn rule10_no_penalties_unless_the_policy_declares_them() {
    let p = policy("when overdue >= 16d then letter\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "1000.00",
        &[],
    )];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-02-16"));
    assert_eq!(plan.actions[0].interest, None);
    assert_eq!(plan.actions[0].indemnity, None);
}

// ── Rule 11: rule and reason on every action ──

#[test]
fn rule11_every_action_says_its_rule_and_why() {
    let p = policy("attribute segment in [strategic, standard]\nrule strategic_call: when segment = strategic and overdue > 15d then call\n");
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[("segment", "strategic")],
    )];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-02-16"));
    assert_eq!(plan.actions[0].rule(), "strategic_call");
    assert_eq!(
        plan.actions[0].reason(),
        "segment = strategic and overdue 16 days > 15 days"
    );
}

// ── Rule 12: determinism and order ──

#[test]
fn rule12_actions_are_sorted_by_customer_then_action_and_output_is_stable() {
    let p = policy("rule e: when overdue >= 1d and overdue < 30d then email\nrule l: when overdue >= 30d then letter\n");
    let invoices = vec![
        invoice(&p, "I3", "C2", "2025-01-01", "2025-01-31", "10", &[]),
        invoice(&p, "I1", "C1", "2025-01-01", "2025-02-20", "10", &[]),
        invoice(&p, "I2", "C1", "2025-01-01", "2025-01-02", "10", &[]),
    ];
    let a = dunning::plan(&p, RunData::new(&invoices), date("2025-03-05"));
    assert_eq!(
        summary(&a),
        [
            ("C1".into(), "email".into(), "I1".into()),
            ("C1".into(), "letter".into(), "I2".into()),
            ("C2".into(), "letter".into(), "I3".into()),
        ]
    );
    let mut reversed = invoices.clone();
    reversed.reverse();
    let b = dunning::plan(&p, RunData::new(&reversed), date("2025-03-05"));
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

// ── Days since a step ──

#[test]
fn since_counts_days_from_the_day_a_step_fired_and_is_false_before() {
    // "Court 15 days after the formal notice", as it is said.
    let text = "rule notice: when overdue >= 10d then formal_notice\n\
                rule court: when since notice >= 15d then legal\n\
                rule never: when since court < 0d then call\n";
    let p = policy(text);
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[],
    )];
    let actions = run_days(&p, &invoices, &[], "2025-02-01", "2025-04-30");
    assert_eq!(
        actions,
        vec![
            (date("2025-02-10"), "I1".into(), "notice".into()),
            (date("2025-02-25"), "I1".into(), "court".into()),
        ]
    );
    // The reason names the step and the days.
    let history = vec![dunning::data::HistoryEntry {
        date: date("2025-02-10"),
        customer_id: "C1".into(),
        invoice_id: "I1".into(),
        rule: "notice".into(),
        action: dunning::policy::ActionKind::FormalNotice,
        template: None,
        line: 0,
    }];
    let data = RunData::new(&invoices).with_history(&history);
    let plan = dunning::plan(&p, data, date("2025-02-26"));
    assert_eq!(plan.actions[0].reason(), "since notice 16 days >= 15 days");
}

// ── The customer's ledger ──

#[test]
fn many_small_invoices_of_one_customer_add_up() {
    let text = "rule small: when customer_overdue_amount >= 100 EUR and overdue >= 5d then email\n";
    let p = policy(text);
    let mut invoices: Vec<_> = (0..10)
        .map(|k| {
            invoice(
                &p,
                &format!("S{k}"),
                "C1",
                "2025-01-01",
                "2025-01-31",
                "15",
                &[],
            )
        })
        .collect();
    // Another customer's three: 45 EUR in all, never chased.
    invoices.extend((0..3).map(|k| {
        invoice(
            &p,
            &format!("T{k}"),
            "C2",
            "2025-01-01",
            "2025-01-31",
            "15",
            &[],
        )
    }));
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-02-05"));
    assert_eq!(
        summary(&plan),
        [(
            "C1".to_string(),
            "email".to_string(),
            "S0,S1,S2,S3,S4,S5,S6,S7,S8,S9".to_string()
        )]
    );
    // Three of them paid: 105 EUR left, still chased; four paid: 90 EUR, not.
    let paid = |n: usize| -> Vec<_> {
        (0..n)
            .map(|k| payment(&format!("S{k}"), "2025-02-01", "15"))
            .collect()
    };
    let three = paid(3);
    let data = RunData::new(&invoices).with_payments(&three);
    assert_eq!(dunning::plan(&p, data, date("2025-02-05")).actions.len(), 1);
    let four = paid(4);
    let data = RunData::new(&invoices).with_payments(&four);
    assert!(dunning::plan(&p, data, date("2025-02-05"))
        .actions
        .is_empty());
}

#[test]
fn customer_open_invoices_and_max_overdue_read_the_whole_ledger() {
    let text =
        "rule r: when customer_open_invoices >= 2 and customer_max_overdue >= 20d then call\n";
    let p = policy(text);
    let invoices = vec![
        invoice(&p, "OLD", "C1", "2025-01-01", "2025-01-10", "100", &[]),
        invoice(&p, "NEW", "C1", "2025-02-01", "2025-03-01", "100", &[]),
    ];
    // 30 January: OLD 20 days overdue, NEW not issued yet: one open invoice.
    let actions = run_days(&p, &invoices, &[], "2025-01-25", "2025-02-28");
    // From 1 February (NEW issued), both are called about, as one action.
    assert_eq!(
        actions,
        vec![
            (date("2025-02-01"), "NEW".into(), "r".into()),
            (date("2025-02-01"), "OLD".into(), "r".into()),
        ]
    );
}

#[test]
fn minimum_amount_takes_one_amount_per_currency() {
    let p =
        policy("set minimum_amount = [20 EUR, 25 USD]\nrule r: when overdue >= 1d then email\n");
    let mut invoices = vec![
        invoice(&p, "E19", "C1", "2025-01-01", "2025-01-31", "19.99", &[]),
        invoice(&p, "E20", "C2", "2025-01-01", "2025-01-31", "20", &[]),
        invoice(&p, "U24", "C3", "2025-01-01", "2025-01-31", "24.99", &[]),
        invoice(&p, "G1", "C4", "2025-01-01", "2025-01-31", "1", &[]),
    ];
    invoices[2].currency = dunning::money::Currency::parse("USD").unwrap();
    invoices[3].currency = dunning::money::Currency::parse("GBP").unwrap();
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-02-01"));
    let ids: Vec<_> = plan.actions.iter().flat_map(|a| a.invoice_ids()).collect();
    // Under 20 EUR and under 25 USD: not dunned; GBP has no minimum.
    assert_eq!(ids, ["E20", "G1"]);
    let uncovered = dunning::data::currencies_without_minimum(&p, &invoices);
    assert_eq!(uncovered.len(), 1);
    assert_eq!(uncovered[0].0.as_str(), "GBP");
}

// ── What the team needs in the plan ──

#[test]
fn the_plan_carries_declared_attributes_and_a_parameter_takes_an_attribute_value() {
    let text = "attribute account_manager: text\nattribute phone: text\n\
                rule r: when overdue >= 1d then call with to = account_manager, \
                script = \"account_manager\", priority = 2\n";
    let p = policy(text);
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "10",
        &[
            ("account_manager", "Claire Martin"),
            ("phone", "+33 1 23 45 67 89"),
        ],
    )];
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-02-01"));
    let action = &plan.actions[0];
    let params: Vec<(&str, &str)> = action
        .params
        .iter()
        .map(|(k, v)| (*k, v.as_ref()))
        .collect();
    // The bare word names the attribute; the quoted text stays text.
    assert_eq!(
        params,
        [
            ("to", "Claire Martin"),
            ("script", "account_manager"),
            ("priority", "2")
        ]
    );
    let json = dunning::output::json::plan(&plan);
    assert!(json.contains("\"phone\": \"+33 1 23 45 67 89\""), "{json}");
    let mut csv = Vec::new();
    dunning::output::csv::write_for(
        &dunning::output::csv::attribute_columns(&p),
        &plan.actions,
        &mut csv,
    )
    .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .ends_with(",reason,indemnity_currency,account_manager,phone"));
    // A cell starting with `+` is neutralised for spreadsheets.
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",Claire Martin,'+33 1 23 45 67 89"),
        "{csv}"
    );
}

#[test]
fn rule7_an_agency_hand_over_is_not_a_contact() {
    let p = policy(
        "set cooldown = 7d\n\
         rule mail: when overdue >= 1d then email\n\
         rule agency: when overdue >= 5d then collection_agency\n\
         rule second_mail: when overdue >= 10d and fired agency then email template \"r2\"\n",
    );
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "1000.00",
        &[],
    )];
    let days = run_days(&p, &invoices, &[], "2025-02-01", "2025-02-28");
    let fired: Vec<(String, String)> = days
        .iter()
        .map(|(d, _, r)| (d.to_string(), r.clone()))
        .collect();
    // The hand-over is not held by the e-mail of 02-01 (a week would be
    // 02-08), and does not restart the cooldown: the second e-mail goes on
    // 02-10, not 02-12.
    assert_eq!(
        fired,
        [
            ("2025-02-01".to_string(), "mail".to_string()),
            ("2025-02-05".to_string(), "agency".to_string()),
            ("2025-02-10".to_string(), "second_mail".to_string()),
        ]
    );
}

#[test]
fn rule8_messages_can_wait_for_business_days_too() {
    let text = "set calendar = france\nrule mail: when overdue >= 1d then email\n";
    let p = policy(text);
    // Due on Friday 2025-05-02: overdue on Saturday 3 May.
    let invoices = vec![invoice(
        &p,
        "I1",
        "C1",
        "2025-04-01",
        "2025-05-02",
        "100",
        &[],
    )];
    let any_day = run_days(&p, &invoices, &[], "2025-05-03", "2025-05-06");
    assert_eq!(any_day[0].0, date("2025-05-03"));
    let p = policy(&format!("{text}set messages_on_business_days = yes\n"));
    let business = run_days(&p, &invoices, &[], "2025-05-03", "2025-05-06");
    // Saturday and Sunday wait; Monday 5 May is a business day.
    assert_eq!(business[0].0, date("2025-05-05"));
}

#[test]
fn rule7_a_preventive_reminder_is_not_held_by_the_cooldown() {
    let p = policy(
        "set cooldown = 7d\n\
         rule courtesy: when due_in <= 3d and due_in >= 1d then email template \"avant\"\n\
         rule first: when overdue >= 2d then email template \"r1\"\n",
    );
    // A1 is overdue and reminded on 02-03; A2 falls due on 02-08: its
    // courtesy window, 02-05 to 02-07, is inside the week after that
    // reminder. It goes out on 02-05 all the same (it used to be lost), and
    // counts as a contact: A2's overdue reminder waits until 02-12.
    let invoices = vec![
        invoice(&p, "A1", "C1", "2025-01-01", "2025-02-01", "100", &[]),
        invoice(&p, "A2", "C1", "2025-01-07", "2025-02-08", "100", &[]),
    ];
    let fired: Vec<(String, String, String)> =
        run_days(&p, &invoices, &[], "2025-02-01", "2025-02-20")
            .into_iter()
            .map(|(d, i, r)| (d.to_string(), i, r))
            .collect();
    let s = |d: &str, i: &str, r: &str| (d.to_string(), i.to_string(), r.to_string());
    assert_eq!(
        fired,
        [
            s("2025-02-03", "A1", "first"),
            s("2025-02-05", "A2", "courtesy"),
            s("2025-02-12", "A2", "first"),
        ]
    );
}
