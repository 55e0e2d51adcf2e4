//! The OpenAPI export (`codegen openapi`) describes what the generated clients
//! really send: every documented example of every spec is called through its
//! client against the mock, and the recorded request is checked against the
//! operation the document gives that endpoint (path, query, headers, cookies,
//! content type, body keys, required and fixed values, JSON value types).
//! No provider is named here.

use std::collections::BTreeMap;

use providers_mock::{MockServer, Recorded, Reply};
use serde_json::Value;

use crate::support::tour;

/// Headers the HTTP client writes on its own (not the spec's).
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "content-type",
    "content-length",
    "accept",
    "accept-encoding",
    "user-agent",
    "connection",
    "cookie",
];

/// Whether a path template (`/a/{x}`) matches a request path.
fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

/// The operation of `endpoint` for this request: found by method and path,
/// then (several endpoints on one URL) among `x-operations`.
fn operation<'a>(doc: &'a Value, endpoint: &str, r: &Recorded) -> Result<&'a Value, String> {
    let method = r.method.to_ascii_lowercase();
    let found: Vec<&Value> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(t, _)| matches(t, &r.path))
        .filter_map(|(_, item)| item.get(&method))
        .collect();
    let [op] = found.as_slice() else {
        return Err(format!(
            "{} {}: {} operations match",
            r.method,
            r.path,
            found.len()
        ));
    };
    let is_it = |o: &Value| {
        let id = o["operationId"].as_str().unwrap_or_default();
        id == endpoint || id.starts_with(&format!("{endpoint}_without_"))
    };
    match op["x-operations"].as_array() {
        Some(inner) => inner
            .iter()
            .find(|o| is_it(o))
            .ok_or_else(|| format!("`{endpoint}` is not among x-operations")),
        None if is_it(op) => Ok(op),
        None => Err(format!(
            "{} {} is `{}`",
            r.method, r.path, op["operationId"]
        )),
    }
}

/// Resolves a local `$ref`.
fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    match s["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => doc.pointer(pointer).unwrap_or(&Value::Null),
        None => s,
    }
}

/// Where each value may go: `(in, name)` of the parameters and security
/// schemes, with the parameter (`None` for a scheme).
fn declared<'a>(doc: &'a Value, op: &'a Value) -> Vec<(String, String, Option<&'a Value>)> {
    let mut out: Vec<(String, String, Option<&Value>)> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                text(&p["in"]),
                text(&p["name"]).to_ascii_lowercase(),
                Some(p),
            )
        })
        .collect();
    for req in op["security"].as_array().into_iter().flatten() {
        for name in req.as_object().into_iter().flatten().map(|(k, _)| k) {
            let s = &doc["components"]["securitySchemes"][name];
            out.push((text(&s["in"]), text(&s["name"]).to_ascii_lowercase(), None));
        }
    }
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The values sent outside the body, against the declared parameters.
fn check_parameters(doc: &Value, op: &Value, r: &Recorded, problems: &mut Vec<String>) {
    let declared = declared(doc, op);
    let headers: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(n, _)| !TRANSPORT_HEADERS.contains(&n.as_str()))
        .cloned()
        .collect();
    let sent: Vec<(&str, Vec<(String, String)>)> = vec![
        ("query", r.query_pairs()),
        ("header", headers),
        ("cookie", r.cookies()),
    ];
    for (place, pairs) in &sent {
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            by_name
                .entry(k.to_ascii_lowercase())
                .or_default()
                .push(v.clone());
        }
        for (name, values) in &by_name {
            match declared.iter().find(|(i, n, _)| i == place && n == name) {
                None => problems.push(format!("{place} `{name}` is sent but not declared")),
                Some((_, _, Some(p))) => {
                    if let Some(c) = p["schema"].get("const") {
                        if values.iter().any(|v| *v != text(c)) {
                            problems.push(format!("{place} `{name}`: {values:?}, declared {c}"));
                        }
                    }
                }
                Some(_) => {}
            }
        }
        for (_, name, p) in declared.iter().filter(|(i, _, _)| i == place) {
            let required = p.is_none_or(|p| p["required"] == true);
            if required && !by_name.contains_key(name) {
                problems.push(format!("required {place} `{name}` is not sent"));
            }
        }
    }
}

/// Whether a JSON value fits a schema's simple `type`.
fn type_fits(schema: &Value, v: &Value) -> bool {
    let kind = match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = |t: &Value| t == kind || (t == "number" && kind == "integer");
    match &schema["type"] {
        Value::Null => true,
        Value::Array(ts) => ts.iter().any(fits),
        t => fits(t),
    }
}

/// The body against the operation's request body.
fn check_body(doc: &Value, op: &Value, r: &Recorded, problems: &mut Vec<String>) {
    let Some(content) = op["requestBody"]["content"].as_object() else {
        if !r.body.is_empty() {
            problems.push(format!(
                "a body is sent but none declared: {}",
                r.body_text()
            ));
        }
        return;
    };
    let ct = r.header("content-type").unwrap_or_default();
    let Some((media, m)) = content.iter().find(|(k, _)| ct.starts_with(k.as_str())) else {
        problems.push(format!(
            "content-type `{ct}`, declared {:?}",
            content.keys()
        ));
        return;
    };
    let schema = resolve(doc, &m["schema"]);
    let fields: Vec<(String, Value)> = if media == "application/json" {
        match serde_json::from_slice::<Value>(&r.body) {
            Ok(Value::Object(o)) => o.into_iter().collect(),
            other => return problems.push(format!("the JSON body is not an object: {other:?}")),
        }
    } else {
        r.form_pairs()
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect()
    };
    let props = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (k, v) in &fields {
        let Some(p) = props.get(k) else {
            problems.push(format!("body `{k}` is sent but not declared"));
            continue;
        };
        let p = resolve(doc, p);
        if let Some(c) = p.get("const") {
            if text(c) != text(v) {
                problems.push(format!("body `{k}`: {v}, declared {c}"));
            }
        } else if media == "application/json" && !type_fits(p, v) {
            problems.push(format!("body `{k}`: {v} is not of type {}", p["type"]));
        }
    }
    for req in schema["required"].as_array().into_iter().flatten() {
        if !fields.iter().any(|(k, _)| req == k.as_str()) {
            problems.push(format!("required body `{}` is not sent", text(req)));
        }
    }
}

#[tokio::test]
async fn the_openapi_documents_describe_what_the_clients_send() {
    let files = codegen::spec_files(std::path::Path::new("specs")).expect("specs/");
    let (mut checked, mut problems) = (0, Vec::new());
    for file in files {
        let (loaded, provider) = codegen::analyze_file(&file).expect("a valid spec");
        let doc = codegen::openapi::document(&loaded.spec, &provider);
        let entry = providers::PROVIDERS
            .iter()
            .find(|p| p.module == provider.module)
            .expect("compiled in");
        let server = MockServer::start().await.expect("mock");
        let creds: BTreeMap<String, String> = entry
            .credentials
            .iter()
            .map(|c| (c.to_string(), tour::credential(entry.module, c)))
            .collect();
        let client = (entry.connect)(&server.url(), &creds, &Default::default()).expect("client");
        for e in &provider.endpoints {
            let Some(spec_e) = loaded.spec.endpoints.get(&e.wire) else {
                continue;
            };
            for ex in &spec_e.examples {
                let label = format!("{}.{} {:?}", provider.module, e.wire, ex.name);
                server.push(Reply::json(
                    ex.response.status.unwrap_or(200),
                    ex.response.body.to_string(),
                ));
                let params = Value::Object(ex.request.clone().unwrap_or_default());
                let _ = client.call(&e.wire, params).await;
                let seen = server.take_requests();
                let [r] = seen.as_slice() else {
                    problems.push(format!("{label}: {} requests", seen.len()));
                    continue;
                };
                let mut found = Vec::new();
                match operation(&doc, &e.wire, r) {
                    Ok(op) => {
                        check_parameters(&doc, op, r, &mut found);
                        check_body(&doc, op, r, &mut found);
                    }
                    Err(why) => found.push(why),
                }
                problems.extend(found.into_iter().map(|p| format!("{label}: {p}")));
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "only {checked} examples");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
