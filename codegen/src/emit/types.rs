//! Rust types of IR types, the codecs that carry them on the wire, and their serde attributes.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::model::datetime_marker;
use crate::ir::{Field, Provider, Ty};

/// Rust type of a resolved type.
pub(super) fn rust_ty(p: &Provider, ty: &Ty) -> TokenStream {
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

pub(super) fn field_ty(p: &Provider, f: &Field) -> TokenStream {
    let t = rust_ty(p, &f.ty);
    if f.option {
        quote!(Option<#t>)
    } else {
        t
    }
}

pub(super) fn date_marker(p: &Provider, i: usize) -> syn::Ident {
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

pub(super) fn codec_or_plain(p: &Provider, ty: &Ty) -> TokenStream {
    codec(p, ty).unwrap_or(quote!(rt::codec::Plain))
}

/// serde attributes of a field.
/// Which serde derives a struct has, so its field attributes say no more than they need.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Derives {
    /// None (a plain argument struct).
    None,
    /// `Deserialize` only (request types: the JSON interface reads them).
    Deserialize,
    /// Both (models: payloads are also written, e.g. as JSON by tools).
    Both,
}

pub(super) fn serde_attrs(p: &Provider, f: &Field, derives: Derives) -> TokenStream {
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
