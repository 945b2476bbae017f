//! `dunning fmt` on fixture files: each file under `tests/fixtures/fmt/` is
//! formatted and the result snapshotted; formatting the result again must
//! change nothing, and it must read back as the same policy.

// Test helpers stop the test on a missing file: that is their job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use dunning::parse;

fn format_fixture(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let formatted = dunning::format(&dunning::parse(text)).unwrap();
    let again = dunning::format(&dunning::parse(&formatted)).unwrap();
    assert_eq!(formatted, again, "{}: not idempotent", path.display());
    assert_eq!(
        parse(text).ast,
        parse(&formatted).ast,
        "{}: the meaning changed",
        path.display()
    );
    formatted
}

#[test]
fn fmt_fixtures_format_as_snapshots() {
    insta::glob!("fixtures/fmt/*.dunning", |path| {
        insta::assert_snapshot!(format_fixture(path));
    });
}

#[test]
fn fmt_refuses_files_with_syntax_errors() {
    let err = dunning::format(&dunning::parse(
        "when overdue > 1d then email\nwhen overdue => call\n",
    ));
    let Err(dunning::FormatError::Syntax(errors)) = err else {
        panic!("{err:?}");
    };
    assert_eq!(errors.len(), 1);
}
