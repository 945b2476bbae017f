//! Parquet and Arrow IPC files (feature `columnar`), read batch by batch:
//! only the columns a loader looks up are decoded (a Parquet projection),
//! so a wide export costs what its used columns cost.
//!
//! A text column (Utf8, LargeUtf8, Utf8View, or a dictionary of them) is
//! read in place; a typed cell becomes the text the profile reads, as a
//! workbook's does, so that every check and message is the CSV's:
//!
//! - a date (Date32, Date64, or a timestamp's date in UTC or the column's
//!   fixed offset) is written `YYYY-MM-DD`, which is read whatever the
//!   profile's `date_format`; a date outside the years 1 to 9999 is
//!   refused as a CSV cell holding it would be;
//! - a decimal (Decimal32 to Decimal256) is written with its scale's
//!   digits (`1017.56` stays `1017.56`) and the profile's decimal mark; an
//!   integer as it is (whole units, never cents);
//! - a boolean is the profile's first true or false word;
//! - a null is an empty cell.
//!
//! A binary float is refused wherever it is read (one error naming the
//! column and its type, not one per row): a Float64 holds 0.1 as
//! 0.1000000000000000055…, and money is exact here. So are bytes, lists,
//! structs and times of day, and a timestamp in a named time zone (its
//! dates depend on a zone database dunning does not carry).
//!
//! Messages name rows from 1, the first row of data (such a file has no
//! header line). A damaged or cut-short file is one `bad-columnar` error;
//! a panic inside the decoders (a damaged file in a way their authors did
//! not foresee) is caught and reported as such.

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type,
    Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, LargeStringArray, RecordBatch, StringArray,
    StringViewArray,
};
use arrow_schema::{ArrowError, DataType, SchemaRef, TimeUnit};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::csv::check_header;
use super::{Cells, Format, Header, Row, Sink};
use crate::data::error::{Collector, Place, Problem};
use crate::data::profile::Profile;

/// Rows decoded at a time: enough to amortise the decoders' calls, few
/// enough that a batch of the used columns stays in the cache.
const BATCH_ROWS: usize = 8192;

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

type Batches = Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>>>;

/// An opened file: its schema, and how to read the batches of some columns.
enum Source {
    Parquet(parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder<bytes::Bytes>),
    ArrowFile(Vec<u8>),
    ArrowStream(Vec<u8>),
}

impl Source {
    fn name(&self) -> &'static str {
        match self {
            Source::Parquet(_) => "Parquet",
            Source::ArrowFile(_) | Source::ArrowStream(_) => "Arrow IPC",
        }
    }

    /// The file's columns, before any projection.
    fn schema(&self) -> Result<SchemaRef, String> {
        match self {
            Source::Parquet(builder) => Ok(builder.schema().clone()),
            Source::ArrowFile(bytes) => guarded(|| {
                arrow_ipc::reader::FileReader::try_new(Cursor::new(bytes.as_slice()), None)
                    .map(|r| r.schema())
            }),
            Source::ArrowStream(bytes) => guarded(|| {
                arrow_ipc::reader::StreamReader::try_new(Cursor::new(bytes.as_slice()), None)
                    .map(|r| r.schema())
            }),
        }
    }

    /// The batches of the columns `used` (ascending indices), in file order.
    fn batches(self, used: &[usize]) -> Result<Batches, String> {
        match self {
            Source::Parquet(builder) => {
                let mask = parquet::arrow::ProjectionMask::roots(
                    builder.parquet_schema(),
                    used.iter().copied(),
                );
                let reader = guarded(|| {
                    builder
                        .with_projection(mask)
                        .with_batch_size(BATCH_ROWS)
                        .build()
                })?;
                Ok(Box::new(reader))
            }
            Source::ArrowFile(bytes) => {
                let used = used.to_vec();
                let reader = guarded(|| {
                    arrow_ipc::reader::FileReader::try_new(Cursor::new(bytes), Some(used))
                })?;
                Ok(Box::new(reader))
            }
            Source::ArrowStream(bytes) => {
                let used = used.to_vec();
                let reader = guarded(|| {
                    arrow_ipc::reader::StreamReader::try_new(Cursor::new(bytes), Some(used))
                })?;
                Ok(Box::new(reader))
            }
        }
    }
}

/// Runs a decoder, its error or panic as a message.
fn guarded<T, E: std::fmt::Display>(f: impl FnOnce() -> Result<T, E>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the file is damaged".into()),
    }
}

fn bad(message: String, help: &str) -> Problem {
    Problem::BadColumnar {
        message,
        help: (!help.is_empty()).then(|| help.to_string()),
    }
}

const WHOLE: &str =
    "check that the file is whole (a copy cut short has no footer), or export it again";

/// The file opened, or why it cannot be: not such a file, cut short,
/// damaged.
fn open(bytes: &[u8], format: Format) -> Result<Source, Problem> {
    if bytes.is_empty() {
        return Err(Problem::EmptyFile {
            help: format!("a {format} file holds at least its schema; export it again"),
        });
    }
    match format {
        Format::Parquet => {
            if !bytes.starts_with(b"PAR1") {
                return Err(bad(
                    "not a Parquet file: it does not start with `PAR1`".into(),
                    "name the file by its format: .csv, .json, .arrow…",
                ));
            }
            if bytes.len() < 12 || !bytes.ends_with(b"PAR1") {
                return Err(bad(
                    "the Parquet file is cut short: it does not end with its footer".into(),
                    WHOLE,
                ));
            }
            let data = bytes::Bytes::copy_from_slice(bytes);
            guarded(|| parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(data))
                .map(Source::Parquet)
                .map_err(|e| bad(format!("cannot read the Parquet file: {e}"), WHOLE))
        }
        _ => {
            if bytes.starts_with(b"FEA1") {
                return Err(bad(
                    "a Feather version 1 file (before Arrow IPC), which dunning does not read"
                        .into(),
                    "write it again as Feather version 2 (pyarrow's `feather.write_feather`, the default) or as Parquet",
                ));
            }
            if bytes.starts_with(b"ARROW1") {
                if bytes.len() < 12 || !bytes.ends_with(b"ARROW1") {
                    return Err(bad(
                        "the Arrow IPC file is cut short: it does not end with its footer".into(),
                        WHOLE,
                    ));
                }
                Ok(Source::ArrowFile(bytes.to_vec()))
            } else {
                Ok(Source::ArrowStream(bytes.to_vec()))
            }
        }
    }
}

pub(super) fn read_columnar(
    bytes: &[u8],
    format: Format,
    profile: &Profile,
    sink: &mut impl Sink,
    errors: &mut Collector,
) {
    let mut cell_profile = profile.clone();
    cell_profile.columnar = true;
    let profile = &cell_profile;
    let source = match open(bytes, format) {
        Ok(source) => source,
        Err(problem) => return errors.push(Place::File, None, problem),
    };
    let what = source.name();
    let schema = match source.schema() {
        Ok(schema) => schema,
        Err(e) => {
            let message = if matches!(source, Source::ArrowStream(_)) {
                format!("not an Arrow IPC file or stream: {e}")
            } else {
                format!("cannot read the {what} file: {e}")
            };
            return errors.push(Place::File, None, bad(message, WHOLE));
        }
    };
    let names: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| f.name().trim().to_string())
        .collect();
    check_header(&names, Place::File, errors);
    let header = Header::new(names, "column", profile);
    sink.header(&header, errors);
    let used: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| header.is_used(i))
        .collect();
    let mut refused = false;
    for &i in &used {
        if let Err(problem) = readable(schema.field(i).data_type()) {
            errors.push(Place::File, Some(header.name(i)), problem);
            refused = true;
        }
    }
    if refused || used.is_empty() {
        return;
    }
    let batches = match source.batches(&used) {
        Ok(b) => b,
        Err(e) => {
            let message = format!("cannot read the {what} file: {e}");
            return errors.push(Place::File, None, bad(message, WHOLE));
        }
    };
    let mut batches = batches;
    let mut rows = 0usize;
    loop {
        let next = match guarded(|| batches.next().transpose()) {
            Ok(Some(batch)) => batch,
            Ok(None) => break,
            Err(e) => {
                let message = if rows == 0 {
                    format!("cannot read the {what} file: {e}")
                } else {
                    format!("cannot read the {what} file after row {rows}: {e}")
                };
                return errors.push(Place::File, None, bad(message, WHOLE));
            }
        };
        let batch = Batch::new(&next, &used, header.names.len(), profile);
        for row in 0..next.num_rows() {
            rows += 1;
            let cells = Cells {
                row: Row::Columnar(&batch, row),
                place: Place::Row(rows),
                header: &header,
                profile,
            };
            sink.row(&cells, errors);
        }
    }
}

/// The first `limit` rows as text, the column names first, and each
/// column's type, for `inspect`. A column of a type dunning cannot read
/// is shown empty.
pub(crate) fn sample_rows(
    bytes: &[u8],
    format: Format,
    limit: usize,
) -> Result<(Vec<Vec<String>>, Vec<String>), Problem> {
    let source = open(bytes, format)?;
    let what = source.name();
    let schema = source
        .schema()
        .map_err(|e| bad(format!("cannot read the {what} file: {e}"), WHOLE))?;
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let types: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| f.data_type().to_string())
        .collect();
    let used: Vec<usize> = (0..names.len())
        .filter(|&i| readable(schema.field(i).data_type()).is_ok())
        .collect();
    let mut rows = vec![names.clone()];
    if used.is_empty() {
        return Ok((rows, types));
    }
    let profile = Profile::default();
    let mut batches = source
        .batches(&used)
        .map_err(|e| bad(format!("cannot read the {what} file: {e}"), WHOLE))?;
    while rows.len() <= limit {
        let next = match guarded(|| batches.next().transpose()) {
            Ok(Some(batch)) => batch,
            Ok(None) => break,
            Err(e) => return Err(bad(format!("cannot read the {what} file: {e}"), WHOLE)),
        };
        let batch = Batch::new(&next, &used, names.len(), &profile);
        for row in 0..next.num_rows().min(limit + 1 - rows.len()) {
            rows.push(
                (0..names.len())
                    .map(|c| batch.text(c, row).to_string())
                    .collect(),
            );
        }
    }
    Ok((rows, types))
}

/// Whether a column of this type can be read, and if not, why.
fn readable(data_type: &DataType) -> Result<(), Problem> {
    use DataType::*;
    let refuse = |why: &'static str, help: &str| {
        Err(Problem::ColumnType {
            found: data_type.to_string(),
            why,
            help: help.to_string(),
        })
    };
    match data_type {
        Utf8 | LargeUtf8 | Utf8View | Boolean | Null | Date32 | Date64 => Ok(()),
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 => Ok(()),
        Decimal32(..) | Decimal64(..) | Decimal128(..) | Decimal256(..) => Ok(()),
        Timestamp(_, tz) => match tz.as_deref().map(fixed_offset) {
            None | Some(Some(_)) => Ok(()),
            Some(None) => refuse(
                "its dates depend on a named time zone, which dunning does not look up",
                "write the column as Date32 (the dates themselves), or as timestamps in UTC or with a fixed offset such as +01:00",
            ),
        },
        Dictionary(_, values) if matches!(values.as_ref(), Utf8 | LargeUtf8 | Utf8View) => Ok(()),
        Float16 | Float32 | Float64 => refuse(
            "a binary float does not hold decimals exactly (0.1 is stored as 0.1000000000000000055…), and dunning reads amounts and numbers exactly",
            "write the column as Decimal128 (such as decimal(18, 2) for amounts), as integers, or as text",
        ),
        Binary | LargeBinary | BinaryView | FixedSizeBinary(_) => refuse(
            "bytes are not text",
            "write the column as text (Utf8)",
        ),
        _ => refuse(
            "dunning reads a single value per cell: a text, a date, a decimal, an integer or a boolean",
            "write the column as one of those types",
        ),
    }
}

/// A time zone that is a fixed offset (`UTC`, `Z`, `+01:00`, `-0500`), in
/// seconds east of UTC; `None` for a named zone (`Europe/Paris`).
fn fixed_offset(tz: &str) -> Option<i64> {
    let tz = tz.trim();
    if matches!(
        tz,
        "UTC" | "Z" | "z" | "utc" | "Etc/UTC" | "GMT" | "Etc/GMT"
    ) {
        return Some(0);
    }
    let (sign, rest) = match tz.as_bytes().first()? {
        b'+' => (1, &tz[1..]),
        b'-' => (-1, &tz[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i64>().ok()?, 0),
        4 => (
            digits[..2].parse::<i64>().ok()?,
            digits[2..].parse::<i64>().ok()?,
        ),
        _ => return None,
    };
    (hours <= 23 && minutes <= 59).then_some(sign * (hours * 3600 + minutes * 60))
}

/// The used columns of one batch, by their index in the header.
pub(crate) struct Batch {
    columns: Vec<Option<Column>>,
    /// How typed cells are written: the profile's decimal mark and words.
    style: Style,
}

struct Style {
    decimal: char,
    yes: String,
    no: String,
}

/// One column of a batch, as the loaders read its cells.
enum Column {
    Utf8(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
    /// Keys into the values (normalised; `usize::MAX` for a null).
    Dictionary {
        keys: Vec<usize>,
        values: Box<Column>,
    },
    /// Typed cells, written as text only if a loader asks for the text (the
    /// typed readers `date` and `decimal` read most cells directly).
    Typed {
        array: ArrayRef,
        /// Seconds east of UTC, for a timestamp's date.
        offset: i64,
        written: OnceCell<Written>,
    },
    Nulls,
}

/// Typed cells as text: cell `i` is `text[ends[i]..ends[i + 1]]`.
struct Written {
    text: String,
    ends: Vec<u32>,
}

impl Batch {
    fn new(batch: &RecordBatch, used: &[usize], width: usize, profile: &Profile) -> Batch {
        let mut columns: Vec<Option<Column>> = (0..width).map(|_| None).collect();
        for (array, &at) in batch.columns().iter().zip(used) {
            if let Some(slot) = columns.get_mut(at) {
                *slot = Some(Column::new(array));
            }
        }
        Batch {
            columns,
            style: Style {
                decimal: profile.decimal,
                yes: profile.bool_word(true).to_string(),
                no: profile.bool_word(false).to_string(),
            },
        }
    }

    /// The cell's text, empty for a null or a column not read.
    pub(crate) fn text(&self, column: usize, row: usize) -> &str {
        match self.columns.get(column) {
            Some(Some(c)) => c.text(row, &self.style),
            _ => "",
        }
    }

    /// A date column's cell as the date reader would read its text, when
    /// it is a date of the years 1 to 9999; `None` otherwise (a null, a
    /// text column, a date out of range: read as text, with its message).
    pub(crate) fn date(&self, column: usize, row: usize) -> Option<NaiveDate> {
        let Some(Some(Column::Typed { array, offset, .. })) = self.columns.get(column) else {
            return None;
        };
        if row >= array.len() || array.is_null(row) {
            return None;
        }
        let day = match array.data_type() {
            DataType::Date32 => i64::from(array.as_primitive::<Date32Type>().value(row)),
            DataType::Date64 => array
                .as_primitive::<Date64Type>()
                .value(row)
                .div_euclid(86_400_000),
            DataType::Timestamp(unit, _) => timestamp_day(array.as_ref(), *unit, *offset, row)?,
            _ => return None,
        };
        let date = i32::try_from(day)
            .ok()?
            .checked_add(EPOCH_DAYS_FROM_CE)
            .and_then(NaiveDate::from_num_days_from_ce_opt)?;
        (1..=9999).contains(&date.year()).then_some(date)
    }

    /// A decimal or integer column's cell as the amount and number readers
    /// would read its text, when it is plainly valid for all of them:
    /// positive, at most 9 decimals, at most 10^18. `None` otherwise (read
    /// as text, with its message).
    pub(crate) fn decimal(&self, column: usize, row: usize) -> Option<Decimal> {
        let Some(Some(Column::Typed { array, .. })) = self.columns.get(column) else {
            return None;
        };
        if row >= array.len() || array.is_null(row) {
            return None;
        }
        let (value, scale): (i128, i8) = match array.data_type() {
            DataType::Decimal128(_, s) => (array.as_primitive::<Decimal128Type>().value(row), *s),
            DataType::Decimal64(_, s) => (
                i128::from(array.as_primitive::<Decimal64Type>().value(row)),
                *s,
            ),
            DataType::Decimal32(_, s) => (
                i128::from(array.as_primitive::<Decimal32Type>().value(row)),
                *s,
            ),
            DataType::Int64 => (i128::from(array.as_primitive::<Int64Type>().value(row)), 0),
            DataType::Int32 => (i128::from(array.as_primitive::<Int32Type>().value(row)), 0),
            DataType::UInt64 => (i128::from(array.as_primitive::<UInt64Type>().value(row)), 0),
            DataType::UInt32 => (i128::from(array.as_primitive::<UInt32Type>().value(row)), 0),
            _ => return None,
        };
        let scale = u32::try_from(scale).ok().filter(|s| *s <= 9)?;
        let max = 10i128.pow(18 + scale);
        (value > 0 && value <= max).then(|| Decimal::from_i128_with_scale(value, scale))
    }
}

/// The day (from 1970-01-01) of a timestamp cell, in the column's offset.
fn timestamp_day(array: &dyn Array, unit: TimeUnit, offset: i64, row: usize) -> Option<i64> {
    let (value, per_second) = match unit {
        TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().value(row), 1),
        TimeUnit::Millisecond => (
            array.as_primitive::<TimestampMillisecondType>().value(row),
            1_000,
        ),
        TimeUnit::Microsecond => (
            array.as_primitive::<TimestampMicrosecondType>().value(row),
            1_000_000,
        ),
        TimeUnit::Nanosecond => (
            array.as_primitive::<TimestampNanosecondType>().value(row),
            1_000_000_000,
        ),
    };
    value
        .div_euclid(per_second)
        .checked_add(offset)
        .map(|s| s.div_euclid(86_400))
}

impl Column {
    fn new(array: &ArrayRef) -> Column {
        if let Some(a) = array.as_string_opt::<i32>() {
            return Column::Utf8(a.clone());
        }
        if let Some(a) = array.as_string_opt::<i64>() {
            return Column::Large(a.clone());
        }
        if let Some(a) = array.as_string_view_opt() {
            return Column::View(a.clone());
        }
        if let Some(d) = array.as_any_dictionary_opt() {
            let nulls = array.logical_nulls();
            let keys = d
                .normalized_keys()
                .into_iter()
                .enumerate()
                .map(|(i, k)| match &nulls {
                    Some(n) if n.is_null(i) => usize::MAX,
                    _ => k,
                })
                .collect();
            return Column::Dictionary {
                keys,
                values: Box::new(Column::new(d.values())),
            };
        }
        let offset = match array.data_type() {
            DataType::Timestamp(_, Some(tz)) => fixed_offset(tz).unwrap_or(0),
            DataType::Null => return Column::Nulls,
            _ => 0,
        };
        Column::Typed {
            array: array.clone(),
            offset,
            written: OnceCell::new(),
        }
    }

    fn text(&self, row: usize, style: &Style) -> &str {
        match self {
            Column::Utf8(a) => {
                if row < a.len() && a.is_valid(row) {
                    a.value(row)
                } else {
                    ""
                }
            }
            Column::Large(a) => {
                if row < a.len() && a.is_valid(row) {
                    a.value(row)
                } else {
                    ""
                }
            }
            Column::View(a) => {
                if row < a.len() && a.is_valid(row) {
                    a.value(row)
                } else {
                    ""
                }
            }
            // A null's key is beyond the values: an empty cell.
            Column::Dictionary { keys, values } => {
                keys.get(row).map_or("", |&k| values.text(k, style))
            }
            Column::Typed {
                array,
                offset,
                written,
            } => {
                let Written { text, ends } =
                    written.get_or_init(|| write(array.as_ref(), *offset, style));
                match (ends.get(row), ends.get(row + 1)) {
                    (Some(&start), Some(&end)) => {
                        text.get(start as usize..end as usize).unwrap_or("")
                    }
                    _ => "",
                }
            }
            Column::Nulls => "",
        }
    }
}

/// A typed column's cells as the text the profile reads.
fn write(array: &dyn Array, offset: i64, style: &Style) -> Written {
    let mut w = Writer::new(array.len());
    match array.data_type() {
        DataType::Boolean => {
            let a = array.as_boolean();
            for i in 0..a.len() {
                if a.is_valid(i) {
                    w.text
                        .push_str(if a.value(i) { &style.yes } else { &style.no });
                }
                w.end();
            }
        }
        DataType::Int8 => w.display(array.as_primitive::<Int8Type>()),
        DataType::Int16 => w.display(array.as_primitive::<Int16Type>()),
        DataType::Int32 => w.display(array.as_primitive::<Int32Type>()),
        DataType::Int64 => w.display(array.as_primitive::<Int64Type>()),
        DataType::UInt8 => w.display(array.as_primitive::<UInt8Type>()),
        DataType::UInt16 => w.display(array.as_primitive::<UInt16Type>()),
        DataType::UInt32 => w.display(array.as_primitive::<UInt32Type>()),
        DataType::UInt64 => w.display(array.as_primitive::<UInt64Type>()),
        DataType::Decimal32(_, s) => w.decimal(array.as_primitive::<Decimal32Type>(), *s, style),
        DataType::Decimal64(_, s) => w.decimal(array.as_primitive::<Decimal64Type>(), *s, style),
        DataType::Decimal128(_, s) => w.decimal(array.as_primitive::<Decimal128Type>(), *s, style),
        DataType::Decimal256(_, s) => w.decimal(array.as_primitive::<Decimal256Type>(), *s, style),
        DataType::Date32 => {
            w.dates(array.as_primitive::<Date32Type>(), |d| Some(i64::from(d)));
        }
        DataType::Date64 => {
            w.dates(array.as_primitive::<Date64Type>(), |ms| {
                Some(ms.div_euclid(86_400_000))
            });
        }
        DataType::Timestamp(unit, _) => {
            for i in 0..array.len() {
                if array.is_valid(i) {
                    push_date(&mut w.text, timestamp_day(array, *unit, offset, i));
                }
                w.end();
            }
        }
        // A type `readable` refused: never read.
        _ => {
            for _ in 0..array.len() {
                w.end();
            }
        }
    }
    Written {
        text: w.text,
        ends: w.ends,
    }
}

/// Typed cells written one after the other into one text.
struct Writer {
    text: String,
    ends: Vec<u32>,
}

impl Writer {
    fn new(rows: usize) -> Writer {
        let mut ends = Vec::with_capacity(rows + 1);
        ends.push(0);
        Writer {
            text: String::with_capacity(rows * 11),
            ends,
        }
    }

    /// Closes the current cell.
    fn end(&mut self) {
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    fn display<T: ArrowPrimitiveType>(&mut self, a: &arrow_array::PrimitiveArray<T>)
    where
        T::Native: std::fmt::Display,
    {
        for i in 0..a.len() {
            if a.is_valid(i) {
                let _ = write!(self.text, "{}", a.value(i));
            }
            self.end();
        }
    }

    /// Decimals with their scale's digits and the profile's decimal mark.
    fn decimal<T: ArrowPrimitiveType>(
        &mut self,
        a: &arrow_array::PrimitiveArray<T>,
        scale: i8,
        style: &Style,
    ) where
        T::Native: std::fmt::Display,
    {
        let mut digits = String::new();
        for i in 0..a.len() {
            if a.is_valid(i) {
                digits.clear();
                let _ = write!(digits, "{}", a.value(i));
                push_scaled(&mut self.text, &digits, scale, style.decimal);
            }
            self.end();
        }
    }

    /// Dates from day numbers (days from 1970-01-01; `None`: beyond any date).
    fn dates<T: ArrowPrimitiveType>(
        &mut self,
        a: &arrow_array::PrimitiveArray<T>,
        day: impl Fn(T::Native) -> Option<i64>,
    ) {
        for i in 0..a.len() {
            if a.is_valid(i) {
                push_date(&mut self.text, day(a.value(i)));
            }
            self.end();
        }
    }
}

/// An integer's digits (`-12345`) written as a decimal of `scale` digits
/// after the mark (`-123.45`); a negative scale appends zeros.
fn push_scaled(out: &mut String, digits: &str, scale: i8, mark: char) {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    out.push_str(sign);
    if scale <= 0 {
        out.push_str(digits);
        for _ in 0..scale.unsigned_abs() {
            out.push('0');
        }
        return;
    }
    let scale = usize::from(scale.unsigned_abs());
    if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.push_str(int);
        out.push(mark);
        out.push_str(frac);
    } else {
        out.push('0');
        out.push(mark);
        for _ in digits.len()..scale {
            out.push('0');
        }
        out.push_str(digits);
    }
}

/// A day number (from 1970-01-01) as `YYYY-MM-DD`; beyond the years 1 to
/// 9999, as chrono writes it (`+10000-01-01`, `0000-12-31`), or in days,
/// for the date reader to refuse with the text shown.
fn push_date(out: &mut String, day: Option<i64>) {
    let date = day
        .and_then(|d| i32::try_from(d).ok())
        .and_then(|d| d.checked_add(EPOCH_DAYS_FROM_CE))
        .and_then(NaiveDate::from_num_days_from_ce_opt);
    match date {
        Some(d) if (1..=9999).contains(&d.year()) => {
            let (y, m, dd) = (d.year() as u32, d.month(), d.day());
            let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
            out.push(digit(y / 1000));
            out.push(digit(y / 100));
            out.push(digit(y / 10));
            out.push(digit(y));
            out.push('-');
            out.push(digit(m / 10));
            out.push(digit(m));
            out.push('-');
            out.push(digit(dd / 10));
            out.push(digit(dd));
        }
        Some(d) => {
            let _ = write!(out, "{d}");
        }
        None => match day {
            Some(day) => {
                let _ = write!(out, "day {day} from 1970-01-01");
            }
            None => out.push_str("a day beyond any calendar"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_decimals_with_their_scale() {
        let w = |digits: &str, scale: i8, mark: char| {
            let mut out = String::new();
            push_scaled(&mut out, digits, scale, mark);
            out
        };
        assert_eq!(w("101756", 2, '.'), "1017.56");
        assert_eq!(w("-5", 2, '.'), "-0.05");
        assert_eq!(w("0", 2, ','), "0,00");
        assert_eq!(w("12", 0, '.'), "12");
        assert_eq!(w("12", -3, '.'), "12000");
        assert_eq!(w("123", 3, '.'), "0.123");
    }

    #[test]
    fn writes_days_as_dates() {
        let w = |day: Option<i64>| {
            let mut out = String::new();
            push_date(&mut out, day);
            out
        };
        assert_eq!(w(Some(0)), "1970-01-01");
        assert_eq!(w(Some(20_090)), "2025-01-02");
        assert_eq!(w(Some(-719_162)), "0001-01-01");
        assert_eq!(w(Some(-719_163)), "0000-12-31");
        assert_eq!(w(Some(2_932_897)), "+10000-01-01");
        assert_eq!(
            w(Some(i64::from(i32::MAX))),
            "day 2147483647 from 1970-01-01"
        );
        assert_eq!(w(None), "a day beyond any calendar");
    }

    #[test]
    fn reads_fixed_offsets_only() {
        assert_eq!(fixed_offset("UTC"), Some(0));
        assert_eq!(fixed_offset("+01:00"), Some(3600));
        assert_eq!(fixed_offset("-0530"), Some(-19_800));
        assert_eq!(fixed_offset("+02"), Some(7200));
        assert_eq!(fixed_offset("Europe/Paris"), None);
        assert_eq!(fixed_offset("+25:00"), None);
    }
}
