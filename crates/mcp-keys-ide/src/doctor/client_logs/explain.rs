//! The words of `client_log_auth_failure`: what happened, why (in the
//! seed's two error families, "Invalid API key" and "Permission denied"),
//! and the fix with the app's one-click action.

use chrono::{DateTime, Local, Utc};

use super::{ServiceFailure, key_works};
use crate::logs::{ClientLogEvent, LogEventKind};
use crate::lookup::KnownKey;
use crate::registry::{self, ClientId};
use crate::scan::Occurrence;
use crate::{Finding, FindingCode, FindingDetail, FixAction, Severity};

/// Where a failure was seen.
pub(super) enum Source<'a> {
    /// In the client's own log.
    Log(&'a ClientLogEvent),
    /// Only in the key service's audit.
    Service,
}

/// The finding of one failure: what happened, why, and the fix.
pub(super) fn explain(
    source: Source<'_>,
    occurrence: &Occurrence,
    known: Option<&KnownKey>,
    failure: Option<&ServiceFailure>,
    now: DateTime<Utc>,
) -> Finding {
    let client = occurrence.file.client;
    let client_name = client.display_name();
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
    // The log's path is the finding's `logPath`; a failure only the service
    // saw says where it was seen, and why not in a log.
    let keeps_log = registry::client(client).is_some_and(|spec| {
        spec.logs
            .iter()
            .any(|source| source.format != registry::LogFormat::None)
    });
    let seen_in = match (&log_path, keeps_log) {
        (Some(_), _) => "",
        (None, true) => " (seen in the key service's audit; not in the client's log yet)",
        (None, false) => {
            " (seen in the key service's audit: this client keeps no log MCP Keys can read)"
        }
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
    let revoked_by = known
        .and_then(|known| known.revoked_by.as_deref())
        .map(|by| format!(" {by}"))
        .unwrap_or_default();
    let expired = known
        .and_then(|known| known.expires_at)
        .map(|at| format!(" {}", local_time(at, now)))
        .unwrap_or_default();
    match reason {
        Some("revoked") => format!(" because {key_name} was revoked{revoked}{revoked_by}"),
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
    let client_name = client.display_name();
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
