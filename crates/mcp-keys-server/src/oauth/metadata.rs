//! The discovery documents: RFC 9728 for each surface in OAuth mode, RFC
//! 8414 for the service's authorization server.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::db::surface_url;
use crate::extract::Path;
use crate::{AppState, Error};

/// RFC 9728 protected-resource metadata of a surface whose mode includes
/// OAuth; 404 for any other (it advertises nothing of OAuth).
pub async fn protected_resource(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
) -> Result<Json<Value>, Error> {
    let surface = state
        .db
        .oauth_surface(&product_id, &surface_id)
        .await?
        .filter(|surface| surface.auth_mode.accepts_oauth())
        .ok_or(Error::NotFound("OAuth metadata of this surface"))?;
    let base = &state.config.base_url;
    Ok(Json(json!({
        "resource": surface_url(base, &surface.product_id, &surface.id),
        "authorization_servers": [base],
        "scopes_supported": surface.capabilities,
        "bearer_methods_supported": ["header"],
        "resource_name": surface.name,
    })))
}

/// RFC 8414 authorization server metadata.
pub async fn authorization_server(State(state): State<AppState>) -> Json<Value> {
    let base = &state.config.base_url;
    let methods = ["none", "client_secret_post", "client_secret_basic"];
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "registration_endpoint": format!("{base}/oauth/register"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": methods,
        "revocation_endpoint_auth_methods_supported": methods,
        "client_id_metadata_document_supported": true,
        "authorization_response_iss_parameter_supported": true,
    }))
}
