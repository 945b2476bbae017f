//! How long `dunning check` takes on big generated policies.
//!
//! `cargo bench --bench check` writes the policies to `target/bench/` and
//! times parsing and checking in-process (median of several runs); time the
//! release binary on the same files with, for example,
//! `time target/release/dunning check target/bench/ladders-5000.dunning`.
//!
//! - `ladders-5000`: one ladder of ten steps for each segment, country and
//!   amount band (4 × 25 × 5 = 500 ladders, 5,000 rules);
//! - `customers-5000`: one ladder of five steps for each of 1,000 customers.
//!
//! Then the hostile shapes of the hardening issue, each at two sizes, with
//! the time of `check` as a multiple of parsing the same text (measured in
//! the same run, so the machine's speed cancels out) and the growth from
//! the small size to the large one relative to the size (1.0 is linear):
//!
//! - `values`: `attribute segment in [v0, ..., vN]` and four rules, one
//!   naming `v1`, one `segment != v2` (8,000 and 64,000 values);
//! - `shadowed`: N copies of one rule, each shadowed by the next (10,000
//!   and 100,000 rules);
//! - `bands`: ten-step ladders, one per band of a number attribute (50 and
//!   500 ladders);
//! - `falling`, `rising`: N ungrouped e-mail steps whose thresholds fall
//!   (each shadowed by the next, each within the cooldown of none) or
//!   rise down the file (10,000 and 100,000 rules, thresholds spread over
//!   the ten years a duration allows);
//! - `mixed`: falling thresholds, the actions taking turns (firmer steps
//!   before milder ones);
//! - `chain`: each step requires the one above it to have fired (`when
//!   fired r41 and overdue > ...`), thresholds falling: every later step
//!   covers an earlier one's days, none shadows it;
//! - `allowed`: N shadowed copies, each allowing its warning with
//!   `# dunning: allow shadowed`.
//!
//! Last, `dunning check` itself (the release binary, built with the
//! benchmark) on 10,000 and 100,000 shadowed rules, its report (one warning
//! a rule, as miette draws it) thrown away: the wall time of the process,
//! as a multiple of parsing the same text in this process, and its growth.

// A benchmark stops on a broken setup: that is its job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SEGMENTS: [&str; 4] = ["strategic", "key", "standard", "small"];
const COUNTRIES: [&str; 25] = [
    "FR", "BE", "DE", "ES", "IT", "NL", "LU", "PT", "IE", "AT", "CH", "GB", "DK", "SE", "NO", "FI",
    "PL", "CZ", "SK", "HU", "RO", "BG", "GR", "SI", "HR",
];
/// Amount bands, in thousands of euros.
const BANDS: [(u32, u32); 5] = [(0, 1), (1, 5), (5, 20), (20, 100), (100, 1000)];
/// The ten steps of a ladder: days overdue, action, template.
const STEPS: [(i32, &str, &str); 10] = [
    (-5, "email", "avant-echeance"),
    (2, "email", "relance-1"),
    (10, "sms", "sms-relance"),
    (17, "call", "appel-1"),
    (24, "call", "appel-2"),
    (31, "letter", "relance-courrier"),
    (38, "registered_letter", "relance-penalites"),
    (45, "formal_notice", "mise-en-demeure"),
    (60, "collection_agency", "transfert-recouvrement"),
    (90, "legal", "injonction-de-payer"),
];

fn header(out: &mut String) {
    out.push_str("# Generated for the check benchmark.\n");
    out.push_str("set cooldown = 7d\nset calendar = france\nset minimum_amount = 20 EUR\n");
    out.push_str("set interest_rate = 12.15%\nset indemnity = 40 EUR\n\n");
    out.push_str("pause promise_to_pay when promised_until >= today\n");
    out.push_str("pause payment_plan when payment_plan\n\n");
}

fn when(days: i32) -> String {
    if days < 0 {
        format!("due_in <= {}d and due_in >= 1d", -days)
    } else {
        format!("overdue >= {days}d")
    }
}

/// One ten-step ladder per segment, country and amount band.
pub fn ladders() -> String {
    let mut out = String::new();
    header(&mut out);
    out.push_str("attribute segment in [strategic, key, standard, small]\n");
    let _ = writeln!(out, "attribute country in [{}]\n", COUNTRIES.join(", "));
    for segment in SEGMENTS {
        for country in COUNTRIES {
            for (lo, hi) in BANDS {
                let who = format!(
                    "segment = {segment} and country = {country} and amount >= {lo}k EUR and amount < {hi}k EUR"
                );
                let id = format!("{segment}_{country}_{lo}k");
                for (n, (days, action, template)) in STEPS.iter().enumerate() {
                    let fired = if *action == "collection_agency" || *action == "legal" {
                        format!(" and fired {id}_7")
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        out,
                        "rule {id}_{n}: when {who} and {}{fired} then {action} template \"{template}\"",
                        when(*days)
                    );
                }
            }
        }
    }
    out
}

/// One five-step ladder for each of 1,000 customers.
pub fn customers() -> String {
    let mut out = String::new();
    header(&mut out);
    for c in 0..1000 {
        for (n, (days, action)) in [
            (-5, "email"),
            (2, "email"),
            (10, "call"),
            (20, "registered_letter"),
            (35, "formal_notice"),
        ]
        .iter()
        .enumerate()
        {
            let _ = writeln!(
                out,
                "rule c{c}_{n}: when customer_id = \"C-{c:04}\" and {} then {action}",
                when(*days)
            );
        }
    }
    out
}

/// `attribute segment in [v0, ..., vN]` and four rules.
fn values(n: usize) -> String {
    let list: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    format!(
        "attribute segment in [{}]\n\
         rule a: when overdue >= 1d then email\n\
         rule b: when segment = v1 and overdue >= 10d then call\n\
         rule c: when segment != v2 and overdue >= 20d then letter\n\
         rule d: when overdue >= 30d then formal_notice\n",
        list.join(", ")
    )
}

/// The same rule `n` times: every copy but the last is shadowed.
fn shadowed(n: usize) -> String {
    (0..n)
        .map(|i| format!("rule r{i}: when overdue >= 1d then email\n"))
        .collect()
}

/// One ten-step ladder per band of a number attribute.
fn bands(ladders: usize) -> String {
    let mut out = String::from("set cooldown = 7d\nattribute score: number\n");
    for k in 0..ladders {
        for (n, (days, action, _)) in STEPS.iter().enumerate() {
            let _ = writeln!(
                out,
                "rule b{k}_{n}: when score >= {k} and score < {} and {} then {action}",
                k + 1,
                when(*days)
            );
        }
    }
    out
}

/// Day thresholds spread over the ten years a duration allows: the `i`-th
/// of `n`, falling down the file.
fn falling_day(i: usize, n: usize) -> usize {
    3650 - i * 3650 / n
}

/// `n` e-mail steps, thresholds falling down the file.
fn falling(n: usize) -> String {
    let mut out = String::from("set cooldown = 7d\n");
    for i in 0..n {
        let _ = writeln!(
            out,
            "rule r{i}: when overdue > {}d then email",
            falling_day(i, n)
        );
    }
    out
}

/// `n` e-mail steps, thresholds rising down the file.
fn rising(n: usize) -> String {
    let mut out = String::from("set cooldown = 7d\n");
    for i in 0..n {
        let _ = writeln!(
            out,
            "rule r{i}: when overdue > {}d then email",
            i * 3650 / n
        );
    }
    out
}

const TURNS: [&str; 4] = ["email", "call", "letter", "sms"];

/// Falling thresholds, the actions taking turns.
fn mixed(n: usize) -> String {
    let mut out = String::from("set cooldown = 7d\n");
    for i in 0..n {
        let _ = writeln!(
            out,
            "rule r{i}: when overdue > {}d then {}",
            falling_day(i, n),
            TURNS[i % 4]
        );
    }
    out
}

/// Each step requires the one above it to have fired.
fn chain(n: usize) -> String {
    let mut out = String::from("set cooldown = 7d\nrule r0: when overdue > 0d then email\n");
    for i in 1..n {
        let _ = writeln!(
            out,
            "rule r{i}: when fired r{} and overdue > {}d then {}",
            i - 1,
            falling_day(i, n),
            TURNS[i % 4]
        );
    }
    out
}

/// The same rule `n` times, each copy allowing its warning.
fn allowed(n: usize) -> String {
    (0..n)
        .map(|i| format!("rule r{i}: when overdue >= 1d then email # dunning: allow shadowed\n"))
        .collect()
}

/// The median wall time of `dunning check FILE`, its output thrown away.
fn time_cli(binary: &str, file: &std::path::Path, runs: usize) -> Duration {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let status = std::process::Command::new(binary)
            .arg("check")
            .arg(file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        times.push(started.elapsed());
        // Warnings only: exit code 0.
        assert!(status.success(), "{status}");
    }
    median(times)
}

/// Median times of parsing and of checking `text`.
fn time(text: &str, runs: usize) -> (Duration, Duration) {
    let (mut parse, mut check) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let started = Instant::now();
        let parsed = dunning::parse(text);
        let parsed_at = Instant::now();
        let checked = dunning::check(&parsed);
        let done = Instant::now();
        assert!(!checked.has_errors());
        parse.push(parsed_at - started);
        check.push(done - parsed_at);
    }
    (median(parse), median(check))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in [("ladders-5000", ladders()), ("customers-5000", customers())] {
        let path = dir.join(format!("{name}.dunning"));
        std::fs::write(&path, &text).unwrap();
        let checked = dunning::check(&dunning::parse(&text));
        let rules = checked.policy.as_ref().map_or(0, |p| p.rules.len());
        let (mut total, mut parse, mut check) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..11 {
            let started = Instant::now();
            let parsed = dunning::parse(&text);
            let parsed_at = Instant::now();
            let checked = dunning::check(&parsed);
            let done = Instant::now();
            assert!(!checked.has_errors());
            parse.push(parsed_at - started);
            check.push(done - parsed_at);
            total.push(done - started);
        }
        println!(
            "{name}: {rules} rules, {} bytes, {} diagnostics; median of 11: {:?} \
             (parse {:?}, check and analysis {:?}); file: {}",
            text.len(),
            checked.diagnostics.len(),
            median(total),
            median(parse),
            median(check),
            path.display()
        );
    }
    println!();
    type Shape = fn(usize) -> String;
    let shapes: [(&str, Shape, usize, usize); 8] = [
        ("values", values, 8_000, 64_000),
        ("shadowed", shadowed, 10_000, 100_000),
        ("bands", bands, 50, 500),
        ("falling", falling, 10_000, 100_000),
        ("rising", rising, 10_000, 100_000),
        ("mixed", mixed, 10_000, 100_000),
        ("chain", chain, 10_000, 100_000),
        ("allowed", allowed, 10_000, 100_000),
    ];
    for (name, make, small, large) in shapes {
        let mut checks = Vec::new();
        for n in [small, large] {
            let text = make(n);
            let (parse, check) = time(&text, if n == large { 3 } else { 7 });
            println!(
                "{name}-{n}: {} bytes; parse {parse:?}, check {check:?} = {:.1} x parse",
                text.len(),
                check.as_secs_f64() / parse.as_secs_f64()
            );
            checks.push(check);
        }
        let growth = checks[1].as_secs_f64() / checks[0].as_secs_f64();
        println!(
            "{name}: check time x{growth:.1} for x{} the size: {:.2} of linear",
            large / small,
            growth / (large / small) as f64
        );
    }
    println!();
    // Set when the benchmark is built with the command line (the default).
    let Some(binary) = option_env!("CARGO_BIN_EXE_dunning") else {
        println!("cli: not built (no `cli` feature)");
        return;
    };
    let (small, large) = (10_000, 100_000);
    let mut walls = Vec::new();
    for n in [small, large] {
        let text = shadowed(n);
        let path = dir.join(format!("shadowed-{n}.dunning"));
        std::fs::write(&path, &text).unwrap();
        let (parse, _) = time(&text, 3);
        let wall = time_cli(binary, &path, 3);
        println!(
            "cli-shadowed-{n}: `dunning check` {wall:?} ({n} warnings) = {:.1} x parse",
            wall.as_secs_f64() / parse.as_secs_f64()
        );
        walls.push(wall);
    }
    let growth = walls[1].as_secs_f64() / walls[0].as_secs_f64();
    println!(
        "cli-shadowed: wall time x{growth:.1} for x{} the size: {:.2} of linear",
        large / small,
        growth / (large / small) as f64
    );
}
