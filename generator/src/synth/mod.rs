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

use crate::ir::{Api, MediaKind, Operation, ParamLocation, StatusSpec, TypeRef, ValueFacts};

pub use check::conforms;

/// Arguments for one call of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSample {
    /// One value per parameter of the operation, in its order.
    pub params: Vec<Value>,
    /// The request body, when the operation has one.
    pub body: Option<BodySample>,
    /// Unions (by type name) for which no value fits exactly one variant: a `oneOf` of them
    /// cannot be satisfied as far as the IR can tell.
    pub ambiguous_unions: Vec<String>,
    /// Strings whose schema contradicts itself: the text its `pattern` gives is refused by its
    /// `format` (`pattern: YYYY-MM-DD` beside `format: date`), so no value satisfies both.
    pub contradictions: Vec<String>,
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
                ParamLocation::Header { .. } | ParamLocation::Cookie { .. } => {
                    values::Place::Header
                }
                ParamLocation::Path { .. } => values::Place::Path,
                ParamLocation::Query { .. } => values::Place::Query,
            };
            synth.parameter(&p.ty, &p.facts, place)
        })
        .collect();
    let body = op.body.as_ref().map(|b| match b.media {
        MediaKind::Text | MediaKind::EventStream => {
            BodySample::Text(match synth.body(&TypeRef::String, &b.facts) {
                Value::String(s) => s,
                other => other.to_string(),
            })
        }
        // A binary body whose schema constrains its text (`format: byte`, a `pattern`) gets
        // text that satisfies it; any other gets the file.
        MediaKind::Binary
            if b.facts.pattern.is_some()
                || matches!(b.facts.format.as_deref(), Some("byte" | "base64")) =>
        {
            BodySample::Bytes(match synth.body(&TypeRef::String, &b.facts) {
                Value::String(s) => s.into_bytes(),
                other => other.to_string().into_bytes(),
            })
        }
        MediaKind::Binary => BodySample::Bytes(FILE_CONTENT.to_vec()),
        MediaKind::Json
        | MediaKind::JsonSequence
        | MediaKind::FormUrlEncoded
        | MediaKind::Multipart => BodySample::Json(synth.body(b.ty.non_null(), &b.facts)),
    });
    OperationSample {
        params,
        body,
        ambiguous_unions: synth.ambiguous_unions(),
        contradictions: synth.contradictions(),
    }
}

/// A successful answer to an operation, made up like its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseSample {
    pub status: u16,
    /// `None` for an answer without a body.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// As in [`OperationSample::ambiguous_unions`].
    pub ambiguous_unions: Vec<String>,
    /// As in [`OperationSample::contradictions`].
    pub contradictions: Vec<String>,
}

/// A valid successful answer to `op`: its first documented success (or `default` when it has
/// none) with a body made up for its type, read-only fields included and write-only ones left
/// out. `None` for answers this cannot make (multipart and form bodies).
pub fn response_sample(api: &Api, op: &Operation) -> Option<ResponseSample> {
    let response = op.responses.iter().find(|r| r.is_success()).or_else(|| {
        op.responses
            .iter()
            .find(|r| r.status == StatusSpec::Default)
    })?;
    let status = match response.status {
        StatusSpec::Code(code) => code,
        StatusSpec::Range(_) | StatusSpec::Default => 200,
    };
    let Some(body) = &response.body else {
        return Some(ResponseSample {
            status,
            content_type: None,
            body: Vec::new(),
            ambiguous_unions: Vec::new(),
            contradictions: Vec::new(),
        });
    };
    let content_type = crate::normalize::media::concrete_content_type(&body.content_type);
    let synth = values::Synth::new(api);
    let bytes = match body.media {
        MediaKind::Json => {
            let value = synth.response(&body.ty, &ValueFacts::default());
            serde_json::to_vec(&value).ok()?
        }
        MediaKind::JsonSequence => {
            let value = synth.response(&body.ty, &ValueFacts::default());
            json_sequence_text(&content_type, value)?
        }
        MediaKind::Text => b"smoke".to_vec(),
        // One event, its data made up for the data's type.
        MediaKind::EventStream => {
            let data = match synth.response(&body.ty, &ValueFacts::default()) {
                Value::String(text) if body.ty == TypeRef::String => text,
                value => value.to_string(),
            };
            format!("data: {data}\n\n").into_bytes()
        }
        MediaKind::Binary => FILE_CONTENT.to_vec(),
        MediaKind::FormUrlEncoded | MediaKind::Multipart => return None,
    };
    Some(ResponseSample {
        status,
        content_type: Some(content_type),
        body: bytes,
        ambiguous_unions: synth.ambiguous_unions(),
        contradictions: synth.contradictions(),
    })
}

#[cfg(test)]
mod tests;

/// A JSON sequence body: each item of `value` (a list) on a line of its own, after RFC 7464's
/// record separator for `application/json-seq`.
fn json_sequence_text(content_type: &str, value: Value) -> Option<Vec<u8>> {
    let items = match value {
        Value::Array(items) => items,
        one => vec![one],
    };
    let separated = content_type.to_ascii_lowercase().contains("json-seq");
    let mut out = Vec::new();
    for item in &items {
        if separated {
            out.push(0x1e);
        }
        out.extend(serde_json::to_vec(item).ok()?);
        out.push(b'\n');
    }
    Some(out)
}
