//! Models: structs, enums and their variants, unions and the order of their alternatives.

use std::collections::BTreeSet;

use super::extras::contains_binary;
use super::names::numbered;
use crate::ir::{Alternative, Lowerer, Model, ModelKind, Ty, Variant};
use crate::names::{camel, camel_part};
use crate::spec;

impl Lowerer<'_> {
    pub(super) fn model(&mut self, name: &str, m: &spec::Model, path: &[&str]) -> Model {
        let rust = camel(name);
        let kinds = [m.fields.is_some(), m.variants.is_some(), m.one_of.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if kinds != 1 {
            self.err_key(
                path,
                format!("the model `{name}` must have exactly one of `fields`, `enum` or `one_of`"),
                Some(
                    "`fields:` for an object, `enum:` for a list of texts, `one_of:` for a union"
                        .into(),
                ),
            );
        }
        let kind = if let Some(fields) = &m.fields {
            ModelKind::Struct(self.fields(&rust, fields, path, false, None))
        } else if let Some(values) = &m.variants {
            ModelKind::Enum(self.variants(values, path))
        } else if let Some(alts) = &m.one_of {
            let mut out = Vec::new();
            for (i, a) in alts.iter().enumerate() {
                let idx = i.to_string();
                let mut p = path.to_vec();
                p.extend(["one_of", &idx, "type"]);
                let ty = self.ty_str(&a.ty, &p, None, &format!("{rust}{}", camel_part(&a.name)));
                if let Some(ty) = &ty {
                    self.check_union_alt(ty, &p);
                }
                out.push(Alternative {
                    rust: camel(&a.name),
                    ty: ty.unwrap_or(Ty::Json),
                    doc: a.description.clone(),
                });
            }
            let mut p = path.to_vec();
            p.push("one_of");
            self.unique(
                out.iter().map(|a| (a.rust.clone(), a.rust.clone())),
                &p,
                "alternative",
            );
            self.check_union_order(&out, &p);
            if out.len() < 2 {
                self.err(&p, "a union needs at least two alternatives", None);
            }
            ModelKind::Union(out)
        } else {
            ModelKind::Struct(Vec::new())
        };
        let unknown_fields = self.unknown_fields(m, &kind, path);
        Model {
            name: rust,
            doc: m.description.clone(),
            kind,
            unknown_fields,
        }
    }

    /// An alternative that an earlier one always wins over can never be chosen.
    pub(super) fn check_union_order(&mut self, alts: &[Alternative], path: &[&str]) {
        let is_enum = |t: &Ty| matches!(t, Ty::Model(i) if matches!(self.models.get(*i), Some(Some(Model { kind: ModelKind::Enum(_), .. }))));
        let shadows = |a: &Ty, b: &Ty| match (a, b) {
            (Ty::Json, _) => true,
            (Ty::Str | Ty::Secret, Ty::Int | Ty::Dec | Ty::Timestamp | Ty::Str | Ty::Secret) => {
                true
            }
            (Ty::Dec, Ty::Int | Ty::Timestamp | Ty::Dec) => true,
            (Ty::Int | Ty::Timestamp, Ty::Int | Ty::Timestamp) => true,
            (a, Ty::Str | Ty::Int | Ty::Dec | Ty::Timestamp) if is_enum(a) => true,
            _ => false,
        };
        let mut problems = Vec::new();
        for (j, later) in alts.iter().enumerate() {
            if let Some(earlier) = alts[..j].iter().find(|e| shadows(&e.ty, &later.ty)) {
                problems.push(format!(
                    "the union alternative `{}` can never be chosen: `{}` comes first and accepts the same values",
                    later.rust, earlier.rust
                ));
            }
        }
        for msg in problems {
            self.err(
                path,
                msg,
                Some("the first alternative that decodes wins: put the narrower one first (integer before decimal before string)".into()),
            );
        }
    }

    pub(super) fn check_union_alt(&mut self, ty: &Ty, path: &[&str]) {
        if contains_binary(ty) {
            self.err(
                path,
                "`binary` is a whole response (one document), not a union alternative",
                Some("write `response: binary`".into()),
            );
        }
        if matches!(ty, Ty::Date(_) | Ty::DateTime(_) | Ty::Item(_)) {
            self.err(
                path,
                "dates and `| error` items cannot be union alternatives",
                Some(
                    "declare a `string` alternative and parse it yourself, or use a struct".into(),
                ),
            );
        }
    }

    pub(super) fn variants(&mut self, values: &[spec::EnumValue], path: &[&str]) -> Vec<Variant> {
        let mut out: Vec<Variant> = Vec::new();
        let mut derived: Vec<bool> = Vec::new();
        let mut seen_wire = BTreeSet::new();
        for (i, v) in values.iter().enumerate() {
            let (wire, name, doc) = match v {
                spec::EnumValue::Plain(s) => (s.clone(), None, None),
                spec::EnumValue::Full(f) => {
                    (f.value.clone(), f.name.clone(), f.description.clone())
                }
            };
            let idx = i.to_string();
            let mut p = path.to_vec();
            p.extend(["enum", &idx]);
            if !seen_wire.insert(wire.clone()) {
                self.err(
                    &p,
                    format!("the enum value `{wire}` is listed twice"),
                    Some("remove the duplicate".into()),
                );
                continue;
            }
            derived.push(name.is_none());
            let rust = match name {
                Some(n) => {
                    if camel(&n) != n {
                        self.err(
                            &p,
                            format!("the variant name `{n}` is not UpperCamelCase"),
                            Some(format!("use `{}`", camel(&n))),
                        );
                    }
                    n
                }
                None => camel(&wire),
            };
            if rust == "Other" {
                self.err(
                    &p,
                    "the variant name `Other` is reserved for values the spec does not list",
                    Some("give this value another `name:`".into()),
                );
            }
            out.push(Variant { wire, rust, doc });
        }
        let entries: Vec<(&str, String, bool)> = out
            .iter()
            .zip(&derived)
            .map(|(v, d)| (v.wire.as_str(), v.rust.clone(), *d))
            .collect();
        let names = numbered(&entries, false);
        for (v, (rust, _)) in out.iter_mut().zip(names) {
            v.rust = rust;
        }
        if out.is_empty() {
            let mut p = path.to_vec();
            p.push("enum");
            self.err(&p, "an enum needs at least one value", None);
        }
        let mut p = path.to_vec();
        p.push("enum");
        self.unique(
            out.iter().map(|v| (v.rust.clone(), v.wire.clone())),
            &p,
            "enum value",
        );
        out
    }
}
