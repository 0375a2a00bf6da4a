//! Objects made of parts: the keywords of `allOf` parts merged into one object, with the
//! properties written beside `allOf`, `oneOf` or `anyOf`, and unions of shapes among the parts
//! flattened into it.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

use super::Context;
use super::names::value_name;
use super::refs::{ComponentKind, component_name};
use super::schemas::{Lowered, SchemaRef};
use super::unions::title_name;
use crate::diagnostics::pointer_join;
use crate::ir::{RequiredChoice, TypeRef};

/// The object-shaped parts of a schema, gathered across `allOf`.
#[derive(Default)]
pub(super) struct ObjectParts<'d> {
    pub(super) properties: IndexMap<String, (&'d ReferenceOr<Box<Schema>>, String)>,
    pub(super) required: BTreeSet<String>,
    pub(super) additional: Option<(&'d AdditionalProperties, String)>,
    pub(super) required_choices: Vec<RequiredChoice>,
    /// Unions of shapes among the parts (`allOf: [{oneOf: …}, …]`, `oneOf` beside
    /// `properties`): each becomes a flattened field, its variant's properties beside the
    /// others.
    pub(super) unions: Vec<PartUnion<'d>>,
}

/// A union of shapes that is part of an object, in the form it was found.
pub(super) enum PartUnion<'d> {
    /// A component schema that is a union: its own type.
    Component(&'d str, String),
    /// An inline schema that is a union (an `allOf` part `{oneOf: […]}`).
    Inline(&'d Schema, String),
    /// `oneOf` or `anyOf` members beside properties, with the schema they stand in (which
    /// holds the discriminator).
    Members {
        members: &'d [ReferenceOr<Schema>],
        parent: &'d Schema,
        pointer: String,
    },
}

impl<'d> Context<'d> {
    /// The type of a union that is part of an object, and the name its flattened field wants:
    /// the component's name or the union's title, else `variant`.
    pub(super) fn part_union(&mut self, union: PartUnion<'d>, hint: &str) -> (String, TypeRef) {
        let variant_hint = format!("{hint}Variant");
        match union {
            PartUnion::Component(key, pointer) => {
                let ty = self.reference_type(&format!("#/components/schemas/{key}"), &pointer);
                let wanted = match ty.non_null() {
                    TypeRef::Named(name) => value_name(name),
                    _ => "variant".to_string(),
                };
                (wanted, ty)
            }
            // An inline union's short title names it, as a component's key does.
            PartUnion::Inline(schema, pointer) => match title_name(schema) {
                Some(title) => (
                    value_name(&title),
                    self.schema_type(
                        SchemaRef::Inline(schema),
                        &format!("{hint}{title}"),
                        &pointer,
                    ),
                ),
                None => (
                    "variant".to_string(),
                    self.schema_type(SchemaRef::Inline(schema), &variant_hint, &pointer),
                ),
            },
            PartUnion::Members {
                members,
                parent,
                pointer,
            } => {
                let ty = match self.union(members, parent, &variant_hint, &pointer) {
                    Lowered::Use(ty) => ty,
                    Lowered::Define(kind) => {
                        self.define_inline(parent, &variant_hint, &pointer, kind)
                    }
                };
                ("variant".to_string(), ty)
            }
        }
    }

    /// `own` is the schema's keywords beside `allOf` (`properties`, `required`, …), which are one
    /// more part of the whole.
    pub(super) fn all_of(
        &mut self,
        schema: &'d Schema,
        parts: &'d [ReferenceOr<Schema>],
        own: Option<&'d openapiv3::AnySchema>,
        hint: &str,
        pointer: &str,
    ) -> Lowered {
        let own = own.filter(|a| {
            !a.properties.is_empty()
                || !a.required.is_empty()
                || a.additional_properties.is_some()
                || !a.one_of.is_empty()
                || !a.any_of.is_empty()
        });
        let own_pointer = pointer.to_string();
        let pointer = pointer_join(pointer, "allOf");
        if parts.is_empty() {
            self.problem(
                pointer.as_str(),
                "`allOf` lists no schema; JSON Schema requires at least one",
                "it adds nothing to the schema",
            );
            if own.is_none() {
                return Lowered::Use(TypeRef::Any);
            }
        }
        // `allOf: [$ref]` is how many generators write a described or nullable reference.
        let mut meaningful: Vec<(usize, &ReferenceOr<Schema>)> = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| !is_annotation_only(p))
            .collect();
        // `allOf: [$ref, {type: string, description: …}]`: a part that only repeats a type adds
        // nothing to the shape of the others; one that says `nullable` makes the whole so.
        let mut nullable = schema.schema_data.nullable;
        if meaningful.iter().any(|(_, p)| !is_bare_type(p)) {
            nullable |= meaningful
                .iter()
                .any(|(_, p)| is_bare_type(p) && is_nullable(p));
            meaningful.retain(|(_, p)| !is_bare_type(p));
        }
        // A `not` part only narrows what the other parts allow (`allOf: [not: Reserved, {type:
        // string}]`): the value has their type, and the exclusion is not checked.
        if meaningful.iter().any(|(_, p)| !is_not_only(p)) || own.is_some() {
            let (excluded, kept): (Vec<_>, Vec<_>) =
                meaningful.into_iter().partition(|(_, p)| is_not_only(p));
            for (i, _) in excluded {
                self.warn(
                    format!("{pointer}/{i}/not"),
                    "the values this `not` excludes are not checked; the other parts of `allOf` give the type",
                );
            }
            meaningful = kept;
        }
        if let ([(i, only)], None) = (meaningful.as_slice(), own) {
            let only_pointer = format!("{pointer}/{i}");
            // An inline part is the schema itself, named as it is (not a second type beside it).
            if let (ReferenceOr::Item(inline), false) = (only, nullable) {
                return self.lower(inline, hint, &only_pointer);
            }
            let ty = self.schema_type(SchemaRef::from(*only), hint, &only_pointer);
            return Lowered::Use(if nullable { TypeRef::nullable(ty) } else { ty });
        }
        let mut merged = ObjectParts::default();
        if let Some(own) = own {
            collect_any_object(&mut merged, own, schema, &own_pointer);
        }
        let mut visiting = AllOfVisit::default();
        for (i, part) in meaningful {
            let part_pointer = format!("{pointer}/{i}");
            if !self.merge_part(&mut merged, part.into(), &part_pointer, &mut visiting) {
                self.warn(
                    part_pointer,
                    "`allOf` part is not an object schema and cannot be merged; using `serde_json::Value`",
                );
                return Lowered::Use(TypeRef::Any);
            }
        }
        self.object(merged, hint)
    }

    /// Adds one `allOf` part's properties; returns false for parts that are not objects.
    fn merge_part(
        &mut self,
        merged: &mut ObjectParts<'d>,
        part: SchemaRef<'d>,
        pointer: &str,
        visiting: &mut AllOfVisit,
    ) -> bool {
        let schema = match part {
            SchemaRef::Ref(reference) => {
                let Some(key) = component_name(reference, ComponentKind::Schemas) else {
                    self.reference_type(reference, pointer);
                    return true;
                };
                // A schema reached along several paths (shared ancestors) is merged once;
                // only a schema that includes itself is a problem.
                if visiting.done.contains(&key) {
                    return true;
                }
                if !visiting.stack.insert(key.clone()) {
                    self.problem(
                        format!("{pointer}/$ref"),
                        format!("`allOf` refers to `{reference}`, which includes itself"),
                        "the reference is not merged again",
                    );
                    return true;
                }
                let merged_ok = match self.schemas().and_then(|s| s.get(&key)) {
                    Some(ReferenceOr::Item(s)) => {
                        let at = pointer_join("/components/schemas", &key);
                        self.merge_schema(merged, s, &at, visiting)
                    }
                    Some(other) => self.merge_part(merged, other.into(), pointer, visiting),
                    None => {
                        self.reference_type(reference, pointer);
                        true
                    }
                };
                visiting.stack.remove(&key);
                visiting.done.insert(key);
                return merged_ok;
            }
            SchemaRef::Inline(s) => s,
        };
        self.merge_schema(merged, schema, pointer, visiting)
    }

    /// Adds the properties of one object schema of an `allOf`; false if it is not an object.
    fn merge_schema(
        &mut self,
        merged: &mut ObjectParts<'d>,
        schema: &'d Schema,
        pointer: &str,
        visiting: &mut AllOfVisit,
    ) -> bool {
        let pointer = pointer.to_string();
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                collect_object(
                    merged,
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    &pointer,
                );
                true
            }
            SchemaKind::Any(a)
                if a.typ.as_deref().is_none_or(|t| t == "object") && a.items.is_none() =>
            {
                collect_any_object(merged, a, schema, &pointer);
                for (i, nested) in a.all_of.iter().enumerate() {
                    if !self.merge_part(
                        merged,
                        nested.into(),
                        &format!("{pointer}/allOf/{i}"),
                        visiting,
                    ) {
                        return false;
                    }
                }
                true
            }
            SchemaKind::AllOf { all_of } => all_of.iter().enumerate().all(|(i, nested)| {
                self.merge_part(
                    merged,
                    nested.into(),
                    &format!("{pointer}/allOf/{i}"),
                    visiting,
                )
            }),
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                let exactly_one = matches!(schema.schema_kind, SchemaKind::OneOf { .. });
                if members.iter().all(only_constrains) {
                    merged
                        .required_choices
                        .extend(required_choice(members, exactly_one));
                } else {
                    // A component is its own type; an inline union gets one.
                    let component = pointer
                        .strip_prefix("/components/schemas/")
                        .filter(|key| !key.contains('/'))
                        .and_then(|key| {
                            let key = crate::diagnostics::unescape_pointer_token(key);
                            self.schemas()?
                                .get_key_value(key.as_str())
                                .map(|(k, _)| k.as_str())
                        });
                    merged.unions.push(match component {
                        Some(key) => PartUnion::Component(key, pointer),
                        None => PartUnion::Inline(schema, pointer),
                    });
                }
                true
            }
            _ => false,
        }
    }
}

/// The components an `allOf` merge is inside of (to find true cycles) and has merged.
#[derive(Default)]
struct AllOfVisit {
    stack: BTreeSet<String>,
    done: BTreeSet<String>,
}

/// True for `allOf` parts that only annotate (a description, `nullable`) and add no shape.
fn is_annotation_only(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Any(any),
            ..
        }) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.required.is_empty()
                && any.additional_properties.is_none()
                && any.items.is_none()
                && any.enumeration.is_empty()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
        }
        _ => false,
    }
}

/// An inline part that says `nullable: true`.
fn is_nullable(part: &ReferenceOr<Schema>) -> bool {
    matches!(part, ReferenceOr::Item(schema) if schema.schema_data.nullable)
}

/// True for a part that is only `not` (and annotations): it excludes values, shaping none.
fn is_not_only(part: &ReferenceOr<Schema>) -> bool {
    matches!(part, ReferenceOr::Item(schema) if matches!(schema.schema_kind, SchemaKind::Not { .. }))
}

/// True for a part that says only `type` (and annotations, `nullable` among them): no format,
/// bounds, enum, properties or items.
fn is_bare_type(part: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = part else {
        return false;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            s.format == VariantOrUnknownOrEmpty::Empty
                && s.pattern.is_none()
                && s.enumeration.is_empty()
                && s.min_length.is_none()
                && s.max_length.is_none()
        }
        SchemaKind::Type(Type::Integer(i)) => {
            i.format == VariantOrUnknownOrEmpty::Empty
                && i.enumeration.is_empty()
                && i.minimum.is_none()
                && i.maximum.is_none()
                && i.multiple_of.is_none()
        }
        SchemaKind::Type(Type::Number(n)) => {
            n.format == VariantOrUnknownOrEmpty::Empty
                && n.enumeration.is_empty()
                && n.minimum.is_none()
                && n.maximum.is_none()
                && n.multiple_of.is_none()
        }
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.is_empty(),
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.is_empty()
                && o.required.is_empty()
                && o.additional_properties.is_none()
                && o.min_properties.is_none()
                && o.max_properties.is_none()
        }
        SchemaKind::Type(Type::Array(a)) => {
            a.items.is_none() && a.min_items.is_none() && a.max_items.is_none() && !a.unique_items
        }
        _ => false,
    }
}

pub(super) fn collect_object<'d>(
    parts: &mut ObjectParts<'d>,
    properties: &'d IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &[String],
    additional: Option<&'d AdditionalProperties>,
    pointer: &str,
) {
    for (name, schema) in properties {
        let p = pointer_join(&pointer_join(pointer, "properties"), name);
        match parts.properties.get_mut(name) {
            // `allOf` parts that both declare a property: a value must satisfy both, so a part
            // that narrows it to an enum (`type: {enum: [service_reference]}` over a plain
            // string) says more than one that only gives the type.
            Some(kept)
                if is_enum(schema)
                    && matches!(kept.0, ReferenceOr::Item(_))
                    && !is_enum(kept.0) =>
            {
                *kept = (schema, p)
            }
            Some(_) => {}
            None => {
                parts.properties.insert(name.clone(), (schema, p));
            }
        }
    }
    parts.required.extend(required.iter().cloned());
    if let Some(additional) = additional {
        parts.additional = Some((additional, pointer_join(pointer, "additionalProperties")));
    }
}

/// An inline schema with an `enum` of its own.
fn is_enum(schema: &ReferenceOr<Box<Schema>>) -> bool {
    let ReferenceOr::Item(schema) = schema else {
        return false;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(Type::Integer(i)) => !i.enumeration.is_empty(),
        SchemaKind::Type(Type::Number(n)) => !n.enumeration.is_empty(),
        SchemaKind::Any(any) => !any.enumeration.is_empty(),
        _ => false,
    }
}

/// The sets of names `members` (each of which only constrains the object beside it) require,
/// when every one of them requires some.
pub(super) fn required_choice(
    members: &[ReferenceOr<Schema>],
    exactly_one: bool,
) -> Option<RequiredChoice> {
    let alternatives: Vec<Vec<String>> = members
        .iter()
        .map(|member| match member {
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Any(any),
                ..
            }) if !any.required.is_empty() => Some(any.required.clone()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!alternatives.is_empty()).then_some(RequiredChoice {
        exactly_one,
        alternatives,
    })
}

/// Adds the object keywords of a schema without a single kind (`properties`, `required`,
/// `additionalProperties`, and `oneOf`/`anyOf` beside them) of `parent` at `pointer`.
pub(super) fn collect_any_object<'d>(
    merged: &mut ObjectParts<'d>,
    any: &'d openapiv3::AnySchema,
    parent: &'d Schema,
    pointer: &str,
) {
    collect_object(
        merged,
        &any.properties,
        &any.required,
        any.additional_properties.as_ref(),
        pointer,
    );
    for (members, exactly_one, key) in [(&any.one_of, true, "oneOf"), (&any.any_of, false, "anyOf")]
    {
        if !members.is_empty() {
            let at = pointer_join(pointer, key);
            merge_union(merged, members, parent, exactly_one, at);
        }
    }
}

/// What `oneOf` (`exactly_one`) or `anyOf` members beside properties (of `parent`, at
/// `pointer`) add to the object: members that only constrain it (`required: [a]`) are a choice
/// of required properties; members with shapes of their own are a union, flattened into it.
fn merge_union<'d>(
    merged: &mut ObjectParts<'d>,
    members: &'d [ReferenceOr<Schema>],
    parent: &'d Schema,
    exactly_one: bool,
    pointer: String,
) {
    if members.iter().all(only_constrains) {
        merged
            .required_choices
            .extend(required_choice(members, exactly_one));
    } else {
        merged.unions.push(PartUnion::Members {
            members,
            parent,
            pointer,
        });
    }
}

/// Whether a member of `oneOf`/`anyOf` only constrains the object beside it: an inline schema
/// with no type, properties, items, enum or members of its own (`required`, `not`, bounds on
/// the number of properties, docs).
pub(super) fn only_constrains(member: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = member else {
        return false;
    };
    let any = match &schema.schema_kind {
        SchemaKind::Any(any) => any,
        // `not: {required: [a]}`: a constraint on the object beside it.
        SchemaKind::Not { .. } => return true,
        _ => return false,
    };
    any.typ.is_none()
        && any.properties.is_empty()
        && any.additional_properties.is_none()
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.format.is_none()
        && any.pattern.is_none()
        && any.all_of.is_empty()
        && any.one_of.is_empty()
        && any.any_of.is_empty()
}
