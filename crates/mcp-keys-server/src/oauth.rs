//! OAuth mode (DESIGN §9): the key service as the authorization server of
//! the surfaces whose `authMode` includes `oauth`, to the MCP authorization
//! specification (revision 2025-11-25).
//!
//! - `metadata`: RFC 9728 (per surface) and RFC 8414 (per service).
//! - `register`: RFC 7591 dynamic registration; `clients`: registered
//!   clients and client ID metadata documents, fetched with care.
//! - `authorize`: the authorization endpoint and the consent page, where a
//!   request waits for the owner (the app, the CLI, or a key on the page).
//! - `token`, `revoke`: codes with PKCE S256, rotating refresh tokens,
//!   RFC 7009.
//!
//! Access tokens are verified with keys, in `crate::verify`: a token's
//! verification is its grant's, so revoking a grant works like revoking a
//! key.

mod authorize;
mod clients;
mod error;
mod metadata;
mod page;
pub(crate) mod redirect;
mod register;
mod revoke;
pub(crate) mod secret;
mod token;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// Grant ids start with this; key ids never hold an underscore.
pub const GRANT_ID_PREFIX: &str = "grt_";

/// Where an access token's verification is cached: its own id, apart from
/// keys'.
pub const TOKEN_CACHE_PREFIX: &str = "at:";

/// How long an access token lives, by default ([`crate::Config`]).
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// How long a refresh token lives (each use replaces it).
pub const REFRESH_TOKEN_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// How long an authorization code lives.
pub const CODE_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// How long a request waits for the owner.
pub const REQUEST_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The most requests that may wait at once: anyone can start one, and each
/// asks the owner (a notification in the app).
pub const MAX_PENDING_REQUESTS: u64 = 50;

/// How often the consent page reloads itself while it waits.
pub const CONSENT_RELOAD: Duration = Duration::from_secs(2);

/// Whether `id` is a grant's (a principal of the guard, like a key id).
pub fn is_grant_id(id: &str) -> bool {
    id.starts_with(GRANT_ID_PREFIX)
}

/// The well-known path of a surface's protected-resource metadata.
pub const RESOURCE_METADATA_PATH: &str =
    "/.well-known/oauth-protected-resource/v1/products/{product_id}/surfaces/{surface_id}/mcp";

/// The URL of the protected-resource metadata of a surface.
pub fn resource_metadata_url(base_url: &str, product_id: &str, surface_id: &str) -> String {
    format!(
        "{base_url}/.well-known/oauth-protected-resource/v1/products/{product_id}/surfaces/{surface_id}/mcp"
    )
}

/// Every public OAuth route: metadata, registration, authorization, token,
/// revocation.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(RESOURCE_METADATA_PATH, get(metadata::protected_resource))
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}/mcp/.well-known/oauth-protected-resource",
            get(metadata::protected_resource),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::authorization_server),
        )
        .route(
            "/.well-known/openid-configuration",
            get(metadata::authorization_server),
        )
        .route("/oauth/register", post(register::register))
        .route("/oauth/authorize", get(authorize::start))
        .route(
            "/oauth/authorize/{request_id}",
            get(authorize::resume).post(authorize::decide),
        )
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(revoke::revoke))
}
