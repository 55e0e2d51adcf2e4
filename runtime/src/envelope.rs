//! Reading a response body through its envelope: success, pending, error
//! fields and payload.
//!
//! The body is read once, visiting only the paths the envelope names: the
//! values there are kept as borrowed JSON text, every other value is skipped,
//! and the payload is decoded straight from its text by the generated types.

use crate::op::{Condition, Envelope, Lit, Test};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt;

/// Most envelope paths the single pass collects; further ones (an envelope
/// with more than a dozen conditions) are looked up by walking the text.
const MAX_PATHS: usize = 16;

/// The paths an envelope reads, in a fixed order: payload, code, message,
/// then each success and each pending condition's. An index into this order
/// names a path in [`Body::found`].
fn paths(env: &Envelope) -> impl Iterator<Item = &'static [&'static str]> + '_ {
    std::iter::once(env.payload)
        .chain(env.code)
        .chain(env.message)
        .chain(env.success.iter().map(|c| c.path))
        .chain(env.pending.iter().map(|c| c.path))
}

/// A parsed response body.
///
/// Parsing checks the whole body once and, in that same pass, keeps the JSON
/// text of the value at each of the envelope's paths (borrowed from the body,
/// nothing allocated); objects on the way to a path are walked into, every
/// other value is only skipped. On a large price list under `data.pricelist`
/// this is one scan of the answer before the payload is decoded.
pub(crate) struct Body<'a> {
    text: &'a str,
    env: &'a Envelope,
    /// The value at each envelope path, by its index in [`paths`].
    found: [Option<&'a str>; MAX_PATHS],
    /// False when the single pass refused the body but it is JSON all the
    /// same (a number beyond `f64` on the way): values are then looked up by
    /// walking the text, as an untyped reader sees it.
    fast: bool,
}

impl<'a> Body<'a> {
    /// Checks that `text` is one JSON value and finds the envelope's paths in it.
    pub(crate) fn parse(text: &'a str, env: &'a Envelope) -> Result<Self, serde_json::Error> {
        let text = text.trim();
        let mut body = Body {
            text,
            env,
            found: [None; MAX_PATHS],
            fast: true,
        };
        let mut mask = 0u32;
        for (i, p) in paths(env).take(MAX_PATHS).enumerate() {
            if !p.is_empty() {
                mask |= 1 << i;
            }
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let scan = Scan {
            env,
            found: &mut body.found,
            depth: 0,
            mask,
        };
        if scan.deserialize(&mut de).and_then(|()| de.end()).is_err() {
            // The single pass reads scalars on the way as typed values, which
            // refuses a few valid bodies (`1e400`); skipping them is the
            // untyped reader's check.
            let _: &RawValue = serde_json::from_str(text)?;
            body.found = [None; MAX_PATHS];
            body.fast = false;
        }
        Ok(body)
    }

    /// The JSON text of the value at `path` (empty path: the whole body).
    pub(crate) fn at(&self, path: &[&str]) -> Option<&'a str> {
        if path.is_empty() {
            return Some(self.text);
        }
        if self.fast {
            if let Some(i) = paths(self.env).take(MAX_PATHS).position(|p| p == path) {
                return self.found[i];
            }
        }
        walk(self.text, path)
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
        let v = self.at(c.path).and_then(Field::read);
        match c.test {
            Test::Equals(lit) => v.is_some_and(|v| v.equals(lit)),
            Test::NotEquals(lit) => !v.is_some_and(|v| v.equals(lit)),
            Test::In(lits) => v.is_some_and(|v| lits.iter().any(|l| v.equals(*l))),
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

/// A field a condition tests, read only as far as the test needs: the common
/// shapes (a string without escapes, `true`, `false`) from their text, the
/// others as a JSON value.
enum Field<'a> {
    /// A string's contents (no escapes in it).
    Str(&'a str),
    Bool(bool),
    Value(serde_json::Value),
}

impl<'a> Field<'a> {
    /// The field, or `None` for `null` and for what is not one JSON value.
    fn read(raw: &'a str) -> Option<Self> {
        match raw {
            "true" => return Some(Field::Bool(true)),
            "false" => return Some(Field::Bool(false)),
            "null" => return None,
            _ => {}
        }
        let inner = raw.strip_prefix('"').and_then(|s| s.strip_suffix('"'));
        match inner {
            Some(s) if !s.contains('\\') => Some(Field::Str(s)),
            _ => match serde_json::from_str(raw).ok()? {
                serde_json::Value::Null => None,
                v => Some(Field::Value(v)),
            },
        }
    }

    fn equals(&self, lit: Lit) -> bool {
        match self {
            Field::Str(s) => str_equals(s, lit),
            Field::Bool(b) => matches!(lit, Lit::Bool(l) if *b == l),
            Field::Value(v) => equals(v, lit),
        }
    }
}

/// Compares a JSON value with a literal. Numbers and numeric strings compare
/// by value (`200` equals `"200"`), because providers send both.
fn equals(v: &serde_json::Value, lit: Lit) -> bool {
    use serde_json::Value as V;
    match (v, lit) {
        (V::Bool(b), Lit::Bool(l)) => *b == l,
        (V::Number(n), Lit::Int(l)) => n.as_i64() == Some(l) || n.as_f64() == Some(l as f64),
        (V::String(s), lit) => str_equals(s, lit),
        (V::Number(n), Lit::Str(l)) => n.to_string() == l,
        _ => false,
    }
}

/// [`equals`] for a string's contents.
fn str_equals(s: &str, lit: Lit) -> bool {
    match lit {
        Lit::Int(l) => s.trim().parse::<i64>().ok() == Some(l),
        Lit::Str(l) => s == l,
        Lit::Bool(_) => false,
    }
}

/// The value at `path`, object by object, each read as an untyped reader
/// reads it (the last of repeated keys wins).
fn walk<'a>(text: &'a str, path: &[&str]) -> Option<&'a str> {
    let mut cur = text;
    for key in path {
        if !cur.trim_start().starts_with('{') {
            return None;
        }
        let fields: BTreeMap<String, &RawValue> = serde_json::from_str(cur).ok()?;
        cur = fields.get(*key)?.get();
    }
    Some(cur)
}

/// One object level of the single pass: `mask` has the bits of the paths
/// that run through this object, `depth` keys deep.
struct Scan<'s, 'a> {
    env: &'s Envelope,
    found: &'s mut [Option<&'a str>; MAX_PATHS],
    depth: usize,
    mask: u32,
}

impl<'s, 'a> Scan<'s, 'a> {
    /// Which of this level's paths end at `key`, and which go on through it.
    fn split(&self, key: &str) -> (u32, u32) {
        let (mut ends, mut through) = (0, 0);
        for (i, p) in paths(self.env).take(MAX_PATHS).enumerate() {
            if self.mask & (1 << i) != 0 && p.get(self.depth) == Some(&key) {
                if p.len() == self.depth + 1 {
                    ends |= 1 << i;
                } else {
                    through |= 1 << i;
                }
            }
        }
        (ends, through)
    }

    fn clear(&mut self, mask: u32) {
        for (i, slot) in self.found.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                *slot = None;
            }
        }
    }

    fn nested(&mut self, mask: u32) -> Scan<'_, 'a> {
        Scan {
            env: self.env,
            found: self.found,
            depth: self.depth + 1,
            mask,
        }
    }
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for Scan<'_, 'a> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for Scan<'_, 'a> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some((ends, through)) = map.next_key_seed(Key(&self))? {
            // A repeated key replaces what an earlier one gave.
            self.clear(ends | through);
            if ends != 0 {
                let raw: &'de RawValue = map.next_value()?;
                for (i, slot) in self.found.iter_mut().enumerate() {
                    if ends & (1 << i) != 0 {
                        *slot = Some(raw.get());
                    }
                }
                if through != 0 {
                    // Kept whole and walked into: a second read of this value only.
                    let mut de = serde_json::Deserializer::from_str(raw.get());
                    self.nested(through)
                        .deserialize(&mut de)
                        .map_err(de::Error::custom)?;
                }
            } else if through != 0 {
                map.next_value_seed(self.nested(through))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A key of a [`Scan`]ned object, answered with [`Scan::split`]; no key is allocated.
struct Key<'k, 's, 'a>(&'k Scan<'s, 'a>);

impl<'de> DeserializeSeed<'de> for Key<'_, '_, '_> {
    type Value = (u32, u32);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(u32, u32), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_, '_, '_> {
    type Value = (u32, u32);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, key: &str) -> Result<(u32, u32), E> {
        Ok(self.0.split(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RC: [&str; 2] = ["data", "rc"];

    const fn env(
        success: &'static [Condition],
        payload: &'static [&'static str],
        message: Option<&'static [&'static str]>,
    ) -> Envelope {
        Envelope {
            success,
            pending: &[],
            payload,
            code: None,
            message,
        }
    }

    static NESTED: Envelope = env(
        &[
            Condition {
                path: &RC,
                test: Test::Equals(Lit::Str("00")),
            },
            Condition {
                path: &["status"],
                test: Test::Equals(Lit::Int(200)),
            },
            Condition {
                path: &["error"],
                test: Test::Absent,
            },
            Condition {
                path: &["status"],
                test: Test::NotEquals(Lit::Bool(false)),
            },
        ],
        &["data", "list"],
        Some(&["data", "message"]),
    );

    #[test]
    fn nested_paths_and_lenient_equality() {
        let text = r#"{"data": {"rc": "00", "message": "OK", "list": [1, 2]}, "status": 200}"#;
        let body = Body::parse(text, &NESTED).unwrap();
        assert!(body.fast);
        for c in NESTED.success {
            assert!(body.holds(std::slice::from_ref(c)), "{:?}", c.path);
        }
        assert_eq!(body.text(&["data", "message"]).as_deref(), Some("OK"));
        assert_eq!(body.at(&["data", "list"]), Some("[1, 2]"));
        // Paths the envelope does not name are walked to.
        assert!(body.at(&["data", "rc", "x"]).is_none());
        assert_eq!(body.at(&["data", "rc"]), Some(r#""00""#));
        assert_eq!(body.at(&[]), Some(text));
    }

    #[test]
    fn what_the_single_pass_refuses_is_read_as_before() {
        // `1e400` is JSON, but not an `f64`: skipped, it passes; where a
        // path goes through it, the pass reads it and refuses it.
        let text = r#"{"big": 1e400, "data": {"rc": "00", "list": [1e400]}, "status": 200}"#;
        let body = Body::parse(text, &NESTED).unwrap();
        assert!(body.fast);
        assert!(body.holds(NESTED.success));
        assert_eq!(body.at(&["data", "list"]), Some("[1e400]"));
        let text = r#"{"data": 1e400, "status": 200}"#;
        let body = Body::parse(text, &NESTED).unwrap();
        assert!(!body.fast);
        assert!(!body.holds(&NESTED.success[..1]));
        assert!(body.holds(&NESTED.success[1..]));
        assert_eq!(body.at(&["data", "list"]), None);
        assert_eq!(body.at(&["status"]), Some("200"));
    }

    #[test]
    fn repeated_keys_keep_the_last_and_null_is_absent() {
        let text = r#"{"data": {"rc": "00", "list": 1}, "data": {"list": 2}, "error": null}"#;
        let body = Body::parse(text, &NESTED).unwrap();
        assert_eq!(body.at(&["data", "list"]), Some("2"));
        assert_eq!(body.at(&["data", "rc"]), None);
        assert!(body.holds(&NESTED.success[2..3]));
    }

    #[test]
    fn a_path_that_ends_where_another_goes_on() {
        static BOTH: Envelope = env(&[], &["data"], Some(&["data", "message"]));
        let body = Body::parse(r#"{"data": {"message": "hi\u0021"}}"#, &BOTH).unwrap();
        assert_eq!(body.at(&["data"]), Some(r#"{"message": "hi\u0021"}"#));
        assert_eq!(body.error_fields(&BOTH).1.as_deref(), Some("hi!"));
    }

    #[test]
    fn escaped_keys_and_values() {
        let body = Body::parse(r#"{"st\u0061tus": "2\u0030\u0030"}"#, &NESTED).unwrap();
        assert!(body.holds(&NESTED.success[1..2]));
    }

    #[test]
    fn non_objects_have_no_fields() {
        let body = Body::parse("[1,2]", &NESTED).unwrap();
        assert!(body.at(&["data"]).is_none());
        assert!(body.at(&[]).is_some());
        let body = Body::parse(r#"{"data": "x"}"#, &NESTED).unwrap();
        assert!(body.at(&["data", "rc"]).is_none());
        assert!(Body::parse("{\"a\": 1", &NESTED).is_err());
        assert!(Body::parse("<html>", &NESTED).is_err());
        assert!(Body::parse("{} {}", &NESTED).is_err());
    }
}
