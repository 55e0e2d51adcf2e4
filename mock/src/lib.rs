//! An in-process HTTP/1.1 mock provider for tests.
//!
//! [`MockServer`] listens on `127.0.0.1` on a free port (or the address given to
//! [`MockServer::start_on`]), records every request it receives exactly as it
//! arrived on the wire ([`Recorded`]), and answers with scripted [`Reply`]
//! values taken from a FIFO queue shared by all connections. Once the queue is
//! empty, a handler set with [`MockServer::set_handler`] answers each request
//! from what it received, or else a fallback reply does. Replies can be delayed
//! and can inject transport faults ([`Fault`]): resets before and in the middle
//! of the body, and bodies trickled out slowly.
//!
//! The server is written directly on tokio TCP sockets, for the requests an
//! HTTP client library sends: HTTP/1.1 with keep-alive and `Content-Length`
//! bodies. Anything else (HTTP/1.0, `Transfer-Encoding`, malformed or
//! oversized requests) is answered with `400` and the connection is closed;
//! the server never panics on client input.
//!
//! Layers: `parse` reads request heads, `record` keeps them,
//! `reply` builds response bytes, `conn` serves one connection; this file is
//! the handle tests hold.
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
//! assert!(response.starts_with(b"HTTP/1.1 200 \r\n"));
//!
//! let seen = server.requests();
//! assert_eq!(seen[0].target, "/v1/balance?key=a%20b");
//! assert_eq!(seen[0].query_pairs(), vec![("key".to_string(), "a b".to_string())]);
//! # Ok(())
//! # })
//! # }
//! ```

#![deny(missing_docs)]

mod conn;
mod parse;
mod record;
mod reply;

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};
use tokio::task::{AbortHandle, JoinHandle, JoinSet};

pub use record::{form_decode, percent_decode, Recorded};
pub use reply::{Fault, Reply};

/// Accept queue length requested from the kernel (capped by `somaxconn`), so
/// bursts of hundreds of concurrent connects (load tests) do not overflow the
/// default 128 and stall on SYN retransmits.
const ACCEPT_BACKLOG: u32 = 1024;

/// Locks a mutex, recovering the data if another thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Answers a request from what it carries (see [`MockServer::set_handler`]).
type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

struct State {
    queue: Mutex<VecDeque<Reply>>,
    handler: Mutex<Option<Handler>>,
    fallback: Mutex<Reply>,
    requests: Mutex<Vec<Recorded>>,
    count: AtomicUsize,
    connections: AtomicU64,
    recording: AtomicBool,
}

impl State {
    fn handler(&self) -> Option<Handler> {
        lock(&self.handler).clone()
    }

    /// The next queued reply, else the handler's answer to `request` (given
    /// whenever a handler is set), else the fallback.
    fn next_reply(&self, handler: Option<&Handler>, request: Option<&Recorded>) -> Reply {
        if let Some(r) = lock(&self.queue).pop_front() {
            return r;
        }
        match (handler, request) {
            (Some(h), Some(req)) => h(req),
            _ => lock(&self.fallback).clone(),
        }
    }
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
        MockServer::start_on(SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Binds `addr` (port 0 picks a free port; [`MockServer::addr`] tells which)
    /// and spawns the accept loop on the current tokio runtime. The address is
    /// reusable at once after an earlier server on it stopped (`SO_REUSEADDR`);
    /// a port another socket listens on is an error (`AddrInUse`).
    ///
    /// Must be called from within a tokio runtime.
    pub async fn start_on(addr: SocketAddr) -> io::Result<MockServer> {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        let listener = socket.listen(ACCEPT_BACKLOG)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            queue: Mutex::new(VecDeque::new()),
            handler: Mutex::new(None),
            fallback: Mutex::new(Reply::text(404, "text/plain", "no scripted reply")),
            requests: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
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

    /// Sets the reply served when the queue is empty and no handler is set.
    ///
    /// The default is a `404` with `content-type: text/plain` and body `no scripted reply`.
    pub fn set_fallback(&self, reply: Reply) {
        *lock(&self.inner.state.fallback) = reply;
    }

    /// Answers every request that finds the queue empty with `handler`'s reply
    /// to it, instead of the fallback (a server that computes its answers, such
    /// as one serving a spec's examples). The handler sees the request as
    /// [`MockServer::requests`] would record it, also while recording is off,
    /// and runs on the connection's task: it should return quickly (a slow
    /// answer is a [`Reply::delay`]). A panic in it stops the server, like any
    /// bug in the mock.
    pub fn set_handler(&self, handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) {
        *lock(&self.inner.state.handler) = Some(Arc::new(handler));
    }

    /// Every request recorded so far, in arrival order, including requests that
    /// were answered by a fault. Malformed requests (answered with 400) are not
    /// recorded.
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
    // Dropping this set (when the accept loop ends) aborts every connection task.
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    let id = state.connections.fetch_add(1, Ordering::SeqCst) + 1;
                    conns.spawn(conn::serve(stream, Arc::clone(&state), id));
                }
                // E.g. out of file descriptors under load: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            Some(done) = conns.join_next(), if !conns.is_empty() => {
                // A panic is a bug in the mock: stop serving, so that the test
                // sees refused connections instead of a silently lost request.
                if let Err(e) = done {
                    if e.is_panic() {
                        std::panic::resume_unwind(e.into_panic());
                    }
                }
            }
        }
    }
}
