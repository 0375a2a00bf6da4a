//! Who is at fault for a failed smoke test: our generator, the document, or Prism.
//!
//! A failure is the generator's unless a rule below explains it otherwise; every rule names
//! what it recognizes and why that is not the client's fault. The rules look at what the smoke
//! test recorded: the outcome, Prism's violations, the status and the answer's body.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::report::Class;

/// What the document itself says, for rules that need more than the call.
#[derive(Debug, Clone, Default)]
pub struct DocumentFacts {
    /// Names listed in a `required` that no schema of the document declares as a property
    /// (`required: [name]` beside `properties: {Name: …}`).
    pub undeclared_required: BTreeSet<String>,
    /// Query parameters (or cookies, headers) without `content` whose schema is an array of
    /// objects: OpenAPI's styles define no text for an object inside an array.
    pub object_array_parameters: BTreeSet<String>,
    /// Properties of `multipart/form-data` bodies whose schema is an object or an array of
    /// objects: the client sends them as `application/json` parts.
    pub multipart_json_properties: BTreeSet<String>,
    /// Properties of `multipart/form-data` bodies whose schema is an array of anything but
    /// objects: the client sends one part per item, all of one name.
    pub multipart_array_properties: BTreeSet<String>,
    /// The document declares a `Content-Type` header parameter (which OpenAPI says is
    /// ignored: the body's media type is the header).
    pub content_type_parameter: bool,
    /// `Accept`, `Content-Type` and `Authorization` (lowercase) where the document declares
    /// them as header parameters, which OpenAPI says are ignored.
    pub reserved_header_parameters: BTreeSet<String>,
    /// Operations (`"GET /items#app"`) whose method another path of `paths` has that Prism
    /// cannot tell apart from theirs: it differs only by a fragment (`/items`, `/items#other`:
    /// a fragment is never sent), by a query string in the key (`/key?list`: Prism routes by
    /// the path alone) or by the names of its templated segments
    /// (`/{aws_mount}/config` and `/{gcp_mount}/config`, which OpenAPI forbids).
    pub wire_twins: BTreeSet<String>,
    /// Discriminator properties whose value for some variant is the variant's schema name (no
    /// `mapping` names it) while the variant's own schema allows only other values (an `enum`
    /// of the property without that name).
    pub implicit_tags_outside_enum: BTreeSet<String>,
    /// `METHOD /path name` of path parameters an operation declares that its path template
    /// does not have: no request can carry them.
    pub path_parameters_outside_template: BTreeSet<String>,
    /// Operations (`"GET /legacy/users"`) with `servers` of their own, on the operation or its
    /// path item: the client sends them under that server's path, which Prism does not route.
    pub own_servers: BTreeSet<String>,
    /// Operations (`"GET /clusters/{id.value}"`) whose path template names a variable with a
    /// character regular expressions treat specially: Prism's router escapes it and then no
    /// longer finds the variable, so it routes no request there.
    pub prism_unroutable_templates: BTreeSet<String>,
    /// Operations of a Swagger 2.0 document whose responses have a schema but no `produces`
    /// names a media type (the operation's nor the document's): the client reads JSON, the
    /// usual default, while Prism answers without a body.
    pub schemas_without_produces: BTreeSet<String>,
    /// `METHOD /path name` of query names an operation sends twice: a property of an object
    /// parameter in `form` style, exploded (OpenAPI's default), shares its name with another
    /// query parameter or another such property, so the server reads a list.
    pub query_name_collisions: BTreeSet<String>,
    /// An API key scheme is sent in a header or cookie whose name is not an HTTP token
    /// (`Authorization: Bearer`): the client sends the name's leading token, while Prism looks
    /// for the whole name.
    pub unsendable_api_keys: bool,
}

impl DocumentFacts {
    /// Reads the documents (YAML or JSON); unreadable ones add nothing.
    pub fn scan(specs: &[&Path]) -> DocumentFacts {
        let mut undeclared = BTreeSet::new();
        let mut object_arrays = BTreeSet::new();
        let mut multipart_json = BTreeSet::new();
        let mut multipart_arrays = BTreeSet::new();
        let mut content_type_parameter = false;
        let mut reserved = BTreeSet::new();
        let mut wire_twins = BTreeSet::new();
        let mut implicit_tags = BTreeSet::new();
        let mut outside_template = BTreeSet::new();
        let mut own_servers = BTreeSet::new();
        let mut unroutable = BTreeSet::new();
        let mut without_produces = BTreeSet::new();
        let mut collisions = BTreeSet::new();
        let mut unsendable_api_keys = false;
        for spec in specs {
            let tree: Option<Value> = std::fs::read_to_string(spec)
                .ok()
                .and_then(|text| generator::parse_tree(spec, &text).ok());
            if let Some(tree) = tree {
                walk(&tree, &tree, false, &mut undeclared);
                object_array_parameters(&tree, &tree, &mut object_arrays);
                multipart_properties(&tree, &tree, &mut multipart_json, &mut multipart_arrays);
                content_type_parameter |= declares_content_type_parameter(&tree);
                reserved_header_parameters(&tree, &mut reserved);
                wire_twin_operations(&tree, &mut wire_twins);
                implicit_tags_outside_enum(&tree, &tree, &mut implicit_tags);
                path_parameters_outside_template(&tree, &mut outside_template);
                operations_with_own_servers(&tree, &mut own_servers);
                prism_unroutable_templates(&tree, &mut unroutable);
                schemas_without_produces(&tree, &mut without_produces);
                query_name_collisions(&tree, &mut collisions);
                unsendable_api_keys |= has_unsendable_api_key(&tree);
            }
        }
        DocumentFacts {
            undeclared_required: undeclared,
            object_array_parameters: object_arrays,
            multipart_json_properties: multipart_json,
            multipart_array_properties: multipart_arrays,
            content_type_parameter,
            reserved_header_parameters: reserved,
            wire_twins,
            implicit_tags_outside_enum: implicit_tags,
            path_parameters_outside_template: outside_template,
            own_servers,
            prism_unroutable_templates: unroutable,
            schemas_without_produces: without_produces,
            query_name_collisions: collisions,
            unsendable_api_keys,
        }
    }
}

/// Whether an API key scheme (3.x `components.securitySchemes`, 2.0 `securityDefinitions`) is
/// sent in a header or cookie whose name is not an HTTP token.
fn has_unsendable_api_key(tree: &Value) -> bool {
    let token = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
    };
    [
        &tree["components"]["securitySchemes"],
        &tree["securityDefinitions"],
    ]
    .into_iter()
    .filter_map(Value::as_object)
    .flat_map(|schemes| schemes.values())
    .any(|scheme| {
        scheme["type"] == "apiKey"
            && (scheme["in"] == "header" || scheme["in"] == "cookie")
            && scheme["name"].as_str().is_some_and(|name| !token(name))
    })
}

/// The query parameters of a parameter list, references resolved.
fn query_parameters<'a>(list: Option<&'a Value>, tree: &'a Value) -> Vec<&'a Value> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(p, tree))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .collect()
}

/// Collects `METHOD /path name` for each query name two of an operation's query parameters
/// send: parameter names, and the property names of exploded `form` object parameters.
fn query_name_collisions(tree: &Value, out: &mut BTreeSet<String>) {
    for (path, method, item, operation) in operations(tree) {
        // Operation parameters replace path item ones of the same name.
        let own = query_parameters(operation.get("parameters"), tree);
        let mut parameters: Vec<&Value> = query_parameters(item.get("parameters"), tree)
            .into_iter()
            .filter(|p| !own.iter().any(|o| o.get("name") == p.get("name")))
            .collect();
        parameters.extend(own);
        let mut sent: Vec<&str> = Vec::new();
        for parameter in parameters {
            let schema = parameter.get("schema").map(|s| resolve(s, tree));
            let style = parameter.get("style").and_then(Value::as_str);
            let exploded = parameter
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let properties = schema
                .filter(|s| is_object(s) && style.is_none_or(|s| s == "form") && exploded)
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object);
            match properties {
                Some(properties) => sent.extend(properties.keys().map(String::as_str)),
                None => sent.extend(parameter.get("name").and_then(Value::as_str)),
            }
        }
        for (i, name) in sent.iter().enumerate() {
            if sent[..i].contains(name) {
                out.insert(format!("{} {path} {name}", method.to_ascii_uppercase()));
            }
        }
    }
}

/// Collects the operations whose path template has a variable named with a character that
/// Prism's router escapes as a regular expression's (`.*+?^$()|[]\`), which its variable
/// pattern then fails to find.
fn prism_unroutable_templates(tree: &Value, out: &mut BTreeSet<String>) {
    let special = |name: &str| name.contains(|c| ".*+?^$()|[]\\".contains(c));
    for (path, method, _, _) in operations(tree) {
        let names = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name));
        if names.into_iter().any(special) {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
}

/// Collects the operations of a Swagger 2.0 document with a response schema and no media type
/// in `produces` (the operation's, else the document's).
fn schemas_without_produces(tree: &Value, out: &mut BTreeSet<String>) {
    if tree.get("swagger").is_none() {
        return;
    }
    let listed = |node: &Value| node["produces"].as_array().is_some_and(|p| !p.is_empty());
    for (path, method, _, operation) in operations(tree) {
        let produces = match operation.get("produces") {
            Some(own) => own.as_array().is_some_and(|p| !p.is_empty()),
            None => listed(tree),
        };
        let with_schema = operation["responses"].as_object().is_some_and(|responses| {
            responses
                .values()
                .any(|r| resolve(r, tree).get("schema").is_some())
        });
        if with_schema && !produces {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
}

/// Collects the discriminator properties some variant of which gets its schema name as the
/// value (OpenAPI's default without a `mapping` entry) while its schema's `enum` for the
/// property lacks that name.
fn implicit_tags_outside_enum(node: &Value, root: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            let property = map
                .get("discriminator")
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str);
            if let Some(property) = property {
                let mapped: BTreeSet<&str> = map["discriminator"]
                    .get("mapping")
                    .and_then(Value::as_object)
                    .map(|m| m.values().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let variants = ["oneOf", "anyOf"]
                    .iter()
                    .filter_map(|k| map.get(*k).and_then(Value::as_array))
                    .flatten();
                for reference in variants.filter_map(|v| v.get("$ref").and_then(Value::as_str)) {
                    let schema_name = reference.rsplit('/').next().unwrap_or(reference);
                    if mapped.contains(reference) {
                        continue;
                    }
                    let target = reference.strip_prefix('#').and_then(|p| root.pointer(p));
                    let allowed = target.and_then(|schema| tag_enum(schema, property, root, 0));
                    if allowed.is_some_and(|values| !values.contains(&schema_name)) {
                        out.insert(property.to_string());
                    }
                }
            }
            for child in map.values() {
                implicit_tags_outside_enum(child, root, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                implicit_tags_outside_enum(item, root, out);
            }
        }
        _ => {}
    }
}

/// The `enum` a schema (or one of its `allOf` parts) gives its property `name`.
fn tag_enum<'a>(
    schema: &'a Value,
    name: &str,
    root: &'a Value,
    depth: usize,
) -> Option<Vec<&'a str>> {
    if depth > 8 {
        return None;
    }
    if let Some(property) = schema.get("properties").and_then(|p| p.get(name)) {
        let property = resolve(property, root);
        if let Some(values) = property.get("enum").and_then(Value::as_array) {
            return Some(values.iter().filter_map(Value::as_str).collect());
        }
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|part| tag_enum(resolve(part, root), name, root, depth + 1))
}

/// Collects `METHOD /path name` for each path parameter (of the path item or the operation,
/// inline or by local reference) whose `{name}` the path template lacks.
fn path_parameters_outside_template(tree: &Value, out: &mut BTreeSet<String>) {
    let names = |list: Option<&Value>| -> Vec<String> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| resolve(p, tree))
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    for (path, method, item, operation) in operations(tree) {
        let mut declared = names(item.get("parameters"));
        declared.extend(names(operation.get("parameters")));
        for name in declared {
            if !path.contains(&format!("{{{name}}}")) {
                out.insert(format!("{} {path} {name}", method.to_ascii_uppercase()));
            }
        }
    }
}

/// Collects `METHOD /path` for each operation of `paths` whose wire form (without the fragment,
/// templated segments unnamed) and method another operation shares.
fn wire_twin_operations(tree: &Value, out: &mut BTreeSet<String>) {
    let mut by_wire: std::collections::BTreeMap<(String, &str), Vec<&str>> = Default::default();
    for (path, method, _, _) in operations(tree) {
        let wire = unnamed_template(routed_path(path));
        by_wire.entry((wire, method)).or_default().push(path);
    }
    for ((_, method), twins) in by_wire.into_iter().filter(|(_, t)| t.len() > 1) {
        for path in twins {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
}

/// Collects the operations with `servers` of their own (on the operation or its path item).
fn operations_with_own_servers(tree: &Value, out: &mut BTreeSet<String>) {
    let listed = |node: &Value| node["servers"].as_array().is_some_and(|s| !s.is_empty());
    for (path, method, item, operation) in operations(tree) {
        if listed(operation) || listed(item) {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
}

/// Every operation of `paths`: its path, method (lowercase), path item and operation object.
fn operations(tree: &Value) -> Vec<(&str, &'static str, &Value, &Value)> {
    let paths = tree.get("paths").and_then(Value::as_object);
    paths
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            prism_harness::OPERATION_KEYS
                .iter()
                .filter_map(move |method| {
                    let operation = item.get(*method).filter(|o| o.is_object())?;
                    Some((path.as_str(), *method, item, operation))
                })
        })
        .collect()
}

/// What of a path key a router matches: not its fragment (`/items#app`, never sent) nor a
/// query string written into it (`/key?list`, matched apart from the path).
pub(super) fn routed_path(path: &str) -> &str {
    path.split(['#', '?']).next().unwrap_or(path)
}

/// `/{}/config` for `/{aws_mount}/config`: the path as a server matches it.
pub(super) fn unnamed_template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push_str("{}");
            }
            '}' => in_name = false,
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

/// Collects the header parameters named `Accept`, `Content-Type` or `Authorization`.
fn reserved_header_parameters(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            let header = map.get("in").and_then(Value::as_str) == Some("header");
            if let Some(name) = map.get("name").and_then(Value::as_str).filter(|_| header) {
                let name = name.to_ascii_lowercase();
                if prism_harness::IGNORED_HEADERS.contains(&name.as_str()) {
                    out.insert(name);
                }
            }
            for child in map.values() {
                reserved_header_parameters(child, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                reserved_header_parameters(item, out);
            }
        }
        _ => {}
    }
}

/// Whether some parameter is the `Content-Type` header.
fn declares_content_type_parameter(node: &Value) -> bool {
    match node {
        Value::Object(map) => {
            let header = map.get("in").and_then(Value::as_str) == Some("header");
            let name = map.get("name").and_then(Value::as_str);
            (header && name.is_some_and(|n| n.eq_ignore_ascii_case("content-type")))
                || map.values().any(declares_content_type_parameter)
        }
        Value::Array(items) => items.iter().any(declares_content_type_parameter),
        _ => false,
    }
}

/// Whether a schema is an object (a `type`, or `properties` without one).
fn is_object(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        || schema.get("type").is_none() && schema.get("properties").is_some()
}

/// Collects the properties of `multipart/form-data` schemas that are objects, or arrays of
/// them (`json`), and those that are arrays of anything else (`arrays`).
fn multipart_properties(
    node: &Value,
    root: &Value,
    json: &mut BTreeSet<String>,
    arrays: &mut BTreeSet<String>,
) {
    match node {
        Value::Object(map) => {
            let schema = map
                .get("multipart/form-data")
                .and_then(|media| media.get("schema"))
                .map(|schema| resolve(schema, root));
            let properties = schema
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object);
            for (name, property) in properties.into_iter().flatten() {
                let property = resolve(property, root);
                let items = property.get("items").map(|items| resolve(items, root));
                if is_object(property) || items.is_some_and(is_object) {
                    json.insert(name.clone());
                } else if items.is_some() {
                    arrays.insert(name.clone());
                }
            }
            for child in map.values() {
                multipart_properties(child, root, json, arrays);
            }
        }
        Value::Array(items) => {
            for item in items {
                multipart_properties(item, root, json, arrays);
            }
        }
        _ => {}
    }
}

/// The item schema of an array schema, references resolved.
fn items_of<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Value> {
    schema.get("items").map(|items| resolve(items, root))
}

/// Collects the names of non-path parameters whose schema is an array of objects, or an object
/// (outside `deepObject` style) with a property that is an object or an array of objects.
fn object_array_parameters(node: &Value, root: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            let parameter = map
                .get("in")
                .and_then(Value::as_str)
                .filter(|at| *at != "path");
            if let (Some(_), Some(name), Some(schema)) = (
                parameter,
                map.get("name").and_then(Value::as_str),
                map.get("schema"),
            ) {
                let schema = resolve(schema, root);
                let is_array = |s: &Value| s.get("type").and_then(Value::as_str) == Some("array");
                // An object's properties are written as text, except in `deepObject` style.
                let nested = map.get("style").and_then(Value::as_str) != Some("deepObject")
                    && schema
                        .get("properties")
                        .and_then(Value::as_object)
                        .is_some_and(|properties| {
                            properties.values().map(|p| resolve(p, root)).any(|p| {
                                is_object(p)
                                    || is_array(p) && items_of(p, root).is_some_and(is_object)
                            })
                        });
                if is_array(schema) && items_of(schema, root).is_some_and(is_object) || nested {
                    out.insert(name.to_string());
                }
            }
            for child in map.values() {
                object_array_parameters(child, root, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                object_array_parameters(item, root, out);
            }
        }
        _ => {}
    }
}

/// Collects, schema by schema, required names that neither the schema nor its `allOf`,
/// `oneOf` and `anyOf` parts declare, where no additional property could carry them. Parts of
/// an `allOf` are judged with their siblings, at the `allOf`.
fn walk(node: &Value, root: &Value, in_all_of: bool, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            let open = map
                .get("additionalProperties")
                .is_some_and(|a| a != &Value::Bool(false));
            if !in_all_of && !open {
                let required = required_names(node, root, 0);
                if !required.is_empty() {
                    let declared = declared_names(node, root, 0);
                    out.extend(required.difference(&declared).cloned());
                }
            }
            for (key, child) in map {
                if key == "allOf" {
                    for part in child.as_array().into_iter().flatten() {
                        walk(part, root, true, out);
                    }
                } else {
                    walk(child, root, false, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, root, false, out);
            }
        }
        _ => {}
    }
}

/// The schema a node stands for: itself, or what its local `$ref` points at.
fn resolve<'a>(node: &'a Value, root: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .unwrap_or(node),
        None => node,
    }
}

/// `required` of a schema and of its `allOf` parts.
fn required_names(node: &Value, root: &Value, depth: usize) -> BTreeSet<String> {
    let node = resolve(node, root);
    let mut out: BTreeSet<String> = node
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if depth < 16 {
        for part in node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(required_names(part, root, depth + 1));
        }
    }
    out
}

/// The properties a schema and its `allOf`, `oneOf` and `anyOf` parts declare.
fn declared_names(node: &Value, root: &Value, depth: usize) -> BTreeSet<String> {
    let node = resolve(node, root);
    let mut out: BTreeSet<String> = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    if depth < 16 {
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in node
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.extend(declared_names(part, root, depth + 1));
            }
        }
    }
    out
}

/// A known cause of failure that is not the generator's.
struct Rule {
    /// Which outcome it applies to (`request`, `response`).
    outcome: &'static str,
    class: Class,
    /// Recognizes the failure.
    matches: fn(&Facts) -> bool,
    /// Why it is not the client's fault.
    reason: &'static str,
}

/// What a rule looks at.
pub struct Facts<'a> {
    /// The whole report line, retries included.
    pub record: &'a Value,
    pub document: &'a DocumentFacts,
    pub status: Option<u64>,
    /// Prism's violations, `location: message`.
    pub violations: Vec<String>,
    pub detail: &'a str,
    pub response: &'a str,
}

impl<'a> Facts<'a> {
    pub fn of(record: &'a Value, document: &'a DocumentFacts) -> Self {
        let violations = record["violations"]
            .as_array()
            .map(|list| list.iter().map(violation_text).collect())
            .unwrap_or_default();
        Facts {
            record,
            document,
            status: record["status"].as_u64(),
            violations,
            detail: record["detail"].as_str().unwrap_or_default(),
            response: record["response"].as_str().unwrap_or_default(),
        }
    }

    /// Every violation (of this call and its retries) is a missing required property the
    /// document never declares.
    fn only_undeclared_required(&self) -> bool {
        let mut all = self.violations.clone();
        for mock in ["static", "proxy"] {
            if let Some(failure) = self.retry(mock) {
                if let Some(list) = failure["violations"].as_array() {
                    all.extend(list.iter().map(violation_text));
                }
            }
        }
        !all.is_empty()
            && all.iter().all(|v| {
                required_property(v)
                    .is_some_and(|name| self.document.undeclared_required.contains(name))
            })
    }

    /// The last request sent a form body (`a=1&b=2`) with a pair for every property the
    /// violations call missing.
    fn form_body_carries_the_missing_names(&self) -> bool {
        let Some(line) = self.record["requests"]
            .as_array()
            .and_then(|list| list.last())
            .and_then(Value::as_str)
        else {
            return false;
        };
        // `METHOD URL BODY`: a form body is the third field.
        let Some(body) = line.splitn(3, ' ').nth(2) else {
            return false;
        };
        let sent: BTreeSet<&str> = body
            .split('&')
            .filter_map(|pair| pair.split_once('=').map(|(name, _)| name))
            .collect();
        let missing: Vec<&str> = self
            .violations
            .iter()
            .filter_map(|v| required_property(v))
            .collect();
        !missing.is_empty() && missing.iter().all(|name| sent.contains(name))
    }

    /// The client refused to send an object inside an array parameter the document declares
    /// so.
    fn object_in_array_parameter(&self) -> bool {
        let refused = self
            .detail
            .split("parameter `")
            .nth(1)
            .and_then(|rest| rest.split_once("` is an object, which this location cannot carry"))
            .map(|(name, _)| name);
        refused.is_some_and(|name| self.document.object_array_parameters.contains(name))
    }

    /// Every violation says a JSON part of a multipart body is not an object or array: Prism
    /// validates each part as the text it is.
    fn multipart_json_part_as_text(&self) -> bool {
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                let Some(rest) = v.strip_prefix("request.body.") else {
                    return false;
                };
                let name = rest.split([':', '.']).next().unwrap_or_default();
                (v.ends_with("must be object") || v.ends_with("must be array"))
                    && self.document.multipart_json_properties.contains(name)
            })
    }

    /// Every violation says an array property of a multipart body is not an array: Prism keeps
    /// one part of each name.
    fn multipart_array_as_one_part(&self) -> bool {
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                let Some(rest) = v.strip_prefix("request.body.") else {
                    return false;
                };
                let name = rest.split([':', '.']).next().unwrap_or_default();
                v.ends_with("must be array")
                    && self.document.multipart_array_properties.contains(name)
            })
    }

    /// Every violation is about the `Content-Type` header, which the document declares as a
    /// parameter with values its body's media type does not have.
    fn content_type_parameter_contradicts_body(&self) -> bool {
        self.document.content_type_parameter
            && !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                v.to_ascii_lowercase()
                    .starts_with("request.header.content-type:")
            })
    }

    /// Every violation is a missing header the document declares as a parameter OpenAPI says
    /// to ignore (`Accept`, `Content-Type`, `Authorization`), which the client does not send
    /// as one.
    fn ignored_header_parameter_required(&self) -> bool {
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                v.strip_prefix("request.header: Request header must have required property '")
                    .and_then(|rest| rest.split('\'').next())
                    .is_some_and(|name| {
                        self.document
                            .reserved_header_parameters
                            .contains(&name.to_ascii_lowercase())
                    })
            })
    }

    /// The call's value hit a union that no value fits alone, and Prism says so.
    fn ambiguous_one_of(&self) -> bool {
        let ambiguous = self.record["ambiguous_unions"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        let said = |v: &String| v.contains("exactly one schema in oneOf");
        let retried = ["static", "proxy"].iter().any(|mock| {
            self.retry(mock).is_some_and(|f| {
                f["violations"]
                    .as_array()
                    .is_some_and(|l| l.iter().map(violation_text).any(|v| said(&v)))
            })
        });
        ambiguous && (self.violations.iter().any(said) || retried)
    }

    /// A violation says a discriminator property's value is not allowed, and the document
    /// gives that property's variants values other than their implicit tags.
    fn implicit_tag_outside_enum(&self) -> bool {
        self.violations.iter().any(|v| {
            v.contains("must be equal to one of the allowed values")
                && v.split(':').next().is_some_and(|location| {
                    let property = location.rsplit('.').next().unwrap_or(location);
                    self.document.implicit_tags_outside_enum.contains(property)
                })
        })
    }

    /// Every violation is a pattern or format one, and the made-up values met a schema whose
    /// pattern and format contradict each other.
    fn contradictory_string_schema(&self) -> bool {
        let contradictions = self.record["contradictions"]
            .as_array()
            .is_some_and(|c| !c.is_empty());
        contradictions
            && !self.violations.is_empty()
            && self
                .violations
                .iter()
                .all(|v| v.contains("must match pattern") || v.contains("must match format"))
    }

    /// Every violation is a missing path parameter the operation declares outside its path
    /// template.
    fn only_path_parameters_outside_template(&self) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                v.strip_prefix("request.path: Request path must have required property '")
                    .and_then(|rest| rest.split('\'').next())
                    .is_some_and(|name| {
                        self.document
                            .path_parameters_outside_template
                            .contains(&format!("{method} {path} {name}"))
                    })
            })
    }

    /// No request can tell the operation's path from another operation's, and the call was
    /// not made again alone (against a document without the other).
    fn wire_twin(&self) -> bool {
        if self.record["alone"] == true {
            return false;
        }
        self.operation_in(&self.document.wire_twins)
    }

    /// Prism found no route for the request of an operation with a server of its own.
    fn unrouted_own_server(&self) -> bool {
        self.status == Some(404)
            && self.response.contains("NO_PATH_MATCHED_ERROR")
            && self.operation_in(&self.document.own_servers)
    }

    /// Whether the call's operation (`METHOD /path`) is in a set of the document's facts.
    fn operation_in(&self, set: &BTreeSet<String>) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        set.contains(&format!("{method} {path}"))
    }

    /// Prism found no route for a path whose template it cannot read, or routed it to another
    /// path that has no such method.
    fn unroutable_template(&self) -> bool {
        let unrouted = self.status == Some(404) && self.response.contains("NO_PATH_MATCHED_ERROR")
            || self.status == Some(405) && self.response.contains("NO_METHOD_MATCHED_ERROR");
        unrouted && self.operation_in(&self.document.prism_unroutable_templates)
    }

    /// Prism refused the credentials, and the document names an API key header or cookie with
    /// a name no request can carry.
    fn unsendable_api_key(&self) -> bool {
        self.status == Some(401)
            && self.document.unsendable_api_keys
            && (self.response.contains("UNAUTHORIZED")
                || self.record["method"] == "HEAD" && self.response.is_empty())
    }

    /// A success answered without a body, for a Swagger 2.0 schema without `produces`.
    fn bodiless_without_produces(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
            && self.response.trim().is_empty()
            && self.detail.contains("EOF while parsing")
            && self.operation_in(&self.document.schemas_without_produces)
    }

    /// Prism refused the request only for query names the operation sends twice.
    fn only_query_name_collisions(&self) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        let located: Vec<&Value> = self.record["violations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| v["location"][0] == "request")
            .collect();
        !located.is_empty()
            && located.iter().all(|v| {
                let location = v["location"].as_array().map(Vec::as_slice).unwrap_or(&[]);
                location.get(1).is_some_and(|at| at == "query")
                    && location.last().and_then(Value::as_str).is_some_and(|name| {
                        self.document
                            .query_name_collisions
                            .contains(&format!("{method} {path} {name}"))
                    })
            })
    }

    /// Prism has no serializer for the answer's media type, or was given an object for a text
    /// one (Server-Sent Events: `text/event-stream` whose schema is the event object).
    fn cannot_serialize(&self) -> bool {
        let cannot = |text: &str| {
            text.contains("Cannot find serializer for")
                || text.contains("stoplight.io/prism/errors#NO_COMPLEX_OBJECT_TEXT")
        };
        cannot(self.response)
            || self
                .retry("static")
                .is_some_and(|s| s["response"].as_str().is_some_and(cannot))
    }

    /// Prism answered with its own problem: its answer broke the document, or it failed.
    fn prism_problem(&self, kind: &str) -> bool {
        self.status == Some(500)
            && self
                .response
                .contains(&format!("stoplight.io/prism/errors#{kind}"))
    }

    /// A retry (`static`, `proxy`) failed, and how.
    fn retry(&self, mock: &str) -> Option<&'a Value> {
        let failure = &self.record[format!("{mock}_failure")];
        (!failure.is_null()).then_some(failure)
    }
}

/// `name` of `…must have required property 'name'`.
fn required_property(violation: &str) -> Option<&str> {
    let rest = violation.split("must have required property '").nth(1)?;
    rest.split('\'').next()
}

/// `request.query.limit: must be integer`.
pub fn violation_text(v: &Value) -> String {
    let location = v["location"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    let message = v["message"].as_str().unwrap_or_default();
    if location.is_empty() {
        message.to_string()
    } else {
        format!("{location}: {message}")
    }
}

const RULES: &[Rule] = &[
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.unsendable_api_key(),
        reason: "the document names an API key header (or cookie) that no request can carry (`Authorization: Bearer` is not an HTTP field name); the client sends the key under the name's leading token, while Prism looks for the whole name",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.only_query_name_collisions(),
        reason: "the operation sends a query name twice: a property of an exploded `form` object parameter (OpenAPI's default) is named like another query parameter, so the server reads both values as one list",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| {
            f.status == Some(500)
                && f.response.contains("stoplight.io/prism/errors#UNKNOWN")
                && f.response.contains("but schema is not defined")
        },
        reason: "the answer's media type has no schema (`text/html: {}`), and Prism cannot make up an answer without one",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.unroutable_template(),
        reason: "the path template names a variable with a character regular expressions treat specially (`{id.value}`, as gRPC gateways write them); Prism's router escapes it, no longer finds the variable, and routes no request to this path",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.bodiless_without_produces(),
        reason: "the Swagger 2.0 document gives the response a schema but no media type (`produces`, on the operation or the document), so the client reads JSON, the usual default, while Prism answers without a body",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.unrouted_own_server(),
        reason: "the operation has a server of its own (`servers` on the operation or its path item, such as `/private`), so the client sends it under that server's path; Prism routes by `paths` alone and found no route",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.only_path_parameters_outside_template(),
        reason: "the operation declares a required path parameter its path template does not have, so no request can carry it (lenient generation leaves it out)",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.contradictory_string_schema(),
        reason: "a string's schema contradicts itself: the text its `pattern` matches is not of its `format` (a pattern written as a description, `YYYY-MM-DD`), so no value satisfies both",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.contradictory_string_schema(),
        reason: "a string's schema contradicts itself: the text its `pattern` matches is not of its `format`, so no answer satisfies both",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.implicit_tag_outside_enum(),
        reason: "the union's discriminator has no `mapping` for this variant, so OpenAPI makes its schema name the property's value, which the variant's own schema does not allow (its `enum` has other values)",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.wire_twin(),
        reason: "the operation's path differs from another operation's only by a fragment (`/items#app`, never sent), by a query string written into it (`/key?list`, which Prism's router ignores) or by the names of its templated segments (`/{a}/config`, `/{b}/config`, which OpenAPI forbids), so Prism cannot tell the two apart: it answered the other operation",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.wire_twin(),
        reason: "the operation's path differs from another operation's only by a fragment (`/items#app`, never sent), by a query string written into it (`/key?list`, which Prism's router ignores) or by the names of its templated segments (`/{a}/config`, `/{b}/config`, which OpenAPI forbids), so Prism cannot tell the two apart: it checked the request against the other operation",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.ignored_header_parameter_required(),
        reason: "Prism requires a header parameter named `Accept`, `Content-Type` or `Authorization`, which OpenAPI says to ignore (the client sends the body's media type and the credentials of the security schemes, not such a parameter)",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.content_type_parameter_contradicts_body(),
        reason: "the document declares a `Content-Type` header parameter whose values are not the request body's media type; OpenAPI ignores such a parameter, so the client sends the body's media type, which Prism then checks against the parameter",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.multipart_json_part_as_text(),
        reason: "an object property of a multipart body is sent as an `application/json` part (OpenAPI's default encoding), and Prism validates the part's text without parsing it",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.multipart_array_as_one_part(),
        reason: "an array property of a multipart body is sent as one part per item (OpenAPI's default), and Prism keeps only one part of each name, so it sees a string where the schema wants an array",
    },
    Rule {
        outcome: "build",
        class: Class::Spec,
        matches: |f| f.object_in_array_parameter(),
        reason: "the parameter is an array of objects, or an object with an object-valued property outside `deepObject` style, and OpenAPI's parameter styles define no encoding for an object inside an array or another object (the document would need `content` with a media type), so the client refuses to guess one",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.only_undeclared_required() && f.form_body_carries_the_missing_names(),
        reason: "the form body carries a property the schema requires without declaring it (the client keeps it among the extra properties), but Prism reads a form body by the declared properties only and drops the rest before validating",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.only_undeclared_required(),
        reason: "the schema requires a property it does not declare (its `required` and `properties` disagree, e.g. `name` and `Name`), so no value the client's types can hold satisfies it",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.only_undeclared_required(),
        reason: "the schema requires a property it does not declare (its `required` and `properties` disagree, e.g. `name` and `Name`), so no answer satisfies it",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.ambiguous_one_of(),
        reason: "the `oneOf` variants overlap: no value fits exactly one of them (each variant's required properties, types, enums, formats and bounds considered)",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.ambiguous_one_of(),
        reason: "the `oneOf` variants overlap: no answer fits exactly one of them (each variant's required properties, types, enums, formats and bounds considered)",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| {
            f.record["method"] == "HEAD" && f.prism_problem("VIOLATIONS")
                || f.record["method"] == "HEAD"
                    && f.status == Some(500)
                    && f.response.is_empty()
                    && !f.violations.is_empty()
        },
        reason: "Prism checks its own answer to a HEAD request against the body schema, though an answer to HEAD has no body",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.cannot_serialize(),
        reason: "Prism cannot produce (or read) the document's media type for this answer",
    },
    Rule {
        // Its problem answer has a status the operation documents, so the client returned it
        // as the operation's error.
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.cannot_serialize(),
        reason: "Prism cannot produce the document's media type for this answer, and answered with a problem whose status the operation documents",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.prism_problem("NO_RESPONSE_RESPONSE_DEFINED"),
        reason: "the operation documents no response (OpenAPI requires at least one), so there is nothing to answer",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.record["prism_stopped"] == true && f.status.is_none(),
        reason: "Prism stopped, or stopped answering, on this call (out of memory or busy for minutes generating or validating; it was started again for the others)",
    },
    Rule {
        outcome: "response",
        class: Class::Generator,
        matches: |f| {
            f.retry("proxy").is_some_and(|p| {
                p["outcome"] == "response"
                    && p["status"] != 500
                    && p["violations"].as_array().is_none_or(Vec::is_empty)
            })
        },
        reason: "the client cannot decode an answer that Prism's validator accepts (made up from the schema, through a Prism proxy)",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.prism_problem("VIOLATIONS") && f.retry("proxy").is_some(),
        reason: "Prism cannot make a valid answer for this schema, and neither the document's examples (static Prism) nor an answer made up from the schema satisfied its validator, so decoding was not checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| super::serve::answer_breaks_types(f.record),
        reason: "Prism's answer breaks what the document says in a way its validator does not check (a value beyond its format's range, e.g. `uint8`), and no other answer could be checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| {
            f.prism_problem("UNKNOWN") && f.response.contains("Maximum call stack size exceeded")
        },
        reason: "Prism's answer generator (json-schema-faker) overflows its stack on this recursive schema, and no other answer could be checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| {
            f.prism_problem("UNKNOWN") && f.retry("static").is_some() && f.retry("proxy").is_some()
        },
        reason: "Prism's answer generator fails with an error of its own on this schema, and neither the document's examples (static Prism) nor an answer made up from the schema satisfied its validator, so decoding was not checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.prism_problem("VIOLATIONS"),
        reason: "Prism's generated answer breaks the document's schema (json-schema-faker leaves out required properties where it cuts a recursion), and no other answer could be checked",
    },
];

/// The class of a failure and the reason for it.
pub fn classify(record: &Value, document: &DocumentFacts) -> (Class, String) {
    let outcome = record["outcome"].as_str().unwrap_or_default();
    let facts = Facts::of(record, document);
    if let Some(rule) = RULES
        .iter()
        .find(|r| r.outcome == outcome && (r.matches)(&facts))
    {
        return (rule.class, with_evidence(rule.reason, &facts));
    }
    let reason = match outcome {
        "build" => format!("the client could not make the request: {}", facts.detail),
        "request" if !facts.violations.is_empty() => {
            format!(
                "Prism rejected the request: {}",
                facts.violations.join("; ")
            )
        }
        "request" => format!("the request failed: {}", facts.detail),
        "response" => format!("the answer was not understood: {}", facts.detail),
        other => format!("unexpected outcome `{other}`: {}", facts.detail),
    };
    (Class::Generator, reason)
}

/// A rule's reason with what was observed.
fn with_evidence(reason: &str, facts: &Facts) -> String {
    let evidence = if facts.violations.is_empty() {
        clip(if facts.detail.is_empty() {
            facts.response
        } else {
            facts.detail
        })
    } else {
        clip(&facts.violations.join("; "))
    };
    if evidence.is_empty() {
        reason.to_string()
    } else {
        format!("{reason}: {evidence}")
    }
}

fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}
