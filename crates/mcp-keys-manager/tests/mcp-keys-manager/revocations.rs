//! Degraded rolls (a server without the roll route) finished by the app:
//! the function its scheduler calls revokes the old key once the grace
//! period ends, and says when the next one is due.

use chrono::{Duration, Utc};
use mcp_keys_store::NewPendingRevocation;

use crate::ide::Fixture;

type Result<T = ()> = anyhow::Result<T>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_old_key_of_a_degraded_roll_is_revoked_when_its_grace_period_ends() -> Result {
    let fixture = Fixture::start().await?;
    let (old_id, _) = fixture.key("cursor").await?;
    let (later_id, _) = fixture.key("zed").await?;
    let connection = fixture.manager.saved_connection(Some("test")).await?;
    let now = Utc::now();
    // What a degraded roll leaves behind: the promise to revoke the old key.
    for (key_id, revoke_at) in [
        (&old_id, now - Duration::minutes(1)),
        (&later_id, now + Duration::hours(2)),
    ] {
        fixture
            .manager
            .store()
            .add_pending_revocation(
                &NewPendingRevocation {
                    connection_id: connection.id.clone(),
                    product_id: fixture.product_id.clone(),
                    surface_id: fixture.surface_id.clone(),
                    key_id: key_id.clone(),
                    revoke_at,
                },
                now - Duration::hours(1),
            )
            .await?;
    }

    let completed = fixture.manager.complete_due_revocations(now).await?;

    assert_eq!(completed.done, 1);
    assert!(completed.failed.is_empty());
    assert_eq!(
        completed.next_at.map(|at| at.timestamp()),
        Some((now + Duration::hours(2)).timestamp()),
        "the scheduler wakes for the next one"
    );
    let revoked = fixture.session.client().get_key(&old_id).await?;
    assert!(revoked.revoked_at.is_some(), "the old key no longer works");
    let kept = fixture.session.client().get_key(&later_id).await?;
    assert!(
        kept.revoked_at.is_none(),
        "a key still in its grace period stays"
    );
    Ok(())
}
