//! Valid but odd specs must generate code that compiles, and documents,
//! without warnings:
//! Rust keywords and non-identifier wire names everywhere, unicode text, deep
//! nesting, and a 300-endpoint spec. The specs are built by `build.rs` of a
//! scratch crate (the same path users take), checked with `-D warnings`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create dir");
    }
    std::fs::write(path, text).expect("write file");
}

fn many_endpoints(n: usize) -> String {
    let mut s = String::from("provider:\n  name: Many\ncredentials:\n  key: {}\nauth:\n  - { in: params, name: key, credential: key }\nmodels:\n  Row:\n    fields:\n      id: { type: integer }\n      price: { type: decimal }\n      note: { type: string, optional: true }\nendpoints:\n");
    for i in 0..n {
        let method = if i % 2 == 0 { "GET" } else { "POST" };
        s.push_str(&format!(
            "  op_{i}:\n    description: Operation {i}.\n    method: {method}\n    path: /ops/{i}/{{id}}\n    params:\n      id: {{ type: integer }}\n      q: {{ type: string, optional: true }}\n      amount: {{ type: decimal }}\n    response: list<Row>\n"
        ));
    }
    s
}

fn deep_models(depth: usize) -> String {
    let mut s = String::from("provider:\n  name: Deep\nmodels:\n");
    for i in 0..depth {
        let next = if i + 1 < depth {
            format!("      next: {{ type: Level{}, optional: true }}\n      many: {{ type: \"list<Level{}>\" }}\n", i + 1, i + 1)
        } else {
            "      leaf: { type: string }\n".to_owned()
        };
        s.push_str(&format!(
            "  Level{i}:\n    description: Level {i} of {depth}.\n    fields:\n{next}"
        ));
    }
    s.push_str("endpoints:\n  get:\n    method: GET\n    path: /deep\n    response: Level0\n");
    s
}

#[test]
fn odd_specs_generate_code_that_compiles_without_warnings() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let krate = root.join("target/odd-specs-crate");
    let specs = krate.join("specs");
    let _ = std::fs::remove_dir_all(&specs);
    for f in codegen::spec_files(&root.join("tests/odd_specs")).expect("odd specs") {
        let name = f.file_name().expect("file name");
        std::fs::create_dir_all(&specs).expect("dir");
        std::fs::copy(&f, specs.join(name)).expect("copy spec");
    }
    write(
        &specs.join("three_hundred_endpoints.yaml"),
        &many_endpoints(300),
    );
    write(&specs.join("deeply_nested.yaml"), &deep_models(40));

    let path = |p: &str| root.join(p).display().to_string().replace('\\', "/");
    write(
        &krate.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"odd-specs\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\nbuild = \"build.rs\"\n\n[workspace]\n\n[lib]\npath = \"lib.rs\"\n\n[features]\nblocking = [\"providers-runtime/blocking\"]\n\n[dependencies]\nproviders-runtime = {{ path = \"{}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n[build-dependencies]\ncodegen = {{ package = \"providers-codegen\", path = \"{}\" }}\n",
            path("runtime"),
            path("codegen")
        ),
    );
    write(
        &krate.join("build.rs"),
        "fn main() -> std::process::ExitCode {\n    match codegen::Config::new().spec(\"specs\").blocking(codegen::Blocking::Feature(\"blocking\".into())).compile() {\n        Ok(()) => std::process::ExitCode::SUCCESS,\n        Err(_) => std::process::ExitCode::FAILURE,\n    }\n}\n",
    );
    write(
        &krate.join("lib.rs"),
        "//! Odd specs, compiled.\n#![deny(missing_docs)]\ninclude!(concat!(env!(\"OUT_DIR\"), \"/providers.rs\"));\n",
    );
    // The lock file of the project pins the same versions the project builds with.
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).expect("lock file");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&krate)
        .args(["check", "--all-features", "--quiet"])
        .env("CARGO_TARGET_DIR", root.join("target/odd-specs"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("run cargo check");
    assert!(
        out.status.success(),
        "the odd specs do not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Their rustdoc builds without warnings too (links, HTML, code spans in spec text).
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&krate)
        .args(["doc", "--no-deps", "--all-features", "--quiet"])
        .env("CARGO_TARGET_DIR", root.join("target/odd-specs"))
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("run cargo doc");
    assert!(
        out.status.success(),
        "the odd specs' docs have warnings:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
