//! Small token helpers shared by the emitters: identifiers, doc attributes, type uses.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::TypeRef;

/// An identifier from a name `normalize` already made safe (`r#type` included).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
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

/// `#[doc = "..."]` lines for an optional text; paragraphs are kept, trailing space trimmed.
pub fn docs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    let escaped: Vec<String> = text.lines().map(|l| escape_doc(l.trim_end())).collect();
    doc_lines(escaped.iter().map(String::as_str))
}

/// `#[doc = "..."]` for each line of the generator's own rustdoc text (not escaped), each
/// prefixed by a space as `///` would be.
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

/// Spec text is prose, not rustdoc: keep it from turning into code blocks, links or HTML.
pub fn escape_doc(line: &str) -> String {
    let trimmed = line.trim_start();
    let mut out = if trimmed.starts_with("```") || trimmed.starts_with("    ") {
        format!("\\{trimmed}")
    } else {
        line.to_string()
    };
    out = out
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    // Bare URLs would trip `rustdoc::bare_urls`.
    for scheme in ["https://", "http://"] {
        out = wrap_urls(&out, scheme);
    }
    out
}

fn wrap_urls(text: &str, scheme: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(scheme) {
        let already = rest[..start].ends_with('<')
            || rest[..start].ends_with('`')
            || rest[..start].ends_with('(');
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == ')' || c == '"')
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';']);
        let after = &tail[url.len()..];
        if already {
            out.push_str(url);
        } else {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = after;
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_is_escaped() {
        assert_eq!(escape_doc("see https://x.io/a."), "see <https://x.io/a>.");
        assert_eq!(escape_doc("a [b] <c>"), "a \\[b\\] &lt;c&gt;");
        assert_eq!(escape_doc("```json"), "\\```json");
    }

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
}
