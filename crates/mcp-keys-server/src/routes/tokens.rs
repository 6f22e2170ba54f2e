//! `GET /v1/tokens`, `POST /v1/tokens`, `DELETE /v1/tokens/{id}`: the
//! management tokens, so a leaked or forgotten one can be found and
//! revoked, and a new one minted for a new machine.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get};
use axum::{Extension, Router};
use mcp_keys_core::ManagementToken;
use serde::Deserialize;

use super::keys::no_store;
use super::validate;
use crate::api::{CreatedToken, Page, Pagination, TokenMetadata};
use crate::auth::CurrentToken;
use crate::extract::{Json, Path};
use crate::{AppState, Error, time};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tokens", get(list).post(create))
        .route("/v1/tokens/{token_id}", delete(revoke))
}

/// Every token, revoked ones included, on one page: a service has a
/// handful.
async fn list(
    State(state): State<AppState>,
    Extension(CurrentToken(current)): Extension<CurrentToken>,
) -> Result<axum::Json<Page<TokenMetadata>>, Error> {
    let tokens = state.db.list_tokens(&current).await?;
    let count = u64::try_from(tokens.len()).unwrap_or(u64::MAX);
    Ok(axum::Json(Page {
        pagination: Pagination {
            next_cursor: None,
            has_more: false,
            limit: u32::try_from(tokens.len()).unwrap_or(u32::MAX),
            total_count: count,
        },
        data: tokens,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateToken {
    name: String,
}

async fn create(
    State(state): State<AppState>,
    Extension(CurrentToken(current)): Extension<CurrentToken>,
    Json(body): Json<CreateToken>,
) -> Result<Response, Error> {
    let name = validate::name(&body.name)?;
    let token = ManagementToken::generate()?;
    state.db.insert_token(&token, &name, time::now()).await?;
    let metadata = state
        .db
        .token(token.id(), &current)
        .await?
        .ok_or(Error::NotFound("management token"))?;
    tracing::info!(token_id = %metadata.id, "management token created");
    Ok(no_store(
        StatusCode::CREATED,
        &CreatedToken { token, metadata },
    ))
}

/// 200 with the revoked token; 404 for an unknown or already revoked one;
/// 409 `last_token` for the last unrevoked token, which would lock
/// everyone out.
async fn revoke(
    State(state): State<AppState>,
    Extension(CurrentToken(current)): Extension<CurrentToken>,
    Path(token_id): Path<String>,
) -> Result<axum::Json<TokenMetadata>, Error> {
    let existing = state
        .db
        .token(&token_id, &current)
        .await?
        .filter(|token| token.revoked_at.is_none())
        .ok_or(Error::NotFound("management token"))?;
    if !state
        .db
        .revoke_token_keeping_one(&existing.id, time::now())
        .await?
    {
        return Err(Error::LastToken);
    }
    tracing::info!(token_id = %existing.id, "management token revoked");
    state
        .db
        .token(&token_id, &current)
        .await?
        .map(axum::Json)
        .ok_or(Error::NotFound("management token"))
}
