//! The keys of the keyring slots that IDE configs name (DESIGN §8), read for
//! a scan so that a slot reference shows its key's status. The keys stay in
//! `Sensitive` and go no further than the scan's fingerprints.

use std::collections::HashMap;

use mcp_keys_ide::SlotKey;
use mcp_keys_store::{SecretStore, Slot, read_slot};

/// The keys of `slots`, read from the keyring (blocking), for the configs
/// that name a slot. A slot that cannot be read is left out, so the scan
/// shows it as unreadable rather than failing; its error never holds a key.
pub(super) fn read(secrets: &dyn SecretStore, slots: &[Slot]) -> HashMap<String, SlotKey> {
    slots
        .iter()
        .filter_map(|slot| match read_slot(secrets, &slot.name) {
            Ok(secret) => Some((
                slot.name.to_string(),
                SlotKey {
                    key: secret.key,
                    url: Some(secret.url),
                },
            )),
            Err(error) => {
                tracing::warn!(slot = %slot.name, %error, "could not read a keyring slot");
                None
            }
        })
        .collect()
}
