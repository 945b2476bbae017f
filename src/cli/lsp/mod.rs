//! `dunning lsp`: the language server, over stdio (JSON-RPC, the Language
//! Server Protocol).
//!
//! Requests (hover, completion, formatting, rename…) are answered from the
//! document's syntax tree, parsed again on each change (only the
//! statements the edit touched), so an answer never waits for the checker.
//! Diagnostics come from a worker thread that checks that same parse of
//! the latest version of each changed document (skipping the versions a
//! fast typist left behind) and publishes what `dunning check` would say,
//! each with the fixes its help names.

mod complete;
mod diagnostics;
mod document;
mod hover;
mod index;
mod navigate;
mod text;
mod transport;

use std::collections::HashMap;
use std::sync::{mpsc, Arc, Mutex};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, InitializeParams, InitializeResult, OneOf, PositionEncodingKind,
    RenameOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use serde::Deserialize;

use super::Outcome;
use document::Document;
use transport::Outgoing;

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Talk over stdin and stdout (the only transport; accepted because
    /// clients such as VS Code's pass it).
    #[arg(long)]
    stdio: bool,
}

/// Runs the server until the client says `exit` (exit code 0 after a
/// `shutdown`, 1 without one, as the protocol asks) or closes the pipe.
pub(crate) fn run(args: Args) -> Outcome {
    let _ = args.stdio;
    let (connection, outgoing, io) = transport::stdio();
    let outcome = match serve(&connection, outgoing) {
        Ok(true) => Outcome::Ok,
        Ok(false) => Outcome::Found,
        Err(e) => {
            eprintln!("dunning lsp: {e}");
            Outcome::Failed
        }
    };
    drop(connection);
    if let Err(e) = io.join() {
        eprintln!("dunning lsp: {e}");
        return Outcome::Failed;
    }
    outcome
}

/// What the server offers; positions are in UTF-16 code units.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "[".into(), ",".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// The diagnostics last published for each document: its version and,
/// for each diagnostic, its span and code (hover shows the code's
/// `--explain` text).
type Published = Arc<Mutex<HashMap<String, (i32, Vec<(dunning::Span, String)>)>>>;

/// What a client may ask for when it starts (`initializationOptions`).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Options {
    /// Give each diagnostic's code a link to its `--explain` text,
    /// `dunning-explain:CODE`: only a client that opens such links asks
    /// (the VS Code extension does), for a link elsewhere would lead
    /// nowhere.
    explain_links: bool,
}

/// The initialize handshake, then the message loop; `Ok(true)` when the
/// client shut the server down properly.
fn serve(
    connection: &Connection,
    outgoing: mpsc::Sender<Outgoing>,
) -> Result<bool, Box<dyn std::error::Error>> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    // Options of the wrong shape are ignored, as unknown ones are.
    let options: Options = params
        .initialization_options
        .and_then(|o| serde_json::from_value(o).ok())
        .unwrap_or_default();
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "dunning".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;

    let published: Published = Arc::default();
    let jobs = Arc::new(diagnostics::Queue::default());
    let worker_jobs = Arc::clone(&jobs);
    let sender = outgoing.clone();
    let worker_published = Arc::clone(&published);
    let worker = std::thread::spawn(move || {
        let links = options.explain_links;
        diagnostics::work(&worker_jobs, &worker_published, links, |message| {
            // The client is gone: the main loop ends on its own.
            let _ = sender.send(Outgoing::Message(message));
        });
    });

    let mut server = Server {
        documents: HashMap::new(),
        published,
        jobs,
    };
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    shut_down = true;
                    break;
                }
                outgoing.send(server.answer(request))?;
            }
            Message::Notification(notification) => server.notice(notification),
            Message::Response(_) => {}
        }
    }
    drop(server);
    drop(outgoing);
    let _ = worker.join();
    Ok(shut_down)
}

/// The open documents, and the worker's queue.
struct Server {
    /// By URI (as text: `Uri` hashes through a cache, a mutable key).
    documents: HashMap<String, Document>,
    published: Published,
    jobs: Arc<diagnostics::Queue>,
}

impl Drop for Server {
    /// Stops the worker, however the message loop ended.
    fn drop(&mut self) {
        self.jobs.close();
    }
}

impl Server {
    fn notice(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = notification
                    .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    let doc = p.text_document;
                    let document = Document::new(doc.version, doc.text);
                    self.check(&doc.uri, &document);
                    self.documents
                        .insert(doc.uri.as_str().to_string(), document);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) {
                    let uri = p.text_document.uri;
                    if let Some(document) = self.documents.get_mut(uri.as_str()) {
                        // The check of the previous version, if still
                        // waiting, is not needed: its parse goes to the next.
                        self.jobs.withdraw(&uri);
                        document.change(p.text_document.version, p.content_changes);
                        let document = &self.documents[uri.as_str()];
                        self.check(&uri, document);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = notification
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    self.documents.remove(p.text_document.uri.as_str());
                    self.jobs.push(diagnostics::Job::Close(p.text_document.uri));
                }
            }
            _ => {}
        }
    }

    /// Queues a check of the document's current parse.
    fn check(&self, uri: &Uri, document: &Document) {
        self.jobs.push(diagnostics::Job::Check {
            uri: uri.clone(),
            version: document.version,
            parsed: document.parsed(),
        });
    }

    /// The answer to a request, as the message to send.
    fn answer(&mut self, request: Request) -> Outgoing {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            req::HoverRequest::METHOD => self.with::<req::HoverRequest>(request, |s, p| {
                let uri = &p.text_document_position_params.text_document.uri;
                let doc = s.documents.get_mut(uri.as_str())?;
                let explained = s.published.lock().ok().and_then(|map| {
                    map.get(uri.as_str())
                        .filter(|(version, _)| *version == doc.version)
                        .map(|(_, found)| found.clone())
                });
                hover::hover(
                    doc,
                    p.text_document_position_params.position,
                    explained.as_deref().unwrap_or(&[]),
                )
            }),
            req::Completion::METHOD => self.with::<req::Completion>(request, |s, p| {
                let doc = s
                    .documents
                    .get_mut(p.text_document_position.text_document.uri.as_str())?;
                complete::complete(doc, p.text_document_position.position)
            }),
            req::CodeActionRequest::METHOD => self
                .with::<req::CodeActionRequest>(request, |_, p| {
                    Some(diagnostics::code_actions(&p))
                }),
            req::Formatting::METHOD => {
                let uri = request
                    .params
                    .pointer("/textDocument/uri")
                    .and_then(|u| u.as_str())
                    .unwrap_or("")
                    .to_string();
                match uri
                    .parse::<Uri>()
                    .ok()
                    .and_then(|uri| self.documents.get_mut(uri.as_str()))
                {
                    Some(doc) => match navigate::format(doc) {
                        Ok(edits) => to_value(Some(edits)),
                        Err(message) => Err((ErrorCode::RequestFailed, message)),
                    },
                    None => to_value(None::<()>),
                }
            }
            req::GotoDefinition::METHOD => self.with::<req::GotoDefinition>(request, |s, p| {
                let uri = p.text_document_position_params.text_document.uri;
                let doc = s.documents.get_mut(uri.as_str())?;
                navigate::definition(doc, uri, p.text_document_position_params.position)
            }),
            req::References::METHOD => self.with::<req::References>(request, |s, p| {
                let uri = p.text_document_position.text_document.uri;
                let doc = s.documents.get_mut(uri.as_str())?;
                navigate::references(
                    doc,
                    uri,
                    p.text_document_position.position,
                    p.context.include_declaration,
                )
            }),
            req::PrepareRenameRequest::METHOD => {
                self.with::<req::PrepareRenameRequest>(request, |s, p| {
                    let doc = s.documents.get_mut(p.text_document.uri.as_str())?;
                    navigate::prepare_rename(doc, p.position)
                })
            }
            req::Rename::METHOD => {
                let params = serde_json::from_value::<lsp_types::RenameParams>(request.params);
                match params {
                    Ok(p) => {
                        let uri = p.text_document_position.text_document.uri;
                        match self.documents.get_mut(uri.as_str()) {
                            Some(doc) => match navigate::rename(
                                doc,
                                uri,
                                p.text_document_position.position,
                                &p.new_name,
                            ) {
                                Ok(edit) => to_value(edit),
                                Err(message) => Err((ErrorCode::RequestFailed, message)),
                            },
                            None => to_value(None::<()>),
                        }
                    }
                    Err(e) => Err((ErrorCode::InvalidParams, e.to_string())),
                }
            }
            req::DocumentSymbolRequest::METHOD => {
                // A megabyte of JSON on a large policy: serialised straight
                // from the symbols, never through a `Value` tree.
                let params =
                    serde_json::from_value::<lsp_types::DocumentSymbolParams>(request.params);
                match params {
                    Ok(p) => {
                        let symbols = self
                            .documents
                            .get_mut(p.text_document.uri.as_str())
                            .map(navigate::symbols);
                        match transport::raw_response(&id, &symbols) {
                            Ok(body) => return Outgoing::Raw(body),
                            Err(e) => Err((ErrorCode::InternalError, e.to_string())),
                        }
                    }
                    Err(e) => Err((ErrorCode::InvalidParams, e.to_string())),
                }
            }
            req::InlayHintRequest::METHOD => self.with::<req::InlayHintRequest>(request, |s, p| {
                let doc = s.documents.get_mut(p.text_document.uri.as_str())?;
                Some(navigate::inlay_hints(doc, p.range))
            }),
            method => Err((
                ErrorCode::MethodNotFound,
                format!("dunning lsp does not handle `{method}`"),
            )),
        };
        Outgoing::Message(Message::Response(match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }))
    }

    /// Reads a request's parameters and answers it with `f`.
    fn with<R: req::Request>(
        &mut self,
        request: Request,
        f: impl FnOnce(&mut Server, R::Params) -> R::Result,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        let params: R::Params = serde_json::from_value(request.params)
            .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))?;
        to_value(f(self, params))
    }
}

fn to_value(value: impl serde::Serialize) -> Result<serde_json::Value, (ErrorCode, String)> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
