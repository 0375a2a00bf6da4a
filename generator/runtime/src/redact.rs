//! Redaction: URLs as they may be shown in errors, logs and `Debug` output.

use percent_encoding::percent_decode_str;
use reqwest::Url;

/// What stands in errors, logs and `Debug` output where a secret would be.
pub const REDACTED: &str = "[redacted]";

/// A URL with its user info and the values of these query parameters replaced by [`REDACTED`].
pub(crate) fn redact_url(url: &Url, secret_query_names: &[&str]) -> String {
    let text = url.as_str();
    let (before_fragment, fragment) = match text.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (text, None),
    };
    let mut shown = match before_fragment.split_once('?') {
        Some((head, query)) => {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| redact_pair(pair, secret_query_names))
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

/// One `name=value` pair of a query, its value redacted when its decoded name is secret.
fn redact_pair(pair: &str, secret_query_names: &[&str]) -> String {
    let raw_name = pair.split('=').next().unwrap_or_default();
    let name = percent_decode_str(&raw_name.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned();
    if secret_query_names.contains(&name.as_str()) {
        format!("{raw_name}={REDACTED}")
    } else {
        pair.to_string()
    }
}

/// A URL text with any `user:password@` replaced by [`REDACTED`]; works on text that does not
/// parse, so error messages about a bad base URL cannot leak its password either.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let authority_start = match url.find("://") {
        Some(i) => i + 3,
        None if url.starts_with("//") => 2,
        None => 0,
    };
    let rest = url.get(authority_start..).unwrap_or_default();
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or_default();
    match authority.rfind('@') {
        Some(at) => format!(
            "{}{REDACTED}{}",
            url.get(..authority_start).unwrap_or_default(),
            rest.get(at..).unwrap_or_default()
        ),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_is_redacted_even_in_text_that_does_not_parse() {
        assert_eq!(
            redact_userinfo("https://user:pw@host/path?q=1"),
            format!("https://{REDACTED}@host/path?q=1")
        );
        assert_eq!(
            redact_userinfo("//user:pw@host/"),
            format!("//{REDACTED}@host/")
        );
        assert_eq!(
            redact_userinfo("http://user:pw@127.0.0.1:99999/"),
            format!("http://{REDACTED}@127.0.0.1:99999/")
        );
        // An `@` after the authority is data, not user info.
        assert_eq!(
            redact_userinfo("https://host/a@b?c=d@e"),
            "https://host/a@b?c=d@e"
        );
        assert_eq!(redact_userinfo("not a url"), "not a url");
    }

    #[test]
    fn secret_query_values_are_redacted_by_decoded_name() {
        let url = Url::parse("https://u:p@h/pets?page=2&api_key=k1&api%5Fkey=k2#top").unwrap();
        assert_eq!(
            redact_url(&url, &["api_key"]),
            format!("https://{REDACTED}@h/pets?page=2&api_key={REDACTED}&api%5Fkey={REDACTED}#top")
        );
        let plain = Url::parse("https://h/pets?page=2").unwrap();
        assert_eq!(redact_url(&plain, &["api_key"]), "https://h/pets?page=2");
    }
}
