//! The management API of DESIGN §3: one router per resource, all behind
//! management-token authentication.

mod events;
mod health;
mod identity;
mod items;
mod keys;
mod products;
mod surfaces;
mod validate;
mod verify;

use axum::Router;
use axum::middleware::from_fn_with_state;

pub use health::health;
pub use identity::router as identity;

use crate::AppState;
use crate::auth::require_management_token;

/// Every route of the management API.
pub fn management(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(products::router())
        .merge(surfaces::router())
        .merge(items::router())
        .merge(keys::router())
        .merge(verify::router())
        .merge(events::router())
        .route_layer(from_fn_with_state(state, require_management_token))
}
