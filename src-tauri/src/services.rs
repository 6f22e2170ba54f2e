//! The app's state, built once at startup: the manager over the local store
//! and the keyring, the embedded key service, and the keys being revealed.

use std::sync::Arc;

use mcp_keys_manager::{Actor, Manager};
use mcp_keys_server::Embedded;
use mcp_keys_store::{KeyringSecrets, MemorySecrets, SecretStore, Store};
use tauri::{Manager as _, Runtime};

use crate::local;
use crate::reveal::Reveals;

/// Everything the commands reach through [`ServicesExt::services`].
#[derive(Debug)]
pub struct Services {
    /// Connections, keys and the local bookkeeping.
    pub manager: Manager,
    /// The embedded key service, when it started: held here so it serves
    /// for as long as the app runs.
    _local: Option<Embedded>,
    /// Why the embedded key service did not start, in words.
    pub local_error: Option<String>,
    /// Why the OS keyring cannot be used, in words: tokens then live in
    /// memory for this run only (never in a file).
    pub keyring_error: Option<String>,
    /// Keys generated in this run and not yet closed by the user.
    pub reveals: Reveals,
}

impl Services {
    /// Opens the store and the keyring, starts the embedded key service and
    /// makes sure the local connection exists with a working token.
    pub async fn start() -> Result<Self, String> {
        let store = Store::open_default()
            .await
            .map_err(|error| format!("cannot open the local database: {error}"))?;
        let (secrets, keyring_error) = keyring();
        let manager = Manager::new(store, secrets, Actor::App);
        let (local, local_error) = match local::start(&manager).await {
            Ok(service) => (Some(service), None),
            Err(error) => {
                tracing::error!(%error, "the local key service did not start");
                (None, Some(error))
            }
        };
        Ok(Self {
            manager,
            _local: local,
            local_error,
            keyring_error,
            reveals: Reveals::default(),
        })
    }
}

/// The OS keyring, checked with one read; without it, tokens are kept in
/// memory for this run, so the app still works on its own key service.
fn keyring() -> (Arc<dyn SecretStore>, Option<String>) {
    let probe = KeyringSecrets::new().and_then(|keyring| {
        keyring.get("mcp-keys-probe")?;
        Ok(keyring)
    });
    match probe {
        Ok(keyring) => (Arc::new(keyring), None),
        Err(error) => {
            tracing::warn!(%error, "the OS keyring is not usable; tokens stay in memory");
            (Arc::new(MemorySecrets::new()), Some(error.to_string()))
        }
    }
}

/// Reaches the app's [`Services`] from anything that has the app handle.
pub trait ServicesExt {
    /// The app's services.
    fn services(&self) -> &Services;
}

impl<R: Runtime> ServicesExt for tauri::AppHandle<R> {
    fn services(&self) -> &Services {
        self.state::<Services>().inner()
    }
}
