//! What each name in a document is: the rule names it defines and uses,
//! the facts, attributes, values, actions and settings it names. Built
//! from the syntax tree alone, so that it answers on a file with errors
//! (from the statements that parsed) and without waiting for the checker.

use dunning::ast::{self, AttributeTypeExpr, ConditionKind, ItemKind, LiteralKind, StatementKind};
use dunning::Span;

/// What a name is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// `rule NAME:`
    RuleDef,
    /// `fired NAME`
    RuleRef,
    /// `rule NAME (was FORMER):`: a name the history may hold for `rule`
    /// (not a reference: renaming `rule` leaves it).
    FormerName { rule: String },
    /// A fact or an attribute tested by a condition.
    Subject,
    /// A value compared with an attribute (`segment = key`, `segment in [key]`).
    Value { subject: String },
    /// The action after `then`.
    Action,
    /// The setting after `set`.
    Setting,
    /// `attribute NAME`
    AttributeDef,
}

/// A name, where it is written, and what it is.
#[derive(Clone, Debug)]
pub(super) struct Name {
    pub name: String,
    pub span: Span,
    pub role: Role,
}

/// Every name of a document, in file order.
#[derive(Clone, Debug, Default)]
pub(super) struct Index {
    pub names: Vec<Name>,
}

impl Index {
    pub(super) fn new(policy: &ast::Policy) -> Index {
        let mut index = Index::default();
        for statement in policy.statements() {
            match &statement.kind {
                StatementKind::Rule(rule) => {
                    if let Some(name) = &rule.name {
                        index.push(name, Role::RuleDef);
                        for old in &rule.was {
                            let role = Role::FormerName {
                                rule: name.name.clone(),
                            };
                            index.push(old, role);
                        }
                    }
                    index.condition(&rule.condition);
                    index.push(&rule.action.name, Role::Action);
                }
                StatementKind::Setting(setting) => index.push(&setting.name, Role::Setting),
                StatementKind::Attribute(decl) => {
                    index.push(&decl.name, Role::AttributeDef);
                    if let AttributeTypeExpr::OneOf(list) = &decl.ty {
                        index.values(&decl.name.name, list.items.iter());
                    }
                }
                StatementKind::Pause(pause) => index.condition(&pause.condition),
                StatementKind::Scope(scope) => {
                    index.push(&scope.test.subject, Role::Subject);
                    index.values(&scope.test.subject.name, scope.test.list.items.iter());
                }
            }
        }
        index
    }

    fn push(&mut self, ident: &ast::Ident, role: Role) {
        self.names.push(Name {
            name: ident.name.clone(),
            span: ident.span,
            role,
        });
    }

    fn values<'a>(&mut self, subject: &str, items: impl Iterator<Item = &'a ast::Literal>) {
        for item in items {
            if let LiteralKind::Ident(v) | LiteralKind::String(v) = &item.kind {
                self.names.push(Name {
                    name: v.clone(),
                    span: item.span,
                    role: Role::Value {
                        subject: subject.to_string(),
                    },
                });
            }
        }
    }

    /// The parser bounds nesting (`MAX_NESTING`), so this recursion is too.
    fn condition(&mut self, condition: &ast::Condition) {
        match &condition.kind {
            ConditionKind::And(all) | ConditionKind::Or(all) => {
                for c in all {
                    self.condition(c);
                }
            }
            ConditionKind::Not(inner) => self.condition(inner),
            ConditionKind::Compare(cmp) => {
                let (subject, value) = match (&cmp.lhs.kind, &cmp.rhs.kind) {
                    (LiteralKind::Ident(s), _) => ((s, cmp.lhs.span), &cmp.rhs),
                    (_, LiteralKind::Ident(s)) => ((s, cmp.rhs.span), &cmp.lhs),
                    _ => return,
                };
                self.names.push(Name {
                    name: subject.0.clone(),
                    span: subject.1,
                    role: Role::Subject,
                });
                if let LiteralKind::Ident(_) = value.kind {
                    self.values(subject.0, std::iter::once(value));
                }
            }
            ConditionKind::Member(member) => {
                self.push(&member.subject, Role::Subject);
                self.values(&member.subject.name, member.list.items.iter());
            }
            ConditionKind::Fired(name) => self.push(name, Role::RuleRef),
            ConditionKind::Since(since) => self.push(&since.step, Role::RuleRef),
            ConditionKind::Flag(name) => self.push(name, Role::Subject),
        }
    }

    /// The name at a byte offset (its end included: a cursor right after a
    /// word is on it).
    pub(super) fn at(&self, offset: usize) -> Option<&Name> {
        self.names
            .iter()
            .find(|n| n.span.start <= offset && offset <= n.span.end)
    }

    /// The definition and the uses of the rule called `name`.
    pub(super) fn rule_names<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Name> {
        self.names
            .iter()
            .filter(move |n| n.name == name && matches!(n.role, Role::RuleDef | Role::RuleRef))
    }
}

/// The statement whose text covers `offset`, comments aside.
pub(super) fn statement_at(policy: &ast::Policy, offset: usize) -> Option<&ast::Statement> {
    policy.items.iter().find_map(|item| match &item.kind {
        ItemKind::Statement(s) if s.span.start <= offset && offset <= s.span.end => {
            Some(s.as_ref())
        }
        _ => None,
    })
}
