//! Adjusting a document so that Prism 5 can serve it, without changing what it validates.

use std::path::{Path, PathBuf};

/// The document Prism serves for `spec`: the file itself, or, when it declares a response media
/// type Prism 5 cannot produce, a copy under `out_dir` where only that media type is replaced.
///
/// Prism cannot serialize an object body for a response declared as `*/*` ("Cannot find
/// serializer for */*" without an `Accept` header, "Cannot serialise complex objects as text"
/// with `Accept: */*`, 406 with `Accept: application/json`). Such response media types become
/// `application/json` (schemas, statuses and request bodies are untouched; a `*/*` request
/// body is still validated against its schema). Returns the path and one line per change.
pub fn servable_spec(spec: &Path, out_dir: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&text)
        .map_err(|e| format!("{} is not YAML or JSON: {e}", spec.display()))?;
    let mut changes = Vec::new();
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

fn yaml_key(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}
