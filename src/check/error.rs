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

/// Everything the checker can say about a policy that parsed: an error (no policy is made) or a warning.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckError {
    // ───────────── names ─────────────
    /// A name is neither a built-in fact nor an attribute.
    #[error("unknown fact `{name}`")]
    #[diagnostic(code("dunning::check::unknown-fact"))]
    UnknownFact {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label("not a fact dunning knows")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A name is not a fact and not a declared attribute.
    #[error("unknown attribute `{name}`")]
    #[diagnostic(code("dunning::check::unknown-attribute"))]
    UnknownAttribute {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label("neither a fact nor a declared attribute")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// The action after `then` does not exist.
    #[error("unknown action `{name}`")]
    #[diagnostic(code("dunning::check::unknown-action"))]
    UnknownAction {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label("not an action")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// `set` names a setting that does not exist.
    #[error("unknown setting `{name}`")]
    #[diagnostic(code("dunning::check::unknown-setting"))]
    UnknownSetting {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label("not a setting")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// `fired` or `since` names a rule that does not exist.
    #[error("unknown step `{name}`")]
    #[diagnostic(code("dunning::check::unknown-step"))]
    UnknownStep {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label("no rule has this name")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// An attribute is declared with a type that does not exist.
    #[error("unknown type `{name}`")]
    #[diagnostic(code("dunning::check::unknown-type"))]
    UnknownType {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label("not a type")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// An attribute declaration reuses the name of a built-in fact.
    #[error("`{name}` is {what} and cannot be declared as an attribute")]
    #[diagnostic(code("dunning::check::reserved-name"))]
    ReservedName {
        /// The name, as written.
        name: String,
        /// What it is, in words.
        what: String,
        /// Where it is written.
        #[label("{what}")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    // ───────────── types and values ─────────────
    /// A fact is compared with a value of another kind.
    #[error("{message}")]
    #[diagnostic(code("dunning::check::type-mismatch"))]
    TypeMismatch {
        /// What is wrong, in words.
        message: String,
        /// Where it is written.
        #[label("{label}")]
        span: SourceSpan,
        /// The words under the text.
        label: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A value is not in the attribute's declared list.
    #[error("`{value}` is not a declared value of `{attribute}`")]
    #[diagnostic(code("dunning::check::undeclared-value"))]
    UndeclaredValue {
        /// The value, as written.
        value: String,
        /// The attribute.
        attribute: String,
        /// Where it is written.
        #[label(primary, "not in the declaration of `{attribute}`")]
        span: SourceSpan,
        /// Where the attribute's values are declared.
        #[label("declared here")]
        declared_at: Option<SourceSpan>,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A comparison has no fact, or two facts.
    #[error("`{text}` is not a comparison dunning can evaluate: {reason}")]
    #[diagnostic(code("dunning::check::invalid-comparison"))]
    InvalidComparison {
        /// The text, as written.
        text: String,
        /// Why, in words.
        reason: String,
        /// Where it is written.
        #[label("{reason}")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A currency is not an ISO 4217 code.
    #[error("`{code}` is not an ISO 4217 currency code")]
    #[diagnostic(code("dunning::check::unknown-currency"))]
    UnknownCurrency {
        /// The code, as written.
        code: String,
        /// Where it is written.
        #[label("unknown currency")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A number, duration or amount is too large (or too small).
    #[error("{what} `{text}` is out of range")]
    #[diagnostic(code("dunning::check::out-of-range"))]
    OutOfRange {
        /// What it is, in words.
        what: String,
        /// The text, as written.
        text: String,
        /// Where it is written.
        #[label("{limit}")]
        span: SourceSpan,
        /// The limit it breaks, in words.
        limit: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A date does not exist.
    #[error("`{text}` is not a real date")]
    #[diagnostic(
        code("dunning::check::invalid-date"),
        help("write dates as YYYY-MM-DD, with a month from 01 to 12 and a day that exists in it")
    )]
    InvalidDate {
        /// The text, as written.
        text: String,
        /// Where it is written.
        #[label("no such day")]
        span: SourceSpan,
    },

    /// A setting has a value of the wrong kind.
    #[error("`{value}` is not a valid value for the setting `{setting}`")]
    #[diagnostic(code("dunning::check::invalid-setting"))]
    InvalidSetting {
        /// The setting.
        setting: String,
        /// The value, as written.
        value: String,
        /// Where it is written.
        #[label("expected {expected}")]
        span: SourceSpan,
        /// What was expected.
        expected: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    // ───────────── duplicates ─────────────
    /// Two rules have the same name.
    #[error("the rule name `{name}` is used twice")]
    #[diagnostic(
        code("dunning::check::duplicate-rule"),
        help("rule names identify steps in the history; give each rule its own name")
    )]
    DuplicateRule {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label(primary, "second rule named `{name}`")]
        span: SourceSpan,
        /// Where the first one is.
        #[label("first used here")]
        first: SourceSpan,
    },

    /// A rule's former name (`was`) is the name of a rule of the policy.
    #[error("`{name}` is still a rule: rule `{rule}` cannot take over its history")]
    #[diagnostic(
        code("dunning::check::renamed-rule-exists"),
        help("`was` names a rule the policy no longer has; remove `{name}` from the `was` list or rename that rule (renames cannot swap or cycle names)")
    )]
    RenamedRuleExists {
        /// The former name, as written.
        name: String,
        /// The rule that declares it.
        rule: String,
        /// Where it is written.
        #[label(primary, "a rule of this policy")]
        span: SourceSpan,
        /// The rule of that name.
        #[label("defined here")]
        existing: SourceSpan,
    },

    /// Two rules (or one, twice) declare the same former name.
    #[error("the former name `{name}` is declared twice")]
    #[diagnostic(
        code("dunning::check::duplicate-rename"),
        help("the history of `{name}` can count as one rule's only; keep one `was {name}`")
    )]
    DuplicateRename {
        /// The former name, as written.
        name: String,
        /// Where it is written again.
        #[label(primary, "declared again here")]
        span: SourceSpan,
        /// Where it is first declared.
        #[label("first declared here")]
        first: SourceSpan,
    },

    /// A setting is set twice.
    #[error("the setting `{name}` is set twice")]
    #[diagnostic(
        code("dunning::check::duplicate-setting"),
        help("keep one of the two lines")
    )]
    DuplicateSetting {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label(primary, "set again here")]
        span: SourceSpan,
        /// Where the first one is.
        #[label("first set here")]
        first: SourceSpan,
    },

    /// An attribute is declared twice.
    #[error("the attribute `{name}` is declared twice")]
    #[diagnostic(
        code("dunning::check::duplicate-attribute"),
        help("merge the two declarations into one")
    )]
    DuplicateAttribute {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label(primary, "declared again here")]
        span: SourceSpan,
        /// Where the first one is.
        #[label("first declared here")]
        first: SourceSpan,
    },

    /// An action parameter names a penalty (`with indemnity = 0 EUR`): the
    /// penalties come from the settings, and a parameter would be ignored.
    #[error("an action cannot set `{name}`: the penalties come from the policy's settings")]
    #[diagnostic(
        code("dunning::check::penalty-parameter"),
        help("remove it; `set interest_rate` and `set indemnity` apply to every action, and invoices whose `customer_type` is `consumer` get neither (the indemnity is owed once per invoice by law to professionals)")
    )]
    PenaltyParameter {
        /// The parameter's name.
        name: String,
        /// Where it is written.
        #[label("not an action parameter")]
        span: SourceSpan,
    },

    /// A fixed interest rate is below three times the legal interest rate in
    /// a half-year the built-in rate data cover (warning).
    #[error("interest rate `{rate}` is below three times the legal interest rate in {half_years}")]
    #[diagnostic(code("dunning::check::rate-below-floor"), severity(Warning))]
    RateBelowFloor {
        /// The rate, as written.
        rate: String,
        /// The half-years it is below the floor in: `2024 H1 (15.21%)…`.
        half_years: String,
        /// Where it is written.
        #[label("below the floor of Code de commerce L441-10 II")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A policy declares its scope twice.
    #[error("the policy's scope is declared twice")]
    #[diagnostic(
        code("dunning::check::duplicate-scope"),
        help("keep one `scope` line; list every value it takes in it")
    )]
    DuplicateScope {
        /// Where it is written.
        #[label(primary, "declared again here")]
        span: SourceSpan,
        /// Where the first one is.
        #[label("first declared here")]
        first: SourceSpan,
    },

    /// A scope tests something else than a declared attribute with a list of values.
    #[error("a scope tests an attribute declared with a list of values, not `{name}`")]
    #[diagnostic(code("dunning::check::invalid-scope"))]
    InvalidScope {
        /// The name, as written.
        name: String,
        /// Where it is written.
        #[label("{label}")]
        span: SourceSpan,
        /// The words under the name.
        label: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    // ───────────── text ─────────────
    /// A name, template or text holds a control character: it would reach
    /// the plan's CSV and the terminal, and the history could not read it back.
    #[error("the {what} `{text}` holds a control character ({character})")]
    #[diagnostic(
        code("dunning::check::control-character"),
        help("delete the character; names and templates are printable text")
    )]
    ControlCharacter {
        /// What holds it: a rule name, a template, a parameter.
        what: String,
        /// The text, with control characters escaped.
        text: String,
        /// The character, in words (`U+001B`).
        character: String,
        /// Where it is written.
        #[label("{character} here")]
        span: SourceSpan,
    },

    /// A rule name or template is blank, or starts or ends with a space:
    /// data files trim their cells, so the history could not name it back.
    #[error("the {what} `{text}` {problem}")]
    #[diagnostic(
        code("dunning::check::surrounding-space"),
        help("write it with no space at either end and at least one visible character: the history the plan writes is read with every cell trimmed, so the step would not be found there and would be sent again")
    )]
    SurroundingSpace {
        /// What holds it: a rule name, a template.
        what: String,
        /// The text, with invisible characters escaped.
        text: String,
        /// `is blank`, `starts with a space`, `ends with a space`.
        problem: String,
        /// Where it is written.
        #[label("{problem}")]
        span: SourceSpan,
    },

    /// A name holds a character that does not show (warning).
    #[error("the {what} `{text}` holds an invisible character ({character})")]
    #[diagnostic(
        code("dunning::check::invisible-character"),
        severity(Warning),
        help("delete it: two names that look the same would differ, and right-to-left overrides show text in another order than it runs")
    )]
    InvisibleCharacter {
        /// What holds it: a rule name, a template, a parameter.
        what: String,
        /// The text, with the character escaped.
        text: String,
        /// The character, in words (`U+200B ZERO WIDTH SPACE`).
        character: String,
        /// Where it is written.
        #[label("{character} here")]
        span: SourceSpan,
    },

    // ───────────── analysis (warnings) ─────────────
    /// The policy has no rules (warning).
    #[error("the policy has no rules")]
    #[diagnostic(
        code("dunning::check::no-rules"),
        severity(Warning),
        help("add a rule such as `when overdue > 1d then email`")
    )]
    NoRules {
        /// The words under the text.
        label: String,
        /// Where it is written.
        #[label("{label}")]
        span: SourceSpan,
    },

    /// A rule's condition can never be true (warning).
    #[error("{rule} can never fire: {why}")]
    #[diagnostic(code("dunning::check::never-fires"), severity(Warning))]
    NeverFires {
        /// The rule, as messages name it.
        rule: String,
        /// Why, in words.
        why: String,
        /// Where it is written.
        #[label("{reason}")]
        span: SourceSpan,
        /// Why, in words.
        reason: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A rule is never chosen because a later rule always holds with it (warning).
    #[error("{rule} is never chosen: {by}, further down the ladder, holds whenever it does")]
    #[diagnostic(code("dunning::check::shadowed"), severity(Warning))]
    Shadowed {
        /// The rule, as messages name it.
        rule: String,
        /// The later rule, as messages name it.
        by: String,
        /// Where it is written.
        #[label(primary, "never chosen")]
        span: SourceSpan,
        /// Where the later rule's condition is.
        #[label("this more advanced step always wins")]
        by_span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A firmer action comes at a lower threshold than a milder one (warning).
    #[error("`{firm}` at {firm_days} comes before the milder `{mild}` at {mild_days}")]
    #[diagnostic(code("dunning::check::firmer-first"), severity(Warning))]
    FirmerFirst {
        /// The firmer action.
        firm: String,
        /// When the firmer action starts, in words.
        firm_days: String,
        /// The milder action.
        mild: String,
        /// When the milder action starts, in words.
        mild_days: String,
        /// Where it is written.
        #[label(primary, "firmer step, earlier")]
        span: SourceSpan,
        /// Where the milder action is.
        #[label("milder step, later")]
        mild_span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// Legal action or a collection agency without a formal notice before it (warning).
    #[error("`{action}` with no formal notice before it")]
    #[diagnostic(
        code("dunning::check::no-formal-notice"),
        severity(Warning),
        help("add a `formal_notice` step earlier in the ladder: a mise en demeure is required before legal action or a collection agency")
    )]
    NoFormalNotice {
        /// The action.
        action: String,
        /// Where it is written.
        #[label("no earlier `formal_notice` step applies to these invoices")]
        span: SourceSpan,
    },

    /// A contact step's window is shorter than the cooldown: it can expire
    /// while deferred (warning).
    #[error("{message}")]
    #[diagnostic(code("dunning::check::expires-in-cooldown"), severity(Warning))]
    ExpiresInCooldown {
        /// What is wrong, in words.
        message: String,
        /// Where it is written.
        #[label("this window is shorter than the cooldown")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// Two steps are closer together than the cooldown (warning).
    #[error("{message}")]
    #[diagnostic(code("dunning::check::within-cooldown"), severity(Warning))]
    WithinCooldown {
        /// What is wrong, in words.
        message: String,
        /// Where it is written.
        #[label(primary, "{label}")]
        span: SourceSpan,
        /// The words under the text.
        label: String,
        /// Where the previous step is, when there is one.
        #[label("previous step")]
        previous_span: Option<SourceSpan>,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// Some overdue invoices get no step at all (warning).
    #[error("{example}")]
    #[diagnostic(code("dunning::check::coverage-gap"), severity(Warning))]
    CoverageGap {
        /// An invoice the problem is about, in words.
        example: String,
        /// Where it is written.
        #[label("{label}")]
        span: SourceSpan,
        /// The words under the text.
        label: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// More than 30 days pass between two steps (warning).
    #[error("{example}")]
    #[diagnostic(code("dunning::check::long-wait"), severity(Warning))]
    LongWait {
        /// An invoice the problem is about, in words.
        example: String,
        /// Where it is written.
        #[label("{label}")]
        span: SourceSpan,
        /// The words under the text.
        label: String,
        /// How to fix it.
        #[help]
        help: String,
    },
}

impl CheckError {
    /// Whether it is a warning: the policy is still made.
    pub fn is_warning(&self) -> bool {
        matches!(Diagnostic::severity(self), Some(miette::Severity::Warning))
    }
}
