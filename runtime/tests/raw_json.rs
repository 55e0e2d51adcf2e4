//! `RawJson`: a value kept as its exact text, decoded later (generated unions).

use providers_runtime::codec::*;
use providers_runtime::Decimal;

#[test]
fn raw_json_keeps_the_text_for_later_decoding() {
    let mut de = serde_json::Deserializer::from_str(r#" 18446744073709551616 "#);
    let raw: RawJson = serde::Deserialize::deserialize(&mut de).unwrap();
    assert_eq!(raw.get(), "18446744073709551616");
    assert!(raw.decode::<Int, i64>().is_err());
    assert_eq!(raw.decode::<Str, String>().unwrap(), "18446744073709551616");
    assert_eq!(
        raw.decode::<Dec, Decimal>().unwrap().to_string(),
        "18446744073709551616"
    );
}
