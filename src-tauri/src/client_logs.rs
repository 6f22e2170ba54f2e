//! The clients' own logs while the app runs (DESIGN §10): every
//! [`POLL_INTERVAL`], and whenever the config watcher sees an IDE config
//! change, the app asks [`Manager::client_log_failures`] for the
//! authentication failures the clients' logs and the key services' audits
//! recorded, and turns each new one into a desktop notification whose click
//! opens the IDEs page at that finding.
//!
//! What was notified is kept in memory only: a failure older than the app's
//! start, or not newer than the last one notified for its key and client,
//! is the IDEs page's to show, and a key and client get at most one
//! notification per [`NOTIFY_AT_MOST_EVERY`] (the failures of that hour are
//! the same trouble, already told). The decisions (which failures
//! there are, what they mean) live in the core crates; this module only
//! runs them on a timer and talks to the desktop.
//!
//! [`Manager::client_log_failures`]: mcp_keys_manager::Manager::client_log_failures

mod notify;

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use mcp_keys_ide::{ClientId, Finding, FindingCode};
use mcp_keys_manager::{KeyServices, ScanOptions};
use serde::Serialize;
use tauri::{AppHandle, Emitter as _, Manager as _, Runtime};
use tokio::sync::Notify;
use ts_rs::TS;

use crate::events::AppEvent;
use crate::services::ServicesExt as _;

/// How often the clients' logs are read when nothing else asks.
pub const POLL_INTERVAL: Duration = Duration::from_secs(60);

/// A key and client get at most one notification within this long, however
/// often the client is refused: one is enough to send the user to the fix.
pub const NOTIFY_AT_MOST_EVERY: TimeDelta = TimeDelta::hours(1);

/// `MCP_KEYS_CLIENT_LOG_INTERVAL_SECONDS` (at least 1) replaces
/// [`POLL_INTERVAL`], for the end-to-end tests.
const INTERVAL_VAR: &str = "MCP_KEYS_CLIENT_LOG_INTERVAL_SECONDS";

/// The payload of [`AppEvent::IdeFindingOpen`]: which finding of the IDEs
/// page a clicked notification was about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FindingOpen {
    /// The client that was refused.
    pub client: ClientId,
    /// The key's id at its service, when a service knows it.
    pub key_id: Option<String>,
    /// The key's public prefix, when known.
    pub key_prefix: Option<String>,
    /// When the refusal happened.
    #[ts(type = "string | null")]
    pub at: Option<DateTime<Utc>>,
}

impl FindingOpen {
    fn of(finding: &Finding, client: ClientId) -> Self {
        Self {
            client,
            key_id: finding.detail.key_id.clone(),
            key_prefix: finding.key_prefix.clone(),
            at: finding.detail.at,
        }
    }
}

/// What the watcher knows, managed by the app.
#[derive(Debug)]
pub struct ClientLogWatch {
    /// Wakes the watcher for a look now (a config changed).
    nudge: Notify,
    state: Mutex<Notified>,
}

impl ClientLogWatch {
    /// A watcher that notifies the failures from `started` on.
    fn new(started: DateTime<Utc>) -> Self {
        Self {
            nudge: Notify::new(),
            state: Mutex::new(Notified {
                started,
                sent: HashMap::new(),
            }),
        }
    }

    /// Asks the watcher to look again now.
    pub fn check_soon(&self) {
        self.nudge.notify_one();
    }

    /// The failures of `findings` to notify at `now`, at most one per key
    /// and client (the newest), each recorded as notified; those within
    /// the hour after a notification of their key and client are recorded
    /// as covered by it.
    fn fresh(&self, findings: Vec<Finding>, now: DateTime<Utc>) -> Vec<(ClientId, Finding)> {
        let mut newest: HashMap<Pair, (ClientId, Finding)> = HashMap::new();
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for finding in findings {
            let (FindingCode::ClientLogAuthFailure, Some(client), Some(at)) =
                (finding.code, finding.client, finding.detail.at)
            else {
                continue;
            };
            if at < state.started {
                continue;
            }
            let pair = (key_of(&finding), client);
            if newest
                .get(&pair)
                .is_none_or(|(_, kept)| kept.detail.at < Some(at))
            {
                newest.insert(pair, (client, finding));
            }
        }
        let mut fresh = Vec::new();
        for (pair, (client, finding)) in newest {
            let Some(at) = finding.detail.at else {
                continue;
            };
            if let Some(sent) = state.sent.get_mut(&pair) {
                if at <= sent.newest {
                    continue;
                }
                if now - sent.at < NOTIFY_AT_MOST_EVERY {
                    // The same trouble, within the hour of telling the user
                    // about it (or the same failure read again with the
                    // log's time instead of the audit's): covered.
                    sent.newest = at;
                    continue;
                }
            }
            state.sent.insert(
                pair,
                Sent {
                    newest: at,
                    at: now,
                },
            );
            fresh.push((client, finding));
        }
        fresh.sort_by_key(|(_, finding)| finding.detail.at);
        fresh
    }
}

/// A key (its id, else its prefix, else its config) and a client.
type Pair = (String, ClientId);

/// The key a finding is about, as one string.
fn key_of(finding: &Finding) -> String {
    finding
        .detail
        .key_id
        .clone()
        .or_else(|| finding.key_prefix.clone())
        .or_else(|| finding.config_path.clone())
        .unwrap_or_default()
}

#[derive(Debug)]
struct Notified {
    /// When the app started: older failures are the IDEs page's to show.
    started: DateTime<Utc>,
    /// The last notification of each key and client.
    sent: HashMap<Pair, Sent>,
}

#[derive(Debug, Clone, Copy)]
struct Sent {
    /// The newest failure notified.
    newest: DateTime<Utc>,
    /// When it was notified.
    at: DateTime<Utc>,
}

/// Starts watching (call it in `setup`).
pub fn init<R: Runtime>(app: &AppHandle<R>) {
    app.manage(ClientLogWatch::new(Utc::now()));
    let app = app.clone();
    tauri::async_runtime::spawn(async move { run(app).await });
}

/// Time between two looks when nothing else triggers one.
fn interval() -> Duration {
    std::env::var(INTERVAL_VAR)
        .ok()
        .and_then(|seconds| seconds.trim().parse::<u64>().ok())
        .filter(|seconds| *seconds >= 1)
        .map_or(POLL_INTERVAL, Duration::from_secs)
}

/// Waits first, so the window's start has the CPU and the services to itself.
async fn run<R: Runtime>(app: AppHandle<R>) {
    let interval = interval();
    loop {
        let state = app.state::<ClientLogWatch>();
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = state.nudge.notified() => {}
        }
        look(&app).await;
    }
}

/// One look at the clients' logs and the services' audits.
async fn look<R: Runtime>(app: &AppHandle<R>) {
    let services = match app.services().await {
        Ok(services) => services,
        Err(error) => {
            tracing::debug!(%error, "no client-log failures without the app's services");
            return;
        }
    };
    // The home folder's configs: the project folders are the IDEs page's.
    let options = match ScanOptions::for_user(Vec::new()) {
        Ok(options) => options,
        Err(error) => {
            tracing::warn!(%error, "no home folder: the clients' logs are not watched");
            return;
        }
    };
    let now = Utc::now();
    let findings = match services
        .manager
        .client_log_failures(&options, KeyServices::Saved, now)
        .await
    {
        Ok(findings) => findings,
        Err(error) => {
            tracing::warn!(%error, "could not read the clients' logs");
            return;
        }
    };
    let fresh = app.state::<ClientLogWatch>().fresh(findings, now);
    if !fresh.is_empty() {
        // Counts only: a finding names a key's prefix, never the key, but
        // the log has no need of either.
        tracing::info!(
            failures = fresh.len(),
            "notifying new authentication failures"
        );
    }
    for (client, finding) in fresh {
        notify::send(app, &finding, FindingOpen::of(&finding, client));
    }
}

/// Brings the main window forward on the IDEs page at `finding`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))] // A click is handled on Linux only.
pub fn open_finding<R: Runtime>(app: &AppHandle<R>, finding: &FindingOpen) {
    crate::reminders::show_main_window(app);
    if let Err(error) = app.emit(AppEvent::IdeFindingOpen.name(), finding) {
        tracing::warn!(%error, "could not ask the UI to open the finding");
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};
    use mcp_keys_ide::{ClientId, Finding, FindingCode, FindingDetail, Severity};

    use super::{ClientLogWatch, NOTIFY_AT_MOST_EVERY};

    const STARTED: DateTime<Utc> = DateTime::UNIX_EPOCH;

    fn minutes(n: i64) -> DateTime<Utc> {
        STARTED + TimeDelta::minutes(n)
    }

    fn failure(key_id: &str, client: ClientId, at: DateTime<Utc>) -> Finding {
        Finding {
            severity: Severity::Error,
            code: FindingCode::ClientLogAuthFailure,
            client: Some(client),
            config_path: Some("/home/u/.claude.json".to_owned()),
            key_prefix: Some("mcp_dev_Ab3dE5gH".to_owned()),
            message: "Claude Code got 401.".to_owned(),
            fix: "Install a new key.".to_owned(),
            detail: FindingDetail {
                at: Some(at),
                key_id: Some(key_id.to_owned()),
                ..FindingDetail::default()
            },
        }
    }

    #[test]
    fn a_failure_is_notified_once_however_often_it_is_read() {
        let watch = ClientLogWatch::new(STARTED);
        let seen = vec![failure("key_1", ClientId::ClaudeCode, minutes(1))];

        assert_eq!(watch.fresh(seen.clone(), minutes(2)).len(), 1);
        assert!(
            watch.fresh(seen, minutes(3)).is_empty(),
            "read again, the same failure is not notified again"
        );
    }

    #[test]
    fn a_key_and_client_get_one_notification_an_hour() {
        let watch = ClientLogWatch::new(STARTED);
        watch.fresh(
            vec![failure("key_1", ClientId::ClaudeCode, minutes(1))],
            minutes(1),
        );

        let within_the_hour = vec![failure("key_1", ClientId::ClaudeCode, minutes(10))];
        assert!(
            watch.fresh(within_the_hour.clone(), minutes(10)).is_empty(),
            "a newer failure within the hour is covered by the notification"
        );
        let hour_later = minutes(1) + NOTIFY_AT_MOST_EVERY;
        assert!(
            watch.fresh(within_the_hour, hour_later).is_empty(),
            "and is not told once the hour is over"
        );
        let again = vec![failure("key_1", ClientId::ClaudeCode, hour_later)];
        assert_eq!(
            watch.fresh(again, hour_later).len(),
            1,
            "a failure after the hour is"
        );
    }

    #[test]
    fn other_clients_and_keys_are_notified_on_their_own() {
        let watch = ClientLogWatch::new(STARTED);
        let fresh = watch.fresh(
            vec![
                failure("key_1", ClientId::ClaudeCode, minutes(1)),
                failure("key_1", ClientId::ClaudeCode, minutes(2)),
                failure("key_1", ClientId::Cursor, minutes(1)),
                failure("key_2", ClientId::ClaudeCode, minutes(1)),
            ],
            minutes(3),
        );

        assert_eq!(fresh.len(), 3, "one per key and client: {fresh:?}");
        assert!(
            fresh
                .iter()
                .any(|(client, finding)| *client == ClientId::ClaudeCode
                    && finding.detail.key_id.as_deref() == Some("key_1")
                    && finding.detail.at == Some(minutes(2))),
            "the newest failure of a key and client is the one told"
        );
    }

    #[test]
    fn failures_before_the_app_started_are_left_to_the_ides_page() {
        let watch = ClientLogWatch::new(minutes(60));
        let fresh = watch.fresh(
            vec![failure("key_1", ClientId::ClaudeCode, minutes(30))],
            minutes(61),
        );

        assert!(fresh.is_empty(), "{fresh:?}");
    }

    #[test]
    fn only_authentication_failures_with_a_time_are_notified() {
        let watch = ClientLogWatch::new(STARTED);
        let mut unreadable = failure("key_1", ClientId::ClaudeCode, minutes(1));
        unreadable.code = FindingCode::ClientLogUnreadable;
        let mut undated = failure("key_2", ClientId::ClaudeCode, minutes(1));
        undated.detail.at = None;

        assert!(
            watch
                .fresh(vec![unreadable, undated], minutes(2))
                .is_empty()
        );
    }
}
