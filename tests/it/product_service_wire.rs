//! Product/Service API against a real HTTP server on 127.0.0.1: the
//! `Validate: Bearer` and `cache-control` headers, every call's form body byte
//! for byte (wire names and typos kept, dates `dd/mm/yyyy`, billing cycles with
//! spaces and hyphens, exact decimals), untyped JSON answers, and errors.

use std::time::Duration;

use providers::product_service::{BillingCycle, Client, CreateRequired, Platform};
use providers::runtime::Date;
use providers::Error;
use providers_mock::{MockServer, Recorded, Reply};

use crate::support::{self, against_mock, dec};

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.c2VydmljZQ.k3Yp";

async fn setup() -> (MockServer, Client) {
    against_mock!(Client::builder().token(TOKEN))
}

fn date(text: &str) -> Date {
    let d = providers::runtime::codec::parse_date(text, "dd/mm/yyyy").expect("a dd/mm/yyyy date");
    // Checked field by field, so the test does not trust the parser it borrows.
    let (day, month, year) = (
        text[..2].parse::<u8>().expect("day"),
        text[3..5].parse::<u8>().expect("month"),
        text[6..].parse::<i32>().expect("year"),
    );
    assert_eq!((d.day(), u8::from(d.month()), d.year()), (day, month, year));
    d
}

/// The one recorded request: a form POST to `path` with exactly this body and both headers.
fn only_request(server: &MockServer, path: &str, body: &str) -> Recorded {
    let r = support::only_request(server);
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, path);
    assert_eq!(
        r.header("validate"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(r.header_all("validate").len(), 1);
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.body_text(), body);
    assert!(!r.body_text().contains(TOKEN));
    r
}

fn required() -> CreateRequired {
    CreateRequired {
        customer_id: 652,
        quantity: 1,
        planid: 172,
        regdate: date("23/07/2019"),
        amount: dec("528.14"),
        recuring_amount: dec("528.14"),
        nextduedate: date("23/07/2020"),
        billingcycle: BillingCycle::Annually,
        first_plan_price: dec("528.14"),
        recuring_plan_price: dec("528.14"),
        plan_billing_cycle: BillingCycle::Annually,
        firstpayment: dec("528.14"),
    }
}

#[tokio::test]
async fn create_sends_all_documented_parameters_in_order_with_their_wire_names() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": "Success", "message": "Service ID: 1334 - Office 365 ( Essential Suite ) service has been created successfully."}"#,
    ));
    let done = client
        .create(required())
        .slserverid("618e16ad6764")
        .serverid(0)
        .pid(0)
        .await
        .expect("created");
    assert_eq!(done.status, "Success");
    assert_eq!(
        done.message,
        "Service ID: 1334 - Office 365 ( Essential Suite ) service has been created successfully."
    );
    let r = only_request(
        &server,
        "/api/v2/service/create",
        "customer_id=652&quantity=1&slserverid=618e16ad6764&serverid=0&planid=172\
         &regdate=23%2F07%2F2019&amount=528.14&recuring_amount=528.14\
         &nextduedate=23%2F07%2F2020&billingcycle=Annually&first_plan_price=528.14\
         &recuring_plan_price=528.14&plan_billing_cycle=Annually&firstpayment=528.14&pid=0",
    );
    let names: Vec<String> = r.form_pairs().into_iter().map(|(k, _)| k).collect();
    assert_eq!(names.len(), 15);
    assert!(names.contains(&"recuring_amount".to_owned()));
}

#[tokio::test]
async fn create_leaves_optional_parameters_out_and_writes_cycles_with_spaces_and_hyphens() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": "Success", "message": "created"}"#,
    ));
    let mut req = required();
    req.billingcycle = BillingCycle::SemiAnnually;
    req.plan_billing_cycle = BillingCycle::FreeTrial;
    req.amount = dec("1234.5678");
    req.recuring_amount = dec("0.15");
    req.regdate = date("01/02/2024");
    req.nextduedate = date("29/02/2028");
    client.create(req).await.expect("created");
    let r = only_request(
        &server,
        "/api/v2/service/create",
        "customer_id=652&quantity=1&planid=172&regdate=01%2F02%2F2024&amount=1234.5678\
         &recuring_amount=0.15&nextduedate=29%2F02%2F2028&billingcycle=Semi-Annually\
         &first_plan_price=528.14&recuring_plan_price=528.14&plan_billing_cycle=Free+Trial\
         &firstpayment=528.14",
    );
    let pairs = r.form_pairs();
    assert!(pairs.contains(&("plan_billing_cycle".to_owned(), "Free Trial".to_owned())));
    assert!(!pairs.iter().any(|(k, _)| k == "pid" || k == "slserverid"));
}

#[tokio::test]
async fn create_answered_with_a_5xx_is_outcome_unknown_and_not_resent() {
    let (server, client) = setup().await;
    server.push(Reply::text(500, "text/html", "<h1>Server Error</h1>"));
    let err = client.create(required()).await.expect_err("lost");
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.request_count(), 1);
}

#[test]
fn the_thirteen_billing_cycles_keep_their_wire_text() {
    let cycles = [
        (BillingCycle::Free, "Free"),
        (BillingCycle::FreeTrial, "Free Trial"),
        (BillingCycle::OneTime, "One Time"),
        (BillingCycle::Hourly, "Hourly"),
        (BillingCycle::Monthly, "Monthly"),
        (BillingCycle::Quarterly, "Quarterly"),
        (BillingCycle::SemiAnnually, "Semi-Annually"),
        (BillingCycle::Annually, "Annually"),
        (BillingCycle::Biennially, "Biennially"),
        (BillingCycle::Triennially, "Triennially"),
        (BillingCycle::Quadrennial, "Quadrennial"),
        (BillingCycle::Quinquennial, "Quinquennial"),
        (BillingCycle::Decennial, "Decennial"),
    ];
    for (cycle, wire) in cycles {
        assert_eq!(cycle.as_str(), wire);
        assert_eq!(BillingCycle::from(wire), cycle);
    }
    assert_eq!(
        BillingCycle::from("Weekly"),
        BillingCycle::Other("Weekly".to_owned())
    );
}

#[tokio::test]
async fn suspend_posts_the_service_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": "Success", "message": "Service has been suspended successfully."}"#,
    ));
    let done = client.suspend(1287).await.expect("suspended");
    assert_eq!(done.message, "Service has been suspended successfully.");
    only_request(&server, "/api/v2/service/suspend", "serviceid=1287");
}

#[tokio::test]
async fn unsuspend_posts_the_service_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": "Success", "message": "Service has been unuspended successfully."}"#,
    ));
    let done = client.unsuspend(1287).await.expect("unsuspended");
    assert_eq!(done.status, "Success");
    assert_eq!(done.message, "Service has been unuspended successfully.");
    only_request(&server, "/api/v2/service/unsuspend", "serviceid=1287");
}

#[tokio::test]
async fn terminate_posts_the_service_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": "Success", "message": "Service has been terminated successfully."}"#,
    ));
    let done = client.terminate(1287).await.expect("terminated");
    assert_eq!(done.message, "Service has been terminated successfully.");
    only_request(&server, "/api/v2/service/terminate", "serviceid=1287");
}

#[tokio::test]
async fn plan_detail_sends_currency_and_pid_and_returns_the_whole_answer_as_json() {
    let (server, client) = setup().await;
    let body = r#"{"status": "Success", "message": "Plan details.", "data": {"planid": 24, "name": "Office 365 Essentials", "price": "528.14"}}"#;
    server.push(Reply::json(200, body));
    let detail = client.plan_detail(24, 1).pid(0).await.expect("plan");
    assert_eq!(
        detail,
        serde_json::from_str::<serde_json::Value>(body).expect("json")
    );
    only_request(
        &server,
        "/api/v2/service/planDetail",
        "planid=24&currency=1&pid=0",
    );
}

#[tokio::test]
async fn cloud_linux_vps_details_sends_currency_id_and_partner_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": "Success", "data": [{"cpu": 2, "ram": "4 GB"}]}"#,
    ));
    let details = client
        .cloud_linux_vps_details(24, Platform::Windows, 1)
        .partner_id(0)
        .await
        .expect("details");
    assert_eq!(details["data"][0]["ram"], "4 GB");
    only_request(
        &server,
        "/api/v2/service/cloud_linux_vps_details",
        "planid=24&platform=Windows&currency_id=1&partner_id=0",
    );
}

#[tokio::test]
async fn a_status_other_than_success_with_http_200_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": "Error", "message": "Invalid token."}"#,
    ));
    let err = client.suspend(1287).await.expect_err("invalid token");
    match &err {
        Error::Provider {
            status,
            code,
            message,
            ..
        } => {
            assert_eq!(*status, 200);
            assert_eq!(code.as_deref(), Some("Error"));
            assert_eq!(message, "Invalid token.");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_http_401_with_the_json_error_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        401,
        r#"{"status": "401", "message": "Token expired."}"#,
    ));
    match client.plan_detail(24, 1).await {
        Err(Error::Provider {
            status,
            code,
            message,
            ..
        }) => {
            assert_eq!(status, 401);
            assert_eq!(code.as_deref(), Some("401"));
            assert_eq!(message, "Token expired.");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_token_is_redacted_from_errors() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        format!(r#"{{"status": "Error", "message": "Token {TOKEN} is invalid"}}"#),
    ));
    let err = client.terminate(1).await.expect_err("invalid");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[test]
fn the_base_url_is_required() {
    let err = Client::builder().token(TOKEN).build().expect_err("no host");
    assert_eq!(
        err.to_string(),
        "product_service: no base URL: call `.base_url(...)`"
    );
    let client = Client::builder()
        .token(TOKEN)
        .base_url("https://billing.example.com")
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "https://billing.example.com");
}
