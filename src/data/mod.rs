//! Invoices, payments and history: loading and validation.
//!
//! Every row is checked; a bad value is an error naming the file, the line
//! and the column, and nothing is dropped silently.
//!
//! ```
//! use dunning::data::{read_invoices, Format};
//!
//! let parsed = dunning::parse("attribute segment in [strategic, small]\n\
//!     when segment = strategic and overdue > 15d then call\n");
//! let policy = dunning::check(&parsed).policy.unwrap();
//! let csv = "invoice_id,customer_id,issue_date,due_date,amount,currency,segment\n\
//!            INV-1,C-1,2025-01-15,2025-02-14,1200.00,EUR,strategic\n";
//! let invoices = read_invoices("invoices.csv", csv.as_bytes(), Format::Csv, &policy).unwrap();
//! assert_eq!(invoices[0].id, "INV-1");
//!
//! let bad = csv.replace("2025-02-14", "2025-02-30");
//! let errors = read_invoices("invoices.csv", bad.as_bytes(), Format::Csv, &policy).unwrap_err();
//! assert_eq!(
//!     errors.errors()[0].to_string(),
//!     "invoices.csv:2: column `due_date`: `2025-02-30` is not a date: February 2025 has 28 days (expected YYYY-MM-DD)"
//! );
//! ```
//!
//! Reading rules, shared by the three files:
//!
//! - CSV is comma-separated, UTF-8 (a byte-order mark is skipped), with a
//!   header line; the header is line 1 of messages. Lines may end in CRLF.
//!   Surrounding spaces of cells and column names are trimmed. Empty lines,
//!   and lines whose cells are all empty (spreadsheets export them), are
//!   skipped; any other row must have as many cells as the header.
//! - JSON and YAML files are a list of objects, one per row, whose keys are
//!   the CSV's column names; messages name the record (1-based). A scalar
//!   is read from its written form, as a CSV cell would be: `12.50` and
//!   `"12.50"` are the same, a number is accepted where an id is expected
//!   (`1042` is the id `1042`). A float with more than 15 significant digits
//!   cannot be read exactly and is refused: write it as a string. `null`
//!   or a missing key is an empty cell; an object or a list where a value
//!   belongs is an error. Column checks need at least one record.
//! - Parquet and Arrow IPC files (feature `columnar`) have typed columns
//!   with the CSV's names; a typed cell is read as the text a CSV cell
//!   would hold (a `Date32` as `YYYY-MM-DD`, a `Decimal128` with its
//!   scale's digits), a null is an empty cell, a binary float column is
//!   refused; messages name the row (1-based, the first row of data).
//! - Dates are `YYYY-MM-DD`, amounts plain decimals with a dot (no sign, no
//!   thousands separator, no exponent, at most 9 decimals, at most 10^18),
//!   currencies ISO 4217 codes in capitals, yes/no values `true`/`false`,
//!   `yes`/`no` or `1`/`0` in any case (an empty `disputed` cell is false).
//!   Stored text (ids, rule names, text attributes) has no control character.
//!
//! Those are the product's own files. An export in its own layout is read
//! through an import [`Profile`] (`load_invoices_with` and the other `_with`
//! loaders, given an [`Import`]): separator, encoding, decimal mark, date
//! layouts, yes/no words, title rows, its headers; a workbook (`.xlsx`,
//! `.xls`, `.ods`) is read directly. Those loaders accept the anomalies of
//! real ledgers (prepayments, credit notes, terms over 60 days, history of
//! invoices absent from an open-items export) with one warning per kind,
//! unless `strict`; the loaders without a profile refuse them.

pub(crate) mod codes;
mod error;
mod events;
mod fields;
mod history;
mod inspect;
mod invoices;
mod payments;
mod profile;
mod rates;
mod route;
mod table;

pub use error::{render_warnings, At, DataError, DataErrors, Place, Problem, KEPT, SHOWN};
pub use events::{load_events, read_events, EVENT_COLUMNS};
pub use history::{
    load_history, load_history_with, read_history, read_history_with, HISTORY_COLUMNS,
};
pub use inspect::{inspect, Inspection, PREVIEW_COLUMNS};
pub use invoices::{
    load_invoices, load_invoices_with, read_invoices, read_invoices_with, OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
};
pub use payments::{
    load_payments, load_payments_with, read_payments, read_payments_with, PAYMENT_COLUMNS,
};
pub use profile::{Profile, TextEncoding, MAPPABLE_COLUMNS, PROFILE_KEYS};
pub use rates::{load_rates, read_rates};
pub use route::{route, routed_to, Member};
pub use table::Format;

/// How to read data files: the profile of the export, and whether the
/// anomalies of real ledgers are errors.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Import {
    /// How the files are written; the default is the product's own CSV.
    pub profile: Profile,
    /// Anomalies (a prepayment, a credit note, terms over 60 days, history
    /// of invoices absent from the snapshot) are errors, one per row;
    /// otherwise each kind is accepted with one warning naming the first rows.
    pub strict: bool,
}

impl Import {
    /// The product's own layout, anomalies as errors: what `load_invoices`
    /// and the other loaders without a profile read.
    pub fn strict() -> Self {
        Import {
            profile: Profile::default(),
            strict: true,
        }
    }
}

/// What a loader read, and the warnings about it (anomalies accepted).
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded<T> {
    /// The rows.
    pub value: T,
    /// One warning per kind of anomaly met, naming its first rows.
    pub warnings: Vec<DataError>,
}

/// An invoice file's documents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// The invoices to chase, as `read_invoices` gives them.
    pub invoices: Vec<Invoice>,
    /// Credit notes (negative amounts), kept as documents of their customer
    /// and never dunned themselves; their `amount` is negative.
    pub credit_notes: Vec<Invoice>,
}

/// The deepest nesting of flow collections (`[`, `{`) and of `- ` items on
/// one line a YAML file may have. The YAML parser recurses on nesting: a
/// 200 KB file of 100,000 `[` took a minute before failing.
pub const MAX_YAML_NESTING: usize = 64;

/// Where (line, column, 1-based) a YAML text nests deeper than
/// [`MAX_YAML_NESTING`], found by a scan that does not recurse: brackets
/// and braces outside quotes and comments, and `- ` items opening on one
/// line.
pub fn too_deep_yaml(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut items = 0usize;
        let mut leading = true;
        let mut previous = ' ';
        for (col, c) in line.chars().enumerate() {
            let at = Some((n + 1, col + 1));
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '#' if previous == ' ' || col == 0 => break,
                    '"' | '\''
                        if matches!(previous, ' ' | '[' | '{' | ',' | ':' | '-') || col == 0 =>
                    {
                        quote = Some(c)
                    }
                    '[' | '{' => {
                        depth += 1;
                        if depth + items > MAX_YAML_NESTING {
                            return at;
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    '-' if leading => {
                        items += 1;
                        if depth + items > MAX_YAML_NESTING {
                            return at;
                        }
                    }
                    ' ' | '\t' => {}
                    _ => leading = false,
                },
            }
            previous = c;
        }
    }
    None
}

/// A date as data files write it: exactly `YYYY-MM-DD`, a real day, year 1
/// or later. The error says why and, when it can, which date was meant
/// (`15/01/2025`: "did you mean 2025-01-15?").
pub fn parse_date(text: &str) -> Result<chrono::NaiveDate, Problem> {
    fields::date(text)
}

use foldhash::HashMap;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::Currency;
use crate::policy::ActionKind;

/// One invoice of the snapshot, with the values of the policy's attributes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Invoice {
    /// Its id, unique in the file.
    pub id: String,
    /// Its customer's id.
    pub customer_id: String,
    /// The day it was issued.
    pub issue_date: NaiveDate,
    /// The day it falls due, not before the issue date.
    pub due_date: NaiveDate,
    /// The invoiced amount, positive.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// The day it was paid in full, if it was.
    pub paid_date: Option<NaiveDate>,
    /// It is disputed (an empty cell is no), before any account event.
    pub disputed: bool,
    /// The date the customer promised to pay by (`promised_until`), before
    /// any account event.
    pub promised_until: Option<NaiveDate>,
    /// A payment plan runs (`payment_plan`), before any account event.
    pub payment_plan: bool,
    /// The customer is in insolvency proceedings (`insolvent`), before any
    /// account event.
    pub insolvent: bool,
    /// Dunning is blocked for the invoice (`blocked`), before any account
    /// event.
    pub blocked: bool,
    /// Values of the policy's attributes, in `Policy::attributes` order.
    pub attributes: Vec<AttrValue>,
    /// Line of the invoice in its file (1-based, header included), for
    /// messages; for a JSON or YAML file, its record number (1-based); for
    /// a Parquet or Arrow file, its row (1-based, the first row of data).
    pub line: usize,
}

impl Invoice {
    /// The invoice's account state as the snapshot gives it: the state
    /// before any account event.
    pub fn snapshot_state(&self) -> AccountState {
        AccountState {
            disputed: self.disputed,
            promised_until: self.promised_until,
            payment_plan: self.payment_plan,
            insolvent: self.insolvent,
            blocked: self.blocked,
            blocked_until: None,
        }
    }
}

/// What the account events say of an invoice on a day (SPEC 6.2): the
/// facts `disputed`, `promised_until`, `payment_plan`, `insolvent` and
/// `blocked`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AccountState {
    /// A dispute is open.
    pub disputed: bool,
    /// The date of the latest promise to pay.
    pub promised_until: Option<NaiveDate>,
    /// A payment plan runs.
    pub payment_plan: bool,
    /// Insolvency proceedings are open.
    pub insolvent: bool,
    /// Dunning is blocked (see `blocked_until`).
    pub blocked: bool,
    /// The last day of a block given an end; `None` for a block until
    /// `unblock`.
    pub blocked_until: Option<NaiveDate>,
}

impl AccountState {
    /// Whether dunning is blocked on `date`.
    pub fn is_blocked(&self, date: NaiveDate) -> bool {
        self.blocked && self.blocked_until.is_none_or(|u| date <= u)
    }

    /// The state after `event` (dated on or before the day asked about).
    pub fn apply(&mut self, kind: EventKind, until: Option<NaiveDate>) {
        match kind {
            EventKind::DisputeOpened => self.disputed = true,
            EventKind::DisputeClosed => self.disputed = false,
            EventKind::Promise => self.promised_until = until,
            EventKind::PlanStarted => self.payment_plan = true,
            EventKind::PlanEnded => self.payment_plan = false,
            EventKind::InsolvencyOpened => self.insolvent = true,
            EventKind::InsolvencyClosed => self.insolvent = false,
            EventKind::Block => {
                self.blocked = true;
                self.blocked_until = until;
            }
            EventKind::Unblock => {
                self.blocked = false;
                self.blocked_until = None;
            }
            EventKind::Contact => {}
        }
    }
}

/// What happened on an account (SPEC 6.2), one row of the events file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountEvent {
    /// The day it happened: it applies from that day on.
    pub date: NaiveDate,
    /// The invoice it is about; `None` for an event of the whole customer.
    pub invoice_id: Option<String>,
    /// The customer (the invoice's, for an invoice's event).
    pub customer_id: String,
    /// What happened.
    pub kind: EventKind,
    /// The end of a promise (required) or of a block (optional).
    pub until: Option<NaiveDate>,
    /// A free note, kept for the reader.
    pub note: Option<String>,
    /// Line in its file (record number for JSON or YAML), as for `Invoice::line`.
    pub line: usize,
}

/// The kinds of account events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A dispute opens: `disputed` becomes yes.
    DisputeOpened,
    /// The dispute is settled: `disputed` becomes no.
    DisputeClosed,
    /// A promise to pay by `until`: `promised_until` becomes that date.
    Promise,
    /// A payment plan is agreed: `payment_plan` becomes yes.
    PlanStarted,
    /// The payment plan ends (kept or broken): `payment_plan` becomes no.
    PlanEnded,
    /// Insolvency proceedings open: `insolvent` becomes yes.
    InsolvencyOpened,
    /// They close: `insolvent` becomes no.
    InsolvencyClosed,
    /// Dunning is blocked, up to `until` if given: `blocked` becomes yes.
    Block,
    /// The block is lifted: `blocked` becomes no.
    Unblock,
    /// A contact made outside dunning: it counts for the cooldown and
    /// `last_contact`.
    Contact,
}

impl EventKind {
    /// Every kind, in the README's order.
    pub const ALL: [EventKind; 10] = [
        EventKind::DisputeOpened,
        EventKind::DisputeClosed,
        EventKind::Promise,
        EventKind::PlanStarted,
        EventKind::PlanEnded,
        EventKind::InsolvencyOpened,
        EventKind::InsolvencyClosed,
        EventKind::Block,
        EventKind::Unblock,
        EventKind::Contact,
    ];

    /// Its name in the events file.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::DisputeOpened => "dispute_opened",
            EventKind::DisputeClosed => "dispute_closed",
            EventKind::Promise => "promise",
            EventKind::PlanStarted => "plan_started",
            EventKind::PlanEnded => "plan_ended",
            EventKind::InsolvencyOpened => "insolvency_opened",
            EventKind::InsolvencyClosed => "insolvency_closed",
            EventKind::Block => "block",
            EventKind::Unblock => "unblock",
            EventKind::Contact => "contact",
        }
    }

    /// The kind named `name` in an events file.
    pub fn parse(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// What the `until` cell holds for this kind: required, optional or
    /// not allowed.
    pub fn until(self) -> Until {
        match self {
            EventKind::Promise => Until::Required,
            EventKind::Block => Until::Optional,
            _ => Until::None,
        }
    }
}

/// Whether an event kind takes an `until` date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// It needs one (`promise`).
    Required,
    /// It may have one (`block`).
    Optional,
    /// It has none.
    None,
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An attribute's value, typed as the policy declares (or uses) it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AttrValue {
    /// An empty cell.
    Missing,
    /// A word or a text.
    Text(String),
    /// A number.
    Number(Decimal),
    /// An amount in the invoice's currency.
    Money(Decimal),
    /// A date.
    Date(NaiveDate),
    /// Yes or no.
    Bool(bool),
}

/// A (partial) payment of an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// The invoice paid.
    pub invoice_id: String,
    /// The day of the payment.
    pub date: NaiveDate,
    /// How much was paid, positive.
    pub amount: Decimal,
    /// Line in its file (record number for JSON or YAML), as for `Invoice::line`.
    pub line: usize,
}

/// An action already taken: one row of a previous plan's CSV.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The day the action was taken.
    pub date: NaiveDate,
    /// The customer contacted.
    pub customer_id: String,
    /// The invoice the action was about.
    pub invoice_id: String,
    /// The rule that fired, by name (a rule the policy no longer has still counts as a contact).
    pub rule: String,
    /// The action taken.
    pub action: ActionKind,
    /// The template named, if any.
    pub template: Option<String>,
    /// Line in its file (record number for JSON or YAML), as for `Invoice::line`.
    pub line: usize,
}

/// The data of a run: the invoice snapshot and its payments (`'d`), and
/// what was already done, the history (`'h`). A view: the caller owns the
/// rows. A plan or a replay borrows ids from the invoices instead of
/// copying them, never from the history, which a daily run appends to
/// after each plan.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct RunData<'d, 'h> {
    /// The invoices, one row each, typed by the policy they were read for.
    pub invoices: &'d [Invoice],
    /// Partial payments of those invoices.
    pub payments: &'d [Payment],
    /// Actions already taken. `plan` and `explain` read the entries dated
    /// on or before their day; a replay starts from those dated before its
    /// first day.
    pub history: &'h [HistoryEntry],
    /// The ECB and legal rate tables late interest is computed from: the
    /// shipped ones unless the caller gives newer ones.
    pub rates: &'d crate::penalty::Rates,
    /// Account events (disputes, promises, plans…), applied on their dates.
    pub events: &'d [AccountEvent],
    /// The credit notes of the invoice file (`Snapshot::credit_notes`,
    /// negative amounts): they net the balances of their customers.
    pub credit_notes: &'d [Invoice],
}

impl<'d> RunData<'d, 'static> {
    /// Invoices without payments or history, with the shipped rate tables.
    pub fn new(invoices: &'d [Invoice]) -> Self {
        RunData {
            invoices,
            payments: &[],
            history: &[],
            rates: crate::penalty::Rates::builtin(),
            events: &[],
            credit_notes: &[],
        }
    }
}

impl<'d, 'h> RunData<'d, 'h> {
    /// The same data with these payments.
    pub fn with_payments(self, payments: &'d [Payment]) -> Self {
        RunData { payments, ..self }
    }

    /// The same data with these account events.
    pub fn with_events(self, events: &'d [AccountEvent]) -> Self {
        RunData { events, ..self }
    }

    /// The same data with these credit notes (the invoice file's, as
    /// `Snapshot::credit_notes` holds them).
    pub fn with_credit_notes(self, credit_notes: &'d [Invoice]) -> Self {
        RunData {
            credit_notes,
            ..self
        }
    }

    /// The same data with this history.
    pub fn with_history<'g>(self, history: &'g [HistoryEntry]) -> RunData<'d, 'g> {
        RunData {
            invoices: self.invoices,
            payments: self.payments,
            history,
            rates: self.rates,
            events: self.events,
            credit_notes: self.credit_notes,
        }
    }

    /// The same data with these rate tables.
    pub fn with_rates(self, rates: &'d crate::penalty::Rates) -> Self {
        RunData { rates, ..self }
    }
}

/// The currencies of `invoices` that the policy's `minimum_amount` does
/// not cover, when it sets one: each with how many invoices are in it and
/// the line of the first. Empty when the policy sets no minimum at all.
pub fn currencies_without_minimum(
    policy: &crate::Policy,
    invoices: &[Invoice],
) -> Vec<(Currency, usize, usize)> {
    let mut out: Vec<(Currency, usize, usize)> = Vec::new();
    if policy.settings.minimum_amount.is_empty() {
        return out;
    }
    for inv in invoices {
        if policy.settings.minimum_for(inv.currency).is_some() {
            continue;
        }
        match out.iter_mut().find(|(c, _, _)| *c == inv.currency) {
            Some((_, n, _)) => *n += 1,
            None => out.push((inv.currency, 1, inv.line)),
        }
    }
    out.sort_by_key(|(c, _, _)| c.as_str().to_string());
    out
}

/// Invoices by id, for checking payments and history against them.
pub(crate) struct InvoiceIndex<'i> {
    by_id: HashMap<&'i str, &'i Invoice>,
}

impl<'i> InvoiceIndex<'i> {
    pub(crate) fn new(invoices: &'i [Invoice]) -> Self {
        InvoiceIndex {
            by_id: invoices.iter().map(|i| (i.id.as_str(), i)).collect(),
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&'i Invoice> {
        self.by_id.get(id).copied()
    }
}

/// A data file's name, bytes and format (`-`: standard input, whose format
/// is told from its first character: `[` JSON, `-` YAML, else CSV).
fn read_file(path: &Path) -> Result<(String, Vec<u8>, Format), DataErrors> {
    let name = crate::source::input_name(path);
    let stdin = path == Path::new("-");
    let format = if stdin {
        None
    } else {
        match Format::from_path(path) {
            Some(f) => Some(f),
            None => return Err(DataErrors::file(&name, Problem::UnknownFormat)),
        }
    };
    match crate::source::read_input(path) {
        Ok(bytes) => {
            let format = format.unwrap_or_else(|| Format::sniff(&bytes));
            Ok((name, bytes, format))
        }
        Err(e) => Err(DataErrors::file(
            &name,
            Problem::Io {
                message: e.to_string(),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invoice_index_finds_invoices_by_id() {
        let policy = crate::check(&crate::parse("rule r: when overdue > 1d then email\n"))
            .policy
            .unwrap();
        let csv = "invoice_id,customer_id,issue_date,due_date,amount,currency\n\
                   INV-1,C-1,2025-01-15,2025-02-14,10.00,EUR\n";
        let invoices = read_invoices("invoices.csv", csv.as_bytes(), Format::Csv, &policy).unwrap();
        let index = InvoiceIndex::new(&invoices);
        assert_eq!(index.get("INV-1").map(|i| i.line), Some(2));
        assert!(index.get("INV-2").is_none());
    }
}
