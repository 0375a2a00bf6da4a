//! `codegen.toml`: the one list of a crate's APIs (document, module) and of the names chosen for
//! their operations and types.
//!
//! ```toml
//! [crate]
//! name = "userapis"
//! output = "generated"
//!
//! [[api]]
//! module = "teams"
//! spec = "spec/teams.yaml"
//! # By operationId or `METHOD /path`: the method, its builder and its outcome enums follow.
//! rename.operations = { "GET /v2/Teams" = "list_users" }
//! # By component schema name.
//! rename.types = { TeamAccount = "Account" }
//! ```
//!
//! Paths are relative to the file. Problems are diagnostics at the file's line and column;
//! a rename whose operation or schema the document does not have is reported when the document
//! is normalized, with the closest valid name.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::ApiSource;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::emit::{CrateSettings, Layout};

/// The configuration file's name, at the repository root.
pub const FILE_NAME: &str = "codegen.toml";

/// The command that regenerates the crate a configuration describes, named in every file.
pub const CODEGEN_COMMAND: &str = "cargo xtask codegen";

/// A crate and its APIs, as `codegen.toml` describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from, as given.
    pub file: PathBuf,
    /// The package name of the generated crate.
    pub crate_name: String,
    /// Where the crate is written (relative paths are relative to the file's directory).
    pub output: PathBuf,
    /// In crate order; spec paths are relative to the file's directory.
    pub apis: Vec<ApiSource>,
}

/// Names chosen for one API's operations and types, overriding the derived ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// Keyed by operationId or `METHOD /path`; the new name is the client method's
    /// (`snake_case`), and the operation's builder and outcome types are named after it.
    pub operations: Vec<Rename>,
    /// Keyed by the name under `components/schemas`; the new name is the Rust type's
    /// (`UpperCamelCase`).
    pub types: Vec<Rename>,
}

impl Renames {
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.types.is_empty()
    }
}

/// One name override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// What is renamed: an operationId, `METHOD /path` or a component schema name.
    pub from: String,
    /// The Rust name it gets.
    pub to: String,
    /// Where the override is written, for diagnostics.
    pub origin: Origin,
}

impl Rename {
    /// An override made in code rather than read from a file: diagnostics name `origin` alone.
    pub fn new(from: impl Into<String>, to: impl Into<String>, origin: impl Into<PathBuf>) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            origin: Origin {
                file: origin.into(),
                position: None,
                source_line: None,
            },
        }
    }
}

/// A place in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub position: Option<Position>,
    /// The text of the line at `position`, shown under a diagnostic.
    pub source_line: Option<String>,
}

impl Origin {
    /// An error at this place.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(&self.file, "", message).at(self.position);
        d.source_line.clone_from(&self.source_line);
        d
    }
}

impl Config {
    /// Reads and checks the configuration at `path`.
    pub fn load(path: &Path) -> Result<Config, Diagnostics> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics(vec![Diagnostic::error(
                path,
                "",
                format!("cannot read the configuration: {e}"),
            )])
        })?;
        Self::parse(path, &text)
    }

    /// Checks `text` as the configuration named `path` (which also anchors relative paths).
    pub fn parse(path: &Path, text: &str) -> Result<Config, Diagnostics> {
        let place = |span: std::ops::Range<usize>| origin(path, text, span.start);
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let message = format!("{FILE_NAME} is not valid: {}", e.message().trim_end());
            let d = match e.span() {
                Some(span) => place(span).error(message),
                None => Diagnostic::error(path, "", message),
            };
            Diagnostics(vec![d])
        })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut errors = Vec::new();
        let crate_name = raw.krate.name.get_ref().clone();
        if !is_package_name(&crate_name) {
            errors.push(place(raw.krate.name.span()).error(format!(
                "`{crate_name}` is not a package name: lowercase letters, digits, `-` and `_`, starting with a letter"
            )));
        }
        let mut apis: Vec<ApiSource> = Vec::new();
        for api in raw.api {
            let module = api.module.get_ref().clone();
            if let Err(problem) = crate::normalize::names::check_value_name(&module) {
                errors.push(
                    place(api.module.span())
                        .error(format!("`{module}` cannot be a module name: {problem}")),
                );
            } else if module == "runtime" {
                errors.push(
                    place(api.module.span()).error(
                        "`runtime` cannot be a module name: the crate's runtime module has it",
                    ),
                );
            } else if apis.iter().any(|a| a.module == module) {
                errors.push(
                    place(api.module.span()).error(format!("module `{module}` is listed twice")),
                );
            }
            let mut renames = Renames::default();
            for (list, into, check) in [
                (
                    api.rename.operations,
                    &mut renames.operations,
                    crate::normalize::names::check_value_name as fn(&str) -> Result<(), String>,
                ),
                (
                    api.rename.types,
                    &mut renames.types,
                    crate::normalize::names::check_type_name,
                ),
            ] {
                for (from, to) in list {
                    if let Err(problem) = check(to.get_ref()) {
                        errors.push(place(to.span()).error(format!(
                            "`{}` cannot be the new name of `{}`: {problem}",
                            to.get_ref(),
                            from.get_ref()
                        )));
                    }
                    into.push(Rename {
                        origin: place(from.span()),
                        from: from.into_inner(),
                        to: to.into_inner(),
                    });
                }
            }
            apis.push(ApiSource {
                spec: dir.join(&api.spec),
                module,
                renames,
            });
        }
        if apis.is_empty() {
            errors.push(Diagnostic::error(
                path,
                "",
                "the configuration lists no API: add an `[[api]]` with `module` and `spec`",
            ));
        }
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        Ok(Config {
            file: path.to_path_buf(),
            crate_name,
            output: dir.join(raw.krate.output.as_deref().unwrap_or("generated")),
            apis,
        })
    }

    /// How `cargo xtask codegen` generates the crate: a member of this workspace.
    pub fn settings(&self) -> CrateSettings {
        CrateSettings {
            crate_name: self.crate_name.clone(),
            layout: Layout::WorkspaceMember,
            command: CODEGEN_COMMAND.to_string(),
        }
    }
}

/// The place of byte `offset` of `text`.
fn origin(file: &Path, text: &str, offset: usize) -> Origin {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    Origin {
        file: file.to_path_buf(),
        position: Some(Position { line, column }),
        source_line: text.lines().nth(line - 1).map(str::to_string),
    }
}

fn is_package_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(rename = "crate")]
    krate: RawCrate,
    #[serde(default)]
    api: Vec<RawApi>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrate {
    name: Spanned<String>,
    output: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApi {
    module: Spanned<String>,
    spec: String,
    #[serde(default)]
    rename: RawRenames,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRenames {
    #[serde(default)]
    operations: IndexMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    types: IndexMap<Spanned<String>, Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(Path::new("dir/codegen.toml"), text)
    }

    fn first_error(text: &str) -> Diagnostic {
        parse(text).expect_err("the configuration is refused").0[0].clone()
    }

    #[test]
    fn apis_renames_and_paths_are_read() {
        let config = parse(
            "[crate]\nname = \"userapis\"\n\n[[api]]\nmodule = \"teams\"\nspec = \"spec/teams.yaml\"\n\
             rename.operations = { \"GET /v2/Teams\" = \"list_users\", getUser = \"user\" }\n\
             rename.types = { TeamAccount = \"Account\" }\n\n\
             [[api]]\nmodule = \"cpaas\"\nspec = \"spec/cpaas.yaml\"\n",
        )
        .unwrap();
        assert_eq!(config.crate_name, "userapis");
        assert_eq!(config.output, Path::new("dir/generated"));
        let modules: Vec<&str> = config.apis.iter().map(|a| a.module.as_str()).collect();
        assert_eq!(modules, ["teams", "cpaas"]);
        assert_eq!(config.apis[0].spec, Path::new("dir/spec/teams.yaml"));
        let ops: Vec<(&str, &str)> = config.apis[0]
            .renames
            .operations
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(ops, [("GET /v2/Teams", "list_users"), ("getUser", "user")]);
        let rename = &config.apis[0].renames.types[0];
        assert_eq!(
            (rename.from.as_str(), rename.to.as_str()),
            ("TeamAccount", "Account")
        );
        assert_eq!(
            rename.origin.position,
            Some(Position {
                line: 8,
                column: 18
            })
        );
        assert!(config.apis[1].renames.is_empty());
        assert_eq!(config.settings().command, CODEGEN_COMMAND);
    }

    #[test]
    fn an_unknown_key_is_located_and_named() {
        let d = first_error(
            "[crate]\nname = \"x\"\n\n[[api]]\nmodule = \"a\"\nspec = \"a.yaml\"\nrenames = {}\n",
        );
        assert_eq!(d.file, Path::new("dir/codegen.toml"));
        assert_eq!(d.position.map(|p| p.line), Some(7));
        assert!(
            d.message.contains("unknown field `renames`"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("`rename`"),
            "the valid keys are named: {}",
            d.message
        );
        assert_eq!(d.source_line.as_deref(), Some("renames = {}"));
    }

    #[test]
    fn a_target_that_is_no_rust_name_is_located_at_the_value() {
        let d = first_error(
            "[crate]\nname = \"x\"\n[[api]]\nmodule = \"a\"\nspec = \"a.yaml\"\n\
             rename.operations = { getUser = \"getUser\" }\n",
        );
        assert_eq!(
            d.position,
            Some(Position {
                line: 6,
                column: 33
            })
        );
        assert!(
            d.message
                .contains("`getUser` cannot be the new name of `getUser`"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("`get_user`"),
            "the fix is suggested: {}",
            d.message
        );
        let d = first_error(
            "[crate]\nname = \"x\"\n[[api]]\nmodule = \"a\"\nspec = \"a.yaml\"\n\
             rename.types = { Pet = \"type\" }\n",
        );
        assert!(
            d.message.contains("cannot be the new name of `Pet`"),
            "{}",
            d.message
        );
    }

    #[test]
    fn modules_must_be_identifiers_and_distinct() {
        let d =
            first_error("[crate]\nname = \"x\"\n[[api]]\nmodule = \"My Api\"\nspec = \"a.yaml\"\n");
        assert!(
            d.message.contains("`My Api` cannot be a module name"),
            "{}",
            d.message
        );
        assert_eq!(d.position.map(|p| p.line), Some(4));
        let d = first_error(
            "[crate]\nname = \"x\"\n[[api]]\nmodule = \"a\"\nspec = \"a.yaml\"\n[[api]]\nmodule = \"a\"\nspec = \"b.yaml\"\n",
        );
        assert!(d.message.contains("listed twice"), "{}", d.message);
        assert_eq!(d.position.map(|p| p.line), Some(7));
        let d = first_error(
            "[crate]\nname = \"Bad Name\"\n[[api]]\nmodule = \"a\"\nspec = \"a.yaml\"\n",
        );
        assert!(d.message.contains("not a package name"), "{}", d.message);
        let d = first_error("[crate]\nname = \"x\"\n");
        assert!(d.message.contains("lists no API"), "{}", d.message);
    }
}
