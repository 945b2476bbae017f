//! Everything the checker can say about a policy. Each variant has a stable
//! code (listed with its long explanation in `codes.rs`) and points at the
//! exact text it is about.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// `help` text for a "did you mean" suggestion, or the list of valid names.
pub(crate) fn did_you_mean(suggestion: Option<&str>, valid: &str) -> String {
    match suggestion {
        Some(s) => format!("did you mean `{s}`? ({valid})"),
        None => valid.to_string(),
    }
}

#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum CheckError {
    // ───────────── names ─────────────
    #[error("unknown fact `{name}`")]
    #[diagnostic(code("dunning::check::unknown-fact"))]
    UnknownFact {
        name: String,
        #[label("not a fact dunning knows")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("unknown attribute `{name}`")]
    #[diagnostic(code("dunning::check::unknown-attribute"))]
    UnknownAttribute {
        name: String,
        #[label("neither a fact nor a declared attribute")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("unknown action `{name}`")]
    #[diagnostic(code("dunning::check::unknown-action"))]
    UnknownAction {
        name: String,
        #[label("not an action")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("unknown setting `{name}`")]
    #[diagnostic(code("dunning::check::unknown-setting"))]
    UnknownSetting {
        name: String,
        #[label("not a setting")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("unknown step `{name}`")]
    #[diagnostic(code("dunning::check::unknown-step"))]
    UnknownStep {
        name: String,
        #[label("no rule has this name")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("unknown type `{name}`")]
    #[diagnostic(code("dunning::check::unknown-type"))]
    UnknownType {
        name: String,
        #[label("not a type")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("`{name}` is {what} and cannot be declared as an attribute")]
    #[diagnostic(code("dunning::check::reserved-name"))]
    ReservedName {
        name: String,
        what: String,
        #[label("{what}")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    // ───────────── types and values ─────────────
    #[error("{message}")]
    #[diagnostic(code("dunning::check::type-mismatch"))]
    TypeMismatch {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("`{value}` is not a declared value of `{attribute}`")]
    #[diagnostic(code("dunning::check::undeclared-value"))]
    UndeclaredValue {
        value: String,
        attribute: String,
        #[label(primary, "not in the declaration of `{attribute}`")]
        span: SourceSpan,
        #[label("declared here")]
        declared_at: Option<SourceSpan>,
        #[help]
        help: String,
    },

    #[error("`{text}` is not a comparison dunning can evaluate: {reason}")]
    #[diagnostic(code("dunning::check::invalid-comparison"))]
    InvalidComparison {
        text: String,
        reason: String,
        #[label("{reason}")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("`{code}` is not an ISO 4217 currency code")]
    #[diagnostic(code("dunning::check::unknown-currency"))]
    UnknownCurrency {
        code: String,
        #[label("unknown currency")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("{what} `{text}` is out of range")]
    #[diagnostic(code("dunning::check::out-of-range"))]
    OutOfRange {
        what: String,
        text: String,
        #[label("{limit}")]
        span: SourceSpan,
        limit: String,
        #[help]
        help: Option<String>,
    },

    #[error("`{text}` is not a real date")]
    #[diagnostic(
        code("dunning::check::invalid-date"),
        help("write dates as YYYY-MM-DD, with a month from 01 to 12 and a day that exists in it")
    )]
    InvalidDate {
        text: String,
        #[label("no such day")]
        span: SourceSpan,
    },

    #[error("`{value}` is not a valid value for the setting `{setting}`")]
    #[diagnostic(code("dunning::check::invalid-setting"))]
    InvalidSetting {
        setting: String,
        value: String,
        #[label("expected {expected}")]
        span: SourceSpan,
        expected: String,
        #[help]
        help: Option<String>,
    },

    // ───────────── duplicates ─────────────
    #[error("the rule name `{name}` is used twice")]
    #[diagnostic(
        code("dunning::check::duplicate-rule"),
        help("rule names identify steps in the history; give each rule its own name")
    )]
    DuplicateRule {
        name: String,
        #[label(primary, "second rule named `{name}`")]
        span: SourceSpan,
        #[label("first used here")]
        first: SourceSpan,
    },

    #[error("the setting `{name}` is set twice")]
    #[diagnostic(
        code("dunning::check::duplicate-setting"),
        help("keep one of the two lines")
    )]
    DuplicateSetting {
        name: String,
        #[label(primary, "set again here")]
        span: SourceSpan,
        #[label("first set here")]
        first: SourceSpan,
    },

    #[error("the attribute `{name}` is declared twice")]
    #[diagnostic(
        code("dunning::check::duplicate-attribute"),
        help("merge the two declarations into one")
    )]
    DuplicateAttribute {
        name: String,
        #[label(primary, "declared again here")]
        span: SourceSpan,
        #[label("first declared here")]
        first: SourceSpan,
    },

    // ───────────── analysis (warnings) ─────────────
    #[error("the policy has no rules")]
    #[diagnostic(
        code("dunning::check::no-rules"),
        severity(Warning),
        help("add a rule such as `when overdue > 1d then email`")
    )]
    NoRules {
        label: String,
        #[label("{label}")]
        span: SourceSpan,
    },

    #[error("{rule} can never fire: {why}")]
    #[diagnostic(code("dunning::check::never-fires"), severity(Warning))]
    NeverFires {
        rule: String,
        why: String,
        #[label("{reason}")]
        span: SourceSpan,
        reason: String,
        #[help]
        help: Option<String>,
    },

    #[error("{rule} is never chosen: {by}, further down the ladder, holds whenever it does")]
    #[diagnostic(code("dunning::check::shadowed"), severity(Warning))]
    Shadowed {
        rule: String,
        by: String,
        #[label(primary, "never chosen")]
        span: SourceSpan,
        #[label("this more advanced step always wins")]
        by_span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("`{firm}` at {firm_days} comes before the milder `{mild}` at {mild_days}")]
    #[diagnostic(code("dunning::check::firmer-first"), severity(Warning))]
    FirmerFirst {
        firm: String,
        firm_days: String,
        mild: String,
        mild_days: String,
        #[label(primary, "firmer step, earlier")]
        span: SourceSpan,
        #[label("milder step, later")]
        mild_span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("`{action}` with no formal notice before it")]
    #[diagnostic(
        code("dunning::check::no-formal-notice"),
        severity(Warning),
        help("add a `formal_notice` step earlier in the ladder: a mise en demeure is required before legal action or a collection agency")
    )]
    NoFormalNotice {
        action: String,
        #[label("no earlier `formal_notice` step applies to these invoices")]
        span: SourceSpan,
    },

    #[error("{message}")]
    #[diagnostic(code("dunning::check::within-cooldown"), severity(Warning))]
    WithinCooldown {
        message: String,
        #[label(primary, "{label}")]
        span: SourceSpan,
        label: String,
        #[label("previous step")]
        previous_span: Option<SourceSpan>,
        #[help]
        help: String,
    },

    #[error("{example}")]
    #[diagnostic(code("dunning::check::coverage-gap"), severity(Warning))]
    CoverageGap {
        example: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },

    #[error("{example}")]
    #[diagnostic(code("dunning::check::long-wait"), severity(Warning))]
    LongWait {
        example: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },
}

impl CheckError {
    pub fn is_warning(&self) -> bool {
        matches!(Diagnostic::severity(self), Some(miette::Severity::Warning))
    }
}
