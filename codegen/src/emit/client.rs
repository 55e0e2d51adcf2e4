//! The `Client`, its builder and environments.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::call::call_type;
use super::callbacks::callbacks_client;
use super::docs::{doc_or, sanitize};
use super::endpoint::endpoint_method;
use super::{ident, Options};
use crate::ir::Provider;

/// The client module's items: credential names, environments, the builder,
/// the client, the generic call and the untyped `connect_json`.
pub(super) fn client(p: &Provider, opts: &Options) -> TokenStream {
    let cred_names = p.credentials.iter().map(|c| &c.wire);
    let (env_items, env_setter) = environments(p);
    let builder = builder(p, env_setter);
    let client = client_type(p, opts);
    let call = call_type(opts);
    let connect_json = connect_json(p);
    quote! {
        const CREDENTIAL_NAMES: &[&str] = &[#(#cred_names),*];

        #env_items

        #builder

        #client

        #call

        #connect_json
    }
}

/// The `Environment` enum (the provider's named hosts) and the builder's
/// `environment` setter; nothing when the spec names no environments.
fn environments(p: &Provider) -> (TokenStream, TokenStream) {
    let mut env_items = TokenStream::new();
    let mut env_setter = TokenStream::new();
    if !p.environments.is_empty() {
        let vs = p.environments.iter().enumerate().map(|(i, e)| {
            let n = ident(&e.rust);
            let d = format!(" `{}`: <{}>", e.wire, e.url);
            let default = if p.default_environment == Some(i) {
                quote!(#[default])
            } else {
                quote!()
            };
            quote!(#[doc = #d] #default #n)
        });
        let urls = p.environments.iter().map(|e| {
            let n = ident(&e.rust);
            let u = &e.url;
            quote!(Self::#n => #u)
        });
        let derive_default = if p.default_environment.is_some() {
            quote!(Default,)
        } else {
            quote!()
        };
        env_items = quote! {
            /// The provider's named hosts.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #derive_default)]
            pub enum Environment {
                #(#vs,)*
            }

            impl Environment {
                /// The base URL of this environment.
                pub fn base_url(self) -> &'static str {
                    match self {
                        #(#urls,)*
                    }
                }
            }
        };
        env_setter = quote! {
            /// Calls this environment's host.
            pub fn environment(mut self, environment: Environment) -> Self {
                self.core.base_url(environment.base_url());
                self
            }
        };
    }
    (env_items, env_setter)
}

/// `ClientBuilder`: a setter per credential, the environment, base URL and
/// the runtime's settings.
fn builder(p: &Provider, env_setter: TokenStream) -> TokenStream {
    let setters = p.credentials.iter().enumerate().map(|(i, c)| {
        let i = Lit::usize_unsuffixed(i);
        let n = ident(&c.rust);
        let d = doc_or(c.doc.as_deref(), format!("The `{}` credential.", c.wire));
        quote! {
            #d
            #[doc = ""]
            #[doc = " Kept in an [`rt::Secret`]: never printed, redacted from errors."]
            pub fn #n(mut self, #n: impl Into<rt::Secret>) -> Self {
                self.core.credential(#i, #n.into());
                self
            }
        }
    });
    let base_doc = match (&p.base_url_doc, p.default_environment.is_some()) {
        (Some(d), _) => format!(" Calls this base URL: {}", sanitize(d)),
        (None, true) => " Calls this base URL instead of the default environment (tests point it at a local server).".to_owned(),
        (None, false) => " The base URL to call (required: this provider has no default host).".to_owned(),
    };
    let settings = settings();
    quote! {
        /// Builder for [`Client`], from [`Client::builder`].
        #[derive(Debug)]
        #[must_use = "call `.build()` to get a client"]
        pub struct ClientBuilder {
            core: rt::CoreBuilder,
        }

        impl ClientBuilder {
            #(#setters)*

            #env_setter

            #[doc = #base_doc]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.core.base_url(url);
                self
            }

            #settings

            /// Checks the settings and builds the client.
            pub fn build(self) -> Result<Client, rt::BuildError> {
                Ok(Client { core: self.core.build()? })
            }
        }
    }
}

/// The builder's setters of the runtime's settings, the same for every provider.
fn settings() -> TokenStream {
    quote! {
        /// Total time for each request sent, from connecting to the end of the
        /// body (default 30 s), whatever HTTP client is used.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.core.timeout(timeout);
            self
        }

        /// Time to establish a connection (default 10 s).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.core.connect_timeout(timeout);
            self
        }

        /// Builds the HTTP client from your own `reqwest::ClientBuilder` (proxies,
        /// TLS roots, pool settings). Its redirect policy, `Referer` setting and
        /// connect timeout are replaced by this client's: redirects are decided
        /// per call (never followed by calls that are not idempotent, never to
        /// another origin), and the timeouts above always apply.
        pub fn http_client_builder(mut self, builder: rt::reexport::reqwest::ClientBuilder) -> Self {
            self.core.http_client_builder(builder);
            self
        }

        /// Largest response body read (default 4 MiB).
        pub fn max_body_bytes(mut self, limit: usize) -> Self {
            self.core.max_body_bytes(limit);
            self
        }

        /// Retry policy for idempotent calls; `RetryPolicy::NONE` switches retries off.
        pub fn retry(mut self, policy: rt::client::RetryPolicy) -> Self {
            self.core.retry(policy);
            self
        }

        /// Adds hooks, called around every request this client sends (metrics,
        /// logging, request ids): a type implementing [`rt::hooks::Hooks`], or a
        /// closure through [`rt::hooks::before`] or [`rt::hooks::after`]. Hooks
        /// run in the order they were added, never see a secret, and one that
        /// panics is reported through `tracing` while the call goes on.
        pub fn hooks(mut self, hooks: impl rt::hooks::Hooks) -> Self {
            self.core.hooks(hooks);
            self
        }
    }
}

/// `Client`: its constructor and accessors, a method per endpoint, and the
/// untyped `call_json` dispatch by spec name.
fn client_type(p: &Provider, opts: &Options) -> TokenStream {
    let module = &p.module;
    let has_envs = !p.environments.is_empty();
    let default_url = match p.default_environment.and_then(|i| p.environments.get(i)) {
        Some(e) => {
            let v = ident(&e.rust);
            quote!(Some(Environment::#v.base_url()))
        }
        None => quote!(None),
    };
    let client_doc = format!(
        " Client for {}. Build one with [`Client::builder`]; it is cheap to clone and share.",
        sanitize(&p.name)
    );
    let arms = p.endpoints.iter().map(|e| {
        let w = &e.wire;
        let req = ident(&format!("{}Request", e.type_prefix));
        quote!(#w => rt::dynamic::call::<#req>,)
    });
    let methods = p.endpoints.iter().map(|e| endpoint_method(p, e, opts));
    let (callbacks_accessor, callbacks_json) = callbacks_client(p);
    quote! {
        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            core: rt::Core,
        }

        impl Client {
            /// Starts building a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    core: rt::CoreBuilder::new(#module, CREDENTIAL_NAMES, #default_url, #has_envs),
                }
            }

            /// The base URL this client calls.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// Calls an endpoint by its spec name with parameters as JSON (wire names),
            /// and returns the payload as JSON. For tools and generic tests; the typed
            /// methods are the API.
            pub async fn call_json(&self, endpoint: &str, params: rt::Json) -> Result<rt::Json, rt::dynamic::DynError> {
                rt::dynamic::JsonClient::call(self, endpoint, params).await
            }

            #(#methods)*

            #callbacks_accessor
        }

        impl rt::dynamic::JsonClient for Client {
            fn call<'a>(&'a self, endpoint: &'a str, params: rt::Json) -> rt::dynamic::BoxFuture<'a> {
                let call: rt::dynamic::CallFn = match endpoint {
                    #(#arms)*
                    _ => {
                        let unknown = rt::dynamic::DynError::UnknownEndpoint(endpoint.to_owned());
                        return Box::pin(std::future::ready(Err(unknown)));
                    }
                };
                call(&self.core, params)
            }

            #callbacks_json
        }
    }
}

/// `connect_json`: a client behind the provider-neutral JSON interface.
fn connect_json(p: &Provider) -> TokenStream {
    let module = &p.module;
    let has_envs = !p.environments.is_empty();
    quote! {
        /// Builds a [`Client`] behind the provider-neutral [`rt::dynamic::JsonClient`] interface.
        ///
        /// Credentials are given by their spec names; settings as one value.
        pub fn connect_json(
            base_url: &str,
            credentials: &std::collections::BTreeMap<String, String>,
            settings: &rt::client::Settings,
        ) -> Result<Box<dyn rt::dynamic::JsonClient>, rt::BuildError> {
            let mut core = rt::CoreBuilder::new(#module, CREDENTIAL_NAMES, None, #has_envs);
            core.base_url(base_url);
            core.settings(settings);
            core.credentials_by_name(credentials);
            Ok(Box::new(Client { core: core.build()? }))
        }
    }
}
