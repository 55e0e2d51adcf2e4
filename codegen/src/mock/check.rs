//! One request against one endpoint: every way it differs from what the spec
//! says (path, method, fixed values, parameters, encoding, fixed headers, auth
//! and signatures), and what it sent.

use std::collections::BTreeMap;
use std::fmt;

use providers_mock::{percent_decode, Recorded};
use serde_json::Value;

use super::sign;
use crate::ir::{self, AuthValue, Location, Segment, Ty};
use crate::spec::{ListStyle, Literal};

/// What part of a request a [`Problem`] is about, in the order the mock
/// checks them: an endpoint whose first problem comes later is a closer match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// No endpoint has this path.
    Path,
    /// The path is served, with another method.
    Method,
    /// A fixed value (`action=status`) is missing or different.
    Fixed,
    /// A parameter is missing, unknown, in the wrong place or not of its type.
    Param,
    /// The body encoding, `content-type`, a fixed header, or a credential sent
    /// where the endpoint does not send it.
    Wire,
    /// An auth value or a signature is missing or wrong.
    Auth,
    /// The example asked for (a `Prefer: example=` header) does not exist.
    Example,
}

impl ProblemKind {
    /// The HTTP status the mock answers a request with when this is the first
    /// problem of the closest endpoint.
    pub fn status(self) -> u16 {
        match self {
            ProblemKind::Path => 404,
            ProblemKind::Method => 405,
            ProblemKind::Auth => 401,
            ProblemKind::Fixed | ProblemKind::Param | ProblemKind::Wire | ProblemKind::Example => {
                400
            }
        }
    }
}

/// One way a request differs from an endpoint. Messages name parameters and
/// credentials, never a credential's or a signature's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What it is about.
    pub kind: ProblemKind,
    /// `module.endpoint`, when it is about one endpoint.
    pub endpoint: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.endpoint {
            Some(e) => write!(f, "{e}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A request's body as JSON.
enum Json {
    Empty,
    Object(serde_json::Map<String, Value>),
    NotObject,
    Invalid(String),
}

/// A request, decoded once for all the endpoints it is checked against.
pub(crate) struct Request<'a> {
    pub(crate) rec: &'a Recorded,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) form: Vec<(String, String)>,
    json: Json,
    cookies: Vec<(String, String)>,
    /// Head and body as text, to find credentials sent where they should not be.
    raw: String,
}

impl<'a> Request<'a> {
    pub(crate) fn new(rec: &'a Recorded) -> Request<'a> {
        let json = if rec.body.is_empty() {
            Json::Empty
        } else {
            match serde_json::from_slice::<Value>(&rec.body) {
                Ok(Value::Object(m)) => Json::Object(m),
                Ok(_) => Json::NotObject,
                Err(e) => Json::Invalid(e.to_string()),
            }
        };
        Request {
            rec,
            query: rec.query_pairs(),
            form: rec.form_pairs(),
            json,
            cookies: rec.cookies(),
            raw: format!("{}{}", rec.head_text(), rec.body_text()),
        }
    }

    /// The JSON body's top-level fields as `(name, text)`.
    pub(crate) fn json_pairs(&self) -> Vec<(String, String)> {
        match &self.json {
            Json::Object(m) => m.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
            _ => Vec::new(),
        }
    }

    /// The first value named `name` in the query, the form or JSON body, or the cookies.
    pub(crate) fn any_value(&self, name: &str) -> Option<String> {
        let json = self.json_pairs();
        self.query
            .iter()
            .chain(&self.form)
            .chain(&json)
            .chain(&self.cookies)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| self.rec.header(name).map(str::to_owned))
    }

    fn body_pairs(&self, encoding: ir::Encoding) -> Vec<(String, String)> {
        match encoding {
            ir::Encoding::Form => self.form.clone(),
            ir::Encoding::Json => self.json_pairs(),
        }
    }
}

/// A JSON value as it travels in a query or form: strings bare, lists comma-joined.
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// The wire text of a fixed value.
pub(crate) fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Str(s) => s.clone(),
    }
}

/// A plain decimal number's canonical text (`+1000.50` -> `1000.5`), or `None`.
fn canonical_number(s: &str) -> Option<String> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (body.contains('.') && frac.is_empty()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_empty();
    let mut out = String::new();
    if neg && !zero {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// The same value on the wire: equal texts, or equal numbers (`1000` and `1000.0`).
pub(crate) fn same(expected: &str, got: &str) -> bool {
    expected == got
        || matches!((canonical_number(expected), canonical_number(got)), (Some(a), Some(b)) if a == b)
}

pub(crate) fn method_text(m: ir::Method) -> String {
    format!("{m:?}").to_uppercase()
}

fn location_text(l: Location) -> &'static str {
    match l {
        Location::Query => "query",
        Location::Body => "body",
        Location::Header => "headers",
        Location::Cookie => "cookies",
        Location::Path => "path",
        Location::Nowhere => "nowhere",
    }
}

/// The path parameters of `path` (raw, percent-encoded) under `segments`, or
/// `None` when it is another path.
fn match_path(segments: &[Segment], path: &str) -> Option<Vec<(String, String)>> {
    let mut rest = path;
    let mut out = Vec::new();
    for s in segments {
        match s {
            Segment::Lit(l) => rest = rest.strip_prefix(l.as_str())?,
            Segment::Param(n) | Segment::Optional(n) => {
                let optional = matches!(s, Segment::Optional(_));
                let after = match rest.strip_prefix('/') {
                    Some(a) => a,
                    None if optional => continue,
                    None => return None,
                };
                let end = after.find('/').unwrap_or(after.len());
                let (seg, tail) = after.split_at(end);
                if seg.is_empty() {
                    if optional {
                        continue;
                    }
                    return None;
                }
                out.push((n.clone(), percent_decode(seg)));
                rest = tail;
            }
        }
    }
    rest.is_empty().then_some(out)
}

/// Whether the media type of a `content-type` value is `want`.
/// Whether a content type is JSON (`application/json`, `text/json`, `...+json`).
pub(crate) fn is_json_type(content_type: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || media == "text/json" || media.ends_with("+json")
}

/// The text an example's value `v` for `f` takes on the wire (a `join`ed
/// list is one text).
pub(crate) fn expected_text(f: &ir::Field, v: &Value) -> String {
    match (&f.join, v) {
        (Some(sep), Value::Array(items)) => items.iter().map(text).collect::<Vec<_>>().join(sep),
        _ => text(v),
    }
}

fn media_type_is(value: Option<&str>, want: &str) -> bool {
    value.is_some_and(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case(want)
    })
}

fn is_decimal(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (body, None),
    };
    canonical_number(mantissa).is_some()
        && exponent.is_none_or(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
}

/// Why `text` (and `json`, its value in a JSON body) is not a value of `ty`.
fn value_problem(ty: &Ty, f: &ir::Field, text: &str, json: Option<&Value>) -> Option<String> {
    match ty {
        Ty::Int | Ty::Timestamp if text.parse::<i64>().is_err() => {
            Some(format!("is {text:?}, not an integer"))
        }
        Ty::Dec if !is_decimal(text) => Some(format!("is {text:?}, not a decimal number")),
        Ty::Bool if text != "true" && text != "false" => {
            Some(format!("is {text:?}, not `true` or `false`"))
        }
        Ty::List(item) => {
            let items: Vec<String> = match (f.style, json) {
                (ListStyle::Array, Some(Value::Array(a))) => a.iter().map(self::text).collect(),
                (ListStyle::Array, Some(_)) => return Some("is not a JSON array".into()),
                _ if text.is_empty() => Vec::new(),
                _ => text
                    .split(f.join.as_deref().unwrap_or(","))
                    .map(str::to_owned)
                    .collect(),
            };
            if let Some(max) = f.max_items {
                if items.len() > max as usize {
                    return Some(format!(
                        "has {} items; the endpoint takes at most {max}",
                        items.len()
                    ));
                }
            }
            items.iter().enumerate().find_map(|(i, t)| {
                value_problem(item, f, t, None).map(|why| format!("item {} {why}", i + 1))
            })
        }
        _ => None,
    }
}

/// What [`check`] found.
pub(crate) struct Checked {
    /// Everything wrong; empty when the request is this endpoint's.
    pub(crate) problems: Vec<Problem>,
    /// The parameters sent, by wire name, as text (path parameters decoded).
    pub(crate) sent: BTreeMap<String, String>,
}

impl Checked {
    /// How far the request got: the kind of its first problem (`None`: all the way).
    pub(crate) fn stage(&self) -> Option<ProblemKind> {
        self.problems.iter().map(|p| p.kind).min()
    }
}

/// Shortest credential searched for where the endpoint does not send it;
/// a shorter one would be found by chance in ordinary values.
pub(crate) const MIN_LEAK_LEN: usize = 8;

/// Checks `req` against endpoint `e` of `p`, whose credentials are `creds`.
pub(crate) fn check(
    p: &ir::Provider,
    e: &ir::Endpoint,
    creds: &[String],
    req: &Request<'_>,
) -> Checked {
    let label = format!("{}.{}", p.module, e.wire);
    let mut problems = Vec::new();
    let mut problem = |kind, message: String| {
        problems.push(Problem {
            kind,
            endpoint: Some(label.clone()),
            message,
        })
    };
    let mut sent = BTreeMap::new();
    let Some(path_values) = match_path(&e.segments, &req.rec.path) else {
        problem(
            ProblemKind::Path,
            format!("path `{}` is not `{}`", req.rec.path, e.path_text),
        );
        return Checked { problems, sent };
    };
    let method = method_text(e.method);
    if req.rec.method != method {
        problem(
            ProblemKind::Method,
            format!("method {}, expected {method}", req.rec.method),
        );
        return Checked { problems, sent };
    }

    let body = req.body_pairs(e.encoding);
    let find = |loc: Location, name: &str| -> Option<String> {
        let pairs: &[(String, String)] = match loc {
            Location::Query => &req.query,
            Location::Body => &body,
            Location::Cookie => &req.cookies,
            Location::Header => return req.rec.header(name).map(str::to_owned),
            Location::Path => &path_values,
            Location::Nowhere => return None,
        };
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let json_value = |f: &ir::Field| match (&req.json, f.location, e.encoding) {
        (Json::Object(m), Location::Body, ir::Encoding::Json) => m.get(&f.wire),
        _ => None,
    };

    // Fixed values: what tells endpoints on one path apart.
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (loc, name, lit) in &e.fixed {
        let want = literal_text(lit);
        match find(*loc, name) {
            Some(got) if got == want => {}
            Some(got) => problem(
                ProblemKind::Fixed,
                format!("fixed `{name}` is {got:?}, expected {want:?}"),
            ),
            None => problem(
                ProblemKind::Fixed,
                format!(
                    "fixed `{name}={want}` is missing from the {}",
                    location_text(*loc)
                ),
            ),
        }
        values.insert(name.clone(), want);
    }

    // Parameters: present when required, of their type, nothing unknown.
    // A `style: array` list repeats its key in a query or a form (`ids=1&ids=2`).
    let repeated = |f: &ir::Field| -> Option<String> {
        let pairs: &[(String, String)] = match (f.location, e.encoding) {
            (Location::Query, _) => &req.query,
            (Location::Body, ir::Encoding::Form) => &body,
            _ => return None,
        };
        let all: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| *k == f.wire)
            .map(|(_, v)| v.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join(","))
    };
    for f in &e.params {
        if f.location == Location::Nowhere {
            // Kept by the client (the reference, a signature hole), never sent.
            if let Some(l) = [
                Location::Query,
                Location::Body,
                Location::Header,
                Location::Cookie,
            ]
            .into_iter()
            .find(|l| find(*l, &f.wire).is_some())
            {
                problem(
                    ProblemKind::Param,
                    format!(
                        "`{}` is sent in the {}; the client keeps it and sends it nowhere",
                        f.wire,
                        location_text(l)
                    ),
                );
            }
            continue;
        }
        let is_repeated = f.style == ListStyle::Array && matches!(f.ty, Ty::List(_));
        let got = if is_repeated {
            repeated(f).or_else(|| find(f.location, &f.wire))
        } else {
            find(f.location, &f.wire)
        };
        match got {
            None if !f.may_be_absent => problem(
                ProblemKind::Param,
                format!(
                    "required parameter `{}` is missing from the {}",
                    f.wire,
                    location_text(f.location)
                ),
            ),
            None => {}
            Some(got) => {
                if let Some(why) = value_problem(&f.ty, f, &got, json_value(f)) {
                    problem(ProblemKind::Param, format!("`{}` {why}", f.wire));
                }
                sent.insert(f.wire.clone(), got);
            }
        }
    }
    for f in &e.params {
        if !sent.contains_key(&f.wire) {
            continue;
        }
        for (needed, _) in &f.requires {
            if !sent.contains_key(needed) {
                problem(
                    ProblemKind::Param,
                    format!("`{}` needs `{needed}`, which is missing", f.wire),
                );
            }
        }
    }
    let declared = |loc: Location, name: &str| {
        e.params.iter().any(|f| f.location == loc && f.wire == name)
            || e.fixed.iter().any(|(l, n, _)| *l == loc && n == name)
            || e.auth.iter().any(|a| a.location == loc && a.name == name)
    };
    let all_names: Vec<&str> = e.params.iter().map(|f| f.wire.as_str()).collect();
    let mut sent_at: Vec<(Location, &(String, String))> =
        req.query.iter().map(|kv| (Location::Query, kv)).collect();
    sent_at.extend(body.iter().map(|kv| (Location::Body, kv)));
    let kept = |name: &str| {
        e.params
            .iter()
            .any(|f| f.location == Location::Nowhere && f.wire == name)
    };
    for (loc, (name, _)) in sent_at {
        if declared(loc, name) || kept(name) {
            continue;
        }
        let elsewhere = [
            Location::Query,
            Location::Body,
            Location::Header,
            Location::Cookie,
        ]
        .into_iter()
        .find(|l| declared(*l, name));
        problem(
            ProblemKind::Param,
            match elsewhere {
                Some(l) => format!(
                    "`{name}` is sent in the {}; this endpoint takes it in the {}",
                    location_text(loc),
                    location_text(l)
                ),
                None => format!(
                    "`{name}` (in the {}) is not a parameter of this endpoint ({})",
                    location_text(loc),
                    crate::diag::suggest(name, &all_names)
                ),
            },
        );
    }

    // Encoding and fixed headers.
    if !req.rec.body.is_empty() {
        let content_type = req.rec.header("content-type");
        match e.encoding {
            ir::Encoding::Json => {
                match &req.json {
                    Json::Invalid(err) => {
                        problem(ProblemKind::Wire, format!("the body is not JSON: {err}"))
                    }
                    Json::NotObject => {
                        problem(ProblemKind::Wire, "the JSON body is not an object".into())
                    }
                    Json::Empty | Json::Object(_) => {}
                }
                if !media_type_is(content_type, "application/json") {
                    problem(
                        ProblemKind::Wire,
                        format!("content-type {content_type:?} for a JSON body"),
                    );
                }
            }
            ir::Encoding::Form => {
                if !media_type_is(content_type, "application/x-www-form-urlencoded") {
                    problem(
                        ProblemKind::Wire,
                        format!("content-type {content_type:?} for a form body"),
                    );
                }
            }
        }
    }
    for (k, v) in &e.headers {
        let got = req.rec.header(k);
        if got != Some(v.as_str()) {
            problem(
                ProblemKind::Wire,
                format!("header `{k}` is {got:?}, expected {v:?}"),
            );
        }
    }

    // Auth, with signatures recomputed from the values sent.
    values.extend(sent.iter().map(|(k, v)| (k.clone(), v.clone())));
    let cred_names: Vec<&str> = p.credentials.iter().map(|c| c.wire.as_str()).collect();
    for a in &e.auth {
        let place = location_text(a.location);
        let got = find(a.location, &a.name);
        let (want, what) = match &a.value {
            AuthValue::Credential(i) => (
                creds.get(*i).cloned().unwrap_or_default(),
                format!("the `{}` credential", cred_names.get(*i).unwrap_or(&"?")),
            ),
            AuthValue::Signature {
                algorithm,
                template,
                key,
                output,
            } => (
                sign::compute(*algorithm, template, key, *output, creds, &values),
                format!(
                    "{} of `{}`",
                    algorithm.as_str(),
                    sign::template_text(template, &cred_names)
                ),
            ),
        };
        let want = format!("{}{}", a.prefix, want);
        match got {
            Some(g) if g == want => {}
            Some(_) => problem(
                ProblemKind::Auth,
                format!(
                    "`{}` (in the {place}) is not {}{what}",
                    a.name,
                    if a.prefix.is_empty() {
                        String::new()
                    } else {
                        format!("`{}` + ", a.prefix)
                    }
                ),
            ),
            None => problem(
                ProblemKind::Auth,
                format!("`{}` ({what}) is missing from the {place}", a.name),
            ),
        }
    }
    // Credentials travel only where the spec puts them.
    for (i, c) in creds.iter().enumerate() {
        let placed = e.auth.iter().any(|a| a.value == AuthValue::Credential(i));
        if !placed && c.len() >= MIN_LEAK_LEN && req.raw.contains(c.as_str()) {
            problem(
                ProblemKind::Wire,
                format!(
                    "the `{}` credential is on the wire, but this endpoint does not send it",
                    cred_names.get(i).unwrap_or(&"?")
                ),
            );
        }
    }
    Checked { problems, sent }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_segment_by_segment() {
        let segs = vec![
            Segment::Lit("/api/pricelist".into()),
            Segment::Optional("type".into()),
            Segment::Optional("operator".into()),
        ];
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(match_path(&segs, "/api/pricelist"), Some(vec![]));
        assert_eq!(
            match_path(&segs, "/api/pricelist/pulsa"),
            Some(pairs(&[("type", "pulsa")]))
        );
        assert_eq!(
            match_path(&segs, "/api/pricelist/a%20b+c/telkomsel"),
            Some(pairs(&[("type", "a b+c"), ("operator", "telkomsel")]))
        );
        assert_eq!(match_path(&segs, "/api/pricelist/"), None);
        assert_eq!(match_path(&segs, "/api/pricelist/a/b/c"), None);
        assert_eq!(match_path(&segs, "/api/pricelistx"), None);
        let required = vec![
            Segment::Lit("/v1/items".into()),
            Segment::Param("id".into()),
        ];
        assert_eq!(match_path(&required, "/v1/items"), None);
        assert_eq!(
            match_path(&required, "/v1/items/7"),
            Some(pairs(&[("id", "7")]))
        );
        let trailing = vec![Segment::Lit("/api/balance/".into())];
        assert_eq!(match_path(&trailing, "/api/balance/"), Some(vec![]));
        assert_eq!(match_path(&trailing, "/api/balance"), None);
    }

    #[test]
    fn numbers_compare_by_value_without_floats() {
        assert!(same("1000", "1000.0"));
        assert!(same("0.90", "0.9"));
        assert!(same("-0", "0.00"));
        assert!(same("+5", "5"));
        assert!(!same("1000", "1000.0000000000001"));
        assert!(!same("1e3", "1000"));
        assert!(!same("abc", "abd"));
        assert!(same("abc", "abc"));
        assert!(!same("1.", "1"));
        assert!(
            is_decimal("1.5e-3") && is_decimal("-2") && !is_decimal("1,5") && !is_decimal("e3")
        );
    }

    #[test]
    fn content_types_compare_by_media_type() {
        assert!(media_type_is(Some("application/json"), "application/json"));
        assert!(media_type_is(
            Some("Application/JSON; charset=utf-8"),
            "application/json"
        ));
        assert!(!media_type_is(Some("text/json"), "application/json"));
        assert!(!media_type_is(None, "application/json"));
    }
}
