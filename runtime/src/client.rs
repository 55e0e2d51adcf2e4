//! The HTTP engine every generated client wraps.

use std::fmt;
use std::time::{Duration, Instant};

use crate::codec::Codec;
use crate::envelope::Body;
use crate::error::{BodyExcerpt, BuildError, Error, OpName};
use crate::op::{AuthValue, Encoding, Lit, Location, Method, Operation, Segment};
use crate::params::{write_json_string, Param, Params};
use crate::secret::Secret;
use crate::sign;
use tracing::Instrument;

/// Default total time for one attempt (request sent, whole body read).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest response body read.
pub const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;

/// When idempotent calls are repeated. Calls that move money never are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Further attempts after the first (0 switches retries off).
    pub max_retries: u32,
    /// Delay before the first retry; doubled each time, with jitter.
    pub base_delay: Duration,
    /// Longest single delay, also the cap on a provider's `Retry-After`.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// No retries.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_retries: 0,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    };
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Client settings that are not credentials or the base URL, in one value
/// (used by the provider-neutral [`crate::dynamic`] constructors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Total time for one attempt.
    pub timeout: Duration,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Largest response body read.
    pub max_body: usize,
    /// Retries of idempotent calls.
    pub retry: RetryPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
            retry: RetryPolicy::default(),
        }
    }
}

/// Collects a client's settings; generated builders wrap it with one typed
/// setter per credential.
pub struct CoreBuilder {
    provider: &'static str,
    credential_names: &'static [&'static str],
    credentials: Vec<Option<Secret>>,
    base_url: Option<String>,
    has_environments: bool,
    timeout: Duration,
    connect_timeout: Duration,
    http: Option<reqwest::Client>,
    max_body: usize,
    retry: RetryPolicy,
}

impl fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoreBuilder")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url.as_deref().map(strip_userinfo))
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl CoreBuilder {
    /// A builder for `provider` with the declared credential names, and the
    /// default base URL when the provider has one.
    pub fn new(
        provider: &'static str,
        credential_names: &'static [&'static str],
        default_base_url: Option<&'static str>,
        has_environments: bool,
    ) -> Self {
        CoreBuilder {
            provider,
            credential_names,
            credentials: vec![None; credential_names.len()],
            base_url: default_base_url.map(str::to_owned),
            has_environments,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            http: None,
            max_body: DEFAULT_MAX_BODY,
            retry: RetryPolicy::default(),
        }
    }

    /// Sets the credential at `index` of the declared list.
    pub fn credential(&mut self, index: usize, value: Secret) {
        if let Some(slot) = self.credentials.get_mut(index) {
            *slot = Some(value);
        }
    }

    /// Sets every declared credential found in `credentials`, by name.
    pub fn credentials_by_name(
        &mut self,
        credentials: &std::collections::BTreeMap<String, String>,
    ) {
        for (slot, name) in self.credentials.iter_mut().zip(self.credential_names) {
            if let Some(v) = credentials.get(*name) {
                *slot = Some(Secret::new(v.clone()));
            }
        }
    }

    /// Sets the base URL (scheme and host, optionally a path prefix).
    pub fn base_url(&mut self, url: impl Into<String>) {
        self.base_url = Some(url.into());
    }

    /// Total time for one attempt.
    pub fn timeout(&mut self, d: Duration) {
        self.timeout = d;
    }

    /// Time to establish a connection.
    pub fn connect_timeout(&mut self, d: Duration) {
        self.connect_timeout = d;
    }

    /// Uses this `reqwest::Client` (its own timeouts then apply as well).
    pub fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
    }

    /// Largest response body read; larger ones are [`Error::BodyTooLarge`].
    pub fn max_body_bytes(&mut self, limit: usize) {
        self.max_body = limit;
    }

    /// Retry policy for idempotent calls.
    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// Applies all of `settings`.
    pub fn settings(&mut self, settings: &Settings) {
        self.timeout = settings.timeout;
        self.connect_timeout = settings.connect_timeout;
        self.max_body = settings.max_body;
        self.retry = settings.retry;
    }

    /// Checks the settings and builds the engine.
    pub fn build(self) -> Result<Core, BuildError> {
        let provider = self.provider;
        let mut credentials = Vec::with_capacity(self.credentials.len());
        for (value, name) in self.credentials.into_iter().zip(self.credential_names) {
            credentials.push(value.ok_or(BuildError::MissingCredential { provider, name })?);
        }
        let raw = self.base_url.ok_or(BuildError::MissingBaseUrl {
            provider,
            has_environments: self.has_environments,
        })?;
        let invalid = |reason: &str| BuildError::InvalidBaseUrl {
            provider,
            url: strip_userinfo(&raw),
            reason: reason.to_owned(),
        };
        let parsed = url::Url::parse(&raw).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("the base URL may not carry a query or a fragment"));
        }
        let base = parsed.as_str().trim_end_matches('/').to_owned();
        let http = match self.http {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .user_agent(concat!("providers-runtime/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| BuildError::Http {
                    provider,
                    reason: e.without_url().to_string(),
                })?,
        };
        let secrets = credentials.iter().map(|s| s.expose().to_owned()).collect();
        Ok(Core {
            provider,
            http,
            base,
            credentials,
            secrets,
            max_body: self.max_body,
            retry: self.retry,
        })
    }
}

/// The engine: one per client, cheap to share (`reqwest::Client` pools connections).
#[derive(Clone)]
pub struct Core {
    provider: &'static str,
    http: reqwest::Client,
    base: String,
    credentials: Vec<Secret>,
    /// Credential texts, for redaction (never printed).
    secrets: Vec<String>,
    max_body: usize,
    retry: RetryPolicy,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("provider", &self.provider)
            .field("base_url", &strip_userinfo(&self.base))
            .field("credentials", &self.credentials)
            .field("max_body", &self.max_body)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// The request as it goes on the wire, built once and reused by retries.
struct Wire {
    url: String,
    headers: Vec<(&'static str, String)>,
    content_type: Option<&'static str>,
    body: Option<String>,
    reference: Option<String>,
}

/// What came back from one attempt, before judging.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

enum Attempt {
    Done(Answer),
    /// Failed in a way a retry may fix, with the error to report if none is left.
    Retry(Error, Option<Duration>),
    Fail(Error),
}

impl Core {
    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Sends `params` to `op` and decodes the payload with codec `C`.
    pub async fn execute<T, C: Codec<T>>(
        &self,
        op: &'static Operation,
        params: Params,
    ) -> Result<T, Error> {
        let name = OpName {
            provider: op.provider,
            endpoint: op.name,
        };
        let wire = self.encode(op, name, &params)?;
        let span = tracing::info_span!(
            "provider_call",
            provider = op.provider,
            endpoint = op.name,
            method = op.method.as_str(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.run::<T, C>(op, name, wire, &span)
            .instrument(span.clone())
            .await
    }

    async fn run<T, C: Codec<T>>(
        &self,
        op: &'static Operation,
        name: OpName,
        wire: Wire,
        span: &tracing::Span,
    ) -> Result<T, Error> {
        let retries = if op.idempotent && !op.moves_money {
            self.retry.max_retries
        } else {
            0
        };
        let started = Instant::now();
        let mut attempt = 0u32;
        let answer = loop {
            attempt += 1;
            span.record("attempt", attempt);
            match self.attempt(op, name, &wire).await {
                Attempt::Done(a) => break a,
                Attempt::Fail(e) => return Err(e),
                Attempt::Retry(e, after) => {
                    if attempt > retries {
                        return Err(e);
                    }
                    let delay = self.backoff(attempt, after);
                    tracing::debug!(error = %e, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        };
        span.record("status", answer.status);
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        self.judge::<T, C>(op, name, &wire, answer)
    }

    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .retry
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(16));
        // Jitter in [50%, 100%] of the delay, from the clock's low bits.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let jittered = exp.mul_f64(0.5 + f64::from(nanos % 1000) / 2000.0);
        retry_after.unwrap_or(jittered).min(self.retry.max_delay)
    }

    fn invalid(name: OpName, reason: String) -> Error {
        Error::InvalidRequest { op: name, reason }
    }

    /// Builds URL, headers and body: everything checkable before sending.
    fn encode(&self, op: &Operation, name: OpName, params: &Params) -> Result<Wire, Error> {
        let mut url = self.base.clone();
        for seg in op.path {
            match seg {
                Segment::Lit(s) => url.push_str(s),
                Segment::Param(p) | Segment::Optional(p) => match params.get(p) {
                    Some(v) => {
                        let text = v.to_text();
                        if text.is_empty() {
                            return Err(Self::invalid(
                                name,
                                format!("path parameter `{p}` is empty"),
                            ));
                        }
                        url.push('/');
                        url.extend(url::form_urlencoded::byte_serialize(text.as_bytes()).map(
                            // Path segments write spaces as %20, not '+'.
                            |s| if s == "+" { "%20" } else { s },
                        ));
                    }
                    None if matches!(seg, Segment::Optional(_)) => {}
                    None => {
                        return Err(Self::invalid(name, format!("missing path parameter `{p}`")))
                    }
                },
            }
        }

        // Every value with its place: auth first, then fixed values, then parameters.
        let mut placed: Vec<(Location, &'static str, String, Option<&Param>)> = Vec::new();
        let mut fixed_params: Vec<(Location, &'static str, Param)> = Vec::new();
        for auth in op.auth {
            let value = match auth.value {
                AuthValue::Credential(i) => match self.credentials.get(i) {
                    Some(c) => c.expose().to_owned(),
                    None => continue,
                },
                AuthValue::Signature(sig) => {
                    sign::compute(&sig, &self.credentials, params, op.fixed)
                }
            };
            placed.push((
                auth.location,
                auth.name,
                format!("{}{}", auth.prefix, value),
                None,
            ));
        }
        for (loc, n, lit) in op.fixed {
            fixed_params.push((
                *loc,
                n,
                match lit {
                    Lit::Bool(b) => Param::Bool(*b),
                    Lit::Int(i) => Param::Int(*i),
                    Lit::Str(s) => Param::Str((*s).to_owned()),
                },
            ));
        }
        for (loc, n, p) in fixed_params
            .iter()
            .map(|(l, n, p)| (*l, *n, p))
            .chain(params.iter())
        {
            if loc != Location::Path {
                placed.push((loc, n, p.to_text(), Some(p)));
            }
        }

        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let mut has_query = false;
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        let mut json = String::from("{");
        let mut body_fields = 0usize;
        let mut headers: Vec<(&'static str, String)> = op
            .headers
            .iter()
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect();
        let mut cookies: Vec<String> = Vec::new();
        for (loc, n, text, param) in &placed {
            match loc {
                Location::Query => {
                    for t in texts(param, text) {
                        query.append_pair(n, &t);
                    }
                    has_query = true;
                }
                Location::Body => {
                    body_fields += 1;
                    match op.encoding {
                        Encoding::Form => {
                            for t in texts(param, text) {
                                form.append_pair(n, &t);
                            }
                        }
                        Encoding::Json => {
                            if body_fields > 1 {
                                json.push(',');
                            }
                            write_json_string(n, &mut json);
                            json.push(':');
                            match param {
                                Some(p) => p.write_json(&mut json),
                                None => write_json_string(text, &mut json),
                            }
                        }
                    }
                }
                Location::Header => {
                    if text.contains(['\r', '\n']) {
                        return Err(Self::invalid(
                            name,
                            format!("header `{n}` contains a line break"),
                        ));
                    }
                    headers.push((n, text.clone()));
                }
                Location::Cookie => {
                    if text.contains([';', '\r', '\n']) {
                        return Err(Self::invalid(
                            name,
                            format!("cookie `{n}` contains `;` or a line break"),
                        ));
                    }
                    cookies.push(format!("{n}={text}"));
                }
                Location::Path => {}
            }
        }
        if !cookies.is_empty() {
            headers.push(("cookie", cookies.join("; ")));
        }
        if has_query {
            url.push('?');
            url.push_str(&query.finish());
        }
        let sends_body =
            body_fields > 0 || matches!(op.method, Method::Post | Method::Put | Method::Patch);
        let (content_type, body) = if !sends_body {
            (None, None)
        } else {
            match op.encoding {
                Encoding::Form => (
                    Some("application/x-www-form-urlencoded"),
                    Some(form.finish()),
                ),
                Encoding::Json => {
                    json.push('}');
                    (Some("application/json"), Some(json))
                }
            }
        };
        let reference = op.reference.and_then(|r| params.get(r)).map(Param::to_text);
        Ok(Wire {
            url,
            headers,
            content_type,
            body,
            reference,
        })
    }

    /// One attempt: send, read the body within the limit.
    async fn attempt(&self, op: &Operation, name: OpName, wire: &Wire) -> Attempt {
        let method = match op.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut req = self.http.request(method, &wire.url);
        for (k, v) in &wire.headers {
            req = req.header(*k, v);
        }
        if let Some(ct) = wire.content_type {
            req = req.header("content-type", ct);
        }
        req = req.header("accept", "application/json");
        if let Some(body) = &wire.body {
            req = req.body(body.clone());
        }
        let lost = |cause: String| -> Error {
            Error::OutcomeUnknown {
                op: name,
                reference: wire.reference.clone(),
                cause,
            }
        };
        // After the request may have reached the provider, a call that is not
        // idempotent must not be repeated: its failures are "outcome unknown".
        let unsafe_to_repeat = !op.idempotent || op.moves_money;
        let broken = |e: reqwest::Error, what: &str| -> Attempt {
            if unsafe_to_repeat {
                Attempt::Fail(lost(if e.is_timeout() {
                    "no answer within the timeout".to_owned()
                } else {
                    format!("{what}: {e}")
                }))
            } else if e.is_timeout() {
                Attempt::Retry(Error::Timeout { op: name }, None)
            } else {
                Attempt::Retry(
                    Error::Transport {
                        op: name,
                        source: e,
                    },
                    None,
                )
            }
        };
        let mut resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                let e = e.without_url();
                if e.is_connect() {
                    // Nothing reached the provider: safe to repeat, whatever the call.
                    return Attempt::Retry(
                        Error::Transport {
                            op: name,
                            source: e,
                        },
                        None,
                    );
                }
                return broken(e, "connection lost after sending");
            }
        };
        let status = resp.status().as_u16();
        if op.moves_money && status >= 500 {
            // The provider may have processed it before failing: look it up, never re-send.
            return Attempt::Fail(lost(format!("HTTP {status} from the provider")));
        }
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let too_large = || {
            if op.moves_money && (200..300).contains(&status) {
                lost(format!(
                    "HTTP {status} with a body over the {} byte limit",
                    self.max_body
                ))
            } else {
                Error::BodyTooLarge {
                    op: name,
                    limit: self.max_body,
                }
            }
        };
        if resp
            .content_length()
            .is_some_and(|n| n > self.max_body as u64)
        {
            return Attempt::Fail(too_large());
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.max_body {
                        return Attempt::Fail(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return broken(e.without_url(), "answer cut off"),
            }
        }
        if matches!(status, 429 | 502..=504) && op.idempotent && !op.moves_money {
            let excerpt = BodyExcerpt::new(&body, &self.secrets);
            return Attempt::Retry(
                Error::HttpStatus {
                    op: name,
                    status,
                    excerpt,
                },
                retry_after,
            );
        }
        Attempt::Done(Answer { status, body })
    }

    /// Applies the envelope to an answer and decodes the payload.
    fn judge<T, C: Codec<T>>(
        &self,
        op: &Operation,
        name: OpName,
        wire: &Wire,
        answer: Answer,
    ) -> Result<T, Error> {
        let Answer { status, body } = answer;
        let excerpt = || BodyExcerpt::new(&body, &self.secrets);
        let ok_status = (200..300).contains(&status);
        let undecodable = |reason: String| -> Error {
            if op.moves_money && ok_status {
                Error::OutcomeUnknown {
                    op: name,
                    reference: wire.reference.clone(),
                    cause: format!("HTTP {status} with an unreadable answer: {reason}"),
                }
            } else {
                Error::Decode {
                    op: name,
                    status,
                    reason,
                    excerpt: excerpt(),
                }
            }
        };
        let text = match std::str::from_utf8(&body) {
            Ok(t) => t,
            Err(_) if !ok_status => {
                return Err(Error::HttpStatus {
                    op: name,
                    status,
                    excerpt: excerpt(),
                });
            }
            Err(e) => return Err(undecodable(format!("body is not UTF-8: {e}"))),
        };
        let parsed = match Body::parse(text) {
            Ok(b) => b,
            Err(_) if !ok_status => {
                return Err(Error::HttpStatus {
                    op: name,
                    status,
                    excerpt: excerpt(),
                });
            }
            Err(e) => return Err(undecodable(format!("body is not JSON: {e}"))),
        };
        let env = &op.envelope;
        let redact = |s: String| crate::secret::redact(&s, &self.secrets);
        if !ok_status {
            let (code, message) = parsed.error_fields(env);
            if code.is_none() && message.is_none() {
                return Err(Error::HttpStatus {
                    op: name,
                    status,
                    excerpt: excerpt(),
                });
            }
            return Err(Error::Provider {
                op: name,
                status,
                code: code.map(redact),
                message: redact(message.unwrap_or_default()),
            });
        }
        if !parsed.holds(env.success) {
            let (code, message) = parsed.error_fields(env);
            if !env.pending.is_empty() && parsed.holds(env.pending) {
                return Err(Error::Pending {
                    op: name,
                    code: code.map(redact),
                    message: redact(message.unwrap_or_default()),
                    reference: wire.reference.clone(),
                    payload: parsed.value(env.payload).map(Box::new),
                });
            }
            return Err(Error::Provider {
                op: name,
                status,
                code: code.map(redact),
                message: redact(message.unwrap_or_else(|| {
                    "the response does not meet the success conditions".to_owned()
                })),
            });
        }
        let Some(raw) = parsed.at(env.payload) else {
            return Err(undecodable(format!(
                "no payload at `{}`",
                env.payload.join(".")
            )));
        };
        let mut de = serde_json::Deserializer::from_str(raw);
        C::decode(&mut de).map_err(|e| undecodable(format!("payload: {e}")))
    }
}

/// The texts a value is written as in a query or form: one per item for an
/// array (`ids=1&ids=2`), else the value's text.
fn texts(param: &Option<&Param>, text: &str) -> Vec<String> {
    match param {
        Some(Param::Array(items)) => items.iter().map(Param::to_text).collect(),
        _ => vec![text.to_owned()],
    }
}

/// Removes `user:password@` from a URL for display.
fn strip_userinfo(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => "<unparsable url>".to_owned(),
    }
}
