//! The key service inside another program: the desktop app runs it on a
//! fixed loopback port, so IDE configs that point at it keep working across
//! restarts, with its database in the app's data folder.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use mcp_keys_core::ManagementToken;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::db::EMBEDDED_TOKEN_NAME;
use crate::{AppState, Config, Db, EnvironmentSecrets, Error, UpstreamSecrets, serve, time};

/// A running embedded key service. Dropping it without [`Embedded::stop`]
/// stops accepting connections as the runtime winds down.
#[derive(Debug)]
pub struct Embedded {
    url: String,
    db: Db,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

/// The management token the embedding program should use from now on.
#[derive(Debug)]
pub enum LocalToken {
    /// The token it already had still works.
    Kept,
    /// A new token: save it (in the OS keyring) and use it instead.
    Minted(ManagementToken),
}

impl Embedded {
    /// Opens (or creates) the SQLite database at `db_path`, binds `address`
    /// and serves until [`Embedded::stop`]. A port in use is an
    /// [`Error::Config`] that names the port.
    pub async fn start(db_path: &Path, address: SocketAddr) -> Result<Self, Error> {
        Self::start_with_secrets(db_path, address, Arc::new(EnvironmentSecrets)).await
    }

    /// Like [`Embedded::start`], with the secrets of surfaces' upstreams
    /// read from `secrets` (the app gives the OS keyring).
    pub async fn start_with_secrets(
        db_path: &Path,
        address: SocketAddr,
        secrets: Arc<dyn UpstreamSecrets>,
    ) -> Result<Self, Error> {
        let db = Db::connect(&format!("sqlite://{}", db_path.display())).await?;
        let listener = TcpListener::bind(address).await.map_err(|error| {
            Error::Config(format!(
                "cannot listen on {address} for the local key service ({error}); \
                 is another copy of MCP Keys or `mcp-keys serve` using the port? \
                 MCP_KEYS_LOCAL_PORT chooses another"
            ))
        })?;
        let bound = listener.local_addr()?;
        let url = format!("http://{bound}");
        let mut config = Config::new(url.clone());
        config.allowed_hosts = Some(crate::loopback_hosts(bound.port()));
        // The user's own machine, the user's own token: a surface may front
        // a local command (DESIGN §7).
        config.allow_upstream_commands = true;
        config.upstream_secrets = secrets;
        Ok(Self::serve_on(listener, db, config))
    }

    /// Serves `db` on `listener` with `config` until [`Embedded::stop`]
    /// (the test service starts the same way, with its own config).
    pub(crate) fn serve_on(listener: TcpListener, db: Db, config: Config) -> Self {
        let url = config.base_url.clone();
        let state = AppState::new(db.clone(), config);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let served = state.clone();
        let task = tokio::spawn(async move {
            let result = serve(listener, served.clone(), async {
                let _ = stopped.await;
            })
            .await;
            served.finish().await;
            result
        });
        Self {
            url,
            db,
            shutdown,
            task,
        }
    }

    /// The service's base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Checks the token the embedding program kept from an earlier run; when
    /// there is none or it no longer works, mints a new one (stored here as a
    /// fingerprint only) for the caller to keep.
    pub async fn local_token(&self, saved: Option<&ManagementToken>) -> Result<LocalToken, Error> {
        if let Some(saved) = saved
            && self.db.token_is_valid(saved).await?
        {
            return Ok(LocalToken::Kept);
        }
        // The keyring lost the token (or it was revoked): the tokens minted
        // for the app before are revoked, so none stays valid unseen.
        let now = time::now();
        self.db
            .revoke_tokens_named(EMBEDDED_TOKEN_NAME, now)
            .await?;
        let token = ManagementToken::generate()?;
        self.db
            .insert_token(&token, EMBEDDED_TOKEN_NAME, now)
            .await?;
        Ok(LocalToken::Minted(token))
    }

    /// Stops accepting requests, lets those in flight finish, and closes the
    /// database.
    pub async fn stop(self) -> Result<(), Error> {
        let _ = self.shutdown.send(());
        let served = self.task.await;
        self.db.close().await;
        match served {
            Ok(result) => Ok(result?),
            Err(join) => Err(Error::Config(format!(
                "the local key service failed: {join}"
            ))),
        }
    }
}
