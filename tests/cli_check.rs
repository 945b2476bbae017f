//! `dunning check` and `dunning fmt` end to end, through the binary: exit
//! codes, output formats, several files and folders, `--explain`.

// Test helpers stop the test on a broken setup: that is their job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn dunning() -> Command {
    let mut cmd = Command::cargo_bin("dunning").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `files` into a fresh temporary folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn stdout(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const CLEAN: &str = "when overdue >= 1d then email\nwhen overdue > 15d then call\n";
const WARNS: &str = "when overdue > 30d then letter\nwhen overdue > 10d then email\n";
const BROKEN: &str = "when overdeu > 15d then call\nwhen overdue > 15d => call\n";

// ───────────────────────────── exit codes ─────────────────────────────

#[test]
fn a_clean_policy_exits_0() {
    let (code, out, _) = stdout(
        dunning()
            .arg("check")
            .arg(root().join("policies/french_b2b.dunning")),
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "0 errors, 0 warnings in 1 file\n");
}

#[test]
fn errors_exit_1() {
    let dir = folder(&[("broken.dunning", BROKEN)]);
    let (code, out, _) = stdout(
        dunning()
            .arg("check")
            .arg(dir.path().join("broken.dunning")),
    );
    assert_eq!(code, 1);
    assert!(out.contains("unknown fact `overdeu`"), "{out}");
    assert!(out.contains("found `=>`"), "{out}");
    assert!(out.ends_with("2 errors, 0 warnings in 1 file\n"), "{out}");
}

#[test]
fn warnings_exit_0_unless_denied() {
    let dir = folder(&[("warns.dunning", WARNS)]);
    let path = dir.path().join("warns.dunning");
    let (code, out, _) = stdout(dunning().arg("check").arg(&path));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("dunning::check::shadowed"), "{out}");
    let (code, _, _) = stdout(dunning().args(["check", "--deny-warnings"]).arg(&path));
    assert_eq!(code, 1);
}

#[test]
fn a_missing_file_exits_2_and_still_checks_the_others() {
    let dir = folder(&[("broken.dunning", BROKEN)]);
    let (code, out, err) = stdout(
        dunning()
            .arg("check")
            .arg(dir.path().join("missing.dunning"))
            .arg(dir.path().join("broken.dunning")),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read") && err.contains("missing.dunning"),
        "{err}"
    );
    assert!(out.contains("unknown fact `overdeu`"), "{out}");
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        vec!["check"],
        vec!["check", "--format", "xml", "a.dunning"],
        vec!["check", "--no-such-flag", "a.dunning"],
        vec!["fmt"],
        vec!["no-such-command"],
    ] {
        let (code, _, err) = stdout(dunning().args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.is_empty(), "{args:?}");
    }
}

#[test]
fn a_folder_without_policies_exits_2() {
    let dir = folder(&[("notes.txt", "not a policy")]);
    let (code, _, err) = stdout(dunning().arg("check").arg(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("no .dunning file"), "{err}");
}

// ───────────────────────────── formats ─────────────────────────────

#[test]
fn json_has_exactly_the_documented_shape() {
    let dir = folder(&[("broken.dunning", BROKEN), ("warns.dunning", WARNS)]);
    let (code, out, _) = stdout(dunning().current_dir(dir.path()).args([
        "check",
        "--format",
        "json",
        "broken.dunning",
        "warns.dunning",
    ]));
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&out).unwrap();
    let top: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(top, ["diagnostics"]);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 3);
    for d in diagnostics {
        let mut keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "code",
                "column",
                "end_column",
                "end_line",
                "file",
                "help",
                "line",
                "message",
                "severity"
            ]
        );
        for n in ["line", "column", "end_line", "end_column"] {
            assert!(d[n].as_u64().unwrap() >= 1, "{n} is 1-based: {d}");
        }
    }
    // Syntax errors come first, then the others in file order.
    assert_eq!(diagnostics[0]["code"], "dunning::syntax::unexpected");
    assert_eq!(diagnostics[0]["line"], 2);
    assert_eq!(diagnostics[0]["column"], 20);
    assert_eq!(diagnostics[0]["end_column"], 22);
    // `overdeu` on line 1, columns 6 to 13 (1-based, end exclusive).
    assert_eq!(
        diagnostics[1],
        serde_json::json!({
            "file": "broken.dunning",
            "severity": "error",
            "code": "dunning::check::unknown-fact",
            "message": "unknown fact `overdeu`",
            "line": 1, "column": 6, "end_line": 1, "end_column": 13,
            "help": diagnostics[1]["help"].clone(),
        })
    );
    assert!(diagnostics[1]["help"]
        .as_str()
        .unwrap()
        .starts_with("did you mean `overdue`?"));
    assert_eq!(diagnostics[2]["file"], "warns.dunning");
    assert_eq!(diagnostics[2]["severity"], "warning");
}

#[test]
fn json_of_a_clean_file_is_an_empty_list() {
    let dir = folder(&[("clean.dunning", CLEAN)]);
    let (code, out, _) = stdout(
        dunning()
            .args(["check", "--format", "json"])
            .arg(dir.path().join("clean.dunning")),
    );
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json, serde_json::json!({ "diagnostics": [] }));
}

#[test]
fn json_columns_count_characters_and_skip_the_byte_order_mark() {
    let dir = folder(&[(
        "accents.dunning",
        "\u{feff}# Relance échue\nwhen overdue > 1d then émail\n",
    )]);
    let (_, out, _) = stdout(dunning().current_dir(dir.path()).args([
        "check",
        "--format",
        "json",
        "accents.dunning",
    ]));
    let json: Value = serde_json::from_str(&out).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["line"], 2, "{d}");
    // `émail`: the rule is parsed up to `then`, the action name is not a word.
    assert_eq!(d["column"], 24, "{d}");
}

#[test]
fn github_annotations_one_line_each() {
    let dir = folder(&[("broken.dunning", BROKEN), ("warns.dunning", WARNS)]);
    let (code, out, _) = stdout(dunning().current_dir(dir.path()).args([
        "check",
        "--format",
        "github",
        "broken.dunning",
        "warns.dunning",
    ]));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with("::error file=broken.dunning,line=2,col=20,"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("::error file=broken.dunning,line=1,col=6,"));
    assert!(lines[1].contains("::unknown fact `overdeu`%0Ahelp: did you mean `overdue`?"));
    assert!(lines[2].starts_with("::warning file=warns.dunning,line=1,col=6,"));
    for line in lines {
        let (props, message) = line[2..].split_once("::").unwrap();
        assert!(!message.is_empty());
        assert!(props.contains(",title=dunning%3A%3A"), "{props}");
    }
}

#[test]
fn sarif_is_a_2_1_0_log() {
    let dir = folder(&[("broken.dunning", BROKEN)]);
    let (code, out, _) = stdout(dunning().current_dir(dir.path()).args([
        "check",
        "--format",
        "sarif",
        "broken.dunning",
    ]));
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "dunning");
    // No `informationUri` (optional): dunning has no web page to name.
    assert!(run["tool"]["driver"].get("informationUri").is_none());
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "dunning::check::unknown-fact",
            "dunning::syntax::unexpected"
        ]
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let first = &results[1];
    assert_eq!(first["ruleId"], "dunning::check::unknown-fact");
    assert_eq!(first["level"], "error");
    assert!(first["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("unknown fact"));
    let location = &first["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "broken.dunning");
    assert_eq!(location["region"]["startLine"], 1);
    assert_eq!(location["region"]["startColumn"], 6);
    assert_eq!(location["region"]["endColumn"], 13);
}

#[test]
fn human_output_has_no_colour_when_not_a_terminal() {
    let dir = folder(&[("broken.dunning", BROKEN)]);
    let (_, out, _) = stdout(
        dunning()
            .arg("check")
            .arg(dir.path().join("broken.dunning")),
    );
    assert!(!out.contains('\u{1b}'), "escape codes in {out:?}");
}

// ───────────────────────────── several files ─────────────────────────────

#[test]
fn several_files_and_a_folder_in_one_run() {
    let dir = folder(&[
        ("a.dunning", BROKEN),
        ("b.dunning", WARNS),
        ("c.dunning", CLEAN),
    ]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/d.dunning"), BROKEN).unwrap();
    let (code, out, _) = stdout(dunning().arg("check").arg(dir.path()));
    assert_eq!(code, 1);
    assert!(out.ends_with("4 errors, 1 warning in 4 files\n"), "{out}");
    // Files in sorted order, nested folders included.
    let a = out.find("a.dunning").unwrap();
    let b = out.find("b.dunning").unwrap();
    let d = out.find("d.dunning").unwrap();
    assert!(a < b && b < d, "{out}");
}

#[test]
fn the_policies_folder_is_clean_with_deny_warnings() {
    let (code, out, _) = stdout(
        dunning()
            .args(["check", "--deny-warnings"])
            .arg(root().join("policies")),
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("0 errors, 0 warnings in 3 files\n"), "{out}");
}

// ───────────────────────────── --explain ─────────────────────────────

#[test]
fn explain_a_known_code() {
    for code in ["dunning::check::shadowed", "check::shadowed", "shadowed"] {
        let (exit, out, _) = stdout(dunning().args(["check", "--explain", code]));
        assert_eq!(exit, 0, "{code}");
        assert!(out.starts_with("dunning::check::shadowed: "), "{out}");
        assert!(out.contains("Example of the mistake:\n\n    when overdue > 30d then letter"));
        assert!(out.contains("Fixed:\n\n"));
    }
}

#[test]
fn explain_an_unknown_code_exits_2() {
    let (code, out, err) = stdout(dunning().args(["check", "--explain", "dunning::check::nope"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no diagnostic code `dunning::check::nope`"),
        "{err}"
    );
}

#[test]
fn explain_and_files_do_not_mix() {
    let (code, _, _) = stdout(dunning().args(["check", "--explain", "shadowed", "a.dunning"]));
    assert_eq!(code, 2);
}

// ───────────────────────────── fmt ─────────────────────────────

const MESSY: &str = "# The ladder\nwhen overdue>=1d then email   # first\n\n\nwhen overdue > 15d then call \"appel\"\n";
const TIDY: &str = "# The ladder\nwhen overdue >= 1d then email  # first\n\nwhen overdue > 15d then call template \"appel\"\n";

#[test]
fn fmt_check_exits_1_on_differences_and_writes_nothing() {
    let dir = folder(&[("messy.dunning", MESSY), ("tidy.dunning", TIDY)]);
    let (code, out, _) = stdout(dunning().args(["fmt", "--check"]).arg(dir.path()));
    assert_eq!(code, 1);
    assert!(out.contains("messy.dunning: not formatted"), "{out}");
    assert!(
        out.contains("+when overdue >= 1d then email  # first"),
        "{out}"
    );
    assert!(!out.contains("tidy.dunning"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("messy.dunning")).unwrap(),
        MESSY
    );
}

#[test]
fn fmt_check_exits_0_when_formatted() {
    let dir = folder(&[("tidy.dunning", TIDY)]);
    let (code, out, _) = stdout(dunning().args(["fmt", "--check"]).arg(dir.path()));
    assert_eq!(code, 0, "{out}");
    let (code, _, _) = stdout(
        dunning()
            .args(["fmt", "--check"])
            .arg(root().join("policies")),
    );
    assert_eq!(code, 0);
}

#[test]
fn fmt_writes_the_canonical_layout_keeping_comments() {
    let dir = folder(&[("messy.dunning", MESSY)]);
    let path = dir.path().join("messy.dunning");
    let (code, out, _) = stdout(dunning().arg("fmt").arg(&path));
    assert_eq!(code, 0);
    assert!(out.contains("messy.dunning: formatted"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TIDY);
    assert!(!dir.path().join("messy.dunning.tmp").exists());
    // A second run has nothing to do.
    let (code, out, _) = stdout(dunning().arg("fmt").arg(&path));
    assert_eq!(code, 0);
    assert!(out.is_empty(), "{out}");
}

#[test]
fn fmt_refuses_a_file_with_syntax_errors() {
    let dir = folder(&[("broken.dunning", BROKEN)]);
    let path = dir.path().join("broken.dunning");
    let (code, out, _) = stdout(dunning().arg("fmt").arg(&path));
    assert_eq!(code, 1);
    assert!(out.contains("found `=>`"), "{out}");
    assert!(out.contains("not formatted, it has syntax errors"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BROKEN);
}

#[test]
fn fmt_of_a_missing_file_exits_2() {
    let (code, _, err) = stdout(dunning().arg("fmt").arg("/no/such/file.dunning"));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}

#[cfg(unix)]
#[test]
fn fmt_keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder(&[("messy.dunning", MESSY)]);
    let path: &Path = &dir.path().join("messy.dunning");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, _, _) = stdout(dunning().arg("fmt").arg(path));
    assert_eq!(code, 0);
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn check_holds_a_fixed_rate_to_the_legal_rate_file_given() {
    // 16% is above three times every legal rate of the built-in table
    // (5.07% at most); a newer file's half-year at 6% puts the floor at 18%.
    let policy = "set interest_rate = 16%\nrule first: when overdue >= 1d then email\n";
    let mut newer =
        std::fs::read_to_string(root().join("data/rates/taux-interet-legal.csv")).unwrap();
    newer.push_str("2026-07-01,8.00,6.00\n");
    let dir = folder(&[("p.dunning", policy), ("legal.csv", &newer)]);
    let (code, out, err) =
        stdout(
            dunning()
                .current_dir(dir.path())
                .args(["check", "--deny-warnings", "p.dunning"]),
        );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = stdout(dunning().current_dir(dir.path()).args([
        "check",
        "--deny-warnings",
        "--format",
        "json",
        "--legal-rates",
        "legal.csv",
        "p.dunning",
    ]));
    assert_eq!(code, 1, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "dunning::check::rate-below-floor");
    assert!(d["message"].as_str().unwrap().contains("2026"), "{d}");
    // A rate file that cannot be read is a usage error.
    let (code, _, err) = stdout(dunning().current_dir(dir.path()).args([
        "check",
        "--legal-rates",
        "missing.csv",
        "p.dunning",
    ]));
    assert_eq!(code, 2, "{err}");
}
