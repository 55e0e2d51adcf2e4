//! The HTTP engine every generated client wraps.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::codec::Codec;
use crate::envelope::{self, Body};
use crate::error::{BodyExcerpt, BuildError, Error, ErrorKind};
use crate::hooks::{AttemptOutcome, HookList, Hooks, Sending};
use crate::op::{Answer, AuthValue, Encoding, Lit, Location, Method, Operation, Segment};
use crate::outcome::{self, BodyRead, CallKind, Happened, Redirect, Verdict};
use crate::params::{write_json_string, Param, Params};
use crate::secret::{Redactor, Secret};
use crate::sign;
use tracing::Instrument;

/// Default total time for one request sent (connection, request, whole body).
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
    /// Total time for each request sent.
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
    http: Option<reqwest::ClientBuilder>,
    max_body: usize,
    retry: RetryPolicy,
    hooks: HookList,
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
            hooks: HookList::default(),
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

    /// Total time for each request sent: connection, request, whole body.
    /// Applied by the engine to every request, whatever HTTP client is used.
    pub fn timeout(&mut self, d: Duration) {
        self.timeout = d;
    }

    /// Time to establish a connection.
    pub fn connect_timeout(&mut self, d: Duration) {
        self.connect_timeout = d;
    }

    /// Builds the HTTP client from this `reqwest::ClientBuilder` (proxies, TLS
    /// roots, pool settings) instead of a default one.
    ///
    /// The engine then sets on it what its promises rest on, replacing the
    /// builder's own values: no redirects followed by reqwest and no `Referer`
    /// (the engine decides redirects per call), and this builder's connect
    /// timeout. The total [`timeout`](Self::timeout) is applied per request
    /// by the engine. A built `reqwest::Client` is not accepted because its
    /// redirect policy can be neither read nor changed.
    pub fn http_client_builder(&mut self, builder: reqwest::ClientBuilder) {
        self.http = Some(builder);
    }

    /// Largest response body read; larger ones are [`Error::BodyTooLarge`].
    pub fn max_body_bytes(&mut self, limit: usize) {
        self.max_body = limit;
    }

    /// Retry policy for idempotent calls.
    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// Adds hooks, called around every request (after the ones added before).
    pub fn hooks(&mut self, hooks: impl Hooks) {
        self.hooks.push(std::sync::Arc::new(hooks));
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
        let mut redactor = Redactor::default();
        for c in &credentials {
            redactor.add(c.expose());
        }
        redactor.add(parsed.username());
        if let Some(p) = parsed.password() {
            redactor.add(p);
        }
        let base = parsed.as_str().trim_end_matches('/').to_owned();
        let builder = self.http.unwrap_or_else(|| {
            reqwest::Client::builder()
                .user_agent(concat!("providers-runtime/", env!("CARGO_PKG_VERSION")))
        });
        let http = builder
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| BuildError::Http {
                provider,
                reason: error_chain(&e.without_url()),
            })?;
        Ok(Core {
            provider,
            http,
            base,
            origin: parsed.origin(),
            base_parsed: parsed,
            credentials,
            redactor,
            max_body: self.max_body,
            timeout: self.timeout,
            retry: self.retry,
            hooks: self.hooks,
        })
    }
}

/// The engine: one per client, cheap to share (`reqwest::Client` pools connections).
#[derive(Clone)]
pub struct Core {
    provider: &'static str,
    http: reqwest::Client,
    base: String,
    /// `base`, parsed once: request URLs are parsed relative to it.
    base_parsed: url::Url,
    /// Scheme, host and port of the base URL: the only origin redirects may go to.
    origin: url::Origin,
    credentials: Vec<Secret>,
    /// Every form of every credential, for redaction.
    redactor: Redactor,
    max_body: usize,
    timeout: Duration,
    retry: RetryPolicy,
    hooks: HookList,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("provider", &self.provider)
            .field("base_url", &strip_userinfo(&self.base))
            .field("credentials", &self.credentials)
            .field("max_body", &self.max_body)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks)
            .finish_non_exhaustive()
    }
}

// Callbacks (`callback.rs`) are verified with the client's credentials.
impl Core {
    /// The credentials, and the redactor that removes them from text.
    pub(crate) fn callback_secrets(&self) -> (&[Secret], &Redactor) {
        (&self.credentials, &self.redactor)
    }
}

/// The request as it goes on the wire, built once and reused by retries.
struct Wire {
    url: reqwest::Url,
    /// Every header, `content-type` and `accept` included.
    headers: HeaderMap,
    body: Option<bytes::Bytes>,
    reference: Option<String>,
    /// Texts sent with this call that must never print: computed signatures
    /// and `secret: true` parameters (credentials are the engine's own).
    secrets: Vec<String>,
}

/// One request of an attempt: the first, or a redirect's target.
struct Hop<'w> {
    /// The wire's URL for a first request, a redirect's target after it.
    url: Cow<'w, reqwest::Url>,
    method: reqwest::Method,
    /// Sends the wire body (a 303, or a 301/302 after a POST, turns into a GET without it).
    with_body: bool,
    /// Headers the hooks added to this request.
    added: HeaderMap,
}

/// What one request got to, filled in as it goes: when the deadline cuts it
/// short, this is what is known.
#[derive(Default)]
struct Progress {
    status: Option<u16>,
    location: Option<String>,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    /// The whole body, once read.
    body: bytes::Bytes,
    read: Option<BodyRead>,
    error: Option<reqwest::Error>,
}

/// Everything an error may need about the attempt that failed.
struct Facts<'a> {
    happened: Happened,
    progress: &'a Progress,
    /// Where a redirect pointed, resolved against the request's URL.
    target: Option<&'a reqwest::Url>,
    /// Why a 2xx body is unreadable.
    reason: Option<String>,
    /// True when no request of this call was ever written.
    nothing_sent: bool,
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
        // On the heap, and lent to `run` (a by-value argument would be kept
        // twice in its future): the call's future, which a generated call
        // boxes, then stays under 1 KiB, a size glibc's malloc serves from
        // its per-thread cache; a larger block takes its slow path every call.
        let wire = Box::new(self.encode(op, &params)?);
        let span = tracing::info_span!(
            "provider_call",
            provider = op.provider,
            endpoint = op.name,
            method = op.method.as_str(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        if span.is_disabled() {
            // Nothing listens: no span to enter on every poll.
            return self.run::<T, C>(op, &wire, &span).await;
        }
        self.run::<T, C>(op, &wire, &span)
            .instrument(span.clone())
            .await
    }

    /// Every secret of this call: the credentials' forms, the call's own
    /// signatures and secret parameters, and the op's secret response fields.
    fn redactor(&self, op: &Operation, wire: &Wire) -> Redactor {
        let mut r = self.redactor.clone();
        for s in &wire.secrets {
            r.add(s);
        }
        r.mask_fields(op.secret_fields);
        r
    }

    async fn run<T, C: Codec<T>>(
        &self,
        op: &'static Operation,
        wire: &Wire,
        span: &tracing::Span,
    ) -> Result<T, Error> {
        let kind = CallKind::of(op);
        let retries = if kind == CallKind::Idempotent {
            self.retry.max_retries
        } else {
            0
        };
        // Read only for the span, whose fields nobody reads when it is disabled.
        let started = (!span.is_disabled()).then(Instant::now);
        let first = || Hop {
            url: Cow::Borrowed(&wire.url),
            method: method(op.method),
            with_body: true,
            added: HeaderMap::new(),
        };
        let mut hop = first();
        let mut redirects = 0usize;
        let mut attempt = 1u32;
        let mut maybe_sent = false;
        span.record("attempt", attempt);
        loop {
            let mut progress = Progress::default();
            // Hooks (hooks.rs) see the request, without secrets, and may add headers.
            let sending = Sending {
                method: &hop.method,
                url: &hop.url,
                headers: &wire.headers,
                secrets: &wire.secrets,
            };
            hop.added = self
                .hooks
                .before(op, attempt, sending, || self.redactor(op, wire));
            let sent_at = Instant::now();
            let timed_out =
                tokio::time::timeout(self.timeout, self.send_hop(&hop, wire, &mut progress))
                    .await
                    .is_err();
            let target = progress
                .location
                .as_deref()
                .filter(|_| progress.status.is_some_and(outcome::is_redirect))
                .and_then(|l| hop.url.join(l).ok());
            let happened = self.classify(&progress, timed_out, target.as_ref(), redirects);
            maybe_sent |= !matches!(
                happened,
                Happened::Unsendable | Happened::NotConnected { .. }
            );
            if let Some(s) = progress.status {
                span.record("status", s);
            }
            let facts = Facts {
                happened,
                progress: &progress,
                target: target.as_ref(),
                reason: None,
                nothing_sent: !maybe_sent,
            };
            match outcome::decide(kind, happened) {
                Verdict::Judge => {
                    record_elapsed(span, started);
                    let judged = self.judge::<T, C>(op, kind, wire, &facts);
                    let outcome = match &judged {
                        Ok(_) => AttemptOutcome::Success,
                        Err(error) => AttemptOutcome::Failed {
                            error,
                            retrying: false,
                        },
                    };
                    self.hooks
                        .after(op, attempt, progress.status, sent_at.elapsed(), outcome);
                    return judged;
                }
                Verdict::Follow => {
                    let (Some(url), Some(status)) = (target.clone(), progress.status) else {
                        let e = self.error(op, wire, ErrorKind::Redirect, &facts);
                        let outcome = AttemptOutcome::Failed {
                            error: &e,
                            retrying: false,
                        };
                        self.hooks
                            .after(op, attempt, progress.status, sent_at.elapsed(), outcome);
                        return Err(e);
                    };
                    let followed = AttemptOutcome::Redirected;
                    self.hooks
                        .after(op, attempt, Some(status), sent_at.elapsed(), followed);
                    let to_get = status == 303
                        || (matches!(status, 301 | 302) && hop.method == reqwest::Method::POST);
                    hop = Hop {
                        url: Cow::Owned(url),
                        method: if to_get {
                            reqwest::Method::GET
                        } else {
                            hop.method
                        },
                        with_body: hop.with_body && !to_get,
                        added: HeaderMap::new(),
                    };
                    redirects += 1;
                }
                Verdict::Fail { kind: k, retry } => {
                    let e = self.error(op, wire, k, &facts);
                    let retrying = retry && attempt <= retries;
                    let outcome = AttemptOutcome::Failed {
                        error: &e,
                        retrying,
                    };
                    self.hooks
                        .after(op, attempt, progress.status, sent_at.elapsed(), outcome);
                    if !retrying {
                        record_elapsed(span, started);
                        return Err(e);
                    }
                    let delay = self.backoff(attempt, progress.retry_after);
                    tracing::debug!(error = %e, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    span.record("attempt", attempt);
                    hop = first();
                    redirects = 0;
                }
            }
        }
    }

    /// What the request got to, as the decision rule sees it.
    fn classify(
        &self,
        p: &Progress,
        timed_out: bool,
        target: Option<&reqwest::Url>,
        redirects: usize,
    ) -> Happened {
        let Some(status) = p.status else {
            return match &p.error {
                _ if timed_out => Happened::NoAnswer { timed_out: true },
                Some(e) if e.is_builder() => Happened::Unsendable,
                Some(e) if e.is_connect() => Happened::NotConnected {
                    timed_out: e.is_timeout(),
                },
                Some(e) => Happened::NoAnswer {
                    timed_out: e.is_timeout(),
                },
                None => Happened::NoAnswer { timed_out: false },
            };
        };
        let body = match p.read {
            _ if timed_out => BodyRead::CutOff { timed_out: true },
            Some(read) => read,
            None => BodyRead::CutOff { timed_out: false },
        };
        let redirect =
            (outcome::is_redirect(status) && p.location.is_some()).then(|| match target {
                Some(t) if t.origin() == self.origin => {
                    if redirects >= outcome::MAX_REDIRECTS {
                        Redirect::TooMany
                    } else {
                        Redirect::SameOrigin
                    }
                }
                _ => Redirect::OtherOrigin,
            });
        Happened::Answered {
            status,
            body,
            redirect,
        }
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

    /// Builds URL, headers and body: everything checkable before sending.
    fn encode(&self, op: &Operation, params: &Params) -> Result<Wire, Error> {
        let invalid = |reason: String| Error::invalid_request(op, reason);
        // The URL after the base's origin: its path, the endpoint's, the query.
        let mut url = String::with_capacity(128);
        url.push_str(self.base_parsed.path().trim_end_matches('/'));
        for seg in op.path {
            match seg {
                Segment::Lit(s) => url.push_str(s),
                Segment::Param(p) | Segment::Optional(p) => match params.get(p) {
                    Some(v) => {
                        let text = v.to_text();
                        if text.is_empty() {
                            return Err(invalid(format!("path parameter `{p}` is empty")));
                        }
                        if text == "." || text == ".." {
                            return Err(invalid(format!(
                                "path parameter `{p}` is `{text}`, which would change the path"
                            )));
                        }
                        url.push('/');
                        url.extend(url::form_urlencoded::byte_serialize(text.as_bytes()).map(
                            // Path segments write spaces as %20, not '+'.
                            |s| if s == "+" { "%20" } else { s },
                        ));
                    }
                    None if matches!(seg, Segment::Optional(_)) => {}
                    None => return Err(invalid(format!("missing path parameter `{p}`"))),
                },
            }
        }

        let mut secrets = Vec::new();
        for (_, _, p) in params.iter() {
            collect_secrets(p, &mut secrets);
        }
        // Every value with its place: auth first, then fixed values, then parameters.
        let mut placed: Vec<(Location, &'static str, Cow<'_, str>, Option<&Param>)> =
            Vec::with_capacity(op.auth.len() + op.fixed.len() + params.entries.len());
        let mut fixed_params: Vec<(Location, &'static str, Param)> = Vec::new();
        for auth in op.auth {
            let value = match auth.value {
                AuthValue::Credential(i) => match self.credentials.get(i) {
                    Some(c) if auth.prefix.is_empty() => Cow::Borrowed(c.expose()),
                    Some(c) => Cow::Owned(format!("{}{}", auth.prefix, c.expose())),
                    None => continue,
                },
                AuthValue::Signature(sig) => {
                    let signed = sign::compute(&sig, &self.credentials, params, op.fixed);
                    let value = format!("{}{}", auth.prefix, signed);
                    secrets.push(signed);
                    Cow::Owned(value)
                }
            };
            placed.push((auth.location, auth.name, value, None));
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
            if !matches!(loc, Location::Path | Location::Nowhere) {
                placed.push((loc, n, p.text(), Some(p)));
            }
        }

        // The query goes straight into `url`, after its `?`.
        let mut has_query = false;
        let mut form = String::new();
        let mut json = String::new();
        let mut body_fields = 0usize;
        let mut headers = HeaderMap::new();
        let mut header = |name: &str, value: &str| -> Result<(), Error> {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("`{name}` is not a valid HTTP header name")))?;
            let v = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| {
                invalid(format!(
                    "header `{name}` contains a line break or another control character"
                ))
            })?;
            headers.append(n, v);
            Ok(())
        };
        for (k, v) in op.headers {
            header(k, v)?;
        }
        let mut cookies: Vec<String> = Vec::new();
        for (loc, n, text, param) in &placed {
            match loc {
                Location::Query => {
                    for_each_text(param, text, |t| {
                        url.push(if has_query { '&' } else { '?' });
                        has_query = true;
                        push_form_pair(&mut url, n, t);
                    });
                }
                Location::Body => {
                    body_fields += 1;
                    match op.encoding {
                        Encoding::Form => for_each_text(param, text, |t| {
                            if !form.is_empty() {
                                form.push('&');
                            }
                            push_form_pair(&mut form, n, t);
                        }),
                        Encoding::Json => {
                            json.push(if body_fields > 1 { ',' } else { '{' });
                            write_json_string(n, &mut json);
                            json.push(':');
                            match param {
                                Some(p) => p.write_json(&mut json),
                                None => write_json_string(text, &mut json),
                            }
                        }
                    }
                }
                Location::Header => header(n, text)?,
                Location::Cookie => {
                    if !is_token(n) {
                        return Err(invalid(format!("`{n}` is not a valid cookie name")));
                    }
                    if text.contains([';', '\r', '\n']) {
                        return Err(invalid(format!(
                            "cookie `{n}` contains `;` or a line break"
                        )));
                    }
                    cookies.push(format!("{n}={text}"));
                }
                Location::Path | Location::Nowhere => {}
            }
        }
        if !cookies.is_empty() {
            header("cookie", &cookies.join("; "))?;
        }
        let sends_body =
            body_fields > 0 || matches!(op.method, Method::Post | Method::Put | Method::Patch);
        let body = if !sends_body {
            None
        } else {
            let (content_type, body) = match op.encoding {
                Encoding::Form => ("application/x-www-form-urlencoded", form),
                Encoding::Json => {
                    if json.is_empty() {
                        json.push('{');
                    }
                    json.push('}');
                    ("application/json", json)
                }
            };
            default_header(&mut headers, reqwest::header::CONTENT_TYPE, content_type);
            Some(bytes::Bytes::from(body))
        };
        let accept = match op.answer {
            Answer::Json => "application/json",
            // A document of any type, or the JSON error the envelope reads.
            Answer::Binary => "*/*",
        };
        default_header(&mut headers, reqwest::header::ACCEPT, accept);
        let url = self
            .request_url(&url)
            .map_err(|e| invalid(format!("the request URL does not parse: {e}")))?;
        let reference = op.reference.and_then(|r| params.get(r)).map(Param::to_text);
        Ok(Wire {
            url,
            headers,
            body,
            reference,
            secrets,
        })
    }

    /// The request URL from what follows the base's origin (`/v1/balance?key=..`).
    ///
    /// Parsed relative to the parsed base URL, which reuses its scheme,
    /// credentials, host and port instead of parsing the host again (for an
    /// IP address that is most of the cost of a parse); the result is the
    /// URL a parse of the whole text gives. Text that a relative parse would
    /// read differently (no path, a `//` that would start a host, tabs or
    /// line breaks, which URL parsers drop) is parsed whole.
    fn request_url(&self, rest: &str) -> Result<reqwest::Url, url::ParseError> {
        let relative = match rest.as_bytes() {
            [b'/', b'/' | b'\\', ..] => false,
            [b'/', ..] => true,
            _ => false,
        };
        if relative && !rest.contains(['\t', '\n', '\r']) {
            return reqwest::Url::options()
                .base_url(Some(&self.base_parsed))
                .parse(rest);
        }
        let origin =
            &self.base[..self.base.len() - self.base_parsed.path().trim_end_matches('/').len()];
        reqwest::Url::parse(&format!("{origin}{rest}"))
    }

    /// Sends one request and reads its body within the limit, recording each
    /// step in `p` (the caller's deadline may stop it at any point).
    async fn send_hop(&self, hop: &Hop<'_>, wire: &Wire, p: &mut Progress) {
        let mut resp = match self.http.execute(request(hop, wire)).await {
            Ok(r) => r,
            Err(e) => {
                p.error = Some(e.without_url());
                return;
            }
        };
        p.status = Some(resp.status().as_u16());
        let text = |name| resp.headers().get(name).and_then(|v| v.to_str().ok());
        // Only a redirect's `Location` is ever read.
        if outcome::is_redirect(resp.status().as_u16()) {
            p.location = text(reqwest::header::LOCATION).map(str::to_owned);
        }
        p.content_type = text(reqwest::header::CONTENT_TYPE).map(str::to_owned);
        p.retry_after = text(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        if resp
            .content_length()
            .is_some_and(|n| n > self.max_body as u64)
        {
            p.read = Some(BodyRead::TooLarge);
            return;
        }
        p.read = Some(read_body(&mut resp, self.max_body, &mut p.body, &mut p.error).await);
    }

    /// The error the decision rule named, with what is known about the attempt.
    fn error(&self, op: &Operation, wire: &Wire, kind: ErrorKind, f: &Facts) -> Error {
        let name = op.op_name();
        let redactor = self.redactor(op, wire);
        let chain = || {
            f.progress
                .error
                .as_ref()
                .map(|e| redactor.redact(&error_chain(e)))
        };
        let status = f.progress.status.unwrap_or(0);
        let target = || {
            f.target
                .map(|t| redactor.redact(&strip_userinfo(t.as_str())))
        };
        match kind {
            ErrorKind::InvalidRequest => Error::InvalidRequest {
                op: name,
                reason: format!(
                    "the HTTP stack refused the request: {}",
                    chain().unwrap_or_default()
                ),
            },
            ErrorKind::Transport => Error::Transport {
                op: name,
                cause: chain().unwrap_or_else(|| "the connection was lost".to_owned()),
                nothing_sent: f.nothing_sent,
            },
            ErrorKind::Timeout => Error::Timeout {
                op: name,
                nothing_sent: f.nothing_sent,
            },
            ErrorKind::Redirect => Error::Redirect {
                op: name,
                status,
                location: target(),
            },
            ErrorKind::BodyTooLarge => Error::BodyTooLarge {
                op: name,
                limit: self.max_body,
            },
            ErrorKind::Decode => Error::Decode {
                op: name,
                status,
                reason: redactor.redact(f.reason.as_deref().unwrap_or_default()),
                excerpt: BodyExcerpt::new(&f.progress.body, &redactor),
            },
            ErrorKind::OutcomeUnknown => {
                let cause = match f.happened {
                    Happened::NoAnswer { timed_out: true } => {
                        format!("no answer within {:?}", self.timeout)
                    }
                    Happened::Answered {
                        body: BodyRead::CutOff { timed_out: true },
                        ..
                    } => format!("HTTP {status}, the answer did not finish within {:?}", self.timeout),
                    Happened::Answered { redirect: Some(_), .. } => format!(
                        "HTTP {status} redirect to {}: not followed; the provider may have processed the call",
                        target().unwrap_or_else(|| "an unparsable location".to_owned())
                    ),
                    Happened::Answered {
                        body: BodyRead::TooLarge,
                        ..
                    } => format!(
                        "HTTP {status} with a body over the {} byte limit",
                        self.max_body
                    ),
                    Happened::Answered {
                        body: BodyRead::CutOff { .. },
                        ..
                    } => format!(
                        "HTTP {status}, the answer was cut off: {}",
                        chain().unwrap_or_default()
                    ),
                    Happened::Answered { .. } => format!("HTTP {status} from the provider"),
                    Happened::Unreadable { .. } => format!(
                        "HTTP {status} with an unreadable answer: {}",
                        redactor.redact(f.reason.as_deref().unwrap_or_default())
                    ),
                    _ => format!(
                        "connection lost after sending: {}",
                        chain().unwrap_or_default()
                    ),
                };
                Error::OutcomeUnknown {
                    op: name,
                    reference: wire.reference.clone(),
                    cause,
                }
            }
            // The rule names no other kind for a transport outcome; an HTTP status
            // error is the honest fallback.
            _ => Error::HttpStatus {
                op: name,
                status,
                excerpt: BodyExcerpt::new(&f.progress.body, &redactor),
            },
        }
    }

    /// Applies the envelope to a whole answer and decodes the payload.
    fn judge<T, C: Codec<T>>(
        &self,
        op: &Operation,
        kind: CallKind,
        wire: &Wire,
        facts: &Facts,
    ) -> Result<T, Error> {
        let name = op.op_name();
        let body = &facts.progress.body;
        let status = facts.progress.status.unwrap_or(0);
        let ok_status = (200..300).contains(&status);
        let content_type = facts.progress.content_type.as_deref();
        if op.answer == Answer::Binary && !crate::binary::is_json(content_type, body) {
            return self.judge_document::<T, C>(op, kind, wire, facts);
        }
        let http_status = || Error::HttpStatus {
            op: name,
            status,
            excerpt: BodyExcerpt::new(body, &self.redactor(op, wire)),
        };
        let unreadable = |reason: String| -> Error {
            let happened = Happened::Unreadable { status };
            let k = match outcome::decide(kind, happened) {
                Verdict::Fail { kind, .. } => kind,
                _ => ErrorKind::Decode,
            };
            let f = Facts {
                happened,
                reason: Some(reason),
                ..*facts
            };
            self.error(op, wire, k, &f)
        };
        let text = match std::str::from_utf8(body) {
            // A byte-order mark is not part of the JSON text.
            Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
            Err(_) if !ok_status => return Err(http_status()),
            Err(e) => return Err(unreadable(format!("body is not UTF-8: {e}"))),
        };
        // A successful answer is read once; anything else again, below.
        if ok_status && op.answer == Answer::Json {
            if let Some(value) = envelope::decode::<T, C>(text, &op.envelope) {
                return Ok(value);
            }
        }
        let parsed = match Body::parse(text, &op.envelope) {
            Ok(b) => b,
            Err(_) if !ok_status => return Err(http_status()),
            Err(e) => return Err(unreadable(format!("body is not JSON: {e}"))),
        };
        let env = &op.envelope;
        if !ok_status || !parsed.holds(env.success) {
            let redactor = self.redactor(op, wire);
            let redact = |s: String| redactor.redact(&s);
            let (code, message) = parsed.error_fields(env);
            if !ok_status {
                if code.is_none() && message.is_none() {
                    return Err(http_status());
                }
                return Err(Error::Provider {
                    op: name,
                    status,
                    code: code.map(redact),
                    message: redact(message.unwrap_or_default()),
                });
            }
            if !env.pending.is_empty() && parsed.holds(env.pending) {
                return Err(Error::Pending {
                    op: name,
                    code: code.map(redact),
                    message: redact(message.unwrap_or_default()),
                    reference: wire.reference.clone(),
                    payload: parsed.value(env.payload).map(|mut v| {
                        redactor.redact_json(&mut v);
                        Box::new(v)
                    }),
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
        if op.answer == Answer::Binary {
            // A success answered as JSON: the document is that JSON, as sent.
            let answer = crate::Binary {
                content_type: content_type.map(str::to_owned),
                bytes: body.to_vec(),
            };
            return C::decode_binary(answer).map_err(unreadable);
        }
        let Some(raw) = parsed.at(env.payload) else {
            return Err(unreadable(format!(
                "no payload at `{}`",
                env.payload.join(".")
            )));
        };
        let mut de = serde_json::Deserializer::from_str(raw);
        C::decode(&mut de).map_err(|e| unreadable(format!("payload: {e}")))
    }
}

impl Core {
    /// A `binary` endpoint's answer that is not JSON: on a 2xx the document,
    /// as received; otherwise an HTTP status error with a redacted excerpt.
    fn judge_document<T, C: Codec<T>>(
        &self,
        op: &Operation,
        kind: CallKind,
        wire: &Wire,
        facts: &Facts,
    ) -> Result<T, Error> {
        let status = facts.progress.status.unwrap_or(0);
        if !(200..300).contains(&status) {
            return Err(Error::HttpStatus {
                op: op.op_name(),
                status,
                excerpt: BodyExcerpt::new(&facts.progress.body, &self.redactor(op, wire)),
            });
        }
        let answer = crate::Binary {
            content_type: facts.progress.content_type.clone(),
            bytes: facts.progress.body.to_vec(),
        };
        C::decode_binary(answer).map_err(|reason| {
            let happened = Happened::Unreadable { status };
            let k = match outcome::decide(kind, happened) {
                Verdict::Fail { kind, .. } => kind,
                _ => ErrorKind::Decode,
            };
            let f = Facts {
                happened,
                reason: Some(reason),
                ..*facts
            };
            self.error(op, wire, k, &f)
        })
    }
}

/// Sets one of the engine's own headers unless the spec's fixed headers set
/// it; the value is static, so no copy of it is made for this call or its
/// requests.
fn default_header(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.append(name, HeaderValue::from_static(value));
    }
}

/// Records the call's time so far on its span, if the span is enabled.
fn record_elapsed(span: &tracing::Span, started: Option<Instant>) {
    if let Some(started) = started {
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
    }
}

/// The request of one hop. Built outside `send_hop` so that its future does
/// not keep room for it (a moved-from local still takes space in a future).
fn request(hop: &Hop<'_>, wire: &Wire) -> reqwest::Request {
    let mut req = reqwest::Request::new(hop.method.clone(), hop.url.as_ref().clone());
    *req.headers_mut() = wire.headers.clone();
    // What the hooks added (hooks.rs): never one the client sends itself.
    for (name, value) in &hop.added {
        req.headers_mut().append(name, value.clone());
    }
    match &wire.body {
        Some(b) if hop.with_body => *req.body_mut() = Some(b.clone().into()),
        _ => {
            req.headers_mut().remove(reqwest::header::CONTENT_TYPE);
        }
    }
    req
}

/// Reads a whole body of at most `limit` bytes into `body`. A body that
/// arrives in one piece (most answers) is kept as it was received; a longer
/// one is gathered in one buffer, sized from its `Content-Length`.
async fn read_body(
    resp: &mut reqwest::Response,
    limit: usize,
    body: &mut bytes::Bytes,
    error: &mut Option<reqwest::Error>,
) -> BodyRead {
    let mut gathered: Vec<u8> = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + gathered.len() + chunk.len() > limit {
                    return BodyRead::TooLarge;
                }
                if body.is_empty() && gathered.is_empty() {
                    *body = chunk;
                    continue;
                }
                if gathered.is_empty() {
                    let expected = resp.content_length().map_or(0, |n| n as usize);
                    gathered.reserve(expected.min(limit).max(body.len() + chunk.len()));
                    gathered.extend_from_slice(body);
                    *body = bytes::Bytes::new();
                }
                gathered.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                let timed_out = e.is_timeout();
                *error = Some(e.without_url());
                return BodyRead::CutOff { timed_out };
            }
        }
    }
    if !gathered.is_empty() {
        *body = gathered.into();
    }
    BodyRead::Whole
}

fn method(m: Method) -> reqwest::Method {
    match m {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// The texts of secret parameters, lists included.
fn collect_secrets(p: &Param, out: &mut Vec<String>) {
    match p {
        Param::Secret(s) => out.push(s.expose().to_owned()),
        Param::Comma(items) | Param::Array(items) => {
            for i in items {
                collect_secrets(i, out);
            }
        }
        _ => {}
    }
}

/// An error and its causes, `: `-joined, each said once (`error sending
/// request: client error (Connect): tcp connect error: Connection refused`).
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = c.source();
    }
    parts.join(": ")
}

/// An HTTP token (RFC 9110): what header and cookie names are made of.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The texts a value is written as in a query or form: one per item for an
/// array (`ids=1&ids=2`), else the value's text.
fn for_each_text(param: &Option<&Param>, text: &str, mut f: impl FnMut(&str)) {
    match param {
        Some(Param::Array(items)) => items.iter().for_each(|i| f(&i.text())),
        _ => f(text),
    }
}

/// Appends `name=value`, form-encoded (`application/x-www-form-urlencoded`,
/// as queries are written too).
fn push_form_pair(out: &mut String, name: &str, value: &str) {
    push_form_encoded(out, name);
    out.push('=');
    push_form_encoded(out, value);
}

/// Appends `s` form-encoded: ASCII letters, digits and `*-._` as they are,
/// a space as `+`, every other byte as `%XX`. The same bytes as
/// `url::form_urlencoded::byte_serialize`, without a step per character.
fn push_form_encoded(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    out.reserve(bytes.len());
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            continue;
        }
        // A run of kept bytes is ASCII, so it starts and ends between characters.
        if start < i {
            out.push_str(&s[start..i]);
        }
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        start = i + 1;
    }
    if start < bytes.len() {
        out.push_str(&s[start..]);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_urls_are_what_a_parse_of_the_whole_text_gives() {
        let bases = [
            "http://127.0.0.1:8080",
            "https://user:p%40ss@api.example.com/v1/",
            "http://[::1]:9/x%20y",
            "http://h.example/a/b//",
            "https://xn--bcher-kva.example",
        ];
        let tails = [
            "/api/balance?token=TEST%3Abench-token",
            "",
            "?q=1&r=a+b",
            "/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "/a\tb",
            "/a\n/b",
            "/%2e%2e/x",
            "/./x/../y",
            "/a b?c d",
            "/ü?ä=ö",
            "/a#b",
            "api/x",
            "/%zz",
        ];
        for base in bases {
            let mut b = CoreBuilder::new("t", &[], Some(base), false);
            b.retry(RetryPolicy::NONE);
            let core = b.build().expect("core");
            // `encode` writes the base's path, then the endpoint's: the old
            // way was the base URL's text followed by the endpoint's path.
            let prefix = core.base_parsed.path().trim_end_matches('/').to_owned();
            let origin = core
                .base
                .strip_suffix(&prefix)
                .expect("base ends with its path");
            for tail in tails {
                for rest in [format!("{prefix}{tail}"), tail.to_owned()] {
                    let whole = reqwest::Url::parse(&format!("{origin}{rest}"));
                    let got = core.request_url(&rest);
                    assert_eq!(
                        got.as_ref().map(|u| u.as_str()).ok(),
                        whole.as_ref().map(|u| u.as_str()).ok(),
                        "{base} + {rest:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn form_pairs_are_written_as_the_url_crate_writes_them() {
        let all: String = (0u8..=127).map(char::from).chain("ü€😀".chars()).collect();
        for text in [
            all.as_str(),
            "",
            "ü",
            "aü",
            "üa",
            "a b",
            "TEST:bench-token",
            "%2F",
        ] {
            let mut ours = String::new();
            push_form_pair(&mut ours, text, "a b&c=d");
            let theirs = url::form_urlencoded::Serializer::new(String::new())
                .append_pair(text, "a b&c=d")
                .finish();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }
}
