//! The replay of SPEC section 5: equal to running `plan` every morning, and
//! its summary checked against figures computed by hand.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Days;
use dunning::{diff, simulate, DateRange, RunData};
use rand::{Rng, SeedableRng};
use support::*;

const POLICY: &str = "\
set cooldown = 7d
set calendar = france
set minimum_amount = 20 EUR
set interest_rate = 12.15%
set indemnity = 40 EUR
attribute segment in [strategic, standard, small]
pause promise when promised_until >= today
rule preventive: when due_in <= 5d and due_in >= 0d and segment != strategic then email template \"avant\"
rule first: when overdue >= 2d then email template \"r1\" repeat every 14d
rule strategic_call: when segment = strategic and overdue >= 10d then call
rule second: when overdue >= 12d and segment != strategic then sms
rule letter: when overdue >= 25d then registered_letter
rule notice: when overdue >= 40d and open_amount >= 100 EUR then formal_notice
rule agency: when overdue >= 70d and fired notice then collection_agency
";

/// A few hundred invoices over few customers, so cooldowns and consolidation matter.
fn dataset(
    p: &dunning::Policy,
    seed: u64,
    n: usize,
) -> (Vec<dunning::data::Invoice>, Vec<dunning::data::Payment>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let segments = ["strategic", "standard", "small"];
    let start = date("2024-12-01");
    let mut invoices = Vec::new();
    let mut payments = Vec::new();
    for i in 0..n {
        let issue = start
            .checked_add_days(Days::new(rng.random_range(0..90)))
            .unwrap();
        let due = issue
            .checked_add_days(Days::new(rng.random_range(0..=60)))
            .unwrap();
        let amount = format!(
            "{}.{:02}",
            rng.random_range(5..5000),
            rng.random_range(0..100)
        );
        let customer = format!("C{}", rng.random_range(0..40));
        let segment = segments[rng.random_range(0..3)];
        let promised = if rng.random_bool(0.1) {
            due.checked_add_days(Days::new(rng.random_range(0..40)))
                .unwrap()
                .to_string()
        } else {
            String::new()
        };
        let mut attrs = vec![("segment", segment)];
        if !promised.is_empty() {
            attrs.push(("promised_until", promised.as_str()));
        }
        let id = format!("I{i:04}");
        let mut inv = invoice(
            p,
            &id,
            &customer,
            &issue.to_string(),
            &due.to_string(),
            &amount,
            &attrs,
        );
        inv.disputed = rng.random_bool(0.05);
        if rng.random_bool(0.6) {
            inv.paid_date = due.checked_add_days(Days::new(rng.random_range(0..80)));
        }
        if rng.random_bool(0.15) {
            let on = due
                .checked_add_days(Days::new(rng.random_range(0..50)))
                .unwrap();
            payments.push(payment(&id, &on.to_string(), "3.00"));
        }
        invoices.push(inv);
    }
    (invoices, payments)
}

#[test]
fn simulate_equals_plan_every_morning_with_history_fed_back() {
    let p = policy(POLICY);
    let (invoices, payments) = dataset(&p, 7, 300);
    let (from, to) = (date("2025-01-01"), date("2025-03-31"));
    let sim = simulate(
        &p,
        data(&invoices, &payments),
        DateRange::new(from, to).unwrap(),
    );
    let mut history = Vec::new();
    let mut daily = Vec::new();
    let mut day = from;
    while day <= to {
        let today = data(&invoices, &payments).with_history(&history);
        let plan = dunning::plan(&p, today, day);
        history.extend(as_history(&plan));
        daily.extend(plan.actions);
        day = day.succ_opt().unwrap();
    }
    assert!(
        daily.len() > 200,
        "the data set should exercise the ladder: {} actions",
        daily.len()
    );
    assert_eq!(sim.actions, daily);
}

#[test]
fn simulate_properties_hold_on_random_data() {
    let p = policy(POLICY);
    let (invoices, payments) = dataset(&p, 11, 400);
    let (from, to) = (date("2025-01-01"), date("2025-03-31"));
    let sim = simulate(
        &p,
        data(&invoices, &payments),
        DateRange::new(from, to).unwrap(),
    );
    let by_id: std::collections::HashMap<_, _> =
        invoices.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut contacts: std::collections::BTreeMap<&str, Vec<(chrono::NaiveDate, bool)>> =
        Default::default();
    for a in &sim.actions {
        // Only contacts are spaced out (an agency hand-over or a court
        // filing is not one), and only overdue ones are held: a preventive
        // reminder goes out on its day (rule 7).
        if a.action.is_contact() {
            let held = a.invoices.iter().any(|l| l.days_overdue > 0);
            contacts
                .entry(a.customer_id)
                .or_default()
                .push((a.date, held));
        }
        for line in &a.invoices {
            let inv = by_id[line.invoice_id];
            assert!(a.date >= inv.issue_date, "action before issue: {line:?}");
            assert!(
                inv.paid_date.is_none_or(|p| p > a.date),
                "action on a paid invoice: {line:?}"
            );
            if line.rule != "first" {
                assert!(
                    seen.insert((line.invoice_id, line.rule)),
                    "step twice: {line:?}"
                );
            }
        }
    }
    for (customer, mut days) in contacts {
        // Several actions on one day are one contact, held if any of them is.
        days.sort();
        days.dedup_by(|later, first| {
            let same = later.0 == first.0;
            first.1 |= same && later.1;
            same
        });
        for pair in days.windows(2) {
            assert!(
                !pair[1].1 || (pair[1].0 - pair[0].0).num_days() >= 7,
                "{customer} contacted within the cooldown: {pair:?}"
            );
        }
    }
}

/// Hand-made: three invoices, one policy, figures computed by hand.
#[test]
fn summary_figures_match_a_hand_computation() {
    let p =
        policy("rule e: when overdue >= 1d then email\nrule l: when overdue >= 10d then letter\n");
    let mut a = invoice(&p, "A", "C1", "2025-01-01", "2025-01-10", "100.00", &[]);
    a.paid_date = Some(date("2025-01-13")); // e on the 11th, paid 2 days later: crossed
    let mut b = invoice(&p, "B", "C2", "2025-01-01", "2025-01-10", "300.00", &[]);
    b.paid_date = Some(date("2025-01-10")); // paid on time, never reminded
    let c = invoice(&p, "C", "C3", "2025-01-01", "2025-01-15", "600.00", &[]); // never paid
    let invoices = [a, b, c];
    let sim = simulate(
        &p,
        RunData::new(&invoices),
        range("2025-01-01", "2025-01-31"),
    );
    let s = &sim.summary;
    // A: email 01-11. C: email 01-16, letter 01-25.
    assert_eq!(s.actions_total, 3);
    assert_eq!(s.by_kind["email"].actions, 2);
    assert_eq!(s.by_kind["letter"].actions, 1);
    assert_eq!(s.by_month["2025-01"]["email"], 2);
    // January 2025 has 23 weekdays: 2 / 23 = 0.0869… → 0.09.
    assert_eq!(s.business_days, 23);
    assert_eq!(s.by_kind["email"].per_business_day, dec("0.09"));
    assert_eq!(
        s.steps.iter().map(|x| x.invoices).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(s.crossed_payment, 1);
    assert_eq!(s.open_at_end, 1);
    assert_eq!(s.open_by_last_step["l"], 1);
    // Sales 1000, open at the end 600, 31 days: DSO = 600 × 31 / 1000 = 18.6.
    assert_eq!(s.context.dso_days, Some(dec("18.6")));
    // Due in January: A, B, C. On time: B. 1/3 → 33.33 %.
    assert_eq!(s.context.paid_on_time_percent, Some(dec("33.33")));
    // Paid: A (3 days late), B (0): 1.5 days.
    assert_eq!(s.context.average_days_late, Some(dec("1.5")));
}

#[test]
fn diff_of_two_policies_differing_by_one_threshold() {
    let old =
        policy("rule e: when overdue >= 1d then email\nrule l: when overdue >= 30d then letter\n");
    let new =
        policy("rule e: when overdue >= 1d then email\nrule l: when overdue >= 20d then letter\n");
    let (invoices, payments) = dataset(&old, 3, 100);
    let (from, to) = (date("2025-01-01"), date("2025-03-31"));
    let days = DateRange::new(from, to).unwrap();
    let a = simulate(&old, data(&invoices, &payments), days);
    let b = simulate(&new, data(&invoices, &payments), days);
    let d = diff(&a, &b);
    assert!(d.invoices_changed > 0);
    let letters = d.kinds.iter().find(|k| k.action == "letter").unwrap();
    assert!(letters.new >= letters.old, "{letters:?}");
    // Every shown example really differs, and the emails are the same in both.
    for ex in &d.examples {
        assert_ne!(ex.old, ex.new);
        let emails = |v: &Vec<String>| {
            v.iter()
                .filter(|s| s.contains("email"))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(emails(&ex.old), emails(&ex.new));
    }
    assert!(diff(&a, &a).is_empty());
}

/// A replay starts from the history dated before its first day: replaying
/// February and March after a January run every morning gives what running
/// every morning through March gives, with either engine.
#[test]
fn simulate_starts_from_the_history_before_its_first_day() {
    let p = policy(POLICY);
    let (invoices, payments) = dataset(&p, 5, 200);
    let mut history = Vec::new();
    let mut daily = Vec::new();
    for day in range("2025-01-01", "2025-03-31").days() {
        let today = data(&invoices, &payments).with_history(&history);
        let plan = dunning::plan(&p, today, day);
        history.extend(as_history(&plan));
        if day >= date("2025-02-01") {
            daily.extend(plan.actions);
        }
    }
    let january: Vec<_> = history
        .iter()
        .filter(|h| h.date < date("2025-02-01"))
        .cloned()
        .collect();
    assert!(!january.is_empty() && daily.len() > 50);
    let spring = range("2025-02-01", "2025-03-31");
    let with_january = data(&invoices, &payments).with_history(&january);
    let sim = simulate(&p, with_january, spring);
    assert_eq!(sim.actions, daily);
    let mut reference = Vec::new();
    let options = dunning::ReplayOptions::default().engine(dunning::Engine::EveryDay);
    dunning::replay(&p, with_january, spring, options, &mut |day| {
        reference.extend(day)
    });
    assert_eq!(reference, daily);
    // Without January, the ladder starts over: not the same actions.
    assert_ne!(
        simulate(&p, data(&invoices, &payments), spring).actions,
        daily
    );
}
