//! Typed response headers: the headers a response documents, parsed on demand into the types
//! the document gives them. The raw headers stay available on every response.

use std::fmt;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Headers read typed from a response. Generated code implements it for the headers struct of
/// each operation whose successful responses document headers; `()` stands for none.
pub trait FromHeaders: Sized {
    /// Reads the documented headers from `headers`; a header that is absent is `None`.
    ///
    /// # Errors
    ///
    /// [`HeaderError`] when a present header does not parse as its documented type.
    fn from_headers(headers: &HeaderMap) -> Result<Self, HeaderError>;
}

impl FromHeaders for () {
    fn from_headers(_: &HeaderMap) -> Result<Self, HeaderError> {
        Ok(())
    }
}

/// A response header that does not parse as the type its document gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    /// The header's name as the document writes it.
    pub name: String,
    /// Why its value was refused.
    pub message: String,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "response header `{}`: {}", self.name, self.message)
    }
}

impl std::error::Error for HeaderError {}

/// The value of header `name` as a `T`, or `None` when the response does not carry it. The text
/// is tried as a JSON string first (strings, enums, dates), then as a JSON literal (numbers,
/// booleans).
///
/// # Errors
///
/// [`HeaderError`] when the value is not visible ASCII text or does not parse as a `T`.
#[doc(hidden)]
pub fn header_value<T: DeserializeOwned>(
    headers: &HeaderMap,
    name: &str,
) -> Result<Option<T>, HeaderError> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => {
            let text = value.to_str().map_err(|_| not_text(name))?;
            parse(name, text.trim()).map(Some)
        }
    }
}

/// The items of header `name` as a list of `T`: the comma-separated items of every line of the
/// header, in order (`simple` style, as OpenAPI specifies for headers). `None` when absent.
///
/// # Errors
///
/// [`HeaderError`] when a line is not visible ASCII text or an item does not parse as a `T`.
#[doc(hidden)]
pub fn header_list<T: DeserializeOwned>(
    headers: &HeaderMap,
    name: &str,
) -> Result<Option<Vec<T>>, HeaderError> {
    let mut lines = headers.get_all(name).iter().peekable();
    if lines.peek().is_none() {
        return Ok(None);
    }
    let mut items = Vec::new();
    for line in lines {
        let text = line.to_str().map_err(|_| not_text(name))?;
        for item in text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            items.push(parse(name, item)?);
        }
    }
    Ok(Some(items))
}

fn parse<T: DeserializeOwned>(name: &str, text: &str) -> Result<T, HeaderError> {
    serde_json::from_value(Value::String(text.to_string())).or_else(|as_string| {
        serde_json::from_str(text).map_err(|_| HeaderError {
            name: name.to_string(),
            message: format!("{text:?} is not of the documented type ({as_string})"),
        })
    })
}

fn not_text(name: &str) -> HeaderError {
    HeaderError {
        name: name.to_string(),
        message: "the value is not visible ASCII text".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn values_parse_as_their_documented_types() {
        let map = headers(&[
            ("x-rate-limit", " 42 "),
            ("x-enabled", "true"),
            ("x-request-id", "0042"),
        ]);
        assert_eq!(header_value::<i64>(&map, "X-Rate-Limit"), Ok(Some(42)));
        assert_eq!(header_value::<bool>(&map, "x-enabled"), Ok(Some(true)));
        // A string keeps its text exactly, even when it looks like a number.
        assert_eq!(
            header_value::<String>(&map, "x-request-id"),
            Ok(Some("0042".to_string()))
        );
        assert_eq!(header_value::<i64>(&map, "x-absent"), Ok(None));
    }

    #[test]
    fn a_value_of_another_type_is_an_error_naming_the_header() {
        let map = headers(&[("x-rate-limit", "many")]);
        let err = header_value::<u32>(&map, "X-Rate-Limit").unwrap_err();
        assert_eq!(err.name, "X-Rate-Limit");
        assert!(err.to_string().contains("\"many\""), "{err}");
    }

    #[test]
    fn lists_join_items_of_every_line() {
        let map = headers(&[("x-ids", "1, 2"), ("x-ids", "3")]);
        assert_eq!(header_list::<u8>(&map, "x-ids"), Ok(Some(vec![1, 2, 3])));
        assert_eq!(header_list::<u8>(&map, "x-none"), Ok(None));
        let bad = headers(&[("x-ids", "1, two")]);
        assert_eq!(header_list::<u8>(&bad, "x-ids").unwrap_err().name, "x-ids");
    }
}
