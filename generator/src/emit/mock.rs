//! Typed mocks, one per operation, in each API's `mock` module behind the crate's `mock` feature:
//! a matcher narrowed by the operation's own parameters and body, answered by its own response
//! types, so users test their code against the client on a local mock server (wiremock).
//!
//! Everything operations share (matching, encoding, responses) is the runtime's `mock` module
//! (`generator/runtime/src/mock.rs`); what is emitted here is only what is typed per operation.

use heck::ToSnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::doc_markdown::{code, inline};
use super::operations::{body_type, param_type, request_body_type, split_responses};
use super::tokens::{
    Scope, doc_lines, docs, form_encodings, ident, path_param_function, query_style, type_tokens,
    uses_module,
};
use crate::ir::{
    Api, MediaKind, Operation, ParamLocation, Parameter, PathPart, Response, ResponseBody,
    StatusSpec, TypeRef,
};

/// The declaration of an API's `mock` module, for its `mod.rs`.
pub fn module_declaration() -> TokenStream {
    quote! {
        #[cfg(feature = "mock")]
        pub mod mock;
    }
}

/// The path of an API's `mock` module.
pub fn mock_path(api: &Api) -> String {
    format!("src/{}/mock.rs", api.module)
}

/// The `mock` module of one API.
pub fn mock_module(api: &Api, crate_name: &str) -> TokenStream {
    let routes = api.operations.iter().map(route);
    let items: TokenStream = api
        .operations
        .iter()
        .enumerate()
        .map(|(index, op)| operation_mock(op, index))
        .collect();
    let types = uses_module(&items, "types").then(|| quote! { use super::types; });
    let module_doc = module_doc(api, crate_name);
    // A document without operations has no routes; the table and its import would be unused.
    let routes = (!api.operations.is_empty()).then(|| {
        quote! {
            use crate::runtime;

            /// Every operation's method and path template, in the order of this module's mocks, so
            /// that a path is left to the operation that names it most precisely.
            const ROUTES: &[runtime::mock::Route] = &[#(#routes),*];
        }
    });
    quote! {
        #module_doc
        #types
        #routes

        #items
    }
}

fn module_doc(api: &Api, crate_name: &str) -> TokenStream {
    let krate = crate_name.replace('-', "_");
    let mut lines = vec![
        "Typed mocks of this API's operations, for testing code that uses".to_string(),
        "[`Client`](super::Client) without a network (the crate's `mock` feature).".to_string(),
        String::new(),
        "Each operation has a mock named like its request builder. `new()` matches every call of"
            .to_string(),
        "the operation (its method and path); the `with_` methods narrow it to calls with the"
            .to_string(),
        "given path, query and header parameters or body, encoded as the client sends them; the"
            .to_string(),
        "`respond_` methods answer with a documented status and its typed body (or any status, or"
            .to_string(),
        "any [`ResponseTemplate`](crate::runtime::mock::ResponseTemplate)) and give the"
            .to_string(),
        "[`Mock`](crate::runtime::mock::Mock) to mount on a".to_string(),
        "[`MockServer`](crate::runtime::mock::MockServer). Cookie parameters and multipart bodies"
            .to_string(),
        "are not matched: add any wiremock matcher with `and`.".to_string(),
    ];
    if let Some(first) = api.operations.first() {
        let module = api.module.trim_start_matches("r#");
        let mock = first.type_name.as_str();
        lines.extend(
            [
                "",
                "```no_run",
                "# async fn example() -> Result<(), Box<dyn std::error::Error>> {",
                &format!("use {krate}::runtime::mock::MockServer;"),
                &format!("use {krate}::{module}::{{mock, Client}};"),
                "",
                "let server = MockServer::start().await;",
                &format!("mock::{mock}::new().respond_status(503).expect(1).mount(&server).await;"),
                "let client = Client::builder().base_url(server.uri()).build()?;",
                "// Give `client` to the code under test; the server checks `expect` when dropped.",
                "# Ok(())",
                "# }",
                "```",
            ]
            .map(String::from),
        );
    }
    let lines = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #![doc = #line] }
    });
    quote! { #(#lines)* }
}

fn route(op: &Operation) -> TokenStream {
    let method = op.method.as_str();
    let pieces = op.path.parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote! { runtime::mock::Piece::Text(#text) },
        PathPart::Param(name) => quote! { runtime::mock::Piece::Param(#name) },
    });
    quote! { runtime::mock::Route { method: #method, path: &[#(#pieces),*] } }
}

/// The mock of one operation: the matcher type, its `with_` and `respond_` methods.
fn operation_mock(op: &Operation, index: usize) -> TokenStream {
    let name = ident(&op.type_name);
    let method = op.method_name.trim_start_matches("r#");
    let index = Literal::usize_unsuffixed(index);
    let call = code(&format!("{} {}", op.method.as_str(), op.path.raw));
    let deprecated = if op.deprecated {
        " The operation is deprecated."
    } else {
        ""
    };
    let doc = docs(&format!(
        "Mock of [`Client::{method}`](super::Client::{method}) ({call}): matches its calls, \
         narrowed by the `with_` methods, and answers them with the `respond_` methods.{deprecated}"
    ));
    let reserved = ["body", "body_where"];
    let setters = op.params.iter().filter_map(|p| param_setter(p, &reserved));
    let body_setters = body_setters(op);
    let responders = responders(op);
    quote! {
        #doc
        #[derive(Debug)]
        pub struct #name(runtime::mock::OperationMatcher);

        impl Default for #name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl #name {
            /// Matches every call of the operation: its method and path, any parameters.
            pub fn new() -> Self {
                Self(runtime::mock::OperationMatcher::new(ROUTES, #index))
            }

            #(#setters)*
            #body_setters

            /// Only calls that `matcher` (any wiremock matcher) also matches.
            pub fn and(self, matcher: impl runtime::mock::Match + 'static) -> Self {
                Self(self.0.and(matcher))
            }

            #responders

            /// Answers with `status` and no body, documented or not.
            pub fn respond_status(self, status: u16) -> runtime::mock::Mock {
                self.respond_with(runtime::mock::empty_response(status))
            }

            /// Answers with `response`, whatever it holds.
            pub fn respond_with(self, response: runtime::mock::ResponseTemplate) -> runtime::mock::Mock {
                runtime::mock::Mock::given(self).respond_with(response)
            }
        }

        impl runtime::mock::Match for #name {
            fn matches(&self, request: &runtime::mock::Request) -> bool {
                self.0.matches(request)
            }
        }
    }
}

/// `with_<param>`: path, query and header parameters (cookies are not matched).
fn param_setter(p: &Parameter, reserved: &[&str]) -> Option<TokenStream> {
    let wire = &p.name;
    // A JSON parameter is matched as the JSON text the client sends; a value that cannot be
    // serialized sends nothing, and matches a call without the parameter.
    let json = p
        .json
        .then(|| quote! { let value = runtime::json_param(#wire, &value).ok().flatten(); });
    let call = match p.location {
        ParamLocation::Path { .. } if p.json => quote! { path_param(#wire, &value) },
        ParamLocation::Query { .. } if p.json => {
            quote! { query(#wire, &value, runtime::QueryStyle::Form, true) }
        }
        ParamLocation::Path { .. } => {
            let (function, style) = path_param_function(p.location);
            quote! { #function(#wire, &value #style) }
        }
        ParamLocation::Query { style, explode } => {
            let style = query_style(style);
            quote! { query(#wire, &value, #style, #explode) }
        }
        ParamLocation::Header { explode: true } if !p.json => {
            quote! { exploded_header(#wire, &value) }
        }
        ParamLocation::Header { .. } => quote! { header(#wire, &value) },
        ParamLocation::Cookie { .. } => return None,
    };
    let base = p.rust_name.trim_start_matches("r#");
    let setter = if reserved.contains(&base) {
        format_ident!("with_{}_param", base)
    } else {
        format_ident!("with_{}", base)
    };
    let place = match p.location {
        ParamLocation::Path { .. } => "path",
        ParamLocation::Query { .. } => "query",
        _ => "header",
    };
    let doc = docs(&format!(
        "Only calls whose {} {place} parameter is `value`.",
        code(&p.name)
    ));
    let deprecated = p.deprecated.then(|| quote! { #[deprecated] });
    let (arg, convert) = if *p.ty.non_null() == TypeRef::String {
        (
            quote! { impl Into<String> },
            quote! { let value: String = value.into(); },
        )
    } else {
        (param_type(p, Scope::Sibling), quote! {})
    };
    Some(quote! {
        #doc
        #deprecated
        pub fn #setter(self, value: #arg) -> Self {
            #convert
            #json
            Self(self.0.#call)
        }
    })
}

/// `with_body` (the body the client sends, compared as the client encodes it) and, for JSON,
/// `with_body_where` (a predicate on the decoded body). Multipart bodies are not matched.
fn body_setters(op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let ty = request_body_type(body, Scope::Sibling);
    let exact = docs("Only calls that send this body.");
    Some(match body.media {
        MediaKind::Json => quote! {
            #exact
            pub fn with_body(self, value: #ty) -> Self {
                Self(self.0.json_body(&value))
            }

            /// Only calls whose body decodes and satisfies `predicate`.
            pub fn with_body_where(self, predicate: impl Fn(&#ty) -> bool + Send + Sync + 'static) -> Self {
                Self(self.0.json_body_where(predicate))
            }
        },
        MediaKind::JsonSequence => quote! {
            #exact
            pub fn with_body(self, value: #ty) -> Self {
                Self(self.0.json_sequence_body(&value))
            }
        },
        MediaKind::FormUrlEncoded => {
            let encodings = form_encodings(body);
            quote! {
                #exact
                pub fn with_body(self, value: #ty) -> Self {
                    Self(self.0.form_body(&value, #encodings))
                }
            }
        }
        MediaKind::Text | MediaKind::EventStream => quote! {
            #exact
            pub fn with_body(self, value: impl Into<String>) -> Self {
                Self(self.0.raw_body(value.into()))
            }
        },
        // The bytes are compared; the media type the caller chose is not.
        MediaKind::Binary if body.media_range.is_some() => quote! {
            #exact
            pub fn with_body(self, value: runtime::TypedBytes) -> Self {
                Self(self.0.raw_body(value.bytes))
            }
        },
        MediaKind::Binary => quote! {
            #exact
            pub fn with_body(self, value: impl Into<runtime::Bytes>) -> Self {
                Self(self.0.raw_body(value))
            }
        },
        MediaKind::Multipart => return None,
    })
}

/// Per documented response, `<variant>_response` (the typed [`ResponseTemplate`]) and
/// `respond_<variant>` (the mock answering with it).
fn responders(op: &Operation) -> TokenStream {
    let (ok, err) = split_responses(op);
    ok.into_iter().chain(err).map(responder).collect()
}

fn responder(r: &Response) -> TokenStream {
    let snake = r.variant.to_snake_case();
    let template = format_ident!("{}_response", snake);
    let respond = format_ident!("respond_{}", snake);
    let (status_arg, status, status_text) = match r.status {
        StatusSpec::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            (None, quote! { #c }, c.to_string())
        }
        StatusSpec::Range(class) => (
            Some(quote! { status: u16, }),
            quote! { status },
            format!("`status` (a {class}XX status)"),
        ),
        StatusSpec::Default => (
            Some(quote! { status: u16, }),
            quote! { status },
            "`status` (the documented default response)".to_string(),
        ),
    };
    let described = r
        .description
        .as_deref()
        .and_then(|d| d.lines().next())
        .map(inline)
        .filter(|d| !d.is_empty())
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let (body_param, body_arg, make, with) = match r.body.as_ref() {
        None => (
            None,
            None,
            quote! { runtime::mock::empty_response(#status) },
            "",
        ),
        Some(body) => {
            let (ty, make) = typed_body(r, body, &status);
            (
                Some(quote! { body: #ty }),
                Some(quote! { body }),
                make,
                " with `body`",
            )
        }
    };
    let template_doc = doc_lines([format!(
        "The response {status_text}{described}{with}: what [`{respond}`](Self::{respond}) \
         answers, to adjust (headers, delay) and give to [`respond_with`](Self::respond_with)."
    )
    .as_str()]);
    let respond_doc = doc_lines([format!("Answers {status_text}{described}{with}.").as_str()]);
    let status_param = status_arg.as_ref().map(|_| quote! { status, });
    quote! {
        #template_doc
        pub fn #template(#status_arg #body_param) -> runtime::mock::ResponseTemplate {
            #make
        }

        #respond_doc
        pub fn #respond(self, #status_arg #body_param) -> runtime::mock::Mock {
            self.respond_with(Self::#template(#status_param #body_arg))
        }
    }
}

/// The type a response's body is given as, and the expression making a response with it.
fn typed_body(
    r: &Response,
    body: &ResponseBody,
    status: &TokenStream,
) -> (TokenStream, TokenStream) {
    // A pattern (`*/*`) is no media type to answer with, and the client decodes form
    // responses as JSON: the mock answers a concrete type of what the client decodes.
    let concrete = !body.content_type.contains('*');
    let content_type = match body.media {
        MediaKind::Json
        | MediaKind::JsonSequence
        | MediaKind::Text
        | MediaKind::Binary
        | MediaKind::Multipart
        | MediaKind::EventStream
            if concrete =>
        {
            body.content_type.as_str()
        }
        MediaKind::EventStream => "text/event-stream",
        MediaKind::Json | MediaKind::FormUrlEncoded => "application/json",
        MediaKind::JsonSequence => "application/jsonl",
        MediaKind::Text => "text/plain",
        MediaKind::Binary | MediaKind::Multipart => "application/octet-stream",
    };
    match body.media {
        MediaKind::Json | MediaKind::FormUrlEncoded => (
            body_type(r),
            quote! { runtime::mock::json_response(#status, #content_type, &body) },
        ),
        MediaKind::JsonSequence => (
            body_type(r),
            quote! { runtime::mock::json_sequence_response(#status, #content_type, &body) },
        ),
        MediaKind::Text => (
            quote! { impl Into<String> },
            quote! { runtime::mock::text_response(#status, #content_type, body) },
        ),
        // One event per item, its data the item.
        MediaKind::EventStream if body.ty == TypeRef::String => (
            quote! { Vec<String> },
            quote! { runtime::mock::text_event_stream_response(#status, #content_type, &body) },
        ),
        MediaKind::EventStream => {
            let data = type_tokens(&body.ty, Scope::Sibling);
            (
                quote! { Vec<#data> },
                quote! { runtime::mock::json_event_stream_response(#status, #content_type, &body) },
            )
        }
        MediaKind::Binary | MediaKind::Multipart => (
            quote! { impl Into<runtime::Bytes> },
            quote! { runtime::mock::bytes_response(#status, #content_type, body) },
        ),
    }
}
