//! OpenAPI 3.2 → OpenAPI 3.1: what 3.2 adds, in the forms 3.1 has or the generator's own; the
//! 3.1 conversion then takes the document the rest of the way.
//!
//! - `query` and `additionalOperations` → the path item's
//!   [`ADDITIONAL_OPERATIONS`](crate::grammar::ADDITIONAL_OPERATIONS), keyed by the method as
//!   sent (`QUERY`, `COPY`): 3.0 has no field for them, and every later stage walks them there
//! - a media type given as a `$ref` to `components.mediaTypes` → that media type, in place
//! - `itemSchema` of a sequential JSON media type (JSON Lines, NDJSON, `json-seq`) without a
//!   `schema` → the `schema` of an array of those items, the registry's model of the whole
//!   sequence; of server-sent events → the `schema` of each event's data (its `contentSchema`,
//!   or text), which the client decodes event by event; of another media type → the body is
//!   read whole, with a note; `itemEncoding` and `prefixEncoding` are dropped
//! - `in: querystring` in `application/x-www-form-urlencoded` → a `form` query parameter,
//!   exploded, of that schema (the same query string); in other media types it is left out
//!   with a note
//! - `style: cookie` → `form`, the style 3.1 writes cookies in
//! - a response without `description` (optional since 3.2) → its `summary`, else empty
//! - an example's `dataValue` → `value`; `serializedValue` is dropped
//! - a discriminator's `defaultMapping` and the document's `$self` → dropped with a note

use serde_json::{Map, Value, json};

use super::{Converted, Note, PointerMap, from_openapi31};
use crate::diagnostics::{escape_pointer_token, unescape_pointer_token};
use crate::grammar::{self, ADDITIONAL_OPERATIONS, Dialect, Kind};
use crate::ir::MediaKind;
use crate::normalize::media::classify;

/// References to reusable media types, followed this many times at most (a cycle stops there).
const MAX_MEDIA_TYPE_HOPS: usize = 8;

pub fn from_openapi32(doc: &Value) -> Converted {
    let mut document = doc.clone();
    let mut notes = Vec::new();
    let mut pointers = PointerMap::default();
    if let Some(root) = document.as_object_mut() {
        root.insert("openapi".into(), json!("3.1.1"));
        if root.remove("$self").is_some() {
            notes.push(Note {
                pointer: "/$self".into(),
                message: "`$self` is not used: references are read relative to the document's file"
                    .into(),
            });
        }
    }
    let mut left_out = Vec::new();
    grammar::walk_document_mut(
        &mut document,
        Dialect::OpenApi32,
        &mut |node, kind, pointer| {
            if kind == Kind::MediaType {
                inline_media_type(node, doc, pointer, &mut pointers);
                if let Value::Object(map) = node {
                    json_sequence_items(map, pointer, &mut pointers);
                    if event_stream_items(map, doc, pointer, &mut pointers) == Some(false) {
                        notes.push(Note {
                            pointer: pointers.original(&format!("{pointer}/itemSchema")),
                            message: "the event schema (`itemSchema`) has no `data` property; each event's data is read as text".into(),
                        });
                    }
                }
            }
            let Value::Object(map) = node else {
                return;
            };
            let mut note = |at: String, message: String| {
                notes.push(Note {
                    pointer: pointers.original(&at),
                    message,
                })
            };
            match kind {
                Kind::PathItem => move_additional_operations(map, pointer, &mut pointers),
                Kind::MediaType => {
                    map.remove("itemEncoding");
                    map.remove("prefixEncoding");
                    if map.remove("itemSchema").is_some() && !map.contains_key("schema") {
                        note(
                        format!("{pointer}/itemSchema"),
                        "a sequence of items (`itemSchema`) is read whole, as bytes; its items are not decoded one by one".into(),
                    );
                    }
                }
                Kind::Parameter => {
                    if map.get("style").and_then(Value::as_str) == Some("cookie") {
                        map.insert("style".into(), json!("form"));
                    }
                    if map.get("in").and_then(Value::as_str) == Some("querystring")
                        && !query_string_as_form(map)
                    {
                        let media = map
                            .get("content")
                            .and_then(Value::as_object)
                            .and_then(|c| c.keys().next().cloned())
                            .unwrap_or_default();
                        note(
                            pointer.to_string(),
                            format!(
                                "a whole query string in `{media}` is not generated (only `application/x-www-form-urlencoded` is); the parameter is left out"
                            ),
                        );
                        left_out.push(pointer.to_string());
                    }
                }
                Kind::Response if !map.contains_key("description") && !map.contains_key("$ref") => {
                    let summary = map.get("summary").cloned().unwrap_or_else(|| json!(""));
                    map.insert("description".into(), summary);
                }
                Kind::Example => {
                    if let Some(data) = map.remove("dataValue") {
                        map.entry("value").or_insert(data);
                    }
                    map.remove("serializedValue");
                }
                Kind::Schema => {
                    let default = map
                        .get_mut("discriminator")
                        .and_then(Value::as_object_mut)
                        .and_then(|d| d.remove("defaultMapping"));
                    if let Some(default) = default {
                        note(
                            format!("{pointer}/discriminator/defaultMapping"),
                            format!(
                                "`defaultMapping` is not used: a value whose tag is missing or unknown is read as `Unknown`, not as {default}"
                            ),
                        );
                    }
                }
                _ => {}
            }
        },
    );
    // From the last, so removing one parameter does not move the others of its list.
    for pointer in left_out.iter().rev() {
        crate::local_refs::remove(&mut document, pointer);
    }
    if let Some(components) = document
        .get_mut("components")
        .and_then(Value::as_object_mut)
    {
        components.remove("mediaTypes");
    }
    let mut converted = from_openapi31(&document);
    // The 3.1 conversion's notes point into the document this one made.
    notes.extend(converted.notes.drain(..).map(|note| Note {
        pointer: pointers.original(&note.pointer),
        message: note.message,
    }));
    converted.notes = notes;
    converted.pointers = pointers.then(&converted.pointers);
    converted
}

/// Moves `query` and the entries of `additionalOperations` under [`ADDITIONAL_OPERATIONS`].
fn move_additional_operations(
    item: &mut Map<String, Value>,
    pointer: &str,
    pointers: &mut PointerMap,
) {
    let mut moved = Map::new();
    if let Some(query) = item.remove("query") {
        moved.insert("QUERY".into(), query);
        pointers.add(
            format!("{pointer}/{ADDITIONAL_OPERATIONS}/QUERY"),
            format!("{pointer}/query"),
        );
    }
    if let Some(Value::Object(others)) = item.remove("additionalOperations") {
        for (method, operation) in others {
            let token = escape_pointer_token(&method);
            pointers.add(
                format!("{pointer}/{ADDITIONAL_OPERATIONS}/{token}"),
                format!("{pointer}/additionalOperations/{token}"),
            );
            moved.insert(method, operation);
        }
    }
    if !moved.is_empty() {
        item.insert(ADDITIONAL_OPERATIONS.into(), Value::Object(moved));
    }
}

/// A sequential JSON media type's `itemSchema` (without a `schema`) becomes the `schema` of the
/// array of its items, the registry's model of the whole sequence.
fn json_sequence_items(
    media_type: &mut Map<String, Value>,
    pointer: &str,
    pointers: &mut PointerMap,
) {
    let name = pointer
        .rsplit('/')
        .next()
        .map(unescape_pointer_token)
        .unwrap_or_default();
    if classify(&name) != MediaKind::JsonSequence || media_type.contains_key("schema") {
        return;
    }
    let Some(items) = media_type.remove("itemSchema") else {
        return;
    };
    media_type.insert("schema".into(), json!({"type": "array", "items": items}));
    pointers.add(
        format!("{pointer}/schema/items"),
        format!("{pointer}/itemSchema"),
    );
}

/// Server-sent events' `itemSchema` (without a `schema`) describes each event (`event`,
/// `data`, `id`, `retry`); the generator's `schema` of an event stream is that of the data: the
/// `data` property's `contentSchema` (JSON data), else text. Whether the event schema has a
/// `data` property, if it was converted.
fn event_stream_items(
    media_type: &mut Map<String, Value>,
    doc: &Value,
    pointer: &str,
    pointers: &mut PointerMap,
) -> Option<bool> {
    let name = pointer
        .rsplit('/')
        .next()
        .map(unescape_pointer_token)
        .unwrap_or_default();
    if classify(&name) != MediaKind::EventStream || media_type.contains_key("schema") {
        return None;
    }
    let items = media_type.remove("itemSchema")?;
    // The event's schema may be a reference into the document.
    let (event, at) = match items
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(target) => (doc.pointer(target).unwrap_or(&items), target.to_string()),
        None => (&items, format!("{pointer}/itemSchema")),
    };
    let content = event
        .pointer("/properties/data/contentSchema")
        .filter(|_| event.pointer("/properties/data/contentMediaType").is_some());
    let schema = match content {
        Some(content) => {
            pointers.add(
                format!("{pointer}/schema"),
                format!("{at}/properties/data/contentSchema"),
            );
            content.clone()
        }
        None => json!({"type": "string"}),
    };
    let has_data = event.pointer("/properties/data").is_some();
    media_type.insert("schema".into(), schema);
    Some(has_data)
}

/// A media type given as a reference to `components.mediaTypes` becomes the media type it
/// names, whose places diagnostics then name.
fn inline_media_type(node: &mut Value, doc: &Value, pointer: &str, pointers: &mut PointerMap) {
    for _ in 0..MAX_MEDIA_TYPE_HOPS {
        let Some(target) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .filter(|t| t.starts_with("/components/mediaTypes/"))
            .map(str::to_string)
        else {
            return;
        };
        let Some(found) = doc.pointer(&target) else {
            return;
        };
        *node = found.clone();
        pointers.add(pointer.to_string(), target);
    }
}

/// A `querystring` parameter whose content is a form: the same query string as an exploded
/// `form` query parameter of that schema. Whether it was rewritten.
fn query_string_as_form(parameter: &mut Map<String, Value>) -> bool {
    let schema = parameter
        .get("content")
        .and_then(|c| c.get("application/x-www-form-urlencoded"))
        .map(|media| media.get("schema").cloned().unwrap_or_else(|| json!({})));
    let Some(schema) = schema else {
        return false;
    };
    parameter.remove("content");
    parameter.insert("in".into(), json!("query"));
    parameter.insert("style".into(), json!("form"));
    parameter.insert("explode".into(), json!(true));
    parameter.insert("schema".into(), schema);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(paths: Value, components: Value) -> Converted {
        from_openapi32(
            &json!({"openapi": "3.2.0", "info": {"title": "t", "version": "1"},
            "paths": paths, "components": components}),
        )
    }

    #[test]
    fn query_and_additional_operations_move_where_every_stage_reads_them() {
        let c = convert(
            json!({"/items": {
                "query": {"operationId": "search", "responses": {"200": {"description": "ok"}}},
                "additionalOperations": {"COPY": {"responses": {"201": {"summary": "copied"}}}}}}),
            json!({}),
        );
        let moved = &c.document["paths"]["/items"][ADDITIONAL_OPERATIONS];
        assert_eq!(moved["QUERY"]["operationId"], "search");
        // 3.2 makes a response's description optional; its summary stands in.
        assert_eq!(moved["COPY"]["responses"]["201"]["description"], "copied");
        assert!(c.document["paths"]["/items"].get("query").is_none());
        assert_eq!(c.document["openapi"], "3.0.3");
        assert_eq!(
            c.pointers.original(&format!(
                "/paths/~1items/{ADDITIONAL_OPERATIONS}/COPY/responses"
            )),
            "/paths/~1items/additionalOperations/COPY/responses"
        );
    }

    #[test]
    fn reusable_media_types_query_strings_and_item_schemas() {
        let c = convert(
            json!({"/events": {"get": {
                "parameters": [
                    {"name": "raw", "in": "querystring", "content": {"application/json": {"schema": {"type": "object"}}}},
                    {"name": "q", "in": "querystring", "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}},
                    {"name": "session", "in": "cookie", "style": "cookie", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {
                    "application/jsonl": {"itemSchema": {"type": "object"}},
                    "text/event-stream": {"itemSchema": {"type": "object", "properties": {"data": {
                        "contentMediaType": "application/json", "contentSchema": {"type": "integer"}}}}},
                    "text/plain": {"itemSchema": {"type": "string"}},
                    "application/json": {"$ref": "#/components/mediaTypes/Page"}}}}}}}),
            json!({"mediaTypes": {"Page": {"schema": {"type": "array", "items": {"type": "string"}}}}}),
        );
        let get = &c.document["paths"]["/events"]["get"];
        let parameters = get["parameters"].as_array().unwrap();
        assert_eq!(parameters.len(), 2, "{parameters:?}");
        assert_eq!(parameters[0]["in"], "query");
        assert_eq!(parameters[0]["style"], "form");
        assert_eq!(parameters[1]["style"], "form");
        let content = &get["responses"]["200"]["content"];
        assert_eq!(content["application/json"]["schema"]["type"], "array");
        assert!(content["application/jsonl"].get("itemSchema").is_none());
        assert_eq!(
            content["application/jsonl"]["schema"],
            json!({"type": "array", "items": {"type": "object"}})
        );
        assert!(content["text/event-stream"].get("itemSchema").is_none());
        assert_eq!(
            content["text/event-stream"]["schema"],
            json!({"type": "integer"})
        );
        assert!(c.document["components"].get("mediaTypes").is_none());
        let at: Vec<&str> = c.notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(
            at,
            [
                "/paths/~1events/get/parameters/0",
                "/paths/~1events/get/responses/200/content/text~1plain/itemSchema"
            ]
        );
    }
}
