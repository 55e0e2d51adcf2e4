//! The intermediate representation: a spec with every name resolved.
//!
//! [`lower`] turns a loaded spec into a [`Provider`]: Rust names chosen (heck,
//! keywords escaped) and checked for collisions, type expressions resolved
//! against the models, parameter locations, auth placements, signature
//! templates and envelopes resolved per endpoint. Every problem found on the
//! way is collected as a diagnostic; the IR exists only when there are none.
//! Emission ([`crate::emit`]) reads only the IR.
//!
//! This file holds the IR types and [`lower`]; the lowering itself lives in
//! `lower/`, one concern per file (names, models, fields, endpoints, auth...).

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::load::Loaded;
use crate::spec::Literal;

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

/// Most required parameters passed as method arguments; with more, the method
/// takes one `<Endpoint>Required` struct.
pub const MAX_POSITIONAL: usize = 4;

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

mod lower;

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
