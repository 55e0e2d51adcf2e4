//! An in-process HTTP/1.1 mock provider for tests.
//!
//! [`MockServer`] listens on `127.0.0.1` on a free port, records every request it
//! receives exactly as it arrived on the wire ([`Recorded`]), and answers with
//! scripted [`Reply`] values taken from a FIFO queue shared by all connections
//! (or with a fallback reply once the queue is empty). Replies can be delayed
//! and can inject transport faults ([`Fault`]) such as resets and truncated
//! bodies.
//!
//! The server is written directly on tokio TCP sockets. It supports keep-alive,
//! pipelining, `Content-Length` and `Transfer-Encoding: chunked` request bodies,
//! and `Expect: 100-continue`. Malformed or oversized requests are answered with
//! `400 Bad Request` and the connection is closed; the server never panics on
//! client input.
//!
//! ```
//! use providers_mock::{MockServer, Reply};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # fn main() -> std::io::Result<()> {
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let server = MockServer::start().await?;
//! server.push(Reply::json(200, r#"{"ok":true}"#));
//!
//! let mut tcp = tokio::net::TcpStream::connect(server.addr()).await?;
//! tcp.write_all(b"GET /v1/balance?key=a%20b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
//!     .await?;
//! let mut response = Vec::new();
//! tcp.read_to_end(&mut response).await?;
//! assert!(response.starts_with(b"HTTP/1.1 200 OK\r\n"));
//!
//! let seen = server.requests();
//! assert_eq!(seen[0].target, "/v1/balance?key=a%20b");
//! assert_eq!(seen[0].query_pairs(), vec![("key".to_string(), "a b".to_string())]);
//! # Ok(())
//! # })
//! # }
//! ```

#![deny(missing_docs)]

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{AbortHandle, JoinHandle, JoinSet};

/// Largest accepted request head (request line, headers and the blank line), in bytes.
/// Larger heads are answered with `400 Bad Request`.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Largest accepted (decoded) request body, in bytes. Larger bodies are answered
/// with `400 Bad Request`.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// How much the socket reader asks for per read call.
const READ_CHUNK: usize = 16 * 1024;

/// Accept queue length requested from the kernel (capped by `somaxconn`).
const ACCEPT_BACKLOG: u32 = 1024;

/// Receive buffers larger than this are shrunk back between requests.
const KEEP_BUFFER: usize = 256 * 1024;

/// Longest chunk-size line (size plus extensions) accepted in a chunked body.
const MAX_CHUNK_LINE: usize = 4096;

/// How long a closing connection keeps draining client bytes after our FIN,
/// so that unread input does not turn the close into a reset.
const LINGER: Duration = Duration::from_millis(500);

/// Maximum bytes drained during a lingering close.
const LINGER_BYTES: usize = 1024 * 1024;

/// Locks a mutex, recovering the data if another thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

// ---------------------------------------------------------------------------
// Public data types
// ---------------------------------------------------------------------------

/// A transport-level misbehaviour injected instead of (or while) sending a reply.
///
/// Faults apply after the reply's [`Reply::delay`], and always after the request
/// has been read completely and recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection (RST if possible via SO_LINGER 0, else plain close) without writing any response.
    ResetBeforeResponse,
    /// Send the status line, headers (with the full Content-Length) and half the body, then close abruptly.
    ///
    /// The headers carry no `connection` header (unless the reply sets one). The
    /// socket is closed with `SO_LINGER 0` so the client sees a reset (or an early
    /// EOF) after receiving `body.len() / 2` body bytes. Use a non-empty body:
    /// with an empty body the truncated response is indistinguishable from a
    /// complete one.
    ResetMidBody,
    /// Send headers then the body in chunks of `chunk` bytes with `every` pause between chunks.
    ///
    /// The response is otherwise complete and well formed (full `content-length`,
    /// `connection: keep-alive`), and the connection stays usable afterwards.
    /// A `chunk` of 0 is treated as 1.
    Trickle {
        /// Bytes written per step.
        chunk: usize,
        /// Pause between two consecutive steps (not before the first or after the last).
        every: Duration,
    },
    /// Drop the connection after reading the request, no bytes written (same as ResetBeforeResponse but graceful FIN).
    CloseBeforeResponse,
}

/// A scripted response.
///
/// The status line is always `HTTP/1.1 <status> <reason>`. Headers are written
/// verbatim in the order they were added, followed by the framing headers the
/// server adds itself:
///
/// * `content-length: <body length>`, unless the reply already has a
///   `content-length` or `transfer-encoding` header (then the body is sent
///   verbatim and framing is up to the test), or the status is 1xx, 204 or 304
///   (then neither the header nor the body is sent);
/// * `connection: keep-alive` (or `connection: close` when the client asked to
///   close), unless the reply already has a `connection` header or is a fault
///   other than [`Fault::Trickle`]. A reply whose own `connection` header
///   contains `close` closes the connection after it is sent.
///
/// Bodies are never transformed, so a reply with a `content-encoding` header
/// and pre-compressed bytes is sent as-is. Responses to `HEAD` requests carry
/// the headers only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Option<Duration>,
    fault: Option<Fault>,
}

impl Reply {
    /// A reply with the given status, no headers and an empty body.
    pub fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: None,
            fault: None,
        }
    }

    /// A reply with `content-type: application/json` and the given body.
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::new(status)
            .header("content-type", "application/json")
            .body(body.into())
    }

    /// A reply with the given `content-type` and body.
    pub fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status)
            .header("content-type", content_type)
            .body(body)
    }

    /// Appends a header (written verbatim; repeated names are allowed, e.g. several `set-cookie`).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, bytes: impl Into<Vec<u8>>) -> Reply {
        self.body = bytes.into();
        self
    }

    /// Waits this long (after recording the request) before sending the status line/headers
    /// or applying the fault.
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = Some(d);
        self
    }

    /// Injects a transport fault when this reply is served.
    pub fn fault(mut self, f: Fault) -> Reply {
        self.fault = Some(f);
        self
    }

    /// The status code.
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// The headers added so far, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body bytes.
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.trim().eq_ignore_ascii_case(name))
    }

    fn asks_close(&self) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case("connection"))
            .any(|(_, v)| has_token(v, "close"))
    }
}

/// One request as received by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The method exactly as sent, e.g. `"GET"`.
    pub method: String,
    /// Raw request-target exactly as sent, e.g. `"/api/x/?token=a%20b"`.
    pub target: String,
    /// The target before the first `?`.
    pub path: String,
    /// Raw text after the first `?`, not decoded (`Some("")` for a bare trailing `?`).
    pub query: Option<String>,
    /// Header names lowercased, values as sent (surrounding spaces/tabs trimmed,
    /// non-UTF-8 bytes replaced), in order, repeated headers kept.
    pub headers: Vec<(String, String)>,
    /// The body; chunked bodies are decoded (trailers are dropped).
    pub body: Vec<u8>,
    /// The protocol version from the request line, e.g. `"HTTP/1.1"`.
    pub version: String,
    /// Sequence number of the TCP connection the request arrived on (starting at 1),
    /// so tests can check keep-alive reuse.
    pub connection: u64,
    /// The raw request head bytes: request line and header lines including the
    /// final blank line, exactly as received (original header-name casing).
    pub raw_head: Vec<u8>,
}

impl Recorded {
    /// The first value of the named header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the named header (case-insensitive), in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The query decoded as `application/x-www-form-urlencoded` (see [`form_decode`]).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query.as_deref().map(form_decode).unwrap_or_default()
    }

    /// The body decoded as `application/x-www-form-urlencoded` (see [`form_decode`]).
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        form_decode(&String::from_utf8_lossy(&self.body))
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The raw head as text (invalid UTF-8 replaced).
    pub fn head_text(&self) -> String {
        String::from_utf8_lossy(&self.raw_head).into_owned()
    }

    /// Cookies from every `Cookie` header (`"a=b; c=d"`), in order, names and
    /// values trimmed and not decoded. A piece without `=` yields an empty value.
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.header_all("cookie")
            .into_iter()
            .flat_map(|h| h.split(';'))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect()
    }
}

/// Percent-decoding for form/query text, exposed for tests.
///
/// Splits on `&` (empty pieces skipped), then each piece at its first `=` (a
/// piece without `=` has an empty value); `+` becomes a space and `%XX` the
/// byte it encodes. Malformed escapes are kept literally, and invalid UTF-8 in
/// the decoded bytes is replaced. Order is kept.
pub fn form_decode(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(s: &str) -> String {
    fn hex(b: &u8) -> Option<u8> {
        (*b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => match (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a comma-separated header value contains `token` (case-insensitive).
fn has_token(value: &str, token: &str) -> bool {
    value
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

// ---------------------------------------------------------------------------
// Server handle and shared state
// ---------------------------------------------------------------------------

struct State {
    queue: Mutex<VecDeque<Reply>>,
    fallback: Mutex<Reply>,
    requests: Mutex<Vec<Recorded>>,
    count: AtomicUsize,
    rejected: AtomicUsize,
    panics: AtomicUsize,
    connections: AtomicU64,
    recording: AtomicBool,
}

impl State {
    fn next_reply(&self) -> Reply {
        if let Some(r) = lock(&self.queue).pop_front() {
            return r;
        }
        lock(&self.fallback).clone()
    }
}

fn default_fallback() -> Reply {
    Reply::text(404, "text/plain", "no scripted reply")
}

struct Inner {
    state: Arc<State>,
    addr: SocketAddr,
    abort: AbortHandle,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// A running mock server.
///
/// Cloning gives another handle to the same server. The server (listener and
/// all open connections) stops when the last handle is dropped, or on
/// [`MockServer::shutdown`].
#[derive(Clone)]
pub struct MockServer {
    inner: Arc<Inner>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.inner.addr)
            .field("request_count", &self.request_count())
            .finish()
    }
}

impl MockServer {
    /// Binds `127.0.0.1:0` and spawns the accept loop on the current tokio runtime.
    ///
    /// Must be called from within a tokio runtime.
    pub async fn start() -> io::Result<MockServer> {
        // Bind through TcpSocket to get a larger accept backlog than the
        // default 128, so bursts of hundreds of concurrent connects (load
        // tests) do not overflow it and stall on SYN retransmits.
        let socket = TcpSocket::new_v4()?;
        socket.bind(SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)))?;
        let listener = socket.listen(ACCEPT_BACKLOG)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            queue: Mutex::new(VecDeque::new()),
            fallback: Mutex::new(default_fallback()),
            requests: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
            panics: AtomicUsize::new(0),
            connections: AtomicU64::new(0),
            recording: AtomicBool::new(true),
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        Ok(MockServer {
            inner: Arc::new(Inner {
                state,
                addr,
                abort: task.abort_handle(),
                task: Mutex::new(Some(task)),
            }),
        })
    }

    /// The base URL, `"http://127.0.0.1:PORT"` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// Appends a reply to the FIFO queue; each request (on any connection) consumes one.
    pub fn push(&self, reply: Reply) {
        lock(&self.inner.state.queue).push_back(reply);
    }

    /// Sets the reply served when the queue is empty.
    ///
    /// The default is a `404` with `content-type: text/plain` and body `no scripted reply`.
    pub fn set_fallback(&self, reply: Reply) {
        *lock(&self.inner.state.fallback) = reply;
    }

    /// Number of queued replies not yet consumed.
    pub fn pending_replies(&self) -> usize {
        lock(&self.inner.state.queue).len()
    }

    /// Every request recorded so far, in arrival order, including requests that
    /// were answered by a fault. Malformed requests (answered with 400) are not
    /// recorded; see [`MockServer::rejected_count`].
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.inner.state.requests).clone()
    }

    /// Removes and returns the recorded requests (the count is not reset).
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut *lock(&self.inner.state.requests))
    }

    /// Number of well-formed requests received so far (counted even while recording is off).
    ///
    /// A request is counted (and recorded) after its body has been read and
    /// before its reply (or delay, or fault) starts.
    pub fn request_count(&self) -> usize {
        self.inner.state.count.load(Ordering::SeqCst)
    }

    /// Switches recording of requests on or off (on by default). While off,
    /// requests are only counted, which keeps memory flat under load.
    pub fn set_recording(&self, on: bool) {
        self.inner.state.recording.store(on, Ordering::SeqCst);
    }

    /// Number of requests answered with `400 Bad Request` because they were
    /// malformed or over the size limits.
    pub fn rejected_count(&self) -> usize {
        self.inner.state.rejected.load(Ordering::SeqCst)
    }

    /// Number of TCP connections accepted so far.
    pub fn connection_count(&self) -> u64 {
        self.inner.state.connections.load(Ordering::SeqCst)
    }

    /// Number of connection tasks that ended in a panic. This is a bug in the
    /// mock if it is ever non-zero; tests can assert on it.
    pub fn internal_errors(&self) -> usize {
        self.inner.state.panics.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` requests were counted, or `timeout` elapsed.
    /// Returns whether the count was reached.
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.request_count() >= n {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Stops the server: closes the listener and aborts every open connection,
    /// even if other handles still exist. Recorded data stays readable through
    /// other handles.
    pub async fn shutdown(self) {
        self.inner.abort.abort();
        let task = lock(&self.inner.task).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    // Dropping this set (when the accept loop is aborted) aborts every connection task.
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    let id = state.connections.fetch_add(1, Ordering::SeqCst) + 1;
                    conns.spawn(serve(stream, Arc::clone(&state), id));
                }
                // E.g. out of file descriptors under load: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            Some(done) = conns.join_next(), if !conns.is_empty() => {
                if matches!(done, Err(ref e) if e.is_panic()) {
                    state.panics.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Request parsing
// ---------------------------------------------------------------------------

/// Why a connection stops being served.
#[derive(Debug)]
enum Failure {
    /// The client closed (possibly mid-request) or the socket failed.
    Gone,
    /// The request is malformed: answer 400 and close.
    Bad(&'static str),
}

impl From<io::Error> for Failure {
    fn from(_: io::Error) -> Failure {
        Failure::Gone
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Framing {
    Length(usize),
    Chunked,
}

#[derive(Debug)]
struct Head {
    method: String,
    target: String,
    minor: u8,
    headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn framing(&self) -> Result<Framing, &'static str> {
        let te: Vec<&str> = self
            .values("transfer-encoding")
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let has_te = self.values("transfer-encoding").next().is_some();
        let has_cl = self.values("content-length").next().is_some();
        if has_te {
            if has_cl {
                return Err("both content-length and transfer-encoding");
            }
            if self.minor == 0 {
                return Err("transfer-encoding in an HTTP/1.0 request");
            }
            return match te.as_slice() {
                [only] if only.eq_ignore_ascii_case("chunked") => Ok(Framing::Chunked),
                _ => Err("unsupported transfer-encoding"),
            };
        }
        let mut length: Option<usize> = None;
        for v in self.values("content-length").flat_map(|v| v.split(',')) {
            let v = v.trim();
            if v.is_empty() || v.len() > 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err("invalid content-length");
            }
            let n: usize = v.parse().map_err(|_| "invalid content-length")?;
            if length.is_some_and(|l| l != n) {
                return Err("conflicting content-length values");
            }
            length = Some(n);
        }
        match length {
            Some(n) if n > MAX_BODY_BYTES => Err("request body too large"),
            Some(n) => Ok(Framing::Length(n)),
            None => Ok(Framing::Length(0)),
        }
    }

    /// Whether the connection must close after this request.
    fn wants_close(&self) -> bool {
        let mut close = false;
        let mut keep = false;
        for v in self.values("connection") {
            close |= has_token(v, "close");
            keep |= has_token(v, "keep-alive");
        }
        close || (self.minor == 0 && !keep)
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Parses a request head: request line plus header lines, each ending in
/// `\n` (optionally preceded by `\r`), ending with a blank line.
fn parse_head(head: &[u8]) -> Result<Head, &'static str> {
    // Only `\n`-terminated lines count; a trailing fragment is never a line.
    let mut lines = head
        .split_inclusive(|&b| b == b'\n')
        .filter_map(|l| l.strip_suffix(b"\n"))
        .map(strip_cr);
    let request_line = lines.next().ok_or("empty request")?;

    let mut parts = request_line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed request line");
    };
    if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) {
        return Err("malformed method");
    }
    if target.is_empty() || target.iter().any(|&b| b < 0x21 || b == 0x7f) {
        return Err("malformed request target");
    }
    let target = std::str::from_utf8(target).map_err(|_| "request target is not UTF-8")?;
    let minor = match version {
        b"HTTP/1.1" => 1,
        b"HTTP/1.0" => 0,
        _ => return Err("unsupported HTTP version"),
    };

    let mut headers = Vec::new();
    let mut ended = false;
    for line in lines {
        if line.is_empty() {
            ended = true;
            break;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return Err("obsolete header line folding");
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or("header line without colon")?;
        let (name, value) = line.split_at(colon);
        let value = trim_ows(value.get(1..).unwrap_or_default());
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return Err("malformed header name");
        }
        if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err("control character in header value");
        }
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let value = String::from_utf8_lossy(value).into_owned();
        headers.push((name, value));
    }
    if !ended {
        return Err("unterminated request head");
    }
    Ok(Head {
        method: String::from_utf8_lossy(method).into_owned(),
        target: target.to_string(),
        minor,
        headers,
    })
}

/// Parses a chunk-size line (without its line ending): hex size, optional
/// whitespace, optional `;extensions`.
fn parse_chunk_size(line: &[u8]) -> Result<usize, &'static str> {
    let (size, ext) = match line.iter().position(|&b| b == b';') {
        Some(i) => line.split_at(i),
        None => (line, &[][..]),
    };
    if ext.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err("control character in chunk extension");
    }
    let size = trim_ows(size);
    if size.is_empty() || size.len() > 8 || !size.iter().all(u8::is_ascii_hexdigit) {
        return Err("malformed chunk size");
    }
    let text = std::str::from_utf8(size).map_err(|_| "malformed chunk size")?;
    usize::from_str_radix(text, 16).map_err(|_| "malformed chunk size")
}

// ---------------------------------------------------------------------------
// Connection handling
// ---------------------------------------------------------------------------

/// What to do with the connection after a response.
enum Next {
    KeepAlive,
    /// Close with FIN (after a lingering drain).
    Close,
    /// Close with RST (SO_LINGER 0).
    Reset,
}

struct Conn {
    stream: TcpStream,
    /// Received bytes; `buf[start..]` is not yet consumed.
    buf: Vec<u8>,
    start: usize,
    id: u64,
}

impl Conn {
    fn avail(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    fn consume(&mut self, n: usize) {
        self.start = self.start.saturating_add(n).min(self.buf.len());
    }

    /// Reads more bytes. Offsets relative to `start` stay valid.
    async fn fill(&mut self) -> Result<(), Failure> {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.reserve(READ_CHUNK);
        match self.stream.read_buf(&mut self.buf).await? {
            0 => Err(Failure::Gone),
            _ => Ok(()),
        }
    }

    /// Makes sure at least `n` unconsumed bytes are buffered.
    async fn ensure(&mut self, n: usize) -> Result<(), Failure> {
        while self.avail().len() < n {
            self.fill().await?;
        }
        Ok(())
    }

    /// Waits for a complete request head. Returns `(begin, end)` relative to
    /// `start`: leading blank lines are skipped, `end` is just past the blank line.
    /// Returns `Ok(None)` on a clean EOF between requests.
    async fn read_head(&mut self) -> Result<Option<(usize, usize)>, Failure> {
        let mut scan = 0;
        let mut line_start = 0;
        let mut begin: Option<usize> = None;
        loop {
            let data = self.avail();
            while let Some(off) = data
                .get(scan..)
                .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            {
                let nl = scan + off;
                let blank = strip_cr(data.get(line_start..nl).unwrap_or_default()).is_empty();
                scan = nl + 1;
                match begin {
                    None if blank => {}
                    None => begin = Some(line_start),
                    Some(b) if blank => {
                        if scan > MAX_HEAD_BYTES {
                            return Err(Failure::Bad("request head too large"));
                        }
                        return Ok(Some((b, scan)));
                    }
                    Some(_) => {}
                }
                line_start = scan;
            }
            scan = data.len();
            if data.len() > MAX_HEAD_BYTES {
                return Err(Failure::Bad("request head too large"));
            }
            let idle = begin.is_none() && data.get(line_start..).unwrap_or_default().is_empty();
            match self.fill().await {
                Err(Failure::Gone) if idle => return Ok(None),
                other => other?,
            }
        }
    }

    /// Waits for a line of at most `max` content bytes. Returns
    /// `(content_len, consumed_len)` relative to `start`.
    async fn read_line(&mut self, max: usize) -> Result<(usize, usize), Failure> {
        let mut scanned = 0;
        loop {
            let data = self.avail();
            let limit = data.len().min(max.saturating_add(2));
            if let Some(off) = data
                .get(scanned..limit)
                .and_then(|s| s.iter().position(|&b| b == b'\n'))
            {
                let nl = scanned + off;
                let content = if nl > 0 && data.get(nl - 1) == Some(&b'\r') {
                    nl - 1
                } else {
                    nl
                };
                return Ok((content, nl + 1));
            }
            if data.len() >= max.saturating_add(2) {
                return Err(Failure::Bad("line too long in chunked body"));
            }
            scanned = limit;
            self.fill().await?;
        }
    }

    async fn read_chunked(&mut self) -> Result<Vec<u8>, Failure> {
        let mut body = Vec::new();
        loop {
            let (content, consumed) = self.read_line(MAX_CHUNK_LINE).await?;
            let size = parse_chunk_size(self.avail().get(..content).unwrap_or_default())
                .map_err(Failure::Bad)?;
            self.consume(consumed);
            if size == 0 {
                break;
            }
            if body.len().saturating_add(size) > MAX_BODY_BYTES {
                return Err(Failure::Bad("request body too large"));
            }
            self.ensure(size).await?;
            body.extend_from_slice(self.avail().get(..size).unwrap_or_default());
            self.consume(size);
            let (content, consumed) = self.read_line(0).await?;
            if content != 0 {
                return Err(Failure::Bad("chunk data not followed by CRLF"));
            }
            self.consume(consumed);
        }
        // Trailer section: validated loosely and dropped.
        let mut trailer_bytes = 0usize;
        loop {
            let (content, consumed) = self.read_line(MAX_HEAD_BYTES).await?;
            trailer_bytes = trailer_bytes.saturating_add(consumed);
            if trailer_bytes > MAX_HEAD_BYTES {
                return Err(Failure::Bad("trailer section too large"));
            }
            let line = self.avail().get(..content).unwrap_or_default();
            if content == 0 {
                self.consume(consumed);
                return Ok(body);
            }
            if !line.contains(&b':') || line.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
            {
                return Err(Failure::Bad("malformed trailer line"));
            }
            self.consume(consumed);
        }
    }

    /// Reads, records and answers one request.
    async fn serve_one(&mut self, state: &State) -> Result<Next, Failure> {
        let Some((begin, end)) = self.read_head().await? else {
            return Ok(Next::Close);
        };
        let raw = self.avail().get(begin..end).unwrap_or_default();
        let head = parse_head(raw).map_err(Failure::Bad)?;
        let recording = state.recording.load(Ordering::SeqCst);
        let raw_head = if recording { raw.to_vec() } else { Vec::new() };
        self.consume(end);

        let framing = head.framing().map_err(Failure::Bad)?;
        let expects_body = framing != Framing::Length(0);
        let expect_continue = head
            .values("expect")
            .any(|v| v.eq_ignore_ascii_case("100-continue"));
        if expect_continue && head.minor == 1 && expects_body && self.avail().is_empty() {
            self.stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await?;
        }
        let body = match framing {
            Framing::Length(n) => {
                self.ensure(n).await?;
                let body = self.avail().get(..n).unwrap_or_default().to_vec();
                self.consume(n);
                body
            }
            Framing::Chunked => self.read_chunked().await?,
        };

        let client_close = head.wants_close();
        let head_only = head.method == "HEAD";
        if recording {
            let (path, query) = match head.target.split_once('?') {
                Some((p, q)) => (p.to_string(), Some(q.to_string())),
                None => (head.target.clone(), None),
            };
            let rec = Recorded {
                version: if head.minor == 1 {
                    "HTTP/1.1"
                } else {
                    "HTTP/1.0"
                }
                .to_string(),
                method: head.method,
                target: head.target,
                path,
                query,
                headers: head.headers,
                body,
                connection: self.id,
                raw_head,
            };
            lock(&state.requests).push(rec);
        }
        state.count.fetch_add(1, Ordering::SeqCst);

        let reply = state.next_reply();
        self.respond(&reply, head_only, client_close).await
    }

    async fn respond(
        &mut self,
        reply: &Reply,
        head_only: bool,
        client_close: bool,
    ) -> Result<Next, Failure> {
        if let Some(d) = reply.delay {
            tokio::time::sleep(d).await;
        }
        let close = client_close || reply.asks_close();
        let connection = if close { "close" } else { "keep-alive" };
        let status = reply.status;
        let bodiless = (100..200).contains(&status) || status == 204 || status == 304;
        let body: &[u8] = if head_only || bodiless {
            &[]
        } else {
            &reply.body
        };

        match &reply.fault {
            Some(Fault::ResetBeforeResponse) => Ok(Next::Reset),
            Some(Fault::CloseBeforeResponse) => Ok(Next::Close),
            Some(Fault::ResetMidBody) => {
                let mut out = response_head(reply, bodiless, None);
                out.extend_from_slice(body.get(..body.len() / 2).unwrap_or_default());
                self.stream.write_all(&out).await?;
                self.stream.flush().await?;
                Ok(Next::Reset)
            }
            Some(Fault::Trickle { chunk, every }) => {
                let head = response_head(reply, bodiless, Some(connection));
                self.stream.write_all(&head).await?;
                for (i, piece) in body.chunks((*chunk).max(1)).enumerate() {
                    if i > 0 {
                        tokio::time::sleep(*every).await;
                    }
                    self.stream.write_all(piece).await?;
                }
                self.stream.flush().await?;
                Ok(if close { Next::Close } else { Next::KeepAlive })
            }
            None => {
                let mut out = response_head(reply, bodiless, Some(connection));
                out.extend_from_slice(body);
                self.stream.write_all(&out).await?;
                Ok(if close { Next::Close } else { Next::KeepAlive })
            }
        }
    }

    /// Between requests: give back memory from an unusually large request.
    fn shrink(&mut self) {
        if self.buf.capacity() > KEEP_BUFFER {
            self.buf.drain(..self.start);
            self.start = 0;
            self.buf.shrink_to(READ_CHUNK.max(self.buf.len()));
        }
    }

    async fn write_bad_request(&mut self, reason: &str) -> io::Result<()> {
        let msg = format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
            reason.len(),
            reason
        );
        self.stream.write_all(msg.as_bytes()).await?;
        self.stream.flush().await
    }

    /// Sends FIN, then drains input for a short while so unread client bytes
    /// do not make the kernel answer with a reset that could destroy the
    /// response in flight.
    async fn lingering_close(mut self) {
        if self.stream.shutdown().await.is_err() {
            return;
        }
        let mut sink = [0u8; 4096];
        let mut drained = 0usize;
        let _ = tokio::time::timeout(LINGER, async {
            while drained < LINGER_BYTES {
                match self.stream.read(&mut sink).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => drained += n,
                }
            }
        })
        .await;
    }

    fn reset(self) {
        let _ = self.stream.set_zero_linger();
        drop(self.stream);
    }
}

/// Builds the status line and headers (see [`Reply`] for the framing rules).
fn response_head(reply: &Reply, bodiless: bool, connection: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + reply.headers.len() * 48);
    out.extend_from_slice(
        format!(
            "HTTP/1.1 {} {}\r\n",
            reply.status,
            reason_phrase(reply.status)
        )
        .as_bytes(),
    );
    for (name, value) in &reply.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !bodiless && !reply.has_header("content-length") && !reply.has_header("transfer-encoding") {
        out.extend_from_slice(format!("content-length: {}\r\n", reply.body.len()).as_bytes());
    }
    if let Some(c) = connection {
        if !reply.has_header("connection") {
            out.extend_from_slice(format!("connection: {c}\r\n").as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        418 => "I'm a teapot",
        422 => "Unprocessable Content",
        425 => "Too Early",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

async fn serve(stream: TcpStream, state: Arc<State>, id: u64) {
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
        start: 0,
        id,
    };
    loop {
        match conn.serve_one(&state).await {
            Ok(Next::KeepAlive) => conn.shrink(),
            Ok(Next::Close) => return conn.lingering_close().await,
            Ok(Next::Reset) => return conn.reset(),
            Err(Failure::Bad(reason)) => {
                state.rejected.fetch_add(1, Ordering::SeqCst);
                if conn.write_bad_request(reason).await.is_ok() {
                    conn.lingering_close().await;
                }
                return;
            }
            Err(Failure::Gone) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn form_decode_handles_plus_percent_and_bad_escapes() {
        assert_eq!(
            form_decode("a=1&b=x+y&c=%41%2b%zz&&d&e=%E2%82%AC&f=%"),
            pairs(&[
                ("a", "1"),
                ("b", "x y"),
                ("c", "A+%zz"),
                ("d", ""),
                ("e", "€"),
                ("f", "%")
            ])
        );
        assert_eq!(form_decode(""), pairs(&[]));
        assert_eq!(form_decode("k=v=w"), pairs(&[("k", "v=w")]));
        assert_eq!(form_decode("%FF=1"), pairs(&[("\u{FFFD}", "1")]));
    }

    #[test]
    fn parse_head_accepts_bare_lf_and_rejects_junk() {
        let h = parse_head(b"GET /x?y HTTP/1.0\nA:  b \n\n").expect("valid");
        assert_eq!(h.method, "GET");
        assert_eq!(h.target, "/x?y");
        assert_eq!(h.minor, 0);
        assert_eq!(h.headers, pairs(&[("a", "b")]));
        assert!(h.wants_close());

        for bad in [
            &b"GET /x HTTP/2.0\r\n\r\n"[..],
            b"GET  /x HTTP/1.1\r\n\r\n",
            b"G(T /x HTTP/1.1\r\n\r\n",
            b"GET /x HTTP/1.1\r\nNo colon\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA : b\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA: b\0c\r\n\r\n",
            b"GET /\xff HTTP/1.1\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA: b\r\n",
        ] {
            assert!(
                parse_head(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn framing_rules() {
        let f = |s: &[u8]| parse_head(s).expect("valid head").framing();
        assert_eq!(f(b"POST / HTTP/1.1\r\n\r\n"), Ok(Framing::Length(0)));
        assert_eq!(
            f(b"POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5, 5\r\n\r\n"),
            Ok(Framing::Length(5))
        );
        assert_eq!(
            f(b"POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"),
            Ok(Framing::Chunked)
        );
        assert!(f(b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").is_err());
        assert!(f(b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").is_err());
        assert!(f(b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n").is_err());
        assert!(f(b"POST / HTTP/1.1\r\nContent-Length: 16777217\r\n\r\n").is_err());
        assert!(f(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").is_err());
        assert!(
            f(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n")
                .is_err()
        );
    }

    #[test]
    fn chunk_size_lines() {
        assert_eq!(parse_chunk_size(b"1a"), Ok(26));
        assert_eq!(parse_chunk_size(b"A ;name=value"), Ok(10));
        assert_eq!(parse_chunk_size(b"0"), Ok(0));
        assert!(parse_chunk_size(b"").is_err());
        assert!(parse_chunk_size(b"zz").is_err());
        assert!(parse_chunk_size(b"-1").is_err());
        assert!(parse_chunk_size(b"123456789").is_err());
        assert!(parse_chunk_size(b"\xff").is_err());
    }

    #[test]
    fn recorded_helpers() {
        let r = Recorded {
            method: "POST".into(),
            target: "/p?a=1&b=%20".into(),
            path: "/p".into(),
            query: Some("a=1&b=%20".into()),
            headers: pairs(&[
                ("cookie", "a=b; c=d"),
                ("x-y", "1"),
                ("cookie", " e = f ;flag"),
                ("x-y", "2"),
            ]),
            body: b"k=v+w".to_vec(),
            version: "HTTP/1.1".into(),
            connection: 1,
            raw_head: Vec::new(),
        };
        assert_eq!(r.header("X-Y"), Some("1"));
        assert_eq!(r.header_all("x-y"), vec!["1", "2"]);
        assert_eq!(r.header("missing"), None);
        assert_eq!(r.query_pairs(), pairs(&[("a", "1"), ("b", " ")]));
        assert_eq!(r.form_pairs(), pairs(&[("k", "v w")]));
        assert_eq!(
            r.cookies(),
            pairs(&[("a", "b"), ("c", "d"), ("e", "f"), ("flag", "")])
        );
        assert_eq!(r.body_text(), "k=v+w");
    }

    #[test]
    fn response_head_framing() {
        let text = |r: &Reply, bodiless, c| {
            String::from_utf8(response_head(r, bodiless, c)).expect("utf8")
        };
        assert_eq!(
            text(&Reply::json(200, "{}"), false, Some("keep-alive")),
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n"
        );
        assert_eq!(
            text(&Reply::new(204), true, Some("close")),
            "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"
        );
        assert_eq!(
            text(
                &Reply::new(599)
                    .header("Content-Length", "7")
                    .header("Connection", "close"),
                false,
                Some("keep-alive")
            ),
            "HTTP/1.1 599 \r\nContent-Length: 7\r\nConnection: close\r\n\r\n"
        );
        assert!(Reply::new(200)
            .header("Connection", "Upgrade, Close")
            .asks_close());
    }
}
