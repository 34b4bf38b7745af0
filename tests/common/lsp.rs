//! A language server client for the protocol tests: the real binary spawned as `exportfix server`, spoken to over
//! its standard input and output. Every wait has a timeout, so a missing message fails the test, never hangs it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use serde_json::{json, Value};

use super::BIN;

/// How long any one expected message may take; an analysis takes milliseconds, so only a bug comes near it.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages received while waiting for another one, in order.
    backlog: Vec<Value>,
    stderr: Arc<Mutex<String>>,
    /// Reads the server's stderr until it closes: joined once the server has exited, so nothing is missed.
    stderr_reader: Option<thread::JoinHandle<()>>,
    next_id: i64,
}

impl Client {
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(BIN)
            .arg("server")
            .current_dir(dir)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start exportfix server");
        let stdout = child.stdout.take().expect("server stdout");
        let (to_test, messages) = crossbeam_channel::unbounded();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if to_test.send(message).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut server_stderr = child.stderr.take().expect("server stderr");
        let collected = Arc::clone(&stderr);
        let stderr_reader = thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = server_stderr.read(&mut buffer) {
                collected.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let stdin = child.stdin.take();
        let stderr_reader = Some(stderr_reader);
        Client { stdin, child, messages, backlog: Vec::new(), stderr, stderr_reader, next_id: 0 }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Writes one payload with its header, whatever it contains.
    pub fn send_raw(&mut self, payload: &[u8]) {
        let stdin = self.stdin.as_mut().expect("server stdin is open");
        stdin.write_all(format!("Content-Length: {}\r\n\r\n", payload.len()).as_bytes()).unwrap();
        stdin.write_all(payload).unwrap();
        stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send_raw(json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string().as_bytes());
    }

    /// Sends a request and returns its whole response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send_raw(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string().as_bytes());
        self.wait_for(&format!("the response to {method}"), |message| {
            message["id"] == id && message.get("method").is_none()
        })
    }

    /// The next message (earlier ones kept first) that `wanted` accepts; the others stay in the backlog.
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(index);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.backlog.push(message),
                Err(_) => {
                    panic!("no {what} within {TIMEOUT:?}; received {:#?}\nstderr:\n{}", self.backlog, self.stderr())
                }
            }
        }
    }

    /// The next diagnostics published for `uri` (taken from the backlog first, in order).
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let uri = uri.to_owned();
        self.wait_for(&format!("diagnostics for {uri}"), move |message| {
            message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri.as_str()
        })["params"]
            .clone()
    }

    /// `initialize` and `initialized`; returns the result.
    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let response =
            self.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": capabilities }));
        self.notify("initialized", json!({}));
        response["result"].clone()
    }

    pub fn open(&mut self, uri: &str, version: i64, text: &str) {
        let document = json!({ "uri": uri, "languageId": "javascript", "version": version, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": document }));
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        let params =
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
        self.notify("textDocument/didChange", params);
    }

    /// Closes standard input after the messages sent so far and waits for the exit code.
    pub fn finish(mut self) -> Option<i32> {
        drop(self.stdin.take());
        self.exit_code()
    }

    /// Waits (polling, up to the timeout) for the server to exit; its stderr is then complete.
    pub fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                if let Some(reader) = self.stderr_reader.take() {
                    let _ = reader.join();
                }
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit within {TIMEOUT:?}:\n{}", self.stderr());
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut payload = vec![0; length?];
    reader.read_exact(&mut payload).ok()?;
    serde_json::from_slice(&payload).ok()
}

/// The `file:` URI of a path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Applies LSP text edits (positions in `encoding`: "utf-8", "utf-16" or "utf-32") to `text`, as an editor does.
pub fn apply_edits(text: &str, edits: &[Value], encoding: &str) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            let at = |position: &Value| offset(text, position, encoding);
            let new_text = edit["newText"].as_str().expect("newText").to_owned();
            (at(&edit["range"]["start"]), at(&edit["range"]["end"]), new_text)
        })
        .collect();
    spans.sort_by_key(|span| std::cmp::Reverse(span.0));
    let mut result = text.to_owned();
    for (start, end, new_text) in spans {
        result.replace_range(start..end, &new_text);
    }
    result
}

/// The byte offset of an LSP position: lines end at `\n`, `\r\n` or `\r`.
fn offset(text: &str, position: &Value, encoding: &str) -> usize {
    let (line, character) = (position["line"].as_u64().unwrap(), position["character"].as_u64().unwrap());
    let mut start = 0;
    for _ in 0..line {
        let end = text[start..].find(['\n', '\r']).map(|i| start + i).expect("the line exists");
        start = end + if text[end..].starts_with("\r\n") { 2 } else { 1 };
    }
    let mut counted = 0;
    for (index, c) in text[start..].char_indices() {
        if counted >= character || c == '\n' || c == '\r' {
            return start + index;
        }
        counted += match encoding {
            "utf-8" => c.len_utf8(),
            "utf-32" => 1,
            _ => c.len_utf16(),
        } as u64;
    }
    text.len()
}
