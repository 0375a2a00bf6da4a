//! Unions: `oneOf` and `anyOf` lowered to union types with the discriminator's tags of each
//! variant, and the order in which untagged variants are tried.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::Context;
use super::enums::{Enumeration, enum_def};
use super::names::{Namespace, type_name};
use super::refs::{ComponentKind, component_name};
use super::schemas::{Lowered, SchemaRef};
use crate::ir::{TypeDef, TypeKind, TypeRef, UnionDef, UnionVariant};

impl<'d> Context<'d> {
    /// A discriminator mapping is a list of references: one that names no schema is the
    /// document's defect, as a dangling `$ref` is. Values that are neither a local reference nor
    /// a bare schema name (another file's) are not checked here.
    fn dangling_mappings(&mut self, discriminator: &'d openapiv3::Discriminator, pointer: &str) {
        // `pointer` is the union's list; the discriminator stands beside it.
        let schema = ["/oneOf", "/anyOf"]
            .iter()
            .find_map(|list| pointer.strip_suffix(list))
            .unwrap_or(pointer);
        for (tag, target) in &discriminator.mapping {
            let key = if target.starts_with('#') {
                component_name(target, ComponentKind::Schemas)
            } else if target.contains(['/', '.', '#']) {
                None
            } else {
                Some(target.clone())
            };
            let Some(key) = key else {
                continue;
            };
            if self.schemas().is_some_and(|s| s.contains_key(&key)) {
                continue;
            }
            self.problem(
                format!(
                    "{schema}/discriminator/mapping/{}",
                    crate::diagnostics::escape_pointer_token(tag)
                ),
                format!("the discriminator maps `{tag}` to `{target}`, which is no schema of #/components/schemas"),
                "a value with that tag is read as `Unknown`",
            );
        }
    }

    pub(super) fn union(
        &mut self,
        variants: &'d [ReferenceOr<Schema>],
        schema: &'d Schema,
        hint: &str,
        pointer: &str,
    ) -> Lowered {
        if variants.is_empty() {
            let keyword = pointer.rsplit('/').next().unwrap_or("oneOf");
            self.problem(
                pointer,
                format!("`{keyword}` lists no schema; JSON Schema requires at least one"),
                "the value is read as any JSON value",
            );
            return Lowered::Use(TypeRef::Any);
        }
        // A member listed again (the same reference) is no other choice; its tag would be
        // matched twice. The repeat is left out.
        let mut members: Vec<(usize, &'d ReferenceOr<Schema>)> = Vec::new();
        for (i, variant) in variants.iter().enumerate() {
            if let ReferenceOr::Reference { reference } = variant {
                let again = members.iter().any(
                    |(_, m)| matches!(m, ReferenceOr::Reference { reference: r } if r == reference),
                );
                if again {
                    self.warn(
                        format!("{pointer}/{i}"),
                        format!("`{reference}` is listed again; the repeat is left out"),
                    );
                    continue;
                }
            }
            members.push((i, variant));
        }
        if let [(i, only)] = members.as_slice() {
            let only_pointer = format!("{pointer}/{i}");
            // An inline member is the schema itself, named as it is (not a second type).
            if let ReferenceOr::Item(inline) = only {
                return self.lower(inline, hint, &only_pointer);
            }
            let ty = self.schema_type((*only).into(), hint, &only_pointer);
            return Lowered::Use(ty);
        }
        let discriminator = schema.schema_data.discriminator.as_ref();
        if discriminator.is_none() {
            match self.enumeration(variants) {
                Some(Enumeration::Inline(values)) => return Lowered::Define(enum_def(values)),
                Some(Enumeration::Component(reference, i)) => {
                    return Lowered::Use(self.reference_type(reference, &format!("{pointer}/{i}")));
                }
                None => {}
            }
        }
        if let Some(d) = discriminator {
            self.dangling_mappings(d, pointer);
        }
        let mut names = Namespace::with_reserved(&["Unknown"]);
        let mut out = Vec::new();
        for &(i, variant) in &members {
            let sref = SchemaRef::from(variant);
            // An inline member's `title` names it (as a component's key names a reference);
            // without one, its position does.
            let title = match sref {
                SchemaRef::Inline(schema) => title_name(schema),
                SchemaRef::Ref(_) => None,
            };
            let member_hint = match &title {
                Some(title) => format!("{hint}{title}"),
                None => format!("{hint}Variant{}", i + 1),
            };
            let ty = self.schema_type(sref, &member_hint, &format!("{pointer}/{i}"));
            let wanted = title.unwrap_or_else(|| match ty.non_null() {
                TypeRef::Named(n) => n.clone(),
                TypeRef::String => "String".to_string(),
                TypeRef::Integer { .. } => "Integer".to_string(),
                TypeRef::Number { .. } => "Number".to_string(),
                TypeRef::Boolean => "Boolean".to_string(),
                TypeRef::Array(_) => "Array".to_string(),
                TypeRef::Tuple(_) => "Tuple".to_string(),
                TypeRef::Map(_) => "Object".to_string(),
                _ => format!("Variant{}", i + 1),
            });
            out.push(UnionVariant {
                name: names.claim(&wanted),
                tags: Vec::new(),
                ty,
                boxed: false,
                facts: self.schema_facts(sref),
            });
        }
        if let Some(d) = discriminator {
            let members: Vec<&ReferenceOr<Schema>> = members.iter().map(|(_, m)| *m).collect();
            let tags = self.variant_tags(&members, d);
            for (variant, tags) in out.iter_mut().zip(tags) {
                variant.tags = tags;
            }
        }
        let tagged = discriminator.filter(|_| out.iter().all(|v| !v.tags.is_empty()));
        if discriminator.is_some() && tagged.is_none() {
            self.warn(
                pointer,
                "the discriminator cannot tell every variant apart (one has no tag of its own); variants are matched by shape",
            );
        }
        Lowered::Define(TypeKind::Union(UnionDef {
            variants: out,
            discriminator: tagged.map(|d| d.property_name.clone()),
        }))
    }

    /// Each variant's tags: the mapping's keys that point at it, else its component name
    /// (OpenAPI's implicit mapping). A variant whose own schema allows the discriminator
    /// property only other values (`enum: [file_search]` under the name `FileSearchTool`) could
    /// never carry its name, so those values are its tags, except the ones the mapping or
    /// another variant's name already gives (an abstract `CouponRestriction` whose `enum` lists
    /// its siblings `per-customer` and `to-plans`): those stay theirs, and a variant left with
    /// none keeps its name.
    fn variant_tags(
        &self,
        variants: &[&'d ReferenceOr<Schema>],
        d: &openapiv3::Discriminator,
    ) -> Vec<Vec<String>> {
        let mut tags: Vec<Option<Vec<String>>> = Vec::new();
        let mut pending = Vec::new();
        for variant in variants {
            let sref = SchemaRef::from(*variant);
            let key = match sref {
                SchemaRef::Ref(reference) => component_name(reference, ComponentKind::Schemas),
                SchemaRef::Inline(_) => None,
            };
            let mapped: Vec<String> = match (sref, &key) {
                (SchemaRef::Ref(reference), Some(key)) => d
                    .mapping
                    .iter()
                    .filter(|(_, target)| *target == reference || *target == key)
                    .map(|(tag, _)| tag.clone())
                    .collect(),
                _ => Vec::new(),
            };
            let allowed = self.property_enum(sref, &d.property_name, 0);
            let named = key
                .clone()
                .filter(|key| allowed.as_ref().is_none_or(|a| a.contains(key)));
            tags.push(match (mapped.is_empty(), named) {
                (false, _) => Some(mapped),
                (true, Some(key)) => Some(vec![key]),
                (true, None) => {
                    pending.push((tags.len(), key, allowed.unwrap_or_default()));
                    None
                }
            });
        }
        // The mapping's keys and the variants' names are taken before any `enum` is read.
        let mut claimed: BTreeSet<String> = d.mapping.keys().cloned().collect();
        claimed.extend(tags.iter().flatten().flatten().cloned());
        for (i, key, allowed) in pending {
            let own: Vec<String> = allowed
                .into_iter()
                .filter(|v| !claimed.contains(v))
                .collect();
            let chosen = if own.is_empty() {
                key.into_iter().collect()
            } else {
                own
            };
            claimed.extend(chosen.iter().cloned());
            tags[i] = Some(chosen);
        }
        // A tag is matched once: a later variant that shares one (two inline variants with
        // the same `enum`) does without it.
        let mut given = BTreeSet::new();
        tags.into_iter()
            .map(|tags| {
                tags.unwrap_or_default()
                    .into_iter()
                    .filter(|tag| given.insert(tag.clone()))
                    .collect()
            })
            .collect()
    }

    /// The string values an object schema's `enum` allows its property `name` (looking through
    /// references and `allOf` parts), if it restricts them.
    fn property_enum(
        &self,
        schema: SchemaRef<'d>,
        name: &str,
        depth: usize,
    ) -> Option<Vec<String>> {
        if depth > 8 {
            return None;
        }
        let schema = self.resolve_schema(schema)?;
        let (properties, parts): (_, &[ReferenceOr<Schema>]) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), &[]),
            SchemaKind::Any(a) => (Some(&a.properties), &a.all_of),
            SchemaKind::AllOf { all_of } => (None, all_of),
            _ => return None,
        };
        let own = properties
            .and_then(|p| p.get(name))
            .and_then(|property| self.resolve_schema(property.into()))
            .and_then(|property| {
                let values: Vec<&serde_json::Value> = match &property.schema_kind {
                    SchemaKind::Type(Type::String(s)) => {
                        return (!s.enumeration.is_empty())
                            .then(|| s.enumeration.iter().flatten().cloned().collect());
                    }
                    SchemaKind::Any(a) => a.enumeration.iter().collect(),
                    _ => Vec::new(),
                };
                (!values.is_empty()).then(|| {
                    values
                        .into_iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
            });
        own.or_else(|| {
            parts
                .iter()
                .find_map(|part| self.property_enum(part.into(), name, depth + 1))
        })
    }
}

/// The longest title, as a type name, that names a union member: a title is meant for people,
/// and one that is a sentence makes no name.
const TITLE_NAME_LIMIT: usize = 40;

/// The type name a schema's `title` gives, if it has a short one that makes an identifier.
pub(super) fn title_name(schema: &Schema) -> Option<String> {
    let title = schema.schema_data.title.as_deref()?;
    if !title.chars().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = type_name(title);
    (name.len() <= TITLE_NAME_LIMIT).then_some(name)
}

/// Untagged unions: serde tries variants in order and keeps the first that fits, so the most
/// specific shapes go first (scalars, then arrays, then objects with many required fields) and
/// catch-alls (maps, any value) last.
pub fn order_untagged_variants(types: &mut [TypeDef]) {
    let required: HashMap<String, (u8, usize)> = types
        .iter()
        .map(|t| {
            let key = match &t.kind {
                TypeKind::Struct(s) => (6, s.fields.iter().filter(|f| f.required).count()),
                TypeKind::Enum(_) => (3, 0),
                TypeKind::Union(_) => (7, 0),
                TypeKind::Alias(_) => (7, 0),
            };
            (t.name.clone(), key)
        })
        .collect();
    let rank = |ty: &TypeRef| -> (u8, std::cmp::Reverse<usize>) {
        let (r, req) = match ty.non_null() {
            TypeRef::Boolean => (0, 0),
            TypeRef::Integer { .. } => (1, 0),
            TypeRef::Number { .. } => (2, 0),
            TypeRef::String | TypeRef::Bytes => (4, 0),
            // A tuple is a stricter array: the longest is tried first, then any list.
            TypeRef::Tuple(elements) => (5, elements.len()),
            TypeRef::Array(_) => (5, 0),
            TypeRef::Named(n) => required.get(n).copied().unwrap_or((7, 0)),
            TypeRef::Map(_) => (8, 0),
            TypeRef::Any | TypeRef::Nullable(_) => (9, 0),
        };
        (r, std::cmp::Reverse(req))
    };
    for def in types.iter_mut() {
        if let TypeKind::Union(u) = &mut def.kind {
            if u.discriminator.is_none() {
                // A stable sort keeps the spec's order among equals.
                u.variants.sort_by_key(|v| rank(&v.ty));
            }
        }
    }
}
