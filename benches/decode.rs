//! Decode throughput of the generated types (docs/performance.md, section 4).
//!
//! A 10,000-item IAK price list, decoded by the generated `iak_prepaid::Product`
//! through the path `Core::execute` uses for a payload
//! (`rt::codec::Plain` on a `serde_json::Deserializer` over the payload text),
//! against a hand-written serde struct with plain `f64`/`String` fields.
//!
//! Two payloads, the same 10,000 products:
//! - `mixed`: as IAK sends them: prices as JSON numbers, numeric strings
//!   (`"10850"`) and a few decimals, `active_period` as text, `"-"` for no
//!   details or icon. Only the generated types can read it: a plain `f64`
//!   cannot read `"10850"`.
//! - `numbers`: every price a JSON number, the rest identical. Both can read
//!   it, so the ratio on these bytes is like for like.
//!
//! The runtime's envelope reader is private; its cost is measured separately
//! by `envelope_replica` (the same serde_json calls as `runtime/src/envelope.rs`
//! makes for IAK's `data.rc` check and `data.pricelist` payload: two scans of
//! the answer) and by the whole generated call against a hand-written one,
//! over loopback.
//!
//! `cargo bench --bench decode`; about 2 minutes.

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{SamplingMode, Throughput};
use md5::Digest;
use providers::iak_prepaid::{Client, Product};
use providers::runtime::codec::{Codec, Plain};
use providers::runtime::reexport::reqwest;
use providers_mock::{MockServer, Reply};
use serde_json::value::RawValue;

#[path = "support/report.rs"]
mod report;

/// What a hand-written client would decode into: plain types, no leniency.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read by serde only
struct PlainProduct {
    product_code: String,
    product_description: String,
    product_nominal: String,
    product_details: String,
    product_price: f64,
    product_type: String,
    active_period: String,
    status: String,
    icon_url: String,
    product_category: String,
    currency: String,
}

/// IAK's answer around the list, as a hand-written client would declare it.
#[derive(serde::Deserialize)]
struct PlainAnswer {
    data: PlainData,
}
#[derive(serde::Deserialize)]
struct PlainData {
    rc: String,
    #[serde(default)]
    pricelist: Vec<PlainProduct>,
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
            format!("{}.{:02}", cents / 100, cents % 100)
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

/// The serde_json work of `runtime/src/envelope.rs` for IAK's envelope
/// (`success: data.rc == "00"`, `payload: data.pricelist`), kept in step
/// with it by hand: UTF-8 check; `Body::parse` reads the root object straight
/// into its fields (one scan); `holds` reads the fields of `data` (a second
/// scan, remembered) and `rc` as a `Value`; `at` finds `pricelist` among the
/// remembered fields of `data`.
fn envelope_replica(body: &[u8]) -> &RawValue {
    type Fields<'a> = Rc<BTreeMap<String, &'a RawValue>>;
    let text = std::str::from_utf8(body).expect("utf-8").trim();
    let mut objects: HashMap<String, Option<Fields>> = HashMap::new();
    let root: BTreeMap<String, &RawValue> = serde_json::from_str(text).expect("json");
    objects.insert(String::new(), Some(Rc::new(root)));
    let data_raw = objects[""].as_ref().expect("object")["data"];
    let data: Fields = Rc::new(serde_json::from_str(data_raw.get()).expect("data"));
    objects.insert("data".to_owned(), Some(data.clone()));
    let rc: serde_json::Value = serde_json::from_str(data["rc"].get()).expect("rc");
    assert_eq!(rc, "00");
    let data = objects["data"].as_ref().expect("data");
    data["pricelist"]
}

const USERNAME: &str = "081234567890";
const API_KEY: &str = "bench-api-key";

/// The hand-written `pricelist` call: the same POST, body and headers as the
/// generated client's, one typed pass over the answer.
struct HandWritten {
    http: reqwest::Client,
    url: String,
}

impl HandWritten {
    async fn pricelist(&self) -> Result<Vec<PlainProduct>, Box<dyn std::error::Error>> {
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
        let bytes = resp.bytes().await?;
        if !status.is_success() {
            return Err(format!("HTTP {status}").into());
        }
        let answer: PlainAnswer = serde_json::from_slice(&bytes)?;
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
    let mixed_body = answer(&mixed);
    let numbers_body = answer(&numbers);

    // Both decoders agree on the numbers-only payload; the generated one reads
    // the mixed payload to the same prices.
    let a = generated_decode(&mixed);
    let b = generated_decode(&numbers);
    let p = plain_decode(&numbers);
    assert_eq!(a, b);
    assert_eq!(a.len(), n);
    for (g, p) in b.iter().zip(&p) {
        assert_eq!(
            g.product_price.to_string().parse::<f64>().ok(),
            Some(p.product_price)
        );
        assert_eq!(g.product_code, p.product_code);
    }
    assert!(a.iter().any(|p| p.icon_url.is_none()) && a.iter().any(|p| p.icon_url.is_some()));
    assert_eq!(envelope_replica(mixed_body.as_bytes()).get(), mixed);

    let mut g = c.benchmark_group("decode_iak_pricelist");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Bytes(mixed.len() as u64));
    g.bench_function("generated_mixed", |b| {
        b.iter(|| generated_decode(black_box(&mixed)))
    });
    g.throughput(Throughput::Bytes(numbers.len() as u64));
    g.bench_function("generated_numbers", |b| {
        b.iter(|| generated_decode(black_box(&numbers)))
    });
    g.bench_function("plain_numbers", |b| {
        b.iter(|| plain_decode(black_box(&numbers)))
    });
    g.throughput(Throughput::Bytes(mixed_body.len() as u64));
    g.bench_function("envelope_replica", |b| {
        b.iter(|| {
            envelope_replica(black_box(mixed_body.as_bytes()))
                .get()
                .len()
        })
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
            .max_body_bytes(64 << 20)
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
            &[
                ("generated_mixed", mixed.len()),
                ("generated_numbers", numbers.len()),
                ("plain_numbers", numbers.len()),
                ("envelope_replica", mixed_body.len()),
            ],
            numbers_body.len(),
        );
    }
}

fn summary(m: &report::Medians, n: usize, rows: &[(&str, usize)], body_len: usize) {
    let mbs = |ns: f64, bytes: usize| bytes as f64 / (ns / 1e9) / 1e6;
    println!("\n## Decode: {n}-item IAK price list (medians of this run)\n");
    println!("| what | input | median | MB/s | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let plain = m.ns("decode_iak_pricelist/plain_numbers");
    for (id, bytes) in rows {
        let Some(ns) = m.ns(&format!("decode_iak_pricelist/{id}")) else {
            continue;
        };
        // Throughput ratio: plain time / this time (>= 0.9 is the target for decoders).
        let ratio = plain.map_or("-".into(), |p| format!("{:.2}", p / ns));
        println!(
            "| {id} | {:.2} MB | {} | {:.0} | {ratio} |",
            *bytes as f64 / 1e6,
            report::time(ns),
            mbs(ns, *bytes)
        );
    }
    if let (Some(gn), Some(gm), Some(p)) = (
        m.ns("decode_iak_pricelist/generated_numbers"),
        m.ns("decode_iak_pricelist/generated_mixed"),
        plain,
    ) {
        println!(
            "\nthroughput ratio generated / plain: same bytes (numbers) {:.2}, generated on IAK's mixed payload vs plain on numbers {:.2} (target >= 0.9)",
            p / gn,
            p / gm
        );
        if let Some(e) = m.ns("decode_iak_pricelist/envelope_replica") {
            println!(
                "envelope (replica) costs {} = {:.0}% of the generated decode of the same list",
                report::time(e),
                100.0 * e / gm
            );
        }
    }
    if let (Some(g), Some(h)) = (
        m.ns("call_iak_pricelist/generated"),
        m.ns("call_iak_pricelist/reqwest_baseline"),
    ) {
        println!(
            "whole call over loopback ({:.2} MB answer): generated {} vs hand-written {}: ratio {:.2} (time), {:.0} vs {:.0} MB/s",
            body_len as f64 / 1e6,
            report::time(g),
            report::time(h),
            g / h,
            mbs(g, body_len),
            mbs(h, body_len)
        );
    }
    report::print_load();
}
