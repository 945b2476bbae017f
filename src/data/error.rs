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
    /// A row of a Parquet or Arrow file (1-based: the first row of data is
    /// row 1; such a file has no header line).
    Row(usize),
}

impl Place {
    /// The line or record number; 0 for the whole file.
    pub fn number(self) -> usize {
        match self {
            Place::File => 0,
            Place::Line(n) | Place::Record(n) | Place::Row(n) => n,
        }
    }

    /// The same kind of place at another number (a line for a line…).
    pub(crate) fn with_number(self, n: usize) -> Place {
        match self {
            Place::File => Place::File,
            Place::Line(_) => Place::Line(n),
            Place::Record(_) => Place::Record(n),
            Place::Row(_) => Place::Row(n),
        }
    }

    /// What a column is called at this place: a CSV column, a JSON or YAML field.
    pub(crate) fn column_word(self) -> &'static str {
        match self {
            Place::Record(_) => "field",
            Place::File | Place::Line(_) | Place::Row(_) => "column",
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
            Place::Row(n) => write!(f, "row {n}"),
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
            Place::Row(n) => write!(f, "{}: row {n}", self.file)?,
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

    /// The row of a Parquet or Arrow file.
    pub fn row(&self) -> Option<usize> {
        match self.at.place {
            Place::Row(n) => Some(n),
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

    /// A data file's extension is not .csv, .json, .yaml, .yml, a
    /// workbook's, .parquet, .arrow or .feather.
    #[error("cannot tell the format of the file from its name")]
    #[diagnostic(
        code("dunning::data::unknown-format"),
        help("name the file with one of the extensions .csv, .json, .yaml or .yml, .xlsx, .xls or .ods for a workbook, .parquet, or .arrow or .feather for Arrow IPC")
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

    /// Text follows the closing quote of a CSV value (`"C"D`): a reader
    /// that glued it on (`CD`) would change the value.
    #[error("`{value}`: text follows the quote that closes the value")]
    #[diagnostic(
        code("dunning::data::bad-csv"),
        help("quote the whole value and double each quote inside it: \"\"\"C\"\"D\" is the text \"C\"D")
    )]
    TextAfterQuote {
        /// The raw value, as written.
        value: String,
    },

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
        help("read the file as it is with an import profile (`--profile`: `delimiter: \";\"`, and `decimal: \",\"` for decimal commas; `dunning inspect FILE` writes one), or export it as \"CSV (comma delimited)\"")
    )]
    Semicolons,

    /// An import profile cannot be read.
    #[error("bad import profile: {message}")]
    #[diagnostic(code("dunning::data::bad-profile"))]
    BadProfile {
        /// What is wrong, in words.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A workbook (.xlsx, .xls, .ods) cannot be read, or has no such sheet.
    #[error("{message}")]
    #[diagnostic(code("dunning::data::bad-workbook"))]
    BadWorkbook {
        /// What is wrong, in words.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A Parquet or Arrow IPC file cannot be read (damaged, cut short, not
    /// such a file, or this build reads none).
    #[error("{message}")]
    #[diagnostic(code("dunning::data::bad-columnar"))]
    BadColumnar {
        /// What is wrong, in words.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

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

    /// A column of a Parquet or Arrow file that is read has a type its
    /// values cannot be read from exactly (a binary float, bytes, a list…).
    #[error("the column is of type {found}: {why}")]
    #[diagnostic(code("dunning::data::wrong-type"))]
    ColumnType {
        /// The column's type, as Arrow names it (`Float64`).
        found: String,
        /// Why it cannot be read.
        why: &'static str,
        /// How to fix it.
        #[help]
        help: String,
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
    #[error("`{value}` is not a date{reason} (expected {expected})")]
    #[diagnostic(code("dunning::data::bad-date"))]
    BadDate {
        /// The value, as written.
        value: String,
        /// Empty, or `: February 2025 has 28 days`.
        reason: String,
        /// `YYYY-MM-DD`, or the layouts of the import profile.
        expected: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A value is not an amount written as a decimal with a dot.
    #[error("`{value}` is not an amount (expected {expected})")]
    #[diagnostic(code("dunning::data::bad-amount"))]
    BadAmount {
        /// The value, as written.
        value: String,
        /// A decimal number with a dot, or as the import profile writes numbers.
        expected: String,
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

    /// The amounts of a file add up past `MAX_TOTAL` (10^24) at this row:
    /// every sum of money (a customer's balance, a total per currency, the
    /// interest of a range) stays exact only below it.
    #[error("the amounts of the file add up to more than 10^24 at this row, the largest total the sums of money hold exactly")]
    #[diagnostic(
        code("dunning::data::amount-too-large"),
        help("no real ledger comes near it: check for an export repeated many times or a column of other numbers read as amounts")
    )]
    TotalTooLarge,

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
    #[diagnostic(code("dunning::data::bad-bool"))]
    BadBool {
        /// The value, as written.
        value: String,
        /// The words read, by default or as the import profile says.
        #[help]
        help: String,
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

    /// A payment file's `currency` column gives a payment another currency
    /// than its invoice's: applied as is, 100 USD would settle 100 EUR.
    #[error("invoice `{invoice}` is in {expected}, the payment in {found}")]
    #[diagnostic(
        code("dunning::data::currency-mismatch"),
        help("a payment settles its invoice in the invoice's currency: convert it as the accounts did (the amount credited to the invoice), or check the invoice id")
    )]
    CurrencyMismatch {
        /// The invoice id.
        invoice: String,
        /// The invoice's currency.
        expected: String,
        /// The payment's currency.
        found: String,
    },

    /// An invoice is due more than 60 days after its issue date (`--strict`).
    #[error("the due date {due} is {days} days after the issue date {issue}, more than the legal maximum of 60")]
    #[diagnostic(
        code("dunning::data::long-terms"),
        help("French law (L441-10) caps payment terms at 60 days from the invoice: check the dates, or leave out --strict to accept it with a warning")
    )]
    LongTerms {
        /// The due date.
        due: String,
        /// The issue date.
        issue: String,
        /// Days between them.
        days: i64,
    },

    /// A row whose document type says credit note (`--strict`).
    #[error("the document type `{kind}` makes the row a credit note, not an invoice to chase")]
    #[diagnostic(
        code("dunning::data::amount-not-positive"),
        help("leave out --strict to accept credit notes as documents of their customer, or leave the row out of the file")
    )]
    CreditNoteType {
        /// The document type, as written.
        kind: String,
    },

    /// A document type is neither an invoice's nor a credit note's.
    #[error("`{value}` is not a document type")]
    #[diagnostic(code("dunning::data::bad-document-type"))]
    BadDocumentType {
        /// The value, as written.
        value: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    // ───────────── anomalies of real ledgers (warnings) ─────────────
    /// Invoices paid before their issue date (prepayments), accepted.
    #[error("{count} invoice{} paid before {} issued (prepayment{}: never open, never dunned), on {rows}", plural(*count), they(*count), plural(*count))]
    #[diagnostic(
        code("dunning::data::paid-before-issue"),
        severity(Warning),
        help("accepted, as real ledgers hold them; with --strict, each is an error")
    )]
    Prepayments {
        /// How many.
        count: usize,
        /// The first rows, in words.
        rows: String,
    },

    /// Credit notes (negative amounts), kept as documents of their customer.
    #[error("{count} credit note{} (a negative amount or a credit-note document type), never dunned: kept as documents of the customer, on {rows}", plural(*count))]
    #[diagnostic(
        code("dunning::data::amount-not-positive"),
        severity(Warning),
        help("accepted, as real ledgers hold them; with --strict, each is an error")
    )]
    CreditNotes {
        /// How many.
        count: usize,
        /// The first rows, in words.
        rows: String,
    },

    /// History rows of invoices absent from the snapshot, kept as history.
    #[error("{count} history row{} of invoices absent from the invoices (paid and dropped from an open-items export: treated as closed), on {rows}", plural(*count))]
    #[diagnostic(
        code("dunning::data::unknown-invoice"),
        severity(Warning),
        help("accepted, as real ledgers hold them; with --strict, each is an error")
    )]
    ClosedInvoiceHistory {
        /// How many rows.
        count: usize,
        /// The first rows, in words.
        rows: String,
    },

    /// Invoices due more than 60 days after issue, accepted.
    #[error("{count} invoice{} due more than 60 days after issue (over the legal maximum, L441-10), on {rows}", plural(*count))]
    #[diagnostic(
        code("dunning::data::long-terms"),
        severity(Warning),
        help("check the terms agreed with these customers; with --strict, each is an error")
    )]
    LongTermsFound {
        /// How many.
        count: usize,
        /// The first rows, in words.
        rows: String,
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

    /// A line of an ECB or legal interest rate file cannot be read.
    #[error("{message}")]
    #[diagnostic(
        code("dunning::data::bad-rates"),
        help("a rate file starts with the header `{header}`, then one row per date in ascending order, rates in percent such as `4.50` (data/rates/README.md)")
    )]
    BadRates {
        /// What is wrong, quoting the text.
        message: String,
        /// The header the file must have.
        header: &'static str,
    },

    /// An events row's event is not a known account event.
    #[error("`{value}` is not an account event")]
    #[diagnostic(code("dunning::data::unknown-event"))]
    UnknownEvent {
        /// The value, as written.
        value: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// An events row names a customer that has no invoice in the invoices.
    #[error("there is no customer `{id}` in the invoices")]
    #[diagnostic(
        code("dunning::data::unknown-customer"),
        help("an event must name a customer of the invoice file; check the id, or that both files are from the same export")
    )]
    UnknownCustomer {
        /// The customer id.
        id: String,
    },

    /// An events row is not a whole event: no invoice nor customer, an
    /// `until` date missing, out of place, or before the event's date.
    #[error("{message}")]
    #[diagnostic(code("dunning::data::bad-event"))]
    BadEvent {
        /// What is wrong, in words.
        message: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    // ───────────── a book of several policies ─────────────
    /// No policy of a book takes an invoice: no scope holds for it, and
    /// every policy has a scope.
    #[error("invoice `{invoice}` is in the scope of no policy: {policies}")]
    #[diagnostic(
        code("dunning::data::unrouted"),
        help("add a policy without `scope` to handle the rest, or widen a scope to this invoice's value")
    )]
    Unrouted {
        /// The invoice's id.
        invoice: String,
        /// The policies, by name, with their scopes.
        policies: String,
    },

    /// Several policies of a book take an invoice: two scopes hold for it,
    /// or two policies have no scope.
    #[error("invoice `{invoice}` is taken by several policies: {policies}")]
    #[diagnostic(
        code("dunning::data::ambiguous-route"),
        help("an invoice goes to one policy: make the scopes disjoint, and give at most one policy no `scope`")
    )]
    AmbiguousRoute {
        /// The invoice's id.
        invoice: String,
        /// The policies that take it, by name.
        policies: String,
    },
}

impl Problem {
    /// The stable code, without going through `dyn Display`.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Io { .. } => "dunning::data::io",
            Problem::UnknownFormat => "dunning::data::unknown-format",
            Problem::NotUtf8 { .. } => "dunning::data::not-utf8",
            Problem::UnclosedQuote
            | Problem::TextAfterQuote { .. }
            | Problem::Semicolons
            | Problem::BadCsv { .. } => "dunning::data::bad-csv",
            Problem::BadProfile { .. } => "dunning::data::bad-profile",
            Problem::BadWorkbook { .. } => "dunning::data::bad-workbook",
            Problem::BadColumnar { .. } => "dunning::data::bad-columnar",
            Problem::BadJson { .. } => "dunning::data::bad-json",
            Problem::BadYaml { .. } => "dunning::data::bad-yaml",
            Problem::NotATable { .. } => "dunning::data::not-a-table",
            Problem::EmptyFile { .. } => "dunning::data::empty-file",
            Problem::EmptyHeader { .. } => "dunning::data::empty-header",
            Problem::DuplicateColumn { .. } => "dunning::data::duplicate-column",
            Problem::MissingColumn { .. } => "dunning::data::missing-column",
            Problem::BadRowLength { .. } => "dunning::data::bad-row-length",
            Problem::MissingValue { .. } => "dunning::data::missing-value",
            Problem::WrongType { .. } | Problem::ColumnType { .. } => "dunning::data::wrong-type",
            Problem::ImpreciseNumber { .. } => "dunning::data::imprecise-number",
            Problem::BadText { .. } => "dunning::data::bad-text",
            Problem::BadDate { .. } => "dunning::data::bad-date",
            Problem::BadAmount { .. } => "dunning::data::bad-amount",
            Problem::AmountNotPositive { .. } => "dunning::data::amount-not-positive",
            Problem::AmountTooLarge { .. } | Problem::TotalTooLarge => {
                "dunning::data::amount-too-large"
            }
            Problem::BadCurrency { .. } => "dunning::data::bad-currency",
            Problem::BadBool { .. } => "dunning::data::bad-bool",
            Problem::BadNumber { .. } => "dunning::data::bad-number",
            Problem::UndeclaredValue { .. } => "dunning::data::undeclared-value",
            Problem::DuplicateId { .. } => "dunning::data::duplicate-id",
            Problem::DueBeforeIssue { .. } => "dunning::data::due-before-issue",
            Problem::PaidBeforeIssue { .. } => "dunning::data::paid-before-issue",
            Problem::UnknownInvoice { .. } => "dunning::data::unknown-invoice",
            Problem::CustomerMismatch { .. } => "dunning::data::customer-mismatch",
            Problem::CurrencyMismatch { .. } => "dunning::data::currency-mismatch",
            Problem::UnknownAction { .. } => "dunning::data::unknown-action",
            Problem::Prepayments { .. } => "dunning::data::paid-before-issue",
            Problem::CreditNotes { .. } | Problem::CreditNoteType { .. } => {
                "dunning::data::amount-not-positive"
            }
            Problem::BadDocumentType { .. } => "dunning::data::bad-document-type",
            Problem::ClosedInvoiceHistory { .. } => "dunning::data::unknown-invoice",
            Problem::LongTerms { .. } | Problem::LongTermsFound { .. } => {
                "dunning::data::long-terms"
            }
            Problem::BadRates { .. } => "dunning::data::bad-rates",
            Problem::UnknownEvent { .. } => "dunning::data::unknown-event",
            Problem::UnknownCustomer { .. } => "dunning::data::unknown-customer",
            Problem::BadEvent { .. } => "dunning::data::bad-event",
            Problem::Unrouted { .. } => "dunning::data::unrouted",
            Problem::AmbiguousRoute { .. } => "dunning::data::ambiguous-route",
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

    /// One problem about the whole file (a file that cannot be read…).
    pub fn from_problem(file: &str, problem: Problem) -> Self {
        DataErrors::file(file, problem)
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

/// An anomaly of real ledgers (SPEC 6): accepted with one warning per
/// kind, or an error per row with `--strict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Anomaly {
    /// Paid before issued.
    Prepayment,
    /// A negative amount.
    CreditNote,
    /// Due more than 60 days after issue.
    LongTerms,
    /// A history row of an invoice absent from the snapshot.
    ClosedInvoiceHistory,
}

/// How many rows a warning about an anomaly names.
const NAMED_ROWS: usize = 5;

/// The rows of one kind of anomaly: how many, the first few, the column.
struct Seen {
    count: usize,
    first: Vec<Place>,
    column: Option<Box<str>>,
}

/// Gathers the errors of one file as it is read.
pub(crate) struct Collector {
    file: Arc<str>,
    errors: Vec<DataError>,
    total: usize,
    /// Anomalies are errors (else warnings).
    strict: bool,
    anomalies: std::collections::BTreeMap<Anomaly, Seen>,
}

impl Collector {
    pub(crate) fn new(file: &str) -> Self {
        Collector {
            file: file.into(),
            errors: Vec::new(),
            total: 0,
            strict: true,
            anomalies: std::collections::BTreeMap::new(),
        }
    }

    /// Anomalies become warnings (`strict` false) or errors.
    pub(crate) fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// An anomaly: with `--strict`, `error` at this place; otherwise
    /// counted for one warning of its kind. Returns whether the row is
    /// still accepted.
    pub(crate) fn anomaly(
        &mut self,
        kind: Anomaly,
        place: Place,
        column: Option<&str>,
        error: impl FnOnce() -> Problem,
    ) -> bool {
        if self.strict {
            self.push(place, column, error());
            return false;
        }
        let seen = self.anomalies.entry(kind).or_insert_with(|| Seen {
            count: 0,
            first: Vec::new(),
            column: column.map(Into::into),
        });
        seen.count += 1;
        if seen.first.len() < NAMED_ROWS {
            seen.first.push(place);
        }
        true
    }

    /// The warnings of the anomalies met, one per kind.
    fn warnings(&mut self) -> Vec<DataError> {
        let anomalies = std::mem::take(&mut self.anomalies);
        anomalies
            .into_iter()
            .map(|(kind, mut seen)| {
                seen.first.sort();
                let rows = rows_in_words(&seen.first, seen.count);
                let count = seen.count;
                let problem = match kind {
                    Anomaly::Prepayment => Problem::Prepayments { count, rows },
                    Anomaly::CreditNote => Problem::CreditNotes { count, rows },
                    Anomaly::LongTerms => Problem::LongTermsFound { count, rows },
                    Anomaly::ClosedInvoiceHistory => Problem::ClosedInvoiceHistory { count, rows },
                };
                DataError {
                    at: At {
                        file: self.file.clone(),
                        place: Place::File,
                        column: seen.column,
                    },
                    problem,
                }
            })
            .collect()
    }

    /// The value and the warnings, or every error.
    pub(crate) fn finish_with_warnings<T>(
        mut self,
        value: T,
    ) -> Result<(T, Vec<DataError>), DataErrors> {
        let warnings = self.warnings();
        self.finish(value).map(|v| (v, warnings))
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

fn they(n: usize) -> &'static str {
    if n == 1 {
        "it was"
    } else {
        "they were"
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `lines 4, 9 and 12`, `records 2 and 3 and 7 more`.
fn rows_in_words(first: &[Place], count: usize) -> String {
    let word = match first.first() {
        Some(Place::Record(_)) => "record",
        Some(Place::Row(_)) => "row",
        _ => "line",
    };
    let numbers: Vec<String> = first.iter().map(|p| p.number().to_string()).collect();
    let mut out = format!("{word}{} ", plural(count.max(first.len())));
    let more = count.saturating_sub(first.len());
    match numbers.split_last() {
        Some((last, rest)) if !rest.is_empty() && more == 0 => {
            out.push_str(&rest.join(", "));
            out.push_str(" and ");
            out.push_str(last);
        }
        _ => out.push_str(&numbers.join(", ")),
    }
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// Warnings as plain text, one per line with its code and help.
pub fn render_warnings(warnings: &[DataError]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for w in warnings {
        let _ = writeln!(out, "warning[{}]: {w}", w.code());
        if let Some(help) = w.problem.help() {
            let _ = writeln!(out, "  help: {help}");
        }
    }
    out
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
