//! Files as tables: a header of column names, then rows of cells.
//!
//! CSV is streamed record by record with one reused buffer (the hot path:
//! a million invoices); JSON and YAML lists of objects are read whole, and
//! their fields become columns. Both give the loaders the same `Row`, so
//! every check is written once.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use csv::StringRecord;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::{shown, Collector, Place, Problem};
use crate::check::names::closest;

/// The layout of a data file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON list of objects, one per row, with the CSV's column names as keys.
    Json,
    /// A YAML list of mappings, as for JSON.
    Yaml,
}

impl Format {
    /// From the file's extension: `.csv`, `.json`, `.yaml` or `.yml` (any case).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        })
    }
}

/// The column names, trimmed, in file order.
pub(crate) struct Header {
    names: Vec<String>,
    index: HashMap<String, usize>,
    /// "column" for CSV, "field" for JSON and YAML.
    word: &'static str,
}

impl Header {
    fn new(names: Vec<String>, word: &'static str) -> Self {
        let mut index = HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        Header { names, index, word }
    }

    pub(crate) fn name(&self, column: usize) -> &str {
        self.names.get(column).map_or("", String::as_str)
    }

    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
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
        let present = self.names.iter().filter(|n| !n.is_empty());
        let help = if let Some(near) = closest(name, present.clone().map(String::as_str)) {
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
                why: why(),
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
}

impl<'r> Row<'r> {
    /// The cell of a column, with surrounding spaces trimmed; empty when
    /// the row has no such cell.
    fn get(&self, column: usize) -> Result<&'r str, Problem> {
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
        }
    }
}

/// A row with its place and header, for reading typed cells.
pub(crate) struct Cells<'r> {
    pub row: Row<'r>,
    pub place: Place,
    pub header: &'r Header,
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
pub(crate) fn read(bytes: &[u8], format: Format, sink: &mut impl Sink, errors: &mut Collector) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let help = match format {
            Format::Csv => "a CSV file starts with a header line naming its columns",
            Format::Json | Format::Yaml => "write a list of records; `[]` for none",
        };
        errors.push(Place::File, None, Problem::EmptyFile { help: help.into() });
        return;
    }
    match format {
        Format::Csv => read_csv(bytes, sink, errors),
        Format::Json | Format::Yaml => read_records(bytes, format, sink, errors),
    }
}

// ───────────── CSV ─────────────

fn not_utf8(bytes: &[u8], at: usize) -> Problem {
    let byte = bytes
        .get(at)
        .map_or_else(|| "?".to_string(), |b| format!("0x{b:02X}"));
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    let help = if utf16 {
        "the file is in UTF-16 (\"Unicode text\"); save it as UTF-8 (in a spreadsheet: \"CSV UTF-8\")"
    } else {
        "save the file as UTF-8 (in a spreadsheet: \"CSV UTF-8\"); it looks saved in another encoding such as Latin-1 or Windows-1252"
    };
    Problem::NotUtf8 {
        byte,
        help: help.into(),
    }
}

/// CSV records with one record of lookahead, so that the last record can be
/// checked for a quote that was never closed before it is used.
///
/// Line numbers are counted here from byte offsets: the csv crate counts a
/// CRLF line's `\n` into the next record, which puts CRLF files one line off.
struct CsvRecords<'a> {
    reader: csv::Reader<&'a [u8]>,
    bytes: &'a [u8],
    current: StringRecord,
    next: StringRecord,
    /// Whether `next` holds a record; `None` before the first read.
    next_ready: Option<bool>,
    /// The line of `current`.
    line: usize,
    /// A byte offset and its line, to count lines incrementally.
    cursor: (usize, usize),
    /// The header's names, once read, to name columns in UTF-8 errors.
    names: Option<Vec<String>>,
}

impl<'a> CsvRecords<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        CsvRecords {
            reader,
            bytes,
            current: StringRecord::new(),
            next: StringRecord::new(),
            next_ready: None,
            line: 0,
            cursor: (0, 1),
            names: None,
        }
    }

    /// The line of the first character at or after `offset` that is not a
    /// line break (a record's position may point at the breaks before it).
    fn line_at(&mut self, offset: usize) -> usize {
        let bytes = self.bytes;
        let mut offset = offset.min(bytes.len());
        while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset < self.cursor.0 {
            self.cursor = (0, 1);
        }
        let (from, line) = self.cursor;
        let line = line + bytes[from..offset].iter().filter(|&&b| b == b'\n').count();
        self.cursor = (offset, line);
        line
    }

    /// Reads into `next`, reporting and skipping records that are not UTF-8
    /// (but a header that is not UTF-8 ends the reading: nothing can be
    /// matched with its columns).
    fn read_next(&mut self, errors: &mut Collector) -> bool {
        loop {
            let error = match self.reader.read_record(&mut self.next) {
                Ok(more) => return more,
                Err(e) => e,
            };
            let start = error.position().map(|p| p.byte() as usize);
            let line = start.map_or(0, |s| self.line_at(s));
            let place = if line == 0 {
                Place::File
            } else {
                Place::Line(line)
            };
            let csv::ErrorKind::Utf8 { err, .. } = error.kind() else {
                // Reading from memory with flexible rows, no other error is
                // expected; should one come, it is reported and reading stops.
                errors.push(
                    place,
                    None,
                    Problem::BadCsv {
                        message: error.to_string(),
                    },
                );
                return false;
            };
            let start = start.unwrap_or(0).min(self.bytes.len());
            let window = &self.bytes[start..(start + 65_536).min(self.bytes.len())];
            let bad = match std::str::from_utf8(window) {
                Err(u) => start + u.valid_up_to(),
                Ok(_) => usize::MAX,
            };
            let column = self
                .names
                .as_ref()
                .and_then(|n| n.get(err.field()))
                .map(String::as_str);
            errors.push(place, column, not_utf8(self.bytes, bad));
            if self.names.is_none() || line == 0 {
                return false;
            }
        }
    }

    /// Moves to the next record; `false` at the end, or when the last
    /// record holds an unclosed quote (reported here).
    fn advance(&mut self, errors: &mut Collector) -> bool {
        let ready = match self.next_ready.take() {
            Some(r) => r,
            None => self.read_next(errors),
        };
        if !ready {
            return false;
        }
        std::mem::swap(&mut self.current, &mut self.next);
        let start = self.current.position().map_or(0, |p| p.byte() as usize);
        self.line = self.line_at(start);
        if self.names.is_none() {
            self.names = Some(self.current.iter().map(|s| s.trim().to_string()).collect());
        }
        let more = self.read_next(errors);
        self.next_ready = Some(more);
        if !more {
            let mut start = start.min(self.bytes.len());
            while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            if let Some((offset, field)) = unclosed_quote(&self.bytes[start..]) {
                let line = self.line_at(start + offset);
                let column = self
                    .names
                    .as_ref()
                    .and_then(|n| n.get(field))
                    .map(String::as_str);
                errors.push(Place::Line(line), column, Problem::UnclosedQuote);
                return false;
            }
        }
        true
    }

    fn line(&self) -> usize {
        self.line
    }
}

/// In the raw text of a CSV file's last record: the offset of a quote that
/// opens a field and is never closed, and the field's index.
fn unclosed_quote(raw: &[u8]) -> Option<(usize, usize)> {
    let mut open: Option<usize> = None;
    let mut field = 0;
    let mut at_field_start = true;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if open.is_some() {
            if b == b'"' {
                if raw.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                open = None;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' if at_field_start => {
                open = Some(i);
                at_field_start = false;
            }
            b',' => {
                field += 1;
                at_field_start = true;
            }
            b'\n' | b'\r' => {
                // The record ends here; only its fields matter.
                return None;
            }
            _ => at_field_start = false,
        }
        i += 1;
    }
    open.map(|o| (o, field))
}

fn check_header(names: &[String], line: usize, errors: &mut Collector) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            errors.push(
                Place::Line(line),
                None,
                Problem::EmptyHeader { position: i + 1 },
            );
        } else if let Some(first) = seen.get(name.as_str()) {
            errors.push(
                Place::Line(line),
                None,
                Problem::DuplicateColumn {
                    column: shown(name),
                    detail: format!("in the header (columns {} and {})", first + 1, i + 1),
                },
            );
        } else {
            seen.insert(name, i);
        }
    }
}

fn read_csv(bytes: &[u8], sink: &mut impl Sink, errors: &mut Collector) {
    let mut records = CsvRecords::new(bytes);
    if !records.advance(errors) {
        if errors.total() == 0 {
            errors.push(
                Place::File,
                None,
                Problem::EmptyFile {
                    help: "a CSV file starts with a header line naming its columns".into(),
                },
            );
        }
        return;
    }
    let names = records.names.clone().unwrap_or_default();
    if names.len() == 1 && names[0].contains(';') {
        errors.push(Place::Line(records.line()), None, Problem::Semicolons);
        return;
    }
    if let Some(bad) = names.iter().find(|n| n.chars().any(char::is_control)) {
        // A binary file, or not a CSV file at all: its rows cannot be read either.
        if let Err(problem) = super::fields::text(bad) {
            errors.push(Place::Line(records.line()), None, problem);
        }
        return;
    }
    check_header(&names, records.line(), errors);
    let header = Header::new(names, "column");
    sink.header(&header, errors);
    let skip_header_rows = sink.skips_repeated_header();
    let width = header.names.len();
    while records.advance(errors) {
        let record = &records.current;
        let place = Place::Line(records.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != width {
            let help = if record.len() > width {
                "a value holding a comma must be quoted: \"Dupont, Lyon\"; or a column is missing from the header"
            } else {
                "a value is missing, or the line was cut short"
            };
            errors.push(
                place,
                None,
                Problem::BadRowLength {
                    found: record.len(),
                    expected: width,
                    help,
                },
            );
            continue;
        }
        if skip_header_rows && record.iter().zip(&header.names).all(|(c, n)| c.trim() == n) {
            continue;
        }
        let cells = Cells {
            row: Row::Csv(record),
            place,
            header: &header,
        };
        sink.row(&cells, errors);
    }
}

// ───────────── JSON and YAML ─────────────

/// The whole document: a list of records, or something else.
enum Document {
    Records(Vec<Record>),
    NotAList(&'static str),
}

enum Record {
    Fields(Vec<(String, Cell)>),
    NotAnObject(&'static str),
}

/// Drains a map or sequence so the parser can go on.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// What a scalar is called in messages.
macro_rules! scalar_kind {
    ($result:expr, $( $method:ident: $ty:ty => $kind:expr ),* ) => {
        $( fn $method<E: de::Error>(self, _v: $ty) -> Result<Self::Value, E> { Ok($result($kind)) } )*
    };
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Document;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document, A::Error> {
                let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(r) = seq.next_element::<Record>()? {
                    records.push(r);
                }
                Ok(Document::Records(records))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Document, A::Error> {
                drain_map(map)?;
                Ok(Document::NotAList("an object"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Document, E> {
                Ok(Document::NotAList("null"))
            }
            fn visit_none<E: de::Error>(self) -> Result<Document, E> {
                Ok(Document::NotAList("null"))
            }
            scalar_kind!(Document::NotAList,
                visit_bool: bool => "true or false",
                visit_i64: i64 => "a number",
                visit_u64: u64 => "a number",
                visit_f64: f64 => "a number",
                visit_str: &str => "a text"
            );
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Record;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
                while let Some((k, v)) = map.next_entry::<Key, Cell>()? {
                    fields.push((k.0, v));
                }
                Ok(Record::Fields(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Record, A::Error> {
                drain_seq(seq)?;
                Ok(Record::NotAnObject("a list"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Record, E> {
                Ok(Record::NotAnObject("null"))
            }
            fn visit_none<E: de::Error>(self) -> Result<Record, E> {
                Ok(Record::NotAnObject("null"))
            }
            scalar_kind!(Record::NotAnObject,
                visit_bool: bool => "true or false",
                visit_i64: i64 => "a number",
                visit_u64: u64 => "a number",
                visit_f64: f64 => "a number",
                visit_str: &str => "a text"
            );
        }
        d.deserialize_any(V)
    }
}

/// A field name: a string, or a scalar written as one (`2025: …` in YAML).
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key, E> {
                Ok(Key(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Significant digits of a float's shortest decimal form (`0.0125` → 3).
fn significant_digits(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Cell, E> {
                Ok(Cell::Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
                // A double holds 15 significant decimal digits exactly; beyond,
                // the number read may not be the number written.
                let text = v.to_string();
                if v.is_finite() && significant_digits(&text) > 15 {
                    Ok(Cell::Imprecise(text))
                } else {
                    Ok(Cell::Text(text))
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
                Ok(Cell::Empty)
            }
            fn visit_none<E: de::Error>(self) -> Result<Cell, E> {
                Ok(Cell::Empty)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
                Cell::deserialize(d)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Cell, A::Error> {
                drain_map(map)?;
                Ok(Cell::Nested("an object"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Cell, A::Error> {
                drain_seq(seq)?;
                Ok(Cell::Nested("a list"))
            }
        }
        d.deserialize_any(V)
    }
}

/// `message at line 3 column 5, more` → `message, more (column 5)`: the
/// line is given by the place.
fn split_location(message: &str, line: usize, column: usize) -> String {
    let location = format!(" at line {line} column {column}");
    if message.contains(&location) {
        format!("{} (column {column})", message.replacen(&location, "", 1))
    } else {
        message.to_string()
    }
}

fn read_records(bytes: &[u8], format: Format, sink: &mut impl Sink, errors: &mut Collector) {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            errors.push(Place::Line(line), None, not_utf8(bytes, at));
            return;
        }
    };
    let document = match format {
        Format::Json => serde_json::from_str::<Document>(text).map_err(|e| {
            let message = split_location(&e.to_string(), e.line(), e.column());
            (e.line(), Problem::BadJson { message })
        }),
        _ => serde_yaml::from_str::<Document>(text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            let message = split_location(&e.to_string(), line, column);
            (
                line,
                Problem::BadYaml {
                    message,
                    help: None,
                },
            )
        }),
    };
    let records = match document {
        Ok(Document::Records(r)) => r,
        Ok(Document::NotAList(found)) => {
            errors.push(
                Place::File,
                None,
                Problem::NotATable {
                    expected: "a list of records",
                    found,
                },
            );
            return;
        }
        Err((line, problem)) => {
            let place = if line == 0 {
                Place::File
            } else {
                Place::Line(line)
            };
            errors.push(place, None, problem);
            return;
        }
    };
    if records.is_empty() {
        return;
    }
    // The columns: every field name, in order of first appearance.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::new();
    for record in &records {
        if let Record::Fields(fields) = record {
            for (key, _) in fields {
                let key = key.trim();
                if !index.contains_key(key) {
                    index.insert(key.to_string(), names.len());
                    names.push(key.to_string());
                }
            }
        }
    }
    let header = Header::new(names, "field");
    let any_object = records.iter().any(|r| matches!(r, Record::Fields(_)));
    if any_object {
        // (With no object at all, each record is reported as not one, and
        // "missing column" errors would only repeat it.)
        sink.header(&header, errors);
    }
    let mut cells = vec![Cell::Empty; header.names.len()];
    for (i, record) in records.into_iter().enumerate() {
        let place = Place::Record(i + 1);
        let fields = match record {
            Record::Fields(f) => f,
            Record::NotAnObject(found) => {
                errors.push(
                    place,
                    None,
                    Problem::NotATable {
                        expected: "an object with one field per column",
                        found,
                    },
                );
                continue;
            }
        };
        cells.iter_mut().for_each(|c| *c = Cell::Empty);
        let mut seen = vec![false; cells.len()];
        let mut bad = false;
        for (key, value) in fields {
            let key = key.trim();
            if format == Format::Yaml && key == "<<" {
                errors.push(
                    place,
                    None,
                    Problem::BadYaml {
                        message: "merge keys (`<<`) are not supported".into(),
                        help: Some("write every field of the record out in full".into()),
                    },
                );
                bad = true;
                continue;
            }
            let Some(&column) = index.get(key) else {
                continue;
            };
            if seen[column] {
                errors.push(
                    place,
                    None,
                    Problem::DuplicateColumn {
                        column: shown(key),
                        detail: "in the record".into(),
                    },
                );
                bad = true;
            }
            seen[column] = true;
            cells[column] = value;
        }
        if bad {
            continue;
        }
        let view = Cells {
            row: Row::Record(&cells),
            place,
            header: &header,
        };
        sink.row(&view, errors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_quotes() {
        assert_eq!(unclosed_quote(b"a,\"b,c\nd,e"), Some((2, 1)));
        assert_eq!(unclosed_quote(b"a,\"b\"\"c\",d\n"), None);
        assert_eq!(unclosed_quote(b"a,b\"c,d"), None);
        assert_eq!(unclosed_quote(b"\"a"), Some((0, 0)));
        assert_eq!(unclosed_quote(b"a,\"multi\nline\",b\n"), None);
    }

    #[test]
    fn counts_significant_digits() {
        assert_eq!(significant_digits("12.5"), 3);
        assert_eq!(significant_digits("0.0125"), 3);
        assert_eq!(significant_digits("1000"), 1);
        assert_eq!(significant_digits("0.30000000000000004"), 17);
    }

    #[test]
    fn formats_from_extensions() {
        assert_eq!(Format::from_path(Path::new("a/b.CSV")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("b.yml")), Some(Format::Yaml));
        assert_eq!(Format::from_path(Path::new("b.json")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("b.txt")), None);
        assert_eq!(Format::from_path(Path::new("b")), None);
    }
}
