//! Generating, revoking and rolling keys. A new key goes into the reveal
//! store; the WebView gets its metadata and a reveal id, never the key.

use std::time::Duration;

use chrono::{DateTime, Utc};
use mcp_keys_client::KeyMetadata;
use mcp_keys_manager::{ConfigRollReport, GenerateKey, Session, SlotRefill};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use ts_rs::TS;

use crate::error::IpcResult;
use crate::services::ServicesExt;

/// A generated key waiting in Rust for its dialog.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Reveal {
    /// Pass to `reveal_show`, `reveal_copy` and `reveal_close`.
    pub reveal_id: String,
    /// The new key's metadata.
    pub key: KeyMetadata,
    /// When the new key is due for rotation (RFC 3339); `null` for never;
    /// absent when the local store could not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string | null")]
    pub rotation_due: Option<Option<DateTime<Utc>>>,
}

/// A rolled key: the new key waiting for its dialog, and the old one.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RollOutcome {
    /// Pass to `reveal_show`, `reveal_copy` and `reveal_close`.
    pub reveal_id: String,
    /// The new key's metadata.
    pub key: KeyMetadata,
    /// When the new key is due for rotation (RFC 3339); `null` for never;
    /// absent when the local store could not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string | null")]
    pub rotation_due: Option<Option<DateTime<Utc>>>,
    /// The old key, expiring at the end of the grace period.
    pub old_key: KeyMetadata,
    /// The server had no roll endpoint: the app revokes the old key itself
    /// when the grace period ends.
    pub degraded: bool,
    /// With `updateConfigs`: each IDE config that held the old key, now
    /// holding the new one (or why not), whether the new key was verified
    /// on the surface, and the clients to restart.
    pub configs: Option<ConfigRollReport>,
    /// The keyring slots that held the old key and hold the new one now
    /// (or could not be written): their clients need no config edit.
    pub slots: Vec<SlotRefill>,
}

/// Generates a key on the surface.
#[tauri::command]
pub async fn key_generate<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
    request: GenerateKey,
) -> IpcResult<Reveal> {
    let services = app.services().await?;
    let session = services
        .sessions
        .get(&services.manager, &connection_id)
        .await?;
    let created = session
        .generate_key(&product_id, &surface_id, &request, Utc::now())
        .await?;
    let reveal_id = services.reveals.hold(created.key)?;
    let rotation_due = rotation_due(&session, &created.metadata).await;
    Ok(Reveal {
        reveal_id,
        key: created.metadata,
        rotation_due,
    })
}

/// Revokes a key; it is refused from the moment this returns.
#[tauri::command]
pub async fn key_revoke<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
    key_id: String,
) -> IpcResult<KeyMetadata> {
    let session = app.session(&connection_id).await?;
    let revoked = session
        .revoke_key(&product_id, &surface_id, &key_id, Utc::now())
        .await?;
    match revoked {
        Some(key) => Ok(key),
        // A server that answers with no body: read the key back.
        None => Ok(session.find_key(&key_id).await?),
    }
}

/// Rolls a key: a new key with the same settings; the old one keeps
/// working for `grace_seconds`. With `update_configs`, every IDE config that
/// held the old key (global ones, and those of `projects`) gets the new one
/// in place, and the new key is verified on the surface.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // One IPC call, its arguments by name.
pub async fn key_roll<R: Runtime>(
    app: AppHandle<R>,
    connection_id: String,
    product_id: String,
    surface_id: String,
    key_id: String,
    grace_seconds: u64,
    update_configs: Option<bool>,
    projects: Option<Vec<String>>,
) -> IpcResult<RollOutcome> {
    // The client refuses more than `MAX_GRACE`, before asking the service.
    let grace = Duration::from_secs(grace_seconds);
    let services = app.services().await?;
    let session = services
        .sessions
        .get(&services.manager, &connection_id)
        .await?;
    let options = match update_configs {
        Some(true) => Some(super::ide::options(projects.unwrap_or_default())?),
        _ => None,
    };
    let done = session
        .roll_key_with_configs(
            &product_id,
            &surface_id,
            &key_id,
            grace,
            options.as_ref(),
            Utc::now(),
        )
        .await?;
    let (rolled, configs) = (done.rolled, done.report);
    let reveal_id = services.reveals.hold(rolled.created.key)?;
    let rotation_due = rotation_due(&session, &rolled.created.metadata).await;
    Ok(RollOutcome {
        reveal_id,
        key: rolled.created.metadata,
        rotation_due,
        old_key: rolled.old_key,
        degraded: rolled.degraded,
        configs,
        slots: rolled.slots,
    })
}

/// When a key just made is due for rotation. The key exists and waits for
/// its dialog: a due date the local store cannot give is left out (the
/// surface's next load has it) rather than failing the call.
async fn rotation_due(session: &Session, key: &KeyMetadata) -> Option<Option<DateTime<Utc>>> {
    match session.rotation_due(key).await {
        Ok(due) => Some(due),
        Err(error) => {
            tracing::warn!(%error, "the new key's rotation due date is not known");
            None
        }
    }
}
