//! Redirects: which ones the client follows, and what the request that follows one is.

use std::fmt;

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, StatusCode, Url};

/// Redirects followed in one attempt before giving up, as many as reqwest and browsers allow.
pub const MAX_REDIRECTS: u32 = 10;

/// Which redirects the client follows (301, 302, 303, 307 and 308 with a `Location`).
/// Credentials are bound to the origin (scheme, host and port) of the base URL: whatever the
/// policy, no credential is ever sent to another origin.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RedirectPolicy {
    /// Follows redirects within the base URL's origin, with credentials, and stops at one that
    /// leaves it with [`Error::Redirect`](super::Error::Redirect) saying where it pointed (the
    /// default).
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
                "the HTTP client given to `http_client` followed it by itself; build that client \
                 with `reqwest::redirect::Policy::none()`"
            }
        })
    }
}

/// One request of an attempt: the first, or one following a redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    pub(crate) method: Method,
    /// Where a redirect pointed; `None` for the operation's own URL.
    pub(crate) url: Option<Url>,
    /// False once a redirect turned the request into a GET without body.
    pub(crate) with_body: bool,
    /// False once the chain has left the base URL's origin.
    pub(crate) with_credentials: bool,
}

impl Hop {
    /// The first request of an attempt: the operation's method, URL, body and credentials.
    pub(crate) fn first(method: Method) -> Self {
        Self {
            method,
            url: None,
            with_body: true,
            with_credentials: true,
        }
    }

    /// The request that follows a redirect, per RFC 9110: 303 becomes GET (HEAD stays HEAD),
    /// 301 and 302 turn a POST into a GET as every user agent does, and 307 and 308 keep the
    /// method and the body.
    pub(crate) fn follow(&self, status: StatusCode, url: Url, with_credentials: bool) -> Self {
        let (method, with_body) = match status.as_u16() {
            303 if self.method != Method::HEAD => (Method::GET, false),
            301 | 302 if self.method == Method::POST => (Method::GET, false),
            _ => (self.method.clone(), self.with_body),
        };
        Self {
            method,
            url: Some(url),
            with_body,
            with_credentials,
        }
    }
}

/// Where a redirect response points, when it is one the client can follow: a redirect status
/// with a `Location` that resolves, against the response's URL, to an http(s) URL.
pub(crate) fn redirect_location(status: StatusCode, headers: &HeaderMap, url: &Url) -> Option<Url> {
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = headers.get(LOCATION)?.to_str().ok()?;
    let next = url.join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn location(status: u16, location: &str) -> Option<Url> {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, location.parse().unwrap());
        let status = StatusCode::from_u16(status).unwrap();
        redirect_location(
            status,
            &headers,
            &url("https://api.example.com/v1/users?page=2"),
        )
    }

    #[test]
    fn locations_resolve_against_the_response_url() {
        assert_eq!(
            location(302, "/v2/users"),
            Some(url("https://api.example.com/v2/users"))
        );
        assert_eq!(
            location(301, "other"),
            Some(url("https://api.example.com/v1/other"))
        );
        assert_eq!(
            location(308, "https://elsewhere.example/x"),
            Some(url("https://elsewhere.example/x"))
        );
    }

    #[test]
    fn only_redirect_statuses_to_http_urls_are_followed() {
        assert_eq!(location(200, "/elsewhere"), None);
        assert_eq!(location(304, "/elsewhere"), None);
        assert_eq!(location(300, "/elsewhere"), None);
        assert_eq!(location(302, "ftp://files.example/x"), None);
        assert_eq!(location(302, "javascript:alert(1)"), None);
        let status = StatusCode::FOUND;
        assert_eq!(
            redirect_location(status, &HeaderMap::new(), &url("https://h/")),
            None
        );
    }

    #[test]
    fn the_next_request_follows_rfc_9110() {
        let next = url("https://h/next");
        let after = |method: Method, status: u16| {
            let hop = Hop::first(method).follow(
                StatusCode::from_u16(status).unwrap(),
                next.clone(),
                true,
            );
            (hop.method, hop.with_body)
        };
        assert_eq!(after(Method::POST, 303), (Method::GET, false));
        assert_eq!(after(Method::PUT, 303), (Method::GET, false));
        assert_eq!(after(Method::HEAD, 303), (Method::HEAD, true));
        assert_eq!(after(Method::POST, 301), (Method::GET, false));
        assert_eq!(after(Method::POST, 302), (Method::GET, false));
        assert_eq!(after(Method::PUT, 302), (Method::PUT, true));
        assert_eq!(after(Method::POST, 307), (Method::POST, true));
        assert_eq!(after(Method::PATCH, 308), (Method::PATCH, true));
    }

    #[test]
    fn a_chain_that_lost_its_body_or_credentials_does_not_get_them_back() {
        let next = url("https://h/next");
        let lost = Hop::first(Method::POST).follow(StatusCode::SEE_OTHER, next.clone(), false);
        let again = lost.follow(StatusCode::TEMPORARY_REDIRECT, next.clone(), false);
        assert_eq!(again.method, Method::GET);
        assert!(!again.with_body);
        assert!(!again.with_credentials);
        assert_eq!(again.url, Some(next));
    }
}
