//! The conventions users of other command-line tools expect: `--version`,
//! completions, a manual page, `--quiet`, `--color` with `NO_COLOR` and
//! `FORCE_COLOR`, `check --explain` without a code, `explain --format json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

fn dunning() -> Command {
    let mut cmd = Command::cargo_bin("dunning").unwrap();
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    cmd.env_remove("NO_COLOR").env_remove("FORCE_COLOR");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn version_names_the_package_version() {
    let (code, out, _) = run(dunning().arg("--version"));
    assert_eq!(code, 0);
    assert!(
        out.starts_with(&format!("dunning {}", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _dunning"),
        ("zsh", "#compdef dunning"),
        ("fish", "complete -c dunning"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, out, err) = run(dunning().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(marker), "{shell}: {out}");
        assert!(
            out.contains("simulate") && out.contains("actions-out"),
            "{shell}"
        );
    }
    let (code, _, err) = run(dunning().args(["completions", "tcsh"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn man_page_is_roff_and_lists_the_commands() {
    let (code, out, _) = run(dunning().arg("man"));
    assert_eq!(code, 0);
    assert!(out.contains(".TH dunning 1"), "{out}");
    for command in [
        "check", "fmt", "plan", "explain", "simulate", "diff", "test",
    ] {
        assert!(out.contains(command), "{command}");
    }
}

/// Issue 11: a page per command, with its options.
#[test]
fn man_prints_a_command_page_and_refuses_an_unknown_command() {
    let (code, out, err) = run(dunning().args(["man", "simulate"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(".TH dunning-simulate 1"), "{out}");
    assert!(out.contains("dunning simulate"), "{out}");
    assert!(out.contains("actions\\-out"), "{out}");
    let (code, out, err) = run(dunning().args(["man", "nope"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("`nope` is not a command of dunning; the commands are `check`"),
        "{err}"
    );
}

#[test]
fn check_explain_without_a_code_lists_every_code() {
    let (code, out, _) = run(dunning().args(["check", "--explain"]));
    assert_eq!(code, 0);
    let codes = dunning::codes::POLICY.iter().chain(dunning::codes::DATA);
    for doc in codes {
        assert!(
            out.lines()
                .any(|l| l.starts_with(doc.code) && l.ends_with(doc.summary)),
            "{} missing",
            doc.code
        );
    }
}

#[test]
fn an_unreadable_file_is_not_counted_as_checked() {
    let (code, out, err) = run(dunning().args(["check", "nope.dunning"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read nope.dunning"), "{err}");
    assert_eq!(
        out,
        "0 errors, 0 warnings in 0 files; 1 file could not be read\n"
    );
}

#[test]
fn quiet_prints_problems_only() {
    let clean = "policies/french_b2b.dunning";
    let (code, out, _) = run(dunning().args(["check", clean]));
    assert_eq!(code, 0);
    assert!(out.contains("0 errors"));
    let (code, out, _) = run(dunning().args(["check", "--quiet", clean]));
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) =
        run(dunning().args(["-q", "check", "tests/fixtures/check/err/shadowed.dunning"]));
    assert_eq!(code, 0);
    assert!(out.contains("dunning::check::shadowed") && out.contains("1 warning"));
    let (code, out, err) = run(dunning().args(["-q", "generate", "--invoices", "5", "--out", "-"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("invoice_id,") && err.is_empty(), "{err}");
}

#[test]
fn color_follows_the_option_then_no_color_and_force_color() {
    let file = "tests/fixtures/check/err/shadowed.dunning";
    let colored = |cmd: &mut Command| run(cmd).1.contains('\u{1b}');
    // Not a terminal: no colour unless asked for.
    assert!(!colored(dunning().args(["check", file])));
    assert!(colored(
        dunning().args(["check", "--color", "always", file])
    ));
    assert!(colored(
        dunning().env("FORCE_COLOR", "1").args(["check", file])
    ));
    assert!(!colored(
        dunning()
            .env("FORCE_COLOR", "1")
            .env("NO_COLOR", "1")
            .args(["check", file])
    ));
    assert!(!colored(
        dunning()
            .env("FORCE_COLOR", "1")
            .args(["check", "--color", "never", file])
    ));
    assert!(colored(dunning().env("NO_COLOR", "1").args([
        "check",
        "--color=always",
        file
    ])));
}

#[test]
fn explain_format_json_is_json_and_json_is_its_alias() {
    let args = [
        "explain",
        "policy.dunning",
        "--invoices",
        "invoices.csv",
        "--date",
        "2025-03-05",
        "--invoice",
        "B1",
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run");
    let (code, json, err) = run(dunning()
        .current_dir(&dir)
        .args(args)
        .args(["--format", "json"]));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<serde_json::Value>(&json).unwrap();
    let (_, alias, _) = run(dunning().current_dir(&dir).args(args).arg("--json"));
    assert_eq!(json, alias);
    let (_, text, _) = run(dunning().current_dir(&dir).args(args));
    assert_ne!(json, text);
}

#[test]
fn command_line_dates_are_read_as_data_files_read_them() {
    for (date, says) in [
        (
            "15/10/2025",
            "expected YYYY-MM-DD); dates are written year-month-day with a dash: 2025-10-15",
        ),
        ("2025-1-1", "2025-01-01"),
        (
            "+2025-01-01",
            "`+2025-01-01` is not a date (expected YYYY-MM-DD)",
        ),
        ("0000-01-01", "there is no year 0"),
        ("2025-02-30", "February 2025 has 28 days"),
    ] {
        let (code, _, err) = run(dunning().args([
            "plan",
            "policies/french_b2b.dunning",
            "--invoices",
            "x.csv",
            "--date",
            date,
        ]));
        assert_eq!(code, 2, "{date}: {err}");
        assert!(err.contains(says), "{date}: {err}");
        assert!(!err.contains("input contains invalid characters"), "{err}");
    }
}

#[test]
fn an_allow_comment_silences_one_warning_and_deny_warnings_stays() {
    let policy = "set cooldown = 7d\nwhen overdue > 1d then email\nwhen overdue > 4d then call{}\nwhen overdue > 30d then letter\n";
    let check = |comment: &str| {
        run(dunning()
            .args(["check", "--deny-warnings", "-"])
            .write_stdin(policy.replace("{}", comment)))
    };
    let (code, out, _) = check("");
    assert_eq!(code, 1);
    assert!(out.contains("dunning::check::within-cooldown"), "{out}");
    let (code, out, _) = check(" # dunning: allow within-cooldown");
    assert_eq!(
        (code, out.as_str()),
        (0, "0 errors, 0 warnings in 1 file\n")
    );
}

#[test]
fn fmt_check_says_when_only_line_ends_differ() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crlf.dunning"),
        "when overdue > 1d then email\r\nwhen overdue > 15d then call\r\n",
    )
    .unwrap();
    let (code, out, _) =
        run(dunning()
            .current_dir(dir.path())
            .args(["fmt", "--check", "crlf.dunning"]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "crlf.dunning: not formatted: only its line ends (CRLF, or a byte-order mark) differ; \
         the canonical layout ends lines with LF\n"
    );
}
