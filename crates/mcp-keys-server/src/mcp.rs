//! The MCP endpoint of a surface (DESIGN §4): MCP Streamable HTTP served by
//! rmcp, behind key authentication, plus two public description documents.
//!
//! The transport runs stateless (no `Mcp-Session-Id`) with JSON answers: every
//! POST is complete on its own, which is what per-request authentication
//! wants, and no session outlives the revocation of its key.

mod guard;
mod info;
mod origin;
mod peek;
mod refusal;
mod tools;
mod upstreams;

pub use upstreams::{UpstreamStatus, Upstreams};

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use crate::AppState;

/// Where a surface's MCP endpoint is.
const MCP_PATH: &str = "/v1/products/{product_id}/surfaces/{surface_id}/mcp";

/// The MCP endpoint and its public documents.
pub fn router(state: AppState) -> Router<AppState> {
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(state.config.max_body_bytes)
        // rmcp's Host allowlist is loopback-only, which would refuse a
        // service listening for a network; Origin is checked by our guard,
        // and no request gets through without a key anyway.
        .disable_allowed_hosts();
    let service = StreamableHttpService::new(
        || Ok(tools::SurfaceTools),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    Router::new()
        .route_service(MCP_PATH, service)
        .route_layer(from_fn_with_state(state, guard::guard))
        .route(&format!("{MCP_PATH}/info"), get(info::info))
        .route(
            &format!("{MCP_PATH}/.well-known/mcp.json"),
            get(info::well_known),
        )
}
