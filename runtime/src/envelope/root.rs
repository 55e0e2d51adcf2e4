//! The whole body as the payload: it is decoded by the generated types, and
//! the success fields among its root object's keys are kept as they go by,
//! so that the answer is read once.
//!
//! [`Root`] is serde_json's deserializer with one difference: when the
//! payload's type reads the root as an object, each key is also offered to
//! the envelope's [`Scan`], and the value of a key the envelope names is
//! kept as text before the payload's type reads it from that text. Every
//! other request, and every value below the root, goes to serde_json as is.

use super::{Scan, Sink};
use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

type Json<'a> = serde_json::Deserializer<serde_json::de::StrRead<'a>>;

/// serde_json's deserializer over the body, watching the root object's keys.
pub(super) struct Root<'d, 's, 'a, S> {
    de: &'d mut Json<'a>,
    scan: Scan<'s, 'a, S>,
    /// Set when the root was read as an object (and so every key was seen).
    seen: &'s mut bool,
}

impl<'d, 's, 'a, S> Root<'d, 's, 'a, S> {
    pub(super) fn new(de: &'d mut Json<'a>, scan: Scan<'s, 'a, S>, seen: &'s mut bool) -> Self {
        Root { de, scan, seen }
    }

    /// serde_json's deserializer, and `v` wrapped to watch the root's keys.
    fn watch<V>(self, v: V) -> (&'d mut Json<'a>, RootVisitor<'s, 'a, S, V>) {
        let visitor = RootVisitor {
            inner: v,
            scan: self.scan,
            seen: self.seen,
        };
        (self.de, visitor)
    }
}

macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
            self.de.$method(v)
        }
    )*};
}

impl<'de, S: Sink> de::Deserializer<'de> for Root<'_, '_, 'de, S> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        let (de, visitor) = self.watch(v);
        de.deserialize_any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        let (de, visitor) = self.watch(v);
        de.deserialize_map(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Self::Error> {
        let (de, visitor) = self.watch(v);
        de.deserialize_struct(name, fields, visitor)
    }

    forward! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_option
        deserialize_unit deserialize_seq deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Self::Error> {
        self.de.deserialize_unit_struct(name, v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Self::Error> {
        self.de.deserialize_newtype_struct(name, v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, Self::Error> {
        self.de.deserialize_tuple(len, v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, Self::Error> {
        self.de.deserialize_tuple_struct(name, len, v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Self::Error> {
        self.de.deserialize_enum(name, variants, v)
    }
}

/// The payload type's visitor for the root value: an object's keys are
/// watched, anything else goes to it unchanged.
struct RootVisitor<'s, 'a, S, V> {
    inner: V,
    scan: Scan<'s, 'a, S>,
    seen: &'s mut bool,
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, S: Sink, V: Visitor<'de>> Visitor<'de> for RootVisitor<'_, 'de, S, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        *self.seen = true;
        self.inner.visit_map(Watched {
            map,
            scan: self.scan,
            pending: (0, 0),
        })
    }

    forward_visit! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
        visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
        visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str)
        visit_borrowed_str(&'de str) visit_string(String) visit_bytes(&[u8])
        visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(d)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

/// The root object, key by key: a key the envelope names has its value kept
/// (and walked into, for longer paths) before the payload's type reads it.
struct Watched<'s, 'a, S, A> {
    map: A,
    scan: Scan<'s, 'a, S>,
    /// What the envelope wants of the value after the last key.
    pending: (u32, u32),
}

impl<'de, S: Sink, A: MapAccess<'de>> MapAccess<'de> for Watched<'_, 'de, S, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key_seed(KeyText)? else {
            return Ok(None);
        };
        let key = match key {
            std::borrow::Cow::Borrowed(k) => {
                self.pending = self.scan.split(k);
                seed.deserialize(de::value::BorrowedStrDeserializer::new(k))
            }
            std::borrow::Cow::Owned(k) => {
                self.pending = self.scan.split(&k);
                seed.deserialize(de::value::StringDeserializer::new(k))
            }
        };
        key.map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let (ends, through) = std::mem::take(&mut self.pending);
        if ends | through == 0 {
            return self.map.next_value_seed(seed);
        }
        self.scan.clear(ends | through);
        let raw: &'de RawValue = self.map.next_value()?;
        self.scan
            .take(raw.get(), ends, through)
            .map_err(de::Error::custom)?;
        seed.deserialize(&mut serde_json::Deserializer::from_str(raw.get()))
            .map_err(de::Error::custom)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A key's text, borrowed from the body when it has no escapes.
struct KeyText;

impl<'de> DeserializeSeed<'de> for KeyText {
    type Value = std::borrow::Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyText {
    type Value = std::borrow::Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v))
    }
}
