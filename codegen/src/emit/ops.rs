//! The `Operation` statics: BASE, and each endpoint's envelope and auth as differences from it.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::endpoint::location;
use super::ident;
use crate::ir::{
    Algorithm, Auth, AuthValue, DigestOutput, Encoding, Endpoint, Envelope, Method, ModelKind,
    Piece, Provider, Segment, Test, Ty,
};
use crate::spec::Literal;

fn lit(l: &Literal) -> TokenStream {
    match l {
        Literal::Bool(b) => quote!(rt::op::Lit::Bool(#b)),
        Literal::Int(i) => quote!(rt::op::Lit::Int(#i)),
        Literal::Str(s) => quote!(rt::op::Lit::Str(#s)),
    }
}

pub(super) fn str_path(path: &[String]) -> TokenStream {
    quote!(&[#(#path),*])
}

fn envelope_tokens(env: &crate::ir::Envelope) -> TokenStream {
    envelope_diff(env, None)
}

/// An envelope; with `base`, only the fields that differ from it, then `..BASE.envelope`.
fn envelope_diff(env: &crate::ir::Envelope, base: Option<&crate::ir::Envelope>) -> TokenStream {
    let conds = |cs: &[crate::ir::Condition]| -> TokenStream {
        let items = cs.iter().map(|c| {
            let path = str_path(&c.path);
            let test = match &c.test {
                Test::Equals(l) => {
                    let l = lit(l);
                    quote!(rt::op::Test::Equals(#l))
                }
                Test::NotEquals(l) => {
                    let l = lit(l);
                    quote!(rt::op::Test::NotEquals(#l))
                }
                Test::In(ls) => {
                    let ls = ls.iter().map(lit);
                    quote!(rt::op::Test::In(&[#(#ls),*]))
                }
                Test::Absent => quote!(rt::op::Test::Absent),
                Test::Present => quote!(rt::op::Test::Present),
            };
            quote!(rt::op::Condition { path: #path, test: #test })
        });
        quote!(&[#(#items),*])
    };
    let success = conds(&env.success);
    let pending = conds(&env.pending);
    let payload = str_path(&env.payload);
    let opt = |p: &Option<Vec<String>>| match p {
        Some(p) => {
            let p = str_path(p);
            quote!(Some(#p))
        }
        None => quote!(None),
    };
    let code = opt(&env.code);
    let message = opt(&env.message);
    let Some(b) = base else {
        return quote! {
            rt::op::Envelope {
                success: #success,
                pending: #pending,
                payload: #payload,
                code: #code,
                message: #message,
            }
        };
    };
    let mut fields = Vec::new();
    if env.success != b.success {
        fields.push(quote!(success: #success));
    }
    if env.pending != b.pending {
        fields.push(quote!(pending: #pending));
    }
    if env.payload != b.payload {
        fields.push(quote!(payload: #payload));
    }
    if env.code != b.code {
        fields.push(quote!(code: #code));
    }
    if env.message != b.message {
        fields.push(quote!(message: #message));
    }
    quote!(rt::op::Envelope { #(#fields,)* ..BASE.envelope })
}

pub(super) fn pieces(ps: &[Piece]) -> TokenStream {
    let items = ps.iter().map(|p| match p {
        Piece::Lit(s) => quote!(rt::op::Piece::Lit(#s)),
        Piece::Credential(i) => {
            let i = Lit::usize_unsuffixed(*i);
            quote!(rt::op::Piece::Credential(#i))
        }
        Piece::Field(f) => quote!(rt::op::Piece::Field(#f)),
    });
    quote!(&[#(#items),*])
}

fn auth_tokens(auth: &[crate::ir::Auth]) -> TokenStream {
    let items = auth.iter().map(|a| {
        let loc = location(a.location);
        let name = &a.name;
        let prefix = &a.prefix;
        let value = match &a.value {
            AuthValue::Credential(i) => {
                let i = Lit::usize_unsuffixed(*i);
                quote!(rt::op::AuthValue::Credential(#i))
            }
            AuthValue::Signature {
                algorithm,
                template,
                key,
                output,
            } => {
                let alg = match algorithm {
                    Algorithm::Md5 => quote!(Md5),
                    Algorithm::Sha1 => quote!(Sha1),
                    Algorithm::Sha256 => quote!(Sha256),
                    Algorithm::HmacSha1 => quote!(HmacSha1),
                    Algorithm::HmacSha256 => quote!(HmacSha256),
                };
                let out = match output {
                    DigestOutput::Hex => quote!(Hex),
                    DigestOutput::HexUpper => quote!(HexUpper),
                    DigestOutput::Base64 => quote!(Base64),
                };
                let template = pieces(template);
                let key = pieces(key);
                quote!(rt::op::AuthValue::Signature(rt::op::Signature {
                    algorithm: rt::op::Algorithm::#alg,
                    template: #template,
                    key: #key,
                    output: rt::op::DigestOutput::#out,
                }))
            }
        };
        quote!(rt::op::Auth { location: #loc, name: #name, value: #value, prefix: #prefix })
    });
    quote!(&[#(#items),*])
}

pub(super) fn op_ident(e: &Endpoint) -> syn::Ident {
    ident(&format!(
        "OP_{}",
        heck::ToShoutySnakeCase::to_shouty_snake_case(e.rust.trim_end_matches('_'))
    ))
}

/// The static operation tables; shared auth and envelope consts when several endpoints use them.
/// The value most endpoints share (the first one on a tie), if any endpoint has it.
fn most_common<'a, T: PartialEq>(items: impl Iterator<Item = &'a T>) -> Option<&'a T> {
    let mut counts: Vec<(&T, usize)> = Vec::new();
    for i in items {
        match counts.iter_mut().find(|(s, _)| *s == i) {
            Some((_, n)) => *n += 1,
            None => counts.push((i, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(s, _)| s)
}

fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(rt::op::Method::Get),
        Method::Post => quote!(rt::op::Method::Post),
        Method::Put => quote!(rt::op::Method::Put),
        Method::Patch => quote!(rt::op::Method::Patch),
        Method::Delete => quote!(rt::op::Method::Delete),
    }
}

fn encoding_tokens(e: Encoding) -> TokenStream {
    match e {
        Encoding::Json => quote!(rt::op::Encoding::Json),
        Encoding::Form => quote!(rt::op::Encoding::Form),
    }
}

fn headers_tokens(h: &[(String, String)]) -> TokenStream {
    let hs = h.iter().map(|(k, v)| quote!((#k, #v)));
    quote!(&[#(#hs),*])
}

/// The endpoint tables: a `BASE` with what most endpoints share (auth,
/// envelope, method, encoding, headers, idempotency), and each endpoint as its
/// differences from it. Sharing is decided on the IR values.
/// What most endpoints share: the `BASE` operation the others differ from.
struct Base<'a> {
    auth: &'a Vec<Auth>,
    envelope: &'a Envelope,
    method: Method,
    encoding: Encoding,
    headers: &'a Vec<(String, String)>,
    idempotent: bool,
}

/// The `BASE` operation, then one `static` per endpoint stating its differences.
pub(super) fn operations(p: &Provider) -> TokenStream {
    let eps = &p.endpoints;
    let Some(first) = eps.first() else {
        return TokenStream::new();
    };
    let base = Base {
        auth: most_common(eps.iter().map(|e| &e.auth)).unwrap_or(&first.auth),
        envelope: most_common(eps.iter().map(|e| &e.envelope)).unwrap_or(&first.envelope),
        method: *most_common(eps.iter().map(|e| &e.method)).unwrap_or(&first.method),
        encoding: *most_common(eps.iter().map(|e| &e.encoding)).unwrap_or(&first.encoding),
        headers: most_common(eps.iter().map(|e| &e.headers)).unwrap_or(&first.headers),
        idempotent: *most_common(eps.iter().map(|e| &e.idempotent)).unwrap_or(&false),
    };
    let mut out = base_static(&p.module, &base);
    for e in eps {
        out.extend(operation_static(p, e, &base));
    }
    out
}

/// `BASE`: the most common settings, and nothing endpoint-specific.
fn base_static(module: &str, base: &Base<'_>) -> TokenStream {
    let auth_t = auth_tokens(base.auth);
    let env_t = envelope_tokens(base.envelope);
    let (method_t, encoding_t, headers_t) = (
        method_tokens(base.method),
        encoding_tokens(base.encoding),
        headers_tokens(base.headers),
    );
    let idempotent = base.idempotent;
    quote! {
        /// What most endpoints share; each endpoint below states its differences.
        const BASE: rt::op::Operation = rt::op::Operation {
            provider: #module,
            name: "",
            method: #method_t,
            path: &[],
            encoding: #encoding_t,
            auth: #auth_t,
            headers: #headers_t,
            fixed: &[],
            envelope: #env_t,
            answer: rt::op::Answer::Json,
            idempotent: #idempotent,
            moves_money: false,
            reference: None,
            params: &[],
            secret_fields: &[],
        };
    }
}

/// One endpoint's `static` operation: its name, path and what differs from `BASE`.
fn operation_static(p: &Provider, e: &Endpoint, base: &Base<'_>) -> TokenStream {
    let id = op_ident(e);
    let name = &e.wire;
    let segs = e.segments.iter().map(|s| match s {
        Segment::Lit(l) => quote!(rt::op::Segment::Lit(#l)),
        Segment::Param(n) => quote!(rt::op::Segment::Param(#n)),
        Segment::Optional(n) => quote!(rt::op::Segment::Optional(#n)),
    });
    let mut fields = vec![quote!(name: #name), quote!(path: &[#(#segs),*])];
    if e.method != base.method {
        let m = method_tokens(e.method);
        fields.push(quote!(method: #m));
    }
    if e.encoding != base.encoding {
        let t = encoding_tokens(e.encoding);
        fields.push(quote!(encoding: #t));
    }
    if &e.auth != base.auth {
        let t = auth_tokens(&e.auth);
        fields.push(quote!(auth: #t));
    }
    if &e.headers != base.headers {
        let t = headers_tokens(&e.headers);
        fields.push(quote!(headers: #t));
    }
    if !e.fixed.is_empty() {
        let fixed = e.fixed.iter().map(|(l, n, v)| {
            let l = location(*l);
            let v = lit(v);
            quote!((#l, #n, #v))
        });
        fields.push(quote!(fixed: &[#(#fixed),*]));
    }
    if &e.envelope != base.envelope {
        let t = envelope_diff(&e.envelope, Some(base.envelope));
        fields.push(quote!(envelope: #t));
    }
    if e.response == Ty::Binary {
        fields.push(quote!(answer: rt::op::Answer::Binary));
    }
    if e.idempotent != base.idempotent {
        let v = e.idempotent;
        fields.push(quote!(idempotent: #v));
    }
    if e.moves_money {
        fields.push(quote!(moves_money: true));
    }
    if let Some(r) = &e.reference {
        fields.push(quote!(reference: Some(#r)));
    }
    if !e.params.is_empty() {
        let params = e.params.iter().map(|f| &f.wire);
        fields.push(quote!(params: &[#(#params),*]));
    }
    let mut secrets = std::collections::BTreeSet::new();
    secret_fields(p, &e.response, &mut secrets, &mut Vec::new());
    if !secrets.is_empty() {
        let secrets = secrets.iter();
        fields.push(quote!(secret_fields: &[#(#secrets),*]));
    }
    let doc = format!(" `{} {}`", e.method_str(), e.path_text);
    quote! {
        #[doc = #doc]
        static #id: rt::op::Operation = rt::op::Operation {
            #(#fields,)*
            ..BASE
        };
    }
}

/// Wire names of the `secret: true` fields reachable from `ty`.
pub(super) fn secret_fields(
    p: &Provider,
    ty: &Ty,
    out: &mut std::collections::BTreeSet<String>,
    seen: &mut Vec<usize>,
) {
    match ty {
        Ty::List(t) | Ty::Map(t) | Ty::Item(t) => secret_fields(p, t, out, seen),
        Ty::Model(i) if !seen.contains(i) => {
            seen.push(*i);
            match p.models.get(*i).map(|m| &m.kind) {
                Some(ModelKind::Struct(fields)) => {
                    for f in fields {
                        if f.ty == Ty::Secret {
                            out.insert(f.wire.clone());
                        }
                        secret_fields(p, &f.ty, out, seen);
                    }
                }
                Some(ModelKind::Union(alts)) => {
                    for a in alts {
                        secret_fields(p, &a.ty, out, seen);
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
}
