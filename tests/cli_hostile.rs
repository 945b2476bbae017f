//! The command line against a hostile environment: stdout closed or full,
//! outputs that are inputs. Each command must end with a clear message and
//! exit code 2, never a panic (exit code 101).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn dunning() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("dunning"));
    cmd.current_dir(root().join("tests/fixtures/run"));
    cmd.env("NO_COLOR", "1");
    cmd
}

const DATA: [&str; 4] = ["--invoices", "invoices.csv", "--payments", "payments.csv"];

/// Every command, with arguments that make it write to stdout.
fn commands() -> Vec<Vec<String>> {
    let fixtures = root().join("tests/fixtures");
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let with_data = |head: &[&str], tail: &[&str]| {
        let mut v = own(head);
        v.extend(own(&DATA));
        v.extend(own(tail));
        v
    };
    vec![
        own(&["check", "policy.dunning"]),
        own(&[
            "check",
            fixtures
                .join("check/err/shadowed.dunning")
                .to_str()
                .unwrap(),
        ]),
        own(&["check", "--explain", "dunning::check::shadowed"]),
        own(&[
            "fmt",
            "--check",
            fixtures.join("fmt/messy-layout.dunning").to_str().unwrap(),
        ]),
        with_data(&["plan", "policy.dunning"], &["--date", "2025-03-05"]),
        with_data(
            &["explain", "policy.dunning"],
            &["--date", "2025-03-05", "--invoice", "B1"],
        ),
        with_data(
            &["simulate", "policy.dunning"],
            &["--from", "2025-01-01", "--to", "2025-03-31"],
        ),
        with_data(
            &["diff", "policy.dunning", "policy_earlier_letter.dunning"],
            &["--from", "2025-01-01", "--to", "2025-03-31"],
        ),
        own(&["test", fixtures.join("testing/pass").to_str().unwrap()]),
        own(&["generate", "--invoices", "50", "--out", "-"]),
    ]
}

#[test]
fn every_command_exits_2_when_stdout_is_full() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        eprintln!("skipped: /dev/full does not exist on this system");
        return;
    }
    for args in commands() {
        let out = dunning()
            .args(&args)
            .stdout(std::fs::File::create(full).unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains("cannot write"), "{args:?}: {err}");
    }
}

#[test]
fn every_command_exits_2_when_stdout_is_closed() {
    for args in commands() {
        // A pipe whose reader has exited before the command starts: the
        // reader is `true`, which never reads its standard input.
        let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
        let pipe = reader.stdin.take().unwrap();
        reader.wait().unwrap();
        let out = dunning()
            .args(&args)
            .stdout(Stdio::from(pipe))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    }
}

/// A copy of `tests/fixtures/run` to write in.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["policy.dunning", "invoices.csv", "payments.csv"] {
        std::fs::copy(
            root().join("tests/fixtures/run").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    dir
}

fn simulate_to(dir: &Path, actions_out: &str) -> std::process::Output {
    dunning()
        .current_dir(dir)
        .args(["simulate", "policy.dunning"])
        .args(DATA)
        .args(["--from", "2025-01-01", "--to", "2025-03-31"])
        .args(["--actions-out", actions_out])
        .output()
        .unwrap()
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let dir = scratch();
    let before = std::fs::read(dir.path().join("invoices.csv")).unwrap();
    std::os::unix::fs::symlink("invoices.csv", dir.path().join("link.csv")).unwrap();
    std::fs::hard_link(dir.path().join("payments.csv"), dir.path().join("hard.csv")).unwrap();
    for (target, names) in [
        ("invoices.csv", "--invoices invoices.csv"),
        ("./invoices.csv", "--invoices invoices.csv"),
        ("link.csv", "--invoices invoices.csv"),
        ("hard.csv", "--payments payments.csv"),
        ("policy.dunning", "the policy policy.dunning"),
    ] {
        let out = simulate_to(dir.path(), target);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {err}");
        assert!(
            err.contains(&format!(
                "--actions-out {target} is the same file as {names}"
            )),
            "{target}: {err}"
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("invoices.csv")).unwrap(),
        before
    );
    assert!(std::fs::symlink_metadata(dir.path().join("link.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn generate_refuses_one_file_for_two_outputs() {
    let dir = tempfile::tempdir().unwrap();
    for (out, payments) in [("x.csv", "x.csv"), ("x.csv", "./x.csv"), ("-", "-")] {
        let res = dunning()
            .current_dir(dir.path())
            .args(["generate", "--invoices", "20", "--out", out])
            .args(["--payments-out", payments])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(2), "{err}");
        assert!(
            err.contains("--out") && err.contains("--payments-out"),
            "{err}"
        );
        assert!(!dir.path().join("x.csv").exists());
    }
}

#[test]
fn actions_written_through_a_temporary_file_leave_nothing_else() {
    let dir = scratch();
    let out = simulate_to(dir.path(), "actions.csv");
    assert_eq!(out.status.code(), Some(0));
    let csv = std::fs::read_to_string(dir.path().join("actions.csv")).unwrap();
    assert!(csv.starts_with("date,customer_id,invoice_id,rule,action"));
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "actions.csv",
            "invoices.csv",
            "payments.csv",
            "policy.dunning"
        ]
    );
}

#[test]
fn actions_out_dash_writes_the_csv_to_stdout_and_the_summary_to_stderr() {
    let dir = scratch();
    let out = simulate_to(dir.path(), "-");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let to_file = simulate_to(dir.path(), "actions.csv");
    assert_eq!(
        stdout,
        std::fs::read_to_string(dir.path().join("actions.csv")).unwrap()
    );
    assert_eq!(out.stderr, to_file.stdout);
}

#[test]
fn fmt_rewrites_a_linked_policy_through_its_link_and_leaves_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let messy = std::fs::read(root().join("tests/fixtures/fmt/messy-layout.dunning")).unwrap();
    std::fs::write(dir.path().join("real.dunning"), &messy).unwrap();
    std::os::unix::fs::symlink("real.dunning", dir.path().join("X.dunning")).unwrap();
    std::fs::write(dir.path().join("X.dunning.tmp"), "mine").unwrap();
    let out = dunning()
        .current_dir(dir.path())
        .args(["fmt", "X.dunning"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = dir.path().join("X.dunning");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_ne!(
        std::fs::read(dir.path().join("real.dunning")).unwrap(),
        messy
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("X.dunning.tmp")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("dunning").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1").args(args);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes.to_vec());
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_dash_reads_the_policy_or_the_invoices_from_stdin() {
    let dir = root().join("tests/fixtures/run");
    let policy = std::fs::read(dir.join("policy.dunning")).unwrap();
    let invoices = std::fs::read(dir.join("invoices.csv")).unwrap();
    let plan = |policy: &str, invoices: &str, stdin: Option<&[u8]>| {
        run_in(
            &dir,
            &[
                "plan",
                policy,
                "--invoices",
                invoices,
                "--date",
                "2025-03-05",
                "--format",
                "csv",
            ],
            stdin,
        )
    };
    let (code, from_files, _) = plan("policy.dunning", "invoices.csv", None);
    assert_eq!(code, 0);
    assert_eq!(plan("-", "invoices.csv", Some(&policy)).1, from_files);
    assert_eq!(plan("policy.dunning", "-", Some(&invoices)).1, from_files);
    let (code, _, err) = plan("-", "-", Some(&policy));
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot both be read from standard input"),
        "{err}"
    );
    // JSON on standard input is told from its first character.
    let json = br#"[{"invoice_id": "I1", "customer_id": "C1", "issue_date": "2025-01-01",
        "due_date": "2025-01-31", "amount": "10.00", "currency": "EUR", "segment": "standard"}]"#;
    let (code, out, err) = plan("policy.dunning", "-", Some(json));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("I1"), "{out}");
    // A policy from standard input is called <stdin> in messages.
    let (code, out, _) = run_in(
        &dir,
        &["check", "-"],
        Some(b"when overdue > 1d then emial\n"),
    );
    assert_eq!(code, 1);
    assert!(out.contains("<stdin>:1:"), "{out}");
    let (code, out, _) = run_in(&dir, &["fmt", "-"], Some(b"when  overdue>1d then email\n"));
    assert_eq!((code, out.as_str()), (0, "when overdue > 1d then email\n"));
}

#[test]
fn only_regular_files_are_read_and_no_larger_than_the_limit() {
    let dir = scratch();
    let d = dir.path();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.dunning")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.csv")).unwrap();
    std::os::unix::fs::symlink("self.dunning", d.join("self.dunning")).unwrap();
    let fifo = d.join("fifo.dunning");
    let made = Command::new("mkfifo").arg(&fifo).status();
    for (args, says) in [
        (
            vec!["check", "zero.dunning"],
            "zero.dunning: not a regular file",
        ),
        (vec!["check", "self.dunning"], "cannot read self.dunning"),
        (
            vec![
                "plan",
                "policy.dunning",
                "--invoices",
                "zero.csv",
                "--date",
                "2025-03-05",
            ],
            "zero.csv",
        ),
        (
            vec!["--max-file-size", "0", "check", "policy.dunning"],
            "larger than the limit of 0 bytes",
        ),
    ] {
        let (code, _, err) = run_in(d, &args, None);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    if made.is_ok_and(|s| s.success()) {
        let (code, _, err) = run_in(d, &["check", "fifo.dunning"], None);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("not a regular file"), "{err}");
    } else {
        eprintln!("skipped the FIFO case: mkfifo is not available");
    }
    // A folder with them: each reported once, the walk ends.
    let (code, _, err) = run_in(d, &["check", "."], None);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.matches("zero.dunning").count(), 1, "{err}");
}

#[test]
fn test_files_name_relative_policies_and_data_files_only() {
    let dir = scratch();
    let d = dir.path();
    std::fs::create_dir(d.join("tests")).unwrap();
    std::fs::write(d.join("secret.txt"), "TOP-SECRET-VALUE\n").unwrap();
    let case =
        "cases:\n  - name: c\n    invoices_file: {data}\n    date: 2025-03-05\n    expect: []\n";
    for (policy, data, says) in [
        (
            "/proc/self/environ",
            "../invoices.csv",
            "does not end with .dunning",
        ),
        (
            "../secret.txt",
            "../invoices.csv",
            "does not end with .dunning",
        ),
        (
            "../../../../etc/passwd",
            "../invoices.csv",
            "does not end with .dunning",
        ),
        ("../policy.dunning", "/etc/passwd", "does not end with .csv"),
        ("../policy.dunning", "/dev/zero.csv", "cannot read"),
        (
            "../policy.dunning",
            "../secret.txt",
            "does not end with .csv",
        ),
    ] {
        let text = format!("policy: {policy}\n{}", case.replace("{data}", data));
        std::fs::write(d.join("tests/t.yaml"), text).unwrap();
        for format in ["human", "junit"] {
            let (code, out, err) = run_in(d, &["test", "--format", format, "tests"], None);
            assert_eq!(code, 1, "{policy} {data}: {out}{err}");
            let all = format!("{out}{err}");
            assert!(all.contains(says), "{policy} {data}: {all}");
            assert!(
                !all.contains("TOP-SECRET") && !all.contains("root:"),
                "{all}"
            );
        }
    }
}

#[test]
fn diff_markdown_escapes_ids_that_would_ping_load_or_hide() {
    let dir = scratch();
    let d = dir.path();
    std::fs::copy(
        root().join("tests/fixtures/run/policy_earlier_letter.dunning"),
        d.join("new.dunning"),
    )
    .unwrap();
    let invoices = std::fs::read_to_string(d.join("invoices.csv"))
        .unwrap()
        .replace("CLIENT-B", "@someone ![](http://evil/p.png) x<!--");
    std::fs::write(d.join("invoices.csv"), invoices).unwrap();
    let (code, out, err) = run_in(
        d,
        &[
            "diff",
            "policy.dunning",
            "new.dunning",
            "--invoices",
            "invoices.csv",
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
            "--format",
            "markdown",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("&#64;someone \\!\\[\\](http://evil/p.png) x&lt;\\!--"),
        "{out}"
    );
    assert!(!out.contains("@someone") && !out.contains("<!--") && !out.contains("![]"));
}

#[test]
fn sarif_uris_are_encoded_and_columns_are_code_points() {
    let dir = tempfile::tempdir().unwrap();
    let name = "my policy #1.dunning";
    std::fs::write(
        dir.path().join(name),
        "rule \"é\": when overdue > 1d then emial\n",
    )
    .unwrap();
    let absolute = dir.path().join(name);
    for (arg, expected) in [
        (name.to_string(), "my%20policy%20%231.dunning".to_string()),
        (
            absolute.display().to_string(),
            format!("file://{}/my%20policy%20%231.dunning", dir.path().display()),
        ),
    ] {
        let (code, out, err) = run_in(dir.path(), &["check", "--format", "sarif", &arg], None);
        assert_eq!(code, 1, "{err}");
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let location = &run["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], expected.as_str());
        // `emial` starts at the 34th character (the 35th byte).
        assert_eq!(location["region"]["startColumn"], 34);
    }
}

#[test]
fn test_case_names_reach_the_terminal_escaped() {
    let dir = scratch();
    let d = dir.path();
    let yaml = "policy: policy.dunning\ncases:\n  - name: \"evil\\e]0;pwned\\a \\u202Edesrever\"\n    invoices_file: invoices.csv\n    date: 2025-03-05\n    expect: []\n";
    std::fs::write(d.join("t.yaml"), yaml).unwrap();
    let (code, out, err) = run_in(d, &["test", "t.yaml"], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("evil\\u{1b}]0;pwned\\u{7} \\u{202e}desrever"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'));
    // JUnit: XML 1.0 cannot carry ESC or BEL at all.
    let (_, xml, _) = run_in(d, &["test", "--format", "junit", "t.yaml"], None);
    assert!(xml.contains("name=\"evil]0;pwned"), "{xml}");
    assert!(!xml.contains('\u{1b}') && !xml.contains('\u{7}'), "{xml}");
}

/// A test file with a good case, a case with a misspelt key, and a failing
/// case, in a scratch copy of `tests/fixtures/run`.
fn three_cases() -> tempfile::TempDir {
    let dir = scratch();
    let yaml = "\
policy: policy.dunning
invoices_file: invoices.csv
cases:
  - name: nothing on new year's day
    date: 2025-01-01
    expect: []
  - name: a misspelt key
    date: 2025-01-01
    expekt: []
  - name: something on new year's day
    date: 2025-01-01
    expect:
      - {customer_id: X, action: call, rule: letter, invoices: [A1]}
";
    std::fs::write(dir.path().join("t.yaml"), yaml).unwrap();
    dir
}

#[test]
fn one_bad_key_fails_its_case_only() {
    let dir = three_cases();
    let (code, out, _) = run_in(dir.path(), &["test", "t.yaml"], None);
    assert_eq!(code, 1);
    assert!(
        out.contains("ok    t.yaml: nothing on new year's day"),
        "{out}"
    );
    assert!(out.contains("ERROR t.yaml: a misspelt key"), "{out}");
    assert!(out.contains("unknown field `expekt`"), "{out}");
    assert!(
        out.contains("FAIL  t.yaml: something on new year's day"),
        "{out}"
    );
    assert!(out.ends_with("1 passed, 2 failed\n"), "{out}");
}

#[test]
fn test_filter_json_and_sarif_lines() {
    let dir = three_cases();
    let (code, out, _) = run_in(dir.path(), &["test", "--filter", "nothing", "t.yaml"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
    let (code, out, err) = run_in(dir.path(), &["test", "--format", "json", "t.yaml"], None);
    assert_eq!(code, 1);
    assert!(err.ends_with("1 passed, 2 failed\n"), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cases = doc["files"][0]["cases"].as_array().unwrap();
    let summary: Vec<(&str, u64, &str)> = cases
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["line"].as_u64().unwrap(),
                c["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("nothing on new year's day", 4, "passed"),
            ("a misspelt key", 7, "error"),
            ("something on new year's day", 10, "failed"),
        ]
    );
    assert_eq!(
        (doc["passed"].as_u64(), doc["failed"].as_u64()),
        (Some(1), Some(2))
    );
    let (_, out, _) = run_in(dir.path(), &["test", "--format", "sarif", "t.yaml"], None);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lines: Vec<u64> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, [7, 10]);
}

#[test]
fn deeply_nested_yaml_is_refused_before_parsing() {
    let dir = scratch();
    let d = dir.path();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(d.join("deep.yaml"), &deep).unwrap();
    std::fs::write(
        d.join("t.yaml"),
        format!("policy: policy.dunning\ncases:\n  - name: a\n    invoices: {deep}\n"),
    )
    .unwrap();
    let (code, _, err) = run_in(
        d,
        &[
            "plan",
            "policy.dunning",
            "--invoices",
            "deep.yaml",
            "--date",
            "2025-03-05",
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("deep.yaml:1: not valid YAML: nested more than 64 levels deep (column 65)"),
        "{err}"
    );
    let (code, _, err) = run_in(d, &["test", "t.yaml"], None);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("t.yaml:4:79: nested more than 64 levels deep"),
        "{err}"
    );
    // Lists of items on one line count as well.
    std::fs::write(d.join("items.yaml"), format!("{}x\n", "- ".repeat(5_000))).unwrap();
    let (code, _, err) = run_in(
        d,
        &[
            "plan",
            "policy.dunning",
            "--invoices",
            "items.yaml",
            "--date",
            "2025-03-05",
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nested more than 64 levels deep"), "{err}");
}

/// `simulate --format json` streams its actions through a file: the output
/// must be what the library's `json::simulation` gives, byte for byte.
#[test]
fn simulate_json_streamed_is_the_librarys_json() {
    let dir = root().join("tests/fixtures/run");
    let text = std::fs::read_to_string(dir.join("policy.dunning")).unwrap();
    let policy = dunning::check(&dunning::parse(&text)).policy.unwrap();
    let invoices = dunning::data::load_invoices(&dir.join("invoices.csv"), &policy).unwrap();
    let payments = dunning::data::load_payments(&dir.join("payments.csv"), &invoices).unwrap();
    for (from, to) in [("2025-01-01", "2025-03-31"), ("2024-01-01", "2024-01-02")] {
        let range = dunning::DateRange::new(
            dunning::data::parse_date(from).unwrap(),
            dunning::data::parse_date(to).unwrap(),
        )
        .unwrap();
        let data = dunning::RunData::new(&invoices).with_payments(&payments);
        let expected = dunning::output::json::simulation(&dunning::simulate(&policy, data, range));
        let out = dunning()
            .args(["simulate", "policy.dunning"])
            .args(DATA)
            .args(["--from", from, "--to", to, "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            expected,
            "{from} to {to}"
        );
    }
}

#[test]
fn the_events_profile_and_rate_files_are_inputs_too() {
    let dir = scratch();
    let files = [
        (
            "events.csv",
            "date,invoice_id,customer_id,event,until,note\n".to_string(),
        ),
        ("profile.yaml", "delimiter: \",\"\n".to_string()),
        (
            "ecb.csv",
            std::fs::read_to_string(root().join("data/rates/ecb-main-refinancing.csv")).unwrap(),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    for (target, option) in [
        ("events.csv", "--events"),
        ("profile.yaml", "--profile"),
        ("ecb.csv", "--ecb-rates"),
    ] {
        let out = dunning()
            .current_dir(dir.path())
            .args(["simulate", "policy.dunning"])
            .args(DATA)
            .args(["--events", "events.csv", "--profile", "profile.yaml"])
            .args(["--ecb-rates", "ecb.csv"])
            .args(["--from", "2025-01-01", "--to", "2025-01-31"])
            .args(["--actions-out", target])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {err}");
        assert!(
            err.contains(&format!(
                "--actions-out {target} is the same file as {option} {target}"
            )),
            "{target}: {err}"
        );
    }
    for (name, text) in &files {
        assert_eq!(
            &std::fs::read_to_string(dir.path().join(name)).unwrap(),
            text
        );
    }
}

/// Issue 11, item 4: 20,000 invoices of 10^18 EUR at 100% interest, paid
/// after 3,622 late days, give the exact total (each invoice's interest
/// rounded to the cent, summed); an amount whose interest has more digits
/// than an exact decimal holds is counted apart, never rounded or zero.
#[test]
fn the_largest_amounts_give_exact_penalties_or_say_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "set interest_rate = 100%\nrule r: when overdue >= 1d then email template \"x\"\n";
    std::fs::write(dir.path().join("p.dunning"), policy).unwrap();
    let mut csv =
        String::from("invoice_id,customer_id,issue_date,due_date,amount,currency,paid_date\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "I{i},C{},2015-01-01,2015-01-31,1000000000000000000,EUR,2024-12-31\n",
            i % 100
        ));
    }
    csv.push_str("J,C,2015-01-01,2015-01-31,999999999999999999.999999999,EUR,2024-12-31\n");
    std::fs::write(dir.path().join("i.csv"), csv).unwrap();
    let args = [
        "simulate",
        "p.dunning",
        "--invoices",
        "i.csv",
        "--from",
        "2015-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "json",
    ];
    let (code, out, err) = run_in(dir.path(), &args, None);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let eur = &json["summary"]["paid_late"]["EUR"];
    // 10^18 × 100% × 3622 / 365 = 9923287671232876712.33 (to the cent), × 20,000.
    assert_eq!(eur["interest"], "198465753424657534246600.00");
    assert_eq!(eur["invoices"], 20_001);
    assert_eq!(eur["interest_too_large"], 1);
    assert_eq!(eur["interest_unknown"], 0);

    let text = [
        "simulate",
        "p.dunning",
        "--invoices",
        "i.csv",
        "--from",
        "2015-01-01",
        "--to",
        "2024-12-31",
    ];
    let (code, out, err) = run_in(dir.path(), &text, None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(1 too large to compute exactly)"), "{out}");
}

/// Issue 11, item 17: a file that cannot be written in full (the disk is
/// full, or the file size limit is reached) is not left behind, nor is its
/// temporary file, and the command exits 2 saying so. The limit is set by
/// the shell (`ulimit -f`, with SIGXFSZ ignored so that the write fails
/// with EFBIG rather than killing the process): no privilege needed.
#[test]
fn a_file_that_cannot_be_written_in_full_leaves_nothing_behind() {
    let Ok(sh) = which_sh() else {
        println!("skipped: no /bin/sh to set a file size limit");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("dunning");
    let script = format!(
        "ulimit -f 8 && trap '' XFSZ && exec '{}' generate --invoices 2000 --out big.csv",
        bin.display()
    );
    let out = Command::new(sh)
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("big.csv"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

fn which_sh() -> Result<&'static str, ()> {
    if Path::new("/bin/sh").exists() {
        Ok("/bin/sh")
    } else {
        Err(())
    }
}

/// Runs the binary with `args` in `dir`, stdout to `out`; its exit code
/// and its peak resident memory in kilobytes (`getrusage` of the child).
// `wait4` reaps the child (and gives its own peak memory, where
// `RUSAGE_CHILDREN` would give the largest of every test's children).
#[allow(clippy::zombie_processes)]
fn peak_kb(dir: &Path, args: &[&str], out: &Path) -> (i32, i64) {
    let child = Command::new(assert_cmd::cargo::cargo_bin("dunning"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(std::fs::File::create(out).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: `rusage` is plain data, zeroed then filled by `wait4`, which
    // reaps our own child (the `Child` is not waited on after this).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss)
}

/// Issue 11, item 6: one rule repeating every day on unpaid invoices over
/// ten years. `diff` compares both replays day by day: its memory does not
/// grow with the days (it kept every action of both, 16 GB for 10,000
/// invoices), and its answer is the library's.
#[test]
fn diff_of_ten_years_of_daily_reminders_stays_in_memory_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("old.dunning"),
        "rule daily: when overdue >= 1d then email template \"daily\" repeat every 1d\n",
    )
    .unwrap();
    std::fs::write(
        d.join("new.dunning"),
        "rule daily: when overdue >= 1d then email template \"daily\" repeat every 2d\n",
    )
    .unwrap();
    let mut csv = String::from("invoice_id,customer_id,issue_date,due_date,amount,currency\n");
    for i in 0..200 {
        csv += &format!("I{i:04},C{:04},2024-11-01,2024-12-01,100.00,EUR\n", i / 2);
    }
    std::fs::write(d.join("invoices.csv"), &csv).unwrap();
    let diff = |to: &str, out: &str| {
        peak_kb(
            d,
            &[
                "diff",
                "old.dunning",
                "new.dunning",
                "--invoices",
                "invoices.csv",
                "--from",
                "2025-01-01",
                "--to",
                to,
                "--format",
                "json",
            ],
            &d.join(out),
        )
    };
    let (code, year) = diff("2025-12-31", "year.json");
    assert_eq!(code, 0);
    let (code, ten_years) = diff("2034-12-31", "ten.json");
    assert_eq!(code, 0);
    eprintln!("diff peak resident memory: {year} kB (one year), {ten_years} kB (ten years)");
    // Resident memory counts the binary and the pages the allocator keeps:
    // about 37 MB over one year, 57 MB over ten here (the live heap grows by
    // the per-day counts only, `tests/diff_streaming.rs`). Kept actions took
    // 103 MB over one year and 162 MB over two.
    assert!(
        ten_years <= 2 * year,
        "peak resident memory: {ten_years} kB over ten years, {year} kB over one"
    );
    // The answers are the library's: over a year, that of the kept actions
    // compared; over ten, that of the diff day by day.
    let policy = |f: &str| {
        let text = std::fs::read_to_string(d.join(f)).unwrap();
        dunning::check(&dunning::parse(&text)).policy.unwrap()
    };
    let (old, new) = (policy("old.dunning"), policy("new.dunning"));
    let invoices = dunning::data::load_invoices(&d.join("invoices.csv"), &old).unwrap();
    let data = dunning::RunData::new(&invoices);
    let range = |to: &str| {
        dunning::DateRange::new(
            dunning::data::parse_date("2025-01-01").unwrap(),
            dunning::data::parse_date(to).unwrap(),
        )
        .unwrap()
    };
    let kept = dunning::diff(
        &dunning::simulate(&old, data, range("2025-12-31")),
        &dunning::simulate(&new, data, range("2025-12-31")),
    );
    assert_eq!(kept.invoices_changed, 200);
    let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    assert_eq!(read("year.json"), dunning::output::json::diff(&kept));
    let (streamed, _) = dunning::diff_replays(
        (&old, data),
        (&new, data),
        range("2034-12-31"),
        dunning::ReplayOptions::default(),
        &mut |_| (),
    );
    // One e-mail a day to each customer (two invoices each).
    assert_eq!(streamed.actions_old, 100 * 3652);
    assert_eq!(read("ten.json"), dunning::output::json::diff(&streamed));
}
