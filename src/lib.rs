//! `dunning`: a language for dunning policies (the rules a company follows
//! to remind customers of unpaid invoices), with a checker, an interpreter
//! and a simulator.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! source text ─ syntax (pest) ─▶ AST with spans ─ check ─▶ Policy
//!      Policy + invoices (data) ─ eval ─▶ day plan ─ simulate ─▶ year replay
//! ```
//!
//! ```
//! let source = "when segment = strategic and overdue > 15d then call\n";
//! let checked = dunning::check_source(source);
//! assert!(checked.diagnostics.is_empty());
//! let policy = checked.policy.unwrap();
//! assert_eq!(policy.rules[0].action.kind.as_str(), "call");
//! ```

pub mod calendar;
pub mod check;
pub mod data;
pub mod eval;
pub mod generate;
mod idx;
pub mod money;
pub mod output;
pub mod penalty;
pub mod policy;
pub mod report;
pub mod simulate;
mod span;
pub mod syntax;
pub mod testing;
mod words;

use miette::Diagnostic;
use thiserror::Error;

pub use check::{check, CheckError, Checked, PolicyError};
pub use data::RunData;
pub use eval::{Action, Decision, DeferredBy, Explanation, InvoiceLine, Plan, RuleExplanation};
pub use policy::Policy;
pub use simulate::{diff, replay, simulate, DateRange, Engine, ReplayOptions, Simulation};
pub use span::{LineIndex, Span};
pub use syntax::{parse, Parsed, SyntaxError};

/// Parses and checks a policy's text: the usual entry point.
pub fn check_source(text: &str) -> Checked {
    check::check(&syntax::parse(text))
}

/// Why `format_source` refused to format a file.
#[derive(Debug, Error, Diagnostic)]
pub enum FormatError {
    #[error("the file has syntax errors; fix them before formatting")]
    #[diagnostic(code("dunning::fmt::syntax"))]
    Syntax(#[related] Vec<SyntaxError>),
    #[error("formatting would change the meaning of the policy; the file was left as it is (this is a bug in dunning, please report it)")]
    #[diagnostic(code("dunning::fmt::not-preserved"))]
    NotPreserved,
}

/// Formats a policy in the canonical layout, refusing to return text that
/// does not parse back to the same policy with the same comments.
pub fn format_source(text: &str) -> Result<String, FormatError> {
    let parsed = syntax::parse(text);
    if !parsed.is_ok() {
        return Err(FormatError::Syntax(parsed.errors));
    }
    let formatted = syntax::format::format_policy(&parsed.ast);
    let again = syntax::parse(&formatted);
    if !again.is_ok() || again.ast != parsed.ast {
        return Err(FormatError::NotPreserved);
    }
    Ok(formatted)
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
    let index = *run.ledger.index.get(invoice_id)?;
    let state = eval::State::from_history(&run, data.history, date);
    Some(eval::explain::explain(&run, &state, index, date))
}

/// The documentation of any diagnostic code (policy or data), with or
/// without the `dunning::` prefix, for `dunning check --explain`.
pub fn code_doc(code: &str) -> Option<&'static check::codes::CodeDoc> {
    check::codes::find(code).or_else(|| data::codes::find(code))
}
