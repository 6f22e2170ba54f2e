//! RFC 7009 token revocation. The answer is 200 whatever the token was, so
//! it tells nothing; a refresh token takes its grant with it.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mcp_keys_core::Fingerprint;

use super::error::{OAuthError, no_store};
use super::secret::{Kind, id_of};
use super::token::{authenticate, form};
use crate::{AppState, time};

/// `POST /oauth/revoke`.
pub async fn revoke(State(state): State<AppState>, request: Request) -> Response {
    match revoke_token(&state, request).await {
        Ok(()) => no_store(StatusCode::OK.into_response()),
        Err(error) => error.into_response(),
    }
}

async fn revoke_token(state: &AppState, request: Request) -> Result<(), OAuthError> {
    let now = time::now();
    let (headers, form) = form(request).await?;
    let client = authenticate(state, &headers, &form, now).await?;
    let text = form
        .token()
        .ok_or_else(|| OAuthError::request("token is missing"))?;
    let Some(token_id) = id_of(Kind::Access, text).or_else(|| id_of(Kind::Refresh, text)) else {
        return Ok(());
    };
    let Some(token) = state.db.oauth_token(token_id).await? else {
        return Ok(());
    };
    if token.fingerprint != Fingerprint::of(text) || token.client_id != client.id {
        return Ok(());
    }
    state.db.revoke_oauth_token(token_id, &token, now).await?;
    Ok(())
}
