//! Every spec's generated source as a reviewed insta snapshot
//! (`tests/snapshots/<module>.snap`). A spec change without a reviewed snapshot
//! fails here; review with `cargo insta review`. A new spec gets its snapshot
//! with no new test code.

use std::path::Path;

/// `tests/snapshots/`, relative to this file.
const SNAPSHOTS: &str = "../snapshots";

/// What build.rs asks for (its `compile()` takes the doc path from the package name).
fn generate() -> Result<codegen::Generated, Vec<codegen::Diagnostic>> {
    codegen::Config::new()
        .spec("specs")
        .blocking(codegen::Blocking::Feature("blocking".into()))
        .doc_path("providers")
        .generate()
}

#[test]
fn generated_code_matches_the_reviewed_snapshots() {
    let generated = generate().unwrap_or_else(|diags| {
        let text: Vec<String> = diags.iter().map(|d| d.render(false)).collect();
        panic!("the specs do not generate:\n{}", text.join("\n"))
    });
    assert!(!generated.providers.is_empty(), "no specs found in specs/");
    let out_dir = Path::new(env!("OUT_DIR"));
    for p in &generated.providers {
        // What build.rs compiled into this crate is exactly what is reviewed here.
        let built = std::fs::read_to_string(out_dir.join(format!("{}.rs", p.module)))
            .expect("build.rs output for this spec");
        assert_eq!(built, p.source, "build.rs output differs for {}", p.module);
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            snapshot_path => SNAPSHOTS,
            description => format!("generated from {}", p.spec_file.display()),
        }, {
            insta::assert_snapshot!(p.module.as_str(), &p.source);
        });
    }
    insta::with_settings!({
        prepend_module_to_snapshot => false,
        omit_expression => true,
        snapshot_path => SNAPSHOTS,
    }, {
        insta::assert_snapshot!("index", &generated.index);
    });
}

#[test]
fn generation_is_deterministic() {
    let a = generate().expect("specs generate");
    let b = generate().expect("specs generate");
    assert_eq!(a.index, b.index);
    for (x, y) in a.providers.iter().zip(&b.providers) {
        assert_eq!(x.source, y.source, "{}", x.module);
    }
}
