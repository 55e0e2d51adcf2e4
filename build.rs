//! Generates the provider clients from `specs/` into `OUT_DIR`.
fn main() -> std::process::ExitCode {
    match codegen::build_script(std::path::Path::new("specs")) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(()) => std::process::ExitCode::FAILURE,
    }
}
