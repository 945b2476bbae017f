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
