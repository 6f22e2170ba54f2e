//! From due keys to notifications: one claim per key in the store (so the
//! app and the CLI never send the same one, even across restarts), and one
//! summary instead of a pile when several keys are due.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use mcp_keys_store::ReminderReason;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Reminder;
use super::due::urgency;
use crate::{Error, Manager};

/// The shortest time between two notifications about one key. A little
/// under a day, so a check that runs every hour does not push the daily
/// notification an hour later each day.
pub const NOTIFY_INTERVAL: TimeDelta = TimeDelta::hours(23);

/// How many keys a summary names before "and N more".
const SUMMARY_LINES: usize = 5;

/// One desktop notification to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// The notification's title (its summary, on Linux).
    pub title: String,
    /// Its text.
    pub body: String,
    /// The keys it is about, claimed in the store.
    pub key_ids: Vec<String>,
    /// The key a click opens: the only one, or the most urgent of a
    /// summary.
    pub target: Reminder,
}

/// How long "snooze" holds a key's reminders back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "ReminderSnooze")]
pub enum Snooze {
    /// One day.
    Day,
    /// One week.
    Week,
}

impl Snooze {
    /// The length of the snooze.
    pub fn duration(self) -> TimeDelta {
        match self {
            Self::Day => TimeDelta::days(1),
            Self::Week => TimeDelta::weeks(1),
        }
    }
}

impl Manager {
    /// The notifications to send now about `due` (from
    /// [`Manager::due_reminders`]): each key at most once per
    /// [`NOTIFY_INTERVAL`] whatever its reasons, none about a snoozed or
    /// muted key, and a single summary when several keys are due. Every key
    /// in the answer is already claimed in the store: send what comes back
    /// (a crash now loses a notification; it never doubles one).
    pub async fn plan_notifications(
        &self,
        due: &[Reminder],
        now: DateTime<Utc>,
    ) -> Result<Vec<Notification>, Error> {
        let states = self.store().list_reminder_states().await?;
        let recently_notified: HashSet<&str> = states
            .iter()
            .filter(|state| {
                state
                    .last_notified_at
                    .is_some_and(|at| at > now - NOTIFY_INTERVAL)
            })
            .map(|state| state.key_id.as_str())
            .collect();
        let snoozed: HashSet<&str> = states
            .iter()
            .filter(|state| state.snoozed_until.is_some_and(|until| until > now))
            .map(|state| state.key_id.as_str())
            .collect();
        let mut most_urgent: Vec<&Reminder> = Vec::new();
        for reminder in due {
            match most_urgent
                .iter_mut()
                .find(|kept| kept.due.key_id == reminder.due.key_id)
            {
                Some(kept) if urgency(reminder.due.reason) < urgency(kept.due.reason) => {
                    *kept = reminder;
                }
                Some(_) => {}
                None => most_urgent.push(reminder),
            }
        }
        let mut claimed = Vec::new();
        for reminder in most_urgent {
            let key_id = reminder.due.key_id.as_str();
            if recently_notified.contains(key_id) || snoozed.contains(key_id) {
                continue;
            }
            // The claim is the one atomic step: the CLI and the app may both
            // get this far for the same key, only one of them wins it.
            if self
                .store()
                .try_claim_notification(key_id, reminder.due.reason, now, NOTIFY_INTERVAL)
                .await?
            {
                claimed.push(reminder.clone());
            }
        }
        claimed.sort_by_key(|reminder| urgency(reminder.due.reason));
        Ok(compose(claimed, now).into_iter().collect())
    }

    /// Holds back every reminder about `key_id` for `snooze`; returns until
    /// when.
    pub async fn snooze_reminders(
        &self,
        key_id: &str,
        snooze: Snooze,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, Error> {
        let until = now + snooze.duration();
        for reason in ReminderReason::ALL {
            self.store().snooze_reminder(key_id, reason, until).await?;
        }
        Ok(until)
    }

    /// "Stop reminding for this key" (`true`), or remind again (`false`).
    pub async fn mute_reminders(
        &self,
        key_id: &str,
        muted: bool,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        Ok(self.store().set_reminders_muted(key_id, muted, now).await?)
    }
}

/// One notification for one key, a summary for several, none for none.
fn compose(claimed: Vec<Reminder>, now: DateTime<Utc>) -> Option<Notification> {
    let target = claimed.first()?.clone();
    let key_ids = claimed
        .iter()
        .map(|reminder| reminder.due.key_id.clone())
        .collect();
    if claimed.len() == 1 {
        let (title, body) = single(&target, now);
        return Some(Notification {
            title,
            body,
            key_ids,
            target,
        });
    }
    let mut lines: Vec<String> = claimed
        .iter()
        .take(SUMMARY_LINES)
        .map(|reminder| format!("{}: {}", reminder.due.name, short(reminder.due.reason)))
        .collect();
    if claimed.len() > SUMMARY_LINES {
        lines.push(format!("and {} more", claimed.len() - SUMMARY_LINES));
    }
    Some(Notification {
        title: format!("{} keys need attention", claimed.len()),
        body: lines.join("\n"),
        key_ids,
        target,
    })
}

fn short(reason: ReminderReason) -> &'static str {
    match reason {
        ReminderReason::RotationDue => "rotation due soon",
        ReminderReason::RotationOverdue => "rotation overdue",
        ReminderReason::Expiring => "expires soon",
        ReminderReason::RevokedKeyInUse => "revoked but still in an IDE config",
        ReminderReason::PlaintextKeyTrackedByGit => "in a file tracked by git",
    }
}

fn single(reminder: &Reminder, now: DateTime<Utc>) -> (String, String) {
    let due = &reminder.due;
    let (name, prefix) = (&due.name, &due.key_prefix);
    let date = due.due_at.format("%Y-%m-%d");
    match due.reason {
        ReminderReason::RotationDue => (
            format!("Time to roll \u{201c}{name}\u{201d}"),
            format!("Key {prefix} is due for rotation on {date}. Roll it in MCP Keys."),
        ),
        ReminderReason::RotationOverdue => {
            let days = (now - due.due_at).num_days();
            (
                format!("\u{201c}{name}\u{201d} is overdue for rotation"),
                format!(
                    "Key {prefix} was due for rotation on {date} ({days} {} ago). Roll it in MCP Keys.",
                    if days == 1 { "day" } else { "days" }
                ),
            )
        }
        ReminderReason::Expiring => (
            format!("\u{201c}{name}\u{201d} expires soon"),
            format!("Key {prefix} stops working on {date}. Roll it before then."),
        ),
        ReminderReason::RevokedKeyInUse => (
            "A revoked key is still in use".to_owned(),
            format!(
                "Key {prefix} ({name}) no longer works but is still in an IDE config: \
                 its client gets 401. Put a new key there."
            ),
        ),
        ReminderReason::PlaintextKeyTrackedByGit => (
            "A key is in a file tracked by git".to_owned(),
            format!(
                "Key {prefix} ({name}) is in plaintext in a git-tracked file: treat it as \
                 leaked and roll it."
            ),
        ),
    }
}
