//! Credentials stay on the API's origin for every kind of security scheme, against loopback
//! servers: the crate generated from `tests/features/schemes.yaml`. `xtask/tests/security.rs`
//! copies this file into that crate and runs it. The user APIs' schemes are tested the same way
//! in `tests/security.rs`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use schemes::runtime::{Error, REDACTED, RedirectPolicy, RedirectReason, ResponseValue};
use schemes::{Client, ClientBuilder};
use serde_json::json;
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "s3cret-5872";

#[derive(Debug, PartialEq)]
enum Outcome {
    Success(u16),
    Redirect { status: u16, location: String, reason: RedirectReason },
    Other(String),
}

fn outcome<T, E: Debug>(result: Result<ResponseValue<T>, Error<E>>) -> Outcome {
    match result {
        Ok(value) => Outcome::Success(value.status().as_u16()),
        Err(Error::Redirect { status, location, reason }) => Outcome::Redirect { status: status.as_u16(), location, reason },
        Err(other) => Outcome::Other(format!("{other:?}")),
    }
}

type Call = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// One kind of scheme: its credential on a builder, the operation that requires it, and how
/// to see the credential in a request.
struct Scheme {
    kind: &'static str,
    path: &'static str,
    configure: fn(ClientBuilder) -> ClientBuilder,
    call: fn(Client) -> Call,
    carries: fn(&Request) -> bool,
}

fn header_is(request: &Request, name: &str, value: &str) -> bool {
    request.headers.get(name).is_some_and(|v| v == value)
}

fn query_values(request: &Request, name: &str) -> Vec<String> {
    request.url.query_pairs().filter(|(k, _)| k == name).map(|(_, v)| v.into_owned()).collect()
}

fn schemes() -> Vec<Scheme> {
    vec![
        Scheme {
            kind: "API key in a header",
            path: "/header",
            configure: |b| b.key_header(SECRET),
            call: |c| Box::pin(async move { outcome(c.with_header_key().send().await) }),
            carries: |r| header_is(r, "x-api-key", SECRET),
        },
        Scheme {
            kind: "API key in the query",
            path: "/query",
            configure: |b| b.key_query(SECRET),
            call: |c| Box::pin(async move { outcome(c.with_query_key().page(2).send().await) }),
            carries: |r| query_values(r, "api_key") == [SECRET],
        },
        Scheme {
            kind: "API key in a cookie",
            path: "/cookie",
            configure: |b| b.key_cookie(SECRET),
            call: |c| Box::pin(async move { outcome(c.with_cookie_key().send().await) }),
            carries: |r| header_is(r, "cookie", &format!("sid={SECRET}")),
        },
        Scheme {
            kind: "HTTP basic",
            path: "/basic",
            configure: |b| b.basic("user", Some(SECRET.into())),
            call: |c| Box::pin(async move { outcome(c.with_basic().send().await) }),
            // base64("user:s3cret-5872")
            carries: |r| header_is(r, "authorization", "Basic dXNlcjpzM2NyZXQtNTg3Mg=="),
        },
        Scheme {
            kind: "HTTP bearer",
            path: "/bearer",
            configure: |b| b.bearer_token(SECRET),
            call: |c| Box::pin(async move { outcome(c.with_bearer().send().await) }),
            carries: |r| header_is(r, "authorization", &format!("Bearer {SECRET}")),
        },
        Scheme {
            kind: "bearer token provider",
            path: "/bearer",
            configure: |b| b.bearer_token_provider(|| async { Ok::<_, String>(SECRET) }),
            call: |c| Box::pin(async move { outcome(c.with_bearer().send().await) }),
            carries: |r| header_is(r, "authorization", &format!("Bearer {SECRET}")),
        },
        Scheme {
            kind: "OAuth2 token",
            path: "/oauth",
            configure: |b| b.oauth_token(SECRET),
            call: |c| Box::pin(async move { outcome(c.with_oauth().send().await) }),
            carries: |r| header_is(r, "authorization", &format!("Bearer {SECRET}")),
        },
        Scheme {
            kind: "OpenID Connect token provider",
            path: "/oidc",
            configure: |b| b.oidc_token_provider(|| async { Ok::<_, String>(SECRET) }),
            call: |c| Box::pin(async move { outcome(c.with_oidc().send().await) }),
            carries: |r| header_is(r, "authorization", &format!("Bearer {SECRET}")),
        },
    ]
}

fn client(scheme: &Scheme, base: String, policy: Option<RedirectPolicy>) -> Client {
    let mut builder = (scheme.configure)(Client::builder().base_url(base).max_retries(0));
    if let Some(policy) = policy {
        builder = builder.redirect_policy(policy);
    }
    builder.build().unwrap()
}

/// Nothing secret in a request: the secret is nowhere in it (URL, headers, body), and no
/// header that carries credentials is there at all.
fn assert_carries_nothing(request: &Request, kind: &str) {
    assert!(!request.url.as_str().contains(SECRET), "{kind}: {}", request.url);
    for (name, value) in &request.headers {
        assert!(!value.as_bytes().windows(SECRET.len()).any(|w| w == SECRET.as_bytes()), "{kind}: {name}");
    }
    for name in ["authorization", "cookie", "x-api-key"] {
        assert!(request.headers.get(name).is_none(), "{kind}: {name} was sent: {request:?}");
    }
    assert!(!String::from_utf8_lossy(&request.body).contains(SECRET), "{kind}");
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

async fn answer_ok(server: &MockServer) {
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).mount(server).await;
}

const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

#[tokio::test]
async fn by_default_a_cross_origin_redirect_is_refused_and_the_other_origin_never_contacted() {
    for (scheme, status) in schemes().iter().zip(REDIRECT_STATUSES.iter().cycle()) {
        let (origin, other) = (MockServer::start().await, MockServer::start().await);
        let target = format!("{}/landing", other.uri());
        redirect(&origin, scheme.path, *status, &target).await;
        answer_ok(&other).await;

        let result = (scheme.call)(client(scheme, origin.uri(), None)).await;

        let expected = Outcome::Redirect { status: *status, location: target, reason: RedirectReason::CrossOrigin };
        assert_eq!(result, expected, "{}", scheme.kind);
        assert!((scheme.carries)(&requests(&origin).await[0]), "{}: sent to its own origin", scheme.kind);
        assert!(requests(&other).await.is_empty(), "{}: the other origin was contacted", scheme.kind);
    }
}

#[tokio::test]
async fn following_cross_origin_redirects_sends_the_other_origin_no_credential() {
    for (scheme, status) in schemes().iter().zip(REDIRECT_STATUSES.iter().cycle()) {
        let (origin, other) = (MockServer::start().await, MockServer::start().await);
        redirect(&origin, scheme.path, *status, &format!("{}/landing", other.uri())).await;
        answer_ok(&other).await;

        let policy = Some(RedirectPolicy::AnyOriginWithoutCredentials);
        let result = (scheme.call)(client(scheme, origin.uri(), policy)).await;

        assert_eq!(result, Outcome::Success(200), "{}", scheme.kind);
        assert!((scheme.carries)(&requests(&origin).await[0]), "{}", scheme.kind);
        let received = requests(&other).await;
        assert_eq!(received.len(), 1, "{}", scheme.kind);
        assert_carries_nothing(&received[0], scheme.kind);
    }
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_the_credential() {
    for (scheme, status) in schemes().iter().zip(REDIRECT_STATUSES.iter().cycle()) {
        let origin = MockServer::start().await;
        redirect(&origin, scheme.path, *status, "/moved").await;
        answer_ok(&origin).await;

        let result = (scheme.call)(client(scheme, origin.uri(), None)).await;

        assert_eq!(result, Outcome::Success(200), "{}", scheme.kind);
        let sent = requests(&origin).await;
        assert_eq!(sent.len(), 2, "{}", scheme.kind);
        assert_eq!(sent[1].url.path(), "/moved");
        assert!((scheme.carries)(&sent[1]), "{}: {:?}", scheme.kind, sent[1]);
    }
}

#[tokio::test]
async fn a_location_cannot_choose_the_value_of_a_query_key() {
    let origin = MockServer::start().await;
    redirect(&origin, "/query", 307, "/moved?api_key=chosen-by-the-server&keep=1").await;
    answer_ok(&origin).await;
    let scheme = &schemes()[1];

    assert_eq!((scheme.call)(client(scheme, origin.uri(), None)).await, Outcome::Success(200));

    let moved = &requests(&origin).await[1];
    assert_eq!(query_values(moved, "api_key"), [SECRET]);
    assert_eq!(query_values(moved, "keep"), ["1"]);
}

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_query_key_is_redacted_from_a_transport_error_and_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder().base_url(format!("http://{address}")).key_query(SECRET).build().unwrap();

    let err = client.with_query_key().page(2).send().await.unwrap_err();

    assert!(matches!(err, Error::Transport { attempts: 3, .. }), "{err:?}");
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let shown = format!("http://{address}/query?page=2&api_key={REDACTED}");
    for (place, text) in [("Display", err.to_string()), ("Debug", format!("{err:?}")), ("logs", logs)] {
        assert!(text.contains(&shown), "{place}: {text}");
        assert!(!text.contains(SECRET), "{place}: {text}");
    }
}

#[tokio::test]
async fn a_query_key_echoed_in_a_cross_origin_location_is_redacted_from_the_error() {
    let (origin, other) = (MockServer::start().await, MockServer::start().await);
    redirect(&origin, "/query", 302, &format!("{}/steal?api_key={SECRET}", other.uri())).await;
    let client = Client::builder().base_url(origin.uri()).key_query(SECRET).build().unwrap();

    let err = client.with_query_key().send().await.unwrap_err();

    assert!(matches!(err, Error::Redirect { reason: RedirectReason::CrossOrigin, .. }), "{err:?}");
    let shown = format!("{}/steal?api_key={REDACTED}", other.uri());
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(text.contains(&shown), "{text}");
        assert!(!text.contains(SECRET), "{text}");
    }
    assert!(requests(&other).await.is_empty());
}

/// The upload operation's own server, `http://127.0.0.1:{port}/files`, on `server`'s port.
fn upload_client(server: &MockServer) -> ClientBuilder {
    let port = server.address().port().to_string();
    Client::builder().server_variable("port", port).bearer_token(SECRET).max_retries(0)
}

#[tokio::test]
async fn an_operation_with_its_own_server_is_sent_there_with_its_credential() {
    let files = MockServer::start().await;
    answer_ok(&files).await;
    let client = upload_client(&files).build().unwrap();

    assert_eq!(outcome(client.upload().send().await), Outcome::Success(200));

    let sent = requests(&files).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.path(), "/files/upload");
    assert!(header_is(&sent[0], "authorization", &format!("Bearer {SECRET}")));
    // The other operations stay on the spec's server.
    assert_eq!(client.base_url(), "https://schemes.example.com");
}

#[tokio::test]
async fn redirects_of_an_operation_with_its_own_server_are_judged_by_that_server_origin() {
    let (files, api) = (MockServer::start().await, MockServer::start().await);
    redirect(&files, "/files/upload", 307, "/files/moved").await;
    redirect(&files, "/files/moved", 307, &format!("{}/upload", api.uri())).await;
    answer_ok(&api).await;
    let client = upload_client(&files).base_url(api.uri()).operation_base_url("http://127.0.0.1:{port}/files", format!("{}/files", files.uri()));

    let result = outcome(client.build().unwrap().upload().send().await);

    let location = format!("{}/upload", api.uri());
    assert_eq!(result, Outcome::Redirect { status: 307, location, reason: RedirectReason::CrossOrigin });
    let sent = requests(&files).await;
    assert_eq!(sent.len(), 2, "the same-origin hop is followed");
    assert!(sent.iter().all(|r| header_is(r, "authorization", &format!("Bearer {SECRET}"))), "{sent:?}");
    assert!(requests(&api).await.is_empty(), "the client's own base URL is another origin here");
}

#[tokio::test]
async fn a_base_url_also_receives_the_operations_with_their_own_server() {
    let (files, mock) = (MockServer::start().await, MockServer::start().await);
    answer_ok(&files).await;
    answer_ok(&mock).await;
    let client = upload_client(&files).base_url(mock.uri()).build().unwrap();

    assert_eq!(outcome(client.upload().send().await), Outcome::Success(200));

    assert!(requests(&files).await.is_empty());
    let sent = requests(&mock).await;
    assert_eq!(sent[0].url.path(), "/upload");
    assert!(header_is(&sent[0], "authorization", &format!("Bearer {SECRET}")));
}

#[test]
fn an_operation_server_the_spec_does_not_list_is_refused_naming_those_it_lists() {
    let err = Client::builder().operation_base_url("https://files.example.com", "https://h").build().unwrap_err();

    let text = err.to_string();
    assert!(text.contains("`https://files.example.com`") && text.contains("http://127.0.0.1:{port}/files"), "{text}");
}
