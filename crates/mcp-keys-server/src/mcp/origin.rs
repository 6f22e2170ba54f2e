//! The `Origin` check of the MCP endpoint: a web page must not be able to
//! drive a local MCP server through the user's browser (DNS rebinding).

use axum::http::{HeaderMap, header};

/// Whether a request may come from where its `Origin` says. No `Origin`
/// (every non-browser client) is allowed; so are loopback origins and the
/// configured ones. An `Origin` that is not text, or `null`, is not.
pub fn allowed(headers: &HeaderMap, configured: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    is_loopback(origin)
        || configured
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
}

/// `http(s)://` and `localhost`, `127.0.0.1` or `[::1]`, with any port.
fn is_loopback(origin: &str) -> bool {
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let port = ["localhost", "127.0.0.1", "[::1]"]
        .into_iter()
        .find_map(|host| authority.strip_prefix(host));
    match port {
        Some("") => true,
        Some(port) => port
            .strip_prefix(':')
            .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::allowed;

    fn origin(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn requests_without_origin_and_from_loopback_are_allowed() {
        assert!(allowed(&HeaderMap::new(), &[]));
        for value in [
            "http://localhost",
            "http://127.0.0.1:5173",
            "https://[::1]:8443",
        ] {
            assert!(allowed(&origin(value), &[]), "{value}");
        }
    }

    #[test]
    fn other_origins_need_to_be_configured() {
        let configured = ["https://app.example.com".to_owned()];
        assert!(!allowed(&origin("https://evil.example"), &configured));
        assert!(!allowed(
            &origin("http://localhost.evil.example"),
            &configured
        ));
        assert!(!allowed(&origin("http://127.0.0.1.nip.io"), &configured));
        assert!(!allowed(&origin("null"), &configured));
        assert!(allowed(&origin("https://app.example.com"), &configured));
    }
}
