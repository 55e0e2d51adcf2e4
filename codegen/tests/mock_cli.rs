//! `codegen mock` as a process: started on port 0 (the URL is stdout's first
//! line), called over plain HTTP (a raw `TcpStream`), stopped by killing it.
//! Routing, examples, auth and signatures, 4xx errors, faults, the request
//! log on stderr (secrets masked), and refused flags.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// A running `codegen mock`, killed on drop.
struct Served {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Served {
    fn start(args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_codegen"))
            .arg("mock")
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start codegen mock");
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("read stdout");
        let Some(host) = first.trim().strip_prefix("http://") else {
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
            panic!(
                "no URL on stdout ({first:?}); stderr: {}",
                log.lock().unwrap_or_else(PoisonError::into_inner)
            );
        };
        let addr: SocketAddr = host.parse().expect("an address");
        assert!(addr.ip().is_loopback(), "{addr}");
        assert_ne!(addr.port(), 0);
        Served { child, addr, log }
    }

    /// Everything written on stderr so far (waits for the request's log line).
    fn log_after(&self, lines: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let text = self
                .log
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            if text.lines().filter(|l| l.contains(" -> ")).count() >= lines
                || Instant::now() > deadline
            {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Response {
        let (raw, error) = self.exchange(method, path, headers, body);
        assert_eq!(error, None, "{:?}", String::from_utf8_lossy(&raw));
        Response::parse(&raw)
    }

    /// The raw bytes the server sent before closing, and the error that ended
    /// the reading, if any (a reset).
    fn exchange(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (Vec<u8>, Option<std::io::ErrorKind>) {
        let mut tcp = TcpStream::connect(self.addr).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        tcp.write_all(head.as_bytes()).expect("write head");
        tcp.write_all(body.as_bytes()).expect("write body");
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match tcp.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some(e.kind())),
            }
        }
    }

    fn form(&self, body: &str) -> Response {
        self.send(
            "POST",
            "/api/v2",
            &[("content-type", "application/x-www-form-urlencoded")],
            body,
        )
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("status line: {head}"));
        Response {
            status,
            head,
            body: raw[split + 4..].to_vec(),
        }
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `md5("mock-username" + "mock-api_key" + "bl")` (from `md5sum`): IAK's
/// `check_balance` signature with the mock's default credentials.
const BALANCE_SIGN: &str = "eb70ca95b64bec2214338942094a5923";

#[test]
fn serves_examples_routed_by_fixed_values_parameters_and_auth() {
    let specs = specs_dir();
    let mock = Served::start(&[
        specs.to_str().expect("utf8 path"),
        "--credential",
        "smm_panel_v2.api_key=test-key-123",
    ]);
    // One URL, `action` and the parameters present choose the endpoint.
    let r = mock.form("key=test-key-123&action=status&order=23501");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.head.contains("content-type: application/json"),
        "{}",
        r.head
    );
    assert_eq!(
        r.json(),
        json!({"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157", "currency": "USD"})
    );
    let r = mock.form("key=test-key-123&action=status&orders=1%2C10%2C100");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["10"], json!({"error": "Incorrect order ID"}));
    // The example whose request is what was sent.
    let r = mock.form("key=test-key-123&action=status&order=1");
    assert_eq!(r.json(), json!({"error": "Incorrect order ID"}));
    // ... or the one the request asks for.
    let r = mock.send(
        "POST",
        "/api/v2",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("prefer", "example=\"incorrect order id\""),
        ],
        "key=test-key-123&action=status&order=23501",
    );
    assert_eq!(r.json(), json!({"error": "Incorrect order ID"}));

    // Mismatches: 4xx JSON naming what differs, never a credential.
    let r = mock.form("key=wrong-key-999&action=status&order=23501");
    assert_eq!(r.status, 401);
    let err = r.json();
    assert_eq!(
        err["mock_error"]["problems"][0],
        json!({
            "endpoint": "smm_panel_v2.order_status",
            "kind": "auth",
            "message": "`key` (in the body) is not the `api_key` credential",
        })
    );
    let r = mock.form("key=test-key-123&action=status");
    assert_eq!(r.status, 400);
    let msg = r.json()["mock_error"]["message"].to_string();
    assert!(
        msg.contains("required parameter `order` is missing"),
        "{msg}"
    );
    let r = mock.form("key=test-key-123&action=stats");
    assert_eq!(r.status, 400);
    let msg = r.json()["mock_error"]["message"].to_string();
    assert!(
        msg.contains("has `action=stats`; the endpoints there take `action=services` (smm_panel_v2.services)"),
        "{msg}"
    );
    let r = mock.send("GET", "/nowhere", &[], "");
    assert_eq!(r.status, 404);
    let r = mock.send("GET", "/api/v2", &[], "");
    assert_eq!(r.status, 405);

    // A signed JSON call: the signature is recomputed from the default credentials.
    let json_ct = [("content-type", "application/json")];
    let r = mock.send(
        "POST",
        "/api/check-balance",
        &json_ct,
        &format!(r#"{{"username":"mock-username","sign":"{BALANCE_SIGN}"}}"#),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["data"]["rc"], "00");
    let r = mock.send(
        "POST",
        "/api/check-balance",
        &json_ct,
        r#"{"username":"mock-username","sign":"0123456789abcdef0123456789abcdef"}"#,
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["mock_error"]["problems"][0]["message"],
        "`sign` (in the body) is not md5 of `{username}{api_key}bl`"
    );

    let log = mock.log_after(11);
    assert!(
        log.contains("smm_panel_v2.api_key (given)")
            && log.contains("iak_prepaid.api_key = mock-api_key"),
        "{log}"
    );
    assert!(
        log.contains(
            "POST /api/v2 key=*** action=status order=23501 -> 200 smm_panel_v2.order_status example \"documented\" (its request matches)"
        ),
        "{log}"
    );
    assert!(
        log.contains("example \"incorrect order id\" (asked for by Prefer)"),
        "{log}"
    );
    assert!(
        log.contains("-> 401 no match: smm_panel_v2.order_status"),
        "{log}"
    );
    assert!(
        log.contains("POST /api/check-balance sign=*** username=*** -> 200"),
        "{log}"
    );
    for secret in ["test-key-123", "wrong-key-999", BALANCE_SIGN] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

#[test]
fn faults_spoil_the_chosen_endpoints_answers() {
    let spec = specs_dir().join("smm_panel_v2.yaml");
    let mock = Served::start(&[
        spec.to_str().expect("utf8 path"),
        "--fault",
        "order_status=status:503",
        "--fault",
        "balance=html",
        "--fault",
        "services=truncate",
        "--fault",
        "refill=reset",
        "--fault",
        "add_order=reset-mid-body",
        "--fault",
        "cancel=delay:400ms",
    ]);
    let key = "key=mock-api_key";
    let r = mock.form(&format!("{key}&action=status&order=23501"));
    assert_eq!(r.status, 503);
    assert!(r.head.contains("content-type: text/plain"), "{}", r.head);

    let r = mock.form(&format!("{key}&action=balance"));
    assert_eq!(r.status, 200);
    assert!(r.head.contains("content-type: text/html"), "{}", r.head);
    assert!(r.text().starts_with("<!DOCTYPE html>"), "{}", r.text());

    let r = mock.form(&format!("{key}&action=services"));
    assert_eq!(r.status, 200);
    let full = r#"[{"cancel":true,"category":"First Category","max":"10000","min":"50","name":"Followers","rate":"0.90","refill":true,"service":1,"type":"Default"}]"#;
    assert_eq!(r.text(), full[..full.len() / 2]);
    assert!(r
        .head
        .contains(&format!("content-length: {}", full.len() / 2)));
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());

    // Reset before anything is sent.
    let form_ct = [("content-type", "application/x-www-form-urlencoded")];
    let (bytes, error) = mock.exchange(
        "POST",
        "/api/v2",
        &form_ct,
        &format!("{key}&action=refill&order=23501"),
    );
    assert!(bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));
    assert_eq!(error, Some(std::io::ErrorKind::ConnectionReset));
    // The head promises the whole body, half of it arrives, then a reset.
    let (bytes, error) = mock.exchange(
        "POST",
        "/api/v2",
        &form_ct,
        &format!("{key}&action=add&service=1&link=x&quantity=100"),
    );
    let r = Response::parse(&bytes);
    assert!(r.head.contains("content-length: 15"), "{}", r.head);
    assert_eq!(r.text(), r#"{"order":23501}"#[..7]);
    assert_eq!(error, Some(std::io::ErrorKind::ConnectionReset));

    let start = Instant::now();
    let r = mock.form(&format!("{key}&action=cancel&orders=9%2C2"));
    let took = start.elapsed();
    assert_eq!(r.status, 200);
    assert!(took >= Duration::from_millis(400), "{took:?}");
    assert_eq!(r.json()[1], json!({"order": 2, "cancel": 1}));

    let log = mock.log_after(6);
    assert!(log.contains("mock: fault: refill reset"), "{log}");
    assert!(
        log.contains("-> 503 smm_panel_v2.order_status example \"documented\" (its request matches) fault status:503"),
        "{log}"
    );
    assert!(log.contains("fault delay:400ms"), "{log}");
}

fn refused(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .arg("mock")
        .args(args)
        .output()
        .expect("run codegen mock");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_flags_are_refused_with_the_reason() {
    let specs = specs_dir();
    let specs = specs.to_str().expect("utf8 path");
    let (code, err) = refused(&[specs, "--fault", "top_up=explode"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("unknown fault `explode`"), "{err}");
    let (code, err) = refused(&[specs, "--fault", "top_up=delay:soon"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("`soon` is not a duration"), "{err}");
    let (code, err) = refused(&[specs, "--fault", "balance=reset"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("several specs have an endpoint `balance`: say which, `k7_antivirus.balance` or `smm_panel_v2.balance`"),
        "{err}"
    );
    let (code, err) = refused(&[specs, "--fault", "iak_prepaid.tpo_up=reset"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("did you mean `iak_prepaid.top_up`?"), "{err}");
    let (code, err) = refused(&[specs, "--example", "top_up=lost"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("`iak_prepaid.top_up` has no example `lost`"),
        "{err}"
    );
    // A credential's value never shows, even when the flag is malformed.
    let (code, err) = refused(&[specs, "--credential", "sk_live_secret"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("expected NAME=VALUE"), "{err}");
    assert!(!err.contains("sk_live_secret"), "{err}");
    let (code, err) = refused(&[specs, "--credential", "nope=sk_live_secret"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(!err.contains("sk_live_secret"), "{err}");
    // A port in use.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("addr").port().to_string();
    let (code, err) = refused(&[specs, "--port", &port]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{err}"
    );
    // A spec with problems is not served.
    let dir = std::env::temp_dir().join(format!("codegen-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "provider:\n  name: Bad\nendpoints:\n  a:\n    method: GET\n    path: /a\n    response: Nope\n",
    )
    .expect("write");
    let (code, err) = refused(&[bad.to_str().expect("utf8"), "--port", "0"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("unknown type `Nope`"), "{err}");
}
