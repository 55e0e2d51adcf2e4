//! Type expressions as written in specs: `decimal`, `list<Product>`,
//! `map<OrderStatus | error>`, `string | integer`.
//!
//! ```text
//! expr := term ("|" term)*          // "T | error" is a per-item result
//! term := name | name "<" expr ">"  // list<T>, map<T>
//! ```

use std::fmt;

/// Built-in scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// `string`: text (a number on the wire is kept as its text).
    String,
    /// `integer`: i64, from a number or a numeric string.
    Integer,
    /// `decimal`: exact decimal (money), from a number or a numeric string.
    Decimal,
    /// `bool`: true/false, 1/0, "1"/"0", "true"/"false".
    Bool,
    /// `json`: any JSON, for shapes the provider does not document.
    Json,
    /// `timestamp`: UNIX seconds.
    Timestamp,
    /// `date`: a calendar date written with the field's `format`.
    Date,
    /// `datetime`: a date and time of day written with the field's `format`.
    Datetime,
    /// `binary`: a whole answer that is a document (a PDF), not JSON.
    Binary,
}

impl Scalar {
    /// All scalar names, for suggestions.
    pub const NAMES: [&'static str; 9] = [
        "string",
        "integer",
        "decimal",
        "bool",
        "json",
        "timestamp",
        "date",
        "datetime",
        "binary",
    ];

    fn from_name(s: &str) -> Option<Scalar> {
        Some(match s {
            "string" => Scalar::String,
            "integer" => Scalar::Integer,
            "decimal" => Scalar::Decimal,
            "bool" => Scalar::Bool,
            "json" => Scalar::Json,
            "timestamp" => Scalar::Timestamp,
            "date" => Scalar::Date,
            "datetime" => Scalar::Datetime,
            "binary" => Scalar::Binary,
            _ => return None,
        })
    }

    /// The name as written in specs.
    pub fn name(self) -> &'static str {
        match self {
            Scalar::String => "string",
            Scalar::Integer => "integer",
            Scalar::Decimal => "decimal",
            Scalar::Bool => "bool",
            Scalar::Json => "json",
            Scalar::Timestamp => "timestamp",
            Scalar::Date => "date",
            Scalar::Datetime => "datetime",
            Scalar::Binary => "binary",
        }
    }
}

/// A parsed type expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    /// A built-in scalar.
    Scalar(Scalar),
    /// A model declared under `models:`.
    Named(String),
    /// `list<T>`
    List(Box<TypeExpr>),
    /// `map<T>`: an object keyed by text (often ids).
    Map(Box<TypeExpr>),
    /// `T | error`: the value, or `{"error": "..."}` for this item.
    Item(Box<TypeExpr>),
    /// `A | B`: the first alternative that decodes.
    Union(Vec<TypeExpr>),
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::Scalar(s) => f.write_str(s.name()),
            TypeExpr::Named(n) => f.write_str(n),
            TypeExpr::List(t) => write!(f, "list<{t}>"),
            TypeExpr::Map(t) => write!(f, "map<{t}>"),
            TypeExpr::Item(t) => write!(f, "{t} | error"),
            TypeExpr::Union(ts) => {
                let parts: Vec<String> = ts.iter().map(ToString::to_string).collect();
                f.write_str(&parts.join(" | "))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Lt,
    Gt,
    Bar,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' => {}
            '<' => out.push(Tok::Lt),
            '>' => out.push(Tok::Gt),
            '|' => out.push(Tok::Bar),
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_ascii_alphanumeric() || d == '_' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Tok::Name(s[i..end].to_owned()));
            }
            other => return Err(format!("unexpected character `{other}` in type `{s}`")),
        }
    }
    Ok(out)
}

struct P {
    toks: Vec<Tok>,
    at: usize,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn expr(&mut self) -> Result<TypeExpr, String> {
        let mut alts = vec![self.term()?];
        while self.peek() == Some(&Tok::Bar) {
            self.at += 1;
            alts.push(self.term()?);
        }
        let error_alts = alts
            .iter()
            .filter(|a| **a == TypeExpr::Named("error".into()))
            .count();
        alts.retain(|a| *a != TypeExpr::Named("error".into()));
        match (error_alts, alts.len()) {
            (_, 0) => Err("`error` needs a value type beside it, as in `integer | error`".into()),
            (0, 1) => Ok(alts.remove(0)),
            (0, _) => Ok(TypeExpr::Union(alts)),
            (1, 1) => Ok(TypeExpr::Item(Box::new(alts.remove(0)))),
            (1, _) => Ok(TypeExpr::Item(Box::new(TypeExpr::Union(alts)))),
            _ => Err("`error` may appear once in a type".into()),
        }
    }

    fn term(&mut self) -> Result<TypeExpr, String> {
        let name = match self.toks.get(self.at) {
            Some(Tok::Name(n)) => n.clone(),
            Some(t) => return Err(format!("expected a type name, found `{}`", tok_text(t))),
            None => return Err("expected a type name, found the end".into()),
        };
        self.at += 1;
        if self.peek() == Some(&Tok::Lt) {
            self.at += 1;
            let inner = self.expr()?;
            if self.peek() != Some(&Tok::Gt) {
                return Err(format!("`{name}<...>` is missing its closing `>`"));
            }
            self.at += 1;
            return match name.as_str() {
                "list" => Ok(TypeExpr::List(Box::new(inner))),
                "map" => Ok(TypeExpr::Map(Box::new(inner))),
                other => Err(format!(
                    "`{other}<...>` is not a type constructor; only `list<T>` and `map<T>` take a type"
                )),
            };
        }
        if name == "list" || name == "map" {
            return Err(format!(
                "`{name}` needs an item type, as in `{name}<string>`"
            ));
        }
        Ok(match Scalar::from_name(&name) {
            Some(s) => TypeExpr::Scalar(s),
            None => TypeExpr::Named(name),
        })
    }
}

fn tok_text(t: &Tok) -> &str {
    match t {
        Tok::Name(n) => n,
        Tok::Lt => "<",
        Tok::Gt => ">",
        Tok::Bar => "|",
    }
}

/// How deeply `list<...>` and `map<...>` may nest in one type expression.
///
/// The generated Rust types nest as deeply (`Vec<Vec<...>>`, `Option<...>`,
/// `Result<..., ItemError>` for `| error`), and rustc proves `Send` for the
/// futures that hold them one level at a time: from about 41 levels of
/// `list<...>` (29 of `list<T | error>`) it stops with E0275 (overflow
/// evaluating the requirement) at the default recursion limit of 128. 16 is
/// far from that and far beyond any documented payload. The bound is checked
/// on the tokens, before the recursive descent, so an absurd depth cannot
/// overflow the parser's stack either.
pub const MAX_DEPTH: usize = 16;

/// The deepest nesting of `<` in `toks` (unbalanced brackets count as written).
fn depth(toks: &[Tok]) -> usize {
    let (mut cur, mut max) = (0usize, 0usize);
    for t in toks {
        match t {
            Tok::Lt => {
                cur += 1;
                max = max.max(cur);
            }
            Tok::Gt => cur = cur.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Why a type expression was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is a better hint than the list of types.
    pub hint: Option<String>,
}

impl From<String> for TypeError {
    fn from(message: String) -> Self {
        TypeError {
            message,
            hint: None,
        }
    }
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses a type expression.
pub fn parse(s: &str) -> Result<TypeExpr, TypeError> {
    let toks = lex(s)?;
    if toks.is_empty() {
        return Err(String::from("the type is empty").into());
    }
    let n = depth(&toks);
    if n > MAX_DEPTH {
        return Err(TypeError {
            message: format!(
                "the type is nested {n} levels deep; at most {MAX_DEPTH} levels of `list<...>` and `map<...>` are allowed"
            ),
            hint: Some(format!(
                "the generated types would nest as deeply and rustc gives up on them (E0275, from about 30 levels); read the inner levels as `json` (e.g. `list<list<json>>`) if the provider really nests deeper than {MAX_DEPTH}"
            )),
        });
    }
    let mut p = P { toks, at: 0 };
    let e = p.expr()?;
    match p.peek() {
        None => Ok(e),
        Some(t) => Err(format!("unexpected `{}` after the type `{e}`", tok_text(t)).into()),
    }
}

impl TypeExpr {
    /// Calls `f` on every model name this type mentions.
    pub fn for_each_named(&self, f: &mut impl FnMut(&str)) {
        match self {
            TypeExpr::Scalar(_) => {}
            TypeExpr::Named(n) => f(n),
            TypeExpr::List(t) | TypeExpr::Map(t) | TypeExpr::Item(t) => t.for_each_named(f),
            TypeExpr::Union(ts) => ts.iter().for_each(|t| t.for_each_named(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms() {
        assert_eq!(parse("decimal").unwrap(), TypeExpr::Scalar(Scalar::Decimal));
        assert_eq!(
            parse(" list< Product > ").unwrap().to_string(),
            "list<Product>"
        );
        assert_eq!(
            parse("map<OrderStatus | error>").unwrap(),
            TypeExpr::Map(Box::new(TypeExpr::Item(Box::new(TypeExpr::Named(
                "OrderStatus".into()
            )))))
        );
        assert_eq!(
            parse("string | integer").unwrap().to_string(),
            "string | integer"
        );
    }

    #[test]
    fn rejects_nonsense() {
        assert!(parse("").is_err());
        assert!(parse("list").is_err());
        assert!(parse("list<").is_err());
        assert!(parse("vec<string>").is_err());
        assert!(parse("error").is_err());
        assert!(parse("string integer").is_err());
        assert!(parse("a-b").is_err());
    }

    #[test]
    fn depth_is_bounded_before_parsing() {
        let nested = |n: usize| format!("{}integer{}", "list<".repeat(n), ">".repeat(n));
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        let err = parse(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(
            err.message,
            format!("the type is nested 17 levels deep; at most {MAX_DEPTH} levels of `list<...>` and `map<...>` are allowed")
        );
        // Far too deep for a recursive descent on a test thread's stack; also unclosed.
        let err = parse(&"map<list<".repeat(500_000)).unwrap_err();
        assert!(err.message.contains("nested 1000000 levels deep"), "{err}");
    }
}
