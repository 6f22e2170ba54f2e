//! The embedded key service as tests start it: a free loopback port, a
//! database of its own, the settings of `mcp-keys serve` unless the test
//! changes them, and the first management token.

use std::path::Path;

use tempfile::TempDir;
use tokio::net::TcpListener;

use crate::{Config, Db, Embedded, Error, init_token_file};

/// A running key service; it stops accepting connections when dropped.
#[derive(Debug)]
pub struct TestService {
    url: String,
    token: String,
    dir: TempDir,
    service: Embedded,
}

impl TestService {
    /// A service on a new SQLite file, with [`Config::new`]'s settings.
    pub async fn start() -> Result<Self, Error> {
        Self::start_with(|_| {}).await
    }

    /// Like [`TestService::start`], with the settings `configure` leaves.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Result<Self, Error> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("keys.db").display());
        Self::start_on(dir, &url, None, configure).await
    }

    /// A service on the database at `db_url`, keeping `dir` for its files.
    /// With `token`, another instance on a database that has its first
    /// management token already; without, the first token is written to a
    /// file and read back, as `mcp-keys serve --init-token-file` users do.
    pub async fn start_on(
        dir: TempDir,
        db_url: &str,
        token: Option<&str>,
        configure: impl FnOnce(&mut Config),
    ) -> Result<Self, Error> {
        let db = Db::connect(db_url).await?;
        let token = match token {
            Some(token) => token.to_owned(),
            None => {
                let token_file = dir.path().join("token");
                if !init_token_file(&db, &token_file).await? {
                    return Err(Error::Config(format!(
                        "{db_url} has a management token already: pass it to start_on"
                    )));
                }
                std::fs::read_to_string(&token_file)?.trim().to_owned()
            }
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let mut config = Config::new(url.clone());
        configure(&mut config);
        Ok(Self {
            url,
            token,
            dir,
            service: Embedded::serve_on(listener, db, config),
        })
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The first management token (or the one given to
    /// [`TestService::start_on`]).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The service's own folder (its SQLite file and token file).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stops accepting requests, lets those in flight finish, and closes the
    /// database: a client of it is offline from now on.
    pub async fn stop(self) -> Result<(), Error> {
        self.service.stop().await
    }
}
