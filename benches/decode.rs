//! Decode throughput of the generated types (docs/performance.md, section 4).
//!
//! A 10,000-item IAK price list, decoded by the generated `iak_prepaid::Product`
//! through the path `Core::execute` uses for a payload
//! (`rt::codec::Plain` on a `serde_json::Deserializer` over the payload text),
//! against two hand-written serde structs: `exact`, the baseline of the
//! target, reads every price as an exact `rust_decimal::Decimal` from its text
//! (a JSON number or a numeric string, any number of digits a `Decimal`
//! holds); `plain` reads it as an `f64` (and so only numbers).
//!
//! Two payloads, the same 10,000 products:
//! - `mixed`: as IAK sends them: prices as JSON numbers, numeric strings
//!   (`"10850"`) and decimals (some with 20 and more digits), `active_period`
//!   as text, `"-"` for no details or icon. `plain` cannot read it.
//! - `numbers`: every price a JSON number, the rest identical.
//!
//! The whole call is measured too: the generated `pricelist()` against a
//! hand-written call doing the same work (capped body, `rc` checked, exact
//! prices), over loopback.
//!
//! `cargo bench --bench decode`; about 2 minutes.

use std::hint::black_box;
use std::time::Duration;

use criterion::{SamplingMode, Throughput};
use md5::Digest;
use providers::iak_prepaid::{Client, Product};
use providers::runtime::codec::{Codec, Plain};
use providers::runtime::reexport::reqwest;
use providers_mock::{MockServer, Reply};
use rust_decimal::Decimal;

#[path = "support/hand.rs"]
mod hand;
#[path = "support/report.rs"]
mod report;

/// What a hand-written client decodes a product into: plain types, no
/// leniency, the price as `P`.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read by serde only
struct HandProduct<P> {
    product_code: String,
    product_description: String,
    product_nominal: String,
    product_details: String,
    product_price: P,
    product_type: String,
    active_period: String,
    status: String,
    icon_url: String,
    product_category: String,
    currency: String,
}

/// The price as an `f64`: only JSON numbers, and about 16 digits of them.
type PlainProduct = HandProduct<f64>;
/// The price exact, as a careful hand-written client declares it.
type ExactProduct = HandProduct<Exact>;

/// A price read by [`hand::exact`]: every digit, number or numeric string.
struct Exact(Decimal);

impl<'de> serde::Deserialize<'de> for Exact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        hand::exact(d).map(Exact)
    }
}

/// IAK's answer around the list, as the hand-written client declares it.
#[derive(serde::Deserialize)]
struct ExactAnswer {
    data: ExactData,
}
#[derive(serde::Deserialize)]
struct ExactData {
    rc: String,
    #[serde(default)]
    pricelist: Vec<ExactProduct>,
}

/// The price list payload (a JSON array) with `n` products. `mixed`: prices
/// as IAK sends them (numbers, numeric strings, some decimals); otherwise
/// every price is a JSON number.
fn pricelist(n: usize, mixed: bool) -> String {
    // (product_type, category, description, code prefix, nominals)
    const KINDS: [(&str, &str, &str, &str, &[u32]); 7] = [
        (
            "pulsa",
            "pulsa",
            "Telkomsel",
            "htelkomsel",
            &[5000, 10000, 20000, 25000, 50000, 100000],
        ),
        ("data", "data", "XL Data", "xld", &[25000, 50000, 100000]),
        (
            "pulsa",
            "pulsa",
            "Indosat",
            "hindosat",
            &[5000, 10000, 25000],
        ),
        (
            "voucher",
            "voucher",
            "Alfamart Voucher",
            "alfamart",
            &[100, 200, 500],
        ),
        (
            "malaysia",
            "international",
            "Malaysia Topup",
            "altel",
            &[10, 30, 100],
        ),
        ("pln", "pln", "PLN", "hpln", &[20000, 50000, 100000, 200000]),
        (
            "game",
            "game",
            "Mobile Legends",
            "hmobilelegends",
            &[86, 172, 257, 344],
        ),
    ];
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        // xorshift64: deterministic, no dependency.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut out = String::with_capacity(n * 340);
    out.push('[');
    for i in 0..n {
        let r = next();
        let (ty, category, desc, prefix, nominals) = KINDS[(r % 7) as usize];
        let nominal = nominals[((r >> 8) % nominals.len() as u64) as usize];
        let usd = (r >> 16) % 20 == 0;
        let price = if usd {
            // A few USD items priced in cents: floats on the wire.
            let cents = u64::from(nominal) * 7 + (r >> 24) % 100;
            if (r >> 56) % 4 == 0 {
                // One in four with 20 more digits: beyond what an `f64` keeps.
                format!(
                    "{}.{:02}{:020}",
                    cents / 100,
                    cents % 100,
                    r % 10_u64.pow(19)
                )
            } else {
                format!("{}.{:02}", cents / 100, cents % 100)
            }
        } else {
            (u64::from(nominal) + u64::from(nominal) / 20 + (r >> 24) % 1000).to_string()
        };
        let price_json = if mixed && !usd && (r >> 32) % 2 == 0 {
            format!("\"{price}\"")
        } else {
            price
        };
        let nominal_text = match ty {
            "voucher" => format!("Voucher {desc} Rp {nominal}.000"),
            "game" => format!("{nominal} Diamonds"),
            _ => nominal.to_string(),
        };
        let details = if (r >> 40) % 4 == 0 {
            format!("{desc} {nominal_text}, berlaku 30 hari")
        } else {
            "-".to_owned()
        };
        let icon = if (r >> 44) % 3 == 0 {
            format!("https://cdn.mobileproduct.net/img/product/operator_list/{prefix}-{i}.png")
        } else {
            "-".to_owned()
        };
        let period = match ty {
            "pulsa" | "data" => ["15", "30", "60"][((r >> 48) % 3) as usize],
            _ => "0",
        };
        let status = if (r >> 52) % 10 == 0 {
            "non active"
        } else {
            "active"
        };
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"product_code\":\"{prefix}{nominal}-{i}\",\"product_description\":\"{desc}\",\
             \"product_nominal\":\"{nominal_text}\",\"product_details\":\"{details}\",\
             \"product_price\":{price_json},\"product_type\":\"{ty}\",\"active_period\":\"{period}\",\
             \"status\":\"{status}\",\"icon_url\":\"{icon}\",\"product_category\":\"{category}\",\
             \"currency\":\"{}\"}}",
            if usd { "USD" } else { "IDR" }
        ));
    }
    out.push(']');
    out
}

/// IAK's whole answer around a payload.
fn answer(payload: &str) -> String {
    format!("{{\"data\":{{\"pricelist\":{payload},\"rc\":\"00\",\"message\":\"SUCCESS\"}}}}")
}

/// Exactly what `Core::judge` does with a payload: `C::decode` on a
/// `serde_json::Deserializer` over its text, with `C = rt::codec::Plain`.
fn generated_decode(payload: &str) -> Vec<Product> {
    let mut de = serde_json::Deserializer::from_str(payload);
    <Plain as Codec<Vec<Product>>>::decode(&mut de).expect("decodes")
}

fn plain_decode(payload: &str) -> Vec<PlainProduct> {
    serde_json::from_str(payload).expect("decodes")
}

fn exact_decode(payload: &str) -> Vec<ExactProduct> {
    serde_json::from_str(payload).expect("decodes")
}

const USERNAME: &str = "081234567890";
const API_KEY: &str = "bench-api-key";

/// Largest answer both clients read in the whole-call bench.
const MAX_BODY: usize = 64 << 20;

/// The hand-written `pricelist` call: the same POST, body and headers as the
/// generated client's, the same work on the answer (capped read, `rc`
/// checked, exact prices), one typed pass over it.
struct HandWritten {
    http: reqwest::Client,
    url: String,
}

impl HandWritten {
    async fn pricelist(&self) -> Result<Vec<ExactProduct>, Box<dyn std::error::Error>> {
        let sign = md5::Md5::digest(format!("{USERNAME}{API_KEY}pl").as_bytes());
        let sign: String = sign.iter().map(|b| format!("{b:02x}")).collect();
        let body = format!(
            "{{\"username\":{},\"sign\":\"{sign}\"}}",
            serde_json::to_string(USERNAME)?
        );
        let resp = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await?;
        let status = resp.status();
        let bytes = hand::read_capped(resp, MAX_BODY).await?;
        if !status.is_success() {
            return Err(format!("HTTP {status}").into());
        }
        let answer: ExactAnswer = serde_json::from_slice(&bytes)?;
        if answer.data.rc != "00" {
            return Err(format!("rc {}", answer.data.rc).into());
        }
        Ok(answer.data.pricelist)
    }
}

fn main() {
    let medians = report::Medians::new();
    let mut c = report::criterion();
    let n = if report::full_run() { 10_000 } else { 100 };
    let mixed = pricelist(n, true);
    let numbers = pricelist(n, false);
    let numbers_body = answer(&numbers);

    // The decoders agree: the generated and the exact ones on both payloads,
    // to the digit; the `f64` one on the numbers as far as an `f64` goes.
    let a = generated_decode(&mixed);
    let b = generated_decode(&numbers);
    assert_eq!(a, b);
    assert_eq!(a.len(), n);
    for payload in [&mixed, &numbers] {
        for (g, e) in a.iter().zip(exact_decode(payload)) {
            assert_eq!(g.product_price, e.product_price.0);
            assert_eq!(g.product_price.to_string(), e.product_price.0.to_string());
            assert_eq!(g.product_code, e.product_code);
        }
    }
    for (g, p) in b.iter().zip(plain_decode(&numbers)) {
        // serde_json's own float reading is off in the last bit for long numbers.
        let exact: f64 = g.product_price.to_string().parse().expect("a number");
        assert!((exact - p.product_price).abs() <= exact.abs() * 1e-15);
    }
    let long = a.iter().filter(|p| p.product_price.scale() >= 20).count();
    assert!(long > 0 || n < 1000, "no long decimals");
    assert!(a.iter().any(|p| p.icon_url.is_none()) && a.iter().any(|p| p.icon_url.is_some()));

    let mut g = c.benchmark_group("decode_iak_pricelist");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .sampling_mode(SamplingMode::Flat);
    for (name, payload) in [("mixed", &mixed), ("numbers", &numbers)] {
        g.throughput(Throughput::Bytes(payload.len() as u64));
        g.bench_function(format!("generated_{name}"), |b| {
            b.iter(|| generated_decode(black_box(payload)))
        });
        g.bench_function(format!("exact_{name}"), |b| {
            b.iter(|| exact_decode(black_box(payload)))
        });
    }
    g.bench_function("plain_numbers", |b| {
        b.iter(|| plain_decode(black_box(&numbers)))
    });
    g.finish();

    // The whole call over loopback: generated client vs hand-written, same bytes.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (server, client, hand) = rt.block_on(async {
        let server = MockServer::start().await.expect("mock server");
        server.set_fallback(Reply::json(200, numbers_body.clone()));
        let client = Client::builder()
            .username(USERNAME)
            .api_key(API_KEY)
            .base_url(server.url())
            .max_body_bytes(MAX_BODY)
            .build()
            .expect("client");
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("providers-runtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("reqwest client");
        let hand = HandWritten {
            http,
            url: format!("{}/api/pricelist", server.url()),
        };
        let a = client.pricelist().await.expect("generated call");
        let b = hand.pricelist().await.expect("hand-written call");
        assert_eq!(a.len(), b.len());
        let rec = server.take_requests();
        assert_eq!(rec.len(), 2);
        assert_eq!(rec[0].head_text(), rec[1].head_text(), "same request head");
        assert_eq!(rec[0].body_text(), rec[1].body_text(), "same request body");
        server.set_recording(false);
        (server, client, hand)
    });
    let mut g = c.benchmark_group("call_iak_pricelist");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Bytes(numbers_body.len() as u64));
    g.bench_function("generated", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(client.pricelist().await.expect("call")) })
    });
    g.bench_function("reqwest_baseline", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(hand.pricelist().await.expect("call")) })
    });
    g.finish();
    c.final_summary();
    drop(server);

    if report::full_run() {
        summary(
            &medians,
            n,
            long,
            [mixed.len(), numbers.len()],
            numbers_body.len(),
        );
        alternating(&mixed, &numbers);
        report::print_load();
    }
}

/// Rounds of alternating decodes, each payload: generated then exact, or
/// exact then generated, in turn.
const ROUNDS: usize = 40;

/// The target's ratio measured in alternating rounds, which a drift in the
/// machine's load hits on both sides alike: per round, exact's time /
/// generated's time on the same bytes.
fn alternating(mixed: &str, numbers: &str) {
    let clock = report::Clock::from_env();
    let time = |f: &dyn Fn()| {
        let start = clock.now();
        f();
        (clock.now() - start).as_secs_f64()
    };
    for (name, payload) in [("mixed", mixed), ("numbers", numbers)] {
        let mut ratios = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let gen = || drop(black_box(generated_decode(black_box(payload))));
            let exact = || drop(black_box(exact_decode(black_box(payload))));
            let (g, e) = if round % 2 == 0 {
                let g = time(&gen);
                (g, time(&exact))
            } else {
                let e = time(&exact);
                (time(&gen), e)
            };
            ratios.push(e / g);
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "alternating rounds ({ROUNDS}), {name}: throughput generated / exact median {:.2} (min {:.2}, max {:.2}) (target >= 0.9)",
            ratios[ROUNDS / 2],
            ratios[0],
            ratios[ROUNDS - 1]
        );
    }
}

fn summary(m: &report::Medians, n: usize, long: usize, sizes: [usize; 2], body_len: usize) {
    let mbs = |ns: f64, bytes: usize| bytes as f64 / (ns / 1e9) / 1e6;
    println!(
        "\n## Decode: {n}-item IAK price list, {long} prices of 20 decimals or more (this run)\n"
    );
    println!("| what | input | median (min-max of samples) | MB/s | throughput / exact's |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let id = |f: &str| format!("decode_iak_pricelist/{f}");
    for (payload, bytes) in ["mixed", "numbers"].into_iter().zip(sizes) {
        let exact = m.ns(&id(&format!("exact_{payload}")));
        let mut rows = vec![format!("generated_{payload}"), format!("exact_{payload}")];
        if payload == "numbers" {
            rows.push("plain_numbers".to_owned());
        }
        for row in rows {
            let (Some(ns), Some((min, max))) = (m.ns(&id(&row)), m.range(&id(&row))) else {
                continue;
            };
            // Throughput ratio: exact's time / this time (target >= 0.9 for generated).
            let ratio = exact.map_or("-".into(), |e| format!("{:.2}", e / ns));
            println!(
                "| {row} | {:.2} MB | {} ({}-{}) | {:.0} | {ratio} |",
                bytes as f64 / 1e6,
                report::time(ns),
                report::time(min),
                report::time(max),
                mbs(ns, bytes)
            );
        }
    }
    let ratio = |g: &str, e: &str| Some(m.ns(&id(e))? / m.ns(&id(g))?);
    if let (Some(mixed), Some(numbers)) = (
        ratio("generated_mixed", "exact_mixed"),
        ratio("generated_numbers", "exact_numbers"),
    ) {
        println!(
            "\nthroughput generated / hand-written exact: mixed {mixed:.2}, numbers {numbers:.2} (target >= 0.9)"
        );
    }
    if let (Some(g), Some(h)) = (
        m.ns("call_iak_pricelist/generated"),
        m.ns("call_iak_pricelist/reqwest_baseline"),
    ) {
        println!(
            "whole call over loopback ({:.2} MB answer): generated {} vs hand-written, same work, {}: ratio {:.2} (time), {:.0} vs {:.0} MB/s",
            body_len as f64 / 1e6,
            report::time(g),
            report::time(h),
            g / h,
            mbs(g, body_len),
            mbs(h, body_len)
        );
    }
}
