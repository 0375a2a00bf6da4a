//! The root of an API module: its `Client`, `ClientBuilder` and server table.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_markdown::{block, code, inline};
use super::operations::param_type;
use super::tokens::{Scope, doc_lines, docs, ident, snake_ident};
use crate::ir::{Api, ApiKeyLocation, Operation, Parameter, SecurityKind, Server, TypeRef};

/// The API module's `mod.rs`. `crate_name` is the Rust name of the generated crate, which the
/// doc examples of the client methods import from.
pub fn api_module(api: &Api, user_agent: &str, crate_name: &str) -> TokenStream {
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
    let servers = api.servers.iter().map(server_info);
    let operation_servers = api.operation_servers();
    let (operation_servers_const, operation_servers_item) = if operation_servers.is_empty() {
        (None, None)
    } else {
        let infos = operation_servers.iter().copied().map(server_info);
        let const_doc = doc_lines([
            "The servers operations (or their paths) list instead of the spec's: the first each",
            "lists. Those operations are sent there unless [`ClientBuilder::base_url`] or",
            "[`ClientBuilder::operation_base_url`] says otherwise.",
        ]);
        (
            Some(quote! {
                #const_doc
                pub const OPERATION_SERVERS: &[runtime::ServerInfo] = &[#(#infos),*];
            }),
            Some(quote! {
                const OPERATION_SERVERS: &'static [runtime::ServerInfo] = OPERATION_SERVERS;
            }),
        )
    };
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
                let provider_setter = snake_ident(&scheme.setter, "provider");
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
    let client_path = client_path(api, crate_name);
    // With per-tag features, each method lives beside its builder in the feature's submodule of
    // `operations` (see `features::client_methods`), so a disabled feature's methods are never
    // parsed.
    let methods = api
        .features
        .is_none()
        .then(|| api.operations.iter())
        .into_iter()
        .flatten()
        .map(|op| client_method(op, &client_path, BuilderPath::Operations));
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

        #operation_servers_const

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
            #operation_servers_item
            const USER_AGENT: &'static str = #user_agent;

            fn from_core(runtime: runtime::ApiClient) -> Self {
                Self { runtime }
            }
        }

        #credential_setters
    }
}

/// A server as the runtime lists it.
fn server_info(s: &Server) -> TokenStream {
    let url = &s.url;
    let description = s.description.clone().unwrap_or_default();
    let vars = s.variables.iter().map(|v| {
        let name = &v.name;
        let default = &v.default;
        let allowed = &v.allowed;
        quote! { (#name, #default, &[#(#allowed),*]) }
    });
    quote! { runtime::ServerInfo { url: #url, description: #description, variables: &[#(#vars),*] } }
}

/// The path the client's doc examples import from: `crate_name::module`.
pub fn client_path(api: &Api, crate_name: &str) -> String {
    format!("{crate_name}::{}", api.module)
}

/// Where a client method names its operation's builder from.
#[derive(Clone, Copy)]
pub enum BuilderPath {
    /// From the API module: `operations::Builder`.
    Operations,
    /// From inside `operations` (or one of its feature submodules): `Builder`.
    Local,
}

/// One operation's method of `Client`, which starts its builder.
pub fn client_method(op: &Operation, client_path: &str, path: BuilderPath) -> TokenStream {
    let name = ident(&op.method_name);
    let builder = ident(&op.type_name);
    let builder = match path {
        BuilderPath::Operations => quote! { operations::#builder },
        BuilderPath::Local => quote! { #builder },
    };
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
    if let Some(server) = op.servers.first() {
        text.push_str(&format!(
            "\n\nSent to {}, the operation's own server, unless the client's builder sets \
             `base_url` or `operation_base_url`.",
            code(&server.url)
        ));
    }
    let required: Vec<_> = op.params.iter().filter(|p| p.required).collect();
    text.push_str("\n\nReturns a builder: set optional parameters, then `send().await`.\n\n");
    text.push_str(&example(op, &required, client_path));
    let doc = docs(&text);
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
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
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#args),*) -> #builder<'_> {
            #builder {
                client: self,
                #(#inits,)*
                #body_init
                options: Default::default(),
            }
        }
    }
}

/// A `no_run` example of the method with its required arguments, compiled by `cargo test --doc`.
/// The arguments are parameters of a hidden function, so the example needs no value of any
/// model type and still shows each argument's name; the types are in the method's signature.
fn example(op: &Operation, required: &[&Parameter], client_path: &str) -> String {
    let mut hidden_args = vec![format!("client: {client_path}::Client")];
    let mut call_args = Vec::new();
    for p in required {
        let ty = if *p.ty.non_null() == TypeRef::String {
            quote! { String }
        } else {
            param_type(p, Scope::Parent)
        };
        hidden_args.push(format!("{}: {}", p.rust_name, type_text(&ty)));
        call_args.push(p.rust_name.clone());
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let ty = super::operations::request_body_type(body, Scope::Parent);
        hidden_args.push(format!("body: {}", type_text(&ty)));
        call_args.push("body".to_string());
    }
    let crate_name = client_path.split("::").next().unwrap_or(client_path);
    [
        "# Example".to_string(),
        String::new(),
        "```no_run".to_string(),
        format!("# use {client_path}::types;"),
        format!("# use {crate_name}::runtime;"),
        format!(
            "# async fn example({}) -> Result<(), Box<dyn std::error::Error>> {{",
            hidden_args.join(", ")
        ),
        format!(
            "let response = client.{}({}).send().await?;",
            op.method_name,
            call_args.join(", ")
        ),
        "# Ok(())".to_string(),
        "# }".to_string(),
        "```".to_string(),
    ]
    .join("\n")
}

/// A type as Rust source text. The emitters' types are paths with generic arguments, where no
/// token needs a space: `Vec<types::Tag>`, `::std::collections::BTreeMap<String, i64>`.
fn type_text(ty: &TokenStream) -> String {
    ty.to_string()
        .replace(' ', "")
        .replace(',', ", ")
        .replace(", )", ",)")
}
