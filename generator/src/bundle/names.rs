//! Names of the components that parts of other files become: readable (the key a fragment names,
//! or the file's stem, never a path), stable (one target, one name) and distinct (a clash is
//! settled by the folder or file name, then by a number, in the order targets are met).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::files::pointer_tokens;

/// Keywords whose value is a map from names to things: the token after one is a name.
const NAMED_MAPS: &[&str] = &[
    "schemas",
    "definitions",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "securitySchemes",
    "securityDefinitions",
    "pathItems",
    "$defs",
    "properties",
    "patternProperties",
    "dependentSchemas",
];

/// Schema keywords that, first in a pointer, are the structure of a file that is one schema.
const SCHEMA_STRUCTURE: &[&str] = &[
    "allOf",
    "anyOf",
    "oneOf",
    "items",
    "prefixItems",
    "properties",
    "additionalProperties",
    "not",
];

/// The names taken in each section (`components/schemas`, `definitions`, …), compared the way
/// the Rust names made from them would be (case and punctuation ignored).
#[derive(Debug, Default)]
pub(super) struct Names {
    taken: HashMap<String, HashSet<String>>,
}

impl Names {
    /// Marks a name the root document already uses.
    pub(super) fn reserve(&mut self, section: &str, name: &str) {
        self.taken
            .entry(section.to_string())
            .or_default()
            .insert(fold(name));
    }

    /// A free name in `section` for the target at `pointer` in the file at `path`.
    pub(super) fn assign(&mut self, section: &str, path: &Path, pointer: &str) -> String {
        let (base, qualifier) = base_name(path, pointer);
        let taken = self.taken.entry(section.to_string()).or_default();
        let qualified = qualifier
            .filter(|q| fold(q) != fold(&base) && !fold(q).is_empty())
            .map(|q| format!("{q}-{base}"));
        let numbered = (2..).map(|n| format!("{base}-{n}"));
        let name = [base.clone()]
            .into_iter()
            .chain(qualified)
            .chain(numbered)
            .find(|candidate| !taken.contains(&fold(candidate)))
            .unwrap_or(base);
        taken.insert(fold(&name));
        name
    }
}

/// How two names compare once cased for Rust: letters and digits, lower case.
fn fold(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The name a target would like, and what to put before it on a clash: the key the fragment
/// names (`#/components/schemas/User` → `User`, qualified by the file's stem), or the file's
/// stem for a whole file (`models/user.yml` → `user`, qualified by its folder).
pub(super) fn base_name(path: &Path, pointer: &str) -> (String, Option<String>) {
    let stem = path
        .file_stem()
        .map(|s| sanitize(&s.to_string_lossy()))
        .unwrap_or_default();
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|f| sanitize(&f.to_string_lossy()));
    let tokens = pointer_tokens(pointer);
    let named = (0..tokens.len()).rev().find(|&i| {
        let after_map = match i {
            0 => !SCHEMA_STRUCTURE.contains(&tokens[0].as_str()),
            _ => NAMED_MAPS.contains(&tokens[i - 1].as_str()),
        };
        let digits = tokens[i].chars().all(|c| c.is_ascii_digit());
        after_map && !digits
    });
    let stem = if stem.is_empty() {
        "document".to_string()
    } else {
        stem
    };
    match named {
        Some(i) => (sanitize(&tokens[i..].join("-")), Some(stem)),
        None if tokens.is_empty() => (stem, folder),
        None => (format!("{stem}-{}", sanitize(&tokens.join("-"))), folder),
    }
}

/// Letters, digits, `_`, `-` and `.` kept; anything else (a `/` above all) becomes `-`.
fn sanitize(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('-');
    if trimmed.is_empty() {
        "type".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(path: &str, pointer: &str) -> String {
        base_name(Path::new(path), pointer).0
    }

    #[test]
    fn names_come_from_the_key_or_the_stem() {
        assert_eq!(base("common.yaml", "/components/schemas/User"), "User");
        assert_eq!(base("defs/shared.json", "/definitions/Pet"), "Pet");
        assert_eq!(base("../common/errors.yaml", "/Error"), "Error");
        assert_eq!(base("resources/users/models/user.yml", ""), "user");
        assert_eq!(base("error-response.yaml", ""), "error-response");
        assert_eq!(
            base("a.yaml", "/components/schemas/Tag/allOf/0"),
            "Tag-allOf-0"
        );
        assert_eq!(
            base("a.yaml", "/components/schemas/User/properties/home address"),
            "home-address"
        );
        // A name is never a path.
        assert_eq!(base("a.yaml", "/components/schemas/a~1b"), "a-b");
        assert_eq!(base("list.yaml", "/allOf/0"), "list-allOf-0");
        assert_eq!(base("items.yaml", "/0"), "items-0");
    }

    #[test]
    fn clashes_take_the_folder_or_the_file_then_a_number() {
        let mut names = Names::default();
        names.reserve("schemas", "User");
        let section = "schemas";
        // The root's `User` is taken, whatever the case.
        assert_eq!(
            names.assign(section, Path::new("models/user.yml"), ""),
            "models-user"
        );
        assert_eq!(
            names.assign(section, Path::new("admin/models/user.yml"), ""),
            "user-2"
        );
        assert_eq!(
            names.assign(
                section,
                Path::new("common.yaml"),
                "/components/schemas/User"
            ),
            "common-User"
        );
        assert_eq!(
            names.assign(section, Path::new("other.yaml"), "/components/schemas/User"),
            "other-User"
        );
        // `User-2` cases like the taken `user-2`.
        assert_eq!(
            names.assign(
                section,
                Path::new("x/other.yaml"),
                "/components/schemas/User"
            ),
            "User-3"
        );
        // Sections are separate.
        assert_eq!(
            names.assign("parameters", Path::new("common.yaml"), "/User"),
            "User"
        );
        // Names that case the same way clash.
        assert_eq!(
            names.assign(section, Path::new("user_models.yaml"), ""),
            "user_models"
        );
        assert_eq!(
            names.assign(section, Path::new("x/user-models.yaml"), ""),
            "x-user-models"
        );
    }
}
