//! The JSON Schema of the spec format, derived from the serde model.
//!
//! [`crate::spec`] derives `schemars::JsonSchema` next to `Deserialize`, so the
//! schema reads the same doc comments (as descriptions) and the same serde
//! attributes (`deny_unknown_fields`, `rename`, `default`, `untagged`) as the
//! loader: schema and loader cannot drift apart. The committed copy,
//! `codegen/spec.schema.json`, is what editors use through the first line of
//! every spec (`# yaml-language-server: $schema=../codegen/spec.schema.json`);
//! `codegen/tests/schema.rs` checks that it is up to date and that it agrees
//! with the loader.
//!
//! Optional keys carry no `"default": null`, which schemars writes for every
//! `Option` with `#[serde(default)]`: it says nothing (absent is null) and
//! yaml-language-server (VS Code, Helix, Neovim) crashes on it while building
//! key completions, so that it offers no key at all. `codegen/tests/editor.rs`
//! runs that server on the committed schema.
//!
//! The schema checks shape only (keys, value types, enum values). Meaning
//! (names that resolve, type expressions, examples against types) is checked
//! by `codegen check`.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::Schema;
use serde_json::{Map, Value};

use crate::spec::Spec;

/// The schema's `$id`.
pub const SCHEMA_ID: &str = "urn:providers:codegen:spec.schema.json";

/// The command that regenerates `codegen/spec.schema.json`.
pub const REGENERATE: &str = "cargo codegen schema > codegen/spec.schema.json";

/// The JSON Schema (draft 2020-12) of a provider spec, as pretty JSON with a
/// final newline. Deterministic: object keys are sorted.
pub fn schema_json() -> String {
    let schema = SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(drop_null_default))
        .into_generator()
        .into_root_schema_for::<Spec>();
    let Value::Object(mut root) = sorted(schema.to_value()) else {
        unreachable!("a root schema is a JSON object")
    };
    root.insert("$id".into(), Value::String(SCHEMA_ID.into()));
    root.insert("title".into(), Value::String("Provider spec".into()));
    root.insert(
        "description".into(),
        Value::String(
            "One provider of the `providers` crate, described in YAML: the file \
             `specs/<module>.yaml` becomes the Rust module `providers::<module>`, a typed \
             client. This schema checks the shape of a spec (keys, value types, enum \
             values); `cargo codegen check <file>` also checks its meaning. \
             The format is explained in docs/spec-format.md."
                .into(),
        ),
    );
    root.insert(
        "$comment".into(),
        Value::String(format!(
            "Generated from codegen/src/spec.rs; do not edit. Regenerate with: {REGENERATE}"
        )),
    );
    let mut text = serde_json::to_string_pretty(&TopLevel(&root))
        .unwrap_or_else(|e| unreachable!("a JSON value always serializes: {e}"));
    text.push('\n');
    text
}

/// Removes `"default": null`. `default` is an annotation, so validation is
/// unchanged; other defaults (`false`, `[]`) stay, they document something.
fn drop_null_default(schema: &mut Schema) {
    if schema.get("default").is_some_and(Value::is_null) {
        schema.remove("default");
    }
}

/// Keys shown first at the top level, in this order; `$defs` comes last and
/// everything else, sorted, in between.
const FIRST: [&str; 5] = ["$schema", "$id", "title", "description", "$comment"];

/// The root object with its keys in reading order (nested objects are sorted).
struct TopLevel<'a>(&'a Map<String, Value>);

impl serde::Serialize for TopLevel<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut keys: Vec<&String> = self.0.keys().collect();
        keys.sort_by_key(|k| {
            let rank = match FIRST.iter().position(|f| f == k) {
                Some(i) => i,
                None if k.as_str() == "$defs" => FIRST.len() + 1,
                None => FIRST.len(),
            };
            (rank, k.as_str())
        });
        let mut m = s.serialize_map(Some(keys.len()))?;
        for k in keys {
            m.serialize_entry(k, &self.0[k])?;
        }
        m.end()
    }
}

/// The same value with every object's keys in sorted order, whatever map type
/// serde_json was built with (feature unification may switch it to insertion order).
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(k, sorted(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
