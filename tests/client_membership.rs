//! Behaviour tests of the generated Membership (Canopy.Api) client against a local mock server:
//! what goes over the wire for each of the 12 operations (bearer token only where the spec asks
//! for it), and how the documented and undocumented responses are decoded.

use crate::wire;

use serde_json::json;
use userapis::membership::{
    Client, MembershipPostEmailConfirmationRequest, MembershipPostIdentifiedUserRequest,
    MembershipPostPasswordResetConfirmationRequest, MembershipPostPasswordResetRequestRequest,
    MembershipPostRegistrationRequest, MembershipPutUserRoleRequest,
};
use userapis::runtime::{Error, Nullable, RequestOptions};
use wire::{assert_json_body, assert_no_body, header_value, only_request, query};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok-123";
const TENANT: &str = "tenant-1";
const USER: &str = "user-42";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A client with a bearer token configured, as an application would have it.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .build()
        .expect("client builds")
}

fn client_without_token(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client builds")
}

fn assert_method_and_path(request: &Request, expected_method: &str, expected_path: &str) {
    assert_eq!(request.method.as_str(), expected_method);
    assert_eq!(request.url.path(), expected_path);
}

/// The spec gives this operation `security: [Bearer]`: the token goes in `Authorization`.
fn assert_bearer(request: &Request) {
    let values: Vec<_> = request.headers.get_all("authorization").iter().collect();
    assert_eq!(values.len(), 1, "one Authorization header: {values:?}");
    assert_eq!(values[0], format!("Bearer {TOKEN}").as_str());
}

/// The spec gives this operation no security: the configured token must not leak to it.
fn assert_no_auth(request: &Request) {
    assert!(
        request.headers.get("authorization").is_none(),
        "unexpected Authorization header on {} {}",
        request.method,
        request.url.path()
    );
    let all = format!("{:?}", request.headers);
    assert!(!all.contains(TOKEN), "token leaked in {all}");
    assert!(
        !request.url.as_str().contains(TOKEN),
        "token leaked in {}",
        request.url
    );
}

// ---------------------------------------------------------------------------------------------
// DELETE /membership/refresh-tokens/{tenantId}/{userId}  (no security, 200 without body)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn delete_refresh_tokens_sends_delete_without_auth_and_accepts_200() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/membership/refresh-tokens/{TENANT}/{USER}")))
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req-1"))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_delete_refresh_tokens(TENANT, USER)
        .send()
        .await
        .expect("200 is success");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .expect("custom header kept"),
        "req-1"
    );
    assert!(response.raw_body().is_empty());
    let () = response.into_inner();

    let request = only_request(&server).await;
    assert_method_and_path(
        &request,
        "DELETE",
        &format!("/membership/refresh-tokens/{TENANT}/{USER}"),
    );
    assert_eq!(request.url.query(), None);
    assert_no_auth(&request);
    assert_no_body(&request);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// GET /membership/password-reset-tokens/{userId}?token=  (no security, 204)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn password_reset_token_validity_sends_token_query_without_auth_and_accepts_204() {
    let server = MockServer::start().await;
    let reset_token = "Q2Fub3B5+/reset==";
    Mock::given(method("GET"))
        .and(path(format!("/membership/password-reset-tokens/{USER}")))
        .and(query_param("token", reset_token))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_get_password_reset_token_validity(USER, reset_token)
        .send()
        .await
        .expect("204 is success");
    assert_eq!(response.status().as_u16(), 204);
    assert!(response.raw_body().is_empty());

    let request = only_request(&server).await;
    assert_method_and_path(
        &request,
        "GET",
        &format!("/membership/password-reset-tokens/{USER}"),
    );
    assert_eq!(
        query(&request),
        vec![("token".to_string(), reset_token.to_string())]
    );
    // `+`, `/` and `=` are escaped, so the server reads back the same token.
    assert_eq!(request.url.query(), Some("token=Q2Fub3B5%2B%2Freset%3D%3D"));
    assert_no_auth(&request);
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn password_reset_token_validity_404_is_unexpected_status() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_string("token expired"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .membership_get_password_reset_token_validity(USER, "stale")
        .send()
        .await
        .expect_err("404 is not documented");
    match err {
        Error::UnexpectedStatus(raw) => {
            assert_eq!(raw.status().as_u16(), 404);
            assert_eq!(raw.body().as_ref(), b"token expired");
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// GET /membership/roles/{tenantId}/{userId}  (Bearer, 200 JSON)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_user_roles_sends_bearer_token_and_decodes_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/membership/roles/{TENANT}/{USER}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"roles": ["admin", "simulation-user"]}))
                .insert_header("x-request-id", "req-2"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_get_user_roles(TENANT, USER)
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers().get("x-request-id").expect("header"),
        "req-2"
    );
    assert_eq!(
        response.roles.as_deref(),
        Some(&["admin".to_string(), "simulation-user".to_string()][..])
    );

    let request = only_request(&server).await;
    assert_method_and_path(
        &request,
        "GET",
        &format!("/membership/roles/{TENANT}/{USER}"),
    );
    assert_eq!(request.url.query(), None);
    assert_bearer(&request);
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn get_user_roles_tolerates_missing_and_unknown_fields() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"tenant": "t", "extra": [1]})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_get_user_roles(TENANT, USER)
        .send()
        .await
        .expect("unknown fields are ignored");
    assert_eq!(response.into_inner().roles, None);
}

#[tokio::test]
async fn get_user_roles_with_a_mistyped_body_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    let garbage = br#"{"roles": ["admin", 7]}"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(&garbage[..], "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .membership_get_user_roles(TENANT, USER)
        .send()
        .await
        .expect_err("7 is not a role name");
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.path, "roles[1]");
            assert_eq!(decode.response.status().as_u16(), 200);
            assert_eq!(decode.response.body().as_ref(), &garbage[..]);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn get_user_roles_with_a_truncated_body_is_a_decode_error() {
    let server = MockServer::start().await;
    let garbage = br#"{"roles": "oops""#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(&garbage[..], "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .membership_get_user_roles(TENANT, USER)
        .send()
        .await
        .expect_err("garbage does not decode");
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.path, "roles");
            assert_eq!(decode.response.body().as_ref(), &garbage[..]);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn get_user_roles_without_a_token_sends_no_authorization() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"roles": []})))
        .expect(1)
        .mount(&server)
        .await;

    let response = client_without_token(&server)
        .membership_get_user_roles(TENANT, USER)
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.roles.as_deref(), Some(&[][..]));
    let request = only_request(&server).await;
    assert!(request.headers.get("authorization").is_none());
}

// ---------------------------------------------------------------------------------------------
// PUT /membership/roles/{tenantId}/{userId}  (Bearer, JSON body, 200 without body)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn put_user_role_sends_bearer_token_and_json_body() {
    let server = MockServer::start().await;
    let expected_body = json!({"role": "admin", "isEnabled": true});
    Mock::given(method("PUT"))
        .and(path(format!("/membership/roles/{TENANT}/{USER}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_put_user_role(
            TENANT,
            USER,
            MembershipPutUserRoleRequest {
                role: Nullable::Value("admin".into()),
                is_enabled: Some(true),
            },
        )
        .send()
        .await
        .expect("200 is success");
    assert_eq!(response.status().as_u16(), 200);

    let request = only_request(&server).await;
    assert_method_and_path(
        &request,
        "PUT",
        &format!("/membership/roles/{TENANT}/{USER}"),
    );
    assert_bearer(&request);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

#[tokio::test]
async fn put_user_role_omits_unset_fields() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);

    client
        .membership_put_user_role(
            TENANT,
            USER,
            MembershipPutUserRoleRequest {
                role: Nullable::Absent,
                is_enabled: Some(false),
            },
        )
        .send()
        .await
        .expect("200 is success");
    client
        .membership_put_user_role(TENANT, USER, MembershipPutUserRoleRequest::default())
        .send()
        .await
        .expect("200 is success");

    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 2);
    assert_json_body(&requests[0], &json!({"isEnabled": false}));
    assert_json_body(&requests[1], &json!({}));
}

// ---------------------------------------------------------------------------------------------
// GET /membership/zendesk-token/{tenantId}/{userId}  (Bearer, 200 JSON)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_zendesk_token_sends_bearer_token_and_decodes_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/membership/zendesk-token/{TENANT}/{USER}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "zd.jwt.value"})))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_get_zendesk_token(TENANT, USER)
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.token.as_deref(), Some("zd.jwt.value"));

    let request = only_request(&server).await;
    assert_method_and_path(
        &request,
        "GET",
        &format!("/membership/zendesk-token/{TENANT}/{USER}"),
    );
    assert_eq!(request.url.query(), None);
    assert_bearer(&request);
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn get_zendesk_token_with_a_wrong_type_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": {"jwt": "x"}})))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .membership_get_zendesk_token(TENANT, USER)
        .send()
        .await
        .expect_err("an object is not a token string");
    match err {
        Error::Decode(decode) => assert_eq!(decode.path, "token"),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// POST /membership/email-confirmations  (no security, JSON body, 204)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn post_email_confirmation_sends_json_body_without_auth() {
    let server = MockServer::start().await;
    let expected_body = json!({"token": "confirm-123"});
    Mock::given(method("POST"))
        .and(path("/membership/email-confirmations"))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_post_email_confirmation(MembershipPostEmailConfirmationRequest {
            token: Some("confirm-123".into()),
        })
        .send()
        .await
        .expect("204 is success");
    assert_eq!(response.status().as_u16(), 204);

    let request = only_request(&server).await;
    assert_method_and_path(&request, "POST", "/membership/email-confirmations");
    assert_eq!(request.url.query(), None);
    assert_no_auth(&request);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// POST /membership/email-confirmation-requests/{tenantId}/{userId}  (no security, no body, 204)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn post_email_confirmation_request_sends_post_without_body_or_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/membership/email-confirmation-requests/{TENANT}/{USER}"
        )))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_post_email_confirmation_request(TENANT, USER)
        .send()
        .await
        .expect("204 is success");
    assert_eq!(response.status().as_u16(), 204);

    let request = only_request(&server).await;
    assert_method_and_path(
        &request,
        "POST",
        &format!("/membership/email-confirmation-requests/{TENANT}/{USER}"),
    );
    assert_eq!(request.url.query(), None);
    assert_no_auth(&request);
    assert_no_body(&request);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// POST /membership/identified-users  (deprecated, no security, JSON body, 204)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
#[allow(deprecated)]
async fn post_identified_user_sends_json_body_with_camel_case_names_without_auth() {
    let server = MockServer::start().await;
    let expected_body = json!({
        "tenant": "acme",
        "username": "maria",
        "isUpdate": true
    });
    Mock::given(method("POST"))
        .and(path("/membership/identified-users"))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_post_identified_user(MembershipPostIdentifiedUserRequest {
            tenant: Nullable::Value("acme".into()),
            username: Nullable::Value("maria".into()),
            email: Nullable::Absent,
            is_update: Some(true),
        })
        .send()
        .await
        .expect("204 is success");
    assert_eq!(response.status().as_u16(), 204);

    let request = only_request(&server).await;
    assert_method_and_path(&request, "POST", "/membership/identified-users");
    assert_no_auth(&request);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// POST /membership/initialize  (no security, no body, 200)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn post_initialize_sends_post_without_body_or_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/membership/initialize"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_post_initialize()
        .send()
        .await
        .expect("200 is success");
    assert_eq!(response.status().as_u16(), 200);

    let request = only_request(&server).await;
    assert_method_and_path(&request, "POST", "/membership/initialize");
    assert_eq!(request.url.query(), None);
    assert_no_auth(&request);
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn post_initialize_keeps_but_ignores_a_body_on_200() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("already initialised"))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_post_initialize()
        .send()
        .await
        .expect("200 is success whatever its body");
    assert_eq!(response.raw_body().as_ref(), b"already initialised");
}

// ---------------------------------------------------------------------------------------------
// POST /membership/password-reset-confirmations  (no security, JSON body, 204)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn post_password_reset_confirmation_sends_json_body_without_auth() {
    let server = MockServer::start().await;
    let expected_body = json!({
        "userId": USER,
        "newPassword": "correct horse battery staple",
        "token": "reset-123"
    });
    Mock::given(method("POST"))
        .and(path("/membership/password-reset-confirmations"))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_post_password_reset_confirmation(
            MembershipPostPasswordResetConfirmationRequest {
                user_id: Nullable::Value(USER.into()),
                new_password: Nullable::Value("correct horse battery staple".into()),
                token: Some("reset-123".into()),
            },
        )
        .send()
        .await
        .expect("204 is success");
    assert_eq!(response.status().as_u16(), 204);

    let request = only_request(&server).await;
    assert_method_and_path(&request, "POST", "/membership/password-reset-confirmations");
    assert_no_auth(&request);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// POST /membership/password-reset-requests  (no security, JSON body, 204)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn post_password_reset_request_sends_json_body_without_none_fields_or_auth() {
    let server = MockServer::start().await;
    let expected_body = json!({"tenant": "acme", "email": "maria@example.com"});
    Mock::given(method("POST"))
        .and(path("/membership/password-reset-requests"))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_post_password_reset_request(MembershipPostPasswordResetRequestRequest {
            tenant: Nullable::Value("acme".into()),
            email: Nullable::Value("maria@example.com".into()),
            username: Nullable::Absent,
        })
        .send()
        .await
        .expect("204 is success");
    assert_eq!(response.status().as_u16(), 204);

    let request = only_request(&server).await;
    assert_method_and_path(&request, "POST", "/membership/password-reset-requests");
    assert_no_auth(&request);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// POST /membership/registrations  (Bearer, JSON body, 204)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn post_registration_sends_bearer_token_and_json_body() {
    let server = MockServer::start().await;
    let expected_body = json!({
        "tenantId": TENANT,
        "email": "new@example.com",
        "username": "newbie",
        "password": "s3cret!"
    });
    Mock::given(method("POST"))
        .and(path("/membership/registrations"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .membership_post_registration(MembershipPostRegistrationRequest {
            tenant_id: Nullable::Value(TENANT.into()),
            email: Nullable::Value("new@example.com".into()),
            username: Nullable::Value("newbie".into()),
            password: Nullable::Value("s3cret!".into()),
        })
        .send()
        .await
        .expect("204 is success");
    assert_eq!(response.status().as_u16(), 204);

    let request = only_request(&server).await;
    assert_method_and_path(&request, "POST", "/membership/registrations");
    assert_eq!(request.url.query(), None);
    assert_bearer(&request);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

#[tokio::test]
async fn post_registration_omits_unset_fields() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .membership_post_registration(MembershipPostRegistrationRequest {
            email: Nullable::Value("new@example.com".into()),
            ..Default::default()
        })
        .send()
        .await
        .expect("204 is success");
    let request = only_request(&server).await;
    assert_json_body(&request, &json!({"email": "new@example.com"}));
}

// ---------------------------------------------------------------------------------------------
// Authentication across all 12 operations
// ---------------------------------------------------------------------------------------------

/// Sends every operation once with a bearer token configured and returns the requests in order.
#[allow(deprecated)]
async fn send_all_operations(server: &MockServer, client: &Client) -> Vec<Request> {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(server)
        .await;
    // Successes are 200 or 204 per operation; the mock answers 200 to all, so 204 operations
    // answer UnexpectedStatus here. Only the requests matter in this helper.
    let _ = client
        .membership_delete_refresh_tokens(TENANT, USER)
        .send()
        .await;
    let _ = client
        .membership_get_password_reset_token_validity(USER, "t")
        .send()
        .await;
    let _ = client.membership_get_user_roles(TENANT, USER).send().await;
    let _ = client
        .membership_put_user_role(TENANT, USER, MembershipPutUserRoleRequest::default())
        .send()
        .await;
    let _ = client
        .membership_get_zendesk_token(TENANT, USER)
        .send()
        .await;
    let _ = client
        .membership_post_email_confirmation(MembershipPostEmailConfirmationRequest::default())
        .send()
        .await;
    let _ = client
        .membership_post_email_confirmation_request(TENANT, USER)
        .send()
        .await;
    let _ = client
        .membership_post_identified_user(MembershipPostIdentifiedUserRequest::default())
        .send()
        .await;
    let _ = client.membership_post_initialize().send().await;
    let _ = client
        .membership_post_password_reset_confirmation(
            MembershipPostPasswordResetConfirmationRequest::default(),
        )
        .send()
        .await;
    let _ =
        client
            .membership_post_password_reset_request(
                MembershipPostPasswordResetRequestRequest::default(),
            )
            .send()
            .await;
    let _ = client
        .membership_post_registration(MembershipPostRegistrationRequest::default())
        .send()
        .await;
    server.received_requests().await.expect("recording")
}

#[tokio::test]
async fn bearer_token_is_sent_only_to_the_four_secured_operations() {
    let server = MockServer::start().await;
    let requests = send_all_operations(&server, &client(&server)).await;
    let seen: Vec<(String, String, Option<String>)> = requests
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_string(),
                header_value(r, "authorization").map(str::to_string),
            )
        })
        .collect();
    let bearer = Some(format!("Bearer {TOKEN}"));
    let expected: Vec<(String, String, Option<String>)> = vec![
        (
            "DELETE",
            format!("/membership/refresh-tokens/{TENANT}/{USER}"),
            None,
        ),
        (
            "GET",
            format!("/membership/password-reset-tokens/{USER}"),
            None,
        ),
        (
            "GET",
            format!("/membership/roles/{TENANT}/{USER}"),
            bearer.clone(),
        ),
        (
            "PUT",
            format!("/membership/roles/{TENANT}/{USER}"),
            bearer.clone(),
        ),
        (
            "GET",
            format!("/membership/zendesk-token/{TENANT}/{USER}"),
            bearer.clone(),
        ),
        ("POST", "/membership/email-confirmations".to_string(), None),
        (
            "POST",
            format!("/membership/email-confirmation-requests/{TENANT}/{USER}"),
            None,
        ),
        ("POST", "/membership/identified-users".to_string(), None),
        ("POST", "/membership/initialize".to_string(), None),
        (
            "POST",
            "/membership/password-reset-confirmations".to_string(),
            None,
        ),
        (
            "POST",
            "/membership/password-reset-requests".to_string(),
            None,
        ),
        (
            "POST",
            "/membership/registrations".to_string(),
            bearer.clone(),
        ),
    ]
    .into_iter()
    .map(|(m, p, a)| (m.to_string(), p, a))
    .collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn without_a_token_no_operation_sends_authorization() {
    let server = MockServer::start().await;
    let requests = send_all_operations(&server, &client_without_token(&server)).await;
    assert_eq!(requests.len(), 12);
    for request in &requests {
        assert!(
            request.headers.get("authorization").is_none(),
            "{} {} sent Authorization",
            request.method,
            request.url.path()
        );
    }
}

#[tokio::test]
async fn the_bearer_token_is_redacted_in_debug() {
    let server = MockServer::start().await;
    tests::assert_redacted(
        &format!("{:?}", client(&server)),
        TOKEN,
        r#"credentials_for: ["Bearer"]"#,
    );
    let bare = format!("{:?}", client_without_token(&server));
    assert!(bare.contains("credentials_for: []"), "{bare}");
    tests::assert_redacted(
        &format!("{:?}", Client::builder().bearer_token(TOKEN)),
        TOKEN,
        r#"("Bearer", Bearer(Secret([redacted])))"#,
    );
}

// ---------------------------------------------------------------------------------------------
// Statuses, retries, path parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_undocumented_status_is_unexpected_status_with_body_kept() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(418)
                .set_body_string("I'm a teapot")
                .insert_header("x-brew", "oolong"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .membership_get_zendesk_token(TENANT, USER)
        .send()
        .await
        .expect_err("418 is not documented");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    match err {
        Error::UnexpectedStatus(raw) => {
            assert_eq!(raw.status().as_u16(), 418);
            assert_eq!(raw.body().as_ref(), b"I'm a teapot");
            assert_eq!(raw.headers().get("x-brew").expect("header"), "oolong");
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn a_500_with_retries_off_is_unexpected_status_after_one_attempt() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .max_retries(0)
        .build()
        .expect("client builds");

    let err = client
        .membership_get_user_roles(TENANT, USER)
        .send()
        .await
        .expect_err("500 is not documented");
    match err {
        Error::UnexpectedStatus(raw) => {
            assert_eq!(raw.status().as_u16(), 500);
            assert_eq!(raw.body().as_ref(), b"boom");
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn an_idempotent_get_is_retried_on_503_a_post_is_not_and_a_call_can_opt_out() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_string("busy")
                .insert_header("retry-after", "0"),
        )
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client
        .membership_get_zendesk_token(TENANT, USER)
        .send()
        .await
        .expect_err("503 is not documented");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let after_get = server.received_requests().await.expect("recording").len();
    assert_eq!(after_get, 3, "one attempt and two retries by default");

    let err = client
        .membership_post_initialize()
        .send()
        .await
        .expect_err("503 is not documented");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let after_post = server.received_requests().await.expect("recording").len();
    assert_eq!(after_post - after_get, 1, "POST is not retried");

    // The same GET with retries off for this call: one attempt where the default made three.
    let err = client
        .membership_get_zendesk_token(TENANT, USER)
        .options(RequestOptions {
            max_retries: Some(0),
            ..Default::default()
        })
        .send()
        .await
        .expect_err("503 is not documented");
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    let after_opt_out = server.received_requests().await.expect("recording").len();
    assert_eq!(
        after_opt_out - after_post,
        1,
        "max_retries: Some(0) makes one attempt"
    );
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_into_one_segment_each() {
    let cases = [
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a b", "a%20b"),
        ("a#b", "a%23b"),
    ];
    for (raw, encoded) in cases {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"roles": []})))
            .mount(&server)
            .await;
        let client = client(&server);
        client
            .membership_get_user_roles(raw, "u")
            .send()
            .await
            .expect("200 decodes");
        client
            .membership_delete_refresh_tokens("t", raw)
            .send()
            .await
            .expect("200 is success");
        let _ = client
            .membership_get_password_reset_token_validity(raw, "tok")
            .send()
            .await;

        let requests = server.received_requests().await.expect("recording");
        let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
        assert_eq!(
            paths,
            vec![
                format!("/membership/roles/{encoded}/u"),
                format!("/membership/refresh-tokens/t/{encoded}"),
                format!("/membership/password-reset-tokens/{encoded}"),
            ],
            "value {raw:?}"
        );
        assert_eq!(
            query(&requests[2]),
            vec![("token".to_string(), "tok".to_string())]
        );
    }
}

#[tokio::test]
async fn dot_segment_path_parameters_are_refused_before_sending() {
    for bad in ["..", "."] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        let client = client(&server);

        let roles = client.membership_get_user_roles(bad, USER).send().await;
        assert!(
            matches!(roles, Err(Error::InvalidRequest(_))),
            "tenantId {bad:?}: {roles:?}"
        );
        let delete = client
            .membership_delete_refresh_tokens(TENANT, bad)
            .send()
            .await;
        assert!(
            matches!(delete, Err(Error::InvalidRequest(_))),
            "userId {bad:?}: {delete:?}"
        );
        let put = client
            .membership_put_user_role(TENANT, bad, MembershipPutUserRoleRequest::default())
            .send()
            .await;
        assert!(
            matches!(put, Err(Error::InvalidRequest(_))),
            "userId {bad:?}: {put:?}"
        );
        let reset = client
            .membership_get_password_reset_token_validity(bad, "tok")
            .send()
            .await;
        assert!(
            matches!(reset, Err(Error::InvalidRequest(_))),
            "userId {bad:?}: {reset:?}"
        );
        let confirm = client
            .membership_post_email_confirmation_request(bad, bad)
            .send()
            .await;
        assert!(
            matches!(confirm, Err(Error::InvalidRequest(_))),
            "{bad:?}: {confirm:?}"
        );
        let zendesk = client
            .membership_get_zendesk_token(TENANT, bad)
            .send()
            .await;
        assert!(
            matches!(zendesk, Err(Error::InvalidRequest(_))),
            "{bad:?}: {zendesk:?}"
        );

        let requests = server.received_requests().await.expect("recording");
        assert!(
            requests.is_empty(),
            "{bad:?} reached the server: {requests:#?}"
        );
    }
}

#[tokio::test]
#[allow(deprecated)]
async fn nullable_body_fields_set_to_null_are_sent_as_json_null() {
    let server = MockServer::start().await;
    // PUT answers 200, the POSTs 204 (the first matching mock wins).
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);

    client
        .membership_put_user_role(
            TENANT,
            USER,
            MembershipPutUserRoleRequest {
                role: Nullable::Null,
                is_enabled: Some(true),
            },
        )
        .send()
        .await
        .expect("200 is success");
    client
        .membership_post_identified_user(MembershipPostIdentifiedUserRequest {
            tenant: Nullable::Value("acme".into()),
            username: Nullable::Null,
            email: Nullable::Absent,
            is_update: None,
        })
        .send()
        .await
        .expect("204 is success");
    client
        .membership_post_password_reset_confirmation(
            MembershipPostPasswordResetConfirmationRequest {
                user_id: Nullable::Null,
                new_password: Nullable::Value("pw".into()),
                token: None,
            },
        )
        .send()
        .await
        .expect("204 is success");

    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 3);
    assert_json_body(&requests[0], &json!({"role": null, "isEnabled": true}));
    assert_json_body(&requests[1], &json!({"tenant": "acme", "username": null}));
    assert_json_body(&requests[2], &json!({"userId": null, "newPassword": "pw"}));
}
