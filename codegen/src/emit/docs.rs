//! Rustdoc of generated items: spec text made safe, examples built from the spec, fallback docs.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::{format_file, ident, Options};
use crate::ir::{Endpoint, Field, ModelKind, Provider, Ty, MAX_POSITIONAL};
use crate::spec::Literal;

pub(super) fn docs(text: Option<&str>) -> TokenStream {
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
pub(super) fn sanitize(text: &str) -> String {
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
pub(super) fn doc_or(text: Option<&str>, fallback: String) -> TokenStream {
    match text {
        Some(t) if !t.trim().is_empty() => docs(Some(&sanitize(t))),
        _ => docs(Some(&fallback)),
    }
}

/// Like [`doc_or`] for something named `wire` in the spec: a name outside
/// ASCII was transliterated (and maybe numbered) into Rust, so the docs say
/// what it is called on the wire even when the spec describes it.
pub(super) fn named_doc(
    text: Option<&str>,
    fallback: String,
    wire: &str,
    what: &str,
) -> TokenStream {
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

/// The rustdoc line of a parameter's `default`, if it has one.
pub(super) fn default_note(f: &Field) -> TokenStream {
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
pub(super) fn example_doc(p: &Provider, e: &Endpoint, opts: &Options) -> Option<TokenStream> {
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
pub(super) fn field_fallback_doc(p: &Provider, f: &Field) -> String {
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
pub(super) fn model_fallback_docs(p: &Provider) -> Vec<String> {
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
pub(super) fn returns_doc(p: &Provider, ty: &Ty) -> String {
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
