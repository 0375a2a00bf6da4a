//! The root of an API module: its `Client`, `ClientBuilder` and server table.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_markdown::{block, code, inline};
use super::operations::param_type;
use super::tokens::{Scope, doc_lines, docs, ident};
use crate::ir::{Api, ApiKeyLocation, Operation, SecurityKind, TypeRef};

pub fn api_module(api: &Api, user_agent: &str) -> TokenStream {
    let mut about = inline(&api.title);
    if let Some(d) = api
        .description
        .as_deref()
        .map(block)
        .filter(|d| !d.is_empty())
    {
        about.push_str("\n\n");
        about.push_str(&d);
    }
    about.push_str(&format!("\n\nAPI version {}.", code(&api.version)));
    let module_doc: Vec<TokenStream> = about
        .trim()
        .lines()
        .map(|line| {
            let line = if line.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            };
            quote! { #![doc = #line] }
        })
        .collect();
    let servers = api.servers.iter().map(|s| {
        let url = &s.url;
        let description = s.description.clone().unwrap_or_default();
        let vars = s.variables.iter().map(|v| {
            let name = &v.name;
            let default = &v.default;
            let allowed = &v.allowed;
            quote! { (#name, #default, &[#(#allowed),*]) }
        });
        quote! { runtime::ServerInfo { url: #url, description: #description, variables: &[#(#vars),*] } }
    });
    let setters = api.security_schemes.iter().map(|scheme| {
        let setter = ident(&scheme.setter);
        let key = &scheme.key;
        let key_code = code(key);
        let mut text = match &scheme.kind {
            SecurityKind::ApiKey { location, name } => {
                let place = match location {
                    ApiKeyLocation::Header => "header",
                    ApiKeyLocation::Query => "query parameter",
                    ApiKeyLocation::Cookie => "cookie",
                };
                format!("Sets the {key_code} API key, sent verbatim in the {} {place} of operations that require it.", code(name))
            }
            SecurityKind::Bearer => format!("Sets the {key_code} token, sent as `Authorization: Bearer <token>` on operations that require it."),
            SecurityKind::Basic => format!("Sets the {key_code} username and password, sent as HTTP basic authentication."),
        };
        if let Some(d) = &scheme.description {
            text.push_str("\n\n");
            text.push_str(&block(d));
        }
        text.push_str("\n\nThe value is never printed by `Debug`.");
        let doc = docs(&text);
        match &scheme.kind {
            SecurityKind::ApiKey { location, name } => {
                let location = ident(match location {
                    ApiKeyLocation::Header => "Header",
                    ApiKeyLocation::Query => "Query",
                    ApiKeyLocation::Cookie => "Cookie",
                });
                quote! {
                    #doc
                    pub fn #setter(mut self, value: impl Into<runtime::Secret>) -> Self {
                        self.config.credential(#key, runtime::Credential::ApiKey {
                            location: runtime::ApiKeyLocation::#location,
                            name: #name,
                            value: value.into(),
                        });
                        self
                    }
                }
            }
            SecurityKind::Bearer => {
                let provider_setter = ident(&format!("{}_provider", scheme.setter));
                let provider_doc = format!(
                    " Like [`Self::{}`], but asks `provider` for the token before each request that needs it, so tokens can be refreshed.",
                    scheme.setter
                );
                quote! {
                    #doc
                    pub fn #setter(mut self, token: impl Into<runtime::Secret>) -> Self {
                        self.config.credential(#key, runtime::Credential::Bearer(token.into()));
                        self
                    }

                    #[doc = #provider_doc]
                    pub fn #provider_setter<F, Fut, T, E>(mut self, provider: F) -> Self
                    where
                        F: Fn() -> Fut + Send + Sync + 'static,
                        Fut: Future<Output = Result<T, E>> + Send + 'static,
                        T: Into<runtime::Secret>,
                        E: ::std::fmt::Display,
                    {
                        self.config.credential(#key, runtime::Credential::BearerProvider(runtime::TokenProvider::new(provider)));
                        self
                    }
                }
            }
            SecurityKind::Basic => quote! {
                #doc
                pub fn #setter(
                    mut self,
                    username: impl Into<String>,
                    password: Option<runtime::Secret>,
                ) -> Self {
                    self.config.credential(#key, runtime::Credential::Basic { username: username.into(), password });
                    self
                }
            },
        }
    });
    let methods = api.operations.iter().map(client_method);
    let default_server = api
        .servers
        .first()
        .map(|s| {
            format!(
                "Defaults to the first server of the spec, {}.",
                code(&s.url)
            )
        })
        .unwrap_or_else(|| "The spec lists no server: set one with `base_url`.".to_string());
    let builder_text = format!("Configures a [`Client`]. {default_server}");
    let builder_doc = doc_lines([builder_text.as_str()]);
    let reexport_types = (!api.types.is_empty()).then(|| quote! { pub use types::*; });
    let mock_module = super::mock::module_declaration();
    quote! {
        #(#module_doc)*

        pub mod operations;
        pub mod types;
        #mock_module

        #reexport_types

        use crate::runtime;

        /// The servers the spec lists, in its order; pick one with [`ClientBuilder::server`].
        pub const SERVERS: &[runtime::ServerInfo] = &[#(#servers),*];

        /// A client of this API. Cheap to clone; clones share connections and settings.
        #[derive(Debug, Clone)]
        pub struct Client {
            runtime: runtime::ApiClient,
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// The base URL every request path is appended to, without user info.
            pub fn base_url(&self) -> &str {
                self.runtime.base_url()
            }

            #(#methods)*
        }

        #builder_doc
        #[derive(Debug, Clone, Default)]
        pub struct ClientBuilder {
            config: runtime::ClientConfig,
        }

        impl ClientBuilder {
            /// Uses this base URL instead of a server from the spec.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.config.base_url(url);
                self
            }

            /// Uses the server at `index` in [`SERVERS`].
            pub fn server(mut self, index: usize) -> Self {
                self.config.server(index);
                self
            }

            /// Fills a `{variable}` of the chosen server's URL; unset variables take their defaults.
            pub fn server_variable(
                mut self,
                name: impl Into<String>,
                value: impl Into<String>,
            ) -> Self {
                self.config.server_variable(name, value);
                self
            }

            /// Gives up on an attempt after this long (per attempt; retries get their own).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.config.timeout(timeout);
                self
            }

            /// Replaces the default `User-Agent`.
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.config.user_agent(user_agent);
                self
            }

            /// Sends requests through this `reqwest::Client` (proxies, TLS settings, connection pools).
            ///
            /// Build it with `.redirect(reqwest::redirect::Policy::none())`: this client follows
            /// redirects itself so that credentials never leave their origin (see
            /// [`Self::redirect_policy`]). A `reqwest::Client` that follows them on its own may
            /// send a credential to another origin before the call ends with `Error::Redirect`
            /// (`RedirectReason::FollowedByHttpClient`).
            pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
                self.config.http_client(client);
                self
            }

            /// Chooses which redirects are followed. The default,
            /// [`runtime::RedirectPolicy::SameOrigin`], follows those within the base URL's
            /// origin (scheme, host and port) with credentials and stops at one that leaves it
            /// with `Error::Redirect`. No policy sends a credential to another origin.
            pub fn redirect_policy(mut self, policy: runtime::RedirectPolicy) -> Self {
                self.config.redirect_policy(policy);
                self
            }

            /// Allows credentials over plain `http://` to a host that is not loopback; without it,
            /// [`Self::build`] refuses with `BuildError::InsecureHttp`. Loopback hosts
            /// (`localhost`, 127.0.0.0/8, `::1`) are always allowed.
            pub fn allow_insecure_http(mut self, allow: bool) -> Self {
                self.config.allow_insecure_http(allow);
                self
            }

            /// The largest response body read, in bytes (default 64 MiB, error bodies included);
            /// a larger one ends the call with `Error::BodyTooLarge` as soon as the limit is passed.
            pub fn max_response_body(mut self, limit: u64) -> Self {
                self.config.max_response_body(limit);
                self
            }

            /// Retries after the first attempt (default 2; 0 turns retrying off).
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.config.retry_policy().max_retries = retries;
                self
            }

            /// Sends this header on every request.
            pub fn default_header(
                mut self,
                name: impl Into<String>,
                value: impl Into<String>,
            ) -> Self {
                self.config.default_header(name, value);
                self
            }

            /// Runs `hook` on every request just before it is sent (after credentials and
            /// headers), for signing, logging or extra headers. An `Err` stops the call, and so
            /// does a hook that moves the request to another origin. Hooks do not run on a
            /// redirect that has left the origin.
            pub fn request_hook(
                mut self,
                hook: impl Fn(&mut ::reqwest::Request) -> Result<(), String>
                    + Send
                    + Sync
                    + 'static,
            ) -> Self {
                self.config.request_hook(runtime::RequestHook::new(hook));
                self
            }

            #(#setters)*

            /// Builds the client.
            ///
            /// # Errors
            ///
            /// When the base URL, a server variable, a header or a credential is invalid, or
            /// when credentials would go over plain `http://` to a host that is not loopback
            /// (see [`Self::allow_insecure_http`]).
            pub fn build(self) -> Result<Client, runtime::BuildError> {
                let runtime = self.config.build(SERVERS, #user_agent)?;
                Ok(Client { runtime })
            }
        }
    }
}

fn client_method(op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let builder = ident(&op.type_name);
    let mut text = String::new();
    for part in [&op.summary, &op.description].into_iter().flatten() {
        let part = block(part);
        if !part.is_empty() {
            text.push_str(&part);
            text.push_str("\n\n");
        }
    }
    text.push_str(&code(&format!("{} {}", op.method.as_str(), op.path.raw)));
    if let Some(id) = &op.operation_id {
        text.push_str(&format!(" (operationId {})", code(id)));
    }
    let doc = docs(&text);
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
    let required: Vec<_> = op.params.iter().filter(|p| p.required).collect();
    let args = required.iter().map(|p| {
        let arg = ident(&p.rust_name);
        if *p.ty.non_null() == TypeRef::String {
            quote! { #arg: impl Into<String> }
        } else {
            let ty = param_type(p, Scope::Parent);
            quote! { #arg: #ty }
        }
    });
    let body_arg = op.body.as_ref().filter(|b| b.required).map(|b| {
        let ty = super::operations::request_body_type(b, Scope::Parent);
        quote! { body: #ty }
    });
    let inits = op.params.iter().map(|p| {
        let field = ident(&p.rust_name);
        match (p.required, *p.ty.non_null() == TypeRef::String) {
            (true, true) => quote! { #field: #field.into() },
            (true, false) => quote! { #field },
            (false, _) => quote! { #field: None },
        }
    });
    let body_init = op.body.as_ref().map(|b| {
        if b.required {
            quote! { body, }
        } else {
            quote! { body: None, }
        }
    });
    let args = args.chain(body_arg);
    let returns = doc_lines(
        [
            "",
            " Returns a builder: set optional parameters, then `send().await`.",
        ]
        .iter()
        .map(|s| s.trim_start()),
    );
    quote! {
        #doc
        #returns
        #deprecated
        pub fn #name(&self, #(#args),*) -> operations::#builder<'_> {
            operations::#builder {
                client: self,
                #(#inits,)*
                #body_init
                options: Default::default(),
            }
        }
    }
}
