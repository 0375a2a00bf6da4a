//! Operations: names, request bodies, security, servers and pagination, with their parameters
//! (`parameters.rs`) and responses (`responses.rs`).

use indexmap::IndexMap;

use openapiv3::{Parameter as OaParameter, ReferenceOr};

use super::Context;
use super::media;
use super::names::{Namespace, operation_name, type_name};
use super::parameters::query_style;
use super::refs::ComponentKind;
use super::renames::Chosen;
use super::schemas::SchemaRef;
use crate::diagnostics::{Diagnostic, pointer_join};
use crate::ir::{
    FormEncoding, HttpMethod, MediaKind, Operation, QueryStyle, RequestBody, SecurityScheme,
    Server, TypeRef,
};

/// Client methods that exist whatever the spec says.
const RESERVED_METHODS: &[&str] = &["builder", "base_url", "new", "clone", "fmt"];

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
                self.say(d);
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
                http: p.http.clone(),
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
            let standard = item
                .iter()
                .filter_map(|(method, op)| Some((http_method(method)?, method.to_string(), op)));
            // 3.2's `query` and `additionalOperations`, kept aside by the loader.
            let additional = doc
                .additional_operations
                .iter()
                .filter(|a| a.path == *path)
                .map(|a| {
                    let key = pointer_join(crate::grammar::ADDITIONAL_OPERATIONS, &a.method);
                    (extension_method(&a.method), key, &a.operation)
                });
            for (http, key, op) in standard.chain(additional).collect::<Vec<_>>() {
                let pointer = format!("{path_pointer}/{key}");
                known.extend(op.operation_id.clone());
                known.push(format!("{} {path}", http.as_str()));
                let chosen = self.chosen_operation_name(op, &http, path, &pointer);
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
        let wanted = operation_name(p.op.operation_id.as_deref(), &p.http, p.path);
        let owner = taken.chosen.iter().find(|(n, _)| *n == wanted);
        if let Some(owner) = owner.and_then(|(_, j)| taken.planned.get(*j)) {
            // A name chosen by hand must not push a derived one aside: say so where it is chosen.
            if let Some(chosen) = &owner.chosen {
                let message = format!(
                    "the method name `{wanted}` chosen for the operation at {} is the name of the operation at {}; choose another, or rename that one too",
                    owner.pointer, p.pointer
                );
                let d = self.chosen_error(chosen, message);
                self.say(d);
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
            self.say(d);
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
            ref http,
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
            method: http.clone(),
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
        if media_kind == MediaKind::Multipart && !media::is_form_data(chosen) {
            self.warn(
                pointer_join(&pointer_join(&pointer, "content"), chosen),
                format!("a `{chosen}` body is sent as form data is (a part per property, named by it in `Content-Disposition`) under `{chosen}`; a server that finds its parts by `Content-ID` or position alone may not read them"),
            );
        }
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
        // A client sends no stream of events: such a body is the text given.
        let media_kind = match media_kind {
            MediaKind::EventStream => MediaKind::Text,
            kind => kind,
        };
        let ty = self.body_type(
            schema,
            media_kind,
            &format!("{op_type}Body"),
            &schema_pointer,
        );
        let (media_kind, ty) = self.form_body_of_one_value(media_kind, ty, schema, &schema_pointer);
        let form_encodings = match (media_kind, media) {
            (MediaKind::FormUrlEncoded, Some(m)) => form_encodings(&m.encoding),
            _ => Vec::new(),
        };
        let media_range = (media_kind == MediaKind::Binary && chosen.contains('*'))
            .then(|| chosen.trim().to_string());
        Some(RequestBody {
            required: body.required,
            media: media_kind,
            content_type: media::concrete_content_type(chosen),
            media_range,
            ty,
            description: super::prose(&body.description),
            facts,
            form_encodings,
        })
    }

    /// A URL-encoded form is fields of an object. A form body whose schema is a string or a
    /// file is taken as the form text itself, sent as given; any other value cannot be written
    /// as fields, which is said here rather than at every call.
    fn form_body_of_one_value(
        &mut self,
        media_kind: MediaKind,
        ty: TypeRef,
        schema: Option<&'d ReferenceOr<openapiv3::Schema>>,
        pointer: &str,
    ) -> (MediaKind, TypeRef) {
        if media_kind != MediaKind::FormUrlEncoded {
            return (media_kind, ty);
        }
        // A named list (`$ref` to an array) is no more fields than an inline one.
        let named_list = schema.is_some_and(|s| self.is_array_schema(s.into()));
        let sent_as_text = match ty.non_null() {
            TypeRef::Named(_) if named_list => None,
            TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any => return (media_kind, ty),
            TypeRef::String => Some(MediaKind::Text),
            TypeRef::Bytes => Some(MediaKind::Binary),
            _ => None,
        };
        let (kind, what) = match sent_as_text {
            Some(kind) => (
                kind,
                "this one is one value, sent as the form's text, as given",
            ),
            None => (
                media_kind,
                "this value cannot be written as fields, so calls fail before sending",
            ),
        };
        self.warn(
            pointer,
            format!("a URL-encoded form body must be an object schema (its properties are the fields); {what}"),
        );
        (kind, ty)
    }

    pub(super) fn body_type(
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
            (MediaKind::JsonSequence, Some(schema)) => {
                let ty = self.schema_type(schema.into(), hint, pointer);
                if matches!(ty.non_null(), TypeRef::Array(_) | TypeRef::Tuple(_))
                    || self.is_array_schema(schema.into())
                {
                    ty
                } else {
                    // OpenAPI's registry models a whole sequence as an array; documents
                    // written before 3.2 describe one item instead, which is what this is.
                    self.warn(
                        pointer,
                        "a JSON sequence's `schema` describes the whole sequence as an array; this one is not an array, so it is read as the schema of each item",
                    );
                    TypeRef::Array(Box::new(ty))
                }
            }
            (MediaKind::JsonSequence, None) => TypeRef::Array(Box::new(TypeRef::Any)),
            // The schema describes each event's data; without one, the data is text.
            (MediaKind::EventStream, None) => TypeRef::String,
            (_, Some(schema)) => self.schema_type(schema.into(), hint, pointer),
            (_, None) => TypeRef::Any,
        }
    }

    /// Whether a schema (followed through references) is `type: array`.
    fn is_array_schema(&self, schema: SchemaRef<'d>) -> bool {
        self.resolve_schema(schema)
            .is_some_and(|s| match &s.schema_kind {
                openapiv3::SchemaKind::Type(openapiv3::Type::Array(_)) => true,
                openapiv3::SchemaKind::Any(any) => any.typ.as_deref() == Some("array"),
                _ => false,
            })
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
pub(super) struct OpInput<'d, 's> {
    pub(super) path: &'d str,
    pub(super) http: HttpMethod,
    pub(super) op: &'d openapiv3::Operation,
    pub(super) path_params: &'d [ReferenceOr<OaParameter>],
    pub(super) path_servers: &'d [openapiv3::Server],
    pub(super) pointer: &'s str,
    pub(super) method_name: String,
    pub(super) type_name: String,
    pub(super) schemes: &'s [SecurityScheme],
    pub(super) api_servers: &'s [Server],
}

/// A method of 3.2's `additionalOperations` (or `query`), as sent.
fn extension_method(method: &str) -> HttpMethod {
    match method {
        "QUERY" => HttpMethod::Query,
        other => HttpMethod::Other(other.to_string()),
    }
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

/// The properties a form body's `encoding` gives a style or `explode` to; the defaults of
/// OpenAPI (form style, exploded, as for query parameters) fill in what it leaves out.
/// The encodings that differ from a form property's default (`form`, exploded). The loader
/// spells out an absent `explode` (`convert::spell_out_encoding_explode`), which the document
/// model would read as false.
fn form_encodings(encoding: &IndexMap<String, openapiv3::Encoding>) -> Vec<FormEncoding> {
    encoding
        .iter()
        .map(|(property, e)| {
            let tab = super::parameters::tab_delimited(&e.extensions);
            let style = match &e.style {
                _ if tab => QueryStyle::TabDelimited,
                Some(style) => query_style(style),
                None => QueryStyle::Form,
            };
            FormEncoding {
                property: property.clone(),
                style,
                explode: e.explode && !tab,
            }
        })
        .filter(|e| (e.style, e.explode) != (QueryStyle::Form, true))
        .collect()
}
