//! `#[serde(with = "...")]` modules for the most common codecs, so generated
//! fields read `#[serde(with = "rt::with::dec")]` rather than spelling out the
//! generic form `deserialize_with = "rt::codec::decode::<rt::codec::Dec, _, _>"`.

macro_rules! with_module {
    ($(#[$doc:meta])* $name:ident, $t:ty, $codec:ty) => {
        $(#[$doc])*
        pub mod $name {
            use crate::codec::Codec;
            /// Decodes with the codec.
            pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                <$codec as Codec<$t>>::decode(d)
            }
            /// Encodes with the codec.
            pub fn serialize<S: serde::Serializer>(v: &$t, s: S) -> Result<S::Ok, S::Error> {
                <$codec as Codec<$t>>::encode(v, s)
            }
        }
    };
}

with_module!(
    /// [`crate::codec::Str`]: text, numbers kept as their text.
    str, String, crate::codec::Str);
with_module!(
    /// [`crate::codec::Int`]: integers, also from numeric strings.
    int, i64, crate::codec::Int);
with_module!(
    /// [`crate::codec::Dec`]: exact decimals, from numbers or numeric strings.
    dec, rust_decimal::Decimal, crate::codec::Dec);
with_module!(
    /// [`crate::codec::Bool`]: booleans, also 0/1 and their strings.
    bool, bool, crate::codec::Bool);
with_module!(
    /// [`crate::codec::Timestamp`]: UNIX seconds.
    timestamp, time::OffsetDateTime, crate::codec::Timestamp);
with_module!(
    /// [`crate::codec::SecretText`]: a secret in a text field.
    secret, crate::Secret, crate::codec::SecretText);
with_module!(
    /// Optional [`crate::codec::SecretText`].
    opt_secret, Option<crate::Secret>, crate::codec::Opt<crate::codec::SecretText>);
with_module!(
    /// Optional [`crate::codec::Str`].
    opt_str, Option<String>, crate::codec::Opt<crate::codec::Str>);
with_module!(
    /// Optional [`crate::codec::Int`].
    opt_int, Option<i64>, crate::codec::Opt<crate::codec::Int>);
with_module!(
    /// Optional [`crate::codec::Dec`].
    opt_dec, Option<rust_decimal::Decimal>, crate::codec::Opt<crate::codec::Dec>);
with_module!(
    /// Optional [`crate::codec::Bool`].
    opt_bool, Option<bool>, crate::codec::Opt<crate::codec::Bool>);
