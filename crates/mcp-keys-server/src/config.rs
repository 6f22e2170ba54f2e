//! What an operator can tune about a running key service.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use crate::secrets::{EnvironmentSecrets, UpstreamSecrets};

/// How long an upstream may take to start, or to answer one request, by
/// default.
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);

/// How long an upstream may go unused before it is stopped, by default.
pub const DEFAULT_UPSTREAM_IDLE_STOP: Duration = Duration::from_secs(600);

/// Settings of one key service instance.
#[derive(Debug, Clone)]
pub struct Config {
    /// The public base URL of the service, without a trailing slash
    /// (`http://127.0.0.1:7410`). Surfaces report their MCP endpoint under it.
    pub base_url: String,
    /// Failed authentications allowed per client address and minute before
    /// its requests are answered 429 (DESIGN §4: 30 by default).
    pub failed_auth_per_minute: NonZeroU32,
    /// Browser origins allowed to call the MCP endpoint, besides loopback
    /// ones (`http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`).
    /// Written as `scheme://host[:port]`.
    pub allowed_origins: Vec<String>,
    /// The largest request body accepted, in bytes; larger ones get 413.
    pub max_body_bytes: usize,
    /// The `Host` names (`host:port`) the service answers to; `None` for
    /// any. A service on loopback sets [`crate::loopback_hosts`] so a page
    /// on a rebound DNS name cannot reach it.
    pub allowed_hosts: Option<Vec<String>>,
    /// How long a client may take to send a request's head (HTTP/1); idle
    /// keep-alive connections close after it too.
    pub header_read_timeout: Duration,
    /// How long a request body may pause between chunks.
    pub body_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Whether a surface's upstream may be a local command (DESIGN §7). A
    /// management token can then start programs on this host, so it is off
    /// unless the operator says so (`serve --allow-upstream-commands`); the
    /// desktop app's embedded service allows it (the user's own machine).
    pub allow_upstream_commands: bool,
    /// How long an upstream may take to start and initialize, and to answer
    /// one request; past it the client gets an MCP error saying so.
    pub upstream_timeout: Duration,
    /// How long an upstream may go without requests before it is stopped
    /// (a local command exits; an HTTP upstream's session is closed). It is
    /// started again by the next request.
    pub upstream_idle_stop: Duration,
    /// Where the secrets that upstreams name are read.
    pub upstream_secrets: Arc<dyn UpstreamSecrets>,
    /// How long an OAuth access token lives (DESIGN §9: 15 minutes).
    pub access_token_lifetime: Duration,
}

impl Config {
    /// The defaults, for a service reachable at `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            failed_auth_per_minute: NonZeroU32::MIN.saturating_add(29),
            allowed_origins: Vec::new(),
            max_body_bytes: 64 * 1024,
            allowed_hosts: None,
            header_read_timeout: mcp_keys_core::SERVICE_IDLE_TIMEOUT,
            body_timeout: Duration::from_secs(30),
            max_connections: 512,
            allow_upstream_commands: false,
            upstream_timeout: DEFAULT_UPSTREAM_TIMEOUT,
            upstream_idle_stop: DEFAULT_UPSTREAM_IDLE_STOP,
            upstream_secrets: Arc::new(EnvironmentSecrets),
            access_token_lifetime: crate::oauth::ACCESS_TOKEN_LIFETIME,
        }
    }
}
