//! Signatures recomputed from what a request carries, independently of the
//! runtime that computed them on the client side.

use std::collections::BTreeMap;

use base64::Engine;
use hmac::Mac;
use md5::Digest;

use crate::ir::{Algorithm, DigestOutput, Piece};

/// The template's text: literals, credentials (by index) and request values
/// as sent (a value the request lacks contributes nothing, as on the client).
pub fn render(
    pieces: &[Piece],
    credentials: &[String],
    values: &BTreeMap<String, String>,
) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Lit(s) => s.as_str(),
            Piece::Credential(i) => credentials.get(*i).map_or("", String::as_str),
            Piece::Field(f) => values.get(f).map_or("", String::as_str),
        })
        .collect()
}

/// The template as the spec writes it, `{username}{api_key}bl`, for messages.
pub(crate) fn template_text(pieces: &[Piece], credential_names: &[&str]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Lit(s) => s.clone(),
            Piece::Credential(i) => format!("{{{}}}", credential_names.get(*i).unwrap_or(&"?")),
            Piece::Field(f) => format!("{{{f}}}"),
        })
        .collect()
}

/// The digest text of `template` (keyed by `key` for HMAC).
pub(crate) fn compute(
    algorithm: Algorithm,
    template: &[Piece],
    key: &[Piece],
    output: DigestOutput,
    credentials: &[String],
    values: &BTreeMap<String, String>,
) -> String {
    let input = render(template, credentials, values);
    let key = render(key, credentials, values);
    encode(&digest(algorithm, key.as_bytes(), input.as_bytes()), output)
}

/// The raw digest of `input` (`key` is used by the HMAC algorithms only).
pub fn digest(algorithm: Algorithm, key: &[u8], input: &[u8]) -> Vec<u8> {
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], input: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length, so this never fails in practice;
        // an empty digest then matches nothing.
        match <M as Mac>::new_from_slice(key) {
            Ok(mut m) => {
                m.update(input);
                m.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }
    match algorithm {
        Algorithm::Md5 => md5::Md5::digest(input).to_vec(),
        Algorithm::Sha1 => sha1::Sha1::digest(input).to_vec(),
        Algorithm::Sha256 => sha2::Sha256::digest(input).to_vec(),
        Algorithm::HmacSha1 => mac::<hmac::Hmac<sha1::Sha1>>(key, input),
        Algorithm::HmacSha256 => mac::<hmac::Hmac<sha2::Sha256>>(key, input),
    }
}

/// A digest as text: lower or upper hex, or standard base64.
pub fn encode(digest: &[u8], output: DigestOutput) -> String {
    match output {
        DigestOutput::Hex => digest.iter().map(|b| format!("{b:02x}")).collect(),
        DigestOutput::HexUpper => digest.iter().map(|b| format!("{b:02X}")).collect(),
        DigestOutput::Base64 => base64::engine::general_purpose::STANDARD.encode(digest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answers (from `md5sum`, `sha1sum`, `sha256sum` and `openssl dgst -hmac`).
    #[test]
    fn digests_match_known_answers() {
        let creds = vec!["user".to_owned(), "key".to_owned()];
        let mut values = BTreeMap::new();
        values.insert("ref_id".to_owned(), "order001".to_owned());
        let template = vec![
            Piece::Credential(0),
            Piece::Credential(1),
            Piece::Field("ref_id".into()),
        ];
        let run = |a, o, key: &[Piece]| compute(a, &template, key, o, &creds, &values);
        assert_eq!(
            run(Algorithm::Md5, DigestOutput::Hex, &[]),
            "fc009ce2777e6e28e24c05f8fd76614c"
        );
        assert_eq!(
            run(Algorithm::Sha1, DigestOutput::HexUpper, &[]),
            "7C2B0921B108FC39E188837BE8DD78B73F5BC1CF"
        );
        assert_eq!(
            run(Algorithm::Sha256, DigestOutput::Base64, &[]),
            "oBs2gRl12u+c67Pif7gqkjY6dHn9HzcV0+SzTE4UR3g="
        );
        assert_eq!(
            run(
                Algorithm::HmacSha256,
                DigestOutput::Hex,
                &[Piece::Lit("k".into())]
            ),
            "47fff1ad005cf3900e1e97d9a6a6c5fa38c293ae90e27432ee965ea7ef376385"
        );
        assert_eq!(
            template_text(&template, &["username", "api_key"]),
            "{username}{api_key}{ref_id}"
        );
    }
}
