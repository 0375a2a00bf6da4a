//! Following references: from a `$ref` string, at a place of a file, to what it becomes in the
//! bundled document.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::files::{self, RefTarget};
use super::maps::only_reference;
use super::{Bundler, LoadedFile, Origins, Outcome, SourceFile, Target};
use crate::diagnostics::{Diagnostic, escape_pointer_token};
use crate::grammar::{self, Dialect, Kind};

/// How far [`Bundler::alias_chain`] follows parts that are only references.
const MAX_ALIAS_CHAIN: usize = 16;

/// The pointer of the section where parts of `kind` are placed, if the dialect has one. Path
/// items are always copied in place (3.0 has no section for them, and 3.1 readers expect them
/// under `paths`).
pub(super) fn section(kind: Kind, dialect: Dialect) -> Option<&'static str> {
    if dialect == Dialect::Swagger2 {
        return match kind {
            Kind::Schema => Some("/definitions"),
            Kind::Parameter => Some("/parameters"),
            Kind::Response => Some("/responses"),
            _ => None,
        };
    }
    Some(match kind {
        Kind::Schema => "/components/schemas",
        Kind::Parameter => "/components/parameters",
        Kind::RequestBody => "/components/requestBodies",
        Kind::Response => "/components/responses",
        Kind::Header => "/components/headers",
        Kind::SecurityScheme => "/components/securitySchemes",
        Kind::Callback => "/components/callbacks",
        Kind::Link => "/components/links",
        Kind::Example => "/components/examples",
        _ => return None,
    })
}

/// Every section a dialect places parts in.
pub(super) fn sections(dialect: Dialect) -> Vec<&'static str> {
    [
        Kind::Schema,
        Kind::Parameter,
        Kind::RequestBody,
        Kind::Response,
        Kind::Header,
        Kind::SecurityScheme,
        Kind::Callback,
        Kind::Link,
        Kind::Example,
    ]
    .into_iter()
    .filter_map(|kind| section(kind, dialect))
    .collect()
}

impl Bundler<'_> {
    /// Reserves the names the root's components use, and lets a root component that is only a
    /// reference to a part of another file (`User: {$ref: user.yaml}`) give that part its name.
    pub(super) fn adopt_root_components(&mut self, root: &Value) {
        let mut aliases = Vec::new();
        for section in sections(self.dialect) {
            let Some(Value::Object(entries)) = root.pointer(section) else {
                continue;
            };
            for (name, entry) in entries {
                self.names.reserve(section, name);
                let only_ref = entry.as_object().is_some_and(|m| m.len() == 1);
                if let (true, Some(reference)) = (only_ref, grammar::reference(entry)) {
                    aliases.push((section, name.clone(), reference.to_string()));
                }
            }
        }
        for (section, name, reference) in aliases {
            let Some(kind) = kind_of_section(section, self.dialect) else {
                continue;
            };
            let chain = self.alias_chain(&reference);
            let Some((file, pointer)) = chain.last().cloned() else {
                continue;
            };
            let taken = chain
                .iter()
                .any(|(f, p)| self.by_target.contains_key(&(*f, p.clone(), kind)));
            if file == 0 || taken {
                continue;
            }
            for (f, p) in chain {
                self.by_target.insert((f, p, kind), self.targets.len());
            }
            self.targets.push(Target {
                file,
                pointer,
                kind,
                section,
                name,
                queued: false,
                content: None,
            });
        }
    }

    /// The parts a root component that is only a reference leads to, in order: a part that is
    /// itself only a reference (an index file listing `User: {$ref: ./User.yaml}`) leads on, so
    /// the component's name goes to the part that holds the content. The chain ends at the root,
    /// at a part that is more than a reference, or where it cannot be followed.
    fn alias_chain(&mut self, reference: &str) -> Vec<(usize, String)> {
        let mut chain: Vec<(usize, String)> = Vec::new();
        let (mut from, mut reference) = (0, reference.to_string());
        while chain.len() < MAX_ALIAS_CHAIN {
            if from == 0 && self.is_id(&reference) {
                break;
            }
            let (file, fragment) = match files::parse_ref(&reference) {
                RefTarget::File { path, fragment } => {
                    let resolved = files::resolve_path(&self.files[from].key, &path);
                    match self.load(&resolved) {
                        Ok(file) => (file, fragment),
                        Err(_) => break,
                    }
                }
                RefTarget::Local(fragment) if from != 0 => (from, fragment),
                _ => break,
            };
            let step = (file, fragment);
            if !is_pointer(&step.1) || chain.contains(&step) {
                break;
            }
            let next = self.files[step.0]
                .value
                .pointer(&step.1)
                .and_then(only_reference)
                .map(str::to_string);
            chain.push(step);
            match next {
                Some(next) if file != 0 => (from, reference) = (file, next),
                _ => break,
            }
        }
        chain
    }

    /// Rewrites every reference in `value` (a `kind` at `base` of file `file`), maps given as a
    /// reference first, and returns where the parts copied into it came from.
    pub(super) fn rewrite(
        &mut self,
        value: &mut Value,
        file: usize,
        base: &str,
        kind: Kind,
    ) -> Origins {
        let mut origins = self.expand_maps(value, file, base, kind);
        self.rewrite_references(value, file, base, kind, &mut origins);
        origins
    }

    /// [`Self::rewrite`] once the maps are expanded; adds to `origins`.
    pub(super) fn rewrite_references(
        &mut self,
        value: &mut Value,
        file: usize,
        base: &str,
        kind: Kind,
        origins: &mut Origins,
    ) {
        let mut found = Vec::new();
        let mut mappings = Vec::new();
        grammar::walk(value, kind, self.dialect, "", &mut |node, kind, pointer| {
            if let Some(r) = grammar::reference(node) {
                found.push((pointer.to_string(), kind, r.to_string()));
            }
            if kind == Kind::Schema {
                mappings.extend(discriminator_mapping(node, pointer));
            }
        });
        self.rewrite_mappings(value, file, base, mappings);
        let outcomes: Vec<(String, Outcome)> = found
            .into_iter()
            .map(|(pointer, kind, reference)| {
                let site = format!("{base}{pointer}");
                let outcome = self.resolve(file, &site, &reference, kind);
                (pointer, outcome)
            })
            .collect();
        let mut drops = Vec::new();
        // Deepest last in walk order, so a node is changed before the one that holds it.
        for (pointer, outcome) in outcomes.into_iter().rev() {
            let Some(node) = value.pointer_mut(&pointer) else {
                continue;
            };
            match outcome {
                Outcome::Keep => {}
                Outcome::Rewrite(reference) => {
                    if let Some(map) = node.as_object_mut() {
                        map.insert("$ref".into(), Value::String(reference));
                    }
                }
                Outcome::Replace(new) => *node = new,
                Outcome::Inline(mut content, inner) => {
                    if let (Some(siblings), Some(map)) = (node.as_object(), content.as_object_mut())
                    {
                        for (key, sibling) in siblings.iter().filter(|(k, _)| *k != "$ref") {
                            if !map.contains_key(key) {
                                let at = format!("{pointer}/{}", escape_pointer_token(key));
                                origins.push((at.clone(), file, format!("{base}{at}")));
                                map.insert(key.clone(), sibling.clone());
                            }
                        }
                    }
                    *node = content;
                    origins.extend(
                        inner
                            .into_iter()
                            .map(|(p, f, original)| (format!("{pointer}{p}"), f, original)),
                    );
                }
                Outcome::Drop => drops.push(pointer),
            }
        }
        apply_drops(value, file, base, drops, origins);
    }

    /// Rewrites the values of discriminator mappings, `(pointer, value)` in `value` (at `base` of
    /// file `file`): each is a reference to a schema, relative to the file it is written in like
    /// any `$ref`, or a schema's name, which in another file names a schema of that file.
    fn rewrite_mappings(
        &mut self,
        value: &mut Value,
        file: usize,
        base: &str,
        mappings: Vec<(String, String)>,
    ) {
        for (pointer, target) in mappings {
            let own_schema = format!("/components/schemas/{}", escape_pointer_token(&target));
            let reference = if target.contains(['#', '/', '.']) {
                target
            } else if file != 0 && self.files[file].value.pointer(&own_schema).is_some() {
                format!("#{own_schema}")
            } else {
                continue;
            };
            if file == 0 && reference.starts_with('#') {
                continue;
            }
            let site = format!("{base}{pointer}");
            let before = self.diagnostics.len();
            let outcome = self.resolve(file, &site, &reference, Kind::Schema);
            // A mapping that leads nowhere is reported where the discriminator is read, once.
            let unfollowed = format!("{site}/$ref");
            let mut index = 0;
            self.diagnostics.retain(|d| {
                index += 1;
                index <= before || d.pointer != unfollowed
            });
            if let (Outcome::Rewrite(local), Some(node)) = (outcome, value.pointer_mut(&pointer)) {
                *node = Value::String(local);
            }
        }
    }

    /// A copy of the part at `pointer` of file `file`, its references rewritten, and where its
    /// pieces came from (itself first).
    pub(super) fn content(
        &mut self,
        file: usize,
        pointer: &str,
        kind: Kind,
    ) -> Option<(Value, Origins)> {
        let mut value = self.files[file].value.pointer(pointer)?.clone();
        let mut origins = vec![(String::new(), file, pointer.to_string())];
        origins.extend(self.rewrite(&mut value, file, pointer, kind));
        Some((value, origins))
    }

    /// What the reference `reference`, at `site` of file `file`, where a `kind` is expected,
    /// becomes.
    fn resolve(&mut self, file: usize, site: &str, reference: &str, kind: Kind) -> Outcome {
        let target = files::parse_ref(reference);
        // A 3.1 `$id` may look like a URL or a path; it is neither.
        if self.is_id(reference) && !matches!(target, RefTarget::Local(_)) {
            return Outcome::Keep;
        }
        match target {
            RefTarget::Local(_) if file == 0 => Outcome::Keep,
            RefTarget::Local(fragment) => self.target(file, site, reference, file, fragment, kind),
            RefTarget::Remote => self.unfollowable(
                file,
                site,
                kind,
                format!("`$ref: {reference}` points at another server; the generator reads local files only, never the network"),
                Some("download the document beside this one and refer to it by a relative path"),
            ),
            // Left to the 3.1 conversion (which notes it) or to normalizing (which refuses it).
            RefTarget::OtherScheme => Outcome::Keep,
            RefTarget::File { path, fragment } => {
                let resolved = files::resolve_path(&self.files[file].key, &path);
                match self.load(&resolved) {
                    Ok(target) => self.target(file, site, reference, target, fragment, kind),
                    Err(problem) => self.unfollowable(
                        file,
                        site,
                        kind,
                        format!(
                            "`$ref: {reference}` points at `{}`, which {problem}",
                            resolved.display()
                        ),
                        None,
                    ),
                }
            }
        }
    }

    /// The outcome of a reference to `fragment` of file `target`.
    fn target(
        &mut self,
        file: usize,
        site: &str,
        reference: &str,
        target: usize,
        fragment: String,
        kind: Kind,
    ) -> Outcome {
        if target == 0 {
            if is_pointer(&fragment) {
                self.root_checks.push((
                    file,
                    site.to_string(),
                    reference.to_string(),
                    fragment.clone(),
                ));
            }
            return Outcome::Rewrite(format!("#{fragment}"));
        }
        let pointer = match self.pointer_in(target, &fragment) {
            Ok(pointer) => pointer,
            Err((problem, closest)) => {
                let path = self.files[target].source.path.display().to_string();
                let message = format!("`$ref: {reference}` points at nothing: `{path}` {problem}");
                let file_part = reference.split('#').next().unwrap_or_default();
                let mut hint = closest.map(|c| format!("did you mean `{file_part}#{c}`?"));
                // A file's own `#/definitions/x` that only the root has: tools that paste the
                // file into the root document before reading it resolve it there (flagr's
                // split Swagger document).
                let root_has_it = target == file
                    && is_pointer(&fragment)
                    && self.files[0].value.pointer(&fragment).is_some();
                if root_has_it {
                    let root = self.files[0].source.path.display().to_string();
                    if self.lenient {
                        self.diagnostics.push(Diagnostic::warning(
                            &self.files[file].source.path,
                            format!("{site}/$ref"),
                            format!("{message}; it is read in the root document `{root}`, which has it, as tools that paste this file into the root do"),
                        ));
                        return self.target(file, site, reference, 0, fragment, kind);
                    }
                    hint = Some(format!(
                        "the root document `{root}` has `{fragment}`: refer to it by its path from this file"
                    ));
                }
                return self.unfollowable(file, site, kind, message, hint.as_deref());
            }
        };
        let in_place = self.inline_sites.contains(&(file, site.to_string()));
        let Some(section) = section(kind, self.dialect).filter(|_| !in_place) else {
            return self.inline(file, site, reference, target, pointer, kind);
        };
        let key = (target, pointer.clone(), kind);
        let index = match self.by_target.get(&key) {
            Some(&index) => index,
            None => {
                let name = self
                    .names
                    .assign(section, &self.files[target].key, &pointer);
                self.by_target.insert(key, self.targets.len());
                self.targets.push(Target {
                    file: target,
                    pointer,
                    kind,
                    section,
                    name,
                    queued: false,
                    content: None,
                });
                self.targets.len() - 1
            }
        };
        let placed = &mut self.targets[index];
        if !placed.queued {
            placed.queued = true;
            self.queue.push_back(index);
        }
        Outcome::Rewrite(format!(
            "#{section}/{}",
            escape_pointer_token(&self.targets[index].name)
        ))
    }

    /// A part copied in place, unless it is already being copied (a cycle).
    fn inline(
        &mut self,
        file: usize,
        site: &str,
        reference: &str,
        target: usize,
        pointer: String,
        kind: Kind,
    ) -> Outcome {
        let key = (target, pointer);
        if self.inlining.contains(&key) {
            let message = format!(
                "`$ref: {reference}` leads back to itself; a {} is copied in place, so its references cannot form a cycle",
                kind.noun()
            );
            return self.unfollowable(file, site, kind, message, None);
        }
        self.inlining.push(key.clone());
        let content = self.content(target, &key.1, kind);
        self.inlining.pop();
        match content {
            Some((value, origins)) => Outcome::Inline(value, origins),
            None => Outcome::Keep,
        }
    }

    /// A reference that cannot be followed: an error, or in lenient mode a warning and a local
    /// degradation (a schema becomes any JSON value; anything else is dropped).
    fn unfollowable(
        &mut self,
        file: usize,
        site: &str,
        kind: Kind,
        message: String,
        hint: Option<&str>,
    ) -> Outcome {
        let path = self.files[file].source.path.clone();
        let at = format!("{site}/$ref");
        if !self.lenient {
            let mut d = Diagnostic::error(&path, at, message);
            if let Some(hint) = hint {
                d = d.with_hint(hint);
            }
            self.diagnostics.push(d);
            return Outcome::Keep;
        }
        let (outcome, what) = match kind {
            Kind::Schema | Kind::Items => (
                Outcome::Replace(json!({})),
                "the schema is treated as any JSON value".to_string(),
            ),
            other => (Outcome::Drop, format!("the {} was dropped", other.noun())),
        };
        self.diagnostics
            .push(Diagnostic::warning(&path, at, format!("{message}; {what}")));
        outcome
    }

    /// The pointer a fragment names in file `file`: a JSON pointer, or a 3.1 `$anchor`.
    pub(super) fn pointer_in(
        &self,
        file: usize,
        fragment: &str,
    ) -> Result<String, (String, Option<String>)> {
        let value = &self.files[file].value;
        if is_pointer(fragment) {
            if value.pointer(fragment).is_some() {
                return Ok(fragment.to_string());
            }
            return Err((format!("has no `{fragment}`"), closest(value, fragment)));
        }
        find_anchor(value, fragment, String::new())
            .ok_or_else(|| (format!("has no `$anchor: {fragment}`"), None))
    }

    /// The index of the file at `path`, read and parsed the first time it is asked for.
    pub(super) fn load(&mut self, path: &std::path::Path) -> Result<usize, String> {
        if let Some(found) = self.by_path.get(path) {
            return found.clone();
        }
        let loaded = self.read(path);
        self.by_path.insert(path.to_path_buf(), loaded.clone());
        loaded
    }

    /// The text of the file at `path`, or why it cannot be had.
    pub(super) fn read_text(&self, path: &std::path::Path) -> Result<String, String> {
        self.reader.read(path).map_err(|err| {
            if err.kind() == std::io::ErrorKind::NotFound {
                "does not exist".to_string()
            } else {
                format!("cannot be read: {err}")
            }
        })
    }

    /// Adds a file read as `text` whose tree is `value`; returns its index.
    pub(super) fn add_file(&mut self, path: &std::path::Path, text: String, value: Value) -> usize {
        self.files.push(LoadedFile {
            key: path.to_path_buf(),
            source: SourceFile {
                path: path.to_path_buf(),
                text,
            },
            value,
        });
        self.files.len() - 1
    }

    fn read(&mut self, path: &std::path::Path) -> Result<usize, String> {
        let text = self.read_text(path)?;
        let (value, repeated) = crate::load::parse_tree_reporting(path, &text).map_err(|d| {
            let first = d.0.first();
            let place = first
                .and_then(|d| d.position)
                .map(|p| format!("{}:{}:{}", path.display(), p.line, p.column))
                .unwrap_or_else(|| path.display().to_string());
            let message = first.map(|d| d.message.clone()).unwrap_or_default();
            format!("cannot be parsed ({place}): {message}")
        })?;
        for pointer in repeated {
            let d = crate::load::repeated_key(path, pointer, self.lenient);
            self.diagnostics.push(d);
        }
        Ok(self.add_file(path, text, value))
    }

    /// Whether a reference names a 3.1 `$id` (or an anchor under one) of the root, not a file.
    pub(super) fn is_id(&self, reference: &str) -> bool {
        let base = reference.split('#').next().unwrap_or(reference);
        self.ids.contains(reference) || self.ids.contains(base)
    }

    /// Reports references from other files into the root that point at nothing, now that the
    /// root is complete.
    pub(super) fn check_root_pointers(&mut self) {
        for (file, site, reference, pointer) in std::mem::take(&mut self.root_checks) {
            if self.lenient || self.files[0].value.pointer(&pointer).is_some() {
                continue;
            }
            let root = self.files[0].source.path.display().to_string();
            let path = self.files[file].source.path.clone();
            let mut d = Diagnostic::error(
                &path,
                format!("{site}/$ref"),
                format!("`$ref: {reference}` points at nothing: `{root}` has no `{pointer}`"),
            );
            if let Some(c) = closest(&self.files[0].value, &pointer) {
                let file_part = reference.split('#').next().unwrap_or_default();
                d = d.with_hint(format!("did you mean `{file_part}#{c}`?"));
            }
            self.diagnostics.push(d);
        }
    }
}

/// The kind of the parts a section holds.
fn kind_of_section(section: &str, dialect: Dialect) -> Option<Kind> {
    [
        Kind::Schema,
        Kind::Parameter,
        Kind::RequestBody,
        Kind::Response,
        Kind::Header,
        Kind::SecurityScheme,
        Kind::Callback,
        Kind::Link,
        Kind::Example,
    ]
    .into_iter()
    .find(|kind| self::section(*kind, dialect) == Some(section))
}

/// An empty fragment (the whole file) or a JSON pointer; anything else is an anchor name.
fn is_pointer(fragment: &str) -> bool {
    fragment.is_empty() || fragment.starts_with('/')
}

/// The pointer most like `pointer` that exists in `value`: its existing part, then the key
/// closest to the first missing token.
fn closest(value: &Value, pointer: &str) -> Option<String> {
    let mut node = value;
    let mut found = String::new();
    for token in files::pointer_tokens(pointer) {
        let next = match node {
            Value::Object(map) => map.get(&token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        let Some(next) = next else {
            let key = node
                .as_object()?
                .keys()
                .map(|k| (strsim::jaro_winkler(k, &token), k))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))?
                .1;
            return Some(format!("{found}/{}", escape_pointer_token(key)));
        };
        node = next;
        found.push('/');
        found.push_str(&escape_pointer_token(&token));
    }
    None
}

/// The pointer of the node with `$anchor: name`.
fn find_anchor(node: &Value, name: &str, pointer: String) -> Option<String> {
    match node {
        Value::Object(map) => {
            if map.get("$anchor").and_then(Value::as_str) == Some(name) {
                return Some(pointer);
            }
            map.iter().find_map(|(k, v)| {
                find_anchor(v, name, format!("{pointer}/{}", escape_pointer_token(k)))
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_anchor(v, name, format!("{pointer}/{i}"))),
        _ => None,
    }
}

/// Removes dropped nodes from their maps and lists; the items after a removed one move up, and
/// their origins (in file `file` at `base`) move with them.
fn apply_drops(
    value: &mut Value,
    file: usize,
    base: &str,
    drops: Vec<String>,
    origins: &mut Origins,
) {
    let mut by_parent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pointer in drops {
        if let Some(cut) = pointer.rfind('/') {
            by_parent
                .entry(pointer[..cut].to_string())
                .or_default()
                .push(crate::diagnostics::unescape_pointer_token(
                    &pointer[cut + 1..],
                ));
        }
    }
    for (parent, tokens) in by_parent {
        match value.pointer_mut(&parent) {
            Some(Value::Object(map)) => {
                for token in tokens {
                    map.shift_remove(&token);
                }
            }
            Some(Value::Array(items)) => {
                let removed: BTreeSet<usize> =
                    tokens.iter().filter_map(|t| t.parse().ok()).collect();
                let mut index = 0;
                items.retain(|_| {
                    index += 1;
                    !removed.contains(&(index - 1))
                });
                let kept = (0..index).filter(|i| !removed.contains(i));
                for (new, old) in kept.enumerate().filter(|(new, old)| new != old) {
                    let (old, new) = (format!("{parent}/{old}"), format!("{parent}/{new}"));
                    for origin in origins.iter_mut() {
                        let moved = origin.0 == old || origin.0.starts_with(&format!("{old}/"));
                        if moved {
                            origin.0 = format!("{new}{}", &origin.0[old.len()..]);
                        }
                    }
                    origins.push((new, file, format!("{base}{old}")));
                }
            }
            _ => {}
        }
    }
}

/// `$id`s of a 3.1 document and `$anchor`s (as `id#anchor`) anywhere in it.
pub(super) fn collect_ids(node: &Value) -> std::collections::HashSet<String> {
    fn visit(node: &Value, base: &str, out: &mut std::collections::HashSet<String>) {
        match node {
            Value::Object(map) => {
                let mut base = base.to_string();
                if let Some(Value::String(id)) = map.get("$id") {
                    out.insert(id.clone());
                    base = id.clone();
                }
                if let Some(Value::String(anchor)) = map.get("$anchor") {
                    out.insert(format!("{base}#{anchor}"));
                }
                map.values().for_each(|v| visit(v, &base, out));
            }
            Value::Array(items) => items.iter().for_each(|v| visit(v, base, out)),
            _ => {}
        }
    }
    let mut out = std::collections::HashSet::new();
    visit(node, "", &mut out);
    out
}

/// The entries of a schema's discriminator mapping, as `(pointer of the value, value)`.
fn discriminator_mapping(schema: &Value, pointer: &str) -> Vec<(String, String)> {
    let Some(Value::Object(mapping)) = schema.pointer("/discriminator/mapping") else {
        return Vec::new();
    };
    mapping
        .iter()
        .filter_map(|(tag, target)| {
            let at = format!(
                "{pointer}/discriminator/mapping/{}",
                escape_pointer_token(tag)
            );
            Some((at, target.as_str()?.to_string()))
        })
        .collect()
}
