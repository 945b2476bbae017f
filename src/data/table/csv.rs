//! CSV, streamed record by record with one reused buffer: the hot path of a
//! million invoices.

use std::collections::HashMap;

use csv::StringRecord;

use super::{not_utf8, Cells, Header, Row, Sink};
use crate::data::error::{shown, Collector, Place, Problem};
use crate::data::fields;
use crate::data::profile::Profile;

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
    /// The separator.
    delimiter: u8,
    /// The line of `bytes[0]` in the file (lines skipped before the header).
    first_line: usize,
}

impl<'a> CsvRecords<'a> {
    fn new(bytes: &'a [u8], delimiter: u8, first_line: usize) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        CsvRecords {
            reader,
            bytes,
            current: StringRecord::new(),
            next: StringRecord::new(),
            next_ready: None,
            line: 0,
            cursor: (0, first_line),
            names: None,
            delimiter,
            first_line,
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
            self.cursor = (0, self.first_line);
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
        let end = if more {
            self.next
                .position()
                .map_or(self.bytes.len(), |p| p.byte() as usize)
        } else {
            self.bytes.len()
        };
        let raw = &self.bytes[start.min(end)..end];
        if let Some((offset, field, len)) = text_after_quote(raw, self.delimiter) {
            let value = shown(&String::from_utf8_lossy(&raw[offset..offset + len]));
            let line = self.line_at(start + offset);
            let column = self
                .names
                .as_ref()
                .and_then(|n| n.get(field))
                .map(String::as_str);
            errors.push(Place::Line(line), column, Problem::TextAfterQuote { value });
        }
        if !more {
            let mut start = start.min(self.bytes.len());
            while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            if let Some((offset, field)) = unclosed_quote(&self.bytes[start..], self.delimiter) {
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

/// In the raw text of one record: a quoted value followed by more text
/// before the delimiter (`"C"D`, which the `csv` crate reads as `CD`): its
/// offset, field index and length.
fn text_after_quote(raw: &[u8], delimiter: u8) -> Option<(usize, usize, usize)> {
    let mut field = 0;
    let mut i = 0;
    while i < raw.len() {
        let start = i;
        if raw[i] == b'"' {
            i += 1;
            // Inside the quotes, up to the closing one ("" is a quote).
            while i < raw.len() {
                if raw[i] == b'"' {
                    if raw.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            match raw.get(i) {
                None | Some(b'\r' | b'\n') => return None,
                Some(&b) if b == delimiter => {}
                Some(_) => {
                    let end = raw[i..]
                        .iter()
                        .position(|&b| b == delimiter || b == b'\n' || b == b'\r')
                        .map_or(raw.len(), |p| i + p);
                    return Some((start, field, end - start));
                }
            }
        } else {
            while i < raw.len() && raw[i] != delimiter {
                if matches!(raw[i], b'\n' | b'\r') {
                    return None;
                }
                i += 1;
            }
        }
        // At a delimiter (or the end).
        i += 1;
        field += 1;
    }
    None
}

/// In the raw text of a CSV file's last record: the offset of a quote that
/// opens a field and is never closed, and the field's index.
fn unclosed_quote(raw: &[u8], delimiter: u8) -> Option<(usize, usize)> {
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
            b if b == delimiter => {
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

pub(super) fn check_header(names: &[String], place: Place, errors: &mut Collector) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            errors.push(place, None, Problem::EmptyHeader { position: i + 1 });
        } else if let Some(first) = seen.get(name.as_str()) {
            errors.push(
                place,
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

/// The bytes after the first `n` lines, and the line they start on.
fn skip_lines(bytes: &[u8], n: usize) -> (&[u8], usize) {
    let mut rest = bytes;
    for _ in 0..n {
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => rest = &rest[i + 1..],
            None => rest = &[],
        }
    }
    (rest, n + 1)
}

pub(super) fn read_csv(
    bytes: &[u8],
    profile: &Profile,
    sink: &mut impl Sink,
    errors: &mut Collector,
) {
    let (bytes, first_line) = skip_lines(bytes, profile.skip_rows);
    let mut records = CsvRecords::new(bytes, profile.delimiter, first_line);
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
    if names.len() == 1 && names[0].contains(';') && profile.delimiter == b',' {
        errors.push(Place::Line(records.line()), None, Problem::Semicolons);
        return;
    }
    if let Some(bad) = names.iter().find(|n| n.chars().any(char::is_control)) {
        // A binary file, or not a CSV file at all: its rows cannot be read either.
        if let Err(problem) = fields::text(bad) {
            errors.push(Place::Line(records.line()), None, problem);
        }
        return;
    }
    check_header(&names, Place::Line(records.line()), errors);
    let named = names.iter().filter(|n| !n.is_empty()).count();
    let title_like = named == 1 && names.len() > 1;
    let mut header = Header::new(names, "column", profile);
    header.title_like = title_like;
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
            profile,
        };
        sink.row(&cells, errors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_text_after_a_closing_quote() {
        assert_eq!(text_after_quote(b"\"C\"D,x\n", b','), Some((0, 0, 4)));
        assert_eq!(text_after_quote(b"a,\"b\" ,c", b','), Some((2, 1, 4)));
        assert_eq!(text_after_quote(b"a,\"b\"\"c\",d\r\n", b','), None);
        assert_eq!(text_after_quote(b"a,\"multi\nline\",b\n", b','), None);
        assert_eq!(text_after_quote(b"a;\"b\";c", b';'), None);
        assert_eq!(text_after_quote(b"a,b\"c\"d,e", b','), None);
        assert_eq!(text_after_quote(b"\"a\"", b','), None);
    }

    #[test]
    fn finds_unclosed_quotes() {
        assert_eq!(unclosed_quote(b"a,\"b,c\nd,e", b','), Some((2, 1)));
        assert_eq!(unclosed_quote(b"a,\"b\"\"c\",d\n", b','), None);
        assert_eq!(unclosed_quote(b"a,b\"c,d", b','), None);
        assert_eq!(unclosed_quote(b"\"a", b','), Some((0, 0)));
        assert_eq!(unclosed_quote(b"a,\"multi\nline\",b\n", b','), None);
        assert_eq!(unclosed_quote(b"a;\"b;c", b';'), Some((2, 1)));
    }

    #[test]
    fn skips_title_lines() {
        assert_eq!(skip_lines(b"title\r\n\nh\n", 2), (&b"h\n"[..], 3));
        assert_eq!(skip_lines(b"title", 2), (&b""[..], 3));
        assert_eq!(skip_lines(b"h\n", 0), (&b"h\n"[..], 1));
    }
}
