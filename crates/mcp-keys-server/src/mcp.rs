//! The MCP endpoint of a surface (DESIGN §4): MCP Streamable HTTP served by
//! rmcp, behind key authentication, plus two public description documents.
//!
//! A surface without an upstream is served stateless (no `Mcp-Session-Id`)
//! with JSON answers: every POST is complete on its own. A surface with an
//! upstream gives each client that initializes a session (`sessions.rs`),
//! since the upstream's own requests and notifications need its stream;
//! clients that send no `initialize` (the newest protocol revision) are
//! served stateless there too. Every request is authenticated either way.

mod guard;
mod info;
mod origin;
mod peek;
mod refusal;
mod sessions;
mod tools;
mod upstreams;

pub use sessions::Sessions;
pub use upstreams::{UpstreamStatus, Upstreams};

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use crate::{AppState, Config};

/// Where a surface's MCP endpoint is.
const MCP_PATH: &str = "/v1/products/{product_id}/surfaces/{surface_id}/mcp";

/// How rmcp's Streamable HTTP transport is set up, for both services.
pub fn transport(config: &Config) -> StreamableHttpServerConfig {
    StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(config.max_body_bytes)
        // rmcp's Host allowlist is loopback-only, which would refuse a
        // service listening for a network; Origin is checked by our guard,
        // and no request gets through without a key anyway.
        .disable_allowed_hosts()
}

/// The stateless service.
type Stateless = StreamableHttpService<tools::SurfaceTools, NeverSessionManager>;

/// The MCP endpoint and its public documents.
pub fn router(state: AppState) -> Router<AppState> {
    let stateless: Arc<Stateless> = Arc::new(StreamableHttpService::new(
        || Ok(tools::SurfaceTools::default()),
        Arc::new(NeverSessionManager::default()),
        transport(&state.config),
    ));
    Router::new()
        .route(
            MCP_PATH,
            any(move |State(state): State<AppState>, request: Request| {
                let stateless = Arc::clone(&stateless);
                async move { endpoint(&state, &stateless, request).await }
            }),
        )
        .route_layer(from_fn_with_state(state, guard::guard))
        .route(&format!("{MCP_PATH}/info"), get(info::info))
        .route(
            &format!("{MCP_PATH}/.well-known/mcp.json"),
            get(info::well_known),
        )
}

/// Hands an authenticated request to the session service or the stateless
/// one.
async fn endpoint(state: &AppState, stateless: &Stateless, request: Request) -> Response {
    let Some(authenticated) = request.extensions().get::<guard::Authenticated>().cloned() else {
        return refusal::Answer::Internal.into_response();
    };
    let opens = authenticated.initialize
        && request
            .extensions()
            .get::<tools::Caller>()
            .is_some_and(|caller| caller.upstream.is_some());
    if Sessions::wants(&request, opens) {
        state.sessions.serve(&authenticated.key_id, request).await
    } else {
        stateless.handle(request).await.map(axum::body::Body::new)
    }
}
