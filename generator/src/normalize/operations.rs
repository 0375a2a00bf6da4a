//! Operations: names, path templates, parameters, request bodies, responses, security and
//! pagination.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use openapiv3::{Parameter as OaParameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::Context;
use super::media;
use super::names::{Namespace, operation_name, status_variant_name, type_name, value_name};
use super::refs::ComponentKind;
use super::renames::Chosen;
use super::schemas::SchemaRef;
use crate::diagnostics::{Diagnostic, pointer_join};
use crate::ir::{
    FormEncoding, HttpMethod, MediaKind, Operation, ParamLocation, Parameter, PathPart, PathStyle,
    PathTemplate, QueryStyle, RequestBody, Response, ResponseBody, ResponseHeader, SecurityScheme,
    Server, StatusSpec, TypeRef,
};

/// Client methods that exist whatever the spec says.
const RESERVED_METHODS: &[&str] = &["builder", "base_url", "new", "clone", "fmt"];
/// Fields of every operation builder.
const RESERVED_PARAMS: &[&str] = &["client", "body", "options"];

impl<'d> Context<'d> {
    pub(super) fn operations(
        &mut self,
        schemes: &[SecurityScheme],
        api_servers: &[Server],
    ) -> Vec<Operation> {
        let planned = self.plan_operations();
        let mut methods = Namespace::with_reserved(RESERVED_METHODS);
        // Names chosen by hand are claimed first, so that no derived name takes one.
        let mut chosen_by: Vec<(String, usize)> = Vec::new();
        let mut skip = vec![false; planned.len()];
        for (i, p) in planned.iter().enumerate() {
            let Some(chosen) = &p.chosen else { continue };
            if methods.is_taken(&chosen.name) {
                let owner = chosen_by
                    .iter()
                    .find(|(n, _)| *n == chosen.name)
                    .and_then(|(_, j)| planned.get(*j))
                    .map_or("a method every client has".to_string(), |other| {
                        format!("the operation at {}", other.pointer)
                    });
                let d = self.chosen_error(
                    chosen,
                    format!(
                        "the method name `{}` is already taken by {owner}",
                        chosen.name
                    ),
                );
                self.diagnostics.push(d);
                skip[i] = true;
                continue;
            }
            methods.claim(&chosen.name);
            chosen_by.push((chosen.name.clone(), i));
        }
        let mut first_seen: Vec<(String, String)> = Vec::new();
        let mut out = Vec::new();
        for (p, skipped) in planned.iter().zip(skip) {
            if skipped {
                continue;
            }
            let taken = Taken {
                derived: &first_seen,
                chosen: &chosen_by,
                planned: &planned,
            };
            let Some(method_name) = self.method_name(p, &mut methods, taken) else {
                continue;
            };
            first_seen.push((method_name.clone(), p.pointer.clone()));
            // Builders and their outcome enums share the namespace of the model types, so a
            // builder never takes a model type's name (schemas claimed theirs first).
            let type_base = self.type_names.claim_family(
                &type_name(&method_name),
                &["", "Error", "Success", "Headers", "ErrorHeaders"],
            );
            out.push(self.operation(OpInput {
                path: p.path,
                http: p.http,
                op: p.op,
                path_params: p.path_params,
                path_servers: p.path_servers,
                pointer: &p.pointer,
                method_name,
                type_name: type_base,
                schemes,
                api_servers,
            }));
        }
        out
    }

    /// Every operation of the document in order, with the method name chosen for it by hand;
    /// renames that name no operation are reported.
    fn plan_operations(&mut self) -> Vec<Planned<'d>> {
        let doc = self.doc;
        let mut planned = Vec::new();
        let mut known = Vec::new();
        for (path, item) in &doc.openapi.paths.paths {
            let path_pointer = pointer_join("/paths", path);
            let ReferenceOr::Item(item) = item else {
                self.problem(
                    format!("{path_pointer}/$ref"),
                    "this path item `$ref` could not be resolved",
                    "the path is skipped",
                );
                continue;
            };
            for (method, op) in item.iter() {
                let Some(http) = http_method(method) else {
                    continue;
                };
                let pointer = pointer_join(&path_pointer, method);
                known.extend(op.operation_id.clone());
                known.push(format!("{} {path}", http.as_str()));
                let chosen = self.chosen_operation_name(op, http, path, &pointer);
                planned.push(Planned {
                    path,
                    http,
                    op,
                    path_params: &item.parameters,
                    path_servers: &item.servers,
                    pointer,
                    chosen,
                });
            }
        }
        self.unused_operation_renames(&known);
        planned
    }

    /// The method name of a planned operation: the one chosen by hand, or the derived one made
    /// unique. `None` (with an error) when the derived name is taken and cannot be numbered.
    fn method_name(
        &mut self,
        p: &Planned<'d>,
        methods: &mut Namespace,
        taken: Taken<'_, 'd>,
    ) -> Option<String> {
        if let Some(chosen) = &p.chosen {
            return Some(chosen.name.clone());
        }
        let wanted = operation_name(p.op.operation_id.as_deref(), p.http, p.path);
        let owner = taken.chosen.iter().find(|(n, _)| *n == wanted);
        if let Some(owner) = owner.and_then(|(_, j)| taken.planned.get(*j)) {
            // A name chosen by hand must not push a derived one aside: say so where it is chosen.
            if let Some(chosen) = &owner.chosen {
                let message = format!(
                    "the method name `{wanted}` chosen for the operation at {} is the name of the operation at {}; choose another, or rename that one too",
                    owner.pointer, p.pointer
                );
                let d = self.chosen_error(chosen, message);
                self.diagnostics.push(d);
            }
            return None;
        }
        // Only an operationId written twice is the document's defect (they must be unique);
        // names that meet only once made Rust names (`getComment` and `GetComment`, or two
        // paths without ids) are numbered like any other clash.
        let earlier = taken
            .derived
            .iter()
            .find(|(n, _)| n == &wanted)
            .map(|(_, at)| at.as_str());
        let same_id = earlier
            .and_then(|at| taken.planned.iter().find(|q| q.pointer == at))
            .and_then(|q| q.op.operation_id.as_deref())
            .filter(|id| p.op.operation_id.as_deref() == Some(*id));
        if let (Some(id), Some(at), false) = (same_id, earlier, self.doc.lenient) {
            let d = Diagnostic::error(
                &self.file,
                format!("{}/operationId", p.pointer),
                format!("operationId `{id}` is also the operationId of the operation at {at}; operationIds must be unique"),
            )
            .with_hint("give one of the operations a distinct `operationId`");
            self.diagnostics.push(d);
            return None;
        }
        let method_name = methods.claim(&wanted);
        if method_name != wanted {
            self.warn(
                p.pointer.clone(),
                match earlier {
                    Some(at) => format!("operation name `{wanted}` is already used by the operation at {at}; this operation's method is `{method_name}`"),
                    None => format!("operation name `{wanted}` is already used; this operation's method is `{method_name}`"),
                },
            );
        }
        Some(method_name)
    }

    fn operation(&mut self, input: OpInput<'d, '_>) -> Operation {
        let OpInput {
            path,
            http,
            op,
            pointer,
            ..
        } = input;
        let mut params = self.parameters(&input);
        let template = self.path_template(path, &mut params, pointer);
        let body = op
            .request_body
            .as_ref()
            .and_then(|b| self.request_body(b, &input.type_name, pointer));
        let responses = self.responses(&op.responses, &input.type_name, pointer);
        let accept = media::accept(
            responses
                .iter()
                .filter_map(|r| r.body.as_ref())
                .map(|b| b.content_type.as_str()),
        );
        let (requirements, security_pointer) = match &op.security {
            Some(s) => (s.as_slice(), pointer_join(pointer, "security")),
            None => (
                self.doc.openapi.security.as_deref().unwrap_or_default(),
                "/security".to_string(),
            ),
        };
        let security = self.security_requirements(requirements, input.schemes, &security_pointer);
        let pagination = op.extensions.get("x-pagination").and_then(|v| {
            self.pagination(
                v,
                &params,
                &responses,
                &pointer_join(pointer, "x-pagination"),
            )
        });
        let servers = self.operation_servers(
            &op.servers,
            input.path_servers,
            pointer,
            path,
            input.api_servers,
        );
        let mut tags: Vec<String> = Vec::new();
        for tag in &op.tags {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
        Operation {
            operation_id: op.operation_id.clone(),
            tags,
            method_name: input.method_name,
            type_name: input.type_name,
            method: http,
            path: template,
            summary: super::prose(&op.summary),
            description: super::prose(&op.description),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            accept,
            security,
            pagination,
            servers,
        }
    }

    /// Warns where two query parameters send one query name: an object in `form` style,
    /// exploded (the default), writes each property as a name of its own, so a property named
    /// like another parameter (Plex's `mediaQuery.type` beside `type`) reaches the server as a
    /// list of two values. The document is valid; which value counts is the server's choice.
    fn warn_query_names_sent_twice(&mut self, params: &[(&'d OaParameter, String)]) {
        let mut sent: Vec<(String, String)> = Vec::new();
        for (param, pointer) in params {
            let OaParameter::Query { style, .. } = param else {
                continue;
            };
            let data = param.parameter_data_ref();
            let exploded_form =
                query_style(style) == QueryStyle::Form && data.explode.unwrap_or(true);
            let properties = match &data.format {
                ParameterSchemaOrContent::Schema(schema) if exploded_form => self
                    .resolve_schema(SchemaRef::from(schema))
                    .and_then(|s| match &s.schema_kind {
                        openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) => {
                            Some(o.properties.keys().cloned().collect::<Vec<_>>())
                        }
                        _ => None,
                    }),
                _ => None,
            };
            let names: Vec<(String, String)> = match properties {
                Some(keys) => keys
                    .into_iter()
                    .map(|key| {
                        let by = format!("property `{key}` of parameter `{}`", data.name);
                        (key, by)
                    })
                    .collect(),
                None => vec![(data.name.clone(), format!("parameter `{}`", data.name))],
            };
            for (name, by) in names {
                if let Some((_, first)) = sent.iter().find(|(n, _)| *n == name) {
                    let message = format!(
                        "query name `{name}` is sent twice, by {first} and by {by} (an exploded \
                         `form` object writes each property as a query name); a server reads \
                         the two values as a list"
                    );
                    self.warn(pointer.clone(), message);
                } else {
                    sent.push((name, by));
                }
            }
        }
    }

    /// Warns where a parameter's schema nests an object in an array or in another object
    /// outside `deepObject` style: OpenAPI's styles write neither, so the client refuses such a
    /// value when it builds the request (a parameter with `content` is sent as its media type).
    fn warn_objects_no_style_writes(&mut self, param: &'d OaParameter, pointer: &str) {
        let data = param.parameter_data_ref();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return;
        };
        let deep = matches!(
            param,
            OaParameter::Query {
                style: openapiv3::QueryStyle::DeepObject,
                ..
            }
        );
        let Some(schema) = self.resolve_schema(SchemaRef::from(schema)) else {
            return;
        };
        let is_object = |s: &openapiv3::Schema| {
            matches!(
                s.schema_kind,
                openapiv3::SchemaKind::Type(openapiv3::Type::Object(_))
            )
        };
        let holds_objects = |s: &openapiv3::Schema| match &s.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) => a
                .items
                .as_ref()
                .and_then(|items| self.resolve_schema(SchemaRef::from(items)))
                .is_some_and(is_object),
            _ => false,
        };
        let nested = match &schema.schema_kind {
            _ if holds_objects(schema) => Some("an object inside an array".to_string()),
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) if !deep => {
                o.properties.iter().find_map(|(name, property)| {
                    let property = self.resolve_schema(SchemaRef::from(property))?;
                    let inside = if is_object(property) {
                        "an object"
                    } else if holds_objects(property) {
                        "an array of objects"
                    } else {
                        return None;
                    };
                    Some(format!("{inside} inside an object (property `{name}`)"))
                })
            }
            _ => None,
        };
        if let Some(nested) = nested {
            self.warn(
                pointer_join(pointer, "schema"),
                format!(
                    "no parameter style writes {nested}, so a value of parameter `{}` that \
                     holds one is refused when the request is built (`content` with a media \
                     type would send it)",
                    data.name
                ),
            );
        }
    }

    /// Path-level and operation-level parameters, the latter overriding the former.
    fn parameters(&mut self, input: &OpInput<'d, '_>) -> Vec<Parameter> {
        let components = self.doc.openapi.components.as_ref().map(|c| &c.parameters);
        let mut resolved: Vec<(&'d OaParameter, String)> = Vec::new();
        let sources = [
            (
                input.path_params,
                pointer_join(
                    &input.pointer[..input.pointer.rfind('/').unwrap_or(0)],
                    "parameters",
                ),
            ),
            (
                &input.op.parameters,
                pointer_join(input.pointer, "parameters"),
            ),
        ];
        for (list, base) in sources {
            for (i, p) in list.iter().enumerate() {
                let pointer = format!("{base}/{i}");
                let Some(param) = self.resolve(p, components, ComponentKind::Parameters, &pointer)
                else {
                    continue;
                };
                let data = param.parameter_data_ref();
                let same = |(q, _): &(&OaParameter, String)| {
                    q.parameter_data_ref().name == data.name
                        && location_name(q) == location_name(param)
                };
                resolved.retain(|entry| !same(entry));
                resolved.push((param, pointer));
            }
        }
        self.warn_query_names_sent_twice(&resolved);
        for (param, pointer) in &resolved {
            self.warn_objects_no_style_writes(param, pointer);
        }
        let mut names = Namespace::with_reserved(RESERVED_PARAMS);
        let mut out = Vec::new();
        for (param, pointer) in resolved {
            let data = param.parameter_data_ref();
            // OpenAPI: header parameters named Accept, Content-Type or Authorization "SHALL be
            // ignored"; the client sets those headers itself. Headers that frame the message
            // are the HTTP client's: a length given by hand would cut or stall the body.
            let reserved = ["accept", "content-type", "authorization"];
            let framing = ["content-length", "transfer-encoding", "host", "connection"];
            let name = data.name.to_ascii_lowercase();
            if matches!(param, OaParameter::Header { .. }) {
                let why = if reserved.contains(&name.as_str()) {
                    Some("the client sets this header itself (OpenAPI ignores such parameters)")
                } else if framing.contains(&name.as_str()) {
                    Some("the HTTP client sets this header from the message it sends")
                } else {
                    None
                };
                if let Some(why) = why {
                    self.warn(
                        pointer,
                        format!("header parameter `{}` is ignored: {why}", data.name),
                    );
                    continue;
                }
            }
            let field = match param {
                OaParameter::Header { .. } => Some("header"),
                OaParameter::Cookie { .. } => Some("cookie"),
                _ => None,
            };
            if let Some(field) = field.filter(|_| !super::security::is_http_token(&data.name)) {
                let message = format!(
                    "`{}` is not an HTTP {field} name (RFC 9110 token), so it cannot be sent",
                    data.name
                );
                self.problem(
                    pointer_join(&pointer, "name"),
                    message,
                    "the parameter is ignored",
                );
                continue;
            }
            let location = match param {
                OaParameter::Path { style, .. } => ParamLocation::Path {
                    style: match style {
                        openapiv3::PathStyle::Simple => PathStyle::Simple,
                        openapiv3::PathStyle::Label => PathStyle::Label,
                        openapiv3::PathStyle::Matrix => PathStyle::Matrix,
                    },
                    // No path style explodes by default (OpenAPI 3.0 §4.7.12.1).
                    explode: data.explode.unwrap_or(false),
                },
                OaParameter::Query { style, .. } => {
                    let style = query_style(style);
                    // Form style explodes by default (OpenAPI 3.0 §4.7.12.1); the others do not.
                    let explode = data.explode.unwrap_or(style == QueryStyle::Form);
                    ParamLocation::Query { style, explode }
                }
                OaParameter::Header { .. } => ParamLocation::Header,
                OaParameter::Cookie { .. } => ParamLocation::Cookie,
            };
            let hint = format!("{}{}", input.type_name, type_name(&data.name));
            let mut facts = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.schema_facts(SchemaRef::from(schema))
                }
                ParameterSchemaOrContent::Content(content) => content
                    .values()
                    .next()
                    .and_then(|m| m.schema.as_ref())
                    .map(|s| self.schema_facts(SchemaRef::from(s)))
                    .unwrap_or_default(),
            };
            let own = self.example_values(data.example.as_ref(), &data.examples);
            facts.examples.splice(0..0, own);
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => self.schema_type(
                    SchemaRef::from(schema),
                    &hint,
                    &pointer_join(&pointer, "schema"),
                ),
                ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                    Some((media_type, m)) => match &m.schema {
                        Some(schema) => {
                            let p = pointer_join(&pointer_join(&pointer, "content"), media_type);
                            self.schema_type(
                                SchemaRef::from(schema),
                                &hint,
                                &pointer_join(&p, "schema"),
                            )
                        }
                        None => TypeRef::Any,
                    },
                    None => TypeRef::Any,
                },
            };
            let required = data.required || location.is_path();
            if location.is_path() && !data.required {
                self.warn(
                    pointer_join(&pointer, "required"),
                    format!(
                        "path parameter `{}` must be `required: true`; treating it as required",
                        data.name
                    ),
                );
            }
            out.push(Parameter {
                rust_name: names.claim(&value_name(&data.name)),
                name: data.name.clone(),
                location,
                required,
                ty,
                description: super::prose(&data.description),
                deprecated: data.deprecated.unwrap_or(false),
                facts,
            });
        }
        out
    }

    /// Splits the path into literals and parameters and checks both sides agree.
    fn path_template(
        &mut self,
        path: &str,
        params: &mut Vec<Parameter>,
        pointer: &str,
    ) -> PathTemplate {
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            if start > 0 {
                parts.push(PathPart::Literal(rest[..start].to_string()));
            }
            parts.push(PathPart::Param(rest[start + 1..start + len].to_string()));
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        let declared: BTreeSet<String> = params
            .iter()
            .filter(|p| p.location.is_path())
            .map(|p| p.name.clone())
            .collect();
        let used: BTreeSet<String> = parts
            .iter()
            .filter_map(|p| match p {
                PathPart::Param(name) => Some(name.clone()),
                PathPart::Literal(_) => None,
            })
            .collect();
        // In template order, so added parameters read like the path.
        let mut missing_in_order: Vec<String> = Vec::new();
        for part in &parts {
            if let PathPart::Param(name) = part {
                if !declared.contains(name) && !missing_in_order.contains(name) {
                    missing_in_order.push(name.clone());
                }
            }
        }
        for missing in &missing_in_order {
            if self.doc.lenient {
                self.warn(
                    pointer.to_string(),
                    format!("path template `{path}` uses `{{{missing}}}`, but no path parameter `{missing}` is declared; it becomes a required string parameter"),
                );
                let mut names = Namespace::with_reserved(RESERVED_PARAMS);
                for p in params.iter() {
                    names.claim(&p.rust_name);
                }
                params.push(Parameter {
                    rust_name: names.claim(&value_name(missing)),
                    name: missing.clone(),
                    location: ParamLocation::PATH,
                    required: true,
                    ty: TypeRef::String,
                    description: None,
                    deprecated: false,
                    facts: Default::default(),
                });
                continue;
            }
            let d = Diagnostic::error(
                &self.file,
                pointer.to_string(),
                format!("path template `{path}` uses `{{{missing}}}`, but no path parameter `{missing}` is declared"),
            )
            .with_hint(format!("add `- {{name: {missing}, in: path, required: true, schema: {{type: string}}}}` to the parameters"));
            self.diagnostics.push(d);
        }
        for unused in declared.difference(&used) {
            let lenient = self.problem(
                pointer_join(pointer, "parameters"),
                format!("path parameter `{unused}` is declared but `{path}` has no `{{{unused}}}`"),
                "the parameter is left out",
            );
            if lenient {
                params.retain(|p| !(p.location.is_path() && &p.name == unused));
            }
        }
        PathTemplate {
            raw: path.to_string(),
            parts,
        }
    }

    fn request_body(
        &mut self,
        body: &'d ReferenceOr<openapiv3::RequestBody>,
        op_type: &str,
        pointer: &str,
    ) -> Option<RequestBody> {
        let pointer = pointer_join(pointer, "requestBody");
        let components = self
            .doc
            .openapi
            .components
            .as_ref()
            .map(|c| &c.request_bodies);
        let body = self.resolve(body, components, ComponentKind::RequestBodies, &pointer)?;
        let chosen = media::pick(body.content.keys().map(String::as_str))?;
        let media_kind = media::classify(chosen);
        let media = body.content.get(chosen);
        let schema = media.and_then(|m| m.schema.as_ref());
        let mut facts = schema
            .map(|s| self.schema_facts(SchemaRef::from(s)))
            .unwrap_or_default();
        if let Some(m) = media {
            let own = self.example_values(m.example.as_ref(), &m.examples);
            facts.examples.splice(0..0, own);
        }
        let schema_pointer = pointer_join(
            &pointer_join(&pointer_join(&pointer, "content"), chosen),
            "schema",
        );
        let ty = self.body_type(
            schema,
            media_kind,
            &format!("{op_type}Body"),
            &schema_pointer,
        );
        let form_encodings = match (media_kind, media) {
            (MediaKind::FormUrlEncoded, Some(m)) => form_encodings(&m.encoding),
            _ => Vec::new(),
        };
        Some(RequestBody {
            required: body.required,
            media: media_kind,
            content_type: media::concrete_content_type(chosen),
            ty,
            description: super::prose(&body.description),
            facts,
            form_encodings,
        })
    }

    fn body_type(
        &mut self,
        schema: Option<&'d ReferenceOr<openapiv3::Schema>>,
        kind: MediaKind,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match (kind, schema) {
            (MediaKind::Binary, _) => TypeRef::Bytes,
            (MediaKind::Text, _) => TypeRef::String,
            (MediaKind::Multipart, Some(schema)) => {
                match self.schema_type(schema.into(), hint, pointer) {
                    ty @ (TypeRef::Named(_) | TypeRef::Any) => ty,
                    TypeRef::Map(value) if *value == TypeRef::Any => TypeRef::Map(value),
                    _ => {
                        self.warn(pointer, "a multipart body must be an object schema; its fields are sent from a JSON object");
                        TypeRef::Any
                    }
                }
            }
            (_, Some(schema)) => self.schema_type(schema.into(), hint, pointer),
            (_, None) => TypeRef::Any,
        }
    }

    fn responses(
        &mut self,
        responses: &'d openapiv3::Responses,
        op_type: &str,
        pointer: &str,
    ) -> Vec<Response> {
        let base = pointer_join(pointer, "responses");
        // openapiv3 drops keys that are not status codes; say so instead of losing them quietly.
        if let Some(raw) = self.doc.raw.pointer(&base).and_then(|v| v.as_object()) {
            for key in raw.keys() {
                if key != "default" && !key.starts_with("x-") && !is_status_key(key) {
                    self.warn(
                        pointer_join(&base, key),
                        format!("`{key}` is not a status code (`404`) or range (`4XX`); this response is ignored"),
                    );
                }
            }
        }
        let mut entries: Vec<(StatusSpec, &'d ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
        for (code, response) in &responses.responses {
            let (status, key) = match code {
                StatusCode::Code(c) => (StatusSpec::Code(*c), c.to_string()),
                StatusCode::Range(r) => (
                    StatusSpec::Range(u8::try_from(*r).unwrap_or(0)),
                    format!("{r}XX"),
                ),
            };
            entries.push((status, response, pointer_join(&base, &key)));
        }
        if let Some(default) = &responses.default {
            entries.push((StatusSpec::Default, default, pointer_join(&base, "default")));
        }
        entries.sort_by_key(|(status, _, _)| *status);
        let successes = entries.iter().filter(|(s, _, _)| is_success(*s)).count();
        let components = self.doc.openapi.components.as_ref().map(|c| &c.responses);
        let mut variants = Namespace::new();
        let mut out = Vec::new();
        for (status, response, pointer) in entries {
            let Some(response) =
                self.resolve(response, components, ComponentKind::Responses, &pointer)
            else {
                continue;
            };
            let variant = variants.claim(&match status {
                StatusSpec::Code(c) => status_variant_name(Some(c), None),
                StatusSpec::Range(r) => status_variant_name(None, Some(r)),
                StatusSpec::Default => status_variant_name(None, None),
            });
            let hint = if is_success(status) && successes == 1 {
                format!("{op_type}Response")
            } else {
                format!("{op_type}{variant}Response")
            };
            // 1xx, 204 and 304 answers have no content (RFC 9110 §15.2, §15.3.5, §15.4.5),
            // whatever the document says: nothing is decoded.
            let bodiless = matches!(status, StatusSpec::Code(100..=199 | 204 | 304));
            if bodiless && !response.content.is_empty() {
                self.warn(
                    pointer_join(&pointer, "content"),
                    "this status never has a body in HTTP; the body given here is ignored",
                );
            }
            let content = response
                .content
                .keys()
                .map(String::as_str)
                .filter(|_| !bodiless);
            let body = media::pick(content).map(|chosen| {
                let kind = media::classify(chosen);
                let schema = response.content.get(chosen).and_then(|m| m.schema.as_ref());
                let p = pointer_join(
                    &pointer_join(&pointer_join(&pointer, "content"), chosen),
                    "schema",
                );
                // A multipart answer is given as the bytes that came: its parts have no type.
                let ty = match kind {
                    MediaKind::Multipart => TypeRef::Bytes,
                    _ => self.body_type(schema, kind, &hint, &p),
                };
                ResponseBody {
                    media: kind,
                    content_type: chosen.to_string(),
                    ty,
                }
            });
            let headers = self.response_headers(response, &hint, &pointer);
            out.push(Response {
                status,
                variant,
                description: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                body,
                headers,
            });
        }
        out
    }
}

impl<'d> Context<'d> {
    /// The headers a response documents. `Content-Type` is left out, as OpenAPI says; a header
    /// of a type text cannot carry (a file, a map) is read as its text.
    fn response_headers(
        &mut self,
        response: &'d openapiv3::Response,
        hint: &str,
        pointer: &str,
    ) -> Vec<ResponseHeader> {
        let base = pointer_join(pointer, "headers");
        let components = self.doc.openapi.components.as_ref().map(|c| &c.headers);
        let mut names = Namespace::new();
        let mut out = Vec::new();
        for (name, header) in &response.headers {
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let pointer = pointer_join(&base, name);
            if !super::security::is_http_token(name) {
                let message = format!(
                    "`{name}` is not an HTTP header name (RFC 9110 token), so no response carries it"
                );
                self.problem(pointer, message, "the header is ignored");
                continue;
            }
            let Some(header) = self.resolve(header, components, ComponentKind::Headers, &pointer)
            else {
                continue;
            };
            let hint = format!("{hint}{}", type_name(name));
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.schema_type(schema.into(), &hint, &pointer_join(&pointer, "schema"))
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            let ty = match ty.non_null() {
                TypeRef::Bytes | TypeRef::Map(_) => TypeRef::String,
                other => other.clone(),
            };
            out.push(ResponseHeader {
                name: name.clone(),
                rust_name: names.claim(&value_name(name)),
                ty,
                required: header.required,
                description: header.description.clone().filter(|d| !d.trim().is_empty()),
            });
        }
        out
    }
}

/// One operation of the document before it is named.
struct Planned<'d> {
    path: &'d str,
    http: HttpMethod,
    op: &'d openapiv3::Operation,
    path_params: &'d [ReferenceOr<OaParameter>],
    path_servers: &'d [openapiv3::Server],
    pointer: String,
    chosen: Option<Chosen<'d>>,
}

/// The method names already given, for telling who has one.
#[derive(Clone, Copy)]
struct Taken<'a, 'd> {
    /// Method name → the pointer of its operation.
    derived: &'a [(String, String)],
    /// Method name chosen by hand → the index of its operation in `planned`.
    chosen: &'a [(String, usize)],
    planned: &'a [Planned<'d>],
}

/// What `operation` needs to know about one operation.
struct OpInput<'d, 's> {
    path: &'d str,
    http: HttpMethod,
    op: &'d openapiv3::Operation,
    path_params: &'d [ReferenceOr<OaParameter>],
    path_servers: &'d [openapiv3::Server],
    pointer: &'s str,
    method_name: String,
    type_name: String,
    schemes: &'s [SecurityScheme],
    api_servers: &'s [Server],
}

fn is_status_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() == 3
        && (b'1'..=b'5').contains(&bytes[0])
        && ((bytes[1].is_ascii_digit() && bytes[2].is_ascii_digit()) || &key[1..] == "XX")
}

fn is_success(status: StatusSpec) -> bool {
    matches!(status, StatusSpec::Code(200..=299) | StatusSpec::Range(2))
}

fn http_method(method: &str) -> Option<HttpMethod> {
    Some(match method {
        "get" => HttpMethod::Get,
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "options" => HttpMethod::Options,
        "head" => HttpMethod::Head,
        "patch" => HttpMethod::Patch,
        "trace" => HttpMethod::Trace,
        _ => return None,
    })
}

fn location_name(p: &OaParameter) -> &'static str {
    match p {
        OaParameter::Path { .. } => "path",
        OaParameter::Query { .. } => "query",
        OaParameter::Header { .. } => "header",
        OaParameter::Cookie { .. } => "cookie",
    }
}

/// The properties a form body's `encoding` gives a style or `explode` to; the defaults of
/// OpenAPI (form style, exploded, as for query parameters) fill in what it leaves out.
fn form_encodings(encoding: &IndexMap<String, openapiv3::Encoding>) -> Vec<FormEncoding> {
    encoding
        .iter()
        .filter(|(_, e)| e.style.is_some() || e.explode)
        .map(|(property, e)| {
            let style = e.style.as_ref().map_or(QueryStyle::Form, query_style);
            FormEncoding {
                property: property.clone(),
                style,
                // As for parameters, `explode` defaults to true for form style only. The
                // document model reads an absent `explode` as false, so a form style is taken
                // as exploded either way (`explode: false` beside `style: form` is read as true).
                explode: e.explode || style == QueryStyle::Form,
            }
        })
        .collect()
}

/// The IR's name for a query (or form property) style.
fn query_style(style: &openapiv3::QueryStyle) -> QueryStyle {
    match style {
        openapiv3::QueryStyle::Form => QueryStyle::Form,
        openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
        openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
    }
}
