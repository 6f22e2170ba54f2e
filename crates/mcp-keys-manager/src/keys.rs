//! Generating, revoking and rolling keys, with the local bookkeeping each
//! needs: rotation anchors and periods, pending revocations, the audit log.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use mcp_keys_client::{CreatedKey, KeyMetadata, NewKey, RollOutcome};
use mcp_keys_core::Environment;
use mcp_keys_store::{NewPendingRevocation, RotationPeriod};
use serde::Deserialize;
use ts_rs::TS;

use crate::session::Subject;
use crate::{Error, Session, SlotRefill};

/// What the user asks for when generating a key.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GenerateKey {
    /// A name that says who uses it ("MCP - Cursor").
    pub name: String,
    /// Its environment; the surface's when not given.
    pub environment: Option<Environment>,
    /// Capabilities it may call; empty means all of the surface's.
    pub scopes: Vec<String>,
    /// Days until it stops working; never when not given.
    pub expires_in_days: Option<u32>,
    /// How often it should be rolled (or never); the environment's default
    /// when not given.
    pub rotate_every: Option<RotationPeriod>,
}

/// A rolled key: the new key (shown once), the old key's new metadata, and
/// whether the server lacked the roll extension.
#[derive(Debug)]
pub struct Rolled {
    /// The new key.
    pub created: CreatedKey,
    /// The old key, expiring at the end of the grace period.
    pub old_key: KeyMetadata,
    /// The server had no roll endpoint: the new key was created and the old
    /// one will be revoked by this app or CLI when the grace period ends.
    pub degraded: bool,
    /// The keyring slots that held the old key, now holding the new one
    /// (DESIGN §8): the clients installed through them need no config edit.
    pub slots: Vec<SlotRefill>,
}

impl Session {
    /// Creates a key on the surface and remembers its rotation period.
    pub async fn generate_key(
        &self,
        product_id: &str,
        surface_id: &str,
        request: &GenerateKey,
        now: DateTime<Utc>,
    ) -> Result<CreatedKey, Error> {
        let name = request.name.trim();
        if name.is_empty() {
            return Err(Self::invalid("a key needs a name"));
        }
        let expires_at = request
            .expires_in_days
            .map(|days| {
                (days > 0)
                    .then(|| now + TimeDelta::days(i64::from(days)))
                    .ok_or_else(|| Self::invalid("a key must be valid for at least one day"))
            })
            .transpose()?;
        let mut new_key = NewKey::named(name);
        new_key.scopes = request.scopes.clone();
        new_key.environment = request.environment;
        new_key.expires_at = expires_at;
        let created = self
            .client
            .create_key(product_id, surface_id, &new_key)
            .await?;
        let key_id = created.metadata.id.clone();
        let store = self.manager.store();
        Self::keep(
            store
                .set_rotation_anchor(&key_id, created.metadata.created_at)
                .await,
            "rotation anchor",
        );
        if request.rotate_every.is_some() {
            Self::keep(
                store
                    .set_key_rotation_override(&key_id, request.rotate_every)
                    .await,
                "rotation period",
            );
        }
        self.audit(
            "key.create",
            Subject {
                product_id: Some(product_id),
                surface_id: Some(surface_id),
                key_id: Some(&key_id),
            },
            Some(format!("created key {:?}", created.metadata.name)),
            now,
        )
        .await;
        Ok(created)
    }

    /// Revokes a key; it is refused from the moment this returns. Returns
    /// its metadata when the server sends it back (ours does).
    pub async fn revoke_key(
        &self,
        product_id: &str,
        surface_id: &str,
        key_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<KeyMetadata>, Error> {
        let revoked = self
            .client
            .revoke_key(product_id, surface_id, key_id)
            .await?;
        self.audit(
            "key.revoke",
            Subject {
                product_id: Some(product_id),
                surface_id: Some(surface_id),
                key_id: Some(key_id),
            },
            None,
            now,
        )
        .await;
        Ok(revoked)
    }

    /// Replaces a key with a new one of the same settings; the old one keeps
    /// working for `grace`. Against a server without the roll extension the
    /// old key's revocation is kept in the local store and done by
    /// [`Session::complete_due_revocations`] when the grace period ends.
    pub async fn roll_key(
        &self,
        product_id: &str,
        surface_id: &str,
        key_id: &str,
        grace: Duration,
        now: DateTime<Utc>,
    ) -> Result<Rolled, Error> {
        let outcome = self
            .client
            .roll_key(product_id, surface_id, key_id, grace)
            .await?;
        let store = self.manager.store();
        if let (Some(pending), Some(connection_id)) =
            (outcome.pending_revocation(), self.connection_id())
        {
            Self::keep(
                store
                    .add_pending_revocation(
                        &NewPendingRevocation {
                            connection_id: connection_id.to_owned(),
                            product_id: pending.product_id.clone(),
                            surface_id: pending.surface_id.clone(),
                            key_id: pending.key_id.clone(),
                            revoke_at: pending.revoke_at,
                        },
                        now,
                    )
                    .await,
                "pending revocation",
            );
        }
        let degraded = outcome.is_degraded();
        let (created, old_key) = match outcome {
            RollOutcome::Rolled(rolled) => (rolled.created, rolled.old_key),
            RollOutcome::Degraded(degraded) => (degraded.created, degraded.old_key),
        };
        Self::keep(
            store
                .record_roll(
                    &old_key.id,
                    &created.metadata.id,
                    created.metadata.created_at,
                )
                .await,
            "rotation anchor",
        );
        self.audit(
            "key.roll",
            Subject {
                product_id: Some(product_id),
                surface_id: Some(surface_id),
                key_id: Some(key_id),
            },
            Some(format!(
                "rolled to key {}, grace {} s{}",
                created.metadata.id,
                grace.as_secs(),
                if degraded {
                    " (revocation kept locally)"
                } else {
                    ""
                }
            )),
            now,
        )
        .await;
        // The new key reaches the user whatever happens to the slots: a
        // slot that cannot be written says so in its refill.
        let slots = match self.manager.refill_slots(&old_key.id, &created, now).await {
            Ok(slots) => slots,
            Err(error) => {
                tracing::warn!(%error, "the keyring slots of the old key could not be listed");
                Vec::new()
            }
        };
        Ok(Rolled {
            created,
            old_key,
            degraded,
            slots,
        })
    }

    /// One key's metadata by its id alone: from the server's key lookup
    /// (an extension), else from the local cache of this connection.
    pub async fn find_key(&self, key_id: &str) -> Result<KeyMetadata, Error> {
        match self.client.get_key(key_id).await {
            Err(mcp_keys_client::Error::Unsupported { .. }) => {}
            other => return Ok(other?),
        }
        if let Some(connection_id) = self.connection_id() {
            let cached = self
                .manager
                .store()
                .cached_keys(connection_id, None)
                .await?;
            if let Some(key) = cached
                .into_iter()
                .filter(|entity| entity.id == key_id)
                .find_map(|entity| serde_json::from_value::<KeyMetadata>(entity.data).ok())
            {
                return Ok(key);
            }
        }
        Err(Self::invalid(format!(
            "this server cannot look a key up by id alone, and key {key_id} is not in the local \
             cache: list the surface's keys first (`mcp-keys keys list SURFACE`)"
        )))
    }

    /// Revokes the old keys of degraded rolls whose grace period has ended.
    /// Returns how many were revoked.
    pub async fn complete_due_revocations(&self, now: DateTime<Utc>) -> Result<usize, Error> {
        let Some(connection_id) = self.connection_id() else {
            return Ok(0);
        };
        let store = self.manager.store();
        let mut done = 0;
        for pending in store.due_revocations(now).await? {
            if pending.connection_id != connection_id {
                continue;
            }
            self.client
                .complete_revocation(&mcp_keys_client::PendingRevocation {
                    product_id: pending.product_id.clone(),
                    surface_id: pending.surface_id.clone(),
                    key_id: pending.key_id.clone(),
                    revoke_at: pending.revoke_at,
                })
                .await?;
            store.mark_revocation_done(pending.id, now).await?;
            done += 1;
        }
        Ok(done)
    }
}
