//! OAuth mode's storage (DESIGN §9): clients and authorization requests;
//! grants and their tokens are in `grants.rs`. Secrets are stored as
//! fingerprints only.

use mcp_keys_core::Fingerprint;
use sqlx::FromRow;

use super::events::insert_event;
use super::grants::{GrantRow, fetch_grant, revoke_grant_in};
use super::notify::Change;
use super::{Db, NewEvent, parse_stored};
use crate::api::{AuthMode, EventType, Grant, OAuthRequest};
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

const REQUEST_COLUMNS: &str = "SELECT id, surface_id, product_id, client_id, client_name, redirect_uri, scopes,
        code_challenge, state, status, grant_id, code_used_at, code_expires_at, created_at, expires_at
        FROM oauth_requests";

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

pub(super) fn scopes(text: &str) -> Result<Vec<String>, Error> {
    serde_json::from_str(text).map_err(|error| Error::Corrupt(format!("scopes: {error}")))
}

pub(super) fn scopes_text(scopes: &[String]) -> Result<String, Error> {
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

    /// The authentication mode of surface `surface_id` of product
    /// `product_id`; `None` when there is no such surface.
    pub async fn surface_auth_mode(
        &self,
        product_id: &str,
        surface_id: &str,
    ) -> Result<Option<AuthMode>, Error> {
        let mode: Option<String> =
            sqlx::query_scalar("SELECT auth_mode FROM surfaces WHERE id = $1 AND product_id = $2")
                .bind(surface_id)
                .bind(product_id)
                .fetch_optional(&self.pool)
                .await?;
        mode.map(|mode| parse_stored("surface auth mode", &mode))
            .transpose()
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
            client: None,
            capability: None,
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
            client: None,
            capability: None,
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
}
