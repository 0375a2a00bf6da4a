//! Operations no request can tell apart, verified one at a time.
//!
//! Two operations with the same method on paths that differ only by a fragment (`/items` and
//! `/items#app`: a fragment is never sent), by a query string written into the key (`/key` and
//! `/key?list`: Prism routes by the path alone) or only by the names of their templated
//! segments (`/{aws_mount}/config` and `/{gcp_mount}/config`, which OpenAPI forbids) look the
//! same to Prism, which checks such a request against whichever of them it matches first. A
//! call to one of them that failed is made again against a Prism serving a copy of the document
//! with only the operations of its round, at most one of each group of twins, so that its
//! request and answer are checked against its own operation.

use std::collections::BTreeMap;

use generator::ir::{Api, Operation};

use super::document_facts::{routed_path, unnamed_template};
use super::serve::record_key;

/// An operation that has twins.
#[derive(Debug, Clone, PartialEq)]
pub struct Twin {
    /// Its report key, `module::operation`.
    pub key: String,
    pub module: String,
    /// The path as `paths` writes it.
    pub path: String,
    /// The method in lowercase, as a Path Item writes it.
    pub method: String,
}

/// The operations that have twins, in rounds: round `i` holds the `i`-th operation of every
/// group of twins, so no round holds two operations a request cannot tell apart.
pub fn rounds<'a>(
    operations: impl IntoIterator<Item = (&'a Api, &'a Operation)>,
) -> Vec<Vec<Twin>> {
    let mut groups: BTreeMap<(&str, String, &str), Vec<Twin>> = BTreeMap::new();
    for (api, op) in operations {
        let raw = &op.path.raw;
        let wire = unnamed_template(routed_path(raw));
        groups
            .entry((&api.module, wire, op.method.as_str()))
            .or_default()
            .push(Twin {
                key: record_key(api, op),
                module: api.module.clone(),
                path: raw.clone(),
                method: op.method.as_str().to_ascii_lowercase(),
            });
    }
    let mut rounds: Vec<Vec<Twin>> = Vec::new();
    for twins in groups.into_values().filter(|twins| twins.len() > 1) {
        if rounds.len() < twins.len() {
            rounds.resize_with(twins.len(), Vec::new);
        }
        for (round, twin) in rounds.iter_mut().zip(twins) {
            round.push(twin);
        }
    }
    rounds
}
