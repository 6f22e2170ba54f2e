//! What a web browser may do to this service: pages on other sites must
//! not reach the management API through the user's browser, and a page on
//! a rebound DNS name must not reach a loopback service at all.
//!
//! - **Cross-site requests** to the management API are refused: a browser
//!   names the page's site in `Origin` and (for every request it sends
//!   today) `Sec-Fetch-Site`. Programs (the app, the CLI, IDEs) send
//!   neither. A page could otherwise spend failed logins of 127.0.0.1 or
//!   post forms to the API. No CORS headers are ever sent.
//! - **Foreign `Host`** (DNS rebinding): a page at `evil.example` whose name
//!   is made to resolve to 127.0.0.1 talks to this service as its own
//!   origin, and the browser sends `Host: evil.example:7410`. A service on
//!   loopback accepts only its loopback names.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::{AppState, Error};

/// The names a service bound to loopback `port` answers to.
pub fn loopback_hosts(port: u16) -> Vec<String> {
    ["127.0.0.1", "localhost", "[::1]"]
        .into_iter()
        .map(|host| format!("{host}:{port}"))
        .collect()
}

/// Refuses a request whose `Host` is not one of the configured names (when
/// names are configured).
pub async fn require_known_host(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, Error> {
    if let Some(allowed) = &state.config.allowed_hosts {
        let host = request
            .uri()
            .authority()
            .map(|authority| authority.as_str().to_owned())
            .or_else(|| {
                request
                    .headers()
                    .get(header::HOST)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        if !allowed.iter().any(|name| name.eq_ignore_ascii_case(&host)) {
            return Err(Error::ForbiddenHost);
        }
    }
    Ok(next.run(request).await)
}

/// Refuses a browser request from another site to the management API.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, Error> {
    if is_cross_site(request.headers(), &state.config.base_url) {
        return Err(Error::ForbiddenOrigin);
    }
    Ok(next.run(request).await)
}

/// Whether the headers say a browser sent this from a page of another
/// origin than `own` (the service's base URL).
pub(crate) fn is_cross_site(headers: &HeaderMap, own: &str) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|value| value.to_str().unwrap_or("cross-site"));
    if fetch_site.is_some_and(|site| !matches!(site, "none" | "same-origin")) {
        return true;
    }
    match headers.get(header::ORIGIN) {
        None => false,
        Some(origin) => origin.to_str().map_or(true, |origin| {
            !origin.eq_ignore_ascii_case(own.trim_end_matches('/'))
        }),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::is_cross_site;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn programs_and_the_service_own_pages_are_not_cross_site() {
        let own = "http://127.0.0.1:7410";
        assert!(!is_cross_site(&headers(&[]), own));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")]), own));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:7410"),
                ("sec-fetch-site", "same-origin")
            ]),
            own
        ));
    }

    #[test]
    fn other_sites_are_cross_site_even_on_loopback() {
        let own = "http://127.0.0.1:7410";
        for pairs in [
            &[("origin", "https://evil.example")][..],
            &[("origin", "http://localhost:3000")][..],
            &[("origin", "null")][..],
            &[("sec-fetch-site", "cross-site")][..],
            &[("sec-fetch-site", "same-site")][..],
        ] {
            assert!(is_cross_site(&headers(pairs), own), "{pairs:?}");
        }
    }
}
