//! The bad-spec corpus (`tests/bad_specs/*.yaml`, one concern per file): each
//! must be rejected with diagnostics, never a panic or an internal error, and the
//! rendered diagnostics (file:line:column, the line with a caret, a hint) are
//! reviewed insta snapshots. A new file in the corpus is covered automatically.

use std::path::Path;

#[test]
fn every_bad_spec_gets_precise_diagnostics() {
    let dir = Path::new("tests/bad_specs");
    let files = codegen::spec_files(dir).expect("corpus");
    assert!(files.len() >= 40, "the corpus has {} specs", files.len());
    for file in files {
        let name = file
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let diags = match codegen::analyze_file(&file) {
            Ok(_) => panic!("{} was accepted", file.display()),
            Err(d) => d,
        };
        assert!(!diags.is_empty(), "{name}: rejected without a diagnostic");
        let mut text = String::new();
        for d in &diags {
            assert!(
                !d.message.starts_with("internal error"),
                "{name}: {}",
                d.message
            );
            assert!(d.pos.line >= 1 && d.pos.column >= 1, "{name}: no position");
            text.push_str(&d.render(false));
            text.push('\n');
        }
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            // `tests/bad_specs/snapshots/`, relative to this file.
            snapshot_path => "../bad_specs/snapshots",
            description => format!("codegen check {}", file.display()),
        }, {
            insta::assert_snapshot!(name.as_str(), text);
        });
    }
}
