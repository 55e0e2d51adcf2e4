//! Generic contract tests: every documented example of every spec in `specs/`
//! is served by the mock provider and called through the generated client. The
//! request must carry the example's parameters, fixed values, headers and auth
//! (signatures recomputed here, independently of the runtime), and the response
//! must give the declared outcome. No provider is named here.

use crate::support::tour;

#[tokio::test]
async fn every_example_of_every_spec_round_trips() {
    let outcomes = tour::run(std::path::Path::new("specs"))
        .await
        .expect("specs load");
    assert!(!outcomes.is_empty());
    assert_all_passed(&outcomes, "example(s)");
}

/// Every documented notification of every callback of every spec verifies and
/// decodes when signed as the spec says, and is refused (with the matching
/// error, showing no credential) when signed with other credentials, unsigned,
/// altered, too large or not JSON.
#[test]
fn every_callback_example_verifies_and_forgeries_are_refused() {
    let files = codegen::spec_files(std::path::Path::new("specs")).expect("specs");
    let outcomes = tour::callbacks(&files, &providers::PROVIDERS).expect("specs load");
    assert!(!outcomes.is_empty(), "no spec documents a callback");
    assert_all_passed(&outcomes, "notification(s)");
}

#[test]
fn every_spec_is_compiled_into_the_crate() {
    let files = codegen::spec_files(std::path::Path::new("specs")).expect("specs");
    let modules: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let compiled: Vec<&str> = providers::PROVIDERS.iter().map(|p| p.module).collect();
    assert_eq!(modules, compiled);
}

/// Fails with every problem of every outcome that has one.
fn assert_all_passed(outcomes: &[tour::Outcome], what: &str) {
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.problems.is_empty())
        .map(|o| {
            format!(
                "{} ({}):\n  - {}",
                o.label,
                o.summary,
                o.problems.join("\n  - ")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} {what} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
