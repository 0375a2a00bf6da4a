//! Behaviour tests of the generated CPaaS management client against a local mock server: what
//! goes over the wire for each of the 5 operations (the `Authorization` API key sent verbatim),
//! and how 200, 400, 404, 500 and undocumented responses are decoded.

use crate::wire;

use serde_json::{Value, json};
use userapis::cpaas::operations::{
    V1MgmtUserGetError, V1MgmtUserPostError, V1MgmtUserUserIdDeleteError, V1MgmtUserUserIdGetError,
    V1MgmtUserUserIdPutError,
};
use userapis::cpaas::{
    Client, CpaasError, ServiceAdminUserAddData, ServiceAdminUserAddDataRole,
    ServiceAdminUserEditData, ServiceAdminUserEditDataRole,
};
use userapis::runtime::Error;
use wire::{api_error, assert_json_body, assert_no_body, header_value, only_request, query};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const AUTH: &str = "Bearer cpaas-token-123";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_auth(AUTH)
        .build()
        .expect("client builds")
}

/// Retries off, for tests that answer 5xx.
fn client_without_retries(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_auth(AUTH)
        .max_retries(0)
        .build()
        .expect("client builds")
}

fn assert_common(request: &Request, expected_method: &str, expected_path: &str) {
    assert_eq!(request.method.as_str(), expected_method);
    assert_eq!(request.url.path(), expected_path);
    let auth: Vec<_> = request.headers.get_all("authorization").iter().collect();
    assert_eq!(auth.len(), 1, "one Authorization header: {auth:?}");
    assert_eq!(auth[0], AUTH, "the API key is sent verbatim");
}

fn user_json(id: i64, email: &str) -> Value {
    json!({"email": email, "first_name": "Ada", "id": id, "last_name": "Lovelace"})
}

fn error_json(status: u16, message: &str) -> Value {
    json!({
        "error_code": 1000 + i64::from(status),
        "errors": [{"field": "userID", "reason": "bad"}],
        "message": message,
        "status_code": status
    })
}

fn assert_error_body(body: &CpaasError, status: u16, message: &str) {
    assert_eq!(body.error_code, Some(1000 + i64::from(status)));
    assert_eq!(body.message.as_deref(), Some(message));
    assert_eq!(body.status_code, Some(i64::from(status)));
    let errors = body.errors.as_ref().expect("errors present");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].get("field"), Some(&json!("userID")));
}

async fn mount_error(server: &MockServer, status: u16, message: &str) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(error_json(status, message)))
        .expect(1)
        .mount(server)
        .await;
}

// ---------------------------------------------------------------------------------------------
// GET /v1/mgmt/user
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_users_sends_every_query_parameter_and_decodes_200() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/mgmt/user"))
        .and(query_param("page_size", "25"))
        .and(query_param("start_key", "cursor/abc=="))
        .and(query_param("sort", "role_A,email_D"))
        .and(query_param("email", "ada+ops@example.com"))
        .and(query_param("role", "admin"))
        .and(query_param("first_name", "Ada"))
        .and(query_param("last_name", "Love lace"))
        .and(header("authorization", AUTH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({
                    "data": [user_json(7, "ada@example.com"), user_json(8, "bob@example.com")],
                    "request_id": "req-1",
                    "status_code": 200,
                    "next_start_key": "cursor-2"
                }))
                .insert_header("x-ratelimit-remaining", "99"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v1_mgmt_user_get()
        .page_size(25)
        .start_key("cursor/abc==")
        .sort("role_A,email_D")
        .email("ada+ops@example.com")
        .role("admin")
        .first_name("Ada")
        .last_name("Love lace")
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("x-ratelimit-remaining")
            .expect("custom header kept"),
        "99"
    );
    let users = response.data.as_ref().expect("data present");
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].id, Some(7));
    assert_eq!(users[0].email.as_deref(), Some("ada@example.com"));
    assert_eq!(users[0].first_name.as_deref(), Some("Ada"));
    assert_eq!(users[0].last_name.as_deref(), Some("Lovelace"));
    assert_eq!(users[1].id, Some(8));
    assert_eq!(response.request_id.as_deref(), Some("req-1"));
    assert_eq!(response.status_code, Some(200));
    assert_eq!(response.next_start_key.as_deref(), Some("cursor-2"));

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v1/mgmt/user");
    assert_eq!(
        query(&request),
        vec![
            ("page_size".to_string(), "25".to_string()),
            ("start_key".to_string(), "cursor/abc==".to_string()),
            ("sort".to_string(), "role_A,email_D".to_string()),
            ("email".to_string(), "ada+ops@example.com".to_string()),
            ("role".to_string(), "admin".to_string()),
            ("first_name".to_string(), "Ada".to_string()),
            ("last_name".to_string(), "Love lace".to_string()),
        ]
    );
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn list_users_without_filters_sends_no_query_and_decodes_the_last_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/mgmt/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [],
            "request_id": "req-2",
            "status_code": 200
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v1_mgmt_user_get()
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.data.as_deref(), Some(&[][..]));
    assert_eq!(response.next_start_key, None);

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v1/mgmt/user");
    assert_eq!(request.url.query(), None, "no query string expected");
}

#[tokio::test]
async fn list_users_sends_only_the_filters_that_are_set() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;

    client(&server)
        .v1_mgmt_user_get()
        .role("dev")
        .page_size(100)
        .send()
        .await
        .expect("200 decodes");
    let request = only_request(&server).await;
    let mut pairs = query(&request);
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            ("page_size".to_string(), "100".to_string()),
            ("role".to_string(), "dev".to_string()),
        ]
    );
}

#[tokio::test]
async fn list_users_500_is_retried_by_default_and_the_last_answer_decoded() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(error_json(500, "still down"))
                .insert_header("retry-after", "0"),
        )
        .expect(3)
        .mount(&server)
        .await;

    let err = client(&server)
        .v1_mgmt_user_get()
        .send()
        .await
        .expect_err("500 is an error");
    assert!(
        matches!(
            &err,
            Error::Api(r) if matches!(r.value(), V1MgmtUserGetError::InternalServerError(_))
        ),
        "{err:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn list_users_with_a_wrong_type_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    let garbage = br#"{"data": [{"email": "a@example.com", "id": "seven"}]}"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(&garbage[..], "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v1_mgmt_user_get()
        .send()
        .await
        .expect_err("a string is not a numeric ID");
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.path, "data[0].id");
            assert_eq!(decode.response.status().as_u16(), 200);
            assert_eq!(decode.response.body().as_ref(), &garbage[..]);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// POST /v1/mgmt/user
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn invite_user_sends_json_body_and_decodes_200() {
    let server = MockServer::start().await;
    let expected_body = json!({"email": "new@example.com", "role": "admin"});
    Mock::given(method("POST"))
        .and(path("/v1/mgmt/user"))
        .and(header("authorization", AUTH))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": user_json(42, "new@example.com"),
            "request_id": "req-3",
            "status_code": 200
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v1_mgmt_user_post(ServiceAdminUserAddData {
            email: "new@example.com".into(),
            role: ServiceAdminUserAddDataRole::Admin,
        })
        .send()
        .await
        .expect("200 decodes");
    let user = response.data.as_ref().expect("data present");
    assert_eq!(user.id, Some(42));
    assert_eq!(user.email.as_deref(), Some("new@example.com"));
    assert_eq!(response.request_id.as_deref(), Some("req-3"));

    let request = only_request(&server).await;
    assert_common(&request, "POST", "/v1/mgmt/user");
    assert_eq!(request.url.query(), None);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

#[tokio::test]
async fn invite_user_sends_an_unknown_role_as_given() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .v1_mgmt_user_post(ServiceAdminUserAddData {
            email: "x@example.com".into(),
            role: ServiceAdminUserAddDataRole::Unknown("billing".into()),
        })
        .send()
        .await
        .expect("200 decodes");
    let request = only_request(&server).await;
    assert_json_body(
        &request,
        &json!({"email": "x@example.com", "role": "billing"}),
    );
}

#[tokio::test]
async fn invite_user_500_is_an_internal_server_error_and_not_retried() {
    let server = MockServer::start().await;
    mount_error(&server, 500, "mailer down").await;

    // Default retry policy on purpose: a POST must still be sent only once.
    let err = client(&server)
        .v1_mgmt_user_post(ServiceAdminUserAddData {
            email: "a@example.com".into(),
            role: ServiceAdminUserAddDataRole::Admin,
        })
        .send()
        .await
        .expect_err("500 is an error");
    match api_error(err) {
        V1MgmtUserPostError::InternalServerError(body) => {
            assert_error_body(&body, 500, "mailer down");
        }
        other => panic!("expected InternalServerError, got {other:?}"),
    }
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// GET /v1/mgmt/user/{userID}
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_user_sends_get_and_decodes_200() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/mgmt/user/42"))
        .and(header("authorization", AUTH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": user_json(42, "ada@example.com"),
            "request_id": "req-4",
            "status_code": 200,
            "served_by": "eu-1"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v1_mgmt_user_user_id_get("42")
        .send()
        .await
        .expect("200 decodes (unknown fields ignored)");
    let user = response.into_inner().data.expect("data present");
    assert_eq!(user.id, Some(42));
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(user.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(user.email.as_deref(), Some("ada@example.com"));

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v1/mgmt/user/42");
    assert_eq!(request.url.query(), None);
    assert_no_body(&request);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// PUT /v1/mgmt/user/{userID}
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn update_user_role_sends_json_body_and_decodes_200() {
    let server = MockServer::start().await;
    let expected_body = json!({"role": "dev"});
    Mock::given(method("PUT"))
        .and(path("/v1/mgmt/user/42"))
        .and(header("authorization", AUTH))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": user_json(42, "ada@example.com"),
            "request_id": "req-5",
            "status_code": 200
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v1_mgmt_user_user_id_put(
            "42",
            ServiceAdminUserEditData {
                role: ServiceAdminUserEditDataRole::Dev,
            },
        )
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.data.as_ref().and_then(|u| u.id), Some(42));
    assert_eq!(response.status_code, Some(200));

    let request = only_request(&server).await;
    assert_common(&request, "PUT", "/v1/mgmt/user/42");
    assert_eq!(request.url.query(), None);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// DELETE /v1/mgmt/user/{userID}
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn delete_user_sends_delete_and_decodes_200() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/mgmt/user/42"))
        .and(header("authorization", AUTH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"message": "user 42 removed"},
            "request_id": "req-6",
            "status_code": 200
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v1_mgmt_user_user_id_delete("42")
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(
        response.data.as_ref().and_then(|d| d.message.as_deref()),
        Some("user 42 removed")
    );
    assert_eq!(response.request_id.as_deref(), Some("req-6"));
    assert_eq!(response.status_code, Some(200));

    let request = only_request(&server).await;
    assert_common(&request, "DELETE", "/v1/mgmt/user/42");
    assert_eq!(request.url.query(), None);
    assert_no_body(&request);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// Cross-cutting behaviour
// ---------------------------------------------------------------------------------------------

/// All five operations document 400, 404 and 500 with a `CpaasError` body. Each status decodes
/// into its variant with the body (the raw body kept), and the request went out as for a 200.
#[tokio::test]
async fn documented_error_statuses_decode_into_their_variants() {
    let statuses = [
        (400, "BadRequest"),
        (404, "NotFound"),
        (500, "InternalServerError"),
    ];
    for (status, variant) in statuses {
        for case in ErrorCase::ALL {
            let server = MockServer::start().await;
            let message = format!("{case:?} answered {status}");
            mount_error(&server, status, &message).await;
            // Retries off: a 500 of an idempotent operation is retried by default.
            let (got_status, got_variant, body, raw) =
                case.send(&client_without_retries(&server)).await;
            assert_eq!((got_status, got_variant), (status, variant), "{case:?}");
            assert_error_body(&body, status, &message);
            assert_eq!(raw, error_json(status, &message), "{case:?}: raw body kept");
            let request = only_request(&server).await;
            let (method, path, json) = case.request();
            assert_common(&request, method, path);
            match json {
                Some(expected) => assert_json_body(&request, &expected),
                None => assert_no_body(&request),
            }
        }
    }
}

/// One call of each operation, for the table of documented error statuses.
#[derive(Debug, Clone, Copy)]
enum ErrorCase {
    List,
    Invite,
    Get,
    UpdateRole,
    Delete,
}

impl ErrorCase {
    const ALL: [Self; 5] = [
        Self::List,
        Self::Invite,
        Self::Get,
        Self::UpdateRole,
        Self::Delete,
    ];

    /// Sends the call and splits the documented error it must end in.
    async fn send(self, client: &Client) -> (u16, &'static str, CpaasError, Value) {
        match self {
            Self::List => documented(client.v1_mgmt_user_get().send().await),
            Self::Invite => documented(
                client
                    .v1_mgmt_user_post(ServiceAdminUserAddData {
                        email: "no".into(),
                        role: ServiceAdminUserAddDataRole::Dev,
                    })
                    .send()
                    .await,
            ),
            Self::Get => documented(client.v1_mgmt_user_user_id_get("42").send().await),
            Self::UpdateRole => documented(
                client
                    .v1_mgmt_user_user_id_put(
                        "42",
                        ServiceAdminUserEditData {
                            role: ServiceAdminUserEditDataRole::Unknown("owner".into()),
                        },
                    )
                    .send()
                    .await,
            ),
            Self::Delete => documented(client.v1_mgmt_user_user_id_delete("42").send().await),
        }
    }

    /// The method, path and JSON body the call sends.
    fn request(self) -> (&'static str, &'static str, Option<Value>) {
        match self {
            Self::List => ("GET", "/v1/mgmt/user", None),
            Self::Invite => (
                "POST",
                "/v1/mgmt/user",
                Some(json!({"email": "no", "role": "dev"})),
            ),
            Self::Get => ("GET", "/v1/mgmt/user/42", None),
            Self::UpdateRole => ("PUT", "/v1/mgmt/user/42", Some(json!({"role": "owner"}))),
            Self::Delete => ("DELETE", "/v1/mgmt/user/42", None),
        }
    }
}

/// The documented error enums of the five operations, which share their variants and body.
trait Documented {
    fn split(self) -> (&'static str, CpaasError);
}

macro_rules! documented_errors {
    ($($error:ty),*) => {$(
        impl Documented for $error {
            fn split(self) -> (&'static str, CpaasError) {
                match self {
                    Self::BadRequest(body) => ("BadRequest", body),
                    Self::NotFound(body) => ("NotFound", body),
                    Self::InternalServerError(body) => ("InternalServerError", body),
                }
            }
        }
    )*};
}

documented_errors!(
    V1MgmtUserGetError,
    V1MgmtUserPostError,
    V1MgmtUserUserIdGetError,
    V1MgmtUserUserIdPutError,
    V1MgmtUserUserIdDeleteError
);

/// The status, variant, body and raw JSON body of a documented error.
fn documented<T: std::fmt::Debug, E: Documented + std::fmt::Debug>(
    result: Result<T, Error<E>>,
) -> (u16, &'static str, CpaasError, Value) {
    match result {
        Err(Error::Api(response)) => {
            let status = response.status().as_u16();
            let raw = serde_json::from_slice(response.raw_body()).expect("raw body kept");
            let (variant, body) = response.into_inner().split();
            (status, variant, body, raw)
        }
        other => panic!("expected a documented error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_undocumented_status_is_unexpected_status_with_body_kept() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(418)
                .set_body_string("I'm a teapot")
                .insert_header("x-brew", "sencha"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v1_mgmt_user_user_id_delete("42")
        .send()
        .await
        .expect_err("418 is not documented");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    match err {
        Error::UnexpectedStatus(raw) => {
            assert_eq!(raw.status().as_u16(), 418);
            assert_eq!(raw.body().as_ref(), b"I'm a teapot");
            assert_eq!(raw.headers().get("x-brew").expect("header"), "sencha");
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_status_with_a_non_json_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v1_mgmt_user_user_id_get("42")
        .send()
        .await
        .expect_err("HTML is not a CPAASError");
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.response.status().as_u16(), 404);
            assert_eq!(decode.response.body().as_ref(), b"<html>Not Found</html>");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_with_raw_bytes_and_path() {
    let server = MockServer::start().await;
    let garbage = br#"{"data": {"message": 5"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(&garbage[..], "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v1_mgmt_user_user_id_delete("42")
        .send()
        .await
        .expect_err("garbage does not decode");
    assert_eq!(err.raw_body().map(|b| b.as_ref()), Some(&garbage[..]));
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.path, "data.message");
            assert_eq!(decode.response.body().as_ref(), &garbage[..]);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn the_authorization_value_is_sent_verbatim_without_an_added_prefix() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_auth("raw-key-without-scheme")
        .build()
        .expect("client builds");

    client.v1_mgmt_user_get().send().await.expect("200 decodes");
    let request = only_request(&server).await;
    assert_eq!(
        header_value(&request, "authorization"),
        Some("raw-key-without-scheme")
    );
    assert!(
        request.url.query().is_none(),
        "the key is not sent in the query"
    );
}

#[tokio::test]
async fn without_a_configured_key_no_authorization_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client builds");

    client.v1_mgmt_user_get().send().await.expect("200 decodes");
    let request = only_request(&server).await;
    assert!(request.headers.get("authorization").is_none());
}

#[tokio::test]
async fn the_key_is_redacted_in_debug() {
    let server = MockServer::start().await;
    tests::assert_redacted(
        &format!("{:?}", client(&server)),
        "cpaas-token-123",
        r#"credentials_for: ["BearerAuth"]"#,
    );
    tests::assert_redacted(
        &format!("{:?}", Client::builder().bearer_auth(AUTH)),
        "cpaas-token-123",
        r#"name: "Authorization", value: Secret([redacted])"#,
    );
}

#[tokio::test]
async fn user_ids_are_percent_encoded_into_one_path_segment() {
    let cases = [
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a b", "a%20b"),
        ("a#b", "a%23b"),
        ("42%", "42%25"),
    ];
    for (user_id, encoded) in cases {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"request_id": "r"})))
            .mount(&server)
            .await;
        let client = client(&server);

        client
            .v1_mgmt_user_user_id_get(user_id)
            .send()
            .await
            .expect("GET succeeds");
        client
            .v1_mgmt_user_user_id_put(
                user_id,
                ServiceAdminUserEditData {
                    role: ServiceAdminUserEditDataRole::Admin,
                },
            )
            .send()
            .await
            .expect("PUT succeeds");
        client
            .v1_mgmt_user_user_id_delete(user_id)
            .send()
            .await
            .expect("DELETE succeeds");

        let requests = server.received_requests().await.expect("recording");
        let seen: Vec<(String, String, Option<String>)> = requests
            .iter()
            .map(|r| {
                (
                    r.method.to_string(),
                    r.url.path().to_string(),
                    r.url.query().map(str::to_string),
                )
            })
            .collect();
        let expected_path = format!("/v1/mgmt/user/{encoded}");
        let expected: Vec<(String, String, Option<String>)> = ["GET", "PUT", "DELETE"]
            .into_iter()
            .map(|m| (m.to_string(), expected_path.clone(), None))
            .collect();
        assert_eq!(seen, expected, "userID {user_id:?}");
    }
}

#[tokio::test]
async fn dot_segment_user_ids_are_refused_before_sending() {
    for user_id in ["..", ".", ""] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&server)
            .await;
        let client = client(&server);

        let get = client.v1_mgmt_user_user_id_get(user_id).send().await;
        assert!(
            matches!(get, Err(Error::InvalidRequest(_))),
            "GET {user_id:?}: {get:?}"
        );
        let put = client
            .v1_mgmt_user_user_id_put(
                user_id,
                ServiceAdminUserEditData {
                    role: ServiceAdminUserEditDataRole::Dev,
                },
            )
            .send()
            .await;
        assert!(
            matches!(put, Err(Error::InvalidRequest(_))),
            "PUT {user_id:?}: {put:?}"
        );
        let delete = client.v1_mgmt_user_user_id_delete(user_id).send().await;
        assert!(
            matches!(delete, Err(Error::InvalidRequest(_))),
            "DELETE {user_id:?}: {delete:?}"
        );

        let requests = server.received_requests().await.expect("recording");
        assert!(
            requests.is_empty(),
            "userID {user_id:?} reached the server: {requests:#?}"
        );
    }
}
