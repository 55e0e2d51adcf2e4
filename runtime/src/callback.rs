//! Notifications a provider sends to you (callbacks, webhooks): verified with
//! the client's credentials, then decoded as leniently as responses.
//!
//! Generated code describes each callback as one `static` [`Callback`] and
//! calls [`Verifier::verify`] from a typed method
//! (`client.callbacks().top_up_result(&headers, &body)`). Nothing here
//! needs a web framework: headers come through the small [`Headers`] trait,
//! which `http::HeaderMap` (axum, hyper, reqwest) and plain name/value pairs
//! implement, and the body is the raw bytes as received.
//!
//! The order is fixed: size, signature, then decoding. A payload is never
//! decoded (nor its values shown in an error) before its signature matched,
//! and signatures are compared in constant time.

use std::fmt;

use base64::Engine;

use crate::codec::Codec;
use crate::envelope::Body;
use crate::error::OpName;
use crate::op::{Algorithm, DigestOutput, Piece};
use crate::sign;

/// Default largest callback body accepted (64 KiB): a notification carries a
/// handful of fields, so anything larger is refused before it is parsed.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024;

/// What a callback's signature is computed over.
#[derive(Debug, Clone, Copy)]
pub enum Signed {
    /// A template over credentials, literals and payload fields (wire names),
    /// like outgoing signatures (`{username}{api_key}{ref_id}`).
    Template(&'static [Piece]),
    /// The raw request body, byte for byte.
    Body,
}

/// Where a callback carries its signature.
#[derive(Debug, Clone, Copy)]
pub enum Carried {
    /// In this payload field (`sign`).
    Field(&'static str),
    /// In this HTTP header (`X-Hub-Signature`); compared without regard to case.
    Header(&'static str),
}

/// One callback, as the code generator describes it.
#[derive(Debug, Clone, Copy)]
pub struct Callback {
    /// Provider module name, for errors.
    pub provider: &'static str,
    /// Callback name as written in the spec, for errors.
    pub name: &'static str,
    /// Path of the payload in the JSON body (empty: the whole body).
    pub payload: &'static [&'static str],
    /// Hash of the signature.
    pub algorithm: Algorithm,
    /// What is signed.
    pub signed: Signed,
    /// The HMAC key (credentials and literals; empty for plain hashes).
    pub key: &'static [Piece],
    /// How the digest is written (`Hex` and `HexUpper` both accept either case).
    pub output: DigestOutput,
    /// Where the signature is.
    pub carried: Carried,
    /// Text before the digest (`sha1=`), often empty.
    pub prefix: &'static str,
    /// Wire names of payload fields declared `secret: true`, masked by the
    /// provider-neutral JSON interface.
    pub secret_fields: &'static [&'static str],
}

impl Callback {
    fn op_name(&self) -> OpName {
        OpName {
            provider: self.provider,
            endpoint: self.name,
        }
    }
}

/// Request headers, as a web framework hands them over: `http::HeaderMap`
/// (axum, hyper, reqwest) and name/value pairs (`[("x-hub-signature", "sha1=…")]`,
/// `Vec<(String, String)>`, for actix-web or anything else) implement it.
pub trait Headers {
    /// The first value of the header `name`, compared without regard to case.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl Headers for reqwest::header::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(reqwest::header::HeaderValue::as_bytes)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }
}

/// Why a notification was refused. Each variant says what was wrong; none
/// holds a credential, a signature or (before the signature matched) any of
/// the payload's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The body is larger than the limit; it was not parsed.
    #[error("{callback}: the body of {size} bytes is over the {limit} byte limit")]
    TooLarge {
        /// The callback.
        callback: OpName,
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not the JSON the callback is (not UTF-8, not JSON, or
    /// nothing at the payload path).
    #[error("{callback}: not a notification: {reason}")]
    Malformed {
        /// The callback.
        callback: OpName,
        /// What is wrong.
        reason: String,
    },
    /// The notification carries no signature where the spec says it is.
    #[error("{callback}: no signature in {place}")]
    MissingSignature {
        /// The callback.
        callback: OpName,
        /// Where it was looked for (`the payload field `sign``).
        place: String,
    },
    /// The signature does not match: the notification was not sent by the
    /// provider with these credentials, or was altered on the way.
    #[error(
        "{callback}: the signature does not match (not signed with these credentials, or altered)"
    )]
    WrongSignature {
        /// The callback.
        callback: OpName,
    },
    /// The signature matched, but the payload does not decode into its type.
    #[error("{callback}: the payload does not decode: {reason}")]
    Decode {
        /// The callback.
        callback: OpName,
        /// What did not match (credentials removed).
        reason: String,
    },
}

impl CallbackError {
    /// The callback this error belongs to.
    pub fn callback(&self) -> OpName {
        match self {
            CallbackError::TooLarge { callback, .. }
            | CallbackError::Malformed { callback, .. }
            | CallbackError::MissingSignature { callback, .. }
            | CallbackError::WrongSignature { callback }
            | CallbackError::Decode { callback, .. } => *callback,
        }
    }
}

impl fmt::Display for Carried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Carried::Field(n) => write!(f, "the payload field `{n}`"),
            Carried::Header(n) => write!(f, "the header `{n}`"),
        }
    }
}

/// Verifies notifications with a client's credentials; generated
/// `Callbacks` types wrap one (`client.callbacks()`).
#[derive(Debug, Clone, Copy)]
pub struct Verifier<'a> {
    core: &'a crate::Core,
    limit: usize,
}

impl<'a> Verifier<'a> {
    /// A verifier with `core`'s credentials and the [`DEFAULT_MAX_BODY`] limit.
    pub fn new(core: &'a crate::Core) -> Self {
        Verifier {
            core,
            limit: DEFAULT_MAX_BODY,
        }
    }

    /// Largest body accepted; a larger one is [`CallbackError::TooLarge`].
    pub fn max_body_bytes(self, limit: usize) -> Self {
        Verifier { limit, ..self }
    }

    /// Verifies a notification of `cb`, then decodes its payload with codec `C`.
    ///
    /// In order: a body over the limit is [`CallbackError::TooLarge`]; a
    /// signature that is absent is [`CallbackError::MissingSignature`], one
    /// that differs (compared in constant time) [`CallbackError::WrongSignature`];
    /// a body that is not JSON is [`CallbackError::Malformed`]; only then is
    /// the payload decoded ([`CallbackError::Decode`] if it does not fit).
    pub fn verify<C: Codec<T>, T>(
        &self,
        cb: &'static Callback,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
    ) -> Result<T, CallbackError> {
        let limit = self.limit;
        let callback = cb.op_name();
        let (credentials, redactor) = self.core.callback_secrets();
        if body.len() > limit {
            return Err(CallbackError::TooLarge {
                callback,
                size: body.len(),
                limit,
            });
        }
        let malformed = |reason: String| CallbackError::Malformed { callback, reason };
        let missing = || CallbackError::MissingSignature {
            callback,
            place: cb.carried.to_string(),
        };
        let wrong = || CallbackError::WrongSignature { callback };
        let key = sign::render_with(cb.key, credentials, |_| None);

        // A raw-body signature is checked before the body is even read as text.
        if let (Signed::Body, Carried::Header(name)) = (cb.signed, cb.carried) {
            let sent = headers.header(name).ok_or_else(missing)?;
            let sent = std::str::from_utf8(sent).map_err(|_| wrong())?;
            let expected = sign::digest(cb.algorithm, key.as_bytes(), body);
            if !matches(sent, cb.prefix, cb.output, &expected) {
                return Err(wrong());
            }
        }

        let text = std::str::from_utf8(body)
            .map_err(|e| malformed(format!("the body is not UTF-8: {e}")))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let parsed = Body::parse(text, &crate::envelope::NO_PATHS)
            .map_err(|e| malformed(format!("the body is not JSON: {e}")))?;
        let Some(raw) = parsed.at(cb.payload) else {
            return Err(malformed(format!(
                "no payload at `{}`",
                cb.payload.join(".")
            )));
        };
        fn field_path<'n>(payload: &[&'n str], name: &'n str) -> Vec<&'n str> {
            let mut p = payload.to_vec();
            p.push(name);
            p
        }

        if let Signed::Template(template) = cb.signed {
            let sent = match cb.carried {
                Carried::Field(name) => field_text(&parsed, &field_path(cb.payload, name)),
                Carried::Header(name) => headers
                    .header(name)
                    .map(|v| String::from_utf8_lossy(v).into_owned()),
            }
            .filter(|s| !s.is_empty())
            .ok_or_else(missing)?;
            let signed = sign::render_with(template, credentials, |name| {
                field_text(&parsed, &field_path(cb.payload, name))
            });
            let expected = sign::digest(cb.algorithm, key.as_bytes(), signed.as_bytes());
            if !matches(&sent, cb.prefix, cb.output, &expected) {
                return Err(wrong());
            }
        }

        let mut de = serde_json::Deserializer::from_str(raw);
        C::decode(&mut de).map_err(|e| CallbackError::Decode {
            callback,
            reason: redactor.redact(&e.to_string()),
        })
    }
}

/// A payload field as a signature template reads it: a string's text, any
/// other value's JSON text as sent (`16500`, `true`), nothing for `null` or
/// an absent field.
fn field_text(parsed: &Body<'_>, path: &[&str]) -> Option<String> {
    let raw = parsed.at(path)?.trim();
    if raw.starts_with('"') {
        serde_json::from_str(raw).ok()
    } else if raw == "null" {
        None
    } else {
        Some(raw.to_owned())
    }
}

/// True when `sent` is `prefix` followed by `expected` written as `output`
/// (hex in either case). The digests are compared in constant time.
fn matches(sent: &str, prefix: &str, output: DigestOutput, expected: &[u8]) -> bool {
    let Some(digest) = sent.trim().strip_prefix(prefix) else {
        return false;
    };
    let decoded = match output {
        DigestOutput::Hex | DigestOutput::HexUpper => from_hex(digest),
        DigestOutput::Base64 => base64::engine::general_purpose::STANDARD
            .decode(digest)
            .ok(),
    };
    decoded.is_some_and(|d| constant_time_eq(&d, expected))
}

/// Equal bytes, in time that depends only on the lengths (which are not
/// secret: every digest of one algorithm has the same length).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_bytes_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn digests_match_with_prefix_in_either_hex_case() {
        let d = [0xde, 0xad, 0xbe, 0xef];
        assert!(matches("sha1=deadbeef", "sha1=", DigestOutput::Hex, &d));
        assert!(matches("sha1=DEADBEEF", "sha1=", DigestOutput::Hex, &d));
        assert!(matches(" deadbeef ", "", DigestOutput::HexUpper, &d));
        assert!(!matches("deadbeef", "sha1=", DigestOutput::Hex, &d));
        assert!(!matches("sha1=deadbee", "sha1=", DigestOutput::Hex, &d));
        assert!(!matches("sha1=deadbeeg", "sha1=", DigestOutput::Hex, &d));
        assert!(!matches("sha1=deadbeef00", "sha1=", DigestOutput::Hex, &d));
        assert!(matches("3q2+7w==", "", DigestOutput::Base64, &d));
        assert!(!matches("3q2+7w=", "", DigestOutput::Base64, &d));
    }

    #[test]
    fn header_pairs_are_found_without_regard_to_case() {
        let pairs = [("X-Hub-Signature", "sha1=ab"), ("x-other", "1")];
        assert_eq!(pairs.header("x-hub-signature"), Some(&b"sha1=ab"[..]));
        assert_eq!(pairs.header("missing"), None);
        let owned: Vec<(String, String)> = vec![("A".into(), "b".into())];
        assert_eq!(owned.header("a"), Some(&b"b"[..]));
        let mut map = reqwest::header::HeaderMap::new();
        map.insert(
            "x-hub-signature",
            reqwest::header::HeaderValue::from_static("v"),
        );
        assert_eq!(map.header("X-Hub-Signature"), Some(&b"v"[..]));
    }
}
