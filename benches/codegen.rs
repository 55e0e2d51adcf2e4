//! Codegen throughput and scaling (docs/performance.md, section 1).
//!
//! For synthetic specs of N = 10, 100, 1,000 and 10,000 endpoints
//! (`benches/support/synth.rs`): the whole pipeline `codegen::generate_str`
//! (load + resolve + validate + emit + prettyplease), then each stage alone
//! (`load::load_str`, `analyze`, `emit::provider_source`). The summary prints
//! the time per endpoint for each N and its ratio to N = 10: flat scaling is a
//! ratio close to 1.
//!
//! `cargo bench --bench codegen`; about 5 minutes on 2 cores (the 10,000
//! endpoint spec takes ~10 s of CPU per run and ~2.8 GB of memory).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, SamplingMode, Throughput};

#[path = "support/report.rs"]
mod report;
#[path = "support/synth.rs"]
mod synth;

const STAGES: [&str; 3] = ["load", "analyze", "emit"];

fn sizes() -> Vec<usize> {
    if report::full_run() {
        vec![10, 100, 1_000, 10_000]
    } else {
        vec![10]
    }
}

/// Sample count and measurement time for one `generate_str` of `n` endpoints
/// (about 1 ms of CPU per endpoint here).
fn budget(n: usize) -> (usize, Duration) {
    let run = Duration::from_micros(1_300 * n as u64);
    let samples = if n <= 100 { 30 } else { 10 };
    // Flat sampling: every sample is the same number of runs, at least one.
    (
        samples,
        (run * samples as u32 * 6 / 5).max(Duration::from_secs(3)),
    )
}

/// Runs of each stage measured by [`stages`].
fn stage_runs(n: usize) -> usize {
    match n {
        0..=100 => 21,
        101..=1_000 => 5,
        _ => 3,
    }
}

fn main() {
    let medians = report::Medians::new();
    let mut c = report::criterion();
    let file = Path::new("synthetic.yaml");
    let specs: Vec<(usize, String)> = sizes().into_iter().map(|n| (n, synth::spec(n))).collect();

    let mut g = c.benchmark_group("codegen_generate");
    g.sampling_mode(SamplingMode::Flat);
    g.warm_up_time(Duration::from_millis(300));
    for (n, text) in &specs {
        let (samples, time) = budget(*n);
        g.sample_size(samples).measurement_time(time);
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::new("generate_str", n), text, |b, text| {
            b.iter(|| codegen::generate_str(file, black_box(text)).expect("valid spec"))
        });
    }
    g.finish();
    c.final_summary();

    if report::full_run() {
        // The same pipeline one stage at a time, to find a stage that grows
        // faster than N. Measured directly with the same clock (median of a few
        // runs): criterion's minimum of 10 samples per stage would add
        // ~4 minutes at N = 10,000 for a diagnostic.
        let stage_ns: Vec<[f64; 3]> = specs
            .iter()
            .map(|(n, text)| stages(file, text, stage_runs(*n)))
            .collect();
        summary(&medians, &specs, &stage_ns);
    } else {
        stages(file, &specs[0].1, 1);
    }
}

/// Median time of `load::load_str`, `analyze` and `emit::provider_source` (ns).
fn stages(file: &Path, text: &str, runs: usize) -> [f64; 3] {
    let clock = report::Clock::from_env();
    let mut t: [Vec<f64>; 3] = Default::default();
    for _ in 0..runs {
        let input = text.to_owned();
        let t0 = clock.now();
        let loaded = codegen::load::load_str(file, black_box(input)).expect("loads");
        let t1 = clock.now();
        let (loaded, ir) = codegen::analyze(loaded).expect("valid spec");
        let t2 = clock.now();
        let out =
            codegen::emit::provider_source(&ir, &codegen::emit::Options::default()).expect("emits");
        let t3 = clock.now();
        black_box(out);
        // Dropping is part of the pipeline's cost (generate_str drops all of it).
        drop((loaded, ir));
        for (i, (a, b)) in [(t0, t1), (t1, t2), (t2, t3)].into_iter().enumerate() {
            t[i].push((b - a).as_nanos() as f64);
        }
    }
    t.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    })
}

fn summary(m: &report::Medians, specs: &[(usize, String)], stage_ns: &[[f64; 3]]) {
    println!("\n## Codegen scaling (medians of this run)\n");
    println!(
        "| N endpoints | spec | generate_str | per endpoint | ratio to N=10 | load / ep | analyze / ep | emit / ep |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let base = m.ns("codegen_generate/generate_str/10").map(|t| t / 10.0);
    let stage_base = stage_ns.first().map(|s| s.map(|t| t / 10.0));
    let mut last = None::<(usize, f64)>;
    for ((n, text), st) in specs.iter().zip(stage_ns) {
        let total = m.ns(&format!("codegen_generate/generate_str/{n}"));
        let per = total.map(|t| t / *n as f64);
        let ratio = match (per, base) {
            (Some(p), Some(b)) => {
                last = Some((*n, p / b));
                format!("{:.2}", p / b)
            }
            _ => "-".into(),
        };
        let stages: Vec<String> = (0..STAGES.len())
            .map(|i| {
                let p = st[i] / *n as f64;
                match stage_base {
                    Some(b) => format!("{} ({:.2})", report::time(p), p / b[i]),
                    None => report::time(p),
                }
            })
            .collect();
        println!(
            "| {n} | {:.0} KB | {} | {} | {ratio} | {} |",
            text.len() as f64 / 1024.0,
            total.map_or("-".into(), report::time),
            per.map_or("-".into(), report::time),
            stages.join(" | ")
        );
    }
    println!(
        "\nStage columns: median of {}/{}/{}/{} direct runs (N = 10/100/1,000/10,000), per endpoint, (ratio to N = 10).",
        stage_runs(10),
        stage_runs(100),
        stage_runs(1_000),
        stage_runs(10_000)
    );
    if let Some((n, r)) = last {
        println!(
            "per-endpoint(N={n}) / per-endpoint(N=10) = {r:.2} (target: close to 1, i.e. linear)"
        );
    }
    report::print_load();
}
