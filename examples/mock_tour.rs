//! The main job on an embedded default: no credentials, no network.
//!
//! Starts a mock provider in-process for every spec in `specs/`, serves each
//! documented example, calls it through the generated client, and prints what
//! came back and whether the request on the wire matched the spec. Then it
//! signs each documented callback notification with test credentials and
//! prints what the generated verifier made of it, and of its forgeries.
//!
//! ```text
//! cargo run --example mock_tour
//! ```

#[path = "../tests/it/support/tour.rs"]
mod tour;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let specs = std::path::Path::new("specs");
    let outcomes = match tour::run(specs).await.and_then(|mut calls| {
        let files = codegen::spec_files(specs).map_err(|e| e.to_string())?;
        calls.extend(tour::callbacks(&files, &providers::PROVIDERS)?);
        Ok(calls)
    }) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "Each line: `ok` when the call returned what the spec's example says it should \
         (a payload, or the documented provider error or pending answer) and the request \
         on the wire matched the spec; for a callback, when the signed notification \
         decoded and its forgeries were refused (how many); `FAIL` with the differences \
         otherwise.\n"
    );
    let mut failed = 0;
    for o in &outcomes {
        let mark = if o.problems.is_empty() {
            "ok  "
        } else {
            "FAIL"
        };
        println!("{mark} {:<45} {}", o.label, o.summary);
        for p in &o.problems {
            println!("       - {p}");
            failed += 1;
        }
    }
    println!(
        "\n{} examples across {} providers, {} problem(s)",
        outcomes.len(),
        providers::PROVIDERS.len(),
        failed
    );
    if failed == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
