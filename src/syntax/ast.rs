//! The policy as written: every node keeps the byte span it came from, so
//! that every later stage can point at the user's text.
//!
//! Literals keep their original spelling (`1.5k EUR`, `2w`) because the
//! formatter must not rewrite what the user chose to write, and the checker
//! (not the parser) decides whether a number is in range.
//!
//! Spans never take part in equality (see [`Span`]): two policies are equal
//! when they say the same thing, wherever it was written.

use std::fmt;

use serde::Serialize;

pub use crate::span::Span;

/// A word or quoted text with its span: names of facts, attributes, rules, actions, settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ident {
    /// The name, unquoted.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A whole `.dunning` file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Policy {
    /// Its lines, in order.
    pub items: Vec<Item>,
}

impl Policy {
    /// The statements, without the comments.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.items.iter().filter_map(|item| match &item.kind {
            ItemKind::Statement(s) => Some(s.as_ref()),
            ItemKind::Comment(_) => None,
        })
    }

    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = &RuleStmt> {
        self.statements().filter_map(|s| match &s.kind {
            StatementKind::Rule(r) => Some(r),
            _ => None,
        })
    }
}

/// One line of the file (with its continuation lines).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// A statement or a comment.
    pub kind: ItemKind,
    /// A blank line separates this item from the previous one; kept so the
    /// formatter preserves the paragraphs a user made.
    pub blank_line_before: bool,
    /// Where it is written, trailing comment included.
    pub span: Span,
}

/// What a line holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ItemKind {
    /// A statement.
    Statement(Box<Statement>),
    /// A comment alone on its line: `# Preventive steps`.
    Comment(Comment),
}

/// `# text`; `text` holds everything after the `#`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// The text after `#`.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A statement: a rule, a setting, an attribute declaration, a pause or a scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// Which statement.
    pub kind: StatementKind,
    /// A comment at the end of the statement's last line.
    pub trailing_comment: Option<Comment>,
    /// Where it is written, trailing comment excluded.
    pub span: Span,
}

/// The kinds of statement.
// A policy holds one statement a line: a rule's size (its former names
// made it cross clippy's line) costs nothing worth a box on every access.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum StatementKind {
    /// `rule NAME: when … then …`
    Rule(RuleStmt),
    /// `set NAME = VALUE`
    Setting(Setting),
    /// `attribute NAME …`
    Attribute(AttributeDecl),
    /// `pause NAME when …`
    Pause(PauseDecl),
    /// `scope ATTRIBUTE in […]`
    Scope(ScopeDecl),
}

/// A rule: `rule first_reminder: when overdue >= 1d then email`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleStmt {
    /// The name after `rule`, if given.
    pub name: Option<Ident>,
    /// The names after `was` (`rule relance_2 (was second_reminder):`):
    /// the rule's former names, whose history counts as its own.
    pub was: Vec<Ident>,
    /// The condition after `when`.
    pub condition: Condition,
    /// The action after `then`.
    pub action: Action,
    /// The interval after `repeat every`, if given.
    pub repeat: Option<Literal>,
    /// Where it is written.
    pub span: Span,
}

/// A policy-wide setting: `set cooldown = 7d`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setting {
    /// The setting's name.
    pub name: Ident,
    /// Its value.
    pub value: SettingValue,
    /// Where it is written.
    pub span: Span,
}

/// What a setting is set to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SettingValue {
    /// One value: `7d`.
    One(Literal),
    /// A list, which no setting takes (the checker says so).
    List(List),
    /// A rate that follows published rates: `ecb + 10`, `3 x legal`.
    Rate(RateFormula),
}

/// `ecb + 10` or `3 x legal`, for `interest_rate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RateFormula {
    /// Which published rate it follows.
    pub base: RateBase,
    /// The number as written: points added to the ECB rate, or the factor
    /// of the legal rate.
    pub number: String,
    /// Where it is written.
    pub span: Span,
}

/// The published rate a [`RateFormula`] follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RateBase {
    /// `ecb + N`: the ECB main refinancing rate plus N points.
    EcbPlus,
    /// `N x legal`: N times the French legal interest rate.
    LegalTimes,
}

impl SettingValue {
    /// Where the value is written.
    pub fn span(&self) -> Span {
        match self {
            SettingValue::One(l) => l.span,
            SettingValue::List(l) => l.span,
            SettingValue::Rate(r) => r.span,
        }
    }
}

/// An attribute declaration: `attribute segment in [strategic, key]` or
/// `attribute promised_until: date`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributeDecl {
    /// The attribute's name.
    pub name: Ident,
    /// Its type or list of values.
    pub ty: AttributeTypeExpr,
    /// Where it is written.
    pub span: Span,
}

/// The type part of an attribute declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum AttributeTypeExpr {
    /// `in [a, b]`
    OneOf(List),
    /// `: text`
    Named(Ident),
}

/// A pause: `pause promise_to_pay when promised_until >= today`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PauseDecl {
    /// The name after `pause`, if given.
    pub name: Option<Ident>,
    /// The condition after `when`.
    pub condition: Condition,
    /// Where it is written.
    pub span: Span,
}

/// The invoices a policy handles when several run together:
/// `scope segment in [strategic, key]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScopeDecl {
    /// The test an invoice passes to be this policy's.
    pub test: Membership,
    /// Where it is written.
    pub span: Span,
}

/// What a rule does: `letter template "relance-2" with copy = "ar@acme.fr"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    /// The action's name.
    pub name: Ident,
    /// The template, if given.
    pub template: Option<Ident>,
    /// The parameters after `with`.
    pub params: Vec<Param>,
    /// Where it is written.
    pub span: Span,
}

/// `key = value` after `with`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Param {
    /// The parameter's name.
    pub name: Ident,
    /// Its value.
    pub value: Literal,
    /// Where it is written.
    pub span: Span,
}

/// A condition tree. Parentheses leave no node: the formatter puts them back
/// where precedence or readability needs them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// Which condition.
    pub kind: ConditionKind,
    /// Where it is written.
    pub span: Span,
}

/// The kinds of condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ConditionKind {
    /// `a and b and c`: chains are one node, however long.
    And(Vec<Condition>),
    /// `a or b or c`
    Or(Vec<Condition>),
    /// `not a`
    Not(Box<Condition>),
    /// `overdue > 15d`
    Compare(Comparison),
    /// `segment in [strategic, key]`, `segment not in [small]`
    Member(Membership),
    /// `fired first_reminder`
    Fired(Ident),
    /// `since formal_notice >= 15d`
    Since(Since),
    /// `disputed`
    Flag(Ident),
}

/// `a op b`: a fact (a word) compared with a value, on either side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The left side.
    pub lhs: Literal,
    /// The operator.
    pub op: CmpOp,
    /// Where the operator is written.
    pub op_span: Span,
    /// The right side.
    pub rhs: Literal,
}

/// `since STEP op value`: days since a step last fired, compared with a
/// duration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Since {
    /// The step, by name.
    pub step: Ident,
    /// The operator.
    pub op: CmpOp,
    /// Where the operator is written.
    pub op_span: Span,
    /// The value (a duration, checked by the checker).
    pub value: Literal,
}

/// `x in [..]` or `x not in [..]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// What is tested.
    pub subject: Ident,
    /// Written `not in`.
    pub negated: bool,
    /// The values.
    pub list: List,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// The operator that says the same with its operands swapped (`3d < overdue` is `overdue > 3d`).
    pub fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Eq,
            CmpOp::Ne => CmpOp::Ne,
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
        }
    }

    /// The operator that holds exactly when this one does not.
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[a, b, c]`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct List {
    /// The values, in order.
    pub items: Vec<Literal>,
    /// Where it is written, brackets included.
    pub span: Span,
}

/// A value as written. Numbers stay text here; the checker converts them
/// and reports those out of range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Literal {
    /// Which value.
    pub kind: LiteralKind,
    /// Where it is written.
    pub span: Span,
}

/// The kinds of value, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum LiteralKind {
    /// A word: a fact (`overdue`), an attribute (`segment`) or a value (`strategic`, `EUR`).
    Ident(String),
    /// `3`, `0.5`
    Number(String),
    /// `15d`, `2w`
    Duration {
        /// The number, as written.
        count: String,
        /// Days or weeks.
        unit: DurationUnit,
    },
    /// `500 EUR`, `1.5k EUR`: `amount` is the number as written, magnitude included.
    Money {
        /// The amount, as written.
        amount: String,
        /// The currency code, as written.
        currency: String,
    },
    /// `10.5%`: the number without the `%`.
    Percent(String),
    /// `2025-06-30` as written; the checker validates it.
    Date(String),
    /// `"text"` after unescaping.
    String(String),
    /// `yes`, `no`, `true` or `false`.
    Bool(bool),
    /// `today`
    Today,
}

/// The unit of a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DurationUnit {
    /// `d`
    Days,
    /// `w`
    Weeks,
}

impl DurationUnit {
    /// The unit's letter.
    pub fn suffix(self) -> &'static str {
        match self {
            DurationUnit::Days => "d",
            DurationUnit::Weeks => "w",
        }
    }
}
