//! Hover: what a name is, in the words of the tables that define it (the
//! fact table, the actions, the settings), what a rule named by `fired`
//! says, and the `--explain` text of a diagnostic under the cursor.

use dunning::policy::{settings, ActionKind, Fact};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::document::{Document, Syntax};
use super::index::{Name, Role};

pub(super) fn hover(
    doc: &mut Document,
    at: Position,
    diagnostics: &[(dunning::Span, String)],
) -> Option<Hover> {
    let (text, syntax) = doc.syntax();
    let syntax = &syntax;
    let offset = text.offset(at);
    let mut parts = Vec::new();
    let mut range = None;
    if let Some(name) = syntax.index.at(offset) {
        if let Some(words) = describe(name, syntax) {
            parts.push(words);
            range = Some(text.range(name.span));
        }
    }
    for (span, code) in diagnostics {
        if span.start <= offset && offset <= span.end {
            if let Some(doc) = dunning::codes::find(code) {
                parts.push(format!(
                    "**{}**: {}\n\n{}",
                    doc.code,
                    doc.summary,
                    doc.explanation()
                ));
            }
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range,
    })
}

/// What a name is, in Markdown.
fn describe(name: &Name, syntax: &Syntax) -> Option<String> {
    let source = syntax.parsed.source();
    let n = &name.name;
    Some(match &name.role {
        Role::Subject => match Fact::named(n).and_then(Fact::built_in) {
            Some(fact) => format!("`{n}`: built-in fact ({}): {}", fact.kind, fact.meaning),
            None => match declaration(syntax, n) {
                Some(text) => format!(
                    "`{n}`: attribute, a column of the invoice file\n\n```dunning\n{text}\n```"
                ),
                None if declares_attributes(syntax) => {
                    format!("`{n}`: neither a built-in fact nor a declared attribute")
                }
                None => format!("`{n}`: attribute, a column of the invoice file (undeclared)"),
            },
        },
        Role::AttributeDef => format!("`{n}`: attribute, a column of the invoice file"),
        Role::FormerName { rule } => format!(
            "`{n}`: a former name of rule `{rule}`: history rows of `{n}` count as its steps"
        ),
        Role::Value { subject } => format!("`{n}`: a value of `{subject}`"),
        Role::Action => {
            let action = ActionKind::parse(n)?;
            let business = if action.needs_business_day() {
                "; falls on a business day when the policy sets a calendar"
            } else {
                ""
            };
            format!("`{n}`: action: {}{business}", action.meaning())
        }
        Role::Setting => {
            let setting = settings().find(|s| s.name == n)?;
            format!(
                "`{n}`: setting: {}\n\nTakes {}: `set {n} = {}`",
                setting.meaning, setting.takes, setting.example
            )
        }
        Role::RuleDef | Role::RuleRef => {
            let (step, rule) = syntax
                .parsed
                .ast
                .rules()
                .enumerate()
                .find(|(_, r)| r.name.as_ref().is_some_and(|i| i.name == *n))?;
            let text = source.get(rule.span.start..rule.span.end)?;
            format!(
                "rule `{n}`, step {} of the ladder\n\n```dunning\n{text}\n```",
                step + 1
            )
        }
    })
}

/// The text of the declaration of attribute `name`.
fn declaration<'a>(syntax: &'a Syntax, name: &str) -> Option<&'a str> {
    let def = syntax
        .index
        .names
        .iter()
        .find(|d| d.role == Role::AttributeDef && d.name == name)?;
    let statement = super::index::statement_at(&syntax.parsed.ast, def.span.start)?;
    syntax
        .parsed
        .source()
        .get(statement.span.start..statement.span.end)
}

/// Whether the policy declares its attributes (then it must declare all).
fn declares_attributes(syntax: &Syntax) -> bool {
    syntax
        .index
        .names
        .iter()
        .any(|n| n.role == Role::AttributeDef)
}
