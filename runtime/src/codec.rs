//! Lenient decoders for the types these APIs lie about.
//!
//! A [`Codec`] decodes (and encodes) one Rust type from the wire. Generated
//! models name them in `#[serde(deserialize_with = ...)]` attributes through
//! [`decode`] and [`encode`], composed to fit the field's type:
//! `Opt<List<Dec>>` is an optional list of exact decimals, each a JSON number
//! or a numeric string.
//!
//! Every scalar codec accepts both a JSON number and a numeric string, because
//! the same field arrives both ways from the same provider (`"rate": "0.90"`,
//! `"rate": 0.9`). Money is [`Decimal`]: a JSON float is read back through its
//! shortest round-trip text, so `96496048.0450002` stays exactly that.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use crate::error::ItemError;

/// Decodes and encodes one Rust type.
pub trait Codec<T> {
    /// Reads `T` from the wire.
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<T, D::Error>;
    /// Writes `T` back in its wire form.
    fn encode<S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error>;
}

/// `deserialize_with` entry point: `decode::<Dec, _, _>`.
pub fn decode<'de, C: Codec<T>, T, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    C::decode(d)
}

/// `serialize_with` entry point: `encode::<Dec, _, _>`.
pub fn encode<C: Codec<T>, T, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    C::encode(v, s)
}

/// Decodes `T` from an already parsed JSON value.
pub fn from_value<C: Codec<T>, T>(v: serde_json::Value) -> Result<T, serde_json::Error> {
    C::decode(v)
}

/// Reads text leniently (numbers become their text); generated enums use it.
pub fn decode_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Str::decode(d)
}

/// The type's own serde implementation.
pub struct Plain;
impl<T: Serialize + for<'de> Deserialize<'de>> Codec<T> for Plain {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        // `T: for<'a> Deserialize<'a>` lets us go through an owned value without borrowing.
        T::deserialize(d)
    }
    fn encode<S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }
}

/// A JSON scalar seen as text: strings as is, numbers and booleans by their JSON text.
enum Scalar {
    Text(String),
    I(i64),
    U(u64),
    F(f64),
    B(bool),
}

struct ScalarVisitor(&'static str);
impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::B(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::I(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::U(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::F(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D, what: &'static str) -> Result<Scalar, D::Error> {
    d.deserialize_any(ScalarVisitor(what))
}

/// Text; a number is accepted and kept as its JSON text (`618e16ad6764`, `"10"`, `10`).
pub struct Str;
impl Codec<String> for Str {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        match scalar(d, "a string or a number")? {
            Scalar::Text(s) => Ok(s),
            Scalar::I(i) => Ok(i.to_string()),
            Scalar::U(u) => Ok(u.to_string()),
            Scalar::F(f) => Ok(f.to_string()),
            Scalar::B(_) => Err(de::Error::custom("expected a string, found a boolean")),
        }
    }
    fn encode<S: Serializer>(v: &String, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v)
    }
}

/// A secret in a text field (a password in a response): decoded like [`Str`]
/// into a [`crate::Secret`], which never prints; encoded as its text.
pub struct SecretText;
impl Codec<crate::Secret> for SecretText {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<crate::Secret, D::Error> {
        Str::decode(d).map(crate::Secret::new)
    }
    fn encode<S: Serializer>(v: &crate::Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.expose())
    }
}

/// A whole number (`i64`): a JSON integer, an integral float, or a numeric string.
pub struct Int;
impl Codec<i64> for Int {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        match scalar(d, "an integer or a numeric string")? {
            Scalar::I(i) => Ok(i),
            Scalar::U(u) => i64::try_from(u).map_err(|_| de::Error::custom("integer out of range")),
            Scalar::F(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
            Scalar::F(f) => Err(de::Error::custom(format!("expected an integer, found {f}"))),
            Scalar::Text(s) => s.trim().parse::<i64>().map_err(|_| {
                de::Error::custom(format!("expected an integer, found {:?}", excerpt(&s)))
            }),
            Scalar::B(_) => Err(de::Error::custom("expected an integer, found a boolean")),
        }
    }
    fn encode<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*v)
    }
}

/// An exact decimal: a JSON number (integer or float) or a numeric string.
pub struct Dec;
impl Codec<Decimal> for Dec {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let bad = |s: &str| {
            de::Error::custom(format!("expected a decimal number, found {:?}", excerpt(s)))
        };
        match scalar(d, "a number or a numeric string")? {
            Scalar::I(i) => Ok(Decimal::from(i)),
            Scalar::U(u) => Ok(Decimal::from(u)),
            // Rust prints the shortest text that reads back as the same f64, which is the
            // wire literal for any literal of up to 15 significant digits.
            Scalar::F(f) => {
                let text = f.to_string();
                Decimal::from_str(&text).map_err(|_| bad(&text))
            }
            Scalar::Text(s) => {
                let t = s.trim();
                Decimal::from_str(t)
                    .or_else(|_| Decimal::from_scientific(t))
                    .map_err(|_| bad(&s))
            }
            Scalar::B(_) => Err(de::Error::custom("expected a decimal, found a boolean")),
        }
    }
    fn encode<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        // Text keeps every digit in any serde format.
        s.serialize_str(&v.normalize().to_string())
    }
}

/// A boolean: `true`/`false`, `1`/`0`, or those as strings (also `"yes"`/`"no"`).
pub struct Bool;
impl Codec<bool> for Bool {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        match scalar(d, "a boolean, 0/1, or a boolean string")? {
            Scalar::B(b) => Ok(b),
            Scalar::I(0) | Scalar::U(0) => Ok(false),
            Scalar::I(1) | Scalar::U(1) => Ok(true),
            Scalar::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" | "" => Ok(false),
                _ => Err(de::Error::custom(format!(
                    "expected a boolean, found {:?}",
                    excerpt(&s)
                ))),
            },
            _ => Err(de::Error::custom("expected a boolean")),
        }
    }
    fn encode<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*v)
    }
}

/// A UNIX timestamp in seconds (number or numeric string).
pub struct Timestamp;
impl Codec<time::OffsetDateTime> for Timestamp {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<time::OffsetDateTime, D::Error> {
        let secs = Int::decode(d)?;
        time::OffsetDateTime::from_unix_timestamp(secs)
            .map_err(|_| de::Error::custom(format!("timestamp {secs} is out of range")))
    }
    fn encode<S: Serializer>(v: &time::OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(v.unix_timestamp())
    }
}

/// A date pattern declared in a spec, such as `dd/mm/yyyy`.
///
/// `yyyy`, `mm` and `dd` are the year, month and day; every other character is literal.
pub trait DatePattern {
    /// The pattern.
    const PATTERN: &'static str;
}

/// Formats a date with a spec pattern (`dd/mm/yyyy` gives `23/07/2019`).
pub fn format_date(date: &time::Date, pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("yyyy") {
            out.push_str(&format!("{:04}", date.year()));
            rest = r;
        } else if let Some(r) = rest.strip_prefix("mm") {
            out.push_str(&format!("{:02}", u8::from(date.month())));
            rest = r;
        } else if let Some(r) = rest.strip_prefix("dd") {
            out.push_str(&format!("{:02}", date.day()));
            rest = r;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Parses a date with a spec pattern. Fields may have fewer digits than the
/// pattern (`3/7/2019`) when a literal separator follows them.
pub fn parse_date(text: &str, pattern: &str) -> Option<time::Date> {
    let (mut y, mut m, mut d) = (None, None, None);
    let mut p = pattern;
    let mut t = text.trim();
    while !p.is_empty() {
        let (slot, max, rest) = if let Some(r) = p.strip_prefix("yyyy") {
            (&mut y, 4, r)
        } else if let Some(r) = p.strip_prefix("mm") {
            (&mut m, 2, r)
        } else if let Some(r) = p.strip_prefix("dd") {
            (&mut d, 2, r)
        } else {
            let c = p.chars().next()?;
            t = t.strip_prefix(c)?;
            p = &p[c.len_utf8()..];
            continue;
        };
        let n = t.bytes().take(max).take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        *slot = Some(t[..n].parse::<i32>().ok()?);
        t = &t[n..];
        p = rest;
    }
    if !t.is_empty() {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(m?).ok()?).ok()?;
    time::Date::from_calendar_date(y?, month, u8::try_from(d?).ok()?).ok()
}

/// A date written with the pattern `P`.
pub struct Date<P>(PhantomData<P>);
impl<P: DatePattern> Codec<time::Date> for Date<P> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<time::Date, D::Error> {
        let s = Str::decode(d)?;
        parse_date(&s, P::PATTERN).ok_or_else(|| {
            de::Error::custom(format!(
                "expected a date written {}, found {:?}",
                P::PATTERN,
                excerpt(&s)
            ))
        })
    }
    fn encode<S: Serializer>(v: &time::Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(v, P::PATTERN))
    }
}

/// `null` (or an absent field, with `#[serde(default)]`) is `None`.
pub struct Opt<C>(PhantomData<C>);
impl<T, C: Codec<T>> Codec<Option<T>> for Opt<C> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if v.is_null() {
            return Ok(None);
        }
        C::decode(v).map(Some).map_err(de::Error::custom)
    }
    fn encode<S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(x) => C::encode(x, s),
            None => s.serialize_none(),
        }
    }
}

/// Text values that mean "none" for one field (`"-"`, `"Unknown"`).
pub trait NoneValues {
    /// The sentinel texts.
    const VALUES: &'static [&'static str];
}

/// Like [`Opt`], and the sentinel texts of `N` are `None` too.
pub struct NoneIf<C, N>(PhantomData<(C, N)>);
impl<T, C: Codec<T>, N: NoneValues> Codec<Option<T>> for NoneIf<C, N> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match &v {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) if N::VALUES.contains(&s.as_str()) => Ok(None),
            _ => C::decode(v).map(Some).map_err(de::Error::custom),
        }
    }
    fn encode<S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        Opt::<C>::encode(v, s)
    }
}

/// A JSON array.
pub struct List<C>(PhantomData<C>);
impl<T, C: Codec<T>> Codec<Vec<T>> for List<C> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        struct V<T, C>(PhantomData<(T, C)>);
        impl<'de, T, C: Codec<T>> Visitor<'de> for V<T, C> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                // Cap the pre-allocation: a hostile size hint must not reserve gigabytes.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(Wrap(x, _)) = seq.next_element::<Wrap<T, C>>()? {
                    out.push(x);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V::<T, C>(PhantomData))
    }
    fn encode<S: Serializer>(v: &Vec<T>, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for x in v {
            seq.serialize_element(&Ref::<T, C>(x, PhantomData))?;
        }
        seq.end()
    }
}

/// A JSON object keyed by text (often an id), in key order.
pub struct Map<C>(PhantomData<C>);
impl<T, C: Codec<T>> Codec<BTreeMap<String, T>> for Map<C> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, T>, D::Error> {
        struct V<T, C>(PhantomData<(T, C)>);
        impl<'de, T, C: Codec<T>> Visitor<'de> for V<T, C> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, Wrap(v, _))) = m.next_entry::<String, Wrap<T, C>>()? {
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V::<T, C>(PhantomData))
    }
    fn encode<S: Serializer>(v: &BTreeMap<String, T>, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(v.len()))?;
        for (k, x) in v {
            m.serialize_entry(k, &Ref::<T, C>(x, PhantomData))?;
        }
        m.end()
    }
}

/// One item of a batch answer: the value, or `{"error": "..."}` for that item.
pub struct Item<C>(PhantomData<C>);
impl<T, C: Codec<T>> Codec<Result<T, ItemError>> for Item<C> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Result<T, ItemError>, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if let Some(err) = v.as_object().and_then(|o| o.get("error")) {
            let message = match err {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            return Ok(Err(ItemError { message }));
        }
        C::decode(v).map(Ok).map_err(de::Error::custom)
    }
    fn encode<S: Serializer>(v: &Result<T, ItemError>, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match v {
            Ok(x) => C::encode(x, s),
            Err(e) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("error", &e.message)?;
                m.end()
            }
        }
    }
}

/// Carries a codec into serde's element-wise APIs.
struct Wrap<T, C>(T, PhantomData<C>);
impl<'de, T, C: Codec<T>> Deserialize<'de> for Wrap<T, C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        C::decode(d).map(|v| Wrap(v, PhantomData))
    }
}
struct Ref<'a, T, C>(&'a T, PhantomData<C>);
impl<T, C: Codec<T>> Serialize for Ref<'_, T, C> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        C::encode(self.0, s)
    }
}

/// The first 64 characters of a value, for error messages.
fn excerpt(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dec(v: serde_json::Value) -> Result<Decimal, serde_json::Error> {
        from_value::<Dec, _>(v)
    }

    #[test]
    fn decimals_are_exact_from_floats_and_strings() {
        let d = dec(json!(96496048.0450002)).unwrap();
        assert_eq!(d.to_string(), "96496048.0450002");
        let d: Decimal =
            Dec::decode(&mut serde_json::Deserializer::from_str("96496048.0450002")).unwrap();
        assert_eq!(d.to_string(), "96496048.0450002");
        assert_eq!(dec(json!("0.27819")).unwrap().to_string(), "0.27819");
        assert_eq!(dec(json!(100000)).unwrap().to_string(), "100000");
        assert!(dec(json!("abc")).is_err());
        assert!(dec(json!(true)).is_err());
    }

    #[test]
    fn integers_accept_numeric_strings_only() {
        assert_eq!(from_value::<Int, i64>(json!("23501")).unwrap(), 23501);
        assert_eq!(from_value::<Int, i64>(json!(1.0)).unwrap(), 1);
        assert!(from_value::<Int, i64>(json!("Unknown")).is_err());
        assert!(from_value::<Int, i64>(json!(1.5)).is_err());
        assert!(from_value::<Int, i64>(json!(u64::MAX)).is_err());
    }

    #[test]
    fn booleans_accept_numbers_and_strings() {
        for (v, b) in [
            (json!("1"), true),
            (json!(0), false),
            (json!(true), true),
            (json!("false"), false),
        ] {
            assert_eq!(from_value::<Bool, bool>(v).unwrap(), b);
        }
        assert!(from_value::<Bool, bool>(json!("maybe")).is_err());
    }

    struct Dash;
    impl NoneValues for Dash {
        const VALUES: &'static [&'static str] = &["-", "Unknown"];
    }

    #[test]
    fn sentinels_are_none() {
        type C = NoneIf<Int, Dash>;
        assert_eq!(from_value::<C, _>(json!("Unknown")).unwrap(), None);
        assert_eq!(from_value::<C, _>(json!("157")).unwrap(), Some(157));
        assert_eq!(from_value::<C, _>(json!(null)).unwrap(), None);
    }

    #[test]
    fn items_are_values_or_errors() {
        let v: BTreeMap<String, Result<i64, ItemError>> = from_value::<Map<Item<Int>>, _>(
            json!({"1": "5", "10": {"error": "Incorrect order ID"}}),
        )
        .unwrap();
        assert_eq!(v["1"], Ok(5));
        assert_eq!(v["10"].as_ref().unwrap_err().message, "Incorrect order ID");
    }

    struct DayFirst;
    impl DatePattern for DayFirst {
        const PATTERN: &'static str = "dd/mm/yyyy";
    }

    #[test]
    fn dates_follow_the_pattern() {
        let d = from_value::<Date<DayFirst>, _>(json!("23/07/2019")).unwrap();
        assert_eq!(d, time::macros::date!(2019 - 07 - 23));
        assert_eq!(format_date(&d, "dd/mm/yyyy"), "23/07/2019");
        assert!(from_value::<Date<DayFirst>, _>(json!("2019-07-23")).is_err());
        assert!(from_value::<Date<DayFirst>, _>(json!("31/02/2019")).is_err());
        assert_eq!(
            parse_date("3/7/2019", "dd/mm/yyyy"),
            Some(time::macros::date!(2019 - 07 - 03))
        );
    }
}
