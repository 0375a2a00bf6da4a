//! Loading: bytes → YAML/JSON value → version check → `openapiv3::OpenAPI`.
//!
//! This is the only stage that knows about file formats. Failures name the file and, where the
//! parser knows it, the line and column; type errors in known fields name the JSON pointer.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Position, escape_pointer_token};

/// The OpenAPI version a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    /// Swagger 2.0, converted to 3.0 on load.
    V2,
    V3_0,
    /// OpenAPI 3.1, converted to 3.0 on load.
    V3_1,
    /// OpenAPI 3.2, converted to 3.1 and then to 3.0 on load.
    V3_2,
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
    /// Warnings of the load stage (conversion notes, lenient repairs).
    pub warnings: Vec<Diagnostic>,
    /// Errors strict mode loaded past (`LoadOptions::look_past_errors`); normalizing fails
    /// with them first. Always empty otherwise.
    pub errors: Vec<Diagnostic>,
    /// Maps pointers of the converted tree back into the original document.
    pub pointers: crate::convert::PointerMap,
    /// Whether lenient mode is on: later stages degrade what they cannot honour, with a
    /// warning, instead of failing.
    pub lenient: bool,
    /// The files of the document and where bundled parts came from (multi-file documents).
    pub sources: crate::bundle::Sources,
    /// Operations whose method a 3.0 path item has no field for (3.2's `query` and
    /// `additionalOperations`), in document order.
    pub additional_operations: Vec<AdditionalOperation>,
}

/// An operation of a path item under a method 3.0 has no field for (`QUERY`, `COPY`).
#[derive(Debug, Clone)]
pub struct AdditionalOperation {
    /// The key of its path item under `paths`.
    pub path: String,
    /// The method as sent.
    pub method: String,
    pub operation: openapiv3::Operation,
}

/// How to load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Repair well-known defects (see [`crate::repair`]) with a warning instead of failing.
    pub lenient: bool,
    /// Strict mode: after errors lenient mode could repair (a key given twice, no `paths`,
    /// objects that do not read as OpenAPI), load on from the repaired tree, so that
    /// normalizing reports the document's other problems in the same run. The errors are
    /// kept in [`Document::errors`].
    pub look_past_errors: bool,
}

/// Reads and parses the document at `path` with options.
pub fn load_file_with(path: &Path, options: LoadOptions) -> Result<Document, Diagnostics> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        Diagnostics(vec![Diagnostic::error(
            path,
            "",
            format!("cannot read the file: {err}"),
        )])
    })?;
    load_str_with(path, &text, options)
}

/// Parses `text` as the document named `file` (the name is only used in diagnostics and to
/// choose between JSON and YAML).
#[cfg(test)]
pub fn load_str(file: &Path, text: &str) -> Result<Document, Diagnostics> {
    load_str_with(file, text, LoadOptions::default())
}

/// Parses `text` with options.
pub fn load_str_with(
    file: &Path,
    text: &str,
    options: LoadOptions,
) -> Result<Document, Diagnostics> {
    let located = |d: Diagnostics| {
        let mut all = d.0;
        crate::locate::attach(&mut all, text);
        Diagnostics(all)
    };
    let (parsed, repeated) = parse_tree_reporting(file, text).map_err(located)?;
    let repeated: Vec<Diagnostic> = repeated
        .into_iter()
        .map(|pointer| repeated_key(file, pointer, options.lenient))
        .collect();
    if !options.lenient && !options.look_past_errors && !repeated.is_empty() {
        return Err(located(Diagnostics(repeated)));
    }
    let version = detect_version(file, &parsed).map_err(located)?;
    let bundled = crate::bundle::bundle(file, text, parsed, version, options)?;
    let (parsed, sources) = (bundled.document, bundled.sources);
    let converted = match version {
        SpecVersion::V2 => Some(crate::convert::from_swagger2(&parsed)),
        SpecVersion::V3_1 => Some(crate::convert::from_openapi31(&parsed)),
        SpecVersion::V3_2 => Some(crate::convert::from_openapi32(&parsed)),
        SpecVersion::V3_0 => None,
    };
    let (mut raw, mut pointers, mut notes) = match converted {
        Some(c) => (c.document, c.pointers, c.notes),
        None => (parsed, crate::convert::PointerMap::default(), Vec::new()),
    };
    crate::convert::rebase_references(&mut raw, &pointers);
    // 3.1 and 3.2 write JSON Schema 2020-12, which their conversion lowers already.
    if matches!(version, SpecVersion::V2 | SpecVersion::V3_0) {
        crate::convert::lower_json_schema_forms(&mut raw, &mut notes);
    }
    crate::convert::wide_integers(&mut raw, &mut notes);
    crate::convert::spell_out_encoding_explode(&mut raw);
    let mut warnings = repeated;
    warnings.extend(bundled.warnings);
    warnings.extend(
        notes
            .into_iter()
            .map(|note| Diagnostic::warning(file, note.pointer, note.message)),
    );
    if raw.get("paths").is_none() {
        let d = Diagnostic::error(file, "", "missing required field `paths`")
            .with_hint("an API without operations still needs `paths: {}`");
        if !options.lenient && !options.look_past_errors {
            return Err(locate_all(vec![d], &sources, &pointers));
        }
        if let Some(root) = raw.as_object_mut() {
            root.insert("paths".into(), serde_json::json!({}));
        }
        warnings.push(match options.lenient {
            true => Diagnostic::warning(
                file,
                "",
                "repaired: the document has no `paths`; it describes no operations",
            ),
            false => d,
        });
    }
    let resolved = crate::local_refs::resolve(&mut raw, options.lenient);
    for (new, old) in &resolved.moved {
        let original = pointers.original(old);
        pointers.add(new.clone(), original);
    }
    for note in resolved.notes {
        warnings.push(Diagnostic::warning(file, note.pointer, note.message));
    }
    if !resolved.errors.is_empty() {
        let errors = resolved
            .errors
            .into_iter()
            .map(|e| Diagnostic::error(file, e.pointer, e.message));
        return Err(locate_all(
            errors.chain(warnings).collect(),
            &sources,
            &pointers,
        ));
    }
    if options.lenient {
        warnings.extend(repair_leniently(file, &mut raw, &mut pointers));
    }
    let moved = crate::polymorphism::unfold_polymorphic_bases(&mut raw)
        .into_iter()
        .chain(crate::callbacks::fit_for_model(&mut raw));
    for (new, old) in moved {
        let original = pointers.original(&old);
        pointers.add(new, original);
    }
    let mut looked_past = Vec::new();
    let openapi = match to_openapi(file, &raw) {
        Ok(openapi) => openapi,
        Err(d) => {
            let degraded = match options.lenient {
                true => degrade_until_valid(file, &mut raw, &mut warnings),
                false => None,
            };
            match degraded {
                Some(openapi) => openapi,
                None => {
                    let every = match options.lenient {
                        true => Vec::new(),
                        false => every_invalid_place(file, &raw),
                    };
                    let errors = if every.is_empty() { d.0 } else { every };
                    // The errors are about the tree before the repairs moved anything.
                    let mut repaired_pointers = pointers.clone();
                    let past = match options.look_past_errors && !options.lenient {
                        true => repaired_past_errors(file, &raw, &mut repaired_pointers),
                        false => None,
                    };
                    let Some((repaired, openapi)) = past else {
                        let all = errors.into_iter().chain(warnings).collect();
                        return Err(locate_all(all, &sources, &pointers));
                    };
                    looked_past = locate_all(errors, &sources, &pointers).0;
                    (raw, pointers) = (repaired, repaired_pointers);
                    openapi
                }
            }
        }
    };
    let additional_operations =
        match read_additional_operations(file, &raw, options.lenient, &mut warnings) {
            Ok(operations) => operations,
            Err(errors) => {
                let all = errors.into_iter().chain(warnings).collect();
                return Err(locate_all(all, &sources, &pointers));
            }
        };
    sources.attach(&mut warnings, &pointers);
    let (mut errors, warnings): (Vec<_>, Vec<_>) =
        warnings.into_iter().partition(Diagnostic::is_error);
    errors.extend(looked_past);
    if !errors.is_empty() && !options.look_past_errors {
        return Err(Diagnostics(errors.into_iter().chain(warnings).collect()));
    }
    Ok(Document {
        file: file.to_path_buf(),
        source: text.to_string(),
        version,
        raw,
        openapi,
        warnings,
        errors,
        pointers,
        lenient: options.lenient,
        sources,
        additional_operations,
    })
}

/// Lenient mode's repairs of well-known defects, made where they stand; moves are added to
/// `pointers`. Returns one warning per repair.
fn repair_leniently(
    file: &Path,
    raw: &mut serde_json::Value,
    pointers: &mut crate::convert::PointerMap,
) -> Vec<Diagnostic> {
    // Body parameters first: the form ones are read before any repair of parameters.
    let (repairs, moves) = crate::repair::body_parameters(raw);
    // Every move's old place is read in the map as it was before this repair.
    let moves: Vec<(String, String)> = moves
        .into_iter()
        .map(|(new, old)| (new, pointers.original(&old)))
        .collect();
    for (new, original) in moves {
        pointers.add(new, original);
    }
    repairs
        .into_iter()
        .chain(crate::repair::repair(raw))
        .map(|repair| Diagnostic::warning(file, repair.pointer, repair.message))
        .collect()
}

/// Strict mode looking past errors: the tree as lenient mode would repair and degrade it,
/// read as OpenAPI, or `None` if even that fails. Lenient mode's warnings are left out: strict
/// mode reports the errors they repair.
fn repaired_past_errors(
    file: &Path,
    raw: &serde_json::Value,
    pointers: &mut crate::convert::PointerMap,
) -> Option<(serde_json::Value, openapiv3::OpenAPI)> {
    let mut repaired = raw.clone();
    repair_leniently(file, &mut repaired, pointers);
    let openapi = degrade_until_valid(file, &mut repaired, &mut Vec::new())?;
    Some((repaired, openapi))
}

/// The operations kept under [`crate::grammar::ADDITIONAL_OPERATIONS`] of each path item. A
/// method that is no HTTP token, or an operation that does not read, is an error (lenient: a
/// warning, and the operation is left out).
fn read_additional_operations(
    file: &Path,
    raw: &serde_json::Value,
    lenient: bool,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<AdditionalOperation>, Vec<Diagnostic>> {
    let mut operations = Vec::new();
    let mut errors = Vec::new();
    let paths = raw.get("paths").and_then(serde_json::Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let moved = item
            .get(crate::grammar::ADDITIONAL_OPERATIONS)
            .and_then(serde_json::Value::as_object);
        for (method, operation) in moved.into_iter().flatten() {
            let pointer = format!(
                "/paths/{}/{}/{}",
                escape_pointer_token(path),
                crate::grammar::ADDITIONAL_OPERATIONS,
                escape_pointer_token(method)
            );
            let read = if crate::is_http_token(method) {
                serde_path_to_error::deserialize::<_, openapiv3::Operation>(operation)
                    .map_err(|e| invalid_message(&e.to_string()))
            } else {
                Err(format!(
                    "`{method}` is not an HTTP method name (RFC 9110 token)"
                ))
            };
            match read {
                Ok(operation) => operations.push(AdditionalOperation {
                    path: path.clone(),
                    method: method.clone(),
                    operation,
                }),
                Err(message) if lenient => warnings.push(Diagnostic::warning(
                    file,
                    pointer,
                    format!("{message}; the operation is left out"),
                )),
                Err(message) => errors.push(Diagnostic::error(file, pointer, message)),
            }
        }
    }
    match errors.is_empty() {
        true => Ok(operations),
        false => Err(errors),
    }
}

fn locate_all(
    mut all: Vec<Diagnostic>,
    sources: &crate::bundle::Sources,
    pointers: &crate::convert::PointerMap,
) -> Diagnostics {
    sources.attach(&mut all, pointers);
    Diagnostics(all)
}

/// A key a mapping gives twice, at `pointer`: an error, or in lenient mode a warning (the last
/// value is read, as JSON parsers do). YAML requires unique keys and JSON asks for them; a
/// repeated path or operation would otherwise vanish in silence.
pub(crate) fn repeated_key(file: &Path, pointer: String, lenient: bool) -> Diagnostic {
    let key =
        crate::diagnostics::unescape_pointer_token(pointer.rsplit('/').next().unwrap_or_default());
    let message = format!("`{key}` is given twice in one mapping");
    if lenient {
        Diagnostic::warning(
            file,
            pointer,
            format!("repaired: {message}; the last one is read"),
        )
    } else {
        Diagnostic::error(file, pointer, message)
            .with_hint("keys must be unique; merge the two entries into one")
    }
}

/// How many objects lenient mode may degrade before it gives up on a document.
const MAX_DEGRADATIONS: usize = 10_000;

/// One place where the tree did not read as OpenAPI, and what degrading it did.
struct Degraded {
    /// What failed to read, where.
    failure: crate::pinpoint::Failure,
    /// The warning lenient mode gives, at the object it degraded.
    warning: Diagnostic,
}

/// Lenient mode: while the tree does not read as OpenAPI, the smallest failing object of the
/// grammar is degraded where it stands (a schema becomes any value; a parameter, media type,
/// operation, … is left out), each with a warning. `None` if the document still fails.
fn degrade_until_valid(
    file: &Path,
    raw: &mut serde_json::Value,
    warnings: &mut Vec<Diagnostic>,
) -> Option<openapiv3::OpenAPI> {
    let (degraded, openapi) = degrade(file, raw);
    warnings.extend(degraded.into_iter().map(|d| d.warning));
    openapi
}

/// Strict mode: every place the tree does not read as OpenAPI, not only the first. They are
/// found as lenient mode finds them, degrading each on a copy to look past it. Empty when the
/// first failure cannot be degraded.
fn every_invalid_place(file: &Path, raw: &serde_json::Value) -> Vec<Diagnostic> {
    let mut copy = raw.clone();
    degrade(file, &mut copy)
        .0
        .into_iter()
        .map(|d| Diagnostic::error(file, d.failure.pointer, invalid_message(&d.failure.message)))
        .collect()
}

fn invalid_message(serde_message: &str) -> String {
    // serde names openapiv3's types; say what the document lacks instead.
    let said = if serde_message.contains("enum ParameterSchemaOrContent") {
        "a parameter or header needs a `schema` or a `content` (Swagger 2.0: a `type`), and this one has neither"
    } else if ["unknown variant `body`", "unknown variant `formData`"]
        .iter()
        .any(|v| serde_message.starts_with(v))
    {
        "`in: body` and `in: formData` are Swagger 2.0; OpenAPI 3 writes the body as the operation's `requestBody`"
    } else {
        serde_message
    };
    format!("the document is not valid OpenAPI: {said}")
}

/// Degrades `raw` until it reads as OpenAPI (see [`degrade_until_valid`]); what was done, and
/// the document if it now reads.
fn degrade(
    file: &Path,
    raw: &mut serde_json::Value,
) -> (Vec<Degraded>, Option<openapiv3::OpenAPI>) {
    use crate::grammar::Kind;
    let mut done = Vec::new();
    let mut removed = RemovedItems::default();
    for _ in 0..MAX_DEGRADATIONS {
        let Some(current) = crate::pinpoint::failure(raw) else {
            return (done, serde_json::from_value(raw.clone()).ok());
        };
        // Said where the document has it: list items left out before moved the ones after.
        let failure = crate::pinpoint::Failure {
            object: removed.original(&current.object),
            pointer: removed.original(&current.pointer),
            ..current.clone()
        };
        // A scalar where a string belongs (`default: 80` of a server variable) is read as
        // its text: the smallest repair there is.
        // A schema that does not read is any value, which says more than a coerced keyword.
        if failure.kind != Kind::Schema && failure.message.contains("expected a string") {
            if let Some(slot) = raw.pointer_mut(&current.pointer) {
                if slot.is_number() || slot.is_boolean() {
                    let text = slot.to_string();
                    *slot = serde_json::Value::String(text.clone());
                    done.push(Degraded {
                        warning: Diagnostic::warning(
                            file,
                            failure.pointer.clone(),
                            format!("repaired: {text} should be a string; read as \"{text}\""),
                        ),
                        failure,
                    });
                    continue;
                }
            }
        }
        let Some(degraded) = degrade_failure(raw, &current) else {
            return (done, None);
        };
        let target = removed.original(&degraded.target);
        let action = degraded.action;
        if degraded.removed_list_item {
            removed.items.push(degraded.target);
        }
        done.push(Degraded {
            warning: Diagnostic::warning(
                file,
                target,
                format!(
                    "repaired: not valid OpenAPI ({} at {}); {action}",
                    failure.message,
                    if failure.pointer.is_empty() {
                        "/"
                    } else {
                        &failure.pointer
                    }
                ),
            ),
            failure,
        });
    }
    (done, None)
}

/// The list items lenient mode left out, in order, each by its pointer when it was removed.
#[derive(Default)]
struct RemovedItems {
    items: Vec<String>,
}

impl RemovedItems {
    /// Where a pointer into the degraded tree stands in the document as written: each removal,
    /// undone from the last, moves the later items of its list back by one.
    fn original(&self, pointer: &str) -> String {
        let mut pointer = pointer.to_string();
        for item in self.items.iter().rev() {
            let Some((list, index)) = item.rsplit_once('/') else {
                continue;
            };
            let (Ok(index), Some(rest)) = (
                index.parse::<usize>(),
                pointer.strip_prefix(list).and_then(|r| r.strip_prefix('/')),
            ) else {
                continue;
            };
            let (at, below) = rest.split_once('/').map_or((rest, ""), |(a, b)| (a, b));
            if let Some(at) = at.parse::<usize>().ok().filter(|at| *at >= index) {
                let below = if below.is_empty() {
                    String::new()
                } else {
                    format!("/{below}")
                };
                pointer = format!("{list}/{}{below}", at + 1);
            }
        }
        pointer
    }
}

/// What degrading one failure did: where (in the degraded tree), what, and whether it left out
/// an item of a list (which moves the items after it).
struct Degradation {
    target: String,
    action: String,
    removed_list_item: bool,
}

/// Degrades the smallest object around one failure. `None` when nothing can be left out.
fn degrade_failure(
    raw: &mut serde_json::Value,
    failure: &crate::pinpoint::Failure,
) -> Option<Degradation> {
    let in_list = |raw: &serde_json::Value, pointer: &str| {
        pointer
            .rsplit_once('/')
            .and_then(|(parent, _)| raw.pointer(parent))
            .is_some_and(serde_json::Value::is_array)
    };
    let (target, action, left_out) = replace_or_leave_out(raw, failure)?;
    Some(Degradation {
        removed_list_item: left_out && in_list(raw, &target),
        target,
        action,
    })
}

/// Replaces the smallest object around one failure by a valid one, or leaves it out; where,
/// what was done, and whether it was left out.
fn replace_or_leave_out(
    raw: &mut serde_json::Value,
    failure: &crate::pinpoint::Failure,
) -> Option<(String, String, bool)> {
    use crate::grammar::Kind;
    Some(match failure.kind {
        Kind::Schema => {
            let slot = raw.pointer_mut(&failure.object)?;
            *slot = serde_json::json!({});
            (
                failure.object.clone(),
                "the schema is any JSON value".to_string(),
                false,
            )
        }
        Kind::Response => {
            let slot = raw.pointer_mut(&failure.object)?;
            *slot = serde_json::json!({"description": ""});
            (
                failure.object.clone(),
                "the response is read without content".to_string(),
                false,
            )
        }
        // The document's required fields are replaced by empty ones.
        Kind::Document if failure.pointer == "/paths" || failure.pointer == "/info" => {
            let empty = match failure.pointer.as_str() {
                "/paths" => serde_json::json!({}),
                _ => serde_json::json!({"title": "", "version": "0.0.0"}),
            };
            *raw.pointer_mut(&failure.pointer)? = empty;
            (
                failure.pointer.clone(),
                "an empty one is used".to_string(),
                false,
            )
        }
        // Outside any object that can be left out: drop the failing value itself.
        Kind::Document | Kind::Components => {
            if failure.pointer.is_empty() {
                return None;
            }
            crate::local_refs::remove(raw, &failure.pointer)?;
            (failure.pointer.clone(), "it was removed".to_string(), true)
        }
        kind => {
            crate::local_refs::remove(raw, &failure.object)?;
            (
                failure.object.clone(),
                format!("the {} is left out", kind.noun()),
                true,
            )
        }
    })
}

/// JSON by extension; YAML by extension (flow-style YAML may start with `{` too); otherwise
/// by the first character.
fn is_json(file: &Path, text: &str) -> bool {
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("json") => true,
        Some("yaml" | "yml") => false,
        _ => text.trim_start().starts_with('{'),
    }
}

/// The JSON tree of a document's text, read as JSON or YAML by its name (or its first
/// character): integers beyond 64 bits load as floats, YAML's non-string keys become strings and
/// its merge keys are applied. For tools that walk documents the way the generator reads them.
///
/// A byte-order mark before the text is skipped: YAML allows one at the start of a stream and
/// JSON parsers may ignore one (RFC 8259, section 8.1), and Windows tools write them.
pub fn parse_tree(file: &Path, text: &str) -> Result<serde_json::Value, Diagnostics> {
    parse_tree_reporting(file, text).map(|(value, _)| value)
}

/// [`parse_tree`], with the JSON pointers of the keys a mapping gives twice (the last value is
/// the one read).
pub(crate) fn parse_tree_reporting(
    file: &Path,
    text: &str,
) -> Result<(serde_json::Value, Vec<String>), Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let diagnostic = if is_json(file, text) {
        match crate::yaml::parse_json_reporting(text) {
            Ok(value) => return Ok(value),
            Err(err) => {
                Diagnostic::error(file, "", format!("invalid JSON: {err}")).at(Some(Position {
                    line: err.line(),
                    column: err.column(),
                }))
            }
        }
    } else {
        match crate::yaml::parse_reporting(text) {
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
        return match v.as_str() {
            Some("2.0") => Ok(SpecVersion::V2),
            _ => fail(
                "/swagger",
                format!(
                    "Swagger version {v} is not supported; Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 are"
                ),
            ),
        };
    }
    match object.get("openapi") {
        Some(serde_json::Value::String(v)) if v.starts_with("3.0") => Ok(SpecVersion::V3_0),
        Some(serde_json::Value::String(v)) if v.starts_with("3.1") => Ok(SpecVersion::V3_1),
        Some(serde_json::Value::String(v)) if v.starts_with("3.2") => Ok(SpecVersion::V3_2),
        Some(serde_json::Value::String(v)) => fail(
            "/openapi",
            format!(
                "OpenAPI version `{v}` is not supported; Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 are"
            ),
        ),
        Some(other) => fail(
            "/openapi",
            format!("`openapi` must be a version string such as \"3.0.3\", found {other}"),
        ),
        None => fail(
            "",
            "missing `openapi` (or `swagger`) version field; is this an OpenAPI document?".into(),
        ),
    }
}

fn to_openapi(file: &Path, raw: &serde_json::Value) -> Result<openapiv3::OpenAPI, Diagnostics> {
    // Path tracking costs a third of this step; it is only needed to say where a document fails.
    if let Ok(openapi) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(raw) {
        return Ok(openapi);
    }
    serde_path_to_error::deserialize(raw).map_err(|err| {
        let coarse = (path_to_pointer(err.path()), err.into_inner().to_string());
        // serde's own path stops at flattened objects; walk down to the failing node.
        let (pointer, message) = crate::pinpoint::pinpoint(raw).unwrap_or(coarse);
        Diagnostics(vec![Diagnostic::error(
            file,
            pointer,
            invalid_message(&message),
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
    fn versions_are_detected_and_unknown_ones_refused() {
        let err = load_str(Path::new("x.yaml"), "openapi: 4.0.0\npaths: {}\n").unwrap_err();
        assert!(err.0[0].message.contains("4.0.0"), "{err}");
        let err = load_str(Path::new("x.json"), "{\"swagger\": \"1.2\"}").unwrap_err();
        assert_eq!(err.0[0].pointer, "/swagger");
        let v2 = load_str(
            Path::new("x.json"),
            r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
        )
        .unwrap();
        assert_eq!(v2.version, SpecVersion::V2);
        let v31 = load_str(
            Path::new("x.yaml"),
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n",
        )
        .unwrap();
        assert_eq!(v31.version, SpecVersion::V3_1);
    }

    #[test]
    fn a_byte_order_mark_before_the_document_is_skipped() {
        let json = "\u{feff}{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}";
        for name in ["x.json", "x.txt"] {
            let doc = load_str(Path::new(name), json);
            assert!(
                doc.is_ok(),
                "{name}: {}",
                doc.err().map(|e| e.to_string()).unwrap_or_default()
            );
        }
        let yaml = "\u{feff}openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        assert!(load_str(Path::new("x.yaml"), yaml).is_ok());
        // Lines are still counted from the first line of the file.
        let err = load_str(Path::new("x.yaml"), "\u{feff}openapi: 3.0.3\ninfo: [\n").unwrap_err();
        assert!(err.0[0].position.is_some_and(|p| p.line >= 2), "{err}");
    }

    #[test]
    fn flow_style_yaml_is_yaml() {
        let text = "{openapi: 3.0.3, info: {title: t, version: '1'}, paths: {}}";
        assert!(load_str(Path::new("x.yaml"), text).is_ok());
    }

    #[test]
    fn integer_status_keys_in_yaml_load() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
        let doc = load_str(Path::new("x.yaml"), text).unwrap();
        assert_eq!(doc.openapi.paths.paths.len(), 1);
    }
}
