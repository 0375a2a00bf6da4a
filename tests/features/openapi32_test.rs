//! What OpenAPI 3.2 adds, on the wire, against a loopback server: the crate generated from
//! `tests/rules/openapi-3.2-additions.yaml`. `xtask/tests/features.rs` copies this file into
//! that crate and runs it.
#![allow(clippy::unwrap_used, clippy::panic)]

use openapi32::types::{Filter, ListBooksFilter};
use openapi32::Client;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).device_token("t0k").build().unwrap()
}

#[tokio::test]
async fn query_is_sent_as_the_query_method_with_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/books"))
        .and(body_json(json!({"author": "Herbert"})))
        .and(header("authorization", "Bearer t0k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "b1", "title": "Dune", "format": {"kind": "Paper", "pages": 412}}])))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server).await;
    let filter = Filter { author: Some("Herbert".into()) };
    let books = c.find_books(filter).send().await.unwrap().into_inner();
    assert_eq!(books.len(), 1);
    assert_eq!(books[0].title, "Dune");
}

#[tokio::test]
async fn additional_operations_are_sent_under_their_own_method() {
    let server = MockServer::start().await;
    Mock::given(method("COPY"))
        .and(path("/books/b1"))
        .and(header("destination", "/shelves/2"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "b2", "title": "Dune"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server).await;
    let copy = c.copy_book("b1", "/shelves/2").send().await.unwrap();
    assert_eq!(copy.status().as_u16(), 201);
    assert_eq!(copy.into_inner().id, "b2");
}

#[tokio::test]
async fn a_form_query_string_parameter_is_the_query_string() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/books"))
        .and(query_param("author", "Le Guin"))
        .and(query_param("year", "1969"))
        .and(header("cookie", "session=s1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server).await;
    let filter = ListBooksFilter { author: Some("Le Guin".into()), year: Some(1969) };
    let books = c.list_books().filter(filter).session("s1").send().await.unwrap();
    assert!(books.into_inner().is_empty());
}
