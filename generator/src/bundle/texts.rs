//! Text given as a reference: `description: {$ref: 'description.yml#/introduction'}`. Text
//! fields ([`grammar::text_fields`]) are strings in the grammar, but publishers keep long text in
//! other files and bundlers resolve such a reference; the field becomes the text it names. A
//! whole file that is not JSON or YAML (`$ref: ./tags/Intro.md`, as Redocly reads it) is that
//! text as written: read as YAML, a Markdown heading would be a comment.

use serde_json::Value;

use super::files::{self, RefTarget};
use super::maps::{MAX_HOPS, Site, json_type, only_reference};
use super::{Bundler, Origins};
use crate::grammar::{self, Kind};

impl Bundler<'_> {
    /// Replaces each text field of `node` (a `kind` at `pointer` of a value at `base` of
    /// `file`) that is given as a reference with the text it names; adds where each came from.
    pub(super) fn expand_texts(
        &mut self,
        node: &mut Value,
        kind: Kind,
        (file, base, pointer): (usize, &str, &str),
        origins: &mut Origins,
    ) {
        for field in grammar::text_fields(kind) {
            let Some(reference) = node.get(*field).and_then(only_reference) else {
                continue;
            };
            let reference = reference.to_string();
            let at = format!("{pointer}/{field}");
            let site = Site {
                file,
                at: &at,
                in_file: format!("{base}{at}"),
            };
            match self.text(&site, &reference) {
                Ok((text, from_file, from_pointer)) => {
                    if let Some(map) = node.as_object_mut() {
                        map.insert((*field).to_string(), Value::String(text));
                        origins.push((at.clone(), from_file, from_pointer));
                    }
                }
                Err((message, hint)) => {
                    let done = format!("the `{field}` was left out");
                    if self.report_unfollowable(&site, message, hint.as_deref(), &done) {
                        if let Some(map) = node.as_object_mut() {
                            map.shift_remove(*field);
                        }
                    }
                }
            }
        }
    }

    /// The text `reference` names, and where it is (file, pointer); or why there is none.
    fn text(
        &mut self,
        site: &Site,
        reference: &str,
    ) -> Result<(String, usize, String), (String, Option<String>)> {
        let (mut file, mut next) = (site.file, reference.to_string());
        for _ in 0..MAX_HOPS {
            if let Some(path) = prose_file(&next).filter(|_| !self.is_id(&next)) {
                let resolved = files::resolve_path(&self.files[file].key, &path);
                return match self.load_prose(&resolved) {
                    Ok((target, text)) => Ok((text, target, String::new())),
                    Err(problem) => Err((
                        format!(
                            "`$ref: {reference}` (text) points at `{}`, which {problem}",
                            resolved.display()
                        ),
                        None,
                    )),
                };
            }
            let (target, pointer) = self.locate_value(file, &next, "text")?;
            match self.files[target].value.pointer(&pointer) {
                Some(Value::String(text)) => return Ok((text.clone(), target, pointer)),
                Some(node) if only_reference(node).is_some() => {
                    next = only_reference(node).unwrap_or_default().to_string();
                    file = target;
                }
                other => {
                    let found = other.map_or("nothing", json_type);
                    let message =
                        format!("`$ref: {reference}` points at {found}, where text is expected");
                    return Err((message, None));
                }
            }
        }
        let message = format!("`$ref: {reference}` is a chain of more than {MAX_HOPS} references");
        Err((message, None))
    }
}

impl Bundler<'_> {
    /// The text of the file at `path`, as written (without trailing blank lines), and its index;
    /// read the first time it is asked for.
    fn load_prose(&mut self, path: &std::path::Path) -> Result<(usize, String), String> {
        let index = match self.by_path.get(path) {
            Some(found) => found.clone()?,
            None => {
                let loaded = self.read_text(path).map(|text| {
                    let value = Value::String(text.trim_end().to_string());
                    self.add_file(path, text, value)
                });
                self.by_path.insert(path.to_path_buf(), loaded.clone());
                loaded?
            }
        };
        match &self.files[index].value {
            Value::String(text) => Ok((index, text.clone())),
            other => Err(format!(
                "holds {}, where text is expected",
                json_type(other)
            )),
        }
    }
}

/// The path of a reference to a whole file that is neither JSON nor YAML (`./intro.md`).
fn prose_file(reference: &str) -> Option<String> {
    let RefTarget::File { path, fragment } = files::parse_ref(reference) else {
        return None;
    };
    let extension = std::path::Path::new(&path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let parsed = matches!(extension.as_deref(), Some("yaml" | "yml" | "json"));
    (fragment.is_empty() && !parsed).then_some(path)
}
