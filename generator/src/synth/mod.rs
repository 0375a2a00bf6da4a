//! Value synthesis: arguments for calling an operation once, made up from the IR.
//!
//! The document's own values come first (parameter, media type and schema examples, then
//! defaults), when they fit the type and its constraints; otherwise a value is built that
//! satisfies the type, format, enum, bounds, lengths and (when a simple generator can) the
//! pattern: required fields of nested objects, arrays with one item (or `minItems`), maps with
//! one entry, the first union variant whose value fits it alone. Values are JSON; the smoke
//! tests turn them into Rust arguments.

mod check;
mod formats;
mod pattern;
mod values;

use serde_json::Value;

use crate::ir::{Api, MediaKind, Operation, ParamLocation, TypeRef};

pub use check::conforms;

/// Arguments for one call of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSample {
    /// One value per parameter of the operation, in its order.
    pub params: Vec<Value>,
    /// The request body, when the operation has one.
    pub body: Option<BodySample>,
}

/// A request body as the operation's builder takes it.
#[derive(Debug, Clone, PartialEq)]
pub enum BodySample {
    /// A model value (JSON, form and multipart bodies), as JSON.
    Json(Value),
    /// A `text/*` body.
    Text(String),
    /// Raw bytes (`application/octet-stream` and other binary media).
    Bytes(Vec<u8>),
}

/// The bytes of every made-up file.
pub const FILE_CONTENT: &[u8] = b"smoke test file\n";

/// Arguments for calling `op` of `api` once: every parameter, required or not, and the body.
pub fn operation_sample(api: &Api, op: &Operation) -> OperationSample {
    let synth = values::Synth::new(api);
    let params = op
        .params
        .iter()
        .map(|p| {
            let place = match p.location {
                ParamLocation::Header | ParamLocation::Cookie => values::Place::Header,
                ParamLocation::Path => values::Place::Path,
                ParamLocation::Query { .. } => values::Place::Query,
            };
            synth.parameter(&p.ty, &p.facts, place)
        })
        .collect();
    let body = op.body.as_ref().map(|b| match b.media {
        MediaKind::Text => BodySample::Text(match synth.body(&TypeRef::String, &b.facts) {
            Value::String(s) => s,
            other => other.to_string(),
        }),
        MediaKind::Binary => BodySample::Bytes(FILE_CONTENT.to_vec()),
        MediaKind::Json | MediaKind::FormUrlEncoded | MediaKind::Multipart => {
            BodySample::Json(synth.body(b.ty.non_null(), &b.facts))
        }
    });
    OperationSample { params, body }
}

#[cfg(test)]
mod tests;
