//! The checked policy: names resolved, values typed, ready to evaluate.
//!
//! The checker produces it only from a policy without errors, so the
//! evaluator never meets an unknown fact or a badly typed comparison.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{Currency, Money};
use crate::span::{LineIndex, Span};
pub use crate::syntax::ast::CmpOp;

mod facts;

pub use facts::{Anchor, BuiltIn, Clock, Fact, FactKind, Moves, Trigger};

pub use crate::check::SettingDoc;

/// Every setting a policy can `set`, in the README's order, with what it
/// takes and does: the table the checker reads settings with.
pub fn settings() -> impl Iterator<Item = SettingDoc> {
    crate::check::setting_docs()
}

crate::idx::typed_index!(
    /// A rule's position in the ladder: `Policy::rules[i]`.
    RuleIdx
);
crate::idx::typed_index!(
    /// An attribute's position in `Policy::attributes`.
    AttrIdx
);

/// A checked policy: every name resolved, every value typed, ready to run.
/// Only [`check`](crate::check) makes one.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Policy {
    /// The policy-wide settings (`set …`).
    pub settings: Settings,
    /// The attributes the policy uses, declared or inferred from use;
    /// `Fact::Attribute(i)` indexes this list.
    pub attributes: Vec<Attribute>,
    /// The pauses, in file order.
    pub pauses: Vec<Pause>,
    /// The ladder, in file order: a later rule is a more advanced step.
    pub rules: Vec<Rule>,
    /// The invoices this policy handles when several policies run
    /// together (`scope …`); `None` handles every invoice.
    pub scope: Option<Scope>,
    /// The lines of the policy's text, to number the lines its spans are
    /// on. Like spans, it takes no part in equality.
    #[serde(skip)]
    pub(crate) lines: LineIndex,
}

impl Policy {
    /// The 1-based line a span starts on.
    pub fn line_of(&self, span: Span) -> usize {
        self.lines.line_of(span.start)
    }

    /// The rule with this name.
    pub fn rule_index(&self, name: &str) -> Option<RuleIdx> {
        self.rules
            .iter()
            .position(|r| r.name == name)
            .or_else(|| {
                self.rules
                    .iter()
                    .position(|r| r.was.iter().any(|w| w == name))
            })
            .map(RuleIdx::new)
    }

    /// The rule at `index`.
    pub fn rule(&self, index: RuleIdx) -> &Rule {
        &self.rules[index.get()]
    }

    /// The name of the rule at `index` (`?` for an index of another policy).
    pub fn rule_name(&self, index: RuleIdx) -> &str {
        self.rules.get(index.get()).map_or("?", |r| r.name.as_str())
    }

    /// The rules with their indices, in ladder order.
    pub fn rules_indexed(&self) -> impl DoubleEndedIterator<Item = (RuleIdx, &Rule)> + '_ {
        self.rules
            .iter()
            .enumerate()
            .map(|(i, r)| (RuleIdx::new(i), r))
    }

    /// How policies and messages name a fact: a built-in fact's name, or
    /// the attribute's.
    pub fn fact_name(&self, fact: Fact) -> std::borrow::Cow<'_, str> {
        match fact {
            Fact::Attribute(i) => self.attribute(i).map_or("?", |a| a.name.as_str()).into(),
            Fact::Since(rule) => format!("since {}", self.rule_name(rule)).into(),
            built_in => built_in.name().unwrap_or("?").into(),
        }
    }

    /// The attribute at `index`.
    pub fn attribute(&self, index: AttrIdx) -> Option<&Attribute> {
        self.attributes.get(index.get())
    }
}

impl Rule {
    /// A claim rule tests `paid_late`: it is considered for invoices paid
    /// in full (to claim the penalties of a late payment), and the other
    /// rules for open invoices only.
    pub fn is_claim(&self) -> bool {
        let mut claim = false;
        self.condition
            .visit_facts(&mut |f| claim |= f == Fact::PaidLate);
        claim
    }
}

/// The policy-wide settings, each at its default unless the policy sets it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// Minimum days between two contacts with one customer; 0 for none.
    pub cooldown_days: u32,
    /// Which days are business days.
    pub calendar: CalendarKind,
    /// Invoices whose open amount is below the minimum of their currency
    /// are not dunned; at most one per currency, none for a currency not
    /// listed.
    pub minimum_amount: Vec<Money>,
    /// Annual late-payment interest rate: fixed (`12.15%`), or following
    /// the published rates (`ecb + 10`, `3 x legal`).
    pub interest_rate: Option<crate::penalty::InterestRate>,
    /// Flat recovery indemnity per invoice (40 EUR in France).
    pub indemnity: Option<Money>,
    /// Disputed invoices are paused (the default, as an ERP's dunning block).
    pub pause_disputed: bool,
    /// The invoices of a customer whose balance in their currency, net of
    /// its credit notes, is zero or less are paused (the default: the
    /// customer owes nothing).
    pub pause_credit_balance: bool,
    /// E-mails and text messages wait for a business day too (by default
    /// they go out any day).
    pub messages_on_business_days: bool,
    /// Days from the plan's day to the new deadline a letter gives the
    /// customer (`set payment_deadline = 8d`; 8 by default).
    pub payment_deadline_days: u32,
}

impl Settings {
    /// Whether an action of `kind` waits for a business day under these
    /// settings: calls and postal mail always, messages when
    /// `messages_on_business_days` is set.
    pub fn needs_business_day(&self, kind: ActionKind) -> bool {
        kind.needs_business_day() || self.messages_on_business_days
    }
}

impl Settings {
    /// The minimum amount for invoices in `currency`, if the policy sets one.
    pub fn minimum_for(&self, currency: crate::money::Currency) -> Option<Money> {
        self.minimum_amount
            .iter()
            .find(|m| m.currency == currency)
            .copied()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cooldown_days: 0,
            calendar: CalendarKind::None,
            minimum_amount: Vec::new(),
            interest_rate: None,
            indemnity: None,
            pause_disputed: true,
            pause_credit_balance: true,
            messages_on_business_days: false,
            payment_deadline_days: 8,
        }
    }
}

impl Settings {
    /// Whether actions carry late-payment penalties.
    pub fn penalties(&self) -> bool {
        self.interest_rate.is_some() || self.indemnity.is_some()
    }
}

/// Which days are business days (`set calendar = …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarKind {
    /// Every day is a business day.
    None,
    /// Weekends and French public holidays are not business days.
    France,
}

/// An attribute: a column of the invoice file a policy tests.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Attribute {
    /// Its name: the column's header.
    pub name: String,
    /// The type of its values.
    pub ty: AttrType,
    /// Declared with `attribute`; undeclared ones take the type of their use
    /// and their values are not restricted.
    pub declared: bool,
    /// Where it is written.
    pub spans: AttributeSpans,
}

/// Where an attribute was written. Equality ignores it, as it does spans.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AttributeSpans {
    /// Its name in its declaration, or in its first use when undeclared.
    pub name: Span,
    /// For a declared list of values, where each is first written, in the
    /// order of `AttrType::OneOf`; empty otherwise.
    pub values: Vec<Span>,
}

/// The type of an attribute's values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttrType {
    /// A word or a text.
    Text,
    /// A number.
    Number,
    /// An amount in the invoice's currency.
    Money,
    /// A date.
    Date,
    /// Yes or no.
    Bool,
    /// One of a declared list of words.
    OneOf(Vec<String>),
}

impl fmt::Display for AttrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrType::Text => f.write_str("text"),
            AttrType::Number => f.write_str("number"),
            AttrType::Money => f.write_str("money"),
            AttrType::Date => f.write_str("date"),
            AttrType::Bool => f.write_str("bool"),
            AttrType::OneOf(values) => write!(f, "one of [{}]", values.join(", ")),
        }
    }
}

/// A pause: while its condition holds, nothing fires for the invoice.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pause {
    /// Its name, or `pause-N` for the N-th unnamed one.
    pub name: String,
    /// When it applies.
    pub condition: Condition,
    /// The whole `pause` statement.
    pub span: Span,
}

/// `scope segment in [strategic, key]`: which invoices a policy handles
/// when several run together. Only an attribute with a list of values may
/// route, so an invoice's policy never changes during a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scope {
    /// The attribute tested.
    pub attribute: AttrIdx,
    /// Its values that belong to the policy (or, `negated`, that do not).
    pub values: Vec<String>,
    /// Written `not in`.
    pub negated: bool,
    /// The whole `scope` statement.
    #[serde(skip)]
    pub span: Span,
}

impl Scope {
    /// The invoice belongs to the policy: its value of the attribute is (or,
    /// `not in`, is not) one of the values. An empty cell is in no list.
    pub fn holds(&self, invoice: &crate::data::Invoice) -> bool {
        let listed = match invoice.attributes.get(self.attribute.get()) {
            Some(crate::data::AttrValue::Text(v)) => self.values.iter().any(|x| x == v),
            _ => false,
        };
        listed != self.negated
    }
}

/// A step of the ladder.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    /// The name given with `rule NAME:`, or `rule-N` for the N-th rule.
    pub name: String,
    /// Its former names (`rule relance_2 (was second_reminder):`): history
    /// rows of these names count as this rule's steps.
    pub was: Vec<String>,
    /// When it holds.
    pub condition: Condition,
    /// What it does.
    pub action: Action,
    /// `repeat every N` days; `None` fires once per invoice.
    pub repeat_days: Option<u32>,
    /// Where it is written.
    pub spans: RuleSpans,
}

/// Where a rule was written. Equality ignores it, as it does spans.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct RuleSpans {
    /// The whole statement.
    pub statement: Span,
    /// The name after `rule`, when the author named the rule (else it is
    /// `rule-N`).
    pub name: Option<Span>,
    /// The condition after `when`.
    pub condition: Span,
    /// The action after `then`.
    pub action: Span,
    /// The interval after `repeat every`, for a rule that repeats.
    pub repeat: Option<Span>,
}

crate::span::ignored_in_equality!(RuleSpans, AttributeSpans);

/// What a rule does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    /// The channel.
    pub kind: ActionKind,
    /// The template named, if any.
    pub template: Option<String>,
    /// The parameters after `with`, in order.
    pub params: Vec<Param>,
}

/// A parameter of an action: `with caller = "account manager"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Its value as written.
    pub value: String,
    /// When the value is a bare word naming a declared attribute
    /// (`with to = account_manager`), that attribute: the plan carries the
    /// invoice's value of it instead of the word.
    pub attribute: Option<AttrIdx>,
}

/// The built-in actions, from the mildest to the firmest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// An e-mail.
    Email,
    /// A text message.
    Sms,
    /// A phone call.
    Call,
    /// A letter by post.
    Letter,
    /// A registered letter.
    RegisteredLetter,
    /// A formal notice (mise en demeure) by registered letter with acknowledgement of receipt.
    FormalNotice,
    /// The claim handed to a collection agency.
    CollectionAgency,
    /// Legal action (injonction de payer).
    Legal,
}

impl ActionKind {
    /// Every action, in the README's order.
    pub const ALL: [ActionKind; 8] = [
        ActionKind::Email,
        ActionKind::Sms,
        ActionKind::Call,
        ActionKind::Letter,
        ActionKind::RegisteredLetter,
        ActionKind::FormalNotice,
        ActionKind::CollectionAgency,
        ActionKind::Legal,
    ];

    /// The action's name in a policy.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Email => "email",
            ActionKind::Sms => "sms",
            ActionKind::Call => "call",
            ActionKind::Letter => "letter",
            ActionKind::RegisteredLetter => "registered_letter",
            ActionKind::FormalNotice => "formal_notice",
            ActionKind::CollectionAgency => "collection_agency",
            ActionKind::Legal => "legal",
        }
    }

    /// What the action is, in the README's words (its table of actions,
    /// held to this by a test): the language server's hover text.
    pub fn meaning(self) -> &'static str {
        match self {
            ActionKind::Email => "an e-mail",
            ActionKind::Sms => "a text message",
            ActionKind::Call => "a phone call",
            ActionKind::Letter => "a letter by post",
            ActionKind::RegisteredLetter => "a registered letter",
            ActionKind::FormalNotice => {
                "a formal notice (mise en demeure) by registered letter with acknowledgement of receipt"
            }
            ActionKind::CollectionAgency => "the claim is handed to a collection agency",
            ActionKind::Legal => "legal action (injonction de payer)",
        }
    }

    /// The names of every action, in the README's order.
    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        ActionKind::ALL.into_iter().map(ActionKind::as_str)
    }

    /// The action called `name`.
    pub fn parse(name: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// How firm the step is: e-mails, texts and calls are reminders, then
    /// letters, registered letters, the formal notice, and escalation.
    pub fn firmness(self) -> u8 {
        match self {
            ActionKind::Email | ActionKind::Sms | ActionKind::Call => 1,
            ActionKind::Letter => 2,
            ActionKind::RegisteredLetter => 3,
            ActionKind::FormalNotice => 4,
            ActionKind::CollectionAgency => 5,
            ActionKind::Legal => 6,
        }
    }

    /// Whether it reaches the customer: e-mails, texts, calls, letters and
    /// formal notices are contacts, which the cooldown spaces out and which
    /// `last_contact` counts. A hand-over to a collection agency or a court
    /// filing is not: the cooldown never holds it and it does not restart it.
    pub fn is_contact(self) -> bool {
        match self {
            ActionKind::Email
            | ActionKind::Sms
            | ActionKind::Call
            | ActionKind::Letter
            | ActionKind::RegisteredLetter
            | ActionKind::FormalNotice => true,
            ActionKind::CollectionAgency | ActionKind::Legal => false,
        }
    }

    /// Calls and postal mail happen on business days; e-mails and texts do not wait.
    pub fn needs_business_day(self) -> bool {
        !matches!(self, ActionKind::Email | ActionKind::Sms)
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A condition with every name resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Condition {
    /// Every part holds (`and`).
    All(Vec<Condition>),
    /// Some part holds (`or`).
    Any(Vec<Condition>),
    /// The part does not hold (`not`).
    Not(Box<Condition>),
    /// `fact op value`; the fact is always on the left.
    Compare {
        /// What is compared.
        fact: Fact,
        /// How.
        op: CmpOp,
        /// With what.
        value: Value,
    },
    /// `fact in [values]`
    In {
        /// What is compared.
        fact: Fact,
        /// The values it may equal.
        values: Vec<Value>,
    },
    /// A yes/no fact on its own.
    Flag(Fact),
    /// The rule with this index has already fired for the invoice.
    Fired(RuleIdx),
}

impl Condition {
    /// Calls `f` on every comparison of the condition, as `fact op value`;
    /// `fact in [a, b]` is `fact = a` and `fact = b`.
    pub fn visit_comparisons(&self, f: &mut dyn FnMut(Fact, CmpOp, &Value)) {
        match self {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|c| c.visit_comparisons(f))
            }
            Condition::Not(inner) => inner.visit_comparisons(f),
            Condition::Compare { fact, op, value } => f(*fact, *op, value),
            Condition::In { fact, values } => values.iter().for_each(|v| f(*fact, CmpOp::Eq, v)),
            Condition::Flag(_) | Condition::Fired(_) => {}
        }
    }

    /// Calls `f` on every fact the condition tests.
    pub fn visit_facts(&self, f: &mut dyn FnMut(Fact)) {
        match self {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|c| c.visit_facts(f))
            }
            Condition::Not(inner) => inner.visit_facts(f),
            Condition::Compare { fact, .. }
            | Condition::In { fact, .. }
            | Condition::Flag(fact) => f(*fact),
            Condition::Fired(_) => {}
        }
    }
}

/// A value a fact is compared with, typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A number of days.
    Days(i64),
    /// An amount in a currency.
    Money(Money),
    /// A number.
    Number(Decimal),
    /// A word or a text.
    Text(String),
    /// Yes or no.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
    /// The day evaluated.
    Today,
    /// A currency.
    Currency(Currency),
}

impl Value {
    /// The number of days, for a duration.
    pub fn days(&self) -> Option<i64> {
        match self {
            Value::Days(d) => Some(*d),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Days(d) if d.abs() == 1 => write!(f, "{d} day"),
            Value::Days(d) => write!(f, "{d} days"),
            Value::Money(m) => write!(f, "{m}"),
            Value::Number(n) => write!(f, "{}", n.normalize()),
            Value::Text(t) => f.write_str(t),
            Value::Bool(true) => f.write_str("yes"),
            Value::Bool(false) => f.write_str("no"),
            Value::Date(d) => write!(f, "{d}"),
            Value::Today => f.write_str("today"),
            Value::Currency(c) => write!(f, "{c}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The replay's figures index per-kind arrays by `kind as usize`.
    #[test]
    fn actions_are_listed_in_declaration_order() {
        for (i, kind) in ActionKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i, "{kind}");
            assert_eq!(ActionKind::parse(kind.as_str()), Some(kind));
        }
    }
}
