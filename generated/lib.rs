//! Typed clients for reseller, top-up, SMM and billing-panel APIs, generated
//! from one YAML spec per provider (`specs/<module>.yaml`).
//!
//! Each provider is a module with a `Client`, its models and request types:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use providers::k7_antivirus::{Client, Environment};
//!
//! let client = Client::builder()
//!     .token("TEST:my-token")
//!     .environment(Environment::Test)
//!     .build()?;
//! let products = client.list_products().await?;
//! let bought = client
//!     .purchase(&products[0].value, products[0].amount, "order-42")
//!     .await?;
//! println!("{:?}: {:?}", bought.state, bought.pin);
//! # Ok(()) }
//! ```
//!
//! Every call returns [`Error`] on failure; calls that move money are never
//! retried and report [`Error::OutcomeUnknown`] when their answer is lost.
//! Notifications a provider sends you are verified and decoded by
//! `client.callbacks()`, which refuses them with [`CallbackError`].
//! The hand-written runtime is re-exported as [`runtime`].
#![deny(missing_docs)]

pub use providers_runtime as runtime;
pub use providers_runtime::{BuildError, CallbackError, Decimal, Error, ItemError, Secret};

include!(concat!(env!("OUT_DIR"), "/providers.rs"));
