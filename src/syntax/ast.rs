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
    pub name: String,
    pub span: Span,
}

/// A whole `.dunning` file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Policy {
    pub items: Vec<Item>,
}

impl Policy {
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.items.iter().filter_map(|item| match &item.kind {
            ItemKind::Statement(s) => Some(s.as_ref()),
            ItemKind::Comment(_) => None,
        })
    }

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
    pub kind: ItemKind,
    /// A blank line separates this item from the previous one; kept so the
    /// formatter preserves the paragraphs a user made.
    pub blank_line_before: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ItemKind {
    Statement(Box<Statement>),
    /// A comment alone on its line: `# Preventive steps`.
    Comment(Comment),
}

/// `# text`; `text` holds everything after the `#`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub kind: StatementKind,
    /// A comment at the end of the statement's last line.
    pub trailing_comment: Option<Comment>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum StatementKind {
    Rule(RuleStmt),
    Setting(Setting),
    Attribute(AttributeDecl),
    Pause(PauseDecl),
}

/// A rule: `rule first_reminder: when overdue >= 1d then email`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleStmt {
    pub name: Option<Ident>,
    pub condition: Condition,
    pub action: Action,
    pub repeat: Option<Literal>,
    pub span: Span,
}

/// A policy-wide setting: `set cooldown = 7d`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub name: Ident,
    pub value: SettingValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SettingValue {
    One(Literal),
    List(List),
}

impl SettingValue {
    pub fn span(&self) -> Span {
        match self {
            SettingValue::One(l) => l.span,
            SettingValue::List(l) => l.span,
        }
    }
}

/// An attribute declaration: `attribute segment in [strategic, key]` or
/// `attribute promised_until: date`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributeDecl {
    pub name: Ident,
    pub ty: AttributeTypeExpr,
    pub span: Span,
}

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
    pub name: Option<Ident>,
    pub condition: Condition,
    pub span: Span,
}

/// What a rule does: `letter template "relance-2" with copy = "ar@acme.fr"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    pub name: Ident,
    pub template: Option<Ident>,
    pub params: Vec<Param>,
    pub span: Span,
}

/// `key = value` after `with`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Param {
    pub name: Ident,
    pub value: Literal,
    pub span: Span,
}

/// A condition tree. Parentheses leave no node: the formatter puts them back
/// where precedence or readability needs them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub kind: ConditionKind,
    pub span: Span,
}

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
    /// `disputed`
    Flag(Ident),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub lhs: Literal,
    pub op: CmpOp,
    pub op_span: Span,
    pub rhs: Literal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub subject: Ident,
    pub negated: bool,
    pub list: List,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
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
    pub items: Vec<Literal>,
    pub span: Span,
}

/// A value as written. Numbers stay text here; the checker converts them
/// and reports those out of range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Literal {
    pub kind: LiteralKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum LiteralKind {
    /// A word: a fact (`overdue`), an attribute (`segment`) or a value (`strategic`, `EUR`).
    Ident(String),
    /// `3`, `0.5`
    Number(String),
    /// `15d`, `2w`
    Duration {
        count: String,
        unit: DurationUnit,
    },
    /// `500 EUR`, `1.5k EUR`: `amount` is the number as written, magnitude included.
    Money {
        amount: String,
        currency: String,
    },
    /// `10.5%`: the number without the `%`.
    Percent(String),
    /// `2025-06-30` as written; the checker validates it.
    Date(String),
    /// `"text"` after unescaping.
    String(String),
    Bool(bool),
    /// `today`
    Today,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DurationUnit {
    Days,
    Weeks,
}

impl DurationUnit {
    pub fn suffix(self) -> &'static str {
        match self {
            DurationUnit::Days => "d",
            DurationUnit::Weeks => "w",
        }
    }
}
