//! Spreadsheet workbooks (`.xlsx`, `.xls`, `.ods`), read with `calamine`:
//! one sheet (the profile's `sheet`, or the first) is a table whose first
//! row after `skip_rows` (and any blank rows) is the header.
//!
//! A typed cell is turned into the text the profile would read, so that
//! every check and message is the CSV's:
//!
//! - a number is written with the profile's decimal mark, rounded to 15
//!   significant digits, the precision a spreadsheet shows and keeps
//!   (a binary float such as `1234.5600000000001`, left by a formula,
//!   reads as `1234.56`); a whole number is written as it is;
//! - a date cell is written `YYYY-MM-DD` (its time of day dropped), and a
//!   whole number in a date column is a date serial number (days since
//!   1899-12-30), as Excel counts;
//! - a yes/no cell is the profile's first true or false word;
//! - an error cell (`#DIV/0!`, `#N/A`) is its text, reported by the column's
//!   reader as a bad value.
//!
//! Messages name the sheet's row numbers as lines (the header row included).

use std::io::Cursor;

use calamine::{Data, Range, Reader};
use rust_decimal::Decimal;

use super::csv::check_header;
use super::{Cell, Cells, Header, Row, Sink};
use crate::data::error::{shown, Collector, Place, Problem};
use crate::data::profile::Profile;

pub(super) fn read_workbook(
    bytes: &[u8],
    profile: &Profile,
    sink: &mut impl Sink,
    errors: &mut Collector,
) {
    let (sheet, range) = match load_sheet(bytes, profile.sheet.as_deref()) {
        Ok(loaded) => loaded,
        Err(problem) => return errors.push(Place::File, None, problem),
    };
    let mut cell_profile = profile.clone();
    cell_profile.workbook = true;
    let profile = &cell_profile;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells))
        .filter(|(line, _)| *line > profile.skip_rows)
        .filter(|(_, cells)| !cells.iter().all(is_blank));
    let Some((header_line, header_cells)) = rows.next() else {
        errors.push(
            Place::File,
            None,
            Problem::EmptyFile {
                help: format!(
                    "the sheet `{}` has no header row{}",
                    shown(&sheet),
                    if profile.skip_rows > 0 {
                        " after the rows skipped"
                    } else {
                        ""
                    }
                ),
            },
        );
        return;
    };
    let mut names: Vec<String> = header_cells
        .iter()
        .map(|c| text_of(c, profile).trim().to_string())
        .collect();
    // Columns after the last named one are formatting, not data.
    while names.last().is_some_and(String::is_empty) {
        names.pop();
    }
    check_header(&names, Place::Line(header_line), errors);
    let title_like =
        header_cells.iter().filter(|c| !is_blank(c)).count() == 1 && header_cells.len() > 1;
    let mut header = Header::new(names, "column", profile);
    header.title_like = title_like;
    sink.header(&header, errors);
    let width = header.names.len();
    let mut cells = vec![Cell::Empty; width];
    for (line, row) in rows {
        for (slot, cell) in cells
            .iter_mut()
            .zip(row.iter().chain(std::iter::repeat(&Data::Empty)))
        {
            *slot = if is_blank(cell) {
                Cell::Empty
            } else {
                Cell::Text(text_of(cell, profile))
            };
        }
        let view = Cells {
            row: Row::Record(&cells),
            place: Place::Line(line),
            header: &header,
            profile,
        };
        sink.row(&view, errors);
    }
}

/// The sheet named (or the first) and its cells. A parser of binary
/// formats may fail on a damaged file in ways its authors did not foresee:
/// a panic inside it is caught and reported as a damaged workbook.
fn load_sheet(bytes: &[u8], wanted: Option<&str>) -> Result<(String, Range<Data>), Problem> {
    let bad = |message: String, help: Option<String>| Problem::BadWorkbook { message, help };
    let save_as = || Some("save it as .xlsx or .ods, or export the sheet as CSV".to_string());
    let load = || {
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|e| bad(format!("cannot read the workbook: {e}"), save_as()))?;
        let names = book.sheet_names();
        let sheet = match wanted {
            Some(wanted) => names
                .iter()
                .find(|n| *n == wanted)
                .cloned()
                .ok_or_else(|| {
                    let listed: Vec<String> =
                        names.iter().map(|n| format!("`{}`", shown(n))).collect();
                    bad(
                        format!("the workbook has no sheet `{}`", shown(wanted)),
                        Some(format!("the sheets are {}", listed.join(", "))),
                    )
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| bad("the workbook has no sheet".into(), None))?,
        };
        let range = book.worksheet_range(&sheet).map_err(|e| {
            bad(
                format!("cannot read the sheet `{}`: {e}", shown(&sheet)),
                None,
            )
        })?;
        Ok((sheet, range))
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(load)).unwrap_or_else(|_| {
        Err(bad(
            "cannot read the workbook: it is damaged".into(),
            save_as(),
        ))
    })
}

/// The first sheet's name and its first `limit` rows as text, from the
/// sheet's first row (blank rows included), for `inspect`.
pub(crate) fn sheet_rows(
    bytes: &[u8],
    limit: usize,
) -> Result<(String, Vec<Vec<String>>), Problem> {
    let (sheet, range) = load_sheet(bytes, None)?;
    let profile = Profile::default();
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows = vec![Vec::new(); first_row.min(limit)];
    rows.extend(
        range
            .rows()
            .take(limit.saturating_sub(rows.len()))
            .map(|r| r.iter().map(|c| text_of(c, &profile)).collect()),
    );
    Ok((sheet, rows))
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as the profile would write it in a CSV file.
fn text_of(cell: &Data, profile: &Profile) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f, profile.decimal),
        Data::Bool(b) => profile.bool_word(*b).to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => number_text(d.as_f64(), profile.decimal),
        Data::Error(e) => e.to_string(),
    }
}

/// A float as a spreadsheet shows it: 15 significant digits, trailing
/// zeros dropped; a value that is not finite is written as the
/// spreadsheet would (`NaN`), for the reader to refuse.
fn number_text(f: f64, decimal: char) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let scientific = format!("{f:.14e}");
    let text = match Decimal::from_scientific(&scientific) {
        Ok(d) => d.normalize().to_string(),
        // Beyond a decimal's range: the reader reports it as too large.
        Err(_) => format!("{f}"),
    };
    if decimal == '.' {
        text
    } else {
        text.replace('.', &decimal.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_shown() {
        assert_eq!(number_text(1234.56, '.'), "1234.56");
        assert_eq!(number_text(1234.5600000000001, '.'), "1234.56");
        assert_eq!(number_text(0.1 + 0.2, '.'), "0.3");
        assert_eq!(number_text(1200.0, '.'), "1200");
        assert_eq!(number_text(-12.5, ','), "-12,5");
        assert_eq!(number_text(123456789012.34, '.'), "123456789012.34");
        assert_eq!(number_text(f64::NAN, '.'), "NaN");
    }
}
