//! Generates the clients of the test-only specs into `OUT_DIR`.
fn main() -> std::process::ExitCode {
    match codegen::Config::new()
        .spec("../odd_specs/hmac_webhooks.yaml")
        .compile()
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}
