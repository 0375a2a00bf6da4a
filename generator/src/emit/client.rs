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
                    pub fn #setter(self, value: impl Into<runtime::Secret>) -> Self {
                        self.credential(#key, runtime::Credential::ApiKey {
                            location: runtime::ApiKeyLocation::#location,
                            name: #name,
                            value: value.into(),
                        })
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
                    pub fn #setter(self, token: impl Into<runtime::Secret>) -> Self {
                        self.credential(#key, runtime::Credential::Bearer(token.into()))
                    }

                    #[doc = #provider_doc]
                    pub fn #provider_setter<F, Fut, T, E>(self, provider: F) -> Self
                    where
                        F: Fn() -> Fut + Send + Sync + 'static,
                        Fut: Future<Output = Result<T, E>> + Send + 'static,
                        T: Into<runtime::Secret>,
                        E: ::std::fmt::Display,
                    {
                        self.credential(#key, runtime::Credential::BearerProvider(runtime::TokenProvider::new(provider)))
                    }
                }
            }
            SecurityKind::Basic => quote! {
                #doc
                pub fn #setter(
                    self,
                    username: impl Into<String>,
                    password: Option<runtime::Secret>,
                ) -> Self {
                    self.credential(#key, runtime::Credential::Basic { username: username.into(), password })
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
    let builder_doc = doc_lines([
        builder_text.as_str(),
        "",
        "Its settings are those of [`runtime::ClientBuilder`], the same for every API, and",
        "the credentials of this API's security schemes.",
    ]);
    let setters: Vec<TokenStream> = setters.collect();
    let credential_setters = (!setters.is_empty()).then(|| {
        quote! {
            /// The credentials of this API's security schemes.
            impl ClientBuilder {
                #(#setters)*
            }
        }
    });
    let reexport_types = (!api.types.is_empty()).then(|| quote! { pub use types::*; });
    quote! {
        #(#module_doc)*

        pub mod operations;
        pub mod types;

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
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        impl runtime::GeneratedApi for Client {
            const SERVERS: &'static [runtime::ServerInfo] = SERVERS;
            const USER_AGENT: &'static str = #user_agent;

            fn from_core(runtime: runtime::ApiClient) -> Self {
                Self { runtime }
            }
        }

        #credential_setters
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
