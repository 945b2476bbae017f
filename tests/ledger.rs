//! The daily run's ledger through the library: a day's run is `plan` with
//! the ledger's history, N daily runs are `simulate` over the same days,
//! and each refusal gives its typed error (rendered texts snapshotted).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use dunning::data::{AccountEvent, Invoice, Payment};
use dunning::ledger::{self, Ledger, LedgerError, Options, Provenance, Recorded, Start};
use dunning::Policy;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn policy_text(text: &str) -> Policy {
    dunning::check(&dunning::parse(text))
        .policy
        .expect("policy without errors")
}

fn policy(file: &str) -> Policy {
    policy_text(&std::fs::read_to_string(root().join("policies").join(file)).unwrap())
}

struct Sample {
    invoices: Vec<Invoice>,
    payments: Vec<Payment>,
    events: Vec<AccountEvent>,
}

fn sample(policy: &Policy) -> Sample {
    let invoices =
        dunning::data::load_invoices(&root().join("data/invoices-2025.csv"), policy).unwrap();
    let payments =
        dunning::data::load_payments(&root().join("data/payments-2025.csv"), &invoices).unwrap();
    let events =
        dunning::data::load_events(&root().join("data/events-2025.csv"), &invoices).unwrap();
    Sample {
        invoices,
        payments,
        events,
    }
}

impl Sample {
    fn data(&self) -> dunning::RunData<'_, '_> {
        dunning::RunData::new(&self.invoices)
            .with_payments(&self.payments)
            .with_events(&self.events)
    }
}

fn options(date: NaiveDate, start: Start) -> Options {
    Options {
        date,
        dry_run: false,
        force: false,
        start,
    }
}

fn csv(actions: &[dunning::Action<'_>]) -> String {
    let mut out = Vec::new();
    dunning::output::csv::write(actions, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The history CSV as `plan --format csv` writes it for `policy`, with its
/// attribute columns, less `indemnity_currency`: what `ledger export` writes.
fn history_csv(policy: &Policy, actions: &[dunning::Action<'_>]) -> String {
    let columns = dunning::output::csv::attribute_columns(policy);
    let mut out = Vec::new();
    dunning::output::csv::write_for(&columns, actions, &mut out).unwrap();
    without_indemnity_currency(&String::from_utf8(out).unwrap())
}

/// The history CSV without its 13th column, `indemnity_currency`, which the
/// ledger does not store.
fn without_indemnity_currency(history: &str) -> String {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(history.as_bytes());
    let mut writer = ::csv::Writer::from_writer(Vec::new());
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

fn export(ledger: &Ledger) -> String {
    let mut out = Vec::new();
    ledger.export(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn open(dir: &tempfile::TempDir) -> Ledger {
    Ledger::open(&dir.path().join("dunning.db"), Duration::from_secs(1)).unwrap()
}

/// Runs `days` mornings in a row from `from` with `--catch-up`; checks
/// each day's plan against `plan` with the history exported the evening
/// before, and the whole ledger against `simulate`.
fn mornings_equal_simulate(file: &str, from: NaiveDate, days: u64) {
    let policy = policy(file);
    let sample = sample(&policy);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let mut day = from;
    for _ in 0..days {
        let evening = export(&ledger);
        let history = dunning::data::read_history_with(
            "history.csv",
            evening.as_bytes(),
            dunning::data::Format::Csv,
            &sample.invoices,
            &dunning::data::Import::default(),
        )
        .unwrap()
        .value;
        let planned = dunning::plan(&policy, sample.data().with_history(&history), day);
        let ran = ledger::run_day(
            &mut ledger,
            &policy,
            sample.data(),
            options(day, Start::CatchUp),
            &Provenance::default(),
        )
        .unwrap();
        assert!(matches!(ran.recorded, Recorded::Now(_)));
        assert_eq!(
            csv(&ran.plan.actions),
            csv(&planned.actions),
            "{file} on {day}"
        );
        day = day.succ_opt().unwrap();
    }
    let to = day.pred_opt().unwrap();
    let range = dunning::DateRange::new(from, to).unwrap();
    let simulated = dunning::simulate(&policy, sample.data(), range);
    assert_eq!(
        export(&ledger),
        history_csv(&policy, &simulated.actions),
        "{file} {from}..{to}"
    );
}

#[test]
fn thirty_mornings_of_the_sample_year_equal_simulate() {
    mornings_equal_simulate("french_b2b.dunning", d("2025-02-01"), 30);
}

/// Mornings on which nothing fires still record the policy's attribute
/// columns: the export's header is `simulate`'s, rows or not (the
/// property test below found a week of small_invoices without actions,
/// whose export lacked the `segment` column).
#[test]
fn mornings_without_actions_export_the_attribute_columns() {
    let policy = policy("small_invoices.dunning");
    let sample = sample(&policy);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    for day in ["2025-01-12", "2025-01-13"] {
        let ran = ledger::run_day(
            &mut ledger,
            &policy,
            sample.data(),
            options(d(day), Start::CatchUp),
            &Provenance::default(),
        )
        .unwrap();
        assert!(ran.plan.actions.is_empty(), "{day}");
    }
    assert_eq!(export(&ledger), history_csv(&policy, &[]));
    assert!(export(&ledger).trim_end().ends_with(",reason,segment"));
    mornings_equal_simulate("small_invoices.dunning", d("2025-01-12"), 6);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// N daily runs record what `simulate` gives over the same days, for
    /// each example policy, from any day of the year.
    #[test]
    fn daily_runs_equal_simulate(policy in 0usize..2, start in 0u64..330, days in 1u64..15) {
        let file = ["french_b2b.dunning", "small_invoices.dunning"][policy];
        let from = d("2025-01-01") + chrono::Days::new(start);
        mornings_equal_simulate(file, from, days);
    }
}

/// `ledger export` writes the policy's attribute columns after the
/// history's own, as `plan --format csv` does: the export is the days'
/// plans end to end, and an export imported into a new ledger exports the
/// same bytes again.
#[test]
fn the_export_carries_the_attribute_columns_and_round_trips() {
    let policy = policy("small_invoices.dunning");
    assert_eq!(
        dunning::output::csv::attribute_columns(&policy),
        ["segment"]
    );
    let sample = sample(&policy);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let mut day = d("2025-05-01");
    let mut planned = String::new();
    for n in 0..8 {
        let ran = ledger::run_day(
            &mut ledger,
            &policy,
            sample.data(),
            options(day, Start::CatchUp),
            &Provenance::default(),
        )
        .unwrap();
        let rows = history_csv(&policy, &ran.plan.actions);
        let mut lines = rows.lines();
        let header = lines.next().unwrap();
        if n == 0 {
            assert!(header.ends_with(",reason,segment"), "{header}");
            planned.push_str(header);
            planned.push('\n');
        }
        for line in lines {
            planned.push_str(line);
            planned.push('\n');
        }
        day = day.succ_opt().unwrap();
    }
    let exported = export(&ledger);
    assert!(exported.lines().count() > 20, "{exported}");
    assert!(exported.contains(",small\n"), "{exported}");
    assert_eq!(exported, planned);
    let copy_dir = tempfile::tempdir().unwrap();
    let mut copy = open(&copy_dir);
    copy.import("history.csv", exported.as_bytes(), &Provenance::default())
        .unwrap();
    assert_eq!(export(&copy), exported);
    assert_eq!(copy.verify().unwrap().actions, exported.lines().count() - 1);
}

#[test]
fn a_second_run_of_the_same_day_records_nothing_and_gives_the_same_plan() {
    let policy = policy("french_b2b.dunning");
    let sample = sample(&policy);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let mut run = |date: &str| {
        ledger::run_day(
            &mut ledger,
            &policy,
            sample.data(),
            options(d(date), Start::CatchUp),
            &Provenance::default(),
        )
        .unwrap()
    };
    let first = run("2025-03-03");
    let id = match first.recorded {
        Recorded::Now(id) => id,
        other => panic!("{other:?}"),
    };
    let first = csv(&first.plan.actions);
    run("2025-03-04");
    let again = run("2025-03-03");
    match &again.recorded {
        Recorded::Already(r) => assert_eq!(r.id, id),
        other => panic!("{other:?}"),
    }
    assert_eq!(csv(&again.plan.actions), first);
    assert_eq!(ledger.runs().unwrap().len(), 2);
}

#[test]
fn a_dry_run_records_nothing() {
    let policy = policy("french_b2b.dunning");
    let sample = sample(&policy);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let mut o = options(d("2025-03-03"), Start::CatchUp);
    o.dry_run = true;
    let day = ledger::run_day(
        &mut ledger,
        &policy,
        sample.data(),
        o,
        &Provenance::default(),
    )
    .unwrap();
    assert!(matches!(day.recorded, Recorded::DryRun));
    assert!(!day.plan.actions.is_empty());
    assert!(ledger.runs().unwrap().is_empty());
    assert_eq!(export(&ledger).lines().count(), 1);
}

fn error(result: Result<ledger::Day<'_>, LedgerError>) -> LedgerError {
    match result {
        Err(e) => e,
        Ok(day) => panic!("no error: {:?}", day.recorded),
    }
}

#[test]
fn an_earlier_day_is_refused_unless_forced() {
    let policy = policy("french_b2b.dunning");
    let sample = sample(&policy);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let p = Provenance::default();
    ledger::run_day(
        &mut ledger,
        &policy,
        sample.data(),
        options(d("2025-03-03"), Start::CatchUp),
        &p,
    )
    .unwrap();
    let e = error(ledger::run_day(
        &mut ledger,
        &policy,
        sample.data(),
        options(d("2025-03-01"), Start::CatchUp),
        &p,
    ));
    assert_eq!(e.code(), "dunning::ledger::before-last-run");
    insta::assert_snapshot!("before-last-run", e.render());
    let mut forced = options(d("2025-03-01"), Start::CatchUp);
    forced.force = true;
    let day = ledger::run_day(&mut ledger, &policy, sample.data(), forced, &p).unwrap();
    assert!(matches!(day.recorded, Recorded::Now(_)));
}

const LADDER: &str = "rule first: when overdue >= 1d then email\n\
                      rule second: when overdue >= 15d then letter\n\
                      rule third: when overdue >= 30d then formal_notice\n";

const INVOICES: &str = "invoice_id,customer_id,issue_date,due_date,amount,currency\n\
                        A,C-1,2025-01-01,2025-01-31,100.00,EUR\n\
                        B,C-2,2025-01-01,2025-02-15,100.00,EUR\n\
                        C,C-3,2025-02-01,2025-03-02,100.00,EUR\n";

fn invoices(policy: &Policy) -> Vec<Invoice> {
    dunning::data::read_invoices(
        "invoices.csv",
        INVOICES.as_bytes(),
        dunning::data::Format::Csv,
        policy,
    )
    .unwrap()
}

fn steps(day: &ledger::Day<'_>) -> Vec<(String, String)> {
    day.plan
        .actions
        .iter()
        .flat_map(|a| {
            a.invoices
                .iter()
                .map(|l| (l.invoice_id.to_string(), l.rule.to_string()))
        })
        .collect()
}

#[test]
fn a_first_run_sends_only_first_steps_unless_told_how_to_start() {
    let policy = policy_text(LADDER);
    let invoices = invoices(&policy);
    let data = dunning::RunData::new(&invoices);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let p = Provenance::default();
    let date = d("2025-03-05");
    let e = error(ledger::run_day(
        &mut ledger,
        &policy,
        data,
        options(date, Start::Refuse),
        &p,
    ));
    assert_eq!(e.code(), "dunning::ledger::first-run");
    insta::assert_snapshot!("first-run", e.render());
    assert!(ledger.runs().unwrap().is_empty());

    let mut dry = options(date, Start::CatchUp);
    dry.dry_run = true;
    let caught_up = ledger::run_day(&mut ledger, &policy, data, dry, &p).unwrap();
    assert_eq!(
        steps(&caught_up),
        [("A", "third"), ("B", "second"), ("C", "first")].map(|(a, b)| (a.into(), b.into()))
    );
    assert_eq!(
        caught_up.first_run,
        Some(vec![
            ("first".into(), 1),
            ("second".into(), 1),
            ("third".into(), 1)
        ])
    );

    let started = ledger::run_day(
        &mut ledger,
        &policy,
        data,
        options(date, Start::FirstStep),
        &p,
    )
    .unwrap();
    assert_eq!(
        steps(&started),
        [("A", "first"), ("B", "first"), ("C", "first")].map(|(a, b)| (a.into(), b.into()))
    );
    // Later mornings follow the SPEC: the choice applied to the first run only.
    let next = ledger::run_day(
        &mut ledger,
        &policy,
        data,
        options(d("2025-03-06"), Start::Refuse),
        &p,
    )
    .unwrap();
    assert!(next.first_run.is_none());
    assert_eq!(
        steps(&next),
        [("A", "third"), ("B", "second")].map(|(a, b)| (a.into(), b.into()))
    );
}

#[test]
fn a_first_run_with_first_steps_only_is_not_refused() {
    let policy = policy_text(LADDER);
    let invoices = invoices(&policy);
    let data = dunning::RunData::new(&invoices);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let day = ledger::run_day(
        &mut ledger,
        &policy,
        data,
        options(d("2025-02-05"), Start::Refuse),
        &Provenance::default(),
    )
    .unwrap();
    assert_eq!(steps(&day), [("A".to_string(), "first".to_string())]);
}

#[test]
fn an_imported_history_is_continued_and_a_renamed_rule_is_refused_until_declared() {
    let policy = policy_text(LADDER);
    let invoices = invoices(&policy);
    let data = dunning::RunData::new(&invoices);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let p = Provenance::default();
    let history = "date,customer_id,invoice_id,rule,action\n2025-02-10,C-1,A,first,email\n";
    assert_eq!(
        ledger
            .import("history.csv", history.as_bytes(), &p)
            .unwrap(),
        1
    );
    // Not a first run any more: the history says where A stands.
    let day = ledger::run_day(
        &mut ledger,
        &policy,
        data,
        options(d("2025-02-20"), Start::Refuse),
        &p,
    )
    .unwrap();
    assert!(day.first_run.is_none());
    assert_eq!(
        steps(&day),
        [("A", "second"), ("B", "first")].map(|(a, b)| (a.into(), b.into()))
    );

    let e = match ledger.import("history.csv", history.as_bytes(), &p) {
        Err(e) => e,
        Ok(n) => panic!("imported {n}"),
    };
    insta::assert_snapshot!(
        "not-empty",
        e.render().replace(&dir.path().display().to_string(), "DIR")
    );

    let renamed = policy_text(&LADDER.replace("rule second:", "rule relance_2:"));
    let data = dunning::RunData::new(&invoices);
    let e = error(ledger::run_day(
        &mut ledger,
        &renamed,
        data,
        options(d("2025-03-05"), Start::Refuse),
        &p,
    ));
    insta::assert_snapshot!("unknown-rule", e.render());
    ledger.rename("second", "relance_2").unwrap();
    let day = ledger::run_day(
        &mut ledger,
        &renamed,
        data,
        options(d("2025-03-05"), Start::Refuse),
        &p,
    )
    .unwrap();
    // A's `relance_2` (its old `second`) is not sent again: it climbs to `third`.
    assert_eq!(steps(&day)[0], ("A".to_string(), "third".to_string()));
    let e = ledger.rename("second", "second").unwrap_err();
    insta::assert_snapshot!("bad-rename", e.render());
}

/// A rename declared in the policy (`rule relance_2 (was second):`) lets
/// the run continue the ledger's history of `second` under the new name,
/// as `ledger rename` does; `check_former_names` finds a misspelt one.
#[test]
fn a_rename_declared_in_the_policy_continues_the_history() {
    let policy = policy_text(LADDER);
    let invoices = invoices(&policy);
    let data = dunning::RunData::new(&invoices);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let p = Provenance::default();
    let history = "date,customer_id,invoice_id,rule,action\n\
                   2025-02-10,C-1,A,first,email\n\
                   2025-02-20,C-1,A,second,letter\n";
    ledger
        .import("history.csv", history.as_bytes(), &p)
        .unwrap();
    let renamed = policy_text(&LADDER.replace("rule second:", "rule relance_2 (was second):"));
    assert_eq!(renamed.rules[1].was, ["second"]);
    ledger.check_former_names(&renamed).unwrap();
    // Read back for a plan (`plan --ledger`), the history of `second` is
    // A's `relance_2`: A climbs to `third`, not `relance_2` again.
    let read = ledger.history(&invoices).unwrap();
    let planned = dunning::plan(&renamed, data.with_history(&read), d("2025-03-05"));
    let day = ledger::run_day(
        &mut ledger,
        &renamed,
        data,
        options(d("2025-03-05"), Start::Refuse),
        &p,
    )
    .unwrap();
    assert_eq!(csv(&day.plan.actions), csv(&planned.actions));
    assert_eq!(steps(&day)[0], ("A".to_string(), "third".to_string()));
    assert!(!steps(&day).contains(&("A".to_string(), "relance_2".to_string())));

    let misspelt = policy_text(&LADDER.replace("rule second:", "rule relance_2 (was secnod):"));
    let e = ledger.check_former_names(&misspelt).unwrap_err();
    insta::assert_snapshot!(
        "unknown-former-name",
        e.render().replace(&dir.path().display().to_string(), "DIR")
    );
    // The ledger's own renames count as recorded names.
    ledger.rename("third", "relance_3").unwrap();
    let chained = policy_text(&LADDER.replace("rule third:", "rule final (was relance_3):"));
    ledger.check_former_names(&chained).unwrap();
}

#[test]
fn a_bad_history_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let history = "date,customer_id,invoice_id,rule,action\n2025-02-10,C-1,A,first,shout\n";
    let e = ledger
        .import("history.csv", history.as_bytes(), &Provenance::default())
        .unwrap_err();
    insta::assert_snapshot!("bad-history", e.render());
    assert!(ledger.runs().unwrap().is_empty());
}

#[test]
fn a_foreign_or_newer_file_is_not_taken_for_a_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("history.csv");
    std::fs::write(&csv, "date,customer_id\n".repeat(100)).unwrap();
    let e = Ledger::open(&csv, Duration::from_secs(1)).unwrap_err();
    insta::assert_snapshot!(
        "foreign",
        e.render().replace(&dir.path().display().to_string(), "DIR")
    );
    // The file is left as it was.
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "date,customer_id\n".repeat(100)
    );

    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE t (x);").unwrap();
    drop(conn);
    let e = Ledger::open(&other, Duration::from_secs(1)).unwrap_err();
    assert_eq!(e.code(), "dunning::ledger::foreign");

    let newer = dir.path().join("newer.db");
    drop(open_at(&newer));
    let conn = rusqlite::Connection::open(&newer).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let e = Ledger::open(&newer, Duration::from_secs(1)).unwrap_err();
    insta::assert_snapshot!(
        "too-new",
        e.render().replace(&dir.path().display().to_string(), "DIR")
    );

    let e = Ledger::open(dir.path(), Duration::from_secs(1)).unwrap_err();
    insta::assert_snapshot!(
        "io",
        e.render().replace(&dir.path().display().to_string(), "DIR")
    );
}

fn open_at(path: &Path) -> Ledger {
    Ledger::open(path, Duration::from_secs(1)).unwrap()
}

#[test]
fn a_ledger_held_by_another_connection_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dunning.db");
    let mut ledger = Ledger::open(&path, Duration::from_millis(200)).unwrap();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let policy = policy_text(LADDER);
    let invoices = invoices(&policy);
    let e = error(ledger::run_day(
        &mut ledger,
        &policy,
        dunning::RunData::new(&invoices),
        options(d("2025-02-05"), Start::Refuse),
        &Provenance::default(),
    ));
    insta::assert_snapshot!(
        "busy",
        e.render().replace(&dir.path().display().to_string(), "DIR")
    );
    holder.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn every_ledger_code_is_documented_and_in_the_readme() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for doc in dunning::codes::LEDGER {
        assert!(dunning::codes::find(doc.code).is_some(), "{}", doc.code);
        assert!(
            readme.contains(&format!("`{}`", doc.code)),
            "{} not in the README",
            doc.code
        );
    }
}

/// The hash chain holds after runs, and breaks at the first action
/// changed, deleted or whose run's provenance is rewritten.
#[test]
fn an_action_edited_outside_dunning_breaks_the_chain() {
    let policy = policy_text(LADDER);
    let invoices = invoices(&policy);
    let data = dunning::RunData::new(&invoices);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dunning.db");
    let mut ledger = open_at(&path);
    let p = Provenance {
        policy_file: "policy.dunning".into(),
        policy_hash: ledger::sha256(LADDER.as_bytes()),
        inputs: vec![(
            "--invoices".into(),
            "open.csv".into(),
            Some(ledger::sha256(INVOICES.as_bytes())),
        )],
    };
    for date in ["2025-03-05", "2025-03-06", "2025-03-20"] {
        ledger::run_day(
            &mut ledger,
            &policy,
            data,
            options(d(date), Start::FirstStep),
            &p,
        )
        .unwrap();
    }
    let verified = ledger.verify().unwrap();
    assert_eq!(verified.actions, 7);
    assert_eq!(verified.head.len(), 64);
    assert_eq!(verified.marks, 0);
    let tamper = |sql: &str| {
        let copy = dir.path().join("copy.db");
        std::fs::copy(&path, &copy).unwrap();
        rusqlite::Connection::open(&copy)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        open_at(&copy).verify().unwrap_err()
    };
    let e = tamper("UPDATE actions SET action = 'email' WHERE id = 4");
    insta::assert_snapshot!(
        "tampered",
        e.render().replace(&dir.path().display().to_string(), "DIR")
    );
    let e = tamper("DELETE FROM actions WHERE id = 2");
    assert!(matches!(e, LedgerError::Tampered { id: 3, .. }), "{e:?}");
    let e = tamper("UPDATE runs SET policy_hash = 'x' WHERE id = 2");
    assert!(matches!(e, LedgerError::Tampered { id: 4, .. }), "{e:?}");
}

/// What the mailing service reports is recorded; an action that failed or
/// came back is planned again by the next run (the retry rule), one that
/// was delivered is not.
#[test]
fn a_failed_send_is_planned_again_the_next_morning() {
    let policy = policy_text(LADDER);
    let invoices = invoices(&policy);
    let data = dunning::RunData::new(&invoices);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let p = Provenance::default();
    let day = ledger::run_day(
        &mut ledger,
        &policy,
        data,
        options(d("2025-02-05"), Start::Refuse),
        &p,
    )
    .unwrap();
    assert_eq!(steps(&day), [("A".to_string(), "first".to_string())]);
    let report = "date,invoice_id,rule,status,reference,status_date\n\
                  2025-02-05,A,first,failed,MSG-1,2025-02-06\n";
    assert_eq!(ledger.mark("report.csv", report.as_bytes()).unwrap(), 1);
    let story = ledger.invoice("A").unwrap();
    assert_eq!(
        story[0].marks,
        [(
            "failed".to_string(),
            "MSG-1".to_string(),
            "2025-02-06".to_string()
        )]
    );
    let retried = ledger::run_day(
        &mut ledger,
        &policy,
        data,
        options(d("2025-02-07"), Start::Refuse),
        &p,
    )
    .unwrap();
    assert_eq!(steps(&retried), [("A".to_string(), "first".to_string())]);
    let delivered = "date,invoice_id,rule,status\n2025-02-07,A,first,delivered\n";
    ledger.mark("report.csv", delivered.as_bytes()).unwrap();
    let next = ledger::run_day(
        &mut ledger,
        &policy,
        data,
        options(d("2025-02-08"), Start::Refuse),
        &p,
    )
    .unwrap();
    assert!(steps(&next).is_empty(), "{:?}", steps(&next));
    // Both chains hold: the actions', and the marks' (each mark chained to
    // the one before and to its action).
    let verified = ledger.verify().unwrap();
    assert_eq!((verified.actions, verified.marks), (2, 2));
    assert_eq!(verified.marks_head.len(), 64);
    // A mark edited, moved to another action or deleted outside dunning
    // breaks the marks' chain: `verify` names the first mark that does not
    // match. (Turning a `failed` into `delivered` would hide a lost letter.)
    let path = dir.path().join("dunning.db");
    let tamper = |sql: &str| {
        let copy = dir.path().join("copy.db");
        std::fs::copy(&path, &copy).unwrap();
        rusqlite::Connection::open(&copy)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        open_at(&copy).verify().unwrap_err()
    };
    let e = tamper("UPDATE marks SET status = 'delivered' WHERE id = 1");
    insta::assert_snapshot!(
        "tampered-mark",
        e.render().replace(&dir.path().display().to_string(), "DIR")
    );
    let e = tamper("UPDATE marks SET action_id = 2 WHERE id = 1");
    assert!(
        matches!(e, LedgerError::TamperedMark { id: 1, .. }),
        "{e:?}"
    );
    let e = tamper("DELETE FROM marks WHERE id = 1");
    assert!(
        matches!(e, LedgerError::TamperedMark { id: 2, .. }),
        "{e:?}"
    );
    assert_eq!(e.code(), "dunning::ledger::tampered");

    let unknown = "date,invoice_id,rule,status\n2025-02-07,A,second,delivered\n";
    let e = ledger.mark("report.csv", unknown.as_bytes()).unwrap_err();
    insta::assert_snapshot!("bad-mark", e.render());
    let lost = "date,invoice_id,rule,status\n2025-02-07,A,first,lost\n";
    let e = ledger.mark("report.csv", lost.as_bytes()).unwrap_err();
    assert_eq!(e.code(), "dunning::ledger::bad-mark");
}

/// The ERP's open-items export of `day`: the invoices issued and not yet
/// paid in full that day (paid ones are dropped), with their payments so
/// far.
fn open_items(sample: &Sample, day: NaiveDate) -> (Vec<Invoice>, Vec<Payment>) {
    let open: Vec<Invoice> = sample
        .invoices
        .iter()
        .filter(|i| i.issue_date <= day && i.paid_date.is_none_or(|p| p > day))
        .cloned()
        .collect();
    let ids: std::collections::HashSet<&str> = open.iter().map(|i| i.id.as_str()).collect();
    let payments: Vec<Payment> = sample
        .payments
        .iter()
        .filter(|p| ids.contains(p.invoice_id.as_str()) && p.date <= day)
        .cloned()
        .collect();
    (open, payments)
}

/// `days` mornings from `from` on each day's open-items export, the day
/// `twice` run a second time: each day's recorded plan is `plan --history`
/// with the history exported the evening before, the day run twice records
/// nothing the second time, and the whole ledger is `simulate` over the
/// same days on the full invoice file.
fn open_items_mornings_equal_simulate(file: &str, from: NaiveDate, days: u64, twice: u64) {
    let policy = policy(file);
    let sample = sample(&policy);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let mut day = from;
    for n in 0..days {
        let (open, payments) = open_items(&sample, day);
        let data = dunning::RunData::new(&open).with_payments(&payments);
        let evening = export(&ledger);
        let history = dunning::data::read_history_with(
            "history.csv",
            evening.as_bytes(),
            dunning::data::Format::Csv,
            &open,
            &dunning::data::Import::default(),
        )
        .unwrap()
        .value;
        let planned = csv(&dunning::plan(&policy, data.with_history(&history), day).actions);
        let ran = ledger::run_day(
            &mut ledger,
            &policy,
            data,
            options(day, Start::CatchUp),
            &Provenance::default(),
        )
        .unwrap();
        assert!(matches!(ran.recorded, Recorded::Now(_)));
        assert_eq!(csv(&ran.plan.actions), planned, "{day}");
        if n == twice {
            let again = ledger::run_day(
                &mut ledger,
                &policy,
                data,
                options(day, Start::CatchUp),
                &Provenance::default(),
            )
            .unwrap();
            assert!(matches!(again.recorded, Recorded::Already(_)));
            assert_eq!(csv(&again.plan.actions), planned, "{day}");
        }
        day = day.succ_opt().unwrap();
    }
    assert_eq!(ledger.runs().unwrap().len() as u64, days);
    let to = day.pred_opt().unwrap();
    let range = dunning::DateRange::new(from, to).unwrap();
    let full = dunning::RunData::new(&sample.invoices).with_payments(&sample.payments);
    let simulated = dunning::simulate(&policy, full, range);
    assert_eq!(
        export(&ledger),
        history_csv(&policy, &simulated.actions),
        "{file} {from}..{to}"
    );
}

/// 30 mornings on the ERP's open-items export of each day, one day run
/// twice: the ledger ends as `simulate` on the full file.
#[test]
fn thirty_mornings_on_open_items_exports_equal_simulate() {
    open_items_mornings_equal_simulate("small_invoices.dunning", d("2025-04-01"), 30, 10);
}

/// Found by the open-items mornings from 2025-04-08: an invoice paid and
/// dropped from the export took its reminders out of its customer's
/// cooldown, so the customer's other invoices were reminded again within
/// the cooldown (611 actions where `simulate` on the full file gives 591).
/// Its history rows still count as contacts of its customer.
#[test]
fn a_paid_invoice_dropped_from_the_export_still_counts_for_its_customers_cooldown() {
    open_items_mornings_equal_simulate("small_invoices.dunning", d("2025-04-08"), 30, 3);
}

/// The issue's 30 mornings: each day's open-items export, a weekend not
/// run (2025-04-12 and 13), one day run twice, and from 2025-04-22 a
/// policy that renamed `reminder_email` to `relance_email` (declared with
/// `was`). The exported ledger is, byte for byte, `simulate` on the full
/// file over the days run: the days before the weekend, the days after it
/// up to the rename (from that history), and the days after the rename
/// with the renamed policy (from the history of both).
#[test]
fn thirty_mornings_with_a_weekend_off_and_a_rename_equal_simulate() {
    let before = policy("small_invoices.dunning");
    let text = std::fs::read_to_string(root().join("policies/small_invoices.dunning")).unwrap();
    assert!(text.contains("rule reminder_email:"));
    let after = policy_text(&text.replace(
        "rule reminder_email:",
        "rule relance_email (was reminder_email):",
    ));
    let sample = sample(&before);
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = open(&dir);
    let (from, weekend, monday, renamed) = (
        d("2025-04-07"),
        [d("2025-04-12"), d("2025-04-13")],
        d("2025-04-14"),
        d("2025-04-22"),
    );
    let mut day = from;
    let mut mornings = 0;
    while mornings < 30 {
        if weekend.contains(&day) {
            day = day.succ_opt().unwrap();
            continue;
        }
        let policy = if day < renamed { &before } else { &after };
        let (open, payments) = open_items(&sample, day);
        let data = dunning::RunData::new(&open).with_payments(&payments);
        let ran = ledger::run_day(
            &mut ledger,
            policy,
            data,
            options(day, Start::CatchUp),
            &Provenance::default(),
        )
        .unwrap();
        assert!(matches!(ran.recorded, Recorded::Now(_)), "{day}");
        if day == d("2025-04-16") {
            let again = ledger::run_day(
                &mut ledger,
                policy,
                data,
                options(day, Start::CatchUp),
                &Provenance::default(),
            )
            .unwrap();
            assert!(matches!(again.recorded, Recorded::Already(_)));
            assert_eq!(csv(&again.plan.actions), csv(&ran.plan.actions));
        }
        mornings += 1;
        day = day.succ_opt().unwrap();
    }
    let to = day.pred_opt().unwrap();
    assert_eq!(to, d("2025-05-08"));

    // The reference: `simulate` on the full file, segment by segment, each
    // from the history of the ones before.
    let full = dunning::RunData::new(&sample.invoices).with_payments(&sample.payments);
    let mut reference = String::new();
    let mut history = Vec::new();
    for (policy, first, last) in [
        (&before, from, d("2025-04-11")),
        (&before, monday, renamed.pred_opt().unwrap()),
        (&after, renamed, to),
    ] {
        let range = dunning::DateRange::new(first, last).unwrap();
        let simulated = dunning::simulate(policy, full.with_history(&history), range);
        let rows = history_csv(policy, &simulated.actions);
        let mut lines = rows.lines();
        let header = lines.next().unwrap();
        if reference.is_empty() {
            reference.push_str(header);
            reference.push('\n');
        }
        for line in lines {
            reference.push_str(line);
            reference.push('\n');
        }
        history = dunning::data::read_history_with(
            "simulated.csv",
            reference.as_bytes(),
            dunning::data::Format::Csv,
            &sample.invoices,
            &dunning::data::Import::default(),
        )
        .unwrap()
        .value;
    }
    let exported = export(&ledger);
    // The rename happened: both names are in the history, and no invoice
    // got its first e-mail reminder twice (under each name).
    assert!(exported.contains(",reminder_email,"));
    assert!(exported.contains(",relance_email,"));
    let mut first_emails = std::collections::HashSet::new();
    for line in exported.lines() {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[3] == "reminder_email" || cells[3] == "relance_email" {
            assert!(first_emails.insert(cells[2]), "{} reminded twice", cells[2]);
        }
    }
    // Nothing on the weekend not run.
    assert!(!exported.contains("\n2025-04-12,") && !exported.contains("\n2025-04-13,"));
    assert_eq!(exported, reference);
    assert_eq!(ledger.runs().unwrap().len(), 30);
}
