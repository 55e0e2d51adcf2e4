//! Runtime overhead of a generated call (docs/performance.md, section 3).
//!
//! K7 `balance` (a GET with the token in the query) through the generated
//! client, against the same request written by hand with reqwest + serde_json,
//! both calling one in-process `MockServer` on 127.0.0.1 from the same
//! single-threaded tokio runtime. The two requests are checked to be the same
//! bytes on the wire before measuring. The summary prints the ratio of the
//! criterion medians (target <= 1.03), and the same ratio measured a second way,
//! in alternating blocks, which cancels slow drifts in the machine's load.
//!
//! `cargo bench --bench runtime`; about 1 minute.

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use providers::k7_antivirus::Client;
use providers::runtime::codec::{Codec, Plain};
use providers::runtime::reexport::reqwest;
use providers_mock::{MockServer, Reply};
use serde_json::value::RawValue;

#[path = "support/report.rs"]
mod report;

const BODY: &str = r#"{"credits_consumed": 1000.0, "credits_available": 96496048.0450002}"#;
const TOKEN: &str = "TEST:bench-token";

/// What a hand-written client would decode into.
#[derive(serde::Deserialize)]
struct Balance {
    credits_consumed: f64,
    credits_available: f64,
}

/// The hand-written call: same URL, same token query parameter, same headers,
/// same reqwest settings (timeouts, user agent) as the generated client's.
struct HandWritten {
    http: reqwest::Client,
    base: String,
    token_query: String,
}

impl HandWritten {
    fn new(base: String) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("providers-runtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("reqwest client");
        // `:` is `%3A` in a query, as the generated client's form encoding writes it.
        let token_query = TOKEN.replace(':', "%3A");
        HandWritten {
            http,
            base,
            token_query,
        }
    }

    async fn balance(&self) -> Result<Balance, Box<dyn std::error::Error>> {
        let url = format!("{}/api/balance?token={}", self.base, self.token_query);
        let resp = self
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await?;
        let status = resp.status();
        let body = resp.bytes().await?;
        if !status.is_success() {
            return Err(format!("HTTP {status}").into());
        }
        Ok(serde_json::from_slice(&body)?)
    }
}

fn main() {
    let medians = report::Medians::new();
    let mut c = report::criterion();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (server, generated, hand) = rt.block_on(async {
        let server = MockServer::start().await.expect("mock server");
        server.set_fallback(Reply::json(200, BODY));
        let generated = Client::builder()
            .token(TOKEN)
            .base_url(server.url())
            .build()
            .expect("client");
        let hand = HandWritten::new(server.url());
        // Same answer, and the same request bytes, both ways (this also opens
        // each client's keep-alive connection before measuring).
        let a = generated.balance().await.expect("generated call");
        let b = hand.balance().await.expect("hand-written call");
        assert_eq!(a.credits_available.to_string(), "96496048.0450002");
        assert_eq!(b.credits_available, 96496048.0450002);
        assert_eq!(b.credits_consumed, 1000.0);
        let recorded = server.take_requests();
        assert_eq!(recorded.len(), 2);
        assert_eq!(
            recorded[0].head_text(),
            recorded[1].head_text(),
            "the two clients must send the same request"
        );
        server.set_recording(false);
        (server, generated, hand)
    });

    let mut g = c.benchmark_group("runtime_k7_balance");
    g.sample_size(100)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("generated", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(generated.balance().await.expect("call")) })
    });
    g.bench_function("reqwest_baseline", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(hand.balance().await.expect("call")) })
    });
    g.finish();

    // Where the difference goes, for the CPU-only parts that can be measured
    // without the network: decoding this body into the generated `Balance`
    // (exact decimals through `rt::codec::Dec`) against the hand-written f64
    // struct, and the envelope's work on it (a replica: the runtime's reader is private).
    let mut g = c.benchmark_group("runtime_k7_balance_parts");
    g.sample_size(50)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    g.bench_function("generated_decode", |b| {
        b.iter(|| {
            let mut de = serde_json::Deserializer::from_str(black_box(BODY));
            <Plain as Codec<providers::k7_antivirus::Balance>>::decode(&mut de).expect("decodes")
        })
    });
    g.bench_function("plain_decode", |b| {
        b.iter(|| serde_json::from_str::<Balance>(black_box(BODY)).expect("decodes"))
    });
    g.bench_function("envelope_replica", |b| {
        b.iter(|| envelope_replica(black_box(BODY.as_bytes())))
    });
    g.finish();
    c.final_summary();

    if !report::full_run() {
        return;
    }
    let interleaved = rt.block_on(alternating(&generated, &hand));
    println!("\n## Runtime overhead: K7 balance over loopback (this run)\n");
    let gen = medians.ns("runtime_k7_balance/generated");
    let base = medians.ns("runtime_k7_balance/reqwest_baseline");
    if let (Some(gen), Some(base)) = (gen, base) {
        println!("| client | median per call |\n| --- | ---: |");
        println!("| generated (`client.balance()`) | {} |", report::time(gen));
        println!(
            "| hand-written reqwest + serde_json | {} |",
            report::time(base)
        );
        println!(
            "\nratio of criterion medians generated / hand-written = {:.3} (target <= 1.03); difference {}",
            gen / base,
            report::time(gen - base)
        );
    }
    let parts = ["generated_decode", "plain_decode", "envelope_replica"]
        .map(|p| medians.ns(&format!("runtime_k7_balance_parts/{p}")));
    if let [Some(gd), Some(pd), Some(env)] = parts {
        println!(
            "parts: decode generated {} vs hand-written {} (+{}), envelope replica {}",
            report::time(gd),
            report::time(pd),
            report::time(gd - pd),
            report::time(env)
        );
        if let (Some(gen), Some(base)) = (gen, base) {
            let rest = (gen - base) - (gd - pd) - env;
            println!(
                "difference per call {} = decode {} + envelope {} + the rest (encode, boxing, tracing, body read) {}",
                report::time(gen - base),
                report::time(gd - pd),
                report::time(env),
                report::time(rest)
            );
        }
    }
    println!(
        "alternating blocks ({} rounds of {BLOCK} calls each way): median ratio {:.3}, min {:.3}, max {:.3}",
        interleaved.len(),
        median(&interleaved),
        interleaved.iter().cloned().fold(f64::INFINITY, f64::min),
        interleaved.iter().cloned().fold(0.0, f64::max)
    );
    println!("server saw {} requests", server.request_count());
    report::print_load();
}

/// The serde_json work of `runtime/src/envelope.rs` on this answer, kept in
/// step with it by hand: UTF-8 check, `Body::parse` (the root object read
/// straight into a map of its fields, with owned keys, remembered by path),
/// `holds` for K7's success condition (`status` not `false`: absent here) and
/// `at` for the payload `""` (the whole text).
fn envelope_replica(body: &[u8]) -> usize {
    let text = std::str::from_utf8(body).expect("utf-8").trim();
    let mut objects: HashMap<String, Option<Rc<BTreeMap<String, &RawValue>>>> = HashMap::new();
    let root: BTreeMap<String, &RawValue> = serde_json::from_str(text).expect("json");
    objects.insert(String::new(), Some(Rc::new(root)));
    let key = [""; 0].join("\u{1f}");
    let status: Option<serde_json::Value> = objects[&key]
        .as_ref()
        .and_then(|f| f.get("status"))
        .and_then(|raw| serde_json::from_str(raw.get()).ok());
    assert!(status.is_none());
    text.len()
}

const BLOCK: usize = 200;
const ROUNDS: usize = 40;

/// Ratio generated / hand-written per round of two adjacent blocks (order
/// alternating between rounds), so that a change in the machine's load hits
/// both sides of a ratio alike.
async fn alternating(generated: &Client, hand: &HandWritten) -> Vec<f64> {
    let clock = report::Clock::from_env();
    let mut ratios = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let mut gen = Duration::ZERO;
        let mut base = Duration::ZERO;
        for side in [round % 2, 1 - round % 2] {
            let start = clock.now();
            for _ in 0..BLOCK {
                if side == 0 {
                    black_box(generated.balance().await.expect("call"));
                } else {
                    black_box(hand.balance().await.expect("call"));
                }
            }
            let t = clock.now() - start;
            if side == 0 {
                gen = t;
            } else {
                base = t;
            }
        }
        ratios.push(gen.as_secs_f64() / base.as_secs_f64());
    }
    ratios
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}
