//! The API surface of a generated client, and the change report between two of them.
//!
//! A [`Surface`] is what callers of the generated client see of one API: every operation (client
//! method, HTTP method and path, parameters, request body, responses by status) and every type
//! (struct fields, enum values, union variants, aliases), with Rust-facing types. It is built
//! from the IR ([`Surface::from_api`]), never from the generated Rust.
//!
//! [`Surface::render`] writes it as text, one item per line in a deterministic order, so a diff
//! of the file reads well in review; [`Surface::parse`] reads that text back. [`diff`] compares
//! two surfaces structurally and classifies each [`Change`] as [`Impact::Breaking`] or
//! [`Impact::Compatible`]; [`render_report`] prints the result.
//!
//! The text format, one line per item (names that contain spaces or quotes are JSON strings):
//!
//! ```text
//! op <method_name> <HTTP method> <path> [deprecated]
//! op <method_name> param <wire name> <path|query|header|cookie> <Rust type> <required|optional>
//! op <method_name> body <json|form|multipart|text|binary> <Rust type> <required|optional>
//! op <method_name> response <status> <success|error> <Rust type>
//! type <Name> struct
//! type <Name> field <JSON name> <Rust type> <required|optional> [nullable]
//! type <Name> additional <Rust type>
//! type <Name> enum <string|integer|mixed>
//! type <Name> value <Variant> <"string", integer or other JSON scalar>
//! type <Name> union <untagged|by <property>>
//! type <Name> variant <Variant> <Rust type> [<tag>...]
//! type <Name> alias <Rust type>
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::ir::{self, Api, EnumValue, MediaKind, ParamLocation, StatusSpec, TypeKind, TypeRef};

/// The callable surface of one API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    /// Sorted by method name.
    pub operations: Vec<Operation>,
    /// Sorted by type name.
    pub types: Vec<Type>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The client method's name.
    pub name: String,
    /// `GET`, `POST`, …
    pub method: String,
    pub path: String,
    pub deprecated: bool,
    /// In declaration order: required ones are the method's arguments in this order.
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// Sorted by status: codes, then ranges, then `default`.
    pub responses: Vec<Response>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// The Rust type of the argument or setter.
    pub ty: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// `json`, `form`, `multipart`, `text` or `binary`.
    pub media: String,
    pub ty: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// `200`, `4XX` or `default`.
    pub status: String,
    /// Whether `send` returns it as a success (otherwise it is a variant of the error enum).
    pub success: bool,
    /// The Rust type of the decoded body; `()` without one.
    pub ty: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Type {
    pub name: String,
    pub shape: Shape,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Struct {
        fields: Vec<Field>,
        /// The value type of extra properties kept in a map.
        additional: Option<String>,
    },
    Enum {
        /// `string`, `integer` or `mixed`.
        repr: String,
        values: Vec<EnumMember>,
    },
    Union {
        discriminator: Option<String>,
        variants: Vec<Variant>,
    },
    Alias(String),
}

impl Shape {
    fn describe(&self) -> String {
        match self {
            Shape::Struct { .. } => "a struct".into(),
            Shape::Enum { repr, .. } if repr.starts_with(['a', 'e', 'i', 'o', 'u']) => {
                format!("an {repr} enum")
            }
            Shape::Enum { repr, .. } => format!("a {repr} enum"),
            Shape::Union { .. } => "a union".into(),
            Shape::Alias(ty) => format!("an alias of {ty}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The JSON name.
    pub name: String,
    /// The Rust type of the field as declared (`Option<..>`, `Nullable<..>`, `Box<..>`).
    pub ty: String,
    pub required: bool,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumMember {
    /// The Rust variant.
    pub variant: String,
    pub value: Literal,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Literal {
    String(String),
    Integer(i64),
    /// Another JSON scalar (`true`, `2.5`), as JSON text.
    Json(String),
}

impl Literal {
    fn render(&self) -> String {
        match self {
            // A JSON string never fails to serialize.
            Literal::String(s) => serde_json::to_string(s).unwrap_or_default(),
            Literal::Integer(i) => i.to_string(),
            Literal::Json(text) => token(text),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub ty: String,
    /// The discriminator values that select it.
    pub tags: Vec<String>,
}

impl Surface {
    /// The surface of an API as the emitters generate it.
    pub fn from_api(api: &Api) -> Surface {
        let mut operations: Vec<Operation> = api.operations.iter().map(operation).collect();
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        let mut types: Vec<Type> = api.types.iter().map(type_item).collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        Surface { operations, types }
    }

    /// The text form: one item per line, a blank line before each operation and type.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for op in &self.operations {
            let name = token(&op.name);
            let deprecated = if op.deprecated { " deprecated" } else { "" };
            let _ = writeln!(
                out,
                "\nop {name} {} {}{deprecated}",
                token(&op.method),
                token(&op.path)
            );
            for p in &op.params {
                let _ = writeln!(
                    out,
                    "op {name} param {} {} {} {}",
                    token(&p.name),
                    token(&p.location),
                    token(&p.ty),
                    required_text(p.required)
                );
            }
            if let Some(b) = &op.body {
                let _ = writeln!(
                    out,
                    "op {name} body {} {} {}",
                    token(&b.media),
                    token(&b.ty),
                    required_text(b.required)
                );
            }
            for r in &op.responses {
                let _ = writeln!(
                    out,
                    "op {name} response {} {} {}",
                    token(&r.status),
                    if r.success { "success" } else { "error" },
                    token(&r.ty)
                );
            }
        }
        for t in &self.types {
            let name = token(&t.name);
            match &t.shape {
                Shape::Struct { fields, additional } => {
                    let _ = writeln!(out, "\ntype {name} struct");
                    for f in fields {
                        let nullable = if f.nullable { " nullable" } else { "" };
                        let _ = writeln!(
                            out,
                            "type {name} field {} {} {}{nullable}",
                            token(&f.name),
                            token(&f.ty),
                            required_text(f.required)
                        );
                    }
                    if let Some(extra) = additional {
                        let _ = writeln!(out, "type {name} additional {}", token(extra));
                    }
                }
                Shape::Enum { repr, values } => {
                    let _ = writeln!(out, "\ntype {name} enum {}", token(repr));
                    for v in values {
                        let _ = writeln!(
                            out,
                            "type {name} value {} {}",
                            token(&v.variant),
                            v.value.render()
                        );
                    }
                }
                Shape::Union {
                    discriminator,
                    variants,
                } => {
                    let by = match discriminator {
                        Some(d) => format!("by {}", token(d)),
                        None => "untagged".into(),
                    };
                    let _ = writeln!(out, "\ntype {name} union {by}");
                    for v in variants {
                        let mut line =
                            format!("type {name} variant {} {}", token(&v.name), token(&v.ty));
                        for tag in &v.tags {
                            line.push(' ');
                            line.push_str(&token(tag));
                        }
                        let _ = writeln!(out, "{line}");
                    }
                }
                Shape::Alias(ty) => {
                    let _ = writeln!(out, "\ntype {name} alias {}", token(ty));
                }
            }
        }
        out
    }

    /// The file `generated/<module>.api.txt`: comment lines (the generator's preamble and a
    /// note on the format), then [`Surface::render`].
    pub fn render_file(&self, preamble: &str, module: &str) -> String {
        let mut out = String::new();
        for line in preamble.lines() {
            let _ = writeln!(out, "# {}", line.trim_start_matches("//").trim_start());
        }
        let _ = writeln!(
            out,
            "# The API surface of `{module}`: each operation and type of the client, one item per line."
        );
        let _ = writeln!(
            out,
            "# `cargo xtask codegen` compares it with the new one and reports breaking changes."
        );
        out.push_str(&self.render());
        out
    }

    /// Reads [`Surface::render`]'s text back. Blank lines and lines starting with `#` are
    /// skipped; an error names the line.
    pub fn parse(text: &str) -> Result<Surface, String> {
        let mut surface = Surface::default();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            parse_line(&mut surface, trimmed)
                .map_err(|message| format!("line {}: {message}: `{trimmed}`", index + 1))?;
        }
        Ok(surface)
    }

    fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }
}

fn required_text(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

// ---------------------------------------------------------------------------------------------
// IR → surface

fn operation(op: &ir::Operation) -> Operation {
    let params = op
        .params
        .iter()
        .map(|p| Param {
            name: p.name.clone(),
            location: match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query { .. } => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => "cookie",
            }
            .into(),
            ty: rust_type(p.ty.non_null()),
            required: p.required,
        })
        .collect();
    let body = op.body.as_ref().map(|b| Body {
        media: b.media.name().into(),
        ty: match b.media {
            MediaKind::Text => "String".into(),
            MediaKind::Binary => "Bytes".into(),
            MediaKind::Json | MediaKind::FormUrlEncoded | MediaKind::Multipart => {
                rust_type(b.ty.non_null())
            }
        },
        required: b.required,
    });
    // As `emit::operations::split_responses`: `default` is a success when no 2xx is documented.
    let any_2xx = op.responses.iter().any(ir::Response::is_success);
    let mut responses: Vec<(StatusSpec, Response)> = op
        .responses
        .iter()
        .map(|r| {
            let success = r.is_success() || (!any_2xx && r.status == StatusSpec::Default);
            let ty = match &r.body {
                None => "()".into(),
                Some(body) => match body.media {
                    MediaKind::Text => "String".into(),
                    MediaKind::Binary | MediaKind::Multipart => "Bytes".into(),
                    MediaKind::Json | MediaKind::FormUrlEncoded => rust_type(&body.ty),
                },
            };
            let status = match r.status {
                StatusSpec::Code(c) => c.to_string(),
                StatusSpec::Range(x) => format!("{x}XX"),
                StatusSpec::Default => "default".into(),
            };
            (
                r.status,
                Response {
                    status,
                    success,
                    ty,
                },
            )
        })
        .collect();
    responses.sort_by_key(|(status, _)| *status);
    Operation {
        name: op.method_name.trim_start_matches("r#").to_string(),
        method: op.method.as_str().into(),
        path: op.path.raw.clone(),
        deprecated: op.deprecated,
        params,
        body,
        responses: responses.into_iter().map(|(_, r)| r).collect(),
    }
}

fn type_item(t: &ir::TypeDef) -> Type {
    let shape = match &t.kind {
        TypeKind::Struct(s) => Shape::Struct {
            fields: s
                .fields
                .iter()
                .map(|f| {
                    // As `emit::types::field` declares it.
                    let mut ty = rust_type(f.ty.non_null());
                    if f.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    if f.tri_state {
                        ty = format!("Nullable<{ty}>");
                    } else if !f.required || f.ty.is_nullable() {
                        ty = format!("Option<{ty}>");
                    }
                    Field {
                        name: f.name.clone(),
                        ty,
                        required: f.required,
                        nullable: f.ty.is_nullable(),
                    }
                })
                .collect(),
            additional: s.additional.as_ref().map(rust_type),
        },
        TypeKind::Enum(e) => Shape::Enum {
            repr: match e.repr {
                ir::EnumRepr::String => "string",
                ir::EnumRepr::Integer => "integer",
                ir::EnumRepr::Mixed => "mixed",
            }
            .into(),
            values: e
                .variants
                .iter()
                .map(|v| EnumMember {
                    variant: v.name.trim_start_matches("r#").to_string(),
                    value: match &v.value {
                        EnumValue::String(s) => Literal::String(s.clone()),
                        EnumValue::Integer(i) => Literal::Integer(*i),
                        EnumValue::Json(text) => Literal::Json(text.clone()),
                    },
                })
                .collect(),
        },
        TypeKind::Union(u) => Shape::Union {
            discriminator: u.discriminator.clone(),
            variants: u
                .variants
                .iter()
                .map(|v| {
                    let ty = rust_type(&v.ty);
                    Variant {
                        name: v.name.trim_start_matches("r#").to_string(),
                        ty: if v.boxed { format!("Box<{ty}>") } else { ty },
                        tags: v.tags.clone(),
                    }
                })
                .collect(),
        },
        TypeKind::Alias(ty) => Shape::Alias(rust_type(ty)),
    };
    Type {
        name: t.name.clone(),
        shape,
    }
}

/// The Rust type the emitters use, with short paths and no spaces: `Vec<BaseError>`,
/// `BTreeMap<String,i32>`, `Option<String>`.
pub fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Integer { bits, signed } => format!("{}{bits}", if *signed { "i" } else { "u" }),
        TypeRef::Number { bits } => format!("f{bits}"),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Bytes => "FilePart".into(),
        TypeRef::Array(item) => format!("Vec<{}>", rust_type(item)),
        TypeRef::Map(value) if **value == TypeRef::Any => "Map<String,Value>".into(),
        TypeRef::Map(value) => format!("BTreeMap<String,{}>", rust_type(value)),
        TypeRef::Any => "Value".into(),
        TypeRef::Nullable(inner) => format!("Option<{}>", rust_type(inner)),
    }
}

// ---------------------------------------------------------------------------------------------
// Text: tokens and lines

/// A name as one token: bare when it is plain, a JSON string otherwise.
fn token(text: &str) -> String {
    let plain = !text.is_empty()
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[derive(Debug)]
struct Token {
    text: String,
    quoted: bool,
}

fn tokenize(line: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        if rest.starts_with('"') {
            let mut escaped = false;
            let mut end = None;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let end = end.ok_or("unterminated string")?;
            let text: String = serde_json::from_str(&rest[..=end])
                .map_err(|e| format!("bad string literal ({e})"))?;
            tokens.push(Token { text, quoted: true });
            rest = rest[end + 1..].trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            tokens.push(Token {
                text: rest[..end].to_string(),
                quoted: false,
            });
            rest = rest[end..].trim_start();
        }
    }
    Ok(tokens)
}

fn parse_required(token: &str) -> Result<bool, String> {
    match token {
        "required" => Ok(true),
        "optional" => Ok(false),
        other => Err(format!(
            "expected `required` or `optional`, found `{other}`"
        )),
    }
}

fn parse_line(surface: &mut Surface, line: &str) -> Result<(), String> {
    let tokens = tokenize(line)?;
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    match words.as_slice() {
        ["op", name, "param", wire, location, ty, required] => {
            let required = parse_required(required)?;
            last_operation(surface, name)?.params.push(Param {
                name: wire.to_string(),
                location: location.to_string(),
                ty: ty.to_string(),
                required,
            });
        }
        ["op", name, "body", media, ty, required] => {
            let required = parse_required(required)?;
            let op = last_operation(surface, name)?;
            if op.body.is_some() {
                return Err("a second request body".into());
            }
            op.body = Some(Body {
                media: media.to_string(),
                ty: ty.to_string(),
                required,
            });
        }
        ["op", name, "response", status, kind, ty] => {
            let success = match *kind {
                "success" => true,
                "error" => false,
                other => return Err(format!("expected `success` or `error`, found `{other}`")),
            };
            last_operation(surface, name)?.responses.push(Response {
                status: status.to_string(),
                success,
                ty: ty.to_string(),
            });
        }
        ["op", name, method, path, flags @ ..] => {
            let deprecated = match flags {
                [] => false,
                ["deprecated"] => true,
                _ => return Err("unexpected words after the path".into()),
            };
            if surface.operation(name).is_some() {
                return Err(format!("operation `{name}` appears twice"));
            }
            surface.operations.push(Operation {
                name: name.to_string(),
                method: method.to_string(),
                path: path.to_string(),
                deprecated,
                params: Vec::new(),
                body: None,
                responses: Vec::new(),
            });
        }
        ["type", name, "struct"] => new_type(
            surface,
            name,
            Shape::Struct {
                fields: Vec::new(),
                additional: None,
            },
        )?,
        ["type", name, "enum", repr] => new_type(
            surface,
            name,
            Shape::Enum {
                repr: repr.to_string(),
                values: Vec::new(),
            },
        )?,
        ["type", name, "union", "untagged"] => new_type(
            surface,
            name,
            Shape::Union {
                discriminator: None,
                variants: Vec::new(),
            },
        )?,
        ["type", name, "union", "by", property] => new_type(
            surface,
            name,
            Shape::Union {
                discriminator: Some(property.to_string()),
                variants: Vec::new(),
            },
        )?,
        ["type", name, "alias", ty] => new_type(surface, name, Shape::Alias(ty.to_string()))?,
        ["type", name, "field", json, ty, required, flags @ ..] => {
            let required = parse_required(required)?;
            let nullable = match flags {
                [] => false,
                ["nullable"] => true,
                _ => return Err("unexpected words after the field".into()),
            };
            match last_shape(surface, name)? {
                Shape::Struct { fields, .. } => fields.push(Field {
                    name: json.to_string(),
                    ty: ty.to_string(),
                    required,
                    nullable,
                }),
                _ => return Err(format!("`{name}` is not a struct")),
            }
        }
        ["type", name, "additional", ty] => match last_shape(surface, name)? {
            Shape::Struct { additional, .. } => *additional = Some(ty.to_string()),
            _ => return Err(format!("`{name}` is not a struct")),
        },
        ["type", name, "value", variant, _] => {
            let literal = tokens.get(4).ok_or("missing value")?;
            let value = if literal.quoted {
                Literal::String(literal.text.clone())
            } else {
                match literal.text.parse() {
                    Ok(i) => Literal::Integer(i),
                    Err(_) => Literal::Json(literal.text.clone()),
                }
            };
            match last_shape(surface, name)? {
                Shape::Enum { values, .. } => values.push(EnumMember {
                    variant: variant.to_string(),
                    value,
                }),
                _ => return Err(format!("`{name}` is not an enum")),
            }
        }
        ["type", name, "variant", variant, ty, tags @ ..] => match last_shape(surface, name)? {
            Shape::Union { variants, .. } => variants.push(Variant {
                name: variant.to_string(),
                ty: ty.to_string(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
            }),
            _ => return Err(format!("`{name}` is not a union")),
        },
        _ => return Err("not an item of an API surface".into()),
    }
    Ok(())
}

/// The operation a detail line belongs to: the one declared just before.
fn last_operation<'a>(surface: &'a mut Surface, name: &str) -> Result<&'a mut Operation, String> {
    match surface.operations.last_mut() {
        Some(op) if op.name == name => Ok(op),
        _ => Err(format!(
            "no `op {name} <method> <path>` line before this one"
        )),
    }
}

fn last_shape<'a>(surface: &'a mut Surface, name: &str) -> Result<&'a mut Shape, String> {
    match surface.types.last_mut() {
        Some(t) if t.name == name => Ok(&mut t.shape),
        _ => Err(format!("no `type {name} <kind>` line before this one")),
    }
}

fn new_type(surface: &mut Surface, name: &str, shape: Shape) -> Result<(), String> {
    if surface.types.iter().any(|t| t.name == name) {
        return Err(format!("type `{name}` appears twice"));
    }
    surface.types.push(Type {
        name: name.to_string(),
        shape,
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Changes

/// Whether callers of the old client can be broken by the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    Breaking,
    Compatible,
}

/// What changed. [`diff`] decides the [`Impact`] of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    /// Same client method, another HTTP method or path.
    OperationMoved,
    OperationDeprecated,
    OperationUndeprecated,
    ParameterAdded,
    ParameterRemoved,
    ParameterMadeRequired,
    ParameterMadeOptional,
    ParameterTypeChanged,
    /// The required parameters, the method's arguments, come in another order.
    ParametersReordered,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyMadeRequired,
    RequestBodyMadeOptional,
    RequestBodyTypeChanged,
    RequestBodyMediaChanged,
    ResponseAdded,
    ResponseRemoved,
    ResponseTypeChanged,
    TypeAdded,
    TypeRemoved,
    /// A struct became an enum, a string enum an integer one, and so on.
    TypeKindChanged,
    FieldAdded,
    FieldRemoved,
    FieldTypeChanged,
    FieldMadeRequired,
    FieldMadeOptional,
    FieldMadeNullable,
    FieldMadeNonNullable,
    AdditionalPropertiesAdded,
    AdditionalPropertiesRemoved,
    AdditionalPropertiesTypeChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumVariantRenamed,
    UnionVariantAdded,
    UnionVariantRemoved,
    UnionVariantTypeChanged,
    UnionTagsChanged,
    UnionDiscriminatorChanged,
    AliasTargetChanged,
}

/// One difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub impact: Impact,
    pub description: String,
}

impl Change {
    pub fn is_breaking(&self) -> bool {
        self.impact == Impact::Breaking
    }
}

/// Where a type is used: reachable from parameters and request bodies, from responses, or both.
/// A type reachable from neither counts as both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Side {
    request: bool,
    response: bool,
}

impl Side {
    fn effective(self) -> Side {
        if self.request || self.response {
            self
        } else {
            Side {
                request: true,
                response: true,
            }
        }
    }

    fn label(self) -> &'static str {
        match (self.request, self.response) {
            (true, false) => "request type",
            (false, true) => "response type",
            _ => "request and response type",
        }
    }
}

/// The type names a Rust type text mentions.
fn mentions<'a>(ty: &'a str, names: &'a BTreeSet<&str>) -> impl Iterator<Item = &'a str> + 'a {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(move |word| names.contains(word))
}

/// Which types are reachable from requests and which from responses.
fn sides(surface: &Surface) -> BTreeMap<String, Side> {
    let names: BTreeSet<&str> = surface.types.iter().map(|t| t.name.as_str()).collect();
    let by_name: BTreeMap<&str, &Type> =
        surface.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for op in &surface.operations {
        for p in &op.params {
            request_roots.extend(mentions(&p.ty, &names));
        }
        if let Some(b) = &op.body {
            request_roots.extend(mentions(&b.ty, &names));
        }
        for r in &op.responses {
            response_roots.extend(mentions(&r.ty, &names));
        }
    }
    let reach = |roots: Vec<&str>| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = roots;
        while let Some(name) = stack.pop() {
            if !seen.insert(name.to_string()) {
                continue;
            }
            let Some(t) = by_name.get(name) else {
                continue;
            };
            match &t.shape {
                Shape::Struct { fields, additional } => {
                    for f in fields {
                        stack.extend(mentions(&f.ty, &names));
                    }
                    if let Some(extra) = additional {
                        stack.extend(mentions(extra, &names));
                    }
                }
                Shape::Union { variants, .. } => {
                    for v in variants {
                        stack.extend(mentions(&v.ty, &names));
                    }
                }
                Shape::Alias(ty) => stack.extend(mentions(ty, &names)),
                Shape::Enum { .. } => {}
            }
        }
        seen
    };
    let request = reach(request_roots);
    let response = reach(response_roots);
    surface
        .types
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                Side {
                    request: request.contains(&t.name),
                    response: response.contains(&t.name),
                },
            )
        })
        .collect()
}

struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, kind: ChangeKind, breaking: bool, description: String) {
        self.0.push(Change {
            kind,
            impact: if breaking {
                Impact::Breaking
            } else {
                Impact::Compatible
            },
            description,
        });
    }
}

/// The changes from `old` to `new`, breaking ones first, each group in surface order.
///
/// Operations are matched by client method name, parameters by location and wire name,
/// responses by status, types by name, fields by JSON name, enum members by value and union
/// variants by name. Rules for types depend on where they are used (see [`ChangeKind`]):
/// a type reachable from parameters or request bodies (in either version) is a request type, one
/// reachable from responses a response type; both rules apply to types that are both, and to
/// types reachable from neither.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Changes(Vec::new());
    diff_operations(old, new, &mut changes);

    let old_sides = sides(old);
    let new_sides = sides(new);
    let old_types: BTreeMap<&str, &Type> = old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &Type> = new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let names: BTreeSet<&str> = old_types.keys().chain(new_types.keys()).copied().collect();
    for name in names {
        match (old_types.get(name), new_types.get(name)) {
            (None, Some(t)) => changes.push(
                ChangeKind::TypeAdded,
                false,
                format!("type `{name}` added ({})", t.shape.describe()),
            ),
            (Some(t), None) => changes.push(
                ChangeKind::TypeRemoved,
                true,
                format!("type `{name}` removed (was {})", t.shape.describe()),
            ),
            (Some(a), Some(b)) => {
                let side = Side {
                    request: old_sides.get(name).is_some_and(|s| s.request)
                        || new_sides.get(name).is_some_and(|s| s.request),
                    response: old_sides.get(name).is_some_and(|s| s.response)
                        || new_sides.get(name).is_some_and(|s| s.response),
                }
                .effective();
                diff_type(name, a, b, side, &mut changes);
            }
            (None, None) => {}
        }
    }
    let mut all = changes.0;
    all.sort_by_key(|c| c.impact);
    all
}

fn diff_operations(old: &Surface, new: &Surface, changes: &mut Changes) {
    let old_ops: BTreeMap<&str, &Operation> = old
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    let new_ops: BTreeMap<&str, &Operation> = new
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    let names: BTreeSet<&str> = old_ops.keys().chain(new_ops.keys()).copied().collect();
    for name in names {
        match (old_ops.get(name), new_ops.get(name)) {
            (None, Some(op)) => changes.push(
                ChangeKind::OperationAdded,
                false,
                format!("operation `{name}` ({} {}) added", op.method, op.path),
            ),
            (Some(op), None) => changes.push(
                ChangeKind::OperationRemoved,
                true,
                format!("operation `{name}` ({} {}) removed", op.method, op.path),
            ),
            (Some(a), Some(b)) => diff_operation(a, b, changes),
            (None, None) => {}
        }
    }
}

fn diff_operation(old: &Operation, new: &Operation, changes: &mut Changes) {
    let name = &old.name;
    if (&old.method, &old.path) != (&new.method, &new.path) {
        changes.push(
            ChangeKind::OperationMoved,
            false,
            format!(
                "operation `{name}` is now {} {} (was {} {})",
                new.method, new.path, old.method, old.path
            ),
        );
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => changes.push(
            ChangeKind::OperationDeprecated,
            false,
            format!("operation `{name}` is deprecated"),
        ),
        (true, false) => changes.push(
            ChangeKind::OperationUndeprecated,
            false,
            format!("operation `{name}` is no longer deprecated"),
        ),
        _ => {}
    }

    let key = |p: &Param| (p.location.clone(), p.name.clone());
    let old_params: BTreeMap<(String, String), &Param> =
        old.params.iter().map(|p| (key(p), p)).collect();
    let new_params: BTreeMap<(String, String), &Param> =
        new.params.iter().map(|p| (key(p), p)).collect();
    let keys: BTreeSet<&(String, String)> = old_params.keys().chain(new_params.keys()).collect();
    for k in keys {
        let (location, wire) = k;
        let what = format!("{location} parameter `{wire}` of `{name}`");
        match (old_params.get(k), new_params.get(k)) {
            (None, Some(p)) => changes.push(
                ChangeKind::ParameterAdded,
                p.required,
                format!("{what} added ({}, {})", required_text(p.required), p.ty),
            ),
            (Some(_), None) => changes.push(
                ChangeKind::ParameterRemoved,
                true,
                format!("{what} removed"),
            ),
            (Some(a), Some(b)) => {
                match (a.required, b.required) {
                    (false, true) => changes.push(
                        ChangeKind::ParameterMadeRequired,
                        true,
                        format!("{what} is now required (was optional)"),
                    ),
                    // Required parameters are method arguments: the signature changes.
                    (true, false) => changes.push(
                        ChangeKind::ParameterMadeOptional,
                        true,
                        format!("{what} is now optional (was required; it moves from the method's arguments to a setter)"),
                    ),
                    _ => {}
                }
                if a.ty != b.ty {
                    changes.push(
                        ChangeKind::ParameterTypeChanged,
                        true,
                        format!("{what} is now {} (was {})", b.ty, a.ty),
                    );
                }
            }
            (None, None) => {}
        }
    }
    // The arguments that are arguments in both versions must keep their order.
    let arguments = |params: &[Param], other: &BTreeMap<(String, String), &Param>| -> Vec<String> {
        params
            .iter()
            .filter(|p| p.required && other.get(&key(p)).is_some_and(|o| o.required))
            .map(|p| format!("`{}`", p.name))
            .collect()
    };
    let (before, after) = (
        arguments(&old.params, &new_params),
        arguments(&new.params, &old_params),
    );
    if before != after {
        changes.push(
            ChangeKind::ParametersReordered,
            true,
            format!(
                "the arguments of `{name}` are now in the order {} (was {})",
                after.join(", "),
                before.join(", ")
            ),
        );
    }

    let what = format!("request body of `{name}`");
    match (&old.body, &new.body) {
        (None, Some(b)) => changes.push(
            ChangeKind::RequestBodyAdded,
            b.required,
            format!(
                "{what} added ({}, {} {})",
                required_text(b.required),
                b.media,
                b.ty
            ),
        ),
        (Some(b), None) => changes.push(
            ChangeKind::RequestBodyRemoved,
            true,
            format!("{what} removed (was {} {})", b.media, b.ty),
        ),
        (Some(a), Some(b)) => {
            match (a.required, b.required) {
                (false, true) => changes.push(
                    ChangeKind::RequestBodyMadeRequired,
                    true,
                    format!("{what} is now required (was optional)"),
                ),
                (true, false) => changes.push(
                    ChangeKind::RequestBodyMadeOptional,
                    true,
                    format!("{what} is now optional (was required; it moves from the method's arguments to `.body()`)"),
                ),
                _ => {}
            }
            if a.ty != b.ty {
                changes.push(
                    ChangeKind::RequestBodyTypeChanged,
                    true,
                    format!("{what} is now {} (was {})", b.ty, a.ty),
                );
            }
            if a.media != b.media {
                changes.push(
                    ChangeKind::RequestBodyMediaChanged,
                    false,
                    format!("{what} is now sent as {} (was {})", b.media, a.media),
                );
            }
        }
        (None, None) => {}
    }

    let old_responses: BTreeMap<&str, &Response> = old
        .responses
        .iter()
        .map(|r| (r.status.as_str(), r))
        .collect();
    let new_responses: BTreeMap<&str, &Response> = new
        .responses
        .iter()
        .map(|r| (r.status.as_str(), r))
        .collect();
    // In surface order: codes, ranges, `default`.
    let mut statuses: Vec<&str> = old.responses.iter().map(|r| r.status.as_str()).collect();
    for r in &new.responses {
        if !statuses.contains(&r.status.as_str()) {
            statuses.push(&r.status);
        }
    }
    for status in statuses {
        let kind = |r: &Response| if r.success { "success" } else { "error" };
        match (old_responses.get(status), new_responses.get(status)) {
            // A new status changes what `send` returns: a success type, or a variant of the
            // operation's error enum (which is matched exhaustively).
            (None, Some(r)) => changes.push(
                ChangeKind::ResponseAdded,
                true,
                format!("{} response {status} of `{name}` added ({})", kind(r), r.ty),
            ),
            (Some(r), None) => changes.push(
                ChangeKind::ResponseRemoved,
                true,
                format!(
                    "{} response {status} of `{name}` removed (was {})",
                    kind(r),
                    r.ty
                ),
            ),
            (Some(a), Some(b)) if a != b => changes.push(
                ChangeKind::ResponseTypeChanged,
                true,
                format!(
                    "response {status} of `{name}` is now {} {} (was {} {})",
                    kind(b),
                    b.ty,
                    kind(a),
                    a.ty
                ),
            ),
            _ => {}
        }
    }
}

/// The type inside the outer `Option<..>` or `Nullable<..>` that optionality adds.
fn unwrap_optional(ty: &str) -> &str {
    ["Option<", "Nullable<"]
        .iter()
        .find_map(|prefix| ty.strip_prefix(prefix)?.strip_suffix('>'))
        .unwrap_or(ty)
}

fn diff_type(name: &str, old: &Type, new: &Type, side: Side, changes: &mut Changes) {
    let label = side.label();
    match (&old.shape, &new.shape) {
        (
            Shape::Struct {
                fields: old_fields,
                additional: old_extra,
            },
            Shape::Struct {
                fields: new_fields,
                additional: new_extra,
            },
        ) => {
            let old_by: BTreeMap<&str, &Field> =
                old_fields.iter().map(|f| (f.name.as_str(), f)).collect();
            let new_by: BTreeMap<&str, &Field> =
                new_fields.iter().map(|f| (f.name.as_str(), f)).collect();
            let mut order: Vec<&str> = old_fields.iter().map(|f| f.name.as_str()).collect();
            order.extend(
                new_fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .filter(|n| !old_by.contains_key(n)),
            );
            for field in order {
                let what = format!("field `{field}` of `{name}` ({label})");
                match (old_by.get(field), new_by.get(field)) {
                    (None, Some(f)) => changes.push(
                        ChangeKind::FieldAdded,
                        side.request && f.required,
                        format!("{what} added ({}, {})", required_text(f.required), f.ty),
                    ),
                    (Some(f), None) => changes.push(
                        ChangeKind::FieldRemoved,
                        true,
                        format!("{what} removed (was {})", f.ty),
                    ),
                    (Some(a), Some(b)) => diff_field(&what, a, b, side, changes),
                    (None, None) => {}
                }
            }
            let what = format!("additional properties of `{name}` ({label})");
            match (old_extra, new_extra) {
                (None, Some(ty)) => changes.push(
                    ChangeKind::AdditionalPropertiesAdded,
                    side.request,
                    format!("{what} added ({ty})"),
                ),
                (Some(ty), None) => changes.push(
                    ChangeKind::AdditionalPropertiesRemoved,
                    true,
                    format!("{what} removed (was {ty})"),
                ),
                (Some(a), Some(b)) if a != b => changes.push(
                    ChangeKind::AdditionalPropertiesTypeChanged,
                    true,
                    format!("{what} are now {b} (were {a})"),
                ),
                _ => {}
            }
        }
        (
            Shape::Enum {
                repr: old_repr,
                values: old_values,
            },
            Shape::Enum {
                repr: new_repr,
                values: new_values,
            },
        ) if old_repr == new_repr => {
            let old_by: BTreeMap<&Literal, &EnumMember> =
                old_values.iter().map(|v| (&v.value, v)).collect();
            let new_by: BTreeMap<&Literal, &EnumMember> =
                new_values.iter().map(|v| (&v.value, v)).collect();
            for v in old_values {
                match new_by.get(&v.value) {
                    None => changes.push(
                        ChangeKind::EnumValueRemoved,
                        true,
                        format!(
                            "value {} (`{}`) of enum `{name}` removed",
                            v.value.render(),
                            v.variant
                        ),
                    ),
                    Some(n) if n.variant != v.variant => changes.push(
                        ChangeKind::EnumVariantRenamed,
                        true,
                        format!(
                            "value {} of enum `{name}` is now the variant `{}` (was `{}`)",
                            v.value.render(),
                            n.variant,
                            v.variant
                        ),
                    ),
                    Some(_) => {}
                }
            }
            for v in new_values.iter().filter(|v| !old_by.contains_key(&v.value)) {
                // Values a client does not know already decode to `Unknown(..)`.
                changes.push(
                    ChangeKind::EnumValueAdded,
                    false,
                    format!(
                        "value {} (`{}`) of enum `{name}` added",
                        v.value.render(),
                        v.variant
                    ),
                );
            }
        }
        (
            Shape::Union {
                discriminator: old_by,
                variants: old_variants,
            },
            Shape::Union {
                discriminator: new_by,
                variants: new_variants,
            },
        ) => {
            match (old_by, new_by) {
                (Some(a), Some(b)) if a != b => changes.push(
                    ChangeKind::UnionDiscriminatorChanged,
                    false,
                    format!("union `{name}` is now chosen by `{b}` (was `{a}`)"),
                ),
                // A discriminated union has an `Unknown` variant; an untagged one has none.
                (None, Some(b)) => changes.push(
                    ChangeKind::UnionDiscriminatorChanged,
                    true,
                    format!("union `{name}` is now chosen by `{b}` (was untagged)"),
                ),
                (Some(a), None) => changes.push(
                    ChangeKind::UnionDiscriminatorChanged,
                    true,
                    format!("union `{name}` is now untagged (was chosen by `{a}`)"),
                ),
                _ => {}
            }
            let old_v: BTreeMap<&str, &Variant> =
                old_variants.iter().map(|v| (v.name.as_str(), v)).collect();
            let new_v: BTreeMap<&str, &Variant> =
                new_variants.iter().map(|v| (v.name.as_str(), v)).collect();
            for v in old_variants {
                let what = format!("variant `{}` of union `{name}` ({label})", v.name);
                match new_v.get(v.name.as_str()) {
                    None => changes.push(
                        ChangeKind::UnionVariantRemoved,
                        true,
                        format!("{what} removed (was {})", v.ty),
                    ),
                    Some(n) => {
                        if n.ty != v.ty {
                            changes.push(
                                ChangeKind::UnionVariantTypeChanged,
                                true,
                                format!("{what} is now {} (was {})", n.ty, v.ty),
                            );
                        }
                        // Tags only matter, and only change alone, when both versions use them.
                        if n.tags != v.tags && old_by.is_some() && new_by.is_some() {
                            changes.push(
                                ChangeKind::UnionTagsChanged,
                                false,
                                format!(
                                    "{what} is now selected by {} (was {})",
                                    tags_text(&n.tags),
                                    tags_text(&v.tags)
                                ),
                            );
                        }
                    }
                }
            }
            for v in new_variants
                .iter()
                .filter(|v| !old_v.contains_key(v.name.as_str()))
            {
                // Matches on received values are exhaustive; values sent may use it or not.
                changes.push(
                    ChangeKind::UnionVariantAdded,
                    side.response,
                    format!(
                        "variant `{}` of union `{name}` ({label}) added ({})",
                        v.name, v.ty
                    ),
                );
            }
        }
        (Shape::Alias(a), Shape::Alias(b)) => {
            if a != b {
                changes.push(
                    ChangeKind::AliasTargetChanged,
                    true,
                    format!("alias `{name}` is now {b} (was {a})"),
                );
            }
        }
        (a, b) => changes.push(
            ChangeKind::TypeKindChanged,
            true,
            format!(
                "type `{name}` is now {} (was {})",
                b.describe(),
                a.describe()
            ),
        ),
    }
}

fn tags_text(tags: &[String]) -> String {
    if tags.is_empty() {
        "no tag".into()
    } else {
        tags.iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn diff_field(what: &str, old: &Field, new: &Field, side: Side, changes: &mut Changes) {
    let mut optionality_changed = false;
    match (old.required, new.required) {
        // Either way the field's Rust type changes between `T` and `Option<T>`, which breaks
        // code that builds (request side) or reads (response side) it.
        (false, true) => {
            optionality_changed = true;
            changes.push(
                ChangeKind::FieldMadeRequired,
                true,
                format!("{what} is now required (was optional)"),
            );
        }
        (true, false) => {
            optionality_changed = true;
            changes.push(
                ChangeKind::FieldMadeOptional,
                true,
                format!("{what} is now optional (was required; its Rust type becomes an `Option`)"),
            );
        }
        _ => {}
    }
    match (old.nullable, new.nullable) {
        // A response may now hold `null`.
        (false, true) => {
            optionality_changed = true;
            changes.push(
                ChangeKind::FieldMadeNullable,
                side.response,
                format!("{what} is now nullable"),
            );
        }
        // A request may no longer send `null`.
        (true, false) => {
            optionality_changed = true;
            changes.push(
                ChangeKind::FieldMadeNonNullable,
                side.request,
                format!("{what} is no longer nullable"),
            );
        }
        _ => {}
    }
    // When optionality changed, the `Option` it adds or removes is reported above.
    let (a, b) = if optionality_changed {
        (unwrap_optional(&old.ty), unwrap_optional(&new.ty))
    } else {
        (old.ty.as_str(), new.ty.as_str())
    };
    if a != b {
        changes.push(
            ChangeKind::FieldTypeChanged,
            true,
            format!("{what} is now {} (was {})", new.ty, old.ty),
        );
    }
}

/// The change report: a header line with counts, then one line per change, marked `BREAKING`
/// or `compatible`. Without changes: `no API changes`.
pub fn render_report(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no API changes\n".into();
    }
    let breaking = changes.iter().filter(|c| c.is_breaking()).count();
    let mut out = format!(
        "{} API change{}: {breaking} breaking, {} compatible\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        changes.len() - breaking
    );
    for c in changes {
        let mark = match c.impact {
            Impact::Breaking => "BREAKING  ",
            Impact::Compatible => "compatible",
        };
        let _ = writeln!(out, "{mark} {}", c.description);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A document with the given `paths` and `components.schemas`, both YAML text indented for
    /// their place.
    fn doc(paths: &str, schemas: &str) -> String {
        format!(
            "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n{paths}\ncomponents:\n  schemas:\n{schemas}"
        )
    }

    fn surface(text: &str) -> Surface {
        let document = crate::load::load_str(Path::new("t.yaml"), text)
            .unwrap_or_else(|d| panic!("{d}\n{text}"));
        let normalized =
            crate::normalize::normalize(&document, "api").unwrap_or_else(|d| panic!("{d}\n{text}"));
        Surface::from_api(&normalized.api)
    }

    /// The changes between two documents; the surfaces also survive a render → parse round trip.
    fn changes(old: &str, new: &str) -> Vec<Change> {
        let (a, b) = (surface(old), surface(new));
        for s in [&a, &b] {
            assert_eq!(&Surface::parse(&s.render()).unwrap(), s, "{}", s.render());
        }
        diff(&a, &b)
    }

    /// Exactly one change, of this kind and impact; returns its description.
    fn one(old: &str, new: &str, kind: ChangeKind, impact: Impact) -> String {
        let found = changes(old, new);
        assert_eq!(found.len(), 1, "{}", render_report(&found));
        assert_eq!(found[0].kind, kind, "{}", found[0].description);
        assert_eq!(found[0].impact, impact, "{}", found[0].description);
        found[0].description.clone()
    }

    const PET_SCHEMAS: &str = "    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
";

    /// `GET /pets` answering `Pet`, `POST /pets` taking `NewPet`, plus `extra` operations.
    fn pets(get_params: &str, post_body: &str, schemas: &str) -> String {
        doc(
            &format!(
                "  /pets:
    get:
      operationId: listPets
{get_params}      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: array, items: {{$ref: '#/components/schemas/Pet'}}}}
    post:
      operationId: addPet
{post_body}      responses:
        '204': {{description: done}}
"
            ),
            schemas,
        )
    }

    const BODY: &str = "      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
";

    fn base() -> String {
        pets("", BODY, PET_SCHEMAS)
    }

    fn params(list: &str) -> String {
        pets(&format!("      parameters:\n{list}"), BODY, PET_SCHEMAS)
    }

    const LIMIT: &str = "        - {name: limit, in: query, required: false, schema: {type: integer, format: int32}}\n";
    const LIMIT_REQUIRED: &str = "        - {name: limit, in: query, required: true, schema: {type: integer, format: int32}}\n";
    const KIND: &str =
        "        - {name: kind, in: query, required: true, schema: {type: string}}\n";

    #[test]
    fn same_document_has_no_changes() {
        assert!(changes(&base(), &base()).is_empty());
        assert_eq!(render_report(&[]), "no API changes\n");
    }

    #[test]
    fn operations_added_and_removed() {
        let extra = base().replace(
            "components:",
            "  /pets/{id}:
    delete:
      operationId: deletePet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: gone}
components:",
        );
        let d = one(
            &base(),
            &extra,
            ChangeKind::OperationAdded,
            Impact::Compatible,
        );
        assert_eq!(d, "operation `delete_pet` (DELETE /pets/{id}) added");
        let d = one(
            &extra,
            &base(),
            ChangeKind::OperationRemoved,
            Impact::Breaking,
        );
        assert_eq!(d, "operation `delete_pet` (DELETE /pets/{id}) removed");
    }

    #[test]
    fn operation_moved_and_deprecated() {
        let moved = base().replace("  /pets:", "  /animals:");
        let found = changes(&base(), &moved);
        assert_eq!(found.len(), 2, "{}", render_report(&found));
        assert!(
            found
                .iter()
                .all(|c| c.kind == ChangeKind::OperationMoved && c.impact == Impact::Compatible)
        );
        let deprecated = base().replace(
            "      operationId: listPets\n",
            "      operationId: listPets\n      deprecated: true\n",
        );
        one(
            &base(),
            &deprecated,
            ChangeKind::OperationDeprecated,
            Impact::Compatible,
        );
    }

    #[test]
    fn parameters_added() {
        let d = one(
            &base(),
            &params(LIMIT),
            ChangeKind::ParameterAdded,
            Impact::Compatible,
        );
        assert_eq!(
            d,
            "query parameter `limit` of `list_pets` added (optional, i32)"
        );
        one(
            &base(),
            &params(LIMIT_REQUIRED),
            ChangeKind::ParameterAdded,
            Impact::Breaking,
        );
    }

    #[test]
    fn parameters_removed() {
        one(
            &params(LIMIT),
            &base(),
            ChangeKind::ParameterRemoved,
            Impact::Breaking,
        );
    }

    #[test]
    fn parameters_made_required_or_optional() {
        let d = one(
            &params(LIMIT),
            &params(LIMIT_REQUIRED),
            ChangeKind::ParameterMadeRequired,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "query parameter `limit` of `list_pets` is now required (was optional)"
        );
        one(
            &params(LIMIT_REQUIRED),
            &params(LIMIT),
            ChangeKind::ParameterMadeOptional,
            Impact::Breaking,
        );
    }

    #[test]
    fn parameter_type_changed() {
        let d = one(
            &params(LIMIT),
            &params(&LIMIT.replace("format: int32", "format: int64")),
            ChangeKind::ParameterTypeChanged,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "query parameter `limit` of `list_pets` is now i64 (was i32)"
        );
    }

    #[test]
    fn required_parameters_reordered() {
        let d = one(
            &params(&format!("{LIMIT_REQUIRED}{KIND}")),
            &params(&format!("{KIND}{LIMIT_REQUIRED}")),
            ChangeKind::ParametersReordered,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "the arguments of `list_pets` are now in the order `kind`, `limit` (was `limit`, `kind`)"
        );
        // Optional parameters are setters: their order does not matter.
        let optional_kind = KIND.replace("required: true", "required: false");
        assert!(
            changes(
                &params(&format!("{LIMIT}{optional_kind}")),
                &params(&format!("{optional_kind}{LIMIT}"))
            )
            .is_empty()
        );
    }

    #[test]
    fn request_body_added_removed_and_required() {
        let without = pets("", "", PET_SCHEMAS);
        let optional = pets(
            "",
            &BODY.replace("required: true", "required: false"),
            PET_SCHEMAS,
        );
        one(
            &without,
            &optional,
            ChangeKind::RequestBodyAdded,
            Impact::Compatible,
        );
        one(
            &without,
            &base(),
            ChangeKind::RequestBodyAdded,
            Impact::Breaking,
        );
        let d = one(
            &base(),
            &without,
            ChangeKind::RequestBodyRemoved,
            Impact::Breaking,
        );
        assert_eq!(d, "request body of `add_pet` removed (was json NewPet)");
        one(
            &optional,
            &base(),
            ChangeKind::RequestBodyMadeRequired,
            Impact::Breaking,
        );
        one(
            &base(),
            &optional,
            ChangeKind::RequestBodyMadeOptional,
            Impact::Breaking,
        );
        let pet_body = pets(
            "",
            &BODY.replace("schemas/NewPet", "schemas/Pet"),
            PET_SCHEMAS,
        );
        let found = changes(&base(), &pet_body);
        assert!(
            found
                .iter()
                .any(|c| c.kind == ChangeKind::RequestBodyTypeChanged
                    && c.impact == Impact::Breaking
                    && c.description == "request body of `add_pet` is now Pet (was NewPet)"),
            "{}",
            render_report(&found)
        );
    }

    #[test]
    fn response_types_changed_added_and_removed() {
        let other = base().replace(
            "schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}",
            "schema: {$ref: '#/components/schemas/Pet'}",
        );
        let d = one(
            &base(),
            &other,
            ChangeKind::ResponseTypeChanged,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "response 200 of `list_pets` is now success Pet (was success Vec<Pet>)"
        );
        let with_error = base().replace(
            "        '204': {description: done}\n",
            "        '204': {description: done}\n        '409': {description: conflict}\n",
        );
        let d = one(
            &base(),
            &with_error,
            ChangeKind::ResponseAdded,
            Impact::Breaking,
        );
        assert_eq!(d, "error response 409 of `add_pet` added (())");
        one(
            &with_error,
            &base(),
            ChangeKind::ResponseRemoved,
            Impact::Breaking,
        );
    }

    /// `PET_SCHEMAS` with `extra` lines added to the properties of `Pet` (response) or `NewPet`
    /// (request), and `required` replaced.
    fn schemas(pet_required: &str, pet_extra: &str, new_required: &str, new_extra: &str) -> String {
        format!(
            "    Pet:
      type: object
      required: [{pet_required}]
      properties:
        name: {{type: string}}
        tag: {{type: string}}
{pet_extra}    NewPet:
      type: object
      required: [{new_required}]
      properties:
        name: {{type: string}}
        tag: {{type: string}}
{new_extra}"
        )
    }

    fn with(schemas: String) -> String {
        pets("", BODY, &schemas)
    }

    const AGE: &str = "        age: {type: integer, format: int32}\n";

    #[test]
    fn fields_added() {
        let d = one(
            &base(),
            &with(schemas("name", AGE, "name", "")),
            ChangeKind::FieldAdded,
            Impact::Compatible,
        );
        assert_eq!(
            d,
            "field `age` of `Pet` (response type) added (optional, Option<i32>)"
        );
        one(
            &base(),
            &with(schemas("name, age", AGE, "name", "")),
            ChangeKind::FieldAdded,
            Impact::Compatible,
        );
        one(
            &base(),
            &with(schemas("name", "", "name", AGE)),
            ChangeKind::FieldAdded,
            Impact::Compatible,
        );
        let d = one(
            &base(),
            &with(schemas("name", "", "name, age", AGE)),
            ChangeKind::FieldAdded,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "field `age` of `NewPet` (request type) added (required, i32)"
        );
    }

    #[test]
    fn fields_removed() {
        one(
            &with(schemas("name", AGE, "name", "")),
            &base(),
            ChangeKind::FieldRemoved,
            Impact::Breaking,
        );
        one(
            &with(schemas("name", "", "name", AGE)),
            &base(),
            ChangeKind::FieldRemoved,
            Impact::Breaking,
        );
    }

    #[test]
    fn field_type_changed() {
        let d = one(
            &with(schemas("name", AGE, "name", "")),
            &with(schemas(
                "name",
                &AGE.replace("integer, format: int32", "string"),
                "name",
                "",
            )),
            ChangeKind::FieldTypeChanged,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "field `age` of `Pet` (response type) is now Option<String> (was Option<i32>)"
        );
    }

    #[test]
    fn field_optionality_in_request_types() {
        let d = one(
            &base(),
            &with(schemas("name", "", "name, tag", "")),
            ChangeKind::FieldMadeRequired,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "field `tag` of `NewPet` (request type) is now required (was optional)"
        );
        one(
            &with(schemas("name", "", "name, tag", "")),
            &base(),
            ChangeKind::FieldMadeOptional,
            Impact::Breaking,
        );
    }

    #[test]
    fn field_optionality_in_response_types() {
        one(
            &base(),
            &with(schemas("name, tag", "", "name", "")),
            ChangeKind::FieldMadeRequired,
            Impact::Breaking,
        );
        let d = one(
            &with(schemas("name, tag", "", "name", "")),
            &base(),
            ChangeKind::FieldMadeOptional,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "field `tag` of `Pet` (response type) is now optional (was required; its Rust type becomes an `Option`)"
        );
    }

    #[test]
    fn field_nullability() {
        let nullable = "        note: {type: string, nullable: true}\n";
        let plain = "        note: {type: string}\n";
        one(
            &with(schemas("name, note", plain, "name", "")),
            &with(schemas("name, note", nullable, "name", "")),
            ChangeKind::FieldMadeNullable,
            Impact::Breaking,
        );
        one(
            &with(schemas("name, note", nullable, "name", "")),
            &with(schemas("name, note", plain, "name", "")),
            ChangeKind::FieldMadeNonNullable,
            Impact::Compatible,
        );
        one(
            &with(schemas("name", "", "name, note", nullable)),
            &with(schemas("name", "", "name, note", plain)),
            ChangeKind::FieldMadeNonNullable,
            Impact::Breaking,
        );
    }

    #[test]
    fn types_used_both_ways_get_both_rules() {
        // `Pet` as the request body too: making a field required is now breaking.
        let both = |s: String| pets("", &BODY.replace("schemas/NewPet", "schemas/Pet"), &s);
        let d = one(
            &both(schemas("name", "", "name", "")),
            &both(schemas("name, tag", "", "name", "")),
            ChangeKind::FieldMadeRequired,
            Impact::Breaking,
        );
        assert!(d.contains("(request and response type)"), "{d}");
        // Reachability goes through fields, arrays and nesting.
        let nested = "        owner: {$ref: '#/components/schemas/Owner'}\n";
        let owner = |required: &str| {
            format!(
                "    Owner:\n      type: object\n      required: [{required}]\n      properties:\n        id: {{type: string}}\n"
            )
        };
        let d = one(
            &with(schemas("name", nested, "name", "") + &owner("")),
            &with(schemas("name", nested, "name", "") + &owner("id")),
            ChangeKind::FieldMadeRequired,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "field `id` of `Owner` (response type) is now required (was optional)"
        );
    }

    const COLOR: &str = "    Color:
      type: string
      enum: [red, green]
";

    fn colors(enum_schema: &str) -> String {
        with(
            schemas(
                "name",
                "        color: {$ref: '#/components/schemas/Color'}\n",
                "name",
                "",
            ) + enum_schema,
        )
    }

    #[test]
    fn enum_values_added_and_removed() {
        let more = COLOR.replace("[red, green]", "[red, green, blue]");
        let d = one(
            &colors(COLOR),
            &colors(&more),
            ChangeKind::EnumValueAdded,
            Impact::Compatible,
        );
        assert_eq!(d, "value \"blue\" (`Blue`) of enum `Color` added");
        one(
            &colors(&more),
            &colors(COLOR),
            ChangeKind::EnumValueRemoved,
            Impact::Breaking,
        );
        let integers = "    Color:\n      type: integer\n      enum: [1, 2]\n";
        let d = one(
            &colors(COLOR),
            &colors(integers),
            ChangeKind::TypeKindChanged,
            Impact::Breaking,
        );
        assert_eq!(d, "type `Color` is now an integer enum (was a string enum)");
    }

    #[test]
    fn types_added_removed_and_aliases() {
        let alias = "    Tags:\n      type: array\n      items: {type: string}\n";
        let d = one(
            &base(),
            &with(schemas("name", "", "name", "") + alias),
            ChangeKind::TypeAdded,
            Impact::Compatible,
        );
        assert_eq!(d, "type `Tags` added (an alias of Vec<String>)");
        one(
            &with(schemas("name", "", "name", "") + alias),
            &base(),
            ChangeKind::TypeRemoved,
            Impact::Breaking,
        );
        let d = one(
            &with(schemas("name", "", "name", "") + alias),
            &with(schemas("name", "", "name", "") + &alias.replace("string", "integer")),
            ChangeKind::AliasTargetChanged,
            Impact::Breaking,
        );
        assert_eq!(d, "alias `Tags` is now Vec<i64> (was Vec<String>)");
    }

    fn shapes(extra_variant: &str) -> String {
        with(
            schemas(
                "name",
                "        shape: {$ref: '#/components/schemas/Shape'}\n",
                "name",
                "",
            ) + &format!(
                "    Shape:
      oneOf:
        - $ref: '#/components/schemas/Circle'
        - $ref: '#/components/schemas/Square'
{extra_variant}    Circle:
      type: object
      required: [radius]
      properties:
        radius: {{type: number}}
    Square:
      type: object
      required: [side]
      properties:
        side: {{type: number}}
    Line:
      type: object
      required: [length]
      properties:
        length: {{type: number}}
"
            ),
        )
    }

    #[test]
    fn union_variants_added_and_removed() {
        let line = "        - $ref: '#/components/schemas/Line'\n";
        let d = one(
            &shapes(""),
            &shapes(line),
            ChangeKind::UnionVariantAdded,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "variant `Line` of union `Shape` (response type) added (Line)"
        );
        one(
            &shapes(line),
            &shapes(""),
            ChangeKind::UnionVariantRemoved,
            Impact::Breaking,
        );
    }

    /// `Shape` chosen by its `shape` property, with this mapping.
    fn tagged(mapping: &str) -> String {
        shapes("").replace(
            "        - $ref: '#/components/schemas/Square'\n",
            &format!(
                "        - $ref: '#/components/schemas/Square'\n      discriminator:\n        propertyName: kind\n        mapping:\n{mapping}"
            ),
        )
    }

    const MAPPING: &str = "          circle: '#/components/schemas/Circle'
          square: '#/components/schemas/Square'
";

    #[test]
    fn union_discriminators_and_tags() {
        let d = one(
            &shapes(""),
            &tagged(MAPPING),
            ChangeKind::UnionDiscriminatorChanged,
            Impact::Breaking,
        );
        assert_eq!(d, "union `Shape` is now chosen by `kind` (was untagged)");
        let d = one(
            &tagged(MAPPING),
            &tagged(&MAPPING.replace("square:", "box:")),
            ChangeKind::UnionTagsChanged,
            Impact::Compatible,
        );
        assert_eq!(
            d,
            "variant `Square` of union `Shape` (response type) is now selected by `box` (was `square`)"
        );
        one(
            &tagged(MAPPING),
            &tagged(MAPPING).replace("propertyName: kind", "propertyName: type"),
            ChangeKind::UnionDiscriminatorChanged,
            Impact::Compatible,
        );
    }

    #[test]
    fn union_variant_type_changed_and_added_to_request_unions() {
        let inline = |format: &str| {
            with(schemas(
                "name",
                &format!(
                    "        id:\n          oneOf:\n            - {{type: string}}\n            - {{type: integer, format: {format}}}\n"
                ),
                "name",
                "",
            ))
        };
        let d = one(
            &inline("int32"),
            &inline("int64"),
            ChangeKind::UnionVariantTypeChanged,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "variant `Integer` of union `PetId` (response type) is now i64 (was i32)"
        );
        // A union only sent in requests may gain a variant.
        let request = |extra: &str| {
            pets(
                "",
                &BODY.replace("schemas/NewPet", "schemas/Shape"),
                &(schemas("name", "", "name", "")
                    + &format!(
                        "    Shape:\n      oneOf:\n        - $ref: '#/components/schemas/NewPet'\n        - $ref: '#/components/schemas/Other'\n{extra}"
                    )
                    + "    Other:\n      type: object\n      required: [x]\n      properties:\n        x: {type: boolean}\n"),
            )
        };
        let d = one(
            &request(""),
            &request("        - {type: boolean}\n"),
            ChangeKind::UnionVariantAdded,
            Impact::Compatible,
        );
        assert!(d.contains("(request type)"), "{d}");
    }

    #[test]
    fn additional_properties() {
        let extra = |ty: &str| format!("      additionalProperties: {{type: {ty}}}\n");
        let response = |ty: Option<&str>| {
            with(schemas("name", "", "name", "")).replace(
                "    NewPet:",
                &format!("{}    NewPet:", ty.map(extra).unwrap_or_default()),
            )
        };
        let d = one(
            &response(None),
            &response(Some("integer")),
            ChangeKind::AdditionalPropertiesAdded,
            Impact::Compatible,
        );
        assert_eq!(
            d,
            "additional properties of `Pet` (response type) added (i64)"
        );
        one(
            &response(Some("integer")),
            &response(None),
            ChangeKind::AdditionalPropertiesRemoved,
            Impact::Breaking,
        );
        one(
            &response(Some("integer")),
            &response(Some("string")),
            ChangeKind::AdditionalPropertiesTypeChanged,
            Impact::Breaking,
        );
        let request = with(schemas("name", "", "name", "")) + &extra("integer");
        one(
            &base(),
            &request,
            ChangeKind::AdditionalPropertiesAdded,
            Impact::Breaking,
        );
    }

    #[test]
    fn request_body_media_changed() {
        let form = BODY.replace("application/json", "application/x-www-form-urlencoded");
        let d = one(
            &base(),
            &pets("", &form, PET_SCHEMAS),
            ChangeKind::RequestBodyMediaChanged,
            Impact::Compatible,
        );
        assert_eq!(
            d,
            "request body of `add_pet` is now sent as form (was json)"
        );
    }

    #[test]
    fn enum_variant_renamed_and_operation_undeprecated() {
        let named = COLOR.to_string() + "      x-enum-varnames: [Red, Verde]\n";
        let d = one(
            &colors(COLOR),
            &colors(&named),
            ChangeKind::EnumVariantRenamed,
            Impact::Breaking,
        );
        assert_eq!(
            d,
            "value \"green\" of enum `Color` is now the variant `Verde` (was `Green`)"
        );
        let deprecated = base().replace(
            "      operationId: listPets\n",
            "      operationId: listPets\n      deprecated: true\n",
        );
        one(
            &deprecated,
            &base(),
            ChangeKind::OperationUndeprecated,
            Impact::Compatible,
        );
    }

    #[test]
    fn struct_becoming_an_alias_changes_the_kind() {
        let d = one(
            &with(
                schemas("name", "", "name", "")
                    + "    Tag:\n      type: object\n      properties:\n        x: {type: string}\n",
            ),
            &with(schemas("name", "", "name", "") + "    Tag:\n      type: string\n"),
            ChangeKind::TypeKindChanged,
            Impact::Breaking,
        );
        assert_eq!(d, "type `Tag` is now an alias of String (was a struct)");
    }

    #[test]
    fn report_has_counts_and_marks() {
        let found = changes(&base(), &with(schemas("name", AGE, "name, tag", "")));
        assert_eq!(
            render_report(&found),
            "2 API changes: 1 breaking, 1 compatible\n\
             BREAKING   field `tag` of `NewPet` (request type) is now required (was optional)\n\
             compatible field `age` of `Pet` (response type) added (optional, Option<i32>)\n"
        );
    }

    #[test]
    fn names_with_spaces_and_quotes_round_trip() {
        let odd = pets(
            "      parameters:\n        - {name: 'odd \"name\"', in: header, schema: {type: string}}\n",
            BODY,
            &(schemas(
                "name",
                "        'display name': {type: string}\n",
                "name",
                "",
            ) + "    Mode:\n      type: string\n      enum: ['a b', '']\n"),
        );
        let s = surface(&odd);
        let text = s.render();
        assert!(
            text.contains("param \"odd \\\"name\\\"\" header String optional"),
            "{text}"
        );
        assert!(
            text.contains("field \"display name\" Option<String> optional"),
            "{text}"
        );
        assert_eq!(Surface::parse(&text).unwrap(), s);
    }

    #[test]
    fn parse_errors_name_the_line() {
        let err = Surface::parse("# comment\n\nop x GET /x\nop y param a query String optional\n")
            .unwrap_err();
        assert!(
            err.starts_with("line 4: no `op y <method> <path>` line"),
            "{err}"
        );
        let err = Surface::parse("type T struct\ntype T field a String maybe\n").unwrap_err();
        assert!(err.contains("expected `required` or `optional`"), "{err}");
    }

    #[test]
    fn the_repository_specs_round_trip() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for (file, module) in [
            ("spec/teams.yaml", "teams"),
            ("spec/membership.yaml", "membership"),
            ("spec/cpaas.yaml", "cpaas"),
            // Unions, mixed enums, multipart bodies, maps, recursion.
            ("tests/features/kitchen-sink.yaml", "kitchen"),
        ] {
            let document = crate::stages::load_file(&root.join(file), false).unwrap();
            let normalized =
                crate::stages::normalize(&document, module, &Default::default()).unwrap();
            let s = Surface::from_api(&normalized.api);
            let text = s.render_file("// generated\n", module);
            assert_eq!(Surface::parse(&text).unwrap(), s, "{file}");
            assert!(diff(&s, &s).is_empty());
            assert_eq!(s.operations.len(), normalized.api.operations.len());
        }
    }
}
