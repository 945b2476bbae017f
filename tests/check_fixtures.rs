//! Fixture-driven tests of `dunning check`: every file under
//! `tests/fixtures/check/err/` is rendered as a person sees it (miette's
//! report, no colour) and snapshotted; every file under `ok/` must produce
//! no diagnostic at all.
//!
//! An error fixture is named after the diagnostic it shows:
//! `<short-code>.dunning` (`unknown-fact.dunning` for
//! `dunning::check::unknown-fact`), or `<short-code>.<behaviour>.dunning`
//! for more cases of the same code.

// Test helpers stop the test on a missing fixture: that is their job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dunning::codes::POLICY as CODES;
use dunning::output::diagnostics::render_human;
use dunning::PolicyError;
use dunning::SourceFile;
use miette::Diagnostic;

/// The diagnostics of a fixture, read as the CLI reads a file.
fn diagnostics(path: &Path) -> (SourceFile, Vec<PolicyError>) {
    let bytes = std::fs::read(path).expect("fixture is readable");
    let name = format!(
        "{}/{}",
        path.parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or(""),
        path.file_name().and_then(|n| n.to_str()).unwrap_or("")
    );
    let file = SourceFile::from_bytes(name, &bytes);
    let diagnostics = file.check().diagnostics;
    (file, diagnostics)
}

fn code_of(d: &dyn Diagnostic) -> String {
    d.code().map(|c| c.to_string()).unwrap_or_default()
}

fn fixtures(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "dunning"))
        .collect();
    files.sort();
    files
}

/// `unknown-fact` for `err/unknown-fact.dunning` and `err/unknown-fact.typo.dunning`.
fn short_code(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.split('.').next().unwrap_or("").to_string()
}

fn full_code(short: &str) -> Option<&'static str> {
    CODES
        .iter()
        .map(|c| c.code)
        .find(|c| c.rsplit("::").next() == Some(short))
}

#[test]
fn error_fixtures_render_as_snapshots() {
    insta::glob!("fixtures/check/err/*.dunning", |path| {
        let (file, diagnostics) = diagnostics(path);
        let rendered: Vec<String> = diagnostics
            .iter()
            .map(|d| render_human(d, &file, false))
            .collect();
        insta::assert_snapshot!(rendered.join("\n"));
    });
}

#[test]
fn each_error_fixture_shows_the_code_it_is_named_after() {
    for path in fixtures("err") {
        let short = short_code(&path);
        let code = full_code(&short)
            .unwrap_or_else(|| panic!("{}: `{short}` is not a diagnostic code", path.display()));
        let (_, diagnostics) = diagnostics(&path);
        let codes: Vec<String> = diagnostics.iter().map(|d| code_of(d)).collect();
        assert!(
            codes.iter().any(|c| c == code),
            "{} shows {codes:?}, not {code}",
            path.display()
        );
    }
}

#[test]
fn ok_fixtures_have_no_diagnostics() {
    let files = fixtures("ok");
    assert!(!files.is_empty());
    for path in files {
        let (file, diagnostics) = diagnostics(&path);
        let rendered: Vec<String> = diagnostics
            .iter()
            .map(|d| render_human(d, &file, false))
            .collect();
        assert!(
            diagnostics.is_empty(),
            "{}:\n{}",
            path.display(),
            rendered.join("\n")
        );
    }
}

#[test]
fn every_code_has_a_fixture_and_every_fixture_code_is_known() {
    let known: BTreeSet<&str> = CODES.iter().map(|c| c.code).collect();
    assert_eq!(known.len(), CODES.len(), "a code is listed twice");
    let mut covered = BTreeSet::new();
    for folder in ["err", "ok"] {
        for path in fixtures(folder) {
            let (_, diagnostics) = diagnostics(&path);
            for d in &diagnostics {
                let code = code_of(d);
                assert!(
                    known.contains(code.as_str()),
                    "{} emits `{code}`, which is not in codes::CODES",
                    path.display()
                );
            }
            if folder == "err" {
                covered.extend(full_code(&short_code(&path)));
            }
        }
    }
    let missing: Vec<_> = known.difference(&covered).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

#[test]
fn every_code_is_documented_in_the_readme() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md exists");
    for code in CODES.iter().chain(dunning::codes::DATA) {
        assert!(
            doc.contains(&format!("| <a id=\"{}\"></a>`{}` |", code.anchor(), code.code)),
            "README.md does not list `{}` in a row of its own, with its anchor (the row its url() links to)",
            code.code
        );
    }
}

#[test]
fn every_code_explains_itself_with_an_example_that_shows_it() {
    for doc in CODES {
        let rendered = doc.render();
        assert!(rendered.starts_with(doc.code));
        assert!(rendered.contains("Example of the mistake:"));
        // The example, as a policy, must trigger the code it explains
        // (the not-UTF-8 example is prose: it cannot be shown as text).
        if doc.code == "dunning::syntax::not-utf8" || doc.code == "dunning::syntax::too-deep" {
            continue;
        }
        let codes: Vec<String> = dunning::check(&dunning::parse(doc.example))
            .diagnostics
            .iter()
            .map(|d| code_of(d))
            .collect();
        assert!(
            codes.iter().any(|c| c == doc.code),
            "the example of {} shows {codes:?}",
            doc.code
        );
        let fixed: Vec<String> = dunning::check(&dunning::parse(doc.fix))
            .diagnostics
            .iter()
            .map(|d| code_of(d))
            .collect();
        assert!(
            !fixed.iter().any(|c| c == doc.code),
            "the fix of {} still shows it: {fixed:?}",
            doc.code
        );
    }
}
