//! Responses: the payload's schema inside its envelope, the error shape, and
//! the envelope's rules (`x-envelope`), which OpenAPI cannot say: these
//! providers answer errors with HTTP 200.

use serde_json::{json, Map, Value};

use super::request::literal;
use super::schema::{ty_schema, Dir};
use super::Ctx;
use crate::ir::{Condition, Endpoint, Test, Ty};
use crate::spec::ExampleOutcome;

/// One response of an operation, before it is written out.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    /// `200`, `400`, `default`...
    pub status: String,
    /// What it means.
    pub description: String,
    /// Its body's media type.
    pub media: String,
    /// Its body's schema.
    pub schema: Value,
    /// Examples by key.
    pub examples: Vec<(String, Value)>,
}

impl Response {
    /// The OpenAPI response object.
    pub(crate) fn object(&self) -> Value {
        let mut media = json!({ "schema": self.schema });
        if !self.examples.is_empty() {
            let ex: Map<String, Value> = self.examples.iter().cloned().collect();
            media["examples"] = Value::Object(ex);
        }
        json!({
            "description": self.description,
            "content": { self.media.clone(): media },
        })
    }
}

/// Makes `schema` an object schema with `path` required, and puts `leaf` at
/// its end (when given).
fn require_path(schema: &mut Value, path: &[String], leaf: Option<Value>) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if !obj.contains_key("$ref") {
        obj.entry("type").or_insert_with(|| json!("object"));
    }
    let required = obj.entry("required").or_insert_with(|| json!([]));
    if let Some(r) = required.as_array_mut() {
        if !r.iter().any(|v| v == first) {
            r.push(json!(first));
        }
    }
    let props = obj.entry("properties").or_insert_with(|| json!({}));
    let Some(props) = props.as_object_mut() else {
        return;
    };
    if rest.is_empty() {
        match leaf {
            Some(l) => {
                props.insert(first.clone(), l);
            }
            None => {
                props.entry(first.clone()).or_insert_with(|| json!({}));
            }
        }
    } else {
        let next = props.entry(first.clone()).or_insert_with(|| json!({}));
        require_path(next, rest, leaf);
    }
}

/// The body of a successful answer: the payload at its path, and the fields
/// the success conditions need present.
pub(crate) fn success_schema(cx: &Ctx, e: &Endpoint) -> Value {
    let payload = ty_schema(cx, &e.response, Dir::Response);
    let mut body = if e.envelope.payload.is_empty() {
        payload
    } else {
        let mut b = json!({});
        require_path(&mut b, &e.envelope.payload, Some(payload));
        b
    };
    for c in &e.envelope.success {
        if matches!(c.test, Test::Equals(_) | Test::In(_) | Test::Present) {
            require_path(&mut body, &c.path, None);
        }
    }
    body
}

/// The body of an error: the code and message where the envelope reads them
/// (both as text, numbers by their JSON text).
pub(crate) fn error_schema(e: &Endpoint) -> Value {
    let mut s = json!({});
    let text = json!({ "type": ["string", "number", "boolean", "null"] });
    for (path, what) in [(&e.envelope.code, "code"), (&e.envelope.message, "message")] {
        let Some(path) = path else { continue };
        let mut leaf = text.clone();
        leaf["description"] = json!(format!("The error {what}."));
        require_path(&mut s, path, Some(leaf));
        strip_required(&mut s);
    }
    s
}

/// Error fields may be absent: drops the `required` lists `require_path` adds.
fn strip_required(s: &mut Value) {
    if let Some(obj) = s.as_object_mut() {
        obj.remove("required");
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            props.values_mut().for_each(strip_required);
        }
    }
}

fn condition(c: &Condition) -> Value {
    let field = c.path.join(".");
    match &c.test {
        Test::Equals(l) => json!({ "field": field, "equals": literal(l) }),
        Test::NotEquals(l) => json!({ "field": field, "not_equals": literal(l) }),
        Test::In(ls) => json!({ "field": field, "in": ls.iter().map(literal).collect::<Vec<_>>() }),
        Test::Absent => json!({ "field": field, "absent": true }),
        Test::Present => json!({ "field": field, "absent": false }),
    }
}

/// `x-envelope`: how an answer is judged (the spec's `envelope`, resolved).
pub(crate) fn envelope_ext(e: &Endpoint) -> Value {
    let env = &e.envelope;
    let mut v = json!({
        "success": env.success.iter().map(condition).collect::<Vec<_>>(),
        "pending": env.pending.iter().map(condition).collect::<Vec<_>>(),
        "payload": env.payload.join("."),
    });
    let mut err = Map::new();
    if let Some(c) = &env.code {
        err.insert("code".into(), json!(c.join(".")));
    }
    if let Some(m) = &env.message {
        err.insert("message".into(), json!(m.join(".")));
    }
    v["error"] = Value::Object(err);
    v
}

const JSON: &str = "application/json";

const DEFAULT_DOC: &str = "An error: any other status, or a 2xx answer that fails the \
success conditions (`x-envelope`: these providers answer errors with HTTP 200).";

/// The responses of `e`: `200` (and any other 2xx a success example has),
/// each error status an example has, and `default`.
pub(crate) fn responses(cx: &Ctx, e: &Endpoint) -> Vec<Response> {
    let payload_at = if e.envelope.payload.is_empty() {
        "the whole body".to_owned()
    } else {
        format!("`{}`", e.envelope.payload.join("."))
    };
    // A document is the whole body, as served (errors still come as JSON).
    let document = (e.response == Ty::Binary).then(|| {
        cx.examples(e)
            .into_iter()
            .filter(|(_, x)| x.response.outcome.unwrap_or(ExampleOutcome::Ok) == ExampleOutcome::Ok)
            .find_map(|(_, x)| x.response.content_type.clone())
            .unwrap_or_else(|| "application/octet-stream".to_owned())
    });
    let ok = |status: String| match &document {
        Some(media) => Response {
            status,
            description: "Success; the body is the document.".to_owned(),
            media: media.clone(),
            schema: json!({ "type": "string", "contentMediaType": media }),
            examples: Vec::new(),
        },
        None => Response {
            status,
            description: format!("Success; the payload is {payload_at}."),
            media: JSON.to_owned(),
            schema: success_schema(cx, e),
            examples: Vec::new(),
        },
    };
    let error = |status: String, description: &str| Response {
        status,
        description: description.to_owned(),
        media: JSON.to_owned(),
        schema: error_schema(e),
        examples: Vec::new(),
    };
    let mut out = vec![ok("200".into())];
    let mut default = error("default".into(), DEFAULT_DOC);
    for (name, x) in cx.examples(e) {
        let status = x.response.status.unwrap_or(200);
        let outcome = x.response.outcome.unwrap_or(ExampleOutcome::Ok);
        let mut example = json!({ "summary": name, "value": x.response.body });
        let key = status.to_string();
        let target = match outcome {
            ExampleOutcome::Ok => {
                if !out.iter().any(|r| r.status == key) {
                    out.push(ok(key.clone()));
                }
                out.iter_mut().find(|r| r.status == key)
            }
            _ if (200..300).contains(&status) => {
                example["x-outcome"] = json!(outcome_name(outcome));
                Some(&mut default)
            }
            _ => {
                if !out.iter().any(|r| r.status == key) {
                    out.push(error(key.clone(), "A provider error."));
                }
                out.iter_mut().find(|r| r.status == key)
            }
        };
        if let Some(r) = target {
            r.examples.push((name, example));
        }
    }
    out.push(default);
    out
}

fn outcome_name(o: ExampleOutcome) -> &'static str {
    match o {
        ExampleOutcome::Ok => "ok",
        ExampleOutcome::Error => "error",
        ExampleOutcome::Pending => "pending",
    }
}
