//! The fixes a diagnostic knows, as text edits an editor can apply (the
//! language server's quick fixes).
//!
//! A diagnostic says its fix in its `help` line, worded for people: "did you
//! mean `overdue`?", "add a unit: `15d` for days, `15w` for weeks", "write
//! `>=` instead of `≥`". Those lines are made in this crate (`did_you_mean`,
//! the syntax hints, the resolvers); this module reads them back into edits,
//! so that a fix is written once, in the message, and the editor offers
//! exactly what the message says. The tests below hold each wording to its
//! edit: a reworded help line without its reading here fails them.

use miette::Diagnostic;

use super::{CheckError, PolicyError};
use crate::span::Span;
use crate::syntax::{ast, Parsed, SyntaxError};

/// A change to a policy's text that fixes a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, for a menu: "replace with `overdue`".
    pub title: String,
    /// The bytes replaced (empty to insert).
    pub span: Span,
    /// The text put there.
    pub replacement: String,
}

impl Fix {
    fn replace(span: Span, with: &str) -> Fix {
        Fix {
            title: format!("replace with `{with}`"),
            span,
            replacement: with.to_string(),
        }
    }
}

impl PolicyError {
    /// The fixes the diagnostic's help names, as edits of `parsed`'s text
    /// (the text the diagnostic was found in); empty when the help names
    /// none (or says several things to choose between in words).
    pub fn fixes(&self, parsed: &Parsed) -> Vec<Fix> {
        let text = parsed.source();
        let Some(help) = self.help().map(|h| h.to_string()) else {
            return Vec::new();
        };
        let Some(span) = primary_span(self) else {
            return Vec::new();
        };
        let mut fixes = Vec::new();
        if let Some(name) = suggested(&help) {
            fixes.push(Fix::replace(span, name));
        }
        match self {
            PolicyError::Syntax(SyntaxError::Unexpected { .. }) => {
                fixes.extend(syntax_fix(&help, span, text));
            }
            // "add a unit: `15d` for days, `15w` for weeks", "add a currency: `15 EUR`"
            PolicyError::Check(CheckError::TypeMismatch { .. })
                if help.starts_with("add a unit:") || help.starts_with("add a currency:") =>
            {
                fixes.extend(quoted(&help).map(|with| Fix::replace(span, with)));
            }
            PolicyError::Check(CheckError::UnknownCurrency { code, .. }) => {
                if let Some(upper) = after(&help, "currency codes are written in capitals: ") {
                    // The span may cover the amount too: replace the code only.
                    let within = text.get(span.start..span.end).unwrap_or("");
                    if let Some(at) = within.rfind(code.as_str()) {
                        let start = span.start + at;
                        fixes.push(Fix::replace(Span::new(start, start + code.len()), upper));
                    }
                }
            }
            PolicyError::Check(CheckError::UnknownAttribute { name, .. }) => {
                let declaration = format!("attribute {name}: text");
                if help.contains(&format!("`{declaration}`")) {
                    let at = declaration_place(&parsed.ast);
                    fixes.push(Fix {
                        title: format!("declare it: `{declaration}`"),
                        span: Span::new(at, at),
                        replacement: format!("{declaration}\n"),
                    });
                }
            }
            PolicyError::Check(CheckError::UndeclaredValue {
                value,
                declared_at: Some(declared),
                ..
            }) if help.contains(&format!("add `{value}` to its declaration")) => {
                // The list's `]` after the declared name.
                let end = declared.offset() + declared.len();
                let rest = text.get(end..).unwrap_or("");
                let line_end = rest.find('\n').unwrap_or(rest.len());
                if let Some(close) = rest[..line_end].find(']') {
                    let at = end + close;
                    fixes.push(Fix {
                        title: format!("add `{value}` to the declaration"),
                        span: Span::new(at, at),
                        replacement: format!(", {value}"),
                    });
                }
            }
            _ => {}
        }
        fixes
    }
}

/// Where a diagnostic is about: its primary label, else its first.
fn primary_span(d: &dyn Diagnostic) -> Option<Span> {
    let labels: Vec<_> = d.labels()?.collect();
    let label = labels.iter().find(|l| l.primary()).or(labels.first())?;
    Some(Span::new(label.offset(), label.offset() + label.len()))
}

/// The name in "did you mean `NAME`?" (`did_you_mean`'s wording).
fn suggested(help: &str) -> Option<&str> {
    let rest = help.split_once("did you mean `")?.1;
    let (name, rest) = rest.split_once('`')?;
    rest.starts_with('?').then_some(name)
}

/// Each text in backquotes.
fn quoted(help: &str) -> impl Iterator<Item = &str> {
    help.split('`').skip(1).step_by(2)
}

/// The text in backquotes right after `prefix`.
fn after<'a>(help: &'a str, prefix: &str) -> Option<&'a str> {
    quoted(help.split_once(prefix)?.1).next()
}

/// The fixes the syntax hints (`syntax::error::hint`) spell out.
fn syntax_fix(help: &str, span: Span, text: &str) -> Option<Fix> {
    let rest = text.get(span.start..).unwrap_or("");
    let at = |len: usize| Span::new(span.start, span.start + len);
    // "write `>=` instead of `≥`", "write `and` instead of `&&`"
    if let Some((with, instead)) = help
        .strip_prefix("write `")
        .and_then(|h| h.split_once("` instead of `"))
    {
        let instead = instead.trim_end_matches('`');
        return rest
            .starts_with(instead)
            .then(|| Fix::replace(at(instead.len()), with));
    }
    if help.starts_with("compare with a single `=`") && rest.starts_with("==") {
        return Some(Fix::replace(at(2), "="));
    }
    if help.starts_with("write `then` between")
        && (rest.starts_with("=>") || rest.starts_with("->"))
    {
        return Some(Fix::replace(at(2), "then"));
    }
    if let Some(upper) = after(help, "currency codes are written in capitals: ") {
        let word = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        return Some(Fix::replace(at(word), upper));
    }
    if help.starts_with("put a space between the amount and its currency") {
        return Some(Fix {
            title: "add a space".into(),
            span: at(0),
            replacement: " ".into(),
        });
    }
    if help.starts_with("write a duration as a number and a unit with no space") {
        let before = text.get(..span.start).unwrap_or("");
        let gap = before.len() - before.trim_end_matches([' ', '\t']).len();
        let word = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let unit = match rest[..word].to_lowercase().as_str() {
            "d" | "day" | "days" | "j" | "jours" => "d",
            "w" | "week" | "weeks" | "semaines" => "w",
            _ => return None,
        };
        return Some(Fix {
            title: format!("write `{unit}` right after the number"),
            span: Span::new(span.start - gap, span.start + word),
            replacement: unit.into(),
        });
    }
    if help.starts_with("this `)` closes no `(`") && rest.starts_with(')') {
        return Some(Fix {
            title: "remove the `)`".into(),
            span: at(1),
            replacement: String::new(),
        });
    }
    None
}

/// Where a new attribute declaration goes: before the first rule or pause,
/// after the settings and the other declarations (the file's start if it
/// has none).
fn declaration_place(policy: &ast::Policy) -> usize {
    policy
        .items
        .iter()
        .find(|item| {
            matches!(&item.kind, ast::ItemKind::Statement(s)
                if matches!(s.kind, ast::StatementKind::Rule(_) | ast::StatementKind::Pause(_)))
        })
        .map_or(0, |item| item.span.start)
}

#[cfg(test)]
mod tests {
    use crate::syntax::parse;

    /// The text after applying the first fix of the first diagnostic.
    fn fixed(text: &str) -> Vec<String> {
        let parsed = parse(text);
        let checked = crate::check(&parsed);
        let first = checked.diagnostics.first().map(|d| d.fixes(&parsed));
        first
            .unwrap_or_default()
            .into_iter()
            .map(|fix| {
                let mut out = text.to_string();
                out.replace_range(fix.span.start..fix.span.end, &fix.replacement);
                out
            })
            .collect()
    }

    #[test]
    fn did_you_mean_replaces_the_name() {
        assert_eq!(
            fixed("rule a: when overdeu > 1d then email\n"),
            ["rule a: when overdue > 1d then email\n"]
        );
        assert_eq!(
            fixed("rule a: when overdue > 1d then emial\n"),
            ["rule a: when overdue > 1d then email\n"]
        );
        assert_eq!(
            fixed("set coldown = 7d\nrule a: when overdue > 1d then email\n"),
            ["set cooldown = 7d\nrule a: when overdue > 1d then email\n"]
        );
        assert_eq!(
            fixed("rule a: when overdue > 1d then email\nrule b: when fired aa then call\n"),
            ["rule a: when overdue > 1d then email\nrule b: when fired a then call\n"]
        );
    }

    #[test]
    fn a_missing_unit_or_currency_is_added() {
        assert_eq!(
            fixed("rule a: when overdue > 15 then email\n"),
            [
                "rule a: when overdue > 15d then email\n",
                "rule a: when overdue > 15w then email\n"
            ]
        );
        assert_eq!(
            fixed("rule a: when amount > 500 then email\n"),
            ["rule a: when amount > 500 EUR then email\n"]
        );
    }

    #[test]
    fn syntax_hints_are_edits() {
        assert_eq!(
            fixed("rule a: when overdue ≥ 1d then email\n"),
            ["rule a: when overdue >= 1d then email\n"]
        );
        assert_eq!(
            fixed("rule a: when overdue > 1d && amount > 5 EUR then email\n"),
            ["rule a: when overdue > 1d and amount > 5 EUR then email\n"]
        );
        assert_eq!(
            fixed("rule a: when overdue > 1d => email\n"),
            ["rule a: when overdue > 1d then email\n"]
        );
        assert_eq!(
            fixed("rule a: when currency == EUR then email\n"),
            ["rule a: when currency = EUR then email\n"]
        );
        assert_eq!(
            fixed("rule a: when overdue > 15 days then email\n"),
            ["rule a: when overdue > 15d then email\n"]
        );
        assert_eq!(
            fixed("rule a: when amount > 500EUR then email\n"),
            ["rule a: when amount > 500 EUR then email\n"]
        );
    }

    #[test]
    fn lowercase_currencies_are_capitalised() {
        assert_eq!(
            fixed("rule a: when amount > 500 eur then email\n"),
            ["rule a: when amount > 500 EUR then email\n"]
        );
    }

    #[test]
    fn attributes_and_values_are_declared() {
        assert_eq!(
            fixed("set cooldown = 7d\nattribute x in [a]\nrule a: when region = north then email\n"),
            ["set cooldown = 7d\nattribute x in [a]\nattribute region: text\nrule a: when region = north then email\n"]
        );
        assert_eq!(
            fixed("attribute segment in [key, small]\nrule a: when segment = strategic then email\n"),
            ["attribute segment in [key, small, strategic]\nrule a: when segment = strategic then email\n"]
        );
    }
}
