//! Generates the provider clients from `specs/` into `OUT_DIR`.
fn main() -> std::process::ExitCode {
    let blocking = codegen::Blocking::Feature("blocking".into());
    match codegen::Config::new()
        .spec("specs")
        .blocking(blocking)
        .compile()
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}
