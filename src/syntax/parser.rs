//! Pest pairs to our own AST. No pest type leaves this module.
//!
//! Each `visit_<rule>` consumes the children of one grammar rule in grammar
//! order. The grammar guarantees the shape of the tree, so a missing child is
//! a bug in this file, not in the user's input: those cases return an
//! internal error rather than panicking.

use std::sync::LazyLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;

use super::ast::*;
use super::error::SyntaxError;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/dunning.pest"]
pub(crate) struct PolicyParser;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
});

/// Parses `text` (a whole file, or one statement cut out of it) with the
/// given entry rule. `offset` is where `text` starts in the file, so spans
/// are always file offsets.
pub(crate) fn parse_items(
    text: &str,
    entry: Rule,
    offset: usize,
    file_text: &str,
) -> Result<Vec<Item>, SyntaxError> {
    let pairs =
        PolicyParser::parse(entry, text).map_err(|e| super::error::from_pest(e, text, offset))?;
    let mut items = Vec::new();
    let visitor = Visitor { offset };
    // The entry's lines, and the statements and comments of each line.
    let top = pairs
        .into_iter()
        .flat_map(|entry| entry.into_inner())
        .flat_map(|pair| match pair.as_rule() {
            Rule::line => pair.into_inner().collect::<Vec<_>>(),
            _ => vec![pair],
        });
    for pair in top {
        match pair.as_rule() {
            Rule::comment => {
                let comment = visitor.comment(&pair);
                let span = comment.span;
                items.push(Item {
                    blank_line_before: false,
                    kind: ItemKind::Comment(comment),
                    span,
                });
            }
            Rule::rule_stmt
            | Rule::setting
            | Rule::attribute_decl
            | Rule::pause_decl
            | Rule::scope_decl => {
                let statement = visitor.statement(pair.clone())?;
                let span = statement.span;
                // Comments ending lines inside the statement come first, as
                // `fmt` writes them: on lines of their own above it.
                for comment in visitor.inner_comments(pair.as_str(), span.start) {
                    let span = comment.span;
                    items.push(Item {
                        blank_line_before: false,
                        kind: ItemKind::Comment(comment),
                        span,
                    });
                }
                items.push(Item {
                    blank_line_before: false,
                    kind: ItemKind::Statement(Box::new(statement)),
                    span,
                });
            }
            _ => {}
        }
    }
    // A comment following a statement on the same line belongs to it.
    attach_trailing_comments(&mut items, file_text);
    Ok(items)
}

/// The name of a rule whose statement starts with `rule NAME:`, whatever
/// follows (the statement may not parse).
pub(crate) fn rule_head_name(chunk: &str) -> Option<String> {
    let head = PolicyParser::parse(Rule::rule_head, statement_start(chunk)).ok()?;
    let name = head.flatten().find(|p| p.as_rule() == Rule::rule_name)?;
    Visitor { offset: 0 }.visit_name(name).ok().map(|n| n.name)
}

/// The name of an attribute whose statement starts with `attribute NAME`.
pub(crate) fn attribute_head_name(chunk: &str) -> Option<String> {
    let head = PolicyParser::parse(Rule::attribute_head, statement_start(chunk)).ok()?;
    let name = head
        .flatten()
        .find(|p| p.as_rule() == Rule::attribute_name)?;
    Some(name.as_str().to_string())
}

/// A statement without the byte-order mark and blanks before it.
fn statement_start(chunk: &str) -> &str {
    chunk.trim_start_matches(['\u{FEFF}', ' ', '\t'])
}

/// Moves each comment that starts on the line where the previous statement
/// ends into that statement's `trailing_comment`.
fn attach_trailing_comments(items: &mut Vec<Item>, file_text: &str) {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if let ItemKind::Comment(comment) = &item.kind {
            if let Some(Item {
                kind: ItemKind::Statement(statement),
                span,
                ..
            }) = out.last_mut()
            {
                let between = file_text
                    .get(statement.span.end..comment.span.start)
                    .unwrap_or("\n");
                if statement.trailing_comment.is_none() && super::split::line_breaks(between) == 0 {
                    *span = span.to(comment.span);
                    statement.trailing_comment = Some(comment.clone());
                    continue;
                }
            }
        }
        out.push(item);
    }
    *items = out;
}

struct Visitor {
    offset: usize,
}

/// The grammar promised a child that is not there: a bug in this module.
fn missing(what: &str) -> SyntaxError {
    SyntaxError::internal(format!("parser bug: missing {what}"))
}

impl Visitor {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    fn comment(&self, pair: &Pair<'_, Rule>) -> Comment {
        let raw = pair.as_str();
        Comment {
            text: raw.strip_prefix('#').unwrap_or(raw).trim_end().to_string(),
            span: self.span(pair),
        }
    }

    /// The comments that end the lines of a statement's text but its last
    /// (the grammar skips them with the line break after them, as part of
    /// the space between words): a `#` outside quotes starts one, since
    /// nothing else in a statement is written with `#`. `start` is the
    /// statement's offset in the file.
    fn inner_comments(&self, text: &str, start: usize) -> Vec<Comment> {
        if !text.contains('#') {
            return Vec::new();
        }
        let mut out = Vec::new();
        let (mut quoted, mut escaped) = (false, false);
        let mut comment: Option<usize> = None;
        for (i, c) in text.char_indices() {
            if escaped {
                escaped = false;
                continue;
            }
            match (c, comment) {
                ('\n' | '\r', Some(from)) => {
                    let raw = &text[from..i];
                    out.push(Comment {
                        text: raw[1..].trim_end().to_string(),
                        span: Span::new(start + from, start + from + raw.len()),
                    });
                    comment = None;
                }
                (_, Some(_)) => {}
                ('\\', None) if quoted => escaped = true,
                ('"', None) => quoted = !quoted,
                ('#', None) if !quoted => comment = Some(i),
                _ => {}
            }
        }
        out
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Result<Statement, SyntaxError> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::rule_stmt => StatementKind::Rule(self.visit_rule_stmt(pair)?),
            Rule::setting => StatementKind::Setting(self.visit_setting(pair)?),
            Rule::attribute_decl => StatementKind::Attribute(self.visit_attribute_decl(pair)?),
            Rule::pause_decl => StatementKind::Pause(self.visit_pause_decl(pair)?),
            Rule::scope_decl => StatementKind::Scope(self.visit_scope_decl(pair)?),
            other => return Err(missing(&format!("statement, got {other:?}"))),
        };
        Ok(Statement {
            kind,
            trailing_comment: None,
            span,
        })
    }

    fn visit_rule_stmt(&self, pair: Pair<'_, Rule>) -> Result<RuleStmt, SyntaxError> {
        let span = self.span(&pair);
        let mut name = None;
        let mut was = Vec::new();
        let mut condition = None;
        let mut action = None;
        let mut repeat = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::rule_head => {
                    for part in child.into_inner().flatten() {
                        match part.as_rule() {
                            Rule::rule_name => name = Some(self.visit_name(part)?),
                            Rule::old_name => was.push(self.visit_name(part)?),
                            _ => {}
                        }
                    }
                    if name.is_none() {
                        return Err(missing("rule name"));
                    }
                }
                Rule::condition => condition = Some(self.visit_condition(child)?),
                Rule::action => action = Some(self.visit_action(child)?),
                Rule::repeat => {
                    let d = child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::duration)
                        .ok_or_else(|| missing("repeat interval"))?;
                    repeat = Some(self.visit_literal(d)?);
                }
                _ => {}
            }
        }
        Ok(RuleStmt {
            name,
            was,
            condition: condition.ok_or_else(|| missing("condition"))?,
            action: action.ok_or_else(|| missing("action"))?,
            repeat,
            span,
        })
    }

    fn visit_name(&self, pair: Pair<'_, Rule>) -> Result<Ident, SyntaxError> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().ok_or_else(|| missing("name"))?;
        match inner.as_rule() {
            Rule::ident => Ok(self.ident(&inner)),
            Rule::string => Ok(Ident {
                name: unescape(string_text(&inner)),
                span,
            }),
            other => Err(missing(&format!("name, got {other:?}"))),
        }
    }

    fn visit_setting(&self, pair: Pair<'_, Rule>) -> Result<Setting, SyntaxError> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| !is_punct(p.as_rule()));
        let name = inner.next().ok_or_else(|| missing("setting name"))?;
        let value = inner.next().ok_or_else(|| missing("setting value"))?;
        let value = match value.as_rule() {
            Rule::list => SettingValue::List(self.visit_list(value)?),
            Rule::rate_formula => SettingValue::Rate(self.visit_rate(value)?),
            _ => SettingValue::One(self.visit_literal(value)?),
        };
        Ok(Setting {
            name: self.ident(&name),
            value,
            span,
        })
    }

    fn visit_attribute_decl(&self, pair: Pair<'_, Rule>) -> Result<AttributeDecl, SyntaxError> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| !is_punct(p.as_rule()));
        let name = inner.next().ok_or_else(|| missing("attribute name"))?;
        let ty = inner.next().ok_or_else(|| missing("attribute type"))?;
        let ty = match ty.as_rule() {
            Rule::value_list => AttributeTypeExpr::OneOf(self.visit_list(ty)?),
            Rule::type_name => AttributeTypeExpr::Named(self.ident(&ty)),
            other => return Err(missing(&format!("attribute type, got {other:?}"))),
        };
        Ok(AttributeDecl {
            name: self.ident(&name),
            ty,
            span,
        })
    }

    fn visit_membership(&self, pair: Pair<'_, Rule>) -> Result<Membership, SyntaxError> {
        let mut subject = None;
        let mut negated = false;
        let mut list = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::ident => subject = Some(self.ident(&child)),
                Rule::op_not => negated = true,
                Rule::list => list = Some(self.visit_list(child)?),
                _ => {}
            }
        }
        Ok(Membership {
            subject: subject.ok_or_else(|| missing("membership subject"))?,
            negated,
            list: list.ok_or_else(|| missing("membership list"))?,
        })
    }

    fn visit_scope_decl(&self, pair: Pair<'_, Rule>) -> Result<ScopeDecl, SyntaxError> {
        let span = self.span(&pair);
        let test = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::membership)
            .ok_or_else(|| missing("scope test"))?;
        Ok(ScopeDecl {
            test: self.visit_membership(test)?,
            span,
        })
    }

    fn visit_pause_decl(&self, pair: Pair<'_, Rule>) -> Result<PauseDecl, SyntaxError> {
        let span = self.span(&pair);
        let mut name = None;
        let mut condition = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::pause_name => name = Some(self.visit_name(child)?),
                Rule::condition => condition = Some(self.visit_condition(child)?),
                _ => {}
            }
        }
        Ok(PauseDecl {
            name,
            condition: condition.ok_or_else(|| missing("pause condition"))?,
            span,
        })
    }

    fn visit_action(&self, pair: Pair<'_, Rule>) -> Result<Action, SyntaxError> {
        let span = self.span(&pair);
        let mut name = None;
        let mut template = None;
        let mut params = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::action_name => name = Some(self.ident(&child)),
                Rule::template => {
                    let s = child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::string)
                        .ok_or_else(|| missing("template name"))?;
                    template = Some(Ident {
                        name: unescape(string_text(&s)),
                        span: self.span(&s),
                    });
                }
                Rule::params => {
                    for param in child.into_inner().filter(|p| p.as_rule() == Rule::param) {
                        params.push(self.visit_param(param)?);
                    }
                }
                _ => {}
            }
        }
        Ok(Action {
            name: name.ok_or_else(|| missing("action name"))?,
            template,
            params,
            span,
        })
    }

    fn visit_param(&self, pair: Pair<'_, Rule>) -> Result<Param, SyntaxError> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| !is_punct(p.as_rule()));
        let name = inner.next().ok_or_else(|| missing("parameter name"))?;
        let value = inner.next().ok_or_else(|| missing("parameter value"))?;
        Ok(Param {
            name: self.ident(&name),
            value: self.visit_literal(value)?,
            span,
        })
    }

    fn visit_condition(&self, pair: Pair<'_, Rule>) -> Result<Condition, SyntaxError> {
        self.visit_condition_pairs(pair.into_inner())
    }

    fn visit_condition_pairs(&self, pairs: Pairs<'_, Rule>) -> Result<Condition, SyntaxError> {
        // Parentheses are punctuation pairs in the stream; the Pratt parser
        // sees only operators and primaries.
        let pairs = pairs.filter(|p| !matches!(p.as_rule(), Rule::lparen | Rule::rparen));
        PRATT
            .map_primary(|primary| self.visit_primary(primary))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = self.span(&op).to(rhs.span);
                Ok(Condition {
                    kind: ConditionKind::Not(Box::new(rhs)),
                    span,
                })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let span = lhs.span.to(rhs.span);
                let is_and = op.as_rule() == Rule::op_and;
                Ok(Condition {
                    kind: flatten(lhs, rhs, is_and),
                    span,
                })
            })
            .parse(pairs)
    }

    fn visit_primary(&self, pair: Pair<'_, Rule>) -> Result<Condition, SyntaxError> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::condition => return self.visit_condition(pair),
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let lhs = inner.next().ok_or_else(|| missing("left operand"))?;
                let op = inner.next().ok_or_else(|| missing("operator"))?;
                let rhs = inner.next().ok_or_else(|| missing("right operand"))?;
                ConditionKind::Compare(Comparison {
                    lhs: self.visit_literal(lhs)?,
                    op: cmp_op(op.as_rule()).ok_or_else(|| missing("comparison operator"))?,
                    op_span: self.span(&op),
                    rhs: self.visit_literal(rhs)?,
                })
            }
            Rule::membership => ConditionKind::Member(self.visit_membership(pair)?),
            Rule::fired => {
                let name = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::step_name)
                    .ok_or_else(|| missing("step name"))?;
                ConditionKind::Fired(self.visit_name(name)?)
            }
            Rule::since => {
                let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_since);
                let step = inner.next().ok_or_else(|| missing("step name"))?;
                let op = inner.next().ok_or_else(|| missing("operator"))?;
                let value = inner.next().ok_or_else(|| missing("duration"))?;
                ConditionKind::Since(Since {
                    step: self.visit_name(step)?,
                    op: cmp_op(op.as_rule()).ok_or_else(|| missing("comparison operator"))?,
                    op_span: self.span(&op),
                    value: self.visit_literal(value)?,
                })
            }
            Rule::flag => {
                let id = pair
                    .into_inner()
                    .next()
                    .ok_or_else(|| missing("flag name"))?;
                ConditionKind::Flag(self.ident(&id))
            }
            other => return Err(missing(&format!("condition, got {other:?}"))),
        };
        Ok(Condition { kind, span })
    }

    fn visit_list(&self, pair: Pair<'_, Rule>) -> Result<List, SyntaxError> {
        let span = self.span(&pair);
        let items = pair
            .into_inner()
            .filter(|p| !is_punct(p.as_rule()))
            .map(|p| self.visit_literal(p))
            .collect::<Result<_, _>>()?;
        Ok(List { items, span })
    }

    /// `ecb + 10` or `3 x legal`.
    fn visit_rate(&self, pair: Pair<'_, Rule>) -> Result<RateFormula, SyntaxError> {
        let span = self.span(&pair);
        let formula = pair.into_inner().next().ok_or_else(|| missing("rate"))?;
        let base = match formula.as_rule() {
            Rule::rate_ecb => RateBase::EcbPlus,
            _ => RateBase::LegalTimes,
        };
        let number = formula
            .into_inner()
            .find(|p| p.as_rule() == Rule::number)
            .ok_or_else(|| missing("rate number"))?;
        Ok(RateFormula {
            base,
            number: number.as_str().to_string(),
            span,
        })
    }

    fn visit_literal(&self, pair: Pair<'_, Rule>) -> Result<Literal, SyntaxError> {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::ident => LiteralKind::Ident(text.to_string()),
            Rule::number => LiteralKind::Number(text.to_string()),
            Rule::percent => LiteralKind::Percent(text.trim_end_matches('%').to_string()),
            Rule::date => LiteralKind::Date(text.to_string()),
            Rule::kw_today => LiteralKind::Today,
            Rule::string => LiteralKind::String(unescape(string_text(&pair))),
            Rule::boolean => {
                let inner = pair.into_inner().next().ok_or_else(|| missing("boolean"))?;
                LiteralKind::Bool(inner.as_rule() == Rule::kw_true)
            }
            Rule::duration => {
                let unit = match pair.into_inner().next().map(|u| u.as_str()) {
                    Some("w") => DurationUnit::Weeks,
                    Some("d") => DurationUnit::Days,
                    _ => return Err(missing("duration unit")),
                };
                LiteralKind::Duration {
                    count: text[..text.len() - 1].to_string(),
                    unit,
                }
            }
            Rule::money => {
                let mut inner = pair.into_inner();
                let amount = inner.next().ok_or_else(|| missing("amount"))?;
                let currency = inner.next().ok_or_else(|| missing("currency"))?;
                LiteralKind::Money {
                    amount: amount.as_str().to_string(),
                    currency: currency.as_str().to_string(),
                }
            }
            other => return Err(missing(&format!("value, got {other:?}"))),
        };
        Ok(Literal { kind, span })
    }
}

/// `a and b and c` becomes one `And` of three: chains stay shallow however
/// long they are, so nothing downstream recurses once per operand. The
/// left operand's list is reused, so a chain of n operands costs O(n).
fn flatten(lhs: Condition, rhs: Condition, is_and: bool) -> ConditionKind {
    let mut operands = match lhs.kind {
        ConditionKind::And(items) if is_and => items,
        ConditionKind::Or(items) if !is_and => items,
        kind => vec![Condition {
            kind,
            span: lhs.span,
        }],
    };
    match rhs.kind {
        ConditionKind::And(items) if is_and => operands.extend(items),
        ConditionKind::Or(items) if !is_and => operands.extend(items),
        kind => operands.push(Condition {
            kind,
            span: rhs.span,
        }),
    }
    if is_and {
        ConditionKind::And(operands)
    } else {
        ConditionKind::Or(operands)
    }
}

fn cmp_op(rule: Rule) -> Option<CmpOp> {
    Some(match rule {
        Rule::op_eq => CmpOp::Eq,
        Rule::op_ne => CmpOp::Ne,
        Rule::op_lt => CmpOp::Lt,
        Rule::op_le => CmpOp::Le,
        Rule::op_gt => CmpOp::Gt,
        Rule::op_ge => CmpOp::Ge,
        _ => return None,
    })
}

fn is_punct(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::colon
            | Rule::comma
            | Rule::lparen
            | Rule::rparen
            | Rule::lbracket
            | Rule::rbracket
            | Rule::op_eq
            | Rule::kw_set
            | Rule::kw_attribute
            | Rule::kw_in
            | Rule::kw_pause
            | Rule::kw_scope
            | Rule::kw_when
    )
}

fn string_text<'a>(pair: &Pair<'a, Rule>) -> &'a str {
    pair.clone()
        .into_inner()
        .next()
        .map(|p| p.as_str())
        .unwrap_or("")
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}
