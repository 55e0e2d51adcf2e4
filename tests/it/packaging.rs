//! Every published crate packages: `cargo package` of the workspace (without
//! the test-only client crate) resolves the path dependencies by their versions
//! (the generator's `mock` feature needs `providers-mock`, so it is published
//! too) and finds each manifest's README and metadata. The packages are not built
//! here (`--no-verify`): the test suite already builds the same sources.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_published_crates_package() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args([
            "package",
            "--workspace",
            "--exclude",
            "providers-test-clients",
            "--no-verify",
            "--allow-dirty",
            "--quiet",
        ])
        .env("CARGO_TARGET_DIR", root.join("target/packaging"))
        .output()
        .expect("run cargo package");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo package failed:\n{stderr}");
    assert!(
        !stderr.contains("warning"),
        "cargo package warns:\n{stderr}"
    );
    for name in [
        "providers",
        "providers-runtime",
        "providers-codegen",
        "providers-mock",
    ] {
        let crate_file = root.join(format!("target/packaging/package/{name}-0.1.0.crate"));
        assert!(
            crate_file.exists(),
            "{} was not packaged",
            crate_file.display()
        );
    }
}
