//! Editor support, end to end: the real `yaml-language-server` (the server
//! behind VS Code's redhat.vscode-yaml, Helix and Neovim's yamlls), driven over
//! LSP stdio on spec text that points at `codegen/spec.schema.json` through
//! its first line, must offer keys, report misspelt keys and accept every
//! project spec.
//!
//! The server is an npm package pinned by `codegen/tests/editor/package-lock.json`
//! (1.25.0: 2.x needs Node 22.13 or later, 1.25.0 runs on Node 20);
//! this test installs it with `npm ci` into `target/tmp/` (once per lockfile) and
//! runs it with `node`. Both must be installed: without them the test fails
//! (CI has them), it never skips.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const SCHEMA_LINE: &str = "# yaml-language-server: $schema=../codegen/spec.schema.json";

/// `npm ci` on a cold cache downloads about 10 MB.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(300);
/// One LSP request or one wait for diagnostics (the machine may be busy compiling).
const LSP_TIMEOUT: Duration = Duration::from_secs(30);

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn npm() -> &'static str {
    if cfg!(windows) {
        "npm.cmd"
    } else {
        "npm"
    }
}

/// Runs `cmd` to completion within `timeout`, killing it otherwise. Returns
/// its status and its output (stdout then stderr).
fn run(mut cmd: Command, what: &str, timeout: Duration) -> (ExitStatus, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}", missing_tool(what, &e)));
    let out = drain(child.stdout.take().expect("piped stdout"));
    let err = drain(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait().expect("wait for a child process") {
            Some(status) => break status,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`{what}` did not finish within {}s\n{}{}",
                    timeout.as_secs(),
                    out.join().unwrap_or_default(),
                    err.join().unwrap_or_default()
                );
            }
            None => thread::sleep(Duration::from_millis(50)),
        }
    };
    let text = out.join().unwrap_or_default() + &err.join().unwrap_or_default();
    (status, text)
}

fn drain(mut r: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = r.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn missing_tool(what: &str, e: &std::io::Error) -> String {
    format!(
        "cannot run `{what}`: {e}.\nThis test needs Node.js (20 or later) and npm on the PATH: it \
         installs yaml-language-server with npm and runs it with node \
         (https://nodejs.org, or your system's `nodejs` and `npm` packages)."
    )
}

/// The installed server's entry point: `npm ci` into `target/tmp/` when the
/// lockfile changed since the last install (or there was none).
fn install_server() -> PathBuf {
    let tools = manifest_dir().join("tests/editor");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("yaml-language-server");
    let lock = std::fs::read(tools.join("package-lock.json")).expect("read the lockfile");
    let stamp = dir.join("installed-package-lock.json");
    let server = dir.join("node_modules/yaml-language-server/bin/yaml-language-server");
    if std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) && server.is_file() {
        return server;
    }
    std::fs::create_dir_all(&dir).expect("create the install folder");
    let _ = std::fs::remove_file(&stamp);
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(tools.join(file), dir.join(file)).expect("copy the npm manifest");
    }
    let mut cmd = Command::new(npm());
    cmd.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir);
    let started = Instant::now();
    let (status, output) = run(cmd, "npm ci", INSTALL_TIMEOUT);
    assert!(
        status.success(),
        "`npm ci` in {} failed ({status}); it needs the npm registry:\n{output}",
        dir.display()
    );
    assert!(
        server.is_file(),
        "npm ci did not install {}",
        server.display()
    );
    std::fs::write(&stamp, &lock).expect("write the install stamp");
    eprintln!(
        "installed yaml-language-server in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    server
}

/// A `file://` URI for an absolute path.
fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// A running `yaml-language-server --stdio` and what it has said so far.
struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// The latest `publishDiagnostics` per document URI.
    diagnostics: Vec<(String, Vec<Value>)>,
    /// `telemetry/event` notifications (the server reports its own crashes there).
    telemetry: Vec<Value>,
}

impl Server {
    fn start(entry: &Path, root: &Path) -> Server {
        let mut child = Command::new("node")
            .arg(entry)
            .arg("--stdio")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{}", missing_tool("node yaml-language-server", &e)));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr_pipe.read(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (tx, incoming) = mpsc::channel();
        thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            stdin,
            incoming,
            stderr,
            next_id: 0,
            diagnostics: Vec::new(),
            telemetry: Vec::new(),
        };
        server.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": file_uri(root),
                "capabilities": {
                    "textDocument": {
                        "completion": { "completionItem": { "snippetSupport": true } },
                        "publishDiagnostics": {}
                    }
                }
            }),
        );
        server.notify("initialized", json!({}));
        server.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "yaml": { "validate": true, "completion": true, "hover": true } } }),
        );
        server
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).expect("serialize a message");
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        if let Err(e) = self
            .stdin
            .write_all(frame.as_bytes())
            .and_then(|()| self.stdin.flush())
        {
            panic!("cannot write to the server: {e}{}", self.stderr_tail());
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its `result`, handling whatever else arrives meanwhile.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + LSP_TIMEOUT;
        loop {
            let msg = self.receive(deadline, &format!("the answer to `{method}`"));
            if msg.get("method").is_none() && msg["id"] == id {
                if let Some(error) = msg.get("error") {
                    panic!("`{method}` failed: {error}{}", self.stderr_tail());
                }
                return msg["result"].clone();
            }
        }
    }

    /// The next message, after bookkeeping (diagnostics, telemetry, answers to server requests).
    fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        let timeout = deadline.saturating_duration_since(Instant::now());
        let msg = match self.incoming.recv_timeout(timeout) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => panic!(
                "yaml-language-server sent no {waiting_for} within {}s{}",
                LSP_TIMEOUT.as_secs(),
                self.stderr_tail()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "yaml-language-server exited while we waited for {waiting_for}{}",
                self.stderr_tail()
            ),
        };
        match (msg.get("method").and_then(Value::as_str), msg.get("id")) {
            // A request from the server: `workspace/configuration` gets "no settings"
            // (the defaults), anything else (registrations) a plain acknowledgement.
            (Some(method), Some(id)) => {
                let result = match method {
                    "workspace/configuration" => {
                        let n = msg["params"]["items"].as_array().map_or(0, Vec::len);
                        Value::Array(vec![Value::Null; n])
                    }
                    _ => Value::Null,
                };
                let id = id.clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": result }));
            }
            (Some("textDocument/publishDiagnostics"), None) => {
                let uri = msg["params"]["uri"].as_str().unwrap_or_default().to_owned();
                let list = msg["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                self.diagnostics.retain(|(u, _)| *u != uri);
                self.diagnostics.push((uri, list));
            }
            (Some("telemetry/event"), None) => self.telemetry.push(msg["params"].clone()),
            _ => {}
        }
        msg
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.diagnostics.retain(|(u, _)| u != uri);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
    }

    fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }

    /// The first diagnostics published for `uri` since it was opened.
    fn diagnostics_of(&mut self, uri: &str) -> Vec<Value> {
        let deadline = Instant::now() + LSP_TIMEOUT;
        loop {
            if let Some((_, list)) = self.diagnostics.iter().find(|(u, _)| u == uri) {
                return list.clone();
            }
            self.receive(deadline, &format!("diagnostics for {uri}"));
        }
    }

    /// The labels of the completion items offered at `line`:`character` (0-based).
    fn completion_labels(&mut self, uri: &str, line: usize, character: usize) -> BTreeSet<String> {
        let result = self.request(
            "textDocument/completion",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": line, "character": character }
            }),
        );
        let items = match &result {
            Value::Array(items) => items.clone(),
            Value::Object(list) => list["items"].as_array().cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        items
            .iter()
            .filter_map(|item| item["label"].as_str().map(str::to_owned))
            .collect()
    }

    /// What the server reported about itself, for failure messages.
    fn stderr_tail(&self) -> String {
        let stderr = self.stderr.lock().unwrap();
        let tail: String = stderr
            .chars()
            .rev()
            .take(4000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let telemetry: Vec<String> = self.telemetry.iter().map(Value::to_string).collect();
        format!(
            "\nserver stderr: {tail}\nserver telemetry: {}",
            telemetry.join("\n")
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // `shutdown` then `exit`; whatever happens, the process is gone afterwards.
        self.next_id += 1;
        let shutdown =
            json!({ "jsonrpc": "2.0", "id": self.next_id, "method": "shutdown", "params": null });
        let exit = json!({ "jsonrpc": "2.0", "method": "exit", "params": null });
        for msg in [shutdown, exit] {
            let body = msg.to_string();
            let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
        }
        let _ = self.stdin.flush();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One LSP message (`Content-Length` framing), or `None` at the end of the stream.
fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// `text` with the `|` marking the cursor removed, and the cursor's (line, character).
fn cursor(text: &str) -> (String, usize, usize) {
    let at = text.find('|').expect("a `|` marks the cursor");
    let before = &text[..at];
    let line = before.matches('\n').count();
    let character = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    (text.replacen('|', "", 1), line, character)
}

fn messages(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "line {}: {}",
                d["range"]["start"]["line"].as_u64().unwrap_or(0) + 1,
                d["message"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn yaml_language_server_completes_and_checks_specs() {
    let entry = install_server();
    let root = manifest_dir()
        .join("..")
        .canonicalize()
        .expect("the workspace root");
    let started = Instant::now();
    let mut server = Server::start(&entry, &root);
    // Documents in specs/ that are not on disk: the server reads the text sent
    // and resolves the schema line against the document's folder. One URI per
    // document, so that nothing published about one is taken for another.
    let scratch = |n: usize| file_uri(&root.join(format!("specs/editor_test_{n}.yaml")));
    let mut failures = Vec::new();

    // (where, document with the cursor as `|`, keys that must be offered)
    let completions: [(&str, String, &[&str]); 3] = [
        (
            "at the top level",
            format!("{SCHEMA_LINE}\n|\n"),
            &[
                "provider",
                "base_url",
                "credentials",
                "auth",
                "encoding",
                "headers",
                "envelope",
                "models",
                "endpoints",
            ],
        ),
        (
            "inside an endpoint",
            format!("{SCHEMA_LINE}\nprovider:\n  name: X\nendpoints:\n  e:\n    |\n"),
            &[
                "method",
                "path",
                "params",
                "response",
                "examples",
                "description",
                "fixed",
                "envelope",
                "moves_money",
                "reference",
            ],
        ),
        (
            "inside a parameter",
            format!(
                "{SCHEMA_LINE}\nprovider:\n  name: X\nendpoints:\n  e:\n    method: GET\n    \
                 path: /x\n    params:\n      a:\n        |\n"
            ),
            &[
                "type",
                "optional",
                "in",
                "description",
                "style",
                "rust_name",
            ],
        ),
    ];
    for (n, (place, doc, expected)) in completions.iter().enumerate() {
        let (text, line, character) = cursor(doc);
        let uri = scratch(n);
        server.open(&uri, &text);
        let offered = server.completion_labels(&uri, line, character);
        server.close(&uri);
        let missing: Vec<&str> = expected
            .iter()
            .copied()
            .filter(|k| !offered.contains(*k))
            .collect();
        if !missing.is_empty() {
            failures.push(format!(
                "completion {place} does not offer {missing:?}; it offers {offered:?}\n\
                 document:\n{text}"
            ));
        }
    }

    // A misspelt key is reported where it is.
    let text = format!(
        "{SCHEMA_LINE}\nprovider:\n  name: X\nendpoints:\n  e:\n    methd: GET\n    path: /x\n"
    );
    let uri = scratch(completions.len());
    server.open(&uri, &text);
    let found = server.diagnostics_of(&uri);
    server.close(&uri);
    let flagged = found.iter().any(|d| {
        d["range"]["start"]["line"] == 5 && d["message"].as_str().unwrap_or("").contains("methd")
    });
    if !flagged {
        failures.push(format!(
            "the misspelt key `methd:` (line 6) is not reported; diagnostics: {:?}",
            messages(&found)
        ));
    }

    // Every project spec is clean, as the jsonschema crate says too (tests/schema.rs).
    let specs = providers_codegen::spec_files(&root.join("specs")).expect("list the specs");
    assert!(!specs.is_empty(), "no project specs");
    for file in specs {
        let uri = file_uri(&file);
        let text = std::fs::read_to_string(&file).expect("read a spec");
        server.open(&uri, &text);
        let found = server.diagnostics_of(&uri);
        server.close(&uri);
        if !found.is_empty() {
            failures.push(format!(
                "{} has diagnostics in the editor: {:?}",
                file.display(),
                messages(&found)
            ));
        }
    }

    let tail = server.stderr_tail();
    drop(server);
    eprintln!(
        "yaml-language-server session: {:.1}s",
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}\n{tail}", failures.join("\n\n"));
}
