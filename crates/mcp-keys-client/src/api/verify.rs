//! `POST /v1/keys/verify`: the checks of DESIGN §4 on a key, without using it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to verify. The key is borrowed from the caller, who decides where
/// its text comes from (`ApiKey::expose_secret`, a config file); it is sent
/// in the request body only, and `Debug` never shows it.
#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRequest<'a> {
    /// The key text, as a client would present it.
    pub key: &'a str,
    /// The surface it would be presented to; any surface when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surface_id: Option<&'a str>,
    /// The capability (tool) it would call; no scope check when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capability: Option<&'a str>,
}

impl<'a> VerifyRequest<'a> {
    /// Verifies `key` on its own: format, existence, revocation, expiry.
    pub fn new(key: &'a str) -> Self {
        Self {
            key,
            surface_id: None,
            capability: None,
        }
    }

    /// Also checks that `key` opens `surface_id`.
    pub fn surface(mut self, surface_id: &'a str) -> Self {
        self.surface_id = Some(surface_id);
        self
    }

    /// Also checks that `key` may call `capability`.
    pub fn capability(mut self, capability: &'a str) -> Self {
        self.capability = Some(capability);
        self
    }
}

impl std::fmt::Debug for VerifyRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("key", &"<redacted>")
            .field("surface_id", &self.surface_id)
            .field("capability", &self.capability)
            .finish()
    }
}

/// The verdict on a key. `valid` is the answer; when it is `false`, `code`
/// and `reason` say why in the terms of DESIGN §4 (`invalid_api_key` /
/// `revoked`, `permission_denied` / `scope`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResult {
    /// Whether the key would be accepted.
    pub valid: bool,
    /// The error family of a refusal: `invalid_api_key`, `permission_denied`.
    #[serde(default)]
    pub code: Option<String>,
    /// The refusal reason: `malformed`, `checksum`, `unknown`, `revoked`, ….
    #[serde(default)]
    pub reason: Option<String>,
    /// The key's id, when the service knows the key.
    #[serde(default)]
    pub key_id: Option<String>,
    /// The key's scopes, when the service knows the key.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}
