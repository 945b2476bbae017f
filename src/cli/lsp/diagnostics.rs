//! Diagnostics (what `dunning check` says) and their quick fixes.
//!
//! Each diagnostic carries the fixes its help names (`PolicyError::fixes`)
//! in its `data`; a client hands them back with a code-action request, so
//! a quick fix edits the very text the diagnostic was found in.

use std::collections::HashMap;
use std::sync::mpsc;

use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeDescription, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, Range, TextEdit, Uri, WorkspaceEdit,
};
use miette::Diagnostic as _;
use serde::{Deserialize, Serialize};

use super::text::Text;
use super::Published;

/// Work for the checking thread.
pub(super) enum Job {
    /// Check this text, the document's content at `version`.
    Check {
        uri: Uri,
        version: i32,
        text: String,
    },
    /// The document was closed: clear its diagnostics.
    Close(Uri),
}

/// A quick fix, as stored in a diagnostic's `data`.
#[derive(Serialize, Deserialize)]
struct FixData {
    title: String,
    range: Range,
    #[serde(rename = "newText")]
    new_text: String,
}

/// Checks documents as the jobs come, until the server drops the queue.
/// Of several jobs queued for one document, only the last is done.
pub(super) fn work(jobs: &mpsc::Receiver<Job>, published: &Published, publish: impl Fn(Message)) {
    // The last parse of each document, taken by the next (`dunning::reparse_owned`).
    let mut parses: HashMap<String, dunning::Parsed> = HashMap::new();
    while let Ok(first) = jobs.recv() {
        let mut latest: Vec<Job> = Vec::new();
        for job in std::iter::once(first).chain(jobs.try_iter()) {
            let uri = match &job {
                Job::Check { uri, .. } | Job::Close(uri) => uri.clone(),
            };
            latest.retain(|j| !matches!(j, Job::Check { uri: u, .. } | Job::Close(u) if *u == uri));
            latest.push(job);
        }
        for job in latest {
            let (uri, version, diagnostics, found) = match job {
                Job::Check { uri, version, text } => {
                    let parsed = match parses.remove(uri.as_str()) {
                        Some(previous) => dunning::reparse_owned(previous, &text),
                        None => dunning::parse(&text),
                    };
                    let (diagnostics, found) = check(&uri, &parsed, text);
                    parses.insert(uri.as_str().to_string(), parsed);
                    (uri, Some(version), diagnostics, found)
                }
                Job::Close(uri) => {
                    parses.remove(uri.as_str());
                    (uri, None, Vec::new(), Vec::new())
                }
            };
            if let Ok(mut map) = published.lock() {
                match version {
                    Some(v) => map.insert(uri.as_str().to_string(), (v, found)),
                    None => map.remove(uri.as_str()),
                };
            }
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            };
            publish(Message::Notification(Notification::new(
                PublishDiagnostics::METHOD.to_string(),
                params,
            )));
        }
    }
}

/// What `dunning check` says about a text, as protocol diagnostics, and
/// the span and code of each.
fn check(
    uri: &Uri,
    parsed: &dunning::Parsed,
    text: String,
) -> (Vec<Diagnostic>, Vec<(dunning::Span, String)>) {
    let checked = dunning::check(parsed);
    let lines = Text::new(text);
    let mut found = Vec::new();
    let diagnostics = checked
        .diagnostics
        .iter()
        .map(|d| {
            let diagnostic = convert(d, parsed, &lines, uri);
            if let (Some(span), Some(code)) = (primary(d), d.code()) {
                found.push((span, code.to_string()));
            }
            diagnostic
        })
        .collect();
    (diagnostics, found)
}

/// Where a diagnostic is: its primary label, else its first.
fn primary(d: &dunning::PolicyError) -> Option<dunning::Span> {
    let labels: Vec<_> = d.labels()?.collect();
    let label = labels.iter().find(|l| l.primary()).or(labels.first())?;
    Some(dunning::Span::new(
        label.offset(),
        label.offset() + label.len(),
    ))
}

fn convert(
    d: &dunning::PolicyError,
    parsed: &dunning::Parsed,
    lines: &Text,
    uri: &Uri,
) -> Diagnostic {
    let span = primary(d).unwrap_or_default();
    let mut message = d.to_string();
    if let Some(help) = d.help() {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels()
        .into_iter()
        .flatten()
        .filter(|l| l.offset() != span.start || l.len() != span.len())
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(
                uri.clone(),
                lines.range(dunning::Span::new(l.offset(), l.offset() + l.len())),
            ),
            message: l.label().unwrap_or("here").to_string(),
        })
        .collect();
    let fixes: Vec<FixData> = d
        .fixes(parsed)
        .into_iter()
        .map(|fix| FixData {
            title: fix.title,
            range: lines.range(fix.span),
            new_text: fix.replacement,
        })
        .collect();
    Diagnostic {
        range: lines.range(span),
        severity: Some(if d.is_warning() {
            DiagnosticSeverity::WARNING
        } else {
            DiagnosticSeverity::ERROR
        }),
        code: d.code().map(|c| NumberOrString::String(c.to_string())),
        // The code's documentation (its `--explain` text in the README),
        // which clients open from the code.
        code_description: d
            .code()
            .and_then(|c| dunning::codes::find(&c.to_string()))
            .and_then(|doc| doc.url().parse().ok())
            .map(|href| CodeDescription { href }),
        source: Some("dunning".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: (!fixes.is_empty()).then(|| serde_json::json!({ "fixes": fixes })),
    }
}

/// The quick fixes of the diagnostics the client sends back.
pub(super) fn code_actions(params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let mut actions = Vec::new();
    for diagnostic in &params.context.diagnostics {
        let fixes: Vec<FixData> = diagnostic
            .data
            .as_ref()
            .and_then(|data| data.get("fixes"))
            .and_then(|fixes| serde_json::from_value(fixes.clone()).ok())
            .unwrap_or_default();
        let only = fixes.len() == 1;
        for fix in fixes {
            let edit = TextEdit::new(fix.range, fix.new_text);
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(only),
                ..CodeAction::default()
            }));
        }
    }
    actions
}
