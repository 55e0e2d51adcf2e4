//! `codegen diff`: hand-made spec pairs, one kind of change each
//! (`tests/diff/base.yaml` against `tests/diff/cases/<case>.yaml`), with the
//! exact changes and impacts expected, and the text report as a snapshot
//! (`tests/diff/snapshots/`).

use std::path::{Path, PathBuf};

use providers_codegen::diff::{compare, compare_files, Impact, Report};

use Impact::{Breaking, Compatible};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn case(name: &str) -> PathBuf {
    dir().join("cases").join(format!("{name}.yaml"))
}

fn report(old: &Path, new: &Path) -> Report {
    compare_files(old, new)
        .unwrap_or_else(|d| panic!("{} / {}: {d:?}", old.display(), new.display()))
}

/// What each case must report, as (impact, kind), in report order.
const CASES: &[(&str, &[(Impact, &str)])] = &[
    ("unchanged", &[]),
    (
        "docs_only",
        &[
            (Compatible, "doc-changed"),
            (Compatible, "doc-changed"),
            (Compatible, "doc-changed"),
        ],
    ),
    ("endpoint_added", &[(Compatible, "endpoint-added")]),
    ("endpoint_removed", &[(Breaking, "endpoint-removed")]),
    ("endpoint_renamed", &[(Breaking, "endpoint-renamed")]),
    (
        "param_added_optional",
        &[(Compatible, "param-added-optional")],
    ),
    (
        "param_added_required",
        &[(Breaking, "param-added-required")],
    ),
    ("param_made_required", &[(Breaking, "param-made-required")]),
    ("param_type_changed", &[(Breaking, "param-type-changed")]),
    ("arguments_reordered", &[(Breaking, "arguments-reordered")]),
    ("response_field_removed", &[(Breaking, "field-removed")]),
    ("response_field_added", &[(Compatible, "field-added")]),
    ("input_field_added", &[(Breaking, "field-added")]),
    ("field_type_changed", &[(Breaking, "field-type-changed")]),
    ("response_enum_value_added", &[(Breaking, "variant-added")]),
    ("request_enum_value_added", &[(Compatible, "variant-added")]),
    (
        "response_type_changed",
        &[(Breaking, "response-type-changed")],
    ),
    (
        "wire_only",
        &[
            (Compatible, "environment-url-changed"),
            (Compatible, "param-moved"),
            (Compatible, "request-line-changed"),
            (Compatible, "encoding-changed"),
        ],
    ),
    (
        "credential_added",
        &[
            (Breaking, "credential-added"),
            (Compatible, "auth-changed"),
            (Compatible, "auth-changed"),
            (Compatible, "auth-changed"),
        ],
    ),
    (
        "default_environment_removed",
        &[(Breaking, "default-environment-removed")],
    ),
];

fn kinds(r: &Report) -> Vec<(Impact, &str)> {
    r.changes.iter().map(|c| (c.impact, c.kind)).collect()
}

#[test]
fn each_kind_of_change_is_found_and_judged() {
    let base = dir().join("base.yaml");
    for (name, expected) in CASES {
        let r = report(&base, &case(name));
        assert_eq!(kinds(&r), expected.to_vec(), "{name}:\n{}", r.to_text());
        assert_eq!(
            r.is_breaking(),
            expected.iter().any(|(i, _)| *i == Breaking),
            "{name}"
        );
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            snapshot_path => "diff/snapshots",
            description => format!("codegen diff tests/diff/base.yaml tests/diff/cases/{name}.yaml"),
        }, {
            insta::assert_snapshot!(*name, r.to_text());
        });
    }
}

#[test]
fn every_case_file_is_checked() {
    let files = providers_codegen::spec_files(&dir().join("cases")).expect("cases/");
    let names: Vec<String> = files
        .iter()
        .filter_map(|f| Some(f.file_stem()?.to_str()?.to_owned()))
        .collect();
    let listed: Vec<&str> = CASES.iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), listed.len(), "{names:?} vs {listed:?}");
    for n in &names {
        assert!(
            listed.contains(&n.as_str()),
            "cases/{n}.yaml has no expectation"
        );
    }
}

/// The same edit read backwards: what was harmless one way breaks the other.
#[test]
fn direction_matters() {
    let base = dir().join("base.yaml");
    for (name, forward_breaks, kind) in [
        ("endpoint_added", false, "endpoint-removed"),
        ("param_added_optional", false, "param-removed"),
        ("response_field_added", false, "field-removed"),
        ("request_enum_value_added", false, "variant-removed"),
        // Both ways: a required parameter is an argument, an optional one a setter.
        ("param_made_required", true, "param-made-optional"),
    ] {
        let forward = report(&base, &case(name));
        let back = report(&case(name), &base);
        assert_eq!(
            forward.is_breaking(),
            forward_breaks,
            "{name}: {}",
            forward.to_text()
        );
        assert_eq!(
            kinds(&back),
            vec![(Breaking, kind)],
            "{name} backwards:\n{}",
            back.to_text()
        );
    }
}

#[test]
fn every_project_spec_equals_itself() {
    let specs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs");
    for f in providers_codegen::spec_files(&specs).expect("specs/") {
        let (_, p) = providers_codegen::analyze_file(&f).expect("a valid spec");
        let r = compare(&p, &p);
        assert!(r.changes.is_empty(), "{}: {}", f.display(), r.to_text());
    }
}

#[test]
fn the_json_report_carries_every_change() {
    let r = report(&dir().join("base.yaml"), &case("credential_added"));
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("JSON");
    assert_eq!(v["breaking"], true);
    assert_eq!(v["provider"], "Shop");
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(r.changes.len()));
    assert_eq!(
        v["changes"][0],
        serde_json::json!({
            "impact": "breaking",
            "kind": "credential-added",
            "item": "ClientBuilder::session",
            "detail": "new credential: `build()` fails until it is given",
        })
    );
}

/// Any two valid specs compare without a panic, whatever they share: every
/// project spec and every case against every other.
#[test]
fn any_two_specs_compare_without_panicking() {
    let mut files =
        providers_codegen::spec_files(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs"))
            .expect("specs/");
    files.push(dir().join("base.yaml"));
    files.extend(providers_codegen::spec_files(&dir().join("cases")).expect("cases/"));
    let irs: Vec<_> = files
        .iter()
        .map(|f| providers_codegen::analyze_file(f).expect("a valid spec").1)
        .collect();
    let mut breaking = 0;
    for a in &irs {
        for b in &irs {
            let r = compare(a, b);
            if r.is_breaking() {
                breaking += 1;
            }
            assert!(!r.to_text().is_empty());
        }
    }
    // Different providers break each other; a provider never breaks itself.
    assert!(breaking >= irs.len() * (irs.len() - 1) / 2, "{breaking}");
}
