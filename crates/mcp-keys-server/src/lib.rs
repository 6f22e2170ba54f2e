//! MCP Keys key service: the management API of DESIGN §3, key verification,
//! and the MCP endpoint of every surface (DESIGN §4), over axum and sqlx.
//!
//! Keys and management tokens are stored as fingerprints only; a plaintext
//! key exists in the one response that creates it. Every MCP request is
//! verified; a verification is cached for at most 3 s and dropped on this
//! instance before a revocation's DELETE returns, so a revocation holds from
//! that moment here, and within a second on other instances sharing a
//! PostgreSQL database (LISTEN/NOTIFY), 3 s at most if a notification is lost.
//!
//! Embedding it (the CLI's `mcp-keys serve` does exactly this):
//!
//! ```no_run
//! use mcp_keys_server::{AppState, Config, Db, serve};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let db = Db::connect("sqlite://keys.db").await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:7410").await?;
//! let state = AppState::new(db, Config::new("http://127.0.0.1:7410"));
//! serve(listener, state, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod api;
mod auth;
mod bearer;
mod bootstrap;
mod browser;
mod calls;
mod client_address;
mod config;
mod db;
mod embedded;
mod error;
mod extract;
mod ids;
mod limits;
mod listen;
mod mcp;
mod oauth;
mod openapi;
mod routes;
mod secrets;
mod state;
#[cfg(feature = "test-support")]
pub mod testing;
mod time;
mod usage;
mod verify;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use tokio::net::TcpListener;

// Public for the fuzz target of the header parsing (`fuzz/`).
pub use bearer::{Bearer, bearer};
pub use bootstrap::init_token_file;
pub use browser::loopback_hosts;
pub use config::{Config, DEFAULT_UPSTREAM_IDLE_STOP, DEFAULT_UPSTREAM_TIMEOUT};
pub use db::Db;
pub use embedded::{Embedded, LocalToken};
pub use error::Error;
pub use secrets::{EnvironmentSecrets, SecretsFile, UpstreamSecrets, secret_variable};
pub use state::AppState;
pub use verify::Refusal;

/// Log filter directives that keep the service's libraries at the level
/// people need: rmcp reports every stateless MCP request's `initialize`,
/// client details included, at INFO. Appended to the default filter of
/// `serve` and the app (RUST_LOG overrides both).
pub const LOG_DIRECTIVES: &str = "rmcp=warn";

/// The whole service: management API, MCP endpoints, `/health` and the
/// OpenAPI document at `/v1/openapi.json`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::management(state.clone()))
        .merge(routes::identity())
        .merge(mcp::router(state.clone()))
        .merge(oauth::router())
        .route("/health", get(routes::health))
        .route(openapi::PATH, get(openapi::document))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(from_fn_with_state(
            state.clone(),
            browser::require_known_host,
        ))
        .with_state(state)
}

/// Serves [`app`] on `listener` until `shutdown` completes, then lets the
/// requests in flight finish. Client addresses are taken from the
/// connections, for the per-address limit on failed authentications; the
/// time and connection limits of [`Config`] apply.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config.clone();
    listen::serve(listener, app(state), &config, shutdown).await
}

async fn not_found() -> Error {
    Error::NotFound("route")
}
