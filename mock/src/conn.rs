//! One TCP connection: read a request, record it, answer with the next
//! scripted reply (applying its delay and fault), and keep the connection
//! alive, close it or reset it.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::parse::{parse_head, strip_cr, MAX_HEAD_BYTES};
use crate::{lock, Fault, Recorded, Reply, State};

/// How much the socket reader asks for per read call.
const READ_CHUNK: usize = 16 * 1024;

/// How long a closing connection keeps draining client bytes after our FIN,
/// so that unread input does not turn the close into a reset.
const LINGER: Duration = Duration::from_millis(500);

/// Maximum bytes drained during a lingering close.
const LINGER_BYTES: usize = 1024 * 1024;

/// Why a connection stops being served.
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

/// Serves requests on `stream` until either side closes.
pub(crate) async fn serve(stream: TcpStream, state: Arc<State>, id: u64) {
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
        start: 0,
        id,
    };
    loop {
        match conn.serve_one(&state).await {
            Ok(Next::KeepAlive) => {}
            Ok(Next::Close) => return conn.lingering_close().await,
            Ok(Next::Reset) => return conn.reset(),
            Err(Failure::Bad(reason)) => {
                if conn.write_bad_request(reason).await.is_ok() {
                    conn.lingering_close().await;
                }
                return;
            }
            Err(Failure::Gone) => return,
        }
    }
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

    /// Reads, records and answers one request.
    async fn serve_one(&mut self, state: &State) -> Result<Next, Failure> {
        let Some((begin, end)) = self.read_head().await? else {
            return Ok(Next::Close);
        };
        let raw = self.avail().get(begin..end).unwrap_or_default();
        let head = parse_head(raw).map_err(Failure::Bad)?;
        let recording = state.recording.load(Ordering::SeqCst);
        let handler = state.handler();
        // A handler reads the request even while recording is off.
        let keep = recording || handler.is_some();
        let raw_head = if keep { raw.to_vec() } else { Vec::new() };
        self.consume(end);

        let length = head.body_length().map_err(Failure::Bad)?;
        while self.avail().len() < length {
            self.fill().await?;
        }
        let body = self.avail().get(..length).unwrap_or_default().to_vec();
        self.consume(length);

        let client_close = head.wants_close();
        let request = keep.then(|| {
            let (path, query) = match head.target.split_once('?') {
                Some((p, q)) => (p.to_string(), Some(q.to_string())),
                None => (head.target.clone(), None),
            };
            Recorded {
                method: head.method,
                target: head.target,
                path,
                query,
                headers: head.headers,
                body,
                connection: self.id,
                raw_head,
            }
        });
        let request = match request {
            Some(r) if recording && handler.is_some() => {
                lock(&state.requests).push(r.clone());
                Some(r)
            }
            Some(r) if recording => {
                lock(&state.requests).push(r);
                None
            }
            other => other,
        };
        state.count.fetch_add(1, Ordering::SeqCst);

        let reply = state.next_reply(handler.as_ref(), request.as_ref());
        self.respond(&reply, client_close).await
    }

    /// Writes `reply`, after its delay, as its fault says.
    async fn respond(&mut self, reply: &Reply, client_close: bool) -> Result<Next, Failure> {
        if let Some(d) = reply.delay {
            tokio::time::sleep(d).await;
        }
        let close = client_close || reply.asks_close();
        let connection = if close { "close" } else { "keep-alive" };
        let body: &[u8] = if reply.bodiless() { &[] } else { &reply.body };
        let after = if close { Next::Close } else { Next::KeepAlive };

        match &reply.fault {
            Some(Fault::ResetBeforeResponse) => Ok(Next::Reset),
            Some(Fault::ResetMidBody) => {
                let mut out = reply.head(None);
                out.extend_from_slice(body.get(..body.len() / 2).unwrap_or_default());
                self.stream.write_all(&out).await?;
                self.stream.flush().await?;
                Ok(Next::Reset)
            }
            Some(Fault::Trickle { chunk, every }) => {
                self.stream.write_all(&reply.head(Some(connection))).await?;
                for (i, piece) in body.chunks((*chunk).max(1)).enumerate() {
                    if i > 0 {
                        tokio::time::sleep(*every).await;
                    }
                    self.stream.write_all(piece).await?;
                }
                self.stream.flush().await?;
                Ok(after)
            }
            None => {
                let mut out = reply.head(Some(connection));
                out.extend_from_slice(body);
                self.stream.write_all(&out).await?;
                Ok(after)
            }
        }
    }

    async fn write_bad_request(&mut self, reason: &str) -> io::Result<()> {
        let msg = format!(
            "HTTP/1.1 400 \r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
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
