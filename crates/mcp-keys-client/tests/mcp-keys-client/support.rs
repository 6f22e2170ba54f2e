//! A real key service on a free loopback port, and clients of it.

use std::time::Duration;

use anyhow::{Context, Result};
use mcp_keys_client::{Client, NewSurface, Product, RetryPolicy, Surface};
use mcp_keys_core::Sensitive;
use mcp_keys_server::Config;
use mcp_keys_server::testing::TestService;

/// A running key service ([`TestService`]). Stops when dropped.
pub struct Service {
    pub base: String,
    service: TestService,
}

impl Service {
    pub async fn start() -> Result<Self> {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Result<Self> {
        let service = TestService::start_with(configure).await?;
        Ok(Self {
            base: service.url().to_owned(),
            service,
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
        Sensitive::new(self.service.token().to_owned())
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
