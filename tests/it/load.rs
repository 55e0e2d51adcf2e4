//! 10,000 calls at concurrency 256 and 1,000 on loopback: no errors, every
//! call answered exactly once, decimals exact under load. Timing is not
//! asserted here; see `cargo run --release --example load` for the figures.

use std::sync::Arc;

use providers::k7_antivirus::Client;
use providers_mock::{MockServer, Reply};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_at_concurrency_256_have_no_errors() {
    ten_thousand_calls(256).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_at_concurrency_1000_have_no_errors() {
    ten_thousand_calls(1000).await;
}

async fn ten_thousand_calls(concurrency: usize) {
    const CALLS: usize = 10_000;
    let server = MockServer::start().await.expect("mock server");
    server.set_recording(false);
    server.set_fallback(Reply::json(
        200,
        r#"{"credits_consumed": 1000.0, "credits_available": 96496048.0450002}"#,
    ));
    let client = Client::builder()
        .token("TEST:load")
        .base_url(server.url())
        .build()
        .expect("client");
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let (client, gate) = (client.clone(), gate.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire().await.expect("semaphore open");
            client.balance().await
        });
    }
    let mut errors = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("task") {
            Ok(b) => assert_eq!(b.credits_available.to_string(), "96496048.0450002"),
            Err(e) => errors.push(e.to_string()),
        }
    }
    assert!(
        errors.is_empty(),
        "concurrency {concurrency}: {} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert_eq!(server.request_count(), CALLS);
}
