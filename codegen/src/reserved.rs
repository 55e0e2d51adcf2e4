//! Names the generated code defines itself, which a spec's names may not take.
//!
//! One table, read by the checks in `ir::lower` (a credential, endpoint or
//! callback whose Rust name is listed here is refused) and matching what
//! `emit` generates (the test below reads the generated source to prove it).

/// Types every generated module defines (`emit::client`, `emit::call`).
pub const TYPES: &[&str] = &["Client", "ClientBuilder", "Environment", "Call"];

/// Methods of the generated `ClientBuilder` besides the credential setters:
/// a credential may not shadow them.
pub const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "environment",
    "timeout",
    "connect_timeout",
    "http_client_builder",
    "max_body_bytes",
    "retry",
    "hooks",
    "build",
];

/// Methods of the generated `Client` besides the endpoint methods: an
/// endpoint may not shadow them.
pub const CLIENT_METHODS: &[&str] = &["builder", "call_json", "base_url"];

/// Methods of the generated `Callbacks` besides one per callback: a callback
/// may not shadow them.
pub const CALLBACKS_METHODS: &[&str] = &["max_body_bytes"];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    /// The `fn` names of every `impl <ty>` block in `file`.
    fn methods(file: &syn::File, ty: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for item in &file.items {
            let syn::Item::Impl(i) = item else { continue };
            let syn::Type::Path(p) = &*i.self_ty else {
                continue;
            };
            if i.trait_.is_none() && p.path.is_ident(ty) {
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        out.insert(f.sig.ident.to_string());
                    }
                }
            }
        }
        out
    }

    fn set(names: &[&str], more: &[&str]) -> BTreeSet<String> {
        names.iter().chain(more).map(|s| (*s).to_owned()).collect()
    }

    /// The tables list exactly what the emitter generates, besides the
    /// methods named after the spec's own credentials and endpoints.
    #[test]
    fn tables_match_the_generated_code() {
        let spec = "provider: { name: X }\nbase_url: { environments: { live: \"https://x.example\" }, default: live }\ncredentials: { api_key: {} }\nauth: [{ in: query, name: key, credential: api_key }]\nendpoints:\n  balance: { method: GET, path: /balance }\n";
        let source =
            crate::generate_str(Path::new("x.yaml"), spec).unwrap_or_else(|d| panic!("{d:#?}"));
        let file = syn::parse_file(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
        assert_eq!(
            methods(&file, "ClientBuilder"),
            set(BUILDER_METHODS, &["api_key"])
        );
        assert_eq!(methods(&file, "Client"), set(CLIENT_METHODS, &["balance"]));
        let types: BTreeSet<String> = file
            .items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                syn::Item::Enum(e) => Some(e.ident.to_string()),
                _ => None,
            })
            .collect();
        for t in TYPES {
            assert!(types.contains(*t), "`{t}` is not generated: {types:?}");
        }
    }
}
