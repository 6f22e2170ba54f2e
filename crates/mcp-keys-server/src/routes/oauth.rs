//! OAuth mode's management (DESIGN §9): the authorization requests waiting
//! for the owner, and the grants of a surface.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::Deserialize;

use crate::api::{Grant, OAuthRequest, Page, Pagination};
use crate::extract::Path;
use crate::{AppState, Error, time};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/oauth/requests", get(requests))
        .route("/v1/oauth/requests/{request_id}/approve", post(approve))
        .route("/v1/oauth/requests/{request_id}/deny", post(deny))
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}/grants",
            get(grants),
        )
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}/grants/{grant_id}",
            delete(revoke),
        )
}

/// A whole list as one page.
fn whole<T>(data: Vec<T>) -> Page<T> {
    Page {
        pagination: Pagination {
            next_cursor: None,
            has_more: false,
            limit: u32::try_from(data.len()).unwrap_or(u32::MAX),
            total_count: u64::try_from(data.len()).unwrap_or(u64::MAX),
        },
        data,
    }
}

async fn requests(State(state): State<AppState>) -> Result<axum::Json<Page<OAuthRequest>>, Error> {
    let pending = state.db.pending_oauth_requests(time::now()).await?;
    Ok(axum::Json(whole(pending)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Approval {
    /// Narrower than asked; absent: what was asked.
    scopes: Option<Vec<String>>,
}

async fn approve(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, axum::Json<Grant>), Error> {
    let now = time::now();
    // The body may be left out: then what was asked is approved.
    let approval: Approval = if body.iter().all(u8::is_ascii_whitespace) {
        Approval::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| Error::BadRequest(error.to_string()))?
    };
    let request = pending(&state, &request_id, now).await?;
    let asked = request.scope_list()?;
    let scopes = match approval.scopes {
        None => asked,
        Some(scopes) => {
            let capabilities = state.db.capabilities(&request.surface_id).await?;
            let allowed = |scope: &String| {
                if asked.is_empty() {
                    capabilities.contains(scope)
                } else {
                    asked.contains(scope)
                }
            };
            if let Some(outside) = scopes.iter().find(|scope| !allowed(scope)) {
                return Err(Error::Invalid(format!(
                    "scope {outside:?} was not asked for (an approval may only narrow the request)"
                )));
            }
            if scopes.is_empty() && !asked.is_empty() {
                return Err(Error::Invalid(
                    "an approval needs at least one of the scopes asked for".to_owned(),
                ));
            }
            scopes
        }
    };
    let grant = state
        .db
        .approve_oauth_request(&request_id, &scopes, "management_token", now)
        .await?
        .ok_or_else(|| Error::Conflict("the request was decided meanwhile".to_owned()))?;
    tracing::info!(grant_id = %grant.id, surface_id = %grant.surface_id, "OAuth request approved");
    Ok((StatusCode::CREATED, axum::Json(grant)))
}

async fn deny(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
) -> Result<StatusCode, Error> {
    let now = time::now();
    pending(&state, &request_id, now).await?;
    if !state.db.deny_oauth_request(&request_id, now).await? {
        return Err(Error::Conflict(
            "the request was decided meanwhile".to_owned(),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The request `request_id` if it still waits; 404 if unknown or lapsed,
/// 409 if decided.
async fn pending(
    state: &AppState,
    request_id: &str,
    now: time::Timestamp,
) -> Result<crate::db::StoredRequest, Error> {
    let request = state
        .db
        .oauth_request(request_id)
        .await?
        .ok_or(Error::NotFound("oauth request"))?;
    if time::from_millis(request.expires_at)? <= now {
        return Err(Error::NotFound("oauth request"));
    }
    if request.status != "pending" {
        return Err(Error::Conflict(format!(
            "the request was {} already",
            request.status
        )));
    }
    Ok(request)
}

async fn grants(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
) -> Result<axum::Json<Page<Grant>>, Error> {
    if !state.db.surface_exists(&product_id, &surface_id).await? {
        return Err(Error::NotFound("surface"));
    }
    let grants = state.db.list_grants(&product_id, &surface_id).await?;
    Ok(axum::Json(whole(grants)))
}

async fn revoke(
    State(state): State<AppState>,
    Path((product_id, surface_id, grant_id)): Path<(String, String, String)>,
) -> Result<axum::Json<Grant>, Error> {
    let grant = state
        .db
        .revoke_grant(&product_id, &surface_id, &grant_id, time::now())
        .await?
        .ok_or(Error::NotFound("grant"))?;
    tracing::info!(grant_id = %grant.id, surface_id = %grant.surface_id, "OAuth grant revoked");
    Ok(axum::Json(grant))
}
