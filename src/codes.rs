//! Every diagnostic code, with its long documentation: what `dunning check
//! --explain CODE` prints, and the summary SARIF gives each rule.

pub use crate::check::codes::CodeDoc;

/// The codes of policy files: syntax errors, check errors and warnings.
pub const POLICY: &[CodeDoc] = crate::check::codes::CODES;

/// The codes of data files: invoices, payments, history.
pub const DATA: &[CodeDoc] = crate::data::codes::CODES;

/// The codes of the daily run's ledger (`dunning run`, `dunning ledger`).
#[cfg(feature = "ledger")]
pub const LEDGER: &[CodeDoc] = crate::ledger::CODES;

/// The documentation of a code, policy or data, written in full
/// (`dunning::check::shadowed`), without the `dunning::` prefix
/// (`check::shadowed`) or by its last part (`shadowed`).
pub fn find(code: &str) -> Option<&'static CodeDoc> {
    let found = crate::check::codes::find(code).or_else(|| crate::data::codes::find(code));
    #[cfg(feature = "ledger")]
    let found = found.or_else(|| crate::ledger::find(code));
    found
}
