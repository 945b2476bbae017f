//! Name resolution and typing: the statements of the AST become the checked
//! policy's, or diagnostics that say what is wrong and how to fix it.
//!
//! Every resolver returns `Result<_, Reported>`: a statement that cannot be
//! checked is dropped only with the proof that a diagnostic says why (see
//! `super::reported`). The work is split by what is resolved: declarations
//! and statements here, `settings`, `conditions`, and literal `values`.

mod conditions;
mod settings;
mod values;

pub use settings::SettingDoc;
pub(crate) use settings::SettingName;

use std::collections::HashMap;

use super::error::{did_you_mean, CheckError};
use super::names::{self, Kind};
use super::reported::{Diagnostics, Reported};
use crate::policy::*;
use crate::span::{LineIndex, Span};
use crate::syntax::ast::{self, LiteralKind, StatementKind};
use crate::syntax::Parsed;

pub(crate) struct Resolver<'p> {
    source: &'p str,
    pub(crate) diagnostics: Diagnostics<'p>,
    attributes: Vec<Attribute>,
    attribute_kinds: Vec<Kind>,
    attribute_index: HashMap<String, usize>,
    /// Any `attribute` declaration switches to strict mode: every name must be known.
    strict: bool,
    rule_names: HashMap<String, (usize, Span)>,
    /// The legal rates a fixed interest rate is held to (`rate-below-floor`).
    pub(crate) rates: &'p crate::penalty::Rates,
}

impl<'p> Resolver<'p> {
    pub(crate) fn new(parsed: &'p Parsed) -> Self {
        Resolver {
            rates: crate::penalty::Rates::builtin(),
            source: parsed.source(),
            diagnostics: Diagnostics::new(&parsed.broken),
            attributes: Vec::new(),
            attribute_kinds: Vec::new(),
            attribute_index: HashMap::new(),
            strict: false,
            rule_names: HashMap::new(),
        }
    }

    /// Records a diagnostic; the proof goes to a resolver that gives up.
    fn report(&mut self, e: CheckError) -> Reported {
        self.diagnostics.report(e)
    }

    /// First pass: attribute declarations and rule names, which later
    /// statements may refer to wherever they are in the file.
    pub(crate) fn declare(&mut self, policy: &ast::Policy) {
        for statement in policy.statements() {
            if let StatementKind::Attribute(decl) = &statement.kind {
                self.strict = true;
                // A declaration that fails is reported; its statement is
                // not part of the policy either way.
                let _ = self.declare_attribute(decl);
            }
        }
        for (index, rule) in policy.rules().enumerate() {
            let name = rule_name(rule, index);
            let span = rule.name.as_ref().map_or(rule.span, |n| n.span);
            if let Some((_, first)) = self.rule_names.get(&name) {
                let first = *first;
                let _ = self.report(CheckError::DuplicateRule {
                    name,
                    span: span.into(),
                    first: first.into(),
                });
            } else {
                self.rule_names.insert(name, (index, span));
            }
        }
        // Former names (`rule b (was a):`) name no rule of the policy, and
        // each belongs to one rule: the history of `a` must count as one
        // step's, of a rule that is no longer there.
        let mut claimed: HashMap<&str, Span> = HashMap::new();
        for (index, rule) in policy.rules().enumerate() {
            for old in &rule.was {
                if let Some((_, existing)) = self.rule_names.get(&old.name) {
                    let existing = *existing;
                    let _ = self.report(CheckError::RenamedRuleExists {
                        name: old.name.clone(),
                        rule: rule_name(rule, index),
                        span: old.span.into(),
                        existing: existing.into(),
                    });
                } else if let Some(first) = claimed.get(old.name.as_str()) {
                    let first = *first;
                    let _ = self.report(CheckError::DuplicateRename {
                        name: old.name.clone(),
                        span: old.span.into(),
                        first: first.into(),
                    });
                } else {
                    claimed.insert(&old.name, old.span);
                }
            }
        }
    }

    fn declare_attribute(&mut self, decl: &ast::AttributeDecl) -> Result<(), Reported> {
        let name = &decl.name.name;
        if Fact::named(name).is_some() {
            return Err(self.report(CheckError::ReservedName {
                name: name.clone(),
                what: "a built-in fact".into(),
                span: decl.name.span.into(),
                help: "built-in facts are always available: remove this declaration".into(),
            }));
        }
        if names::RESERVED_COLUMNS.contains(&name.as_str()) {
            return Err(self.report(CheckError::ReservedName {
                name: name.clone(),
                what: "a column dunning reads itself".into(),
                span: decl.name.span.into(),
                help: "remove this declaration; rules use it through `overdue`, `due_in` and `age`"
                    .into(),
            }));
        }
        if let Some(&i) = self.attribute_index.get(name) {
            let first = self.attributes[i].spans.name;
            return Err(self.report(CheckError::DuplicateAttribute {
                name: name.clone(),
                span: decl.name.span.into(),
                first: first.into(),
            }));
        }
        let mut value_spans = Vec::new();
        let kind = match &decl.ty {
            ast::AttributeTypeExpr::Named(ty) => match names::type_kind(&ty.name) {
                Some(kind) => kind,
                None => {
                    let suggestion = names::closest(&ty.name, names::TYPES.iter().copied());
                    return Err(self.report(CheckError::UnknownType {
                        name: ty.name.clone(),
                        span: ty.span.into(),
                        help: did_you_mean(
                            suggestion,
                            &format!(
                                "the types are {}, or a list of values: `attribute {name} in [a, b]`",
                                names::quoted_and(names::TYPES.iter().copied())
                            ),
                        ),
                    }));
                }
            },
            ast::AttributeTypeExpr::OneOf(list) => {
                let mut values = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for item in &list.items {
                    match &item.kind {
                        LiteralKind::Ident(v) | LiteralKind::String(v) => {
                            if seen.insert(v.as_str()) {
                                values.push(v.clone());
                                value_spans.push(item.span);
                            }
                        }
                        // Reported; the attribute keeps its other values,
                        // so that its uses are still checked.
                        _ => {
                            let _ = self.report(CheckError::TypeMismatch {
                                message: format!(
                                    "the values of `{name}` must be words or texts in quotes"
                                ),
                                span: item.span.into(),
                                label: "not a word".into(),
                                help: Some(format!(
                                    "for numbers, declare `attribute {name}: number` and compare with `<` or `>`"
                                )),
                            });
                        }
                    }
                }
                Kind::OneOf(std::sync::Arc::new(names::OneOf::new(values)))
            }
        };
        let spans = AttributeSpans {
            name: decl.name.span,
            values: value_spans,
        };
        self.add_attribute(name, kind, true, spans);
        Ok(())
    }

    fn add_attribute(
        &mut self,
        name: &str,
        kind: Kind,
        declared: bool,
        spans: AttributeSpans,
    ) -> AttrIdx {
        let ty = match &kind {
            Kind::Text => AttrType::Text,
            Kind::Number => AttrType::Number,
            Kind::Money => AttrType::Money,
            Kind::Date => AttrType::Date,
            Kind::Bool => AttrType::Bool,
            Kind::OneOf(one_of) => AttrType::OneOf(one_of.values.clone()),
            // Never produced for attributes (see `values::kind_of_literal`).
            Kind::Days | Kind::Currency => AttrType::Text,
        };
        let index = self.attributes.len();
        self.attribute_kinds.push(kind);
        self.attribute_index.insert(name.to_string(), index);
        self.attributes.push(Attribute {
            name: name.to_string(),
            ty,
            declared,
            spans,
        });
        AttrIdx::new(index)
    }

    /// Second pass: every statement. The policy, when nothing was reported.
    pub(crate) fn resolve(&mut self, policy: &ast::Policy) -> Result<Policy, Reported> {
        let settings = self.settings(policy);
        let mut pauses = Vec::new();
        let mut rules = Vec::new();
        let mut scope: Option<Scope> = None;
        let mut rule_index = 0;
        for statement in policy.statements() {
            match &statement.kind {
                StatementKind::Rule(rule) => {
                    // A rule that fails is reported; the policy is not made.
                    if let Ok(checked) = self.rule(rule, rule_index) {
                        rules.push(checked);
                    }
                    rule_index += 1;
                }
                StatementKind::Pause(pause) => {
                    let name = pause
                        .name
                        .as_ref()
                        .map_or_else(|| format!("pause-{}", pauses.len() + 1), |n| n.name.clone());
                    let printable = match &pause.name {
                        Some(n) => self.printable("pause name", &n.name, n.span),
                        None => Ok(()),
                    };
                    let condition = self.condition(&pause.condition);
                    if let (Ok(()), Ok(condition)) = (printable, condition) {
                        pauses.push(Pause {
                            name,
                            condition,
                            span: pause.span,
                        });
                    }
                }
                StatementKind::Scope(decl) => {
                    if let Some(first) = &scope {
                        let first = first.span;
                        let _ = self.report(CheckError::DuplicateScope {
                            span: decl.span.into(),
                            first: first.into(),
                        });
                    } else if let Ok(checked) = self.scope(decl) {
                        scope = Some(checked);
                    }
                }
                StatementKind::Setting(_) | StatementKind::Attribute(_) => {}
            }
        }
        self.diagnostics.failed()?;
        Ok(Policy {
            settings,
            attributes: self.attributes.clone(),
            pauses,
            rules,
            scope,
            lines: LineIndex::new(self.source),
        })
    }

    fn rule(&mut self, rule: &ast::RuleStmt, index: usize) -> Result<Rule, Reported> {
        // Every part is resolved, even after a failure, to report everything.
        let name = match &rule.name {
            Some(n) => self
                .printable("rule name", &n.name, n.span)
                .and_then(|()| self.trimmed("rule name", &n.name, n.span)),
            None => Ok(()),
        };
        let mut was = Ok(());
        for old in &rule.was {
            let checked = self
                .printable("rule name", &old.name, old.span)
                .and_then(|()| self.trimmed("rule name", &old.name, old.span));
            was = was.and(checked);
        }
        let condition = self.condition(&rule.condition);
        let action = self.action(&rule.action);
        let repeat_days = match &rule.repeat {
            None => Ok(None),
            Some(lit) => self.repeat(lit).map(Some),
        };
        name?;
        was?;
        Ok(Rule {
            name: rule_name(rule, index),
            was: rule.was.iter().map(|n| n.name.clone()).collect(),
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

    /// `scope ATTRIBUTE in [values]`: the attribute must be declared with
    /// a list of values, so that the route of an invoice is known from its
    /// row alone and never changes during a run.
    fn scope(&mut self, decl: &ast::ScopeDecl) -> Result<Scope, Reported> {
        let subject = &decl.test.subject;
        let declared = self
            .attribute_index
            .get(&subject.name)
            .copied()
            .filter(|&i| matches!(self.attribute_kinds[i], Kind::OneOf(_)));
        let Some(index) = declared else {
            let (label, help) = if Fact::named(&subject.name)
                .is_some_and(|f| f.built_in().is_some())
            {
                (
                    "a built-in fact, which may change from day to day".to_string(),
                    "route with an attribute of the invoices, such as `scope segment in [strategic, key]`".to_string(),
                )
            } else {
                (
                    "not an attribute declared with a list of values".to_string(),
                    format!(
                        "declare it with its values: `attribute {} in [a, b]`",
                        subject.name
                    ),
                )
            };
            return Err(self.report(CheckError::InvalidScope {
                name: subject.name.clone(),
                span: subject.span.into(),
                label,
                help,
            }));
        };
        // The values are checked as in a condition (undeclared values, types).
        let kind = self.attribute_kinds[index].clone();
        let values: Vec<Result<_, Reported>> = decl
            .test
            .list
            .items
            .iter()
            .map(|item| self.value(&kind, item, &subject.name))
            .collect();
        let values = values
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter_map(|v| match v {
                crate::policy::Value::Text(t) => Some(t),
                _ => None,
            })
            .collect();
        Ok(Scope {
            attribute: AttrIdx::new(index),
            values,
            negated: decl.test.negated,
            span: decl.span,
        })
    }

    /// `repeat every N`: at least a day.
    fn repeat(&mut self, lit: &ast::Literal) -> Result<u32, Reported> {
        match self.days(lit, "a repeat interval")? {
            0 => Err(self.report(CheckError::OutOfRange {
                what: "repeat interval".into(),
                text: self.text(lit.span).to_string(),
                span: lit.span.into(),
                limit: "at least 1 day".into(),
                help: Some("write `repeat every 7d`, or remove `repeat` to fire once".into()),
            })),
            // At most `MAX_DAYS`, checked by `days`.
            d => Ok(u32::try_from(d).unwrap_or(u32::MAX)),
        }
    }

    fn action(&mut self, action: &ast::Action) -> Result<Action, Reported> {
        let Some(kind) = ActionKind::parse(&action.name.name) else {
            let suggestion = names::closest(&action.name.name, names::action_names());
            return Err(self.report(CheckError::UnknownAction {
                name: action.name.name.clone(),
                span: action.name.span.into(),
                help: did_you_mean(
                    suggestion,
                    &format!(
                        "the actions are {}",
                        names::quoted_and(names::action_names())
                    ),
                ),
            }));
        };
        // The penalties come from the settings and the law: a parameter
        // that looks like it changes them would be carried along unread.
        if let Some(p) = action
            .params
            .iter()
            .find(|p| PENALTY_PARAMS.contains(&p.name.name.as_str()))
        {
            return Err(self.report(CheckError::PenaltyParameter {
                name: p.name.name.clone(),
                span: p.span.into(),
            }));
        }
        let mut printable = match &action.template {
            Some(t) => self
                .printable("template", &t.name, t.span)
                .and_then(|()| self.trimmed("template", &t.name, t.span)),
            None => Ok(()),
        };
        for p in &action.params {
            if let LiteralKind::String(text) = &p.value.kind {
                printable = printable.and(self.printable(
                    &format!("value of `{}`", p.name.name),
                    text,
                    p.value.span,
                ));
            }
        }
        printable?;
        let params = action
            .params
            .iter()
            .map(|p| Param {
                name: p.name.name.clone(),
                value: values::literal_text(&p.value),
                attribute: match &p.value.kind {
                    ast::LiteralKind::Ident(word) => self
                        .attribute_index
                        .get(word)
                        .filter(|&&i| self.attributes[i].declared)
                        .map(|&i| AttrIdx::new(i)),
                    _ => None,
                },
            })
            .collect();
        Ok(Action {
            kind,
            template: action.template.as_ref().map(|t| t.name.clone()),
            params,
        })
    }

    /// Text the plan writes out (names, templates, parameters): a control
    /// character is an error, since the terminal would run it and the
    /// history could not read the plan back; an invisible character is a
    /// warning, since two names that look the same would differ.
    fn printable(&mut self, what: &str, text: &str, span: Span) -> Result<(), Reported> {
        let found = text.chars().find(|c| c.is_control());
        let Some(c) = found.or_else(|| text.chars().find(|&c| crate::words::is_invisible(c)))
        else {
            return Ok(());
        };
        let (what, text, character) = (
            what.to_string(),
            crate::words::escaped(text),
            crate::words::character_name(c),
        );
        if c.is_control() {
            Err(self.report(CheckError::ControlCharacter {
                what,
                text,
                character,
                span: span.into(),
            }))
        } else {
            let _warned = self.report(CheckError::InvisibleCharacter {
                what,
                text,
                character,
                span: span.into(),
            });
            Ok(())
        }
    }

    /// A rule name or template the history can name back: data files trim
    /// every cell, so one with spaces around it would never be found there.
    fn trimmed(&mut self, what: &str, text: &str, span: Span) -> Result<(), Reported> {
        let problem = if text.trim().is_empty() {
            "is blank"
        } else if text.starts_with(char::is_whitespace) {
            "starts with a space"
        } else if text.ends_with(char::is_whitespace) {
            "ends with a space"
        } else {
            return Ok(());
        };
        Err(self.report(CheckError::SurroundingSpace {
            what: what.to_string(),
            text: crate::words::escaped(text),
            problem: problem.to_string(),
            span: span.into(),
        }))
    }

    /// The text of the policy a span covers.
    fn text(&self, span: Span) -> &'p str {
        self.source.get(span.start..span.end).unwrap_or("")
    }
}

/// Parameter names an action may not take: the penalties it carries come
/// from `set interest_rate` and `set indemnity`, and from the customer's type.
const PENALTY_PARAMS: [&str; 4] = ["indemnity", "interest", "interest_rate", "penalties"];

/// The name of the `index`-th rule (0-based): its own, or `rule-N`.
pub(crate) fn rule_name(rule: &ast::RuleStmt, index: usize) -> String {
    rule.name
        .as_ref()
        .map_or_else(|| format!("rule-{}", index + 1), |n| n.name.clone())
}
