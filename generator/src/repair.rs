//! Lenient mode: repairs for defects that real documents are known to have, each reported as a
//! warning at the place it was made. Without `--lenient` these documents fail with an error at
//! the same place.
//!
//! The repairs:
//! 1. `required: true|false` on a property schema (Swagger 2.0 habit, e.g. Spotify's document):
//!    removed, and `true` adds the property to the parent object's `required` list.
//! 2. A security requirement naming a scheme that `components.securitySchemes` does not define
//!    (e.g. WLC CPaaS's `BasicAuth`): the requirement is dropped.

use serde_json::Value;

use crate::diagnostics::escape_pointer_token;

/// One repair made: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub pointer: String,
    pub message: String,
}

/// Applies every known repair to `doc` in place.
pub fn repair(doc: &mut Value) -> Vec<Repair> {
    let mut repairs = Vec::new();
    boolean_required(doc, String::new(), &mut repairs);
    undefined_security_schemes(doc, &mut repairs);
    repairs
}

fn boolean_required(node: &mut Value, pointer: String, repairs: &mut Vec<Repair>) {
    match node {
        Value::Object(map) => {
            // Properties that say `required: <bool>` themselves.
            let mut now_required = Vec::new();
            if let Some(Value::Object(properties)) = map.get_mut("properties") {
                for (name, property) in properties.iter_mut() {
                    if let Some(flag) = property
                        .as_object_mut()
                        .and_then(|p| p.get("required"))
                        .and_then(Value::as_bool)
                    {
                        if let Some(p) = property.as_object_mut() {
                            p.remove("required");
                        }
                        let at = format!(
                            "{pointer}/properties/{}/required",
                            escape_pointer_token(name)
                        );
                        repairs.push(Repair {
                            pointer: at,
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
            }
            if !now_required.is_empty() {
                let list = map
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.extend(now_required);
                }
            }
            // A boolean `required` left on a schema that is not a property: drop it.
            let is_schema_like = map.contains_key("type") || map.contains_key("properties");
            if is_schema_like && map.get("required").is_some_and(Value::is_boolean) {
                map.remove("required");
                repairs.push(Repair {
                    pointer: format!("{pointer}/required"),
                    message: "repaired: a schema's `required` must list property names; the boolean was removed".into(),
                });
            }
            for (key, child) in map.iter_mut() {
                boolean_required(
                    child,
                    format!("{pointer}/{}", escape_pointer_token(key)),
                    repairs,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                boolean_required(child, format!("{pointer}/{i}"), repairs);
            }
        }
        _ => {}
    }
}

fn undefined_security_schemes(doc: &mut Value, repairs: &mut Vec<Repair>) {
    let defined: Vec<String> = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut fix = |list: &mut Value, pointer: String| {
        let Value::Array(requirements) = list else {
            return;
        };
        let mut kept = Vec::new();
        for (i, requirement) in requirements.drain(..).enumerate() {
            let unknown: Vec<String> = requirement
                .as_object()
                .map(|r| r.keys().filter(|k| !defined.contains(k)).cloned().collect())
                .unwrap_or_default();
            if unknown.is_empty() {
                kept.push(requirement);
            } else {
                repairs.push(Repair {
                    pointer: format!("{pointer}/{i}"),
                    message: format!("repaired: security requirement names undefined scheme(s) {}; it was dropped", unknown.join(", ")),
                });
            }
        }
        *requirements = kept;
    };
    if let Some(global) = doc.get_mut("security") {
        fix(global, "/security".into());
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                if let Some(security) = op.get_mut("security") {
                    fix(
                        security,
                        format!("/paths/{}/{method}/security", escape_pointer_token(path)),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn boolean_required_moves_into_the_parent_list() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "required": ["x"], "properties": {
            "x": {"type": "string"}, "y": {"type": "string", "required": true}, "z": {"type": "string", "required": false}}}}}});
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
    fn undefined_schemes_are_dropped() {
        let mut doc = json!({"components": {"securitySchemes": {"Key": {}}},
            "paths": {"/a": {"get": {"security": [{"Key": []}, {"Basic": []}]}}}});
        let repairs = repair(&mut doc);
        assert_eq!(doc["paths"]["/a"]["get"]["security"], json!([{"Key": []}]));
        assert_eq!(repairs[0].pointer, "/paths/~1a/get/security/1");
    }
}
