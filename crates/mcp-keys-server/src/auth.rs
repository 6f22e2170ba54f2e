//! Management-token authentication of the management API.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use mcp_keys_core::ManagementToken;

use crate::bearer::{Bearer, bearer};
use crate::client_address::client_address;
use crate::{AppState, Error, time};

/// The public id of the management token that authenticated a request.
#[derive(Debug, Clone)]
pub struct CurrentToken(pub String);

/// Lets a request through only with a valid management token. Failures
/// count against the client address like failed key authentications, so
/// tokens cannot be guessed faster than keys; a valid token is never
/// refused for them, because the address (127.0.0.1 above all) is shared
/// with every other local program, a web page's requests included.
pub async fn require_management_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, Error> {
    let address = client_address(request.extensions());
    let token = match bearer(request.headers()) {
        Bearer::Credential(text) => ManagementToken::parse(text).ok(),
        Bearer::Missing | Bearer::Malformed => None,
    };
    let valid = match &token {
        Some(token) => state.db.token_is_valid(token).await?,
        None => false,
    };
    let Some(token) = token.filter(|_| valid) else {
        state
            .limits
            .check_address(address)
            .and_then(|()| state.limits.record_failure(address))
            .map_err(|retry_after| Error::RateLimited { retry_after })?;
        return Err(Error::Unauthorized);
    };
    let now = time::now();
    // Bookkeeping must not fail the request it describes.
    if let Err(error) = state.db.record_token_use(token.id(), now).await {
        tracing::warn!(%error, "could not record a management token's use");
    }
    let mut request = request;
    request
        .extensions_mut()
        .insert(CurrentToken(token.id().to_owned()));
    Ok(next.run(request).await)
}
