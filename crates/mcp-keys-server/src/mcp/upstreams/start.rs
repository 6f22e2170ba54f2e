//! Starting an upstream: its transport (a child process, or Streamable HTTP
//! to a URL) and the MCP handshake as the gateway's client.
//!
//! A local command runs without a shell, with a clean environment (the
//! service's own variables, such as a database URL with its password or
//! other surfaces' secrets, are not passed on) plus the upstream's `env`,
//! whose secret references are resolved here. Its stderr goes to a bounded
//! tail kept per surface, never to the service's log.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use mcp_keys_core::{Upstream, UpstreamValue};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt as _};
use tokio::io::AsyncBufReadExt as _;
use tokio::sync::Notify;
use zeroize::Zeroizing;

use super::UpstreamError;
use super::client::{GatewayClient, Relay};
use super::stderr::StderrTail;
use crate::secrets::UpstreamSecrets;

/// The variables of the service's environment a command still gets: what
/// programs need to run, nothing that could hold a secret.
const PASSED_VARIABLES: [&str; 8] = [
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "TZ",
];

/// How long a failed start waits for the rest of the command's stderr.
const STDERR_DRAIN: Duration = Duration::from_secs(1);

/// A running upstream, as the gateway's MCP client sees it.
pub(super) type Running = RunningService<RoleClient, GatewayClient>;

/// What starting needs besides the upstream.
pub(super) struct Means<'a> {
    /// Where secret references are resolved.
    pub(super) secrets: &'a dyn UpstreamSecrets,
    /// The HTTP client for URL upstreams.
    pub(super) http: &'a reqwest::Client,
    /// Where a command's stderr goes.
    pub(super) stderr: &'a Arc<Mutex<StderrTail>>,
    /// Told when the upstream's lists change.
    pub(super) changed: &'a Arc<Notify>,
    /// Where the upstream's requests to its client go, if anywhere.
    pub(super) relay: Option<Relay>,
}

/// Starts `upstream` and completes the MCP handshake with it.
pub(super) async fn start(upstream: &Upstream, means: Means<'_>) -> Result<Running, UpstreamError> {
    let info = GatewayClient::new(
        Arc::clone(means.changed),
        means.relay,
        !upstream.takes_roots_as_limits(),
    );
    match upstream {
        Upstream::Stdio {
            command,
            args,
            env,
            cwd,
            sessions: _,
        } => {
            let mut child = tokio::process::Command::new(command);
            child.args(args).env_clear().kill_on_drop(true);
            for name in PASSED_VARIABLES {
                if let Some(value) = std::env::var_os(name) {
                    child.env(name, value);
                }
            }
            for (name, value) in env {
                child.env(name, resolve(means.secrets, name, value)?.as_str());
            }
            if let Some(cwd) = cwd {
                child.current_dir(cwd);
            }
            let (transport, stderr) = TokioChildProcess::builder(child)
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|error| {
                    UpstreamError::new(format!(
                        "the upstream command {command:?} could not start: {error}"
                    ))
                })?;
            let reader = stderr.map(|stderr| {
                let tail = Arc::clone(means.stderr);
                tokio::spawn(async move {
                    let mut lines = tokio::io::BufReader::new(stderr).lines();
                    while let Ok(Some(line)) = lines.next_line().await {
                        tail.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(&line);
                    }
                })
            });
            match info.serve(transport).await {
                Ok(running) => Ok(running),
                Err(error) => {
                    // A command that exited has closed its stderr too: read
                    // it to the end, briefly, for the reason.
                    if let Some(reader) = reader {
                        let _ = tokio::time::timeout(STDERR_DRAIN, reader).await;
                    }
                    Err(UpstreamError::new(format!(
                        "the upstream MCP server did not initialize: {error}{}",
                        stderr_hint(means.stderr)
                    )))
                }
            }
        }
        Upstream::Http { url, headers, .. } => {
            let mut custom = HashMap::new();
            for (name, value) in headers {
                let secret = matches!(value, UpstreamValue::Secret { .. });
                let value = resolve(means.secrets, name, value)?;
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| UpstreamError::new(format!("{name:?} is not a header name")))?;
                let mut value = HeaderValue::from_str(&value).map_err(|_| {
                    UpstreamError::new(format!(
                        "the value of the header {name} cannot be sent in a header"
                    ))
                })?;
                value.set_sensitive(secret);
                custom.insert(name, value);
            }
            let config = StreamableHttpClientTransportConfig::with_uri(url.as_str())
                .custom_headers(custom)
                .reinit_on_expired_session(true);
            let transport = StreamableHttpClientTransport::with_client(means.http.clone(), config);
            info.serve(transport).await.map_err(|error| {
                UpstreamError::new(format!(
                    "the upstream MCP server at {url} did not initialize: {}",
                    plain(&error)
                ))
            })
        }
    }
}

/// The HTTP client of URL upstreams: no redirects (a redirect would carry
/// the upstream's credentials elsewhere), no idle connections kept (rmcp's
/// advice: a reused connection whose last body was not read stalls on
/// delayed ACKs).
pub(super) fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_default()
}

/// An rmcp error in words for a person: without the transport's type names,
/// and with what to do when the upstream wants credentials.
pub fn plain(error: &impl std::fmt::Display) -> String {
    let text = error.to_string();
    let mut words = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => words.push(c),
            _ => {}
        }
    }
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.contains("Auth required") || words.contains("Insufficient scope") {
        format!(
            "{words} (HTTP 401/403: the upstream refused the gateway's credentials; check the \
             upstream's Authorization header and the secret it names)"
        )
    } else {
        words
    }
}

/// The end of the upstream's stderr, to explain a failure.
pub(super) fn stderr_hint(stderr: &Mutex<StderrTail>) -> String {
    stderr
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .last_line()
        .map(|line| format!("; it said: {line}"))
        .unwrap_or_default()
}

/// The value of an upstream's variable or header: plain, or the secret it
/// names.
fn resolve(
    secrets: &dyn UpstreamSecrets,
    name: &str,
    value: &UpstreamValue,
) -> Result<Zeroizing<String>, UpstreamError> {
    match value {
        UpstreamValue::Plain(text) => Ok(Zeroizing::new(text.clone())),
        UpstreamValue::Secret { secret_ref } => secrets
            .secret(secret_ref)
            .map_err(|reason| UpstreamError::new(format!("{reason} (needed for {name})"))),
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn rmcp_errors_lose_their_type_names_and_say_what_to_check() {
        let raw = "Send message error Transport [rmcp::transport::worker::WorkerTransport<\
                   rmcp::X<reqwest::Client>>] error: Auth required, when send initialize request";
        let words = plain(&raw);
        assert!(!words.contains("rmcp::"), "{words}");
        assert!(
            words.starts_with("Send message error Transport error: Auth required"),
            "{words}"
        );
        assert!(words.contains("Authorization header"), "{words}");
        assert_eq!(plain(&"connection refused"), "connection refused");
    }
}
