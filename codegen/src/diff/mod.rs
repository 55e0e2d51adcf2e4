//! What changed between two versions of a spec, for the Rust API generated
//! from them, and whether it breaks callers (`codegen diff OLD NEW`).
//!
//! The comparison is on the IR: Rust names and Rust types, matched by Rust
//! name, never on YAML text. The rules follow what the generator emits:
//!
//! - Methods take required parameters as arguments (in spec order, or one
//!   `<Endpoint>Required` struct past [`crate::ir::MAX_POSITIONAL`]) and optional ones
//!   as setters, so a new required parameter, a parameter made required or
//!   optional, a removed one, a type change or reordered arguments break
//!   callers; a new optional parameter does not.
//! - Models are exhaustive structs with public fields and exhaustive enums
//!   with an `Other(String)` variant. A value callers *read* (reachable from a
//!   response) breaks them when a field goes or changes type, and when an
//!   enum or union gains a variant (an exhaustive `match` needs an arm, and
//!   texts that arrived as `Other` now arrive as the new variant); a new field
//!   does not (only struct literals, which the generated API never needs,
//!   would break). A value callers *build* (reachable from a parameter)
//!   breaks them when it gains a field; a new enum value does not.
//! - Wire-only changes (paths, locations, encodings, envelopes) and text are
//!   compatible for the Rust API and are listed as such; behaviour changes
//!   that code cannot see at compile time (a stricter limit, a new
//!   credential `build()` asks for, a default host removed) are breaking.

mod endpoints;
mod models;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{json, Value};

use crate::ir::{ModelKind, Provider, Ty};

/// Whether a change breaks callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code written against the old API stops compiling or behaves differently.
    Breaking,
    /// Code written against the old API keeps working.
    Compatible,
}

impl Impact {
    /// `breaking` or `compatible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Breaking => "breaking",
            Impact::Compatible => "compatible",
        }
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether it breaks callers.
    pub impact: Impact,
    /// A stable name for the kind of change, e.g. `param-made-required`.
    pub kind: &'static str,
    /// The Rust item it concerns, e.g. `Client::add_order` or `Service::rate`.
    pub item: String,
    /// What changed, in a sentence.
    pub detail: String,
}

/// Every difference between two versions of one provider.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The module name of the new version (its file stem).
    pub module: String,
    /// The provider's display name in the new version.
    pub provider: String,
    /// In the order found: client, endpoints, models.
    pub changes: Vec<Change>,
}

impl Report {
    fn push(
        &mut self,
        impact: Impact,
        kind: &'static str,
        item: impl Into<String>,
        detail: String,
    ) {
        self.changes.push(Change {
            impact,
            kind,
            item: item.into(),
            detail,
        });
    }

    /// Whether any change breaks callers.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    /// The report for people: breaking changes first, one per line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            let _ = writeln!(out, "{}: no change to the generated API", self.provider);
            return out;
        }
        let (b, c) = (self.count(Impact::Breaking), self.count(Impact::Compatible));
        let _ = writeln!(
            out,
            "{}: {b} breaking, {c} compatible change(s)",
            self.provider
        );
        for impact in [Impact::Breaking, Impact::Compatible] {
            let mut first = true;
            for ch in self.changes.iter().filter(|ch| ch.impact == impact) {
                if std::mem::take(&mut first) {
                    let _ = writeln!(out, "\n{}:", impact.as_str());
                }
                let _ = writeln!(out, "  {} [{}]: {}", ch.item, ch.kind, ch.detail);
            }
        }
        out
    }

    /// The report as a JSON value:
    /// `{module, provider, breaking, changes: [{impact, kind, item, detail}]}`.
    pub fn to_value(&self) -> Value {
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| {
                json!({
                    "impact": c.impact.as_str(),
                    "kind": c.kind,
                    "item": c.item,
                    "detail": c.detail,
                })
            })
            .collect();
        json!({
            "module": self.module,
            "provider": self.provider,
            "breaking": self.is_breaking(),
            "changes": changes,
        })
    }

    /// [`Report::to_value`] as pretty-printed JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.to_value()).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Loads and checks both spec files and compares them.
pub fn compare_files(old: &Path, new: &Path) -> Result<Report, Vec<crate::Diagnostic>> {
    let old = crate::analyze_file(old);
    let new = crate::analyze_file(new);
    match (old, new) {
        (Ok((_, o)), Ok((_, n))) => Ok(compare(&o, &n)),
        (o, n) => Err(o.err().into_iter().chain(n.err()).flatten().collect()),
    }
}

/// Compares two versions of a provider.
pub fn compare(old: &Provider, new: &Provider) -> Report {
    let mut r = Report {
        module: new.module.clone(),
        provider: new.name.clone(),
        changes: Vec::new(),
    };
    let sides = Sides::new(old, new);
    client(&mut r, old, new);
    endpoints::compare(&mut r, &sides);
    models::compare(&mut r, &sides);
    r
}

/// Both versions, and how each model is used in either.
pub(crate) struct Sides<'a> {
    pub old: &'a Provider,
    pub new: &'a Provider,
    /// Model names callers build (reachable from a parameter), in either version.
    pub inputs: BTreeSet<String>,
    /// Model names callers read (reachable from a response), in either version.
    pub outputs: BTreeSet<String>,
}

impl<'a> Sides<'a> {
    fn new(old: &'a Provider, new: &'a Provider) -> Self {
        let mut inputs = BTreeSet::new();
        let mut outputs = BTreeSet::new();
        for p in [old, new] {
            let params = p
                .endpoints
                .iter()
                .flat_map(|e| e.params.iter().map(|f| &f.ty));
            inputs.extend(reachable(p, params));
            outputs.extend(reachable(p, p.endpoints.iter().map(|e| &e.response)));
        }
        Sides {
            old,
            new,
            inputs,
            outputs,
        }
    }
}

/// The names of the models `tys` use, directly or through other models.
fn reachable<'a>(p: &'a Provider, tys: impl IntoIterator<Item = &'a Ty>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&Ty> = tys.into_iter().collect();
    while let Some(t) = todo.pop() {
        match t {
            Ty::Model(i) => {
                let Some(m) = p.models.get(*i) else { continue };
                if seen.insert(m.name.clone()) {
                    match &m.kind {
                        ModelKind::Struct(fs) => todo.extend(fs.iter().map(|f| &f.ty)),
                        ModelKind::Union(alts) => todo.extend(alts.iter().map(|a| &a.ty)),
                        ModelKind::Enum(_) => {}
                    }
                }
            }
            Ty::List(t) | Ty::Map(t) | Ty::Item(t) => todo.push(t),
            _ => {}
        }
    }
    seen
}

/// What a member's changes are reported as (`param-...` or `field-...`).
pub(crate) struct Kinds {
    pub type_changed: &'static str,
    pub format_changed: &'static str,
    pub wire_renamed: &'static str,
}

/// A parameter's or field's Rust type (`ot`, `nt`, as the API spells it; a
/// change breaks callers), else its date formats, and its wire name.
pub(crate) fn type_and_wire(
    r: &mut Report,
    s: &Sides,
    kinds: &Kinds,
    item: &str,
    (o, n): (&crate::ir::Field, &crate::ir::Field),
    (ot, nt): (&str, &str),
) {
    if ot != nt {
        let d = format!("`{ot}` -> `{nt}`");
        r.push(Impact::Breaking, kinds.type_changed, item, d);
    } else if date_formats(s.old, &o.ty) != date_formats(s.new, &n.ty) {
        let d = "date format changed".to_owned();
        r.push(Impact::Compatible, kinds.format_changed, item, d);
    }
    if o.wire != n.wire {
        let d = format!("wire name `{}` -> `{}`", o.wire, n.wire);
        r.push(Impact::Compatible, kinds.wire_renamed, item, d);
    }
}

/// The Rust type, as the generated code spells it (without the `rt::` path).
pub(crate) fn rust_type(p: &Provider, ty: &Ty) -> String {
    match ty {
        Ty::Str => "String".into(),
        Ty::Secret => "Secret".into(),
        Ty::Int => "i64".into(),
        Ty::Dec => "Decimal".into(),
        Ty::Bool => "bool".into(),
        Ty::Json => "Json".into(),
        Ty::Timestamp => "OffsetDateTime".into(),
        Ty::Date(_) => "Date".into(),
        Ty::DateTime(i) => match p.datetime_formats.get(*i).map(|f| &f.offset) {
            Some(Some(_)) => "OffsetDateTime".into(),
            _ => "PrimitiveDateTime".into(),
        },
        Ty::Binary => "Binary".into(),
        Ty::Model(i) => p.models.get(*i).map(|m| m.name.clone()).unwrap_or_default(),
        Ty::List(t) => format!("Vec<{}>", rust_type(p, t)),
        Ty::Map(t) => format!("BTreeMap<String, {}>", rust_type(p, t)),
        Ty::Item(t) => format!("Result<{}, ItemError>", rust_type(p, t)),
    }
}

/// `Option<T>` when `option`.
pub(crate) fn optional(t: String, option: bool) -> String {
    if option {
        format!("Option<{t}>")
    } else {
        t
    }
}

/// The date and date-time patterns a type uses, in order (a pattern change keeps
/// the Rust type; a date-time's offset is part of its pattern here).
pub(crate) fn date_formats(p: &Provider, ty: &Ty) -> Vec<String> {
    match ty {
        Ty::Date(i) => p.date_patterns.get(*i).cloned().into_iter().collect(),
        Ty::DateTime(i) => p
            .datetime_formats
            .get(*i)
            .map(|f| match &f.offset {
                Some((offset, _)) => format!("{} at {offset}", f.pattern),
                None => f.pattern.clone(),
            })
            .into_iter()
            .collect(),
        Ty::List(t) | Ty::Map(t) | Ty::Item(t) => date_formats(p, t),
        _ => Vec::new(),
    }
}

/// "changed", "added" or "removed" for an optional text, if it changed.
pub(crate) fn text_change(old: Option<&str>, new: Option<&str>) -> Option<&'static str> {
    match (old, new) {
        (a, b) if a == b => None,
        (None, Some(_)) => Some("added"),
        (Some(_), None) => Some("removed"),
        _ => Some("changed"),
    }
}

fn client(r: &mut Report, old: &Provider, new: &Provider) {
    if old.name != new.name {
        let d = format!("display name `{}` -> `{}`", old.name, new.name);
        r.push(Impact::Compatible, "provider-name-changed", "Client", d);
    }
    if let Some(how) = text_change(old.doc.as_deref(), new.doc.as_deref()) {
        r.push(
            Impact::Compatible,
            "doc-changed",
            "module",
            format!("module documentation {how}"),
        );
    }
    credentials(r, old, new);
    environments(r, old, new);
}

fn credentials(r: &mut Report, old: &Provider, new: &Provider) {
    for o in &old.credentials {
        let item = format!("ClientBuilder::{}", o.rust);
        match new.credentials.iter().find(|n| n.rust == o.rust) {
            None => r.push(
                Impact::Breaking,
                "credential-removed",
                item,
                "the credential setter is gone".into(),
            ),
            Some(n) => {
                if n.wire != o.wire {
                    let d = format!("spec name `{}` -> `{}`", o.wire, n.wire);
                    r.push(
                        Impact::Compatible,
                        "credential-wire-renamed",
                        item.clone(),
                        d,
                    );
                }
                if let Some(how) = text_change(o.doc.as_deref(), n.doc.as_deref()) {
                    r.push(
                        Impact::Compatible,
                        "doc-changed",
                        item,
                        format!("documentation {how}"),
                    );
                }
            }
        }
    }
    for n in new
        .credentials
        .iter()
        .filter(|n| !old.credentials.iter().any(|o| o.rust == n.rust))
    {
        let d = "new credential: `build()` fails until it is given".to_owned();
        r.push(
            Impact::Breaking,
            "credential-added",
            format!("ClientBuilder::{}", n.rust),
            d,
        );
    }
}

fn environments(r: &mut Report, old: &Provider, new: &Provider) {
    for o in &old.environments {
        let item = format!("Environment::{}", o.rust);
        match new.environments.iter().find(|n| n.rust == o.rust) {
            None => r.push(
                Impact::Breaking,
                "environment-removed",
                item,
                "the variant is gone".into(),
            ),
            Some(n) if n.url != o.url => {
                let d = format!("URL `{}` -> `{}`", o.url, n.url);
                r.push(Impact::Compatible, "environment-url-changed", item, d);
            }
            Some(_) => {}
        }
    }
    for n in new
        .environments
        .iter()
        .filter(|n| !old.environments.iter().any(|o| o.rust == n.rust))
    {
        let d = format!("new environment `{}`", n.url);
        r.push(
            Impact::Compatible,
            "environment-added",
            format!("Environment::{}", n.rust),
            d,
        );
    }
    let name = |p: &Provider| {
        p.default_environment
            .and_then(|i| p.environments.get(i))
            .map(|e| e.rust.clone())
    };
    match (name(old), name(new)) {
        (Some(o), None) => {
            let d = format!("no default host any more (was `{o}`): `build()` needs `.environment()` or `.base_url()`");
            r.push(
                Impact::Breaking,
                "default-environment-removed",
                "ClientBuilder",
                d,
            );
        }
        (Some(o), Some(n)) if o != n => {
            let d = format!("calls without `.environment()` go to `{n}` instead of `{o}`");
            r.push(
                Impact::Breaking,
                "default-environment-changed",
                "ClientBuilder",
                d,
            );
        }
        (None, Some(n)) => {
            let d = format!("`{n}` is now the default host");
            r.push(
                Impact::Compatible,
                "default-environment-added",
                "ClientBuilder",
                d,
            );
        }
        _ => {}
    }
}
