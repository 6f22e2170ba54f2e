//! Keys of a surface: create, list, revoke, roll; and one key by id.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use chrono::TimeDelta;
use mcp_keys_core::{ApiKey, Environment};
use serde::{Deserialize, Serialize};

use super::products::PageParams;
use super::validate;
use crate::api::{CreatedKey, KeyMetadata, Page, RolledKey};
use crate::db::NewKey;
use crate::extract::{Json, Path, Query};
use crate::time::{self, Timestamp};
use crate::{AppState, Error};

/// The longest grace period of a roll, in the body's unit.
const MAX_GRACE_SECONDS: u64 = mcp_keys_core::MAX_GRACE.as_secs();

/// Attempts at a key whose id is not taken yet. Ids are 8 random base62
/// characters, so a second attempt is already rare.
const KEY_ATTEMPTS: usize = 3;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}/keys",
            get(list).post(create),
        )
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}/keys/{key_id}",
            delete(revoke),
        )
        .route(
            "/v1/products/{product_id}/surfaces/{surface_id}/keys/{key_id}/roll",
            post(roll),
        )
        .route("/v1/keys/{key_id}", get(show))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateKey {
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
    environment: Option<Environment>,
    expires_at: Option<Timestamp>,
    rate_limit_per_minute: Option<u32>,
    rate_limit_per_day: Option<u32>,
}

async fn create(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
    Json(body): Json<CreateKey>,
) -> Result<Response, Error> {
    let surface = state
        .db
        .surface(&product_id, &surface_id, &state.config.base_url)
        .await?
        .ok_or(Error::NotFound("surface"))?;
    let now = time::now();
    let name = validate::name(&body.name)?;
    let mut scopes = body.scopes;
    scopes.sort();
    scopes.dedup();
    // A scope must name a capability the surface has: a typo would
    // otherwise silently produce a key that can call nothing.
    if let Some(unknown) = scopes.iter().find(|scope| {
        !surface
            .items
            .iter()
            .any(|item| &item.capability_name == *scope)
    }) {
        return Err(Error::Invalid(format!(
            "scope `{unknown}` is not a capability of this surface"
        )));
    }
    if body.expires_at.is_some_and(|at| at <= now) {
        return Err(Error::Invalid("expiresAt must be in the future".into()));
    }
    if body.rate_limit_per_minute == Some(0) || body.rate_limit_per_day == Some(0) {
        return Err(Error::Invalid("rate limits must be at least 1".into()));
    }
    let template = KeyTemplate {
        surface_id,
        product_id,
        name,
        scopes,
        environment: body.environment.unwrap_or(surface.environment),
        expires_at: body.expires_at,
        rate_limit_per_minute: body.rate_limit_per_minute,
        rate_limit_per_day: body.rate_limit_per_day,
    };
    let mut attempts = 0;
    let (key, metadata) = loop {
        let key = ApiKey::generate(template.environment)?;
        if let Some(metadata) = state.db.insert_key(&template.new_key(&key), now).await? {
            break (key, metadata);
        }
        attempts += 1;
        if attempts == KEY_ATTEMPTS {
            return Err(ids_exhausted());
        }
    };
    Ok(no_store(StatusCode::CREATED, &CreatedKey { key, metadata }))
}

async fn list(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<Page<KeyMetadata>>, Error> {
    let page = params.page()?;
    if !state.db.surface_exists(&product_id, &surface_id).await? {
        return Err(Error::NotFound("surface"));
    }
    Ok(axum::Json(state.db.list_keys(&surface_id, &page).await?))
}

async fn revoke(
    State(state): State<AppState>,
    Path((product_id, surface_id, key_id)): Path<(String, String, String)>,
) -> Result<axum::Json<KeyMetadata>, Error> {
    let key = state
        .db
        .revoke_key(&surface_id, &key_id, time::now())
        .await?
        .filter(|key| key.product_id == product_id)
        .ok_or(Error::NotFound("key"))?;
    tracing::info!(key_id = %key.id, surface_id = %key.surface_id, "key revoked");
    Ok(axum::Json(key))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RollKey {
    #[serde(default)]
    grace_period_seconds: u32,
}

async fn roll(
    State(state): State<AppState>,
    Path((product_id, surface_id, key_id)): Path<(String, String, String)>,
    Json(body): Json<RollKey>,
) -> Result<Response, Error> {
    if u64::from(body.grace_period_seconds) > MAX_GRACE_SECONDS {
        return Err(Error::Invalid(format!(
            "gracePeriodSeconds must be at most {MAX_GRACE_SECONDS}"
        )));
    }
    let old = state
        .db
        .key(&key_id)
        .await?
        .filter(|key| key.surface_id == surface_id && key.product_id == product_id)
        .ok_or(Error::NotFound("key"))?;
    if old.revoked_at.is_some() {
        return Err(Error::Conflict("a revoked key cannot be rolled".into()));
    }
    if !old.is_active {
        return Err(Error::Conflict("an expired key cannot be rolled".into()));
    }
    let now = time::now();
    let template = KeyTemplate {
        surface_id,
        product_id,
        // The new key lives as long as the old one was meant to.
        expires_at: old.expires_at.map(|at| now + (at - old.created_at)),
        name: old.name,
        scopes: old.scopes,
        environment: old.environment,
        rate_limit_per_minute: old.rate_limit_per_minute,
        rate_limit_per_day: old.rate_limit_per_day,
    };
    let grace_end = now + TimeDelta::seconds(i64::from(body.grace_period_seconds));
    let mut attempts = 0;
    let (key, (metadata, old_key)) = loop {
        let key = ApiKey::generate(template.environment)?;
        let new = template.new_key(&key);
        if let Some(rolled) = state.db.roll_key(&key_id, &new, grace_end, now).await? {
            break (key, rolled);
        }
        attempts += 1;
        if attempts == KEY_ATTEMPTS {
            return Err(ids_exhausted());
        }
    };
    tracing::info!(key_id = %key_id, new_key_id = %metadata.id, "key rolled");
    let rolled = RolledKey {
        created: CreatedKey { key, metadata },
        old_key,
    };
    Ok(no_store(StatusCode::CREATED, &rolled))
}

async fn show(
    State(state): State<AppState>,
    Path(key_id): Path<String>,
) -> Result<axum::Json<KeyMetadata>, Error> {
    state
        .db
        .key(&key_id)
        .await?
        .map(axum::Json)
        .ok_or(Error::NotFound("key"))
}

/// Everything about a key to create except the key itself.
struct KeyTemplate {
    surface_id: String,
    product_id: String,
    name: String,
    scopes: Vec<String>,
    environment: Environment,
    expires_at: Option<Timestamp>,
    rate_limit_per_minute: Option<u32>,
    rate_limit_per_day: Option<u32>,
}

impl KeyTemplate {
    fn new_key(&self, key: &ApiKey) -> NewKey {
        NewKey {
            id: key.id().to_owned(),
            surface_id: self.surface_id.clone(),
            product_id: self.product_id.clone(),
            name: self.name.clone(),
            fingerprint: key.fingerprint(),
            key_prefix: key.key_prefix().to_owned(),
            key_hint: key.key_hint().to_owned(),
            scopes: self.scopes.clone(),
            environment: self.environment,
            expires_at: self.expires_at,
            rate_limit_per_minute: self.rate_limit_per_minute,
            rate_limit_per_day: self.rate_limit_per_day,
        }
    }
}

/// The answer when [`KEY_ATTEMPTS`] new keys in a row had taken ids: not
/// expected to happen before the id space is nearly full.
fn ids_exhausted() -> Error {
    Error::Conflict("could not find a free key id; try again".into())
}

/// A JSON answer that carries a plaintext key: no cache may keep it.
pub(super) fn no_store(status: StatusCode, body: &impl Serialize) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
