//! The generated client's run-time behaviour against real loopback servers, some of which
//! misbehave on purpose: retries, timeouts, pagination, secrets.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use serde_json::json;
use tests::assert_redacted;
use userapis::runtime::{BuildError, Error, RequestOptions};
use userapis::{cpaas, membership, teams};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn teams_client(server: &MockServer) -> teams::Client {
    teams::Client::builder()
        .base_url(server.uri())
        .api_token("tok")
        .build()
        .unwrap()
}

/// Answers with each template in turn, then repeats the last.
struct Sequence(std::sync::Mutex<Vec<ResponseTemplate>>);

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut queue = self.0.lock().unwrap();
        if queue.len() > 1 {
            queue.remove(0)
        } else {
            queue[0].clone()
        }
    }
}

fn envelope(result: serde_json::Value) -> serde_json::Value {
    json!({"result": result, "success": true, "errors": [], "warnings": [], "information": [], "extension_data": null})
}

#[tokio::test]
async fn a_503_then_200_succeeds_after_one_retry() {
    let server = MockServer::start().await;
    let responses = vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(envelope(json!([]))),
    ];
    Mock::given(method("GET"))
        .and(path("/v2/Teams/roles"))
        .respond_with(Sequence(responses.into()))
        .expect(2)
        .mount(&server)
        .await;
    let roles = teams_client(&server)
        .v2_teams_roles_get()
        .send()
        .await
        .unwrap();
    assert_eq!(roles.status(), 200);
    assert_eq!(roles.result.as_deref(), Some(&[][..]));
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    let responses = vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        ResponseTemplate::new(200).set_body_json(envelope(json!([]))),
    ];
    Mock::given(method("GET"))
        .and(path("/v2/Teams/groups"))
        .respond_with(Sequence(responses.into()))
        .expect(2)
        .mount(&server)
        .await;
    let started = Instant::now();
    teams_client(&server)
        .v2_teams_groups_get()
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn post_is_not_retried_after_a_503_unless_the_call_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/Teams"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = teams_client(&server)
        .v2_teams_post()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    server.verify().await;

    let opted = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/Teams"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&opted)
        .await;
    let options = RequestOptions {
        retry_non_idempotent: true,
        ..Default::default()
    };
    let _ = teams_client(&opted)
        .v2_teams_post()
        .options(options)
        .send()
        .await
        .unwrap_err();
}

/// The requests `server` received since `seen` of them were counted; counts them.
async fn received_since(server: &MockServer, seen: &mut usize) -> usize {
    let now = server.received_requests().await.unwrap().len();
    let new = now - *seen;
    *seen = now;
    new
}

#[tokio::test]
async fn retries_can_be_turned_off_per_client_and_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    // The attempts of each call: what the server received since the call before.
    let mut seen = 0;
    let off = teams::Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    off.v2_teams_roles_get().send().await.unwrap_err();
    assert_eq!(
        received_since(&server, &mut seen).await,
        1,
        "client with retries off"
    );

    let per_call = RequestOptions {
        max_retries: Some(0),
        ..Default::default()
    };
    teams_client(&server)
        .v2_teams_roles_get()
        .options(per_call)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        received_since(&server, &mut seen).await,
        1,
        "call with retries off"
    );

    let more = RequestOptions {
        max_retries: Some(3),
        ..Default::default()
    };
    teams_client(&server)
        .v2_teams_roles_get()
        .options(more)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        received_since(&server, &mut seen).await,
        4,
        "call with three retries"
    );
}

#[tokio::test]
async fn a_hung_server_hits_the_per_call_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = teams::Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let options = RequestOptions {
        timeout: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    let err = client
        .v2_teams_roles_get()
        .options(options)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1 }), "{err:?}");
    // Not before the timeout: an early error would be some other failure passing as one.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300),
        "gave up after {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn teams_listing_streams_three_pages_exactly_once() {
    let server = MockServer::start().await;
    let user =
        |i: usize| json!({"user_id": format!("u{i}"), "email_id": format!("u{i}@example.com")});
    // The first request sends no `skip`: the caller did not set one.
    Mock::given(method("GET"))
        .and(path("/v2/Teams"))
        .and(query_param_is_missing("skip"))
        .and(query_param("take", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(json!((0..2).map(user).collect::<Vec<_>>()))),
        )
        .expect(1)
        .mount(&server)
        .await;
    for (skip, ids) in [("2", 2..4), ("4", 4..5)] {
        Mock::given(method("GET"))
            .and(path("/v2/Teams"))
            .and(query_param("skip", skip))
            .and(query_param("take", "2"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(envelope(json!(ids.map(user).collect::<Vec<_>>()))),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let users: Vec<_> = teams_client(&server)
        .v2_teams_get()
        .take(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = users.iter().map(|u| u.user_id.clone().unwrap()).collect();
    assert_eq!(ids, ["u0", "u1", "u2", "u3", "u4"]);
}

#[tokio::test]
async fn cpaas_listing_follows_the_cursor_to_the_last_page() {
    let server = MockServer::start().await;
    let page = |ids: &[i64], next: Option<&str>| {
        let data: Vec<_> = ids
            .iter()
            .map(|i| json!({"id": i, "email": format!("{i}@example.com")}))
            .collect();
        let mut body = json!({"data": data, "request_id": "r", "status_code": 200});
        if let Some(n) = next {
            body["next_start_key"] = json!(n);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    Mock::given(method("GET"))
        .and(path("/v1/mgmt/user"))
        .and(query_param("start_key", "k2"))
        .respond_with(page(&[3, 4], Some("k3")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/mgmt/user"))
        .and(query_param("start_key", "k3"))
        .respond_with(page(&[5], None))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/mgmt/user"))
        .and(query_param("page_size", "2"))
        .respond_with(page(&[1, 2], Some("k2")))
        .expect(1)
        .with_priority(10)
        .mount(&server)
        .await;
    let client = cpaas::Client::builder()
        .base_url(server.uri())
        .bearer_auth("Bearer t")
        .build()
        .unwrap();
    let users: Vec<_> = client
        .v1_mgmt_user_get()
        .page_size(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = users.iter().map(|u| u.id.unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    for request in server.received_requests().await.unwrap() {
        assert_eq!(
            request
                .url
                .query_pairs()
                .filter(|(k, _)| k == "page_size")
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn secrets_are_redacted_in_debug_output() {
    let teams = teams::Client::builder()
        .api_token("teams-secret-123")
        .build()
        .unwrap();
    let membership = membership::Client::builder()
        .bearer_token("membership-secret-456")
        .build()
        .unwrap();
    let cpaas = cpaas::Client::builder()
        .bearer_auth("Bearer cpaas-secret-789")
        .build()
        .unwrap();
    // A built client keeps only the names of the schemes it holds a credential for.
    let bare = format!("{:?}", teams::Client::builder().build().unwrap());
    assert!(bare.contains("credentials_for: []"), "{bare}");
    assert_redacted(
        &format!("{teams:?}"),
        "teams-secret-123",
        r#"credentials_for: ["api_token"]"#,
    );
    assert_redacted(
        &format!("{membership:?}"),
        "membership-secret-456",
        r#"credentials_for: ["Bearer"]"#,
    );
    assert_redacted(
        &format!("{cpaas:?}"),
        "cpaas-secret-789",
        r#"credentials_for: ["BearerAuth"]"#,
    );
    assert_redacted(
        &format!("{:?}", teams.v2_teams_get()),
        "teams-secret-123",
        r#"credentials_for: ["api_token"]"#,
    );
    // A builder holds the credential itself: the marker stands where its value is.
    assert_redacted(
        &format!(
            "{:?}",
            teams::Client::builder().api_token("builder-secret-000")
        ),
        "builder-secret-000",
        r#"("api_token", ApiKey { location: Header, name: "api_token", value: Secret([redacted]) })"#,
    );
    assert_redacted(
        &format!(
            "{:?}",
            membership::Client::builder().bearer_token("builder-secret-111")
        ),
        "builder-secret-111",
        r#"("Bearer", Bearer(Secret([redacted])))"#,
    );
    assert_redacted(
        &format!(
            "{:?}",
            cpaas::Client::builder().bearer_auth("Bearer builder-secret-222")
        ),
        "builder-secret-222",
        r#"("BearerAuth", ApiKey { location: Header, name: "Authorization", value: Secret([redacted]) })"#,
    );
    assert_eq!(
        format!("{:?}", userapis::runtime::Secret::new("bare-secret-333")),
        "Secret([redacted])"
    );
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused_before_sending() {
    let err = teams::Client::builder()
        .api_token("abc-secret-444\r\nX-Evil: 1")
        .build()
        .unwrap_err();
    // The error names the credential by its scheme, never by its value: the message says why,
    // and `Debug` shows the typed error.
    assert_eq!(
        err,
        BuildError::Credential {
            scheme: "api_token"
        }
    );
    let message = err.to_string();
    assert_redacted(&message, "abc-secret-444", "the credential for `api_token`");
    assert!(message.contains("CR or LF"), "{message}");
    assert_redacted(&format!("{err:?}"), "abc-secret-444", "\"api_token\"");
}

/// Errors of a call carry what the server said and what failed, never the credential sent.
#[tokio::test]
async fn request_errors_never_print_the_credential() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string("bad token"))
        .mount(&server)
        .await;
    let client = cpaas::Client::builder()
        .base_url(server.uri())
        .bearer_auth("Bearer call-secret-555")
        .build()
        .unwrap();
    let err = client.v1_mgmt_user_get().send().await.unwrap_err();
    assert_redacted(&err.to_string(), "call-secret-555", "401");
    assert_redacted(&format!("{err:?}"), "call-secret-555", "bad token");

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let refused = cpaas::Client::builder()
        .base_url(format!("http://{address}"))
        .bearer_auth("Bearer call-secret-666")
        .max_retries(0)
        .build()
        .unwrap();
    let err = refused.v1_mgmt_user_get().send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    for printed in [err.to_string(), format!("{err:?}")] {
        assert_redacted(&printed, "call-secret-666", &address.to_string());
    }
}

#[tokio::test]
async fn an_http_200_with_success_false_becomes_an_error_in_one_call() {
    let server = MockServer::start().await;
    let body = json!({
        "result": false, "success": false, "warnings": [], "information": [], "extension_data": null,
        "errors": [{"description": "Role not found", "error_code": "404", "stack_trace": null, "custom_data": null, "extension_data": null}]
    });
    Mock::given(method("PUT"))
        .and(path("/v2/Teams/u1/portal"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let response = teams_client(&server)
        .v2_teams_user_id_portal_put("u1")
        .body(teams::EditPortalRoleCustomer {
            associated_portal_role_id: "r9".into(),
            is_invitation_id: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let err = response.into_inner().into_result().unwrap_err();
    assert_eq!(err.success, Some(false));
    assert_eq!(err.errors[0].description.as_deref(), Some("Role not found"));

    Mock::given(method("GET"))
        .and(path("/v2/Teams/groups"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(json!([{"group_id": "g1"}]))),
        )
        .mount(&server)
        .await;
    let groups = teams_client(&server)
        .v2_teams_groups_get()
        .send()
        .await
        .unwrap()
        .into_inner()
        .into_result()
        .unwrap();
    assert_eq!(groups.unwrap()[0].group_id.as_deref(), Some("g1"));
}

#[tokio::test]
async fn membership_token_provider_is_asked_per_request_and_only_where_required() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/membership/roles/t1/u1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"roles": ["admin"]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/membership/initialize"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let client = membership::Client::builder()
        .base_url(server.uri())
        .bearer_token_provider(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok::<_, String>(format!("fresh-{n}")) }
        })
        .build()
        .unwrap();
    client
        .membership_get_user_roles("t1", "u1")
        .send()
        .await
        .unwrap();
    client
        .membership_get_user_roles("t1", "u1")
        .send()
        .await
        .unwrap();
    client.membership_post_initialize().send().await.unwrap();
    let auth: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        auth,
        [
            Some("Bearer fresh-1".into()),
            Some("Bearer fresh-2".into()),
            None
        ]
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "not asked for operations without security"
    );

    let failing = membership::Client::builder()
        .base_url(server.uri())
        .bearer_token_provider(|| async { Err::<String, _>("identity server down") })
        .build()
        .unwrap();
    let err = failing
        .membership_get_user_roles("t1", "u1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Credentials(e) if e.to_string().contains("identity server down")),
        "{err:?}"
    );
}

#[tokio::test]
async fn optional_nullable_request_fields_have_three_states() {
    use userapis::runtime::Nullable;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = membership::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let body = membership::MembershipPostPasswordResetRequestRequest {
        tenant: "acme".into(),
        email: Nullable::Null,
        username: Nullable::Absent,
    };
    client
        .membership_post_password_reset_request(body)
        .send()
        .await
        .unwrap();
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(sent, json!({"tenant": "acme", "email": null}));

    // Responses keep plain `Option`s: only types that are sent get the third state.
    let decoded: teams::TeamAccountSummaryCustomer =
        serde_json::from_value(json!({"first_name": null})).unwrap();
    assert_eq!(decoded.first_name, None);
}

#[tokio::test]
async fn request_hooks_see_every_attempt_and_can_sign_or_refuse() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!([]))))
        .mount(&server)
        .await;
    let signing = teams::Client::builder()
        .base_url(server.uri())
        .request_hook(|request| {
            let path = request.url().path().to_string();
            request
                .headers_mut()
                .insert("x-signature", format!("signed:{path}").parse().unwrap());
            Ok(())
        })
        .build()
        .unwrap();
    signing.v2_teams_roles_get().send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].headers.get("x-signature").unwrap(),
        "signed:/v2/Teams/roles"
    );

    let refusing = teams::Client::builder()
        .base_url(server.uri())
        .request_hook(|_| Err("read-only mode".into()))
        .build()
        .unwrap();
    let err = refusing.v2_teams_roles_get().send().await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(e) if e.to_string().contains("read-only mode")),
        "{err:?}"
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a refused request is not sent"
    );
}

#[tokio::test]
async fn tracing_spans_name_the_operation_and_never_the_secret() {
    let captured = tests::logs::capture();

    let server = MockServer::start().await;
    let responses = vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(envelope(json!([]))),
    ];
    Mock::given(method("GET"))
        .respond_with(Sequence(responses.into()))
        .mount(&server)
        .await;
    let client = teams::Client::builder()
        .base_url(server.uri())
        .api_token("log-secret-42")
        .build()
        .unwrap();
    client.v2_teams_roles_get().send().await.unwrap();

    let logs = captured.text();
    // Both attempts are logged, down to the HTTP layer: the capture sees where a header value
    // would show if anything printed one.
    assert!(
        logs.contains(
            r#"request{operation="v2_teams_roles_get" method=GET path="/v2/Teams/roles" attempt=1"#
        ),
        "{logs}"
    );
    assert!(logs.contains("attempt=2"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("hyper_util::client"), "{logs}");
    assert!(!logs.contains("log-secret-42"), "{logs}");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured_and_long_waits_are_not() {
    let server = MockServer::start().await;
    let soon = httpdate_in(Duration::from_secs(2));
    let responses = vec![
        ResponseTemplate::new(503).insert_header("Retry-After", soon.as_str()),
        ResponseTemplate::new(200).set_body_json(envelope(json!([]))),
    ];
    Mock::given(method("GET"))
        .and(path("/v2/Teams/roles"))
        .respond_with(Sequence(responses.into()))
        .expect(2)
        .mount(&server)
        .await;
    let started = Instant::now();
    teams_client(&server)
        .v2_teams_roles_get()
        .send()
        .await
        .unwrap();
    // HTTP dates have one-second resolution: the wait is between 1 and 2 seconds.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    // A server asking for more than the cap (60 s) gets its answer back at once.
    let slow = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&slow)
        .await;
    let started = Instant::now();
    let err = teams_client(&slow)
        .v2_teams_roles_get()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(started.elapsed() < Duration::from_secs(5));
}

fn httpdate_in(delay: Duration) -> String {
    httpdate::fmt_http_date(std::time::SystemTime::now() + delay)
}

#[tokio::test]
async fn refused_connections_are_retried_even_for_post() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = teams::Client::builder()
        .base_url(format!("http://{address}"))
        .build()
        .unwrap();
    let err = client.v2_teams_post().send().await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 3, .. }),
        "{err:?}"
    );
}

/// The application's own `reqwest::Client`, of the reqwest major the generated crate targets
/// (this crate's `reqwest` is the same 0.13, or `http_client` would not accept it), carries the
/// requests: its default header reaches the loopback server beside the API key.
#[tokio::test]
async fn a_user_built_reqwest_client_is_used_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/Teams/roles"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!([]))))
        .mount(&server)
        .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-app-instance",
        reqwest::header::HeaderValue::from_static("billing-7"),
    );
    let http: reqwest::Client = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = teams::Client::builder()
        .base_url(server.uri())
        .api_token("key-808")
        .http_client(http)
        .build()
        .unwrap();
    client.v2_teams_roles_get().send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].headers.get("x-app-instance").unwrap(),
        "billing-7"
    );
    assert_eq!(received[0].headers.get("api_token").unwrap(), "key-808");

    // The client the runtime builds itself sends no such header: the one above came from the
    // user's client.
    let own = teams::Client::builder()
        .base_url(server.uri())
        .api_token("key-808")
        .build()
        .unwrap();
    own.v2_teams_roles_get().send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(received[1].headers.get("x-app-instance").is_none());
}
