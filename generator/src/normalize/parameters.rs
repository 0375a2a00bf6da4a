//! An operation's parameters: path-level and operation-level ones merged, each lowered to its
//! location, style and type, and the path template checked against them; with the warnings
//! for what no parameter style can send.

use std::collections::BTreeSet;

use openapiv3::{Parameter as OaParameter, ParameterSchemaOrContent};

use super::Context;
use super::names::{Namespace, type_name, value_name};
use super::operations::OpInput;
use super::refs::ComponentKind;
use super::schemas::SchemaRef;
use crate::diagnostics::{Diagnostic, pointer_join};
use crate::ir::{
    MediaKind, ParamLocation, Parameter, PathPart, PathStyle, PathTemplate, QueryStyle, TypeRef,
};

/// Fields of every operation builder.
const RESERVED_PARAMS: &[&str] = &["client", "body", "options"];

impl<'d> Context<'d> {
    /// Path-level and operation-level parameters, the latter overriding the former.
    pub(super) fn parameters(&mut self, input: &OpInput<'d, '_>) -> Vec<Parameter> {
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
                    if tab_delimited(&data.extensions) {
                        ParamLocation::Query {
                            style: QueryStyle::TabDelimited,
                            explode: false,
                        }
                    } else {
                        ParamLocation::Query { style, explode }
                    }
                }
                // Simple (headers) and form (cookies) styles; only form explodes by default.
                OaParameter::Header { .. } => ParamLocation::Header {
                    explode: data.explode.unwrap_or(false),
                },
                OaParameter::Cookie { .. } => ParamLocation::Cookie {
                    explode: data.explode.unwrap_or(true),
                },
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
            let json = matches!(&data.format, ParameterSchemaOrContent::Content(content)
                if content.keys().next().is_some_and(|m| super::media::classify(m) == MediaKind::Json));
            out.push(Parameter {
                rust_name: names.claim(&value_name(&data.name)),
                name: data.name.clone(),
                location,
                required,
                ty,
                description: super::prose(&data.description),
                deprecated: data.deprecated.unwrap_or(false),
                facts,
                json,
            });
        }
        out
    }

    /// Splits the path into literals and parameters and checks both sides agree.
    pub(super) fn path_template(
        &mut self,
        path: &str,
        params: &mut Vec<Parameter>,
        pointer: &str,
    ) -> PathTemplate {
        let mut parts = Vec::new();
        let mut rest = path;
        let mut query_names: Vec<String> = Vec::new();
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            if start > 0 {
                parts.push(PathPart::Literal(rest[..start].to_string()));
            }
            let expression = &rest[start + 1..start + len];
            match rfc6570_expression(expression) {
                Some(Rfc6570::Query(names)) => {
                    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    if self.problem(
                        pointer.to_string(),
                        format!("`{{{expression}}}` in path template `{path}` is an RFC 6570 query expansion; an OpenAPI path template holds path parameters' names only"),
                        &format!("it is left out of the path, and its names are query parameters ({})", listed.join(", ")),
                    ) {
                        query_names.extend(names);
                    }
                }
                Some(Rfc6570::Operator(operator, name)) => {
                    self.problem(
                        pointer.to_string(),
                        format!("`{{{expression}}}` in path template `{path}` uses RFC 6570's `{operator}` operator; an OpenAPI path template holds path parameters' names only"),
                        &format!("it is read as `{{{name}}}`"),
                    );
                    parts.push(PathPart::Param(name));
                }
                None => parts.push(PathPart::Param(expression.to_string())),
            }
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        self.add_query_parameters(&query_names, params);
        let query_string = parts.iter().find_map(|part| match part {
            PathPart::Literal(text) => text.split_once('?').map(|(_, query)| query),
            PathPart::Param(_) => None,
        });
        if let Some(query) = query_string {
            // OpenAI's `/responses?beta=true` names an operation of its own; so it is sent.
            self.warn(
                pointer.to_string(),
                format!("path template `{path}` holds a query string (`?{query}`), where OpenAPI writes query parameters as parameters; it is sent as written"),
            );
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
                    json: false,
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

    /// Each of `names` the operation does not declare as a query parameter becomes an optional
    /// string one.
    fn add_query_parameters(&self, names: &[String], params: &mut Vec<Parameter>) {
        let is_query = |p: &Parameter| matches!(p.location, ParamLocation::Query { .. });
        for name in names {
            if params.iter().any(|p| is_query(p) && &p.name == name) {
                continue;
            }
            let mut rust_names = Namespace::with_reserved(RESERVED_PARAMS);
            for p in params.iter() {
                rust_names.claim(&p.rust_name);
            }
            params.push(Parameter {
                rust_name: rust_names.claim(&value_name(name)),
                name: name.clone(),
                location: ParamLocation::Query {
                    style: QueryStyle::Form,
                    explode: true,
                },
                required: false,
                ty: TypeRef::String,
                description: None,
                deprecated: false,
                facts: Default::default(),
                json: false,
            });
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
            return;
        }
        // A list of scalars inside an object is written, but as no style defines it.
        let list = match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) if !deep => {
                o.properties.iter().find_map(|(name, property)| {
                    let property = self.resolve_schema(SchemaRef::from(property))?;
                    matches!(
                        property.schema_kind,
                        openapiv3::SchemaKind::Type(openapiv3::Type::Array(_))
                    )
                    .then_some(name)
                })
            }
            _ => None,
        };
        if let Some(name) = list {
            self.warn(
                pointer_join(pointer, "schema"),
                format!(
                    "no parameter style defines an array inside an object (property `{name}` \
                     of parameter `{}`); its items are written joined by commas",
                    data.name
                ),
            );
        }
    }
}

fn location_name(p: &OaParameter) -> &'static str {
    match p {
        OaParameter::Path { .. } => "path",
        OaParameter::Query { .. } => "query",
        OaParameter::Header { .. } => "header",
        OaParameter::Cookie { .. } => "cookie",
    }
}

/// Whether the 2.0 conversion marked a parameter or encoding as `collectionFormat: tsv`.
pub(super) fn tab_delimited(extensions: &indexmap::IndexMap<String, serde_json::Value>) -> bool {
    extensions.get(crate::grammar::TAB_DELIMITED) == Some(&serde_json::Value::Bool(true))
}

/// The IR's name for a query (or form property) style.
pub(super) fn query_style(style: &openapiv3::QueryStyle) -> QueryStyle {
    match style {
        openapiv3::QueryStyle::Form => QueryStyle::Form,
        openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
        openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
    }
}

/// An RFC 6570 expression with an operator, which OpenAPI path templates do not have.
#[derive(Debug, PartialEq)]
enum Rfc6570 {
    /// `{?page,size}`, `{&page}`: query parameters.
    Query(Vec<String>),
    /// `{+path}`, `{#part}`, `{.ext}`, `{/segment}`, `{;matrix}` of one variable.
    Operator(char, String),
}

/// What an expression with an RFC 6570 operator means; `None` for a plain name (or what is not
/// an RFC 6570 expression at all). Variable modifiers (`*`, `:3`) are dropped from names.
fn rfc6570_expression(expression: &str) -> Option<Rfc6570> {
    let operator = expression.chars().next()?;
    if !matches!(operator, '?' | '&' | '+' | '#' | '.' | '/' | ';') {
        return None;
    }
    let names: Vec<String> = expression[operator.len_utf8()..]
        .split(',')
        .map(|name| {
            let name = name.trim().trim_end_matches('*');
            name.split(':').next().unwrap_or(name).to_string()
        })
        .collect();
    if names.iter().any(String::is_empty) {
        return None;
    }
    match (operator, names.as_slice()) {
        ('?' | '&', _) => Some(Rfc6570::Query(names)),
        (_, [name]) => Some(Rfc6570::Operator(operator, name.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6570_operators_are_read_and_plain_names_left_alone() {
        let query = |names: &[&str]| {
            Some(Rfc6570::Query(
                names.iter().map(|n| n.to_string()).collect(),
            ))
        };
        assert_eq!(rfc6570_expression("?page,size"), query(&["page", "size"]));
        assert_eq!(rfc6570_expression("&cursor*"), query(&["cursor"]));
        assert_eq!(
            rfc6570_expression("+path:30"),
            Some(Rfc6570::Operator('+', "path".into()))
        );
        assert_eq!(
            rfc6570_expression(";matrix*"),
            Some(Rfc6570::Operator(';', "matrix".into()))
        );
        // Plain names, several names under a path operator, and empty ones are not read.
        for expression in ["id", "user-id", "/a,b", "?", "+", "?a,,b", ""] {
            assert_eq!(rfc6570_expression(expression), None, "{expression}");
        }
    }
}
