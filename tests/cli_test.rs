//! `dunning test` end to end: passing and failing cases, the diff, JUnit
//! XML, coverage and broken test files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;

const FIXTURES: &str = "tests/fixtures/testing";

fn dunning() -> Command {
    Command::cargo_bin("dunning").unwrap()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = dunning().arg("test").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}

#[test]
fn passing_cases_exit_0_with_the_summary_last() {
    let (code, out, err) = run(&[&format!("{FIXTURES}/pass")]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(last_line(&out), "3 passed, 0 failed");
    assert!(
        out.contains("ok    tests/fixtures/testing/pass/reminders.yaml: nothing before"),
        "{out}"
    );
}

#[test]
fn a_failing_case_prints_a_diff_and_exits_1() {
    let (code, out, err) = run(&[&format!("{FIXTURES}/fail/wrong.yaml")]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(last_line(&out), "1 passed, 1 failed");
    assert!(
        out.contains(
            "FAIL  tests/fixtures/testing/fail/wrong.yaml: expects a call <too early> & fails"
        ),
        "{out}"
    );
    assert!(out.contains("--- expected\n    +++ actual\n"), "{out}");
    assert!(
        out.contains("    - C1  call  rule=call  invoices=[I1]\n"),
        "{out}"
    );
    assert!(
        out.contains("    + C1  email  rule=reminder  invoices=[I1]\n"),
        "{out}"
    );
}

#[test]
fn several_paths_and_folders_run_together() {
    let (code, out, _) = run(&[&format!("{FIXTURES}/pass"), &format!("{FIXTURES}/fail")]);
    assert_eq!(code, 1);
    assert_eq!(last_line(&out), "4 passed, 1 failed");
}

#[test]
fn junit_output_is_xml_with_failures_escaped() {
    let (code, out, err) = run(&["--format", "junit", FIXTURES.trim_end_matches('/')]);
    // The bad files make the run fail; stdout is only the XML document.
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dunning\""),
        "{out}"
    );
    assert!(out.trim_end().ends_with("</testsuites>"), "{out}");
    assert!(
        out.contains("<testcase name=\"expects a call &lt;too early&gt; &amp; fails\""),
        "{out}"
    );
    assert!(out.contains("<failure message=\"the actions differ from the expected ones\" type=\"mismatch\">--- expected"), "{out}");
    assert!(out.contains("<testsuite name=\"tests/fixtures/testing/bad/not_yaml.yaml\" tests=\"1\" failures=\"0\" errors=\"1\""), "{out}");
    assert!(out.contains("<testsuite name=\"tests/fixtures/testing/pass/reminders.yaml\" tests=\"3\" failures=\"0\" errors=\"0\""), "{out}");
    assert_eq!(
        out.matches("<testsuite ").count(),
        out.matches("</testsuite>").count()
    );
    // The summary goes to stderr, still last.
    assert_eq!(last_line(&err), "5 passed, 4 failed", "{err}");
}

#[test]
fn junit_output_of_a_passing_run() {
    let (code, out, _) = run(&["--format", "junit", &format!("{FIXTURES}/pass")]);
    assert_eq!(code, 0);
    assert!(
        out.contains("tests=\"3\" failures=\"0\" errors=\"0\""),
        "{out}"
    );
    assert_eq!(out.matches("<testcase ").count(), 3);
    assert!(!out.contains("<failure"));
}

#[test]
fn coverage_lists_the_rules_never_fired() {
    let (code, out, _) = run(&["--coverage", &format!("{FIXTURES}/partial.yaml")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("  tests/fixtures/testing/policy.dunning: 1/3 rules fired (33.3%)\n    never fired: call, notice\n"), "{out}");
    assert!(out.contains("  total: 1/3 rules fired (33.3%)\n"), "{out}");
    assert_eq!(last_line(&out), "1 passed, 0 failed");
}

#[test]
fn min_coverage_fails_below_the_threshold() {
    let (code, out, _) = run(&["--min-coverage", "50", &format!("{FIXTURES}/partial.yaml")]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("coverage 33.3% is below the minimum of 50%"),
        "{out}"
    );
    assert_eq!(last_line(&out), "1 passed, 0 failed");
    let (code, out, _) = run(&["--min-coverage", "30", &format!("{FIXTURES}/partial.yaml")]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = run(&["--min-coverage", "150", &format!("{FIXTURES}/partial.yaml")]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_test_file_that_is_not_yaml_is_named_and_exits_1() {
    let (code, out, err) = run(&[&format!("{FIXTURES}/bad/not_yaml.yaml")]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("error: tests/fixtures/testing/bad/not_yaml.yaml: not a valid test file"),
        "{err}"
    );
    assert_eq!(last_line(&out), "0 passed, 1 failed");
}

#[test]
fn a_missing_policy_is_an_io_error() {
    let (code, out, err) = run(&[&format!("{FIXTURES}/bad/missing_policy.yaml")]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("tests/fixtures/testing/bad/missing_policy.yaml: cannot read the policy tests/fixtures/testing/nowhere.dunning"), "{err}");
    assert_eq!(last_line(&out), "0 passed, 1 failed");
}

#[test]
fn a_bad_invoice_fails_its_case_naming_the_file_and_field() {
    let (code, out, err) = run(&[&format!("{FIXTURES}/bad/bad_invoice.yaml")]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("ERROR tests/fixtures/testing/bad/bad_invoice.yaml: impossible date"),
        "{out}"
    );
    assert!(out.contains("(case \"impossible date\", invoices): record 1: field `due_date`: `2025-02-30` is not a date"), "{out}");
    assert_eq!(last_line(&out), "0 passed, 1 failed");
}

#[test]
fn an_unknown_field_in_a_case_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = std::fs::canonicalize(format!("{FIXTURES}/policy.dunning")).unwrap();
    let file = tmp.path().join("t.yaml");
    std::fs::write(
        &file,
        format!(
            "policy: {}\ncases:\n  - name: typo\n    invoices_file: {}\n    date: 2025-02-03\n    expect:\n      - {{customer_id: C1, action: email, rule: reminder, invoice: [I1]}}\n",
            policy.display(),
            std::fs::canonicalize(format!("{FIXTURES}/invoices.csv")).unwrap().display()
        ),
    )
    .unwrap();
    let (code, out, err) = dunning_in(&file);
    assert_eq!(code, 1, "{out}{err}");
    // The case fails, not the whole file (issue 11).
    assert!(out.contains("ERROR") && out.contains("typo"), "{out}");
    assert!(out.contains("unknown field `invoice`"), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

fn dunning_in(file: &std::path::Path) -> (i32, String, String) {
    let out = dunning().arg("test").arg(file).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let (code, out, err) = run(&["tests/fixtures/testing/nowhere"]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(last_line(&out), "0 passed, 1 failed");
}

#[test]
fn an_expected_rule_the_policy_does_not_have_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("t.yaml");
    std::fs::write(
        &file,
        format!(
            "policy: {}\ncases:\n  - name: typo\n    invoices_file: {}\n    date: 2025-02-03\n    expect:\n      - {{customer_id: C1, action: email, rule: remindr, invoices: [I1]}}\n",
            std::fs::canonicalize(format!("{FIXTURES}/policy.dunning")).unwrap().display(),
            std::fs::canonicalize(format!("{FIXTURES}/invoices.csv")).unwrap().display()
        ),
    )
    .unwrap();
    let (code, out, err) = dunning_in(&file);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("expected rule \"remindr\" is not a rule of the policy (its rules: reminder, call, notice)"), "{out}");
    assert_eq!(last_line(&out), "0 passed, 1 failed");
}

#[test]
fn amounts_are_compared_when_given() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = std::fs::canonicalize("policies/french_b2b.dunning").unwrap();
    let file = tmp.path().join("t.yaml");
    let case = |interest: &str| {
        format!(
            "  - name: interest {interest}\n    invoices:\n      - {{invoice_id: F1, customer_id: C1, issue_date: 2025-01-01, due_date: 2025-01-31, amount: \"1000.00\", currency: EUR}}\n    date: 2025-02-20\n    expect:\n      - {{customer_id: C1, action: registered_letter, rule: penalties_letter, invoices: [F1], open_amount: 1000, interest: {interest}, indemnity: \"40.00\"}}\n"
        )
    };
    std::fs::write(
        &file,
        format!(
            "policy: {}\ncases:\n{}{}",
            policy.display(),
            case("7.21"),
            case("7.19")
        ),
    )
    .unwrap();
    let (code, out, err) = dunning_in(&file);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("ok    "), "{out}");
    assert!(out.contains("    - C1  registered_letter  rule=penalties_letter  invoices=[F1]  open_amount=1000  interest=7.19  indemnity=40.00\n"), "{out}");
    assert!(out.contains("    + C1  registered_letter  rule=penalties_letter  invoices=[F1]  open_amount=1000.00  interest=7.21  indemnity=40\n"), "{out}");
    assert_eq!(last_line(&out), "1 passed, 1 failed");
}

#[test]
fn a_folder_skips_hidden_folders_and_yaml_that_is_not_a_test_file() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = std::fs::canonicalize(format!("{FIXTURES}/policy.dunning")).unwrap();
    std::fs::create_dir_all(tmp.path().join(".github/workflows")).unwrap();
    std::fs::write(
        tmp.path().join(".github/workflows/ci.yml"),
        "on: push\njobs: {}\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("invoices.yaml"),
        "- {invoice_id: I1, customer_id: C1, issue_date: 2025-01-01, due_date: 2025-01-31, amount: \"10.00\", currency: EUR}\n",
    )
    .unwrap();
    // Invoices given once at the top level serve every case.
    std::fs::write(
        tmp.path().join("t.yaml"),
        format!(
            "policy: {}\ninvoices_file: invoices.yaml\ncases:\n  - name: a\n    date: 2025-02-03\n    expect:\n      - {{customer_id: C1, action: email, rule: reminder, invoices: [I1]}}\n  - name: b\n    date: 2025-02-02\n    expect: []\n",
            policy.display()
        ),
    )
    .unwrap();
    let out = dunning().arg("test").arg(tmp.path()).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(last_line(&stdout), "2 passed, 0 failed");
}

#[test]
fn a_multi_day_failure_shows_the_days() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("t.yaml");
    std::fs::write(
        &file,
        format!(
            "policy: {}\ninvoices_file: {}\ncases:\n  - name: a week\n    from: 2025-02-01\n    to: 2025-02-12\n    expect:\n      - {{customer_id: C1, action: email, rule: reminder, invoices: [I1]}}\n",
            std::fs::canonicalize(format!("{FIXTURES}/policy.dunning")).unwrap().display(),
            std::fs::canonicalize(format!("{FIXTURES}/invoices.csv")).unwrap().display()
        ),
    )
    .unwrap();
    let (code, out, err) = dunning_in(&file);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("      2025-02-03  C1  email  rule=reminder  invoices=[I1]\n    + 2025-02-10  C1  call  rule=call  invoices=[I1]\n"),
        "{out}"
    );
}

#[test]
fn sarif_output_lists_each_failed_case_on_its_file() {
    let (code, out, err) = run(&["--format", "sarif", &format!("{FIXTURES}/fail/wrong.yaml")]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(last_line(&err), "1 passed, 1 failed");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{out}");
    assert_eq!(results[0]["ruleId"], "dunning::test::failed");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/testing/fail/wrong.yaml"
    );
    let text = results[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.contains("expects a call <too early> & fails") && text.contains("- C1  call"),
        "{text}"
    );
}
