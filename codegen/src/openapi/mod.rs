//! OpenAPI 3.1 export: a provider as an OpenAPI document (`codegen openapi`).
//!
//! Built from the IR ([`crate::ir::Provider`]), with the spec only for its
//! documented examples. What OpenAPI can say is said in its terms: paths,
//! methods, parameters with their locations, JSON or form bodies, credentials
//! in a header, the query or a cookie as `apiKey` security schemes, the
//! payload's schema inside its envelope, examples. What it cannot say goes
//! into `x-` extensions, listed in `docs/openapi.md`: computed signatures and
//! credentials in the body (`x-auth`), HTTP-200 errors (`x-envelope`), several
//! operations on one method and URL (one operation whose body is a `oneOf`,
//! with `x-operations`), per-item errors (`x-item-error`), lenient reading.
//!
//! The document is a [`serde_json::Value`]; [`to_json`] writes it.

mod operation;
mod request;
mod response;
mod schema;

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::ir::{Endpoint, Provider};
use crate::spec::{self, Spec};

/// What every part of the export reads.
pub(crate) struct Ctx<'a> {
    /// The provider.
    pub p: &'a Provider,
    /// Its spec's endpoints by name, for the examples.
    spec_endpoints: BTreeMap<&'a str, &'a spec::Endpoint>,
    /// The security schemes, with their component names.
    schemes: Vec<(request::Scheme, String)>,
}

impl<'a> Ctx<'a> {
    fn new(spec: &'a Spec, p: &'a Provider) -> Self {
        Ctx {
            p,
            spec_endpoints: spec.endpoints.iter().collect(),
            schemes: schemes(p),
        }
    }

    /// The spec's examples of `e`, each with a name unique within the endpoint.
    pub(crate) fn examples(&self, e: &Endpoint) -> Vec<(String, &'a spec::Example)> {
        let Some(s) = self.spec_endpoints.get(e.wire.as_str()) else {
            return Vec::new();
        };
        let mut out: Vec<(String, &spec::Example)> = Vec::new();
        for (i, x) in s.examples.iter().enumerate() {
            let mut name = x
                .name
                .clone()
                .unwrap_or_else(|| format!("example {}", i + 1));
            if out.iter().any(|(n, _)| *n == name) {
                name = format!("{name} ({})", i + 1);
            }
            out.push((name, x));
        }
        out
    }

    /// The examples of `e` that have a request.
    pub(crate) fn request_examples(&self, e: &Endpoint) -> Vec<(String, &'a Map<String, Value>)> {
        self.examples(e)
            .into_iter()
            .filter_map(|(n, x)| Some((n, x.request.as_ref()?)))
            .collect()
    }

    /// The `example:` a parameter declares.
    pub(crate) fn param_example(&self, e: &Endpoint, wire: &str) -> Option<&'a Value> {
        let s = self.spec_endpoints.get(e.wire.as_str())?;
        s.params.get(wire)?.example.as_ref()
    }

    /// The component name of the security scheme an auth placement is.
    pub(crate) fn scheme_name(&self, a: &crate::ir::Auth) -> Option<&str> {
        let s = request::Scheme::of(a)?;
        self.schemes
            .iter()
            .find(|(t, _)| *t == s)
            .map(|(_, n)| n.as_str())
    }
}

/// Distinct security schemes, named after their credential, or after the
/// credential and the place when one credential goes to several places.
fn schemes(p: &Provider) -> Vec<(request::Scheme, String)> {
    let mut found: Vec<request::Scheme> = Vec::new();
    for a in p.endpoints.iter().flat_map(|e| &e.auth) {
        if let Some(s) = request::Scheme::of(a) {
            if !found.contains(&s) {
                found.push(s);
            }
        }
    }
    let named = |s: &request::Scheme| {
        let cred = p
            .credentials
            .get(s.credential)
            .map(|c| c.wire.as_str())
            .unwrap_or("");
        let shared = found
            .iter()
            .filter(|t| t.credential == s.credential)
            .count()
            > 1;
        let raw = if shared {
            format!("{cred}.{}.{}", request::location_name(s.location), s.name)
        } else {
            cred.to_owned()
        };
        // Component names are `[A-Za-z0-9._-]+`.
        raw.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect::<String>()
    };
    found.iter().map(|s| (s.clone(), named(s))).collect()
}

/// The OpenAPI 3.1 document of a provider.
pub fn document(spec: &Spec, p: &Provider) -> Value {
    let cx = Ctx::new(spec, p);
    let mut doc = Map::new();
    doc.insert("openapi".into(), json!("3.1.0"));
    doc.insert("info".into(), info(p));
    if let Some(url) = &p.docs_url {
        doc.insert("externalDocs".into(), json!({ "url": url }));
    }
    doc.insert("servers".into(), servers(p));
    doc.insert("paths".into(), Value::Object(operation::paths(&cx)));
    doc.insert("components".into(), components(&cx));
    doc.insert("x-module".into(), json!(p.module));
    doc.insert("x-credentials".into(), credentials(p));
    Value::Object(doc)
}

/// The document as pretty-printed JSON, with a final newline.
pub fn to_json(doc: &Value) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(doc).map(|s| s + "\n")
}

fn info(p: &Provider) -> Value {
    let mut info = json!({
        "title": p.name,
        // Specs carry no version of the API they describe.
        "version": "unversioned",
    });
    if let Some(d) = &p.doc {
        info["description"] = json!(d);
    }
    info
}

/// Named hosts (the default first), or a relative URL and the explanation
/// when only the caller knows the host.
fn servers(p: &Provider) -> Value {
    let mut order: Vec<usize> = (0..p.environments.len()).collect();
    if let Some(d) = p.default_environment {
        order.sort_by_key(|i| *i != d);
    }
    let mut out: Vec<Value> = order
        .iter()
        .filter_map(|i| p.environments.get(*i))
        .map(|e| json!({ "url": e.url, "description": e.wire }))
        .collect();
    if out.is_empty() {
        let d = p
            .base_url_doc
            .clone()
            .unwrap_or_else(|| "the caller gives the base URL".to_owned());
        out.push(json!({ "url": "/", "description": d, "x-base-url-required": true }));
    }
    Value::Array(out)
}

/// `x-credentials`: every credential the client takes, whether or not a
/// security scheme can describe where it goes.
fn credentials(p: &Provider) -> Value {
    let list: Vec<Value> = p
        .credentials
        .iter()
        .map(|c| {
            let mut v = json!({ "name": c.wire, "x-rust-name": c.rust });
            if let Some(d) = &c.doc {
                v["description"] = json!(d);
            }
            v
        })
        .collect();
    Value::Array(list)
}

fn components(cx: &Ctx) -> Value {
    let mut schemas = schema::components(cx);
    for e in &cx.p.endpoints {
        if request::sends_body(e) {
            schemas.insert(operation::body_component(e), request::body_schema(cx, e));
        }
    }
    let security: Map<String, Value> = cx
        .schemes
        .iter()
        .map(|(s, n)| (n.clone(), s.object(cx.p)))
        .collect();
    let mut c = json!({ "schemas": schemas });
    if !security.is_empty() {
        c["securitySchemes"] = Value::Object(security);
    }
    c
}

/// Loads, checks and exports one spec file: its module name and its
/// document as JSON text.
pub fn document_of_file(
    file: &std::path::Path,
) -> Result<(String, String), Vec<crate::Diagnostic>> {
    let (loaded, p) = crate::analyze_file(file)?;
    let doc = document(&loaded.spec, &p);
    let text = to_json(&doc).map_err(|e| vec![crate::internal(file, e.to_string())])?;
    Ok((p.module, text))
}

/// Writes documents from [`document_of_file`] into `dir` as `<module>.openapi.json`.
pub fn write(docs: &[(String, String)], dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (module, text) in docs {
        std::fs::write(dir.join(format!("{module}.openapi.json")), text)?;
    }
    Ok(())
}
