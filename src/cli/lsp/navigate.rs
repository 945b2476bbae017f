//! Rule names (definition, references, rename), the outline, the layout
//! of `dunning fmt`, and the overdue day each step starts at.

use std::collections::HashMap;

use dunning::ast::{self, CmpOp, ConditionKind, DurationUnit, LiteralKind, StatementKind};
use lsp_types::{
    DocumentSymbol, DocumentSymbolResponse, GotoDefinitionResponse, InlayHint, InlayHintKind,
    InlayHintLabel, InlayHintTooltip, Location, Position, PrepareRenameResponse, Range, SymbolKind,
    TextEdit, Uri, WorkspaceEdit,
};

use super::document::Document;
use super::index::Role;

/// The whole text in the canonical layout: no edit when it already is.
/// The check of the result reuses the last formatting's (a 5,000-rule file
/// far from the layout would be parsed whole again on every request).
pub(super) fn format(doc: &mut Document) -> Result<Vec<TextEdit>, String> {
    let canonical = doc.canonical.take();
    let (text, syntax) = doc.syntax();
    let formatted =
        match dunning::format_reusing(syntax.parsed, canonical.as_ref().unwrap_or(syntax.parsed)) {
            Ok(formatted) => formatted,
            Err(e) => {
                doc.canonical = canonical;
                return Err(e.to_string());
            }
        };
    let edits = if formatted.source() == text.as_str() {
        Vec::new()
    } else {
        vec![TextEdit::new(text.whole(), formatted.source().to_string())]
    };
    doc.canonical = Some(formatted);
    Ok(edits)
}

/// The rule name at the cursor (where it is defined or used).
fn rule_at(doc: &mut Document, at: Position) -> Option<(String, dunning::Span)> {
    let (text, syntax) = doc.syntax();
    let name = syntax.index.at(text.offset(at))?;
    matches!(name.role, Role::RuleDef | Role::RuleRef).then(|| (name.name.clone(), name.span))
}

pub(super) fn definition(
    doc: &mut Document,
    uri: Uri,
    at: Position,
) -> Option<GotoDefinitionResponse> {
    let (name, _) = rule_at(doc, at)?;
    let (text, syntax) = doc.syntax();
    let def = syntax
        .index
        .rule_names(&name)
        .find(|n| n.role == Role::RuleDef)?;
    Some(GotoDefinitionResponse::Scalar(Location::new(
        uri,
        text.range(def.span),
    )))
}

pub(super) fn references(
    doc: &mut Document,
    uri: Uri,
    at: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (name, _) = rule_at(doc, at)?;
    let (text, syntax) = doc.syntax();
    Some(
        syntax
            .index
            .rule_names(&name)
            .filter(|n| include_declaration || n.role == Role::RuleRef)
            .map(|n| Location::new(uri.clone(), text.range(n.span)))
            .collect(),
    )
}

pub(super) fn prepare_rename(doc: &mut Document, at: Position) -> Option<PrepareRenameResponse> {
    let (_, span) = rule_at(doc, at)?;
    Some(PrepareRenameResponse::Range(doc.text.range(span)))
}

/// Renames a rule where it is defined and wherever `fired` names it. The
/// new name is written bare when the language reads it so, quoted
/// otherwise; a name another rule has is refused.
pub(super) fn rename(
    doc: &mut Document,
    uri: Uri,
    at: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    let Some((name, _)) = rule_at(doc, at) else {
        return Ok(None);
    };
    let (text, syntax) = doc.syntax();
    if new_name != name && syntax.index.rule_names(new_name).next().is_some() {
        return Err(format!("a rule is already named `{new_name}`"));
    }
    let written = [new_name.to_string(), format!("\"{new_name}\"")]
        .into_iter()
        .find(|w| reads_as_rule_name(w, new_name))
        .ok_or_else(|| format!("`{new_name}` cannot be a rule name"))?;
    let edits = syntax
        .index
        .rule_names(&name)
        .map(|n| TextEdit::new(text.range(n.span), written.clone()))
        .collect();
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri, edits)])),
        ..WorkspaceEdit::default()
    }))
}

/// Whether `written` after `rule` and after `fired` reads as the name `name`.
fn reads_as_rule_name(written: &str, name: &str) -> bool {
    let parsed = dunning::parse(&format!(
        "rule {written}: when overdue > 1d then email\nrule b: when fired {written} then call\n"
    ));
    parsed.is_ok()
        && parsed
            .ast
            .rules()
            .next()
            .and_then(|r| r.name.as_ref())
            .map(|n| n.name.as_str())
            == Some(name)
        && parsed
            .ast
            .rules()
            .nth(1)
            .is_some_and(|r| matches!(&r.condition.kind, ConditionKind::Fired(n) if n.name == name))
}

/// The statements as an outline: settings, attributes, pauses, and the
/// ladder's rules in order.
pub(super) fn symbols(doc: &mut Document) -> DocumentSymbolResponse {
    let (text, syntax) = doc.syntax();
    let source = syntax.parsed.source();
    let mut step = 0;
    let symbols = syntax
        .parsed
        .ast
        .statements()
        .map(|s| {
            let (name, detail, kind, selection) = match &s.kind {
                StatementKind::Rule(rule) => {
                    step += 1;
                    let name = rule
                        .name
                        .as_ref()
                        .map_or_else(|| format!("step {step}"), |n| n.name.clone());
                    let detail = format!("step {step}: {}", rule.action.name.name);
                    let selection = rule.name.as_ref().map_or(rule.action.name.span, |n| n.span);
                    (name, detail, SymbolKind::EVENT, selection)
                }
                StatementKind::Setting(setting) => {
                    let value = source
                        .get(setting.value.span().start..setting.value.span().end)
                        .unwrap_or("");
                    (
                        setting.name.name.clone(),
                        format!("= {value}"),
                        SymbolKind::PROPERTY,
                        setting.name.span,
                    )
                }
                StatementKind::Attribute(decl) => (
                    decl.name.name.clone(),
                    "attribute".to_string(),
                    SymbolKind::FIELD,
                    decl.name.span,
                ),
                StatementKind::Pause(pause) => (
                    pause
                        .name
                        .as_ref()
                        .map_or_else(|| "pause".to_string(), |n| n.name.clone()),
                    "pause".to_string(),
                    SymbolKind::CONSTANT,
                    pause.name.as_ref().map_or(pause.span, |n| n.span),
                ),
                StatementKind::Scope(scope) => (
                    "scope".to_string(),
                    source
                        .get(scope.test.subject.span.start..scope.test.list.span.end)
                        .unwrap_or("")
                        .to_string(),
                    SymbolKind::NAMESPACE,
                    scope.test.subject.span,
                ),
            };
            #[allow(deprecated)]
            DocumentSymbol {
                name,
                detail: Some(detail),
                kind,
                tags: None,
                deprecated: None,
                range: text.range(s.span),
                selection_range: text.range(selection),
                children: None,
            }
        })
        .collect();
    DocumentSymbolResponse::Nested(symbols)
}

/// After each rule in `range` whose condition bounds `overdue` (or
/// `due_in`) from below, the day past the due date it starts at.
pub(super) fn inlay_hints(doc: &mut Document, range: Range) -> Vec<InlayHint> {
    let (text, syntax) = doc.syntax();
    let span = text.span(range);
    syntax
        .parsed
        .ast
        .rules()
        .filter(|r| r.span.end >= span.start && r.span.start <= span.end)
        .filter_map(|rule| {
            let day = start_day(&rule.condition)?;
            let when = match day {
                0 => "on the due date".to_string(),
                d if d < 0 => format!("{} days before the due date", -d),
                d => format!("on day {d} past the due date"),
            };
            Some(InlayHint {
                position: text.position(rule.span.end),
                label: InlayHintLabel::String(format!("day {day}")),
                kind: Some(InlayHintKind::TYPE),
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(format!(
                    "this step starts {when} at the earliest"
                ))),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect()
}

/// The first overdue day a condition can hold on, from the bounds its
/// top-level `and` puts on `overdue` and `due_in` (`None` without one).
fn start_day(condition: &ast::Condition) -> Option<i64> {
    let parts: &[ast::Condition] = match &condition.kind {
        ConditionKind::And(all) => all,
        _ => std::slice::from_ref(condition),
    };
    parts
        .iter()
        .filter_map(|part| {
            let ConditionKind::Compare(cmp) = &part.kind else {
                return None;
            };
            let (fact, op, value) = match (&cmp.lhs.kind, &cmp.rhs.kind) {
                (LiteralKind::Ident(f), _) => (f, cmp.op, &cmp.rhs),
                (_, LiteralKind::Ident(f)) => (f, cmp.op.flipped(), &cmp.lhs),
                _ => return None,
            };
            let LiteralKind::Duration { count, unit } = &value.kind else {
                return None;
            };
            let days = count.parse::<i64>().ok()?.checked_mul(match unit {
                DurationUnit::Days => 1,
                DurationUnit::Weeks => 7,
            })?;
            match (fact.as_str(), op) {
                ("overdue", CmpOp::Ge | CmpOp::Eq) => Some(days),
                ("overdue", CmpOp::Gt) => days.checked_add(1),
                // overdue = -due_in
                ("due_in", CmpOp::Le | CmpOp::Eq) => Some(-days),
                ("due_in", CmpOp::Lt) => Some(1 - days),
                _ => None,
            }
        })
        .max()
}
