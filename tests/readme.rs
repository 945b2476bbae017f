//! The README's first command runs, and prints what the README shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn the_readme_first_command_prints_the_output_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .expect("the README starts with a `cargo run --release -- …` command");
    let args: Vec<&str> = command["cargo run --release -- ".len()..]
        .split_whitespace()
        .collect();
    let shown = readme
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows the output in a ```text block");
    let out = assert_cmd::Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(root)
        .env("NO_COLOR", "1")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        shown,
        "update the README's output block"
    );
}

#[test]
fn the_readme_test_command_is_what_ci_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    let test_command = readme
        .lines()
        .find(|l| l.starts_with("cargo test"))
        .unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == test_command),
        "{test_command} not in .ci/run"
    );
}

/// The README's table of facts (section "### Facts") is the fact table of
/// the program, row for row: name, kind and meaning, in the same order.
#[test]
fn the_readme_table_of_facts_is_the_fact_table() {
    use dunning::policy::Fact;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("\n### Facts\n")
        .nth(1)
        .and_then(|rest| rest.split("\n#").next())
        .expect("the README has a section ### Facts");
    let rows: Vec<(String, String, String)> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 3, "{l}");
            (
                cells[0].trim_matches('`').to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
            )
        })
        .collect();
    let table: Vec<(String, String, String)> = Fact::BUILT_IN
        .iter()
        .map(|f| {
            let b = f.built_in().unwrap();
            (
                b.name.to_string(),
                b.kind.to_string(),
                b.meaning.to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows, table,
        "the README's facts and `Fact::BUILT_IN` differ"
    );
}

/// The rows of a README table in section `heading`: the cells of each row
/// that starts with a quoted name.
fn table_rows(heading: &str) -> Vec<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split(&format!("\n{heading}\n"))
        .nth(1)
        .and_then(|rest| rest.split("\n#").next())
        .unwrap_or_else(|| panic!("the README has a section {heading}"));
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The language server's hover texts for actions and settings are the
/// README's words.
#[test]
fn the_readme_tables_of_actions_and_settings_are_the_tables() {
    let actions: Vec<(String, String)> = table_rows("### Actions")
        .into_iter()
        .map(|cells| (cells[0].trim_matches('`').to_string(), cells[1].clone()))
        .collect();
    let table: Vec<(String, String)> = dunning::policy::ActionKind::ALL
        .iter()
        .map(|a| (a.as_str().to_string(), a.meaning().to_string()))
        .collect();
    assert_eq!(
        actions, table,
        "the README's actions and `ActionKind` differ"
    );
    let settings: Vec<(String, String)> = table_rows("### Settings reference")
        .into_iter()
        .map(|cells| (cells[0].trim_matches('`').to_string(), cells[3].clone()))
        .collect();
    let table: Vec<(String, String)> = dunning::policy::settings()
        .map(|s| (s.name.to_string(), s.meaning.to_string()))
        .collect();
    assert_eq!(
        settings, table,
        "the README's settings and the setting table differ"
    );
}
