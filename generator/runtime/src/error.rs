//! The errors of a call: what the server answered, what went wrong on the way, and the
//! requests the client refuses to send.

use std::convert::Infallible;
use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;

use super::credentials::CredentialsError;
use super::hook::HookError;
use super::redirect::RedirectReason;
use super::response::{RawResponse, ResponseValue};

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
        source: reqwest::Error,
        /// The URL of the failed request, with credentials redacted.
        url: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A redirect the client did not follow (see [`RedirectPolicy`](super::RedirectPolicy)).
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
    /// A token provider failed.
    Credentials(CredentialsError),
}

impl<E> Error<E> {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(r) => Some(r.status()),
            Self::UnexpectedStatus(r) => Some(r.status()),
            Self::Decode(d) => Some(d.response.status()),
            Self::Redirect { status, .. } | Self::BodyTooLarge { status, .. } => Some(*status),
            Self::Timeout { .. }
            | Self::Transport { .. }
            | Self::InvalidRequest(_)
            | Self::Credentials(_) => None,
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
            Self::UnexpectedStatus(r) => {
                let shown = r.body().get(..512).unwrap_or(r.body());
                write!(
                    f,
                    "the server answered {}, which the API does not document: {}",
                    r.status(),
                    String::from_utf8_lossy(shown)
                )
            }
            Self::Decode(d) => write!(
                f,
                "the {} response body does not match its documented type at `{}`: {}",
                d.response.status(),
                d.path,
                d.message
            ),
            Self::Timeout { attempts } => {
                write!(f, "no response within the timeout ({attempts} attempt(s))")
            }
            Self::Transport {
                source,
                url,
                attempts,
            } => write!(
                f,
                "the request to {url} failed after {attempts} attempt(s): {source}"
            ),
            Self::Redirect {
                status,
                location,
                reason,
            } => write!(
                f,
                "the server redirected ({status}) to {location}, which was not followed: {reason}"
            ),
            Self::BodyTooLarge { status, limit } => write!(
                f,
                "the {status} response body is larger than the limit of {limit} bytes"
            ),
            Self::InvalidRequest(e) => write!(f, "invalid request: {e}"),
            Self::Credentials(e) => write!(f, "the token provider failed: {e}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            Self::InvalidRequest(e) => Some(e),
            Self::Credentials(e) => Some(e),
            _ => None,
        }
    }
}

impl Error<Infallible> {
    /// The same failure as the error of an operation whose documented errors are `E`: a
    /// failure before decoding is never `Api`, so the transport code need not be generic.
    pub(crate) fn widen<E>(self) -> Error<E> {
        match self {
            Self::Api(value) => match *value.value() {},
            Self::UnexpectedStatus(r) => Error::UnexpectedStatus(r),
            Self::Decode(d) => Error::Decode(d),
            Self::Timeout { attempts } => Error::Timeout { attempts },
            Self::Transport {
                source,
                url,
                attempts,
            } => Error::Transport {
                source,
                url,
                attempts,
            },
            Self::Redirect {
                status,
                location,
                reason,
            } => Error::Redirect {
                status,
                location,
                reason,
            },
            Self::BodyTooLarge { status, limit } => Error::BodyTooLarge { status, limit },
            Self::InvalidRequest(e) => Error::InvalidRequest(e),
            Self::Credentials(e) => Error::Credentials(e),
        }
    }
}

impl<E> From<InvalidRequest> for Error<E> {
    fn from(e: InvalidRequest) -> Self {
        Self::InvalidRequest(e)
    }
}

impl<E> From<CredentialsError> for Error<E> {
    fn from(e: CredentialsError) -> Self {
        Self::Credentials(e)
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

/// A request the client refuses to send, and why. Nothing was sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum InvalidRequest {
    /// A parameter value could not be serialized.
    Serialize {
        /// The parameter's name in the spec.
        parameter: String,
        /// What serde reported.
        source: serde_json::Error,
    },
    /// An object given to a parameter whose location (path, header, cookie, or a style that
    /// has no object form) cannot carry one.
    ObjectParameter {
        /// The parameter's name in the spec.
        parameter: String,
    },
    /// A path parameter that would not stay one path segment: empty, `.` or `..` (URL
    /// normalization would remove it, sending the request to another resource).
    PathSegment {
        /// The parameter's name in the spec.
        parameter: String,
        /// The refused value.
        value: String,
    },
    /// A header or cookie value with characters HTTP headers cannot carry (such as CR or LF).
    HeaderValue {
        /// The header, or `cookie`.
        header: String,
    },
    /// A JSON body that could not be serialized.
    JsonBody(serde_json::Error),
    /// A form body that could not be encoded (a nested object, for example).
    FormBody(serde_urlencoded::ser::Error),
    /// A form body whose value is not an object, so it has no fields to encode.
    FormBodyNotObject,
    /// A multipart body that could not be serialized.
    MultipartBody(serde_json::Error),
    /// A file part whose media type is not valid.
    MediaType {
        /// The refused media type.
        media_type: String,
    },
    /// The base URL and the operation's path do not form a URL.
    Url {
        /// What the URL parser reported.
        reason: String,
    },
    /// reqwest could not build the request.
    Build(reqwest::Error),
    /// A request hook returned an error.
    RefusedByHook(HookError),
    /// A request hook moved the request to another origin than the one credentials are
    /// bound to.
    MovedByHook {
        /// Where the hook sent the request, with credentials redacted.
        url: String,
        /// The base URL, whose origin credentials are bound to, with credentials redacted.
        base_url: String,
    },
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Serialize { parameter, source } => {
                write!(f, "cannot serialize parameter `{parameter}`: {source}")
            }
            Self::ObjectParameter { parameter } => write!(
                f,
                "parameter `{parameter}` is an object, which this location cannot carry"
            ),
            Self::PathSegment { parameter, value } => write!(
                f,
                "path parameter `{parameter}` cannot be {value:?}: it would not stay one path \
                 segment"
            ),
            Self::HeaderValue { header } => write!(
                f,
                "the value of header `{header}` has characters not allowed in HTTP headers (such \
                 as CR or LF)"
            ),
            Self::JsonBody(e) => write!(f, "cannot serialize the request body: {e}"),
            Self::FormBody(e) => write!(f, "cannot encode the form body: {e}"),
            Self::FormBodyNotObject => {
                write!(f, "cannot encode the form body: it is not an object")
            }
            Self::MultipartBody(e) => write!(f, "cannot serialize the multipart body: {e}"),
            Self::MediaType { media_type } => {
                write!(f, "`{media_type}` is not a valid media type")
            }
            Self::Url { reason } => write!(f, "cannot form the request URL: {reason}"),
            Self::Build(e) => write!(f, "cannot build the request: {e}"),
            Self::RefusedByHook(e) => write!(f, "a request hook refused the request: {e}"),
            Self::MovedByHook { url, base_url } => write!(
                f,
                "a request hook moved the request to {url}, outside the origin of {base_url} that \
                 credentials are bound to"
            ),
        }
    }
}

impl std::error::Error for InvalidRequest {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Serialize { source, .. } => Some(source),
            Self::JsonBody(e) | Self::MultipartBody(e) => Some(e),
            Self::FormBody(e) => Some(e),
            Self::Build(e) => Some(e),
            Self::RefusedByHook(e) => Some(e),
            Self::ObjectParameter { .. }
            | Self::FormBodyNotObject
            | Self::PathSegment { .. }
            | Self::HeaderValue { .. }
            | Self::MediaType { .. }
            | Self::Url { .. }
            | Self::MovedByHook { .. } => None,
        }
    }
}
