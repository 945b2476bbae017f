//! Files as tables: a header of column names, then rows of cells.
//!
//! CSV is streamed record by record with one reused buffer (the hot path:
//! a million invoices); JSON and YAML lists of objects are read whole, and
//! their fields become columns; Parquet and Arrow IPC files are read batch
//! by batch, column by column (`columnar.rs`). All give the loaders the
//! same `Row`, so every check is written once.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use ::csv::StringRecord;

use super::error::{shown, Collector, Place, Problem};
use super::profile::{Profile, TextEncoding};
use crate::words::closest;

#[cfg(feature = "columnar")]
mod columnar;
mod csv;
mod records;
mod workbook;

#[cfg(feature = "columnar")]
pub(crate) use columnar::sample_rows as columnar_rows;
pub(crate) use workbook::sheet_rows;

/// The layout of a data file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON list of objects, one per row, with the CSV's column names as keys.
    Json,
    /// A YAML list of mappings, as for JSON.
    Yaml,
    /// A spreadsheet workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`), one
    /// sheet read as a table: a header row, then rows.
    Workbook,
    /// A Parquet file, its columns typed (feature `columnar`).
    Parquet,
    /// An Arrow IPC file (`.arrow`, `.feather`: the file format) or stream
    /// (`.arrows`), its columns typed (feature `columnar`).
    Arrow,
}

impl Format {
    /// From the file's extension: `.csv`, `.json`,
    /// `.yaml` or `.yml`, `.xlsx`, `.xlsm`, `.xls` or `.ods`, `.parquet`,
    /// `.arrow`, `.arrows`, `.feather` or `.ipc` (any case).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Some(Format::Workbook),
            "parquet" => Some(Format::Parquet),
            "arrow" | "arrows" | "feather" | "ipc" => Some(Format::Arrow),
            _ => None,
        }
    }
}

impl Format {
    /// The format of data without a name (standard input): Parquet or
    /// Arrow IPC by their magic bytes (`PAR1`, `ARROW1`, or a stream's
    /// first message); otherwise from the first character that is not a
    /// space or a byte-order mark: `[` or `{` is JSON, `-` or `---` YAML,
    /// anything else CSV.
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PAR1") {
            return Format::Parquet;
        }
        if bytes.starts_with(b"ARROW1") || bytes.starts_with(&[0xFF, 0xFF, 0xFF, 0xFF]) {
            return Format::Arrow;
        }
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        match text.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => Format::Json,
            Some(b'-') => Format::Yaml,
            _ => Format::Csv,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Yaml => "YAML",
            Format::Workbook => "workbook",
            Format::Parquet => "Parquet",
            Format::Arrow => "Arrow IPC",
        })
    }
}

/// The column names, trimmed, in file order.
pub(crate) struct Header {
    names: Vec<String>,
    index: HashMap<String, usize>,
    /// "column" for CSV, "field" for JSON and YAML.
    word: &'static str,
    /// The product's column names the profile maps, to the file's headers.
    mapped: HashMap<String, String>,
    /// The row read as the header has one named cell among empty ones: a
    /// title line (`Export des factures;;;;`), the header further down.
    pub(crate) title_like: bool,
    /// The columns a loader looked up: a columnar file decodes those only.
    used: Vec<std::cell::Cell<bool>>,
}

impl Header {
    fn new(names: Vec<String>, word: &'static str, profile: &Profile) -> Self {
        let mut index = HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        let mut mapped = HashMap::new();
        for (product, file) in &profile.columns {
            // The mapped column answers to the product's name (a column of
            // the file that has the product's name itself is then only an
            // attribute no one asks for). A file without the mapped header
            // may still have the product's own column: one profile serves
            // both the invoice and the payment export.
            if let Some(i) = index.get(file).copied() {
                index.insert(product.clone(), i);
            }
            mapped.insert(product.clone(), file.clone());
        }
        let used = vec![std::cell::Cell::new(false); names.len()];
        Header {
            names,
            index,
            word,
            mapped,
            title_like: false,
            used,
        }
    }

    /// Whether a loader looked the column up (with `find` or `require`).
    #[cfg(feature = "columnar")]
    pub(crate) fn is_used(&self, column: usize) -> bool {
        self.used.get(column).is_some_and(std::cell::Cell::get)
    }

    pub(crate) fn name(&self, column: usize) -> &str {
        self.names.get(column).map_or("", String::as_str)
    }

    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        let found = self.index.get(name).copied();
        if let Some(used) = found.and_then(|i| self.used.get(i)) {
            used.set(true);
        }
        found
    }

    /// The column's index, or a `missing-column` error saying `why` it is needed.
    pub(crate) fn require(
        &self,
        name: &str,
        why: impl FnOnce() -> String,
        errors: &mut Collector,
    ) -> Option<usize> {
        if let Some(i) = self.find(name) {
            return Some(i);
        }
        let (name, why) = match self.mapped.get(name) {
            Some(file) => (
                file.as_str(),
                format!("{}; the profile maps `{name}` to it", why()),
            ),
            None => (name, why()),
        };
        let present = self.names.iter().filter(|n| !n.is_empty());
        let help = if self.title_like {
            // `Export des factures;;;;` or a sheet's title cell: the header is further down.
            format!(
                "the first line, `{}`, looks like a title: an import profile's `skip_rows` says how many lines come before the header",
                shown(present.clone().next().map_or("", String::as_str))
            )
        } else if let Some(near) = closest(name, present.clone().map(String::as_str)) {
            let case = if near.eq_ignore_ascii_case(name) {
                " (names are compared exactly, case included)"
            } else {
                ""
            };
            format!("rename the {} `{near}` to `{name}`{case}", self.word)
        } else if self.names.is_empty() {
            format!("the file has no {}s", self.word)
        } else {
            let listed: Vec<String> = present
                .take(20)
                .map(|n| format!("`{}`", shown(n)))
                .collect();
            let more = self.names.len().saturating_sub(20);
            let (last, first) = listed
                .split_last()
                .map_or(("", &[][..]), |(l, f)| (l.as_str(), f));
            let mut list = first.join(", ");
            if !first.is_empty() {
                list.push_str(" and ");
            }
            list.push_str(last);
            if more > 0 {
                list.push_str(&format!(" and {more} more"));
            }
            format!("the {}s are {list}", self.word)
        };
        errors.push(
            Place::File,
            None,
            Problem::MissingColumn {
                column: name.to_string(),
                word: self.word,
                why,
                help,
            },
        );
        None
    }
}

/// A JSON or YAML value, as a CSV cell would hold it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    /// A scalar as written: a string, a number (`12.5`), `true`/`false`.
    Text(String),
    /// `null`, `~`, or a field the record does not have.
    Empty,
    /// An object or a list where a single value belongs.
    Nested(&'static str),
    /// A float with more significant digits than a double holds exactly.
    Imprecise(String),
}

/// One row of a table.
#[derive(Clone, Copy)]
pub(crate) enum Row<'r> {
    Csv(&'r StringRecord),
    Record(&'r [Cell]),
    /// A row of a batch of a Parquet or Arrow file, by its index.
    #[cfg(feature = "columnar")]
    Columnar(&'r columnar::Batch, usize),
}

impl<'r> Row<'r> {
    /// The cell of a column, with surrounding spaces trimmed; empty when
    /// the row has no such cell.
    pub(crate) fn get(&self, column: usize) -> Result<&'r str, Problem> {
        match self {
            Row::Csv(record) => Ok(record.get(column).unwrap_or("").trim()),
            Row::Record(cells) => match cells.get(column) {
                Some(Cell::Text(s)) => Ok(s.trim()),
                Some(Cell::Empty) | None => Ok(""),
                Some(Cell::Nested(found)) => Err(Problem::WrongType {
                    expected: "",
                    found,
                }),
                Some(Cell::Imprecise(s)) => Err(Problem::ImpreciseNumber { value: s.clone() }),
            },
            #[cfg(feature = "columnar")]
            Row::Columnar(batch, row) => Ok(batch.text(column, *row).trim()),
        }
    }
}

/// A row with its place and header, for reading typed cells.
pub(crate) struct Cells<'r> {
    pub row: Row<'r>,
    pub place: Place,
    pub header: &'r Header,
    /// How the file writes values.
    pub profile: &'r Profile,
}

impl<'r> Cells<'r> {
    /// The cell's text, or the problem (a JSON object where a value belongs…).
    fn raw(
        &self,
        column: usize,
        expected: &'static str,
        errors: &mut Collector,
    ) -> Option<&'r str> {
        match self.row.get(column) {
            Ok(s) => Some(s),
            Err(Problem::WrongType { found, .. }) => {
                self.fail(column, errors, Problem::WrongType { expected, found });
                None
            }
            Err(p) => {
                self.fail(column, errors, p);
                None
            }
        }
    }

    pub(crate) fn fail(&self, column: usize, errors: &mut Collector, problem: Problem) {
        errors.push(self.place, Some(self.header.name(column)), problem);
    }

    /// A required cell: `None` when the column is absent (already
    /// reported), or the cell empty or bad (reported here).
    pub(crate) fn required<T>(
        &self,
        column: Option<usize>,
        expected: &'static str,
        errors: &mut Collector,
        parse: impl FnOnce(&'r str) -> Result<T, Problem>,
    ) -> Option<T> {
        let column = column?;
        let text = self.raw(column, expected, errors)?;
        if text.is_empty() {
            let help = format!("write {expected} in every row");
            self.fail(
                column,
                errors,
                Problem::MissingValue {
                    word: self.header.word,
                    help,
                },
            );
            return None;
        }
        match parse(text) {
            Ok(v) => Some(v),
            Err(p) => {
                self.fail(column, errors, p);
                None
            }
        }
    }

    /// An optional cell: `Some(None)` when absent or empty, `None` when bad
    /// (reported here).
    pub(crate) fn optional<T>(
        &self,
        column: Option<usize>,
        expected: &'static str,
        errors: &mut Collector,
        parse: impl FnOnce(&'r str) -> Result<T, Problem>,
    ) -> Option<Option<T>> {
        let Some(column) = column else {
            return Some(None);
        };
        let text = self.raw(column, expected, errors)?;
        if text.is_empty() {
            return Some(None);
        }
        match parse(text) {
            Ok(v) => Some(Some(v)),
            Err(p) => {
                self.fail(column, errors, p);
                None
            }
        }
    }
}

/// A value a columnar file may store typed: read directly when the cell
/// is plainly valid, skipping its text (the hot path of a million
/// invoices); otherwise read from its text, with the text's message.
pub(crate) trait Typed: Sized {
    /// The value of a typed cell, if it is one and plainly valid.
    #[cfg(feature = "columnar")]
    fn typed(batch: &columnar::Batch, column: usize, row: usize) -> Option<Self>;
}

impl Typed for chrono::NaiveDate {
    #[cfg(feature = "columnar")]
    fn typed(batch: &columnar::Batch, column: usize, row: usize) -> Option<Self> {
        batch.date(column, row)
    }
}

/// Positive amounts and numbers of at most 9 decimals and 10^18 only:
/// valid for every amount and number reader alike.
impl Typed for rust_decimal::Decimal {
    #[cfg(feature = "columnar")]
    fn typed(batch: &columnar::Batch, column: usize, row: usize) -> Option<Self> {
        batch.decimal(column, row)
    }
}

impl<'r> Cells<'r> {
    /// As [`Cells::required`], a typed cell of a columnar file read directly.
    pub(crate) fn required_typed<T: Typed>(
        &self,
        column: Option<usize>,
        expected: &'static str,
        errors: &mut Collector,
        parse: impl FnOnce(&'r str) -> Result<T, Problem>,
    ) -> Option<T> {
        #[cfg(feature = "columnar")]
        if let (Row::Columnar(batch, row), Some(at)) = (self.row, column) {
            if let Some(v) = T::typed(batch, at, row) {
                return Some(v);
            }
        }
        self.required(column, expected, errors, parse)
    }

    /// As [`Cells::optional`], a typed cell of a columnar file read directly.
    pub(crate) fn optional_typed<T: Typed>(
        &self,
        column: Option<usize>,
        expected: &'static str,
        errors: &mut Collector,
        parse: impl FnOnce(&'r str) -> Result<T, Problem>,
    ) -> Option<Option<T>> {
        #[cfg(feature = "columnar")]
        if let (Row::Columnar(batch, row), Some(at)) = (self.row, column) {
            if let Some(v) = T::typed(batch, at, row) {
                return Some(Some(v));
            }
        }
        self.optional(column, expected, errors, parse)
    }
}

/// What a loader does with a table.
pub(crate) trait Sink {
    /// Finds the columns it needs, reporting those missing.
    fn header(&mut self, header: &Header, errors: &mut Collector);
    /// Reads one row (never a blank one, never one of the wrong length).
    fn row(&mut self, cells: &Cells<'_>, errors: &mut Collector);
    /// Whether a CSV row repeating the header is skipped: true for a history
    /// made of daily plans appended with their headers.
    fn skips_repeated_header(&self) -> bool {
        false
    }
}

/// Reads a whole file into the sink, reporting every problem.
pub(crate) fn read(
    bytes: &[u8],
    format: Format,
    profile: &Profile,
    sink: &mut impl Sink,
    errors: &mut Collector,
) {
    if format == Format::Workbook {
        workbook::read_workbook(bytes, profile, sink, errors);
        return;
    }
    if matches!(format, Format::Parquet | Format::Arrow) {
        #[cfg(feature = "columnar")]
        columnar::read_columnar(bytes, format, profile, sink, errors);
        #[cfg(not(feature = "columnar"))]
        errors.push(Place::File, None, columnar_disabled());
        return;
    }
    let decoded;
    let bytes = match profile.encoding {
        TextEncoding::Utf8 => bytes,
        encoding => match encoding.decode(bytes) {
            Some(text) => {
                decoded = text;
                decoded.as_bytes()
            }
            None => {
                errors.push(
                    Place::File,
                    None,
                    Problem::BadCsv {
                        message: format!(
                            "the text is not valid {} as the profile says",
                            encoding.as_str()
                        ),
                    },
                );
                return;
            }
        },
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let help = match format {
            Format::Csv => "a CSV file starts with a header line naming its columns",
            Format::Json | Format::Yaml => "write a list of records; `[]` for none",
            Format::Workbook => "a workbook has a sheet with a header row",
            Format::Parquet | Format::Arrow => "",
        };
        errors.push(Place::File, None, Problem::EmptyFile { help: help.into() });
        return;
    }
    match format {
        Format::Csv => csv::read_csv(bytes, profile, sink, errors),
        Format::Json | Format::Yaml => records::read_records(bytes, format, profile, sink, errors),
        Format::Workbook | Format::Parquet | Format::Arrow => {}
    }
}

/// What a build without the `columnar` feature says of a Parquet or Arrow file.
#[cfg(not(feature = "columnar"))]
pub(crate) fn columnar_disabled() -> Problem {
    Problem::BadColumnar {
        message: "this build of dunning reads no Parquet or Arrow files".into(),
        help: Some(
            "build dunning with the `columnar` feature (on by default), or export the file as CSV"
                .into(),
        ),
    }
}

/// The problem of bytes that are not UTF-8 text at `at`, with a hint at the
/// encoding they are in.
pub(super) fn not_utf8(bytes: &[u8], at: usize) -> Problem {
    let byte = bytes
        .get(at)
        .map_or_else(|| "?".to_string(), |b| format!("0x{b:02X}"));
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    let help = if utf16 {
        "the file is in UTF-16 (\"Unicode text\"): read it with `encoding: utf-16` in an import profile (`--profile`), or save it as UTF-8 (in a spreadsheet: \"CSV UTF-8\")"
    } else {
        "it looks saved in another encoding such as Latin-1 or Windows-1252: read it with `encoding: windows-1252` in an import profile (`--profile`), or save it as UTF-8 (in a spreadsheet: \"CSV UTF-8\")"
    };
    Problem::NotUtf8 {
        byte,
        help: help.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        assert_eq!(Format::from_path(Path::new("a/b.CSV")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("b.yml")), Some(Format::Yaml));
        assert_eq!(Format::from_path(Path::new("b.json")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("b.txt")), None);
        assert_eq!(Format::from_path(Path::new("b")), None);
        assert_eq!(
            Format::from_path(Path::new("b.Parquet")),
            Some(Format::Parquet)
        );
        assert_eq!(
            Format::from_path(Path::new("b.feather")),
            Some(Format::Arrow)
        );
        assert_eq!(Format::from_path(Path::new("b.arrow")), Some(Format::Arrow));
    }

    #[test]
    fn sniffs_columnar_files_by_their_magic() {
        assert_eq!(Format::sniff(b"PAR1\x15\x04"), Format::Parquet);
        assert_eq!(Format::sniff(b"ARROW1\0\0"), Format::Arrow);
        assert_eq!(Format::sniff(b"\xFF\xFF\xFF\xFF\x10\0"), Format::Arrow);
        assert_eq!(Format::sniff(b"invoice_id,customer_id\n"), Format::Csv);
    }
}
