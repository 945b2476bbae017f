//! How fast the invoice loader reads a million invoices, against the least
//! any loader must do with the same text, measured in the same run.
//!
//! `cargo bench --bench data_load` builds a 1M-invoice CSV in memory (the
//! same rows every run), then alternates two jobs, one warm-up round and
//! `BENCH_RUNS` rounds (default 5), and prints their medians and the ratio:
//!
//! - `dunning::data::read_invoices`: the product's loader (every check, the
//!   attributes typed against the policy, errors with file, row and column);
//! - a tight baseline: the `csv` crate's byte records, dates read as day
//!   numbers and amounts as integer cents by digit arithmetic, ids copied
//!   into one arena. It checks nothing a user would need, so the ratio is the
//!   price of the loader's checks and types, not a target of 1.
//!
//! A ratio, not a time, is what to compare across machines and days: the
//! 2-core machine this project runs on varies by up to 1.5 between runs of
//! the same job.

// A benchmark stops on a broken setup: that is its job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use dunning::data::{self, Format};

const INVOICES: u32 = 1_000_000;
const SEGMENTS: [&str; 4] = ["strategic", "key", "standard", "small"];

/// The rows are a function of their number: the same text every run.
fn million_invoices() -> String {
    let mut text = String::with_capacity(110 << 20);
    text.push_str(
        "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_date,disputed,segment,country\n",
    );
    for i in 0..INVOICES {
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

/// `YYYY-MM-DD` as a day number (days from 0000-03-01), no validation
/// beyond the digits: what a one-policy program would write.
fn day_number(cell: &[u8]) -> Option<i32> {
    if cell.len() != 10 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| {
        cell[r].iter().try_fold(0i32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i32::from(b - b'0'))
        })
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    Some(365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1)
}

/// `123.45` as 12345 cents.
fn cents(cell: &[u8]) -> Option<i64> {
    let mut n = 0i64;
    let mut decimals = None;
    for &b in cell {
        match b {
            b'.' if decimals.is_none() => decimals = Some(0),
            b'0'..=b'9' => {
                n = n.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                decimals = decimals.map(|d| d + 1);
            }
            _ => return None,
        }
    }
    match decimals.unwrap_or(0) {
        0 => n.checked_mul(100),
        1 => n.checked_mul(10),
        2 => Some(n),
        _ => None,
    }
}

/// One invoice: its id and customer as ends of their text in the arena,
/// dates as day numbers (`paid` -1 when open).
struct Row {
    id_end: u32,
    customer_end: u32,
    issue: i32,
    due: i32,
    paid: i32,
    cents: i64,
    segment: u8,
    disputed: bool,
}

struct Tight {
    arena: String,
    rows: Vec<Row>,
}

fn tight(text: &str) -> Tight {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut out = Tight {
        arena: String::with_capacity(text.len() / 4),
        rows: Vec::with_capacity(INVOICES as usize),
    };
    while reader.read_byte_record(&mut record).expect("csv") {
        let text = |i: usize| std::str::from_utf8(&record[i]).expect("utf-8");
        out.arena.push_str(text(0));
        let id_end = out.arena.len() as u32;
        out.arena.push_str(text(1));
        let customer_end = out.arena.len() as u32;
        let paid = if record[6].is_empty() {
            -1
        } else {
            day_number(&record[6]).expect("paid")
        };
        let segment = SEGMENTS
            .iter()
            .position(|s| s.as_bytes() == &record[8])
            .expect("segment") as u8;
        out.rows.push(Row {
            id_end,
            customer_end,
            issue: day_number(&record[2]).expect("issue"),
            due: day_number(&record[3]).expect("due"),
            paid,
            cents: cents(&record[4]).expect("amount"),
            segment,
            disputed: &record[7] == b"true",
        });
    }
    out
}

/// Both read the same rows: a baseline that read less would flatter it.
fn same_reading(invoices: &[dunning::data::Invoice], rows: &Tight) {
    assert_eq!(invoices.len(), rows.rows.len());
    let epoch = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
    let base = day_number(b"2025-01-01").expect("a date");
    let day = |d: chrono::NaiveDate| base + (d - epoch).num_days() as i32;
    let mut start = 0;
    for (invoice, row) in invoices.iter().zip(&rows.rows) {
        assert_eq!(invoice.id, rows.arena[start..row.id_end as usize]);
        let customer = &rows.arena[row.id_end as usize..row.customer_end as usize];
        assert_eq!(invoice.customer_id, customer);
        start = row.customer_end as usize;
        assert_eq!(day(invoice.issue_date), row.issue, "{}", invoice.id);
        assert_eq!(day(invoice.due_date), row.due, "{}", invoice.id);
        assert_eq!(
            invoice.paid_date.map_or(-1, day),
            row.paid,
            "{}",
            invoice.id
        );
        let cents = rust_decimal::Decimal::from(row.cents);
        assert_eq!(invoice.amount * rust_decimal::Decimal::from(100), cents);
        assert_eq!(invoice.disputed, row.disputed, "{}", invoice.id);
        assert!(usize::from(row.segment) < SEGMENTS.len());
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let policy = dunning::check(&dunning::parse(
        "attribute segment in [strategic, key, standard, small]\n\
         when segment = strategic and overdue > 15d then call\n",
    ))
    .policy
    .expect("the bench policy is valid");
    let text = million_invoices();
    let (mut engine, mut baseline) = (Vec::new(), Vec::new());
    for round in 0..=runs {
        let start = Instant::now();
        let invoices = data::read_invoices("invoices.csv", text.as_bytes(), Format::Csv, &policy)
            .expect("the generated invoices are valid");
        let took = start.elapsed();
        let start = Instant::now();
        let rows = tight(black_box(&text));
        let tight_took = start.elapsed();
        if round == 0 {
            same_reading(&invoices, &rows);
        }
        drop(black_box(invoices));
        drop(black_box(rows));
        if round > 0 {
            engine.push(took);
            baseline.push(tight_took);
        }
    }
    let (e, b) = (median(engine), median(baseline));
    println!(
        "1M invoices ({} MB of CSV), medians of {runs} rounds:",
        text.len() >> 20
    );
    println!("  read_invoices  {:>8.3} s", e.as_secs_f64());
    println!("  tight baseline {:>8.3} s", b.as_secs_f64());
    println!(
        "  ratio          {:>8.2}",
        e.as_secs_f64() / b.as_secs_f64()
    );
}
