//! Reminder state: claims, snoozes and mutes.

use chrono::Duration;
use mcp_keys_store::{ReminderReason, ReminderState};

use crate::support::{TestStore, t0};

const DAY: Duration = Duration::days(1);

#[tokio::test]
async fn a_notification_is_claimed_once_per_interval() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    let reason = ReminderReason::RotationDue;
    assert!(
        store
            .try_claim_notification("k1", reason, t0(), DAY)
            .await?
    );
    assert!(
        !store
            .try_claim_notification("k1", reason, t0(), DAY)
            .await?,
        "the same moment again is a repeat"
    );
    assert!(
        !store
            .try_claim_notification("k1", reason, t0() + Duration::hours(23), DAY)
            .await?,
        "within a day is too soon"
    );
    assert!(
        store
            .try_claim_notification("k1", reason, t0() + DAY, DAY)
            .await?,
        "a day later it may be sent again"
    );
    let state = store.reminder_state("k1", reason).await?;
    assert_eq!(state.last_notified_at, Some(t0() + DAY));
    Ok(())
}

#[tokio::test]
async fn keys_and_reasons_are_claimed_independently() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    assert!(
        store
            .try_claim_notification("k1", ReminderReason::RotationDue, t0(), DAY)
            .await?
    );
    assert!(
        store
            .try_claim_notification("k1", ReminderReason::Expiring, t0(), DAY)
            .await?
    );
    assert!(
        store
            .try_claim_notification("k2", ReminderReason::RotationDue, t0(), DAY)
            .await?
    );
    Ok(())
}

#[tokio::test]
async fn a_snoozed_reminder_is_not_claimed_until_the_snooze_ends() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    let reason = ReminderReason::RotationOverdue;
    let week = Duration::weeks(1);
    store.snooze_reminder("k1", reason, t0() + week).await?;
    assert!(
        !store
            .try_claim_notification("k1", reason, t0() + Duration::days(6), Duration::zero())
            .await?
    );
    assert!(
        store
            .try_claim_notification("k1", reason, t0() + week, Duration::zero())
            .await?
    );
    assert_eq!(
        store.reminder_state("k1", reason).await?,
        ReminderState {
            key_id: "k1".into(),
            reason,
            last_notified_at: Some(t0() + week),
            snoozed_until: Some(t0() + week),
            muted: false,
        }
    );
    Ok(())
}

#[tokio::test]
async fn a_muted_key_is_never_claimed_for_any_reason_until_unmuted() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    store.set_reminders_muted("k1", true, t0()).await?;
    store.set_reminders_muted("k1", true, t0()).await?;
    assert!(store.reminders_muted("k1").await?);
    for reason in ReminderReason::ALL {
        assert!(
            !store
                .try_claim_notification("k1", reason, t0(), Duration::zero())
                .await?,
            "{reason}"
        );
        assert!(store.reminder_state("k1", reason).await?.muted);
    }
    store.set_reminders_muted("k1", false, t0()).await?;
    assert!(
        store
            .try_claim_notification("k1", ReminderReason::Expiring, t0(), Duration::zero())
            .await?
    );
    Ok(())
}

#[tokio::test]
async fn reminder_states_survive_reopening_the_store() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let reason = ReminderReason::Expiring;
    test.store.snooze_reminder("k1", reason, t0() + DAY).await?;
    assert!(
        test.store
            .try_claim_notification("k2", reason, t0(), DAY)
            .await?
    );
    let path = test.store.path().to_owned();
    test.store.close().await;
    let reopened = mcp_keys_store::Store::open(&path).await?;
    let states = reopened.list_reminder_states().await?;
    assert_eq!(states.len(), 2);
    assert_eq!(states[0].snoozed_until, Some(t0() + DAY));
    assert_eq!(states[1].last_notified_at, Some(t0()));
    assert!(
        !reopened
            .try_claim_notification("k2", reason, t0(), DAY)
            .await?
    );
    Ok(())
}

#[test]
fn reasons_use_the_names_of_reminders_json() -> anyhow::Result<()> {
    assert_eq!(
        serde_json::to_string(&ReminderReason::PlaintextKeyTrackedByGit)?,
        r#""plaintext_key_tracked_by_git""#
    );
    for reason in ReminderReason::ALL {
        assert_eq!(reason.as_str().parse::<ReminderReason>()?, reason);
        assert_eq!(serde_json::to_value(reason)?, reason.as_str());
    }
    Ok(())
}
