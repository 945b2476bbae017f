//! A language-server client for tests and the bench: starts `dunning lsp`,
//! frames JSON-RPC messages over its stdin and stdout, and waits for
//! answers with a deadline, so that a hung server fails instead of hanging.

// Each user takes what it needs; a test stops on a broken setup.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

/// How long any answer may take before the test calls the server hung.
pub const DEADLINE: Duration = Duration::from_secs(20);

pub const URI: &str = "file:///work/policy.dunning";

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Notifications received while waiting for something else.
    pub notifications: Vec<Value>,
    next_id: i64,
    version: i64,
}

impl Client {
    /// Starts the server (`binary lsp`) and runs the initialize handshake;
    /// gives the client and the server's `initialize` result.
    pub fn start(binary: &str) -> (Client, Value) {
        Client::start_with(binary, Value::Null)
    }

    /// [`Client::start`], sending these `initializationOptions`.
    pub fn start_with(binary: &str, options: Value) -> (Client, Value) {
        let mut child = Command::new(binary)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start dunning lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            notifications: Vec::new(),
            next_id: 0,
            version: 0,
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null, "rootUri": null, "capabilities": {},
                "initializationOptions": options,
            }),
        );
        client.notify("initialized", json!({}));
        (client, result["result"].clone())
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole message:
    /// `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(|m| m["id"] == json!(id))
    }

    /// Waits for the first message `wanted` accepts, keeping the
    /// notifications that come before it.
    pub fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.notifications.iter().position(&wanted) {
            return self.notifications.remove(i);
        }
        loop {
            let message = self
                .incoming
                .recv_timeout(DEADLINE)
                .unwrap_or_else(|e| panic!("no answer from the server within {DEADLINE:?}: {e}"));
            if wanted(&message) {
                return message;
            }
            if message.get("id").is_some() && message.get("method").is_none() {
                panic!("an unexpected response: {message}");
            }
            self.notifications.push(message);
        }
    }

    /// The diagnostics published for the document's current version.
    pub fn diagnostics(&mut self) -> Value {
        let version = self.version;
        self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["version"] == json!(version)
        })["params"]["diagnostics"]
            .clone()
    }

    pub fn open(&mut self, text: &str) {
        self.version = 1;
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": URI, "languageId": "dunning", "version": 1, "text": text
            }}),
        );
    }

    /// Replaces `range` (`[line, character, line, character]`) with `text`.
    pub fn change(&mut self, range: [u32; 4], text: &str) {
        self.version += 1;
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": URI, "version": self.version },
                "contentChanges": [{ "range": range_json(range), "text": text }],
            }),
        );
    }

    /// A request about a position of the document.
    pub fn at(&mut self, method: &str, line: u32, character: u32) -> Value {
        let mut params = json!({
            "textDocument": { "uri": URI },
            "position": { "line": line, "character": character },
        });
        if method == "textDocument/references" {
            params["context"] = json!({ "includeDeclaration": true });
        }
        self.request(method, params)
    }

    /// `shutdown`, `exit`, and the server's exit status.
    pub fn stop(mut self) -> ExitStatus {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer}");
        self.notify("exit", Value::Null);
        drop(self.stdin);
        self.child.wait().expect("the server exits")
    }
}

pub fn range_json([l0, c0, l1, c1]: [u32; 4]) -> Value {
    json!({
        "start": { "line": l0, "character": c0 },
        "end": { "line": l1, "character": c1 },
    })
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
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The policies of the check benchmark (`benches/check.rs`).
#[path = "../../benches/check.rs"]
mod check_bench;

/// A 5,000-rule policy: the check benchmark's `ladders-5000` (a ten-step
/// ladder for each of 500 segments, countries and amount bands, the last
/// steps naming an earlier one with `fired`), the policy the README's
/// performance section times `check` on.
pub fn big_policy() -> String {
    check_bench::ladders()
}

impl Client {
    /// Closes the server's input and waits for it to exit.
    pub fn stop_without_shutdown(mut self) -> ExitStatus {
        drop(self.stdin);
        self.child.wait().expect("the server exits")
    }
}
