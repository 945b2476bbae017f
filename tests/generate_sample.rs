//! The committed sample year never drifts: the command documented in
//! `data/README.md`, run again, writes the committed files byte for byte.

// Test code: a failed unwrap is a failed test (clippy allows it only inside
// `#[test]` functions, not in their helpers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

/// The arguments after `generate` of the command line in `data/README.md`.
fn documented_arguments() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/README.md"))
            .expect("data/README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- generate "))
        .expect("data/README.md shows the command that regenerates the sample");
    line.split_whitespace().skip(5).map(str::to_owned).collect()
}

#[test]
fn the_documented_command_regenerates_the_committed_sample() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut args = documented_arguments();
    let mut outputs = Vec::new();
    for i in 0..args.len() {
        if ["--out", "--payments-out", "--events-out"].contains(&args[i].as_str()) {
            let committed = root.join(&args[i + 1]);
            let fresh = tmp.path().join(format!("{i}.csv"));
            args[i + 1] = fresh.display().to_string();
            outputs.push((committed, fresh));
        }
    }
    assert_eq!(
        outputs.len(),
        3,
        "the command writes invoices, payments and account events"
    );
    Command::cargo_bin("dunning")
        .unwrap()
        .arg("generate")
        .args(&args)
        .assert()
        .success();
    for (committed, fresh) in outputs {
        let want = std::fs::read(&committed).unwrap();
        let got = std::fs::read(&fresh).unwrap();
        assert!(
            want == got,
            "{} differs from what the generator writes now: if the generator's model changed \
             on purpose, regenerate it with the command in data/README.md and commit it",
            committed.display()
        );
    }
}

#[test]
fn the_sample_is_small_enough_to_commit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let size = |f: &str| std::fs::metadata(root.join("data").join(f)).unwrap().len();
    assert!(
        size("invoices-2025.csv") + size("payments-2025.csv") + size("events-2025.csv") < 2_000_000
    );
}
