//! `mcp-keys serve`: the key service on a socket until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use mcp_keys_server::{AppState, Config, Db, SecretsFile, init_token_file, serve};
use tokio::net::TcpListener;

/// Options of `mcp-keys serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback unless you mean to serve a network.
    #[arg(long, default_value = "127.0.0.1:7410")]
    listen: SocketAddr,
    /// The database: sqlite://PATH (created if missing), sqlite::memory:, or
    /// postgres://USER@HOST/DB to share it between several instances. From
    /// MCP_KEYS_DB when not given (a service's environment file), so a URL
    /// with a password need not be on a command line.
    #[arg(long, env = "MCP_KEYS_DB", hide_env_values = true)]
    db: String,
    /// When the database has no management token yet, create one and write
    /// it to this file (mode 0600).
    #[arg(long, value_name = "PATH")]
    init_token_file: Option<PathBuf>,
    /// Failed authentications allowed per client address and minute.
    #[arg(long, default_value = "30")]
    failed_auth_per_minute: NonZeroU32,
    /// A browser origin allowed to call MCP endpoints besides loopback ones
    /// (scheme://host[:port]); repeat for more.
    #[arg(long = "allowed-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,
    /// A `Host` name (host:port) a loopback service also answers to; repeat
    /// for more. A service on 127.0.0.1 or [::1] answers only to its
    /// loopback names otherwise (DNS rebinding).
    #[arg(long = "allow-host", value_name = "HOST:PORT")]
    allowed_hosts: Vec<String>,
    /// The URL clients reach this service at, when it is not the listen
    /// address (behind a proxy); surfaces report their MCP URL under it.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Let surfaces front local commands (stdio upstreams). Anyone with a
    /// management token can then run programs on this host as this
    /// service's user: leave it off on a shared server, where http
    /// upstreams remain allowed.
    #[arg(long)]
    allow_upstream_commands: bool,
    /// Secrets that upstreams name (`{"secretRef": "NAME"}`): a file of
    /// NAME=value lines that only its owner may read, read again at every
    /// upstream start. Names not in it, or all without it, come from
    /// MCP_KEYS_SECRET_<NAME> environment variables.
    #[arg(long, value_name = "PATH")]
    secrets_file: Option<PathBuf>,
    /// Seconds an upstream may take to start, or to answer one request,
    /// before the client gets an error saying so.
    #[arg(long, value_name = "SECONDS", default_value_t = mcp_keys_server::DEFAULT_UPSTREAM_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    upstream_timeout: u64,
    /// Seconds an upstream may go without requests before it is stopped;
    /// the next request starts it again.
    #[arg(long, value_name = "SECONDS", default_value_t = mcp_keys_server::DEFAULT_UPSTREAM_IDLE_STOP.as_secs(), value_parser = clap::value_parser!(u64).range(1..=86_400))]
    upstream_idle_stop: u64,
}

/// Runs the service until a shutdown signal, then finishes the requests in
/// flight and closes the database.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    // The URL is not repeated in the message: a database URL may hold a password.
    let db = Db::connect(&args.db)
        .await
        .context("cannot open the database given with --db")?;
    if let Some(path) = &args.init_token_file {
        let written = init_token_file(&db, path)
            .await
            .with_context(|| format!("cannot write the first token to {}", path.display()))?;
        if written {
            tracing::info!(path = %path.display(), "wrote the first management token");
        } else {
            tracing::info!("the database has a management token already; no token file written");
        }
    }
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {} (is the port in use?)", args.listen))?;
    let address = listener.local_addr()?;
    let public_host = args.public_url.as_deref().and_then(authority);
    let mut config = Config::new(
        args.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{address}")),
    );
    config.failed_auth_per_minute = args.failed_auth_per_minute;
    config.allowed_origins = args.allowed_origins;
    config.allow_upstream_commands = args.allow_upstream_commands;
    config.upstream_timeout = Duration::from_secs(args.upstream_timeout);
    config.upstream_idle_stop = Duration::from_secs(args.upstream_idle_stop);
    if let Some(path) = &args.secrets_file {
        let file = SecretsFile::open(path).map_err(anyhow::Error::msg)?;
        config.upstream_secrets = Arc::new(file);
    }
    if address.ip().is_loopback() {
        let mut hosts = mcp_keys_server::loopback_hosts(address.port());
        hosts.extend(args.allowed_hosts);
        // Behind a reverse proxy, requests name the public host.
        hosts.extend(public_host);
        config.allowed_hosts = Some(hosts);
    }
    tracing::info!(%address, "key service listening");
    let state = AppState::new(db.clone(), config);
    serve(listener, state.clone(), shutdown_signal()).await?;
    state.finish().await;
    db.close().await;
    tracing::info!("key service stopped");
    Ok(())
}

/// The `host[:port]` of `url`, as a `Host` header names it.
fn authority(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty()).then(|| authority.to_owned())
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
