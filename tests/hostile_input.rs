//! Input nobody should write, and somebody will: each case must end with a
//! clear diagnostic (or be accepted), never a panic, a stack overflow or a
//! hang, through the library and through the binary.
//!
//! Exit codes: accepted input exits 0 (1 with `--deny-warnings` when it
//! has warnings); refused input exits 1 with a diagnostic.

// Test helpers stop the test on a broken setup: that is their job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::time::{Duration, Instant};

use assert_cmd::Command;

/// How a hostile input must end.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    /// Exit code of `dunning check`.
    exit: i32,
    /// A code the diagnostics must include, if any.
    code: Option<&'static str>,
}

fn rules(n: usize) -> String {
    let mut text = String::with_capacity(n * 80);
    for i in 0..n {
        let step = ["email", "sms", "call", "letter", "registered_letter"][i % 5];
        text.push_str(&format!(
            "rule r{i}: when customer_id = \"c{}\" and overdue >= {}d then {step}\n",
            i / 5,
            1 + (i % 5) * 10
        ));
    }
    text
}

fn cases() -> Vec<Case> {
    let five_mb = 5 * 1024 * 1024;
    vec![
        Case {
            name: "empty file",
            bytes: Vec::new(),
            exit: 0,
            code: Some("dunning::check::no-rules"),
        },
        Case {
            name: "byte-order mark",
            bytes: b"\xef\xbb\xbfwhen overdue >= 1d then email\n".to_vec(),
            exit: 0,
            code: None,
        },
        Case {
            name: "CRLF line ends",
            bytes: b"# c\r\nwhen overdue >= 1d\r\n  then email\r\nwhen overdue > 15d then call\r\n"
                .to_vec(),
            exit: 0,
            code: None,
        },
        Case {
            name: "invalid UTF-8",
            bytes: b"when overdue >= 1d then email # caf\xe9\n".to_vec(),
            exit: 1,
            code: Some("dunning::syntax::not-utf8"),
        },
        Case {
            name: "terminal escape in a rule name",
            bytes: b"rule \"a\x1b]0;pwned\x07\": when overdue >= 1d then email\n".to_vec(),
            exit: 1,
            code: Some("dunning::check::control-character"),
        },
        Case {
            name: "leading tab in a template",
            bytes: b"when overdue >= 1d then email template \"\treminder\"\n".to_vec(),
            exit: 1,
            code: Some("dunning::check::control-character"),
        },
        Case {
            name: "right-to-left override in a rule name",
            bytes: "rule \"a\u{202E}b\": when overdue >= 1d then email\n"
                .as_bytes()
                .to_vec(),
            exit: 0,
            code: Some("dunning::check::invisible-character"),
        },
        Case {
            name: "Cyrillic letter in a fact",
            bytes: "when \u{43E}verdue >= 1d then email\n".as_bytes().to_vec(),
            exit: 1,
            code: Some("dunning::syntax::unexpected"),
        },
        Case {
            name: "NUL byte",
            bytes: b"when overdue >= 1d\0 then email\n".to_vec(),
            exit: 1,
            code: Some("dunning::syntax::unexpected"),
        },
        Case {
            name: "100,000 nested parentheses",
            bytes: format!(
                "when {}overdue > 1d{} then email\n",
                "(".repeat(100_000),
                ")".repeat(100_000)
            )
            .into_bytes(),
            exit: 1,
            code: Some("dunning::syntax::too-deep"),
        },
        Case {
            name: "100,000 nots",
            bytes: format!("when {}disputed then email\n", "not ".repeat(100_000)).into_bytes(),
            exit: 1,
            code: Some("dunning::syntax::too-deep"),
        },
        Case {
            name: "a 5 MB comment",
            bytes: format!("when overdue >= 1d then email # {}\n", "x".repeat(five_mb)).into_bytes(),
            exit: 0,
            code: None,
        },
        Case {
            name: "a 5 MB template name",
            bytes: format!(
                "when overdue >= 1d then email template \"{}\"\n",
                "x".repeat(five_mb)
            )
            .into_bytes(),
            exit: 0,
            code: None,
        },
        Case {
            name: "a 5 MB word where none is expected",
            bytes: format!("when overdue >= 1d then email {}\n", "x".repeat(five_mb)).into_bytes(),
            exit: 1,
            code: Some("dunning::syntax::unexpected"),
        },
        Case {
            name: "a 5 MB condition",
            bytes: format!(
                "when overdue >= 1d and {} then email\n",
                (0..50_000)
                    .map(|i| format!("customer_id != \"{i:0>90}\""))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
            .into_bytes(),
            exit: 0,
            code: None,
        },
        Case {
            name: "a 5 MB line of garbage after a good rule",
            bytes: format!(
                "when overdue >= 1d then email\n{}\n",
                "@#!".repeat(five_mb / 3)
            )
            .into_bytes(),
            exit: 1,
            code: Some("dunning::syntax::unexpected"),
        },
        Case {
            name: "50,000 rules",
            bytes: rules(50_000).into_bytes(),
            exit: 0,
            code: None,
        },
        Case {
            name: "50,000 broken rules",
            bytes: rules(50_000).replace(" then ", " => ").into_bytes(),
            exit: 1,
            code: Some("dunning::syntax::unexpected"),
        },
        Case {
            name: "a number with 40 digits",
            bytes: format!(
                "when reminders > {0} then call\nwhen overdue > {0}d then call\nwhen amount > {0} EUR then call\n",
                "9".repeat(40)
            )
            .into_bytes(),
            exit: 1,
            code: Some("dunning::check::out-of-range"),
        },
    ]
}

#[test]
fn the_library_never_panics_on_hostile_input() {
    for case in cases() {
        let started = Instant::now();
        let parsed = dunning::SourceFile::from_bytes("case", &case.bytes).parse();
        let checked = dunning::check(&parsed);
        // fmt either formats it or refuses; it never panics.
        let syntax_errors = checked
            .diagnostics
            .iter()
            .any(|d| matches!(d, dunning::PolicyError::Syntax(_)));
        match dunning::format(&parsed) {
            Ok(_) => assert!(!syntax_errors, "{}", case.name),
            Err(_) => assert!(syntax_errors, "{}", case.name),
        }
        let codes: Vec<String> = checked
            .diagnostics
            .iter()
            .map(|d| miette::Diagnostic::code(d).unwrap().to_string())
            .collect();
        if let Some(code) = case.code {
            assert!(codes.iter().any(|c| c == code), "{}: {codes:?}", case.name);
        } else {
            assert!(codes.is_empty(), "{}: {codes:?}", case.name);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{} took {:?}",
            case.name,
            started.elapsed()
        );
    }
}

#[test]
fn the_binary_ends_every_hostile_input_with_a_clear_exit() {
    let dir = tempfile::tempdir().unwrap();
    for (i, case) in cases().into_iter().enumerate() {
        let path = dir.path().join(format!("case{i}.dunning"));
        std::fs::write(&path, &case.bytes).unwrap();
        let output = Command::cargo_bin("dunning")
            .unwrap()
            .args(["check", "--format", "json"])
            .arg(&path)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        let exit = output.status.code();
        assert_eq!(exit, Some(case.exit), "{}: {output:?}", case.name);
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let codes: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        if let Some(code) = case.code {
            assert!(codes.contains(&code), "{}: {codes:?}", case.name);
        }
    }
}

#[test]
fn human_reports_of_huge_lines_stay_small() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases()
        .into_iter()
        .filter(|c| c.exit == 1 && c.bytes.len() > 100_000)
    {
        if case.name.contains("50,000") {
            continue; // many small errors, not one huge line
        }
        let path = dir.path().join("huge.dunning");
        std::fs::write(&path, &case.bytes).unwrap();
        let output = Command::cargo_bin("dunning")
            .unwrap()
            .arg("check")
            .arg(&path)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", case.name);
        assert!(
            output.stdout.len() < 4_000,
            "{}: {} bytes of report",
            case.name,
            output.stdout.len()
        );
    }
}

#[test]
fn fmt_survives_hostile_input_too() {
    let dir = tempfile::tempdir().unwrap();
    for (i, case) in cases().into_iter().enumerate() {
        let path = dir.path().join(format!("case{i}.dunning"));
        std::fs::write(&path, &case.bytes).unwrap();
        let output = Command::cargo_bin("dunning")
            .unwrap()
            .args(["fmt", "--check"])
            .arg(&path)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        let code = output.status.code();
        assert!(matches!(code, Some(0 | 1)), "{}: {code:?}", case.name);
    }
}
