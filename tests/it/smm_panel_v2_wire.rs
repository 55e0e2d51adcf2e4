//! SMM panel API v2 against a real HTTP server on 127.0.0.1: every method's
//! form body byte for byte (`key`, `action`, parameters), the documented
//! answers, per-item errors of every batch call, the 100-id limit checked
//! before sending, and the variations between panels (numbers as strings or
//! numbers, `remains: "Unknown"`, extra fields, other answer shapes).

use std::time::Duration;

use providers::runtime::{Date, Month};
use providers::smm_panel_v2::{
    AddMentionsWithHashtagsOrderRequired, AddSubscriptionRequired, Client, Environment, OrderState,
    RefillState, ServiceType,
};
use providers::Error;
use providers_mock::{MockServer, Recorded, Reply};

use crate::support::{self, against_mock, dec};

const KEY: &str = "3f9a1c7e5b2d8046";

async fn setup() -> (MockServer, Client) {
    against_mock!(Client::builder().api_key(KEY))
}

/// The one recorded request: a form POST to /api/v2 with exactly this body.
fn only_request(server: &MockServer, body: &str) -> Recorded {
    let r = support::only_request(server);
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/api/v2");
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.body_text(), body);
    assert!(r.cookies().is_empty());
    r
}

fn ids(n: i64) -> Vec<i64> {
    (1..=n).collect()
}

fn assert_refused_before_sending(err: Error, server: &MockServer, name: &str) {
    match &err {
        Error::InvalidRequest { reason, .. } => {
            assert!(reason.contains(&format!("`{name}`")), "{reason}");
            assert!(reason.contains("at most 100"), "{reason}");
            assert!(reason.contains("101"), "{reason}");
        }
        other => panic!("expected an invalid request, got {other:?}"),
    }
    assert_eq!(server.request_count(), 0, "nothing may be sent");
}

// ---- services ----

#[tokio::test]
async fn services_posts_key_and_action_and_decodes_the_documented_list() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"[{"service": 1, "name": "Followers", "type": "Default", "category": "First Category",
             "rate": "0.90", "min": "50", "max": "10000", "refill": true, "cancel": true}]"#,
    ));
    let services = client.services().await.expect("services");
    assert_eq!(services.len(), 1);
    let s = &services[0];
    assert_eq!(s.service, 1);
    assert_eq!(s.name, "Followers");
    assert_eq!(s.service_type, ServiceType::Default);
    assert_eq!(s.category, "First Category");
    assert_eq!(s.rate, dec("0.90"));
    assert_eq!(s.rate.to_string(), "0.90");
    assert_eq!(s.min, 50);
    assert_eq!(s.max, 10000);
    assert_eq!(s.refill, Some(true));
    assert_eq!(s.cancel, Some(true));
    assert_eq!(s.desc, None);
    assert_eq!(s.dripfeed, None);
    only_request(&server, &format!("key={KEY}&action=services"));
}

#[tokio::test]
async fn services_from_other_panels_swap_strings_and_numbers_and_add_fields() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"[{"service": "1", "name": "Followers", "type": "Default", "category": "First Category",
             "rate": 0.9, "min": 50, "max": "10000", "refill": "1", "cancel": 0,
             "desc": "Real followers, 30 days refill", "dripfeed": true, "average_time": "2 hours"},
            {"service": 2, "name": "Likes", "type": "Custom Comments", "category": "Second",
             "rate": "1.2345", "min": 10, "max": 500}]"#,
    ));
    let services = client.services().await.expect("services");
    assert_eq!(services[0].service, 1);
    assert_eq!(services[0].rate, dec("0.9"));
    assert_eq!(services[0].min, 50);
    assert_eq!(services[0].max, 10000);
    assert_eq!(services[0].refill, Some(true));
    assert_eq!(services[0].cancel, Some(false));
    assert_eq!(
        services[0].desc.as_deref(),
        Some("Real followers, 30 days refill")
    );
    assert_eq!(services[0].dripfeed, Some(true));
    assert_eq!(services[1].rate, dec("1.2345"));
    assert_eq!(services[1].refill, None);
}

#[tokio::test]
async fn an_error_object_with_http_200_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, r#"{"error": "Invalid api key"}"#));
    let err = client.services().await.expect_err("invalid key");
    match &err {
        Error::Provider {
            status,
            code,
            message,
            ..
        } => {
            assert_eq!(*status, 200);
            assert_eq!(*code, None);
            assert_eq!(message, "Invalid api key");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "smm_panel_v2.services: provider error: Invalid api key"
    );
}

// ---- add ----

#[tokio::test]
async fn add_order_posts_service_link_and_quantity() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, r#"{ "order": 23501 }"#));
    let added = client
        .add_order(1, "https://www.instagram.com/example", 100)
        .await
        .expect("order");
    assert_eq!(added.order, 23501);
    assert_eq!(added.status, None);
    let r = only_request(
        &server,
        &format!(
            "key={KEY}&action=add&service=1&link=https%3A%2F%2Fwww.instagram.com%2Fexample&quantity=100"
        ),
    );
    assert_eq!(
        r.form_pairs(),
        vec![
            ("key".to_owned(), KEY.to_owned()),
            ("action".to_owned(), "add".to_owned()),
            ("service".to_owned(), "1".to_owned()),
            (
                "link".to_owned(),
                "https://www.instagram.com/example".to_owned()
            ),
            ("quantity".to_owned(), "100".to_owned()),
        ]
    );
}

#[tokio::test]
async fn add_order_with_drip_feed_and_a_panel_that_adds_status_success() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, r#"{"status": "success", "order": 151}"#));
    let added = client
        .add_order(7, "https://example.com/a page", 1000)
        .runs(5)
        .interval(30)
        .await
        .expect("order");
    assert_eq!(added.order, 151);
    assert_eq!(added.status.as_deref(), Some("success"));
    only_request(
        &server,
        &format!(
            "key={KEY}&action=add&service=7&link=https%3A%2F%2Fexample.com%2Fa+page&quantity=1000&runs=5&interval=30"
        ),
    );
}

#[tokio::test]
async fn add_order_reads_an_order_id_sent_as_text() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, r#"{"order": "23501"}"#));
    let added = client
        .add_order(1, "https://x.example", 100)
        .await
        .expect("order");
    assert_eq!(added.order, 23501);
}

#[tokio::test]
async fn add_order_refused_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"error": "Not enough funds on balance"}"#,
    ));
    match client.add_order(1, "https://x.example", 100000).await {
        Err(Error::Provider { code, message, .. }) => {
            assert_eq!(code, None);
            assert_eq!(message, "Not enough funds on balance");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_lost_add_order_answer_is_outcome_unknown_and_not_resent() {
    let server = MockServer::start().await.expect("mock server");
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    server.push(Reply::json(200, r#"{"order": 1}"#).delay(Duration::from_secs(2)));
    let err = client
        .add_order(1, "https://x.example", 100)
        .await
        .expect_err("timeout");
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert!(!err.is_safe_to_retry());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.request_count(), 1);
}

// ---- the other order forms ----

/// Places one order with `call`, answered `{"order": 23501}`, and checks the
/// form body sent after `key=...&action=add&`.
async fn assert_form(
    rest: &str,
    call: impl FnOnce(
        &Client,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<i64, Error>> + Send + '_>,
    >,
) {
    let (server, client) = setup().await;
    server.push(Reply::json(200, r#"{"order": 23501}"#));
    assert_eq!(call(&client).await.expect("order"), 23501);
    only_request(&server, &format!("key={KEY}&action=add&{rest}"));
}

#[tokio::test]
async fn every_order_form_sends_exactly_its_fields() {
    assert_form("service=3&link=https%3A%2F%2Fx.example%2Fp", |c| {
        Box::pin(async move { Ok(c.add_package_order(3, "https://x.example/p").await?.order) })
    })
    .await;
    assert_form(
        "service=6&link=https%3A%2F%2Fx.example%2Fp&quantity=1000&hashtag=%23goodphoto",
        |c| {
            Box::pin(async move {
                Ok(
                    c.add_mentions_hashtag_order(6, "https://x.example/p", 1000, "#goodphoto")
                        .await?
                        .order,
                )
            })
        },
    )
    .await;
    assert_form(
        "service=7&link=https%3A%2F%2Fx.example%2Fp&quantity=1000&username=test",
        |c| {
            Box::pin(async move {
                Ok(
                    c.add_mentions_user_followers_order(7, "https://x.example/p", 1000, "test")
                        .await?
                        .order,
                )
            })
        },
    )
    .await;
    assert_form(
        "service=8&link=https%3A%2F%2Fx.example%2Fp&quantity=1000&media=https%3A%2F%2Fx.example%2Fo",
        |c| {
            Box::pin(async move {
                Ok(c.add_mentions_media_likers_order(
                    8,
                    "https://x.example/p",
                    1000,
                    "https://x.example/o",
                )
                .await?
                .order)
            })
        },
    )
    .await;
    assert_form(
        "service=10&link=https%3A%2F%2Fx.example%2Fp&quantity=100&username=owner",
        |c| {
            Box::pin(async move {
                Ok(
                    c.add_comment_likes_order(10, "https://x.example/p", 100, "owner")
                        .await?
                        .order,
                )
            })
        },
    )
    .await;
    assert_form(
        "service=11&link=https%3A%2F%2Ft.me%2Fx%2F42&quantity=100&answer_number=2",
        |c| {
            Box::pin(async move {
                Ok(c.add_poll_order(11, "https://t.me/x/42", 100, 2)
                    .await?
                    .order)
            })
        },
    )
    .await;
}

#[tokio::test]
async fn comments_and_usernames_go_one_per_line() {
    assert_form(
        "service=2&link=https%3A%2F%2Fx.example%2Fp&comments=Great+photo%21%0ALove+it%0A%F0%9F%94%A5",
        |c| {
            Box::pin(async move {
                let comments = vec!["Great photo!".into(), "Love it".into(), "🔥".into()];
                Ok(c.add_custom_comments_order(2, "https://x.example/p", comments)
                    .await?
                    .order)
            })
        },
    )
    .await;
    assert_form(
        "service=5&link=https%3A%2F%2Fx.example%2Fp&usernames=test%0Atesting",
        |c| {
            Box::pin(async move {
                let names = vec!["test".into(), "testing".into()];
                Ok(
                    c.add_mentions_custom_list_order(5, "https://x.example/p", names)
                        .await?
                        .order,
                )
            })
        },
    )
    .await;
    assert_form(
        "service=4&link=https%3A%2F%2Fx.example%2Fp&quantity=1000&usernames=test%0Atesting&hashtags=%23goodphoto%0A%23love",
        |c| {
            Box::pin(async move {
                Ok(c.add_mentions_with_hashtags_order(AddMentionsWithHashtagsOrderRequired {
                    service: 4,
                    link: "https://x.example/p".into(),
                    quantity: 1000,
                    usernames: vec!["test".into(), "testing".into()],
                    hashtags: vec!["#goodphoto".into(), "#love".into()],
                })
                .await?
                .order)
            })
        },
    )
    .await;
}

#[tokio::test]
async fn a_comment_with_a_line_break_is_refused_before_sending() {
    let (server, client) = setup().await;
    let err = client
        .add_custom_comments_order(
            2,
            "https://x.example/p",
            vec!["ok".into(), "two\nlines".into()],
        )
        .await
        .expect_err("would be two comments");
    match &err {
        Error::InvalidRequest { reason, .. } => {
            assert!(reason.contains("item 2 of `comments`"), "{reason}");
        }
        other => panic!("expected an invalid request, got {other:?}"),
    }
    assert!(err.is_safe_to_retry());
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_subscription_sends_its_expiry_day_first() {
    let expiry = Date::from_calendar_date(2022, Month::November, 3).expect("date");
    assert_form(
        "service=9&username=test&min=100&max=110&posts=5&old_posts=2&delay=30&expiry=03%2F11%2F2022",
        |c| {
            Box::pin(async move {
                Ok(c.add_subscription(AddSubscriptionRequired {
                    service: 9,
                    username: "test".into(),
                    min: 100,
                    max: 110,
                    delay: 30,
                })
                .posts(5)
                .old_posts(2)
                .expiry(expiry)
                .await?
                .order)
            })
        },
    )
    .await;
    // Without the optional fields, none of them is sent.
    assert_form("service=9&username=test&min=100&max=110&delay=0", |c| {
        Box::pin(async move {
            Ok(c.add_subscription(AddSubscriptionRequired {
                service: 9,
                username: "test".into(),
                min: 100,
                max: 110,
                delay: 0,
            })
            .await?
            .order)
        })
    })
    .await;
}

#[tokio::test]
async fn drip_feed_runs_and_interval_go_together() {
    let (server, client) = setup().await;
    for err in [
        client.add_order(1, "https://x.example", 100).runs(5).await,
        client
            .add_order(1, "https://x.example", 100)
            .interval(30)
            .await,
    ] {
        match err {
            Err(Error::InvalidRequest { reason, .. }) => {
                assert!(
                    reason.contains("may only be given together with"),
                    "{reason}"
                );
            }
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn service_types_name_the_order_form() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"[{"service": 1, "name": "a", "type": "Default", "category": "c", "rate": "1", "min": 1, "max": 2},
            {"service": 2, "name": "b", "type": "Custom Comments", "category": "c", "rate": "1", "min": 1, "max": 2},
            {"service": 3, "name": "c", "type": "Mentions with Hashtags", "category": "c", "rate": "1", "min": 1, "max": 2},
            {"service": 4, "name": "d", "type": "Subscriptions", "category": "c", "rate": "1", "min": 1, "max": 2},
            {"service": 5, "name": "e", "type": "SEO", "category": "c", "rate": "1", "min": 1, "max": 2}]"#,
    ));
    let types: Vec<ServiceType> = client
        .services()
        .await
        .expect("services")
        .into_iter()
        .map(|s| s.service_type)
        .collect();
    assert_eq!(
        types,
        [
            ServiceType::Default,
            ServiceType::CustomComments,
            ServiceType::MentionsWithHashtags,
            ServiceType::Subscriptions,
            ServiceType::Other("SEO".into()),
        ]
    );
}

// ---- status ----

#[tokio::test]
async fn order_status_decodes_the_documented_answer_exactly() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157", "currency": "USD"}"#,
    ));
    let st = client.order_status(23501).await.expect("status");
    assert_eq!(st.charge, dec("0.27819"));
    assert_eq!(st.start_count, Some(3572));
    assert_eq!(st.status, OrderState::Partial);
    assert_eq!(st.remains, Some(157));
    assert_eq!(st.currency.as_deref(), Some("USD"));
    only_request(&server, &format!("key={KEY}&action=status&order=23501"));
}

#[tokio::test]
async fn order_status_variants_numbers_unknown_remains_and_new_states() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"charge": 0.27819, "start_count": 3572, "status": "In progress", "remains": "Unknown", "currency": "USD"}"#,
    ));
    server.push(Reply::json(
        200,
        r#"{"charge": "1.5", "start_count": null, "status": "Refunded", "remains": 0}"#,
    ));
    let st = client.order_status(1).await.expect("status");
    assert_eq!(st.charge, dec("0.27819"));
    assert_eq!(st.start_count, Some(3572));
    assert_eq!(st.status, OrderState::InProgress);
    assert_eq!(st.remains, None, "`Unknown` means none");
    let st = client.order_status(2).await.expect("status");
    assert_eq!(st.charge, dec("1.5"));
    assert_eq!(st.start_count, None);
    assert_eq!(st.status, OrderState::Other("Refunded".to_owned()));
    assert_eq!(st.status.as_str(), "Refunded");
    assert_eq!(st.remains, Some(0));
    assert_eq!(st.currency, None);
}

#[tokio::test]
async fn every_documented_order_state_is_named() {
    let (server, client) = setup().await;
    let states = [
        ("Pending", OrderState::Pending),
        ("In progress", OrderState::InProgress),
        ("Processing", OrderState::Processing),
        ("Completed", OrderState::Completed),
        ("Partial", OrderState::Partial),
        ("Canceled", OrderState::Canceled),
    ];
    for (wire, _) in &states {
        server.push(Reply::json(
            200,
            format!(r#"{{"charge": "0", "status": "{wire}", "remains": "0"}}"#),
        ));
    }
    for (wire, want) in states {
        let st = client.order_status(1).await.expect("status");
        assert_eq!(st.status, want);
        assert_eq!(st.status.as_str(), wire);
    }
}

#[tokio::test]
async fn order_status_of_an_unknown_order_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, r#"{"error": "Incorrect order ID"}"#));
    match client.order_status(1).await {
        Err(Error::Provider { message, .. }) => assert_eq!(message, "Incorrect order ID"),
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn multi_status_sends_comma_separated_ids_and_answers_per_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{
            "1": { "charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157", "currency": "USD" },
            "10": { "error": "Incorrect order ID" },
            "100": { "charge": "1.44219", "start_count": "234", "status": "In progress", "remains": "10", "currency": "USD" }
        }"#,
    ));
    let map = client
        .multi_status(vec![1, 10, 100])
        .await
        .expect("statuses");
    assert_eq!(map.len(), 3);
    let one = map["1"].as_ref().expect("order 1");
    assert_eq!(one.charge, dec("0.27819"));
    assert_eq!(one.status, OrderState::Partial);
    assert_eq!(
        map["10"].as_ref().expect_err("order 10").message,
        "Incorrect order ID"
    );
    let hundred = map["100"].as_ref().expect("order 100");
    assert_eq!(hundred.charge, dec("1.44219"));
    assert_eq!(hundred.status, OrderState::InProgress);
    assert_eq!(hundred.remains, Some(10));
    let r = only_request(
        &server,
        &format!("key={KEY}&action=status&orders=1%2C10%2C100"),
    );
    assert_eq!(
        r.form_pairs()[2],
        ("orders".to_owned(), "1,10,100".to_owned())
    );
}

#[tokio::test]
async fn multi_status_refuses_more_than_100_ids_before_sending() {
    let (server, client) = setup().await;
    let err = client.multi_status(ids(101)).await.expect_err("too many");
    assert_refused_before_sending(err, &server, "orders");
}

#[tokio::test]
async fn multi_status_sends_exactly_100_ids() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, "{}"));
    let map = client.multi_status(ids(100)).await.expect("statuses");
    assert!(map.is_empty());
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let orders = seen[0]
        .form_pairs()
        .into_iter()
        .find(|(k, _)| k == "orders")
        .map(|(_, v)| v)
        .expect("orders");
    assert_eq!(orders.split(',').count(), 100);
    assert!(orders.starts_with("1,2,3,") && orders.ends_with(",99,100"));
}

// ---- refill ----

#[tokio::test]
async fn refill_posts_the_order_and_reads_a_refill_id_sent_as_text() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, r#"{ "refill": "1" }"#));
    let created = client.refill(23501).await.expect("refill");
    assert_eq!(created.refill, 1);
    assert_eq!(created.success, None);
    only_request(&server, &format!("key={KEY}&action=refill&order=23501"));
}

#[tokio::test]
async fn refill_from_a_panel_that_answers_success_and_a_numeric_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"success": "Refill request created", "refill": 12345}"#,
    ));
    let created = client.refill(23501).await.expect("refill");
    assert_eq!(created.refill, 12345);
    assert_eq!(created.success.as_deref(), Some("Refill request created"));
}

#[tokio::test]
async fn refill_of_an_ineligible_order_is_a_provider_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{"error": "Order not eligible for refill."}"#,
    ));
    match client.refill(23502).await {
        Err(Error::Provider {
            status, message, ..
        }) => {
            assert_eq!(status, 200);
            assert_eq!(message, "Order not eligible for refill.");
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn multi_refill_answers_per_order_with_a_refill_id_or_an_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"[{ "order": 1, "refill": 1 }, { "order": 2, "refill": "2" },
            { "order": 3, "refill": { "error": "Incorrect order ID" } }]"#,
    ));
    let items = client.multi_refill(vec![1, 2, 3]).await.expect("refills");
    assert_eq!(items.len(), 3);
    assert_eq!((items[0].order, items[0].refill.clone()), (1, Ok(1)));
    assert_eq!((items[1].order, items[1].refill.clone()), (2, Ok(2)));
    assert_eq!(items[2].order, 3);
    assert_eq!(
        items[2].refill.as_ref().expect_err("order 3").message,
        "Incorrect order ID"
    );
    only_request(
        &server,
        &format!("key={KEY}&action=refill&orders=1%2C2%2C3"),
    );
}

#[tokio::test]
async fn multi_refill_refuses_more_than_100_ids_before_sending() {
    let (server, client) = setup().await;
    let err = client.multi_refill(ids(101)).await.expect_err("too many");
    assert_refused_before_sending(err, &server, "orders");
}

#[tokio::test]
async fn refill_status_posts_the_refill_id() {
    let (server, client) = setup().await;
    server.push(Reply::json(200, r#"{ "status": "Completed" }"#));
    let st = client.refill_status(1).await.expect("status");
    assert_eq!(st.status, RefillState::Completed);
    only_request(&server, &format!("key={KEY}&action=refill_status&refill=1"));
}

#[tokio::test]
async fn multi_refill_status_answers_per_refill_with_a_status_or_an_error() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"[{ "refill": 1, "status": "Completed" }, { "refill": 2, "status": "Rejected" },
            { "refill": 3, "status": { "error": "Refill not found" } },
            { "refill": "4", "status": "Awaiting" }]"#,
    ));
    let items = client
        .multi_refill_status(vec![1, 2, 3, 4])
        .await
        .expect("statuses");
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].refill, 1);
    assert_eq!(items[0].status, Ok(RefillState::Completed));
    assert_eq!(items[1].status, Ok(RefillState::Rejected));
    assert_eq!(
        items[2].status.as_ref().expect_err("refill 3").message,
        "Refill not found"
    );
    assert_eq!(items[3].refill, 4);
    assert_eq!(
        items[3].status,
        Ok(RefillState::Other("Awaiting".to_owned()))
    );
    only_request(
        &server,
        &format!("key={KEY}&action=refill_status&refills=1%2C2%2C3%2C4"),
    );
}

#[tokio::test]
async fn multi_refill_status_refuses_more_than_100_ids_before_sending() {
    let (server, client) = setup().await;
    let err = client
        .multi_refill_status(ids(101))
        .await
        .expect_err("too many");
    assert_refused_before_sending(err, &server, "refills");
}

// ---- cancel ----

#[tokio::test]
async fn cancel_answers_per_order() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"[{ "order": 9, "cancel": { "error": "Incorrect order ID" } }, { "order": 2, "cancel": 1 }]"#,
    ));
    let items = client.cancel(vec![9, 2]).await.expect("cancel");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].order, 9);
    assert_eq!(
        items[0].cancel.as_ref().expect_err("order 9").message,
        "Incorrect order ID"
    );
    assert_eq!(items[1].order, 2);
    assert_eq!(items[1].cancel, Ok(1));
    only_request(&server, &format!("key={KEY}&action=cancel&orders=9%2C2"));
}

#[tokio::test]
async fn cancel_refuses_more_than_100_ids_before_sending() {
    let (server, client) = setup().await;
    let err = client.cancel(ids(101)).await.expect_err("too many");
    assert_refused_before_sending(err, &server, "orders");
}

// ---- balance ----

#[tokio::test]
async fn balance_as_text_is_exact() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{ "balance": "100.84292", "currency": "USD" }"#,
    ));
    let b = client.balance().await.expect("balance");
    assert_eq!(b.balance, dec("100.84292"));
    assert_eq!(b.balance.to_string(), "100.84292");
    assert_eq!(b.currency, "USD");
    only_request(&server, &format!("key={KEY}&action=balance"));
}

#[tokio::test]
async fn balance_as_a_number_is_exact_too() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        r#"{ "balance": 96496048.0450002, "currency": "USD" }"#,
    ));
    let b = client.balance().await.expect("balance");
    assert_eq!(b.balance.to_string(), "96496048.0450002");
}

#[tokio::test]
async fn the_key_is_redacted_when_a_panel_echoes_it() {
    let (server, client) = setup().await;
    server.push(Reply::json(
        200,
        format!(r#"{{"error": "Invalid api key {KEY}"}}"#),
    ));
    let err = client.balance().await.expect_err("invalid key");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(KEY), "{text}");
    }
}

#[test]
fn alkabos_is_the_default_panel_and_any_panel_can_be_used() {
    let client = Client::builder().api_key(KEY).build().expect("client");
    assert_eq!(client.base_url(), "https://alkabos.com");
    assert_eq!(Environment::default(), Environment::Alkabos);
    let client = Client::builder()
        .api_key(KEY)
        .base_url("https://panel.example.org")
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "https://panel.example.org");
}
