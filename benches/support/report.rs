//! Shared by the criterion benches: the clock, one output directory, reading
//! back the medians criterion just wrote, and the "test mode" switch.
//!
//! Every figure of docs/performance.md is a ratio of two medians measured in
//! the same run, because this machine is shared and absolute times drift.
#![allow(dead_code)] // each bench uses a different part of it

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::Criterion;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

/// What the benches measure: by default the CPU time of the benchmarking
/// thread (`CLOCK_THREAD_CPUTIME_ID`), which other processes competing for
/// the cores do not inflate; with `BENCH_CLOCK=wall`, wall-clock time.
///
/// Every measured routine runs on that one thread: codegen and decoding are
/// single-threaded, and the HTTP benches run client and mock server on one
/// current-thread tokio runtime, on loopback, where that thread never waits.
pub struct Clock {
    cpu: bool,
    epoch: Instant,
    wall: WallTime,
}

impl Clock {
    /// From `BENCH_CLOCK` (`cpu`, the default, or `wall`).
    pub fn from_env() -> Self {
        let cpu = match std::env::var("BENCH_CLOCK").as_deref() {
            Ok("wall") => false,
            Ok("cpu") | Err(_) => thread_cpu().is_some(),
            Ok(other) => panic!("BENCH_CLOCK must be `cpu` or `wall`, not {other:?}"),
        };
        Clock {
            cpu,
            epoch: Instant::now(),
            wall: WallTime,
        }
    }

    /// `"thread CPU time"` or `"wall-clock time"`.
    pub fn name(&self) -> &'static str {
        if self.cpu {
            "thread CPU time"
        } else {
            "wall-clock time"
        }
    }

    /// The clock's current reading.
    pub fn now(&self) -> Duration {
        if self.cpu {
            thread_cpu().unwrap_or_default()
        } else {
            self.epoch.elapsed()
        }
    }
}

/// CPU time consumed by the calling thread.
#[cfg(target_os = "linux")]
fn thread_cpu() -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu() -> Option<Duration> {
    None
}

impl Measurement for Clock {
    type Intermediate = Duration;
    type Value = Duration;
    fn start(&self) -> Duration {
        self.now()
    }
    fn end(&self, start: Duration) -> Duration {
        self.now().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        self.wall.formatter()
    }
}

/// True under `cargo bench` (cargo passes `--bench`). Under `cargo test
/// --benches` criterion only runs each routine once; the benches then use
/// small inputs so that test runs stay cheap.
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Where criterion writes: `$CRITERION_HOME`, else `<target dir>/criterion`
/// (criterion's own default, without its `cargo metadata` call).
pub fn out_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    // CARGO_TARGET_TMPDIR is `<target dir>/tmp` for benches.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .map_or(tmp.clone(), |p| p.to_path_buf())
        .join("criterion")
}

/// A `Criterion` with [`Clock`], writing into [`out_dir`], configured from the command line.
pub fn criterion() -> Criterion<Clock> {
    let clock = Clock::from_env();
    println!("measuring {}", clock.name());
    Criterion::default()
        .with_measurement(clock)
        .output_directory(&out_dir())
        .configure_from_args()
}

/// Medians of benchmarks run by this process.
pub struct Medians {
    started: SystemTime,
}

impl Medians {
    /// Call before running the benches: older estimates are ignored.
    pub fn new() -> Self {
        Medians {
            started: SystemTime::now(),
        }
    }

    /// The median (ns per iteration) criterion wrote for `id` (`group/function[/parameter]`)
    /// during this run; `None` if it was filtered out or not run.
    pub fn ns(&self, id: &str) -> Option<f64> {
        self.read(id, "estimates.json")?["median"]["point_estimate"].as_f64()
    }

    /// The fastest and slowest sample (ns per iteration) criterion kept for
    /// `id` during this run; `None` if it was filtered out or not run.
    pub fn range(&self, id: &str) -> Option<(f64, f64)> {
        let v = self.read(id, "sample.json")?;
        let per_iter: Vec<f64> = v["iters"]
            .as_array()?
            .iter()
            .zip(v["times"].as_array()?)
            .filter_map(|(n, t)| Some(t.as_f64()? / n.as_f64()?))
            .collect();
        let min = per_iter.iter().copied().fold(f64::INFINITY, f64::min);
        let max = per_iter.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (!per_iter.is_empty()).then_some((min, max))
    }

    /// A JSON file criterion wrote for `id` during this run.
    fn read(&self, id: &str, file: &str) -> Option<serde_json::Value> {
        let path = out_dir().join(id).join("new").join(file);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        if modified < self.started {
            return None;
        }
        serde_json::from_slice(&std::fs::read(&path).ok()?).ok()
    }
}

/// `1234567.0` ns as `1.235 ms`.
pub fn time(ns: f64) -> String {
    let a = ns.abs();
    if a >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if a >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if a >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// Prints the clock and the load of the machine next to the figures (other
/// sessions share it).
pub fn print_load() {
    println!("clock: {}", Clock::from_env().name());
    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average (1, 5, 15 min) at the end: {}",
            l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
    }
}
