//! The intermediate representation: a spec with every name resolved.
//!
//! [`lower`] turns a loaded spec into a [`Provider`]: Rust names chosen (heck,
//! keywords escaped) and checked for collisions, type expressions resolved
//! against the models, parameter locations, auth placements, signature
//! templates and envelopes resolved per endpoint. Every problem found on the
//! way is collected as a diagnostic; the IR exists only when there are none.
//! Emission ([`crate::emit`]) reads only the IR.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{suggest, Diagnostic};
use crate::load::Loaded;
use crate::names::{camel, camel_part, numbers, snake};
use crate::spec::{self, Literal, Location as SpecLocation};
use crate::types::{self, Scalar, TypeExpr};

pub use crate::spec::{Algorithm, DigestOutput, Encoding, ListStyle, Method};

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `String`
    Str,
    /// `Secret`: text that never prints
    Secret,
    /// `i64`
    Int,
    /// `Decimal`
    Dec,
    /// `bool`
    Bool,
    /// `serde_json::Value`
    Json,
    /// `OffsetDateTime` from UNIX seconds
    Timestamp,
    /// `Date` with the pattern at this index of [`Provider::date_patterns`]
    Date(usize),
    /// A date and time of day with the format at this index of
    /// [`Provider::datetime_formats`]: `OffsetDateTime` when the format states
    /// a UTC offset, `PrimitiveDateTime` otherwise
    DateTime(usize),
    /// A whole answer that is a document: `rt::Binary` (responses only)
    Binary,
    /// The model at this index of [`Provider::models`]
    Model(usize),
    /// `Vec<T>`
    List(Box<Ty>),
    /// `BTreeMap<String, T>`
    Map(Box<Ty>),
    /// `Result<T, ItemError>`
    Item(Box<Ty>),
}

/// Where a request value goes, resolved (no `params`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Query string.
    Query,
    /// Body.
    Body,
    /// Header.
    Header,
    /// Cookie.
    Cookie,
    /// Path segment.
    Path,
    /// Not sent (the reference, a signature hole).
    Nowhere,
}

/// A `datetime` wire format: the pattern and, when the spec states one, the
/// UTC offset its texts are written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeFormat {
    /// `yyyymmddhhmiss`
    pub pattern: String,
    /// `("+07:00", 25200)`: the offset as written and in seconds east of UTC.
    pub offset: Option<(String, i32)>,
}

/// A struct field or a request parameter.
#[derive(Debug, Clone)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust name.
    pub rust: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// The value type (without the `Option`).
    pub ty: Ty,
    /// The Rust type is `Option<ty>`.
    pub option: bool,
    /// May be absent on the wire (`#[serde(default)]`), or left out of a request.
    pub may_be_absent: bool,
    /// Marker type listing the texts that mean "none", if declared.
    pub none_marker: Option<(String, Vec<String>)>,
    /// Requests: where it goes.
    pub location: Location,
    /// Requests, lists: how they are written.
    pub style: ListStyle,
    /// Requests, lists: most items.
    pub max_items: Option<u32>,
    /// Requests: other parameters (wire, rust) this one needs.
    pub requires: Vec<(String, String)>,
    /// Requests, lists: written as one text joined with this separator.
    pub join: Option<String>,
    /// Requests: sent when the caller gives no value.
    pub default: Option<Literal>,
}

/// An enum value.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Wire text.
    pub wire: String,
    /// Rust name.
    pub rust: String,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// A union alternative.
#[derive(Debug, Clone)]
pub struct Alternative {
    /// Rust name.
    pub rust: String,
    /// Its type.
    pub ty: Ty,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// What a model is.
#[derive(Debug, Clone)]
pub enum ModelKind {
    /// A struct.
    Struct(Vec<Field>),
    /// An enum of wire texts that keeps unknown ones.
    Enum(Vec<Variant>),
    /// A union.
    Union(Vec<Alternative>),
}

/// A named type.
#[derive(Debug, Clone)]
pub struct Model {
    /// Rust name.
    pub name: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// Shape.
    pub kind: ModelKind,
    /// Structs: the Rust name of the map that keeps the fields not listed.
    pub unknown_fields: Option<String>,
}

/// A path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text.
    Lit(String),
    /// Required parameter (wire name).
    Param(String),
    /// Optional parameter (wire name).
    Optional(String),
}

/// A piece of a signature template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Lit(String),
    /// Credential index.
    Credential(usize),
    /// Request value by wire name.
    Field(String),
}

/// What an auth placement carries.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthValue {
    /// Credential index.
    Credential(usize),
    /// Computed signature.
    Signature {
        /// Hash.
        algorithm: Algorithm,
        /// Hashed text.
        template: Vec<Piece>,
        /// HMAC key.
        key: Vec<Piece>,
        /// Digest text.
        output: DigestOutput,
    },
}

/// A resolved auth placement.
#[derive(Debug, Clone, PartialEq)]
pub struct Auth {
    /// Where.
    pub location: Location,
    /// Wire name.
    pub name: String,
    /// What.
    pub value: AuthValue,
    /// Prefix text.
    pub prefix: String,
}

/// A response test.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Equals.
    Equals(Literal),
    /// Absent or different.
    NotEquals(Literal),
    /// One of.
    In(Vec<Literal>),
    /// Absent.
    Absent,
    /// Present.
    Present,
}

/// A condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Field path.
    pub path: Vec<String>,
    /// Test.
    pub test: Test,
}

/// A resolved envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Success conditions.
    pub success: Vec<Condition>,
    /// Pending conditions.
    pub pending: Vec<Condition>,
    /// Payload path.
    pub payload: Vec<String>,
    /// Error code path.
    pub code: Option<Vec<String>>,
    /// Error message path.
    pub message: Option<Vec<String>>,
}

/// A resolved endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Name as in the spec.
    pub wire: String,
    /// Method name (snake case).
    pub rust: String,
    /// Type name prefix (camel case).
    pub type_prefix: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Path.
    pub segments: Vec<Segment>,
    /// The path as written, for docs.
    pub path_text: String,
    /// Body encoding.
    pub encoding: Encoding,
    /// Fixed values.
    pub fixed: Vec<(Location, String, Literal)>,
    /// Fixed headers (provider's, then the endpoint's).
    pub headers: Vec<(String, String)>,
    /// Parameters.
    pub params: Vec<Field>,
    /// Auth placements.
    pub auth: Vec<Auth>,
    /// Envelope.
    pub envelope: Envelope,
    /// Payload type.
    pub response: Ty,
    /// Safe to repeat.
    pub idempotent: bool,
    /// Moves money.
    pub moves_money: bool,
    /// Wire name of the reference parameter.
    pub reference: Option<String>,
    /// The request of the first documented example (for the rustdoc example).
    pub example: Option<serde_json::Map<String, serde_json::Value>>,
}

/// What a callback's signature is computed over.
#[derive(Debug, Clone, PartialEq)]
pub enum Signed {
    /// A template over credentials, literals and payload fields.
    Template(Vec<Piece>),
    /// The raw request body.
    Body,
}

/// Where a callback carries its signature.
#[derive(Debug, Clone, PartialEq)]
pub enum Carried {
    /// In this payload field (wire name).
    Field(String),
    /// In this HTTP header.
    Header(String),
}

/// A resolved callback: a notification the provider sends to the caller.
#[derive(Debug, Clone)]
pub struct Callback {
    /// Name as in the spec.
    pub wire: String,
    /// Method name on `Callbacks` (snake case).
    pub rust: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// Payload path in the JSON body.
    pub payload: Vec<String>,
    /// Payload type.
    pub ty: Ty,
    /// Hash.
    pub algorithm: Algorithm,
    /// What is signed.
    pub signed: Signed,
    /// HMAC key (credentials and literals).
    pub key: Vec<Piece>,
    /// Digest text.
    pub output: DigestOutput,
    /// Where the signature is.
    pub carried: Carried,
    /// Text before the digest.
    pub prefix: String,
}

/// A named host.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Name as in the spec.
    pub wire: String,
    /// Variant name.
    pub rust: String,
    /// URL.
    pub url: String,
}

/// A credential.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Name as in the spec.
    pub wire: String,
    /// Setter name.
    pub rust: String,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// A whole provider, resolved.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Module name (the file stem).
    pub module: String,
    /// Display name.
    pub name: String,
    /// Module rustdoc.
    pub doc: Option<String>,
    /// Link to the provider's docs.
    pub docs_url: Option<String>,
    /// Explanation of the base URL.
    pub base_url_doc: Option<String>,
    /// Named hosts.
    pub environments: Vec<Environment>,
    /// Index of the default environment.
    pub default_environment: Option<usize>,
    /// Credentials.
    pub credentials: Vec<Credential>,
    /// Models (declared ones first, then inline ones).
    pub models: Vec<Model>,
    /// Endpoints.
    pub endpoints: Vec<Endpoint>,
    /// Notifications the provider sends to the caller.
    pub callbacks: Vec<Callback>,
    /// Distinct date patterns used.
    pub date_patterns: Vec<String>,
    /// Distinct date-time formats used.
    pub datetime_formats: Vec<DateTimeFormat>,
}

/// Builder methods a credential may not shadow.
const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "environment",
    "timeout",
    "connect_timeout",
    "http_client_builder",
    "max_body_bytes",
    "retry",
    "hooks",
    "build",
];

/// Client methods an endpoint may not shadow.
const CLIENT_METHODS: &[&str] = &["builder", "call_json", "base_url"];

/// Most required parameters passed as method arguments; with more, the method
/// takes one `<Endpoint>Required` struct.
pub const MAX_POSITIONAL: usize = 4;

/// Type names the emitter itself uses in every module.
const RESERVED_TYPES: &[&str] = &["Client", "ClientBuilder", "Environment", "Call"];

struct Lowerer<'a> {
    l: &'a Loaded,
    diags: Vec<Diagnostic>,
    model_index: BTreeMap<String, usize>,
    models: Vec<Option<Model>>,
    date_patterns: Vec<String>,
    datetime_formats: Vec<DateTimeFormat>,
    /// The `utc_offset` of the field whose type is being resolved.
    utc_offset: Option<(String, i32)>,
    /// Every type name and the spec path that introduced it, for collision checks.
    type_names: BTreeMap<String, String>,
}

/// Resolves a loaded spec. Returns every problem found, or the IR.
pub fn lower(l: &Loaded) -> Result<Provider, Vec<Diagnostic>> {
    let mut lw = Lowerer {
        l,
        diags: Vec::new(),
        model_index: BTreeMap::new(),
        models: Vec::new(),
        date_patterns: Vec::new(),
        datetime_formats: Vec::new(),
        utc_offset: None,
        type_names: BTreeMap::new(),
    };
    let p = lw.provider();
    if lw.diags.is_empty() {
        Ok(p)
    } else {
        // In file order, each problem once.
        let mut diags = lw.diags;
        diags.sort_by_key(|d| (d.pos.line, d.pos.column));
        diags.dedup_by(|a, b| a.pos == b.pos && a.message == b.message);
        Err(diags)
    }
}

/// RFC 9110 `token` (`tchar`: letters, digits and ``!#$%&'*+-.^_`|~``): what a
/// header name is, and what RFC 6265 asks of a cookie name.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

const TOKEN_HINT: &str =
    "a header or cookie name is a token: ASCII letters, digits and !#$%&'*+-.^_`|~ (no spaces, `:`, `=`, `;` or quotes)";

/// Headers that frame the message or concern one connection only: HTTP/1.1
/// and the HTTP client set them (or must not see them) for each request.
const CONNECTION_HEADERS: &[&str] = &[
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

/// Headers the runtime writes itself on every request that needs them; a
/// credential placed there would be sent next to (or lost behind) the client's own.
const CLIENT_HEADERS: &[&str] = &["content-type", "accept", "accept-encoding", "cookie"];

/// The first control character of `s` (HTAB allowed where `tab_ok`), as `U+000D`.
fn control_char(s: &str, tab_ok: bool) -> Option<String> {
    s.chars()
        .find(|c| c.is_control() && !(tab_ok && *c == '\t'))
        .map(|c| format!("U+{:04X}", c as u32))
}

/// `rust` names derived from `wires` in one namespace, with transliterated
/// names that collide numbered (see [`numbers`]): `(wire, rust, derived)` in,
/// the final names and the numbers given out.
fn numbered(entries: &[(&str, String, bool)], snake_case: bool) -> Vec<(String, Option<usize>)> {
    let with = |r: &str, n: usize| {
        if snake_case {
            format!("{r}_{n}")
        } else {
            format!("{r}{n}")
        }
    };
    let refs: Vec<(&str, &str, bool)> = entries
        .iter()
        .map(|(w, r, d)| (*w, r.as_str(), *d))
        .collect();
    numbers(&refs, with)
        .into_iter()
        .zip(entries)
        .map(|(n, (_, r, _))| (n.map_or_else(|| r.clone(), |n| with(r, n)), n))
        .collect()
}

fn split_path(p: &str) -> Option<Vec<String>> {
    if p.is_empty() {
        return Some(Vec::new());
    }
    let parts: Vec<String> = p.split('.').map(str::to_owned).collect();
    if parts.iter().any(|s| s.trim().is_empty() || s.trim() != s) {
        return None;
    }
    Some(parts)
}

impl Lowerer<'_> {
    fn err(&mut self, path: &[&str], msg: impl Into<String>, hint: Option<String>) {
        let d = self.l.at(path, msg);
        self.diags.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    fn err_key(&mut self, path: &[&str], msg: impl Into<String>, hint: Option<String>) {
        let d = self.l.at_key(path, msg);
        self.diags.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    /// A diagnostic at the key of `path` (a mapping key names the thing) or at its value.
    fn err_at(&mut self, path: &[&str], key: bool, msg: String, hint: String) {
        if key {
            self.err_key(path, msg, Some(hint));
        } else {
            self.err(path, msg, Some(hint));
        }
    }

    /// Checks the name of a header (`auth` true: one that carries a credential)
    /// written at `path` (as a mapping key when `key`).
    fn header_name(&mut self, name: &str, path: &[&str], key: bool, auth: bool) {
        let lower = name.to_ascii_lowercase();
        if !is_token(name) {
            self.err_at(
                path,
                key,
                format!("`{name}` is not a valid HTTP header name"),
                TOKEN_HINT.into(),
            );
        } else if CONNECTION_HEADERS.contains(&lower.as_str()) {
            self.err_at(
                path,
                key,
                format!("the header `{name}` frames the message or belongs to one connection: only the HTTP client writes it"),
                "remove it: a declared value would come next to the client's own, and the server could read the request differently from the client".into(),
            );
        } else if auth && CLIENT_HEADERS.contains(&lower.as_str()) {
            self.err_at(
                path,
                key,
                format!("a credential cannot go in the `{name}` header: the client writes that header itself"),
                if lower == "cookie" {
                    "use `in: cookie` with the cookie's name".into()
                } else {
                    "put the credential in a header of its own (as the provider documents it)".into()
                },
            );
        }
    }

    /// Checks a cookie name written at `path` (as a mapping key when `key`).
    fn cookie_name(&mut self, name: &str, path: &[&str], key: bool) {
        if !is_token(name) {
            self.err_at(
                path,
                key,
                format!("`{name}` is not a valid cookie name"),
                TOKEN_HINT.into(),
            );
        }
    }

    fn claim_type(&mut self, name: &str, path: &[&str]) {
        if let Some(prev) = self.type_names.get(name) {
            let prev = prev.clone();
            self.err_key(
                path,
                format!("the Rust type name `{name}` is already used by `{prev}`"),
                Some("rename one of them (models, endpoints and inline types share one namespace per provider)".into()),
            );
        } else {
            self.type_names.insert(name.to_owned(), path.join("."));
        }
    }

    fn provider(&mut self) -> Provider {
        let spec = &self.l.spec;
        let module = snake(&self.l.stem());
        if module != self.l.stem() {
            self.err(
                &[],
                format!(
                    "the file name `{}` is not a snake_case module name",
                    self.l.stem()
                ),
                Some(format!("rename the file to `{module}.yaml`")),
            );
        }
        if spec.provider.name.trim().is_empty() {
            self.err(&["provider", "name"], "the provider name is empty", None);
        }
        for name in RESERVED_TYPES {
            self.type_names
                .insert((*name).to_owned(), "(generated)".into());
        }

        // Environments.
        let mut environments = Vec::new();
        let env_names = numbered(
            &spec
                .base_url
                .environments
                .keys()
                .map(|k| (k, camel(k), true))
                .collect::<Vec<_>>(),
            false,
        );
        for ((name, url), (rust, _)) in spec.base_url.environments.iter().zip(env_names) {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                self.err(
                    &["base_url", "environments", name],
                    format!("environment `{name}` has no http(s) URL: `{url}`"),
                    Some("write the full URL, e.g. `https://api.example.com`".into()),
                );
            }
            environments.push(Environment {
                wire: name.to_owned(),
                rust,
                url: url.trim_end_matches('/').to_owned(),
            });
        }
        self.unique(
            environments
                .iter()
                .map(|e| (e.rust.clone(), e.wire.clone())),
            &["base_url", "environments"],
            "environment",
        );
        let default_environment = match &spec.base_url.default {
            None => None,
            Some(d) => {
                let found = environments.iter().position(|e| &e.wire == d);
                if found.is_none() {
                    let names: Vec<&str> = spec.base_url.environments.keys().collect();
                    self.err(
                        &["base_url", "default"],
                        format!("the default environment `{d}` is not declared"),
                        Some(suggest(d, &names)),
                    );
                }
                found
            }
        };

        // Credentials.
        let mut credentials = Vec::new();
        let cred_names = numbered(
            &spec
                .credentials
                .keys()
                .map(|k| (k, snake(k), true))
                .collect::<Vec<_>>(),
            true,
        );
        for ((name, c), (rust, _)) in spec.credentials.iter().zip(cred_names) {
            if BUILDER_METHODS.contains(&rust.as_str()) {
                self.err_key(
                    &["credentials", name],
                    format!("the credential `{name}` would shadow the builder method `{rust}`"),
                    Some(
                        "rename the credential (its name is only used in Rust and templates)"
                            .into(),
                    ),
                );
            }
            credentials.push(Credential {
                wire: name.to_owned(),
                rust,
                doc: c.description.clone(),
            });
        }
        self.unique(
            credentials.iter().map(|c| (c.rust.clone(), c.wire.clone())),
            &["credentials"],
            "credential",
        );

        // Models: register names first, so models may refer to each other in any order.
        for (name, _) in spec.models.iter() {
            let rust = camel(name);
            if rust != name {
                self.err_key(
                    &["models", name],
                    format!("model names are written in UpperCamelCase: `{name}`"),
                    Some(format!("rename it `{rust}`")),
                );
            }
            self.claim_type(&rust, &["models", name]);
            self.model_index.insert(name.to_owned(), self.models.len());
            self.models.push(None);
        }
        for (i, (name, m)) in spec.models.iter().enumerate() {
            let model = self.model(name, m, &["models", name]);
            self.models[i] = Some(model);
        }

        let mut endpoints = Vec::new();
        let endpoint_names = numbered(
            &spec
                .endpoints
                .keys()
                .map(|k| (k, snake(k), true))
                .collect::<Vec<_>>(),
            true,
        );
        for ((name, e), (rust, n)) in spec.endpoints.iter().zip(endpoint_names) {
            let type_prefix = format!(
                "{}{}",
                camel_part(name),
                n.map(|n| n.to_string()).unwrap_or_default()
            );
            endpoints.push(self.endpoint(name, e, rust, type_prefix));
        }
        if spec.endpoints.is_empty() {
            self.err(&["endpoints"], "the spec declares no endpoints", None);
        }
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for e in &endpoints {
            if CLIENT_METHODS.contains(&e.rust.as_str()) {
                self.err_key(
                    &["endpoints", &e.wire],
                    format!(
                        "the endpoint `{}` would shadow the client method `{}`",
                        e.wire, e.rust
                    ),
                    Some("rename the endpoint".into()),
                );
            }
            if let Some(prev) = seen.insert(e.rust.clone(), e.wire.clone()) {
                self.err_key(
                    &["endpoints", &e.wire],
                    format!(
                        "the endpoints `{prev}` and `{}` both become the method `{}`",
                        e.wire, e.rust
                    ),
                    Some("rename one of them".into()),
                );
            }
        }

        let callbacks = self.callbacks(&endpoints);

        Provider {
            module,
            name: spec.provider.name.clone(),
            doc: spec.provider.description.clone(),
            docs_url: spec.provider.docs_url.clone(),
            base_url_doc: spec.base_url.description.clone(),
            environments,
            default_environment,
            credentials,
            models: std::mem::take(&mut self.models)
                .into_iter()
                .flatten()
                .collect(),
            endpoints,
            callbacks,
            date_patterns: std::mem::take(&mut self.date_patterns),
            datetime_formats: std::mem::take(&mut self.datetime_formats),
        }
    }

    /// Reports Rust names that collide after case conversion.
    fn unique(&mut self, names: impl Iterator<Item = (String, String)>, at: &[&str], what: &str) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (rust, wire) in names {
            if let Some(prev) = seen.insert(rust.clone(), wire.clone()) {
                let mut path = at.to_vec();
                path.push(&wire);
                self.err_key(
                    &path,
                    format!("the {what}s `{prev}` and `{wire}` both become `{rust}` in Rust"),
                    Some(match what {
                        "field" => "rename one, or give one a `rust_name:`".into(),
                        "enum value" => "give one of them a `name:` (the Rust variant name)".into(),
                        _ => "rename one of them".into(),
                    }),
                );
            }
        }
    }

    fn model(&mut self, name: &str, m: &spec::Model, path: &[&str]) -> Model {
        let rust = camel(name);
        let kinds = [m.fields.is_some(), m.variants.is_some(), m.one_of.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if kinds != 1 {
            self.err_key(
                path,
                format!("the model `{name}` must have exactly one of `fields`, `enum` or `one_of`"),
                Some(
                    "`fields:` for an object, `enum:` for a list of texts, `one_of:` for a union"
                        .into(),
                ),
            );
        }
        let kind = if let Some(fields) = &m.fields {
            ModelKind::Struct(self.fields(&rust, fields, path, false, None))
        } else if let Some(values) = &m.variants {
            ModelKind::Enum(self.variants(values, path))
        } else if let Some(alts) = &m.one_of {
            let mut out = Vec::new();
            for (i, a) in alts.iter().enumerate() {
                let idx = i.to_string();
                let mut p = path.to_vec();
                p.extend(["one_of", &idx, "type"]);
                let ty = self.ty_str(&a.ty, &p, None, &format!("{rust}{}", camel_part(&a.name)));
                if let Some(ty) = &ty {
                    self.check_union_alt(ty, &p);
                }
                out.push(Alternative {
                    rust: camel(&a.name),
                    ty: ty.unwrap_or(Ty::Json),
                    doc: a.description.clone(),
                });
            }
            let mut p = path.to_vec();
            p.push("one_of");
            self.unique(
                out.iter().map(|a| (a.rust.clone(), a.rust.clone())),
                &p,
                "alternative",
            );
            self.check_union_order(&out, &p);
            if out.len() < 2 {
                self.err(&p, "a union needs at least two alternatives", None);
            }
            ModelKind::Union(out)
        } else {
            ModelKind::Struct(Vec::new())
        };
        let unknown_fields = self.unknown_fields(m, &kind, path);
        Model {
            name: rust,
            doc: m.description.clone(),
            kind,
            unknown_fields,
        }
    }

    /// An alternative that an earlier one always wins over can never be chosen.
    fn check_union_order(&mut self, alts: &[Alternative], path: &[&str]) {
        let is_enum = |t: &Ty| matches!(t, Ty::Model(i) if matches!(self.models.get(*i), Some(Some(Model { kind: ModelKind::Enum(_), .. }))));
        let shadows = |a: &Ty, b: &Ty| match (a, b) {
            (Ty::Json, _) => true,
            (Ty::Str | Ty::Secret, Ty::Int | Ty::Dec | Ty::Timestamp | Ty::Str | Ty::Secret) => {
                true
            }
            (Ty::Dec, Ty::Int | Ty::Timestamp | Ty::Dec) => true,
            (Ty::Int | Ty::Timestamp, Ty::Int | Ty::Timestamp) => true,
            (a, Ty::Str | Ty::Int | Ty::Dec | Ty::Timestamp) if is_enum(a) => true,
            _ => false,
        };
        let mut problems = Vec::new();
        for (j, later) in alts.iter().enumerate() {
            if let Some(earlier) = alts[..j].iter().find(|e| shadows(&e.ty, &later.ty)) {
                problems.push(format!(
                    "the union alternative `{}` can never be chosen: `{}` comes first and accepts the same values",
                    later.rust, earlier.rust
                ));
            }
        }
        for msg in problems {
            self.err(
                path,
                msg,
                Some("the first alternative that decodes wins: put the narrower one first (integer before decimal before string)".into()),
            );
        }
    }

    fn check_union_alt(&mut self, ty: &Ty, path: &[&str]) {
        if contains_binary(ty) {
            self.err(
                path,
                "`binary` is a whole response (one document), not a union alternative",
                Some("write `response: binary`".into()),
            );
        }
        if matches!(ty, Ty::Date(_) | Ty::DateTime(_) | Ty::Item(_)) {
            self.err(
                path,
                "dates and `| error` items cannot be union alternatives",
                Some(
                    "declare a `string` alternative and parse it yourself, or use a struct".into(),
                ),
            );
        }
    }

    fn variants(&mut self, values: &[spec::EnumValue], path: &[&str]) -> Vec<Variant> {
        let mut out: Vec<Variant> = Vec::new();
        let mut derived: Vec<bool> = Vec::new();
        let mut seen_wire = BTreeSet::new();
        for (i, v) in values.iter().enumerate() {
            let (wire, name, doc) = match v {
                spec::EnumValue::Plain(s) => (s.clone(), None, None),
                spec::EnumValue::Full(f) => {
                    (f.value.clone(), f.name.clone(), f.description.clone())
                }
            };
            let idx = i.to_string();
            let mut p = path.to_vec();
            p.extend(["enum", &idx]);
            if !seen_wire.insert(wire.clone()) {
                self.err(
                    &p,
                    format!("the enum value `{wire}` is listed twice"),
                    Some("remove the duplicate".into()),
                );
                continue;
            }
            derived.push(name.is_none());
            let rust = match name {
                Some(n) => {
                    if camel(&n) != n {
                        self.err(
                            &p,
                            format!("the variant name `{n}` is not UpperCamelCase"),
                            Some(format!("use `{}`", camel(&n))),
                        );
                    }
                    n
                }
                None => camel(&wire),
            };
            if rust == "Other" {
                self.err(
                    &p,
                    "the variant name `Other` is reserved for values the spec does not list",
                    Some("give this value another `name:`".into()),
                );
            }
            out.push(Variant { wire, rust, doc });
        }
        let entries: Vec<(&str, String, bool)> = out
            .iter()
            .zip(&derived)
            .map(|(v, d)| (v.wire.as_str(), v.rust.clone(), *d))
            .collect();
        let names = numbered(&entries, false);
        for (v, (rust, _)) in out.iter_mut().zip(names) {
            v.rust = rust;
        }
        if out.is_empty() {
            let mut p = path.to_vec();
            p.push("enum");
            self.err(&p, "an enum needs at least one value", None);
        }
        let mut p = path.to_vec();
        p.push("enum");
        self.unique(
            out.iter().map(|v| (v.rust.clone(), v.wire.clone())),
            &p,
            "enum value",
        );
        out
    }

    /// Lowers struct fields or request parameters.
    fn fields(
        &mut self,
        owner: &str,
        fields: &spec::Ordered<spec::Field>,
        path: &[&str],
        request: bool,
        method: Option<Method>,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let section = if request { "params" } else { "fields" };
        let names = numbered(
            &fields
                .iter()
                .map(|(wire, f)| match &f.rust_name {
                    Some(r) => (wire, r.clone(), false),
                    None => (wire, snake(wire), true),
                })
                .collect::<Vec<_>>(),
            true,
        );
        for ((wire, f), (rust, number)) in fields.iter().zip(names) {
            let mut p = path.to_vec();
            p.extend([section, wire]);
            if let Some(r) = &f.rust_name {
                if snake(r) != *r {
                    let mut rp = p.clone();
                    rp.push("rust_name");
                    self.err(
                        &rp,
                        format!("`{r}` is not a snake_case Rust name"),
                        Some(format!("use `{}`", snake(r))),
                    );
                }
            }
            let mut tp = p.clone();
            tp.push("type");
            let inline_name = format!(
                "{owner}{}{}",
                camel_part(wire),
                number.map(|n| n.to_string()).unwrap_or_default()
            );
            self.utc_offset = self.parse_utc_offset(f, &p);
            let resolved = self.ty_str(&f.ty, &tp, f.format.as_deref(), &inline_name);
            let unresolved = resolved.is_none();
            let ty = resolved.unwrap_or(Ty::Json);
            self.utc_offset = None;
            self.field_extras(f, &ty, &p, request);
            let ty = match (f.secret, ty) {
                (true, Ty::Str) => Ty::Secret,
                (true, other) => {
                    let mut sp = p.clone();
                    sp.push("secret");
                    self.err_key(&sp, "`secret` applies to `string` fields only", None);
                    other
                }
                (false, other) => other,
            };
            // A type that did not resolve has been reported already.
            if f.format.is_some() && !unresolved && !contains_date(&ty) && !contains_datetime(&ty) {
                let mut fp = p.clone();
                fp.push("format");
                self.err(
                    &fp,
                    "`format` applies to `date` and `datetime` fields only",
                    Some("remove it, or make the type `date` (or `datetime`)".into()),
                );
            }
            let none_marker = if f.none_values.is_empty() {
                None
            } else {
                Some((format!("{inline_name}NoneValues"), f.none_values.clone()))
            };
            if let Some((m, _)) = &none_marker {
                let mut np = p.clone();
                np.push("none_values");
                self.claim_type(m, &np);
            }
            if request && (f.nullable || !f.none_values.is_empty()) {
                let key = if f.nullable {
                    "nullable"
                } else {
                    "none_values"
                };
                let mut kp = p.clone();
                kp.push(key);
                self.err_key(
                    &kp,
                    format!("`{key}` applies to response fields only"),
                    Some("a request parameter that may be left out is `optional: true`".into()),
                );
            }
            let location = if request {
                self.location(f.location, method.unwrap_or(Method::Post), &p)
            } else {
                for (key, set) in [
                    ("in", f.location.is_some()),
                    ("style", f.style.is_some()),
                    ("max_items", f.max_items.is_some()),
                    ("requires", !f.requires.is_empty()),
                    ("join", f.join.is_some()),
                    ("default", f.default.is_some()),
                ] {
                    if set {
                        let mut kp = p.clone();
                        kp.push(key);
                        self.err_key(
                            &kp,
                            format!("`{key}` applies to request parameters only"),
                            Some("remove it from this model field".into()),
                        );
                    }
                }
                Location::Body
            };
            let is_list = matches!(ty, Ty::List(_));
            if (f.style.is_some() || f.max_items.is_some()) && !is_list {
                self.err_key(
                    &p,
                    "`style` and `max_items` apply to `list<...>` parameters only",
                    None,
                );
            }
            out.push(Field {
                wire: wire.to_owned(),
                rust,
                doc: f.description.clone(),
                option: f.optional || f.nullable || none_marker.is_some(),
                may_be_absent: f.optional,
                none_marker,
                location,
                style: f.style.unwrap_or(ListStyle::Comma),
                max_items: f.max_items,
                requires: Vec::new(),
                join: f.join.clone().filter(|_| request),
                default: f.default.clone().filter(|_| request),
                ty,
            });
        }
        // `requires` needs every parameter's Rust name.
        if request {
            for (i, (wire, f)) in fields.iter().enumerate() {
                for r in &f.requires {
                    match out.iter().find(|o| &o.wire == r) {
                        Some(o) if !o.may_be_absent => {
                            let mut p = path.to_vec();
                            p.extend(["params", wire, "requires"]);
                            self.err(
                                &p,
                                format!("`requires` names `{r}`, which is always sent"),
                                Some(format!(
                                    "remove `{r}` from `requires`, or make `{r}` optional"
                                )),
                            );
                        }
                        Some(o) => {
                            let pair = (o.wire.clone(), o.rust.clone());
                            out[i].requires.push(pair);
                        }
                        None => {
                            let names: Vec<&str> = fields.keys().collect();
                            let mut p = path.to_vec();
                            p.extend(["params", wire, "requires"]);
                            self.err(
                                &p,
                                format!("`requires` names `{r}`, which is not a parameter here"),
                                Some(suggest(r, &names)),
                            );
                        }
                    }
                }
                if !f.requires.is_empty() && !f.optional {
                    let mut p = path.to_vec();
                    p.extend(["params", wire, "requires"]);
                    self.err(
                        &p,
                        "`requires` only makes sense on an optional parameter",
                        None,
                    );
                }
            }
        }
        let mut p = path.to_vec();
        p.push(section);
        self.unique(
            out.iter().map(|f| (f.rust.clone(), f.wire.clone())),
            &p,
            "field",
        );
        out
    }

    fn location(&mut self, loc: Option<SpecLocation>, method: Method, path: &[&str]) -> Location {
        match loc.unwrap_or(SpecLocation::Params) {
            SpecLocation::Query => Location::Query,
            SpecLocation::Body => Location::Body,
            SpecLocation::Header => Location::Header,
            SpecLocation::Cookie => Location::Cookie,
            SpecLocation::Path => Location::Path,
            SpecLocation::Nowhere => Location::Nowhere,
            SpecLocation::Params => match method {
                Method::Get | Method::Delete => Location::Query,
                _ => {
                    let _ = path;
                    Location::Body
                }
            },
        }
    }

    /// Parses and resolves a type expression written at `path`.
    fn ty_str(
        &mut self,
        text: &str,
        path: &[&str],
        format: Option<&str>,
        inline_name: &str,
    ) -> Option<Ty> {
        match types::parse(text) {
            Ok(e) => self.ty(&e, path, format, inline_name),
            Err(e) => {
                let hint = e.hint.unwrap_or_else(|| "types are `string`, `integer`, `decimal`, `bool`, `json`, `timestamp`, `date`, `datetime`, `list<T>`, `map<T>`, `T | error`, `A | B` or a model name (and `binary` for a whole response)".into());
                self.err(path, e.message, Some(hint));
                None
            }
        }
    }

    fn ty(
        &mut self,
        e: &TypeExpr,
        path: &[&str],
        format: Option<&str>,
        inline_name: &str,
    ) -> Option<Ty> {
        Some(match e {
            TypeExpr::Scalar(s) => {
                match s {
                    Scalar::String => Ty::Str,
                    Scalar::Integer => Ty::Int,
                    Scalar::Decimal => Ty::Dec,
                    Scalar::Bool => Ty::Bool,
                    Scalar::Json => Ty::Json,
                    Scalar::Timestamp => Ty::Timestamp,
                    Scalar::Binary => Ty::Binary,
                    Scalar::Datetime => return self.datetime(format, path),
                    Scalar::Date => {
                        let Some(f) = format else {
                            self.err(path, "a `date` needs a `format`", Some("add e.g. `format: dd/mm/yyyy` (yyyy, mm and dd, any separators)".into()));
                            return None;
                        };
                        if ["yyyy", "mm", "dd"]
                            .iter()
                            .any(|t| f.matches(t).count() != 1)
                        {
                            self.err(path, format!("the date format `{f}` must contain `yyyy`, `mm` and `dd` once each"), Some("e.g. `dd/mm/yyyy` or `yyyy-mm-dd`".into()));
                            return None;
                        }
                        if let Some(t) = ["hh", "mi", "ss"].iter().find(|t| f.contains(**t)) {
                            self.err(path, format!("the date format `{f}` has `{t}`, a time of day, which a `date` does not keep"), Some("make the type `datetime` to read the time too".into()));
                            return None;
                        }
                        let i = match self.date_patterns.iter().position(|p| p == f) {
                            Some(i) => i,
                            None => {
                                self.date_patterns.push(f.to_owned());
                                self.date_patterns.len() - 1
                            }
                        };
                        Ty::Date(i)
                    }
                }
            }
            TypeExpr::Named(n) => match self.model_index.get(n) {
                Some(i) => Ty::Model(*i),
                None => {
                    let mut names: Vec<&str> = self.l.spec.models.keys().collect();
                    names.extend(Scalar::NAMES);
                    let hint = suggest(n, &names);
                    self.err(path, format!("unknown type `{n}`"), Some(hint));
                    return None;
                }
            },
            TypeExpr::List(t) => Ty::List(Box::new(self.ty(t, path, format, inline_name)?)),
            TypeExpr::Map(t) => Ty::Map(Box::new(self.ty(t, path, format, inline_name)?)),
            TypeExpr::Item(t) => Ty::Item(Box::new(self.ty(t, path, format, inline_name)?)),
            TypeExpr::Union(alts) => {
                // An inline union becomes a model named after its place.
                let name = inline_name.to_owned();
                self.claim_type(&name, path);
                let mut out = Vec::new();
                for a in alts {
                    let ty = self.ty(a, path, format, &format!("{name}Alt"))?;
                    self.check_union_alt(&ty, path);
                    let rust = match a {
                        TypeExpr::Scalar(s) => camel(s.name()),
                        TypeExpr::Named(n) => camel(n),
                        TypeExpr::List(_) => "List".to_owned(),
                        TypeExpr::Map(_) => "Map".to_owned(),
                        _ => "Value".to_owned(),
                    };
                    out.push(Alternative {
                        rust,
                        ty,
                        doc: None,
                    });
                }
                self.check_union_order(&out, path);
                self.unique(
                    out.iter().map(|a| (a.rust.clone(), a.rust.clone())),
                    path,
                    "union alternative",
                );
                let index = self.models.len();
                self.models.push(Some(Model {
                    name,
                    doc: Some(format!(
                        "One of: `{e}`. The first alternative that decodes wins."
                    )),
                    kind: ModelKind::Union(out),
                    unknown_fields: None,
                }));
                Ty::Model(index)
            }
        })
    }

    /// Lowers one endpoint; its method and type-prefix names are chosen by the caller.
    fn endpoint(
        &mut self,
        name: &str,
        e: &spec::Endpoint,
        rust: String,
        type_prefix: String,
    ) -> Endpoint {
        let spec = &self.l.spec;
        let base = ["endpoints", name];
        self.claim_type(&format!("{type_prefix}Request"), &base);

        let mut params = self.fields(&type_prefix, &e.params, &base, true, Some(e.method));
        if params.iter().filter(|f| !f.may_be_absent).count() > MAX_POSITIONAL {
            self.claim_type(&format!("{type_prefix}Required"), &base);
        }

        // Path: `{name}` holes are path parameters.
        let mut segments = Vec::new();
        let raw = if e.path.starts_with('/') {
            e.path.clone()
        } else {
            format!("/{}", e.path)
        };
        self.check_path_text(&raw, &[base[0], base[1], "path"]);
        let mut rest = raw.as_str();
        let mut holes = Vec::new();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.err(
                    &[base[0], base[1], "path"],
                    "a `{` in the path is not closed",
                    None,
                );
                break;
            };
            let lit = &rest[..open];
            let hole = &rest[open + 1..open + close];
            if !lit.ends_with('/') {
                self.err(&[base[0], base[1], "path"], format!("the path parameter `{{{hole}}}` must be a whole segment, right after a `/`"), None);
            }
            let lit = lit.trim_end_matches('/');
            if !lit.is_empty() {
                segments.push(Segment::Lit(lit.to_owned()));
            }
            holes.push(hole.to_owned());
            match params.iter_mut().find(|p| p.wire == hole) {
                Some(p) => {
                    if p.location != Location::Path {
                        if e.params.get(hole).and_then(|f| f.location).is_some() {
                            self.err(
                                &[base[0], base[1], "params", hole, "in"],
                                format!(
                                    "`{hole}` appears in the path but is declared `in` elsewhere"
                                ),
                                Some("remove `in:`, or rename the path hole".into()),
                            );
                        }
                        p.location = Location::Path;
                    }
                    segments.push(if p.may_be_absent {
                        Segment::Optional(hole.to_owned())
                    } else {
                        Segment::Param(hole.to_owned())
                    });
                }
                None => {
                    let names: Vec<&str> = e.params.keys().collect();
                    self.err(
                        &[base[0], base[1], "path"],
                        format!("the path names `{{{hole}}}`, which is not a parameter"),
                        Some(format!(
                            "declare it under `params:` ({})",
                            suggest(hole, &names)
                        )),
                    );
                }
            }
            rest = &rest[open + close + 1..];
            if !(rest.is_empty() || rest.starts_with('/')) {
                self.err(&[base[0], base[1], "path"], format!("the path parameter `{{{hole}}}` must be a whole segment, followed by `/` or the end"), None);
            }
        }
        if !rest.is_empty() {
            segments.push(Segment::Lit(rest.to_owned()));
        }
        let mut seen_optional = false;
        for s in &segments {
            match s {
                Segment::Optional(_) => seen_optional = true,
                _ if seen_optional => {
                    self.err(
                        &[base[0], base[1], "path"],
                        "optional path parameters must come last in the path",
                        Some(
                            "make the later parameters optional too, or the earlier one required"
                                .into(),
                        ),
                    );
                    break;
                }
                _ => {}
            }
        }
        for p in &params {
            if p.location == Location::Path && !holes.contains(&p.wire) {
                self.err(
                    &[base[0], base[1], "params", &p.wire, "in"],
                    format!(
                        "`{}` is declared `in: path`, but the path has no `{{{}}}`",
                        p.wire, p.wire
                    ),
                    Some(format!("add `/{{{}}}` to the path", p.wire)),
                );
            }
            if p.location == Location::Path
                && !matches!(
                    p.ty,
                    Ty::Str | Ty::Secret | Ty::Int | Ty::Dec | Ty::Bool | Ty::Model(_)
                )
            {
                self.err(
                    &[base[0], base[1], "params", &p.wire, "type"],
                    "path parameters must be scalars",
                    None,
                );
            }
        }
        for p in &params {
            let at = [base[0], base[1], "params", p.wire.as_str()];
            match p.location {
                Location::Header => self.header_name(&p.wire, &at, true, false),
                Location::Cookie => self.cookie_name(&p.wire, &at, true),
                _ => {}
            }
        }

        // Fixed values.
        let mut fixed = Vec::new();
        for (k, v) in e.fixed.iter() {
            if e.params.get(k).is_some() {
                self.err_key(
                    &[base[0], base[1], "fixed", k],
                    format!("`{k}` is both fixed and a parameter"),
                    Some("remove one of them".into()),
                );
            }
            let loc = self.location(None, e.method, &base);
            fixed.push((loc, k.to_owned(), v.clone()));
        }

        // Headers.
        let mut headers = Vec::new();
        for (origin, map) in [
            (vec!["headers"], &spec.headers),
            (vec![base[0], base[1], "headers"], &e.headers),
        ] {
            for (k, v) in map.iter() {
                let mut p = origin.clone();
                p.push(k);
                self.header_name(k, &p, true, false);
                if let Some(c) = control_char(v, true) {
                    self.err(
                        &p,
                        format!("the value of the header `{k}` contains the control character {c}"),
                        Some("a header value is one line of visible text: a line break would end the header, and another control character is refused by HTTP".into()),
                    );
                }
                headers.retain(|(h, _): &(String, String)| !h.eq_ignore_ascii_case(k));
                headers.push((k.to_ascii_lowercase(), v.clone()));
            }
        }

        // Auth.
        let placements = e.auth.as_ref().unwrap_or(&spec.auth);
        let auth_path: Vec<&str> = if e.auth.is_some() {
            vec![base[0], base[1], "auth"]
        } else {
            vec!["auth"]
        };
        let mut auth = Vec::new();
        for (i, a) in placements.iter().enumerate() {
            let idx = i.to_string();
            let mut p = auth_path.clone();
            p.push(&idx);
            if let Some(r) = self.auth(name, a, e, &params, &fixed, &p) {
                auth.push(r);
            }
        }
        for (k, _) in e.signatures.iter() {
            if !placements
                .iter()
                .any(|a| a.name == k && a.signature.is_some())
            {
                let names: Vec<&str> = placements
                    .iter()
                    .filter(|a| a.signature.is_some())
                    .map(|a| a.name.as_str())
                    .collect();
                self.err_key(
                    &[base[0], base[1], "signatures", k],
                    format!("no signature placement is named `{k}`"),
                    Some(suggest(k, &names)),
                );
            }
        }

        // Envelope.
        let env = &spec.envelope;
        let ov = e.envelope.clone().unwrap_or_default();
        let payload_text = ov
            .payload
            .clone()
            .or_else(|| env.payload.clone())
            .unwrap_or_default();
        let payload_at: Vec<&str> = if ov.payload.is_some() {
            vec![base[0], base[1], "envelope", "payload"]
        } else {
            vec!["envelope", "payload"]
        };
        let payload = self.path_of(&payload_text, &payload_at);
        let success = self.conditions(
            ov.success.as_ref().unwrap_or(&env.success),
            if ov.success.is_some() {
                vec![base[0], base[1], "envelope", "success"]
            } else {
                vec!["envelope", "success"]
            },
        );
        let pending = self.conditions(
            ov.pending.as_ref().unwrap_or(&env.pending),
            if ov.pending.is_some() {
                vec![base[0], base[1], "envelope", "pending"]
            } else {
                vec!["envelope", "pending"]
            },
        );
        let (error, error_at) = match &ov.error {
            Some(err) => (err, vec![base[0], base[1], "envelope", "error"]),
            None => (&env.error, vec!["envelope", "error"]),
        };
        let at = |leaf: &'static str| -> Vec<&str> {
            let mut p = error_at.clone();
            p.push(leaf);
            p
        };
        let code = error.code.as_ref().map(|c| self.path_of(c, &at("code")));
        let message = error
            .message
            .as_ref()
            .map(|c| self.path_of(c, &at("message")));

        // Response.
        let response = match &e.response {
            None => Ty::Json,
            Some(spec::Response::Type(t)) => self
                .ty_str(
                    t,
                    &[base[0], base[1], "response"],
                    None,
                    &format!("{type_prefix}Response"),
                )
                .unwrap_or(Ty::Json),
            Some(spec::Response::Inline(inline)) => {
                let name = format!("{type_prefix}Response");
                self.claim_type(&name, &[base[0], base[1], "response"]);
                let fields = self.fields(
                    &name,
                    &inline.fields,
                    &[base[0], base[1], "response"],
                    false,
                    None,
                );
                self.models.push(Some(Model {
                    name,
                    doc: inline
                        .description
                        .clone()
                        .or_else(|| Some(format!("What `{name}` returns.", name = rust))),
                    kind: ModelKind::Struct(fields),
                    unknown_fields: None,
                }));
                Ty::Model(self.models.len() - 1)
            }
        };

        self.check_response_binary(&response, &[base[0], base[1], "response"]);
        self.check_unsent(&params, &auth, e.reference.as_deref(), &base);

        let idempotent = match (e.idempotent, e.moves_money) {
            (Some(true), true) => {
                self.err(
                    &[base[0], base[1], "idempotent"],
                    "an endpoint that moves money cannot be idempotent: it is never retried",
                    Some("remove `idempotent: true`".into()),
                );
                false
            }
            (Some(v), _) => v,
            (None, true) => false,
            (None, false) => e.method == Method::Get,
        };
        if let Some(r) = &e.reference {
            if !params.iter().any(|p| &p.wire == r) {
                let names: Vec<&str> = e.params.keys().collect();
                self.err(
                    &[base[0], base[1], "reference"],
                    format!("`reference` names `{r}`, which is not a parameter"),
                    Some(suggest(r, &names)),
                );
            }
        }
        for p in &mut params {
            if p.location == Location::Path {
                p.style = ListStyle::Comma;
            }
        }

        Endpoint {
            wire: name.to_owned(),
            rust,
            type_prefix,
            doc: e.description.clone(),
            method: e.method,
            segments,
            path_text: raw,
            encoding: e.encoding.or(spec.encoding).unwrap_or(Encoding::Json),
            fixed,
            headers,
            params,
            auth,
            envelope: Envelope {
                success,
                pending,
                payload,
                code,
                message,
            },
            response,
            idempotent,
            moves_money: e.moves_money,
            reference: e.reference.clone(),
            example: e
                .examples
                .first()
                .map(|x| x.request.clone().unwrap_or_default()),
        }
    }

    /// What the client appends the path to the base URL with must stay a path
    /// under it: no query or fragment (the client writes the query string
    /// after the path, so a `?` or `#` here would misplace it, and everything
    /// after a `#` is never sent), and no `.` or `..` segment (URL
    /// normalisation resolves them, so `/../admin` leaves the base URL's path).
    fn check_path_text(&mut self, raw: &str, at: &[&str]) {
        for (c, what) in [
            ('?', "a query string: the client writes the query itself, after the path, from the endpoint's query values"),
            ('#', "a fragment: nothing after `#` is sent, and the query string and any credential the client appends would end up after it"),
        ] {
            if raw.contains(c) {
                self.err(
                    at,
                    format!("the path contains `{c}`, which starts {what}"),
                    Some("declare what follows as `params` (`in: query`), or as `fixed` values for constants (`fixed: { action: add }`)".into()),
                );
            }
        }
        // `%2e` is a dot too for URL parsers (WHATWG URL, and so `url`/`reqwest`).
        let dots = raw.split('/').find(|seg| {
            let seg = seg.to_ascii_lowercase().replace("%2e", ".");
            seg == "." || seg == ".."
        });
        if let Some(seg) = dots {
            self.err(
                at,
                format!("the path has a `{seg}` segment, which URL normalisation resolves: the request would leave the path under the base URL"),
                Some("write the path without `.` and `..` segments; it is appended to the base URL as written".into()),
            );
        }
    }

    fn path_of(&mut self, text: &str, at: &[&str]) -> Vec<String> {
        match split_path(text) {
            Some(p) => p,
            None => {
                self.err(
                    at,
                    format!("`{text}` is not a field path"),
                    Some("write object keys separated by dots, e.g. `data.rc`".into()),
                );
                Vec::new()
            }
        }
    }

    fn conditions(&mut self, conds: &[spec::Condition], at: Vec<&str>) -> Vec<Condition> {
        let mut out = Vec::new();
        for (i, c) in conds.iter().enumerate() {
            let idx = i.to_string();
            let mut p = at.clone();
            p.push(&idx);
            let mut fp = p.clone();
            fp.push("field");
            let path = self.path_of(&c.field, &fp);
            if path.is_empty() {
                self.err(&fp, "a condition needs a field", None);
            }
            let tests: Vec<Test> = [
                c.equals.clone().map(Test::Equals),
                c.not_equals.clone().map(Test::NotEquals),
                c.one_of.clone().map(Test::In),
                c.absent
                    .map(|a| if a { Test::Absent } else { Test::Present }),
            ]
            .into_iter()
            .flatten()
            .collect();
            if tests.len() != 1 {
                self.err(
                    &p,
                    "a condition needs exactly one of `equals`, `not_equals`, `in` or `absent`",
                    Some("e.g. `{ field: status, equals: true }`".into()),
                );
                continue;
            }
            if let Some(test) = tests.into_iter().next() {
                out.push(Condition { path, test });
            }
        }
        out
    }

    fn auth(
        &mut self,
        endpoint: &str,
        a: &spec::AuthPlacement,
        e: &spec::Endpoint,
        params: &[Field],
        fixed: &[(Location, String, Literal)],
        p: &[&str],
    ) -> Option<Auth> {
        let location = self.location(Some(a.location), e.method, p);
        if location == Location::Nowhere {
            let mut lp = p.to_vec();
            lp.push("in");
            self.err(
                &lp,
                "auth must be sent: `nowhere` is for parameters the client only uses itself",
                Some("use `query`, `body`, `header`, `cookie` or `params`".into()),
            );
            return None;
        }
        if location == Location::Path {
            let mut lp = p.to_vec();
            lp.push("in");
            self.err(
                &lp,
                "auth cannot go in the path",
                Some("use `query`, `body`, `header`, `cookie` or `params`".into()),
            );
            return None;
        }
        let mut np = p.to_vec();
        np.push("name");
        match location {
            Location::Header => self.header_name(&a.name, &np, false, true),
            Location::Cookie => self.cookie_name(&a.name, &np, false),
            _ => {}
        }
        if let Some(prefix) = &a.prefix {
            let mut pp = p.to_vec();
            pp.push("prefix");
            if let Some(c) = control_char(prefix, false) {
                self.err(
                    &pp,
                    format!("the prefix contains the control character {c}"),
                    Some("a prefix is visible text such as `\"Bearer \"`; a line break in a header would end it and start another one".into()),
                );
            } else if location == Location::Cookie && prefix.contains(';') {
                self.err(
                    &pp,
                    "a cookie prefix may not contain `;`: it would end the cookie",
                    Some("remove the `;` (the client separates cookies itself)".into()),
                );
            }
        }
        let cred_names: Vec<&str> = self.l.spec.credentials.keys().collect();
        let value = match (&a.credential, &a.signature) {
            (Some(c), None) => match self.l.spec.credentials.keys().position(|k| k == c) {
                Some(i) => AuthValue::Credential(i),
                None => {
                    let mut cp = p.to_vec();
                    cp.push("credential");
                    self.err(
                        &cp,
                        format!("unknown credential `{c}`"),
                        Some(suggest(c, &cred_names)),
                    );
                    return None;
                }
            },
            (None, Some(sig)) => {
                let over = e.signatures.get(&a.name);
                let template_text = over.unwrap_or(&sig.template);
                let mut tp = p.to_vec();
                tp.extend(["signature", "template"]);
                let template = self.template(endpoint, template_text, params, fixed, &tp);
                let mut kp = p.to_vec();
                kp.extend(["signature", "key"]);
                let key = match (&sig.key, is_hmac(sig.algorithm)) {
                    (Some(k), true) => self.template(endpoint, k, params, fixed, &kp),
                    (None, true) => {
                        self.err(
                            &kp,
                            format!("`{}` needs a `key` template", sig.algorithm.as_str()),
                            Some("e.g. `key: \"{api_secret}\"`".into()),
                        );
                        None
                    }
                    (Some(_), false) => {
                        self.err(&kp, "only `hmac-sha1` and `hmac-sha256` take a `key`", None);
                        None
                    }
                    (None, false) => Some(Vec::new()),
                };
                AuthValue::Signature {
                    algorithm: sig.algorithm,
                    template: template.unwrap_or_default(),
                    key: key.unwrap_or_default(),
                    output: sig.output.unwrap_or(DigestOutput::Hex),
                }
            }
            _ => {
                self.err_key(
                    p,
                    "an auth placement needs exactly one of `credential` or `signature`",
                    None,
                );
                return None;
            }
        };
        Some(Auth {
            location,
            name: a.name.clone(),
            value,
            prefix: a.prefix.clone().unwrap_or_default(),
        })
    }

    /// Parses `"{username}{api_key}pl"`; `{{` and `}}` are literal braces.
    fn template(
        &mut self,
        endpoint: &str,
        text: &str,
        params: &[Field],
        fixed: &[(Location, String, Literal)],
        at: &[&str],
    ) -> Option<Vec<Piece>> {
        self.template_with(text, at, |lw, name| {
            let is_field =
                params.iter().any(|p| p.wire == name) || fixed.iter().any(|f| f.1 == name);
            if is_field && lw.l.spec.credentials.keys().any(|k| k == name) {
                lw.err(
                    at,
                    format!("`{{{name}}}` is both a credential and a request value of `{endpoint}`"),
                    Some("rename the credential so the template says which one it means".into()),
                );
                None
            } else if let Some(i) = lw.l.spec.credentials.keys().position(|k| k == name) {
                Some(Piece::Credential(i))
            } else if is_field {
                Some(Piece::Field(name.to_owned()))
            } else {
                let mut names: Vec<&str> = lw.l.spec.credentials.keys().collect();
                names.extend(params.iter().map(|p| p.wire.as_str()));
                names.extend(fixed.iter().map(|f| f.1.as_str()));
                lw.err(at, format!("the template names `{{{name}}}`, which is neither a credential nor a parameter of the endpoint `{endpoint}`"), Some(suggest(name, &names)));
                None
            }
        })
    }

    /// The template language (literal text, `{name}` holes, `{{` and `}}` for
    /// braces), with `hole` resolving each name or reporting why it cannot.
    fn template_with(
        &mut self,
        text: &str,
        at: &[&str],
        mut hole: impl FnMut(&mut Self, &str) -> Option<Piece>,
    ) -> Option<Vec<Piece>> {
        let mut out = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        let mut ok = true;
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    if !lit.is_empty() {
                        out.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    match hole(self, &name) {
                        Some(piece) => out.push(piece),
                        None => ok = false,
                    }
                }
                '}' => {
                    self.err(
                        at,
                        "a `}` in the template has no matching `{`",
                        Some("write `}}` for a literal brace".into()),
                    );
                    ok = false;
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            out.push(Piece::Lit(lit));
        }
        ok.then_some(out)
    }
}

/// Methods of the generated `Callbacks` a callback may not shadow.
const CALLBACKS_METHODS: &[&str] = &["max_body_bytes"];

impl Lowerer<'_> {
    /// Lowers `callbacks:`: names, payload types, and how each is authenticated.
    fn callbacks(&mut self, endpoints: &[Endpoint]) -> Vec<Callback> {
        let spec = &self.l.spec;
        if spec.callbacks.is_empty() {
            return Vec::new();
        }
        self.claim_type("Callbacks", &["callbacks"]);
        if let Some(e) = endpoints.iter().find(|e| e.rust == "callbacks") {
            self.err_key(
                &["endpoints", &e.wire],
                format!(
                    "the endpoint `{}` would shadow the client method `callbacks`, which this spec's callbacks need",
                    e.wire
                ),
                Some("rename the endpoint".into()),
            );
        }
        let names = numbered(
            &spec
                .callbacks
                .keys()
                .map(|k| (k, snake(k), true))
                .collect::<Vec<_>>(),
            true,
        );
        let mut out = Vec::new();
        for ((name, c), (rust, n)) in spec.callbacks.iter().zip(names) {
            let type_prefix = format!(
                "{}{}",
                camel_part(name),
                n.map(|n| n.to_string()).unwrap_or_default()
            );
            out.push(self.callback(name, c, rust, &type_prefix));
        }
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for c in &out {
            if CALLBACKS_METHODS.contains(&c.rust.as_str()) {
                self.err_key(
                    &["callbacks", &c.wire],
                    format!(
                        "the callback `{}` would shadow the method `Callbacks::{}`",
                        c.wire, c.rust
                    ),
                    Some("rename the callback".into()),
                );
            }
            if let Some(prev) = seen.insert(c.rust.clone(), c.wire.clone()) {
                self.err_key(
                    &["callbacks", &c.wire],
                    format!(
                        "the callbacks `{prev}` and `{}` both become the method `{}`",
                        c.wire, c.rust
                    ),
                    Some("rename one of them".into()),
                );
            }
        }
        out
    }

    fn callback(
        &mut self,
        name: &str,
        c: &spec::Callback,
        rust: String,
        type_prefix: &str,
    ) -> Callback {
        let base = ["callbacks", name];
        let at =
            |leaf: &[&'static str]| -> Vec<&str> { base.iter().chain(leaf).copied().collect() };
        let payload_at = at(&["payload"]);
        let payload = self.path_of(c.payload.as_deref().unwrap_or(""), &payload_at);

        // The payload type, as for a response; an inline one is `<Name>Callback`.
        let type_at = at(&["type"]);
        let type_name = format!("{type_prefix}Callback");
        let ty = match &c.ty {
            spec::Response::Type(t) => self
                .ty_str(t, &type_at, None, &type_name)
                .unwrap_or(Ty::Json),
            spec::Response::Inline(inline) => {
                self.claim_type(&type_name, &type_at);
                let fields = self.fields(&type_name, &inline.fields, &type_at, false, None);
                self.models.push(Some(Model {
                    name: type_name,
                    doc: inline.description.clone().or_else(|| {
                        Some(format!(
                            "The payload of the `{name}` callback (`client.callbacks().{rust}(...)`)."
                        ))
                    }),
                    kind: ModelKind::Struct(fields),
                    unknown_fields: None,
                }));
                Ty::Model(self.models.len() - 1)
            }
        };
        let payload_fields: Vec<String> = match &ty {
            Ty::Model(i) => match self.models.get(*i) {
                Some(Some(Model {
                    kind: ModelKind::Struct(fields),
                    ..
                })) => fields.iter().map(|f| f.wire.clone()).collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };

        let sig = &c.signature;
        let sig_at = at(&["signature"]);
        let carried = match (&sig.field, &sig.header) {
            (Some(f), None) => {
                if f.is_empty() {
                    self.err(
                        &at(&["signature", "field"]),
                        "the signature field has no name",
                        None,
                    );
                }
                Carried::Field(f.clone())
            }
            (None, Some(h)) => {
                self.header_name(h, &at(&["signature", "header"]), false, false);
                Carried::Header(h.clone())
            }
            _ => {
                self.err_key(
                    &sig_at,
                    "a callback signature needs exactly one of `field` (the payload field that carries it) or `header` (the header that does)",
                    Some("e.g. `field: sign`, or `header: X-Hub-Signature`".into()),
                );
                Carried::Field(String::new())
            }
        };
        let template_at = at(&["signature", "template"]);
        let signed = match (&sig.template, &carried) {
            (Some(t), _) => {
                let pieces = self.template_with(t, &template_at, |lw, hole| {
                    let is_field = payload_fields.iter().any(|f| f == hole);
                    let credential = lw.l.spec.credentials.keys().position(|k| k == hole);
                    match (credential, is_field) {
                        (Some(_), true) => {
                            lw.err(
                                &template_at,
                                format!("`{{{hole}}}` is both a credential and a field of the `{name}` payload"),
                                Some("rename the credential so the template says which one it means".into()),
                            );
                            None
                        }
                        (Some(i), false) => Some(Piece::Credential(i)),
                        (None, true) => Some(Piece::Field(hole.to_owned())),
                        (None, false) => {
                            let mut names: Vec<&str> = lw.l.spec.credentials.keys().collect();
                            names.extend(payload_fields.iter().map(String::as_str));
                            let hint = if payload_fields.is_empty() {
                                "a template names credentials and the fields of the payload's `fields:`; this payload type has no fields".to_owned()
                            } else {
                                suggest(hole, &names)
                            };
                            lw.err(
                                &template_at,
                                format!("the template names `{{{hole}}}`, which is neither a credential nor a field of the `{name}` payload"),
                                Some(hint),
                            );
                            None
                        }
                    }
                });
                pieces.map(Signed::Template)
            }
            (None, Carried::Header(_)) => Some(Signed::Body),
            (None, Carried::Field(_)) => {
                self.err_key(
                    &sig_at,
                    "a signature carried in a payload field needs a `template`: the body that carries it cannot sign itself",
                    Some("e.g. `template: \"{username}{api_key}{ref_id}\"` (credentials and payload fields)".into()),
                );
                None
            }
        };
        let key_at = at(&["signature", "key"]);
        let key = match (&sig.key, is_hmac(sig.algorithm)) {
            (Some(k), true) => self.template_with(k, &key_at, |lw, hole| {
                match lw.l.spec.credentials.keys().position(|k| k == hole) {
                    Some(i) => Some(Piece::Credential(i)),
                    None => {
                        let names: Vec<&str> = lw.l.spec.credentials.keys().collect();
                        lw.err(
                            &key_at,
                            format!("the HMAC key names `{{{hole}}}`, which is not a credential"),
                            Some(suggest(hole, &names)),
                        );
                        None
                    }
                }
            }),
            (None, true) => {
                self.err_key(
                    &sig_at,
                    format!("`{}` needs a `key` template", sig.algorithm.as_str()),
                    Some("e.g. `key: \"{webhook_secret}\"` (a declared credential)".into()),
                );
                None
            }
            (Some(_), false) => {
                self.err(
                    &key_at,
                    "only `hmac-sha1` and `hmac-sha256` take a `key`",
                    None,
                );
                None
            }
            (None, false) => Some(Vec::new()),
        };
        if signed == Some(Signed::Body) && !is_hmac(sig.algorithm) {
            self.err(
                &at(&["signature", "algorithm"]),
                format!(
                    "a signature of the raw body must be an HMAC: `{}` of the body needs no secret, so anyone could compute it",
                    sig.algorithm.as_str()
                ),
                Some("use `hmac-sha1` or `hmac-sha256` with a `key` naming the shared secret".into()),
            );
        } else if let (Some(Signed::Template(t)), Some(k)) = (&signed, &key) {
            let secret = t.iter().chain(k).any(|p| matches!(p, Piece::Credential(_)));
            if !secret {
                self.err_key(
                    &sig_at,
                    "the signature uses no credential, so anyone could compute it",
                    Some("name the shared secret in the `template` (`{api_key}`) or in an HMAC `key`".into()),
                );
            }
        }
        Callback {
            wire: name.to_owned(),
            rust,
            doc: c.description.clone(),
            payload,
            ty,
            algorithm: sig.algorithm,
            signed: signed.unwrap_or(Signed::Body),
            key: key.unwrap_or_default(),
            output: sig.output.unwrap_or(DigestOutput::Hex),
            carried,
            prefix: sig.prefix.clone().unwrap_or_default(),
        }
    }
}

/// The HMACs, which take a `key`.
fn is_hmac(a: Algorithm) -> bool {
    matches!(a, Algorithm::HmacSha1 | Algorithm::HmacSha256)
}

/// The checks and resolutions of the language's later additions: date-times,
/// documents, joined lists, defaults, unsent parameters, kept unknown fields.
impl Lowerer<'_> {
    /// A `datetime` with `format` (and the field's `utc_offset`, if any).
    fn datetime(&mut self, format: Option<&str>, path: &[&str]) -> Option<Ty> {
        let Some(f) = format else {
            self.err(
                path,
                "a `datetime` needs a `format`",
                Some("add e.g. `format: yyyymmddhhmiss` or `format: yyyy-mm-dd hh:mi:ss` (yyyy, mm, dd, hh, mi and ss)".into()),
            );
            return None;
        };
        let once = ["yyyy", "mm", "dd", "hh", "mi"];
        if once.iter().any(|t| f.matches(t).count() != 1) || f.matches("ss").count() > 1 {
            self.err(
                path,
                format!("the date-time format `{f}` must contain `yyyy`, `mm`, `dd`, `hh` and `mi` once each (and `ss` at most once)"),
                Some("e.g. `yyyymmddhhmiss` for `20180803171608`, or `dd/mm/yyyy hh:mi` (minutes are `mi`: `mm` is the month)".into()),
            );
            return None;
        }
        let format = DateTimeFormat {
            pattern: f.to_owned(),
            offset: self.utc_offset.clone(),
        };
        let i = match self.datetime_formats.iter().position(|x| *x == format) {
            Some(i) => i,
            None => {
                self.datetime_formats.push(format);
                self.datetime_formats.len() - 1
            }
        };
        Some(Ty::DateTime(i))
    }

    /// `utc_offset: "+07:00"`: the text and its seconds east of UTC.
    fn parse_utc_offset(&mut self, f: &spec::Field, p: &[&str]) -> Option<(String, i32)> {
        let text = f.utc_offset.as_deref()?;
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<i32> {
            let part = text.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let parsed = match (b.len(), b.first(), b.get(3)) {
            (6, Some(sign @ (b'+' | b'-')), Some(b':')) => match (digits(1..3), digits(4..6)) {
                (Some(h), Some(m)) if h <= 23 && m <= 59 => {
                    let secs = h * 3600 + m * 60;
                    Some(if *sign == b'-' { -secs } else { secs })
                }
                _ => None,
            },
            _ => None,
        };
        match parsed {
            Some(secs) => Some((text.to_owned(), secs)),
            None => {
                let mut op = p.to_vec();
                op.push("utc_offset");
                self.err(
                    &op,
                    format!("`{text}` is not a UTC offset"),
                    Some(
                        "write the sign, hours and minutes: `+07:00` (Jakarta), `-05:00`, `+00:00`"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    /// Checks `utc_offset`, `join`, `default` and `binary` on one field or parameter.
    fn field_extras(&mut self, f: &spec::Field, ty: &Ty, p: &[&str], request: bool) {
        let at = |key: &'static str| -> Vec<&str> {
            let mut k = p.to_vec();
            k.push(key);
            k
        };
        if f.utc_offset.is_some() && !contains_datetime(ty) {
            self.err_key(
                &at("utc_offset"),
                "`utc_offset` applies to `datetime` fields only",
                Some("remove it, or make the type `datetime` (with a `format`)".into()),
            );
        }
        if contains_binary(ty) {
            self.err(
                &at("type"),
                "`binary` is the type of a whole response (a document), not of a field or parameter",
                Some("declare `response: binary` on the endpoint; a field holding a document's text is a `string`".into()),
            );
        }
        if !request {
            return;
        }
        if let Some(sep) = &f.join {
            let k = at("join");
            if !matches!(ty, Ty::List(_)) {
                self.err_key(&k, "`join` applies to `list<...>` parameters only", None);
            } else if f.style.is_some() {
                self.err_key(
                    &k,
                    "`join` and `style` both say how the list is written: give one",
                    Some("`join: \"\\n\"` writes one text, the items joined with the separator; `style: array` repeats the key".into()),
                );
            } else if sep.is_empty() {
                self.err(
                    &k,
                    "an empty `join` separator would run the items together",
                    Some("e.g. `join: \"\\n\"` (one per line) or `join: \";\"`".into()),
                );
            }
        }
        if let Some(lit) = &f.default {
            let k = at("default");
            if !f.optional {
                self.err_key(
                    &k,
                    "`default` applies to optional parameters only: a required one is always given",
                    Some("mark the parameter `optional: true`, or remove the default".into()),
                );
            } else if let Err(why) = self.default_fits(ty, lit) {
                let text = match lit {
                    Literal::Str(s) => s.clone(),
                    other => other.to_string(),
                };
                self.err(&k, format!("the default `{text}` {why}"), None);
            }
        }
    }

    /// Whether a `default` literal can be sent as a value of `ty`.
    fn default_fits(&self, ty: &Ty, lit: &Literal) -> Result<(), String> {
        match (ty, lit) {
            (Ty::Str, Literal::Str(_) | Literal::Int(_))
            | (Ty::Int | Ty::Dec, Literal::Int(_))
            | (Ty::Bool, Literal::Bool(_)) => Ok(()),
            (Ty::Model(i), Literal::Str(_) | Literal::Int(_)) => {
                let Some(Some(Model {
                    kind: ModelKind::Enum(variants),
                    ..
                })) = self.models.get(*i)
                else {
                    return Err("cannot be sent as this type: a `default` is text, a whole number, a boolean or an enum value".into());
                };
                let text = match lit {
                    Literal::Str(s) => s.clone(),
                    other => other.to_string(),
                };
                if variants.iter().any(|v| v.wire == text) {
                    Ok(())
                } else {
                    let values: Vec<String> = variants.iter().map(|v| format!("`{}`", v.wire)).collect();
                    Err(format!("is not one of the enum's values ({})", values.join(", ")))
                }
            }
            (Ty::Str | Ty::Int | Ty::Dec | Ty::Bool, _) => {
                Err("does not match the parameter's type".into())
            }
            _ => Err("cannot be sent as this type: a `default` is text, a whole number, a boolean or an enum value".into()),
        }
    }

    /// `unknown_fields: other` on a struct model: the Rust name of the kept map.
    fn unknown_fields(
        &mut self,
        m: &spec::Model,
        kind: &ModelKind,
        path: &[&str],
    ) -> Option<String> {
        let name = m.unknown_fields.as_ref()?;
        let mut p = path.to_vec();
        p.push("unknown_fields");
        let ModelKind::Struct(fields) = kind else {
            self.err_key(
                &p,
                "`unknown_fields` applies to models with `fields` only",
                Some("an enum keeps unknown values as `Other` already; a union can end with a `json` alternative".into()),
            );
            return None;
        };
        if snake(name) != *name {
            self.err(
                &p,
                format!("`{name}` is not a snake_case Rust name"),
                Some(format!("use `{}`", snake(name))),
            );
            return None;
        }
        if let Some(f) = fields.iter().find(|f| f.rust == *name) {
            self.err(
                &p,
                format!("the field `{}` is already called `{name}` in Rust", f.wire),
                Some("choose another name for the map of unknown fields (`other`, `extra`)".into()),
            );
            return None;
        }
        Some(name.clone())
    }

    /// `binary` is a whole response or nothing.
    fn check_response_binary(&mut self, response: &Ty, path: &[&str]) {
        if *response != Ty::Binary && contains_binary(response) {
            self.err(
                path,
                "`binary` is a whole response (one document), not an item of a list or map",
                Some("write `response: binary`".into()),
            );
        }
    }

    /// A parameter sent nowhere must be used: as the reference or in a signature.
    fn check_unsent(
        &mut self,
        params: &[Field],
        auth: &[Auth],
        reference: Option<&str>,
        base: &[&str; 2],
    ) {
        let in_signature = |wire: &str| {
            auth.iter().any(|a| match &a.value {
                AuthValue::Signature { template, key, .. } => template
                    .iter()
                    .chain(key)
                    .any(|p| matches!(p, Piece::Field(f) if f == wire)),
                AuthValue::Credential(_) => false,
            })
        };
        for p in params.iter().filter(|p| p.location == Location::Nowhere) {
            if reference != Some(p.wire.as_str()) && !in_signature(&p.wire) {
                self.err(
                    &[base[0], base[1], "params", &p.wire, "in"],
                    format!("`{}` is sent nowhere and used for nothing", p.wire),
                    Some("`in: nowhere` is for the endpoint's `reference` or a signature hole; send it, or remove it".into()),
                );
            }
        }
    }
}

fn contains_datetime(t: &Ty) -> bool {
    match t {
        Ty::DateTime(_) => true,
        Ty::List(t) | Ty::Map(t) | Ty::Item(t) => contains_datetime(t),
        _ => false,
    }
}

fn contains_binary(t: &Ty) -> bool {
    match t {
        Ty::Binary => true,
        Ty::List(t) | Ty::Map(t) | Ty::Item(t) => contains_binary(t),
        _ => false,
    }
}

fn contains_date(t: &Ty) -> bool {
    match t {
        Ty::Date(_) => true,
        Ty::List(t) | Ty::Map(t) | Ty::Item(t) => contains_date(t),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn lowered(src: &str) -> Result<Provider, Vec<Diagnostic>> {
        let l = crate::load::load_str(Path::new("names.yaml"), src.to_owned())?;
        lower(&l)
    }

    /// Names outside ASCII are transliterated; two that still coincide get a
    /// number in spec order; `rust_name:` wins; every name is an identifier.
    #[test]
    fn non_ascii_names_become_distinct_identifiers() {
        let src = "provider:\n  name: X\nmodels:\n  Price:\n    fields:\n      цена: { type: decimal }\n      prix_été: { type: decimal }\n      prix_ète: { type: decimal, description: Second. }\n      prix_ete: { type: decimal }\n      名前: { type: string }\n      価格: { type: string, rust_name: kakaku }\n      Ñu: { type: \"integer | string\" }\n      ñu: { type: \"integer | string\" }\n  Step:\n    enum: [Übung, Ubung, über]\nendpoints:\n  цена:\n    method: GET\n    path: /a\n    params:\n      é: { type: string }\n      è: { type: string }\n  ценa:\n    method: GET\n    path: /b\n    response: Price\n";
        let p = lowered(src).unwrap_or_else(|d| panic!("{d:#?}"));
        let ModelKind::Struct(fields) = &p.models[0].kind else {
            panic!("a struct")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.rust.as_str()).collect();
        assert_eq!(
            names,
            [
                "tsena",
                "prix_ete_2",
                "prix_ete_3",
                "prix_ete",
                "ming_qian",
                "kakaku",
                "nu",
                "nu_2"
            ]
        );
        assert_eq!(fields[2].wire, "prix_ète");
        let ModelKind::Enum(variants) = &p.models[1].kind else {
            panic!("an enum")
        };
        let names: Vec<&str> = variants.iter().map(|v| v.rust.as_str()).collect();
        assert_eq!(names, ["Ubung2", "Ubung", "Uber"]);
        let e: Vec<(&str, &str)> = p
            .endpoints
            .iter()
            .map(|e| (e.rust.as_str(), e.type_prefix.as_str()))
            .collect();
        assert_eq!(e, [("tsena", "Tsena"), ("tsena_2", "Tsena2")]);
        let params: Vec<&str> = p.endpoints[0]
            .params
            .iter()
            .map(|f| f.rust.as_str())
            .collect();
        assert_eq!(params, ["e", "e_2"]);
        // The inline unions of `Ñu` and `ñu` are distinct types too.
        let types: Vec<&str> = p.models.iter().map(|m| m.name.as_str()).collect();
        assert!(
            types.contains(&"PriceNu") && types.contains(&"PriceNu2"),
            "{types:?}"
        );
        // Deterministic, and the whole module still generates.
        let again = lowered(src).unwrap_or_else(|d| panic!("{d:#?}"));
        let again: Vec<String> = again.endpoints.iter().map(|e| e.rust.clone()).collect();
        assert_eq!(again, ["tsena", "tsena_2"]);
        crate::generate_str(Path::new("names.yaml"), src).unwrap_or_else(|d| panic!("{d:#?}"));
    }
}
