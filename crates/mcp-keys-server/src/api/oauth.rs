//! OAuth mode (DESIGN §9): authorization requests waiting for the owner, and
//! the grants the owner approved.

use serde::Serialize;

use crate::time::Timestamp;

/// An authorization request waiting for the owner's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthRequest {
    /// Its id, also in the consent page's URL.
    pub id: String,
    /// The product of the surface.
    pub product_id: String,
    /// The surface the client asks for.
    pub surface_id: String,
    /// The surface's name.
    pub surface_name: String,
    /// The client's id: a registered client's, or its metadata document URL.
    pub client_id: String,
    /// The name the client gives itself (not verified for registered clients).
    pub client_name: String,
    /// Where the code will be sent.
    pub redirect_uri: String,
    /// The host (or private-use scheme) of `redirect_uri`, for people.
    pub redirect_host: String,
    /// The capabilities asked for; empty means all of the surface's.
    pub scopes: Vec<String>,
    /// When the client asked.
    pub created_at: Timestamp,
    /// When the request lapses unanswered.
    pub expires_at: Timestamp,
}

/// What the owner approved: one client on one surface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    /// Its id (`grt_…`).
    pub id: String,
    /// The product of the surface.
    pub product_id: String,
    /// The surface.
    pub surface_id: String,
    /// The client's id.
    pub client_id: String,
    /// The client's name.
    pub client_name: String,
    /// The host (or scheme) its codes went to.
    pub redirect_host: String,
    /// The capabilities its tokens may use; empty means all.
    pub scopes: Vec<String>,
    /// Not revoked.
    pub is_active: bool,
    /// When it was approved.
    pub created_at: Timestamp,
    /// When one of its tokens was last used.
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
    /// `management_token` (the app, the CLI) or `key:<id>` (the consent page).
    pub approved_by: String,
}
