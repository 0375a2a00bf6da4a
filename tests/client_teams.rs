//! Behaviour tests of the generated Teams (Document360 Customer API) client against a local
//! mock server: what goes over the wire for each of the 10 operations, and how every documented
//! (and undocumented) response is decoded.

#[path = "support/wire.rs"]
mod wire;

use serde_json::{Value, json};
use userapis::runtime::{Error, Nullable};
use userapis::teams::operations::{
    V2TeamsEmailExistsGetError, V2TeamsPostError, V2TeamsUserIdContentPutError,
    V2TeamsUserIdDeleteError, V2TeamsUserIdGetError, V2TeamsUserIdGroupsPutError,
    V2TeamsUserIdPortalPutError,
};
use userapis::teams::{
    AccessScopeLevel, AddTeamAccountCustomer, AddUpdateAccessScopeCustomerV2,
    CategoryScopeCustomer, Client, ContentPermissionCustomer, CustomerApiBaseResponse,
    EditContentRoleCustomer, EditPortalRoleCustomer, EditUserGroupsCustomer, LanguageScopeCustomer,
    RoleType,
};
use wire::{assert_json_body, assert_no_body, header_value, only_request, query};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok-123";
const USER: &str = "9b2f6c1e-3d4a-4b7e-8f21-6a0c5d9e7b13";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_token(TOKEN)
        .build()
        .expect("client builds")
}

/// Checks the parts every Teams request shares: method, exact raw path, the `api_token` header.
fn assert_common(request: &Request, expected_method: &str, expected_path: &str) {
    assert_eq!(request.method.as_str(), expected_method);
    assert_eq!(request.url.path(), expected_path);
    assert_eq!(header_value(request, "api_token"), Some(TOKEN));
    // The API key goes only in its header, never in the query string or as a bearer token.
    assert!(request.headers.get("authorization").is_none());
}

/// The 400 body of the spec's example.
fn bad_request_body() -> Value {
    json!({
        "extension_data": null,
        "success": false,
        "errors": [{
            "extension_data": null,
            "stack_trace": null,
            "description": "The user id 9b2f6c1e-3d4a-4b7e-8f21-6a0c5d9e7b1x does not exist.",
            "error_code": "400",
            "custom_data": null
        }],
        "warnings": [],
        "information": []
    })
}

fn assert_bad_request_body(body: &CustomerApiBaseResponse) {
    assert_eq!(body.success, Some(false));
    let errors = body.errors.as_ref().expect("errors present");
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].description.as_deref(),
        Some("The user id 9b2f6c1e-3d4a-4b7e-8f21-6a0c5d9e7b1x does not exist.")
    );
    assert_eq!(errors[0].error_code.as_deref(), Some("400"));
    assert_eq!(errors[0].stack_trace, None);
    assert_eq!(body.warnings.as_deref(), Some(&[][..]));
}

async fn mount_400(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_json(bad_request_body()))
        .expect(1)
        .mount(server)
        .await;
}

fn boolean_envelope(result: bool) -> Value {
    json!({
        "result": result,
        "extension_data": null,
        "success": true,
        "errors": [],
        "warnings": [],
        "information": []
    })
}

fn sample_permission() -> ContentPermissionCustomer {
    ContentPermissionCustomer {
        associated_content_role_id: "role-content-1".into(),
        access_scope: AddUpdateAccessScopeCustomerV2 {
            access_level: AccessScopeLevel::Category,
            categories: Nullable::Value(vec![CategoryScopeCustomer {
                project_version_id: "pv-1".into(),
                category_id: "cat-1".into(),
                language_code: "en".into(),
            }]),
            project_versions: Nullable::Absent,
            languages: Nullable::Absent,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// GET /v2/Teams/email-exists
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn email_exists_sends_both_query_parameters_and_decodes_200() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/Teams/email-exists"))
        .and(query_param("emailId", "maria.lopez+kb@example.com"))
        .and(query_param("isAnSsoUser", "true"))
        .and(header("api_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"exists": true, "user_id": USER},
            "extension_data": null,
            "success": true,
            "errors": [],
            "warnings": [],
            "information": []
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_email_exists_get("maria.lopez+kb@example.com")
        .is_an_sso_user(true)
        .send()
        .await
        .expect("200 decodes");

    assert_eq!(response.status().as_u16(), 200);
    let data = response.data.as_ref().expect("data present");
    assert_eq!(data.exists, Some(true));
    assert_eq!(data.user_id.as_deref(), Some(USER));
    assert_eq!(response.success, Some(true));
    assert_eq!(response.extension_data, None);
    assert_eq!(response.errors.as_deref(), Some(&[][..]));

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v2/Teams/email-exists");
    assert_eq!(
        query(&request),
        vec![
            (
                "emailId".to_string(),
                "maria.lopez+kb@example.com".to_string()
            ),
            ("isAnSsoUser".to_string(), "true".to_string()),
        ]
    );
    // The `+` must be percent-encoded, or the server would read it as a space.
    assert!(
        request
            .url
            .query()
            .expect("query")
            .contains("emailId=maria.lopez%2Bkb%40example.com"),
        "raw query {:?}",
        request.url.query()
    );
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn email_exists_omits_unset_is_an_sso_user_and_decodes_null_user_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/Teams/email-exists"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"exists": false, "user_id": null},
            "success": true
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_email_exists_get("nobody@example.com")
        .send()
        .await
        .expect("200 decodes");
    let data = response.into_inner().data.expect("data present");
    assert_eq!(data.exists, Some(false));
    assert_eq!(data.user_id, None);

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v2/Teams/email-exists");
    assert_eq!(
        query(&request),
        vec![("emailId".to_string(), "nobody@example.com".to_string())]
    );
}

#[tokio::test]
async fn email_exists_400_is_a_bad_request_api_error() {
    let server = MockServer::start().await;
    mount_400(&server).await;

    let err = client(&server)
        .v2_teams_email_exists_get("x@example.com")
        .is_an_sso_user(false)
        .send()
        .await
        .expect_err("400 is an error");
    match err {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 400);
            let V2TeamsEmailExistsGetError::BadRequest(body) = response.into_inner();
            assert_bad_request_body(&body);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let request = only_request(&server).await;
    assert_eq!(
        query(&request),
        vec![
            ("emailId".to_string(), "x@example.com".to_string()),
            ("isAnSsoUser".to_string(), "false".to_string()),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// GET /v2/Teams
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_team_accounts_sends_skip_and_take_and_decodes_200() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/Teams"))
        .and(query_param("skip", "40"))
        .and(query_param("take", "20"))
        .and(header("api_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "result": [{
                "user_id": USER,
                "first_name": "Maria",
                "last_name": "Lopez",
                "email_id": "maria.lopez@example.com",
                "profile_logo_url": null,
                "portal_role": "Owner",
                "last_login_at": "2024-06-13T14:30:00"
            }],
            "extension_data": null,
            "success": true,
            "errors": [],
            "warnings": [],
            "information": []
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_get()
        .skip(40)
        .take(20)
        .send()
        .await
        .expect("200 decodes");
    let accounts = response.result.as_ref().expect("result present");
    assert_eq!(accounts.len(), 1);
    let account = &accounts[0];
    assert_eq!(account.user_id.as_deref(), Some(USER));
    assert_eq!(account.first_name.as_deref(), Some("Maria"));
    assert_eq!(account.last_name.as_deref(), Some("Lopez"));
    assert_eq!(account.email_id.as_deref(), Some("maria.lopez@example.com"));
    assert_eq!(account.profile_logo_url, None);
    assert_eq!(account.portal_role.as_deref(), Some("Owner"));
    // A timestamp without UTC offset is kept as sent.
    assert_eq!(
        account.last_login_at.as_deref(),
        Some("2024-06-13T14:30:00")
    );

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v2/Teams");
    assert_eq!(
        query(&request),
        vec![
            ("skip".to_string(), "40".to_string()),
            ("take".to_string(), "20".to_string()),
        ]
    );
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn list_team_accounts_without_paging_sends_no_query_and_exposes_status_and_headers() {
    let server = MockServer::start().await;
    let body = json!({"result": [], "success": true});
    Mock::given(method("GET"))
        .and(path("/v2/Teams"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(body.clone())
                .insert_header("x-request-id", "req-42"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_get()
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .expect("custom header kept"),
        "req-42"
    );
    let raw: Value = serde_json::from_slice(response.raw_body()).expect("raw body kept");
    assert_eq!(raw, body);
    assert_eq!(response.result.as_deref(), Some(&[][..]));

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v2/Teams");
    assert_eq!(request.url.query(), None, "no query string expected");
}

#[tokio::test]
async fn list_team_accounts_sends_only_the_parameter_that_is_set() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": []})))
        .mount(&server)
        .await;

    client(&server)
        .v2_teams_get()
        .take(5)
        .send()
        .await
        .expect("200 decodes");
    let request = only_request(&server).await;
    assert_eq!(query(&request), vec![("take".to_string(), "5".to_string())]);
}

// ---------------------------------------------------------------------------------------------
// POST /v2/Teams
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn add_team_account_sends_json_body_without_none_fields_and_decodes_200() {
    let server = MockServer::start().await;
    let expected_body = json!({
        "email_id": "new.user@example.com",
        "first_name": "New",
        "invited_by": USER,
        "is_sso_user": false,
        "associated_portal_role_id": "role-portal-1",
        "content_permissions": [{
            "associated_content_role_id": "role-content-1",
            "access_scope": {
                "access_level": 1,
                "categories": [{
                    "project_version_id": "pv-1",
                    "category_id": "cat-1",
                    "language_code": "en"
                }]
            }
        }],
        "associated_groups": ["g-1", "g-2"]
    });
    Mock::given(method("POST"))
        .and(path("/v2/Teams"))
        .and(header("api_token", TOKEN))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "result": {"id": "4c7d2e90-1b5f-4a38-9e6d-2f8a1c0b7e54"},
            "extension_data": null,
            "success": true,
            "errors": [],
            "warnings": [],
            "information": []
        })))
        .expect(1)
        .mount(&server)
        .await;

    let body = AddTeamAccountCustomer {
        email_id: "new.user@example.com".into(),
        first_name: Nullable::Value("New".into()),
        last_name: Nullable::Absent,
        invited_by: USER.into(),
        is_sso_user: Some(false),
        scheme_name: Nullable::Absent,
        skip_sso_invitation_email: None,
        associated_portal_role_id: "role-portal-1".into(),
        content_permissions: vec![sample_permission()],
        associated_groups: Nullable::Value(vec!["g-1".into(), "g-2".into()]),
    };
    let response = client(&server)
        .v2_teams_post()
        .body(body)
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(
        response.result.as_ref().and_then(|r| r.id.as_deref()),
        Some("4c7d2e90-1b5f-4a38-9e6d-2f8a1c0b7e54")
    );
    assert_eq!(response.success, Some(true));

    let request = only_request(&server).await;
    assert_common(&request, "POST", "/v2/Teams");
    assert_eq!(request.url.query(), None);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

#[tokio::test]
async fn add_team_account_400_is_a_bad_request_api_error() {
    let server = MockServer::start().await;
    mount_400(&server).await;

    let err = client(&server)
        .v2_teams_post()
        .body(AddTeamAccountCustomer {
            email_id: "x@example.com".into(),
            invited_by: USER.into(),
            associated_portal_role_id: "r".into(),
            ..Default::default()
        })
        .send()
        .await
        .expect_err("400 is an error");
    match err {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 400);
            let V2TeamsPostError::BadRequest(body) = response.value().clone();
            assert_bad_request_body(&body);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let request = only_request(&server).await;
    assert_common(&request, "POST", "/v2/Teams");
    assert_json_body(
        &request,
        &json!({
            "email_id": "x@example.com",
            "invited_by": USER,
            "associated_portal_role_id": "r",
            "content_permissions": []
        }),
    );
}

#[tokio::test]
async fn add_team_account_is_not_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .mount(&server)
        .await;

    let err = client(&server)
        .v2_teams_post()
        .body(AddTeamAccountCustomer::default())
        .send()
        .await
        .expect_err("503 is not documented");
    assert!(matches!(&err, Error::UnexpectedStatus(raw) if raw.status().as_u16() == 503));
    // POST is not idempotent: one attempt only, even with the default retry policy.
    only_request(&server).await;
}

// ---------------------------------------------------------------------------------------------
// GET /v2/Teams/groups
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_groups_sends_get_and_decodes_200() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/Teams/groups"))
        .and(header("api_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "result": [
                {"group_id": "g-1", "title": "Writers", "description": "Technical writers"},
                {"group_id": "g-2", "title": "Reviewers", "description": null}
            ],
            "success": true,
            "errors": null,
            "warnings": null,
            "information": null
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_groups_get()
        .send()
        .await
        .expect("200 decodes");
    let groups = response.result.as_ref().expect("groups present");
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].group_id.as_deref(), Some("g-1"));
    assert_eq!(groups[0].title.as_deref(), Some("Writers"));
    assert_eq!(groups[0].description.as_deref(), Some("Technical writers"));
    assert_eq!(groups[1].group_id.as_deref(), Some("g-2"));
    assert_eq!(groups[1].description, None);
    assert_eq!(response.errors, None);

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v2/Teams/groups");
    assert_eq!(request.url.query(), None);
    assert_no_body(&request);
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// GET /v2/Teams/roles
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_roles_sends_get_and_decodes_role_types() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/Teams/roles"))
        .and(header("api_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "result": [
                {
                    "id": "0d3e5f7a-2b4c-4e6f-8a1b-3c5d7e9f1a2b",
                    "title": "Owner",
                    "description": "Full control of the project.",
                    "is_system_role": true,
                    "role_type": 0
                },
                {
                    "id": "6a8c0e2f-4b6d-4f81-9c3e-5d7f9b1d3e4f",
                    "title": "Editor",
                    "description": "Can create and edit content.",
                    "is_system_role": true,
                    "role_type": 1
                }
            ],
            "extension_data": null,
            "success": true,
            "errors": [],
            "warnings": [],
            "information": []
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_roles_get()
        .send()
        .await
        .expect("200 decodes");
    let roles = response.result.as_ref().expect("roles present");
    assert_eq!(roles.len(), 2);
    assert_eq!(
        roles[0].id.as_deref(),
        Some("0d3e5f7a-2b4c-4e6f-8a1b-3c5d7e9f1a2b")
    );
    assert_eq!(roles[0].title.as_deref(), Some("Owner"));
    assert_eq!(roles[0].is_system_role, Some(true));
    assert_eq!(roles[0].role_type, Some(RoleType::Portal));
    assert_eq!(roles[1].title.as_deref(), Some("Editor"));
    assert_eq!(roles[1].role_type, Some(RoleType::Content));

    let request = only_request(&server).await;
    assert_common(&request, "GET", "/v2/Teams/roles");
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn list_roles_keeps_an_unknown_role_type_and_ignores_unknown_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/Teams/roles"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "result": [{
                "id": "r-7",
                "title": "Auditor",
                "role_type": 7,
                "introduced_in": "2031",
                "permissions": {"read": true}
            }],
            "success": true,
            "pagination": {"total": 1}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_roles_get()
        .send()
        .await
        .expect("unknown enum values and fields are tolerated");
    let roles = response.into_inner().result.expect("roles present");
    assert_eq!(roles[0].role_type, Some(RoleType::Unknown(7)));
    assert_eq!(roles[0].role_type.map(RoleType::value), Some(7));
    assert_eq!(roles[0].title.as_deref(), Some("Auditor"));
}

#[tokio::test]
async fn list_roles_with_a_mistyped_field_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    let garbage = br#"{"result": [{"id": "r-1", "role_type": "admin"}]}"#;
    Mock::given(method("GET"))
        .and(path("/v2/Teams/roles"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(&garbage[..], "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v2_teams_roles_get()
        .send()
        .await
        .expect_err("a string is not a role type");
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.path, "result[0].role_type");
            assert_eq!(decode.response.status().as_u16(), 200);
            assert_eq!(decode.response.body().as_ref(), &garbage[..]);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// PUT /v2/Teams/{userId}/content
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn update_content_roles_sends_integer_access_levels_and_decodes_200() {
    let server = MockServer::start().await;
    let expected_body = json!({
        "content_permissions": [
            {
                "associated_content_role_id": "role-content-1",
                "access_scope": {
                    "access_level": 1,
                    "categories": [{
                        "project_version_id": "pv-1",
                        "category_id": "cat-1",
                        "language_code": "en"
                    }]
                }
            },
            {
                "associated_content_role_id": "role-content-2",
                "access_scope": {"access_level": 2, "project_versions": ["pv-1", "pv-2"]}
            },
            {
                "associated_content_role_id": "role-content-3",
                "access_scope": {"access_level": 3}
            },
            {
                "associated_content_role_id": "role-content-4",
                "access_scope": {
                    "access_level": 4,
                    "languages": [{"project_version_id": "pv-1", "language_code": "de"}]
                }
            },
            {
                "associated_content_role_id": "role-content-8",
                "access_scope": {"access_level": 8}
            },
            {
                "associated_content_role_id": "role-content-12",
                "access_scope": {"access_level": 12}
            }
        ],
        "is_invitation_id": true
    });
    Mock::given(method("PUT"))
        .and(path(format!("/v2/Teams/{USER}/content")))
        .and(header("api_token", TOKEN))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(boolean_envelope(true)))
        .expect(1)
        .mount(&server)
        .await;

    let scope = |level: AccessScopeLevel| AddUpdateAccessScopeCustomerV2 {
        access_level: level,
        categories: Nullable::Absent,
        project_versions: Nullable::Absent,
        languages: Nullable::Absent,
    };
    let permission = |role: &str, access_scope| ContentPermissionCustomer {
        associated_content_role_id: role.into(),
        access_scope,
    };
    let body = EditContentRoleCustomer {
        content_permissions: vec![
            sample_permission(),
            permission(
                "role-content-2",
                AddUpdateAccessScopeCustomerV2 {
                    project_versions: Nullable::Value(vec!["pv-1".into(), "pv-2".into()]),
                    ..scope(AccessScopeLevel::Version)
                },
            ),
            permission("role-content-3", scope(AccessScopeLevel::Project)),
            permission(
                "role-content-4",
                AddUpdateAccessScopeCustomerV2 {
                    languages: Nullable::Value(vec![LanguageScopeCustomer {
                        project_version_id: "pv-1".into(),
                        language_code: "de".into(),
                    }]),
                    ..scope(AccessScopeLevel::Language)
                },
            ),
            permission("role-content-8", scope(AccessScopeLevel::Level8)),
            permission("role-content-12", scope(AccessScopeLevel::Unknown(12))),
        ],
        is_invitation_id: Some(true),
    };
    let response = client(&server)
        .v2_teams_user_id_content_put(USER)
        .body(body)
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.result, Some(true));
    assert_eq!(response.success, Some(true));

    let request = only_request(&server).await;
    assert_common(&request, "PUT", &format!("/v2/Teams/{USER}/content"));
    assert_eq!(request.url.query(), None);
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

#[tokio::test]
async fn update_content_roles_omits_unset_is_invitation_id() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(boolean_envelope(false)))
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_user_id_content_put("u-1")
        .body(EditContentRoleCustomer {
            content_permissions: vec![ContentPermissionCustomer {
                associated_content_role_id: "role-content-0".into(),
                access_scope: AddUpdateAccessScopeCustomerV2 {
                    access_level: AccessScopeLevel::None,
                    categories: Nullable::Absent,
                    project_versions: Nullable::Absent,
                    languages: Nullable::Absent,
                },
            }],
            is_invitation_id: None,
        })
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.result, Some(false));

    let request = only_request(&server).await;
    assert_common(&request, "PUT", "/v2/Teams/u-1/content");
    assert_json_body(
        &request,
        &json!({
            "content_permissions": [{
                "associated_content_role_id": "role-content-0",
                "access_scope": {"access_level": 0}
            }]
        }),
    );
}

#[tokio::test]
async fn update_content_roles_400_is_a_bad_request_api_error() {
    let server = MockServer::start().await;
    mount_400(&server).await;

    let err = client(&server)
        .v2_teams_user_id_content_put("u-1")
        .body(EditContentRoleCustomer::default())
        .send()
        .await
        .expect_err("400 is an error");
    match err {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 400);
            let V2TeamsUserIdContentPutError::BadRequest(body) = &**response;
            assert_bad_request_body(body);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let request = only_request(&server).await;
    assert_common(&request, "PUT", "/v2/Teams/u-1/content");
    assert_json_body(&request, &json!({"content_permissions": []}));
}

// ---------------------------------------------------------------------------------------------
// GET /v2/Teams/{userId}
// ---------------------------------------------------------------------------------------------

fn complete_user_info(access_scope_level: Value) -> Value {
    json!({
        "result": {
            "user_id": USER,
            "first_name": "Maria",
            "last_name": "Lopez",
            "email_id": "maria.lopez@example.com",
            "profile_logo_url": "https://cdn.example.com/maria.png",
            "last_login_at": "2024-06-13T14:30:00Z",
            "portal_role": {"role_id": "role-portal-1", "role_name": "Owner"},
            "content_roles": [{
                "version_access": {"version_name": "v1", "version_id": "pv-1"},
                "language_access": null,
                "category_access": {
                    "category_name": "Getting started",
                    "category_id": "cat-1",
                    "language_code": "en"
                },
                "article_access": null,
                "access_scope_level": access_scope_level,
                "role_id": "role-content-1",
                "role_name": "Editor"
            }],
            "associated_groups": [{
                "id": "g-1",
                "title": "Writers",
                "description": null,
                "content_role_infos": [{
                    "access_scope_level": 3,
                    "guide_access_info": {"guide_name": "Admin guide", "version_id": "pv-1"},
                    "role_name": "Reader",
                    "role_id": "role-content-9",
                    "group_name": "Writers"
                }]
            }]
        },
        "extension_data": null,
        "success": true,
        "errors": [],
        "warnings": [],
        "information": []
    })
}

#[tokio::test]
async fn get_user_sends_get_and_decodes_complete_user_info() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/Teams/{USER}")))
        .and(header("api_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(complete_user_info(json!(1))))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_user_id_get(USER)
        .send()
        .await
        .expect("200 decodes");
    let user = response.result.as_ref().expect("result present");
    assert_eq!(user.user_id.as_deref(), Some(USER));
    assert_eq!(user.first_name.as_deref(), Some("Maria"));
    assert_eq!(user.email_id.as_deref(), Some("maria.lopez@example.com"));
    assert_eq!(
        user.profile_logo_url.as_deref(),
        Some("https://cdn.example.com/maria.png")
    );
    assert_eq!(user.last_login_at.as_deref(), Some("2024-06-13T14:30:00Z"));
    let portal = user.portal_role.as_ref().expect("portal role");
    assert_eq!(portal.role_id.as_deref(), Some("role-portal-1"));
    assert_eq!(portal.role_name.as_deref(), Some("Owner"));
    let content = &user.content_roles.as_ref().expect("content roles")[0];
    assert_eq!(content.access_scope_level, Some(AccessScopeLevel::Category));
    assert_eq!(content.role_name.as_deref(), Some("Editor"));
    assert_eq!(
        content
            .version_access
            .as_ref()
            .and_then(|v| v.version_id.as_deref()),
        Some("pv-1")
    );
    assert_eq!(
        content
            .category_access
            .as_ref()
            .and_then(|c| c.category_name.as_deref()),
        Some("Getting started")
    );
    assert_eq!(content.language_access, None);
    let group = &user.associated_groups.as_ref().expect("groups")[0];
    assert_eq!(group.id.as_deref(), Some("g-1"));
    let info = &group.content_role_infos.as_ref().expect("role infos")[0];
    assert_eq!(info.access_scope_level, Some(AccessScopeLevel::Project));
    assert_eq!(
        info.guide_access_info
            .as_ref()
            .and_then(|g| g.guide_name.as_deref()),
        Some("Admin guide")
    );
    assert_eq!(info.group_name.as_deref(), Some("Writers"));

    let request = only_request(&server).await;
    assert_common(&request, "GET", &format!("/v2/Teams/{USER}"));
    assert_eq!(request.url.query(), None);
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn get_user_decodes_access_scope_levels_5_to_8_as_named_and_others_as_unknown() {
    let cases = [
        (0, AccessScopeLevel::None),
        (4, AccessScopeLevel::Language),
        (5, AccessScopeLevel::Level5),
        (6, AccessScopeLevel::Level6),
        (7, AccessScopeLevel::Level7),
        (8, AccessScopeLevel::Level8),
        (9, AccessScopeLevel::Unknown(9)),
        (-1, AccessScopeLevel::Unknown(-1)),
    ];
    for (wire, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v2/Teams/u-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(complete_user_info(json!(wire))))
            .expect(1)
            .mount(&server)
            .await;
        let response = client(&server)
            .v2_teams_user_id_get("u-1")
            .send()
            .await
            .expect("200 decodes");
        let level = response
            .into_inner()
            .result
            .expect("result")
            .content_roles
            .expect("roles")[0]
            .access_scope_level;
        assert_eq!(level, Some(expected), "access_scope_level {wire}");
        assert_eq!(level.map(AccessScopeLevel::value), Some(wire));
    }
}

#[tokio::test]
async fn get_user_ignores_unknown_fields_everywhere() {
    let server = MockServer::start().await;
    let mut body = complete_user_info(json!(2));
    body["trace_id"] = json!("abc");
    body["result"]["department"] = json!({"name": "Docs"});
    body["result"]["portal_role"]["since"] = json!("2020-01-01");
    body["result"]["content_roles"][0]["inherited"] = json!(false);
    Mock::given(method("GET"))
        .and(path("/v2/Teams/u-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_user_id_get("u-1")
        .send()
        .await
        .expect("unknown fields are ignored");
    let user = response.into_inner().result.expect("result");
    assert_eq!(user.first_name.as_deref(), Some("Maria"));
    assert_eq!(
        user.portal_role.and_then(|r| r.role_name),
        Some("Owner".to_string())
    );
    assert_eq!(
        user.content_roles.expect("roles")[0].access_scope_level,
        Some(AccessScopeLevel::Version)
    );
}

#[tokio::test]
async fn get_user_with_a_mistyped_nested_field_names_its_path() {
    let server = MockServer::start().await;
    let mut body = complete_user_info(json!("high"));
    body["result"]["first_name"] = json!("Maria");
    let raw = serde_json::to_vec(&body).expect("serializes");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(raw.clone(), "application/json"))
        .mount(&server)
        .await;

    let err = client(&server)
        .v2_teams_user_id_get("u-1")
        .send()
        .await
        .expect_err("a string is not an access scope level");
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.path, "result.content_roles[0].access_scope_level");
            assert_eq!(decode.response.body().as_ref(), raw.as_slice());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn get_user_400_is_a_bad_request_api_error() {
    let server = MockServer::start().await;
    mount_400(&server).await;

    let err = client(&server)
        .v2_teams_user_id_get("9b2f6c1e-3d4a-4b7e-8f21-6a0c5d9e7b1x")
        .send()
        .await
        .expect_err("400 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    match err {
        Error::Api(response) => {
            let V2TeamsUserIdGetError::BadRequest(body) = response.into_inner();
            assert_bad_request_body(&body);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let request = only_request(&server).await;
    assert_common(
        &request,
        "GET",
        "/v2/Teams/9b2f6c1e-3d4a-4b7e-8f21-6a0c5d9e7b1x",
    );
}

// ---------------------------------------------------------------------------------------------
// DELETE /v2/Teams/{userId}
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn delete_user_sends_delete_and_decodes_base_response() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v2/Teams/{USER}")))
        .and(header("api_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "extension_data": null,
            "success": true,
            "errors": [],
            "warnings": [{"description": "Invitation revoked", "warning_code": "W1"}],
            "information": [{"description": "User removed"}]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_user_id_delete(USER)
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.success, Some(true));
    assert_eq!(response.errors.as_deref(), Some(&[][..]));
    let warnings = response.warnings.as_ref().expect("warnings");
    assert_eq!(
        warnings[0].description.as_deref(),
        Some("Invitation revoked")
    );
    assert_eq!(warnings[0].warning_code.as_deref(), Some("W1"));
    assert_eq!(
        response.information.as_ref().expect("information")[0]
            .description
            .as_deref(),
        Some("User removed")
    );

    let request = only_request(&server).await;
    assert_common(&request, "DELETE", &format!("/v2/Teams/{USER}"));
    assert_eq!(request.url.query(), None);
    assert_no_body(&request);
    server.verify().await;
}

#[tokio::test]
async fn delete_user_400_is_a_bad_request_api_error() {
    let server = MockServer::start().await;
    mount_400(&server).await;

    let err = client(&server)
        .v2_teams_user_id_delete("u-1")
        .send()
        .await
        .expect_err("400 is an error");
    match err {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 400);
            let V2TeamsUserIdDeleteError::BadRequest(body) = response.into_inner();
            assert_bad_request_body(&body);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let request = only_request(&server).await;
    assert_common(&request, "DELETE", "/v2/Teams/u-1");
}

// ---------------------------------------------------------------------------------------------
// PUT /v2/Teams/{userId}/groups
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn update_groups_sends_json_body_and_decodes_200() {
    let server = MockServer::start().await;
    let expected_body = json!({"associated_groups": ["g-1", "g-3"], "is_invitation_id": false});
    Mock::given(method("PUT"))
        .and(path(format!("/v2/Teams/{USER}/groups")))
        .and(header("api_token", TOKEN))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(boolean_envelope(true)))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_user_id_groups_put(USER)
        .body(EditUserGroupsCustomer {
            associated_groups: vec!["g-1".into(), "g-3".into()],
            is_invitation_id: Some(false),
        })
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.result, Some(true));

    let request = only_request(&server).await;
    assert_common(&request, "PUT", &format!("/v2/Teams/{USER}/groups"));
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

#[tokio::test]
async fn update_groups_400_is_a_bad_request_api_error_and_omits_none_fields() {
    let server = MockServer::start().await;
    mount_400(&server).await;

    let err = client(&server)
        .v2_teams_user_id_groups_put("u-1")
        .body(EditUserGroupsCustomer {
            associated_groups: vec![],
            is_invitation_id: None,
        })
        .send()
        .await
        .expect_err("400 is an error");
    match err {
        Error::Api(response) => {
            let V2TeamsUserIdGroupsPutError::BadRequest(body) = response.into_inner();
            assert_bad_request_body(&body);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let request = only_request(&server).await;
    assert_common(&request, "PUT", "/v2/Teams/u-1/groups");
    assert_json_body(&request, &json!({"associated_groups": []}));
}

// ---------------------------------------------------------------------------------------------
// PUT /v2/Teams/{userId}/portal
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn update_portal_role_sends_json_body_and_decodes_200() {
    let server = MockServer::start().await;
    let expected_body = json!({"associated_portal_role_id": "role-portal-2"});
    Mock::given(method("PUT"))
        .and(path(format!("/v2/Teams/{USER}/portal")))
        .and(header("api_token", TOKEN))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(boolean_envelope(true)))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .v2_teams_user_id_portal_put(USER)
        .body(EditPortalRoleCustomer {
            associated_portal_role_id: "role-portal-2".into(),
            is_invitation_id: None,
        })
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(response.result, Some(true));
    assert_eq!(response.success, Some(true));
    assert_eq!(response.information.as_deref(), Some(&[][..]));

    let request = only_request(&server).await;
    assert_common(&request, "PUT", &format!("/v2/Teams/{USER}/portal"));
    assert_json_body(&request, &expected_body);
    server.verify().await;
}

#[tokio::test]
async fn update_portal_role_400_is_a_bad_request_api_error() {
    let server = MockServer::start().await;
    mount_400(&server).await;

    let err = client(&server)
        .v2_teams_user_id_portal_put("9b2f6c1e-3d4a-4b7e-8f21-6a0c5d9e7b1x")
        .body(EditPortalRoleCustomer {
            associated_portal_role_id: "role-portal-2".into(),
            is_invitation_id: Some(true),
        })
        .send()
        .await
        .expect_err("400 is an error");
    match err {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 400);
            let raw: Value = serde_json::from_slice(response.raw_body()).expect("raw body kept");
            assert_eq!(raw, bad_request_body());
            let V2TeamsUserIdPortalPutError::BadRequest(body) = response.into_inner();
            assert_bad_request_body(&body);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let request = only_request(&server).await;
    assert_common(
        &request,
        "PUT",
        "/v2/Teams/9b2f6c1e-3d4a-4b7e-8f21-6a0c5d9e7b1x/portal",
    );
    assert_json_body(
        &request,
        &json!({"associated_portal_role_id": "role-portal-2", "is_invitation_id": true}),
    );
}

// ---------------------------------------------------------------------------------------------
// Cross-cutting behaviour
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_undocumented_status_is_unexpected_status_with_body_kept() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(418)
                .set_body_string("I'm a teapot")
                .insert_header("x-brew", "earl-grey"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v2_teams_user_id_get("u-1")
        .send()
        .await
        .expect_err("418 is not documented");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(
        err.raw_body().map(|b| b.as_ref()),
        Some(&b"I'm a teapot"[..])
    );
    match err {
        Error::UnexpectedStatus(raw) => {
            assert_eq!(raw.status().as_u16(), 418);
            assert_eq!(raw.body().as_ref(), b"I'm a teapot");
            assert_eq!(
                raw.headers().get("x-brew").expect("header kept"),
                "earl-grey"
            );
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn an_undocumented_status_on_an_operation_without_documented_errors() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_json(bad_request_body()))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v2_teams_groups_get()
        .send()
        .await
        .expect_err("404 is not documented");
    match err {
        Error::UnexpectedStatus(raw) => {
            assert_eq!(raw.status().as_u16(), 404);
            let body: Value = serde_json::from_slice(raw.body()).expect("raw JSON kept");
            assert_eq!(body, bad_request_body());
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_with_raw_bytes_and_path() {
    let server = MockServer::start().await;
    let garbage = br#"{"result": "oops""#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(&garbage[..], "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v2_teams_get()
        .send()
        .await
        .expect_err("garbage does not decode");
    assert_eq!(err.raw_body().map(|b| b.as_ref()), Some(&garbage[..]));
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.response.status().as_u16(), 200);
            assert_eq!(decode.response.body().as_ref(), &garbage[..]);
            // `result` is an array of summaries; the string is where decoding fails.
            assert_eq!(decode.path, "result");
            assert!(!decode.message.is_empty());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_400_with_an_undecodable_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"errors": "nope"})))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .v2_teams_user_id_delete("u-1")
        .send()
        .await
        .expect_err("400 is an error");
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.response.status().as_u16(), 400);
            assert_eq!(decode.path, "errors");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn user_ids_are_percent_encoded_into_one_path_segment() {
    let cases = [
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a b", "a%20b"),
        ("a#b", "a%23b"),
        ("100%", "100%25"),
        ("a%2Fb", "a%252Fb"),
        ("...", "..."),
        ("ü", "%C3%BC"),
    ];
    for (user_id, encoded) in cases {
        let server = MockServer::start().await;
        // A body every one of the five operations can decode.
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
            .mount(&server)
            .await;
        let client = client(&server);

        client
            .v2_teams_user_id_get(user_id)
            .send()
            .await
            .expect("GET succeeds");
        client
            .v2_teams_user_id_delete(user_id)
            .send()
            .await
            .expect("DELETE succeeds");
        client
            .v2_teams_user_id_content_put(user_id)
            .body(EditContentRoleCustomer::default())
            .send()
            .await
            .expect("content PUT succeeds");
        client
            .v2_teams_user_id_groups_put(user_id)
            .body(EditUserGroupsCustomer::default())
            .send()
            .await
            .expect("groups PUT succeeds");
        client
            .v2_teams_user_id_portal_put(user_id)
            .body(EditPortalRoleCustomer::default())
            .send()
            .await
            .expect("portal PUT succeeds");

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
        let expected: Vec<(String, String, Option<String>)> = [
            ("GET", format!("/v2/Teams/{encoded}")),
            ("DELETE", format!("/v2/Teams/{encoded}")),
            ("PUT", format!("/v2/Teams/{encoded}/content")),
            ("PUT", format!("/v2/Teams/{encoded}/groups")),
            ("PUT", format!("/v2/Teams/{encoded}/portal")),
        ]
        .into_iter()
        .map(|(m, p)| (m.to_string(), p, None))
        .collect();
        assert_eq!(seen, expected, "userId {user_id:?}");
    }
}

#[tokio::test]
async fn dot_segments_and_empty_user_ids_are_refused_before_sending() {
    for user_id in ["..", ".", ""] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(boolean_envelope(true)))
            .mount(&server)
            .await;
        let client = client(&server);

        let get = client.v2_teams_user_id_get(user_id).send().await;
        assert!(
            matches!(get, Err(Error::InvalidRequest(_))),
            "GET {user_id:?}: {get:?}"
        );
        let delete = client.v2_teams_user_id_delete(user_id).send().await;
        assert!(
            matches!(delete, Err(Error::InvalidRequest(_))),
            "DELETE {user_id:?}: {delete:?}"
        );
        let content = client
            .v2_teams_user_id_content_put(user_id)
            .body(EditContentRoleCustomer::default())
            .send()
            .await;
        assert!(
            matches!(content, Err(Error::InvalidRequest(_))),
            "content PUT {user_id:?}: {content:?}"
        );
        let groups = client
            .v2_teams_user_id_groups_put(user_id)
            .body(EditUserGroupsCustomer::default())
            .send()
            .await;
        assert!(
            matches!(groups, Err(Error::InvalidRequest(_))),
            "groups PUT {user_id:?}: {groups:?}"
        );
        let portal = client
            .v2_teams_user_id_portal_put(user_id)
            .body(EditPortalRoleCustomer::default())
            .send()
            .await;
        assert!(
            matches!(portal, Err(Error::InvalidRequest(_))),
            "portal PUT {user_id:?}: {portal:?}"
        );
        if let Err(Error::InvalidRequest(reason)) = get {
            assert!(
                reason.to_string().contains("userId"),
                "reason names the parameter: {reason}"
            );
        }

        let requests = server.received_requests().await.expect("recording");
        assert!(
            requests.is_empty(),
            "userId {user_id:?} reached the server: {requests:#?}"
        );
    }
}

#[tokio::test]
async fn without_a_configured_token_no_api_token_header_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": []})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client builds");

    client
        .v2_teams_roles_get()
        .send()
        .await
        .expect("200 decodes");
    let request = only_request(&server).await;
    assert!(request.headers.get("api_token").is_none());
    assert!(request.headers.get("authorization").is_none());
}

#[tokio::test]
async fn the_api_token_is_redacted_in_debug() {
    let server = MockServer::start().await;
    tests::assert_redacted(
        &format!("{:?}", client(&server)),
        TOKEN,
        r#"credentials_for: ["api_token"]"#,
    );
    tests::assert_redacted(
        &format!("{:?}", Client::builder().api_token(TOKEN)),
        TOKEN,
        r#"name: "api_token", value: Secret([redacted])"#,
    );
}

#[tokio::test]
async fn add_team_account_without_a_body_sends_no_body_and_no_content_type() {
    let server = MockServer::start().await;
    mount_400(&server).await;

    let err = client(&server)
        .v2_teams_post()
        .send()
        .await
        .expect_err("400 is an error");
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    let request = only_request(&server).await;
    assert_common(&request, "POST", "/v2/Teams");
    assert_no_body(&request);
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_or_trailing_slash_is_joined_cleanly() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": []})))
        .mount(&server)
        .await;

    for base in [
        format!("{}/", server.uri()),
        format!("{}/kb-api", server.uri()),
        format!("{}/kb-api/", server.uri()),
    ] {
        let client = Client::builder()
            .base_url(base)
            .api_token(TOKEN)
            .build()
            .expect("client builds");
        client
            .v2_teams_groups_get()
            .send()
            .await
            .expect("200 decodes");
    }
    let requests = server.received_requests().await.expect("recording");
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        vec![
            "/v2/Teams/groups",
            "/kb-api/v2/Teams/groups",
            "/kb-api/v2/Teams/groups"
        ]
    );
}

#[tokio::test]
async fn requests_carry_the_default_user_agent_and_default_headers() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": []})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_token(TOKEN)
        .default_header("x-tenant", "acme")
        .build()
        .expect("client builds");

    client
        .v2_teams_roles_get()
        .send()
        .await
        .expect("200 decodes");
    let request = only_request(&server).await;
    assert_eq!(header_value(&request, "x-tenant"), Some("acme"));
    assert_eq!(header_value(&request, "api_token"), Some(TOKEN));
    assert_eq!(
        header_value(&request, "user-agent"),
        Some("userapis/0.1.0 (generated Rust client)")
    );
}

#[tokio::test]
async fn a_slow_server_gives_timeout_after_the_configured_attempts() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"result": []}))
                .set_delay(std::time::Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_token(TOKEN)
        .timeout(std::time::Duration::from_millis(100))
        .max_retries(1)
        .build()
        .expect("client builds");

    let started = std::time::Instant::now();
    let err = client
        .v2_teams_get()
        .send()
        .await
        .expect_err("no answer in time");
    assert!(matches!(err, Error::Timeout { attempts: 2 }), "{err:?}");
    // Two attempts of 100 ms each, so not sooner; far less than the server's 3 s delay.
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(200),
        "gave up after {waited:?}"
    );
    assert!(
        waited < std::time::Duration::from_secs(3),
        "waited {waited:?}"
    );
    assert_eq!(err.status(), None);
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        2
    );

    // A POST that timed out may have been applied: it is not sent again.
    let err = client
        .v2_teams_post()
        .body(AddTeamAccountCustomer::default())
        .send()
        .await
        .expect_err("no answer in time");
    assert!(matches!(err, Error::Timeout { attempts: 1 }), "{err:?}");
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        3
    );
}

#[tokio::test]
async fn add_team_account_sends_explicit_nulls_for_nullable_fields_set_to_null() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": {"id": "u-9"}})))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .v2_teams_post()
        .body(AddTeamAccountCustomer {
            email_id: "sso@example.com".into(),
            first_name: Nullable::Null,
            last_name: Nullable::Absent,
            invited_by: USER.into(),
            is_sso_user: Some(true),
            scheme_name: Nullable::Null,
            skip_sso_invitation_email: Some(true),
            associated_portal_role_id: "role-portal-1".into(),
            content_permissions: vec![ContentPermissionCustomer {
                associated_content_role_id: "role-content-1".into(),
                access_scope: AddUpdateAccessScopeCustomerV2 {
                    access_level: AccessScopeLevel::Version,
                    categories: Nullable::Null,
                    project_versions: Nullable::Value(vec![]),
                    languages: Nullable::Absent,
                },
            }],
            associated_groups: Nullable::Null,
        })
        .send()
        .await
        .expect("200 decodes");

    let request = only_request(&server).await;
    assert_json_body(
        &request,
        &json!({
            "email_id": "sso@example.com",
            "first_name": null,
            "invited_by": USER,
            "is_sso_user": true,
            "scheme_name": null,
            "skip_sso_invitation_email": true,
            "associated_portal_role_id": "role-portal-1",
            "content_permissions": [{
                "associated_content_role_id": "role-content-1",
                "access_scope": {"access_level": 2, "categories": null, "project_versions": []}
            }],
            "associated_groups": null
        }),
    );
}
