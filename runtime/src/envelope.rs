//! Reading a response body through its envelope: success, pending, error
//! fields and payload.
//!
//! The body is checked as JSON once, then navigated as raw JSON: only the
//! fields the envelope names are parsed into values, and the payload is
//! decoded straight from its text by the generated types.

use crate::op::{Condition, Envelope, Lit, Test};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A parsed response body.
pub(crate) struct Body<'a> {
    root: &'a RawValue,
    /// The root object's fields, when the root is an object.
    fields: Option<BTreeMap<String, &'a RawValue>>,
}

impl<'a> Body<'a> {
    /// Checks that `text` is one JSON value.
    pub(crate) fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        let root: &RawValue = serde_json::from_str(text)?;
        let fields = object_fields(root);
        Ok(Body { root, fields })
    }

    /// The value at `path` (empty path: the whole body).
    pub(crate) fn at(&self, path: &[&str]) -> Option<&'a RawValue> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self.root);
        };
        let mut cur = *self.fields.as_ref()?.get(*first)?;
        for key in rest {
            cur = *object_fields(cur)?.get(*key)?;
        }
        Some(cur)
    }

    /// The value at `path` as a JSON value.
    pub(crate) fn value(&self, path: &[&str]) -> Option<serde_json::Value> {
        self.at(path)
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }

    /// The value at `path` as text: strings as is, other scalars by their JSON text.
    pub(crate) fn text(&self, path: &[&str]) -> Option<String> {
        match self.value(path)? {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// True when every condition holds.
    pub(crate) fn holds(&self, conditions: &[Condition]) -> bool {
        conditions.iter().all(|c| self.test(c))
    }

    fn test(&self, c: &Condition) -> bool {
        // `null` counts as absent: `{"error": null}` carries no error.
        let v = self.value(c.path).filter(|v| !v.is_null());
        match c.test {
            Test::Equals(lit) => v.is_some_and(|v| equals(&v, lit)),
            Test::NotEquals(lit) => !v.is_some_and(|v| equals(&v, lit)),
            Test::In(lits) => v.is_some_and(|v| lits.iter().any(|l| equals(&v, *l))),
            Test::Absent => v.is_none(),
            Test::Present => v.is_some(),
        }
    }

    /// The error code and message the envelope names, when present.
    pub(crate) fn error_fields(&self, env: &Envelope) -> (Option<String>, Option<String>) {
        (
            env.code.and_then(|p| self.text(p)),
            env.message.and_then(|p| self.text(p)),
        )
    }
}

fn object_fields(raw: &RawValue) -> Option<BTreeMap<String, &RawValue>> {
    if !raw.get().trim_start().starts_with('{') {
        return None;
    }
    serde_json::from_str(raw.get()).ok()
}

/// Compares a JSON value with a literal. Numbers and numeric strings compare
/// by value (`200` equals `"200"`), because providers send both.
fn equals(v: &serde_json::Value, lit: Lit) -> bool {
    use serde_json::Value as V;
    match (v, lit) {
        (V::Bool(b), Lit::Bool(l)) => *b == l,
        (V::Number(n), Lit::Int(l)) => n.as_i64() == Some(l) || n.as_f64() == Some(l as f64),
        (V::String(s), Lit::Int(l)) => s.trim().parse::<i64>().ok() == Some(l),
        (V::String(s), Lit::Str(l)) => s == l,
        (V::Number(n), Lit::Str(l)) => n.to_string() == l,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RC: [&str; 2] = ["data", "rc"];

    #[test]
    fn nested_paths_and_lenient_equality() {
        let body =
            Body::parse(r#"{"data": {"rc": "00", "message": "OK"}, "status": 200}"#).unwrap();
        assert!(body.holds(&[Condition {
            path: &RC,
            test: Test::Equals(Lit::Str("00"))
        }]));
        assert!(body.holds(&[Condition {
            path: &["status"],
            test: Test::Equals(Lit::Int(200))
        }]));
        assert!(body.holds(&[Condition {
            path: &["error"],
            test: Test::Absent
        }]));
        assert!(body.holds(&[Condition {
            path: &["status"],
            test: Test::NotEquals(Lit::Bool(false))
        }]));
        assert_eq!(body.text(&["data", "message"]).as_deref(), Some("OK"));
        assert!(body.at(&["data", "rc", "x"]).is_none());
    }

    #[test]
    fn non_objects_have_no_fields() {
        let body = Body::parse("[1,2]").unwrap();
        assert!(body.at(&["data"]).is_none());
        assert!(body.at(&[]).is_some());
        assert!(Body::parse("{\"a\": 1").is_err());
        assert!(Body::parse("<html>").is_err());
    }
}
