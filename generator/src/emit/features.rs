//! Per-tag features in the emitted code: a `#[cfg(feature = ...)]` on every item of a gated
//! operation (its builder, outcome enums, client method) and of a type, from the API's
//! [`FeatureGates`], and the crate's `[features]` table.
//!
//! The emitters stay unaware of features: their items are parsed and the attribute is added to
//! each top-level item, so whatever an emitter adds for an operation or a type is gated with it.
//! Once the files are formatted, [`feature_files`](super::feature_files) moves the items of
//! each feature set into a submodule behind one `#[cfg]`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Attribute, Item, Type, parse_quote};

use super::client::BuilderPath;
use crate::ir::{Api, FeatureGates, Operation, TypeDef};

/// The feature that compiles the types no operation reaches.
const FULL: &str = "full";

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]`; `full` for none.
fn cfg(features: &[String]) -> Attribute {
    match features {
        [] => parse_quote!(#[cfg(feature = #FULL)]),
        [one] => parse_quote!(#[cfg(feature = #one)]),
        many => parse_quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// The items of `defs` (a run of the API's types), each behind the features that reach it.
/// An item that is not a type or an impl of one (an emitter's helper) belongs to the type
/// before it.
pub fn gated_type_items(api: &Api, defs: &[TypeDef], gates: &FeatureGates) -> TokenStream {
    let tokens = super::types::type_items(api, defs);
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        // Left as emitted: formatting reports the tokens that are not Rust.
        return tokens;
    };
    let names: BTreeSet<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    let mut owner = defs.first().map(|d| d.name.as_str()).unwrap_or_default();
    for item in &mut file.items {
        if let Some(name) = item_type_name(item).filter(|n| names.contains(n.as_str())) {
            owner = names.get(name.as_str()).copied().unwrap_or(owner);
        }
        let features = gates.types.get(owner).map(Vec::as_slice).unwrap_or(&[]);
        add_attr(item, cfg(features));
    }
    file.into_token_stream()
}

/// The items of `ops` (a run of the API's operations), each operation's behind its features:
/// its builder, outcome types and its method of `Client` (an `impl Client` of its own, which
/// [`feature_files`](super::feature_files) merges with the other methods of its feature set).
/// `crate_name` is the Rust name of the crate, for the methods' doc examples.
pub fn gated_operation_items(
    api: &Api,
    ops: &[Operation],
    gates: &FeatureGates,
    crate_name: &str,
) -> TokenStream {
    let client_path = super::client::client_path(api, crate_name);
    let mut out = TokenStream::new();
    for op in ops {
        let method = super::client::client_method(op, &client_path, BuilderPath::Local);
        let mut tokens = super::operations::operation_items(api, std::slice::from_ref(op));
        tokens.extend(quote! {
            impl Client {
                #method
            }
        });
        let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
            out.extend(tokens);
            continue;
        };
        let features = gates
            .operations
            .get(&op.method_name)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for item in &mut file.items {
            add_attr(item, cfg(features));
        }
        out.extend(file.into_token_stream());
    }
    out
}

/// The API module with the re-export of the types behind the features that compile any of
/// them, and the mocks behind `full`. (The client's operation methods are with the operations.)
pub fn gate_api_module(tokens: TokenStream, gates: &FeatureGates, api: &Api) -> TokenStream {
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return tokens;
    };
    for item in &mut file.items {
        match item {
            Item::Use(import) if matches!(&import.tree, syn::UseTree::Path(p) if p.ident == "types") =>
            {
                insert_after_docs(&mut import.attrs, cfg_any_type(gates, api));
            }
            // The typed mocks name every operation and type: they compile with all features.
            Item::Mod(module) if module.ident == "mock" => {
                module.attrs.push(parse_quote!(#[cfg(feature = #FULL)]));
            }
            _ => {}
        }
    }
    file.into_token_stream()
}

/// The features that compile at least one of the API's types.
fn cfg_any_type(gates: &FeatureGates, api: &Api) -> Attribute {
    let mut features: BTreeSet<&str> = gates.types.values().flatten().map(String::as_str).collect();
    if api.types.iter().any(|t| !gates.types.contains_key(&t.name)) {
        features.insert(FULL);
    }
    let features: Vec<String> = features.into_iter().map(str::to_string).collect();
    match features.as_slice() {
        // `cfg(any())` is never set: the module has no type.
        [] => parse_quote!(#[cfg(any())]),
        some => cfg(some),
    }
}

/// A file's imports allowed to go unused: with some features off, no item may use them.
pub fn allow_unused_imports(prologue: TokenStream) -> TokenStream {
    let Ok(mut file) = syn::parse2::<syn::File>(prologue.clone()) else {
        return prologue;
    };
    for item in &mut file.items {
        if let Item::Use(import) = item {
            import.attrs.push(parse_quote!(#[allow(unused_imports)]));
        }
    }
    file.into_token_stream()
}

/// The per-tag entries of the crate's `[features]` table, empty when no API has features.
pub fn cargo_features(apis: &[Api]) -> String {
    let features: Vec<_> = apis
        .iter()
        .filter_map(|api| api.features.as_ref())
        .flat_map(|gates| &gates.features)
        .collect();
    if features.is_empty() {
        return String::new();
    }
    let all: Vec<String> = features.iter().map(|f| format!("\"{}\"", f.name)).collect();
    let mut out = String::from(
        "\n# One feature per tag: its operations and the types they use. `full` (the default)\n\
         # enables all; depend with `default-features = false, features = [...]` to compile less.\n\
         default = [\"full\"]\n",
    );
    out.push_str(&format!("full = [{}]\n", all.join(", ")));
    for feature in features {
        let what = match &feature.tag {
            Some(tag) => format!("tagged `{}`", tag.replace('\n', " ")),
            None => "without a tag".to_string(),
        };
        let s = if feature.operations == 1 { "" } else { "s" };
        out.push_str(&format!(
            "# {} operation{s} {what}.\n{} = []\n",
            feature.operations, feature.name
        ));
    }
    out
}

/// The type an item defines or implements, by its last path segment.
fn item_type_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Union(u) => Some(u.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        Item::Impl(imp) => type_name(&imp.self_ty),
        _ => None,
    }
}

fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Adds `attr` to a top-level item, after its doc comments.
fn add_attr(item: &mut Item, attr: Attribute) {
    let attrs = match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        // Nothing else is emitted at the top level of `types.rs` or `operations.rs`.
        _ => return,
    };
    insert_after_docs(attrs, attr);
}

fn insert_after_docs(attrs: &mut Vec<Attribute>, attr: Attribute) {
    let at = attrs
        .iter()
        .take_while(|a| a.path().is_ident("doc"))
        .count();
    attrs.insert(at, attr);
}

/// The operations module prologue and items for the whole-file path, gated.
pub fn gated_module(prologue: TokenStream, items: TokenStream) -> TokenStream {
    let prologue = allow_unused_imports(prologue);
    quote! { #prologue #items }
}
