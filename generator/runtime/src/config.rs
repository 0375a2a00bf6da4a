//! Configuration: the settings a client builder collects, the spec's servers, the base URL
//! they resolve to, and why a client could not be built.

use std::fmt;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::client::{ApiClient, Inner};
use super::credentials::{ApiKeyLocation, Credential, Secret};
use super::hook::RequestHook;
use super::origin::is_loopback;
use super::redact::redact_userinfo;
use super::redirect::RedirectPolicy;
use super::response::DEFAULT_MAX_RESPONSE_BODY;
use super::retry::RetryPolicy;

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
    /// The spec lists no server and no base URL was set.
    NoServer,
    /// `server(index)` chose a server the spec does not list.
    NoSuchServer {
        /// The index asked for.
        index: usize,
        /// How many servers the spec lists.
        count: usize,
    },
    /// `operation_base_url` named a server no operation lists.
    NoSuchOperationServer {
        /// The server asked for.
        server: String,
        /// The servers operations list (the API module's `OPERATION_SERVERS`).
        listed: Vec<&'static str>,
    },
    /// `server_variable` named a variable neither the chosen server nor an operation's own
    /// server has.
    NoSuchServerVariable {
        /// The chosen server's URL template (empty when the document lists no server).
        server: &'static str,
        /// The variable asked for.
        variable: String,
    },
    /// A server variable was given a value its `enum` does not allow.
    ServerVariableValue {
        /// The variable.
        variable: &'static str,
        /// The refused value.
        value: String,
        /// The values the spec allows.
        allowed: &'static [&'static str],
    },
    /// The base URL cannot be used.
    BaseUrl {
        /// The base URL, with any user info redacted.
        url: String,
        /// What is wrong with it.
        problem: BaseUrlProblem,
    },
    /// A default header's name, or the header an API key is sent in, is not a valid header
    /// name.
    HeaderName {
        /// The name given.
        name: String,
    },
    /// A default header's value has characters HTTP headers cannot carry (such as CR or LF).
    HeaderValue {
        /// The header's name.
        name: String,
    },
    /// A credential has characters HTTP headers cannot carry (such as CR or LF).
    Credential {
        /// The security scheme the credential is for.
        scheme: &'static str,
    },
    /// The user agent has characters HTTP headers cannot carry.
    UserAgent,
    /// reqwest could not create its HTTP client (its TLS backend, typically).
    HttpClient {
        /// What reqwest reported.
        reason: String,
    },
}

/// What is wrong with a base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaseUrlProblem {
    /// It does not parse as a URL; the parser's message.
    Unparsable(String),
    /// It is not an http or https URL.
    NotHttp,
    /// It has a query or a fragment, which paths cannot be appended to.
    QueryOrFragment,
    /// Its user info has characters not allowed in HTTP headers.
    UserInfo,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot build the client: ")?;
        match self {
            Self::InsecureHttp { base_url } => write!(
                f,
                "credentials would be sent in cleartext to {base_url}; use https, or accept the \
                 risk with `allow_insecure_http(true)`"
            ),
            Self::NoServer => f.write_str("the spec lists no server; set one with `base_url`"),
            Self::NoSuchServer { index, count } => {
                write!(f, "server {index} does not exist; the spec lists {count}")
            }
            Self::NoSuchOperationServer { server, listed } => {
                write!(f, "no operation lists the server `{server}`")?;
                if listed.is_empty() {
                    f.write_str("; no operation lists a server of its own")
                } else {
                    write!(f, "; operations list {}", listed.join(", "))
                }
            }
            Self::NoSuchServerVariable {
                server: "",
                variable,
            } => {
                write!(f, "no server has a variable `{variable}`")
            }
            Self::NoSuchServerVariable { server, variable } => {
                write!(f, "server `{server}` has no variable `{variable}`")
            }
            Self::ServerVariableValue {
                variable,
                value,
                allowed,
            } => write!(
                f,
                "`{value}` is not an allowed value of server variable `{variable}` (allowed: {})",
                allowed.join(", ")
            ),
            Self::BaseUrl { url, problem } => match problem {
                BaseUrlProblem::Unparsable(reason) => write!(
                    f,
                    "base URL `{url}` is not a valid URL ({reason}); set one with `base_url`"
                ),
                BaseUrlProblem::NotHttp => {
                    write!(f, "base URL `{url}` must be an http or https URL")
                }
                BaseUrlProblem::QueryOrFragment => {
                    write!(f, "base URL `{url}` must not have a query or fragment")
                }
                BaseUrlProblem::UserInfo => write!(
                    f,
                    "the user info of base URL `{url}` has characters not allowed in HTTP headers"
                ),
            },
            Self::HeaderName { name } => write!(f, "`{name}` is not a valid header name"),
            Self::HeaderValue { name } => {
                write!(f, "the value of header `{name}` has invalid characters")
            }
            Self::Credential { scheme } => write!(
                f,
                "the credential for `{scheme}` contains characters not allowed in HTTP headers \
                 (such as CR or LF)"
            ),
            Self::UserAgent => f.write_str("the user agent has invalid characters"),
            Self::HttpClient { reason } => write!(f, "cannot create the HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Settings common to every API's client builder, checked and resolved by [`Self::build`].
#[derive(Clone, Default)]
pub(crate) struct ClientConfig {
    pub(crate) base_url: Option<String>,
    pub(crate) server: usize,
    pub(crate) server_variables: Vec<(String, String)>,
    /// `(server as an operation lists it, base URL used instead)`.
    pub(crate) operation_base_urls: Vec<(String, String)>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: Option<String>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) retry: RetryPolicy,
    pub(crate) default_headers: Vec<(String, String)>,
    pub(crate) credentials: Vec<(&'static str, Credential)>,
    pub(crate) hooks: Vec<RequestHook>,
    pub(crate) redirect: RedirectPolicy,
    pub(crate) allow_insecure_http: bool,
    pub(crate) max_response_body: Option<u64>,
}

/// By hand: the base URL may hold a password and default headers may hold tokens.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&String> =
            self.default_headers.iter().map(|(name, _)| name).collect();
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url.as_deref().map(redact_userinfo))
            .field("server", &self.server)
            .field("server_variables", &self.server_variables)
            .field(
                "operation_base_urls",
                &self
                    .operation_base_urls
                    .iter()
                    .map(|(server, url)| (server, redact_userinfo(url)))
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("default_headers", &header_names)
            .field("credentials", &self.credentials)
            .field("redirect", &self.redirect)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("max_response_body", &self.max_response_body)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// Sets the credential of one security scheme, replacing an earlier one.
    pub(crate) fn credential(&mut self, scheme: &'static str, credential: Credential) {
        self.credentials.retain(|(s, _)| *s != scheme);
        self.credentials.push((scheme, credential));
    }

    /// Resolves the base URLs and validates every setting.
    pub(crate) fn build(
        self,
        servers: &[ServerInfo],
        operation_servers: &[ServerInfo],
        default_user_agent: &str,
    ) -> Result<ApiClient, BuildError> {
        let base = match &self.base_url {
            // The base URL replaces the server, but the variables set are still checked: a
            // misspelt name or a value out of its `enum` is the same mistake with or without a
            // mock server in front.
            Some(url) => {
                let chosen = servers.get(self.server);
                check_variable_names(chosen, operation_servers, &self.server_variables)?;
                if let Some(server) = chosen {
                    fill_variables(server, &self.server_variables)?;
                }
                BaseUrl::parse(url)?
            }
            None => {
                let url = server_url(
                    servers,
                    self.server,
                    &self.server_variables,
                    operation_servers,
                )?;
                BaseUrl::parse(&url)?
            }
        };
        let operation_bases = self.operation_bases(&base, operation_servers)?;
        let has_credentials = !self.credentials.is_empty() || base.userinfo.is_some();
        for base in std::iter::once(&base).chain(&operation_bases) {
            let cleartext = base.url.scheme() == "http" && !is_loopback(&base.url);
            if has_credentials && cleartext && !self.allow_insecure_http {
                return Err(BuildError::InsecureHttp {
                    base_url: base.display.clone(),
                });
            }
        }
        let default_headers = header_map(&self.default_headers)?;
        for (scheme, credential) in &self.credentials {
            credential.validate(scheme)?;
        }
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| default_user_agent.to_string());
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| BuildError::UserAgent)?;
        let http = match self.http {
            Some(http) => http,
            // The runtime follows redirects itself, so that credentials stay on their origin.
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::HttpClient {
                    reason: e.to_string(),
                })?,
        };
        let secret_query_names = self
            .credentials
            .iter()
            .filter_map(|(_, credential)| match credential {
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    name,
                    ..
                } => Some(*name),
                _ => None,
            })
            .collect();
        Ok(ApiClient::new(Inner {
            base,
            operation_bases,
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
        }))
    }

    /// Where the operations that list their own server are sent, in the order of
    /// `operation_servers`: a base URL set for that server; else the client's base URL when one
    /// was set (so that a mock server or proxy receives every request); else the server with
    /// its variables filled. A relative server is resolved against the client's base URL.
    fn operation_bases(
        &self,
        base: &BaseUrl,
        operation_servers: &[ServerInfo],
    ) -> Result<Vec<BaseUrl>, BuildError> {
        if let Some((unknown, _)) = self
            .operation_base_urls
            .iter()
            .find(|(server, _)| !operation_servers.iter().any(|s| s.url == server))
        {
            return Err(BuildError::NoSuchOperationServer {
                server: unknown.clone(),
                listed: operation_servers.iter().map(|s| s.url).collect(),
            });
        }
        operation_servers
            .iter()
            .map(|server| {
                let set = self
                    .operation_base_urls
                    .iter()
                    .rev()
                    .find(|(s, _)| s == server.url);
                if let Some((_, url)) = set {
                    return BaseUrl::parse(url);
                }
                let url = fill_variables(server, &self.server_variables)?;
                if self.base_url.is_some() || is_relative(&url) {
                    // An absolute server is replaced by the client's base URL as a whole.
                    let relative = if is_relative(&url) { url.as_str() } else { "" };
                    return base.join(relative);
                }
                BaseUrl::parse(&url)
            })
            .collect()
    }
}

/// A server URL without a scheme or authority, such as `/upload` or an empty one: it names a
/// place relative to the document, which is the API's base URL here.
fn is_relative(url: &str) -> bool {
    !url.starts_with("//") && !url.contains("://")
}

/// The default headers, checked.
fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, BuildError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| BuildError::HeaderName { name: name.clone() })?;
        let value = HeaderValue::from_str(value).map_err(|_| BuildError::HeaderValue {
            name: name.to_string(),
        })?;
        map.append(name, value);
    }
    Ok(map)
}

/// The URL of the chosen server with its variables filled: those set, else their defaults. A
/// variable set must belong to the chosen server or to a server of an operation.
fn server_url(
    servers: &[ServerInfo],
    index: usize,
    variables: &[(String, String)],
    operation_servers: &[ServerInfo],
) -> Result<String, BuildError> {
    let Some(server) = servers.get(index) else {
        return Err(if servers.is_empty() {
            BuildError::NoServer
        } else {
            BuildError::NoSuchServer {
                index,
                count: servers.len(),
            }
        });
    };
    check_variable_names(Some(server), operation_servers, variables)?;
    fill_variables(server, variables)
}

/// Every variable set must belong to the chosen server (if there is one) or to a server of an
/// operation.
fn check_variable_names(
    chosen: Option<&ServerInfo>,
    operation_servers: &[ServerInfo],
    variables: &[(String, String)],
) -> Result<(), BuildError> {
    let known = |name: &str| {
        chosen
            .into_iter()
            .chain(operation_servers)
            .any(|s| s.variables.iter().any(|(n, _, _)| *n == name))
    };
    match variables.iter().find(|(name, _)| !known(name)) {
        Some((unknown, _)) => Err(BuildError::NoSuchServerVariable {
            server: chosen.map_or("", |s| s.url),
            variable: unknown.clone(),
        }),
        None => Ok(()),
    }
}

/// A server's URL with its variables filled: the last value set for each, else its default.
/// Values set for variables the server does not have are not its concern.
fn fill_variables(
    server: &ServerInfo,
    variables: &[(String, String)],
) -> Result<String, BuildError> {
    let mut url = server.url.to_string();
    for (name, default, allowed) in server.variables {
        let value = variables
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(*default, |(_, v)| v.as_str());
        if !allowed.is_empty() && !allowed.contains(&value) {
            return Err(BuildError::ServerVariableValue {
                variable: name,
                value: value.to_string(),
                allowed,
            });
        }
        url = url.replace(&format!("{{{name}}}"), value);
    }
    Ok(url)
}

/// The resolved base URL: where paths are appended, the origin credentials are bound to, and
/// the user info it carried (sent as basic authentication, never printed).
#[derive(Debug)]
pub(crate) struct BaseUrl {
    /// The URL without user info and without a trailing slash, to append paths to.
    pub(crate) text: String,
    /// The same, parsed: its origin is the one credentials are bound to.
    pub(crate) url: Url,
    /// The URL as printed: user info replaced by the redaction marker.
    pub(crate) display: String,
    /// `user:password` from the URL, percent-decoded.
    pub(crate) userinfo: Option<(String, Option<Secret>)>,
}

impl BaseUrl {
    /// A relative server URL resolved against this base URL, as a URL in a document is
    /// against the document's: `/upload` replaces the path, `upload` and `` are within it.
    /// The user info stays: the result is on the same origin.
    pub(crate) fn join(&self, relative: &str) -> Result<Self, BuildError> {
        let directory =
            Url::parse(&format!("{}/", self.text)).map_err(|e| BuildError::BaseUrl {
                url: self.display.clone(),
                problem: BaseUrlProblem::Unparsable(e.to_string()),
            })?;
        let joined = directory.join(relative).map_err(|e| BuildError::BaseUrl {
            url: relative.to_string(),
            problem: BaseUrlProblem::Unparsable(e.to_string()),
        })?;
        let mut base = Self::parse(joined.as_str())?;
        if self.userinfo.is_some() {
            // Shown with the redaction marker where the user info is, as this base URL is.
            let mut shown = joined;
            let _ = shown.set_username("user");
            base.display = redact_userinfo(shown.as_str());
            base.userinfo.clone_from(&self.userinfo);
        }
        Ok(base)
    }

    /// Accepts absolute http(s) URLs and scheme-relative ones (`//host/`, given https), and
    /// drops a trailing slash so paths can be appended.
    pub(crate) fn parse(url: &str) -> Result<Self, BuildError> {
        let invalid = |problem| BuildError::BaseUrl {
            url: redact_userinfo(url),
            problem,
        };
        let absolute = match url.strip_prefix("//") {
            Some(rest) => format!("https://{rest}"),
            None => url.to_string(),
        };
        let mut parsed = Url::parse(&absolute)
            .map_err(|e| invalid(BaseUrlProblem::Unparsable(e.to_string())))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(invalid(BaseUrlProblem::NotHttp));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid(BaseUrlProblem::QueryOrFragment));
        }
        let mut text = absolute.trim_end_matches('/').to_string();
        let mut userinfo = None;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            let decode = |part: &str| percent_decode_str(part).decode_utf8_lossy().into_owned();
            let username = decode(parsed.username());
            let password = parsed.password().map(|p| Secret::new(decode(p)));
            let sendable = HeaderValue::from_str(&username).is_ok()
                && password
                    .as_ref()
                    .is_none_or(|p| HeaderValue::from_str(p.expose()).is_ok());
            if !sendable {
                return Err(invalid(BaseUrlProblem::UserInfo));
            }
            userinfo = Some((username, password));
            // Removing user info from an http(s) URL cannot fail; the results say nothing new.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            text = parsed.as_str().trim_end_matches('/').to_string();
        }
        Ok(Self {
            text,
            url: parsed,
            display: redact_userinfo(&absolute),
            userinfo,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::REDACTED;

    const SERVERS: &[ServerInfo] = &[
        ServerInfo {
            url: "https://api.example.com",
            description: "",
            variables: &[],
        },
        ServerInfo {
            url: "https://{tenant}.example.com/{version}",
            description: "",
            variables: &[("tenant", "acme", &[]), ("version", "v1", &["v1", "v2"])],
        },
    ];

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn server_variables_take_their_defaults_unless_set() {
        assert_eq!(
            server_url(SERVERS, 0, &[], &[]).unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            server_url(SERVERS, 1, &[], &[]).unwrap(),
            "https://acme.example.com/v1"
        );
        let set = vars(&[("tenant", "x"), ("version", "v2"), ("tenant", "y")]);
        assert_eq!(
            server_url(SERVERS, 1, &set, &[]).unwrap(),
            "https://y.example.com/v2"
        );
    }

    #[test]
    fn unknown_servers_variables_and_values_are_refused() {
        assert_eq!(server_url(&[], 0, &[], &[]), Err(BuildError::NoServer));
        assert_eq!(
            server_url(SERVERS, 5, &[], &[]),
            Err(BuildError::NoSuchServer { index: 5, count: 2 })
        );
        assert_eq!(
            server_url(SERVERS, 0, &vars(&[("tenant", "x")]), &[]),
            Err(BuildError::NoSuchServerVariable {
                server: "https://api.example.com",
                variable: "tenant".into()
            })
        );
        assert_eq!(
            server_url(SERVERS, 1, &vars(&[("version", "v3")]), &[]),
            Err(BuildError::ServerVariableValue {
                variable: "version",
                value: "v3".into(),
                allowed: &["v1", "v2"]
            })
        );
    }

    const OPERATION_SERVERS: &[ServerInfo] = &[
        ServerInfo {
            url: "https://{region}.files.example.com/",
            description: "",
            variables: &[("region", "eu", &["eu", "us"])],
        },
        ServerInfo {
            url: "/upload",
            description: "",
            variables: &[],
        },
    ];

    fn bases(config: &ClientConfig) -> Result<Vec<String>, BuildError> {
        let client = config.clone().build(SERVERS, OPERATION_SERVERS, "ua")?;
        let bases = &client.inner.operation_bases;
        Ok(std::iter::once(&client.inner.base)
            .chain(bases)
            .map(|b| b.display.clone())
            .collect())
    }

    #[test]
    fn operations_with_their_own_server_go_there_unless_a_base_url_is_set() {
        let mut config = ClientConfig::default();
        assert_eq!(
            bases(&config).unwrap(),
            [
                "https://api.example.com",
                "https://eu.files.example.com/",
                "https://api.example.com/upload",
            ]
        );
        // A variable of an operation's server may be set although the chosen one lacks it.
        config.server_variables = vars(&[("region", "us")]);
        assert_eq!(bases(&config).unwrap()[1], "https://us.files.example.com/");
        config.base_url = Some("http://127.0.0.1:9/mock/".into());
        assert_eq!(
            bases(&config).unwrap(),
            [
                "http://127.0.0.1:9/mock/",
                "http://127.0.0.1:9/mock/",
                "http://127.0.0.1:9/upload",
            ]
        );
        config.operation_base_urls = vec![(
            "https://{region}.files.example.com/".into(),
            "http://127.0.0.1:10/files".into(),
        )];
        assert_eq!(bases(&config).unwrap()[1], "http://127.0.0.1:10/files");
    }

    #[test]
    fn server_variables_are_checked_when_a_base_url_replaces_the_server() {
        let mock = |variables: &[(&str, &str)]| ClientConfig {
            base_url: Some("http://127.0.0.1:9".into()),
            server: 1,
            server_variables: vars(variables),
            ..ClientConfig::default()
        };
        assert_eq!(
            bases(&mock(&[("tenant", "x"), ("region", "us")])).unwrap()[0],
            "http://127.0.0.1:9"
        );
        assert_eq!(
            bases(&mock(&[("tennant", "x")])),
            Err(BuildError::NoSuchServerVariable {
                server: "https://{tenant}.example.com/{version}",
                variable: "tennant".into()
            })
        );
        assert_eq!(
            bases(&mock(&[("version", "v3")])),
            Err(BuildError::ServerVariableValue {
                variable: "version",
                value: "v3".into(),
                allowed: &["v1", "v2"]
            })
        );
        // A document without servers is used through its base URL; a variable then has no
        // server to belong to.
        let refused = mock(&[("tenant", "x")])
            .build(&[], &[], "ua")
            .map(|_| ())
            .unwrap_err();
        assert_eq!(
            refused,
            BuildError::NoSuchServerVariable {
                server: "",
                variable: "tenant".into()
            }
        );
        assert_eq!(
            refused.to_string(),
            "cannot build the client: no server has a variable `tenant`"
        );
        assert!(mock(&[]).build(&[], &[], "ua").is_ok());
    }

    #[test]
    fn operation_servers_are_checked_like_the_base_url() {
        let mut config = ClientConfig {
            operation_base_urls: vec![("https://nowhere.example.com".into(), "https://h".into())],
            ..ClientConfig::default()
        };
        let refused = bases(&config).unwrap_err();
        assert_eq!(
            refused,
            BuildError::NoSuchOperationServer {
                server: "https://nowhere.example.com".into(),
                listed: vec!["https://{region}.files.example.com/", "/upload"],
            }
        );
        assert!(refused.to_string().contains("/upload"), "{refused}");
        config.operation_base_urls = vec![(
            "https://{region}.files.example.com/".into(),
            "http://files.example.com".into(),
        )];
        assert_eq!(
            bases(&config).unwrap().len(),
            3,
            "no credential, no refusal"
        );
        config.credential("bearer", Credential::Bearer("t".into()));
        assert_eq!(
            bases(&config),
            Err(BuildError::InsecureHttp {
                base_url: "http://files.example.com".into()
            })
        );
        config.server_variables = vars(&[("region", "mars")]);
        config.operation_base_urls.clear();
        assert!(matches!(
            bases(&config),
            Err(BuildError::ServerVariableValue {
                variable: "region",
                ..
            })
        ));
    }

    #[test]
    fn a_relative_server_keeps_the_user_info_of_its_base_url_redacted() {
        let base = BaseUrl::parse("https://user:pw@api.example.com/v1").unwrap();
        let joined = base.join("/upload").unwrap();
        assert_eq!(joined.text, "https://api.example.com/upload");
        assert_eq!(
            joined.display,
            format!("https://{REDACTED}@api.example.com/upload")
        );
        assert_eq!(joined.userinfo.unwrap().1.unwrap().expose(), "pw");
        assert_eq!(base.join("").unwrap().text, "https://api.example.com/v1");
        assert_eq!(
            base.join("files").unwrap().text,
            "https://api.example.com/v1/files"
        );
    }

    #[test]
    fn a_base_url_loses_its_trailing_slash_and_user_info() {
        let base = BaseUrl::parse("https://us%65r:p%40ss@api.example.com/v1/").unwrap();
        assert_eq!(base.text, "https://api.example.com/v1");
        assert_eq!(
            base.display,
            format!("https://{REDACTED}@api.example.com/v1/")
        );
        let (user, password) = base.userinfo.unwrap();
        assert_eq!(user, "user");
        assert_eq!(password.unwrap().expose(), "p@ss");
        let relative = BaseUrl::parse("//api.example.com/").unwrap();
        assert_eq!(relative.text, "https://api.example.com");
    }

    #[test]
    fn unusable_base_urls_are_refused_with_their_password_redacted() {
        let problem = |url: &str| match BaseUrl::parse(url) {
            Err(BuildError::BaseUrl { url, problem }) => {
                assert!(!url.contains("pw"), "{url}");
                problem
            }
            other => panic!("{url}: {other:?}"),
        };
        assert!(matches!(
            problem("http://u:pw@127.0.0.1:99999/"),
            BaseUrlProblem::Unparsable(_)
        ));
        assert_eq!(
            problem("ftp://u:pw@files.example/"),
            BaseUrlProblem::NotHttp
        );
        assert_eq!(problem("mailto:pw@example.com"), BaseUrlProblem::NotHttp);
        assert_eq!(
            problem("https://u:pw@h/?x=1"),
            BaseUrlProblem::QueryOrFragment
        );
        assert_eq!(problem("https://u:pw%0A@h/"), BaseUrlProblem::UserInfo);
    }

    #[test]
    fn debug_of_the_settings_shows_no_secret() {
        let mut config = ClientConfig {
            base_url: Some("https://user:url-pw@h/".into()),
            default_headers: vec![("x-api-key".into(), "header-secret".into())],
            ..ClientConfig::default()
        };
        config.credential("bearer", Credential::Bearer("token-secret".into()));
        let shown = format!("{config:?}");
        for secret in ["url-pw", "header-secret", "token-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("x-api-key") && shown.contains(REDACTED),
            "{shown}"
        );
    }

    #[test]
    fn a_later_credential_for_a_scheme_replaces_the_earlier() {
        let mut config = ClientConfig::default();
        config.credential("a", Credential::Bearer("1".into()));
        config.credential("b", Credential::Bearer("2".into()));
        config.credential("a", Credential::Bearer("3".into()));
        let schemes: Vec<&str> = config.credentials.iter().map(|(s, _)| *s).collect();
        assert_eq!(schemes, ["b", "a"]);
    }
}
