//! Small documents and helpers the surface tests share: a pet store whose operations, schemas,
//! parameters and bodies each test varies by text replacement.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

pub(super) use super::{Change, ChangeKind, Impact, Surface, diff, render_report};

/// A document with the given `paths` and `components.schemas`, both YAML text indented for
/// their place.
pub(super) fn doc(paths: &str, schemas: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n{paths}\ncomponents:\n  schemas:\n{schemas}"
    )
}

pub(super) fn surface(text: &str) -> Surface {
    let document =
        crate::load::load_str(Path::new("t.yaml"), text).unwrap_or_else(|d| panic!("{d}\n{text}"));
    let normalized =
        crate::normalize::normalize(&document, "api").unwrap_or_else(|d| panic!("{d}\n{text}"));
    Surface::from_api(&normalized.api)
}

/// The changes between two documents; the surfaces also survive a render → parse round trip.
pub(super) fn changes(old: &str, new: &str) -> Vec<Change> {
    let (a, b) = (surface(old), surface(new));
    for s in [&a, &b] {
        assert_eq!(&Surface::parse(&s.render()).unwrap(), s, "{}", s.render());
    }
    diff(&a, &b)
}

/// Exactly one change, of this kind and impact; returns its description.
pub(super) fn one(old: &str, new: &str, kind: ChangeKind, impact: Impact) -> String {
    let found = changes(old, new);
    assert_eq!(found.len(), 1, "{}", render_report(&found));
    assert_eq!(found[0].kind, kind, "{}", found[0].description);
    assert_eq!(found[0].impact(), impact, "{}", found[0].description);
    found[0].description.clone()
}

pub(super) const PET_SCHEMAS: &str = "    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
";

/// `GET /pets` answering `Pet`, `POST /pets` taking `NewPet`, plus `extra` operations.
pub(super) fn pets(get_params: &str, post_body: &str, schemas: &str) -> String {
    doc(
        &format!(
            "  /pets:
    get:
      operationId: listPets
{get_params}      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: array, items: {{$ref: '#/components/schemas/Pet'}}}}
    post:
      operationId: addPet
{post_body}      responses:
        '204': {{description: done}}
"
        ),
        schemas,
    )
}

pub(super) const BODY: &str = "      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
";

pub(super) fn base() -> String {
    pets("", BODY, PET_SCHEMAS)
}

pub(super) fn params(list: &str) -> String {
    pets(&format!("      parameters:\n{list}"), BODY, PET_SCHEMAS)
}

pub(super) const LIMIT: &str =
    "        - {name: limit, in: query, required: false, schema: {type: integer, format: int32}}\n";
pub(super) const LIMIT_REQUIRED: &str =
    "        - {name: limit, in: query, required: true, schema: {type: integer, format: int32}}\n";
pub(super) const KIND: &str =
    "        - {name: kind, in: query, required: true, schema: {type: string}}\n";

/// `PET_SCHEMAS` with `extra` lines added to the properties of `Pet` (response) or `NewPet`
/// (request), and `required` replaced.
pub(super) fn schemas(
    pet_required: &str,
    pet_extra: &str,
    new_required: &str,
    new_extra: &str,
) -> String {
    format!(
        "    Pet:
      type: object
      required: [{pet_required}]
      properties:
        name: {{type: string}}
        tag: {{type: string}}
{pet_extra}    NewPet:
      type: object
      required: [{new_required}]
      properties:
        name: {{type: string}}
        tag: {{type: string}}
{new_extra}"
    )
}

pub(super) fn with(schemas: String) -> String {
    pets("", BODY, &schemas)
}

pub(super) const AGE: &str = "        age: {type: integer, format: int32}\n";

/// The repository's own documents: unions, mixed enums, multipart bodies, maps, recursion.
pub(super) const REPOSITORY_SPECS: [(&str, &str); 4] = [
    ("spec/teams.yaml", "teams"),
    ("spec/membership.yaml", "membership"),
    ("spec/cpaas.yaml", "cpaas"),
    ("tests/features/kitchen-sink.yaml", "kitchen"),
];

pub(super) fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
