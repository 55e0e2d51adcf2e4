//! Models: structs, enums, unions, their format markers and unknown-field keeping.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::docs::{doc_or, field_fallback_doc, named_doc};
use super::endpoint::{location, param_expr, param_fn};
use super::ident;
use super::types::{codec_or_plain, date_marker, field_ty, rust_ty, serde_attrs, Derives};
use crate::ir::{Alternative, Field, ListStyle, Location, Model, ModelKind, Provider, Ty, Variant};
use crate::spec::Literal;

/// Struct fields; `serde` adds the wire attributes (for types that derive serde).
pub(super) fn struct_fields(p: &Provider, fields: &[Field], derives: Derives) -> Vec<TokenStream> {
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

pub(super) fn markers(p: &Provider) -> TokenStream {
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

/// One model: a struct (keeping unknown fields or not), an enum or a union.
pub(super) fn model(p: &Provider, m: &Model, fallback_doc: &str) -> TokenStream {
    let name = ident(&m.name);
    let d = doc_or(m.doc.as_deref(), fallback_doc.to_owned());
    match &m.kind {
        ModelKind::Struct(fields) if m.unknown_fields.is_some() => {
            struct_keeping_unknown(p, m, fields, d)
        }
        ModelKind::Struct(fields) => plain_struct(p, &name, fields, d),
        ModelKind::Enum(variants) => enum_model(&name, variants, d),
        ModelKind::Union(alts) => union_model(p, &name, alts, d),
    }
}

/// A struct with serde's derives.
fn plain_struct(p: &Provider, name: &syn::Ident, fields: &[Field], d: TokenStream) -> TokenStream {
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

/// An enum of texts: the listed variants and `Other` for the rest, as text
/// both ways, and as a parameter.
fn enum_model(name: &syn::Ident, variants: &[Variant], d: TokenStream) -> TokenStream {
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

/// A union: the first alternative that decodes wins; `From` for the
/// alternatives whose types are distinct.
fn union_model(
    p: &Provider,
    name: &syn::Ident,
    alts: &[Alternative],
    d: TokenStream,
) -> TokenStream {
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
    let froms = union_froms(p, name, alts);
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

/// `From` for each alternative whose type no other alternative shares,
/// so callers write `Website::from(42)` or pass `"example.com".into()`.
fn union_froms(p: &Provider, name: &syn::Ident, alts: &[Alternative]) -> Vec<TokenStream> {
    alts.iter()
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
        })
        .collect()
}

/// The push of a parameter written as one joined text, or sent with a
/// default when absent; `None` for the other parameters.
pub(super) fn joined_or_default_push(p: &Provider, f: &Field) -> Option<TokenStream> {
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

pub(super) fn datetime_marker(p: &Provider, i: usize) -> syn::Ident {
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
