//! Per endpoint: the request items, how each parameter is sent, and the client method.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::docs::{default_note, example_doc, named_doc, returns_doc, sanitize};
use super::model::{joined_or_default_push, struct_fields};
use super::ops::op_ident;
use super::types::{codec_or_plain, rust_ty, Derives};
use super::{ident, Options};
use crate::ir::{
    Endpoint, Field, ListStyle, Location, Method, ModelKind, Provider, Ty, MAX_POSITIONAL,
};

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

pub(super) fn param_fn(p: &Provider, ty: &Ty) -> Option<TokenStream> {
    match ty {
        Ty::Date(_) | Ty::DateTime(_) | Ty::List(_) => None,
        _ if is_scalar_param(p, ty) => Some(quote!(rt::params::ToParam::to_param)),
        _ => Some(quote!(rt::params::Param::json)),
    }
}

/// Converts `access` (an expression of type `&T`) into an `rt::params::Param`.
pub(super) fn param_expr(
    p: &Provider,
    ty: &Ty,
    style: ListStyle,
    access: TokenStream,
) -> TokenStream {
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

pub(super) fn location(l: Location) -> TokenStream {
    match l {
        Location::Query => quote!(rt::op::Location::Query),
        Location::Body => quote!(rt::op::Location::Body),
        Location::Header => quote!(rt::op::Location::Header),
        Location::Cookie => quote!(rt::op::Location::Cookie),
        Location::Path => quote!(rt::op::Location::Path),
        Location::Nowhere => quote!(rt::op::Location::Nowhere),
    }
}

impl Endpoint {
    pub(super) fn method_str(&self) -> &'static str {
        match self.method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
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
pub(super) fn endpoint_items(p: &Provider, e: &Endpoint) -> TokenStream {
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
pub(super) fn endpoint_method(p: &Provider, e: &Endpoint, opts: &Options) -> TokenStream {
    let prefix = &e.type_prefix;
    let request = ident(&format!("{prefix}Request"));
    let method = ident(&e.rust);
    let required: Vec<&Field> = e.params.iter().filter(|f| !f.may_be_absent).collect();
    let optional: Vec<&Field> = e.params.iter().filter(|f| f.may_be_absent).collect();
    let method_doc = method_doc(e);
    let notes = call_notes(e);
    let await_note = await_note(p, e, &optional);
    let init_optional = optional.iter().map(|f| {
        let n = ident(&f.rust);
        quote!(#n: None)
    });
    let (args, inits) = arguments(p, e, &required);
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

/// The method's description; without one, the wire line is the summary (not said twice).
fn method_doc(e: &Endpoint) -> TokenStream {
    if e.doc.as_deref().is_some_and(|d| !d.trim().is_empty()) {
        let doc = named_doc(e.doc.as_deref(), String::new(), &e.wire, "in the spec");
        quote!(#doc #[doc = ""])
    } else if !e.wire.is_ascii() {
        let note = format!(" `{}` in the spec.", sanitize(&e.wire));
        quote!(#[doc = #note] #[doc = ""])
    } else {
        TokenStream::new()
    }
}

/// The wire line (`GET /path`) and what a failure means for retrying.
fn call_notes(e: &Endpoint) -> String {
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
    notes
}

/// How to finish the call: optional setters, then `.await` for what it returns.
fn await_note(p: &Provider, e: &Endpoint, optional: &[&Field]) -> String {
    let returns = returns_doc(p, &e.response);
    if optional.is_empty() {
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
    }
}

/// The required parameters as arguments (or one `...Required` struct past
/// [`MAX_POSITIONAL`]), and the request fields they initialise.
fn arguments(
    p: &Provider,
    e: &Endpoint,
    required: &[&Field],
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let prefix = &e.type_prefix;
    if required.len() <= MAX_POSITIONAL {
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
    }
}
