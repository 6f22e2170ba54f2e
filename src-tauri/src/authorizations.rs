//! Pending OAuth authorizations (DESIGN §9): while the app runs it asks
//! every saved connection for its pending requests every
//! [`POLL_INTERVAL`], sends one desktop notification per request it has
//! not seen before, and tells the UI the whole pending list through
//! [`AppEvent::AuthorizationsChanged`] whenever it changes, so the consent
//! dialog opens on a new request and closes on one decided elsewhere (the
//! CLI, the consent page) or expired.
//!
//! The key service decides; this module only watches it.

mod notify;

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use mcp_keys_client::OAuthRequest;
use serde::Serialize;
use tauri::{AppHandle, Emitter as _, Manager as _, Runtime};
use tokio::sync::Notify;
use ts_rs::TS;

use crate::events::AppEvent;
use crate::services::ServicesExt as _;

/// How often every connection is asked for its pending requests: a person
/// who just clicked Connect in their IDE waits for the dialog, and a
/// request lives 10 minutes.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// A pending authorization request, with the connection that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PendingAuthorization {
    /// The saved connection whose key service holds the request.
    pub connection_id: String,
    /// The request, as the key service lists it.
    pub request: OAuthRequest,
}

impl PendingAuthorization {
    fn id(&self) -> (String, String) {
        (self.connection_id.clone(), self.request.id.clone())
    }
}

/// What the watcher knows, managed by the app.
#[derive(Debug, Default)]
pub struct Authorizations {
    /// Wakes the watcher for a look now (a request was just decided here).
    nudge: Notify,
    state: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// The requests pending at the last look.
    pending: Vec<PendingAuthorization>,
    /// Every request already notified (connection id, request id): one
    /// notification per request, however often it is listed.
    notified: HashSet<(String, String)>,
}

impl Authorizations {
    /// The requests pending at the last look.
    pub fn pending(&self) -> Vec<PendingAuthorization> {
        self.lock().pending.clone()
    }

    /// Asks the watcher to look again now.
    pub fn check_soon(&self) {
        self.nudge.notify_one();
    }

    /// Takes `pending` as the new list, keeping the previous entries of the
    /// connections in `unanswered` (a failed look is no decision). Returns
    /// the requests never seen before, and whether the list changed.
    fn replace(
        &self,
        mut pending: Vec<PendingAuthorization>,
        unanswered: &HashSet<String>,
    ) -> (Vec<PendingAuthorization>, bool) {
        let mut seen = self.lock();
        pending.extend(
            seen.pending
                .iter()
                .filter(|kept| unanswered.contains(&kept.connection_id))
                .cloned(),
        );
        // Oldest first, whichever connection answered first.
        pending.sort_by(|a, b| {
            (a.request.created_at, &a.request.id).cmp(&(b.request.created_at, &b.request.id))
        });
        let fresh: Vec<PendingAuthorization> = pending
            .iter()
            .filter(|request| seen.notified.insert(request.id()))
            .cloned()
            .collect();
        let changed = seen.pending != pending;
        seen.pending = pending;
        (fresh, changed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        // A panic while holding the lock leaves lists that are still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Starts watching (call it in `setup`).
pub fn init<R: Runtime>(app: &AppHandle<R>) {
    app.manage(Authorizations::default());
    let app = app.clone();
    tauri::async_runtime::spawn(async move { run(app).await });
}

/// Waits first, so the window's start has the CPU and the services to itself.
async fn run<R: Runtime>(app: AppHandle<R>) {
    loop {
        let state = app.state::<Authorizations>();
        tokio::select! {
            () = tokio::time::sleep(POLL_INTERVAL) => {}
            () = state.nudge.notified() => {}
        }
        look(&app).await;
    }
}

/// One look at every saved connection.
async fn look<R: Runtime>(app: &AppHandle<R>) {
    let services = match app.services().await {
        Ok(services) => services,
        Err(error) => {
            tracing::debug!(%error, "no authorization requests without the app's services");
            return;
        }
    };
    let connections = match services.manager.store().list_connections().await {
        Ok(connections) => connections,
        Err(error) => {
            tracing::warn!(%error, "cannot list the connections to watch for authorizations");
            return;
        }
    };
    let mut pending = Vec::new();
    let mut unanswered = HashSet::new();
    for connection in connections {
        let listed = match services
            .sessions
            .get(&services.manager, &connection.id)
            .await
        {
            Ok(session) => session
                .client()
                .list_oauth_requests()
                .await
                .map_err(mcp_keys_manager::Error::from),
            Err(error) => Err(error),
        };
        match listed {
            Ok(requests) => {
                pending.extend(requests.into_iter().map(|request| PendingAuthorization {
                    connection_id: connection.id.clone(),
                    request,
                }))
            }
            // Every 2 s: an unreachable server, or one without OAuth, is
            // not worth more than a debug line.
            Err(error) => {
                tracing::debug!(%error, connection = %connection.name, "no authorization requests");
                unanswered.insert(connection.id);
            }
        }
    }
    let state = app.state::<Authorizations>();
    let (fresh, changed) = state.replace(pending, &unanswered);
    for request in &fresh {
        notify::send(app, &request.request);
    }
    if changed && let Err(error) = app.emit(AppEvent::AuthorizationsChanged.name(), state.pending())
    {
        tracing::warn!(%error, "could not tell the UI about authorization requests");
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::{DateTime, Utc};
    use mcp_keys_client::OAuthRequest;

    use super::{Authorizations, PendingAuthorization};

    const CREATED: DateTime<Utc> = DateTime::UNIX_EPOCH;

    fn pending(connection_id: &str, id: &str) -> PendingAuthorization {
        PendingAuthorization {
            connection_id: connection_id.to_owned(),
            request: OAuthRequest {
                id: id.to_owned(),
                product_id: "prod_1".to_owned(),
                surface_id: "srf_1".to_owned(),
                surface_name: "Docs".to_owned(),
                client_id: "client_1".to_owned(),
                client_name: "Cursor".to_owned(),
                redirect_uri: "http://127.0.0.1:9/cb".to_owned(),
                redirect_host: "127.0.0.1".to_owned(),
                scopes: vec!["search".to_owned()],
                created_at: CREATED,
                expires_at: CREATED + chrono::TimeDelta::minutes(10),
            },
        }
    }

    #[test]
    fn a_request_is_new_once_however_often_it_is_listed() {
        let state = Authorizations::default();
        let none = HashSet::new();

        let (fresh, changed) = state.replace(vec![pending("local", "req_1")], &none);
        assert_eq!(fresh.len(), 1);
        assert!(changed);
        let (fresh, changed) = state.replace(vec![pending("local", "req_1")], &none);
        assert!(fresh.is_empty(), "listed again, it is not notified again");
        assert!(!changed, "the UI is not told the same list twice");
        let (fresh, changed) = state.replace(Vec::new(), &none);
        assert!(fresh.is_empty());
        assert!(changed, "a request decided elsewhere leaves the list");
    }

    #[test]
    fn a_connection_that_did_not_answer_keeps_its_requests() {
        let state = Authorizations::default();
        state.replace(
            vec![pending("local", "req_1"), pending("remote", "req_2")],
            &HashSet::new(),
        );

        let unanswered = HashSet::from(["remote".to_owned()]);
        let (fresh, changed) = state.replace(vec![pending("local", "req_1")], &unanswered);

        assert!(fresh.is_empty() && !changed, "{fresh:?}");
        assert_eq!(state.pending().len(), 2);
    }
}
