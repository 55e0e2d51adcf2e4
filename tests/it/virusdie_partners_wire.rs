//! Virusdie partners API against a real HTTP server on 127.0.0.1: every
//! method's path and query, the `apikey` cookie, the `{status, message, result}`
//! envelope (errors with HTTP 200), the `website` union and UNIX timestamps.

use std::time::Duration;

use providers::virusdie_partners::{Client, Environment, Website};
use providers::Error;
use providers_mock::{MockServer, Recorded, Reply};

use crate::support::{self, against_mock};

const API_KEY: &str = "vd-partner-4c1e8a7b2f";

async fn setup() -> (MockServer, Client) {
    against_mock!(Client::builder().api_key(API_KEY))
}

/// One recorded request: a body-less GET with the key in the `apikey` cookie only.
fn only_request(server: &MockServer, target: &str) -> Recorded {
    let r = support::only_request(server);
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, target);
    assert_eq!(
        r.header("cookie"),
        Some(format!("apikey={API_KEY}").as_str())
    );
    assert_eq!(r.cookies(), vec![("apikey".to_owned(), API_KEY.to_owned())]);
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    assert!(!r.target.contains(API_KEY));
    r
}

#[tokio::test]
async fn add_site_sends_the_domain_in_the_query_and_the_key_as_a_cookie() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"id": 51234, "domain": "example.com"}}"#,
    ));
    let site = client.add_site("example.com").await.expect("site");
    assert_eq!(site.id, 51234);
    assert_eq!(site.domain, "example.com");
    only_request(&server, "/partners-api/add-site/?domain=example.com");
}

#[tokio::test]
async fn delete_site_by_domain() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"id": 51234, "domain": "example.com"}}"#,
    ));
    let site = client
        .delete_site(Website::Domain("example.com".to_owned()))
        .await
        .expect("deleted");
    assert_eq!(site.id, 51234);
    only_request(&server, "/partners-api/delete-site/?website=example.com");
}

#[tokio::test]
async fn delete_site_by_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"id": "51234", "domain": "example.com"}}"#,
    ));
    let site = client
        .delete_site(Website::Id(51234))
        .await
        .expect("deleted");
    assert_eq!(site.id, 51234, "an id sent as a string still decodes");
    assert_eq!(site.domain, "example.com");
    only_request(&server, "/partners-api/delete-site/?website=51234");
}

#[test]
fn website_reads_an_id_first_and_a_domain_otherwise() {
    let id: Website = serde_json::from_value(serde_json::json!(51234)).expect("id");
    assert_eq!(id, Website::Id(51234));
    let domain: Website = serde_json::from_value(serde_json::json!("example.com")).expect("domain");
    assert_eq!(domain, Website::Domain("example.com".to_owned()));
}

#[tokio::test]
async fn activate_site_sends_login_domain_and_rate_and_reads_the_expiry_timestamp() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "customer@example.com",
            "domain": "example.com", "url": "https://virusdie.ru/login/?token=5f2a9c1e",
            "expires": 1716400000}}"#,
    ));
    let act = client
        .activate_site("customer@example.com", "example.com")
        .rate(2)
        .await
        .expect("activated");
    assert_eq!(act.login, "customer@example.com");
    assert_eq!(act.domain, "example.com");
    assert_eq!(act.url, "https://virusdie.ru/login/?token=5f2a9c1e");
    assert_eq!(act.expires.unix_timestamp(), 1_716_400_000);

    let r = only_request(
        &server,
        "/partners-api/activate-site/?login=customer%40example.com&domain=example.com&rate=2",
    );
    assert_eq!(
        r.query_pairs(),
        vec![
            ("login".to_owned(), "customer@example.com".to_owned()),
            ("domain".to_owned(), "example.com".to_owned()),
            ("rate".to_owned(), "2".to_owned()),
        ]
    );
}

#[tokio::test]
async fn activate_site_without_rate_leaves_it_out() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "a@example.com",
            "domain": "example.org", "url": "https://virusdie.ru/login/?token=1", "expires": "1716400000"}}"#,
    ));
    let act = client
        .activate_site("a@example.com", "example.org")
        .await
        .expect("activated");
    assert_eq!(act.expires.unix_timestamp(), 1_716_400_000);
    only_request(
        &server,
        "/partners-api/activate-site/?login=a%40example.com&domain=example.org",
    );
}

#[tokio::test]
async fn activate_site_is_never_retried_and_a_lost_answer_is_outcome_unknown() {
    let (server, client) = setup().await;
    server.push(Reply::text(503, "text/plain", "unavailable"));
    let err = client
        .activate_site("customer@example.com", "example.com")
        .await
        .expect_err("lost");
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn user_returns_a_fresh_login_url() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "customer@example.com",
            "url": "https://virusdie.ru/login/?token=7d4b2e90", "expires": 1716403600}}"#,
    ));
    let user = client.user("customer@example.com").await.expect("user");
    assert_eq!(user.login, "customer@example.com");
    assert_eq!(user.url, "https://virusdie.ru/login/?token=7d4b2e90");
    assert_eq!(user.expires.unix_timestamp(), 1_716_403_600);
    only_request(&server, "/partners-api/user/?login=customer%40example.com");
}

#[tokio::test]
async fn create_user_returns_the_password_only_for_a_new_user() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "customer@example.com",
            "password": "x7Rk2pQa", "url": "https://virusdie.ru/login/?token=1c9e4f02", "expires": 1716400000}}"#,
    ));
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "customer@example.com",
            "url": "https://virusdie.ru/login/?token=2d0f5a13", "expires": 1716400000}}"#,
    ));
    let created = client
        .create_user("customer@example.com")
        .await
        .expect("new");
    assert_eq!(
        created.password.as_ref().map(|p| p.expose()),
        Some("x7Rk2pQa")
    );
    assert!(
        !format!("{created:?}").contains("x7Rk2pQa"),
        "the password never prints"
    );
    assert_eq!(created.url, "https://virusdie.ru/login/?token=1c9e4f02");
    let existing = client
        .create_user("customer@example.com")
        .await
        .expect("existing");
    assert_eq!(existing.password, None);
    assert_eq!(existing.expires.unix_timestamp(), 1_716_400_000);

    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    for r in &seen {
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.target,
            "/partners-api/create-user/?login=customer%40example.com"
        );
        assert_eq!(r.cookies(), vec![("apikey".to_owned(), API_KEY.to_owned())]);
    }
}

#[tokio::test]
async fn delete_user_returns_the_result_as_json() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "customer@example.com", "sites": 2}}"#,
    ));
    let result = client
        .delete_user("customer@example.com")
        .await
        .expect("deleted");
    assert_eq!(
        result,
        serde_json::json!({"login": "customer@example.com", "sites": 2})
    );
    only_request(
        &server,
        "/partners-api/delete-user/?login=customer%40example.com",
    );
}

#[tokio::test]
async fn a_status_other_than_200_with_http_200_is_a_provider_error_and_result_is_not_read() {
    let (server, client) = setup().await;
    // `result` has a shape no `Site` could decode from: it must not be read.
    server.push(Reply::json(
        200,
        r#"{"status": 401, "message": "Invalid API key", "result": "not an object"}"#,
    ));
    let err = client.add_site("example.com").await.expect_err("error");
    match &err {
        Error::Provider {
            status,
            code,
            message,
            ..
        } => {
            assert_eq!(*status, 200);
            assert_eq!(code.as_deref(), Some("401"));
            assert_eq!(message, "Invalid API key");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "virusdie_partners.add-site: provider error 401: Invalid API key"
    );
}

#[tokio::test]
async fn a_status_sent_as_text_still_counts() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"status": "200", "message": "", "result": {"id": 7, "domain": "example.net"}}"#,
    ));
    let site = client.add_site("example.net").await.expect("site");
    assert_eq!(site.id, 7);
}

#[tokio::test]
async fn the_api_key_is_redacted_from_errors() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        format!(r#"{{"status": 403, "message": "Key {API_KEY} is blocked", "result": null}}"#),
    ));
    let err = client
        .user("customer@example.com")
        .await
        .expect_err("blocked");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(API_KEY), "{text}");
    }
    assert!(!format!("{client:?}").contains(API_KEY));
}

#[test]
fn the_default_host_is_virusdie_and_can_be_overridden() {
    let client = Client::builder().api_key(API_KEY).build().expect("client");
    assert_eq!(client.base_url(), "https://virusdie.ru");
    assert_eq!(Environment::default(), Environment::Live);
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url("https://partners.example.test/")
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "https://partners.example.test");
    let err = Client::builder().build().expect_err("no key");
    assert_eq!(
        err.to_string(),
        "virusdie_partners: missing credential `api_key`: call `.api_key(...)` on the builder"
    );
}
