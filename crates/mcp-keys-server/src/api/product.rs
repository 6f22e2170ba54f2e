//! A product: the top of the products → surfaces → keys tree.

use serde::Serialize;

use crate::time::Timestamp;

/// A product, as listed and created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Its id (a UUIDv7, so ids sort by creation time).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was last changed.
    pub updated_at: Timestamp,
}
