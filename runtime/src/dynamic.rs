//! A provider-neutral, JSON-in JSON-out interface to every generated client.
//!
//! Typed methods are the API; this is for tools that work across providers:
//! the mock tour (`cargo run --example mock_tour`), generic contract tests, scripts.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use crate::error::Error;

/// What a dynamic call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DynError {
    /// The provider has no endpoint of that name.
    #[error("unknown endpoint `{0}`")]
    UnknownEndpoint(String),
    /// The JSON parameters do not fit the endpoint's request type.
    #[error("{provider}.{endpoint}: bad parameters: {reason}")]
    BadParams {
        /// Provider module.
        provider: &'static str,
        /// Endpoint.
        endpoint: String,
        /// What does not fit.
        reason: String,
    },
    /// The typed payload could not be written as JSON.
    #[error("{provider}.{endpoint}: cannot write the payload as JSON: {reason}")]
    Payload {
        /// Provider module.
        provider: &'static str,
        /// Endpoint.
        endpoint: String,
        /// Why.
        reason: String,
    },
    /// The call itself failed.
    #[error(transparent)]
    Call(#[from] Error),
}

/// The future a [`JsonClient`] returns.
pub type BoxFuture<'a> =
    Pin<Box<dyn Future<Output = Result<serde_json::Value, DynError>> + Send + 'a>>;

/// Any generated client, called by endpoint name with JSON.
pub trait JsonClient: Send + Sync + std::fmt::Debug {
    /// Calls `endpoint` with `params` (wire names) and returns the payload as JSON.
    fn call<'a>(&'a self, endpoint: &'a str, params: serde_json::Value) -> BoxFuture<'a>;
}

/// Builds a client for a base URL, credentials by name, and settings.
pub type ConnectFn = fn(
    &str,
    &BTreeMap<String, String>,
    &crate::client::Settings,
) -> Result<Box<dyn JsonClient>, crate::BuildError>;

/// One generated provider, as listed in the crate's `PROVIDERS`.
#[derive(Debug, Clone, Copy)]
pub struct ProviderEntry {
    /// Module name (the spec's file stem).
    pub module: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Declared credential names.
    pub credentials: &'static [&'static str],
    /// Builds a client for a base URL and credentials by name.
    pub connect: ConnectFn,
}

/// Reads a request type from JSON parameters (`null` counts as `{}`).
pub fn params<T: serde::de::DeserializeOwned>(
    provider: &'static str,
    endpoint: &str,
    params: serde_json::Value,
) -> Result<T, DynError> {
    let params = if params.is_null() {
        serde_json::Value::Object(Default::default())
    } else {
        params
    };
    serde_json::from_value(params).map_err(|e| DynError::BadParams {
        provider,
        endpoint: endpoint.to_owned(),
        reason: e.to_string(),
    })
}

/// Writes a typed payload as JSON.
pub fn payload<T: serde::Serialize>(
    provider: &'static str,
    endpoint: &str,
    value: &T,
) -> Result<serde_json::Value, DynError> {
    serde_json::to_value(value).map_err(|e| DynError::Payload {
        provider,
        endpoint: endpoint.to_owned(),
        reason: e.to_string(),
    })
}
