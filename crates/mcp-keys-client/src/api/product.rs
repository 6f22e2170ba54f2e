//! A product: the top of the products → surfaces → keys tree.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A product, as listed and created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Product {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed; Runtype may not say.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}
