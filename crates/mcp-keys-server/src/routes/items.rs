//! `POST /v1/products/{id}/surfaces/{surfaceId}/items`: add a capability.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;

use super::validate;
use crate::api::Item;
use crate::extract::{Json, Path};
use crate::{AppState, Error, time};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/v1/products/{product_id}/surfaces/{surface_id}/items",
        post(add),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddItem {
    capability_name: String,
}

async fn add(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
    Json(body): Json<AddItem>,
) -> Result<(StatusCode, axum::Json<Item>), Error> {
    validate::capability_name(&body.capability_name)?;
    if !state.db.surface_exists(&product_id, &surface_id).await? {
        return Err(Error::NotFound("surface"));
    }
    let item = state
        .db
        .add_item(&surface_id, &body.capability_name, time::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(item)))
}
