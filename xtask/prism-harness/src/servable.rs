//! Adjusting a document so that Prism 5 can serve it, without changing what it validates.

use std::path::{Path, PathBuf};

/// The document Prism serves for `spec`: the file itself, or, when it declares a response media
/// type Prism 5 cannot produce, a copy under `out_dir` where only that media type is replaced.
///
/// Prism cannot serialize an object body for a response declared as `*/*` ("Cannot find
/// serializer for */*" without an `Accept` header, "Cannot serialise complex objects as text"
/// with `Accept: */*`, 406 with `Accept: application/json`). Such response media types become
/// `application/json` (schemas, statuses and request bodies are untouched; a `*/*` request
/// body is still validated against its schema).
///
/// Prism reads a form body's repeated keys (`names=a&names=b`, OpenAPI's default encoding of an
/// array property) as one string unless the media type's `encoding` names a style for the
/// property. The default (`style: form, explode: true`) is written out for array properties
/// of form bodies, which changes nothing OpenAPI says.
///
/// OpenAPI says a header parameter named `Accept`, `Content-Type` or `Authorization` "SHALL be
/// ignored" (the body's media type, the answer's and the security schemes say those); Prism
/// still requires it. Such parameters are left out of the copy's parameter lists.
///
/// A path named with a fragment (`/items#app`) is served by what a request carries (`/items`)
/// where no other path is sent the same way: Prism matches the whole name.
///
/// Prism refuses to start on a `$ref` it cannot resolve. One that points nowhere (a missing
/// component, a missing file) becomes any value, as lenient generation reads it; a `$ref` key
/// inside an example is data, not a reference, and is renamed so that Prism leaves it alone.
/// Relative references to other files are made absolute in the copy.
///
/// Returns the path and one line per change.
pub fn servable_spec(spec: &Path, out_dir: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let mut doc = read_document(spec)?;
    let mut changes = Vec::new();
    let dir = spec.parent().unwrap_or(Path::new("."));
    let root = doc.clone();
    references(&mut doc, &root, dir, "", Place::Document, &mut changes);
    form_array_encodings(&mut doc, &mut changes);
    ignored_header_parameters(&mut doc, &mut changes);
    paths_as_routed(&mut doc, &mut changes);
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_mapping_mut()) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_mapping_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                let Some(responses) = operation
                    .get_mut("responses")
                    .and_then(|r| r.as_mapping_mut())
                else {
                    continue;
                };
                for (status, response) in responses.iter_mut() {
                    let Some(content) =
                        response.get_mut("content").and_then(|c| c.as_mapping_mut())
                    else {
                        continue;
                    };
                    if let Some(media) = content.remove("*/*") {
                        content.insert("application/json".into(), media);
                        changes.push(format!(
                            "{} {} response {}: `*/*` served as `application/json`",
                            method.as_str().unwrap_or_default().to_uppercase(),
                            path.as_str().unwrap_or_default(),
                            yaml_key(status)
                        ));
                    }
                }
            }
        }
    }
    if changes.is_empty() {
        return Ok((spec.to_path_buf(), changes));
    }
    Ok((write_copy(doc, spec, out_dir)?, changes))
}

/// A copy of `spec` under `out_dir` with only the operations `kept` (the path as `paths`
/// writes it, the method in lowercase) and everything else the document has beside its paths.
/// For serving one of several operations that no request can tell apart, without the others.
pub fn with_only_operations(
    spec: &Path,
    out_dir: &Path,
    kept: &[(String, String)],
) -> Result<PathBuf, String> {
    let mut doc = read_document(spec)?;
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_mapping_mut()) {
        paths.retain(|path, item| {
            let Some(item) = item.as_mapping_mut() else {
                return false;
            };
            item.retain(|key, _| {
                key.as_str().is_none_or(|key| {
                    !OPERATION_KEYS.contains(&key)
                        || kept
                            .iter()
                            .any(|(p, m)| path.as_str() == Some(p) && m == key)
                })
            });
            item.keys()
                .any(|key| key.as_str().is_some_and(|k| OPERATION_KEYS.contains(&k)))
        });
    }
    paths_as_routed(&mut doc, &mut Vec::new());
    write_copy(doc, spec, out_dir)
}

/// Names each path with a fragment (`/items#app`) or a query string (`/key?list`) by the path a
/// request carries (`/items`, `/key`) where no other path is sent the same way: a fragment is
/// never sent, a query string is not part of the path, and Prism matches a request's path
/// against the whole name.
fn paths_as_routed(doc: &mut serde_yaml::Value, changes: &mut Vec<String>) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_mapping_mut()) else {
        return;
    };
    let sent = |key: &serde_yaml::Value| -> Option<String> {
        key.as_str()
            .map(|k| k.split(['#', '?']).next().unwrap_or(k).to_string())
    };
    let mut count: std::collections::HashMap<String, usize> = Default::default();
    for key in paths.keys() {
        if let Some(sent) = sent(key) {
            *count.entry(sent).or_default() += 1;
        }
    }
    let renamed: serde_yaml::Mapping = std::mem::take(paths)
        .into_iter()
        .map(|(key, item)| match (key.as_str(), sent(&key)) {
            (Some(name), Some(sent)) if name != sent && count.get(&sent) == Some(&1) => {
                let why = if name[sent.len()..].starts_with('#') {
                    "a fragment is never sent"
                } else {
                    "Prism routes by the path alone"
                };
                changes.push(format!("path `{name}` served as `{sent}` ({why})"));
                (sent.into(), item)
            }
            _ => (key, item),
        })
        .collect();
    *paths = renamed;
}

/// The keys of a Path Item object that hold operations.
pub const OPERATION_KEYS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Reads a document as the generator does (integers beyond 64 bits, JSON escapes YAML refuses).
fn read_document(spec: &Path) -> Result<serde_yaml::Value, String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let tree = generator::parse_tree(spec, &text).map_err(|e| e.to_string())?;
    serde_yaml::to_value(tree).map_err(|e| format!("{}: {e}", spec.display()))
}

/// Writes `doc`, read from `spec`, to `out_dir` as YAML; its path.
fn write_copy(mut doc: serde_yaml::Value, spec: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    // The copy lives elsewhere: references to other files must not move with it.
    absolute_file_references(&mut doc, spec.parent().unwrap_or(Path::new(".")));
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let stem = spec
        .file_stem()
        .ok_or_else(|| format!("{} has no file name", spec.display()))?;
    // The copy is YAML whatever the original was; its name says so.
    let out = out_dir.join(format!("{}.yaml", stem.to_string_lossy()));
    let text = serde_yaml::to_string(&doc).map_err(|e| format!("cannot print YAML: {e}"))?;
    std::fs::write(&out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(out)
}

/// Where a node is, for telling references from data that merely has a `$ref` key.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Document,
    /// Inside an example's value or an extension: data.
    Data,
    /// An `examples` map (Example objects or references to them) or list (JSON Schema values).
    Examples,
}

/// Fixes what keeps Prism from resolving the document's references (see [`servable_spec`]).
fn references(
    node: &mut serde_yaml::Value,
    root: &serde_yaml::Value,
    dir: &Path,
    at: &str,
    place: Place,
    changes: &mut Vec<String>,
) {
    match node {
        serde_yaml::Value::Mapping(map) => {
            let reference = map.get("$ref").and_then(|r| r.as_str()).map(str::to_string);
            if let Some(reference) = reference {
                if place == Place::Data {
                    if let Some(value) = map.remove("$ref") {
                        map.insert("$ref_".into(), value);
                        changes.push(format!(
                            "{at}: `$ref` inside an example renamed `$ref_` (it is data)"
                        ));
                    }
                } else if !resolves(&reference, root, dir) {
                    *node = serde_yaml::Value::Mapping(Default::default());
                    changes.push(format!(
                        "{at}: `$ref: {reference}` points nowhere; any value instead"
                    ));
                    return;
                }
            }
            for (key, child) in map.iter_mut() {
                let name = key.as_str().unwrap_or_default();
                let inner = match (place, name) {
                    (Place::Data, _) => Place::Data,
                    // The `value` of an Example object.
                    (Place::Examples, "value") => Place::Data,
                    (_, "example") => Place::Data,
                    (_, "examples") => Place::Examples,
                    (_, extension) if extension.starts_with("x-") => Place::Data,
                    (Place::Examples, _) => Place::Examples,
                    _ => Place::Document,
                };
                references(child, root, dir, &format!("{at}/{name}"), inner, changes);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            // A list of examples (JSON Schema `examples`) holds values.
            let inner = if place == Place::Examples {
                Place::Data
            } else {
                place
            };
            for (i, item) in items.iter_mut().enumerate() {
                references(item, root, dir, &format!("{at}/{i}"), inner, changes);
            }
        }
        _ => {}
    }
}

/// Whether a `$ref` leads somewhere: a local pointer into the document, a file beside it, or
/// a URL (left to Prism).
fn resolves(reference: &str, root: &serde_yaml::Value, dir: &Path) -> bool {
    if reference.starts_with("http://") || reference.starts_with("https://") {
        return true;
    }
    match reference.split_once('#') {
        Some(("", pointer)) => pointer_target(root, pointer).is_some(),
        Some((file, _)) => dir.join(file).exists(),
        None => dir.join(reference).exists(),
    }
}

fn pointer_target<'a>(root: &'a serde_yaml::Value, pointer: &str) -> Option<&'a serde_yaml::Value> {
    let mut node = root;
    for token in pointer
        .trim_start_matches('/')
        .split('/')
        .filter(|t| !t.is_empty())
    {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match node {
            serde_yaml::Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            other => other.get(token.as_str())?,
        };
    }
    Some(node)
}

/// Makes `$ref`s to other files absolute, relative to `dir`.
fn absolute_file_references(node: &mut serde_yaml::Value, dir: &Path) {
    match node {
        serde_yaml::Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                let is_file_ref = key.as_str() == Some("$ref")
                    && child.as_str().is_some_and(|r| {
                        !r.starts_with('#')
                            && !r.starts_with("http://")
                            && !r.starts_with("https://")
                    });
                if is_file_ref {
                    if let Some(reference) = child.as_str() {
                        let absolute = std::path::absolute(dir.join(reference))
                            .unwrap_or_else(|_| dir.join(reference));
                        *child = absolute.display().to_string().into();
                    }
                } else {
                    absolute_file_references(child, dir);
                }
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for item in items {
                absolute_file_references(item, dir);
            }
        }
        _ => {}
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Writes out the default `encoding` of array properties of every form request body.
fn form_array_encodings(doc: &mut serde_yaml::Value, changes: &mut Vec<String>) {
    let root = doc.clone();
    let mut bodies: Vec<(String, &mut serde_yaml::Value)> = Vec::new();
    for (key, value) in doc.as_mapping_mut().into_iter().flatten() {
        match key.as_str() {
            Some("paths") => {
                for (path, item) in value.as_mapping_mut().into_iter().flatten() {
                    for (method, operation) in item.as_mapping_mut().into_iter().flatten() {
                        if let Some(body) = operation.get_mut("requestBody") {
                            let at = format!(
                                "{} {}",
                                method.as_str().unwrap_or_default().to_uppercase(),
                                path.as_str().unwrap_or_default()
                            );
                            bodies.push((at, body));
                        }
                    }
                }
            }
            Some("components") => {
                let shared = value
                    .get_mut("requestBodies")
                    .and_then(|b| b.as_mapping_mut());
                for (name, body) in shared.into_iter().flatten() {
                    bodies.push((format!("request body {}", yaml_key(name)), body));
                }
            }
            _ => {}
        }
    }
    for (at, body) in bodies {
        let Some(media) = body.get_mut("content").and_then(|c| c.get_mut(FORM)) else {
            continue;
        };
        let arrays = array_properties(media.get("schema"), &root, 0);
        if arrays.is_empty() {
            continue;
        }
        let Some(media) = media.as_mapping_mut() else {
            continue;
        };
        let encoding = media
            .entry("encoding".into())
            .or_insert_with(|| serde_yaml::Value::Mapping(Default::default()));
        let Some(encoding) = encoding.as_mapping_mut() else {
            continue;
        };
        for property in arrays {
            let key = serde_yaml::Value::from(property.as_str());
            if encoding.contains_key(&key) {
                continue;
            }
            let mut style = serde_yaml::Mapping::new();
            style.insert("style".into(), "form".into());
            style.insert("explode".into(), true.into());
            encoding.insert(key, serde_yaml::Value::Mapping(style));
            changes.push(format!(
                "{at}: form property `{property}` given its default encoding (form, exploded)"
            ));
        }
    }
}

/// The header names OpenAPI says to ignore as parameters (lowercase).
pub const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

/// Leaves the parameters OpenAPI ignores out of each path item's and operation's list.
fn ignored_header_parameters(doc: &mut serde_yaml::Value, changes: &mut Vec<String>) {
    let root = doc.clone();
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_mapping_mut()) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let path = path.as_str().unwrap_or_default();
        for (key, node) in item.as_mapping_mut().into_iter().flatten() {
            let key = key.as_str().unwrap_or_default();
            let (at, list) = if key == "parameters" {
                (path.to_string(), Some(node))
            } else {
                (
                    format!("{} {path}", key.to_uppercase()),
                    node.get_mut("parameters"),
                )
            };
            let Some(list) = list.and_then(|l| l.as_sequence_mut()) else {
                continue;
            };
            list.retain(|parameter| {
                let parameter = resolve(parameter, &root);
                let header = parameter.get("in").and_then(|i| i.as_str()) == Some("header");
                let name = parameter.get("name").and_then(|n| n.as_str());
                match name.filter(|n| {
                    header && IGNORED_HEADERS.contains(&n.to_ascii_lowercase().as_str())
                }) {
                    Some(name) => {
                        changes.push(format!(
                            "{at}: header parameter `{name}` left out (OpenAPI ignores it)"
                        ));
                        false
                    }
                    None => true,
                }
            });
        }
    }
}

/// The schema a `$ref` (local) points at, or the schema itself.
fn resolve<'a>(
    schema: &'a serde_yaml::Value,
    root: &'a serde_yaml::Value,
) -> &'a serde_yaml::Value {
    let Some(reference) = schema.get("$ref").and_then(|r| r.as_str()) else {
        return schema;
    };
    let mut node = root;
    for token in reference.trim_start_matches("#/").split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        match node.get(token.as_str()) {
            Some(next) => node = next,
            None => return schema,
        }
    }
    node
}

/// The names of a schema's array properties (its own and its `allOf` parts').
fn array_properties(
    schema: Option<&serde_yaml::Value>,
    root: &serde_yaml::Value,
    depth: usize,
) -> Vec<String> {
    let Some(schema) = schema.map(|s| resolve(s, root)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(properties) = schema.get("properties").and_then(|p| p.as_mapping()) {
        for (name, property) in properties {
            let property = resolve(property, root);
            let is_array = property.get("type").and_then(|t| t.as_str()) == Some("array")
                || property.get("items").is_some();
            if let (true, Some(name)) = (is_array, name.as_str()) {
                out.push(name.to_string());
            }
        }
    }
    if depth < 8 {
        for part in schema
            .get("allOf")
            .and_then(|a| a.as_sequence())
            .into_iter()
            .flatten()
        {
            out.extend(array_properties(Some(part), root, depth + 1));
        }
    }
    out
}

fn yaml_key(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_with_only_some_operations_keeps_the_rest_of_the_document() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let spec = dir.path().join("api.yaml");
        std::fs::write(
            &spec,
            "openapi: 3.0.3\npaths:\n  /{a}/config:\n    parameters: []\n    get: {}\n    post: {}\n  \
             /{b}/config:\n    get: {}\n  /other:\n    get: {$ref: 'other.yaml#/op'}\n  /other#x:\n    get: {}\n  /keys?list:\n    get: {}\n\
             components:\n  schemas:\n    A: {$ref: 'shared.yaml#/A'}\n",
        )
        .expect("written");
        let kept = [("/{a}/config".to_string(), "post".to_string())];
        let fragment = [
            ("/other#x".to_string(), "get".to_string()),
            ("/keys?list".to_string(), "get".to_string()),
        ];
        let copy =
            with_only_operations(&spec, &dir.path().join("fragment"), &fragment).expect("a copy");
        let copy: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&copy).expect("copy")).expect("YAML");
        // Alone, the path with a fragment is served as a request carries it.
        assert!(copy["paths"]["/other"].get("get").is_some(), "{copy:?}");
        assert!(copy["paths"]["/keys"].get("get").is_some(), "{copy:?}");
        let copy = with_only_operations(&spec, &dir.path().join("out"), &kept).expect("a copy");
        let copy: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&copy).expect("copy")).expect("YAML");
        let paths = copy["paths"].as_mapping().expect("paths");
        assert_eq!(paths.len(), 1, "{paths:?}");
        let item = &copy["paths"]["/{a}/config"];
        assert!(item.get("post").is_some() && item.get("get").is_none());
        // What is not an operation stays, and references to other files still resolve.
        assert!(item.get("parameters").is_some());
        let shared = copy["components"]["schemas"]["A"]["$ref"]
            .as_str()
            .expect("a reference");
        assert!(Path::new(shared).is_absolute(), "{shared}");
        assert!(shared.ends_with("shared.yaml#/A"), "{shared}");
    }

    #[test]
    fn a_document_is_read_as_the_generator_reads_it() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // An integer beyond 64 bits (openai's `seed.minimum`), which serde_yaml refuses.
        let spec = dir.path().join("big.yaml");
        std::fs::write(
            &spec,
            "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: seed, in: query, \
             schema: {type: integer, minimum: -9223372036854776000}}\n      responses:\n        \
             '200': {description: ok, content: {'*/*': {schema: {type: object}}}}\n",
        )
        .expect("written");
        let (served, changes) = servable_spec(&spec, &dir.path().join("out")).expect("a copy");
        assert_eq!(changes.len(), 1, "{changes:?}");
        let copy: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&served).expect("copy")).expect("YAML");
        let minimum = &copy["paths"]["/a"]["get"]["parameters"][0]["schema"]["minimum"];
        assert_eq!(minimum.as_f64(), Some(-9_223_372_036_854_776_000.0));

        // A surrogate pair escaped in JSON (twilio's examples), which YAML refuses.
        let spec = dir.path().join("pair.json");
        std::fs::write(
            &spec,
            r#"{"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"*/*": {"example": "Hello! \ud83d\udc4d"}}}}}}}}"#,
        )
        .expect("written");
        let (served, _) = servable_spec(&spec, &dir.path().join("out")).expect("a copy");
        let copy: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&served).expect("copy")).expect("YAML");
        let example = &copy["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
            ["example"];
        assert_eq!(example.as_str(), Some("Hello! \u{1f44d}"));
    }

    #[test]
    fn unservable_media_types_and_form_arrays_are_adjusted_and_said() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let spec = dir.path().join("api.json");
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/x-www-form-urlencoded": {
                    "schema": {"$ref": "#/components/schemas/Form"}}}},
                "responses": {"200": {"description": "ok", "content": {"*/*": {"schema": {"type": "object"}}}}}}}},
            "components": {"schemas": {"Form": {"type": "object", "properties": {
                "names": {"type": "array", "items": {"type": "string"}},
                "count": {"type": "integer"}}}}}
        });
        std::fs::write(&spec, doc.to_string()).expect("written");
        let (served, changes) = servable_spec(&spec, &dir.path().join("out")).expect("adjusted");
        assert_eq!(
            changes,
            [
                "POST /a: form property `names` given its default encoding (form, exploded)",
                "POST /a response 200: `*/*` served as `application/json`",
            ]
        );
        assert_eq!(
            served.file_name().and_then(|n| n.to_str()),
            Some("api.yaml")
        );
        let text = std::fs::read_to_string(&served).expect("the copy");
        let copy: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
        let media = &copy["paths"]["/a"]["post"]["requestBody"]["content"][FORM];
        assert_eq!(media["encoding"]["names"]["style"].as_str(), Some("form"));
        assert!(media["encoding"].get("count").is_none());

        // References that point nowhere become any value; a `$ref` in an example is data.
        let broken = dir.path().join("broken.yaml");
        std::fs::write(
            &broken,
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        \
             b: {$ref: '#/components/schemas/Gone'}\n        c: {$ref: '#/components/schemas/A'}\n        \
             d: {$ref: 'missing.yaml#/X'}\n      example: {link: {$ref: 'https://example.com/x'}}\n",
        )
        .expect("written");
        let (served, changes) = servable_spec(&broken, &dir.path().join("out")).expect("adjusted");
        assert_eq!(changes.len(), 3, "{changes:?}");
        let copy: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&served).expect("copy")).expect("YAML");
        let a = &copy["components"]["schemas"]["A"];
        assert_eq!(
            a["properties"]["b"],
            serde_yaml::Value::Mapping(Default::default())
        );
        assert_eq!(
            a["properties"]["c"]["$ref"].as_str(),
            Some("#/components/schemas/A")
        );
        assert_eq!(
            a["example"]["link"]["$ref_"].as_str(),
            Some("https://example.com/x")
        );

        // Header parameters OpenAPI ignores are left out, inline or referenced, on a path item
        // or an operation; other headers stay.
        let headers = dir.path().join("headers.yaml");
        std::fs::write(
            &headers,
            "openapi: 3.0.3\npaths:\n  /a:\n    parameters:\n      - {name: Accept, in: header, required: true, schema: {type: string}}\n    \
             get:\n      parameters:\n        - $ref: '#/components/parameters/ContentType'\n        \
             - {name: X-Trace, in: header, required: true, schema: {type: string}}\n        \
             - {name: accept, in: query, schema: {type: string}}\n      responses: {}\n\
             components:\n  parameters:\n    ContentType: {name: Content-Type, in: header, required: true, schema: {type: string}}\n",
        )
        .expect("written");
        let (served, changes) = servable_spec(&headers, &dir.path().join("out")).expect("adjusted");
        assert_eq!(
            changes,
            [
                "/a: header parameter `Accept` left out (OpenAPI ignores it)",
                "GET /a: header parameter `Content-Type` left out (OpenAPI ignores it)",
            ]
        );
        let copy: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&served).expect("copy")).expect("YAML");
        let kept: Vec<&str> = copy["paths"]["/a"]["get"]["parameters"]
            .as_sequence()
            .expect("a list")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(kept, ["X-Trace", "accept"]);
        assert!(
            copy["paths"]["/a"]["parameters"]
                .as_sequence()
                .expect("a list")
                .is_empty()
        );

        // A document that needs nothing is served as it is.
        let plain = dir.path().join("plain.yaml");
        std::fs::write(&plain, "openapi: 3.0.3\npaths: {}\n").expect("written");
        let (served, changes) = servable_spec(&plain, &dir.path().join("out")).expect("read");
        assert_eq!((served, changes.len()), (plain, 0));
    }
}
