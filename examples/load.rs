//! Load test on loopback: 10,000 calls (by default) at concurrency 256 (by
//! default; docs/performance.md also reports 1,000) through the generated K7
//! client against the in-process mock server. Stops by itself; exits 1 on any
//! error. Reports wall time, throughput and peak memory (VmHWM).
//!
//! ```text
//! cargo run --release --example load -- [calls] [concurrency]
//! ```

use std::sync::Arc;
use std::time::Instant;

use providers::k7_antivirus::Client;
use providers_mock::{MockServer, Reply};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(256);
    let server = match MockServer::start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the mock server: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    server.set_recording(false);
    server.set_fallback(Reply::json(
        200,
        r#"{"credits_consumed": 1000.0, "credits_available": 96496048.0450002}"#,
    ));
    let client = match Client::builder()
        .token("TEST:load")
        .base_url(server.url())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let client = client.clone();
        let gate = gate.clone();
        tasks.spawn(async move {
            let _permit = gate.acquire().await.ok()?;
            client.balance().await.ok()
        });
    }
    let mut errors = 0usize;
    while let Some(r) = tasks.join_next().await {
        if !matches!(r, Ok(Some(b)) if b.credits_available.to_string() == "96496048.0450002") {
            errors += 1;
        }
    }
    let wall = started.elapsed();
    println!(
        "{calls} calls, concurrency {concurrency}: {errors} errors, wall {:.2} s, {:.0} calls/s, server saw {}, peak RSS {} KiB",
        wall.as_secs_f64(),
        calls as f64 / wall.as_secs_f64(),
        server.request_count(),
        peak_rss_kib().map_or("?".to_owned(), |k| k.to_string()),
    );
    if errors == 0 && server.request_count() == calls {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
