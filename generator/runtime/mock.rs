//! What the typed mocks of every API module (`<api>::mock`, the crate's `mock` feature) share:
//! the request matcher behind each operation's mock, the typed responses, and the mock server.
//!
//! The mocks run on [`wiremock`]: start a [`MockServer`], point a client at
//! [`MockServer::uri`], and mount an operation's mock on it. Every mock is a [`Mock`], so
//! wiremock's own settings (`expect`, `up_to_n_times`, `named`, `with_priority`) apply, and every
//! matcher is a [`Match`], so it combines with wiremock's matchers (`Mock::given(..).and(..)`).
//!
//! Values are encoded for matching by the same functions the client sends them with
//! ([`path_param`](super::path_param), [`query_pairs`](super::query_pairs),
//! [`header_text`](super::header_text), `serde_json`), so a mock expects exactly what the client
//! sends.

use std::fmt;

use ::serde::Serialize;
use ::serde::de::DeserializeOwned;

use super::{InvalidRequest, QueryStyle};

pub use ::wiremock;
pub use ::wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

/// A piece of a path template: literal text (slashes included), or a parameter by its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Text sent as it is.
    Text(&'static str),
    /// A path parameter, by its name in the spec.
    Param(&'static str),
}

/// An operation's method and path template, as the spec gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, in pieces.
    pub path: &'static [Piece],
}

/// A check of the request body.
type BodyCheck = Box<dyn Fn(&[u8]) -> bool + Send + Sync>;

/// Matches the requests of one operation: its method and path (a path parameter not given
/// matches any one segment), and the parameters and body it was given. Requests that a more
/// specific path of the same API takes (`/users/me` rather than `/users/{id}`) do not match a
/// parameter left open, as a server's router would send them elsewhere.
///
/// A value the client refuses to send (an empty path parameter, `..`, an object in a header)
/// makes the matcher match nothing, since no such request is ever sent.
pub struct OperationMatcher {
    route: usize,
    routes: &'static [Route],
    path_params: Vec<(&'static str, String)>,
    /// Per query parameter given, the pairs it is sent as.
    query: Vec<(String, Vec<(String, String)>)>,
    headers: Vec<(&'static str, String)>,
    body: Vec<(&'static str, BodyCheck)>,
    extra: Vec<Box<dyn Match>>,
    refused: Option<InvalidRequest>,
}

impl fmt::Debug for OperationMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body: Vec<&str> = self.body.iter().map(|(what, _)| *what).collect();
        f.debug_struct("OperationMatcher")
            .field("route", &self.routes.get(self.route))
            .field("path_params", &self.path_params)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &body)
            .field("extra_matchers", &self.extra.len())
            .field("refused", &self.refused)
            .finish()
    }
}

impl OperationMatcher {
    /// Matches the operation `routes[route]` of an API whose operations are `routes`.
    pub fn new(routes: &'static [Route], route: usize) -> Self {
        Self {
            route,
            routes,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            extra: Vec::new(),
            refused: None,
        }
    }

    fn refuse(mut self, error: InvalidRequest) -> Self {
        self.refused.get_or_insert(error);
        self
    }

    /// Only requests whose path parameter `name` is `value`.
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match super::path_param(name, value) {
            Ok(encoded) => {
                self.path_params.retain(|(n, _)| *n != name);
                self.path_params.push((name, decode(&encoded)));
                self
            }
            Err(error) => self.refuse(error),
        }
    }

    /// Only requests whose query parameter `name` is sent as `value` is: the same pairs, in
    /// order (for an array, every item; for an exploded object, its fields).
    pub fn query<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
        explode: bool,
    ) -> Self {
        match super::query_pairs(name, value, style, explode) {
            Ok(pairs) => {
                self.query.retain(|(n, _)| n != name);
                self.query.push((name.to_string(), pairs));
                self
            }
            Err(error) => self.refuse(error),
        }
    }

    /// Only requests whose header parameter `name` is sent as `value` is.
    pub fn header<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match super::header_text(name, value) {
            Ok(Some(text)) => {
                self.headers.push((name, text));
                self
            }
            Ok(None) => self,
            Err(error) => self.refuse(error),
        }
    }

    /// Only requests whose JSON body is `value`, as JSON (the order of object keys aside).
    pub fn json_body<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match ::serde_json::to_value(value) {
            Ok(expected) => {
                let check = move |body: &[u8]| {
                    ::serde_json::from_slice::<::serde_json::Value>(body).is_ok_and(|v| v == expected)
                };
                self.body.push(("JSON body", Box::new(check)));
                self
            }
            Err(e) => self.refuse(InvalidRequest(format!("cannot serialize the request body: {e}"))),
        }
    }

    /// Only requests whose JSON body decodes as `T` and satisfies `predicate`.
    pub fn json_body_where<T: DeserializeOwned>(
        mut self,
        predicate: impl Fn(&T) -> bool + Send + Sync + 'static,
    ) -> Self {
        let check = move |body: &[u8]| ::serde_json::from_slice::<T>(body).is_ok_and(|v| predicate(&v));
        self.body.push(("JSON body predicate", Box::new(check)));
        self
    }

    /// Only requests whose `application/x-www-form-urlencoded` body has the fields of `value`,
    /// in order.
    pub fn form_body<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        let expected = ::serde_urlencoded::to_string(value)
            .map_err(|e| InvalidRequest(format!("cannot encode the form body: {e}")))
            .and_then(|text| {
                ::serde_urlencoded::from_str::<Vec<(String, String)>>(&text)
                    .map_err(|e| InvalidRequest(format!("cannot encode the form body: {e}")))
            });
        match expected {
            Ok(expected) => {
                let check = move |body: &[u8]| {
                    ::serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).is_ok_and(|v| v == expected)
                };
                self.body.push(("form body", Box::new(check)));
                self
            }
            Err(error) => self.refuse(error),
        }
    }

    /// Only requests whose body is these bytes (text and binary bodies).
    pub fn raw_body(mut self, expected: impl Into<super::Bytes>) -> Self {
        let expected = expected.into();
        self.body.push(("raw body", Box::new(move |body: &[u8]| body == expected.as_ref())));
        self
    }

    /// Only requests `matcher` also matches (any wiremock matcher: headers, cookies, bodies).
    pub fn and(mut self, matcher: impl Match + 'static) -> Self {
        self.extra.push(Box::new(matcher));
        self
    }

    fn matches_path(&self, route: &Route, path: &str) -> bool {
        let ours = route_segments(route, &self.path_params);
        let actual: Vec<String> = path.split('/').map(decode).collect();
        if !segments_match(&ours, &actual) {
            return false;
        }
        // A path another operation's template names more precisely is that operation's.
        !self.routes.iter().enumerate().any(|(i, other)| {
            i != self.route
                && other.method == route.method
                && {
                    let theirs = route_segments(other, &[]);
                    segments_match(&theirs, &actual) && more_specific(&theirs, &ours)
                }
        })
    }
}

impl Match for OperationMatcher {
    fn matches(&self, request: &Request) -> bool {
        let Some(route) = self.routes.get(self.route) else {
            return false;
        };
        if self.refused.is_some()
            || request.method.as_str() != route.method
            || !self.matches_path(route, request.url.path())
        {
            return false;
        }
        let sent: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let query_ok = self.query.iter().all(|(name, pairs)| query_matches(&sent, name, pairs));
        let headers_ok = self.headers.iter().all(|(name, expected)| {
            let sent: Vec<_> = request.headers.get_all(*name).iter().collect();
            matches!(sent.as_slice(), [only] if only.as_bytes() == expected.as_bytes())
        });
        query_ok
            && headers_ok
            && self.body.iter().all(|(_, check)| check(&request.body))
            && self.extra.iter().all(|m| m.matches(request))
    }
}

/// Whether the query `sent` carries a parameter as `expected` pairs: under each name they use,
/// the same values in the same order; a parameter that sends nothing is absent.
fn query_matches(sent: &[(String, String)], name: &str, expected: &[(String, String)]) -> bool {
    let values = |pairs: &[(String, String)], key: &str| -> Vec<String> {
        pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    };
    if expected.is_empty() {
        return values(sent, name).is_empty();
    }
    expected.iter().all(|(key, _)| values(sent, key) == values(expected, key))
}

/// A path segment: literal text, or a parameter not given.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Any,
}

/// A route's path split at `/`, each segment as parts, with the given parameters filled in.
fn route_segments(route: &Route, given: &[(&'static str, String)]) -> Vec<Vec<Part>> {
    let mut segments: Vec<Vec<Part>> = Vec::new();
    let mut current: Vec<Part> = Vec::new();
    for piece in route.path {
        match piece {
            Piece::Text(text) => {
                let mut lines = text.split('/');
                if let Some(first) = lines.next() {
                    push_text(&mut current, first);
                }
                for rest in lines {
                    segments.push(std::mem::take(&mut current));
                    push_text(&mut current, rest);
                }
            }
            Piece::Param(name) => match given.iter().find(|(n, _)| n == name) {
                Some((_, value)) => push_text(&mut current, value),
                None => current.push(Part::Any),
            },
        }
    }
    segments.push(current);
    segments
}

fn push_text(segment: &mut Vec<Part>, text: &str) {
    if text.is_empty() {
        return;
    }
    match segment.last_mut() {
        Some(Part::Text(previous)) => previous.push_str(text),
        _ => segment.push(Part::Text(text.to_string())),
    }
}

fn segments_match(template: &[Vec<Part>], actual: &[String]) -> bool {
    template.len() == actual.len() && template.iter().zip(actual).all(|(parts, text)| parts_match(parts, text))
}

/// Whether `text` is the parts in order, each open parameter taking at least one character.
fn parts_match(parts: &[Part], text: &str) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((Part::Text(literal), rest)) => text.strip_prefix(literal.as_str()).is_some_and(|t| parts_match(rest, t)),
        Some((Part::Any, rest)) => text
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain([text.len()])
            .filter(|&i| i > 0)
            .any(|i| text.get(i..).is_some_and(|t| parts_match(rest, t))),
    }
}

/// Whether `a` names a path more precisely than `b`: at the first segment where one is literal
/// and the other is not, `a` is the literal one.
fn more_specific(a: &[Vec<Part>], b: &[Vec<Part>]) -> bool {
    let literal = |parts: &Vec<Part>| parts.iter().all(|p| matches!(p, Part::Text(_)));
    a.iter()
        .zip(b)
        .map(|(x, y)| (literal(x), literal(y)))
        .find(|(x, y)| x != y)
        .is_some_and(|(x, _)| x)
}

/// A path segment as text: percent-decoded, so literal text and values compare as written.
fn decode(segment: &str) -> String {
    ::percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// A response with `body` as JSON of the media type `content_type`. A body that cannot be
/// serialized (a map with non-string keys) answers 500 with the reason as text, so the test
/// sees why.
pub fn json_response<T: Serialize + ?Sized>(status: u16, content_type: &str, body: &T) -> ResponseTemplate {
    match ::serde_json::to_vec(body) {
        Ok(bytes) => ResponseTemplate::new(status).set_body_raw(bytes, content_type),
        Err(e) => ResponseTemplate::new(500)
            .set_body_raw(format!("the mock cannot serialize its response body: {e}"), "text/plain"),
    }
}

/// A response with a text body of the media type `content_type`.
pub fn text_response(status: u16, content_type: &str, body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), content_type)
}

/// A response with a binary body of the media type `content_type`.
pub fn bytes_response(status: u16, content_type: &str, body: impl Into<super::Bytes>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into().to_vec(), content_type)
}

/// A response without a body.
pub fn empty_response(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
}
