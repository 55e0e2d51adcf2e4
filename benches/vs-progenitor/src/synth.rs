//! The synthetic API, the same for both generators, in both forms.
//!
//! N endpoints, each `POST /op{i}` with a JSON body of 4 fields (required:
//! string `name`, integer `count`; optional: number `price`, bool `active`),
//! answering an object of 6 fields: integer `id`, string `label`, number
//! `amount`, bool `enabled`, `state` (an enum of `active`, `non active`,
//! `pending`) and `tags` (a list of strings). Every endpoint has its own
//! request, response and enum types, so that all the work grows with N.
//!
//! `benches/support/synth.rs` (the repository's own benchmark spec) is a
//! different API (four parameters, five response fields, GET and POST, money,
//! examples), which is why this crate has its own generator.
//!
//! Our format has no float: `number` is `decimal` there (`rust_decimal::Decimal`),
//! and `f64` in progenitor's output. No descriptions on either side.

use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// Our YAML spec with `n` endpoints.
pub fn ours(n: usize) -> String {
    let mut s = String::with_capacity(256 + n * 560);
    s.push_str(
        "provider:\n  name: Synthetic side-by-side provider\n\
         base_url:\n  environments:\n    live: https://api.example.com\n  default: live\n\
         encoding: json\n\
         models:\n",
    );
    for i in 0..n {
        let _ = write!(
            s,
            "  Op{i}Response:\n    fields:\n      \
             id: {{ type: integer }}\n      \
             label: {{ type: string }}\n      \
             amount: {{ type: decimal }}\n      \
             enabled: {{ type: bool }}\n      \
             state: {{ type: Op{i}State }}\n      \
             tags: {{ type: list<string> }}\n  \
             Op{i}State:\n    enum: [active, non active, pending]\n"
        );
    }
    s.push_str("endpoints:\n");
    for i in 0..n {
        let _ = write!(
            s,
            "  op{i}:\n    method: POST\n    path: /op{i}\n    params:\n      \
             name: {{ type: string }}\n      \
             count: {{ type: integer }}\n      \
             price: {{ type: decimal, optional: true }}\n      \
             active: {{ type: bool, optional: true }}\n    \
             response: Op{i}Response\n"
        );
    }
    s
}

/// The OpenAPI 3.0 document (JSON text) with `n` endpoints, for progenitor.
pub fn openapi(n: usize) -> String {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let schema_ref = |name: String| json!({ "$ref": format!("#/components/schemas/{name}") });
    for i in 0..n {
        paths.insert(
            format!("/op{i}"),
            json!({
                "post": {
                    "operationId": format!("op{i}"),
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": schema_ref(format!("Op{i}Request")) } }
                    },
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": { "application/json": { "schema": schema_ref(format!("Op{i}Response")) } }
                        }
                    }
                }
            }),
        );
        schemas.insert(
            format!("Op{i}Request"),
            json!({
                "type": "object",
                "required": ["name", "count"],
                "properties": {
                    "name": { "type": "string" },
                    "count": { "type": "integer" },
                    "price": { "type": "number" },
                    "active": { "type": "boolean" }
                }
            }),
        );
        schemas.insert(
            format!("Op{i}Response"),
            json!({
                "type": "object",
                "required": ["id", "label", "amount", "enabled", "state", "tags"],
                "properties": {
                    "id": { "type": "integer" },
                    "label": { "type": "string" },
                    "amount": { "type": "number" },
                    "enabled": { "type": "boolean" },
                    "state": schema_ref(format!("Op{i}State")),
                    "tags": { "type": "array", "items": { "type": "string" } }
                }
            }),
        );
        schemas.insert(
            format!("Op{i}State"),
            json!({ "type": "string", "enum": ["active", "non active", "pending"] }),
        );
    }
    let doc = json!({
        "openapi": "3.0.3",
        "info": { "title": "Synthetic side-by-side API", "version": "1.0.0" },
        "servers": [{ "url": "https://api.example.com" }],
        "paths": Value::Object(paths),
        "components": { "schemas": Value::Object(schemas) }
    });
    serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
}
