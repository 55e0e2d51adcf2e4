//! Callbacks: the `Callbacks` verifier, its statics and signature docs.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{named_doc, returns_doc, sanitize};
use super::ident;
use super::ops::{pieces, secret_fields, str_path};
use super::types::{codec_or_plain, rust_ty};
use crate::ir::{Algorithm, Callback, Carried, DigestOutput, Piece, Provider, Signed};

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
pub(super) fn callbacks_client(p: &Provider) -> (TokenStream, TokenStream) {
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
pub(super) fn callbacks(p: &Provider) -> TokenStream {
    if p.callbacks.is_empty() {
        return TokenStream::new();
    }
    let module = &p.module;
    let doc = format!(
        " The notifications {} sends to you, verified with a [`Client`]'s credentials: from [`Client::callbacks`].",
        sanitize(&p.name)
    );
    let methods = p.callbacks.iter().map(|c| verify_method(p, c));
    let statics = p.callbacks.iter().map(|c| callback_item(p, module, c));
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

/// The `Callbacks` method that verifies and decodes one callback.
fn verify_method(p: &Provider, c: &Callback) -> TokenStream {
    let m = ident(&c.rust);
    let st = callback_static(c);
    let ret = rust_ty(p, &c.ty);
    let codec = codec_or_plain(p, &c.ty);
    let described = named_doc(
        c.doc.as_deref(),
        format!("Verifies and decodes a `{}` notification.", c.wire),
        &c.wire,
        "in the spec",
    );
    let signature = callback_signature_doc(p, c);
    let payload = if c.payload.is_empty() {
        format!(" Returns the whole JSON body as {}.", returns_doc(p, &c.ty))
    } else {
        format!(
            " Returns {}, read from `{}` of the JSON body.",
            returns_doc(p, &c.ty),
            c.payload.join(".")
        )
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
}

/// The `static` description of one callback the runtime's verifier reads.
fn callback_item(p: &Provider, module: &str, c: &Callback) -> TokenStream {
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
}
