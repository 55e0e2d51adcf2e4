//! K7 Antivirus (Khalti services API) against a real HTTP server on 127.0.0.1:
//! every endpoint's request bytes, the documented examples decoded, and the
//! error paths (provider errors with HTTP 200 and 400, lost purchase answers).

use std::time::Duration;

use providers::k7_antivirus::{Client, Environment, State};
use providers::Error;
use providers_mock::{Fault, MockServer, Reply};

use crate::support::{against_mock, dec};

const TOKEN: &str = "TEST:k7-token-5f2a9c";

async fn setup() -> (MockServer, Client) {
    against_mock!(Client::builder().token(TOKEN))
}

#[tokio::test]
async fn list_products_sends_the_token_in_the_query_and_decodes_the_documented_list() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": true, "data": [
            {"idx": "NJfrJbEmsewrrEUE4rskhE", "name": "K7 Antivirus Premium 1PC-1Year", "value": "KAP 1PC-1Year", "amount": 1000.0},
            {"idx": "iZJ36Zk4yfMv7x2nVtXNsm", "name": "K7 Mobile Security 1Android Device-1Year", "value": "KMSA Device-1Year", "amount": 1000.0}
        ]}"#,
    ));
    let products = client.list_products().await.expect("products");
    assert_eq!(products.len(), 2);
    assert_eq!(products[0].value, "KAP 1PC-1Year");
    assert_eq!(products[0].amount, dec("1000"));
    assert_eq!(products[1].idx, "iZJ36Zk4yfMv7x2nVtXNsm");

    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(
        seen[0].target,
        "/api/products/k7-antivirus/?token=TEST%3Ak7-token-5f2a9c"
    );
    assert_eq!(seen[0].header("accept"), Some("application/json"));
    assert!(seen[0].body.is_empty());
    assert_eq!(seen[0].header("content-type"), None);
}

#[tokio::test]
async fn purchase_posts_json_with_the_token_in_the_body_and_keeps_every_digit() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": true, "state": "Success", "message": "Your Pin number is 'PinKAP 1PC-1Year92'",
            "serial": "SerialKAP 1PC-1Year92", "pin": "AP 1PC-1Year01", "credits_consumed": 1000.0,
            "credits_available": 96496048.0450002, "id": 7908}"#,
    ));
    let bought = client
        .purchase("KAP 1PC-1Year", dec("1000"), "order-2024-0001")
        .await
        .expect("purchase");
    assert!(bought.status);
    assert_eq!(bought.state, State::Success);
    assert_eq!(bought.pin.as_deref(), Some("AP 1PC-1Year01"));
    assert_eq!(bought.serial.as_deref(), Some("SerialKAP 1PC-1Year92"));
    assert_eq!(bought.credits_consumed, Some(dec("1000")));
    let available = bought.credits_available.expect("credits_available");
    assert_eq!(available, dec("96496048.0450002"));
    assert_eq!(available.to_string(), "96496048.0450002");
    assert_eq!(bought.id, Some(7908));

    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].target, "/api/use/k7-antivirus/");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(
        seen[0].body_text(),
        r#"{"token":"TEST:k7-token-5f2a9c","value":"KAP 1PC-1Year","amount":1000,"reference":"order-2024-0001"}"#
    );
}

#[tokio::test]
async fn purchase_amounts_are_sent_exactly() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": true, "state": "Queued", "message": "queued"}"#,
    ));
    let queued = client
        .purchase("KTS 1PC-1Year", dec("1500.25"), "order-2")
        .await
        .expect("purchase");
    assert_eq!(queued.state, State::Queued);
    assert_eq!(queued.pin, None);
    let body = server.requests()[0].body_text();
    assert!(body.contains(r#""amount":1500.25"#), "{body}");
}

#[tokio::test]
async fn balance_has_no_status_field_and_still_succeeds() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"credits_consumed": 1000.0, "credits_available": 96496048.0450002}"#,
    ));
    let balance = client.balance().await.expect("balance");
    assert_eq!(balance.credits_available.to_string(), "96496048.0450002");
    assert_eq!(balance.credits_consumed, dec("1000"));
    let seen = server.requests();
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "/api/balance?token=TEST%3Ak7-token-5f2a9c");
}

#[tokio::test]
async fn transaction_status_looks_up_by_reference() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": true, "state": "Status Error", "message": "Supplier status unavailable", "extra": {"x": 1}}"#,
    ));
    let status = client
        .transaction_status("order 2024/0001")
        .await
        .expect("status");
    assert_eq!(status.state, State::StatusError);
    assert_eq!(
        status.message.as_deref(),
        Some("Supplier status unavailable")
    );
    let seen = server.requests();
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, "/api/service/status/");
    assert_eq!(
        seen[0].query_pairs(),
        vec![
            ("token".to_owned(), TOKEN.to_owned()),
            ("reference".to_owned(), "order 2024/0001".to_owned())
        ]
    );
}

#[tokio::test]
async fn unknown_states_are_kept() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": true, "state": "Refunded", "message": "m"}"#,
    ));
    let status = client.transaction_status("r").await.expect("status");
    assert_eq!(status.state, State::Other("Refunded".to_owned()));
    assert_eq!(status.state.as_str(), "Refunded");
}

#[tokio::test]
async fn status_false_with_http_200_is_a_provider_error_with_code_and_message() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": false, "error_code": "1002", "message": "Invalid token.", "error": "client_error", "details": "Invalid token.", "state": "Error"}"#,
    ));
    match client.list_products().await {
        Err(Error::Provider {
            status,
            code,
            message,
            ..
        }) => {
            assert_eq!(status, 200);
            assert_eq!(code.as_deref(), Some("1002"));
            assert_eq!(message, "Invalid token.");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn http_400_with_the_json_error_body_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        400,
        r#"{"status": false, "error_code": "1016", "message": "Insufficient credits.", "error": "client_error",
            "details": {"amount": ["Insufficient credits."]}, "error_data": {}, "state": "Error"}"#,
    ));
    let err = client
        .purchase("KAP 1PC-1Year", dec("1000"), "order-3")
        .await
        .expect_err("insufficient credits");
    match &err {
        Error::Provider {
            status,
            code,
            message,
            ..
        } => {
            assert_eq!(*status, 400);
            assert_eq!(code.as_deref(), Some("1016"));
            assert_eq!(message, "Insufficient credits.");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "k7_antivirus.purchase: provider error 1016: Insufficient credits."
    );
}

#[tokio::test]
async fn an_html_error_page_is_an_http_status_error_with_a_bounded_excerpt() {
    let (server, client) = setup().await;
    let page = format!("<html><body>{}</body></html>", "Bad gateway ".repeat(200));
    server.push(Reply::text(500, "text/html", page));
    match client.balance().await {
        Err(Error::HttpStatus {
            status, excerpt, ..
        }) => {
            assert_eq!(status, 500);
            assert!(excerpt.truncated);
            assert!(excerpt.text.starts_with("<html><body>Bad gateway"));
            assert!(excerpt.text.len() <= 512);
        }
        other => panic!("expected an HTTP status error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_purchase_whose_answer_times_out_is_outcome_unknown_and_sent_once() {
    let server = MockServer::start().await.expect("mock server");
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    server.push(
        Reply::json(
            200,
            r#"{"status": true, "state": "Success", "message": "late"}"#,
        )
        .delay(Duration::from_secs(3)),
    );
    let err = client
        .purchase("KAP 1PC-1Year", dec("1000"), "order-timeout-1")
        .await
        .expect_err("timeout");
    match &err {
        Error::OutcomeUnknown { reference, .. } => {
            assert_eq!(reference.as_deref(), Some("order-timeout-1"));
        }
        other => panic!("expected outcome unknown, got {other:?}"),
    }
    assert!(!err.is_safe_to_retry());
    // Give a retry (which must not happen) time to arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_purchase_cut_off_mid_body_is_outcome_unknown() {
    let (server, client) = setup().await;
    server.push(
        Reply::json(200, r#"{"status": true, "state": "Success", "message": "a long enough body to cut in half"}"#)
            .fault(Fault::ResetMidBody),
    );
    let err = client
        .purchase("KAP 1PC-1Year", dec("1000"), "order-cut-1")
        .await
        .expect_err("cut off");
    assert!(
        matches!(&err, Error::OutcomeUnknown { reference: Some(r), .. } if r == "order-cut-1"),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn reads_retry_after_a_502_and_purchases_report_outcome_unknown() {
    let (server, client) = setup().await;
    server.push(Reply::text(502, "text/plain", "bad gateway"));
    server.push(Reply::json(
        200,
        r#"{"credits_consumed": 1, "credits_available": 2}"#,
    ));
    let balance = client.balance().await.expect("balance after one retry");
    assert_eq!(balance.credits_available, dec("2"));
    assert_eq!(server.request_count(), 2);

    server.push(Reply::text(502, "text/plain", "bad gateway"));
    let err = client
        .purchase("KAP 1PC-1Year", dec("1000"), "order-502")
        .await
        .expect_err("502");
    // A 5xx may come after the provider charged: look it up by reference, never re-send.
    assert!(
        matches!(&err, Error::OutcomeUnknown { reference: Some(r), .. } if r == "order-502"),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn the_token_never_appears_in_debug_or_errors() {
    let (server, client) = setup().await;
    assert!(!format!("{client:?}").contains(TOKEN));
    // A provider that echoes the token back in its message and body.
    server.push(Reply::json(
        400,
        format!(r#"{{"status": false, "error_code": "1002", "message": "Invalid token {TOKEN}"}}"#),
    ));
    let err = client.balance().await.expect_err("invalid token");
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains("k7-token"), "{text}");
    }
    server.push(Reply::text(
        500,
        "text/plain",
        format!("crash near token={TOKEN}"),
    ));
    let err = client.balance().await.expect_err("500");
    assert!(!format!("{err:?}").contains(TOKEN));
}

#[test]
fn the_builder_reports_what_is_missing() {
    let err = Client::builder()
        .token(TOKEN)
        .build()
        .expect_err("no base url");
    assert_eq!(
        err.to_string(),
        "k7_antivirus: no base URL: call `.base_url(...)` or `.environment(...)`"
    );
    let err = Client::builder()
        .environment(Environment::Test)
        .build()
        .expect_err("no token");
    assert_eq!(
        err.to_string(),
        "k7_antivirus: missing credential `token`: call `.token(...)` on the builder"
    );
    let client = Client::builder()
        .token(TOKEN)
        .environment(Environment::Live)
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "https://services.khalti.com");
    assert_eq!(
        Environment::Test.base_url(),
        "https://uatservices.khalti.com"
    );
}
