//! Swagger 2.0 → OpenAPI 3.0.
//!
//! - `host`, `basePath`, `schemes` → `servers`
//! - `definitions`, `parameters`, `responses`, `securityDefinitions` → `components`
//! - `in: body` parameters → `requestBody`; `in: formData` parameters → a form or multipart body
//! - `consumes` / `produces` (document and operation level) → media types
//! - `x-nullable` → `nullable`; `type: file` → `type: string, format: binary`
//! - `collectionFormat` → `style` / `explode`
//! - security definitions: `basic` → http basic, `oauth2` flows renamed

use serde_json::{Map, Value, json};

use super::{Converted, Note, PointerMap};
use crate::diagnostics::escape_pointer_token;
use crate::grammar::{self, Dialect, Kind, TAB_DELIMITED};

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];
/// Keywords a non-body 2.0 parameter carries that belong in its 3.0 `schema`.
/// The schema keywords of a 2.0 parameter (`properties` and `additionalProperties` belong only to
/// body schemas, but `type: object` parameters carry them in real documents).
const SCHEMA_KEYS: [&str; 18] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "properties",
    "additionalProperties",
];

pub fn from_swagger2(doc: &Value) -> Converted {
    let mut cx = Cx {
        notes: Vec::new(),
        pointers: PointerMap::default(),
        doc,
    };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for key in ["info", "tags", "externalDocs"] {
        if let Some(v) = doc.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for (k, v) in doc
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("x-"))
    {
        out.insert(k.clone(), v.clone());
    }
    if let Some(servers) = cx.servers() {
        out.insert("servers".into(), servers);
    }
    if let Some(security) = doc.get("security") {
        out.insert("security".into(), security.clone());
    }
    let components = cx.components();
    let paths = cx.paths();
    out.insert("paths".into(), paths);
    out.insert("components".into(), components);
    let mut document = Value::Object(out);
    convert_schemas(&mut document);
    let body_params = body_parameter_names(doc);
    grammar::rewrite_references(&mut document, Dialect::OpenApi30, &mut |r, _| {
        if let Some(name) = r.strip_prefix("#/definitions/") {
            Some(format!("#/components/schemas/{name}"))
        } else if let Some(name) = r.strip_prefix("#/parameters/") {
            if body_params.iter().any(|b| b == name) {
                Some(format!("#/components/requestBodies/{name}"))
            } else {
                Some(format!("#/components/parameters/{name}"))
            }
        } else {
            r.strip_prefix("#/responses/")
                .map(|name| format!("#/components/responses/{name}"))
        }
    });
    Converted {
        document,
        notes: cx.notes,
        pointers: cx.pointers,
    }
}

fn body_parameter_names(doc: &Value) -> Vec<String> {
    doc.get("parameters")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("body"))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// A 2.0 parameter list split by where each parameter goes in 3.0.
#[derive(Default)]
struct SplitParameters {
    params: Vec<Value>,
    /// The `in: body` parameter and its index.
    body: Option<(usize, Value)>,
    /// The `in: formData` parameters and their indices.
    form: Vec<(usize, Value)>,
}

/// The body or form parameters a path item gives its operations.
struct Inherited {
    body: Option<(usize, Value)>,
    form: Vec<(usize, Value)>,
    /// The path item's pointer.
    pointer: String,
}

struct Cx<'d> {
    notes: Vec<Note>,
    pointers: PointerMap,
    doc: &'d Value,
}

impl Cx<'_> {
    fn note(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    fn servers(&mut self) -> Option<Value> {
        let schemes = scheme_list(self.doc.get("schemes"));
        self.server_urls(&schemes)
    }

    /// An operation's own `schemes` (2.0 lets an operation narrow the document's, say to
    /// `https` only) as its `servers`; none where they are the document's, or where there is no
    /// `host` to put them before.
    fn operation_servers(&self, schemes: &Value) -> Option<Value> {
        let own = scheme_list(Some(schemes));
        let document = scheme_list(self.doc.get("schemes"));
        let same = |a: &[&str], b: &[&str]| a.iter().all(|s| b.contains(s)) && a.len() == b.len();
        let host = self.doc.get("host").and_then(Value::as_str);
        if own.is_empty() || host.is_none() || same(&own, &document) {
            return None;
        }
        self.server_urls(&own)
    }

    fn server_urls(&self, schemes: &[&str]) -> Option<Value> {
        let host = self.doc.get("host").and_then(Value::as_str);
        let base = self
            .doc
            .get("basePath")
            .and_then(Value::as_str)
            .unwrap_or("");
        let urls: Vec<String> = match host {
            // Without `schemes`, 2.0 means "the scheme the document was fetched with": https.
            Some(host) if schemes.is_empty() => vec![format!("https://{host}{base}")],
            Some(host) => schemes
                .iter()
                .map(|s| format!("{s}://{host}{base}"))
                .collect(),
            None if !base.is_empty() => vec![base.to_string()],
            None => return None,
        };
        Some(Value::Array(
            urls.into_iter().map(|url| json!({"url": url})).collect(),
        ))
    }

    fn media_types(&self, op: Option<&Value>, key: &str) -> Vec<String> {
        let from = |v: Option<&Value>| {
            v.and_then(|v| v.get(key))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
        };
        from(op)
            .or_else(|| from(Some(self.doc)))
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| vec!["application/json".into()])
    }

    fn components(&mut self) -> Value {
        let mut components = Map::new();
        if let Some(defs) = self.doc.get("definitions") {
            components.insert("schemas".into(), defs.clone());
            self.pointers.add("/components/schemas", "/definitions");
        }
        let mut parameters = Map::new();
        let mut bodies = Map::new();
        for (name, p) in self
            .doc
            .get("parameters")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let pointer = format!("/parameters/{}", escape_pointer_token(name));
            match p.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let consumes = self.media_types(None, "consumes");
                    bodies.insert(name.clone(), body_from_parameter(p, &consumes));
                    self.pointers.add(
                        format!("/components/requestBodies/{}", escape_pointer_token(name)),
                        pointer,
                    );
                }
                Some("formData") => {
                    self.note(pointer, "a shared `formData` parameter is not supported; operations that use it lose it");
                }
                _ => {
                    parameters.insert(name.clone(), self.parameter(p, &pointer));
                    self.pointers.add(
                        format!("/components/parameters/{}", escape_pointer_token(name)),
                        pointer,
                    );
                }
            }
        }
        if !parameters.is_empty() {
            components.insert("parameters".into(), Value::Object(parameters));
        }
        if !bodies.is_empty() {
            components.insert("requestBodies".into(), Value::Object(bodies));
        }
        if let Some(responses) = self.doc.get("responses").and_then(Value::as_object) {
            let produces = self.media_types(None, "produces");
            let converted: Map<String, Value> = responses
                .iter()
                .map(|(k, r)| (k.clone(), response(r, &produces)))
                .collect();
            components.insert("responses".into(), Value::Object(converted));
            self.pointers.add("/components/responses", "/responses");
        }
        if let Some(defs) = self
            .doc
            .get("securityDefinitions")
            .and_then(Value::as_object)
        {
            let mut schemes = Map::new();
            for (name, def) in defs {
                let pointer = format!("/securityDefinitions/{}", escape_pointer_token(name));
                if let Some(scheme) = self.security_scheme(def, &pointer) {
                    schemes.insert(name.clone(), scheme);
                }
            }
            components.insert("securitySchemes".into(), Value::Object(schemes));
            self.pointers
                .add("/components/securitySchemes", "/securityDefinitions");
        }
        Value::Object(components)
    }

    fn security_scheme(&mut self, def: &Value, pointer: &str) -> Option<Value> {
        let description = def.get("description").cloned();
        let mut scheme = match def.get("type").and_then(Value::as_str) {
            Some("basic") => json!({"type": "http", "scheme": "basic"}),
            Some("apiKey") => {
                json!({"type": "apiKey", "name": def.get("name"), "in": def.get("in")})
            }
            Some("oauth2") => {
                let scopes = def.get("scopes").cloned().unwrap_or_else(|| json!({}));
                let (flow, fields) = match def.get("flow").and_then(Value::as_str) {
                    Some("implicit") => ("implicit", vec!["authorizationUrl"]),
                    Some("password") => ("password", vec!["tokenUrl"]),
                    Some("application") => ("clientCredentials", vec!["tokenUrl"]),
                    _ => ("authorizationCode", vec!["authorizationUrl", "tokenUrl"]),
                };
                let mut f = Map::new();
                for field in fields {
                    f.insert(
                        field.into(),
                        def.get(field).cloned().unwrap_or_else(|| json!("")),
                    );
                }
                f.insert("scopes".into(), scopes);
                json!({"type": "oauth2", "flows": {flow: f}})
            }
            other => {
                self.note(
                    pointer,
                    format!("security definition type {other:?} is not Swagger 2.0; ignored"),
                );
                return None;
            }
        };
        if let (Some(d), Some(map)) = (description, scheme.as_object_mut()) {
            map.insert("description".into(), d);
        }
        Some(scheme)
    }

    fn paths(&mut self) -> Value {
        let mut paths = Map::new();
        let Some(source) = self.doc.get("paths").and_then(Value::as_object) else {
            return Value::Object(paths);
        };
        for (path, item) in source {
            let item_pointer = format!("/paths/{}", escape_pointer_token(path));
            let Some(item) = item.as_object() else {
                continue;
            };
            let mut out = Map::new();
            // Path-level body and form parameters belong to every operation of the path that
            // has none of its own.
            let shared = match item.get("parameters") {
                Some(value) => self.parameter_list(
                    value,
                    &format!("{item_pointer}/parameters"),
                    &format!("{item_pointer}/parameters"),
                ),
                None => SplitParameters::default(),
            };
            let inherited = Inherited {
                body: shared.body,
                form: shared.form,
                pointer: item_pointer.clone(),
            };
            let mut shared_params = Some(shared.params);
            for (key, value) in item {
                if key == "parameters" {
                    let params = shared_params.take().unwrap_or_default();
                    out.insert(key.clone(), Value::Array(params));
                } else if METHODS.contains(&key.as_str()) {
                    let op_pointer = format!("{item_pointer}/{key}");
                    out.insert(key.clone(), self.operation(value, &op_pointer, &inherited));
                } else {
                    out.insert(key.clone(), value.clone());
                }
            }
            paths.insert(path.clone(), Value::Object(out));
        }
        Value::Object(paths)
    }

    /// Converts a parameter list into 3.0 parameters, the body parameter and the form
    /// parameters (with their original indices).
    fn parameter_list(
        &mut self,
        list: &Value,
        pointer: &str,
        new_pointer: &str,
    ) -> SplitParameters {
        let mut params = Vec::new();
        let mut body = None;
        let mut form = Vec::new();
        for (i, p) in list.as_array().into_iter().flatten().enumerate() {
            let p_pointer = format!("{pointer}/{i}");
            if p.get("$ref").is_some() {
                let is_body_ref = p
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/parameters/"))
                    .is_some_and(|name| body_parameter_names(self.doc).iter().any(|b| b == name));
                if is_body_ref {
                    body = Some((i, p.clone()));
                } else {
                    self.pointers
                        .add(format!("{new_pointer}/{}", params.len()), p_pointer);
                    params.push(p.clone());
                }
                continue;
            }
            match p.get("in").and_then(Value::as_str) {
                Some("body") => body = Some((i, p.clone())),
                Some("formData") => form.push((i, p.clone())),
                _ => {
                    self.pointers.add(
                        format!("{new_pointer}/{}/schema", params.len()),
                        p_pointer.clone(),
                    );
                    self.pointers
                        .add(format!("{new_pointer}/{}", params.len()), p_pointer.clone());
                    params.push(self.parameter(p, &p_pointer));
                }
            }
        }
        SplitParameters { params, body, form }
    }

    fn parameter(&mut self, p: &Value, pointer: &str) -> Value {
        let Some(source) = p.as_object() else {
            return p.clone();
        };
        let mut out = Map::new();
        let mut schema = Map::new();
        let location = source.get("in").and_then(Value::as_str).unwrap_or("query");
        for (key, value) in source {
            if SCHEMA_KEYS.contains(&key.as_str()) {
                schema.insert(key.clone(), value.clone());
            } else if key == "collectionFormat" {
                let (style, explode) = match (value.as_str(), location) {
                    (Some("tsv"), "query" | "formData") => {
                        out.insert(TAB_DELIMITED.into(), json!(true));
                        ("form", false)
                    }
                    (Some("tsv"), _) => {
                        self.note(
                            format!("{pointer}/collectionFormat"),
                            format!("`tsv` in a {location} parameter has no OpenAPI 3 style; its items are joined by commas"),
                        );
                        ("simple", false)
                    }
                    (Some("multi" | "ssv" | "pipes"), _) | (_, "query" | "cookie" | "formData") => {
                        collection_style(value.as_str())
                    }
                    _ => ("simple", false),
                };
                out.insert("style".into(), json!(style));
                out.insert("explode".into(), json!(explode));
            } else if key == "x-nullable" {
                schema.insert("nullable".into(), value.clone());
            } else if key != "allowEmptyValue"
                || source.get("in").and_then(Value::as_str) == Some("query")
            {
                out.insert(key.clone(), value.clone());
            }
        }
        // A query array without `collectionFormat` is `csv`, as 2.0 says; OpenAPI 3's default
        // for the query (`form`, exploded) would repeat the name instead.
        let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
        if location == "query" && is_array && !source.contains_key("collectionFormat") {
            let (style, explode) = collection_style(None);
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        if schema.get("type").and_then(Value::as_str) == Some("file") {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("binary"));
        }
        if schema.get("type").and_then(Value::as_str) == Some("object") && location != "formData" {
            self.note(
                format!("{pointer}/type"),
                format!("Swagger 2.0 has no object parameters outside the body; this {location} parameter is read as OpenAPI 3 reads one (its properties, in the location's default style)"),
            );
        }
        // A parameter without `type` (or any other schema keyword) stays without a schema,
        // which the 3.0 grammar refuses as 2.0's does; lenient mode reads it as a string.
        if !schema.is_empty() {
            out.insert("schema".into(), Value::Object(schema));
        }
        Value::Object(out)
    }

    fn operation(&mut self, op: &Value, pointer: &str, inherited: &Inherited) -> Value {
        let Some(source) = op.as_object() else {
            return op.clone();
        };
        let mut out = Map::new();
        let consumes = self.media_types(Some(op), "consumes");
        let produces = self.media_types(Some(op), "produces");
        for (key, value) in source {
            match key.as_str() {
                "schemes" => {
                    if let Some(servers) = self.operation_servers(value) {
                        self.pointers
                            .add(format!("{pointer}/servers"), format!("{pointer}/schemes"));
                        out.insert("servers".into(), servers);
                    }
                }
                "consumes" | "produces" => {}
                "parameters" => {
                    let SplitParameters { params, body, form } = self.parameter_list(
                        value,
                        &format!("{pointer}/parameters"),
                        &format!("{pointer}/parameters"),
                    );
                    if !params.is_empty() {
                        out.insert("parameters".into(), Value::Array(params));
                    }
                    if let Some((i, body)) = body {
                        self.pointers.add(
                            format!("{pointer}/requestBody"),
                            format!("{pointer}/parameters/{i}"),
                        );
                        // The body's schema is each media type's `schema`.
                        for media in &consumes {
                            self.pointers.add(
                                format!(
                                    "{pointer}/requestBody/content/{}/schema",
                                    escape_pointer_token(media)
                                ),
                                format!("{pointer}/parameters/{i}/schema"),
                            );
                        }
                        let converted = match body.get("$ref").and_then(Value::as_str) {
                            Some(r) => json!({"$ref": r}),
                            None => body_from_parameter(&body, &consumes),
                        };
                        out.insert("requestBody".into(), converted);
                    } else if !form.is_empty() {
                        out.insert(
                            "requestBody".into(),
                            self.form_body(&form, &consumes, pointer),
                        );
                    }
                }
                "responses" => {
                    let mut responses = Map::new();
                    for (code, r) in value.as_object().into_iter().flatten() {
                        let r_pointer =
                            format!("{pointer}/responses/{}", escape_pointer_token(code));
                        // A 2.0 response's body is its `schema`, under every media type.
                        self.pointers.add(
                            format!("{r_pointer}/content"),
                            format!("{r_pointer}/schema"),
                        );
                        for media in &produces {
                            self.pointers.add(
                                format!(
                                    "{r_pointer}/content/{}/schema",
                                    escape_pointer_token(media)
                                ),
                                format!("{r_pointer}/schema"),
                            );
                        }
                        responses.insert(code.clone(), response(r, &produces));
                    }
                    out.insert(key.clone(), Value::Object(responses));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if !out.contains_key("requestBody") {
            if let Some((i, body)) = &inherited.body {
                self.pointers.add(
                    format!("{pointer}/requestBody"),
                    format!("{}/parameters/{i}", inherited.pointer),
                );
                let converted = match body.get("$ref").and_then(Value::as_str) {
                    Some(r) => json!({"$ref": r}),
                    None => body_from_parameter(body, &consumes),
                };
                out.insert("requestBody".into(), converted);
            } else if !inherited.form.is_empty() {
                let converted = self.form_body(&inherited.form, &consumes, &inherited.pointer);
                out.insert("requestBody".into(), converted);
            }
        }
        Value::Object(out)
    }

    fn form_body(&mut self, form: &[(usize, Value)], consumes: &[String], pointer: &str) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut has_file = false;
        // How each array is written in a URL-encoded form: its `collectionFormat` (2.0's
        // default is `csv`), as the Encoding Object's style and explode.
        let mut encoding = Map::new();
        for (i, p) in form {
            let Some(name) = p.get("name").and_then(Value::as_str) else {
                continue;
            };
            let converted = self.parameter(p, &format!("{pointer}/parameters/{i}"));
            let mut schema = converted
                .get("schema")
                .cloned()
                .unwrap_or_else(|| json!({}));
            has_file |= schema.get("format").and_then(Value::as_str) == Some("binary");
            if let (Some(d), Some(map)) = (p.get("description"), schema.as_object_mut()) {
                map.insert("description".into(), d.clone());
            }
            if p.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(json!(name));
            }
            if schema.get("type").and_then(Value::as_str) == Some("array") {
                let mut entry = json!({
                    "style": converted.get("style").cloned().unwrap_or_else(|| json!("form")),
                    "explode": converted.get("explode").cloned().unwrap_or_else(|| json!(false)),
                });
                if let Some(tab) = converted.get(TAB_DELIMITED) {
                    entry[TAB_DELIMITED] = tab.clone();
                }
                encoding.insert(name.to_string(), entry);
            }
            properties.insert(name.to_string(), schema);
        }
        let media = if has_file || consumes.iter().any(|c| c.starts_with("multipart/")) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        let mut content = json!({"schema": schema});
        if media == "application/x-www-form-urlencoded" && !encoding.is_empty() {
            content["encoding"] = Value::Object(encoding);
        }
        json!({"required": true, "content": {media: content}})
    }
}

/// The style and explode of a query or form array of this `collectionFormat` (`csv` when absent,
/// as 2.0 says). `tsv` is `form` unexploded here; [`TAB_DELIMITED`] beside it says tabs.
fn collection_style(format: Option<&str>) -> (&'static str, bool) {
    match format {
        Some("multi") => ("form", true),
        Some("ssv") => ("spaceDelimited", false),
        Some("pipes") => ("pipeDelimited", false),
        _ => ("form", false),
    }
}

fn body_from_parameter(p: &Value, consumes: &[String]) -> Value {
    let schema = p.get("schema").cloned().unwrap_or_else(|| json!({}));
    let content: Map<String, Value> = consumes
        .iter()
        .map(|m| (m.clone(), json!({"schema": schema})))
        .collect();
    let mut body = json!({"content": content, "required": p.get("required").and_then(Value::as_bool).unwrap_or(false)});
    if let Some(d) = p.get("description") {
        body["description"] = d.clone();
    }
    body
}

fn response(r: &Value, produces: &[String]) -> Value {
    if r.get("$ref").is_some() {
        return r.clone();
    }
    let mut out =
        json!({"description": r.get("description").cloned().unwrap_or_else(|| json!(""))});
    if let Some(schema) = r.get("schema") {
        let content: Map<String, Value> = produces
            .iter()
            .map(|m| (m.clone(), json!({"schema": schema})))
            .collect();
        out["content"] = Value::Object(content);
    }
    if let Some(headers) = r.get("headers").and_then(Value::as_object) {
        let converted: Map<String, Value> = headers
            .iter()
            .map(|(name, h)| {
                let mut schema = h.clone();
                let description = schema.as_object_mut().and_then(|m| m.remove("description"));
                // Without `type` the header has no schema, as for parameters.
                let mut header = match schema.as_object() {
                    Some(keywords) if keywords.is_empty() => json!({}),
                    _ => json!({"schema": schema}),
                };
                if let Some(d) = description {
                    header["description"] = d;
                }
                (name.clone(), header)
            })
            .collect();
        out["headers"] = Value::Object(converted);
    }
    out
}

/// `x-nullable` → `nullable`, `type: file` → binary string, string discriminators → objects,
/// in every schema of the converted document.
fn convert_schemas(document: &mut Value) {
    grammar::walk_document_mut(document, Dialect::OpenApi30, &mut |node, kind, _| {
        let (Kind::Schema, Value::Object(map)) = (kind, node) else {
            return;
        };
        if let Some(v) = map.remove("x-nullable") {
            map.insert("nullable".into(), v);
        }
        if map.get("type").and_then(Value::as_str) == Some("file") {
            map.insert("type".into(), json!("string"));
            map.insert("format".into(), json!("binary"));
        }
        if let Some(Value::String(d)) = map.get("discriminator").cloned() {
            map.insert("discriminator".into(), json!({"propertyName": d}));
        }
    });
}

/// The schemes a `schemes` list names.
fn scheme_list(schemes: Option<&Value>) -> Vec<&str> {
    schemes
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(doc: Value) -> Converted {
        from_swagger2(&doc)
    }

    #[test]
    fn an_operations_own_schemes_become_its_servers() {
        let op = |schemes: Value| json!({"schemes": schemes, "responses": {}});
        let c = convert(json!({
            "swagger": "2.0", "host": "api.example.com", "basePath": "/v1", "schemes": ["http", "https"],
            "paths": {"/a": {
                "get": op(json!(["https"])),
                "put": op(json!(["https", "http"])),
                "post": op(json!(["wss"]))
            }}
        }));
        let path = &c.document["paths"]["/a"];
        assert_eq!(
            path["get"]["servers"],
            json!([{"url": "https://api.example.com/v1"}])
        );
        // The document's schemes in another order are the document's servers.
        assert_eq!(path["put"].get("servers"), None);
        assert_eq!(
            path["post"]["servers"],
            json!([{"url": "wss://api.example.com/v1"}])
        );
        assert_eq!(path["get"].get("schemes"), None);
        // Without a host there is nothing to put a scheme before.
        let relative = convert(json!({
            "swagger": "2.0", "basePath": "/v1",
            "paths": {"/a": {"get": op(json!(["https"]))}}
        }));
        assert_eq!(relative.document["paths"]["/a"]["get"].get("servers"), None);
    }

    #[test]
    fn host_base_path_and_schemes_become_servers() {
        let c = convert(
            json!({"swagger": "2.0", "host": "api.uber.com", "basePath": "/v1", "schemes": ["https", "http"], "paths": {}}),
        );
        assert_eq!(
            c.document["servers"],
            json!([{"url": "https://api.uber.com/v1"}, {"url": "http://api.uber.com/v1"}])
        );
    }

    #[test]
    fn definitions_become_components_and_refs_follow() {
        let c = convert(
            json!({"swagger": "2.0", "paths": {"/p": {"get": {"responses": {"200": {"description": "ok",
            "schema": {"$ref": "#/definitions/Pet"}}}}}}, "definitions": {"Pet": {"type": "object", "x-nullable": true}}}),
        );
        assert_eq!(
            c.document["components"]["schemas"]["Pet"]["nullable"],
            json!(true)
        );
        assert_eq!(
            c.document["paths"]["/p"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            json!("#/components/schemas/Pet")
        );
        assert_eq!(
            c.pointers.original("/components/schemas/Pet/type"),
            "/definitions/Pet/type"
        );
        assert_eq!(
            c.pointers
                .original("/paths/~1p/get/responses/200/content/application~1json/schema/$ref"),
            "/paths/~1p/get/responses/200/schema/$ref"
        );
    }

    #[test]
    fn body_and_form_parameters_become_request_bodies() {
        let c = convert(
            json!({"swagger": "2.0", "consumes": ["application/json"], "paths": {
            "/a": {"post": {"parameters": [{"name": "b", "in": "body", "required": true, "schema": {"type": "object"}}], "responses": {}}},
            "/f": {"post": {"parameters": [
                {"name": "file", "in": "formData", "type": "file", "required": true},
                {"name": "note", "in": "formData", "type": "string"}], "responses": {}}}}}),
        );
        let a = &c.document["paths"]["/a"]["post"];
        assert_eq!(a["requestBody"]["required"], json!(true));
        assert_eq!(
            a["requestBody"]["content"]["application/json"]["schema"]["type"],
            json!("object")
        );
        assert!(a.get("parameters").is_none());
        let f = &c.document["paths"]["/f"]["post"]["requestBody"]["content"]["multipart/form-data"]
            ["schema"];
        assert_eq!(
            f["properties"]["file"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(f["required"], json!(["file"]));
        assert_eq!(
            c.pointers.original("/paths/~1a/post/requestBody/content"),
            "/paths/~1a/post/parameters/0/content"
        );
    }

    #[test]
    fn path_level_body_parameters_go_to_every_operation_without_one() {
        let c = convert(
            json!({"swagger": "2.0", "consumes": ["application/json"], "paths": {
            "/logs/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "type": "string"},
                    {"name": "msg", "in": "body", "required": true, "schema": {"type": "object"}}],
                "post": {"responses": {}},
                "put": {"parameters": [{"name": "own", "in": "body", "schema": {"type": "string"}}], "responses": {}}}}}),
        );
        let item = &c.document["paths"]["/logs/{id}"];
        let post = &item["post"]["requestBody"];
        assert_eq!(post["required"], json!(true));
        assert_eq!(
            post["content"]["application/json"]["schema"]["type"],
            json!("object")
        );
        assert_eq!(
            c.pointers
                .original("/paths/~1logs~1{id}/post/requestBody/content"),
            "/paths/~1logs~1{id}/parameters/1/content"
        );
        // An operation's own body wins; the path parameter stays a parameter.
        assert_eq!(
            item["put"]["requestBody"]["content"]["application/json"]["schema"]["type"],
            json!("string")
        );
        assert_eq!(item["parameters"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn produces_and_consumes_become_media_types() {
        let c = convert(
            json!({"swagger": "2.0", "produces": ["application/xml", "application/json"], "paths": {
            "/a": {"get": {"produces": ["text/plain"], "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}}},
            "/b": {"get": {"responses": {"200": {"description": "ok", "schema": {"type": "string"}}}}}}}),
        );
        let a = &c.document["paths"]["/a"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            a.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["text/plain"]
        );
        let b = &c.document["paths"]["/b"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            b.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["application/xml", "application/json"]
        );
    }

    #[test]
    fn collection_formats_become_styles() {
        let c = convert(
            json!({"swagger": "2.0", "paths": {"/a": {"get": {"parameters": [
            {"name": "m", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
            {"name": "c", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "csv"},
            {"name": "p", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "pipes"},
            {"name": "d", "in": "query", "type": "array", "items": {"type": "string"}},
            {"name": "h", "in": "header", "type": "array", "items": {"type": "string"}},
            {"name": "s", "in": "query", "type": "string"}], "responses": {}}}}}),
        );
        let params = &c.document["paths"]["/a"]["get"]["parameters"];
        // Without `collectionFormat`, a query array is `csv` (2.0's default); a header's default
        // style is already commas, and a scalar has no style to set.
        assert_eq!(
            (params[3]["style"].clone(), params[3]["explode"].clone()),
            (json!("form"), json!(false))
        );
        assert!(params[4].get("style").is_none());
        assert!(params[5].get("style").is_none());
        assert_eq!(
            (params[0]["style"].clone(), params[0]["explode"].clone()),
            (json!("form"), json!(true))
        );
        assert_eq!(
            (params[1]["style"].clone(), params[1]["explode"].clone()),
            (json!("form"), json!(false))
        );
        assert_eq!(params[2]["style"], json!("pipeDelimited"));
        assert_eq!(params[0]["schema"]["items"], json!({"type": "string"}));
    }

    #[test]
    fn tab_separated_collections_are_marked_and_form_arrays_encoded() {
        let c = convert(
            json!({"swagger": "2.0", "paths": {"/a": {"post": {"consumes": ["application/x-www-form-urlencoded"], "parameters": [
            {"name": "t", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "tsv"},
            {"name": "h", "in": "header", "type": "array", "items": {"type": "string"}, "collectionFormat": "tsv"},
            {"name": "plain", "in": "formData", "type": "array", "items": {"type": "string"}},
            {"name": "multi", "in": "formData", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
            {"name": "pipes", "in": "formData", "type": "array", "items": {"type": "string"}, "collectionFormat": "pipes"},
            {"name": "tabs", "in": "formData", "type": "array", "items": {"type": "string"}, "collectionFormat": "tsv"},
            {"name": "one", "in": "formData", "type": "string"}], "responses": {}}}}}),
        );
        let op = &c.document["paths"]["/a"]["post"];
        let t = &op["parameters"][0];
        assert_eq!(
            (&t["style"], &t["explode"], &t[TAB_DELIMITED]),
            (&json!("form"), &json!(false), &json!(true))
        );
        // No 3.0 style joins a header's items by tabs: commas, with a note.
        assert_eq!(op["parameters"][1]["style"], json!("simple"));
        assert!(op["parameters"][1].get(TAB_DELIMITED).is_none());
        assert_eq!(
            c.notes
                .iter()
                .map(|n| n.pointer.as_str())
                .collect::<Vec<_>>(),
            ["/paths/~1a/post/parameters/1/collectionFormat"]
        );
        let encoding =
            &op["requestBody"]["content"]["application/x-www-form-urlencoded"]["encoding"];
        assert_eq!(
            encoding,
            &json!({
                "plain": {"style": "form", "explode": false},
                "multi": {"style": "form", "explode": true},
                "pipes": {"style": "pipeDelimited", "explode": false},
                "tabs": {"style": "form", "explode": false, TAB_DELIMITED: true},
            })
        );
    }

    #[test]
    fn security_definitions_become_schemes() {
        let c = convert(
            json!({"swagger": "2.0", "paths": {}, "securityDefinitions": {
            "basic": {"type": "basic"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"r": "read"}}}}),
        );
        let s = &c.document["components"]["securitySchemes"];
        assert_eq!(s["basic"], json!({"type": "http", "scheme": "basic"}));
        assert_eq!(s["key"]["name"], json!("X-Key"));
        assert_eq!(
            s["oauth"]["flows"]["authorizationCode"]["tokenUrl"],
            json!("https://t")
        );
    }
}
