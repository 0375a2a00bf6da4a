//! Normalizing: `openapiv3` document → our IR.
//!
//! This is the only stage that knows OpenAPI. It resolves `$ref`s, names every inline schema,
//! decides every Rust name (through `names`), classifies media types and reports problems as
//! diagnostics with JSON pointers instead of failing on the first one.

mod cycles;
mod enums;
mod envelope;
mod facts;
mod flatten;
pub(crate) mod media;
pub(crate) mod names;
mod objects;
mod operations;
mod pagination;
mod parameters;
mod refs;
mod renames;
mod requests;
mod responses;
mod schemas;
pub(crate) mod security;
mod servers;
mod unions;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use crate::config::Renames;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Api, TypeDef};
use crate::load::Document;
use names::Namespace;

/// The IR of one document plus the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub api: Api,
    pub warnings: Vec<Diagnostic>,
}

/// Names the generated module code uses for itself, which schema names must avoid.
const RESERVED_TYPE_NAMES: &[&str] = &["Client", "ClientBuilder", "SERVERS", "OPERATION_SERVERS"];

/// Prelude names the generated code writes unqualified (`Option<String>` rather than
/// `::std::option::Option<::std::string::String>`, for its readers): no generated type may take
/// them, in any module.
pub(crate) const PRELUDE_NAMES: &[&str] = &[
    "Box", "Default", "Err", "Fn", "From", "Future", "Into", "None", "Ok", "Option", "Result",
    "Send", "Some", "String", "Sync", "ToString", "Vec",
];

/// Spec prose as the IR keeps it: trimmed, and `None` rather than empty.
fn prose(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Normalizes a loaded document into the API module `module` with the derived names.
#[cfg(test)]
pub(crate) fn normalize(doc: &Document, module: &str) -> Result<Normalized, Diagnostics> {
    normalize_api(doc, module, &Renames::default())
}

/// Normalizes a loaded document into the API module `module`, with the names `renames` and the
/// document's `x-rust-name`s choose.
pub(crate) fn normalize_api(
    doc: &Document,
    module: &str,
    renames: &Renames,
) -> Result<Normalized, Diagnostics> {
    let mut cx = Context::new(doc, renames);
    let servers = cx.servers();
    let security_schemes = cx.security_schemes();
    cx.declare_component_schemas();
    cx.unused_type_renames();
    cx.define_component_schemas();
    let operations = cx.operations(&security_schemes, &servers);
    flatten::drop_self_flattening(&mut cx.types);
    for origin in flatten::settle_flattened_unions(&mut cx.types) {
        cx.warn(
            origin.trim_start_matches('#'),
            "a union beside properties its variants repeat is not flattened; its properties are kept in `additional_properties`",
        );
    }
    cycles::box_recursive_fields(&mut cx.types);
    for (origin, cycle) in cycles::alias_cycles(&cx.types) {
        let lenient = cx.problem(
            origin.trim_start_matches('#'),
            format!("schemas that only refer to each other form a cycle with no content: {cycle}"),
            "the first of them is any JSON value",
        );
        if lenient {
            cycles::break_alias_cycle(&mut cx.types, &origin);
        }
    }
    cx.mark_envelopes();
    unions::order_untagged_variants(&mut cx.types);
    requests::mark_tri_state_fields(&mut cx.types, &operations);

    let info = &doc.openapi.info;
    let api = Api {
        module: module.to_string(),
        title: info.title.clone(),
        version: info.version.clone(),
        description: prose(&info.description),
        servers,
        security_schemes,
        operations,
        types: cx.types,
        features: None,
    };
    let (errors, warnings): (Vec<_>, Vec<_>) =
        cx.diagnostics.into_iter().partition(Diagnostic::is_error);
    if errors.is_empty() {
        Ok(Normalized { api, warnings })
    } else {
        Err(Diagnostics(errors.into_iter().chain(warnings).collect()))
    }
}

/// State shared by the normalizing passes over one document.
struct Context<'a> {
    doc: &'a Document,
    /// Names chosen in the configuration, and which of them were used.
    renames: &'a Renames,
    used: renames::Used,
    file: PathBuf,
    diagnostics: Vec<Diagnostic>,
    /// What `diagnostics` says, by severity, pointer and message: a schema lowered along
    /// several paths (a union's members, tried as a flattened part and then on their own) says
    /// each thing once.
    said: HashSet<(bool, String, String)>,
    /// Type namespace of the API module.
    type_names: Namespace,
    /// `components.schemas` key → final Rust type name.
    component_types: BTreeMap<String, String>,
    /// The component schemas whose type name was chosen by hand, and by whom.
    chosen_types: Vec<(String, renames::Chosen<'a>)>,
    types: Vec<TypeDef>,
}

impl<'a> Context<'a> {
    fn new(doc: &'a Document, renames: &'a Renames) -> Self {
        Self {
            doc,
            renames,
            used: renames::Used::new(renames),
            file: doc.file.clone(),
            diagnostics: doc.errors.iter().chain(&doc.warnings).cloned().collect(),
            said: HashSet::new(),
            type_names: Namespace::with_reserved(RESERVED_TYPE_NAMES).reserve(PRELUDE_NAMES),
            component_types: BTreeMap::new(),
            chosen_types: Vec::new(),
            types: Vec::new(),
        }
    }

    fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        let d = Diagnostic::error(&self.file, pointer, message);
        self.say(d);
    }

    fn say(&mut self, d: Diagnostic) {
        if self
            .said
            .insert((d.is_error(), d.pointer.clone(), d.message.clone()))
        {
            self.diagnostics.push(d);
        }
    }

    /// A problem with a local fallback: an error in strict mode; in lenient mode a warning
    /// that says what was generated instead. Returns whether the caller should fall back.
    fn problem(
        &mut self,
        pointer: impl Into<String>,
        message: impl Into<String>,
        fallback: &str,
    ) -> bool {
        let message = message.into();
        if self.doc.lenient {
            self.warn(pointer, format!("{message}; {fallback}"));
        } else {
            self.error(pointer, message);
        }
        self.doc.lenient
    }

    fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        let d = Diagnostic::warning(&self.file, pointer, message);
        self.say(d);
    }
}
