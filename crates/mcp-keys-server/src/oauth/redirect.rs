//! Redirect URIs: which may be registered, how a presented one matches, and
//! how one is named to people.

use url::{Host, Url};

/// The longest redirect URI accepted.
const MAX_URI_CHARS: usize = 2000;

/// Schemes that are never a private-use redirect: they run code, read
/// files, or are some other protocol.
const REFUSED_SCHEMES: [&str; 9] = [
    "javascript",
    "data",
    "file",
    "vbscript",
    "about",
    "blob",
    "ftp",
    "ws",
    "wss",
];

/// Whether `uri` may be a client's redirect URI: `https`, `http` on a
/// loopback host (RFC 8252), or a private-use scheme such as `cursor://`;
/// never with a fragment. The error says why not.
pub fn registrable(uri: &str) -> Result<(), String> {
    if uri.len() > MAX_URI_CHARS {
        return Err("a redirect URI is too long".to_owned());
    }
    let url = Url::parse(uri).map_err(|error| format!("{uri:?} is not a URL: {error}"))?;
    if url.fragment().is_some() {
        return Err(format!("{uri:?} has a fragment"));
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        "http" | "https" => Err(format!(
            "{uri:?}: an http redirect URI must be on 127.0.0.1, [::1] or localhost"
        )),
        scheme if REFUSED_SCHEMES.contains(&scheme) => Err(format!(
            "{uri:?}: the scheme {scheme}: cannot be a redirect URI"
        )),
        _ => Ok(()),
    }
}

/// Whether `presented` matches `registered`: the same text, or for an
/// `http` loopback URI the same but for the port (RFC 8252 §7.3: native
/// apps listen on any free port).
pub fn matches(registered: &str, presented: &str) -> bool {
    if registered == presented {
        return true;
    }
    let (Ok(mut registered), Ok(mut presented)) = (Url::parse(registered), Url::parse(presented))
    else {
        return false;
    };
    if registered.scheme() != "http" || !is_loopback(&registered) || !is_loopback(&presented) {
        return false;
    }
    if registered.set_port(None).is_err() || presented.set_port(None).is_err() {
        return false;
    }
    registered == presented
}

/// `uri` for people: its host and port, or its scheme for a private-use
/// one (`cursor:`).
pub fn display_host(uri: &str) -> String {
    match Url::parse(uri) {
        Ok(url) => match (url.scheme(), url.host_str()) {
            ("http" | "https", Some(host)) => match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            },
            (scheme, _) => format!("{scheme}:"),
        },
        Err(_) => uri.chars().take(80).collect(),
    }
}

/// `uri` with the authorization response's parameters added.
pub fn with_parameters(uri: &str, parameters: &[(&str, &str)]) -> String {
    match Url::parse(uri) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(parameters);
            url.to_string()
        }
        Err(_) => uri.to_owned(),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{display_host, matches, registrable, with_parameters};

    #[test]
    fn https_loopback_http_and_private_schemes_may_be_registered() {
        for uri in [
            "https://app.example/callback",
            "http://127.0.0.1:33418/callback",
            "http://localhost/cb",
            "http://[::1]:8080/cb",
            "cursor://anysphere.cursor-retrieval/oauth/callback",
            "vscode://vscode.github-authentication/did-authenticate",
        ] {
            assert_eq!(registrable(uri), Ok(()), "{uri}");
        }
        for uri in [
            "http://example.com/cb",
            "https://app.example/cb#frag",
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(registrable(uri).is_err(), "{uri}");
        }
    }

    #[test]
    fn loopback_uris_match_on_any_port_and_others_exactly() {
        assert!(matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:51234/callback"
        ));
        assert!(matches(
            "http://localhost:3000/cb",
            "http://localhost:4000/cb"
        ));
        assert!(!matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:51234/other"
        ));
        assert!(!matches(
            "http://127.0.0.1/callback",
            "http://localhost:51234/callback"
        ));
        assert!(!matches(
            "https://app.example/cb",
            "https://app.example/cb?x=1"
        ));
        assert!(!matches(
            "https://app.example:1/cb",
            "https://app.example:2/cb"
        ));
    }

    #[test]
    fn hosts_are_named_for_people() {
        assert_eq!(display_host("http://127.0.0.1:9/cb"), "127.0.0.1:9");
        assert_eq!(display_host("https://app.example/cb"), "app.example");
        assert_eq!(display_host("cursor://x/y"), "cursor:");
    }

    #[test]
    fn parameters_are_appended_encoded() {
        assert_eq!(
            with_parameters(
                "http://127.0.0.1:9/cb?a=1",
                &[("code", "x y"), ("state", "&")]
            ),
            "http://127.0.0.1:9/cb?a=1&code=x+y&state=%26"
        );
    }
}
