//! Rust names from wire names: idiomatic case, keywords escaped, always a
//! valid identifier.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, all editions) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Keeps ASCII letters, digits and `_`; everything else separates words.
fn ascii_words(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
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
        assert_eq!(snake("ñ"), "field");
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
}
