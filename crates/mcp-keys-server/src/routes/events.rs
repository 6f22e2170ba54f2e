//! `GET /v1/events?keyId=&surfaceId=&type=&since=`: the audit log.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use crate::api::{Event, EventType, Page, PageRequest};
use crate::db::EventFilter;
use crate::extract::Query;
use crate::time::Timestamp;
use crate::{AppState, Error};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/events", get(list))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventParams {
    key_id: Option<String>,
    surface_id: Option<String>,
    /// One kind of event only (`auth_failed`).
    #[serde(rename = "type")]
    kind: Option<EventType>,
    /// RFC 3339.
    since: Option<Timestamp>,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Query(params): Query<EventParams>,
) -> Result<axum::Json<Page<Event>>, Error> {
    let page = PageRequest::parse(params.limit, params.cursor.as_deref())?;
    let filter = EventFilter {
        key_id: params.key_id,
        surface_id: params.surface_id,
        kind: params.kind,
        since: params.since,
    };
    Ok(axum::Json(state.db.list_events(&filter, &page).await?))
}
