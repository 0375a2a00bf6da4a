//! Enumerations: a schema's `enum` list, and a `oneOf`/`anyOf` whose members are each a
//! constant (`const` or a one-value `enum`), the JSON Schema way of naming and documenting each
//! value (`oneOf: [{title: NONE, const: 0}, {title: EVERYONE, const: 1}]`), or enumerations
//! beside a plain member of their kind (known values or any other).

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

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

/// What a `oneOf`/`anyOf` of enumerations is, when it is one enumeration.
pub(super) enum Enumeration<'d> {
    /// Inline members: their values, each named by its member's title and described by its
    /// description when the member is a single constant.
    Inline(Vec<Labelled>),
    /// One referenced enumeration beside plain members of its kind: that component, and the
    /// member's index.
    Component(&'d str, usize),
}

/// The JSON kind of a plain scalar member (`{type: string}`), which adds no value an open
/// enumeration does not keep already.
#[derive(Clone, Copy, PartialEq)]
enum Plain {
    String,
    Integer,
}

impl<'d> Context<'d> {
    /// A `oneOf`/`anyOf` whose members are each a constant or an enumeration, optionally beside
    /// plain members of the values' kind (`anyOf: [{enum: [a, b]}, {type: string}]`, the usual
    /// way of saying "known values or any other"). Generated enums are open (`Unknown` keeps
    /// any other value), so the plain members add nothing; as an untagged union, the first
    /// member would take every value.
    pub(super) fn enumeration(
        &self,
        members: &'d [ReferenceOr<Schema>],
    ) -> Option<Enumeration<'d>> {
        let mut labelled = Vec::new();
        let mut plain = Vec::new();
        let mut components = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let schema = match member {
                ReferenceOr::Reference { reference } => {
                    let values = enum_values(self.resolve_schema(member.into())?)?;
                    components.push((reference.as_str(), i, values));
                    continue;
                }
                // A member that admits null makes the whole nullable: not this rule's case.
                ReferenceOr::Item(schema) if schema.schema_data.nullable => return None,
                ReferenceOr::Item(schema) => schema,
            };
            if let Some(kind) = plain_scalar(schema) {
                plain.push(kind);
                continue;
            }
            let values = enum_values(schema)?;
            let data = &schema.schema_data;
            let single = values.len() == 1;
            for value in values {
                labelled.push(Labelled {
                    value,
                    name: data.title.clone().filter(|t| single && has_letters(t)),
                    description: data
                        .description
                        .clone()
                        .filter(|d| single && !d.trim().is_empty()),
                });
            }
        }
        let values = labelled
            .iter()
            .map(|l| &l.value)
            .chain(components.iter().flat_map(|(_, _, v)| v));
        let fits = |value: &EnumValue| {
            plain.iter().all(|kind| match kind {
                Plain::String => matches!(value, EnumValue::String(_)),
                Plain::Integer => matches!(value, EnumValue::Integer(_)),
            })
        };
        if !values.clone().all(fits) {
            return None;
        }
        match (components.as_slice(), labelled.is_empty(), plain.is_empty()) {
            ([], false, _) => Some(Enumeration::Inline(labelled)),
            ([(reference, i, _)], true, false) => Some(Enumeration::Component(reference, *i)),
            _ => None,
        }
    }
}

/// A scalar schema that allows any value of its kind: `{type: string}` (any format but
/// binary, which is not text) or `{type: integer}`, without an enum.
fn plain_scalar(schema: &Schema) -> Option<Plain> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s))
            if s.enumeration.is_empty()
                && s.format != VariantOrUnknownOrEmpty::Item(StringFormat::Binary) =>
        {
            Some(Plain::String)
        }
        SchemaKind::Type(Type::Integer(i)) if i.enumeration.is_empty() => Some(Plain::Integer),
        _ => None,
    }
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
