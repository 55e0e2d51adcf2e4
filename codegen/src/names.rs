//! Rust names from wire names: idiomatic case, keywords escaped, always a
//! valid identifier.
//!
//! Letters outside ASCII are transliterated first (`prix_été` gives
//! `prix_ete`, `цена` gives `tsena`, `名前` gives `ming_qian`), so that such
//! names stay readable and mostly distinct. When two of them still give the
//! same Rust name in one namespace (`é` and `è` both give `e`), [`numbers`]
//! tells the IR which ones get a number.

use std::borrow::Cow;
use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, all editions) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// `wire` in ASCII: transliterated when it has other characters (a character
/// without a transliteration separates words).
fn ascii(wire: &str) -> Cow<'_, str> {
    if wire.is_ascii() {
        Cow::Borrowed(wire)
    } else {
        Cow::Owned(deunicode::deunicode_with_tofu(wire, " "))
    }
}

/// Keeps ASCII letters, digits and `_` of the transliterated text; everything
/// else separates words.
fn ascii_words(s: &str) -> String {
    ascii(s)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// For the Rust names of one namespace (the fields of a struct, the parameters
/// of an endpoint, the endpoints of a provider), each given as
/// `(wire, rust, derived)` in spec order (`derived`: the name came from the
/// wire name, not from `rust_name:`/`name:`): the number to append to each, so
/// that names transliterated from wire names outside ASCII never collide.
///
/// Names that are ASCII or chosen in the spec keep their names (their
/// collisions stay errors: the spec writer chose them). A transliterated name
/// that another name already has gets the smallest number from 2 that makes it
/// free, in spec order: deterministic, and the first one keeps the plain name.
/// `with(rust, n)` writes a numbered name (`tsena_2`, `Tsena2`).
pub fn numbers(
    entries: &[(&str, &str, bool)],
    with: impl Fn(&str, usize) -> String,
) -> Vec<Option<usize>> {
    let numbered = |(wire, _, derived): &(&str, &str, bool)| *derived && !wire.is_ascii();
    let mut taken: BTreeSet<String> = entries
        .iter()
        .filter(|e| !numbered(e))
        .map(|(_, rust, _)| (*rust).to_owned())
        .collect();
    entries
        .iter()
        .map(|e| {
            if !numbered(e) {
                return None;
            }
            let rust = e.1;
            if taken.insert(rust.to_owned()) {
                return None;
            }
            let n = (2..)
                .find(|n| !taken.contains(&with(rust, *n)))
                .unwrap_or(2);
            taken.insert(with(rust, n));
            Some(n)
        })
        .collect()
}

fn finish(mut s: String, empty: &str) -> String {
    if s.is_empty() {
        s = empty.to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// `snake_case` name for fields, methods and modules: `recuring_amount`,
/// `type_`, `_2fa`, `product_code`.
pub fn snake(wire: &str) -> String {
    finish(ascii_words(wire).to_snake_case(), "field")
}

/// `UpperCamelCase` text for building a longer name (`Self` + `Request`):
/// not escaped for keywords, since it never stands alone.
pub fn camel_part(wire: &str) -> String {
    let s = ascii_words(wire).to_upper_camel_case();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else {
        s
    }
}

/// `UpperCamelCase` name for types and variants: `InProgress`, `SemiAnnually`, `_1`.
pub fn camel(wire: &str) -> String {
    let s = ascii_words(wire).to_upper_camel_case();
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else {
        s
    };
    finish(s, "Value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idiomatic_and_valid() {
        assert_eq!(snake("recuring_amount"), "recuring_amount");
        assert_eq!(snake("planDetail"), "plan_detail");
        assert_eq!(snake("add-site"), "add_site");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake("a b"), "a_b");
        assert_eq!(snake("ñ"), "n");
        assert_eq!(snake("цена"), "tsena");
        assert_eq!(snake("prix_été"), "prix_ete");
        assert_eq!(snake("名前"), "ming_qian");
        assert_eq!(snake("🚀"), "rocket");
        assert_eq!(snake("\u{10ffff}"), "field");
        assert_eq!(camel("Übung"), "Ubung");
        assert_eq!(camel_part("цена"), "Tsena");
        assert_eq!(camel("In progress"), "InProgress");
        assert_eq!(camel("Semi-Annually"), "SemiAnnually");
        assert_eq!(camel("non active"), "NonActive");
        assert_eq!(camel("1"), "V1");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel_part("self"), "Self");
        assert_eq!(camel_part("2fa"), "V2fa");
        for s in ["type_", "_2fa", "field", "V1", "Self_", "InProgress"] {
            assert!(syn::parse_str::<syn::Ident>(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn transliterated_names_that_collide_are_numbered() {
        let snake_n = |r: &str, n: usize| format!("{r}_{n}");
        let wires = [
            "prix_été",
            "prix_ète",
            "prix_ete",
            "prix_êtê",
            "tsena",
            "цена",
        ];
        let rust: Vec<String> = wires.iter().map(|w| snake(w)).collect();
        let entries: Vec<(&str, &str, bool)> = wires
            .iter()
            .zip(&rust)
            .map(|(w, r)| (*w, r.as_str(), true))
            .collect();
        let got: Vec<String> = numbers(&entries, snake_n)
            .into_iter()
            .zip(&rust)
            .map(|(n, r)| n.map_or(r.clone(), |n| snake_n(r, n)))
            .collect();
        // The ASCII names keep theirs; the others, in order, get the next free number.
        assert_eq!(
            got,
            [
                "prix_ete_2",
                "prix_ete_3",
                "prix_ete",
                "prix_ete_4",
                "tsena",
                "tsena_2"
            ]
        );
        // A name chosen in the spec (`derived` false) is not numbered either.
        let chosen = numbers(
            &[("цена", "tsena", false), ("tsena", "tsena", true)],
            snake_n,
        );
        assert_eq!(chosen, [None, None]);
    }
}
