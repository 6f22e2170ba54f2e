//! Doctor: why a client would get 401 or 403, and where a key may leak
//! (DESIGN §5 `doctor --json`). Every finding says what is wrong in plain
//! words and what to do.

mod argv;
mod client_logs;
mod git;
mod slots;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use client_logs::{ServiceFailure, client_log_findings};
pub use git::GitFacts;

use crate::extract::{Found, KeyKind};
use crate::lookup::{KeyLookup, KnownKey, SurfaceFacts, SurfaceStatus};
use crate::scan::{Collected, KeyStatus, Occurrence, key_status};
use crate::{ClientId, Finding, FindingCode, Severity};

/// What `doctor` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
}

/// Diagnoses what `collected` holds, with key facts from `lookup` at `now`.
/// Runs `git` for configs that hold plaintext keys.
pub fn doctor(collected: &Collected, lookup: &dyn KeyLookup, now: DateTime<Utc>) -> DoctorReport {
    let mut findings = collected.problems.clone();
    for occurrence in &collected.occurrences {
        key_findings(occurrence, lookup, now, &mut findings);
    }
    argv::keys_in_argv(collected, lookup, &mut findings);
    shared_keys(collected, &mut findings);
    file_findings(collected, &mut findings);
    copy_findings(collected, &mut findings);
    sort_findings(&mut findings);
    DoctorReport { findings }
}

/// Sorts findings most severe first, then by code and config, and drops
/// repeats: the order `doctor --json` promises, also after findings from
/// elsewhere (the clients' logs) are added.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.code.cmp(&b.code))
            .then(a.config_path.cmp(&b.config_path))
    });
    findings.dedup();
}

fn finding(
    severity: Severity,
    code: FindingCode,
    occurrence: &Occurrence,
    key_prefix: Option<&str>,
    message: String,
    fix: String,
) -> Finding {
    Finding {
        severity,
        code,
        client: Some(occurrence.file.client),
        config_path: Some(occurrence.file.path.display().to_string()),
        key_prefix: key_prefix.map(str::to_owned),
        message,
        fix,
        detail: crate::FindingDetail::default(),
    }
}

/// Findings about the key itself: revoked, expired, typo, environment,
/// inactive surface, scopes, unset variable.
fn key_findings(
    occurrence: &Occurrence,
    lookup: &dyn KeyLookup,
    now: DateTime<Utc>,
    findings: &mut Vec<Finding>,
) {
    let client = occurrence.file.client;
    let server = &occurrence.item.server_name;
    let place = match &occurrence.item.found {
        Found::Plaintext { .. } => "written in this config".to_owned(),
        Found::EnvReference { variable, .. } => format!("in the variable {variable}"),
        Found::Slot { slot, .. } => format!("in the keyring slot {slot}"),
    };
    if let Found::Slot {
        slot,
        resolved: None,
        ..
    } = &occurrence.item.found
    {
        findings.push(slots::unreadable(occurrence, slot));
        return;
    }
    if let Found::EnvReference {
        variable,
        is_set: false,
        has_default: false,
        ..
    } = &occurrence.item.found
        && !variable.contains(':')
        && !variable.contains('.')
    {
        findings.push(finding(
            Severity::Warning,
            FindingCode::EnvVariableUnset,
            occurrence,
            None,
            format!("Server \"{server}\" of {client} refers to the environment variable {variable}, which is not set here; the client sends no key (401 missing) unless it is set where the client starts."),
            format!("Set {variable} in the environment the client is started from (a login shell profile, or launchctl setenv on macOS), then restart {client}."),
        ));
    }
    let Some(key) = occurrence.key() else { return };
    let prefix = key.key_prefix.as_str();
    let known = matches!(key.kind, KeyKind::Valid(_))
        .then(|| lookup.lookup(&key.fingerprint))
        .flatten();
    match key_status(key, known.as_ref(), now) {
        KeyStatus::Revoked => findings.push(finding(
            Severity::Error,
            FindingCode::RevokedKeyInUse,
            occurrence,
            Some(prefix),
            format!("The key {prefix} ({place}) used by server \"{server}\" of {client} has been revoked: every request gets 401 (revoked)."),
            match occurrence.slot() {
                Some(slot) => slots::revoked_fix(occurrence, slot, known.as_ref()),
                None => "Create a new key for this surface and put it here (mcp-keys keys create, or roll the old key with --update-configs), then restart the client.".to_owned(),
            },
        )),
        KeyStatus::Expired => findings.push(finding(
            Severity::Error,
            FindingCode::ExpiredKeyInUse,
            occurrence,
            Some(prefix),
            format!("The key {prefix} ({place}) used by server \"{server}\" of {client} has expired: every request gets 401 (expired)."),
            match occurrence.slot() {
                Some(slot) => slots::expired_fix(occurrence, slot, known.as_ref()),
                None => "Create a new key for this surface and put it here (mcp-keys keys create), then restart the client.".to_owned(),
            },
        )),
        KeyStatus::ChecksumError => findings.push(finding(
            Severity::Error,
            FindingCode::ChecksumError,
            occurrence,
            Some(prefix),
            format!("The key {prefix}… ({place}) for server \"{server}\" of {client} has a typo: its check characters do not match, so the server answers 401 (checksum)."),
            "Copy the key again from where it was created; if it is lost, create a new key and revoke the old one.".to_owned(),
        )),
        KeyStatus::Active => {
            let Some(known) = known else { return };
            let Some(surface) = &known.surface else { return };
            let key_environment = match key.kind {
                KeyKind::Valid(environment) => environment,
                KeyKind::ChecksumError | KeyKind::Foreign => known.environment,
            };
            if key_environment != surface.environment {
                findings.push(finding(
                    Severity::Error,
                    FindingCode::EnvironmentMismatch,
                    occurrence,
                    Some(prefix),
                    format!("The key {prefix} used by server \"{server}\" of {client} is a {key_environment} key, but its surface is a {} surface: every request gets 401 (environment_mismatch).", surface.environment),
                    format!("Use a {} key for this surface (mcp-keys keys create SURFACE --environment {}), or change the surface's environment if it is wrong.", surface.environment, surface.environment),
                ));
            }
            oauth_findings(occurrence, prefix, &known, surface, findings);
            if surface.status == SurfaceStatus::Inactive {
                findings.push(finding(
                    Severity::Error,
                    FindingCode::SurfaceInactive,
                    occurrence,
                    Some(prefix),
                    format!("The surface of key {prefix} (server \"{server}\" of {client}) is inactive: every request gets 403 (surface_inactive)."),
                    format!("Activate the surface (mcp-keys surfaces set-status {} active) or remove this server from the config.", known.surface_id),
                ));
            }
            let missing: Vec<&String> = surface
                .capabilities
                .iter()
                .filter(|capability| !known.scopes.is_empty() && !known.scopes.contains(capability))
                .collect();
            if !missing.is_empty() {
                let names: Vec<&str> = missing.iter().map(|name| name.as_str()).collect();
                findings.push(finding(
                    Severity::Warning,
                    FindingCode::ScopeMismatch,
                    occurrence,
                    Some(prefix),
                    format!("The key {prefix} used by server \"{server}\" of {client} may not call {} of its surface's tools ({}): those calls get 403 (scope).", names.len(), names.join(", ")),
                    "If the client needs those tools, create a key with the missing scopes and replace this one; otherwise nothing is wrong.".to_owned(),
                ));
            }
        }
        KeyStatus::Unknown | KeyStatus::Foreign | KeyStatus::EnvReference => {}
    }
}

/// A key sent to a surface that takes OAuth (DESIGN §9): refused in OAuth
/// mode, and in both modes never sent by the clients that drop a configured
/// header once a server advertises OAuth.
fn oauth_findings(
    occurrence: &Occurrence,
    prefix: &str,
    known: &KnownKey,
    surface: &SurfaceFacts,
    findings: &mut Vec<Finding>,
) {
    let client = occurrence.file.client;
    let name = client.display_name();
    let server = &occurrence.item.server_name;
    let surface_id = &known.surface_id;
    if !surface.keys_accepted {
        findings.push(finding(
            Severity::Error,
            FindingCode::KeyRefusedOauthOnly,
            occurrence,
            Some(prefix),
            format!("The surface of key {prefix} (server \"{server}\" of {name}) accepts OAuth only: every request with a key gets 401 (auth_mode)."),
            format!("Remove the key from this server's entry and let {name} authorize in the browser (approve it in MCP Keys), or let the surface take keys again: mcp-keys surfaces set-auth-mode {surface_id} both."),
        ));
    } else if surface.oauth_advertised
        && crate::registry::client(client)
            .is_some_and(|spec| spec.drops_header_when_oauth_advertised)
    {
        findings.push(finding(
            Severity::Warning,
            FindingCode::HeaderIgnoredOauthAdvertised,
            occurrence,
            Some(prefix),
            format!("The surface of key {prefix} (server \"{server}\") advertises OAuth, and {name} stops sending a configured key header when a server does: it asks for a browser login instead of using the key."),
            format!("Keep the key and stop advertising OAuth (mcp-keys surfaces set-auth-mode {surface_id} api_key), or remove the key and approve {name} in the browser."),
        ));
    }
}

/// The same key in the configs of more than one client: a leak in one is a
/// leak in all, and revoking it breaks them all. One file that several
/// clients read (`.mcp.json`: Claude Code and Copilot CLI) is one place,
/// not sharing: the key must be in two files of two clients. A key in
/// keyring slots is left out: `keys install` puts one key into several
/// clients on purpose, no config holds it, and a roll refills every slot.
fn shared_keys(collected: &Collected, findings: &mut Vec<Finding>) {
    let mut clients: HashMap<String, BTreeSet<ClientId>> = HashMap::new();
    let mut files: HashMap<String, BTreeSet<&PathBuf>> = HashMap::new();
    let in_configs = || {
        collected
            .occurrences
            .iter()
            .filter(|occurrence| occurrence.slot().is_none())
    };
    for occurrence in in_configs() {
        if let Some(key) = occurrence.key() {
            let fingerprint = key.fingerprint.to_string();
            clients
                .entry(fingerprint.clone())
                .or_default()
                .insert(occurrence.file.client);
            files
                .entry(fingerprint)
                .or_default()
                .insert(&occurrence.file.target);
        }
    }
    for occurrence in in_configs() {
        let Some(key) = occurrence.key() else {
            continue;
        };
        let fingerprint = key.fingerprint.to_string();
        let Some(sharing) = clients.get(&fingerprint) else {
            continue;
        };
        if sharing.len() < 2 || files.get(&fingerprint).is_none_or(|files| files.len() < 2) {
            continue;
        }
        let names: Vec<&str> = sharing.iter().map(|client| client.as_str()).collect();
        findings.push(finding(
            Severity::Warning,
            FindingCode::KeySharedBetweenClients,
            occurrence,
            Some(&key.key_prefix),
            format!("The key {} is configured in {} clients ({}): a leak from one exposes all, and revoking it breaks all of them at once.", key.key_prefix, sharing.len(), names.join(", ")),
            "Create one key per client (each named for its client), so each can be rotated or revoked alone.".to_owned(),
        ));
    }
}

/// A key's public prefix and fingerprint.
type PrefixedKey = (String, mcp_keys_core::Fingerprint);

/// Findings about files that hold plaintext keys: git and permissions.
fn file_findings(collected: &Collected, findings: &mut Vec<Finding>) {
    // Per file: its first occurrence and the plaintext keys it holds.
    let mut files: BTreeMap<PathBuf, (&Occurrence, Vec<PrefixedKey>)> = BTreeMap::new();
    for occurrence in collected.occurrences.iter().filter(|o| o.is_plaintext()) {
        let Some(key) = occurrence.key() else {
            continue;
        };
        let entry = files
            .entry(occurrence.file.path.clone())
            .or_insert_with(|| (occurrence, Vec::new()));
        if !entry
            .1
            .iter()
            .any(|(_, fingerprint)| *fingerprint == key.fingerprint)
        {
            entry.1.push((key.key_prefix.clone(), key.fingerprint));
        }
    }
    for (path, (occurrence, keys)) in files {
        let first_prefix = keys.first().map(|(prefix, _)| prefix.as_str());
        if is_world_readable(&occurrence.file.target) {
            findings.push(finding(
                Severity::Warning,
                FindingCode::ConfigWorldReadable,
                occurrence,
                first_prefix,
                format!(
                    "{} holds a plaintext key and every user of this machine can read it.",
                    path.display()
                ),
                format!(
                    "Restrict it to your user: chmod 600 {}",
                    crate::shell::quote(&occurrence.file.target.display().to_string())
                ),
            ));
        }
        let fingerprints: Vec<_> = keys.iter().map(|(_, fingerprint)| *fingerprint).collect();
        let Some(facts) = git::facts(&occurrence.file.target, &fingerprints) else {
            continue;
        };
        for (prefix, fingerprint) in &keys {
            let in_history = facts.keys_in_history.contains(fingerprint);
            if facts.tracked || in_history {
                let message = if facts.tracked {
                    format!(
                        "{} is tracked by git and holds the plaintext key {prefix}: anyone with the repository has the key.",
                        path.display()
                    )
                } else {
                    format!(
                        "The plaintext key {prefix} is in the git history of {}: it stays readable in every clone even though the file is no longer tracked.",
                        path.display()
                    )
                };
                findings.push(finding(
                    Severity::Error,
                    FindingCode::PlaintextKeyTrackedByGit,
                    occurrence,
                    Some(prefix),
                    message,
                    format!(
                        "Treat the key as leaked: roll it (mcp-keys keys roll --update-configs), move the new key to an environment variable reference, and untrack the file (git rm --cached -- {}, plus a .gitignore entry).",
                        crate::shell::quote(&occurrence.file.target.display().to_string())
                    ),
                ));
            } else if !facts.ignored {
                findings.push(finding(
                    Severity::Warning,
                    FindingCode::PlaintextKeyNotGitignored,
                    occurrence,
                    Some(prefix),
                    format!("{} holds the plaintext key {prefix} inside a git work tree and is not ignored: one `git add .` away from being committed.", path.display()),
                    "Add the file to .gitignore (one click in the app), or move the key to an environment variable reference.".to_owned(),
                ));
            }
        }
    }
}

/// Keys that clients copied into files of their own.
fn copy_findings(collected: &Collected, findings: &mut Vec<Finding>) {
    for copied in &collected.copies {
        let path = copied.path.display().to_string();
        let prefix = &copied.key.key_prefix;
        let (severity, readers) = if is_world_readable(&copied.path) {
            (Severity::Error, "every user of this machine can read it")
        } else {
            (Severity::Warning, "it stays on disk after the session")
        };
        findings.push(Finding {
            severity,
            code: FindingCode::KeyInClientCopy,
            client: Some(copied.client),
            config_path: Some(path.clone()),
            key_prefix: Some(prefix.clone()),
            message: format!(
                "{path} (line {}) holds a plaintext copy of the key {prefix}: {}; {readers}.",
                copied.line, copied.copy.what
            ),
            fix: format!(
                "{} To delete it: rm {}",
                copied.copy.remove,
                crate::shell::quote(&path)
            ),
            detail: crate::FindingDetail::default(),
        });
    }
}

#[cfg(unix)]
fn is_world_readable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|metadata| metadata.permissions().mode() & 0o004 != 0)
}

// Windows ACLs are not modes; a world-readable check there needs the
// security API and is left out.
#[cfg(not(unix))]
fn is_world_readable(_path: &std::path::Path) -> bool {
    false
}
