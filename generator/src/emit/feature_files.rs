//! Per-tag features, one file per feature set: the items of `types.rs` and `operations.rs` that
//! the same features enable move into a submodule behind one `#[cfg]` on its `mod` line.
//!
//! A `#[cfg]` on each item still makes rustc read and parse the whole file before it drops the
//! disabled items, which for a large API (GitHub's 100,000 lines) costs more than type-checking
//! the few operations a feature enables. A disabled `mod` is never read. Each submodule
//! glob-imports its parent, which glob-re-exports every submodule, so every name resolves as it
//! did in the single file.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{Attribute, Item, parse_quote};

use super::GeneratedFile;
use crate::InternalError;
use crate::format::finish;
use crate::ir::Api;

/// Splits the `types.rs` and `operations.rs` of each API with per-tag features into a parent
/// file and one file per feature set. `header` is the preamble of every file.
pub fn split(
    files: Vec<GeneratedFile>,
    apis: &[Api],
    header: &str,
) -> Result<Vec<GeneratedFile>, InternalError> {
    let gated: Vec<String> = apis
        .iter()
        .filter(|api| api.features.is_some())
        .flat_map(|api| {
            [
                format!("src/{}/types.rs", api.module),
                format!("src/{}/operations.rs", api.module),
            ]
        })
        .collect();
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        if gated.contains(&file.path) {
            out.extend(split_file(&file, header)?);
        } else {
            out.push(file);
        }
    }
    Ok(out)
}

/// One feature set's items and the module that holds them.
struct Group {
    cfg: Attribute,
    module: String,
    items: Vec<Item>,
}

impl Group {
    /// Adds an item; the operations' methods of `Client` join the group's one `impl Client`.
    fn push(&mut self, item: Item) {
        let merged = self.items.iter_mut().find_map(|i| match i {
            Item::Impl(old) if is_client_impl(old) => Some(old),
            _ => None,
        });
        match (item, merged) {
            (Item::Impl(new), Some(old)) if is_client_impl(&new) => old.items.extend(new.items),
            (item, _) => self.items.push(item),
        }
    }
}

/// `impl Client { ... }`: the inherent impl holding operations' methods.
fn is_client_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_.is_none() && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

fn split_file(file: &GeneratedFile, header: &str) -> Result<Vec<GeneratedFile>, InternalError> {
    let bug = |message: String| InternalError {
        file: file.path.clone(),
        message,
    };
    let mut parent = syn::parse_file(&file.contents)
        .map_err(|e| bug(format!("the generated file does not parse again: {e}")))?;
    let stem = file.path.trim_end_matches(".rs").to_string();
    let operations = stem.ends_with("/operations");
    let mut groups: Vec<Group> = Vec::new();
    let mut by_cfg: BTreeMap<String, usize> = BTreeMap::new();
    let mut shared = 0;
    for mut item in std::mem::take(&mut parent.items) {
        let Some(cfg) = take_cfg(&mut item) else {
            parent.items.push(item);
            continue;
        };
        let key = cfg.meta.to_token_stream().to_string();
        let index = match by_cfg.get(&key) {
            Some(index) => *index,
            None => {
                let module = module_name(&cfg).unwrap_or_else(|| {
                    shared += 1;
                    format!("shared_{shared}")
                });
                groups.push(Group {
                    cfg,
                    module,
                    items: Vec::new(),
                });
                by_cfg.insert(key, groups.len() - 1);
                groups.len() - 1
            }
        };
        if let Some(group) = groups.get_mut(index) {
            group.push(item);
        }
    }
    if operations {
        // Builders' docs and code name `super::Client`; from a submodule, that is this import.
        parent.items.push(parse_quote! {
            #[allow(unused_imports)]
            use super::Client;
        });
    }
    let mut out = Vec::with_capacity(groups.len() + 1);
    for group in groups {
        let ident = syn::Ident::new(&group.module, proc_macro2::Span::call_site());
        let cfg = &group.cfg;
        parent.items.push(parse_quote!(#cfg mod #ident;));
        parent.items.push(parse_quote!(#cfg pub use #ident::*;));
        let doc = format!(
            " The items compiled with `{}`.",
            cfg.meta
                .to_token_stream()
                .to_string()
                .replace(" ,", ",")
                .replace(" (", "(")
        );
        let mut child: syn::File = parse_quote! {
            #![doc = #doc]
            // Sibling items, `types` and `runtime`, as the single file saw them.
            #[allow(unused_imports)]
            use super::*;
        };
        child.items.extend(group.items);
        // `pub(super)` items are for the API module (the client's methods fill builders'
        // fields), one level further up from the submodule.
        let text = prettyplease::unparse(&child).replace("pub(super)", "pub(in super::super)");
        out.push(GeneratedFile {
            path: format!("{stem}/{}.rs", group.module),
            contents: finish(header, &text),
        });
    }
    out.insert(
        0,
        GeneratedFile {
            path: file.path.clone(),
            contents: finish(header, &prettyplease::unparse(&parent)),
        },
    );
    Ok(out)
}

/// Removes an item's `#[cfg]` and returns it; `None` for an item without one.
fn take_cfg(item: &mut Item) -> Option<Attribute> {
    let attrs = match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        _ => return None,
    };
    let at = attrs.iter().position(|a| a.path().is_ident("cfg"))?;
    Some(attrs.remove(at))
}

/// `feature_issues` for `cfg(feature = "issues")`; `None` for a set of several features.
fn module_name(cfg: &Attribute) -> Option<String> {
    let syn::Meta::List(list) = &cfg.meta else {
        return None;
    };
    let name_value: syn::MetaNameValue = syn::parse2(list.tokens.clone()).ok()?;
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(feature),
        ..
    }) = &name_value.value
    else {
        return None;
    };
    Some(format!("feature_{}", feature.value().replace('-', "_")))
}
