//! The wire: JSON-RPC messages framed by `Content-Length` headers on standard input and output.
//!
//! lsp-server's own stdio transport ends the connection on the first malformed payload, and a dead server is
//! worse than a bad message: here a payload that is not JSON gets a Parse error (-32700), one that is JSON but not
//! a message an Invalid Request error (-32600), and reading goes on. Only the end of standard input ends it.

use std::io::{self, BufRead, Write};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};

/// What the writer thread sends: a message, or a response to something that had no usable id; `Stop` ends it
/// after everything before it is written (the reader, blocked on input, may still hold a sender).
pub enum Outgoing {
    Message(Message),
    Raw(Value),
    Stop,
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Self {
        Outgoing::Message(message)
    }
}

/// One framed payload, read.
enum Frame {
    Payload(Vec<u8>),
    /// A header block that could not be understood; the reader resynchronises on the next one.
    BadHeader(String),
    End,
}

/// Starts the reader and writer threads over standard input and output.
pub fn stdio() -> io::Result<(Receiver<Message>, Sender<Outgoing>, JoinHandle<()>)> {
    let (to_writer, writer_inbox) = crossbeam_channel::unbounded::<Outgoing>();
    let (to_loop, incoming) = crossbeam_channel::unbounded::<Message>();
    let writer = thread::Builder::new().name("exportfix-lsp-writer".into()).spawn(move || write_all(writer_inbox))?;
    let replies = to_writer.clone();
    thread::Builder::new()
        .name("exportfix-lsp-reader".into())
        .spawn(move || read_all(&mut io::stdin().lock(), &to_loop, &replies))?;
    Ok((incoming, to_writer, writer))
}

fn write_all(inbox: Receiver<Outgoing>) {
    let mut out = io::stdout().lock();
    for outgoing in inbox {
        let written = match outgoing {
            Outgoing::Message(message) => message.write(&mut out),
            Outgoing::Raw(value) => {
                let text = value.to_string();
                write!(out, "Content-Length: {}\r\n\r\n{text}", text.len()).and_then(|()| out.flush())
            }
            Outgoing::Stop => return,
        };
        if let Err(error) = written {
            eprintln!("exportfix server: cannot write to the client: {error}");
            return;
        }
    }
}

/// Reads until the end of input, handing each message to the loop and answering bad ones itself. Dropping
/// `to_loop` at the end tells the loop that the client is gone.
fn read_all(input: &mut impl BufRead, to_loop: &Sender<Message>, replies: &Sender<Outgoing>) {
    loop {
        let payload = match read_frame(input) {
            Ok(Frame::Payload(payload)) => payload,
            Ok(Frame::BadHeader(header)) => {
                eprintln!("exportfix server: ignoring a malformed header: {header:?}");
                let _ = replies.send(Outgoing::Raw(error(Value::Null, ErrorCode::ParseError, "malformed header")));
                continue;
            }
            Ok(Frame::End) => return,
            Err(error) => {
                eprintln!("exportfix server: cannot read from the client: {error}");
                return;
            }
        };
        match decode(&payload) {
            Ok(message) => {
                if to_loop.send(message).is_err() {
                    return;
                }
            }
            Err(reply) => {
                let _ = replies.send(Outgoing::Raw(reply));
            }
        }
    }
}

/// A payload as a message, or the error response it deserves.
fn decode(payload: &[u8]) -> Result<Message, Value> {
    let value: Value = serde_json::from_slice(payload)
        .map_err(|problem| error(Value::Null, ErrorCode::ParseError, &format!("not JSON: {problem}")))?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let valid_id =
        matches!(id, Value::Null | Value::String(_)) || id.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
    let has_method = value.get("method").is_some_and(Value::is_string);
    let is_response = value.get("result").is_some() || value.get("error").is_some();
    if !value.is_object() || !valid_id || !(has_method || is_response) {
        let id = if valid_id { id } else { Value::Null };
        return Err(error(id, ErrorCode::InvalidRequest, "not a JSON-RPC request, response or notification"));
    }
    serde_json::from_value(value)
        .map_err(|problem| error(id, ErrorCode::InvalidRequest, &format!("not a JSON-RPC message: {problem}")))
}

fn error(id: Value, code: ErrorCode, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code as i32, "message": message } })
}

/// Reads one header block and its payload.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(Frame::End);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            // A stray blank line between messages is not a header block.
            if length.is_none() {
                continue;
            }
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Ok(Frame::BadHeader(header.to_owned()));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            match value.trim().parse::<usize>() {
                Ok(value) => length = Some(value),
                Err(_) => return Ok(Frame::BadHeader(header.to_owned())),
            }
        }
    }
    let mut payload = vec![0; length.unwrap_or_default()];
    input.read_exact(&mut payload)?;
    Ok(Frame::Payload(payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_payloads_get_errors_and_reading_goes_on() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{oops\r\nContent-Length: 2\r\n\r\n[]garbage\r\nContent-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let (to_loop, incoming) = crossbeam_channel::unbounded();
        let (replies, sent) = crossbeam_channel::unbounded();
        read_all(&mut input.as_bytes(), &to_loop, &replies);
        let codes: Vec<i64> = sent
            .try_iter()
            .map(|reply| match reply {
                Outgoing::Raw(value) => value["error"]["code"].as_i64().unwrap_or_default(),
                Outgoing::Message(_) | Outgoing::Stop => 0,
            })
            .collect();
        assert_eq!(codes, [-32700, -32600, -32700]);
        assert!(matches!(incoming.try_recv(), Ok(Message::Notification(n)) if n.method == "initialized"));
    }
}
