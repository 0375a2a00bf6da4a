//! Schemas → type definitions and type uses.
//!
//! Named component schemas keep their names; inline schemas that need a Rust type of their own
//! (objects, enums, unions, merged `allOf`s) are named after where they appear
//! (`<Parent><Field>`, `<Operation>Body`), so names stay stable when unrelated parts change.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::Context;
use super::enums::json_scalar;
use super::names::{Namespace, type_name, value_name};
use super::objects::{
    ObjectParts, collect_any_object, collect_object, only_constrains, required_choice,
};
use super::refs::{ComponentKind, component_name};
use crate::convert::TUPLE_ELEMENTS;
use crate::diagnostics::pointer_join;
use crate::ir::{EnumValue, Field, StructDef, TypeDef, TypeKind, TypeRef};

/// A schema position: a reference or an inline schema.
#[derive(Clone, Copy)]
pub(super) enum SchemaRef<'d> {
    Ref(&'d str),
    Inline(&'d Schema),
}

impl<'d> From<&'d ReferenceOr<Schema>> for SchemaRef<'d> {
    fn from(r: &'d ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'d> From<&'d ReferenceOr<Box<Schema>>> for SchemaRef<'d> {
    fn from(r: &'d ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// What a schema lowers to: a structural type, or a definition that needs a name.
pub(super) enum Lowered {
    Use(TypeRef),
    Define(TypeKind),
}

impl<'d> Context<'d> {
    pub(super) fn schemas(&self) -> Option<&'d IndexMap<String, ReferenceOr<Schema>>> {
        self.doc.openapi.components.as_ref().map(|c| &c.schemas)
    }

    /// Claims a Rust name for every component schema before any is defined, so references
    /// resolve whatever the order of definitions.
    pub(super) fn declare_component_schemas(&mut self) {
        let Some(schemas) = self.schemas() else {
            return;
        };
        // Names chosen by hand (renames, `x-rust-name`) are claimed first, so that no derived
        // name takes one.
        let mut derived = Vec::new();
        for (key, schema) in schemas {
            let Some(chosen) = self.chosen_type_name(key, schema) else {
                derived.push(key);
                continue;
            };
            if self.type_names.is_taken(&chosen.name) {
                let owner = self.type_owner(&chosen.name);
                let message = format!(
                    "the type name `{}` is already taken by {owner}",
                    chosen.name
                );
                let d = self.chosen_error(&chosen, message);
                self.say(d);
                derived.push(key);
                continue;
            }
            let name = self.type_names.claim(&chosen.name);
            self.chosen_types.push((key.clone(), chosen));
            self.component_types.insert(key.clone(), name);
        }
        for key in derived {
            let wanted = type_name(key);
            if let Some((owner, chosen)) = self.chosen_types.iter().find(|(_, c)| c.name == wanted)
            {
                let message = format!(
                    "the type name `{wanted}` chosen for `#/components/schemas/{owner}` is the name of `#/components/schemas/{key}`; choose another, or rename that one too"
                );
                let d = self.chosen_error(chosen, message);
                self.say(d);
            }
            let name = self.type_names.claim(&wanted);
            if name != wanted {
                let owner = self.type_owner(&wanted);
                self.warn(
                    pointer_join("/components/schemas", key),
                    format!("schema `{key}` becomes the Rust type `{name}`: `{wanted}` is already taken by {owner}"),
                );
            }
            self.component_types.insert(key.clone(), name);
        }
    }

    /// Who has the type name `name`: a component schema, or the generated code.
    fn type_owner(&self, name: &str) -> String {
        self.component_types
            .iter()
            .find(|(_, n)| *n == name)
            .map_or("a name the generated code uses".to_string(), |(k, _)| {
                format!("`#/components/schemas/{k}`")
            })
    }

    pub(super) fn define_component_schemas(&mut self) {
        let Some(schemas) = self.schemas() else {
            return;
        };
        for (key, schema) in schemas {
            let Some(name) = self.component_types.get(key).cloned() else {
                continue;
            };
            let pointer = pointer_join("/components/schemas", key);
            let origin = format!("#{pointer}");
            let facts = self.schema_facts(SchemaRef::from(schema));
            let (kind, description) = match SchemaRef::from(schema) {
                SchemaRef::Ref(reference) => (
                    TypeKind::Alias(self.reference_type(reference, &pointer)),
                    None,
                ),
                SchemaRef::Inline(schema) => {
                    let description = super::prose(&schema.schema_data.description);
                    match self.lower(schema, &name, &pointer) {
                        Lowered::Define(kind) => (kind, description),
                        Lowered::Use(ty) => (TypeKind::Alias(ty), description),
                    }
                }
            };
            self.types.push(TypeDef {
                name,
                origin,
                description,
                kind,
                envelope: None,
                facts,
            });
        }
    }

    /// The type of a schema used somewhere (a property, parameter, body, item). Inline schemas
    /// that need a definition are defined under a name derived from `hint`.
    pub(super) fn schema_type(
        &mut self,
        schema: SchemaRef<'d>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            SchemaRef::Ref(reference) => self.reference_type(reference, pointer),
            SchemaRef::Inline(schema) => {
                self.ignored_extension(schema, pointer);
                let ty = match self.lower(schema, hint, pointer) {
                    Lowered::Use(ty) => ty,
                    Lowered::Define(kind) => self.define_inline(schema, hint, pointer, kind),
                };
                // Named, so that the places using it stay within clippy's `type_complexity`.
                let ty = if too_complex(&ty, schema.schema_data.nullable) {
                    self.define_inline(schema, hint, pointer, TypeKind::Alias(ty))
                } else {
                    ty
                };
                if schema.schema_data.nullable {
                    TypeRef::nullable(ty)
                } else {
                    ty
                }
            }
        }
    }

    /// Defines the type of an inline schema under a name derived from `hint`.
    pub(super) fn define_inline(
        &mut self,
        schema: &'d Schema,
        hint: &str,
        pointer: &str,
        kind: TypeKind,
    ) -> TypeRef {
        let name = self.type_names.claim(hint);
        self.types.push(TypeDef {
            name: name.clone(),
            origin: format!("#{pointer}"),
            description: super::prose(&schema.schema_data.description),
            kind,
            envelope: None,
            facts: super::facts::facts_of(schema),
        });
        TypeRef::Named(name)
    }

    pub(super) fn reference_type(&mut self, reference: &str, pointer: &str) -> TypeRef {
        let name = component_name(reference, ComponentKind::Schemas);
        let found = name
            .as_ref()
            .and_then(|n| self.component_types.get(n).cloned());
        match (found, name) {
            (Some(rust_name), Some(key)) => {
                if self.component_is_nullable(&key) {
                    TypeRef::nullable(TypeRef::Named(rust_name))
                } else {
                    TypeRef::Named(rust_name)
                }
            }
            (None, Some(key)) => {
                let candidates: Vec<&str> = self
                    .schemas()
                    .map(|s| s.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                self.dangling(reference, &key, ComponentKind::Schemas, candidates, pointer);
                TypeRef::Any
            }
            (_, None) => {
                self.problem(
                    format!("{pointer}/$ref"),
                    format!("`$ref: {reference}` is not supported: schemas must be referenced as `#/components/schemas/NAME`"),
                    "the schema is any JSON value",
                );
                TypeRef::Any
            }
        }
    }

    fn component_is_nullable(&self, key: &str) -> bool {
        matches!(self.schemas().and_then(|s| s.get(key)), Some(ReferenceOr::Item(s)) if s.schema_data.nullable)
    }

    pub(super) fn lower(&mut self, schema: &'d Schema, hint: &str, pointer: &str) -> Lowered {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if s.enumeration.iter().any(Option::is_some) {
                    let values = s
                        .enumeration
                        .iter()
                        .flatten()
                        .map(|v| EnumValue::String(v.clone()));
                    return Lowered::Define(self.enum_kind(values.collect(), schema, pointer));
                }
                Lowered::Use(match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Bytes,
                    _ => TypeRef::String,
                })
            }
            SchemaKind::Type(Type::Integer(i)) => {
                if i.enumeration.iter().any(Option::is_some) {
                    let values = i
                        .enumeration
                        .iter()
                        .flatten()
                        .map(|v| EnumValue::Integer(*v));
                    return Lowered::Define(self.enum_kind(values.collect(), schema, pointer));
                }
                Lowered::Use(integer_type(&i.format))
            }
            SchemaKind::Type(Type::Number(n)) => Lowered::Use(number_type(match &n.format {
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
                _ => None,
            })),
            SchemaKind::Type(Type::Boolean(_)) => Lowered::Use(TypeRef::Boolean),
            SchemaKind::Type(Type::Array(a)) => {
                Lowered::Use(self.array_type(a.items.as_ref(), hint, pointer))
            }
            SchemaKind::Type(Type::Object(o)) => {
                let mut parts = ObjectParts::default();
                collect_object(
                    &mut parts,
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    pointer,
                );
                self.object(parts, hint)
            }
            SchemaKind::AllOf { all_of } => self.all_of(schema, all_of, None, hint, pointer),
            SchemaKind::OneOf { one_of } => {
                self.union(one_of, schema, hint, &pointer_join(pointer, "oneOf"))
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(any_of, schema, hint, &pointer_join(pointer, "anyOf"))
            }
            SchemaKind::Not { .. } => {
                self.warn(
                    pointer,
                    "`not` schemas cannot be expressed in Rust types; using `serde_json::Value`",
                );
                Lowered::Use(TypeRef::Any)
            }
            SchemaKind::Any(any) => self.any_schema(schema, any, hint, pointer),
        }
    }

    fn array_type(
        &mut self,
        items: Option<&'d ReferenceOr<Box<Schema>>>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        if let Some(elements) = tuple_elements(items) {
            let pointer = pointer_join(&pointer_join(pointer, "items"), "anyOf");
            return TypeRef::Tuple(
                elements
                    .iter()
                    .enumerate()
                    .map(|(i, element)| {
                        self.schema_type(
                            element.into(),
                            &format!("{hint}{i}"),
                            &pointer_join(&pointer, &i.to_string()),
                        )
                    })
                    .collect(),
            );
        }
        let item = match items {
            Some(items) => self.schema_type(
                items.into(),
                &format!("{hint}Item"),
                &pointer_join(pointer, "items"),
            ),
            None => TypeRef::Any,
        };
        TypeRef::Array(Box::new(item))
    }

    pub(super) fn object(&mut self, mut parts: ObjectParts<'d>, hint: &str) -> Lowered {
        let unions = std::mem::take(&mut parts.unions);
        let flattened: Vec<(String, TypeRef)> = unions
            .into_iter()
            .map(|union| self.part_union(union, hint))
            .collect();
        let undeclared_required = parts
            .required
            .iter()
            .any(|name| !parts.properties.contains_key(name.as_str()));
        let additional = match parts.additional {
            Some((AdditionalProperties::Any(false), _)) => None,
            // Without `additionalProperties` any other property is allowed. The struct keeps
            // them only when `required` names one `properties` does not declare (Box's
            // `grant_type`): a value must carry it, so the type must be able to hold it.
            None if undeclared_required => Some(TypeRef::Any),
            None => None,
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Any),
            Some((AdditionalProperties::Schema(s), ref p)) => {
                Some(self.schema_type(s.as_ref().into(), &format!("{hint}Value"), p))
            }
        };
        if parts.properties.is_empty() && flattened.is_empty() {
            // A property-less object is a map; keeping every key loses nothing the server sends.
            return Lowered::Use(TypeRef::Map(Box::new(additional.unwrap_or(TypeRef::Any))));
        }
        let mut names = Namespace::with_reserved(if additional.is_some() {
            &["additional_properties"]
        } else {
            &[]
        });
        let required_extra: Vec<String> = match additional {
            Some(_) => parts
                .required
                .iter()
                .filter(|name| !parts.properties.contains_key(name.as_str()))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        let mut fields = Vec::new();
        for (json_name, (schema, pointer)) in parts.properties {
            let rust_name = names.claim(&value_name(&json_name));
            let sref = SchemaRef::from(schema);
            let field_hint = format!("{hint}{}", type_name(&json_name));
            let ty = self.schema_type(sref, &field_hint, &pointer);
            let data = match sref {
                SchemaRef::Inline(s) => Some(&s.schema_data),
                SchemaRef::Ref(_) => None,
            };
            // Which way a value travels is the property's, whether the keyword sits beside it
            // or on a schema it refers to or includes; the referenced description stays the
            // type's.
            let read_only = self.annotated(sref, |d| d.read_only, 0);
            let write_only = self.annotated(sref, |d| d.write_only, 0);
            fields.push(Field {
                required: parts.required.contains(&json_name),
                rust_name,
                ty,
                description: data.and_then(|d| super::prose(&d.description)),
                read_only,
                write_only,
                deprecated: data.is_some_and(|d| d.deprecated),
                boxed: false,
                tri_state: false,
                flatten: false,
                facts: self.schema_facts(sref),
                name: json_name,
            });
        }
        for (wanted, ty) in flattened {
            let rust_name = names.claim(&wanted);
            fields.push(Field {
                name: rust_name.clone(),
                rust_name,
                // Absent or null, a flattened union has no properties to add: it is required.
                ty: ty.non_null().clone(),
                required: true,
                description: None,
                read_only: false,
                write_only: false,
                deprecated: false,
                boxed: false,
                tri_state: false,
                flatten: true,
                facts: crate::ir::ValueFacts::default(),
            });
        }
        Lowered::Define(TypeKind::Struct(StructDef {
            fields,
            additional,
            required_extra,
            required_choices: parts.required_choices,
        }))
    }

    /// Whether an annotation (`readOnly`, `writeOnly`) holds for a schema: on it, on the schema
    /// it refers to, or on an `allOf` part, as JSON Schema collects annotations.
    fn annotated(
        &self,
        schema: SchemaRef<'d>,
        holds: fn(&openapiv3::SchemaData) -> bool,
        depth: usize,
    ) -> bool {
        let Some(schema) = self.resolve_schema(schema).filter(|_| depth < 8) else {
            return false;
        };
        holds(&schema.schema_data)
            || match &schema.schema_kind {
                SchemaKind::AllOf { all_of } => all_of
                    .iter()
                    .any(|part| self.annotated(part.into(), holds, depth + 1)),
                _ => false,
            }
    }

    /// The schema a position holds, following local component references.
    pub(super) fn resolve_schema(&self, schema: SchemaRef<'d>) -> Option<&'d Schema> {
        let mut current = schema;
        for _ in 0..8 {
            match current {
                SchemaRef::Inline(s) => return Some(s),
                SchemaRef::Ref(reference) => {
                    let key = component_name(reference, ComponentKind::Schemas)?;
                    current = self.schemas()?.get(&key)?.into();
                }
            }
        }
        None
    }

    /// Schemas without a `type`, or mixing keywords openapiv3 cannot place.
    fn any_schema(
        &mut self,
        schema: &'d Schema,
        any: &'d openapiv3::AnySchema,
        hint: &str,
        pointer: &str,
    ) -> Lowered {
        if !any.all_of.is_empty() {
            return self.all_of(schema, &any.all_of, Some(any), hint, pointer);
        }
        // `oneOf`/`anyOf` members that only constrain the object beside them (`required: [a]`
        // or `required: [b]`) choose no shape: the object is the type.
        let object_beside = !any.properties.is_empty() || any.typ.as_deref() == Some("object");
        let constraints_only = object_beside
            && [&any.one_of, &any.any_of]
                .iter()
                .all(|members| members.iter().all(only_constrains));
        // Properties beside a union of shapes belong to every variant: an object of them with
        // the union flattened into it.
        if !any.properties.is_empty() && !constraints_only {
            let mut parts = ObjectParts::default();
            collect_any_object(&mut parts, any, schema, pointer);
            return self.object(parts, hint);
        }
        if !any.one_of.is_empty() && !constraints_only {
            return self.union(&any.one_of, schema, hint, &pointer_join(pointer, "oneOf"));
        }
        if !any.any_of.is_empty() && !constraints_only {
            return self.union(&any.any_of, schema, hint, &pointer_join(pointer, "anyOf"));
        }
        if !any.enumeration.is_empty() {
            let values: Option<Vec<EnumValue>> = any
                .enumeration
                .iter()
                .filter(|v| !v.is_null())
                .map(json_scalar)
                .collect();
            if let Some(values) = values.filter(|v| !v.is_empty()) {
                return Lowered::Define(self.enum_kind(values, schema, pointer));
            }
        }
        match any.typ.as_deref() {
            Some("string") => Lowered::Use(if any.format.as_deref() == Some("binary") {
                TypeRef::Bytes
            } else {
                TypeRef::String
            }),
            Some("integer") => Lowered::Use(integer_format_name(any.format.as_deref())),
            Some("number") => Lowered::Use(number_type(any.format.as_deref())),
            Some("boolean") => Lowered::Use(TypeRef::Boolean),
            Some("array") => Lowered::Use(self.array_type(any.items.as_ref(), hint, pointer)),
            // `items` makes an array only when no other type is said: JSON Schema ignores it
            // beside `type: object`.
            None if any.items.is_some() => {
                Lowered::Use(self.array_type(any.items.as_ref(), hint, pointer))
            }
            _ if !any.properties.is_empty()
                || any.additional_properties.is_some()
                || any.typ.as_deref() == Some("object") =>
            {
                let mut parts = ObjectParts::default();
                collect_object(
                    &mut parts,
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    pointer,
                );
                if constraints_only {
                    parts.required_choices = [(&any.one_of, true), (&any.any_of, false)]
                        .into_iter()
                        .filter_map(|(members, exactly_one)| required_choice(members, exactly_one))
                        .collect();
                }
                self.object(parts, hint)
            }
            _ => Lowered::Use(TypeRef::Any),
        }
    }
}

/// The elements of a tuple, in order: the conversion of a fixed-length 3.1 `prefixItems` writes
/// them as a marked `anyOf` in `items` (see `convert::TUPLE_ELEMENTS`).
pub(super) fn tuple_elements(
    items: Option<&ReferenceOr<Box<Schema>>>,
) -> Option<&[ReferenceOr<Schema>]> {
    let ReferenceOr::Item(items) = items? else {
        return None;
    };
    match &items.schema_kind {
        SchemaKind::AnyOf { any_of }
            if items.schema_data.extensions.contains_key(TUPLE_ELEMENTS) =>
        {
            Some(any_of)
        }
        _ => None,
    }
}

fn integer_type(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::Integer {
            bits: 32,
            signed: true,
        },
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => TypeRef::Integer {
            bits: 64,
            signed: true,
        },
        VariantOrUnknownOrEmpty::Unknown(f) => integer_format_name(Some(f)),
        VariantOrUnknownOrEmpty::Empty => integer_format_name(None),
    }
}

/// A number: an integer when its format is an integer's (`type: number, format: int32`, as
/// NSwag writes; the format registry defines `int32` and `int64` on JSON's numbers), else `f64`.
fn number_type(format: Option<&str>) -> TypeRef {
    match format {
        Some(
            "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64"
            | "uint",
        ) => integer_format_name(format),
        _ => TypeRef::Number { bits: 64 },
    }
}

/// Integer widths by format name. Without a format, i64: it holds every integer JSON APIs send
/// in practice, where i32 would fail on large IDs.
fn integer_format_name(format: Option<&str>) -> TypeRef {
    match format {
        Some("int8") => TypeRef::Integer {
            bits: 8,
            signed: true,
        },
        Some("int16") => TypeRef::Integer {
            bits: 16,
            signed: true,
        },
        Some("int32") => TypeRef::Integer {
            bits: 32,
            signed: true,
        },
        Some("uint8") => TypeRef::Integer {
            bits: 8,
            signed: false,
        },
        Some("uint16") => TypeRef::Integer {
            bits: 16,
            signed: false,
        },
        Some("uint32") => TypeRef::Integer {
            bits: 32,
            signed: false,
        },
        Some("uint64" | "uint") => TypeRef::Integer {
            bits: 64,
            signed: false,
        },
        _ => TypeRef::Integer {
            bits: 64,
            signed: true,
        },
    }
}

/// Clippy's `type_complexity` threshold (its default): a type scored above it is reported.
const TYPE_COMPLEXITY_LIMIT: u32 = 250;

/// Whether the Rust type of `ty` would be too complex for clippy where a field or parameter uses
/// it: wrapped in `Option<Box<…>>` (optional, boxed against a cycle) and, when `nullable`, one
/// `Option` more.
fn too_complex(ty: &TypeRef, nullable: bool) -> bool {
    let wrappers = 2 + u32::from(nullable);
    let outside: u32 = (1..=wrappers).map(|nest| 10 * nest).sum();
    outside + type_complexity(ty, wrappers + 1) > TYPE_COMPLEXITY_LIMIT
}

/// The score clippy's `type_complexity` gives the Rust type `emit` writes for `ty` at depth
/// `nest` (1 at the top): 10 × depth for each type named, its generic arguments one deeper
/// (`BTreeMap<String, V>`, `Vec<T>`, `Option<T>`, `serde_json::Map<String, Value>`).
fn type_complexity(ty: &TypeRef, nest: u32) -> u32 {
    let named = 10 * nest;
    match ty {
        TypeRef::Named(_)
        | TypeRef::String
        | TypeRef::Integer { .. }
        | TypeRef::Number { .. }
        | TypeRef::Boolean
        | TypeRef::Bytes
        | TypeRef::Any => named,
        TypeRef::Array(item) | TypeRef::Nullable(item) => named + type_complexity(item, nest + 1),
        TypeRef::Tuple(elements) => {
            named
                + elements
                    .iter()
                    .map(|e| type_complexity(e, nest + 1))
                    .sum::<u32>()
        }
        TypeRef::Map(value) => named + 10 * (nest + 1) + type_complexity(value, nest + 1),
    }
}
