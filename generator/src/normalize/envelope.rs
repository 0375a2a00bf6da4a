//! `x-envelope` (document level): names the success flag, error list and payload fields of an
//! API's response envelopes, so every matching struct gets `into_result()`.
//!
//! ```yaml
//! x-envelope: {success: success, errors: errors, payload: [result, data]}
//! ```

use super::Context;
use crate::ir::{Envelope, TypeKind, TypeRef};

impl Context<'_> {
    pub(super) fn mark_envelopes(&mut self) {
        let Some(spec) = self.doc.raw.get("x-envelope").cloned() else {
            return;
        };
        let text = |key: &str| spec.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let payloads: Vec<String> = match spec.get("payload") {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        let (Some(success), Some(errors)) = (text("success"), text("errors")) else {
            self.warn("/x-envelope", "`x-envelope` needs `success` and `errors` field names; no envelope helpers are generated");
            return;
        };
        let mut marked = 0;
        for def in &mut self.types {
            let TypeKind::Struct(s) = &def.kind else {
                continue;
            };
            let field = |json: &str| s.fields.iter().find(|f| !f.flatten && f.name == json);
            let (Some(success_field), Some(errors_field)) = (field(&success), field(&errors))
            else {
                continue;
            };
            if *success_field.ty.non_null() != TypeRef::Boolean {
                continue;
            }
            let TypeRef::Array(error_type) = errors_field.ty.non_null() else {
                continue;
            };
            let payload = payloads.iter().find_map(|p| field(p)).map(|f| {
                let optional = !f.required || f.ty.is_nullable();
                (f.rust_name.clone(), f.ty.non_null().clone(), optional)
            });
            def.envelope = Some(Envelope {
                success: (
                    success_field.rust_name.clone(),
                    !success_field.required || success_field.ty.is_nullable(),
                ),
                errors: (
                    errors_field.rust_name.clone(),
                    !errors_field.required || errors_field.ty.is_nullable(),
                ),
                error_type: (**error_type).clone(),
                payload,
            });
            marked += 1;
        }
        if marked == 0 {
            self.warn("/x-envelope", "`x-envelope` matches no object schema");
        }
    }
}
