//! The client core every generated `Client` wraps: one call is attempts (with retries and
//! backoff), and one attempt is a chain of requests (following redirects within the policy).

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use tracing::{Instrument, Span};

use super::config::BaseUrl;
use super::credentials::{Credential, Secret};
use super::error::{Error, InvalidRequest};
use super::events::{DataDecoder, EventStream};
use super::hook::RequestHook;
use super::origin::{same_except_fragment, same_origin};
use super::redact::redact_url;
use super::redirect::{Hop, MAX_REDIRECTS, RedirectPolicy, RedirectReason, redirect_location};
use super::request::Request;
use super::response::{BodyFailure, CallResult, RawResponse, ResponseValue, read_body};
use super::retry::{RetryPolicy, is_retryable_status, retry_after};

/// The shared core of every generated `Client`: cheap to clone, safe to share across tasks.
#[doc(hidden)]
#[derive(Clone)]
pub struct ApiClient {
    pub(crate) inner: Arc<Inner>,
}

/// Everything a built client knows; checked once, when it was built.
pub(crate) struct Inner {
    pub(crate) base: BaseUrl,
    /// Where operations that list their own server go, indexed as the API module's
    /// `OPERATION_SERVERS`.
    pub(crate) operation_bases: Vec<BaseUrl>,
    pub(crate) http: reqwest::Client,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: HeaderValue,
    pub(crate) default_headers: HeaderMap,
    pub(crate) credentials: Vec<(&'static str, Credential)>,
    pub(crate) hooks: Vec<RequestHook>,
    pub(crate) redirect: RedirectPolicy,
    pub(crate) max_response_body: u64,
    /// Query parameters that carry API keys: their values are redacted wherever a URL is shown.
    pub(crate) secret_query_names: Vec<&'static str>,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let schemes: Vec<&str> = inner.credentials.iter().map(|(s, _)| *s).collect();
        let header_names: Vec<_> = inner.default_headers.keys().collect();
        f.debug_struct("ApiClient")
            .field("base_url", &inner.base.display)
            .field(
                "operation_base_urls",
                &inner
                    .operation_bases
                    .iter()
                    .map(|base| &base.display)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("default_headers", &header_names)
            .field("credentials_for", &schemes)
            .field("redirect", &inner.redirect)
            .field("max_response_body", &inner.max_response_body)
            .finish()
    }
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Overrides the client's per-attempt timeout.
    pub timeout: Option<Duration>,
    /// Overrides the client's number of retries.
    pub max_retries: Option<u32>,
    /// Retry this call even though its method is not idempotent (for example a POST with an
    /// idempotency key).
    pub retry_non_idempotent: bool,
}

/// What happened to one attempt, and whether to try again.
enum Attempt {
    Done(RawResponse),
    /// A success whose body is read as it arrives.
    Live(Live),
    Retry {
        delay: Option<Duration>,
        last: AttemptFailure,
    },
    Fail(AttemptFailure),
}

/// How an attempt that gave no usable response ended.
enum AttemptFailure {
    Status(RawResponse),
    Timeout,
    Transport { source: reqwest::Error, url: String },
    BodyTooLarge { status: StatusCode, limit: u64 },
}

/// What sending one attempt gave: the final response and its URL, or why there was none.
type Sent = Result<(reqwest::Response, Url), SendFailure>;

/// Why an attempt got no response.
enum SendFailure {
    /// The transport failed, at this URL.
    Transport(reqwest::Error, Url),
    /// The headers of a streamed response did not come within the timeout.
    HeadersTimedOut,
}

/// What a call received: the whole response, or a success whose body is read as it arrives.
pub(crate) enum Received {
    Whole(RawResponse),
    Live(Live),
}

/// A success response whose body has not been read.
pub(crate) struct Live {
    status: StatusCode,
    headers: HeaderMap,
    response: reqwest::Response,
    /// The URL it came from, redacted, for a transport failure while reading the body whole.
    url: String,
}

impl Live {
    /// The body read whole after all, within the limit.
    async fn read_whole<E>(mut self, limit: u64) -> Result<RawResponse, Error<E>> {
        let status = self.status;
        match read_body(&mut self.response, limit).await {
            Ok(body) => Ok(RawResponse {
                status,
                headers: self.headers,
                body,
            }),
            Err(BodyFailure::TooLarge) => Err(Error::BodyTooLarge { status, limit }),
            Err(BodyFailure::Read(source)) => Err(Error::Transport {
                source: source.without_url(),
                url: self.url,
                attempts: 1,
            }),
        }
    }
}

impl Inner {
    /// The base URL of a request: its operation's own server, or the client's.
    pub(crate) fn base_for(&self, request: &Request) -> &BaseUrl {
        request
            .server
            .and_then(|index| self.operation_bases.get(index))
            .unwrap_or(&self.base)
    }
}

impl ApiClient {
    pub(crate) fn new(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The base URL paths are appended to, without user info (which is sent as basic
    /// authentication); operations that list a server of their own go to theirs.
    pub fn base_url(&self) -> &str {
        &self.inner.base.text
    }

    /// Sends the request an operation built (or reports why it could not be built), then
    /// decodes the response by status with the operation's `decode`. Every operation's `send`
    /// is this call: the retry and redirect machinery below is not generic, so it is compiled
    /// once rather than once per operation.
    ///
    /// # Errors
    ///
    /// What [`Self::execute`] reports, and what `decode` reports.
    pub async fn call<T, E, H>(
        &self,
        request: Result<Request, InvalidRequest>,
        options: RequestOptions,
        decode: fn(RawResponse) -> CallResult<T, E, H>,
    ) -> CallResult<T, E, H> {
        let response = self
            .execute(request?, &options)
            .await
            .map_err(Error::widen)?;
        decode(response)
    }

    /// Like [`Self::call`] for an operation whose success is an event stream: a success's
    /// body is handed over unread, as an [`EventStream`] whose events `data` decodes; other
    /// statuses are read whole and decoded by `decode`. The timeout ends with the headers.
    ///
    /// # Errors
    ///
    /// What [`Self::execute`] reports, and what `decode` reports.
    pub async fn call_events<T, E, H>(
        &self,
        request: Result<Request, InvalidRequest>,
        options: RequestOptions,
        decode: fn(RawResponse) -> CallResult<EventStream<T>, E, H>,
        data: DataDecoder<T>,
    ) -> CallResult<EventStream<T>, E, H> {
        let mut request = request?;
        request.streams = true;
        match self
            .receive(request, &options)
            .await
            .map_err(Error::widen)?
        {
            Received::Whole(response) => decode(response),
            Received::Live(live) => {
                let events = EventStream::live(live.response, data, self.inner.max_response_body);
                Ok(ResponseValue::streaming(live.status, live.headers, events))
            }
        }
    }

    /// Sends a request with credentials, retries and timeouts, and reads the whole response.
    ///
    /// # Errors
    ///
    /// Every [`Error`] but `Api`, `UnexpectedStatus` and `Decode`, which decoding by status
    /// gives.
    pub async fn execute(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error<Infallible>> {
        match self.receive(request, options).await? {
            Received::Whole(response) => Ok(response),
            Received::Live(live) => live.read_whole(self.inner.max_response_body).await,
        }
    }

    /// Sends a request with credentials, retries and timeouts; reads the whole response unless
    /// the request streams a success.
    async fn receive(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> Result<Received, Error<Infallible>> {
        let span = tracing::debug_span!(
            "request",
            operation = request.operation,
            method = %request.method,
            path = request.path_template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
        );
        // `instrument`, not `enter`: a guard held across `.await` would tag other tasks' events.
        self.execute_in(request, options, &span)
            .instrument(span.clone())
            .await
    }

    async fn execute_in<E>(
        &self,
        request: Request,
        options: &RequestOptions,
        span: &Span,
    ) -> Result<Received, Error<E>> {
        let retry = &self.inner.retry;
        let max_retries = options.max_retries.unwrap_or(retry.max_retries);
        let idempotent =
            !matches!(request.method, Method::POST | Method::PATCH) || options.retry_non_idempotent;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let provided = self.provided_tokens(&request).await?;
            let outcome = self
                .attempt(&request, options, &provided, idempotent)
                .await?;
            let retries_left = attempt <= max_retries;
            let failure = match outcome {
                Attempt::Done(response) => {
                    span.record("status", response.status.as_u16());
                    return Ok(Received::Whole(response));
                }
                Attempt::Live(live) => {
                    span.record("status", live.status.as_u16());
                    return Ok(Received::Live(live));
                }
                Attempt::Retry { delay, last } if retries_left => {
                    let delay = match delay {
                        // The server asks for a longer pause than we are willing to make.
                        Some(wait) if wait > retry.max_retry_after => {
                            return fail(last, attempt, span).map(Received::Whole);
                        }
                        Some(wait) => wait,
                        None => retry.backoff(attempt, fastrand::f64()),
                    };
                    tracing::debug!(attempt, ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                    continue;
                }
                Attempt::Retry { last, .. } | Attempt::Fail(last) => last,
            };
            return fail(failure, attempt, span).map(Received::Whole);
        }
    }

    /// One attempt: send (following redirects), then read the body within the limit.
    async fn attempt<E>(
        &self,
        request: &Request,
        options: &RequestOptions,
        provided: &[Secret],
        idempotent: bool,
    ) -> Result<Attempt, Error<E>> {
        let retry_if_idempotent = |last| {
            if idempotent {
                Attempt::Retry { delay: None, last }
            } else {
                Attempt::Fail(last)
            }
        };
        let (mut response, url) = match self.send(request, options, provided).await? {
            Ok(sent) => sent,
            Err(SendFailure::HeadersTimedOut) => {
                return Ok(retry_if_idempotent(AttemptFailure::Timeout));
            }
            Err(SendFailure::Transport(e, _)) if e.is_timeout() => {
                return Ok(retry_if_idempotent(AttemptFailure::Timeout));
            }
            // A refused connection never reached the server: retrying is safe for any method.
            Err(SendFailure::Transport(e, url)) if e.is_connect() => {
                let last = self.transport_failure(e, &url);
                return Ok(Attempt::Retry { delay: None, last });
            }
            Err(SendFailure::Transport(e, url)) => {
                return Ok(retry_if_idempotent(self.transport_failure(e, &url)));
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        if request.streams && status.is_success() {
            let url = self.redact(&url);
            return Ok(Attempt::Live(Live {
                status,
                headers,
                response,
                url,
            }));
        }
        let limit = self.inner.max_response_body;
        let body = match read_body(&mut response, limit).await {
            Ok(body) => body,
            Err(BodyFailure::TooLarge) => {
                let status_code = status.as_u16();
                tracing::debug!(
                    status = status_code,
                    limit,
                    "the response body is larger than the limit"
                );
                let last = AttemptFailure::BodyTooLarge { status, limit };
                return Ok(Attempt::Fail(last));
            }
            Err(BodyFailure::Read(e)) if e.is_timeout() => {
                return Ok(retry_if_idempotent(AttemptFailure::Timeout));
            }
            Err(BodyFailure::Read(e)) => {
                return Ok(retry_if_idempotent(self.transport_failure(e, &url)));
            }
        };
        let raw = RawResponse {
            status,
            headers,
            body,
        };
        Ok(if is_retryable_status(status.as_u16()) && idempotent {
            let delay = retry_after(&raw.headers, SystemTime::now());
            let last = AttemptFailure::Status(raw);
            Attempt::Retry { delay, last }
        } else {
            Attempt::Done(raw)
        })
    }

    /// A transport failure as the caller and the logs see it: reqwest's error without its URL,
    /// and the URL with credentials redacted.
    fn transport_failure(&self, source: reqwest::Error, url: &Url) -> AttemptFailure {
        let source = source.without_url();
        let url = self.redact(url);
        tracing::debug!(url = %url, error = %source, "the request failed");
        AttemptFailure::Transport { source, url }
    }

    /// Sends one attempt, following redirects as the policy says. Credentials go only to the
    /// origin of the request's base URL; a chain that leaves it carries none from then on.
    async fn send<E>(
        &self,
        request: &Request,
        options: &RequestOptions,
        provided: &[Secret],
    ) -> Result<Sent, Error<E>> {
        let inner = &self.inner;
        let mut hop = Hop::first(request.method.clone());
        let mut redirects = 0;
        loop {
            let built = self.assemble(request, options, provided, &hop)?;
            let url = built.url().clone();
            let timeout = options.timeout.or(inner.timeout);
            let sent = match timeout.filter(|_| request.streams) {
                // The request carries no timeout of its own: one would cut the stream.
                Some(timeout) => {
                    match tokio::time::timeout(timeout, inner.http.execute(built)).await {
                        Ok(sent) => sent,
                        Err(_) => return Ok(Err(SendFailure::HeadersTimedOut)),
                    }
                }
                None => inner.http.execute(built).await,
            };
            let response = match sent {
                Ok(response) => response,
                Err(e) => return Ok(Err(SendFailure::Transport(e, url))),
            };
            let status = response.status();
            // The fragment never leaves the client (a path such as `/files/{id}#shared_link`
            // names an operation, not a resource): only another URL is a redirect.
            if !same_except_fragment(response.url(), &url) {
                // Only a `reqwest::Client` given to `http_client` follows redirects itself.
                return Err(Error::Redirect {
                    status,
                    location: self.redact(response.url()),
                    reason: RedirectReason::FollowedByHttpClient,
                });
            }
            let next = match redirect_location(status, response.headers(), &url) {
                Some(next) if inner.redirect != RedirectPolicy::None => next,
                _ => return Ok(Ok((response, url))),
            };
            let same_origin_hop =
                hop.with_credentials && same_origin(&next, &inner.base_for(request).url);
            let refuse = |reason| Error::Redirect {
                status,
                location: self.redact(&next),
                reason,
            };
            if !same_origin_hop && inner.redirect == RedirectPolicy::SameOrigin {
                return Err(refuse(RedirectReason::CrossOrigin));
            }
            if redirects == MAX_REDIRECTS {
                return Err(refuse(RedirectReason::TooManyRedirects));
            }
            redirects += 1;
            tracing::debug!(
                status = status.as_u16(),
                location = %self.redact(&next),
                same_origin = same_origin_hop,
                "following a redirect"
            );
            hop = hop.follow(status, next, same_origin_hop);
        }
    }

    /// A URL as it may be shown in errors and logs.
    pub(crate) fn redact(&self, url: &Url) -> String {
        redact_url(url, &self.inner.secret_query_names)
    }

    /// The security alternative this request uses: the first whose schemes all have credentials.
    pub(crate) fn chosen_alternative(&self, request: &Request) -> Option<&'static [&'static str]> {
        let configured = |scheme: &&str| self.inner.credentials.iter().any(|(s, _)| s == scheme);
        request
            .security
            .iter()
            .find(|alternative| alternative.iter().all(configured))
            .copied()
    }

    /// Asks token providers of the chosen alternative for fresh tokens.
    async fn provided_tokens<E>(&self, request: &Request) -> Result<Vec<Secret>, Error<E>> {
        let mut tokens = Vec::new();
        for scheme in self.chosen_alternative(request).unwrap_or_default() {
            let credential = self.inner.credentials.iter().find(|(s, _)| s == scheme);
            if let Some((name, Credential::BearerProvider(provider))) = credential {
                tokens.push(provider.token(name).await?);
            }
        }
        Ok(tokens)
    }
}

/// Turns the last failure into the caller's result: a response with a bad status is still a
/// response, to be decoded by status.
fn fail<E>(failure: AttemptFailure, attempts: u32, span: &Span) -> Result<RawResponse, Error<E>> {
    match failure {
        AttemptFailure::Status(response) => {
            span.record("status", response.status.as_u16());
            Ok(response)
        }
        AttemptFailure::Timeout => Err(Error::Timeout { attempts }),
        AttemptFailure::Transport { source, url } => Err(Error::Transport {
            source,
            url,
            attempts,
        }),
        AttemptFailure::BodyTooLarge { status, limit } => {
            span.record("status", status.as_u16());
            Err(Error::BodyTooLarge { status, limit })
        }
    }
}
