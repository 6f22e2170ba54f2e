//! The address a request came from, which failed attempts are counted by.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::Extensions;

/// The peer address of the connection. The service is meant to be reached
/// directly (loopback, or a private network); behind a proxy every request
/// would share the proxy's address, so no forwarding header is trusted.
///
/// Without connection info (a router driven in-process, without
/// [`serve`](crate::serve)) all requests count as one unspecified address.
pub fn client_address(extensions: &Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |info| info.0.ip())
}
