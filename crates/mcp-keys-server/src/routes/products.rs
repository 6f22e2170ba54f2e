//! `GET /v1/products`, `POST /v1/products`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;

use super::validate;
use crate::api::{Page, PageRequest, Product};
use crate::extract::{Json, Query};
use crate::{AppState, Error, time};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/products", get(list).post(create))
}

#[derive(Debug, Deserialize)]
pub(super) struct PageParams {
    limit: Option<u32>,
    cursor: Option<String>,
}

impl PageParams {
    pub(super) fn page(&self) -> Result<PageRequest, Error> {
        PageRequest::parse(self.limit, self.cursor.as_deref())
    }
}

async fn list(
    State(state): State<AppState>,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<Page<Product>>, Error> {
    Ok(axum::Json(state.db.list_products(&params.page()?).await?))
}

#[derive(Debug, Deserialize)]
struct CreateProduct {
    name: String,
}

async fn create(
    State(state): State<AppState>,
    Json(body): Json<CreateProduct>,
) -> Result<(StatusCode, axum::Json<Product>), Error> {
    let name = validate::name(&body.name)?;
    let product = state.db.create_product(&name, time::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(product)))
}
