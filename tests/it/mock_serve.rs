//! The mock command's server (`codegen::mock`, which `codegen mock` runs)
//! called through the generated clients: each typed call gets the example its
//! request matches, wrong credentials and signatures get a 4xx naming the
//! mismatch, and the injected faults give the variants `docs/fault-matrix.md`
//! promises. In-process, on a real socket: the root package cannot start
//! `providers-codegen`'s binary, whose process test is `codegen/tests/mock_cli.rs`.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use codegen::mock::{Mock, Settings};
use providers::runtime::client::RetryPolicy;
use providers::Error;
use providers_mock::MockServer;

use crate::support::dec;

/// Every spec of `specs/` served with `settings`; the log lines it wrote.
async fn serve(settings: Settings) -> (MockServer, Arc<Mutex<Vec<String>>>) {
    let specs = codegen::spec_files(Path::new("specs"))
        .expect("specs")
        .iter()
        .map(|f| codegen::analyze_file(f).expect("valid spec"))
        .collect();
    let mock = Mock::new(specs, &settings).expect("mock");
    let log = Arc::new(Mutex::new(Vec::new()));
    let lines = Arc::clone(&log);
    let server = mock
        .serve(([127, 0, 0, 1], 0).into(), move |a| {
            lines
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(a.log.clone());
        })
        .await
        .expect("serve");
    (server, log)
}

fn lines(log: &Mutex<Vec<String>>) -> Vec<String> {
    log.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

const FAST_RETRIES: RetryPolicy = RetryPolicy {
    max_retries: 2,
    base_delay: Duration::from_millis(1),
    max_delay: Duration::from_millis(1),
};

#[tokio::test]
async fn typed_calls_get_the_example_their_request_matches() {
    let (server, log) = serve(Settings {
        credentials: vec!["smm_panel_v2.api_key=smm-key-4410".parse().expect("arg")],
        ..Settings::default()
    })
    .await;
    let url = server.url();

    // Form body, one URL, `action` and the parameters choose the endpoint.
    let smm = providers::smm_panel_v2::Client::builder()
        .api_key("smm-key-4410")
        .base_url(&url)
        .build()
        .expect("client");
    let st = smm.order_status(23501).await.expect("documented status");
    assert_eq!(st.charge, dec("0.27819"));
    assert_eq!(st.remains, Some(157));
    match smm.order_status(1).await {
        Err(Error::Provider { message, .. }) => assert_eq!(message, "Incorrect order ID"),
        other => panic!("expected the documented error, got {other:?}"),
    }
    let many = smm.multi_status(vec![1, 10, 100]).await.expect("statuses");
    assert_eq!(many.len(), 3);
    assert!(many["10"].is_err(), "{many:?}");
    assert_eq!(
        smm.balance().await.expect("balance").balance,
        dec("100.84292")
    );

    // Signed JSON: md5 over the mock's default credentials and the ref_id.
    let iak = providers::iak_prepaid::Client::builder()
        .username("mock-username")
        .api_key("mock-api_key")
        .base_url(&url)
        .build()
        .expect("client");
    assert_eq!(
        iak.check_balance().await.expect("balance").balance,
        dec("997136249")
    );
    match iak.top_up("order001", "0817777215", "xld25000").await {
        Err(Error::Pending {
            code, reference, ..
        }) => {
            assert_eq!(code.as_deref(), Some("39"));
            assert_eq!(reference.as_deref(), Some("order001"));
        }
        other => panic!("expected pending, got {other:?}"),
    }
    match iak.top_up("order002", "0800", "xld25000").await {
        Err(Error::Provider { code, .. }) => assert_eq!(code.as_deref(), Some("14")),
        other => panic!("expected the documented error, got {other:?}"),
    }
    // No example has this ref_id: the first example answers.
    let t = iak
        .check_status("my-own-ref-1")
        .await
        .expect("first example");
    assert_eq!(t.ref_id, "order001");
    let products = iak
        .pricelist()
        .product_type("pulsa")
        .operator("telkomsel")
        .status(providers::iak_prepaid::ProductStatus::Active)
        .await
        .expect("one operator");
    assert_eq!(products[0].product_code, "htelkomsel10000");

    // Query token on a GET, a cookie, a bearer header.
    let k7 = providers::k7_antivirus::Client::builder()
        .token("mock-token")
        .base_url(&url)
        .build()
        .expect("client");
    assert_eq!(
        k7.balance().await.expect("balance").credits_available,
        dec("96496048.0450002")
    );
    let vd = providers::virusdie_partners::Client::builder()
        .api_key("mock-api_key")
        .base_url(&url)
        .build()
        .expect("client");
    assert!(vd
        .user("customer@example.com")
        .await
        .expect("found")
        .url
        .ends_with("7d4b2e90"));
    match vd.user("nobody@example.com").await {
        Err(Error::Provider { message, .. }) => assert_eq!(message, "User not found"),
        other => panic!("expected the documented error, got {other:?}"),
    }
    let ps = providers::product_service::Client::builder()
        .token("mock-token")
        .base_url(&url)
        .build()
        .expect("client");
    assert_eq!(
        ps.suspend(1287).await.expect("suspended").message,
        "Service has been suspended successfully."
    );
    match ps.suspend(1).await {
        Err(Error::Provider { status, .. }) => assert_eq!(status, 404),
        other => panic!("expected the documented error, got {other:?}"),
    }

    let log = lines(&log);
    assert_eq!(log.len(), 14, "{log:#?}");
    assert!(log.iter().all(|l| !l.contains("no match")), "{log:#?}");
    assert!(
        log.iter().any(|l| l.contains(
            "-> 200 iak_prepaid.check_status example \"documented success\" (the first; no example's request matches); differs from it: `ref_id` is \"my-own-ref-1\" on the wire, the example gives \"order001\""
        )),
        "{log:#?}"
    );
    assert!(log.iter().all(|l| !l.contains("smm-key-4410")), "{log:#?}");
}

#[tokio::test]
async fn wrong_credentials_and_signatures_are_4xx_naming_the_mismatch() {
    let (server, log) = serve(Settings::default()).await;
    let iak = providers::iak_prepaid::Client::builder()
        .username("mock-username")
        .api_key("other-key-77")
        .base_url(server.url())
        .build()
        .expect("client");
    let err = iak.check_balance().await.expect_err("bad signature");
    match &err {
        Error::HttpStatus {
            status, excerpt, ..
        } => {
            assert_eq!(*status, 401);
            assert!(
                excerpt
                    .text
                    .contains("`sign` (in the body) is not md5 of `{username}{api_key}bl`"),
                "{excerpt:?}"
            );
        }
        other => panic!("expected HTTP 401, got {other:?}"),
    }
    let smm = providers::smm_panel_v2::Client::builder()
        .api_key("smm-wrong-key-31")
        .base_url(server.url())
        .build()
        .expect("client");
    let err = smm.services().await.expect_err("bad key");
    let text = err.to_string();
    assert!(
        text.contains("HTTP 401")
            && text.contains("`key` (in the body) is not the `api_key` credential"),
        "{text}"
    );
    for line in lines(&log) {
        assert!(line.contains("-> 401 no match"), "{line}");
        assert!(
            !line.contains("other-key-77") && !line.contains("smm-wrong-key-31"),
            "{line}"
        );
    }
}

#[tokio::test]
async fn injected_faults_give_the_fault_matrix_variants() {
    let faults = [
        "iak_prepaid.top_up=reset",
        "iak_prepaid.check_status=status:503",
        "smm_panel_v2.balance=html",
        "smm_panel_v2.services=truncate",
        "smm_panel_v2.add_order=truncate",
        "smm_panel_v2.order_status=reset-mid-body",
        "smm_panel_v2.refill=delay:2s",
    ];
    let (server, _log) = serve(Settings {
        faults: faults.iter().map(|f| f.parse().expect("fault")).collect(),
        ..Settings::default()
    })
    .await;
    let iak = providers::iak_prepaid::Client::builder()
        .username("mock-username")
        .api_key("mock-api_key")
        .base_url(server.url())
        .retry(FAST_RETRIES)
        .build()
        .expect("client");
    let smm = providers::smm_panel_v2::Client::builder()
        .api_key("mock-api_key")
        .base_url(server.url())
        .retry(FAST_RETRIES)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let sent = |before: usize| server.request_count() - before;

    let n = server.request_count();
    match iak.top_up("order001", "0817777215", "xld25000").await {
        Err(Error::OutcomeUnknown { reference, .. }) => {
            assert_eq!(reference.as_deref(), Some("order001"))
        }
        other => panic!("reset, money: expected outcome unknown, got {other:?}"),
    }
    assert_eq!(sent(n), 1, "never retried");

    let n = server.request_count();
    match iak.check_status("order001").await {
        Err(Error::HttpStatus { status: 503, .. }) => {}
        other => panic!("503, idempotent: expected HTTP 503, got {other:?}"),
    }
    assert_eq!(sent(n), 3, "retried twice");

    let n = server.request_count();
    match smm.balance().await {
        Err(Error::Decode { status: 200, .. }) => {}
        other => panic!("HTML page: expected decode, got {other:?}"),
    }
    match smm.services().await {
        Err(Error::Decode { status: 200, .. }) => {}
        other => panic!("truncated JSON: expected decode, got {other:?}"),
    }
    assert_eq!(sent(n), 2, "decode errors are not retried");

    let n = server.request_count();
    match smm
        .add_order(1, "https://www.instagram.com/example", 100)
        .await
    {
        Err(Error::OutcomeUnknown { .. }) => {}
        other => panic!("truncated JSON, money: expected outcome unknown, got {other:?}"),
    }
    assert_eq!(sent(n), 1);

    let n = server.request_count();
    match smm.order_status(23501).await {
        Err(Error::Transport { nothing_sent, .. }) => assert!(!nothing_sent),
        other => panic!("reset mid-body, idempotent: expected transport, got {other:?}"),
    }
    assert_eq!(sent(n), 3, "retried twice");

    let n = server.request_count();
    match smm.refill(23501).await {
        Err(Error::OutcomeUnknown { .. }) => {}
        other => panic!("slow headers, not idempotent: expected outcome unknown, got {other:?}"),
    }
    assert_eq!(sent(n), 1);
}
