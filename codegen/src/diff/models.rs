//! Models: structs, enums and unions, judged by how callers use them
//! (read from a response, built for a parameter).

use std::collections::{BTreeMap, BTreeSet};

use super::{optional, rust_type, text_change, type_and_wire, Impact, Kinds, Report, Sides};
use crate::ir::{Alternative, Field, Model, ModelKind, Variant};

use Impact::{Breaking, Compatible};

/// How callers use a model.
#[derive(Clone, Copy)]
struct Role {
    /// Reachable from a response (or used nowhere: judged as read, the safe side).
    read: bool,
    /// Reachable from a parameter: callers construct it.
    built: bool,
}

/// Models matched by Rust name.
pub(crate) fn compare(r: &mut Report, s: &Sides) {
    let names = |ms: &[Model]| -> BTreeSet<String> { ms.iter().map(|m| m.name.clone()).collect() };
    let old_names = names(&s.old.models);
    let new_models: BTreeMap<&str, &Model> =
        s.new.models.iter().map(|m| (m.name.as_str(), m)).collect();
    for o in &s.old.models {
        match new_models.get(o.name.as_str()) {
            Some(n) => model(r, s, o, n),
            None => r.push(
                Breaking,
                "type-removed",
                o.name.clone(),
                "the type is gone".into(),
            ),
        }
    }
    for n in &s.new.models {
        if !old_names.contains(&n.name) {
            let d = format!("new {}", kind_name(&n.kind));
            r.push(Compatible, "type-added", n.name.clone(), d);
        }
    }
}

fn kind_name(k: &ModelKind) -> &'static str {
    match k {
        ModelKind::Struct(_) => "struct",
        ModelKind::Enum(_) => "enum",
        ModelKind::Union(_) => "union enum",
    }
}

fn model(r: &mut Report, s: &Sides, o: &Model, n: &Model) {
    let built = s.inputs.contains(&n.name);
    let role = Role {
        read: s.outputs.contains(&n.name) || !built,
        built,
    };
    if let Some(how) = text_change(o.doc.as_deref(), n.doc.as_deref()) {
        r.push(
            Compatible,
            "doc-changed",
            n.name.clone(),
            format!("documentation {how}"),
        );
    }
    match (&o.kind, &n.kind) {
        (ModelKind::Struct(a), ModelKind::Struct(b)) => fields(r, s, &n.name, a, b, role),
        (ModelKind::Enum(a), ModelKind::Enum(b)) => variants(r, &n.name, a, b, role),
        (ModelKind::Union(a), ModelKind::Union(b)) => alternatives(r, s, &n.name, a, b, role),
        (a, b) => {
            let d = format!("{} -> {}", kind_name(a), kind_name(b));
            r.push(Breaking, "type-kind-changed", n.name.clone(), d);
        }
    }
}

fn field_type(s: &Sides, f: &Field, new: bool) -> String {
    let p = if new { s.new } else { s.old };
    optional(rust_type(p, &f.ty), f.option)
}

fn fields(r: &mut Report, s: &Sides, name: &str, old: &[Field], new: &[Field], role: Role) {
    let mut added: Vec<&Field> = new
        .iter()
        .filter(|f| !old.iter().any(|g| g.rust == f.rust))
        .collect();
    for of in old {
        let item = format!("{name}::{}", of.rust);
        if let Some(nf) = new.iter().find(|f| f.rust == of.rust) {
            field(r, s, of, nf, &item);
        } else if let Some(i) = added.iter().position(|f| f.wire == of.wire) {
            let nf = added.remove(i);
            let d = format!("renamed to `{}` (wire name `{}`)", nf.rust, nf.wire);
            r.push(Breaking, "field-renamed", item, d);
        } else {
            r.push(Breaking, "field-removed", item, "the field is gone".into());
        }
    }
    for nf in added {
        let item = format!("{name}::{}", nf.rust);
        let t = field_type(s, nf, true);
        if role.built {
            let d = format!(
                "new field `{}: {t}`: code that builds `{name}` must set it",
                nf.rust
            );
            r.push(Breaking, "field-added", item, d);
        } else {
            let d = format!("new field `{}: {t}` (only read; the generated API never asks callers to build `{name}`)", nf.rust);
            r.push(Compatible, "field-added", item, d);
        }
    }
}

fn field(r: &mut Report, s: &Sides, o: &Field, n: &Field, item: &str) {
    let (ot, nt) = (field_type(s, o, false), field_type(s, n, true));
    let kinds = Kinds {
        type_changed: "field-type-changed",
        format_changed: "field-format-changed",
        wire_renamed: "field-wire-renamed",
    };
    type_and_wire(r, s, &kinds, item, (o, n), (&ot, &nt));
    let markers = |f: &Field| f.none_marker.as_ref().map(|(_, v)| v.clone());
    if ot == nt && (o.may_be_absent != n.may_be_absent || markers(o) != markers(n)) {
        let d = "when the field may be absent or mean none changed (same Rust type)".to_owned();
        r.push(Compatible, "field-presence-changed", item, d);
    }
    if let Some(how) = text_change(o.doc.as_deref(), n.doc.as_deref()) {
        r.push(
            Compatible,
            "doc-changed",
            item,
            format!("documentation {how}"),
        );
    }
}

fn variants(r: &mut Report, name: &str, old: &[Variant], new: &[Variant], role: Role) {
    for o in old {
        let item = format!("{name}::{}", o.rust);
        let Some(n) = new.iter().find(|n| n.rust == o.rust) else {
            let d = format!(
                "the variant is gone (the text `{}` now arrives as `Other`)",
                o.wire
            );
            r.push(Breaking, "variant-removed", item, d);
            continue;
        };
        if o.wire != n.wire {
            let d = format!("now stands for `{}` instead of `{}`", n.wire, o.wire);
            let impact = if role.read { Breaking } else { Compatible };
            r.push(impact, "variant-wire-changed", item.clone(), d);
        }
        if let Some(how) = text_change(o.doc.as_deref(), n.doc.as_deref()) {
            r.push(
                Compatible,
                "doc-changed",
                item,
                format!("documentation {how}"),
            );
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|o| o.rust == n.rust)) {
        let item = format!("{name}::{}", n.rust);
        if role.read {
            let d = format!(
                "new variant for `{}`: an exhaustive `match` needs an arm, and this text no longer arrives as `Other`",
                n.wire
            );
            r.push(Breaking, "variant-added", item, d);
        } else {
            let d = format!("new value `{}` callers may send", n.wire);
            r.push(Compatible, "variant-added", item, d);
        }
    }
}

fn alternatives(
    r: &mut Report,
    s: &Sides,
    name: &str,
    old: &[Alternative],
    new: &[Alternative],
    role: Role,
) {
    for o in old {
        let item = format!("{name}::{}", o.rust);
        let Some(n) = new.iter().find(|n| n.rust == o.rust) else {
            r.push(
                Breaking,
                "variant-removed",
                item,
                "the variant is gone".into(),
            );
            continue;
        };
        let (ot, nt) = (rust_type(s.old, &o.ty), rust_type(s.new, &n.ty));
        if ot != nt {
            r.push(
                Breaking,
                "variant-type-changed",
                item,
                format!("`{ot}` -> `{nt}`"),
            );
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|o| o.rust == n.rust)) {
        let item = format!("{name}::{}", n.rust);
        let t = rust_type(s.new, &n.ty);
        let impact = if role.read { Breaking } else { Compatible };
        r.push(
            impact,
            "variant-added",
            item,
            format!("new alternative `{t}`"),
        );
    }
    let order = |alts: &[Alternative]| alts.iter().map(|a| a.rust.clone()).collect::<Vec<_>>();
    let (oo, no) = (order(old), order(new));
    let common = |v: &[String], other: &[String]| {
        v.iter()
            .filter(|x| other.contains(x))
            .cloned()
            .collect::<Vec<_>>()
    };
    if common(&oo, &no) != common(&no, &oo) && role.read {
        let d = "alternatives reordered: the first that decodes wins, so values may arrive as another variant";
        r.push(Breaking, "variants-reordered", name, d.to_owned());
    }
}
