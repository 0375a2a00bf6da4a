//! The runtime shared by every API module of this crate: configuration, credentials, request
//! building, retries, timeouts, response decoding and errors. Operations stay small because
//! everything they have in common lives here, once.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ::reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use ::serde::Serialize;
use ::serde::de::DeserializeOwned;

pub use ::bytes::Bytes;
pub use ::reqwest::{Method, StatusCode};

/// Statuses worth another attempt: the server says try later, or failed in passing.
const RETRYABLE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// A secret string (API key, token, password). It never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call sites of this method are the only places it can leak from.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

/// An optional, nullable field of a request type: leaving it out, sending `null` and sending a
/// value are three different requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent at all (the default).
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True when the field is not sent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if there is one.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Absent | Self::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Self::Value(value.to_string())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(serializer),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: ::serde::Deserialize<'de>> ::serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Self::Value(v),
            None => Self::Null,
        })
    }
}

/// The future a token provider returns.
pub type TokenFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Secret, String>> + Send>>;

/// An async callback that yields a bearer token; called before every attempt that needs one,
/// so it can cache and refresh tokens as it sees fit.
#[derive(Clone)]
pub struct TokenProvider(Arc<dyn Fn() -> TokenFuture + Send + Sync>);

impl TokenProvider {
    /// Wraps an async function returning a token or an error message.
    pub fn new<F, Fut, T, E>(provider: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<T, E>> + Send + 'static,
        T: Into<Secret>,
        E: fmt::Display,
    {
        Self(Arc::new(move || {
            let future = provider();
            Box::pin(async move { future.await.map(Into::into).map_err(|e| e.to_string()) })
        }))
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenProvider")
    }
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// An HTTP header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// One configured credential, keyed by the name of its security scheme.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A key sent verbatim in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, parameter or cookie name.
        name: &'static str,
        /// The key.
        value: Secret,
    },
    /// A token sent as `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// A bearer token asked of a provider before each request, so it can be refreshed.
    BearerProvider(TokenProvider),
    /// HTTP basic authentication.
    Basic {
        /// The user name.
        username: String,
        /// The password, if any.
        password: Option<Secret>,
    },
}

/// A server the spec lists, with its variables and their defaults.
#[derive(Debug, Clone, Copy)]
pub struct ServerInfo {
    /// The URL, possibly with `{variable}` placeholders.
    pub url: &'static str,
    /// What the spec says of this server.
    pub description: &'static str,
    /// `(name, default, allowed values)`; an empty list allows any value.
    pub variables: &'static [(&'static str, &'static str, &'static [&'static str])],
}

/// Why a client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// Credentials would travel in cleartext: the base URL is plain `http://` to a host that is
    /// not loopback. `allow_insecure_http(true)` on the builder accepts this.
    InsecureHttp {
        /// The base URL, with any user info redacted.
        base_url: String,
    },
    /// A setting is invalid; the message says which and why.
    Invalid(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InsecureHttp { base_url } => write!(
                f,
                "cannot build the client: credentials would be sent in cleartext to {base_url}; use https, or accept the risk with `allow_insecure_http(true)`"
            ),
            Self::Invalid(reason) => write!(f, "cannot build the client: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// First backoff; each retry doubles it, with full jitter.
    pub initial_backoff: Duration,
    /// The longest pause between attempts, before jitter.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Settings common to every API's client builder.
#[derive(Clone, Default)]
pub struct ClientConfig {
    base_url: Option<String>,
    server: usize,
    server_variables: Vec<(String, String)>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<::reqwest::Client>,
    retry: RetryPolicy,
    default_headers: Vec<(String, String)>,
    credentials: Vec<(&'static str, Credential)>,
    hooks: Vec<RequestHook>,
    redirect: RedirectPolicy,
    allow_insecure_http: bool,
    max_response_body: Option<u64>,
}

/// By hand: the base URL may hold a password and default headers may hold tokens.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url.as_deref().map(redact_userinfo))
            .field("server", &self.server)
            .field("server_variables", &self.server_variables)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("default_headers", &self.default_headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("credentials", &self.credentials)
            .field("redirect", &self.redirect)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("max_response_body", &self.max_response_body)
            .finish_non_exhaustive()
    }
}

/// A function that sees (and may change) every request just before it is sent, after
/// credentials and headers are applied: for signing, logging or extra headers. Returning an
/// error stops the call with `Error::InvalidRequest`.
#[derive(Clone)]
pub struct RequestHook(Arc<HookFn>);

type HookFn = dyn Fn(&mut ::reqwest::Request) -> Result<(), String> + Send + Sync;

impl RequestHook {
    /// Wraps a hook function.
    pub fn new(hook: impl Fn(&mut ::reqwest::Request) -> Result<(), String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(hook))
    }
}

impl fmt::Debug for RequestHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestHook")
    }
}

impl ClientConfig {
    /// Adds a hook run on every request, after those added before it.
    pub fn request_hook(&mut self, hook: RequestHook) {
        self.hooks.push(hook);
    }

    /// Uses this base URL instead of a server from the spec.
    pub fn base_url(&mut self, url: impl Into<String>) {
        self.base_url = Some(url.into());
    }

    /// Picks a server of the spec by index.
    pub fn server(&mut self, index: usize) {
        self.server = index;
    }

    /// Fills a server URL variable.
    pub fn server_variable(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.server_variables.push((name.into(), value.into()));
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Replaces the default `User-Agent`.
    pub fn user_agent(&mut self, user_agent: impl Into<String>) {
        self.user_agent = Some(user_agent.into());
    }

    /// Uses this HTTP client. It must not follow redirects itself (build it with
    /// `reqwest::redirect::Policy::none()`): the runtime follows them, and only it keeps
    /// credentials on their origin.
    pub fn http_client(&mut self, client: ::reqwest::Client) {
        self.http = Some(client);
    }

    /// Chooses which redirects are followed.
    pub fn redirect_policy(&mut self, policy: RedirectPolicy) {
        self.redirect = policy;
    }

    /// Allows credentials over plain `http://` to a host that is not loopback.
    pub fn allow_insecure_http(&mut self, allow: bool) {
        self.allow_insecure_http = allow;
    }

    /// The largest response body read, in bytes; a larger one ends the call with
    /// `Error::BodyTooLarge`.
    pub fn max_response_body(&mut self, limit: u64) {
        self.max_response_body = Some(limit);
    }

    /// The retry policy, to adjust.
    pub fn retry_policy(&mut self) -> &mut RetryPolicy {
        &mut self.retry
    }

    /// Sends this header on every request.
    pub fn default_header(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.default_headers.push((name.into(), value.into()));
    }

    /// Sets the credential of one security scheme, replacing an earlier one.
    pub fn credential(&mut self, scheme: &'static str, credential: Credential) {
        self.credentials.retain(|(s, _)| *s != scheme);
        self.credentials.push((scheme, credential));
    }

    /// Resolves the base URL and validates every setting.
    pub fn build(self, servers: &[ServerInfo], default_user_agent: &str) -> Result<ApiClient, BuildError> {
        let base_url = match self.base_url {
            Some(url) => url,
            None => server_url(servers, self.server, &self.server_variables)?,
        };
        let base = BaseUrl::parse(&base_url)?;
        let has_credentials = !self.credentials.is_empty() || base.userinfo.is_some();
        if has_credentials && base.url.scheme() == "http" && !is_loopback(&base.url) && !self.allow_insecure_http {
            return Err(BuildError::InsecureHttp { base_url: base.display.clone() });
        }
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| BuildError::Invalid(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| BuildError::Invalid(format!("the value of header `{name}` has invalid characters")))?;
            default_headers.append(name, value);
        }
        for (scheme, credential) in &self.credentials {
            validate_credential(scheme, credential).map_err(BuildError::Invalid)?;
        }
        let user_agent = self.user_agent.unwrap_or_else(|| default_user_agent.to_string());
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| BuildError::Invalid("the user agent has invalid characters".to_string()))?;
        let http = match self.http {
            Some(http) => http,
            // The runtime follows redirects itself, so that credentials stay on their origin.
            None => ::reqwest::Client::builder()
                .redirect(::reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::Invalid(format!("cannot create the HTTP client: {e}")))?,
        };
        let secret_query_names = self
            .credentials
            .iter()
            .filter_map(|(_, credential)| match credential {
                Credential::ApiKey { location: ApiKeyLocation::Query, name, .. } => Some(*name),
                _ => None,
            })
            .collect();
        Ok(ApiClient {
            inner: Arc::new(Inner {
                base,
                http,
                timeout: self.timeout,
                retry: self.retry,
                user_agent,
                default_headers,
                credentials: self.credentials,
                hooks: self.hooks,
                redirect: self.redirect,
                max_response_body: self.max_response_body.unwrap_or(DEFAULT_MAX_RESPONSE_BODY),
                secret_query_names,
            }),
        })
    }
}

fn server_url(servers: &[ServerInfo], index: usize, variables: &[(String, String)]) -> Result<String, BuildError> {
    let Some(server) = servers.get(index) else {
        return Err(BuildError::Invalid(if servers.is_empty() {
            "the spec lists no server; set one with `base_url`".to_string()
        } else {
            format!("server {index} does not exist; the spec lists {}", servers.len())
        }));
    };
    let mut url = server.url.to_string();
    for (name, value) in variables {
        if !server.variables.iter().any(|(n, _, _)| n == name) {
            return Err(BuildError::Invalid(format!("server `{}` has no variable `{name}`", server.url)));
        }
        let _ = value;
    }
    for (name, default, allowed) in server.variables {
        let value = variables
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(*default, |(_, v)| v.as_str());
        if !allowed.is_empty() && !allowed.contains(&value) {
            return Err(BuildError::Invalid(format!(
                "`{value}` is not an allowed value of server variable `{name}` (allowed: {})",
                allowed.join(", ")
            )));
        }
        url = url.replace(&format!("{{{name}}}"), value);
    }
    Ok(url)
}

/// The resolved base URL: where paths are appended, the origin credentials are bound to, and
/// the user info it carried (sent as basic authentication, never printed).
struct BaseUrl {
    /// The URL without user info and without a trailing slash, to append paths to.
    text: String,
    /// The same, parsed: its origin is the one credentials are bound to.
    url: ::reqwest::Url,
    /// The URL as printed: user info replaced by the redaction marker.
    display: String,
    /// `user:password` from the URL, percent-decoded.
    userinfo: Option<(String, Option<Secret>)>,
}

impl BaseUrl {
    /// Accepts absolute http(s) URLs and scheme-relative ones (`//host/`, given https), and
    /// drops a trailing slash so paths can be appended.
    fn parse(url: &str) -> Result<Self, BuildError> {
        let shown = redact_userinfo(url);
        let absolute = match url.strip_prefix("//") {
            Some(rest) => format!("https://{rest}"),
            None => url.to_string(),
        };
        let mut parsed = ::reqwest::Url::parse(&absolute)
            .map_err(|e| BuildError::Invalid(format!("base URL `{shown}` is not a valid URL ({e}); set one with `base_url`")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(BuildError::Invalid(format!("base URL `{shown}` must be an http or https URL")));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(BuildError::Invalid(format!("base URL `{shown}` must not have a query or fragment")));
        }
        let mut text = absolute.trim_end_matches('/').to_string();
        let mut userinfo = None;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            let decode = |part: &str| ::percent_encoding::percent_decode_str(part).decode_utf8_lossy().into_owned();
            userinfo = Some((decode(parsed.username()), parsed.password().map(|p| Secret::new(decode(p)))));
            // Removing user info from an http(s) URL cannot fail; the results say nothing new.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            text = parsed.as_str().trim_end_matches('/').to_string();
        }
        if let Some((username, password)) = &userinfo {
            let invalid = HeaderValue::from_str(username).is_err() || password.as_ref().is_some_and(|p| HeaderValue::from_str(p.expose()).is_err());
            if invalid {
                return Err(BuildError::Invalid(format!("the user info of base URL `{shown}` has characters not allowed in HTTP headers")));
            }
        }
        Ok(Self { text, url: parsed, display: redact_userinfo(&absolute), userinfo })
    }
}

fn validate_credential(scheme: &str, credential: &Credential) -> Result<(), String> {
    let check = |value: &str| {
        HeaderValue::from_str(value)
            .map(|_| ())
            .map_err(|_| format!("the credential for `{scheme}` contains characters not allowed in HTTP headers (such as CR or LF)"))
    };
    match credential {
        Credential::ApiKey { value, .. } | Credential::Bearer(value) => check(value.expose()),
        Credential::BearerProvider(_) => Ok(()),
        Credential::Basic { username, password } => {
            check(username)?;
            password.as_ref().map_or(Ok(()), |p| check(p.expose()))
        }
    }
}

/// The shared core of every generated `Client`: cheap to clone, safe to share across tasks.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

struct Inner {
    base: BaseUrl,
    http: ::reqwest::Client,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: HeaderValue,
    default_headers: HeaderMap,
    credentials: Vec<(&'static str, Credential)>,
    hooks: Vec<RequestHook>,
    redirect: RedirectPolicy,
    max_response_body: u64,
    /// Query parameters that carry API keys: their values are redacted wherever a URL is shown.
    secret_query_names: Vec<&'static str>,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.inner.credentials.iter().map(|(s, _)| *s).collect();
        f.debug_struct("ApiClient")
            .field("base_url", &self.inner.base.display)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("default_headers", &self.inner.default_headers.keys().collect::<Vec<_>>())
            .field("credentials_for", &schemes)
            .field("redirect", &self.inner.redirect)
            .field("max_response_body", &self.inner.max_response_body)
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

/// A file in a multipart body (`format: binary`): its bytes, and optionally a file name and a
/// media type. In JSON it travels as base64.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    /// The content.
    pub bytes: Bytes,
    /// The file name sent with the part.
    pub file_name: Option<String>,
    /// The part's `Content-Type` (default `application/octet-stream`).
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file part with these bytes.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Sets the file name.
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's media type.
    #[must_use]
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl Serialize for FilePart {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ::base64::Engine as _;
        serializer.serialize_str(&::base64::engine::general_purpose::STANDARD.encode(&self.bytes))
    }
}

impl<'de> ::serde::Deserialize<'de> for FilePart {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use ::base64::Engine as _;
        let text = String::deserialize(deserializer)?;
        // Servers that send raw text for binary fields are kept as they are.
        let bytes = ::base64::engine::general_purpose::STANDARD.decode(&text).unwrap_or_else(|_| text.into_bytes());
        Ok(Self::new(bytes))
    }
}

/// One field of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartField {
    /// The field name.
    pub name: String,
    /// Text or a file.
    pub value: MultipartValue,
}

/// The content of a multipart field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultipartValue {
    /// A text field.
    Text(String),
    /// A file field.
    File(FilePart),
}

/// Types sent as `multipart/form-data`: generated for multipart request bodies.
pub trait ToMultipart {
    /// The fields, in order.
    ///
    /// # Errors
    ///
    /// When a field cannot be written as text.
    fn to_multipart(&self) -> Result<Vec<MultipartField>, InvalidRequest>;
}

/// Any JSON object goes field by field, as text.
impl ToMultipart for ::serde_json::Value {
    fn to_multipart(&self) -> Result<Vec<MultipartField>, InvalidRequest> {
        let mut fields = Vec::new();
        if let ::serde_json::Value::Object(map) = self {
            for (name, value) in map {
                push_text(&mut fields, name, value)?;
            }
        }
        Ok(fields)
    }
}

/// A free-form object goes field by field, as text.
impl ToMultipart for ::serde_json::Map<String, ::serde_json::Value> {
    fn to_multipart(&self) -> Result<Vec<MultipartField>, InvalidRequest> {
        let mut fields = Vec::new();
        for (name, value) in self {
            push_text(&mut fields, name, value)?;
        }
        Ok(fields)
    }
}

/// Adds a text field (arrays as repeated fields; `None` and `null` as nothing).
///
/// # Errors
///
/// When the value cannot be serialized.
pub fn push_text<T: Serialize + ?Sized>(fields: &mut Vec<MultipartField>, name: &str, value: &T) -> Result<(), InvalidRequest> {
    let value = to_value(name, value)?;
    let values = match value {
        ::serde_json::Value::Array(items) => items,
        ::serde_json::Value::Null => Vec::new(),
        other => vec![other],
    };
    for value in values {
        let text = match value {
            ::serde_json::Value::String(s) => s,
            ::serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        fields.push(MultipartField { name: name.to_string(), value: MultipartValue::Text(text) });
    }
    Ok(())
}

/// File fields: one file, an optional one, or several.
pub trait FileParts {
    /// The files.
    fn file_parts(&self) -> Vec<&FilePart>;
}

impl FileParts for FilePart {
    fn file_parts(&self) -> Vec<&FilePart> {
        vec![self]
    }
}

impl<T: FileParts> FileParts for Option<T> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.as_ref().map(FileParts::file_parts).unwrap_or_default()
    }
}

impl<T: FileParts> FileParts for Nullable<T> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.as_ref().map(FileParts::file_parts).unwrap_or_default()
    }
}

impl<T: FileParts> FileParts for Vec<T> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().flat_map(FileParts::file_parts).collect()
    }
}

/// Adds file fields.
pub fn push_files(fields: &mut Vec<MultipartField>, name: &str, files: &impl FileParts) {
    for file in files.file_parts() {
        fields.push(MultipartField { name: name.to_string(), value: MultipartValue::File(file.clone()) });
    }
}

/// The body of a request, kept as data so retries can resend it.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// A `multipart/form-data` body, encoded afresh for each attempt.
    Multipart(Vec<MultipartField>),
    /// Bytes with their media type.
    Bytes {
        /// The `Content-Type` header value.
        content_type: &'static str,
        /// The encoded body.
        bytes: Bytes,
    },
}

/// A request under construction: what an operation knows before the client adds base URL,
/// credentials and headers.
#[derive(Debug)]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<(String, String)>,
    body: Body,
    security: &'static [&'static [&'static str]],
    accept: Option<&'static str>,
}

impl Request {
    /// A request for `operation` to `path` (already encoded), documented as `path_template`.
    pub fn new(operation: &'static str, method: Method, path_template: &'static str, path: String) -> Self {
        Self {
            operation,
            method,
            path_template,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            security: &[],
            accept: None,
        }
    }

    /// The media types this operation can decode, sent as `Accept` so servers that negotiate
    /// answer in one of them.
    pub fn accept(&mut self, media_types: &'static str) {
        self.accept = Some(media_types);
    }

    /// Security alternatives by scheme name; the first fully configured one is used.
    pub fn security(&mut self, alternatives: &'static [&'static [&'static str]]) {
        self.security = alternatives;
    }

    /// Adds a query parameter per the spec's style; `None` sends nothing.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle, explode: bool) -> Result<(), InvalidRequest> {
        let value = to_value(name, value)?;
        encode_query(&mut self.query, name, &value, style, explode)
    }

    /// Adds a header parameter; `None` sends nothing.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), InvalidRequest> {
        match to_value(name, value)? {
            ::serde_json::Value::Null => Ok(()),
            value => {
                let text = simple_text(name, &value)?;
                HeaderValue::from_str(&text).map_err(|_| {
                    InvalidRequest(format!("header parameter `{name}` contains characters not allowed in HTTP headers"))
                })?;
                self.headers.push((name, text));
                Ok(())
            }
        }
    }

    /// Adds a cookie parameter; `None` sends nothing.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), InvalidRequest> {
        match to_value(name, value)? {
            ::serde_json::Value::Null => Ok(()),
            value => {
                let text = simple_text(name, &value)?;
                self.cookies.push((name.to_string(), text));
                Ok(())
            }
        }
    }

    /// Sets a JSON body.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) -> Result<(), InvalidRequest> {
        let bytes = ::serde_json::to_vec(body).map_err(|e| InvalidRequest(format!("cannot serialize the request body: {e}")))?;
        self.body = Body::Bytes { content_type, bytes: bytes.into() };
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body. Each property is encoded as OpenAPI's
    /// default `encoding` says (form style, exploded): an array repeats its name, an object
    /// spreads its fields.
    pub fn form_body<T: Serialize + ?Sized>(&mut self, content_type: &'static str, body: &T) -> Result<(), InvalidRequest> {
        let mut pairs = Vec::new();
        match to_value("body", body)? {
            ::serde_json::Value::Null => {}
            ::serde_json::Value::Object(fields) => {
                for (name, value) in &fields {
                    encode_query(&mut pairs, name, value, QueryStyle::Form, true)?;
                }
            }
            _ => return Err(InvalidRequest("cannot encode the form body: it is not an object".into())),
        }
        let text = ::serde_urlencoded::to_string(&pairs)
            .map_err(|e| InvalidRequest(format!("cannot encode the form body: {e}")))?;
        self.body = Body::Bytes { content_type, bytes: text.into() };
        Ok(())
    }

    /// Sets a `multipart/form-data` body.
    ///
    /// # Errors
    ///
    /// When a field cannot be written.
    pub fn multipart_body<T: ToMultipart + ?Sized>(&mut self, body: &T) -> Result<(), InvalidRequest> {
        self.body = Body::Multipart(body.to_multipart()?);
        Ok(())
    }

    /// Sets a body of raw bytes.
    pub fn raw_body(&mut self, content_type: &'static str, bytes: impl Into<Bytes>) {
        self.body = Body::Bytes { content_type, bytes: bytes.into() };
    }
}

/// Serialization styles of query parameters (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `name=a&name=b`, or `name=a,b` unexploded.
    Form,
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[key]=value`.
    DeepObject,
}

/// A request the client refuses to send, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest(pub String);

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<::serde_json::Value, InvalidRequest> {
    ::serde_json::to_value(value).map_err(|e| InvalidRequest(format!("cannot serialize parameter `{name}`: {e}")))
}

/// The text of a scalar parameter value (strings unquoted).
fn simple_text(name: &str, value: &::serde_json::Value) -> Result<String, InvalidRequest> {
    use ::serde_json::Value;
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        Value::Array(items) => Ok(items.iter().map(|i| simple_text(name, i)).collect::<Result<Vec<_>, _>>()?.join(",")),
        Value::Object(_) => Err(InvalidRequest(format!("parameter `{name}` is an object, which this location cannot carry"))),
    }
}

fn encode_query(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &::serde_json::Value,
    style: QueryStyle,
    explode: bool,
) -> Result<(), InvalidRequest> {
    use ::serde_json::Value;
    match value {
        Value::Null => {}
        Value::Array(items) if explode => {
            for item in items {
                out.push((name.to_string(), simple_text(name, item)?));
            }
        }
        Value::Array(items) => {
            let separator = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                QueryStyle::Form | QueryStyle::DeepObject => ",",
            };
            let texts = items.iter().map(|i| simple_text(name, i)).collect::<Result<Vec<_>, _>>()?;
            out.push((name.to_string(), texts.join(separator)));
        }
        Value::Object(fields) => match style {
            QueryStyle::DeepObject => {
                for (key, field) in fields {
                    if !field.is_null() {
                        out.push((format!("{name}[{key}]"), simple_text(name, field)?));
                    }
                }
            }
            _ if explode => {
                for (key, field) in fields {
                    if !field.is_null() {
                        out.push((key.clone(), simple_text(name, field)?));
                    }
                }
            }
            _ => {
                let mut parts = Vec::new();
                for (key, field) in fields {
                    if !field.is_null() {
                        parts.push(key.clone());
                        parts.push(simple_text(name, field)?);
                    }
                }
                out.push((name.to_string(), parts.join(",")));
            }
        },
        scalar => out.push((name.to_string(), simple_text(name, scalar)?)),
    }
    Ok(())
}

/// Characters left as they are in a path segment: RFC 3986 unreserved. Everything else,
/// including `/`, `?`, `#` and `%`, is percent-encoded so a value stays inside its segment.
const PATH_SEGMENT: &::percent_encoding::AsciiSet = &::percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path parameter. Empty values and the dot segments `.` and `..` are refused:
/// URL normalization would remove them (even percent-encoded), silently sending the request
/// to another resource.
pub fn path_param<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String, InvalidRequest> {
    let text = simple_text(name, &to_value(name, value)?)?;
    if text.is_empty() || text == "." || text == ".." {
        return Err(InvalidRequest(format!(
            "path parameter `{name}` cannot be {text:?}: it would not stay one path segment"
        )));
    }
    Ok(::percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT).to_string())
}

/// A response as received, before it is decoded by status.
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    fn into_value<T>(self, value: T) -> ResponseValue<T> {
        ResponseValue { status: self.status, headers: self.headers, body: self.body, value }
    }

    /// Decodes a JSON body, reporting the path of the first mismatch.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        // The fast path decodes without tracking paths; only a body that fails is decoded again
        // to name where (same value, same error, no cost on success).
        if let Ok(value) = ::serde_json::from_slice(&self.body) {
            return Ok(self.into_value(value));
        }
        let mut deserializer = ::serde_json::Deserializer::from_slice(&self.body);
        match ::serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(value) => Ok(self.into_value(value)),
            Err(err) => {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                Err(Error::Decode(Box::new(DecodeError { response: self, path, message })))
            }
        }
    }

    /// Decodes a UTF-8 text body.
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(self.into_value(text)),
            Err(e) => Err(Error::Decode(Box::new(DecodeError {
                response: self,
                path: String::new(),
                message: format!("the body is not UTF-8 text: {e}"),
            }))),
        }
    }

    /// Keeps the body as bytes.
    pub fn bytes<E>(self) -> Result<ResponseValue<Bytes>, Error<E>> {
        let body = self.body.clone();
        Ok(self.into_value(body))
    }

    /// For responses documented without a body; whatever is sent is ignored but kept.
    pub fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        Ok(self.into_value(()))
    }

    /// Decodes a JSON body and wraps it (in an outcome enum variant, typically).
    pub fn json_with<T: DeserializeOwned, U, E>(self, wrap: impl FnOnce(T) -> U) -> Result<ResponseValue<U>, Error<E>> {
        self.json::<T, E>().map(|v| v.map(wrap))
    }

    /// Decodes a text body and wraps it.
    pub fn text_with<U, E>(self, wrap: impl FnOnce(String) -> U) -> Result<ResponseValue<U>, Error<E>> {
        self.text().map(|v| v.map(wrap))
    }

    /// Keeps a binary body and wraps it.
    pub fn bytes_with<U, E>(self, wrap: impl FnOnce(Bytes) -> U) -> Result<ResponseValue<U>, Error<E>> {
        self.bytes().map(|v| v.map(wrap))
    }

    /// For a documented response without a body: the value that stands for it.
    pub fn empty_as<U, E>(self, value: U) -> Result<ResponseValue<U>, Error<E>> {
        Ok(self.into_value(value))
    }

    /// The error for a status the spec does not document.
    pub fn unexpected<T, E>(self) -> Result<T, Error<E>> {
        Err(Error::UnexpectedStatus(Box::new(self)))
    }
}

/// Turns a decoded documented-error response into the error it is.
pub fn api_error<T, E>(decoded: Result<ResponseValue<E>, Error<E>>) -> Result<T, Error<E>> {
    match decoded {
        Ok(value) => Err(Error::Api(Box::new(value))),
        Err(err) => Err(err),
    }
}

/// A decoded response with its status, headers and raw body.
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    value: T,
}

impl<T> ResponseValue<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body exactly as received.
    pub fn raw_body(&self) -> &Bytes {
        &self.body
    }

    /// The decoded value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value, dropping status and headers.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Transforms the value, keeping status, headers and body.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue { status: self.status, headers: self.headers, body: self.body, value: f(self.value) }
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// A body that did not match the documented type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The response whose body failed to decode.
    pub response: RawResponse,
    /// Where in the body decoding failed (`result[3].access_scope_level`).
    pub path: String,
    /// What serde reported.
    pub message: String,
}

/// Everything that can go wrong with a call. `E` is the operation's documented error type.
#[derive(Debug)]
pub enum Error<E> {
    /// The server answered with a documented error status.
    Api(Box<ResponseValue<E>>),
    /// The server answered with a status the spec does not document.
    UnexpectedStatus(Box<RawResponse>),
    /// The body did not match the documented type.
    Decode(Box<DecodeError>),
    /// No response within the timeout, after all retries.
    Timeout {
        /// How many attempts were made.
        attempts: u32,
    },
    /// The request could not be sent or the response not read.
    Transport {
        /// What reqwest reported, without its URL (which may hold an API key).
        source: ::reqwest::Error,
        /// The URL of the failed request, with credentials redacted.
        url: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A redirect the client did not follow (see [`RedirectPolicy`]).
    Redirect {
        /// The status of the redirect response.
        status: StatusCode,
        /// Where it pointed, with credentials redacted.
        location: String,
        /// Why it was not followed.
        reason: RedirectReason,
    },
    /// The response body was larger than the client's limit; reading stopped there.
    BodyTooLarge {
        /// The status of the response.
        status: StatusCode,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The client refused to send the request (bad parameter value, for example).
    InvalidRequest(InvalidRequest),
    /// The token provider failed.
    Credentials(String),
}

impl<E> Error<E> {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(r) => Some(r.status()),
            Self::UnexpectedStatus(r) => Some(r.status()),
            Self::Decode(d) => Some(d.response.status()),
            Self::Redirect { status, .. } | Self::BodyTooLarge { status, .. } => Some(*status),
            Self::Timeout { .. } | Self::Transport { .. } | Self::InvalidRequest(_) | Self::Credentials(_) => None,
        }
    }

    /// The raw response body, when a response arrived.
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Self::Api(r) => Some(r.raw_body()),
            Self::UnexpectedStatus(r) => Some(r.body()),
            Self::Decode(d) => Some(d.response.body()),
            Self::Timeout { .. }
            | Self::Transport { .. }
            | Self::Redirect { .. }
            | Self::BodyTooLarge { .. }
            | Self::InvalidRequest(_)
            | Self::Credentials(_) => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(r) => write!(f, "the server answered {}: {:?}", r.status(), r.value()),
            Self::UnexpectedStatus(r) => write!(
                f,
                "the server answered {}, which the API does not document: {}",
                r.status(),
                String::from_utf8_lossy(&r.body()[..r.body().len().min(512)])
            ),
            Self::Decode(d) => write!(
                f,
                "the {} response body does not match its documented type at `{}`: {}",
                d.response.status(),
                d.path,
                d.message
            ),
            Self::Timeout { attempts } => write!(f, "no response within the timeout ({attempts} attempt(s))"),
            Self::Transport { source, url, attempts } => write!(f, "the request to {url} failed after {attempts} attempt(s): {source}"),
            Self::Redirect { status, location, reason } => write!(f, "the server redirected ({status}) to {location}, which was not followed: {reason}"),
            Self::BodyTooLarge { status, limit } => write!(f, "the {status} response body is larger than the limit of {limit} bytes"),
            Self::InvalidRequest(e) => write!(f, "invalid request: {e}"),
            Self::Credentials(e) => write!(f, "the token provider failed: {e}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl<E> From<InvalidRequest> for Error<E> {
    fn from(e: InvalidRequest) -> Self {
        Self::InvalidRequest(e)
    }
}

/// What happened to one attempt, and whether to try again.
enum Attempt {
    Done(RawResponse),
    Retry { delay: Option<Duration>, last: AttemptFailure },
    Fail(AttemptFailure),
}

enum AttemptFailure {
    Status(RawResponse),
    Timeout,
    Transport { source: ::reqwest::Error, url: String },
    BodyTooLarge { status: StatusCode, limit: u64 },
}

/// What sending one attempt gave: the final response and its URL, or the transport failure and
/// the URL that failed.
type Sent = Result<(::reqwest::Response, ::reqwest::Url), (::reqwest::Error, ::reqwest::Url)>;

impl ApiClient {
    /// The base URL every path is appended to, without user info (which is sent as basic
    /// authentication).
    pub fn base_url(&self) -> &str {
        &self.inner.base.text
    }

    /// Sends a request with credentials, retries and timeouts, and reads the whole response.
    pub async fn execute<E>(&self, request: Request, options: &RequestOptions) -> Result<RawResponse, Error<E>> {
        let span = ::tracing::debug_span!(
            "request",
            operation = request.operation,
            method = %request.method,
            path = request.path_template,
            status = ::tracing::field::Empty,
            attempt = ::tracing::field::Empty,
        );
        // `instrument`, not `enter`: a guard held across `.await` would tag other tasks' events.
        ::tracing::Instrument::instrument(self.execute_in(request, options, &span), span.clone()).await
    }

    async fn execute_in<E>(&self, request: Request, options: &RequestOptions, span: &::tracing::Span) -> Result<RawResponse, Error<E>> {
        let max_retries = options.max_retries.unwrap_or(self.inner.retry.max_retries);
        let idempotent = !matches!(request.method, Method::POST | Method::PATCH) || options.retry_non_idempotent;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let provided = self.provided_tokens(&request).await?;
            let outcome = self.attempt(&request, options, &provided, idempotent).await?;
            let retries_left = attempt <= max_retries;
            let failure = match outcome {
                Attempt::Done(response) => {
                    span.record("status", response.status.as_u16());
                    return Ok(response);
                }
                Attempt::Retry { delay, last } if retries_left => {
                    let delay = match delay {
                        Some(wait) if wait > self.inner.retry.max_retry_after => {
                            // The server asks for a longer pause than we are willing to make.
                            return self.fail(last, attempt, span);
                        }
                        Some(wait) => wait,
                        None => self.backoff(attempt),
                    };
                    ::tracing::debug!(attempt, ?delay, "retrying");
                    ::tokio::time::sleep(delay).await;
                    continue;
                }
                Attempt::Retry { last, .. } | Attempt::Fail(last) => last,
            };
            return self.fail(failure, attempt, span);
        }
    }

    /// Turns the last failure into the caller's result: a response with a bad status is still
    /// a response, to be decoded by status.
    fn fail<E>(&self, failure: AttemptFailure, attempts: u32, span: &::tracing::Span) -> Result<RawResponse, Error<E>> {
        match failure {
            AttemptFailure::Status(response) => {
                span.record("status", response.status.as_u16());
                Ok(response)
            }
            AttemptFailure::Timeout => Err(Error::Timeout { attempts }),
            AttemptFailure::Transport { source, url } => Err(Error::Transport { source, url, attempts }),
            AttemptFailure::BodyTooLarge { status, limit } => {
                span.record("status", status.as_u16());
                Err(Error::BodyTooLarge { status, limit })
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let policy = &self.inner.retry;
        let exp = policy.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let cap = exp.min(policy.max_backoff);
        // Full jitter: a uniformly random pause up to the cap spreads out retrying clients.
        cap.mul_f64(::fastrand::f64())
    }

    /// One attempt: send (following redirects), then read the body within the limit.
    async fn attempt<E>(&self, request: &Request, options: &RequestOptions, provided: &[Secret], idempotent: bool) -> Result<Attempt, Error<E>> {
        let retry_if_idempotent = |last| if idempotent { Attempt::Retry { delay: None, last } } else { Attempt::Fail(last) };
        let (mut response, url) = match self.send(request, options, provided).await? {
            Ok(sent) => sent,
            Err((e, _)) if e.is_timeout() => return Ok(retry_if_idempotent(AttemptFailure::Timeout)),
            // A refused connection never reached the server: retrying is safe for any method.
            Err((e, url)) if e.is_connect() => return Ok(Attempt::Retry { delay: None, last: self.transport_failure(e, &url) }),
            Err((e, url)) => return Ok(retry_if_idempotent(self.transport_failure(e, &url))),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match read_body(&mut response, self.inner.max_response_body).await {
            Ok(body) => body,
            Err(BodyFailure::TooLarge) => {
                let limit = self.inner.max_response_body;
                ::tracing::debug!(status = status.as_u16(), limit, "the response body is larger than the limit");
                return Ok(Attempt::Fail(AttemptFailure::BodyTooLarge { status, limit }));
            }
            Err(BodyFailure::Read(e)) if e.is_timeout() => return Ok(retry_if_idempotent(AttemptFailure::Timeout)),
            Err(BodyFailure::Read(e)) => return Ok(retry_if_idempotent(self.transport_failure(e, &url))),
        };
        let raw = RawResponse { status, headers, body };
        Ok(if RETRYABLE_STATUSES.contains(&status.as_u16()) && idempotent {
            let delay = retry_after(&raw.headers);
            Attempt::Retry { delay, last: AttemptFailure::Status(raw) }
        } else {
            Attempt::Done(raw)
        })
    }

    /// A transport failure as the caller and the logs see it: reqwest's error without its URL,
    /// and the URL with credentials redacted.
    fn transport_failure(&self, source: ::reqwest::Error, url: &::reqwest::Url) -> AttemptFailure {
        let source = source.without_url();
        let url = self.redact(url);
        ::tracing::debug!(url = %url, error = %source, "the request failed");
        AttemptFailure::Transport { source, url }
    }

    /// Sends one attempt, following redirects as the policy says. Credentials go only to the
    /// base URL's origin; a chain that leaves it carries none from then on.
    async fn send<E>(&self, request: &Request, options: &RequestOptions, provided: &[Secret]) -> Result<Sent, Error<E>> {
        let inner = &self.inner;
        let mut hop = Hop { method: request.method.clone(), url: None, with_body: true, with_credentials: true };
        let mut redirects = 0;
        loop {
            let built = self.build(request, options, provided, &hop)?;
            let url = built.url().clone();
            let response = match inner.http.execute(built).await {
                Ok(response) => response,
                Err(e) => return Ok(Err((e, url))),
            };
            if *response.url() != url {
                // Only a `reqwest::Client` given to `http_client` follows redirects itself.
                return Err(Error::Redirect {
                    status: response.status(),
                    location: self.redact(response.url()),
                    reason: RedirectReason::FollowedByHttpClient,
                });
            }
            let next = match redirect_location(&response) {
                Some(next) if inner.redirect != RedirectPolicy::None => next,
                _ => return Ok(Ok((response, url))),
            };
            let status = response.status();
            let same_origin_hop = hop.with_credentials && same_origin(&next, &inner.base.url);
            let refuse = |reason| Error::Redirect { status, location: self.redact(&next), reason };
            if !same_origin_hop && inner.redirect == RedirectPolicy::SameOrigin {
                return Err(refuse(RedirectReason::CrossOrigin));
            }
            if redirects == MAX_REDIRECTS {
                return Err(refuse(RedirectReason::TooManyRedirects));
            }
            redirects += 1;
            ::tracing::debug!(status = status.as_u16(), location = %self.redact(&next), same_origin = same_origin_hop, "following a redirect");
            hop = hop.follow(status, next, same_origin_hop);
        }
    }

    /// A URL as it may be shown in errors and logs.
    fn redact(&self, url: &::reqwest::Url) -> String {
        redact_url(url, &self.inner.secret_query_names)
    }

    /// The security alternative this request uses: the first whose schemes all have credentials.
    fn chosen_alternative(&self, request: &Request) -> Option<&'static [&'static str]> {
        let inner = &self.inner;
        request
            .security
            .iter()
            .find(|alt| alt.iter().all(|scheme| inner.credentials.iter().any(|(s, _)| s == scheme)))
            .copied()
    }

    /// Asks token providers of the chosen alternative for fresh tokens.
    async fn provided_tokens<E>(&self, request: &Request) -> Result<Vec<Secret>, Error<E>> {
        let mut tokens = Vec::new();
        for scheme in self.chosen_alternative(request).unwrap_or_default() {
            if let Some((_, Credential::BearerProvider(provider))) = self.inner.credentials.iter().find(|(s, _)| s == scheme) {
                let token = (provider.0)().await.map_err(Error::Credentials)?;
                HeaderValue::from_str(token.expose())
                    .map_err(|_| Error::Credentials("the provided token has characters not allowed in HTTP headers".to_string()))?;
                tokens.push(token);
            }
        }
        Ok(tokens)
    }

    /// Builds one request of an attempt. A hop that has left the base URL's origin gets no
    /// credential, default header, header or cookie parameter, and no request hook runs on it.
    fn build<E>(&self, request: &Request, options: &RequestOptions, provided: &[Secret], hop: &Hop) -> Result<::reqwest::Request, Error<E>> {
        let inner = &self.inner;
        let (mut url, mut query) = match &hop.url {
            // A redirect's URL replaces the operation's path and query.
            Some(url) => (url.clone(), Vec::new()),
            None => {
                let url = ::reqwest::Url::parse(&format!("{}{}", inner.base.text, request.path))
                    .map_err(|e| InvalidRequest(format!("cannot form the request URL: {e}")))?;
                (url, request.query.clone())
            }
        };
        // User info in a `Location` would become an `Authorization` header chosen by the server.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        let mut headers = if hop.with_credentials { inner.default_headers.clone() } else { HeaderMap::new() };
        let mut cookies = if hop.with_credentials { request.cookies.clone() } else { Vec::new() };
        let mut bearer = None;
        let mut basic = None;
        let mut provided = provided.iter();
        let alternative = if hop.with_credentials { self.chosen_alternative(request) } else { None };
        for scheme in alternative.unwrap_or_default() {
            let Some((_, credential)) = inner.credentials.iter().find(|(s, _)| s == scheme) else { continue };
            match credential {
                Credential::ApiKey { location: ApiKeyLocation::Header, name, value } => {
                    let name = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| InvalidRequest(format!("`{name}` is not a valid header name")))?;
                    let mut value = HeaderValue::from_str(value.expose())
                        .map_err(|_| InvalidRequest("a credential has invalid characters".to_string()))?;
                    value.set_sensitive(true);
                    headers.insert(name, value);
                }
                Credential::ApiKey { location: ApiKeyLocation::Query, name, value } => {
                    // A `Location` that names the key itself does not get to choose its value.
                    remove_query_pairs(&mut url, name);
                    query.push((name.to_string(), value.expose().to_string()));
                }
                Credential::ApiKey { location: ApiKeyLocation::Cookie, name, value } => {
                    cookies.push((name.to_string(), value.expose().to_string()));
                }
                Credential::Bearer(token) => bearer = Some(token),
                Credential::BearerProvider(_) => bearer = provided.next().or(bearer),
                Credential::Basic { username, password } => basic = Some((username, password)),
            }
        }
        if hop.with_credentials && bearer.is_none() && basic.is_none() {
            basic = inner.base.userinfo.as_ref().map(|(username, password)| (username, password));
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        let mut builder = inner.http.request(hop.method.clone(), url);
        if let Some(timeout) = options.timeout.or(inner.timeout) {
            builder = builder.timeout(timeout);
        }
        builder = builder.header(::reqwest::header::USER_AGENT, inner.user_agent.clone()).headers(headers);
        if let Some(accept) = request.accept {
            builder = builder.header(::reqwest::header::ACCEPT, accept);
        }
        if hop.with_credentials {
            for (name, value) in &request.headers {
                builder = builder.header(*name, value.as_str());
            }
        }
        if !cookies.is_empty() {
            let cookie = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            let mut cookie = HeaderValue::from_str(&cookie)
                .map_err(|_| InvalidRequest("a cookie has characters not allowed in HTTP headers".to_string()))?;
            cookie.set_sensitive(true);
            builder = builder.header(::reqwest::header::COOKIE, cookie);
        }
        if let Some(token) = bearer {
            builder = builder.bearer_auth(token.expose());
        }
        if let Some((username, password)) = basic {
            builder = builder.basic_auth(username, password.as_ref().map(Secret::expose));
        }
        if hop.with_body {
            builder = attach_body(builder, &request.body)?;
        }
        let mut built = builder
            .build()
            .map_err(|e| Error::InvalidRequest(InvalidRequest(format!("cannot build the request: {}", e.without_url()))))?;
        if hop.with_credentials {
            for hook in &inner.hooks {
                (hook.0)(&mut built).map_err(|e| Error::InvalidRequest(InvalidRequest(format!("a request hook refused the request: {e}"))))?;
            }
            if !same_origin(built.url(), &inner.base.url) {
                return Err(Error::InvalidRequest(InvalidRequest(format!(
                    "a request hook moved the request to {}, outside the origin of {} that credentials are bound to",
                    self.redact(built.url()),
                    inner.base.display
                ))));
            }
        }
        Ok(built)
    }
}

/// Adds the body, encoded afresh (multipart forms cannot be cloned, and retries resend it).
fn attach_body(mut builder: ::reqwest::RequestBuilder, body: &Body) -> Result<::reqwest::RequestBuilder, InvalidRequest> {
    match body {
        Body::Empty => {}
        Body::Bytes { content_type, bytes } => {
            builder = builder.header(::reqwest::header::CONTENT_TYPE, *content_type).body(bytes.clone());
        }
        Body::Multipart(fields) => {
            let mut form = ::reqwest::multipart::Form::new();
            for field in fields {
                form = match &field.value {
                    MultipartValue::Text(text) => form.text(field.name.clone(), text.clone()),
                    MultipartValue::File(file) => {
                        let mut part = ::reqwest::multipart::Part::bytes(file.bytes.to_vec());
                        if let Some(name) = &file.file_name {
                            part = part.file_name(name.clone());
                        }
                        let media = file.content_type.as_deref().unwrap_or("application/octet-stream");
                        part = part
                            .mime_str(media)
                            .map_err(|_| InvalidRequest(format!("`{media}` is not a valid media type")))?;
                        form.part(field.name.clone(), part)
                    }
                };
            }
            builder = builder.multipart(form);
        }
    }
    Ok(builder)
}

/// The errors of a response envelope that reported failure (`success: false`, or a non-empty
/// error list), even with an HTTP success status.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeError<E> {
    /// Whether the envelope's success flag was set, if it was present.
    pub success: Option<bool>,
    /// The errors the envelope listed.
    pub errors: Vec<E>,
}

impl<E: fmt::Debug> fmt::Display for EnvelopeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API reported failure: {:?}", self.errors)
    }
}

impl<E: fmt::Debug> std::error::Error for EnvelopeError<E> {}

/// The envelope rule: failure when the flag says so or when errors are listed.
pub fn envelope_result<T, E>(success: Option<bool>, errors: Option<Vec<E>>, payload: T) -> Result<T, EnvelopeError<E>> {
    let errors = errors.unwrap_or_default();
    if success == Some(false) || !errors.is_empty() {
        Err(EnvelopeError { success, errors })
    } else {
        Ok(payload)
    }
}

/// Streams the items of every page. `fetch` sends one page's request and returns its items and
/// the request for the next page, or `None` after the last page. Pages are fetched lazily, one
/// at a time, as the stream is polled; an error ends the stream after being yielded.
pub fn paginate<'a, B, I, E, F, Fut>(first: B, mut fetch: F) -> ::futures_util::stream::BoxStream<'a, Result<I, Error<E>>>
where
    B: Send + 'a,
    I: Send + 'a,
    E: Send + 'a,
    F: FnMut(B) -> Fut + Send + 'a,
    Fut: std::future::Future<Output = Result<(Vec<I>, Option<B>), Error<E>>> + Send + 'a,
{
    use ::futures_util::{StreamExt, TryStreamExt, stream};
    stream::try_unfold(Some(first), move |state| {
        let page = state.map(&mut fetch);
        async move {
            match page {
                None => Ok(None),
                Some(page) => page.await.map(Some),
            }
        }
    })
    .map_ok(|items: Vec<I>| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .fuse()
    // Boxed: callers can `try_next().await` without pinning, and the type stays nameable.
    .boxed()
}

/// Parses `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(::reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = ::httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

// Security: credentials bound to the base URL's origin, redirects, cleartext, redaction and
// bounded bodies. What the client guarantees is stated in the README's security section.

/// What stands in errors, logs and `Debug` output where a secret would be.
pub const REDACTED: &str = "[redacted]";

/// The default limit of a response body: generous for an API, small enough not to exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = 64 * 1024 * 1024;

/// Redirects followed in one attempt before giving up, as many as reqwest and browsers allow.
pub const MAX_REDIRECTS: u32 = 10;

/// Which redirects the client follows (301, 302, 303, 307 and 308 with a `Location`).
/// Credentials are bound to the origin (scheme, host and port) of the base URL: whatever the
/// policy, no credential is ever sent to another origin.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RedirectPolicy {
    /// Follows redirects within the base URL's origin, with credentials, and stops at one that
    /// leaves it with [`Error::Redirect`] saying where it pointed (the default).
    #[default]
    SameOrigin,
    /// Also follows redirects to other origins, sending them nothing secret: no credential, no
    /// default header, no header or cookie parameter, and no request hook runs. Once a chain has
    /// left the origin it carries none of these again, even back on the origin.
    AnyOriginWithoutCredentials,
    /// Follows no redirect: a 3xx response is decoded by status like any other.
    None,
}

/// Why a redirect was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectReason {
    /// It pointed to another origin, and the policy is [`RedirectPolicy::SameOrigin`].
    CrossOrigin,
    /// The chain was longer than [`MAX_REDIRECTS`].
    TooManyRedirects,
    /// The `reqwest::Client` given to `http_client` followed a redirect by itself, so the runtime
    /// could not keep credentials on their origin; build that client with
    /// `reqwest::redirect::Policy::none()`.
    FollowedByHttpClient,
}

impl fmt::Display for RedirectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CrossOrigin => "it leaves the origin the credentials are bound to",
            Self::TooManyRedirects => "too many redirects",
            Self::FollowedByHttpClient => {
                "the HTTP client given to `http_client` followed it by itself; build that client with `reqwest::redirect::Policy::none()`"
            }
        })
    }
}

/// One request of an attempt: the first, or one following a redirect.
struct Hop {
    method: Method,
    /// Where a redirect pointed; `None` for the operation's own URL.
    url: Option<::reqwest::Url>,
    /// False once a redirect turned the request into a GET without body.
    with_body: bool,
    /// False once the chain has left the base URL's origin.
    with_credentials: bool,
}

impl Hop {
    /// The request that follows a redirect, per RFC 9110: 303 becomes GET (HEAD stays HEAD),
    /// 301 and 302 turn a POST into a GET as every user agent does, and 307 and 308 keep the
    /// method and the body.
    fn follow(&self, status: StatusCode, url: ::reqwest::Url, with_credentials: bool) -> Self {
        let (method, with_body) = match status.as_u16() {
            303 if self.method != Method::HEAD => (Method::GET, false),
            301 | 302 if self.method == Method::POST => (Method::GET, false),
            _ => (self.method.clone(), self.with_body),
        };
        Self { method, url: Some(url), with_body, with_credentials }
    }
}

/// Where a redirect response points, when it is one the client can follow.
fn redirect_location(response: &::reqwest::Response) -> Option<::reqwest::Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(::reqwest::header::LOCATION)?.to_str().ok()?;
    let next = response.url().join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

/// Same scheme, host and port (the port a scheme implies counts as given).
fn same_origin(a: &::reqwest::Url, b: &::reqwest::Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// `localhost`, 127.0.0.0/8 and `::1`: traffic that never leaves the machine.
fn is_loopback(url: &::reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A URL with its user info and the values of these query parameters replaced by [`REDACTED`].
fn redact_url(url: &::reqwest::Url, secret_query_names: &[&str]) -> String {
    let text = url.as_str();
    let (before_fragment, fragment) = match text.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (text, None),
    };
    let mut shown = match before_fragment.split_once('?') {
        Some((head, query)) => {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| {
                    let raw_name = pair.split('=').next().unwrap_or_default();
                    let name = ::percent_encoding::percent_decode_str(&raw_name.replace('+', " ")).decode_utf8_lossy().into_owned();
                    if secret_query_names.contains(&name.as_str()) { format!("{raw_name}={REDACTED}") } else { pair.to_string() }
                })
                .collect();
            format!("{head}?{}", pairs.join("&"))
        }
        None => before_fragment.to_string(),
    };
    if let Some(fragment) = fragment {
        shown.push('#');
        shown.push_str(fragment);
    }
    redact_userinfo(&shown)
}

/// A URL text with any `user:password@` replaced by [`REDACTED`]; works on text that does not
/// parse, so error messages about a bad base URL cannot leak its password either.
fn redact_userinfo(url: &str) -> String {
    let authority_start = url.find("://").map_or(if url.starts_with("//") { 2 } else { 0 }, |i| i + 3);
    let rest = &url[authority_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{REDACTED}{}", &url[..authority_start], &rest[at..]),
        None => url.to_string(),
    }
}

/// Removes every query pair named `name`.
fn remove_query_pairs(url: &mut ::reqwest::Url, name: &str) {
    if !url.query_pairs().any(|(k, _)| k == name) {
        return;
    }
    let kept: Vec<(String, String)> = url.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    url.set_query(None);
    if !kept.is_empty() {
        url.query_pairs_mut().extend_pairs(kept);
    }
}

/// Why a body was not read to its end.
enum BodyFailure {
    TooLarge,
    Read(::reqwest::Error),
}

/// Reads a body as a stream of chunks and stops as soon as it exceeds `limit`. A declared
/// length over the limit fails at once; counting catches bodies that declare nothing or lie.
async fn read_body(response: &mut ::reqwest::Response, limit: u64) -> Result<Bytes, BodyFailure> {
    if response.content_length().is_some_and(|length| length > limit) {
        return Err(BodyFailure::TooLarge);
    }
    let mut chunks = Vec::new();
    let mut total: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(BodyFailure::Read)? {
        total = total.saturating_add(chunk.len() as u64);
        if total > limit {
            return Err(BodyFailure::TooLarge);
        }
        chunks.push(chunk);
    }
    // Most bodies arrive in one chunk: no copy then.
    if chunks.len() == 1 {
        return Ok(chunks.swap_remove(0));
    }
    let mut body = ::bytes::BytesMut::with_capacity(chunks.iter().map(Bytes::len).sum());
    for chunk in &chunks {
        body.extend_from_slice(chunk);
    }
    Ok(body.freeze())
}
