//! Request values before they are encoded.
//!
//! Generated request code pushes each parameter with its wire name and
//! location; [`crate::client::Core`] then writes the query string, the body
//! (JSON or form) and headers from this list, in this order.

use crate::op::Location;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// One request value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// Text.
    Str(String),
    /// Text that never prints (a `secret: true` parameter): sent like
    /// [`Param::Str`], and redacted from errors like a credential.
    Secret(crate::Secret),
    /// Whole number.
    Int(i64),
    /// Exact decimal, written with all its digits and its scale (`1000.50` stays
    /// `1000.50`): a JSON number, or text in a form and in signatures.
    Dec(Decimal),
    /// Boolean: `true`/`false` in JSON and forms.
    Bool(bool),
    /// A list written `a,b,c` in one value.
    Comma(Vec<Param>),
    /// A list written as a JSON array in JSON bodies, and as repeated keys
    /// (`ids=1&ids=2`) in queries and forms.
    Array(Vec<Param>),
    /// Any JSON value.
    Json(serde_json::Value),
}

impl Param {
    /// Any serializable value as JSON (nested objects in JSON bodies).
    /// Generated models always serialize; a failure would give `null`.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Param {
        Param::Json(serde_json::to_value(value).unwrap_or(serde_json::Value::Null))
    }

    /// The value as text, the way a form field or query value carries it.
    pub fn to_text(&self) -> String {
        match self {
            Param::Str(s) => s.clone(),
            Param::Secret(s) => s.expose().to_owned(),
            Param::Int(i) => i.to_string(),
            Param::Dec(d) => d.to_string(),
            Param::Bool(b) => b.to_string(),
            Param::Comma(items) | Param::Array(items) => items
                .iter()
                .map(Param::to_text)
                .collect::<Vec<_>>()
                .join(","),
            Param::Json(v) => match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            },
        }
    }

    /// [`Param::to_text`], borrowed when the value is text.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Param::Str(s) => Cow::Borrowed(s),
            Param::Secret(s) => Cow::Borrowed(s.expose()),
            _ => Cow::Owned(self.to_text()),
        }
    }

    /// Appends the value as JSON text to `out`. Decimals keep every digit.
    pub(crate) fn write_json(&self, out: &mut String) {
        match self {
            Param::Str(s) => write_json_string(s, out),
            Param::Secret(s) => write_json_string(s.expose(), out),
            Param::Int(i) => out.push_str(&i.to_string()),
            Param::Dec(d) => out.push_str(&d.to_string()),
            Param::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Param::Comma(_) => write_json_string(&self.to_text(), out),
            Param::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Param::Json(v) => out.push_str(&v.to_string()),
        }
    }
}

pub(crate) fn write_json_string(s: &str, out: &mut String) {
    // serde_json's string escaping cannot fail for a `str`.
    out.push_str(&serde_json::Value::String(s.to_owned()).to_string());
}

/// A list written as one text, its items joined with `separator` (a spec's
/// `join:`, e.g. one comment per line). An item that contains the separator
/// would be read as two: the call is refused before sending.
pub fn join(
    op: &crate::op::Operation,
    name: &str,
    items: impl IntoIterator<Item = Param>,
    separator: &str,
) -> Result<Param, crate::Error> {
    let mut out = String::new();
    let mut secret = false;
    for (i, item) in items.into_iter().enumerate() {
        secret |= matches!(item, Param::Secret(_));
        let text = item.to_text();
        if text.contains(separator) {
            return Err(crate::Error::invalid_request(
                op,
                format!(
                    "item {} of `{name}` contains the separator {separator:?}, so it would be read as several",
                    i + 1
                ),
            ));
        }
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&text);
    }
    // One secret item makes the whole text secret (redacted like a credential).
    Ok(if secret {
        Param::Secret(crate::Secret::new(out))
    } else {
        Param::Str(out)
    })
}

/// Conversion of a typed value into a [`Param`].
pub trait ToParam {
    /// The wire value.
    fn to_param(&self) -> Param;
}

impl ToParam for String {
    fn to_param(&self) -> Param {
        Param::Str(self.clone())
    }
}
impl ToParam for str {
    fn to_param(&self) -> Param {
        Param::Str(self.to_owned())
    }
}
impl ToParam for crate::Secret {
    fn to_param(&self) -> Param {
        Param::Secret(self.clone())
    }
}
impl ToParam for i64 {
    fn to_param(&self) -> Param {
        Param::Int(*self)
    }
}
impl ToParam for Decimal {
    fn to_param(&self) -> Param {
        Param::Dec(*self)
    }
}
impl ToParam for bool {
    fn to_param(&self) -> Param {
        Param::Bool(*self)
    }
}
impl ToParam for serde_json::Value {
    fn to_param(&self) -> Param {
        Param::Json(self.clone())
    }
}
impl ToParam for time::OffsetDateTime {
    fn to_param(&self) -> Param {
        Param::Int(self.unix_timestamp())
    }
}

/// The ordered list of a request's values.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub(crate) entries: Vec<(Location, &'static str, Param)>,
}

impl Params {
    /// An empty list.
    pub fn new() -> Self {
        Params::default()
    }

    /// Adds a value.
    pub fn push(&mut self, location: Location, name: &'static str, value: Param) {
        self.entries.push((location, name, value));
    }

    /// Adds a typed value, converted with [`ToParam`].
    pub fn add<V: ToParam + ?Sized>(&mut self, location: Location, name: &'static str, value: &V) {
        self.push(location, name, value.to_param());
    }

    /// Adds a typed value when it is present.
    pub fn add_opt<V: ToParam + ?Sized>(
        &mut self,
        location: Location,
        name: &'static str,
        value: Option<&V>,
    ) {
        if let Some(v) = value {
            self.push(location, name, v.to_param());
        }
    }

    /// Adds a value when it is present.
    pub fn push_opt(&mut self, location: Location, name: &'static str, value: Option<Param>) {
        if let Some(v) = value {
            self.push(location, name, v);
        }
    }

    /// The value with this wire name, if present.
    pub fn get(&self, name: &str) -> Option<&Param> {
        self.entries
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(_, _, v)| v)
    }

    /// Iterates over `(location, wire name, value)`.
    pub fn iter(&self) -> impl Iterator<Item = (Location, &'static str, &Param)> {
        self.entries.iter().map(|(l, n, v)| (*l, *n, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_digits() {
        let d: Decimal = "96496048.0450002".parse().unwrap();
        let mut s = String::new();
        Param::Dec(d).write_json(&mut s);
        assert_eq!(s, "96496048.0450002");
        assert_eq!(Param::Dec("1000.50".parse().unwrap()).to_text(), "1000.50");
    }

    #[test]
    fn joined_lists_refuse_an_item_holding_the_separator() {
        static OP: crate::op::Operation = crate::op::Operation {
            provider: "p",
            name: "e",
            method: crate::op::Method::Post,
            path: &[],
            encoding: crate::op::Encoding::Form,
            auth: &[],
            headers: &[],
            fixed: &[],
            envelope: crate::op::Envelope {
                success: &[],
                pending: &[],
                payload: &[],
                code: None,
                message: None,
            },
            answer: crate::op::Answer::Json,
            idempotent: false,
            moves_money: false,
            reference: None,
            params: &[],
            secret_fields: &[],
        };
        let lines = |items: &[&str]| {
            join(
                &OP,
                "comments",
                items.iter().map(|s| Param::Str((*s).to_owned())),
                "\n",
            )
        };
        assert_eq!(
            lines(&["nice", "great"]).unwrap(),
            Param::Str("nice\ngreat".into())
        );
        assert_eq!(lines(&[]).unwrap(), Param::Str(String::new()));
        let err = lines(&["nice", "two\nlines"]).unwrap_err();
        assert!(err.to_string().contains("item 2 of `comments`"), "{err}");
        assert!(err.is_safe_to_retry());
        let secret = join(&OP, "s", [Param::Secret(crate::Secret::new("k"))], ",");
        assert!(matches!(secret, Ok(Param::Secret(_))));
    }

    #[test]
    fn comma_lists_join() {
        let p = Param::Comma(vec![Param::Int(1), Param::Int(10)]);
        assert_eq!(p.to_text(), "1,10");
        let mut s = String::new();
        p.write_json(&mut s);
        assert_eq!(s, "\"1,10\"");
    }
}
