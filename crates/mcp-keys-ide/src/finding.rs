//! Findings: what `doctor` reports, and what discovery and parsing report
//! about files they could not use.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ClientId;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "FindingSeverity")]
pub enum Severity {
    /// Worth knowing; nothing is broken.
    Info,
    /// A risk (a leak waiting to happen) or a partial failure.
    Warning,
    /// A client gets 401/403 now, or a secret has leaked.
    Error,
}

/// The finding codes of DESIGN §5, plus the ones discovery reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FindingCode {
    /// A revoked key is still configured: 401 `revoked`.
    RevokedKeyInUse,
    /// An expired key is still configured: 401 `expired`.
    ExpiredKeyInUse,
    /// A key of our shape with a wrong check: a typo, 401 `checksum`.
    ChecksumError,
    /// The key's environment differs from the surface's: 401.
    EnvironmentMismatch,
    /// The key's surface is inactive: 403.
    SurfaceInactive,
    /// The key's scopes leave out some of the surface's tools: 403 on those.
    ScopeMismatch,
    /// The same key is configured in more than one client.
    KeySharedBetweenClients,
    /// A plaintext key is in a file tracked by git, or in its history.
    PlaintextKeyTrackedByGit,
    /// A plaintext key is in an untracked file of a git work tree that
    /// `.gitignore` does not exclude: one `git add .` from a leak.
    PlaintextKeyNotGitignored,
    /// A config with a plaintext key can be read by every user of the machine.
    ConfigWorldReadable,
    /// A config file could not be parsed; its keys are unknown.
    UnparseableConfig,
    /// A config file exists but could not be read.
    UnreadableConfig,
    /// A config file is too large to be a config; it was skipped.
    ConfigTooLarge,
    /// A config path is a symlink that loops or points nowhere.
    BrokenSymlink,
    /// An environment variable a config refers to is not set.
    EnvVariableUnset,
    /// A client copied a key into a file of its own (Codex's shell
    /// snapshots): a plaintext copy outside every config.
    KeyInClientCopy,
    /// No connected key service knows the key: its status (revoked,
    /// expired) cannot be checked.
    KeyNotIdentified,
    /// A plaintext key is in a server's command-line arguments, which every
    /// local process can read (`mcp-remote --header "Authorization: …"`).
    KeyInArgv,
    /// A config names a keyring slot (DESIGN §8) that could not be read:
    /// missing from the keyring, or the keyring is locked.
    KeyringSlotMissing,
    /// A key is configured for a surface in OAuth mode (DESIGN §9): every
    /// request gets 401 `auth_mode`.
    KeyRefusedOauthOnly,
    /// A key is configured, in a client that drops a configured header when
    /// a server advertises OAuth, for a surface that advertises it (OAuth
    /// or both modes): the key is never sent, the client asks for a login.
    HeaderIgnoredOauthAdvertised,
    /// A client's own MCP log (or the key service's audit) records an
    /// authentication failure of a configured key (DESIGN §10): 401, 403,
    /// 429, a refused connection, or an OAuth flow started against a server
    /// that was configured with a key.
    ClientLogAuthFailure,
    /// A client's MCP log exists but could not be read, so its failures
    /// are unknown (DESIGN §10: reported, not guessed at).
    ClientLogUnreadable,
}

/// One finding (DESIGN §5 `doctor --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// What it is.
    pub code: FindingCode,
    /// The client whose config it concerns, when one does.
    pub client: Option<ClientId>,
    /// The config file, as found (before following symlinks).
    pub config_path: Option<String>,
    /// The public prefix of the key concerned, when one is.
    pub key_prefix: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it.
    pub fix: String,
    /// Where a finding from a client's log (DESIGN §10) comes from, and
    /// what the app's one-click fix acts on; empty for the others.
    #[serde(flatten, default)]
    #[ts(flatten)]
    pub detail: FindingDetail,
}

/// The fields a finding has beyond DESIGN §5's seven when it comes from a
/// client's log or names a key the service knows; each is left out of JSON
/// when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FindingDetail {
    /// The client log the failure was read from (absent when only the
    /// service's audit recorded it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub log_path: Option<String>,
    /// When the failure happened, as the log (or the audit) records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub at: Option<DateTime<Utc>>,
    /// The HTTP status the client got, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<u16>,
    /// The refusal's reason of DESIGN §4 (`revoked`, `scope`, …), where the
    /// log or the service's audit names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
    /// The key's id at its service, when a service knows the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key_id: Option<String>,
    /// What the app can do about it in one click, when something can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub action: Option<FixAction>,
}

/// A one-click fix the app offers for a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum FixAction {
    /// Roll the key: a new key replaces it in every config that holds it.
    Roll {
        /// The key's product.
        product_id: String,
        /// The key's surface.
        surface_id: String,
        /// The key.
        key_id: String,
    },
    /// Create a new key for the surface and install it into the client.
    Install {
        /// The surface's product.
        product_id: String,
        /// The surface.
        surface_id: String,
        /// The client to install it into.
        client: ClientId,
    },
    /// Set the surface active again.
    ActivateSurface {
        /// The surface's product.
        product_id: String,
        /// The surface.
        surface_id: String,
    },
    /// Add a capability to the key's scopes.
    WidenScope {
        /// The key's product.
        product_id: String,
        /// The key's surface.
        surface_id: String,
        /// The key.
        key_id: String,
        /// The capability the client was refused.
        capability: String,
    },
}
