//! The policies shipped in `policies/` are examples people copy: each must
//! be clean under `dunning check --deny-warnings` and already in the layout
//! `dunning fmt` writes.

// Test helpers stop the test on a missing file: that is their job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

fn policies() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "dunning"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_three_required_policies_exist() {
    let names: Vec<String> = policies()
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(String::from))
        .collect();
    for required in [
        "french_b2b.dunning",
        "strategic_accounts.dunning",
        "small_invoices.dunning",
    ] {
        assert!(names.iter().any(|n| n == required), "{required} missing");
    }
}

#[test]
fn every_policy_is_clean_and_formatted() {
    for path in policies() {
        let file = dunning::SourceFile::read(&path).unwrap();
        let parsed = file.parse();
        let checked = dunning::check(&parsed);
        let renderer = dunning::output::diagnostics::Renderer::new(&file, false);
        let rendered: Vec<String> = checked
            .diagnostics
            .iter()
            .map(|d| renderer.render(d))
            .collect();
        assert!(checked.diagnostics.is_empty(), "{}", rendered.join("\n"));
        assert!(checked.policy.is_some());
        let formatted = dunning::format(&parsed).unwrap();
        assert_eq!(
            formatted,
            file.text(),
            "{} is not formatted",
            path.display()
        );
    }
}

#[test]
fn the_french_ladder_says_what_the_spec_asks() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies/french_b2b.dunning"),
    )
    .unwrap();
    let policy = dunning::check(&dunning::parse(&text)).policy.unwrap();
    let s = &policy.settings;
    assert_eq!(s.cooldown_days, 7);
    assert_eq!(s.calendar, dunning::policy::CalendarKind::France);
    assert!(s.interest_rate.is_some() && s.indemnity.is_some());
    assert!(s.pause_disputed);
    let kinds: Vec<&str> = policy
        .rules
        .iter()
        .map(|r| r.action.kind.as_str())
        .collect();
    for step in [
        "email",
        "call",
        "registered_letter",
        "formal_notice",
        "collection_agency",
    ] {
        assert!(kinds.contains(&step), "no {step} step");
    }
}
