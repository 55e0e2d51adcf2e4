//! Every integration test of the generated clients, in one test binary: one
//! link of reqwest, tokio and the clients instead of one per file. One module
//! per concern; what they share is in `support`.
//!
//! `cargo test --test it <module>::` runs one module, e.g. `k7_wire::`.

mod support;

#[cfg(feature = "blocking")]
mod blocking;
mod callbacks;
mod contract;
mod diagnostics;
mod edges;
mod exact_numbers_wire;
mod faults;
mod hooks;
mod iak_postpaid_wire;
mod iak_prepaid_wire;
mod k7_wire;
mod load;
mod mock_serve;
mod odd_specs;
mod openapi_wire;
mod packaging;
mod product_service_wire;
mod smm_panel_v2_wire;
mod snapshots;
mod virusdie_partners_wire;
