//! Diagnostics (what `dunning check` says) and their quick fixes.
//!
//! Each diagnostic carries the fixes its help names (`PolicyError::fixes`)
//! in its `data`; a client hands them back with a code-action request, so
//! a quick fix edits the very text the diagnostic was found in.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

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
    /// Check this parse, of the document's text at `version` (the main
    /// thread's own parse: the worker does not parse again).
    Check {
        uri: Uri,
        version: i32,
        parsed: Arc<dunning::Parsed>,
    },
    /// The document was closed: clear its diagnostics.
    Close(Uri),
}

impl Job {
    fn uri(&self) -> &Uri {
        match self {
            Job::Check { uri, .. } | Job::Close(uri) => uri,
        }
    }
}

/// The jobs waiting for the worker: at most one a document, its latest
/// (the versions a fast typist left behind are never checked). Unlike a
/// channel, a job can be withdrawn: the main thread takes back the parse
/// of a document it is about to change, to move its statements into the
/// next parse instead of copying them.
#[derive(Default)]
pub(super) struct Queue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    jobs: VecDeque<Job>,
    closed: bool,
}

impl Queue {
    fn state(&self) -> MutexGuard<'_, QueueState> {
        // The lock is held for a few instructions that cannot panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a job in place of the one waiting for the same document.
    pub(super) fn push(&self, job: Job) {
        let mut state = self.state();
        state
            .jobs
            .retain(|j| j.uri().as_str() != job.uri().as_str());
        state.jobs.push_back(job);
        drop(state);
        self.ready.notify_one();
    }

    /// Drops the job waiting for this document, if any.
    pub(super) fn withdraw(&self, uri: &Uri) {
        self.state()
            .jobs
            .retain(|j| j.uri().as_str() != uri.as_str());
    }

    /// Stops the worker, leaving the jobs that wait (the server is going).
    pub(super) fn close(&self) {
        self.state().closed = true;
        self.ready.notify_all();
    }

    /// The next job, waiting for one; `None` once closed.
    fn next(&self) -> Option<Job> {
        let mut state = self.state();
        loop {
            if state.closed {
                return None;
            }
            if let Some(job) = state.jobs.pop_front() {
                return Some(job);
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A quick fix, as stored in a diagnostic's `data`.
#[derive(Serialize, Deserialize)]
struct FixData {
    title: String,
    range: Range,
    #[serde(rename = "newText")]
    new_text: String,
}

/// Checks documents as the jobs come, until the queue is closed. With
/// `explain_links`, each code links to its `--explain` text
/// (`dunning-explain:CODE`, which the client asked for and opens itself).
pub(super) fn work(
    queue: &Queue,
    published: &Published,
    explain_links: bool,
    publish: impl Fn(Message),
) {
    while let Some(job) = queue.next() {
        let (uri, version, diagnostics, found) = match job {
            Job::Check {
                uri,
                version,
                parsed,
            } => {
                let (diagnostics, found) = check(&uri, &parsed, explain_links);
                // Let go of the parse before publishing: the edit a client
                // makes on seeing the diagnostics then moves its statements.
                drop(parsed);
                (uri, Some(version), diagnostics, found)
            }
            Job::Close(uri) => (uri, None, Vec::new(), Vec::new()),
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

/// What `dunning check` says about a text, as protocol diagnostics, and
/// the span and code of each.
fn check(
    uri: &Uri,
    parsed: &dunning::Parsed,
    explain_links: bool,
) -> (Vec<Diagnostic>, Vec<(dunning::Span, String)>) {
    let checked = dunning::check(parsed);
    let lines = Text::new(parsed.source().to_string());
    let mut found = Vec::new();
    let diagnostics = checked
        .diagnostics
        .iter()
        .map(|d| {
            let diagnostic = convert(d, parsed, &lines, uri, explain_links);
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
    explain_links: bool,
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
        // The code's `--explain` text, for a client that opens
        // `dunning-explain:` links (it says so when it starts); others get
        // the code, and the text on hover.
        code_description: d
            .code()
            .filter(|_| explain_links)
            .and_then(|c| dunning::codes::find(&c.to_string()))
            .and_then(|doc| explain_link(doc.code))
            .map(|href| CodeDescription { href }),
        source: Some("dunning".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: (!fixes.is_empty()).then(|| serde_json::json!({ "fixes": fixes })),
    }
}

/// The link to a code's `--explain` text: `dunning-explain:CODE`, the
/// code in full (`dunning-explain:dunning::check::shadowed`).
fn explain_link(code: &str) -> Option<Uri> {
    format!("{EXPLAIN_SCHEME}:{code}").parse().ok()
}

/// The scheme of the links to `--explain` texts, which the VS Code
/// extension opens by running `dunning check --explain CODE`.
const EXPLAIN_SCHEME: &str = "dunning-explain";

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
