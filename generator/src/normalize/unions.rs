//! Untagged unions: serde tries variants in order and keeps the first that fits, so the most
//! specific shapes go first (scalars, then arrays, then objects with many required fields) and
//! catch-alls (maps, any value) last.

use std::collections::HashMap;

use crate::ir::{TypeDef, TypeKind, TypeRef};

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
