//! MCP Keys operations: what a person does with their keys, the same for the
//! desktop app and the CLI. Each operation talks to a key service through
//! [`mcp_keys_client::Client`] and keeps the local side in step: the cache
//! for the offline view, rotation anchors, pending revocations of degraded
//! rolls, and the user's own audit log in [`mcp_keys_store::Store`].
//! Management tokens live in the OS keyring ([`SecretStore`]), never in the
//! database.
//!
//! [`Manager`] holds the store and the keyring; [`Manager::session`] picks a
//! saved connection (or an ad-hoc `--server` with `MCP_KEYS_TOKEN`) and gives
//! a [`Session`] whose methods are the operations.
//!
//! [`SecretStore`]: mcp_keys_store::SecretStore

#![deny(missing_docs)]

mod catalog;
mod connections;
mod error;
mod ide;
mod keys;
mod manager;
mod migrate;
mod oauth;
mod reminders;
mod revocations;
mod session;
mod slots;
mod tree;
mod upstream_secrets;

pub use connections::NewConnectionRequest;
pub use error::Error;
pub use ide::{
    ConfigRollReport, ConfigUpdate, IdeDoctor, IdeScan, Inspection, KeyServices, RolledWithConfigs,
    ScanOptions, UnidentifiedConnection, VariableUpdate,
};
pub use keys::{GenerateKey, Rolled};
pub use manager::{Actor, AuditPage, Manager};
/// The IDE crate, for the CLI and the app to name its types (statuses,
/// findings, clients) without a dependency of their own.
pub use mcp_keys_ide;
pub use migrate::{
    LeftReason, MigrateOptions, MigratedConfig, MigratedEntry, Migration, MigrationUndo, Outcome,
    UndoOutcome, UndoneFile,
};
pub use reminders::{
    DueReminder, DueReport, EXPIRY_WARNING_DAYS, KnownKey, NOTIFY_INTERVAL, Notification,
    ROTATION_WARNING_DAYS, Reminder, ReminderFacts, Snooze, TrackedLeak, UnreachableConnection,
    find_due, rotation_due_at,
};
pub use revocations::CompletedRevocations;
pub use session::{Session, Target};
pub use slots::{InstallTarget, KeyInstall, SlotRefill};
pub use tree::{ConnectionTree, ProductTree, SurfaceDetail};
