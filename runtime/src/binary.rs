//! Documents: answers that are bytes, not JSON (a PDF receipt).
//!
//! An endpoint declared `response: binary` returns a [`Binary`]: the body as
//! received (bounded by the client's body limit) and its `content-type`. The
//! engine reads such an answer through the envelope only when it is JSON
//! after all ([`is_json`]), which is how these providers report an error.

use std::fmt;

use base64::Engine;
use serde::de::{self, Deserializer};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::codec::Codec;

/// A document the provider sent: its bytes and content type.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Binary {
    /// The `content-type` header, as sent (`application/pdf`), if any.
    pub content_type: Option<String>,
    /// The body, exactly as received.
    pub bytes: Vec<u8>,
}

impl Binary {
    /// The media type without parameters, lowercase (`application/pdf` for
    /// `Application/PDF; name=receipt.pdf`).
    pub fn media_type(&self) -> Option<String> {
        self.content_type.as_deref().map(media_type)
    }
}

/// A document can be megabytes: `Debug` shows its type and length, not its bytes.
impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Binary")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The media type of a `content-type` value: before any `;`, trimmed, lowercase.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether an answer to a `binary` endpoint is JSON: its `content-type` says
/// so (`application/json`, `text/json`, `…+json`), or its body is a JSON
/// object (a byte-order mark and white space before the `{` allowed). A PDF,
/// an image or an archive never starts with `{`.
pub(crate) fn is_json(content_type: Option<&str>, body: &[u8]) -> bool {
    if let Some(ct) = content_type {
        let m = media_type(ct);
        if m == "application/json" || m == "text/json" || m.ends_with("+json") {
            return true;
        }
    }
    let body = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    match start {
        Some(i) if body[i] == b'{' => std::str::from_utf8(&body[i..])
            .is_ok_and(|t| serde_json::from_str::<de::IgnoredAny>(t).is_ok()),
        _ => false,
    }
}

/// Written as JSON (the provider-neutral interface, tools) as
/// `{"content_type": ..., "base64": ...}`, the bytes in standard base64.
impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Binary", 2)?;
        st.serialize_field("content_type", &self.content_type)?;
        st.serialize_field(
            "base64",
            &base64::engine::general_purpose::STANDARD.encode(&self.bytes),
        )?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Written {
            #[serde(default)]
            content_type: Option<String>,
            base64: String,
        }
        let w = Written::deserialize(d)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(w.base64.as_bytes())
            .map_err(|e| de::Error::custom(format!("`base64` is not base64: {e}")))?;
        Ok(Binary {
            content_type: w.content_type,
            bytes,
        })
    }
}

/// The codec of a `binary` response: a whole answer becomes a [`Binary`];
/// as JSON it is the form [`Binary`]'s `Serialize` writes.
pub struct BinaryAnswer;
impl Codec<Binary> for BinaryAnswer {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Binary, D::Error> {
        Binary::deserialize(d)
    }
    fn encode<S: Serializer>(v: &Binary, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }
    fn decode_binary(answer: Binary) -> Result<Binary, String> {
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers_are_told_from_documents() {
        assert!(is_json(Some("application/json; charset=utf-8"), b"x"));
        assert!(is_json(Some("Application/Problem+JSON"), b""));
        assert!(is_json(Some("text/html"), b"\xef\xbb\xbf \n{\"data\": {}}"));
        assert!(is_json(None, b"{\"a\": 1}"));
        assert!(!is_json(Some("application/pdf"), b"%PDF-1.4\n%\xe2\xe3"));
        assert!(!is_json(None, b"{ not json"));
        assert!(!is_json(None, b"[1, 2]"), "only an object is an envelope");
        assert!(!is_json(None, b""));
        assert!(!is_json(Some("application/pdf"), b"\xff\xfe{"));
    }

    #[test]
    fn documents_round_trip_as_json_and_debug_shows_no_bytes() {
        let b = Binary {
            content_type: Some("application/pdf".into()),
            bytes: b"%PDF-1.4 \x00\xff".to_vec(),
        };
        let v = serde_json::to_value(&b).unwrap();
        assert_eq!(v["content_type"], "application/pdf");
        assert_eq!(v["base64"], "JVBERi0xLjQgAP8=");
        let back: Binary = crate::codec::from_value::<BinaryAnswer, _>(v).unwrap();
        assert_eq!(back, b);
        assert_eq!(
            format!("{b:?}"),
            "Binary { content_type: Some(\"application/pdf\"), len: 11 }"
        );
        assert_eq!(
            Binary {
                content_type: Some("Application/PDF; name=r.pdf".into()),
                bytes: Vec::new()
            }
            .media_type()
            .as_deref(),
            Some("application/pdf")
        );
        assert!(serde_json::from_str::<Binary>(r#"{"base64": "***"}"#).is_err());
    }
}
