//! `client_log_auth_failure` (DESIGN §10): authentication failures from the
//! clients' own logs and the key service's audit, tied to the config entry
//! and key they came from and explained with the service's reason.
//!
//! A log line names a client and a server; the config entry of that server
//! gives the key, the key gives what the service knows (its name, when it
//! was revoked) and the service's `auth_failed` events of that key near the
//! line's time give the reason. A client that writes no log (Gemini CLI) is
//! seen through the service's events alone, named by the `clientInfo` or
//! User-Agent they record.

mod explain;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};

use crate::logs::{ClientLogEvent, ClientLogs, LogEventKind};
use crate::lookup::{KeyLookup, KnownKey};
use crate::registry::{self, ClientId};
use crate::scan::{Collected, Occurrence};
use explain::{Source, explain};

use crate::{Finding, FindingCode, FindingDetail, Severity};

/// A refused request the key service recorded (an `auth_failed` audit
/// event of a key found in a config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFailure {
    /// The key that was refused.
    pub key_id: String,
    /// The refusal's reason (DESIGN §4).
    pub reason: Option<String>,
    /// The first refusal of the event (the service counts alike refusals
    /// within an hour as one event).
    pub at: DateTime<Utc>,
    /// How many refusals the event counts.
    pub count: u64,
    /// The client as it named itself (`clientInfo`) or its User-Agent.
    pub client: Option<String>,
    /// The capability refused, for a `scope` refusal.
    pub capability: Option<String>,
}

/// How long the service counts alike refusals as one event: a log line
/// matches an event that started up to this long before it.
const AGGREGATION: TimeDelta = TimeDelta::hours(1);

/// Clock difference allowed between a client's log and the service.
const SKEW: TimeDelta = TimeDelta::minutes(2);

/// The findings of the clients' logs and the service's failures.
pub fn client_log_findings(
    collected: &Collected,
    lookup: &dyn KeyLookup,
    logs: &ClientLogs,
    failures: &[ServiceFailure],
    now: DateTime<Utc>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut explained: HashSet<(ClientId, String)> = HashSet::new();
    for (event, occurrence) in latest_per_entry(collected, logs) {
        let known = occurrence
            .key()
            .and_then(|key| lookup.lookup(&key.fingerprint));
        if is_stale(&event, occurrence, known.as_ref(), now) {
            continue;
        }
        let failure = known
            .as_ref()
            .and_then(|known| matching_failure(failures, &known.key_id, event.event.at));
        if let Some(known) = &known {
            explained.insert((event.client, known.key_id.clone()));
        }
        findings.push(explain(
            Source::Log(&event),
            occurrence,
            known.as_ref(),
            failure,
            now,
        ));
    }
    for failure in latest_failures(failures) {
        for occurrence in holders(collected, lookup, failure) {
            if explained.contains(&(occurrence.file.client, failure.key_id.clone())) {
                continue;
            }
            explained.insert((occurrence.file.client, failure.key_id.clone()));
            let known = occurrence
                .key()
                .and_then(|key| lookup.lookup(&key.fingerprint));
            findings.push(explain(
                Source::Service,
                occurrence,
                known.as_ref(),
                Some(failure),
                now,
            ));
        }
    }
    findings.extend(unreadable_logs(logs));
    findings
}

/// The newest telling event of each (client, server) that a config entry
/// holding a key answers to: a refusal if there is one, else an OAuth flow
/// started against a server that was configured with a key.
fn latest_per_entry<'a>(
    collected: &'a Collected,
    logs: &ClientLogs,
) -> Vec<(ClientLogEvent, &'a Occurrence)> {
    let mut latest: BTreeMap<(ClientId, String), ClientLogEvent> = BTreeMap::new();
    for event in &logs.events {
        let Some(server) = &event.event.server else {
            continue;
        };
        let slot = latest
            .entry((event.client, server.clone()))
            .or_insert_with(|| event.clone());
        let (old, new) = (is_refusal(slot.event.kind), is_refusal(event.event.kind));
        if (new && !old) || (new == old && event.event.at >= slot.event.at) {
            *slot = event.clone();
        }
    }
    latest
        .into_values()
        .filter_map(|event| {
            let occurrence = entry_of(collected, &event)?;
            let refusal = is_refusal(event.event.kind);
            (refusal || occurrence.key().is_some()).then_some((event, occurrence))
        })
        .collect()
}

/// Whether the server said no (rather than the client asking for a login).
fn is_refusal(kind: LogEventKind) -> bool {
    matches!(
        kind,
        LogEventKind::AuthFailure | LogEventKind::ToolCallRefused
    )
}

/// The config entry a log event came from: the server of that name in the
/// client's configs (the project the client ran in first), else in another
/// client's file the client also reads (Copilot CLI reads Claude Code's
/// `.mcp.json`), when that is one entry.
fn entry_of<'a>(collected: &'a Collected, event: &ClientLogEvent) -> Option<&'a Occurrence> {
    let server = event.event.server.as_deref()?;
    let named: Vec<&Occurrence> = collected
        .occurrences
        .iter()
        .filter(|occurrence| occurrence.item.server_name == server)
        .collect();
    let own: Vec<&Occurrence> = named
        .iter()
        .copied()
        .filter(|occurrence| occurrence.file.client == event.client)
        .collect();
    let candidates = if own.is_empty() { named } else { own };
    let cwd = event.event.cwd.as_deref().map(Path::new);
    let in_project = candidates.iter().copied().find(|occurrence| {
        cwd.is_some_and(|cwd| {
            occurrence.file.project.as_deref() == Some(cwd)
                || occurrence.item.field.contains(&cwd.display().to_string())
        })
    });
    match (in_project, candidates.as_slice()) {
        (Some(occurrence), _) => Some(occurrence),
        (None, [only]) => Some(*only),
        // Several entries of that name: the global one, as the client
        // would when the project is unknown.
        (None, many) => many
            .iter()
            .copied()
            .find(|occurrence| occurrence.file.project.is_none())
            .or_else(|| many.first().copied()),
    }
}

/// Whether the config was changed after the failure and its key works now:
/// the failure was fixed (a roll or a new install rewrote it).
fn is_stale(
    event: &ClientLogEvent,
    occurrence: &Occurrence,
    known: Option<&KnownKey>,
    now: DateTime<Utc>,
) -> bool {
    let works = known.is_some_and(|known| key_works(known, now));
    let changed_after = std::fs::metadata(&occurrence.file.path)
        .and_then(|metadata| metadata.modified())
        .is_ok_and(|modified| DateTime::<Utc>::from(modified) > event.event.at);
    works && changed_after
}

/// Whether the service would accept the key now, as far as is known.
pub(super) fn key_works(known: &KnownKey, now: DateTime<Utc>) -> bool {
    let surface_ok = known.surface.as_ref().is_none_or(|surface| {
        surface.status == crate::SurfaceStatus::Active && surface.keys_accepted
    });
    known.is_active && known.expires_at.is_none_or(|at| at > now) && surface_ok
}

/// The service's event for `key_id` that a log line at `at` belongs to:
/// the latest that started before it, within the aggregation window.
fn matching_failure<'a>(
    failures: &'a [ServiceFailure],
    key_id: &str,
    at: DateTime<Utc>,
) -> Option<&'a ServiceFailure> {
    failures
        .iter()
        .filter(|failure| failure.key_id == key_id)
        .filter(|failure| failure.at <= at + SKEW && failure.at >= at - AGGREGATION - SKEW)
        .max_by_key(|failure| failure.at)
}

/// The newest failure of each (key, client name).
fn latest_failures(failures: &[ServiceFailure]) -> Vec<&ServiceFailure> {
    let mut latest: BTreeMap<(&str, Option<&str>), &ServiceFailure> = BTreeMap::new();
    for failure in failures {
        let slot = latest
            .entry((failure.key_id.as_str(), failure.client.as_deref()))
            .or_insert(failure);
        if failure.at > slot.at {
            *slot = failure;
        }
    }
    latest.into_values().collect()
}

/// The config entries holding the key of `failure` that the refused client
/// reads: the client the event names when it names one we know, else every
/// entry holding the key.
fn holders<'a>(
    collected: &'a Collected,
    lookup: &dyn KeyLookup,
    failure: &ServiceFailure,
) -> Vec<&'a Occurrence> {
    let holding: Vec<&Occurrence> = collected
        .occurrences
        .iter()
        .filter(|occurrence| {
            occurrence
                .key()
                .and_then(|key| lookup.lookup(&key.fingerprint))
                .is_some_and(|known| known.key_id == failure.key_id)
        })
        .collect();
    let named = failure.client.as_deref().and_then(registry::client_by_name);
    let theirs: Vec<&Occurrence> = holding
        .iter()
        .copied()
        .filter(|occurrence| Some(occurrence.file.client) == named)
        .collect();
    let mut chosen = if theirs.is_empty() { holding } else { theirs };
    // One finding per client: its first entry holding the key.
    let mut seen = HashSet::new();
    chosen.retain(|occurrence| seen.insert(occurrence.file.client));
    chosen
}

/// `client_log_unreadable`: logs that exist but could not be read.
fn unreadable_logs(logs: &ClientLogs) -> Vec<Finding> {
    logs.sources
        .iter()
        .flat_map(|source| {
            source.unreadable.iter().map(move |log| {
                let client_name = source.client.display_name();
                Finding {
                    severity: Severity::Info,
                    code: FindingCode::ClientLogUnreadable,
                    client: Some(source.client),
                    config_path: None,
                    key_prefix: None,
                    message: format!(
                        "{client_name}'s log {} could not be read ({}), so its authentication failures are unknown.",
                        log.path, log.message
                    ),
                    fix: "Make the log readable by your user (it is only read, never changed), or ignore this if the log is not yours.".to_owned(),
                    detail: FindingDetail {
                        log_path: Some(log.path.clone()),
                        ..FindingDetail::default()
                    },
                }
            })
        })
        .collect()
}
