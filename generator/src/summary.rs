//! A short, stable, human-readable summary of an API's IR, for review and snapshots.

use std::fmt::Write;

use crate::ir::{Api, EnumValue, ParamLocation, StatusSpec, TypeKind, TypeRef};

/// Renders each operation (method, path, parameters, body, responses) and each type.
pub fn summarize(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "api {} — {} {}", api.module, api.title, api.version);
    for server in &api.servers {
        let _ = writeln!(out, "server {}", server.url);
    }
    for scheme in &api.security_schemes {
        let _ = writeln!(
            out,
            "security {} ({:?}) via .{}()",
            scheme.key, scheme.kind, scheme.setter
        );
    }
    let _ = writeln!(out, "\noperations ({}):", api.operations.len());
    for op in &api.operations {
        let deprecated = if op.deprecated { " [deprecated]" } else { "" };
        let _ = writeln!(
            out,
            "  {} {} -> {}(){deprecated}",
            op.method.as_str(),
            op.path.raw,
            op.method_name
        );
        for p in &op.params {
            let location = match p.location {
                ParamLocation::Path => "path".to_string(),
                ParamLocation::Query { style, explode } => {
                    format!("query {style:?}{}", if explode { " explode" } else { "" })
                }
                ParamLocation::Header => "header".to_string(),
                ParamLocation::Cookie => "cookie".to_string(),
            };
            let req = if p.required { "required" } else { "optional" };
            let _ = writeln!(
                out,
                "    param {} ({location}, {req}): {}",
                p.name,
                type_text(&p.ty)
            );
        }
        if let Some(b) = &op.body {
            let req = if b.required { "required" } else { "optional" };
            let _ = writeln!(
                out,
                "    body ({}, {}, {req}): {}",
                b.content_type,
                b.media.name(),
                type_text(&b.ty)
            );
        }
        for r in &op.responses {
            let status = match r.status {
                StatusSpec::Code(c) => c.to_string(),
                StatusSpec::Range(x) => format!("{x}XX"),
                StatusSpec::Default => "default".to_string(),
            };
            let body = r.body.as_ref().map_or("no body".to_string(), |b| {
                format!("{} {}", b.media.name(), type_text(&b.ty))
            });
            let _ = writeln!(out, "    {status} {}: {body}", r.variant);
        }
        let auth: Vec<String> = op
            .security
            .iter()
            .map(|req| {
                let names: Vec<&str> = req
                    .schemes
                    .iter()
                    .filter_map(|i| api.security_schemes.get(*i))
                    .map(|s| s.key.as_str())
                    .collect();
                if names.is_empty() {
                    "anonymous".to_string()
                } else {
                    names.join("+")
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "    auth: {}",
            if auth.is_empty() {
                "none".to_string()
            } else {
                auth.join(" | ")
            }
        );
        if let Some(p) = &op.pagination {
            let _ = writeln!(out, "    pagination: {p:?}");
        }
    }
    let _ = writeln!(out, "\ntypes ({}):", api.types.len());
    for t in &api.types {
        match &t.kind {
            TypeKind::Struct(s) => {
                let _ = writeln!(out, "  struct {}", t.name);
                for f in &s.fields {
                    let req = if f.required { "" } else { "?" };
                    let boxed = if f.boxed { " (boxed)" } else { "" };
                    let _ = writeln!(out, "    {}{req}: {}{boxed}", f.name, type_text(&f.ty));
                }
                if let Some(extra) = &s.additional {
                    let _ = writeln!(out, "    ...: {}", type_text(extra));
                }
            }
            TypeKind::Enum(e) => {
                let values: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| match &v.value {
                        EnumValue::String(s) => format!("{}={s:?}", v.name),
                        EnumValue::Integer(i) => format!("{}={i}", v.name),
                        EnumValue::Json(j) => format!("{}={j}", v.name),
                    })
                    .collect();
                let _ = writeln!(out, "  enum {} {{ {} }}", t.name, values.join(", "));
            }
            TypeKind::Union(u) => {
                let variants: Vec<String> = u
                    .variants
                    .iter()
                    .map(|v| {
                        let tags = if v.tags.is_empty() {
                            String::new()
                        } else {
                            format!(" @{}", v.tags.join("|"))
                        };
                        format!("{}({}){tags}", v.name, type_text(&v.ty))
                    })
                    .collect();
                let by = u
                    .discriminator
                    .as_ref()
                    .map(|d| format!(" by {d}"))
                    .unwrap_or_default();
                let _ = writeln!(out, "  union {}{by} {{ {} }}", t.name, variants.join(" | "));
            }
            TypeKind::Alias(ty) => {
                let _ = writeln!(out, "  alias {} = {}", t.name, type_text(ty));
            }
        }
    }
    out
}

/// A compact type notation: `[T]` arrays, `{T}` maps, `T?` nullable.
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "string".into(),
        TypeRef::Integer { bits, signed } => format!("{}{bits}", if *signed { "i" } else { "u" }),
        TypeRef::Number { bits } => format!("f{bits}"),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Bytes => "bytes".into(),
        TypeRef::Array(i) => format!("[{}]", type_text(i)),
        TypeRef::Map(v) => format!("{{{}}}", type_text(v)),
        TypeRef::Any => "any".into(),
        TypeRef::Nullable(i) => format!("{}?", type_text(i)),
    }
}
