//! A real key service on a free loopback port, and clients of it.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use mcp_keys_client::{Client, NewSurface, Product, RetryPolicy, Surface};
use mcp_keys_core::Sensitive;
use mcp_keys_server::{AppState, Config, Db, init_token_file, serve};
use tokio::sync::oneshot;

/// A running key service with an in-memory database. Stops when dropped.
pub struct Service {
    pub base: String,
    token: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Service {
    pub async fn start() -> Result<Self> {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Result<Self> {
        let db = Db::connect("sqlite::memory:").await?;
        // The first management token is written to a file only; read it
        // back from there as `mcp-keys serve --init-token-file` users do.
        let dir = tempfile::tempdir()?;
        let token_file = dir.path().join("token");
        assert!(
            init_token_file(&db, &token_file).await?,
            "a first token is written"
        );
        let token = std::fs::read_to_string(&token_file)?.trim().to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address: SocketAddr = listener.local_addr()?;
        let base = format!("http://{address}");
        let mut config = Config::new(base.clone());
        configure(&mut config);
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState::new(db, config);
        tokio::spawn(async move {
            let _ = serve(listener, state, async {
                let _ = stopped.await;
            })
            .await;
        });
        Ok(Self {
            base,
            token,
            stop: Some(stop),
        })
    }

    /// A client with the service's management token.
    pub fn client(&self) -> Result<Client> {
        fast(Client::builder(&self.base, self.token()))
            .build()
            .context("client")
    }

    /// A client whose `…_all` calls read `rows` rows a page.
    pub fn client_paged(&self, rows: u32) -> Result<Client> {
        Ok(fast(Client::builder(&self.base, self.token()))
            .page_size(rows)
            .build()?)
    }

    pub fn token(&self) -> Sensitive<String> {
        Sensitive::new(self.token.clone())
    }

    /// A product and a surface with `capabilities`.
    pub async fn surface(&self, capabilities: &[&str]) -> Result<(Product, Surface)> {
        let client = self.client()?;
        let product = client.create_product("Docs").await?;
        let surface = client
            .create_surface(&product.id, &NewSurface::mcp("Docs MCP"))
            .await?;
        for capability in capabilities {
            client
                .add_capability(&product.id, &surface.id, capability)
                .await?;
        }
        Ok((product, surface))
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Retries with short waits, so tests that exercise them stay quick.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(2),
    }
}

pub fn fast(builder: mcp_keys_client::ClientBuilder) -> mcp_keys_client::ClientBuilder {
    builder
        .retry(fast_retries())
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(10))
}

/// Serves `router` on a free loopback port until the test ends; its base URL.
pub async fn serve_router(router: axum::Router) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(base)
}
