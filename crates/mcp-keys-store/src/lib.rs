//! MCP Keys local store: one SQLite database per user (sqlx, WAL) shared by
//! the desktop app and the CLI at the same time, and the OS keyring for
//! management tokens and the keys installed into IDEs (slots, DESIGN §8).
//!
//! The database holds saved connections, cached remote metadata for the
//! offline view, rotation policies, reminder state, pending revocations,
//! the user's own audit log, the latest IDE scan and the index of keyring
//! slots. It never holds a key or a token: tokens and installed keys go to
//! the keyring through [`SecretStore`], other keys are never kept, and every
//! free-form text is checked for one before it is written.
//!
//! Every operation is a method of [`Store`] taking its inputs and `now`
//! explicitly, so the same call serves a Tauri command, a CLI subcommand
//! and a test with a fixed clock. No SQL lives outside this crate.

#![deny(missing_docs)]

mod audit;
mod cache;
mod connections;
mod error;
mod plaintext;
mod preferences;
mod reminders;
mod revocations;
mod rotation;
mod scans;
mod secrets;
mod slots;
mod store;
#[cfg(feature = "test-support")]
pub mod test_support;
mod time;

pub use audit::{AuditEntry, AuditFilter, NewAuditEntry};
pub use cache::{CacheItem, CachedEntity};
pub use connections::{Connection, ConnectionKind, NewConnection};
pub use error::Error;
pub use reminders::{ReminderReason, ReminderState};
pub use revocations::{NewPendingRevocation, PendingRevocation};
pub use rotation::{KeyRotation, RotationPeriod, RotationPolicy};
pub use scans::ScanResult;
pub use secrets::{
    KEYRING_SERVICE, KeyringSecrets, MemorySecrets, SecretError, SecretErrorCode, SecretStore,
    TOKEN_VAR, UPSTREAM_SECRETS_SERVICE,
};
pub use slots::{
    SLOT_NAME_MAX, Slot, SlotName, SlotSecret, delete_slot_secret, read_slot, write_slot,
};
pub use store::{DATA_DIR_VAR, DB_FILE_NAME, Store, data_dir};
