//! Objects whose fields the spec lists only in part, keeping the rest
//! (`unknown_fields:` in a spec): IAK's per-product `desc`.
//!
//! The object is read once into its entries, each value kept as its JSON
//! text; the listed fields are then decoded from those texts by the
//! generated type (so every codec still sees every digit), and the other
//! entries become JSON values. serde's `#[serde(flatten)]` is not used: it
//! buffers the whole object into already parsed values, numbers included.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::RawJson;

/// Decodes an object into `T` (its listed fields, by the wire names in
/// `known`) and the entries `known` does not name, as JSON values by key.
/// A key sent twice is decoded as `T` decides; its last value is kept.
pub fn decode_keeping_unknown<'de, T, D>(
    d: D,
    known: &[&str],
) -> Result<(T, BTreeMap<String, serde_json::Value>), D::Error>
where
    T: DeserializeOwned,
    D: Deserializer<'de>,
{
    let entries = d.deserialize_map(EntriesVisitor)?;
    let listed = T::deserialize(Entries(&entries)).map_err(|e| de::Error::custom(e.to_string()))?;
    let mut other = BTreeMap::new();
    for (k, raw) in &entries {
        if !known.contains(&k.as_str()) {
            let v = serde_json::from_str(raw).map_err(de::Error::custom)?;
            other.insert(k.clone(), v);
        }
    }
    Ok((listed, other))
}

/// An object's entries, each value as its JSON text.
type Raw<'de> = Vec<(String, Cow<'de, str>)>;

struct EntriesVisitor;
impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Raw<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        // Cap the pre-allocation: a hostile size hint must not reserve gigabytes.
        let mut out = Vec::with_capacity(m.size_hint().unwrap_or(0).min(256));
        while let Some((k, RawJson(v))) = m.next_entry::<String, RawJson<'de>>()? {
            out.push((k, v));
        }
        Ok(out)
    }
}

/// The entries as a deserializer of one object, each value read from its text.
struct Entries<'a, 'r>(&'a Raw<'r>);

impl<'de> Deserializer<'de> for Entries<'de, '_> {
    type Error = serde_json::Error;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        v.visit_map(EntriesAccess {
            iter: self.0.iter(),
            value: None,
        })
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct
        enum identifier ignored_any
    }
}

struct EntriesAccess<'a, 'r> {
    iter: std::slice::Iter<'a, (String, Cow<'r, str>)>,
    value: Option<&'a str>,
}

impl<'a> MapAccess<'a> for EntriesAccess<'a, '_> {
    type Error = serde_json::Error;
    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((k, v)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(v);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(k))
            .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'a>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let text = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without its key"))?;
        let mut de = serde_json::Deserializer::from_str(text);
        let v = seed.deserialize(&mut de)?;
        de.end()?;
        Ok(v)
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Listed {
        #[serde(with = "crate::with::dec")]
        total: Decimal,
        #[serde(default, with = "crate::with::opt_str")]
        tarif: Option<String>,
    }

    fn read(
        text: &str,
    ) -> Result<(Listed, BTreeMap<String, serde_json::Value>), serde_json::Error> {
        decode_keeping_unknown::<Listed, _>(
            &mut serde_json::Deserializer::from_str(text),
            &["total", "tarif"],
        )
    }

    #[test]
    fn listed_fields_keep_their_digits_and_the_rest_is_kept() {
        let (listed, other) = read(
            r#"{"total": 12345678901234567.891, "daya": 1300, "lembar_tagihan": "1",
                "tagihan": {"detail": [{"periode": "201608"}]}}"#,
        )
        .unwrap();
        assert_eq!(listed.total.to_string(), "12345678901234567.891");
        assert_eq!(listed.tarif, None);
        assert_eq!(
            other.keys().collect::<Vec<_>>(),
            ["daya", "lembar_tagihan", "tagihan"]
        );
        assert_eq!(other["tagihan"]["detail"][0]["periode"], "201608");
        // Also from an already parsed value (another deserializer than serde_json's text).
        let v = serde_json::json!({"total": "2500", "x": [1]});
        let (listed, other): (Listed, _) = decode_keeping_unknown(v, &["total", "tarif"]).unwrap();
        assert_eq!(listed.total, Decimal::from(2500));
        assert_eq!(other["x"], serde_json::json!([1]));
    }

    #[test]
    fn missing_listed_fields_and_non_objects_are_errors() {
        let e = read(r#"{"tarif": "R1"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `total`"), "{e}");
        let e = read(r#"{"total": "abc"}"#).unwrap_err();
        assert!(e.to_string().contains("expected a decimal"), "{e}");
        assert!(read("[]").is_err());
        assert!(read(r#""""#).is_err());
    }
}
