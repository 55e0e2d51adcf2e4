//! The small, hand-written runtime that generated provider clients call.
//!
//! Generated code (see the `codegen` crate) describes each endpoint as static
//! data ([`op::Operation`]) and a typed request builder; everything that
//! happens on the wire lives here, written once and tested once:
//!
//! - [`client::Core`]: the HTTP engine: URL and body encoding, auth placement
//!   and signatures, timeouts, bounded body reads, envelope checks, payload decode.
//! - [`error::Error`]: the one error type every generated client returns.
//! - [`secret::Secret`]: credentials that never print.
//! - [`codec`]: lenient decoders for the ways these APIs lie about types
//!   (numbers as strings, `"-"` for none, `value | {error}` items).
//! - [`params`]: request values before encoding.
//! - [`callback`]: notifications the provider sends you, verified then decoded.
//! - [`hooks`]: your code around every request (metrics, logging, request ids).
//!
//! Money is [`Decimal`], never `f64`. A call that moves money is never retried,
//! and a lost answer is reported as [`Error::OutcomeUnknown`] with the caller's reference.
#![deny(missing_docs)]

mod binary;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod call;
pub mod callback;
pub mod client;
pub mod codec;
pub mod dynamic;
mod envelope;
pub mod error;
pub mod hooks;
pub mod op;
pub mod outcome;
pub mod params;
pub mod secret;
mod sign;
pub mod with;

pub use binary::Binary;
pub use call::{CallFuture, Request};
pub use callback::CallbackError;
pub use client::{Core, CoreBuilder};
pub use error::{BuildError, Error, ErrorKind, ItemError};
pub use rust_decimal::Decimal;
pub use secret::Secret;
pub use serde_json::Value as Json;
pub use time::{Date, Month, OffsetDateTime, PrimitiveDateTime};

/// Re-exported so that generated code and its users name one version of these crates.
pub mod reexport {
    pub use reqwest;
    pub use serde;
    pub use serde_json;
}
