//! Late-payment penalties as the Code de commerce computes them (L441-10,
//! D441-5): each case of issue 15's table, with the figure the law gives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use dunning::penalty::{late_interest, Debt, InterestRate, Rates};
use dunning::RunData;
use rust_decimal::Decimal;
use support::*;

const STATUTORY: &str = "\
set interest_rate = ecb + 10
set indemnity = 40 EUR
rule claim: when overdue >= 1d then registered_letter template \"relance-penalites\"
";

/// The one line of the plan of `day` for one invoice under `policy_text`.
fn line_on(
    policy_text: &str,
    due: &str,
    amount: &str,
    payments: &[(&str, &str)],
    attrs: &[(&str, &str)],
    day: &str,
) -> (Option<Decimal>, Option<Decimal>) {
    let p = policy(policy_text);
    let invoices = vec![invoice(&p, "F1", "C1", "2024-01-01", due, amount, attrs)];
    let payments: Vec<_> = payments.iter().map(|(d, a)| payment("F1", d, a)).collect();
    let plan = dunning::plan(&p, data(&invoices, &payments), date(day));
    let line = &plan.actions[0].invoices[0];
    (line.interest, line.indemnity)
}

#[test]
fn case1_thirty_days_in_h1_2025_at_the_january_ecb_rate_plus_ten() {
    // ECB 3.15 % on 1 January 2025 + 10 = 13.15 %: 1,200 × 13.15 × 30 / 36,500.
    let (interest, indemnity) = line_on(STATUTORY, "2025-03-01", "1200", &[], &[], "2025-03-31");
    assert_eq!(interest, Some(dec("12.97")));
    assert_eq!(indemnity, Some(dec("40")));
}

#[test]
fn case2_the_rate_changes_on_1_july() {
    // 30 days at 13.15 % (June), 92 days at 12.15 % (July to September).
    let (interest, _) = line_on(STATUTORY, "2025-05-31", "10000", &[], &[], "2025-09-30");
    assert_eq!(interest, Some(dec("414.33")));
}

#[test]
fn case3_across_a_year_end_rounded_once() {
    // 184 days at 14.25 % (H2 2024), 90 days at 13.15 % (H1 2025): 718.356… +
    // 324.246… = 1,042.602…, not the 1,042.61 of rounding each part.
    let (interest, _) = line_on(STATUTORY, "2024-06-30", "10000", &[], &[], "2025-03-31");
    assert_eq!(interest, Some(dec("1042.60")));
}

#[test]
fn case4_interest_runs_on_the_balance_of_each_day() {
    // 30 days on 10,000 (the payment day bears interest), then 30 on 5,000,
    // at the fixed 12.15 % the issue measured.
    let fixed = STATUTORY.replace("ecb + 10", "12.15%");
    let paid = [("2025-03-02", "5000")];
    let (interest, _) = line_on(&fixed, "2025-01-31", "10000", &paid, &[], "2025-04-01");
    assert_eq!(interest, Some(dec("149.79")));
    // The same at the statutory rate (13.15 % all along in H1 2025).
    let (interest, _) = line_on(STATUTORY, "2025-01-31", "10000", &paid, &[], "2025-04-01");
    assert_eq!(interest, Some(dec("162.12")));
}

#[test]
fn case6_consumers_owe_neither_the_l441_10_rate_nor_the_indemnity() {
    let text = format!("attribute customer_type in [business, consumer]\n{STATUTORY}");
    let consumer = [("customer_type", "consumer")];
    let (interest, indemnity) = line_on(&text, "2025-03-01", "1200", &[], &consumer, "2025-03-31");
    assert_eq!((interest, indemnity), (Some(dec("0")), Some(dec("0"))));
    let business = [("customer_type", "business")];
    let (interest, indemnity) = line_on(&text, "2025-03-01", "1200", &[], &business, "2025-03-31");
    assert_eq!((interest, indemnity), (Some(dec("12.97")), Some(dec("40"))));
}

#[test]
fn three_times_the_legal_rate_follows_the_half_year() {
    // H1 2025 business legal rate 3.71 % × 3 = 11.13 %: 1,000 × 11.13 × 10 / 36,500 = 3.049…
    let text = STATUTORY.replace("ecb + 10", "3 x legal");
    let (interest, _) = line_on(&text, "2025-03-01", "1000", &[], &[], "2025-03-11");
    assert_eq!(interest, Some(dec("3.05")));
    // H2 2026 has no legal rate in the shipped file: no figure rather than a guess.
    let (interest, indemnity) = line_on(&text, "2026-06-25", "1000", &[], &[], "2026-07-10");
    assert_eq!((interest, indemnity), (None, Some(dec("40"))));
}

#[test]
fn interest_stops_on_the_day_the_invoice_is_paid() {
    let debt = Debt {
        amount: dec("1200"),
        due_date: date("2025-03-01"),
        payments: &[],
        paid_date: Some(date("2025-03-31")),
    };
    let rate = InterestRate::EcbPlus(dec("10"));
    let rates = Rates::builtin();
    // Asked later than the payment, it is still the 30 days up to it.
    assert_eq!(
        late_interest(&debt, rate, rates, date("2025-06-30")),
        Ok(dec("12.97"))
    );
    // On the due date itself nothing is late yet.
    assert_eq!(
        late_interest(&debt, rate, rates, date("2025-03-01")),
        Ok(dec("0"))
    );
}

#[test]
fn a_newer_rate_file_replaces_the_shipped_one() {
    let newer = "effective_date,rate_percent\n2024-12-18,3.15\n2025-06-11,2.15\n2026-04-01,1.90\n";
    let rates = Rates::builtin().clone().with_ecb(newer).unwrap();
    let rate = InterestRate::EcbPlus(dec("10"));
    assert_eq!(rate.on(date("2026-08-01"), &rates), Some(dec("11.90")));
    assert_eq!(
        rate.on(date("2026-08-01"), Rates::builtin()),
        Some(dec("12.15"))
    );
}

#[test]
fn the_indemnity_is_claimed_once_per_invoice() {
    let p = policy(&format!(
        "{STATUTORY}rule notice: when overdue >= 20d then formal_notice\n"
    ));
    let invoices = vec![invoice(
        &p,
        "F1",
        "C1",
        "2025-01-01",
        "2025-01-31",
        "1000",
        &[],
    )];
    let history = run_history(&p, &invoices, "2025-02-01", "2025-02-20");
    let claimed: Vec<(String, Option<Decimal>)> = history
        .iter()
        .map(|(day, indemnity)| (day.to_string(), *indemnity))
        .collect();
    assert_eq!(
        claimed,
        [
            ("2025-02-01".to_string(), Some(dec("40"))),
            ("2025-02-20".to_string(), Some(dec("0"))),
        ]
    );
}

/// Plans every day, the previous days' actions as history; the day and
/// indemnity of each action.
fn run_history(
    p: &dunning::Policy,
    invoices: &[dunning::data::Invoice],
    from: &str,
    to: &str,
) -> Vec<(chrono::NaiveDate, Option<Decimal>)> {
    let mut history = Vec::new();
    let mut out = Vec::new();
    let mut day = date(from);
    while day <= date(to) {
        let plan = dunning::plan(
            p,
            dunning::RunData::new(invoices).with_history(&history),
            day,
        );
        out.extend(plan.actions.iter().map(|a| (a.date, a.indemnity)));
        history.extend(as_history(&plan));
        day = day.succ_opt().unwrap();
    }
    out
}

#[test]
fn rate_formulas_are_written_one_way() {
    let parsed = dunning::parse("set interest_rate = ecb+10\n");
    assert_eq!(
        dunning::format(&parsed).unwrap(),
        "set interest_rate = ecb + 10\n"
    );
    let parsed = dunning::parse("set interest_rate = 3   x legal\n");
    assert_eq!(
        dunning::format(&parsed).unwrap(),
        "set interest_rate = 3 x legal\n"
    );
    let p = policy("set interest_rate = 3 x legal\n");
    assert_eq!(
        p.settings.interest_rate,
        Some(InterestRate::LegalTimes(dec("3")))
    );
}

#[test]
fn a_rate_formula_out_of_range_or_on_another_setting_is_an_error() {
    for text in [
        "set interest_rate = ecb + 101\n",
        "set interest_rate = 11 x legal\n",
        "set cooldown = ecb + 10\n",
    ] {
        let checked = dunning::check(&dunning::parse(text));
        assert!(checked.policy.is_none(), "{text}");
    }
}

/// `dunning plan` of a one-invoice snapshot on 2026-07-10, with these extra
/// arguments: (exit code, stdout, stderr).
fn plan_cli(extra: &[&str], ecb_file: Option<&str>) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.dunning"), STATUTORY).unwrap();
    std::fs::write(
        dir.path().join("i.csv"),
        "invoice_id,customer_id,issue_date,due_date,amount,currency\nF1,C1,2026-06-01,2026-06-30,1000,EUR\n",
    )
    .unwrap();
    if let Some(text) = ecb_file {
        std::fs::write(dir.path().join("ecb.csv"), text).unwrap();
    }
    let out = assert_cmd::Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "plan",
            "p.dunning",
            "--invoices",
            "i.csv",
            "--date",
            "2026-07-10",
        ])
        .args(["--format", "csv"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_command_line_takes_a_newer_ecb_rate_file() {
    // Built in: ECB 2.15 % on 1 July 2026, 12.15 %: 1,000 × 12.15 × 10 / 36,500 = 3.33.
    let (code, out, _) = plan_cli(&[], None);
    assert_eq!(code, 0);
    assert!(out.contains(",10,3.33,40,"), "{out}");
    // A file with a cut to 1.90 % on 10 June 2026: 11.90 % → 3.26.
    let newer = "effective_date,rate_percent\n2025-06-11,2.15\n2026-06-10,1.90\n";
    let (code, out, _) = plan_cli(&["--ecb-rates", "ecb.csv"], Some(newer));
    assert_eq!(code, 0);
    assert!(out.contains(",10,3.26,40,"), "{out}");
    // A bad line is reported with its place and code, exit 1; no file, exit 2.
    let bad = "effective_date,rate_percent\n2026-06-10,1,90\n";
    let (code, _, err) = plan_cli(&["--ecb-rates", "ecb.csv"], Some(bad));
    assert_eq!(code, 1);
    assert!(err.contains("error[dunning::data::bad-rates]: ecb.csv:2: `2026-06-10,1,90` has 3 values, expected 2"), "{err}");
    let (code, _, err) = plan_cli(&["--ecb-rates", "missing.csv"], None);
    assert_eq!(code, 2, "{err}");
}

const CLAIMS: &str = "\
attribute customer_type in [business, consumer]
set interest_rate = ecb + 10
set indemnity = 40 EUR
rule claim: when paid_late >= 1d then letter template \"facture-penalites\"
";

#[test]
fn case5_an_invoice_paid_20_days_late_still_owes_interest_and_the_indemnity() {
    let p = policy(CLAIMS);
    let mut inv = invoice(&p, "F1", "C1", "2025-01-30", "2025-03-01", "1200", &[]);
    inv.paid_date = Some(date("2025-03-21"));
    let invoices = vec![inv];
    // Open until the payment: the claim rule does not hold.
    assert!(
        dunning::plan(&p, RunData::new(&invoices), date("2025-03-20"))
            .actions
            .is_empty()
    );
    // Paid: the penalty invoice goes out, 1,200 × 13.15 × 20 / 36,500 = 8.6465… and 40 EUR.
    let plan = dunning::plan(&p, RunData::new(&invoices), date("2025-03-21"));
    let line = &plan.actions[0].invoices[0];
    assert_eq!((line.rule, line.days_overdue), ("claim", 20));
    assert_eq!(
        (line.interest, line.indemnity),
        (Some(dec("8.65")), Some(dec("40")))
    );
    assert_eq!(plan.actions[0].open_amount, dec("0"));
    // Once.
    let history = as_history(&plan);
    let later = RunData::new(&invoices).with_history(&history);
    assert!(dunning::plan(&p, later, date("2025-03-22"))
        .actions
        .is_empty());
}

#[test]
fn the_summary_counts_the_penalties_owed_on_invoices_paid_late() {
    let p = policy(CLAIMS);
    let paid = |id: &str, due: &str, amount: &str, on: &str, kind: &str| {
        let mut inv = invoice(
            &p,
            id,
            id,
            "2025-01-01",
            due,
            amount,
            &[("customer_type", kind)],
        );
        inv.paid_date = Some(date(on));
        inv
    };
    let invoices = vec![
        // 20 days late at 13.15 %: 8.65 and 40.
        paid("A", "2025-03-01", "1200", "2025-03-21", "business"),
        // Across 1 July: 10 days at 13.15 % (1,000 × 13.15 × 10 / 36,500 =
        // 3.6027…) and 5 at 12.15 % (1.6643…): 5.27 and 40.
        paid("B", "2025-06-20", "1000", "2025-07-05", "business"),
        // A consumer: counted, owes nothing.
        paid("C", "2025-03-01", "5000", "2025-04-01", "consumer"),
        // On time, and late but paid after the range: not counted.
        paid("D", "2025-03-01", "700", "2025-03-01", "business"),
        paid("E", "2025-03-01", "700", "2026-01-10", "business"),
    ];
    let summary = dunning::replay(
        &p,
        RunData::new(&invoices),
        range("2025-01-01", "2025-12-31"),
        dunning::ReplayOptions::default(),
        &mut |_| {},
    );
    let eur = &summary.paid_late[&dunning::money::Currency::parse("EUR").unwrap()];
    assert_eq!(eur.invoices, 3);
    assert_eq!(eur.interest, dec("13.92"));
    assert_eq!(eur.indemnity, dec("80"));
    assert_eq!(eur.interest_unknown, 0);
}

/// The indemnity is 40 EUR whatever the invoice's currency (D441-5 fixes it
/// in euros): a dollar invoice paid late owes it too, in euros, never
/// converted nor added to dollar amounts.
#[test]
fn the_indemnity_stays_in_its_own_currency_on_an_invoice_in_another() {
    let p = policy(&format!(
        "{STATUTORY}rule mail: when overdue >= 1d then email\n"
    ));
    let usd = dunning::money::Currency::parse("USD").unwrap();
    let eur = dunning::money::Currency::parse("EUR").unwrap();
    let mut dollars = invoice(&p, "U1", "C1", "2025-01-01", "2025-01-31", "1000", &[]);
    dollars.currency = usd;
    // The plan: the indemnity on the dollar invoice's first late action, in euros.
    let plan = dunning::plan(
        &p,
        dunning::RunData::new(std::slice::from_ref(&dollars)),
        date("2025-02-01"),
    );
    let action = &plan.actions[0];
    assert_eq!(action.currency, usd);
    assert_eq!(action.indemnity, Some(dec("40")));
    assert_eq!(action.indemnity_currency, Some(eur));
    // The summary: interest under the invoice's currency, the indemnity under its own.
    dollars.paid_date = Some(date("2025-03-02"));
    let mut euros = invoice(&p, "E1", "C2", "2025-01-01", "2025-01-31", "1000", &[]);
    euros.paid_date = Some(date("2025-03-02"));
    let invoices = vec![dollars, euros];
    let summary = dunning::replay(
        &p,
        dunning::RunData::new(&invoices),
        range("2025-01-01", "2025-03-31"),
        dunning::ReplayOptions::default(),
        &mut |_| {},
    );
    let (u, e) = (&summary.paid_late[&usd], &summary.paid_late[&eur]);
    assert_eq!((u.invoices, u.indemnity), (1, dec("0")));
    // 1,000 × 30 days × 13.15% / 365 = 10.81, in dollars.
    assert_eq!(u.interest, dec("10.81"));
    assert_eq!((e.invoices, e.indemnity), (1, dec("80")));
    assert_eq!(e.indemnity_other_currencies, 1);
}
