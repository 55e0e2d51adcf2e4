//! JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of IR types.
//!
//! A value has two schemas, one per direction ([`Dir`]): what the generated
//! client sends (canonical: integers as numbers, booleans as `true`/`false`)
//! and what it accepts when reading (lenient: a number as text, `"1"` as a
//! boolean, unknown enum values). Models therefore have up to two components:
//! `Name` (read) and `Name.input` (sent, only for models that requests use).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::Ctx;
use crate::ir::{Field, Model, ModelKind, Ty};

/// Which way a value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    /// Sent by the client.
    Request,
    /// Read by the client.
    Response,
}

/// The component name of model `m` in direction `dir`.
pub(crate) fn component_name(m: &Model, dir: Dir) -> String {
    match dir {
        Dir::Response => m.name.clone(),
        Dir::Request => format!("{}.input", m.name),
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The schema of `ty` travelling in direction `dir`.
pub(crate) fn ty_schema(cx: &Ctx, ty: &Ty, dir: Dir) -> Value {
    match ty {
        Ty::Model(i) => match cx.p.models.get(*i) {
            Some(m) => reference(&component_name(m, dir)),
            None => json!({}),
        },
        Ty::List(t) => json!({ "type": "array", "items": ty_schema(cx, t, dir) }),
        Ty::Map(t) => json!({ "type": "object", "additionalProperties": ty_schema(cx, t, dir) }),
        Ty::Item(t) => json!({
            "anyOf": [item_error(), ty_schema(cx, t, dir)],
            "x-item-error": true,
        }),
        Ty::Date(i) => json!({
            "type": "string",
            "x-date-format": cx.p.date_patterns.get(*i).cloned().unwrap_or_default(),
        }),
        Ty::DateTime(i) => {
            let f = cx.p.datetime_formats.get(*i);
            let mut s = json!({
                "type": "string",
                "x-datetime-format": f.map(|f| f.pattern.clone()).unwrap_or_default(),
            });
            if let Some((offset, _)) = f.and_then(|f| f.offset.as_ref()) {
                s["x-utc-offset"] = json!(offset);
            }
            s
        }
        // A whole response body (a document), never a JSON value.
        Ty::Binary => json!({ "type": "string", "contentMediaType": "application/octet-stream" }),
        scalar => match dir {
            Dir::Request => sent_scalar(scalar),
            Dir::Response => read_scalar(scalar),
        },
    }
}

/// A per-item error: any object with an `error` key (read before the value).
fn item_error() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": { "error": { "description": "The item's error message." } },
    })
}

/// What the client writes for a scalar (JSON body; a form or query writes its text).
fn sent_scalar(ty: &Ty) -> Value {
    match ty {
        Ty::Str => json!({ "type": "string" }),
        Ty::Secret => json!({ "type": "string", "format": "password", "x-secret": true }),
        Ty::Int => json!({ "type": "integer", "format": "int64" }),
        Ty::Dec => json!({ "type": "number", "format": "decimal" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Timestamp => json!({ "type": "integer", "format": "int64", "x-unix-seconds": true }),
        _ => json!({}),
    }
}

/// Numeric text as the client reads it (spaces around it are trimmed).
const INT_TEXT: &str = r"^\s*[-+]?[0-9]+\s*$";
const DEC_TEXT: &str = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$";
const BOOL_TEXT: &str = "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy][Ee][Ss]|[Nn][Oo]|[01]|)$";

/// What the client accepts for a scalar (docs/spec-format.md, "Scalars").
fn read_scalar(ty: &Ty) -> Value {
    match ty {
        Ty::Str => json!({ "type": ["string", "number"] }),
        Ty::Secret => {
            json!({ "type": ["string", "number"], "format": "password", "x-secret": true })
        }
        Ty::Int => json!({ "type": ["integer", "string"], "format": "int64", "pattern": INT_TEXT }),
        Ty::Dec => {
            json!({ "type": ["number", "string"], "format": "decimal", "pattern": DEC_TEXT })
        }
        Ty::Bool => json!({
            "anyOf": [
                { "type": "boolean" },
                { "enum": [0, 1] },
                { "type": "string", "pattern": BOOL_TEXT },
            ],
        }),
        Ty::Timestamp => json!({
            "type": ["number", "string"],
            "pattern": DEC_TEXT,
            "x-unix-seconds": true,
        }),
        _ => json!({}),
    }
}

/// `schema`, also accepting `null`.
pub(crate) fn or_null(schema: Value) -> Value {
    let plain = schema.get("$ref").is_none()
        && schema.get("enum").is_none()
        && schema.get("const").is_none();
    if let (true, Some(t)) = (plain, schema.get("type")) {
        let mut types = match t {
            Value::Array(a) => a.clone(),
            one => vec![one.clone()],
        };
        types.push(json!("null"));
        let mut s = schema;
        if let Some(obj) = s.as_object_mut() {
            obj.insert("type".into(), Value::Array(types));
        }
        return s;
    }
    json!({ "anyOf": [schema, { "type": "null" }] })
}

/// Puts `description` on `schema` (an object schema), when there is one.
pub(crate) fn describe(mut schema: Value, description: Option<&str>) -> Value {
    if let (Some(d), Some(obj)) = (description, schema.as_object_mut()) {
        obj.insert("description".into(), json!(d));
    }
    schema
}

/// The schema of a struct field or a parameter's value, `Option` and "none"
/// texts included.
pub(crate) fn field_schema(cx: &Ctx, f: &Field, dir: Dir) -> Value {
    let mut s = ty_schema(cx, &f.ty, dir);
    if dir == Dir::Response {
        if let Some((_, texts)) = &f.none_marker {
            s = json!({ "anyOf": [s, { "enum": texts }], "x-none-values": texts });
        }
        if f.option {
            s = or_null(s);
        }
    }
    let s = describe(s, f.doc.as_deref());
    with_rust_name(s, &f.wire, &f.rust)
}

/// Adds `x-rust-name` when the Rust name differs from the wire name.
pub(crate) fn with_rust_name(mut s: Value, wire: &str, rust: &str) -> Value {
    if wire != rust {
        if let Some(obj) = s.as_object_mut() {
            obj.insert("x-rust-name".into(), json!(rust));
        }
    }
    s
}

/// An object schema with `fields` as properties.
pub(crate) fn struct_schema(cx: &Ctx, fields: &[Field], dir: Dir) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        props.insert(f.wire.clone(), field_schema(cx, f, dir));
        if !f.may_be_absent {
            required.push(json!(f.wire));
        }
    }
    let mut s = json!({ "type": "object", "properties": props });
    if !required.is_empty() {
        s["required"] = Value::Array(required);
    }
    s
}

/// The component schema of one model.
pub(crate) fn model_schema(cx: &Ctx, m: &Model, dir: Dir) -> Value {
    let s = match &m.kind {
        ModelKind::Struct(fields) => struct_schema(cx, fields, dir),
        ModelKind::Enum(variants) => {
            let values: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
            let known = json!({ "type": "string", "enum": values });
            let mut s = match dir {
                Dir::Request => known,
                // Unknown values are kept (`Other`), numbers read as their text.
                Dir::Response => json!({ "anyOf": [known, { "type": ["string", "number"] }] }),
            };
            let docs: Map<String, Value> = variants
                .iter()
                .filter_map(|v| Some((v.wire.clone(), json!(v.doc.as_deref()?))))
                .collect();
            if !docs.is_empty() {
                s["x-enum-descriptions"] = Value::Object(docs);
            }
            let names: Vec<&str> = variants.iter().map(|v| v.rust.as_str()).collect();
            s["x-enum-varnames"] = json!(names);
            s
        }
        ModelKind::Union(alts) => {
            let alts: Vec<Value> = alts
                .iter()
                .map(|a| {
                    let mut s = describe(ty_schema(cx, &a.ty, dir), a.doc.as_deref());
                    s["title"] = json!(a.rust);
                    s
                })
                .collect();
            // The first alternative that decodes wins, so alternatives may overlap.
            json!({ "anyOf": alts, "x-first-match": true })
        }
    };
    let mut s = describe(s, m.doc.as_deref());
    s["title"] = json!(m.name);
    s
}

/// Indexes of the models `tys` use, directly or through other models.
pub(crate) fn reachable<'a>(
    models: &[Model],
    tys: impl IntoIterator<Item = &'a Ty>,
) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&Ty> = tys.into_iter().collect();
    while let Some(t) = todo.pop() {
        match t {
            Ty::Model(i) if seen.insert(*i) => match models.get(*i).map(|m| &m.kind) {
                Some(ModelKind::Struct(fs)) => todo.extend(fs.iter().map(|f| &f.ty)),
                Some(ModelKind::Union(alts)) => todo.extend(alts.iter().map(|a| &a.ty)),
                _ => {}
            },
            Ty::List(t) | Ty::Map(t) | Ty::Item(t) => todo.push(t),
            _ => {}
        }
    }
    seen
}

/// Every model's read schema, and the sent schema of those requests use.
pub(crate) fn components(cx: &Ctx) -> Map<String, Value> {
    let mut out = Map::new();
    for m in &cx.p.models {
        out.insert(
            component_name(m, Dir::Response),
            model_schema(cx, m, Dir::Response),
        );
    }
    let sent = reachable(
        &cx.p.models,
        cx.p.endpoints
            .iter()
            .flat_map(|e| e.params.iter().map(|f| &f.ty)),
    );
    for i in sent {
        if let Some(m) = cx.p.models.get(i) {
            out.insert(
                component_name(m, Dir::Request),
                model_schema(cx, m, Dir::Request),
            );
        }
    }
    out
}
