//! `simulate --report` and `diff --report`: the HTML page's structure, its
//! figures against the JSON, escaping of hostile data, determinism, and
//! the options' usage errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scraper::{Html, Selector};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dunning() -> Command {
    let mut cmd = Command::cargo_bin("dunning").unwrap();
    cmd.current_dir(root());
    cmd
}

/// The sample year of the README's first command.
const SAMPLE: [&str; 12] = [
    "policies/french_b2b.dunning",
    "--invoices",
    "data/invoices-2025.csv",
    "--payments",
    "data/payments-2025.csv",
    "--events",
    "data/events-2025.csv",
    "--from",
    "2025-01-01",
    "--to",
    "2025-12-31",
    "--format",
];

/// Runs `simulate` with `--format json --report`, returning the JSON and the page.
fn simulate(args: &[&str], report: &Path) -> (Value, String) {
    let out = dunning()
        .arg("simulate")
        .args(args)
        .args(["--format", "json", "--report"])
        .arg(report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    (json, std::fs::read_to_string(report).unwrap())
}

fn sample_args() -> Vec<&'static str> {
    SAMPLE[..SAMPLE.len() - 1].to_vec()
}

fn parse(html: &str) -> Html {
    let doc = Html::parse_document(html);
    assert!(doc.errors.is_empty(), "not valid HTML: {:?}", doc.errors);
    doc
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The value at a dotted path (`by_kind.email.actions`, `steps.0.invoices`)
/// as the page writes it: numbers and strings as they are, `null` as `n/a`.
fn at(json: &Value, path: &str) -> Option<String> {
    let mut v = json;
    for key in path.split('.') {
        v = match v {
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            Value::Object(map) => map.get(key)?,
            _ => return None,
        };
    }
    Some(match v {
        Value::Null => "n/a".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Every `data-figure` of the page, and its text.
fn figures(doc: &Html) -> Vec<(String, String)> {
    doc.select(&sel("[data-figure]"))
        .map(|e| {
            (
                e.value().attr("data-figure").unwrap().to_string(),
                e.text().collect::<String>(),
            )
        })
        .collect()
}

/// No address outside the file: nothing fetched, nothing linked away.
fn assert_self_contained(html: &str, doc: &Html) {
    for needle in [
        "http://",
        "https://",
        "src=\"//",
        "href=\"//",
        "url(//",
        "@import",
    ] {
        assert!(!html.contains(needle), "the page holds {needle}");
    }
    if let Some(e) = doc
        .select(&sel("[src], link, iframe, object, embed, img"))
        .next()
    {
        panic!("the page loads something: {:?}", e.value());
    }
    for a in doc.select(&sel("a[href]")) {
        let href = a.value().attr("href").unwrap();
        assert!(href.starts_with('#'), "a link away from the page: {href}");
    }
}

fn distinct_invoices(actions: &Value) -> usize {
    let mut ids = BTreeSet::new();
    for a in actions.as_array().unwrap() {
        for line in a["invoices"].as_array().unwrap() {
            ids.insert(line["invoice_id"].as_str().unwrap().to_string());
        }
    }
    ids.len()
}

#[test]
fn the_sample_years_report_has_every_section_and_the_jsons_figures() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("year.html");
    let mut args = sample_args();
    args.extend(["--capacity", "call=10,email=40"]);
    let (json, html) = simulate(&args, &report);
    let doc = parse(&html);
    for id in [
        "inputs", "headline", "weekly", "workload", "ladder", "aged", "crossed", "invoices",
    ] {
        assert_eq!(
            doc.select(&sel(&format!("section#{id}"))).count(),
            1,
            "section {id}"
        );
    }
    assert_self_contained(&html, &doc);
    let summary = &json["summary"];
    let figures = figures(&doc);
    assert!(figures.len() > 60, "{}", figures.len());
    let mut over = 0;
    for (name, text) in figures {
        let expected = match name.as_str() {
            "invoices_reached" => distinct_invoices(&json["actions"]).to_string(),
            n if n.starts_with("over_capacity.") => {
                over += 1;
                continue;
            }
            n => at(summary, n).unwrap_or_else(|| panic!("{n} is not in the JSON")),
        };
        assert_eq!(text, expected, "{name}");
    }
    assert_eq!(over, 2, "one count of days over capacity per kind given");
    // The inputs: the policy's SHA-256, the data files, the version.
    let policy = std::fs::read(root().join("policies/french_b2b.dunning")).unwrap();
    let inputs: String = doc.select(&sel("#inputs")).next().unwrap().text().collect();
    assert!(
        inputs.contains(&dunning::ledger::sha256(&policy)),
        "{inputs}"
    );
    for file in [
        "data/invoices-2025.csv",
        "data/payments-2025.csv",
        "data/events-2025.csv",
    ] {
        assert!(inputs.contains(file), "{inputs}");
    }
    assert!(inputs.contains(&format!("dunning {}", env!("CARGO_PKG_VERSION"))));
    // Days over capacity are drawn: the call capacity of 10 is passed on 2025-06-10 (17).
    let workload: String = doc.select(&sel("#workload")).next().unwrap().html();
    assert!(workload.contains("capacity 10") && workload.contains("2025-06-10 (17)"));
    // Every invoice is in the table's data, with its actions.
    let data = doc.select(&sel("script.table-data")).next().unwrap();
    let data: Value = serde_json::from_str(&data.text().collect::<String>()).unwrap();
    let rows = data["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3000);
    let actions = data["cols"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c[0] == "actions")
        .unwrap();
    let steps: usize = rows
        .iter()
        .map(|r| r[actions].as_u64().unwrap() as usize)
        .sum();
    let lines: usize = json["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["invoices"].as_array().unwrap().len())
        .sum();
    assert_eq!(steps, lines);
}

#[test]
fn a_report_is_byte_identical_from_run_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.html"), dir.path().join("b.html"));
    let args = [
        "tests/fixtures/run/policy.dunning",
        "--invoices",
        "tests/fixtures/run/invoices.csv",
        "--payments",
        "tests/fixtures/run/payments.csv",
        "--from",
        "2025-01-01",
        "--to",
        "2025-06-30",
    ];
    let (_, first) = simulate(&args, &a);
    let (_, second) = simulate(&args, &b);
    assert_eq!(first, second);
}

#[test]
fn hostile_ids_and_customers_are_text_in_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("hostile.html");
    let args = [
        "tests/fixtures/run/policy.dunning",
        "--invoices",
        "tests/fixtures/report/hostile-invoices.csv",
        "--from",
        "2025-01-01",
        "--to",
        "2025-06-30",
    ];
    let (json, html) = simulate(&args, &report);
    let doc = parse(&html);
    assert_self_contained(&html, &doc);
    // Two scripts: the table's data and the page's own; no element came from the data.
    assert_eq!(doc.select(&sel("script")).count(), 2);
    assert_eq!(doc.select(&sel("img")).count(), 0);
    assert_eq!(html.matches("<script").count(), 2);
    assert!(!html.contains("alert(1)</script>"));
    // The segment table is there (the policy declares `segment`).
    assert_eq!(doc.select(&sel("section#segments")).count(), 1);
    // The data block reads back to the very ids.
    let data = doc.select(&sel("script.table-data")).next().unwrap();
    let data: Value = serde_json::from_str(&data.text().collect::<String>()).unwrap();
    assert_eq!(data["rows"][0][0], "<script>alert(1)</script>");
    assert_eq!(data["rows"][2][1], "</script><img src=x onerror=alert(2)>");
    // The crossed-payment examples and figures still equal the JSON.
    for (name, text) in figures(&doc) {
        if name == "invoices_reached" {
            assert_eq!(text, distinct_invoices(&json["actions"]).to_string());
        } else if let Some(v) = at(&json["summary"], &name) {
            assert_eq!(text, v, "{name}");
        }
    }
}

#[test]
fn the_diff_report_shows_every_figure_before_and_after_and_the_changed_invoices() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("diff.html");
    let out = dunning()
        .args([
            "diff",
            "tests/fixtures/run/policy.dunning",
            "tests/fixtures/run/policy_earlier_letter.dunning",
            "--invoices",
            "tests/fixtures/report/hostile-invoices.csv",
            "--from",
            "2025-01-01",
            "--to",
            "2025-06-30",
            "--format",
            "json",
            "--capacity",
            "email=2",
            "--report",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let html = std::fs::read_to_string(&report).unwrap();
    let doc = parse(&html);
    assert_self_contained(&html, &doc);
    for id in ["inputs", "figures", "workload", "changes", "changed"] {
        assert_eq!(
            doc.select(&sel(&format!("section#{id}"))).count(),
            1,
            "{id}"
        );
    }
    assert_eq!(doc.select(&sel("#inputs .hash")).count(), 2);
    let cell = |row: &str, class: &str| -> String {
        let s = sel(&format!("tr[data-row=\"{row}\"] td.{class}"));
        doc.select(&s)
            .next()
            .unwrap_or_else(|| panic!("{row}"))
            .text()
            .collect()
    };
    assert_eq!(cell("actions", "old"), json["actions_old"].to_string());
    assert_eq!(cell("actions", "new"), json["actions_new"].to_string());
    for (k, kind) in json["kinds"].as_array().unwrap().iter().enumerate() {
        assert_eq!(
            cell(&format!("kinds.{k}.actions"), "old"),
            kind["old"].to_string()
        );
        assert_eq!(
            cell(&format!("kinds.{k}.actions"), "new"),
            kind["new"].to_string()
        );
    }
    let indicators = json["indicators"].as_array().unwrap();
    assert!(!indicators.is_empty());
    for (i, ind) in indicators.iter().enumerate() {
        for side in ["old", "new", "change"] {
            let expected = at(ind, side).unwrap();
            assert_eq!(
                cell(&format!("indicators.{i}"), side),
                expected,
                "{i} {side}"
            );
        }
    }
    for (name, text) in figures(&doc) {
        if let Some(v) = at(&json, &name) {
            assert_eq!(text, v, "{name}");
        }
    }
    // The changes, grouped: they add up to the JSON's count, and each is in the table.
    let grouped: usize = doc
        .select(&sel("td[data-change]"))
        .map(|e| e.text().collect::<String>().parse::<usize>().unwrap())
        .sum();
    let changed = json["invoices_changed"].as_u64().unwrap() as usize;
    assert!(changed > 0);
    assert_eq!(grouped, changed);
    let data = doc.select(&sel("script.table-data")).next().unwrap();
    let data: Value = serde_json::from_str(&data.text().collect::<String>()).unwrap();
    assert_eq!(data["rows"].as_array().unwrap().len(), changed);
    assert!(html.contains("capacity 2"));
}

#[test]
fn report_options_refuse_what_they_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "simulate",
        "tests/fixtures/run/policy.dunning",
        "--invoices",
        "tests/fixtures/run/invoices.csv",
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-31",
    ];
    let run = |extra: &[&str]| {
        let out = dunning().args(base).args(extra).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let report = dir.path().join("r.html");
    let report = report.to_str().unwrap();
    let (code, err) = run(&["--report", report, "--capacity", "fax=3"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown action `fax`"), "{err}");
    let (code, err) = run(&["--report", report, "--capacity", "call=many"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("`many` is not a whole number"), "{err}");
    let (code, err) = run(&["--capacity", "call=3"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--report"), "{err}");
    let (code, err) = run(&["--report", "-"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--report needs a file name"), "{err}");
    let (code, err) = run(&["--report", "tests/fixtures/run/invoices.csv"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is the same file as"), "{err}");
    let out = dunning()
        .args([
            "simulate",
            "tests/fixtures/book/one",
            "--invoices",
            "tests/fixtures/book/invoices.csv",
        ])
        .args([
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
            "--report",
            report,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--report takes one policy"));
    assert!(!Path::new(report).exists());
}
