//! JSON Schema 2020-12 `$dynamicRef`/`$dynamicAnchor` (3.1): generic schemas. A template
//! (`PaginatedTemplate`, with `items: {$dynamicRef: '#itemType'}`) is bound where a schema
//! refers to it and defines the anchor in its `$defs` (`itemType: {$dynamicAnchor: itemType,
//! $ref: User}`). 3.0 has no such thing, so each binding becomes a copy of the template with
//! the bound schema in place of the reference: `items` of `User`. A reference no binding
//! reaches is the one schema that declares the anchor (the template itself, by default), else
//! any value with a note.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::Note;
use crate::grammar::{self, Dialect, Kind};

/// Templates bound inside templates are bound again, this many levels deep at most.
const MAX_BINDING_ROUNDS: usize = 8;

/// Binds every template a schema binds, then resolves the dynamic references left.
pub(super) fn bind_dynamic_refs(
    document: &mut Value,
    ids: &HashMap<String, String>,
    notes: &mut Vec<Note>,
) {
    for _ in 0..MAX_BINDING_ROUNDS {
        let found = scan(document);
        if found.dynamic_refs.is_empty() {
            return;
        }
        if found.binding_sites.is_empty() {
            break;
        }
        // Deepest first: a site inside another is bound before the outer one copies it.
        for site in found.binding_sites.iter().rev() {
            bind(document, site, ids);
        }
    }
    let found = scan(document);
    for pointer in found.dynamic_refs {
        let Some(Value::Object(node)) = document.pointer_mut(&pointer) else {
            continue;
        };
        let reference = node
            .remove("$dynamicRef")
            .and_then(|r| r.as_str().map(str::to_string))
            .unwrap_or_default();
        let anchor = anchor_of(&reference);
        match found.anchors.get(anchor).map(Vec::as_slice) {
            Some([only]) => {
                node.insert("$ref".into(), json!(format!("#{only}")));
            }
            declared => {
                let why = if declared.is_some() {
                    "several schemas declare the anchor and no binding says which"
                } else {
                    "no schema declares the anchor"
                };
                notes.push(Note {
                    pointer: format!("{pointer}/$dynamicRef"),
                    message: format!(
                        "`$dynamicRef: {reference}` cannot be resolved ({why}); the value is any JSON value"
                    ),
                });
            }
        }
    }
}

/// What a document holds of dynamic references, by pointer, in walk order (parents first).
#[derive(Default)]
struct Found {
    anchors: HashMap<String, Vec<String>>,
    dynamic_refs: Vec<String>,
    /// Schemas with a `$ref` and `$defs` that declare a dynamic anchor: a template bound.
    binding_sites: Vec<String>,
}

fn scan(document: &Value) -> Found {
    let mut found = Found::default();
    grammar::walk_document(document, Dialect::OpenApi31, &mut |node, kind, pointer| {
        let (Kind::Schema, Some(map)) = (kind, node.as_object()) else {
            return;
        };
        if let Some(anchor) = map.get("$dynamicAnchor").and_then(Value::as_str) {
            found
                .anchors
                .entry(anchor.to_string())
                .or_default()
                .push(pointer.to_string());
        }
        if map.contains_key("$dynamicRef") {
            found.dynamic_refs.push(pointer.to_string());
        }
        if map.contains_key("$ref") && !bindings(map).is_empty() {
            found.binding_sites.push(pointer.to_string());
        }
    });
    found
}

/// The anchors a schema's `$defs` bind, with the schema each is bound to.
fn bindings(schema: &Map<String, Value>) -> HashMap<String, Value> {
    let defs = schema.get("$defs").and_then(Value::as_object);
    defs.into_iter()
        .flatten()
        .filter_map(|(_, def)| {
            let anchor = def.get("$dynamicAnchor")?.as_str()?.to_string();
            let mut bound = def.as_object()?.clone();
            bound.remove("$dynamicAnchor");
            Some((anchor, Value::Object(bound)))
        })
        .collect()
}

/// The anchor a dynamic reference names: the fragment of `#itemType` or of a full URI.
fn anchor_of(reference: &str) -> &str {
    reference.rsplit_once('#').map_or(reference, |(_, a)| a)
}

/// Replaces the binding site at `site` by a copy of its template, bound.
fn bind(document: &mut Value, site: &str, ids: &HashMap<String, String>) {
    let Some(Value::Object(node)) = document.pointer(site).cloned() else {
        return;
    };
    let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
        return;
    };
    let target = match reference.strip_prefix('#') {
        Some(pointer) => Some(pointer.to_string()),
        None => ids.get(reference).cloned(),
    };
    let Some(mut copy) = target.and_then(|t| document.pointer(&t).cloned()) else {
        return;
    };
    let bound = bindings(&node);
    grammar::walk_mut(
        &mut copy,
        Kind::Schema,
        Dialect::OpenApi31,
        "",
        &mut |child, kind, _| {
            let Some(anchor) = child
                .get("$dynamicRef")
                .and_then(Value::as_str)
                .map(anchor_of)
            else {
                return;
            };
            if let (Kind::Schema, Some(schema)) = (kind, bound.get(anchor)) {
                *child = schema.clone();
            }
        },
    );
    let Value::Object(mut copy) = copy else {
        return;
    };
    // The copy is a schema of its own: neither the template's resource nor its anchor.
    copy.remove("$id");
    copy.remove("$dynamicAnchor");
    for (key, value) in node {
        match key.as_str() {
            "$ref" => {}
            "$defs" => {
                let kept: Map<String, Value> = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(_, def)| def.get("$dynamicAnchor").is_none())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if !kept.is_empty() {
                    copy.insert(key, Value::Object(kept));
                }
            }
            _ => {
                copy.insert(key, value);
            }
        }
    }
    if let Some(slot) = document.pointer_mut(site) {
        *slot = Value::Object(copy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_template_is_copied_with_the_bound_schema_and_the_rest_resolve_to_the_anchor() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "User": {"type": "object"},
            "Page": {"$dynamicAnchor": "item", "type": "object",
                "properties": {"items": {"type": "array", "items": {"$dynamicRef": "#item"}}}},
            "Users": {"description": "users",
                "$defs": {"item": {"$dynamicAnchor": "item", "$ref": "#/components/schemas/User"}},
                "$ref": "#/components/schemas/Page"},
            "Lost": {"$dynamicRef": "#nowhere"}}}});
        let mut notes = Vec::new();
        bind_dynamic_refs(&mut doc, &HashMap::new(), &mut notes);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Users"]["properties"]["items"]["items"],
            json!({"$ref": "#/components/schemas/User"})
        );
        assert_eq!(schemas["Users"]["description"], "users");
        assert!(schemas["Users"].get("$ref").is_none() && schemas["Users"].get("$defs").is_none());
        // The template alone refers to itself, as its own anchor says.
        assert_eq!(
            schemas["Page"]["properties"]["items"]["items"],
            json!({"$ref": "#/components/schemas/Page"})
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].pointer, "/components/schemas/Lost/$dynamicRef");
    }
}
