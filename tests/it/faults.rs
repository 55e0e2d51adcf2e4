//! The fault matrix: every transport and response fault, against one read and
//! one money-moving (or, where a provider moves no money, one non-idempotent)
//! endpoint of every spec, through a fault-injecting server on 127.0.0.1.
//! Asserts the exact error variant and how many requests the server saw, and
//! that no credential or derived signature appears in any error (Display,
//! Debug, source chain) or in the tracing output.
//!
//! Run with `cargo test --test it faults:: -- --nocapture` to see the table.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use codegen::ir::{self, AuthValue, Location};
use codegen::spec::ExampleOutcome;
use providers::runtime::client::{RetryPolicy, Settings};
use providers::runtime::dynamic::{DynError, JsonClient};
use providers::Error;
use providers_mock::{Fault, MockServer, Reply};
use serde_json::Value;

use crate::support::{closed_port_url, tour, Capture};

const TIMEOUT: Duration = Duration::from_millis(300);
const MAX_BODY: usize = 256 * 1024;
const RETRIES: usize = 2;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Idempotent: retried.
    Read,
    /// Moves money: never retried, lost answers are outcome unknown.
    Money,
    /// Not idempotent, moves no money.
    Write,
}

#[derive(Clone, Copy, Debug)]
enum Fault_ {
    Refused,
    ResetBeforeResponse,
    ResetMidBody,
    SlowHeaders,
    TrickleBody,
    Status500,
    Status502,
    Status503,
    TooMany429,
    Html200,
    TruncatedJson,
    WrongTypes,
    EmptyBody,
    HugeBody,
    Gzip,
    /// This 3xx status with a `Location` on the same server.
    RedirectSameOrigin(u16),
    /// This 3xx status with a `Location` on another server (which must see nothing).
    RedirectOtherOrigin(u16),
}

const REDIRECT_STATUSES: [u16; 8] = [301, 302, 303, 304, 305, 306, 307, 308];

fn faults() -> Vec<Fault_> {
    let mut all = FAULTS.to_vec();
    for s in REDIRECT_STATUSES {
        all.push(Fault_::RedirectSameOrigin(s));
        all.push(Fault_::RedirectOtherOrigin(s));
    }
    all
}

const FAULTS: [Fault_; 15] = [
    Fault_::Refused,
    Fault_::ResetBeforeResponse,
    Fault_::ResetMidBody,
    Fault_::SlowHeaders,
    Fault_::TrickleBody,
    Fault_::Status500,
    Fault_::Status502,
    Fault_::Status503,
    Fault_::TooMany429,
    Fault_::Html200,
    Fault_::TruncatedJson,
    Fault_::WrongTypes,
    Fault_::EmptyBody,
    Fault_::HugeBody,
    Fault_::Gzip,
];

/// The outcome every (fault, kind) must give: variant name and requests seen.
fn expected(fault: Fault_, kind: Kind) -> (&'static str, usize) {
    use Fault_::*;
    use Kind::*;
    let all = RETRIES + 1;
    match (fault, kind) {
        (Refused, _) => ("Transport", 0),
        (ResetBeforeResponse | ResetMidBody, Read) => ("Transport", all),
        (SlowHeaders | TrickleBody, Read) => ("Timeout", all),
        (ResetBeforeResponse | ResetMidBody | SlowHeaders | TrickleBody, Money | Write) => {
            ("OutcomeUnknown", 1)
        }
        (Status500, Read | Write) => ("HttpStatus", 1),
        (Status502 | Status503, Read) => ("HttpStatus", all),
        (Status502 | Status503, Write) => ("HttpStatus", 1),
        (Status500 | Status502 | Status503, Money) => ("OutcomeUnknown", 1),
        (TooMany429, Read) => ("Ok", 2),
        (TooMany429, Money | Write) => ("HttpStatus", 1),
        (Html200 | TruncatedJson | WrongTypes | EmptyBody, Read | Write) => ("Decode", 1),
        (Html200 | TruncatedJson | WrongTypes | EmptyBody | HugeBody, Money) => {
            ("OutcomeUnknown", 1)
        }
        (HugeBody, Read | Write) => ("BodyTooLarge", 1),
        (Gzip, _) => ("Ok", 1),
        // A call that moves money is never redirected: whatever the 3xx, the
        // provider may have processed it.
        (RedirectSameOrigin(_) | RedirectOtherOrigin(_), Money) => ("OutcomeUnknown", 1),
        // 304, 305 and 306 do not redirect: an HTTP error status.
        (RedirectSameOrigin(304..=306) | RedirectOtherOrigin(304..=306), _) => ("HttpStatus", 1),
        // Idempotent calls follow redirects within the base URL's origin only.
        (RedirectSameOrigin(_), Read) => ("Ok", 2),
        (RedirectSameOrigin(_) | RedirectOtherOrigin(_), Read | Write) => ("Redirect", 1),
    }
}

fn variant(r: &Result<Value, DynError>) -> &'static str {
    match r {
        Ok(_) => "Ok",
        Err(DynError::Call(e)) => match e {
            Error::Transport { .. } => "Transport",
            Error::Timeout { .. } => "Timeout",
            Error::Redirect { .. } => "Redirect",
            Error::HttpStatus { .. } => "HttpStatus",
            Error::Decode { .. } => "Decode",
            Error::BodyTooLarge { .. } => "BodyTooLarge",
            Error::Provider { .. } => "Provider",
            Error::Pending { .. } => "Pending",
            Error::OutcomeUnknown { .. } => "OutcomeUnknown",
            Error::InvalidRequest { .. } => "InvalidRequest",
            _ => "other",
        },
        Err(_) => "dynamic",
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter()
        .try_fold(v, |cur, k| cur.as_object_mut()?.get_mut(k))
}

/// Every value of the payload replaced by an object no scalar decodes from.
fn scramble(v: &mut Value, keep: &[String]) {
    let odd = serde_json::json!({"unexpected": [true]});
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if !keep.contains(k) {
                    *x = odd.clone();
                }
            }
        }
        Value::Array(items) => *items = vec![odd],
        other => *other = odd,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip in memory");
    enc.finish().expect("gzip in memory")
}

struct Target<'a> {
    kind: Kind,
    endpoint: &'a ir::Endpoint,
    params: Value,
    body: Value,
}

fn targets<'a>(loaded: &'a codegen::load::Loaded, p: &'a ir::Provider) -> Vec<Target<'a>> {
    let ok_example = |e: &ir::Endpoint| {
        loaded.spec.endpoints.get(&e.wire).and_then(|s| {
            s.examples.iter().find(|x| {
                x.response.outcome.unwrap_or(ExampleOutcome::Ok) == ExampleOutcome::Ok
                    && !matches!(e.response, ir::Ty::Json)
            })
        })
    };
    let mut out = Vec::new();
    let read = p
        .endpoints
        .iter()
        .find(|e| e.idempotent && ok_example(e).is_some());
    let write = p
        .endpoints
        .iter()
        .find(|e| e.moves_money && ok_example(e).is_some())
        .or_else(|| {
            p.endpoints
                .iter()
                .find(|e| !e.idempotent && ok_example(e).is_some())
        });
    for (e, kind) in [(read, Kind::Read), (write, Kind::Write)] {
        let Some(e) = e else { continue };
        let Some(x) = ok_example(e) else { continue };
        let kind = if kind == Kind::Write && e.moves_money {
            Kind::Money
        } else {
            kind
        };
        out.push(Target {
            kind,
            endpoint: e,
            params: Value::Object(x.request.clone().unwrap_or_default()),
            body: x.response.body.clone(),
        });
    }
    out
}

fn replies(fault: Fault_, t: &Target, elsewhere: &str) -> Vec<Reply> {
    let ok = t.body.to_string();
    let n = RETRIES + 1;
    let times = |r: Reply, k: usize| -> Vec<Reply> { (0..k).map(|_| r.clone()).collect() };
    match fault {
        Fault_::Refused => Vec::new(),
        Fault_::ResetBeforeResponse => {
            times(Reply::json(200, ok).fault(Fault::ResetBeforeResponse), n)
        }
        Fault_::ResetMidBody => times(Reply::json(200, ok).fault(Fault::ResetMidBody), n),
        Fault_::SlowHeaders => times(Reply::json(200, ok).delay(TIMEOUT * 4), n),
        Fault_::TrickleBody => times(
            Reply::json(200, format!("{ok}{}", " ".repeat(64))).fault(Fault::Trickle {
                chunk: 1,
                every: Duration::from_millis(50),
            }),
            n,
        ),
        Fault_::Status500 => times(Reply::text(500, "text/plain", "internal error"), n),
        Fault_::Status502 => times(Reply::text(502, "text/html", "<html>bad gateway</html>"), n),
        Fault_::Status503 => times(Reply::text(503, "text/plain", "unavailable"), n),
        Fault_::TooMany429 => vec![
            Reply::text(429, "text/plain", "slow down").header("retry-after", "0"),
            Reply::json(200, ok),
        ],
        Fault_::Html200 => vec![Reply::text(
            200,
            "text/html",
            "<html><body>Maintenance</body></html>",
        )],
        Fault_::TruncatedJson => vec![Reply::json(200, ok[..ok.len() / 2].to_owned())],
        Fault_::WrongTypes => {
            let mut body = t.body.clone();
            let env = &t.endpoint.envelope;
            // Keep the fields the success conditions read, scramble the rest of the payload.
            let keep: Vec<String> = env
                .success
                .iter()
                .filter(|c| c.path.len() > env.payload.len() && c.path.starts_with(&env.payload))
                .map(|c| c.path[env.payload.len()].clone())
                .collect();
            if let Some(payload) = at_mut(&mut body, &env.payload) {
                scramble(payload, &keep);
            }
            vec![Reply::json(200, body.to_string())]
        }
        Fault_::EmptyBody => vec![Reply::new(200)],
        Fault_::HugeBody => vec![Reply::json(200, format!("[{}0]", "0,".repeat(MAX_BODY)))],
        Fault_::Gzip => vec![Reply::json(200, "")
            .body(gzip(ok.as_bytes()))
            .header("content-encoding", "gzip")],
        Fault_::RedirectSameOrigin(status) => vec![
            Reply::new(status).header("location", "/moved/here"),
            Reply::json(200, ok),
        ],
        Fault_::RedirectOtherOrigin(status) => {
            vec![Reply::new(status).header("location", &format!("{elsewhere}/moved/here"))]
        }
    }
}

fn error_texts(e: &DynError) -> Vec<String> {
    let mut out = vec![e.to_string(), format!("{e:?}")];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push(s.to_string());
        out.push(format!("{s:?}"));
        source = s.source();
    }
    out
}

fn connect(module: &str, url: &str, creds: &BTreeMap<String, String>) -> Box<dyn JsonClient> {
    let entry = providers::PROVIDERS
        .iter()
        .find(|p| p.module == module)
        .expect("provider compiled in");
    let settings = Settings {
        timeout: TIMEOUT,
        connect_timeout: TIMEOUT,
        max_body: MAX_BODY,
        retry: RetryPolicy {
            max_retries: RETRIES as u32,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
    };
    (entry.connect)(url, creds, &settings).expect("client")
}

#[test]
fn fault_matrix() {
    // The subscriber is global (the runtime's worker threads must see it), so
    // it hears every test running in this binary: it keeps only what this
    // test's threads write, the runtime's named after the test thread.
    let thread = std::thread::current()
        .name()
        .unwrap_or("fault_matrix")
        .to_owned();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(thread.clone())
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(fault_matrix_on(Capture::only_thread(&thread)));
}

async fn fault_matrix_on(capture: Capture) {
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .expect("one subscriber for this test binary");

    let mut table = vec![
        format!("| provider | endpoint (kind) | fault | outcome | requests |"),
        "| --- | --- | --- | --- | --- |".to_owned(),
    ];
    let mut failures = Vec::new();
    let mut secrets: Vec<String> = Vec::new();
    for file in codegen::spec_files(std::path::Path::new("specs")).expect("specs") {
        let (loaded, provider) = codegen::analyze_file(&file).expect("valid spec");
        let creds: BTreeMap<String, String> = provider
            .credentials
            .iter()
            .map(|c| (c.wire.clone(), tour::credential(&provider.module, &c.wire)))
            .collect();
        secrets.extend(creds.values().cloned());
        for t in targets(&loaded, &provider) {
            for fault in faults() {
                let server = MockServer::start().await.expect("server");
                let other = MockServer::start().await.expect("server");
                other.set_fallback(Reply::json(200, t.body.to_string()));
                let url = if matches!(fault, Fault_::Refused) {
                    closed_port_url()
                } else {
                    server.url()
                };
                for r in replies(fault, &t, &other.url()) {
                    server.push(r);
                }
                let client = connect(&provider.module, &url, &creds);
                let result = client.call(&t.endpoint.wire, t.params.clone()).await;
                let seen = server.take_requests();
                // Derived signatures actually sent must not leak either.
                for a in &t.endpoint.auth {
                    if let AuthValue::Signature { .. } = a.value {
                        for r in &seen {
                            let sent = match a.location {
                                Location::Query => r.query_pairs(),
                                Location::Header => r
                                    .header(&a.name)
                                    .map(|v| vec![(a.name.clone(), v.to_owned())])
                                    .unwrap_or_default(),
                                Location::Cookie => r.cookies(),
                                _ => serde_json::from_slice::<Value>(&r.body)
                                    .ok()
                                    .and_then(|v| {
                                        v.get(&a.name)
                                            .and_then(Value::as_str)
                                            .map(|s| vec![(a.name.clone(), s.to_owned())])
                                    })
                                    .unwrap_or_else(|| r.form_pairs()),
                            };
                            secrets.extend(
                                sent.into_iter()
                                    .filter(|(k, _)| *k == a.name)
                                    .map(|(_, v)| v),
                            );
                        }
                    }
                }
                let got = (variant(&result), seen.len());
                let want = expected(fault, t.kind);
                let elsewhere = other.take_requests();
                if !elsewhere.is_empty() {
                    failures.push(format!(
                        "{} {fault:?}: another origin received {} request(s):\n{}",
                        t.endpoint.wire,
                        elsewhere.len(),
                        elsewhere[0].head_text()
                    ));
                }
                // "Safe to retry" means nothing was sent, whatever the error.
                if let Err(DynError::Call(e)) = &result {
                    if e.is_safe_to_retry() != seen.is_empty() {
                        failures.push(format!(
                            "{} {fault:?}: is_safe_to_retry() is {} after {} request(s): {e}",
                            t.endpoint.wire,
                            e.is_safe_to_retry(),
                            seen.len()
                        ));
                    }
                }
                if let Err(e) = &result {
                    for text in error_texts(e) {
                        for s in &secrets {
                            if text.contains(s.as_str()) {
                                failures.push(format!(
                                    "{} {:?}: a secret appears in the error: {text}",
                                    t.endpoint.wire, fault
                                ));
                            }
                        }
                    }
                }
                if let (Err(DynError::Call(Error::OutcomeUnknown { reference, .. })), Some(r)) =
                    (&result, &t.endpoint.reference)
                {
                    let given = t.params.get(r).and_then(Value::as_str);
                    if reference.as_deref() != given {
                        failures.push(format!("{}: outcome unknown carries {reference:?}, the request's reference is {given:?}", t.endpoint.wire));
                    }
                }
                table.push(format!(
                    "| {} | {} ({:?}) | {:?} | {} | {} |",
                    provider.module, t.endpoint.wire, t.kind, fault, got.0, got.1
                ));
                if got != want {
                    failures.push(format!(
                        "{}.{} ({:?}) under {:?}: got {} with {} request(s), expected {} with {}; result: {:?}",
                        provider.module, t.endpoint.wire, t.kind, fault, got.0, got.1, want.0, want.1, result
                    ));
                }
                server.shutdown().await;
                other.shutdown().await;
            }
        }
    }
    println!("{}", table.join("\n"));
    let logs = capture.text();
    assert!(logs.contains("provider_call"), "the calls were traced");
    assert!(logs.contains("attempt=3"), "retries are traced per attempt");
    assert!(logs.contains("status=503"), "statuses are traced");
    assert!(logs.contains("elapsed_ms="), "each call's time is traced");
    for s in &secrets {
        if logs.contains(s.as_str()) {
            failures.push(format!("a secret appears in the tracing output: {s}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
