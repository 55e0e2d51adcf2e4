//! Reading a response body through its envelope: success, pending, error
//! fields and payload.
//!
//! A successful answer is read once: the payload is decoded by the generated
//! types in the same pass that finds the envelope's success fields
//! ([`decode`]). Anything else (a failed condition, a body that does not
//! decode) is read again by [`Body`], which keeps the value at each of the
//! envelope's paths as borrowed JSON text, and the error is built from that.

use crate::codec::Codec;
use crate::op::{Condition, Envelope, Lit, Test};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

mod root;

/// Most envelope paths one pass collects. [`Body`] looks further ones (an
/// envelope with more than a dozen conditions) up by walking the text;
/// [`decode`] leaves such envelopes to it.
const MAX_PATHS: usize = 16;

type Path = &'static [&'static str];

/// The paths one pass reads; a path is named by its index here.
#[derive(Clone, Copy)]
struct Paths {
    list: [Path; MAX_PATHS],
    len: usize,
}

impl Paths {
    /// The first [`MAX_PATHS`] of `all`.
    fn new(all: impl Iterator<Item = Path>) -> Self {
        let mut paths = Paths {
            list: [&[]; MAX_PATHS],
            len: 0,
        };
        for (slot, p) in paths.list.iter_mut().zip(all) {
            *slot = p;
            paths.len += 1;
        }
        paths
    }

    /// Every path an envelope reads: payload (index 0), code, message, then
    /// each success and each pending condition's.
    fn all(env: &Envelope) -> Self {
        Paths::new(
            std::iter::once(env.payload)
                .chain(env.code)
                .chain(env.message)
                .chain(env.success.iter().map(|c| c.path))
                .chain(env.pending.iter().map(|c| c.path)),
        )
    }

    fn get(&self) -> &[Path] {
        &self.list[..self.len]
    }

    fn index(&self, path: &[&str]) -> Option<usize> {
        self.get().iter().position(|p| *p == path)
    }

    /// The bits of the paths that go into the body (all but the empty one).
    fn mask(&self) -> u32 {
        let mut mask = 0;
        for (i, p) in self.get().iter().enumerate() {
            if !p.is_empty() {
                mask |= 1 << i;
            }
        }
        mask
    }
}

/// The payload of a successful answer, decoded with `C` in the same pass
/// that reads the success fields, when that pass says it all: the body is
/// JSON, every success condition holds, and the payload is there and
/// decodes. `None` otherwise: the caller then reads the body with [`Body`],
/// which finds what is wrong exactly as it always has.
pub(crate) fn decode<T, C: Codec<T>>(text: &str, env: &Envelope) -> Option<T> {
    if 1 + env.success.len() > MAX_PATHS {
        return None;
    }
    let text = text.trim();
    let paths = Paths::new(std::iter::once(env.payload).chain(env.success.iter().map(|c| c.path)));
    let mut found = [None; MAX_PATHS];
    let mut payload = Payload::<T, C>::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let mask = paths.mask();
    let scan = Scan {
        paths: &paths,
        found: &mut found,
        sink: &mut payload,
        depth: 0,
        mask,
    };
    if env.payload.is_empty() {
        // The payload is the whole body: its root object's keys go by as it
        // is decoded, and the success fields among them are kept.
        let mut seen = false;
        let value = C::decode(root::Root::new(&mut de, scan, &mut seen)).ok()?;
        if mask != 0 && !seen {
            return None;
        }
        payload.value = Some(value);
    } else {
        scan.deserialize(&mut de).ok()?;
    }
    de.end().ok()?;
    let body = Body {
        text,
        paths,
        found,
        fast: true,
    };
    if !body.holds(env.success) {
        return None;
    }
    payload.value
}

/// No paths to keep: a body parsed with it is checked, and every value is then
/// found by walking its text (what a callback verifier, which reads its own
/// paths, needs).
pub(crate) const NO_PATHS: Envelope = Envelope {
    success: &[],
    pending: &[],
    payload: &[],
    code: None,
    message: None,
};

/// A parsed response body.
///
/// Parsing checks the whole body once and, in that same pass, keeps the JSON
/// text of the value at each of the envelope's paths (borrowed from the body,
/// nothing allocated); objects on the way to a path are walked into, every
/// other value is only skipped.
pub(crate) struct Body<'a> {
    text: &'a str,
    paths: Paths,
    /// The value at each path, by its index in `paths`.
    found: [Option<&'a str>; MAX_PATHS],
    /// False when the single pass refused the body but it is JSON all the
    /// same (a number beyond `f64` on the way): values are then looked up by
    /// walking the text, as an untyped reader sees it.
    fast: bool,
}

impl<'a> Body<'a> {
    /// Checks that `text` is one JSON value and finds the envelope's paths in it.
    pub(crate) fn parse(text: &'a str, env: &Envelope) -> Result<Self, serde_json::Error> {
        let text = text.trim();
        let mut body = Body {
            text,
            paths: Paths::all(env),
            found: [None; MAX_PATHS],
            fast: true,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let scan = Scan {
            paths: &body.paths,
            found: &mut body.found,
            sink: &mut NoSink,
            depth: 0,
            mask: body.paths.mask(),
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
            if let Some(i) = self.paths.index(path) {
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

/// Where a pass puts the payload (the path at index 0) when it decodes it
/// on the way instead of keeping its text.
trait Sink {
    /// True when the payload is decoded where it is found.
    const DECODES: bool;
    /// Decodes the payload from `d`.
    fn decode<'de, D: de::Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error>;
    /// Forgets a payload decoded before (a repeated key replaces it).
    fn clear(&mut self);
}

/// Keeps the payload's text, like every other path's.
struct NoSink;

impl Sink for NoSink {
    const DECODES: bool = false;
    fn decode<'de, D: de::Deserializer<'de>>(&mut self, _: D) -> Result<(), D::Error> {
        Ok(())
    }
    fn clear(&mut self) {}
}

/// Decodes the payload with codec `C`.
struct Payload<T, C> {
    value: Option<T>,
    codec: PhantomData<C>,
}

impl<T, C> Default for Payload<T, C> {
    fn default() -> Self {
        Payload {
            value: None,
            codec: PhantomData,
        }
    }
}

impl<T, C: Codec<T>> Sink for Payload<T, C> {
    const DECODES: bool = true;
    fn decode<'de, D: de::Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        self.value = Some(C::decode(d)?);
        Ok(())
    }
    fn clear(&mut self) {
        self.value = None;
    }
}

/// [`Sink::decode`] as the seed of a map value.
struct SinkSeed<'s, S>(&'s mut S);

impl<'de, S: Sink> DeserializeSeed<'de> for SinkSeed<'_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.decode(d)
    }
}

/// One object level of a pass: `mask` has the bits of the paths that run
/// through this object, `depth` keys deep.
struct Scan<'s, 'a, S> {
    paths: &'s Paths,
    found: &'s mut [Option<&'a str>; MAX_PATHS],
    sink: &'s mut S,
    depth: usize,
    mask: u32,
}

impl<'s, 'a, S> Scan<'s, 'a, S> {
    /// Which of this level's paths end at `key`, and which go on through it.
    fn split(&self, key: &str) -> (u32, u32) {
        let (mut ends, mut through) = (0, 0);
        for (i, p) in self.paths.get().iter().enumerate() {
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

    /// Keeps `raw` as the value of the paths in `mask`.
    fn keep(&mut self, mask: u32, raw: &'a str) {
        for (i, slot) in self.found.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                *slot = Some(raw);
            }
        }
    }

    fn nested(&mut self, mask: u32) -> Scan<'_, 'a, S> {
        Scan {
            paths: self.paths,
            found: self.found,
            sink: self.sink,
            depth: self.depth + 1,
            mask,
        }
    }
}

impl<'a, S: Sink> Scan<'_, 'a, S> {
    /// Forgets what the paths in `mask` were given (a repeated key replaces it).
    fn clear(&mut self, mask: u32) {
        for (i, slot) in self.found.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                *slot = None;
            }
        }
        if mask & 1 != 0 {
            self.sink.clear();
        }
    }

    /// Reads a value that some paths end at (`ends`) or go through
    /// (`through`) from its whole text: kept, decoded when it is the
    /// payload, walked into (a second read of this value only).
    fn take(&mut self, raw: &'a str, ends: u32, through: u32) -> Result<(), serde_json::Error> {
        self.keep(ends, raw);
        if S::DECODES && ends & 1 != 0 {
            self.sink
                .decode(&mut serde_json::Deserializer::from_str(raw))?;
        }
        if through != 0 {
            self.nested(through)
                .deserialize(&mut serde_json::Deserializer::from_str(raw))?;
        }
        Ok(())
    }
}

impl<'de: 'a, 'a, S: Sink> DeserializeSeed<'de> for Scan<'_, 'a, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de: 'a, 'a, S: Sink> Visitor<'de> for Scan<'_, 'a, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some((ends, through)) = map.next_key_seed(Key(&self))? {
            // A repeated key replaces what an earlier one gave.
            self.clear(ends | through);
            if S::DECODES && ends == 1 && through == 0 {
                // Only the payload ends here: decoded where it stands.
                map.next_value_seed(SinkSeed(&mut *self.sink))?;
            } else if ends != 0 {
                let raw: &'de RawValue = map.next_value()?;
                self.take(raw.get(), ends, through)
                    .map_err(de::Error::custom)?;
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
struct Key<'k, 's, 'a, S>(&'k Scan<'s, 'a, S>);

impl<'de, S> DeserializeSeed<'de> for Key<'_, '_, '_, S> {
    type Value = (u32, u32);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(u32, u32), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, S> Visitor<'de> for Key<'_, '_, '_, S> {
    type Value = (u32, u32);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, key: &str) -> Result<(u32, u32), E> {
        Ok(self.0.split(key))
    }
}

#[cfg(test)]
mod tests;
