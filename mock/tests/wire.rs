//! Wire-level tests: raw TCP clients against the mock server.

use std::time::{Duration, Instant};

use providers_mock::{Fault, MockServer, Reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

const T: Duration = Duration::from_secs(5);

#[derive(Debug)]
struct Resp {
    status: u16,
    head: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn connect(server: &MockServer) -> TcpStream {
    TcpStream::connect(server.addr()).await.expect("connect")
}

/// Reads one response framed by content-length from `stream`, keeping any
/// extra bytes in `pending`.
async fn read_response(stream: &mut TcpStream, pending: &mut Vec<u8>) -> Resp {
    let head_end = loop {
        if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut buf = [0u8; 4096];
        let n = timeout(T, stream.read(&mut buf))
            .await
            .expect("timely")
            .expect("read");
        assert!(
            n > 0,
            "EOF before response head: {:?}",
            String::from_utf8_lossy(pending)
        );
        pending.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8(pending[..head_end].to_vec()).expect("utf8 head");
    pending.drain(..head_end);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status: u16 = status_line[9..12].parse().expect("status");
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once(": ").expect("header");
            (n.to_string(), v.to_string())
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().expect("length"))
        .unwrap_or(0);
    while pending.len() < len {
        let mut buf = [0u8; 4096];
        let n = timeout(T, stream.read(&mut buf))
            .await
            .expect("timely")
            .expect("read");
        assert!(n > 0, "EOF in body");
        pending.extend_from_slice(&buf[..n]);
    }
    let body = pending.drain(..len).collect();
    Resp {
        status,
        head,
        headers,
        body,
    }
}

/// Sends `raw` on a fresh connection and returns one response.
async fn exchange(server: &MockServer, raw: &[u8]) -> Resp {
    let mut s = connect(server).await;
    s.write_all(raw).await.expect("write");
    read_response(&mut s, &mut Vec::new()).await
}

/// Reads until EOF or error; returns the bytes and whether it ended in an error.
async fn read_until_end(stream: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match timeout(T, stream.read(&mut buf)).await.expect("timely") {
            Ok(0) => return (out, false),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (out, true),
        }
    }
}

#[tokio::test]
async fn get_with_query_is_recorded_exactly() {
    let server = MockServer::start().await.expect("start");
    assert_eq!(
        server.url(),
        format!("http://127.0.0.1:{}", server.addr().port())
    );
    server.push(Reply::json(200, r#"{"ok":true}"#).header("x-trace", "t1"));

    let raw = b"GET /api/x/?token=a%20b&q=1+2&e= HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Custom:  Foo Bar \r\nAccept: */*\r\nCookie: a=b; c=d\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n";
    let resp = exchange(&server, raw).await;
    assert_eq!(
        resp.head,
        "HTTP/1.1 200 \r\ncontent-type: application/json\r\nx-trace: t1\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n"
    );
    assert_eq!(resp.body, br#"{"ok":true}"#);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, "/api/x/?token=a%20b&q=1+2&e=");
    assert_eq!(r.path, "/api/x/");
    assert_eq!(r.query.as_deref(), Some("token=a%20b&q=1+2&e="));
    assert_eq!(
        r.headers,
        vec![
            ("host".to_string(), "127.0.0.1".to_string()),
            ("x-custom".to_string(), "Foo Bar".to_string()),
            ("accept".to_string(), "*/*".to_string()),
            ("cookie".to_string(), "a=b; c=d".to_string()),
            ("x-dup".to_string(), "1".to_string()),
            ("x-dup".to_string(), "2".to_string()),
        ]
    );
    assert_eq!(r.header("X-CUSTOM"), Some("Foo Bar"));
    assert_eq!(r.header_all("x-dup"), vec!["1", "2"]);
    assert_eq!(
        r.query_pairs(),
        vec![
            ("token".to_string(), "a b".to_string()),
            ("q".to_string(), "1 2".to_string()),
            ("e".to_string(), String::new()),
        ]
    );
    assert_eq!(
        r.cookies(),
        vec![
            ("a".to_string(), "b".to_string()),
            ("c".to_string(), "d".to_string())
        ]
    );
    assert!(r.body.is_empty());
    assert_eq!(r.raw_head, raw.to_vec());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn post_with_content_length_body() {
    let server = MockServer::start().await.expect("start");
    server.push(Reply::new(201));
    let body = "key=abc&action=add&link=https%3A%2F%2Fx.test%2Fp%3Fa%3D1&note=hello+world";
    let raw = format!(
        "POST /api/v2 HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        body
    );
    let mut s = connect(&server).await;
    // Split the write so the body arrives in a separate segment.
    let (a, b) = raw.as_bytes().split_at(raw.len() - 10);
    s.write_all(a).await.expect("write");
    tokio::time::sleep(Duration::from_millis(20)).await;
    s.write_all(b).await.expect("write");
    let resp = read_response(&mut s, &mut Vec::new()).await;
    assert_eq!(resp.status, 201);
    assert_eq!(resp.header("content-length"), Some("0"));

    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.query, None);
    assert_eq!(r.body_text(), body);
    assert_eq!(
        r.form_pairs(),
        vec![
            ("key".to_string(), "abc".to_string()),
            ("action".to_string(), "add".to_string()),
            ("link".to_string(), "https://x.test/p?a=1".to_string()),
            ("note".to_string(), "hello world".to_string()),
        ]
    );
}

#[tokio::test]
async fn keep_alive_serves_several_requests_then_honours_close() {
    let server = MockServer::start().await.expect("start");
    let mut s = connect(&server).await;
    let mut pending = Vec::new();

    s.write_all(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let r1 = read_response(&mut s, &mut pending).await;
    assert_eq!(r1.header("connection"), Some("keep-alive"));

    s.write_all(b"POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        .await
        .expect("write");
    let r2 = read_response(&mut s, &mut pending).await;
    assert_eq!(r2.header("connection"), Some("keep-alive"));

    s.write_all(b"GET /three HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    let r3 = read_response(&mut s, &mut pending).await;
    assert_eq!(r3.header("connection"), Some("keep-alive"));
    s.write_all(b"GET /four HTTP/1.1\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let r4 = read_response(&mut s, &mut pending).await;
    assert_eq!(r4.header("connection"), Some("close"));
    let (rest, _) = read_until_end(&mut s).await;
    assert!(rest.is_empty() && pending.is_empty());

    let reqs = server.requests();
    let paths: Vec<&str> = reqs.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/one", "/two", "/three", "/four"]);
    assert!(reqs.iter().all(|r| r.connection == reqs[0].connection));

    // A second connection gets a new id.
    exchange(&server, b"GET /five HTTP/1.1\r\n\r\n").await;
    assert_ne!(server.requests()[4].connection, reqs[0].connection);
}

#[tokio::test]
async fn queue_is_fifo_then_fallback() {
    let server = MockServer::start().await.expect("start");
    server.push(Reply::json(200, "1"));
    server.push(Reply::json(202, "2"));
    let mut s = connect(&server).await;
    let mut pending = Vec::new();
    let mut got = Vec::new();
    for _ in 0..3 {
        s.write_all(b"GET / HTTP/1.1\r\n\r\n").await.expect("write");
        let r = read_response(&mut s, &mut pending).await;
        got.push((r.status, String::from_utf8(r.body.clone()).expect("utf8")));
        if r.status == 404 {
            assert_eq!(r.header("content-type"), Some("text/plain"));
        }
    }
    assert_eq!(
        got,
        vec![
            (200, "1".to_string()),
            (202, "2".to_string()),
            (404, "no scripted reply".to_string())
        ]
    );
    server.set_fallback(Reply::text(418, "text/plain", "teapot"));
    // The queue is shared across connections.
    server.push(Reply::new(204));
    assert_eq!(
        exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await.status,
        204
    );
    let r = exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await;
    assert_eq!((r.status, r.body), (418, b"teapot".to_vec()));
}

#[tokio::test]
async fn bodiless_statuses_send_no_body() {
    let server = MockServer::start().await.expect("start");
    server.push(Reply::new(204).body("ignored"));
    server.push(Reply::new(304).body("ignored"));
    server.push(Reply::new(200).body("after"));
    let mut s = connect(&server).await;
    let mut pending = Vec::new();
    let mut buf = vec![0u8; 4096];
    for status in ["204", "304"] {
        s.write_all(b"DELETE /d HTTP/1.1\r\n\r\n")
            .await
            .expect("write");
        let n = timeout(T, s.read(&mut buf))
            .await
            .expect("timely")
            .expect("read");
        assert_eq!(
            String::from_utf8_lossy(&buf[..n]),
            format!("HTTP/1.1 {status} \r\nconnection: keep-alive\r\n\r\n")
        );
    }
    s.write_all(b"GET / HTTP/1.1\r\n\r\n").await.expect("write");
    assert_eq!(read_response(&mut s, &mut pending).await.body, b"after");
}

#[tokio::test]
async fn content_encoding_body_is_sent_as_is() {
    let server = MockServer::start().await.expect("start");
    let fake_gzip: Vec<u8> = vec![0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x80, 0x0d, 0x0a];
    server.push(
        Reply::new(200)
            .header("Content-Encoding", "gzip")
            .header("content-type", "application/json")
            .body(fake_gzip.clone()),
    );
    let r = exchange(&server, b"GET / HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n").await;
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.body, fake_gzip);
}

async fn assert_rejected(server: &MockServer, raw: &[u8]) {
    let mut s = connect(server).await;
    // The server may close before reading everything; ignore write errors.
    let _ = s.write_all(raw).await;
    let (bytes, _) = read_until_end(&mut s).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.starts_with("HTTP/1.1 400 \r\n") && text.contains("connection: close\r\n"),
        "input {:?} gave {:?}",
        String::from_utf8_lossy(&raw[..raw.len().min(80)]),
        text
    );
}

#[tokio::test]
async fn malformed_and_unsupported_requests_get_400_and_no_panic() {
    let server = MockServer::start().await.expect("start");
    let big_head = {
        let mut v = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..5000 {
            v.extend_from_slice(format!("x-h{i}: 0123456789\r\n").as_bytes());
        }
        v.extend_from_slice(b"\r\n");
        v
    };
    let cases: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET /x HTTP/9.9\r\n\r\n".to_vec(),
        b"GET /x HTTP/1.0\r\n\r\n".to_vec(),
        b"GET /x\r\n\r\n".to_vec(),
        b"GET  /x HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /x HTTP/1.1 extra\r\n\r\n".to_vec(),
        b"\x00\x01\x02\xff\xfe GET\r\n\r\n".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        b"GET /x HTTP/1.1\r\nbroken header\r\n\r\n".to_vec(),
        b"GET /x HTTP/1.1\r\nA: b\r\n continued\r\n\r\n".to_vec(),
        b"POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n".to_vec(),
        b"POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(),
        b"POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
        b"POST /x HTTP/1.1\r\nContent-Length: 16777217\r\n\r\n".to_vec(),
        b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".to_vec(),
        big_head,
        vec![b'A'; 70 * 1024],
    ];
    for case in &cases {
        assert_rejected(&server, case).await;
    }
    assert_eq!(server.request_count(), 0);

    // Pseudo-random junk must never bring the server down.
    let alphabet: &[u8] = b"GET / HTTP/1.1\r\n:abc%\0 ";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..200 {
        let len = (round * 37) % 600 + 1;
        let mut junk = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            junk.push(if round % 2 == 0 {
                (x >> 24) as u8
            } else {
                alphabet[(x % alphabet.len() as u64) as usize]
            });
        }
        let mut s = connect(&server).await;
        let _ = s.write_all(&junk).await;
        let _ = s.shutdown().await;
        let _ = read_until_end(&mut s).await;
    }

    // Still healthy.
    server.push(Reply::new(200).body("alive"));
    let r = exchange(&server, b"GET /ok HTTP/1.1\r\n\r\n").await;
    assert_eq!(r.body, b"alive");
}

#[tokio::test]
async fn large_body_within_limit_is_accepted() {
    let server = MockServer::start().await.expect("start");
    server.set_recording(true);
    let body = vec![b'z'; 3 * 1024 * 1024 + 7];
    let mut s = connect(&server).await;
    let head = format!(
        "PUT /big HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let writer = {
        let mut raw = head.into_bytes();
        raw.extend_from_slice(&body);
        async move {
            s.write_all(&raw).await.expect("write");
            s
        }
    };
    let mut s = writer.await;
    let r = read_response(&mut s, &mut Vec::new()).await;
    assert_eq!(r.status, 404);
    assert_eq!(server.requests()[0].body.len(), body.len());
}

#[tokio::test]
async fn fault_reset_before_response() {
    let server = MockServer::start().await.expect("start");
    server.push(Reply::json(200, "{}").fault(Fault::ResetBeforeResponse));
    let mut s = connect(&server).await;
    s.write_all(b"GET /r HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    let (bytes, errored) = read_until_end(&mut s).await;
    assert!(bytes.is_empty());
    assert!(errored, "expected a connection reset");
    assert_eq!(server.request_count(), 1);
    assert_eq!(server.requests()[0].path, "/r");
}

#[tokio::test]
async fn fault_reset_mid_body() {
    let server = MockServer::start().await.expect("start");
    let body = vec![b'x'; 1000];
    server.push(Reply::text(200, "text/plain", body).fault(Fault::ResetMidBody));
    let mut s = connect(&server).await;
    s.write_all(b"GET /m HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    let (bytes, _errored) = read_until_end(&mut s).await;
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .expect("headers arrive before the reset");
    let head = String::from_utf8_lossy(&bytes[..split]);
    assert!(head.starts_with("HTTP/1.1 200 \r\n"));
    assert!(head.contains("content-length: 1000\r\n"));
    assert!(!head.contains("connection:"));
    assert!(bytes.len() - split < 1000);
    assert_eq!(bytes.len() - split, 500);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn fault_trickle_delivers_full_body_slowly_and_keeps_alive() {
    let server = MockServer::start().await.expect("start");
    server.push(
        Reply::text(200, "text/plain", "0123456789").fault(Fault::Trickle {
            chunk: 3,
            every: Duration::from_millis(60),
        }),
    );
    server.push(Reply::new(200).body("next"));
    let mut s = connect(&server).await;
    let started = Instant::now();
    s.write_all(b"GET /t HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    let mut pending = Vec::new();
    let r = read_response(&mut s, &mut pending).await;
    assert!(
        started.elapsed() >= Duration::from_millis(180),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.body, b"0123456789");
    assert_eq!(r.header("content-length"), Some("10"));
    assert_eq!(r.header("connection"), Some("keep-alive"));
    s.write_all(b"GET /t2 HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    assert_eq!(read_response(&mut s, &mut pending).await.body, b"next");
}

#[tokio::test]
async fn delay_counts_request_before_reply() {
    let server = MockServer::start().await.expect("start");
    server.push(Reply::new(200).delay(Duration::from_millis(300)));
    let mut s = connect(&server).await;
    let started = Instant::now();
    s.write_all(b"GET /slow HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    while server.request_count() < 1 {
        assert!(started.elapsed() < T, "the request was never counted");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(started.elapsed() < Duration::from_millis(300));
    let mut buf = [0u8; 16];
    // Nothing arrives during the delay.
    assert!(timeout(Duration::from_millis(100), s.read(&mut buf))
        .await
        .is_err());
    let r = read_response(&mut s, &mut Vec::new()).await;
    assert_eq!(r.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn client_giving_up_during_delay_is_still_recorded() {
    let server = MockServer::start().await.expect("start");
    server.push(Reply::new(200).delay(Duration::from_millis(200)));
    {
        let mut s = connect(&server).await;
        s.write_all(b"GET /gone HTTP/1.1\r\n\r\n")
            .await
            .expect("write");
        let mut buf = [0u8; 16];
        assert!(timeout(Duration::from_millis(50), s.read(&mut buf))
            .await
            .is_err());
    }
    assert_eq!(server.request_count(), 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    // The server is fine afterwards.
    assert_eq!(
        exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await.status,
        404
    );
}

#[tokio::test]
async fn recording_can_be_switched_off() {
    let server = MockServer::start().await.expect("start");
    server.set_recording(false);
    exchange(&server, b"GET /a HTTP/1.1\r\n\r\n").await;
    server.set_recording(true);
    exchange(&server, b"GET /b HTTP/1.1\r\n\r\n").await;
    assert_eq!(server.request_count(), 2);
    let taken = server.take_requests();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].path, "/b");
    assert!(server.requests().is_empty());
    assert_eq!(server.request_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_clients_share_the_queue() {
    let server = MockServer::start().await.expect("start");
    server.set_recording(false);
    for i in 0..100 {
        server.push(Reply::json(200, format!("{i}")));
    }
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let mut s = connect(&server).await;
            let mut pending = Vec::new();
            let mut bodies = Vec::new();
            for _ in 0..25 {
                s.write_all(b"POST /load HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")
                    .await
                    .expect("write");
                let r = read_response(&mut s, &mut pending).await;
                bodies.push((r.status, r.body));
            }
            bodies
        }));
    }
    let mut scripted = Vec::new();
    let mut fallback = 0;
    for t in tasks {
        for (status, body) in t.await.expect("task") {
            if status == 200 {
                scripted.push(
                    String::from_utf8(body)
                        .expect("utf8")
                        .parse::<u32>()
                        .expect("n"),
                );
            } else {
                fallback += 1;
            }
        }
    }
    scripted.sort_unstable();
    assert_eq!(scripted, (0..100).collect::<Vec<u32>>());
    assert_eq!(fallback, 32 * 25 - 100);
    assert_eq!(server.request_count(), 800);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let server = MockServer::start().await.expect("start");
    let addr = server.addr();
    let mut idle = connect(&server).await;
    server.shutdown().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(TcpStream::connect(addr).await.is_err());
    // Open connections are closed too.
    let _ = idle.write_all(b"GET / HTTP/1.1\r\n\r\n").await;
    let (bytes, _) = read_until_end(&mut idle).await;
    assert!(bytes.is_empty());

    let server = MockServer::start().await.expect("start");
    let addr = server.addr();
    let clone = server.clone();
    drop(server);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(
        TcpStream::connect(addr).await.is_ok(),
        "a clone keeps it alive"
    );
    drop(clone);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn handler_answers_from_the_request_after_the_queue_even_unrecorded() {
    let server = MockServer::start().await.expect("start");
    server.set_handler(|req| {
        Reply::json(
            200,
            format!(
                r#"{{"method":"{}","path":"{}","body":"{}"}}"#,
                req.method,
                req.path,
                req.body_text()
            ),
        )
        .header("x-connection", &req.connection.to_string())
    });
    server.push(Reply::new(204));
    assert_eq!(
        exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await.status,
        204,
        "the queue comes first"
    );
    let r = exchange(
        &server,
        b"POST /p?q=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, br#"{"method":"POST","path":"/p","body":"abc"}"#);
    assert_eq!(r.header("x-connection"), Some("2"));
    assert_eq!(server.requests().len(), 2);
    // Recording off: the handler still sees every request, nothing is kept.
    server.set_recording(false);
    let r = exchange(&server, b"GET /unrecorded HTTP/1.1\r\n\r\n").await;
    assert_eq!(
        r.body,
        br#"{"method":"GET","path":"/unrecorded","body":""}"#
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn start_on_a_chosen_port_and_refuses_a_taken_one() {
    let first = MockServer::start().await.expect("start");
    let taken = MockServer::start_on(first.addr()).await;
    assert_eq!(
        taken.expect_err("port in use").kind(),
        std::io::ErrorKind::AddrInUse
    );
    let port = first.addr().port();
    first.shutdown().await;
    // The port is free again and reusable at once.
    let again = MockServer::start_on(([127, 0, 0, 1], port).into())
        .await
        .expect("restart on the same port");
    assert_eq!(again.addr().port(), port);
    again.push(Reply::new(204));
    assert_eq!(
        exchange(&again, b"GET / HTTP/1.1\r\n\r\n").await.status,
        204
    );
}
