//! The management API of DESIGN §3: one router per resource, all behind
//! management-token authentication.

mod events;
mod health;
mod identity;
mod items;
mod keys;
mod oauth;
mod products;
mod surfaces;
mod tokens;
pub(crate) mod validate;
mod verify;

use axum::Router;
use axum::middleware::from_fn_with_state;

pub use health::health;
pub use identity::router as identity;

use crate::AppState;
use crate::auth::require_management_token;
use crate::browser::refuse_cross_site;

/// Every route of the management API.
pub fn management(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(products::router())
        .merge(surfaces::router())
        .merge(items::router())
        .merge(keys::router())
        .merge(verify::router())
        .merge(events::router())
        .merge(tokens::router())
        .merge(oauth::router())
        .route_layer(from_fn_with_state(state.clone(), require_management_token))
        // Outermost: a cross-site page is refused before its request
        // counts as a failed login.
        .route_layer(from_fn_with_state(state, refuse_cross_site))
}
