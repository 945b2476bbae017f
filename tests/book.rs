//! One book, several policies: each invoice routed to the policy whose
//! `scope` holds (a policy without scope takes the rest), an error naming
//! the invoices that none or several take, and contacts counted across the
//! policies of one customer. Fixtures in `tests/fixtures/book/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(root().join("tests/fixtures/book"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn one_policy_takes_each_invoice_and_contacts_count_across_the_book() {
    let (code, stdout, stderr) = run(&[
        "simulate",
        "one",
        "--invoices",
        "invoices.csv",
        "--from",
        "2025-02-01",
        "--to",
        "2025-02-28",
        "--actions-out",
        "-",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // C1's standard invoice would be e-mailed on 2025-02-06 (5 days
    // overdue), but the strategic policy called C1 on 2025-02-04: the
    // e-mail waits for the cooldown of 7 days, to 2025-02-11.
    insta::assert_snapshot!("one_simulate_actions", stdout);
    assert!(stderr.contains("Policy one/standard.dunning"), "{stderr}");
    assert!(stderr.contains("Policy one/strategic.dunning"), "{stderr}");
}

#[test]
fn the_plan_of_a_book_reads_the_other_policies_contacts_from_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(
        &history,
        "date,customer_id,invoice_id,rule,action,template,open_amount,currency,days_overdue,interest,indemnity,reason\n\
         2025-02-04,C1,A1,call,call,,1200.00,EUR,3,,,overdue 3 days >= 3 days\n",
    )
    .unwrap();
    let h = history.to_str().unwrap();
    let plan = |date: &str| {
        run(&[
            "plan",
            "one/strategic.dunning",
            "one/standard.dunning",
            "--invoices",
            "invoices.csv",
            "--history",
            h,
            "--date",
            date,
            "--format",
            "csv",
        ])
    };
    let (code, held, stderr) = plan("2025-02-10");
    assert_eq!(code, 0, "{stderr}");
    assert!(!held.contains(",A2,"), "{held}");
    let (code, due, stderr) = plan("2025-02-11");
    assert_eq!(code, 0, "{stderr}");
    assert!(due.contains("2025-02-11,C1,A2,email,email"), "{due}");
}

#[test]
fn an_invoice_no_policy_takes_is_an_error_naming_it() {
    let (code, stdout, stderr) = run(&[
        "plan",
        "none",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-10",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    insta::assert_snapshot!("none", stderr);
}

#[test]
fn an_invoice_two_policies_take_is_an_error_naming_it() {
    let (code, stdout, stderr) = run(&[
        "simulate",
        "two",
        "--invoices",
        "invoices.csv",
        "--from",
        "2025-02-01",
        "--to",
        "2025-02-28",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    insta::assert_snapshot!("two", stderr);
}

#[test]
fn a_policy_alone_runs_on_every_invoice_its_scope_aside() {
    let (code, stdout, stderr) = run(&[
        "plan",
        "none/key.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-10",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    for id in ["A1", "A2", "A3"] {
        assert!(stdout.contains(&format!(",{id},")), "{stdout}");
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The shipped policies of `policies/` run together on the sample year:
/// strategic and key accounts to `strategic_accounts.dunning`, small ones to
/// `small_invoices.dunning`, the rest to `french_b2b.dunning`.
#[test]
fn the_shipped_policies_run_as_one_book_on_the_sample_year() {
    let names = [
        "french_b2b.dunning",
        "small_invoices.dunning",
        "strategic_accounts.dunning",
    ];
    let policies: Vec<dunning::Policy> = names
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(root().join("policies").join(n)).unwrap();
            let checked = dunning::check(&dunning::parse(&text));
            assert!(
                checked.diagnostics.is_empty(),
                "{n}: {:?}",
                checked.diagnostics
            );
            checked.policy.unwrap()
        })
        .collect();
    let path = root().join("data/invoices-2025.csv");
    let read: Vec<Vec<dunning::data::Invoice>> = policies
        .iter()
        .map(|p| dunning::data::load_invoices(&path, p).unwrap())
        .collect();
    let members: Vec<dunning::data::Member> = names
        .iter()
        .zip(&policies)
        .map(|(name, policy)| dunning::data::Member { name, policy })
        .collect();
    let slices: Vec<&[dunning::data::Invoice]> = read.iter().map(Vec::as_slice).collect();
    let route = dunning::data::route(
        "invoices-2025.csv",
        dunning::data::Format::Csv,
        &members,
        &slices,
    )
    .unwrap();
    let segment_of: HashMap<String, String> = read[2]
        .iter()
        .map(|i| (i.id.clone(), format!("{:?}", i.attributes[0])))
        .collect();
    let all = read[0].clone();
    let payments =
        dunning::data::load_payments(&root().join("data/payments-2025.csv"), &all).unwrap();
    let events = dunning::data::load_events(&root().join("data/events-2025.csv"), &all).unwrap();
    let routed: Vec<Vec<dunning::data::Invoice>> = read
        .into_iter()
        .enumerate()
        .map(|(p, inv)| dunning::data::routed_to(inv, &route, p))
        .collect();
    let counts: Vec<usize> = routed.iter().map(Vec::len).collect();
    assert_eq!(counts.iter().sum::<usize>(), 3000);
    let data: Vec<dunning::RunData> = routed
        .iter()
        .map(|inv| {
            dunning::RunData::new(inv)
                .with_payments(&payments)
                .with_events(&events)
        })
        .collect();
    let refs: Vec<&dunning::Policy> = policies.iter().collect();
    let year = dunning::DateRange::new(d("2025-01-01"), d("2025-12-31")).unwrap();
    let sims = dunning::replay_book(&refs, &data, year, dunning::ReplayOptions::default());
    let expected = [
        ["Text(\"standard\")"].as_slice(),
        &["Text(\"small\")"],
        &["Text(\"strategic\")", "Text(\"key\")"],
    ];
    let mut contacts: BTreeMap<&str, Vec<NaiveDate>> = BTreeMap::new();
    for (p, sim) in sims.iter().enumerate() {
        assert!(
            sim.actions.len() > 500,
            "{}: {}",
            names[p],
            sim.actions.len()
        );
        for a in &sim.actions {
            for line in &a.invoices {
                let segment = segment_of[line.invoice_id].as_str();
                assert!(
                    expected[p].contains(&segment),
                    "{} acted on {} ({segment})",
                    names[p],
                    line.invoice_id
                );
            }
            if a.action.is_contact() && a.invoices.iter().any(|l| l.days_overdue > 0) {
                contacts.entry(a.customer_id).or_default().push(a.date);
            }
        }
    }
    // Every policy of the sample spaces contacts a week apart, the book as
    // a whole too (several actions on one day are one contact).
    for (customer, mut days) in contacts {
        days.sort();
        days.dedup();
        for pair in days.windows(2) {
            assert!(
                (pair[1] - pair[0]).num_days() >= 7,
                "{customer} contacted within the cooldown: {pair:?}"
            );
        }
    }
    // The data's indicators of the book are those of all its invoices: a
    // diff with one policy alone over every invoice leaves them unchanged.
    let alone = dunning::simulate(
        &policies[0],
        dunning::RunData::new(&all)
            .with_payments(&payments)
            .with_events(&events),
        year,
    );
    let d = dunning::diff_books(&sims, std::slice::from_ref(&alone));
    assert_eq!(d.invoices, 3000);
    let from_data: Vec<_> = d
        .indicators
        .iter()
        .filter(|i| i.segment.is_none() && i.indicator.starts_with(|c: char| c != 'p'))
        .filter(|i| i.indicator != "invoices paid late")
        .collect();
    assert!(from_data.len() >= 13, "{from_data:?}");
    for i in from_data {
        assert_eq!(i.old, i.new, "{i:?}");
    }
}

#[test]
fn diff_compares_a_book_with_a_policy_alone() {
    let (code, stdout, stderr) = run(&[
        "diff",
        "one",
        "one/standard.dunning",
        "--invoices",
        "invoices.csv",
        "--from",
        "2025-02-01",
        "--to",
        "2025-02-28",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let d: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // The book: calls to A1 and A3 on 2025-02-04, the e-mail to A2 held to
    // 2025-02-11 by the call to C1. The standard policy alone: three e-mails
    // on 2025-02-06, two actions (C1's two invoices in one).
    assert_eq!(d["actions_old"], 3);
    assert_eq!(d["actions_new"], 2);
    assert_eq!(d["invoices_changed"], 3);
    assert_eq!(d["invoices"], 3);
    let kinds = d["kinds"].as_array().unwrap();
    let call = kinds.iter().find(|k| k["action"] == "call").unwrap();
    assert_eq!(
        (call["old"].as_u64(), call["new"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(call["old_busiest_day_actions"], 2);
    // The data's indicators are the book's policies' added up: the same as
    // one policy's over every invoice.
    for i in d["indicators"].as_array().unwrap() {
        assert_eq!(i["old"], i["new"], "{i}");
    }
    let aged = d["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == "aged: 1-30" && i["segment"].is_null())
        .unwrap();
    assert_eq!(aged["old"], "2300.00");
}

#[test]
fn diff_of_a_book_with_itself_is_empty() {
    let (code, stdout, stderr) = run(&[
        "diff",
        "one",
        "one",
        "--invoices",
        "invoices.csv",
        "--from",
        "2025-02-01",
        "--to",
        "2025-02-28",
        "--fail-on-change",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("3 actions before, 3 after"), "{stdout}");
}

#[test]
fn explain_names_the_policy_of_a_book_the_invoice_was_routed_to() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(
        &history,
        "date,customer_id,invoice_id,rule,action\n2025-02-04,C1,A1,call,call\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&[
        "explain",
        "one",
        "--invoices",
        "invoices.csv",
        "--history",
        history.to_str().unwrap(),
        "--date",
        "2025-02-06",
        "--invoice",
        "A2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // A2 goes to the standard policy; the strategic policy's call to C1 on
    // 2025-02-04 defers its e-mail, as `plan` of the book does.
    assert!(
        stdout.starts_with("Routed to policy one/standard.dunning\n"),
        "{stdout}"
    );
    assert!(stdout.contains("2025-02-11"), "{stdout}");
    let (code, json, _) = run(&[
        "explain",
        "one",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-06",
        "--invoice",
        "A1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["policy"], "one/strategic.dunning");
    // A policy alone: no routing, the explanation as before.
    let (code, alone, _) = run(&[
        "explain",
        "one/standard.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-02-06",
        "--invoice",
        "A1",
    ]);
    assert_eq!(code, 0);
    assert!(alone.starts_with("invoice A1 (customer C1)"), "{alone}");
}

#[test]
fn a_test_file_naming_several_policies_tests_them_as_one_book() {
    let (code, stdout, stderr) = run(&["test", "--coverage", "tests/one.yaml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.ends_with("1 passed, 0 failed\n"), "{stdout}");
    // Each policy's rules are covered by the invoices routed to it.
    assert!(stdout.contains("100"), "{stdout}");
}

#[test]
fn a_test_of_a_book_that_routes_an_invoice_nowhere_fails_naming_it() {
    let (code, stdout, stderr) = run(&["test", "tests_unrouted/none.yaml"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.ends_with("0 passed, 1 failed\n"), "{stdout}");
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("dunning::data::unrouted"), "{all}");
    assert!(all.contains("A2"), "{all}");
}

#[test]
fn a_book_reads_its_history_from_a_ledger_as_from_a_history_file() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(
        &history,
        "date,customer_id,invoice_id,rule,action\n2025-02-04,C1,A1,call,call\n2025-02-04,C2,A3,call,call\n",
    )
    .unwrap();
    let db = dir.path().join("dunning.db");
    let (code, _, stderr) = run(&[
        "ledger",
        "import",
        history.to_str().unwrap(),
        "--ledger",
        db.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    for date in ["2025-02-10", "2025-02-11"] {
        let plan = |source: &str, path: &Path| {
            let (code, stdout, stderr) = run(&[
                "plan",
                "one",
                "--invoices",
                "invoices.csv",
                source,
                path.to_str().unwrap(),
                "--date",
                date,
                "--format",
                "csv",
            ]);
            assert_eq!(code, 0, "{stderr}");
            stdout
        };
        let from_ledger = plan("--ledger", &db);
        assert_eq!(from_ledger, plan("--history", &history), "{date}");
        // The strategic call to C1 on 2025-02-04 holds the standard e-mail
        // to 2025-02-11.
        assert_eq!(
            from_ledger.contains("2025-02-11,C1,A2,email,email"),
            date == "2025-02-11",
            "{from_ledger}"
        );
    }
}
