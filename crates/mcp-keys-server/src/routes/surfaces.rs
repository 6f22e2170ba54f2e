//! Surfaces: list across products, create, get, update.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use mcp_keys_core::{Environment, Upstream};
use serde::Deserialize;

use super::validate;
use crate::api::{AuthMode, Page, PageRequest, Surface, SurfaceStatus};
use crate::db::{NewSurface, SurfaceFilter, SurfaceUpdate};
use crate::extract::{Json, Path, Query};
use crate::{AppState, Error, time};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/surfaces", get(list))
        .route("/v1/products/{product_id}/surfaces", post(create))
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}",
            get(show).put(update),
        )
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}/upstream",
            get(upstream_status),
        )
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}/upstream/sync",
            post(sync_items),
        )
}

#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    status: Option<String>,
    environment: Option<String>,
    // Not a flattened `PageParams`: serde_urlencoded cannot read numbers
    // through `flatten`.
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<Surface>>, Error> {
    let filter = SurfaceFilter {
        kind: params.kind,
        status: params
            .status
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(Error::BadRequest)?,
        environment: params
            .environment
            .as_deref()
            .map(str::parse::<Environment>)
            .transpose()
            .map_err(|error| Error::BadRequest(format!("environment: {error}")))?,
    };
    let page = PageRequest::parse(params.limit, params.cursor.as_deref())?;
    let surfaces = state
        .db
        .list_surfaces(&filter, &page, &state.config.base_url)
        .await?;
    Ok(axum::Json(surfaces))
}

#[derive(Debug, Deserialize)]
struct CreateSurface {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    status: Option<SurfaceStatus>,
    environment: Option<Environment>,
    upstream: Option<Upstream>,
    #[serde(rename = "authMode")]
    auth_mode: Option<AuthMode>,
}

/// Checks an upstream before it is stored: well formed, and a command only
/// where the service starts commands.
fn allowed_upstream(state: &AppState, upstream: Option<&Upstream>) -> Result<(), Error> {
    let Some(upstream) = upstream else {
        return Ok(());
    };
    upstream
        .check()
        .map_err(|reason| Error::Invalid(format!("upstream: {reason}")))?;
    if upstream.is_command() && !state.config.allow_upstream_commands {
        return Err(Error::UpstreamCommandsDisabled);
    }
    Ok(())
}

async fn create(
    State(state): State<AppState>,
    Path(product_id): Path<String>,
    Json(body): Json<CreateSurface>,
) -> Result<(StatusCode, axum::Json<Surface>), Error> {
    let name = validate::name(&body.name)?;
    if body.kind != "mcp" {
        return Err(Error::Invalid("type must be `mcp`".into()));
    }
    allowed_upstream(&state, body.upstream.as_ref())?;
    if !state.db.product_exists(&product_id).await? {
        return Err(Error::NotFound("product"));
    }
    let new = NewSurface {
        name,
        status: body.status.unwrap_or(SurfaceStatus::Active),
        environment: body.environment.unwrap_or(Environment::Development),
        upstream: body.upstream,
        auth_mode: body.auth_mode.unwrap_or_default(),
    };
    let surface = state
        .db
        .create_surface(&product_id, &new, time::now(), &state.config.base_url)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(surface)))
}

async fn show(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
) -> Result<axum::Json<Surface>, Error> {
    state
        .db
        .surface(&product_id, &surface_id, &state.config.base_url)
        .await?
        .map(axum::Json)
        .ok_or(Error::NotFound("surface"))
}

/// What the surface's upstream is doing (DESIGN §3, §7); 404 when the
/// surface fronts nothing.
async fn upstream_status(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
) -> Result<axum::Json<crate::mcp::UpstreamStatus>, Error> {
    upstream_of(&state, &product_id, &surface_id).await?;
    Ok(axum::Json(state.upstreams.status(&surface_id).await))
}

/// The upstream of surface `surface_id` of product `product_id`; 404 when
/// there is no such surface, or it fronts nothing.
async fn upstream_of(
    state: &AppState,
    product_id: &str,
    surface_id: &str,
) -> Result<Upstream, Error> {
    if !state.db.surface_exists(product_id, surface_id).await? {
        return Err(Error::NotFound("surface"));
    }
    state
        .db
        .surface_upstream(surface_id)
        .await?
        .ok_or(Error::NotFound("upstream"))
}

/// Starts the surface's upstream if needed and makes the surface's items
/// what it offers now (DESIGN §7); the surface with its items. 502
/// `upstream_unavailable`, with the reason, when the upstream cannot be
/// started or reached.
async fn sync_items(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
) -> Result<axum::Json<Surface>, Error> {
    let upstream = upstream_of(&state, &product_id, &surface_id).await?;
    state
        .upstreams
        .sync_items(&surface_id, &upstream)
        .await
        .map_err(|error| Error::UpstreamUnavailable(error.to_string()))?;
    state
        .db
        .surface(&product_id, &surface_id, &state.config.base_url)
        .await?
        .map(axum::Json)
        .ok_or(Error::NotFound("surface"))
}

#[derive(Debug, Deserialize)]
struct UpdateSurface {
    name: Option<String>,
    status: Option<SurfaceStatus>,
    environment: Option<Environment>,
    /// Absent: unchanged; `null`: removed; an object: set.
    #[serde(default, deserialize_with = "present")]
    upstream: Option<Option<Upstream>>,
    #[serde(rename = "authMode")]
    auth_mode: Option<AuthMode>,
}

/// A member that is present (even `null`) is `Some`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

async fn update(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
    Json(body): Json<UpdateSurface>,
) -> Result<axum::Json<Surface>, Error> {
    allowed_upstream(&state, body.upstream.as_ref().and_then(Option::as_ref))?;
    let update = SurfaceUpdate {
        name: body.name.as_deref().map(validate::name).transpose()?,
        status: body.status,
        environment: body.environment,
        upstream: body.upstream,
        auth_mode: body.auth_mode,
    };
    state
        .db
        .update_surface(
            &product_id,
            &surface_id,
            &update,
            time::now(),
            &state.config.base_url,
        )
        .await?
        .map(axum::Json)
        .ok_or(Error::NotFound("surface"))
}
