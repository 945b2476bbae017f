//! End to end: `plan`, `explain`, `simulate` and `diff` from the command
//! line, on the small data set of `tests/fixtures/run/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

fn dunning() -> Command {
    let mut cmd = Command::cargo_bin("dunning").unwrap();
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = dunning().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const PLAN: &[&str] = &[
    "plan",
    "policy.dunning",
    "--invoices",
    "invoices.csv",
    "--payments",
    "payments.csv",
];

fn plan(date: &str, format: &str, history: Option<&str>) -> (i32, String, String) {
    let mut args: Vec<&str> = PLAN.to_vec();
    args.extend(["--date", date, "--format", format]);
    if let Some(h) = history {
        args.extend(["--history", h]);
    }
    run(&args)
}

#[test]
fn plan_table_json_and_csv() {
    // 2025-03-05: A1 32 days overdue (letter), A2 29 (first reminder), B1
    // strategic 24 days (call), E1-E3 two days (one consolidated e-mail).
    let (code, table, _) = plan("2025-03-05", "table", None);
    assert_eq!(code, 0);
    insta::assert_snapshot!("plan_table", table);
    let (code, json, _) = plan("2025-03-05", "json", None);
    assert_eq!(code, 0);
    insta::assert_snapshot!("plan_json", json);
    let (code, csv, _) = plan("2025-03-05", "csv", None);
    assert_eq!(code, 0);
    insta::assert_snapshot!("plan_csv", csv);
}

#[test]
fn plan_is_byte_identical_from_run_to_run() {
    for format in ["table", "json", "csv"] {
        assert_eq!(
            plan("2025-03-05", format, None),
            plan("2025-03-05", format, None)
        );
    }
}

#[test]
fn csv_cells_that_look_like_formulas_are_neutralised_and_read_back() {
    let (_, csv, _) = plan("2025-03-05", "csv", None);
    assert!(csv.contains("'=HYPERLINK(\"\"x\"\")"), "{csv}");
    assert!(!csv
        .lines()
        .any(|l| l.split(',').any(|c| c.starts_with('='))));
    // The history loader takes the quote off again: planning the same day
    // with its own plan as history gives nothing new.
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(&history, &csv).unwrap();
    let (code, again, err) = plan("2025-03-05", "csv", Some(history.to_str().unwrap()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(again.lines().count(), 1, "{again}");
}

/// SPEC 4 and issue 3: `plan` for 60 days, each day's CSV appended to the
/// history: no invoice gets the same step twice and no step is lost.
#[test]
fn sixty_days_of_plans_with_the_csv_fed_back_as_history() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let mut all = String::new();
    let mut day = chrono::NaiveDate::from_ymd_opt(2025, 2, 1).unwrap();
    for _ in 0..60 {
        let h = history
            .exists()
            .then(|| history.to_str().unwrap().to_string());
        let (code, csv, err) = plan(&day.to_string(), "csv", h.as_deref());
        assert_eq!(code, 0, "{day}: {err}");
        // Appended as is, header included: the loader skips repeated headers.
        all.push_str(&csv);
        std::fs::write(&history, &all).unwrap();
        day = day.succ_opt().unwrap();
    }
    let rows: Vec<Vec<String>> = all
        .lines()
        .filter(|l| !l.starts_with("date,"))
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let mut steps = std::collections::BTreeSet::new();
    for r in &rows {
        assert!(
            steps.insert((r[2].clone(), r[3].clone())),
            "step twice: {r:?}"
        );
    }
    let fired = |invoice: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r[2] == invoice)
            .map(|r| format!("{} {}", r[0], r[3]))
            .collect()
    };
    // A1 and A2 share a customer. A2's courtesy e-mail (3 days before its
    // due date 02-04) goes out on 02-01, so A1's first reminder, due on 02-03,
    // waits for the cooldown until 02-08, where A2's reminder (due 02-06)
    // joins it: one contact. Letters at 30 days: A1 on 03-03, A2 due on 03-06
    // but within A1's cooldown, so 03-10. Formal notices at 45 days: A1 on
    // 03-18, A2 due on 03-21 but within the cooldown, so 03-25.
    assert_eq!(
        fired("A1"),
        [
            "2025-02-08 first_reminder",
            "2025-03-03 letter",
            "2025-03-18 formal_notice"
        ]
    );
    assert_eq!(
        fired("A2"),
        [
            "2025-02-01 courtesy",
            "2025-02-08 first_reminder",
            "2025-03-10 letter",
            "2025-03-25 formal_notice"
        ]
    );
    // B1 (strategic, due Sunday 02-09): courtesy 02-06, first reminder due
    // 02-11 but deferred to 02-13, the call at 16 days on 02-25, letter on
    // 03-11, formal notice on 03-26.
    assert_eq!(
        fired("B1"),
        [
            "2025-02-06 courtesy",
            "2025-02-13 first_reminder",
            "2025-02-25 strategic_call",
            "2025-03-11 letter",
            "2025-03-26 formal_notice"
        ]
    );
    // C1 is paid on 02-20: courtesy, one reminder (cooldown: 02-16 -> 02-18), then nothing.
    assert_eq!(
        fired("C1"),
        ["2025-02-11 courtesy", "2025-02-18 first_reminder"]
    );
    // D1 is disputed: nothing.
    assert!(fired("D1").is_empty());
}

#[test]
fn explain_says_why_each_rule_did_or_did_not_fire() {
    let (code, out, err) = run(&[
        "explain",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--payments",
        "payments.csv",
        "--date",
        "2025-03-05",
        "--invoice",
        "B1",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("explain_b1", out);
    let (code, _, err) = run(&[
        "explain",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-03-05",
        "--invoice",
        "NOPE",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("no invoice `NOPE`"), "{err}");
}

#[test]
fn simulate_table_json_and_actions_out() {
    let dir = tempfile::tempdir().unwrap();
    let actions = dir.path().join("actions.csv");
    let (code, table, err) = run(&[
        "simulate",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--payments",
        "payments.csv",
        "--from",
        "2025-01-01",
        "--to",
        "2025-04-30",
        "--actions-out",
        actions.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("simulate_table", table);
    let csv = std::fs::read_to_string(&actions).unwrap();
    assert!(csv.starts_with("date,customer_id,invoice_id,rule,action"));
    let (code, json, _) = run(&[
        "simulate",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--payments",
        "payments.csv",
        "--from",
        "2025-01-01",
        "--to",
        "2025-04-30",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let n = value["actions"].as_array().unwrap().len();
    assert_eq!(value["summary"]["actions_total"], n);
    // The penalties per segment, as the table's last line gives them.
    let standard = &value["summary"]["paid_late_by_segment"]["standard"]["EUR"];
    assert_eq!(standard["invoices"], 1);
    assert_eq!(standard["interest"], "0.96");
    assert_eq!(standard["indemnity"], "40");
    // The CSV has a row per invoice per action.
    let lines: usize = value["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["invoice_ids"].as_array().unwrap().len())
        .sum();
    assert_eq!(csv.lines().count() - 1, lines);
}

#[test]
fn diff_shows_a_threshold_change_and_can_fail_ci() {
    let args = |format: &str, fail: bool| {
        let mut v = vec![
            "diff",
            "policy.dunning",
            "policy_earlier_letter.dunning",
            "--invoices",
            "invoices.csv",
            "--payments",
            "payments.csv",
            "--from",
            "2025-01-01",
            "--to",
            "2025-04-30",
            "--format",
        ];
        v.push(if format == "markdown" {
            "markdown"
        } else {
            format
        });
        if fail {
            v.push("--fail-on-change");
        }
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let out = dunning().args(args("markdown", false)).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("diff_markdown", String::from_utf8(out.stdout).unwrap());
    let out = dunning().args(args("table", true)).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let same = run(&[
        "diff",
        "policy.dunning",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--from",
        "2025-01-01",
        "--to",
        "2025-04-30",
        "--fail-on-change",
    ]);
    assert_eq!(same.0, 0);
}

#[test]
fn bad_arguments_and_files_get_a_clear_error_and_exit_code() {
    // Usage: impossible date, range backwards.
    let (code, _, err) = plan("2025-02-30", "table", None);
    assert_eq!(code, 2);
    assert!(err.contains("--date"), "{err}");
    let (code, _, err) = run(&[
        "simulate",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--from",
        "2025-05-01",
        "--to",
        "2025-01-01",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("comes after"), "{err}");
    // I/O: a missing file.
    let (code, _, err) = run(&[
        "plan",
        "policy.dunning",
        "--invoices",
        "missing.csv",
        "--date",
        "2025-03-01",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.csv"), "{err}");
    // Content: a bad invoice file names the file, line and column.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "invoice_id,customer_id,issue_date,due_date,amount,currency,segment\nX,C,2025-01-01,2025-13-01,10.00,EUR,standard\n").unwrap();
    let (code, _, err) = run(&[
        "plan",
        "policy.dunning",
        "--invoices",
        bad.to_str().unwrap(),
        "--date",
        "2025-03-01",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("bad.csv:2") && err.contains("due_date"),
        "{err}"
    );
    // A policy with errors.
    let policy = dir.path().join("p.dunning");
    std::fs::write(&policy, "when overdeu > 3d then email\n").unwrap();
    let (code, _, err) = run(&[
        "plan",
        policy.to_str().unwrap(),
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-03-01",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("overdue"), "{err}");
}

#[test]
fn plan_explain_and_simulate_read_account_events() {
    // events.csv: B1 disputed from 1 March, D1's dispute (in the snapshot)
    // closed on 4 March, CLIENT-E called on 1 March (cooldown of 7 days).
    let mut args: Vec<&str> = PLAN.to_vec();
    args.extend([
        "--events",
        "events.csv",
        "--date",
        "2025-03-05",
        "--format",
        "csv",
    ]);
    let (code, csv, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("plan_csv_with_events", csv);
    let (code, out, err) = run(&[
        "explain",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--events",
        "events.csv",
        "--date",
        "2025-03-05",
        "--invoice",
        "B1",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dispute"), "{out}");
    let (code, out, err) = run(&[
        "simulate",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--events",
        "events.csv",
        "--from",
        "2025-02-01",
        "--to",
        "2025-03-31",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"D1\""),
        "D1 is chased once its dispute is closed"
    );
}

#[test]
fn a_bad_events_file_names_the_file_row_and_column() {
    let mut args: Vec<&str> = PLAN.to_vec();
    args.extend(["--events", "bad_events.csv", "--date", "2025-03-05"]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    insta::assert_snapshot!("bad_events", err);
}

#[test]
fn currencies_without_a_minimum_amount_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("gbp.dunning");
    std::fs::write(
        &policy,
        "set minimum_amount = [20 GBP]\nrule r: when overdue >= 1d then email\n",
    )
    .unwrap();
    let policy = policy.display().to_string();
    let (code, _, err) = run(&[
        "plan",
        &policy,
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-03-05",
    ]);
    assert_eq!(code, 0, "a warning, not an error");
    assert_eq!(
        err.trim_end(),
        "warning: invoices.csv:2: 8 invoices in EUR (the first on this line) have no minimum \
         amount: `minimum_amount` is 20 GBP; add one for EUR: `set minimum_amount = [..., 20 EUR]`"
    );
}
