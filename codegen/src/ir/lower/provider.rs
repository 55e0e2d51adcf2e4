//! The whole provider: environments, credentials, models, endpoints, callbacks, in that order.

use std::collections::BTreeMap;

use super::names::numbered;
use crate::diag::suggest;
use crate::ir::{Credential, Endpoint, Environment, Lowerer, Provider};
use crate::names::{camel, camel_part, snake};
use crate::reserved::{self, BUILDER_METHODS, CLIENT_METHODS};

impl Lowerer<'_> {
    /// Lowers the whole spec, in the order of the file: environments,
    /// credentials, models, endpoints, callbacks.
    pub(in crate::ir) fn provider(&mut self) -> Provider {
        let spec = &self.l.spec;
        let module = self.module_name();
        self.reserve_generated_types();
        let (environments, default_environment) = self.environments();
        let credentials = self.credentials();
        self.models();
        let endpoints = self.endpoints();
        let callbacks = self.callbacks(&endpoints);

        Provider {
            module,
            name: spec.provider.name.clone(),
            doc: spec.provider.description.clone(),
            docs_url: spec.provider.docs_url.clone(),
            base_url_doc: spec.base_url.description.clone(),
            environments,
            default_environment,
            credentials,
            models: std::mem::take(&mut self.models)
                .into_iter()
                .flatten()
                .collect(),
            endpoints,
            callbacks,
            date_patterns: std::mem::take(&mut self.date_patterns),
            datetime_formats: std::mem::take(&mut self.datetime_formats),
        }
    }

    /// The module name (the file's stem, which must be snake_case); also checks
    /// that the provider has a name.
    fn module_name(&mut self) -> String {
        let spec = &self.l.spec;
        let module = snake(&self.l.stem());
        if module != self.l.stem() {
            self.err(
                &[],
                format!(
                    "the file name `{}` is not a snake_case module name",
                    self.l.stem()
                ),
                Some(format!("rename the file to `{module}.yaml`")),
            );
        }
        if spec.provider.name.trim().is_empty() {
            self.err(&["provider", "name"], "the provider name is empty", None);
        }
        module
    }

    /// The type names every generated module defines itself.
    fn reserve_generated_types(&mut self) {
        for name in reserved::TYPES {
            self.type_names
                .insert((*name).to_owned(), "(generated)".into());
        }
    }

    /// `base_url:`: the environments, and the index of the default one.
    fn environments(&mut self) -> (Vec<Environment>, Option<usize>) {
        let spec = &self.l.spec;
        let mut environments = Vec::new();
        let env_names = numbered(
            &spec
                .base_url
                .environments
                .keys()
                .map(|k| (k, camel(k), true))
                .collect::<Vec<_>>(),
            false,
        );
        for ((name, url), (rust, _)) in spec.base_url.environments.iter().zip(env_names) {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                self.err(
                    &["base_url", "environments", name],
                    format!("environment `{name}` has no http(s) URL: `{url}`"),
                    Some("write the full URL, e.g. `https://api.example.com`".into()),
                );
            }
            environments.push(Environment {
                wire: name.to_owned(),
                rust,
                url: url.trim_end_matches('/').to_owned(),
            });
        }
        self.unique(
            environments
                .iter()
                .map(|e| (e.rust.clone(), e.wire.clone())),
            &["base_url", "environments"],
            "environment",
        );
        let default_environment = match &spec.base_url.default {
            None => None,
            Some(d) => {
                let found = environments.iter().position(|e| &e.wire == d);
                if found.is_none() {
                    let names: Vec<&str> = spec.base_url.environments.keys().collect();
                    self.err(
                        &["base_url", "default"],
                        format!("the default environment `{d}` is not declared"),
                        Some(suggest(d, &names)),
                    );
                }
                found
            }
        };
        (environments, default_environment)
    }

    /// `credentials:`, each with a Rust name that no builder method has.
    fn credentials(&mut self) -> Vec<Credential> {
        let spec = &self.l.spec;
        let mut credentials = Vec::new();
        let cred_names = numbered(
            &spec
                .credentials
                .keys()
                .map(|k| (k, snake(k), true))
                .collect::<Vec<_>>(),
            true,
        );
        for ((name, c), (rust, _)) in spec.credentials.iter().zip(cred_names) {
            if BUILDER_METHODS.contains(&rust.as_str()) {
                self.err_key(
                    &["credentials", name],
                    format!("the credential `{name}` would shadow the builder method `{rust}`"),
                    Some(
                        "rename the credential (its name is only used in Rust and templates)"
                            .into(),
                    ),
                );
            }
            credentials.push(Credential {
                wire: name.to_owned(),
                rust,
                doc: c.description.clone(),
            });
        }
        self.unique(
            credentials.iter().map(|c| (c.rust.clone(), c.wire.clone())),
            &["credentials"],
            "credential",
        );
        credentials
    }

    /// `models:`: every name registered first, so models may refer to each
    /// other in any order, then each lowered.
    fn models(&mut self) {
        let spec = &self.l.spec;
        for (name, _) in spec.models.iter() {
            let rust = camel(name);
            if rust != name {
                self.err_key(
                    &["models", name],
                    format!("model names are written in UpperCamelCase: `{name}`"),
                    Some(format!("rename it `{rust}`")),
                );
            }
            self.claim_type(&rust, &["models", name]);
            self.model_index.insert(name.to_owned(), self.models.len());
            self.models.push(None);
        }
        for (i, (name, m)) in spec.models.iter().enumerate() {
            let model = self.model(name, m, &["models", name]);
            self.models[i] = Some(model);
        }
    }

    /// `endpoints:`, each with a method name that is unique and no client method.
    fn endpoints(&mut self) -> Vec<Endpoint> {
        let spec = &self.l.spec;
        let mut endpoints = Vec::new();
        let endpoint_names = numbered(
            &spec
                .endpoints
                .keys()
                .map(|k| (k, snake(k), true))
                .collect::<Vec<_>>(),
            true,
        );
        for ((name, e), (rust, n)) in spec.endpoints.iter().zip(endpoint_names) {
            let type_prefix = format!(
                "{}{}",
                camel_part(name),
                n.map(|n| n.to_string()).unwrap_or_default()
            );
            endpoints.push(self.endpoint(name, e, rust, type_prefix));
        }
        if spec.endpoints.is_empty() {
            self.err(&["endpoints"], "the spec declares no endpoints", None);
        }
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for e in &endpoints {
            if CLIENT_METHODS.contains(&e.rust.as_str()) {
                self.err_key(
                    &["endpoints", &e.wire],
                    format!(
                        "the endpoint `{}` would shadow the client method `{}`",
                        e.wire, e.rust
                    ),
                    Some("rename the endpoint".into()),
                );
            }
            if let Some(prev) = seen.insert(e.rust.clone(), e.wire.clone()) {
                self.err_key(
                    &["endpoints", &e.wire],
                    format!(
                        "the endpoints `{prev}` and `{}` both become the method `{}`",
                        e.wire, e.rust
                    ),
                    Some("rename one of them".into()),
                );
            }
        }
        endpoints
    }
}
