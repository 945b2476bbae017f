//! Name resolution and typing: AST conditions, settings and actions become
//! the checked policy's, or errors that say what is wrong and how to fix it.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{did_you_mean, CheckError};
use super::names::{self, Kind};
use crate::money::{parse_decimal, Currency, Money};
use crate::policy::*;
use crate::span::LineIndex;
use crate::syntax::ast::{self, LiteralKind, Span, StatementKind};

/// The longest duration a policy may state: ten years.
pub(crate) const MAX_DAYS: u64 = 3650;
/// The largest amount or number a policy may state.
pub(crate) const MAX_POLICY_NUMBER: i64 = 1_000_000_000_000;

pub(crate) struct Resolver<'s> {
    source: &'s str,
    pub errors: Vec<CheckError>,
    attributes: Vec<Attribute>,
    attribute_kinds: Vec<Kind>,
    attribute_index: HashMap<String, usize>,
    attribute_spans: Vec<Span>,
    /// Any `attribute` declaration switches to strict mode: every name must be known.
    strict: bool,
    rule_names: HashMap<String, (usize, Span)>,
    /// Some statements did not parse (their syntax errors are reported):
    /// names they may define are not reported as unknown.
    pub incomplete: bool,
}

impl<'s> Resolver<'s> {
    pub fn new(source: &'s str) -> Self {
        Resolver {
            source,
            errors: Vec::new(),
            attributes: Vec::new(),
            attribute_kinds: Vec::new(),
            attribute_index: HashMap::new(),
            attribute_spans: Vec::new(),
            strict: false,
            rule_names: HashMap::new(),
            incomplete: false,
        }
    }

    fn error(&mut self, e: CheckError) {
        self.errors.push(e);
    }

    /// First pass: attribute declarations and rule names, which later
    /// statements may refer to wherever they are in the file.
    pub fn declare(&mut self, policy: &ast::Policy) {
        for statement in policy.statements() {
            if let StatementKind::Attribute(decl) = &statement.kind {
                self.strict = true;
                self.declare_attribute(decl);
            }
        }
        for (index, rule) in policy.rules().enumerate() {
            let name = rule_name(rule, index);
            let span = rule.name.as_ref().map_or(rule.span, |n| n.span);
            if let Some((_, first)) = self.rule_names.get(&name) {
                let first = *first;
                self.error(CheckError::DuplicateRule {
                    name,
                    span: span.into(),
                    first: first.into(),
                });
            } else {
                self.rule_names.insert(name, (index, span));
            }
        }
    }

    fn declare_attribute(&mut self, decl: &ast::AttributeDecl) {
        let name = &decl.name.name;
        if Fact::named(name).is_some() {
            self.error(CheckError::ReservedName {
                name: name.clone(),
                what: "a built-in fact".into(),
                span: decl.name.span.into(),
                help: "built-in facts are always available: remove this declaration".into(),
            });
            return;
        }
        if names::RESERVED_COLUMNS.contains(&name.as_str()) {
            self.error(CheckError::ReservedName {
                name: name.clone(),
                what: "a column dunning reads itself".into(),
                span: decl.name.span.into(),
                help: "remove this declaration; rules use it through `overdue`, `due_in` and `age`"
                    .into(),
            });
            return;
        }
        if let Some(&i) = self.attribute_index.get(name) {
            let first = self.attribute_spans[i];
            self.error(CheckError::DuplicateAttribute {
                name: name.clone(),
                span: decl.name.span.into(),
                first: first.into(),
            });
            return;
        }
        let mut value_spans = Vec::new();
        let kind = match &decl.ty {
            ast::AttributeTypeExpr::Named(ty) => match names::type_kind(&ty.name) {
                Some(kind) => kind,
                None => {
                    let suggestion = names::closest(&ty.name, names::TYPES.iter().copied());
                    self.error(CheckError::UnknownType {
                        name: ty.name.clone(),
                        span: ty.span.into(),
                        help: did_you_mean(
                            suggestion,
                            &format!(
                                "the types are {}, or a list of values: `attribute {name} in [a, b]`",
                                names::quoted_and(names::TYPES.iter().copied())
                            ),
                        ),
                    });
                    return;
                }
            },
            ast::AttributeTypeExpr::OneOf(list) => {
                let mut values = Vec::new();
                for item in &list.items {
                    match &item.kind {
                        LiteralKind::Ident(v) | LiteralKind::String(v) => {
                            if !values.contains(v) {
                                values.push(v.clone());
                                value_spans.push(item.span);
                            }
                        }
                        _ => self.error(CheckError::TypeMismatch {
                            message: format!("the values of `{name}` must be words or texts in quotes"),
                            span: item.span.into(),
                            label: "not a word".into(),
                            help: Some(format!(
                                "for numbers, declare `attribute {name}: number` and compare with `<` or `>`"
                            )),
                        }),
                    }
                }
                Kind::OneOf(values)
            }
        };
        let spans = AttributeSpans {
            name: decl.name.span,
            values: value_spans,
        };
        self.add_attribute(name, kind, true, spans);
    }

    fn add_attribute(
        &mut self,
        name: &str,
        kind: Kind,
        declared: bool,
        spans: AttributeSpans,
    ) -> usize {
        let ty = match &kind {
            Kind::Text => AttrType::Text,
            Kind::Number => AttrType::Number,
            Kind::Money => AttrType::Money,
            Kind::Date => AttrType::Date,
            Kind::Bool => AttrType::Bool,
            Kind::OneOf(values) => AttrType::OneOf(values.clone()),
            // Never produced for attributes (see `kind_of_literal`).
            Kind::Days | Kind::Currency => AttrType::Text,
        };
        let index = self.attributes.len();
        self.attribute_kinds.push(kind);
        self.attribute_index.insert(name.to_string(), index);
        self.attribute_spans.push(spans.name);
        self.attributes.push(Attribute {
            name: name.to_string(),
            ty,
            declared,
            spans,
        });
        index
    }

    /// Second pass: every statement. Returns the policy when nothing failed.
    pub fn resolve(&mut self, policy: &ast::Policy) -> Option<Policy> {
        let settings = self.settings(policy);
        let mut pauses = Vec::new();
        let mut rules = Vec::new();
        let mut rule_index = 0;
        for statement in policy.statements() {
            match &statement.kind {
                StatementKind::Rule(rule) => {
                    if let Some(checked) = self.rule(rule, rule_index) {
                        rules.push(checked);
                    }
                    rule_index += 1;
                }
                StatementKind::Pause(pause) => {
                    let name = pause
                        .name
                        .as_ref()
                        .map_or_else(|| format!("pause-{}", pauses.len() + 1), |n| n.name.clone());
                    if let Some(condition) = self.condition(&pause.condition) {
                        pauses.push(Pause {
                            name,
                            condition,
                            span: pause.span,
                        });
                    }
                }
                StatementKind::Setting(_) | StatementKind::Attribute(_) => {}
            }
        }
        if !self.errors.is_empty() {
            return None;
        }
        Some(Policy {
            settings,
            attributes: self.attributes.clone(),
            pauses,
            rules,
            lines: LineIndex::new(self.source),
        })
    }

    fn rule(&mut self, rule: &ast::RuleStmt, index: usize) -> Option<Rule> {
        let condition = self.condition(&rule.condition);
        let action = self.action(&rule.action);
        let repeat_days = match &rule.repeat {
            None => Some(None),
            Some(lit) => self.days(lit, "a repeat interval").and_then(|d| {
                if d == 0 {
                    self.error(CheckError::OutOfRange {
                        what: "repeat interval".into(),
                        text: self.text(lit.span).to_string(),
                        span: lit.span.into(),
                        limit: "at least 1 day".into(),
                        help: Some(
                            "write `repeat every 7d`, or remove `repeat` to fire once".into(),
                        ),
                    });
                    None
                } else {
                    Some(Some(d as u32))
                }
            }),
        };
        Some(Rule {
            name: rule_name(rule, index),
            condition: condition?,
            action: action?,
            repeat_days: repeat_days?,
            spans: RuleSpans {
                statement: rule.span,
                name: rule.name.as_ref().map(|n| n.span),
                condition: rule.condition.span,
                action: rule.action.span,
                repeat: rule.repeat.as_ref().map(|r| r.span),
            },
        })
    }

    fn action(&mut self, action: &ast::Action) -> Option<Action> {
        let Some(kind) = ActionKind::parse(&action.name.name) else {
            let suggestion = names::closest(&action.name.name, names::action_names());
            self.error(CheckError::UnknownAction {
                name: action.name.name.clone(),
                span: action.name.span.into(),
                help: did_you_mean(
                    suggestion,
                    &format!(
                        "the actions are {}",
                        names::quoted_and(names::action_names())
                    ),
                ),
            });
            return None;
        };
        let params = action
            .params
            .iter()
            .map(|p| (p.name.name.clone(), literal_text(&p.value)))
            .collect();
        Some(Action {
            kind,
            template: action.template.as_ref().map(|t| t.name.clone()),
            params,
        })
    }

    // ───────────── settings ─────────────

    fn settings(&mut self, policy: &ast::Policy) -> Settings {
        let mut settings = Settings::default();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for statement in policy.statements() {
            let StatementKind::Setting(setting) = &statement.kind else {
                continue;
            };
            let name = setting.name.name.as_str();
            let Some((_, expected, _)) = names::SETTINGS.iter().find(|(n, _, _)| *n == name) else {
                let suggestion = names::closest(name, names::SETTINGS.iter().map(|s| s.0));
                self.error(CheckError::UnknownSetting {
                    name: name.to_string(),
                    span: setting.name.span.into(),
                    help: did_you_mean(
                        suggestion,
                        &format!(
                            "the settings are {}",
                            names::quoted_and(names::SETTINGS.iter().map(|s| s.0))
                        ),
                    ),
                });
                continue;
            };
            if let Some(first) = seen.get(name) {
                self.error(CheckError::DuplicateSetting {
                    name: name.to_string(),
                    span: setting.span.into(),
                    first: (*first).into(),
                });
                continue;
            }
            seen.insert(name, setting.span);
            let ast::SettingValue::One(value) = &setting.value else {
                self.invalid_setting(name, setting.value.span(), expected, None);
                continue;
            };
            match (name, &value.kind) {
                ("cooldown", LiteralKind::Duration { .. }) => {
                    if let Some(d) = self.days(value, "a cooldown") {
                        if d > 365 {
                            self.out_of_range("cooldown", value.span, "at most 365 days", None);
                        } else {
                            settings.cooldown_days = d as u32;
                        }
                    }
                }
                ("calendar", LiteralKind::Ident(c) | LiteralKind::String(c)) => match c.as_str() {
                    "france" => settings.calendar = CalendarKind::France,
                    "none" => settings.calendar = CalendarKind::None,
                    other => {
                        let help = names::closest(other, ["france", "none"])
                            .map(|s| format!("did you mean `{s}`?"));
                        self.invalid_setting(name, value.span, expected, help);
                    }
                },
                ("minimum_amount" | "indemnity", LiteralKind::Money { .. }) => {
                    if let Some(money) = self.money(value) {
                        if name == "indemnity" {
                            settings.indemnity = Some(money);
                        } else {
                            settings.minimum_amount = Some(money);
                        }
                    }
                }
                ("interest_rate", LiteralKind::Percent(p)) => match parse_decimal(p) {
                    Some(rate) if rate <= Decimal::ONE_HUNDRED => {
                        settings.interest_rate = Some(rate)
                    }
                    _ => self.out_of_range(
                        "interest rate",
                        value.span,
                        "at most 100%",
                        Some(
                            "the French default is the ECB rate plus 10 points, e.g. `12.15%`"
                                .into(),
                        ),
                    ),
                },
                ("pause_disputed", LiteralKind::Bool(b)) => settings.pause_disputed = *b,
                _ => self.invalid_setting(name, value.span, expected, None),
            }
        }
        settings
    }

    fn invalid_setting(&mut self, name: &str, span: Span, expected: &str, help: Option<String>) {
        let value = self.text(span);
        let number = parse_decimal(value).map(|_| value);
        let example = match (name, number) {
            ("cooldown", Some(n)) => format!("{n}d"),
            ("interest_rate", Some(n)) => format!("{n}%"),
            ("minimum_amount" | "indemnity", Some(n)) => format!("{n} EUR"),
            ("cooldown", None) => "7d".into(),
            ("calendar", None) => "france".into(),
            ("minimum_amount", None) => "20 EUR".into(),
            ("interest_rate", None) => "12.15%".into(),
            ("indemnity", None) => "40 EUR".into(),
            _ => "yes".into(),
        };
        let list = value.starts_with('[');
        self.error(CheckError::InvalidSetting {
            setting: name.to_string(),
            value: value.to_string(),
            span: span.into(),
            expected: expected.to_string(),
            help: help.or_else(|| {
                Some(if list {
                    format!("a setting takes one value, not a list: `set {name} = {example}`")
                } else {
                    format!("write `set {name} = {example}`")
                })
            }),
        });
    }

    fn out_of_range(&mut self, what: &str, span: Span, limit: &str, help: Option<String>) {
        self.error(CheckError::OutOfRange {
            what: what.to_string(),
            text: self.text(span).to_string(),
            span: span.into(),
            limit: limit.to_string(),
            help,
        });
    }

    // ───────────── conditions ─────────────

    fn condition(&mut self, condition: &ast::Condition) -> Option<Condition> {
        use ast::ConditionKind as K;
        match &condition.kind {
            K::And(items) | K::Or(items) => {
                // Resolve every operand, even after a failure, to report everything.
                let resolved: Vec<Option<Condition>> =
                    items.iter().map(|c| self.condition(c)).collect();
                let resolved: Option<Vec<Condition>> = resolved.into_iter().collect();
                let resolved = resolved?;
                Some(if matches!(condition.kind, K::And(_)) {
                    Condition::All(resolved)
                } else {
                    Condition::Any(resolved)
                })
            }
            K::Not(inner) => Some(Condition::Not(Box::new(self.condition(inner)?))),
            K::Compare(cmp) => self.comparison(cmp, condition.span),
            K::Member(member) => self.membership(member),
            K::Fired(name) => match self.rule_names.get(&name.name) {
                Some((index, _)) => Some(Condition::Fired(RuleIdx::new(*index))),
                // Named by a rule that did not parse: its syntax error says enough.
                None if self.defined_in_broken_statement("rule", &name.name) => None,
                None => {
                    let suggestion =
                        names::closest(&name.name, self.rule_names.keys().map(String::as_str));
                    let known: Vec<&str> = {
                        let mut k: Vec<_> = self.rule_names.iter().collect();
                        k.sort_by_key(|(_, (i, _))| *i);
                        k.into_iter().map(|(n, _)| n.as_str()).take(8).collect()
                    };
                    self.error(CheckError::UnknownStep {
                        name: name.name.clone(),
                        span: name.span.into(),
                        help: did_you_mean(
                            suggestion,
                            &if known.is_empty() {
                                "name a rule with `rule NAME: when …` to refer to it".to_string()
                            } else {
                                format!("the named rules are {}", names::quoted_and(known))
                            },
                        ),
                    });
                    None
                }
            },
            K::Flag(name) => {
                let (fact, kind) = self.subject(name, Some(Kind::Bool))?;
                if kind != Kind::Bool {
                    self.error(CheckError::TypeMismatch {
                        message: format!("`{}` is {}, not yes or no", name.name, kind.describe()),
                        span: name.span.into(),
                        label: "needs a comparison".into(),
                        help: Some(format!("compare it with {}", kind.example())),
                    });
                    return None;
                }
                Some(Condition::Flag(fact))
            }
        }
    }

    fn comparison(&mut self, cmp: &ast::Comparison, span: Span) -> Option<Condition> {
        let is_subject = |l: &ast::Literal| matches!(l.kind, LiteralKind::Ident(_));
        let (subject, op, value) = if is_subject(&cmp.lhs) {
            (&cmp.lhs, cmp.op, &cmp.rhs)
        } else if is_subject(&cmp.rhs) {
            (&cmp.rhs, cmp.op.flipped(), &cmp.lhs)
        } else {
            self.error(CheckError::InvalidComparison {
                text: self.text(span).to_string(),
                reason: "both sides are values".into(),
                span: span.into(),
                help: Some("compare a fact or an attribute with a value: `overdue > 15d`".into()),
            });
            return None;
        };
        let LiteralKind::Ident(subject_name) = &subject.kind else {
            return None;
        };
        if let LiteralKind::Ident(other) = &value.kind {
            if Fact::named(other).is_some() {
                self.error(CheckError::InvalidComparison {
                    text: self.text(span).to_string(),
                    reason: "both sides are facts".into(),
                    span: span.into(),
                    help: Some("compare a fact with a value: `overdue > 15d`".into()),
                });
                return None;
            }
        }
        let ident = ast::Ident {
            name: subject_name.clone(),
            span: subject.span,
        };
        let (fact, kind) = self.subject(&ident, kind_of_literal(value))?;
        if !kind.is_ordered() && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            self.error(CheckError::TypeMismatch {
                message: format!(
                    "`{}` is {} and cannot be compared with `{}`",
                    subject_name,
                    kind.describe(),
                    op
                ),
                span: cmp.op_span.into(),
                label: format!("`{op}` compares days, amounts, numbers or dates"),
                help: Some(format!(
                    "use `=`, `!=` or `in [..]` with {}",
                    kind.example()
                )),
            });
            return None;
        }
        let value = self.value(&kind, value, subject_name)?;
        Some(Condition::Compare { fact, op, value })
    }

    fn membership(&mut self, member: &ast::Membership) -> Option<Condition> {
        let hint = member.list.items.first().and_then(kind_of_literal);
        let (fact, kind) = self.subject(&member.subject, hint)?;
        let mut values = Vec::new();
        let mut ok = true;
        for item in &member.list.items {
            match self.value(&kind, item, &member.subject.name) {
                Some(v) => values.push(v),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let test = Condition::In { fact, values };
        Some(if member.negated {
            Condition::Not(Box::new(test))
        } else {
            test
        })
    }

    /// Resolves the name a condition is about: a built-in fact, a declared
    /// attribute, or (when nothing is declared) a column of the data whose
    /// type is taken from the value it is compared with.
    fn subject(&mut self, name: &ast::Ident, hint: Option<Kind>) -> Option<(Fact, Kind)> {
        if let Some(built_in) = Fact::named(&name.name).and_then(|f| Some((f, f.built_in()?))) {
            return Some((built_in.0, names::fact_kind(built_in.1.kind)));
        }
        if let Some(&i) = self.attribute_index.get(&name.name) {
            return Some((
                Fact::Attribute(AttrIdx::new(i)),
                self.attribute_kinds[i].clone(),
            ));
        }
        let fact_names = names::fact_names();
        if self.strict && self.defined_in_broken_statement("attribute", &name.name) {
            return None;
        }
        if self.strict {
            let mut candidates: Vec<&str> = fact_names.collect();
            candidates.extend(
                self.attributes
                    .iter()
                    .filter(|a| a.declared)
                    .map(|a| a.name.as_str()),
            );
            let suggestion = names::closest(&name.name, candidates).map(str::to_string);
            self.error(CheckError::UnknownAttribute {
                name: name.name.clone(),
                span: name.span.into(),
                help: did_you_mean(
                    suggestion.as_deref(),
                    &format!(
                        "if it is a column of the invoice file, declare it: `attribute {}: text`",
                        name.name
                    ),
                ),
            });
            return None;
        }
        let typo = names::closest(&name.name, fact_names.clone())
            .filter(|s| strsim::damerau_levenshtein(&name.name, s) <= 2 && name.name.len() >= 4);
        if typo.is_some() || hint == Some(Kind::Days) {
            let valid = if hint == Some(Kind::Days) {
                format!(
                    "only built-in facts count days: {}",
                    names::quoted_and(Fact::day_counts())
                )
            } else {
                format!(
                    "the facts are {}; a column of the invoice file can be declared with `attribute {}: text`",
                    names::quoted_and(fact_names),
                    name.name
                )
            };
            self.error(CheckError::UnknownFact {
                name: name.name.clone(),
                span: name.span.into(),
                help: did_you_mean(typo, &valid),
            });
            return None;
        }
        let kind = hint.unwrap_or(Kind::Text);
        let spans = AttributeSpans {
            name: name.span,
            values: Vec::new(),
        };
        let index = self.add_attribute(&name.name, kind.clone(), false, spans);
        Some((Fact::Attribute(AttrIdx::new(index)), kind))
    }

    /// Types `literal` as a value of `kind`, reporting a mismatch in the words of `subject`.
    fn value(&mut self, kind: &Kind, literal: &ast::Literal, subject: &str) -> Option<Value> {
        let mismatch = |this: &mut Self| {
            let found = describe_literal(&literal.kind);
            this.error(CheckError::TypeMismatch {
                message: format!(
                    "`{subject}` is {} but `{}` is {found}",
                    kind.describe(),
                    this.text(literal.span)
                ),
                span: literal.span.into(),
                label: found.to_string(),
                help: Some(match (kind, &literal.kind) {
                    (Kind::Days, LiteralKind::Number(n)) => {
                        format!("add a unit: `{n}d` for days, `{n}w` for weeks")
                    }
                    (Kind::Money, LiteralKind::Number(n)) => {
                        format!("add a currency: `{n} EUR`")
                    }
                    _ => format!("compare `{subject}` with {}", kind.example()),
                }),
            });
            None
        };
        match (kind, &literal.kind) {
            (Kind::Days, LiteralKind::Duration { .. }) => self
                .days(literal, "a duration")
                .map(|d| Value::Days(d as i64)),
            (Kind::Money, LiteralKind::Money { .. }) => self.money(literal).map(Value::Money),
            (Kind::Number, LiteralKind::Number(n)) => {
                self.number(n, literal.span).map(Value::Number)
            }
            (Kind::Text, LiteralKind::Ident(t) | LiteralKind::String(t)) => {
                Some(Value::Text(t.clone()))
            }
            (Kind::Bool, LiteralKind::Bool(b)) => Some(Value::Bool(*b)),
            (Kind::Date, LiteralKind::Today) => Some(Value::Today),
            (Kind::Date, LiteralKind::Date(d)) => self.date(d, literal.span).map(Value::Date),
            (Kind::Currency, LiteralKind::Ident(c) | LiteralKind::String(c)) => {
                self.currency(c, literal.span).map(Value::Currency)
            }
            (Kind::OneOf(values), LiteralKind::Ident(v) | LiteralKind::String(v)) => {
                if values.contains(v) {
                    Some(Value::Text(v.clone()))
                } else {
                    let declared_at = self
                        .attribute_index
                        .get(subject)
                        .map(|&i| self.attribute_spans[i].into());
                    let suggestion = names::closest(v, values.iter().map(String::as_str));
                    self.error(CheckError::UndeclaredValue {
                        value: v.clone(),
                        attribute: subject.to_string(),
                        span: literal.span.into(),
                        declared_at,
                        help: did_you_mean(
                            suggestion,
                            &format!(
                                "`{subject}` is one of {}; add `{v}` to its declaration if it is a new value",
                                names::quoted_list(values.iter().map(String::as_str))
                            ),
                        ),
                    });
                    None
                }
            }
            _ => mismatch(self),
        }
    }

    fn days(&mut self, literal: &ast::Literal, what: &str) -> Option<u64> {
        let LiteralKind::Duration { count, unit } = &literal.kind else {
            self.error(CheckError::TypeMismatch {
                message: format!("expected {what}, found `{}`", self.text(literal.span)),
                span: literal.span.into(),
                label: describe_literal(&literal.kind).into(),
                help: Some("durations are written `15d` (days) or `2w` (weeks)".into()),
            });
            return None;
        };
        let factor = match unit {
            ast::DurationUnit::Days => 1,
            ast::DurationUnit::Weeks => 7,
        };
        match count
            .parse::<u64>()
            .ok()
            .and_then(|c| c.checked_mul(factor))
        {
            Some(days) if days <= MAX_DAYS => Some(days),
            _ => {
                self.out_of_range(
                    "duration",
                    literal.span,
                    "more than 10 years (3650 days)",
                    Some("durations go up to `3650d`".into()),
                );
                None
            }
        }
    }

    fn money(&mut self, literal: &ast::Literal) -> Option<Money> {
        let LiteralKind::Money { amount, currency } = &literal.kind else {
            return None;
        };
        let currency_span = {
            let len = currency.len();
            Span::new(literal.span.end - len, literal.span.end)
        };
        let currency = self.currency(currency, currency_span);
        let (number, factor) = match amount.strip_suffix(['k', 'K']) {
            Some(n) => (n, Decimal::ONE_THOUSAND),
            None => match amount.strip_suffix('M') {
                Some(n) => (n, Decimal::from(1_000_000)),
                None => (amount.as_str(), Decimal::ONE),
            },
        };
        let amount_span = Span::new(literal.span.start, literal.span.start + amount.len());
        let value = parse_decimal(number).and_then(|n| n.checked_mul(factor));
        match value {
            Some(v) if v <= Decimal::from(MAX_POLICY_NUMBER) => Some(Money::new(v, currency?)),
            _ => {
                self.out_of_range("amount", amount_span, "more than 1,000,000,000,000", None);
                None
            }
        }
    }

    fn number(&mut self, text: &str, span: Span) -> Option<Decimal> {
        match parse_decimal(text) {
            Some(n) if n <= Decimal::from(MAX_POLICY_NUMBER) => Some(n),
            _ => {
                self.out_of_range("number", span, "more than 1,000,000,000,000", None);
                None
            }
        }
    }

    fn date(&mut self, text: &str, span: Span) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(CheckError::InvalidDate {
                    text: text.to_string(),
                    span: span.into(),
                });
                None
            }
        }
    }

    fn currency(&mut self, code: &str, span: Span) -> Option<Currency> {
        if let Some(c) = Currency::parse(code) {
            return Some(c);
        }
        let upper = code.to_ascii_uppercase();
        let help = if Currency::parse(&upper).is_some() {
            format!("currency codes are written in capitals: `{upper}`")
        } else {
            let common = [
                "EUR", "USD", "GBP", "CHF", "JPY", "CAD", "SEK", "NOK", "DKK", "PLN",
            ];
            did_you_mean(
                names::closest(&upper, common)
                    .filter(|c| strsim::damerau_levenshtein(&upper, c) <= 1),
                "use a three-letter ISO 4217 code such as `EUR`, `USD` or `GBP`",
            )
        };
        self.error(CheckError::UnknownCurrency {
            code: code.to_string(),
            span: span.into(),
            help,
        });
        None
    }

    /// Whether, in a file where some statements did not parse, a line
    /// starts with `KEYWORD NAME` (`rule first:`, `attribute segment`): the
    /// name then exists, in a statement already reported as broken.
    fn defined_in_broken_statement(&self, keyword: &str, name: &str) -> bool {
        self.incomplete
            && self.source.lines().any(|line| {
                let Some(rest) = line.trim_start().strip_prefix(keyword) else {
                    return false;
                };
                let rest = rest.trim_start();
                let rest = rest
                    .strip_prefix('"')
                    .and_then(|r| r.strip_prefix(name))
                    .and_then(|r| r.strip_prefix('"'))
                    .or_else(|| rest.strip_prefix(name));
                rest.is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
            })
    }

    fn text(&self, span: Span) -> &'s str {
        self.source.get(span.start..span.end).unwrap_or("")
    }
}

/// The name of the `index`-th rule (0-based): its own, or `rule-N`.
pub(crate) fn rule_name(rule: &ast::RuleStmt, index: usize) -> String {
    rule.name
        .as_ref()
        .map_or_else(|| format!("rule-{}", index + 1), |n| n.name.clone())
}

/// The kind an undeclared attribute takes from the value it is compared with.
fn kind_of_literal(literal: &ast::Literal) -> Option<Kind> {
    Some(match literal.kind {
        LiteralKind::Ident(_) | LiteralKind::String(_) => Kind::Text,
        LiteralKind::Number(_) => Kind::Number,
        LiteralKind::Money { .. } => Kind::Money,
        LiteralKind::Date(_) | LiteralKind::Today => Kind::Date,
        LiteralKind::Bool(_) => Kind::Bool,
        LiteralKind::Duration { .. } => Kind::Days,
        LiteralKind::Percent(_) => return None,
    })
}

fn describe_literal(kind: &LiteralKind) -> &'static str {
    match kind {
        LiteralKind::Ident(_) => "a word",
        LiteralKind::Number(_) => "a number",
        LiteralKind::Duration { .. } => "a number of days",
        LiteralKind::Money { .. } => "an amount of money",
        LiteralKind::Percent(_) => "a percentage",
        LiteralKind::Date(_) => "a date",
        LiteralKind::String(_) => "a text",
        LiteralKind::Bool(_) => "yes or no",
        LiteralKind::Today => "a date",
    }
}

fn literal_text(literal: &ast::Literal) -> String {
    match &literal.kind {
        LiteralKind::Ident(s)
        | LiteralKind::String(s)
        | LiteralKind::Number(s)
        | LiteralKind::Date(s) => s.clone(),
        LiteralKind::Duration { count, unit } => format!("{count}{}", unit.suffix()),
        LiteralKind::Money { amount, currency } => format!("{amount} {currency}"),
        LiteralKind::Percent(p) => format!("{p}%"),
        LiteralKind::Bool(true) => "yes".into(),
        LiteralKind::Bool(false) => "no".into(),
        LiteralKind::Today => "today".into(),
    }
}
