//! What a document says that explains a failed smoke test: facts gathered once per document
//! by walking its tree (parameters, schemas, paths, security schemes), which the rules of
//! `classify` then look up by operation.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
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
    /// Operations whose responses name media ranges only (`*/*`, springfox's 2.0 `produces`):
    /// the client asks for JSON, the ranges' concrete reading, and Prism, which matches the
    /// ranges literally, answers 406.
    pub range_only_responses: BTreeSet<String>,
    /// Operations whose path key is no OpenAPI path template: it holds an RFC 6570 expression
    /// with an operator (`{?page,size}`, `{+path}`) or a query string (`?beta=true`).
    pub paths_not_templates: BTreeSet<String>,
    /// `METHOD /path name` of query parameters whose `enum` lists values of another JSON type
    /// than the parameter's `type` (NHS's `type: string, enum: [true, false]`).
    pub enums_of_another_type: BTreeSet<String>,
    /// Operations of a Swagger 2.0 document with a body (`in: body` or `formData`) but no
    /// `consumes` (the operation's nor the document's): the client sends JSON, while Prism
    /// accepts no media type and answers 415.
    pub bodies_without_consumes: BTreeSet<String>,
    /// Swagger 2.0 operations with `formData` parameters whose `consumes` names no form type
    /// (`application/x-www-form-urlencoded` or `multipart/form-data`), which 2.0 requires.
    pub form_data_without_form_consumes: BTreeSet<String>,
    /// `METHOD /path name` of query names an operation sends twice: a property of an object
    /// parameter in `form` style, exploded (OpenAPI's default), shares its name with another
    /// query parameter or another such property, so the server reads a list.
    pub query_name_collisions: BTreeSet<String>,
    /// An API key scheme is sent in a header or cookie whose name is not an HTTP token
    /// (`Authorization: Bearer`): the client sends the name's leading token, while Prism looks
    /// for the whole name.
    pub unsendable_api_keys: bool,
    /// A schema closes a tuple with `items: false` beside `prefixItems` (JSON Schema 2020-12).
    /// Prism's validator reads `items` as the older drafts do, for every element, and so
    /// refuses every element of such a tuple.
    pub tuples_closed_by_items_false: bool,
    /// A Swagger 2.0 or OpenAPI 3.0 schema puts `additionalProperties: false` beside a `$ref`.
    /// Those versions ignore a reference's siblings, and so does the client; Prism applies it
    /// to the referenced object, whose properties it then refuses.
    pub closed_beside_a_reference: bool,
    /// `METHOD /path name` of query parameters whose schema is a tuple (`prefixItems`) without
    /// `items`: Prism reads a query list only through `items`, and keeps one value.
    pub tuple_query_parameters: BTreeSet<String>,
    /// `METHOD /path name` of `deepObject` query parameters whose name, or a property's name,
    /// has an upper-case letter: Prism reads them lower-cased and misses them.
    pub deep_objects_with_upper_case_keys: BTreeSet<String>,
    /// `METHOD /path` of OpenAPI 3.2 operations under `query` or `additionalOperations`
    /// (`QUERY /books`, `COPY /books/{id}`): Prism routes none of them.
    pub additional_method_operations: BTreeSet<String>,
    /// `METHOD /path` of operations whose request body is multipart of another type than
    /// `multipart/form-data` (`multipart/related`): Prism reads no fields out of it.
    pub other_multipart_bodies: BTreeSet<String>,
    /// `METHOD /path name` of `spaceDelimited` query parameters: Prism splits their value on
    /// the text `%20` after decoding it, so it never finds the items.
    pub space_delimited_parameters: BTreeSet<String>,
    /// `METHOD /path` of operations without `responses` (or with none listed), which OpenAPI
    /// requires: Prism has nothing to answer them with.
    pub operations_without_responses: BTreeSet<String>,
    /// `METHOD /path name` of query parameters whose default is the empty string while they
    /// do not allow an empty value (`allowEmptyValue` is false unless set): the default is a
    /// value the parameter refuses.
    pub empty_default_query_parameters: BTreeSet<String>,
    /// `METHOD /path name` of query parameters whose name has a character outside ASCII: a
    /// request carries it percent-encoded (RFC 3986).
    pub non_ascii_query_parameters: BTreeSet<String>,
    /// `METHOD /path name` of query parameters the document writes as something that is not
    /// a parameter: a `$ref` to a schema beside `name` and `in` (siblings of a `$ref` are
    /// ignored), or, in a Swagger 2.0 document, `type: object` or a `schema` outside the body
    /// (2.0 allows only simple types there). Lenient generation leaves out or loosens them.
    pub defective_query_parameters: BTreeSet<String>,
    /// Names of Swagger 2.0 `formData` arrays in URL-encoded forms: sent as their
    /// `collectionFormat` joins them (`csv` by default), in one field.
    pub joined_form_arrays: BTreeSet<String>,
    /// `METHOD /path name` of Swagger 2.0 query parameters with `collectionFormat: tsv`
    /// (items joined by tabs), which OpenAPI 3 has no style for.
    pub tab_separated_query_parameters: BTreeSet<String>,
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
        let mut range_only = BTreeSet::new();
        let mut not_templates = BTreeSet::new();
        let mut enums_of_another_type = BTreeSet::new();
        let mut without_consumes = BTreeSet::new();
        let mut form_data_not_form = BTreeSet::new();
        let mut collisions = BTreeSet::new();
        let mut unsendable_api_keys = false;
        let mut closed_tuples = false;
        let mut closed_beside_ref = false;
        let mut tuple_queries = BTreeSet::new();
        let mut upper_case_deep_objects = BTreeSet::new();
        let mut additional_methods = BTreeSet::new();
        let mut other_multipart = BTreeSet::new();
        let mut space_delimited = BTreeSet::new();
        let mut without_responses = BTreeSet::new();
        let mut empty_defaults = BTreeSet::new();
        let mut non_ascii = BTreeSet::new();
        let mut defective = BTreeSet::new();
        let mut tab_separated = BTreeSet::new();
        let mut joined_form_arrays = BTreeSet::new();
        for spec in specs {
            let tree: Option<Value> = std::fs::read_to_string(spec)
                .ok()
                .and_then(|text| generator::parse_tree(spec, &text).ok());
            if let Some(tree) = tree {
                walk(&tree, &tree, false, &mut undeclared);
                object_array_parameters(&tree, &tree, &mut object_arrays);
                multipart_properties(&tree, &tree, &mut multipart_json, &mut multipart_arrays);
                swagger2_form_arrays(&tree, &mut multipart_arrays, &mut joined_form_arrays);
                content_type_parameter |= declares_content_type_parameter(&tree);
                reserved_header_parameters(&tree, &mut reserved);
                wire_twin_operations(&tree, &mut wire_twins);
                implicit_tags_outside_enum(&tree, &tree, &mut implicit_tags);
                path_parameters_outside_template(&tree, &mut outside_template);
                operations_with_own_servers(&tree, &mut own_servers);
                prism_unroutable_templates(&tree, &mut unroutable);
                schemas_without_produces(&tree, &mut without_produces);
                range_only_responses(&tree, &mut range_only);
                paths_not_templates(&tree, &mut not_templates);
                query_parameters_where(&tree, &mut enums_of_another_type, |p, schema| {
                    // A Swagger 2.0 parameter is its own schema.
                    let schema = schema.unwrap_or(p);
                    let kind = schema.get("type").and_then(Value::as_str);
                    let values = schema.get("enum").and_then(Value::as_array);
                    kind.zip(values).is_some_and(|(kind, values)| {
                        values
                            .iter()
                            .any(|v| !v.is_null() && !is_json_type(v, kind))
                    })
                });
                bodies_without_consumes(&tree, &mut without_consumes, &mut form_data_not_form);
                query_name_collisions(&tree, &mut collisions);
                unsendable_api_keys |= has_unsendable_api_key(&tree);
                closed_tuples |= has_tuple_closed_by_items_false(&tree);
                // 3.1 reads a reference's siblings (JSON Schema 2020-12).
                let ignores_siblings = tree["openapi"]
                    .as_str()
                    .is_none_or(|version| version.starts_with("3.0"));
                closed_beside_ref |= ignores_siblings && has_closing_sibling_of_a_ref(&tree);
                tuple_query_parameters(&tree, &mut tuple_queries);
                deep_objects_with_upper_case_keys(&tree, &mut upper_case_deep_objects);
                additional_method_operations(&tree, &mut additional_methods);
                other_multipart_bodies(&tree, &mut other_multipart);
                query_parameters_where(&tree, &mut space_delimited, |p, _| {
                    p.get("style").and_then(Value::as_str) == Some("spaceDelimited")
                });
                operations_without_responses(&tree, &mut without_responses);
                query_parameters_where(&tree, &mut empty_defaults, |p, schema| {
                    let default = p.get("default").or_else(|| schema?.get("default"));
                    default.and_then(Value::as_str) == Some("")
                        && p.get("allowEmptyValue") != Some(&Value::Bool(true))
                });
                query_parameters_where(&tree, &mut non_ascii, |p, _| {
                    p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|name| !name.is_ascii())
                });
                defective_query_parameters(&tree, &mut defective);
                query_parameters_where(&tree, &mut tab_separated, |p, _| {
                    p.get("collectionFormat").and_then(Value::as_str) == Some("tsv")
                });
            }
        }
        DocumentFacts {
            undeclared_required: undeclared,
            object_array_parameters: object_arrays,
            multipart_json_properties: multipart_json,
            multipart_array_properties: multipart_arrays,
            joined_form_arrays,
            content_type_parameter,
            reserved_header_parameters: reserved,
            wire_twins,
            implicit_tags_outside_enum: implicit_tags,
            path_parameters_outside_template: outside_template,
            own_servers,
            prism_unroutable_templates: unroutable,
            schemas_without_produces: without_produces,
            range_only_responses: range_only,
            paths_not_templates: not_templates,
            enums_of_another_type,
            bodies_without_consumes: without_consumes,
            form_data_without_form_consumes: form_data_not_form,
            query_name_collisions: collisions,
            unsendable_api_keys,
            tuples_closed_by_items_false: closed_tuples,
            closed_beside_a_reference: closed_beside_ref,
            tuple_query_parameters: tuple_queries,
            deep_objects_with_upper_case_keys: upper_case_deep_objects,
            additional_method_operations: additional_methods,
            other_multipart_bodies: other_multipart,
            space_delimited_parameters: space_delimited,
            operations_without_responses: without_responses,
            empty_default_query_parameters: empty_defaults,
            non_ascii_query_parameters: non_ascii,
            defective_query_parameters: defective,
            tab_separated_query_parameters: tab_separated,
        }
    }
}

/// Collects `METHOD /path` of the operations whose `responses` is missing or empty.
fn operations_without_responses(tree: &Value, out: &mut BTreeSet<String>) {
    for (path, method, _, operation) in operations(tree) {
        let listed = operation
            .get("responses")
            .and_then(Value::as_object)
            .is_some_and(|r| !r.is_empty());
        if !listed {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
}

/// Collects `METHOD /path name` of the query parameters (the operation's and its path
/// item's) written as something that is not a parameter: a `$ref` beside `name` and
/// `in: query` whose target has no `in` (a schema), or in a Swagger 2.0 document a query
/// parameter with `type: object` or a `schema`.
fn defective_query_parameters(tree: &Value, out: &mut BTreeSet<String>) {
    let swagger2 = tree.get("swagger").is_some();
    for (path, method, item, operation) in operations(tree) {
        let entries = [item.get("parameters"), operation.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten();
        for entry in entries {
            let defective = if entry.get("$ref").is_some() {
                // A `$ref` that does not resolve is not judged here.
                let target = resolve(entry, tree);
                !std::ptr::eq(target, entry) && target.get("in").is_none()
            } else {
                swagger2
                    && (entry.get("type").and_then(Value::as_str) == Some("object")
                        || entry.get("schema").is_some())
            };
            let query = entry.get("in").and_then(Value::as_str) == Some("query");
            let name = entry.get("name").and_then(Value::as_str);
            if let (true, true, Some(name)) = (defective, query, name) {
                out.insert(format!("{} {path} {name}", method.to_ascii_uppercase()));
            }
        }
    }
}

/// Collects `METHOD /path name` of query parameters whose schema has `prefixItems` and no
/// `items` schema.
fn tuple_query_parameters(tree: &Value, out: &mut BTreeSet<String>) {
    query_parameters_where(tree, out, |_, schema| {
        schema.is_some_and(|s| {
            s.get("prefixItems").is_some() && !s.get("items").is_some_and(Value::is_object)
        })
    });
}

/// Collects `METHOD /path name` of the query parameters (the operation's and its path
/// item's) that `wanted` holds for, given the parameter and its schema.
fn query_parameters_where(
    tree: &Value,
    out: &mut BTreeSet<String>,
    wanted: impl Fn(&Value, Option<&Value>) -> bool,
) {
    for (path, method, item, operation) in operations(tree) {
        let parameters = query_parameters(item.get("parameters"), tree)
            .into_iter()
            .chain(query_parameters(operation.get("parameters"), tree));
        for parameter in parameters {
            let schema = parameter.get("schema").map(|s| resolve(s, tree));
            let name = parameter.get("name").and_then(Value::as_str);
            if let (true, Some(name)) = (wanted(parameter, schema), name) {
                out.insert(format!("{} {path} {name}", method.to_ascii_uppercase()));
            }
        }
    }
}

/// Collects `METHOD /path name` of `deepObject` query parameters whose schema has a property
/// named with an upper-case letter.
fn deep_objects_with_upper_case_keys(tree: &Value, out: &mut BTreeSet<String>) {
    let upper = |text: &str| text.chars().any(char::is_uppercase);
    query_parameters_where(tree, out, |parameter, schema| {
        let deep = parameter.get("style").and_then(Value::as_str) == Some("deepObject");
        let named_upper = parameter
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(upper);
        let keys_upper = schema
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .is_some_and(|p| p.keys().any(|k| upper(k)));
        deep && (named_upper || keys_upper)
    });
}

/// Collects `METHOD /path` of operations with a request body whose only media types are
/// multipart ones other than `multipart/form-data`.
fn other_multipart_bodies(tree: &Value, out: &mut BTreeSet<String>) {
    for (path, method, _, operation) in operations(tree) {
        let body = operation.get("requestBody").map(|b| resolve(b, tree));
        let types: Vec<String> = body
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
            .map(|content| content.keys().map(|k| k.to_ascii_lowercase()).collect())
            .unwrap_or_default();
        let other =
            |t: &String| t.starts_with("multipart/") && !t.starts_with("multipart/form-data");
        if !types.is_empty() && types.iter().all(other) {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
}

/// Collects `METHOD /path` of the path items' 3.2 `query` and `additionalOperations`.
fn additional_method_operations(tree: &Value, out: &mut BTreeSet<String>) {
    let paths = tree.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        if item.get("query").is_some_and(Value::is_object) {
            out.insert(format!("QUERY {path}"));
        }
        let others = item.get("additionalOperations").and_then(Value::as_object);
        for method in others.into_iter().flatten().map(|(method, _)| method) {
            out.insert(format!("{method} {path}"));
        }
    }
}

/// Whether some object of the document has `prefixItems` beside `items: false`.
fn has_tuple_closed_by_items_false(node: &Value) -> bool {
    match node {
        Value::Object(map) => {
            (map.contains_key("prefixItems") && map.get("items") == Some(&Value::Bool(false)))
                || map.values().any(has_tuple_closed_by_items_false)
        }
        Value::Array(items) => items.iter().any(has_tuple_closed_by_items_false),
        _ => false,
    }
}

fn has_closing_sibling_of_a_ref(node: &Value) -> bool {
    match node {
        Value::Object(map) => {
            (map.contains_key("$ref")
                && map.get("additionalProperties") == Some(&Value::Bool(false)))
                || map.values().any(has_closing_sibling_of_a_ref)
        }
        Value::Array(items) => items.iter().any(has_closing_sibling_of_a_ref),
        _ => false,
    }
}

/// Whether an API key scheme (3.x `components.securitySchemes`, 2.0 `securityDefinitions`) is
/// sent in a header or cookie whose name is not an HTTP token.
fn has_unsendable_api_key(tree: &Value) -> bool {
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
            && scheme["name"]
                .as_str()
                .is_some_and(|name| !generator::is_http_token(name))
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

/// Collects `METHOD /path` of operations whose path key holds an RFC 6570 expression with an
/// operator or a query string.
fn paths_not_templates(tree: &Value, out: &mut BTreeSet<String>) {
    let operators = ['?', '&', '+', '#', '.', '/', ';'];
    for (path, method, _, _) in operations(tree) {
        let expression = path
            .split('{')
            .skip(1)
            .any(|rest| rest.starts_with(operators));
        let mut depth = 0_usize;
        let mut query = false;
        for c in path.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                '?' if depth == 0 => query = true,
                _ => {}
            }
        }
        if expression || query {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
}

/// Whether `value` is of the JSON Schema type `kind` (an unknown type admits anything).
fn is_json_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// Collects `METHOD /path` of operations whose responses name media types, all of them ranges:
/// 2.0's `produces` (the operation's or the document's), 3.x responses' `content` keys.
fn range_only_responses(tree: &Value, out: &mut BTreeSet<String>) {
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    for (path, method, _, operation) in operations(tree) {
        let media: Vec<String> = match tree.get("swagger") {
            Some(_) => names(operation.get("produces").unwrap_or(&tree["produces"])),
            None => operation["responses"]
                .as_object()
                .into_iter()
                .flat_map(|responses| responses.values())
                .filter_map(|r| resolve(r, tree).get("content")?.as_object())
                .flat_map(|content| content.keys().cloned())
                .collect(),
        };
        if !media.is_empty() && media.iter().all(|m| m.contains('*')) {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
}

/// The media types a Swagger 2.0 operation consumes: its own `consumes`, else the document's.
fn swagger2_consumes<'a>(tree: &'a Value, operation: &'a Value) -> Vec<&'a str> {
    operation
        .get("consumes")
        .or_else(|| tree.get("consumes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// Collects the Swagger 2.0 operations with a body parameter (`body` or `formData`, their own or
/// their path item's) and no `consumes`, their own nor the document's (`none`), and those with
/// `formData` parameters whose `consumes` names no form type (`not_form`).
fn bodies_without_consumes(
    tree: &Value,
    none: &mut BTreeSet<String>,
    not_form: &mut BTreeSet<String>,
) {
    if tree.get("swagger").is_none() {
        return;
    }
    for (path, method, item, operation) in operations(tree) {
        let consumes = swagger2_consumes(tree, operation);
        let places: Vec<&str> = [item, operation]
            .iter()
            .filter_map(|node| node.get("parameters").and_then(Value::as_array))
            .flatten()
            .map(|p| resolve(p, tree))
            .filter_map(|p| p.get("in").and_then(Value::as_str))
            .collect();
        let key = format!("{} {path}", method.to_ascii_uppercase());
        let with_body = places.iter().any(|p| *p == "body" || *p == "formData");
        let form = |m: &&str| {
            let m = m.to_ascii_lowercase();
            m.starts_with("application/x-www-form-urlencoded")
                || m.starts_with("multipart/form-data")
        };
        if with_body && consumes.is_empty() {
            none.insert(key);
        } else if places.contains(&"formData") && !consumes.iter().any(form) {
            not_form.insert(key);
        }
    }
}

/// Collects the names of Swagger 2.0 `formData` arrays: into `multipart` when the operation
/// consumes `multipart/form-data` (one part per item), else into `joined` (one field, joined
/// as `collectionFormat` says).
fn swagger2_form_arrays(
    tree: &Value,
    multipart: &mut BTreeSet<String>,
    joined: &mut BTreeSet<String>,
) {
    if tree.get("swagger").is_none() {
        return;
    }
    for (_, _, item, operation) in operations(tree) {
        let is_multipart = swagger2_consumes(tree, operation)
            .iter()
            .any(|m| m.to_ascii_lowercase().starts_with("multipart/form-data"));
        let arrays = [item, operation]
            .into_iter()
            .filter_map(|node| node.get("parameters").and_then(Value::as_array))
            .flatten()
            .map(|p| resolve(p, tree))
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("formData"))
            .filter(|p| p.get("type").and_then(Value::as_str) == Some("array"))
            .filter_map(|p| p.get("name").and_then(Value::as_str));
        for name in arrays {
            match is_multipart {
                true => multipart.insert(name.to_string()),
                false => joined.insert(name.to_string()),
            };
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
            // A Swagger 2.0 parameter outside the body is its own schema (`type`, `items`).
            let schema = map.get("schema").unwrap_or(node);
            if let (Some(_), Some(name)) = (parameter, map.get("name").and_then(Value::as_str)) {
                let schema = resolve(schema, root);
                // `items` without a `type` makes an array, as the generator reads it.
                let is_array = |s: &Value| match s.get("type").and_then(Value::as_str) {
                    Some(kind) => kind == "array",
                    None => s.get("items").is_some(),
                };
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
