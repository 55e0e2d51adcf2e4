//! Hooks: your code, called around every request a client sends, for
//! metrics, logging and request ids.
//!
//! A [`Hooks`] value given to a client builder (`.hooks(...)`, any number of
//! times; they run in that order) sees each request just before it is sent
//! ([`BeforeAttempt`]: endpoint, method, URL, header names, attempt number;
//! it may add headers) and just after its answer was judged ([`AfterAttempt`]:
//! status, elapsed time, what came of it). Closures work through [`before`]
//! and [`after`].
//!
//! Hooks never see a secret: the URL has credentials, signatures and
//! `secret: true` values in its query replaced by `***` (and no user or
//! password), headers are shown by name only, and errors are the client's own,
//! already redacted. A hook that panics is caught: the panic is reported
//! through `tracing` (an `error` event) and the call goes on as if the hook
//! had returned.
//!
//! # What the runtime traces
//!
//! Besides hooks, every call runs in one `tracing` span, at `INFO` level,
//! named `provider_call`, with the fields `provider` and `endpoint` (as in
//! the spec), `method`, and, recorded as the call goes, `attempt` (the
//! current attempt number), `status` (the last HTTP status) and `elapsed_ms`
//! (from the first attempt until the answer was judged). Inside it, a
//! `DEBUG` event `retrying` (fields `error`, the redacted error, and
//! `delay_ms`) precedes every retry, and an `ERROR` event "a hook panicked;
//! the call goes on without it" (fields `provider`, `endpoint`, `hook`,
//! `panic`) reports a panicking hook. None of them carries a credential, a
//! signature or a secret value. Callbacks ([`crate::callback`]) emit nothing:
//! their errors say everything.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{Error, OpName};
use crate::op::{Location, Operation};
use crate::secret::Redactor;

/// Code called around every request a client sends. Both methods do nothing
/// unless implemented.
pub trait Hooks: Send + Sync + 'static {
    /// Called just before a request is sent: every attempt of a call, and
    /// every redirect followed within one. It may add headers.
    fn before_attempt(&self, request: &mut BeforeAttempt<'_>) {
        let _ = request;
    }

    /// Called once the answer to that request was read and judged (or the
    /// request failed).
    fn after_attempt(&self, attempt: &AfterAttempt<'_>) {
        let _ = attempt;
    }
}

/// A request about to be sent, as a hook sees it.
pub struct BeforeAttempt<'a> {
    endpoint: OpName,
    method: &'a str,
    url: &'a str,
    headers: &'a HeaderMap,
    attempt: u32,
    added: HeaderMap,
}

impl fmt::Debug for BeforeAttempt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BeforeAttempt")
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("header_names", &self.header_names().collect::<Vec<_>>())
            .field("attempt", &self.attempt)
            .finish()
    }
}

impl BeforeAttempt<'_> {
    /// The provider module and endpoint (as named in the spec).
    pub fn endpoint(&self) -> OpName {
        self.endpoint
    }

    /// The HTTP method (`GET`, `POST`, ...).
    pub fn method(&self) -> &str {
        self.method
    }

    /// The URL, with every credential, signature and secret value in the
    /// query replaced by `***`, and without user or password.
    pub fn url(&self) -> &str {
        self.url
    }

    /// The names of the request's headers (lowercase), without their values;
    /// the headers added by hooks so far come last.
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        self.headers
            .keys()
            .chain(self.added.keys())
            .map(HeaderName::as_str)
    }

    /// 1 for the first attempt of a call, 2 for its first retry, and so on
    /// (a followed redirect keeps the number of its attempt).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Adds a header to this request (`x-request-id`). A name the request
    /// already has, one that frames the message (`host`, `content-length`,
    /// ...), and a name or value HTTP does not allow are refused: a hook adds,
    /// it never replaces what the client (its auth included) sends.
    pub fn add_header(&mut self, name: &str, value: &str) -> Result<(), HookHeaderError> {
        let refused = |reason: &'static str| HookHeaderError {
            name: name.chars().take(64).collect(),
            reason,
        };
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| refused("not a valid header name"))?;
        if FRAMING.contains(&n.as_str()) {
            return Err(refused("the HTTP client writes this header"));
        }
        if self.headers.contains_key(&n) || self.added.contains_key(&n) {
            return Err(refused("the request already has this header"));
        }
        let v = HeaderValue::from_str(value)
            .map_err(|_| refused("the value has a line break or another control character"))?;
        self.added.append(n, v);
        Ok(())
    }
}

/// Headers only the HTTP client writes.
const FRAMING: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// Why [`BeforeAttempt::add_header`] refused a header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("header `{name}` not added: {reason}")]
pub struct HookHeaderError {
    /// The name given (at most 64 characters of it).
    pub name: String,
    /// Why.
    pub reason: &'static str,
}

/// A request that was sent, and what came of it.
#[derive(Debug)]
#[non_exhaustive]
pub struct AfterAttempt<'a> {
    /// The provider module and endpoint (as named in the spec).
    pub endpoint: OpName,
    /// The attempt number, as [`BeforeAttempt::attempt`].
    pub attempt: u32,
    /// The HTTP status, if an answer came.
    pub status: Option<u16>,
    /// From just before the request was sent until now.
    pub elapsed: Duration,
    /// What came of it.
    pub outcome: AttemptOutcome<'a>,
}

/// What came of one request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The call returns its payload.
    Success,
    /// A redirect within the base URL's origin is followed: another request
    /// of the same attempt comes next.
    Redirected,
    /// The request failed with this error (redacted, as the call returns it).
    Failed {
        /// The error.
        error: &'a Error,
        /// True when the call tries again (an idempotent call); false when
        /// this error is what the call returns.
        retrying: bool,
    },
}

/// Hooks from closures: `.hooks(rt::hooks::before(|request| ...))`.
pub fn before<F>(f: F) -> Before<F>
where
    F: Fn(&mut BeforeAttempt<'_>) + Send + Sync + 'static,
{
    Before(f)
}

/// Hooks from closures: `.hooks(rt::hooks::after(|attempt| ...))`.
pub fn after<F>(f: F) -> After<F>
where
    F: Fn(&AfterAttempt<'_>) + Send + Sync + 'static,
{
    After(f)
}

/// A [`Hooks`] that calls a closure before each request ([`before`]).
pub struct Before<F>(F);

impl<F> Hooks for Before<F>
where
    F: Fn(&mut BeforeAttempt<'_>) + Send + Sync + 'static,
{
    fn before_attempt(&self, request: &mut BeforeAttempt<'_>) {
        (self.0)(request)
    }
}

/// A [`Hooks`] that calls a closure after each request ([`after`]).
pub struct After<F>(F);

impl<F> Hooks for After<F>
where
    F: Fn(&AfterAttempt<'_>) + Send + Sync + 'static,
{
    fn after_attempt(&self, attempt: &AfterAttempt<'_>) {
        (self.0)(attempt)
    }
}

/// The request the engine is about to send.
pub(crate) struct Sending<'a> {
    pub(crate) method: &'a reqwest::Method,
    pub(crate) url: &'a reqwest::Url,
    /// The call's headers (the engine's and the spec's, auth included).
    pub(crate) headers: &'a HeaderMap,
    /// The call's signatures and secret parameters.
    pub(crate) secrets: &'a [String],
}

/// The hooks of one client, in the order they were given.
#[derive(Clone, Default)]
pub(crate) struct HookList(Vec<Arc<dyn Hooks>>);

impl fmt::Debug for HookList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}

impl HookList {
    pub(crate) fn push(&mut self, hooks: Arc<dyn Hooks>) {
        self.0.push(hooks);
    }

    /// Runs every `before_attempt` and returns the headers they added.
    /// `redactor` gives the call's redactor; nothing is computed when there
    /// are no hooks.
    pub(crate) fn before(
        &self,
        op: &Operation,
        attempt: u32,
        sending: Sending<'_>,
        redactor: impl FnOnce() -> Redactor,
    ) -> HeaderMap {
        if self.0.is_empty() {
            return HeaderMap::new();
        }
        let shown = shown_url(sending.url, op, sending.secrets, &redactor());
        let mut request = BeforeAttempt {
            endpoint: op.op_name(),
            method: sending.method.as_str(),
            url: &shown,
            headers: sending.headers,
            attempt,
            added: HeaderMap::new(),
        };
        for h in &self.0 {
            let run = catch_unwind(AssertUnwindSafe(|| h.before_attempt(&mut request)));
            if let Err(panic) = run {
                report(op, "before_attempt", &*panic);
            }
        }
        request.added
    }

    /// Runs every `after_attempt`.
    pub(crate) fn after(
        &self,
        op: &Operation,
        attempt: u32,
        status: Option<u16>,
        elapsed: Duration,
        outcome: AttemptOutcome<'_>,
    ) {
        if self.0.is_empty() {
            return;
        }
        let done = AfterAttempt {
            endpoint: op.op_name(),
            attempt,
            status,
            elapsed,
            outcome,
        };
        for h in &self.0 {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| h.after_attempt(&done))) {
                report(op, "after_attempt", &*panic);
            }
        }
    }
}

/// A hook panicked: say so through tracing, with the panic's text when it has one.
fn report(op: &Operation, which: &'static str, panic: &(dyn std::any::Any + Send)) {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::error!(
        provider = op.provider,
        endpoint = op.name,
        hook = which,
        panic = message,
        "a hook panicked; the call goes on without it"
    );
}

/// `url` without user and password, its query values that carry a credential
/// or signature (by the op's auth placements) or a secret value (`secrets`)
/// written `***`, and whatever else `redactor` finds masked too.
fn shown_url(
    url: &reqwest::Url,
    op: &Operation,
    secrets: &[String],
    redactor: &Redactor,
) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    if u.query().is_some() {
        let in_query = |name: &str| {
            op.auth
                .iter()
                .any(|a| a.location == Location::Query && a.name == name)
        };
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let secret = in_query(&k) || secrets.iter().any(|s| *s == v);
                let v = if secret {
                    "***".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    redactor.redact(u.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::{Auth, AuthValue};

    #[test]
    fn urls_show_no_query_secret_and_no_userinfo() {
        static AUTH: [Auth; 1] = [Auth {
            location: Location::Query,
            name: "k",
            value: AuthValue::Credential(0),
            prefix: "",
        }];
        let mut op = crate::op::Operation {
            provider: "p",
            name: "e",
            method: crate::op::Method::Get,
            path: &[],
            encoding: crate::op::Encoding::Json,
            auth: &[],
            headers: &[],
            fixed: &[],
            envelope: crate::op::Envelope {
                success: &[],
                pending: &[],
                payload: &[],
                code: None,
                message: None,
            },
            idempotent: true,
            moves_money: false,
            reference: None,
            params: &[],
            secret_fields: &[],
            answer: crate::op::Answer::Json,
        };
        op.auth = &AUTH;
        let url =
            reqwest::Url::parse("https://u:pw@h.test/a/b?k=abc&pw2=hidden-one&q=a+b").unwrap();
        let shown = shown_url(&url, &op, &["hidden-one".into()], &Redactor::default());
        assert_eq!(shown, "https://h.test/a/b?k=***&pw2=***&q=a+b");
        let mut r = Redactor::default();
        r.add("in-path-secret");
        let url = reqwest::Url::parse("https://h.test/in-path-secret/x").unwrap();
        assert_eq!(shown_url(&url, &op, &[], &r), "https://h.test/***/x");
    }

    #[test]
    fn hooks_add_headers_but_never_replace_them() {
        let mut existing = HeaderMap::new();
        existing.insert("validate", HeaderValue::from_static("Bearer t"));
        let mut b = BeforeAttempt {
            endpoint: OpName {
                provider: "p",
                endpoint: "e",
            },
            method: "GET",
            url: "https://h.test/",
            headers: &existing,
            attempt: 1,
            added: HeaderMap::new(),
        };
        assert!(b.add_header("x-request-id", "r-1").is_ok());
        for (name, value) in [
            ("Validate", "x"),
            ("x-request-id", "again"),
            ("content-length", "0"),
            ("bad name", "x"),
            ("x-ok", "line\nbreak"),
        ] {
            assert!(b.add_header(name, value).is_err(), "{name}");
        }
        let names: Vec<&str> = b.header_names().collect();
        assert_eq!(names, ["validate", "x-request-id"]);
        assert!(!format!("{b:?}").contains("Bearer"));
    }
}
