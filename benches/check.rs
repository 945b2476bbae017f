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
}
