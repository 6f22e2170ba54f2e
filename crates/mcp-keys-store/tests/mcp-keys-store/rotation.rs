//! Rotation policies: defaults per environment, overrides and anchors per
//! key.

use chrono::Duration;
use mcp_keys_core::Environment;
use mcp_keys_store::{Error, KeyRotation, RotationPeriod, RotationPolicy};

use crate::support::{TestStore, t0};

#[tokio::test]
async fn defaults_are_90_days_in_production_and_180_in_development_and_editable()
-> anyhow::Result<()> {
    let test = TestStore::new().await?;
    assert_eq!(
        test.store.rotation_policy().await?,
        RotationPolicy {
            production_days: 90,
            development_days: 180
        }
    );
    test.store
        .set_default_rotation(Environment::Production, 30)
        .await?;
    let policy = test.store.rotation_policy().await?;
    assert_eq!(policy.days_for(Environment::Production), 30);
    assert_eq!(policy.days_for(Environment::Development), 180);
    assert!(matches!(
        test.store
            .set_default_rotation(Environment::Development, 0)
            .await,
        Err(Error::Invalid(_))
    ));
    Ok(())
}

#[tokio::test]
async fn a_key_override_wins_over_its_environment_default_until_cleared() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    assert_eq!(
        store
            .effective_rotation_days("k1", Environment::Production)
            .await?,
        Some(90)
    );
    store
        .set_key_rotation_override("k1", Some(RotationPeriod::Days(7)))
        .await?;
    assert_eq!(
        store
            .effective_rotation_days("k1", Environment::Production)
            .await?,
        Some(7)
    );
    store.set_key_rotation_override("k1", None).await?;
    assert_eq!(
        store
            .effective_rotation_days("k1", Environment::Development)
            .await?,
        Some(180)
    );
    Ok(())
}

#[tokio::test]
async fn the_anchor_and_the_override_are_kept_independently() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    assert_eq!(store.key_rotation("k1").await?, None);
    store.set_rotation_anchor("k1", t0()).await?;
    store
        .set_key_rotation_override("k1", Some(RotationPeriod::Days(30)))
        .await?;
    let expected = KeyRotation {
        key_id: "k1".into(),
        rotate_every: Some(RotationPeriod::Days(30)),
        anchor_at: Some(t0()),
    };
    assert_eq!(store.key_rotation("k1").await?, Some(expected.clone()));
    assert_eq!(store.list_key_rotations().await?, [expected]);
    Ok(())
}

#[tokio::test]
async fn a_roll_passes_the_override_to_the_new_key_and_restarts_its_period() -> anyhow::Result<()> {
    let test = TestStore::new().await?;
    let store = &test.store;
    store
        .set_key_rotation_override("old", Some(RotationPeriod::Days(14)))
        .await?;
    store.set_rotation_anchor("old", t0()).await?;
    let rolled_at = t0() + Duration::days(13);
    store.record_roll("old", "new", rolled_at).await?;
    assert_eq!(
        store.key_rotation("new").await?,
        Some(KeyRotation {
            key_id: "new".into(),
            rotate_every: Some(RotationPeriod::Days(14)),
            anchor_at: Some(rolled_at),
        })
    );
    // A key without an override rolls into one without an override.
    store.record_roll("plain", "plain2", rolled_at).await?;
    assert_eq!(
        store
            .key_rotation("plain2")
            .await?
            .and_then(|r| r.rotate_every),
        None
    );
    Ok(())
}

#[tokio::test]
async fn a_key_set_never_to_rotate_has_no_period_not_its_environments_default() -> anyhow::Result<()>
{
    let test = TestStore::new().await?;
    let store = &test.store;
    store
        .set_key_rotation_override("k1", Some(RotationPeriod::Never))
        .await?;
    assert_eq!(
        store
            .effective_rotation_days("k1", Environment::Production)
            .await?,
        None,
        "never means no reminder, not the 90 days of production"
    );
    assert_eq!(
        store.key_rotation("k1").await?.and_then(|r| r.rotate_every),
        Some(RotationPeriod::Never)
    );
    // A period set later replaces "never", and "never" replaces a period.
    store
        .set_key_rotation_override("k1", Some(RotationPeriod::Days(30)))
        .await?;
    assert_eq!(
        store
            .effective_rotation_days("k1", Environment::Production)
            .await?,
        Some(30)
    );
    store
        .set_key_rotation_override("k1", Some(RotationPeriod::Never))
        .await?;
    store.record_roll("k1", "k2", t0()).await?;
    assert_eq!(
        store.key_rotation("k2").await?.and_then(|r| r.rotate_every),
        Some(RotationPeriod::Never),
        "a roll keeps never for the new key"
    );
    Ok(())
}

#[test]
fn a_rotation_period_is_days_or_never_in_json() -> anyhow::Result<()> {
    assert_eq!(
        serde_json::to_value(RotationPeriod::Days(30))?,
        serde_json::json!({ "days": 30 })
    );
    assert_eq!(
        serde_json::to_value(RotationPeriod::Never)?,
        serde_json::json!("never")
    );
    assert_eq!(
        serde_json::from_value::<RotationPeriod>(serde_json::json!("never"))?,
        RotationPeriod::Never
    );
    Ok(())
}
