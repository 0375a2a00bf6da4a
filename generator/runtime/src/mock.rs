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

use super::{InvalidRequest, PathStyle, QueryStyle};

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

    /// Only requests whose path parameter `name` is `value`, in the default style.
    pub fn path_param<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.styled_path_param(name, value, PathStyle::Simple, false)
    }

    /// Only requests whose path parameter `name` is `value`, written in `style`.
    pub fn styled_path_param<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
        style: PathStyle,
        explode: bool,
    ) -> Self {
        match super::styled_path_param(name, value, style, explode) {
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
    pub fn header<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.styled_header(name, value, false)
    }

    /// Only requests whose header parameter `name` is sent as `value` is, exploded.
    pub fn exploded_header<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.styled_header(name, value, true)
    }

    fn styled_header<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
        explode: bool,
    ) -> Self {
        match super::styled_header_text(name, value, explode) {
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
                    ::serde_json::from_slice::<::serde_json::Value>(body)
                        .is_ok_and(|v| v == expected)
                };
                self.body.push(("JSON body", Box::new(check)));
                self
            }
            Err(error) => self.refuse(InvalidRequest::JsonBody(error)),
        }
    }

    /// Only requests whose JSON sequence body (JSON Lines, NDJSON, `application/json-seq`)
    /// holds the texts of `value`, a list being one text per item, however they are separated.
    pub fn json_sequence_body<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        let expected = super::sequence::write("application/jsonl", value)
            .map(|written| super::sequence::read(&written).ok());
        match expected {
            Ok(expected) => {
                let check = move |body: &[u8]| {
                    expected.is_some() && super::sequence::read(body).ok() == expected
                };
                self.body.push(("JSON sequence body", Box::new(check)));
                self
            }
            Err(error) => self.refuse(InvalidRequest::JsonBody(error)),
        }
    }

    /// Only requests whose JSON body decodes as `T` and satisfies `predicate`.
    pub fn json_body_where<T: DeserializeOwned>(
        mut self,
        predicate: impl Fn(&T) -> bool + Send + Sync + 'static,
    ) -> Self {
        let check =
            move |body: &[u8]| ::serde_json::from_slice::<T>(body).is_ok_and(|v| predicate(&v));
        self.body.push(("JSON body predicate", Box::new(check)));
        self
    }

    /// Only requests whose `application/x-www-form-urlencoded` body has the fields of `value`,
    /// in order, written with the operation's `encodings` as the client writes them.
    pub fn form_body<T: Serialize + ?Sized>(
        mut self,
        value: &T,
        encodings: super::FormEncodings,
    ) -> Self {
        match super::form_text(value, encodings) {
            Ok(text) => {
                let expected = form_fields(text.as_bytes());
                let check = move |body: &[u8]| expected.is_some() && form_fields(body) == expected;
                self.body.push(("form body", Box::new(check)));
                self
            }
            Err(error) => self.refuse(error),
        }
    }

    /// Only requests whose body is these bytes (text and binary bodies).
    pub fn raw_body(mut self, expected: impl Into<super::Bytes>) -> Self {
        let expected = expected.into();
        self.body.push((
            "raw body",
            Box::new(move |body: &[u8]| body == expected.as_ref()),
        ));
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
            i != self.route && other.method == route.method && {
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
        let query_ok = self
            .query
            .iter()
            .all(|(name, pairs)| query_matches(&sent, name, pairs))
            && route_query(route).iter().all(|pair| sent.contains(pair));
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
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    };
    if expected.is_empty() {
        return values(sent, name).is_empty();
    }
    expected
        .iter()
        .all(|(key, _)| values(sent, key) == values(expected, key))
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
                // A query string written into the path key is the query's (see `route_query`).
                let (text, query) = match text.split_once('?') {
                    Some((path, _)) => (path, true),
                    None => (*text, false),
                };
                let mut lines = text.split('/');
                if let Some(first) = lines.next() {
                    push_text(&mut current, first);
                }
                for rest in lines {
                    segments.push(std::mem::take(&mut current));
                    push_text(&mut current, rest);
                }
                if query {
                    break;
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

/// The pairs of a query string the path key writes (`/responses?beta=true`), which the client
/// sends as written.
fn route_query(route: &Route) -> Vec<(String, String)> {
    route
        .path
        .iter()
        .find_map(|piece| match piece {
            Piece::Text(text) => text.split_once('?').map(|(_, query)| query),
            Piece::Param(_) => None,
        })
        .and_then(|query| serde_urlencoded::from_str(query).ok())
        .unwrap_or_default()
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
    template.len() == actual.len()
        && template
            .iter()
            .zip(actual)
            .all(|(parts, text)| parts_match(parts, text))
}

/// Whether `text` is the parts in order, each open parameter taking at least one character.
fn parts_match(parts: &[Part], text: &str) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((Part::Text(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|t| parts_match(rest, t)),
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

/// The fields of a form body, in order; `None` when it is no form.
fn form_fields(body: &[u8]) -> Option<Vec<(String, String)>> {
    ::serde_urlencoded::from_bytes(body).ok()
}

/// A path segment as text: percent-decoded, so literal text and values compare as written.
fn decode(segment: &str) -> String {
    ::percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// A response with `body` as JSON of the media type `content_type`. A body that cannot be
/// serialized (a map with non-string keys) answers 500 with the reason as text, so the test
/// sees why.
pub fn json_response<T: Serialize + ?Sized>(
    status: u16,
    content_type: &str,
    body: &T,
) -> ResponseTemplate {
    match ::serde_json::to_vec(body) {
        Ok(bytes) => ResponseTemplate::new(status).set_body_raw(bytes, content_type),
        Err(e) => ResponseTemplate::new(500).set_body_raw(
            format!("the mock cannot serialize its response body: {e}"),
            "text/plain",
        ),
    }
}

/// A response with `body` as a JSON sequence of the media type `content_type` (JSON Lines,
/// NDJSON, `application/json-seq`): a list is one JSON text per item. A body that cannot be
/// serialized answers 500 with the reason as text.
pub fn json_sequence_response<T: Serialize + ?Sized>(
    status: u16,
    content_type: &str,
    body: &T,
) -> ResponseTemplate {
    match super::sequence::write(content_type, body) {
        Ok(bytes) => ResponseTemplate::new(status).set_body_raw(bytes, content_type),
        Err(e) => ResponseTemplate::new(500).set_body_raw(
            format!("the mock cannot serialize its response body: {e}"),
            "text/plain",
        ),
    }
}

/// An event stream (`text/event-stream`) of one event per item of `events`, its data the item
/// as JSON. An item that cannot be serialized answers 500 with the reason as text.
pub fn json_event_stream_response<T: Serialize>(
    status: u16,
    content_type: &str,
    events: &[T],
) -> ResponseTemplate {
    let datas: Result<Vec<String>, _> = events.iter().map(::serde_json::to_string).collect();
    match datas {
        Ok(datas) => {
            ResponseTemplate::new(status).set_body_raw(super::events::write(datas), content_type)
        }
        Err(e) => ResponseTemplate::new(500).set_body_raw(
            format!("the mock cannot serialize its response body: {e}"),
            "text/plain",
        ),
    }
}

/// An event stream (`text/event-stream`) of one event per item of `events`, its data the
/// item's text.
pub fn text_event_stream_response(
    status: u16,
    content_type: &str,
    events: &[String],
) -> ResponseTemplate {
    let text = super::events::write(events.iter().cloned());
    ResponseTemplate::new(status).set_body_raw(text, content_type)
}

/// A response with a text body of the media type `content_type`.
pub fn text_response(status: u16, content_type: &str, body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), content_type)
}

/// A response with a binary body of the media type `content_type`.
pub fn bytes_response(
    status: u16,
    content_type: &str,
    body: impl Into<super::Bytes>,
) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into().to_vec(), content_type)
}

/// A response without a body.
pub fn empty_response(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::{Method, Url};

    /// `GET /users/{id}`, `GET /users/me`, `GET /users/{id}/posts`, `POST /users`.
    const ROUTES: &[Route] = &[
        Route {
            method: "GET",
            path: &[Piece::Text("/users/"), Piece::Param("id")],
        },
        Route {
            method: "GET",
            path: &[Piece::Text("/users/me")],
        },
        Route {
            method: "GET",
            path: &[
                Piece::Text("/users/"),
                Piece::Param("id"),
                Piece::Text("/posts"),
            ],
        },
        Route {
            method: "POST",
            path: &[Piece::Text("/users")],
        },
    ];

    fn request(method: Method, path_and_query: &str) -> Request {
        Request {
            url: Url::parse(&format!("http://127.0.0.1:1{path_and_query}")).unwrap(),
            method,
            headers: HeaderMap::new(),
            body: Vec::new(),
        }
    }

    fn get(path_and_query: &str) -> Request {
        request(Method::GET, path_and_query)
    }

    fn post(body: &str) -> Request {
        let mut request = request(Method::POST, "/users");
        request.body = body.as_bytes().to_vec();
        request
    }

    #[test]
    fn an_open_path_parameter_takes_one_whole_segment_of_its_operation_only() {
        let user = OperationMatcher::new(ROUTES, 0);
        assert!(user.matches(&get("/users/7")));
        assert!(user.matches(&get("/users/a%20b")));
        assert!(!user.matches(&get("/users/")), "a parameter is never empty");
        assert!(!user.matches(&get("/users/7/posts")));
        assert!(!user.matches(&request(Method::DELETE, "/users/7")));
        let posts = OperationMatcher::new(ROUTES, 2);
        assert!(posts.matches(&get("/users/7/posts")));
        assert!(!posts.matches(&get("/users/7/8/posts")));
    }

    #[test]
    fn a_literal_path_of_another_operation_is_left_to_it_unless_the_value_is_given() {
        assert!(!OperationMatcher::new(ROUTES, 0).matches(&get("/users/me")));
        assert!(OperationMatcher::new(ROUTES, 1).matches(&get("/users/me")));
        let given = OperationMatcher::new(ROUTES, 0).path_param("id", "me");
        assert!(given.matches(&get("/users/me")));
        assert!(!given.matches(&get("/users/7")));
    }

    #[test]
    fn path_parameters_compare_as_the_client_encodes_them() {
        let matcher = OperationMatcher::new(ROUTES, 0).path_param("id", "a b/c");
        let encoded = crate::path_param("id", "a b/c").unwrap();
        assert!(matcher.matches(&get(&format!("/users/{encoded}"))));
        assert!(!matcher.matches(&get("/users/a%20b")));
    }

    #[test]
    fn styled_path_parameters_compare_in_their_style() {
        let matcher = OperationMatcher::new(ROUTES, 0).styled_path_param(
            "id",
            &[1, 2],
            PathStyle::Matrix,
            true,
        );
        assert!(matcher.matches(&get("/users/;id=1;id=2")));
        assert!(!matcher.matches(&get("/users/1,2")));
        assert!(!matcher.matches(&get("/users/;id=1,2")));
    }

    #[test]
    fn a_value_the_client_refuses_to_send_matches_nothing() {
        let matcher = OperationMatcher::new(ROUTES, 0).path_param("id", "..");
        assert!(matches!(
            matcher.refused,
            Some(InvalidRequest::PathSegment { .. })
        ));
        assert!(!matcher.matches(&get("/users/..")));
        assert!(!matcher.matches(&get("/users/7")));
    }

    #[test]
    fn query_parameters_match_their_pairs_in_order_and_leave_others_open() {
        let ids = OperationMatcher::new(ROUTES, 0).query("ids", &[1, 2], QueryStyle::Form, true);
        assert!(ids.matches(&get("/users/7?ids=1&ids=2")));
        assert!(ids.matches(&get("/users/7?other=x&ids=1&ids=2")));
        assert!(!ids.matches(&get("/users/7?ids=2&ids=1")));
        assert!(!ids.matches(&get("/users/7?ids=1")));
        assert!(!ids.matches(&get("/users/7")));

        let piped = OperationMatcher::new(ROUTES, 0).query(
            "ids",
            &[1, 2],
            QueryStyle::PipeDelimited,
            false,
        );
        assert!(piped.matches(&get("/users/7?ids=1%7C2")));
        assert!(!piped.matches(&get("/users/7?ids=1,2")));

        // A value that sends nothing expects the parameter to be absent.
        let absent =
            OperationMatcher::new(ROUTES, 0).query("ids", &None::<i32>, QueryStyle::Form, true);
        assert!(absent.matches(&get("/users/7")));
        assert!(!absent.matches(&get("/users/7?ids=1")));
    }

    #[test]
    fn header_parameters_match_one_value_exactly() {
        let matcher = OperationMatcher::new(ROUTES, 0).header("x-tenant", &["a", "b"]);
        let mut request = get("/users/7");
        assert!(!matcher.matches(&request));
        request
            .headers
            .insert("x-tenant", HeaderValue::from_static("a,b"));
        assert!(matcher.matches(&request));
        request
            .headers
            .append("x-tenant", HeaderValue::from_static("c"));
        assert!(!matcher.matches(&request), "two values are not one");
        let refused = OperationMatcher::new(ROUTES, 0).header("x-tenant", "a\nb");
        assert!(matches!(
            refused.refused,
            Some(InvalidRequest::HeaderValue { .. })
        ));
    }

    #[test]
    fn bodies_match_as_json_values_forms_or_bytes() {
        let exact = OperationMatcher::new(ROUTES, 3)
            .json_body(&serde_json::json!({"name": "ada", "admin": true}));
        assert!(exact.matches(&post(r#"{"admin":true,"name":"ada"}"#)));
        assert!(!exact.matches(&post(r#"{"admin":false,"name":"ada"}"#)));
        assert!(!exact.matches(&post("not json")));

        let predicate = OperationMatcher::new(ROUTES, 3)
            .json_body_where(|body: &serde_json::Value| body["name"] == "ada");
        assert!(predicate.matches(&post(r#"{"name":"ada","admin":false}"#)));
        assert!(!predicate.matches(&post(r#"{"name":"bob"}"#)));

        let form = OperationMatcher::new(ROUTES, 3).form_body(&[("a", "1 2"), ("b", "x")], &[]);
        assert!(form.matches(&post("a=1+2&b=x")));
        assert!(!form.matches(&post("b=x&a=1+2")));

        let sequence = OperationMatcher::new(ROUTES, 3)
            .json_sequence_body(&serde_json::json!([{"id": 1, "b": true}, "two"]));
        assert!(sequence.matches(&post("{\"b\":true,\"id\":1}\n\"two\"\n")));
        assert!(sequence.matches(&post("\u{1e}{\"id\":1,\"b\":true}\n\u{1e}\"two\"\n")));
        assert!(!sequence.matches(&post("{\"id\":1,\"b\":true}\n")));
        assert!(!sequence.matches(&post("[{\"id\":1,\"b\":true},\"two\"]")));

        let raw = OperationMatcher::new(ROUTES, 3).raw_body("plain text");
        assert!(raw.matches(&post("plain text")));
        assert!(!raw.matches(&post("plain text ")));
    }

    #[test]
    fn a_query_string_in_the_path_key_is_matched_in_the_query() {
        const KEYED: &[Route] = &[Route {
            method: "POST",
            path: &[Piece::Text("/responses?beta=true")],
        }];
        let matcher = OperationMatcher::new(KEYED, 0);
        assert!(matcher.matches(&request(Method::POST, "/responses?beta=true")));
        assert!(matcher.matches(&request(Method::POST, "/responses?stream=1&beta=true")));
        assert!(!matcher.matches(&request(Method::POST, "/responses")));
        assert!(!matcher.matches(&request(Method::POST, "/responses?beta=false")));
    }

    #[test]
    fn extra_wiremock_matchers_narrow_the_operation() {
        let matcher =
            OperationMatcher::new(ROUTES, 0).and(::wiremock::matchers::query_param("debug", "1"));
        assert!(matcher.matches(&get("/users/7?debug=1")));
        assert!(!matcher.matches(&get("/users/7")));
    }

    #[tokio::test]
    async fn responses_carry_status_media_type_and_body_on_a_real_server() {
        let server = MockServer::start().await;
        let answers = [
            (
                "/json",
                json_response(
                    201,
                    "application/problem+json",
                    &serde_json::json!({"a": 1}),
                ),
            ),
            ("/text", text_response(200, "text/plain", "hi")),
            (
                "/sequence",
                json_sequence_response(200, "application/json-seq", &[1, 2]),
            ),
            ("/bytes", bytes_response(200, "image/png", vec![0_u8, 255])),
            ("/empty", empty_response(204)),
            (
                "/events",
                json_event_stream_response(200, "text/event-stream", &[1, 2]),
            ),
            (
                "/text-events",
                text_event_stream_response(200, "text/event-stream", &["a\nb".to_string()]),
            ),
        ];
        for (path, template) in answers {
            Mock::given(::wiremock::matchers::path(path))
                .respond_with(template)
                .mount(&server)
                .await;
        }
        let http = reqwest::Client::new();
        for (path, status, media_type, body) in [
            (
                "/json",
                201,
                Some("application/problem+json"),
                &br#"{"a":1}"#[..],
            ),
            ("/text", 200, Some("text/plain"), b"hi"),
            (
                "/sequence",
                200,
                Some("application/json-seq"),
                b"\x1e1\n\x1e2\n",
            ),
            ("/bytes", 200, Some("image/png"), &[0, 255]),
            ("/empty", 204, None, b""),
            (
                "/events",
                200,
                Some("text/event-stream"),
                b"data: 1\n\ndata: 2\n\n",
            ),
            (
                "/text-events",
                200,
                Some("text/event-stream"),
                b"data: a\ndata: b\n\n",
            ),
        ] {
            let response = http
                .get(format!("{}{path}", server.uri()))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), status, "{path}");
            let sent_type = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(sent_type.as_deref(), media_type, "{path}");
            assert_eq!(&response.bytes().await.unwrap()[..], body, "{path}");
        }
    }
}
