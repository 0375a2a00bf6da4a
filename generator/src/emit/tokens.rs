//! Small token helpers shared by the emitters: identifiers, doc attributes, type uses.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::doc_markdown;
use crate::ir::{ParamLocation, PathStyle, QueryStyle, RequestBody, TypeRef};

/// An identifier from a name `normalize` already made safe (`r#type` included).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A snake-case name built on another (`list_pets` → `list_pets_request`). A raw prefix and the
/// underscore that escapes a keyword (`self_`) are dropped first: `self_request`, where
/// `self__request` is not snake case (rustc's `non_snake_case`).
pub fn snake_ident(base: &str, suffix: &str) -> Ident {
    let stem = base.trim_start_matches("r#").trim_end_matches('_');
    Ident::new(&format!("{stem}_{suffix}"), Span::call_site())
}

/// Whether `tokens` use `module::…` paths (an identifier followed by `::`), so that a file
/// imports a module only when it uses it.
pub fn uses_module(tokens: &TokenStream, module: &str) -> bool {
    uses_module_in(tokens.clone(), module)
}

fn uses_module_in(tokens: TokenStream, module: &str) -> bool {
    use proc_macro2::{Spacing, TokenTree};
    let mut previous_is_module = false;
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                if uses_module_in(group.stream(), module) {
                    return true;
                }
                previous_is_module = false;
            }
            TokenTree::Ident(ident) => previous_is_module = ident == module,
            TokenTree::Punct(punct) => {
                if previous_is_module && punct.as_char() == ':' && punct.spacing() == Spacing::Joint
                {
                    return true;
                }
                previous_is_module = false;
            }
            TokenTree::Literal(_) => previous_is_module = false,
        }
    }
    false
}

/// `#[doc = "..."]` lines for Markdown an emitter composed: its own text, with whatever came
/// from the document already made safe by [`doc_markdown`](super::doc_markdown). The first
/// line keeps its indentation: a list item's continuation lines were indented to match it.
pub fn docs(markdown: &str) -> TokenStream {
    doc_lines(markdown.trim_start_matches('\n').trim_end().lines())
}

/// `#[doc = "..."]` lines for document text standing alone (a description), or for `fallback`
/// when the document has none (or only characters a doc comment drops).
pub fn spec_docs(text: Option<&str>, fallback: &str) -> TokenStream {
    let made = text.map(doc_markdown::block).unwrap_or_default();
    docs(if made.is_empty() { fallback } else { &made })
}

/// `#[doc = "..."]` for each line of rustdoc Markdown, each prefixed by a space as `///` would
/// be.
pub fn doc_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let lines = lines.into_iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Where a type is used from: the types module itself, or a sibling module of it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside the `types` module.
    Types,
    /// Inside `operations`, next to `types`.
    Sibling,
    /// In the API module that holds `types`.
    Parent,
}

/// The Rust type of a `TypeRef`. Prelude types are written unqualified: `normalize` keeps their
/// names out of every generated namespace, so user types cannot shadow them.
pub fn type_tokens(ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Types => quote! { #name },
                // `operations` imports `super::types`; the API module declares it.
                Scope::Sibling | Scope::Parent => quote! { types::#name },
            }
        }
        TypeRef::String => quote! { String },
        TypeRef::Integer { bits, signed } => {
            let name = ident(&format!("{}{bits}", if *signed { "i" } else { "u" }));
            quote! { #name }
        }
        TypeRef::Number { bits } => {
            let name = ident(&format!("f{bits}"));
            quote! { #name }
        }
        TypeRef::Boolean => quote! { bool },
        // Files: parts of multipart bodies; base64 inside JSON.
        TypeRef::Bytes => quote! { runtime::FilePart },
        TypeRef::Array(item) => {
            let item = type_tokens(item, scope);
            quote! { Vec<#item> }
        }
        TypeRef::Tuple(elements) => {
            let elements: Vec<TokenStream> =
                elements.iter().map(|e| type_tokens(e, scope)).collect();
            match elements.as_slice() {
                // A one-element tuple needs its trailing comma.
                [only] => quote! { (#only,) },
                _ => quote! { (#(#elements),*) },
            }
        }
        TypeRef::Map(value) if **value == TypeRef::Any => {
            quote! { ::serde_json::Map<String, ::serde_json::Value> }
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, scope);
            quote! { ::std::collections::BTreeMap<String, #value> }
        }
        TypeRef::Any => quote! { ::serde_json::Value },
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner, scope);
            quote! { Option<#inner> }
        }
    }
}

/// `runtime::QueryStyle::…` for a style.
/// The runtime function that encodes a path parameter at `location`, and the arguments it takes
/// after the value: the short `path_param` for the default style, so most operations read as
/// before styles were known.
pub fn path_param_function(location: ParamLocation) -> (Ident, TokenStream) {
    match location {
        ParamLocation::Path {
            style: PathStyle::Simple,
            explode: false,
        } => (format_ident!("path_param"), quote! {}),
        ParamLocation::Path { style, explode } => {
            let style = format_ident!(
                "{}",
                match style {
                    PathStyle::Simple => "Simple",
                    PathStyle::Label => "Label",
                    PathStyle::Matrix => "Matrix",
                }
            );
            (
                format_ident!("styled_path_param"),
                quote! { , runtime::PathStyle::#style, #explode },
            )
        }
        _ => (format_ident!("path_param"), quote! {}),
    }
}

pub fn query_style(style: QueryStyle) -> TokenStream {
    let name = format_ident!(
        "{}",
        match style {
            QueryStyle::Form => "Form",
            QueryStyle::SpaceDelimited => "SpaceDelimited",
            QueryStyle::PipeDelimited => "PipeDelimited",
            QueryStyle::TabDelimited => "TabDelimited",
            QueryStyle::DeepObject => "DeepObject",
        }
    );
    quote! { runtime::QueryStyle::#name }
}

/// The `encoding` of a form body's properties as the runtime takes it:
/// `&[("name", runtime::QueryStyle::DeepObject, true)]`.
pub fn form_encodings(body: &RequestBody) -> TokenStream {
    let entries = body.form_encodings.iter().map(|e| {
        let property = &e.property;
        let style = query_style(e.style);
        let explode = e.explode;
        quote! { (#property, #style, #explode) }
    });
    quote! { &[#(#entries),*] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_count_as_used_only_as_path_prefixes() {
        let uses = |tokens: TokenStream| uses_module(&tokens, "runtime");
        assert!(uses(quote! { fn f() -> runtime::Error {} }));
        assert!(uses(quote! { impl X { fn f() { g(runtime::h()) } } }));
        // A field, a method receiver or a string naming `runtime` is not a use of the module.
        assert!(!uses(quote! { struct S { runtime: u8 } }));
        assert!(!uses(quote! { fn f(&self) { self.runtime.execute() } }));
        assert!(!uses(quote! { #[doc = "runtime::Error"] struct S; }));
    }

    #[test]
    fn an_indented_first_line_keeps_its_indentation() {
        let made = spec_docs(Some(" - an item\nits lazy continuation\n"), "fallback");
        let expected = quote! {
            #[doc = "  - an item"]
            #[doc = "    its lazy continuation"]
        };
        assert_eq!(made.to_string(), expected.to_string());
    }
}
