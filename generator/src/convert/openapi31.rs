//! OpenAPI 3.1 → OpenAPI 3.0: JSON Schema 2020-12 keywords mapped onto their 3.0 forms.
//!
//! - `type: [T, "null"]` → `type: T, nullable: true`; several types → `anyOf`
//! - `anyOf`/`oneOf` with a `{type: "null"}` branch → the other branch(es) + `nullable`
//! - `const` → a one-value `enum`; `examples` → `example`
//! - numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` + boolean flag
//! - `$ref` with sibling keywords → `allOf: [{$ref}]` + the siblings
//! - `$ref` by `$id` or `$anchor` → the component reference, or the schema inlined
//! - `$dynamicRef` → the template copied where a schema binds its anchor, else the one schema
//!   that declares the anchor (`convert/dynamic.rs`)
//! - `prefixItems` of a fixed length → `items` as an `anyOf` of the elements, marked as a tuple;
//!   of any other length → `items` that may be any of the listed types
//! - `contentEncoding` → `format: byte`; a `contentMediaType` of octets without an encoding →
//!   `format: binary`
//! - an operation without `responses` (optional in 3.1) → `responses: {}`
//! - `webhooks`, `jsonSchemaDialect`, `mutualTLS` schemes: dropped with a note (a client does
//!   not serve webhooks; mutual TLS is set on the `reqwest::Client`)

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::{
    Converted, Note, PointerMap, lower_exclusive_bounds, lower_pattern_properties, lower_type_list,
    pattern_properties_note,
};
use crate::diagnostics::escape_pointer_token;
use crate::grammar::{self, Dialect, Kind};

/// JSON Schema keywords with no 3.0 meaning that only annotate; removed.
const DROPPED: [&str; 9] = [
    "$schema",
    "$id",
    "$anchor",
    "$vocabulary",
    "$comment",
    "$dynamicAnchor",
    "$defs",
    "unevaluatedProperties",
    "dependentRequired",
];

pub fn from_openapi31(doc: &Value) -> Converted {
    let mut document = doc.clone();
    let mut notes = Vec::new();
    let ids = collect_ids(doc);
    if let Some(map) = document.as_object_mut() {
        map.insert("openapi".into(), json!("3.0.3"));
        if map.remove("webhooks").is_some() {
            notes.push(Note {
                pointer: "/webhooks".into(),
                message: "webhooks describe requests the API sends, not calls a client makes; they are ignored".into(),
            });
        }
        map.remove("jsonSchemaDialect");
        map.entry("paths").or_insert_with(|| json!({}));
        if let Some(info) = map.get_mut("info").and_then(Value::as_object_mut) {
            info.remove("summary");
            if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
                license.remove("identifier");
            }
        }
    }
    drop_mutual_tls(&mut document, &mut notes);
    // Generic schemas are bound before references by `$id` are followed into them.
    super::dynamic::bind_dynamic_refs(&mut document, &ids, &mut notes);
    // Resolve `$id`/`$anchor` references before `$id`s are dropped.
    resolve_id_refs(&mut document, doc, &ids, &mut notes);
    let mut pointers = PointerMap::default();
    walk(&mut document, &mut notes, &mut pointers);
    Converted {
        document,
        notes,
        pointers,
    }
}

/// `$id` and `$anchor` of every schema, to the pointer of that schema.
fn collect_ids(doc: &Value) -> HashMap<String, String> {
    fn visit(
        node: &Value,
        kind: Kind,
        pointer: &str,
        base: &str,
        out: &mut HashMap<String, String>,
    ) {
        let mut base = base.to_string();
        if kind == Kind::Schema {
            if let Some(Value::String(id)) = node.get("$id") {
                out.insert(id.clone(), pointer.to_string());
                base = id.clone();
            }
            if let Some(Value::String(anchor)) = node.get("$anchor") {
                out.insert(format!("{base}#{anchor}"), pointer.to_string());
            }
        }
        for c in grammar::children(node, kind, Dialect::OpenApi31) {
            if let Some(child) = grammar::child(node, &c.steps) {
                visit(child, c.kind, &c.pointer(pointer), &base, out);
            }
        }
    }
    let mut out = HashMap::new();
    visit(doc, Kind::Document, "", "", &mut out);
    out
}

fn resolve_id_refs(
    document: &mut Value,
    original: &Value,
    ids: &HashMap<String, String>,
    notes: &mut Vec<Note>,
) {
    // Component references keep being references; anchors inside a schema are inlined.
    let component = |pointer: &str| {
        pointer
            .strip_prefix("/components/schemas/")
            .filter(|rest| !rest.contains('/'))
            .map(|_| format!("#{pointer}"))
    };
    let mut inline = Vec::new();
    grammar::rewrite_references(document, Dialect::OpenApi31, &mut |r, _| {
        if r.starts_with('#') {
            return None;
        }
        ids.get(r).and_then(|p| component(p))
    });
    collect_inlines(document, ids, original, &mut inline);
    for (at, target) in inline {
        if let Some(slot) = document.pointer_mut(&at) {
            let mut copy = target;
            if let Some(map) = copy.as_object_mut() {
                for key in DROPPED {
                    map.remove(key);
                }
            }
            *slot = copy;
        }
    }
    // Whatever is left outside the document cannot be followed.
    let external = grammar::references(document, Dialect::OpenApi31)
        .into_iter()
        .filter(|(_, kind, r)| *kind == Kind::Schema && !r.starts_with('#'));
    for (pointer, _, reference) in external {
        notes.push(Note {
            pointer: pointer.clone(),
            message: format!("`$ref: {reference}` points outside the document; the schema is treated as any JSON value"),
        });
        if let Some(slot) = document.pointer_mut(&pointer) {
            *slot = json!({});
        }
    }
}

/// Schema references by `$id` or anchor that do not name a component: the schema is copied in.
fn collect_inlines(
    document: &Value,
    ids: &HashMap<String, String>,
    original: &Value,
    out: &mut Vec<(String, Value)>,
) {
    for (pointer, _, reference) in grammar::references(document, Dialect::OpenApi31) {
        if !reference.starts_with('#') {
            if let Some(target) = ids.get(&reference).and_then(|p| original.pointer(p)) {
                out.push((pointer, target.clone()));
            }
        }
    }
}

fn drop_mutual_tls(doc: &mut Value, notes: &mut Vec<Note>) {
    let Some(schemes) = doc
        .pointer_mut("/components/securitySchemes")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mtls: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(k, _)| k.clone())
        .collect();
    for name in &mtls {
        schemes.shift_remove(name);
        notes.push(Note {
            pointer: format!("/components/securitySchemes/{}", escape_pointer_token(name)),
            message: "mutual TLS is configured on the `reqwest::Client` (`ClientBuilder::http_client`), not per request; the scheme is ignored".into(),
        });
    }
    if mtls.is_empty() {
        return;
    }
    grammar::walk_document_mut(doc, Dialect::OpenApi31, &mut |node, kind, _| {
        if let (Kind::Security, Value::Array(requirements)) = (kind, node) {
            for requirement in requirements.iter_mut().filter_map(Value::as_object_mut) {
                for name in &mtls {
                    requirement.shift_remove(name);
                }
            }
        }
    });
}

/// Rewrites every schema of the document in place, parents before their children; gives
/// operations without `responses` (optional in 3.1) an empty map.
fn walk(document: &mut Value, notes: &mut Vec<Note>, pointers: &mut PointerMap) {
    grammar::walk_document_mut(document, Dialect::OpenApi31, &mut |node, kind, pointer| {
        if let (Kind::Operation, Value::Object(operation)) = (kind, &mut *node) {
            operation
                .entry("responses")
                .or_insert_with(|| Value::Object(Map::new()));
        }
        if kind != Kind::Schema {
            return;
        }
        match node {
            Value::Bool(true) => *node = json!({}),
            Value::Bool(false) => {
                *node = json!({"not": {}});
                notes.push(Note {
                    pointer: pointer.to_string(),
                    message:
                        "the schema `false` admits no value; it is generated as any JSON value"
                            .into(),
                });
            }
            Value::Object(map) => convert_schema(map, pointer, notes, pointers),
            _ => {}
        }
    });
}

/// Boolean schemas where they change their parent's meaning: a property whose schema is
/// `false` can never be present, a `false` branch of a union is never taken, `items: false`
/// allows only empty arrays and `not: false` excludes nothing. Other `true`/`false` schemas
/// are converted where they stand.
fn drop_false_children(map: &mut Map<String, Value>, pointer: &str, notes: &mut Vec<Note>) {
    let mut never_present = Vec::new();
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.retain(|name, schema| {
            let keep = schema != &Value::Bool(false);
            if !keep {
                never_present.push(name.clone());
            }
            keep
        });
    }
    for name in &never_present {
        notes.push(Note {
            pointer: format!("{pointer}/properties/{}", escape_pointer_token(name)),
            message: "a property whose schema is `false` can never be present; it is left out"
                .into(),
        });
    }
    if let Some(Value::Array(required)) = map.get_mut("required") {
        required.retain(|r| {
            !r.as_str()
                .is_some_and(|r| never_present.iter().any(|n| n == r))
        });
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            branches.retain(|b| b != &Value::Bool(false));
        }
    }
    if map.get("items") == Some(&Value::Bool(false)) {
        map.remove("items");
    }
    if map.get("not") == Some(&Value::Bool(false)) {
        map.remove("not");
    }
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

fn convert_schema(
    map: &mut Map<String, Value>,
    pointer: &str,
    notes: &mut Vec<Note>,
    pointers: &mut PointerMap,
) {
    // `$ref: #/x` written unquoted in YAML is a comment: the value is null. Nothing to follow.
    if map.get("$ref").is_some_and(Value::is_null) {
        map.remove("$ref");
        notes.push(Note {
            pointer: format!("{pointer}/$ref"),
            message: "`$ref` has no value (an unquoted `#` starts a YAML comment); the schema is treated as any JSON value".into(),
        });
    }
    // `$defs` stay until the references into them are resolved (`local_refs`).
    for key in DROPPED.iter().filter(|key| **key != "$defs") {
        map.remove(*key);
    }
    // `items: false` closes a tuple; it is dropped with the other `false` children below.
    let no_more_items = map.get("items") == Some(&Value::Bool(false));
    drop_false_children(map, pointer, notes);
    lower_type_list(map);
    // A tuple's element list keeps its `null` elements: each stands at its position.
    let is_tuple = map.contains_key(TUPLE_ELEMENTS);
    for key in ["anyOf", "oneOf"].into_iter().filter(|_| !is_tuple) {
        if let Some(Value::Array(branches)) = map.get(key).cloned() {
            let rest: Vec<Value> = branches
                .iter()
                .filter(|b| !is_null_schema(b))
                .cloned()
                .collect();
            if rest.len() < branches.len() {
                map.insert("nullable".into(), json!(true));
                if let [only] = rest.as_slice() {
                    map.remove(key);
                    map.insert("allOf".into(), json!([only]));
                } else {
                    map.insert(key.into(), Value::Array(rest));
                }
            }
        }
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), json!([value]));
    }
    if let Some(Value::Array(examples)) = map.remove("examples") {
        if let Some(first) = examples.into_iter().next() {
            map.entry("example").or_insert(first);
        }
    }
    lower_exclusive_bounds(map);
    if let Some(patterns) = lower_pattern_properties(map) {
        notes.push(pattern_properties_note(pointer, &patterns));
    }
    if let Some(items) = map.remove("prefixItems") {
        lower_prefix_items(map, items, no_more_items, pointer, notes, pointers);
    }
    // 3.1 writes 3.0's `format: byte` as `contentEncoding: base64` (the value is text) and
    // `format: binary` as a `contentMediaType` without an encoding (the value is raw octets).
    let media = map.remove("contentMediaType");
    if map.remove("contentEncoding").is_some() {
        map.entry("format").or_insert_with(|| json!("byte"));
    } else if media
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(is_binary_media)
    {
        map.insert("format".into(), json!("binary"));
    }
    // A `$ref` with siblings: 3.0 ignores siblings of `$ref`, 3.1 applies them.
    if map.contains_key("$ref") && map.len() > 1 {
        if let Some(reference) = map.remove("$ref") {
            map.insert("allOf".into(), json!([{"$ref": reference}]));
        }
    }
}

/// Marks the `anyOf` that holds a fixed-length tuple's elements in order, on the array's
/// `items`: 3.0 has no tuples, so the elements travel as a union the lowering reads by position.
pub(crate) const TUPLE_ELEMENTS: &str = "x-openapi-rs-tuple-elements";

/// Rust's standard traits (`Debug`, `PartialEq`, `Hash`…) are implemented for tuples of up to
/// 12 elements.
const MAX_TUPLE_ELEMENTS: usize = 12;

/// `prefixItems` of a fixed length (`minItems` and `maxItems`, or `items: false`, admit exactly
/// the listed elements) is a tuple; any other array with `prefixItems` admits a shorter or longer
/// array, so its items become any of the listed types, with a note.
fn lower_prefix_items(
    map: &mut Map<String, Value>,
    items: Value,
    no_more_items: bool,
    pointer: &str,
    notes: &mut Vec<Note>,
    pointers: &mut PointerMap,
) {
    let elements = match items {
        Value::Array(elements) => elements,
        other => vec![other],
    };
    let count = elements.len() as u64;
    let bound = |key: &str| map.get(key).and_then(Value::as_u64);
    let closed = no_more_items || bound("maxItems") == Some(count);
    let fixed = closed && bound("minItems") == Some(count);
    if fixed && (1..=MAX_TUPLE_ELEMENTS).contains(&elements.len()) {
        map.insert(
            "items".into(),
            json!({"anyOf": elements, TUPLE_ELEMENTS: true}),
        );
        pointers.add(
            format!("{pointer}/items/anyOf"),
            format!("{pointer}/prefixItems"),
        );
        return;
    }
    let why = if fixed {
        format!(
            "a tuple of more than {MAX_TUPLE_ELEMENTS} elements is not generated as a Rust tuple"
        )
    } else {
        "a tuple (`prefixItems`) whose length `minItems` and `maxItems` (or `items: false`) do not fix is not generated as a Rust tuple".into()
    };
    map.entry("items")
        .or_insert_with(|| match elements.as_slice() {
            [only] => only.clone(),
            _ => json!({"anyOf": elements}),
        });
    notes.push(Note {
        pointer: format!("{pointer}/prefixItems"),
        message: format!("{why}; the array's items may be any of the listed types"),
    });
}

/// Whether a string of this media type holds octets rather than text.
fn is_binary_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    let textual = essence.starts_with("text/")
        || essence.ends_with("/json")
        || essence.ends_with("+json")
        || essence.ends_with("/xml")
        || essence.ends_with("+xml")
        || essence == "application/x-www-form-urlencoded";
    !textual
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(s: Value) -> Value {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"S": s}}});
        from_openapi31(&doc).document["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn encoded_content_is_text_and_unencoded_octets_are_binary() {
        let encoded = json!({"type": "string", "contentEncoding": "base64"});
        assert_eq!(schema(encoded), json!({"type": "string", "format": "byte"}));
        let image = json!({"type": "string", "contentMediaType": "image/png"});
        assert_eq!(schema(image), json!({"type": "string", "format": "binary"}));
        let encoded_image =
            json!({"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"});
        assert_eq!(
            schema(encoded_image),
            json!({"type": "string", "format": "byte"})
        );
        let html = json!({"type": "string", "contentMediaType": "text/html; charset=utf-8"});
        assert_eq!(schema(html), json!({"type": "string"}));
        let json_text = json!({"type": "string", "contentMediaType": "application/vnd.api+json"});
        assert_eq!(schema(json_text), json!({"type": "string"}));
    }

    #[test]
    fn type_arrays_with_null_become_nullable() {
        assert_eq!(
            schema(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["string", "integer"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(
            schema(json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        assert_eq!(
            schema(json!({"type": "string", "const": "x"})),
            json!({"type": "string", "enum": ["x"]})
        );
        assert_eq!(
            schema(json!({"type": "integer", "examples": [7, 8]})),
            json!({"type": "integer", "example": 7})
        );
        assert_eq!(
            schema(json!({"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 10})),
            json!({"type": "integer", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 1, "maximum": 10})
        );
    }

    #[test]
    fn refs_with_siblings_are_wrapped() {
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn prefix_items_and_binary_content() {
        assert_eq!(
            schema(
                json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]})
            ),
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}})
        );
        // A fixed length makes a tuple: its elements stay in order, `null` ones included.
        let with_null = json!({"type": "array", "prefixItems": [{"type": "null"}, {"type": "integer"}], "minItems": 2, "maxItems": 2});
        assert_eq!(
            schema(with_null)["items"]["anyOf"].as_array().map(Vec::len),
            Some(2)
        );
        let pair = json!([{"type": "string"}, {"type": "integer"}]);
        let tuple = json!({"type": "array", "items": {"anyOf": pair, TUPLE_ELEMENTS: true}});
        for fixed in [
            json!({"type": "array", "prefixItems": pair, "minItems": 2, "maxItems": 2}),
            json!({"type": "array", "prefixItems": pair, "minItems": 2, "items": false}),
        ] {
            let mut expected = tuple.clone();
            for key in ["minItems", "maxItems"]
                .into_iter()
                .filter(|k| fixed.get(k).is_some())
            {
                expected[key] = fixed[key].clone();
            }
            assert_eq!(schema(fixed), expected);
        }
        // Shorter arrays are allowed without `minItems`; Rust's traits stop at 12 elements.
        let thirteen: Vec<Value> = (0..13).map(|_| json!({"type": "integer"})).collect();
        for open in [
            json!({"type": "array", "prefixItems": pair, "items": false}),
            json!({"type": "array", "prefixItems": thirteen, "minItems": 13, "maxItems": 13}),
        ] {
            let items = &schema(open)["items"];
            assert!(
                items["anyOf"].is_array() && items.get(TUPLE_ELEMENTS).is_none(),
                "{items}"
            );
        }
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/octet-stream"})),
            json!({"type": "string", "format": "binary"})
        );
    }

    #[test]
    fn webhooks_dialect_and_mutual_tls_are_dropped_with_notes() {
        let doc = json!({"openapi": "3.1.0", "jsonSchemaDialect": "x", "info": {"title": "t", "version": "1"},
            "webhooks": {"w": {}}, "security": [{"m": []}],
            "components": {"securitySchemes": {"m": {"type": "mutualTLS"}}}});
        let c = from_openapi31(&doc);
        assert!(
            c.document.get("webhooks").is_none() && c.document.get("jsonSchemaDialect").is_none()
        );
        assert_eq!(c.document["paths"], json!({}));
        assert_eq!(c.document["security"], json!([{}]));
        assert_eq!(c.notes.len(), 2);
    }

    #[test]
    fn id_and_anchor_references_resolve() {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {
            "Pet": {"type": "object", "properties": {
                "details": {"$ref": "/schemas/details"},
                "detailsId": {"$ref": "/schemas/details#details_id"}}},
            "Details": {"$id": "/schemas/details", "type": "object", "properties": {
                "id": {"type": "integer", "$anchor": "details_id"}}}}}});
        let c = from_openapi31(&doc);
        let pet = &c.document["components"]["schemas"]["Pet"]["properties"];
        assert_eq!(
            pet["details"],
            json!({"$ref": "#/components/schemas/Details"})
        );
        assert_eq!(pet["detailsId"], json!({"type": "integer"}));
    }
}
