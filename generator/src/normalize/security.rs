//! Security schemes and the requirements operations place on them.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as OaScheme};

use super::Context;
use super::names::{Namespace, value_name};
use crate::diagnostics::pointer_join;
use crate::ir::{ApiKeyLocation, SecurityKind, SecurityRequirement, SecurityScheme};

/// Methods every generated `ClientBuilder` already has: those of the runtime's shared builder
/// (a test below compares this list with it) and those of the traits it implements.
const RESERVED_SETTERS: &[&str] = &[
    "base_url",
    "server",
    "server_variable",
    "operation_base_url",
    "timeout",
    "user_agent",
    "http_client",
    "redirect_policy",
    "allow_insecure_http",
    "max_response_body",
    "max_retries",
    "default_header",
    "request_hook",
    "credential",
    "build",
    "new",
    "default",
    "clone",
    "fmt",
];

/// Whether a header or cookie name is an HTTP token (RFC 9110 §5.6.2; cookie names too, RFC
/// 6265): anything else cannot be sent.
pub fn is_http_token(name: &str) -> bool {
    !name.is_empty() && leading_token(name).len() == name.len()
}

/// The longest prefix of `name` that is an HTTP token.
fn leading_token(name: &str) -> &str {
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)))
        .unwrap_or(name.len());
    &name[..end]
}

impl Context<'_> {
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.doc.openapi.components else {
            return Vec::new();
        };
        let mut setters = Namespace::with_reserved(RESERVED_SETTERS);
        let mut schemes = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let pointer = pointer_join("/components/securitySchemes", key);
            let ReferenceOr::Item(scheme) = scheme else {
                self.warn(
                    pointer,
                    "a `$ref` security scheme is not supported; the scheme is ignored",
                );
                continue;
            };
            let (kind, description) = match scheme {
                OaScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let (location, field) = match location {
                        APIKeyLocation::Header => (ApiKeyLocation::Header, Some("header")),
                        APIKeyLocation::Query => (ApiKeyLocation::Query, None),
                        APIKeyLocation::Cookie => (ApiKeyLocation::Cookie, Some("cookie")),
                    };
                    let mut name = name.clone();
                    if let Some(field) = field.filter(|_| !is_http_token(&name)) {
                        // `Authorization: Bearer` is a header line, not a name: its leading
                        // token is the name, and the rest belongs in the key's value.
                        let token = leading_token(&name);
                        let fallback = if token.is_empty() {
                            "the scheme is ignored".to_string()
                        } else {
                            format!(
                                "the key is sent in {field} `{token}`, so its value must \
                                 hold the rest"
                            )
                        };
                        let message =
                            format!("`{name}` is not an HTTP {field} name (RFC 9110 token)");
                        self.problem(pointer_join(&pointer, "name"), message, &fallback);
                        if token.is_empty() {
                            continue;
                        }
                        name = token.to_string();
                    }
                    (SecurityKind::ApiKey { location, name }, description)
                }
                OaScheme::HTTP {
                    scheme: http,
                    description,
                    ..
                } => match http.to_ascii_lowercase().as_str() {
                    "basic" => (SecurityKind::Basic, description),
                    "bearer" => (SecurityKind::Bearer, description),
                    other => {
                        self.warn(
                            pointer,
                            format!(
                                "http scheme `{other}` is not supported; the scheme is ignored"
                            ),
                        );
                        continue;
                    }
                },
                // OAuth2 and OpenID Connect both end in a bearer access token; obtaining it is
                // the caller's business.
                OaScheme::OAuth2 { description, .. }
                | OaScheme::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description)
                }
            };
            // Bearer setters say what they take: `bearer_token`, not `bearer`.
            let base = value_name(key);
            let wanted = match kind {
                SecurityKind::Bearer if !base.ends_with("token") => format!("{base}_token"),
                _ => base,
            };
            schemes.push(SecurityScheme {
                key: key.clone(),
                setter: setters.claim(&wanted),
                kind,
                description: super::prose(description),
            });
        }
        schemes
    }

    /// Maps an operation's (or the document's) requirements to scheme indices. Unknown scheme
    /// names are errors: the spec promises credentials the client could not send.
    pub(super) fn security_requirements(
        &mut self,
        requirements: &[openapiv3::SecurityRequirement],
        schemes: &[SecurityScheme],
        pointer: &str,
    ) -> Vec<SecurityRequirement> {
        let mut out = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let mut indices = Vec::new();
            for name in requirement.keys() {
                // A scheme the document defines but the client cannot send was reported (and
                // ignored) where it is defined.
                let ignored = self
                    .doc
                    .openapi
                    .components
                    .as_ref()
                    .is_some_and(|c| c.security_schemes.contains_key(name));
                match schemes.iter().position(|s| &s.key == name) {
                    Some(index) => indices.push(index),
                    None if ignored => {}
                    None if self.doc.lenient => self.warn(
                        format!(
                            "{pointer}/{i}/{}",
                            crate::diagnostics::escape_pointer_token(name)
                        ),
                        format!("security requirement names the undefined or unsupported scheme `{name}`; no credential is sent for it"),
                    ),
                    None => {
                        let known: Vec<_> = schemes.iter().map(|s| s.key.as_str()).collect();
                        let d = crate::diagnostics::Diagnostic::error(
                            &self.file,
                            format!(
                                "{pointer}/{i}/{}",
                                crate::diagnostics::escape_pointer_token(name)
                            ),
                            format!("security requirement names the undefined scheme `{name}`"),
                        )
                        .with_hint(format!(
                            "defined in {}: {}",
                            match self.doc.version {
                                crate::load::SpecVersion::V2 => "securityDefinitions",
                                _ => "components.securitySchemes",
                            },
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ));
                        self.say(d);
                    }
                }
            }
            out.push(SecurityRequirement { schemes: indices });
        }
        out
    }
}

#[cfg(test)]
mod reserved_setters_tests {
    use super::RESERVED_SETTERS;

    /// A security scheme's setter is an inherent method of the runtime's `ClientBuilder`: one
    /// named like a method the builder has would not compile.
    #[test]
    fn every_method_of_the_shared_builder_is_reserved() {
        let builder = include_str!("../../runtime/src/builder.rs");
        let methods: Vec<&str> = builder
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("pub fn "))
            .filter_map(|rest| rest.split(['(', '<']).next())
            .collect();
        assert!(methods.contains(&"http_client"), "{methods:?}");
        for method in methods {
            assert!(
                RESERVED_SETTERS.contains(&method),
                "`{method}` is not reserved"
            );
        }
    }
}
