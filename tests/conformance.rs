//! Conformance: every operation of the generated client, checked by Stoplight Prism.
//!
//! For each spec, two `prism mock` servers run (the version pinned in `package.json`, from
//! `node_modules`; nothing is downloaded):
//!
//! - static (`prism mock --errors`): all 27 operations are called through the generated client
//!   with realistic arguments (required and optional parameters, full request bodies with nested
//!   arrays, enums and nulls, the pagination streams). Prism validates every request against the
//!   spec; a violation (the `sl-violations` header, a 422 or other Prism problem answer, or an
//!   error, warning or `Violation:` line in Prism's log for that request, content-negotiation
//!   notes excepted) fails the test.
//! - dynamic (`prism mock --errors -d`): every operation is called 20 times, and every random,
//!   schema-valid answer must decode into the generated types (no `Error::Decode`). Documented
//!   error statuses are asked for with `Prefer: code=N` and must decode into the error types.
//!
//! Negative checks prove the validator is active: calls without credentials are answered 401,
//! and invalid requests (a typed body breaking `minLength`/`format`/`enum`, a raw body missing
//! required fields) are flagged. The report goes to `target/conformance/report.json`.
//!
//! One workaround, named in the report: the CPaaS spec declares its responses as `*/*`, which
//! Prism 5 cannot serve, so Prism gets a copy where only those response media types are
//! `application/json`. The client itself sends no workaround: its `Accept` header names the
//! media types it decodes, so Prism answers the Membership GETs (`text/plain` listed first in
//! the spec) with JSON.

#[path = "conformance/prism.rs"]
mod prism;
#[path = "conformance/record.rs"]
mod record;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt, TryStreamExt};
use serde_json::{Value, json};
use userapis::runtime::{Error, Nullable, ResponseValue};
use userapis::{cpaas, membership, teams};

use prism::{Install, Mode, Prism};
use record::{
    CallRecord, Endpoint, Expect, Observed, Outcome, Session, Wire, observe, record_wire,
};

/// Calls of each operation against the dynamic server.
const DYNAMIC_ROUNDS: usize = 20;
/// Calls per documented error status (asked for with `Prefer: code=N`) against the dynamic server.
const ERROR_STATUS_ROUNDS: usize = 3;
/// The expected number of operations: 10 Teams + 12 Membership + 5 CPaaS.
const EXPECTED_OPERATIONS: usize = 27;
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

const TEAMS_TOKEN: &str = "d360-conformance-token";
const MEMBERSHIP_TOKEN: &str = "canopy-conformance-access-token";
const CPAAS_AUTHORIZATION: &str = "Bearer cpaas-conformance-token";

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

/// A call of one operation through a client, reduced to what the check needs.
type Call<C> = fn(C) -> BoxFuture<'static, Observed>;

/// One way of calling an operation with valid arguments.
struct Case<C> {
    op: &'static str,
    label: &'static str,
    /// Follows pages (`into_stream`); only against the static server, whose pages end.
    stream: bool,
    call: Call<C>,
}

/// `case!("op", "label", |c| c.op(args).setter(..))`: sends the builder and observes the result.
macro_rules! case {
    ($op:literal, $label:literal, |$c:ident| $builder:expr) => {
        Case::<_> {
            op: $op,
            label: $label,
            stream: false,
            call: |$c| async move { observe($builder.send().await) }.boxed(),
        }
    };
}

/// `stream_case!("op", "label", |c| builder)`: follows every page with `into_stream()`.
macro_rules! stream_case {
    ($op:literal, $label:literal, |$c:ident| $builder:expr) => {
        Case::<_> {
            op: $op,
            label: $label,
            stream: true,
            call: |$c| {
                async move {
                    let items: Result<Vec<_>, _> =
                        $builder.into_stream().take(1000).try_collect().await;
                    observe_stream(items)
                }
                .boxed()
            },
        }
    };
}

/// A check that Prism rejects a call (or a probe of a known issue), made against the static server.
struct Check<C> {
    name: &'static str,
    op: &'static str,
    what: &'static str,
    expect: Expect,
    /// Text each expected rejection must mention (in the violations or Prism's answer).
    must_mention: &'static [&'static str],
    client: ClientSpec,
    call: Call<C>,
}

/// How to build a client for a call.
#[derive(Clone)]
struct ClientSpec {
    auth: bool,
    /// Extra headers (`Prefer: code=400`).
    headers: Vec<(&'static str, String)>,
    /// Replace the serialized body just before sending (a hook), to send what the types forbid.
    replace_body: Option<&'static str>,
}

impl ClientSpec {
    const VALID: ClientSpec = ClientSpec {
        auth: true,
        headers: Vec::new(),
        replace_body: None,
    };
    const NO_AUTH: ClientSpec = ClientSpec {
        auth: false,
        headers: Vec::new(),
        replace_body: None,
    };
}

type MakeClient<C> = fn(&str, Arc<Mutex<Vec<Wire>>>, &ClientSpec) -> C;

/// Everything the run needs about one API.
struct Api<C> {
    make_client: MakeClient<C>,
    cases: Vec<Case<C>>,
    checks: Vec<Check<C>>,
}

fn observe_stream<T, E: std::fmt::Debug>(items: Result<Vec<T>, Error<E>>) -> Observed {
    match items {
        Ok(items) => Observed {
            status: Some(200),
            content_type: None,
            sl_violations: None,
            body: format!("{} item(s) over all pages", items.len()),
            outcome: Outcome::Ok,
        },
        Err(e) => observe(Err::<ResponseValue<()>, _>(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Document360 Teams
// ---------------------------------------------------------------------------------------------

const OWNER_ID: &str = "9b2f6c1e-3d4a-4b7e-8f21-6a0c5d9e7b13";
const USER_ID: &str = "4c7d2e90-1b5f-4a38-9e6d-2f8a1c0b7e54";
const PORTAL_ROLE_ID: &str = "0d3e5f7a-2b4c-4e6f-8a1b-3c5d7e9f1a2b";
const EDITOR_ROLE_ID: &str = "6a8c0e2f-4b6d-4f81-9c3e-5d7f9b1d3e4f";
const REVIEWER_ROLE_ID: &str = "7b9d1f3a-5c7e-4a92-8d4f-6e8a0c2e4f5a";
const VERSION_ID: &str = "b1d3f5a7-9c2e-4b6d-8f1a-3c5e7a9b1d2f";
const VERSION_2_ID: &str = "c2e4a6b8-0d3f-4c7e-9a2b-4d6f8b0c2e3a";
const CATEGORY_ID: &str = "e5a7c9d1-3f5b-4d8e-a2c4-6e8f0a2b4c6d";
const GROUP_IDS: [&str; 2] = [
    "f1a3c5e7-2b4d-4f6a-8c1e-3a5c7e9b1d4f",
    "a2b4c6d8-3e5f-4a7b-9c2d-4e6f8a0b2c5e",
];

fn teams_client(base_url: &str, wires: Arc<Mutex<Vec<Wire>>>, spec: &ClientSpec) -> teams::Client {
    let mut builder = teams::Client::builder()
        .base_url(base_url)
        .max_retries(0)
        .timeout(CALL_TIMEOUT);
    if let Some(body) = spec.replace_body {
        builder = builder.request_hook(move |req| {
            *req.body_mut() = Some(body.to_string().into());
            Ok(())
        });
    }
    builder = builder.request_hook(record_wire!(wires));
    if spec.auth {
        builder = builder.api_token(TEAMS_TOKEN);
    }
    for (name, value) in &spec.headers {
        builder = builder.default_header(*name, value.clone());
    }
    builder.build().expect("the Teams client builds")
}

fn category_scope() -> teams::AddUpdateAccessScopeCustomerV2 {
    teams::AddUpdateAccessScopeCustomerV2 {
        access_level: teams::AccessScopeLevel::Category,
        categories: vec![
            teams::CategoryScopeCustomer {
                project_version_id: VERSION_ID.into(),
                category_id: CATEGORY_ID.into(),
                language_code: "en".into(),
            },
            teams::CategoryScopeCustomer {
                project_version_id: VERSION_ID.into(),
                category_id: CATEGORY_ID.into(),
                language_code: "de".into(),
            },
        ]
        .into(),
        project_versions: Nullable::Absent,
        languages: Nullable::Absent,
    }
}

/// One content permission per scope level: category, version, language and project.
fn content_permissions() -> Vec<teams::ContentPermissionCustomer> {
    vec![
        teams::ContentPermissionCustomer {
            associated_content_role_id: EDITOR_ROLE_ID.into(),
            access_scope: category_scope(),
        },
        teams::ContentPermissionCustomer {
            associated_content_role_id: REVIEWER_ROLE_ID.into(),
            access_scope: teams::AddUpdateAccessScopeCustomerV2 {
                access_level: teams::AccessScopeLevel::Version,
                categories: Nullable::Absent,
                project_versions: vec![VERSION_ID.to_string(), VERSION_2_ID.to_string()].into(),
                languages: Nullable::Absent,
            },
        },
        teams::ContentPermissionCustomer {
            associated_content_role_id: EDITOR_ROLE_ID.into(),
            access_scope: teams::AddUpdateAccessScopeCustomerV2 {
                access_level: teams::AccessScopeLevel::Language,
                categories: Nullable::Absent,
                project_versions: Nullable::Absent,
                languages: vec![
                    teams::LanguageScopeCustomer {
                        project_version_id: VERSION_ID.into(),
                        language_code: "en".into(),
                    },
                    teams::LanguageScopeCustomer {
                        project_version_id: VERSION_2_ID.into(),
                        language_code: "fr".into(),
                    },
                ]
                .into(),
            },
        },
        teams::ContentPermissionCustomer {
            associated_content_role_id: REVIEWER_ROLE_ID.into(),
            access_scope: teams::AddUpdateAccessScopeCustomerV2 {
                access_level: teams::AccessScopeLevel::Project,
                categories: Nullable::Absent,
                project_versions: Nullable::Absent,
                languages: Nullable::Absent,
            },
        },
    ]
}

fn full_team_account() -> teams::AddTeamAccountCustomer {
    teams::AddTeamAccountCustomer {
        email_id: "maria.lopez@example.com".into(),
        first_name: "Maria".into(),
        last_name: "Lopez".into(),
        invited_by: OWNER_ID.into(),
        is_sso_user: Some(true),
        scheme_name: "okta-main".into(),
        skip_sso_invitation_email: Some(false),
        associated_portal_role_id: PORTAL_ROLE_ID.into(),
        content_permissions: content_permissions(),
        associated_groups: GROUP_IDS
            .iter()
            .map(|g| g.to_string())
            .collect::<Vec<_>>()
            .into(),
    }
}

fn minimal_team_account() -> teams::AddTeamAccountCustomer {
    teams::AddTeamAccountCustomer {
        email_id: "new.hire@example.org".into(),
        invited_by: OWNER_ID.into(),
        associated_portal_role_id: PORTAL_ROLE_ID.into(),
        content_permissions: Vec::new(),
        ..Default::default()
    }
}

/// Every nullable field sent as `null`.
fn nulls_team_account() -> teams::AddTeamAccountCustomer {
    teams::AddTeamAccountCustomer {
        email_id: "null.fields@example.com".into(),
        first_name: Nullable::Null,
        last_name: Nullable::Null,
        invited_by: OWNER_ID.into(),
        is_sso_user: Some(false),
        scheme_name: Nullable::Null,
        skip_sso_invitation_email: None,
        associated_portal_role_id: PORTAL_ROLE_ID.into(),
        content_permissions: vec![teams::ContentPermissionCustomer {
            associated_content_role_id: EDITOR_ROLE_ID.into(),
            access_scope: teams::AddUpdateAccessScopeCustomerV2 {
                access_level: teams::AccessScopeLevel::None,
                categories: Nullable::Null,
                project_versions: Nullable::Null,
                languages: Nullable::Null,
            },
        }],
        associated_groups: Nullable::Null,
    }
}

/// Breaks `minLength: 1` (three fields) and `format: email`, which the types cannot forbid.
fn invalid_team_account() -> teams::AddTeamAccountCustomer {
    teams::AddTeamAccountCustomer {
        email_id: "not-an-email".into(),
        invited_by: String::new(),
        associated_portal_role_id: String::new(),
        content_permissions: vec![teams::ContentPermissionCustomer {
            associated_content_role_id: String::new(),
            access_scope: category_scope(),
        }],
        ..Default::default()
    }
}

fn teams_api() -> Api<teams::Client> {
    Api {
        make_client: teams_client,
        cases: vec![
            case!(
                "v2_teams_email_exists_get",
                "emailId and isAnSsoUser",
                |c| c
                    .v2_teams_email_exists_get("maria.lopez@example.com")
                    .is_an_sso_user(true)
            ),
            case!("v2_teams_email_exists_get", "emailId only", |c| c
                .v2_teams_email_exists_get("new.hire+docs@example.org")),
            case!("v2_teams_get", "skip and take", |c| c
                .v2_teams_get()
                .skip(20)
                .take(50)),
            case!("v2_teams_get", "no paging parameters", |c| c.v2_teams_get()),
            stream_case!("v2_teams_get", "into_stream with take 100", |c| c
                .v2_teams_get()
                .take(100)),
            case!(
                "v2_teams_post",
                "full body: four scope levels, nested arrays, groups",
                |c| c.v2_teams_post().body(full_team_account())
            ),
            case!("v2_teams_post", "required fields only", |c| c
                .v2_teams_post()
                .body(minimal_team_account())),
            case!("v2_teams_post", "nullable fields sent as null", |c| c
                .v2_teams_post()
                .body(nulls_team_account())),
            case!("v2_teams_groups_get", "list groups", |c| c
                .v2_teams_groups_get()),
            case!("v2_teams_roles_get", "list roles", |c| c
                .v2_teams_roles_get()),
            case!(
                "v2_teams_user_id_content_put",
                "four content permissions",
                |c| c
                    .v2_teams_user_id_content_put(USER_ID)
                    .body(teams::EditContentRoleCustomer {
                        content_permissions: content_permissions(),
                        is_invitation_id: Some(false),
                    })
            ),
            case!("v2_teams_user_id_content_put", "SSO invitation id", |c| c
                .v2_teams_user_id_content_put("inv-5f2a9c")
                .body(teams::EditContentRoleCustomer {
                    content_permissions: vec![teams::ContentPermissionCustomer {
                        associated_content_role_id: EDITOR_ROLE_ID.into(),
                        access_scope: category_scope(),
                    }],
                    is_invitation_id: Some(true),
                })),
            case!("v2_teams_user_id_get", "get user", |c| c
                .v2_teams_user_id_get(USER_ID)),
            case!("v2_teams_user_id_delete", "delete user", |c| c
                .v2_teams_user_id_delete(USER_ID)),
            case!("v2_teams_user_id_groups_put", "two groups", |c| c
                .v2_teams_user_id_groups_put(USER_ID)
                .body(teams::EditUserGroupsCustomer {
                    associated_groups: GROUP_IDS.iter().map(|g| g.to_string()).collect(),
                    is_invitation_id: Some(false),
                })),
            case!(
                "v2_teams_user_id_groups_put",
                "no groups, invitation id",
                |c| c.v2_teams_user_id_groups_put("inv-5f2a9c").body(
                    teams::EditUserGroupsCustomer {
                        associated_groups: Vec::new(),
                        is_invitation_id: Some(true),
                    }
                )
            ),
            case!("v2_teams_user_id_portal_put", "portal role", |c| c
                .v2_teams_user_id_portal_put(USER_ID)
                .body(teams::EditPortalRoleCustomer {
                    associated_portal_role_id: PORTAL_ROLE_ID.into(),
                    is_invitation_id: None,
                })),
        ],
        checks: vec![
            Check {
                name: "teams_without_api_token",
                op: "v2_teams_roles_get",
                what: "GET /v2/Teams/roles without the api_token header",
                expect: Expect::Rejected {
                    status: 401,
                    violation: true,
                },
                must_mention: &["Invalid security scheme"],
                client: ClientSpec::NO_AUTH,
                call: |c| async move { observe(c.v2_teams_roles_get().send().await) }.boxed(),
            },
            Check {
                name: "teams_post_constraint_violations",
                op: "v2_teams_post",
                what: "typed AddTeamAccountCustomer with empty required strings and an invalid email",
                expect: Expect::Rejected {
                    status: 400,
                    violation: true,
                },
                must_mention: &["fewer than 1 characters", "format \"email\""],
                client: ClientSpec::VALID,
                call: |c| {
                    async move { observe(c.v2_teams_post().body(invalid_team_account()).send().await) }.boxed()
                },
            },
            Check {
                name: "teams_post_missing_required_fields",
                op: "v2_teams_post",
                what: "POST /v2/Teams whose body (replaced by a request hook) lacks 3 required fields",
                expect: Expect::Rejected {
                    status: 400,
                    violation: true,
                },
                must_mention: &[
                    "associated_portal_role_id",
                    "content_permissions",
                    "invited_by",
                ],
                client: ClientSpec {
                    replace_body: Some(r#"{"email_id":"someone@example.com"}"#),
                    ..ClientSpec::VALID
                },
                call: |c| {
                    async move { observe(c.v2_teams_post().body(full_team_account()).send().await) }
                        .boxed()
                },
            },
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// Canopy Membership
// ---------------------------------------------------------------------------------------------

const TENANT: &str = "tenant-acme";
const MEMBER: &str = "user-7f3c";

fn membership_client(
    base_url: &str,
    wires: Arc<Mutex<Vec<Wire>>>,
    spec: &ClientSpec,
) -> membership::Client {
    let mut builder = membership::Client::builder()
        .base_url(base_url)
        .max_retries(0)
        .timeout(CALL_TIMEOUT)
        .request_hook(record_wire!(wires));
    if spec.auth {
        builder = builder.bearer_token(MEMBERSHIP_TOKEN);
    }
    for (name, value) in &spec.headers {
        builder = builder.default_header(*name, value.clone());
    }
    builder.build().expect("the Membership client builds")
}

#[allow(deprecated)] // Membership_PostIdentifiedUser is deprecated in the spec; it is still checked.
fn membership_api() -> Api<membership::Client> {
    use membership::*;
    Api {
        make_client: membership_client,
        cases: vec![
            case!("membership_delete_refresh_tokens", "revoke", |c| c
                .membership_delete_refresh_tokens(TENANT, MEMBER)),
            case!(
                "membership_get_password_reset_token_validity",
                "token query",
                |c| c.membership_get_password_reset_token_validity(MEMBER, "prt_4b1d9e2f7a")
            ),
            case!("membership_get_user_roles", "roles", |c| c
                .membership_get_user_roles(TENANT, MEMBER)),
            case!("membership_put_user_role", "grant", |c| c
                .membership_put_user_role(
                    TENANT,
                    MEMBER,
                    MembershipPutUserRoleRequest {
                        role: "simulation-admin".into(),
                        is_enabled: Some(true),
                    }
                )),
            case!("membership_put_user_role", "withdraw, role null", |c| c
                .membership_put_user_role(
                    TENANT,
                    MEMBER,
                    MembershipPutUserRoleRequest {
                        role: Nullable::Null,
                        is_enabled: Some(false),
                    }
                )),
            case!("membership_get_zendesk_token", "zendesk", |c| c
                .membership_get_zendesk_token(TENANT, MEMBER)),
            case!("membership_post_email_confirmation", "token", |c| c
                .membership_post_email_confirmation(
                    MembershipPostEmailConfirmationRequest {
                        token: Some("ect_9c8b7a6f".into()),
                    }
                )),
            case!(
                "membership_post_email_confirmation_request",
                "send link",
                |c| c.membership_post_email_confirmation_request(TENANT, MEMBER)
            ),
            case!(
                "membership_post_identified_user",
                "deprecated operation, every field",
                |c| c.membership_post_identified_user(MembershipPostIdentifiedUserRequest {
                    tenant: "acme".into(),
                    username: "jdoe".into(),
                    email: "jdoe@example.com".into(),
                    is_update: Some(true),
                })
            ),
            case!("membership_post_initialize", "initialize", |c| c
                .membership_post_initialize()),
            case!(
                "membership_post_password_reset_confirmation",
                "new password",
                |c| c.membership_post_password_reset_confirmation(
                    MembershipPostPasswordResetConfirmationRequest {
                        user_id: MEMBER.into(),
                        new_password: "correct horse battery staple".into(),
                        token: Some("prt_4b1d9e2f7a".into()),
                    }
                )
            ),
            case!("membership_post_password_reset_request", "by email", |c| c
                .membership_post_password_reset_request(
                    MembershipPostPasswordResetRequestRequest {
                        tenant: "acme".into(),
                        email: "a@example.com".into(),
                        ..Default::default()
                    }
                )),
            case!(
                "membership_post_password_reset_request",
                "by username, email null",
                |c| c.membership_post_password_reset_request(
                    MembershipPostPasswordResetRequestRequest {
                        tenant: "acme".into(),
                        email: Nullable::Null,
                        username: "jdoe".into(),
                    }
                )
            ),
            case!("membership_post_registration", "every field", |c| c
                .membership_post_registration(
                    MembershipPostRegistrationRequest {
                        tenant_id: TENANT.into(),
                        email: "new.engineer@example.com".into(),
                        username: "new.engineer".into(),
                        password: "initial-Passw0rd!".into(),
                    }
                )),
        ],
        checks: vec![Check {
            name: "membership_without_bearer_token",
            op: "membership_get_user_roles",
            what: "GET /membership/roles/{tenantId}/{userId} (security: Bearer) without a token",
            expect: Expect::Rejected {
                status: 401,
                violation: true,
            },
            must_mention: &["Invalid security scheme"],
            client: ClientSpec::NO_AUTH,
            call: |c| {
                async move { observe(c.membership_get_user_roles(TENANT, MEMBER).send().await) }
                    .boxed()
            },
        }],
    }
}

// ---------------------------------------------------------------------------------------------
// WLC CPaaS
// ---------------------------------------------------------------------------------------------

fn cpaas_client(base_url: &str, wires: Arc<Mutex<Vec<Wire>>>, spec: &ClientSpec) -> cpaas::Client {
    let mut builder = cpaas::Client::builder()
        .base_url(base_url)
        .max_retries(0)
        .timeout(CALL_TIMEOUT)
        .request_hook(record_wire!(wires));
    if spec.auth {
        builder = builder.bearer_auth(CPAAS_AUTHORIZATION);
    }
    for (name, value) in &spec.headers {
        builder = builder.default_header(*name, value.clone());
    }
    builder.build().expect("the CPaaS client builds")
}

fn cpaas_api() -> Api<cpaas::Client> {
    use cpaas::*;
    Api {
        make_client: cpaas_client,
        cases: vec![
            case!(
                "v1_mgmt_user_get",
                "every filter, sort and paging parameter",
                |c| c
                    .v1_mgmt_user_get()
                    .page_size(50)
                    .start_key("eyJpZCI6NDJ9")
                    .sort("role_A,email_D")
                    .email("ada@example.com")
                    .role("dev")
                    .first_name("Ada")
                    .last_name("Lovelace")
            ),
            case!("v1_mgmt_user_get", "no parameters", |c| c
                .v1_mgmt_user_get()),
            stream_case!("v1_mgmt_user_get", "into_stream with page_size 100", |c| c
                .v1_mgmt_user_get()
                .page_size(100)
                .sort("last_name_A")),
            case!("v1_mgmt_user_post", "invite a dev", |c| c
                .v1_mgmt_user_post(ServiceAdminUserAddData {
                    email: "new.dev@example.com".into(),
                    role: ServiceAdminUserAddDataRole::Dev,
                })),
            case!("v1_mgmt_user_post", "invite an admin", |c| c
                .v1_mgmt_user_post(ServiceAdminUserAddData {
                    email: "ops.lead@example.com".into(),
                    role: ServiceAdminUserAddDataRole::Admin,
                })),
            case!("v1_mgmt_user_user_id_get", "user 42", |c| c
                .v1_mgmt_user_user_id_get("42")),
            case!("v1_mgmt_user_user_id_put", "make admin", |c| c
                .v1_mgmt_user_user_id_put(
                    "42",
                    ServiceAdminUserEditData {
                        role: ServiceAdminUserEditDataRole::Admin,
                    }
                )),
            case!("v1_mgmt_user_user_id_put", "make dev", |c| c
                .v1_mgmt_user_user_id_put(
                    "1007",
                    ServiceAdminUserEditData {
                        role: ServiceAdminUserEditDataRole::Dev,
                    }
                )),
            case!("v1_mgmt_user_user_id_delete", "user 42", |c| c
                .v1_mgmt_user_user_id_delete("42")),
        ],
        checks: vec![
            Check {
                name: "cpaas_without_authorization",
                op: "v1_mgmt_user_get",
                what: "GET /v1/mgmt/user without the Authorization API key",
                expect: Expect::Rejected {
                    status: 401,
                    violation: true,
                },
                must_mention: &["Invalid security scheme"],
                client: ClientSpec::NO_AUTH,
                call: |c| async move { observe(c.v1_mgmt_user_get().send().await) }.boxed(),
            },
            Check {
                name: "cpaas_post_unknown_role",
                op: "v1_mgmt_user_post",
                what: "typed ServiceAdminUserAddData with role Unknown(\"owner\"), outside the enum",
                expect: Expect::Rejected {
                    status: 400,
                    violation: true,
                },
                must_mention: &["role"],
                client: ClientSpec::VALID,
                call: |c| {
                    async move {
                        observe(
                            c.v1_mgmt_user_post(ServiceAdminUserAddData {
                                email: "owner@example.com".into(),
                                role: ServiceAdminUserAddDataRole::Unknown("owner".into()),
                            })
                            .send()
                            .await,
                        )
                    }
                    .boxed()
                },
            },
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// One API's servers and results.
struct SpecRun {
    name: &'static str,
    /// The spec as `codegen.toml` names it, relative to the repository.
    spec: String,
    served_spec: PathBuf,
    adjustments: Vec<String>,
    endpoints: Vec<Endpoint>,
    static_prism: Prism,
    dynamic_prism: Prism,
    static_session: Session,
    dynamic_session: Session,
    /// Names of the negative checks and probes, with what they must mention.
    checks: Vec<(&'static str, &'static str, &'static [&'static str])>,
    /// Problems found while running (an operation hitting two endpoints, for example).
    problems: Vec<String>,
}

/// Static calls, negative checks and probes, then the dynamic rounds; one API, sequentially.
async fn run_api<C: Clone + Send + 'static>(api: Api<C>, mut run: SpecRun) -> SpecRun {
    let make = api.make_client;
    // Static: every case once.
    let session = &mut run.static_session;
    let client = make(
        &run.static_prism.base_url(),
        Arc::clone(&session.wires),
        &ClientSpec::VALID,
    );
    for case in &api.cases {
        session
            .call(
                case.op,
                case.label,
                Expect::Success,
                (case.call)(client.clone()),
            )
            .await;
    }
    // Negative checks and probes, after the positive calls, on the same server.
    for check in &api.checks {
        let client = make(
            &run.static_prism.base_url(),
            Arc::clone(&session.wires),
            &check.client,
        );
        session
            .call(
                check.op,
                format!("{}: {}", check.name, check.what),
                check.expect.clone(),
                (check.call)(client),
            )
            .await;
        run.checks
            .push((check.name, check.what, check.must_mention));
    }

    // Which endpoint of the spec each operation name reached.
    let mut op_endpoint: BTreeMap<&'static str, Endpoint> = BTreeMap::new();
    for call in &session.calls {
        for wire in &call.wires {
            match record::resolve(&run.endpoints, &wire.method, &wire.path) {
                Some(endpoint) => {
                    let previous = op_endpoint.insert(call.op, endpoint.clone());
                    if let Some(previous) = previous.filter(|p| p.key() != endpoint.key()) {
                        run.problems.push(format!(
                            "{}: requests went to both `{}` and `{}`",
                            call.op,
                            previous.key(),
                            endpoint.key()
                        ));
                    }
                }
                None => run.problems.push(format!(
                    "{}: request `{} {}` matches no operation of {}",
                    call.op, wire.method, wire.path, run.spec
                )),
            }
        }
    }

    // Dynamic: each operation DYNAMIC_ROUNDS times, cycling through its (non-stream) cases,
    // then its documented error statuses on request.
    let session = &mut run.dynamic_session;
    let base = run.dynamic_prism.base_url();
    let client = make(&base, Arc::clone(&session.wires), &ClientSpec::VALID);
    let mut by_op: BTreeMap<&'static str, Vec<&Case<C>>> = BTreeMap::new();
    for case in api.cases.iter().filter(|c| !c.stream) {
        by_op.entry(case.op).or_default().push(case);
    }
    for round in 0..DYNAMIC_ROUNDS {
        for cases in by_op.values() {
            let case = cases[round % cases.len()];
            session
                .call(
                    case.op,
                    case.label,
                    Expect::Success,
                    (case.call)(client.clone()),
                )
                .await;
        }
    }
    for (op, cases) in &by_op {
        let Some(endpoint) = op_endpoint.get(op) else {
            continue;
        };
        for code in endpoint.error_statuses() {
            let spec = ClientSpec {
                headers: vec![("prefer", format!("code={code}"))],
                ..ClientSpec::VALID
            };
            let client = make(&base, Arc::clone(&session.wires), &spec);
            for round in 0..ERROR_STATUS_ROUNDS {
                let case = cases[round % cases.len()];
                session
                    .call(
                        case.op,
                        format!("{} (Prefer: code={code})", case.label),
                        Expect::ApiStatus(code),
                        (case.call)(client.clone()),
                    )
                    .await;
            }
        }
    }
    run
}

fn start_spec(
    install: &Install,
    root: &Path,
    out_dir: &Path,
    name: &'static str,
    ports: (u16, u16),
) -> SpecRun {
    let config = tests::config();
    let api = config.apis.iter().find(|a| a.module == name);
    let source = api
        .unwrap_or_else(|| panic!("codegen.toml has no API `{name}`"))
        .spec
        .clone();
    let spec = source
        .strip_prefix(root)
        .unwrap_or(&source)
        .display()
        .to_string();
    let (served_spec, adjustments) = prism::servable_spec(&source, &out_dir.join("prism-specs"));
    SpecRun {
        name,
        spec,
        endpoints: record::endpoints(&source),
        static_prism: Prism::start(
            install,
            &format!("{name}/static"),
            &served_spec,
            ports.0,
            Mode::Static,
        ),
        dynamic_prism: Prism::start(
            install,
            &format!("{name}/dynamic"),
            &served_spec,
            ports.1,
            Mode::Dynamic,
        ),
        served_spec,
        adjustments,
        static_session: Session::new(Mode::Static),
        dynamic_session: Session::new(Mode::Dynamic),
        checks: Vec::new(),
        problems: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation and report
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct OpStats {
    endpoint: String,
    static_calls: usize,
    dynamic_calls: usize,
    validated_calls: usize,
    violations: Vec<String>,
    decode_failures: Vec<String>,
    unexpected: Vec<String>,
    statuses: BTreeMap<String, usize>,
    api_errors: usize,
    negotiator_warnings: BTreeMap<String, usize>,
    /// The requests sent to the static server, as Prism saw them.
    static_requests: Vec<String>,
}

struct Evaluation {
    report: Value,
    failures: Vec<String>,
    summaries: Vec<String>,
}

fn positive(call: &CallRecord) -> bool {
    matches!(call.expect, Expect::Success | Expect::ApiStatus(_))
}

fn evaluate(
    runs: &[SpecRun],
    install: &Install,
    started: Instant,
    startup: Duration,
) -> Evaluation {
    let mut failures = Vec::new();
    let mut operations = Vec::new();
    let mut specs = serde_json::Map::new();
    let mut negative_checks = Vec::new();
    let mut summaries = Vec::new();
    let mut total_ops = 0;

    for run in runs {
        failures.extend(run.problems.iter().map(|p| format!("{}: {p}", run.name)));
        let mut stats: BTreeMap<&str, OpStats> = BTreeMap::new();
        for call in run
            .static_session
            .calls
            .iter()
            .chain(&run.dynamic_session.calls)
        {
            if !positive(call) {
                continue;
            }
            let s = stats.entry(call.op).or_default();
            if let Some(endpoint) = call
                .wires
                .first()
                .and_then(|w| record::resolve(&run.endpoints, &w.method, &w.path))
            {
                s.endpoint = endpoint.key();
            }
            match call.mode {
                Mode::Static => {
                    s.static_calls += 1;
                    s.static_requests.extend(
                        call.wires
                            .iter()
                            .map(|w| format!("{}: {}", call.label, w.describe())),
                    );
                }
                Mode::Dynamic => s.dynamic_calls += 1,
            }
            if call.validated() {
                s.validated_calls += 1;
            }
            if let Some(status) = call.observed.status {
                *s.statuses.entry(status.to_string()).or_default() += 1;
            }
            if matches!(call.observed.outcome, Outcome::Api) {
                s.api_errors += 1;
            }
            let request = call
                .wires
                .iter()
                .map(Wire::describe)
                .collect::<Vec<_>>()
                .join(" | ");
            s.violations.extend(call.violations().into_iter().map(|v| {
                format!(
                    "{} ({}, {}): {v} [request: {request}]",
                    call.op,
                    call.mode.name(),
                    call.label
                )
            }));
            for warning in call.negotiator_warnings() {
                *s.negotiator_warnings.entry(warning).or_default() += 1;
            }
            s.decode_failures.extend(call.decode_failure());
            s.unexpected.extend(call.unexpected_outcome());
        }

        // Coverage: every operation of the spec, each reached by exactly one client method.
        let covered: BTreeSet<&str> = stats.values().map(|s| s.endpoint.as_str()).collect();
        for endpoint in &run.endpoints {
            if !covered.contains(endpoint.key().as_str()) {
                failures.push(format!(
                    "{}: operation `{}` was never called",
                    run.name,
                    endpoint.key()
                ));
            }
        }
        if stats.len() != run.endpoints.len() {
            failures.push(format!(
                "{}: {} client methods were called for {} spec operations",
                run.name,
                stats.len(),
                run.endpoints.len()
            ));
        }
        total_ops += stats.len();

        let (mut calls, mut violations, mut decode_failures, mut validated) = (0, 0, 0, 0);
        let (mut static_calls, mut dynamic_calls) = (0, 0);
        for (op, s) in &stats {
            if s.validated_calls == 0 {
                failures.push(format!(
                    "{}: {op}: no call was validated by Prism",
                    run.name
                ));
            }
            failures.extend(s.violations.iter().cloned());
            failures.extend(s.decode_failures.iter().cloned());
            failures.extend(s.unexpected.iter().cloned());
            calls += s.static_calls + s.dynamic_calls;
            static_calls += s.static_calls;
            dynamic_calls += s.dynamic_calls;
            violations += s.violations.len();
            decode_failures += s.decode_failures.len();
            validated += s.validated_calls;
            operations.push(json!({
                "spec": run.name,
                "operation": op,
                "endpoint": s.endpoint,
                "calls": s.static_calls + s.dynamic_calls,
                "static_calls": s.static_calls,
                "dynamic_calls": s.dynamic_calls,
                "validated_calls": s.validated_calls,
                "violations": s.violations.len(),
                "decode_failures": s.decode_failures.len(),
                "unexpected_outcomes": s.unexpected.len(),
                "api_errors": s.api_errors,
                "statuses": s.statuses,
                "violation_messages": s.violations,
                "decode_failure_messages": s.decode_failures,
                "unexpected_outcome_messages": s.unexpected,
                "prism_negotiator_warnings": s.negotiator_warnings,
                "static_requests": s.static_requests,
            }));
        }

        // Negative checks and probes.
        let mut negatives_passed = 0;
        let mut negatives = 0;
        for call in &run.static_session.calls {
            let Some((name, what, must_mention)) = run
                .checks
                .iter()
                .find(|(n, _, _)| call.label.starts_with(n))
            else {
                continue;
            };
            let evidence = call.violations();
            let text = format!("{} {}", evidence.join("\n"), call.observed.body);
            if let Expect::Rejected { status, .. } = call.expect {
                negatives += 1;
                let missing: Vec<&str> = must_mention
                    .iter()
                    .copied()
                    .filter(|m| !text.contains(m))
                    .collect();
                let passed = call.rejected_as_expected() && missing.is_empty();
                if passed {
                    negatives_passed += 1;
                } else {
                    failures.push(format!(
                        "{}: negative check {name} ({what}) was not rejected as expected (status {} expected, got {:?}; missing mentions {missing:?}): {}",
                        run.name,
                        status,
                        call.observed.status,
                        text
                    ));
                }
                negative_checks.push(json!({
                    "spec": run.name,
                    "name": name,
                    "operation": call.op,
                    "what": what,
                    "expected_status": status,
                    "status": call.observed.status,
                    "outcome": call.observed.outcome.name(),
                    "passed": passed,
                    "requests": call.wires.iter().map(Wire::describe).collect::<Vec<_>>(),
                    "evidence": evidence,
                }));
            }
        }

        let summary = format!(
            "conformance {}: {} operations, {} calls ({} static, {} dynamic), {} validated by Prism, {} violations, {} decode failures, negative checks {}/{} rejected",
            run.name,
            stats.len(),
            calls,
            static_calls,
            dynamic_calls,
            validated,
            violations,
            decode_failures,
            negatives_passed,
            negatives
        );
        summaries.push(summary.clone());
        specs.insert(
            run.name.to_string(),
            json!({
                "spec": run.spec,
                "served_to_prism": run.served_spec.display().to_string(),
                "spec_adjustments_for_prism": run.adjustments,
                "operations": stats.len(),
                "calls": calls,
                "static_calls": static_calls,
                "dynamic_calls": dynamic_calls,
                "validated_calls": validated,
                "violations": violations,
                "decode_failures": decode_failures,
                "negative_checks_passed": negatives_passed,
                "negative_checks": negatives,
                "summary": summary,
            }),
        );
    }
    if total_ops != EXPECTED_OPERATIONS {
        failures.push(format!(
            "{total_ops} operations were checked, {EXPECTED_OPERATIONS} expected"
        ));
    }

    let totals = |key: &str| -> u64 {
        specs
            .values()
            .map(|s| s[key].as_u64().unwrap_or_default())
            .sum()
    };
    let report = json!({
        "prism": {
            "package": "@stoplight/prism-cli",
            "version": install.version,
            "static": "prism mock <spec> -h 127.0.0.1 -p <port> --errors",
            "dynamic": "prism mock <spec> -h 127.0.0.1 -p <port> --errors -d",
        },
        "passed": failures.is_empty(),
        "duration_ms": started.elapsed().as_millis() as u64,
        "prism_startup_ms": startup.as_millis() as u64,
        "totals": {
            "operations": total_ops,
            "calls": totals("calls"),
            "validated_calls": totals("validated_calls"),
            "violations": totals("violations"),
            "decode_failures": totals("decode_failures"),
            "negative_checks": negative_checks.len(),
            "negative_checks_passed": negative_checks.iter().filter(|c| c["passed"] == true).count(),
        },
        "specs": specs,
        "operations": operations,
        "negative_checks": negative_checks,
        "workarounds": [
            {
                "spec": "cpaas",
                "what": "Prism is given a copy of spec/cpaas.yaml whose `*/*` response media types are `application/json` (see specs.cpaas.spec_adjustments_for_prism)",
                "why": "Prism 5.16 cannot serve an object body declared as `*/*`: 500 `Cannot find serializer for */*` (no Accept), 500 NO_COMPLEX_OBJECT_TEXT (Accept: */*), 406 (Accept: application/json). Request bodies stay `*/*` and are still validated.",
            },
        ],
        "failures": failures.clone(),
    });
    Evaluation {
        report,
        failures,
        summaries,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_conforms_to_its_spec_under_prism() {
    let started = Instant::now();
    let root = tests::workspace_root();
    let out_dir = root.join("target/conformance");
    std::fs::create_dir_all(&out_dir).expect("can create target/conformance");
    let install = prism::check_install(&root);

    // Six servers (three specs, static and dynamic), started together, then awaited.
    let ports = prism::free_ports(6);
    let mut runs = [
        start_spec(&install, &root, &out_dir, "teams", (ports[0], ports[1])),
        start_spec(
            &install,
            &root,
            &out_dir,
            "membership",
            (ports[2], ports[3]),
        ),
        start_spec(&install, &root, &out_dir, "cpaas", (ports[4], ports[5])),
    ];
    let deadline = Instant::now() + prism::STARTUP_TIMEOUT;
    for run in &mut runs {
        run.static_prism.wait_until_listening(deadline);
        run.dynamic_prism.wait_until_listening(deadline);
    }
    let startup = started.elapsed();

    // The three APIs run concurrently; calls to one server stay sequential.
    let [teams_run, membership_run, cpaas_run] = runs;
    let (teams_run, membership_run, cpaas_run) = tokio::join!(
        run_api(teams_api(), teams_run),
        run_api(membership_api(), membership_run),
        run_api(cpaas_api(), cpaas_run),
    );
    let mut runs = [teams_run, membership_run, cpaas_run];
    for run in &mut runs {
        run.static_session.attach_log(&run.static_prism);
        run.dynamic_session.attach_log(&run.dynamic_prism);
    }

    let evaluation = evaluate(&runs, &install, started, startup);
    let report_path = out_dir.join("report.json");
    std::fs::write(
        &report_path,
        serde_json::to_string_pretty(&evaluation.report).expect("report serializes"),
    )
    .expect("can write the report");
    for summary in &evaluation.summaries {
        println!("{summary}");
    }
    println!(
        "conformance: {:.1} s (Prism startup {:.1} s), report: {}",
        started.elapsed().as_secs_f64(),
        startup.as_secs_f64(),
        report_path.display()
    );
    // Dropping `runs` kills the six Prism processes, also when an assertion below fails.
    const SHOWN: usize = 40;
    let failures = &evaluation.failures;
    assert!(
        failures.is_empty(),
        "{} conformance failure(s){} (full report: {}):\n- {}",
        failures.len(),
        if failures.len() > SHOWN {
            format!(", the first {SHOWN}")
        } else {
            String::new()
        },
        report_path.display(),
        failures[..failures.len().min(SHOWN)].join("\n- ")
    );
    drop(runs);
}
