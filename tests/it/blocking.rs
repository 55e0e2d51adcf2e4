//! The blocking client (feature `blocking`) against the same local server as
//! the async wire tests: same bytes on the wire, same error variants.

use std::time::Duration;

use providers::k7_antivirus::{Client, State};
use providers::Error;
use providers_mock::{MockServer, Reply};

/// The mock server runs on its own async runtime; the test thread stays blocking.
fn server() -> (tokio::runtime::Runtime, MockServer) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(MockServer::start()).expect("mock server");
    (rt, server)
}

#[test]
fn blocking_calls_put_the_same_bytes_on_the_wire() {
    let (_rt, server) = server();
    let client = Client::builder()
        .token("TEST:blocking-tok")
        .base_url(server.url())
        .build()
        .expect("client");
    server.push(Reply::json(200, r#"{"status": true, "state": "Success", "message": "ok", "credits_available": 96496048.0450002}"#));
    let bought = client
        .purchase(
            "KAP 1PC-1Year",
            "1000".parse().expect("decimal"),
            "order-b1",
        )
        .send_blocking()
        .expect("purchase");
    assert_eq!(bought.state, State::Success);
    assert_eq!(
        bought.credits_available.map(|d| d.to_string()).as_deref(),
        Some("96496048.0450002")
    );
    let seen = server.requests();
    assert_eq!(
        seen[0].body_text(),
        r#"{"token":"TEST:blocking-tok","value":"KAP 1PC-1Year","amount":1000,"reference":"order-b1"}"#
    );

    server.push(Reply::json(
        200,
        r#"{"status": false, "error_code": "1002", "message": "Invalid token."}"#,
    ));
    let err = client
        .list_products()
        .send_blocking()
        .expect_err("provider error");
    assert!(
        matches!(err, Error::Provider { ref code, .. } if code.as_deref() == Some("1002")),
        "{err:?}"
    );
}

#[test]
fn a_blocking_purchase_that_times_out_is_outcome_unknown_and_sent_once() {
    let (rt, server) = server();
    let client = Client::builder()
        .token("TEST:blocking-tok")
        .base_url(server.url())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    server.push(Reply::json(200, "{}").delay(Duration::from_secs(2)));
    let err = client
        .purchase(
            "KAP 1PC-1Year",
            "1000".parse().expect("decimal"),
            "order-b2",
        )
        .send_blocking()
        .expect_err("timeout");
    assert!(
        matches!(&err, Error::OutcomeUnknown { reference: Some(r), .. } if r == "order-b2"),
        "{err:?}"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.request_count(), 1);
    drop(rt);
}

#[tokio::test]
async fn blocking_inside_an_async_runtime_is_refused_not_a_panic() {
    let client = Client::builder()
        .token("t")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let err = client.balance().send_blocking().expect_err("refused");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}
