//! Lenient mode: repairs for defects that real documents are known to have, each reported as a
//! warning at the place it was made. Without `--lenient` these documents fail with an error at
//! the same place.
//!
//! Repairs run on the 3.0-shaped tree (after version conversion) and find their places through
//! [`crate::grammar`], so they fire wherever the grammar puts the object they repair (in
//! callbacks, components and path-level lists alike):
//! 1. `required: true|false` on a property schema (a Swagger 2.0 habit, e.g. Spotify's
//!    document): removed, and `true` adds the property to the parent object's `required` list.
//! 2. A security requirement naming a scheme that `components.securitySchemes` does not define
//!    (e.g. WLC CPaaS's `BasicAuth`): the requirement is dropped. A `security` that is not a
//!    list (`null`) is removed; scopes that are not a list (`oauth2: null`) are read as none.
//! 3. `info` without `title` or `version`: an empty title, version `0.0.0`.
//! 4. `items` given as a list of schemas: the one schema, or `anyOf` of several.
//! 5. A parameter whose `required` is not a boolean (`required: optional`): read as the
//!    boolean it spells, else `false`.
//! 6. An operation without `responses` (required in 2.0 and 3.0): an empty map.
//! 7. A response without `description` (required in every version; OpenSearch's documents
//!    leave it out): an empty one, so the response keeps its content and headers.
//! 8. A parameter or header without `schema` or `content` (2.0: without `type`): a string,
//!    the text it is on the wire.
//! 9. A parameter `style` its location does not have (`simple` in the query): the location's
//!    default style.
//! 10. `in: body` and `in: formData` parameters in a 3.x document (Swagger 2.0 habits): the
//!     request body they describe ([`body_parameters`]).
//!
//! Whatever still does not read as OpenAPI after these repairs is degraded locally by
//! [`crate::load`] (the smallest enclosing object is replaced or left out).

use serde_json::{Map, Value, json};

use crate::diagnostics::escape_pointer_token;
use crate::grammar::{self, Dialect, Kind};

/// One repair made: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub pointer: String,
    pub message: String,
}

/// Applies every known repair to `doc` (in the OpenAPI 3.0 shape) in place.
pub fn repair(doc: &mut Value) -> Vec<Repair> {
    let mut repairs = Vec::new();
    info(doc, &mut repairs);
    let defined: Vec<String> = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut null_security = Vec::new();
    grammar::walk_document_mut(
        doc,
        Dialect::OpenApi30,
        &mut |node, kind, pointer| match kind {
            Kind::Schema => {
                if let Value::Object(schema) = node {
                    boolean_required(schema, pointer, &mut repairs);
                    items_list(schema, pointer, &mut repairs);
                }
            }
            Kind::Security => match node {
                Value::Array(requirements) => {
                    undefined_schemes(requirements, &defined, pointer, &mut repairs)
                }
                _ => null_security.push(pointer.to_string()),
            },
            Kind::Parameter => {
                if let Value::Object(parameter) = node {
                    non_boolean_required(parameter, pointer, &mut repairs);
                    text_without_schema(parameter, "parameter", pointer, &mut repairs);
                    style_of_another_location(parameter, pointer, &mut repairs);
                }
            }
            Kind::Header => {
                if let Value::Object(header) = node {
                    text_without_schema(header, "header", pointer, &mut repairs);
                }
            }
            Kind::Response => {
                if let Value::Object(response) = node {
                    if !response.contains_key("description") && !response.contains_key("$ref") {
                        response.insert("description".into(), json!(""));
                        repairs.push(Repair {
                            pointer: pointer.to_string(),
                            message:
                                "repaired: a response needs a `description`; an empty one is used"
                                    .into(),
                        });
                    }
                }
            }
            Kind::Operation => {
                if let Value::Object(operation) = node {
                    if !operation.contains_key("responses") {
                        operation.insert("responses".into(), json!({}));
                        repairs.push(Repair {
                            pointer: pointer.to_string(),
                            message:
                                "repaired: an operation needs `responses`; it has none documented"
                                    .into(),
                        });
                    }
                }
            }
            _ => {}
        },
    );
    for pointer in null_security {
        crate::local_refs::remove(doc, &pointer);
        repairs.push(Repair {
            pointer,
            message: "repaired: `security` must be a list of requirements; it was removed".into(),
        });
    }
    repairs
}

fn info(doc: &mut Value, repairs: &mut Vec<Repair>) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let info = root
        .entry("info")
        .or_insert_with(|| Value::Object(Map::new()));
    if !info.is_object() {
        *info = Value::Object(Map::new());
    }
    let Some(info) = info.as_object_mut() else {
        return;
    };
    for (field, default) in [("title", ""), ("version", "0.0.0")] {
        match info.get(field) {
            Some(Value::String(_)) => {}
            Some(other) if other.is_number() || other.is_boolean() => {
                let text = other.to_string();
                info.insert(field.into(), Value::String(text.clone()));
                repairs.push(Repair {
                    pointer: format!("/info/{field}"),
                    message: format!(
                        "repaired: `info.{field}` must be a string; read as \"{text}\""
                    ),
                });
            }
            _ => {
                info.insert(field.into(), json!(default));
                repairs.push(Repair {
                    pointer: "/info".into(),
                    message: format!("repaired: `info.{field}` is missing; \"{default}\" is used"),
                });
            }
        }
    }
}

fn boolean_required(schema: &mut Map<String, Value>, pointer: &str, repairs: &mut Vec<Repair>) {
    // Properties that say `required: <bool>` themselves.
    let mut now_required = Vec::new();
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            let Some(property) = property.as_object_mut() else {
                continue;
            };
            let Some(flag) = property.get("required").and_then(Value::as_bool) else {
                continue;
            };
            property.remove("required");
            repairs.push(Repair {
                pointer: format!(
                    "{pointer}/properties/{}/required",
                    escape_pointer_token(name)
                ),
                message: format!(
                    "repaired: `required: {flag}` on a property is not OpenAPI 3; {}",
                    if flag {
                        "moved into the object's `required` list"
                    } else {
                        "removed"
                    }
                ),
            });
            if flag {
                now_required.push(Value::String(name.clone()));
            }
        }
    }
    if !now_required.is_empty() {
        let list = schema
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.extend(now_required);
        }
    }
    // A boolean `required` left on a schema that is not a property: drop it.
    if schema.get("required").is_some_and(Value::is_boolean) {
        schema.remove("required");
        repairs.push(Repair {
            pointer: format!("{pointer}/required"),
            message:
                "repaired: a schema's `required` must list property names; the boolean was removed"
                    .into(),
        });
    }
}

fn items_list(schema: &mut Map<String, Value>, pointer: &str, repairs: &mut Vec<Repair>) {
    let Some(Value::Array(list)) = schema.get("items") else {
        return;
    };
    let replacement = match list.as_slice() {
        [] => json!({}),
        [one] => one.clone(),
        many => json!({ "anyOf": many }),
    };
    // Without a type or an array keyword nothing says the value is an array (JSON Schema
    // applies `items` only to arrays): the list names what the value itself may be, as in
    // Slack's `objs_conversation`, whose examples are objects.
    let array_keywords = ["minItems", "maxItems", "uniqueItems"];
    let untyped = schema.get("type").is_none()
        && !array_keywords.iter().any(|k| schema.contains_key(*k))
        && !["anyOf", "oneOf", "allOf", "properties"]
            .iter()
            .any(|k| schema.contains_key(*k));
    if untyped && !list.is_empty() {
        schema.remove("items");
        match replacement {
            Value::Object(alternatives) if alternatives.contains_key("anyOf") => {
                schema.extend(alternatives);
            }
            one => {
                schema.insert("allOf".into(), json!([one]));
            }
        }
        repairs.push(Repair {
            pointer: format!("{pointer}/items"),
            message: "repaired: `items` must be one schema, not a list, and nothing says this value is an array; the list's schemas are the value's alternatives".into(),
        });
        return;
    }
    schema.insert("items".into(), replacement);
    repairs.push(Repair {
        pointer: format!("{pointer}/items"),
        message: "repaired: `items` must be one schema, not a list; the list's schemas are the item's alternatives".into(),
    });
}

fn undefined_schemes(
    requirements: &mut Vec<Value>,
    defined: &[String],
    pointer: &str,
    repairs: &mut Vec<Repair>,
) {
    for (i, requirement) in requirements.iter_mut().enumerate() {
        let Value::Object(requirement) = requirement else {
            continue;
        };
        for (name, scopes) in requirement.iter_mut().filter(|(_, s)| !s.is_array()) {
            repairs.push(Repair {
                pointer: format!("{pointer}/{i}/{}", escape_pointer_token(name)),
                message: format!(
                    "repaired: the scopes of `{name}` must be a list, found {scopes}; read as none"
                ),
            });
            *scopes = json!([]);
        }
    }
    let mut kept = Vec::new();
    for (i, requirement) in requirements.drain(..).enumerate() {
        let unknown: Vec<String> = match requirement.as_object() {
            Some(r) => r.keys().filter(|k| !defined.contains(k)).cloned().collect(),
            None => vec![requirement.to_string()],
        };
        if unknown.is_empty() {
            kept.push(requirement);
        } else {
            repairs.push(Repair {
                pointer: format!("{pointer}/{i}"),
                message: format!(
                    "repaired: security requirement names undefined scheme(s) {}; it was dropped",
                    unknown.join(", ")
                ),
            });
        }
    }
    *requirements = kept;
}

/// `in: body` and `in: formData` parameters of 3.x operations, which Swagger 2.0 has and
/// OpenAPI 3 does not: a body parameter's schema becomes the request body (JSON), form
/// parameters the properties of a form body (`multipart/form-data` when one is a file). They
/// leave the parameter list, so the parameters after them move: the moves, new pointer to
/// old, are returned with the repairs.
pub fn body_parameters(doc: &mut Value) -> (Vec<Repair>, Vec<(String, String)>) {
    let mut repairs = Vec::new();
    let mut moves = Vec::new();
    grammar::walk_document_mut(doc, Dialect::OpenApi30, &mut |node, kind, pointer| {
        if let (Kind::Operation, Value::Object(operation)) = (kind, node) {
            operation_body_parameters(operation, pointer, &mut repairs, &mut moves);
        }
    });
    (repairs, moves)
}

fn operation_body_parameters(
    operation: &mut Map<String, Value>,
    pointer: &str,
    repairs: &mut Vec<Repair>,
    moves: &mut Vec<(String, String)>,
) {
    // An operation with a `requestBody` of its own keeps it; its body parameters are left to
    // the degrading that leaves invalid parameters out.
    if operation.contains_key("requestBody") {
        return;
    }
    let Some(Value::Array(parameters)) = operation.get_mut("parameters") else {
        return;
    };
    let place = |p: &Value| p.get("in").and_then(Value::as_str).map(str::to_string);
    if !parameters
        .iter()
        .any(|p| matches!(place(p).as_deref(), Some("body" | "formData")))
    {
        return;
    }
    let body_at = format!("{pointer}/requestBody");
    let mut body: Option<Value> = None;
    let mut form: Vec<(String, Value, bool, String)> = Vec::new();
    let mut kept = Vec::new();
    for (i, parameter) in std::mem::take(parameters).into_iter().enumerate() {
        let at = format!("{pointer}/parameters/{i}");
        match place(&parameter).as_deref() {
            Some("body") if body.is_none() => {
                let schema = parameter
                    .get("schema")
                    .cloned()
                    .unwrap_or_else(|| json!({}));
                let required = parameter.get("required") == Some(&Value::Bool(true));
                body = Some(
                    json!({"required": required, "content": {"application/json": {"schema": schema}}}),
                );
                // The body stands where the parameter was written.
                moves.push((body_at.clone(), at));
                repairs.push(Repair {
                    pointer: body_at.clone(),
                    message: "repaired: `in: body` is Swagger 2.0; the parameter is read as the request body (`application/json`)".into(),
                });
            }
            Some("formData") => {
                let name = parameter
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let required = parameter.get("required") == Some(&Value::Bool(true));
                form.push((name.to_string(), form_schema(&parameter), required, at));
            }
            _ => {
                if kept.len() != i {
                    moves.push((format!("{pointer}/parameters/{}", kept.len()), at));
                }
                kept.push(parameter);
            }
        }
    }
    *parameters = kept;
    if form.is_empty() {
        if let Some(body) = body {
            operation.insert("requestBody".into(), body);
        }
        return;
    }
    // A body parameter and form parameters cannot both be the body (2.0 forbids the pair).
    if let Some(body) = body {
        operation.insert("requestBody".into(), body);
        repairs.push(Repair {
            pointer: body_at,
            message: "repaired: `in: formData` parameters beside a body parameter are Swagger 2.0 and cannot be the body too; they are left out".into(),
        });
        return;
    }
    let file = form
        .iter()
        .any(|(_, s, _, _)| s.get("format").and_then(Value::as_str) == Some("binary"));
    let media = if file {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let schema_at = format!("{body_at}/content/{}/schema", escape_pointer_token(media));
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, schema, needed, at) in form {
        let property_at = format!("{schema_at}/properties/{}", escape_pointer_token(&name));
        moves.push((property_at.clone(), at));
        repairs.push(Repair {
            pointer: property_at,
            message: "repaired: `in: formData` is Swagger 2.0; the parameter is read as a property of a form body".into(),
        });
        if needed {
            required.push(json!(name));
        }
        properties.insert(name, schema);
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    operation.insert(
        "requestBody".into(),
        json!({"content": {media: {"schema": schema}}}),
    );
}

/// The schema of a Swagger 2.0 form parameter written in a 3.x document: its `schema`, else
/// the schema keywords beside it (`type: file` is a binary string).
fn form_schema(parameter: &Value) -> Value {
    if let Some(schema) = parameter.get("schema") {
        return schema.clone();
    }
    let mut schema = Map::new();
    for key in [
        "type", "format", "items", "enum", "default", "minimum", "maximum", "pattern",
    ] {
        if let Some(value) = parameter.get(key) {
            schema.insert(key.into(), value.clone());
        }
    }
    if schema.get("type").and_then(Value::as_str) == Some("file") {
        schema.insert("type".into(), json!("string"));
        schema.insert("format".into(), json!("binary"));
    }
    Value::Object(schema)
}

/// A parameter whose `style` its location does not have (`style: simple` on a query
/// parameter, smallrye's test document): the location's default style, rather than leaving the
/// parameter out.
fn style_of_another_location(
    parameter: &mut Map<String, Value>,
    pointer: &str,
    repairs: &mut Vec<Repair>,
) {
    let location = parameter
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (allowed, default): (&[&str], &str) = match location {
        "path" => (&["simple", "label", "matrix"], "simple"),
        "query" => (
            &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
            "form",
        ),
        "header" => (&["simple"], "simple"),
        "cookie" => (&["form"], "form"),
        _ => return,
    };
    let Some(style) = parameter.get("style").and_then(Value::as_str) else {
        return;
    };
    if allowed.contains(&style) {
        return;
    }
    repairs.push(Repair {
        pointer: format!("{pointer}/style"),
        message: format!(
            "repaired: `{style}` is no style of a {location} parameter ({}); read as `{default}`",
            allowed.join(", ")
        ),
    });
    parameter.insert("style".into(), json!(default));
}

/// A parameter or header with neither `schema` nor `content`: its value is text on the wire,
/// so it is read as a string (rather than left out, which loses a path parameter).
fn text_without_schema(
    object: &mut Map<String, Value>,
    noun: &str,
    pointer: &str,
    repairs: &mut Vec<Repair>,
) {
    if ["schema", "content", "$ref"]
        .iter()
        .any(|key| object.contains_key(*key))
    {
        return;
    }
    object.insert("schema".into(), json!({"type": "string"}));
    repairs.push(Repair {
        pointer: pointer.to_string(),
        message: format!(
            "repaired: a {noun} needs a `schema` or a `content` (Swagger 2.0: a `type`); its value is read as a string"
        ),
    });
}

fn non_boolean_required(
    parameter: &mut Map<String, Value>,
    pointer: &str,
    repairs: &mut Vec<Repair>,
) {
    let Some(value) = parameter.get("required") else {
        return;
    };
    if value.is_boolean() {
        return;
    }
    let read = match value {
        Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    };
    repairs.push(Repair {
        pointer: format!("{pointer}/required"),
        message: format!("repaired: `required: {value}` is not a boolean; read as `{read}`"),
    });
    parameter.insert("required".into(), Value::Bool(read));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(components: Value, paths: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths, "components": components})
    }

    #[test]
    fn boolean_required_moves_into_the_parent_list() {
        let mut doc = document(
            json!({"schemas": {"A": {"type": "object", "required": ["x"], "properties": {
            "x": {"type": "string"}, "y": {"type": "string", "required": true}, "z": {"type": "string", "required": false}}}}}),
            json!({}),
        );
        let repairs = repair(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["A"]["required"],
            json!(["x", "y"])
        );
        assert!(
            doc["components"]["schemas"]["A"]["properties"]["z"]
                .get("required")
                .is_none()
        );
        assert_eq!(repairs.len(), 2);
        assert_eq!(
            repairs[0].pointer,
            "/components/schemas/A/properties/y/required"
        );
    }

    #[test]
    fn a_property_named_required_is_not_a_keyword() {
        let schema = json!({"type": "object", "properties": {"required": {"type": "boolean"}}});
        let mut doc = document(json!({"schemas": {"A": schema.clone()}}), json!({}));
        assert_eq!(repair(&mut doc), vec![]);
        assert_eq!(doc["components"]["schemas"]["A"], schema);
    }

    #[test]
    fn undefined_schemes_are_dropped_everywhere() {
        let mut doc = document(
            json!({"securitySchemes": {"Key": {}}}),
            json!({"/a": {"get": {"security": [{"Key": []}, {"Basic": []}], "responses": {},
                "callbacks": {"c": {"/cb": {"post": {"security": [{"Gone": []}], "responses": {}}}}}}}}),
        );
        let repairs = repair(&mut doc);
        assert_eq!(doc["paths"]["/a"]["get"]["security"], json!([{"Key": []}]));
        assert_eq!(
            doc["paths"]["/a"]["get"]["callbacks"]["c"]["/cb"]["post"]["security"],
            json!([])
        );
        let pointers: Vec<&str> = repairs.iter().map(|r| r.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/get/callbacks/c/~1cb/post/security/0",
                "/paths/~1a/get/security/1"
            ]
        );
    }

    #[test]
    fn null_security_info_items_lists_and_required_strings() {
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t"}, "security": null,
            "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query", "required": "optional", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "", "content": {"application/json": {"schema": {
                    "type": "array", "items": [{"type": "string"}]}}}}}}}}});
        let repairs = repair(&mut doc);
        assert!(doc.get("security").is_none());
        assert_eq!(doc["info"]["version"], json!("0.0.0"));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["required"],
            json!(false)
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["items"],
            json!({"type": "string"})
        );
        let mut pointers: Vec<&str> = repairs.iter().map(|r| r.pointer.as_str()).collect();
        pointers.sort_unstable();
        assert_eq!(
            pointers,
            [
                "/info",
                "/paths/~1a/get/parameters/0/required",
                "/paths/~1a/get/responses/200/content/application~1json/schema/items",
                "/security",
            ]
        );
    }
}
