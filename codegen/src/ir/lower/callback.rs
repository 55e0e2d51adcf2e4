//! Callbacks: names, payload types and how each incoming request is authenticated.

use std::collections::BTreeMap;

use super::auth::is_hmac;
use super::names::numbered;
use crate::diag::suggest;
use crate::ir::{
    Callback, Carried, DigestOutput, Endpoint, Lowerer, Model, ModelKind, Piece, Signed, Ty,
};
use crate::names::{camel_part, snake};
use crate::reserved::CALLBACKS_METHODS;
use crate::spec;

impl Lowerer<'_> {
    /// Lowers `callbacks:`: names, payload types, and how each is authenticated.
    pub(super) fn callbacks(&mut self, endpoints: &[Endpoint]) -> Vec<Callback> {
        let spec = &self.l.spec;
        if spec.callbacks.is_empty() {
            return Vec::new();
        }
        self.claim_type("Callbacks", &["callbacks"]);
        if let Some(e) = endpoints.iter().find(|e| e.rust == "callbacks") {
            self.err_key(
                &["endpoints", &e.wire],
                format!(
                    "the endpoint `{}` would shadow the client method `callbacks`, which this spec's callbacks need",
                    e.wire
                ),
                Some("rename the endpoint".into()),
            );
        }
        let names = numbered(
            &spec
                .callbacks
                .keys()
                .map(|k| (k, snake(k), true))
                .collect::<Vec<_>>(),
            true,
        );
        let mut out = Vec::new();
        for ((name, c), (rust, n)) in spec.callbacks.iter().zip(names) {
            let type_prefix = format!(
                "{}{}",
                camel_part(name),
                n.map(|n| n.to_string()).unwrap_or_default()
            );
            out.push(self.callback(name, c, rust, &type_prefix));
        }
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for c in &out {
            if CALLBACKS_METHODS.contains(&c.rust.as_str()) {
                self.err_key(
                    &["callbacks", &c.wire],
                    format!(
                        "the callback `{}` would shadow the method `Callbacks::{}`",
                        c.wire, c.rust
                    ),
                    Some("rename the callback".into()),
                );
            }
            if let Some(prev) = seen.insert(c.rust.clone(), c.wire.clone()) {
                self.err_key(
                    &["callbacks", &c.wire],
                    format!(
                        "the callbacks `{prev}` and `{}` both become the method `{}`",
                        c.wire, c.rust
                    ),
                    Some("rename one of them".into()),
                );
            }
        }
        out
    }

    /// Lowers one callback; its method and type-prefix names are chosen by the caller.
    pub(super) fn callback(
        &mut self,
        name: &str,
        c: &spec::Callback,
        rust: String,
        type_prefix: &str,
    ) -> Callback {
        let base = ["callbacks", name];
        let at =
            |leaf: &[&'static str]| -> Vec<&str> { base.iter().chain(leaf).copied().collect() };
        let payload_at = at(&["payload"]);
        let payload = self.path_of(c.payload.as_deref().unwrap_or(""), &payload_at);
        let ty = self.callback_type(name, c, &rust, type_prefix, &base);
        let payload_fields = self.payload_fields(&ty);
        let sig = &c.signature;
        let carried = self.carried(sig, &base);
        let signed = self.signed(name, sig, &carried, &payload_fields, &base);
        let key = self.callback_key(sig, &base);
        self.check_callback_secret(sig, &signed, &key, &base);
        Callback {
            wire: name.to_owned(),
            rust,
            doc: c.description.clone(),
            payload,
            ty,
            algorithm: sig.algorithm,
            signed: signed.unwrap_or(Signed::Body),
            key: key.unwrap_or_default(),
            output: sig.output.unwrap_or(DigestOutput::Hex),
            carried,
            prefix: sig.prefix.clone().unwrap_or_default(),
        }
    }

    /// The payload type, as for a response; an inline one is `<Name>Callback`.
    fn callback_type(
        &mut self,
        name: &str,
        c: &spec::Callback,
        rust: &str,
        type_prefix: &str,
        base: &[&str; 2],
    ) -> Ty {
        let at =
            |leaf: &[&'static str]| -> Vec<&str> { base.iter().chain(leaf).copied().collect() };
        let type_at = at(&["type"]);
        let type_name = format!("{type_prefix}Callback");
        match &c.ty {
            spec::Response::Type(t) => match self.ty_str(t, &type_at, None, &type_name) {
                Some(Ty::Binary) => {
                    self.err(
                        &type_at,
                        "a callback's payload is JSON: the verifier reads it as JSON before decoding it",
                        Some("give the payload's type (`type: { fields: ... }`, a model, or `json`)".into()),
                    );
                    Ty::Json
                }
                ty => ty.unwrap_or(Ty::Json),
            },
            spec::Response::Inline(inline) => {
                self.claim_type(&type_name, &type_at);
                let fields = self.fields(&type_name, &inline.fields, &type_at, false, None);
                self.models.push(Some(Model {
                    name: type_name,
                    doc: inline.description.clone().or_else(|| {
                        Some(format!(
                            "The payload of the `{name}` callback (`client.callbacks().{rust}(...)`)."
                        ))
                    }),
                    kind: ModelKind::Struct(fields),
                    unknown_fields: None,
                }));
                Ty::Model(self.models.len() - 1)
            }
        }
    }

    /// The wire names of the payload's fields, when it is a struct.
    fn payload_fields(&self, ty: &Ty) -> Vec<String> {
        match &ty {
            Ty::Model(i) => match self.models.get(*i) {
                Some(Some(Model {
                    kind: ModelKind::Struct(fields),
                    ..
                })) => fields.iter().map(|f| f.wire.clone()).collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// Where the signature comes: a payload field or a header (exactly one).
    fn carried(&mut self, sig: &spec::CallbackSignature, base: &[&str; 2]) -> Carried {
        let at =
            |leaf: &[&'static str]| -> Vec<&str> { base.iter().chain(leaf).copied().collect() };
        let sig_at = at(&["signature"]);
        match (&sig.field, &sig.header) {
            (Some(f), None) => {
                if f.is_empty() {
                    self.err(
                        &at(&["signature", "field"]),
                        "the signature field has no name",
                        None,
                    );
                }
                Carried::Field(f.clone())
            }
            (None, Some(h)) => {
                self.header_name(h, &at(&["signature", "header"]), false, false);
                Carried::Header(h.clone())
            }
            _ => {
                self.err_key(
                    &sig_at,
                    "a callback signature needs exactly one of `field` (the payload field that carries it) or `header` (the header that does)",
                    Some("e.g. `field: sign`, or `header: X-Hub-Signature`".into()),
                );
                Carried::Field(String::new())
            }
        }
    }

    /// What is signed: a template of credentials and payload fields, or the raw body.
    fn signed(
        &mut self,
        name: &str,
        sig: &spec::CallbackSignature,
        carried: &Carried,
        payload_fields: &[String],
        base: &[&str; 2],
    ) -> Option<Signed> {
        let at =
            |leaf: &[&'static str]| -> Vec<&str> { base.iter().chain(leaf).copied().collect() };
        let sig_at = at(&["signature"]);
        let template_at = at(&["signature", "template"]);
        match (&sig.template, carried) {
            (Some(t), _) => {
                let pieces = self.template_with(t, &template_at, |lw, hole| {
                    let is_field = payload_fields.iter().any(|f| f == hole);
                    let credential = lw.l.spec.credentials.keys().position(|k| k == hole);
                    match (credential, is_field) {
                        (Some(_), true) => {
                            lw.err(
                                &template_at,
                                format!("`{{{hole}}}` is both a credential and a field of the `{name}` payload"),
                                Some("rename the credential so the template says which one it means".into()),
                            );
                            None
                        }
                        (Some(i), false) => Some(Piece::Credential(i)),
                        (None, true) => Some(Piece::Field(hole.to_owned())),
                        (None, false) => {
                            let mut names: Vec<&str> = lw.l.spec.credentials.keys().collect();
                            names.extend(payload_fields.iter().map(String::as_str));
                            let hint = if payload_fields.is_empty() {
                                "a template names credentials and the fields of the payload's `fields:`; this payload type has no fields".to_owned()
                            } else {
                                suggest(hole, &names)
                            };
                            lw.err(
                                &template_at,
                                format!("the template names `{{{hole}}}`, which is neither a credential nor a field of the `{name}` payload"),
                                Some(hint),
                            );
                            None
                        }
                    }
                });
                pieces.map(Signed::Template)
            }
            (None, Carried::Header(_)) => Some(Signed::Body),
            (None, Carried::Field(_)) => {
                self.err_key(
                    &sig_at,
                    "a signature carried in a payload field needs a `template`: the body that carries it cannot sign itself",
                    Some("e.g. `template: \"{username}{api_key}{ref_id}\"` (credentials and payload fields)".into()),
                );
                None
            }
        }
    }

    /// The HMAC key template (credentials only); only HMACs take one.
    fn callback_key(
        &mut self,
        sig: &spec::CallbackSignature,
        base: &[&str; 2],
    ) -> Option<Vec<Piece>> {
        let at =
            |leaf: &[&'static str]| -> Vec<&str> { base.iter().chain(leaf).copied().collect() };
        let sig_at = at(&["signature"]);
        let key_at = at(&["signature", "key"]);
        match (&sig.key, is_hmac(sig.algorithm)) {
            (Some(k), true) => self.template_with(k, &key_at, |lw, hole| {
                match lw.l.spec.credentials.keys().position(|k| k == hole) {
                    Some(i) => Some(Piece::Credential(i)),
                    None => {
                        let names: Vec<&str> = lw.l.spec.credentials.keys().collect();
                        lw.err(
                            &key_at,
                            format!("the HMAC key names `{{{hole}}}`, which is not a credential"),
                            Some(suggest(hole, &names)),
                        );
                        None
                    }
                }
            }),
            (None, true) => {
                self.err_key(
                    &sig_at,
                    format!("`{}` needs a `key` template", sig.algorithm.as_str()),
                    Some("e.g. `key: \"{webhook_secret}\"` (a declared credential)".into()),
                );
                None
            }
            (Some(_), false) => {
                self.err(
                    &key_at,
                    "only `hmac-sha1` and `hmac-sha256` take a `key`",
                    None,
                );
                None
            }
            (None, false) => Some(Vec::new()),
        }
    }

    /// A signature anyone could compute is refused: the raw body needs an
    /// HMAC, a template or key needs a credential.
    fn check_callback_secret(
        &mut self,
        sig: &spec::CallbackSignature,
        signed: &Option<Signed>,
        key: &Option<Vec<Piece>>,
        base: &[&str; 2],
    ) {
        let at =
            |leaf: &[&'static str]| -> Vec<&str> { base.iter().chain(leaf).copied().collect() };
        let sig_at = at(&["signature"]);
        if *signed == Some(Signed::Body) && !is_hmac(sig.algorithm) {
            self.err(
                &at(&["signature", "algorithm"]),
                format!(
                    "a signature of the raw body must be an HMAC: `{}` of the body needs no secret, so anyone could compute it",
                    sig.algorithm.as_str()
                ),
                Some("use `hmac-sha1` or `hmac-sha256` with a `key` naming the shared secret".into()),
            );
        } else if let (Some(Signed::Template(t)), Some(k)) = (signed, key) {
            let secret = t.iter().chain(k).any(|p| matches!(p, Piece::Credential(_)));
            if !secret {
                self.err_key(
                    &sig_at,
                    "the signature uses no credential, so anyone could compute it",
                    Some("name the shared secret in the `template` (`{api_key}`) or in an HMAC `key`".into()),
                );
            }
        }
    }
}
