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
//! `"rate": 0.9`).
//!
//! # Numbers are read by their text
//!
//! A JSON number is never read through `f64`. Each scalar codec asks for the
//! value's JSON text (`serde_json::value::RawValue`'s mechanism, borrowed from
//! the input when the deserializer is serde_json's over a string, owned when
//! it is a `serde_json::Value`) and interprets it: a [`Dec`] gets every digit
//! and the scale (`1.10` stays `1.10`) or an error when the number does not
//! fit a [`Decimal`] (more than 28 decimals, beyond ±79228162514264337593543950335),
//! never a rounded value; a [`Str`] keeps a number's exact text (`1e5`,
//! `18446744073709551616`); an [`Int`] is exact or an error. Codecs that must
//! look at a value before decoding it ([`NoneIf`], [`Item`], generated unions
//! through [`RawJson`]) keep its text, not a `serde_json::Value`, and decode
//! from that text again. Deserializers that are not serde_json's (serde's
//! buffered `Content` under a user's `#[serde(untagged)]`, other formats) hand
//! over already parsed values; those are read as before, as exactly as the
//! value they give.

use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

use crate::error::ItemError;

mod datetime;
mod unknown;

pub use crate::binary::BinaryAnswer;
pub use datetime::{
    format_datetime, format_datetime_at, parse_datetime, DateTime, DateTimeAt, DateTimePattern,
    FixedOffset,
};
pub use unknown::decode_keeping_unknown;

/// Decodes and encodes one Rust type.
pub trait Codec<T> {
    /// Reads `T` from the wire.
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<T, D::Error>;
    /// Writes `T` back in its wire form.
    fn encode<S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error>;
    /// Reads `T` from one value's JSON text, as [`NoneIf`], [`Item`] and
    /// [`RawJson`] hold it. The default decodes the text again with
    /// [`Codec::decode`]; the scalar codecs read it directly.
    #[doc(hidden)]
    fn decode_raw<E: de::Error>(raw: Cow<'_, str>) -> Result<T, E>
    where
        Self: Sized,
    {
        decode_again::<Self, T, E>(&raw)
    }
    /// Builds `T` from a whole answer that is not JSON (a `binary`
    /// response). Only [`BinaryAnswer`] can; every other codec reads JSON.
    #[doc(hidden)]
    fn decode_binary(answer: crate::Binary) -> Result<T, String>
    where
        Self: Sized,
    {
        Err(format!(
            "a document ({} bytes) came where JSON was expected",
            answer.bytes.len()
        ))
    }
}

/// Decodes `text` (one JSON value) with `C`; an error keeps its message
/// without a position inside `text` (the outer deserializer adds its own).
fn decode_again<C: Codec<T>, T, E: de::Error>(text: &str) -> Result<T, E> {
    C::decode(&mut serde_json::Deserializer::from_str(text)).map_err(|e| {
        let msg = e.to_string();
        let at = format!(" at line {} column {}", e.line(), e.column());
        E::custom(msg.strip_suffix(&at).unwrap_or(&msg))
    })
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
///
/// A `serde_json::Value` holds numbers as `f64`/`i64`/`u64`, so a number with
/// more than 17 significant digits has lost them before this is called; decode
/// from the text ([`RawJson::decode`], `serde_json::Deserializer::from_str`)
/// to keep them.
pub fn from_value<C: Codec<T>, T>(v: serde_json::Value) -> Result<T, serde_json::Error> {
    C::decode(v)
}

/// Reads text leniently (numbers become their text).
pub fn decode_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Str::decode(d)
}

/// Reads text like [`decode_text`] and hands it to `f`, borrowed from the
/// input when it has no escapes (no `String` for a known enum value);
/// generated enums use it.
pub fn decode_text_with<'de, D: Deserializer<'de>, T>(
    d: D,
    f: impl FnOnce(&str) -> T,
) -> Result<T, D::Error> {
    let raw = raw_text(d)?;
    let b = raw.as_bytes();
    if b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"' && !has_backslash(b) {
        return Ok(f(&raw[1..raw.len() - 1]));
    }
    Ok(f(&str_from_raw::<D::Error>(raw)?))
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

// ---------------------------------------------------------------------------
// The JSON text of one value.

/// The name under which serde_json hands out a value's raw text
/// (`RawValue`'s `Deserialize` asks for a newtype struct of that name). It is
/// read from `RawValue`'s own `Deserialize` impl, once, rather than copied:
/// `None` if a future serde_json stops working that way, and then
/// [`raw_text`] uses the public `Box<RawValue>` (same result, one allocation).
fn raw_token() -> Option<&'static str> {
    static TOKEN: OnceLock<Option<&'static str>> = OnceLock::new();
    *TOKEN.get_or_init(|| {
        struct Probe;
        #[derive(Debug)]
        struct Seen(Option<&'static str>);
        impl fmt::Display for Seen {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("probe")
            }
        }
        impl std::error::Error for Seen {}
        impl de::Error for Seen {
            fn custom<M: fmt::Display>(_: M) -> Self {
                Seen(None)
            }
        }
        impl<'de> Deserializer<'de> for Probe {
            type Error = Seen;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Seen> {
                Err(Seen(None))
            }
            fn deserialize_newtype_struct<V: Visitor<'de>>(
                self,
                name: &'static str,
                _: V,
            ) -> Result<V::Value, Seen> {
                Err(Seen(Some(name)))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                bytes byte_buf option unit unit_struct seq tuple tuple_struct map struct
                enum identifier ignored_any
            }
        }
        match <&RawValue as Deserialize>::deserialize(Probe) {
            Err(Seen(name)) => name,
            Ok(_) => None,
        }
    })
}

/// The JSON text of the next value: borrowed from the input when the
/// deserializer reads a string or slice, owned when it is a
/// `serde_json::Value` (its own text) or a reader. Any other deserializer
/// gives its parsed value, written back as JSON.
#[inline]
fn raw_text<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    match raw_token() {
        Some(token) => d.deserialize_newtype_struct(token, RawVisitor { token }),
        None => <Box<RawValue>>::deserialize(d).map(|r| Cow::Owned(r.get().to_owned())),
    }
}

struct RawVisitor {
    token: &'static str,
}

fn json_text<T: Serialize + ?Sized, E: de::Error>(v: &T) -> Result<Cow<'static, str>, E> {
    serde_json::to_string(v).map(Cow::Owned).map_err(E::custom)
}

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        // serde_json answers the raw-value request with a one-entry map: the
        // token, then the text. Any other map is a real object from another
        // deserializer.
        match m.next_key_seed(RawKey(self.token))? {
            Some(None) => m.next_value_seed(Text),
            Some(Some(first)) => {
                let mut obj = serde_json::Map::new();
                obj.insert(first, m.next_value()?);
                while let Some((k, v)) = m.next_entry::<String, serde_json::Value>()? {
                    obj.insert(k, v);
                }
                json_text(&obj)
            }
            None => Ok(Cow::Borrowed("{}")),
        }
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        serde_json::Value::deserialize(d).and_then(|v| json_text(&v))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        serde_json::Value::deserialize(d).and_then(|v| json_text(&v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        json_text(&v)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed("null"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed("null"))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(if v { "true" } else { "false" }))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        json_text(&v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        json_text(v)
    }
}

/// The first key of [`RawVisitor::visit_map`]: `None` for serde_json's token.
struct RawKey(&'static str);
impl<'de> DeserializeSeed<'de> for RawKey {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}
impl<'de> Visitor<'de> for RawKey {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let token = std::ptr::eq(v, self.0) || v == self.0;
        Ok((!token).then(|| v.to_owned()))
    }
}

/// The text serde_json hands out, borrowed when it can.
struct Text;
impl<'de> DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}
impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("raw JSON text")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// One JSON value kept as its exact text, to be decoded later, possibly more
/// than once (generated unions try each alternative on it).
///
/// Borrowed from the input when the deserializer allows it. Unlike a
/// `serde_json::Value`, it keeps every digit of its numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawJson<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for RawJson<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        raw_text(d).map(RawJson)
    }
}

impl RawJson<'_> {
    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }

    /// Decodes the value with a codec.
    pub fn decode<C: Codec<T>, T>(&self) -> Result<T, serde_json::Error> {
        C::decode_raw(Cow::Borrowed(&*self.0))
    }
}

/// A scalar value as its JSON text says it.
enum Scalar<'a> {
    /// A string's contents, unescaped.
    Text(Cow<'a, str>),
    /// A number's exact text (valid JSON number syntax).
    Num(&'a str),
    Bool(bool),
    Null,
    /// An object or an array: `"an object"`, `"a list"`.
    Other(&'static str),
}

/// Reads the JSON text of a scalar; the text of a string is unescaped
/// (borrowed when it has no escapes).
fn scalar<'a, E: de::Error>(text: &'a str) -> Result<Scalar<'a>, E> {
    // serde_json's raw texts have no surrounding whitespace; be lenient anyway.
    let t = text.trim_ascii();
    Ok(match t.as_bytes().first() {
        Some(b'"') => {
            let inner = t
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .ok_or_else(|| E::custom("malformed JSON string"))?;
            if has_backslash(inner.as_bytes()) {
                Scalar::Text(Cow::Owned(
                    serde_json::from_str::<String>(t).map_err(E::custom)?,
                ))
            } else {
                Scalar::Text(Cow::Borrowed(inner))
            }
        }
        Some(b'-' | b'0'..=b'9') => Scalar::Num(t),
        Some(b't') if t == "true" => Scalar::Bool(true),
        Some(b'f') if t == "false" => Scalar::Bool(false),
        Some(b'n') if t == "null" => Scalar::Null,
        Some(b'{') => Scalar::Other("an object"),
        Some(b'[') => Scalar::Other("a list"),
        _ => return Err(E::custom(format!("malformed JSON value {:?}", excerpt(t)))),
    })
}

/// Whether a string's text has an escape. No early exit: short strings are
/// the rule, and this form vectorises.
#[inline]
fn has_backslash(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        // Zero bytes of `x` are backslashes (the classic "has zero byte" test).
        let x = u64::from_le_bytes(w) ^ (ONES * u64::from(b'\\'));
        if x.wrapping_sub(ONES) & !x & HIGH != 0 {
            return true;
        }
    }
    chunks.remainder().contains(&b'\\')
}

/// Where `part` (a slice of `whole`) lies in `whole`.
fn range_in(whole: &str, part: &str) -> std::ops::Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

/// `raw[range]` as a `String`, reusing an owned text's buffer.
fn owned_part(raw: Cow<'_, str>, range: std::ops::Range<usize>) -> String {
    match raw {
        Cow::Borrowed(r) => r[range].to_owned(),
        Cow::Owned(mut r) => {
            r.truncate(range.end);
            r.drain(..range.start);
            r
        }
    }
}

fn found(s: &Scalar) -> String {
    match s {
        Scalar::Text(t) => format!("{:?}", excerpt(t)),
        Scalar::Num(n) => excerpt(n),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Null => "null".to_owned(),
        Scalar::Other(what) => (*what).to_owned(),
    }
}

// ---------------------------------------------------------------------------
// Exact decimals from text.

/// Why a number's text is not a [`Decimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DecimalError {
    /// Not a number.
    Syntax,
    /// A number, but not one a `Decimal` holds exactly.
    Range,
}

/// The largest mantissa of a `Decimal`: 2^96 - 1.
const MAX_MANTISSA: u128 = (1 << 96) - 1;
/// 10^0 ..= 10^29.
const POW10: [u128; 30] = {
    let mut t = [1u128; 30];
    let mut i = 1;
    while i < 30 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};
/// The most decimals a `Decimal` holds.
const MAX_SCALE: i64 = 28;

/// `digits` or `digits.digits`, at most 18 digits in all: the digits as one
/// number and the count after the point, the `Decimal` they make.
fn short_decimal(b: &[u8]) -> Option<(i64, u32)> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let (mut n, mut point) = (0u64, None);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => n = n * 10 + u64::from(c - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < b.len() => point = Some(i),
            _ => return None,
        }
    }
    let scale = point.map_or(0, |p| b.len() - p - 1);
    if b.len() - usize::from(point.is_some()) > 18 {
        return None;
    }
    // At most 18 digits: below 10^18, an `i64`.
    Some((n as i64, scale as u32))
}

/// Reads a number's text, `[+-]digits[.digits][(e|E)[+-]digits]`, into the
/// `Decimal` that holds exactly that value, with the text's scale (`1.10` has
/// scale 2; `1e3` is `1000`, scale 0). Trailing zeros beyond 28 decimals are
/// dropped, which keeps the value; anything that would need rounding or more
/// than 96 bits is [`DecimalError::Range`]. Linear in the text, never panics.
///
/// `lenient` (numeric strings) also accepts `5.` and `.5`; JSON numbers never
/// reach here with those shapes, serde_json has already rejected them.
fn exact_decimal(text: &str, lenient: bool) -> Result<Decimal, DecimalError> {
    let b = text.as_bytes();
    // The common case: up to 18 digits, with or without a fraction.
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    if let Some((n, scale)) = short_decimal(digits) {
        return Ok(Decimal::new(
            if digits.len() < b.len() { -n } else { n },
            scale,
        ));
    }
    any_decimal(b, lenient)
}

/// [`exact_decimal`] for any text, digit by digit.
fn any_decimal(b: &[u8], lenient: bool) -> Result<Decimal, DecimalError> {
    let mut i = 0;
    let neg = match b.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') if lenient => {
            i += 1;
            false
        }
        _ => false,
    };
    // The digits are m (no leading or trailing zeros, `sig` digits long)
    // followed by `zeros` zeros; `frac` of all of them follow the point.
    let (mut m, mut sig, mut zeros, mut frac) = (0u128, 0i64, 0i64, 0i64);
    let (mut int_digits, mut frac_digits, mut point) = (0i64, 0i64, false);
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                if point {
                    frac_digits += 1;
                    frac += 1;
                } else {
                    int_digits += 1;
                }
                if c == b'0' {
                    if sig > 0 {
                        zeros += 1;
                    }
                } else {
                    // 29 digits are more than any mantissa holds (2^96 has 29).
                    let add = zeros + 1;
                    if sig + add > 29 {
                        return Err(DecimalError::Range);
                    }
                    m = m * POW10[add as usize] + u128::from(c - b'0');
                    sig += add;
                    zeros = 0;
                }
            }
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    let shape_ok = if lenient {
        int_digits + frac_digits > 0
    } else {
        int_digits > 0 && (!point || frac_digits > 0)
    };
    if !shape_ok {
        return Err(DecimalError::Syntax);
    }
    let mut exp = 0i64;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let eneg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while let Some(c @ b'0'..=b'9') = b.get(i) {
            // Saturate: far beyond any representable exponent, still linear.
            exp = (exp * 10 + i64::from(c - b'0')).min(1 << 40);
            i += 1;
        }
        if i == start {
            return Err(DecimalError::Syntax);
        }
        if eneg {
            exp = -exp;
        }
    }
    if i != b.len() {
        return Err(DecimalError::Syntax);
    }
    // value = m * 10^(zeros + exp - frac); the text shows scale frac - exp.
    let scale = (frac - exp).clamp(0, MAX_SCALE);
    if m == 0 {
        return Ok(Decimal::new(0, scale as u32));
    }
    if frac - exp - zeros > MAX_SCALE {
        return Err(DecimalError::Range);
    }
    let k = zeros + exp - frac + scale; // >= 0: the power of ten m still needs
    if sig + k > 29 {
        return Err(DecimalError::Range);
    }
    let mantissa = m * POW10[k as usize];
    if mantissa > MAX_MANTISSA {
        return Err(DecimalError::Range);
    }
    let signed = if neg {
        -(mantissa as i128)
    } else {
        mantissa as i128
    };
    Decimal::try_from_i128_with_scale(signed, scale as u32).map_err(|_| DecimalError::Range)
}

// ---------------------------------------------------------------------------
// Scalar codecs.

// ---------------------------------------------------------------------------
// Scalar codecs.

/// Text; a number is accepted and kept as its exact JSON text
/// (`618e16ad6764`, `"10"`, `10`, `1.10`, `1e5`).
pub struct Str;
impl Codec<String> for Str {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        str_from_raw(raw_text(d)?)
    }
    fn decode_raw<E: de::Error>(raw: Cow<'_, str>) -> Result<String, E> {
        str_from_raw(raw)
    }
    fn encode<S: Serializer>(v: &String, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v)
    }
}

#[inline]
fn str_from_raw<E: de::Error>(raw: Cow<'_, str>) -> Result<String, E> {
    let b = raw.as_bytes();
    // The common case: a string without escapes.
    if b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"' && !has_backslash(b) {
        let inner = 1..b.len() - 1;
        return Ok(owned_part(raw, inner));
    }
    let range = match scalar::<E>(&raw)? {
        Scalar::Text(Cow::Owned(s)) => return Ok(s),
        Scalar::Text(Cow::Borrowed(s)) | Scalar::Num(s) => range_in(&raw, s),
        Scalar::Bool(_) => {
            return Err(de::Error::custom("expected a string, found a boolean"));
        }
        other => {
            return Err(de::Error::custom(format!(
                "expected a string or a number, found {}",
                found(&other)
            )));
        }
    };
    Ok(owned_part(raw, range))
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

/// A JSON number's text as an `i64`: any exact whole number in range
/// (`12`, `12.0`, `1.2e1`); fractions and out-of-range values are errors.
fn int_from_number<E: de::Error>(n: &str) -> Result<i64, E> {
    if let Ok(i) = n.parse::<i64>() {
        return Ok(i);
    }
    match exact_decimal(n, false) {
        Ok(d) if d.fract().is_zero() => {
            i64::try_from(d).map_err(|_| E::custom("integer out of range"))
        }
        Ok(_) => Err(E::custom(format!(
            "expected an integer, found {}",
            excerpt(n)
        ))),
        Err(_) => Err(E::custom("integer out of range")),
    }
}

/// A whole number (`i64`): a JSON integer, an integral float, or a numeric string.
pub struct Int;
impl Codec<i64> for Int {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        int_from_raw(&raw_text(d)?)
    }
    fn decode_raw<E: de::Error>(raw: Cow<'_, str>) -> Result<i64, E> {
        int_from_raw(&raw)
    }
    fn encode<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*v)
    }
}

fn int_from_raw<E: de::Error>(raw: &str) -> Result<i64, E> {
    match scalar::<E>(raw)? {
        Scalar::Num(n) => int_from_number(n),
        Scalar::Text(s) => s.trim().parse::<i64>().map_err(|_| {
            de::Error::custom(format!("expected an integer, found {:?}", excerpt(&s)))
        }),
        Scalar::Bool(_) => Err(de::Error::custom("expected an integer, found a boolean")),
        other => Err(de::Error::custom(format!(
            "expected an integer or a numeric string, found {}",
            found(&other)
        ))),
    }
}

/// An exact decimal: a JSON number (integer or float) or a numeric string,
/// read from its text with every digit and its scale; a number a [`Decimal`]
/// cannot hold exactly is an error, never rounded.
pub struct Dec;
impl Codec<Decimal> for Dec {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        dec_from_raw(&raw_text(d)?)
    }
    fn decode_raw<E: de::Error>(raw: Cow<'_, str>) -> Result<Decimal, E> {
        dec_from_raw(&raw)
    }
    fn encode<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        // Text keeps every digit in any serde format.
        s.serialize_str(&v.normalize().to_string())
    }
}

fn dec_from_raw<E: de::Error>(raw: &str) -> Result<Decimal, E> {
    match scalar::<E>(raw)? {
        Scalar::Num(n) => exact_decimal(n, false).map_err(|e| dec_error(e, n)),
        Scalar::Text(s) => {
            let t = s.trim();
            match exact_decimal(t, true) {
                Ok(d) => Ok(d),
                // Other spellings `Decimal` reads (`1_000`), never rounded.
                Err(DecimalError::Syntax) => {
                    Decimal::from_str_exact(t).map_err(|_| dec_error(DecimalError::Syntax, &s))
                }
                Err(e) => Err(dec_error(e, &s)),
            }
        }
        Scalar::Bool(_) => Err(de::Error::custom("expected a decimal, found a boolean")),
        other => Err(de::Error::custom(format!(
            "expected a number or a numeric string, found {}",
            found(&other)
        ))),
    }
}

fn dec_error<E: de::Error>(e: DecimalError, text: &str) -> E {
    match e {
        DecimalError::Syntax => E::custom(format!(
            "expected a decimal number, found {:?}",
            excerpt(text)
        )),
        DecimalError::Range => E::custom(format!(
            "decimal {} does not fit exactly (at most 28 decimals and 29 digits, |x| <= 79228162514264337593543950335)",
            excerpt(text)
        )),
    }
}

/// A boolean: `true`/`false`, `1`/`0`, or those as strings (also `"yes"`/`"no"`).
pub struct Bool;
impl Codec<bool> for Bool {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        bool_from_raw(&raw_text(d)?)
    }
    fn decode_raw<E: de::Error>(raw: Cow<'_, str>) -> Result<bool, E> {
        bool_from_raw(&raw)
    }
    fn encode<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*v)
    }
}

fn bool_from_raw<E: de::Error>(raw: &str) -> Result<bool, E> {
    match scalar::<E>(raw)? {
        Scalar::Bool(b) => Ok(b),
        Scalar::Num("0") => Ok(false),
        Scalar::Num("1") => Ok(true),
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
        struct V<T, C>(PhantomData<(T, C)>);
        impl<'de, T, C: Codec<T>> Visitor<'de> for V<T, C> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            // The value goes straight to `C`, with the input's own deserializer.
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
                C::decode(d).map(Some)
            }
        }
        d.deserialize_option(V::<T, C>(PhantomData))
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
        // The value's text, looked at, then decoded by `C` (numbers keep their digits).
        let raw = raw_text(d)?;
        match raw.as_bytes().first() {
            Some(b'n') if &*raw == "null" => return Ok(None),
            Some(b'"') => {
                if let Scalar::Text(s) = scalar::<D::Error>(&raw)? {
                    if N::VALUES.contains(&s.as_ref()) {
                        return Ok(None);
                    }
                }
            }
            _ => {}
        }
        C::decode_raw(raw).map(Some)
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
        let raw = raw_text(d)?;
        if raw.trim_ascii_start().starts_with('{') {
            if let Some(err) = error_member::<D::Error>(&raw)? {
                let message = match scalar::<D::Error>(err) {
                    Ok(Scalar::Text(s)) => s.into_owned(),
                    _ => err.trim().to_owned(),
                };
                return Ok(Err(ItemError { message }));
            }
        }
        C::decode_raw(raw).map(Ok)
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

/// The text of the `error` member of a JSON object's text, if it has one.
fn error_member<E: de::Error>(object: &str) -> Result<Option<&str>, E> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<&'de str>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            let mut error = None;
            while let Some(k) = m.next_key::<Key>()? {
                if k.0 && error.is_none() {
                    error = Some(m.next_value::<&RawValue>()?.get());
                } else {
                    m.next_value::<de::IgnoredAny>()?;
                }
            }
            Ok(error)
        }
    }
    /// `true` for the key `error` (however escaped), without allocating.
    struct Key(bool);
    impl<'de> Deserialize<'de> for Key {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct K;
            impl Visitor<'_> for K {
                type Value = Key;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a key")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                    Ok(Key(v == "error"))
                }
            }
            d.deserialize_str(K)
        }
    }
    (&mut serde_json::Deserializer::from_str(object))
        .deserialize_map(V)
        .map_err(E::custom)
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
    fn raw_text_is_borrowed_from_a_string_input() {
        assert!(raw_token().is_some(), "serde_json's raw value name found");
        let mut de = serde_json::Deserializer::from_str("[12345678901234567.891, \"a\"]");
        struct Both;
        impl<'de> Visitor<'de> for Both {
            type Value = Vec<bool>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<bool>, A::Error> {
                let mut out = Vec::new();
                while let Some(RawJson(t)) = seq.next_element::<RawJson>()? {
                    out.push(matches!(t, Cow::Borrowed(_)));
                }
                Ok(out)
            }
        }
        assert_eq!(de.deserialize_seq(Both).unwrap(), [true, true]);
        // From a `Value`: its own text, owned.
        let raw: RawJson = Deserialize::deserialize(json!({"a": [1, "x"]})).unwrap();
        assert_eq!(raw.get(), r#"{"a":[1,"x"]}"#);
    }

    #[test]
    fn backslashes_are_found_anywhere() {
        for len in 0..40 {
            let plain = "a".repeat(len);
            assert!(!has_backslash(plain.as_bytes()));
            for at in 0..len {
                let mut t = plain.clone().into_bytes();
                t[at] = b'\\';
                assert!(has_backslash(&t), "{len} {at}");
                t[at] = b'\\' ^ 0x80;
                assert!(!has_backslash(&t), "{len} {at}");
            }
        }
    }

    #[test]
    fn exact_decimal_never_panics_on_odd_text() {
        for t in [
            "",
            "-",
            "+",
            ".",
            "e",
            "1e",
            "1e+",
            "--1",
            "1..2",
            "1.2.3",
            "0x10",
            "1e-",
            "١",
            "1 ",
            " 1",
            "NaN",
            "inf",
            "-.e5",
            "9".repeat(100_000).as_str(),
        ] {
            let _ = exact_decimal(t, true);
            let _ = exact_decimal(t, false);
        }
        assert_eq!(exact_decimal(".5", true).unwrap().to_string(), "0.5");
        assert_eq!(exact_decimal("5.", true).unwrap().to_string(), "5");
        assert_eq!(exact_decimal("+5", true).unwrap().to_string(), "5");
        assert!(exact_decimal(".5", false).is_err());
        assert!(exact_decimal("+5", false).is_err());
    }

    #[test]
    fn the_short_path_reads_what_the_long_one_reads() {
        let mut texts = vec!["0".to_owned(), "-0".into(), "-0.0".into(), "007.50".into()];
        for len in 1..=20 {
            let digits: String = "9081726354".chars().cycle().take(len).collect();
            for point in 0..=len {
                let (int, frac) = digits.split_at(point);
                for sign in ["", "-"] {
                    texts.push(format!("{sign}{int}.{frac}"));
                    texts.push(format!("{sign}{digits}"));
                    texts.push(format!("{sign}{}", "9".repeat(len)));
                }
            }
        }
        for t in &texts {
            for lenient in [true, false] {
                let long = any_decimal(t.as_bytes(), lenient);
                let got = exact_decimal(t, lenient);
                assert_eq!(got, long, "{t:?}");
                if let Ok(d) = got {
                    assert_eq!(d.to_string(), long.unwrap().to_string(), "{t:?}");
                }
            }
        }
        assert_eq!(
            exact_decimal("96496048.0450002", false)
                .unwrap()
                .to_string(),
            "96496048.0450002"
        );
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
