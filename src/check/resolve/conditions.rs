//! Conditions: every name resolved to a fact, an attribute or a rule, every
//! comparison typed.

use super::super::error::{did_you_mean, CheckError};
use super::super::names::{self, Kind};
use super::super::reported::{Keyword, Reported};
use super::values::kind_of_literal;
use super::Resolver;
use crate::policy::{AttrIdx, AttributeSpans, CmpOp, Condition, Fact, RuleIdx};
use crate::span::Span;
use crate::syntax::ast::{self, LiteralKind};

impl Resolver<'_> {
    pub(super) fn condition(&mut self, condition: &ast::Condition) -> Result<Condition, Reported> {
        use ast::ConditionKind as K;
        match &condition.kind {
            K::And(items) | K::Or(items) => {
                // Resolve every operand, even after a failure, to report everything.
                let resolved: Vec<Result<Condition, Reported>> =
                    items.iter().map(|c| self.condition(c)).collect();
                let resolved = resolved.into_iter().collect::<Result<Vec<_>, _>>()?;
                Ok(if matches!(condition.kind, K::And(_)) {
                    Condition::All(resolved)
                } else {
                    Condition::Any(resolved)
                })
            }
            K::Not(inner) => Ok(Condition::Not(Box::new(self.condition(inner)?))),
            K::Compare(cmp) => self.comparison(cmp, condition.span),
            K::Member(member) => self.membership(member),
            K::Fired(name) => Ok(Condition::Fired(self.step(name)?)),
            K::Since(since) => self.since(since),
            K::Flag(name) => {
                let (fact, kind) = self.subject(name, Some(Kind::Bool))?;
                if kind != Kind::Bool {
                    return Err(self.report(CheckError::TypeMismatch {
                        message: format!("`{}` is {}, not yes or no", name.name, kind.describe()),
                        span: name.span.into(),
                        label: "needs a comparison".into(),
                        help: Some(format!("compare it with {}", kind.example())),
                    }));
                }
                Ok(Condition::Flag(fact))
            }
        }
    }

    /// `since NAME op duration`: days since the rule called NAME last fired.
    fn since(&mut self, since: &ast::Since) -> Result<Condition, Reported> {
        let rule = self.step(&since.step);
        let kind = kind_of_literal(&since.value);
        if kind != Some(Kind::Days) {
            return Err(self.report(CheckError::TypeMismatch {
                message: format!(
                    "`since {}` is a number of days, not {}",
                    since.step.name,
                    kind.map_or("a name", |k| k.describe())
                ),
                span: since.value.span.into(),
                label: "not a duration".into(),
                help: Some(format!(
                    "compare it with a duration: `since {} >= 15d`",
                    since.step.name
                )),
            }));
        }
        let name = format!("since {}", since.step.name);
        let value = self.value(&Kind::Days, &since.value, &name)?;
        Ok(Condition::Compare {
            fact: Fact::Since(rule?),
            op: since.op,
            value,
        })
    }

    /// The rule called `name`, for `fired` and `since`.
    fn step(&mut self, name: &ast::Ident) -> Result<RuleIdx, Reported> {
        if let Some((index, _)) = self.rule_names.get(&name.name) {
            return Ok(RuleIdx::new(*index));
        }
        // Named by a rule that did not parse: its syntax error says enough.
        self.diagnostics
            .declared_by_broken(Keyword::Rule, &name.name)?;
        let mut known: Vec<(&String, &usize)> =
            self.rule_names.iter().map(|(n, (i, _))| (n, i)).collect();
        known.sort_by_key(|(_, i)| **i);
        let known: Vec<&str> = known.into_iter().map(|(n, _)| n.as_str()).collect();
        let suggestion = names::closest(&name.name, known.iter().copied()).map(str::to_string);
        let help = did_you_mean(
            suggestion.as_deref(),
            &if known.is_empty() {
                "name a rule with `rule NAME: when …` to refer to it".to_string()
            } else {
                format!(
                    "the named rules are {}",
                    names::quoted_and(known.iter().copied().take(8))
                )
            },
        );
        Err(self.report(CheckError::UnknownStep {
            name: name.name.clone(),
            span: name.span.into(),
            help,
        }))
    }

    fn comparison(&mut self, cmp: &ast::Comparison, span: Span) -> Result<Condition, Reported> {
        // The fact is the side that is a word; the other is the value.
        let (subject, subject_span, op, value) = match (&cmp.lhs.kind, &cmp.rhs.kind) {
            (LiteralKind::Ident(name), _) => (name, cmp.lhs.span, cmp.op, &cmp.rhs),
            (_, LiteralKind::Ident(name)) => (name, cmp.rhs.span, cmp.op.flipped(), &cmp.lhs),
            _ => {
                return Err(self.report(CheckError::InvalidComparison {
                    text: self.text(span).to_string(),
                    reason: "both sides are values".into(),
                    span: span.into(),
                    help: Some(
                        "compare a fact or an attribute with a value: `overdue > 15d`".into(),
                    ),
                }))
            }
        };
        if let LiteralKind::Ident(other) = &value.kind {
            if Fact::named(other).is_some() {
                return Err(self.report(CheckError::InvalidComparison {
                    text: self.text(span).to_string(),
                    reason: "both sides are facts".into(),
                    span: span.into(),
                    help: Some("compare a fact with a value: `overdue > 15d`".into()),
                }));
            }
        }
        let ident = ast::Ident {
            name: subject.clone(),
            span: subject_span,
        };
        let (fact, kind) = self.subject(&ident, kind_of_literal(value))?;
        if !kind.is_ordered() && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Err(self.report(CheckError::TypeMismatch {
                message: format!(
                    "`{}` is {} and cannot be compared with `{}`",
                    subject,
                    kind.describe(),
                    op
                ),
                span: cmp.op_span.into(),
                label: format!("`{op}` compares days, amounts, numbers or dates"),
                help: Some(format!(
                    "use `=`, `!=` or `in [..]` with {}",
                    kind.example()
                )),
            }));
        }
        let value = self.value(&kind, value, subject)?;
        Ok(Condition::Compare { fact, op, value })
    }

    fn membership(&mut self, member: &ast::Membership) -> Result<Condition, Reported> {
        let hint = member.list.items.first().and_then(kind_of_literal);
        let (fact, kind) = self.subject(&member.subject, hint)?;
        // Every value is checked, even after a failure, to report everything.
        let values: Vec<Result<_, Reported>> = member
            .list
            .items
            .iter()
            .map(|item| self.value(&kind, item, &member.subject.name))
            .collect();
        let values = values.into_iter().collect::<Result<Vec<_>, _>>()?;
        let test = Condition::In { fact, values };
        Ok(if member.negated {
            Condition::Not(Box::new(test))
        } else {
            test
        })
    }

    /// Resolves the name a condition is about: a built-in fact, a declared
    /// attribute, or (when nothing is declared) a column of the data whose
    /// type is taken from the value it is compared with.
    fn subject(&mut self, name: &ast::Ident, hint: Option<Kind>) -> Result<(Fact, Kind), Reported> {
        if let Some(fact) = Fact::named(&name.name) {
            if let Some(built_in) = fact.built_in() {
                return Ok((fact, names::fact_kind(built_in.kind)));
            }
        }
        if let Some(&i) = self.attribute_index.get(&name.name) {
            return Ok((
                Fact::Attribute(AttrIdx::new(i)),
                self.attribute_kinds[i].clone(),
            ));
        }
        let fact_names = names::fact_names();
        if self.strict {
            // Declared by a statement that did not parse: its syntax error says enough.
            self.diagnostics
                .declared_by_broken(Keyword::Attribute, &name.name)?;
            let mut candidates: Vec<&str> = fact_names.collect();
            candidates.extend(
                self.attributes
                    .iter()
                    .filter(|a| a.declared)
                    .map(|a| a.name.as_str()),
            );
            let suggestion = names::closest(&name.name, candidates).map(str::to_string);
            return Err(self.report(CheckError::UnknownAttribute {
                name: name.name.clone(),
                span: name.span.into(),
                help: did_you_mean(
                    suggestion.as_deref(),
                    &format!(
                        "if it is a column of the invoice file, declare it: `attribute {}: text`",
                        name.name
                    ),
                ),
            }));
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
            return Err(self.report(CheckError::UnknownFact {
                name: name.name.clone(),
                span: name.span.into(),
                help: did_you_mean(typo, &valid),
            }));
        }
        let kind = hint.unwrap_or(Kind::Text);
        let spans = AttributeSpans {
            name: name.span,
            values: Vec::new(),
        };
        let index = self.add_attribute(&name.name, kind.clone(), false, spans);
        Ok((Fact::Attribute(index), kind))
    }
}
