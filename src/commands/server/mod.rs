//! `exportfix server`: the Language Server Protocol over standard input and output, so that editors show
//! exportfix's findings while the code is typed and apply its fixes as code actions.
//!
//! Built on `lsp-server` + `lsp-types` (as ruff and rust-analyzer are) rather than `tower-lsp-server`: the engine
//! is synchronous, CPU-bound and needs a deep stack, so an async runtime would only add a dependency tree and hide
//! the one thing that matters — which thread analyses what, and when. With plain channels the message loop
//! ([`session`]) never analyses, one deep-stack thread ([`worker`]) does, stale results are dropped by revision, and
//! the exit code follows the spec. lsp-server's stdio transport is replaced by [`transport`], which answers a
//! malformed message with a JSON-RPC error instead of ending the connection.
//!
//! A document is analysed from its buffer, never from disk, through the CLI's own path: [`crate::sources`] makes
//! it a `Source` named by its path (grammar and package type from there), [`crate::settings`] finds the config file
//! from its directory, and [`crate::pipeline::analyse`] runs the pre-filter and the engine.

mod actions;
mod encoding;
mod results;
mod session;
mod transport;
mod worker;

use crossbeam_channel::Receiver;
use lsp_server::{ErrorCode, Message, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, InitializeParams, InitializeResult,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
};

use encoding::Encoding;
use session::{Negotiated, Session};
use transport::Outgoing;

/// Serves one client until it exits; the exit code is 0 after `shutdown` and 1 otherwise, as the spec asks.
pub fn run() -> anyhow::Result<u8> {
    let (incoming, out, writer) = transport::stdio()?;
    let code = match initialize(&incoming, &out) {
        None => 1,
        Some(negotiated) => {
            let (jobs, queued) = crossbeam_channel::unbounded();
            let (finished, done) = crossbeam_channel::unbounded();
            // The worker is not joined: an analysis still running must not delay the exit.
            let _worker = worker::start(queued, finished)?;
            Session::new(out.clone(), jobs, negotiated).run(&incoming, &done)
        }
    };
    let _ = out.send(Outgoing::Stop);
    let _ = writer.join();
    Ok(code)
}

/// Waits for `initialize` and answers it; `None` when the client exits or goes away first. Requests before it
/// get ServerNotInitialized, notifications are dropped, as the spec says.
fn initialize(incoming: &Receiver<Message>, out: &crossbeam_channel::Sender<Outgoing>) -> Option<Negotiated> {
    for message in incoming {
        match message {
            Message::Request(request) if request.method == "initialize" => {
                match serde_json::from_value::<InitializeParams>(request.params) {
                    Ok(params) => {
                        let negotiated = negotiate(&params);
                        let result = capabilities(&negotiated);
                        let _ = out.send(Message::Response(Response::new_ok(request.id, result)).into());
                        return Some(negotiated);
                    }
                    Err(error) => {
                        let message = format!("invalid initialize params: {error}");
                        let response = Response::new_err(request.id, ErrorCode::InvalidParams as i32, message);
                        let _ = out.send(Message::Response(response).into());
                    }
                }
            }
            Message::Request(request) => {
                let code = ErrorCode::ServerNotInitialized as i32;
                let response = Response::new_err(request.id, code, "initialize first".to_owned());
                let _ = out.send(Message::Response(response).into());
            }
            Message::Notification(notification) if notification.method == "exit" => return None,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
}

fn negotiate(params: &InitializeParams) -> Negotiated {
    let offered = params.capabilities.general.as_ref().and_then(|general| general.position_encodings.as_deref());
    let versioned_edits = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.workspace_edit.as_ref())
        .and_then(|edit| edit.document_changes)
        .unwrap_or(false);
    Negotiated { encoding: Encoding::negotiate(offered), versioned_edits }
}

fn capabilities(negotiated: &Negotiated) -> InitializeResult {
    let sync = TextDocumentSyncOptions {
        open_close: Some(true),
        change: Some(TextDocumentSyncKind::FULL),
        ..TextDocumentSyncOptions::default()
    };
    let code_actions = CodeActionOptions {
        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::FIX_ALL]),
        resolve_provider: Some(false),
        ..CodeActionOptions::default()
    };
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(negotiated.encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
            code_action_provider: Some(CodeActionProviderCapability::Options(code_actions)),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "exportfix".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    }
}
