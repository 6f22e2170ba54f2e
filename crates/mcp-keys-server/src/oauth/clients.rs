//! Who a `client_id` is: a client registered here (RFC 7591), or a client ID
//! metadata document, an `https` URL whose JSON names the client and its
//! redirect URIs.
//!
//! Fetching a document is a request the service makes on a stranger's
//! behalf, so it is guarded: `https` only, no redirects, 5 s, 64 KiB, and
//! only public addresses, checked on the addresses the name resolves to
//! (so a name cannot be rebound to an inside address between a check and
//! the connection). A service on loopback may also fetch from loopback,
//! over `http` too: a developer's own client on the same machine.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use serde::Deserialize;
use url::{Host, Url};

use super::redirect;
use crate::db::StoredClient;
use crate::time::Timestamp;
use crate::{AppState, Error};

/// How long a fetched document is used before it is fetched again.
const DOCUMENT_CACHE: TimeDelta = TimeDelta::hours(1);

/// The longest a fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest document read.
const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// The longest client name kept.
pub const MAX_CLIENT_NAME: usize = 200;

/// The most redirect URIs a client may have.
pub const MAX_REDIRECT_URIS: usize = 10;

/// The client `client_id`, or why it is not one.
pub async fn resolve(
    state: &AppState,
    client_id: &str,
    now: Timestamp,
) -> Result<Result<StoredClient, String>, Error> {
    let is_document = client_id.starts_with("https://") || client_id.starts_with("http://");
    let stored = state.db.oauth_client(client_id).await?;
    if !is_document {
        return Ok(stored
            .filter(|client| client.kind == "registered")
            .ok_or_else(|| format!("no client {client_id:?} is registered here")));
    }
    if let Some(client) = stored
        && client.kind == "metadata_document"
        && client
            .fetched_at
            .is_some_and(|fetched| now - fetched < DOCUMENT_CACHE)
    {
        return Ok(Ok(client));
    }
    let local = is_loopback_service(&state.config.base_url);
    match fetch(client_id, local).await {
        Ok(document) => {
            let client = StoredClient {
                id: client_id.to_owned(),
                kind: "metadata_document".to_owned(),
                name: document.name,
                redirect_uris: document.redirect_uris,
                secret_fingerprint: None,
                fetched_at: Some(now),
            };
            state.db.put_oauth_client(&client, now).await?;
            Ok(Ok(client))
        }
        Err(why) => Ok(Err(format!(
            "the client ID metadata document {client_id} could not be used: {why}"
        ))),
    }
}

/// A client's name as people will see it: no control characters, bounded.
pub fn clean_name(name: Option<&str>, fallback: &str) -> String {
    let name: String = name
        .unwrap_or_default()
        .chars()
        .filter(|character| !mcp_keys_core::is_control_or_bidi(*character))
        .take(MAX_CLIENT_NAME)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        fallback.chars().take(MAX_CLIENT_NAME).collect()
    } else {
        name.to_owned()
    }
}

/// Checks a client's redirect URIs: some, not too many, each registrable.
pub fn check_redirect_uris(uris: &[String]) -> Result<(), String> {
    if uris.is_empty() {
        return Err("redirect_uris must name at least one URI".to_owned());
    }
    if uris.len() > MAX_REDIRECT_URIS {
        return Err(format!(
            "at most {MAX_REDIRECT_URIS} redirect_uris are accepted"
        ));
    }
    uris.iter().try_for_each(|uri| redirect::registrable(uri))
}

/// Whether the service's own URL is on loopback.
fn is_loopback_service(base_url: &str) -> bool {
    Url::parse(base_url).is_ok_and(|url| match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    })
}

#[derive(Deserialize)]
struct Document {
    client_id: String,
    client_name: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    token_endpoint_auth_method: Option<String>,
}

/// What a fetched document says.
struct Fetched {
    name: String,
    redirect_uris: Vec<String>,
}

async fn fetch(client_id: &str, local: bool) -> Result<Fetched, String> {
    let url = Url::parse(client_id).map_err(|error| format!("not a URL: {error}"))?;
    if url.path().is_empty() || url.path() == "/" {
        return Err("its URL must have a path".to_owned());
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err("its URL must have no fragment and no credentials".to_owned());
    }
    let loopback_host = match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(address)) => {
            check_address(IpAddr::V4(address), local)?;
            address.is_loopback()
        }
        Some(Host::Ipv6(address)) => {
            check_address(IpAddr::V6(address), local)?;
            address.is_loopback()
        }
        None => return Err("its URL has no host".to_owned()),
    };
    match url.scheme() {
        "https" => {}
        "http" if local && loopback_host => {}
        _ => return Err("it must be an https URL".to_owned()),
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(FETCH_TIMEOUT)
        .dns_resolver(Arc::new(PublicOnly { local }))
        .build()
        .map_err(|error| format!("no HTTP client: {error}"))?;
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|error| format!("it could not be fetched: {error}"))?;
    if !response.status().is_success() {
        return Err(format!("fetching it answered {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| format!("it could not be read: {error}"))?
    {
        if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
            return Err(format!("it is larger than {MAX_DOCUMENT_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    let document: Document =
        serde_json::from_slice(&body).map_err(|error| format!("it is not valid JSON: {error}"))?;
    if document.client_id != client_id {
        return Err("its client_id is not its own URL".to_owned());
    }
    if document
        .token_endpoint_auth_method
        .as_deref()
        .is_some_and(|method| method != "none")
    {
        return Err(
            "only token_endpoint_auth_method \"none\" is supported for documents".to_owned(),
        );
    }
    check_redirect_uris(&document.redirect_uris)?;
    Ok(Fetched {
        name: clean_name(document.client_name.as_deref(), client_id),
        redirect_uris: document.redirect_uris,
    })
}

/// Refuses an address a document may not be fetched from.
fn check_address(address: IpAddr, local: bool) -> Result<(), String> {
    if is_public(address) || (local && address.is_loopback()) {
        Ok(())
    } else {
        Err(format!("{address} is not a public address"))
    }
}

/// Whether `address` is on the public internet: not loopback, private,
/// link-local, shared (CGNAT), unique-local, multicast, documentation or
/// unspecified; an IPv4-mapped IPv6 address is judged as its IPv4 one.
fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// A resolver that answers only with the addresses a document may be
/// fetched from.
struct PublicOnly {
    local: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let local = self.local;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| check_address(address.ip(), local).is_ok())
                .collect();
            if addresses.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addresses: Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::{check_redirect_uris, clean_name, is_public};

    #[test]
    fn inside_addresses_are_not_public() -> Result<(), std::net::AddrParseError> {
        for text in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(text.parse::<IpAddr>()?), "{text}");
        }
        for text in ["93.184.216.34", "2606:4700::1111"] {
            assert!(is_public(text.parse::<IpAddr>()?), "{text}");
        }
        Ok(())
    }

    #[test]
    fn names_lose_control_characters_and_fall_back() {
        assert_eq!(clean_name(Some("Cur\u{202e}sor\n"), "x"), "Cursor");
        assert_eq!(clean_name(Some("  "), "fallback"), "fallback");
        assert_eq!(clean_name(None, "fallback"), "fallback");
    }

    #[test]
    fn redirect_uri_lists_are_checked() {
        assert!(check_redirect_uris(&[]).is_err());
        assert!(check_redirect_uris(&["http://127.0.0.1/cb".to_owned()]).is_ok());
        assert!(check_redirect_uris(&["http://evil.example/cb".to_owned()]).is_err());
        assert!(check_redirect_uris(&vec!["http://127.0.0.1/cb".to_owned(); 11]).is_err());
    }
}
