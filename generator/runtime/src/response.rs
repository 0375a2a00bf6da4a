//! Responses: the raw response as received (read within a size limit), decoding by status,
//! and the decoded value with its status, headers and body.

use std::marker::PhantomData;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::error::{DecodeError, Error};
use super::headers::{FromHeaders, HeaderError};

/// The default limit of a response body: generous for an API, small enough not to exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = 64 * 1024 * 1024;

/// A response as received, before it is decoded by status.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    fn into_value<T>(self, value: T) -> ResponseValue<T> {
        ResponseValue {
            status: self.status,
            headers: self.headers,
            body: self.body,
            value,
            typed_headers: PhantomData,
        }
    }

    /// Decodes a JSON body, reporting the path of the first mismatch.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body does not match `T`.
    #[doc(hidden)]
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        // The fast path decodes without tracking paths; only a body that fails is decoded again
        // to name where (same value, same error, no cost on success).
        if let Ok(value) = serde_json::from_slice(&self.body) {
            return Ok(self.into_value(value));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let decoded = serde_path_to_error::deserialize::<_, T>(&mut deserializer);
        self.tracked(decoded)
    }

    /// The value decoded, or the decode error naming the path where it failed.
    fn tracked<T, E>(
        self,
        decoded: Result<T, serde_path_to_error::Error<serde_json::Error>>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        match decoded {
            Ok(value) => Ok(self.into_value(value)),
            Err(err) => {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                Err(self.decode_error(path, message))
            }
        }
    }

    fn decode_error<E>(self, path: String, message: String) -> Error<E> {
        Error::Decode(Box::new(DecodeError {
            response: self,
            path,
            message,
        }))
    }

    /// Decodes a JSON sequence body (JSON Lines, NDJSON, `application/json-seq`) as the list
    /// `T` of its texts, reporting the index of a text that is not JSON or the path of the first
    /// mismatch (`[2].id`).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when a text is not JSON or the texts do not match `T`.
    #[doc(hidden)]
    pub fn json_sequence<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        match super::sequence::read(&self.body) {
            Ok(texts) => {
                let decoded = serde_path_to_error::deserialize(serde_json::Value::Array(texts));
                self.tracked(decoded)
            }
            Err(err) => {
                let message = format!(
                    "text {} of the sequence is not JSON: {}",
                    err.index, err.source
                );
                Err(self.decode_error(format!("[{}]", err.index), message))
            }
        }
    }

    /// Decodes a JSON sequence body and wraps it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when a text is not JSON or the texts do not match `T`.
    #[doc(hidden)]
    pub fn json_sequence_with<T: DeserializeOwned, U, E>(
        self,
        wrap: impl FnOnce(T) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        self.json_sequence::<T, E>().map(|v| v.map(wrap))
    }

    /// Decodes a UTF-8 text body.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not UTF-8.
    #[doc(hidden)]
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(self.into_value(text)),
            Err(e) => {
                Err(self.decode_error(String::new(), format!("the body is not UTF-8 text: {e}")))
            }
        }
    }

    /// Reads a `text/event-stream` body received whole as its events, whose data `data`
    /// decodes (see [`super::EventStream`]). A call that streams receives a success's body
    /// as it arrives instead; this is for bodies that were read whole.
    ///
    /// # Errors
    ///
    /// Never; the `Result` matches the other decoders. Each event's data is decoded as it is
    /// read from the stream.
    #[doc(hidden)]
    pub fn events<T, E>(
        self,
        data: super::events::DataDecoder<T>,
    ) -> Result<ResponseValue<super::EventStream<T>>, Error<E>> {
        let events = super::EventStream::buffered(self.body.clone(), data);
        Ok(self.into_value(events))
    }

    /// Keeps the body as bytes.
    ///
    /// # Errors
    ///
    /// Never; the `Result` matches the other decoders.
    #[doc(hidden)]
    pub fn bytes<E>(self) -> Result<ResponseValue<Bytes>, Error<E>> {
        let body = self.body.clone();
        Ok(self.into_value(body))
    }

    /// For responses documented without a body; whatever is sent is ignored but kept.
    ///
    /// # Errors
    ///
    /// Never; the `Result` matches the other decoders.
    #[doc(hidden)]
    pub fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        Ok(self.into_value(()))
    }

    /// Decodes a JSON body and wraps it (in an outcome enum variant, typically).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body does not match `T`.
    #[doc(hidden)]
    pub fn json_with<T: DeserializeOwned, U, E>(
        self,
        wrap: impl FnOnce(T) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        self.json::<T, E>().map(|v| v.map(wrap))
    }

    /// Decodes a text body and wraps it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not UTF-8.
    #[doc(hidden)]
    pub fn text_with<U, E>(
        self,
        wrap: impl FnOnce(String) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        self.text().map(|v| v.map(wrap))
    }

    /// Keeps a binary body and wraps it.
    ///
    /// # Errors
    ///
    /// Never; the `Result` matches the other decoders.
    #[doc(hidden)]
    pub fn bytes_with<U, E>(
        self,
        wrap: impl FnOnce(Bytes) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        self.bytes().map(|v| v.map(wrap))
    }

    /// For a documented response without a body: the value that stands for it.
    ///
    /// # Errors
    ///
    /// Never; the `Result` matches the other decoders.
    #[doc(hidden)]
    pub fn empty_as<U, E>(self, value: U) -> Result<ResponseValue<U>, Error<E>> {
        Ok(self.into_value(value))
    }

    /// The error for a status the spec does not document.
    ///
    /// # Errors
    ///
    /// Always [`Error::UnexpectedStatus`].
    #[doc(hidden)]
    pub fn unexpected<T, E>(self) -> Result<T, Error<E>> {
        Err(Error::UnexpectedStatus(Box::new(self)))
    }
}

/// Turns a decoded documented-error response into the error it is.
///
/// # Errors
///
/// Always: [`Error::Api`] with the decoded value, or the decoding error.
#[doc(hidden)]
pub fn api_error<T, E>(decoded: Result<ResponseValue<E>, Error<E>>) -> Result<T, Error<E>> {
    match decoded {
        Ok(value) => Err(Error::Api(Box::new(value))),
        Err(err) => Err(err),
    }
}

/// What a call gives: the decoded response of a documented success, or the error (`E` is the
/// operation's type of documented error responses, `H` that of its documented headers).
pub type CallResult<T, E, H = ()> = Result<ResponseValue<T, H>, Error<E>>;

/// A decoded response with its status, headers and raw body. `H` is the type of the headers
/// the operation documents, read with [`Self::typed_headers`]; `()` when it documents none.
#[derive(Debug, Clone)]
pub struct ResponseValue<T, H = ()> {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    value: T,
    typed_headers: PhantomData<fn() -> H>,
}

impl<T, H> ResponseValue<T, H> {
    /// A response whose body is not kept (it is read as it arrives, into `value`).
    pub(crate) fn streaming(status: StatusCode, headers: HeaderMap, value: T) -> Self {
        Self {
            status,
            headers,
            body: Bytes::new(),
            value,
            typed_headers: PhantomData,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body exactly as received; empty for an event stream, read as it arrives.
    pub fn raw_body(&self) -> &Bytes {
        &self.body
    }

    /// The decoded value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value, dropping status and headers.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Transforms the value, keeping status, headers and body.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U, H> {
        ResponseValue {
            status: self.status,
            headers: self.headers,
            body: self.body,
            value: f(self.value),
            typed_headers: PhantomData,
        }
    }

    /// The headers parsed into `K`, a headers type of the generated crate: for the response of
    /// an [`Error::Api`], the operation's `…ErrorHeaders`. A header the response does not carry
    /// is `None`; [`Self::headers`] keeps every header as received.
    ///
    /// # Errors
    ///
    /// [`HeaderError`] naming the first header of `K` whose value does not parse.
    pub fn headers_as<K: FromHeaders>(&self) -> Result<K, HeaderError> {
        K::from_headers(&self.headers)
    }

    /// The same response, with `K` as the type of its documented headers.
    #[doc(hidden)]
    pub fn with_typed_headers<K>(self) -> ResponseValue<T, K> {
        ResponseValue {
            status: self.status,
            headers: self.headers,
            body: self.body,
            value: self.value,
            typed_headers: PhantomData,
        }
    }
}

impl<T, H: FromHeaders> ResponseValue<T, H> {
    /// The headers the operation documents, parsed into their types; a header the response
    /// does not carry is `None`. [`Self::headers`] keeps every header as received.
    ///
    /// # Errors
    ///
    /// [`HeaderError`] naming the first documented header whose value does not parse.
    pub fn typed_headers(&self) -> Result<H, HeaderError> {
        H::from_headers(&self.headers)
    }
}

impl<T, H> std::ops::Deref for ResponseValue<T, H> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Why a body was not read to its end.
pub(crate) enum BodyFailure {
    TooLarge,
    Read(reqwest::Error),
}

/// Reads a body as a stream of chunks and stops as soon as it exceeds `limit`. A declared
/// length over the limit fails at once; counting catches bodies that declare nothing or lie.
pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<Bytes, BodyFailure> {
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(BodyFailure::TooLarge);
    }
    let mut chunks = Vec::new();
    let mut total: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(BodyFailure::Read)? {
        total = total.saturating_add(chunk.len() as u64);
        if total > limit {
            return Err(BodyFailure::TooLarge);
        }
        chunks.push(chunk);
    }
    Ok(concat(chunks))
}

/// The chunks as one body; most bodies arrive in one chunk, which is kept without a copy.
fn concat(mut chunks: Vec<Bytes>) -> Bytes {
    if chunks.len() == 1 {
        return chunks.swap_remove(0);
    }
    let mut body = BytesMut::with_capacity(chunks.iter().map(Bytes::len).sum());
    for chunk in &chunks {
        body.extend_from_slice(chunk);
    }
    body.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct User {
        id: i64,
        roles: Vec<Role>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Role {
        level: u8,
    }

    fn raw(status: u16, body: &'static str) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn a_body_that_does_not_match_names_the_path_and_keeps_the_bytes() {
        let body = r#"{"id": 1, "roles": [{"level": 1}, {"level": "high"}]}"#;
        let Err(Error::Decode(decode)) = raw(200, body).json::<User, ()>() else {
            panic!("expected a decode error");
        };
        assert_eq!(decode.path, "roles[1].level");
        assert!(
            decode.message.contains("invalid type"),
            "{}",
            decode.message
        );
        assert_eq!(decode.response.body(), body);
        assert_eq!(decode.response.status(), StatusCode::OK);
    }

    #[test]
    fn a_decoded_value_keeps_status_headers_and_body() {
        let body = r#"{"id": 7, "roles": []}"#;
        let value = raw(201, body).json::<User, ()>().unwrap();
        assert_eq!(value.status(), StatusCode::CREATED);
        assert_eq!(value.raw_body(), body);
        assert_eq!(value.id, 7);
        let mapped = value.map(|user| user.id);
        assert_eq!(*mapped, 7);
    }

    #[test]
    fn text_must_be_utf8_and_documented_errors_become_api_errors() {
        let bad = RawResponse {
            body: Bytes::from_static(&[0xff, 0xfe]),
            ..raw(200, "")
        };
        assert!(matches!(bad.text::<()>(), Err(Error::Decode(_))));
        let api = api_error::<(), String>(raw(400, "nope").text());
        assert!(matches!(api, Err(Error::Api(v)) if v.value() == "nope"));
        let unexpected = raw(418, "").unexpected::<(), ()>();
        assert!(matches!(unexpected, Err(Error::UnexpectedStatus(r)) if r.status() == 418));
    }

    #[test]
    fn chunks_concatenate_in_order() {
        let chunks = vec![Bytes::from_static(b"ab"), Bytes::from_static(b"c")];
        assert_eq!(concat(chunks), "abc");
        assert_eq!(concat(vec![Bytes::from_static(b"one")]), "one");
        assert_eq!(concat(Vec::new()), "");
    }
}
