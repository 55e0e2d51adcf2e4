//! What the test modules share: a generated client against a fresh mock
//! server, decimals from literals, the one request a call sent, a URL nothing
//! listens on, and a writer that captures tracing output.

// Also compiled into `examples/mock_tour.rs` through `#[path]`.
pub mod tour;

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use providers_mock::{MockServer, Recorded};
use rust_decimal::Decimal;

/// Starts a mock server and builds a generated client against it:
/// `against_mock!(Client::builder().token(TOKEN))` gives `(server, client)`,
/// the client with the server's URL as base URL and a 5 s timeout.
macro_rules! against_mock {
    ($builder:expr) => {{
        let server = $crate::support::mock().await;
        let client = $builder
            .base_url(server.url())
            .timeout(::std::time::Duration::from_secs(5))
            .build()
            .expect("client");
        (server, client)
    }};
}
pub(crate) use against_mock;

/// A fresh mock server on 127.0.0.1.
pub async fn mock() -> MockServer {
    MockServer::start().await.expect("mock server")
}

/// A decimal from its literal text.
pub fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

/// The one request the server received (fails on none or several).
pub fn only_request(server: &MockServer) -> Recorded {
    let seen = server.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    seen.into_iter().next().expect("one request")
}

/// `http://127.0.0.1:<port>` where nothing listens (the port was just free).
pub fn closed_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let addr = l.local_addr().expect("addr");
    drop(l);
    format!("http://{addr}")
}

/// A `tracing_subscriber` writer that keeps everything written, for
/// asserting on the tracing output.
#[derive(Clone, Default)]
pub struct Capture {
    bytes: Arc<Mutex<Vec<u8>>>,
    /// When set, only what threads with this name write is kept.
    thread: Option<Arc<str>>,
}

impl Capture {
    /// Keeps only what threads named `name` write. A global subscriber hears
    /// every test of the binary; its test names its own threads.
    pub fn only_thread(name: &str) -> Capture {
        Capture {
            bytes: Arc::default(),
            thread: Some(name.into()),
        }
    }

    /// Everything kept so far.
    pub fn text(&self) -> String {
        let bytes = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(only) = &self.thread {
            if std::thread::current().name() != Some(&**only) {
                return Ok(buf.len());
            }
        }
        self.bytes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
