//! Static descriptions of endpoints, emitted by the code generator.
//!
//! Every generated endpoint is one `static` [`Operation`]: the runtime reads it
//! to build the request and judge the response. Nothing here allocates.

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Body encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `application/json`
    Json,
    /// `application/x-www-form-urlencoded`
    Form,
}

/// Where a value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Query string.
    Query,
    /// Body field.
    Body,
    /// HTTP header.
    Header,
    /// Cookie.
    Cookie,
    /// Path segment.
    Path,
    /// Not sent: the value is only for the client (the call's reference, a
    /// signature hole).
    Nowhere,
}

/// One piece of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// Literal text, written as is (`/api/v1/orders/`).
    Lit(&'static str),
    /// A required parameter, percent-encoded.
    Param(&'static str),
    /// An optional parameter: when absent, it is left out together with the
    /// `/` that precedes it.
    Optional(&'static str),
}

/// A literal compared against a response field, or sent as a fixed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lit {
    /// `true` / `false`
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Text.
    Str(&'static str),
}

/// A test on one response field.
#[derive(Debug, Clone, Copy)]
pub enum Test {
    /// The field equals the literal (numbers and numeric strings compare by value).
    Equals(Lit),
    /// The field is absent or differs from the literal.
    NotEquals(Lit),
    /// The field equals one of the literals.
    In(&'static [Lit]),
    /// The field is absent.
    Absent,
    /// The field is present.
    Present,
}

/// A condition: a field path and a test.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    /// Path of object keys from the body's root.
    pub path: &'static [&'static str],
    /// The test.
    pub test: Test,
}

/// How a response is judged and unwrapped.
#[derive(Debug, Clone, Copy)]
pub struct Envelope {
    /// All must hold for success (empty: always).
    pub success: &'static [Condition],
    /// All must hold (and the list be non-empty) for "pending".
    pub pending: &'static [Condition],
    /// Path of the payload (empty: the whole body).
    pub payload: &'static [&'static str],
    /// Path of the error code, if the provider has one.
    pub code: Option<&'static [&'static str]>,
    /// Path of the error message, if the provider has one.
    pub message: Option<&'static [&'static str]>,
}

/// Hash algorithm of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// MD5
    Md5,
    /// SHA-1
    Sha1,
    /// SHA-256
    Sha256,
    /// HMAC-SHA1
    HmacSha1,
    /// HMAC-SHA256
    HmacSha256,
}

/// How a digest is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestOutput {
    /// Lowercase hex.
    Hex,
    /// Uppercase hex.
    HexUpper,
    /// Base64 (standard, padded).
    Base64,
}

/// One piece of a signature template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Lit(&'static str),
    /// The credential at this index of the provider's credential list.
    Credential(usize),
    /// The request value with this wire name, as written on the wire
    /// (empty when the optional value is absent).
    Field(&'static str),
}

/// A computed signature.
#[derive(Debug, Clone, Copy)]
pub struct Signature {
    /// Hash algorithm.
    pub algorithm: Algorithm,
    /// The text hashed.
    pub template: &'static [Piece],
    /// The HMAC key (empty for plain hashes).
    pub key: &'static [Piece],
    /// Digest text encoding.
    pub output: DigestOutput,
}

/// What an auth placement carries.
#[derive(Debug, Clone, Copy)]
pub enum AuthValue {
    /// The credential at this index.
    Credential(usize),
    /// A signature computed per request.
    Signature(Signature),
}

/// One auth placement.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    /// Where it goes.
    pub location: Location,
    /// Wire name.
    pub name: &'static str,
    /// What it carries.
    pub value: AuthValue,
    /// Text before the value (`"Bearer "`), often empty.
    pub prefix: &'static str,
}

/// What a successful answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A JSON body, read through the envelope.
    Json,
    /// A document (a PDF receipt): its bytes and content type, never decoded
    /// as JSON. An answer that is JSON instead (by its `content-type`, or a
    /// body that is a JSON object) is read through the envelope.
    Binary,
}

/// A whole endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// Provider module name (`acme_topup`), for errors and tracing.
    pub provider: &'static str,
    /// Endpoint name as written in the spec, for errors and tracing.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path after the base URL.
    pub path: &'static [Segment],
    /// Body encoding.
    pub encoding: Encoding,
    /// Auth placements.
    pub auth: &'static [Auth],
    /// Fixed headers.
    pub headers: &'static [(&'static str, &'static str)],
    /// Fixed values, with where they go.
    pub fixed: &'static [(Location, &'static str, Lit)],
    /// Response envelope.
    pub envelope: Envelope,
    /// What a successful answer is: JSON, or a document.
    pub answer: Answer,
    /// Safe to repeat.
    pub idempotent: bool,
    /// Moves money: never retried; lost answers are "outcome unknown".
    pub moves_money: bool,
    /// Wire name of the parameter carrying the caller's reference.
    pub reference: Option<&'static str>,
    /// Wire names of the request parameters (the provider-neutral JSON
    /// interface refuses any other name).
    pub params: &'static [&'static str],
    /// Wire names of the response fields declared `secret: true`, anywhere in
    /// the payload: their values are masked in body excerpts and in the
    /// provider-neutral JSON interface.
    pub secret_fields: &'static [&'static str],
}

impl Operation {
    /// The call's name, for errors.
    pub fn op_name(&self) -> crate::error::OpName {
        crate::error::OpName {
            provider: self.provider,
            endpoint: self.name,
        }
    }
}
