//! A short, stable, human-readable summary of an API's IR, for review and snapshots.
//!
//! Unlike the API surface (`surface`), which keeps only what callers of the client see, it shows
//! every decision normalize made: servers, security, query styles, content types, response
//! variants, authentication, pagination and boxing, in IR order. Types, statuses and enum values
//! print in the IR's one text form (`ir/display.rs`).

use std::fmt::Write;

use crate::ir::{Api, Operation, ParamLocation, TypeDef, TypeKind};

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
        operation(&mut out, api, op);
    }
    let _ = writeln!(out, "\ntypes ({}):", api.types.len());
    for t in &api.types {
        type_def(&mut out, t);
    }
    out
}

fn operation(out: &mut String, api: &Api, op: &Operation) {
    let deprecated = if op.deprecated { " [deprecated]" } else { "" };
    let _ = writeln!(
        out,
        "  {} {} -> {}(){deprecated}",
        op.method.as_str(),
        op.path.raw,
        op.method_name
    );
    if let Some(server) = op.servers.first() {
        let _ = writeln!(out, "    server {}", server.url);
    }
    for p in &op.params {
        let location = match p.location {
            ParamLocation::Query { style, explode } => {
                format!("query {style:?}{}", if explode { " explode" } else { "" })
            }
            other => other.name().to_string(),
        };
        let _ = writeln!(
            out,
            "    param {} ({location}, {}): {}",
            p.name,
            required_text(p.required),
            p.ty
        );
    }
    if let Some(b) = &op.body {
        let _ = writeln!(
            out,
            "    body ({}, {}, {}): {}",
            b.content_type,
            b.media.name(),
            required_text(b.required),
            b.ty
        );
    }
    for r in &op.responses {
        let body = r.body.as_ref().map_or("no body".to_string(), |b| {
            format!("{} {}", b.media.name(), b.ty)
        });
        let _ = writeln!(out, "    {} {}: {body}", r.status, r.variant);
        for h in &r.headers {
            let required = if h.required { " (required)" } else { "" };
            let _ = writeln!(out, "      header {}: {}{required}", h.name, h.ty);
        }
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
    let auth = if auth.is_empty() {
        "none".to_string()
    } else {
        auth.join(" | ")
    };
    let _ = writeln!(out, "    auth: {auth}");
    if let Some(p) = &op.pagination {
        let _ = writeln!(out, "    pagination: {p:?}");
    }
}

fn type_def(out: &mut String, t: &TypeDef) {
    match &t.kind {
        TypeKind::Struct(s) => {
            let _ = writeln!(out, "  struct {}", t.name);
            for f in &s.fields {
                let req = if f.required { "" } else { "?" };
                let boxed = if f.boxed { " (boxed)" } else { "" };
                let _ = writeln!(out, "    {}{req}: {}{boxed}", f.name, f.ty);
            }
            if let Some(extra) = &s.additional {
                let _ = writeln!(out, "    ...: {extra}");
            }
        }
        TypeKind::Enum(e) => {
            let values: Vec<String> = e
                .variants
                .iter()
                .map(|v| format!("{}={}", v.name, v.value))
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
                    format!("{}({}){tags}", v.name, v.ty)
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
            let _ = writeln!(out, "  alias {} = {ty}", t.name);
        }
    }
}

fn required_text(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}
