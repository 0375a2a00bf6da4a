//! Origins: what credentials are bound to, and which hosts never leave the machine.

use reqwest::Url;

/// Same scheme, host and port (the port a scheme implies counts as given).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The same URL once fragments are dropped: what was requested is what answered.
pub(crate) fn same_except_fragment(a: &Url, b: &Url) -> bool {
    let without = |url: &Url| {
        let mut url = url.clone();
        url.set_fragment(None);
        url
    };
    without(a) == without(b)
}

/// `localhost`, 127.0.0.0/8 and `::1`: traffic that never leaves the machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Removes every query pair named `name`.
pub(crate) fn remove_query_pairs(url: &mut Url, name: &str) {
    if !url.query_pairs().any(|(k, _)| k == name) {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !kept.is_empty() {
        url.query_pairs_mut().extend_pairs(kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn a_fragment_does_not_make_another_url() {
        let sent = url("http://127.0.0.1:1/files/1#shared_link?x=1");
        assert!(same_except_fragment(
            &sent,
            &url("http://127.0.0.1:1/files/1")
        ));
        let with_query = url("http://127.0.0.1:1/files/1?fields=a#shared_link");
        assert!(same_except_fragment(
            &with_query,
            &url("http://127.0.0.1:1/files/1?fields=a")
        ));
        assert!(!same_except_fragment(
            &with_query,
            &url("http://127.0.0.1:1/files/2?fields=a")
        ));
        assert!(!same_except_fragment(
            &with_query,
            &url("http://127.0.0.1:1/files/1")
        ));
    }

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        let base = url("https://api.example.com/v1");
        assert!(same_origin(
            &base,
            &url("https://api.example.com/other?x=1")
        ));
        assert!(same_origin(&base, &url("https://api.example.com:443/")));
        assert!(!same_origin(&base, &url("http://api.example.com/v1")));
        assert!(!same_origin(&base, &url("https://api.example.com:8443/v1")));
        assert!(!same_origin(&base, &url("https://evil.example.com/v1")));
        assert!(!same_origin(
            &url("http://127.0.0.1:80/"),
            &url("http://localhost:80/")
        ));
    }

    #[test]
    fn loopback_hosts_are_localhost_127_slash_8_and_ipv6_one() {
        for loopback in [
            "http://localhost/",
            "http://LOCALHOST:8080/",
            "http://127.0.0.1/",
            "http://127.8.9.10:1/",
            "http://[::1]:3000/",
        ] {
            assert!(is_loopback(&url(loopback)), "{loopback}");
        }
        for remote in [
            "http://example.com/",
            "http://10.0.0.1/",
            "http://localhost.example.com/",
            "http://[::2]/",
        ] {
            assert!(!is_loopback(&url(remote)), "{remote}");
        }
    }

    #[test]
    fn removing_query_pairs_keeps_the_others_in_order() {
        let mut with = url("https://h/p?a=1&key=x&b=2&key=y");
        remove_query_pairs(&mut with, "key");
        assert_eq!(with.as_str(), "https://h/p?a=1&b=2");
        let mut only = url("https://h/p?key=x");
        remove_query_pairs(&mut only, "key");
        assert_eq!(only.as_str(), "https://h/p");
        let mut untouched = url("https://h/p?a=%20");
        remove_query_pairs(&mut untouched, "key");
        assert_eq!(untouched.as_str(), "https://h/p?a=%20");
    }
}
