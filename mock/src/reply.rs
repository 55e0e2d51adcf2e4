//! Scripted responses: [`Reply`], the [`Fault`]s a reply can inject, and the
//! exact bytes of a response head.

use std::time::Duration;

use crate::parse::has_token;

/// A transport-level misbehaviour injected instead of (or while) sending a reply.
///
/// Faults apply after the reply's [`Reply::delay`], and always after the request
/// has been read completely and recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection with a reset (`SO_LINGER 0`) without writing any response.
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
}

/// A scripted response.
///
/// The status line is `HTTP/1.1 <status> ` (no reason phrase: clients read the
/// code). Headers are written verbatim in the order they were added, followed
/// by the framing headers the server adds itself:
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
/// and pre-compressed bytes is sent as-is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Option<Duration>,
    pub(crate) fault: Option<Fault>,
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
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body bytes (what is sent, unless a fault cuts it).
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.trim().eq_ignore_ascii_case(name))
    }

    pub(crate) fn asks_close(&self) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case("connection"))
            .any(|(_, v)| has_token(v, "close"))
    }

    /// 1xx, 204 and 304 responses have no body.
    pub(crate) fn bodiless(&self) -> bool {
        (100..200).contains(&self.status) || self.status == 204 || self.status == 304
    }

    /// The status line and headers (see [`Reply`] for the framing rules);
    /// `connection` is the value of the `connection` header to add, if any.
    pub(crate) fn head(&self, connection: Option<&str>) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.headers.len() * 48);
        out.extend_from_slice(format!("HTTP/1.1 {} \r\n", self.status).as_bytes());
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        if !self.bodiless()
            && !self.has_header("content-length")
            && !self.has_header("transfer-encoding")
        {
            out.extend_from_slice(format!("content-length: {}\r\n", self.body.len()).as_bytes());
        }
        if let Some(c) = connection {
            if !self.has_header("connection") {
                out.extend_from_slice(format!("connection: {c}\r\n").as_bytes());
            }
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_head_framing() {
        let text = |r: &Reply, c| String::from_utf8(r.head(c)).expect("utf8");
        assert_eq!(
            text(&Reply::json(200, "{}"), Some("keep-alive")),
            "HTTP/1.1 200 \r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n"
        );
        assert_eq!(
            text(&Reply::new(204), Some("close")),
            "HTTP/1.1 204 \r\nconnection: close\r\n\r\n"
        );
        assert_eq!(
            text(
                &Reply::new(599)
                    .header("Content-Length", "7")
                    .header("Connection", "close"),
                Some("keep-alive")
            ),
            "HTTP/1.1 599 \r\nContent-Length: 7\r\nConnection: close\r\n\r\n"
        );
        assert!(Reply::new(200)
            .header("Connection", "Upgrade, Close")
            .asks_close());
    }
}
