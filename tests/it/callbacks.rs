//! Callbacks: the generic callback contract over a spec whose notifications
//! are signed in headers (an HMAC of the raw body, a hash of fields in
//! base64), which no spec in `specs/` has; typed decoding of IAK's documented
//! notifications; and the verifier inside an axum handler.
//!
//! The header-signed spec is `tests/odd_specs/hmac_webhooks.yaml`, built into
//! the `providers-test-clients` crate by its own build script.

use std::path::Path;

use providers::iak_prepaid::{Client, Environment, Status, TopUpResultCallback};
use providers::CallbackError;

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

// IAK's documented notifications (`specs/iak_prepaid.yaml`), typed.

const USERNAME: &str = "081234567890";
const API_KEY: &str = "iak-key-7f3c";
/// md5("081234567890" + "iak-key-7f3c" + "order001"), by coreutils `md5sum`.
const SIGN_ORDER001: &str = "b6dffd5a21839d3d01426fb595213ecf";
/// md5("081234567890" + "iak-key-7f3c" + "order003").
const SIGN_ORDER003: &str = "61f126f7d99766bdd567140bc4e89fa5";

fn iak() -> Client {
    Client::builder()
        .username(USERNAME)
        .api_key(API_KEY)
        .environment(Environment::Development)
        .build()
        .expect("client")
}

fn success(sign: &str) -> String {
    format!(
        r#"{{"data": {{"ref_id": "order001", "status": "1", "product_code": "hsteam12000", "customer_id": "0817777215", "price": "16500", "message": "SUCCESS", "sn": "ABCD-EFGH-IJKL-MNOP", "pin": "123456789", "balance": "996994749", "tr_id": "3487", "rc": "00", "sign": "{sign}"}}}}"#
    )
}

fn failure(sign: &str) -> String {
    format!(
        r#"{{"data": {{"ref_id": "order003", "status": "2", "product_code": "xld50000", "customer_id": "0817777215", "price": "50000", "message": "FAILED", "balance": "997011249", "tr_id": "3486", "rc": "07", "sign": "{sign}"}}}}"#
    )
}

const NO_HEADERS: [(&str, &str); 0] = [];

#[test]
fn iak_documented_notifications_decode_into_typed_payloads() {
    let client = iak();
    let ok = client
        .callbacks()
        .top_up_result(&NO_HEADERS, success(SIGN_ORDER001).as_bytes())
        .expect("the documented success verifies");
    assert_eq!(
        ok,
        TopUpResultCallback {
            ref_id: "order001".into(),
            status: Status::Success,
            product_code: "hsteam12000".into(),
            customer_id: "0817777215".into(),
            price: crate::support::dec("16500"),
            message: "SUCCESS".into(),
            sn: Some("ABCD-EFGH-IJKL-MNOP".into()),
            pin: Some("123456789".into()),
            balance: crate::support::dec("996994749"),
            tr_id: 3487,
            rc: "00".into(),
        }
    );
    // An `http::HeaderMap` works as well as pairs; an uppercase digest too.
    let headers = providers::runtime::reexport::reqwest::header::HeaderMap::new();
    let failed = client
        .callbacks()
        .top_up_result(&headers, failure(&SIGN_ORDER003.to_uppercase()).as_bytes())
        .expect("the documented failure verifies");
    assert_eq!(failed.status, Status::Failed);
    assert_eq!(failed.rc, "07");
    assert_eq!((failed.sn, failed.pin), (None, None));
    assert_eq!(failed.price, crate::support::dec("50000"));
}

#[test]
fn iak_forged_notifications_are_refused_without_showing_secrets() {
    let client = iak();
    let verify = |body: &str| {
        client
            .callbacks()
            .top_up_result(&NO_HEADERS, body.as_bytes())
    };
    let op = |e: &CallbackError| e.callback().to_string();
    // A genuine sign replayed on another `ref_id`.
    let e = verify(&failure(SIGN_ORDER001)).unwrap_err();
    assert!(matches!(e, CallbackError::WrongSignature { .. }), "{e:?}");
    assert_eq!(op(&e), "iak_prepaid.top_up_result");
    // Signed with another API key.
    let other = Client::builder()
        .username(USERNAME)
        .api_key("another-key")
        .environment(Environment::Development)
        .build()
        .expect("client");
    let e = other
        .callbacks()
        .top_up_result(&NO_HEADERS, success(SIGN_ORDER001).as_bytes())
        .unwrap_err();
    assert!(matches!(e, CallbackError::WrongSignature { .. }), "{e:?}");
    // No sign, an empty one, a null one.
    for body in [
        success(SIGN_ORDER001).replace(&format!(r#", "sign": "{SIGN_ORDER001}""#), ""),
        success(""),
        success(SIGN_ORDER001).replace(&format!(r#""{SIGN_ORDER001}""#), "null"),
    ] {
        let e = verify(&body).unwrap_err();
        assert_eq!(
            e.to_string(),
            "iak_prepaid.top_up_result: no signature in the payload field `sign`"
        );
    }
    // Not JSON, nothing at `data`, over the limit.
    let e = verify("ref_id=order001&sign=x").unwrap_err();
    assert!(matches!(e, CallbackError::Malformed { .. }), "{e:?}");
    let e = verify(r#"{"ref_id": "order001"}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "iak_prepaid.top_up_result: not a notification: no payload at `data`"
    );
    let e = client
        .callbacks()
        .max_body_bytes(100)
        .top_up_result(&NO_HEADERS, success(SIGN_ORDER001).as_bytes())
        .unwrap_err();
    assert!(
        matches!(e, CallbackError::TooLarge { limit: 100, size, .. } if size > 100),
        "{e:?}"
    );
    // Verified, but a value that is not its type: a decode error, after the signature.
    let e = verify(&success(SIGN_ORDER001).replace(r#""3487""#, r#""x3487""#)).unwrap_err();
    assert!(matches!(e, CallbackError::Decode { .. }), "{e:?}");
    for e in [
        verify(&failure(SIGN_ORDER001)).unwrap_err(),
        verify(&success("")).unwrap_err(),
    ] {
        let shown = format!("{e} {e:?}");
        for secret in [API_KEY, SIGN_ORDER001] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

/// IAK's sign covers `ref_id` only (the rustdoc of `top_up_result` says so):
/// a genuine notification with its `status` changed still verifies. This test
/// pins that down, so that the documentation stays true.
#[test]
fn iak_signs_only_ref_id() {
    let changed = failure(SIGN_ORDER003).replace(r#""status": "2""#, r#""status": "1""#);
    let verified = iak()
        .callbacks()
        .top_up_result(&NO_HEADERS, changed.as_bytes())
        .expect("only ref_id is signed");
    assert_eq!(verified.status, Status::Success);
}

// The verifier in an axum handler, served on 127.0.0.1 and called over HTTP.
// The handler between the markers is README.md's example, word for word
// (`readme_shows_the_tested_axum_handler`).

// README: axum handler (begin)
use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode};

/// `POST /callbacks/iak`: IAK's top-up results.
async fn iak_top_up_result(
    State(client): State<Client>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    match client.callbacks().top_up_result(&headers, &body) {
        // Verified: IAK reported on this ref_id. Only ref_id is signed, so
        // confirm `status` with `client.check_status(ref_id)` before delivering.
        Ok(result) => (StatusCode::OK, result.ref_id),
        // Forged, altered, unsigned or not JSON: never acted upon.
        Err(refused) => (StatusCode::UNAUTHORIZED, refused.to_string()),
    }
}
// README: axum handler (end)

#[tokio::test]
async fn the_verifier_works_inside_an_axum_handler() {
    let app = axum::Router::new()
        .route("/callbacks/iak", axum::routing::post(iak_top_up_result))
        .with_state(iak());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let url = format!(
        "http://{}/callbacks/iak",
        listener.local_addr().expect("addr")
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let http = providers::runtime::reexport::reqwest::Client::new();
    let post = |body: String| {
        http.post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let ok = post(success(SIGN_ORDER001)).await.expect("answer");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.text().await.expect("body"), "order001");
    let forged = post(failure(SIGN_ORDER001)).await.expect("answer");
    assert_eq!(forged.status().as_u16(), 401);
    assert_eq!(
        forged.text().await.expect("body"),
        "iak_prepaid.top_up_result: the signature does not match (not signed with these credentials, or altered)"
    );
    server.abort();
}

#[test]
fn readme_shows_the_tested_axum_handler() {
    let this = std::fs::read_to_string("tests/it/callbacks.rs").expect("this file");
    let begin = "// README: axum handler (begin)\n";
    let start = this.find(begin).expect("begin marker") + begin.len();
    let end = this
        .find("// README: axum handler (end)")
        .expect("end marker");
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    assert!(
        readme.contains(&this[start..end]),
        "README.md's axum example differs from the handler tested here:\n{}",
        &this[start..end]
    );
}

// The header-signed test spec, typed: HMAC-SHA1 of the raw body in `X-Hub-Signature`.

fn hub_signature(secret: &str, body: &[u8]) -> String {
    use codegen::ir::{Algorithm, DigestOutput};
    use codegen::mock::sign::{digest, encode};
    let mac = digest(Algorithm::HmacSha1, secret.as_bytes(), body);
    format!("sha1={}", encode(&mac, DigestOutput::Hex))
}

#[test]
fn raw_body_hmacs_are_checked_before_the_body_is_read() {
    use providers_test_clients::hmac_webhooks::{Client, OrderCompletedCallback, OrderStatus};
    let client = Client::builder()
        .api_key("api-key-1")
        .webhook_secret("whsec-2c1f")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let body =
        br#"{"order": "23501", "status": "Completed", "charge": "0.27819", "remains": "Unknown"}"#;
    let signed = [("X-Hub-Signature", hub_signature("whsec-2c1f", body))];
    let done = client
        .callbacks()
        .order_completed(&signed, body)
        .expect("verifies");
    assert_eq!(
        done,
        OrderCompletedCallback {
            order: 23501,
            status: OrderStatus::Completed,
            charge: crate::support::dec("0.27819"),
            remains: None,
        }
    );
    // The same bytes with one more space are another body.
    let spaced =
        br#"{"order": "23501",  "status": "Completed", "charge": "0.27819", "remains": "Unknown"}"#;
    let e = client
        .callbacks()
        .order_completed(&signed, spaced)
        .unwrap_err();
    assert!(matches!(e, CallbackError::WrongSignature { .. }), "{e:?}");
    // Not JSON with a wrong signature: refused for the signature, unread.
    let garbage = b"\xff\xfe not even UTF-8";
    let e = client
        .callbacks()
        .order_completed(&[("x-hub-signature", "sha1=00")], garbage)
        .unwrap_err();
    assert!(matches!(e, CallbackError::WrongSignature { .. }), "{e:?}");
    // ... and with the right one, it is malformed.
    let right = [("x-hub-signature", hub_signature("whsec-2c1f", garbage))];
    let e = client
        .callbacks()
        .order_completed(&right, garbage)
        .unwrap_err();
    assert!(matches!(e, CallbackError::Malformed { .. }), "{e:?}");
    // Without the `sha1=` prefix, the digest alone is wrong.
    let bare = hub_signature("whsec-2c1f", body).replace("sha1=", "");
    let e = client
        .callbacks()
        .order_completed(&[("X-Hub-Signature", bare.as_str())], body)
        .unwrap_err();
    assert!(matches!(e, CallbackError::WrongSignature { .. }), "{e:?}");
    let e = client
        .callbacks()
        .order_completed(&NO_HEADERS, body)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "hmac_webhooks.order_completed: no signature in the header `X-Hub-Signature`"
    );
}
