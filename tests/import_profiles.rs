//! Exports as finance teams have them (SPEC 6.1), read through import
//! profiles with no conversion: a US export, a French Excel CSV export in
//! Windows-1252, UTF-16, and `.xlsx` / `.ods` workbooks. Each must give
//! exactly the invoices, and the `simulate` output, of the same data in the
//! product's own CSV (`tests/fixtures/import/reference.csv`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dunning::data::{self, Import, Invoice, Profile};
use dunning::Policy;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn policy() -> Policy {
    let text = std::fs::read_to_string(dir().join("policy.dunning")).unwrap();
    dunning::check(&dunning::parse(&text)).policy.unwrap()
}

fn import(profile: Option<&str>) -> Import {
    Import {
        profile: profile.map_or_else(Profile::default, |p| Profile::load(&dir().join(p)).unwrap()),
        strict: false,
    }
}

/// The exports of the reference data, with their profiles.
const EXPORTS: [(&str, Option<&str>); 6] = [
    ("reference.csv", None),
    ("us_export.csv", Some("us_profile.yaml")),
    ("fr_export.csv", Some("fr_profile.yaml")),
    ("reference_utf16.csv", Some("utf16_profile.yaml")),
    ("invoices.xlsx", Some("workbook_profile.yaml")),
    ("invoices.ods", Some("workbook_profile.yaml")),
];

/// The invoices without their line numbers (title rows move them).
fn invoices(file: &str, profile: Option<&str>) -> Vec<Invoice> {
    let loaded = data::load_invoices_with(&dir().join(file), &policy(), &import(profile))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(loaded.warnings.is_empty(), "{file}: {:?}", loaded.warnings);
    loaded
        .value
        .invoices
        .into_iter()
        .map(|i| Invoice { line: 0, ..i })
        .collect()
}

#[test]
fn every_export_reads_as_the_reference() {
    let reference = invoices("reference.csv", None);
    assert_eq!(reference.len(), 5);
    assert_eq!(reference[0].customer_id, "Société Générale");
    assert_eq!(reference[0].amount.to_string(), "1234.56");
    for (file, profile) in EXPORTS {
        assert_eq!(invoices(file, profile), reference, "{file}");
    }
}

fn simulate(file: &str, profile: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("dunning").unwrap();
    cmd.current_dir(dir()).env("NO_COLOR", "1");
    cmd.args(["simulate", "policy.dunning", "--invoices", file]);
    cmd.args([
        "--from",
        "2025-01-01",
        "--to",
        "2025-04-30",
        "--format",
        "json",
    ]);
    if let Some(p) = profile {
        cmd.args(["--profile", p]);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_export_simulates_as_the_reference() {
    let (code, reference, stderr) = simulate("reference.csv", None);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(reference.contains("\"action\": \"call\""), "{reference}");
    for (file, profile) in EXPORTS {
        let (code, out, stderr) = simulate(file, profile);
        assert_eq!((code, stderr.as_str()), (0, ""), "{file}");
        assert_eq!(out, reference, "{file}");
    }
}

#[test]
fn payments_are_read_through_the_same_profile() {
    let policy = policy();
    let import = import(Some("fr_profile.yaml"));
    let invoices = data::load_invoices_with(&dir().join("fr_export.csv"), &policy, &import)
        .unwrap()
        .value
        .invoices;
    let payments = data::load_payments_with(&dir().join("fr_payments.csv"), &invoices, &import)
        .unwrap()
        .value;
    let read: Vec<(String, String, String, usize)> = payments
        .iter()
        .map(|p| {
            (
                p.invoice_id.clone(),
                p.date.to_string(),
                p.amount.to_string(),
                p.line,
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            ("F-1002".into(), "2025-03-20".into(), "25000.00".into(), 4),
            ("F-1001".into(), "2025-03-15".into(), "234.56".into(), 5),
        ]
    );
}

/// The rendered errors of reading `file` through `profile`.
fn errors(file: &str, profile: &str) -> String {
    let e =
        data::load_invoices_with(&dir().join(file), &policy(), &import(Some(profile))).unwrap_err();
    e.render(50).replace(&dir().display().to_string(), "…")
}

#[test]
fn conversion_errors_name_the_row_the_file_header_and_the_text() {
    insta::assert_snapshot!(errors("fr_bad.csv", "fr_utf8_profile.yaml"));
}

#[test]
fn a_mapped_column_missing_from_the_file_is_named_as_mapped() {
    // The French profile on the US file: nothing it maps is there.
    let text = errors("us_export.csv", "fr_utf8_profile.yaml");
    assert!(
        text.contains("missing column `N° facture` (every invoice needs one; the profile maps `invoice_id` to it)"),
        "{text}"
    );
}

#[test]
fn bad_profiles_are_explained() {
    let cases = [
        "delimeter: \";\"\n",
        "delimiter: \";;\"\n",
        "encoding: ebcdic\n",
        "decimal: \"'\"\n",
        "thousands: \"_\"\n",
        "date_format: \"%d/%m/%y%\"\n",
        "currency: euro\n",
        "skip_rows: two\n",
        "columns:\n  invoice_number: No\n",
        "true: {a: b}\n",
        "- delimiter\n",
        "delimiter: [\n",
    ];
    let mut out = String::new();
    for yaml in cases {
        let e = Profile::from_yaml("profile.yaml", yaml).unwrap_err();
        out.push_str(&format!("{}{}\n", yaml, e.render(5)));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn workbook_problems_are_reported() {
    let policy = policy();
    let read = |file: &str, yaml: &str| {
        let import = Import {
            profile: Profile::from_yaml("p.yaml", yaml).unwrap(),
            strict: false,
        };
        let bytes = std::fs::read(dir().join(file)).unwrap_or_else(|_| file.as_bytes().to_vec());
        data::read_invoices_with(
            "book.xlsx",
            &bytes,
            data::Format::Workbook,
            &policy,
            &import,
        )
        .unwrap_err()
        .render(5)
    };
    let mut out = String::new();
    out.push_str(&read("invoices.xlsx", "sheet: Invoices\n"));
    out.push_str(&read("invoice_id,customer_id\nF-1,C-1\n", ""));
    // Without the profile, the title row is taken for the header.
    out.push_str(&read("invoices.ods", ""));
    insta::assert_snapshot!(out);
}

#[test]
fn the_default_profile_is_the_product_csv() {
    let csv = std::fs::read(dir().join("reference.csv")).unwrap();
    let strict = data::read_invoices("r.csv", &csv, data::Format::Csv, &policy()).unwrap();
    let loaded = data::read_invoices_with(
        "r.csv",
        &csv,
        data::Format::Csv,
        &policy(),
        &Import::default(),
    )
    .unwrap();
    assert_eq!(loaded.value.invoices, strict);
    assert!(loaded.value.credit_notes.is_empty() && loaded.warnings.is_empty());
}

#[test]
fn the_usual_file_extensions_are_formats() {
    use data::Format;
    for (name, format) in [
        ("a.xlsx", Format::Workbook),
        ("a.XLS", Format::Workbook),
        ("a.ods", Format::Workbook),
        ("a.csv", Format::Csv),
    ] {
        assert_eq!(Format::from_path(Path::new(name)), Some(format), "{name}");
    }
}

// ───────────── anomalies of real ledgers ─────────────

fn plan(extra: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("dunning").unwrap();
    cmd.current_dir(dir()).env("NO_COLOR", "1");
    cmd.args([
        "plan",
        "policy.dunning",
        "--invoices",
        "anomalies/invoices.csv",
        "--profile",
        "anomalies/profile.yaml",
    ]);
    cmd.args(["--date", "2025-02-12", "--format", "csv"]);
    cmd.args(extra);
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn anomalies_are_accepted_with_one_warning_each() {
    let (code, stdout, stderr) = plan(&["--history", "anomalies/history.csv"]);
    assert_eq!(code, 0, "{stderr}");
    // F-2001 was e-mailed on 2025-02-10; the prepaid invoices are never
    // open, the credit note never dunned.
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn strict_makes_each_anomaly_an_error() {
    let (code, stdout, stderr) = plan(&["--history", "anomalies/history.csv", "--strict"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    insta::assert_snapshot!(stderr);
    // The history's anomaly, on its own.
    let mut cmd = Command::cargo_bin("dunning").unwrap();
    let out = cmd
        .current_dir(dir())
        .args(["plan", "policy.dunning", "--invoices", "reference.csv"])
        .args([
            "--history",
            "anomalies/history.csv",
            "--date",
            "2025-02-12",
            "--strict",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("error[dunning::data::unknown-invoice]: anomalies/history.csv:2: column `invoice_id`: there is no invoice `F-1990`"),
        "{stderr}"
    );
}

#[test]
fn anomalies_keep_their_rows_where_they_belong() {
    let policy = policy();
    let import = import(Some("anomalies/profile.yaml"));
    let loaded =
        data::load_invoices_with(&dir().join("anomalies/invoices.csv"), &policy, &import).unwrap();
    let ids = |list: &[Invoice]| list.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&loaded.value.invoices),
        ["F-2001", "F-2002", "F-2004", "F-2005"]
    );
    // A negative amount, and a positive one with a credit-note type.
    assert_eq!(ids(&loaded.value.credit_notes), ["AV-2003", "AV-2006"]);
    assert_eq!(loaded.value.credit_notes[1].amount.to_string(), "-30.00");
    assert_eq!(loaded.value.credit_notes[0].amount.to_string(), "-120.00");
    let codes: Vec<&str> = loaded.warnings.iter().map(|w| w.code()).collect();
    assert_eq!(
        codes,
        [
            "dunning::data::paid-before-issue",
            "dunning::data::amount-not-positive",
            "dunning::data::long-terms"
        ]
    );
    let history = data::load_history_with(
        &dir().join("anomalies/history.csv"),
        &loaded.value.invoices,
        &Import::default(),
    )
    .unwrap();
    let kept: Vec<(&str, &str)> = history
        .value
        .iter()
        .map(|h| (h.customer_id.as_str(), h.invoice_id.as_str()))
        .collect();
    assert_eq!(
        kept,
        [
            ("Martin", "F-1990"),
            ("ACME", "F-2001"),
            ("Martin", "F-1991")
        ]
    );
    assert_eq!(history.warnings.len(), 1);
}

#[test]
fn a_prepaid_invoice_is_never_open() {
    // F-2002 is paid on 2025-01-03, before its issue on 2025-01-10: no day
    // of the year dunns it (nor F-2005, prepaid too, nor the credit note).
    let mut cmd = Command::cargo_bin("dunning").unwrap();
    let out = cmd
        .current_dir(dir())
        .args([
            "simulate",
            "policy.dunning",
            "--invoices",
            "anomalies/invoices.csv",
            "--profile",
            "anomalies/profile.yaml",
        ])
        .args([
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    for id in ["F-2002", "F-2005", "AV-2003", "AV-2006"] {
        assert!(!stdout.contains(id), "{id} dunned: {stdout}");
    }
    assert!(stdout.contains("F-2001") && stdout.contains("F-2004"));
}

#[test]
fn an_empty_history_file_starts_the_history() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in [
        ("zero.csv", ""),
        ("header.csv", "date,customer_id,invoice_id,rule,action\n"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let (code, stdout, stderr) = plan(&["--history", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            stdout.contains("F-2001,first_reminder,email"),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn policy_tests_read_exports_through_their_profile() {
    let dir = tempfile::tempdir().unwrap();
    let root = self::dir();
    let test = format!(
        "policy: {root}/policy.dunning\nprofile: {root}/fr_profile.yaml\ninvoices_file: {root}/fr_export.csv\n\
         cases:\n  - name: the strategic call\n    date: 2025-02-21\n    expect:\n      \
         - {{customer_id: Société Générale, action: call, rule: strategic_call, invoices: [F-1001]}}\n",
        root = root.display()
    );
    let path = dir.path().join("fr.yaml");
    std::fs::write(&path, test).unwrap();
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .args(["test", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // Without the profile, the export cannot be read.
    let without = std::fs::read_to_string(&path).unwrap().replace(
        &format!("profile: {}/fr_profile.yaml\n", root.display()),
        "",
    );
    std::fs::write(&path, without).unwrap();
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .args(["test", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
}

// ───────────── inspect ─────────────

fn inspect(file: &str) -> (i32, String, String) {
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(dir())
        .args(["inspect", file])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn inspect_guesses_a_profile_that_reads_each_export() {
    let reference = invoices("reference.csv", None);
    let mut all = String::new();
    for (file, _) in &EXPORTS[1..] {
        let (code, yaml, stderr) = inspect(file);
        assert_eq!((code, stderr.as_str()), (0, ""), "{file}");
        all.push_str(&format!("== {file}\n{yaml}"));
        // Saved as it is (with the currency it asks for), it reads the file.
        let mut yaml = yaml;
        if yaml.contains("no currency column") {
            yaml.push_str("currency: EUR\n");
        }
        let profile = Profile::from_yaml(file, &yaml).unwrap_or_else(|e| panic!("{file}: {e}"));
        let import = Import {
            profile,
            strict: false,
        };
        let read = data::load_invoices_with(&dir().join(file), &policy(), &import)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let read: Vec<Invoice> = read
            .value
            .invoices
            .into_iter()
            .map(|i| Invoice { line: 0, ..i })
            .collect();
        assert_eq!(read, reference, "{file}");
    }
    insta::assert_snapshot!(all);
}

#[test]
fn inspect_says_when_dates_are_ambiguous_and_does_not_guess() {
    let (code, yaml, _) = inspect("ambiguous_dates.csv");
    assert_eq!(code, 0);
    assert!(!yaml.contains("date_format:"), "{yaml}");
    insta::assert_snapshot!(yaml);
}

#[test]
fn inspect_reports_what_it_cannot_read() {
    let (code, _, stderr) = inspect("missing.csv");
    assert_eq!(code, 2);
    assert!(stderr.starts_with("error[dunning::data::io]: missing.csv: cannot read the file"));
    let (code, _, stderr) = inspect("policy.dunning");
    assert_eq!(code, 2);
    assert!(stderr.contains("dunning::data::unknown-format"), "{stderr}");
    let (code, _, stderr) = inspect("../data/ok/invoices.json");
    assert_eq!(code, 1);
    assert!(stderr.contains("need no profile"), "{stderr}");
}

#[test]
fn inspect_maps_a_document_type_column() {
    let (code, yaml, _) = inspect("anomalies/invoices.csv");
    assert_eq!(code, 0);
    assert!(
        yaml.contains("columns:\n  document_type: \"Type\"\n"),
        "{yaml}"
    );
    let profile = Profile::from_yaml("guessed", &yaml).unwrap();
    assert_eq!(profile.header_of("document_type"), "Type");
}

#[test]
fn damaged_workbooks_are_errors_not_crashes() {
    let policy = policy();
    let import = import(Some("workbook_profile.yaml"));
    for file in ["invoices.xlsx", "invoices.ods"] {
        let whole = std::fs::read(dir().join(file)).unwrap();
        let mut damaged: Vec<Vec<u8>> = (0..whole.len())
            .step_by(61)
            .map(|n| whole[..n].to_vec())
            .collect();
        for at in (0..whole.len()).step_by(37) {
            let mut flipped = whole.clone();
            flipped[at] ^= 0x5A;
            damaged.push(flipped);
        }
        for bytes in damaged {
            // A flipped byte in a zip entry's padding or a compressed
            // stream's slack may leave the sheet readable; any other damage
            // is a reported error, never a crash.
            if let Err(e) =
                data::read_invoices_with(file, &bytes, data::Format::Workbook, &policy, &import)
            {
                assert!(e.total() > 0);
            }
        }
    }
}

#[test]
fn diff_warns_once_though_it_reads_the_files_for_each_policy() {
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(dir())
        .args(["diff", "policy.dunning", "policy.dunning"])
        .args(["--invoices", "anomalies/invoices.csv"])
        .args(["--from", "2025-01-01", "--to", "2025-03-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("warning[").count(), 3, "{stderr}");
}

#[test]
fn a_title_line_read_as_the_header_points_at_skip_rows() {
    let yaml = std::fs::read_to_string(dir().join("fr_profile.yaml"))
        .unwrap()
        .replace("skip_rows: 2\n", "");
    let import = Import {
        profile: Profile::from_yaml("p.yaml", &yaml).unwrap(),
        strict: false,
    };
    let e = data::load_invoices_with(&dir().join("fr_export.csv"), &policy(), &import)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("help: the first line, `Export des factures clients`, looks like a title: an import profile's `skip_rows` says how many lines come before the header"),
        "{e}"
    );
}

#[test]
fn the_daily_recipe_works_with_an_open_items_export() {
    let work = tempfile::tempdir().unwrap();
    let history = work.path().join("history.csv");
    std::fs::write(&history, "").unwrap();
    let reference = std::fs::read_to_string(dir().join("reference.csv")).unwrap();
    // Each morning's export holds only the invoices unpaid that day.
    let open_items = |open: &[&str]| {
        let kept: Vec<&str> = reference
            .lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || open.iter().any(|id| l.starts_with(id)))
            .map(|(_, l)| l)
            .collect();
        kept.join("\n") + "\n"
    };
    let day = |date: &str, export: String| {
        let invoices = work.path().join(format!("open-{date}.csv"));
        std::fs::write(&invoices, export).unwrap();
        let out = Command::cargo_bin("dunning")
            .unwrap()
            .current_dir(dir())
            .args(["plan", "policy.dunning", "--invoices"])
            .arg(&invoices)
            .arg("--history")
            .arg(&history)
            .args(["--date", date, "--format", "csv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{date}");
        let plan = String::from_utf8(out.stdout).unwrap();
        let mut all = std::fs::read_to_string(&history).unwrap();
        all.push_str(&plan);
        std::fs::write(&history, all).unwrap();
        (plan, String::from_utf8(out.stderr).unwrap())
    };
    let (plan, stderr) = day("2025-02-07", open_items(&["F-1001", "F-1002", "F-1003"]));
    assert!(plan.contains("F-1001,first_reminder,email"), "{plan}");
    assert_eq!(stderr, "");
    // F-1001 is paid on the 10th and leaves the export; its reminder stays
    // in the history, and it is never called.
    let (plan, stderr) = day("2025-02-21", open_items(&["F-1002", "F-1003", "F-1004"]));
    assert!(!plan.contains("F-1001"), "{plan}");
    assert!(
        stderr.contains("1 history row of invoices absent from the invoices"),
        "{stderr}"
    );
}

#[test]
fn the_readme_profile_is_a_valid_profile() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme.split("### Import profiles").nth(1).unwrap();
    let yaml = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap();
    let profile = Profile::from_yaml("README.md", yaml).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(profile.delimiter, b';');
    assert_eq!(profile.header_of("document_type"), "Type");
    assert_eq!(profile.skip_rows, 2);
}
