//! Auth: where each credential is placed and how a signature is made.

use super::headers::control_char;
use crate::diag::suggest;
use crate::ir::{Algorithm, Auth, AuthValue, DigestOutput, Field, Location, Lowerer};
use crate::spec::{self, Literal};

impl Lowerer<'_> {
    /// The endpoint's auth placements (its own, or the provider's), and its
    /// `signatures:` each naming one of them.
    pub(super) fn endpoint_auth(
        &mut self,
        name: &str,
        e: &spec::Endpoint,
        params: &[Field],
        fixed: &[(Location, String, Literal)],
        base: &[&str; 2],
    ) -> Vec<Auth> {
        let spec = &self.l.spec;
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
            if let Some(r) = self.auth(name, a, e, params, fixed, &p) {
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
        auth
    }

    /// Lowers one auth placement: where it goes, its prefix, and its value
    /// (a credential, or a signature of the endpoint's request).
    pub(super) fn auth(
        &mut self,
        endpoint: &str,
        a: &spec::AuthPlacement,
        e: &spec::Endpoint,
        params: &[Field],
        fixed: &[(Location, String, Literal)],
        p: &[&str],
    ) -> Option<Auth> {
        let location = self.auth_location(a, e, p)?;
        self.check_prefix(a, location, p);
        let value = self.auth_value(endpoint, a, e, params, fixed, p)?;
        Some(Auth {
            location,
            name: a.name.clone(),
            value,
            prefix: a.prefix.clone().unwrap_or_default(),
        })
    }

    /// Where the placement goes (never `nowhere` or the path), with its name
    /// checked for a header or cookie.
    fn auth_location(
        &mut self,
        a: &spec::AuthPlacement,
        e: &spec::Endpoint,
        p: &[&str],
    ) -> Option<Location> {
        let location = self.location(Some(a.location), e.method, p);
        if location == Location::Nowhere {
            let mut lp = p.to_vec();
            lp.push("in");
            self.err(
                &lp,
                "auth must be sent: `nowhere` is for parameters the client only uses itself",
                Some("use `query`, `body`, `header`, `cookie` or `params`".into()),
            );
            return None;
        }
        if location == Location::Path {
            let mut lp = p.to_vec();
            lp.push("in");
            self.err(
                &lp,
                "auth cannot go in the path",
                Some("use `query`, `body`, `header`, `cookie` or `params`".into()),
            );
            return None;
        }
        let mut np = p.to_vec();
        np.push("name");
        match location {
            Location::Header => self.header_name(&a.name, &np, false, true),
            Location::Cookie => self.cookie_name(&a.name, &np, false),
            _ => {}
        }
        Some(location)
    }

    /// A `prefix:` is visible text, and in a cookie has no `;`.
    fn check_prefix(&mut self, a: &spec::AuthPlacement, location: Location, p: &[&str]) {
        if let Some(prefix) = &a.prefix {
            let mut pp = p.to_vec();
            pp.push("prefix");
            if let Some(c) = control_char(prefix, false) {
                self.err(
                    &pp,
                    format!("the prefix contains the control character {c}"),
                    Some("a prefix is visible text such as `\"Bearer \"`; a line break in a header would end it and start another one".into()),
                );
            } else if location == Location::Cookie && prefix.contains(';') {
                self.err(
                    &pp,
                    "a cookie prefix may not contain `;`: it would end the cookie",
                    Some("remove the `;` (the client separates cookies itself)".into()),
                );
            }
        }
    }

    /// The placement's value: exactly one of a credential or a signature.
    fn auth_value(
        &mut self,
        endpoint: &str,
        a: &spec::AuthPlacement,
        e: &spec::Endpoint,
        params: &[Field],
        fixed: &[(Location, String, Literal)],
        p: &[&str],
    ) -> Option<AuthValue> {
        let cred_names: Vec<&str> = self.l.spec.credentials.keys().collect();
        Some(match (&a.credential, &a.signature) {
            (Some(c), None) => match self.l.spec.credentials.keys().position(|k| k == c) {
                Some(i) => AuthValue::Credential(i),
                None => {
                    let mut cp = p.to_vec();
                    cp.push("credential");
                    self.err(
                        &cp,
                        format!("unknown credential `{c}`"),
                        Some(suggest(c, &cred_names)),
                    );
                    return None;
                }
            },
            (None, Some(sig)) => {
                self.signature_value(endpoint, sig, e.signatures.get(&a.name), params, fixed, p)
            }
            _ => {
                self.err_key(
                    p,
                    "an auth placement needs exactly one of `credential` or `signature`",
                    None,
                );
                return None;
            }
        })
    }

    /// A signature: its template (the endpoint's override, or the placement's)
    /// and, for an HMAC, its key template.
    fn signature_value(
        &mut self,
        endpoint: &str,
        sig: &spec::Signature,
        over: Option<&String>,
        params: &[Field],
        fixed: &[(Location, String, Literal)],
        p: &[&str],
    ) -> AuthValue {
        let template_text = over.unwrap_or(&sig.template);
        let mut tp = p.to_vec();
        tp.extend(["signature", "template"]);
        let template = self.template(endpoint, template_text, params, fixed, &tp);
        let mut kp = p.to_vec();
        kp.extend(["signature", "key"]);
        let key = match (&sig.key, is_hmac(sig.algorithm)) {
            (Some(k), true) => self.template(endpoint, k, params, fixed, &kp),
            (None, true) => {
                self.err(
                    &kp,
                    format!("`{}` needs a `key` template", sig.algorithm.as_str()),
                    Some("e.g. `key: \"{api_secret}\"`".into()),
                );
                None
            }
            (Some(_), false) => {
                self.err(&kp, "only `hmac-sha1` and `hmac-sha256` take a `key`", None);
                None
            }
            (None, false) => Some(Vec::new()),
        };
        AuthValue::Signature {
            algorithm: sig.algorithm,
            template: template.unwrap_or_default(),
            key: key.unwrap_or_default(),
            output: sig.output.unwrap_or(DigestOutput::Hex),
        }
    }
}

/// The HMACs, which take a `key`.
pub(super) fn is_hmac(a: Algorithm) -> bool {
    matches!(a, Algorithm::HmacSha1 | Algorithm::HmacSha256)
}
