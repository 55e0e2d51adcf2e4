//! Prints a valid synthetic provider spec with N endpoints (default 1000), for
//! benchmarks and build-cost measurements:
//!
//! ```text
//! cargo run -p providers-codegen --example synth_spec -- 1000 > /tmp/synth/synth_1000.yaml
//! cargo codegen generate --out /tmp/synth/out   # or generate_str
//! ```
//!
//! The generator itself lives in `benches/support/synth.rs`, shared with the
//! criterion benchmarks of the root package.

#[path = "../../benches/support/synth.rs"]
mod synth;

fn main() -> std::process::ExitCode {
    let n = match std::env::args()
        .nth(1)
        .map(|a| a.replace('_', "").parse::<usize>())
    {
        None => 1000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("usage: synth_spec [N]  (N endpoints; {e})");
            return std::process::ExitCode::FAILURE;
        }
    };
    print!("{}", synth::spec(n));
    std::process::ExitCode::SUCCESS
}
