//! The data model of an API surface: what callers of the generated client see, with Rust-facing
//! types as text.

use crate::ir::EnumValue;

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

impl Response {
    /// `success` or `error`, as the surface text and the change report write it.
    pub fn outcome(&self) -> &'static str {
        if self.success { "success" } else { "error" }
    }
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
    /// `a struct`, `an integer enum`, `an alias of Vec<String>`, for the change report.
    pub(crate) fn describe(&self) -> String {
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
    pub value: EnumValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub ty: String,
    /// The discriminator values that select it.
    pub tags: Vec<String>,
}
