//! What the benches' careful hand-written clients share: exact decimals and
//! a capped body read, written as a person would with serde_json, reqwest
//! and rust_decimal (no runtime code).
#![allow(dead_code)] // each bench uses a different part of it

use providers::runtime::reexport::reqwest;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// An exact decimal from a JSON number's text or a numeric string: every
/// digit (up to the 28 decimals a `Decimal` holds), never through `f64`.
pub fn exact<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let raw = <&RawValue>::deserialize(d)?.get();
    let text = raw
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(raw);
    Decimal::from_str_exact(text).map_err(serde::de::Error::custom)
}

/// The whole body, refused past `limit` bytes (as announced or as read).
pub async fn read_capped(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let length = resp.content_length();
    if length.is_some_and(|n| n > limit as u64) {
        return Err("body over the limit".into());
    }
    let mut body = Vec::with_capacity(length.map_or(0, |n| n as usize));
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Err("body over the limit".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
