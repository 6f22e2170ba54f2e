//! Rolling a key: natively with the roll extension, or degraded to "create
//! a new key now, revoke the old one when the grace period ends" on a
//! server without it (Runtype's public API).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::extension::route_missing;
use crate::keys::key_what;
use mcp_keys_core::MAX_GRACE;

use crate::surfaces::surface_path;
use crate::transport::Retry;
use crate::{Client, CreatedKey, Error, KeyMetadata, NewKey, RolledKey};

/// How a roll went. Either way there is a new key to hand to the user; a
/// degraded roll also leaves work for the caller.
#[derive(Debug)]
pub enum RollOutcome {
    /// The server rolled the key: the old key expires at the end of the
    /// grace period by itself (`old_key.expires_at`).
    Rolled(RolledKey),
    /// The server has no roll route: a new key was created with the old
    /// one's name, scopes, environment and limits, and the old key is still
    /// valid. The caller must keep [`DegradedRoll::pending`] (the local
    /// store does) and revoke the old key when it is due
    /// ([`Client::complete_revocation`]).
    Degraded(DegradedRoll),
}

/// A roll done as create-then-revoke-later.
#[derive(Debug)]
pub struct DegradedRoll {
    /// The new key, shown this once, and its metadata.
    pub created: CreatedKey,
    /// The old key as it was before the roll; the server does not know it
    /// was rolled, so its `expiresAt` is unchanged.
    pub old_key: KeyMetadata,
    /// The revocation the caller owes, or `None` when the grace period was
    /// zero and the old key was revoked already.
    pub pending: Option<PendingRevocation>,
}

/// A revocation to run at `revoke_at`: the end of a degraded roll's grace
/// period. Plain data, so a store can keep it and a later process run it.
/// Not exported to TypeScript: the UI shows the local store's record of it
/// (`mcp_keys_store::PendingRevocation`, which owns that binding name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRevocation {
    /// The old key's product.
    pub product_id: String,
    /// The old key's surface.
    pub surface_id: String,
    /// The old key.
    pub key_id: String,
    /// When to revoke it.
    pub revoke_at: DateTime<Utc>,
}

impl PendingRevocation {
    /// Whether the revocation is due at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.revoke_at <= now
    }
}

impl RollOutcome {
    /// The new key and its metadata.
    pub fn new_key(&self) -> &CreatedKey {
        match self {
            Self::Rolled(rolled) => &rolled.created,
            Self::Degraded(degraded) => &degraded.created,
        }
    }

    /// The old key's metadata (see each variant for what its `expiresAt` says).
    pub fn old_key(&self) -> &KeyMetadata {
        match self {
            Self::Rolled(rolled) => &rolled.old_key,
            Self::Degraded(degraded) => &degraded.old_key,
        }
    }

    /// Whether the roll was degraded to create-then-revoke-later.
    pub fn is_degraded(&self) -> bool {
        matches!(self, Self::Degraded(_))
    }

    /// The revocation the caller must keep and run, if any.
    pub fn pending_revocation(&self) -> Option<&PendingRevocation> {
        match self {
            Self::Rolled(_) => None,
            Self::Degraded(degraded) => degraded.pending.as_ref(),
        }
    }
}

impl Client {
    /// Replaces a key with a new one of the same name, scopes and
    /// environment; the old key keeps working for `grace` (at most
    /// [`MAX_GRACE`]). Never retried: a lost answer would leave a new key
    /// nobody saw. On a server without the roll route, degrades as
    /// described in [`RollOutcome::Degraded`] (the rule that tells a missing
    /// route from a missing key is in the `extension` module's docs).
    pub async fn roll_key(
        &self,
        product_id: &str,
        surface_id: &str,
        key_id: &str,
        grace: Duration,
    ) -> Result<RollOutcome, Error> {
        if grace > MAX_GRACE {
            return Err(Error::InvalidRequest {
                status: 422,
                message: format!(
                    "the grace period can be at most {} days",
                    MAX_GRACE.as_secs() / (24 * 3600)
                ),
            });
        }
        let mut path = surface_path(product_id, surface_id).to_vec();
        path.extend(["keys", key_id, "roll"]);
        let url = self.url(&path, &[]);
        let body = Self::body(&json!({ "gracePeriodSeconds": grace.as_secs() }))?;
        let answer = self
            .send(Method::POST, url, Some(body), Retry::Never)
            .await?;
        if !route_missing(answer.status) {
            let rolled = answer.success(|| key_what(key_id))?.json_with_key()?;
            return Ok(RollOutcome::Rolled(rolled));
        }
        let old = self.key_to_roll(product_id, surface_id, key_id).await?;
        self.degraded_roll(old, grace)
            .await
            .map(RollOutcome::Degraded)
    }

    /// Revokes the key of a pending revocation. A key that is gone already
    /// counts as revoked, so running a revocation twice is harmless.
    pub async fn complete_revocation(&self, pending: &PendingRevocation) -> Result<(), Error> {
        match self
            .revoke_key(&pending.product_id, &pending.surface_id, &pending.key_id)
            .await
        {
            Ok(_) | Err(Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// The key a roll answered 404 for, if the surface has it: then the
    /// route is what is missing (rule 3 of the `extension` module).
    async fn key_to_roll(
        &self,
        product_id: &str,
        surface_id: &str,
        key_id: &str,
    ) -> Result<KeyMetadata, Error> {
        let surface = self.get_surface(product_id, surface_id).await?;
        let known = match surface.keys.into_iter().find(|key| key.id == key_id) {
            Some(key) => Some(key),
            // A server may leave `keys` out of a surface; the key list
            // extension, where there is one, has them all. Where there is
            // none, the surface's keys are all the server shows, and a key
            // it does not show cannot be copied: not found either way.
            None => match self.list_keys_all(product_id, surface_id).await {
                Ok(keys) => keys.into_iter().find(|key| key.id == key_id),
                Err(Error::Unsupported { .. }) => None,
                Err(error) => return Err(error),
            },
        };
        let mut key = known.ok_or_else(|| Error::NotFound {
            what: key_what(key_id),
        })?;
        // A server may leave the ids out of nested keys; the path has them.
        product_id.clone_into(&mut key.product_id);
        surface_id.clone_into(&mut key.surface_id);
        if key.revoked_at.is_some() {
            return Err(conflict("a revoked key cannot be rolled"));
        }
        if !key.is_active || key.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Err(conflict("an expired key cannot be rolled"));
        }
        Ok(key)
    }

    async fn degraded_roll(
        &self,
        old: KeyMetadata,
        grace: Duration,
    ) -> Result<DegradedRoll, Error> {
        let now = Utc::now();
        let new = NewKey {
            name: old.name.clone(),
            scopes: old.scopes.clone(),
            environment: Some(old.environment),
            // The new key lives as long as the old one was meant to, as a
            // native roll does.
            expires_at: old.expires_at.map(|at| now + (at - old.created_at)),
            rate_limit_per_minute: old.rate_limit_per_minute,
            rate_limit_per_day: old.rate_limit_per_day,
        };
        let created = self
            .create_key(&old.product_id, &old.surface_id, &new)
            .await?;
        tracing::info!(key_id = %old.id, new_key_id = %created.metadata.id, "degraded roll: new key created");
        let grace = TimeDelta::from_std(grace).unwrap_or(TimeDelta::MAX);
        let pending = PendingRevocation {
            product_id: old.product_id.clone(),
            surface_id: old.surface_id.clone(),
            key_id: old.id.clone(),
            revoke_at: now
                .checked_add_signed(grace)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        };
        // No grace: revoke now. If that fails the new key must not be lost
        // with an error, so the revocation is handed back as due instead.
        let pending = if grace.is_zero() && self.complete_revocation(&pending).await.is_ok() {
            None
        } else {
            Some(pending)
        };
        Ok(DegradedRoll {
            created,
            old_key: old,
            pending,
        })
    }
}

fn conflict(message: &str) -> Error {
    Error::InvalidRequest {
        status: 409,
        message: message.to_owned(),
    }
}
