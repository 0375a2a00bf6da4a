//! `into_stream` for operations with `x-pagination`: every item of every page, lazily.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{Scope, ident, type_tokens};
use crate::ir::{FieldPath, Operation, PaginationKind};

pub fn stream_impl(op: &Operation, error_name: &proc_macro2::Ident) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let builder = ident(&op.type_name);
    let item = type_tokens(&pagination.item_type, Scope::Sibling);
    let (items_expr, items_optional) = owned_path(quote! { page }, &pagination.items);
    let items = if items_optional {
        quote! { #items_expr.unwrap_or_default() }
    } else {
        items_expr
    };
    let fetch = match &pagination.kind {
        PaginationKind::Offset {
            offset_param,
            offset_type,
            limit_param,
        } => {
            let offset = ident(offset_param);
            let limit = ident(limit_param);
            let offset_ty = type_tokens(offset_type, Scope::Sibling);
            quote! {
                let mut next = request.clone();
                let offset = request.#offset.unwrap_or_default();
                let limit = request.#limit;
                let page = request.send().await?.into_inner();
                let items: Vec<#item> = #items;
                let received = items.len();
                // An empty page, or one shorter than the limit asked for, is the last.
                let last = received == 0
                    || limit.is_some_and(|l| usize::try_from(l).is_ok_and(|l| received < l));
                next.#offset = Some(
                    offset.saturating_add(<#offset_ty>::try_from(received).unwrap_or(<#offset_ty>::MAX)),
                );
                Ok((items, (!last).then_some(next)))
            }
        }
        PaginationKind::Cursor {
            cursor_param,
            next_cursor,
        } => {
            let cursor = ident(cursor_param);
            let shares_prefix = next_cursor.steps.first() == pagination.items.steps.first();
            let source = if shares_prefix {
                quote! { page.clone() }
            } else {
                quote! { page }
            };
            let (cursor_expr, cursor_optional) = owned_path(source, next_cursor);
            let found = if cursor_optional {
                cursor_expr
            } else {
                quote! { Some(#cursor_expr) }
            };
            quote! {
                let mut next = request.clone();
                let sent = request.#cursor.clone();
                let page = request.send().await?.into_inner();
                let found: Option<String> = #found;
                let items: Vec<#item> = #items;
                // No cursor, an empty one, or the one just sent (a server loop) ends the list.
                let next = match found {
                    Some(c) if !c.is_empty() && sent.as_deref() != Some(c.as_str()) => {
                        next.#cursor = Some(c);
                        Some(next)
                    }
                    _ => None,
                };
                Ok((items, next))
            }
        }
    };
    let cursor_steps = match &pagination.kind {
        PaginationKind::Cursor { next_cursor, .. } => next_cursor.steps.as_slice(),
        PaginationKind::Offset { .. } => &[],
    };
    // Reading a deprecated field of the page is the generator's doing, not the user's.
    let allow = pagination
        .items
        .steps
        .iter()
        .chain(cursor_steps)
        .any(|step| step.deprecated)
        .then(|| quote! { #[allow(deprecated)] });
    Some(quote! {
        impl<'a> #builder<'a> {
            /// Streams every item of every page, fetching the next page only when the stream
            /// needs it. The first request uses the parameters set on this builder.
            #allow
            pub fn into_stream(
                self,
            ) -> ::futures_util::stream::BoxStream<'a, Result<#item, runtime::Error<#error_name>>> {
                runtime::paginate(self, |request: Self| async move { #fetch })
            }
        }
    })
}

/// An expression taking the value at `path` out of `root`, and whether it is an `Option`.
fn owned_path(root: TokenStream, path: &FieldPath) -> (TokenStream, bool) {
    let mut expr = root;
    let mut optional = false;
    for step in &path.steps {
        let name = ident(&step.rust_name);
        expr = match (optional, step.optional) {
            (false, _) => quote! { #expr.#name },
            (true, true) => quote! { #expr.and_then(|v| v.#name) },
            (true, false) => quote! { #expr.map(|v| v.#name) },
        };
        optional = optional || step.optional;
    }
    (expr, optional)
}
