//! What a schema says about acceptable values beyond their Rust type (`ir::ValueFacts`):
//! examples, formats, bounds, lengths and patterns, for making up values the document accepts.

use indexmap::IndexMap;
use openapiv3::{
    Example, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::Context;
use super::refs::{ComponentKind, component_name};
use super::schemas::{SchemaRef, tuple_elements};
use crate::ir::ValueFacts;

impl<'d> Context<'d> {
    /// The facts of a schema position. A reference has none of its own: the referenced type's
    /// definition carries them.
    pub(super) fn schema_facts(&self, schema: SchemaRef<'d>) -> ValueFacts {
        match schema {
            SchemaRef::Ref(_) => ValueFacts::default(),
            SchemaRef::Inline(schema) => facts_of(schema),
        }
    }

    /// `example` and the values of `examples` of a parameter or media type, with references to
    /// `#/components/examples` resolved.
    pub(super) fn example_values(
        &self,
        example: Option<&Value>,
        examples: &IndexMap<String, ReferenceOr<Example>>,
    ) -> Vec<Value> {
        let components = self.doc.openapi.components.as_ref().map(|c| &c.examples);
        let mut out: Vec<Value> = example.cloned().into_iter().collect();
        for example in examples.values() {
            let found = match example {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { reference } => {
                    component_name(reference, ComponentKind::Examples)
                        .and_then(|key| components.and_then(|c| c.get(&key)))
                        .and_then(|e| match e {
                            ReferenceOr::Item(e) => e.value.clone(),
                            ReferenceOr::Reference { .. } => None,
                        })
                }
            };
            out.extend(found);
        }
        out
    }
}

/// The facts of an inline schema.
pub(super) fn facts_of(schema: &Schema) -> ValueFacts {
    let mut facts = ValueFacts::default();
    facts.examples.extend(schema.schema_data.example.clone());
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            facts.format = match &s.format {
                VariantOrUnknownOrEmpty::Item(f) => Some(string_format(f).to_string()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            facts.pattern = s.pattern.clone();
            facts.min_length = s.min_length;
            facts.max_length = s.max_length;
        }
        SchemaKind::Type(Type::Number(n)) => {
            facts.format = match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float".into()),
                VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double".into()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            facts.minimum = n.minimum;
            facts.maximum = n.maximum;
            facts.exclusive_minimum = n.exclusive_minimum;
            facts.exclusive_maximum = n.exclusive_maximum;
            facts.multiple_of = n.multiple_of;
            facts.enumeration = n
                .enumeration
                .iter()
                .flatten()
                .filter_map(|v| serde_json::Number::from_f64(*v).map(Value::Number))
                .collect();
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            facts.enumeration = b
                .enumeration
                .iter()
                .flatten()
                .map(|v| Value::Bool(*v))
                .collect();
        }
        SchemaKind::Type(Type::Integer(i)) => {
            facts.format = match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32".into()),
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64".into()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            // Bounds beyond 2^53 lose precision as f64, which only matters at the very edges.
            facts.minimum = i.minimum.map(|v| v as f64);
            facts.maximum = i.maximum.map(|v| v as f64);
            facts.exclusive_minimum = i.exclusive_minimum;
            facts.exclusive_maximum = i.exclusive_maximum;
            facts.multiple_of = i.multiple_of.map(|v| v as f64);
        }
        SchemaKind::Type(Type::Array(a)) => {
            facts.min_items = a.min_items;
            facts.max_items = a.max_items;
            facts.unique_items = a.unique_items;
            facts.items = inline_facts(a.items.as_ref());
            if let Some(elements) = tuple_elements(a.items.as_ref()) {
                facts.items = None;
                facts.elements = elements.iter().map(element_facts).collect();
            }
        }
        SchemaKind::Type(Type::Object(o)) => {
            facts.min_properties = o.min_properties;
            facts.closed = matches!(
                o.additional_properties,
                Some(openapiv3::AdditionalProperties::Any(false))
            );
            if let Some(openapiv3::AdditionalProperties::Schema(s)) = &o.additional_properties {
                facts.items = inline_facts_of(s.as_ref());
            }
        }
        SchemaKind::AllOf { all_of } => {
            // Constraints spread over inline parts (`allOf: [{$ref}, {maxLength: 5}]`) all hold.
            for part in all_of {
                if let ReferenceOr::Item(part) = part {
                    merge(&mut facts, facts_of(part));
                }
            }
        }
        SchemaKind::Any(a) => {
            // `enum` beside `allOf`/`$ref` narrows the referenced type's values.
            facts.enumeration = a
                .enumeration
                .iter()
                .filter(|v| !v.is_null())
                .cloned()
                .collect();
            facts.format = a.format.clone();
            facts.pattern = a.pattern.clone();
            facts.minimum = a.minimum;
            facts.maximum = a.maximum;
            facts.exclusive_minimum = a.exclusive_minimum.unwrap_or(false);
            facts.exclusive_maximum = a.exclusive_maximum.unwrap_or(false);
            facts.multiple_of = a.multiple_of;
            facts.min_length = a.min_length;
            facts.max_length = a.max_length;
            facts.min_items = a.min_items;
            facts.max_items = a.max_items;
            facts.unique_items = a.unique_items.unwrap_or(false);
            facts.min_properties = a.min_properties;
            facts.closed = matches!(
                a.additional_properties,
                Some(openapiv3::AdditionalProperties::Any(false))
            );
            facts.items =
                inline_facts(a.items.as_ref()).or_else(|| match &a.additional_properties {
                    Some(openapiv3::AdditionalProperties::Schema(s)) => inline_facts_of(s.as_ref()),
                    _ => None,
                });
            if let Some(elements) = tuple_elements(a.items.as_ref()) {
                facts.items = None;
                facts.elements = elements.iter().map(element_facts).collect();
            }
            for part in &a.all_of {
                if let ReferenceOr::Item(part) = part {
                    merge(&mut facts, facts_of(part));
                }
            }
        }
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {}
    }
    facts.examples.extend(schema.schema_data.default.clone());
    facts.null_refused = schema.schema_data.nullable
        && match &schema.schema_kind {
            SchemaKind::Type(_) => false,
            SchemaKind::Any(a) => a.typ.is_none(),
            SchemaKind::AllOf { .. }
            | SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::Not { .. } => true,
        };
    facts
}

fn inline_facts(items: Option<&ReferenceOr<Box<Schema>>>) -> Option<Box<ValueFacts>> {
    match items? {
        ReferenceOr::Item(schema) => Some(Box::new(facts_of(schema))).filter(|f| !f.is_empty()),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The facts of a tuple element: its own when inline, none when a reference (the referenced
/// type's definition carries them).
fn element_facts(element: &ReferenceOr<Schema>) -> ValueFacts {
    match element {
        ReferenceOr::Item(schema) => facts_of(schema),
        ReferenceOr::Reference { .. } => ValueFacts::default(),
    }
}

/// The facts of an `additionalProperties` schema, when inline.
fn inline_facts_of(schema: &ReferenceOr<Schema>) -> Option<Box<ValueFacts>> {
    match schema {
        ReferenceOr::Item(schema) => Some(Box::new(facts_of(schema))).filter(|f| !f.is_empty()),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Adds what `more` knows and `facts` does not.
fn merge(facts: &mut ValueFacts, more: ValueFacts) {
    facts.examples.extend(more.examples);
    facts.format = facts.format.take().or(more.format);
    facts.pattern = facts.pattern.take().or(more.pattern);
    facts.minimum = facts.minimum.or(more.minimum);
    facts.maximum = facts.maximum.or(more.maximum);
    facts.exclusive_minimum |= more.exclusive_minimum;
    facts.exclusive_maximum |= more.exclusive_maximum;
    facts.multiple_of = facts.multiple_of.or(more.multiple_of);
    facts.min_length = facts.min_length.or(more.min_length);
    facts.max_length = facts.max_length.or(more.max_length);
    facts.min_items = facts.min_items.or(more.min_items);
    facts.max_items = facts.max_items.or(more.max_items);
    facts.unique_items |= more.unique_items;
    facts.min_properties = facts.min_properties.or(more.min_properties);
    facts.null_refused |= more.null_refused;
    if facts.enumeration.is_empty() {
        facts.enumeration = more.enumeration;
    }
    facts.items = facts.items.take().or(more.items);
    if facts.elements.is_empty() {
        facts.elements = more.elements;
    }
}

fn string_format(format: &StringFormat) -> &'static str {
    match format {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: Value) -> Schema {
        serde_json::from_value(json).expect("a schema")
    }

    #[test]
    fn string_facts_and_examples_then_default() {
        let f = facts_of(&schema(serde_json::json!({
            "type": "string", "format": "uuid", "pattern": "^[a-f0-9-]+$",
            "minLength": 36, "maxLength": 36, "example": "x", "default": "y"
        })));
        assert_eq!(f.format.as_deref(), Some("uuid"));
        assert_eq!(f.pattern.as_deref(), Some("^[a-f0-9-]+$"));
        assert_eq!((f.min_length, f.max_length), (Some(36), Some(36)));
        assert_eq!(f.examples, vec![Value::from("x"), Value::from("y")]);
    }

    #[test]
    fn integer_bounds_and_array_items() {
        let f = facts_of(&schema(serde_json::json!({
            "type": "array", "minItems": 2, "uniqueItems": true,
            "items": {"type": "integer", "minimum": 3, "exclusiveMaximum": true, "maximum": 9}
        })));
        assert_eq!(f.min_items, Some(2));
        assert!(f.unique_items);
        let items = f.items.expect("item facts");
        assert_eq!((items.minimum, items.maximum), (Some(3.0), Some(9.0)));
        assert!(items.exclusive_maximum && !items.exclusive_minimum);
    }

    #[test]
    fn all_of_parts_add_their_constraints() {
        let f = facts_of(&schema(serde_json::json!({
            "allOf": [{"$ref": "#/components/schemas/Name"}, {"maxLength": 5}],
            "example": "abc"
        })));
        assert_eq!(f.max_length, Some(5));
        assert_eq!(f.examples, vec![Value::from("abc")]);
    }
}
