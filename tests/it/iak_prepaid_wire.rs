//! IAK prepaid against a real HTTP server on 127.0.0.1: every endpoint's JSON
//! body byte for byte, with `sign` recomputed here (independently of the
//! runtime) as md5(username + api_key + X); the documented answers decoded;
//! pending, provider errors (HTTP 200 and 4xx) and the checks made before sending.

use std::time::Duration;

use md5::{Digest, Md5};
use providers::iak_prepaid::{Client, Currency, Environment, ProductStatus, Status};
use providers::Error;
use providers_mock::{MockServer, Recorded, Reply};

use crate::support::{self, against_mock, dec};

const USERNAME: &str = "081234567890";
const API_KEY: &str = "iak-dev-key-3b9f1c";

async fn setup() -> (MockServer, Client) {
    against_mock!(Client::builder().username(USERNAME).api_key(API_KEY))
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `sign` for a call whose suffix is `x` (a literal or a request value).
fn sign(x: &str) -> String {
    md5_hex(&format!("{USERNAME}{API_KEY}{x}"))
}

/// One recorded request: a JSON POST to `path`, without the api_key anywhere.
fn only_request(server: &MockServer, path: &str) -> Recorded {
    let r = support::only_request(server);
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, path);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    let raw = format!("{}{}", r.head_text(), r.body_text());
    assert!(
        !raw.contains(API_KEY),
        "the api_key went on the wire: {raw}"
    );
    assert!(r.cookies().is_empty());
    r
}

#[test]
fn the_test_md5_is_plain_md5() {
    // RFC 1321 test vectors, so the signatures below are checked against real MD5.
    assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

#[tokio::test]
async fn check_balance_signs_with_bl() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"balance": 997136249, "message": "SUCCESS", "rc": "00"}}"#,
    ));
    let balance = client.check_balance().await.expect("balance");
    assert_eq!(balance.balance, dec("997136249"));

    let r = only_request(&server, "/api/check-balance");
    assert_eq!(
        r.body_text(),
        format!(r#"{{"username":"{USERNAME}","sign":"{}"}}"#, sign("bl"))
    );
}

#[tokio::test]
async fn pricelist_without_filters_decodes_the_documented_list() {
    let (server, client) = setup().await;
    // The document's sample, with its stray backtick removed.
    server.push(Reply::json(
        200,
        r#"{"data": {"pricelist": [
            {"product_code": "alfamart100", "product_description": "Alfamart Voucher",
             "product_nominal": "Voucher Alfamart Rp 100.000", "product_details": "-",
             "product_price": 100000, "product_type": "voucher", "active_period": "0",
             "status": "active",
             "icon_url": "https://cdn.mobileproduct.net/img/product/operator_list/140119034649-Alfa-01.png",
             "product_category": "voucher", "currency": "IDR"},
            {"product_code": "altel10", "product_description": "Malaysia Topup",
             "product_nominal": "10", "product_details": "-", "product_price": 39750,
             "product_type": "malaysia", "active_period": "0", "status": "active",
             "icon_url": "-", "product_category": "international", "currency": "IDR"},
            {"product_code": "altel100", "product_description": "Malaysia Topup",
             "product_nominal": "100", "product_details": "-", "product_price": 397500,
             "product_type": "malaysia", "active_period": "0", "status": "non active",
             "icon_url": "-", "product_category": "international", "currency": "IDR"}
        ], "rc": "00", "message": "SUCCESS"}}"#,
    ));
    let list = client
        .pricelist()
        .status(ProductStatus::All)
        .currency(Currency::Idr)
        .await
        .expect("pricelist");
    assert_eq!(list.len(), 3);
    let first = &list[0];
    assert_eq!(first.product_code, "alfamart100");
    assert_eq!(first.product_description, "Alfamart Voucher");
    assert_eq!(first.product_nominal, "Voucher Alfamart Rp 100.000");
    assert_eq!(first.product_details, None, "`-` means none");
    assert_eq!(first.product_price, dec("100000"));
    assert_eq!(first.product_type, "voucher");
    assert_eq!(first.active_period, 0);
    assert_eq!(first.status, ProductStatus::Active);
    assert_eq!(
        first.icon_url.as_deref(),
        Some("https://cdn.mobileproduct.net/img/product/operator_list/140119034649-Alfa-01.png")
    );
    assert_eq!(first.product_category, "voucher");
    assert_eq!(first.currency, Currency::Idr);
    assert_eq!(list[1].product_nominal, "10");
    assert_eq!(list[1].product_price, dec("39750"));
    assert_eq!(list[1].icon_url, None);
    assert_eq!(list[2].product_price, dec("397500"));
    assert_eq!(list[2].status, ProductStatus::NonActive);

    let r = only_request(&server, "/api/pricelist");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","status":"all","currency":"IDR"}}"#,
            sign("pl")
        )
    );
}

#[tokio::test]
async fn pricelist_puts_type_and_operator_in_the_path_and_keeps_the_space_in_non_active() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"pricelist": [
            {"product_code": "htelkomsel10000", "product_description": "Telkomsel",
             "product_nominal": "10000", "product_details": "Pulsa Telkomsel Rp 10.000",
             "product_price": "10850.50", "product_type": "pulsa", "active_period": "15",
             "status": "non active", "icon_url": "-", "product_category": "pulsa", "currency": "IDR"}
        ], "rc": "00", "message": "SUCCESS"}}"#,
    ));
    let list = client
        .pricelist()
        .product_type("pulsa")
        .operator("telkomsel")
        .status(ProductStatus::NonActive)
        .await
        .expect("pricelist");
    assert_eq!(list[0].product_price, dec("10850.50"));
    assert_eq!(list[0].active_period, 15);
    assert_eq!(
        list[0].product_details.as_deref(),
        Some("Pulsa Telkomsel Rp 10.000")
    );
    assert_eq!(list[0].status, ProductStatus::NonActive);

    let r = only_request(&server, "/api/pricelist/pulsa/telkomsel");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","status":"non active"}}"#,
            sign("pl")
        )
    );
}

#[tokio::test]
async fn pricelist_with_a_type_only_has_one_path_segment_and_sends_status_all() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"pricelist": [], "rc": "00", "message": "SUCCESS"}}"#,
    ));
    let list = client
        .pricelist()
        .product_type("data")
        .await
        .expect("pricelist");
    assert!(list.is_empty());
    // No status given: the client sends `all`, as IAK's SDK always sends one.
    let r = only_request(&server, "/api/pricelist/data");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","status":"all"}}"#,
            sign("pl")
        )
    );
}

#[tokio::test]
async fn pricelist_refuses_an_operator_without_a_type_before_sending() {
    let (server, client) = setup().await;
    let err = client
        .pricelist()
        .operator("telkomsel")
        .await
        .expect_err("operator needs type");
    match &err {
        Error::InvalidRequest { reason, .. } => {
            assert!(reason.contains("`operator`"), "{reason}");
            assert!(reason.contains("`type`"), "{reason}");
        }
        other => panic!("expected an invalid request, got {other:?}"),
    }
    assert!(err.is_safe_to_retry());
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn top_up_signs_with_ref_id_and_its_first_answer_is_pending() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"ref_id": "order001", "status": 0, "product_code": "xld25000",
            "customer_id": "0817777215", "price": 25000, "message": "PROCESS",
            "balance": 997061249, "tr_id": 3482, "rc": "39"}}"#,
    ));
    let err = client
        .top_up("order001", "0817777215", "xld25000")
        .await
        .expect_err("pending");
    match &err {
        Error::Pending {
            code,
            message,
            reference,
            payload,
            ..
        } => {
            assert_eq!(code.as_deref(), Some("39"));
            assert_eq!(message, "PROCESS");
            assert_eq!(reference.as_deref(), Some("order001"));
            let payload = payload.as_deref().expect("the data object");
            assert_eq!(payload["ref_id"], "order001");
            assert_eq!(payload["tr_id"], 3482);
        }
        other => panic!("expected pending, got {other:?}"),
    }
    assert!(!err.is_safe_to_retry());

    let r = only_request(&server, "/api/top-up");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","ref_id":"order001","customer_id":"0817777215","product_code":"xld25000"}}"#,
            sign("order001")
        )
    );
}

#[tokio::test]
async fn top_up_again_with_the_same_ref_id_returns_the_delivered_transaction() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"ref_id": "order001", "status": 1, "product_code": "xld25000",
            "customer_id": "0817777215", "price": 25000, "message": "SUCCESS", "sn": "123456789",
            "balance": 997061249, "tr_id": 3482, "rc": "00"}}"#,
    ));
    let tx = client
        .top_up("order001", "0817777215", "xld25000")
        .await
        .expect("delivered");
    assert_eq!(tx.ref_id, "order001");
    assert_eq!(tx.status, Status::Success);
    assert_eq!(tx.price, dec("25000"));
    assert_eq!(tx.balance, Some(dec("997061249")));
    assert_eq!(tx.tr_id, Some(3482));
    assert_eq!(tx.sn.as_deref(), Some("123456789"));
    assert_eq!(tx.pin, None);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn top_up_answered_with_a_5xx_is_outcome_unknown_with_the_ref_id_and_not_resent() {
    let (server, client) = setup().await;
    server.push(Reply::text(502, "text/html", "<html>Bad gateway</html>"));
    let err = client
        .top_up("order-502", "0817777215", "xld25000")
        .await
        .expect_err("lost");
    assert!(
        matches!(&err, Error::OutcomeUnknown { reference: Some(r), .. } if r == "order-502"),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn check_status_signs_with_ref_id_and_decodes_the_documented_success() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"ref_id": "order001", "status": 1, "product_code": "xld25000",
            "customer_id": "0817777215", "price": 25000, "message": "SUCCESS", "sn": "123456789",
            "balance": 997061249, "tr_id": 3482, "rc": "00"}}"#,
    ));
    let tx = client.check_status("order001").await.expect("status");
    assert_eq!(tx.status, Status::Success);
    assert_eq!(tx.product_code, "xld25000");
    assert_eq!(tx.customer_id, "0817777215");
    assert_eq!(tx.message.as_deref(), Some("SUCCESS"));
    assert_eq!(tx.sn.as_deref(), Some("123456789"));

    let r = only_request(&server, "/api/check-status");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","ref_id":"order001"}}"#,
            sign("order001")
        )
    );
}

#[tokio::test]
async fn check_status_reads_prices_sent_as_strings() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"ref_id": "order9", "status": "1", "product_code": "pln20000",
            "customer_id": "12345678901", "price": "20500.75", "message": "SUCCESS",
            "sn": "1234-5678-9012-3456-7890/SINTYA/R1/1300/15,2", "balance": "96000000.5",
            "tr_id": "3490", "rc": "00"}}"#,
    ));
    let tx = client.check_status("order9").await.expect("status");
    assert_eq!(tx.status, Status::Success);
    assert_eq!(tx.price, dec("20500.75"));
    assert_eq!(tx.balance, Some(dec("96000000.5")));
    assert_eq!(tx.tr_id, Some(3490));
}

#[tokio::test]
async fn check_status_of_a_failed_transaction_is_a_provider_error_with_its_rc() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"ref_id": "order001", "status": 2, "product_code": "xld25000",
            "customer_id": "0817777215", "price": 25000, "message": "FAILED",
            "balance": 997061249, "tr_id": 3482, "rc": "07"}}"#,
    ));
    match client.check_status("order001").await {
        Err(Error::Provider {
            status,
            code,
            message,
            ..
        }) => {
            assert_eq!(status, 200);
            assert_eq!(code.as_deref(), Some("07"));
            assert_eq!(message, "FAILED");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn check_status_still_processing_is_pending_with_rc_201() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"ref_id": "order003", "status": 0, "product_code": "xld25000",
            "customer_id": "0817777215", "price": 25000, "message": "UNDEFINED RESPONSE CODE",
            "balance": 997061249, "tr_id": 3484, "rc": "201"}}"#,
    ));
    match client.check_status("order003").await {
        Err(Error::Pending {
            code, reference, ..
        }) => {
            assert_eq!(code.as_deref(), Some("201"));
            assert_eq!(reference.as_deref(), Some("order003"));
        }
        other => panic!("expected pending, got {other:?}"),
    }
}

#[tokio::test]
async fn inquiry_pln_signs_with_customer_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"status": "1", "customer_id": "12345678901", "meter_no": "548933889287",
            "subscriber_id": "12345678901", "name": "Sintya Oktaviani",
            "segment_power": "R1 \/000001300", "message": "SUCCESS", "rc": "00"}}"#,
    ));
    let pln = client.inquiry_pln("12345678901").await.expect("pln");
    assert_eq!(pln.status, Status::Success);
    assert_eq!(pln.customer_id, "12345678901");
    assert_eq!(pln.meter_no, "548933889287");
    assert_eq!(pln.subscriber_id, "12345678901");
    assert_eq!(pln.name, "Sintya Oktaviani");
    assert_eq!(pln.segment_power, "R1 /000001300");

    let r = only_request(&server, "/api/inquiry-pln");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","customer_id":"12345678901"}}"#,
            sign("12345678901")
        )
    );
}

#[tokio::test]
async fn inquiry_pln_rc_14_with_http_200_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"status": "2", "customer_id": "999", "message": "INCORRECT DESTINATION NUMBER", "rc": "14"}}"#,
    ));
    let err = client.inquiry_pln("999").await.expect_err("rc 14");
    match &err {
        Error::Provider {
            status,
            code,
            message,
            ..
        } => {
            assert_eq!(*status, 200);
            assert_eq!(code.as_deref(), Some("14"));
            assert_eq!(message, "INCORRECT DESTINATION NUMBER");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "iak_prepaid.inquiry_pln: provider error 14: INCORRECT DESTINATION NUMBER"
    );
}

#[tokio::test]
async fn wrong_authentication_with_http_401_is_a_provider_error_and_not_retried() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        401,
        r#"{"data": {"message": "WRONG AUTHENTICATION", "rc": "204"}}"#,
    ));
    match client.check_balance().await {
        Err(Error::Provider {
            status,
            code,
            message,
            ..
        }) => {
            assert_eq!(status, 401);
            assert_eq!(code.as_deref(), Some("204"));
            assert_eq!(message, "WRONG AUTHENTICATION");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn check_operator_signs_with_op() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"operator": "XL", "message": "SUCCESS", "rc": "00"}}"#,
    ));
    let op = client.check_operator("0817777215").await.expect("operator");
    assert_eq!(op.operator, "XL");
    assert_eq!(op.status, None);

    let r = only_request(&server, "/api/check-operator");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","customer_id":"0817777215"}}"#,
            sign("op")
        )
    );
}

#[tokio::test]
async fn inquiry_game_signs_with_game_code() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"username": "budi", "status": 1, "message": "SUCCESS", "rc": "00"}}"#,
    ));
    let player = client
        .inquiry_game("103", "156378300|8483")
        .await
        .expect("player");
    assert_eq!(player.username, "budi");
    assert_eq!(player.status, Status::Success);

    let r = only_request(&server, "/api/inquiry-game");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","game_code":"103","customer_id":"156378300|8483"}}"#,
            sign("103")
        )
    );
}

#[tokio::test]
async fn inquiry_game_server_signs_with_game_code_and_lists_servers() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"servers": [{"name": "Test 1", "value": "90001"}, {"name": "Test 2", "value": 90002}],
            "status": 1, "message": "SUCCESS", "rc": "00"}}"#,
    ));
    let servers = client.inquiry_game_server("142").await.expect("servers");
    assert_eq!(servers.status, Status::Success);
    assert_eq!(servers.servers.len(), 2);
    assert_eq!(servers.servers[0].name, "Test 1");
    assert_eq!(servers.servers[0].value, "90001");
    assert_eq!(servers.servers[1].value, "90002");

    let r = only_request(&server, "/api/inquiry-game-server");
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"username":"{USERNAME}","sign":"{}","game_code":"142"}}"#,
            sign("142")
        )
    );
}

#[tokio::test]
async fn unknown_statuses_are_kept() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"username": "budi", "status": 9, "message": "SUCCESS", "rc": "00"}}"#,
    ));
    let player = client.inquiry_game("103", "1|2").await.expect("player");
    assert_eq!(player.status, Status::Other("9".to_owned()));
}

#[test]
fn the_builder_needs_an_environment_and_both_credentials() {
    let err = Client::builder()
        .username(USERNAME)
        .api_key(API_KEY)
        .build()
        .expect_err("no default host");
    assert_eq!(
        err.to_string(),
        "iak_prepaid: no base URL: call `.base_url(...)` or `.environment(...)`"
    );
    let err = Client::builder()
        .username(USERNAME)
        .environment(Environment::Development)
        .build()
        .expect_err("no api key");
    assert_eq!(
        err.to_string(),
        "iak_prepaid: missing credential `api_key`: call `.api_key(...)` on the builder"
    );
    let client = Client::builder()
        .username(USERNAME)
        .api_key(API_KEY)
        .environment(Environment::Production)
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "https://prepaid.iak.id");
    assert_eq!(
        Environment::Development.base_url(),
        "https://prepaid.iak.dev"
    );
    assert!(!format!("{client:?}").contains(API_KEY));
}
