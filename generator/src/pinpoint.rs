//! Finding the exact node a document fails to deserialize at.
//!
//! `openapiv3` flattens extensions into most objects, and serde loses track of the path inside
//! flattened content, so a bad `required: true` deep in a schema is reported at `/paths`. This
//! module walks down the OpenAPI structure instead, deserializing each child with its own type,
//! until it finds the smallest node that fails.

use openapiv3::{
    Callback, Components, Encoding, Example, Header, Link, MediaType, OpenAPI, Operation,
    Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityRequirement,
    SecurityScheme,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::escape_pointer_token;
use crate::grammar::{self, Dialect, Kind};

/// The deepest object of the OpenAPI grammar that fails to deserialize, and where inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The pointer of the failing object (a schema, a parameter, …).
    pub object: String,
    pub kind: Kind,
    /// The pointer of the failing value itself, at or below `object`.
    pub pointer: String,
    /// serde's message there.
    pub message: String,
}

/// The deepest failing node of a document that does not deserialize: its pointer and serde's
/// message there. `None` when the whole document deserializes.
pub fn pinpoint(raw: &Value) -> Option<(String, String)> {
    failure(raw).map(|f| (f.pointer, f.message))
}

/// The deepest failing object of a document (in the OpenAPI 3.0 shape), `None` when the
/// whole document deserializes.
pub fn failure(raw: &Value) -> Option<Failure> {
    walk(raw, Kind::Document, String::new())
}

fn first_error<T: DeserializeOwned>(value: &Value) -> Option<(String, String)> {
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
        Kind::Document => first_error::<OpenAPI>(value),
        Kind::Components => first_error::<Components>(value),
        Kind::PathItem => first_error::<ReferenceOr<PathItem>>(value),
        Kind::Operation => first_error::<Operation>(value),
        Kind::Parameter => first_error::<ReferenceOr<Parameter>>(value),
        Kind::RequestBody => first_error::<ReferenceOr<RequestBody>>(value),
        Kind::Response => first_error::<ReferenceOr<Response>>(value),
        Kind::MediaType => first_error::<MediaType>(value),
        Kind::Header => first_error::<ReferenceOr<Header>>(value),
        Kind::Encoding => first_error::<Encoding>(value),
        Kind::Schema => first_error::<ReferenceOr<Schema>>(value),
        Kind::SecurityScheme => first_error::<ReferenceOr<SecurityScheme>>(value),
        Kind::Security => first_error::<Vec<SecurityRequirement>>(value),
        Kind::Callback => first_error::<ReferenceOr<Callback>>(value),
        Kind::Link => first_error::<ReferenceOr<Link>>(value),
        Kind::Example => first_error::<ReferenceOr<Example>>(value),
        Kind::Tag => first_error::<openapiv3::Tag>(value),
        // Swagger 2.0 only; a 3.0-shaped document has none.
        Kind::Items => None,
    }
}

fn walk(value: &Value, kind: Kind, pointer: String) -> Option<Failure> {
    let (inner, message) = check(value, kind)?;
    for c in grammar::children(value, kind, Dialect::OpenApi30) {
        if let Some(child) = grammar::child(value, &c.steps) {
            if let Some(found) = walk(child, c.kind, c.pointer(&pointer)) {
                return Some(found);
            }
        }
    }
    let at = match (kind, mistyped_schema_keyword(value)) {
        (Kind::Schema, Some(key)) => format!("{pointer}/{key}"),
        _ => format!("{pointer}{inner}"),
    };
    Some(Failure {
        object: pointer,
        kind,
        pointer: at,
        message,
    })
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
