//! Typed response headers: one struct per operation whose successful responses document
//! headers, read on demand with `ResponseValue::typed_headers`, and one for the headers its
//! error responses document, read from an `Error::Api` response with `headers_as`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::doc_markdown::{block, code};
use super::tokens::{Scope, docs, ident, type_tokens};
use crate::ir::{Operation, Response, ResponseHeader, TypeRef};

/// The headers `responses` document, each name once (the first response that documents it
/// decides its type), in the order the document gives them.
fn documented_headers<'a>(responses: &[&'a Response]) -> Vec<&'a ResponseHeader> {
    let mut out: Vec<&ResponseHeader> = Vec::new();
    for header in responses.iter().flat_map(|r| &r.headers) {
        if !out
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(&header.name))
        {
            out.push(header);
        }
    }
    out
}

fn success_headers(op: &Operation) -> Vec<&ResponseHeader> {
    documented_headers(&super::operations::split_responses(op).0)
}

fn error_headers(op: &Operation) -> Vec<&ResponseHeader> {
    documented_headers(&super::operations::split_responses(op).1)
}

/// The name of the operation's headers struct, when its successful responses document any.
pub fn headers_name(op: &Operation) -> Option<Ident> {
    (!success_headers(op).is_empty()).then(|| format_ident!("{}Headers", op.type_name))
}

/// The headers structs of the operation (its successful responses', its error responses') with
/// their `FromHeaders` implementations; empty when its responses document no header.
pub fn headers_structs(op: &Operation) -> TokenStream {
    let method = op.method_name.trim_start_matches("r#");
    let success = headers_name(op).map(|name| {
        let doc = format!(
            "Headers the successful responses of [`Client::{method}`](super::Client::{method}) \
             document,\nread with [`typed_headers`](runtime::ResponseValue::typed_headers)."
        );
        headers_struct(&name, &success_headers(op), &doc)
    });
    let errors = error_headers(op);
    let error = (!errors.is_empty()).then(|| {
        let name = format_ident!("{}ErrorHeaders", op.type_name);
        let doc = format!(
            "Headers the error responses of [`Client::{method}`](super::Client::{method}) \
             document,\nread from the response of an [`Error::Api`](runtime::Error::Api) with\n\
             [`headers_as`](runtime::ResponseValue::headers_as)."
        );
        headers_struct(&name, &errors, &doc)
    });
    quote! { #success #error }
}

/// One headers struct and its `FromHeaders` implementation.
fn headers_struct(name: &Ident, headers: &[&ResponseHeader], about: &str) -> TokenStream {
    let fields = headers.iter().map(|h| {
        let field = ident(&h.rust_name);
        let ty = match h.ty.non_null() {
            TypeRef::Array(item) => {
                let item = type_tokens(item, Scope::Sibling);
                quote! { Vec<#item> }
            }
            other => type_tokens(other, Scope::Sibling),
        };
        let mut text = format!("The {} header", code(&h.name));
        text.push_str(if h.required {
            " (the document says it is always sent)."
        } else {
            "."
        });
        if let Some(description) = h.description.as_deref().map(block) {
            if !description.is_empty() {
                text.push_str("\n\n");
                text.push_str(&description);
            }
        }
        let doc = docs(&text);
        quote! { #doc pub #field: Option<#ty>, }
    });
    let reads = headers.iter().map(|h| {
        let field = ident(&h.rust_name);
        let wire = &h.name;
        let read = match h.ty.non_null() {
            TypeRef::Array(_) => quote! { runtime::header_list },
            _ => quote! { runtime::header_value },
        };
        quote! { #field: #read(headers, #wire)?, }
    });
    let doc = docs(&format!(
        "{about}\n\nA header the response does not carry is `None`; all headers stay available raw."
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
        }

        impl runtime::FromHeaders for #name {
            fn from_headers(headers: &runtime::HeaderMap) -> Result<Self, runtime::HeaderError> {
                Ok(Self { #(#reads)* })
            }
        }
    }
}
