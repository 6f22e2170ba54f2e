//! The token endpoint: codes (with PKCE S256) and refresh tokens (rotating,
//! a reused one revokes its grant) for access tokens bound to one surface.

use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use mcp_keys_core::{Fingerprint, constant_time_eq};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::error::{OAuthError, no_store};
use super::secret::{Kind, id_of, mint};
use super::{REFRESH_TOKEN_LIFETIME, clients};
use crate::db::{Exchange, StoredClient, surface_url};
use crate::time::Timestamp;
use crate::{AppState, time};

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    resource: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    token: Option<String>,
}

/// The form of a token or revocation request, or `invalid_request`.
pub async fn form(request: Request) -> Result<(HeaderMap, TokenForm), OAuthError> {
    let headers = request.headers().clone();
    let axum::Form(form) = axum::Form::<TokenForm>::from_request(request, &())
        .await
        .map_err(|rejection| OAuthError::request(rejection.body_text()))?;
    Ok((headers, form))
}

impl TokenForm {
    /// The token of a revocation request.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

/// The client a token or revocation request comes from: its id from the
/// form or HTTP Basic, and its secret checked when it has one.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    form: &TokenForm,
    now: Timestamp,
) -> Result<StoredClient, OAuthError> {
    let basic = basic_credentials(headers);
    let (client_id, secret) = match (&basic, form.client_id.as_deref()) {
        (Some((id, secret)), _) => (id.as_str(), Some(secret.as_str())),
        (None, Some(id)) => (id, form.client_secret.as_deref()),
        (None, None) => return Err(OAuthError::client("no client_id was sent")),
    };
    let client = clients::resolve(state, client_id, now)
        .await?
        .map_err(OAuthError::client)?;
    if let Some(expected) = &client.secret_fingerprint {
        let presented =
            secret.ok_or_else(|| OAuthError::client("this client must send its client_secret"))?;
        // Fingerprint equality is constant-time.
        if Fingerprint::of(presented) != *expected {
            return Err(OAuthError::client("the client_secret is wrong"));
        }
    }
    Ok(client)
}

/// `client_id:client_secret` of an `Authorization: Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}

/// `POST /oauth/token`.
pub async fn token(State(state): State<AppState>, request: Request) -> Response {
    match exchange(&state, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn exchange(state: &AppState, request: Request) -> Result<Response, OAuthError> {
    let now = time::now();
    let (headers, form) = form(request).await?;
    let client = authenticate(state, &headers, &form, now).await?;
    match form.grant_type.as_deref() {
        Some("authorization_code") => by_code(state, &client, &form, now).await,
        Some("refresh_token") => by_refresh(state, &client, &form, now).await,
        Some(_) => Err(OAuthError::bad(
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        )),
        None => Err(OAuthError::request("grant_type is missing")),
    }
}

async fn by_code(
    state: &AppState,
    client: &StoredClient,
    form: &TokenForm,
    now: Timestamp,
) -> Result<Response, OAuthError> {
    let code = form
        .code
        .as_deref()
        .filter(|code| id_of(Kind::Code, code).is_some())
        .ok_or_else(|| OAuthError::grant("the code is missing or malformed"))?;
    let request = match state.db.redeem_code(&Fingerprint::of(code), now).await? {
        Exchange::Fresh(request) => request,
        Exchange::Reused => {
            return Err(OAuthError::grant(
                "this code was used before; the grant it came with is revoked",
            ));
        }
        Exchange::Invalid => return Err(OAuthError::grant("the code is unknown or expired")),
    };
    if request.client_id != client.id {
        return Err(OAuthError::grant("the code was issued to another client"));
    }
    if form
        .redirect_uri
        .as_deref()
        .is_some_and(|uri| uri != request.redirect_uri)
    {
        return Err(OAuthError::grant(
            "redirect_uri is not the one of the authorization request",
        ));
    }
    let verifier = form
        .code_verifier
        .as_deref()
        .ok_or_else(|| OAuthError::grant("code_verifier is missing"))?;
    if !pkce_matches(verifier, &request.code_challenge) {
        return Err(OAuthError::grant(
            "the code_verifier does not match the code_challenge",
        ));
    }
    let resource = surface_url(
        &state.config.base_url,
        &request.product_id,
        &request.surface_id,
    );
    check_resource(form, &resource)?;
    let grant_id = request
        .grant_id
        .as_deref()
        .ok_or_else(|| OAuthError::grant("the code has no grant"))?;
    issue(
        state,
        grant_id,
        &request.surface_id,
        &request.scope_list()?,
        now,
    )
    .await
}

async fn by_refresh(
    state: &AppState,
    client: &StoredClient,
    form: &TokenForm,
    now: Timestamp,
) -> Result<Response, OAuthError> {
    let invalid = || OAuthError::grant("the refresh token is unknown, expired or revoked");
    let text = form
        .refresh_token
        .as_deref()
        .ok_or_else(|| OAuthError::request("refresh_token is missing"))?;
    let token_id = id_of(Kind::Refresh, text).ok_or_else(invalid)?;
    let token = state.db.oauth_token(token_id).await?.ok_or_else(invalid)?;
    if token.kind != "refresh" || token.fingerprint != Fingerprint::of(text) {
        return Err(invalid());
    }
    if token.client_id != client.id {
        return Err(OAuthError::grant(
            "the refresh token was issued to another client",
        ));
    }
    let grant = &token.verification;
    if grant.revoked_at.is_some() && token.used_at.is_none() || token.expires_at <= now {
        return Err(invalid());
    }
    let resource = surface_url(&state.config.base_url, &grant.product_id, &grant.surface_id);
    check_resource(form, &resource)?;
    if let Some(scope) = form.scope.as_deref()
        && !grant.scopes.is_empty()
        && scope
            .split_ascii_whitespace()
            .any(|name| !grant.scopes.iter().any(|granted| granted == name))
    {
        return Err(OAuthError::bad(
            "invalid_scope",
            "a refresh may not widen the grant's scopes",
        ));
    }
    match state.db.use_refresh_token(token_id, now).await? {
        Exchange::Fresh(()) => {}
        Exchange::Reused => {
            return Err(OAuthError::grant(
                "this refresh token was used before; its grant is now revoked",
            ));
        }
        Exchange::Invalid => return Err(invalid()),
    }
    issue(
        state,
        &token.grant_id,
        &grant.surface_id,
        &grant.scopes,
        now,
    )
    .await
}

/// A `resource` in a token request must be the grant's surface.
fn check_resource(form: &TokenForm, resource: &str) -> Result<(), OAuthError> {
    if form
        .resource
        .as_deref()
        .is_some_and(|given| given != resource)
    {
        return Err(OAuthError::bad(
            "invalid_target",
            "resource is not the surface this grant is for",
        ));
    }
    Ok(())
}

/// Whether `verifier` is a valid PKCE verifier whose S256 is `challenge`.
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let valid = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte));
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    valid && constant_time_eq(computed.as_bytes(), challenge.as_bytes())
}

/// A new access token and refresh token of grant `grant_id`.
async fn issue(
    state: &AppState,
    grant_id: &str,
    surface_id: &str,
    scopes: &[String],
    now: Timestamp,
) -> Result<Response, OAuthError> {
    let lifetime = state.config.access_token_lifetime;
    let access = mint(Kind::Access)?;
    let refresh = mint(Kind::Refresh)?;
    state
        .db
        .insert_oauth_token(
            grant_id,
            "access",
            &access,
            now,
            now + chrono::TimeDelta::from_std(lifetime).unwrap_or(chrono::TimeDelta::minutes(15)),
        )
        .await?;
    state
        .db
        .insert_oauth_token(
            grant_id,
            "refresh",
            &refresh,
            now,
            now + REFRESH_TOKEN_LIFETIME,
        )
        .await?;
    let scope = if scopes.is_empty() {
        state.db.capabilities(surface_id).await?.join(" ")
    } else {
        scopes.join(" ")
    };
    let body = json!({
        "access_token": access.text.expose(),
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "refresh_token": refresh.text.expose(),
        "scope": scope,
    });
    Ok(no_store(axum::Json(body).into_response()))
}

#[cfg(test)]
mod tests {
    use super::pkce_matches;

    #[test]
    fn the_rfc_7636_example_matches() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx",
            challenge
        ));
        assert!(!pkce_matches("short", challenge));
    }
}
