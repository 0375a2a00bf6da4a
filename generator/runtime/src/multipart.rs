//! Multipart bodies: file parts, the fields of a form, and their encoding for reqwest.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use reqwest::multipart::{Form, Part};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::error::InvalidRequest;
use super::nullable::Nullable;
use super::request::to_value;

/// A file in a multipart body (`format: binary`): its bytes, and optionally a file name and a
/// media type. In JSON it travels as base64.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    /// The content.
    pub bytes: Bytes,
    /// The file name sent with the part.
    pub file_name: Option<String>,
    /// The part's `Content-Type` (default `application/octet-stream`).
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file part with these bytes.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name.
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's media type.
    #[must_use]
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(&self.bytes))
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        // Servers that send raw text for binary fields are kept as they are.
        let bytes = STANDARD.decode(&text).unwrap_or_else(|_| text.into_bytes());
        Ok(Self::new(bytes))
    }
}

/// One field of a multipart body.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartField {
    /// The field name.
    pub name: String,
    /// Text or a file.
    pub value: MultipartValue,
}

/// The content of a multipart field.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultipartValue {
    /// A text field.
    Text(String),
    /// An object as JSON, with the media type OpenAPI gives object parts by default
    /// (`application/json`).
    Json(String),
    /// A file field.
    File(FilePart),
}

/// Types sent as `multipart/form-data`: generated for multipart request bodies.
#[doc(hidden)]
pub trait ToMultipart {
    /// The fields, in order.
    ///
    /// # Errors
    ///
    /// When a field cannot be written as text.
    fn to_multipart(&self) -> Result<Vec<MultipartField>, InvalidRequest>;
}

/// Any JSON object goes field by field, as text.
impl ToMultipart for Value {
    fn to_multipart(&self) -> Result<Vec<MultipartField>, InvalidRequest> {
        match self {
            Value::Object(map) => map.to_multipart(),
            _ => Ok(Vec::new()),
        }
    }
}

/// A free-form object goes field by field, as text.
impl ToMultipart for serde_json::Map<String, Value> {
    fn to_multipart(&self) -> Result<Vec<MultipartField>, InvalidRequest> {
        let mut fields = Vec::new();
        for (name, value) in self {
            push_text(&mut fields, name, value)?;
        }
        Ok(fields)
    }
}

/// The fields of a body that is not an object type of its own (a union, a map): its JSON
/// object, field by field, as text.
///
/// # Errors
///
/// When the body cannot be serialized.
#[doc(hidden)]
pub fn json_multipart<T: Serialize + ?Sized>(
    body: &T,
) -> Result<Vec<MultipartField>, InvalidRequest> {
    serde_json::to_value(body)
        .map_err(InvalidRequest::MultipartBody)?
        .to_multipart()
}

/// Adds a text field (arrays as repeated fields; `None` and `null` as nothing).
///
/// # Errors
///
/// When the value cannot be serialized.
#[doc(hidden)]
pub fn push_text<T: Serialize + ?Sized>(
    fields: &mut Vec<MultipartField>,
    name: &str,
    value: &T,
) -> Result<(), InvalidRequest> {
    let values = match to_value(name, value)? {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    };
    for value in values {
        let value = match value {
            Value::String(s) => MultipartValue::Text(s),
            Value::Null => continue,
            object @ Value::Object(_) => MultipartValue::Json(object.to_string()),
            other => MultipartValue::Text(other.to_string()),
        };
        fields.push(MultipartField {
            name: name.to_string(),
            value,
        });
    }
    Ok(())
}

/// File fields: one file, an optional one, or several.
#[doc(hidden)]
pub trait FileParts {
    /// The files.
    fn file_parts(&self) -> Vec<&FilePart>;
}

impl FileParts for FilePart {
    fn file_parts(&self) -> Vec<&FilePart> {
        vec![self]
    }
}

impl<T: FileParts> FileParts for Option<T> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.as_ref().map(FileParts::file_parts).unwrap_or_default()
    }
}

impl<T: FileParts> FileParts for Nullable<T> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.as_ref().map(FileParts::file_parts).unwrap_or_default()
    }
}

impl<T: FileParts> FileParts for Vec<T> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().flat_map(FileParts::file_parts).collect()
    }
}

/// Adds file fields.
#[doc(hidden)]
pub fn push_files(fields: &mut Vec<MultipartField>, name: &str, files: &impl FileParts) {
    for file in files.file_parts() {
        fields.push(MultipartField {
            name: name.to_string(),
            value: MultipartValue::File(file.clone()),
        });
    }
}

/// The fields as a reqwest form, made afresh for each attempt (a form cannot be cloned, and
/// retries resend it).
pub(crate) fn to_form(fields: &[MultipartField]) -> Result<Form, InvalidRequest> {
    let mut form = Form::new();
    for field in fields {
        form = match &field.value {
            MultipartValue::Text(text) => form.text(field.name.clone(), text.clone()),
            MultipartValue::Json(json) => {
                let part = Part::text(json.clone())
                    .mime_str("application/json")
                    .map_err(|_| InvalidRequest::MediaType {
                        media_type: "application/json".into(),
                    })?;
                form.part(field.name.clone(), part)
            }
            MultipartValue::File(file) => form.part(field.name.clone(), file_part(file)?),
        };
    }
    Ok(form)
}

fn file_part(file: &FilePart) -> Result<Part, InvalidRequest> {
    let mut part = Part::bytes(file.bytes.to_vec());
    if let Some(name) = &file.file_name {
        part = part.file_name(name.clone());
    }
    let media = file
        .content_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    part.mime_str(media).map_err(|_| InvalidRequest::MediaType {
        media_type: media.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(name: &str, value: &str) -> MultipartField {
        MultipartField {
            name: name.into(),
            value: MultipartValue::Text(value.into()),
        }
    }

    #[test]
    fn text_fields_repeat_for_arrays_and_skip_nulls() {
        let mut fields = Vec::new();
        push_text(&mut fields, "tag", &["a", "b"]).unwrap();
        push_text(&mut fields, "n", &3).unwrap();
        push_text(&mut fields, "none", &None::<String>).unwrap();
        push_text(&mut fields, "mixed", &json!([1, null, "x"])).unwrap();
        assert_eq!(
            fields,
            vec![
                text("tag", "a"),
                text("tag", "b"),
                text("n", "3"),
                text("mixed", "1"),
                text("mixed", "x"),
            ]
        );
    }

    #[test]
    fn file_fields_come_from_one_optional_or_many_files() {
        let file = FilePart::new(b"hi".to_vec()).file_name("a.txt");
        let mut fields = Vec::new();
        push_files(&mut fields, "one", &file);
        push_files(&mut fields, "none", &None::<FilePart>);
        push_files(&mut fields, "absent", &Nullable::<FilePart>::Absent);
        push_files(&mut fields, "many", &vec![file.clone(), file.clone()]);
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["one", "many", "many"]);
        assert_eq!(fields[0].value, MultipartValue::File(file));
    }

    #[test]
    fn object_fields_are_json_parts() {
        let fields = json_multipart(&json!({"meta": {"name": "a"}})).unwrap();
        assert_eq!(
            fields,
            vec![MultipartField {
                name: "meta".into(),
                value: MultipartValue::Json(r#"{"name":"a"}"#.into()),
            }]
        );
        assert!(to_form(&fields).is_ok());
    }

    #[test]
    fn a_json_object_body_goes_field_by_field() {
        let fields = json_multipart(&json!({"a": "x", "b": [1, 2]})).unwrap();
        assert_eq!(fields, vec![text("a", "x"), text("b", "1"), text("b", "2")]);
        assert_eq!(json_multipart(&json!("scalar")).unwrap(), Vec::new());
    }

    #[test]
    fn file_parts_are_base64_in_json_and_raw_text_is_kept() {
        let file = FilePart::new(b"hello".to_vec());
        assert_eq!(serde_json::to_value(&file).unwrap(), json!("aGVsbG8="));
        let decoded: FilePart = serde_json::from_value(json!("aGVsbG8=")).unwrap();
        assert_eq!(decoded.bytes, "hello");
        let raw: FilePart = serde_json::from_value(json!("not base64!")).unwrap();
        assert_eq!(raw.bytes, "not base64!");
    }

    #[test]
    fn an_invalid_media_type_is_refused_by_name() {
        let file = FilePart::new(b"x".to_vec()).content_type("not a media type");
        let fields = vec![MultipartField {
            name: "f".into(),
            value: MultipartValue::File(file),
        }];
        let err = to_form(&fields).unwrap_err();
        assert!(
            matches!(&err, InvalidRequest::MediaType { media_type }
                if media_type == "not a media type"),
            "{err:?}"
        );
    }
}
