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
/// of form bodies, which changes nothing OpenAPI says. Returns the path and one line per change.
pub fn servable_spec(spec: &Path, out_dir: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&text)
        .map_err(|e| format!("{} is not YAML or JSON: {e}", spec.display()))?;
    let mut changes = Vec::new();
    form_array_encodings(&mut doc, &mut changes);
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
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let stem = spec
        .file_stem()
        .ok_or_else(|| format!("{} has no file name", spec.display()))?;
    // The copy is YAML whatever the original was; its name says so.
    let out = out_dir.join(format!("{}.yaml", stem.to_string_lossy()));
    let text = serde_yaml::to_string(&doc).map_err(|e| format!("cannot print YAML: {e}"))?;
    std::fs::write(&out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok((out, changes))
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

/// The schema a `$ref` (local) points at, or the schema itself.
fn resolve<'a>(schema: &'a serde_yaml::Value, root: &'a serde_yaml::Value) -> &'a serde_yaml::Value {
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
fn array_properties(schema: Option<&serde_yaml::Value>, root: &serde_yaml::Value, depth: usize) -> Vec<String> {
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
        for part in schema.get("allOf").and_then(|a| a.as_sequence()).into_iter().flatten() {
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
        assert_eq!(served.file_name().and_then(|n| n.to_str()), Some("api.yaml"));
        let text = std::fs::read_to_string(&served).expect("the copy");
        let copy: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
        let media = &copy["paths"]["/a"]["post"]["requestBody"]["content"][FORM];
        assert_eq!(media["encoding"]["names"]["style"].as_str(), Some("form"));
        assert!(media["encoding"].get("count").is_none());

        // A document that needs nothing is served as it is.
        let plain = dir.path().join("plain.yaml");
        std::fs::write(&plain, "openapi: 3.0.3\npaths: {}\n").expect("written");
        let (served, changes) = servable_spec(&plain, &dir.path().join("out")).expect("read");
        assert_eq!((served, changes.len()), (plain, 0));
    }
}
