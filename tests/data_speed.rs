//! Loading a million invoices must take well under a second in release.
//! Ignored by default (it needs a release build to mean anything):
//!
//! ```sh
//! cargo test --release --test data_speed -- --ignored --nocapture
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write;
use std::time::Instant;

use dunning::data::{self, Format};

const SEGMENTS: [&str; 4] = ["strategic", "key", "standard", "small"];

fn million_invoices() -> String {
    let mut text = String::with_capacity(110 << 20);
    text.push_str(
        "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_date,disputed,segment,country\n",
    );
    for i in 0..1_000_000u32 {
        let month = 1 + i % 12;
        let day = 1 + i % 28;
        let paid = if i % 3 == 0 {
            format!("2025-{month:02}-{:02}", (day + 1).min(28))
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "INV-{i:07},C-{:05},2025-{month:02}-{day:02},2025-{month:02}-28,{}.{:02},EUR,{paid},{},{},FR",
            i % 40_000,
            10 + i % 9_000,
            i % 100,
            if i % 50 == 0 { "true" } else { "" },
            SEGMENTS[(i % 4) as usize],
        );
    }
    text
}

#[test]
#[ignore = "run in release: cargo test --release --test data_speed -- --ignored"]
fn a_million_invoices_load_in_well_under_a_second() {
    let policy = dunning::check(&dunning::parse(
        "attribute segment in [strategic, key, standard, small]\n\
         when segment = strategic and overdue > 15d then call\n",
    ))
    .policy
    .unwrap();
    let text = million_invoices();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let invoices =
            data::read_invoices("invoices.csv", text.as_bytes(), Format::Csv, &policy).unwrap();
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(invoices.len(), 1_000_000);
        best = best.min(elapsed);
    }
    println!("1M invoices ({} MB): {best:.3} s", text.len() >> 20);
    if !cfg!(debug_assertions) {
        assert!(best < 0.8, "{best:.3} s");
    }
}
