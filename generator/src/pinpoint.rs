//! Finding the exact node a document fails to deserialize at.
//!
//! `openapiv3` flattens extensions into most objects, and serde loses track of the path inside
//! flattened content, so a bad `required: true` deep in a schema is reported at `/paths`. This
//! module walks down the OpenAPI structure instead, deserializing each child with its own type,
//! until it finds the smallest node that fails.

use openapiv3::{
    Components, MediaType, OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody,
    Response, Schema, SecurityScheme,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::escape_pointer_token;

/// The OpenAPI object kinds the walk knows the children of.
#[derive(Clone, Copy)]
enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Schema,
    SecurityScheme,
}

/// The deepest failing node of a document that does not deserialize: its pointer and serde's
/// message there. `None` when the whole document deserializes.
pub fn pinpoint(raw: &Value) -> Option<(String, String)> {
    walk(raw, Kind::Document, String::new())
}

fn failure<T: DeserializeOwned>(value: &Value) -> Option<(String, String)> {
    let result: Result<T, _> = serde_path_to_error::deserialize(value);
    result.err().map(|err| {
        let mut pointer = String::new();
        for segment in err.path().iter() {
            use serde_path_to_error::Segment;
            let token = match segment {
                Segment::Seq { index } => index.to_string(),
                Segment::Map { key } => escape_pointer_token(key),
                Segment::Enum { variant } => escape_pointer_token(variant),
                Segment::Unknown => continue,
            };
            pointer.push('/');
            pointer.push_str(&token);
        }
        (pointer, err.into_inner().to_string())
    })
}

fn check(value: &Value, kind: Kind) -> Option<(String, String)> {
    match kind {
        Kind::Document => failure::<OpenAPI>(value),
        Kind::Components => failure::<Components>(value),
        Kind::PathItem => failure::<ReferenceOr<PathItem>>(value),
        Kind::Operation => failure::<Operation>(value),
        Kind::Parameter => failure::<ReferenceOr<Parameter>>(value),
        Kind::RequestBody => failure::<ReferenceOr<RequestBody>>(value),
        Kind::Response => failure::<ReferenceOr<Response>>(value),
        Kind::MediaType => failure::<MediaType>(value),
        Kind::Schema => failure::<ReferenceOr<Schema>>(value),
        Kind::SecurityScheme => failure::<ReferenceOr<SecurityScheme>>(value),
    }
}

fn walk(value: &Value, kind: Kind, pointer: String) -> Option<(String, String)> {
    let (inner, message) = check(value, kind)?;
    for (child, child_kind, child_pointer) in children(value, kind, &pointer) {
        if let Some(found) = walk(child, child_kind, child_pointer) {
            return Some(found);
        }
    }
    if let (Kind::Schema, Some(key)) = (kind, mistyped_schema_keyword(value)) {
        return Some((format!("{pointer}/{key}"), message));
    }
    Some((format!("{pointer}{inner}"), message))
}

/// A schema keyword whose value has the wrong JSON type (`required: true`), the usual cause
/// of a schema that does not deserialize.
fn mistyped_schema_keyword(schema: &Value) -> Option<&'static str> {
    type Check = fn(&Value) -> bool;
    let expect: [(&str, Check); 7] = [
        ("required", Value::is_array),
        ("enum", Value::is_array),
        ("properties", Value::is_object),
        ("type", Value::is_string),
        ("nullable", Value::is_boolean),
        ("readOnly", Value::is_boolean),
        ("writeOnly", Value::is_boolean),
    ];
    expect
        .into_iter()
        .find(|(key, ok)| schema.get(*key).is_some_and(|v| !ok(v)))
        .map(|(key, _)| key)
}

/// The typed children of a node, with their pointers.
fn children<'v>(value: &'v Value, kind: Kind, pointer: &str) -> Vec<(&'v Value, Kind, String)> {
    let mut out = Vec::new();
    let at = |key: &str| format!("{pointer}/{}", escape_pointer_token(key));
    let map_of = |key: &str, child: Kind, out: &mut Vec<(&'v Value, Kind, String)>| {
        if let Some(map) = value.get(key).and_then(Value::as_object) {
            for (k, v) in map {
                out.push((v, child, format!("{}/{}", at(key), escape_pointer_token(k))));
            }
        }
    };
    let list_of = |key: &str, child: Kind, out: &mut Vec<(&'v Value, Kind, String)>| {
        if let Some(items) = value.get(key).and_then(Value::as_array) {
            for (i, v) in items.iter().enumerate() {
                out.push((v, child, format!("{}/{i}", at(key))));
            }
        }
    };
    match kind {
        Kind::Document => {
            if let Some(c) = value.get("components") {
                out.push((c, Kind::Components, at("components")));
            }
            if let Some(paths) = value.get("paths").and_then(Value::as_object) {
                for (k, v) in paths.iter().filter(|(k, _)| k.starts_with('/')) {
                    out.push((
                        v,
                        Kind::PathItem,
                        format!("{}/{}", at("paths"), escape_pointer_token(k)),
                    ));
                }
            }
        }
        Kind::Components => {
            map_of("schemas", Kind::Schema, &mut out);
            map_of("parameters", Kind::Parameter, &mut out);
            map_of("requestBodies", Kind::RequestBody, &mut out);
            map_of("responses", Kind::Response, &mut out);
            map_of("securitySchemes", Kind::SecurityScheme, &mut out);
        }
        Kind::PathItem => {
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                if let Some(op) = value.get(method) {
                    out.push((op, Kind::Operation, at(method)));
                }
            }
            list_of("parameters", Kind::Parameter, &mut out);
        }
        Kind::Operation => {
            list_of("parameters", Kind::Parameter, &mut out);
            if let Some(body) = value.get("requestBody") {
                out.push((body, Kind::RequestBody, at("requestBody")));
            }
            map_of("responses", Kind::Response, &mut out);
        }
        Kind::Parameter => {
            if let Some(schema) = value.get("schema") {
                out.push((schema, Kind::Schema, at("schema")));
            }
            map_of("content", Kind::MediaType, &mut out);
        }
        Kind::RequestBody | Kind::Response => map_of("content", Kind::MediaType, &mut out),
        Kind::MediaType => {
            if let Some(schema) = value.get("schema") {
                out.push((schema, Kind::Schema, at("schema")));
            }
        }
        Kind::Schema => {
            map_of("properties", Kind::Schema, &mut out);
            for key in ["items", "additionalProperties", "not"] {
                if let Some(child) = value.get(key).filter(|v| v.is_object()) {
                    out.push((child, Kind::Schema, at(key)));
                }
            }
            for key in ["allOf", "oneOf", "anyOf"] {
                list_of(key, Kind::Schema, &mut out);
            }
        }
        Kind::SecurityScheme => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_inside_flattened_objects_are_found() {
        let doc: Value = serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"parameters": [{"name": "x", "in": "query", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "required": true, "properties": {"id": {"type": "string"}}}}}}}}}}
        });
        let (pointer, message) = pinpoint(&doc).unwrap();
        assert_eq!(
            pointer,
            "/paths/~1a/get/responses/200/content/application~1json/schema/required"
        );
        assert!(message.contains("true"), "{message}");
    }

    #[test]
    fn valid_documents_have_no_failure() {
        let doc: Value = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}});
        assert_eq!(pinpoint(&doc), None);
    }
}
