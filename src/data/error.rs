//! Everything the loaders can say about a data file. Each problem has a
//! stable code (`dunning::data::…`, explained in `codes.rs`) and every
//! message names the file, the line (or the record of a JSON or YAML
//! list), the column, the value and what was expected.

use std::fmt;
use std::sync::Arc;

use miette::Diagnostic;
use thiserror::Error;

/// How many errors `DataErrors` renders before "and N more".
pub const SHOWN: usize = 50;

/// How many errors a load keeps in memory; the rest are only counted.
pub const KEPT: usize = 10_000;

/// Where in a file a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// The file as a whole (it cannot be read, a column is missing…).
    File,
    /// A line of a CSV file (1-based; the header is line 1), or of a JSON
    /// or YAML file when the problem is in its syntax.
    Line(usize),
    /// A record of a JSON or YAML list (1-based).
    Record(usize),
}

impl Place {
    /// The line or record number; 0 for the whole file.
    pub fn number(self) -> usize {
        match self {
            Place::File => 0,
            Place::Line(n) | Place::Record(n) => n,
        }
    }

    /// What a column is called at this place: a CSV column, a JSON or YAML field.
    pub(crate) fn column_word(self) -> &'static str {
        match self {
            Place::Record(_) => "field",
            Place::File | Place::Line(_) => "column",
        }
    }
}

impl fmt::Display for Place {
    /// `line 12`, `record 3`, or `the file`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => f.write_str("the file"),
            Place::Line(n) => write!(f, "line {n}"),
            Place::Record(n) => write!(f, "record {n}"),
        }
    }
}

/// The file, place and column a problem is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    /// The file, as messages name it.
    pub file: Arc<str>,
    /// The line or record.
    pub place: Place,
    /// The column (CSV) or field (JSON, YAML) holding the bad value.
    pub column: Option<Box<str>>,
}

impl fmt::Display for At {
    /// `invoices.csv:12: column `due_date``, `invoices.json: record 3: field `due_date``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Place::File => write!(f, "{}", self.file)?,
            Place::Line(n) => write!(f, "{}:{n}", self.file)?,
            Place::Record(n) => write!(f, "{}: record {n}", self.file)?,
        }
        if let Some(column) = &self.column {
            write!(f, ": {} `{}`", self.place.column_word(), column)?;
        }
        Ok(())
    }
}

/// One problem in a data file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{at}: {problem}")]
pub struct DataError {
    /// Where it is.
    pub at: At,
    /// What is wrong.
    pub problem: Problem,
}

impl DataError {
    /// The file, as messages name it.
    pub fn file(&self) -> &str {
        &self.at.file
    }

    /// The line of a CSV file (or of a JSON/YAML syntax error).
    pub fn line(&self) -> Option<usize> {
        match self.at.place {
            Place::Line(n) => Some(n),
            _ => None,
        }
    }

    /// The record of a JSON or YAML list.
    pub fn record(&self) -> Option<usize> {
        match self.at.place {
            Place::Record(n) => Some(n),
            _ => None,
        }
    }

    /// The column (CSV) or field (JSON, YAML) holding the bad value.
    pub fn column(&self) -> Option<&str> {
        self.at.column.as_deref()
    }

    /// `dunning::data::bad-date` and so on.
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }
}

impl Diagnostic for DataError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Diagnostic::code(&self.problem)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem.help()
    }
}

/// What is wrong, in plain words. The message never repeats the place: a
/// `DataError` puts `file:line: column `x`:` in front of it.
#[derive(Clone, Debug, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum Problem {
    // ───────────── the file ─────────────
    /// A data file cannot be read.
    #[error("cannot read the file: {message}")]
    #[diagnostic(code("dunning::data::io"))]
    Io {
        /// What is wrong, in words.
        message: String,
    },

    /// A data file's extension is not .csv, .json, .yaml or .yml.
    #[error("cannot tell the format of the file from its name")]
    #[diagnostic(
        code("dunning::data::unknown-format"),
        help("name the file with one of the extensions .csv, .json, .yaml or .yml")
    )]
    UnknownFormat,

    /// A data file is not UTF-8 text.
    #[error("the text is not UTF-8 (byte {byte})")]
    #[diagnostic(code("dunning::data::not-utf8"))]
    NotUtf8 {
        /// The first bad byte, as `0xE9`.
        byte: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A quote opens a CSV value and never closes.
    #[error("a quote `\"` opens a value that is never closed: the rest of the file was read as that one value")]
    #[diagnostic(
        code("dunning::data::bad-csv"),
        help(
            "close the quote; to write a quote inside a quoted value, double it: \"12\"\" screen\""
        )
    )]
    UnclosedQuote,

    /// The CSV text cannot be split into cells.
    #[error("{message}")]
    #[diagnostic(code("dunning::data::bad-csv"))]
    BadCsv {
        /// What is wrong, in words.
        message: String,
    },

    /// The CSV file is separated by semicolons.
    #[error("the header is separated by semicolons, not commas")]
    #[diagnostic(
        code("dunning::data::bad-csv"),
        help("dunning reads comma-separated files, with a dot in decimal numbers: in a spreadsheet, export as \"CSV (comma delimited)\"")
    )]
    Semicolons,

    /// The file is not valid JSON.
    #[error("not valid JSON: {message}")]
    #[diagnostic(code("dunning::data::bad-json"))]
    BadJson {
        /// What is wrong, in words.
        message: String,
    },

    /// The file is not valid YAML, or uses a YAML feature dunning does not read.
    #[error("not valid YAML: {message}")]
    #[diagnostic(code("dunning::data::bad-yaml"))]
    BadYaml {
        /// What is wrong, in words.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A JSON or YAML file is not a list of records.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(
        code("dunning::data::not-a-table"),
        help("write a list with one object per row, each field a column: [{{\"invoice_id\": \"INV-1\", …}}, …]")
    )]
    NotATable {
        /// What was expected.
        expected: &'static str,
        /// What was found instead.
        found: &'static str,
    },

    /// A data file is empty.
    #[error("the file is empty")]
    #[diagnostic(code("dunning::data::empty-file"))]
    EmptyFile {
        /// How to fix it.
        #[help]
        help: String,
    },

    // ───────────── the header ─────────────
    /// A column of the CSV header has no name.
    #[error("column {position} of the header has no name")]
    #[diagnostic(
        code("dunning::data::empty-header"),
        help("name the column, or delete it (a comma at the end of the header makes an empty column)")
    )]
    EmptyHeader {
        /// The column's position, from 1.
        position: usize,
    },

    /// A column appears twice.
    #[error("`{column}` appears twice {detail}")]
    #[diagnostic(
        code("dunning::data::duplicate-column"),
        help("each column may appear once; rename or delete one of them")
    )]
    DuplicateColumn {
        /// The column, as the header names it.
        column: String,
        /// Where, in words.
        detail: String,
    },

    /// A required column, or one the policy uses, is not in the file.
    #[error("missing {word} `{column}` ({why})")]
    #[diagnostic(code("dunning::data::missing-column"))]
    MissingColumn {
        /// The column, as the header names it.
        column: String,
        /// `column` or `field`.
        word: &'static str,
        /// Why, in words.
        why: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    // ───────────── rows ─────────────
    /// A CSV row has more or fewer cells than the header.
    #[error("the row has {found} value{} but the header has {expected} column{}", plural(*found), plural(*expected))]
    #[diagnostic(code("dunning::data::bad-row-length"))]
    BadRowLength {
        /// What was found instead.
        found: usize,
        /// What was expected.
        expected: usize,
        /// How to fix it.
        #[help]
        help: &'static str,
    },

    /// A required cell is empty.
    #[error("the value is missing (this {word} is required)")]
    #[diagnostic(code("dunning::data::missing-value"))]
    MissingValue {
        /// `column` or `field`.
        word: &'static str,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A JSON or YAML field holds an object or a list.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(
        code("dunning::data::wrong-type"),
        help("a field holds a single value: a text, a number, true or false, or null when empty")
    )]
    WrongType {
        /// What was expected.
        expected: &'static str,
        /// What was found instead.
        found: &'static str,
    },

    /// A JSON or YAML number has too many digits to be read exactly.
    #[error("the number has more than 15 significant digits and cannot be read exactly (it reads as {value})")]
    #[diagnostic(
        code("dunning::data::imprecise-number"),
        help("write the number as a string, with its exact digits: \"1234567890123.4567\" is read digit for digit")
    )]
    ImpreciseNumber {
        /// The value, as written.
        value: String,
    },

    /// An id or a text value contains a control character.
    #[error("`{value}` contains a control character ({character})")]
    #[diagnostic(
        code("dunning::data::bad-text"),
        help("remove the character; it is often left by a binary export or a copy from another program")
    )]
    BadText {
        /// The value, as written.
        value: String,
        /// The character, as `U+0007`.
        character: String,
    },

    // ───────────── values ─────────────
    /// A value is not a date written YYYY-MM-DD.
    #[error("`{value}` is not a date{reason} (expected YYYY-MM-DD)")]
    #[diagnostic(code("dunning::data::bad-date"))]
    BadDate {
        /// The value, as written.
        value: String,
        /// Empty, or `: February 2025 has 28 days`.
        reason: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A value is not an amount written as a decimal with a dot.
    #[error("`{value}` is not an amount (expected a decimal number with a dot, such as 1250.00)")]
    #[diagnostic(code("dunning::data::bad-amount"))]
    BadAmount {
        /// The value, as written.
        value: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// An invoice or payment amount is zero or negative.
    #[error("`{value}` is not a positive amount")]
    #[diagnostic(code("dunning::data::amount-not-positive"))]
    AmountNotPositive {
        /// The value, as written.
        value: String,
        /// How to fix it.
        #[help]
        help: &'static str,
    },

    /// An amount or number is above 10^18.
    #[error("`{value}` is larger than the largest amount allowed (10^18)")]
    #[diagnostic(
        code("dunning::data::amount-too-large"),
        help("check the value: it is far above any real invoice, and is likely a misplaced column or a missing decimal point")
    )]
    AmountTooLarge {
        /// The value, as written.
        value: String,
    },

    /// A value is not an ISO 4217 currency code.
    #[error("`{value}` is not an ISO 4217 currency code")]
    #[diagnostic(code("dunning::data::bad-currency"))]
    BadCurrency {
        /// The value, as written.
        value: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A value is not true or false.
    #[error("`{value}` is not true or false")]
    #[diagnostic(
        code("dunning::data::bad-bool"),
        help("write true or false (yes/no and 1/0 are also read); an empty cell means false")
    )]
    BadBool {
        /// The value, as written.
        value: String,
    },

    /// An attribute declared `number` holds something else.
    #[error("`{value}` is not a number (expected a decimal number with a dot, such as 3 or -2.5)")]
    #[diagnostic(code("dunning::data::bad-number"))]
    BadNumber {
        /// The value, as written.
        value: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// An attribute's value is not among those the policy declares.
    #[error("`{value}` is not a declared value of `{attribute}` (expected {expected})")]
    #[diagnostic(code("dunning::data::undeclared-value"))]
    UndeclaredValue {
        /// The value, as written.
        value: String,
        /// The attribute.
        attribute: String,
        /// What was expected.
        expected: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    // ───────────── consistency ─────────────
    /// Two rows have the same invoice id.
    #[error("invoice `{id}` is repeated: first on {first}, again on {second}")]
    #[diagnostic(
        code("dunning::data::duplicate-id"),
        help(
            "each invoice has one row; remove the repeated row, or give the invoices distinct ids"
        )
    )]
    DuplicateId {
        /// The invoice id.
        id: String,
        /// Where the first one is.
        first: Place,
        /// Where the second one is.
        second: Place,
    },

    /// An invoice's due date is before its issue date.
    #[error("the due date {due} is before the issue date {issue}")]
    #[diagnostic(
        code("dunning::data::due-before-issue"),
        help("an invoice falls due on or after the day it is issued; check for swapped columns or a typo in the year")
    )]
    DueBeforeIssue {
        /// The due date, as written.
        due: String,
        /// The issue date, as written.
        issue: String,
    },

    /// A paid date or a payment is dated before the invoice's issue date.
    #[error("the {what} {paid} is before the invoice's issue date {issue}")]
    #[diagnostic(
        code("dunning::data::paid-before-issue"),
        help("an invoice cannot be paid before it is issued; check the dates")
    )]
    PaidBeforeIssue {
        /// What it is, in words.
        what: &'static str,
        /// The date, as written.
        paid: String,
        /// The issue date, as written.
        issue: String,
    },

    /// A payment or history row names an invoice the invoice file does not have.
    #[error("there is no invoice `{id}` in the invoices")]
    #[diagnostic(code("dunning::data::unknown-invoice"))]
    UnknownInvoice {
        /// The invoice id.
        id: String,
        /// How to fix it.
        #[help]
        help: &'static str,
    },

    /// A history row gives an invoice another customer than the invoice file.
    #[error("invoice `{invoice}` belongs to customer `{expected}`, not `{found}`")]
    #[diagnostic(
        code("dunning::data::customer-mismatch"),
        help(
            "the history must match the invoices: check that both files come from the same system"
        )
    )]
    CustomerMismatch {
        /// The invoice id.
        invoice: String,
        /// What was expected.
        expected: String,
        /// What was found instead.
        found: String,
    },

    /// A history row's action is not a known action.
    #[error("`{value}` is not an action")]
    #[diagnostic(code("dunning::data::unknown-action"))]
    UnknownAction {
        /// The value, as written.
        value: String,
        /// How to fix it.
        #[help]
        help: String,
    },
}

impl Problem {
    /// The stable code, without going through `dyn Display`.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Io { .. } => "dunning::data::io",
            Problem::UnknownFormat => "dunning::data::unknown-format",
            Problem::NotUtf8 { .. } => "dunning::data::not-utf8",
            Problem::UnclosedQuote | Problem::Semicolons | Problem::BadCsv { .. } => {
                "dunning::data::bad-csv"
            }
            Problem::BadJson { .. } => "dunning::data::bad-json",
            Problem::BadYaml { .. } => "dunning::data::bad-yaml",
            Problem::NotATable { .. } => "dunning::data::not-a-table",
            Problem::EmptyFile { .. } => "dunning::data::empty-file",
            Problem::EmptyHeader { .. } => "dunning::data::empty-header",
            Problem::DuplicateColumn { .. } => "dunning::data::duplicate-column",
            Problem::MissingColumn { .. } => "dunning::data::missing-column",
            Problem::BadRowLength { .. } => "dunning::data::bad-row-length",
            Problem::MissingValue { .. } => "dunning::data::missing-value",
            Problem::WrongType { .. } => "dunning::data::wrong-type",
            Problem::ImpreciseNumber { .. } => "dunning::data::imprecise-number",
            Problem::BadText { .. } => "dunning::data::bad-text",
            Problem::BadDate { .. } => "dunning::data::bad-date",
            Problem::BadAmount { .. } => "dunning::data::bad-amount",
            Problem::AmountNotPositive { .. } => "dunning::data::amount-not-positive",
            Problem::AmountTooLarge { .. } => "dunning::data::amount-too-large",
            Problem::BadCurrency { .. } => "dunning::data::bad-currency",
            Problem::BadBool { .. } => "dunning::data::bad-bool",
            Problem::BadNumber { .. } => "dunning::data::bad-number",
            Problem::UndeclaredValue { .. } => "dunning::data::undeclared-value",
            Problem::DuplicateId { .. } => "dunning::data::duplicate-id",
            Problem::DueBeforeIssue { .. } => "dunning::data::due-before-issue",
            Problem::PaidBeforeIssue { .. } => "dunning::data::paid-before-issue",
            Problem::UnknownInvoice { .. } => "dunning::data::unknown-invoice",
            Problem::CustomerMismatch { .. } => "dunning::data::customer-mismatch",
            Problem::UnknownAction { .. } => "dunning::data::unknown-action",
        }
    }

    /// The file could not be read at all: a usage or I/O error (exit code 2),
    /// not a finding about its content (exit code 1).
    pub fn is_io(&self) -> bool {
        matches!(self, Problem::Io { .. } | Problem::UnknownFormat)
    }
}

/// Every problem found in one file, in file order.
///
/// At most [`KEPT`] errors are kept; `total` counts them all, so nothing is
/// lost silently. `Display` shows the first [`SHOWN`] and says how many more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataErrors {
    errors: Vec<DataError>,
    total: usize,
}

impl DataErrors {
    pub(crate) fn new(errors: Vec<DataError>, total: usize) -> Self {
        DataErrors { errors, total }
    }

    /// One problem about the whole file.
    pub(crate) fn file(file: &str, problem: Problem) -> Self {
        DataErrors {
            errors: vec![DataError {
                at: At {
                    file: file.into(),
                    place: Place::File,
                    column: None,
                },
                problem,
            }],
            total: 1,
        }
    }

    /// The errors kept, in file order (at most [`KEPT`]).
    pub fn errors(&self) -> &[DataError] {
        &self.errors
    }

    /// How many errors were found, including those not kept.
    pub fn total(&self) -> usize {
        self.total
    }

    /// 2 when the file could not be read (I/O, unknown format), else 1.
    pub fn exit_code(&self) -> u8 {
        if self.errors.iter().any(|e| e.problem.is_io()) {
            2
        } else {
            1
        }
    }

    /// The first `limit` errors as plain text, one per line with its code
    /// and help, then `and N more errors` when there are more.
    pub fn render(&self, limit: usize) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for error in self.errors.iter().take(limit) {
            let _ = writeln!(out, "error[{}]: {error}", error.code());
            if let Some(help) = error.problem.help() {
                let _ = writeln!(out, "  help: {help}");
            }
        }
        let more = self.total.saturating_sub(limit.min(self.errors.len()));
        if more > 0 {
            let s = if more == 1 { "" } else { "s" };
            let _ = writeln!(out, "and {more} more error{s}");
        }
        out
    }
}

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(SHOWN).trim_end())
    }
}

impl std::error::Error for DataErrors {}

impl Diagnostic for DataErrors {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(
            self.errors.iter().take(SHOWN).map(|e| e as &dyn Diagnostic),
        ))
    }
}

/// Gathers the errors of one file as it is read.
pub(crate) struct Collector {
    file: Arc<str>,
    errors: Vec<DataError>,
    total: usize,
}

impl Collector {
    pub(crate) fn new(file: &str) -> Self {
        Collector {
            file: file.into(),
            errors: Vec::new(),
            total: 0,
        }
    }

    pub(crate) fn push(&mut self, place: Place, column: Option<&str>, problem: Problem) {
        self.total += 1;
        if self.errors.len() < KEPT {
            self.errors.push(DataError {
                at: At {
                    file: self.file.clone(),
                    place,
                    column: column.map(Into::into),
                },
                problem,
            });
        }
    }

    pub(crate) fn total(&self) -> usize {
        self.total
    }

    /// The errors in file order (stable: within a line, in the order found).
    pub(crate) fn finish<T>(mut self, value: T) -> Result<T, DataErrors> {
        if self.total == 0 {
            return Ok(value);
        }
        self.errors.sort_by_key(|e| e.at.place.number());
        Err(DataErrors::new(self.errors, self.total))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A value as messages quote it: control and invisible characters escaped,
/// long values cut.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    let total = value.chars().count();
    for (count, c) in value.chars().enumerate() {
        if count == MAX && total > MAX + 1 {
            out.push_str(&format!("… ({total} characters)"));
            break;
        }
        crate::words::push_escaped(&mut out, c);
    }
    out
}
