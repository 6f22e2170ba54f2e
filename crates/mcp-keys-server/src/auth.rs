//! Management-token authentication of the management API.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use mcp_keys_core::ManagementToken;

use crate::bearer::{Bearer, bearer};
use crate::client_address::client_address;
use crate::{AppState, Error};

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
    let valid = match bearer(request.headers()) {
        Bearer::Credential(text) => match ManagementToken::parse(text) {
            Ok(token) => state.db.token_is_valid(&token).await?,
            Err(_) => false,
        },
        Bearer::Missing | Bearer::Malformed => false,
    };
    if !valid {
        state
            .limits
            .check_address(address)
            .and_then(|()| state.limits.record_failure(address))
            .map_err(|retry_after| Error::RateLimited { retry_after })?;
        return Err(Error::Unauthorized);
    }
    Ok(next.run(request).await)
}
