//! Keys shown once: a generated key stays here, in Rust, until the user
//! closes its dialog. The WebView gets its text only when the user clicks
//! Show; Copy writes the clipboard from here, marked as a secret so that
//! clipboard managers keep it out of their history, and clears it later
//! and when the app quits.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use mcp_keys_core::{ApiKey, Fingerprint};
use tauri::{AppHandle, Manager as _, Runtime};

use crate::error::{ErrorKind, IpcError, IpcResult};

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
            (
                mcp_keys_core::Sensitive::new(key.expose_secret().to_owned()),
                key.fingerprint(),
            )
        })?;
        let clipboard = app.state::<Clipboard>();
        clipboard
            .write_secret(text.expose(), fingerprint)
            .map_err(|error| {
                IpcError::new(
                    ErrorKind::Internal,
                    format!("cannot write the clipboard: {error}"),
                )
            })?;
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(clear_after).await;
            app.state::<Clipboard>().clear_if_holding(&fingerprint);
        });
        Ok(())
    }

    /// A copy of the key, for Rust to put somewhere the user asked for (an
    /// install into a client). The copy zeroizes itself when dropped too; it
    /// never goes to the WebView.
    pub fn key(&self, id: &str) -> IpcResult<ApiKey> {
        self.with(id, ApiKey::clone)
    }

    /// Forgets the key (zeroizing it). Closing twice is not an error.
    pub fn close(&self, id: &str) -> IpcResult<()> {
        self.lock()?.remove(id);
        Ok(())
    }

    fn with<T>(&self, id: &str, f: impl FnOnce(&ApiKey) -> T) -> IpcResult<T> {
        self.lock()?.get(id).map(f).ok_or_else(|| {
            IpcError::new(
                ErrorKind::NotFound,
                "this key was closed and cannot be shown again; roll it to get a new one",
            )
        })
    }

    fn lock(&self) -> IpcResult<std::sync::MutexGuard<'_, HashMap<String, ApiKey>>> {
        self.keys
            .lock()
            .map_err(|_| IpcError::new(ErrorKind::Internal, "the key store was poisoned"))
    }
}

/// The system clipboard as the app uses it: one owner for the life of the
/// app (on X11 the owner must live to serve what it wrote), and the
/// fingerprint of the key last copied, to clear it on quit.
#[derive(Default)]
pub struct Clipboard {
    inner: Mutex<Option<arboard::Clipboard>>,
    copied: Mutex<Option<Fingerprint>>,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clipboard").finish_non_exhaustive()
    }
}

impl Clipboard {
    /// Writes `text` (a key) marked as a secret: `x-kde-passwordManagerHint`
    /// on Linux (KDE's Klipper, GNOME's clipboard extensions and most
    /// managers honour it), the concealed type on macOS, and no history,
    /// cloud sync or monitoring on Windows.
    fn write_secret(&self, text: &str, fingerprint: Fingerprint) -> Result<(), arboard::Error> {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if inner.is_none() {
            *inner = Some(arboard::Clipboard::new()?);
        }
        let Some(clipboard) = inner.as_mut() else {
            return Err(arboard::Error::ClipboardNotSupported);
        };
        let set = clipboard.set();
        #[cfg(all(unix, not(target_os = "macos")))]
        let set = arboard::SetExtLinux::exclude_from_history(set);
        #[cfg(target_os = "macos")]
        let set = arboard::SetExtApple::exclude_from_history(set);
        #[cfg(windows)]
        let set = arboard::SetExtWindows::exclude_from_monitoring(set);
        set.text(text)?;
        *self
            .copied
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(fingerprint);
        Ok(())
    }

    /// Clears the clipboard if it still holds the key with `fingerprint`
    /// (the user may have copied something else since).
    pub fn clear_if_holding(&self, fingerprint: &Fingerprint) {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(clipboard) = inner.as_mut() else {
            return;
        };
        let Ok(current) = clipboard.get_text() else {
            return;
        };
        let current = mcp_keys_core::Sensitive::new(current);
        let holds_key = ApiKey::parse(current.expose().trim())
            // Fingerprints compare in constant time.
            .is_ok_and(|key| key.fingerprint() == *fingerprint);
        if holds_key && let Err(error) = clipboard.clear() {
            tracing::warn!(%error, "could not clear the clipboard");
        }
    }

    /// On quit: clears the clipboard if it still holds the last key copied,
    /// which would otherwise outlive the app (and its clearing timer).
    pub fn clear_on_quit(&self) {
        let copied = self
            .copied
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(fingerprint) = copied {
            self.clear_if_holding(&fingerprint);
        }
    }
}
