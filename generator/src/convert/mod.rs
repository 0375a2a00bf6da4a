//! Input versions: Swagger 2.0 and OpenAPI 3.1 documents are converted to the OpenAPI 3.0 shape
//! before they are read as `openapiv3` types, so everything after loading is version-neutral.
//!
//! Converters work on the JSON tree and record, for every node they move, where it came from
//! (a [`PointerMap`]), so diagnostics still point into the original document.

mod common;
mod dynamic;
mod openapi31;
mod openapi32;
mod swagger2;

use serde_json::Value;

pub(crate) use common::{
    lower_exclusive_bounds, lower_pattern_properties, lower_type_list, pattern_properties_note,
};
pub use common::{lower_json_schema_forms, spell_out_encoding_explode, wide_integers};
pub(crate) use openapi31::TUPLE_ELEMENTS;
pub use openapi31::from_openapi31;
pub use openapi32::from_openapi32;

/// References are written in the original document's places; where the conversion moved the
/// place one names (a 2.0 response's `schema` is now under `content`, a 3.1 tuple's elements
/// under `items`), the reference is pointed at the new place. References that still land keep
/// their text.
pub fn rebase_references(doc: &mut Value, pointers: &PointerMap) {
    use crate::grammar::{self, Dialect};
    let moved: std::collections::HashMap<String, String> =
        grammar::references(doc, Dialect::OpenApi30)
            .into_iter()
            .filter_map(|(_, _, reference)| {
                let pointer = reference.strip_prefix('#')?;
                if !pointer.starts_with('/') || doc.pointer(pointer).is_some() {
                    return None;
                }
                let new = pointers.converted(pointer)?;
                doc.pointer(&new)?;
                Some((reference, format!("#{new}")))
            })
            .collect();
    if moved.is_empty() {
        return;
    }
    grammar::rewrite_references(doc, Dialect::OpenApi30, &mut |r, _| moved.get(r).cloned());
}
pub use swagger2::from_swagger2;

/// A note about something the conversion dropped or approximated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Pointer into the original document.
    pub pointer: String,
    pub message: String,
}

/// Where converted nodes came from: `(new prefix, original prefix)` pairs; the longest
/// matching prefix wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointerMap {
    entries: Vec<(String, String)>,
}

impl PointerMap {
    pub fn add(&mut self, new: impl Into<String>, original: impl Into<String>) {
        self.entries.push((new.into(), original.into()));
    }

    /// The map of two conversions made one after the other: `self` from the original to a
    /// middle document, then `next` from the middle one to the last.
    pub fn then(&self, next: &PointerMap) -> PointerMap {
        let mut out = self.clone();
        for (new, middle) in &next.entries {
            out.add(new.clone(), self.original(middle));
        }
        out
    }

    /// Where a pointer of the original document stands in the converted one, if a conversion
    /// moved it: the entry whose original prefix is the longest, the most specific of those
    /// (a 2.0 response `schema` is each media type's `schema`, and the first one is taken).
    pub fn converted(&self, original: &str) -> Option<String> {
        let (new, prefix) = self
            .entries
            .iter()
            .filter(|(_, old)| {
                original == old
                    || (original.starts_with(old.as_str())
                        && original[old.len()..].starts_with('/'))
            })
            .max_by_key(|(new, old)| (old.len(), new.len()))?;
        Some(format!("{new}{}", &original[prefix.len()..]))
    }

    /// The original pointer of a pointer into the converted document.
    pub fn original(&self, pointer: &str) -> String {
        let best = self
            .entries
            .iter()
            .filter(|(new, _)| {
                pointer == new
                    || (pointer.starts_with(new.as_str()) && pointer[new.len()..].starts_with('/'))
            })
            .max_by_key(|(new, _)| new.len());
        match best {
            Some((new, original)) => format!("{original}{}", &pointer[new.len()..]),
            None => pointer.to_string(),
        }
    }

    /// `text` with each JSON pointer in it that is written as a reference
    /// (`#/components/schemas/Pet`) mapped back to the original document (`#/definitions/Pet`):
    /// messages quote references as the converted document spells them.
    pub fn original_in_text(&self, text: &str) -> String {
        if self.entries.is_empty() || !text.contains("#/") {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("#/") {
            out.push_str(&rest[..=at]);
            let pointer = &rest[at + 1..];
            let end = pointer
                .find(|c: char| c.is_whitespace() || matches!(c, '`' | '\'' | '"' | ','))
                .unwrap_or(pointer.len());
            out.push_str(&self.original(&pointer[..end]));
            rest = &pointer[end..];
        }
        out.push_str(rest);
        out
    }
}

/// The result of a conversion.
#[derive(Debug, Clone)]
pub struct Converted {
    pub document: Value,
    pub notes: Vec<Note>,
    pub pointers: PointerMap,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_maps_back() {
        let mut map = PointerMap::default();
        map.add("/components/schemas", "/definitions");
        map.add("/paths/~1a/get/requestBody", "/paths/~1a/get/parameters/0");
        assert_eq!(
            map.original("/components/schemas/Pet/properties/id"),
            "/definitions/Pet/properties/id"
        );
        assert_eq!(
            map.original("/paths/~1a/get/requestBody/content"),
            "/paths/~1a/get/parameters/0/content"
        );
        assert_eq!(map.original("/components/schemasX"), "/components/schemasX");
        assert_eq!(map.original("/info"), "/info");
    }

    #[test]
    fn references_quoted_in_messages_map_back() {
        let mut map = PointerMap::default();
        map.add("/components/schemas", "/definitions");
        assert_eq!(
            map.original_in_text(
                "`$ref: #/components/schemas/Pet` points at nothing: there is no `Pet` in #/components/schemas"
            ),
            "`$ref: #/definitions/Pet` points at nothing: there is no `Pet` in #/definitions"
        );
        assert_eq!(
            map.original_in_text("did you mean `#/components/schemas/Pets`?"),
            "did you mean `#/definitions/Pets`?"
        );
        assert_eq!(
            map.original_in_text("no pointer # here"),
            "no pointer # here"
        );
    }
}
