//! Request-side typing: in types that are sent (reachable from a request body), an optional
//! nullable field has three states (absent, `null`, a value), because APIs treat "leave as is"
//! and "clear" differently. Response-only types keep a plain `Option`.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Operation, TypeDef, TypeKind, TypeRef};

pub fn mark_tri_state_fields(types: &mut [TypeDef], operations: &[Operation]) {
    let by_name: BTreeMap<&str, &TypeKind> =
        types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    let mut sent = BTreeSet::new();
    let mut queue: Vec<String> = Vec::new();
    for op in operations {
        if let Some(body) = &op.body {
            collect_named(&body.ty, &mut queue);
        }
    }
    while let Some(name) = queue.pop() {
        if !sent.insert(name.clone()) {
            continue;
        }
        match by_name.get(name.as_str()) {
            Some(TypeKind::Struct(s)) => {
                for f in &s.fields {
                    collect_named(&f.ty, &mut queue);
                }
                if let Some(extra) = &s.additional {
                    collect_named(extra, &mut queue);
                }
            }
            Some(TypeKind::Alias(ty)) => collect_named(ty, &mut queue),
            Some(TypeKind::Union(u)) => u
                .variants
                .iter()
                .for_each(|v| collect_named(&v.ty, &mut queue)),
            Some(TypeKind::Enum(_)) | None => {}
        }
    }
    for def in types.iter_mut() {
        if !sent.contains(&def.name) {
            continue;
        }
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                f.tri_state = !f.required && f.ty.is_nullable();
            }
        }
    }
}

fn collect_named(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            collect_named(inner, out)
        }
        TypeRef::Tuple(elements) => elements.iter().for_each(|e| collect_named(e, out)),
        _ => {}
    }
}
