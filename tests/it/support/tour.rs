//! Calls every documented example of every spec against the spec-aware mock
//! provider (`codegen::mock`, what `codegen mock` serves) and checks both
//! sides: the request the generated client put on the wire (the mock matches
//! it to its endpoint and recomputes its signatures, independently of the
//! runtime), and what the client made of the documented response.
//!
//! Shared by the generic contract test (`tests/it/contract.rs`) and the mock tour
//! (`examples/mock_tour.rs`). Nothing here knows any provider: a new spec is
//! covered by adding its YAML file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use codegen::ir::{self, Piece};
use codegen::mock::sign::{digest, encode, render};
use codegen::mock::{CredentialArg, Mock, Settings};
use codegen::spec::ExampleOutcome;
use providers::runtime::callback::DEFAULT_MAX_BODY;
use providers::runtime::dynamic::{DynError, JsonClient, ProviderEntry};
use providers::{CallbackError, Error};
use providers_mock::Recorded;
use serde_json::Value;

/// The result of one example.
#[derive(Debug)]
pub struct Outcome {
    /// `module.endpoint#example`
    pub label: String,
    /// What the client returned, as JSON (payload) or as the error text.
    pub summary: String,
    /// Every mismatch found; empty when the example passed.
    pub problems: Vec<String>,
}

/// Recognisable fake credential for `name`.
pub fn credential(module: &str, name: &str) -> String {
    format!("{module}-{name}-7f3c9a")
}

/// Runs every example of every spec in `specs`.
pub async fn run(specs: &Path) -> Result<Vec<Outcome>, String> {
    let files = codegen::spec_files(specs).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for file in files {
        let (loaded, provider) = codegen::analyze_file(&file).map_err(|d| {
            d.iter()
                .map(|d| d.render(false))
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        let entry = providers::PROVIDERS
            .iter()
            .find(|p| p.module == provider.module)
            .ok_or_else(|| format!("{} is not compiled into the crate", provider.module))?;
        let creds: BTreeMap<String, String> = entry
            .credentials
            .iter()
            .map(|c| (c.to_string(), credential(entry.module, c)))
            .collect();
        let settings = Settings {
            credentials: creds
                .iter()
                .map(|(name, value)| CredentialArg {
                    module: Some(provider.module.clone()),
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
            ..Settings::default()
        };
        let mock = Mock::new(vec![(loaded.clone(), provider.clone())], &settings)
            .map_err(|e| e.to_string())?;
        let server = mock
            .clone()
            .serve(([127, 0, 0, 1], 0).into(), |_| {})
            .await
            .map_err(|e| e.to_string())?;
        let client = (entry.connect)(&server.url(), &creds, &Default::default())
            .map_err(|e| e.to_string())?;
        for e in &provider.endpoints {
            let Some(spec_e) = loaded.spec.endpoints.get(&e.wire) else {
                continue;
            };
            for (i, ex) in spec_e.examples.iter().enumerate() {
                let label = format!(
                    "{}.{}#{}",
                    provider.module,
                    e.wire,
                    ex.name.clone().unwrap_or_else(|| i.to_string())
                );
                let status = ex.response.status.unwrap_or(200);
                // This example answers, whatever the request's values.
                mock.pin(&provider.module, &e.wire, Some(i));
                let params = Value::Object(ex.request.clone().unwrap_or_default());
                let result = client.call(&e.wire, params.clone()).await;
                // Unpinned again: a later endpoint whose requests look the same
                // on the wire must not be answered for by this one.
                mock.pin(&provider.module, &e.wire, None);
                let mut problems = Vec::new();
                let seen = server.take_requests();
                match seen.as_slice() {
                    [one] => check_wire(&mock, &provider, e, one, &mut problems),
                    other => problems.push(format!(
                        "expected one request, the server saw {}",
                        other.len()
                    )),
                }
                let summary = check_result(
                    e,
                    ex.response.outcome.unwrap_or(ExampleOutcome::Ok),
                    &ex.response,
                    status,
                    result,
                    &mut problems,
                );
                out.push(Outcome {
                    label,
                    summary,
                    problems,
                });
            }
        }
    }
    Ok(out)
}

fn at<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.as_object()?.get(k))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn check_result(
    e: &ir::Endpoint,
    outcome: ExampleOutcome,
    response: &codegen::spec::ExampleResponse,
    status: u16,
    result: Result<Value, DynError>,
    problems: &mut Vec<String>,
) -> String {
    let body = &response.body;
    let expect_text = |p: &Option<Vec<String>>| p.as_ref().and_then(|p| at(body, p)).map(text);
    match (outcome, result) {
        (ExampleOutcome::Ok, Ok(v)) if e.response == ir::Ty::Binary => {
            // The document as served, byte for byte, with its content type.
            let got = v["base64"]
                .as_str()
                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
            let (served_type, bytes) = codegen::mock::served(response);
            if got.as_deref() != Some(bytes.as_slice()) {
                problems.push(format!(
                    "the document's bytes differ from the {} served",
                    bytes.len()
                ));
            }
            let ct = served_type.as_str();
            if v["content_type"].as_str() != Some(ct) {
                problems.push(format!("content type {}, served {ct:?}", v["content_type"]));
            }
            format!("document {ct}, {} bytes", bytes.len())
        }
        (ExampleOutcome::Ok, Ok(v)) => {
            if v.is_null() && !matches!(e.response, ir::Ty::Json) {
                problems.push("the payload decoded to null".into());
            }
            let s = v.to_string();
            if s.len() > 120 {
                format!(
                    "{}…",
                    &s[..s.char_indices().nth(117).map_or(s.len(), |(i, _)| i)]
                )
            } else {
                s
            }
        }
        (
            ExampleOutcome::Error,
            Err(DynError::Call(Error::Provider {
                status: got,
                code,
                message,
                ..
            })),
        ) => {
            if got != status {
                problems.push(format!(
                    "provider error carries HTTP {got}, the example sent {status}"
                ));
            }
            if code != expect_text(&e.envelope.code) {
                problems.push(format!(
                    "error code {code:?}, expected {:?}",
                    expect_text(&e.envelope.code)
                ));
            }
            if let Some(m) = expect_text(&e.envelope.message) {
                if m != message {
                    problems.push(format!("error message {message:?}, expected {m:?}"));
                }
            }
            format!("provider error {code:?}: {message}")
        }
        (ExampleOutcome::Pending, Err(DynError::Call(Error::Pending { code, message, .. }))) => {
            format!("pending {code:?}: {message}")
        }
        (want, got) => {
            problems.push(format!("expected {want:?}, got {got:?}"));
            "mismatch".into()
        }
    }
}

/// The mock must take the request for `e` and find nothing wrong with it:
/// path, method, fixed values, parameters (present, typed, nothing unknown,
/// the example's values), encoding, fixed headers, auth and signatures, and no
/// credential where the endpoint does not send it.
fn check_wire(
    mock: &Mock,
    p: &ir::Provider,
    e: &ir::Endpoint,
    seen: &Recorded,
    problems: &mut Vec<String>,
) {
    let answer = mock.answer(seen);
    match &answer.matched {
        Some(m) if m.module == p.module && m.endpoint == e.wire => {
            problems.extend(m.differences.iter().cloned());
        }
        Some(m) => problems.push(format!(
            "the mock took the request for `{}.{}`",
            m.module, m.endpoint
        )),
        None => {}
    }
    match mock.check(&p.module, &e.wire, seen) {
        Some(own) => problems.extend(own.into_iter().map(|p| p.message)),
        None => problems.push("the mock does not serve this endpoint".into()),
    }
}

/// Runs every documented notification of every callback of the specs in
/// `files` through the generated verifier (the client of `entries` with the
/// spec's module name), with the same fake credentials as the calls. Signed
/// here, independently of the runtime, it must verify and decode; signed with
/// other credentials, without its signature, with a signed value altered,
/// over the size limit or not JSON, it must be refused with the matching
/// [`CallbackError`], and no refusal may show a credential.
pub fn callbacks(files: &[PathBuf], entries: &[ProviderEntry]) -> Result<Vec<Outcome>, String> {
    let mut out = Vec::new();
    for file in files {
        let (loaded, provider) = codegen::analyze_file(file).map_err(|d| {
            d.iter()
                .map(|d| d.render(false))
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        if provider.callbacks.is_empty() {
            continue;
        }
        let entry = entries
            .iter()
            .find(|p| p.module == provider.module)
            .ok_or_else(|| format!("{} is not compiled into the crate", provider.module))?;
        let creds: BTreeMap<String, String> = entry
            .credentials
            .iter()
            .map(|c| (c.to_string(), credential(entry.module, c)))
            .collect();
        // Verifying sends nothing: the base URL is never called.
        let client = (entry.connect)("http://127.0.0.1:9", &creds, &Default::default())
            .map_err(|e| e.to_string())?;
        let cred_values: Vec<String> = provider
            .credentials
            .iter()
            .map(|c| creds[&c.wire].clone())
            .collect();
        for c in &provider.callbacks {
            let Some(spec_c) = loaded.spec.callbacks.get(&c.wire) else {
                continue;
            };
            for (i, ex) in spec_c.examples.iter().enumerate() {
                let label = format!(
                    "{}.callbacks.{}#{}",
                    provider.module,
                    c.wire,
                    ex.name.clone().unwrap_or_else(|| i.to_string())
                );
                let mut problems = Vec::new();
                let summary = check_callback(
                    &provider,
                    &*client,
                    c,
                    &ex.body,
                    &cred_values,
                    &mut problems,
                );
                out.push(Outcome {
                    label,
                    summary,
                    problems,
                });
            }
        }
    }
    Ok(out)
}

/// Which refusal a forged notification must get.
type Expected = fn(&CallbackError) -> bool;

/// A notification as the provider sends it.
#[derive(Clone)]
struct Notification {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// The payload's values as a signature template reads them (strings as they
/// are, other values as their JSON text).
fn payload_values(body: &Value, c: &ir::Callback) -> BTreeMap<String, String> {
    match at(body, &c.payload) {
        Some(Value::Object(m)) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let t = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), t)
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn payload_mut<'a>(
    body: &'a mut Value,
    c: &ir::Callback,
) -> Option<&'a mut serde_json::Map<String, Value>> {
    c.payload
        .iter()
        .try_fold(body, |cur, k| cur.as_object_mut()?.get_mut(k))?
        .as_object_mut()
}

/// `body` signed with `creds` as the spec says (independently of the runtime).
fn sign_notification(c: &ir::Callback, body: &Value, creds: &[String]) -> Notification {
    let mut body = body.clone();
    let sig = |input: &[u8]| {
        let key = render(&c.key, creds, &BTreeMap::new());
        format!(
            "{}{}",
            c.prefix,
            encode(&digest(c.algorithm, key.as_bytes(), input), c.output)
        )
    };
    let signed = match &c.signed {
        ir::Signed::Template(t) => {
            Some(sig(render(t, creds, &payload_values(&body, c)).as_bytes()))
        }
        ir::Signed::Body => None,
    };
    match (&c.carried, signed) {
        (ir::Carried::Field(f), Some(s)) => {
            if let Some(m) = payload_mut(&mut body, c) {
                m.insert(f.clone(), Value::String(s));
            }
            Notification {
                headers: Vec::new(),
                body: body.to_string().into_bytes(),
            }
        }
        (ir::Carried::Header(h), Some(s)) => Notification {
            headers: vec![(h.clone(), s)],
            body: body.to_string().into_bytes(),
        },
        (ir::Carried::Header(h), None) => {
            let bytes = body.to_string().into_bytes();
            Notification {
                headers: vec![(h.clone(), sig(&bytes))],
                body: bytes,
            }
        }
        // A field cannot carry a signature of the body it is in (codegen refuses it).
        (ir::Carried::Field(_), None) => Notification {
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        },
    }
}

/// `n` with its raw body replaced, re-signed when the signature covers the raw body.
fn with_body(c: &ir::Callback, n: &Notification, body: Vec<u8>, creds: &[String]) -> Notification {
    let mut n = Notification { body, ..n.clone() };
    if let (ir::Signed::Body, ir::Carried::Header(h)) = (&c.signed, &c.carried) {
        let key = render(&c.key, creds, &BTreeMap::new());
        let s = format!(
            "{}{}",
            c.prefix,
            encode(&digest(c.algorithm, key.as_bytes(), &n.body), c.output)
        );
        n.headers = vec![(h.clone(), s)];
    }
    n
}

fn check_callback(
    p: &ir::Provider,
    client: &dyn JsonClient,
    c: &ir::Callback,
    documented: &Value,
    creds: &[String],
    problems: &mut Vec<String>,
) -> String {
    let send = |n: &Notification| {
        let headers: Vec<(&str, &str)> = n
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        client.callback(&c.wire, &headers, &n.body)
    };
    let good = sign_notification(c, documented, creds);
    let summary = match send(&good) {
        Ok(v) => {
            if v.is_null() {
                problems.push("the verified payload decoded to null".into());
            }
            if let (ir::Ty::Model(i), Some(Value::Object(sent))) =
                (&c.ty, at(documented, &c.payload))
            {
                if let Some(ir::ModelKind::Struct(fields)) = p.models.get(*i).map(|m| &m.kind) {
                    for f in fields {
                        // `null` and a declared "none" text decode to nothing.
                        let none = |x: &Value| {
                            x.is_null()
                                || f.none_marker.as_ref().is_some_and(|(_, texts)| {
                                    x.as_str().is_some_and(|s| texts.iter().any(|t| t == s))
                                })
                        };
                        if sent.get(&f.wire).is_some_and(|x| !none(x)) && v.get(&f.wire).is_none() {
                            problems.push(format!(
                                "`{}` was sent but is not in the decoded payload",
                                f.wire
                            ));
                        }
                    }
                }
            }
            let s = v.to_string();
            if s.len() > 100 {
                format!(
                    "{}…",
                    &s[..s.char_indices().nth(97).map_or(s.len(), |(i, _)| i)]
                )
            } else {
                s
            }
        }
        Err(e) => {
            problems.push(format!("correctly signed, it was refused: {e}"));
            "refused".into()
        }
    };

    let mut refusals: Vec<(&str, Notification, Expected)> = Vec::new();
    let others: Vec<String> = creds.iter().map(|c| format!("{c}-other")).collect();
    refusals.push((
        "signed with other credentials",
        sign_notification(c, documented, &others),
        |e| matches!(e, CallbackError::WrongSignature { .. }),
    ));
    let mut unsigned = good.clone();
    match &c.carried {
        ir::Carried::Field(f) => {
            let mut body: Value = serde_json::from_slice(&good.body).unwrap_or(Value::Null);
            if let Some(m) = payload_mut(&mut body, c) {
                m.remove(f);
            }
            unsigned.body = body.to_string().into_bytes();
        }
        ir::Carried::Header(_) => unsigned.headers.clear(),
    }
    refusals.push(("without its signature", unsigned, |e| {
        matches!(e, CallbackError::MissingSignature { .. })
    }));
    // A value the signature covers, altered after signing.
    let covered: Option<String> = match &c.signed {
        ir::Signed::Template(t) => t.iter().find_map(|piece| match piece {
            Piece::Field(f) => Some(f.clone()),
            _ => None,
        }),
        ir::Signed::Body => payload_values(documented, c).into_keys().next(),
    };
    match covered {
        Some(field) => {
            let mut body: Value = serde_json::from_slice(&good.body).unwrap_or(Value::Null);
            if let Some(m) = payload_mut(&mut body, c) {
                let old = m.get(&field).map(text).unwrap_or_default();
                m.insert(field.clone(), Value::String(format!("{old}-tampered")));
            }
            let tampered = Notification {
                body: body.to_string().into_bytes(),
                ..good.clone()
            };
            refusals.push(("with a signed value altered", tampered, |e| {
                matches!(e, CallbackError::WrongSignature { .. })
            }));
        }
        None => problems.push(
            "the signature covers no payload value, so an altered notification verifies".into(),
        ),
    }
    let mut big = good.body.clone();
    big.resize(DEFAULT_MAX_BODY + 1, b' ');
    refusals.push((
        "over the size limit",
        with_body(c, &good, big, creds),
        |e| matches!(e, CallbackError::TooLarge { .. }),
    ));
    refusals.push((
        "not JSON",
        with_body(c, &good, b"{\"cut off\": ".to_vec(), creds),
        |e| matches!(e, CallbackError::Malformed { .. }),
    ));
    let mut refused = Vec::new();
    for (what, n, expected) in &refusals {
        match send(n) {
            Err(DynError::Callback(e)) if expected(&e) => {
                let shown = format!("{e} {e:?}");
                for cred in creds {
                    if shown.contains(cred.as_str()) {
                        problems.push(format!("the refusal {what} shows a credential: {shown}"));
                    }
                }
                refused.push(*what);
            }
            other => problems.push(format!("{what}: expected a refusal, got {other:?}")),
        }
    }
    format!("{summary}; refused {}", refused.len())
}
