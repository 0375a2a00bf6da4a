//! String formats: a valid sample of each, and a check close to what JSON Schema validators
//! (ajv-formats, which Prism uses) accept.

use std::sync::OnceLock;

use regex::Regex;

/// A value of `format`, or `None` when any text will do.
pub(super) fn sample(format: Option<&str>) -> Option<&'static str> {
    Some(match format? {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "duration" => "P1D",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" | "idn-email" => "smoke@example.com",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "uri" | "url" | "iri" => "https://example.com/smoke",
        "uri-reference" | "iri-reference" => "/smoke",
        "uri-template" => "https://example.com/{smoke}",
        "json-pointer" => "/smoke",
        "relative-json-pointer" => "0/smoke",
        "regex" => "^smoke$",
        "byte" | "base64" => "c21va2U=",
        "password" => "smoke-password",
        "int32" | "int64" | "integer" | "long" => "1",
        "number" | "decimal" | "double" | "float" => "1.5",
        _ => return None,
    })
}

/// Whether `text` is valid for `format`; unknown formats accept anything.
pub(super) fn fits(format: Option<&str>, text: &str) -> bool {
    static CHECKS: OnceLock<Vec<(&'static str, Option<Regex>)>> = OnceLock::new();
    let Some(format) = format else {
        return true;
    };
    match format {
        "ipv4" => return text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => return text.parse::<std::net::Ipv6Addr>().is_ok(),
        _ => {}
    }
    let checks = CHECKS.get_or_init(|| {
        [
            ("date-time", r"^\d{4}-[01]\d-[0-3]\d[Tt ][0-2]\d:[0-5]\d:[0-6]\d(\.\d+)?([Zz]|[+-][0-2]\d:?[0-5]\d)$"),
            ("date", r"^\d{4}-[01]\d-[0-3]\d$"),
            ("time", r"^[0-2]\d:[0-5]\d:[0-6]\d(\.\d+)?([Zz]|[+-][0-2]\d:?[0-5]\d)?$"),
            ("uuid", r"^(?i)(urn:uuid:)?[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$"),
            ("email", r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
            ("hostname", r"^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"),
            ("uri", r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$"),
            // `url` is not JSON Schema's; validators (ajv-formats) take web and FTP URLs only.
            ("url", r"^(?i)(https?|ftp)://[^\s/$.?#][^\s]*$"),
            ("uri-reference", r"^[^\s]*$"),
            ("byte", r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"),
            ("duration", r"^P(?:\d+W|(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?)$"),
        ]
        .into_iter()
        .map(|(name, re)| (name, Regex::new(re).ok()))
        .collect()
    });
    checks
        .iter()
        .find(|(name, _)| *name == format)
        .and_then(|(_, re)| re.as_ref())
        .is_none_or(|re| re.is_match(text))
}

/// Standard base64 with padding, as `format: byte` and files inside JSON are sent.
pub(super) fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
