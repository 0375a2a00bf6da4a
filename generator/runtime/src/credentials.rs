//! Credentials: secrets, token providers and the credential each security scheme is given.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};

use super::config::BuildError;
use super::redact::REDACTED;

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
        write!(f, "Secret({REDACTED})")
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

/// The future a token provider returns: a token, or the provider's error message.
type TokenFuture = Pin<Box<dyn Future<Output = Result<Secret, String>> + Send>>;

/// An async callback that yields a bearer token; called before every attempt that needs one,
/// so it can cache and refresh tokens as it sees fit.
#[doc(hidden)]
#[derive(Clone)]
pub struct TokenProvider(Arc<dyn Fn() -> TokenFuture + Send + Sync>);

impl TokenProvider {
    /// Wraps an async function returning a token or an error.
    pub fn new<F, Fut, T, E>(provider: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Into<Secret>,
        E: fmt::Display,
    {
        Self(Arc::new(move || {
            let future = provider();
            Box::pin(async move { future.await.map(Into::into).map_err(|e| e.to_string()) })
        }))
    }

    /// Asks for a token; the scheme names the provider in an error.
    pub(crate) async fn token(&self, scheme: &'static str) -> Result<Secret, CredentialsError> {
        let token = (self.0)()
            .await
            .map_err(|message| CredentialsError::Provider { scheme, message })?;
        if HeaderValue::from_str(token.expose()).is_err() {
            return Err(CredentialsError::InvalidToken { scheme });
        }
        Ok(token)
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenProvider")
    }
}

/// Where an API key goes.
#[doc(hidden)]
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
#[doc(hidden)]
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

impl Credential {
    /// Refuses, when the client is built, a credential that cannot be sent in a header (a CR or
    /// LF would end the header and start another), or an API key whose header name is not one.
    pub(crate) fn validate(&self, scheme: &'static str) -> Result<(), BuildError> {
        let check = |value: &str| match HeaderValue::from_str(value) {
            Ok(_) => Ok(()),
            Err(_) => Err(BuildError::Credential { scheme }),
        };
        if let Self::ApiKey {
            location: ApiKeyLocation::Header,
            name,
            ..
        } = self
        {
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| BuildError::HeaderName {
                name: name.to_string(),
            })?;
        }
        match self {
            Self::ApiKey { value, .. } | Self::Bearer(value) => check(value.expose()),
            Self::BearerProvider(_) => Ok(()),
            Self::Basic { username, password } => {
                check(username)?;
                password.as_ref().map_or(Ok(()), |p| check(p.expose()))
            }
        }
    }
}

/// Why credentials for a request could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The token provider of this scheme returned an error.
    Provider {
        /// The security scheme whose provider failed.
        scheme: &'static str,
        /// What the provider's error said.
        message: String,
    },
    /// The token provider of this scheme returned a token that cannot be sent in a header.
    InvalidToken {
        /// The security scheme whose provider gave the token.
        scheme: &'static str,
    },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Provider { message, .. } => f.write_str(message),
            Self::InvalidToken { .. } => {
                f.write_str("the provided token has characters not allowed in HTTP headers")
            }
        }
    }
}

impl std::error::Error for CredentialsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_redacted_in_debug() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), format!("Secret({REDACTED})"));
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn credentials_with_line_breaks_are_refused_naming_the_scheme() {
        let bearer = Credential::Bearer("a\r\nX-Evil: 1".into());
        assert_eq!(
            bearer.validate("bearer"),
            Err(BuildError::Credential { scheme: "bearer" })
        );
        let basic = Credential::Basic {
            username: "user".into(),
            password: Some("pass\n".into()),
        };
        assert_eq!(
            basic.validate("basic"),
            Err(BuildError::Credential { scheme: "basic" })
        );
        assert_eq!(Credential::Bearer("fine".into()).validate("bearer"), Ok(()));
    }

    #[test]
    fn an_api_key_header_name_that_is_not_a_token_is_refused_naming_the_name() {
        let key = |name: &'static str| Credential::ApiKey {
            location: ApiKeyLocation::Header,
            name,
            value: "k-123".into(),
        };
        let refused = key("Authorization: Bearer").validate("jwt");
        assert_eq!(
            refused,
            Err(BuildError::HeaderName {
                name: "Authorization: Bearer".into()
            })
        );
        assert_eq!(
            refused.unwrap_err().to_string(),
            "cannot build the client: `Authorization: Bearer` is not a valid header name"
        );
        assert_eq!(key("X-Api-Key").validate("jwt"), Ok(()));
    }

    #[tokio::test]
    async fn a_token_provider_error_names_its_scheme_and_keeps_the_message() {
        let failing = TokenProvider::new(|| async { Err::<String, _>("identity server down") });
        assert_eq!(
            failing.token("oauth").await,
            Err(CredentialsError::Provider {
                scheme: "oauth",
                message: "identity server down".into()
            })
        );
        let bad = TokenProvider::new(|| async { Ok::<_, String>("line\nbreak") });
        assert_eq!(
            bad.token("oauth").await,
            Err(CredentialsError::InvalidToken { scheme: "oauth" })
        );
        let good = TokenProvider::new(|| async { Ok::<_, String>("t0k3n") });
        assert_eq!(good.token("oauth").await.unwrap().expose(), "t0k3n");
    }
}
