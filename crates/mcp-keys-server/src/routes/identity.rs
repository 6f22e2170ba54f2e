//! `POST /v1/identity`: the service proves it holds a management token's
//! fingerprint, so a client can check whom it talks to before it sends the
//! token over plain HTTP (DESIGN §3). Public: the answer reveals nothing a
//! caller without the token could use.

use axum::extract::State;
use axum::routing::post;
use axum::{Router, response::IntoResponse};
use mcp_keys_core::{identity_proof, is_identity_nonce};
use serde::Deserialize;
use serde_json::json;

use axum::extract::FromRequest;

use crate::client_address::client_address;
use crate::extract::Json;
use crate::{AppState, Error};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IdentityRequest {
    token_id: String,
    nonce: String,
}

/// The public identity route.
pub fn router() -> Router<AppState> {
    Router::new().route("/v1/identity", post(prove))
}

/// 200 `{proof}`; 404 `not_found` for a token id with no unrevoked token;
/// 400 for a malformed nonce.
async fn prove(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, Error> {
    let address = client_address(request.extensions());
    let Json(body) = Json::<IdentityRequest>::from_request(request, &state).await?;
    if !is_identity_nonce(&body.nonce) {
        return Err(Error::BadRequest(
            "nonce must be 64 to 128 lowercase hex characters".into(),
        ));
    }
    let Some(fingerprint) = state.db.token_fingerprint(&body.token_id).await? else {
        // An unknown token counts as a failed authentication, like a wrong
        // token on the API, so token ids cannot be probed faster.
        state
            .limits
            .check_address(address)
            .and_then(|()| state.limits.record_failure(address))
            .map_err(|retry_after| Error::RateLimited { retry_after })?;
        return Err(Error::NotFound("management token"));
    };
    Ok(axum::Json(
        json!({"proof": identity_proof(&fingerprint, &body.nonce)}),
    ))
}
