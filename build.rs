//! Generates the provider clients from `specs/` into `OUT_DIR`.
fn main() -> std::process::ExitCode {
    match codegen::build_script(std::path::Path::new("specs")) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}
