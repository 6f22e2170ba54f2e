//! Client sessions of surfaces with an upstream (docs/gateway.md,
//! "Sessions"): rmcp's Streamable HTTP server with its session manager, so
//! the upstream's requests and notifications reach the client on its
//! session's stream. Authentication stays per request (the guard runs
//! first); a session is bound to the key that opened it, and closed when
//! that key can no longer be used (revoked, expired, its surface turned
//! off), here or, through the database's notifications, on another
//! instance. The database also keeps what another instance needs to take a
//! session over when the one that opened it stopped (rmcp's session store:
//! the client's initialize parameters; and the session's key): behind a
//! load balancer, a client whose instance went away carries on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use rmcp::model::InitializeRequestParams;
use rmcp::transport::streamable_http_server::session::SessionManager as _;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::session::{
    SessionState, SessionStore, SessionStoreError,
};
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::sync::broadcast::error::RecvError;

use super::tools::SurfaceTools;
use crate::db::Invalidated;
use crate::{Config, Db, time, verify};

/// How often an idle session stream carries a comment, so that proxies
/// keep it open.
const SSE_KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

/// The header that names a session.
pub const SESSION_HEADER: &str = "mcp-session-id";

/// The sessions of one service instance.
pub struct Sessions {
    manager: Arc<LocalSessionManager>,
    service: StreamableHttpService<SurfaceTools, LocalSessionManager>,
    /// The key each session was opened with, by session id.
    keys: Mutex<HashMap<String, String>>,
    /// Where keys are checked when they change.
    db: Db,
    /// Whether the task that closes sessions of unusable keys runs.
    watching: AtomicBool,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field(
                "len",
                &self
                    .keys
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .len(),
            )
            .finish_non_exhaustive()
    }
}

impl Sessions {
    /// The sessions of a service with `config`: a session unused for
    /// [`Config::upstream_idle_stop`] ends, and its upstream with it.
    pub fn new(config: &Config, db: Db, transport: StreamableHttpServerConfig) -> Self {
        let mut manager = LocalSessionManager::default();
        manager.session_config.keep_alive = Some(config.upstream_idle_stop);
        let manager = Arc::new(manager);
        let mut transport = transport
            .with_legacy_session_mode(true)
            .with_sse_keep_alive(Some(SSE_KEEP_ALIVE));
        transport.session_store = Some(Arc::new(StoredSessions(db.clone())));
        let service = StreamableHttpService::new(
            || Ok(SurfaceTools::default()),
            Arc::clone(&manager),
            transport,
        );
        Self {
            manager,
            service,
            keys: Mutex::default(),
            db,
            watching: AtomicBool::new(false),
        }
    }

    /// Whether `request` belongs to a session: it names one, or it opens
    /// one (an `initialize` to a surface with an upstream).
    pub fn wants(request: &Request, opens: bool) -> bool {
        request.headers().contains_key(SESSION_HEADER)
            || (opens && request.method() == Method::POST)
    }

    /// Whether the session `session_id` lives on this instance. A request
    /// naming one that does not may take it over from the database, which
    /// replays its `initialize` (and that needs the caller).
    pub fn is_here(&self, session_id: &str) -> bool {
        self.manager
            .sessions
            .try_read()
            .is_ok_and(|live| live.contains_key(session_id))
    }

    /// Serves `request` of the key `key_id`: a session opened with another
    /// key is not found, as one that does not exist.
    pub async fn serve(self: &Arc<Self>, key_id: &str, request: Request) -> Response {
        let named = request
            .headers()
            .get(SESSION_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        if let Some(session_id) = &named {
            let bound = self
                .keys
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(session_id)
                .cloned();
            let bound = match bound {
                Some(bound) => Some(bound),
                // Opened on another instance, perhaps: rmcp takes it over
                // from the database, for the key that opened it only.
                None => match self.db.mcp_session(session_id).await {
                    Ok(Some((Some(bound), _))) => {
                        if bound == key_id {
                            self.remember(session_id, key_id);
                        }
                        Some(bound)
                    }
                    Ok(_) => None,
                    Err(error) => {
                        tracing::warn!(%error, "could not read an MCP session");
                        None
                    }
                },
            };
            if bound.is_some_and(|bound| bound != key_id) {
                return (StatusCode::NOT_FOUND, "Not Found: Session not found").into_response();
            }
        }
        let closing = request.method() == Method::DELETE;
        let response = self.service.handle(request).await.map(Body::new);
        match named {
            Some(session_id) if closing && response.status().is_success() => {
                self.keys
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&session_id);
            }
            Some(_) => {}
            None => {
                if let Some(opened) = response.headers().get(SESSION_HEADER) {
                    self.bind(opened, key_id).await;
                }
            }
        }
        response
    }

    /// Binds a new session to its key, here and in the database.
    async fn bind(self: &Arc<Self>, session_id: &HeaderValue, key_id: &str) {
        let Ok(session_id) = session_id.to_str() else {
            return;
        };
        if let Err(error) = self.db.bind_mcp_session(session_id, key_id).await {
            // The session works here; only another instance could not take
            // it over.
            tracing::warn!(%error, "could not keep an MCP session's key");
        }
        self.remember(session_id, key_id);
    }

    /// Remembers the key of a session served here, forgetting sessions
    /// that ended.
    fn remember(self: &Arc<Self>, session_id: &str, key_id: &str) {
        if !self.watching.swap(true, Ordering::AcqRel) {
            watch(self);
        }
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        if let Ok(live) = self.manager.sessions.try_read() {
            keys.retain(|id, _| live.contains_key(id.as_str()));
        }
        keys.insert(session_id.to_owned(), key_id.to_owned());
    }

    /// Closes the sessions opened with a key that can no longer be used.
    async fn close_unusable(&self, invalidated: Invalidated) {
        let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
        for (session_id, key_id) in self
            .keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            if matches!(&invalidated, Invalidated::Key(changed) if changed != key_id) {
                continue;
            }
            by_key
                .entry(key_id.clone())
                .or_default()
                .push(session_id.clone());
        }
        for (key_id, sessions) in by_key {
            let stored = if crate::oauth::is_grant_id(&key_id) {
                self.db.grant_for_verification(&key_id).await
            } else {
                self.db.key_for_verification(&key_id).await
            };
            let usable = match stored {
                Ok(Some(key)) => verify::usable(&key, time::now()),
                Ok(None) => false,
                // Unknown for now: every request is checked anyway.
                Err(error) => {
                    tracing::warn!(%error, "could not check the key of open MCP sessions");
                    true
                }
            };
            if usable {
                continue;
            }
            for session_id in sessions {
                self.keys
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&session_id);
                if let Err(error) = self.manager.close_session(&session_id.into()).await {
                    tracing::warn!(%error, "could not close an MCP session");
                }
            }
        }
    }
}

/// rmcp's session store, in the database: what another instance needs to
/// take a session over. A session not yet bound to its key cannot be.
struct StoredSessions(Db);

#[async_trait::async_trait]
impl SessionStore for StoredSessions {
    async fn load(&self, session_id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        Ok(match self.0.mcp_session(session_id).await? {
            Some((Some(_), params)) => serde_json::from_str::<InitializeRequestParams>(&params)
                .ok()
                .map(SessionState::new),
            _ => None,
        })
    }

    async fn store(&self, session_id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        let params = serde_json::to_string(&state.initialize_params)?;
        Ok(self.0.store_mcp_session(session_id, &params).await?)
    }

    async fn delete(&self, session_id: &str) -> Result<(), SessionStoreError> {
        Ok(self.0.delete_mcp_session(session_id).await?)
    }
}

/// Closes the sessions of keys that stop being usable, for as long as the
/// sessions live.
fn watch(sessions: &Arc<Sessions>) {
    let mut invalidations = sessions.db.invalidations();
    let sessions: Weak<Sessions> = Arc::downgrade(sessions);
    tokio::spawn(async move {
        loop {
            let invalidated = match invalidations.recv().await {
                Ok(invalidated) => invalidated,
                Err(RecvError::Lagged(_)) => Invalidated::Every,
                Err(RecvError::Closed) => return,
            };
            let Some(sessions) = sessions.upgrade() else {
                return;
            };
            sessions.close_unusable(invalidated).await;
        }
    });
}
