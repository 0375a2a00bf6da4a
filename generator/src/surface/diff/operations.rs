//! Changes of operations: the client's methods, their arguments, setters, bodies and results.

use std::collections::BTreeMap;

use super::super::change::ChangeKind;
use super::super::model::{Body, Operation, Param, Response, Surface};
use super::super::text::required_text;
use super::{Changes, Pair, Requirement, pair_by_key, pair_in_order};

const PARAMETER: Requirement = Requirement {
    made_required: ChangeKind::ParameterMadeRequired,
    // Required parameters are method arguments: the signature changes.
    made_optional: ChangeKind::ParameterMadeOptional,
    consequence: "it moves from the method's arguments to a setter",
};

const REQUEST_BODY: Requirement = Requirement {
    made_required: ChangeKind::RequestBodyMadeRequired,
    made_optional: ChangeKind::RequestBodyMadeOptional,
    consequence: "it moves from the method's arguments to `.body()`",
};

pub(super) fn diff_operations(old: &Surface, new: &Surface, changes: &mut Changes) {
    for pair in pair_by_key(&old.operations, &new.operations, |o| o.name.as_str()) {
        match pair {
            Pair::Added(op) => changes.push(
                ChangeKind::OperationAdded,
                format!("operation `{}` ({} {}) added", op.name, op.method, op.path),
            ),
            Pair::Removed(op) => changes.push(
                ChangeKind::OperationRemoved,
                format!(
                    "operation `{}` ({} {}) removed",
                    op.name, op.method, op.path
                ),
            ),
            Pair::Kept(a, b) => diff_operation(a, b, changes),
        }
    }
}

fn diff_operation(old: &Operation, new: &Operation, changes: &mut Changes) {
    let name = &old.name;
    if (&old.method, &old.path) != (&new.method, &new.path) {
        changes.push(
            ChangeKind::OperationMoved,
            format!(
                "operation `{name}` is now {} {} (was {} {})",
                new.method, new.path, old.method, old.path
            ),
        );
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => changes.push(
            ChangeKind::OperationDeprecated,
            format!("operation `{name}` is deprecated"),
        ),
        (true, false) => changes.push(
            ChangeKind::OperationUndeprecated,
            format!("operation `{name}` is no longer deprecated"),
        ),
        _ => {}
    }
    diff_params(name, &old.params, &new.params, changes);
    diff_body(name, old.body.as_ref(), new.body.as_ref(), changes);
    diff_responses(name, &old.responses, &new.responses, changes);
}

/// Parameters are matched by location and wire name.
fn param_key(p: &Param) -> (&str, &str) {
    (p.location.as_str(), p.name.as_str())
}

fn diff_params(name: &str, old: &[Param], new: &[Param], changes: &mut Changes) {
    for pair in pair_by_key(old, new, param_key) {
        let what = param_text(name, pair.latest());
        match pair {
            Pair::Added(p) => changes.push(
                ChangeKind::ParameterAdded {
                    required: p.required,
                },
                format!("{what} added ({}, {})", required_text(p.required), p.ty),
            ),
            Pair::Removed(_) => {
                changes.push(ChangeKind::ParameterRemoved, format!("{what} removed"));
            }
            Pair::Kept(a, b) => {
                changes.requirement(&PARAMETER, &what, a.required, b.required);
                changes.retyped(ChangeKind::ParameterTypeChanged, &what, &a.ty, &b.ty);
            }
        }
    }
    diff_argument_order(name, old, new, changes);
}

fn param_text(operation: &str, p: &Param) -> String {
    format!("{} parameter `{}` of `{operation}`", p.location, p.name)
}

/// The parameters that are arguments in both versions must keep their order.
fn diff_argument_order(name: &str, old: &[Param], new: &[Param], changes: &mut Changes) {
    let arguments = |params: &[Param], other: &[Param]| -> Vec<String> {
        let other: BTreeMap<(&str, &str), &Param> =
            other.iter().map(|p| (param_key(p), p)).collect();
        params
            .iter()
            .filter(|p| p.required && other.get(&param_key(p)).is_some_and(|o| o.required))
            .map(|p| format!("`{}`", p.name))
            .collect()
    };
    let (before, after) = (arguments(old, new), arguments(new, old));
    if before != after {
        changes.push(
            ChangeKind::ParametersReordered,
            format!(
                "the arguments of `{name}` are now in the order {} (was {})",
                after.join(", "),
                before.join(", ")
            ),
        );
    }
}

fn diff_body(name: &str, old: Option<&Body>, new: Option<&Body>, changes: &mut Changes) {
    let what = format!("request body of `{name}`");
    match Pair::of(old, new) {
        Some(Pair::Added(b)) => changes.push(
            ChangeKind::RequestBodyAdded {
                required: b.required,
            },
            format!(
                "{what} added ({}, {} {})",
                required_text(b.required),
                b.media,
                b.ty
            ),
        ),
        Some(Pair::Removed(b)) => changes.push(
            ChangeKind::RequestBodyRemoved,
            format!("{what} removed (was {} {})", b.media, b.ty),
        ),
        Some(Pair::Kept(a, b)) => {
            changes.requirement(&REQUEST_BODY, &what, a.required, b.required);
            changes.retyped(ChangeKind::RequestBodyTypeChanged, &what, &a.ty, &b.ty);
            if a.media != b.media {
                changes.push(
                    ChangeKind::RequestBodyMediaChanged,
                    format!("{what} is now sent as {} (was {})", b.media, a.media),
                );
            }
        }
        None => {}
    }
}

/// In surface order: codes, ranges, `default`.
fn diff_responses(name: &str, old: &[Response], new: &[Response], changes: &mut Changes) {
    for pair in pair_in_order(old, new, |r| r.status.as_str()) {
        match pair {
            // A new status changes what `send` returns: a success type, or a variant of the
            // operation's error enum (which is matched exhaustively).
            Pair::Added(r) => changes.push(
                ChangeKind::ResponseAdded,
                format!(
                    "{} response {} of `{name}` added ({})",
                    r.outcome(),
                    r.status,
                    r.ty
                ),
            ),
            Pair::Removed(r) => changes.push(
                ChangeKind::ResponseRemoved,
                format!(
                    "{} response {} of `{name}` removed (was {})",
                    r.outcome(),
                    r.status,
                    r.ty
                ),
            ),
            Pair::Kept(a, b) if a != b => changes.push(
                ChangeKind::ResponseTypeChanged,
                format!(
                    "response {} of `{name}` is now {} {} (was {} {})",
                    a.status,
                    b.outcome(),
                    b.ty,
                    a.outcome(),
                    a.ty
                ),
            ),
            Pair::Kept(..) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::fixtures::*;

    #[test]
    fn operations_added_and_removed() {
        let extra = base().replace(
            "components:",
            "  /pets/{id}:
    delete:
      operationId: deletePet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: gone}
components:",
        );
        assert_eq!(
            one(
                &base(),
                &extra,
                ChangeKind::OperationAdded,
                Impact::Compatible
            ),
            "operation `delete_pet` (DELETE /pets/{id}) added"
        );
        assert_eq!(
            one(
                &extra,
                &base(),
                ChangeKind::OperationRemoved,
                Impact::Breaking
            ),
            "operation `delete_pet` (DELETE /pets/{id}) removed"
        );
    }

    #[test]
    fn operation_moved_and_deprecated() {
        let moved = base().replace("  /pets:", "  /animals:");
        let found = changes(&base(), &moved);
        assert_eq!(found.len(), 2, "{}", render_report(&found));
        assert!(
            found
                .iter()
                .all(|c| c.kind == ChangeKind::OperationMoved && c.impact() == Impact::Compatible)
        );
        let deprecated = base().replace(
            "      operationId: listPets\n",
            "      operationId: listPets\n      deprecated: true\n",
        );
        one(
            &base(),
            &deprecated,
            ChangeKind::OperationDeprecated,
            Impact::Compatible,
        );
        one(
            &deprecated,
            &base(),
            ChangeKind::OperationUndeprecated,
            Impact::Compatible,
        );
    }

    #[test]
    fn parameters_added() {
        assert_eq!(
            one(
                &base(),
                &params(LIMIT),
                ChangeKind::ParameterAdded { required: false },
                Impact::Compatible
            ),
            "query parameter `limit` of `list_pets` added (optional, i32)"
        );
        one(
            &base(),
            &params(LIMIT_REQUIRED),
            ChangeKind::ParameterAdded { required: true },
            Impact::Breaking,
        );
    }

    #[test]
    fn parameters_removed() {
        one(
            &params(LIMIT),
            &base(),
            ChangeKind::ParameterRemoved,
            Impact::Breaking,
        );
    }

    #[test]
    fn parameters_made_required_or_optional() {
        assert_eq!(
            one(
                &params(LIMIT),
                &params(LIMIT_REQUIRED),
                ChangeKind::ParameterMadeRequired,
                Impact::Breaking
            ),
            "query parameter `limit` of `list_pets` is now required (was optional)"
        );
        assert_eq!(
            one(
                &params(LIMIT_REQUIRED),
                &params(LIMIT),
                ChangeKind::ParameterMadeOptional,
                Impact::Breaking
            ),
            "query parameter `limit` of `list_pets` is now optional (was required; it moves from the method's arguments to a setter)"
        );
    }

    #[test]
    fn parameter_type_changed() {
        assert_eq!(
            one(
                &params(LIMIT),
                &params(&LIMIT.replace("format: int32", "format: int64")),
                ChangeKind::ParameterTypeChanged,
                Impact::Breaking
            ),
            "query parameter `limit` of `list_pets` is now i64 (was i32)"
        );
    }

    #[test]
    fn required_parameters_reordered() {
        assert_eq!(
            one(
                &params(&format!("{LIMIT_REQUIRED}{KIND}")),
                &params(&format!("{KIND}{LIMIT_REQUIRED}")),
                ChangeKind::ParametersReordered,
                Impact::Breaking
            ),
            "the arguments of `list_pets` are now in the order `kind`, `limit` (was `limit`, `kind`)"
        );
        // Optional parameters are setters: their order does not matter.
        let optional_kind = KIND.replace("required: true", "required: false");
        assert!(
            changes(
                &params(&format!("{LIMIT}{optional_kind}")),
                &params(&format!("{optional_kind}{LIMIT}"))
            )
            .is_empty()
        );
    }

    #[test]
    fn request_body_added_removed_and_required() {
        let without = pets("", "", PET_SCHEMAS);
        let optional = pets(
            "",
            &BODY.replace("required: true", "required: false"),
            PET_SCHEMAS,
        );
        assert_eq!(
            one(
                &without,
                &optional,
                ChangeKind::RequestBodyAdded { required: false },
                Impact::Compatible
            ),
            "request body of `add_pet` added (optional, json NewPet)"
        );
        one(
            &without,
            &base(),
            ChangeKind::RequestBodyAdded { required: true },
            Impact::Breaking,
        );
        assert_eq!(
            one(
                &base(),
                &without,
                ChangeKind::RequestBodyRemoved,
                Impact::Breaking
            ),
            "request body of `add_pet` removed (was json NewPet)"
        );
        one(
            &optional,
            &base(),
            ChangeKind::RequestBodyMadeRequired,
            Impact::Breaking,
        );
        assert_eq!(
            one(
                &base(),
                &optional,
                ChangeKind::RequestBodyMadeOptional,
                Impact::Breaking
            ),
            "request body of `add_pet` is now optional (was required; it moves from the method's arguments to `.body()`)"
        );
        let pet_body = pets(
            "",
            &BODY.replace("schemas/NewPet", "schemas/Pet"),
            PET_SCHEMAS,
        );
        let found = changes(&base(), &pet_body);
        assert!(
            found
                .iter()
                .any(|c| c.kind == ChangeKind::RequestBodyTypeChanged
                    && c.impact() == Impact::Breaking
                    && c.description == "request body of `add_pet` is now Pet (was NewPet)"),
            "{}",
            render_report(&found)
        );
    }

    #[test]
    fn request_body_media_changed() {
        let form = BODY.replace("application/json", "application/x-www-form-urlencoded");
        assert_eq!(
            one(
                &base(),
                &pets("", &form, PET_SCHEMAS),
                ChangeKind::RequestBodyMediaChanged,
                Impact::Compatible
            ),
            "request body of `add_pet` is now sent as form (was json)"
        );
    }

    #[test]
    fn response_types_changed_added_and_removed() {
        let other = base().replace(
            "schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}",
            "schema: {$ref: '#/components/schemas/Pet'}",
        );
        assert_eq!(
            one(
                &base(),
                &other,
                ChangeKind::ResponseTypeChanged,
                Impact::Breaking
            ),
            "response 200 of `list_pets` is now success Pet (was success Vec<Pet>)"
        );
        let with_error = base().replace(
            "        '204': {description: done}\n",
            "        '204': {description: done}\n        '409': {description: conflict}\n",
        );
        assert_eq!(
            one(
                &base(),
                &with_error,
                ChangeKind::ResponseAdded,
                Impact::Breaking
            ),
            "error response 409 of `add_pet` added (())"
        );
        assert_eq!(
            one(
                &with_error,
                &base(),
                ChangeKind::ResponseRemoved,
                Impact::Breaking
            ),
            "error response 409 of `add_pet` removed (was ())"
        );
    }
}
