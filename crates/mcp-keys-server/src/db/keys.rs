//! API keys, stored as fingerprints, and what verification needs of them.

use mcp_keys_core::{Environment, Fingerprint};
use sqlx::{Any, AnyConnection, AssertSqlSafe, FromRow, Transaction};

use super::events::{NewEvent, insert_event};
use super::inline::KEY_FOR_VERIFICATION;
use super::notify::Change;
use super::{Db, count, parse_stored};
use crate::Error;
use crate::api::{AuthMode, EventType, KeyMetadata, Page, PageRequest, SurfaceStatus};
use crate::time::{self, Timestamp};

/// A key to store: everything about it except the key itself.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// The key's public id.
    pub id: String,
    /// The surface it opens.
    pub surface_id: String,
    /// That surface's product.
    pub product_id: String,
    /// Its display name.
    pub name: String,
    /// The fingerprint that stands in for the key.
    pub fingerprint: Fingerprint,
    /// `mcp_<env>_<id>`.
    pub key_prefix: String,
    /// The last 4 characters.
    pub key_hint: String,
    /// The capabilities it may call; empty means all.
    pub scopes: Vec<String>,
    /// Its environment.
    pub environment: Environment,
    /// When it stops being accepted, if ever.
    pub expires_at: Option<Timestamp>,
    /// Requests allowed per minute, if limited.
    pub rate_limit_per_minute: Option<u32>,
    /// Requests allowed per day, if limited.
    pub rate_limit_per_day: Option<u32>,
}

/// A key as verification sees it: the key and the surface it belongs to,
/// read together in one query.
#[derive(Debug, Clone)]
pub struct StoredKey {
    /// The key's public id.
    pub id: String,
    /// Its surface.
    pub surface_id: String,
    /// Its product.
    pub product_id: String,
    /// What the presented key's fingerprint must equal.
    pub fingerprint: Fingerprint,
    /// Its environment.
    pub environment: Environment,
    /// Its scopes; empty means all.
    pub scopes: Vec<String>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
    /// When it expires.
    pub expires_at: Option<Timestamp>,
    /// Its surface's status.
    pub surface_status: SurfaceStatus,
    /// Its surface's environment.
    pub surface_environment: Environment,
    /// Its surface's authentication mode.
    pub surface_auth_mode: AuthMode,
    /// Requests allowed per minute, if limited.
    pub rate_limit_per_minute: Option<u32>,
    /// Requests allowed per day, if limited.
    pub rate_limit_per_day: Option<u32>,
}

#[derive(FromRow)]
pub(super) struct KeyRow {
    id: String,
    surface_id: String,
    product_id: String,
    name: String,
    key_prefix: String,
    key_hint: String,
    scopes: String,
    environment: String,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
    last_used_client: Option<String>,
    rate_limit_per_minute: Option<i64>,
    rate_limit_per_day: Option<i64>,
}

impl KeyRow {
    pub(super) const SELECT: &str = "SELECT id, surface_id, product_id, name, key_prefix, key_hint,
        scopes, environment, created_at, expires_at, revoked_at, last_used_at, last_used_client,
        rate_limit_per_minute, rate_limit_per_day FROM api_keys";

    pub(super) fn into_metadata(self, now: Timestamp) -> Result<KeyMetadata, Error> {
        let expires_at = time::from_millis_opt(self.expires_at)?;
        let revoked_at = time::from_millis_opt(self.revoked_at)?;
        Ok(KeyMetadata {
            is_active: revoked_at.is_none() && expires_at.is_none_or(|at| at > now),
            scopes: parse_scopes(&self.scopes)?,
            environment: parse_stored("key environment", &self.environment)?,
            created_at: time::from_millis(self.created_at)?,
            expires_at,
            revoked_at,
            last_used_at: time::from_millis_opt(self.last_used_at)?,
            rate_limit_per_minute: limit(self.rate_limit_per_minute)?,
            rate_limit_per_day: limit(self.rate_limit_per_day)?,
            id: self.id,
            surface_id: self.surface_id,
            product_id: self.product_id,
            name: self.name,
            key_prefix: self.key_prefix,
            key_hint: self.key_hint,
            last_used_client: self.last_used_client,
        })
    }
}

/// A key and its surface as a verification reads them.
#[derive(FromRow)]
pub(super) struct VerificationRow {
    pub id: String,
    pub surface_id: String,
    pub product_id: String,
    pub fingerprint: String,
    pub environment: String,
    pub scopes: String,
    pub revoked_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub surface_status: String,
    pub surface_environment: String,
    pub surface_auth_mode: String,
    pub rate_limit_per_minute: Option<i64>,
    pub rate_limit_per_day: Option<i64>,
}

impl Db {
    /// Stores a new key and its `key_created` event. `Ok(None)` when its id
    /// or fingerprint is taken: the caller generates another key.
    pub async fn insert_key(
        &self,
        new: &NewKey,
        now: Timestamp,
    ) -> Result<Option<KeyMetadata>, Error> {
        let mut tx = self.pool.begin().await?;
        if !insert(&mut tx, new, now).await? {
            return Ok(None);
        }
        insert_event(
            &mut *tx,
            &NewEvent::about_key(EventType::KeyCreated, new, now),
        )
        .await?;
        let metadata = fetch(&mut tx, &new.id, now).await?;
        tx.commit().await?;
        Ok(metadata)
    }

    /// One page of the keys of a surface, revoked and expired ones included.
    pub async fn list_keys(
        &self,
        surface_id: &str,
        page: &PageRequest,
    ) -> Result<Page<KeyMetadata>, Error> {
        let (after_millis, after_id) = page.after.clone().unwrap_or((i64::MIN, String::new()));
        let rows: Vec<KeyRow> = sqlx::query_as(AssertSqlSafe(format!(
            "{} WHERE surface_id = $1 AND (created_at > $2 OR (created_at = $2 AND id > $3))
             ORDER BY created_at, id LIMIT $4",
            KeyRow::SELECT
        )))
        .bind(surface_id)
        .bind(after_millis)
        .bind(after_id)
        .bind(i64::from(page.limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE surface_id = $1")
            .bind(surface_id)
            .fetch_one(&self.pool)
            .await?;
        let now = time::now();
        let keys = rows
            .into_iter()
            .map(|row| row.into_metadata(now))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.page(keys, count(total), |key| {
            (time::to_millis(key.created_at), key.id.clone())
        }))
    }

    /// The metadata of key `key_id`.
    pub async fn key(&self, key_id: &str) -> Result<Option<KeyMetadata>, Error> {
        let mut conn = self.pool.acquire().await?;
        fetch(&mut conn, key_id, time::now()).await
    }

    /// The metadata of the keys with these fingerprints, in no particular order.
    pub async fn keys_by_fingerprint(
        &self,
        fingerprints: &[Fingerprint],
    ) -> Result<Vec<(Fingerprint, KeyMetadata)>, Error> {
        let now = time::now();
        let mut found = Vec::new();
        // One indexed lookup per fingerprint: the list is short (capped by
        // the handler) and this keeps the SQL the same on every database.
        for fingerprint in fingerprints {
            let row: Option<KeyRow> = sqlx::query_as(AssertSqlSafe(format!(
                "{} WHERE fingerprint = $1",
                KeyRow::SELECT
            )))
            .bind(fingerprint.to_string())
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = row {
                found.push((*fingerprint, row.into_metadata(now)?));
            }
        }
        Ok(found)
    }

    /// What verification needs to know about key `key_id`, or `None` if
    /// there is no such key. Served from the cache when it was read less
    /// than `cache::TTL` ago and nothing invalidated it since.
    pub async fn key_for_verification(&self, key_id: &str) -> Result<Option<StoredKey>, Error> {
        if let Some(key) = self.cache.get(key_id) {
            return Ok(Some(key));
        }
        let ticket = self.cache.ticket();
        let key = self.read_key_for_verification(key_id).await?;
        if let Some(key) = &key {
            self.cache.insert(ticket, key.clone());
        }
        Ok(key)
    }

    async fn read_key_for_verification(&self, key_id: &str) -> Result<Option<StoredKey>, Error> {
        let inline = self.inline.as_ref().map(|inline| {
            inline.key_for_verification(key_id).inspect_err(|error| {
                tracing::debug!(%error, "inline verification read failed; reading through sqlx");
            })
        });
        let row = match inline {
            Some(Ok(row)) => row,
            None | Some(Err(_)) => {
                sqlx::query_as::<_, VerificationRow>(KEY_FOR_VERIFICATION)
                    .bind(key_id)
                    .fetch_optional(&self.pool)
                    .await?
            }
        };
        row.map(|row| {
            Ok(StoredKey {
                fingerprint: parse_stored("key fingerprint", &row.fingerprint)?,
                environment: parse_stored("key environment", &row.environment)?,
                scopes: parse_scopes(&row.scopes)?,
                revoked_at: time::from_millis_opt(row.revoked_at)?,
                expires_at: time::from_millis_opt(row.expires_at)?,
                surface_status: parse_stored("surface status", &row.surface_status)?,
                surface_environment: parse_stored("surface environment", &row.surface_environment)?,
                surface_auth_mode: parse_stored("surface auth mode", &row.surface_auth_mode)?,
                rate_limit_per_minute: limit(row.rate_limit_per_minute)?,
                rate_limit_per_day: limit(row.rate_limit_per_day)?,
                id: row.id,
                surface_id: row.surface_id,
                product_id: row.product_id,
            })
        })
        .transpose()
    }

    /// Revokes key `key_id` of surface `surface_id` and records it. Revoking
    /// twice keeps the first time. The change is committed and this
    /// instance's cache forgets the key before this returns, so every
    /// verification here that starts afterwards refuses the key; other
    /// instances are notified on commit.
    pub async fn revoke_key(
        &self,
        surface_id: &str,
        key_id: &str,
        now: Timestamp,
    ) -> Result<Option<KeyMetadata>, Error> {
        let mut tx = self.pool.begin().await?;
        let revoked = sqlx::query(
            "UPDATE api_keys SET revoked_at = $1
             WHERE id = $2 AND surface_id = $3 AND revoked_at IS NULL",
        )
        .bind(time::to_millis(now))
        .bind(key_id)
        .bind(surface_id)
        .execute(&mut *tx)
        .await?;
        let Some(metadata) = fetch(&mut tx, key_id, now).await? else {
            return Ok(None);
        };
        if metadata.surface_id != surface_id {
            return Ok(None);
        }
        if revoked.rows_affected() > 0 {
            let event = NewEvent {
                kind: EventType::KeyRevoked,
                product_id: Some(metadata.product_id.clone()),
                surface_id: Some(metadata.surface_id.clone()),
                key_id: Some(metadata.id.clone()),
                grant_id: None,
                reason: None,
                created_at: now,
                client: None,
                capability: None,
            };
            insert_event(&mut *tx, &event).await?;
            self.publish(&mut *tx, Change::Key(key_id)).await?;
        }
        tx.commit().await?;
        self.forget(Change::Key(key_id));
        Ok(Some(metadata))
    }

    /// Replaces key `old_id` by `new`: the old key now expires at
    /// `grace_end` (or earlier, if it already did), the new one is stored,
    /// both recorded. `Ok(None)` when the new key's id is taken.
    pub async fn roll_key(
        &self,
        old_id: &str,
        new: &NewKey,
        grace_end: Timestamp,
        now: Timestamp,
    ) -> Result<Option<(KeyMetadata, KeyMetadata)>, Error> {
        let mut tx = self.pool.begin().await?;
        // The write comes first so the transaction takes SQLite's write lock
        // at once instead of upgrading a read lock, which can fail under load.
        // Only an unrevoked key is rolled, decided inside this transaction:
        // the caller's earlier read may predate a revocation that committed
        // since, and the new key must not bring a revoked key's name, scopes
        // and limits back to life.
        let shortened = sqlx::query(
            "UPDATE api_keys SET expires_at = CASE
                 WHEN expires_at IS NOT NULL AND expires_at < $1 THEN expires_at ELSE $1 END
             WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(time::to_millis(grace_end))
        .bind(old_id)
        .execute(&mut *tx)
        .await?;
        if shortened.rows_affected() == 0 {
            return Err(Error::Conflict("a revoked key cannot be rolled".into()));
        }
        if !insert(&mut tx, new, now).await? {
            return Ok(None);
        }
        let rolled = NewEvent {
            kind: EventType::KeyRolled,
            product_id: Some(new.product_id.clone()),
            surface_id: Some(new.surface_id.clone()),
            key_id: Some(old_id.to_owned()),
            grant_id: None,
            reason: None,
            created_at: now,
            client: None,
            capability: None,
        };
        insert_event(&mut *tx, &rolled).await?;
        insert_event(
            &mut *tx,
            &NewEvent::about_key(EventType::KeyCreated, new, now),
        )
        .await?;
        let created = fetch(&mut tx, &new.id, now).await?;
        let old = fetch(&mut tx, old_id, now).await?;
        // The old key's expiry moved: cached copies must not outlive it.
        self.publish(&mut *tx, Change::Key(old_id)).await?;
        tx.commit().await?;
        self.forget(Change::Key(old_id));
        Ok(created.zip(old))
    }

    /// Records that key `key_id` was used by `client`.
    pub async fn record_use(
        &self,
        key_id: &str,
        client: Option<&str>,
        now: Timestamp,
    ) -> Result<(), Error> {
        sqlx::query(
            "UPDATE api_keys SET last_used_at = $1, last_used_client = COALESCE($2, last_used_client)
             WHERE id = $3",
        )
        .bind(time::to_millis(now))
        .bind(client)
        .bind(key_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Inserts `new`; false when its id or fingerprint is already taken.
async fn insert(
    tx: &mut Transaction<'_, Any>,
    new: &NewKey,
    now: Timestamp,
) -> Result<bool, Error> {
    let scopes = serde_json::to_string(&new.scopes)
        .map_err(|error| Error::Corrupt(format!("scopes: {error}")))?;
    let inserted = sqlx::query(
        "INSERT INTO api_keys (id, surface_id, product_id, name, fingerprint, key_prefix, key_hint,
             scopes, environment, created_at, expires_at, rate_limit_per_minute, rate_limit_per_day)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT DO NOTHING",
    )
    .bind(&new.id)
    .bind(&new.surface_id)
    .bind(&new.product_id)
    .bind(&new.name)
    .bind(new.fingerprint.to_string())
    .bind(&new.key_prefix)
    .bind(&new.key_hint)
    .bind(scopes)
    .bind(new.environment.as_str())
    .bind(time::to_millis(now))
    .bind(new.expires_at.map(time::to_millis))
    .bind(new.rate_limit_per_minute.map(i64::from))
    .bind(new.rate_limit_per_day.map(i64::from))
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The metadata of key `key_id`, read through `conn`.
async fn fetch(
    conn: &mut AnyConnection,
    key_id: &str,
    now: Timestamp,
) -> Result<Option<KeyMetadata>, Error> {
    let row: Option<KeyRow> =
        sqlx::query_as(AssertSqlSafe(format!("{} WHERE id = $1", KeyRow::SELECT)))
            .bind(key_id)
            .fetch_optional(conn)
            .await?;
    row.map(|row| row.into_metadata(now)).transpose()
}

/// The stored JSON list of scopes.
fn parse_scopes(text: &str) -> Result<Vec<String>, Error> {
    serde_json::from_str(text).map_err(|_| Error::Corrupt(format!("key scopes: {text:?}")))
}

/// A stored rate limit, which the service only writes from a `u32`.
fn limit(value: Option<i64>) -> Result<Option<u32>, Error> {
    value
        .map(|value| {
            u32::try_from(value).map_err(|_| Error::Corrupt(format!("rate limit {value}")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use mcp_keys_core::{ApiKey, Environment};

    use super::NewKey;
    use crate::api::SurfaceStatus;
    use crate::db::NewSurface;
    use crate::{Db, Error, time};

    fn new_key(surface_id: &str, product_id: &str) -> Result<(ApiKey, NewKey), Error> {
        let key = ApiKey::generate(Environment::Development)?;
        let new = NewKey {
            id: key.id().to_owned(),
            surface_id: surface_id.to_owned(),
            product_id: product_id.to_owned(),
            name: "ide".to_owned(),
            fingerprint: key.fingerprint(),
            key_prefix: key.key_prefix().to_owned(),
            key_hint: key.key_hint().to_owned(),
            scopes: Vec::new(),
            environment: Environment::Development,
            expires_at: None,
            rate_limit_per_minute: None,
            rate_limit_per_day: None,
        };
        Ok((key, new))
    }

    /// The roll route reads the key, then rolls it; a revocation can commit
    /// in between. The roll itself must then refuse.
    #[tokio::test]
    async fn a_roll_that_races_a_revocation_creates_no_key() -> Result<(), Error> {
        let db = Db::connect("sqlite::memory:").await?;
        let now = time::now();
        let product = db.create_product("P", now).await?;
        let surface = db
            .create_surface(
                &product.id,
                &NewSurface {
                    name: "S".to_owned(),
                    status: SurfaceStatus::Active,
                    environment: Environment::Development,
                    upstream: None,
                    auth_mode: crate::api::AuthMode::ApiKey,
                },
                now,
                "http://127.0.0.1",
            )
            .await?;
        let (_, old) = new_key(&surface.id, &product.id)?;
        db.insert_key(&old, now).await?;
        db.revoke_key(&surface.id, &old.id, now).await?;

        let (_, successor) = new_key(&surface.id, &product.id)?;
        let rolled = db.roll_key(&old.id, &successor, now, now).await;

        assert!(matches!(rolled, Err(Error::Conflict(_))), "{rolled:?}");
        assert!(
            db.key(&successor.id).await?.is_none(),
            "no key was created from the revoked one"
        );
        Ok(())
    }
}
