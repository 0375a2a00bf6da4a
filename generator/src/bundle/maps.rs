//! Maps given as a reference: `paths: {$ref: paths/_index.yaml}`,
//! `components: {schemas: {$ref: ./schemas/_index.yaml}}`, a schema's
//! `properties: {$ref: 'attributes.yml#/ids'}` (see [`grammar::MapReference`]).
//!
//! - A map in the same file is copied in place: its references are relative to that same file,
//!   so they stay as written.
//! - A map in another file becomes one reference per entry (`file#/pointer/Name`), written
//!   relative to the file that names the map. Each entry is then followed like any other
//!   reference: placed in the components under its key (a root component that is only a
//!   reference names its part, [`super::Bundler::adopt_root_components`]) or copied in place,
//!   with the references inside it relative to the file it is written in.
//! - Keys beside `$ref` are entries too, and win over the referenced map's (as an "extended"
//!   reference is merged by JSON Schema `$RefParser`).
//! - A map that cannot be followed is an error; in lenient mode a warning, and the map is empty.

use serde_json::{Map, Value};

use super::files::{self, RefTarget};
use super::resolve::sections;
use super::{Bundler, Origins};
use crate::diagnostics::{Diagnostic, escape_pointer_token};
use crate::grammar::{self, Kind, MapReference};

/// How many references to references a map reference follows before it gives up.
pub(super) const MAX_HOPS: usize = 16;

/// What a map reference becomes.
enum Expansion {
    /// The map, and where it is (file, pointer) when it was copied from the same file.
    Map(Map<String, Value>, Option<(usize, String)>),
    /// Strict mode: left as written; the error is reported.
    Keep,
}

/// A map reference, where it stands: file, pointer of the map in the value being rewritten,
/// the same pointer in the file.
pub(super) struct Site<'a> {
    pub(super) file: usize,
    pub(super) at: &'a str,
    pub(super) in_file: String,
}

impl Bundler<'_> {
    /// Replaces every map given as a reference in `value` (a `kind` at `base` of file `file`)
    /// with the map it names, outermost first, and every text given as a reference with the
    /// text ([`super::texts`]); returns where the copied maps and texts came from.
    pub(super) fn expand_maps(
        &mut self,
        value: &mut Value,
        file: usize,
        base: &str,
        kind: Kind,
    ) -> Origins {
        let dialect = self.dialect;
        let mut origins = Vec::new();
        // Maps copied in place: (pointer where copied, file, pointer copied), to stop a map
        // that holds a reference to itself.
        let mut copied: Vec<(String, usize, String)> = Vec::new();
        grammar::walk_mut(value, kind, dialect, "", &mut |node, kind, pointer| {
            for found in grammar::map_references(node, kind, dialect) {
                let at = format!("{pointer}/{}", escape_pointer_token(&found.key));
                let site = Site {
                    file,
                    at: &at,
                    in_file: format!("{base}{at}"),
                };
                let expansion = self.expand(&site, &found, &copied);
                let Expansion::Map(mut entries, from) = expansion else {
                    continue;
                };
                let Some(Value::Object(written)) = node.get_mut(&found.key) else {
                    continue;
                };
                for (name, entry) in std::mem::take(written) {
                    if name != "$ref" {
                        let entry_at = format!("{at}/{}", escape_pointer_token(&name));
                        origins.push((entry_at.clone(), file, format!("{base}{entry_at}")));
                        entries.insert(name, entry);
                    }
                }
                if let Some((from_file, from_pointer)) = from {
                    origins.push((at.clone(), from_file, from_pointer.clone()));
                    copied.push((at.clone(), from_file, from_pointer));
                }
                *written = entries;
            }
            self.expand_texts(node, kind, (file, base, pointer), &mut origins);
        });
        origins
    }

    /// The map a map reference names.
    fn expand(
        &mut self,
        site: &Site,
        found: &MapReference,
        copied: &[(String, usize, String)],
    ) -> Expansion {
        let (mut file, mut reference) = (site.file, found.reference.clone());
        for hop in 0..MAX_HOPS {
            let what = format!("a map of {}", plural(found.entries));
            let (target, pointer) = match self.locate_value(file, &reference, &what) {
                Ok(found) => found,
                Err((message, hint)) => {
                    return self.map_unfollowable(site, message, hint.as_deref());
                }
            };
            let node = self.files[target]
                .value
                .pointer(&pointer)
                .cloned()
                .unwrap_or(Value::Null);
            // A map that is itself a reference to a map: follow it from its own file.
            if let Some(next) = only_reference(&node) {
                (file, reference) = (target, next.to_string());
                continue;
            }
            let Value::Object(map) = node else {
                let message = format!(
                    "`$ref: {}` points at {}, where a map of {} is expected",
                    found.reference,
                    json_type(&node),
                    plural(found.entries)
                );
                return self.map_unfollowable(site, message, None);
            };
            if target == site.file {
                let cycle = copied.iter().any(|(at, f, p)| {
                    *f == target && *p == pointer && site.at.starts_with(&format!("{at}/"))
                });
                let holds_itself =
                    site.in_file == pointer || site.in_file.starts_with(&format!("{pointer}/"));
                if cycle || holds_itself {
                    let message = format!(
                        "`$ref: {}` leads back to itself; a map is copied in place, so its references cannot form a cycle",
                        found.reference
                    );
                    return self.map_unfollowable(site, message, None);
                }
                return Expansion::Map(map, Some((target, pointer)));
            }
            // The file as the map reference spells it, or (at the end of a chain through other
            // files) relative to the file the map reference is written in.
            let file_part = if hop == 0 {
                file_part(&found.reference).to_string()
            } else {
                self.reference_from(site.file, target)
            };
            // Parts listed in a root components section are placed there under their keys;
            // entries of any other map are copied in place, as the map would have been.
            let components =
                site.file == 0 && sections(self.dialect).contains(&site.in_file.as_str());
            let mut entries = Map::new();
            for (name, entry) in map {
                let token = escape_pointer_token(&name);
                if name.starts_with("x-") && !found.extension_names_are_entries {
                    entries.insert(name, entry);
                    continue;
                }
                let fragment = encode(&format!("{pointer}/{token}"));
                if !components {
                    self.inline_sites
                        .insert((site.file, format!("{}/{token}", site.in_file)));
                }
                let reference = serde_json::json!({"$ref": format!("{file_part}#{fragment}")});
                entries.insert(name, reference);
            }
            return Expansion::Map(entries, None);
        }
        let message = format!(
            "`$ref: {}` is a chain of more than {MAX_HOPS} references to maps",
            found.reference
        );
        self.map_unfollowable(site, message, None)
    }

    /// The file and pointer `reference` (written in file `file`) names, where `what` (for
    /// messages) is expected; or why it cannot be followed, and a hint.
    pub(super) fn locate_value(
        &mut self,
        file: usize,
        reference: &str,
        what: &str,
    ) -> Result<(usize, String), (String, Option<String>)> {
        let (target, fragment) = match files::parse_ref(reference) {
            RefTarget::Local(fragment) => (file, fragment),
            RefTarget::File { path, fragment } if !self.is_id(reference) => {
                let resolved = files::resolve_path(&self.files[file].key, &path);
                match self.load(&resolved) {
                    Ok(target) => (target, fragment),
                    Err(problem) => {
                        let message = format!(
                            "`$ref: {reference}` ({what}) points at `{}`, which {problem}",
                            resolved.display()
                        );
                        return Err((message, None));
                    }
                }
            }
            RefTarget::Remote => {
                let message = format!(
                    "`$ref: {reference}` ({what}) points at another server; the generator reads local files only, never the network"
                );
                let hint =
                    "download the document beside this one and refer to it by a relative path";
                return Err((message, Some(hint.to_string())));
            }
            _ => {
                let message = format!(
                    "`$ref: {reference}` ({what}) names neither a file nor a JSON pointer, so it cannot be followed"
                );
                return Err((message, None));
            }
        };
        self.pointer_in(target, &fragment)
            .map(|pointer| (target, pointer))
            .map_err(|(problem, closest)| {
                let path = self.files[target].source.path.display().to_string();
                let message =
                    format!("`$ref: {reference}` ({what}) points at nothing: `{path}` {problem}");
                let hint = closest.map(|c| format!("did you mean `{}#{c}`?", file_part(reference)));
                (message, hint)
            })
    }

    /// A reference from file `from` to file `to`: the path of `to` relative to the folder of
    /// `from` (files are keyed by normalized paths).
    fn reference_from(&self, from: usize, to: usize) -> String {
        let to_path = &self.files[to].key;
        let from_dir = self.files[from]
            .key
            .parent()
            .unwrap_or(std::path::Path::new(""));
        relative_path(from_dir, to_path)
    }

    /// A map reference that cannot be followed: an error, or in lenient mode a warning and an
    /// empty map.
    fn map_unfollowable(&mut self, site: &Site, message: String, hint: Option<&str>) -> Expansion {
        if self.report_unfollowable(site, message, hint, "the map is left empty") {
            Expansion::Map(Map::new(), None)
        } else {
            Expansion::Keep
        }
    }

    /// Reports a value given as a reference that cannot be followed, at its `$ref`: an error,
    /// or in lenient mode a warning that says what was `done` instead. True in lenient mode.
    pub(super) fn report_unfollowable(
        &mut self,
        site: &Site,
        message: String,
        hint: Option<&str>,
        done: &str,
    ) -> bool {
        let path = self.files[site.file].source.path.clone();
        let at = format!("{}/$ref", site.in_file);
        if !self.lenient {
            let mut d = Diagnostic::error(&path, at, message);
            if let Some(hint) = hint {
                d = d.with_hint(hint);
            }
            self.diagnostics.push(d);
            return false;
        }
        let message = format!("{message}; {done}");
        self.diagnostics
            .push(Diagnostic::warning(&path, at, message));
        true
    }
}

/// The reference of a node that is nothing but a reference.
pub(super) fn only_reference(node: &Value) -> Option<&str> {
    let map = node.as_object()?;
    (map.len() == 1).then(|| grammar::reference(node)).flatten()
}

/// The part of a reference before `#`.
pub(super) fn file_part(reference: &str) -> &str {
    reference.split('#').next().unwrap_or_default()
}

/// A fragment as a reference spells it: `%` is the one character [`files::parse_ref`] decodes.
fn encode(fragment: &str) -> String {
    fragment.replace('%', "%25")
}

/// `to` relative to the folder `from` (both normalized), with `/` separators.
fn relative_path(from: &std::path::Path, to: &std::path::Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().to_string()),
    );
    parts.join("/")
}

/// "schemas", "path items", "request bodies", … for messages.
fn plural(kind: Kind) -> String {
    match kind {
        Kind::RequestBody => "request bodies".to_string(),
        Kind::Items => "items".to_string(),
        Kind::Security => "security requirements".to_string(),
        other => format!("{}s", other.noun()),
    }
}

/// "a string", "a list", … for messages.
pub(super) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
