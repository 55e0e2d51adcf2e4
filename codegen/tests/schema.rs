//! The JSON Schema of the spec format (`codegen/spec.schema.json`): committed
//! up to date, valid for every project spec, pointed at by every spec, and
//! giving the same verdict as the loader on valid and broken snippets.

use std::path::{Path, PathBuf};

use serde_json::Value;

const SCHEMA_LINE: &str = "# yaml-language-server: $schema=../codegen/spec.schema.json";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn committed_schema() -> String {
    let path = manifest_dir().join("spec.schema.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn project_specs() -> Vec<PathBuf> {
    let dir = manifest_dir().join("../specs");
    let files = providers_codegen::spec_files(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    assert!(!files.is_empty(), "no specs found in {}", dir.display());
    files
}

fn validator(schema_text: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(schema_text).expect("the schema is JSON");
    assert!(
        jsonschema::meta::is_valid(&schema),
        "the schema is not a valid JSON Schema"
    );
    jsonschema::draft202012::new(&schema).expect("the schema compiles")
}

/// YAML text -> serde_yaml value -> JSON value, as an editor's YAML plugin sees it.
fn yaml_to_json(source: &str) -> Result<Value, String> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(source).map_err(|e| e.to_string())?;
    serde_json::to_value(yaml).map_err(|e| e.to_string())
}

/// Every schema violation of `source`, as `path: message` lines (empty: valid).
fn schema_errors(v: &jsonschema::Validator, source: &str) -> Vec<String> {
    match yaml_to_json(source) {
        Err(e) => vec![format!("not JSON-compatible YAML: {e}")],
        Ok(json) => v
            .iter_errors(&json)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect(),
    }
}

fn loader_error(source: &str) -> Option<String> {
    providers_codegen::load::load_str(Path::new("snippet.yaml"), source.to_owned())
        .err()
        .map(|d| {
            d.iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        })
}

#[test]
fn committed_schema_is_up_to_date() {
    let generated = providers_codegen::schema::schema_json();
    assert!(
        committed_schema() == generated,
        "codegen/spec.schema.json is out of date with codegen/src/spec.rs; regenerate it \
         from the workspace root with:\n\n    {}\n",
        providers_codegen::schema::REGENERATE
    );
}

#[test]
fn schema_describes_the_format() {
    let schema: Value = serde_json::from_str(&providers_codegen::schema::schema_json()).unwrap();
    assert_eq!(schema["$id"], providers_codegen::schema::SCHEMA_ID);
    assert_eq!(schema["title"], "Provider spec");
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required keys")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["endpoints", "provider"]);
    assert_eq!(schema["additionalProperties"], false);
    // Doc comments of the serde model become descriptions.
    let method = &schema["$defs"]["Endpoint"]["properties"]["moves_money"];
    assert!(
        method["description"]
            .as_str()
            .is_some_and(|d| d.contains("never retried")),
        "{method}"
    );
    // Ordered maps are objects whose values have the entry's schema.
    assert_eq!(
        schema["$defs"]["Endpoint"]["properties"]["params"]["additionalProperties"]["$ref"],
        "#/$defs/Field"
    );
}

#[test]
fn every_project_spec_validates_against_the_schema() {
    let v = validator(&committed_schema());
    for file in project_specs() {
        let source = std::fs::read_to_string(&file).expect("read spec");
        let errors = schema_errors(&v, &source);
        assert!(
            errors.is_empty(),
            "{} does not validate against codegen/spec.schema.json:\n{}",
            file.display(),
            errors.join("\n")
        );
    }
}

#[test]
fn every_project_spec_points_at_the_schema() {
    for file in project_specs() {
        let source = std::fs::read_to_string(&file).expect("read spec");
        assert_eq!(
            source.lines().next(),
            Some(SCHEMA_LINE),
            "{} must start with the line `{SCHEMA_LINE}` (editor completion and validation)",
            file.display()
        );
    }
}

/// A minimal valid spec with `extra` appended to the endpoint `e`.
fn endpoint(extra: &str) -> String {
    format!("provider:\n  name: X\nendpoints:\n  e:\n    method: GET\n    path: /x\n{extra}")
}

/// A spec that uses every key of the format once (shape only: it need not make sense).
const EVERY_KEY: &str = r#"
provider: { name: X, description: d, docs_url: "https://x.test/docs" }
base_url: { environments: { live: "https://x.test" }, default: live, description: d }
credentials: { token: { description: t }, secret: {} }
auth:
  - { in: header, name: Authorization, credential: token, prefix: "Bearer " }
  - in: params
    name: sign
    signature: { algorithm: hmac-sha256, template: "{token}", key: "{secret}", output: hex-upper }
encoding: form
headers: { cache-control: no-cache }
envelope:
  success: [{ field: status, equals: 200 }, { field: error, absent: true }]
  pending: [{ field: rc, in: ["39", 201] }, { field: ok, not_equals: false }]
  payload: data
  error: { code: rc, message: message }
models:
  S: { description: d, enum: [a, { value: b c, name: BC, description: d }] }
  U: { one_of: [{ name: A, type: string, description: d }, { name: B, type: integer }] }
  M: { fields: { a: { type: S } } }
endpoints:
  e:
    description: d
    method: POST
    path: /x/{id}
    encoding: json
    fixed: { action: add, n: 1, flag: true }
    headers: { x-a: b }
    auth: []
    signatures: { sign: "{{{id}}}" }
    envelope: { payload: "", success: [], pending: [] }
    moves_money: true
    idempotent: false
    reference: id
    params:
      id: { type: string, in: path }
      ids:
        type: list<integer>
        optional: true
        style: array
        max_items: 100
        requires: [id]
        rust_name: the_ids
    response:
      description: d
      fields:
        d: { type: date, format: dd/mm/yyyy, nullable: true, none_values: ["-"], example: 01/02/2003 }
    examples:
      - name: n
        request: { id: "1" }
        response: { status: 200, outcome: ok, body: { d: 01/02/2003 } }
"#;

#[test]
fn loader_and_schema_agree() {
    // (label, snippet, valid?)
    let cases: Vec<(&str, String, bool)> = vec![
        ("minimal", endpoint(""), true),
        ("no endpoints yet", "provider: {name: X}\nendpoints: {}\n".into(), true),
        ("every key of the format", EVERY_KEY.into(), true),
        ("response as a type expression", endpoint("    response: list<string>\n"), true),
        ("null for an optional key", endpoint("    description: ~\n"), true),
        // Unknown keys, at several depths.
        ("unknown top-level key", format!("{}servers: []\n", endpoint("")), false),
        ("misspelt endpoint key", endpoint("    respone: json\n"), false),
        ("unknown field key", endpoint("    params:\n      a: {type: string, required: true}\n"), false),
        ("unknown example key", endpoint("    examples:\n      - response: {body: {}, code: 1}\n"), false),
        // Unknown enum values.
        ("method FETCH", endpoint("").replace("GET", "FETCH"), false),
        ("lowercase method", endpoint("").replace("GET", "get"), false),
        ("in: body2", endpoint("    params:\n      a: {type: string, in: body2}\n"), false),
        ("encoding xml", endpoint("    encoding: xml\n"), false),
        ("outcome maybe", endpoint("    examples:\n      - response: {body: {}, outcome: maybe}\n"), false),
        (
            "algorithm sha512",
            format!("auth:\n  - {{in: query, name: s, signature: {{algorithm: sha512, template: x}}}}\n{}", endpoint("")),
            false,
        ),
        ("list style pipe", endpoint("    params:\n      a: {type: list<string>, style: pipe}\n"), false),
        // Wrong value types.
        ("optional as text", endpoint("    params:\n      a: {type: string, optional: maybe}\n"), false),
        ("moves_money as a number", endpoint("    moves_money: 2\n"), false),
        ("params as a list", endpoint("    params: [a, b]\n"), false),
        ("fixed value that is a list", endpoint("    fixed: {action: [a]}\n"), false),
        ("fixed value that is a float", endpoint("    fixed: {rate: 1.5}\n"), false),
        ("condition equals a float", format!("envelope: {{success: [{{field: s, equals: 0.5}}]}}\n{}", endpoint("")), false),
        ("negative max_items", endpoint("    params:\n      a: {type: list<string>, max_items: -1}\n"), false),
        ("status out of range", endpoint("    examples:\n      - response: {status: 70000, body: {}}\n"), false),
        ("null instead of a block", "provider: {name: X}\nbase_url: ~\nendpoints: {}\n".into(), false),
        ("credential written `token:` (null)", "provider: {name: X}\ncredentials: {token: ~}\nendpoints: {}\n".into(), false),
        ("null instead of a list", endpoint("    params:\n      a: {type: string, none_values: ~}\n"), false),
        ("null instead of a mapping", endpoint("    headers: ~\n"), false),
        ("null instead of a boolean", endpoint("    moves_money: ~\n"), false),
        ("field written as a list", "provider: {name: X}\nmodels:\n  M: {fields: {a: [string]}}\nendpoints: {}\n".into(), false),
        ("response written as a list", endpoint("    response: [string]\n"), false),
        ("duplicate parameter", endpoint("    params:\n      a: {type: string}\n      a: {type: string}\n"), false),
        ("spec that is a list", "- provider\n- endpoints\n".into(), false),
        ("numeric keys are text", "provider: {name: X}\nendpoints: {1: {method: GET, path: /}}\n".into(), true),
        // Missing required keys.
        ("no provider", "endpoints: {}\n".into(), false),
        ("no endpoints", "provider: {name: X}\n".into(), false),
        ("no provider name", "provider: {description: d}\nendpoints: {}\n".into(), false),
        ("no method", "provider: {name: X}\nendpoints:\n  e: {path: /x}\n".into(), false),
        ("no field type", endpoint("    params:\n      a: {optional: true}\n"), false),
        ("no example body", endpoint("    examples:\n      - response: {status: 200}\n"), false),
        ("no union variant name", "provider: {name: X}\nmodels:\n  U: {one_of: [{type: string}]}\nendpoints: {}\n".into(), false),
    ];
    assert!(cases.len() >= 12);
    let v = validator(&providers_codegen::schema::schema_json());
    let mut disagreements = Vec::new();
    for (label, source, valid) in &cases {
        let loader = loader_error(source);
        let schema = schema_errors(&v, source);
        if loader.is_none() != *valid || schema.is_empty() != *valid {
            disagreements.push(format!(
                "`{label}` (expected {}):\n  loader: {}\n  schema: {}\n  snippet:\n{source}",
                if *valid { "valid" } else { "invalid" },
                loader.as_deref().unwrap_or("accepts"),
                if schema.is_empty() {
                    "accepts".to_owned()
                } else {
                    schema.join(" | ")
                },
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
}

/// Where the two still differ, all of them cases the schema is the stricter on.
/// Listed so that a change on either side is noticed: when one is fixed, move
/// its case into the agreement table above.
#[test]
fn known_divergences_are_the_only_ones() {
    // (label, snippet, loader accepts?, schema accepts?)
    let cases: Vec<(&str, String, bool, bool)> = vec![
        // serde_yaml reads any plain scalar as text where a string is expected.
        (
            "number as a name",
            "provider: {name: 123}\nendpoints: {}\n".into(),
            true,
            false,
        ),
        (
            "number as a header value",
            endpoint("    headers: {x-version: 2}\n"),
            true,
            false,
        ),
        (
            "boolean as a header value",
            endpoint("    headers: {x-debug: true}\n"),
            true,
            false,
        ),
        // serde_yaml reads an empty value (`token:`) as an empty mapping or list;
        // as JSON it is `null`. (`token: ~` is refused by both.)
        (
            "empty value for a mapping",
            "provider: {name: X}\ncredentials:\n  token:\nendpoints: {}\n".into(),
            true,
            false,
        ),
        (
            "empty value for a list",
            endpoint("    examples:\n"),
            true,
            false,
        ),
        // JSON Schema counts 1000.0 as an integer; serde does not.
        (
            "float with no fraction as a fixed value",
            endpoint("    fixed: {n: 1e3}\n"),
            false,
            true,
        ),
        (
            "float with no fraction as a status",
            endpoint("    examples:\n      - response: {status: 200.0, body: {}}\n"),
            false,
            true,
        ),
        // Untagged enums let serde fill a struct from a sequence, by position.
        (
            "enum value written as a list",
            "provider: {name: X}\nmodels:\n  S: {enum: [[a]]}\nendpoints: {}\n".into(),
            true,
            false,
        ),
    ];
    let v = validator(&providers_codegen::schema::schema_json());
    for (label, source, loader_ok, schema_ok) in &cases {
        let loader = loader_error(source);
        let schema = schema_errors(&v, source);
        assert_eq!(
            (loader.is_none(), schema.is_empty()),
            (*loader_ok, *schema_ok),
            "`{label}` changed: loader {loader:?}, schema {schema:?}; if they now agree, \
             move the case into `loader_and_schema_agree`"
        );
    }
}

/// `"default": null` makes yaml-language-server's key completion crash, so that
/// editors offer no key at all (`tests/editor.rs` runs the server itself).
#[test]
fn no_property_defaults_to_null() {
    fn null_defaults(v: &Value, at: &str, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if m.get("default") == Some(&Value::Null) {
                    found.push(at.to_owned());
                }
                for (k, v) in m {
                    null_defaults(v, &format!("{at}/{k}"), found);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    null_defaults(v, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let schema: Value = serde_json::from_str(&providers_codegen::schema::schema_json()).unwrap();
    let mut found = Vec::new();
    null_defaults(&schema, "#", &mut found);
    assert!(found.is_empty(), "`\"default\": null` at {found:?}");
}
