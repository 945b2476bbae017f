//! End to end: `dunning run` and `dunning ledger` from the command line:
//! two runs at once, runs killed at random points, a morning that fails,
//! and the history the ledger holds against `plan` and `simulate`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use assert_cmd::cargo::CommandCargoExt;
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn command(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::cargo_bin("dunning").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn sample(name: &str) -> String {
    root().join(name).display().to_string()
}

/// `run` on the sample year, from the folder `dir` (its `dunning.db`).
fn run_args(date: &str) -> Vec<String> {
    [
        "run",
        &sample("policies/french_b2b.dunning"),
        "--invoices",
        &sample("data/invoices-2025.csv"),
        "--payments",
        &sample("data/payments-2025.csv"),
        "--events",
        &sample("data/events-2025.csv"),
        "--date",
        date,
        "--catch-up",
        "--format",
        "csv",
    ]
    .map(String::from)
    .to_vec()
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn dunning(dir: &Path, args: &[String]) -> Out {
    let out = command(dir).args(args).output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// The rows of the ledger, checked whole: SQLite's integrity check passes,
/// and every run recorded holds exactly the actions it counts (none half
/// written, none without a recorded run).
fn verify(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let bad: i64 = conn
        .query_row(
            "SELECT count(*) FROM runs r WHERE r.actions != \
             (SELECT count(*) FROM actions a WHERE a.run_id = r.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bad, 0, "a run's actions are not all recorded");
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM actions a WHERE NOT EXISTS \
             (SELECT 1 FROM runs r WHERE r.id = a.run_id AND r.status = 'recorded')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

/// What `simulate` gives over the days, as the history CSV.
fn simulated(from: NaiveDate, to: NaiveDate) -> String {
    let text = std::fs::read_to_string(root().join("policies/french_b2b.dunning")).unwrap();
    let policy = dunning::check(&dunning::parse(&text)).policy.unwrap();
    let invoices =
        dunning::data::load_invoices(&root().join("data/invoices-2025.csv"), &policy).unwrap();
    let payments =
        dunning::data::load_payments(&root().join("data/payments-2025.csv"), &invoices).unwrap();
    let events =
        dunning::data::load_events(&root().join("data/events-2025.csv"), &invoices).unwrap();
    let data = dunning::RunData::new(&invoices)
        .with_payments(&payments)
        .with_events(&events);
    let sim = dunning::simulate(&policy, data, dunning::DateRange::new(from, to).unwrap());
    let columns = dunning::output::csv::attribute_columns(&policy);
    let mut out = Vec::new();
    dunning::output::csv::write_for(&columns, &sim.actions, &mut out).unwrap();
    // The ledger stores every column but `indemnity_currency` (the 13th,
    // which came after its schema): its export has those.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_slice());
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in reader.records() {
        let record = record.unwrap();
        let cells: Vec<&str> = record
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 12)
            .map(|(_, c)| c)
            .collect();
        writer.write_record(cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// 50 mornings, each first killed (SIGKILL) at a random point, the ledger
/// verified, then run again to the end: the ledger is never half written,
/// and what it holds at the end is `simulate` over the same days.
#[test]
fn runs_killed_at_random_points_leave_the_ledger_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dunning.db");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
    let from = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let mut day = from;
    for _ in 0..50 {
        let date = day.to_string();
        let mut child = command(dir.path())
            .args(run_args(&date))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..300)));
        child.kill().unwrap();
        child.wait().unwrap();
        if db.exists() {
            verify(&db);
        }
        let again = dunning(dir.path(), &run_args(&date));
        assert_eq!(again.code, 0, "{}", again.stderr);
        verify(&db);
        day = day.succ_opt().unwrap();
    }
    let export = dunning(dir.path(), &strings(&["ledger", "export"]));
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert_eq!(export.stdout, simulated(from, day.pred_opt().unwrap()));
    let verified = dunning(dir.path(), &strings(&["ledger", "verify"]));
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    assert!(verified.stdout.starts_with("ok: "), "{}", verified.stdout);
}

/// Two runs of the same day at once: both end well, one records, the
/// other finds the day recorded and records nothing.
#[test]
fn two_runs_at_once_record_the_day_once() {
    let dir = tempfile::tempdir().unwrap();
    let spawn = || {
        command(dir.path())
            .args(run_args("2025-03-03"))
            .args(["--wait", "30"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout, "both print the day's plan");
    let stderr =
        String::from_utf8_lossy(&a.stderr).to_string() + &String::from_utf8_lossy(&b.stderr);
    assert_eq!(stderr.matches("recorded run #").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("already recorded").count(), 1, "{stderr}");
    verify(&dir.path().join("dunning.db"));
}

/// A ledger held by another process: the run waits `--wait` seconds, then
/// fails with a clear message (exit code 2).
#[test]
fn a_held_ledger_makes_the_second_run_fail_after_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let first = dunning(dir.path(), &run_args("2025-03-03"));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let holder = rusqlite::Connection::open(dir.path().join("dunning.db")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut args = run_args("2025-03-04");
    args.extend(strings(&["--wait", "1"]));
    let started = std::time::Instant::now();
    let second = dunning(dir.path(), &args);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(second.code, 2);
    assert!(
        second.stderr.contains("error[dunning::ledger::busy]"),
        "{}",
        second.stderr
    );
    holder.execute_batch("ROLLBACK").unwrap();
}

fn small(dir: &Path) -> PathBuf {
    let policy = "rule first: when overdue >= 1d then email\n\
                  rule second: when overdue >= 15d then letter\n";
    std::fs::write(dir.join("policy.dunning"), policy).unwrap();
    std::fs::write(
        dir.join("open.csv"),
        "invoice_id,customer_id,issue_date,due_date,amount,currency\n\
         A,C-1,2025-01-01,2025-01-31,100.00,EUR\n\
         B,C-2,2025-01-01,2025-02-25,100.00,EUR\n",
    )
    .unwrap();
    dir.join("dunning.db")
}

fn small_run(date: &str, extra: &[&str]) -> Vec<String> {
    let mut args = strings(&[
        "run",
        "policy.dunning",
        "--invoices",
        "open.csv",
        "--date",
        date,
        "--format",
        "csv",
    ]);
    args.extend(strings(extra));
    args
}

/// The story of a small ledger: a refused first run, a start at the first
/// step, the same day again, a dry run, an earlier day, a failed morning,
/// a rename; `ledger log`, `show`, `export`, and `plan --ledger`.
#[test]
fn mornings_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    let refused = dunning(d, &small_run("2025-03-05", &[]));
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("error[dunning::ledger::first-run]"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty());

    let first = dunning(d, &small_run("2025-03-05", &["--start-at-first-step"]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first
            .stderr
            .contains("first run (--start-at-first-step): first: 2"),
        "{}",
        first.stderr
    );
    let again = dunning(d, &small_run("2025-03-05", &[]));
    assert_eq!(again.code, 0);
    assert_eq!(again.stdout, first.stdout);
    assert!(
        again.stderr.contains("already recorded: run #2"),
        "{}",
        again.stderr
    );

    let dry = dunning(d, &small_run("2025-03-06", &["--dry-run"]));
    assert_eq!(dry.code, 0);
    assert!(dry.stdout.contains("A,second"), "{}", dry.stdout);
    assert!(dry.stderr.contains("dry run: nothing recorded"));

    let earlier = dunning(d, &small_run("2025-03-04", &[]));
    assert_eq!(earlier.code, 1);
    assert!(earlier.stderr.contains("dunning::ledger::before-last-run"));

    // A morning whose export is broken fails, and is recorded as failed.
    std::fs::write(d.join("broken.csv"), "invoice_id,customer_id\nA\n").unwrap();
    let mut broken = small_run("2025-03-06", &[]);
    broken[3] = "broken.csv".into();
    assert_eq!(dunning(d, &broken).code, 1);

    // `plan --ledger` reads the same history as `run` would.
    let planned = dunning(
        d,
        &strings(&[
            "plan",
            "policy.dunning",
            "--invoices",
            "open.csv",
            "--ledger",
            "dunning.db",
            "--date",
            "2025-03-06",
            "--format",
            "csv",
        ]),
    );
    let ran = dunning(d, &small_run("2025-03-06", &[]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(planned.stdout, ran.stdout);
    // `explain --ledger` knows what was recorded.
    let explained = dunning(
        d,
        &strings(&[
            "explain",
            "policy.dunning",
            "--invoices",
            "open.csv",
            "--ledger",
            "dunning.db",
            "--date",
            "2025-03-07",
            "--invoice",
            "A",
        ]),
    );
    assert_eq!(explained.code, 0, "{}", explained.stderr);
    assert!(explained.stdout.contains("second"), "{}", explained.stdout);

    // A renamed rule is refused until the rename is declared.
    std::fs::write(
        d.join("policy.dunning"),
        "rule first: when overdue >= 1d then email\nrule relance_2: when overdue >= 15d then letter\n",
    )
    .unwrap();
    let renamed = dunning(d, &small_run("2025-03-20", &[]));
    assert_eq!(renamed.code, 1);
    assert!(renamed.stderr.contains("`second`"), "{}", renamed.stderr);
    let declared = dunning(d, &strings(&["ledger", "rename", "second", "relance_2"]));
    assert_eq!(declared.code, 0, "{}", declared.stderr);
    let after = dunning(d, &small_run("2025-03-20", &[]));
    assert_eq!(after.code, 0, "{}", after.stderr);
    assert!(!after.stdout.contains("A,relance_2"), "{}", after.stdout);
    assert!(after.stdout.contains("B,relance_2"), "{}", after.stdout);

    let log = dunning(d, &strings(&["ledger", "log"]));
    let statuses: Vec<&str> = log
        .stdout
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "#1 2025-03-05 run failed",
            "#2 2025-03-05 run recorded (start-at-first-step)",
            "#3 2025-03-04 run failed",
            "#4 2025-03-06 run failed",
            "#5 2025-03-06 run recorded",
            "#6 2025-03-20 run failed",
            "#7 2025-03-20 run recorded",
        ]
    );
    assert!(log.stdout.contains("policy sha256:"), "{}", log.stdout);
    assert!(
        log.stdout.contains("--invoices open.csv sha256:"),
        "{}",
        log.stdout
    );
    assert!(
        log.stdout.contains("failed: [dunning::ledger::first-run]"),
        "{}",
        log.stdout
    );

    std::fs::write(
        d.join("report.csv"),
        "date,invoice_id,rule,status,reference\n2025-03-05,A,first,delivered,R-1\n",
    )
    .unwrap();
    let marked = dunning(d, &strings(&["ledger", "mark", "report.csv"]));
    assert_eq!(marked.code, 0, "{}", marked.stderr);
    let verified = dunning(d, &strings(&["ledger", "verify"]));
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    assert!(
        verified.stdout.contains("; 1 marks, marks head sha256:"),
        "{}",
        verified.stdout
    );
    let show = dunning(d, &strings(&["ledger", "show", "A"]));
    assert!(
        show.stdout
            .contains("    delivered on 2025-03-05, reference R-1"),
        "{}",
        show.stdout
    );
    assert_eq!(show.stdout.lines().count(), 3, "{}", show.stdout);
    assert!(
        show.stdout.starts_with("2025-03-05 email"),
        "{}",
        show.stdout
    );

    // `simulate --ledger` starts from the ledger and gives what the next
    // mornings record.
    std::fs::copy(d.join("dunning.db"), d.join("before.db")).unwrap();
    let mut invoices = std::fs::read_to_string(d.join("open.csv")).unwrap();
    invoices.push_str("C,C-3,2025-02-18,2025-03-20,100.00,EUR\n");
    std::fs::write(d.join("open.csv"), invoices).unwrap();
    let simulated = dunning(
        d,
        &strings(&[
            "simulate",
            "policy.dunning",
            "--invoices",
            "open.csv",
            "--ledger",
            "before.db",
            "--from",
            "2025-03-21",
            "--to",
            "2025-04-05",
            "--actions-out",
            "-",
        ]),
    );
    assert_eq!(simulated.code, 0, "{}", simulated.stderr);
    let mut recorded = String::new();
    for day in 21..=36 {
        let date = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() + chrono::Days::new(day - 1);
        let out = dunning(d, &small_run(&date.to_string(), &[]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        recorded.extend(out.stdout.lines().skip(1).map(|l| format!("{l}\n")));
    }
    let simulated_rows: String = simulated
        .stdout
        .lines()
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!recorded.is_empty());
    assert_eq!(simulated_rows, recorded);

    // Export, then import into a new ledger: the same history.
    let export = dunning(d, &strings(&["ledger", "export", "--out", "history.csv"]));
    assert_eq!(export.code, 0, "{}", export.stderr);
    let import = dunning(
        d,
        &strings(&["ledger", "import", "history.csv", "--ledger", "copy.db"]),
    );
    assert_eq!(import.code, 0, "{}", import.stderr);
    let copy = dunning(d, &strings(&["ledger", "export", "--ledger", "copy.db"]));
    assert_eq!(
        copy.stdout,
        std::fs::read_to_string(d.join("history.csv")).unwrap()
    );
}

/// A rename declared in the policy (`rule relance_2 (was second):`):
/// `check --ledger` finds a misspelt former name, `run`, `plan --ledger`
/// and `plan --history` on the exported file all count `second`'s history
/// as `relance_2`'s.
#[test]
fn a_rename_declared_in_the_policy_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    for date in ["2025-03-05", "2025-03-06"] {
        let out = dunning(d, &small_run(date, &["--start-at-first-step"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let write = |was: &str| {
        std::fs::write(
            d.join("policy.dunning"),
            format!(
                "rule first: when overdue >= 1d then email\n\
                 rule relance_2 (was {was}): when overdue >= 15d then letter\n"
            ),
        )
        .unwrap()
    };
    let check = || {
        dunning(
            d,
            &strings(&["check", "--ledger", "dunning.db", "policy.dunning"]),
        )
    };
    write("secnod");
    let misspelt = check();
    assert_eq!(misspelt.code, 1, "{}", misspelt.stderr);
    assert!(
        misspelt
            .stdout
            .contains("error[dunning::ledger::unknown-former-name]"),
        "{}",
        misspelt.stdout
    );
    assert!(misspelt.stdout.contains("`secnod` (rule `relance_2`)"));
    let refused = dunning(d, &small_run("2025-03-20", &[]));
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("dunning::ledger::unknown-rule"));

    write("second");
    let ok = check();
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let no_ledger = dunning(
        d,
        &strings(&["check", "--ledger", "missing.db", "policy.dunning"]),
    );
    assert_eq!(no_ledger.code, 2, "{}", no_ledger.stderr);
    let export = dunning(d, &strings(&["ledger", "export", "--out", "history.csv"]));
    assert_eq!(export.code, 0, "{}", export.stderr);
    let plan = |source: &[&str]| {
        let mut args = strings(&[
            "plan",
            "policy.dunning",
            "--invoices",
            "open.csv",
            "--date",
            "2025-03-20",
            "--format",
            "csv",
        ]);
        args.extend(strings(source));
        dunning(d, &args)
    };
    let from_ledger = plan(&["--ledger", "dunning.db"]);
    let from_file = plan(&["--history", "history.csv"]);
    let ran = dunning(d, &small_run("2025-03-20", &[]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(from_ledger.stdout, ran.stdout);
    assert_eq!(from_file.stdout, ran.stdout);
    // A's letter was sent as `second`: not again as `relance_2`; B's is due.
    assert!(!ran.stdout.contains("A,relance_2"), "{}", ran.stdout);
    assert!(ran.stdout.contains("B,relance_2"), "{}", ran.stdout);
}

/// `test --ledger`: each case's history starts with what the ledger
/// recorded for its invoices (read only).
#[test]
fn test_cases_read_their_history_from_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = small(d);
    let first = dunning(d, &small_run("2025-03-05", &["--start-at-first-step"]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    std::fs::write(
        d.join("cases.yaml"),
        "policy: policy.dunning\n\
         cases:\n\
         \x20 - name: the morning after the first run\n\
         \x20   invoices_file: open.csv\n\
         \x20   date: 2025-03-06\n\
         \x20   expect:\n\
         \x20     - {customer_id: C-1, action: letter, rule: second, invoices: [A]}\n",
    )
    .unwrap();
    let before = std::fs::read(&db).unwrap();
    let with = dunning(
        d,
        &strings(&["test", "--ledger", "dunning.db", "cases.yaml"]),
    );
    assert_eq!(with.code, 0, "{}{}", with.stdout, with.stderr);
    assert!(
        with.stdout.ends_with("1 passed, 0 failed\n"),
        "{}",
        with.stdout
    );
    // Without the ledger, B's first step (recorded on 2025-03-05) comes again.
    let without = dunning(d, &strings(&["test", "cases.yaml"]));
    assert_eq!(without.code, 1, "{}", without.stdout);
    assert!(without.stdout.contains("first"), "{}", without.stdout);
    // Read only: the ledger is as it was.
    assert_eq!(std::fs::read(&db).unwrap(), before);
    let missing = dunning(
        d,
        &strings(&["test", "--ledger", "missing.db", "cases.yaml"]),
    );
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("dunning::ledger::io"),
        "{}",
        missing.stderr
    );
}

/// SQLite failing otherwise (here its journal cannot be created: a folder
/// has its name) is `dunning::ledger::database`, exit code 2, and leaves
/// the ledger as it was; the next run, once fixed, records the day.
#[test]
fn a_ledger_whose_journal_cannot_be_written_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = small(d);
    let first = dunning(d, &small_run("2025-03-05", &["--start-at-first-step"]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = std::fs::read(&db).unwrap();
    std::fs::create_dir(d.join("dunning.db-journal")).unwrap();
    let failed = dunning(d, &small_run("2025-03-06", &[]));
    assert_eq!(failed.code, 2, "{}", failed.stderr);
    assert!(failed.stdout.is_empty(), "{}", failed.stdout);
    insta::assert_snapshot!("database", failed.stderr);
    assert_eq!(std::fs::read(&db).unwrap(), before);
    std::fs::remove_dir(d.join("dunning.db-journal")).unwrap();
    let after = dunning(d, &small_run("2025-03-06", &[]));
    assert_eq!(after.code, 0, "{}", after.stderr);
    verify(&db);
}

/// The ledger is never one of the inputs, and a file that is not a ledger
/// is left alone.
#[test]
fn a_ledger_that_is_an_input_or_not_a_ledger_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    let same = dunning(d, &small_run("2025-03-05", &["--ledger", "open.csv"]));
    assert_eq!(same.code, 2);
    assert!(
        same.stderr.contains("never overwrites its inputs"),
        "{}",
        same.stderr
    );
    std::fs::write(
        d.join("notes.db"),
        "not a database, but long enough to be read as one....",
    )
    .unwrap();
    let foreign = dunning(d, &small_run("2025-03-05", &["--ledger", "notes.db"]));
    assert_eq!(foreign.code, 2);
    assert!(
        foreign.stderr.contains("error[dunning::ledger::foreign]"),
        "{}",
        foreign.stderr
    );
    assert_eq!(
        std::fs::read_to_string(d.join("notes.db")).unwrap(),
        "not a database, but long enough to be read as one...."
    );
}
