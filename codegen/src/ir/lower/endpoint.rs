//! Endpoints: request, response, path, parameters, auth, envelope and signature per endpoint.

use super::headers::control_char;
use crate::diag::suggest;
use crate::ir::{
    Encoding, Endpoint, Envelope, ListStyle, Location, Lowerer, Method, Model, ModelKind, Segment,
    Ty, MAX_POSITIONAL,
};
use crate::spec;

impl Lowerer<'_> {
    /// Lowers one endpoint; its method and type-prefix names are chosen by the caller.
    pub(super) fn endpoint(
        &mut self,
        name: &str,
        e: &spec::Endpoint,
        rust: String,
        type_prefix: String,
    ) -> Endpoint {
        let spec = &self.l.spec;
        let base = ["endpoints", name];
        self.claim_type(&format!("{type_prefix}Request"), &base);

        let mut params = self.fields(&type_prefix, &e.params, &base, true, Some(e.method));
        if params.iter().filter(|f| !f.may_be_absent).count() > MAX_POSITIONAL {
            self.claim_type(&format!("{type_prefix}Required"), &base);
        }

        // Path: `{name}` holes are path parameters.
        let mut segments = Vec::new();
        let raw = if e.path.starts_with('/') {
            e.path.clone()
        } else {
            format!("/{}", e.path)
        };
        self.check_path_text(&raw, &[base[0], base[1], "path"]);
        let mut rest = raw.as_str();
        let mut holes = Vec::new();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.err(
                    &[base[0], base[1], "path"],
                    "a `{` in the path is not closed",
                    None,
                );
                break;
            };
            let lit = &rest[..open];
            let hole = &rest[open + 1..open + close];
            if !lit.ends_with('/') {
                self.err(&[base[0], base[1], "path"], format!("the path parameter `{{{hole}}}` must be a whole segment, right after a `/`"), None);
            }
            let lit = lit.trim_end_matches('/');
            if !lit.is_empty() {
                segments.push(Segment::Lit(lit.to_owned()));
            }
            holes.push(hole.to_owned());
            match params.iter_mut().find(|p| p.wire == hole) {
                Some(p) => {
                    if p.location != Location::Path {
                        if e.params.get(hole).and_then(|f| f.location).is_some() {
                            self.err(
                                &[base[0], base[1], "params", hole, "in"],
                                format!(
                                    "`{hole}` appears in the path but is declared `in` elsewhere"
                                ),
                                Some("remove `in:`, or rename the path hole".into()),
                            );
                        }
                        p.location = Location::Path;
                    }
                    segments.push(if p.may_be_absent {
                        Segment::Optional(hole.to_owned())
                    } else {
                        Segment::Param(hole.to_owned())
                    });
                }
                None => {
                    let names: Vec<&str> = e.params.keys().collect();
                    self.err(
                        &[base[0], base[1], "path"],
                        format!("the path names `{{{hole}}}`, which is not a parameter"),
                        Some(format!(
                            "declare it under `params:` ({})",
                            suggest(hole, &names)
                        )),
                    );
                }
            }
            rest = &rest[open + close + 1..];
            if !(rest.is_empty() || rest.starts_with('/')) {
                self.err(&[base[0], base[1], "path"], format!("the path parameter `{{{hole}}}` must be a whole segment, followed by `/` or the end"), None);
            }
        }
        if !rest.is_empty() {
            segments.push(Segment::Lit(rest.to_owned()));
        }
        let mut seen_optional = false;
        for s in &segments {
            match s {
                Segment::Optional(_) => seen_optional = true,
                _ if seen_optional => {
                    self.err(
                        &[base[0], base[1], "path"],
                        "optional path parameters must come last in the path",
                        Some(
                            "make the later parameters optional too, or the earlier one required"
                                .into(),
                        ),
                    );
                    break;
                }
                _ => {}
            }
        }
        for p in &params {
            if p.location == Location::Path && !holes.contains(&p.wire) {
                self.err(
                    &[base[0], base[1], "params", &p.wire, "in"],
                    format!(
                        "`{}` is declared `in: path`, but the path has no `{{{}}}`",
                        p.wire, p.wire
                    ),
                    Some(format!("add `/{{{}}}` to the path", p.wire)),
                );
            }
            if p.location == Location::Path
                && !matches!(
                    p.ty,
                    Ty::Str | Ty::Secret | Ty::Int | Ty::Dec | Ty::Bool | Ty::Model(_)
                )
            {
                self.err(
                    &[base[0], base[1], "params", &p.wire, "type"],
                    "path parameters must be scalars",
                    None,
                );
            }
        }
        for p in &params {
            let at = [base[0], base[1], "params", p.wire.as_str()];
            match p.location {
                Location::Header => self.header_name(&p.wire, &at, true, false),
                Location::Cookie => self.cookie_name(&p.wire, &at, true),
                _ => {}
            }
        }

        // Fixed values.
        let mut fixed = Vec::new();
        for (k, v) in e.fixed.iter() {
            if e.params.get(k).is_some() {
                self.err_key(
                    &[base[0], base[1], "fixed", k],
                    format!("`{k}` is both fixed and a parameter"),
                    Some("remove one of them".into()),
                );
            }
            let loc = self.location(None, e.method, &base);
            fixed.push((loc, k.to_owned(), v.clone()));
        }

        // Headers.
        let mut headers = Vec::new();
        for (origin, map) in [
            (vec!["headers"], &spec.headers),
            (vec![base[0], base[1], "headers"], &e.headers),
        ] {
            for (k, v) in map.iter() {
                let mut p = origin.clone();
                p.push(k);
                self.header_name(k, &p, true, false);
                if let Some(c) = control_char(v, true) {
                    self.err(
                        &p,
                        format!("the value of the header `{k}` contains the control character {c}"),
                        Some("a header value is one line of visible text: a line break would end the header, and another control character is refused by HTTP".into()),
                    );
                }
                headers.retain(|(h, _): &(String, String)| !h.eq_ignore_ascii_case(k));
                headers.push((k.to_ascii_lowercase(), v.clone()));
            }
        }

        // Auth.
        let placements = e.auth.as_ref().unwrap_or(&spec.auth);
        let auth_path: Vec<&str> = if e.auth.is_some() {
            vec![base[0], base[1], "auth"]
        } else {
            vec!["auth"]
        };
        let mut auth = Vec::new();
        for (i, a) in placements.iter().enumerate() {
            let idx = i.to_string();
            let mut p = auth_path.clone();
            p.push(&idx);
            if let Some(r) = self.auth(name, a, e, &params, &fixed, &p) {
                auth.push(r);
            }
        }
        for (k, _) in e.signatures.iter() {
            if !placements
                .iter()
                .any(|a| a.name == k && a.signature.is_some())
            {
                let names: Vec<&str> = placements
                    .iter()
                    .filter(|a| a.signature.is_some())
                    .map(|a| a.name.as_str())
                    .collect();
                self.err_key(
                    &[base[0], base[1], "signatures", k],
                    format!("no signature placement is named `{k}`"),
                    Some(suggest(k, &names)),
                );
            }
        }

        // Envelope.
        let env = &spec.envelope;
        let ov = e.envelope.clone().unwrap_or_default();
        let payload_text = ov
            .payload
            .clone()
            .or_else(|| env.payload.clone())
            .unwrap_or_default();
        let payload_at: Vec<&str> = if ov.payload.is_some() {
            vec![base[0], base[1], "envelope", "payload"]
        } else {
            vec!["envelope", "payload"]
        };
        let payload = self.path_of(&payload_text, &payload_at);
        let success = self.conditions(
            ov.success.as_ref().unwrap_or(&env.success),
            if ov.success.is_some() {
                vec![base[0], base[1], "envelope", "success"]
            } else {
                vec!["envelope", "success"]
            },
        );
        let pending = self.conditions(
            ov.pending.as_ref().unwrap_or(&env.pending),
            if ov.pending.is_some() {
                vec![base[0], base[1], "envelope", "pending"]
            } else {
                vec!["envelope", "pending"]
            },
        );
        let (error, error_at) = match &ov.error {
            Some(err) => (err, vec![base[0], base[1], "envelope", "error"]),
            None => (&env.error, vec!["envelope", "error"]),
        };
        let at = |leaf: &'static str| -> Vec<&str> {
            let mut p = error_at.clone();
            p.push(leaf);
            p
        };
        let code = error.code.as_ref().map(|c| self.path_of(c, &at("code")));
        let message = error
            .message
            .as_ref()
            .map(|c| self.path_of(c, &at("message")));

        // Response.
        let response = match &e.response {
            None => Ty::Json,
            Some(spec::Response::Type(t)) => self
                .ty_str(
                    t,
                    &[base[0], base[1], "response"],
                    None,
                    &format!("{type_prefix}Response"),
                )
                .unwrap_or(Ty::Json),
            Some(spec::Response::Inline(inline)) => {
                let name = format!("{type_prefix}Response");
                self.claim_type(&name, &[base[0], base[1], "response"]);
                let fields = self.fields(
                    &name,
                    &inline.fields,
                    &[base[0], base[1], "response"],
                    false,
                    None,
                );
                self.models.push(Some(Model {
                    name,
                    doc: inline
                        .description
                        .clone()
                        .or_else(|| Some(format!("What `{name}` returns.", name = rust))),
                    kind: ModelKind::Struct(fields),
                    unknown_fields: None,
                }));
                Ty::Model(self.models.len() - 1)
            }
        };

        self.check_response_binary(&response, &[base[0], base[1], "response"]);
        self.check_unsent(&params, &auth, e.reference.as_deref(), &base);

        let idempotent = match (e.idempotent, e.moves_money) {
            (Some(true), true) => {
                self.err(
                    &[base[0], base[1], "idempotent"],
                    "an endpoint that moves money cannot be idempotent: it is never retried",
                    Some("remove `idempotent: true`".into()),
                );
                false
            }
            (Some(v), _) => v,
            (None, true) => false,
            (None, false) => e.method == Method::Get,
        };
        if let Some(r) = &e.reference {
            if !params.iter().any(|p| &p.wire == r) {
                let names: Vec<&str> = e.params.keys().collect();
                self.err(
                    &[base[0], base[1], "reference"],
                    format!("`reference` names `{r}`, which is not a parameter"),
                    Some(suggest(r, &names)),
                );
            }
        }
        for p in &mut params {
            if p.location == Location::Path {
                p.style = ListStyle::Comma;
            }
        }

        Endpoint {
            wire: name.to_owned(),
            rust,
            type_prefix,
            doc: e.description.clone(),
            method: e.method,
            segments,
            path_text: raw,
            encoding: e.encoding.or(spec.encoding).unwrap_or(Encoding::Json),
            fixed,
            headers,
            params,
            auth,
            envelope: Envelope {
                success,
                pending,
                payload,
                code,
                message,
            },
            response,
            idempotent,
            moves_money: e.moves_money,
            reference: e.reference.clone(),
            example: e
                .examples
                .first()
                .map(|x| x.request.clone().unwrap_or_default()),
        }
    }
}
