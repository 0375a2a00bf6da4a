//! A request as an operation describes it, and the encoding of its parameters: path segments,
//! query styles, headers and cookies.

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde::Serialize;
use serde_json::Value;

use super::error::InvalidRequest;
use super::multipart::{MultipartField, ToMultipart};

/// The body of a request, kept as data so retries can resend it.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// No body.
    Empty,
    /// A multipart body, encoded afresh for each attempt: its fields, and the multipart media
    /// type (`multipart/form-data`, or another such as `multipart/related`).
    Multipart(Vec<MultipartField>, &'static str),
    /// Bytes with their media type.
    Bytes {
        /// The `Content-Type` header value.
        content_type: std::borrow::Cow<'static, str>,
        /// The encoded body.
        bytes: Bytes,
    },
}

/// A body of bytes and the media type they are in, for an operation whose document gives a
/// range of media types (`image/*`): only the caller knows which one the bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedBytes {
    /// The `Content-Type` to send, a media type inside the operation's range (`image/png`).
    pub media_type: String,
    /// The content.
    pub bytes: Bytes,
}

impl TypedBytes {
    /// `bytes` in the media type `media_type`.
    pub fn new(media_type: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            media_type: media_type.into(),
            bytes: bytes.into(),
        }
    }
}

/// The method of an operation that `http` has no constant for (`QUERY`, or a method of OpenAPI
/// 3.2's `additionalOperations` such as `COPY`). The generator emits only HTTP tokens, which
/// are always valid methods; `POST` is never reached.
pub fn extension_method(name: &'static str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap_or(Method::POST)
}

/// A request under construction: what an operation knows before the client adds base URL,
/// credentials and headers.
#[doc(hidden)]
#[derive(Debug)]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) security: &'static [&'static [&'static str]],
    pub(crate) accept: Option<&'static str>,
    /// The index of the operation's own server in the API module's `OPERATION_SERVERS`.
    pub(crate) server: Option<usize>,
    /// A success's body is read as it arrives (an event stream), not whole: the timeout ends
    /// with the response's headers.
    pub(crate) streams: bool,
}

impl Request {
    /// A request for `operation` to `path` (already encoded), documented as `path_template`.
    pub fn new(
        operation: &'static str,
        method: Method,
        path_template: &'static str,
        path: String,
    ) -> Self {
        Self {
            operation,
            method,
            path_template,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            security: &[],
            accept: None,
            server: None,
            streams: false,
        }
    }

    /// Sends this request to the operation's own server, at `index` in the API module's
    /// `OPERATION_SERVERS`, instead of the client's base URL.
    pub fn server(&mut self, index: usize) {
        self.server = Some(index);
    }

    /// The media types this operation can decode, sent as `Accept` so servers that negotiate
    /// answer in one of them.
    pub fn accept(&mut self, media_types: &'static str) {
        self.accept = Some(media_types);
    }

    /// Security alternatives by scheme name; the first fully configured one is used.
    pub fn security(&mut self, alternatives: &'static [&'static [&'static str]]) {
        self.security = alternatives;
    }

    /// Adds a query parameter per the spec's style; `None` sends nothing.
    ///
    /// # Errors
    ///
    /// When the value cannot be serialized or written in this style.
    pub fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
        explode: bool,
    ) -> Result<(), InvalidRequest> {
        self.query.extend(query_pairs(name, value, style, explode)?);
        Ok(())
    }

    /// Adds a header parameter in `simple` style (an object as `role,admin,first,Alex`);
    /// `None` sends nothing.
    ///
    /// # Errors
    ///
    /// When the value holds an object inside an object or array, or has characters HTTP
    /// headers cannot carry.
    pub fn header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        self.styled_header(name, value, false)
    }

    /// Adds a header parameter in `simple` style, exploded (an object as
    /// `role=admin,first=Alex`); `None` sends nothing.
    ///
    /// # Errors
    ///
    /// As [`Request::header`].
    pub fn exploded_header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        self.styled_header(name, value, true)
    }

    fn styled_header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        explode: bool,
    ) -> Result<(), InvalidRequest> {
        if let Some(text) = styled_header_text(name, value, explode)? {
            self.headers.push((name, text));
        }
        Ok(())
    }

    /// Adds a cookie parameter in `form` style, not exploded (an object as
    /// `prefs=theme,dark`); `None` sends nothing.
    ///
    /// # Errors
    ///
    /// When the value cannot be serialized or holds an object inside an object or array.
    pub fn cookie<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        self.styled_cookie(name, value, false)
    }

    /// Adds a cookie parameter in `form` style, exploded: an object is one cookie per property
    /// (`theme=dark`); `None` sends nothing.
    ///
    /// # Errors
    ///
    /// As [`Request::cookie`].
    pub fn exploded_cookie<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        self.styled_cookie(name, value, true)
    }

    fn styled_cookie<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        explode: bool,
    ) -> Result<(), InvalidRequest> {
        match to_value(name, value)? {
            Value::Null => {}
            Value::Object(fields) if explode => {
                for (key, field) in fields.iter().filter(|(_, field)| !field.is_null()) {
                    let text = simple_text(name, field)?;
                    self.cookies.push((key.clone(), text));
                }
            }
            value => {
                let text = styled_text(name, &value, explode)?;
                self.cookies.push((name.to_string(), text));
            }
        }
        Ok(())
    }

    /// Sets a JSON body.
    ///
    /// # Errors
    ///
    /// When the body cannot be serialized.
    pub fn json_body<T: Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
    ) -> Result<(), InvalidRequest> {
        let bytes = serde_json::to_vec(body).map_err(InvalidRequest::JsonBody)?;
        self.body = Body::Bytes {
            content_type: content_type.into(),
            bytes: bytes.into(),
        };
        Ok(())
    }

    /// Sets a JSON sequence body (JSON Lines, NDJSON, `application/json-seq`): a list is one
    /// JSON text per item.
    ///
    /// # Errors
    ///
    /// When the body cannot be serialized.
    pub fn json_sequence_body<T: Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
    ) -> Result<(), InvalidRequest> {
        let bytes = super::sequence::write(content_type, body).map_err(InvalidRequest::JsonBody)?;
        self.body = Body::Bytes {
            content_type: content_type.into(),
            bytes: bytes.into(),
        };
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body, written by [`form_text`].
    ///
    /// # Errors
    ///
    /// When the body is not an object or cannot be encoded as a form.
    pub fn form_body<T: Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
        encodings: FormEncodings,
    ) -> Result<(), InvalidRequest> {
        let text = form_text(body, encodings)?;
        self.body = Body::Bytes {
            content_type: content_type.into(),
            bytes: text.into(),
        };
        Ok(())
    }

    /// Sets a `multipart/form-data` body.
    ///
    /// # Errors
    ///
    /// When a field cannot be written.
    pub fn multipart_body<T: ToMultipart + ?Sized>(
        &mut self,
        body: &T,
    ) -> Result<(), InvalidRequest> {
        self.multipart_body_as("multipart/form-data", body)
    }

    /// Sets a multipart body of another multipart media type (`multipart/related`,
    /// `multipart/mixed`): the same parts, one per field, sent under that type.
    ///
    /// # Errors
    ///
    /// When a field cannot be written.
    pub fn multipart_body_as<T: ToMultipart + ?Sized>(
        &mut self,
        media_type: &'static str,
        body: &T,
    ) -> Result<(), InvalidRequest> {
        self.body = Body::Multipart(body.to_multipart()?, media_type);
        Ok(())
    }

    /// Sets a body of bytes in the media type the caller gave.
    ///
    /// # Errors
    ///
    /// When the media type has characters a `Content-Type` header cannot carry.
    pub fn typed_body(&mut self, body: &TypedBytes) -> Result<(), InvalidRequest> {
        if HeaderValue::from_str(&body.media_type).is_err() {
            return Err(InvalidRequest::HeaderValue {
                header: "Content-Type".to_string(),
            });
        }
        self.body = Body::Bytes {
            content_type: body.media_type.clone().into(),
            bytes: body.bytes.clone(),
        };
        Ok(())
    }

    /// Sets a body of raw bytes.
    pub fn raw_body(&mut self, content_type: &'static str, bytes: impl Into<Bytes>) {
        self.body = Body::Bytes {
            content_type: content_type.into(),
            bytes: bytes.into(),
        };
    }
}

/// The `encoding` a form body's media type gives some of its properties: name, style and
/// `explode`. The others are written in form style, exploded (OpenAPI's default).
#[doc(hidden)]
pub type FormEncodings = &'static [(&'static str, QueryStyle, bool)];

/// The text of an `application/x-www-form-urlencoded` body. Each property is written as its
/// `encoding` says, else in form style, exploded: an array repeats its name, an object spreads
/// its fields. A property in `deepObject` style is written in brackets to any depth
/// (`card[address][city]=Paris`, `items[0][price]=5`), the convention of Stripe, Rails and PHP.
/// [`Request::form_body`] sends exactly this, and the typed mocks expect it.
///
/// # Errors
///
/// When the body is not an object or a value cannot be written in its style.
#[doc(hidden)]
pub fn form_text<T: Serialize + ?Sized>(
    body: &T,
    encodings: FormEncodings,
) -> Result<String, InvalidRequest> {
    // Flat bodies keep their fields' order as serde_urlencoded writes them; only a body with
    // arrays or objects needs the per-property encoding (whose JSON map is sorted).
    if let Ok(text) = serde_urlencoded::to_string(body) {
        return Ok(spaces_as_percent_20(text));
    }
    let mut pairs = Vec::new();
    match to_value("body", body)? {
        Value::Null => {}
        Value::Object(fields) => {
            for (name, value) in &fields {
                let (style, explode) = encodings
                    .iter()
                    .find(|(property, _, _)| property == name)
                    .map_or((QueryStyle::Form, true), |(_, style, explode)| {
                        (*style, *explode)
                    });
                encode_query(&mut pairs, name, value, style, explode)?;
            }
        }
        _ => return Err(InvalidRequest::FormBodyNotObject),
    }
    serde_urlencoded::to_string(&pairs)
        .map(spaces_as_percent_20)
        .map_err(InvalidRequest::FormBody)
}

/// Writes spaces as `%20`, not `+`. Form decoders read both as a space, but `+` is a reserved
/// character to OpenAPI's `allowReserved` (RFC 3986), and strict validators (Prism) refuse it
/// unencoded. serde_urlencoded writes a `+` of the text as `%2B`, so every `+` is a space.
fn spaces_as_percent_20(text: String) -> String {
    if text.contains('+') {
        text.replace('+', "%20")
    } else {
        text
    }
}

/// Serialization styles of query parameters (OpenAPI `style`).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `name=a&name=b`, or `name=a,b` unexploded.
    Form,
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name=a%09b`: Swagger 2.0's `collectionFormat: tsv`, which OpenAPI 3 has no style for.
    TabDelimited,
    /// `name[key]=value`.
    DeepObject,
}

/// A parameter value as JSON, the form every encoding starts from.
pub(crate) fn to_value<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<Value, InvalidRequest> {
    serde_json::to_value(value).map_err(|source| InvalidRequest::Serialize {
        parameter: name.to_string(),
        source,
    })
}

/// The text of a scalar parameter value (strings unquoted; arrays joined with commas).
fn simple_text(name: &str, value: &Value) -> Result<String, InvalidRequest> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        Value::Array(items) => Ok(texts(name, items)?.join(",")),
        Value::Object(_) => Err(InvalidRequest::ObjectParameter {
            parameter: name.to_string(),
        }),
    }
}

/// The text of a value in `simple` style (a header, an unexploded cookie): an object is its
/// keys and values, comma-separated (`role,admin,first,Alex`), exploded `role=admin,first=Alex`;
/// anything else as [`simple_text`]. Fields that are `null` send nothing.
fn styled_text(name: &str, value: &Value, explode: bool) -> Result<String, InvalidRequest> {
    let Value::Object(fields) = value else {
        return simple_text(name, value);
    };
    let mut parts = Vec::new();
    for (key, field) in fields.iter().filter(|(_, field)| !field.is_null()) {
        let text = simple_text(name, field)?;
        if explode {
            parts.push(format!("{key}={text}"));
        } else {
            parts.push(key.clone());
            parts.push(text);
        }
    }
    Ok(parts.join(","))
}

fn texts(name: &str, items: &[Value]) -> Result<Vec<String>, InvalidRequest> {
    items.iter().map(|item| simple_text(name, item)).collect()
}

/// The JSON text of a parameter whose `content` is JSON: OpenAPI serializes the value in that
/// media type, then encodes the text for the parameter's place. `None` for a value that sends
/// nothing.
///
/// # Errors
///
/// When the value cannot be serialized.
#[doc(hidden)]
pub fn json_param<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<Option<String>, InvalidRequest> {
    match to_value(name, value)? {
        Value::Null => Ok(None),
        value => Ok(Some(value.to_string())),
    }
}

/// The `(name, value)` pairs a query parameter is sent as, in order; none for a value that
/// sends nothing. [`Request::query`] sends exactly these, and the typed mocks expect them.
///
/// # Errors
///
/// When the value cannot be serialized or written in this style.
#[doc(hidden)]
pub fn query_pairs<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: QueryStyle,
    explode: bool,
) -> Result<Vec<(String, String)>, InvalidRequest> {
    let mut pairs = Vec::new();
    encode_query(&mut pairs, name, &to_value(name, value)?, style, explode)?;
    Ok(pairs)
}

/// The text a header parameter is sent as; `None` for a value that sends nothing.
/// [`Request::header`] sends exactly this, and the typed mocks expect it.
///
/// # Errors
///
/// When the value is an object or has characters HTTP headers cannot carry.
#[doc(hidden)]
pub fn header_text<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<Option<String>, InvalidRequest> {
    styled_header_text(name, value, false)
}

/// The text a header parameter is sent as in `simple` style, exploded or not; `None` for a
/// value that sends nothing. [`Request::header`] and [`Request::exploded_header`] send exactly
/// this, and the typed mocks expect it.
///
/// # Errors
///
/// When the value holds an object inside an object or array, or has characters HTTP headers
/// cannot carry.
#[doc(hidden)]
pub fn styled_header_text<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    explode: bool,
) -> Result<Option<String>, InvalidRequest> {
    match to_value(name, value)? {
        Value::Null => Ok(None),
        value => {
            let text = styled_text(name, &value, explode)?;
            if HeaderValue::from_str(&text).is_err() {
                return Err(InvalidRequest::HeaderValue {
                    header: name.to_string(),
                });
            }
            Ok(Some(text))
        }
    }
}

/// Appends the pairs of one query parameter, per its style and `explode`.
fn encode_query(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &Value,
    style: QueryStyle,
    explode: bool,
) -> Result<(), InvalidRequest> {
    match value {
        Value::Null => {}
        // OpenAPI defines `deepObject` for one level of object; deeper objects and arrays use
        // brackets all the way down, as the servers that take this style read them.
        Value::Array(_) | Value::Object(_) if style == QueryStyle::DeepObject => {
            deep_object(out, name, value)?;
        }
        Value::Array(items) if explode => {
            for item in items {
                out.push((name.to_string(), simple_text(name, item)?));
            }
        }
        Value::Array(items) => {
            let separator = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                QueryStyle::TabDelimited => "\t",
                QueryStyle::Form | QueryStyle::DeepObject => ",",
            };
            out.push((name.to_string(), texts(name, items)?.join(separator)));
        }
        Value::Object(fields) => {
            let present = fields.iter().filter(|(_, field)| !field.is_null());
            match style {
                _ if explode => {
                    for (key, field) in present {
                        out.push((key.clone(), simple_text(name, field)?));
                    }
                }
                _ => {
                    let mut parts = Vec::new();
                    for (key, field) in present {
                        parts.push(key.clone());
                        parts.push(simple_text(name, field)?);
                    }
                    out.push((name.to_string(), parts.join(",")));
                }
            }
        }
        scalar => out.push((name.to_string(), simple_text(name, scalar)?)),
    }
    Ok(())
}

/// Appends `prefix[key]…=value` pairs for every scalar inside `value`; arrays are indexed
/// (`prefix[0]`), and nulls send nothing.
fn deep_object(
    out: &mut Vec<(String, String)>,
    prefix: &str,
    value: &Value,
) -> Result<(), InvalidRequest> {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            for (key, field) in fields {
                deep_object(out, &format!("{prefix}[{key}]"), field)?;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                deep_object(out, &format!("{prefix}[{i}]"), item)?;
            }
        }
        scalar => out.push((prefix.to_string(), simple_text(prefix, scalar)?)),
    }
    Ok(())
}

/// Characters left as they are in a path segment: RFC 3986 unreserved. Everything else,
/// including `/`, `?`, `#` and `%`, is percent-encoded so a value stays inside its segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Serialization styles of path parameters (OpenAPI `style`, after RFC 6570's expansions).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    /// `a,b`; an object `k,v` or, exploded, `k=v`.
    Simple,
    /// `.a,b`, or `.a.b` exploded.
    Label,
    /// `;id=a,b`, or `;id=a;id=b` exploded (an exploded object: `;k=v`).
    Matrix,
}

/// Encodes one path parameter in `simple` style, not exploded: the default.
///
/// # Errors
///
/// As [`styled_path_param`].
#[doc(hidden)]
pub fn path_param<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String, InvalidRequest> {
    styled_path_param(name, value, PathStyle::Simple, false)
}

/// Encodes one path parameter in `style`. Every value is percent-encoded, so it stays inside
/// its segment; the style's own `.`, `;`, `=` and `,` are not. An encoding that is empty, `.`
/// or `..` is refused: URL normalization would remove it (even percent-encoded), silently
/// sending the request to another resource.
///
/// # Errors
///
/// When the encoding is empty, `.` or `..`, when an object holds an object, or when the value
/// cannot be serialized.
#[doc(hidden)]
pub fn styled_path_param<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: PathStyle,
    explode: bool,
) -> Result<String, InvalidRequest> {
    let encode = |text: &str| utf8_percent_encode(text, PATH_SEGMENT).to_string();
    let text = |value: &Value| simple_text(name, value).map(|text| encode(&text));
    // The value's items: an object's fields with their keys (nulls send nothing), an array's
    // items, or the one scalar.
    let items: Vec<(Option<String>, String)> = match to_value(name, value)? {
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, field)| !field.is_null())
            .map(|(key, field)| Ok((Some(encode(key)), text(field)?)))
            .collect::<Result<_, InvalidRequest>>()?,
        Value::Array(items) => items
            .iter()
            .map(|item| Ok((None, text(item)?)))
            .collect::<Result<_, InvalidRequest>>()?,
        scalar => vec![(None, text(&scalar)?)],
    };
    // Unexploded, an object's keys and values alternate; exploded, each field is `key=value`.
    let joined = |separator: &str| {
        let parts: Vec<String> = items
            .iter()
            .flat_map(|(key, text)| match key {
                Some(key) if explode => vec![format!("{key}={text}")],
                Some(key) => vec![key.clone(), text.clone()],
                None => vec![text.clone()],
            })
            .collect();
        parts.join(separator)
    };
    let matrix = |name: &str, text: &str| match text {
        "" => format!(";{name}"),
        text => format!(";{name}={text}"),
    };
    let encoded = match (style, explode) {
        (PathStyle::Simple, _) => joined(","),
        (PathStyle::Label, false) => format!(".{}", joined(",")),
        (PathStyle::Label, true) => format!(".{}", joined(".")),
        (PathStyle::Matrix, false) => matrix(&encode(name), &joined(",")),
        (PathStyle::Matrix, true) => items
            .iter()
            .map(|(key, text)| matrix(key.as_deref().unwrap_or(&encode(name)), text))
            .collect(),
    };
    if encoded.is_empty() || encoded == "." || encoded == ".." {
        return Err(InvalidRequest::PathSegment {
            parameter: name.to_string(),
            value: encoded,
        });
    }
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn query(value: Value, style: QueryStyle, explode: bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        encode_query(&mut out, "p", &value, style, explode).unwrap();
        out
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn path_parameters_stay_one_segment() {
        assert_eq!(path_param("id", "a/b?c#d%e").unwrap(), "a%2Fb%3Fc%23d%25e");
        assert_eq!(
            path_param("id", "ünï cødé").unwrap(),
            "%C3%BCn%C3%AF%20c%C3%B8d%C3%A9"
        );
        assert_eq!(path_param("id", "A-z.0_9~").unwrap(), "A-z.0_9~");
        assert_eq!(path_param("id", &42).unwrap(), "42");
        // An item's own comma is encoded; the comma between items is the style's.
        assert_eq!(path_param("ids", &["1", "2,3"]).unwrap(), "1,2%2C3");
        assert_eq!(path_param("id", "...").unwrap(), "...");
    }

    #[test]
    fn dot_segments_and_empty_path_values_are_refused_naming_the_parameter() {
        for bad in ["", ".", ".."] {
            let err = path_param("userId", bad).unwrap_err();
            assert!(
                matches!(&err, InvalidRequest::PathSegment { parameter, value }
                    if parameter == "userId" && value == bad),
                "{err:?}"
            );
            assert!(err.to_string().contains("userId"), "{err}");
        }
        let nested = path_param("filter", &json!({"a": {"b": 1}})).unwrap_err();
        assert!(matches!(nested, InvalidRequest::ObjectParameter { .. }));
        for (style, explode) in [(PathStyle::Label, false), (PathStyle::Label, true)] {
            for bad in ["", "."] {
                let err = styled_path_param("id", bad, style, explode).unwrap_err();
                assert!(matches!(err, InvalidRequest::PathSegment { .. }), "{err:?}");
            }
        }
    }

    /// The examples of OpenAPI's style table (3.1.1, after RFC 6570), for `color` as a
    /// string, an array and an object (whose keys come in order of their names).
    #[test]
    fn path_styles_write_the_openapi_examples() {
        let string = json!("blue");
        let array = json!(["blue", "black", "brown"]);
        let object = json!({"B": 150, "G": 200, "R": 100});
        let cases = [
            (
                PathStyle::Simple,
                false,
                ["blue", "blue,black,brown", "B,150,G,200,R,100"],
            ),
            (
                PathStyle::Simple,
                true,
                ["blue", "blue,black,brown", "B=150,G=200,R=100"],
            ),
            (
                PathStyle::Label,
                false,
                [".blue", ".blue,black,brown", ".B,150,G,200,R,100"],
            ),
            (
                PathStyle::Label,
                true,
                [".blue", ".blue.black.brown", ".B=150.G=200.R=100"],
            ),
            (
                PathStyle::Matrix,
                false,
                [
                    ";color=blue",
                    ";color=blue,black,brown",
                    ";color=B,150,G,200,R,100",
                ],
            ),
            (
                PathStyle::Matrix,
                true,
                [
                    ";color=blue",
                    ";color=blue;color=black;color=brown",
                    ";B=150;G=200;R=100",
                ],
            ),
        ];
        for (style, explode, expected) in cases {
            let written: Vec<String> = [&string, &array, &object]
                .iter()
                .map(|value| styled_path_param("color", value, style, explode).unwrap())
                .collect();
            assert_eq!(written, expected, "{style:?}, explode {explode}");
        }
        // Values stay inside their segment in every style; an empty matrix value is the name.
        assert_eq!(
            styled_path_param("c", &["a/b", "c;d"], PathStyle::Matrix, true).unwrap(),
            ";c=a%2Fb;c=c%3Bd"
        );
        assert_eq!(
            styled_path_param("c", "", PathStyle::Matrix, false).unwrap(),
            ";c"
        );
        assert_eq!(
            styled_path_param("c", "a.b", PathStyle::Label, false).unwrap(),
            ".a.b"
        );
    }

    #[test]
    fn query_styles_follow_the_openapi_table() {
        let list = || json!(["a b", 2, true]);
        assert_eq!(
            query(list(), QueryStyle::Form, true),
            pairs(&[("p", "a b"), ("p", "2"), ("p", "true")])
        );
        assert_eq!(
            query(list(), QueryStyle::Form, false),
            pairs(&[("p", "a b,2,true")])
        );
        assert_eq!(
            query(list(), QueryStyle::SpaceDelimited, false),
            pairs(&[("p", "a b 2 true")])
        );
        assert_eq!(
            query(list(), QueryStyle::PipeDelimited, false),
            pairs(&[("p", "a b|2|true")])
        );
        assert_eq!(
            query(list(), QueryStyle::TabDelimited, false),
            pairs(&[("p", "a b\t2\ttrue")])
        );
        // Keys in sorted order: serde_json keeps insertion order only with a feature.
        let object = || json!({"page": 3, "role": "admin", "skip": null});
        assert_eq!(
            query(object(), QueryStyle::DeepObject, true),
            pairs(&[("p[page]", "3"), ("p[role]", "admin")])
        );
        // Deeper objects and arrays in deepObject style: brackets all the way down.
        assert_eq!(
            query(
                json!({"card": {"city": "Paris"}, "tags": ["a", null]}),
                QueryStyle::DeepObject,
                true
            ),
            pairs(&[("p[card][city]", "Paris"), ("p[tags][0]", "a")])
        );
        assert_eq!(
            query(json!(["a", "b"]), QueryStyle::DeepObject, true),
            pairs(&[("p[0]", "a"), ("p[1]", "b")])
        );
        assert_eq!(
            query(object(), QueryStyle::Form, true),
            pairs(&[("page", "3"), ("role", "admin")])
        );
        assert_eq!(
            query(object(), QueryStyle::Form, false),
            pairs(&[("p", "page,3,role,admin")])
        );
        assert_eq!(query(Value::Null, QueryStyle::Form, true), pairs(&[]));
        assert_eq!(
            query(json!(1.5), QueryStyle::Form, true),
            pairs(&[("p", "1.5")])
        );
    }

    #[test]
    fn optional_parameters_that_are_not_set_send_nothing() {
        let mut request = Request::new("op", Method::GET, "/", "/".into());
        request
            .query("q", &None::<i32>, QueryStyle::Form, true)
            .unwrap();
        request.header("x-h", &None::<String>).unwrap();
        request.cookie("c", &None::<String>).unwrap();
        assert!(request.query.is_empty());
        assert!(request.headers.is_empty());
        assert!(request.cookies.is_empty());
    }

    #[test]
    fn header_parameters_with_line_breaks_are_refused() {
        let mut request = Request::new("op", Method::GET, "/", "/".into());
        let err = request.header("x-trace", "a\r\nx-evil: 1").unwrap_err();
        assert!(
            matches!(&err, InvalidRequest::HeaderValue { header } if header == "x-trace"),
            "{err:?}"
        );
        request.header("x-trace", &["a", "b"]).unwrap();
        assert_eq!(request.headers, vec![("x-trace", "a,b".to_string())]);
    }

    #[test]
    fn bodies_are_encoded_once_and_kept() {
        let mut request = Request::new("op", Method::POST, "/", "/".into());
        request
            .form_body(
                "application/x-www-form-urlencoded",
                &json!({"a": "b c", "n": 1}),
                &[],
            )
            .unwrap();
        assert!(matches!(&request.body, Body::Bytes { bytes, .. } if bytes == "a=b%20c&n=1"));
        request
            .json_body("application/json", &json!({"a": [1]}))
            .unwrap();
        assert!(matches!(&request.body, Body::Bytes { bytes, .. } if bytes == r#"{"a":[1]}"#));
        let not_object = request.form_body("application/x-www-form-urlencoded", &json!([1]), &[]);
        assert!(matches!(not_object, Err(InvalidRequest::FormBodyNotObject)));
    }

    #[test]
    fn form_bodies_use_the_default_form_encoding() {
        let mut request = Request::new("op", Method::POST, "/", "/".into());
        // An array repeats its name, an object spreads its fields, null is left out.
        let body = json!({"tags": ["a", "b"], "where": {"x": 1}, "gone": null});
        request
            .form_body("application/x-www-form-urlencoded", &body, &[])
            .unwrap();
        assert!(
            matches!(&request.body, Body::Bytes { bytes, .. } if bytes == "tags=a&tags=b&x=1"),
            "{:?}",
            request.body
        );
        let deeper = json!({"where": {"x": {"y": 1}}});
        let refused = request.form_body("application/x-www-form-urlencoded", &deeper, &[]);
        assert!(
            matches!(&refused, Err(InvalidRequest::ObjectParameter { parameter }) if parameter == "where"),
            "{refused:?}"
        );
    }

    #[test]
    fn form_bodies_follow_the_encoding_of_their_properties() {
        // Stripe's way: nested objects and arrays of objects in deepObject style. The keys are
        // in sorted order, which is also their order when serde_json preserves it (a feature
        // another crate of the build may turn on).
        let body = json!({
            "business_profile": {"name": "Shop", "support_address": {"city": "Paris"}},
            "email": "a@example.com",
            "expand": ["customer"],
            "items": [{"price": "p_1", "quantity": 2}],
        });
        const ENCODINGS: FormEncodings = &[
            ("business_profile", QueryStyle::DeepObject, true),
            ("items", QueryStyle::DeepObject, true),
            ("expand", QueryStyle::DeepObject, true),
        ];
        let text = form_text(&body, ENCODINGS).unwrap();
        assert_eq!(
            text,
            "business_profile%5Bname%5D=Shop&business_profile%5Bsupport_address%5D%5Bcity%5D=Paris\
             &email=a%40example.com&expand%5B0%5D=customer\
             &items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2"
        );
        // Without an encoding, the same nested object is refused rather than guessed.
        assert!(form_text(&body, &[]).is_err());
    }

    #[test]
    fn form_bodies_write_spaces_as_percent_20_and_keep_a_plus_of_the_text() {
        // Flat, and with an array (the per-property path).
        let flat = json!({"events": "in-progress completed", "sum": "1+1"});
        assert_eq!(
            form_text(&flat, &[]).unwrap(),
            "events=in-progress%20completed&sum=1%2B1"
        );
        let listed = json!({"events": ["in-progress completed", "a+b"]});
        let text = form_text(&listed, &[]).unwrap();
        assert_eq!(text, "events=in-progress%20completed&events=a%2Bb");
        // Any form decoder reads the text back as it was.
        let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap();
        assert_eq!(decoded[0].1, "in-progress completed");
        assert_eq!(decoded[1].1, "a+b");
    }
}
