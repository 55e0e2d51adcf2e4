//! The generator in someone else's crate, the way README's "Use it in your own
//! crate" says: a scratch crate outside this workspace with its own spec
//! folder, its own build.rs calling `codegen::Config`, the runtime under
//! another name, its own output file name, no blocking feature declared and no
//! serde dependency. It must compile and document with `-D warnings`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create dir");
    }
    std::fs::write(path, text).expect("write file");
}

const SPEC: &str = r#"provider:
  name: Acme top-up
credentials:
  token: { description: Your API token. }
auth:
  - { in: header, name: Authorization, prefix: "Bearer ", credential: token }
base_url:
  environments: { sandbox: "https://sandbox.acme.test", live: "https://api.acme.test" }
  default: sandbox
models:
  Balance:
    description: What is left to spend.
    fields:
      amount: { type: decimal, description: The balance. }
endpoints:
  balance:
    description: Your balance.
    method: GET
    path: /v1/balance
    response: Balance
    examples:
      - request: {}
        response:
          body: { amount: "100.50" }
"#;

const BUILD_RS: &str = r#"fn main() -> std::process::ExitCode {
    match providers_codegen::Config::new()
        .spec("api")
        .out_file("clients.rs")
        .runtime_crate("::acme_runtime")
        .compile()
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}
"#;

const LIB_RS: &str = r#"//! Acme's client, generated from `api/acme.yaml`.
#![deny(missing_docs)]
include!(concat!(env!("OUT_DIR"), "/clients.rs"));

/// Builds a client against a local server.
pub fn local(url: &str) -> Result<acme::Client, acme_runtime::BuildError> {
    acme::Client::builder().token("t-123").base_url(url).build()
}
"#;

#[test]
fn a_crate_of_its_own_generates_its_clients_with_only_the_runtime_as_dependency() {
    let codegen = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = codegen.parent().expect("workspace root").to_path_buf();
    let krate = root.join("target/own-crate");
    let _ = std::fs::remove_dir_all(krate.join("api"));
    let path = |p: &Path| p.display().to_string().replace('\\', "/");
    write(
        &krate.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"acme-client\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n\
             [dependencies]\nacme-runtime = {{ package = \"providers-runtime\", path = \"{}\" }}\n\n\
             [build-dependencies]\nproviders-codegen = {{ path = \"{}\" }}\n",
            path(&root.join("runtime")),
            path(&codegen),
        ),
    );
    write(&krate.join("build.rs"), BUILD_RS);
    write(&krate.join("src/lib.rs"), LIB_RS);
    write(&krate.join("api/acme.yaml"), SPEC);
    // The project's lock file pins the versions the project builds with.
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).expect("lock file");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for (args, what) in [
        (&["check", "--quiet"][..], "compile"),
        (&["doc", "--no-deps", "--quiet"][..], "document"),
    ] {
        let out = Command::new(&cargo)
            .current_dir(&krate)
            .args(args)
            // Shares built dependencies with the odd-spec test (same flags).
            .env("CARGO_TARGET_DIR", root.join("target/odd-specs"))
            .env("RUSTFLAGS", "-D warnings")
            .env("RUSTDOCFLAGS", "-D warnings")
            .output()
            .expect("run cargo");
        assert!(
            out.status.success(),
            "the crate does not {what} cleanly:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out_dir = std::fs::read_dir(root.join("target/odd-specs/debug/build"))
        .expect("build dir")
        .filter_map(Result::ok)
        .map(|e| e.path().join("out"))
        .find(|p| p.join("clients.rs").exists())
        .expect("the build script wrote clients.rs");
    let module = std::fs::read_to_string(out_dir.join("acme.rs")).expect("module");
    assert!(module.contains("use ::acme_runtime as rt;"), "{module}");
    assert!(!module.contains("send_blocking"), "blocking calls are off");
}
