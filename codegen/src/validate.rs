//! Checks that need the resolved IR: documented examples against the declared
//! types and envelope, and models that could never be built (unbounded recursion).
//!
//! The JSON check here mirrors the runtime's lenient codecs (a number is
//! accepted where a string is declared, a numeric string where a number is),
//! so an example that passes here decodes at run time; the generic contract
//! tests confirm it with the real generated types.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::diag::{suggest, Diagnostic};
use crate::ir::{Endpoint, ModelKind, Provider, Test, Ty};
use crate::load::Loaded;
use crate::spec::{self, ExampleOutcome, Literal};

/// Every problem the IR-level checks find.
pub fn check(l: &Loaded, p: &Provider) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    recursion(l, p, &mut out);
    // Looked up once: `Ordered::get` scans, which per endpoint is quadratic.
    let spec_endpoints: HashMap<&str, &spec::Endpoint> = l.spec.endpoints.iter().collect();
    for e in &p.endpoints {
        if let Some(spec_e) = spec_endpoints.get(e.wire.as_str()) {
            examples(l, p, e, spec_e, &mut out);
        }
    }
    callback_examples(l, p, &mut out);
    out
}

/// Each documented notification has its payload where the callback says, of
/// its declared type.
fn callback_examples(l: &Loaded, p: &Provider, out: &mut Vec<Diagnostic>) {
    for c in &p.callbacks {
        let Some(spec_c) = l.spec.callbacks.get(&c.wire) else {
            continue;
        };
        for (i, ex) in spec_c.examples.iter().enumerate() {
            let idx = i.to_string();
            let path = [
                "callbacks",
                c.wire.as_str(),
                "examples",
                idx.as_str(),
                "body",
            ];
            match at(&ex.body, &c.payload) {
                None => out.push(
                    l.at(
                        &path,
                        format!(
                            "the payload path `{}` points nowhere in this example",
                            c.payload.join(".")
                        ),
                    )
                    .with_hint("check the callback's `payload` against the documented body"),
                ),
                Some(payload) => {
                    if let Err(m) = value(p, &c.ty, payload, "payload") {
                        let mut path: Vec<&str> = path.to_vec();
                        path.extend(c.payload.iter().map(String::as_str));
                        path.extend(m.at.iter().map(String::as_str));
                        out.push(l.at_nested(
                            &path,
                            format!(
                                "the example notification does not match the callback's type: {}",
                                m.message
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// Struct fields and union alternatives hold their type inline, so a cycle
/// through them has infinite size. Lists and maps break the cycle.
fn recursion(l: &Loaded, p: &Provider, out: &mut Vec<Diagnostic>) {
    fn direct(t: &Ty, acc: &mut Vec<usize>) {
        if let Ty::Model(i) = t {
            acc.push(*i);
        }
        if let Ty::Item(inner) = t {
            direct(inner, acc);
        }
    }
    let edges: Vec<Vec<usize>> = p
        .models
        .iter()
        .map(|m| {
            let mut acc = Vec::new();
            match &m.kind {
                ModelKind::Struct(fields) => fields.iter().for_each(|f| direct(&f.ty, &mut acc)),
                ModelKind::Union(alts) => alts.iter().for_each(|a| direct(&a.ty, &mut acc)),
                ModelKind::Enum(_) => {}
            }
            acc
        })
        .collect();
    let mut reported = BTreeSet::new();
    for start in 0..p.models.len() {
        // Depth-first search for a path back to `start`.
        let mut stack = vec![(start, vec![start])];
        let mut seen = BTreeSet::new();
        while let Some((node, trail)) = stack.pop() {
            for &next in &edges[node] {
                if next == start {
                    let cycle: BTreeSet<usize> = trail.iter().copied().collect();
                    if reported.insert(cycle) {
                        let names: Vec<&str> =
                            trail.iter().map(|i| p.models[*i].name.as_str()).collect();
                        out.push(
                            l.at_key(
                                &["models", &p.models[start].name],
                                format!(
                                    "the model `{}` contains itself without a list or map in between ({} -> {}), so it could never end",
                                    p.models[start].name,
                                    names.join(" -> "),
                                    p.models[start].name
                                ),
                            )
                            .with_hint("make the recursive field a `list<...>` or `map<...>`"),
                        );
                    }
                } else if seen.insert(next) {
                    let mut t = trail.clone();
                    t.push(next);
                    stack.push((next, t));
                }
            }
        }
    }
}

fn examples(
    l: &Loaded,
    p: &Provider,
    e: &Endpoint,
    spec_e: &spec::Endpoint,
    out: &mut Vec<Diagnostic>,
) {
    for (i, ex) in spec_e.examples.iter().enumerate() {
        let idx = i.to_string();
        let base = ["endpoints", e.wire.as_str(), "examples", idx.as_str()];
        if let Some(req) = &ex.request {
            let names: Vec<&str> = e.params.iter().map(|f| f.wire.as_str()).collect();
            for (k, v) in req {
                let mut path: Vec<&str> = base.to_vec();
                path.extend(["request", k.as_str()]);
                match e.params.iter().find(|f| &f.wire == k) {
                    None => out.push(
                        l.at_key(
                            &path,
                            format!(
                                "the example sends `{k}`, which is not a parameter of `{}`",
                                e.wire
                            ),
                        )
                        .with_hint(suggest(k, &names)),
                    ),
                    Some(f) => {
                        let allowed_null = f.option;
                        if !(v.is_null() && allowed_null) {
                            if let Err(m) = value(p, &f.ty, v, &f.wire) {
                                let mut path: Vec<&str> = path.clone();
                                path.extend(m.at.iter().map(String::as_str));
                                out.push(l.at_nested(
                                    &path,
                                    format!(
                                        "example parameter does not match its type: {}",
                                        m.message
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            for f in &e.params {
                if !f.may_be_absent && !req.contains_key(&f.wire) {
                    let mut path: Vec<&str> = base.to_vec();
                    path.push("request");
                    out.push(
                        l.at_key(
                            &path,
                            format!("the example leaves out the required parameter `{}`", f.wire),
                        )
                        .with_hint("add it, or mark the parameter `optional: true`"),
                    );
                }
            }
        }
        let status = ex.response.status.unwrap_or(200);
        let outcome = ex.response.outcome.unwrap_or(ExampleOutcome::Ok);
        if !answer_checks(l, e, &ex.response, &base, out) {
            continue;
        }
        let mut path: Vec<&str> = base.to_vec();
        path.extend(["response", "body"]);
        let body = &ex.response.body;
        let holds = e
            .envelope
            .success
            .iter()
            .all(|c| condition(body, &c.path, &c.test));
        match outcome {
            ExampleOutcome::Ok => {
                if !(200..300).contains(&status) {
                    out.push(l.at(
                        &path,
                        format!("an `ok` example must have a 2xx status, not {status}"),
                    ));
                    continue;
                }
                if !holds {
                    out.push(
                        l.at(&path, "this example is declared `ok`, but it does not meet the envelope's success conditions")
                            .with_hint("fix the body, or mark it `outcome: error`"),
                    );
                    continue;
                }
                match at(body, &e.envelope.payload) {
                    None => out.push(
                        l.at(
                            &path,
                            format!(
                                "the payload path `{}` points nowhere in this example",
                                e.envelope.payload.join(".")
                            ),
                        )
                        .with_hint("check `envelope.payload` against the documented response"),
                    ),
                    Some(payload) => {
                        if let Err(m) = value(p, &e.response, payload, "payload") {
                            let mut path: Vec<&str> = path.clone();
                            path.extend(e.envelope.payload.iter().map(String::as_str));
                            path.extend(m.at.iter().map(String::as_str));
                            let d = l.at_nested(&path, format!("the example response does not match the declared response type: {}", m.message));
                            out.push(match body.as_str() {
                                Some(t) if t.trim_start().starts_with(['{', '[']) => d.with_hint(
                                    "the body is a quoted string; paste the JSON without quotes (YAML reads JSON as it is)",
                                ),
                                _ => d,
                            });
                        }
                    }
                }
            }
            ExampleOutcome::Error | ExampleOutcome::Pending => {
                if holds && (200..300).contains(&status) && outcome == ExampleOutcome::Error {
                    out.push(
                        l.at(&path, "this example is declared `error`, but it meets the success conditions")
                            .with_hint("an HTTP 200 error must fail a success condition (e.g. `status` not `true`)"),
                    );
                }
            }
        }
    }
}

fn at<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.as_object()?.get(k))
}

fn equals(v: &Value, lit: &Literal) -> bool {
    match (v, lit) {
        (Value::Bool(b), Literal::Bool(l)) => b == l,
        (Value::Number(n), Literal::Int(l)) => n.as_f64() == Some(*l as f64),
        (Value::String(s), Literal::Int(l)) => s.trim().parse::<i64>().ok() == Some(*l),
        (Value::String(s), Literal::Str(l)) => s == l,
        (Value::Number(n), Literal::Str(l)) => n.to_string() == *l,
        _ => false,
    }
}

fn condition(body: &Value, path: &[String], test: &Test) -> bool {
    let v = at(body, path).filter(|v| !v.is_null());
    match test {
        Test::Equals(l) => v.is_some_and(|v| equals(v, l)),
        Test::NotEquals(l) => !v.is_some_and(|v| equals(v, l)),
        Test::In(ls) => v.is_some_and(|v| ls.iter().any(|l| equals(v, l))),
        Test::Absent => v.is_none(),
        Test::Present => v.is_some(),
    }
}

/// Why a JSON value does not fit its type, and where in the value checked.
struct Mismatch {
    /// What is wrong, naming the place as `payload.items[2]`.
    message: String,
    /// The path to the offending value from the value checked (object keys and
    /// list indices, as the position index has them); for a missing field, the
    /// object that lacks it.
    at: Vec<String>,
}

/// Checks a JSON value against a type, the way the runtime's codecs decode it.
/// `at` names the value in messages.
fn value(p: &Provider, ty: &Ty, v: &Value, at: &str) -> Result<(), Mismatch> {
    let bad = |what: &str| {
        Err(Mismatch {
            message: format!("`{at}` should be {what}, found `{}`", short(v)),
            at: Vec::new(),
        })
    };
    // Checks `x`, found under `step` in `v`, against `t`.
    let inner = |t: &Ty, x: &Value, step: String, name: &str| {
        value(p, t, x, name).map_err(|mut m| {
            m.at.insert(0, step);
            m
        })
    };
    match ty {
        Ty::Str | Ty::Secret => match v {
            Value::String(_) | Value::Number(_) => Ok(()),
            _ => bad("text"),
        },
        Ty::Int | Ty::Timestamp => match v {
            Value::Number(n)
                if n.as_i64().is_some() || n.as_f64().is_some_and(|f| f.fract() == 0.0) =>
            {
                Ok(())
            }
            Value::String(s) if s.trim().parse::<i64>().is_ok() => Ok(()),
            _ => bad("an integer"),
        },
        Ty::Dec => match v {
            Value::Number(_) => Ok(()),
            Value::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => Ok(()),
            _ => bad("a decimal number"),
        },
        Ty::Bool => match v {
            Value::Bool(_) => Ok(()),
            Value::Number(n) if matches!(n.as_u64(), Some(0 | 1)) => Ok(()),
            Value::String(s)
                if ["true", "false", "1", "0", "yes", "no", ""]
                    .contains(&s.trim().to_ascii_lowercase().as_str()) =>
            {
                Ok(())
            }
            _ => bad("a boolean"),
        },
        Ty::Json => Ok(()),
        Ty::Date(i) => match v {
            Value::String(s) if date_like(s, &p.date_patterns[*i]) => Ok(()),
            _ => bad(&format!("a date written `{}`", p.date_patterns[*i])),
        },
        Ty::DateTime(i) => {
            let pattern = &p.datetime_formats[*i].pattern;
            let text = match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            match text {
                Some(t) if datetime_matches(&t, pattern) => Ok(()),
                _ => bad(&format!("a date and time written `{pattern}`")),
            }
        }
        // A document is checked as a whole answer (see `document_example`).
        Ty::Binary => Ok(()),
        Ty::List(t) => match v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, x)| inner(t, x, i.to_string(), &format!("{at}[{i}]"))),
            _ => bad("a list"),
        },
        Ty::Map(t) => match v {
            Value::Object(m) => m
                .iter()
                .try_for_each(|(k, x)| inner(t, x, k.clone(), &format!("{at}.{k}"))),
            _ => bad("an object"),
        },
        Ty::Item(t) => match v {
            Value::Object(m) if m.contains_key("error") => Ok(()),
            _ => value(p, t, v, at),
        },
        Ty::Model(i) => {
            let m = &p.models[*i];
            match &m.kind {
                ModelKind::Enum(_) => match v {
                    Value::String(_) | Value::Number(_) => Ok(()),
                    _ => bad(&format!("a `{}` text", m.name)),
                },
                ModelKind::Union(alts) => {
                    if alts.iter().any(|a| value(p, &a.ty, v, at).is_ok()) {
                        Ok(())
                    } else {
                        bad(&format!("one of the `{}` alternatives", m.name))
                    }
                }
                ModelKind::Struct(fields) => {
                    let Value::Object(obj) = v else {
                        return bad(&format!("a `{}` object", m.name));
                    };
                    for f in fields {
                        let path = format!("{at}.{}", f.wire);
                        match obj.get(&f.wire) {
                            None if f.may_be_absent => {}
                            None => {
                                return Err(Mismatch {
                                    message: format!("`{path}` is missing (declare it `optional: true` if the provider leaves it out)"),
                                    at: Vec::new(),
                                })
                            }
                            Some(Value::Null) if f.option => {}
                            Some(Value::String(s)) if f.none_marker.as_ref().is_some_and(|(_, vals)| vals.contains(s)) => {}
                            Some(x) => inner(&f.ty, x, f.wire.clone(), &path)?,
                        }
                    }
                    Ok(())
                }
            }
        }
    }
}

/// Digits where the pattern has `yyyy`/`mm`/`dd`, the same separators elsewhere.
fn date_like(s: &str, pattern: &str) -> bool {
    let sep: Vec<char> = pattern
        .chars()
        .filter(|c| !matches!(c, 'y' | 'm' | 'd'))
        .collect();
    let got: Vec<char> = s.chars().filter(|c| !c.is_ascii_digit()).collect();
    sep == got && s.chars().any(|c| c.is_ascii_digit())
}

/// Whether an example's `content-type` is JSON (none given means JSON), the
/// way the runtime tells a `binary` endpoint's JSON answers from documents.
fn json_content_type(ct: Option<&str>) -> bool {
    let Some(ct) = ct else { return true };
    let m = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m == "text/json" || m.ends_with("+json")
}

/// Checks what only `content_type` and `binary` responses bring; `false`
/// when the example is a document, whose body the JSON checks must not see.
fn answer_checks(
    l: &Loaded,
    e: &Endpoint,
    r: &spec::ExampleResponse,
    base: &[&str],
    out: &mut Vec<Diagnostic>,
) -> bool {
    let json = json_content_type(r.content_type.as_deref());
    let outcome = r.outcome.unwrap_or(ExampleOutcome::Ok);
    let at = |leaf: &'static str| {
        let mut p: Vec<&str> = base.to_vec();
        p.extend(["response", leaf]);
        p
    };
    if json {
        if e.response == Ty::Binary && outcome == ExampleOutcome::Ok && r.content_type.is_none() {
            out.push(
                l.at(
                    &at("body"),
                    "an `ok` example of a `binary` response is a document: give its `content_type`",
                )
                .with_hint(
                    "e.g. `content_type: application/pdf` and the document's text as `body`",
                ),
            );
            return false;
        }
        return true;
    }
    let ct = r.content_type.as_deref().unwrap_or_default();
    if !r.body.is_string() {
        out.push(
            l.at(
                &at("body"),
                format!(
                    "with `content_type: {ct}` the body is the text sent: write it as a string"
                ),
            )
            .with_hint("or leave `content_type` out for a JSON body"),
        );
        return false;
    }
    if e.response != Ty::Binary {
        out.push(
            l.at(
                &at("content_type"),
                format!(
                    "`{}` reads its answers as JSON, so a `{ct}` answer can only fail to decode",
                    e.wire
                ),
            )
            .with_hint("declare `response: binary` if the endpoint answers with a document"),
        );
        return false;
    }
    if outcome != ExampleOutcome::Ok {
        out.push(
            l.at(&at("outcome"), "an answer that is not JSON is the document (or, with an error status, an HTTP error), never a provider error or pending")
                .with_hint("an error example of a `binary` response is the provider's JSON error, without `content_type`"),
        );
        return false;
    }
    let status = r.status.unwrap_or(200);
    if !(200..300).contains(&status) {
        out.push(l.at(
            &at("status"),
            format!("an `ok` example must have a 2xx status, not {status}"),
        ));
    }
    false
}

/// Whether `s` reads with a date-time pattern the way the runtime reads it:
/// digits for `yyyy`, `mm`, `dd`, `hh`, `mi`, `ss` (fewer only before a
/// literal), the literals as written, and a real date and time.
fn datetime_matches(s: &str, pattern: &str) -> bool {
    const TOKENS: [(&str, usize); 6] = [
        ("yyyy", 4),
        ("mm", 2),
        ("dd", 2),
        ("hh", 2),
        ("mi", 2),
        ("ss", 2),
    ];
    let mut values = [0u32; 6];
    let mut p = pattern;
    let mut t = s.trim();
    'pattern: while !p.is_empty() {
        for (slot, (token, max)) in TOKENS.iter().enumerate() {
            if let Some(rest) = p.strip_prefix(token) {
                let n = t.bytes().take(*max).take_while(u8::is_ascii_digit).count();
                let literal_follows =
                    !rest.is_empty() && !TOKENS.iter().any(|(next, _)| rest.starts_with(next));
                if n == 0 || (n < *max && !literal_follows) {
                    return false;
                }
                values[slot] = t[..n].parse().unwrap_or(u32::MAX);
                t = &t[n..];
                p = rest;
                continue 'pattern;
            }
        }
        let Some(c) = p.chars().next() else {
            return false;
        };
        let Some(rest) = t.strip_prefix(c) else {
            return false;
        };
        t = rest;
        p = &p[c.len_utf8()..];
    }
    let [y, m, d, hh, mi, ss] = values;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    t.is_empty() && (1..=days).contains(&d) && hh < 24 && mi < 60 && ss < 60
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}
