//! The serde model of a provider spec: one YAML file per provider.
//!
//! This module mirrors the YAML exactly and does no checking beyond shape
//! (`deny_unknown_fields` everywhere, so a typo is an error, not a silently
//! ignored key). Meaning is checked in [`crate::validate`]; names and types
//! are resolved in [`crate::ir`]. The format is documented for spec writers in
//! `docs/spec-format.md`, and described for editors by `codegen/spec.schema.json`.
//!
//! Maps keep their YAML order ([`Ordered`]), so generated code follows the
//! order the spec writer chose and emission stays deterministic.

use serde::Deserialize;
use std::fmt;

/// A YAML mapping whose entry order is kept, and whose duplicate keys are an error.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<V> Ordered<V> {
    /// Iterates over `(key, value)` in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The keys in document order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                // Duplicates: a scan for the usual handful of keys, a set once a
                // mapping is large (thousands of endpoints or models), where
                // scanning every earlier key would make loading quadratic.
                let mut index: Option<std::collections::HashSet<String>> = None;
                while let Some(k) = m.next_key::<String>()? {
                    let duplicate = match &mut index {
                        Some(keys) => !keys.insert(k.clone()),
                        None => out.iter().any(|(e, _)| *e == k),
                    };
                    if duplicate {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate key `{k}`: each name may appear once in a mapping"
                        )));
                    }
                    let v = m.next_value()?;
                    out.push((k, v));
                    if index.is_none() && out.len() >= 32 {
                        index = Some(out.iter().map(|(k, _)| k.clone()).collect());
                    }
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// In the JSON Schema an [`Ordered`] is what it is in YAML: a mapping whose
/// values are `V`. (Key order and duplicate keys are not a JSON Schema matter.)
#[cfg(feature = "schema")]
impl<V: schemars::JsonSchema> schemars::JsonSchema for Ordered<V> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Ordered_of_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}

/// A whole provider spec (one YAML file).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Human name and description of the provider.
    pub provider: ProviderInfo,
    /// Where the API lives.
    #[serde(default)]
    pub base_url: BaseUrl,
    /// The secrets the caller supplies, by name (`token`, `username`, `api_key`).
    #[serde(default)]
    pub credentials: Ordered<Credential>,
    /// How credentials travel: applied to every endpoint unless an endpoint says otherwise.
    #[serde(default)]
    pub auth: Vec<AuthPlacement>,
    /// Body encoding for endpoints that send a body: `json` (default) or `form`.
    #[serde(default)]
    pub encoding: Option<Encoding>,
    /// Headers sent with every request (`cache-control: no-cache`).
    #[serde(default)]
    pub headers: Ordered<String>,
    /// How success, payload and errors are read from a response.
    #[serde(default)]
    pub envelope: Envelope,
    /// Named reusable models: structs (`fields`), enums (`enum`) and unions (`one_of`).
    #[serde(default)]
    pub models: Ordered<Model>,
    /// The operations, by name (the Rust method name is derived from it).
    pub endpoints: Ordered<Endpoint>,
    /// Notifications the provider sends to you (HTTP requests to your URL), by
    /// name: their payload type and how they are authenticated.
    #[serde(default)]
    pub callbacks: Ordered<Callback>,
}

/// `provider:` block.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderInfo {
    /// Display name, e.g. `Acme Top-up API`.
    pub name: String,
    /// Becomes the module's rustdoc.
    #[serde(default)]
    pub description: Option<String>,
    /// Link to the provider's documentation.
    #[serde(default)]
    pub docs_url: Option<String>,
}

/// `base_url:` block. With no `default`, the caller must give a base URL.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BaseUrl {
    /// Named hosts, e.g. `live: https://api.example.com`.
    #[serde(default)]
    pub environments: Ordered<String>,
    /// The environment used when the caller picks none.
    #[serde(default)]
    pub default: Option<String>,
    /// Explains the URL to the caller (e.g. "your panel's domain").
    #[serde(default)]
    pub description: Option<String>,
}

/// One declared credential.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// Becomes the rustdoc of the builder setter.
    #[serde(default)]
    pub description: Option<String>,
}

/// Where a request value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// Query string.
    Query,
    /// Request body (JSON field or form field, per the endpoint's encoding).
    Body,
    /// HTTP header.
    Header,
    /// Cookie header entry.
    Cookie,
    /// A `{name}` segment of the path.
    Path,
    /// Alongside the endpoint's parameters: query for GET and DELETE, body otherwise.
    Params,
    /// Not sent: a value only the client uses (the endpoint's `reference`, a
    /// signature hole). Parameters only.
    Nowhere,
}

/// One auth placement: a credential or a computed signature, put somewhere.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuthPlacement {
    /// Where it goes.
    #[serde(rename = "in")]
    pub location: Location,
    /// Wire name: header name, cookie name, query or body field name.
    pub name: String,
    /// The credential sent as is (exclusive with `signature`).
    #[serde(default)]
    pub credential: Option<String>,
    /// A hash computed per request (exclusive with `credential`).
    #[serde(default)]
    pub signature: Option<Signature>,
    /// Text put before the value, e.g. `"Bearer "`.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// A computed signature.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// `md5`, `sha1`, `sha256`, `hmac-sha1` or `hmac-sha256`.
    pub algorithm: Algorithm,
    /// The text hashed: literal text with `{name}` holes naming credentials or
    /// request fields (wire names). Endpoints may override it (`signatures:`).
    pub template: String,
    /// For `hmac-sha1` and `hmac-sha256`: the key, a template like `template`.
    #[serde(default)]
    pub key: Option<String>,
    /// How the digest is written: `hex` (default, lowercase), `hex-upper` or `base64`.
    #[serde(default)]
    pub output: Option<DigestOutput>,
}

/// Hash algorithms a signature may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    /// MD5 (many legacy panels).
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// HMAC with SHA-1; needs `key`.
    HmacSha1,
    /// HMAC with SHA-256; needs `key`.
    HmacSha256,
}

impl Algorithm {
    /// The name a spec writes (`hmac-sha256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::HmacSha1 => "hmac-sha1",
            Self::HmacSha256 => "hmac-sha256",
        }
    }
}

/// Digest text encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum DigestOutput {
    /// Lowercase hexadecimal.
    Hex,
    /// Uppercase hexadecimal.
    HexUpper,
    /// Standard base64 with padding.
    Base64,
}

impl DigestOutput {
    /// The name a spec writes (`hex-upper`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::HexUpper => "hex-upper",
            Self::Base64 => "base64",
        }
    }
}

/// Body encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded` (spaces as `+`).
    Form,
}

/// How a response is judged and unwrapped.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Conditions that must all hold for a response to be a success. Empty: any
    /// decodable 2xx response is a success.
    #[serde(default)]
    pub success: Vec<Condition>,
    /// Conditions under which a response means "accepted, not finished yet".
    #[serde(default)]
    pub pending: Vec<Condition>,
    /// Dotted path to the payload (`data`, `data.pricelist`); absent: the whole body.
    #[serde(default)]
    pub payload: Option<String>,
    /// Where the error code and message are read from a failed response.
    #[serde(default)]
    pub error: ErrorFields,
}

/// Paths of the error code and message in an error response.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorFields {
    /// Dotted path of the error code (a string or number on the wire).
    #[serde(default)]
    pub code: Option<String>,
    /// Dotted path of the human-readable message.
    #[serde(default)]
    pub message: Option<String>,
}

/// One test on a response field.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Dotted path of the field tested (`status`, `data.rc`).
    pub field: String,
    /// The field equals this value (`true`, `200`, `"00"`, `"Success"`).
    #[serde(default)]
    pub equals: Option<Literal>,
    /// The field is absent or differs from this value.
    #[serde(default)]
    pub not_equals: Option<Literal>,
    /// The field equals one of these values.
    #[serde(default, rename = "in")]
    pub one_of: Option<Vec<Literal>>,
    /// `true`: the field must be absent; `false`: it must be present.
    #[serde(default)]
    pub absent: Option<bool>,
}

/// A literal in a condition or a fixed parameter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Literal {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Text.
    Str(String),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// A named model: exactly one of `fields`, `enum` or `one_of`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Becomes the type's rustdoc.
    #[serde(default)]
    pub description: Option<String>,
    /// A struct: fields by wire name.
    #[serde(default)]
    pub fields: Option<Ordered<Field>>,
    /// An enum of string wire values; unknown values are kept, not rejected.
    #[serde(default, rename = "enum")]
    pub variants: Option<Vec<EnumValue>>,
    /// A union: the first alternative that decodes wins.
    #[serde(default)]
    pub one_of: Option<Vec<UnionVariant>>,
    /// With `fields`: keep the fields the model does not list, by wire name,
    /// in a map field with this Rust name (`other`), instead of ignoring them.
    #[serde(default)]
    pub unknown_fields: Option<String>,
}

/// An enum value: plain text, or text with a description and a Rust name.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum EnumValue {
    /// `- In progress`
    Plain(String),
    /// `- { value: Semi-Annually, description: ..., name: SemiAnnually }`
    Full(EnumValueFull),
}

/// The long form of an enum value.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnumValueFull {
    /// The exact wire text.
    pub value: String,
    /// Rust variant name; derived from `value` when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Becomes the variant's rustdoc.
    #[serde(default)]
    pub description: Option<String>,
}

/// One alternative of a `one_of` union.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UnionVariant {
    /// Rust variant name (`Domain`, `Id`).
    pub name: String,
    /// Type expression of this alternative.
    #[serde(rename = "type")]
    pub ty: String,
    /// Becomes the variant's rustdoc.
    #[serde(default)]
    pub description: Option<String>,
}

/// A model field or a request parameter.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Type expression: `string`, `integer`, `decimal`, `bool`, `json`,
    /// `timestamp`, `date`, `datetime`, `list<T>`, `map<T>`, `T | error`,
    /// `A | B`, or a model name (`binary` for a whole response only).
    #[serde(rename = "type")]
    pub ty: String,
    /// Becomes the field's rustdoc.
    #[serde(default)]
    pub description: Option<String>,
    /// May be absent (responses) or left out (requests). Default: false.
    #[serde(default)]
    pub optional: bool,
    /// May be `null` on the wire. Default: false.
    #[serde(default)]
    pub nullable: bool,
    /// Wire values that mean "none" (`"-"`, `"Unknown"`): decoded as absent.
    #[serde(default)]
    pub none_values: Vec<String>,
    /// For `date` and `datetime`: the wire format, e.g. `dd/mm/yyyy`,
    /// `yyyymmddhhmiss`.
    #[serde(default)]
    pub format: Option<String>,
    /// For `datetime`: the UTC offset the provider writes its times in
    /// (`+07:00`); the Rust type is then a point in time.
    #[serde(default)]
    pub utc_offset: Option<String>,
    /// Rust name; derived from the wire name when absent.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// Requests only: where the parameter goes. Default `params`.
    #[serde(default, rename = "in")]
    pub location: Option<Location>,
    /// Requests only, lists: how the list is written. Default `comma`.
    #[serde(default)]
    pub style: Option<ListStyle>,
    /// Requests only, lists: most items allowed, checked before sending.
    #[serde(default)]
    pub max_items: Option<u32>,
    /// Requests only, lists: written as one text, the items joined with this
    /// separator (`"\n"`: one per line). Instead of `style`.
    #[serde(default)]
    pub join: Option<String>,
    /// Requests only, optional parameters: the value sent when the caller gives none.
    #[serde(default)]
    pub default: Option<Literal>,
    /// Requests only: this parameter may only be given together with these others.
    #[serde(default)]
    pub requires: Vec<String>,
    /// A secret (password, key) in a `string` field: the Rust type is
    /// `Secret`, which never prints. Default: false.
    #[serde(default)]
    pub secret: bool,
    /// An example value (documentation only).
    #[serde(default)]
    pub example: Option<serde_json::Value>,
}

/// How a list parameter is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ListStyle {
    /// `1,2,3` in one value.
    Comma,
    /// A JSON array (JSON bodies only).
    Array,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

/// One operation.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Becomes the method's rustdoc.
    #[serde(default)]
    pub description: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Path after the base URL; `{name}` for path parameters.
    pub path: String,
    /// Body encoding override.
    #[serde(default)]
    pub encoding: Option<Encoding>,
    /// Values always sent (`action: services`): this is how one URL carries many operations.
    #[serde(default)]
    pub fixed: Ordered<Literal>,
    /// Headers for this endpoint only.
    #[serde(default)]
    pub headers: Ordered<String>,
    /// Parameters by wire name.
    #[serde(default)]
    pub params: Ordered<Field>,
    /// Replaces the provider's auth placements for this endpoint.
    #[serde(default)]
    pub auth: Option<Vec<AuthPlacement>>,
    /// Signature template overrides, keyed by the auth placement's `name`.
    #[serde(default)]
    pub signatures: Ordered<String>,
    /// Envelope overrides for this endpoint.
    #[serde(default)]
    pub envelope: Option<EnvelopeOverride>,
    /// The payload type: a type expression, or an inline struct (`fields:`).
    #[serde(default)]
    pub response: Option<Response>,
    /// Moves money: never retried; a lost answer is "outcome unknown".
    #[serde(default)]
    pub moves_money: bool,
    /// Safe to repeat. Default: true for GET, false otherwise.
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// Parameter carrying the caller's reference (idempotency key), reported on "outcome unknown".
    #[serde(default)]
    pub reference: Option<String>,
    /// Documented example exchanges: they drive contract tests and the mock provider.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// Per-endpoint envelope changes.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnvelopeOverride {
    /// Payload path for this endpoint; `""` means the whole body.
    #[serde(default)]
    pub payload: Option<String>,
    /// Replaces the success conditions.
    #[serde(default)]
    pub success: Option<Vec<Condition>>,
    /// Replaces the pending conditions.
    #[serde(default)]
    pub pending: Option<Vec<Condition>>,
    /// Replaces where the error code and message are read.
    #[serde(default)]
    pub error: Option<ErrorFields>,
}

/// A response declaration.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Response {
    /// A type expression (`Product`, `list<Product>`, `json`).
    Type(String),
    /// An inline struct, named `<Endpoint>Response`.
    Inline(InlineResponse),
}

/// An inline response struct.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InlineResponse {
    /// Becomes the type's rustdoc.
    #[serde(default)]
    pub description: Option<String>,
    /// Fields by wire name.
    pub fields: Ordered<Field>,
}

/// One documented exchange.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// A short label.
    #[serde(default)]
    pub name: Option<String>,
    /// The parameters, by wire name, as JSON values.
    #[serde(default)]
    pub request: Option<serde_json::Map<String, serde_json::Value>>,
    /// The response the provider sends.
    pub response: ExampleResponse,
}

/// The provider's side of an example.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExampleResponse {
    /// HTTP status. Default 200.
    #[serde(default)]
    pub status: Option<u16>,
    /// The `content-type` sent. Default `application/json`; with another
    /// type, `body` is the text sent (a document for a `binary` response).
    #[serde(default)]
    pub content_type: Option<String>,
    /// The JSON body (or the text sent, with a non-JSON `content_type`).
    pub body: serde_json::Value,
    /// What the call returns: `ok` (default) or `error` (a provider error).
    #[serde(default)]
    pub outcome: Option<ExampleOutcome>,
}

/// Expected result of an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExampleOutcome {
    /// The call succeeds and the payload decodes.
    Ok,
    /// The call fails with a provider error.
    Error,
    /// The call reports "pending".
    Pending,
}

/// A notification the provider sends to you: an HTTP request to your URL
/// (a top-up provider POSTs the final result of a top-up to your callback URL).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Callback {
    /// Becomes the rustdoc of the verifier method.
    #[serde(default)]
    pub description: Option<String>,
    /// Dotted path of the payload in the JSON body (`data`); absent: the whole body.
    #[serde(default)]
    pub payload: Option<String>,
    /// The payload type: a type expression, or an inline struct (`fields:`).
    /// Decoded as leniently as responses (numbers sent as strings).
    #[serde(rename = "type")]
    pub ty: Response,
    /// How the notification proves it comes from the provider.
    pub signature: CallbackSignature,
    /// Documented notifications (unsigned: the tests sign them): they drive
    /// `codegen check` and the contract tests.
    #[serde(default)]
    pub examples: Vec<CallbackExample>,
}

/// How a callback is authenticated: a signature over payload fields carried in
/// a payload field (`field`), or an HMAC of the raw body carried in a header
/// (`header`).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CallbackSignature {
    /// `md5`, `sha1`, `sha256`, `hmac-sha1` or `hmac-sha256` (a header
    /// signature is always an HMAC).
    pub algorithm: Algorithm,
    /// With `field`: the text hashed, literal text with `{name}` holes naming
    /// credentials or payload fields (wire names). Not with `header`: there the
    /// raw body is what is signed.
    #[serde(default)]
    pub template: Option<String>,
    /// For `hmac-sha1` and `hmac-sha256`: the key, a template naming credentials.
    #[serde(default)]
    pub key: Option<String>,
    /// How the digest is written: `hex` (default; either case is accepted) or `base64`.
    #[serde(default)]
    pub output: Option<DigestOutput>,
    /// The payload field that carries the signature (`sign`).
    #[serde(default)]
    pub field: Option<String>,
    /// The header that carries the signature (`X-Hub-Signature`).
    #[serde(default)]
    pub header: Option<String>,
    /// Text before the digest in the field or header (`sha1=`).
    #[serde(default)]
    pub prefix: Option<String>,
}

/// One documented notification.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CallbackExample {
    /// A short label.
    #[serde(default)]
    pub name: Option<String>,
    /// The JSON body the provider sends. Its signature (if the documented one
    /// is shown) is replaced by the tests with one computed from test credentials.
    pub body: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::Ordered;

    /// Small mappings find duplicates by scanning, large ones through a set
    /// (see the visitor): the same keys, order and error either way.
    #[test]
    fn duplicate_keys_are_refused_in_small_and_large_mappings() {
        for n in [3usize, 100] {
            let mut yaml: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
            let ok: Ordered<usize> = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(ok.len(), n);
            let last = format!("k{}", n - 1);
            assert_eq!(ok.keys().last(), Some(last.as_str()));
            assert_eq!(ok.get("k1"), Some(&1));
            yaml.push_str("k1: 7\n");
            let err = serde_yaml::from_str::<Ordered<usize>>(&yaml).unwrap_err();
            assert!(err.to_string().contains("duplicate key `k1`"), "{err}");
        }
    }
}
