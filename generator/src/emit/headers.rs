//! Typed response headers: one struct per operation whose successful responses document
//! headers, read on demand with `ResponseValue::typed_headers`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::doc_markdown::{block, code};
use super::tokens::{Scope, docs, ident, type_tokens};
use crate::ir::{Operation, ResponseHeader, TypeRef};

/// The headers of the operation's successful responses, each name once (the first response that
/// documents it decides its type), in the order the document gives them.
fn success_headers(op: &Operation) -> Vec<&ResponseHeader> {
    let (ok, _) = super::operations::split_responses(op);
    let mut out: Vec<&ResponseHeader> = Vec::new();
    for header in ok.iter().flat_map(|r| &r.headers) {
        if !out
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(&header.name))
        {
            out.push(header);
        }
    }
    out
}

/// The name of the operation's headers struct, when its successful responses document any.
pub fn headers_name(op: &Operation) -> Option<Ident> {
    (!success_headers(op).is_empty()).then(|| format_ident!("{}Headers", op.type_name))
}

/// The headers struct of the operation and its `FromHeaders` implementation, if it has one.
pub fn headers_struct(op: &Operation) -> Option<TokenStream> {
    let name = headers_name(op)?;
    let headers = success_headers(op);
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
    let method = op.method_name.trim_start_matches("r#");
    let doc = docs(&format!(
        "Headers the successful responses of [`Client::{method}`](super::Client::{method}) \
         document,\nread with [`typed_headers`](runtime::ResponseValue::typed_headers).\n\n\
         A header the response does not carry is `None`; all headers stay available raw."
    ));
    Some(quote! {
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
    })
}
