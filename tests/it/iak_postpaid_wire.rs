//! IAK postpaid against a real HTTP server on 127.0.0.1: every endpoint's
//! request byte for byte (one URL, the operation in `commands`; `sign`
//! recomputed here as md5(username + api_key + X)); the documented answers
//! decoded, `desc` typed per product family with the rest kept; the payment's
//! lost and pending answers carrying the inquiry's `ref_id` for
//! `check_status`; the receipt as a PDF's bytes, its JSON errors read through
//! the envelope, and its size bounded by the body limit.

use std::time::Duration;

use md5::{Digest, Md5};
use providers::iak_postpaid::{
    BillDesc, Client, Environment, PaymentState, PricelistStatus, ProductStatus,
};
use providers::Error;
use providers_mock::{Fault, MockServer, Recorded, Reply};

use crate::support::{self, against_mock, dec};

const USERNAME: &str = "081234567890";
const API_KEY: &str = "iak-postpaid-key-5d21e0";

/// The documented PLN inquiry answer (sandbox number 530000000001).
const PLN_INQUIRY: &str = r#"{"data": {"tr_id": 9732792, "code": "PLNPOSTPAID", "hp": "530000000001",
    "tr_name": "SUBCRIBER NAME", "period": "201608", "nominal": 300000, "admin": 2500,
    "ref_id": "09128374655", "response_code": "00", "message": "INQUIRY SUCCESS", "price": 302500,
    "selling_price": 301900, "desc": {"tarif": "R1", "daya": 1300, "lembar_tagihan": "1",
    "tagihan": {"detail": [{"periode": "201608", "nilai_tagihan": "300000", "admin": "2500",
    "denda": "0", "total": 302500}]}}}, "meta": []}"#;

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

/// The one recorded request: a JSON POST to `path` with exactly this body,
/// and the api_key nowhere.
fn only_post(server: &MockServer, path: &str, body: &str) -> Recorded {
    let r = support::only_request(server);
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, path);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.body_text(), body);
    let raw = format!("{}{}", r.head_text(), r.body_text());
    assert!(
        !raw.contains(API_KEY),
        "the api_key went on the wire: {raw}"
    );
    r
}

// ---- pricelist ----

#[tokio::test]
async fn pricelist_sends_its_command_signed_with_pl_and_decodes_the_documented_list() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"pasca": [
            {"code": "AETRA", "name": "AETRA", "status": 1, "fee": 2500, "komisi": 700, "type": "pdam", "category": "postpaid"},
            {"code": "BPJS", "name": "BPJS Kesehatan", "status": 4, "fee": "2000.50", "komisi": 100, "type": "bpjs", "category": "postpaid"}
        ]}, "meta": []}"#,
    ));
    let list = client
        .pricelist()
        .status(PricelistStatus::All)
        .await
        .expect("pricelist");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].code, "AETRA");
    assert_eq!(list[0].status, ProductStatus::Active);
    assert_eq!(list[0].fee, dec("2500"));
    assert_eq!(list[0].commission, dec("700"));
    assert_eq!(list[0].product_type, "pdam");
    assert_eq!(list[0].category, "postpaid");
    assert_eq!(list[0].province, None);
    assert_eq!(list[1].status, ProductStatus::NonActive);
    assert_eq!(list[1].fee.to_string(), "2000.50");

    only_post(
        &server,
        "/api/v1/bill/check",
        &format!(
            r#"{{"username":"{USERNAME}","sign":"{}","commands":"pricelist-pasca","status":"all"}}"#,
            sign("pl")
        ),
    );
}

#[tokio::test]
async fn pricelist_of_one_type_has_the_optional_path_segment_and_the_pdam_province() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"pasca": [{"code": "PDAMBDG", "name": "PDAM KOTA BANDUNG", "status": 1,
            "fee": 2500, "komisi": 700, "type": "pdam", "category": "postpaid", "province": "Jawa Barat"}]}, "meta": []}"#,
    ));
    let list = client
        .pricelist()
        .product_type("pdam")
        .status(PricelistStatus::NonActive)
        .province("Jawa Barat")
        .await
        .expect("pricelist");
    assert_eq!(list[0].province.as_deref(), Some("Jawa Barat"));
    only_post(
        &server,
        "/api/v1/bill/check/pdam",
        &format!(
            r#"{{"username":"{USERNAME}","sign":"{}","commands":"pricelist-pasca","status":"non active","province":"Jawa Barat"}}"#,
            sign("pl")
        ),
    );
}

#[tokio::test]
async fn a_pricelist_answer_without_products_is_a_provider_error_with_its_code() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"response_code": "107", "message": "IP NOT ALLOWED"}, "meta": []}"#,
    ));
    match client.pricelist().await {
        Err(Error::Provider { code, message, .. }) => {
            assert_eq!(code.as_deref(), Some("107"));
            assert_eq!(message, "IP NOT ALLOWED");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    // Without a status, none is sent (IAK documents no default for postpaid).
    only_post(
        &server,
        "/api/v1/bill/check",
        &format!(
            r#"{{"username":"{USERNAME}","sign":"{}","commands":"pricelist-pasca"}}"#,
            sign("pl")
        ),
    );
}

// ---- inquiry ----

#[tokio::test]
async fn inquiry_signs_with_ref_id_and_types_the_pln_desc() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, PLN_INQUIRY));
    let bill = client
        .inquiry("PLNPOSTPAID", "530000000001", "09128374655")
        .await
        .expect("bill");
    assert_eq!(bill.tr_id, 9732792);
    assert_eq!(bill.code, "PLNPOSTPAID");
    assert_eq!(bill.hp, "530000000001");
    assert_eq!(bill.tr_name, "SUBCRIBER NAME");
    assert_eq!(bill.period, "201608");
    assert_eq!(bill.nominal, dec("300000"));
    assert_eq!(bill.admin, dec("2500"));
    assert_eq!(bill.price, dec("302500"));
    assert_eq!(bill.selling_price, dec("301900"));
    assert_eq!(bill.ref_id, "09128374655");
    assert_eq!(bill.message, "INQUIRY SUCCESS");
    let Some(BillDesc::Pln(pln)) = &bill.desc else {
        panic!("a PLN desc, got {:?}", bill.desc)
    };
    assert_eq!(pln.tariff, "R1");
    assert_eq!(pln.power, 1300);
    assert_eq!(pln.months, 1, "`lembar_tagihan` is sent as text");
    assert!(pln.other.is_empty(), "{:?}", pln.other);
    let month = &pln.invoices.detail[0];
    assert_eq!(month.period, "201608");
    assert_eq!(month.amount, dec("300000"));
    assert_eq!(month.admin, dec("2500"));
    assert_eq!(month.penalty, Some(dec("0")));
    assert_eq!(month.total, dec("302500"));

    only_post(
        &server,
        "/api/v1/bill/check",
        &format!(
            r#"{{"username":"{USERNAME}","sign":"{}","commands":"inq-pasca","code":"PLNPOSTPAID","hp":"530000000001","ref_id":"09128374655"}}"#,
            sign("09128374655")
        ),
    );
}

#[tokio::test]
async fn the_untyped_remainder_of_a_desc_is_kept_with_its_digits() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"tr_id": 1, "code": "PLNPOSTPAID", "hp": "530000000002", "tr_name": "X",
            "period": "201607,201608", "nominal": "600000.25", "admin": 5000, "ref_id": "r2",
            "response_code": "00", "message": "INQUIRY SUCCESS", "price": 605000.25, "selling_price": 603800,
            "desc": {"tarif": "R1", "daya": "1300", "lembar_tagihan": 2, "stand_meter": "00012345-00013345",
              "nilai_rupiah": 12345678901234567.891,
              "tagihan": {"detail": [
                {"periode": "201607", "nilai_tagihan": "300000", "admin": "2500", "total": 302500, "meter_awal": "00012345"},
                {"periode": "201608", "nilai_tagihan": "300000.25", "admin": "2500", "denda": "3000", "total": "305500.25"}]}}},
            "meta": []}"#,
    ));
    let bill = client
        .inquiry("PLNPOSTPAID", "530000000002", "r2")
        .await
        .expect("bill");
    assert_eq!(bill.nominal, dec("600000.25"));
    assert_eq!(bill.price, dec("605000.25"));
    let Some(BillDesc::Pln(pln)) = &bill.desc else {
        panic!("a PLN desc, got {:?}", bill.desc)
    };
    assert_eq!((pln.power, pln.months), (1300, 2));
    assert_eq!(
        pln.other.keys().collect::<Vec<_>>(),
        ["nilai_rupiah", "stand_meter"]
    );
    assert_eq!(pln.other["stand_meter"], "00012345-00013345");
    let details = &pln.invoices.detail;
    assert_eq!(details[0].penalty, None);
    assert_eq!(details[0].other["meter_awal"], "00012345");
    assert_eq!(details[1].amount.to_string(), "300000.25");
    assert_eq!(details[1].total.to_string(), "305500.25");
    assert!(details[1].other.is_empty());
}

#[tokio::test]
async fn other_product_families_and_empty_descs_are_kept_as_json() {
    for (desc, expected) in [
        (
            r#"{"misc_fee": 0, "item_name": "HONDA VARIO", "tenor": "030", "installment": 657695}"#,
            serde_json::json!({"misc_fee": 0, "item_name": "HONDA VARIO", "tenor": "030", "installment": 657695}),
        ),
        ("[]", serde_json::json!([])),
        (r#""""#, serde_json::json!("")),
    ] {
        let (server, client) = setup().await;
        server.push(Reply::json(
            200,
            format!(
                r#"{{"data": {{"tr_id": 268137898, "code": "FNMEGA", "hp": "6391600000", "tr_name": "TESTING",
                "period": "", "nominal": 1250000, "admin": 3000, "ref_id": "r3", "response_code": "00",
                "message": "INQUIRY SUCCESS", "price": 1253000, "selling_price": 1252500, "desc": {desc}}}, "meta": []}}"#
            ),
        ));
        let bill = client
            .inquiry("FNMEGA", "6391600000", "r3")
            .await
            .expect("bill");
        assert_eq!(bill.desc, Some(BillDesc::Other(expected)), "{desc}");
    }
}

#[tokio::test]
async fn inquiry_errors_of_the_sandbox_numbers_carry_their_codes() {
    for (hp, code, message) in [
        ("530000000004", "01", "INVOICE HAS BEEN PAID"),
        ("530000000005", "14", "INCORRECT DESTINATION NUMBER"),
    ] {
        let (server, client) = setup().await;
        server.push(Reply::json(
            200,
            format!(
                r#"{{"data": {{"response_code": "{code}", "message": "{message}"}}, "meta": []}}"#
            ),
        ));
        match client.inquiry("PLNPOSTPAID", hp, "ref-x").await {
            Err(Error::Provider {
                status,
                code: got,
                message: text,
                ..
            }) => {
                assert_eq!(status, 200);
                assert_eq!(got.as_deref(), Some(code));
                assert_eq!(text, message);
            }
            other => panic!("{hp}: expected a provider error, got {other:?}"),
        }
    }
}

// ---- payment ----

#[tokio::test]
async fn payment_sends_only_tr_id_signed_with_it_and_reads_the_jakarta_datetime() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"tr_id": 9732792, "code": "PLNPOSTPAID", "datetime": "20180803171608",
            "hp": "530000000001", "tr_name": "SUBCRIBER NAME", "period": "201608", "nominal": 300000,
            "admin": 2500, "response_code": "00", "message": "PAYMENT SUCCESS", "price": 302500,
            "selling_price": 301900, "balance": 996850749, "noref": "0000000252", "ref_id": "09128374655",
            "desc": {"tarif": "R1", "daya": 1300, "lembar_tagihan": "1", "tagihan": {"detail": []}}}, "meta": []}"#,
    ));
    let paid = client
        .payment(9732792, "09128374655")
        .await
        .expect("payment");
    assert_eq!(paid.tr_id, 9732792);
    assert_eq!(paid.message, "PAYMENT SUCCESS");
    assert_eq!(paid.balance, dec("996850749"));
    assert_eq!(paid.noref.as_deref(), Some("0000000252"));
    assert_eq!(paid.ref_id, "09128374655");
    // 17:16:08 in Jakarta is 10:16:08 UTC.
    assert_eq!(paid.datetime.unix_timestamp(), 1533291368);
    assert_eq!(paid.datetime.offset().whole_hours(), 7);
    assert_eq!(
        (
            paid.datetime.year(),
            u8::from(paid.datetime.month()),
            paid.datetime.day()
        ),
        (2018, 8, 3)
    );
    assert_eq!(
        (
            paid.datetime.hour(),
            paid.datetime.minute(),
            paid.datetime.second()
        ),
        (17, 16, 8)
    );

    // `ref_id` is the client's own: not in the body, the query or the head.
    let r = only_post(
        &server,
        "/api/v1/bill/check",
        &format!(
            r#"{{"username":"{USERNAME}","sign":"{}","commands":"pay-pasca","tr_id":9732792}}"#,
            sign("9732792")
        ),
    );
    assert!(!r.head_text().contains("09128374655"));
}

#[tokio::test]
async fn a_pending_payment_carries_the_inquiry_ref_id_for_check_status() {
    for code in ["39", "05"] {
        let (server, client) = setup().await;
        server.push(Reply::json(
            200,
            format!(
                r#"{{"data": {{"tr_id": 9732799, "response_code": "{code}", "message": "PENDING / TRANSACTION IN PROCESS", "ref_id": "09128374659"}}, "meta": []}}"#
            ),
        ));
        let err = client
            .payment(9732799, "09128374659")
            .await
            .expect_err("pending");
        match &err {
            Error::Pending {
                code: got,
                message,
                reference,
                payload,
                ..
            } => {
                assert_eq!(got.as_deref(), Some(code));
                assert_eq!(message, "PENDING / TRANSACTION IN PROCESS");
                assert_eq!(reference.as_deref(), Some("09128374659"));
                assert_eq!(payload.as_deref().expect("data")["tr_id"], 9732799);
            }
            other => panic!("{code}: expected pending, got {other:?}"),
        }
        assert!(!err.is_safe_to_retry());
        assert_eq!(server.request_count(), 1);
    }
}

#[tokio::test]
async fn a_lost_payment_answer_is_outcome_unknown_with_the_ref_id_and_never_resent() {
    for reply in [
        Reply::text(502, "text/html", "<html>Bad gateway</html>"),
        Reply::json(200, r#"{"data": {"tr_id": 1, "resp"#),
        Reply::json(200, PLN_INQUIRY).fault(Fault::ResetMidBody),
    ] {
        let (server, client) = setup().await;
        server.push(reply);
        let err = client
            .payment(9732792, "09128374655")
            .await
            .expect_err("lost");
        assert!(
            matches!(&err, Error::OutcomeUnknown { reference: Some(r), .. } if r == "09128374655"),
            "{err:?}"
        );
        assert!(err.to_string().contains("reference 09128374655"), "{err}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(server.request_count(), 1, "a payment is never sent twice");
    }
}

#[tokio::test]
async fn a_payment_without_an_answer_in_time_is_outcome_unknown_with_the_ref_id() {
    let server = support::mock().await;
    let client = Client::builder()
        .username(USERNAME)
        .api_key(API_KEY)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    server.push(Reply::json(200, PLN_INQUIRY).delay(Duration::from_secs(2)));
    let err = client
        .payment(9732792, "09128374655")
        .await
        .expect_err("timeout");
    assert!(
        matches!(&err, Error::OutcomeUnknown { reference: Some(r), .. } if r == "09128374655"),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn balance_not_enough_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"response_code": "17", "message": "BALANCE NOT ENOUGH"}, "meta": []}"#,
    ));
    match client.payment(9732800, "09128374660").await {
        Err(Error::Provider { code, message, .. }) => {
            assert_eq!(code.as_deref(), Some("17"));
            assert_eq!(message, "BALANCE NOT ENOUGH");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

// ---- check status ----

#[tokio::test]
async fn check_status_signs_with_cs_and_types_the_telephone_desc() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"tr_id": 9732795, "code": "TELKOMPSTN", "datetime": "20180803171608",
            "hp": "6391601202", "tr_name": "JAORAH", "period": "201405,201407", "nominal": 129610,
            "admin": 7500, "status": 1, "response_code": "00", "message": "PAYMENT SUCCESS",
            "price": 137110, "selling_price": 133510, "balance": 996850749, "noref": "1609626",
            "ref_id": "091283746520", "desc": {"kode_area": "0751", "divre": "01", "datel": "PADANG",
            "jumlah_tagihan": 2, "tagihan": {"detail": [
              {"periode": "201405", "nilai_tagihan": "64805", "admin": "3750", "total": 68555},
              {"periode": "201407", "nilai_tagihan": "64805", "admin": "3750", "total": 68555}]}}},
            "meta": []}"#,
    ));
    let st = client.check_status("091283746520").await.expect("status");
    assert_eq!(st.status, PaymentState::Success);
    assert_eq!(st.tr_id, 9732795);
    assert_eq!(st.period, "201405,201407");
    assert_eq!(st.datetime.unix_timestamp(), 1533291368);
    let Some(BillDesc::Telephone(tel)) = &st.desc else {
        panic!("a telephone desc, got {:?}", st.desc)
    };
    assert_eq!(tel.area_code, "0751");
    assert_eq!(tel.datel, "PADANG");
    assert_eq!(tel.months, 2);
    assert_eq!(tel.invoices.detail.len(), 2);
    assert_eq!(tel.invoices.detail[1].total, dec("68555"));

    only_post(
        &server,
        "/api/v1/bill/check",
        &format!(
            r#"{{"username":"{USERNAME}","sign":"{}","commands":"checkstatus","ref_id":"091283746520"}}"#,
            sign("cs")
        ),
    );
}

#[tokio::test]
async fn check_status_not_received_is_an_error_and_in_process_is_pending() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"data": {"status": 0, "response_code": "42", "message": "PAYMENT REQUEST HAVEN'T BEEN RECEIVED"}, "meta": []}"#,
    ));
    server.push(Reply::json(
        200,
        r#"{"data": {"status": 3, "response_code": "39", "message": "PENDING / TRANSACTION IN PROCESS"}, "meta": []}"#,
    ));
    match client.check_status("r42").await {
        Err(Error::Provider { code, .. }) => assert_eq!(code.as_deref(), Some("42")),
        other => panic!("expected a provider error, got {other:?}"),
    }
    match client.check_status("r39").await {
        Err(Error::Pending {
            code, reference, ..
        }) => {
            assert_eq!(code.as_deref(), Some("39"));
            assert_eq!(reference.as_deref(), Some("r39"));
        }
        other => panic!("expected pending, got {other:?}"),
    }
}

// ---- receipt ----

/// A PDF's first bytes and some that are not UTF-8.
const PDF: &[u8] =
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n\x00\xff\n%%EOF\n";

#[tokio::test]
async fn the_receipt_is_the_pdf_as_sent_from_an_unsigned_get() {
    let (server, client) = setup().await;
    server.push(Reply::text(200, "application/pdf", PDF));
    let receipt = client.receipt(9732792).await.expect("receipt");
    assert_eq!(receipt.bytes, PDF);
    assert_eq!(receipt.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(receipt.media_type().as_deref(), Some("application/pdf"));

    let r = support::only_request(&server);
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, "/api/v1/download/9732792");
    assert_eq!(r.header("accept"), Some("*/*"));
    assert_eq!(r.header("content-type"), None);
    assert!(r.body.is_empty());
    let raw = r.head_text();
    assert!(!raw.contains(USERNAME) && !raw.contains(API_KEY), "{raw}");
}

#[tokio::test]
async fn a_receipt_answered_with_json_is_read_through_the_envelope() {
    // PHP servers send JSON as text/html: the body decides.
    for content_type in ["application/json", "text/html; charset=UTF-8"] {
        let (server, client) = setup().await;
        server.push(Reply::text(
            200,
            content_type,
            r#"{"data": {"response_code": "42", "message": "PAYMENT REQUEST HAVEN'T BEEN RECEIVED"}, "meta": []}"#,
        ));
        match client.receipt(9732799).await {
            Err(Error::Provider { code, message, .. }) => {
                assert_eq!(code.as_deref(), Some("42"));
                assert_eq!(message, "PAYMENT REQUEST HAVEN'T BEEN RECEIVED");
            }
            other => panic!("{content_type}: expected a provider error, got {other:?}"),
        }
    }
    // A JSON success is returned as the document it is.
    let (server, client) = setup().await;
    let json = r#"{"data": {"response_code": "00", "message": "SUCCESS"}}"#;
    server.push(Reply::json(200, json));
    let doc = client.receipt(1).await.expect("document");
    assert_eq!(doc.bytes, json.as_bytes());
    assert_eq!(doc.content_type.as_deref(), Some("application/json"));
}

#[tokio::test]
async fn a_receipt_over_the_body_limit_is_refused_and_an_error_page_is_an_http_error() {
    let server = support::mock().await;
    let client = Client::builder()
        .username(USERNAME)
        .api_key(API_KEY)
        .base_url(server.url())
        .max_body_bytes(64)
        .build()
        .expect("client");
    server.push(Reply::text(200, "application/pdf", vec![b'%'; 65]));
    match client.receipt(1).await {
        Err(Error::BodyTooLarge { limit, .. }) => assert_eq!(limit, 64),
        other => panic!("expected a body too large, got {other:?}"),
    }
    server.push(Reply::text(200, "application/pdf", vec![b'%'; 64]));
    assert_eq!(
        client.receipt(1).await.expect("at the limit").bytes.len(),
        64
    );

    server.push(Reply::text(404, "text/html", "<html>no receipt</html>"));
    match client.receipt(2).await {
        Err(Error::HttpStatus {
            status, excerpt, ..
        }) => {
            assert_eq!(status, 404);
            assert_eq!(excerpt.text, "<html>no receipt</html>");
        }
        other => panic!("expected an HTTP status error, got {other:?}"),
    }
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
        "iak_postpaid: no base URL: call `.base_url(...)` or `.environment(...)`"
    );
    let client = Client::builder()
        .username(USERNAME)
        .api_key(API_KEY)
        .environment(Environment::Production)
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "https://mobilepulsa.net");
    assert_eq!(
        Environment::Development.base_url(),
        "https://testpostpaid.mobilepulsa.net"
    );
    assert!(!format!("{client:?}").contains(API_KEY));
}
