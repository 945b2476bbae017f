//! Import profiles (SPEC 6.1): how an export is written, so that a file is
//! read as the finance team has it, without a conversion script.
//!
//! A profile changes how cells are *read* (separator, encoding, decimal
//! mark, date layouts, yes/no words, column names), never what they must
//! hold: every value still goes through the same checks, and every message
//! still names the file, the row, the column as the file's header names it,
//! and the text as written.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::format::{Item, ParseErrorKind, StrftimeItems};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_yaml::Value;

use super::error::{shown, DataErrors, Problem};
use super::fields;
use crate::money::Currency;
use crate::words::{closest, quoted_list};

/// The keys a profile may have, in the order `inspect` writes them.
pub const PROFILE_KEYS: [&str; 11] = [
    "delimiter",
    "encoding",
    "decimal",
    "thousands",
    "date_format",
    "true",
    "false",
    "currency",
    "sheet",
    "skip_rows",
    "columns",
];

/// The product's columns a profile may map to a file's headers: the
/// invoice snapshot's, the payments' (`date`), and `document_type` (a
/// column telling invoices from credit notes).
pub const MAPPABLE_COLUMNS: [&str; 10] = [
    "invoice_id",
    "customer_id",
    "issue_date",
    "due_date",
    "amount",
    "currency",
    "paid_date",
    "disputed",
    "document_type",
    "date",
];

/// The text encodings a profile may name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark (the default).
    #[default]
    Utf8,
    /// Windows-1252 (what Excel writes as "CSV" on a Western Windows).
    Windows1252,
    /// ISO-8859-1 (Latin-1), read as Windows-1252, its superset for
    /// printable text (as browsers do).
    Latin1,
    /// UTF-16, little- or big-endian by its byte-order mark (little-endian without one).
    Utf16,
}

impl TextEncoding {
    /// The name a profile uses.
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1252 => "windows-1252",
            TextEncoding::Latin1 => "iso-8859-1",
            TextEncoding::Utf16 => "utf-16",
        }
    }

    fn parse(text: &str) -> Option<TextEncoding> {
        let t = text.to_ascii_lowercase().replace('_', "-");
        Some(match t.as_str() {
            "utf-8" | "utf8" => TextEncoding::Utf8,
            "windows-1252" | "cp1252" => TextEncoding::Windows1252,
            "iso-8859-1" | "latin-1" | "latin1" => TextEncoding::Latin1,
            "utf-16" | "utf16" => TextEncoding::Utf16,
            _ => return None,
        })
    }

    /// The bytes as text; `None` when they are not valid in this encoding.
    pub(crate) fn decode(self, bytes: &[u8]) -> Option<String> {
        let encoding = match self {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Windows1252 | TextEncoding::Latin1 => encoding_rs::WINDOWS_1252,
            TextEncoding::Utf16 => encoding_rs::UTF_16LE,
        };
        // `decode` follows a byte-order mark when there is one (a UTF-16
        // file says its byte order there) and drops it.
        let (text, _, had_errors) = encoding.decode(bytes);
        (!had_errors).then(|| text.into_owned())
    }
}

/// How an export is written. Every key is optional; [`Profile::default`]
/// is the product's own CSV.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Profile {
    /// The CSV separator (one ASCII character).
    pub delimiter: u8,
    /// The text encoding of a CSV file.
    pub encoding: TextEncoding,
    /// The decimal mark of amounts and numbers: `.` or `,`.
    pub decimal: char,
    /// The thousands separator, if amounts have one.
    pub thousands: Option<char>,
    /// Date layouts (strftime), tried in order; empty: `YYYY-MM-DD` only.
    pub date_formats: Vec<String>,
    /// Words read as true; empty: `true`, `yes`, `1`.
    pub true_words: Vec<String>,
    /// Words read as false; empty: `false`, `no`, `0`.
    pub false_words: Vec<String>,
    /// The currency of every amount, for a file without a currency column
    /// (or with empty cells in it).
    pub currency: Option<Currency>,
    /// The sheet of a workbook to read; `None`: the first.
    pub sheet: Option<String>,
    /// Lines (rows of a sheet) before the header.
    pub skip_rows: usize,
    /// The product's column names to the file's headers.
    pub columns: BTreeMap<String, String>,
    /// The cells come from a workbook: a whole number in a date column is
    /// a date serial number (days since 1899-12-30, as Excel counts).
    #[serde(skip)]
    pub(crate) workbook: bool,
    /// The cells come from a Parquet or Arrow file: a typed date is written
    /// `YYYY-MM-DD`, read as such whatever `date_format` says.
    #[serde(skip)]
    pub(crate) columnar: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            delimiter: b',',
            encoding: TextEncoding::Utf8,
            decimal: '.',
            thousands: None,
            date_formats: Vec::new(),
            true_words: Vec::new(),
            false_words: Vec::new(),
            currency: None,
            sheet: None,
            skip_rows: 0,
            columns: BTreeMap::new(),
            workbook: false,
            columnar: false,
        }
    }
}

impl Profile {
    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<Profile, DataErrors> {
        let name = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Profile::from_yaml(&name, &text),
            Err(e) => Err(DataErrors::file(
                &name,
                Problem::Io {
                    message: e.to_string(),
                },
            )),
        }
    }

    /// Checks a profile's YAML text; `name` is how messages call the file.
    pub fn from_yaml(name: &str, text: &str) -> Result<Profile, DataErrors> {
        let bad = |message: String, help: Option<String>| {
            DataErrors::file(name, Problem::BadProfile { message, help })
        };
        let value: Value = match serde_yaml::from_str(text) {
            Ok(v) => v,
            Err(e) => return Err(bad(format!("not valid YAML: {e}"), None)),
        };
        Profile::from_value(&value).map_err(|(message, help)| bad(message, help))
    }

    /// Checks a profile given as a YAML value (the `profile:` of a test file).
    pub(crate) fn from_value(value: &Value) -> Result<Profile, (String, Option<String>)> {
        let mut profile = Profile::default();
        let map = match value {
            Value::Null => return Ok(profile),
            Value::Mapping(m) => m,
            _ => {
                return Err((
                    "a profile is a mapping of keys to values".into(),
                    Some("write one `key: value` per line, such as `delimiter: \";\"`".into()),
                ))
            }
        };
        for (key, value) in map {
            let key = scalar(key).unwrap_or_default();
            let as_text =
                || scalar(value).ok_or_else(|| (format!("`{key}` takes a single value"), None));
            match key.as_str() {
                "delimiter" => {
                    let d = as_text()?;
                    let d = if d == "\\t" || d == "tab" {
                        "\t".into()
                    } else {
                        d
                    };
                    match d.as_bytes() {
                        [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => {
                            profile.delimiter = *b
                        }
                        _ => return Err((
                            format!("`{}` is not a delimiter", shown(&d)),
                            Some(
                                "write one character: \",\", \";\", \"|\", or \"\\t\" for a tab"
                                    .into(),
                            ),
                        )),
                    }
                }
                "encoding" => {
                    let e = as_text()?;
                    profile.encoding = TextEncoding::parse(&e).ok_or_else(|| {
                        (
                            format!("`{}` is not an encoding dunning reads", shown(&e)),
                            Some("write utf-8, windows-1252, iso-8859-1 or utf-16".into()),
                        )
                    })?;
                }
                "decimal" => {
                    let d = as_text()?;
                    profile.decimal = match d.as_str() {
                        "." => '.',
                        "," => ',',
                        _ => {
                            return Err((
                                format!("`{}` is not a decimal mark", shown(&d)),
                                Some("write \".\" or \",\"".into()),
                            ))
                        }
                    };
                }
                "thousands" => {
                    let t = as_text()?;
                    let mut chars = t.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None)
                            if matches!(
                                c,
                                ' ' | '.' | ',' | '\'' | '\u{a0}' | '\u{202f}' | '’'
                            ) =>
                        {
                            profile.thousands = Some(c)
                        }
                        _ => {
                            return Err((
                                format!("`{}` is not a thousands separator", shown(&t)),
                                Some(
                                    "write one of \" \", \".\", \",\", \"'\" or a no-break space"
                                        .into(),
                                ),
                            ))
                        }
                    }
                }
                "date_format" => {
                    let formats = words(value).ok_or_else(|| {
                        (
                            "`date_format` takes a format or a list of formats".to_string(),
                            None,
                        )
                    })?;
                    for f in &formats {
                        check_date_format(f)?;
                    }
                    profile.date_formats = formats;
                }
                "true" | "false" => {
                    let list = words(value)
                        .ok_or_else(|| (format!("`{key}` takes a list of words"), None))?;
                    if key == "true" {
                        profile.true_words = list;
                    } else {
                        profile.false_words = list;
                    }
                }
                "currency" => {
                    let c = as_text()?;
                    profile.currency = Some(fields::currency(&c).map_err(|p| {
                        let help = miette::Diagnostic::help(&p).map(|h| h.to_string());
                        (format!("`currency`: {p}"), help)
                    })?);
                }
                "sheet" => profile.sheet = Some(as_text()?),
                "skip_rows" => {
                    let n = as_text()?;
                    profile.skip_rows =
                        n.parse::<usize>()
                            .ok()
                            .filter(|&n| n <= 1000)
                            .ok_or_else(|| {
                                (
                                    format!(
                                        "`skip_rows` is `{}`, not a number of lines",
                                        shown(&n)
                                    ),
                                    Some(
                                        "write how many lines come before the header, such as 2"
                                            .into(),
                                    ),
                                )
                            })?;
                }
                "columns" => {
                    let Value::Mapping(columns) = value else {
                        return Err((
                            "`columns` maps the product's column names to the file's headers".into(),
                            Some("write `invoice_id: \"N° facture\"`, one per line, indented under `columns:`".into()),
                        ));
                    };
                    for (product, header) in columns {
                        let product = scalar(product).unwrap_or_default();
                        if !MAPPABLE_COLUMNS.contains(&product.as_str()) {
                            let help = match closest(&product, MAPPABLE_COLUMNS) {
                                Some(near) => format!("did you mean `{near}`?"),
                                None => format!(
                                    "the columns a profile maps are {}; other columns keep their header as attribute names",
                                    quoted_list(MAPPABLE_COLUMNS)
                                ),
                            };
                            return Err((
                                format!("`{}` is not a column of the product", shown(&product)),
                                Some(help),
                            ));
                        }
                        let Some(header) = scalar(header).filter(|h| !h.trim().is_empty()) else {
                            return Err((
                                format!("`columns`: `{product}` takes the header of a column of the file"),
                                None,
                            ));
                        };
                        profile.columns.insert(product, header.trim().to_string());
                    }
                }
                other => {
                    let help = match closest(other, PROFILE_KEYS) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("the keys are {}", quoted_list(PROFILE_KEYS)),
                    };
                    return Err((
                        format!("`{}` is not a key of a profile", shown(other)),
                        Some(help),
                    ));
                }
            }
        }
        Ok(profile)
    }

    /// The file's header for a product column: as mapped, or its own name.
    pub fn header_of<'a>(&'a self, column: &'a str) -> &'a str {
        self.columns.get(column).map_or(column, String::as_str)
    }

    /// Whether the profile reads dates other than as `YYYY-MM-DD`.
    fn custom_dates(&self) -> bool {
        !self.date_formats.is_empty() || self.workbook
    }

    /// What a date is expected to look like, for messages.
    fn expected_date(&self) -> String {
        if self.date_formats.is_empty() {
            return "YYYY-MM-DD".into();
        }
        let formats: Vec<String> = self.date_formats.iter().map(|f| format!("`{f}`")).collect();
        format!("a date in the format {}", formats.join(" or "))
    }

    /// A date cell, as the profile writes dates.
    #[inline]
    pub(crate) fn date(&self, text: &str) -> Result<NaiveDate, Problem> {
        if !self.custom_dates() {
            return fields::date(text);
        }
        if self.workbook {
            if let Some(d) = serial_date(text).or_else(|| fields::date(text).ok()) {
                return Ok(d);
            }
        }
        let formats: &[String] = &self.date_formats;
        if formats.is_empty() {
            return fields::date(text);
        }
        if self.columnar {
            if let Ok(d) = fields::date(text) {
                return Ok(d);
            }
        }
        let mut impossible = false;
        let mut short_year = false;
        for format in formats {
            match NaiveDate::parse_from_str(text, format) {
                // `%Y` reads `25` as the year 25: a cut year, not a date.
                Ok(d) if d.year() < 1000 => short_year = true,
                Ok(d) => return Ok(d),
                // The layout fits, but there is no such day (31/02/2025).
                Err(e) => {
                    impossible |= matches!(
                        e.kind(),
                        ParseErrorKind::OutOfRange | ParseErrorKind::Impossible
                    )
                }
            }
        }
        Err(Problem::BadDate {
            value: shown(text),
            reason: if impossible {
                ": there is no such day".into()
            } else {
                String::new()
            },
            expected: self.expected_date(),
            help: Some(if short_year {
                "the year has fewer than four digits: write it in full, or use `%y` in `date_format` for two-digit years".into()
            } else {
                "write the date as the profile's `date_format` says, or add its layout to the list"
                    .into()
            }),
        })
    }

    /// The text with the profile's separators, as the strict readers take
    /// it (`1 234,56` to `1234.56`); `None` when it mixes marks (a dot with
    /// a decimal comma) and so cannot be read without guessing.
    fn normalized<'t>(&self, text: &'t str) -> Option<std::borrow::Cow<'t, str>> {
        if self.decimal == '.' && self.thousands.is_none() {
            return Some(text.into());
        }
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            let thousands = match self.thousands {
                Some(' ') => matches!(c, ' ' | '\u{a0}' | '\u{202f}'),
                Some(t) => c == t,
                None => false,
            };
            if thousands {
                continue;
            }
            if c == self.decimal {
                out.push('.');
            } else if c == '.' || (c == ',' && self.decimal != ',') {
                // The other mark, where the profile does not expect it.
                return None;
            } else {
                out.push(c);
            }
        }
        Some(out.into())
    }

    /// What an amount is expected to look like, for messages.
    fn expected_amount(&self) -> String {
        let example = match (self.decimal, self.thousands) {
            ('.', None) => return "a decimal number with a dot, such as 1250.00".into(),
            (d, None) => format!("1250{d}00"),
            (d, Some(t)) => format!("1{t}250{d}00"),
        };
        format!("a number written as the profile says, such as {example}")
    }

    /// An amount or a number as the profile writes numbers, read by the
    /// strict reader `read` (`fields::amount`, `fields::number`…) once the
    /// separators are converted.
    ///
    /// Generic over the reader so that the product's own CSV (no
    /// separators to convert) costs a direct, inlinable call: this is the
    /// hot path of a million invoices.
    #[inline]
    pub(crate) fn decimal(
        &self,
        text: &str,
        read: impl Fn(&str) -> Result<Decimal, Problem>,
    ) -> Result<Decimal, Problem> {
        if self.decimal == '.' && self.thousands.is_none() {
            return read(text);
        }
        let bad = || Problem::BadAmount {
            value: shown(text),
            expected: self.expected_amount(),
            help: None,
        };
        let Some(plain) = self.normalized(text) else {
            return Err(bad());
        };
        read(&plain).map_err(|p| match p {
            // The strict reader's message quotes the converted text: quote
            // the file's own.
            Problem::BadAmount { .. } => bad(),
            Problem::BadNumber { .. } => Problem::BadNumber {
                value: shown(text),
                help: Some(format!("write {}", self.expected_amount())),
            },
            Problem::AmountNotPositive { help, .. } => Problem::AmountNotPositive {
                value: shown(text),
                help,
            },
            Problem::AmountTooLarge { .. } => Problem::AmountTooLarge { value: shown(text) },
            other => other,
        })
    }

    /// A yes/no cell, with the profile's words (compared without case).
    #[inline]
    pub(crate) fn boolean(&self, text: &str) -> Result<bool, Problem> {
        if self.true_words.is_empty() && self.false_words.is_empty() {
            return fields::boolean(text);
        }
        let is = |list: &[String]| list.iter().any(|w| w.to_lowercase() == text.to_lowercase());
        if is(&self.true_words) {
            return Ok(true);
        }
        if is(&self.false_words) {
            return Ok(false);
        }
        // A list the profile leaves out keeps its default words.
        if self.true_words.is_empty() || self.false_words.is_empty() {
            if let Ok(b) = fields::boolean(text) {
                if (b && self.true_words.is_empty()) || (!b && self.false_words.is_empty()) {
                    return Ok(b);
                }
            }
        }
        Err(Problem::BadBool {
            value: shown(text),
            help: format!(
                "the profile reads {} as true and {} as false",
                word_list(&self.true_words, "true, yes, 1"),
                word_list(&self.false_words, "false, no, 0")
            ),
        })
    }

    /// The word a workbook's yes/no cell is written as, for the readers.
    pub(crate) fn bool_word(&self, b: bool) -> &str {
        let list = if b {
            &self.true_words
        } else {
            &self.false_words
        };
        list.first()
            .map_or(if b { "true" } else { "false" }, String::as_str)
    }
}

fn word_list(words: &[String], default: &str) -> String {
    if words.is_empty() {
        default.to_string()
    } else {
        words.join(", ")
    }
}

/// An Excel date serial number (the 1900 date system, from 1900-03-01 on:
/// Excel's day 60 is a 29 February 1900 that never was).
fn serial_date(text: &str) -> Option<NaiveDate> {
    let n: i64 = text.parse().ok()?;
    if !(61..=2_958_465).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n.unsigned_abs()))
}

fn check_date_format(format: &str) -> Result<(), (String, Option<String>)> {
    let items: Vec<Item<'_>> = StrftimeItems::new(format).collect();
    let bad = items.iter().any(|i| matches!(i, Item::Error));
    let has = |spec: &[&str]| spec.iter().any(|s| format.contains(s));
    if bad || !has(&["%Y", "%y", "%F", "%D"]) || !has(&["%d", "%e", "%F", "%D", "%j"]) {
        return Err((
            format!("`{}` is not a date format", shown(format)),
            Some(
                "write a strftime layout with a day, a month and a year, such as \"%d/%m/%Y\""
                    .into(),
            ),
        ));
    }
    Ok(())
}

/// A scalar YAML value as text (`1` and `"1"` alike).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A word or a list of words.
fn words(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Sequence(items) => items.iter().map(scalar).collect(),
        other => scalar(other).map(|s| vec![s]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(yaml: &str) -> Profile {
        Profile::from_yaml("p.yaml", yaml).unwrap()
    }

    fn error(yaml: &str) -> String {
        Profile::from_yaml("p.yaml", yaml).unwrap_err().to_string()
    }

    #[test]
    fn reads_every_key() {
        let p = profile(
            "delimiter: \";\"\nencoding: windows-1252\ndecimal: \",\"\nthousands: \" \"\n\
             date_format: [\"%d/%m/%Y\", \"%d.%m.%Y\"]\ntrue: [oui, Yes, \"1\"]\nfalse: [non, 0]\n\
             currency: EUR\nsheet: Factures\nskip_rows: 2\ncolumns:\n  invoice_id: \"N° facture\"\n",
        );
        assert_eq!(p.delimiter, b';');
        assert_eq!(p.encoding, TextEncoding::Windows1252);
        assert_eq!(p.decimal, ',');
        assert_eq!(p.thousands, Some(' '));
        assert_eq!(p.date_formats, ["%d/%m/%Y", "%d.%m.%Y"]);
        assert_eq!(p.true_words, ["oui", "Yes", "1"]);
        assert_eq!(p.false_words, ["non", "0"]);
        assert_eq!(
            p.currency.map(|c| c.as_str().to_string()),
            Some("EUR".into())
        );
        assert_eq!(p.sheet.as_deref(), Some("Factures"));
        assert_eq!(p.skip_rows, 2);
        assert_eq!(p.header_of("invoice_id"), "N° facture");
        assert_eq!(p.header_of("customer_id"), "customer_id");
        assert_eq!(profile("delimiter: \"\\t\"").delimiter, b'\t');
        assert_eq!(profile("").delimiter, b',');
    }

    #[test]
    fn refuses_bad_keys_and_values() {
        assert!(error("delimiter: \";;\"").contains("is not a delimiter"));
        assert!(error("encoding: ebcdic").contains("not an encoding"));
        assert!(error("decimal: x").contains("not a decimal mark"));
        assert!(error("date_format: \"%Q\"").contains("not a date format"));
        assert!(error("date_format: \"%m/%Y\"").contains("not a date format"));
        assert!(error("currency: eur").contains("in capitals: EUR"));
        assert!(error("skip_rows: -1").contains("not a number of lines"));
        assert!(error("delimeter: \";\"").contains("did you mean `delimiter`"));
        assert!(error("columns:\n  invoice_Id: No").contains("did you mean `invoice_id`"));
        assert!(error("[1]").contains("a mapping"));
    }

    #[test]
    fn reads_dates_amounts_and_words_as_written() {
        let p = profile(
            "decimal: \",\"\nthousands: \" \"\ndate_format: \"%m/%d/%Y\"\ntrue: [Y]\nfalse: [N]\n",
        );
        assert_eq!(
            p.date("7/3/2013"),
            Ok(NaiveDate::from_ymd_opt(2013, 7, 3).unwrap())
        );
        assert!(p.date("2013-07-03").is_err());
        let short = p.date("7/3/13").unwrap_err().to_string();
        assert!(short.starts_with("`7/3/13` is not a date"), "{short}");
        assert_eq!(
            p.decimal("1 234,56", fields::amount),
            Ok(Decimal::new(123456, 2))
        );
        assert_eq!(
            p.decimal("1\u{a0}234,5", fields::amount),
            Ok(Decimal::new(12345, 1))
        );
        let e = p.decimal("1.234,56", fields::amount).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`1.234,56` is not an amount (expected a number written as the profile says, such as 1 250,00)"
        );
        assert!(p
            .decimal("-3,00", fields::amount)
            .unwrap_err()
            .to_string()
            .starts_with("`-3,00`"));
        assert_eq!(p.decimal("-2,5", fields::number), Ok(Decimal::new(-25, 1)));
        assert_eq!(p.boolean("y"), Ok(true));
        assert_eq!(p.boolean("N"), Ok(false));
        assert!(p.boolean("yes").is_err());
    }

    #[test]
    fn workbooks_read_serial_dates() {
        let p = Profile {
            workbook: true,
            ..Profile::default()
        };
        assert_eq!(
            p.date("45292"),
            Ok(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
        );
        assert_eq!(
            p.date("2024-01-01"),
            Ok(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
        );
        assert!(p.date("12.5").is_err());
    }

    #[test]
    fn decodes_text() {
        assert_eq!(
            TextEncoding::Windows1252
                .decode(b"Soci\xe9t\xe9")
                .as_deref(),
            Some("Société")
        );
        assert_eq!(
            TextEncoding::Utf16
                .decode(b"\xff\xfea\x00\xe9\x00")
                .as_deref(),
            Some("aé")
        );
        assert_eq!(
            TextEncoding::Utf16
                .decode(b"\xfe\xff\x00a\x00\xe9")
                .as_deref(),
            Some("aé")
        );
        assert_eq!(TextEncoding::Utf8.decode(b"\xff"), None);
    }
}
