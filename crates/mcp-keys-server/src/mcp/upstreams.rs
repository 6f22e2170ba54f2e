//! The connections to surfaces' upstreams (DESIGN §7, docs/gateway.md):
//! started on first use, one per surface for now (the `shared` mode of
//! docs/gateway.md), started again on the next use after the upstream went
//! away, dropped when the surface's upstream changes.
//!
//! A local command runs without a shell, with a clean environment (the
//! service's own variables, such as a database URL with its password or
//! other surfaces' secrets, are not passed on) plus the upstream's `env`,
//! whose secret references are resolved here. Its stderr goes to a bounded
//! tail kept per surface, never to the service's log.

use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mcp_keys_core::{Upstream, UpstreamValue};
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation};
use rmcp::service::{Peer, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt as _};
use tokio::io::AsyncBufReadExt as _;

use crate::time::{self, Timestamp};

/// How long an upstream may take to start and answer `initialize`.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one request may wait for the upstream's answer.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The wait after the first failed start; it doubles with each failure in a
/// row, up to [`MAX_RESTART_BACKOFF`]. A client that keeps asking meanwhile
/// gets the last error at once, and the host no stream of processes.
const FIRST_RESTART_BACKOFF: Duration = Duration::from_secs(1);

/// The longest wait between two starts of a failing upstream.
const MAX_RESTART_BACKOFF: Duration = Duration::from_secs(30);

/// How long a failed start waits for the rest of the command's stderr.
const STDERR_DRAIN: Duration = Duration::from_secs(1);

/// How much of an upstream's stderr is kept.
const STDERR_TAIL_BYTES: usize = 64 * 1024;

/// The variables of the service's environment a command still gets: what
/// programs need to run, nothing that could hold a secret.
const PASSED_VARIABLES: [&str; 8] = [
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "TZ",
];

/// The prefix of the environment variable that holds secret `NAME` on a
/// server (`MCP_KEYS_SECRET_GITHUB_PAT` for `github-pat`).
const SECRET_VARIABLE_PREFIX: &str = "MCP_KEYS_SECRET_";

/// Why an upstream could not be used, in words for the client (no secret
/// values, no environment).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct UpstreamError(String);

/// What a surface's upstream is doing (`GET …/surfaces/{id}/upstream`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamStatus {
    /// `stopped` (not started yet, or let go), `starting`, `running`,
    /// `crashed` (a command that exited or could not start) or
    /// `unreachable` (a URL that did not answer).
    pub state: UpstreamState,
    /// Since when.
    pub since: Timestamp,
    /// Why it crashed or is unreachable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The end of the command's stderr (the last 64 KiB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stderr_tail: Option<String>,
}

/// The states of an upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UpstreamState {
    /// Not started yet, or let go.
    Stopped,
    /// Starting and initializing.
    Starting,
    /// Answering.
    Running,
    /// A command that exited or could not start.
    Crashed,
    /// A URL that did not answer.
    Unreachable,
}

/// The connections of every surface with an upstream.
#[derive(Debug, Default)]
pub struct Upstreams {
    connections: Mutex<HashMap<String, Arc<Connection>>>,
}

/// One surface's connection, made on first use.
#[derive(Debug)]
struct Connection {
    upstream: Upstream,
    client: tokio::sync::Mutex<Option<RunningService<RoleClient, ClientConfig>>>,
    stderr: Arc<Mutex<StderrTail>>,
    state: Mutex<(UpstreamState, Timestamp, Option<String>)>,
    /// Failed starts in a row, and when the next start may be tried.
    backoff: Mutex<(u32, Option<std::time::Instant>)>,
}

impl Upstreams {
    /// A peer of the running upstream of `surface_id`, started (or started
    /// again) when needed.
    pub async fn peer(
        &self,
        surface_id: &str,
        upstream: &Upstream,
    ) -> Result<Peer<RoleClient>, UpstreamError> {
        let connection = {
            let mut connections = self
                .connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let current = connections
                .get(surface_id)
                .filter(|connection| connection.upstream == *upstream)
                .cloned();
            match current {
                Some(connection) => connection,
                None => {
                    // A changed upstream replaces the old connection, which
                    // stops its process when the last request drops it.
                    let connection = Arc::new(Connection {
                        upstream: upstream.clone(),
                        client: tokio::sync::Mutex::new(None),
                        stderr: Arc::default(),
                        state: Mutex::new((UpstreamState::Stopped, time::now(), None)),
                        backoff: Mutex::new((0, None)),
                    });
                    connections.insert(surface_id.to_owned(), Arc::clone(&connection));
                    connection
                }
            }
        };
        let mut client = connection.client.lock().await;
        if let Some(running) = client.as_ref()
            && !running.is_closed()
            && !running.peer().is_transport_closed()
        {
            return Ok(running.peer().clone());
        }
        let retry_at = connection
            .backoff
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1;
        if let Some(at) = retry_at
            && let Some(wait) = at.checked_duration_since(std::time::Instant::now())
        {
            let (_, _, last_error) = connection.state();
            return Err(UpstreamError(format!(
                "{}; the next start is tried in {} s",
                last_error.unwrap_or_else(|| "the upstream MCP server failed".to_owned()),
                wait.as_secs().max(1)
            )));
        }
        connection.set_state(UpstreamState::Starting, None);
        let started = tokio::time::timeout(START_TIMEOUT, connection.start())
            .await
            .map_err(|_| {
                UpstreamError(format!(
                    "the upstream MCP server did not start within {} s{}",
                    START_TIMEOUT.as_secs(),
                    connection.stderr_hint()
                ))
            })
            .and_then(|started| started);
        let running = match started {
            Ok(running) => running,
            Err(error) => {
                let state = match connection.upstream {
                    Upstream::Stdio { .. } => UpstreamState::Crashed,
                    Upstream::Http { .. } => UpstreamState::Unreachable,
                };
                connection.set_state(state, Some(error.to_string()));
                let mut backoff = connection
                    .backoff
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                backoff.0 = backoff.0.saturating_add(1);
                let wait = FIRST_RESTART_BACKOFF
                    .saturating_mul(1 << (backoff.0 - 1).min(16))
                    .min(MAX_RESTART_BACKOFF);
                backoff.1 = Some(std::time::Instant::now() + wait);
                return Err(error);
            }
        };
        *connection
            .backoff
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = (0, None);
        connection.set_state(UpstreamState::Running, None);
        let peer = running.peer().clone();
        *client = Some(running);
        Ok(peer)
    }

    /// What the upstream of `surface_id` is doing: `stopped` until a client
    /// first needs it.
    pub async fn status(&self, surface_id: &str) -> UpstreamStatus {
        let connection = self
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(surface_id)
            .cloned();
        let Some(connection) = connection else {
            return UpstreamStatus {
                state: UpstreamState::Stopped,
                since: time::now(),
                last_error: None,
                stderr_tail: None,
            };
        };
        // A process that exited since its last request shows as crashed.
        let exited = connection
            .client
            .lock()
            .await
            .as_ref()
            .is_some_and(|running| running.is_closed() || running.peer().is_transport_closed());
        if exited && connection.state().0 == UpstreamState::Running {
            connection.set_state(
                UpstreamState::Crashed,
                Some("the upstream MCP server exited".to_owned()),
            );
        }
        let (state, since, last_error) = connection.state();
        let tail = connection
            .stderr
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .text();
        UpstreamStatus {
            state,
            since,
            last_error,
            stderr_tail: (!tail.is_empty()).then_some(tail),
        }
    }
}

impl Connection {
    async fn start(&self) -> Result<RunningService<RoleClient, ClientConfig>, UpstreamError> {
        let info = ClientConfig::new(
            // The shared mode: no sampling, elicitation or roots, since the
            // upstream's requests could not be routed to one client.
            ClientCapabilities::default(),
            Implementation::new("mcp-keys-gateway", env!("CARGO_PKG_VERSION")),
        );
        match &self.upstream {
            Upstream::Stdio {
                command,
                args,
                env,
                cwd,
            } => {
                let mut child = tokio::process::Command::new(command);
                child.args(args).env_clear().kill_on_drop(true);
                for name in PASSED_VARIABLES {
                    if let Some(value) = std::env::var_os(name) {
                        child.env(name, value);
                    }
                }
                for (name, value) in env {
                    child.env(name, resolve(name, value)?);
                }
                if let Some(cwd) = cwd {
                    child.current_dir(cwd);
                }
                let (transport, stderr) = TokioChildProcess::builder(child)
                    .stderr(Stdio::piped())
                    .spawn()
                    .map_err(|error| {
                        UpstreamError(format!(
                            "the upstream command {command:?} could not start: {error}"
                        ))
                    })?;
                let reader = stderr.map(|stderr| {
                    let tail = Arc::clone(&self.stderr);
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
                        // A command that exited has closed its stderr too:
                        // read it to the end, briefly, for the reason.
                        if let Some(reader) = reader {
                            let _ = tokio::time::timeout(STDERR_DRAIN, reader).await;
                        }
                        Err(UpstreamError(format!(
                            "the upstream MCP server did not initialize: {error}{}",
                            self.stderr_hint()
                        )))
                    }
                }
            }
            Upstream::Http { url, .. } => Err(UpstreamError(format!(
                "this service does not connect to remote upstreams yet ({url})"
            ))),
        }
    }

    fn state(&self) -> (UpstreamState, Timestamp, Option<String>) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_state(&self, state: UpstreamState, error: Option<String>) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = (state, time::now(), error);
    }

    /// The end of the upstream's stderr, to explain a failure.
    fn stderr_hint(&self) -> String {
        let text = self
            .stderr
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .text();
        let last = text.lines().rev().find(|line| !line.trim().is_empty());
        last.map(|line| format!("; it said: {line}"))
            .unwrap_or_default()
    }
}

/// The value of an upstream's variable: plain, or the secret it names from
/// `MCP_KEYS_SECRET_<NAME>` of the service's environment.
fn resolve(name: &str, value: &UpstreamValue) -> Result<String, UpstreamError> {
    match value {
        UpstreamValue::Plain(text) => Ok(text.clone()),
        UpstreamValue::Secret { secret_ref } => {
            let variable = secret_variable(secret_ref);
            std::env::var(&variable).map_err(|_| {
                UpstreamError(format!(
                    "the secret {secret_ref:?} for {name} is not set where the service runs \
                     (environment variable {variable})"
                ))
            })
        }
    }
}

/// The environment variable that holds secret `name` on a server.
fn secret_variable(name: &str) -> String {
    let mut variable = SECRET_VARIABLE_PREFIX.to_owned();
    variable.extend(name.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    variable
}

/// The last bytes of a stream of lines.
#[derive(Debug, Default)]
struct StderrTail {
    lines: VecDeque<String>,
    bytes: usize,
}

impl StderrTail {
    fn push(&mut self, line: &str) {
        let line: String = line.chars().take(STDERR_TAIL_BYTES / 4).collect();
        self.bytes += line.len() + 1;
        self.lines.push_back(line);
        while self.bytes > STDERR_TAIL_BYTES {
            match self.lines.pop_front() {
                Some(old) => self.bytes -= old.len() + 1,
                None => break,
            }
        }
    }

    fn text(&self) -> String {
        self.lines.iter().fold(String::new(), |mut text, line| {
            text.push_str(line);
            text.push('\n');
            text
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{StderrTail, secret_variable};

    #[test]
    fn secret_names_map_to_variables() {
        assert_eq!(secret_variable("github-pat"), "MCP_KEYS_SECRET_GITHUB_PAT");
        assert_eq!(secret_variable("a.b_c"), "MCP_KEYS_SECRET_A_B_C");
    }

    #[test]
    fn the_stderr_tail_keeps_the_last_bytes() {
        let mut tail = StderrTail::default();
        for n in 0..20_000 {
            tail.push(&format!("line {n}"));
        }
        let text = tail.text();
        assert!(text.len() <= 64 * 1024);
        assert!(text.ends_with("line 19999\n"));
        assert!(!text.contains("line 0\n"));
    }
}
