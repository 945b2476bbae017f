//! The report in a real browser: headless Chromium (Debian's `chromium`
//! package) opens it, takes a screenshot, runs its script without error,
//! and shows an invoice's timeline when the page is opened at `#q=ID`.
//! Skipped, saying so, when no Chromium is installed (`.ci/run` installs it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The browser, when one is installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs headless Chromium on `url` with `args` (at most two minutes),
/// returning its standard output.
fn headless(browser: &Path, profile: &Path, args: &[&str], url: &str) -> String {
    let out = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn report(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let out = assert_cmd::Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(root())
        .args(args)
        .arg("--report")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn url(path: &Path, fragment: &str) -> String {
    format!("file://{}{fragment}", path.display())
}

/// The page ran its script to the end, without an error.
fn assert_ran(dom: &str) {
    assert!(
        dom.contains("data-ready=\"true\""),
        "the script did not finish"
    );
    assert!(
        !dom.contains("data-script-error=\"") && !dom.contains("<title>script error"),
        "script error: {}",
        dom.lines()
            .find(|l| l.contains("script-error"))
            .unwrap_or("")
    );
}

#[test]
fn the_report_opens_in_chromium_and_finds_an_invoices_timeline() {
    let Some(browser) = chromium() else {
        eprintln!(
            "skipped: no chromium on PATH (install Debian's `chromium` package: apt-get install -y chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let page = report(
        dir.path(),
        "year.html",
        &[
            "simulate",
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
            "--capacity",
            "call=10,email=40",
        ],
    );
    let shot = dir.path().join("shot.png");
    headless(
        &browser,
        &profile,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=900,1200",
        ],
        &url(&page, ""),
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG"),
        "{}",
        png.len()
    );
    // Without a search, the first page of 50 rows and no timeline.
    let dom = headless(&browser, &profile, &["--dump-dom"], &url(&page, ""));
    assert_ran(&dom);
    assert!(dom.contains("3000 of 3000 rows; page 1 of 60"), "{dom}");
    assert!(!dom.contains("class=\"timeline\""));
    // Searching an invoice shows its timeline.
    let dom = headless(
        &browser,
        &profile,
        &["--dump-dom"],
        &url(&page, "#q=INV-2025-000002"),
    );
    assert_ran(&dom);
    assert!(dom.contains("1 of 3000 rows"), "{dom}");
    let timeline = dom
        .split("<ol class=\"timeline\" data-invoice=\"INV-2025-000002\">")
        .nth(1)
        .expect("the invoice's timeline");
    let timeline = &timeline[..timeline.find("</ol>").unwrap()];
    assert!(
        timeline.contains("<li>2025-01-27 email “avant-echeance” (courtesy)</li>"),
        "{timeline}"
    );
}

#[test]
fn hostile_ids_stay_text_in_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no chromium on PATH (apt-get install -y chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let page = report(
        dir.path(),
        "hostile.html",
        &[
            "simulate",
            "tests/fixtures/run/policy.dunning",
            "--invoices",
            "tests/fixtures/report/hostile-invoices.csv",
            "--from",
            "2025-01-01",
            "--to",
            "2025-06-30",
        ],
    );
    let dom = headless(
        &browser,
        &profile,
        &["--dump-dom"],
        &url(&page, "#q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    );
    assert_ran(&dom);
    assert!(dom.contains("1 of 8 rows"), "{dom}");
    // (Recent Chromium writes `<` in attribute values as `&lt;`.)
    assert!(
        dom.contains("data-invoice=\"<script>alert(1)</script>\"")
            || dom.contains("data-invoice=\"&lt;script&gt;alert(1)&lt;/script&gt;\""),
        "{dom}"
    );
    assert!(
        dom.contains("<li>2025-01-29 email “avant-echeance” (courtesy)</li>"),
        "{dom}"
    );
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Every row of the page: the customer's markup is text, no image.
    let dom = headless(&browser, &profile, &["--dump-dom"], &url(&page, ""));
    assert_ran(&dom);
    assert!(
        !dom.contains("<img"),
        "markup from the data became an element"
    );
    assert!(dom.contains("&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"));
}
