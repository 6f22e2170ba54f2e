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

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Local, TimeDelta, Utc};

use crate::logs::{ClientLogEvent, ClientLogs, LogEventKind};
use crate::lookup::{KeyLookup, KnownKey};
use crate::registry::{self, ClientId};
use crate::scan::{Collected, Occurrence};
use crate::{Finding, FindingCode, FindingDetail, FixAction, Severity};

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
fn key_works(known: &KnownKey, now: DateTime<Utc>) -> bool {
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

/// Where a failure was seen.
enum Source<'a> {
    /// In the client's own log.
    Log(&'a ClientLogEvent),
    /// Only in the key service's audit.
    Service,
}

/// The finding of one failure: what happened, why, and the fix.
fn explain(
    source: Source<'_>,
    occurrence: &Occurrence,
    known: Option<&KnownKey>,
    failure: Option<&ServiceFailure>,
    now: DateTime<Utc>,
) -> Finding {
    let client = occurrence.file.client;
    let client_name = registry::client(client).map_or(client.as_str(), |spec| spec.name.as_str());
    let server = &occurrence.item.server_name;
    let (log_event, log_path) = match source {
        Source::Log(event) => (
            Some(&event.event),
            Some(event.log_path.display().to_string()),
        ),
        Source::Service => (None, None),
    };
    let at = log_event
        .map(|event| event.at)
        .or(failure.map(|failure| failure.at));
    let reason = failure
        .and_then(|failure| failure.reason.clone())
        .or_else(|| known.and_then(|known| status_reason(known, now)));
    let capability = failure.and_then(|failure| failure.capability.clone());
    let status = log_event
        .and_then(|event| event.status)
        .or_else(|| reason.as_deref().map(status_of));
    let key_name = known
        .and_then(|known| known.name.clone())
        .map_or_else(|| "its key".to_owned(), |name| format!("'{name}'"));
    let when = at
        .map(|at| format!(" {}", local_time(at, now)))
        .unwrap_or_default();
    let what = match (log_event.map(|event| event.kind), status) {
        (Some(LogEventKind::OAuthStarted | LogEventKind::OAuthFailed), _) => format!(
            "{client_name} started an OAuth sign-in for server \"{server}\"{when} although its config gives it a key"
        ),
        (Some(LogEventKind::NeedsAuth), _) => format!(
            "{client_name} reported server \"{server}\" as needing authentication{when} although its config gives it a key"
        ),
        (_, Some(status)) => format!(
            "{client_name} got {status} {}{when} from server \"{server}\"",
            family(status)
        ),
        (_, None) => format!("{client_name} was refused by server \"{server}\"{when}"),
    };
    let because = because(
        reason.as_deref(),
        &key_name,
        known,
        capability.as_deref(),
        now,
    );
    let counted = failure
        .filter(|failure| failure.count > 1)
        .map(|failure| {
            format!(
                " The key service refused it {} times since {}.",
                failure.count,
                local_time(failure.at, now)
            )
        })
        .unwrap_or_default();
    let seen_in = match &log_path {
        Some(path) => format!(" (its log: {path})"),
        None => " (the key service's audit; this client keeps no log MCP Keys can read)".to_owned(),
    };
    let quoted_log = log_event
        .and_then(|event| event.description.as_deref())
        .filter(|_| reason.is_none())
        .map(|text| format!(" The log says: {}", clip(text)))
        .unwrap_or_default();
    let message = format!("{what}{because}{seen_in}.{counted}{quoted_log}");
    let (fix, action) = fix_for(reason.as_deref(), client, known, capability.as_deref());
    let severity = if known.is_some_and(|known| key_works(known, now)) {
        Severity::Warning
    } else {
        Severity::Error
    };
    Finding {
        severity,
        code: FindingCode::ClientLogAuthFailure,
        client: Some(client),
        config_path: Some(occurrence.file.path.display().to_string()),
        key_prefix: occurrence.key().map(|key| key.key_prefix.clone()),
        message,
        fix,
        detail: FindingDetail {
            log_path,
            at,
            status,
            reason,
            key_id: known.map(|known| known.key_id.clone()),
            action,
        },
    }
}

/// The reason a key is refused now, from what the service says of it,
/// when no event gave one.
fn status_reason(known: &KnownKey, now: DateTime<Utc>) -> Option<String> {
    let reason = if !known.is_active {
        "revoked"
    } else if known.expires_at.is_some_and(|at| at <= now) {
        "expired"
    } else if known
        .surface
        .as_ref()
        .is_some_and(|surface| !surface.keys_accepted)
    {
        "auth_mode"
    } else if known
        .surface
        .as_ref()
        .is_some_and(|surface| surface.status == crate::SurfaceStatus::Inactive)
    {
        "surface_inactive"
    } else {
        return None;
    };
    Some(reason.to_owned())
}

/// The HTTP status of a refusal reason (DESIGN §4).
fn status_of(reason: &str) -> u16 {
    match reason {
        "scope" | "surface_inactive" | "origin" => 403,
        "too_many_failures" | "rate_limit_per_minute" | "rate_limit_per_day" => 429,
        _ => 401,
    }
}

/// The seed's words for a status.
fn family(status: u16) -> &'static str {
    match status {
        401 => "Invalid API key",
        403 => "Permission denied",
        429 => "Too many requests",
        _ => "an error",
    }
}

/// Why, in words, for `reason`.
fn because(
    reason: Option<&str>,
    key_name: &str,
    known: Option<&KnownKey>,
    capability: Option<&str>,
    now: DateTime<Utc>,
) -> String {
    let revoked = known
        .and_then(|known| known.revoked_at)
        .map(|at| format!(" {}", local_time(at, now)))
        .unwrap_or_default();
    let expired = known
        .and_then(|known| known.expires_at)
        .map(|at| format!(" {}", local_time(at, now)))
        .unwrap_or_default();
    match reason {
        Some("revoked") => format!(" because {key_name} was revoked{revoked}"),
        Some("expired") => format!(" because {key_name} expired{expired}"),
        Some("scope") => match capability {
            Some(capability) => {
                format!(" because {key_name} may not use \"{capability}\" (outside its scopes)")
            }
            None => format!(" because the call was outside the scopes of {key_name}"),
        },
        Some("surface_inactive") => " because the surface is inactive".to_owned(),
        Some("environment_mismatch") => {
            format!(" because {key_name} is for another environment than the surface's")
        }
        Some("wrong_surface") => format!(" because {key_name} belongs to another surface"),
        Some("auth_mode") => " because the surface takes OAuth only and refuses keys".to_owned(),
        Some("checksum") => " because the key in the config has a typo".to_owned(),
        Some("unknown") => " because the key service does not know the key".to_owned(),
        Some("missing") => " because no key reached the service".to_owned(),
        Some("malformed") => " because the Authorization header was malformed".to_owned(),
        Some("too_many_failures") => {
            " because too many refused requests came from this machine".to_owned()
        }
        Some("rate_limit_per_minute" | "rate_limit_per_day") => {
            format!(" because {key_name} reached its rate limit")
        }
        Some(other) => format!(" (the service's reason: {other})"),
        None => String::new(),
    }
}

/// What to do, and the app's one-click fix.
fn fix_for(
    reason: Option<&str>,
    client: ClientId,
    known: Option<&KnownKey>,
    capability: Option<&str>,
) -> (String, Option<FixAction>) {
    let client_name = registry::client(client).map_or(client.as_str(), |spec| spec.name.as_str());
    let Some(known) = known else {
        return (
            format!("Check the key in this config, or install a new key into {client_name}."),
            None,
        );
    };
    let install = FixAction::Install {
        product_id: known.product_id.clone(),
        surface_id: known.surface_id.clone(),
        client,
    };
    let install_command = format!(
        "`mcp-keys keys create {} --name NAME --install {client}`",
        known.surface_id
    );
    match reason {
        Some("revoked" | "checksum" | "unknown" | "environment_mismatch" | "wrong_surface") => (
            format!("Install a new key into {client_name}: {install_command}."),
            Some(install),
        ),
        Some("expired") => (
            format!(
                "Roll it (`mcp-keys keys roll {} --update-configs`) or install a new key into {client_name}: {install_command}.",
                known.key_id
            ),
            Some(FixAction::Roll {
                product_id: known.product_id.clone(),
                surface_id: known.surface_id.clone(),
                key_id: known.key_id.clone(),
            }),
        ),
        Some("surface_inactive") => (
            format!(
                "Activate the surface again (`mcp-keys surfaces set-status {} active`), if it was turned off by mistake.",
                known.surface_id
            ),
            Some(FixAction::ActivateSurface {
                product_id: known.product_id.clone(),
                surface_id: known.surface_id.clone(),
            }),
        ),
        Some("scope") => match capability {
            Some(capability) => (
                format!(
                    "Install a key that may use \"{capability}\" into {client_name}: `mcp-keys keys create {} --name NAME --scope {capability} --install {client}` (name every capability the key needs), then revoke the old one.",
                    known.surface_id
                ),
                Some(FixAction::WidenScope {
                    product_id: known.product_id.clone(),
                    surface_id: known.surface_id.clone(),
                    key_id: known.key_id.clone(),
                    capability: capability.to_owned(),
                }),
            ),
            None => (
                format!("Install a key with the scopes {client_name} needs: {install_command}."),
                Some(install),
            ),
        },
        Some("auth_mode") => (
            format!(
                "Let the surface take keys again (`mcp-keys surfaces set-auth-mode {} both`), or remove the key from {client_name}'s config and sign in with OAuth.",
                known.surface_id
            ),
            None,
        ),
        Some("too_many_failures" | "rate_limit_per_minute" | "rate_limit_per_day") => (
            "Wait for the limit to pass; if other configs send bad keys, fix those first (see the other findings).".to_owned(),
            None,
        ),
        _ if !key_works(known, Utc::now()) => (
            format!("Install a new key into {client_name}: {install_command}."),
            Some(install),
        ),
        _ => (
            format!(
                "The key works now; if {client_name} still fails, restart it so that it reconnects."
            ),
            None,
        ),
    }
}

/// `at` in the user's time zone, relative to `now`'s day.
fn local_time(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let at = at.with_timezone(&Local);
    let today = now.with_timezone(&Local).date_naive();
    let clock = at.format("%H:%M");
    if at.date_naive() == today {
        format!("at {clock}")
    } else if today.pred_opt() == Some(at.date_naive()) {
        format!("yesterday at {clock}")
    } else {
        format!("on {} at {clock}", at.format("%Y-%m-%d"))
    }
}

/// A log's own words, cut short.
fn clip(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// `client_log_unreadable`: logs that exist but could not be read.
fn unreadable_logs(logs: &ClientLogs) -> Vec<Finding> {
    logs.sources
        .iter()
        .flat_map(|source| {
            source.unreadable.iter().map(move |log| {
                let client_name = registry::client(source.client)
                    .map_or(source.client.as_str(), |spec| spec.name.as_str());
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
