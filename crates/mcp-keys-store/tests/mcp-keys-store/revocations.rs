//! Pending revocations of degraded rolls.

use chrono::Duration;
use mcp_keys_store::{Error, NewPendingRevocation};

use crate::support::{TestStore, add_connection, t0};

fn revocation(connection_id: &str, key_id: &str, hours: i64) -> NewPendingRevocation {
    NewPendingRevocation {
        connection_id: connection_id.to_owned(),
        product_id: "p1".into(),
        surface_id: "s1".into(),
        key_id: key_id.to_owned(),
        revoke_at: t0() + Duration::hours(hours),
    }
}

#[tokio::test]
async fn only_revocations_whose_time_has_come_are_due_soonest_first() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let work = add_connection(&test.store, "work").await?;
    let store = &test.store;
    let late = store
        .add_pending_revocation(&revocation(&work.id, "k-late", 48), t0())
        .await?;
    let soon = store
        .add_pending_revocation(&revocation(&work.id, "k-soon", 1), t0())
        .await?;
    assert_eq!(soon.created_at, t0());
    assert_eq!(soon.done_at, None);
    assert!(store.due_revocations(t0()).await?.is_empty());
    assert_eq!(
        store.due_revocations(t0() + Duration::hours(1)).await?,
        std::slice::from_ref(&soon)
    );
    let everything = store.due_revocations(t0() + Duration::days(3)).await?;
    assert_eq!(everything, [soon.clone(), late.clone()]);
    assert_eq!(store.list_pending_revocations().await?, [soon, late]);
    Ok(())
}

#[tokio::test]
async fn a_revocation_marked_done_is_no_longer_due_and_the_second_mark_says_so()
-> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let work = add_connection(&test.store, "work").await?;
    let store = &test.store;
    let pending = store
        .add_pending_revocation(&revocation(&work.id, "k1", 1), t0())
        .await?;
    let now = t0() + Duration::hours(2);
    assert!(store.mark_revocation_done(pending.id, now).await?);
    assert!(!store.mark_revocation_done(pending.id, now).await?);
    assert!(store.due_revocations(now).await?.is_empty());
    assert!(store.list_pending_revocations().await?.is_empty());
    assert!(matches!(
        store.mark_revocation_done(pending.id + 100, now).await,
        Err(Error::NotFound { .. })
    ));
    Ok(())
}
