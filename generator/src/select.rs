//! Filtering (`--only`): generating some operations of a document and the types they reach.
//!
//! A selection is a union of selectors: `tag:NAME` (the operations with that tag), `op:NAME`
//! (one operation, by `operationId` or by its generated method name) and `path:GLOB` (the
//! operations whose path template matches the glob). It is applied to the IR after
//! normalization, so every name is the one the whole document would give: a filtered client
//! is the full client with items left out, never one with other names.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use crate::config::Origin;
use crate::diagnostics::Diagnostic;
use crate::ir::{Api, Operation, PaginationKind, TypeDef, TypeKind, TypeRef};

/// One `--only` selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    pub kind: SelectorKind,
    /// Where it is written, when it comes from a configuration file; `None` on the command line.
    pub origin: Option<Origin>,
}

/// What a selector picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorKind {
    /// The operations with this tag, as the document spells it.
    Tag(String),
    /// The operation with this `operationId` or generated method name.
    Operation(String),
    /// The operations whose path template matches this glob (`*` also matches `/`).
    Path(String),
}

impl fmt::Display for SelectorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectorKind::Tag(name) => write!(f, "tag:{name}"),
            SelectorKind::Operation(name) => write!(f, "op:{name}"),
            SelectorKind::Path(glob) => write!(f, "path:{glob}"),
        }
    }
}

impl Selector {
    /// Reads `tag:NAME`, `op:NAME` or `path:GLOB`; the error says what is wrong with `text`.
    pub fn parse(text: &str, origin: Option<Origin>) -> Result<Selector, String> {
        let (prefix, value) = text.split_once(':').unwrap_or(("", text));
        if value.is_empty() && !prefix.is_empty() {
            return Err(format!(
                "`{text}` selects nothing: give a name after `{prefix}:`"
            ));
        }
        let kind = match prefix {
            "tag" => SelectorKind::Tag(value.to_string()),
            "op" => SelectorKind::Operation(value.to_string()),
            "path" => {
                path_matcher(value)?;
                SelectorKind::Path(value.to_string())
            }
            _ => {
                return Err(format!(
                    "`{text}` is not a selector: write `tag:NAME`, `op:NAME` (an operationId or \
                     method name) or `path:GLOB`"
                ));
            }
        };
        Ok(Selector { kind, origin })
    }

    /// An error about this selector: at its place in the configuration, or about `spec` for a
    /// selector given on the command line.
    fn error(&self, spec: &Path, message: String) -> Diagnostic {
        match &self.origin {
            Some(origin) => origin.error(message),
            None => Diagnostic::error(spec, "", format!("`--only {}`: {message}", self.kind)),
        }
    }
}

/// The glob of a `path:` selector. A `{name}` without a comma is a path template variable,
/// matched as written; `{a,b}` is a choice, as in any glob.
fn path_matcher(glob: &str) -> Result<globset::GlobMatcher, String> {
    let mut escaped = String::with_capacity(glob.len() + 4);
    let mut rest = glob;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        escaped.push_str(before);
        match from_brace.find('}') {
            Some(close) if !from_brace[..close].contains(',') => {
                escaped.push_str("\\{");
                escaped.push_str(&from_brace[1..close]);
                escaped.push_str("\\}");
                rest = &from_brace[close + 1..];
            }
            _ => {
                escaped.push('{');
                rest = &from_brace[1..];
            }
        }
    }
    escaped.push_str(rest);
    globset::GlobBuilder::new(&escaped)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("`path:{glob}` is not a glob: {}", e.kind()))
}

/// Keeps the operations `selectors` pick (all of them when there is none) and the types those
/// reach. Every selector must pick something: an unknown tag or operation, or a glob that
/// matches no path, is an error listing what the document has. `spec` names the document.
pub fn apply(api: &mut Api, selectors: &[Selector], spec: &Path) -> Result<(), Vec<Diagnostic>> {
    if selectors.is_empty() {
        return Ok(());
    }
    let chosen = selected(api, selectors, spec)?;
    let mut index = 0;
    api.operations.retain(|_| {
        index += 1;
        chosen.contains(&(index - 1))
    });
    let reached = reachable_types(&api.types, api.operations.iter());
    api.types.retain(|t| reached.contains(&t.name));
    Ok(())
}

/// The indices of the operations any selector picks.
pub fn selected(
    api: &Api,
    selectors: &[Selector],
    spec: &Path,
) -> Result<BTreeSet<usize>, Vec<Diagnostic>> {
    let mut chosen = BTreeSet::new();
    let mut errors = Vec::new();
    for selector in selectors {
        match picks(api, &selector.kind) {
            Ok(found) => chosen.extend(found),
            Err(message) => errors.push(selector.error(spec, message)),
        }
    }
    if errors.is_empty() {
        Ok(chosen)
    } else {
        Err(errors)
    }
}

/// The operations one selector picks, or why it picks none.
fn picks(api: &Api, kind: &SelectorKind) -> Result<Vec<usize>, String> {
    let ops = api.operations.iter().enumerate();
    let found: Vec<usize> = match kind {
        SelectorKind::Tag(tag) => ops
            .filter(|(_, op)| op.tags.contains(tag))
            .map(|(i, _)| i)
            .collect(),
        SelectorKind::Operation(name) => ops
            .filter(|(_, op)| {
                op.operation_id.as_deref() == Some(name.as_str())
                    || op.method_name.trim_start_matches("r#") == name
            })
            .map(|(i, _)| i)
            .collect(),
        SelectorKind::Path(glob) => {
            let matcher = path_matcher(glob)?;
            ops.filter(|(_, op)| matcher.is_match(&op.path.raw))
                .map(|(i, _)| i)
                .collect()
        }
    };
    if !found.is_empty() {
        return Ok(found);
    }
    Err(match kind {
        SelectorKind::Tag(tag) => {
            let tags = tags(api);
            if tags.is_empty() {
                format!(
                    "the document tags no operation, so `tag:{tag}` selects nothing; select by \
                     path (`path:/v1/items*`) or operation (`op:NAME`) instead"
                )
            } else {
                format!(
                    "no operation has the tag `{tag}`{}; the tags are: {}",
                    did_you_mean(tag, tags.iter().map(String::as_str)),
                    quoted_list(tags.iter().map(String::as_str))
                )
            }
        }
        SelectorKind::Operation(name) => unknown_operation(api, name),
        SelectorKind::Path(glob) => {
            let paths: BTreeSet<&str> =
                api.operations.iter().map(|o| o.path.raw.as_str()).collect();
            let which = if paths.len() > LISTED_PATHS {
                format!("the first {LISTED_PATHS} of its {} paths are", paths.len())
            } else {
                "its paths are".to_string()
            };
            format!(
                "no path of the document matches `{glob}` (`*` matches any text, `/` included); \
                 {which}: {}",
                quoted_list(paths.iter().copied().take(LISTED_PATHS))
            )
        }
    })
}

/// The tags of the document's operations, sorted.
pub fn tags(api: &Api) -> BTreeSet<String> {
    api.operations
        .iter()
        .flat_map(|op| op.tags.iter().cloned())
        .collect()
}

/// The most names an error lists in full; past that, it lists the closest ones.
const LISTED_NAMES: usize = 40;

/// How many paths an error about a glob shows, in order.
const LISTED_PATHS: usize = 10;

fn unknown_operation(api: &Api, name: &str) -> String {
    let names: BTreeSet<&str> = api
        .operations
        .iter()
        .map(|op| {
            op.operation_id
                .as_deref()
                .unwrap_or_else(|| op.method_name.trim_start_matches("r#"))
        })
        .collect();
    let hint = did_you_mean(name, names.iter().copied());
    if names.len() <= LISTED_NAMES {
        return format!(
            "no operation has the operationId or method name `{name}`{hint}; the operations are: {}",
            quoted_list(names.iter().copied())
        );
    }
    let mut closest: Vec<&str> = names.iter().copied().collect();
    closest.sort_by(|a, b| {
        strsim::jaro_winkler(name, b)
            .total_cmp(&strsim::jaro_winkler(name, a))
            .then(a.cmp(b))
    });
    closest.truncate(10);
    format!(
        "no operation has the operationId or method name `{name}`{hint}; the closest of the {} \
         operations are: {}",
        names.len(),
        quoted_list(closest.into_iter())
    )
}

/// `, did you mean `x`?` when a candidate is close to `wanted`.
fn did_you_mean<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    candidates
        .map(|c| {
            (
                strsim::jaro_winkler(&wanted.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

fn quoted_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names of the types `operations` reach: through their parameters, bodies, responses and
/// pagination, then through fields, extra properties, union variants, aliases and envelopes,
/// inside arrays, maps and nullables.
pub fn reachable_types<'a>(
    types: &[TypeDef],
    operations: impl Iterator<Item = &'a Operation>,
) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut pending: Vec<&TypeRef> = operations.flat_map(operation_refs).collect();
    let mut reached: BTreeSet<String> = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Named(name) => {
                if reached.insert(name.clone()) {
                    if let Some(def) = by_name.get(name.as_str()) {
                        pending.extend(type_refs(def));
                    }
                }
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                pending.push(inner);
            }
            TypeRef::Tuple(elements) => pending.extend(elements),
            TypeRef::String
            | TypeRef::Integer { .. }
            | TypeRef::Number { .. }
            | TypeRef::Boolean
            | TypeRef::Bytes
            | TypeRef::Any => {}
        }
    }
    reached
}

/// The types an operation names directly.
fn operation_refs(op: &Operation) -> Vec<&TypeRef> {
    let mut refs: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    refs.extend(op.body.as_ref().map(|b| &b.ty));
    refs.extend(
        op.responses
            .iter()
            .filter_map(|r| r.body.as_ref())
            .map(|b| &b.ty),
    );
    if let Some(p) = &op.pagination {
        refs.push(&p.item_type);
        if let PaginationKind::Offset { offset_type, .. } = &p.kind {
            refs.push(offset_type);
        }
    }
    refs
}

/// The types a type definition names directly.
fn type_refs(def: &TypeDef) -> Vec<&TypeRef> {
    let mut refs: Vec<&TypeRef> = match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(s.additional.as_ref())
            .collect(),
        TypeKind::Enum(_) => Vec::new(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
    };
    if let Some(e) = &def.envelope {
        refs.push(&e.error_type);
        refs.extend(e.payload.as_ref().map(|(_, ty, _)| ty));
    }
    refs
}
