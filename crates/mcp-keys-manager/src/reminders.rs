//! Rotation reminders: which keys need attention, and which
//! desktop notifications to send about them, the same for the desktop
//! app's scheduler and `mcp-keys reminders [--notify]`.
//!
//! [`find_due`] is pure: it takes what is known (the keys of every
//! connection, the rotation policy and per-key rotation facts, the latest
//! IDE scan, plaintext leaks in git) and the time, and says what is due.
//! [`Manager::due_reminders`](crate::Manager::due_reminders) gathers those
//! facts from the servers (or the local cache when one is out of reach) and
//! the store; [`Manager::plan_notifications`](crate::Manager::plan_notifications)
//! claims each key in the store, so the app and the CLI never both send the
//! same notification, and groups what is left into few notifications.

mod due;
mod gather;
mod plan;

pub use due::{
    EXPIRY_WARNING_DAYS, KnownKey, ROTATION_WARNING_DAYS, ReminderFacts, TrackedLeak, find_due,
    rotation_due_at,
};
pub use gather::{DueReport, UnreachableConnection};
pub use plan::{NOTIFY_INTERVAL, Notification, Snooze};

use chrono::{DateTime, Utc};
use mcp_keys_store::ReminderReason;
use serde::Serialize;
use ts_rs::TS;

/// One key that needs attention, as `mcp-keys reminders --json` prints it
/// (DESIGN §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DueReminder {
    /// The key's id.
    pub key_id: String,
    /// `mcp_<env>_<id>`.
    pub key_prefix: String,
    /// The key's name; for a key no connection knows, where it was found.
    pub name: String,
    /// The key's surface, when known.
    pub surface_id: Option<String>,
    /// Why it needs attention.
    pub reason: ReminderReason,
    /// When the rotation is or was due, when the key expires, when it was
    /// revoked or expired, or when the leak was found.
    #[ts(type = "string")]
    pub due_at: DateTime<Utc>,
}

/// A due key with what the app needs to open it: its connection and
/// product, so a click on a notification lands on the key with Roll ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Reminder {
    /// The row of `reminders --json`.
    #[serde(flatten)]
    pub due: DueReminder,
    /// The saved connection the key was found on, when one knows it.
    pub connection_id: Option<String>,
    /// The key's product, when known.
    pub product_id: Option<String>,
    /// No notification about it before this time.
    #[ts(type = "string | null")]
    pub snoozed_until: Option<DateTime<Utc>>,
}
