//! Completion, from the words before the cursor in its statement: facts
//! and attributes in a condition, actions after `then`, settings after
//! `set`, rule names after `fired` and `since`, an attribute's declared values after
//! `=` or in a list. The names come from the tables that define them and
//! from the document's own declarations.

use dunning::ast::{AttributeTypeExpr, LiteralKind, StatementKind};
use dunning::policy::{settings, ActionKind, Fact};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, Documentation, MarkupContent,
    MarkupKind, Position,
};

use super::document::{Document, Syntax};
use super::index::Role;

const STATEMENT_KEYWORDS: [&str; 5] = ["rule", "when", "set", "attribute", "pause"];

pub(super) fn complete(doc: &mut Document, at: Position) -> Option<CompletionResponse> {
    let (text, syntax) = doc.syntax();
    let syntax = &syntax;
    let offset = text.offset(at);
    let source = text.as_str();
    let before = statement_before(source, offset)?;
    // The word being typed, and what comes before it.
    let word_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let head = before[..word_start].trim_end();
    let words: Vec<&str> = head
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.last().copied().unwrap_or("");
    let items = if words.is_empty() {
        keywords(&STATEMENT_KEYWORDS)
    } else if words == ["set"] {
        settings()
            .map(|s| {
                item(
                    s.name,
                    CompletionItemKind::PROPERTY,
                    "setting",
                    &format!("{}\n\nTakes {}.", s.meaning, s.takes),
                )
            })
            .collect()
    } else if last == "fired" || last == "since" {
        rule_names(syntax)
    } else if last == "then" {
        ActionKind::ALL
            .iter()
            .map(|a| {
                item(
                    a.as_str(),
                    CompletionItemKind::FUNCTION,
                    "action",
                    a.meaning(),
                )
            })
            .collect()
    } else if let Some(subject) = value_subject(head) {
        values(syntax, subject)
    } else if ["when", "and", "or", "not", "("].contains(&last) || head.ends_with('(') {
        let mut items = subjects(syntax);
        items.extend(keywords(&["fired", "since", "not"]));
        items
    } else {
        Vec::new()
    };
    Some(CompletionResponse::Array(items))
}

/// The statement's text up to `offset`: from the start of its first line
/// (continuation lines are indented); `None` in a comment.
fn statement_before(source: &str, offset: usize) -> Option<&str> {
    let mut start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 && source[start..].starts_with([' ', '\t']) {
        start = source[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let before = &source[start..offset];
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    match line.find('#') {
        Some(i) if line[..i].matches('"').count() % 2 == 0 => None,
        _ => Some(before),
    }
}

/// The attribute whose values go here: `segment = `, `segment != `,
/// `segment in [a, `.
fn value_subject(head: &str) -> Option<&str> {
    let before_value = if let Some(rest) = head.strip_suffix("!=") {
        rest
    } else if let Some(rest) = head.strip_suffix('=') {
        rest
    } else {
        // Inside an open list.
        let open = head.rfind('[')?;
        if head[open..].contains(']') {
            return None;
        }
        let rest = head[..open].trim_end().strip_suffix("in")?.trim_end();
        rest.strip_suffix("not").unwrap_or(rest)
    };
    let before_value = before_value.trim_end();
    let start = before_value
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let subject = &before_value[start..];
    (!subject.is_empty()).then_some(subject)
}

fn item(label: &str, kind: CompletionItemKind, detail: &str, doc: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        documentation: (!doc.is_empty()).then(|| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: doc.to_string(),
            })
        }),
        ..CompletionItem::default()
    }
}

fn keywords(words: &[&str]) -> Vec<CompletionItem> {
    words
        .iter()
        .map(|w| item(w, CompletionItemKind::KEYWORD, "keyword", ""))
        .collect()
}

/// The built-in facts, then the declared attributes.
fn subjects(syntax: &Syntax) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = Fact::BUILT_IN
        .iter()
        .filter_map(|f| f.built_in())
        .map(|f| {
            item(
                f.name,
                CompletionItemKind::VARIABLE,
                &format!("fact ({})", f.kind),
                f.meaning,
            )
        })
        .collect();
    items.extend(
        syntax
            .index
            .names
            .iter()
            .filter(|n| n.role == Role::AttributeDef)
            .map(|n| item(&n.name, CompletionItemKind::FIELD, "attribute", "")),
    );
    items
}

/// The named rules, in ladder order.
fn rule_names(syntax: &Syntax) -> Vec<CompletionItem> {
    syntax
        .parsed
        .ast
        .rules()
        .enumerate()
        .filter_map(|(step, rule)| {
            let name = rule.name.as_ref()?;
            let text = syntax.parsed.source().get(rule.span.start..rule.span.end)?;
            Some(item(
                &name.name,
                CompletionItemKind::REFERENCE,
                &format!("rule, step {}", step + 1),
                &format!("```dunning\n{text}\n```"),
            ))
        })
        .collect()
}

/// The declared values of attribute `subject`.
fn values(syntax: &Syntax, subject: &str) -> Vec<CompletionItem> {
    syntax
        .parsed
        .ast
        .statements()
        .filter_map(|s| match &s.kind {
            StatementKind::Attribute(decl) if decl.name.name == subject => match &decl.ty {
                AttributeTypeExpr::OneOf(list) => Some(list),
                AttributeTypeExpr::Named(_) => None,
            },
            _ => None,
        })
        .flat_map(|list| list.items.iter())
        .filter_map(|literal| match &literal.kind {
            LiteralKind::Ident(v) | LiteralKind::String(v) => Some(item(
                v,
                CompletionItemKind::ENUM_MEMBER,
                &format!("value of `{subject}`"),
                "",
            )),
            _ => None,
        })
        .collect()
}
