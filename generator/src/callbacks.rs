//! Callbacks as the `openapiv3` model can read them. OpenAPI lets an operation's callback be a
//! Reference Object, and any Callback Object hold specification extensions (`x-…`); the model
//! has room for neither (a callback is a map of expressions to path items, and an extension
//! would be read as a path item). A client never calls its callbacks, but they are read, and
//! checked, like the rest of the document: so a referenced callback is read as a copy of its
//! target, in place, and extensions are set aside.

use serde_json::Value;

use crate::diagnostics::unescape_pointer_token;
use crate::grammar::{self, Dialect, Kind};

/// Callbacks nested deeper than this (a callback whose path item's operation has a callback
/// that refers back to it) are read as empty: a copy would hold itself. Real documents nest one
/// level; the model's reader needs stack for every level.
const MAX_NESTING: usize = 3;

/// Rewrites the callbacks of `doc` (in the OpenAPI 3.0 shape) for the model; returns where a
/// copy stands for its target, `(copy, target)`, for diagnostics.
pub(crate) fn fit_for_model(doc: &mut Value) -> Vec<(String, String)> {
    let original = doc.clone();
    let mut moved = Vec::new();
    grammar::walk_document_mut(doc, Dialect::OpenApi30, &mut |node, kind, pointer| {
        if kind != Kind::Callback {
            return;
        }
        // The components' own map is the one place the model takes a reference.
        let in_operation =
            !(pointer.starts_with("/components/callbacks/") && pointer.matches('/').count() == 3);
        if in_operation && let Some(target) = grammar::reference(node).map(str::to_string) {
            let nested = pointer.matches("/callbacks/").count()
                - usize::from(pointer.starts_with("/components/callbacks/"));
            match resolve(&original, &target) {
                Some(found) if nested <= MAX_NESTING => {
                    *node = found.clone();
                    if let Some(at) = target.strip_prefix('#') {
                        moved.push((pointer.to_string(), at.to_string()));
                    }
                }
                Some(_) => *node = Value::Object(Default::default()),
                // A reference to nothing was reported when references were resolved.
                None => return,
            }
        }
        if let Value::Object(map) = node {
            map.retain(|key, _| !key.starts_with("x-"));
        }
    });
    moved
}

/// The callback a local reference names, following references between callbacks.
fn resolve<'d>(doc: &'d Value, reference: &str) -> Option<&'d Value> {
    let mut target = reference;
    for _ in 0..MAX_NESTING {
        let pointer = target.strip_prefix('#')?;
        let found = pointer
            .split('/')
            .skip(1)
            .try_fold(doc, |node, token| match node {
                Value::Object(map) => map.get(&unescape_pointer_token(token)),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })?;
        match grammar::reference(found) {
            Some(next) => target = next,
            None => return Some(found),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_referenced_callback_is_read_as_its_target_and_extensions_are_set_aside() {
        let path_item = json!({"post": {"responses": {"200": {"description": "ok"}}}});
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/s": {"post": {
                "callbacks": {
                    "byRef": {"$ref": "#/components/callbacks/Alias"},
                    "inline": {"x-note": "hi", "{$request.query.url}": path_item}
                },
                "responses": {}
            }}},
            "components": {"callbacks": {
                "Alias": {"$ref": "#/components/callbacks/Event"},
                "Event": {"x-break-everything": "please", "{$request.query.url}": path_item}
            }}
        });
        let moved = fit_for_model(&mut doc);
        let callbacks = &doc["paths"]["/s"]["post"]["callbacks"];
        assert_eq!(
            callbacks["byRef"],
            json!({"{$request.query.url}": path_item})
        );
        assert_eq!(
            callbacks["inline"],
            json!({"{$request.query.url}": path_item})
        );
        // In the components a reference is the model's own; extensions still go.
        let components = &doc["components"]["callbacks"];
        assert_eq!(
            components["Alias"],
            json!({"$ref": "#/components/callbacks/Event"})
        );
        assert_eq!(
            components["Event"],
            json!({"{$request.query.url}": path_item})
        );
        assert_eq!(
            moved,
            [(
                "/paths/~1s/post/callbacks/byRef".to_string(),
                "/components/callbacks/Alias".to_string()
            )]
        );
        let read: Result<openapiv3::OpenAPI, _> = serde_json::from_value(doc);
        assert!(read.is_ok(), "{read:?}");
    }

    #[test]
    fn a_callback_that_holds_itself_ends() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"callbacks": {"Loop": {"/again": {"post": {
                "callbacks": {"again": {"$ref": "#/components/callbacks/Loop"}},
                "responses": {}
            }}}}}
        });
        fit_for_model(&mut doc);
        let depth = doc.to_string().matches("\"again\"").count();
        assert_eq!(depth, MAX_NESTING + 1);
        let read: Result<openapiv3::OpenAPI, _> = serde_json::from_value(doc);
        assert!(read.is_ok(), "{read:?}");
    }
}
