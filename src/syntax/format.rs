//! The canonical layout of a policy: one statement a line, single spaces,
//! keywords in full (`template`), `yes`/`no` for booleans, parentheses only
//! where they are needed or help a reader (`and` inside `or`), comments and
//! paragraph breaks kept.

use std::fmt::Write as _;

use miette::Diagnostic;
use thiserror::Error;

use super::ast::*;
use super::{Parsed, SyntaxError};

/// Why [`format()`] refused to format a file.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum FormatError {
    /// Some statements do not parse: the layout of what is not understood
    /// cannot be made canonical.
    #[error("the file has syntax errors; fix them before formatting")]
    #[diagnostic(code("dunning::fmt::syntax"))]
    Syntax(#[related] Vec<SyntaxError>),
    /// The canonical text would not parse back to the same policy.
    #[error("formatting would change the meaning of the policy; the file was left as it is (this is a bug in dunning, please report it)")]
    #[diagnostic(code("dunning::fmt::not-preserved"))]
    NotPreserved,
}

/// The policy in the canonical layout, refusing to return text that does
/// not parse back to the same policy with the same comments.
pub fn format(parsed: &Parsed) -> Result<String, FormatError> {
    // The canonical text parsed back reusing the statements already in
    // their canonical layout: an editor formats a formatted file on every save.
    format_reusing(parsed, parsed).map(|again| again.source)
}

/// [`format()`], giving the canonical text parsed; the check that it parses
/// back to the same policy reuses the statements of `canonical`, the parse
/// of an earlier canonical text (an earlier result), as [`reparse`](super::reparse)
/// does. A language server formats each version of a file it is sent: with
/// the last version's result, only the statements edited since are parsed
/// again, however far the file is from the canonical layout.
pub fn format_reusing(parsed: &Parsed, canonical: &Parsed) -> Result<Parsed, FormatError> {
    if !parsed.is_ok() {
        return Err(FormatError::Syntax(parsed.errors.clone()));
    }
    let formatted = parsed.ast.to_string();
    let again = super::reparse(canonical, &formatted);
    if !again.is_ok() || again.ast != parsed.ast {
        return Err(FormatError::NotPreserved);
    }
    Ok(again)
}

/// The canonical layout of the tree, whatever made it.
impl std::fmt::Display for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_policy(self))
    }
}

/// Prints a policy in the canonical layout.
fn format_policy(policy: &Policy) -> String {
    let mut out = String::new();
    for (i, item) in policy.items.iter().enumerate() {
        if i > 0 && item.blank_line_before {
            out.push('\n');
        }
        match &item.kind {
            ItemKind::Comment(c) => write_comment(&mut out, c),
            ItemKind::Statement(s) => {
                statement(&mut out, s);
                if let Some(c) = &s.trailing_comment {
                    out.push_str("  ");
                    write_comment(&mut out, c);
                }
            }
        }
        out.push('\n');
    }
    out
}

fn write_comment(out: &mut String, c: &Comment) {
    out.push('#');
    out.push_str(&c.text);
}

/// Statements longer than this many characters are broken over several
/// lines: `then` on its own line, and a long condition one `and` (or `or`)
/// a line. Continuation lines are indented by four spaces.
pub const WIDTH: usize = 88;
const INDENT: &str = "    ";

fn statement(out: &mut String, s: &Statement) {
    match &s.kind {
        StatementKind::Rule(r) => {
            let mut head = String::new();
            if let Some(name) = &r.name {
                let _ = write!(head, "rule {}", name_text(&name.name));
                let was: Vec<String> = r.was.iter().map(|n| name_text(&n.name)).collect();
                if !was.is_empty() {
                    let _ = write!(head, " (was {})", was.join(", "));
                }
                head.push_str(": ");
            }
            head.push_str("when ");
            let mut tail = String::from("then ");
            action(&mut tail, &r.action);
            if let Some(every) = &r.repeat {
                tail.push_str(" repeat every ");
                literal(&mut tail, every);
            }
            broken(out, &head, &r.condition, Some(&tail));
        }
        StatementKind::Setting(s) => {
            let _ = write!(out, "set {} = ", s.name.name);
            match &s.value {
                SettingValue::One(l) => literal(out, l),
                SettingValue::List(l) => list(out, l),
                SettingValue::Rate(r) => match r.base {
                    RateBase::EcbPlus => {
                        let _ = write!(out, "ecb + {}", r.number);
                    }
                    RateBase::LegalTimes => {
                        let _ = write!(out, "{} x legal", r.number);
                    }
                },
            }
        }
        StatementKind::Attribute(a) => {
            let _ = write!(out, "attribute {}", a.name.name);
            match &a.ty {
                AttributeTypeExpr::OneOf(l) => {
                    out.push_str(" in ");
                    list(out, l);
                }
                AttributeTypeExpr::Named(t) => {
                    let _ = write!(out, ": {}", t.name);
                }
            }
        }
        StatementKind::Pause(p) => {
            let mut head = String::from("pause ");
            if let Some(name) = &p.name {
                head.push_str(&name_text(&name.name));
                head.push(' ');
            }
            head.push_str("when ");
            broken(out, &head, &p.condition, None);
        }
        StatementKind::Scope(scope) => {
            let _ = write!(out, "scope {}", scope.test.subject.name);
            out.push_str(if scope.test.negated {
                " not in "
            } else {
                " in "
            });
            list(out, &scope.test.list);
        }
    }
}

/// `HEAD CONDITION TAIL` on one line when it fits in [`WIDTH`]; otherwise
/// the tail on a line of its own, and a condition that still does not fit
/// one operand of its top-level `and` or `or` a line.
fn broken(out: &mut String, head: &str, c: &Condition, tail: Option<&str>) {
    let mut one_line = String::new();
    condition(&mut one_line, c, Ctx::Top);
    let width = |s: &str| s.chars().count();
    let tail_width = tail.map_or(0, |t| width(t) + 1);
    if width(head) + width(&one_line) + tail_width <= WIDTH {
        out.push_str(head);
        out.push_str(&one_line);
        if let Some(t) = tail {
            out.push(' ');
            out.push_str(t);
        }
        return;
    }
    out.push_str(head);
    let chain = match &c.kind {
        ConditionKind::And(items) => Some((items, "and", Ctx::InAnd)),
        ConditionKind::Or(items) => Some((items, "or", Ctx::InOr)),
        _ => None,
    };
    match chain {
        Some((items, word, ctx)) if width(head) + width(&one_line) > WIDTH => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    let _ = write!(out, "\n{INDENT}{word} ");
                }
                condition(out, item, ctx);
            }
        }
        _ => out.push_str(&one_line),
    }
    if let Some(t) = tail {
        out.push('\n');
        out.push_str(INDENT);
        out.push_str(t);
    }
}

fn action(out: &mut String, a: &Action) {
    out.push_str(&a.name.name);
    if let Some(t) = &a.template {
        out.push_str(" template ");
        quoted(out, &t.name);
    }
    for (i, p) in a.params.iter().enumerate() {
        out.push_str(if i == 0 { " with " } else { ", " });
        let _ = write!(out, "{} = ", p.name.name);
        literal(out, &p.value);
    }
}

/// Where a condition is printed, to decide on parentheses.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Top,
    InOr,
    InAnd,
    InNot,
}

fn condition(out: &mut String, c: &Condition, ctx: Ctx) {
    match &c.kind {
        ConditionKind::Or(items) => {
            let parens = ctx != Ctx::Top;
            join(out, items, " or ", Ctx::InOr, parens);
        }
        ConditionKind::And(items) => {
            // `and` binds tighter, but a reader should not need to know.
            let parens = matches!(ctx, Ctx::InOr | Ctx::InNot);
            join(out, items, " and ", Ctx::InAnd, parens);
        }
        ConditionKind::Not(inner) => {
            out.push_str("not ");
            condition(out, inner, Ctx::InNot);
        }
        ConditionKind::Compare(cmp) => {
            literal(out, &cmp.lhs);
            let _ = write!(out, " {} ", cmp.op);
            literal(out, &cmp.rhs);
        }
        ConditionKind::Member(m) => {
            out.push_str(&m.subject.name);
            out.push_str(if m.negated { " not in " } else { " in " });
            list(out, &m.list);
        }
        ConditionKind::Fired(name) => {
            out.push_str("fired ");
            out.push_str(&name_text(&name.name));
        }
        ConditionKind::Since(since) => {
            out.push_str("since ");
            out.push_str(&name_text(&since.step.name));
            let _ = write!(out, " {} ", since.op);
            literal(out, &since.value);
        }
        ConditionKind::Flag(name) => out.push_str(&name.name),
    }
}

fn join(out: &mut String, items: &[Condition], sep: &str, ctx: Ctx, parens: bool) {
    if parens {
        out.push('(');
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        condition(out, item, ctx);
    }
    if parens {
        out.push(')');
    }
}

fn list(out: &mut String, l: &List) {
    out.push('[');
    for (i, item) in l.items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        literal(out, item);
    }
    out.push(']');
}

fn literal(out: &mut String, l: &Literal) {
    match &l.kind {
        LiteralKind::Ident(s) | LiteralKind::Number(s) | LiteralKind::Date(s) => out.push_str(s),
        LiteralKind::Duration { count, unit } => {
            out.push_str(count);
            out.push_str(unit.suffix());
        }
        LiteralKind::Money { amount, currency } => {
            let _ = write!(out, "{amount} {currency}");
        }
        LiteralKind::Percent(p) => {
            let _ = write!(out, "{p}%");
        }
        LiteralKind::String(s) => quoted(out, s),
        LiteralKind::Bool(true) => out.push_str("yes"),
        LiteralKind::Bool(false) => out.push_str("no"),
        LiteralKind::Today => out.push_str("today"),
    }
}

fn quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// A rule or pause name: bare when it reads as a word, quoted otherwise.
fn name_text(name: &str) -> String {
    let mut chars = name.chars();
    let word = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name);
    if word {
        name.to_string()
    } else {
        let mut out = String::new();
        quoted(&mut out, name);
        out
    }
}

pub(crate) fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "when"
            | "then"
            | "rule"
            | "set"
            | "attribute"
            | "pause"
            | "template"
            | "with"
            | "repeat"
            | "every"
            | "in"
            | "fired"
            | "since"
            | "today"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "and"
            | "or"
            | "not"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    /// Reusing an earlier canonical parse gives what `format` gives, the
    /// text and its parse, after an edit anywhere.
    #[test]
    fn formatting_reusing_an_earlier_result_is_formatting() {
        let messy = "set   cooldown=7d\nwhen overdue>1d then email # a\n\n\
                     rule b :  when overdue >= 15d and amount>5 EUR then call\n";
        let first = format_reusing(&parse(messy), &parse(messy)).unwrap();
        assert_eq!(first.source(), format(&parse(messy)).unwrap());
        let edited = messy.replace("15d", "20d").replace("# a", "# b");
        let again = format_reusing(&parse(&edited), &first).unwrap();
        assert_eq!(again.source(), format(&parse(&edited)).unwrap());
        assert_eq!(again.ast, parse(again.source()).ast);
        assert!(
            again.source().contains("overdue >= 20d"),
            "{}",
            again.source()
        );
        assert!(matches!(
            format_reusing(&parse("when overdue => 1d then email"), &first),
            Err(FormatError::Syntax(_))
        ));
    }
}
