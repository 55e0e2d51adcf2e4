//! Callbacks: the generic callback contract over a spec whose notifications
//! are signed in headers (an HMAC of the raw body, a hash of fields in
//! base64), which no spec in `specs/` has; typed decoding of IAK's documented
//! notifications; and the verifier inside an axum handler.
//!
//! The header-signed spec is `tests/odd_specs/hmac_webhooks.yaml`, built into
//! the `providers-test-clients` crate by its own build script.

use std::path::Path;

use crate::support::tour;

#[test]
fn header_signed_callbacks_meet_the_callback_contract() {
    let spec = Path::new("tests/odd_specs/hmac_webhooks.yaml").to_owned();
    let outcomes =
        tour::callbacks(&[spec], &providers_test_clients::PROVIDERS).expect("spec loads");
    assert_eq!(outcomes.len(), 4, "{outcomes:#?}");
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.problems.is_empty())
        .map(|o| format!("{}: {}", o.label, o.problems.join("; ")))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
