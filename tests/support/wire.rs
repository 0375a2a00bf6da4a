//! Helpers the client behaviour tests share: what the mock server received.
#![allow(dead_code)]

use serde_json::Value;
use userapis::runtime::Error;
use wiremock::{MockServer, Request};

/// The one request the server received (fails when there were none or several).
pub async fn only_request(server: &MockServer) -> Request {
    let requests = server
        .received_requests()
        .await
        .expect("request recording is enabled");
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {requests:#?}"
    );
    requests.into_iter().next().expect("one request")
}

/// The decoded query pairs, in order.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A header as text, if present.
pub fn header_value<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

/// Checks a JSON request body: `Content-Type: application/json` and exactly this JSON.
pub fn assert_json_body(request: &Request, expected: &Value) {
    assert_eq!(
        header_value(request, "content-type"),
        Some("application/json")
    );
    let sent: Value = serde_json::from_slice(&request.body).expect("the body is JSON");
    assert_eq!(&sent, expected);
}

/// Checks a request without body: nothing sent and no `Content-Type`.
pub fn assert_no_body(request: &Request) {
    assert!(
        request.body.is_empty(),
        "unexpected body {:?}",
        request.body
    );
    assert!(request.headers.get("content-type").is_none());
}

/// The documented error a call ended with (fails on any other outcome).
pub fn api_error<E: std::fmt::Debug>(err: Error<E>) -> E {
    match err {
        Error::Api(response) => response.into_inner(),
        other => panic!("expected Error::Api, got {other:?}"),
    }
}
