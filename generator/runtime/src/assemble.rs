//! Assembling one request of an attempt: the base URL and path, query, credentials of the
//! chosen security alternative, headers, cookies, body, and request hooks.

use reqwest::header::{
    ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use reqwest::{RequestBuilder, Url};

use super::client::{ApiClient, RequestOptions};
use super::config::BaseUrl;
use super::credentials::{ApiKeyLocation, Credential, Secret};
use super::error::{Error, InvalidRequest};
use super::multipart::to_form;
use super::origin::{remove_query_pairs, same_origin};
use super::redirect::Hop;
use super::request::{Body, Request};

/// The credentials one request carries, gathered from the chosen security alternative.
#[derive(Default)]
struct Carried<'a> {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    bearer: Option<&'a Secret>,
    basic: Option<(&'a String, &'a Option<Secret>)>,
}

impl ApiClient {
    /// Builds one request of an attempt. A hop that has left its base URL's origin gets no
    /// credential, default header, header or cookie parameter, and no request hook runs on it.
    pub(crate) fn assemble<E>(
        &self,
        request: &Request,
        options: &RequestOptions,
        provided: &[Secret],
        hop: &Hop,
    ) -> Result<reqwest::Request, Error<E>> {
        let inner = &self.inner;
        let base = inner.base_for(request);
        let (mut url, mut query) = match &hop.url {
            // A redirect's URL replaces the operation's path and query.
            Some(url) => (url.clone(), Vec::new()),
            None => {
                let url = Url::parse(&format!("{}{}", base.text, request.path)).map_err(|e| {
                    InvalidRequest::Url {
                        reason: e.to_string(),
                    }
                })?;
                (url, request.query.clone())
            }
        };
        // User info in a `Location` would become an `Authorization` header chosen by the server.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        let mut carried = Carried::default();
        if hop.with_credentials {
            carried = self.carried(request, provided, &mut url)?;
        }
        query.append(&mut carried.query);
        if !query.is_empty() {
            let pairs = query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            url.query_pairs_mut().extend_pairs(pairs);
            // A space is `%20` in OpenAPI's query styles (RFC 3986; `spaceDelimited` is
            // `a%20b`), not the form encoding's `+`, which `allowReserved` readers and strict
            // validators take literally. A `+` of the text itself is written `%2B`, so every
            // `+` left is a space.
            if let Some(text) = url.query().filter(|q| q.contains('+')) {
                let text = text.replace('+', "%20");
                url.set_query(Some(&text));
            }
        }
        let mut builder = inner.http.request(hop.method.clone(), url);
        // A streamed body may take as long as it likes: `send` times the headers alone.
        if let Some(timeout) = options
            .timeout
            .or(inner.timeout)
            .filter(|_| !request.streams)
        {
            builder = builder.timeout(timeout);
        }
        builder = builder
            .header(USER_AGENT, inner.user_agent.clone())
            .headers(carried.headers);
        if let Some(accept) = request.accept {
            builder = builder.header(ACCEPT, accept);
        }
        if hop.with_credentials {
            for (name, value) in &request.headers {
                builder = builder.header(*name, value.as_str());
            }
        }
        if !carried.cookies.is_empty() {
            builder = builder.header(COOKIE, cookie_header(&carried.cookies)?);
        }
        if let Some(token) = carried.bearer {
            builder = builder.bearer_auth(token.expose());
        }
        if let Some((username, password)) = carried.basic {
            builder = builder.basic_auth(username, password.as_ref().map(Secret::expose));
        }
        if hop.with_body {
            builder = attach_body(builder, &request.body)?;
        }
        let mut built = builder
            .build()
            .map_err(|e| InvalidRequest::Build(e.without_url()))?;
        if hop.with_credentials {
            self.run_hooks(&mut built, base)?;
        }
        Ok(built)
    }

    /// What a request on the base URL's origin carries: default headers, cookie parameters and
    /// the credentials of the chosen alternative, which replace a default header of the same
    /// name. Without bearer or basic credentials, the base URL's user info is sent as basic
    /// authentication. A query API key replaces a parameter of the same name in `url` (a
    /// `Location` that names the key does not choose its value).
    fn carried<'a>(
        &'a self,
        request: &Request,
        provided: &'a [Secret],
        url: &mut Url,
    ) -> Result<Carried<'a>, InvalidRequest> {
        let inner = &self.inner;
        let mut carried = Carried {
            headers: inner.default_headers.clone(),
            cookies: request.cookies.clone(),
            ..Carried::default()
        };
        let mut provided = provided.iter();
        for scheme in self.chosen_alternative(request).unwrap_or_default() {
            let Some((_, credential)) = inner.credentials.iter().find(|(s, _)| s == scheme) else {
                continue;
            };
            match credential {
                Credential::ApiKey {
                    location: ApiKeyLocation::Header,
                    name,
                    value,
                } => {
                    let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        InvalidRequest::HeaderValue {
                            header: name.to_string(),
                        }
                    })?;
                    let value = sensitive(value.expose(), name)?;
                    carried.headers.insert(header, value);
                }
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    name,
                    value,
                } => {
                    remove_query_pairs(url, name);
                    carried
                        .query
                        .push((name.to_string(), value.expose().to_string()));
                }
                Credential::ApiKey {
                    location: ApiKeyLocation::Cookie,
                    name,
                    value,
                } => {
                    carried
                        .cookies
                        .push((name.to_string(), value.expose().to_string()));
                }
                Credential::Bearer(token) => carried.bearer = Some(token),
                Credential::BearerProvider(_) => {
                    carried.bearer = provided.next().or(carried.bearer)
                }
                Credential::Basic { username, password } => {
                    carried.basic = Some((username, password));
                }
            }
        }
        if carried.bearer.is_none() && carried.basic.is_none() {
            carried.basic = inner
                .base_for(request)
                .userinfo
                .as_ref()
                .map(|(user, password)| (user, password));
        }
        Ok(carried)
    }

    /// Runs the request hooks; one that refuses, or moves the request to another origin than
    /// the one credentials are bound to (that of `base`), stops the call.
    fn run_hooks(
        &self,
        built: &mut reqwest::Request,
        base: &BaseUrl,
    ) -> Result<(), InvalidRequest> {
        for hook in &self.inner.hooks {
            hook.run(built).map_err(InvalidRequest::RefusedByHook)?;
        }
        if !same_origin(built.url(), &base.url) {
            return Err(InvalidRequest::MovedByHook {
                url: self.redact(built.url()),
                base_url: base.display.clone(),
            });
        }
        Ok(())
    }
}

/// A header value marked sensitive (HTTP/2 does not compress it into tables, and `Debug` of
/// the header map hides it).
fn sensitive(value: &str, header: &str) -> Result<HeaderValue, InvalidRequest> {
    let mut value = HeaderValue::from_str(value).map_err(|_| InvalidRequest::HeaderValue {
        header: header.to_string(),
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The `Cookie` header of cookie parameters and cookie API keys, marked sensitive.
fn cookie_header(cookies: &[(String, String)]) -> Result<HeaderValue, InvalidRequest> {
    let text = cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    sensitive(&text, "cookie")
}

/// Adds the body, encoded afresh (multipart forms cannot be cloned, and retries resend it).
fn attach_body(builder: RequestBuilder, body: &Body) -> Result<RequestBuilder, InvalidRequest> {
    Ok(match body {
        Body::Empty => builder,
        Body::Bytes {
            content_type,
            bytes,
        } => builder
            .header(CONTENT_TYPE, content_type.as_ref())
            .body(bytes.clone()),
        Body::Multipart(fields, "multipart/form-data") => builder.multipart(to_form(fields)?),
        // reqwest frames form data only; the same parts go under the document's type, with
        // the form's boundary (its `Content-Type` is replaced, not added to).
        Body::Multipart(fields, media_type) => {
            let form = to_form(fields)?;
            let content_type = format!("{media_type}; boundary={}", form.boundary());
            let value = reqwest::header::HeaderValue::from_str(&content_type).map_err(|_| {
                InvalidRequest::HeaderValue {
                    header: "Content-Type".to_string(),
                }
            })?;
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(CONTENT_TYPE, value);
            builder.multipart(form).headers(headers)
        }
    })
}
