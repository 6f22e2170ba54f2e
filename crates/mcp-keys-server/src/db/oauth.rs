//! OAuth mode's storage (DESIGN §9): clients, authorization requests,
//! grants and tokens. Secrets are stored as fingerprints only.

use mcp_keys_core::{Environment, Fingerprint};
use sqlx::{Any, FromRow, Transaction};

use super::events::insert_event;
use super::notify::Change;
use super::{Db, NewEvent, parse_stored};
use crate::api::{AuthMode, EventType, Grant, OAuthRequest, SurfaceStatus};
use crate::db::StoredKey;
use crate::oauth::redirect;
use crate::time::{self, Timestamp};
use crate::{Error, ids};

/// A client the authorization server knows.
#[derive(Debug, Clone)]
pub struct StoredClient {
    /// Its `client_id`.
    pub id: String,
    /// `registered` or `metadata_document`.
    pub kind: String,
    /// The name it gave.
    pub name: String,
    /// Where its codes may go.
    pub redirect_uris: Vec<String>,
    /// A confidential client's secret, as a fingerprint.
    pub secret_fingerprint: Option<Fingerprint>,
    /// When a metadata document was fetched.
    pub fetched_at: Option<Timestamp>,
}

#[derive(FromRow)]
struct ClientRow {
    id: String,
    kind: String,
    name: String,
    redirect_uris: String,
    secret_fingerprint: Option<String>,
    fetched_at: Option<i64>,
}

/// A new authorization request, waiting for the owner.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The surface asked for.
    pub surface_id: String,
    /// Its product.
    pub product_id: String,
    /// The client.
    pub client_id: String,
    /// Its name.
    pub client_name: String,
    /// The redirect URI of the request (checked).
    pub redirect_uri: String,
    /// The capabilities asked for; empty is all.
    pub scopes: Vec<String>,
    /// PKCE's S256 challenge.
    pub code_challenge: String,
    /// The client's `state`, returned with the code.
    pub state: Option<String>,
}

/// An authorization request as stored.
#[derive(Debug, Clone, FromRow)]
pub struct StoredRequest {
    /// Its id.
    pub id: String,
    /// The surface.
    pub surface_id: String,
    /// Its product.
    pub product_id: String,
    /// The client.
    pub client_id: String,
    /// Its name.
    pub client_name: String,
    /// Where the answer goes.
    pub redirect_uri: String,
    /// JSON array of scopes.
    pub scopes: String,
    /// PKCE challenge.
    pub code_challenge: String,
    /// The client's state.
    pub state: Option<String>,
    /// pending | approved | denied | completed.
    pub status: String,
    /// The grant, once approved.
    pub grant_id: Option<String>,
    /// When the code was used.
    pub code_used_at: Option<i64>,
    /// When the code lapses.
    pub code_expires_at: Option<i64>,
    /// When it was made.
    pub created_at: i64,
    /// When it lapses unanswered.
    pub expires_at: i64,
}

impl StoredRequest {
    /// Its scopes.
    pub fn scope_list(&self) -> Result<Vec<String>, Error> {
        scopes(&self.scopes)
    }
}

#[derive(FromRow)]
struct GrantRow {
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
    fn into_grant(self) -> Result<Grant, Error> {
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

const REQUEST_COLUMNS: &str = "SELECT id, surface_id, product_id, client_id, client_name, redirect_uri, scopes,
        code_challenge, state, status, grant_id, code_used_at, code_expires_at, created_at, expires_at
        FROM oauth_requests";

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

/// A surface as the authorization server needs it.
#[derive(Debug, Clone)]
pub struct OAuthSurface {
    /// Its id.
    pub id: String,
    /// Its product.
    pub product_id: String,
    /// Its name.
    pub name: String,
    /// Its mode.
    pub auth_mode: AuthMode,
    /// Its capabilities: the scopes a client may ask for.
    pub capabilities: Vec<String>,
}

fn scopes(text: &str) -> Result<Vec<String>, Error> {
    serde_json::from_str(text).map_err(|error| Error::Corrupt(format!("scopes: {error}")))
}

fn scopes_text(scopes: &[String]) -> Result<String, Error> {
    serde_json::to_string(scopes).map_err(|error| Error::Corrupt(format!("scopes: {error}")))
}

/// What an exchanged code or refresh token turned out to be.
#[derive(Debug)]
pub enum Exchange<T> {
    /// Valid and now used.
    Fresh(T),
    /// Used before: its grant is now revoked.
    Reused,
    /// Unknown, expired, revoked, or not this client's.
    Invalid,
}

impl Db {
    /// The surface `surface_id` of product `product_id`, for OAuth.
    pub async fn oauth_surface(
        &self,
        product_id: &str,
        surface_id: &str,
    ) -> Result<Option<OAuthSurface>, Error> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT id, product_id, name, auth_mode FROM surfaces WHERE id = $1 AND product_id = $2",
        )
        .bind(surface_id)
        .bind(product_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, product_id, name, auth_mode)) = row else {
            return Ok(None);
        };
        Ok(Some(OAuthSurface {
            capabilities: self.capabilities(&id).await?,
            auth_mode: parse_stored("surface auth mode", &auth_mode)?,
            id,
            product_id,
            name,
        }))
    }

    /// The client `client_id`.
    pub async fn oauth_client(&self, client_id: &str) -> Result<Option<StoredClient>, Error> {
        let row: Option<ClientRow> = sqlx::query_as(
            "SELECT id, kind, name, redirect_uris, secret_fingerprint, fetched_at
             FROM oauth_clients WHERE id = $1",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(StoredClient {
                redirect_uris: serde_json::from_str(&row.redirect_uris)
                    .map_err(|error| Error::Corrupt(format!("redirect uris: {error}")))?,
                secret_fingerprint: row
                    .secret_fingerprint
                    .as_deref()
                    .map(|text| parse_stored("client secret fingerprint", text))
                    .transpose()?,
                fetched_at: time::from_millis_opt(row.fetched_at)?,
                id: row.id,
                kind: row.kind,
                name: row.name,
            })
        })
        .transpose()
    }

    /// Stores a client: a new registration, or a metadata document fetched
    /// again (replacing what was cached).
    pub async fn put_oauth_client(
        &self,
        client: &StoredClient,
        now: Timestamp,
    ) -> Result<(), Error> {
        let uris = serde_json::to_string(&client.redirect_uris)
            .map_err(|error| Error::Corrupt(format!("redirect uris: {error}")))?;
        sqlx::query(
            "INSERT INTO oauth_clients (id, kind, name, redirect_uris, secret_fingerprint, created_at, fetched_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (id) DO UPDATE SET name = $3, redirect_uris = $4, fetched_at = $7",
        )
        .bind(&client.id)
        .bind(&client.kind)
        .bind(&client.name)
        .bind(uris)
        .bind(client.secret_fingerprint.map(|fingerprint| fingerprint.to_string()))
        .bind(time::to_millis(now))
        .bind(client.fetched_at.map(time::to_millis))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many registered clients there are (registration is capped).
    pub async fn registered_client_count(&self) -> Result<u64, Error> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM oauth_clients WHERE kind = 'registered'")
                .fetch_one(&self.pool)
                .await?;
        Ok(super::count(total))
    }

    /// Stores a pending request lapsing at `expires_at`, with its
    /// `oauth_requested` event; returns its id.
    pub async fn insert_oauth_request(
        &self,
        new: &NewRequest,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<String, Error> {
        let id = ids::new_id();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO oauth_requests (id, surface_id, product_id, client_id, client_name,
                 redirect_uri, scopes, code_challenge, state, status, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)",
        )
        .bind(&id)
        .bind(&new.surface_id)
        .bind(&new.product_id)
        .bind(&new.client_id)
        .bind(&new.client_name)
        .bind(&new.redirect_uri)
        .bind(scopes_text(&new.scopes)?)
        .bind(&new.code_challenge)
        .bind(new.state.as_deref())
        .bind(time::to_millis(now))
        .bind(time::to_millis(expires_at))
        .execute(&mut *tx)
        .await?;
        let event = NewEvent {
            kind: EventType::OauthRequested,
            product_id: Some(new.product_id.clone()),
            surface_id: Some(new.surface_id.clone()),
            key_id: None,
            grant_id: None,
            reason: Some(new.client_name.clone()),
            created_at: now,
        };
        insert_event(&mut *tx, &event).await?;
        // Old requests go: a pending one lapses after minutes.
        sqlx::query("DELETE FROM oauth_requests WHERE expires_at < $1 AND status <> 'approved'")
            .bind(time::to_millis(now - chrono::TimeDelta::days(1)))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// How many requests wait at `now`.
    pub async fn pending_oauth_request_count(&self, now: Timestamp) -> Result<u64, Error> {
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM oauth_requests WHERE status = 'pending' AND expires_at > $1",
        )
        .bind(time::to_millis(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(super::count(total))
    }

    /// The request `request_id`.
    pub async fn oauth_request(&self, request_id: &str) -> Result<Option<StoredRequest>, Error> {
        Ok(
            sqlx::query_as::<_, StoredRequest>(sqlx::AssertSqlSafe(format!(
                "{REQUEST_COLUMNS} WHERE id = $1"
            )))
            .bind(request_id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// Every request still waiting at `now`, oldest first, with its surface's name.
    pub async fn pending_oauth_requests(&self, now: Timestamp) -> Result<Vec<OAuthRequest>, Error> {
        let rows: Vec<StoredRequest> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{REQUEST_COLUMNS} WHERE status = 'pending' AND expires_at > $1 ORDER BY created_at, id"
        )))
        .bind(time::to_millis(now))
        .fetch_all(&self.pool)
        .await?;
        let mut requests = Vec::with_capacity(rows.len());
        for row in rows {
            requests.push(self.describe_request(row).await?);
        }
        Ok(requests)
    }

    /// `row` for people: with its surface's name and redirect host.
    pub async fn describe_request(&self, row: StoredRequest) -> Result<OAuthRequest, Error> {
        let surface_name: Option<String> =
            sqlx::query_scalar("SELECT name FROM surfaces WHERE id = $1")
                .bind(&row.surface_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(OAuthRequest {
            surface_name: surface_name.unwrap_or_default(),
            redirect_host: redirect::display_host(&row.redirect_uri),
            scopes: row.scope_list()?,
            created_at: time::from_millis(row.created_at)?,
            expires_at: time::from_millis(row.expires_at)?,
            id: row.id,
            product_id: row.product_id,
            surface_id: row.surface_id,
            client_id: row.client_id,
            client_name: row.client_name,
            redirect_uri: row.redirect_uri,
        })
    }

    /// Approves a pending request with `scopes`: a grant, and its
    /// `grant_created` event. `None` when the request is no longer pending.
    pub async fn approve_oauth_request(
        &self,
        request_id: &str,
        scopes: &[String],
        approved_by: &str,
        now: Timestamp,
    ) -> Result<Option<Grant>, Error> {
        let mut tx = self.pool.begin().await?;
        let grant_id = format!("{}{}", crate::oauth::GRANT_ID_PREFIX, ids::new_id());
        let decided = sqlx::query(
            "UPDATE oauth_requests SET status = 'approved', grant_id = $1
             WHERE id = $2 AND status = 'pending' AND expires_at > $3",
        )
        .bind(&grant_id)
        .bind(request_id)
        .bind(time::to_millis(now))
        .execute(&mut *tx)
        .await?;
        if decided.rows_affected() == 0 {
            return Ok(None);
        }
        let request: StoredRequest = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{REQUEST_COLUMNS} WHERE id = $1"
        )))
        .bind(request_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO oauth_grants (id, surface_id, product_id, client_id, client_name,
                 redirect_uri, scopes, approved_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&grant_id)
        .bind(&request.surface_id)
        .bind(&request.product_id)
        .bind(&request.client_id)
        .bind(&request.client_name)
        .bind(&request.redirect_uri)
        .bind(scopes_text(scopes)?)
        .bind(approved_by)
        .bind(time::to_millis(now))
        .execute(&mut *tx)
        .await?;
        let event = NewEvent {
            kind: EventType::GrantCreated,
            product_id: Some(request.product_id.clone()),
            surface_id: Some(request.surface_id.clone()),
            key_id: approved_by.strip_prefix("key:").map(str::to_owned),
            grant_id: Some(grant_id.clone()),
            reason: Some(request.client_name.clone()),
            created_at: now,
        };
        insert_event(&mut *tx, &event).await?;
        let grant = fetch_grant(&mut tx, &grant_id).await?;
        tx.commit().await?;
        grant.map(GrantRow::into_grant).transpose()
    }

    /// Denies a pending request; false when it was not pending.
    pub async fn deny_oauth_request(
        &self,
        request_id: &str,
        now: Timestamp,
    ) -> Result<bool, Error> {
        let denied = sqlx::query(
            "UPDATE oauth_requests SET status = 'denied'
             WHERE id = $1 AND status = 'pending' AND expires_at > $2",
        )
        .bind(request_id)
        .bind(time::to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(denied.rows_affected() > 0)
    }

    /// Takes an approved or denied request to `completed`, storing the
    /// code's fingerprint for an approved one; false when it was not in
    /// `from` any more (the browser came back twice).
    pub async fn complete_oauth_request(
        &self,
        request_id: &str,
        from: &str,
        code: Option<(&Fingerprint, Timestamp)>,
    ) -> Result<bool, Error> {
        let completed = sqlx::query(
            "UPDATE oauth_requests SET status = 'completed', code_fingerprint = $1, code_expires_at = $2
             WHERE id = $3 AND status = $4",
        )
        .bind(code.map(|(fingerprint, _)| fingerprint.to_string()))
        .bind(code.map(|(_, expires_at)| time::to_millis(expires_at)))
        .bind(request_id)
        .bind(from)
        .execute(&self.pool)
        .await?;
        Ok(completed.rows_affected() > 0)
    }

    /// Uses the code with `fingerprint`, once: the request it was issued
    /// for. A code used twice revokes its grant.
    pub async fn redeem_code(
        &self,
        fingerprint: &Fingerprint,
        now: Timestamp,
    ) -> Result<Exchange<StoredRequest>, Error> {
        let mut tx = self.pool.begin().await?;
        let request: Option<StoredRequest> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{REQUEST_COLUMNS} WHERE code_fingerprint = $1"
        )))
        .bind(fingerprint.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(request) = request else {
            return Ok(Exchange::Invalid);
        };
        let Some(grant_id) = request.grant_id.clone() else {
            return Ok(Exchange::Invalid);
        };
        if request.code_used_at.is_some() {
            revoke_grant_in(&mut tx, &grant_id, now, "code_reused").await?;
            self.publish(&mut *tx, Change::Key(&grant_id)).await?;
            tx.commit().await?;
            self.forget(Change::Key(&grant_id));
            return Ok(Exchange::Reused);
        }
        if request
            .code_expires_at
            .is_none_or(|expires_at| expires_at <= time::to_millis(now))
        {
            return Ok(Exchange::Invalid);
        }
        sqlx::query("UPDATE oauth_requests SET code_used_at = $1 WHERE id = $2")
            .bind(time::to_millis(now))
            .bind(&request.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Exchange::Fresh(request))
    }

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
        self.publish(&mut *tx, Change::Everything).await?;
        tx.commit().await?;
        self.forget(Change::Everything);
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

async fn fetch_grant(
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
async fn revoke_grant_in(
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
    };
    insert_event(&mut **tx, &event).await?;
    Ok(())
}
