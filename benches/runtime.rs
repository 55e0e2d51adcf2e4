//! Runtime overhead of a generated call (docs/performance.md, section 3).
//!
//! K7 `balance` (a GET with the token in the query) through the generated
//! client, against the same request written by hand with reqwest + serde_json,
//! all calling one in-process `MockServer` on 127.0.0.1 from the same
//! single-threaded tokio runtime. Two hand-written calls:
//!
//! - `reqwest_equal`, the baseline of the target: the same work as the
//!   generated call. It checks K7's envelope (`status` not `false`, the error
//!   fields read), reads both amounts as exact decimals (`rust_decimal`, from
//!   the number's text) and reads the body under the same 4 MiB cap, in one
//!   serde pass as a careful person would write it.
//! - `reqwest_naive`: the least code that gets an answer: no envelope check,
//!   two `f64`, the whole body read without a cap.
//!
//! The requests are checked to be the same bytes on the wire before measuring.
//! The target (<= 1.03 against `reqwest_equal`) is read from alternating
//! blocks: 480 rounds of 50 calls of each client, the three in every order
//! in turn, so that a drift in the machine's load reaches every client
//! alike; the ratio is that of the clients' median times per call. The
//! median of the per-round ratios, and the criterion medians (measured one
//! client after the other, so drifts do not cancel) are printed beside it.
//!
//! `cargo bench --bench runtime`; about 1 minute.

use std::hint::black_box;
use std::time::Duration;

use providers::k7_antivirus::Client;
use providers::runtime::client::DEFAULT_MAX_BODY;
use providers::runtime::codec::{Codec, Plain};
use providers::runtime::reexport::reqwest;
use providers_mock::{MockServer, Reply};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

#[path = "support/hand.rs"]
mod hand;
#[path = "support/report.rs"]
mod report;

const BODY: &str = r#"{"credits_consumed": 1000.0, "credits_available": 96496048.0450002}"#;
const TOKEN: &str = "TEST:bench-token";

type HandError = Box<dyn std::error::Error>;

/// What the naive hand-written client decodes into.
#[derive(Deserialize)]
struct NaiveBalance {
    credits_consumed: f64,
    credits_available: f64,
}

/// K7's answer as the equal-work hand-written client reads it, in one pass:
/// the envelope's fields (borrowed, only looked at) next to the payload's.
#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(borrow, default)]
    status: Option<&'a RawValue>,
    #[serde(borrow, default)]
    error_code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "exact")]
    credits_consumed: Option<Decimal>,
    #[serde(default, deserialize_with = "exact")]
    credits_available: Option<Decimal>,
}

/// The equal-work client's result.
struct Balance {
    credits_consumed: Decimal,
    credits_available: Decimal,
}

/// [`hand::exact`], for a field an error answer leaves out.
fn exact<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    hand::exact(d).map(Some)
}

/// The hand-written calls: same URL, same token query parameter, same headers,
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

    async fn get(&self) -> Result<reqwest::Response, HandError> {
        let url = format!("{}/api/balance?token={}", self.base, self.token_query);
        Ok(self
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await?)
    }

    /// The least code that gets an answer.
    async fn naive(&self) -> Result<NaiveBalance, HandError> {
        let resp = self.get().await?;
        let status = resp.status();
        let body = resp.bytes().await?;
        if !status.is_success() {
            return Err(format!("HTTP {status}").into());
        }
        Ok(serde_json::from_slice(&body)?)
    }

    /// The same work as the generated call: capped body, envelope, exact decimals.
    async fn equal(&self) -> Result<Balance, HandError> {
        let resp = self.get().await?;
        let status = resp.status();
        let body = hand::read_capped(resp, DEFAULT_MAX_BODY).await?;
        if !status.is_success() {
            return Err(format!("HTTP {status}").into());
        }
        let answer: Answer = serde_json::from_slice(&body)?;
        if answer.status.is_some_and(|s| s.get() == "false") {
            let code = answer.error_code.map(RawValue::get);
            let message = answer.message.map(RawValue::get);
            return Err(format!("provider error {code:?}: {message:?}").into());
        }
        match (answer.credits_consumed, answer.credits_available) {
            (Some(credits_consumed), Some(credits_available)) => Ok(Balance {
                credits_consumed,
                credits_available,
            }),
            _ => Err("missing field".into()),
        }
    }
}

/// The three clients of a round.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Generated,
    Equal,
    Naive,
}

async fn call(side: Side, generated: &Client, hand: &HandWritten) {
    match side {
        Side::Generated => {
            black_box(generated.balance().await.expect("call"));
        }
        Side::Equal => {
            black_box(hand.equal().await.expect("call"));
        }
        Side::Naive => {
            black_box(hand.naive().await.expect("call"));
        }
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
        // Same answer, and the same request bytes, every way (this also opens
        // each client's keep-alive connection before measuring).
        let a = generated.balance().await.expect("generated call");
        let b = hand.equal().await.expect("equal-work call");
        let n = hand.naive().await.expect("naive call");
        assert_eq!(a.credits_available.to_string(), "96496048.0450002");
        assert_eq!(a.credits_available, b.credits_available);
        assert_eq!(b.credits_available.to_string(), "96496048.0450002");
        assert_eq!(a.credits_consumed, b.credits_consumed);
        assert_eq!(n.credits_available, 96496048.0450002);
        assert_eq!(n.credits_consumed, 1000.0);
        let recorded = server.take_requests();
        assert_eq!(recorded.len(), 3);
        for r in &recorded[1..] {
            assert_eq!(
                recorded[0].head_text(),
                r.head_text(),
                "the clients must send the same request"
            );
        }
        server.set_recording(false);
        (server, generated, hand)
    });

    let mut g = c.benchmark_group("runtime_k7_balance");
    g.sample_size(100)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    for (name, side) in [
        ("generated", Side::Generated),
        ("reqwest_equal", Side::Equal),
        ("reqwest_naive", Side::Naive),
    ] {
        g.bench_function(name, |b| {
            b.to_async(&rt).iter(|| call(side, &generated, &hand))
        });
    }
    g.finish();

    // Decoding alone, without the network: the body into the generated
    // `Balance` (exact decimals through `rt::codec::Dec`), into the
    // equal-work client's `Answer` (envelope fields and exact decimals), and
    // into the naive client's two `f64`.
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
    g.bench_function("equal_decode", |b| {
        b.iter(|| {
            let a: Answer = serde_json::from_str(black_box(BODY)).expect("decodes");
            (a.credits_consumed, a.credits_available)
        })
    });
    g.bench_function("naive_decode", |b| {
        b.iter(|| serde_json::from_str::<NaiveBalance>(black_box(BODY)).expect("decodes"))
    });
    g.finish();
    c.final_summary();

    if !report::full_run() {
        return;
    }
    let rounds = rt.block_on(alternating(&generated, &hand));
    summary(&medians, &rounds);
    println!("server saw {} requests", server.request_count());
    report::print_load();
}

fn summary(medians: &report::Medians, rounds: &[Round]) {
    println!("\n## Runtime overhead: K7 balance over loopback (this run)\n");
    // Median, min and max over the rounds of what `pick` gives of each.
    let stats = |pick: &dyn Fn(&Round) -> f64| {
        let mut v: Vec<f64> = rounds.iter().map(pick).collect();
        v.sort_by(f64::total_cmp);
        (median(&v), v[0], v[v.len() - 1])
    };
    let per_call = |t: f64| t * 1e9 / BLOCK as f64;
    let criterion = |f: &str| {
        let id = format!("runtime_k7_balance/{f}");
        match (medians.ns(&id), medians.range(&id)) {
            (Some(ns), Some((min, max))) => format!(
                "{} ({}-{})",
                report::time(ns),
                report::time(min),
                report::time(max)
            ),
            _ => "-".to_owned(),
        }
    };
    println!(
        "| client | per call, alternating blocks: median (min-max of {} rounds) | generated / this: ratio of the medians | generated / this per round: median (min-max) | criterion: median (min-max of samples) |",
        rounds.len()
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    let clients: [(&str, &str, Pick); 3] = [
        ("generated (`client.balance().await`)", "generated", |r| {
            r.generated
        }),
        (
            "hand-written, equal work (envelope, exact decimals, body cap)",
            "reqwest_equal",
            |r| r.equal,
        ),
        (
            "hand-written, naive (no envelope, `f64`, no cap)",
            "reqwest_naive",
            |r| r.naive,
        ),
    ];
    let generated = stats(&|r| per_call(r.generated)).0;
    let mut ratios = Vec::new();
    for (name, id, pick) in clients {
        let (t, t_min, t_max) = stats(&|r| per_call(pick(r)));
        let per_round = stats(&|r| r.generated / pick(r));
        ratios.push((generated / t, per_round.0));
        println!(
            "| {name} | {} ({}-{}) | {:.3} | {:.3} ({:.3}-{:.3}) | {} |",
            report::time(t),
            report::time(t_min),
            report::time(t_max),
            generated / t,
            per_round.0,
            per_round.1,
            per_round.2,
            criterion(id)
        );
    }
    println!(
        "\ngenerated / equal work = {:.3} (target <= 1.03), generated / naive = {:.3}: ratios of the medians per call in alternating blocks ({BLOCK} calls of each client per round, the three in every order in turn); medians of the per-round ratios {:.3} and {:.3}",
        ratios[1].0, ratios[2].0, ratios[1].1, ratios[2].1
    );
    let gen = medians.ns("runtime_k7_balance/generated");
    if let (Some(g), Some(e), Some(n)) = (
        gen,
        medians.ns("runtime_k7_balance/reqwest_equal"),
        medians.ns("runtime_k7_balance/reqwest_naive"),
    ) {
        println!(
            "ratios of the criterion medians, measured one after the other (load drifts between them): generated / equal work {:.3}, generated / naive {:.3}",
            g / e,
            g / n
        );
    }
    let parts = ["generated_decode", "equal_decode", "naive_decode"]
        .map(|p| medians.ns(&format!("runtime_k7_balance_parts/{p}")));
    if let [Some(gd), Some(ed), Some(nd)] = parts {
        println!(
            "decode alone: generated {}, equal work {}, naive {}",
            report::time(gd),
            report::time(ed),
            report::time(nd)
        );
    }
}

const BLOCK: usize = 50;
/// Rounds of alternating blocks: eighty times each of the six orders.
const ROUNDS: usize = 480;

/// One client's time in a round.
type Pick = fn(&Round) -> f64;

/// Time per block of one round, each client's.
struct Round {
    generated: f64,
    equal: f64,
    naive: f64,
}

/// One block of each client per round, in every order in turn, so that a
/// change in the machine's load hits all sides of a round's ratios alike.
async fn alternating(generated: &Client, hand: &HandWritten) -> Vec<Round> {
    use Side::*;
    const ORDERS: [[Side; 3]; 6] = [
        [Generated, Equal, Naive],
        [Equal, Naive, Generated],
        [Naive, Generated, Equal],
        [Generated, Naive, Equal],
        [Naive, Equal, Generated],
        [Equal, Generated, Naive],
    ];
    let clock = report::Clock::from_env();
    let mut rounds = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let mut r = Round {
            generated: 0.0,
            equal: 0.0,
            naive: 0.0,
        };
        for side in ORDERS[round % ORDERS.len()] {
            let start = clock.now();
            for _ in 0..BLOCK {
                call(side, generated, hand).await;
            }
            let t = (clock.now() - start).as_secs_f64();
            match side {
                Generated => r.generated = t,
                Equal => r.equal = t,
                Naive => r.naive = t,
            }
        }
        rounds.push(r);
    }
    rounds
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
