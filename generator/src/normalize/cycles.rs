//! Recursive schemas: a struct that contains itself, directly or through other structs, needs a
//! `Box` somewhere on the cycle or it has infinite size. Vectors and maps already add
//! indirection, so only direct and `Option` containment counts.

use std::collections::HashMap;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Marks as boxed every struct field and union variant whose type lies on a containment cycle
/// with its own type.
pub fn box_recursive_fields(types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            direct_children(&t.kind)
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected_components(&edges);
    let lookup: HashMap<String, usize> =
        index.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let on_cycle = |ty: &TypeRef, owner: usize| {
        let mut names = Vec::new();
        contained_names(ty, &mut names);
        names
            .iter()
            .filter_map(|n| lookup.get(*n))
            .any(|target| component[*target] == component[owner])
    };
    for (i, def) in types.iter_mut().enumerate() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.boxed |= on_cycle(&field.ty, i);
                }
            }
            TypeKind::Union(u) => {
                for variant in &mut u.variants {
                    variant.boxed |= on_cycle(&variant.ty, i);
                }
            }
            TypeKind::Enum(_) | TypeKind::Alias(_) => {}
        }
    }
}

/// Aliases that lead back to themselves (`A = B`, `B = A`): no Rust type can express them.
/// Returns the origin of one alias per cycle.
pub fn alias_cycles(types: &[TypeDef]) -> Vec<(String, String)> {
    let aliases: HashMap<&str, &str> = types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Alias(ty) => directly_named(ty).map(|n| (t.name.as_str(), n.as_str())),
            _ => None,
        })
        .collect();
    let mut reported = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for def in types {
        let mut seen = vec![def.name.as_str()];
        let mut current = def.name.as_str();
        while let Some(next) = aliases.get(current) {
            if let Some(start) = seen.iter().position(|s| s == next) {
                let cycle: Vec<&str> = seen[start..].to_vec();
                let mut key = cycle.clone();
                key.sort_unstable();
                if reported.insert(key) && start == 0 {
                    out.push((
                        def.origin.clone(),
                        format!("{} → {}", cycle.join(" → "), next),
                    ));
                }
                break;
            }
            seen.push(next);
            current = next;
        }
    }
    out
}

/// Lenient mode: the type defined at `origin` (the first of an alias cycle) becomes any JSON
/// value, which ends the cycle.
pub fn break_alias_cycle(types: &mut [TypeDef], origin: &str) {
    if let Some(def) = types.iter_mut().find(|t| t.origin == origin) {
        def.kind = TypeKind::Alias(TypeRef::Any);
    }
}

fn directly_named(ty: &TypeRef) -> Option<&String> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Nullable(inner) => directly_named(inner),
        _ => None,
    }
}

/// The named types a value of `ty` holds inline, without a heap indirection: itself, inside
/// an `Option`, or as a tuple's elements.
fn contained_names<'t>(ty: &'t TypeRef, out: &mut Vec<&'t String>) {
    match ty {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Nullable(inner) => contained_names(inner, out),
        TypeRef::Tuple(elements) => elements.iter().for_each(|e| contained_names(e, out)),
        _ => {}
    }
}

fn direct_children(kind: &TypeKind) -> Vec<String> {
    let mut names = Vec::new();
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .for_each(|f| contained_names(&f.ty, &mut names)),
        TypeKind::Alias(ty) => contained_names(ty, &mut names),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .for_each(|v| contained_names(&v.ty, &mut names)),
        TypeKind::Enum(_) => {}
    }
    names.into_iter().cloned().collect()
}

/// Tarjan's algorithm, iterative so deep schema graphs cannot overflow the stack. Returns the
/// component number of every node.
fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNVISITED; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&(node, edge)) = work.last() {
            if edge == 0 && index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&child) = edges[node].get(edge) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if index[child] == UNVISITED {
                    work.push((child, 0));
                } else if on_stack[child] {
                    low[node] = low[node].min(index[child]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, StructDef};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            name: name.into(),
            rust_name: name.into(),
            ty,
            required: false,
            description: None,
            read_only: false,
            write_only: false,
            deprecated: false,
            boxed: false,
            tri_state: false,
            flatten: false,
            facts: Default::default(),
        }
    }

    fn def(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.into(),
            origin: String::new(),
            description: None,
            kind: TypeKind::Struct(StructDef {
                fields,
                additional: None,
                required_extra: Vec::new(),
                required_choices: Vec::new(),
            }),
            envelope: None,
            facts: Default::default(),
        }
    }

    #[test]
    fn only_fields_on_a_cycle_are_boxed() {
        let named = |n: &str| TypeRef::nullable(TypeRef::Named(n.into()));
        let mut types = vec![
            def(
                "Node",
                vec![field("next", named("Node")), field("leaf", named("Leaf"))],
            ),
            def("Leaf", vec![field("v", TypeRef::String)]),
            def("A", vec![field("b", named("B"))]),
            def(
                "B",
                vec![
                    field("a", named("A")),
                    field("all", TypeRef::Array(Box::new(TypeRef::Named("B".into())))),
                ],
            ),
        ];
        box_recursive_fields(&mut types);
        let boxed = |t: &TypeDef| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.boxed).collect::<Vec<_>>(),
            _ => vec![],
        };
        assert_eq!(boxed(&types[0]), [true, false]);
        assert_eq!(boxed(&types[2]), [true]);
        assert_eq!(boxed(&types[3]), [true, false]);
    }
}
