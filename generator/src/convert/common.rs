//! Passes every input version shares, run on the OpenAPI 3.0-shaped tree: JSON Schema syntax
//! that documents of any version use (type lists), and numbers the `openapiv3` types cannot hold
//! (integer bounds beyond 64 bits).

use serde_json::{Map, Value, json};

use super::Note;
use crate::grammar::{self, Dialect, Kind};

/// JSON Schema's list of types (`type: [string, "null"]`) → the OpenAPI 3.0 form: `nullable`
/// for `"null"`, one type as is, several as `anyOf`; `type: "null"` alone → any value that may
/// be null. Returns whether the schema changed.
pub(crate) fn lower_type_list(map: &mut Map<String, Value>) -> bool {
    let types = match map.get("type") {
        Some(Value::Array(types)) => types.clone(),
        Some(Value::String(t)) if t == "null" => vec![Value::String(t.clone())],
        _ => return false,
    };
    let non_null: Vec<Value> = types
        .iter()
        .filter(|t| t.as_str() != Some("null"))
        .cloned()
        .collect();
    if non_null.len() < types.len() {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match non_null.as_slice() {
        [] => {
            map.remove("type");
        }
        [one] => {
            map.insert("type".into(), one.clone());
        }
        // An `enum` beside the list names every value with its type: the enum alone says it.
        _ if map.get("enum").is_some_and(Value::is_array) => {
            map.remove("type");
        }
        many => {
            map.remove("type");
            let branches = many
                .iter()
                .map(|t| {
                    let mut branch = Map::from_iter([("type".to_string(), t.clone())]);
                    // The keywords that constrain this type go with its branch.
                    let keys: Vec<String> = map
                        .keys()
                        .filter(|key| constrains(key, map, t.as_str().unwrap_or_default()))
                        .cloned()
                        .collect();
                    for key in keys {
                        if let Some(value) = map.get(&key) {
                            branch.insert(key, value.clone());
                        }
                    }
                    Value::Object(branch)
                })
                .collect();
            map.retain(|key, _| !TYPE_KEYWORDS.iter().any(|(_, k)| k.contains(&key.as_str())));
            map.insert("anyOf".into(), Value::Array(branches));
        }
    }
    true
}

/// The keywords that constrain values of one type only (JSON Schema validation vocabulary),
/// which a list of types hands to the branch of that type.
const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    (
        "array",
        &[
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
            "minContains",
            "maxContains",
        ],
    ),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "discriminator",
        ],
    ),
    (
        "string",
        &[
            "minLength",
            "maxLength",
            "pattern",
            "contentEncoding",
            "contentMediaType",
        ],
    ),
    (
        "number",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    (
        "integer",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    // `format` is placed by what it names, below.
    ("", &["format"]),
];

/// Whether keyword `key` of `map` constrains values of type `ty`. A numeric `format`
/// (`int32`, `double`) goes to numbers, any other to strings.
fn constrains(key: &str, map: &Map<String, Value>, ty: &str) -> bool {
    if key == "format" {
        let format = map
            .get("format")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let numeric = matches!(format, "float" | "double" | "decimal")
            || format.starts_with("int")
            || format.starts_with("uint");
        return if numeric {
            ty == "number" || ty == "integer"
        } else {
            ty == "string"
        };
    }
    TYPE_KEYWORDS
        .iter()
        .any(|(of, keys)| *of == ty && keys.contains(&key))
}

/// Numeric `exclusiveMinimum`/`exclusiveMaximum` (JSON Schema 2020-12) → the bound plus the
/// boolean flag of OpenAPI 3.0. Returns whether the schema changed.
pub(crate) fn lower_exclusive_bounds(map: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), Value::Bool(true));
            changed = true;
        }
    }
    changed
}

/// JSON Schema 2020-12 syntax in a Swagger 2.0 or OpenAPI 3.0 document (after conversion to
/// the 3.0 shape): type lists and numeric exclusive bounds, which real documents of every
/// version use. Lowered to their 3.0 forms, with a note each.
pub fn lower_json_schema_forms(document: &mut Value, notes: &mut Vec<Note>) {
    grammar::walk_document_mut(document, Dialect::OpenApi30, &mut |node, kind, pointer| {
        if let (Kind::Schema, Value::Object(map)) = (kind, node) {
            let list = map.get("type").is_some_and(Value::is_array);
            if lower_type_list(map) {
                let message = if list {
                    "a list of types is OpenAPI 3.1 syntax; read as its 3.0 form (`nullable`, `anyOf`)"
                } else {
                    "`type: \"null\"` is OpenAPI 3.1 syntax; read as any value that may be null"
                };
                notes.push(Note {
                    pointer: format!("{pointer}/type"),
                    message: message.into(),
                });
            }
            if lower_exclusive_bounds(map) {
                notes.push(Note {
                    pointer: pointer.to_string(),
                    message: "a numeric `exclusiveMinimum`/`exclusiveMaximum` is OpenAPI 3.1 syntax; read as the bound with the 3.0 flag".into(),
                });
            }
            if let Some(patterns) = lower_pattern_properties(map) {
                notes.push(pattern_properties_note(pointer, &patterns));
            }
        }
    });
}

/// `patternProperties` (JSON Schema; 3.0 has no form of it): the members whose names match a
/// pattern have its schema. 3.0's one place for members beyond `properties` is
/// `additionalProperties`, so the patterns' schemas become it: exactly the pattern's schema when
/// no other member is allowed (`additionalProperties: false`), else a union of the patterns'
/// schemas and what other members may be (the `additionalProperties` schema, or any value).
/// The names are not checked against the patterns. The patterns, when it lowered them.
pub(crate) fn lower_pattern_properties(map: &mut Map<String, Value>) -> Option<Vec<String>> {
    let patterns = match map.remove("patternProperties")? {
        Value::Object(patterns) if !patterns.is_empty() => patterns,
        _ => return None,
    };
    let names: Vec<String> = patterns.keys().cloned().collect();
    let mut schemas: Vec<Value> = Vec::new();
    let other = match map.remove("additionalProperties") {
        Some(Value::Bool(false)) => None,
        Some(Value::Object(other)) => Some(Value::Object(other)),
        _ => Some(json!({})),
    };
    // Patterns of one schema are one choice.
    for schema in patterns.into_iter().map(|(_, schema)| schema).chain(other) {
        if !schemas.contains(&schema) {
            schemas.push(schema);
        }
    }
    let additional = match <[Value; 1]>::try_from(schemas) {
        Ok([only]) => only,
        Err(schemas) => json!({"anyOf": schemas}),
    };
    map.insert("additionalProperties".into(), additional);
    Some(names)
}

/// The note for patterns read as additional properties.
pub(crate) fn pattern_properties_note(pointer: &str, patterns: &[String]) -> Note {
    let patterns: Vec<String> = patterns.iter().map(|p| format!("`{p}`")).collect();
    Note {
        pointer: format!("{pointer}/patternProperties"),
        message: format!(
            "members whose names match {} are read as additional properties of their schema; the names are not checked",
            patterns.join(", ")
        ),
    }
}

/// An Encoding Object without `explode` explodes when its style is `form` (the default style),
/// and not otherwise. The document model reads an absent `explode` as false, which would lose
/// the default, so it is written out here: `explode: false` stays what it says.
pub fn spell_out_encoding_explode(document: &mut Value) {
    grammar::walk_document_mut(document, Dialect::OpenApi30, &mut |node, kind, _| {
        if let (Kind::Encoding, Value::Object(map)) = (kind, node) {
            if !map.contains_key("explode") {
                let form = map.get("style").is_none_or(|style| style == "form");
                map.insert("explode".into(), Value::Bool(form));
            }
        }
    });
}

/// Integer schemas whose bounds do not fit `i64` (`minimum: -9223372036854776000` written as a
/// float, `maximum: 18446744073709551615`, `maximum: 1e30`). Bounds that are `i64`'s own limits
/// written as floats become those limits; bounds that need more than `i64` make the integer
/// unsigned (`uint64`) when it cannot be negative, else a `number` (`f64`); fractional bounds
/// round inwards. Each widening is a note and a sentence in the schema's description.
pub fn wide_integers(document: &mut Value, notes: &mut Vec<Note>) {
    grammar::walk_document_mut(document, Dialect::OpenApi30, &mut |node, kind, pointer| {
        if let (Kind::Schema, Value::Object(map)) = (kind, node) {
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                widen(map, pointer, notes);
            }
        }
    });
}

/// An integer bound as `i64`, if it is one (`i64::MIN`/`MAX` written as floats included).
fn as_i64(bound: &Value, round_up: bool) -> Option<i64> {
    if let Some(i) = bound.as_i64() {
        return Some(i);
    }
    let f = bound.as_f64()?;
    let f = if round_up { f.ceil() } else { f.floor() };
    // 2^63 is the float nearest to i64::MAX; documents write i64's limits this way.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (-LIMIT..=LIMIT).contains(&f).then_some(f as i64)
}

fn widen(map: &mut Map<String, Value>, pointer: &str, notes: &mut Vec<Note>) {
    let mut wide = Vec::new();
    for (key, round_up) in [("minimum", true), ("maximum", false), ("multipleOf", false)] {
        let Some(bound) = map.get(key).filter(|b| b.is_number()).cloned() else {
            continue;
        };
        match as_i64(&bound, round_up) {
            Some(i) => {
                map.insert(key.into(), Value::Number(i.into()));
            }
            None => wide.push((key, bound)),
        }
    }
    // Enum values beyond `i64` (or fractional ones) cannot be integers of the generated code.
    if let Some(Value::Array(values)) = map.get("enum") {
        if let Some(value) = values
            .iter()
            .find(|v| v.is_number() && v.as_i64().is_none())
        {
            wide.push(("enum", value.clone()));
        }
    }
    if wide.is_empty() {
        return;
    }
    let non_negative = map
        .get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m >= 0.0);
    // 2^64 is the float nearest to u64::MAX; documents generated from JavaScript write it so.
    const U64_LIMIT: f64 = 18_446_744_073_709_551_616.0;
    let fits_u64 = wide.iter().all(|(k, b)| {
        *k != "enum"
            && (b.as_u64().is_some()
                || b.as_f64()
                    .is_some_and(|f| (0.0..=U64_LIMIT).contains(&f.floor())))
    });
    let bounds: Vec<String> = wide
        .iter()
        .map(|(k, b)| match *k {
            "enum" => format!("the value {b}"),
            _ => format!("{k} {b}"),
        })
        .collect();
    let (sentence, message) = if non_negative && fits_u64 {
        for (key, _) in &wide {
            map.remove(*key);
        }
        map.insert("format".into(), Value::String("uint64".into()));
        (
            format!(
                "Its bounds ({}) need an unsigned 64-bit integer.",
                bounds.join(", ")
            ),
            "integer bounds beyond `i64`; the integer is unsigned (`u64`)",
        )
    } else {
        map.insert("type".into(), Value::String("number".into()));
        map.remove("format");
        // Still a whole number: said so, examples and checks keep to integers.
        map.entry("multipleOf").or_insert(Value::from(1));
        (
            format!(
                "Its bounds ({}) are beyond 64-bit integers, so it is a floating-point number.",
                bounds.join(", ")
            ),
            "integer bounds beyond 64 bits; the value is a floating-point number (`f64`)",
        )
    };
    let description = match map.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{sentence}", d.trim_end()),
        _ => sentence,
    };
    map.insert("description".into(), Value::String(description));
    notes.push(Note {
        pointer: pointer.to_string(),
        message: message.into(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn widened(schema: Value) -> (Value, usize) {
        let mut doc = json!({"openapi": "3.0.3", "components": {"schemas": {"S": schema}}});
        let mut notes = Vec::new();
        wide_integers(&mut doc, &mut notes);
        (doc["components"]["schemas"]["S"].clone(), notes.len())
    }

    #[test]
    fn i64_limits_written_as_floats_are_i64() {
        let (s, notes) = widened(
            json!({"type": "integer", "minimum": -9223372036854776000.0_f64, "maximum": 9223372036854776000.0_f64}),
        );
        assert_eq!(
            s,
            json!({"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX})
        );
        assert_eq!(notes, 0);
    }

    #[test]
    fn a_lone_null_type_is_not_called_a_list() {
        let mut doc = json!({"openapi": "3.0.3", "components": {"schemas": {
            "Nothing": {"type": "null"},
            "Maybe": {"type": ["string", "null"]},
        }}});
        let mut notes = Vec::new();
        lower_json_schema_forms(&mut doc, &mut notes);
        let messages: Vec<(&str, &str)> = notes
            .iter()
            .map(|n| (n.pointer.as_str(), n.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "/components/schemas/Nothing/type",
                    "`type: \"null\"` is OpenAPI 3.1 syntax; read as any value that may be null"
                ),
                (
                    "/components/schemas/Maybe/type",
                    "a list of types is OpenAPI 3.1 syntax; read as its 3.0 form (`nullable`, `anyOf`)"
                ),
            ]
        );
        assert_eq!(
            doc["components"]["schemas"]["Nothing"],
            json!({"nullable": true})
        );
    }

    #[test]
    fn u64_max_written_as_a_float_is_u64() {
        let (s, _) = widened(
            json!({"type": "integer", "minimum": 0, "maximum": 18446744073709552000.0_f64}),
        );
        assert_eq!(s["type"], json!("integer"));
        assert_eq!(s["format"], json!("uint64"));
    }

    #[test]
    fn wider_bounds_pick_u64_or_f64() {
        let (s, _) = widened(json!({"type": "integer", "minimum": 0, "maximum": u64::MAX}));
        assert_eq!(s["format"], json!("uint64"));
        assert!(s.get("maximum").is_none());
        assert!(
            s["description"]
                .as_str()
                .unwrap()
                .contains("unsigned 64-bit")
        );
        let (s, notes) =
            widened(json!({"type": "integer", "description": "Big.", "maximum": 1e30}));
        assert_eq!(s["type"], json!("number"));
        assert_eq!(s["maximum"], json!(1e30));
        assert_eq!(s["multipleOf"], json!(1));
        assert!(
            s["description"]
                .as_str()
                .unwrap()
                .starts_with("Big.\n\nIts bounds")
        );
        assert_eq!(notes, 1);
    }

    #[test]
    fn fractional_bounds_round_inwards() {
        let (s, _) = widened(json!({"type": "integer", "minimum": 0.5, "maximum": 9.5}));
        assert_eq!(s, json!({"type": "integer", "minimum": 1, "maximum": 9}));
    }
}
