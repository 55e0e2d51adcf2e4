//! Clients generated from test-only specs, for the integration tests
//! (`tests/it/callbacks.rs`). `hmac_webhooks` (`tests/odd_specs/hmac_webhooks.yaml`)
//! signs its notifications in headers, which no spec in `specs/` does.
#![deny(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/providers.rs"));
