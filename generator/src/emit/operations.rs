//! Per-operation code: a request builder with `send`, and the operation's outcome types.
//! Everything operations share lives in the runtime; what is emitted here is only what differs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_markdown::{block, code, inline};
use super::tokens::{
    Scope, doc_lines, docs, form_encodings, ident, path_param_function, query_style, snake_ident,
    spec_docs, type_tokens, uses_module,
};
use crate::ir::{
    Api, HttpMethod, MediaKind, Operation, ParamLocation, Parameter, PathPart, Response,
    ResponseBody, StatusSpec, TypeRef,
};

/// The `operations` module of one API.
pub fn operations_module(api: &Api) -> TokenStream {
    let items = operation_items(api, &api.operations);
    let prologue =
        operations_prologue(uses_module(&items, "types"), uses_module(&items, "runtime"));
    quote! { #prologue #items }
}

/// The module docs and imports that open `operations.rs`.
pub fn operations_prologue(uses_types: bool, uses_runtime: bool) -> TokenStream {
    let types = uses_types.then(|| quote! { use super::types; });
    let runtime = uses_runtime.then(|| quote! { use crate::runtime; });
    quote! {
        //! Request builders and outcome types, one set per operation. Builders come from the
        //! methods of [`Client`](super::Client).
        #types
        #runtime
    }
}

/// The items of `operations`, a run of `api.operations`, in order.
pub fn operation_items(api: &Api, operations: &[Operation]) -> TokenStream {
    operations.iter().map(|op| operation(api, op)).collect()
}

/// Which responses count as success: the documented 2xx ones, or `default` when it is all the
/// spec gives.
pub fn split_responses(op: &Operation) -> (Vec<&Response>, Vec<&Response>) {
    let (mut ok, mut err): (Vec<&Response>, Vec<&Response>) =
        op.responses.iter().partition(|r| r.is_success());
    if ok.is_empty() {
        if let Some(pos) = err.iter().position(|r| r.status == StatusSpec::Default) {
            ok.push(err.remove(pos));
        }
    }
    (ok, err)
}

/// The type `send` returns on success.
pub fn success_type(op: &Operation) -> TokenStream {
    let (ok, _) = split_responses(op);
    match ok.as_slice() {
        [] => quote! { () },
        [only] => body_type(only),
        _ => {
            let name = format_ident!("{}Success", op.type_name);
            quote! { #name }
        }
    }
}

/// The Rust type of a response's body, as the outcome enums and `send` hold it.
pub fn body_type(response: &Response) -> TokenStream {
    match &response.body {
        None => quote! { () },
        Some(body) => match body.media {
            MediaKind::Text => quote! { String },
            // Multipart responses are rare; their raw bytes are given as they came.
            MediaKind::Binary | MediaKind::Multipart => quote! { runtime::Bytes },
            MediaKind::Json | MediaKind::JsonSequence | MediaKind::FormUrlEncoded => {
                type_tokens(&body.ty, Scope::Sibling)
            }
            MediaKind::EventStream => {
                let data = type_tokens(&body.ty, Scope::Sibling);
                quote! { runtime::EventStream<#data> }
            }
        },
    }
}

/// The body of the operation's one success when it is an event stream, read as it arrives.
pub fn streamed_success(op: &Operation) -> Option<&ResponseBody> {
    let (ok, _) = split_responses(op);
    match ok.as_slice() {
        [only] => only
            .body
            .as_ref()
            .filter(|b| b.media == MediaKind::EventStream),
        _ => None,
    }
}

/// How an event stream's data is decoded: as JSON, or kept as text when its type is `String`.
fn event_data(body: &ResponseBody) -> TokenStream {
    match body.ty {
        TypeRef::String => quote! { runtime::text_data },
        _ => quote! { runtime::json_data },
    }
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.type_name);
    let error_name = format_ident!("{}Error", op.type_name);
    let (ok, err) = split_responses(op);
    let success = success_type(op);

    let fields = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = param_type(p, Scope::Sibling);
        if p.required {
            quote! { #name: #ty, }
        } else {
            quote! { #name: Option<#ty>, }
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let ty = request_body_type(b, Scope::Sibling);
        if b.required {
            quote! { pub(super) body: #ty, }
        } else {
            quote! { pub(super) body: Option<#ty>, }
        }
    });
    let setters = op.params.iter().filter(|p| !p.required).map(setter);
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let ty = request_body_type(b, Scope::Sibling);
        let doc = spec_docs(b.description.as_deref(), "Sets the request body.");
        quote! {
            #doc
            pub fn body(mut self, value: #ty) -> Self {
                self.body = Some(value);
                self
            }
        }
    });

    let SendParts {
        method: send,
        helpers,
    } = send_fn(api, op, &ok, &err, &success, &error_name);
    let success_enum = (ok.len() > 1).then(|| {
        outcome_enum(
            &format!("{}Success", op.type_name),
            &ok,
            "Documented successful responses",
            &op.method_name,
        )
    });
    let stream = super::pagination::stream_impl(op, &error_name);
    let headers_struct = super::headers::headers_structs(op);
    let error_enum = outcome_enum(
        &format!("{}Error", op.type_name),
        &err,
        "Documented error responses",
        &op.method_name,
    );
    let builder_doc = doc_lines([
        format!(
            "Request builder for [`Client::{}`](super::Client::{}).",
            op.method_name.trim_start_matches("r#"),
            op.method_name.trim_start_matches("r#")
        )
        .as_str(),
        "",
        "Set optional parameters with its methods, then call `send`.",
    ]);
    quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `send` is awaited"]
        pub struct #builder<'a> {
            pub(super) client: &'a super::Client,
            #(pub(super) #fields)*
            #body_field
            pub(super) options: runtime::RequestOptions,
        }

        impl #builder<'_> {
            #(#setters)*
            #body_setter

            /// Per-call settings: timeout, retries.
            pub fn options(mut self, options: runtime::RequestOptions) -> Self {
                self.options = options;
                self
            }

            #send
        }

        #helpers
        #stream
        #success_enum
        #error_enum
        #headers_struct
    }
}

/// The Rust type of a parameter; strings are taken as `impl Into<String>` by methods.
pub fn param_type(p: &Parameter, scope: Scope) -> TokenStream {
    type_tokens(p.ty.non_null(), scope)
}

pub fn request_body_type(b: &crate::ir::RequestBody, scope: Scope) -> TokenStream {
    match b.media {
        MediaKind::Text | MediaKind::EventStream => quote! { String },
        // The caller says which media type of the document's range its bytes are.
        MediaKind::Binary if b.media_range.is_some() => quote! { runtime::TypedBytes },
        MediaKind::Binary => quote! { runtime::Bytes },
        MediaKind::Json
        | MediaKind::JsonSequence
        | MediaKind::FormUrlEncoded
        | MediaKind::Multipart => type_tokens(b.ty.non_null(), scope),
    }
}

fn setter(p: &Parameter) -> TokenStream {
    let name = ident(&p.rust_name);
    let ty = param_type(p, Scope::Sibling);
    let doc = spec_docs(
        p.description.as_deref(),
        &format!("Sets {}.", code(&p.name)),
    );
    let deprecated = p.deprecated.then(|| quote! { #[deprecated] });
    if *p.ty.non_null() == TypeRef::String {
        quote! {
            #doc
            #deprecated
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.#name = Some(value.into());
                self
            }
        }
    } else {
        quote! {
            #doc
            #deprecated
            pub fn #name(mut self, value: #ty) -> Self {
                self.#name = Some(value);
                self
            }
        }
    }
}

/// An operation's `send` and the two private functions it hands to the runtime: one builds
/// the request, one decodes the response by status. `send` itself is not `async`: the one
/// generic `runtime::ApiClient::call` does the awaiting, so no operation adds a future of its own
/// for the compiler to check.
struct SendParts {
    method: TokenStream,
    helpers: TokenStream,
}

fn send_fn(
    api: &Api,
    op: &Operation,
    ok: &[&Response],
    err: &[&Response],
    success: &TokenStream,
    error_name: &proc_macro2::Ident,
) -> SendParts {
    let path = path_expr(op);
    let op_name = op.method_name.trim_start_matches("r#");
    let method = match &op.method {
        HttpMethod::Query | HttpMethod::Other(_) => {
            let name = op.method.as_str();
            quote! { runtime::extension_method(#name) }
        }
        standard => {
            let constant = format_ident!("{}", standard.as_str());
            quote! { runtime::Method::#constant }
        }
    };
    let template = &op.path.raw;
    let security = security_expr(api, op);
    let params = op.params.iter().filter(|p| !p.location.is_path()).map(|p| {
        let field = ident(&p.rust_name);
        let wire = &p.name;
        if p.json {
            let value = quote! { &runtime::json_param(#wire, &op.#field)? };
            return match p.location {
                ParamLocation::Query { .. } => {
                    quote! { request.query(#wire, #value, runtime::QueryStyle::Form, true)?; }
                }
                ParamLocation::Header { .. } => quote! { request.header(#wire, #value)?; },
                ParamLocation::Cookie { .. } => quote! { request.cookie(#wire, #value)?; },
                ParamLocation::Path { .. } => quote! {},
            };
        }
        match p.location {
            ParamLocation::Query { style, explode } => {
                let style = query_style(style);
                quote! { request.query(#wire, &op.#field, #style, #explode)?; }
            }
            ParamLocation::Header { explode: false } => {
                quote! { request.header(#wire, &op.#field)?; }
            }
            ParamLocation::Header { explode: true } => {
                quote! { request.exploded_header(#wire, &op.#field)?; }
            }
            ParamLocation::Cookie { explode: false } => {
                quote! { request.cookie(#wire, &op.#field)?; }
            }
            ParamLocation::Cookie { explode: true } => {
                quote! { request.exploded_cookie(#wire, &op.#field)?; }
            }
            ParamLocation::Path { .. } => quote! {},
        }
    });
    let accept = op
        .accept
        .as_ref()
        .map(|media| quote! { request.accept(#media); });
    let server = api
        .operation_server_index(op)
        .map(proc_macro2::Literal::usize_unsuffixed)
        .map(|index| quote! { request.server(#index); });
    let body = op.body.as_ref().map(|b| {
        let content_type = &b.content_type;
        let call = match b.media {
            MediaKind::Json => quote! { request.json_body(#content_type, body)?; },
            MediaKind::JsonSequence => {
                quote! { request.json_sequence_body(#content_type, body)?; }
            }
            MediaKind::FormUrlEncoded => {
                let encodings = form_encodings(b);
                quote! { request.form_body(#content_type, body, #encodings)?; }
            }
            MediaKind::Text | MediaKind::EventStream => {
                quote! { request.raw_body(#content_type, body.clone().into_bytes()); }
            }
            MediaKind::Multipart
                if b.content_type
                    .to_ascii_lowercase()
                    .starts_with("multipart/form-data") =>
            {
                quote! { request.multipart_body(body)?; }
            }
            MediaKind::Multipart => quote! { request.multipart_body_as(#content_type, body)?; },
            MediaKind::Binary if b.media_range.is_some() => {
                quote! { request.typed_body(body)?; }
            }
            MediaKind::Binary => quote! { request.raw_body(#content_type, body.clone()); },
        };
        if b.required {
            quote! { let body = &op.body; #call }
        } else {
            quote! { if let Some(body) = &op.body { #call } }
        }
    });

    let multiple_ok = ok.len() > 1;
    let success_name = format_ident!("{}Success", op.type_name);
    let mut arms: Vec<(StatusSpec, TokenStream)> = Vec::new();
    for r in ok {
        let decode = decode_expr(r);
        let variant = ident(&r.variant);
        let value = if multiple_ok {
            decode_with(r, quote! { #success_name::#variant })
        } else {
            decode
        };
        arms.push((r.status, value));
    }
    for r in err {
        let variant = ident(&r.variant);
        let decode = decode_with(r, quote! { #error_name::#variant });
        arms.push((r.status, quote! { runtime::api_error(#decode) }));
    }
    arms.sort_by_key(|(status, _)| *status);
    let has_default = arms.iter().any(|(s, _)| *s == StatusSpec::Default);
    // A match whose only arm is `_` (no documented response, or only `default`) is clippy's
    // `match_single_binding`: the body of that arm is written alone.
    let single = match arms.as_slice() {
        [] => Some(quote! { response.unexpected() }),
        [(StatusSpec::Default, value)] => Some(value.clone()),
        _ => None,
    };
    let codes: Vec<u16> = arms
        .iter()
        .filter_map(|(status, _)| match status {
            StatusSpec::Code(c) => Some(*c),
            _ => None,
        })
        .collect();
    let arms = arms.iter().filter_map(|(status, value)| {
        let pattern = match status {
            StatusSpec::Code(c) => {
                let c = proc_macro2::Literal::u16_unsuffixed(*c);
                quote! { #c }
            }
            StatusSpec::Range(r) => range_pattern(u16::from(*r) * 100, &codes)?,
            StatusSpec::Default => quote! { _ },
        };
        Some(quote! { #pattern => #value, })
    });
    let fallback = (!has_default).then(|| quote! { _ => response.unexpected(), });
    let dispatch = single.unwrap_or_else(|| {
        quote! {
            match response.status().as_u16() {
                #(#arms)*
                #fallback
            }
        }
    });

    let mut doc = vec![
        "Sends the request and decodes the response by its status.".to_string(),
        String::new(),
        "# Errors".to_string(),
        String::new(),
    ];
    for r in err {
        let what = r
            .description
            .as_deref()
            .unwrap_or("documented error")
            .lines()
            .next()
            .unwrap_or_default();
        doc.push(format!(
            "- [`{}::{}`] ({}): {}",
            error_name,
            r.variant,
            status_text(r.status),
            inline(what)
        ));
    }
    doc.push("- any other status, a transport failure, a timeout or an undecodable body, as [`crate::runtime::Error`].".to_string());
    let doc = doc_lines(doc.iter().map(String::as_str));
    let builder = ident(&op.type_name);
    // Free functions named after the method, which is unique among operations: as methods of
    // the builder they could clash with the setters of parameters of the same name.
    let request_fn = snake_ident(op_name, "request");
    let decode_fn = snake_ident(op_name, "decode");
    // `self` is only read: the builder's fields are borrowed while the request is built.
    let builder_ref = if op.params.is_empty() && op.body.is_none() {
        quote! { _: &#builder<'_> }
    } else {
        quote! { op: &#builder<'_> }
    };
    // The dispatch decodes with no typed headers; an operation that documents some names their
    // struct as the response's type of headers.
    let (result, dispatch) = match super::headers::headers_name(op) {
        Some(headers) => (
            quote! { runtime::CallResult<#success, #error_name, #headers> },
            quote! {
                let decoded: runtime::CallResult<#success, #error_name> = #dispatch;
                decoded.map(runtime::ResponseValue::with_typed_headers)
            },
        ),
        None => (
            quote! { runtime::CallResult<#success, #error_name> },
            dispatch,
        ),
    };
    // `#[inline]`: like the `async fn` it replaces, `send` and its helpers are compiled to
    // machine code only in crates that call them, not for every operation in this one.
    let call = match streamed_success(op) {
        Some(body) => {
            let data = event_data(body);
            quote! { self.client.runtime.call_events(request, self.options, #decode_fn, #data) }
        }
        None => quote! { self.client.runtime.call(request, self.options, #decode_fn) },
    };
    let send_method = quote! {
        #doc
        #[inline]
        pub fn send(self) -> impl Future<Output = #result> {
            let request = #request_fn(&self);
            #call
        }
    };
    let helpers = quote! {
        #[inline]
        fn #request_fn(#builder_ref) -> Result<runtime::Request, runtime::InvalidRequest> {
            #path
            let mut request = runtime::Request::new(#op_name, #method, #template, path);
            request.security(#security);
            #server
            #accept
            #(#params)*
            #body
            Ok(request)
        }

        #[inline]
        fn #decode_fn(response: runtime::RawResponse) -> #result {
            #dispatch
        }
    };
    SendParts {
        method: send_method,
        helpers,
    }
}

fn status_text(status: StatusSpec) -> String {
    match status {
        StatusSpec::Code(c) => c.to_string(),
        StatusSpec::Range(r) => format!("{r}XX"),
        StatusSpec::Default => "default".to_string(),
    }
}

/// Decodes a response straight into an outcome enum variant.
fn decode_with(r: &Response, variant: TokenStream) -> TokenStream {
    match r.body.as_ref().map(|b| b.media) {
        None => quote! { response.empty_as(#variant) },
        Some(MediaKind::Json | MediaKind::FormUrlEncoded) => {
            quote! { response.json_with(#variant) }
        }
        Some(MediaKind::JsonSequence) => quote! { response.json_sequence_with(#variant) },
        Some(MediaKind::EventStream) => {
            let data = r.body.as_ref().map(event_data);
            quote! { response.events(#data).map(|v| v.map(#variant)) }
        }
        Some(MediaKind::Text) => quote! { response.text_with(#variant) },
        Some(MediaKind::Binary | MediaKind::Multipart) => quote! { response.bytes_with(#variant) },
    }
}

fn decode_expr(r: &Response) -> TokenStream {
    match r.body.as_ref().map(|b| b.media) {
        None => quote! { response.empty() },
        Some(MediaKind::Json | MediaKind::FormUrlEncoded) => quote! { response.json() },
        Some(MediaKind::JsonSequence) => quote! { response.json_sequence() },
        Some(MediaKind::EventStream) => {
            let data = r.body.as_ref().map(event_data);
            quote! { response.events(#data) }
        }
        Some(MediaKind::Text) => quote! { response.text() },
        Some(MediaKind::Binary | MediaKind::Multipart) => quote! { response.bytes() },
    }
}

fn outcome_enum(name: &str, responses: &[&Response], what: &str, method: &str) -> TokenStream {
    let name = ident(name);
    let variants = responses.iter().map(|r| {
        let variant = ident(&r.variant);
        // The status leads the description's first paragraph; it is plain text, so making the
        // whole safe leaves it as it is.
        let status = status_text(r.status);
        let doc = match r.description.as_deref().map(str::trim) {
            Some(d) if !d.is_empty() => docs(&block(&format!("{status}: {d}"))),
            _ => docs(&status),
        };
        if r.body.is_some() {
            let ty = body_type(r);
            quote! { #doc #variant(#ty), }
        } else {
            quote! { #doc #variant, }
        }
    });
    let method = method.trim_start_matches("r#");
    let doc = format!(" {what} of [`Client::{method}`](super::Client::{method}).");
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The statements that build `path`: one encoded segment per path parameter, then the
/// template's pieces joined (no macro, so the formatter lays it out like the rest):
/// `let user_id = runtime::path_param("userId", &op.user_id)?;`
/// `let path = ["/v2/Teams/", user_id.as_str()].concat();`
fn path_expr(op: &Operation) -> TokenStream {
    let mut segments = Vec::new();
    let mut pieces = Vec::new();
    for part in &op.path.parts {
        match part {
            PathPart::Literal(text) => pieces.push(quote! { #text }),
            PathPart::Param(name) => {
                let param = op
                    .params
                    .iter()
                    .find(|p| p.location.is_path() && &p.name == name);
                let Some(param) = param else {
                    continue;
                };
                let field = ident(&param.rust_name);
                // `op`, `path` and `request` are the request function's argument and locals; a
                // parameter never shadows them.
                let local = match param.rust_name.trim_start_matches("r#") {
                    "op" | "path" | "request" | "response" | "body" => {
                        format_ident!("{}_segment", param.rust_name.trim_start_matches("r#"))
                    }
                    _ => field.clone(),
                };
                let segment = if param.json {
                    quote! { runtime::path_param(#name, &runtime::json_param(#name, &op.#field)?)? }
                } else {
                    let (function, style) = path_param_function(param.location);
                    quote! { runtime::#function(#name, &op.#field #style)? }
                };
                segments.push(quote! { let #local = #segment; });
                pieces.push(quote! { #local.as_str() });
            }
        }
    }
    match pieces.as_slice() {
        [] => quote! { let path = String::new(); },
        [only] if segments.is_empty() => quote! { let path = String::from(#only); },
        _ => quote! {
            #(#segments)*
            let path = [#(#pieces),*].concat();
        },
    }
}

fn security_expr(api: &Api, op: &Operation) -> TokenStream {
    let alternatives = op.security.iter().map(|req| {
        let keys = req
            .schemes
            .iter()
            .filter_map(|i| api.security_schemes.get(*i))
            .map(|s| s.key.as_str());
        quote! { &[#(#keys),*] }
    });
    quote! { &[#(#alternatives),*] }
}

/// The pattern of a status class (`5XX`) without the codes that have arms of their own
/// (`500..=599` less `500` is `501..=599`): arms that overlap are clippy's
/// `match_overlapping_arm`. `None` when every code of the class has its own arm.
fn range_pattern(low: u16, codes: &[u16]) -> Option<TokenStream> {
    let mut parts: Vec<(u16, u16)> = Vec::new();
    for code in low..=low + 99 {
        if codes.contains(&code) {
            continue;
        }
        match parts.last_mut() {
            Some((_, end)) if *end + 1 == code => *end = code,
            _ => parts.push((code, code)),
        }
    }
    let parts = parts.into_iter().map(|(start, end)| {
        let start_literal = proc_macro2::Literal::u16_unsuffixed(start);
        let end_literal = proc_macro2::Literal::u16_unsuffixed(end);
        if start == end {
            quote! { #start_literal }
        } else {
            quote! { #start_literal..=#end_literal }
        }
    });
    let parts: Vec<TokenStream> = parts.collect();
    (!parts.is_empty()).then(|| quote! { #(#parts)|* })
}
