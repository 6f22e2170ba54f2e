//! Doctor for keys in keyring slots (DESIGN §8): a slot that cannot be
//! read, and how to replace the key behind a slot. The slot changes, the
//! config does not, so these are never plaintext findings.

use super::finding;
use crate::extract::{Found, SlotVia};
use crate::lookup::KnownKey;
use crate::scan::Occurrence;
use crate::shell::quote;
use crate::{Finding, FindingCode, Severity};

/// A slot the config names but whose key could not be read. A warning, not
/// an error: a locked or unreachable keyring looks the same from here, and
/// the client may read it fine once unlocked.
pub(super) fn unreadable(occurrence: &Occurrence, slot: &str) -> Finding {
    let client = occurrence.file.client;
    let server = &occurrence.item.server_name;
    finding(
        Severity::Warning,
        FindingCode::KeyringSlotMissing,
        occurrence,
        None,
        format!(
            "Server \"{server}\" of {client} takes its key from the keyring slot {slot}, which could not be read: it is missing from the OS keyring, or the keyring is locked. If it is missing, {client} gets no key and every request fails (401)."
        ),
        format!(
            "See which slots exist with `mcp-keys slots list`. If {slot} is not there, install the key again (`mcp-keys keys install KEY_ID --client {client} --server-name {}`), or create a key for this client (`mcp-keys keys create SURFACE_ID --name NAME --install {client} --server-name {}`).",
            quote(server),
            quote(server)
        ),
    )
}

/// The fix for a revoked key in a slot: a revoked key cannot be rolled, so
/// a new key is installed under the same server name, which rewrites the
/// same slot.
pub(super) fn revoked_fix(occurrence: &Occurrence, slot: &str, known: Option<&KnownKey>) -> String {
    let client = occurrence.file.client;
    let server = &occurrence.item.server_name;
    let surface = known.map_or("SURFACE_ID", |known| known.surface_id.as_str());
    format!(
        "A revoked key cannot be rolled: create a new key and install it the same way, which writes it into the slot {slot} (the config stays as it is): mcp-keys keys create {surface} --name {} --install {client} --via {} --server-name {}. {}",
        quote(&format!("{client} {server}")),
        via(occurrence),
        quote(server),
        pickup(occurrence, slot)
    )
}

/// The fix for an expired key in a slot: a roll writes the new key into
/// every slot of the old one.
pub(super) fn expired_fix(occurrence: &Occurrence, slot: &str, known: Option<&KnownKey>) -> String {
    let key_id = known.map_or("KEY_ID", |known| known.key_id.as_str());
    format!(
        "Roll the key (mcp-keys keys roll {key_id}): the roll writes the new key into the slot {slot}, so the config stays as it is. {}",
        pickup(occurrence, slot)
    )
}

/// The `--via` that wrote the entry of `occurrence`.
fn via(occurrence: &Occurrence) -> &'static str {
    match &occurrence.item.found {
        Found::Slot {
            via: SlotVia::Helper,
            ..
        } => "helper",
        Found::Slot {
            via: SlotVia::Env, ..
        } => "env",
        _ => "bridge",
    }
}

/// When the client sees a slot's new key.
fn pickup(occurrence: &Occurrence, slot: &str) -> String {
    let client = occurrence.file.client;
    match &occurrence.item.found {
        Found::Slot {
            via: SlotVia::Helper,
            ..
        } => format!("{client} runs the headers helper again when it next connects."),
        Found::Slot {
            via: SlotVia::Env, ..
        } => format!(
            "Restart {client} through `mcp-keys run --slot {slot} -- …` so its environment holds the new key."
        ),
        _ => "The bridge reads the new key from the keyring when the service refuses the old one: no restart.".to_owned(),
    }
}
