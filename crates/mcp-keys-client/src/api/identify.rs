//! The answer of `POST /v1/keys/identify`: which keys fingerprints are.

use mcp_keys_core::Fingerprint;
use serde::{Deserialize, Serialize};

use super::KeyMetadata;

/// One fingerprint asked about, and the key it is on this service, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifiedKey {
    /// The fingerprint asked about.
    pub fingerprint: Fingerprint,
    /// The key with this fingerprint, or `None` when this service has none.
    #[serde(default)]
    pub key: Option<KeyMetadata>,
}
