//! Hooks against the mock server: called before and after every request, in
//! order, once per attempt of a retried call and per redirect followed; the
//! headers they add are sent; they never see a secret; and one that panics is
//! reported through tracing while the call and the client go on.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use providers::runtime::client::RetryPolicy;
use providers::runtime::hooks::{self, AfterAttempt, AttemptOutcome, BeforeAttempt, Hooks};
use providers::Error;
use providers_mock::Reply;

use crate::support::{against_mock, only_request, Capture};

const TOKEN: &str = "TEST:k7-token-5f2a9c";
const PRODUCTS: &str =
    r#"{"status": true, "data": [{"idx": "a", "name": "K7", "value": "KAP", "amount": 1000.0}]}"#;

/// Writes down everything it is shown, as text, in order.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
    fn push(&self, line: String) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }
}

impl Hooks for Recorder {
    fn before_attempt(&self, request: &mut BeforeAttempt<'_>) {
        let names: Vec<&str> = request.header_names().collect();
        self.push(format!(
            "before {} {} #{} {} [{}]",
            request.endpoint(),
            request.method(),
            request.attempt(),
            request.url(),
            names.join(",")
        ));
        // Everything a hook can reach, Debug included.
        self.push(format!("debug {request:?}"));
        request
            .add_header("x-request-id", &format!("req-{}", request.attempt()))
            .expect("a new header");
    }

    fn after_attempt(&self, attempt: &AfterAttempt<'_>) {
        let outcome = match attempt.outcome {
            AttemptOutcome::Success => "success".to_owned(),
            AttemptOutcome::Redirected => "redirected".to_owned(),
            AttemptOutcome::Failed { error, retrying } => {
                format!("failed {:?} retrying={retrying}: {error}", error.kind())
            }
            _ => "other".to_owned(),
        };
        assert!(attempt.elapsed < Duration::from_secs(5));
        self.push(format!(
            "after {} #{} {:?} {outcome}",
            attempt.endpoint, attempt.attempt, attempt.status
        ));
        self.push(format!("debug {attempt:?}"));
    }
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
    }
}

fn without_debug(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(String::as_str)
        .filter(|l| !l.starts_with("debug "))
        .collect()
}

#[tokio::test]
async fn hooks_run_around_every_attempt_of_a_retried_call_and_see_no_secret() {
    let recorder = Recorder::default();
    let (server, client) = against_mock!(providers::k7_antivirus::Client::builder()
        .token(TOKEN)
        .retry(quick_retries())
        .hooks(recorder.clone()));
    server.push(Reply::text(503, "text/plain", "busy"));
    server.push(Reply::text(503, "text/plain", "busy"));
    server.push(Reply::json(200, PRODUCTS));
    let products = client.list_products().await.expect("third attempt");
    assert_eq!(products.len(), 1);

    let url = format!("{}/api/products/k7-antivirus/?token=***", server.url());
    let lines = recorder.lines();
    let before = |n: u32| format!("before k7_antivirus.list_products GET #{n} {url} [accept]");
    assert_eq!(
        without_debug(&lines),
        [
            before(1).as_str(),
            "after k7_antivirus.list_products #1 Some(503) failed HttpStatus retrying=true: k7_antivirus.list_products: HTTP 503: \"busy\"",
            before(2).as_str(),
            "after k7_antivirus.list_products #2 Some(503) failed HttpStatus retrying=true: k7_antivirus.list_products: HTTP 503: \"busy\"",
            before(3).as_str(),
            "after k7_antivirus.list_products #3 Some(200) success",
        ]
    );
    // Nothing a hook was shown holds the token, in any form.
    let seen = lines.join("\n");
    for form in [TOKEN, "TEST%3Ak7", "k7-token-5f2a9c"] {
        assert!(!seen.contains(form), "{form} in:\n{seen}");
    }
    // The header each attempt's hook added was sent with that attempt.
    let requests = server.requests();
    let ids: Vec<Option<&str>> = requests.iter().map(|r| r.header("x-request-id")).collect();
    assert_eq!(ids, [Some("req-1"), Some("req-2"), Some("req-3")]);
    assert!(requests[0].target.contains("token=TEST%3Ak7-token-5f2a9c"));
}

#[tokio::test]
async fn hooks_see_auth_headers_by_name_only_and_cannot_replace_them() {
    let recorder = Recorder::default();
    let replaced: Arc<Mutex<Option<String>>> = Arc::default();
    let result = replaced.clone();
    let (server, client) = against_mock!(providers::product_service::Client::builder()
        .token(TOKEN)
        .hooks(recorder.clone())
        .hooks(hooks::before(move |request| {
            let refused = request.add_header("Validate", "Bearer forged");
            *result.lock().unwrap_or_else(PoisonError::into_inner) =
                refused.err().map(|e| e.to_string());
        })));
    server.push(Reply::json(
        200,
        r#"{"status": "Success", "message": "ok"}"#,
    ));
    let _ = client.suspend(123).await;
    let seen = recorder.lines().join("\n");
    assert!(seen.contains(",validate,"), "{seen}");
    assert!(!seen.contains(TOKEN) && !seen.contains("Bearer"), "{seen}");
    assert_eq!(
        replaced
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_deref(),
        Some("header `Validate` not added: the request already has this header")
    );
    let sent = only_request(&server);
    assert_eq!(
        sent.header("validate"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(sent.header("x-request-id"), Some("req-1"));
}

#[tokio::test]
async fn a_money_call_has_one_attempt_and_a_followed_redirect_keeps_its_number() {
    let recorder = Recorder::default();
    let (server, client) = against_mock!(providers::k7_antivirus::Client::builder()
        .token(TOKEN)
        .retry(quick_retries())
        .hooks(recorder.clone()));
    server.push(Reply::text(503, "text/plain", "busy"));
    let err = client
        .purchase("KAP 1PC-1Year", crate::support::dec("1000"), "order-1")
        .await
        .expect_err("lost");
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    let lines = recorder.lines();
    let lines = without_debug(&lines);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].starts_with("before k7_antivirus.purchase POST #1 "));
    assert!(
        lines[1].starts_with(
            "after k7_antivirus.purchase #1 Some(503) failed OutcomeUnknown retrying=false"
        ),
        "{}",
        lines[1]
    );

    let recorder = Recorder::default();
    let (server, client) = against_mock!(providers::k7_antivirus::Client::builder()
        .token(TOKEN)
        .hooks(recorder.clone()));
    server.push(Reply::new(302).header("location", "/moved/"));
    server.push(Reply::json(200, PRODUCTS));
    client.list_products().await.expect("followed");
    let lines = recorder.lines();
    let lines = without_debug(&lines);
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert_eq!(
        lines[1],
        "after k7_antivirus.list_products #1 Some(302) redirected"
    );
    assert_eq!(
        lines[2],
        format!(
            "before k7_antivirus.list_products GET #1 {}/moved/ [accept]",
            server.url()
        )
    );
    assert_eq!(
        lines[3],
        "after k7_antivirus.list_products #1 Some(200) success"
    );
}

#[tokio::test]
async fn a_panicking_hook_is_reported_and_the_client_goes_on() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let recorder = Recorder::default();
    let (server, client) = against_mock!(providers::k7_antivirus::Client::builder()
        .token(TOKEN)
        .hooks(hooks::before(|_| panic!("metrics backend down")))
        .hooks(hooks::after(|_| panic!("after hook down")))
        .hooks(recorder.clone()));
    for _ in 0..2 {
        server.push(Reply::json(200, PRODUCTS));
        let products = client.clone().list_products().await.expect("still works");
        assert_eq!(products.len(), 1);
    }
    // The hooks after the panicking ones ran every time.
    assert_eq!(without_debug(&recorder.lines()).len(), 4);
    let logged = capture.text();
    assert_eq!(
        logged
            .matches("a hook panicked; the call goes on without it")
            .count(),
        4,
        "{logged}"
    );
    assert!(
        logged.contains("panic=\"metrics backend down\""),
        "{logged}"
    );
    assert!(logged.contains("hook=\"after_attempt\""), "{logged}");
    assert!(!logged.contains(TOKEN), "{logged}");
}

/// README.md's hooks example, word for word (`readme_shows_the_tested_hooks`).
fn readme_client(base_url: &str) -> Result<providers::k7_antivirus::Client, providers::BuildError> {
    use providers::k7_antivirus::Client;
    // README: hooks (begin)
    use providers::runtime::hooks::{self, AttemptOutcome};
    use std::sync::atomic::{AtomicU64, Ordering};

    static NEXT_ID: AtomicU64 = AtomicU64::new(1);

    let client = Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .hooks(hooks::before(|request| {
            let id = NEXT_ID.fetch_add(1, Ordering::Relaxed).to_string();
            let _ = request.add_header("x-request-id", &id);
        }))
        .hooks(hooks::after(|attempt| {
            let elapsed_ms = attempt.elapsed.as_millis() as u64;
            tracing::info!(endpoint = %attempt.endpoint, status = ?attempt.status, elapsed_ms);
            if let AttemptOutcome::Failed { error, retrying } = attempt.outcome {
                tracing::warn!(%error, retrying, "provider request failed");
            }
        }))
        .build()?;
    // README: hooks (end)
    Ok(client)
}

#[tokio::test]
async fn the_readme_hooks_send_request_ids() {
    let server = crate::support::mock().await;
    let client = readme_client(&server.url()).expect("client");
    server.push(Reply::json(200, PRODUCTS));
    client.list_products().await.expect("products");
    let id = only_request(&server)
        .header("x-request-id")
        .map(str::to_owned);
    assert!(id.is_some_and(|id| id.parse::<u64>().is_ok()));
}

#[test]
fn readme_shows_the_tested_hooks() {
    let this = std::fs::read_to_string("tests/it/hooks.rs").expect("this file");
    let begin = "    // README: hooks (begin)\n";
    let start = this.find(begin).expect("begin marker") + begin.len();
    let end = this.find("    // README: hooks (end)").expect("end marker");
    let example: String = this[start..end]
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    assert!(
        readme.contains(&example),
        "README.md's hooks example differs from the one tested here:\n{example}"
    );
}
