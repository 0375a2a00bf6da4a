//! The one text form of IR values: the API surface files, the IR summary of the snapshot tests
//! and the generated doc comments all print types, statuses and enum values through here.

use std::fmt;

use super::{EnumRepr, EnumValue, ParamLocation, StatusSpec, TypeRef};

/// The Rust type the emitters declare, with short paths and no spaces: `Vec<BaseError>`,
/// `BTreeMap<String,i32>`, `Option<String>`, `Map<String,Value>`.
impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::Named(name) => f.write_str(name),
            TypeRef::String => f.write_str("String"),
            TypeRef::Integer { bits, signed } => {
                write!(f, "{}{bits}", if *signed { "i" } else { "u" })
            }
            TypeRef::Number { bits } => write!(f, "f{bits}"),
            TypeRef::Boolean => f.write_str("bool"),
            // As `emit::tokens::type_tokens`: files in multipart parts, base64 inside JSON.
            TypeRef::Bytes => f.write_str("FilePart"),
            TypeRef::Array(item) => write!(f, "Vec<{item}>"),
            TypeRef::Tuple(elements) => {
                f.write_str("(")?;
                for (i, element) in elements.iter().enumerate() {
                    write!(f, "{}{element}", if i == 0 { "" } else { "," })?;
                }
                f.write_str(if elements.len() == 1 { ",)" } else { ")" })
            }
            TypeRef::Map(value) if **value == TypeRef::Any => f.write_str("Map<String,Value>"),
            TypeRef::Map(value) => write!(f, "BTreeMap<String,{value}>"),
            TypeRef::Any => f.write_str("Value"),
            TypeRef::Nullable(inner) => write!(f, "Option<{inner}>"),
        }
    }
}

/// `200`, `4XX` or `default`, as the document writes it.
impl fmt::Display for StatusSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusSpec::Code(code) => write!(f, "{code}"),
            StatusSpec::Range(class) => write!(f, "{class}XX"),
            StatusSpec::Default => f.write_str("default"),
        }
    }
}

/// The value as a JSON literal: `"admin"`, `2`, `true`.
impl fmt::Display for EnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnumValue::String(text) => {
                // A Rust string always serializes to JSON.
                f.write_str(&serde_json::to_string(text).map_err(|_| fmt::Error)?)
            }
            EnumValue::Integer(value) => write!(f, "{value}"),
            EnumValue::Json(text) => f.write_str(text),
        }
    }
}

impl ParamLocation {
    /// `path`, `query`, `header` or `cookie`.
    pub fn name(self) -> &'static str {
        match self {
            ParamLocation::Path { .. } => "path",
            ParamLocation::Query { .. } => "query",
            ParamLocation::Header { .. } => "header",
            ParamLocation::Cookie { .. } => "cookie",
        }
    }
}

impl EnumRepr {
    /// `string`, `integer` or `mixed`.
    pub fn name(self) -> &'static str {
        match self {
            EnumRepr::String => "string",
            EnumRepr::Integer => "integer",
            EnumRepr::Mixed => "mixed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(ty: TypeRef) -> Box<TypeRef> {
        Box::new(ty)
    }

    #[test]
    fn types_print_as_the_rust_the_emitters_declare() {
        let cases = [
            (TypeRef::Named("Pet".into()), "Pet"),
            (TypeRef::String, "String"),
            (
                TypeRef::Integer {
                    bits: 32,
                    signed: true,
                },
                "i32",
            ),
            (
                TypeRef::Integer {
                    bits: 64,
                    signed: false,
                },
                "u64",
            ),
            (TypeRef::Number { bits: 64 }, "f64"),
            (TypeRef::Boolean, "bool"),
            (TypeRef::Bytes, "FilePart"),
            (TypeRef::Any, "Value"),
            (TypeRef::Array(boxed(TypeRef::String)), "Vec<String>"),
            (TypeRef::Map(boxed(TypeRef::Any)), "Map<String,Value>"),
            (
                TypeRef::Map(boxed(TypeRef::Array(boxed(TypeRef::Boolean)))),
                "BTreeMap<String,Vec<bool>>",
            ),
            (
                TypeRef::Nullable(boxed(TypeRef::Named("Pet".into()))),
                "Option<Pet>",
            ),
        ];
        for (ty, text) in cases {
            assert_eq!(ty.to_string(), text, "{ty:?}");
        }
    }

    #[test]
    fn statuses_and_enum_values() {
        assert_eq!(StatusSpec::Code(204).to_string(), "204");
        assert_eq!(StatusSpec::Range(4).to_string(), "4XX");
        assert_eq!(StatusSpec::Default.to_string(), "default");
        assert_eq!(
            EnumValue::String("say \"hi\"".into()).to_string(),
            r#""say \"hi\"""#
        );
        assert_eq!(EnumValue::Integer(-3).to_string(), "-3");
        assert_eq!(EnumValue::Json("2.5".into()).to_string(), "2.5");
    }
}
