//! The later additions: date-times, documents, joined lists, defaults, unsent parameters, kept unknown fields.

use crate::ir::{
    Auth, AuthValue, DateTimeFormat, Field, Location, Lowerer, Model, ModelKind, Piece, Ty,
};
use crate::names::snake;
use crate::spec::{self, Literal};

impl Lowerer<'_> {
    /// A `datetime` with `format` (and the field's `utc_offset`, if any).
    pub(super) fn datetime(&mut self, format: Option<&str>, path: &[&str]) -> Option<Ty> {
        let Some(f) = format else {
            self.err(
                path,
                "a `datetime` needs a `format`",
                Some("add e.g. `format: yyyymmddhhmiss` or `format: yyyy-mm-dd hh:mi:ss` (yyyy, mm, dd, hh, mi and ss)".into()),
            );
            return None;
        };
        let once = ["yyyy", "mm", "dd", "hh", "mi"];
        if once.iter().any(|t| f.matches(t).count() != 1) || f.matches("ss").count() > 1 {
            self.err(
                path,
                format!("the date-time format `{f}` must contain `yyyy`, `mm`, `dd`, `hh` and `mi` once each (and `ss` at most once)"),
                Some("e.g. `yyyymmddhhmiss` for `20180803171608`, or `dd/mm/yyyy hh:mi` (minutes are `mi`: `mm` is the month)".into()),
            );
            return None;
        }
        let format = DateTimeFormat {
            pattern: f.to_owned(),
            offset: self.utc_offset.clone(),
        };
        let i = match self.datetime_formats.iter().position(|x| *x == format) {
            Some(i) => i,
            None => {
                self.datetime_formats.push(format);
                self.datetime_formats.len() - 1
            }
        };
        Some(Ty::DateTime(i))
    }

    /// `utc_offset: "+07:00"`: the text and its seconds east of UTC.
    pub(super) fn parse_utc_offset(
        &mut self,
        f: &spec::Field,
        p: &[&str],
    ) -> Option<(String, i32)> {
        let text = f.utc_offset.as_deref()?;
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<i32> {
            let part = text.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let parsed = match (b.len(), b.first(), b.get(3)) {
            (6, Some(sign @ (b'+' | b'-')), Some(b':')) => match (digits(1..3), digits(4..6)) {
                (Some(h), Some(m)) if h <= 23 && m <= 59 => {
                    let secs = h * 3600 + m * 60;
                    Some(if *sign == b'-' { -secs } else { secs })
                }
                _ => None,
            },
            _ => None,
        };
        match parsed {
            Some(secs) => Some((text.to_owned(), secs)),
            None => {
                let mut op = p.to_vec();
                op.push("utc_offset");
                self.err(
                    &op,
                    format!("`{text}` is not a UTC offset"),
                    Some(
                        "write the sign, hours and minutes: `+07:00` (Jakarta), `-05:00`, `+00:00`"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    /// Checks `utc_offset`, `join`, `default` and `binary` on one field or parameter.
    pub(super) fn field_extras(&mut self, f: &spec::Field, ty: &Ty, p: &[&str], request: bool) {
        let at = |key: &'static str| -> Vec<&str> {
            let mut k = p.to_vec();
            k.push(key);
            k
        };
        if f.utc_offset.is_some() && !contains_datetime(ty) {
            self.err_key(
                &at("utc_offset"),
                "`utc_offset` applies to `datetime` fields only",
                Some("remove it, or make the type `datetime` (with a `format`)".into()),
            );
        }
        if contains_binary(ty) {
            self.err(
                &at("type"),
                "`binary` is the type of a whole response (a document), not of a field or parameter",
                Some("declare `response: binary` on the endpoint; a field holding a document's text is a `string`".into()),
            );
        }
        if !request {
            return;
        }
        if let Some(sep) = &f.join {
            let k = at("join");
            if !matches!(ty, Ty::List(_)) {
                self.err_key(&k, "`join` applies to `list<...>` parameters only", None);
            } else if f.style.is_some() {
                self.err_key(
                    &k,
                    "`join` and `style` both say how the list is written: give one",
                    Some("`join: \"\\n\"` writes one text, the items joined with the separator; `style: array` repeats the key".into()),
                );
            } else if sep.is_empty() {
                self.err(
                    &k,
                    "an empty `join` separator would run the items together",
                    Some("e.g. `join: \"\\n\"` (one per line) or `join: \";\"`".into()),
                );
            }
        }
        if let Some(lit) = &f.default {
            let k = at("default");
            if !f.optional {
                self.err_key(
                    &k,
                    "`default` applies to optional parameters only: a required one is always given",
                    Some("mark the parameter `optional: true`, or remove the default".into()),
                );
            } else if let Err(why) = self.default_fits(ty, lit) {
                let text = match lit {
                    Literal::Str(s) => s.clone(),
                    other => other.to_string(),
                };
                self.err(&k, format!("the default `{text}` {why}"), None);
            }
        }
    }

    /// Whether a `default` literal can be sent as a value of `ty`.
    pub(super) fn default_fits(&self, ty: &Ty, lit: &Literal) -> Result<(), String> {
        match (ty, lit) {
            (Ty::Str, Literal::Str(_) | Literal::Int(_))
            | (Ty::Int | Ty::Dec, Literal::Int(_))
            | (Ty::Bool, Literal::Bool(_)) => Ok(()),
            (Ty::Model(i), Literal::Str(_) | Literal::Int(_)) => {
                let Some(Some(Model {
                    kind: ModelKind::Enum(variants),
                    ..
                })) = self.models.get(*i)
                else {
                    return Err("cannot be sent as this type: a `default` is text, a whole number, a boolean or an enum value".into());
                };
                let text = match lit {
                    Literal::Str(s) => s.clone(),
                    other => other.to_string(),
                };
                if variants.iter().any(|v| v.wire == text) {
                    Ok(())
                } else {
                    let values: Vec<String> = variants.iter().map(|v| format!("`{}`", v.wire)).collect();
                    Err(format!("is not one of the enum's values ({})", values.join(", ")))
                }
            }
            (Ty::Str | Ty::Int | Ty::Dec | Ty::Bool, _) => {
                Err("does not match the parameter's type".into())
            }
            _ => Err("cannot be sent as this type: a `default` is text, a whole number, a boolean or an enum value".into()),
        }
    }

    /// `unknown_fields: other` on a struct model: the Rust name of the kept map.
    pub(super) fn unknown_fields(
        &mut self,
        m: &spec::Model,
        kind: &ModelKind,
        path: &[&str],
    ) -> Option<String> {
        let name = m.unknown_fields.as_ref()?;
        let mut p = path.to_vec();
        p.push("unknown_fields");
        let ModelKind::Struct(fields) = kind else {
            self.err_key(
                &p,
                "`unknown_fields` applies to models with `fields` only",
                Some("an enum keeps unknown values as `Other` already; a union can end with a `json` alternative".into()),
            );
            return None;
        };
        if snake(name) != *name {
            self.err(
                &p,
                format!("`{name}` is not a snake_case Rust name"),
                Some(format!("use `{}`", snake(name))),
            );
            return None;
        }
        if let Some(f) = fields.iter().find(|f| f.rust == *name) {
            self.err(
                &p,
                format!("the field `{}` is already called `{name}` in Rust", f.wire),
                Some("choose another name for the map of unknown fields (`other`, `extra`)".into()),
            );
            return None;
        }
        Some(name.clone())
    }

    /// `binary` is a whole response or nothing.
    pub(super) fn check_response_binary(&mut self, response: &Ty, path: &[&str]) {
        if *response != Ty::Binary && contains_binary(response) {
            self.err(
                path,
                "`binary` is a whole response (one document), not an item of a list or map",
                Some("write `response: binary`".into()),
            );
        }
    }

    /// A parameter sent nowhere must be used: as the reference or in a signature.
    pub(super) fn check_unsent(
        &mut self,
        params: &[Field],
        auth: &[Auth],
        reference: Option<&str>,
        base: &[&str; 2],
    ) {
        let in_signature = |wire: &str| {
            auth.iter().any(|a| match &a.value {
                AuthValue::Signature { template, key, .. } => template
                    .iter()
                    .chain(key)
                    .any(|p| matches!(p, Piece::Field(f) if f == wire)),
                AuthValue::Credential(_) => false,
            })
        };
        for p in params.iter().filter(|p| p.location == Location::Nowhere) {
            if reference != Some(p.wire.as_str()) && !in_signature(&p.wire) {
                self.err(
                    &[base[0], base[1], "params", &p.wire, "in"],
                    format!("`{}` is sent nowhere and used for nothing", p.wire),
                    Some("`in: nowhere` is for the endpoint's `reference` or a signature hole; send it, or remove it".into()),
                );
            }
        }
    }
}

pub(super) fn contains_datetime(t: &Ty) -> bool {
    match t {
        Ty::DateTime(_) => true,
        Ty::List(t) | Ty::Map(t) | Ty::Item(t) => contains_datetime(t),
        _ => false,
    }
}

pub(super) fn contains_binary(t: &Ty) -> bool {
    match t {
        Ty::Binary => true,
        Ty::List(t) | Ty::Map(t) | Ty::Item(t) => contains_binary(t),
        _ => false,
    }
}

pub(super) fn contains_date(t: &Ty) -> bool {
    match t {
        Ty::Date(_) => true,
        Ty::List(t) | Ty::Map(t) | Ty::Item(t) => contains_date(t),
        _ => false,
    }
}
