//! JSON numbers through every codec, decoded the way `Core::judge` decodes a
//! payload (`C::decode` on `serde_json::Deserializer::from_str`): exact, with
//! their scale, or an error; never rounded through `f64`.

use std::collections::BTreeMap;

use providers_runtime::codec::*;
use providers_runtime::{Decimal, ItemError};

/// Decodes `json` with the codec `C`, as `Core::judge` does (whole input read).
fn decode<C: Codec<T>, T>(json: &str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let v = C::decode(&mut de)?;
    de.end()?;
    Ok(v)
}

fn dec(json: &str) -> Result<Decimal, serde_json::Error> {
    decode::<Dec, _>(json)
}

/// `Decimal`'s text, which shows every digit and the scale.
fn dec_text(json: &str) -> String {
    match dec(json) {
        Ok(d) => d.to_string(),
        Err(e) => panic!("{json} should decode: {e}"),
    }
}

#[test]
fn decimals_keep_every_digit() {
    assert_eq!(dec_text("12345678901234567.891"), "12345678901234567.891");
    assert_eq!(dec_text("0.10000000000000000001"), "0.10000000000000000001");
    assert_eq!(dec_text("18446744073709551616"), "18446744073709551616");
    // 28 significant digits.
    assert_eq!(
        dec_text("1234567890.123456789012345678"),
        "1234567890.123456789012345678"
    );
    assert_eq!(
        dec_text("-7922816251426433759354395033.5"),
        "-7922816251426433759354395033.5"
    );
    // 29 digits, under 2^96.
    assert_eq!(
        dec_text("1234567890.1234567890123456789"),
        "1234567890.1234567890123456789"
    );
    assert_eq!(
        dec_text("79228162514264337593543950335"),
        "79228162514264337593543950335"
    );
    assert_eq!(
        dec_text("0.0000000000000000000000000001"),
        "0.0000000000000000000000000001"
    );
    // The same digits as numeric text.
    assert_eq!(
        dec_text(r#""12345678901234567.891""#),
        "12345678901234567.891"
    );
    assert_eq!(
        dec_text(r#"" 0.10000000000000000001 ""#),
        "0.10000000000000000001"
    );
}

#[test]
fn decimals_keep_their_scale() {
    assert_eq!(dec_text("1.10"), "1.10");
    assert_eq!(dec_text("1000.0"), "1000.0");
    assert_eq!(dec_text("1000.50"), "1000.50");
    assert_eq!(dec_text("0.00"), "0.00");
    assert_eq!(dec_text(r#""1.10""#), "1.10");
    assert_eq!(dec_text("96496048.0450002"), "96496048.0450002");
    // Exponents: the value, at the scale the text shows.
    assert_eq!(dec_text("1e5"), "100000");
    assert_eq!(dec_text("1.5E+3"), "1500");
    assert_eq!(dec_text("12.5e-3"), "0.0125");
    assert_eq!(dec_text("1.10e1"), "11.0");
    assert_eq!(dec_text(r#""1e3""#), "1000");
    // Trailing zeros beyond 28 decimals are dropped: same value, nothing rounded.
    assert_eq!(
        dec_text("1.000000000000000000000000000000000000"),
        "1.0000000000000000000000000000"
    );
    // Zero, however written, is zero.
    assert_eq!(dec("-0").unwrap(), Decimal::ZERO);
    assert_eq!(dec("0e999999").unwrap(), Decimal::ZERO);
    assert_eq!(dec("-0.0e-999999").unwrap(), Decimal::ZERO);
}

#[test]
fn decimals_that_do_not_fit_are_errors_not_rounded() {
    let long = format!("1.{}", "1".repeat(29)); // 29 decimals
    let many = "9".repeat(30); // beyond 2^96
    let huge = format!("1{}", "0".repeat(10_000));
    let tiny = format!("0.{}1", "0".repeat(10_000));
    let digits = "7".repeat(10_000);
    for bad in [
        "79228162514264337593543950336",
        "9234567890.1234567890123456789",
        "1234567890.12345678901234567891",
        long.as_str(),
        many.as_str(),
        huge.as_str(),
        tiny.as_str(),
        digits.as_str(),
        "1e29",
        "1e999999",
        "1e-29",
        "1e-999999",
        "-1e999999999999999999999999999999",
        "1e99999999999999999999999999999999999999999999999999",
    ] {
        assert!(
            dec(bad).is_err(),
            "{} should not decode",
            &bad[..bad.len().min(40)]
        );
        let text = format!("\"{bad}\"");
        assert!(
            dec(&text).is_err(),
            "{} (text) should not decode",
            &bad[..bad.len().min(40)]
        );
    }
    let e = dec("0.10000000000000000000000000001")
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not fit"), "{e}");
    for bad in ["true", "null", "[1]", "{}", r#""abc""#, r#""1e""#, r#""""#] {
        assert!(dec(bad).is_err(), "{bad}");
    }
}

#[test]
fn strings_keep_a_numbers_exact_text() {
    for n in [
        "1.10",
        "1e5",
        "18446744073709551616",
        "-0",
        "12345678901234567.891",
        "0.10000000000000000001",
        "1E+400",
    ] {
        assert_eq!(decode::<Str, String>(n).unwrap(), n);
    }
    assert_eq!(decode::<Str, String>(r#""a\"b\u00e9""#).unwrap(), "a\"bé");
    assert_eq!(decode::<Str, String>(r#""plain""#).unwrap(), "plain");
    assert!(decode::<Str, String>("true").is_err());
    assert!(decode::<Str, String>("null").is_err());
    assert!(decode::<Str, String>("{}").is_err());
    // Enums read their text the same way.
    let mut de = serde_json::Deserializer::from_str("1.10");
    assert_eq!(decode_text(&mut de).unwrap(), "1.10");
}

#[test]
fn integers_are_exact_or_errors() {
    let int = decode::<Int, i64>;
    assert_eq!(int("9007199254740993").unwrap(), 9_007_199_254_740_993);
    assert_eq!(int("9223372036854775807").unwrap(), i64::MAX);
    assert_eq!(int("-9223372036854775808").unwrap(), i64::MIN);
    assert_eq!(int("12.0").unwrap(), 12);
    assert_eq!(int("1.2e1").unwrap(), 12);
    assert_eq!(int("9007199254740993.0").unwrap(), 9_007_199_254_740_993);
    assert_eq!(int("-0").unwrap(), 0);
    for bad in [
        "9223372036854775808",
        "18446744073709551616",
        "1.5",
        "1e999999",
        "1e-5",
        "0.99999999999999999999",
    ] {
        assert!(int(bad).is_err(), "{bad}");
    }
    let e = int("18446744073709551616").unwrap_err().to_string();
    assert!(e.contains("out of range"), "{e}");
    let ts = decode::<Timestamp, time::OffsetDateTime>;
    assert_eq!(ts("1700000000.0").unwrap().unix_timestamp(), 1_700_000_000);
    assert!(ts("1700000000.5").is_err());
    assert!(ts("1e999999").is_err());
}

#[test]
fn booleans_read_zero_and_one() {
    assert!(decode::<Bool, bool>("1").unwrap());
    assert!(!decode::<Bool, bool>("0").unwrap());
    assert!(decode::<Bool, bool>("2").is_err());
    assert!(decode::<Bool, bool>("0.5").is_err());
}

#[test]
fn optional_values_keep_every_digit() {
    type C = Opt<Dec>;
    assert_eq!(
        decode::<C, _>("12345678901234567.891")
            .unwrap()
            .unwrap()
            .to_string(),
        "12345678901234567.891"
    );
    assert_eq!(decode::<C, _>("null").unwrap(), None);
    assert!(decode::<C, Option<Decimal>>("1e999999").is_err());
    assert_eq!(
        decode::<Opt<Str>, _>("1.10").unwrap().as_deref(),
        Some("1.10")
    );
}

struct Dash;
impl NoneValues for Dash {
    const VALUES: &'static [&'static str] = &["-", "Unknown"];
}

#[test]
fn sentinel_fields_keep_every_digit() {
    type D = NoneIf<Dec, Dash>;
    assert_eq!(
        decode::<D, _>("0.10000000000000000001")
            .unwrap()
            .unwrap()
            .to_string(),
        "0.10000000000000000001"
    );
    assert_eq!(decode::<D, _>(r#""-""#).unwrap(), None);
    assert_eq!(decode::<D, _>(r#""Unknown""#).unwrap(), None);
    assert_eq!(decode::<D, _>("null").unwrap(), None);
    assert!(decode::<D, Option<Decimal>>(r#""--""#).is_err());
    assert_eq!(
        decode::<NoneIf<Str, Dash>, _>("1.10").unwrap().as_deref(),
        Some("1.10")
    );
    assert_eq!(
        decode::<NoneIf<Str, Dash>, _>(r#""\u002d""#).unwrap(),
        None,
        "an escaped sentinel is the sentinel"
    );
    assert_eq!(
        decode::<NoneIf<Int, Dash>, _>("9007199254740993").unwrap(),
        Some(9_007_199_254_740_993)
    );
    let e = decode::<D, Option<Decimal>>(r#"1e999999"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.matches(" at line ").count() <= 1,
        "one position at most: {e}"
    );
}

#[test]
fn lists_and_maps_keep_every_digit() {
    let v =
        decode::<List<Dec>, _>("[1.10, 18446744073709551616, \"0.10000000000000000001\"]").unwrap();
    let v: Vec<String> = v.iter().map(Decimal::to_string).collect();
    assert_eq!(
        v,
        ["1.10", "18446744073709551616", "0.10000000000000000001"]
    );
    assert!(decode::<List<Dec>, Vec<Decimal>>("[1, 1e999999]").is_err());
    let m: BTreeMap<String, Decimal> =
        decode::<Map<Dec>, _>(r#"{"a": 12345678901234567.891}"#).unwrap();
    assert_eq!(m["a"].to_string(), "12345678901234567.891");
    let s = decode::<List<Str>, Vec<String>>("[1.10, 1e5]").unwrap();
    assert_eq!(s, ["1.10", "1e5"]);
}

#[test]
fn items_keep_every_digit() {
    type C = Map<Item<Dec>>;
    let m: BTreeMap<String, Result<Decimal, ItemError>> = decode::<C, _>(
        r#"{"1": 12345678901234567.891, "2": {"error": "Incorrect order ID"}, "3": {"error": 1.10}}"#,
    )
    .unwrap();
    assert_eq!(
        m["1"].as_ref().unwrap().to_string(),
        "12345678901234567.891"
    );
    assert_eq!(m["2"].as_ref().unwrap_err().message, "Incorrect order ID");
    assert_eq!(m["3"].as_ref().unwrap_err().message, "1.10");
    assert!(
        decode::<C, BTreeMap<String, Result<Decimal, ItemError>>>(r#"{"1": 1e999999}"#).is_err()
    );
    // An item that is itself an object goes to its codec whole.
    #[derive(Debug, serde::Serialize, serde::Deserialize)]
    struct Charge {
        #[serde(with = "providers_runtime::with::dec")]
        charge: Decimal,
    }
    let v: Result<Charge, ItemError> =
        decode::<Item<Plain>, _>(r#"{"charge": 0.10000000000000000001}"#).unwrap();
    assert_eq!(v.unwrap().charge.to_string(), "0.10000000000000000001");
}

/// The same codecs on other deserializers: a `serde_json::Value` (the
/// provider-neutral calls read parameters from one) and serde's own value
/// deserializers; as exact as the value they are given.
#[test]
fn other_deserializers_still_work() {
    use serde_json::json;
    assert_eq!(
        from_value::<Dec, _>(json!(1000.5)).unwrap().to_string(),
        "1000.5"
    );
    assert_eq!(
        from_value::<Dec, _>(json!("1.10")).unwrap().to_string(),
        "1.10"
    );
    assert_eq!(from_value::<Str, _>(json!(10)).unwrap(), "10");
    assert_eq!(from_value::<Str, _>(json!("a\"b")).unwrap(), "a\"b");
    assert_eq!(from_value::<Int, _>(json!("23501")).unwrap(), 23501);
    assert_eq!(from_value::<Opt<Int>, _>(json!(null)).unwrap(), None);
    assert_eq!(
        from_value::<NoneIf<Int, Dash>, _>(json!("-")).unwrap(),
        None
    );
    assert_eq!(
        from_value::<List<Dec>, _>(json!([1, "2.50"])).unwrap(),
        vec![Decimal::from(1), "2.50".parse().unwrap()]
    );
    use serde::de::value::{Error, StrDeserializer, U64Deserializer};
    use serde::de::IntoDeserializer;
    let d: StrDeserializer<Error> = "1.10".into_deserializer();
    assert_eq!(Dec::decode(d).unwrap().to_string(), "1.10");
    let d: U64Deserializer<Error> = 7u64.into_deserializer();
    assert_eq!(Int::decode(d).unwrap(), 7);
    // From a reader: the text is owned, still exact.
    let mut de = serde_json::Deserializer::from_reader(&b"12345678901234567.891"[..]);
    assert_eq!(
        Dec::decode(&mut de).unwrap().to_string(),
        "12345678901234567.891"
    );
}
