//! The runtime shared by every API module of this crate: configuration, credentials, request
//! building, retries, timeouts, redirects, response decoding and errors. Operations stay small
//! because everything they have in common lives here, once.
//!
//! Items hidden from this documentation are called by generated code only; they may change
//! whenever the crate is regenerated.
#![warn(missing_docs)]

// This is the crate `openapi-rs-runtime` of the generator's repository (`generator/runtime/`),
// formatted, linted and unit-tested there. The generator copies its files into every generated
// crate as the module `runtime` (this file becomes `src/runtime/mod.rs`), leaving out only the
// module of unit tests at the end of each file. So that the same text compiles as a crate
// root and as a module, the files refer to each other through `super::` paths, which name the
// crate root here and the `runtime` module once copied.

mod assemble;
mod builder;
mod client;
mod config;
mod credentials;
mod envelope;
mod error;
mod events;
mod headers;
mod hook;
mod multipart;
mod nullable;
mod origin;
mod pagination;
mod redact;
mod redirect;
mod request;
mod response;
mod retry;
mod sequence;
mod tagged;

#[cfg(feature = "mock")]
pub mod mock;

pub use builder::ClientBuilder;
pub use bytes::Bytes;
pub use client::RequestOptions;
pub use config::{BaseUrlProblem, BuildError, ServerInfo};
pub use credentials::{CredentialsError, Secret};
pub use envelope::EnvelopeError;
pub use error::{DecodeError, Error, InvalidRequest};
pub use events::{Event, EventStream, EventStreamError};
pub use headers::{FromHeaders, HeaderError};
pub use hook::HookError;
pub use multipart::FilePart;
pub use nullable::Nullable;
pub use redact::REDACTED;
pub use redirect::{MAX_REDIRECTS, RedirectPolicy, RedirectReason};
pub use request::TypedBytes;
pub use reqwest::{Method, StatusCode};
pub use response::{CallResult, DEFAULT_MAX_RESPONSE_BODY, RawResponse, ResponseValue};
pub use retry::RetryPolicy;

// For generated code only.
#[doc(hidden)]
pub use builder::GeneratedApi;
#[doc(hidden)]
pub use client::ApiClient;
#[doc(hidden)]
pub use credentials::{ApiKeyLocation, Credential, TokenProvider};
#[doc(hidden)]
pub use envelope::envelope_result;
#[doc(hidden)]
pub use events::{DataDecoder, json_data, text_data};
#[doc(hidden)]
pub use headers::{header_list, header_value};
#[doc(hidden)]
pub use multipart::{
    FileParts, MultipartField, MultipartValue, ToMultipart, json_multipart, push_files, push_text,
};
#[doc(hidden)]
pub use pagination::paginate;
#[doc(hidden)]
pub use request::{
    FormEncodings, PathStyle, QueryStyle, Request, extension_method, form_text, header_text,
    json_param, path_param, query_pairs, styled_header_text, styled_path_param,
};
#[doc(hidden)]
pub use reqwest::header::HeaderMap;
#[doc(hidden)]
pub use response::api_error;
#[doc(hidden)]
pub use tagged::serialize_tagged;
