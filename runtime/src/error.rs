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

    pub(crate) fn new(body: &[u8], redactor: &crate::secret::Redactor) -> Self {
        let lossy = String::from_utf8_lossy(body);
        let redacted = redactor.redact(&lossy);
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
    /// The connection could not be made, or (idempotent calls only) broke
    /// before the whole answer came. A call that is not idempotent reports
    /// this only when nothing was sent; otherwise it is [`Error::OutcomeUnknown`].
    #[error("{op}: transport error: {cause}")]
    Transport {
        /// The call.
        op: OpName,
        /// What failed, with its whole cause chain (`connection refused`, a
        /// DNS or TLS error), redacted and without the URL.
        cause: String,
        /// True when no request of this call was ever written (no connection
        /// was made): then the call certainly had no effect.
        nothing_sent: bool,
    },
    /// No complete answer within the timeout. A call that is not idempotent
    /// reports this only when the connection itself timed out (nothing was
    /// sent); otherwise it is [`Error::OutcomeUnknown`].
    #[error("{op}: timed out{}", if *nothing_sent { " connecting" } else { "" })]
    Timeout {
        /// The call.
        op: OpName,
        /// True when no request of this call was ever written.
        nothing_sent: bool,
    },
    /// The provider answered with a redirect that was not followed: calls that
    /// are not idempotent never follow one, idempotent calls follow at most
    /// five and only within the base URL's origin (scheme, host and port), so
    /// that credentials never reach another host. (A call that moves money
    /// reports [`Error::OutcomeUnknown`] instead.)
    #[error("{op}: HTTP {status} redirect to {} not followed", location.as_deref().unwrap_or("an unparsable location"))]
    Redirect {
        /// The call.
        op: OpName,
        /// HTTP status (301-308).
        status: u16,
        /// Where it pointed (redacted), if the `Location` header parsed.
        location: Option<String>,
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
            | Error::Timeout { op, .. }
            | Error::Redirect { op, .. }
            | Error::HttpStatus { op, .. }
            | Error::Decode { op, .. }
            | Error::BodyTooLarge { op, .. }
            | Error::Provider { op, .. }
            | Error::Pending { op, .. }
            | Error::OutcomeUnknown { op, .. } => *op,
        }
    }

    /// True when the call certainly had no effect and may be sent again:
    /// it was refused before sending, or no connection was ever made. Derived
    /// from what the engine knows was written, never from the last error's kind.
    pub fn is_safe_to_retry(&self) -> bool {
        match self {
            Error::InvalidRequest { .. } => true,
            Error::Transport { nothing_sent, .. } | Error::Timeout { nothing_sent, .. } => {
                *nothing_sent
            }
            _ => false,
        }
    }

    /// The variant, without its data.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Redirect { .. } => ErrorKind::Redirect,
            Error::HttpStatus { .. } => ErrorKind::HttpStatus,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::BodyTooLarge { .. } => ErrorKind::BodyTooLarge,
            Error::Provider { .. } => ErrorKind::Provider,
            Error::Pending { .. } => ErrorKind::Pending,
            Error::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
        }
    }
}

/// The variants of [`Error`], without their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::InvalidRequest`]
    InvalidRequest,
    /// [`Error::Transport`]
    Transport,
    /// [`Error::Timeout`]
    Timeout,
    /// [`Error::Redirect`]
    Redirect,
    /// [`Error::HttpStatus`]
    HttpStatus,
    /// [`Error::Decode`]
    Decode,
    /// [`Error::BodyTooLarge`]
    BodyTooLarge,
    /// [`Error::Provider`]
    Provider,
    /// [`Error::Pending`]
    Pending,
    /// [`Error::OutcomeUnknown`]
    OutcomeUnknown,
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
        let mut redactor = crate::secret::Redactor::default();
        redactor.add("SECRET-TOKEN");
        let e = BodyExcerpt::new(body.as_bytes(), &redactor);
        assert!(e.truncated);
        assert!(e.text.len() <= BodyExcerpt::LIMIT);
        assert!(e.text.starts_with("token=*** "));
        assert!(!e.text.contains("SECRET"));
    }
}
