//! Keys: the whole life of a key, lookups, identify, verify and events.

use std::time::Duration;

use anyhow::{Context, Result};
use mcp_keys_client::{EventFilter, EventType, NewKey, RollOutcome, VerifyRequest};
use mcp_keys_core::{Environment, Fingerprint};

use crate::support::Service;

#[tokio::test]
async fn a_key_lives_from_creation_through_roll_to_revocation() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let (product, surface) = service.surface(&["search", "fetch"]).await?;
    let mut new = NewKey::named("cursor");
    new.scopes = vec!["search".into()];
    let created = client.create_key(&product.id, &surface.id, &new).await?;
    assert_eq!(created.metadata.scopes, ["search"]);
    assert_eq!(created.metadata.environment, Environment::Development);
    assert_eq!(created.key.id(), created.metadata.id);
    assert!(
        !format!("{created:?}").contains(created.key.expose_secret()),
        "Debug of a created key never shows the key"
    );

    let old_key = created.key.expose_secret();
    let check = VerifyRequest::new(old_key)
        .surface(&surface.id)
        .capability("search");
    let verdict = client.verify(&check).await?;
    assert!(verdict.valid, "{verdict:?}");
    assert_eq!(
        verdict.key_id.as_deref(),
        Some(created.metadata.id.as_str())
    );
    let outside = client
        .verify(&VerifyRequest::new(old_key).capability("fetch"))
        .await?;
    assert_eq!(
        (outside.valid, outside.reason.as_deref()),
        (false, Some("scope"))
    );

    let rolled = client
        .roll_key(
            &product.id,
            &surface.id,
            &created.metadata.id,
            Duration::from_secs(3600),
        )
        .await?;
    assert!(!rolled.is_degraded(), "our service rolls keys itself");
    assert!(rolled.pending_revocation().is_none());
    let RollOutcome::Rolled(rolled) = rolled else {
        anyhow::bail!("not a native roll");
    };
    let new_key = &rolled.created;
    assert_ne!(new_key.metadata.id, created.metadata.id);
    assert_eq!(new_key.metadata.name, "cursor");
    assert_eq!(new_key.metadata.scopes, ["search"]);
    let grace_end = rolled.old_key.expires_at.context("the old key expires")?;
    let in_an_hour = chrono::Utc::now() + chrono::TimeDelta::hours(1);
    assert!(
        (grace_end - in_an_hour).num_seconds().abs() < 60,
        "{grace_end}"
    );

    // During the grace period both keys work.
    assert!(
        client.verify(&check).await?.valid,
        "the old key is still valid"
    );
    let new_check = VerifyRequest::new(new_key.key.expose_secret()).surface(&surface.id);
    assert!(client.verify(&new_check).await?.valid);

    let revoked = client
        .revoke_key(&product.id, &surface.id, &new_key.metadata.id)
        .await?
        .context("our service answers with the key")?;
    assert!(revoked.revoked_at.is_some() && !revoked.is_active);
    let verdict = client.verify(&new_check).await?;
    assert_eq!(
        (
            verdict.valid,
            verdict.code.as_deref(),
            verdict.reason.as_deref()
        ),
        (false, Some("invalid_api_key"), Some("revoked"))
    );

    let events = client
        .list_events_all(&EventFilter {
            surface_id: Some(surface.id.clone()),
            ..EventFilter::default()
        })
        .await?;
    // A roll writes two events in the same millisecond, so their order
    // among themselves is not fixed; what happened is.
    let mut kinds: Vec<&str> = events.iter().map(|event| event.kind.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        ["key_created", "key_created", "key_revoked", "key_rolled"],
        "{events:?}"
    );
    assert!(events.iter().all(|event| event.kind != EventType::Unknown));
    Ok(())
}

#[tokio::test]
async fn an_old_key_is_refused_once_its_grace_period_ends() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let (product, surface) = service.surface(&[]).await?;
    let created = client
        .create_key(&product.id, &surface.id, &NewKey::named("ide"))
        .await?;
    client
        .roll_key(
            &product.id,
            &surface.id,
            &created.metadata.id,
            Duration::from_secs(1),
        )
        .await?;
    let check = VerifyRequest::new(created.key.expose_secret());
    assert!(
        client.verify(&check).await?.valid,
        "within the grace period"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let verdict = client.verify(&check).await?;
    assert_eq!(
        (verdict.valid, verdict.reason.as_deref()),
        (false, Some("expired"))
    );
    Ok(())
}

#[tokio::test]
async fn a_key_is_found_by_its_id_and_by_its_fingerprint() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let (product, surface) = service.surface(&[]).await?;
    let created = client
        .create_key(&product.id, &surface.id, &NewKey::named("ide"))
        .await?;

    let shown = client.get_key(&created.metadata.id).await?;
    assert_eq!(shown, created.metadata);
    assert_eq!(
        (shown.product_id.as_str(), shown.surface_id.as_str()),
        (product.id.as_str(), surface.id.as_str())
    );
    let listed = client.list_keys_all(&product.id, &surface.id).await?;
    assert_eq!(listed, std::slice::from_ref(&created.metadata));

    let stranger = Fingerprint::of("mcp_dev_not-one-of-ours");
    let identified = client
        .identify(&[created.key.fingerprint(), stranger])
        .await?;
    assert_eq!(identified.len(), 2, "one answer per fingerprint, in order");
    assert_eq!(identified[0].key.as_ref(), Some(&created.metadata));
    assert_eq!(
        (identified[1].fingerprint, &identified[1].key),
        (stranger, &None)
    );
    Ok(())
}

#[tokio::test]
async fn more_fingerprints_than_one_request_takes_are_sent_in_parts() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let fingerprints: Vec<Fingerprint> = (0..250)
        .map(|n| Fingerprint::of(&format!("mcp_dev_{n}")))
        .collect();
    let identified = client.identify(&fingerprints).await?;
    assert_eq!(identified.len(), 250);
    assert!(identified.iter().all(|answer| answer.key.is_none()));
    assert_eq!(identified[249].fingerprint, fingerprints[249]);
    Ok(())
}
