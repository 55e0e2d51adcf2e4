//! Rust names: numbering transliterated collisions, claiming type names (the
//! names generated code reserves are in [`crate::reserved`]).

use std::collections::BTreeMap;

use crate::ir::Lowerer;
use crate::names::numbers;

/// `rust` names derived from `wires` in one namespace, with transliterated
/// names that collide numbered (see [`numbers`]): `(wire, rust, derived)` in,
/// the final names and the numbers given out.
pub(super) fn numbered(
    entries: &[(&str, String, bool)],
    snake_case: bool,
) -> Vec<(String, Option<usize>)> {
    let with = |r: &str, n: usize| {
        if snake_case {
            format!("{r}_{n}")
        } else {
            format!("{r}{n}")
        }
    };
    let refs: Vec<(&str, &str, bool)> = entries
        .iter()
        .map(|(w, r, d)| (*w, r.as_str(), *d))
        .collect();
    numbers(&refs, with)
        .into_iter()
        .zip(entries)
        .map(|(n, (_, r, _))| (n.map_or_else(|| r.clone(), |n| with(r, n)), n))
        .collect()
}

impl Lowerer<'_> {
    pub(super) fn claim_type(&mut self, name: &str, path: &[&str]) {
        if let Some(prev) = self.type_names.get(name) {
            let prev = prev.clone();
            self.err_key(
                path,
                format!("the Rust type name `{name}` is already used by `{prev}`"),
                Some("rename one of them (models, endpoints and inline types share one namespace per provider)".into()),
            );
        } else {
            self.type_names.insert(name.to_owned(), path.join("."));
        }
    }

    /// Reports Rust names that collide after case conversion.
    pub(super) fn unique(
        &mut self,
        names: impl Iterator<Item = (String, String)>,
        at: &[&str],
        what: &str,
    ) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (rust, wire) in names {
            if let Some(prev) = seen.insert(rust.clone(), wire.clone()) {
                let mut path = at.to_vec();
                path.push(&wire);
                self.err_key(
                    &path,
                    format!("the {what}s `{prev}` and `{wire}` both become `{rust}` in Rust"),
                    Some(match what {
                        "field" => "rename one, or give one a `rust_name:`".into(),
                        "enum value" => "give one of them a `name:` (the Rust variant name)".into(),
                        _ => "rename one of them".into(),
                    }),
                );
            }
        }
    }
}
