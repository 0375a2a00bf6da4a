//! Credentials never leave the API's origin: redirects, secrets in errors and logs, cleartext
//! and bounded bodies, against real loopback servers. The scheme kinds the three user APIs do
//! not have (API keys in the query and in a cookie, HTTP basic, OAuth2, OpenID Connect) are
//! tested the same way in `tests/features/schemes_test.rs`, run by `xtask/tests/security.rs`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::convert::Infallible;
use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http_body_util::StreamBody;
use hyper::body::Frame;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use serde_json::json;
use userapis::runtime::{
    BuildError, DEFAULT_MAX_RESPONSE_BODY, Error, MAX_REDIRECTS, REDACTED, RedirectPolicy,
    RedirectReason, ResponseValue,
};
use userapis::{cpaas, membership, teams};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TEAMS_KEY: &str = "teams-key-8841";
const MEMBERSHIP_TOKEN: &str = "membership-token-5521";
const PROVIDED_TOKEN: &str = "provided-token-7310";
const CPAAS_TOKEN: &str = "cpaas-token-2297";
const URL_PASSWORD: &str = "s3cret-pw";

// ---------------------------------------------------------------------------------------------
// The schemes under test, one call each

/// What a call ended with, the same for every API's error type.
#[derive(Debug, PartialEq)]
enum Outcome {
    Success(u16),
    Unexpected(u16),
    Redirect {
        status: u16,
        location: String,
        reason: RedirectReason,
    },
    Other(String),
}

fn outcome<T, E: Debug>(result: Result<ResponseValue<T>, Error<E>>) -> Outcome {
    match result {
        Ok(value) => Outcome::Success(value.status().as_u16()),
        Err(Error::UnexpectedStatus(response)) => Outcome::Unexpected(response.status().as_u16()),
        Err(Error::Redirect {
            status,
            location,
            reason,
        }) => Outcome::Redirect {
            status: status.as_u16(),
            location,
            reason,
        },
        Err(other) => Outcome::Other(format!("{other:?}")),
    }
}

/// One credential kind of the user APIs: a call through a client configured at a base URL with
/// a redirect policy (`None`: the default), and how to see its credential in a request.
struct Scheme {
    kind: &'static str,
    path: &'static str,
    secret: &'static str,
    call: fn(String, Option<RedirectPolicy>) -> BoxFuture<'static, Outcome>,
    carries: fn(&Request) -> bool,
}

fn header_is(request: &Request, name: &str, value: &str) -> bool {
    request.headers.get(name).is_some_and(|v| v == value)
}

fn schemes() -> Vec<Scheme> {
    vec![
        Scheme {
            kind: "API key in a header (teams api_token)",
            path: "/v2/Teams/roles",
            secret: TEAMS_KEY,
            call: |base, policy| {
                Box::pin(async move {
                    let mut builder = teams::Client::builder()
                        .base_url(base)
                        .api_token(TEAMS_KEY)
                        .max_retries(0);
                    if let Some(policy) = policy {
                        builder = builder.redirect_policy(policy);
                    }
                    outcome(builder.build().unwrap().v2_teams_roles_get().send().await)
                })
            },
            carries: |r| header_is(r, "api_token", TEAMS_KEY),
        },
        Scheme {
            kind: "bearer token (membership)",
            path: "/membership/roles/t1/u1",
            secret: MEMBERSHIP_TOKEN,
            call: |base, policy| {
                Box::pin(async move {
                    let mut builder = membership::Client::builder()
                        .base_url(base)
                        .bearer_token(MEMBERSHIP_TOKEN)
                        .max_retries(0);
                    if let Some(policy) = policy {
                        builder = builder.redirect_policy(policy);
                    }
                    let client = builder.build().unwrap();
                    outcome(client.membership_get_user_roles("t1", "u1").send().await)
                })
            },
            carries: |r| header_is(r, "authorization", &format!("Bearer {MEMBERSHIP_TOKEN}")),
        },
        Scheme {
            kind: "token provider (membership)",
            path: "/membership/roles/t1/u1",
            secret: PROVIDED_TOKEN,
            call: |base, policy| {
                Box::pin(async move {
                    let mut builder = membership::Client::builder()
                        .base_url(base)
                        .bearer_token_provider(|| async { Ok::<_, String>(PROVIDED_TOKEN) })
                        .max_retries(0);
                    if let Some(policy) = policy {
                        builder = builder.redirect_policy(policy);
                    }
                    let client = builder.build().unwrap();
                    outcome(client.membership_get_user_roles("t1", "u1").send().await)
                })
            },
            carries: |r| header_is(r, "authorization", &format!("Bearer {PROVIDED_TOKEN}")),
        },
        Scheme {
            kind: "whole Authorization value (cpaas bearer_auth)",
            path: "/v1/mgmt/user",
            secret: CPAAS_TOKEN,
            call: |base, policy| {
                Box::pin(async move {
                    let mut builder = cpaas::Client::builder()
                        .base_url(base)
                        .bearer_auth(format!("Bearer {CPAAS_TOKEN}"))
                        .max_retries(0);
                    if let Some(policy) = policy {
                        builder = builder.redirect_policy(policy);
                    }
                    outcome(builder.build().unwrap().v1_mgmt_user_get().send().await)
                })
            },
            carries: |r| header_is(r, "authorization", &format!("Bearer {CPAAS_TOKEN}")),
        },
        Scheme {
            kind: "user info in the base URL (basic authentication)",
            path: "/v2/Teams/roles",
            secret: URL_PASSWORD,
            call: |base, policy| {
                Box::pin(async move {
                    let base = base.replacen("http://", &format!("http://user:{URL_PASSWORD}@"), 1);
                    let mut builder = teams::Client::builder().base_url(base).max_retries(0);
                    if let Some(policy) = policy {
                        builder = builder.redirect_policy(policy);
                    }
                    outcome(builder.build().unwrap().v2_teams_roles_get().send().await)
                })
            },
            // base64("user:s3cret-pw")
            carries: |r| header_is(r, "authorization", "Basic dXNlcjpzM2NyZXQtcHc="),
        },
    ]
}

/// Nothing secret in a request: the secret is nowhere in it, and no header that carries
/// credentials is there at all.
fn assert_carries_nothing(request: &Request, secret: &str, kind: &str) {
    assert!(
        !request.url.as_str().contains(secret),
        "{kind}: {}",
        request.url
    );
    for (name, value) in &request.headers {
        assert!(
            !value
                .as_bytes()
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "{kind}: header {name} carries the secret"
        );
    }
    for name in ["authorization", "cookie", "api_token"] {
        assert!(
            request.headers.get(name).is_none(),
            "{kind}: {name} was sent: {request:?}"
        );
    }
    assert!(
        !String::from_utf8_lossy(&request.body).contains(secret),
        "{kind}"
    );
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

async fn redirect(server: &MockServer, from: &str, status: u16, to: &str) {
    Mock::given(path(from))
        .respond_with(ResponseTemplate::new(status).insert_header("Location", to))
        .mount(server)
        .await;
}

/// Every success body of the operations above decodes from an empty object.
async fn answer_ok(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(server)
        .await;
}

const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn by_default_a_cross_origin_redirect_is_refused_and_the_other_origin_never_contacted() {
    for (scheme, status) in schemes().iter().zip(REDIRECT_STATUSES.iter().cycle()) {
        let (origin, other) = (MockServer::start().await, MockServer::start().await);
        let target = format!("{}/landing?x=1", other.uri());
        redirect(&origin, scheme.path, *status, &target).await;
        answer_ok(&other).await;

        let result = (scheme.call)(origin.uri(), None).await;

        let expected = Outcome::Redirect {
            status: *status,
            location: target,
            reason: RedirectReason::CrossOrigin,
        };
        assert_eq!(result, expected, "{}", scheme.kind);
        let sent = requests(&origin).await;
        assert_eq!(sent.len(), 1, "{}", scheme.kind);
        assert!(
            (scheme.carries)(&sent[0]),
            "{}: the credential went to its own origin",
            scheme.kind
        );
        assert!(
            requests(&other).await.is_empty(),
            "{}: the other origin was contacted",
            scheme.kind
        );
    }
}

#[tokio::test]
async fn following_cross_origin_redirects_sends_the_other_origin_no_credential() {
    for (scheme, status) in schemes().iter().zip(REDIRECT_STATUSES.iter().cycle()) {
        let (origin, other) = (MockServer::start().await, MockServer::start().await);
        redirect(
            &origin,
            scheme.path,
            *status,
            &format!("{}/landing", other.uri()),
        )
        .await;
        answer_ok(&other).await;

        let policy = Some(RedirectPolicy::AnyOriginWithoutCredentials);
        let result = (scheme.call)(origin.uri(), policy).await;

        assert_eq!(result, Outcome::Success(200), "{}", scheme.kind);
        assert!(
            (scheme.carries)(&requests(&origin).await[0]),
            "{}",
            scheme.kind
        );
        let received = requests(&other).await;
        assert_eq!(received.len(), 1, "{}", scheme.kind);
        assert_eq!(received[0].url.path(), "/landing");
        assert_carries_nothing(&received[0], scheme.secret, scheme.kind);
    }
}

#[tokio::test]
async fn with_redirects_off_the_redirect_is_the_answer_and_the_other_origin_never_contacted() {
    for (scheme, status) in schemes().iter().zip(REDIRECT_STATUSES.iter().cycle()) {
        let (origin, other) = (MockServer::start().await, MockServer::start().await);
        redirect(
            &origin,
            scheme.path,
            *status,
            &format!("{}/landing", other.uri()),
        )
        .await;
        answer_ok(&other).await;

        let result = (scheme.call)(origin.uri(), Some(RedirectPolicy::None)).await;

        assert_eq!(result, Outcome::Unexpected(*status), "{}", scheme.kind);
        assert!(requests(&other).await.is_empty(), "{}", scheme.kind);
    }
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_the_credential() {
    for (scheme, status) in schemes().iter().zip(REDIRECT_STATUSES.iter().cycle()) {
        let origin = MockServer::start().await;
        // A relative `Location` and an absolute one on the same origin.
        redirect(&origin, scheme.path, *status, "/moved").await;
        redirect(
            &origin,
            "/moved",
            307,
            &format!("{}/moved/again", origin.uri()),
        )
        .await;
        answer_ok(&origin).await;

        let result = (scheme.call)(origin.uri(), None).await;

        assert_eq!(result, Outcome::Success(200), "{}", scheme.kind);
        let sent = requests(&origin).await;
        let paths: Vec<&str> = sent.iter().map(|r| r.url.path()).collect();
        assert_eq!(
            paths,
            [scheme.path, "/moved", "/moved/again"],
            "{}",
            scheme.kind
        );
        for request in &sent {
            assert!((scheme.carries)(request), "{}: {request:?}", scheme.kind);
        }
    }
}

#[tokio::test]
async fn another_host_name_for_the_same_server_is_another_origin() {
    let origin = MockServer::start().await;
    let port = origin.address().port();
    let elsewhere = format!("http://localhost:{port}/landing");
    redirect(&origin, "/v2/Teams/roles", 302, &elsewhere).await;
    answer_ok(&origin).await;
    let (scheme, base) = (&schemes()[0], origin.uri());
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let result = (scheme.call)(base, None).await;

    let expected = Outcome::Redirect {
        status: 302,
        location: elsewhere,
        reason: RedirectReason::CrossOrigin,
    };
    assert_eq!(result, expected);
    assert_eq!(requests(&origin).await.len(), 1);
}

#[tokio::test]
async fn a_chain_that_left_the_origin_carries_no_credential_even_back_on_it() {
    let (origin, other) = (MockServer::start().await, MockServer::start().await);
    redirect(
        &origin,
        "/v2/Teams/roles",
        302,
        &format!("{}/away", other.uri()),
    )
    .await;
    redirect(&other, "/away", 302, &format!("{}/back", origin.uri())).await;
    answer_ok(&origin).await;
    let scheme = &schemes()[0];

    let policy = Some(RedirectPolicy::AnyOriginWithoutCredentials);
    assert_eq!(
        (scheme.call)(origin.uri(), policy).await,
        Outcome::Success(200)
    );

    let sent = requests(&origin).await;
    assert_eq!(sent.len(), 2);
    assert!((scheme.carries)(&sent[0]));
    assert_eq!(sent[1].url.path(), "/back");
    assert_carries_nothing(&sent[1], TEAMS_KEY, "back on the origin");
    assert_carries_nothing(&requests(&other).await[0], TEAMS_KEY, "away");
}

#[tokio::test]
async fn a_redirect_loop_ends_after_the_limit() {
    let origin = MockServer::start().await;
    redirect(&origin, "/v2/Teams/roles", 302, "/loop").await;
    redirect(&origin, "/loop", 302, "/loop").await;

    let result = (schemes()[0].call)(origin.uri(), None).await;

    let expected = Outcome::Redirect {
        status: 302,
        location: format!("{}/loop", origin.uri()),
        reason: RedirectReason::TooManyRedirects,
    };
    assert_eq!(result, expected);
    assert_eq!(requests(&origin).await.len(), 1 + MAX_REDIRECTS as usize);
}

/// RFC 9110: 303 turns any method but HEAD into GET without body; 301 and 302 turn a POST into
/// a GET; 307 and 308 keep method and body.
#[tokio::test]
async fn redirected_requests_keep_or_drop_method_and_body_per_rfc_9110() {
    for (status, expected_method, keeps_body) in [
        (301, "GET", false),
        (302, "GET", false),
        (303, "GET", false),
        (307, "POST", true),
        (308, "POST", true),
    ] {
        let origin = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v2/Teams"))
            .respond_with(ResponseTemplate::new(status).insert_header("Location", "/after"))
            .mount(&origin)
            .await;
        answer_ok(&origin).await;
        let client = teams::Client::builder()
            .base_url(origin.uri())
            .api_token(TEAMS_KEY)
            .build()
            .unwrap();
        let body = teams::AddTeamAccountCustomer {
            email_id: "a@example.com".into(),
            invited_by: "u0".into(),
            associated_portal_role_id: "r1".into(),
            ..Default::default()
        };
        client.v2_teams_post().body(body).send().await.unwrap();

        let sent = requests(&origin).await;
        let (first, after) = (&sent[0], &sent[1]);
        assert_eq!(
            (after.url.path(), after.method.as_str()),
            ("/after", expected_method),
            "{status}"
        );
        assert!(header_is(after, "api_token", TEAMS_KEY), "{status}");
        if keeps_body {
            assert_eq!(after.body, first.body, "{status}");
            assert_eq!(
                after.headers.get("content-type"),
                first.headers.get("content-type")
            );
        } else {
            assert!(
                after.body.is_empty() && after.headers.get("content-type").is_none(),
                "{status}"
            );
        }
    }
}

#[tokio::test]
async fn a_request_hook_cannot_move_a_request_to_another_origin() {
    let other = MockServer::start().await;
    answer_ok(&other).await;
    let destination: reqwest::Url = other.uri().parse().unwrap();
    let client = teams::Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_token(TEAMS_KEY)
        .request_hook(move |request| {
            *request.url_mut() = destination.clone();
            Ok(())
        })
        .build()
        .unwrap();

    let err = client.v2_teams_roles_get().send().await.unwrap_err();

    assert!(
        matches!(&err, Error::InvalidRequest(e) if e.to_string().contains("another origin") || e.to_string().contains("outside the origin")),
        "{err:?}"
    );
    assert!(requests(&other).await.is_empty());
}

#[tokio::test]
async fn an_http_client_that_follows_redirects_itself_is_caught_and_one_that_does_not_is_safe() {
    // Such a client forwards a custom header like `api_token` to the other origin before the
    // runtime sees the answer: the documented reason to give `http_client` a client built with
    // `Policy::none()`. The runtime still refuses the foreign answer.
    let (origin, other) = (MockServer::start().await, MockServer::start().await);
    redirect(
        &origin,
        "/v2/Teams/roles",
        302,
        &format!("{}/landing", other.uri()),
    )
    .await;
    answer_ok(&other).await;
    let following = teams::Client::builder()
        .base_url(origin.uri())
        .api_token(TEAMS_KEY)
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    match following.v2_teams_roles_get().send().await {
        Err(Error::Redirect {
            reason, location, ..
        }) => {
            assert_eq!(reason, RedirectReason::FollowedByHttpClient);
            assert_eq!(location, format!("{}/landing", other.uri()));
        }
        other => panic!("{other:?}"),
    }
    assert!(header_is(
        &requests(&other).await[0],
        "api_token",
        TEAMS_KEY
    ));

    let (origin, other) = (MockServer::start().await, MockServer::start().await);
    redirect(
        &origin,
        "/v2/Teams/roles",
        302,
        &format!("{}/landing", other.uri()),
    )
    .await;
    answer_ok(&other).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let safe = teams::Client::builder()
        .base_url(origin.uri())
        .api_token(TEAMS_KEY)
        .http_client(http)
        .build()
        .unwrap();
    let err = safe.v2_teams_roles_get().send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Redirect {
                reason: RedirectReason::CrossOrigin,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(requests(&other).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Secrets in errors, `Debug` and logs

/// A loopback address where nothing listens.
fn closed_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    address
}

#[tokio::test]
async fn a_password_in_the_base_url_is_never_printed() {
    let logs = tests::logs::capture();
    let address = closed_address();
    let base = format!("http://user:{URL_PASSWORD}@{address}/api");
    let builder = teams::Client::builder().base_url(&base).max_retries(0);
    let shown = format!("{builder:?}");
    assert!(
        shown.contains(&format!("http://{REDACTED}@{address}/api")),
        "{shown}"
    );
    assert!(!shown.contains(URL_PASSWORD), "{shown}");

    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(
        shown.contains(&format!("http://{REDACTED}@{address}/api")),
        "{shown}"
    );
    assert!(!shown.contains(URL_PASSWORD), "{shown}");
    assert_eq!(client.base_url(), format!("http://{address}/api"));

    let err = client.v2_teams_roles_get().send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    for text in [err.to_string(), format!("{err:?}"), logs.text()] {
        assert!(
            text.contains(&format!("http://{address}/api/v2/Teams/roles")),
            "{text}"
        );
        assert!(
            !text.contains(URL_PASSWORD) && !text.contains("user:"),
            "{text}"
        );
    }

    // A base URL that does not parse is shown redacted too.
    let bad = format!("http://user:{URL_PASSWORD}@127.0.0.1:99999/");
    let err = teams::Client::builder().base_url(bad).build().unwrap_err();
    assert!(matches!(err, BuildError::BaseUrl { .. }), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(
            text.contains(&format!("http://{REDACTED}@127.0.0.1")),
            "{text}"
        );
        assert!(!text.contains(URL_PASSWORD), "{text}");
    }
}

#[tokio::test]
async fn a_redirect_refused_by_the_runtime_is_logged_without_secrets() {
    let logs = tests::logs::capture();
    let (origin, other) = (MockServer::start().await, MockServer::start().await);
    redirect(&origin, "/v2/Teams/roles", 307, "/moved").await;
    redirect(&origin, "/moved", 302, &format!("{}/landing", other.uri())).await;
    let result = (schemes()[0].call)(origin.uri(), None).await;
    assert!(matches!(result, Outcome::Redirect { .. }), "{result:?}");
    let logs = logs.text();
    assert!(logs.contains("following a redirect"), "{logs}");
    assert!(!logs.contains(TEAMS_KEY), "{logs}");
}

// ---------------------------------------------------------------------------------------------
// Cleartext

#[test]
fn credentials_over_plain_http_to_another_host_are_refused_when_building() {
    let insecure = "http://api.example.test";
    let refusals = [
        teams::Client::builder()
            .base_url(insecure)
            .api_token(TEAMS_KEY)
            .build()
            .map(|_| ()),
        membership::Client::builder()
            .base_url(insecure)
            .bearer_token(MEMBERSHIP_TOKEN)
            .build()
            .map(|_| ()),
        membership::Client::builder()
            .base_url(insecure)
            .bearer_token_provider(|| async { Ok::<_, String>(PROVIDED_TOKEN) })
            .build()
            .map(|_| ()),
        cpaas::Client::builder()
            .base_url(insecure)
            .bearer_auth(CPAAS_TOKEN)
            .build()
            .map(|_| ()),
    ];
    for refusal in refusals {
        let err = refusal.unwrap_err();
        assert_eq!(
            err,
            BuildError::InsecureHttp {
                base_url: insecure.into()
            }
        );
        assert!(
            err.to_string().contains("allow_insecure_http(true)"),
            "{err}"
        );
    }
    // User info in the URL is a credential too, and is not shown.
    let err = teams::Client::builder()
        .base_url(format!("http://user:{URL_PASSWORD}@api.example.test/"))
        .build()
        .unwrap_err();
    let shown = format!("http://{REDACTED}@api.example.test/");
    assert_eq!(err, BuildError::InsecureHttp { base_url: shown });
    assert!(!err.to_string().contains(URL_PASSWORD));

    // https, loopback, and no credential at all are fine.
    for base in [
        "https://api.example.test",
        "http://localhost:8080",
        "http://127.0.0.1",
        "http://127.8.9.10:1",
        "http://[::1]:8080",
    ] {
        let built = teams::Client::builder()
            .base_url(base)
            .api_token(TEAMS_KEY)
            .build();
        assert!(built.is_ok(), "{base}: {built:?}");
    }
    assert!(teams::Client::builder().base_url(insecure).build().is_ok());
}

/// With the opt-in, the request goes out. The host is never contacted: the `reqwest::Client`
/// sends through an HTTP proxy, a loopback server that records what it was asked to forward.
#[tokio::test]
async fn allow_insecure_http_lets_credentials_go_over_plain_http() {
    let proxy = MockServer::start().await;
    answer_ok(&proxy).await;
    let http = reqwest::Client::builder()
        .proxy(reqwest::Proxy::http(proxy.uri()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = teams::Client::builder()
        .base_url("http://api.example.test")
        .api_token(TEAMS_KEY)
        .http_client(http)
        .allow_insecure_http(true)
        .build()
        .unwrap();

    client.v2_teams_roles_get().send().await.unwrap();

    let sent = requests(&proxy).await;
    assert_eq!(
        sent[0].url.as_str(),
        "http://api.example.test/v2/Teams/roles"
    );
    assert!(header_is(&sent[0], "api_token", TEAMS_KEY));
}

// ---------------------------------------------------------------------------------------------
// Bounded bodies

/// A server that answers every request with `status` and an endless chunked body (no
/// `Content-Length`); returns its address and the number of requests it received.
async fn endless_body_server(status: u16) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let counter = counter.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_request: hyper::Request<hyper::body::Incoming>| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    async move {
                        let chunk = Bytes::from(vec![b' '; 64 * 1024]);
                        let frames = futures_util::stream::repeat_with(move || {
                            Ok::<_, Infallible>(Frame::data(chunk.clone()))
                        });
                        let response = hyper::Response::builder()
                            .status(status)
                            .header("content-type", "application/json")
                            .body(StreamBody::new(frames))
                            .unwrap();
                        Ok::<_, Infallible>(response)
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                // The client hangs up once it has read enough; that ends the connection.
                let _ = http1::Builder::new().serve_connection(io, service).await;
            });
        }
    });
    (address, hits)
}

#[tokio::test]
async fn an_endless_body_ends_the_call_at_the_limit_for_success_and_error_statuses() {
    const LIMIT: u64 = 256 * 1024;
    // 200 is a success, 400 a documented error, 503 a status that is otherwise retried.
    for status in [200, 400, 503] {
        let (address, hits) = endless_body_server(status).await;
        let client = teams::Client::builder()
            .base_url(format!("http://{address}"))
            .api_token(TEAMS_KEY)
            .max_response_body(LIMIT)
            .build()
            .unwrap();
        let call = client.v2_teams_email_exists_get("a@example.com").send();
        let err = tokio::time::timeout(Duration::from_secs(20), call)
            .await
            .expect("reading stops at the limit")
            .unwrap_err();
        match &err {
            Error::BodyTooLarge { status: got, limit } => {
                assert_eq!((got.as_u16(), *limit), (status, LIMIT));
            }
            other => panic!("{status}: {other:?}"),
        }
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(
            err.to_string()
                .contains("larger than the limit of 262144 bytes"),
            "{err}"
        );
        assert_eq!(
            hits.load(Ordering::SeqCst),
            1,
            "{status}: a too large body is not retried"
        );
    }
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_one_byte_more_is_refused() {
    let server = MockServer::start().await;
    let body = json!({"result": [], "success": true}).to_string();
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(body.clone()))
        .mount(&server)
        .await;
    let limit = body.len() as u64;
    let client = |limit| {
        teams::Client::builder()
            .base_url(server.uri())
            .max_response_body(limit)
            .build()
            .unwrap()
    };
    let roles = client(limit).v2_teams_roles_get().send().await.unwrap();
    assert_eq!(roles.raw_body().len() as u64, limit);
    let err = client(limit - 1)
        .v2_teams_roles_get()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: l, .. } if l == limit - 1),
        "{err:?}"
    );
    let default = format!("{:?}", client(DEFAULT_MAX_RESPONSE_BODY));
    let unset = format!(
        "{:?}",
        teams::Client::builder()
            .base_url(server.uri())
            .build()
            .unwrap()
    );
    assert_eq!(
        default, unset,
        "the default limit is DEFAULT_MAX_RESPONSE_BODY"
    );
    assert_eq!(DEFAULT_MAX_RESPONSE_BODY, 64 * 1024 * 1024);
}
