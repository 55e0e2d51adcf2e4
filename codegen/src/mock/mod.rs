//! The mock provider: serves the documented examples of one or more specs
//! over HTTP on 127.0.0.1, the way Prism serves an OpenAPI document
//! (`codegen mock`; this module is behind the `mock` feature).
//!
//! Each request is checked against every endpoint of every spec ([`Mock::answer`]):
//! path and method, fixed values (`action=status`), which parameters are
//! present (required ones there, none unknown, each of its type), the body
//! encoding and fixed headers, then auth: credential values compared and
//! signatures recomputed from the values sent. The first endpoint the request
//! fits answers with one of its examples, in this order of choice:
//!
//! 1. the one a `Prefer: example=NAME` request header names (as with Prism);
//! 2. the one pinned for the endpoint ([`Settings::examples`], [`Mock::pin`]);
//! 3. the first whose documented request is exactly what was sent (the same
//!    parameters with the same values);
//! 4. the endpoint's first example.
//!
//! A request no endpoint fits gets a `4xx` JSON answer, `{"mock_error": ...}`,
//! with the problems of the closest endpoints ([`Problem`]): 404 for an
//! unknown path, 405 for another method, 401 for auth, 400 otherwise. Faults
//! ([`Fault`]) replace or spoil the answers of chosen endpoints. Every answer
//! carries one log line with the credentials, signatures and `secret`
//! parameters masked.
//!
//! Nothing here names a provider: the mock knows what the specs say.

mod check;
mod fault;
pub mod sign;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use providers_mock::{MockServer, Recorded, Reply};
use serde_json::{json, Value};

pub use check::{Problem, ProblemKind};
pub use fault::{Fault, FaultArg};

use crate::diag::suggest;
use crate::ir::{self, Location, Ty};
use crate::load::Loaded;
use crate::spec::{self, Example};

/// Why a command-line value (`--credential`, `--fault`, `--example`) does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError(pub String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgError {}

/// A credential value the requests must carry: `NAME=VALUE`, or
/// `MODULE.NAME=VALUE` for one spec only. Its `Debug` and parse errors never
/// show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialArg {
    /// The spec (module name) it is for; `None`: every spec with a credential of that name.
    pub module: Option<String>,
    /// The credential's name in the spec.
    pub name: String,
    /// Its value.
    pub value: String,
}

impl fmt::Debug for CredentialArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialArg")
            .field("module", &self.module)
            .field("name", &self.name)
            .field("value", &"***")
            .finish()
    }
}

impl FromStr for CredentialArg {
    type Err = ArgError;

    fn from_str(s: &str) -> Result<CredentialArg, ArgError> {
        let Some((key, value)) = s.split_once('=') else {
            return Err(ArgError(
                "expected NAME=VALUE or MODULE.NAME=VALUE (the value is not shown)".into(),
            ));
        };
        let (module, name) = match key.split_once('.') {
            Some((m, n)) => (Some(m.to_owned()), n),
            None => (None, key),
        };
        if name.is_empty() || module.as_deref() == Some("") {
            return Err(ArgError(
                "the credential's name before `=` is empty (expected NAME=VALUE or MODULE.NAME=VALUE)"
                    .into(),
            ));
        }
        Ok(CredentialArg {
            module,
            name: name.to_owned(),
            value: value.to_owned(),
        })
    }
}

/// The example an endpoint answers with: `ENDPOINT=EXAMPLE` (or
/// `MODULE.ENDPOINT=EXAMPLE`), the example by its `name`, or by its position
/// (`0` is the first) when it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleArg {
    /// The endpoint: its name in the spec, or `module.name`.
    pub endpoint: String,
    /// The example's name or position.
    pub example: String,
}

impl FromStr for ExampleArg {
    type Err = ArgError;

    fn from_str(s: &str) -> Result<ExampleArg, ArgError> {
        match s.split_once('=') {
            Some((e, x)) if !e.is_empty() && !x.is_empty() => Ok(ExampleArg {
                endpoint: e.to_owned(),
                example: x.to_owned(),
            }),
            _ => Err(ArgError(
                "expected ENDPOINT=EXAMPLE (e.g. `top_up=incorrect destination`)".into(),
            )),
        }
    }
}

/// How the mock is set up, besides the specs.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Credential values; a credential not given here is [`default_credential`].
    pub credentials: Vec<CredentialArg>,
    /// Faults, per endpoint: at most one delay and one other fault each.
    pub faults: Vec<FaultArg>,
    /// Examples pinned per endpoint.
    pub examples: Vec<ExampleArg>,
}

/// The value the mock expects for a credential nobody set: `mock-NAME`.
pub fn default_credential(name: &str) -> String {
    format!("mock-{name}")
}

/// Why [`Mock::new`] refused its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    /// Two specs give the same module name.
    DuplicateModule(String),
    /// No spec has this module name.
    UnknownModule {
        /// As given.
        module: String,
        /// `did you mean ...?` or the list.
        hint: String,
    },
    /// No served endpoint has this name.
    UnknownEndpoint {
        /// As given.
        name: String,
        /// `did you mean ...?` or the list.
        hint: String,
    },
    /// Several specs have an endpoint of this name.
    AmbiguousEndpoint {
        /// As given.
        name: String,
        /// `module.name` of each.
        candidates: Vec<String>,
    },
    /// No served spec has a credential of this name.
    UnknownCredential {
        /// As given (with its module, if any).
        name: String,
        /// `did you mean ...?` or the list.
        hint: String,
    },
    /// The endpoint has no example of this name or position.
    UnknownExample {
        /// `module.endpoint`.
        endpoint: String,
        /// As given.
        example: String,
        /// The endpoint's examples.
        known: Vec<String>,
    },
    /// Two faults of the same sort (two delays, or two others) for one endpoint.
    ConflictingFaults {
        /// `module.endpoint`.
        endpoint: String,
        /// The one given first.
        first: Fault,
        /// The other.
        second: Fault,
    },
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::DuplicateModule(m) => {
                write!(f, "two specs give the same module name `{m}`")
            }
            SetupError::UnknownModule { module, hint } => {
                write!(f, "no spec is named `{module}` ({hint})")
            }
            SetupError::UnknownEndpoint { name, hint } => {
                write!(f, "no endpoint is named `{name}` ({hint})")
            }
            SetupError::AmbiguousEndpoint { name, candidates } => write!(
                f,
                "several specs have an endpoint `{name}`: say which, {}",
                candidates
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            SetupError::UnknownCredential { name, hint } => {
                write!(f, "no spec has a credential `{name}` ({hint})")
            }
            SetupError::UnknownExample {
                endpoint,
                example,
                known,
            } => write!(
                f,
                "`{endpoint}` has no example `{example}` (its examples: {})",
                quoted_list(known)
            ),
            SetupError::ConflictingFaults {
                endpoint,
                first,
                second,
            } => write!(
                f,
                "`{endpoint}` is given both `{first}` and `{second}`: one delay and one other fault at most"
            ),
        }
    }
}

impl std::error::Error for SetupError {}

fn quoted_list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How the example an endpoint answered with was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Named by the request's `Prefer: example=NAME` header.
    Header,
    /// Pinned for the endpoint.
    Pinned,
    /// Its documented request is exactly what was sent.
    Values,
    /// No example's request is what was sent: the first one.
    First,
    /// The endpoint has no example (the answer is a `501`).
    NoExample,
}

/// The endpoint a request matched and what it was answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// The spec's module name.
    pub module: String,
    /// The endpoint's name in the spec.
    pub endpoint: String,
    /// The example answered: its name, or its position when it has none.
    pub example: Option<String>,
    /// Why that example.
    pub choice: Choice,
    /// How the request differs from the example's documented request (empty
    /// when the example was chosen by its values).
    pub differences: Vec<String>,
    /// The faults applied to the answer.
    pub faults: Vec<Fault>,
}

/// What the mock answers a request with.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The response (with its faults).
    pub reply: Reply,
    /// The endpoint, when the request fits one.
    pub matched: Option<Matched>,
    /// Otherwise why not: the problems of the closest endpoints.
    pub problems: Vec<Problem>,
    /// One line for a request log, credentials and secrets masked.
    pub log: String,
}

struct Served {
    provider: ir::Provider,
    /// Per endpoint (in `provider.endpoints` order), its examples.
    examples: Vec<Vec<Example>>,
    credentials: Vec<String>,
    given: Vec<bool>,
}

impl Served {
    fn label(&self, e: usize) -> String {
        format!(
            "{}.{}",
            self.provider.module, self.provider.endpoints[e].wire
        )
    }

    fn example_labels(&self, e: usize) -> Vec<String> {
        self.examples[e]
            .iter()
            .enumerate()
            .map(|(i, x)| example_label(x, i))
            .collect()
    }
}

fn example_label(x: &Example, i: usize) -> String {
    x.name.clone().unwrap_or_else(|| i.to_string())
}

struct Inner {
    specs: Vec<Served>,
    faults: BTreeMap<(usize, usize), Vec<Fault>>,
    pins: Mutex<BTreeMap<(usize, usize), usize>>,
    /// Names whose values the log masks: auth placements and `secret` parameters.
    secret_names: BTreeSet<String>,
    /// Credential values the log masks wherever they appear.
    secret_values: Vec<String>,
}

/// A set of specs served as a mock provider. Cheap to clone (shared).
#[derive(Clone)]
pub struct Mock {
    inner: Arc<Inner>,
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mock")
            .field("specs", &self.modules())
            .field("endpoints", &self.endpoint_count())
            .finish_non_exhaustive()
    }
}

/// Shortest credential masked wherever it appears in a log line; shorter
/// ones are masked by the parameter's name only.
const MIN_MASKED_LEN: usize = 4;

/// At most this many served paths are listed when a path is unknown.
const MAX_LISTED_PATHS: usize = 12;

impl Mock {
    /// A mock serving `specs` (as [`crate::analyze_file`] returns them) with `settings`.
    pub fn new(
        specs: Vec<(Loaded, ir::Provider)>,
        settings: &Settings,
    ) -> Result<Mock, SetupError> {
        let mut served: Vec<Served> = Vec::new();
        for (loaded, provider) in specs {
            if served.iter().any(|s| s.provider.module == provider.module) {
                return Err(SetupError::DuplicateModule(provider.module));
            }
            let examples = provider
                .endpoints
                .iter()
                .map(|e| {
                    loaded
                        .spec
                        .endpoints
                        .get(&e.wire)
                        .map(|s| s.examples.clone())
                        .unwrap_or_default()
                })
                .collect();
            let credentials = provider
                .credentials
                .iter()
                .map(|c| default_credential(&c.wire))
                .collect();
            let given = vec![false; provider.credentials.len()];
            served.push(Served {
                provider,
                examples,
                credentials,
                given,
            });
        }
        // Unscoped values first, so that `module.name` wins over `name`.
        let mut creds: Vec<&CredentialArg> = settings.credentials.iter().collect();
        creds.sort_by_key(|c| c.module.is_some());
        for c in creds {
            set_credential(&mut served, c)?;
        }
        let mut faults: BTreeMap<(usize, usize), Vec<Fault>> = BTreeMap::new();
        for f in &settings.faults {
            let at = locate(&served, &f.endpoint)?;
            let list = faults.entry(at).or_default();
            if let Some(prev) = list.iter().find(|p| p.is_delay() == f.fault.is_delay()) {
                return Err(SetupError::ConflictingFaults {
                    endpoint: served[at.0].label(at.1),
                    first: *prev,
                    second: f.fault,
                });
            }
            list.push(f.fault);
        }
        let mut pins = BTreeMap::new();
        for x in &settings.examples {
            let at = locate(&served, &x.endpoint)?;
            let labels = served[at.0].example_labels(at.1);
            let Some(i) = labels.iter().position(|l| *l == x.example) else {
                return Err(SetupError::UnknownExample {
                    endpoint: served[at.0].label(at.1),
                    example: x.example.clone(),
                    known: labels,
                });
            };
            pins.insert(at, i);
        }
        let mut secret_names = BTreeSet::new();
        for s in &served {
            for e in &s.provider.endpoints {
                secret_names.extend(e.auth.iter().map(|a| a.name.clone()));
                secret_names.extend(
                    e.params
                        .iter()
                        .filter(|f| f.ty == Ty::Secret)
                        .map(|f| f.wire.clone()),
                );
            }
        }
        let mut secret_values: Vec<String> = served
            .iter()
            .flat_map(|s| s.credentials.iter().cloned())
            .filter(|v| v.len() >= MIN_MASKED_LEN)
            .collect();
        // Longest first, so that a credential containing another is masked whole.
        secret_values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        secret_values.dedup();
        Ok(Mock {
            inner: Arc::new(Inner {
                specs: served,
                faults,
                pins: Mutex::new(pins),
                secret_names,
                secret_values,
            }),
        })
    }

    /// The module names served, in order.
    pub fn modules(&self) -> Vec<&str> {
        self.inner
            .specs
            .iter()
            .map(|s| s.provider.module.as_str())
            .collect()
    }

    /// How many endpoints are served.
    pub fn endpoint_count(&self) -> usize {
        self.inner
            .specs
            .iter()
            .map(|s| s.provider.endpoints.len())
            .sum()
    }

    /// Every credential as `(module, name, given)`: `given` is false for a
    /// credential left at its [`default_credential`].
    pub fn credentials(&self) -> Vec<(&str, &str, bool)> {
        self.inner
            .specs
            .iter()
            .flat_map(|s| {
                s.provider
                    .credentials
                    .iter()
                    .zip(&s.given)
                    .map(|(c, g)| (s.provider.module.as_str(), c.wire.as_str(), *g))
            })
            .collect()
    }

    /// Pins the example (by position) endpoint `endpoint` of `module` answers
    /// with, or unpins it (`None`). False when there is no such endpoint or example.
    pub fn pin(&self, module: &str, endpoint: &str, example: Option<usize>) -> bool {
        let Some(at) = self.find(module, endpoint) else {
            return false;
        };
        let mut pins = self
            .inner
            .pins
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match example {
            Some(i) if i < self.inner.specs[at.0].examples[at.1].len() => {
                pins.insert(at, i);
                true
            }
            Some(_) => false,
            None => {
                pins.remove(&at);
                true
            }
        }
    }

    fn find(&self, module: &str, endpoint: &str) -> Option<(usize, usize)> {
        let s = self
            .inner
            .specs
            .iter()
            .position(|s| s.provider.module == module)?;
        let e = self.inner.specs[s]
            .provider
            .endpoints
            .iter()
            .position(|e| e.wire == endpoint)?;
        Some((s, e))
    }

    /// Every problem of `req` for one endpoint (`None`: no such endpoint);
    /// empty when the request is that endpoint's.
    pub fn check(&self, module: &str, endpoint: &str, req: &Recorded) -> Option<Vec<Problem>> {
        let (s, e) = self.find(module, endpoint)?;
        let spec = &self.inner.specs[s];
        let checked = check::check(
            &spec.provider,
            &spec.provider.endpoints[e],
            &spec.credentials,
            &check::Request::new(req),
        );
        Some(checked.problems)
    }

    /// The answer to `req`: the matching endpoint's example (with its faults),
    /// or a `4xx` JSON error naming what does not match.
    pub fn answer(&self, req: &Recorded) -> Answer {
        let request = check::Request::new(req);
        let mut best: Option<ProblemKind> = Some(ProblemKind::Path);
        let mut closest: Vec<(usize, usize, check::Checked)> = Vec::new();
        let mut matching: Vec<(usize, usize, check::Checked)> = Vec::new();
        for (si, spec) in self.inner.specs.iter().enumerate() {
            for (ei, e) in spec.provider.endpoints.iter().enumerate() {
                let checked = check::check(&spec.provider, e, &spec.credentials, &request);
                let stage = checked.stage();
                if stage.is_none() {
                    matching.push((si, ei, checked));
                    continue;
                }
                if stage > best {
                    best = stage;
                    closest.clear();
                }
                if stage == best && best != Some(ProblemKind::Path) {
                    closest.push((si, ei, checked));
                }
            }
        }
        if let Some((si, ei, checked)) = self.pick(matching) {
            return self.answer_with(si, ei, &request, checked);
        }
        if closest.is_empty() {
            let problem = Problem {
                kind: ProblemKind::Path,
                endpoint: None,
                message: format!(
                    "no endpoint has the path `{}` (served: {})",
                    req.path,
                    self.served_paths()
                ),
            };
            return self.refuse(&request, vec![problem], None);
        }
        if best == Some(ProblemKind::Fixed) {
            // The path's endpoints differ by their fixed values: list them,
            // not every parameter of every one.
            let mut takes: Vec<(String, Vec<String>)> = Vec::new();
            let mut names: Vec<&str> = Vec::new();
            for (si, ei, _) in &closest {
                let spec = &self.inner.specs[*si];
                let e = &spec.provider.endpoints[*ei];
                let fixed: Vec<String> = e
                    .fixed
                    .iter()
                    .map(|(_, n, l)| format!("{n}={}", check::literal_text(l)))
                    .collect();
                let fixed = format!("`{}`", fixed.join("&"));
                match takes.iter_mut().find(|(f, _)| *f == fixed) {
                    Some((_, labels)) => labels.push(spec.label(*ei)),
                    None => takes.push((fixed, vec![spec.label(*ei)])),
                }
                for (_, n, _) in &e.fixed {
                    if !names.contains(&n.as_str()) {
                        names.push(n);
                    }
                }
            }
            let sent: Vec<String> = names
                .iter()
                .map(|n| match request.any_value(n) {
                    Some(v) => format!("`{n}={v}`"),
                    None => format!("no `{n}`"),
                })
                .collect();
            let takes: Vec<String> = takes
                .into_iter()
                .map(|(f, labels)| format!("{f} ({})", labels.join(", ")))
                .collect();
            let message = format!(
                "{} {} has {}; the endpoints there take {}",
                req.method,
                req.path,
                sent.join(", "),
                takes.join(", ")
            );
            let problems = closest
                .into_iter()
                .flat_map(|(_, _, c)| c.problems)
                .filter(|p| p.kind == ProblemKind::Fixed)
                .collect();
            return self.refuse(&request, problems, Some(message));
        }
        let problems = closest
            .into_iter()
            .flat_map(|(_, _, c)| c.problems)
            .collect();
        self.refuse(&request, problems, None)
    }

    /// One of the endpoints a request fits. Several fit when their requests
    /// look the same on the wire (order forms that differ only by the
    /// service they are for): a pinned one wins, then the first whose example
    /// has the values sent, then the first in spec order.
    fn pick(
        &self,
        mut matching: Vec<(usize, usize, check::Checked)>,
    ) -> Option<(usize, usize, check::Checked)> {
        if matching.len() > 1 {
            let pins = self
                .inner
                .pins
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let by_values = |(si, ei, c): &(usize, usize, check::Checked)| {
                let e = &self.inner.specs[*si].provider.endpoints[*ei];
                self.inner.specs[*si].examples[*ei]
                    .iter()
                    .any(|x| differences(e, x, &c.sent).is_empty())
            };
            let chosen = matching
                .iter()
                .position(|(si, ei, _)| pins.contains_key(&(*si, *ei)))
                .or_else(|| matching.iter().position(by_values))
                .unwrap_or(0);
            drop(pins);
            return Some(matching.swap_remove(chosen));
        }
        matching.pop()
    }

    fn served_paths(&self) -> String {
        let mut seen = Vec::new();
        for s in &self.inner.specs {
            for e in &s.provider.endpoints {
                let p = format!("{} {}", check::method_text(e.method), e.path_text);
                if !seen.contains(&p) {
                    seen.push(p);
                }
            }
        }
        let more = seen.len().saturating_sub(MAX_LISTED_PATHS);
        seen.truncate(MAX_LISTED_PATHS);
        let mut text = seen.join(", ");
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        text
    }

    /// A `4xx` JSON answer listing `problems` (the first decides the status),
    /// with `message` as its summary or one made from them.
    fn refuse(
        &self,
        req: &check::Request<'_>,
        problems: Vec<Problem>,
        message: Option<String>,
    ) -> Answer {
        let kind = problems
            .iter()
            .map(|p| p.kind)
            .min()
            .unwrap_or(ProblemKind::Path);
        let status = kind.status();
        let endpoints: BTreeSet<&str> = problems
            .iter()
            .filter_map(|p| p.endpoint.as_deref())
            .collect();
        let message = message.unwrap_or_else(|| match (problems.first(), endpoints.len()) {
            (Some(p), _) if kind == ProblemKind::Path => p.message.clone(),
            // Past the parameters, the request is that endpoint's, done wrong.
            (Some(p), 1) if kind >= ProblemKind::Wire => format!(
                "{} {} is `{}`, but {}",
                req.rec.method,
                req.rec.path,
                p.endpoint.as_deref().unwrap_or_default(),
                p.message
            ),
            (Some(p), _) => format!(
                "{} {} matches no endpoint: {p}",
                req.rec.method, req.rec.path
            ),
            (None, _) => "no endpoint matches".into(),
        });
        let body = json!({
            "mock_error": {
                "status": status,
                "message": self.mask(&message),
                "problems": problems.iter().map(|p| json!({
                    "endpoint": p.endpoint,
                    "kind": format!("{:?}", p.kind).to_lowercase(),
                    "message": self.mask(&p.message),
                })).collect::<Vec<_>>(),
            }
        });
        let shown: Vec<String> = problems.iter().take(3).map(|p| p.to_string()).collect();
        let more = problems.len().saturating_sub(shown.len());
        let mut log = format!(
            "{} -> {status} no match: {}",
            self.describe(req),
            shown.join("; ")
        );
        if more > 0 {
            log.push_str(&format!(" (and {more} more)"));
        }
        Answer {
            reply: Reply::json(status, body.to_string()),
            matched: None,
            problems,
            log: self.mask(&log),
        }
    }

    fn answer_with(
        &self,
        si: usize,
        ei: usize,
        req: &check::Request<'_>,
        checked: check::Checked,
    ) -> Answer {
        let spec = &self.inner.specs[si];
        let e = &spec.provider.endpoints[ei];
        let examples = &spec.examples[ei];
        let labels = spec.example_labels(ei);
        let differs = |x: &Example| differences(e, x, &checked.sent);
        let pinned = self
            .inner
            .pins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(si, ei))
            .copied();
        let (index, choice) = if let Some(name) = preferred_example(req.rec) {
            match labels.iter().position(|l| *l == name) {
                Some(i) => (Some(i), Choice::Header),
                None => {
                    let problem = Problem {
                        kind: ProblemKind::Example,
                        endpoint: Some(spec.label(ei)),
                        message: format!(
                            "the `Prefer` header asks for example `{name}`, which this endpoint does not have (its examples: {})",
                            quoted_list(&labels)
                        ),
                    };
                    return self.refuse(req, vec![problem], None);
                }
            }
        } else if let Some(i) = pinned {
            (Some(i), Choice::Pinned)
        } else if let Some(i) = examples.iter().position(|x| differs(x).is_empty()) {
            (Some(i), Choice::Values)
        } else if examples.is_empty() {
            (None, Choice::NoExample)
        } else {
            (Some(0), Choice::First)
        };
        let faults = self
            .inner
            .faults
            .get(&(si, ei))
            .cloned()
            .unwrap_or_default();
        let (reply, status, differences) = match index.and_then(|i| examples.get(i)) {
            Some(x) => {
                let status = x.response.status.unwrap_or(200);
                let (content_type, body) = served(&x.response);
                let status = faults
                    .iter()
                    .find_map(|f| match f {
                        Fault::Status(s) => Some(*s),
                        Fault::Html => Some(200),
                        _ => None,
                    })
                    .unwrap_or(status);
                let differences = match choice {
                    Choice::Values => Vec::new(),
                    _ => differs(x),
                };
                (
                    fault::reply(status, &content_type, &body, &faults),
                    status,
                    differences,
                )
            }
            None => {
                let body = json!({"mock_error": {
                    "status": 501,
                    "message": format!("`{}` has no example to answer with", spec.label(ei)),
                    "problems": [],
                }});
                (Reply::json(501, body.to_string()), 501, Vec::new())
            }
        };
        let example = index.map(|i| labels[i].clone());
        let mut log = format!("{} -> {status} {}", self.describe(req), spec.label(ei));
        match &example {
            Some(x) => log.push_str(&format!(" example {x:?} ({})", choice_text(choice))),
            None => log.push_str(" (no example)"),
        }
        if !faults.is_empty() {
            let f: Vec<String> = faults.iter().map(Fault::to_string).collect();
            log.push_str(&format!(" fault {}", f.join("+")));
        }
        if !differences.is_empty() {
            log.push_str(&format!("; differs from it: {}", differences.join("; ")));
        }
        Answer {
            reply,
            matched: Some(Matched {
                module: spec.provider.module.clone(),
                endpoint: e.wire.clone(),
                example,
                choice,
                differences,
                faults,
            }),
            problems: Vec::new(),
            log: self.mask(&log),
        }
    }

    /// `METHOD /path name=value ...` with secrets masked by name.
    fn describe(&self, req: &check::Request<'_>) -> String {
        let rec = req.rec;
        let mut out = format!("{} {}", rec.method, rec.path);
        let content_type = rec.header("content-type").unwrap_or_default();
        let body: Vec<(String, String)> = if rec.body.is_empty() {
            Vec::new()
        } else if content_type.contains("json") {
            req.json_pairs()
        } else if content_type.contains("form") {
            req.form.clone()
        } else {
            out.push_str(&format!(" <{} byte body>", rec.body.len()));
            Vec::new()
        };
        for (k, v) in req.query.iter().chain(&body) {
            let v = if self.inner.secret_names.contains(k) {
                "***".to_owned()
            } else if v.chars().count() > 60 {
                format!("{}…", v.chars().take(57).collect::<String>())
            } else {
                v.clone()
            };
            out.push_str(&format!(" {k}={v}"));
        }
        out
    }

    /// `text` with every credential value replaced by `***`.
    fn mask(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for v in &self.inner.secret_values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), "***");
            }
        }
        out
    }

    /// Serves on `addr` (port 0: a free one; the server's `addr()` tells
    /// which) until the returned server is dropped or shut down. `log` hears
    /// every answer before it is sent. The server records requests as
    /// [`MockServer`] does; switch that off for long runs.
    ///
    /// Must be called from within a tokio runtime.
    pub async fn serve(
        self,
        addr: SocketAddr,
        log: impl Fn(&Answer) + Send + Sync + 'static,
    ) -> io::Result<MockServer> {
        let server = MockServer::start_on(addr).await?;
        server.set_handler(move |req| {
            let answer = self.answer(req);
            log(&answer);
            answer.reply
        });
        Ok(server)
    }
}

fn choice_text(c: Choice) -> &'static str {
    match c {
        Choice::Header => "asked for by Prefer",
        Choice::Pinned => "pinned",
        Choice::Values => "its request matches",
        Choice::First => "the first; no example's request matches",
        Choice::NoExample => "none",
    }
}

/// The example a `Prefer: example=NAME` header names (`example="a, b"` quoted).
fn preferred_example(rec: &Recorded) -> Option<String> {
    rec.header_all("prefer").into_iter().find_map(|h| {
        let at = h.find("example=")?;
        let rest = &h[at + "example=".len()..];
        Some(match rest.strip_prefix('"') {
            Some(q) => q.split('"').next().unwrap_or_default().to_owned(),
            None => rest
                .split([',', ';'])
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned(),
        })
    })
}

/// What an example answers: its content type and body bytes. The body is the
/// example's JSON, or, with a `content_type` that is not JSON and a text body,
/// that text as sent (a document such as a PDF receipt).
pub fn served(r: &spec::ExampleResponse) -> (String, Vec<u8>) {
    match (&r.content_type, &r.body) {
        (None, body) => ("application/json".to_owned(), body.to_string().into_bytes()),
        (Some(ct), Value::String(text)) if !check::is_json_type(ct) => {
            (ct.clone(), text.clone().into_bytes())
        }
        (Some(ct), body) => (ct.clone(), body.to_string().into_bytes()),
    }
}

/// How the parameters sent differ from example `x`'s documented request.
fn differences(e: &ir::Endpoint, x: &Example, sent: &BTreeMap<String, String>) -> Vec<String> {
    let documented = x.request.as_ref();
    let mut out = Vec::new();
    // Parameters kept by the client (`in: nowhere`) are never on the wire.
    for f in e.params.iter().filter(|f| f.location != Location::Nowhere) {
        let given = documented
            .and_then(|r| r.get(&f.wire))
            .filter(|v| !v.is_null());
        let got = sent.get(&f.wire).map(|g| {
            if f.ty == Ty::Secret {
                "***".to_owned()
            } else {
                g.clone()
            }
        });
        match (given, got) {
            (Some(v), Some(got)) => {
                if !check::same(&check::expected_text(f, v), &got) && f.ty != Ty::Secret {
                    out.push(format!(
                        "`{}` is {got:?} on the wire, the example gives {v}",
                        f.wire
                    ));
                }
            }
            (Some(v), None) => out.push(format!("`{}` ({v}) is missing from the request", f.wire)),
            // The client sends the default when the caller gives nothing.
            (None, Some(got))
                if f.default.as_ref().map(check::literal_text) == Some(got.clone()) => {}
            (None, Some(got)) => out.push(format!(
                "`{}` is on the wire ({got:?}) but the example leaves it out",
                f.wire
            )),
            (None, None) => {}
        }
    }
    out
}

fn set_credential(served: &mut [Served], c: &CredentialArg) -> Result<(), SetupError> {
    let mut found = false;
    for s in served.iter_mut() {
        if c.module.as_deref().is_some_and(|m| m != s.provider.module) {
            continue;
        }
        if let Some(i) = s.provider.credentials.iter().position(|k| k.wire == c.name) {
            s.credentials[i] = c.value.clone();
            s.given[i] = true;
            found = true;
        }
    }
    if found {
        return Ok(());
    }
    let scope: Vec<&Served> = served
        .iter()
        .filter(|s| c.module.as_deref().is_none_or(|m| m == s.provider.module))
        .collect();
    if let (Some(m), true) = (&c.module, scope.is_empty()) {
        let modules: Vec<&str> = served.iter().map(|s| s.provider.module.as_str()).collect();
        return Err(SetupError::UnknownModule {
            module: m.clone(),
            hint: suggest(m, &modules),
        });
    }
    let names: BTreeSet<&str> = scope
        .iter()
        .flat_map(|s| s.provider.credentials.iter().map(|k| k.wire.as_str()))
        .collect();
    let names: Vec<&str> = names.into_iter().collect();
    Err(SetupError::UnknownCredential {
        name: match &c.module {
            Some(m) => format!("{m}.{}", c.name),
            None => c.name.clone(),
        },
        hint: suggest(&c.name, &names),
    })
}

/// The endpoint `name` (`endpoint` or `module.endpoint`) names.
fn locate(served: &[Served], name: &str) -> Result<(usize, usize), SetupError> {
    let all: Vec<(usize, usize)> = served
        .iter()
        .enumerate()
        .flat_map(|(si, s)| (0..s.provider.endpoints.len()).map(move |ei| (si, ei)))
        .collect();
    let hits: Vec<(usize, usize)> = match name.split_once('.') {
        Some((m, e)) => all
            .iter()
            .copied()
            .filter(|(si, ei)| {
                served[*si].provider.module == m && served[*si].provider.endpoints[*ei].wire == e
            })
            .collect(),
        None => all
            .iter()
            .copied()
            .filter(|(si, ei)| served[*si].provider.endpoints[*ei].wire == name)
            .collect(),
    };
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => {
            let labels: Vec<String> = all
                .iter()
                .map(|(si, ei)| {
                    if served.len() > 1 || name.contains('.') {
                        served[*si].label(*ei)
                    } else {
                        served[*si].provider.endpoints[*ei].wire.clone()
                    }
                })
                .collect();
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            Err(SetupError::UnknownEndpoint {
                name: name.to_owned(),
                hint: suggest(name, &labels),
            })
        }
        many => Err(SetupError::AmbiguousEndpoint {
            name: name.to_owned(),
            candidates: many.iter().map(|(si, ei)| served[*si].label(*ei)).collect(),
        }),
    }
}
