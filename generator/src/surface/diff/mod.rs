//! The structural diff of two surfaces: every [`Change`] from the old one to the new one.
//!
//! Operations are matched by client method name, parameters by location and wire name,
//! responses by status, types by name, fields by JSON name, enum members by value and union
//! variants by name. Whether a change breaks callers is the [`ChangeKind`]'s to say.

mod operations;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use super::change::{Change, ChangeKind, Usage};
use super::model::{Shape, Surface, Type};

/// The changes from `old` to `new`, breaking ones first, each group in surface order.
///
/// Rules for types depend on where they are used ([`Usage`]): a type reachable from parameters
/// or request bodies (in either version) is a request type, one reachable from responses a
/// response type; both rules apply to types that are both, and to types reachable from neither.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Changes(Vec::new());
    operations::diff_operations(old, new, &mut changes);
    types::diff_types(old, new, &mut changes);
    let mut all = changes.0;
    all.sort_by_key(Change::impact);
    all
}

/// The changes found so far, in surface order.
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, kind: ChangeKind, description: String) {
        self.0.push(Change { kind, description });
    }

    /// `<what> is now <new> (was <old>)` when the two Rust types differ.
    fn retyped(&mut self, kind: ChangeKind, what: &str, old: &str, new: &str) {
        if old != new {
            self.push(kind, format!("{what} is now {new} (was {old})"));
        }
    }

    /// An input that became required or optional; returns whether it did.
    fn requirement(&mut self, rule: &Requirement, what: &str, old: bool, new: bool) -> bool {
        match (old, new) {
            (false, true) => self.push(
                rule.made_required,
                format!("{what} is now required (was optional)"),
            ),
            (true, false) => self.push(
                rule.made_optional,
                format!(
                    "{what} is now optional (was required; {})",
                    rule.consequence
                ),
            ),
            _ => return false,
        }
        true
    }
}

/// The kinds for an item made required or optional, and what the latter does to callers' code.
struct Requirement {
    made_required: ChangeKind,
    made_optional: ChangeKind,
    consequence: &'static str,
}

/// One item matched across the two versions.
enum Pair<'a, T> {
    Added(&'a T),
    Removed(&'a T),
    Kept(&'a T, &'a T),
}

impl<'a, T> Pair<'a, T> {
    /// The new version of the item, or the old one when it was removed.
    fn latest(&self) -> &'a T {
        match *self {
            Pair::Added(item) | Pair::Removed(item) | Pair::Kept(_, item) => item,
        }
    }

    fn of(old: Option<&'a T>, new: Option<&'a T>) -> Option<Pair<'a, T>> {
        match (old, new) {
            (None, Some(b)) => Some(Pair::Added(b)),
            (Some(a), None) => Some(Pair::Removed(a)),
            (Some(a), Some(b)) => Some(Pair::Kept(a, b)),
            (None, None) => None,
        }
    }
}

/// The items of both versions matched by `key`, in key order, each key once.
fn pair_by_key<'a, T, K: Ord + Copy>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&'a T) -> K,
) -> Vec<Pair<'a, T>> {
    let old_by: BTreeMap<K, &T> = old.iter().map(|t| (key(t), t)).collect();
    let new_by: BTreeMap<K, &T> = new.iter().map(|t| (key(t), t)).collect();
    let keys: BTreeSet<K> = old_by.keys().chain(new_by.keys()).copied().collect();
    keys.into_iter()
        .filter_map(|k| Pair::of(old_by.get(&k).copied(), new_by.get(&k).copied()))
        .collect()
}

/// The items of both versions matched by `key`: the old ones in their order, then the new ones
/// in theirs.
fn pair_in_order<'a, T, K: Ord + Copy>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&'a T) -> K,
) -> Vec<Pair<'a, T>> {
    let old_keys: BTreeSet<K> = old.iter().map(&key).collect();
    let new_by: BTreeMap<K, &T> = new.iter().map(|t| (key(t), t)).collect();
    let kept_or_removed = old
        .iter()
        .filter_map(|a| Pair::of(Some(a), new_by.get(&key(a)).copied()));
    let added = new
        .iter()
        .filter(|b| !old_keys.contains(&key(b)))
        .map(Pair::Added);
    kept_or_removed.chain(added).collect()
}

/// The type names a Rust type text mentions.
fn mentions<'a>(ty: &'a str, names: &'a BTreeSet<&str>) -> impl Iterator<Item = &'a str> + 'a {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(move |word| names.contains(word))
}

/// The types requests reach and the types responses reach.
fn reach(surface: &Surface) -> (BTreeSet<String>, BTreeSet<String>) {
    let names: BTreeSet<&str> = surface.types.iter().map(|t| t.name.as_str()).collect();
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for op in &surface.operations {
        for p in &op.params {
            request_roots.extend(mentions(&p.ty, &names));
        }
        if let Some(b) = &op.body {
            request_roots.extend(mentions(&b.ty, &names));
        }
        for r in &op.responses {
            response_roots.extend(mentions(&r.ty, &names));
        }
    }
    (
        closure(surface, &names, request_roots),
        closure(surface, &names, response_roots),
    )
}

/// The types reachable from `roots` through fields, variants and alias targets.
fn closure(surface: &Surface, names: &BTreeSet<&str>, roots: Vec<&str>) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &Type> =
        surface.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if !seen.insert(name.to_string()) {
            continue;
        }
        let Some(t) = by_name.get(name) else {
            continue;
        };
        match &t.shape {
            Shape::Struct { fields, additional } => {
                for f in fields {
                    stack.extend(mentions(&f.ty, names));
                }
                if let Some(extra) = additional {
                    stack.extend(mentions(extra, names));
                }
            }
            Shape::Union { variants, .. } => {
                for v in variants {
                    stack.extend(mentions(&v.ty, names));
                }
            }
            Shape::Alias(ty) => stack.extend(mentions(ty, names)),
            Shape::Enum { .. } => {}
        }
    }
    seen
}

/// The usage of each type of either version, from what reaches it in both.
fn usages<'a>(old: &'a Surface, new: &'a Surface) -> BTreeMap<&'a str, Usage> {
    let (old_request, old_response) = reach(old);
    let (new_request, new_response) = reach(new);
    old.types
        .iter()
        .chain(&new.types)
        .map(|t| {
            let name = t.name.as_str();
            let request = old_request.contains(name) || new_request.contains(name);
            let response = old_response.contains(name) || new_response.contains(name);
            (name, Usage::from_reach(request, response))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn same_document_has_no_changes() {
        assert!(changes(&base(), &base()).is_empty());
    }

    #[test]
    fn types_used_both_ways_get_both_rules() {
        // `Pet` as the request body too: making a field required is now breaking.
        let both = |s: String| pets("", &BODY.replace("schemas/NewPet", "schemas/Pet"), &s);
        let d = one(
            &both(schemas("name", "", "name", "")),
            &both(schemas("name, tag", "", "name", "")),
            ChangeKind::FieldMadeRequired,
            Impact::Breaking,
        );
        assert!(d.contains("(request and response type)"), "{d}");
        // Reachability goes through fields, arrays and nesting.
        let nested = "        owner: {$ref: '#/components/schemas/Owner'}\n";
        let owner = |required: &str| {
            format!(
                "    Owner:\n      type: object\n      required: [{required}]\n      properties:\n        id: {{type: string}}\n"
            )
        };
        assert_eq!(
            one(
                &with(schemas("name", nested, "name", "") + &owner("")),
                &with(schemas("name", nested, "name", "") + &owner("id")),
                ChangeKind::FieldMadeRequired,
                Impact::Breaking
            ),
            "field `id` of `Owner` (response type) is now required (was optional)"
        );
    }

    #[test]
    fn the_repository_specs_have_no_changes_against_themselves() {
        for (file, module) in REPOSITORY_SPECS {
            let document = crate::stages::load_file(&repository_root().join(file), false).unwrap();
            let normalized =
                crate::stages::normalize(&document, module, &Default::default()).unwrap();
            let s = Surface::from_api(&normalized.api);
            assert!(diff(&s, &s).is_empty(), "{file}");
        }
    }
}
