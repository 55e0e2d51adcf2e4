//! A provider-neutral, JSON-in JSON-out interface to every generated client.
//!
//! Typed methods are the API; this is for tools that work across providers:
//! the mock tour (`cargo run --example mock_tour`), generic contract tests, scripts.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use crate::error::Error;
use crate::op::Operation;

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
    /// The provider has no callback of that name.
    #[error("unknown callback `{0}`")]
    UnknownCallback(String),
    /// The notification was refused.
    #[error(transparent)]
    Callback(#[from] crate::callback::CallbackError),
}

/// The future a [`JsonClient`] returns.
pub type BoxFuture<'a> =
    Pin<Box<dyn Future<Output = Result<serde_json::Value, DynError>> + Send + 'a>>;

/// One endpoint of the JSON interface: [`call::<R>`](call) as a function pointer.
pub type CallFn = for<'a> fn(&'a crate::Core, serde_json::Value) -> BoxFuture<'a>;

/// Calls the endpoint of request type `R` with JSON parameters (wire names)
/// and returns its payload as JSON. Generated `call_json` methods pick one by
/// endpoint name: one function pointer per endpoint, one future type for all.
pub fn call<'a, R>(core: &'a crate::Core, params: serde_json::Value) -> BoxFuture<'a>
where
    R: crate::call::Request + serde::de::DeserializeOwned,
    R::Output: serde::Serialize,
{
    Box::pin(async move {
        let request: R = self::params(R::OP, params)?;
        let output = core.send(request).await?;
        payload(R::OP, &output)
    })
}

/// Any generated client, called by endpoint name with JSON.
pub trait JsonClient: Send + Sync + std::fmt::Debug {
    /// Calls `endpoint` with `params` (wire names) and returns the payload as JSON.
    fn call<'a>(&'a self, endpoint: &'a str, params: serde_json::Value) -> BoxFuture<'a>;

    /// Verifies a notification of the callback `name` (its spec name) and
    /// returns its payload as JSON. A provider without callbacks knows none.
    fn callback(
        &self,
        name: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<serde_json::Value, DynError> {
        let _ = (headers, body);
        Err(DynError::UnknownCallback(name.to_owned()))
    }
}

/// Writes a verified callback payload as JSON, fields declared `secret: true`
/// as `"***"` (like [`payload`]).
pub fn callback_payload<T: serde::Serialize>(
    cb: &crate::callback::Callback,
    verified: Result<T, crate::callback::CallbackError>,
) -> Result<serde_json::Value, DynError> {
    let mut v = serde_json::to_value(verified?).map_err(|e| DynError::Payload {
        provider: cb.provider,
        endpoint: cb.name.to_owned(),
        reason: e.to_string(),
    })?;
    crate::secret::mask_json(&mut v, cb.secret_fields, &|_| None);
    Ok(v)
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

/// Reads `op`'s request type from JSON parameters (wire names; `null`
/// counts as `{}`).
///
/// A name the endpoint does not have is refused as [`Error::InvalidRequest`]
/// with the closest known name, before anything is sent: a misspelt optional
/// parameter must not be dropped silently from a call that places an order.
pub fn params<T: serde::de::DeserializeOwned>(
    op: &Operation,
    params: serde_json::Value,
) -> Result<T, DynError> {
    let params = if params.is_null() {
        serde_json::Value::Object(Default::default())
    } else {
        params
    };
    if let Some(map) = params.as_object() {
        let unknown: Vec<&String> = map
            .keys()
            .filter(|k| !op.params.contains(&k.as_str()))
            .collect();
        if !unknown.is_empty() {
            let reason = unknown
                .iter()
                .map(|k| unknown_param(k, op.params))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(Error::invalid_request(op, reason).into());
        }
    }
    serde_json::from_value(params).map_err(|e| DynError::BadParams {
        provider: op.provider,
        endpoint: op.name.to_owned(),
        reason: e.to_string(),
    })
}

/// "unknown parameter `comentss`; did you mean `comments`?"
fn unknown_param(name: &str, known: &[&str]) -> String {
    let shown: String = name.chars().take(64).collect();
    let closest = known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
        .min();
    match (closest, known.is_empty()) {
        (Some((_, k)), _) => format!("unknown parameter `{shown}`; did you mean `{k}`?"),
        (None, true) => format!("unknown parameter `{shown}`; this endpoint takes none"),
        (None, false) => format!(
            "unknown parameter `{shown}`; the parameters are {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Levenshtein distance, by characters (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Writes `op`'s typed payload as JSON. Fields declared `secret: true` are
/// written `"***"`: tools print what this returns (the typed methods keep
/// them, as [`crate::Secret`]).
pub fn payload<T: serde::Serialize>(
    op: &Operation,
    value: &T,
) -> Result<serde_json::Value, DynError> {
    let mut v = serde_json::to_value(value).map_err(|e| DynError::Payload {
        provider: op.provider,
        endpoint: op.name.to_owned(),
        reason: e.to_string(),
    })?;
    crate::secret::mask_json(&mut v, op.secret_fields, &|_| None);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_get_the_closest_known_one() {
        let known = ["service", "link", "quantity", "comments"];
        assert_eq!(
            unknown_param("coments", &known),
            "unknown parameter `coments`; did you mean `comments`?"
        );
        assert_eq!(
            unknown_param("zzz", &known),
            "unknown parameter `zzz`; the parameters are `service`, `link`, `quantity`, `comments`"
        );
        assert_eq!(
            unknown_param("x", &[]),
            "unknown parameter `x`; this endpoint takes none"
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
