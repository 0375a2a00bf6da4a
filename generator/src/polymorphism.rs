//! Polymorphism through `allOf`: a component schema with a `discriminator` that other component
//! schemas extend (`Cat: {allOf: [{$ref: Pet}, …]}`, Swagger 2.0's only way to say it and common
//! in 3.x) stands for itself and every schema that extends it, picked by the discriminator. Read
//! as a plain object it would drop the extra properties of every subtype.
//!
//! So before the document is read as OpenAPI, such a base `B` becomes a `oneOf` of its subtypes
//! (direct or not, in document order) and of its own properties, which move to a new component
//! `BBase` that the subtypes' `allOf` now name. The tags are the mapping's keys, else each
//! schema's name (OpenAPI's implicit mapping) or Azure's `x-ms-discriminator-value`; `B`'s own
//! name selects `BBase`. A tag no variant has decodes as the union's `Unknown`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::diagnostics::{escape_pointer_token, unescape_pointer_token};

const SCHEMAS: &str = "#/components/schemas/";

/// Where a base's own properties moved: `(new pointer, old pointer)`, for diagnostics.
pub(crate) type Moved = Vec<(String, String)>;

/// Rewrites every discriminated base that component schemas extend; returns what moved.
pub(crate) fn unfold_polymorphic_bases(raw: &mut Value) -> Moved {
    let Some(schemas) = raw
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Vec::new();
    };
    let extends = extension_edges(schemas);
    let bases: Vec<String> = schemas
        .iter()
        .filter(|(_, s)| is_discriminated_base(s))
        .map(|(name, _)| name.clone())
        .collect();
    let mut plans = Vec::new();
    for base in bases {
        let subtypes: Vec<String> = schemas
            .keys()
            .filter(|s| **s != base && reaches(s, &base, &extends))
            .cloned()
            .collect();
        if !subtypes.is_empty() {
            plans.push((base, subtypes));
        }
    }
    let mut taken: BTreeSet<String> = schemas.keys().cloned().collect();
    let mut moved = Vec::new();
    for (base, subtypes) in plans {
        let own = unique_name(&format!("{base}Base"), &mut taken);
        unfold(schemas, &base, &own, &subtypes, &extends);
        moved.push((schema_pointer(&own), schema_pointer(&base)));
    }
    moved
}

/// A schema with a discriminator that is not already a union.
fn is_discriminated_base(schema: &Value) -> bool {
    schema
        .pointer("/discriminator/propertyName")
        .is_some_and(Value::is_string)
        && schema.get("oneOf").is_none()
        && schema.get("anyOf").is_none()
}

/// Schema name → the component schemas its `allOf` names.
fn extension_edges(schemas: &Map<String, Value>) -> BTreeMap<String, Vec<String>> {
    schemas
        .iter()
        .map(|(name, schema)| (name.clone(), all_of_refs(schema).collect()))
        .collect()
}

/// The component schemas an `allOf` names directly.
fn all_of_refs(schema: &Value) -> impl Iterator<Item = String> + '_ {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(component_ref)
}

/// The schema name a `{$ref: "#/components/schemas/Name"}` names.
fn component_ref(part: &Value) -> Option<String> {
    let target = part.get("$ref")?.as_str()?.strip_prefix(SCHEMAS)?;
    (!target.contains('/')).then(|| unescape_pointer_token(target))
}

/// Whether `from` extends `to` through one `allOf` or a chain of them.
fn reaches(from: &str, to: &str, extends: &BTreeMap<String, Vec<String>>) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(name) = stack.pop() {
        for next in extends.get(&name).into_iter().flatten() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    false
}

fn unique_name(wanted: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = wanted.to_string();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{wanted}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

fn schema_pointer(name: &str) -> String {
    format!("/components/schemas/{}", escape_pointer_token(name))
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("{SCHEMAS}{}", escape_pointer_token(name)) })
}

/// Moves `base`'s own schema to `own`, points the `allOf` of its direct subtypes there, and
/// makes `base` the discriminated union of its subtypes and `own`.
fn unfold(
    schemas: &mut Map<String, Value>,
    base: &str,
    own: &str,
    subtypes: &[String],
    extends: &BTreeMap<String, Vec<String>>,
) {
    let Some(Value::Object(mut properties)) = schemas.remove(base) else {
        return;
    };
    let Some(Value::Object(mut discriminator)) = properties.remove("discriminator") else {
        return;
    };
    // Extensions such as `x-rust-name` name the union, which keeps the base's name.
    let extensions: Vec<(String, Value)> = properties
        .iter()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, _) in &extensions {
        properties.remove(key);
    }
    let mut mapping = match discriminator.remove("mapping") {
        Some(Value::Object(mapping)) => mapping,
        _ => Map::new(),
    };
    let base_ref = format!("{SCHEMAS}{}", escape_pointer_token(base));
    for target in mapping.values_mut() {
        if target.as_str().is_some_and(|t| t == base_ref || t == base) {
            *target = schema_ref(own)["$ref"].clone();
        }
    }
    let own_tag = azure_tag(&Value::Object(properties.clone())).unwrap_or_else(|| base.to_string());
    if !mapping.contains_key(&own_tag) && !mapping.values().any(|t| *t == schema_ref(own)["$ref"]) {
        mapping.insert(own_tag, schema_ref(own)["$ref"].clone());
    }
    for subtype in subtypes {
        let Some(schema) = schemas.get_mut(subtype) else {
            continue;
        };
        if let Some(tag) = azure_tag(schema) {
            mapping
                .entry(tag)
                .or_insert_with(|| schema_ref(subtype)["$ref"].clone());
        }
        if extends
            .get(subtype)
            .is_some_and(|e| e.iter().any(|b| b == base))
        {
            retarget_all_of(schema, base, own);
        }
    }
    discriminator.insert("mapping".into(), Value::Object(mapping));
    let mut union = Map::new();
    if let Some(description) = properties.get("description") {
        union.insert("description".into(), description.clone());
    }
    let variants = subtypes
        .iter()
        .map(|s| schema_ref(s))
        .chain([schema_ref(own)]);
    union.insert("oneOf".into(), Value::Array(variants.collect()));
    union.insert("discriminator".into(), Value::Object(discriminator));
    union.extend(extensions);
    schemas.insert(own.to_string(), Value::Object(properties));
    schemas.insert(base.to_string(), Value::Object(union));
}

/// The tag Azure's `x-ms-discriminator-value` gives a schema.
fn azure_tag(schema: &Value) -> Option<String> {
    schema
        .get("x-ms-discriminator-value")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Points `schema`'s `allOf` parts that name `base` at `own`; a part's other keys (3.1 allows
/// a `description` beside `$ref`) stay.
fn retarget_all_of(schema: &mut Value, base: &str, own: &str) {
    let parts = schema.get_mut("allOf").and_then(Value::as_array_mut);
    for part in parts.into_iter().flatten() {
        if component_ref(part).as_deref() == Some(base) {
            part["$ref"] = schema_ref(own)["$ref"].clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pets() -> Value {
        json!({"components": {"schemas": {
            "Pet": {
                "type": "object",
                "description": "A pet.",
                "discriminator": {"propertyName": "petType"},
                "x-rust-name": "Animal",
                "required": ["petType"],
                "properties": {"petType": {"type": "string"}, "name": {"type": "string"}}
            },
            "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"lives": {"type": "integer"}}}]},
            "Lion": {"allOf": [{"$ref": "#/components/schemas/Cat"}], "x-ms-discriminator-value": "lion"},
            "Tiger": {"allOf": [{"$ref": "#/components/schemas/Pet", "description": "Striped."}]},
            "Owner": {"properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
            "Plain": {"discriminator": {"propertyName": "kind"}, "properties": {"kind": {"type": "string"}}}
        }}})
    }

    #[test]
    fn a_base_that_schemas_extend_becomes_the_union_of_them_and_its_own_properties() {
        let mut raw = pets();
        let moved = unfold_polymorphic_bases(&mut raw);
        assert_eq!(
            moved,
            [(
                "/components/schemas/PetBase".to_string(),
                "/components/schemas/Pet".to_string()
            )]
        );
        let schemas = &raw["components"]["schemas"];
        assert_eq!(
            schemas["Pet"],
            json!({
                "description": "A pet.",
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Lion"},
                    {"$ref": "#/components/schemas/Tiger"},
                    {"$ref": "#/components/schemas/PetBase"}
                ],
                "discriminator": {"propertyName": "petType", "mapping": {
                    "Pet": "#/components/schemas/PetBase",
                    "lion": "#/components/schemas/Lion"
                }},
                "x-rust-name": "Animal"
            })
        );
        assert_eq!(
            schemas["PetBase"]["properties"]["name"],
            json!({"type": "string"})
        );
        assert!(schemas["PetBase"].get("discriminator").is_none());
        assert!(schemas["PetBase"].get("x-rust-name").is_none());
        // Only the direct subtype's `allOf` moves to the base's own properties.
        assert_eq!(
            schemas["Cat"]["allOf"][0],
            json!({"$ref": "#/components/schemas/PetBase"})
        );
        assert_eq!(
            schemas["Lion"]["allOf"][0],
            json!({"$ref": "#/components/schemas/Cat"})
        );
        // A property of the base's type now holds any of them; a base nobody extends stays.
        assert_eq!(
            schemas["Owner"]["properties"]["pet"],
            json!({"$ref": "#/components/schemas/Pet"})
        );
        assert!(schemas["Plain"].get("oneOf").is_none());
    }

    #[test]
    fn a_mapping_to_the_base_itself_names_its_own_properties_and_a_taken_name_is_numbered() {
        let mut raw = json!({"components": {"schemas": {
            "Shape": {"discriminator": {"propertyName": "kind", "mapping": {
                "shape": "#/components/schemas/Shape", "sq": "Square"
            }}},
            "ShapeBase": {"type": "string"},
            "Square": {"allOf": [{"$ref": "#/components/schemas/Shape"}]}
        }}});
        unfold_polymorphic_bases(&mut raw);
        let shape = &raw["components"]["schemas"]["Shape"];
        assert_eq!(
            shape["discriminator"]["mapping"],
            json!({"shape": "#/components/schemas/ShapeBase2", "sq": "Square"})
        );
        assert_eq!(
            raw["components"]["schemas"]["ShapeBase"],
            json!({"type": "string"})
        );
    }
}
