//! What the key service knows about a key, through a small trait so this
//! crate needs no HTTP client: the CLI and the app feed it from
//! `POST /v1/keys/identify`, surface metadata and the local cache.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use mcp_keys_core::{Environment, Fingerprint};
use serde::{Deserialize, Serialize};

/// A surface's status (DESIGN §3). Not exported to TypeScript: the UI has
/// the management API's own `SurfaceStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurfaceStatus {
    /// Serving requests.
    Active,
    /// Refusing every request with 403 `surface_inactive`.
    Inactive,
}

/// What is known about the surface a key belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SurfaceFacts {
    /// Active or inactive.
    pub status: SurfaceStatus,
    /// The surface's environment.
    pub environment: Environment,
    /// Its MCP endpoint.
    pub url: Option<String>,
    /// Its capabilities (the tools it offers).
    pub capabilities: Vec<String>,
    /// Whether it accepts keys (false in OAuth mode, DESIGN §9).
    #[serde(default = "accepted")]
    pub keys_accepted: bool,
    /// Whether it advertises OAuth (OAuth or both modes), so that some
    /// clients drop a configured key header.
    #[serde(default)]
    pub oauth_advertised: bool,
}

fn accepted() -> bool {
    true
}

/// What is known about a key, by fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownKey {
    /// The key id.
    pub key_id: String,
    /// The key's name ("MCP - Cursor"), when the service gave it.
    #[serde(default)]
    pub name: Option<String>,
    /// The surface it opens.
    pub surface_id: String,
    /// The product of that surface.
    pub product_id: String,
    /// The key's environment as the service records it.
    pub environment: Environment,
    /// The capabilities it may call; empty means all of the surface's.
    pub scopes: Vec<String>,
    /// Whether the service still accepts it (false once revoked).
    pub is_active: bool,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who revoked it, in words, when this machine's audit log says
    /// ("from the app on this machine").
    #[serde(default)]
    pub revoked_by: Option<String>,
    /// When it expires (or expired).
    pub expires_at: Option<DateTime<Utc>>,
    /// Its surface, when known.
    pub surface: Option<SurfaceFacts>,
}

/// Answers "which key is this?" for fingerprints found in configs.
pub trait KeyLookup {
    /// What is known about the key with `fingerprint`, or `None` when no
    /// connected service knows it.
    fn lookup(&self, fingerprint: &Fingerprint) -> Option<KnownKey>;
}

impl KeyLookup for HashMap<Fingerprint, KnownKey> {
    fn lookup(&self, fingerprint: &Fingerprint) -> Option<KnownKey> {
        self.get(fingerprint).cloned()
    }
}

/// A lookup that knows no key (offline scans: every key is `unknown`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLookup;

impl KeyLookup for NoLookup {
    fn lookup(&self, _fingerprint: &Fingerprint) -> Option<KnownKey> {
        None
    }
}
