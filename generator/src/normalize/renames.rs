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
        http: HttpMethod,
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
                self.diagnostics.push(d);
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
            self.diagnostics.push(d);
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
            self.diagnostics.push(d);
        }
    }
}

/// Whether `key` is `METHOD /path` for this operation (the method in any case).
fn names_method_and_path(key: &str, http: HttpMethod, path: &str) -> bool {
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
    use super::*;

    #[test]
    fn method_and_path_keys_ignore_the_method_case() {
        assert!(names_method_and_path(
            "GET /v2/Teams",
            HttpMethod::Get,
            "/v2/Teams"
        ));
        assert!(names_method_and_path(
            "get /v2/Teams",
            HttpMethod::Get,
            "/v2/Teams"
        ));
        assert!(!names_method_and_path(
            "GET /v2/teams",
            HttpMethod::Get,
            "/v2/Teams"
        ));
        assert!(!names_method_and_path(
            "POST /v2/Teams",
            HttpMethod::Get,
            "/v2/Teams"
        ));
        assert!(!names_method_and_path(
            "getTeams",
            HttpMethod::Get,
            "/v2/Teams"
        ));
    }

    #[test]
    fn choices_name_the_closest_or_list_them() {
        let known = ["GET /v2/Teams".to_string(), "listRoles".to_string()];
        assert_eq!(
            choices("GET /v2/Team", &known),
            "did you mean `GET /v2/Teams`?"
        );
        assert_eq!(
            choices("zzz", &known),
            "the valid names are `GET /v2/Teams`, `listRoles`"
        );
        assert_eq!(choices("zzz", &[]), "the document has none");
    }
}
