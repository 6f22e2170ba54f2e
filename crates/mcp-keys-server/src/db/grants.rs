//! OAuth grants and their tokens (DESIGN §9): issued, exchanged once,
//! verified, revoked. Tokens are stored as fingerprints only.

use mcp_keys_core::{Environment, Fingerprint};
use sqlx::{Any, FromRow, Transaction};

use super::events::insert_event;
use super::notify::Change;
use super::oauth::{Exchange, scopes};
use super::{Db, NewEvent, parse_stored};
use crate::Error;
use crate::api::{AuthMode, EventType, Grant, SurfaceStatus};
use crate::db::StoredKey;
use crate::oauth::redirect;
use crate::time::{self, Timestamp};

#[derive(FromRow)]
pub(super) struct GrantRow {
    id: String,
    product_id: String,
    surface_id: String,
    client_id: String,
    client_name: String,
    redirect_uri: String,
    scopes: String,
    approved_by: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl GrantRow {
    pub(super) fn into_grant(self) -> Result<Grant, Error> {
        Ok(Grant {
            redirect_host: redirect::display_host(&self.redirect_uri),
            scopes: scopes(&self.scopes)?,
            is_active: self.revoked_at.is_none(),
            created_at: time::from_millis(self.created_at)?,
            last_used_at: time::from_millis_opt(self.last_used_at)?,
            revoked_at: time::from_millis_opt(self.revoked_at)?,
            id: self.id,
            product_id: self.product_id,
            surface_id: self.surface_id,
            client_id: self.client_id,
            client_name: self.client_name,
            approved_by: self.approved_by,
        })
    }
}

const GRANT_COLUMNS: &str =
    "SELECT id, product_id, surface_id, client_id, client_name, redirect_uri, scopes,
        approved_by, created_at, last_used_at, revoked_at FROM oauth_grants";

/// A token with its grant and surface, as verification reads it.
#[derive(FromRow)]
struct TokenRow {
    kind: String,
    fingerprint: String,
    expires_at: i64,
    used_at: Option<i64>,
    token_revoked_at: Option<i64>,
    grant_id: String,
    client_id: String,
    surface_id: String,
    product_id: String,
    scopes: String,
    grant_revoked_at: Option<i64>,
    surface_status: String,
    surface_environment: String,
    surface_auth_mode: String,
}

const TOKEN_FOR_VERIFICATION: &str = "SELECT t.kind, t.fingerprint, t.expires_at, t.used_at,
        t.revoked_at AS token_revoked_at, g.id AS grant_id, g.client_id, g.surface_id,
        g.product_id, g.scopes, g.revoked_at AS grant_revoked_at,
        s.status AS surface_status, s.environment AS surface_environment,
        s.auth_mode AS surface_auth_mode
     FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
        JOIN surfaces s ON s.id = g.surface_id
     WHERE t.id = $1";

/// A token as its exchange or revocation sees it.
#[derive(Debug, Clone)]
pub struct StoredToken {
    /// `access` or `refresh`.
    pub kind: String,
    /// What the presented text's fingerprint must equal.
    pub fingerprint: Fingerprint,
    /// When it lapses.
    pub expires_at: Timestamp,
    /// A refresh token's exchange.
    pub used_at: Option<Timestamp>,
    /// The grant it belongs to.
    pub grant_id: String,
    /// The grant's client.
    pub client_id: String,
    /// What a request with it is checked against.
    pub verification: StoredKey,
}

impl TokenRow {
    fn into_token(self) -> Result<StoredToken, Error> {
        let surface_environment: Environment =
            parse_stored("surface environment", &self.surface_environment)?;
        let fingerprint: Fingerprint = parse_stored("token fingerprint", &self.fingerprint)?;
        let expires_at = time::from_millis(self.expires_at)?;
        let revoked_at = match (
            time::from_millis_opt(self.grant_revoked_at)?,
            time::from_millis_opt(self.token_revoked_at)?,
        ) {
            (Some(grant), _) => Some(grant),
            (None, token) => token,
        };
        Ok(StoredToken {
            kind: self.kind,
            fingerprint,
            expires_at,
            used_at: time::from_millis_opt(self.used_at)?,
            grant_id: self.grant_id.clone(),
            client_id: self.client_id,
            verification: StoredKey {
                id: self.grant_id,
                surface_id: self.surface_id,
                product_id: self.product_id,
                fingerprint,
                environment: surface_environment,
                scopes: scopes(&self.scopes)?,
                revoked_at,
                expires_at: Some(expires_at),
                surface_status: parse_stored::<SurfaceStatus>(
                    "surface status",
                    &self.surface_status,
                )?,
                surface_environment,
                surface_auth_mode: parse_stored::<AuthMode>(
                    "surface auth mode",
                    &self.surface_auth_mode,
                )?,
                rate_limit_per_minute: None,
                rate_limit_per_day: None,
            },
        })
    }
}

/// A grant and its surface, as an open session is checked.
#[derive(FromRow)]
struct GrantCheckRow {
    surface_id: String,
    product_id: String,
    scopes: String,
    revoked_at: Option<i64>,
    status: String,
    environment: String,
    auth_mode: String,
}

impl Db {
    /// Stores a token of grant `grant_id`.
    pub async fn insert_oauth_token(
        &self,
        grant_id: &str,
        kind: &str,
        minted: &crate::oauth::secret::Minted,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO oauth_tokens (id, grant_id, kind, fingerprint, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&minted.id)
        .bind(grant_id)
        .bind(kind)
        .bind(minted.fingerprint.to_string())
        .bind(time::to_millis(now))
        .bind(time::to_millis(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The token with public id `token_id`, uncached.
    pub async fn oauth_token(&self, token_id: &str) -> Result<Option<StoredToken>, Error> {
        let row: Option<TokenRow> = sqlx::query_as(TOKEN_FOR_VERIFICATION)
            .bind(token_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TokenRow::into_token).transpose()
    }

    /// The access token `token_id` as verification sees it, through this
    /// instance's cache (dropped when its grant is revoked).
    pub async fn access_token_for_verification(
        &self,
        token_id: &str,
    ) -> Result<Option<StoredKey>, Error> {
        let cache_key = format!("{}{token_id}", crate::oauth::TOKEN_CACHE_PREFIX);
        if let Some(key) = self.cache.get(&cache_key) {
            return Ok(Some(key));
        }
        let ticket = self.cache.ticket();
        let Some(token) = self.oauth_token(token_id).await? else {
            return Ok(None);
        };
        if token.kind != "access" {
            return Ok(None);
        }
        self.cache
            .insert_as(ticket, cache_key, token.verification.clone());
        Ok(Some(token.verification))
    }

    /// Exchanges the refresh token `token_id` (its fingerprint already
    /// compared) once. A second use revokes the grant.
    pub async fn use_refresh_token(
        &self,
        token_id: &str,
        now: Timestamp,
    ) -> Result<Exchange<()>, Error> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query(
            "UPDATE oauth_tokens SET used_at = $1
             WHERE id = $2 AND kind = 'refresh' AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(time::to_millis(now))
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() > 0 {
            tx.commit().await?;
            return Ok(Exchange::Fresh(()));
        }
        let grant_id: Option<String> = sqlx::query_scalar(
            "SELECT grant_id FROM oauth_tokens WHERE id = $1 AND used_at IS NOT NULL",
        )
        .bind(token_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(grant_id) = grant_id else {
            return Ok(Exchange::Invalid);
        };
        revoke_grant_in(&mut tx, &grant_id, now, "refresh_token_reused").await?;
        self.publish(&mut *tx, Change::Key(&grant_id)).await?;
        tx.commit().await?;
        self.forget(Change::Key(&grant_id));
        Ok(Exchange::Reused)
    }

    /// Revokes one token (RFC 7009); a refresh token revokes its grant.
    pub async fn revoke_oauth_token(
        &self,
        token_id: &str,
        token: &StoredToken,
        now: Timestamp,
    ) -> Result<(), Error> {
        if token.kind == "refresh" {
            let mut tx = self.pool.begin().await?;
            revoke_grant_in(&mut tx, &token.grant_id, now, "refresh_token_revoked").await?;
            self.publish(&mut *tx, Change::Key(&token.grant_id)).await?;
            tx.commit().await?;
            self.forget(Change::Key(&token.grant_id));
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE oauth_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(time::to_millis(now))
            .bind(token_id)
            .execute(&mut *tx)
            .await?;
        // Only this token's cached verification is stale.
        let cache_key = format!("{}{token_id}", crate::oauth::TOKEN_CACHE_PREFIX);
        self.publish(&mut *tx, Change::Key(&cache_key)).await?;
        tx.commit().await?;
        self.forget(Change::Key(&cache_key));
        Ok(())
    }

    /// The grants of a surface, newest first.
    pub async fn list_grants(
        &self,
        product_id: &str,
        surface_id: &str,
    ) -> Result<Vec<Grant>, Error> {
        let rows: Vec<GrantRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{GRANT_COLUMNS} WHERE surface_id = $1 AND product_id = $2 ORDER BY created_at DESC, id"
        )))
        .bind(surface_id)
        .bind(product_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(GrantRow::into_grant).collect()
    }

    /// Revokes grant `grant_id` of a surface; its tokens stop on this
    /// instance before this returns. `None` when there is no such grant.
    pub async fn revoke_grant(
        &self,
        product_id: &str,
        surface_id: &str,
        grant_id: &str,
        now: Timestamp,
    ) -> Result<Option<Grant>, Error> {
        let mut tx = self.pool.begin().await?;
        let Some(grant) = fetch_grant(&mut tx, grant_id).await? else {
            return Ok(None);
        };
        if grant.surface_id != surface_id || grant.product_id != product_id {
            return Ok(None);
        }
        revoke_grant_in(&mut tx, grant_id, now, "owner").await?;
        self.publish(&mut *tx, Change::Key(grant_id)).await?;
        let grant = fetch_grant(&mut tx, grant_id).await?;
        tx.commit().await?;
        self.forget(Change::Key(grant_id));
        grant.map(GrantRow::into_grant).transpose()
    }

    /// Grant `grant_id` as a session opened with it is checked (revoked,
    /// its surface's state), uncached.
    pub async fn grant_for_verification(&self, grant_id: &str) -> Result<Option<StoredKey>, Error> {
        let row: Option<GrantCheckRow> = sqlx::query_as(
            "SELECT g.surface_id, g.product_id, g.scopes, g.revoked_at,
                    s.status, s.environment, s.auth_mode
             FROM oauth_grants g JOIN surfaces s ON s.id = g.surface_id WHERE g.id = $1",
        )
        .bind(grant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let environment: Environment = parse_stored("surface environment", &row.environment)?;
            Ok(StoredKey {
                id: grant_id.to_owned(),
                surface_id: row.surface_id,
                product_id: row.product_id,
                // Never compared: sessions are checked, not presented tokens.
                fingerprint: Fingerprint::of(grant_id),
                environment,
                scopes: scopes(&row.scopes)?,
                revoked_at: time::from_millis_opt(row.revoked_at)?,
                expires_at: None,
                surface_status: parse_stored("surface status", &row.status)?,
                surface_environment: environment,
                surface_auth_mode: parse_stored("surface auth mode", &row.auth_mode)?,
                rate_limit_per_minute: None,
                rate_limit_per_day: None,
            })
        })
        .transpose()
    }

    /// Records that a token of grant `grant_id` was used now.
    pub async fn record_grant_use(&self, grant_id: &str, now: Timestamp) -> Result<(), Error> {
        sqlx::query("UPDATE oauth_grants SET last_used_at = $1 WHERE id = $2")
            .bind(time::to_millis(now))
            .bind(grant_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

pub(super) async fn fetch_grant(
    tx: &mut Transaction<'_, Any>,
    grant_id: &str,
) -> Result<Option<GrantRow>, Error> {
    Ok(sqlx::query_as::<_, GrantRow>(sqlx::AssertSqlSafe(format!(
        "{GRANT_COLUMNS} WHERE id = $1"
    )))
    .bind(grant_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Revokes a grant and its tokens inside `tx`, with a `grant_revoked` event
/// whose reason says why; nothing if it was revoked already.
pub(super) async fn revoke_grant_in(
    tx: &mut Transaction<'_, Any>,
    grant_id: &str,
    now: Timestamp,
    reason: &str,
) -> Result<(), Error> {
    let revoked =
        sqlx::query("UPDATE oauth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(time::to_millis(now))
            .bind(grant_id)
            .execute(&mut **tx)
            .await?;
    if revoked.rows_affected() == 0 {
        return Ok(());
    }
    sqlx::query(
        "UPDATE oauth_tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL",
    )
    .bind(time::to_millis(now))
    .bind(grant_id)
    .execute(&mut **tx)
    .await?;
    let grant = fetch_grant(tx, grant_id).await?;
    let event = NewEvent {
        kind: EventType::GrantRevoked,
        product_id: grant.as_ref().map(|grant| grant.product_id.clone()),
        surface_id: grant.as_ref().map(|grant| grant.surface_id.clone()),
        key_id: None,
        grant_id: Some(grant_id.to_owned()),
        reason: Some(reason.to_owned()),
        created_at: now,
        client: None,
        capability: None,
    };
    insert_event(&mut **tx, &event).await?;
    Ok(())
}
