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
//! With the `columnar` feature (on by default), the same rows are also
//! written, at run time, as a Parquet file (Snappy pages, typed columns:
//! Date32 dates, Decimal128 amounts, dictionary currencies and segments)
//! and an Arrow IPC file (uncompressed), and two more jobs take turns with
//! the first two: `read_invoices` of each. A third, `columnar decode only`,
//! decodes the Parquet file's used columns without building an `Invoice`,
//! to tell the format's cost from the conversion's. The bench prints each
//! loader's speed-up over the CSV loader.
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
    #[cfg(feature = "columnar")]
    columnar::bench(&policy, &text, e, runs);
}

/// Parquet and Arrow IPC input against the CSV loader (feature `columnar`).
#[cfg(feature = "columnar")]
mod columnar {
    use std::hint::black_box;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use arrow_array::builder::{
        BooleanBuilder, Date32Builder, Decimal128Builder, StringBuilder, StringDictionaryBuilder,
    };
    use arrow_array::types::Int8Type;
    use arrow_array::{Array, ArrayRef, RecordBatch};
    use arrow_schema::{Field, Schema};
    use dunning::data::{self, Format};

    use super::{median, INVOICES, SEGMENTS};

    /// The CSV's rows as typed columns: the same values, cell for cell.
    fn batch() -> RecordBatch {
        let n = INVOICES as usize;
        let mut id = StringBuilder::with_capacity(n, n * 11);
        let mut customer = StringBuilder::with_capacity(n, n * 7);
        let mut issue = Date32Builder::with_capacity(n);
        let mut due = Date32Builder::with_capacity(n);
        let mut amount = Decimal128Builder::with_capacity(n);
        let mut currency = StringDictionaryBuilder::<Int8Type>::new();
        let mut paid = Date32Builder::with_capacity(n);
        let mut disputed = BooleanBuilder::with_capacity(n);
        let mut segment = StringDictionaryBuilder::<Int8Type>::new();
        let mut country = StringDictionaryBuilder::<Int8Type>::new();
        let day = |month: u32, day: u32| {
            let d = chrono::NaiveDate::from_ymd_opt(2025, month, day).expect("a date");
            (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")).num_days() as i32
        };
        for i in 0..INVOICES {
            let month = 1 + i % 12;
            let d = 1 + i % 28;
            id.append_value(format!("INV-{i:07}"));
            customer.append_value(format!("C-{:05}", i % 40_000));
            issue.append_value(day(month, d));
            due.append_value(day(month, 28));
            amount.append_value(i128::from(10 + i % 9_000) * 100 + i128::from(i % 100));
            currency.append_value("EUR");
            paid.append_option((i % 3 == 0).then(|| day(month, (d + 1).min(28))));
            disputed.append_option((i % 50 == 0).then_some(true));
            segment.append_value(SEGMENTS[(i % 4) as usize]);
            country.append_value("FR");
        }
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("invoice_id", Arc::new(id.finish())),
            ("customer_id", Arc::new(customer.finish())),
            ("issue_date", Arc::new(issue.finish())),
            ("due_date", Arc::new(due.finish())),
            (
                "amount",
                Arc::new(
                    amount
                        .finish()
                        .with_precision_and_scale(12, 2)
                        .expect("a decimal type"),
                ),
            ),
            ("currency", Arc::new(currency.finish())),
            ("paid_date", Arc::new(paid.finish())),
            ("disputed", Arc::new(disputed.finish())),
            ("segment", Arc::new(segment.finish())),
            ("country", Arc::new(country.finish())),
        ];
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
            .collect();
        RecordBatch::try_new(
            Arc::new(Schema::new(fields)),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .expect("a batch")
    }

    fn parquet(batch: &RecordBatch) -> Vec<u8> {
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build();
        let mut out = Vec::new();
        let mut w = parquet::arrow::ArrowWriter::try_new(&mut out, batch.schema(), Some(props))
            .expect("a writer");
        w.write(batch).expect("written");
        w.close().expect("closed");
        out
    }

    fn arrow(batch: &RecordBatch) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w =
            arrow_ipc::writer::FileWriter::try_new(&mut out, &batch.schema()).expect("a writer");
        for at in (0..batch.num_rows()).step_by(65_536) {
            w.write(&batch.slice(at, 65_536.min(batch.num_rows() - at)))
                .expect("written");
        }
        w.finish().expect("finished");
        drop(w);
        out
    }

    /// The Parquet file's used columns decoded, nothing built from them:
    /// what any reader of the format pays.
    fn decode_only(bytes: &bytes::Bytes) -> usize {
        let builder =
            parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes.clone())
                .expect("a reader");
        let mask = parquet::arrow::ProjectionMask::roots(
            builder.parquet_schema(),
            [0, 1, 2, 3, 4, 5, 6, 7, 8],
        );
        let reader = builder
            .with_projection(mask)
            .with_batch_size(8192)
            .build()
            .expect("a reader");
        reader
            .map(|b| {
                b.expect("a batch")
                    .columns()
                    .iter()
                    .map(|c| c.len())
                    .sum::<usize>()
            })
            .sum()
    }

    pub(super) fn bench(policy: &dunning::Policy, csv: &str, csv_median: Duration, runs: usize) {
        let batch = batch();
        let parquet = parquet(&batch);
        let arrow = arrow(&batch);
        drop(batch);
        let from_csv = data::read_invoices("i.csv", csv.as_bytes(), Format::Csv, policy)
            .expect("the generated invoices are valid");
        let shared = bytes::Bytes::from(parquet.clone());
        let (mut p, mut a, mut c, mut d) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for round in 0..=runs {
            let start = Instant::now();
            let from_parquet = data::read_invoices("i.parquet", &parquet, Format::Parquet, policy)
                .expect("the Parquet file is valid");
            let parquet_took = start.elapsed();
            let start = Instant::now();
            let from_arrow = data::read_invoices("i.arrow", &arrow, Format::Arrow, policy)
                .expect("the Arrow file is valid");
            let arrow_took = start.elapsed();
            let start = Instant::now();
            let again = data::read_invoices("i.csv", csv.as_bytes(), Format::Csv, policy)
                .expect("the generated invoices are valid");
            let csv_took = start.elapsed();
            let start = Instant::now();
            black_box(decode_only(black_box(&shared)));
            let decode_took = start.elapsed();
            if round == 0 {
                // The same invoices, on their rows instead of their lines.
                for (read, name) in [(&from_parquet, "Parquet"), (&from_arrow, "Arrow")] {
                    assert_eq!(read.len(), from_csv.len(), "{name}");
                    for (x, y) in read.iter().zip(&from_csv) {
                        assert_eq!(x.line + 1, y.line, "{name}");
                        assert_eq!(
                            (&x.id, x.amount, x.due_date, &x.attributes),
                            (&y.id, y.amount, y.due_date, &y.attributes),
                            "{name}"
                        );
                        assert_eq!(
                            (x.paid_date, x.disputed),
                            (y.paid_date, y.disputed),
                            "{name}"
                        );
                    }
                }
            }
            drop(black_box(from_parquet));
            drop(black_box(from_arrow));
            drop(black_box(again));
            if round > 0 {
                p.push(parquet_took);
                a.push(arrow_took);
                c.push(csv_took);
                d.push(decode_took);
            }
        }
        let (p, a, c, d) = (median(p), median(a), median(c), median(d));
        println!(
            "the same rows as Parquet ({} MB, Snappy) and Arrow IPC ({} MB), medians of {runs} rounds:",
            parquet.len() >> 20,
            arrow.len() >> 20
        );
        println!(
            "  read_invoices CSV      {:>8.3} s (first set of rounds: {:.3} s)",
            c.as_secs_f64(),
            csv_median.as_secs_f64()
        );
        println!("  read_invoices Parquet  {:>8.3} s", p.as_secs_f64());
        println!("  read_invoices Arrow    {:>8.3} s", a.as_secs_f64());
        println!("  Parquet decode only    {:>8.3} s", d.as_secs_f64());
        println!(
            "  CSV / Parquet          {:>8.2}",
            c.as_secs_f64() / p.as_secs_f64()
        );
        println!(
            "  CSV / Arrow            {:>8.2}",
            c.as_secs_f64() / a.as_secs_f64()
        );
        println!(
            "  decode share of Parquet{:>8.2}",
            d.as_secs_f64() / p.as_secs_f64()
        );
    }
}
