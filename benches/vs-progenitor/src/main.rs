//! codegen and progenitor side by side on the same synthetic API
//! (docs/performance.md, "Side by side with progenitor").
//!
//! ```text
//! cd benches/vs-progenitor && cargo run --release          # (a)-(d), prints the table
//! cargo run --release -- --rounds 3 --ns 100,1000          # fewer rounds, other sizes
//! bash compile_cost.sh                                     # (e)
//! ```
//!
//! Every measurement is one child process (this binary, `run GEN N`), so both
//! generators start from a fresh heap; the child builds its input text, then
//! times only the generator's whole pipeline from text to formatted Rust:
//!
//! - ours: `codegen::generate_str` (load, validate, emit, format);
//! - progenitor: `serde_json::from_str::<OpenAPI>`, `Generator::generate_tokens`,
//!   `syn::parse2` and `prettyplease::unparse`, as progenitor's README shows for
//!   build.rs.
//!
//! Each child reports the wall-clock and the CPU time of the pipeline
//! (`CLOCK_PROCESS_CPUTIME_ID`; the machine is shared, and CPU time is the
//! steadier of the two under load). The release children are this binary; the opt-level 0 children are the same
//! code built with the dev profile (`cargo build`, run first). Each child runs
//! under `/usr/bin/time -f %M` when it exists, for its peak memory. Rounds
//! alternate the two generators (ABBA), and the table gives medians and
//! min-max, and ratios ours/progenitor: the ratio of the medians, and the
//! min-max of the per-round ratios.

mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gen {
    Ours,
    Progenitor,
}

impl Gen {
    fn name(self) -> &'static str {
        match self {
            Gen::Ours => "ours",
            Gen::Progenitor => "progenitor",
        }
    }

    fn parse(s: &str) -> Option<Gen> {
        match s {
            "ours" => Some(Gen::Ours),
            "progenitor" => Some(Gen::Progenitor),
            _ => None,
        }
    }

    /// The input text of `n` endpoints.
    fn input(self, n: usize) -> String {
        match self {
            Gen::Ours => synth::ours(n),
            Gen::Progenitor => synth::openapi(n),
        }
    }

    /// The whole pipeline: input text to formatted Rust text.
    fn generate(self, input: &str) -> Result<String, String> {
        match self {
            Gen::Ours => codegen::generate_str(Path::new("synth.yaml"), input).map_err(|d| {
                d.iter()
                    .map(|d| d.render(false))
                    .collect::<Vec<_>>()
                    .join("\n")
            }),
            Gen::Progenitor => {
                let spec: openapiv3::OpenAPI =
                    serde_json::from_str(input).map_err(|e| e.to_string())?;
                let mut generator =
                    progenitor::Generator::new(&progenitor::GenerationSettings::default());
                let tokens = generator
                    .generate_tokens(&spec)
                    .map_err(|e| e.to_string())?;
                let ast: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
                Ok(prettyplease::unparse(&ast))
            }
        }
    }
}

/// One sample, from a child process.
#[derive(Clone, Copy)]
struct Sample {
    /// Generation time, wall clock, seconds.
    secs: f64,
    /// Generation time, CPU (the process's, all threads), seconds.
    cpu_secs: f64,
    /// Formatted lines.
    lines: usize,
    /// Peak RSS in KiB (`/usr/bin/time -f %M`), if measured.
    max_rss_kib: Option<u64>,
}

const TIME: &str = "/usr/bin/time";

/// Runs `exe run GEN N` (under /usr/bin/time if present) and reads its sample.
fn child(exe: &Path, gen: Gen, n: usize) -> Sample {
    let rss_file = std::env::temp_dir().join(format!("vs-progenitor-rss-{}", std::process::id()));
    let use_time = Path::new(TIME).exists();
    let mut cmd = if use_time {
        let mut c = Command::new(TIME);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(exe);
        c
    } else {
        Command::new(exe)
    };
    let out = cmd
        .args(["run", gen.name(), &n.to_string()])
        .output()
        .expect("the child starts");
    if !out.status.success() {
        panic!(
            "{} {} N={n} failed: {}",
            exe.display(),
            gen.name(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let mut words = text.split_whitespace();
    let secs = words.next().and_then(|w| w.parse().ok()).expect("seconds");
    let cpu_secs = words
        .next()
        .and_then(|w| w.parse().ok())
        .expect("CPU seconds");
    let lines = words.next().and_then(|w| w.parse().ok()).expect("lines");
    let max_rss_kib = if use_time {
        let t = std::fs::read_to_string(&rss_file).expect("the time output");
        let _ = std::fs::remove_file(&rss_file);
        t.lines().last().and_then(|l| l.trim().parse().ok())
    } else {
        None
    };
    Sample {
        secs,
        cpu_secs,
        lines,
        max_rss_kib,
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let k = v.len();
    if k % 2 == 1 {
        v[k / 2]
    } else {
        (v[k / 2 - 1] + v[k / 2]) / 2.0
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// "1.23 (1.20-1.30)" with `d` decimals.
fn stat(v: &[f64], d: usize) -> String {
    let (lo, hi) = min_max(v);
    format!("{:.d$} ({lo:.d$}-{hi:.d$})", median(v))
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

/// Samples of one (profile, N) cell: per generator, in round order.
struct Cell {
    ours: Vec<Sample>,
    progenitor: Vec<Sample>,
}

impl Cell {
    fn row(&self, what: &str, n: usize, f: impl Fn(&Sample) -> Option<f64>, d: usize) -> String {
        let a: Vec<f64> = self.ours.iter().filter_map(&f).collect();
        let b: Vec<f64> = self.progenitor.iter().filter_map(&f).collect();
        if a.is_empty() || b.is_empty() {
            return String::new();
        }
        let ratios: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x / y).collect();
        let (lo, hi) = min_max(&ratios);
        format!(
            "| {what} | {n} | {} | {} | **{:.2}** ({lo:.2}-{hi:.2}) |\n",
            stat(&a, d),
            stat(&b, d),
            median(&a) / median(&b),
        )
    }
}

fn rounds_for(n: usize, debug: bool) -> usize {
    match (n, debug) {
        (0..=100, _) => 11,
        (101..=1000, _) => 7,
        (_, false) => 5,
        (_, true) => 3,
    }
}

/// Builds the dev-profile (opt-level 0) binary next to this one and returns its path.
fn build_debug(release_exe: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    eprintln!("building the opt-level 0 (dev profile) binary ...");
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--bin",
            "vs-progenitor",
            "--manifest-path",
        ])
        .arg(&manifest)
        .status()
        .expect("cargo starts");
    assert!(status.success(), "cargo build (dev profile) failed");
    let target = release_exe
        .parent()
        .and_then(Path::parent)
        .expect("target/release/vs-progenitor");
    target.join("debug").join("vs-progenitor")
}

fn orchestrate(ns: &[usize], rounds: Option<usize>) -> ExitCode {
    let release = std::env::current_exe().expect("current_exe");
    if cfg!(debug_assertions) {
        eprintln!("run this with --release (cargo run --release)");
        return ExitCode::FAILURE;
    }
    let debug = build_debug(&release);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load_before = loadavg();
    eprintln!("load before: {load_before}");

    // cells[profile][n]
    let mut cells: Vec<Vec<Cell>> = Vec::new();
    for (p, exe) in [&release, &debug].into_iter().enumerate() {
        let mut row = Vec::new();
        for &n in ns {
            let r = rounds.unwrap_or_else(|| rounds_for(n, p == 1));
            let mut cell = Cell {
                ours: Vec::new(),
                progenitor: Vec::new(),
            };
            // Warm-up pair (page cache, CPU frequency), not recorded.
            child(exe, Gen::Ours, n.min(100));
            child(exe, Gen::Progenitor, n.min(100));
            for round in 0..r {
                let order = if round % 2 == 0 {
                    [Gen::Ours, Gen::Progenitor]
                } else {
                    [Gen::Progenitor, Gen::Ours]
                };
                for g in order {
                    let s = child(exe, g, n);
                    match g {
                        Gen::Ours => cell.ours.push(s),
                        Gen::Progenitor => cell.progenitor.push(s),
                    }
                }
                eprintln!(
                    "{} N={n} round {}/{r}: ours {:.3} s ({:.3} CPU), progenitor {:.3} s ({:.3} CPU) (load {})",
                    if p == 0 { "release" } else { "opt-level 0" },
                    round + 1,
                    cell.ours[round].secs,
                    cell.ours[round].cpu_secs,
                    cell.progenitor[round].secs,
                    cell.progenitor[round].cpu_secs,
                    loadavg(),
                );
            }
            row.push(cell);
        }
        cells.push(row);
    }
    let load_after = loadavg();

    let cpu_ms = |n: usize| move |s: &Sample| Some(s.cpu_secs * 1000.0 / n as f64);
    let wall_ms = |n: usize| move |s: &Sample| Some(s.secs * 1000.0 / n as f64);
    let gib = |s: &Sample| s.max_rss_kib.map(|k| k as f64 / (1024.0 * 1024.0));
    let lines = |n: usize| move |s: &Sample| Some(s.lines as f64 / n as f64);
    let mut t = String::new();
    t.push_str("| measure | N | ours | progenitor | ours/progenitor |\n");
    t.push_str("| --- | ---: | ---: | ---: | ---: |\n");
    for (p, what) in [
        (0, "(a) generation, release"),
        (1, "(b) generation, opt-level 0"),
    ] {
        for (i, &n) in ns.iter().enumerate() {
            t += &cells[p][i].row(&format!("{what}, CPU ms/endpoint"), n, cpu_ms(n), 3);
        }
        for (i, &n) in ns.iter().enumerate() {
            t += &cells[p][i].row(&format!("{what}, wall ms/endpoint"), n, wall_ms(n), 3);
        }
    }
    for (i, &n) in ns.iter().enumerate() {
        t += &cells[0][i].row("(c) peak memory, release, GiB", n, gib, 3);
    }
    for (i, &n) in ns.iter().enumerate() {
        t += &cells[1][i].row("(c) peak memory, opt-level 0, GiB", n, gib, 3);
    }
    for (i, &n) in ns.iter().enumerate() {
        t += &cells[0][i].row("(d) generated lines per endpoint", n, lines(n), 1);
    }
    println!("## codegen vs progenitor 0.15 (benches/vs-progenitor)\n");
    println!(
        "machine: {cores} cores, {cpu}; load average before {load_before}, after {load_after}"
    );
    println!(
        "rounds (ABBA-alternated, one child process each): {}\n",
        ns.iter()
            .map(|&n| format!(
                "N={n}: {} release, {} opt-level 0",
                rounds.unwrap_or_else(|| rounds_for(n, false)),
                rounds.unwrap_or_else(|| rounds_for(n, true))
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    print!("{t}");
    println!(
        "\nmedian (min-max) of the rounds; ratio: of the medians (min-max of the per-round ratios)."
    );
    ExitCode::SUCCESS
}

/// CPU time of this process (all threads), seconds.
fn cpu_secs() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// `run GEN N`: one timed generation; prints "WALL_SECONDS CPU_SECONDS LINES".
fn run_child(gen: Gen, n: usize) -> ExitCode {
    let input = gen.input(n);
    let (t0, c0) = (Instant::now(), cpu_secs());
    let out = gen.generate(&input);
    let (wall, cpu) = (t0.elapsed().as_secs_f64(), cpu_secs() - c0);
    match out {
        Ok(text) => {
            println!("{wall} {cpu} {}", text.lines().count());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{} failed: {e}", gen.name());
            ExitCode::FAILURE
        }
    }
}

/// `emit N DIR`: both generators' output of N endpoints, for compile_cost.sh:
/// DIR/ours/{spec/synth.yaml, gen/providers.rs, gen/synth.rs} (through
/// `codegen::Config`, as a build script does) and DIR/progenitor/{openapi.json,
/// gen/progenitor.rs}.
fn emit(n: usize, dir: &Path) -> ExitCode {
    let ours = dir.join("ours");
    std::fs::create_dir_all(ours.join("spec")).expect("mkdir");
    let spec = ours.join("spec").join("synth.yaml");
    std::fs::write(&spec, synth::ours(n)).expect("write the spec");
    match codegen::Config::new().spec(&spec).generate() {
        Ok(g) => codegen::write(&g, &ours.join("gen")).expect("write ours"),
        Err(d) => {
            for d in d {
                eprintln!("{}", d.render(false));
            }
            return ExitCode::FAILURE;
        }
    }
    let prog = dir.join("progenitor");
    std::fs::create_dir_all(prog.join("gen")).expect("mkdir");
    let doc = synth::openapi(n);
    std::fs::write(prog.join("openapi.json"), &doc).expect("write the document");
    match Gen::Progenitor.generate(&doc) {
        // Left untouched when unchanged, as codegen::write does: a rerun keeps the built crate.
        Ok(text) => {
            let file = prog.join("gen").join("progenitor.rs");
            if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
                std::fs::write(&file, text).expect("write");
            }
        }
        Err(e) => {
            eprintln!("progenitor failed: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn parse_n(s: &str) -> Option<usize> {
    s.replace(['_', ','], "").parse().ok()
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: vs-progenitor [--rounds R] [--ns 100,1000,10000]   (the benchmark)\n       \
         vs-progenitor run ours|progenitor N                 (one timed generation)\n       \
         vs-progenitor emit N DIR                            (both outputs, for compile_cost.sh)"
    );
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => match (
            args.get(1).and_then(|g| Gen::parse(g)),
            args.get(2).and_then(|n| parse_n(n)),
        ) {
            (Some(g), Some(n)) => run_child(g, n),
            _ => usage(),
        },
        Some("emit") => match (args.get(1).and_then(|n| parse_n(n)), args.get(2)) {
            (Some(n), Some(dir)) => emit(n, Path::new(dir)),
            _ => usage(),
        },
        _ => {
            let mut ns = vec![100, 1000, 10_000];
            let mut rounds = None;
            let mut it = args.iter();
            while let Some(a) = it.next() {
                match (a.as_str(), it.next()) {
                    ("--rounds", Some(r)) => match parse_n(r) {
                        Some(r) if r > 0 => rounds = Some(r),
                        _ => return usage(),
                    },
                    ("--ns", Some(list)) => {
                        let parsed: Option<Vec<usize>> = list.split(',').map(parse_n).collect();
                        match parsed {
                            Some(v) if !v.is_empty() => ns = v,
                            _ => return usage(),
                        }
                    }
                    _ => return usage(),
                }
            }
            orchestrate(&ns, rounds)
        }
    }
}
