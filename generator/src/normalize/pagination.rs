//! `x-pagination`: a documented vendor extension that lets any spec opt an operation into an
//! auto-paginating stream.
//!
//! ```yaml
//! x-pagination: {kind: offset, offset: skip, limit: take, items: /result}
//! x-pagination: {kind: cursor, cursor_param: start_key, next_cursor: /next_start_key, items: /data}
//! ```
//!
//! `items` and `next_cursor` are JSON pointers into the success body. Anything that does not
//! resolve is a warning and the operation simply gets no stream.

use super::Context;
use crate::ir::{
    FieldPath, FieldStep, MediaKind, Pagination, PaginationKind, ParamLocation, Parameter,
    Response, TypeKind, TypeRef,
};

impl Context<'_> {
    pub(super) fn pagination(
        &mut self,
        value: &serde_json::Value,
        params: &[Parameter],
        responses: &[Response],
        pointer: &str,
    ) -> Option<Pagination> {
        match self.try_pagination(value, params, responses) {
            Ok(p) => Some(p),
            Err(why) => {
                self.warn(
                    pointer,
                    format!("{why}; no stream is generated for this operation"),
                );
                None
            }
        }
    }

    fn try_pagination(
        &self,
        value: &serde_json::Value,
        params: &[Parameter],
        responses: &[Response],
    ) -> Result<Pagination, String> {
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let need = |key: &str| text(key).ok_or_else(|| format!("`x-pagination` needs `{key}`"));
        // The stream sets these parameters page after page, so they are optional query
        // parameters of the operation.
        let query_param = |name: &str| {
            let param = params
                .iter()
                .find(|p| p.name == name && matches!(p.location, ParamLocation::Query { .. }))
                .ok_or_else(|| format!("`x-pagination` names `{name}`, which is not a query parameter of the operation"))?;
            if param.required {
                return Err(format!(
                    "`x-pagination` names `{name}`, which is required; the parameters it names must be optional"
                ));
            }
            Ok(param)
        };
        let successes: Vec<&Response> = responses.iter().filter(|r| r.is_success()).collect();
        let body = match successes.as_slice() {
            [only] => only.body.as_ref().filter(|b| b.media == MediaKind::Json),
            _ => None,
        }
        .ok_or("`x-pagination` needs exactly one successful JSON response")?;

        let (items, items_type) = self.field_path(&body.ty, &need("items")?)?;
        let item_type = match items_type.non_null() {
            TypeRef::Array(item) => (**item).clone(),
            other => return Err(format!("`items` must point at an array, found {other:?}")),
        };
        let kind = match text("kind").as_deref() {
            Some("offset") => {
                let offset = query_param(&need("offset")?)?;
                let limit = query_param(&need("limit")?)?;
                for (what, param) in [("offset", offset), ("limit", limit)] {
                    if !matches!(param.ty.non_null(), TypeRef::Integer { .. }) {
                        return Err(format!(
                            "{what} parameter `{}` must be an integer",
                            param.name
                        ));
                    }
                }
                PaginationKind::Offset {
                    offset_param: offset.rust_name.clone(),
                    offset_type: offset.ty.non_null().clone(),
                    limit_param: limit.rust_name.clone(),
                }
            }
            Some("cursor") => {
                let cursor = query_param(&need("cursor_param")?)?;
                let (next_cursor, cursor_type) =
                    self.field_path(&body.ty, &need("next_cursor")?)?;
                if *cursor.ty.non_null() != TypeRef::String
                    || *cursor_type.non_null() != TypeRef::String
                {
                    return Err(
                        "the cursor parameter and `next_cursor` must both be strings".to_string(),
                    );
                }
                PaginationKind::Cursor {
                    cursor_param: cursor.rust_name.clone(),
                    next_cursor,
                }
            }
            other => {
                return Err(format!(
                    "`x-pagination` kind must be `offset` or `cursor`, found {other:?}"
                ));
            }
        };
        Ok(Pagination {
            kind,
            items,
            item_type,
        })
    }

    /// Resolves a JSON pointer through struct fields, returning the path and the final type.
    fn field_path(&self, root: &TypeRef, pointer: &str) -> Result<(FieldPath, TypeRef), String> {
        let mut current = root.clone();
        let mut steps = Vec::new();
        for token in pointer.trim_start_matches('/').split('/') {
            let TypeRef::Named(name) = current.non_null() else {
                return Err(format!("`{pointer}` does not lead through objects"));
            };
            let def = self
                .types
                .iter()
                .find(|t| &t.name == name)
                .ok_or_else(|| format!("type `{name}` is unknown"))?;
            let TypeKind::Struct(s) = &def.kind else {
                return Err(format!("`{pointer}`: `{name}` is not an object"));
            };
            let field = s
                .fields
                .iter()
                .find(|f| !f.flatten && f.name == token)
                .ok_or_else(|| format!("`{pointer}`: `{name}` has no property `{token}`"))?;
            steps.push(FieldStep {
                json_name: field.name.clone(),
                rust_name: field.rust_name.clone(),
                optional: !field.required || field.ty.is_nullable(),
                deprecated: field.deprecated,
            });
            current = field.ty.clone();
        }
        Ok((FieldPath { steps }, current))
    }
}
