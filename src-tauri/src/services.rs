//! The app's state, built once at startup: the manager over the local store
//! and the keyring, the embedded key service, and the keys being revealed.
//! It starts in the background while the window opens (opening the
//! databases, asking the keyring and binding the service's port take about
//! a tenth of a second); commands wait for it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use mcp_keys_manager::{Actor, Manager, Session};
use mcp_keys_server::Embedded;
use mcp_keys_store::{KeyringSecrets, MemorySecrets, SecretStore, Store};
use tauri::{Manager as _, Runtime};
use tokio::sync::OnceCell;

use crate::error::{ErrorKind, IpcError};
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
    /// A session per saved connection, kept between commands.
    pub sessions: Sessions,
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
            sessions: Sessions::default(),
        })
    }
}

/// The sessions of the saved connections, kept between commands: each reads
/// its connection and its token (a D-Bus call to the keyring) once, and
/// keeps one HTTP client whose connections are reused. Forgotten whenever
/// the app adds or removes a connection.
#[derive(Debug, Default)]
pub struct Sessions(Mutex<HashMap<String, Session>>);

impl Sessions {
    /// The session of the saved connection `connection_id`, made on first use.
    pub async fn get(
        &self,
        manager: &Manager,
        connection_id: &str,
    ) -> Result<Session, mcp_keys_manager::Error> {
        if let Some(session) = self.lock().get(connection_id) {
            return Ok(session.clone());
        }
        let session = manager.session(Some(connection_id)).await?;
        self.lock()
            .insert(connection_id.to_owned(), session.clone());
        Ok(session)
    }

    /// Drops every session: a connection was added (perhaps with a new
    /// token for a saved server) or removed.
    pub fn forget_all(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the lock leaves a map that is still whole.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
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

/// The app's [`Services`], once started; managed by the app from its setup.
#[derive(Debug, Default)]
pub struct Startup(OnceCell<Result<Services, String>>);

impl Startup {
    /// Starts the services in the background; commands that come first wait.
    pub fn begin<R: Runtime>(app: &tauri::AppHandle<R>) {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(error) = app.services().await {
                tracing::error!(%error, "MCP Keys could not start");
            }
        });
    }

    /// The services, started by the first caller; the others wait for it.
    /// Failing to start (the local database cannot be opened) is final.
    pub async fn services(&self) -> Result<&Services, IpcError> {
        self.0
            .get_or_init(Services::start)
            .await
            .as_ref()
            .map_err(|error| {
                IpcError::new(
                    ErrorKind::Internal,
                    format!("MCP Keys could not start: {error}."),
                )
            })
    }
}

/// Reaches the app's [`Services`] from anything that has the app handle.
pub trait ServicesExt {
    /// The app's services, once started.
    fn services(&self) -> impl Future<Output = Result<&Services, IpcError>> + Send;

    /// A session on the saved connection `connection_id`.
    fn session(
        &self,
        connection_id: &str,
    ) -> impl Future<Output = Result<Session, IpcError>> + Send;
}

impl<R: Runtime> ServicesExt for tauri::AppHandle<R> {
    async fn services(&self) -> Result<&Services, IpcError> {
        self.state::<Startup>().inner().services().await
    }

    async fn session(&self, connection_id: &str) -> Result<Session, IpcError> {
        let services = self.services().await?;
        Ok(services
            .sessions
            .get(&services.manager, connection_id)
            .await?)
    }
}
