//! Reminder state: which notification was sent when, what the
//! user snoozed, and which keys they asked never to be reminded about.
//!
//! The desktop app and `mcp-keys reminders --notify` may look at the same
//! due key at the same moment; [`Store::try_claim_notification`] lets
//! exactly one of them send it.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use crate::time::{from_millis_opt, to_millis};
use crate::{Error, Store};

/// Why a key needs attention (DESIGN §5, `reminders --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReminderReason {
    /// Its rotation period ends soon.
    RotationDue,
    /// Its rotation period has ended.
    RotationOverdue,
    /// It expires within days.
    Expiring,
    /// It is revoked or expired but still in an IDE config.
    RevokedKeyInUse,
    /// It was found in plaintext in a file tracked by git.
    PlaintextKeyTrackedByGit,
}

impl ReminderReason {
    /// Every reason.
    pub const ALL: [Self; 5] = [
        Self::RotationDue,
        Self::RotationOverdue,
        Self::Expiring,
        Self::RevokedKeyInUse,
        Self::PlaintextKeyTrackedByGit,
    ];

    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RotationDue => "rotation_due",
            Self::RotationOverdue => "rotation_overdue",
            Self::Expiring => "expiring",
            Self::RevokedKeyInUse => "revoked_key_in_use",
            Self::PlaintextKeyTrackedByGit => "plaintext_key_tracked_by_git",
        }
    }
}

impl fmt::Display for ReminderReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReminderReason {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|reason| reason.as_str() == name)
            .ok_or_else(|| Error::Invalid(format!("unknown reminder reason {name:?}")))
    }
}

/// The reminder state of one key for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReminderState {
    /// The key.
    pub key_id: String,
    /// Why it was or would be reminded about.
    pub reason: ReminderReason,
    /// When a notification for it was last sent.
    #[ts(type = "string | null")]
    pub last_notified_at: Option<DateTime<Utc>>,
    /// No notification before this time.
    #[ts(type = "string | null")]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// "Stop reminding for this key": set for the key, so it holds for
    /// every reason.
    pub muted: bool,
}

#[derive(FromRow)]
struct ReminderRow {
    key_id: String,
    reason: String,
    last_notified_at: Option<i64>,
    snoozed_until: Option<i64>,
    muted: bool,
}

impl TryFrom<ReminderRow> for ReminderState {
    type Error = Error;

    fn try_from(row: ReminderRow) -> Result<Self, Error> {
        Ok(Self {
            reason: row
                .reason
                .parse()
                .map_err(|_| Error::Corrupt(format!("reminder reason {:?}", row.reason)))?,
            key_id: row.key_id,
            last_notified_at: from_millis_opt(row.last_notified_at)?,
            snoozed_until: from_millis_opt(row.snoozed_until)?,
            muted: row.muted,
        })
    }
}

impl Store {
    /// Claims the right to send the notification for `key_id` and `reason`
    /// at `now`: true for exactly one caller, and only when the key is not
    /// muted, not snoozed past `now`, and was not notified for this reason
    /// within `min_interval` before `now`. A true answer has already
    /// recorded `now` as the last notification, so send it (a crash right
    /// after the claim loses one notification, never sends two).
    ///
    /// One conditional statement does the check and the write, so the app
    /// and the CLI racing on the same key cannot both win.
    pub async fn try_claim_notification(
        &self,
        key_id: &str,
        reason: ReminderReason,
        now: DateTime<Utc>,
        min_interval: Duration,
    ) -> Result<bool, Error> {
        let now_millis = to_millis(now);
        let claimed = sqlx::query(
            "INSERT INTO reminder_state (key_id, reason, last_notified_at)
             SELECT $1, $2, $3
             WHERE NOT EXISTS (SELECT 1 FROM reminder_mutes WHERE key_id = $1)
             ON CONFLICT (key_id, reason) DO UPDATE SET last_notified_at = excluded.last_notified_at
             WHERE (reminder_state.last_notified_at IS NULL
                    OR reminder_state.last_notified_at <= $4)
               AND (reminder_state.snoozed_until IS NULL OR reminder_state.snoozed_until <= $3)",
        )
        .bind(key_id)
        .bind(reason.as_str())
        .bind(now_millis)
        .bind(now_millis.saturating_sub(min_interval.num_milliseconds()))
        .execute(&self.pool)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// No notification for `key_id` and `reason` until `until` (the
    /// notification's "snooze 1 day / 1 week").
    pub async fn snooze_reminder(
        &self,
        key_id: &str,
        reason: ReminderReason,
        until: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO reminder_state (key_id, reason, snoozed_until) VALUES ($1, $2, $3)
             ON CONFLICT (key_id, reason) DO UPDATE SET snoozed_until = excluded.snoozed_until",
        )
        .bind(key_id)
        .bind(reason.as_str())
        .bind(to_millis(until))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stops (`true`) or resumes (`false`) every reminder about `key_id`.
    pub async fn set_reminders_muted(
        &self,
        key_id: &str,
        muted: bool,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        if muted {
            sqlx::query(
                "INSERT INTO reminder_mutes (key_id, muted_at) VALUES ($1, $2)
                 ON CONFLICT (key_id) DO NOTHING",
            )
            .bind(key_id)
            .bind(to_millis(now))
            .execute(&self.pool)
            .await?;
        } else {
            sqlx::query("DELETE FROM reminder_mutes WHERE key_id = $1")
                .bind(key_id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Whether every reminder about `key_id` is stopped.
    pub async fn reminders_muted(&self, key_id: &str) -> Result<bool, Error> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM reminder_mutes WHERE key_id = $1")
                .bind(key_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// The state of `key_id` for `reason`; a key never notified nor
    /// snoozed has an empty state (with `muted` still told).
    pub async fn reminder_state(
        &self,
        key_id: &str,
        reason: ReminderReason,
    ) -> Result<ReminderState, Error> {
        let row: Option<ReminderRow> = sqlx::query_as(
            "SELECT r.key_id, r.reason, r.last_notified_at, r.snoozed_until,
                    EXISTS (SELECT 1 FROM reminder_mutes m WHERE m.key_id = r.key_id) AS muted
             FROM reminder_state r WHERE r.key_id = $1 AND r.reason = $2",
        )
        .bind(key_id)
        .bind(reason.as_str())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => ReminderState::try_from(row),
            None => Ok(ReminderState {
                key_id: key_id.to_owned(),
                reason,
                last_notified_at: None,
                snoozed_until: None,
                muted: self.reminders_muted(key_id).await?,
            }),
        }
    }

    /// Every recorded reminder state, by key and reason.
    pub async fn list_reminder_states(&self) -> Result<Vec<ReminderState>, Error> {
        let rows: Vec<ReminderRow> = sqlx::query_as(
            "SELECT r.key_id, r.reason, r.last_notified_at, r.snoozed_until,
                    EXISTS (SELECT 1 FROM reminder_mutes m WHERE m.key_id = r.key_id) AS muted
             FROM reminder_state r ORDER BY r.key_id, r.reason",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ReminderState::try_from).collect()
    }
}
