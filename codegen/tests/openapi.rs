//! The OpenAPI export (`codegen openapi`): every spec's document passes a real
//! OpenAPI 3.1 validator (`openapi-spec-validator` from PyPI, pinned in
//! `tests/openapi/requirements.txt`, installed into `target/tmp/openapi-venv`),
//! every documented example is an instance of the schema the document gives
//! it, and the parts OpenAPI cannot say are where docs/openapi.md says.
//!
//! Without python3 (with `venv` and pip) and PyPI the validator test fails: it
//! does not skip. CI has both.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every spec of the project, with its document.
fn documents() -> Vec<(String, Value)> {
    let files = providers_codegen::spec_files(&root().join("specs")).expect("specs/");
    assert!(files.len() >= 5, "the project's specs: {files:?}");
    documents_of(&files)
}

/// The specs `codegen/tests/diff.rs` compares: more shapes (header
/// parameters, form bodies, per-item errors) for the validator.
fn diff_case_documents() -> Vec<(String, Value)> {
    let dir = root().join("codegen/tests/diff");
    let mut files = vec![dir.join("base.yaml")];
    files.extend(providers_codegen::spec_files(&dir.join("cases")).expect("cases/"));
    documents_of(&files)
}

fn documents_of(files: &[PathBuf]) -> Vec<(String, Value)> {
    files
        .iter()
        .map(|f| {
            let (module, text) = providers_codegen::openapi::document_of_file(f)
                .unwrap_or_else(|d| panic!("{}: {d:?}", f.display()));
            (
                module,
                serde_json::from_str(&text).expect("the export is JSON"),
            )
        })
        .collect()
}

fn run(cmd: &mut Command, what: &str) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{what}: cannot run {cmd:?}: {e}. The OpenAPI test needs python3 with venv and pip, and PyPI (CI has them).")
    });
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The venv with the pinned validator, made (or brought up to the pins) on first use.
fn validator() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi-venv");
    let bin = venv.join("bin").join("openapi-spec-validator");
    let pins = root().join("codegen/tests/openapi/requirements.txt");
    let wanted = std::fs::read_to_string(&pins).expect("requirements.txt");
    let stamp = venv.join("installed-requirements.txt");
    if bin.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return bin;
    }
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    run(
        Command::new(&python).arg("-m").arg("venv").arg(&venv),
        "python3 -m venv",
    );
    run(
        Command::new(venv.join("bin").join("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&pins),
        "pip install -r codegen/tests/openapi/requirements.txt",
    );
    std::fs::write(&stamp, wanted).expect("write the venv's stamp");
    bin
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn validate(bin: &Path, files: &[PathBuf]) -> std::process::Output {
    Command::new(bin)
        .args(["--schema", "3.1", "--validation-errors", "all"])
        .args(files)
        .output()
        .expect("run openapi-spec-validator")
}

#[test]
fn every_spec_is_a_valid_openapi_3_1_document() {
    let bin = validator();
    let dir = scratch();
    let mut files = Vec::new();
    for (module, doc) in documents().into_iter().chain(diff_case_documents()) {
        let f = dir.join(format!("{module}.openapi.json"));
        std::fs::write(&f, serde_json::to_string_pretty(&doc).expect("JSON")).expect("write");
        files.push(f);
    }
    let out = validate(&bin, &files);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in &files {
        assert!(text.contains(&format!("{}: OK", f.display())), "{text}");
    }

    // The validator does look: a path parameter that no operation declares is refused.
    let (_, mut broken) = documents().remove(0);
    let paths = broken["paths"].as_object_mut().expect("paths");
    let (_, item) = paths
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("a path");
    paths.insert("/not/{declared}".into(), item);
    let f = dir.join("broken.openapi.json");
    std::fs::write(&f, broken.to_string()).expect("write");
    let out = validate(&bin, &[f]);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("declared"));
}

/// A validator for the schema at `pointer` inside `doc` (its `$ref`s resolve in `doc`).
fn schema_at(doc: &Value, pointer: &str) -> jsonschema::Validator {
    let mut root = doc.clone();
    // A URI fragment: `{`, `}` and spaces of path templates are percent-encoded.
    let fragment: String = pointer
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'~' | b'-' | b'.' | b'_' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    root["$ref"] = json!(format!("#{fragment}"));
    jsonschema::draft202012::new(&root).unwrap_or_else(|e| panic!("{pointer}: {e}"))
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every example of every media type of `op` (at `at`) against its schema;
/// returns how many were checked.
fn check_examples(doc: &Value, op: &Value, at: &str, problems: &mut Vec<String>) -> usize {
    let mut n = 0;
    let mut media_types = Vec::new();
    if let Some(content) = op["requestBody"]["content"].as_object() {
        for (ct, m) in content {
            media_types.push((format!("{at}/requestBody/content/{}", escape(ct)), m));
        }
    }
    for (status, r) in op["responses"].as_object().into_iter().flatten() {
        for (ct, m) in r["content"].as_object().into_iter().flatten() {
            media_types.push((format!("{at}/responses/{status}/content/{}", escape(ct)), m));
        }
    }
    for (pointer, media) in media_types {
        let v = schema_at(doc, &format!("{pointer}/schema"));
        for (name, ex) in media["examples"].as_object().into_iter().flatten() {
            n += 1;
            for e in v.iter_errors(&ex["value"]) {
                problems.push(format!(
                    "{pointer} example `{name}`: {e} at {}",
                    e.instance_path()
                ));
            }
        }
    }
    n
}

#[test]
fn every_documented_example_is_an_instance_of_its_schema() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (module, doc) in documents() {
        let before = checked;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let at = format!("/paths/{}/{method}", escape(path));
                checked += check_examples(&doc, op, &at, &mut problems);
                for (i, inner) in op["x-operations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    checked += check_examples(
                        &doc,
                        inner,
                        &format!("{at}/x-operations/{i}"),
                        &mut problems,
                    );
                }
            }
        }
        assert!(
            checked > before + 5,
            "{module}: only {} examples",
            checked - before
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The check bites: a number where the payload has text is refused.
    let (_, doc) = documents()
        .into_iter()
        .find(|(m, _)| m == "k7_antivirus")
        .expect("k7");
    let v = schema_at(&doc, "/components/schemas/Product");
    assert!(v.is_valid(&json!({ "idx": "1", "name": "n", "value": "v", "amount": "1000" })));
    assert!(!v.is_valid(&json!({ "idx": "1", "name": "n", "value": "v", "amount": "a lot" })));
    assert!(!v.is_valid(&json!({ "idx": "1", "name": true, "value": "v", "amount": 1 })));
}

fn find_op<'a>(doc: &'a Value, id: &str) -> &'a Value {
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            if op["operationId"] == id {
                return op;
            }
            for inner in op["x-operations"].as_array().into_iter().flatten() {
                if inner["operationId"] == id {
                    return inner;
                }
            }
        }
    }
    panic!("no operation `{id}`")
}

fn doc(module: &str) -> Value {
    documents()
        .into_iter()
        .find(|(m, _)| m == module)
        .map(|(_, d)| d)
        .unwrap_or_else(|| panic!("no spec `{module}`"))
}

#[test]
fn one_url_with_several_operations_is_one_operation_listing_them() {
    let d = doc("smm_panel_v2");
    let op = &d["paths"]["/api/v2"]["post"];
    let inner: Vec<&str> = op["x-operations"]
        .as_array()
        .expect("x-operations")
        .iter()
        .map(|o| o["operationId"].as_str().expect("id"))
        .collect();
    assert_eq!(inner.len(), 20, "{inner:?}");
    assert!(inner.contains(&"order_status") && inner.contains(&"multi_status"));
    let schema = &op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    // `status` serves two operations (and two order forms send the same
    // fields), so `action` cannot discriminate them: any body that fits will do.
    assert_eq!(schema["anyOf"].as_array().map(Vec::len), Some(20));
    assert!(schema.get("oneOf").is_none() && schema.get("discriminator").is_none());
    let body = &d["components"]["schemas"]["OrderStatusRequest.body"];
    assert_eq!(body["properties"]["action"]["const"], "status");
    assert_eq!(body["properties"]["key"]["x-credential"], "api_key");
    assert_eq!(body["additionalProperties"], false);
    let order_status = find_op(&d, "order_status");
    assert_eq!(
        order_status["x-envelope"]["success"],
        json!([{ "field": "error", "absent": true }])
    );
    assert_eq!(order_status["x-idempotent"], true);
}

#[test]
fn credentials_in_header_query_and_cookie_are_security_schemes() {
    let ps = doc("product_service");
    let s = &ps["components"]["securitySchemes"]["token"];
    assert_eq!(s["type"], "apiKey");
    assert_eq!(s["in"], "header");
    assert_eq!(s["name"], "Validate");
    assert_eq!(s["x-prefix"], "Bearer ");
    assert_eq!(find_op(&ps, "create")["security"], json!([{ "token": [] }]));

    let vd = doc("virusdie_partners");
    assert_eq!(
        vd["components"]["securitySchemes"]["api_key"]["in"],
        "cookie"
    );
    assert_eq!(
        vd["components"]["securitySchemes"]["api_key"]["name"],
        "apikey"
    );

    // K7 sends its token in the query of a GET and the body of a POST.
    let k7 = doc("k7_antivirus");
    let schemes = k7["components"]["securitySchemes"]
        .as_object()
        .expect("schemes");
    assert!(
        schemes
            .values()
            .any(|s| s["in"] == "query" && s["name"] == "token"),
        "{schemes:?}"
    );
    let purchase = find_op(&k7, "purchase");
    assert_eq!(purchase["x-moves-money"], true);
    assert_eq!(purchase["x-reference"], "reference");
    assert_eq!(
        purchase["x-auth"],
        json!([{ "in": "body", "name": "token", "credential": "token" }])
    );
}

#[test]
fn signatures_envelopes_and_optional_path_parameters() {
    let d = doc("iak_prepaid");
    let top_up = find_op(&d, "top_up");
    let sign = top_up["x-auth"]
        .as_array()
        .expect("x-auth")
        .iter()
        .find(|a| a["name"] == "sign")
        .expect("sign");
    assert_eq!(sign["signature"]["algorithm"], "md5");
    assert_eq!(sign["signature"]["template"], "{username}{api_key}{ref_id}");
    assert_eq!(top_up["x-envelope"]["payload"], "data");
    let ok = &top_up["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(ok["required"], json!(["data"]), "{ok}");
    assert!(ok["properties"]["data"].is_object());

    // `/api/pricelist/{type}/{operator}` with both optional: three paths.
    let paths = d["paths"].as_object().expect("paths");
    for p in [
        "/api/pricelist",
        "/api/pricelist/{type}",
        "/api/pricelist/{type}/{operator}",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} in {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    let short = &d["paths"]["/api/pricelist"]["post"];
    assert_eq!(
        short["x-path-variant"]["omitted"],
        json!(["type", "operator"])
    );
}
