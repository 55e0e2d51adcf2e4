//! Paths and operations.
//!
//! An endpoint becomes one operation per URL it can call: optional path
//! parameters are left out of the URL when not set, so `/a/{x}/{y}` with
//! both optional is three paths (`/a`, `/a/{x}`, `/a/{x}/{y}`). OpenAPI has
//! one operation per method and path; several endpoints there (one URL, the
//! operation chosen by a fixed field) become one operation whose body is a
//! `oneOf` of theirs, discriminated by the fixed field when its values are
//! distinct texts, with each endpoint's own operation in `x-operations`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::request::{
    auth_ext, body_example, content_type, form_encoding, location_name, parameters, sends_body,
};
use super::response::{envelope_ext, responses, Response};
use super::Ctx;
use crate::ir::{Endpoint, Method, Segment};

/// One URL of one endpoint.
struct Route<'a> {
    e: &'a Endpoint,
    /// `/a/{x}`.
    template: String,
    /// The path parameters in it (wire names), in order.
    params: Vec<String>,
    /// The optional path parameters left out.
    omitted: Vec<String>,
}

impl Route<'_> {
    /// The template with parameter names erased: paths OpenAPI deems equal.
    fn shape(&self) -> String {
        let mut out = String::new();
        let mut depth = 0;
        for c in self.template.chars() {
            match c {
                '{' => {
                    depth += 1;
                    out.push_str("{}");
                }
                '}' => depth -= 1,
                _ if depth > 0 => {}
                c => out.push(c),
            }
        }
        out
    }
}

/// The URLs of `e`, the full one first.
fn routes(e: &Endpoint) -> Vec<Route<'_>> {
    let optional = e
        .segments
        .iter()
        .filter(|s| matches!(s, Segment::Optional(_)))
        .count();
    (0..=optional)
        .rev()
        .map(|keep| {
            let mut template = String::new();
            let mut params = Vec::new();
            let mut omitted = Vec::new();
            let mut seen = 0;
            for s in &e.segments {
                match s {
                    Segment::Lit(l) => template.push_str(l),
                    Segment::Param(p) => {
                        template.push_str(&format!("/{{{p}}}"));
                        params.push(p.clone());
                    }
                    Segment::Optional(p) => {
                        seen += 1;
                        if seen <= keep {
                            template.push_str(&format!("/{{{p}}}"));
                            params.push(p.clone());
                        } else {
                            omitted.push(p.clone());
                        }
                    }
                }
            }
            if template.is_empty() {
                template.push('/');
            }
            Route {
                e,
                template,
                params,
                omitted,
            }
        })
        .collect()
}

/// The component name of an endpoint's body schema (a Rust name never has a `.`).
pub(crate) fn body_component(e: &Endpoint) -> String {
    format!("{}Request.body", e.type_prefix)
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Get => "get",
        Method::Post => "post",
        Method::Put => "put",
        Method::Patch => "patch",
        Method::Delete => "delete",
    }
}

/// Operation ids, unique within the document.
#[derive(Default)]
struct Ids(BTreeSet<String>);

impl Ids {
    fn claim(&mut self, wanted: String) -> String {
        let mut id = wanted.clone();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{wanted}_{n}");
            n += 1;
        }
        id
    }
}

/// A path item being gathered: its template, and the routes per method.
type Item<'a> = (String, Vec<(Method, Vec<Route<'a>>)>);

/// Every path item, in spec order of first use.
pub(crate) fn paths(cx: &Ctx) -> Map<String, Value> {
    // shape -> (template, method -> routes)
    let mut items: Vec<Item> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for e in &cx.p.endpoints {
        for r in routes(e) {
            let at = *index.entry(r.shape()).or_insert_with(|| {
                items.push((r.template.clone(), Vec::new()));
                items.len() - 1
            });
            let methods = &mut items[at].1;
            match methods.iter_mut().find(|(m, _)| *m == e.method) {
                Some((_, rs)) => rs.push(r),
                None => methods.push((e.method, vec![r])),
            }
        }
    }
    let mut ids = Ids::default();
    cx.p.endpoints.iter().for_each(|e| {
        ids.0.insert(e.wire.clone());
    });
    let mut out = Map::new();
    for (template, methods) in items {
        let names = template_params(&template);
        let mut item = Map::new();
        for (m, rs) in methods {
            let ops: Vec<Value> = rs.iter().map(|r| operation(cx, r, &names)).collect();
            let op = match <[Value; 1]>::try_from(ops) {
                Ok([one]) => one,
                Err(ops) => merged(cx, &rs, ops, &mut ids, m, &template),
            };
            item.insert(method_name(m).into(), op);
        }
        out.insert(template, Value::Object(item));
    }
    out
}

fn template_params(template: &str) -> Vec<String> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// The operation of one route; `names` are the path item's parameter names.
fn operation(cx: &Ctx, r: &Route, names: &[String]) -> Value {
    let e = r.e;
    let path: Vec<(String, String)> = r
        .params
        .iter()
        .cloned()
        .zip(names.iter().cloned())
        .collect();
    let mut id = e.wire.clone();
    if !r.omitted.is_empty() {
        id = format!("{id}_without_{}", r.omitted.join("_"));
    }
    let mut op = json!({
        "operationId": id,
        "parameters": parameters(cx, e, &path),
        "responses": responses(cx, e).iter().map(|r| (r.status.clone(), r.object())).collect::<Map<_, _>>(),
        "security": [security(cx, e)],
        "x-rust-method": e.rust,
        "x-idempotent": e.idempotent,
        "x-moves-money": e.moves_money,
        "x-envelope": envelope_ext(e),
    });
    if let Some(doc) = &e.doc {
        op["summary"] = json!(summary(doc));
        op["description"] = json!(doc);
    }
    if let Some(b) = request_body(cx, e) {
        op["requestBody"] = b;
    }
    if let Some(reference) = &e.reference {
        op["x-reference"] = json!(reference);
    }
    if !e.auth.is_empty() {
        op["x-auth"] = auth_ext(cx.p, e);
    }
    if !r.omitted.is_empty() {
        op["x-path-variant"] = json!({ "path": e.path_text, "omitted": r.omitted });
    }
    op
}

/// The first sentence of the first paragraph.
fn summary(doc: &str) -> String {
    let para: Vec<&str> = doc
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let text = para.join(" ");
    match text.find(". ") {
        Some(i) => text[..=i].to_owned(),
        None => text,
    }
}

/// The security requirement: every credential sent as a scheme can say.
fn security(cx: &Ctx, e: &Endpoint) -> Value {
    let req: Map<String, Value> = e
        .auth
        .iter()
        .filter_map(|a| Some((cx.scheme_name(a)?.to_owned(), json!([]))))
        .collect();
    Value::Object(req)
}

fn request_body(cx: &Ctx, e: &Endpoint) -> Option<Value> {
    if !sends_body(e) {
        return None;
    }
    let mut media = json!({
        "schema": { "$ref": format!("#/components/schemas/{}", body_component(e)) },
    });
    let encoding = form_encoding(cx, e);
    if !encoding.is_empty() {
        media["encoding"] = Value::Object(encoding);
    }
    let examples: Map<String, Value> = cx
        .request_examples(e)
        .into_iter()
        .map(|(n, req)| {
            (
                n.clone(),
                json!({ "summary": n, "value": body_example(cx, e, req) }),
            )
        })
        .collect();
    if !examples.is_empty() {
        media["examples"] = Value::Object(examples);
    }
    Some(json!({ "required": true, "content": { content_type(e): media } }))
}

/// Several endpoints on one method and path, as one operation.
fn merged(
    cx: &Ctx,
    rs: &[Route],
    ops: Vec<Value>,
    ids: &mut Ids,
    m: Method,
    template: &str,
) -> Value {
    let names: Vec<&str> = ops
        .iter()
        .filter_map(|o| o["operationId"].as_str())
        .collect();
    let id = ids.claim(format!("{} {template}", method_name(m)));
    let mut securities: Vec<Value> = Vec::new();
    for o in &ops {
        if let Some(s) = o["security"].get(0) {
            if !securities.contains(s) {
                securities.push(s.clone());
            }
        }
    }
    let mut op = json!({
        "operationId": id,
        "summary": format!("{} operations: {}", ops.len(), names.join(", ")),
        "description": "Several operations share this method and URL; the body (or the fixed \
            values) chooses one. `x-operations` lists each one as an operation of its own.",
        "parameters": merged_parameters(&ops),
        "responses": merged_responses(cx, rs),
        "security": securities,
    });
    if let Some(b) = merged_body(cx, rs) {
        op["requestBody"] = b;
    }
    op["x-operations"] = Value::Array(ops);
    op
}

/// Parameters of several operations: each once, required when all require it.
fn merged_parameters(ops: &[Value]) -> Vec<Value> {
    let mut out: Vec<(Value, Vec<Value>, usize)> = Vec::new();
    for o in ops {
        for p in o["parameters"].as_array().into_iter().flatten() {
            let same = |q: &Value| q["name"] == p["name"] && q["in"] == p["in"];
            match out.iter_mut().find(|(q, _, _)| same(q)) {
                Some((q, schemas, n)) => {
                    *n += 1;
                    if p["required"] != json!(true) {
                        q["required"] = json!(false);
                    }
                    if !schemas.contains(&p["schema"]) {
                        schemas.push(p["schema"].clone());
                    }
                }
                None => out.push((p.clone(), vec![p["schema"].clone()], 1)),
            }
        }
    }
    out.into_iter()
        .map(|(mut p, schemas, n)| {
            if n < ops.len() && p["in"] != json!("path") {
                p["required"] = json!(false);
            }
            if p.get("schema").is_some() && schemas.len() > 1 {
                let consts: Option<Vec<Value>> =
                    schemas.iter().map(|s| s.get("const").cloned()).collect();
                p["schema"] = match consts {
                    Some(c) => json!({ "enum": c }),
                    None => json!({ "anyOf": schemas }),
                };
            }
            p
        })
        .collect()
}

/// Responses of several endpoints: per status, any of their schemas.
fn merged_responses(cx: &Ctx, rs: &[Route]) -> Map<String, Value> {
    let mut by_status: Vec<(Response, Vec<Value>)> = Vec::new();
    for r in rs {
        for mut resp in responses(cx, r.e) {
            for (k, _) in resp.examples.iter_mut() {
                *k = format!("{}: {k}", r.e.wire);
            }
            match by_status.iter_mut().find(|(s, _)| s.status == resp.status) {
                Some((s, schemas)) => {
                    if !schemas.contains(&resp.schema) {
                        schemas.push(resp.schema.clone());
                    }
                    s.examples.extend(resp.examples);
                }
                None => {
                    let schemas = vec![resp.schema.clone()];
                    by_status.push((resp, schemas));
                }
            }
        }
    }
    by_status
        .into_iter()
        .map(|(mut resp, schemas)| {
            if schemas.len() > 1 {
                // Payloads may overlap (two `json` answers), so any, not one.
                resp.schema = json!({ "anyOf": schemas });
            }
            (resp.status.clone(), resp.object())
        })
        .collect()
}

/// Bodies of several endpoints: per media type, one of theirs.
fn merged_body(cx: &Ctx, rs: &[Route]) -> Option<Value> {
    let with_body: Vec<&Endpoint> = rs.iter().map(|r| r.e).filter(|e| sends_body(e)).collect();
    if with_body.is_empty() {
        return None;
    }
    let mut content = Map::new();
    for ct in ["application/json", "application/x-www-form-urlencoded"] {
        let es: Vec<&Endpoint> = with_body
            .iter()
            .copied()
            .filter(|e| content_type(e) == ct)
            .collect();
        if !es.is_empty() {
            content.insert(ct.into(), merged_media(cx, &es));
        }
    }
    Some(json!({ "required": with_body.len() == rs.len(), "content": content }))
}

fn merged_media(cx: &Ctx, es: &[&Endpoint]) -> Value {
    let refs: Vec<Value> = es
        .iter()
        .map(|e| json!({ "$ref": format!("#/components/schemas/{}", body_component(e)) }))
        .collect();
    // Exactly one body fits when a fixed field tells them apart; without one,
    // two endpoints may send the same fields (order forms that differ only by
    // the service they are for), so any that fits will do.
    let schema = match discriminator(es) {
        Some(d) => json!({ "oneOf": refs, "discriminator": d }),
        None => json!({ "anyOf": refs }),
    };
    let mut media = json!({ "schema": schema });
    let mut encoding = Map::new();
    let mut examples = Map::new();
    for e in es {
        for (k, v) in form_encoding(cx, e) {
            encoding.entry(k).or_insert(v);
        }
        for (n, req) in cx.request_examples(e) {
            let key = format!("{}: {n}", e.wire);
            examples.insert(
                key.clone(),
                json!({ "summary": key, "value": body_example(cx, e, req) }),
            );
        }
    }
    if !encoding.is_empty() {
        media["encoding"] = Value::Object(encoding);
    }
    if !examples.is_empty() {
        media["examples"] = Value::Object(examples);
    }
    media
}

/// A fixed body field whose text tells the endpoints apart, if there is one.
fn discriminator(es: &[&Endpoint]) -> Option<Value> {
    let first = es.first()?;
    first.fixed.iter().find_map(|(l, name, _)| {
        if location_name(*l) != "body" {
            return None;
        }
        let mut mapping = Map::new();
        for e in es {
            let (_, _, v) = e.fixed.iter().find(|(l2, n, _)| n == name && l2 == l)?;
            let crate::spec::Literal::Str(text) = v else {
                return None;
            };
            let target = json!(format!("#/components/schemas/{}", body_component(e)));
            if mapping.insert(text.clone(), target).is_some() {
                return None;
            }
        }
        Some(json!({ "propertyName": name, "mapping": mapping }))
    })
}
