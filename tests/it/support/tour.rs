//! Calls every documented example of every spec against the in-process mock
//! provider and checks both sides: the request the generated client put on the
//! wire, and what it made of the documented response.
//!
//! Shared by the generic contract test (`tests/it/contract.rs`) and the mock tour
//! (`examples/mock_tour.rs`). Nothing here knows any provider: a new spec is
//! covered by adding its YAML file.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use codegen::ir::{self, AuthValue, Location, Piece, Segment};
use codegen::spec::{ExampleOutcome, Literal};
use hmac::Mac;
use md5::Digest;
use providers::runtime::dynamic::DynError;
use providers::Error;
use providers_mock::{MockServer, Recorded, Reply};
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
        let server = MockServer::start().await.map_err(|e| e.to_string())?;
        let creds: BTreeMap<String, String> = entry
            .credentials
            .iter()
            .map(|c| (c.to_string(), credential(entry.module, c)))
            .collect();
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
                server.push(reply(&ex.response));
                let params = Value::Object(ex.request.clone().unwrap_or_default());
                let result = client.call(&e.wire, params.clone()).await;
                let mut problems = Vec::new();
                let seen = server.take_requests();
                match seen.as_slice() {
                    [one] => check_wire(&provider, e, &creds, &params, one, &mut problems),
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

/// The example's answer: its JSON body, or with a `content_type` that text as sent.
fn reply(r: &codegen::spec::ExampleResponse) -> Reply {
    let status = r.status.unwrap_or(200);
    match (&r.content_type, &r.body) {
        (None, body) => Reply::json(status, body.to_string()),
        (Some(ct), Value::String(text)) if !is_json_type(ct) => {
            Reply::text(status, ct, text.clone())
        }
        (Some(ct), body) => Reply::text(status, ct, body.to_string()),
    }
}

fn is_json_type(ct: &str) -> bool {
    let m = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m == "text/json" || m.ends_with("+json")
}

/// The bytes `reply` serves for an example.
fn served(r: &codegen::spec::ExampleResponse) -> Vec<u8> {
    match (&r.content_type, &r.body) {
        (Some(ct), Value::String(text)) if !is_json_type(ct) => text.clone().into_bytes(),
        (_, body) => body.to_string().into_bytes(),
    }
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

/// Same value on the wire: equal texts, or equal numbers (`1000` and `1000.0`).
fn same(expected: &str, got: &str) -> bool {
    expected == got
        || matches!((expected.parse::<f64>(), got.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
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
            let bytes = served(response);
            if got.as_deref() != Some(bytes.as_slice()) {
                problems.push(format!(
                    "the document's bytes differ from the {} served",
                    bytes.len()
                ));
            }
            let ct = response
                .content_type
                .as_deref()
                .unwrap_or("application/json");
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

fn signature(
    algorithm: ir::Algorithm,
    template: &[Piece],
    key: &[Piece],
    output: ir::DigestOutput,
    creds: &[String],
    values: &BTreeMap<String, String>,
) -> String {
    let render = |pieces: &[Piece]| -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(s) => s.clone(),
                Piece::Credential(i) => creds[*i].clone(),
                Piece::Field(f) => values.get(f).cloned().unwrap_or_default(),
            })
            .collect()
    };
    let input = render(template);
    let digest: Vec<u8> = match algorithm {
        ir::Algorithm::Md5 => md5::Md5::digest(input.as_bytes()).to_vec(),
        ir::Algorithm::Sha1 => sha1::Sha1::digest(input.as_bytes()).to_vec(),
        ir::Algorithm::Sha256 => sha2::Sha256::digest(input.as_bytes()).to_vec(),
        ir::Algorithm::HmacSha256 => {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(render(key).as_bytes())
                .expect("any key length");
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    };
    match output {
        ir::DigestOutput::Hex => digest.iter().map(|b| format!("{b:02x}")).collect(),
        ir::DigestOutput::HexUpper => digest.iter().map(|b| format!("{b:02X}")).collect(),
        ir::DigestOutput::Base64 => base64::engine::general_purpose::STANDARD.encode(digest),
    }
}

fn check_wire(
    p: &ir::Provider,
    e: &ir::Endpoint,
    creds: &BTreeMap<String, String>,
    params: &Value,
    seen: &Recorded,
    problems: &mut Vec<String>,
) {
    let method = format!("{:?}", e.method).to_uppercase();
    if seen.method != method {
        problems.push(format!("method {}, expected {method}", seen.method));
    }
    let given = |wire: &str| params.get(wire).filter(|v| !v.is_null());
    // Path.
    let mut path = String::new();
    for s in &e.segments {
        match s {
            Segment::Lit(l) => path.push_str(l),
            Segment::Param(n) | Segment::Optional(n) => {
                if let Some(v) = given(n) {
                    path.push('/');
                    path.push_str(&text(v));
                }
            }
        }
    }
    let got_path = providers_mock::form_decode(&format!("p={}", seen.path.replace('+', "%2B")))
        .pop()
        .map(|(_, v)| v)
        .unwrap_or_default();
    if got_path != path {
        problems.push(format!("path {got_path:?}, expected {path:?}"));
    }
    // Everything the request carries, by location.
    let query: Vec<(String, String)> = seen.query_pairs();
    let body: Vec<(String, String)> = match e.encoding {
        ir::Encoding::Form => seen.form_pairs(),
        ir::Encoding::Json => match serde_json::from_slice::<Value>(&seen.body) {
            _ if seen.body.is_empty() => Vec::new(),
            Ok(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
            Ok(other) => {
                problems.push(format!("JSON body is not an object: {other}"));
                Vec::new()
            }
            Err(err) => {
                problems.push(format!("body is not JSON: {err}"));
                Vec::new()
            }
        },
    };
    if e.encoding == ir::Encoding::Json
        && !seen.body.is_empty()
        && seen.header("content-type") != Some("application/json")
    {
        problems.push(format!(
            "content-type {:?} for a JSON body",
            seen.header("content-type")
        ));
    }
    if e.encoding == ir::Encoding::Form
        && !seen.body.is_empty()
        && seen.header("content-type") != Some("application/x-www-form-urlencoded")
    {
        problems.push(format!(
            "content-type {:?} for a form body",
            seen.header("content-type")
        ));
    }
    let cookies = seen.cookies();
    let find = |loc: Location, name: &str| -> Option<String> {
        let pairs: &[(String, String)] = match loc {
            Location::Query => &query,
            Location::Body => &body,
            Location::Cookie => &cookies,
            Location::Header => return seen.header(name).map(str::to_owned),
            Location::Path | Location::Nowhere => return None,
        };
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (loc, name, lit) in &e.fixed {
        let want = match lit {
            Literal::Bool(b) => b.to_string(),
            Literal::Int(i) => i.to_string(),
            Literal::Str(s) => s.clone(),
        };
        match find(*loc, name) {
            Some(got) if got == want => {}
            got => problems.push(format!("fixed `{name}` is {got:?}, expected {want:?}")),
        }
        values.insert(name.clone(), want);
    }
    for f in &e.params {
        if f.location == Location::Path {
            continue;
        }
        if f.location == Location::Nowhere {
            // Kept by the client (for the reference, signatures), never sent.
            for loc in [
                Location::Query,
                Location::Body,
                Location::Cookie,
                Location::Header,
            ] {
                if let Some(got) = find(loc, &f.wire) {
                    problems.push(format!(
                        "`{}` is sent nowhere, but the request carries {got:?}",
                        f.wire
                    ));
                }
            }
            if let Some(v) = given(&f.wire) {
                values.insert(f.wire.clone(), text(v));
            }
            continue;
        }
        let expected = |v: &Value| match (&f.join, v) {
            (Some(sep), Value::Array(items)) => {
                items.iter().map(text).collect::<Vec<_>>().join(sep)
            }
            _ => text(v),
        };
        let default = f.default.as_ref().map(|l| match l {
            Literal::Str(s) => s.clone(),
            other => other.to_string(),
        });
        match (given(&f.wire), find(f.location, &f.wire)) {
            (None, got) if default.is_some() => {
                if got != default {
                    problems.push(format!(
                        "`{}` is {got:?} on the wire, its default is {default:?}",
                        f.wire
                    ));
                }
                if let Some(got) = got {
                    values.insert(f.wire.clone(), got);
                }
            }
            (Some(v), Some(got)) => {
                if !same(&expected(v), &got) {
                    problems.push(format!(
                        "`{}` is {got:?} on the wire, the example gives {v}",
                        f.wire
                    ));
                }
                values.insert(f.wire.clone(), got);
            }
            (Some(v), None) => {
                problems.push(format!("`{}` ({v}) is missing from the request", f.wire))
            }
            (None, Some(got)) => problems.push(format!(
                "`{}` is on the wire ({got:?}) but the example leaves it out",
                f.wire
            )),
            (None, None) => {}
        }
    }
    for (k, v) in &e.headers {
        if seen.header(k) != Some(v.as_str()) {
            problems.push(format!(
                "header `{k}` is {:?}, expected {v:?}",
                seen.header(k)
            ));
        }
    }
    let cred_values: Vec<String> = p
        .credentials
        .iter()
        .map(|c| creds[&c.wire].clone())
        .collect();
    for a in &e.auth {
        let value = match &a.value {
            AuthValue::Credential(i) => cred_values[*i].clone(),
            AuthValue::Signature {
                algorithm,
                template,
                key,
                output,
            } => signature(*algorithm, template, key, *output, &cred_values, &values),
        };
        let want = format!("{}{}", a.prefix, value);
        match find(a.location, &a.name) {
            Some(got) if got == want => {}
            got => problems.push(format!("auth `{}` is {got:?}, expected {want:?}", a.name)),
        }
    }
    // Credentials only travel where the spec puts them.
    let placed: Vec<&str> = e
        .auth
        .iter()
        .filter_map(|a| match a.value {
            AuthValue::Credential(i) => Some(cred_values[i].as_str()),
            AuthValue::Signature { .. } => None,
        })
        .collect();
    let raw = format!("{}{}", seen.head_text(), seen.body_text());
    for c in &cred_values {
        if !placed.contains(&c.as_str()) && raw.contains(c.as_str()) {
            problems.push(format!(
                "a credential the endpoint does not send appears on the wire: {c}"
            ));
        }
    }
}
