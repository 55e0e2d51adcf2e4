//! Calls every documented example of every spec against the spec-aware mock
//! provider (`codegen::mock`, what `codegen mock` serves) and checks both
//! sides: the request the generated client put on the wire (the mock matches
//! it to its endpoint and recomputes its signatures, independently of the
//! runtime), and what the client made of the documented response.
//!
//! Shared by the generic contract test (`tests/it/contract.rs`) and the mock tour
//! (`examples/mock_tour.rs`). Nothing here knows any provider: a new spec is
//! covered by adding its YAML file.

use std::collections::BTreeMap;
use std::path::Path;

use codegen::ir;
use codegen::mock::{CredentialArg, Mock, Settings};
use codegen::spec::ExampleOutcome;
use providers::runtime::dynamic::DynError;
use providers::Error;
use providers_mock::Recorded;
use serde_json::Value;

/// The result of one example.
#[derive(Debug)]
pub struct Outcome {
    /// `module.endpoint#example`
    pub label: String,
    /// What the client returned, as JSON (payload) or as the error text.
    pub summary: String,
    /// Every mismatch found; empty when the example passed.
    pub problems: Vec<String>,
}

/// Recognisable fake credential for `name`.
pub fn credential(module: &str, name: &str) -> String {
    format!("{module}-{name}-7f3c9a")
}

/// Runs every example of every spec in `specs`.
pub async fn run(specs: &Path) -> Result<Vec<Outcome>, String> {
    let files = codegen::spec_files(specs).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for file in files {
        let (loaded, provider) = codegen::analyze_file(&file).map_err(|d| {
            d.iter()
                .map(|d| d.render(false))
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        let entry = providers::PROVIDERS
            .iter()
            .find(|p| p.module == provider.module)
            .ok_or_else(|| format!("{} is not compiled into the crate", provider.module))?;
        let creds: BTreeMap<String, String> = entry
            .credentials
            .iter()
            .map(|c| (c.to_string(), credential(entry.module, c)))
            .collect();
        let settings = Settings {
            credentials: creds
                .iter()
                .map(|(name, value)| CredentialArg {
                    module: Some(provider.module.clone()),
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
            ..Settings::default()
        };
        let mock = Mock::new(vec![(loaded.clone(), provider.clone())], &settings)
            .map_err(|e| e.to_string())?;
        let server = mock
            .clone()
            .serve(([127, 0, 0, 1], 0).into(), |_| {})
            .await
            .map_err(|e| e.to_string())?;
        let client = (entry.connect)(&server.url(), &creds, &Default::default())
            .map_err(|e| e.to_string())?;
        for e in &provider.endpoints {
            let Some(spec_e) = loaded.spec.endpoints.get(&e.wire) else {
                continue;
            };
            for (i, ex) in spec_e.examples.iter().enumerate() {
                let label = format!(
                    "{}.{}#{}",
                    provider.module,
                    e.wire,
                    ex.name.clone().unwrap_or_else(|| i.to_string())
                );
                let status = ex.response.status.unwrap_or(200);
                // This example answers, whatever the request's values.
                mock.pin(&provider.module, &e.wire, Some(i));
                let params = Value::Object(ex.request.clone().unwrap_or_default());
                let result = client.call(&e.wire, params.clone()).await;
                let mut problems = Vec::new();
                let seen = server.take_requests();
                match seen.as_slice() {
                    [one] => check_wire(&mock, &provider, e, one, &mut problems),
                    other => problems.push(format!(
                        "expected one request, the server saw {}",
                        other.len()
                    )),
                }
                let summary = check_result(
                    e,
                    ex.response.outcome.unwrap_or(ExampleOutcome::Ok),
                    &ex.response.body,
                    status,
                    result,
                    &mut problems,
                );
                out.push(Outcome {
                    label,
                    summary,
                    problems,
                });
            }
        }
    }
    Ok(out)
}

fn at<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.as_object()?.get(k))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn check_result(
    e: &ir::Endpoint,
    outcome: ExampleOutcome,
    body: &Value,
    status: u16,
    result: Result<Value, DynError>,
    problems: &mut Vec<String>,
) -> String {
    let expect_text = |p: &Option<Vec<String>>| p.as_ref().and_then(|p| at(body, p)).map(text);
    match (outcome, result) {
        (ExampleOutcome::Ok, Ok(v)) => {
            if v.is_null() && !matches!(e.response, ir::Ty::Json) {
                problems.push("the payload decoded to null".into());
            }
            let s = v.to_string();
            if s.len() > 120 {
                format!(
                    "{}…",
                    &s[..s.char_indices().nth(117).map_or(s.len(), |(i, _)| i)]
                )
            } else {
                s
            }
        }
        (
            ExampleOutcome::Error,
            Err(DynError::Call(Error::Provider {
                status: got,
                code,
                message,
                ..
            })),
        ) => {
            if got != status {
                problems.push(format!(
                    "provider error carries HTTP {got}, the example sent {status}"
                ));
            }
            if code != expect_text(&e.envelope.code) {
                problems.push(format!(
                    "error code {code:?}, expected {:?}",
                    expect_text(&e.envelope.code)
                ));
            }
            if let Some(m) = expect_text(&e.envelope.message) {
                if m != message {
                    problems.push(format!("error message {message:?}, expected {m:?}"));
                }
            }
            format!("provider error {code:?}: {message}")
        }
        (ExampleOutcome::Pending, Err(DynError::Call(Error::Pending { code, message, .. }))) => {
            format!("pending {code:?}: {message}")
        }
        (want, got) => {
            problems.push(format!("expected {want:?}, got {got:?}"));
            "mismatch".into()
        }
    }
}

/// The mock must take the request for `e` and find nothing wrong with it:
/// path, method, fixed values, parameters (present, typed, nothing unknown,
/// the example's values), encoding, fixed headers, auth and signatures, and no
/// credential where the endpoint does not send it.
fn check_wire(
    mock: &Mock,
    p: &ir::Provider,
    e: &ir::Endpoint,
    seen: &Recorded,
    problems: &mut Vec<String>,
) {
    let answer = mock.answer(seen);
    match &answer.matched {
        Some(m) if m.module == p.module && m.endpoint == e.wire => {
            problems.extend(m.differences.iter().cloned());
        }
        Some(m) => problems.push(format!(
            "the mock took the request for `{}.{}`",
            m.module, m.endpoint
        )),
        None => {}
    }
    match mock.check(&p.module, &e.wire, seen) {
        Some(own) => problems.extend(own.into_iter().map(|p| p.message)),
        None => problems.push("the mock does not serve this endpoint".into()),
    }
}
