//! Enumerations: a schema's `enum` list, and a `oneOf`/`anyOf` whose members are each a
//! constant (`const` or a one-value `enum`), the JSON Schema way of naming and documenting each
//! value (`oneOf: [{title: NONE, const: 0}, {title: EVERYONE, const: 1}]`).

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::Context;
use super::names::{Namespace, enum_variant_name, type_name};
use crate::diagnostics::pointer_join;
use crate::ir::{EnumDef, EnumRepr, EnumValue, EnumVariant, TypeKind};

/// One value of an enumeration, with the name and description the document gives it.
pub(super) struct Labelled {
    pub(super) value: EnumValue,
    pub(super) name: Option<String>,
    pub(super) description: Option<String>,
}

impl Context<'_> {
    /// An enum definition from a schema's `enum` values, named by `x-enum-varnames` and
    /// described by `x-enum-descriptions` when those list one entry per value.
    pub(super) fn enum_kind(
        &mut self,
        values: Vec<EnumValue>,
        schema: &Schema,
        pointer: &str,
    ) -> TypeKind {
        let count = values.len();
        let names = self.per_value(
            schema,
            "x-enum-varnames",
            count,
            pointer,
            "using derived names",
        );
        let descriptions = self.per_value(
            schema,
            "x-enum-descriptions",
            count,
            pointer,
            "the values are not described",
        );
        let labelled = values
            .into_iter()
            .enumerate()
            .map(|(i, value)| Labelled {
                value,
                name: names.as_ref().map(|n| n[i].clone()),
                description: descriptions
                    .as_ref()
                    .map(|d| d[i].clone())
                    .filter(|d| !d.trim().is_empty()),
            })
            .collect();
        enum_def(labelled)
    }

    /// A list extension with one string per enum value; a list of another length is warned
    /// about, saying what is done `instead`.
    fn per_value(
        &mut self,
        schema: &Schema,
        key: &str,
        count: usize,
        pointer: &str,
        instead: &str,
    ) -> Option<Vec<String>> {
        let given = schema.schema_data.extensions.get(key)?;
        let list = serde_json::from_value::<Vec<String>>(given.clone())
            .ok()
            .filter(|list| list.len() == count);
        if list.is_none() {
            self.warn(
                pointer_join(pointer, key),
                format!("`{key}` must list one entry per enum value; {instead}"),
            );
        }
        list
    }
}

/// An enum definition: of strings, of integers, or of mixed JSON scalars. A value given twice
/// is one variant.
pub(super) fn enum_def(labelled: Vec<Labelled>) -> TypeKind {
    let repr = if labelled
        .iter()
        .all(|l| matches!(l.value, EnumValue::Integer(_)))
    {
        EnumRepr::Integer
    } else if labelled
        .iter()
        .all(|l| matches!(l.value, EnumValue::String(_)))
    {
        EnumRepr::String
    } else {
        EnumRepr::Mixed
    };
    let mut names = Namespace::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for Labelled {
        value,
        name,
        description,
    } in labelled
    {
        if !seen.insert(value.clone()) {
            continue;
        }
        let wanted = match (name.as_deref().map(type_name), &value) {
            (Some(name), _) => name,
            (None, EnumValue::String(s)) => enum_variant_name(s),
            (None, EnumValue::Integer(n)) if *n < 0 => format!("ValueMinus{}", n.unsigned_abs()),
            (None, EnumValue::Integer(n)) => format!("Value{n}"),
            (None, EnumValue::Json(text)) => enum_variant_name(text),
        };
        variants.push(EnumVariant {
            name: names.claim(&wanted),
            value,
            description,
        });
    }
    TypeKind::Enum(EnumDef { repr, variants })
}

/// The values of a `oneOf`/`anyOf` whose members are all inline constants, each named by its
/// title and described by its description. An untagged union of such members could not work:
/// each member is an open enum, and the first would take every value.
pub(super) fn constant_members(members: &[ReferenceOr<Schema>]) -> Option<Vec<Labelled>> {
    let mut out = Vec::new();
    for member in members {
        let ReferenceOr::Item(schema) = member else {
            return None;
        };
        let values = enum_values(schema)?;
        let data = &schema.schema_data;
        let single = values.len() == 1;
        for value in values {
            out.push(Labelled {
                value,
                name: data.title.clone().filter(|t| single && has_letters(t)),
                description: data
                    .description
                    .clone()
                    .filter(|d| single && !d.trim().is_empty()),
            });
        }
    }
    (!out.is_empty()).then_some(out)
}

fn has_letters(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_alphabetic())
}

/// The values of a schema that is only an enumeration of scalars (none of them null).
fn enum_values(schema: &Schema) -> Option<Vec<EnumValue>> {
    let values: Vec<EnumValue> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s
            .enumeration
            .iter()
            .map(|v| v.clone().map(EnumValue::String))
            .collect::<Option<_>>()?,
        SchemaKind::Type(Type::Integer(i)) => i
            .enumeration
            .iter()
            .map(|v| v.map(EnumValue::Integer))
            .collect::<Option<_>>()?,
        SchemaKind::Type(Type::Number(n)) => n
            .enumeration
            .iter()
            .map(|v| v.and_then(|v| json_scalar(&serde_json::json!(v))))
            .collect::<Option<_>>()?,
        SchemaKind::Type(Type::Boolean(b)) => b
            .enumeration
            .iter()
            .map(|v| v.map(|v| EnumValue::Json(v.to_string())))
            .collect::<Option<_>>()?,
        SchemaKind::Any(any)
            if any.properties.is_empty()
                && any.additional_properties.is_none()
                && any.items.is_none()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none() =>
        {
            any.enumeration
                .iter()
                .map(json_scalar)
                .collect::<Option<_>>()?
        }
        _ => return None,
    };
    (!values.is_empty()).then_some(values)
}

/// A JSON scalar as an enum value; `None` for null, arrays and objects.
pub(super) fn json_scalar(value: &serde_json::Value) -> Option<EnumValue> {
    match value {
        serde_json::Value::String(s) => Some(EnumValue::String(s.clone())),
        serde_json::Value::Number(n) => Some(
            n.as_i64()
                .map_or_else(|| EnumValue::Json(n.to_string()), EnumValue::Integer),
        ),
        serde_json::Value::Bool(b) => Some(EnumValue::Json(b.to_string())),
        _ => None,
    }
}
