//! The connections to surfaces' upstreams (DESIGN §7, docs/gateway.md):
//! one per client session (`sessions: separate`, ended with the session),
//! or one per surface (`shared`, and for clients without a session),
//! started on first use, started again on the next use after the upstream
//! went away (after a wait when starts keep failing), a shared one stopped
//! when unused for a while and dropped when the surface's upstream changes.

mod client;
mod items;
mod relay;
mod rounds;
mod start;
mod stderr;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use mcp_keys_core::Upstream;
use rmcp::RoleClient;
use rmcp::service::Peer;

pub use self::client::{Downstream, InFlight, Relay};
pub use self::relay::{relay, send};
pub use self::rounds::{Parked, Question, Resume, Round, Rounds, Step};
pub use self::start::plain;
use self::start::{Means, Running, http_client, stderr_hint};
use self::stderr::StderrTail;
use crate::db::Prune;
use crate::secrets::UpstreamSecrets;
use crate::time::{self, Timestamp};
use crate::{Config, Db};

/// The wait after the first failed start; it doubles with each failure in a
/// row, up to [`MAX_RESTART_BACKOFF`]. A client that keeps asking meanwhile
/// gets the last error at once, and the host no stream of processes.
const FIRST_RESTART_BACKOFF: Duration = Duration::from_secs(1);

/// The longest wait between two starts of a failing upstream.
const MAX_RESTART_BACKOFF: Duration = Duration::from_secs(30);

/// The most connections per surface that serve calls of clients without a
/// session one at a time (`rounds.rs`); beyond it, such calls use the
/// shared connection, where the upstream cannot ask their clients.
const MAX_ROUNDS_CONNECTIONS: usize = 8;

/// How long stopping an idle upstream may take before it is let go.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why an upstream could not be used, in words for the client (no secret
/// values, no environment).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct UpstreamError(String);

impl UpstreamError {
    fn new(reason: String) -> Self {
        Self(reason)
    }
}

/// What a surface's upstream is doing (`GET …/surfaces/{id}/upstream`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamStatus {
    /// `stopped` (not started yet, or stopped when idle), `starting`,
    /// `running`, `crashed` (a command that exited or could not start) or
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
    /// Not started yet, or stopped when idle.
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
#[derive(Debug)]
pub struct Upstreams {
    /// The shared connection of each surface.
    connections: Mutex<HashMap<String, Arc<Connection>>>,
    /// The connections of client sessions, by surface; each lives as long
    /// as its session.
    sessions: Mutex<HashMap<String, Vec<Weak<Connection>>>>,
    /// The connections that serve calls of clients without a session, one
    /// call at a time, by surface.
    rounds: Mutex<HashMap<String, Vec<Arc<Connection>>>>,
    /// Calls waiting for their client's answers to the upstream's questions.
    parked: Parked,
    /// Where surfaces' items are kept as their upstreams offer them.
    db: Db,
    /// How long a start, or one request, may take.
    timeout: Duration,
    /// How long an upstream may go unused before it is stopped.
    idle_stop: Duration,
    secrets: Arc<dyn UpstreamSecrets>,
    http: reqwest::Client,
    /// Whether the task that stops idle upstreams runs.
    reaper: AtomicBool,
}

/// A connection to a surface's upstream, made on first use.
#[derive(Debug)]
pub struct Connection {
    surface_id: String,
    upstream: Upstream,
    /// Where the upstream's requests to its client go: a client session,
    /// or one call at a time; nowhere on the shared connection.
    relay: Option<Relay>,
    client: tokio::sync::Mutex<Option<Running>>,
    stderr: Arc<Mutex<StderrTail>>,
    state: Mutex<(UpstreamState, Timestamp, Option<String>)>,
    /// Failed starts in a row, and when the next start may be tried.
    backoff: Mutex<(u32, Option<Instant>)>,
    /// Requests in flight, and when the last one began or ended.
    activity: Mutex<(usize, Instant)>,
    /// Told when the upstream says its lists changed.
    changed: Arc<tokio::sync::Notify>,
    /// Whether a request found the connection failed.
    broken: AtomicBool,
}

/// The upstream's peer for one request. While it lives the upstream counts
/// as in use, so it is not stopped under the request.
#[derive(Debug)]
pub struct Lease {
    peer: Peer<RoleClient>,
    connection: Arc<Connection>,
    timeout: Duration,
}

impl Lease {
    /// How long the request may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Records that the connection failed under this request (a process
    /// that exited, a server that went away): the state says so, and the
    /// next request starts the upstream again.
    pub fn connection_failed(&self, error: &impl std::fmt::Display) {
        self.connection.broken.store(true, Ordering::Release);
        let state = match self.connection.upstream {
            Upstream::Stdio { .. } => UpstreamState::Crashed,
            Upstream::Http { .. } => UpstreamState::Unreachable,
        };
        self.connection.set_state(state, Some(plain(error)));
    }
}

impl Lease {
    /// The client session the connection relays to, if it belongs to one.
    pub fn downstream(&self) -> Option<&Downstream> {
        match &self.connection.relay {
            Some(Relay::Session(downstream)) => Some(downstream),
            Some(Relay::Rounds(_)) | None => None,
        }
    }
}

impl std::ops::Deref for Lease {
    type Target = Peer<RoleClient>;

    fn deref(&self) -> &Self::Target {
        &self.peer
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut activity = self
            .connection
            .activity
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        activity.0 = activity.0.saturating_sub(1);
        activity.1 = Instant::now();
    }
}

impl Upstreams {
    /// The upstreams of a service with `config`'s time limits and secrets,
    /// keeping surfaces' items in `db`.
    pub fn new(config: &Config, db: Db) -> Self {
        Self {
            connections: Mutex::default(),
            sessions: Mutex::default(),
            rounds: Mutex::default(),
            parked: Parked::default(),
            db,
            timeout: config.upstream_timeout,
            idle_stop: config.upstream_idle_stop,
            secrets: Arc::clone(&config.upstream_secrets),
            http: http_client(),
            reaper: AtomicBool::new(false),
        }
    }

    /// The peer of the running shared upstream of `surface_id`, started
    /// (or started again) when needed.
    pub async fn peer(
        self: &Arc<Self>,
        surface_id: &str,
        upstream: &Upstream,
    ) -> Result<Lease, UpstreamError> {
        self.start_reaper();
        let connection = self.connection(surface_id, upstream);
        self.lease(&connection).await
    }

    /// A connection of its own for one client session of `surface_id`,
    /// relaying to `downstream`; not started until first used. It ends
    /// when the session drops it.
    pub fn session(
        &self,
        surface_id: &str,
        upstream: &Upstream,
        downstream: Downstream,
    ) -> Arc<Connection> {
        let connection = Arc::new(Connection::new(
            surface_id,
            upstream.clone(),
            Some(Relay::Session(downstream)),
        ));
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let of_surface = sessions.entry(surface_id.to_owned()).or_default();
        of_surface.retain(|connection| connection.strong_count() > 0);
        of_surface.push(Arc::downgrade(&connection));
        connection
    }

    /// A connection of `surface_id` to `upstream` for one call of a client
    /// without a session, taken until the returned questions are dropped,
    /// and its lease; `None` when every such connection of the surface is
    /// taken (the call then uses the shared connection). For an upstream
    /// whose clients each get their own process (`separate`), a connection
    /// serves the calls of `key_id` only.
    pub async fn rounds(
        self: &Arc<Self>,
        surface_id: &str,
        upstream: &Upstream,
        key_id: &str,
    ) -> Option<Result<(Lease, tokio::sync::mpsc::UnboundedReceiver<Question>), UpstreamError>>
    {
        self.start_reaper();
        let owner = upstream.sessions().is_separate().then_some(key_id);
        let (connection, questions) = {
            let mut rounds = self.rounds.lock().unwrap_or_else(PoisonError::into_inner);
            let of_surface = rounds.entry(surface_id.to_owned()).or_default();
            // A changed upstream's connections are let go.
            of_surface.retain(|connection| connection.upstream == *upstream);
            let slot = |connection: &Arc<Connection>| match &connection.relay {
                Some(Relay::Rounds(slot)) => Some(slot.clone()),
                _ => None,
            };
            let free = of_surface.iter().find_map(|connection| {
                slot(connection)
                    .filter(|slot| slot.owner() == owner)
                    .and_then(|slot| slot.take())
                    .map(|questions| (Arc::clone(connection), questions))
            });
            match free {
                Some(free) => free,
                None => {
                    if of_surface.len() >= MAX_ROUNDS_CONNECTIONS {
                        // Room from a connection no call uses (another
                        // key's): its process stops when it is let go.
                        let idle = of_surface.iter().position(|connection| {
                            slot(connection).is_some_and(|slot| slot.is_free())
                        })?;
                        of_surface.remove(idle);
                    }
                    let slot = Rounds::new(owner);
                    let questions = slot.take()?;
                    let connection = Arc::new(Connection::new(
                        surface_id,
                        upstream.clone(),
                        Some(Relay::Rounds(slot)),
                    ));
                    of_surface.push(Arc::clone(&connection));
                    (connection, questions)
                }
            }
        };
        Some(
            self.lease(&connection)
                .await
                .map(|lease| (lease, questions)),
        )
    }

    /// Calls waiting for their clients' answers.
    pub fn parked(&self) -> &Parked {
        &self.parked
    }

    /// The peer of `connection`'s running upstream, started (or started
    /// again) when needed.
    pub async fn lease(
        self: &Arc<Self>,
        connection: &Arc<Connection>,
    ) -> Result<Lease, UpstreamError> {
        let upstream = &connection.upstream;
        let surface_id = connection.surface_id.as_str();
        let mut client = connection.client.lock().await;
        if let Some(running) = client.as_ref()
            && !running.is_closed()
            && !running.peer().is_transport_closed()
            && !connection.broken.load(Ordering::Acquire)
        {
            return Ok(connection.lease(running, self.timeout));
        }
        // Whatever ran before is let go before the next start.
        client.take();
        let retry_at = connection
            .backoff
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1;
        if let Some(at) = retry_at
            && let Some(wait) = at.checked_duration_since(Instant::now())
        {
            let (_, _, last_error) = connection.state();
            return Err(UpstreamError::new(format!(
                "{}; the next start is tried in {} s",
                last_error.unwrap_or_else(|| "the upstream MCP server failed".to_owned()),
                wait.as_secs().max(1)
            )));
        }
        connection.broken.store(false, Ordering::Release);
        connection.set_state(UpstreamState::Starting, None);
        let means = Means {
            secrets: self.secrets.as_ref(),
            http: &self.http,
            stderr: &connection.stderr,
            changed: &connection.changed,
            relay: connection.relay.clone(),
        };
        let started = tokio::time::timeout(self.timeout, start::start(upstream, means))
            .await
            .map_err(|_| {
                UpstreamError::new(format!(
                    "the upstream MCP server did not start within {} s{}",
                    self.timeout.as_secs(),
                    stderr_hint(&connection.stderr)
                ))
            })
            .and_then(|started| started);
        let running = match started {
            Ok(running) => running,
            Err(error) => {
                connection.failed(&error);
                return Err(error);
            }
        };
        *connection
            .backoff
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = (0, None);
        connection.set_state(UpstreamState::Running, None);
        let lease = connection.lease(&running, self.timeout);
        tokio::spawn(items::keep_current(
            self.db.clone(),
            surface_id.to_owned(),
            running.peer().clone(),
            Arc::clone(&connection.changed),
            if connection.relay.is_some() {
                Prune::Keep
            } else {
                Prune::Gone
            },
            self.timeout,
        ));
        *client = Some(running);
        Ok(lease)
    }

    /// Starts the upstream of `surface_id` if needed and syncs the
    /// surface's items from what it offers now; whether they changed.
    pub async fn sync_items(
        self: &Arc<Self>,
        surface_id: &str,
        upstream: &Upstream,
    ) -> Result<bool, UpstreamError> {
        let lease = self.peer(surface_id, upstream).await?;
        items::sync(&self.db, surface_id, &lease, Prune::Gone, self.timeout)
            .await
            .map_err(UpstreamError::new)
    }

    /// What the upstream of `surface_id` is doing: `stopped` until a client
    /// first needs it. With several connections (one per client session,
    /// and those for calls of clients without one),
    /// `running` if any runs, else what the last to change says.
    pub async fn status(&self, surface_id: &str) -> UpstreamStatus {
        let mut connections: Vec<Arc<Connection>> = self
            .sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(surface_id)
            .into_iter()
            .flatten()
            .filter_map(Weak::upgrade)
            .collect();
        connections.extend(
            self.rounds
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(surface_id)
                .into_iter()
                .flatten()
                .cloned(),
        );
        connections.extend(
            self.connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(surface_id)
                .cloned(),
        );
        let mut chosen: Option<(Arc<Connection>, (bool, Timestamp))> = None;
        for connection in connections {
            let (state, since, _) = connection.current_state().await;
            let rank = (state == UpstreamState::Running, since);
            if chosen.as_ref().is_none_or(|(_, best)| rank > *best) {
                chosen = Some((connection, rank));
            }
        }
        let Some((connection, _)) = chosen else {
            return UpstreamStatus {
                state: UpstreamState::Stopped,
                since: time::now(),
                last_error: None,
                stderr_tail: None,
            };
        };
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

    /// The connection of `surface_id` to `upstream`: a changed upstream
    /// replaces the old connection, which stops its process when the last
    /// request drops it.
    fn connection(&self, surface_id: &str, upstream: &Upstream) -> Arc<Connection> {
        let mut connections = self
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(connection) = connections.get(surface_id)
            && connection.upstream == *upstream
        {
            return Arc::clone(connection);
        }
        let connection = Arc::new(Connection::new(surface_id, upstream.clone(), None));
        connections.insert(surface_id.to_owned(), Arc::clone(&connection));
        connection
    }

    /// Starts, once, the task that stops upstreams unused for
    /// [`Config::upstream_idle_stop`]; it ends with the service.
    fn start_reaper(self: &Arc<Self>) {
        if self.reaper.swap(true, Ordering::AcqRel) {
            return;
        }
        let every = (self.idle_stop / 4).clamp(Duration::from_millis(250), Duration::from_secs(30));
        tokio::spawn(reap(Arc::downgrade(self), every));
    }
}

/// Every `every`, stops the upstreams that have been idle long enough.
async fn reap(upstreams: Weak<Upstreams>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(upstreams) = upstreams.upgrade() else {
            return;
        };
        upstreams.parked.expire();
        let mut connections: Vec<_> = upstreams
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        connections.extend(
            upstreams
                .rounds
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .values()
                .flatten()
                .cloned(),
        );
        for connection in connections {
            // A connection being started, or asked for its peer, is in use.
            let Ok(mut client) = connection.client.try_lock() else {
                continue;
            };
            if client.is_none() || !connection.idle_for(upstreams.idle_stop) {
                continue;
            }
            if let Some(running) = client.take() {
                drop(client);
                // A command that ignores the end of its input is killed when
                // the service is dropped.
                let _ = tokio::time::timeout(STOP_TIMEOUT, running.cancel()).await;
                connection.set_state(UpstreamState::Stopped, None);
            }
        }
    }
}

impl Connection {
    fn new(surface_id: &str, upstream: Upstream, relay: Option<Relay>) -> Self {
        Self {
            surface_id: surface_id.to_owned(),
            upstream,
            relay,
            client: tokio::sync::Mutex::new(None),
            stderr: Arc::default(),
            state: Mutex::new((UpstreamState::Stopped, time::now(), None)),
            backoff: Mutex::new((0, None)),
            activity: Mutex::new((0, Instant::now())),
            changed: Arc::default(),
            broken: AtomicBool::new(false),
        }
    }

    /// The upstream it connects to.
    pub fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    /// Its state, noticing an upstream that went away since its last
    /// request.
    async fn current_state(&self) -> (UpstreamState, Timestamp, Option<String>) {
        let gone = self
            .client
            .lock()
            .await
            .as_ref()
            .is_some_and(|running| running.is_closed() || running.peer().is_transport_closed());
        if gone && self.state().0 == UpstreamState::Running {
            // (A failure a request met has set the state already.)
            let (state, reason) = match self.upstream {
                Upstream::Stdio { .. } => (UpstreamState::Crashed, "exited"),
                Upstream::Http { .. } => (UpstreamState::Unreachable, "closed the connection"),
            };
            self.set_state(state, Some(format!("the upstream MCP server {reason}")));
        }
        self.state()
    }

    fn lease(self: &Arc<Self>, running: &Running, timeout: Duration) -> Lease {
        let mut activity = self.activity.lock().unwrap_or_else(PoisonError::into_inner);
        activity.0 += 1;
        activity.1 = Instant::now();
        Lease {
            peer: running.peer().clone(),
            connection: Arc::clone(self),
            timeout,
        }
    }

    /// Whether no request is in flight and none began or ended for `idle`.
    fn idle_for(&self, idle: Duration) -> bool {
        let (in_flight, last) = *self.activity.lock().unwrap_or_else(PoisonError::into_inner);
        in_flight == 0 && last.elapsed() >= idle
    }

    /// Records a failed start and when the next may be tried.
    fn failed(&self, error: &UpstreamError) {
        let state = match self.upstream {
            Upstream::Stdio { .. } => UpstreamState::Crashed,
            Upstream::Http { .. } => UpstreamState::Unreachable,
        };
        self.set_state(state, Some(error.to_string()));
        let mut backoff = self.backoff.lock().unwrap_or_else(PoisonError::into_inner);
        backoff.0 = backoff.0.saturating_add(1);
        let wait = FIRST_RESTART_BACKOFF
            .saturating_mul(1 << (backoff.0 - 1).min(16))
            .min(MAX_RESTART_BACKOFF);
        backoff.1 = Some(Instant::now() + wait);
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
}
