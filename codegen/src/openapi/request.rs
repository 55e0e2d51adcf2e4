//! What a request carries: parameters (path, query, header, cookie), the
//! body, security requirements and the auth placements OpenAPI cannot say.

use serde_json::{json, Map, Value};

use super::schema::{field_schema, ty_schema, with_rust_name, Dir};
use super::Ctx;
use crate::ir::{
    Auth, AuthValue, Encoding, Endpoint, Field, ListStyle, Location, Method, ModelKind, Piece,
    Provider, Ty,
};
use crate::spec::Literal;

/// The OpenAPI name of a location (`path` too).
pub(crate) fn location_name(l: Location) -> &'static str {
    match l {
        Location::Query => "query",
        Location::Body => "body",
        Location::Header => "header",
        Location::Cookie => "cookie",
        Location::Path => "path",
        // Kept by the client, never sent: no parameter of the document has it.
        Location::Nowhere => "nowhere",
    }
}

/// A fixed value or a condition value as JSON.
pub(crate) fn literal(l: &Literal) -> Value {
    match l {
        Literal::Bool(b) => json!(b),
        Literal::Int(i) => json!(i),
        Literal::Str(s) => json!(s),
    }
}

/// Whether the request has a body: always for `POST`, `PUT` and `PATCH`,
/// otherwise when something is placed in it.
pub(crate) fn sends_body(e: &Endpoint) -> bool {
    matches!(e.method, Method::Post | Method::Put | Method::Patch)
        || e.params.iter().any(|f| f.location == Location::Body)
        || e.auth.iter().any(|a| a.location == Location::Body)
        || e.fixed.iter().any(|(l, _, _)| *l == Location::Body)
}

/// The media type of the body.
pub(crate) fn content_type(e: &Endpoint) -> &'static str {
    match e.encoding {
        Encoding::Json => "application/json",
        Encoding::Form => "application/x-www-form-urlencoded",
    }
}

/// Values written as JSON text in a query, header, cookie or form field.
fn is_json_text(p: &Provider, ty: &Ty) -> bool {
    match ty {
        Ty::Json | Ty::Map(_) => true,
        Ty::Model(i) => matches!(
            p.models.get(*i).map(|m| &m.kind),
            Some(ModelKind::Struct(_))
        ),
        _ => false,
    }
}

/// A list written as one value, its items joined (with commas, or the
/// field's `join` separator): its text schema.
fn comma_text(cx: &Ctx, f: &Field) -> Value {
    let items = match &f.ty {
        Ty::List(t) => ty_schema(cx, t, Dir::Request),
        _ => json!({}),
    };
    let mut s = match &f.join {
        Some(sep) => {
            json!({ "type": "string", "x-list-style": "join", "x-separator": sep, "x-items": items })
        }
        None => json!({ "type": "string", "x-list-style": "comma", "x-items": items }),
    };
    if let Some(max) = f.max_items {
        s["x-max-items"] = json!(max);
    }
    s
}

/// The schema of a sent parameter, with its list limits and dependencies.
fn param_schema(cx: &Ctx, f: &Field) -> Value {
    if f.join.is_some() {
        let s = super::schema::describe(comma_text(cx, f), f.doc.as_deref());
        return with_rust_name(s, &f.wire, &f.rust);
    }
    let mut s = field_schema(cx, f, Dir::Request);
    if let Some(d) = &f.default {
        s["default"] = literal(d);
    }
    if let (Some(max), Ty::List(_)) = (f.max_items, &f.ty) {
        s["maxItems"] = json!(max);
    }
    if !f.requires.is_empty() {
        let wires: Vec<&str> = f.requires.iter().map(|(w, _)| w.as_str()).collect();
        s["x-requires"] = json!(wires);
    }
    s
}

/// One parameter object (`name` is the path item's name for path parameters).
fn parameter(cx: &Ctx, f: &Field, name: &str, example: Option<&Value>) -> Value {
    let mut s = param_schema(cx, f);
    // Said once, on the parameter.
    let description = s.as_object_mut().and_then(|o| o.remove("description"));
    if let Some(o) = s.as_object_mut() {
        o.remove("x-rust-name");
    }
    let mut out = json!({
        "name": name,
        "in": location_name(f.location),
        "required": f.location == Location::Path || !f.may_be_absent,
    });
    if is_json_text(cx.p, &f.ty) {
        out["content"] = json!({ "application/json": { "schema": s } });
    } else {
        out["schema"] = s;
        if let (Ty::List(_), None) = (&f.ty, &f.join) {
            let explode = f.style == ListStyle::Array && f.location == Location::Query;
            let style = match f.location {
                Location::Query | Location::Cookie => "form",
                _ => "simple",
            };
            out["style"] = json!(style);
            out["explode"] = json!(explode);
        }
    }
    if let Some(d) = description {
        out["description"] = d;
    }
    if let Some(v) = example {
        out["example"] = v.clone();
    }
    if name != f.wire {
        out["x-wire-name"] = json!(f.wire);
    }
    with_rust_name(out, &f.wire, &f.rust)
}

/// The parameters of one route: its present path parameters (named as the
/// path item names them), then query, header and cookie values, fixed query
/// values, fixed headers, and signatures outside the body.
pub(crate) fn parameters(cx: &Ctx, e: &Endpoint, path: &[(String, String)]) -> Vec<Value> {
    let examples = cx.request_examples(e);
    let example = |wire: &str| {
        cx.param_example(e, wire)
            .or_else(|| examples.iter().find_map(|(_, r)| r.get(wire)))
    };
    let mut out = Vec::new();
    for (wire, name) in path {
        if let Some(f) = e.params.iter().find(|f| &f.wire == wire) {
            out.push(parameter(cx, f, name, example(wire)));
        }
    }
    for f in &e.params {
        if matches!(
            f.location,
            Location::Query | Location::Header | Location::Cookie
        ) {
            out.push(parameter(cx, f, &f.wire, example(&f.wire)));
        }
    }
    for (l, name, v) in &e.fixed {
        if *l != Location::Body {
            out.push(json!({
                "name": name, "in": location_name(*l), "required": true,
                "schema": { "const": literal(v) }, "x-fixed": true,
            }));
        }
    }
    for (name, v) in &e.headers {
        out.push(json!({
            "name": name, "in": "header", "required": true,
            "schema": { "type": "string", "const": v }, "x-fixed": true,
        }));
    }
    for a in &e.auth {
        if let (AuthValue::Signature { .. }, false) = (&a.value, a.location == Location::Body) {
            out.push(json!({
                "name": a.name, "in": location_name(a.location), "required": true,
                "schema": auth_property(cx.p, a),
            }));
        }
    }
    out
}

/// The schema of an auth value sent in the body (or a signature anywhere).
fn auth_property(p: &Provider, a: &Auth) -> Value {
    let mut s = match &a.value {
        AuthValue::Credential(i) => {
            let c = p.credentials.get(*i);
            let mut s = json!({
                "type": "string", "format": "password", "writeOnly": true,
                "x-credential": c.map(|c| c.wire.as_str()).unwrap_or_default(),
            });
            if let Some(d) = c.and_then(|c| c.doc.as_deref()) {
                s["description"] = json!(d);
            }
            s
        }
        AuthValue::Signature { .. } => json!({ "type": "string", "x-signature": signature(p, a) }),
    };
    if !a.prefix.is_empty() {
        s["x-prefix"] = json!(a.prefix);
    }
    s
}

/// The body's object schema: auth values, fixed values, then parameters, as on the wire.
pub(crate) fn body_schema(cx: &Ctx, e: &Endpoint) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for a in e.auth.iter().filter(|a| a.location == Location::Body) {
        props.insert(a.name.clone(), auth_property(cx.p, a));
        required.push(json!(a.name));
    }
    for (_, name, v) in e.fixed.iter().filter(|(l, _, _)| *l == Location::Body) {
        props.insert(
            name.clone(),
            json!({ "const": literal(v), "x-fixed": true }),
        );
        required.push(json!(name));
    }
    let fields: Vec<Field> = e
        .params
        .iter()
        .filter(|f| f.location == Location::Body)
        .cloned()
        .collect();
    let mut dependent = Map::new();
    for f in &fields {
        let comma = e.encoding == Encoding::Json && f.style == ListStyle::Comma;
        let deps: Vec<&str> = f.requires.iter().map(|(w, _)| w.as_str()).collect();
        let s = if comma && f.join.is_none() && matches!(f.ty, Ty::List(_)) {
            let mut s = super::schema::describe(comma_text(cx, f), f.doc.as_deref());
            if !deps.is_empty() {
                s["x-requires"] = json!(deps);
            }
            with_rust_name(s, &f.wire, &f.rust)
        } else {
            param_schema(cx, f)
        };
        props.insert(f.wire.clone(), s);
        if !deps.is_empty() && deps.iter().all(|d| fields.iter().any(|g| g.wire == *d)) {
            dependent.insert(f.wire.clone(), json!(deps));
        }
    }
    required.extend(
        fields
            .iter()
            .filter(|f| !f.may_be_absent)
            .map(|f| json!(f.wire)),
    );
    let mut s = json!({ "type": "object", "properties": props, "additionalProperties": false });
    if !required.is_empty() {
        s["required"] = Value::Array(required);
    }
    if !dependent.is_empty() {
        s["dependentRequired"] = Value::Object(dependent);
    }
    s
}

/// How a form body writes lists (repeated keys or one comma-joined value)
/// and structured values (JSON text).
pub(crate) fn form_encoding(cx: &Ctx, e: &Endpoint) -> Map<String, Value> {
    let mut out = Map::new();
    if e.encoding != Encoding::Form {
        return out;
    }
    for f in e.params.iter().filter(|f| f.location == Location::Body) {
        if is_json_text(cx.p, &f.ty) {
            out.insert(f.wire.clone(), json!({ "contentType": "application/json" }));
        } else if let (Ty::List(_), None) = (&f.ty, &f.join) {
            let explode = f.style == ListStyle::Array;
            out.insert(
                f.wire.clone(),
                json!({ "style": "form", "explode": explode }),
            );
        }
    }
    out
}

/// A request example's body: fixed values, placeholders for auth values, and
/// the example's body parameters as the client writes them.
pub(crate) fn body_example(cx: &Ctx, e: &Endpoint, request: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for a in e.auth.iter().filter(|a| a.location == Location::Body) {
        let what = match &a.value {
            AuthValue::Credential(i) => cx.p.credentials.get(*i).map(|c| c.wire.clone()),
            AuthValue::Signature { .. } => Some(format!("{} signature", a.name)),
        };
        out.insert(
            a.name.clone(),
            json!(format!("<{}>", what.unwrap_or_default())),
        );
    }
    for (_, name, v) in e.fixed.iter().filter(|(l, _, _)| *l == Location::Body) {
        out.insert(name.clone(), literal(v));
    }
    for f in e.params.iter().filter(|f| f.location == Location::Body) {
        let Some(v) = request.get(&f.wire) else {
            continue;
        };
        let comma = e.encoding == Encoding::Json && f.style == ListStyle::Comma;
        let v = match (v, &f.join, comma) {
            (Value::Array(items), Some(sep), _) => {
                json!(items.iter().map(text).collect::<Vec<_>>().join(sep))
            }
            (Value::Array(items), None, true) => {
                json!(items.iter().map(text).collect::<Vec<_>>().join(","))
            }
            _ => v.clone(),
        };
        out.insert(f.wire.clone(), v);
    }
    Value::Object(out)
}

/// A JSON value's text as a comma list writes it.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `x-signature`: how a computed signature is made.
fn signature(p: &Provider, a: &Auth) -> Value {
    let AuthValue::Signature {
        algorithm,
        template,
        key,
        output,
    } = &a.value
    else {
        return Value::Null;
    };
    let algorithm = algorithm.as_str();
    let output = output.as_str();
    let mut s = json!({
        "algorithm": algorithm,
        "template": template_text(p, template),
        "output": output,
    });
    if !key.is_empty() {
        s["key"] = json!(template_text(p, key));
    }
    s
}

/// A template written back as the spec writes it (`{name}` holes, `{{` for `{`).
fn template_text(p: &Provider, pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Lit(s) => s.replace('{', "{{").replace('}', "}}"),
            Piece::Credential(i) => {
                format!(
                    "{{{}}}",
                    p.credentials.get(*i).map(|c| c.wire.as_str()).unwrap_or("")
                )
            }
            Piece::Field(f) => format!("{{{f}}}"),
        })
        .collect()
}

/// `x-auth`: every auth placement of the endpoint, in wire order.
pub(crate) fn auth_ext(p: &Provider, e: &Endpoint) -> Value {
    let list: Vec<Value> = e
        .auth
        .iter()
        .map(|a| {
            let mut v = json!({ "in": location_name(a.location), "name": a.name });
            match &a.value {
                AuthValue::Credential(i) => {
                    v["credential"] = json!(p.credentials.get(*i).map(|c| c.wire.as_str()));
                }
                AuthValue::Signature { .. } => v["signature"] = signature(p, a),
            }
            if !a.prefix.is_empty() {
                v["prefix"] = json!(a.prefix);
            }
            v
        })
        .collect();
    Value::Array(list)
}

/// A security scheme: a credential sent as is in a header, the query or a cookie.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scheme {
    /// Credential index.
    pub credential: usize,
    /// Where.
    pub location: Location,
    /// Wire name.
    pub name: String,
    /// Text before the value.
    pub prefix: String,
}

impl Scheme {
    /// The scheme an auth placement is, if OpenAPI can say it.
    pub(crate) fn of(a: &Auth) -> Option<Scheme> {
        match (a.location, &a.value) {
            (Location::Header | Location::Query | Location::Cookie, AuthValue::Credential(i)) => {
                Some(Scheme {
                    credential: *i,
                    location: a.location,
                    name: a.name.clone(),
                    prefix: a.prefix.clone(),
                })
            }
            _ => None,
        }
    }

    /// The `securitySchemes` entry.
    pub(crate) fn object(&self, p: &Provider) -> Value {
        let c = p.credentials.get(self.credential);
        let mut d = c.and_then(|c| c.doc.clone()).unwrap_or_default();
        if !self.prefix.is_empty() {
            d = format!(
                "{d}\n\nSent as `{}<{}>`.",
                self.prefix,
                c.map(|c| c.wire.as_str()).unwrap_or("")
            );
        }
        let mut s = json!({
            "type": "apiKey",
            "name": self.name,
            "in": location_name(self.location),
            "x-credential": c.map(|c| c.wire.as_str()),
        });
        if !d.trim().is_empty() {
            s["description"] = json!(d.trim());
        }
        if !self.prefix.is_empty() {
            s["x-prefix"] = json!(self.prefix);
        }
        s
    }
}
