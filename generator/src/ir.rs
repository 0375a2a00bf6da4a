//! The intermediate representation: what the emitters see.
//!
//! It is version-neutral (no `openapiv3` type appears here), every name in it is final and
//! Rust-safe (decided once, in `normalize::names`), and every `$ref` is resolved. Its one text form
//! (types, statuses, enum values) is the `Display` impls in `ir/display.rs`.

mod display;

/// One API: the normalized form of one OpenAPI document.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Rust module name of the API (`teams`).
    pub module: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    pub security_schemes: Vec<SecurityScheme>,
    pub operations: Vec<Operation>,
    pub types: Vec<TypeDef>,
    /// Set when each tag's operations go behind a cargo feature of the crate
    /// (`--features-per-tag`): which features enable which operation and type.
    pub features: Option<FeatureGates>,
}

impl Api {
    /// The servers operations are sent to instead of the document's: the first each such
    /// operation lists, once per URL, in the order of the operations.
    pub fn operation_servers(&self) -> Vec<&Server> {
        let mut servers: Vec<&Server> = Vec::new();
        for server in self.operations.iter().filter_map(|op| op.servers.first()) {
            if !servers.iter().any(|s| s.url == server.url) {
                servers.push(server);
            }
        }
        servers
    }

    /// Where `op`'s server is in [`Self::operation_servers`]; `None` when it has none.
    pub fn operation_server_index(&self, op: &Operation) -> Option<usize> {
        let url = &op.servers.first()?.url;
        self.operation_servers().iter().position(|s| &s.url == url)
    }
}

/// The cargo features of one API (`--features-per-tag`): one per tag, each enabling the
/// operations of its tag and the types they reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureGates {
    /// In `Cargo.toml` order.
    pub features: Vec<Feature>,
    /// Method name → the features any of which enables the operation.
    pub operations: std::collections::BTreeMap<String, Vec<String>>,
    /// Type name → the features any of which enables the type. A type no operation reaches is
    /// absent: it is compiled with the crate's `full` feature only.
    pub types: std::collections::BTreeMap<String, Vec<String>>,
}

/// One cargo feature of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name in `Cargo.toml` (sanitized, unique in the crate).
    pub name: String,
    /// The tag it stands for; `None` for the operations without a tag.
    pub tag: Option<String>,
    /// How many operations it enables.
    pub operations: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    pub name: String,
    pub default: String,
    pub allowed: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The key under `components.securitySchemes`.
    pub key: String,
    /// Snake-case name of the client builder setter.
    pub setter: String,
    pub kind: SecurityKind,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SecurityKind {
    /// A secret sent verbatim in a header, query parameter or cookie.
    ApiKey {
        location: ApiKeyLocation,
        name: String,
    },
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// `Authorization: Bearer <token>`: http bearer, OAuth2 and OpenID Connect alike.
    Bearer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// Alternatives: the first one whose credentials are all configured is used. An empty
/// alternative means the operation may be called anonymously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// Indices into `Api::security_schemes`, all of which are applied together.
    pub schemes: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId`, when the document has one.
    pub operation_id: Option<String>,
    /// The operation's `tags`, in the document's order, without repeats; empty when it has none.
    pub tags: Vec<String>,
    /// Snake-case method name on the client.
    pub method_name: String,
    /// Upper-camel-case prefix of the operation's own types (builder, outcome enums).
    pub type_name: String,
    pub method: HttpMethod,
    pub path: PathTemplate,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Parameter>,
    pub body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// The `Accept` header sent: the media types of the documented response bodies (ranges as
    /// written, except JSON ones such as `*/*`, which ask for JSON); `None` when no response has
    /// a body.
    pub accept: Option<String>,
    /// `None` when the operation requires no authentication.
    pub security: Vec<SecurityRequirement>,
    pub pagination: Option<Pagination>,
    /// The servers the operation (or its path item) lists instead of the document's; empty
    /// when it lists none or the same ones. Requests go to the first.
    pub servers: Vec<Server>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// `QUERY` (OpenAPI 3.2's `query`): a safe request with a body that says what to find.
    Query,
    /// Another method of OpenAPI 3.2's `additionalOperations` (`COPY`, `LINK`), as sent; an
    /// HTTP token.
    Other(String),
}

impl HttpMethod {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
            Self::Query => "QUERY",
            Self::Other(method) => method,
        }
    }

    /// Whether a repeated request has the same effect as one (RFC 9110 §9.2.2; `QUERY` is safe
    /// and idempotent). Nothing is known of other methods, so they are not repeated.
    pub fn is_idempotent(&self) -> bool {
        !matches!(self, Self::Post | Self::Patch | Self::Other(_))
    }
}

/// A path such as `/v2/Teams/{userId}`, split into literal text and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    pub raw: String,
    pub parts: Vec<PathPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// The wire name of a path parameter.
    Param(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The name on the wire, exactly as in the spec.
    pub name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub description: Option<String>,
    pub deprecated: bool,
    /// What the schema and the parameter's examples say about its values.
    pub facts: ValueFacts,
    /// The parameter has `content` in a JSON media type: its value is sent as JSON text, then
    /// encoded for its place, instead of in a style.
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path {
        style: PathStyle,
        explode: bool,
    },
    Query {
        style: QueryStyle,
        explode: bool,
    },
    /// `simple` style; `explode` writes an object's fields as `key=value`.
    Header {
        explode: bool,
    },
    /// `form` style; `explode` sends an object's fields as cookies of their own.
    Cookie {
        explode: bool,
    },
}

impl ParamLocation {
    /// A path parameter in the default style: `simple`, not exploded.
    pub const PATH: ParamLocation = ParamLocation::Path {
        style: PathStyle::Simple,
        explode: false,
    };

    pub fn is_path(self) -> bool {
        matches!(self, ParamLocation::Path { .. })
    }
}

/// How a path parameter's value is written (OpenAPI `style`, after RFC 6570): `simple` `1,2`,
/// `label` `.1,2` and `matrix` `;id=1,2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    Simple,
    Label,
    Matrix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    /// Swagger 2.0's `collectionFormat: tsv`, which no OpenAPI 3 style has (the conversion
    /// marks it with the extension `x-openapi-rs-tab-delimited`).
    TabDelimited,
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub required: bool,
    pub media: MediaKind,
    /// The media type sent as `Content-Type` (a concrete one when the spec gives a pattern).
    pub content_type: String,
    /// The range of media types the document gives for a binary body (`image/*`), when no
    /// concrete type inside it can be guessed: the caller says which one its bytes are
    /// (`runtime::TypedBytes`).
    pub media_range: Option<String>,
    pub ty: TypeRef,
    pub description: Option<String>,
    /// What the schema and the media type's examples say about the body.
    pub facts: ValueFacts,
    /// How properties of a form body are written, where the media type's `encoding` says
    /// (others: form style, exploded).
    pub form_encodings: Vec<FormEncoding>,
}

/// The `encoding` of one property of an `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, PartialEq)]
pub struct FormEncoding {
    pub property: String,
    pub style: QueryStyle,
    pub explode: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusSpec,
    /// Upper-camel-case variant name in the operation's outcome enum (`Ok`, `BadRequest`).
    pub variant: String,
    pub description: Option<String>,
    pub body: Option<ResponseBody>,
    /// The headers the response documents, in the document's order (`Content-Type` aside: the
    /// body's media type says it).
    pub headers: Vec<ResponseHeader>,
}

/// A header a response documents, read typed on demand from the response.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// As the document writes it: `X-Rate-Limit-Remaining`.
    pub name: String,
    /// The `snake_case` field name.
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
}

impl Response {
    /// 2xx codes and ranges are successes; `default` is an error unless it is the only response.
    pub fn is_success(&self) -> bool {
        match self.status {
            StatusSpec::Code(c) => (200..300).contains(&c),
            StatusSpec::Range(r) => r == 2,
            StatusSpec::Default => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseBody {
    pub media: MediaKind,
    pub content_type: String,
    pub ty: TypeRef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusSpec {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u8),
    Default,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Json,
    /// Several JSON texts, one after the other: JSON Lines, NDJSON, JSON text sequences. The
    /// body's type is the list of them, as OpenAPI's media type registry models it.
    JsonSequence,
    FormUrlEncoded,
    Multipart,
    /// Server-sent events (`text/event-stream`): the body's type is that of each event's data
    /// (`String` when the data is text). A success is read as it arrives when it is the
    /// operation's only one; normalizing makes any other event stream [`MediaKind::Text`].
    EventStream,
    Text,
    Binary,
}

impl MediaKind {
    /// A short name for summaries and surface files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::JsonSequence => "json-sequence",
            Self::FormUrlEncoded => "form",
            Self::Multipart => "multipart",
            Self::EventStream => "event-stream",
            Self::Text => "text",
            Self::Binary => "binary",
        }
    }
}

/// How an operation's results are split into pages (`x-pagination`), resolved against the
/// operation's parameters and success type.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub kind: PaginationKind,
    /// Where the page's items are in the success body.
    pub items: FieldPath,
    /// The type of one item.
    pub item_type: TypeRef,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PaginationKind {
    /// `skip`/`take` style: the offset parameter advances by the number of items received, and
    /// a page shorter than the limit (or empty) is the last.
    Offset {
        offset_param: String,
        offset_type: TypeRef,
        limit_param: String,
    },
    /// A cursor read from the response and sent back in a parameter; no cursor ends the list.
    Cursor {
        cursor_param: String,
        next_cursor: FieldPath,
    },
}

/// A path of fields into a response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub steps: Vec<FieldStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldStep {
    pub json_name: String,
    pub rust_name: String,
    /// Whether the field is an `Option` in Rust.
    pub optional: bool,
    /// Whether the field is `#[deprecated]`: code that reads it must allow that.
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Final Rust type name.
    pub name: String,
    /// Where the schema came from, e.g. `#/components/schemas/TeamAccount`.
    pub origin: String,
    pub description: Option<String>,
    pub kind: TypeKind,
    /// Set for response envelopes described by the document's `x-envelope`.
    pub envelope: Option<Envelope>,
    /// What the schema says about values of this type (examples, bounds, formats).
    pub facts: ValueFacts,
}

/// A response envelope: a success flag, a list of errors and an optional payload field, all
/// by Rust field name.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The success flag's field, and whether it is an `Option`.
    pub success: (String, bool),
    /// The error list's field, and whether it is an `Option`.
    pub errors: (String, bool),
    /// The type of one error.
    pub error_type: TypeRef,
    /// The payload field and its type, as the field is declared (`Option` when optional).
    pub payload: Option<(String, TypeRef, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    pub fields: Vec<Field>,
    /// Extra properties are kept in a map with values of this type.
    pub additional: Option<TypeRef>,
    /// Names the schema requires without declaring them as properties, in order: only the
    /// map of extra properties can carry them (Spotify's `required: [uris]` beside
    /// `additionalProperties: true`).
    pub required_extra: Vec<String>,
    /// Sets of properties a value must have, from `oneOf`/`anyOf` members that only list
    /// `required` names beside the object (GitHub's `reviewers` or `team_reviewers`).
    pub required_choices: Vec<RequiredChoice>,
}

/// A choice between sets of required properties.
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredChoice {
    /// `oneOf`: a value has exactly one of the sets in full; `anyOf`: at least one.
    pub exactly_one: bool,
    /// Each alternative's required names.
    pub alternatives: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// JSON name.
    pub name: String,
    pub rust_name: String,
    /// The field's type; `TypeRef::Nullable` when the schema allows `null`.
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    /// A boxed field breaks a cycle of directly contained structs.
    pub boxed: bool,
    /// Optional and nullable in a type sent in requests: absent, `null` and a value are three
    /// different things to say (`runtime::Nullable`).
    pub tri_state: bool,
    /// A union that is part of the object (`allOf: [{oneOf: …}, …]`, `oneOf` beside
    /// `properties`): `#[serde(flatten)]`, its variant's properties beside the others. Its
    /// `name` is no JSON property.
    pub flatten: bool,
    /// What the property's schema says about its values.
    pub facts: ValueFacts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    pub repr: EnumRepr,
    pub variants: Vec<EnumVariant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    String,
    Integer,
    /// Values of several JSON types (`[one, 2, true]`), each sent as its own type.
    Mixed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub value: EnumValue,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum EnumValue {
    String(String),
    Integer(i64),
    /// Any other JSON scalar (`true`, `2.5`), as JSON text.
    Json(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// In the order serde should try them when there is no discriminator: most specific first.
    pub variants: Vec<UnionVariant>,
    /// The property whose value picks the variant, when the spec has a discriminator and
    /// every variant has a tag.
    pub discriminator: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    /// The discriminator values that select this variant.
    pub tags: Vec<String>,
    pub ty: TypeRef,
    /// A boxed variant breaks a cycle of directly contained types.
    pub boxed: bool,
    /// What the variant's schema says about its values.
    pub facts: ValueFacts,
}

/// What a schema says about acceptable values beyond their Rust type: examples, formats,
/// bounds, lengths and patterns. The emitted client does not use them (it accepts what the
/// server sends); they let values be made up that the document itself accepts (smoke tests).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueFacts {
    /// Values the document gives: `example`, then the examples of the parameter or media type
    /// that holds the schema, then `default`; the first that fits is used.
    pub examples: Vec<serde_json::Value>,
    /// `format` (`date-time`, `uuid`, `email`…).
    pub format: Option<String>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    pub min_properties: Option<usize>,
    /// `nullable: true` sits beside `allOf`/`oneOf`/`anyOf` without a `type`: the type is
    /// nullable (servers send `null` there), but validators refuse `null` in requests, since the
    /// referenced schemas do not allow it (OpenAPI 3.0.3, `nullable`).
    pub null_refused: bool,
    /// `additionalProperties: false`: an object with only the declared properties.
    pub closed: bool,
    /// Allowed values the type does not hold itself: a number or boolean `enum`, or an `enum`
    /// beside `allOf`/`$ref` that narrows the referenced type (string and integer enums of
    /// their own are types).
    pub enumeration: Vec<serde_json::Value>,
    /// The facts of an inline item schema (arrays) or value schema (maps).
    pub items: Option<Box<ValueFacts>>,
    /// The facts of each element of a tuple, in order.
    pub elements: Vec<ValueFacts>,
}

impl ValueFacts {
    /// Whether nothing is known beyond the type.
    pub fn is_empty(&self) -> bool {
        *self == ValueFacts::default()
    }
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A `TypeDef` of the same API, by its final Rust name.
    Named(String),
    String,
    Integer {
        bits: u8,
        signed: bool,
    },
    Number {
        bits: u8,
    },
    Boolean,
    /// Raw bytes (`format: binary`, octet-stream bodies).
    Bytes,
    Array(Box<TypeRef>),
    /// A JSON array of a fixed length whose elements each have their own type (`prefixItems`).
    Tuple(Vec<TypeRef>),
    /// A JSON object with arbitrary keys.
    Map(Box<TypeRef>),
    /// Any JSON value.
    Any,
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    pub fn nullable(inner: TypeRef) -> TypeRef {
        match inner {
            already @ TypeRef::Nullable(_) => already,
            // `Any` already admits `null`.
            TypeRef::Any => TypeRef::Any,
            other => TypeRef::Nullable(Box::new(other)),
        }
    }

    pub fn is_nullable(&self) -> bool {
        matches!(self, TypeRef::Nullable(_))
    }

    /// The type without its nullability.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner,
            other => other,
        }
    }
}
