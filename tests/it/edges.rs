//! The safety promises at their edges, tried as a hostile provider would,
//! against real servers on 127.0.0.1: redirects, the caller's own HTTP client,
//! echoed secrets in every encoding, causes that say what failed, and the
//! provider-neutral JSON interface refusing what it does not know.
//! (The fault matrix in `faults.rs` covers every status 301-308 per call kind.)

use std::time::{Duration, Instant};

use providers::runtime::dynamic::{DynError, JsonClient};
use providers::Error;
use providers_mock::{MockServer, Reply};
use serde_json::json;

use crate::support::{closed_port_url, Capture};

const TOKEN: &str = "TEST:k7/token+with space\"é&<x>'";

fn k7(url: &str) -> providers::k7_antivirus::Client {
    providers::k7_antivirus::Client::builder()
        .token(TOKEN)
        .base_url(url)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

fn texts(e: &dyn std::error::Error) -> String {
    let mut out = format!("{e}\n{e:?}\n");
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(&format!("{s}\n{s:?}\n"));
        cur = s.source();
    }
    out
}

const PURCHASED: &str = r#"{"status": true, "state": "Success", "message": "ok", "serial": "S1", "pin": "P1", "credits_consumed": 1000.0, "id": 7908}"#;

#[tokio::test]
async fn a_purchase_redirected_to_a_down_host_is_outcome_unknown_never_safe_to_retry() {
    for status in [301, 302, 303, 307, 308] {
        let server = MockServer::start().await.expect("server");
        server.push(Reply::new(status).header("location", &format!("{}/paid", closed_port_url())));
        let err = k7(&server.url())
            .purchase(
                "KAP 1PC-1Year",
                "1000".parse().expect("decimal"),
                "order-42",
            )
            .await
            .expect_err("a redirect is not a purchase");
        assert!(
            matches!(&err, Error::OutcomeUnknown { reference: Some(r), .. } if r == "order-42"),
            "{status}: {err:?}"
        );
        assert!(!err.is_safe_to_retry(), "{status}: {err}");
        assert_eq!(server.request_count(), 1, "{status}: sent once");
    }
}

#[tokio::test]
async fn idempotent_calls_follow_same_origin_redirects_as_http_says() {
    // IAK's price list is an idempotent POST with a signed JSON body.
    for (status, method, with_body) in [
        (301, "GET", false),
        (302, "GET", false),
        (303, "GET", false),
        (307, "POST", true),
        (308, "POST", true),
    ] {
        let server = MockServer::start().await.expect("server");
        server.push(Reply::new(status).header("location", "/moved/pricelist?page=1"));
        server.push(Reply::json(
            200,
            r#"{"data": {"pricelist": [], "rc": "00", "message": "SUCCESS"}}"#,
        ));
        let client = providers::iak_prepaid::Client::builder()
            .username("user-0811")
            .api_key("iak-key-73e1")
            .base_url(server.url())
            .build()
            .expect("client");
        let list = client.pricelist().await.expect("followed");
        assert!(list.is_empty());
        let seen = server.requests();
        assert_eq!(seen.len(), 2, "{status}");
        assert_eq!(seen[1].method, method, "{status}");
        assert_eq!(seen[1].target, "/moved/pricelist?page=1", "{status}");
        assert_eq!(!seen[1].body.is_empty(), with_body, "{status}");
        assert_eq!(seen[1].header("referer"), None, "{status}");
        if with_body {
            assert_eq!(seen[1].body, seen[0].body, "{status}: the same bytes");
        } else {
            assert_eq!(seen[1].header("content-type"), None, "{status}");
        }
    }
}

#[tokio::test]
async fn redirect_loops_stop_with_a_redirect_error() {
    let server = MockServer::start().await.expect("server");
    server.set_fallback(Reply::new(302).header("location", "/again"));
    let err = k7(&server.url()).list_products().await.expect_err("a loop");
    assert!(
        matches!(err, Error::Redirect { status: 302, .. }),
        "{err:?}"
    );
    assert_eq!(
        server.request_count(),
        1 + 5,
        "the first request and five hops"
    );
}

#[tokio::test]
async fn a_cross_origin_redirect_names_the_target_and_sends_it_nothing() {
    let server = MockServer::start().await.expect("server");
    let other = MockServer::start().await.expect("server");
    let target = format!("{}/steal?token={}", other.url(), urlencode(TOKEN));
    server.push(Reply::new(307).header("location", &target));
    let err = k7(&server.url())
        .list_products()
        .await
        .expect_err("not followed");
    match &err {
        Error::Redirect {
            status: 307,
            location: Some(l),
            ..
        } => assert!(l.starts_with(&other.url()), "{l}"),
        other => panic!("{other:?}"),
    }
    assert!(!texts(&err).contains("token+with"), "{}", texts(&err));
    assert!(!texts(&err).contains("token%2Bwith"), "{}", texts(&err));
    assert_eq!(other.request_count(), 0);
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[tokio::test]
async fn the_callers_own_client_builder_gets_the_deadline_and_no_redirects() {
    let server = MockServer::start().await.expect("server");
    // Never answers within the deadline.
    server.set_fallback(Reply::json(200, PURCHASED).delay(Duration::from_secs(30)));
    let client = providers::k7_antivirus::Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        // A builder without any timeout and with reqwest's own redirect policy.
        .http_client_builder(
            providers::runtime::reexport::reqwest::Client::builder()
                .redirect(providers::runtime::reexport::reqwest::redirect::Policy::limited(10)),
        )
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client
        .purchase("KAP 1PC-1Year", "1000".parse().expect("decimal"), "order-7")
        .await
        .expect_err("no answer");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&err, Error::OutcomeUnknown { reference: Some(r), .. } if r == "order-7"),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);

    let err = client.list_products().await.expect_err("no answer");
    assert!(
        matches!(
            err,
            Error::Timeout {
                nothing_sent: false,
                ..
            }
        ),
        "{err:?}"
    );

    // The builder's redirect policy is replaced: a same-host 307 is not re-POSTed.
    let server = MockServer::start().await.expect("server");
    server.push(Reply::new(307).header("location", "/again"));
    server.set_fallback(Reply::json(200, PURCHASED));
    let client = providers::k7_antivirus::Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .http_client_builder(providers::runtime::reexport::reqwest::Client::builder())
        .build()
        .expect("client");
    let err = client
        .purchase("KAP 1PC-1Year", "1000".parse().expect("decimal"), "order-8")
        .await
        .expect_err("a redirect is not a purchase");
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(server.request_count(), 1, "the money POST went out once");
}

#[tokio::test]
async fn transport_errors_say_what_failed() {
    let err = k7(&closed_port_url())
        .list_products()
        .await
        .expect_err("refused");
    let shown = err.to_string().to_lowercase();
    assert!(shown.contains("connection refused"), "{shown}");
    assert!(err.is_safe_to_retry(), "nothing was sent: {err}");
    assert!(matches!(
        err,
        Error::Transport {
            nothing_sent: true,
            ..
        }
    ));
}

/// Every form a provider may echo `s` in.
fn echoes(s: &str) -> Vec<String> {
    let json = serde_json::to_string(s).expect("json");
    let json = json[1..json.len() - 1].to_owned();
    let form: String = urlencode(s).replace("%20", "+");
    vec![
        s.to_owned(),
        urlencode(s),
        urlencode(s).to_lowercase(),
        form,
        json.clone(),
        json.replace('/', "\\/"),
        json.replace('é', "\\u00e9").replace('/', "\\/"),
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#039;"),
    ]
}

#[tokio::test]
async fn echoed_credentials_and_signatures_never_print_in_any_encoding() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let username = "user/0811+é";
    let api_key = "key \"73e1\"&<é>/'";
    let sign = format!(
        "{:x}",
        <md5::Md5 as md5::Digest>::digest(format!("{username}{api_key}bl").as_bytes())
    );
    let mut secrets = vec![username.to_owned(), api_key.to_owned(), sign.clone()];
    let mut all_forms = Vec::new();
    for s in &secrets {
        all_forms.extend(echoes(s));
    }
    let echo = all_forms.join(" | ");
    let server = MockServer::start().await.expect("server");
    // Retried (logged at DEBUG), then an undecodable answer.
    server.push(Reply::text(503, "text/html", format!("<p>{echo}</p>")));
    server.push(Reply::text(
        200,
        "text/html",
        format!("<html>{echo} {}", &sign[..12]),
    ));
    let client = providers::iak_prepaid::Client::builder()
        .username(username)
        .api_key(api_key)
        .base_url(server.url())
        .retry(providers::runtime::client::RetryPolicy {
            max_retries: 1,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
        })
        .build()
        .expect("client");
    let err = client.check_balance().await.expect_err("undecodable");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[0].body_text().contains(&sign),
        "the signature was sent: {}",
        seen[0].body_text()
    );
    let logs = capture.text();
    assert!(logs.contains("retrying"), "{logs}");
    let shown = format!("{}\n{logs}", texts(&err));
    secrets.push(sign[..12].to_owned());
    for s in &secrets {
        for form in echoes(s) {
            assert!(!shown.contains(&form), "`{form}` printed:\n{shown}");
        }
    }
}

#[tokio::test]
async fn secret_response_fields_never_print_and_json_calls_mask_them() {
    let server = MockServer::start().await.expect("server");
    // The password decodes; `expires` does not: the excerpt shows the body.
    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "c@example.com", "password": "NewPass-8842", "url": "https://virusdie.ru/login/?t=1", "expires": {"bad": true}}}"#,
    ));
    let client = providers::virusdie_partners::Client::builder()
        .api_key("vd-key-5521")
        .base_url(server.url())
        .build()
        .expect("client");
    let err = client
        .create_user("c@example.com")
        .await
        .expect_err("expires is not a timestamp");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!texts(&err).contains("NewPass-8842"), "{}", texts(&err));
    assert!(
        texts(&err).contains("c@example.com"),
        "the excerpt is still there"
    );

    server.push(Reply::json(
        200,
        r#"{"status": 200, "message": "", "result": {"login": "c@example.com", "password": "NewPass-8842", "url": "https://virusdie.ru/login/?t=1", "expires": 1716400000}}"#,
    ));
    let payload = client
        .call_json("create-user", json!({"login": "c@example.com"}))
        .await
        .expect("created");
    assert_eq!(payload["password"], "***");
    assert_eq!(payload["login"], "c@example.com");
}

#[tokio::test]
async fn json_calls_refuse_unknown_parameters_before_sending() {
    let server = MockServer::start().await.expect("server");
    let client = providers::smm_panel_v2::Client::builder()
        .api_key("smm-key-9921")
        .base_url(server.url())
        .build()
        .expect("client");
    let params =
        json!({"service": 1, "link": "https://x.test/p", "quantity": 100, "comments": "nice\nwow"});
    let err = client
        .call("add_order", params)
        .await
        .expect_err("comments is not a parameter of the default form");
    let DynError::Call(Error::InvalidRequest { reason, .. }) = &err else {
        panic!("{err:?}");
    };
    assert!(reason.contains("`comments`"), "{reason}");
    let err = client
        .call(
            "add_order",
            json!({"service": 1, "link": "l", "quantity": 1, "quantiy": 2}),
        )
        .await
        .expect_err("misspelt");
    assert!(
        err.to_string().contains("did you mean `quantity`?"),
        "{err}"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn dot_segments_in_path_parameters_are_refused() {
    let server = MockServer::start().await.expect("server");
    let client = providers::iak_prepaid::Client::builder()
        .username("user-0811")
        .api_key("iak-key-73e1")
        .base_url(server.url())
        .build()
        .expect("client");
    for value in [".", ".."] {
        let err = client
            .pricelist()
            .product_type(value)
            .await
            .expect_err("would climb out of the path");
        assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
        assert!(err.is_safe_to_retry());
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_byte_order_mark_before_the_json_is_accepted() {
    let server = MockServer::start().await.expect("server");
    server.push(Reply::json(200, "\u{feff}{\"status\": true, \"data\": []}"));
    let products = k7(&server.url()).list_products().await.expect("decoded");
    assert!(products.is_empty());
}
