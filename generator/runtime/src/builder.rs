//! The client builder every API module shares: `teams::ClientBuilder` is
//! `ClientBuilder<teams::Client>`, and each module adds only the setters of its own security
//! schemes.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use super::client::ApiClient;
use super::config::{BuildError, ClientConfig, ServerInfo};
use super::credentials::Credential;
use super::hook::{HookError, RequestHook};
use super::redirect::RedirectPolicy;

/// What the shared [`ClientBuilder`] needs of an API module's `Client`: the spec's servers,
/// the default user agent, and how to wrap the built core. Implemented by generated code.
#[doc(hidden)]
pub trait GeneratedApi: Sized {
    /// The servers the spec lists, in its order.
    const SERVERS: &'static [ServerInfo];
    /// The servers operations (or their paths) list instead of the spec's, one per operation
    /// that does: the first it lists.
    const OPERATION_SERVERS: &'static [ServerInfo] = &[];
    /// The `User-Agent` sent unless the builder sets another.
    const USER_AGENT: &'static str;
    /// The API's client around a built core.
    fn from_core(core: ApiClient) -> Self;
}

/// Configures a client `C` of one API: where it sends requests, with which credentials, and
/// how patiently. Start with the API module's `Client::builder()`, end with [`Self::build`].
pub struct ClientBuilder<C> {
    config: ClientConfig,
    client: PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            config: ClientConfig::default(),
            client: PhantomData,
        }
    }
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            client: PhantomData,
        }
    }
}

/// By hand: no bound on `C`, and the settings' own `Debug` hides every secret.
impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .finish()
    }
}

impl<C: GeneratedApi> ClientBuilder<C> {
    /// Uses this base URL instead of a server from the spec, also for the operations that list
    /// a server of their own (so that a mock server or a proxy receives every request), unless
    /// [`Self::operation_base_url`] sets theirs.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.base_url = Some(url.into());
        self
    }

    /// Uses the server at `index` in the API module's `SERVERS`.
    pub fn server(mut self, index: usize) -> Self {
        self.config.server = index;
        self
    }

    /// Sends the operations that list `server` (a URL of the API module's `OPERATION_SERVERS`,
    /// as written there) to `url` instead. Credentials go there too: it is where those
    /// operations are served.
    pub fn operation_base_url(mut self, server: impl Into<String>, url: impl Into<String>) -> Self {
        let set = (server.into(), url.into());
        self.config.operation_base_urls.push(set);
        self
    }

    /// Fills a `{variable}` of the chosen server's URL, and of operations' own servers that
    /// have a variable of that name; unset variables take their defaults.
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let variable = (name.into(), value.into());
        self.config.server_variables.push(variable);
        self
    }

    /// Gives up on an attempt after this long (per attempt; retries get their own).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = Some(timeout);
        self
    }

    /// Replaces the default `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = Some(user_agent.into());
        self
    }

    /// Sends requests through this `reqwest::Client` (proxies, TLS settings, connection pools).
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: this client follows
    /// redirects itself so that credentials never leave their origin (see
    /// [`Self::redirect_policy`]). A `reqwest::Client` that follows them on its own may send a
    /// credential to another origin before the call ends with `Error::Redirect`
    /// (`RedirectReason::FollowedByHttpClient`).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.config.http = Some(client);
        self
    }

    /// Chooses which redirects are followed. The default, [`RedirectPolicy::SameOrigin`],
    /// follows those within the base URL's origin (scheme, host and port) with credentials and
    /// stops at one that leaves it with `Error::Redirect`. No policy sends a credential to
    /// another origin.
    pub fn redirect_policy(mut self, policy: RedirectPolicy) -> Self {
        self.config.redirect = policy;
        self
    }

    /// Allows credentials over plain `http://` to a host that is not loopback; without it,
    /// [`Self::build`] refuses with `BuildError::InsecureHttp`. Loopback hosts (`localhost`,
    /// 127.0.0.0/8, `::1`) are always allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.config.allow_insecure_http = allow;
        self
    }

    /// The largest response body read, in bytes (default 64 MiB, error bodies included); a
    /// larger one ends the call with `Error::BodyTooLarge` as soon as the limit is passed.
    pub fn max_response_body(mut self, limit: u64) -> Self {
        self.config.max_response_body = Some(limit);
        self
    }

    /// Retries after the first attempt (default 2; 0 turns retrying off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.config.retry.max_retries = retries;
        self
    }

    /// Sends this header on every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let header = (name.into(), value.into());
        self.config.default_headers.push(header);
        self
    }

    /// Runs `hook` on every request just before it is sent (after credentials and headers),
    /// for signing, logging or extra headers. An `Err` stops the call, and so does a hook that
    /// moves the request to another origin. Hooks do not run on a redirect that has left the
    /// origin.
    pub fn request_hook(
        mut self,
        hook: impl Fn(&mut reqwest::Request) -> Result<(), HookError> + Send + Sync + 'static,
    ) -> Self {
        self.config.hooks.push(RequestHook::new(hook));
        self
    }

    /// Sets the credential of one security scheme, replacing an earlier one; the API module's
    /// setters call it.
    #[doc(hidden)]
    pub fn credential(mut self, scheme: &'static str, credential: Credential) -> Self {
        self.config.credential(scheme, credential);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// When the base URL, a server variable, a header or a credential is invalid, or when
    /// credentials would go over plain `http://` to a host that is not loopback (see
    /// [`Self::allow_insecure_http`]).
    pub fn build(self) -> Result<C, BuildError> {
        let core = self
            .config
            .build(C::SERVERS, C::OPERATION_SERVERS, C::USER_AGENT)?;
        Ok(C::from_core(core))
    }
}
