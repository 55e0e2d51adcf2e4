//! Fields and parameters: names, locations, and type expressions resolved to `Ty`.

use super::extras::{contains_date, contains_datetime};
use super::names::numbered;
use crate::diag::suggest;
use crate::ir::{Alternative, Field, ListStyle, Location, Lowerer, Method, Model, ModelKind, Ty};
use crate::names::{camel, camel_part, snake};
use crate::spec::{self, Location as SpecLocation};
use crate::types::{self, Scalar, TypeExpr};

impl Lowerer<'_> {
    /// Lowers struct fields or request parameters.
    pub(super) fn fields(
        &mut self,
        owner: &str,
        fields: &spec::Ordered<spec::Field>,
        path: &[&str],
        request: bool,
        method: Option<Method>,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let section = if request { "params" } else { "fields" };
        let names = numbered(
            &fields
                .iter()
                .map(|(wire, f)| match &f.rust_name {
                    Some(r) => (wire, r.clone(), false),
                    None => (wire, snake(wire), true),
                })
                .collect::<Vec<_>>(),
            true,
        );
        for ((wire, f), (rust, number)) in fields.iter().zip(names) {
            let mut p = path.to_vec();
            p.extend([section, wire]);
            self.check_rust_name(f, &p);
            let inline_name = format!(
                "{owner}{}{}",
                camel_part(wire),
                number.map(|n| n.to_string()).unwrap_or_default()
            );
            let ty = self.field_type(f, &inline_name, &p, request);
            let none_marker = self.none_marker(f, &inline_name, &p);
            self.check_response_only(f, &p, request);
            let location = self.field_location(f, &p, request, method);
            let is_list = matches!(ty, Ty::List(_));
            if (f.style.is_some() || f.max_items.is_some()) && !is_list {
                self.err_key(
                    &p,
                    "`style` and `max_items` apply to `list<...>` parameters only",
                    None,
                );
            }
            out.push(Field {
                wire: wire.to_owned(),
                rust,
                doc: f.description.clone(),
                option: f.optional || f.nullable || none_marker.is_some(),
                may_be_absent: f.optional,
                none_marker,
                location,
                style: f.style.unwrap_or(ListStyle::Comma),
                max_items: f.max_items,
                requires: Vec::new(),
                join: f.join.clone().filter(|_| request),
                default: f.default.clone().filter(|_| request),
                ty,
            });
        }
        if request {
            self.resolve_requires(fields, &mut out, path);
        }
        let mut p = path.to_vec();
        p.push(section);
        self.unique(
            out.iter().map(|f| (f.rust.clone(), f.wire.clone())),
            &p,
            "field",
        );
        out
    }

    /// A `rust_name:` is a snake_case name.
    fn check_rust_name(&mut self, f: &spec::Field, p: &[&str]) {
        if let Some(r) = &f.rust_name {
            if snake(r) != *r {
                let mut rp = p.to_vec();
                rp.push("rust_name");
                self.err(
                    &rp,
                    format!("`{r}` is not a snake_case Rust name"),
                    Some(format!("use `{}`", snake(r))),
                );
            }
        }
    }

    /// The field's type, resolved, with the checks that depend on it
    /// (`secret`, `format` and the later additions).
    fn field_type(&mut self, f: &spec::Field, inline_name: &str, p: &[&str], request: bool) -> Ty {
        let mut tp = p.to_vec();
        tp.push("type");
        self.utc_offset = self.parse_utc_offset(f, p);
        let resolved = self.ty_str(&f.ty, &tp, f.format.as_deref(), inline_name);
        let unresolved = resolved.is_none();
        let ty = resolved.unwrap_or(Ty::Json);
        self.utc_offset = None;
        self.field_extras(f, &ty, p, request);
        let ty = match (f.secret, ty) {
            (true, Ty::Str) => Ty::Secret,
            (true, other) => {
                let mut sp = p.to_vec();
                sp.push("secret");
                self.err_key(&sp, "`secret` applies to `string` fields only", None);
                other
            }
            (false, other) => other,
        };
        // A type that did not resolve has been reported already.
        if f.format.is_some() && !unresolved && !contains_date(&ty) && !contains_datetime(&ty) {
            let mut fp = p.to_vec();
            fp.push("format");
            self.err(
                &fp,
                "`format` applies to `date` and `datetime` fields only",
                Some("remove it, or make the type `date` (or `datetime`)".into()),
            );
        }
        ty
    }

    /// The marker type named after the field that lists its `none_values:`, if any.
    fn none_marker(
        &mut self,
        f: &spec::Field,
        inline_name: &str,
        p: &[&str],
    ) -> Option<(String, Vec<String>)> {
        let none_marker = if f.none_values.is_empty() {
            None
        } else {
            Some((format!("{inline_name}NoneValues"), f.none_values.clone()))
        };
        if let Some((m, _)) = &none_marker {
            let mut np = p.to_vec();
            np.push("none_values");
            self.claim_type(m, &np);
        }
        none_marker
    }

    /// `nullable` and `none_values` describe answers, not requests.
    fn check_response_only(&mut self, f: &spec::Field, p: &[&str], request: bool) {
        if request && (f.nullable || !f.none_values.is_empty()) {
            let key = if f.nullable {
                "nullable"
            } else {
                "none_values"
            };
            let mut kp = p.to_vec();
            kp.push(key);
            self.err_key(
                &kp,
                format!("`{key}` applies to response fields only"),
                Some("a request parameter that may be left out is `optional: true`".into()),
            );
        }
    }

    /// Where a request parameter is sent; a model field is in the body, and
    /// the request-only keys are refused on it.
    fn field_location(
        &mut self,
        f: &spec::Field,
        p: &[&str],
        request: bool,
        method: Option<Method>,
    ) -> Location {
        if request {
            self.location(f.location, method.unwrap_or(Method::Post), p)
        } else {
            for (key, set) in [
                ("in", f.location.is_some()),
                ("style", f.style.is_some()),
                ("max_items", f.max_items.is_some()),
                ("requires", !f.requires.is_empty()),
                ("join", f.join.is_some()),
                ("default", f.default.is_some()),
            ] {
                if set {
                    let mut kp = p.to_vec();
                    kp.push(key);
                    self.err_key(
                        &kp,
                        format!("`{key}` applies to request parameters only"),
                        Some("remove it from this model field".into()),
                    );
                }
            }
            Location::Body
        }
    }

    /// `requires:` resolved against the parameters' Rust names (which every
    /// parameter needs first), and checked.
    fn resolve_requires(
        &mut self,
        fields: &spec::Ordered<spec::Field>,
        out: &mut [Field],
        path: &[&str],
    ) {
        for (i, (wire, f)) in fields.iter().enumerate() {
            for r in &f.requires {
                match out.iter().find(|o| &o.wire == r) {
                    Some(o) if !o.may_be_absent => {
                        let mut p = path.to_vec();
                        p.extend(["params", wire, "requires"]);
                        self.err(
                            &p,
                            format!("`requires` names `{r}`, which is always sent"),
                            Some(format!(
                                "remove `{r}` from `requires`, or make `{r}` optional"
                            )),
                        );
                    }
                    Some(o) => {
                        let pair = (o.wire.clone(), o.rust.clone());
                        out[i].requires.push(pair);
                    }
                    None => {
                        let names: Vec<&str> = fields.keys().collect();
                        let mut p = path.to_vec();
                        p.extend(["params", wire, "requires"]);
                        self.err(
                            &p,
                            format!("`requires` names `{r}`, which is not a parameter here"),
                            Some(suggest(r, &names)),
                        );
                    }
                }
            }
            if !f.requires.is_empty() && !f.optional {
                let mut p = path.to_vec();
                p.extend(["params", wire, "requires"]);
                self.err(
                    &p,
                    "`requires` only makes sense on an optional parameter",
                    None,
                );
            }
        }
    }

    pub(super) fn location(
        &mut self,
        loc: Option<SpecLocation>,
        method: Method,
        path: &[&str],
    ) -> Location {
        match loc.unwrap_or(SpecLocation::Params) {
            SpecLocation::Query => Location::Query,
            SpecLocation::Body => Location::Body,
            SpecLocation::Header => Location::Header,
            SpecLocation::Cookie => Location::Cookie,
            SpecLocation::Path => Location::Path,
            SpecLocation::Nowhere => Location::Nowhere,
            SpecLocation::Params => match method {
                Method::Get | Method::Delete => Location::Query,
                _ => {
                    let _ = path;
                    Location::Body
                }
            },
        }
    }

    /// Parses and resolves a type expression written at `path`.
    pub(super) fn ty_str(
        &mut self,
        text: &str,
        path: &[&str],
        format: Option<&str>,
        inline_name: &str,
    ) -> Option<Ty> {
        match types::parse(text) {
            Ok(e) => self.ty(&e, path, format, inline_name),
            Err(e) => {
                let hint = e.hint.unwrap_or_else(|| "types are `string`, `integer`, `decimal`, `bool`, `json`, `timestamp`, `date`, `datetime`, `list<T>`, `map<T>`, `T | error`, `A | B` or a model name (and `binary` for a whole response)".into());
                self.err(path, e.message, Some(hint));
                None
            }
        }
    }

    /// A type expression resolved: scalars, models by name, containers, and
    /// inline unions (which become models named after their place).
    pub(super) fn ty(
        &mut self,
        e: &TypeExpr,
        path: &[&str],
        format: Option<&str>,
        inline_name: &str,
    ) -> Option<Ty> {
        Some(match e {
            TypeExpr::Scalar(s) => match s {
                Scalar::String => Ty::Str,
                Scalar::Integer => Ty::Int,
                Scalar::Decimal => Ty::Dec,
                Scalar::Bool => Ty::Bool,
                Scalar::Json => Ty::Json,
                Scalar::Timestamp => Ty::Timestamp,
                Scalar::Binary => Ty::Binary,
                Scalar::Datetime => return self.datetime(format, path),
                Scalar::Date => return self.date(format, path),
            },
            TypeExpr::Named(n) => return self.named(n, path),
            TypeExpr::List(t) => Ty::List(Box::new(self.ty(t, path, format, inline_name)?)),
            TypeExpr::Map(t) => Ty::Map(Box::new(self.ty(t, path, format, inline_name)?)),
            TypeExpr::Item(t) => Ty::Item(Box::new(self.ty(t, path, format, inline_name)?)),
            TypeExpr::Union(alts) => return self.inline_union(e, alts, path, format, inline_name),
        })
    }

    /// A `date` with its `format` (`yyyy`, `mm` and `dd` once each, no time of day).
    fn date(&mut self, format: Option<&str>, path: &[&str]) -> Option<Ty> {
        let Some(f) = format else {
            self.err(
                path,
                "a `date` needs a `format`",
                Some("add e.g. `format: dd/mm/yyyy` (yyyy, mm and dd, any separators)".into()),
            );
            return None;
        };
        if ["yyyy", "mm", "dd"]
            .iter()
            .any(|t| f.matches(t).count() != 1)
        {
            self.err(
                path,
                format!("the date format `{f}` must contain `yyyy`, `mm` and `dd` once each"),
                Some("e.g. `dd/mm/yyyy` or `yyyy-mm-dd`".into()),
            );
            return None;
        }
        if let Some(t) = ["hh", "mi", "ss"].iter().find(|t| f.contains(**t)) {
            self.err(
                path,
                format!(
                    "the date format `{f}` has `{t}`, a time of day, which a `date` does not keep"
                ),
                Some("make the type `datetime` to read the time too".into()),
            );
            return None;
        }
        let i = match self.date_patterns.iter().position(|p| p == f) {
            Some(i) => i,
            None => {
                self.date_patterns.push(f.to_owned());
                self.date_patterns.len() - 1
            }
        };
        Some(Ty::Date(i))
    }

    /// A model by name.
    fn named(&mut self, n: &str, path: &[&str]) -> Option<Ty> {
        Some(match self.model_index.get(n) {
            Some(i) => Ty::Model(*i),
            None => {
                let mut names: Vec<&str> = self.l.spec.models.keys().collect();
                names.extend(Scalar::NAMES);
                let hint = suggest(n, &names);
                self.err(path, format!("unknown type `{n}`"), Some(hint));
                return None;
            }
        })
    }

    /// An inline union: a model named after its place, with one alternative per member.
    fn inline_union(
        &mut self,
        e: &TypeExpr,
        alts: &[TypeExpr],
        path: &[&str],
        format: Option<&str>,
        inline_name: &str,
    ) -> Option<Ty> {
        // An inline union becomes a model named after its place.
        let name = inline_name.to_owned();
        self.claim_type(&name, path);
        let mut out = Vec::new();
        for a in alts {
            let ty = self.ty(a, path, format, &format!("{name}Alt"))?;
            self.check_union_alt(&ty, path);
            let rust = match a {
                TypeExpr::Scalar(s) => camel(s.name()),
                TypeExpr::Named(n) => camel(n),
                TypeExpr::List(_) => "List".to_owned(),
                TypeExpr::Map(_) => "Map".to_owned(),
                _ => "Value".to_owned(),
            };
            out.push(Alternative {
                rust,
                ty,
                doc: None,
            });
        }
        self.check_union_order(&out, path);
        self.unique(
            out.iter().map(|a| (a.rust.clone(), a.rust.clone())),
            path,
            "union alternative",
        );
        let index = self.models.len();
        self.models.push(Some(Model {
            name,
            doc: Some(format!(
                "One of: `{e}`. The first alternative that decodes wins."
            )),
            kind: ModelKind::Union(out),
            unknown_fields: None,
        }));
        Some(Ty::Model(index))
    }
}
