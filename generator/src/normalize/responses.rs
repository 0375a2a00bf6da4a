//! An operation's responses: status codes and ranges, the body each one has (the media type
//! picked, what it is read as) and the headers it documents.

use openapiv3::{ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::Context;
use super::media;
use super::names::{Namespace, status_variant_name, type_name, value_name};
use super::refs::ComponentKind;
use crate::diagnostics::pointer_join;
use crate::ir::{MediaKind, Response, ResponseBody, ResponseHeader, StatusSpec, TypeRef};

impl<'d> Context<'d> {
    pub(super) fn responses(
        &mut self,
        responses: &'d openapiv3::Responses,
        op_type: &str,
        pointer: &str,
    ) -> Vec<Response> {
        let base = pointer_join(pointer, "responses");
        // openapiv3 drops keys that are not status codes; say so instead of losing them quietly.
        if let Some(raw) = self.doc.raw.pointer(&base).and_then(|v| v.as_object()) {
            for key in raw.keys() {
                if key != "default" && !key.starts_with("x-") && !is_status_key(key) {
                    self.warn(
                        pointer_join(&base, key),
                        format!("`{key}` is not a status code (`404`) or range (`4XX`); this response is ignored"),
                    );
                }
            }
        }
        let mut entries: Vec<(StatusSpec, &'d ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
        for (code, response) in &responses.responses {
            let (status, key) = match code {
                StatusCode::Code(c) => (StatusSpec::Code(*c), c.to_string()),
                StatusCode::Range(r) => (
                    StatusSpec::Range(u8::try_from(*r).unwrap_or(0)),
                    format!("{r}XX"),
                ),
            };
            entries.push((status, response, pointer_join(&base, &key)));
        }
        if let Some(default) = &responses.default {
            entries.push((StatusSpec::Default, default, pointer_join(&base, "default")));
        }
        entries.sort_by_key(|(status, _, _)| *status);
        let successes = entries.iter().filter(|(s, _, _)| is_success(*s)).count();
        let components = self.doc.openapi.components.as_ref().map(|c| &c.responses);
        let mut variants = Namespace::new();
        let mut out = Vec::new();
        for (status, response, pointer) in entries {
            let Some(response) =
                self.resolve(response, components, ComponentKind::Responses, &pointer)
            else {
                continue;
            };
            let variant = variants.claim(&match status {
                StatusSpec::Code(c) => status_variant_name(Some(c), None),
                StatusSpec::Range(r) => status_variant_name(None, Some(r)),
                StatusSpec::Default => status_variant_name(None, None),
            });
            let hint = if is_success(status) && successes == 1 {
                format!("{op_type}Response")
            } else {
                format!("{op_type}{variant}Response")
            };
            // 1xx, 204 and 304 answers have no content (RFC 9110 §15.2, §15.3.5, §15.4.5),
            // whatever the document says: nothing is decoded.
            let bodiless = matches!(status, StatusSpec::Code(100..=199 | 204 | 304));
            if bodiless && !response.content.is_empty() {
                self.warn(
                    pointer_join(&pointer, "content"),
                    "this status never has a body in HTTP; the body given here is ignored",
                );
            }
            let content = response
                .content
                .keys()
                .map(String::as_str)
                .filter(|_| !bodiless);
            // Only the one success is read as it arrives: outcome enums hold whole values.
            let only_success = match status {
                StatusSpec::Default => successes == 0,
                status => is_success(status) && successes == 1,
            };
            let body = media::pick(content).map(|chosen| {
                let mut kind = media::classify(chosen);
                if kind == MediaKind::EventStream && !only_success {
                    self.warn(
                        pointer_join(&pointer_join(&pointer, "content"), chosen),
                        "an event stream is read as it arrives only as an operation's one success response; this one is read whole, as text",
                    );
                    kind = MediaKind::Text;
                }
                let schema = response.content.get(chosen).and_then(|m| m.schema.as_ref());
                let p = pointer_join(
                    &pointer_join(&pointer_join(&pointer, "content"), chosen),
                    "schema",
                );
                // A multipart answer is given as the bytes that came: its parts have no type.
                let ty = match kind {
                    MediaKind::Multipart => TypeRef::Bytes,
                    _ => self.body_type(schema, kind, &hint, &p),
                };
                ResponseBody {
                    media: kind,
                    content_type: chosen.to_string(),
                    ty,
                }
            });
            let headers = self.response_headers(response, &hint, &pointer);
            out.push(Response {
                status,
                variant,
                description: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                body,
                headers,
            });
        }
        out
    }

    /// The headers a response documents. `Content-Type` is left out, as OpenAPI says; a header
    /// of a type text cannot carry (a file, a map) is read as its text.
    fn response_headers(
        &mut self,
        response: &'d openapiv3::Response,
        hint: &str,
        pointer: &str,
    ) -> Vec<ResponseHeader> {
        let base = pointer_join(pointer, "headers");
        let components = self.doc.openapi.components.as_ref().map(|c| &c.headers);
        let mut names = Namespace::new();
        let mut out = Vec::new();
        for (name, header) in &response.headers {
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let pointer = pointer_join(&base, name);
            if !super::security::is_http_token(name) {
                let message = format!(
                    "`{name}` is not an HTTP header name (RFC 9110 token), so no response carries it"
                );
                self.problem(pointer, message, "the header is ignored");
                continue;
            }
            let Some(header) = self.resolve(header, components, ComponentKind::Headers, &pointer)
            else {
                continue;
            };
            let hint = format!("{hint}{}", type_name(name));
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.schema_type(schema.into(), &hint, &pointer_join(&pointer, "schema"))
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            let ty = match ty.non_null() {
                TypeRef::Bytes | TypeRef::Map(_) => TypeRef::String,
                other => other.clone(),
            };
            out.push(ResponseHeader {
                name: name.clone(),
                rust_name: names.claim(&value_name(name)),
                ty,
                required: header.required,
                description: header.description.clone().filter(|d| !d.trim().is_empty()),
            });
        }
        out
    }
}

fn is_status_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() == 3
        && (b'1'..=b'5').contains(&bytes[0])
        && ((bytes[1].is_ascii_digit() && bytes[2].is_ascii_digit()) || &key[1..] == "XX")
}

fn is_success(status: StatusSpec) -> bool {
    matches!(status, StatusSpec::Code(200..=299) | StatusSpec::Range(2))
}
