//! The policies shipped in `policies/` pass their own tests with every rule
//! covered, and their tests notice a changed threshold.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;

fn dunning() -> Command {
    Command::cargo_bin("dunning").unwrap()
}

#[test]
fn the_shipped_policies_pass_their_tests_with_full_coverage() {
    let out = dunning()
        .args(["test", "policies/", "--coverage", "--min-coverage", "100"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("total: 22/22 rules fired (100.0%)"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with(" passed, 0 failed"), "{stdout}");
}

#[test]
fn every_policy_has_a_test_file() {
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "dunning") {
            let stem = path.file_stem().unwrap().to_str().unwrap();
            assert!(
                std::path::Path::new(&format!("policies/tests/{stem}.yaml")).exists(),
                "{} has no policies/tests/{stem}.yaml",
                path.display()
            );
        }
    }
}

/// Copies `policies/` (policies and tests) to a temporary folder, with one
/// replacement in one policy, and runs its tests.
fn run_modified(policy: &str, from: &str, to: &str) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("tests")).unwrap();
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let mut text = std::fs::read_to_string(&path).unwrap();
            if path.file_name().unwrap() == policy {
                assert!(text.contains(from), "{policy} does not contain {from:?}");
                text = text.replacen(from, to, 1);
            }
            std::fs::write(tmp.path().join(path.file_name().unwrap()), text).unwrap();
        }
    }
    for entry in std::fs::read_dir("policies/tests").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            tmp.path().join("tests").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let out = dunning().arg("test").arg(tmp.path()).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn an_unchanged_copy_passes() {
    let (code, out) = run_modified("french_b2b.dunning", "overdue >= 10d", "overdue >= 10d");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_changed_threshold_makes_the_tests_fail() {
    for (policy, from, to) in [
        ("french_b2b.dunning", "overdue >= 10d", "overdue >= 12d"),
        (
            "french_b2b.dunning",
            "open_amount >= 150 EUR",
            "open_amount >= 50 EUR",
        ),
        ("small_invoices.dunning", "overdue >= 45d", "overdue >= 40d"),
        (
            "small_invoices.dunning",
            "repeat every 7d",
            "repeat every 14d",
        ),
        (
            "strategic_accounts.dunning",
            "overdue >= 22d",
            "overdue >= 25d",
        ),
        (
            "strategic_accounts.dunning",
            "set cooldown = 7d",
            "set cooldown = 3d",
        ),
    ] {
        let (code, out) = run_modified(policy, from, to);
        assert_eq!(code, 1, "{policy}: {from} -> {to}\n{out}");
        assert!(out.contains("FAIL "), "{out}");
        assert!(!out.trim_end().ends_with(" 0 failed"), "{out}");
    }
}
