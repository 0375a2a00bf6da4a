//! Unions flattened into objects (`#[serde(flatten)]`), settled once every type is known: serde
//! gives an object's own fields their properties first and the flattened union only the rest,
//! and cannot flatten a value into itself. So a union whose variants repeat the object's own
//! properties is not flattened, and one that holds the object itself is dropped from it.

use std::collections::BTreeSet;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Drops each flattened union that holds, through flattened unions only, the struct it is
/// flattened into (`Key = {kid, oneOf: [Ec, Rsa]}` with `Ec = allOf: [Key, {x, y}]`, a base and
/// the subtypes that include it, written without a discriminator). The struct is already one of
/// the union's variants, so the union adds nothing it can hold; and serde's flattening would
/// nest a serializer inside itself without end (rustc's recursion limit).
/// The union made for a dropped field goes too when nothing else names it.
pub fn drop_self_flattening(types: &mut Vec<TypeDef>) {
    let mut orphans = Vec::new();
    for i in 0..types.len() {
        let TypeKind::Struct(s) = &types[i].kind else {
            continue;
        };
        let name = &types[i].name;
        let cyclic: Vec<(String, TypeRef)> = s
            .fields
            .iter()
            .filter(|f| f.flatten && flattens_into(types, &f.ty, name, &mut Vec::new()))
            .map(|f| (f.rust_name.clone(), f.ty.clone()))
            .collect();
        if let TypeKind::Struct(s) = &mut types[i].kind {
            s.fields
                .retain(|f| !cyclic.iter().any(|(n, _)| n == &f.rust_name));
        }
        orphans.extend(cyclic.into_iter().filter_map(|(_, ty)| match ty {
            TypeRef::Named(name) => Some(name),
            _ => None,
        }));
    }
    // Only a union made for the field (inline, not a component) can be an orphan.
    let unused: Vec<String> = types
        .iter()
        .filter(|t| orphans.contains(&t.name) && !is_component(&t.origin))
        .filter(|t| types_mentioning(types, &t.name) == 0)
        .map(|t| t.name.clone())
        .collect();
    types.retain(|t| !unused.contains(&t.name));
}

fn is_component(origin: &str) -> bool {
    origin
        .strip_prefix("#/components/schemas/")
        .is_some_and(|key| !key.contains('/'))
}

/// How many types name `name` in a field, variant, alias or additional properties.
fn types_mentioning(types: &[TypeDef], name: &str) -> usize {
    types
        .iter()
        .filter(|t| match &t.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().any(|f| mentions(&f.ty, name))
                    || s.additional.as_ref().is_some_and(|a| mentions(a, name))
            }
            TypeKind::Union(u) => u.variants.iter().any(|v| mentions(&v.ty, name)),
            TypeKind::Alias(ty) => mentions(ty, name),
            TypeKind::Enum(_) => false,
        })
        .count()
}

fn mentions(ty: &TypeRef, name: &str) -> bool {
    match ty {
        TypeRef::Named(n) => n == name,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            mentions(inner, name)
        }
        TypeRef::Tuple(elements) => elements.iter().any(|e| mentions(e, name)),
        _ => false,
    }
}

/// Settles the flattened unions whose variants repeat properties of the struct they are in. A
/// struct whose own properties every variant has (the base of such subtypes) is the union. Where
/// only some do, serde would give the struct the property and leave the variant without it, so
/// the union is not flattened and its properties are kept as additional properties; the
/// origins of those structs are returned, to be said.
pub fn settle_flattened_unions(types: &mut [TypeDef]) -> Vec<String> {
    let mut untyped = Vec::new();
    for i in 0..types.len() {
        let TypeKind::Struct(s) = &types[i].kind else {
            continue;
        };
        let own: BTreeSet<&str> = s
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .map(|f| f.name.as_str())
            .collect();
        let flattened: Vec<(String, Vec<BTreeSet<String>>)> = s
            .fields
            .iter()
            .filter(|f| f.flatten)
            .map(|f| (f.rust_name.clone(), variant_properties(types, &f.ty)))
            .collect();
        let overlapping: Vec<&(String, Vec<BTreeSet<String>>)> = flattened
            .iter()
            .filter(|(_, variants)| {
                variants
                    .iter()
                    .any(|names| own.iter().any(|o| names.contains(*o)))
            })
            .collect();
        if overlapping.is_empty() {
            continue;
        }
        let is_base = flattened.len() == 1
            && s.additional.is_none()
            && s.required_choices.is_empty()
            && flattened[0]
                .1
                .iter()
                .all(|names| own.iter().all(|o| names.contains(*o)));
        let drop: Vec<String> = overlapping.iter().map(|(field, _)| field.clone()).collect();
        let def = &mut types[i];
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        if is_base {
            if let Some(union) = s.fields.iter().find(|f| f.flatten).map(|f| f.ty.clone()) {
                def.kind = TypeKind::Alias(union);
            }
            continue;
        }
        s.fields.retain(|f| !drop.contains(&f.rust_name));
        s.additional.get_or_insert(TypeRef::Any);
        untyped.push(def.origin.clone());
    }
    untyped
}

/// The JSON property names of each variant of the union `ty` (through aliases); a variant that
/// is no struct has none.
fn variant_properties(types: &[TypeDef], ty: &TypeRef) -> Vec<BTreeSet<String>> {
    let kind = |ty: &TypeRef| {
        let mut ty = ty.non_null();
        for _ in 0..types.len() {
            let TypeRef::Named(name) = ty else {
                return None;
            };
            match types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner)) => ty = inner.non_null(),
                other => return other,
            }
        }
        None
    };
    let Some(TypeKind::Union(union)) = kind(ty) else {
        return Vec::new();
    };
    union
        .variants
        .iter()
        .map(|v| match kind(&v.ty) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .filter(|f| !f.flatten)
                .map(|f| f.name.clone())
                .collect(),
            _ => BTreeSet::new(),
        })
        .collect()
}

/// Whether a value of `ty`, flattened, holds the struct `target` as flattened fields do: a
/// union variant that is `target`, or a struct whose flattened unions hold it.
fn flattens_into(types: &[TypeDef], ty: &TypeRef, target: &str, seen: &mut Vec<String>) -> bool {
    let TypeRef::Named(name) = ty.non_null() else {
        return false;
    };
    if name == target {
        return true;
    }
    if seen.contains(name) {
        return false;
    }
    seen.push(name.clone());
    match types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
        Some(TypeKind::Union(u)) => u
            .variants
            .iter()
            .any(|v| flattens_into(types, &v.ty, target, seen)),
        Some(TypeKind::Struct(s)) => s
            .fields
            .iter()
            .filter(|f| f.flatten)
            .any(|f| flattens_into(types, &f.ty, target, seen)),
        Some(TypeKind::Alias(inner)) => flattens_into(types, inner, target, seen),
        _ => false,
    }
}
