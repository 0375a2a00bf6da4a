//! Loading: bytes → YAML/JSON value → version check → `openapiv3::OpenAPI`.
//!
//! This is the only stage that knows about file formats. Failures name the file and, where the
//! parser knows it, the line and column; type errors in known fields name the JSON pointer.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Position, escape_pointer_token};

/// The OpenAPI version a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    V3_0,
}

/// A parsed input document.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: PathBuf,
    /// The text as read, for locating diagnostics.
    pub source: String,
    pub version: SpecVersion,
    /// The raw tree, kept for vendor extensions and for locating diagnostics.
    pub raw: serde_json::Value,
    pub openapi: openapiv3::OpenAPI,
}

/// Reads and parses the document at `path`.
pub fn load_file(path: &Path) -> Result<Document, Diagnostics> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        Diagnostics(vec![Diagnostic::error(
            path,
            "",
            format!("cannot read the file: {err}"),
        )])
    })?;
    load_str(path, &text)
}

/// Parses `text` as the document named `file` (the name is only used in diagnostics and to
/// choose between JSON and YAML).
pub fn load_str(file: &Path, text: &str) -> Result<Document, Diagnostics> {
    let located = |d: Diagnostics| {
        let mut all = d.0;
        crate::locate::attach(&mut all, text);
        Diagnostics(all)
    };
    let raw = parse_tree(file, text).map_err(located)?;
    let version = detect_version(file, &raw).map_err(located)?;
    if raw.get("paths").is_none() {
        let d = Diagnostic::error(file, "", "missing required field `paths`")
            .with_hint("an API without operations still needs `paths: {}`");
        return Err(located(Diagnostics(vec![d])));
    }
    let openapi = to_openapi(file, &raw).map_err(located)?;
    Ok(Document {
        file: file.to_path_buf(),
        source: text.to_string(),
        version,
        raw,
        openapi,
    })
}

fn is_json(file: &Path, text: &str) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{')
}

fn parse_tree(file: &Path, text: &str) -> Result<serde_json::Value, Diagnostics> {
    let diagnostic = if is_json(file, text) {
        match serde_json::from_str(text) {
            Ok(value) => return Ok(value),
            Err(err) => {
                Diagnostic::error(file, "", format!("invalid JSON: {err}")).at(Some(Position {
                    line: err.line(),
                    column: err.column(),
                }))
            }
        }
    } else {
        match serde_yaml::from_str(text) {
            Ok(value) => return Ok(value),
            Err(err) => {
                let position = err.location().map(|l| Position {
                    line: l.line(),
                    column: l.column(),
                });
                Diagnostic::error(file, "", format!("invalid YAML: {err}")).at(position)
            }
        }
    };
    Err(Diagnostics(vec![diagnostic]))
}

fn detect_version(file: &Path, raw: &serde_json::Value) -> Result<SpecVersion, Diagnostics> {
    let fail = |pointer: &str, message: String| {
        Err(Diagnostics(vec![Diagnostic::error(file, pointer, message)]))
    };
    let Some(object) = raw.as_object() else {
        return fail(
            "",
            "the document is not an object; an OpenAPI document starts with `openapi: 3.0.x`"
                .into(),
        );
    };
    if let Some(v) = object.get("swagger") {
        let d = Diagnostic::error(
            file,
            "/swagger",
            format!("Swagger {v} documents are not supported yet; only OpenAPI 3.0.x is"),
        )
        .with_hint("convert the document to OpenAPI 3.0 (for example with swagger2openapi)");
        return Err(Diagnostics(vec![d]));
    }
    match object.get("openapi") {
        Some(serde_json::Value::String(v)) if v.starts_with("3.0") => Ok(SpecVersion::V3_0),
        Some(serde_json::Value::String(v)) => fail(
            "/openapi",
            format!("OpenAPI version `{v}` is not supported; only 3.0.x is"),
        ),
        Some(other) => fail(
            "/openapi",
            format!("`openapi` must be a version string such as \"3.0.3\", found {other}"),
        ),
        None => fail(
            "",
            "missing `openapi` version field; is this an OpenAPI document?".into(),
        ),
    }
}

fn to_openapi(file: &Path, raw: &serde_json::Value) -> Result<openapiv3::OpenAPI, Diagnostics> {
    serde_path_to_error::deserialize(raw).map_err(|err| {
        let coarse = (path_to_pointer(err.path()), err.into_inner().to_string());
        // serde's own path stops at flattened objects; walk down to the failing node.
        let (pointer, message) = crate::pinpoint::pinpoint(raw).unwrap_or(coarse);
        Diagnostics(vec![Diagnostic::error(
            file,
            pointer,
            format!("the document does not match the OpenAPI 3.0 schema: {message}"),
        )])
    })
}

/// Turns a serde path (`paths./pets.get.responses`) into a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&escape_pointer_token(key));
            }
            Segment::Enum { variant } => {
                pointer.push('/');
                pointer.push_str(&escape_pointer_token(variant));
            }
            Segment::Unknown => pointer.push_str("/?"),
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let err = load_str(Path::new("x.yaml"), "openapi: 3.0.3\ninfo: [\n").unwrap_err();
        let d = &err.0[0];
        assert!(d.message.starts_with("invalid YAML"), "{d}");
        assert!(d.position.is_some_and(|p| p.line >= 2), "{d:?}");
    }

    #[test]
    fn wrong_field_type_names_the_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        let err = load_str(Path::new("x.yaml"), text).unwrap_err();
        assert_eq!(err.0[0].pointer, "/paths/~1a/get/responses", "{}", err);
    }

    #[test]
    fn other_versions_are_refused_with_a_clear_message() {
        let err = load_str(Path::new("x.yaml"), "openapi: 3.1.0\n").unwrap_err();
        assert!(err.0[0].message.contains("3.1.0"), "{err}");
        let err = load_str(Path::new("x.json"), "{\"swagger\": \"2.0\"}").unwrap_err();
        assert_eq!(err.0[0].pointer, "/swagger");
    }

    #[test]
    fn integer_status_keys_in_yaml_load() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
        let doc = load_str(Path::new("x.yaml"), text).unwrap();
        assert_eq!(doc.openapi.paths.paths.len(), 1);
    }
}
