//! Keys shown once: a generated key stays here, in Rust, until the user
//! closes its dialog. The WebView gets its text only when the user clicks
//! Show; Copy writes the clipboard from here and clears it later.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use mcp_keys_core::{ApiKey, Fingerprint};
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::error::{ErrorCode, IpcError, IpcResult};

/// The keys waiting in open reveal dialogs, by reveal id. Dropping an
/// [`ApiKey`] zeroizes it.
#[derive(Debug, Default)]
pub struct Reveals {
    keys: Mutex<HashMap<String, ApiKey>>,
}

impl Reveals {
    /// Keeps `key` for its dialog; returns the dialog's reveal id.
    pub fn hold(&self, key: ApiKey) -> IpcResult<String> {
        let id = uuid::Uuid::now_v7().to_string();
        self.lock()?.insert(id.clone(), key);
        Ok(id)
    }

    /// The key's text, for the one place that shows it.
    pub fn show(&self, id: &str) -> IpcResult<String> {
        self.with(id, |key| key.expose_secret().to_owned())
    }

    /// Writes the key to the clipboard, and clears the clipboard after
    /// `clear_after` if it still holds this key (the user may have copied
    /// something else since). Only the key's fingerprint is kept for that
    /// check, so closing the dialog still zeroizes the key at once.
    pub fn copy<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        id: &str,
        clear_after: Duration,
    ) -> IpcResult<()> {
        let (text, fingerprint) = self.with(id, |key| {
            (key.expose_secret().to_owned(), key.fingerprint())
        })?;
        app.clipboard().write_text(text).map_err(|error| {
            IpcError::new(
                ErrorCode::Internal,
                format!("cannot write the clipboard: {error}"),
            )
        })?;
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(clear_after).await;
            clear_if_holding(&app, &fingerprint);
        });
        Ok(())
    }

    /// Forgets the key (zeroizing it). Closing twice is not an error.
    pub fn close(&self, id: &str) -> IpcResult<()> {
        self.lock()?.remove(id);
        Ok(())
    }

    fn with<T>(&self, id: &str, f: impl FnOnce(&ApiKey) -> T) -> IpcResult<T> {
        self.lock()?.get(id).map(f).ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotFound,
                "this key was closed and cannot be shown again; roll it to get a new one",
            )
        })
    }

    fn lock(&self) -> IpcResult<std::sync::MutexGuard<'_, HashMap<String, ApiKey>>> {
        self.keys
            .lock()
            .map_err(|_| IpcError::new(ErrorCode::Internal, "the key store was poisoned"))
    }
}

fn clear_if_holding<R: Runtime>(app: &AppHandle<R>, fingerprint: &Fingerprint) {
    let Ok(current) = app.clipboard().read_text() else {
        return;
    };
    let current = mcp_keys_core::Sensitive::new(current);
    let holds_key = ApiKey::parse(current.expose().trim())
        // Fingerprints compare in constant time.
        .is_ok_and(|key| key.fingerprint() == *fingerprint);
    if holds_key && let Err(error) = app.clipboard().clear() {
        tracing::warn!(%error, "could not clear the clipboard");
    }
}
