//! Hostile numbers through real generated clients against the mock server on
//! 127.0.0.1: decimals keep every digit and their scale, `string` fields keep
//! a number's exact text, and numbers that do not fit are decode errors, on
//! plain, optional, sentinel, per-item and list fields.

use providers::Error;
use providers_mock::{MockServer, Reply};

use crate::support::against_mock;

async fn k7() -> (MockServer, providers::k7_antivirus::Client) {
    against_mock!(providers::k7_antivirus::Client::builder().token("TEST:k7-token"))
}

#[tokio::test]
async fn k7_balance_keeps_every_digit_of_both_decimals() {
    let (server, client) = k7().await;
    server.push(Reply::json(
        200,
        r#"{"credits_consumed": 12345678901234567.891, "credits_available": 0.10000000000000000001}"#,
    ));
    let b = client.balance().await.expect("balance");
    assert_eq!(b.credits_consumed.to_string(), "12345678901234567.891");
    assert_eq!(b.credits_available.to_string(), "0.10000000000000000001");

    server.push(Reply::json(
        200,
        r#"{"credits_consumed": 18446744073709551616, "credits_available": 1234567890.123456789012345678}"#,
    ));
    let b = client.balance().await.expect("balance");
    assert_eq!(b.credits_consumed.to_string(), "18446744073709551616");
    assert_eq!(
        b.credits_available.to_string(),
        "1234567890.123456789012345678"
    );

    server.push(Reply::json(
        200,
        r#"{"credits_consumed": 1.10, "credits_available": 1e5}"#,
    ));
    let b = client.balance().await.expect("balance");
    assert_eq!(b.credits_consumed.to_string(), "1.10");
    assert_eq!(b.credits_available.to_string(), "100000");
}

#[tokio::test]
async fn k7_balance_that_does_not_fit_is_a_decode_error() {
    let (server, client) = k7().await;
    for bad in [
        "9234567890.1234567890123456789",
        "1234567890.12345678901234567891",
        "79228162514264337593543950336",
        "1e999999",
        "0.10000000000000000000000000001",
    ] {
        server.push(Reply::json(
            200,
            format!(r#"{{"credits_consumed": 1, "credits_available": {bad}}}"#),
        ));
        match client.balance().await {
            Err(Error::Decode { reason, .. }) => {
                assert!(reason.contains("does not fit"), "{bad}: {reason}")
            }
            other => panic!("{bad}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn k7_products_and_purchase_keep_list_and_optional_decimals_exact() {
    let (server, client) = k7().await;
    server.push(Reply::json(
        200,
        r#"{"status": true, "data": [
            {"idx": 1.10, "name": "A", "value": 18446744073709551616, "amount": 12345678901234567.891}
        ]}"#,
    ));
    let products = client.list_products().await.expect("products");
    assert_eq!(products[0].amount.to_string(), "12345678901234567.891");
    // `string` fields given numbers keep their text.
    assert_eq!(products[0].idx, "1.10");
    assert_eq!(products[0].value, "18446744073709551616");

    // `credits_consumed` / `credits_available` are optional here (`Opt<Dec>`).
    server.push(Reply::json(
        200,
        r#"{"status": true, "state": "Success", "message": "ok", "credits_consumed": 1000.10,
            "credits_available": 12345678901234567.891, "id": 7908}"#,
    ));
    let bought = client
        .purchase("KAP", "1000".parse().expect("decimal"), "order-1")
        .await
        .expect("purchase");
    assert_eq!(
        bought.credits_consumed.expect("consumed").to_string(),
        "1000.10"
    );
    assert_eq!(
        bought.credits_available.expect("available").to_string(),
        "12345678901234567.891"
    );
}

#[tokio::test]
async fn iak_pricelist_prices_and_sentinel_texts_are_exact() {
    let (server, client) = against_mock!(providers::iak_prepaid::Client::builder()
        .username("081234567890")
        .api_key("iak-key"));
    server.push(Reply::json(
        200,
        r#"{"data": {"pricelist": [
            {"product_code": 1e5, "product_description": "X", "product_nominal": 1.10,
             "product_details": 0.10000000000000000001, "product_price": 12345678901234567.891,
             "product_type": "pulsa", "active_period": "30", "status": "active",
             "icon_url": "-", "product_category": "pulsa", "currency": "USD"},
            {"product_code": "b", "product_description": "Y", "product_nominal": "10",
             "product_details": "-", "product_price": "0.10000000000000000001",
             "product_type": "pulsa", "active_period": 30.0, "status": "active",
             "icon_url": 18446744073709551616, "product_category": "pulsa", "currency": "IDR"}
        ], "rc": "00", "message": "SUCCESS"}}"#,
    ));
    let list = client.pricelist().await.expect("pricelist");
    assert_eq!(list[0].product_code, "1e5");
    assert_eq!(list[0].product_nominal, "1.10");
    assert_eq!(
        list[0].product_details.as_deref(),
        Some("0.10000000000000000001")
    );
    assert_eq!(list[0].product_price.to_string(), "12345678901234567.891");
    assert_eq!(list[0].icon_url, None);
    assert_eq!(list[1].product_details, None);
    assert_eq!(list[1].product_price.to_string(), "0.10000000000000000001");
    assert_eq!(list[1].active_period, 30);
    assert_eq!(list[1].icon_url.as_deref(), Some("18446744073709551616"));
}

#[tokio::test]
async fn smm_multi_status_items_keep_every_digit_and_reject_what_does_not_fit() {
    let (server, client) =
        against_mock!(providers::smm_panel_v2::Client::builder().api_key("smm-key"));
    server.push(Reply::json(
        200,
        r#"{
            "1": {"charge": 0.10000000000000000001, "start_count": 9007199254740993, "status": "Partial", "remains": 9007199254740993, "currency": "USD"},
            "2": {"error": "Incorrect order ID"},
            "3": {"charge": 12345678901234567.891, "start_count": null, "status": "Completed", "remains": "Unknown", "currency": 1.10}
        }"#,
    ));
    let map = client.multi_status(vec![1, 2, 3]).await.expect("statuses");
    let one = map["1"].as_ref().expect("order 1");
    assert_eq!(one.charge.to_string(), "0.10000000000000000001");
    assert_eq!(one.start_count, Some(9_007_199_254_740_993));
    assert_eq!(one.remains, Some(9_007_199_254_740_993));
    assert_eq!(
        map["2"].as_ref().expect_err("order 2").message,
        "Incorrect order ID"
    );
    let three = map["3"].as_ref().expect("order 3");
    assert_eq!(three.charge.to_string(), "12345678901234567.891");
    assert_eq!(three.remains, None);
    assert_eq!(three.currency.as_deref(), Some("1.10"));

    server.push(Reply::json(
        200,
        r#"{"1": {"charge": 1e999999, "start_count": "1", "status": "Partial", "remains": "1", "currency": "USD"}}"#,
    ));
    match client.multi_status(vec![1]).await {
        Err(Error::Decode { reason, .. }) => assert!(reason.contains("does not fit"), "{reason}"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    server.push(Reply::json(
        200,
        r#"{"1": {"charge": "1", "start_count": 18446744073709551616, "status": "Partial", "remains": "1", "currency": "USD"}}"#,
    ));
    match client.multi_status(vec![1]).await {
        Err(Error::Decode { reason, .. }) => assert!(reason.contains("out of range"), "{reason}"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn virusdie_timestamps_are_exact_whole_seconds() {
    let (server, client) =
        against_mock!(providers::virusdie_partners::Client::builder().api_key("vd-key"));
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "a@example.com",
            "url": "https://virusdie.ru/login/?token=1", "expires": 1716400000.0}}"#,
    ));
    let user = client.user("a@example.com").await.expect("user");
    assert_eq!(user.expires.unix_timestamp(), 1_716_400_000);
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "a@example.com",
            "url": "https://virusdie.ru/login/?token=1", "expires": 1716400000.0000000001}}"#,
    ));
    assert!(matches!(
        client.user("a@example.com").await,
        Err(Error::Decode { .. })
    ));
}

/// The generated `website` union (`integer | string`): a number too large
/// for the integer is the string alternative with the number's exact text.
#[test]
fn virusdie_website_union_keeps_the_exact_text() {
    use providers::virusdie_partners::Website;
    let w: Website = serde_json::from_str("18446744073709551616").expect("website");
    assert_eq!(w, Website::Domain("18446744073709551616".to_owned()));
    let w: Website = serde_json::from_str("9007199254740993").expect("website");
    assert_eq!(w, Website::Id(9_007_199_254_740_993));
    let w: Website = serde_json::from_str("1.10").expect("website");
    assert_eq!(w, Website::Domain("1.10".to_owned()));
}
