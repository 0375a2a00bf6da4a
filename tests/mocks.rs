//! The generated typed mocks (`<api>::mock`, the crate's `mock` feature) as a user's tests use
//! them: application functions that take a client, run against a local mock server that answers
//! with the APIs' own types. One application per API (Teams, Membership, CPaaS), then what the
//! matchers promise: parameters and bodies encoded as the client sends them, a path left to the
//! operation that names it most precisely, and a request no mock matches left unanswered.

use userapis::runtime::Error;
use userapis::runtime::mock::{MockServer, wiremock};
use userapis::{cpaas, membership, teams};

/// Code under test, as an application would write it: each function takes a client, so a test
/// gives it one pointed at a mock server.
mod app {
    use futures_util::TryStreamExt;
    use userapis::{cpaas, membership, teams};

    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

    /// Invites `email` to the Teams project unless an account has it already: the new account's
    /// id, or `None` when there was one. A refused invitation is an error naming the reasons.
    pub async fn invite_once(
        client: &teams::Client,
        email: &str,
        role_id: &str,
    ) -> Result<Option<String>> {
        let exists = client.v2_teams_email_exists_get(email).send().await?;
        if exists.data.as_ref().and_then(|d| d.exists) == Some(true) {
            return Ok(None);
        }
        let invitation = teams::AddTeamAccountCustomer {
            email_id: email.to_string(),
            invited_by: "onboarding-bot".to_string(),
            associated_portal_role_id: role_id.to_string(),
            content_permissions: Vec::new(),
            ..Default::default()
        };
        match client.v2_teams_post().body(invitation).send().await {
            Ok(added) => Ok(added.into_inner().result.and_then(|r| r.id)),
            Err(userapis::runtime::Error::Api(e)) => {
                let teams::operations::V2TeamsPostError::BadRequest(envelope) = e.value();
                let reasons: Vec<&str> = envelope
                    .errors
                    .iter()
                    .flatten()
                    .filter_map(|err| err.description.as_deref())
                    .collect();
                Err(format!("invitation refused: {}", reasons.join("; ")).into())
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Gives a Canopy user `role` unless they have it: whether anything changed.
    pub async fn ensure_role(
        client: &membership::Client,
        tenant: &str,
        user: &str,
        role: &str,
    ) -> Result<bool> {
        let roles = client
            .membership_get_user_roles(tenant, user)
            .send()
            .await?;
        if roles.roles.iter().flatten().any(|r| r == role) {
            return Ok(false);
        }
        let request = membership::MembershipPutUserRoleRequest {
            role: role.into(),
            is_enabled: Some(true),
        };
        client
            .membership_put_user_role(tenant, user, request)
            .send()
            .await?;
        Ok(true)
    }

    /// Every CPaaS user's email, across pages of `page_size`.
    pub async fn all_emails(client: &cpaas::Client, page_size: i64) -> Result<Vec<String>> {
        let users: Vec<cpaas::ServiceAdminUserOutput> = client
            .v1_mgmt_user_get()
            .page_size(page_size)
            .into_stream()
            .try_collect()
            .await?;
        Ok(users.into_iter().filter_map(|u| u.email).collect())
    }

    /// Makes a CPaaS user an admin: their email, or `None` when there is no such user.
    pub async fn promote(client: &cpaas::Client, user_id: &str) -> Result<Option<String>> {
        let edit = cpaas::ServiceAdminUserEditData {
            role: cpaas::ServiceAdminUserEditDataRole::Admin,
        };
        match client.v1_mgmt_user_user_id_put(user_id, edit).send().await {
            Ok(user) => Ok(user.into_inner().data.and_then(|u| u.email)),
            Err(userapis::runtime::Error::Api(e))
                if matches!(
                    e.value(),
                    cpaas::operations::V1MgmtUserUserIdPutError::NotFound(_)
                ) =>
            {
                Ok(None)
            }
            Err(other) => Err(other.into()),
        }
    }
}

fn teams_client(server: &MockServer) -> teams::Client {
    teams::Client::builder()
        .base_url(server.uri())
        .api_token("test-token")
        .build()
        .unwrap()
}

fn membership_client(server: &MockServer) -> membership::Client {
    membership::Client::builder()
        .base_url(server.uri())
        .bearer_token("test-token")
        .build()
        .unwrap()
}

fn cpaas_client(server: &MockServer) -> cpaas::Client {
    cpaas::Client::builder()
        .base_url(server.uri())
        .bearer_auth("Bearer test-token")
        .max_retries(0)
        .build()
        .unwrap()
}

/// The status of a call the mock answered with an undocumented status (`None` on success).
fn status<T, E>(result: Result<T, Error<E>>) -> Option<u16> {
    result.err().and_then(|e| e.status()).map(|s| s.as_u16())
}

fn email_exists(exists: bool) -> teams::EmailExistsResponse {
    teams::EmailExistsResponse {
        data: Some(teams::EmailExists {
            exists: Some(exists),
            user_id: None,
        }),
        success: Some(true),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn teams_invites_a_new_email_with_the_body_the_mock_expects() {
    let server = MockServer::start().await;
    teams::mock::V2TeamsEmailExistsGet::new()
        .with_email_id("new@example.com")
        .respond_ok(email_exists(false))
        .expect(1)
        .mount(&server)
        .await;
    teams::mock::V2TeamsPost::new()
        .with_body_where(|invite| {
            invite.email_id == "new@example.com" && invite.associated_portal_role_id == "editor"
        })
        .respond_ok(teams::AddUserDataCustomerApiResponse {
            result: Some(teams::AddUserData {
                id: Some("u-9".into()),
            }),
            success: Some(true),
            ..Default::default()
        })
        .expect(1)
        .mount(&server)
        .await;

    let id = app::invite_once(&teams_client(&server), "new@example.com", "editor")
        .await
        .unwrap();
    assert_eq!(id.as_deref(), Some("u-9"));
    server.verify().await;
}

#[tokio::test]
async fn teams_does_not_invite_an_existing_email() {
    let server = MockServer::start().await;
    teams::mock::V2TeamsEmailExistsGet::new()
        .with_email_id("known@example.com")
        .respond_ok(email_exists(true))
        .expect(1)
        .mount(&server)
        .await;
    teams::mock::V2TeamsPost::new()
        .respond_status(500)
        .expect(0)
        .mount(&server)
        .await;

    let id = app::invite_once(&teams_client(&server), "known@example.com", "editor")
        .await
        .unwrap();
    assert_eq!(id, None);
    server.verify().await;
}

#[tokio::test]
async fn teams_refused_invitation_reaches_the_application_typed() {
    let server = MockServer::start().await;
    teams::mock::V2TeamsEmailExistsGet::new()
        .respond_ok(email_exists(false))
        .mount(&server)
        .await;
    teams::mock::V2TeamsPost::new()
        .respond_bad_request(teams::CustomerApiBaseResponse {
            success: Some(false),
            errors: Some(vec![teams::BaseError {
                description: Some("The portal role does not exist.".into()),
                error_code: Some("400".into()),
                ..Default::default()
            }]),
            ..Default::default()
        })
        .mount(&server)
        .await;

    let error = app::invite_once(&teams_client(&server), "new@example.com", "nope")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invitation refused: The portal role does not exist."
    );
}

// ---------------------------------------------------------------------------------------------
// Membership
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn membership_adds_a_missing_role_with_the_typed_body() {
    let server = MockServer::start().await;
    membership::mock::MembershipGetUserRoles::new()
        .with_tenant_id("acme")
        .with_user_id("user-7")
        .respond_ok(membership::GetUserRolesQueryResult {
            roles: Some(vec!["viewer".into()]),
        })
        .expect(1)
        .mount(&server)
        .await;
    membership::mock::MembershipPutUserRole::new()
        .with_tenant_id("acme")
        .with_user_id("user-7")
        .with_body(membership::MembershipPutUserRoleRequest {
            role: "admin".into(),
            is_enabled: Some(true),
        })
        .respond_ok()
        .expect(1)
        .mount(&server)
        .await;

    let changed = app::ensure_role(&membership_client(&server), "acme", "user-7", "admin")
        .await
        .unwrap();
    assert!(changed);
    server.verify().await;
}

#[tokio::test]
async fn membership_leaves_a_present_role_alone() {
    let server = MockServer::start().await;
    membership::mock::MembershipGetUserRoles::new()
        .respond_ok(membership::GetUserRolesQueryResult {
            roles: Some(vec!["viewer".into(), "admin".into()]),
        })
        .mount(&server)
        .await;
    membership::mock::MembershipPutUserRole::new()
        .respond_ok()
        .expect(0)
        .mount(&server)
        .await;

    let changed = app::ensure_role(&membership_client(&server), "acme", "user-7", "admin")
        .await
        .unwrap();
    assert!(!changed);
    server.verify().await;
}

#[tokio::test]
async fn membership_mock_for_another_tenant_does_not_answer() {
    let server = MockServer::start().await;
    membership::mock::MembershipGetUserRoles::new()
        .with_tenant_id("other-tenant")
        .respond_ok(membership::GetUserRolesQueryResult::default())
        .mount(&server)
        .await;

    // wiremock answers 404 to a request no mock matches: undocumented here, so unexpected.
    let error = app::ensure_role(&membership_client(&server), "acme", "user-7", "admin")
        .await
        .unwrap_err();
    let error = error
        .downcast_ref::<Error<membership::operations::MembershipGetUserRolesError>>()
        .unwrap();
    assert!(
        matches!(error, Error::UnexpectedStatus(r) if r.status() == 404),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// CPaaS
// ---------------------------------------------------------------------------------------------

fn cpaas_page(emails: &[&str], next: Option<&str>) -> cpaas::ServiceDocsAdminUserGetAll {
    cpaas::ServiceDocsAdminUserGetAll {
        data: Some(
            emails
                .iter()
                .map(|email| cpaas::ServiceAdminUserOutput {
                    email: Some(email.to_string()),
                    ..Default::default()
                })
                .collect(),
        ),
        next_start_key: next.map(str::to_string),
        ..Default::default()
    }
}

#[tokio::test]
async fn cpaas_lists_every_page_through_query_matched_mocks() {
    let server = MockServer::start().await;
    // The first page is asked for without a cursor: a wiremock matcher says so with `and`.
    cpaas::mock::V1MgmtUserGet::new()
        .with_page_size(2)
        .and(wiremock::matchers::query_param_is_missing("start_key"))
        .respond_ok(cpaas_page(&["a@example.com", "b@example.com"], Some("k2")))
        .expect(1)
        .mount(&server)
        .await;
    cpaas::mock::V1MgmtUserGet::new()
        .with_page_size(2)
        .with_start_key("k2")
        .respond_ok(cpaas_page(&["c@example.com"], None))
        .expect(1)
        .mount(&server)
        .await;

    let emails = app::all_emails(&cpaas_client(&server), 2).await.unwrap();
    assert_eq!(emails, ["a@example.com", "b@example.com", "c@example.com"]);
    server.verify().await;
}

#[tokio::test]
async fn cpaas_promotes_an_existing_user() {
    let server = MockServer::start().await;
    cpaas::mock::V1MgmtUserUserIdPut::new()
        .with_user_id("42")
        .with_body(cpaas::ServiceAdminUserEditData {
            role: cpaas::ServiceAdminUserEditDataRole::Admin,
        })
        .respond_ok(cpaas::ServiceDocsAdminUserGetSingle {
            data: Some(cpaas::ServiceAdminUserOutput {
                email: Some("boss@example.com".into()),
                id: Some(42),
                ..Default::default()
            }),
            ..Default::default()
        })
        .expect(1)
        .mount(&server)
        .await;

    let email = app::promote(&cpaas_client(&server), "42").await.unwrap();
    assert_eq!(email.as_deref(), Some("boss@example.com"));
}

#[tokio::test]
async fn cpaas_promoting_an_unknown_user_is_none_and_a_500_is_an_error() {
    let server = MockServer::start().await;
    cpaas::mock::V1MgmtUserUserIdPut::new()
        .with_user_id("404")
        .respond_not_found(cpaas::CpaasError {
            message: Some("no such user".into()),
            status_code: Some(404),
            ..Default::default()
        })
        .mount(&server)
        .await;
    cpaas::mock::V1MgmtUserUserIdPut::new()
        .with_user_id("500")
        .respond_internal_server_error(cpaas::CpaasError {
            message: Some("database down".into()),
            ..Default::default()
        })
        .mount(&server)
        .await;

    let client = cpaas_client(&server);
    assert_eq!(app::promote(&client, "404").await.unwrap(), None);
    let error = app::promote(&client, "500").await.unwrap_err();
    let error = error
        .downcast_ref::<Error<cpaas::operations::V1MgmtUserUserIdPutError>>()
        .unwrap();
    let Error::Api(e) = error else {
        panic!("a documented 500 is an API error: {error:?}");
    };
    assert_eq!(e.status(), 500);
    assert!(matches!(
        e.value(),
        cpaas::operations::V1MgmtUserUserIdPutError::InternalServerError(body)
            if body.message.as_deref() == Some("database down")
    ));
}

// ---------------------------------------------------------------------------------------------
// What the matchers promise
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_path_is_left_to_the_operation_that_names_it_most_precisely() {
    let server = MockServer::start().await;
    // Mounted first, and `GET /v2/Teams/{userId}` would match `/v2/Teams/groups` by shape; it
    // is left to the groups operation, as a router would.
    teams::mock::V2TeamsUserIdGet::new()
        .respond_ok(teams::CompleteUserInfoCustomerCustomerApiResponse {
            success: Some(true),
            ..Default::default()
        })
        .expect(1)
        .mount(&server)
        .await;
    teams::mock::V2TeamsGroupsGet::new()
        .respond_ok(
            teams::TeamAccountGroupSummaryCustomerListCustomerApiResponse {
                result: Some(Vec::new()),
                ..Default::default()
            },
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = teams_client(&server);
    let groups = client.v2_teams_groups_get().send().await.unwrap();
    assert_eq!(groups.result.as_deref(), Some(&[][..]));
    let user = client.v2_teams_user_id_get("u-1").send().await.unwrap();
    assert_eq!(user.success, Some(true));
    server.verify().await;

    // A parameter given explicitly is matched as given, even where a literal path lives.
    let server = MockServer::start().await;
    teams::mock::V2TeamsUserIdGet::new()
        .with_user_id("groups")
        .respond_status(418)
        .mount(&server)
        .await;
    let error = teams_client(&server)
        .v2_teams_groups_get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
}

#[tokio::test]
async fn path_parameters_are_matched_as_the_client_encodes_them() {
    let server = MockServer::start().await;
    teams::mock::V2TeamsUserIdGet::new()
        .with_user_id("a b/c?d")
        .respond_status(204)
        .mount(&server)
        .await;
    let client = teams_client(&server);

    let matched = client.v2_teams_user_id_get("a b/c?d").send().await;
    assert_eq!(
        matched.unwrap_err().status().map(|s| s.as_u16()),
        Some(204),
        "an undocumented 204 from the mock, not wiremock's 404"
    );
    let other = client.v2_teams_user_id_get("a b").send().await.unwrap_err();
    assert_eq!(other.status().map(|s| s.as_u16()), Some(404));

    // A value the client refuses to send matches nothing: no such request exists.
    let refused = teams::mock::V2TeamsUserIdGet::new().with_user_id("..");
    assert!(
        format!("{refused:?}").contains("refused: Some"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn query_parameters_match_by_value_and_others_stay_open() {
    let server = MockServer::start().await;
    teams::mock::V2TeamsGet::new()
        .with_take(10)
        .respond_ok(teams::TeamAccountSummaryCustomerListCustomerApiResponse {
            success: Some(true),
            ..Default::default()
        })
        .mount(&server)
        .await;
    let client = teams_client(&server);

    // `skip` was not given to the mock: any value, or none, matches.
    let page = client
        .v2_teams_get()
        .skip(30)
        .take(10)
        .send()
        .await
        .unwrap();
    assert_eq!(page.success, Some(true));
    let other = client.v2_teams_get().take(11).send().await.unwrap_err();
    assert_eq!(other.status().map(|s| s.as_u16()), Some(404));
    let missing = client.v2_teams_get().send().await.unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn bodies_match_exactly_or_by_predicate() {
    let server = MockServer::start().await;
    let admin = cpaas::ServiceAdminUserAddData {
        email: "a@example.com".into(),
        role: cpaas::ServiceAdminUserAddDataRole::Admin,
    };
    cpaas::mock::V1MgmtUserPost::new()
        .with_body(admin.clone())
        .respond_status(201)
        .mount(&server)
        .await;
    cpaas::mock::V1MgmtUserPost::new()
        .with_body_where(|user| user.role == cpaas::ServiceAdminUserAddDataRole::Dev)
        .respond_status(202)
        .mount(&server)
        .await;
    let client = cpaas_client(&server);

    assert_eq!(
        status(client.v1_mgmt_user_post(admin).send().await),
        Some(201)
    );
    let dev = cpaas::ServiceAdminUserAddData {
        email: "d@example.com".into(),
        role: cpaas::ServiceAdminUserAddDataRole::Dev,
    };
    assert_eq!(
        status(client.v1_mgmt_user_post(dev).send().await),
        Some(202)
    );
    let other_admin = cpaas::ServiceAdminUserAddData {
        email: "b@example.com".into(),
        role: cpaas::ServiceAdminUserAddDataRole::Admin,
    };
    assert_eq!(
        status(client.v1_mgmt_user_post(other_admin).send().await),
        Some(404)
    );
}

#[tokio::test]
async fn typed_responses_can_be_adjusted_before_they_are_mounted() {
    let server = MockServer::start().await;
    let response =
        teams::mock::V2TeamsRolesGet::ok_response(teams::RoleMetaDataListCustomerApiResponse {
            success: Some(true),
            ..Default::default()
        })
        .insert_header("x-request-id", "req-1");
    teams::mock::V2TeamsRolesGet::new()
        .respond_with(response)
        .mount(&server)
        .await;

    let roles = teams_client(&server)
        .v2_teams_roles_get()
        .send()
        .await
        .unwrap();
    assert_eq!(roles.success, Some(true));
    assert_eq!(roles.headers()["x-request-id"], "req-1");
    assert_eq!(roles.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn a_narrow_mock_mounted_before_a_catch_all_answers_its_calls() {
    // The README's example: one email answered typed, every other one with a status.
    let server = MockServer::start().await;
    teams::mock::V2TeamsEmailExistsGet::new()
        .with_email_id("ada@example.com")
        .respond_ok(email_exists(true))
        .expect(1)
        .mount(&server)
        .await;
    teams::mock::V2TeamsEmailExistsGet::new()
        .respond_status(418)
        .expect(1)
        .mount(&server)
        .await;
    let client = teams_client(&server);

    let ada = client
        .v2_teams_email_exists_get("ada@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(ada.data.as_ref().and_then(|d| d.exists), Some(true));
    let bob = client
        .v2_teams_email_exists_get("bob@example.com")
        .send()
        .await;
    assert_eq!(status(bob), Some(418));
    server.verify().await;
}
