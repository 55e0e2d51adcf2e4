//! Reading a response body through its envelope: success, pending, error
//! fields and payload.
//!
//! The body is checked as JSON once, then navigated as raw JSON: only the
//! fields the envelope names are parsed into values, and the payload is
//! decoded straight from its text by the generated types.

use crate::op::{Condition, Envelope, Lit, Test};
use serde_json::value::RawValue;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

type Fields<'a> = Rc<BTreeMap<String, &'a RawValue>>;

/// A parsed response body.
///
/// Parsing checks the whole body once (an object body is read straight into
/// its top-level fields). Nested objects on the envelope's paths are read the
/// first time a path goes through them and remembered, so the success test,
/// the error fields and the payload share one read of `data` rather than one
/// each: on a large price list every read is a full scan.
pub(crate) struct Body<'a> {
    text: &'a str,
    /// Fields of the objects met so far, by path (`""` is the root).
    objects: RefCell<HashMap<String, Option<Fields<'a>>>>,
}

impl<'a> Body<'a> {
    /// Checks that `text` is one JSON value.
    pub(crate) fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        let text = text.trim();
        let mut objects = HashMap::new();
        if text.starts_with('{') {
            let fields: BTreeMap<String, &RawValue> = serde_json::from_str(text)?;
            objects.insert(String::new(), Some(Rc::new(fields)));
        } else {
            let _: &RawValue = serde_json::from_str(text)?;
            objects.insert(String::new(), None);
        }
        Ok(Body {
            text,
            objects: RefCell::new(objects),
        })
    }

    /// The fields of the object at `path`, if it is an object.
    fn object(&self, path: &[&str]) -> Option<Fields<'a>> {
        let key = path.join("\u{1f}");
        if let Some(found) = self.objects.borrow().get(&key) {
            return found.clone();
        }
        let (last, parent) = path.split_last()?;
        let raw = *self.object(parent)?.get(*last)?;
        let fields = object_fields(raw).map(Rc::new);
        self.objects.borrow_mut().insert(key, fields.clone());
        fields
    }

    /// The JSON text of the value at `path` (empty path: the whole body).
    pub(crate) fn at(&self, path: &[&str]) -> Option<&'a str> {
        let Some((last, parent)) = path.split_last() else {
            return Some(self.text);
        };
        self.object(parent)?.get(*last).map(|raw| raw.get())
    }

    /// The value at `path` as a JSON value.
    pub(crate) fn value(&self, path: &[&str]) -> Option<serde_json::Value> {
        self.at(path).and_then(|raw| serde_json::from_str(raw).ok())
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
