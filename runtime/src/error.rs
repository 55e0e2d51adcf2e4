//! The one error type every generated client returns.

use std::fmt;

/// Which call failed: provider module and endpoint name, as in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpName {
    /// Provider module (`acme_topup`).
    pub provider: &'static str,
    /// Endpoint (`purchase`).
    pub endpoint: &'static str,
}

impl fmt::Display for OpName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.provider, self.endpoint)
    }
}

/// A bounded, redacted excerpt of a response body, for diagnostics.
///
/// At most [`BodyExcerpt::LIMIT`] bytes (cut on a character boundary), with
/// every credential replaced by `***`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyExcerpt {
    /// The excerpt text.
    pub text: String,
    /// True when the body was longer than the excerpt.
    pub truncated: bool,
}

impl BodyExcerpt {
    /// Most bytes kept.
    pub const LIMIT: usize = 512;

    pub(crate) fn new(body: &[u8], secrets: &[String]) -> Self {
        let lossy = String::from_utf8_lossy(body);
        let redacted = crate::secret::redact(&lossy, secrets);
        let mut end = redacted.len().min(Self::LIMIT);
        while !redacted.is_char_boundary(end) {
            end -= 1;
        }
        BodyExcerpt {
            truncated: end < redacted.len(),
            text: redacted[..end].to_owned(),
        }
    }
}

impl fmt::Display for BodyExcerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?}{}",
            self.text,
            if self.truncated { "…" } else { "" }
        )
    }
}

/// One failed item of a batch answer (`{"error": "Incorrect order ID"}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItemError {
    /// The provider's text for this item.
    pub message: String,
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ItemError {}

/// Everything that can go wrong with a call.
///
/// No variant ever holds a credential or a derived signature: transport errors
/// are stripped of their URL, and body excerpts and provider messages are redacted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before anything was sent (a parameter out of bounds,
    /// a combination the provider does not accept).
    #[error("{op}: invalid request: {reason}")]
    InvalidRequest {
        /// The call.
        op: OpName,
        /// What is wrong.
        reason: String,
    },
    /// The connection could not be made or broke before a response; for calls
    /// that move money this only happens when nothing was sent.
    #[error("{op}: transport error: {source}")]
    Transport {
        /// The call.
        op: OpName,
        /// The cause (without the URL, which may carry credentials).
        #[source]
        source: reqwest::Error,
    },
    /// No complete response within the timeout (idempotent calls only; a call
    /// that moves money reports [`Error::OutcomeUnknown`] instead).
    #[error("{op}: timed out")]
    Timeout {
        /// The call.
        op: OpName,
    },
    /// The provider answered with an HTTP error status and a body that is not
    /// its error envelope.
    #[error("{op}: HTTP {status}: {excerpt}")]
    HttpStatus {
        /// The call.
        op: OpName,
        /// HTTP status.
        status: u16,
        /// Start of the body.
        excerpt: BodyExcerpt,
    },
    /// The body could not be decoded: not JSON, truncated, or not the declared shape.
    #[error("{op}: undecodable response (HTTP {status}): {reason}; body: {excerpt}")]
    Decode {
        /// The call.
        op: OpName,
        /// HTTP status.
        status: u16,
        /// What did not match.
        reason: String,
        /// Start of the body.
        excerpt: BodyExcerpt,
    },
    /// The body was larger than the client's limit; reading stopped there.
    #[error("{op}: response body larger than {limit} bytes")]
    BodyTooLarge {
        /// The call.
        op: OpName,
        /// The limit in bytes.
        limit: usize,
    },
    /// The provider said no, in its envelope (also when it came with HTTP 200).
    #[error("{op}: provider error{}: {message}", code.as_ref().map(|c| format!(" {c}")).unwrap_or_default())]
    Provider {
        /// The call.
        op: OpName,
        /// HTTP status of the answer.
        status: u16,
        /// The provider's error code, if it sends one.
        code: Option<String>,
        /// The provider's message (redacted).
        message: String,
    },
    /// The provider accepted the request but has not finished it (e.g. a top-up
    /// still processing). Check its status later with the same reference.
    #[error("{op}: pending{}: {message}", code.as_ref().map(|c| format!(" {c}")).unwrap_or_default())]
    Pending {
        /// The call.
        op: OpName,
        /// The provider's code for "pending".
        code: Option<String>,
        /// The provider's message.
        message: String,
        /// The caller's reference, when the endpoint declares one.
        reference: Option<String>,
        /// The payload as sent, if the envelope had one.
        payload: Option<Box<serde_json::Value>>,
    },
    /// A call that moves money was sent, but its result is unknown (timeout,
    /// connection lost, unreadable answer). It was not retried. Look the
    /// transaction up by `reference` before trying again.
    #[error("{op}: outcome unknown (reference {}): {cause}", reference.as_deref().unwrap_or("none"))]
    OutcomeUnknown {
        /// The call.
        op: OpName,
        /// The caller's reference for this request, if the endpoint has one.
        reference: Option<String>,
        /// What happened.
        cause: String,
    },
}

impl Error {
    /// An [`Error::InvalidRequest`] for `op`.
    pub fn invalid_request(op: &crate::op::Operation, reason: String) -> Self {
        Error::InvalidRequest {
            op: OpName {
                provider: op.provider,
                endpoint: op.name,
            },
            reason,
        }
    }

    /// The call this error belongs to.
    pub fn op(&self) -> OpName {
        match self {
            Error::InvalidRequest { op, .. }
            | Error::Transport { op, .. }
            | Error::Timeout { op }
            | Error::HttpStatus { op, .. }
            | Error::Decode { op, .. }
            | Error::BodyTooLarge { op, .. }
            | Error::Provider { op, .. }
            | Error::Pending { op, .. }
            | Error::OutcomeUnknown { op, .. } => *op,
        }
    }

    /// True when the request certainly had no effect and may be sent again.
    pub fn is_safe_to_retry(&self) -> bool {
        matches!(self, Error::InvalidRequest { .. })
            || matches!(self, Error::Transport { source, .. } if source.is_connect())
    }
}

/// What `build()` of a client builder reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A declared credential was not given.
    #[error("{provider}: missing credential `{name}`: call `.{name}(...)` on the builder")]
    MissingCredential {
        /// Provider module.
        provider: &'static str,
        /// Credential name.
        name: &'static str,
    },
    /// The provider has no default host and none was given.
    #[error("{provider}: no base URL: call `.base_url(...)`{}", if *has_environments { " or `.environment(...)`" } else { "" })]
    MissingBaseUrl {
        /// Provider module.
        provider: &'static str,
        /// Whether named environments exist.
        has_environments: bool,
    },
    /// The base URL does not parse or is not http(s).
    #[error("{provider}: invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// Provider module.
        provider: &'static str,
        /// The URL given.
        url: String,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be built (TLS set-up).
    #[error("{provider}: cannot build the HTTP client: {reason}")]
    Http {
        /// Provider module.
        provider: &'static str,
        /// Why.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_and_redacted() {
        let body = format!("token=SECRET-TOKEN {}", "é".repeat(600));
        let e = BodyExcerpt::new(body.as_bytes(), &["SECRET-TOKEN".to_owned()]);
        assert!(e.truncated);
        assert!(e.text.len() <= BodyExcerpt::LIMIT);
        assert!(e.text.starts_with("token=*** "));
        assert!(!e.text.contains("SECRET"));
    }
}
