//! The structure of an OpenAPI document: which value, at which place, is a schema, a parameter,
//! a response, and so on, for Swagger 2.0, OpenAPI 3.0 and OpenAPI 3.1.
//!
//! Every pass that visits parts of a raw document (the version converters, lenient repairs,
//! reference resolution, bundling of multi-file documents, pinpointing of load errors) walks it
//! through this module. What a value is follows from where it stands, never from the keys it
//! happens to contain: a property named `type` or `default` is a property, an example payload is
//! data, and `x-` extensions are never entered.

use serde_json::Value;

use crate::diagnostics::escape_pointer_token;

/// The grammar a document is written in. Later versions keep what earlier 3.x ones have, so
/// `dialect >= Dialect::OpenApi31` reads "3.1 or later".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    Swagger2,
    OpenApi30,
    OpenApi31,
    OpenApi32,
}

/// Where the conversion of a 3.2 document keeps a path item's operations whose method has no
/// field of its own in 3.0 (`query`, `additionalOperations`), keyed by the method as sent.
/// Every 3.x dialect walks them as operations, so later stages treat them as any other.
pub const ADDITIONAL_OPERATIONS: &str = "x-openapi-rs-additional-operations";

/// Marks a parameter or a form property's encoding that Swagger 2.0 writes with
/// `collectionFormat: tsv`: its items are joined by tabs, a style OpenAPI 3 does not have. The
/// conversion writes `style: form, explode: false` beside it, what a reader unaware of it sees.
pub const TAB_DELIMITED: &str = "x-openapi-rs-tab-delimited";

/// What a node of a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Document,
    /// `components` (3.x).
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Header,
    Encoding,
    Schema,
    /// A Swagger 2.0 `items` object of a non-body parameter or a header: a small schema.
    Items,
    SecurityScheme,
    /// A list of security requirements (`security` of the document or of an operation).
    Security,
    Callback,
    Link,
    Example,
    /// An entry of the document's `tags`.
    Tag,
}

impl Kind {
    /// The `components` section (3.x) that holds named nodes of this kind.
    pub fn components_section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::SecurityScheme => "securitySchemes",
            Kind::Callback => "callbacks",
            Kind::Link => "links",
            Kind::Example => "examples",
            Kind::PathItem => "pathItems",
            _ => return None,
        })
    }

    /// A noun for messages: "schema", "parameter", …
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Document => "document",
            Kind::Components => "components",
            Kind::PathItem => "path item",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::MediaType => "media type",
            Kind::Header => "header",
            Kind::Encoding => "encoding",
            Kind::Schema => "schema",
            Kind::Items => "items",
            Kind::SecurityScheme => "security scheme",
            Kind::Security => "security requirement list",
            Kind::Callback => "callback",
            Kind::Link => "link",
            Kind::Example => "example",
            Kind::Tag => "tag",
        }
    }
}

/// One step from a node to a child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    fn token(&self) -> String {
        match self {
            Step::Key(key) => escape_pointer_token(key),
            Step::Index(i) => i.to_string(),
        }
    }
}

/// A child of a node: the steps that lead to it (one or two) and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub steps: Vec<Step>,
    pub kind: Kind,
}

impl Child {
    /// The pointer of this child below the pointer of its parent.
    pub fn pointer(&self, parent: &str) -> String {
        let mut pointer = parent.to_string();
        for step in &self.steps {
            pointer.push('/');
            pointer.push_str(&step.token());
        }
        pointer
    }
}

/// HTTP methods a path item can hold, per dialect.
pub fn methods(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Swagger2 => &["get", "put", "post", "delete", "options", "head", "patch"],
        _ => &[
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ],
    }
}

/// Keywords of a schema whose value is one schema.
fn single_schema_keywords(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Swagger2 => &["additionalProperties"],
        Dialect::OpenApi30 => &["additionalProperties", "not"],
        Dialect::OpenApi31 | Dialect::OpenApi32 => &[
            "additionalProperties",
            "not",
            "propertyNames",
            "contains",
            "if",
            "then",
            "else",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contentSchema",
            "additionalItems",
        ],
    }
}

/// Schema keywords whose boolean value is read as a flag of the schema that holds them.
const FLAG_KEYWORDS: [&str; 4] = [
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];

/// Keywords of a schema whose value is a list of schemas.
fn schema_list_keywords(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Swagger2 => &["allOf"],
        Dialect::OpenApi30 => &["allOf", "anyOf", "oneOf"],
        Dialect::OpenApi31 | Dialect::OpenApi32 => &["allOf", "anyOf", "oneOf", "prefixItems"],
    }
}

/// Keywords of a schema whose value is a map of schemas.
fn schema_map_keywords(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::OpenApi31 | Dialect::OpenApi32 => &[
            "properties",
            "patternProperties",
            "dependentSchemas",
            "$defs",
        ],
        _ => &["properties"],
    }
}

/// The children of `node`, a `kind` in `dialect`, in document order of the keywords listed.
/// Values of any JSON type are returned where the grammar expects a child (so a repair can see
/// a schema that is a boolean or a list); extensions (`x-…`) are never children.
pub fn children(node: &Value, kind: Kind, dialect: Dialect) -> Vec<Child> {
    let mut out = Vec::new();
    let Some(map) = node.as_object() else {
        return out;
    };
    let one = |out: &mut Vec<Child>, key: &str, kind: Kind| {
        if map.contains_key(key) {
            out.push(Child {
                steps: vec![Step::Key(key.to_string())],
                kind,
            });
        }
    };
    // A `Map[string, X]` (components sections, `content`, `headers`, `examples`, ...) has no
    // extensions: an `x-` name there is an entry (a header called `x-request-id`). Only the
    // Paths and Responses objects mix their entries with extensions.
    let entries_of = |out: &mut Vec<Child>, key: &str, kind: Kind, extensions: bool| {
        if let Some(Value::Object(entries)) = map.get(key) {
            for name in entries
                .keys()
                .filter(|k| !(extensions && k.starts_with("x-")))
            {
                out.push(Child {
                    steps: vec![Step::Key(key.to_string()), Step::Key(name.clone())],
                    kind,
                });
            }
        }
    };
    let map_of = |out: &mut Vec<Child>, key: &str, kind: Kind| entries_of(out, key, kind, false);
    let paths_or_responses =
        |out: &mut Vec<Child>, key: &str, kind: Kind| entries_of(out, key, kind, true);
    let list_of = |out: &mut Vec<Child>, key: &str, kind: Kind| {
        if let Some(Value::Array(items)) = map.get(key) {
            for i in 0..items.len() {
                out.push(Child {
                    steps: vec![Step::Key(key.to_string()), Step::Index(i)],
                    kind,
                });
            }
        }
    };
    let v3 = dialect != Dialect::Swagger2;
    match kind {
        Kind::Document => {
            paths_or_responses(&mut out, "paths", Kind::PathItem);
            if v3 {
                one(&mut out, "components", Kind::Components);
            } else {
                map_of(&mut out, "definitions", Kind::Schema);
                map_of(&mut out, "parameters", Kind::Parameter);
                map_of(&mut out, "responses", Kind::Response);
                map_of(&mut out, "securityDefinitions", Kind::SecurityScheme);
            }
            if dialect >= Dialect::OpenApi31 {
                map_of(&mut out, "webhooks", Kind::PathItem);
            }
            one(&mut out, "security", Kind::Security);
            list_of(&mut out, "tags", Kind::Tag);
        }
        Kind::Components => {
            for kind in [
                Kind::Schema,
                Kind::Response,
                Kind::Parameter,
                Kind::Example,
                Kind::RequestBody,
                Kind::Header,
                Kind::SecurityScheme,
                Kind::Link,
                Kind::Callback,
            ] {
                if let Some(section) = kind.components_section() {
                    map_of(&mut out, section, kind);
                }
            }
            if dialect >= Dialect::OpenApi31 {
                map_of(&mut out, "pathItems", Kind::PathItem);
            }
            if dialect >= Dialect::OpenApi32 {
                map_of(&mut out, "mediaTypes", Kind::MediaType);
            }
        }
        Kind::PathItem => {
            for method in methods(dialect) {
                one(&mut out, method, Kind::Operation);
            }
            if dialect >= Dialect::OpenApi32 {
                one(&mut out, "query", Kind::Operation);
                map_of(&mut out, "additionalOperations", Kind::Operation);
            }
            if v3 {
                map_of(&mut out, ADDITIONAL_OPERATIONS, Kind::Operation);
            }
            list_of(&mut out, "parameters", Kind::Parameter);
        }
        Kind::Operation => {
            list_of(&mut out, "parameters", Kind::Parameter);
            if v3 {
                one(&mut out, "requestBody", Kind::RequestBody);
            }
            paths_or_responses(&mut out, "responses", Kind::Response);
            if v3 {
                map_of(&mut out, "callbacks", Kind::Callback);
            }
            one(&mut out, "security", Kind::Security);
        }
        Kind::Callback => {
            for name in map.keys().filter(|k| !k.starts_with("x-") && *k != "$ref") {
                out.push(Child {
                    steps: vec![Step::Key(name.clone())],
                    kind: Kind::PathItem,
                });
            }
        }
        Kind::Parameter | Kind::Header => {
            one(&mut out, "schema", Kind::Schema);
            if v3 {
                map_of(&mut out, "content", Kind::MediaType);
                map_of(&mut out, "examples", Kind::Example);
            } else {
                one(&mut out, "items", Kind::Items);
            }
        }
        Kind::Items => one(&mut out, "items", Kind::Items),
        Kind::RequestBody => map_of(&mut out, "content", Kind::MediaType),
        Kind::Response => {
            map_of(&mut out, "headers", Kind::Header);
            if v3 {
                map_of(&mut out, "content", Kind::MediaType);
                map_of(&mut out, "links", Kind::Link);
            } else {
                one(&mut out, "schema", Kind::Schema);
            }
        }
        Kind::MediaType => {
            one(&mut out, "schema", Kind::Schema);
            if dialect >= Dialect::OpenApi32 {
                one(&mut out, "itemSchema", Kind::Schema);
            }
            map_of(&mut out, "examples", Kind::Example);
            map_of(&mut out, "encoding", Kind::Encoding);
        }
        Kind::Encoding => map_of(&mut out, "headers", Kind::Header),
        Kind::Schema => schema_children(map, dialect, &mut out),
        Kind::SecurityScheme | Kind::Security | Kind::Link | Kind::Example | Kind::Tag => {}
    }
    out
}

fn schema_children(map: &serde_json::Map<String, Value>, dialect: Dialect, out: &mut Vec<Child>) {
    for key in schema_map_keywords(dialect) {
        if let Some(Value::Object(entries)) = map.get(*key) {
            // Property names are data: `x-` is a legal property name, never an extension here.
            for name in entries.keys() {
                out.push(Child {
                    steps: vec![Step::Key((*key).to_string()), Step::Key(name.clone())],
                    kind: Kind::Schema,
                });
            }
        }
    }
    match map.get("items") {
        // A list of schemas (a JSON Schema draft 4 tuple) is not OpenAPI, but real documents
        // have it; each entry is still a schema.
        Some(Value::Array(items)) => {
            for i in 0..items.len() {
                out.push(Child {
                    steps: vec![Step::Key("items".into()), Step::Index(i)],
                    kind: Kind::Schema,
                });
            }
        }
        Some(_) => out.push(Child {
            steps: vec![Step::Key("items".into())],
            kind: Kind::Schema,
        }),
        None => {}
    }
    for key in single_schema_keywords(dialect) {
        // `additionalProperties: false` and its kin are flags of the parent, not schema nodes.
        let flag = FLAG_KEYWORDS.contains(key) && map.get(*key).is_some_and(Value::is_boolean);
        if map.contains_key(*key) && !flag {
            out.push(Child {
                steps: vec![Step::Key((*key).to_string())],
                kind: Kind::Schema,
            });
        }
    }
    for key in schema_list_keywords(dialect) {
        if let Some(Value::Array(items)) = map.get(*key) {
            for i in 0..items.len() {
                out.push(Child {
                    steps: vec![Step::Key((*key).to_string()), Step::Index(i)],
                    kind: Kind::Schema,
                });
            }
        }
    }
}

/// The value a child's steps lead to.
pub fn child<'v>(node: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(node, |node, step| match step {
        Step::Key(key) => node.get(key),
        Step::Index(i) => node.get(i),
    })
}

/// The value a child's steps lead to, mutably.
pub fn child_mut<'v>(node: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    steps.iter().try_fold(node, |node, step| match step {
        Step::Key(key) => node.get_mut(key),
        Step::Index(i) => node.get_mut(i),
    })
}

/// Visits `node` (a `kind`) and everything below it, parents first, with each node's pointer.
pub fn walk(
    node: &Value,
    kind: Kind,
    dialect: Dialect,
    pointer: &str,
    visit: &mut dyn FnMut(&Value, Kind, &str),
) {
    visit(node, kind, pointer);
    for c in children(node, kind, dialect) {
        if let Some(value) = child(node, &c.steps) {
            walk(value, c.kind, dialect, &c.pointer(pointer), visit);
        }
    }
}

/// Visits `node` and everything below it, parents first; a visit may change the node, and its
/// children are then read from the changed node.
pub fn walk_mut(
    node: &mut Value,
    kind: Kind,
    dialect: Dialect,
    pointer: &str,
    visit: &mut dyn FnMut(&mut Value, Kind, &str),
) {
    visit(node, kind, pointer);
    for c in children(node, kind, dialect) {
        if let Some(value) = child_mut(node, &c.steps) {
            walk_mut(value, c.kind, dialect, &c.pointer(pointer), visit);
        }
    }
}

/// Visits a whole document.
pub fn walk_document(doc: &Value, dialect: Dialect, visit: &mut dyn FnMut(&Value, Kind, &str)) {
    walk(doc, Kind::Document, dialect, "", visit);
}

/// Visits a whole document mutably.
pub fn walk_document_mut(
    doc: &mut Value,
    dialect: Dialect,
    visit: &mut dyn FnMut(&mut Value, Kind, &str),
) {
    walk_mut(doc, Kind::Document, dialect, "", visit);
}

/// A map of named children given as a reference (`paths: {$ref: paths.yaml}`,
/// `components: {schemas: {$ref: schemas/_index.yaml}}`, `properties: {$ref: 'common.yaml#/ids'}`).
///
/// The grammar has no Reference Object where a map stands, but bundlers (Redocly among them)
/// resolve one there and published multi-file documents rely on it. No entry of such a map can
/// be a string (entries are objects, or booleans for 3.1 schemas), so an entry named `$ref`
/// whose value is a string is the reference to the whole map, never an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapReference {
    /// The key of the map in its parent.
    pub key: String,
    /// What each entry of the map is.
    pub entries: Kind,
    /// Whether `x-` names are entries too (property names are data), not extensions.
    pub extension_names_are_entries: bool,
    pub reference: String,
}

/// The maps of `node` (a `kind`) that are given as a reference.
pub fn map_references(node: &Value, kind: Kind, dialect: Dialect) -> Vec<MapReference> {
    let Some(map) = node.as_object() else {
        return Vec::new();
    };
    // Cheap test first: most nodes hold no object with a `$ref` string at all.
    if !map.values().any(|v| reference(v).is_some()) {
        return Vec::new();
    }
    children(node, kind, dialect)
        .into_iter()
        .filter_map(|c| match c.steps.as_slice() {
            [Step::Key(key), Step::Key(entry)] if entry == "$ref" => Some(MapReference {
                reference: reference(map.get(key)?)?.to_string(),
                key: key.clone(),
                entries: c.kind,
                extension_names_are_entries: kind == Kind::Schema,
            }),
            _ => None,
        })
        .collect()
}

/// The fields of a `kind` that hold CommonMark text. Publishers keep long text in other files
/// and refer to it (`description: {$ref: 'texts.yml#/intro'}`), which bundlers resolve.
pub fn text_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::PathItem | Kind::Operation | Kind::Example => &["summary", "description"],
        Kind::Parameter
        | Kind::RequestBody
        | Kind::Response
        | Kind::Header
        | Kind::Schema
        | Kind::SecurityScheme
        | Kind::Link
        | Kind::Tag => &["description"],
        // A callback's keys are expressions; the others have no text of their own.
        Kind::Document
        | Kind::Components
        | Kind::Callback
        | Kind::MediaType
        | Kind::Encoding
        | Kind::Items
        | Kind::Security => &[],
    }
}

/// The `$ref` string of a node that is a reference.
pub fn reference(node: &Value) -> Option<&str> {
    node.get("$ref").and_then(Value::as_str)
}

/// Every reference in the document, where a reference is allowed: its pointer (of the node
/// holding `$ref`), what it must point at and the reference itself.
pub fn references(doc: &Value, dialect: Dialect) -> Vec<(String, Kind, String)> {
    let mut out = Vec::new();
    walk_document(doc, dialect, &mut |node, kind, pointer| {
        if let Some(r) = reference(node) {
            out.push((pointer.to_string(), kind, r.to_string()));
        }
    });
    out
}

/// Rewrites every reference of the document (only where the grammar allows one; `$ref` keys
/// inside examples and extensions are data) with `rewrite`.
pub fn rewrite_references(
    doc: &mut Value,
    dialect: Dialect,
    rewrite: &mut dyn FnMut(&str, Kind) -> Option<String>,
) {
    walk_document_mut(doc, dialect, &mut |node, kind, _| {
        if let Some(Value::String(r)) = node.get_mut("$ref") {
            if let Some(new) = rewrite(r, kind) {
                *r = new;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(doc: &Value, dialect: Dialect) -> Vec<(String, Kind)> {
        let mut out = Vec::new();
        walk_document(doc, dialect, &mut |_, kind, pointer| {
            out.push((pointer.to_string(), kind))
        });
        out
    }

    #[test]
    fn properties_named_like_keywords_are_properties() {
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": {"type": "object", "properties": {
            "type": {"type": "string"}, "default": {"type": "integer"}, "items": {"type": "boolean"},
            "properties": {"type": "object"}, "x-extra": {"type": "string"}}}}}});
        let found = kinds(&doc, Dialect::OpenApi31);
        for name in ["type", "default", "items", "properties", "x-extra"] {
            let pointer = format!("/components/schemas/S/properties/{name}");
            assert!(
                found.contains(&(pointer.clone(), Kind::Schema)),
                "{pointer} missing in {found:?}"
            );
        }
        // The property map itself is never taken for a schema.
        assert!(
            !found
                .iter()
                .any(|(p, _)| p == "/components/schemas/S/properties")
        );
    }

    #[test]
    fn examples_and_extensions_are_not_entered() {
        let doc = json!({"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"description": "",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"},
                "example": {"$ref": "not a reference"}}}}},
            "x-code": {"$ref": "neither"}}}}});
        let refs = references(&doc, Dialect::OpenApi30);
        assert_eq!(
            refs,
            vec![(
                "/paths/~1a/get/responses/200/content/application~1json/schema".to_string(),
                Kind::Schema,
                "#/components/schemas/A".to_string()
            )]
        );
    }

    #[test]
    fn each_dialect_has_its_places() {
        let v2 = json!({"swagger": "2.0", "definitions": {"A": {"items": [{"type": "string"}]}},
            "paths": {"/a": {"get": {"parameters": [{"in": "query", "name": "q", "type": "array", "items": {"type": "string"}}],
                "responses": {"200": {"description": "", "schema": {"$ref": "#/definitions/A"}}}}}}});
        let found = kinds(&v2, Dialect::Swagger2);
        assert!(found.contains(&("/definitions/A/items/0".into(), Kind::Schema)));
        assert!(found.contains(&("/paths/~1a/get/parameters/0/items".into(), Kind::Items)));
        assert!(found.contains(&("/paths/~1a/get/responses/200/schema".into(), Kind::Schema)));
        let v31 = json!({"openapi": "3.1.0", "webhooks": {"w": {"post": {}}},
            "components": {"pathItems": {"P": {"get": {}}}, "schemas": {"B": {"prefixItems": [true], "$defs": {"D": false}}}}});
        let found = kinds(&v31, Dialect::OpenApi31);
        assert!(found.contains(&("/webhooks/w/post".into(), Kind::Operation)));
        assert!(found.contains(&("/components/pathItems/P/get".into(), Kind::Operation)));
        assert!(found.contains(&("/components/schemas/B/prefixItems/0".into(), Kind::Schema)));
        assert!(found.contains(&("/components/schemas/B/$defs/D".into(), Kind::Schema)));
    }

    #[test]
    fn callbacks_hold_path_items() {
        let doc = json!({"openapi": "3.0.3", "paths": {"/a": {"post": {"callbacks": {"onEvent": {
            "{$request.body#/url}": {"post": {"security": [{"k": []}]}}}}}}}});
        let found = kinds(&doc, Dialect::OpenApi30);
        assert!(found.contains(&(
            "/paths/~1a/post/callbacks/onEvent/{$request.body#~1url}/post/security".into(),
            Kind::Security
        )));
    }

    #[test]
    fn walk_mut_reads_children_after_the_visit() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"A": {"prefixItems": [{"const": 1}]}}}});
        let mut seen = Vec::new();
        walk_document_mut(&mut doc, Dialect::OpenApi31, &mut |node, kind, pointer| {
            if kind == Kind::Schema {
                if let Some(map) = node.as_object_mut() {
                    if let Some(items) = map.remove("prefixItems") {
                        map.insert("items".into(), items[0].clone());
                    }
                }
                seen.push(pointer.to_string());
            }
        });
        assert_eq!(
            seen,
            vec!["/components/schemas/A", "/components/schemas/A/items"]
        );
    }
}
