//! Multi-file documents: a root whose parts are `$ref`s to other files
//! (`./resources/users/models/user.yml`, `paths/users.yaml#/get`,
//! `../common.yaml#/components/schemas/Error`) becomes one document in the root's dialect.
//!
//! References are found by position ([`crate::grammar`]): what a reference must point at (a
//! schema, a parameter, a path item, …) follows from where it stands, and the file it names is
//! walked as that kind, so references inside it are found the same way. A `$ref` inside an
//! example or an extension is data and stays as written.
//!
//! - Each referenced part is placed once in the root's components (3.x:
//!   `components/<section>/<Name>`; Swagger 2.0: `definitions`, `parameters`, `responses`) and
//!   referenced by a local `$ref`. Kinds with no such section (path items, 2.0 headers) are
//!   copied in place.
//! - Names are readable and stable: the key the fragment names (`#/definitions/Pet` → `Pet`) or
//!   the file's stem (`error-response.yaml` → `error-response`); a clash takes the folder or file
//!   name, then a number ([`names`]). A root component that is only a reference to a part of
//!   another file (`User: {$ref: user.yaml}`) keeps its name and receives that part.
//! - References inside a file are relative to it; `#/…` points into that file's own tree, and a
//!   reference back into the root becomes a local one. Each file is read and parsed once;
//!   cycles end because a part is named before its references are followed.
//! - A map given as a reference (`components: {schemas: {$ref: ./schemas/_index.yaml}}`,
//!   `paths: {$ref: …}`, a schema's `properties: {$ref: …}`) and text given as a reference
//!   (`description: {$ref: 'texts.yml#/intro'}`) are outside the grammar but resolved by
//!   bundlers; they are followed too ([`maps`], [`texts`]).
//! - `http(s)://` references are an error (no network access); in lenient mode the schema
//!   becomes any JSON value, anything else is dropped, each with a warning. So are missing
//!   files, files that do not parse and fragments that point at nothing.
//! - [`Sources`] keeps every file's text and where each part of the bundled document came from,
//!   so every later diagnostic is shown at the file, line and column it was written.
//!
//! A document with no reference to another file is returned as it is.

mod files;
mod maps;
mod names;
mod resolve;
mod sources;
#[cfg(test)]
mod tests;
mod texts;

pub use sources::{SourceFile, Sources};

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::grammar::{self, Dialect, Kind};
use crate::load::{LoadOptions, SpecVersion};
use files::FileSource;

/// A document made whole.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The root with every part of other files placed in it, in the root's dialect.
    pub document: Value,
    pub sources: Sources,
    /// Degradations of lenient mode, located.
    pub warnings: Vec<Diagnostic>,
}

/// The grammar of a document of `version`.
pub fn dialect(version: SpecVersion) -> Dialect {
    match version {
        SpecVersion::V2 => Dialect::Swagger2,
        SpecVersion::V3_0 => Dialect::OpenApi30,
        SpecVersion::V3_1 => Dialect::OpenApi31,
        SpecVersion::V3_2 => Dialect::OpenApi32,
    }
}

/// Bundles the parsed root `document` (read from `file` as `text`) with the files it refers
/// to. Errors are located in the file they are about.
pub fn bundle(
    file: &Path,
    text: &str,
    document: Value,
    version: SpecVersion,
    options: LoadOptions,
) -> Result<Bundle, Diagnostics> {
    bundle_from(
        &files::Disk,
        file,
        text,
        document,
        dialect(version),
        options.lenient,
    )
}

pub(crate) fn bundle_from(
    reader: &dyn FileSource,
    file: &Path,
    text: &str,
    document: Value,
    dialect: Dialect,
    lenient: bool,
) -> Result<Bundle, Diagnostics> {
    let mut candidates = Vec::new();
    foreign_refs(&document, &mut Vec::new(), &mut candidates);
    let structural = |path: &Vec<grammar::Step>| kind_at(&document, dialect, path).is_some();
    if !candidates.iter().any(structural) && !has_map_or_text_reference(&document, dialect) {
        return Ok(Bundle {
            document,
            sources: Sources::single(file, text),
            warnings: Vec::new(),
        });
    }
    let mut bundler = Bundler::new(reader, file, text, document, dialect, lenient);
    let origins = bundler.run();
    bundler.finish(origins)
}

/// The paths of the nodes whose `$ref` is not a plain `#…` one, wherever they are: a cheap scan
/// before anything is walked (large documents often have such `$ref`s only in examples).
fn foreign_refs<'v>(node: &'v Value, path: &mut Vec<Token<'v>>, out: &mut Vec<Vec<grammar::Step>>) {
    match node {
        Value::Object(map) => {
            if matches!(map.get("$ref"), Some(Value::String(r)) if !r.starts_with('#')) {
                out.push(path.iter().map(Token::step).collect());
            }
            for (key, child) in map {
                if child.is_object() || child.is_array() {
                    path.push(Token::Key(key));
                    foreign_refs(child, path, out);
                    path.pop();
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    path.push(Token::Index(i));
                    foreign_refs(child, path, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// A step of [`foreign_refs`]' path, borrowed from the document.
enum Token<'v> {
    Key(&'v str),
    Index(usize),
}

impl Token<'_> {
    fn step(&self) -> grammar::Step {
        match self {
            Token::Key(key) => grammar::Step::Key((*key).to_string()),
            Token::Index(i) => grammar::Step::Index(*i),
        }
    }
}

/// Whether a map of the document (`paths`, a components section, a schema's `properties`, …)
/// or a text field is given as a reference, to this file or another.
fn has_map_or_text_reference(document: &Value, dialect: Dialect) -> bool {
    let mut found = false;
    grammar::walk_document(document, dialect, &mut |node, kind, _| {
        found = found
            || !grammar::map_references(node, kind, dialect).is_empty()
            || grammar::text_fields(kind)
                .iter()
                .any(|field| node.get(*field).and_then(maps::only_reference).is_some());
    });
    found
}

/// What the grammar says the node at `path` is, if it is a node the grammar reaches (not data
/// inside an example or an extension).
fn kind_at(doc: &Value, dialect: Dialect, path: &[grammar::Step]) -> Option<Kind> {
    let (mut node, mut kind, mut rest) = (doc, Kind::Document, path);
    while !rest.is_empty() {
        let next = grammar::children(node, kind, dialect)
            .into_iter()
            .find(|c| rest.starts_with(&c.steps))?;
        node = grammar::child(node, &next.steps)?;
        kind = next.kind;
        rest = &rest[next.steps.len()..];
    }
    Some(kind)
}

/// Where parts of other files came from, relative to the value they were put in:
/// (pointer in that value, file index, pointer in that file).
type Origins = Vec<(String, usize, String)>;

/// What becomes of one reference.
enum Outcome {
    Keep,
    /// The reference now points at this local pointer.
    Rewrite(String),
    /// The node becomes this value (its sibling keys kept), copied from elsewhere.
    Inline(Value, Origins),
    /// The node becomes this value (a degraded schema).
    Replace(Value),
    /// The node is removed from its parent (a degraded parameter, response, …).
    Drop,
}

struct LoadedFile {
    /// The normalized path: the file's identity and the base of its relative references.
    key: PathBuf,
    source: SourceFile,
    value: Value,
}

/// A part of another file that gets a place in the root's components.
struct Target {
    file: usize,
    pointer: String,
    kind: Kind,
    section: &'static str,
    name: String,
    queued: bool,
    content: Option<(Value, Origins)>,
}

struct Bundler<'r> {
    reader: &'r dyn FileSource,
    dialect: Dialect,
    lenient: bool,
    files: Vec<LoadedFile>,
    /// Normalized path → file index, or why the file cannot be used (said once per reference).
    by_path: HashMap<PathBuf, Result<usize, String>>,
    /// `$id`s and `$anchor`s of a 3.1 root: references to them are not files.
    ids: HashSet<String>,
    names: names::Names,
    targets: Vec<Target>,
    by_target: HashMap<(usize, String, Kind), usize>,
    queue: VecDeque<usize>,
    /// Parts being copied in place, to stop a cycle of them.
    inlining: Vec<(usize, String)>,
    /// References (file, site) made for the entries of a map given as a reference, outside the
    /// root's components: their parts are copied in place, as the map would have been.
    inline_sites: HashSet<(usize, String)>,
    /// References into the root from other files: (file, site, reference, pointer), checked
    /// once the root is complete.
    root_checks: Vec<(usize, String, String, String)>,
    diagnostics: Vec<Diagnostic>,
}

impl<'r> Bundler<'r> {
    fn new(
        reader: &'r dyn FileSource,
        file: &Path,
        text: &str,
        document: Value,
        dialect: Dialect,
        lenient: bool,
    ) -> Self {
        let key = files::normalize(file);
        let ids = if dialect >= Dialect::OpenApi31 {
            resolve::collect_ids(&document)
        } else {
            HashSet::new()
        };
        let mut by_path = HashMap::new();
        by_path.insert(key.clone(), Ok(0));
        Self {
            reader,
            dialect,
            lenient,
            files: vec![LoadedFile {
                key,
                source: SourceFile {
                    path: file.to_path_buf(),
                    text: text.to_string(),
                },
                value: document,
            }],
            by_path,
            ids,
            names: names::Names::default(),
            targets: Vec::new(),
            by_target: HashMap::new(),
            queue: VecDeque::new(),
            inlining: Vec::new(),
            inline_sites: HashSet::new(),
            root_checks: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Follows every reference, from the root down, then each part placed in the components.
    fn run(&mut self) -> Origins {
        // The root as written stays readable while it is rewritten: a map reference into the
        // root itself is copied from it.
        let mut root = self.files[0].value.clone();
        let mut origins = self.expand_maps(&mut root, 0, "", Kind::Document);
        self.adopt_root_components(&root);
        self.rewrite_references(&mut root, 0, "", Kind::Document, &mut origins);
        self.files[0].value = root;
        while let Some(t) = self.queue.pop_front() {
            let target = &self.targets[t];
            let (file, pointer, kind) = (target.file, target.pointer.clone(), target.kind);
            self.targets[t].content = self.content(file, &pointer, kind);
        }
        self.check_root_pointers();
        origins
    }

    /// The bundled document, its sources and the diagnostics, located.
    fn finish(mut self, root_origins: Origins) -> Result<Bundle, Diagnostics> {
        let mut document = std::mem::take(&mut self.files[0].value);
        let mut origins = BTreeMap::new();
        for (pointer, file, original) in root_origins {
            origins.insert(pointer, (file, original));
        }
        for target in std::mem::take(&mut self.targets) {
            let Some((value, inner)) = target.content else {
                continue;
            };
            let at = format!("{}/{}", target.section, escape_pointer_token(&target.name));
            if !self.place(&mut document, target.section, &target.name, value) {
                continue;
            }
            for (pointer, file, original) in inner {
                origins.insert(format!("{at}{pointer}"), (file, original));
            }
        }
        let files = self.files.into_iter().map(|f| f.source).collect();
        let sources = Sources::new(files, origins);
        let mut diagnostics = self.diagnostics;
        sources.locate(&mut diagnostics);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Diagnostics(diagnostics));
        }
        Ok(Bundle {
            document,
            sources,
            warnings: diagnostics,
        })
    }

    /// Puts `value` at `section/name` of the document, making the section if it is missing.
    fn place(&mut self, document: &mut Value, section: &str, name: &str, value: Value) -> bool {
        let mut node = document;
        for token in files::pointer_tokens(section) {
            let Value::Object(map) = node else {
                break;
            };
            node = map.entry(token).or_insert_with(|| json!({}));
        }
        match node {
            Value::Object(map) => {
                map.insert(name.to_string(), value);
                true
            }
            _ => {
                let root = self.files[0].source.path.clone();
                self.diagnostics.push(Diagnostic::error(
                    &root,
                    section,
                    format!(
                        "`{}` must be an object to hold the parts of other files",
                        section.trim_start_matches('/')
                    ),
                ));
                false
            }
        }
    }
}
