//! The message loop after `initialize`: open documents, analyses sent to the worker and their results
//! published when (and only when) they are still for the document's current version, code actions answered from
//! those results, and shutdown.

use std::collections::HashMap;
use std::path::PathBuf;

use crossbeam_channel::{select, Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Request as _};
use lsp_types::{CodeActionParams, PublishDiagnosticsParams, Url};
use serde::de::DeserializeOwned;

use super::actions::{code_actions, Target};
use super::encoding::Encoding;
use super::results::FileResults;
use super::transport::Outgoing;
use super::worker::{Done, Job};

/// What the client negotiated in `initialize`.
pub struct Negotiated {
    pub encoding: Encoding,
    pub versioned_edits: bool,
}

pub struct Session {
    out: Sender<Outgoing>,
    jobs: Sender<Job>,
    negotiated: Negotiated,
    documents: HashMap<Url, Document>,
    next_revision: u64,
    /// Code action requests for a version whose analysis is still running: answered when it arrives.
    waiting: Vec<(RequestId, CodeActionParams)>,
    shutdown_requested: bool,
}

struct Document {
    version: i32,
    /// The revision of the current text; results for any other are stale.
    revision: u64,
    text: String,
    /// `None` for documents that are not files (`untitled:`): they are not analysed.
    path: Option<PathBuf>,
    /// The results of the current revision, once analysed.
    results: Option<FileResults>,
}

impl Session {
    pub fn new(out: Sender<Outgoing>, jobs: Sender<Job>, negotiated: Negotiated) -> Self {
        Session {
            out,
            jobs,
            negotiated,
            documents: HashMap::new(),
            next_revision: 0,
            waiting: Vec::new(),
            shutdown_requested: false,
        }
    }

    /// Serves until `exit` or the end of input; returns the exit code the spec asks for.
    pub fn run(mut self, incoming: &Receiver<Message>, done: &Receiver<Done>) -> u8 {
        loop {
            select! {
                recv(incoming) -> message => match message {
                    Ok(message) => if let Some(code) = self.handle(message) { return code },
                    // The client went away without `exit`: as good as `exit` if it asked to shut down first.
                    Err(_) => return self.exit_code(),
                },
                recv(done) -> finished => if let Ok(finished) = finished { self.finished(finished) },
            }
        }
    }

    fn exit_code(&self) -> u8 {
        if self.shutdown_requested {
            0
        } else {
            1
        }
    }

    fn handle(&mut self, message: Message) -> Option<u8> {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(notification) if notification.method == "exit" => return Some(self.exit_code()),
            // After `shutdown`, only `exit` counts.
            Message::Notification(_) if self.shutdown_requested => {}
            Message::Notification(notification) => self.notification(notification),
            Message::Response(_) => {}
        }
        None
    }

    fn request(&mut self, request: Request) {
        if self.shutdown_requested {
            return self.error(request.id, ErrorCode::InvalidRequest, "the server is shutting down");
        }
        match request.method.as_str() {
            "shutdown" => {
                self.shutdown_requested = true;
                self.respond(request.id, serde_json::Value::Null);
            }
            CodeActionRequest::METHOD => match params::<CodeActionParams>(request.params) {
                Ok(params) => self.code_action(request.id, params),
                Err(message) => self.error(request.id, ErrorCode::InvalidParams, &message),
            },
            "initialize" => self.error(request.id, ErrorCode::InvalidRequest, "initialize was already received"),
            method => self.error(request.id, ErrorCode::MethodNotFound, &format!("unknown method {method}")),
        }
    }

    fn notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let handled = match method.as_str() {
            DidOpenTextDocument::METHOD => {
                params(notification.params).map(|p: lsp_types::DidOpenTextDocumentParams| {
                    let document = p.text_document;
                    let path = (document.uri.scheme() == "file").then(|| document.uri.to_file_path().ok()).flatten();
                    let entry =
                        Document { version: document.version, revision: 0, text: document.text, path, results: None };
                    self.documents.insert(document.uri.clone(), entry);
                    self.schedule(&document.uri);
                })
            }
            DidChangeTextDocument::METHOD => {
                params(notification.params).map(|p: lsp_types::DidChangeTextDocumentParams| {
                    let Some(document) = self.documents.get_mut(&p.text_document.uri) else { return };
                    // Full synchronisation: every change carries the whole text.
                    if let Some(change) = p.content_changes.into_iter().rev().find(|change| change.range.is_none()) {
                        document.text = change.text;
                    }
                    document.version = p.text_document.version;
                    self.schedule(&p.text_document.uri);
                })
            }
            DidCloseTextDocument::METHOD => params(notification.params)
                .map(|p: lsp_types::DidCloseTextDocumentParams| self.close(p.text_document.uri)),
            _ => Ok(()),
        };
        if let Err(message) = handled {
            eprintln!("exportfix server: ignoring {method}: {message}");
        }
    }

    /// Gives the document's current text a new revision and sends it to the worker.
    fn schedule(&mut self, uri: &Url) {
        self.next_revision += 1;
        let revision = self.next_revision;
        let Some(document) = self.documents.get_mut(uri) else { return };
        document.revision = revision;
        document.results = None;
        let Some(path) = document.path.clone() else {
            document.results = Some(FileResults::default());
            return self.answer_waiting(uri);
        };
        let job =
            Job { uri: uri.clone(), revision, path, text: document.text.clone(), encoding: self.negotiated.encoding };
        if self.jobs.send(job).is_err() {
            eprintln!("exportfix server: the analysis thread is gone; {uri} is not analysed");
        }
    }

    fn close(&mut self, uri: Url) {
        self.documents.remove(&uri);
        self.publish(uri.clone(), Vec::new(), None);
        self.answer_waiting(&uri);
    }

    /// Publishes a result unless the document changed or closed since its analysis started.
    fn finished(&mut self, done: Done) {
        let Some(document) = self.documents.get_mut(&done.uri) else { return };
        if document.revision != done.revision {
            return;
        }
        let (diagnostics, version) = (done.results.diagnostics.clone(), document.version);
        document.results = Some(done.results);
        self.publish(done.uri.clone(), diagnostics, Some(version));
        self.answer_waiting(&done.uri);
    }

    fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        let notification = Notification::new(PublishDiagnostics::METHOD.to_owned(), params);
        let _ = self.out.send(Message::Notification(notification).into());
    }

    fn code_action(&mut self, id: RequestId, params: CodeActionParams) {
        let uri = &params.text_document.uri;
        match self.documents.get(uri) {
            Some(Document { results: None, .. }) => self.waiting.push((id, params)),
            Some(Document { results: Some(results), version, .. }) => {
                let target = Target { uri, version: *version, versioned_edits: self.negotiated.versioned_edits };
                let actions = code_actions(&params, results, &target);
                self.respond(id, actions);
            }
            None => self.respond(id, serde_json::Value::Null),
        }
    }

    /// Answers the requests that waited for this document's analysis (or its closing).
    fn answer_waiting(&mut self, uri: &Url) {
        let ready = |(_, params): &(RequestId, CodeActionParams)| &params.text_document.uri == uri;
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting).into_iter().partition(ready);
        self.waiting = later;
        for (id, params) in now {
            self.code_action(id, params);
        }
    }

    fn respond(&self, id: RequestId, result: impl serde::Serialize) {
        let _ = self.out.send(Message::Response(Response::new_ok(id, result)).into());
    }

    fn error(&self, id: RequestId, code: ErrorCode, message: &str) {
        let _ = self.out.send(Message::Response(Response::new_err(id, code as i32, message.to_owned())).into());
    }
}

fn params<P: DeserializeOwned>(value: serde_json::Value) -> Result<P, String> {
    serde_json::from_value(value).map_err(|error| format!("invalid params: {error}"))
}
