//! `dunning`: a language for dunning policies (the rules a company follows
//! to remind customers of unpaid invoices), with a checker, an interpreter
//! and a simulator.
//!
//! # The pipeline
//!
//! | stage | function | takes | gives |
//! | --- | --- | --- | --- |
//! | syntax | [`parse`] | the text of a `.dunning` file | [`Parsed`]: the [`ast`] of what parsed, a [`SyntaxError`] per statement that did not |
//! | format | [`format()`], [`format_reusing`] | [`Parsed`] (and the parse of an earlier canonical text) | the canonical text (parsed), or a [`FormatError`] |
//! | reparse | [`reparse`], [`reparse_owned`] | the previous [`Parsed`], the edited text | what [`parse`] gives, reusing the statements the edit left alone |
//! | check | [`check`] | [`Parsed`] | [`Checked`]: the [`Policy`] if nothing is wrong, and every [`PolicyError`] |
//! | data | [`data::load_invoices`], … ([`data::load_invoices_with`] and the other `_with` loaders for exports read through a [`data::Profile`]; [`data::inspect`] guesses one) | files, and the policy (for its attributes) | invoices, payments, account events, history: a [`RunData`] |
//! | plan | [`plan`] | [`Policy`], [`RunData`], a day | [`Plan`]: that day's [`Action`]s |
//! | explain | [`explain`] | [`Policy`], [`RunData`], a day, an invoice | [`Explanation`] |
//! | replay | [`replay`], [`simulate`] | [`Policy`], [`RunData`], a [`DateRange`] | each day's actions, a [`Summary`]; a [`Simulation`] |
//! | book | [`data::route`], then [`plan_book`], [`replay_book`], [`explain_book`] | several policies (`scope`), each with the invoices routed to it | one [`Plan`]; a [`Simulation`] per policy, contacts counted across them; the [`Explanation`] of the policy an invoice is routed to |
//! | diff | [`diff_replays`] (both replays side by side, compared day by day, no action kept); [`diff`], [`diff_books`] | two policies with their [`RunData`] and a [`DateRange`]; or two [`Simulation`]s (two books' replays) | [`Diff`] (and both [`Summary`]s) |
//! | ledger | [`ledger::run_day`] (feature `ledger`) | a [`ledger::Ledger`], [`Policy`], [`RunData`], a day | the day's [`Plan`], recorded in the ledger (once a day) |
//! | output | [`output`] | any of the above | JSON, the history CSV, diagnostics located in their file |
//! | documents | [`document::check`], [`document::render_plan`], [`statement`] and [`document::render_statement`] | [`Policy`], a [`document::Templates`] folder, a [`Plan`] (or a customer) | template errors; the day's e-mails, letters (PDF and text) and work lists, warnings; a statement of account |
//!
//! A file on disk goes through [`SourceFile`]: [`SourceFile::read`], then
//! [`SourceFile::check`], then [`output::diagnostics::Renderer`].
//!
//! ```
//! use chrono::NaiveDate;
//! use dunning::data::{read_invoices, Format};
//!
//! let parsed = dunning::parse(
//!     "attribute segment in [strategic, small]\n\
//!      rule call: when segment = strategic and overdue > 15d then call\n",
//! );
//! let checked = dunning::check(&parsed);
//! // No error; a warning that `small` invoices get no step at all.
//! assert!(!checked.has_errors());
//! assert_eq!(checked.diagnostics.len(), 1);
//! let policy = checked.policy.unwrap();
//!
//! let csv = "invoice_id,customer_id,issue_date,due_date,amount,currency,segment\n\
//!            INV-1,C-1,2025-01-15,2025-02-14,1200.00,EUR,strategic\n";
//! let invoices = read_invoices("invoices.csv", csv.as_bytes(), Format::Csv, &policy).unwrap();
//! let day = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
//! let plan = dunning::plan(&policy, dunning::RunData::new(&invoices), day);
//! assert_eq!(plan.actions[0].action.as_str(), "call");
//! assert_eq!(plan.actions[0].reason(), "segment = strategic and overdue 17 days > 15 days");
//! ```
//!
//! The command line (`src/cli/`, the `cli` feature, on by default) is a
//! thin layer on this library; `cargo build --lib --no-default-features`
//! builds the library alone.

#![warn(missing_docs)]

pub mod calendar;
mod check;
pub mod codes;
pub mod data;
pub mod document;
mod eval;
pub mod generate;
mod idx;
#[cfg(feature = "ledger")]
pub mod ledger;
pub mod money;
pub mod output;
pub mod penalty;
pub mod policy;
mod simulate;
mod source;
mod span;
mod syntax;
mod words;

pub use check::{check, check_with_rates, CheckError, Checked, Fix, PolicyError};
pub use data::RunData;
pub use eval::{
    Action, CurrencyTotal, CustomerIdx, Decision, DeferredBy, Expired, Explanation, InvoiceIdx,
    InvoiceLine, Plan, RuleExplanation, Status,
};
pub use policy::Policy;
pub use simulate::{
    diff, diff_books, diff_replays, explain_book, plan_book, replay, replay_book, settled_dates,
    simulate, Context, Crossed, DateRange, DateRangeError, Diff, DiffSide, Engine, IndicatorChange,
    Indicators, InvoiceChange, KindChange, KindFigures, PaidLate, ReplayOptions, Simulation,
    StepFigures, Summary, AGE_BUCKETS, NO_SEGMENT,
};
pub use source::{
    input_name, max_file_bytes, read_input, set_max_file_bytes, SourceFile, DEFAULT_MAX_FILE_BYTES,
};
pub use span::{LineIndex, Span};
pub use syntax::{
    ast, format, format_reusing, parse, reparse, reparse_owned, FormatError, Parsed, SyntaxError,
};

/// The statement of account of `customer` on `date`, on request: one
/// action (`action` with `template`) listing every open invoice of the
/// customer with its days overdue and penalties, for
/// [`document::render_statement`]. `None` when the data has no invoice of
/// that customer.
pub fn statement<'a>(
    policy: &'a Policy,
    data: RunData<'a, '_>,
    customer: &str,
    date: chrono::NaiveDate,
    action: policy::ActionKind,
    template: &'a str,
) -> Option<Action<'a>> {
    let run = eval::Run::new(policy, data);
    eval::plan::statement(&run, customer, date, action, template)
}

/// The action plan for one day (SPEC section 4). The history of `data` is
/// what was already done (entries dated after `date` are ignored).
pub fn plan<'a>(policy: &'a Policy, data: RunData<'a, '_>, date: chrono::NaiveDate) -> Plan<'a> {
    let run = eval::Run::new(policy, data);
    let state = eval::State::from_history(&run, data.history, date);
    eval::plan::plan_day(&run, &state, date)
}

/// Why each rule did or did not fire for one invoice on one day; `None`
/// when no invoice has that id.
pub fn explain(
    policy: &Policy,
    data: RunData<'_, '_>,
    date: chrono::NaiveDate,
    invoice_id: &str,
) -> Option<Explanation> {
    let run = eval::Run::new(policy, data);
    let index = run.ledger.invoice_by_id(invoice_id)?;
    let state = eval::State::from_history(&run, data.history, date);
    let expired = eval::explain::expired_before(&run, data.history, index, date);
    Some(eval::explain::explain(&run, &state, index, date, &expired))
}
