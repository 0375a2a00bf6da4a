//! Names chosen by hand: the renames of the configuration (`codegen.toml`) and `x-rust-name` in
//! the document, for operations and component schemas. They are applied where names are
//! decided (`operations`, `schemas`), so everything named after an operation or a type follows.
//!
//! A chosen name is used as written: it must be a Rust identifier of the right case that no
//! other operation or type has. A rename that names no operation or schema of the document is
//! an error at the line of the configuration that says it, with the closest valid name.

use openapiv3::{ReferenceOr, Schema};

use super::Context;
use super::names::{check_type_name, check_value_name};
use crate::config::{Rename, Renames};
use crate::diagnostics::{Diagnostic, pointer_join};
use crate::ir::HttpMethod;

/// The extension that names an operation's method or a schema's type from inside a document.
pub(super) const EXTENSION: &str = "x-rust-name";

/// A name chosen by hand, and who chose it.
#[derive(Debug, Clone)]
pub(super) struct Chosen<'r> {
    pub name: String,
    pub by: ChosenBy<'r>,
}

#[derive(Debug, Clone)]
pub(super) enum ChosenBy<'r> {
    /// A rename of the configuration.
    Config(&'r Rename),
    /// `x-rust-name` at this pointer of the document.
    Extension(String),
}

/// Which renames of the configuration named something of the document.
#[derive(Debug, Default)]
pub(super) struct Used {
    operations: Vec<bool>,
    types: Vec<bool>,
}

impl Used {
    pub(super) fn new(renames: &Renames) -> Self {
        Self {
            operations: vec![false; renames.operations.len()],
            types: vec![false; renames.types.len()],
        }
    }
}

impl<'d> Context<'d> {
    /// An error at the place the name was chosen.
    pub(super) fn chosen_error(&self, chosen: &Chosen, message: String) -> Diagnostic {
        match &chosen.by {
            ChosenBy::Config(rename) => rename.origin.error(message),
            ChosenBy::Extension(pointer) => Diagnostic::error(&self.file, pointer.clone(), message),
        }
    }

    /// The method name chosen for the operation `http path` at `pointer`, if any: a rename of
    /// the configuration (by operationId or `METHOD /path`) or else its `x-rust-name`.
    pub(super) fn chosen_operation_name(
        &mut self,
        op: &'d openapiv3::Operation,
        http: &HttpMethod,
        path: &str,
        pointer: &str,
    ) -> Option<Chosen<'d>> {
        let renames = self.renames;
        let mut found: Option<&'d Rename> = None;
        for (i, rename) in renames.operations.iter().enumerate() {
            let by_id = op.operation_id.as_deref() == Some(rename.from.as_str());
            if !(by_id || names_method_and_path(&rename.from, http, path)) {
                continue;
            }
            self.used.operations[i] = true;
            match found {
                None => found = Some(rename),
                Some(first) => {
                    let line = first
                        .origin
                        .position
                        .map_or(String::new(), |p| format!(" (line {})", p.line));
                    let message = format!(
                        "`{}` renames the operation that `{}`{line} already renames",
                        rename.from, first.from
                    );
                    self.diagnostics.push(rename.origin.error(message));
                }
            }
        }
        let extension = self.extension_name(&op.extensions, pointer, check_value_name);
        let chosen = match (found, extension) {
            (Some(rename), _) => Chosen {
                name: rename.to.clone(),
                by: ChosenBy::Config(rename),
            },
            (None, Some(chosen)) => return Some(chosen),
            (None, None) => return None,
        };
        self.checked(chosen, check_value_name)
    }

    /// The type name chosen for the component schema `key`, if any: a rename of the
    /// configuration or else the schema's `x-rust-name`.
    pub(super) fn chosen_type_name(
        &mut self,
        key: &str,
        schema: &'d ReferenceOr<Schema>,
    ) -> Option<Chosen<'d>> {
        let renames = self.renames;
        let pointer = pointer_join("/components/schemas", key);
        if let Some(i) = renames.types.iter().position(|r| r.from == key) {
            self.used.types[i] = true;
            let rename = &renames.types[i];
            let chosen = Chosen {
                name: rename.to.clone(),
                by: ChosenBy::Config(rename),
            };
            return self.checked(chosen, check_type_name);
        }
        match schema {
            ReferenceOr::Item(schema) => {
                self.extension_name(&schema.schema_data.extensions, &pointer, check_type_name)
            }
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// Warns about an `x-rust-name` where it has no effect (an inline schema).
    pub(super) fn ignored_extension(&mut self, schema: &Schema, pointer: &str) {
        if !schema.schema_data.extensions.contains_key(EXTENSION) {
            return;
        }
        let pointer = pointer_join(pointer, EXTENSION);
        let message = format!(
            "`{EXTENSION}` is read on operations and on schemas under `components/schemas`; it has no effect on an inline schema"
        );
        let known = self
            .diagnostics
            .iter()
            .any(|d| d.pointer == pointer && d.message == message);
        if !known {
            self.warn(pointer, message);
        }
    }

    /// The `x-rust-name` of an operation or schema, checked.
    fn extension_name(
        &mut self,
        extensions: &'d indexmap::IndexMap<String, serde_json::Value>,
        pointer: &str,
        check: fn(&str) -> Result<(), String>,
    ) -> Option<Chosen<'d>> {
        let value = extensions.get(EXTENSION)?;
        let pointer = pointer_join(pointer, EXTENSION);
        let Some(name) = value.as_str() else {
            self.error(
                pointer,
                format!("`{EXTENSION}` must be a string, not `{value}`"),
            );
            return None;
        };
        let chosen = Chosen {
            name: name.to_string(),
            by: ChosenBy::Extension(pointer),
        };
        self.checked(chosen, check)
    }

    /// `chosen` if its name can be used as written; otherwise an error where it was chosen.
    fn checked<'r>(
        &mut self,
        chosen: Chosen<'r>,
        check: fn(&str) -> Result<(), String>,
    ) -> Option<Chosen<'r>> {
        match check(&chosen.name) {
            Ok(()) => Some(chosen),
            Err(problem) => {
                let d = self.chosen_error(
                    &chosen,
                    format!("`{}` cannot be used as a Rust name: {problem}", chosen.name),
                );
                self.say(d);
                None
            }
        }
    }

    /// Errors for the renames of operations that named no operation of the document. `known`
    /// are the operations as a rename may name them: operationIds and `METHOD /path`.
    pub(super) fn unused_operation_renames(&mut self, known: &[String]) {
        let renames = self.renames;
        for (i, rename) in renames.operations.iter().enumerate() {
            if self.used.operations.get(i).copied().unwrap_or(false) {
                continue;
            }
            let message = format!(
                "`{}` names no operation of {}: an operation is renamed by its operationId or by `METHOD /path`",
                rename.from,
                self.file.display()
            );
            let d = rename
                .origin
                .error(message)
                .with_hint(choices(&rename.from, known));
            self.say(d);
        }
    }

    /// Errors for the renames of types that named no schema under `components/schemas`.
    pub(super) fn unused_type_renames(&mut self) {
        let renames = self.renames;
        let known: Vec<String> = self
            .doc
            .openapi
            .components
            .iter()
            .flat_map(|c| c.schemas.keys().cloned())
            .collect();
        for (i, rename) in renames.types.iter().enumerate() {
            if self.used.types.get(i).copied().unwrap_or(false) {
                continue;
            }
            let message = format!(
                "`{}` names no schema under `components/schemas` of {}",
                rename.from,
                self.file.display()
            );
            let d = rename
                .origin
                .error(message)
                .with_hint(choices(&rename.from, &known));
            self.say(d);
        }
    }
}

/// Whether `key` is `METHOD /path` for this operation (the method in any case).
fn names_method_and_path(key: &str, http: &HttpMethod, path: &str) -> bool {
    key.trim()
        .split_once(' ')
        .is_some_and(|(method, p)| method.eq_ignore_ascii_case(http.as_str()) && p.trim() == path)
}

/// The closest of `known` to `wanted`, or the list of them.
fn choices(wanted: &str, known: &[String]) -> String {
    let closest = known
        .iter()
        .map(|k| {
            (
                strsim::jaro_winkler(&k.to_lowercase(), &wanted.to_lowercase()),
                k,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, name)) = closest {
        return format!("did you mean `{name}`?");
    }
    const SHOWN: usize = 12;
    let mut list: Vec<String> = known.iter().take(SHOWN).map(|k| format!("`{k}`")).collect();
    if known.len() > SHOWN {
        list.push(format!("and {} more", known.len() - SHOWN));
    }
    if list.is_empty() {
        "the document has none".to_string()
    } else {
        format!("the valid names are {}", list.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diagnostics::{Diagnostics, Position, Severity};
    use crate::ir::{Api, TypeKind, TypeRef};

    /// Two operations (one with an operationId) and two schemas, one inside the other.
    const DOC: &str = r#"openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      responses:
        '204': {description: created}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/PetOwner'}
        tag: {type: object, properties: {name: {type: string}}}
    PetOwner:
      type: object
      properties:
        name: {type: string}
"#;

    fn rename(from: &str, to: &str, line: usize) -> Rename {
        let mut r = Rename::new(from, to, "codegen.toml");
        r.origin.position = Some(Position { line, column: 1 });
        r
    }

    fn run(doc: &str, renames: &Renames) -> Result<(Api, Vec<Diagnostic>), Diagnostics> {
        let document = crate::load::load_str(Path::new("t.yaml"), doc)?;
        let n = crate::stages::normalize(&document, "api", renames)?;
        Ok((n.api, n.warnings))
    }

    fn errors(doc: &str, renames: &Renames) -> Vec<Diagnostic> {
        let Err(Diagnostics(found)) = run(doc, renames) else {
            panic!("the document was accepted");
        };
        found.into_iter().filter(Diagnostic::is_error).collect()
    }

    fn names(api: &Api) -> (Vec<(&str, &str)>, Vec<&str>) {
        let ops = api.operations.iter();
        let ops = ops.map(|o| (o.method_name.as_str(), o.type_name.as_str()));
        let mut types: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        types.sort_unstable();
        (ops.collect(), types)
    }

    #[test]
    fn config_renames_name_methods_builders_and_types() {
        let renames = Renames {
            operations: vec![
                rename("listPets", "pets", 1),
                rename("post /pets", "add_pet", 2),
            ],
            types: vec![rename("Pet", "Animal", 3)],
        };
        let (api, warnings) = run(DOC, &renames).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let (ops, types) = names(&api);
        assert_eq!(ops, [("pets", "Pets"), ("add_pet", "AddPet")]);
        // Inline schemas inside a renamed one are named after its new name.
        assert_eq!(types, ["Animal", "AnimalTag", "PetOwner"]);
        let response = api.operations[0].responses[0].body.as_ref().unwrap();
        let animal = TypeRef::Array(Box::new(TypeRef::Named("Animal".into())));
        assert_eq!(response.ty, animal, "uses follow the rename");
    }

    #[test]
    fn x_rust_name_names_operations_and_component_schemas() {
        let doc = DOC
            .replace(
                "operationId: listPets",
                "operationId: listPets\n      x-rust-name: all_pets",
            )
            .replace(
                "    PetOwner:\n",
                "    PetOwner:\n      x-rust-name: Owner\n",
            );
        let (api, warnings) = run(&doc, &Renames::default()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let (ops, types) = names(&api);
        assert_eq!(ops[0], ("all_pets", "AllPets"));
        assert_eq!(types, ["Owner", "Pet", "PetTag"]);
        let pet = api.types.iter().find(|t| t.name == "Pet").unwrap();
        let TypeKind::Struct(pet) = &pet.kind else {
            panic!("Pet is a struct");
        };
        assert_eq!(pet.fields[0].ty, TypeRef::Named("Owner".into()));
        // The configuration wins over the document.
        let renames = Renames {
            operations: vec![rename("listPets", "pets", 1)],
            types: vec![],
        };
        assert_eq!(
            names(&run(&doc, &renames).unwrap().0).0[0],
            ("pets", "Pets")
        );
    }

    #[test]
    fn a_rename_of_nothing_names_the_closest_choice() {
        let renames = Renames {
            operations: vec![rename("listPet", "pets", 4), rename("zzz", "z", 5)],
            types: vec![rename("Pets", "Animal", 6)],
        };
        let found = errors(DOC, &renames);
        let line = |d: &Diagnostic| d.position.map(|p| p.line);
        let listed: Vec<_> = found.iter().map(|d| (line(d), d.hint.clone())).collect();
        assert_eq!(
            listed,
            [
                (Some(6), Some("did you mean `Pet`?".to_string())),
                (Some(4), Some("did you mean `listPets`?".to_string())),
                (
                    Some(5),
                    Some("the valid names are `listPets`, `GET /pets`, `POST /pets`".to_string())
                ),
            ]
        );
        assert!(found.iter().all(|d| d.file == Path::new("codegen.toml")));
        assert!(
            found[1]
                .message
                .contains("`listPet` names no operation of t.yaml")
        );
    }

    #[test]
    fn chosen_names_that_collide_or_are_no_identifiers_are_located_errors() {
        // A chosen name that another operation derives.
        let renames = Renames {
            operations: vec![rename("listPets", "pets_post", 7)],
            types: vec![],
        };
        let found = errors(DOC, &renames);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].position.map(|p| p.line), Some(7));
        assert!(
            found[0]
                .message
                .contains("is the name of the operation at /paths/~1pets/post")
        );
        // Two chosen names alike, and a name every client has.
        let renames = Renames {
            operations: vec![
                rename("listPets", "builder", 8),
                rename("POST /pets", "x", 9),
            ],
            types: vec![rename("Pet", "Owner", 10), rename("PetOwner", "Owner", 11)],
        };
        let found = errors(DOC, &renames);
        let messages: Vec<(Option<usize>, &str)> = found
            .iter()
            .map(|d| (d.position.map(|p| p.line), d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    Some(11),
                    "the type name `Owner` is already taken by `#/components/schemas/Pet`"
                ),
                (
                    Some(8),
                    "the method name `builder` is already taken by a method every client has"
                ),
            ]
        );
        // `x-rust-name` errors are at the extension, in the document.
        let doc = DOC.replace(
            "operationId: listPets",
            "operationId: listPets\n      x-rust-name: listAll",
        );
        let found = errors(&doc, &Renames::default());
        assert_eq!(found[0].pointer, "/paths/~1pets/get/x-rust-name");
        assert_eq!(found[0].position.map(|p| p.line), Some(7));
        assert!(
            found[0].message.contains("such as `list_all`"),
            "{}",
            found[0].message
        );
        let doc = DOC.replace("    PetOwner:\n", "    PetOwner:\n      x-rust-name: 5\n");
        let found = errors(&doc, &Renames::default());
        assert!(
            found[0].message.contains("must be a string"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].pointer, "/components/schemas/PetOwner/x-rust-name");
    }

    #[test]
    fn two_renames_of_one_operation_are_an_error_and_inline_extensions_a_warning() {
        let renames = Renames {
            operations: vec![rename("listPets", "a", 1), rename("GET /pets", "b", 2)],
            types: vec![],
        };
        let found = errors(DOC, &renames);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "`GET /pets` renames the operation that `listPets` (line 1) already renames"
        );
        let doc = DOC.replace(
            "tag: {type: object,",
            "tag: {x-rust-name: Tag, type: object,",
        );
        let (_, warnings) = run(&doc, &Renames::default()).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].severity, Severity::Warning);
        assert_eq!(
            warnings[0].pointer,
            "/components/schemas/Pet/properties/tag/x-rust-name"
        );
    }
}
