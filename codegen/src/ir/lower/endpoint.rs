//! Endpoints: request, response, path, parameters, auth, envelope and signature per endpoint.

use super::headers::control_char;
use crate::diag::suggest;
use crate::ir::{
    Encoding, Endpoint, Field, ListStyle, Location, Lowerer, Method, Model, ModelKind, Ty,
    MAX_POSITIONAL,
};
use crate::spec::{self, Literal};

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
        let (raw, segments) = self.url_path(e, &base, &mut params);
        self.check_param_names(&params, &base);
        let fixed = self.fixed(e, &base);
        let headers = self.headers(e, &base);
        let auth = self.endpoint_auth(name, e, &params, &fixed, &base);
        let envelope = self.envelope(e, &base);
        let response = self.response(e, &base, &rust, &type_prefix);

        self.check_response_binary(&response, &[base[0], base[1], "response"]);
        self.check_unsent(&params, &auth, e.reference.as_deref(), &base);

        let idempotent = self.idempotent(e, &base);
        self.check_reference(e, &params, &base);
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
            envelope,
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

    /// Header and cookie parameters have names HTTP allows there.
    fn check_param_names(&mut self, params: &[Field], base: &[&str; 2]) {
        for p in params {
            let at = [base[0], base[1], "params", p.wire.as_str()];
            match p.location {
                Location::Header => self.header_name(&p.wire, &at, true, false),
                Location::Cookie => self.cookie_name(&p.wire, &at, true),
                _ => {}
            }
        }
    }

    /// Fixed values: sent on every call, and never also a parameter.
    fn fixed(&mut self, e: &spec::Endpoint, base: &[&str; 2]) -> Vec<(Location, String, Literal)> {
        let mut fixed = Vec::new();
        for (k, v) in e.fixed.iter() {
            if e.params.get(k).is_some() {
                self.err_key(
                    &[base[0], base[1], "fixed", k],
                    format!("`{k}` is both fixed and a parameter"),
                    Some("remove one of them".into()),
                );
            }
            let loc = self.location(None, e.method, base);
            fixed.push((loc, k.to_owned(), v.clone()));
        }
        fixed
    }

    /// The provider's headers, then the endpoint's (which win, by name in any case).
    fn headers(&mut self, e: &spec::Endpoint, base: &[&str; 2]) -> Vec<(String, String)> {
        let spec = &self.l.spec;
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
        headers
    }

    /// What the endpoint answers: JSON, a named type, or an inline `{type_prefix}Response`.
    fn response(
        &mut self,
        e: &spec::Endpoint,
        base: &[&str; 2],
        rust: &str,
        type_prefix: &str,
    ) -> Ty {
        match &e.response {
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
        }
    }

    /// Whether a failed call may be retried: as declared, never when it moves
    /// money, else when it is a GET.
    fn idempotent(&mut self, e: &spec::Endpoint, base: &[&str; 2]) -> bool {
        match (e.idempotent, e.moves_money) {
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
        }
    }

    /// `reference:` names one of the endpoint's parameters.
    fn check_reference(&mut self, e: &spec::Endpoint, params: &[Field], base: &[&str; 2]) {
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
    }
}
