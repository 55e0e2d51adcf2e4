//! Endpoints: the `Client` methods, their arguments and setters, what they
//! return, and what they put on the wire.

use std::collections::BTreeMap;

use super::{date_formats, rust_type, text_change, type_and_wire, Impact, Kinds, Report, Sides};
use crate::ir::{Endpoint, Field, Location, Method, MAX_POSITIONAL};

use Impact::{Breaking, Compatible};

/// Endpoints matched by method name; a removed and an added one that call
/// the same method, path and fixed values are a rename.
pub(crate) fn compare<'a>(r: &mut Report, s: &Sides<'a>) {
    let (old, new) = (&s.old.endpoints, &s.new.endpoints);
    let by_name = |es: &'a [Endpoint]| -> BTreeMap<&'a str, &'a Endpoint> {
        es.iter().map(|e| (e.rust.as_str(), e)).collect()
    };
    let (old_names, new_names) = (by_name(old), by_name(new));
    let mut added: Vec<&Endpoint> = new
        .iter()
        .filter(|n| !old_names.contains_key(n.rust.as_str()))
        .collect();
    for o in old {
        if let Some(n) = new_names.get(o.rust.as_str()) {
            endpoint(r, s, o, n);
            continue;
        }
        let same_call = |n: &&Endpoint| {
            n.method == o.method && n.path_text == o.path_text && n.fixed == o.fixed
        };
        let item = format!("Client::{}", o.rust);
        match added.iter().position(same_call) {
            Some(i) => {
                let n = added.remove(i);
                let d = format!("renamed to `Client::{}` (same request)", n.rust);
                r.push(Breaking, "endpoint-renamed", item, d);
                endpoint(r, s, o, n);
            }
            None => r.push(
                Breaking,
                "endpoint-removed",
                item,
                "the method is gone".into(),
            ),
        }
    }
    for n in added {
        let d = format!(
            "new endpoint `{}` ({} {})",
            n.wire,
            method_name(n.method),
            n.path_text
        );
        r.push(
            Compatible,
            "endpoint-added",
            format!("Client::{}", n.rust),
            d,
        );
    }
}

fn endpoint(r: &mut Report, s: &Sides, o: &Endpoint, n: &Endpoint) {
    let item = format!("Client::{}", n.rust);
    if let Some(how) = text_change(o.doc.as_deref(), n.doc.as_deref()) {
        r.push(
            Compatible,
            "doc-changed",
            item.clone(),
            format!("documentation {how}"),
        );
    }
    params(r, s, o, n);
    arguments(r, o, n, &item);
    let (ot, nt) = (rust_type(s.old, &o.response), rust_type(s.new, &n.response));
    if ot != nt {
        r.push(
            Breaking,
            "response-type-changed",
            item.clone(),
            format!("returns `{nt}` instead of `{ot}`"),
        );
    } else if date_formats(s.old, &o.response) != date_formats(s.new, &n.response) {
        r.push(
            Compatible,
            "response-format-changed",
            item.clone(),
            "date format changed".into(),
        );
    }
    wire(r, o, n, &item);
    behaviour(r, o, n, &item);
}

fn required(e: &Endpoint) -> Vec<&Field> {
    e.params.iter().filter(|f| !f.may_be_absent).collect()
}

/// How the method takes its required parameters.
fn arguments(r: &mut Report, o: &Endpoint, n: &Endpoint, item: &str) {
    let (ro, rn) = (required(o), required(n));
    let (so, sn) = (ro.len() > MAX_POSITIONAL, rn.len() > MAX_POSITIONAL);
    if so != sn {
        let d = if sn {
            format!(
                "required parameters now go in one `{}Required` struct",
                n.type_prefix
            )
        } else {
            "required parameters are now positional arguments".to_owned()
        };
        r.push(Breaking, "arguments-reshaped", item, d);
        return;
    }
    let names = |fs: &[&Field]| fs.iter().map(|f| f.rust.clone()).collect::<Vec<_>>();
    let (no, nn) = (names(&ro), names(&rn));
    let mut sorted_o = no.clone();
    let mut sorted_n = nn.clone();
    sorted_o.sort();
    sorted_n.sort();
    if !sn && no != nn && sorted_o == sorted_n {
        let d = format!(
            "arguments reordered: ({}) -> ({})",
            no.join(", "),
            nn.join(", ")
        );
        r.push(Breaking, "arguments-reordered", item, d);
    }
}

/// Parameters matched by Rust name; a removed and an added one with the same
/// wire name are a rename.
fn params(r: &mut Report, s: &Sides, o: &Endpoint, n: &Endpoint) {
    let req = format!("{}Request", n.type_prefix);
    let mut added: Vec<&Field> = n
        .params
        .iter()
        .filter(|f| !o.params.iter().any(|g| g.rust == f.rust))
        .collect();
    for of in &o.params {
        let item = format!("{req}::{}", of.rust);
        if let Some(nf) = n.params.iter().find(|f| f.rust == of.rust) {
            param(r, s, of, nf, &item);
            continue;
        }
        if let Some(i) = added.iter().position(|f| f.wire == of.wire) {
            let nf = added.remove(i);
            let d = format!("renamed to `{}` (wire name `{}`)", nf.rust, nf.wire);
            r.push(Breaking, "param-renamed", item, d);
            continue;
        }
        let d = if of.may_be_absent {
            format!("the setter `.{}()` is gone", of.rust)
        } else {
            format!("the argument `{}` is gone", of.rust)
        };
        r.push(Breaking, "param-removed", item, d);
    }
    for nf in added {
        let item = format!("{req}::{}", nf.rust);
        let t = rust_type(s.new, &nf.ty);
        if nf.may_be_absent {
            let d = format!("new optional parameter: setter `.{}({t})`", nf.rust);
            r.push(Compatible, "param-added-optional", item, d);
        } else {
            let d = format!("new required argument `{}: {t}`", nf.rust);
            r.push(Breaking, "param-added-required", item, d);
        }
    }
}

/// One parameter in both versions.
fn param(r: &mut Report, s: &Sides, o: &Field, n: &Field, item: &str) {
    match (o.may_be_absent, n.may_be_absent) {
        (true, false) => {
            let d = format!(
                "optional -> required: `.{}()` is now an argument of the method",
                n.rust
            );
            r.push(Breaking, "param-made-required", item, d);
        }
        (false, true) => {
            let d = format!(
                "required -> optional: no longer an argument; set it with `.{}()`",
                n.rust
            );
            r.push(Breaking, "param-made-optional", item, d);
        }
        _ => {}
    }
    let (ot, nt) = (rust_type(s.old, &o.ty), rust_type(s.new, &n.ty));
    let kinds = Kinds {
        type_changed: "param-type-changed",
        format_changed: "param-format-changed",
        wire_renamed: "param-wire-renamed",
    };
    type_and_wire(r, s, &kinds, item, (o, n), (&ot, &nt));
    if o.location != n.location {
        let d = format!(
            "sent in the {} instead of the {}",
            place(n.location),
            place(o.location)
        );
        r.push(Compatible, "param-moved", item, d);
    }
    if o.style != n.style {
        r.push(
            Compatible,
            "param-style-changed",
            item,
            "list style changed".into(),
        );
    }
    limits(r, o, n, item);
    if let Some(how) = text_change(o.doc.as_deref(), n.doc.as_deref()) {
        r.push(
            Compatible,
            "doc-changed",
            item,
            format!("documentation {how}"),
        );
    }
}

/// `max_items` and `requires`: checks made before sending.
fn limits(r: &mut Report, o: &Field, n: &Field, item: &str) {
    match (o.max_items, n.max_items) {
        (a, b) if a == b => {}
        (_, Some(b)) if o.max_items.is_none_or(|a| b < a) => {
            let d = format!("at most {b} items now; longer lists fail before sending");
            r.push(Breaking, "param-limit-tightened", item, d);
        }
        (_, b) => {
            let d = match b {
                Some(b) => format!("at most {b} items now"),
                None => "no item limit now".to_owned(),
            };
            r.push(Compatible, "param-limit-relaxed", item, d);
        }
    }
    for (w, _) in n.requires.iter().filter(|x| !o.requires.contains(x)) {
        let d = format!(
            "may now only be given together with `{w}`; calls without it fail before sending"
        );
        r.push(Breaking, "param-requires-added", item, d);
    }
    for (w, _) in o.requires.iter().filter(|x| !n.requires.contains(x)) {
        let d = format!("no longer needs `{w}`");
        r.push(Compatible, "param-requires-removed", item, d);
    }
}

fn place(l: Location) -> &'static str {
    match l {
        Location::Query => "query",
        Location::Body => "body",
        Location::Header => "headers",
        Location::Cookie => "cookies",
        Location::Path => "path",
        Location::Nowhere => "nowhere (kept by the client)",
    }
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
    }
}

/// What goes on the wire: invisible to the Rust API.
fn wire(r: &mut Report, o: &Endpoint, n: &Endpoint, item: &str) {
    if o.method != n.method || o.path_text != n.path_text {
        let d = format!(
            "{} {} -> {} {}",
            method_name(o.method),
            o.path_text,
            method_name(n.method),
            n.path_text
        );
        r.push(Compatible, "request-line-changed", item, d);
    }
    let checks = [
        (
            o.encoding != n.encoding,
            "encoding-changed",
            "body encoding changed",
        ),
        (
            o.fixed != n.fixed,
            "fixed-values-changed",
            "fixed values changed",
        ),
        (
            o.headers != n.headers,
            "headers-changed",
            "fixed headers changed",
        ),
        (o.auth != n.auth, "auth-changed", "auth placements changed"),
        (
            o.envelope != n.envelope,
            "envelope-changed",
            "how answers are judged (envelope) changed",
        ),
    ];
    for (changed, kind, d) in checks {
        if changed {
            r.push(Compatible, kind, item, d.to_owned());
        }
    }
}

/// Retries and money handling.
fn behaviour(r: &mut Report, o: &Endpoint, n: &Endpoint, item: &str) {
    if o.idempotent != n.idempotent {
        let d = if n.idempotent {
            "now idempotent: retried on connection failures, 429 and 502-504"
        } else {
            "no longer idempotent: never retried"
        };
        r.push(Compatible, "idempotency-changed", item, d.to_owned());
    }
    match (o.moves_money, n.moves_money) {
        (true, false) => {
            let d = "no longer moves money: a lost answer is no longer `Error::OutcomeUnknown`";
            r.push(Breaking, "moves-money-removed", item, d.to_owned());
        }
        (false, true) => {
            let d = "now moves money: never retried; a lost answer is `Error::OutcomeUnknown`";
            r.push(Compatible, "moves-money-added", item, d.to_owned());
        }
        _ => {}
    }
    if o.reference != n.reference {
        let d = format!("reference parameter {:?} -> {:?}", o.reference, n.reference);
        r.push(Compatible, "reference-changed", item, d);
    }
}
