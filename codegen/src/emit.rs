//! Emission: IR -> `quote!` token streams -> `syn::File` -> prettyplease text.
//!
//! One function per concern: environments and the client builder, the
//! client, models, requests and call builders, static operation tables, and
//! the untyped `call_json` entry point. Generated code names the runtime as
//! `rt` (`use ::providers_runtime as rt;`, or the path [`Options::runtime`] names) and nothing else.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{
    Algorithm, AuthValue, Callback, Carried, DigestOutput, Encoding, Endpoint, Field, ListStyle,
    Location, Method, Model, ModelKind, Piece, Provider, Segment, Signed, Test, Ty,
};
use crate::spec::Literal;

/// Required parameters up to this count are positional arguments; more go in a
/// `...Required` struct, so that two values of one type cannot be swapped silently.
use crate::ir::MAX_POSITIONAL;

fn ident(s: &str) -> syn::Ident {
    format_ident!("{}", s)
}

fn docs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let lines: Vec<TokenStream> = text
        .trim_end()
        .lines()
        .map(|l| {
            let l = format!(" {}", l.trim_end());
            quote!(#[doc = #l])
        })
        .collect();
    quote!(#(#lines)*)
}

/// Spec text made safe for rustdoc: it is prose from provider documents, so
/// `[status]` must not become an intra-doc link, `<html>` not a tag, and a bare
/// URL becomes a link (`<https://...>`). Backtick code spans are kept as written.
fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.lines().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        for (i, part) in line.split('`').enumerate() {
            if i > 0 {
                out.push('`');
            }
            if i % 2 == 1 {
                out.push_str(part);
                continue;
            }
            let mut words = Vec::new();
            for word in part.split(' ') {
                if word.starts_with("http://") || word.starts_with("https://") {
                    let url = word.trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
                    words.push(format!("<{url}>{}", &word[url.len()..]));
                } else {
                    words.push(
                        word.replace('\\', "\\\\")
                            .replace('[', "\\[")
                            .replace(']', "\\]")
                            .replace('<', "&lt;")
                            .replace('>', "&gt;"),
                    );
                }
            }
            out.push_str(&words.join(" "));
        }
    }
    out
}

/// Docs from spec text, or `fallback` (generated text) when the spec has none.
fn doc_or(text: Option<&str>, fallback: String) -> TokenStream {
    match text {
        Some(t) if !t.trim().is_empty() => docs(Some(&sanitize(t))),
        _ => docs(Some(&fallback)),
    }
}

/// Like [`doc_or`] for something named `wire` in the spec: a name outside
/// ASCII was transliterated (and maybe numbered) into Rust, so the docs say
/// what it is called on the wire even when the spec describes it.
fn named_doc(text: Option<&str>, fallback: String, wire: &str, what: &str) -> TokenStream {
    let described = text.is_some_and(|t| !t.trim().is_empty());
    let says_wire = !described && fallback.contains(wire);
    let doc = doc_or(text, fallback);
    if !wire.is_ascii() && !says_wire {
        let note = docs(Some(&format!("\n`{}` {what}.", sanitize(wire))));
        quote!(#doc #note)
    } else {
        doc
    }
}

/// Rust type of a resolved type.
fn rust_ty(p: &Provider, ty: &Ty) -> TokenStream {
    match ty {
        Ty::Str => quote!(String),
        Ty::Secret => quote!(rt::Secret),
        Ty::Int => quote!(i64),
        Ty::Dec => quote!(rt::Decimal),
        Ty::Bool => quote!(bool),
        Ty::Json => quote!(rt::Json),
        Ty::Timestamp => quote!(rt::OffsetDateTime),
        Ty::Date(_) => quote!(rt::Date),
        Ty::DateTime(i) => match p.datetime_formats[*i].offset {
            Some(_) => quote!(rt::OffsetDateTime),
            None => quote!(rt::PrimitiveDateTime),
        },
        Ty::Binary => quote!(rt::Binary),
        Ty::Model(i) => {
            let n = ident(&p.models[*i].name);
            quote!(#n)
        }
        Ty::List(t) => {
            let t = rust_ty(p, t);
            quote!(Vec<#t>)
        }
        Ty::Map(t) => {
            let t = rust_ty(p, t);
            quote!(std::collections::BTreeMap<String, #t>)
        }
        Ty::Item(t) => {
            let t = rust_ty(p, t);
            quote!(Result<#t, rt::ItemError>)
        }
    }
}

fn field_ty(p: &Provider, f: &Field) -> TokenStream {
    let t = rust_ty(p, &f.ty);
    if f.option {
        quote!(Option<#t>)
    } else {
        t
    }
}

fn date_marker(p: &Provider, i: usize) -> syn::Ident {
    ident(&format!(
        "Date{}",
        crate::names::camel_part(&p.date_patterns[i])
    ))
}

/// The codec that decodes `ty`, or `None` when its own serde impl does.
fn codec(p: &Provider, ty: &Ty) -> Option<TokenStream> {
    Some(match ty {
        Ty::Str => quote!(rt::codec::Str),
        Ty::Secret => quote!(rt::codec::SecretText),
        Ty::Int => quote!(rt::codec::Int),
        Ty::Dec => quote!(rt::codec::Dec),
        Ty::Bool => quote!(rt::codec::Bool),
        Ty::Timestamp => quote!(rt::codec::Timestamp),
        Ty::Date(i) => {
            let m = date_marker(p, *i);
            quote!(rt::codec::Date<#m>)
        }
        Ty::DateTime(i) => {
            let m = datetime_marker(p, *i);
            match p.datetime_formats[*i].offset {
                Some(_) => quote!(rt::codec::DateTimeAt<#m>),
                None => quote!(rt::codec::DateTime<#m>),
            }
        }
        Ty::Binary => quote!(rt::codec::BinaryAnswer),
        Ty::Json | Ty::Model(_) => return None,
        Ty::List(t) => {
            let c = codec(p, t)?;
            quote!(rt::codec::List<#c>)
        }
        Ty::Map(t) => {
            let c = codec(p, t)?;
            quote!(rt::codec::Map<#c>)
        }
        Ty::Item(t) => {
            let c = codec(p, t).unwrap_or(quote!(rt::codec::Plain));
            quote!(rt::codec::Item<#c>)
        }
    })
}

fn codec_or_plain(p: &Provider, ty: &Ty) -> TokenStream {
    codec(p, ty).unwrap_or(quote!(rt::codec::Plain))
}

/// serde attributes of a field.
/// Which serde derives a struct has, so its field attributes say no more than they need.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Derives {
    /// None (a plain argument struct).
    None,
    /// `Deserialize` only (request types: the JSON interface reads them).
    Deserialize,
    /// Both (models: payloads are also written, e.g. as JSON by tools).
    Both,
}

fn serde_attrs(p: &Provider, f: &Field, derives: Derives) -> TokenStream {
    let mut parts: Vec<TokenStream> = Vec::new();
    if f.wire != f.rust {
        let w = &f.wire;
        parts.push(quote!(rename = #w));
    }
    if f.may_be_absent {
        parts.push(quote!(default));
    }
    if f.option && derives == Derives::Both {
        parts.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    let inner = codec(p, &f.ty);
    let full = match (&f.none_marker, f.option, inner) {
        (Some((marker, _)), _, inner) => {
            let m = ident(marker);
            let c = inner.unwrap_or(quote!(rt::codec::Plain));
            Some(quote!(rt::codec::NoneIf<#c, #m>))
        }
        (None, true, Some(c)) => Some(quote!(rt::codec::Opt<#c>)),
        (None, false, Some(c)) => Some(c),
        (None, _, None) => None,
    };
    if let Some(c) = full {
        // Short, readable forms for the common cases.
        let short = match (&f.none_marker, f.option, &f.ty) {
            (Some(_), _, _) => None,
            (None, false, Ty::Str) => Some("rt::with::str"),
            (None, false, Ty::Secret) => Some("rt::with::secret"),
            (None, false, Ty::Int) => Some("rt::with::int"),
            (None, false, Ty::Dec) => Some("rt::with::dec"),
            (None, false, Ty::Bool) => Some("rt::with::bool"),
            (None, false, Ty::Timestamp) => Some("rt::with::timestamp"),
            (None, true, Ty::Str) => Some("rt::with::opt_str"),
            (None, true, Ty::Secret) => Some("rt::with::opt_secret"),
            (None, true, Ty::Int) => Some("rt::with::opt_int"),
            (None, true, Ty::Dec) => Some("rt::with::opt_dec"),
            (None, true, Ty::Bool) => Some("rt::with::opt_bool"),
            _ => None,
        };
        match short {
            Some(path) => parts.push(quote!(with = #path)),
            None => {
                let c = c.to_string().replace(' ', "");
                let de = format!("rt::codec::decode::<{c},_,_>");
                parts.push(quote!(deserialize_with = #de));
                if derives == Derives::Both {
                    let ser = format!("rt::codec::encode::<{c},_,_>");
                    parts.push(quote!(serialize_with = #ser));
                }
            }
        }
    }
    if parts.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[serde(#(#parts),*)])
    }
}

/// Struct fields; `serde` adds the wire attributes (for types that derive serde).
fn struct_fields(p: &Provider, fields: &[Field], derives: Derives) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let d = named_doc(
                f.doc.as_deref(),
                field_fallback_doc(p, f),
                &f.wire,
                "on the wire",
            );
            let attrs = if derives == Derives::None {
                TokenStream::new()
            } else {
                serde_attrs(p, f, derives)
            };
            let n = ident(&f.rust);
            let t = field_ty(p, f);
            let unsent = if f.location == Location::Nowhere {
                quote!(#[doc = ""] #[doc = " Not sent: the client keeps it for the call's errors and signatures."])
            } else {
                TokenStream::new()
            };
            quote! { #d #unsent #attrs pub #n: #t }
        })
        .collect()
}

/// The function that converts one value of `ty` into a `Param`, when a plain
/// path does (so lists map with `.map(f)`, not the `.map(|v| f(v))` clippy rejects).
/// True when a value of `ty` becomes a request value through `rt::params::ToParam`
/// (scalars, enums, unions); dates, lists and objects have their own forms.
fn is_scalar_param(p: &Provider, ty: &Ty) -> bool {
    match ty {
        Ty::Date(_) | Ty::DateTime(_) | Ty::Binary | Ty::List(_) | Ty::Map(_) | Ty::Item(_) => {
            false
        }
        Ty::Model(i) => !matches!(p.models[*i].kind, ModelKind::Struct(_)),
        _ => true,
    }
}

fn param_fn(p: &Provider, ty: &Ty) -> Option<TokenStream> {
    match ty {
        Ty::Date(_) | Ty::DateTime(_) | Ty::List(_) => None,
        _ if is_scalar_param(p, ty) => Some(quote!(rt::params::ToParam::to_param)),
        _ => Some(quote!(rt::params::Param::json)),
    }
}

/// Converts `access` (an expression of type `&T`) into an `rt::params::Param`.
fn param_expr(p: &Provider, ty: &Ty, style: ListStyle, access: TokenStream) -> TokenStream {
    match ty {
        Ty::Date(i) => {
            let pat = &p.date_patterns[*i];
            quote!(rt::params::Param::Str(rt::codec::format_date(#access, #pat)))
        }
        Ty::DateTime(i) => {
            let f = &p.datetime_formats[*i];
            let pat = &f.pattern;
            match &f.offset {
                Some((_, secs)) => {
                    let secs = Lit::i32_unsuffixed(*secs);
                    quote!(rt::params::Param::Str(rt::codec::format_datetime_at(#access, #pat, #secs)))
                }
                None => quote!(rt::params::Param::Str(rt::codec::format_datetime(#access, #pat))),
            }
        }
        Ty::List(t) => {
            let f = param_fn(p, t).unwrap_or_else(|| {
                let inner = param_expr(p, t, ListStyle::Comma, quote!(v));
                quote!(|v| #inner)
            });
            match style {
                ListStyle::Comma => {
                    quote!(rt::params::Param::Comma(#access.iter().map(#f).collect()))
                }
                ListStyle::Array => {
                    quote!(rt::params::Param::Array(#access.iter().map(#f).collect()))
                }
            }
        }
        _ => match param_fn(p, ty) {
            Some(f) => quote!(#f(#access)),
            None => quote!(rt::params::ToParam::to_param(#access)),
        },
    }
}

fn location(l: Location) -> TokenStream {
    match l {
        Location::Query => quote!(rt::op::Location::Query),
        Location::Body => quote!(rt::op::Location::Body),
        Location::Header => quote!(rt::op::Location::Header),
        Location::Cookie => quote!(rt::op::Location::Cookie),
        Location::Path => quote!(rt::op::Location::Path),
        Location::Nowhere => quote!(rt::op::Location::Nowhere),
    }
}

fn lit(l: &Literal) -> TokenStream {
    match l {
        Literal::Bool(b) => quote!(rt::op::Lit::Bool(#b)),
        Literal::Int(i) => quote!(rt::op::Lit::Int(#i)),
        Literal::Str(s) => quote!(rt::op::Lit::Str(#s)),
    }
}

fn str_path(path: &[String]) -> TokenStream {
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

fn pieces(ps: &[Piece]) -> TokenStream {
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

fn op_ident(e: &Endpoint) -> syn::Ident {
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
fn operations(p: &Provider) -> TokenStream {
    let module = &p.module;
    let eps = &p.endpoints;
    let Some(first) = eps.first() else {
        return TokenStream::new();
    };
    let auth = most_common(eps.iter().map(|e| &e.auth)).unwrap_or(&first.auth);
    let env = most_common(eps.iter().map(|e| &e.envelope)).unwrap_or(&first.envelope);
    let method = *most_common(eps.iter().map(|e| &e.method)).unwrap_or(&first.method);
    let encoding = *most_common(eps.iter().map(|e| &e.encoding)).unwrap_or(&first.encoding);
    let headers = most_common(eps.iter().map(|e| &e.headers)).unwrap_or(&first.headers);
    let idempotent = *most_common(eps.iter().map(|e| &e.idempotent)).unwrap_or(&false);
    let auth_t = auth_tokens(auth);
    let env_t = envelope_tokens(env);
    let (method_t, encoding_t, headers_t) = (
        method_tokens(method),
        encoding_tokens(encoding),
        headers_tokens(headers),
    );
    let mut out = quote! {
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
    };
    for e in eps {
        let id = op_ident(e);
        let name = &e.wire;
        let segs = e.segments.iter().map(|s| match s {
            Segment::Lit(l) => quote!(rt::op::Segment::Lit(#l)),
            Segment::Param(n) => quote!(rt::op::Segment::Param(#n)),
            Segment::Optional(n) => quote!(rt::op::Segment::Optional(#n)),
        });
        let mut fields = vec![quote!(name: #name), quote!(path: &[#(#segs),*])];
        if e.method != method {
            let m = method_tokens(e.method);
            fields.push(quote!(method: #m));
        }
        if e.encoding != encoding {
            let t = encoding_tokens(e.encoding);
            fields.push(quote!(encoding: #t));
        }
        if &e.auth != auth {
            let t = auth_tokens(&e.auth);
            fields.push(quote!(auth: #t));
        }
        if &e.headers != headers {
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
        if &e.envelope != env {
            let t = envelope_diff(&e.envelope, Some(env));
            fields.push(quote!(envelope: #t));
        }
        if e.response == Ty::Binary {
            fields.push(quote!(answer: rt::op::Answer::Binary));
        }
        if e.idempotent != idempotent {
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
        out.extend(quote! {
            #[doc = #doc]
            static #id: rt::op::Operation = rt::op::Operation {
                #(#fields,)*
                ..BASE
            };
        });
    }
    out
}

/// Wire names of the `secret: true` fields reachable from `ty`.
fn secret_fields(
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

impl Endpoint {
    fn method_str(&self) -> &'static str {
        match self.method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

fn markers(p: &Provider) -> TokenStream {
    let mut out = TokenStream::new();
    for (i, pat) in p.date_patterns.iter().enumerate() {
        let m = date_marker(p, i);
        let d = format!(" Dates written `{pat}`.");
        out.extend(quote! {
            #[doc = #d]
            struct #m;
            impl rt::codec::DatePattern for #m {
                const PATTERN: &'static str = #pat;
            }
        });
    }
    out.extend(datetime_markers(p));
    let mut fields: Vec<&Field> = Vec::new();
    for m in &p.models {
        if let ModelKind::Struct(fs) = &m.kind {
            fields.extend(fs);
        }
    }
    for e in &p.endpoints {
        fields.extend(&e.params);
    }
    for f in fields {
        if let Some((name, values)) = &f.none_marker {
            let m = ident(name);
            let d = format!(" Texts that mean \"none\" in `{}`.", f.wire);
            out.extend(quote! {
                #[doc = #d]
                struct #m;
                impl rt::codec::NoneValues for #m {
                    const VALUES: &'static [&'static str] = &[#(#values),*];
                }
            });
        }
    }
    out
}

fn model(p: &Provider, m: &Model, fallback_doc: &str) -> TokenStream {
    let name = ident(&m.name);
    let d = doc_or(m.doc.as_deref(), fallback_doc.to_owned());
    match &m.kind {
        ModelKind::Struct(fields) if m.unknown_fields.is_some() => {
            struct_keeping_unknown(p, m, fields, d)
        }
        ModelKind::Struct(fields) => {
            let fs = struct_fields(p, fields, Derives::Both);
            quote! {
                #d
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(crate = "rt::reexport::serde")]
                pub struct #name {
                    #(#fs,)*
                }
            }
        }
        ModelKind::Enum(variants) => {
            let vs = variants.iter().map(|v| {
                let d = doc_or(v.doc.as_deref(), format!("`{}`", v.wire));
                let n = ident(&v.rust);
                quote!(#d #n)
            });
            let to_str = variants.iter().map(|v| {
                let n = ident(&v.rust);
                let w = &v.wire;
                quote!(Self::#n => #w)
            });
            let from_str = variants.iter().map(|v| {
                let n = ident(&v.rust);
                let w = &v.wire;
                quote!(#w => Self::#n)
            });
            quote! {
                #d
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#vs,)*
                    /// A value this spec does not list, kept as sent.
                    Other(String),
                }

                impl #name {
                    /// The text sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#to_str,)*
                            Self::Other(s) => s,
                        }
                    }
                }

                impl From<&str> for #name {
                    fn from(s: &str) -> Self {
                        match s {
                            #(#from_str,)*
                            other => Self::Other(other.to_owned()),
                        }
                    }
                }

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        s.serialize_str(self.as_str())
                    }
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        rt::codec::decode_text_with(d, |s| Self::from(s))
                    }
                }

                impl rt::params::ToParam for #name {
                    fn to_param(&self) -> rt::params::Param {
                        rt::params::Param::Str(self.as_str().to_owned())
                    }
                }
            }
        }
        ModelKind::Union(alts) => {
            let vs = alts.iter().map(|a| {
                let d = doc_or(a.doc.as_deref(), format!("The `{}` alternative.", a.rust));
                let n = ident(&a.rust);
                let t = rust_ty(p, &a.ty);
                quote!(#d #n(#t))
            });
            let tries = alts.iter().map(|a| {
                let n = ident(&a.rust);
                let c = codec_or_plain(p, &a.ty);
                quote! {
                    if let Ok(v) = raw.decode::<#c, _>() {
                        return Ok(Self::#n(v));
                    }
                }
            });
            let sers = alts.iter().map(|a| {
                let n = ident(&a.rust);
                let c = codec_or_plain(p, &a.ty);
                quote!(Self::#n(v) => rt::codec::encode::<#c, _, _>(v, s))
            });
            let params = alts.iter().map(|a| {
                let n = ident(&a.rust);
                let e = param_expr(p, &a.ty, ListStyle::Comma, quote!(v));
                quote!(Self::#n(v) => #e)
            });
            // `From` for each alternative whose type no other alternative shares,
            // so callers write `Website::from(42)` or pass `"example.com".into()`.
            let froms = alts
                .iter()
                .filter(|a| alts.iter().filter(|b| b.ty == a.ty).count() == 1)
                .map(|a| {
                    let n = ident(&a.rust);
                    let t = rust_ty(p, &a.ty);
                    let from_str = if a.ty == Ty::Str {
                        quote! {
                            impl From<&str> for #name {
                                fn from(v: &str) -> Self {
                                    Self::#n(v.to_owned())
                                }
                            }
                        }
                    } else {
                        TokenStream::new()
                    };
                    quote! {
                        impl From<#t> for #name {
                            fn from(v: #t) -> Self {
                                Self::#n(v)
                            }
                        }
                        #from_str
                    }
                });
            let expected = format!(
                "expected one of: {}",
                alts.iter()
                    .map(|a| a.rust.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            quote! {
                #d
                #[derive(Debug, Clone, PartialEq)]
                pub enum #name {
                    #(#vs,)*
                }

                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        match self {
                            #(#sers,)*
                        }
                    }
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        // The value's text, so every alternative sees every digit.
                        let raw = <rt::codec::RawJson as serde::Deserialize>::deserialize(d)?;
                        #(#tries)*
                        Err(serde::de::Error::custom(#expected))
                    }
                }

                impl rt::params::ToParam for #name {
                    fn to_param(&self) -> rt::params::Param {
                        match self {
                            #(#params,)*
                        }
                    }
                }
                #(#froms)*
            }
        }
    }
}

/// The rustdoc line of a parameter's `default`, if it has one.
fn default_note(f: &Field) -> TokenStream {
    let Some(lit) = &f.default else {
        return TokenStream::new();
    };
    let text = match lit {
        Literal::Str(s) => s.clone(),
        other => other.to_string(),
    };
    let line = format!(" When not set, `{}` is sent.", sanitize(&text));
    quote!(#[doc = ""] #[doc = #line])
}

/// The push of a parameter written as one joined text, or sent with a
/// default when absent; `None` for the other parameters.
fn joined_or_default_push(p: &Provider, f: &Field) -> Option<TokenStream> {
    let n = ident(&f.rust);
    let loc = location(f.location);
    let wire = &f.wire;
    if let (Some(sep), Ty::List(item)) = (&f.join, &f.ty) {
        let conv = param_fn(p, item).unwrap_or_else(|| {
            let inner = param_expr(p, item, ListStyle::Comma, quote!(v));
            quote!(|v| #inner)
        });
        return Some(if f.option {
            quote! {
                if let Some(v) = &self.#n {
                    params.push(#loc, #wire, rt::params::join(Self::OP, #wire, v.iter().map(#conv), #sep)?);
                }
            }
        } else {
            quote! {
                params.push(#loc, #wire, rt::params::join(Self::OP, #wire, self.#n.iter().map(#conv), #sep)?);
            }
        });
    }
    // The default as a value of the parameter's own type (checked by the IR).
    let lit = f.default.as_ref()?;
    let text = match lit {
        Literal::Str(s) => s.clone(),
        other => other.to_string(),
    };
    let value = match (&f.ty, lit) {
        (Ty::Str, _) => quote!(self.#n.as_deref().unwrap_or(#text)),
        (Ty::Int, Literal::Int(i)) => {
            let i = Lit::i64_unsuffixed(*i);
            quote!(&self.#n.unwrap_or(#i))
        }
        (Ty::Dec, Literal::Int(i)) => quote!(&self.#n.unwrap_or(rt::Decimal::from(#i))),
        (Ty::Bool, Literal::Bool(b)) => quote!(&self.#n.unwrap_or(#b)),
        (Ty::Model(i), _) => {
            let m = &p.models[*i];
            let variant = match &m.kind {
                ModelKind::Enum(vs) => vs.iter().find(|v| v.wire == text),
                _ => None,
            }?;
            let (model, variant) = (ident(&m.name), ident(&variant.rust));
            quote!(self.#n.as_ref().unwrap_or(&#model::#variant))
        }
        _ => return None,
    };
    Some(quote!(params.add(#loc, #wire, #value);))
}

/// Markers of the date-time formats: pattern and, when stated, UTC offset.
fn datetime_markers(p: &Provider) -> TokenStream {
    let mut out = TokenStream::new();
    for (i, f) in p.datetime_formats.iter().enumerate() {
        let m = datetime_marker(p, i);
        let pat = &f.pattern;
        let (doc, offset) = match &f.offset {
            Some((text, secs)) => {
                let secs = Lit::i32_unsuffixed(*secs);
                (
                    format!(" Date-times written `{pat}`, at UTC{text}."),
                    quote! {
                        impl rt::codec::FixedOffset for #m {
                            const SECONDS: i32 = #secs;
                        }
                    },
                )
            }
            None => (
                format!(" Date-times written `{pat}`, in no stated zone."),
                TokenStream::new(),
            ),
        };
        out.extend(quote! {
            #[doc = #doc]
            struct #m;
            impl rt::codec::DateTimePattern for #m {
                const PATTERN: &'static str = #pat;
            }
            #offset
        });
    }
    out
}

fn datetime_marker(p: &Provider, i: usize) -> syn::Ident {
    let f = &p.datetime_formats[i];
    let offset = match &f.offset {
        Some((text, _)) => {
            let sign = if text.starts_with('-') {
                "Minus"
            } else {
                "Plus"
            };
            format!("At{sign}{}", text[1..].replace(':', ""))
        }
        None => String::new(),
    };
    ident(&format!(
        "DateTime{}{offset}",
        crate::names::camel_part(&f.pattern)
    ))
}

/// A struct that keeps the fields its spec does not list (`unknown_fields:`):
/// serialized with the kept fields beside the listed ones; deserialized
/// through the runtime, which reads the listed fields with their codecs.
fn struct_keeping_unknown(
    p: &Provider,
    m: &Model,
    fields: &[Field],
    doc: TokenStream,
) -> TokenStream {
    let name = ident(&m.name);
    let other = ident(m.unknown_fields.as_deref().unwrap_or("other"));
    let fs = struct_fields(p, fields, Derives::Both);
    let listed = fields.iter().map(|f| {
        let n = ident(&f.rust);
        let t = field_ty(p, f);
        let attrs = serde_attrs(p, f, Derives::Deserialize);
        quote!(#attrs #n: #t)
    });
    let wires = fields.iter().map(|f| &f.wire);
    let moves = fields.iter().map(|f| {
        let n = ident(&f.rust);
        quote!(#n: listed.#n)
    });
    let listed_doc = format!(" The listed fields of [`{}`].", m.name);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(crate = "rt::reexport::serde")]
        pub struct #name {
            #(#fs,)*
            /// The fields this spec does not list, by wire name, as sent.
            #[serde(flatten)]
            pub #other: std::collections::BTreeMap<String, rt::Json>,
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[doc = #listed_doc]
                #[derive(serde::Deserialize)]
                #[serde(crate = "rt::reexport::serde")]
                struct Listed {
                    #(#listed,)*
                }
                let (listed, #other): (Listed, _) =
                    rt::codec::decode_keeping_unknown(d, &[#(#wires),*])?;
                Ok(#name {
                    #(#moves,)*
                    #other,
                })
            }
        }
    }
}

/// Argument type and conversion for a required parameter or setter.
fn arg(p: &Provider, f: &Field) -> (TokenStream, TokenStream) {
    let n = ident(&f.rust);
    match f.ty {
        Ty::Str => (quote!(impl Into<String>), quote!(#n.into())),
        Ty::Secret => (quote!(impl Into<rt::Secret>), quote!(#n.into())),
        _ => (rust_ty(p, &f.ty), quote!(#n)),
    }
}

/// What the request of `e` checks and pushes: the body of `rt::Request::params`.
fn request_params(p: &Provider, e: &Endpoint) -> TokenStream {
    let mut checks = Vec::new();
    for f in &e.params {
        let n = ident(&f.rust);
        if let Some(max) = f.max_items {
            let max = Lit::usize_unsuffixed(max as usize);
            let msg = format!("`{}` takes at most {max} items, got {{}}", f.wire);
            let len = if f.option {
                quote!(self.#n.as_ref().map_or(0, Vec::len))
            } else {
                quote!(self.#n.len())
            };
            checks.push(quote! {
                if #len > #max {
                    return Err(rt::Error::invalid_request(Self::OP, format!(#msg, #len)));
                }
            });
        }
        for (wire, rust) in &f.requires {
            let r = ident(rust);
            let msg = format!("`{}` may only be given together with `{wire}`", f.wire);
            checks.push(quote! {
                if self.#n.is_some() && self.#r.is_none() {
                    return Err(rt::Error::invalid_request(Self::OP, #msg.to_owned()));
                }
            });
        }
    }
    let pushes = e.params.iter().map(|f| {
        if let Some(push) = joined_or_default_push(p, f) {
            return push;
        }
        let n = ident(&f.rust);
        let loc = location(f.location);
        let wire = &f.wire;
        // Scalars convert through `ToParam`; dates, lists and JSON values need their own form.
        if is_scalar_param(p, &f.ty) {
            return if f.option {
                quote!(params.add_opt(#loc, #wire, self.#n.as_ref());)
            } else {
                quote!(params.add(#loc, #wire, &self.#n);)
            };
        }
        if f.option {
            let conv = param_expr(p, &f.ty, f.style, quote!(v));
            quote! {
                if let Some(v) = &self.#n {
                    params.push(#loc, #wire, #conv);
                }
            }
        } else {
            // Lists are iterated in place; everything else is converted from a reference.
            let access = if matches!(f.ty, Ty::List(_)) {
                quote!(self.#n)
            } else {
                quote!(&self.#n)
            };
            let conv = param_expr(p, &f.ty, f.style, access);
            quote!(params.push(#loc, #wire, #conv);)
        }
    });
    let decl = if e.params.is_empty() {
        quote!(let params = rt::params::Params::new();)
    } else {
        quote!(let mut params = rt::params::Params::new();)
    };
    quote! {
        #(#checks)*
        #decl
        #(#pushes)*
        Ok(params)
    }
}

/// The items of one endpoint: its request type (with the required-arguments
/// struct when there are many) and the setters of its optional parameters.
fn endpoint_items(p: &Provider, e: &Endpoint) -> TokenStream {
    let prefix = &e.type_prefix;
    let request = ident(&format!("{prefix}Request"));
    let op = op_ident(e);
    let ret = rust_ty(p, &e.response);
    let ret_codec = codec_or_plain(p, &e.response);
    let fields = struct_fields(p, &e.params, Derives::Deserialize);
    let request_doc = format!(" Parameters of [`Client::{}`].", e.rust);
    let params = request_params(p, e);

    let required: Vec<&Field> = e.params.iter().filter(|f| !f.may_be_absent).collect();
    let optional: Vec<&Field> = e.params.iter().filter(|f| f.may_be_absent).collect();
    let required_struct = if required.len() > MAX_POSITIONAL {
        let req_struct = ident(&format!("{prefix}Required"));
        let fs: Vec<Field> = required.iter().map(|f| (*f).clone()).collect();
        // A plain argument struct: no serde derive, so no `#[serde]` field attributes.
        let decl = struct_fields(p, &fs, Derives::None);
        let d = format!(" The required parameters of [`Client::{}`].", e.rust);
        quote! {
            #[doc = #d]
            #[derive(Debug, Clone, PartialEq)]
            pub struct #req_struct {
                #(#decl,)*
            }
        }
    } else {
        TokenStream::new()
    };
    let setters = optional.iter().map(|f| {
        let n = ident(&f.rust);
        let d = named_doc(
            f.doc.as_deref(),
            format!("Sets `{}`.", f.wire),
            &f.wire,
            "on the wire",
        );
        let (t, conv) = arg(p, f);
        let note = default_note(f);
        let d = quote!(#d #note);
        quote! {
            #d
            pub fn #n(mut self, #n: #t) -> Self {
                self.request.#n = Some(#conv);
                self
            }
        }
    });
    let setters = if optional.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            impl Call<'_, #request> {
                #(#setters)*
            }
        }
    };
    quote! {
        #[doc = #request_doc]
        #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
        #[serde(crate = "rt::reexport::serde")]
        pub struct #request {
            #(#fields,)*
        }

        impl rt::Request for #request {
            type Output = #ret;
            type Codec = #ret_codec;
            const OP: &'static rt::op::Operation = &#op;

            fn params(&self) -> Result<rt::params::Params, rt::Error> {
                #params
            }
        }

        #required_struct

        #setters
    }
}

/// The `Client` method of one endpoint.
fn endpoint_method(p: &Provider, e: &Endpoint, opts: &Options) -> TokenStream {
    let prefix = &e.type_prefix;
    let request = ident(&format!("{prefix}Request"));
    let method = ident(&e.rust);
    let required: Vec<&Field> = e.params.iter().filter(|f| !f.may_be_absent).collect();
    let optional: Vec<&Field> = e.params.iter().filter(|f| f.may_be_absent).collect();
    // Without a description, the wire line below is the summary (not said twice).
    let method_doc = if e.doc.as_deref().is_some_and(|d| !d.trim().is_empty()) {
        let doc = named_doc(e.doc.as_deref(), String::new(), &e.wire, "in the spec");
        quote!(#doc #[doc = ""])
    } else if !e.wire.is_ascii() {
        let note = format!(" `{}` in the spec.", sanitize(&e.wire));
        quote!(#[doc = #note] #[doc = ""])
    } else {
        TokenStream::new()
    };
    let mut notes = format!(" `{} {}`", e.method_str(), e.path_text);
    if e.moves_money {
        notes.push_str(&match &e.reference {
            Some(r) => format!(
                ". Moves money: never retried; if the answer is lost the call fails with \
                 [`rt::Error::OutcomeUnknown`] carrying `{r}`: look the transaction up by it before trying again."
            ),
            None => ". Moves money: never retried; if the answer is lost the call fails with \
                 [`rt::Error::OutcomeUnknown`]: check the provider's records before trying again."
                .to_owned(),
        });
    } else if !e.idempotent {
        notes.push_str(
            ". Not idempotent: never retried; a lost answer is [`rt::Error::OutcomeUnknown`].",
        );
    } else {
        notes.push_str(". Idempotent: retried on connection failures, 429 and 502-504.");
    }
    let returns = returns_doc(p, &e.response);
    let await_note = if optional.is_empty() {
        format!(" `.await` it for {returns}.")
    } else {
        let names: Vec<String> = optional
            .iter()
            .map(|f| format!("[`{}`](Call::{})", f.rust, f.rust))
            .collect();
        format!(
            " Set optional parameters ({}), then `.await` it for {returns}.",
            names.join(", ")
        )
    };
    let init_optional = optional.iter().map(|f| {
        let n = ident(&f.rust);
        quote!(#n: None)
    });
    let (args, inits) = if required.len() <= MAX_POSITIONAL {
        let args: Vec<TokenStream> = required
            .iter()
            .map(|f| {
                let n = ident(&f.rust);
                let (t, _) = arg(p, f);
                quote!(#n: #t)
            })
            .collect();
        let inits: Vec<TokenStream> = required
            .iter()
            .map(|f| {
                let n = ident(&f.rust);
                match f.ty {
                    Ty::Str | Ty::Secret => quote!(#n: #n.into()),
                    _ => quote!(#n),
                }
            })
            .collect();
        (args, inits)
    } else {
        let req_struct = ident(&format!("{prefix}Required"));
        let inits = required
            .iter()
            .map(|f| {
                let n = ident(&f.rust);
                quote!(#n: required.#n)
            })
            .collect();
        (vec![quote!(required: #req_struct)], inits)
    };
    let example = example_doc(p, e, opts);
    quote! {
        #method_doc
        #[doc = #notes]
        #[doc = ""]
        #[doc = #await_note]
        #example
        pub fn #method(&self, #(#args),*) -> Call<'_, #request> {
            Call::new(self, #request {
                #(#inits,)*
                #(#init_optional,)*
            })
        }
    }
}

/// An example value of `ty` from a documented JSON value, as Rust; `None`
/// when the type has no short literal form (the example is then left out).
fn example_value(
    p: &Provider,
    ty: &Ty,
    v: &serde_json::Value,
    models: &TokenStream,
    into: bool,
) -> Option<TokenStream> {
    use serde_json::Value as V;
    let text = || match v {
        V::String(s) => Some(s.clone()),
        V::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Some(match ty {
        Ty::Str | Ty::Secret => {
            let t = text()?;
            if into {
                quote!(#t.into())
            } else {
                quote!(#t)
            }
        }
        Ty::Int => {
            let i: i64 = text()?.trim().parse().ok()?;
            let l = Lit::i64_unsuffixed(i);
            quote!(#l)
        }
        Ty::Dec => {
            let t = text()?;
            quote!(#t.parse()?)
        }
        Ty::Bool => match v {
            V::Bool(b) => quote!(#b),
            _ => return None,
        },
        Ty::Model(i) => {
            let m = p.models.get(*i)?;
            let ModelKind::Enum(variants) = &m.kind else {
                return None;
            };
            let wire = text()?;
            let var = variants.iter().find(|x| x.wire == wire)?;
            let (name, var) = (ident(&m.name), ident(&var.rust));
            quote!(#models::#name::#var)
        }
        Ty::List(t) => {
            let items = v
                .as_array()?
                .iter()
                .map(|x| example_value(p, t, x, models, true))
                .collect::<Option<Vec<_>>>()?;
            quote!(vec![#(#items),*])
        }
        _ => return None,
    })
}

/// A `no_run` rustdoc example of `e` built from its first documented
/// example, when the spec has one and every value has a short Rust form.
fn example_doc(p: &Provider, e: &Endpoint, opts: &Options) -> Option<TokenStream> {
    let root = opts.doc_path.as_ref()?;
    let request = e.example.as_ref()?;
    let module = ident(&p.module);
    let models = quote!(#root::#module);
    let method = ident(&e.rust);
    let value = |f: &Field, into: bool| -> Option<TokenStream> {
        example_value(p, &f.ty, request.get(&f.wire)?, &models, into)
    };
    let required: Vec<&Field> = e.params.iter().filter(|f| !f.may_be_absent).collect();
    let args = if required.len() <= MAX_POSITIONAL {
        required
            .iter()
            .map(|f| value(f, false))
            .collect::<Option<Vec<_>>>()?
    } else {
        let name = ident(&format!("{}Required", e.type_prefix));
        let fields = required
            .iter()
            .map(|f| {
                let n = ident(&f.rust);
                let v = value(f, true)?;
                Some(quote!(#n: #v))
            })
            .collect::<Option<Vec<_>>>()?;
        vec![quote!(#models::#name { #(#fields),* })]
    };
    let mut setters = Vec::new();
    for f in e.params.iter().filter(|f| f.may_be_absent) {
        if request.get(&f.wire).is_some_and(|v| !v.is_null()) {
            let n = ident(&f.rust);
            let v = value(f, false)?;
            setters.push(quote!(.#n(#v)));
        }
    }
    let example = quote! {
        use #models::Client;

        async fn example(client: Client) -> Result<(), Box<dyn std::error::Error>> {
            let answer = client.#method(#(#args),*)#(#setters)*.await?;
            Ok(())
        }
    };
    let text = format_file(example).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    // `use`, the signature, `Ok(())` and `}` are hidden; the call shows.
    let open = lines.iter().position(|l| l.ends_with('{'))?;
    let close = lines.len().checked_sub(2)?;
    let mut doc = vec![String::new(), " ```no_run".to_owned()];
    for (i, l) in lines.iter().enumerate() {
        if i <= open || i >= close {
            doc.push(format!(" # {l}"));
        } else {
            doc.push(format!(" {}", l.strip_prefix("    ").unwrap_or(l)));
        }
    }
    doc.push(" ```".to_owned());
    Some(quote!(#(#[doc = #doc])*))
}

/// Rustdoc for a field the spec does not describe: its wire name when the Rust
/// name differs, else what it holds (`` `state`, a [`State`]. ``).
fn field_fallback_doc(p: &Provider, f: &Field) -> String {
    if f.rust != f.wire {
        return format!("`{}` on the wire.", f.wire);
    }
    let absent = if f.may_be_absent || f.option {
        " (may be absent)"
    } else {
        ""
    };
    format!("`{}`, {}{absent}.", f.wire, returns_doc(p, &f.ty))
}

/// Rustdoc for the models the spec does not describe: where each appears
/// (the first endpoint returning it, else the first field or parameter of
/// its type), found in one pass over the provider.
fn model_fallback_docs(p: &Provider) -> Vec<String> {
    fn models_in(ty: &Ty) -> Option<usize> {
        match ty {
            Ty::Model(j) => Some(*j),
            Ty::List(t) | Ty::Map(t) | Ty::Item(t) => models_in(t),
            _ => None,
        }
    }
    let mut docs: Vec<Option<String>> = vec![None; p.models.len()];
    let mut note = |ty: &Ty, text: &dyn Fn() -> String| {
        if let Some(slot) = models_in(ty).and_then(|i| docs.get_mut(i)) {
            if slot.is_none() {
                *slot = Some(text());
            }
        }
    };
    for e in &p.endpoints {
        note(&e.response, &|| {
            format!("What [`Client::{}`] returns.", e.rust)
        });
    }
    for parent in &p.models {
        if let ModelKind::Struct(fields) = &parent.kind {
            for f in fields {
                note(&f.ty, &|| {
                    format!("The `{}` of a [`{}`].", f.wire, parent.name)
                });
            }
        }
    }
    for e in &p.endpoints {
        for f in &e.params {
            note(&f.ty, &|| {
                format!("The `{}` parameter of [`Client::{}`].", f.wire, e.rust)
            });
        }
    }
    docs.into_iter()
        .zip(&p.models)
        .map(|(d, m)| d.unwrap_or_else(|| format!("`{}`.", m.name)))
        .collect()
}

/// "a [`Vec`] of [`Product`]"-style text for the awaited type, for rustdoc.
fn returns_doc(p: &Provider, ty: &Ty) -> String {
    match ty {
        Ty::Str => "a `String`".to_owned(),
        Ty::Secret => "an [`rt::Secret`]".to_owned(),
        Ty::Int => "an `i64`".to_owned(),
        Ty::Dec => "an [`rt::Decimal`]".to_owned(),
        Ty::Bool => "a `bool`".to_owned(),
        Ty::Json => "untyped JSON ([`rt::Json`])".to_owned(),
        Ty::Timestamp | Ty::Date(_) => "a date".to_owned(),
        Ty::DateTime(_) => "a date and time".to_owned(),
        Ty::Binary => "the document ([`rt::Binary`]: its bytes and content type)".to_owned(),
        Ty::Model(i) => match p.models.get(*i) {
            Some(m) => format!("a [`{}`]", m.name),
            None => "the payload".to_owned(),
        },
        Ty::List(t) => format!(
            "a list of {}",
            returns_doc(p, t)
                .trim_start_matches("a ")
                .trim_start_matches("an ")
        ),
        Ty::Map(t) => format!(
            "a map of {} by key",
            returns_doc(p, t)
                .trim_start_matches("a ")
                .trim_start_matches("an ")
        ),
        Ty::Item(t) => format!("{} or an item error", returns_doc(p, t)),
    }
}

/// The one call type of a provider module: generic over the request, so that
/// awaiting, blocking and inspecting are written once, not per endpoint.
fn call_type(opts: &Options) -> TokenStream {
    let blocking = match &opts.blocking {
        Blocking::Never => TokenStream::new(),
        Blocking::Always => quote! {
            /// Sends the request and waits for the answer, without async.
            pub fn send_blocking(self) -> Result<R::Output, rt::Error> {
                self.client.core.send_blocking(self.request)
            }
        },
        Blocking::Feature(feature) => {
            let doc = format!(
                " Sends the request and waits for the answer, without async (feature `{feature}`)."
            );
            quote! {
                #[cfg(feature = #feature)]
                #[doc = #doc]
                pub fn send_blocking(self) -> Result<R::Output, rt::Error> {
                    self.client.core.send_blocking(self.request)
                }
            }
        }
    };
    quote! {
        /// A prepared call of one endpoint: set its optional parameters, then
        /// `.await` it.
        #[derive(Debug)]
        #[must_use = "a call does nothing until it is awaited"]
        pub struct Call<'a, R> {
            client: &'a Client,
            request: R,
        }

        impl<'a, R: rt::Request> Call<'a, R> {
            fn new(client: &'a Client, request: R) -> Self {
                Call { client, request }
            }

            /// The request as it stands.
            pub fn request(&self) -> &R {
                &self.request
            }

            /// Sends the request.
            pub async fn send(self) -> Result<R::Output, rt::Error> {
                self.client.core.send(self.request).await
            }

            #blocking
        }

        impl<'a, R: rt::Request> std::future::IntoFuture for Call<'a, R> {
            type Output = Result<R::Output, rt::Error>;
            type IntoFuture = rt::CallFuture<'a, R::Output>;

            fn into_future(self) -> Self::IntoFuture {
                self.client.core.send_boxed(self.request)
            }
        }
    }
}

fn client(p: &Provider, opts: &Options) -> TokenStream {
    let module = &p.module;
    let cred_names = p.credentials.iter().map(|c| &c.wire);
    let has_envs = !p.environments.is_empty();
    let default_url = match p.default_environment.and_then(|i| p.environments.get(i)) {
        Some(e) => {
            let v = ident(&e.rust);
            quote!(Some(Environment::#v.base_url()))
        }
        None => quote!(None),
    };
    let mut env_items = TokenStream::new();
    let mut env_setter = TokenStream::new();
    if has_envs {
        let vs = p.environments.iter().enumerate().map(|(i, e)| {
            let n = ident(&e.rust);
            let d = format!(" `{}`: <{}>", e.wire, e.url);
            let default = if p.default_environment == Some(i) {
                quote!(#[default])
            } else {
                quote!()
            };
            quote!(#[doc = #d] #default #n)
        });
        let urls = p.environments.iter().map(|e| {
            let n = ident(&e.rust);
            let u = &e.url;
            quote!(Self::#n => #u)
        });
        let derive_default = if p.default_environment.is_some() {
            quote!(Default,)
        } else {
            quote!()
        };
        env_items = quote! {
            /// The provider's named hosts.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #derive_default)]
            pub enum Environment {
                #(#vs,)*
            }

            impl Environment {
                /// The base URL of this environment.
                pub fn base_url(self) -> &'static str {
                    match self {
                        #(#urls,)*
                    }
                }
            }
        };
        env_setter = quote! {
            /// Calls this environment's host.
            pub fn environment(mut self, environment: Environment) -> Self {
                self.core.base_url(environment.base_url());
                self
            }
        };
    }
    let setters = p.credentials.iter().enumerate().map(|(i, c)| {
        let i = Lit::usize_unsuffixed(i);
        let n = ident(&c.rust);
        let d = doc_or(c.doc.as_deref(), format!("The `{}` credential.", c.wire));
        quote! {
            #d
            #[doc = ""]
            #[doc = " Kept in an [`rt::Secret`]: never printed, redacted from errors."]
            pub fn #n(mut self, #n: impl Into<rt::Secret>) -> Self {
                self.core.credential(#i, #n.into());
                self
            }
        }
    });
    let base_doc = match (&p.base_url_doc, p.default_environment.is_some()) {
        (Some(d), _) => format!(" Calls this base URL: {}", sanitize(d)),
        (None, true) => " Calls this base URL instead of the default environment (tests point it at a local server).".to_owned(),
        (None, false) => " The base URL to call (required: this provider has no default host).".to_owned(),
    };
    let client_doc = format!(
        " Client for {}. Build one with [`Client::builder`]; it is cheap to clone and share.",
        sanitize(&p.name)
    );
    let arms = p.endpoints.iter().map(|e| {
        let w = &e.wire;
        let req = ident(&format!("{}Request", e.type_prefix));
        quote!(#w => rt::dynamic::call::<#req>,)
    });
    let methods = p.endpoints.iter().map(|e| endpoint_method(p, e, opts));
    let call = call_type(opts);
    let (callbacks_accessor, callbacks_json) = callbacks_client(p);
    quote! {
        const CREDENTIAL_NAMES: &[&str] = &[#(#cred_names),*];

        #env_items

        /// Builder for [`Client`], from [`Client::builder`].
        #[derive(Debug)]
        #[must_use = "call `.build()` to get a client"]
        pub struct ClientBuilder {
            core: rt::CoreBuilder,
        }

        impl ClientBuilder {
            #(#setters)*

            #env_setter

            #[doc = #base_doc]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.core.base_url(url);
                self
            }

            /// Total time for each request sent, from connecting to the end of the
            /// body (default 30 s), whatever HTTP client is used.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.core.timeout(timeout);
                self
            }

            /// Time to establish a connection (default 10 s).
            pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.core.connect_timeout(timeout);
                self
            }

            /// Builds the HTTP client from your own `reqwest::ClientBuilder` (proxies,
            /// TLS roots, pool settings). Its redirect policy, `Referer` setting and
            /// connect timeout are replaced by this client's: redirects are decided
            /// per call (never followed by calls that are not idempotent, never to
            /// another origin), and the timeouts above always apply.
            pub fn http_client_builder(mut self, builder: rt::reexport::reqwest::ClientBuilder) -> Self {
                self.core.http_client_builder(builder);
                self
            }

            /// Largest response body read (default 4 MiB).
            pub fn max_body_bytes(mut self, limit: usize) -> Self {
                self.core.max_body_bytes(limit);
                self
            }

            /// Retry policy for idempotent calls; `RetryPolicy::NONE` switches retries off.
            pub fn retry(mut self, policy: rt::client::RetryPolicy) -> Self {
                self.core.retry(policy);
                self
            }

            /// Adds hooks, called around every request this client sends (metrics,
            /// logging, request ids): a type implementing [`rt::hooks::Hooks`], or a
            /// closure through [`rt::hooks::before`] or [`rt::hooks::after`]. Hooks
            /// run in the order they were added, never see a secret, and one that
            /// panics is reported through `tracing` while the call goes on.
            pub fn hooks(mut self, hooks: impl rt::hooks::Hooks) -> Self {
                self.core.hooks(hooks);
                self
            }

            /// Checks the settings and builds the client.
            pub fn build(self) -> Result<Client, rt::BuildError> {
                Ok(Client { core: self.core.build()? })
            }
        }

        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            core: rt::Core,
        }

        impl Client {
            /// Starts building a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    core: rt::CoreBuilder::new(#module, CREDENTIAL_NAMES, #default_url, #has_envs),
                }
            }

            /// The base URL this client calls.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// Calls an endpoint by its spec name with parameters as JSON (wire names),
            /// and returns the payload as JSON. For tools and generic tests; the typed
            /// methods are the API.
            pub async fn call_json(&self, endpoint: &str, params: rt::Json) -> Result<rt::Json, rt::dynamic::DynError> {
                rt::dynamic::JsonClient::call(self, endpoint, params).await
            }

            #(#methods)*

            #callbacks_accessor
        }

        impl rt::dynamic::JsonClient for Client {
            fn call<'a>(&'a self, endpoint: &'a str, params: rt::Json) -> rt::dynamic::BoxFuture<'a> {
                let call: rt::dynamic::CallFn = match endpoint {
                    #(#arms)*
                    _ => {
                        let unknown = rt::dynamic::DynError::UnknownEndpoint(endpoint.to_owned());
                        return Box::pin(std::future::ready(Err(unknown)));
                    }
                };
                call(&self.core, params)
            }

            #callbacks_json
        }

        #call

        /// Builds a [`Client`] behind the provider-neutral [`rt::dynamic::JsonClient`] interface.
        ///
        /// Credentials are given by their spec names; settings as one value.
        pub fn connect_json(
            base_url: &str,
            credentials: &std::collections::BTreeMap<String, String>,
            settings: &rt::client::Settings,
        ) -> Result<Box<dyn rt::dynamic::JsonClient>, rt::BuildError> {
            let mut core = rt::CoreBuilder::new(#module, CREDENTIAL_NAMES, None, #has_envs);
            core.base_url(base_url);
            core.settings(settings);
            core.credentials_by_name(credentials);
            Ok(Box::new(Client { core: core.build()? }))
        }
    }
}

fn algorithm_tokens(a: Algorithm) -> TokenStream {
    match a {
        Algorithm::Md5 => quote!(rt::op::Algorithm::Md5),
        Algorithm::Sha1 => quote!(rt::op::Algorithm::Sha1),
        Algorithm::Sha256 => quote!(rt::op::Algorithm::Sha256),
        Algorithm::HmacSha1 => quote!(rt::op::Algorithm::HmacSha1),
        Algorithm::HmacSha256 => quote!(rt::op::Algorithm::HmacSha256),
    }
}

fn output_tokens(o: DigestOutput) -> TokenStream {
    match o {
        DigestOutput::Hex => quote!(rt::op::DigestOutput::Hex),
        DigestOutput::HexUpper => quote!(rt::op::DigestOutput::HexUpper),
        DigestOutput::Base64 => quote!(rt::op::DigestOutput::Base64),
    }
}

fn callback_static(c: &Callback) -> syn::Ident {
    ident(&format!(
        "CB_{}",
        heck::ToShoutySnakeCase::to_shouty_snake_case(c.rust.trim_end_matches('_'))
    ))
}

/// A template written back as the spec writes it (`{username}{api_key}{ref_id}`).
fn template_text(p: &Provider, pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Lit(s) => s.replace('{', "{{").replace('}', "}}"),
            Piece::Credential(i) => {
                format!(
                    "{{{}}}",
                    p.credentials.get(*i).map_or("", |c| c.wire.as_str())
                )
            }
            Piece::Field(f) => format!("{{{f}}}"),
        })
        .collect()
}

/// What the rustdoc of a callback says about its signature, line by line.
fn callback_signature_doc(p: &Provider, c: &Callback) -> Vec<String> {
    let alg = c.algorithm.as_str();
    let keyed = if c.key.is_empty() {
        String::new()
    } else {
        format!(" keyed with `{}`", template_text(p, &c.key))
    };
    let what = match &c.signed {
        Signed::Template(t) => format!("`{alg}` of `{}`{keyed}", template_text(p, t)),
        Signed::Body => format!("`{alg}` of the raw body{keyed}"),
    };
    let place = match &c.carried {
        Carried::Field(f) => format!("the payload field `{f}`"),
        Carried::Header(h) => format!("the header `{h}`"),
    };
    let prefix = if c.prefix.is_empty() {
        String::new()
    } else {
        format!(", after `{}`", c.prefix)
    };
    let mut doc = vec![format!(" Signed: {what}, in {place}{prefix}.")];
    if let Signed::Template(t) = &c.signed {
        let fields: Vec<String> = t
            .iter()
            .filter_map(|piece| match piece {
                Piece::Field(f) => Some(format!("`{f}`")),
                _ => None,
            })
            .collect();
        doc.push(if fields.is_empty() {
            " The signature covers none of the payload's fields.".to_owned()
        } else {
            format!(
                " The signature covers only these payload fields: {}.",
                fields.join(", ")
            )
        });
    }
    doc
}

/// `Client::callbacks` and the JSON interface's `callback`, when the provider has callbacks.
fn callbacks_client(p: &Provider) -> (TokenStream, TokenStream) {
    if p.callbacks.is_empty() {
        return (TokenStream::new(), TokenStream::new());
    }
    let accessor = quote! {
        /// Verifies and decodes the notifications the provider sends to you
        /// (callbacks), with this client's credentials.
        pub fn callbacks(&self) -> Callbacks<'_> {
            Callbacks {
                verifier: rt::callback::Verifier::new(&self.core),
            }
        }
    };
    let arms = p.callbacks.iter().map(|c| {
        let w = &c.wire;
        let m = ident(&c.rust);
        let st = callback_static(c);
        quote!(#w => rt::dynamic::callback_payload(&#st, callbacks.#m(headers, body)),)
    });
    let json = quote! {
        fn callback(&self, name: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<rt::Json, rt::dynamic::DynError> {
            let callbacks = self.callbacks();
            match name {
                #(#arms)*
                _ => Err(rt::dynamic::DynError::UnknownCallback(name.to_owned())),
            }
        }
    };
    (accessor, json)
}

/// The `Callbacks` type (one verifier method per callback) and the static
/// description of each callback.
fn callbacks(p: &Provider) -> TokenStream {
    if p.callbacks.is_empty() {
        return TokenStream::new();
    }
    let module = &p.module;
    let doc = format!(
        " The notifications {} sends to you, verified with a [`Client`]'s credentials: from [`Client::callbacks`].",
        sanitize(&p.name)
    );
    let methods = p.callbacks.iter().map(|c| {
        let m = ident(&c.rust);
        let st = callback_static(c);
        let ret = rust_ty(p, &c.ty);
        let codec = codec_or_plain(p, &c.ty);
        let described = named_doc(c.doc.as_deref(), format!("Verifies and decodes a `{}` notification.", c.wire), &c.wire, "in the spec");
        let signature = callback_signature_doc(p, c);
        let payload = if c.payload.is_empty() {
            format!(" Returns the whole JSON body as {}.", returns_doc(p, &c.ty))
        } else {
            format!(" Returns {}, read from `{}` of the JSON body.", returns_doc(p, &c.ty), c.payload.join("."))
        };
        quote! {
            #described
            #[doc = ""]
            #(#[doc = #signature])*
            #[doc = #payload]
            #[doc = ""]
            /// Give the request's headers (an `http::HeaderMap`, or name/value
            /// pairs) and its raw body. The signature is checked, in constant
            /// time, before anything is decoded: a missing, wrong or altered one,
            /// a body over the limit and a body that is not JSON are refused
            /// with distinct [`rt::CallbackError`] variants.
            pub fn #m(&self, headers: &(impl rt::callback::Headers + ?Sized), body: &[u8]) -> Result<#ret, rt::CallbackError> {
                self.verifier.verify::<#codec, _>(&#st, headers, body)
            }
        }
    });
    let statics = p.callbacks.iter().map(|c| {
        let st = callback_static(c);
        let name = &c.wire;
        let payload = str_path(&c.payload);
        let alg = algorithm_tokens(c.algorithm);
        let signed = match &c.signed {
            Signed::Template(t) => {
                let t = pieces(t);
                quote!(rt::callback::Signed::Template(#t))
            }
            Signed::Body => quote!(rt::callback::Signed::Body),
        };
        let key = pieces(&c.key);
        let output = output_tokens(c.output);
        let carried = match &c.carried {
            Carried::Field(f) => quote!(rt::callback::Carried::Field(#f)),
            Carried::Header(h) => quote!(rt::callback::Carried::Header(#h)),
        };
        let prefix = &c.prefix;
        let mut secrets = std::collections::BTreeSet::new();
        secret_fields(p, &c.ty, &mut secrets, &mut Vec::new());
        let secrets = secrets.iter();
        let d = format!(" The `{}` callback.", c.wire);
        quote! {
            #[doc = #d]
            static #st: rt::callback::Callback = rt::callback::Callback {
                provider: #module,
                name: #name,
                payload: #payload,
                algorithm: #alg,
                signed: #signed,
                key: #key,
                output: #output,
                carried: #carried,
                prefix: #prefix,
                secret_fields: &[#(#secrets),*],
            };
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct Callbacks<'a> {
            verifier: rt::callback::Verifier<'a>,
        }

        impl Callbacks<'_> {
            /// Largest body accepted (default 64 KiB); a larger one is refused,
            /// before it is parsed, with [`rt::CallbackError::TooLarge`].
            pub fn max_body_bytes(mut self, limit: usize) -> Self {
                self.verifier = self.verifier.max_body_bytes(limit);
                self
            }

            #(#methods)*
        }

        #(#statics)*
    }
}

/// Whether calls get a `send_blocking` method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocking {
    /// No blocking calls (the runtime's `blocking` feature is not needed).
    Never,
    /// Always (the runtime dependency must enable its `blocking` feature).
    Always,
    /// Behind a cargo feature of this name of the crate that includes the
    /// code; the feature must enable the runtime's `blocking` feature.
    Feature(String),
}

/// How generated code refers to what surrounds it.
#[derive(Clone)]
pub struct Options {
    /// The runtime crate's path in generated code (`::providers_runtime`, or a
    /// re-export such as `crate::rt`).
    pub runtime: syn::Path,
    /// Whether calls get `send_blocking`.
    pub blocking: Blocking,
    /// The path that reaches the provider modules from outside the crate
    /// (`providers` when they sit at the root of the crate `providers`):
    /// with it, each method's rustdoc gets a `no_run` example built from the
    /// spec's first example.
    pub doc_path: Option<syn::Path>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let runtime = &self.runtime;
        f.debug_struct("Options")
            .field("runtime", &quote!(#runtime).to_string())
            .field("blocking", &self.blocking)
            .field(
                "doc_path",
                &self.doc_path.as_ref().map(|d| quote!(#d).to_string()),
            )
            .finish()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime: syn::parse_quote!(::providers_runtime),
            blocking: Blocking::Never,
            doc_path: None,
        }
    }
}

/// The module body of one provider, as formatted Rust source.
pub fn provider_source(p: &Provider, opts: &Options) -> Result<String, String> {
    let runtime = &opts.runtime;
    let header = format!(
        "// @generated by codegen from the `{}` spec: edit the spec, not this file.\n",
        p.module
    );
    // serde through the runtime: the crate that includes this needs no other dependency.
    let uses = format_file(quote! {
        use #runtime as rt;
        use rt::reexport::serde;
    })?;
    let mut out = header + &uses;
    // One piece at a time: each is parsed, formatted and dropped before the
    // next is built, so the whole module's tokens and syntax tree never exist
    // at once (at 10,000 endpoints they took gigabytes).
    let mut piece = |tokens: TokenStream| -> Result<(), String> {
        let text = format(tokens)?;
        if !text.is_empty() {
            out.push('\n');
            out.push_str(&text);
        }
        Ok(())
    };
    piece(client(p, opts))?;
    for e in &p.endpoints {
        piece(endpoint_items(p, e))?;
    }
    for (m, fallback) in p.models.iter().zip(model_fallback_docs(p)) {
        piece(model(p, m, &fallback))?;
    }
    piece(markers(p))?;
    piece(operations(p))?;
    piece(callbacks(p))?;
    Ok(out)
}

/// Module docs for the index.
fn module_doc(p: &Provider) -> String {
    let mut s = format!("{}\n", sanitize(&p.name));
    if let Some(d) = &p.doc {
        s.push('\n');
        s.push_str(sanitize(d).trim_end());
        s.push('\n');
    }
    if let Some(u) = &p.docs_url {
        s.push_str(&format!("\nProvider documentation: <{u}>\n"));
    }
    s.push_str(&format!(
        "\nGenerated from `specs/{}.yaml`: edit the spec, not this code.\n",
        p.module
    ));
    s
}

/// The index that includes every provider module from `OUT_DIR`, and the registry.
pub fn index_source(providers: &[Provider], opts: &Options) -> Result<String, String> {
    let runtime = &opts.runtime;
    let mods = providers.iter().map(|p| {
        let m = ident(&p.module);
        let d = docs(Some(&module_doc(p)));
        // Relative to this file, wherever it was written.
        let file = format!("{}.rs", p.module);
        quote! {
            #d
            pub mod #m {
                include!(#file);
            }
        }
    });
    let entries = providers.iter().map(|p| {
        let m = ident(&p.module);
        let name = &p.module;
        let title = &p.name;
        let creds = p.credentials.iter().map(|c| &c.wire);
        quote! {
            #runtime::dynamic::ProviderEntry {
                module: #name,
                name: #title,
                credentials: &[#(#creds),*],
                connect: #m::connect_json,
            }
        }
    });
    let count = Lit::usize_unsuffixed(providers.len());
    format(quote! {
        #(#mods)*

        /// Every provider in this crate, for tools that work across providers.
        pub static PROVIDERS: [#runtime::dynamic::ProviderEntry; #count] = [#(#entries),*];
    })
}

/// Formats items, with a blank line between top-level items.
fn format(tokens: TokenStream) -> Result<String, String> {
    let file = parse(tokens)?;
    let texts: Vec<String> = file
        .items
        .into_iter()
        .map(|item| {
            prettyplease::unparse(&syn::File {
                shebang: None,
                attrs: Vec::new(),
                items: vec![item],
            })
        })
        .collect();
    Ok(texts.join("\n"))
}

/// Formats items as one block (no blank lines between them).
fn format_file(tokens: TokenStream) -> Result<String, String> {
    Ok(prettyplease::unparse(&parse(tokens)?))
}

fn parse(tokens: TokenStream) -> Result<syn::File, String> {
    // Keep a copy of the tokens only when someone asked to see failures.
    let debug = std::env::var_os("CODEGEN_DEBUG_DIR").map(|d| (d, tokens.clone()));
    syn::parse2(tokens).map_err(|e| {
        if let Some((dir, tokens)) = &debug {
            let _ = std::fs::write(
                std::path::Path::new(dir).join("failed.rs"),
                tokens.to_string(),
            );
        }
        format!("generated code does not parse: {e}")
    })
}

#[cfg(test)]
mod tests {
    /// List parameters map each item with the conversion function itself when
    /// it takes the item as is, and keep a closure when it does more.
    #[test]
    fn list_items_map_without_redundant_closures() {
        let spec = r#"
provider: { name: Lists }
base_url: { environments: { live: "https://api.example.com" }, default: live }
models:
  Item: { fields: { a: { type: integer } } }
endpoints:
  batch:
    description: Lists of several element types.
    method: POST
    path: /batch
    params:
      ids: { type: "list<integer>" }
      names: { type: "list<string>", style: array }
      items: { type: "list<Item>", optional: true }
      days: { type: "list<date>", format: yyyy-mm-dd, optional: true }
"#;
        let source = crate::generate_str(std::path::Path::new("lists.yaml"), spec)
            .unwrap_or_else(|d| panic!("{d:?}"));
        let flat: String = source.split_whitespace().collect();
        assert!(
            flat.contains("self.ids.iter().map(rt::params::ToParam::to_param).collect()"),
            "{source}"
        );
        assert!(
            flat.contains("self.names.iter().map(rt::params::ToParam::to_param).collect()"),
            "{source}"
        );
        assert!(
            flat.contains("v.iter().map(rt::params::Param::json).collect()"),
            "{source}"
        );
        assert!(flat.contains(".map(|v|rt::params::Param::Str("), "{source}");
        assert!(
            !flat.contains("|v|rt::params::ToParam::to_param(v)"),
            "{source}"
        );
    }

    /// More than `MAX_POSITIONAL` required parameters go in a `...Required`
    /// struct: a plain argument struct, which must not carry `#[serde]`
    /// attributes (it derives no serde traits, so they would not compile).
    #[test]
    fn required_structs_carry_no_serde_attributes() {
        let spec = r#"
provider: { name: Many }
base_url: { environments: { live: "https://api.example.com" }, default: live }
endpoints:
  create:
    description: Five required parameters.
    method: POST
    path: /create
    params:
      a: { type: integer }
      b: { type: decimal }
      c: { type: string }
      d: { type: date, format: dd/mm/yyyy }
      e: { type: bool }
"#;
        let source = crate::generate_str(std::path::Path::new("many.yaml"), spec)
            .unwrap_or_else(|d| panic!("{d:?}"));
        let file: syn::File = syn::parse_str(&source).expect("generated code parses");
        let required = file
            .items
            .iter()
            .find_map(|i| match i {
                syn::Item::Struct(s) if s.ident == "CreateRequired" => Some(s),
                _ => None,
            })
            .expect("a CreateRequired struct");
        assert_eq!(required.fields.len(), 5);
        for f in &required.fields {
            assert!(
                !f.attrs.iter().any(|a| a.path().is_ident("serde")),
                "field {:?} has a serde attribute",
                f.ident
            );
        }
        // The request struct, which does derive serde, keeps its codecs.
        let request = file
            .items
            .iter()
            .find_map(|i| match i {
                syn::Item::Struct(s) if s.ident == "CreateRequest" => Some(s),
                _ => None,
            })
            .expect("a CreateRequest struct");
        assert!(request
            .fields
            .iter()
            .all(|f| f.attrs.iter().any(|a| a.path().is_ident("serde"))));
    }
}

#[cfg(test)]
mod sanitize_tests {
    use super::sanitize;

    #[test]
    fn spec_text_is_safe_for_rustdoc() {
        assert_eq!(
            sanitize("Array ( [status] => Success ) <b>, see https://x.io/a. Keep `a[0] <b>`"),
            "Array ( \\[status\\] =&gt; Success ) &lt;b&gt;, see <https://x.io/a>. Keep `a[0] <b>`"
        );
        assert_eq!(sanitize("a\\b\nline two"), "a\\\\b\nline two");
    }
}
