//! IR → surface: each operation and type as the emitters generate it, with the Rust types they
//! declare (printed by the IR's one text form, `ir/display.rs`).

use super::model::{
    Body, EnumMember, Field, Operation, Param, Response, Shape, Surface, Type, Variant,
};
use crate::ir::{self, Api, MediaKind, StatusSpec, TypeKind};

impl Surface {
    /// The surface of an API as the emitters generate it.
    pub fn from_api(api: &Api) -> Surface {
        let mut operations: Vec<Operation> = api.operations.iter().map(operation).collect();
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        let mut types: Vec<Type> = api.types.iter().map(type_item).collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        Surface { operations, types }
    }
}

/// A name as the caller writes it: without the raw prefix of a keyword.
fn unraw(name: &str) -> String {
    name.trim_start_matches("r#").to_string()
}

fn operation(op: &ir::Operation) -> Operation {
    let params = op
        .params
        .iter()
        .map(|p| Param {
            name: p.name.clone(),
            location: p.location.name().into(),
            ty: p.ty.non_null().to_string(),
            required: p.required,
        })
        .collect();
    let body = op.body.as_ref().map(|b| Body {
        media: b.media.name().into(),
        ty: match b.media {
            MediaKind::Text | MediaKind::EventStream => "String".into(),
            MediaKind::Binary => "Bytes".into(),
            MediaKind::Json
            | MediaKind::JsonSequence
            | MediaKind::FormUrlEncoded
            | MediaKind::Multipart => b.ty.non_null().to_string(),
        },
        required: b.required,
    });
    Operation {
        name: unraw(&op.method_name),
        method: op.method.as_str().into(),
        path: op.path.raw.clone(),
        deprecated: op.deprecated,
        params,
        body,
        responses: responses(op),
    }
}

/// Sorted by status. As `emit::operations::split_responses`: `default` is a success when no 2xx
/// is documented.
fn responses(op: &ir::Operation) -> Vec<Response> {
    let any_2xx = op.responses.iter().any(ir::Response::is_success);
    let mut responses: Vec<&ir::Response> = op.responses.iter().collect();
    responses.sort_by_key(|r| r.status);
    responses
        .into_iter()
        .map(|r| Response {
            status: r.status.to_string(),
            success: r.is_success() || (!any_2xx && r.status == StatusSpec::Default),
            ty: match &r.body {
                None => "()".into(),
                Some(body) => match body.media {
                    MediaKind::Text => "String".into(),
                    MediaKind::Binary | MediaKind::Multipart => "Bytes".into(),
                    MediaKind::Json | MediaKind::JsonSequence | MediaKind::FormUrlEncoded => {
                        body.ty.to_string()
                    }
                    MediaKind::EventStream => format!("EventStream<{}>", body.ty),
                },
            },
        })
        .collect()
}

fn type_item(t: &ir::TypeDef) -> Type {
    let shape = match &t.kind {
        TypeKind::Struct(s) => Shape::Struct {
            fields: s.fields.iter().map(field).collect(),
            additional: s.additional.as_ref().map(ToString::to_string),
        },
        TypeKind::Enum(e) => Shape::Enum {
            repr: e.repr.name().into(),
            values: e
                .variants
                .iter()
                .map(|v| EnumMember {
                    variant: unraw(&v.name),
                    value: v.value.clone(),
                })
                .collect(),
        },
        TypeKind::Union(u) => Shape::Union {
            discriminator: u.discriminator.clone(),
            variants: u
                .variants
                .iter()
                .map(|v| Variant {
                    name: unraw(&v.name),
                    ty: if v.boxed {
                        format!("Box<{}>", v.ty)
                    } else {
                        v.ty.to_string()
                    },
                    tags: v.tags.clone(),
                })
                .collect(),
        },
        TypeKind::Alias(ty) => Shape::Alias(ty.to_string()),
    };
    Type {
        name: t.name.clone(),
        shape,
    }
}

/// The field's type as `emit::types::field` declares it.
fn field(f: &ir::Field) -> Field {
    let mut ty = f.ty.non_null().to_string();
    if f.boxed {
        ty = format!("Box<{ty}>");
    }
    if f.tri_state {
        ty = format!("Nullable<{ty}>");
    } else if !f.required || f.ty.is_nullable() {
        ty = format!("Option<{ty}>");
    }
    Field {
        name: f.name.clone(),
        ty,
        required: f.required,
        nullable: f.ty.is_nullable(),
    }
}
