//! The copy-once reveal of a new key.

use serde::Serialize;
use tauri::{AppHandle, Runtime};
use ts_rs::TS;

use crate::error::IpcResult;
use crate::services::ServicesExt;

/// What happened on Copy.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CopyOutcome {
    /// The clipboard is cleared after this many seconds if it still holds the key.
    // A JSON number, read by the UI as a `number` (at most 600), not a `bigint`.
    #[ts(type = "number")]
    pub clear_after_seconds: u64,
}

/// The key's text: called only when the user clicks Show.
#[tauri::command]
pub async fn reveal_show<R: Runtime>(app: AppHandle<R>, reveal_id: String) -> IpcResult<String> {
    app.services().await?.reveals.show(&reveal_id)
}

/// Copies the key to the clipboard from Rust, and clears it later.
#[tauri::command]
pub async fn reveal_copy<R: Runtime>(
    app: AppHandle<R>,
    reveal_id: String,
) -> IpcResult<CopyOutcome> {
    let services = app.services().await?;
    let clear_after = crate::settings::clipboard_clear_after(&services.manager).await?;
    services.reveals.copy(&app, &reveal_id, clear_after)?;
    Ok(CopyOutcome {
        clear_after_seconds: clear_after.as_secs(),
    })
}

/// Forgets the key for good (it is zeroized).
#[tauri::command]
pub async fn reveal_close<R: Runtime>(app: AppHandle<R>, reveal_id: String) -> IpcResult<()> {
    app.services().await?.reveals.close(&reveal_id)
}
