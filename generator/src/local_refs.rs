//! Local references, made uniform before the document is read as `openapiv3` types.
//!
//! Any local JSON pointer that lands on an object of the right kind is a legal `$ref`
//! (`#/components/schemas/Tag/allOf/0`, `#/components/responses/Conflict/content/application~1json/schema`,
//! `#/paths/~1pets/get/parameters/0`). The later stages understand only references of the form
//! `#/components/<section>/<name>`, so each other target is hoisted: it moves into its
//! components section under a name derived from where it was, and the place it came from
//! refers to it there (one type, used from both places). References to path items are
//! replaced by a copy of the path item, which later stages read inline.
//!
//! In lenient mode, a reference that points at nothing degrades where it stands, with a
//! warning: a schema becomes any JSON value, anything else is left out. In strict mode such
//! references are left for normalize, which reports them with a suggestion.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use crate::convert::Note;
use crate::diagnostics::escape_pointer_token;
use crate::grammar::{self, Dialect, Kind};

/// What resolving did: warnings and the pointers of moved nodes (new → old).
#[derive(Debug, Default)]
pub struct Resolved {
    pub notes: Vec<Note>,
    /// References that cannot be made to work (strict mode only).
    pub errors: Vec<Note>,
    /// `(new pointer, pointer it was moved from)` for each hoisted node.
    pub moved: Vec<(String, String)>,
}

/// How many `$ref` hops a path-item reference may take before it is called a cycle.
const MAX_HOPS: usize = 32;

/// Makes every local reference of a 3.0-shaped document point at a component or be inlined.
pub fn resolve(doc: &mut Value, lenient: bool) -> Resolved {
    let mut resolved = Resolved::default();
    inline_path_items(doc, lenient, &mut resolved);
    wrong_kinds(doc, lenient, &mut resolved);
    hoist(doc, &mut resolved);
    drop_definitions(doc);
    if lenient {
        degrade_dangling(doc, &mut resolved);
    }
    resolved
}

/// The tokens of a local reference (`#/a/b~1c` → `["a", "b/c"]`), percent-decoding undone.
pub fn pointer_tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let fragment = fragment.strip_prefix('/')?;
    Some(
        fragment
            .split('/')
            .map(|t| crate::diagnostics::unescape_pointer_token(&percent_decode(t)))
            .collect(),
    )
}

fn to_pointer(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", escape_pointer_token(t)))
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Whether `tokens` name a component of `kind` directly (`components/schemas/NAME`).
fn is_component(tokens: &[String], kind: Kind) -> bool {
    matches!(tokens, [c, section, _] if c == "components" && Some(section.as_str()) == kind.components_section())
}

/// Replaces every `$ref` at a path-item position by a copy of what it points at.
fn inline_path_items(doc: &mut Value, lenient: bool, resolved: &mut Resolved) {
    // How often each target has been used: a path item under `paths` is used where it stands.
    let mut uses: HashMap<String, usize> = HashMap::new();
    for _ in 0..MAX_HOPS {
        let refs: Vec<(String, String)> = grammar::references(doc, Dialect::OpenApi30)
            .into_iter()
            .filter(|(_, kind, r)| *kind == Kind::PathItem && r.starts_with('#'))
            .map(|(pointer, _, r)| (pointer, r))
            .collect();
        if refs.is_empty() {
            return;
        }
        for (pointer, reference) in refs {
            let target = pointer_tokens(&reference)
                .and_then(|t| doc.pointer(&to_pointer(&t)))
                .filter(|t| t.is_object())
                .cloned();
            let Some(slot) = doc.pointer_mut(&pointer) else {
                continue;
            };
            let target_pointer = pointer_tokens(&reference).map(|t| to_pointer(&t));
            match target {
                Some(mut item) => {
                    // Operation ids are unique in a document: a second use of the same path
                    // item names its operations by method and path instead.
                    let key = target_pointer.unwrap_or_default();
                    let count = uses
                        .entry(key.clone())
                        .or_insert(usize::from(key.starts_with("/paths/")));
                    *count += 1;
                    if *count > 1 {
                        drop_operation_ids(&mut item);
                    }
                    // Siblings of the `$ref` (3.1 allows a summary and description) win.
                    if let (Value::Object(siblings), Value::Object(target)) = (&*slot, &mut item) {
                        for (k, v) in siblings.iter().filter(|(k, _)| *k != "$ref") {
                            target.insert(k.clone(), v.clone());
                        }
                    }
                    *slot = item;
                }
                None if lenient => {
                    // What is written beside the reference is kept (3.1 lets a path item hold
                    // both); only the reference is dropped.
                    let mut kept = match slot {
                        Value::Object(siblings) => siblings.clone(),
                        _ => Map::new(),
                    };
                    kept.remove("$ref");
                    let keeps_operations = grammar::children(
                        &Value::Object(kept.clone()),
                        Kind::PathItem,
                        Dialect::OpenApi30,
                    )
                    .iter()
                    .any(|c| c.kind == Kind::Operation);
                    *slot = Value::Object(kept);
                    let what = if keeps_operations {
                        "the path keeps the operations written beside it"
                    } else {
                        "the path is left without operations"
                    };
                    resolved.notes.push(Note {
                        pointer: format!("{pointer}/$ref"),
                        message: format!("`$ref: {reference}` points at no path item; {what}"),
                    });
                }
                // Normalize reports the reference.
                None => {}
            }
        }
    }
}

fn drop_operation_ids(item: &mut Value) {
    let children = grammar::children(item, Kind::PathItem, Dialect::OpenApi30);
    for child in children.iter().filter(|c| c.kind == Kind::Operation) {
        if let Some(Value::Object(operation)) = item.pointer_mut(&child.pointer("")) {
            operation.shift_remove("operationId");
        }
    }
}

/// References whose target is an object of another kind (a schema `$ref` to a response):
/// errors in strict mode; in lenient mode the reference degrades like a dangling one.
fn wrong_kinds(doc: &mut Value, lenient: bool, resolved: &mut Resolved) {
    let mut kinds: HashMap<String, Kind> = HashMap::new();
    grammar::walk_document(doc, Dialect::OpenApi30, &mut |_, kind, pointer| {
        kinds.insert(pointer.to_string(), kind);
    });
    let mut wrong: Vec<(String, Kind, Kind, String, String)> = Vec::new();
    for (pointer, kind, reference) in grammar::references(doc, Dialect::OpenApi30) {
        let Some(tokens) = pointer_tokens(&reference) else {
            continue;
        };
        let target = to_pointer(&tokens);
        if let Some(found) = kinds.get(&target) {
            if *found != kind {
                wrong.push((pointer, kind, *found, reference, target));
            }
        }
    }
    wrong.sort_by(|a, b| b.0.cmp(&a.0));
    for (pointer, expected, found, reference, target) in wrong {
        let problem = format!(
            "`$ref: {reference}` points at a {}, where a {} is expected",
            found.noun(),
            expected.noun()
        );
        if !lenient {
            resolved.errors.push(Note {
                pointer: format!("{pointer}/$ref"),
                message: problem,
            });
            continue;
        }
        let read_as = doc
            .pointer(&target)
            .and_then(|object| read_as(object, found, expected));
        let what = match read_as {
            Some(object) => {
                if let Some(slot) = doc.pointer_mut(&pointer) {
                    *slot = object;
                }
                "its fields are read as one"
            }
            None => degrade(doc, &pointer, expected),
        };
        resolved.notes.push(Note {
            pointer: format!("{pointer}/$ref"),
            message: format!("repaired: {problem}; {what}"),
        });
    }
}

/// An object of kind `found` as one of kind `expected`, where the two share their meaningful
/// fields: a request body and a response both carry a description and the `content` map; a
/// parameter is a header with a name and a location. `None` for the other pairs.
fn read_as(object: &Value, found: Kind, expected: Kind) -> Option<Value> {
    let fields = object.as_object()?;
    let keep: &[&str] = match (found, expected) {
        (Kind::RequestBody, Kind::Response) | (Kind::Response, Kind::RequestBody) => {
            &["description", "content"]
        }
        (Kind::Parameter, Kind::Header) => &[
            "description",
            "required",
            "deprecated",
            "schema",
            "content",
            "style",
            "explode",
            "example",
            "examples",
        ],
        _ => return None,
    };
    let mut out: serde_json::Map<String, Value> = fields
        .iter()
        .filter(|(key, _)| keep.contains(&key.as_str()) || key.starts_with("x-"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    // A response needs a description; a request body's is optional.
    if expected == Kind::Response && !out.contains_key("description") {
        out.insert("description".into(), Value::String(String::new()));
    }
    Some(Value::Object(out))
}

/// Degrades a reference that cannot be followed: a schema becomes any JSON value, anything
/// else is left out. Returns what was done.
fn degrade(doc: &mut Value, pointer: &str, kind: Kind) -> &'static str {
    match kind {
        Kind::Schema => {
            if let Some(slot) = doc.pointer_mut(pointer) {
                *slot = json!({});
            }
            "the schema is any JSON value"
        }
        _ => {
            remove(doc, pointer);
            "it is left out"
        }
    }
}

/// Moves every non-component target of a reference into its components section.
///
/// A moved node may itself refer to a place the grammar does not walk (a 3.1 schema's `$defs`
/// are kept for this step only), so moving repeats until no reference is left to move. A place
/// moves once per kind of object it is read as, and every later reference to it as that kind
/// follows the first move; a reference of another kind keeps pointing where it did (in strict
/// mode `wrong_kinds` has reported it). Each round moves at least one new (place, kind) pair, and
/// only places of the document as written are targets, so the rounds end; `MAX_HOPS` bounds
/// them all the same.
fn hoist(doc: &mut Value, resolved: &mut Resolved) {
    let mut kinds: HashMap<String, Kind> = HashMap::new();
    grammar::walk_document(doc, Dialect::OpenApi30, &mut |_, kind, pointer| {
        kinds.insert(pointer.to_string(), kind);
    });
    let mut taken: HashSet<(String, String)> = HashSet::new();
    let mut renamed: HashMap<(String, Kind), String> = HashMap::new();
    for _ in 0..MAX_HOPS {
        if hoist_round(doc, &kinds, &mut taken, &mut renamed, resolved) == 0 {
            return;
        }
        grammar::rewrite_references(doc, Dialect::OpenApi30, &mut |reference, kind| {
            let tokens = pointer_tokens(reference)?;
            renamed.get(&(to_pointer(&tokens), kind)).cloned()
        });
    }
}

/// One round of [`hoist`]: moves the targets not moved before and returns how many it moved.
fn hoist_round(
    doc: &mut Value,
    kinds: &HashMap<String, Kind>,
    taken: &mut HashSet<(String, String)>,
    renamed: &mut HashMap<(String, Kind), String>,
    resolved: &mut Resolved,
) -> usize {
    let mut targets: HashMap<(String, Kind), Vec<String>> = HashMap::new();
    for (_, kind, reference) in grammar::references(doc, Dialect::OpenApi30) {
        let Some(tokens) = pointer_tokens(&reference) else {
            continue;
        };
        let hoistable = kind.components_section().is_some() && kind != Kind::PathItem;
        if !hoistable || is_component(&tokens, kind) {
            continue;
        }
        let key = (to_pointer(&tokens), kind);
        if !renamed.contains_key(&key) && doc.pointer(&key.0).is_some() {
            targets.entry(key).or_insert(tokens);
        }
    }
    // Deepest first: a target inside another moves before its container, which then carries a
    // reference to it. Ties in pointer order, so names do not depend on hashing.
    let mut order: Vec<((String, Kind), Vec<String>)> = targets.into_iter().collect();
    order.sort_by(|a, b| {
        b.1.len()
            .cmp(&a.1.len())
            .then_with(|| a.0.0.cmp(&b.0.0))
            .then_with(|| a.0.1.noun().cmp(b.0.1.noun()))
    });
    let mut moved = 0;
    for ((pointer, kind), tokens) in order {
        let Some(section) = kind.components_section() else {
            continue;
        };
        let Some(value) = doc.pointer(&pointer).cloned() else {
            continue;
        };
        let name = unique_name(doc, section, &hoisted_name(&tokens), taken);
        let new_pointer = format!("/components/{section}/{}", escape_pointer_token(&name));
        let new_reference = format!("#{new_pointer}");
        insert_component(doc, section, &name, value);
        // The original place refers to the new component when the grammar puts the same kind
        // of object there; otherwise it is left alone (it was only borrowed).
        if kinds.get(&pointer) == Some(&kind) {
            if let Some(slot) = doc.pointer_mut(&pointer) {
                *slot = json!({ "$ref": new_reference });
            }
        }
        resolved.moved.push((new_pointer, pointer.clone()));
        renamed.insert((pointer, kind), new_reference);
        moved += 1;
    }
    moved
}

/// Removes the `$defs` of every schema: what was referenced in them has been moved to the
/// components, and the rest is not part of any type.
fn drop_definitions(doc: &mut Value) {
    grammar::walk_document_mut(doc, Dialect::OpenApi30, &mut |node, kind, _| {
        if let (Kind::Schema, Value::Object(map)) = (kind, node) {
            map.remove("$defs");
        }
    });
}

/// A readable component name for a node found at `tokens`: the names along the way, without
/// the structural keywords (`components/schemas/Tag/allOf/0` → `Tag_allOf_0`,
/// `components/responses/Conflict/content/application~1json/schema` → `Conflict`).
fn hoisted_name(tokens: &[String]) -> String {
    let skip_prefix = match tokens.first().map(String::as_str) {
        Some("components") => 2,
        Some("paths") => 1,
        _ => 0,
    };
    let parts: Vec<&str> = tokens
        .iter()
        .skip(skip_prefix)
        .map(String::as_str)
        .filter(|t| {
            !matches!(
                *t,
                "content"
                    | "schema"
                    | "properties"
                    | "parameters"
                    | "responses"
                    | "$defs"
                    | "definitions"
            )
        })
        .filter(|t| !t.contains('/') || t.starts_with('/'))
        .map(|t| t.trim_matches('/'))
        .filter(|t| !t.is_empty())
        .collect();
    if parts.is_empty() {
        "Hoisted".to_string()
    } else {
        parts.join("_").replace('/', "_")
    }
}

fn unique_name(
    doc: &Value,
    section: &str,
    base: &str,
    taken: &mut HashSet<(String, String)>,
) -> String {
    let exists = |name: &str, taken: &HashSet<(String, String)>| {
        taken.contains(&(section.to_string(), name.to_string()))
            || doc
                .get("components")
                .and_then(|c| c.get(section))
                .and_then(|s| s.get(name))
                .is_some()
    };
    let mut name = base.to_string();
    let mut n = 2;
    while exists(&name, taken) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert((section.to_string(), name.clone()));
    name
}

fn insert_component(doc: &mut Value, section: &str, name: &str, value: Value) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if !components.is_object() {
        *components = Value::Object(Map::new());
    }
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let entries = components
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()));
    if !entries.is_object() {
        *entries = Value::Object(Map::new());
    }
    if let Some(entries) = entries.as_object_mut() {
        entries.insert(name.to_string(), value);
    }
}

/// Lenient mode: a reference that points at nothing degrades where it stands.
fn degrade_dangling(doc: &mut Value, resolved: &mut Resolved) {
    let dangling: Vec<(String, Kind, String)> = grammar::references(doc, Dialect::OpenApi30)
        .into_iter()
        .filter(|(_, _, r)| match pointer_tokens(r) {
            Some(tokens) => doc.pointer(&to_pointer(&tokens)).is_none(),
            // Foreign references (other files, URLs) are reported by the bundler.
            None => false,
        })
        .collect();
    // Deepest first, so removing a list entry never shifts a pointer still to be visited.
    let mut dangling = dangling;
    dangling.sort_by(|a, b| b.0.cmp(&a.0));
    for (pointer, kind, reference) in dangling {
        let what = degrade(doc, &pointer, kind);
        resolved.notes.push(Note {
            pointer: format!("{pointer}/$ref"),
            message: format!(
                "repaired: `$ref: {reference}` points at nothing ({} expected); {what}",
                kind.noun()
            ),
        });
    }
}

/// Removes the node at `pointer` from its parent object or list.
pub(crate) fn remove(doc: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let key = crate::diagnostics::unescape_pointer_token(last);
    match doc.pointer_mut(parent)? {
        Value::Object(map) => map.shift_remove(&key),
        Value::Array(items) => {
            let i: usize = key.parse().ok()?;
            (i < items.len()).then(|| items.remove(i))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(components: Value, paths: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths, "components": components})
    }

    #[test]
    fn a_ref_into_another_schema_is_hoisted_and_shared() {
        let mut d = doc(
            json!({"schemas": {
                "Tag": {"allOf": [{"type": "object", "properties": {"id": {"type": "string"}}}, {"type": "object"}]},
                "Other": {"allOf": [{"$ref": "#/components/schemas/Tag/allOf/0"}]}}}),
            json!({}),
        );
        let r = resolve(&mut d, false);
        let schemas = &d["components"]["schemas"];
        assert_eq!(
            schemas["Tag_allOf_0"]["properties"]["id"]["type"],
            json!("string")
        );
        assert_eq!(
            schemas["Tag"]["allOf"][0],
            json!({"$ref": "#/components/schemas/Tag_allOf_0"})
        );
        assert_eq!(
            schemas["Other"]["allOf"][0],
            json!({"$ref": "#/components/schemas/Tag_allOf_0"})
        );
        assert_eq!(
            r.moved,
            vec![(
                "/components/schemas/Tag_allOf_0".to_string(),
                "/components/schemas/Tag/allOf/0".to_string()
            )]
        );
    }

    #[test]
    fn a_schema_inside_a_response_is_hoisted_and_nested_targets_move_first() {
        let mut d = doc(
            json!({"responses": {"Conflict": {"description": "", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "integer"}}}}}}}}},
                "schemas": {"Conflict": {"type": "string"}}}),
            json!({"/a": {"get": {"responses": {
                "409": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/responses/Conflict/content/application~1json/schema"}}}},
                "410": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/responses/Conflict/content/application~1json/schema/properties/error"}}}}}}}}),
        );
        resolve(&mut d, false);
        let schemas = &d["components"]["schemas"];
        // `Conflict` is taken by another schema, so the name gets a suffix.
        assert_eq!(schemas["Conflict2"]["type"], json!("object"));
        assert_eq!(
            schemas["Conflict2"]["properties"]["error"],
            json!({"$ref": "#/components/schemas/Conflict_error"})
        );
        assert_eq!(
            d["paths"]["/a"]["get"]["responses"]["410"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/Conflict_error"})
        );
    }

    #[test]
    fn path_item_refs_are_inlined() {
        let mut d = doc(
            json!({}),
            json!({"/a": {"get": {"responses": {}}}, "/b": {"$ref": "#/paths/~1a"}}),
        );
        resolve(&mut d, false);
        assert_eq!(d["paths"]["/b"], json!({"get": {"responses": {}}}));
        let mut d = doc(
            json!({}),
            json!({"/a": {"get": {"operationId": "getA", "responses": {}}}, "/b": {"$ref": "#/paths/~1a"}}),
        );
        resolve(&mut d, false);
        // The copy's operation is named by its method and path, not by a duplicate id.
        assert_eq!(d["paths"]["/b"], json!({"get": {"responses": {}}}));
        assert_eq!(d["paths"]["/a"]["get"]["operationId"], json!("getA"));
    }

    #[test]
    fn dangling_refs_degrade_only_in_lenient_mode() {
        let base = doc(
            json!({"schemas": {"A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Gone"}}}}}),
            json!({"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/Gone"}], "responses": {}}}}),
        );
        let mut strict = base.clone();
        let r = resolve(&mut strict, false);
        assert_eq!(strict, base);
        assert!(r.notes.is_empty());
        let mut lenient = base;
        let r = resolve(&mut lenient, true);
        assert_eq!(
            lenient["components"]["schemas"]["A"]["properties"]["b"],
            json!({})
        );
        assert_eq!(lenient["paths"]["/a"]["get"]["parameters"], json!([]));
        assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
        assert!(
            r.notes
                .iter()
                .all(|n| n.message.starts_with("repaired:") && n.pointer.ends_with("/$ref"))
        );
    }

    #[test]
    fn a_ref_to_an_object_of_another_kind_is_an_error_or_degrades() {
        let base = doc(
            json!({"responses": {"R": {"description": "", "content": {}}},
                "schemas": {"A": {"type": "object", "properties": {"b": {"$ref": "#/components/responses/R"}}}}}),
            json!({}),
        );
        let mut strict = base.clone();
        let r = resolve(&mut strict, false);
        assert_eq!(r.errors.len(), 1);
        assert!(
            r.errors[0]
                .message
                .contains("points at a response, where a schema is expected")
        );
        let mut lenient = base;
        let r = resolve(&mut lenient, true);
        assert!(r.errors.is_empty());
        assert_eq!(
            lenient["components"]["schemas"]["A"]["properties"]["b"],
            json!({})
        );
    }

    #[test]
    fn pointer_tokens_are_unescaped() {
        assert_eq!(
            pointer_tokens("#/paths/~1a~0b/get%20x"),
            Some(vec!["paths".into(), "/a~b".into(), "get x".into()])
        );
        assert_eq!(pointer_tokens("other.yaml#/a"), None);
    }
}
