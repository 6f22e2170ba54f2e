//! RFC 7591 dynamic client registration, the fallback for clients that do
//! not publish a client ID metadata document.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::clients::{check_redirect_uris, clean_name};
use super::error::{OAuthError, no_store};
use super::secret::{Kind, mint};
use crate::db::StoredClient;
use crate::{AppState, time};

/// The most clients registration keeps; past it, registration refuses
/// (anyone may register, so this bounds what they can make the service store).
const MAX_REGISTERED_CLIENTS: u64 = 10_000;

/// The token endpoint authentication methods a registration may ask for.
const AUTH_METHODS: [&str; 3] = ["none", "client_secret_post", "client_secret_basic"];

#[derive(Debug, Deserialize)]
pub struct Registration {
    client_name: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
}

/// `POST /oauth/register`.
pub async fn register(
    State(state): State<AppState>,
    body: Result<Json<Registration>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, OAuthError> {
    let Json(registration) = body
        .map_err(|rejection| OAuthError::bad("invalid_client_metadata", rejection.body_text()))?;
    check_redirect_uris(&registration.redirect_uris)
        .map_err(|why| OAuthError::bad("invalid_redirect_uri", why))?;
    // RFC 7591 §2: client_secret_basic when unsaid.
    let method = registration
        .token_endpoint_auth_method
        .as_deref()
        .unwrap_or("client_secret_basic");
    if !AUTH_METHODS.contains(&method) {
        return Err(OAuthError::bad(
            "invalid_client_metadata",
            format!(
                "token_endpoint_auth_method must be one of {}",
                AUTH_METHODS.join(", ")
            ),
        ));
    }
    if let Some(grant_types) = &registration.grant_types
        && grant_types
            .iter()
            .any(|grant| grant != "authorization_code" && grant != "refresh_token")
    {
        return Err(OAuthError::bad(
            "invalid_client_metadata",
            "grant_types may hold only authorization_code and refresh_token",
        ));
    }
    if let Some(response_types) = &registration.response_types
        && response_types.iter().any(|kind| kind != "code")
    {
        return Err(OAuthError::bad(
            "invalid_client_metadata",
            "response_types may hold only code",
        ));
    }
    if state.db.registered_client_count().await? >= MAX_REGISTERED_CLIENTS {
        return Err(OAuthError::bad(
            "temporarily_unavailable",
            "this service has too many registered clients",
        ));
    }
    let now = time::now();
    let id = mint(Kind::ClientSecret)?.id;
    let client_id = format!("mcpo_client_{id}");
    let secret = (method != "none")
        .then(|| mint(Kind::ClientSecret))
        .transpose()?;
    let name = clean_name(registration.client_name.as_deref(), &client_id);
    let client = StoredClient {
        id: client_id.clone(),
        kind: "registered".to_owned(),
        name: name.clone(),
        redirect_uris: registration.redirect_uris.clone(),
        secret_fingerprint: secret.as_ref().map(|secret| secret.fingerprint),
        fetched_at: None,
    };
    state.db.put_oauth_client(&client, now).await?;
    let mut answer = json!({
        "client_id": client_id,
        "client_id_issued_at": now.timestamp(),
        "client_name": name,
        "redirect_uris": registration.redirect_uris,
        "token_endpoint_auth_method": method,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    });
    if let Some(secret) = &secret {
        answer["client_secret"] = json!(secret.text.expose());
        answer["client_secret_expires_at"] = json!(0);
    }
    Ok(no_store(
        (StatusCode::CREATED, Json(answer)).into_response(),
    ))
}
