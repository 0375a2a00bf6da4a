//! Per-tag features (`--features-per-tag`): each tag's operations behind a cargo feature of the
//! generated crate, and each type behind the features whose operations reach it.
//!
//! Feature names are the tags in lowercase kebab case (`Code Scanning` → `code-scanning`),
//! prefixed with the module (`github-issues`) when the crate has several APIs, and made unique
//! with `-2`, `-3`… in tag order. Operations without a tag go behind `untagged`, so that a
//! crate built with no feature is the client alone and every feature costs only what it
//! enables. `full` enables every feature and is the default; `default`, `full`, `mock` and
//! `untagged` are never taken by a tag.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::ir::{Api, Feature, FeatureGates};
use crate::select::{reachable_types, tags};

/// Names a tag never gets: cargo's `default`, the crate's `full`, the `mock` feature of
/// generated crates, and the feature of untagged operations.
const RESERVED: &[&str] = &["default", "full", "mock", UNTAGGED];

/// The feature of the operations without a tag.
const UNTAGGED: &str = "untagged";

/// Sets the features of each API whose flag in `per_tag` is set (in the order of `apis`);
/// `specs` names their documents. A document that tags no operation is an error: it has
/// nothing to split by, and is filtered by path instead.
pub fn assign(apis: &mut [Api], per_tag: &[bool], specs: &[&Path]) -> Result<(), Vec<Diagnostic>> {
    let prefixed = apis.len() > 1;
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    let mut errors = Vec::new();
    for ((api, _), spec) in apis
        .iter_mut()
        .zip(per_tag)
        .filter(|(_, on)| **on)
        .zip(specs)
    {
        let prefix = if prefixed {
            format!("{}-", sanitize(&api.module))
        } else {
            String::new()
        };
        match gates(api, &prefix, &mut taken) {
            Some(gates) => api.features = Some(gates),
            None => errors.push(Diagnostic::error(
                spec,
                "",
                "features per tag: the document tags no operation, so there is no feature to \
                 make; generate the operations you need with `--only path:GLOB` (or \
                 `only = [\"path:GLOB\"]` in the configuration) instead",
            )),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The features of one API, or `None` when it has no tag.
fn gates(api: &Api, prefix: &str, taken: &mut BTreeSet<String>) -> Option<FeatureGates> {
    let tags = tags(api);
    if tags.is_empty() {
        return None;
    }
    // Taken before the tags, so that a tag named `untagged` never gets it.
    let untagged_name = format!("{prefix}{UNTAGGED}");
    taken.insert(untagged_name.clone());
    let mut features: Vec<Feature> = Vec::new();
    let mut by_tag: BTreeMap<&str, String> = BTreeMap::new();
    for tag in &tags {
        let name = unique(&format!("{prefix}{}", sanitize(tag)), taken);
        by_tag.insert(tag, name.clone());
        features.push(Feature {
            name,
            tag: Some(tag.clone()),
            operations: api
                .operations
                .iter()
                .filter(|o| o.tags.contains(tag))
                .count(),
        });
    }
    features.sort_by(|a, b| a.name.cmp(&b.name));
    let untagged = api.operations.iter().filter(|o| o.tags.is_empty()).count();
    if untagged > 0 {
        features.push(Feature {
            name: untagged_name.clone(),
            tag: None,
            operations: untagged,
        });
    }
    let mut operations = BTreeMap::new();
    for op in &api.operations {
        let enabling: Vec<String> = if op.tags.is_empty() {
            vec![untagged_name.clone()]
        } else {
            op.tags
                .iter()
                .filter_map(|t| by_tag.get(t.as_str()).cloned())
                .collect()
        };
        operations.insert(op.method_name.clone(), enabling);
    }
    let mut types: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for feature in &features {
        let ops = api.operations.iter().filter(|op| {
            operations
                .get(&op.method_name)
                .is_some_and(|f| f.contains(&feature.name))
        });
        for name in reachable_types(&api.types, ops) {
            types.entry(name).or_default().push(feature.name.clone());
        }
    }
    Some(FeatureGates {
        features,
        operations,
        types,
    })
}

/// A tag as a feature name: lowercase ASCII letters and digits, runs of anything else as one
/// `-`; `tag-…` when that leaves nothing or starts with a digit.
pub fn sanitize(tag: &str) -> String {
    let mut name = String::with_capacity(tag.len());
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("tag-{name}").trim_end_matches('-').to_string()
    } else {
        name.to_string()
    }
}

/// `wanted`, or `wanted-2`, `wanted-3`… when it is taken; the result is taken from then on.
fn unique(wanted: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = wanted.to_string();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{wanted}-{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_kebab_case_ascii_names() {
        assert_eq!(sanitize("issues"), "issues");
        assert_eq!(sanitize("Code Scanning"), "code-scanning");
        assert_eq!(sanitize("pets & stores!"), "pets-stores");
        assert_eq!(sanitize("OAuth_Authorizations"), "oauth-authorizations");
        assert_eq!(sanitize("2fa"), "tag-2fa");
        assert_eq!(sanitize("Ünïcode"), "n-code");
        assert_eq!(sanitize("¿?"), "tag");
    }

    #[test]
    fn taken_names_get_a_number() {
        let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
        assert_eq!(unique("full", &mut taken), "full-2");
        assert_eq!(unique("users", &mut taken), "users");
        assert_eq!(unique("users", &mut taken), "users-2");
        assert_eq!(unique("users", &mut taken), "users-3");
        assert_eq!(unique("untagged", &mut taken), "untagged-2");
    }
}
