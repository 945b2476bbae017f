//! Parquet and Arrow IPC input (feature `columnar`): the sample year of
//! `data/`, written at test time with the arrow-rs writers, gives the same
//! replay as its CSV, byte for byte; hostile files (a binary float amount,
//! a null id, a negative amount, dates out of range, damaged or cut-short
//! files, a large row group) give errors naming the row and the column.
#![cfg(feature = "columnar")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, LargeStringBuilder,
    StringBuilder, StringDictionaryBuilder, StringViewBuilder, TimestampMillisecondBuilder,
};
use arrow_array::types::Int32Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use assert_cmd::Command;
use dunning::data::{self, Format};

/// How a CSV column is written as an Arrow column.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Large,
    View,
    Dict,
    Date,
    /// Decimal128 with this scale.
    Decimal(i8),
    Float,
    Bool,
    /// Milliseconds since 1970, at midnight plus 13:45.
    Timestamp,
}

fn days(text: &str) -> i32 {
    let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

/// `12.5` as an integer of `scale` decimals.
fn scaled(text: &str, scale: i8) -> i128 {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let negative = int.starts_with('-');
    let mut digits = format!("{}{frac}", int.trim_start_matches('-'));
    for _ in frac.len()..scale as usize {
        digits.push('0');
    }
    let v: i128 = digits.parse().unwrap();
    if negative {
        -v
    } else {
        v
    }
}

/// One Arrow column from CSV cells: an empty cell is a null.
fn column(cells: &[&str], kind: Kind) -> (DataType, ArrayRef) {
    fn opt<'a>(c: &&'a str) -> Option<&'a str> {
        (!c.is_empty()).then_some(*c)
    }
    match kind {
        Kind::Text => {
            let mut b = StringBuilder::new();
            cells.iter().for_each(|c| b.append_option(opt(c)));
            (DataType::Utf8, Arc::new(b.finish()))
        }
        Kind::Large => {
            let mut b = LargeStringBuilder::new();
            cells.iter().for_each(|c| b.append_option(opt(c)));
            (DataType::LargeUtf8, Arc::new(b.finish()))
        }
        Kind::View => {
            let mut b = StringViewBuilder::new();
            cells.iter().for_each(|c| b.append_option(opt(c)));
            (DataType::Utf8View, Arc::new(b.finish()))
        }
        Kind::Dict => {
            let mut b = StringDictionaryBuilder::<Int32Type>::new();
            cells.iter().for_each(|c| b.append_option(opt(c)));
            let a = b.finish();
            (a.data_type().clone(), Arc::new(a))
        }
        Kind::Date => {
            let mut b = Date32Builder::new();
            cells.iter().for_each(|c| b.append_option(opt(c).map(days)));
            (DataType::Date32, Arc::new(b.finish()))
        }
        Kind::Decimal(scale) => {
            let mut b = Decimal128Builder::new();
            cells
                .iter()
                .for_each(|c| b.append_option(opt(c).map(|c| scaled(c, scale))));
            let a = b.finish().with_precision_and_scale(38, scale).unwrap();
            (a.data_type().clone(), Arc::new(a))
        }
        Kind::Float => {
            let mut b = Float64Builder::new();
            cells
                .iter()
                .for_each(|c| b.append_option(opt(c).map(|c| c.parse().unwrap())));
            (DataType::Float64, Arc::new(b.finish()))
        }
        Kind::Bool => {
            let mut b = BooleanBuilder::new();
            cells
                .iter()
                .for_each(|c| b.append_option(opt(c).map(|c| c == "true")));
            (DataType::Boolean, Arc::new(b.finish()))
        }
        Kind::Timestamp => {
            let mut b = TimestampMillisecondBuilder::new();
            cells.iter().for_each(|c| {
                b.append_option(opt(c).map(|c| i64::from(days(c)) * 86_400_000 + 49_500_000))
            });
            let a = b.finish();
            (a.data_type().clone(), Arc::new(a))
        }
    }
}

/// A CSV text as one record batch, each column of the kind given (text
/// when not named).
fn batch(csv: &str, kinds: &[(&str, Kind)]) -> RecordBatch {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let cells: Vec<&str> = records.iter().map(|r| r.get(i).unwrap()).collect();
        let kind = kinds
            .iter()
            .find(|(n, _)| n == name)
            .map_or(Kind::Text, |(_, k)| *k);
        let (ty, array) = column(&cells, kind);
        fields.push(Field::new(name, ty, true));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap()
}

/// The batch as a Parquet file: Snappy pages, row groups of `group` rows.
fn parquet(batch: &RecordBatch, group: usize) -> Vec<u8> {
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .set_max_row_group_size(group)
        .build();
    let mut out = Vec::new();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
    out
}

/// The batch as an Arrow IPC file, its buffers in LZ4 frames, in batches
/// of 700 rows.
fn arrow_file(batch: &RecordBatch) -> Vec<u8> {
    let options = arrow_ipc::writer::IpcWriteOptions::default()
        .try_with_compression(Some(arrow_ipc::CompressionType::LZ4_FRAME))
        .unwrap();
    let mut out = Vec::new();
    let mut w =
        arrow_ipc::writer::FileWriter::try_new_with_options(&mut out, &batch.schema(), options)
            .unwrap();
    for at in (0..batch.num_rows()).step_by(700) {
        w.write(&batch.slice(at, 700.min(batch.num_rows() - at)))
            .unwrap();
    }
    w.finish().unwrap();
    drop(w);
    out
}

/// The batch as an Arrow IPC stream, uncompressed.
fn arrow_stream(batch: &RecordBatch) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut out, &batch.schema()).unwrap();
    w.write(batch).unwrap();
    w.finish().unwrap();
    drop(w);
    out
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample(file: &str) -> String {
    std::fs::read_to_string(root().join("data").join(file)).unwrap()
}

/// The sample's files written as typed columns, in each format.
fn sample_files(dir: &Path) -> Vec<[std::path::PathBuf; 3]> {
    let invoices = batch(
        &sample("invoices-2025.csv"),
        &[
            ("customer_id", Kind::Dict),
            ("issue_date", Kind::Date),
            ("due_date", Kind::Timestamp),
            ("amount", Kind::Decimal(2)),
            ("currency", Kind::Dict),
            ("paid_date", Kind::Date),
            ("segment", Kind::Dict),
            ("country", Kind::View),
            ("account_manager", Kind::Large),
        ],
    );
    let payments = batch(
        &sample("payments-2025.csv"),
        &[("date", Kind::Date), ("amount", Kind::Decimal(2))],
    );
    let events = batch(
        &sample("events-2025.csv"),
        &[
            ("date", Kind::Date),
            ("until", Kind::Date),
            ("event", Kind::Dict),
        ],
    );
    let mut out = Vec::new();
    for (ext, write) in [
        (
            "parquet",
            (|b: &RecordBatch| parquet(b, 1000)) as fn(&RecordBatch) -> Vec<u8>,
        ),
        ("arrow", arrow_file),
        ("arrows", arrow_stream),
    ] {
        let files = [
            ("invoices", &invoices),
            ("payments", &payments),
            ("events", &events),
        ]
        .map(|(name, batch)| {
            let path = dir.join(format!("{name}.{ext}"));
            std::fs::write(&path, write(batch)).unwrap();
            path
        });
        out.push(files);
    }
    out
}

fn simulate(invoices: &Path, payments: &Path, events: &Path, format: &str) -> String {
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .current_dir(root())
        .args([
            "simulate",
            "policies/",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
        ])
        .args(["--format", format])
        .arg("--invoices")
        .arg(invoices)
        .arg("--payments")
        .arg(payments)
        .arg("--events")
        .arg(events)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_sample_year_replays_the_same_from_parquet_and_arrow() {
    let dir = tempfile::tempdir().unwrap();
    let data = root().join("data");
    for format in ["table", "json"] {
        let csv = simulate(
            &data.join("invoices-2025.csv"),
            &data.join("payments-2025.csv"),
            &data.join("events-2025.csv"),
            format,
        );
        assert!(csv.len() > 1000);
        for [invoices, payments, events] in sample_files(dir.path()) {
            let columnar = simulate(&invoices, &payments, &events, format);
            assert!(
                columnar == csv,
                "{} gives another {format} output than the CSV",
                invoices.display()
            );
        }
    }
}

#[test]
fn the_loaders_read_the_same_values_as_from_csv() {
    let policy = dunning::check(&dunning::parse(
        &std::fs::read_to_string(root().join("policies/french_b2b.dunning")).unwrap(),
    ))
    .policy
    .unwrap();
    let csv = sample("invoices-2025.csv");
    let from_csv = data::read_invoices("i.csv", csv.as_bytes(), Format::Csv, &policy).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for [invoices, ..] in sample_files(dir.path()) {
        let bytes = std::fs::read(&invoices).unwrap();
        let format = Format::from_path(&invoices).unwrap();
        let read = data::read_invoices("i", &bytes, format, &policy).unwrap();
        assert_eq!(read.len(), from_csv.len());
        for (a, b) in read.iter().zip(&from_csv) {
            // The same invoice, but on its row (the CSV counts its header).
            assert_eq!(a.line + 1, b.line);
            assert_eq!(
                dunning::data::Invoice {
                    line: b.line,
                    ..a.clone()
                },
                *b
            );
        }
        // Standard input: told from its magic bytes.
        assert_eq!(Format::sniff(&bytes), format);
    }
}

fn policy() -> dunning::Policy {
    dunning::check(&dunning::parse(
        "attribute segment in [strategic, key, standard, small]\n\
         attribute risk: number\n\
         when segment = strategic and risk > 3 and overdue > 15d then call\n",
    ))
    .policy
    .unwrap()
}

const INVOICES: &str = "\
invoice_id,customer_id,issue_date,due_date,amount,currency,paid_date,disputed,segment,risk
INV-1,C-1,2025-01-15,2025-02-14,100.00,EUR,,false,strategic,4
INV-2,C-2,2025-01-16,2025-02-15,12.50,USD,2025-02-01,true,small,-1.5
INV-3,C-2,2025-01-17,2025-02-16,99.99,EUR,,,key,2
";

const TYPED: [(&str, Kind); 7] = [
    ("issue_date", Kind::Date),
    ("due_date", Kind::Date),
    ("paid_date", Kind::Date),
    ("amount", Kind::Decimal(2)),
    ("currency", Kind::Dict),
    ("disputed", Kind::Bool),
    ("risk", Kind::Decimal(1)),
];

/// The errors of reading `batch` as invoices from a Parquet file, rendered.
fn errors_of(batch: &RecordBatch) -> String {
    let bytes = parquet(batch, 1000);
    let errors = data::read_invoices("i.parquet", &bytes, Format::Parquet, &policy()).unwrap_err();
    errors.to_string()
}

#[test]
fn typed_files_read_as_their_csv() {
    let policy = policy();
    let from_csv = data::read_invoices("i.csv", INVOICES.as_bytes(), Format::Csv, &policy).unwrap();
    let typed = batch(INVOICES, &TYPED);
    for (bytes, format) in [
        (parquet(&typed, 2), Format::Parquet),
        (arrow_file(&typed), Format::Arrow),
        (arrow_stream(&typed), Format::Arrow),
    ] {
        let read = data::read_invoices("i", &bytes, format, &policy).unwrap();
        let lines: Vec<usize> = read.iter().map(|i| i.line).collect();
        assert_eq!(lines, [1, 2, 3]);
        let relined: Vec<_> = read
            .into_iter()
            .zip(&from_csv)
            .map(|(a, b)| dunning::data::Invoice { line: b.line, ..a })
            .collect();
        assert_eq!(relined, from_csv);
    }
}

#[test]
fn a_float_amount_is_refused_once_naming_the_column() {
    let mut kinds = TYPED.to_vec();
    kinds[3] = ("amount", Kind::Float);
    insta::assert_snapshot!(errors_of(&batch(INVOICES, &kinds)));
}

#[test]
fn nulls_negative_amounts_and_bad_values_name_the_row_and_column() {
    let bad = INVOICES
        .replace("INV-2,C-2", ",C-2")
        .replace("99.99,EUR", "-99.99,EUR")
        .replace(",key,", ",vip,");
    insta::assert_snapshot!(errors_of(&batch(&bad, &TYPED)));
}

#[test]
fn dates_out_of_range_are_refused() {
    let typed = batch(INVOICES, &TYPED);
    let schema = typed.schema();
    let mut columns = typed.columns().to_vec();
    let at = schema.index_of("due_date").unwrap();
    columns[at] = Arc::new(arrow_array::Date32Array::from(vec![
        Some(i32::MAX),
        Some(-719_164),
        Some(2_932_897),
    ]));
    let typed = RecordBatch::try_new(schema, columns).unwrap();
    insta::assert_snapshot!(errors_of(&typed));
}

#[test]
fn a_profile_maps_the_columns_of_a_parquet_file() {
    let renamed =
        INVOICES
            .replacen("invoice_id", "N° facture", 1)
            .replacen("due_date", "Échéance", 1);
    let kinds: Vec<(&str, Kind)> = TYPED
        .iter()
        .map(|&(n, k)| (if n == "due_date" { "Échéance" } else { n }, k))
        .collect();
    let bytes = parquet(&batch(&renamed, &kinds), 1000);
    let profile = data::Profile::from_yaml(
        "p.yaml",
        "date_format: \"%d/%m/%Y\"\ndecimal: \",\"\ntrue: [oui]\nfalse: [non]\n\
         columns:\n  invoice_id: \"N° facture\"\n  due_date: Échéance\n",
    )
    .unwrap();
    let import = data::Import {
        profile,
        strict: true,
    };
    let read =
        data::read_invoices_with("f.parquet", &bytes, Format::Parquet, &policy(), &import).unwrap();
    let from_csv =
        data::read_invoices("i.csv", INVOICES.as_bytes(), Format::Csv, &policy()).unwrap();
    let ids: Vec<&str> = read.value.invoices.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["INV-1", "INV-2", "INV-3"]);
    for (a, b) in read.value.invoices.iter().zip(&from_csv) {
        assert_eq!(
            (a.due_date, a.amount, a.disputed),
            (b.due_date, b.amount, b.disputed)
        );
    }
    // A missing mapped column is named by the file's header.
    let no_due = INVOICES.replacen("due_date", "Due", 1);
    let bytes = parquet(&batch(&no_due, &[]), 1000);
    let errors = data::read_invoices_with("f.parquet", &bytes, Format::Parquet, &policy(), &import)
        .unwrap_err();
    insta::assert_snapshot!(errors.to_string());
}

#[test]
fn damaged_and_cut_short_files_are_refused() {
    let typed = batch(INVOICES, &TYPED);
    let policy = policy();
    let mut out = String::new();
    let good = parquet(&typed, 1000);
    let mut damaged = good.clone();
    // The footer's metadata, just before its length and the magic.
    let n = damaged.len();
    for b in &mut damaged[n - 40..n - 8] {
        *b = 0xEE;
    }
    let arrow = arrow_file(&typed);
    let stream = arrow_stream(&typed);
    let cases: Vec<(&str, Vec<u8>, Format)> = vec![
        (
            "parquet cut short",
            good[..good.len() - 100].to_vec(),
            Format::Parquet,
        ),
        ("parquet damaged footer", damaged, Format::Parquet),
        (
            "csv named .parquet",
            INVOICES.as_bytes().to_vec(),
            Format::Parquet,
        ),
        ("empty parquet", Vec::new(), Format::Parquet),
        (
            "arrow file cut short",
            arrow[..arrow.len() / 2].to_vec(),
            Format::Arrow,
        ),
        (
            "arrow stream cut short",
            stream[..stream.len() - 40].to_vec(),
            Format::Arrow,
        ),
        ("not arrow", b"hello, world".to_vec(), Format::Arrow),
        (
            "feather v1",
            b"FEA1\0\0\0\0\0\0\0\0FEA1".to_vec(),
            Format::Arrow,
        ),
    ];
    for (what, bytes, format) in cases {
        let errors = data::read_invoices("f", &bytes, format, &policy).unwrap_err();
        out.push_str(&format!("{what}:\n{errors}\n\n"));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_large_row_group_is_read_in_batches_and_rows_are_counted_across_them() {
    let mut csv = String::from(INVOICES.lines().next().unwrap());
    csv.push('\n');
    for i in 1..=50_000 {
        let id = if i == 45_678 {
            String::new()
        } else {
            format!("INV-{i:06}")
        };
        csv.push_str(&format!(
            "{id},C-{},2025-01-15,2025-02-14,100.00,EUR,,false,strategic,4\n",
            i % 100
        ));
    }
    let typed = batch(&csv, &TYPED);
    let bytes = parquet(&typed, 1 << 20);
    let errors =
        data::read_invoices("big.parquet", &bytes, Format::Parquet, &policy()).unwrap_err();
    assert_eq!(errors.total(), 1);
    assert_eq!(errors.errors()[0].row(), Some(45_678));
    assert_eq!(errors.errors()[0].column(), Some("invoice_id"));
    // The same rows without the null id: every row read.
    let good = csv.replace("\n,C-78,", "\nINV-045678,C-78,");
    let bytes = parquet(&batch(&good, &TYPED), 1 << 20);
    let read = data::read_invoices("big.parquet", &bytes, Format::Parquet, &policy()).unwrap();
    assert_eq!(read.len(), 50_000);
    assert_eq!(read[45_677].id, "INV-045678");
    assert_eq!(read[49_999].line, 50_000);
}

#[test]
fn the_cli_exits_1_on_a_refused_parquet_file_naming_the_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut kinds = TYPED.to_vec();
    kinds[3] = ("amount", Kind::Float);
    let path = dir.path().join("invoices.parquet");
    std::fs::write(&path, parquet(&batch(INVOICES, &kinds), 1000)).unwrap();
    let policy = dir.path().join("p.dunning");
    std::fs::write(
        &policy,
        "attribute segment: text\nattribute risk: number\nwhen overdue > 15d then email\n",
    )
    .unwrap();
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .arg("plan")
        .arg(&policy)
        .arg("--invoices")
        .arg(&path)
        .args(["--date", "2025-03-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("invoices.parquet: column `amount`: the column is of type Float64"),
        "{stderr}"
    );
}

#[test]
fn inspect_lists_the_columns_and_their_types() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = INVOICES
        .replacen("invoice_id", "Invoice Number", 1)
        .replacen("due_date", "Due Date", 1);
    let path = dir.path().join("export.parquet");
    std::fs::write(&path, parquet(&batch(&renamed, &TYPED), 1000)).unwrap();
    let out = Command::cargo_bin("dunning")
        .unwrap()
        .arg("inspect")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(text.replace(&dir.path().display().to_string(), "DIR"));
}
