//! The authorization endpoint. A valid request waits for the owner's
//! decision on the consent page; the browser is sent back to the client
//! only with a decision, and never to a redirect URI the client did not
//! register.

use axum::extract::{FromRequest, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::page::{self, Consent};
use super::secret::{Kind, mint};
use super::{CODE_LIFETIME, REQUEST_LIFETIME, clients, redirect};
use crate::browser::is_cross_site;
use crate::client_address::client_address;
use crate::db::{NewRequest, OAuthSurface, StoredRequest};
use crate::extract::Path;
use crate::time::Timestamp;
use crate::verify::{self, Attempt};
use crate::{AppState, Error, time};

/// The length of an S256 challenge: base64url of 32 bytes, unpadded.
const CHALLENGE_LEN: usize = 43;

/// The longest `state` kept.
const MAX_STATE_CHARS: usize = 1000;

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    resource: Option<String>,
    scope: Option<String>,
    state: Option<String>,
}

/// `GET /oauth/authorize`: checks the request and shows the consent page.
pub async fn start(
    State(state): State<AppState>,
    params: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return refused_page("The authorization request's parameters could not be read.");
    };
    match begin(&state, params).await {
        Ok(response) | Err(response) => response,
    }
}

async fn begin(state: &AppState, params: Params) -> Result<Response, Response> {
    let now = time::now();
    let client_id = params
        .client_id
        .as_deref()
        .ok_or_else(|| refused_page("The request names no client (client_id)."))?;
    let client = clients::resolve(state, client_id, now)
        .await
        .map_err(|error| internal(&error))?
        .map_err(|why| refused_page(&format!("This client is not known: {why}.")))?;
    let redirect_uri = match params.redirect_uri.as_deref() {
        Some(uri) => uri,
        None if client.redirect_uris.len() == 1 => &client.redirect_uris[0],
        None => return Err(refused_page("The request names no redirect_uri.")),
    };
    if !client
        .redirect_uris
        .iter()
        .any(|registered| redirect::matches(registered, redirect_uri))
    {
        return Err(refused_page(
            "The redirect URI is not one this client registered, so nothing is sent there.",
        ));
    }
    // From here on, errors go back to the client.
    let back = |code: &'static str, description: &str| {
        error_redirect(
            redirect_uri,
            code,
            description,
            params.state.as_deref(),
            &state.config.base_url,
        )
    };
    if params.response_type.as_deref() != Some("code") {
        return Err(back(
            "unsupported_response_type",
            "only response_type=code is supported",
        ));
    }
    let challenge = params
        .code_challenge
        .as_deref()
        .ok_or_else(|| back("invalid_request", "PKCE is required: send code_challenge"))?;
    if params.code_challenge_method.as_deref() != Some("S256") {
        return Err(back(
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    if challenge.len() != CHALLENGE_LEN
        || !challenge
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    {
        return Err(back(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the verifier",
        ));
    }
    if params
        .state
        .as_deref()
        .is_some_and(|text| text.len() > MAX_STATE_CHARS)
    {
        return Err(back("invalid_request", "state is too long"));
    }
    let resource = params
        .resource
        .as_deref()
        .ok_or_else(|| back("invalid_target", "resource is required: the surface's URL"))?;
    let surface = surface_of(state, resource)
        .await
        .map_err(|error| internal(&error))?
        .ok_or_else(|| {
            back(
                "invalid_target",
                "resource is not the URL of a surface that accepts OAuth",
            )
        })?;
    let scopes = requested_scopes(params.scope.as_deref(), &surface.capabilities)
        .map_err(|why| back("invalid_scope", &why))?;
    if state
        .db
        .pending_oauth_request_count(now)
        .await
        .map_err(|error| internal(&error))?
        >= super::MAX_PENDING_REQUESTS
    {
        return Err(back(
            "temporarily_unavailable",
            "too many authorizations are waiting for the owner; try again later",
        ));
    }
    let new = NewRequest {
        surface_id: surface.id.clone(),
        product_id: surface.product_id.clone(),
        client_id: client.id.clone(),
        client_name: client.name.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        code_challenge: challenge.to_owned(),
        state: params.state.clone(),
    };
    let id = state
        .db
        .insert_oauth_request(&new, now, now + REQUEST_LIFETIME)
        .await
        .map_err(|error| internal(&error))?;
    let redirect_host = redirect::display_host(redirect_uri);
    Ok(page::consent(
        &Consent {
            request_id: &id,
            client_name: &client.name,
            redirect_host: &redirect_host,
            surface_name: &surface.name,
            scopes: &new.scopes,
            problem: None,
        },
        StatusCode::OK,
    ))
}

/// The surface whose MCP URL is `resource`, if its mode includes OAuth.
pub async fn surface_of(state: &AppState, resource: &str) -> Result<Option<OAuthSurface>, Error> {
    let Some((product_id, surface_id)) = parse_resource(&state.config.base_url, resource) else {
        return Ok(None);
    };
    Ok(state
        .db
        .oauth_surface(product_id, surface_id)
        .await?
        .filter(|surface| surface.auth_mode.accepts_oauth()))
}

/// The product and surface ids of a surface URL under `base_url`.
fn parse_resource<'a>(base_url: &str, resource: &'a str) -> Option<(&'a str, &'a str)> {
    let path = resource.strip_prefix(base_url)?;
    let rest = path.strip_prefix("/v1/products/")?;
    let (product_id, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("surfaces/")?;
    let surface_id = rest.strip_suffix("/mcp")?;
    let plain = |id: &str| {
        !id.is_empty()
            && id
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    };
    (plain(product_id) && plain(surface_id)).then_some((product_id, surface_id))
}

/// The scopes of `scope` (space-separated), each a capability of the
/// surface; none means all.
fn requested_scopes(scope: Option<&str>, capabilities: &[String]) -> Result<Vec<String>, String> {
    let mut scopes: Vec<String> = Vec::new();
    for name in scope.unwrap_or_default().split_ascii_whitespace() {
        if !capabilities.iter().any(|capability| capability == name) {
            return Err(format!("{name:?} is not a capability of this surface"));
        }
        if !scopes.iter().any(|scope| scope == name) {
            scopes.push(name.to_owned());
        }
    }
    Ok(scopes)
}

/// `GET /oauth/authorize/{id}`: the consent page while the owner decides,
/// then the way back to the client, once.
pub async fn resume(State(state): State<AppState>, Path(request_id): Path<String>) -> Response {
    match continue_request(&state, &request_id).await {
        Ok(response) => response,
        Err(error) => internal(&error),
    }
}

async fn continue_request(state: &AppState, request_id: &str) -> Result<Response, Error> {
    let now = time::now();
    let Some(request) = state.db.oauth_request(request_id).await? else {
        return Ok(unknown_request());
    };
    let iss = &state.config.base_url;
    Ok(match request.status.as_str() {
        "pending" if expired(&request, now)? => page::message(
            StatusCode::BAD_REQUEST,
            "This request expired",
            "Nobody decided in time. Start the connection again from your application.",
            None,
        ),
        "pending" => consent_page(state, &request, None, StatusCode::OK).await?,
        "approved" => {
            let code = mint(Kind::Code)?;
            let issued = state
                .db
                .complete_oauth_request(
                    request_id,
                    "approved",
                    Some((&code.fingerprint, now + CODE_LIFETIME)),
                )
                .await?;
            if !issued {
                return Ok(finished());
            }
            let mut parameters = vec![("code", code.text.expose().as_str())];
            if let Some(client_state) = request.state.as_deref() {
                parameters.push(("state", client_state));
            }
            parameters.push(("iss", iss.as_str()));
            Redirect::to(&redirect::with_parameters(
                &request.redirect_uri,
                &parameters,
            ))
            .into_response()
        }
        "denied" => {
            if !state
                .db
                .complete_oauth_request(request_id, "denied", None)
                .await?
            {
                return Ok(finished());
            }
            error_redirect(
                &request.redirect_uri,
                "access_denied",
                "the owner denied this authorization",
                request.state.as_deref(),
                iss,
            )
        }
        _ => finished(),
    })
}

#[derive(Debug, Deserialize)]
struct Decision {
    decision: String,
    key: Option<String>,
}

/// `POST /oauth/authorize/{id}`: the consent page's form.
pub async fn decide(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
    request: Request,
) -> Response {
    if is_cross_site(request.headers(), &state.config.base_url) {
        return page::message(
            StatusCode::FORBIDDEN,
            "Refused",
            "This form may only be sent from its own page.",
            None,
        );
    }
    let address = client_address(request.extensions());
    let Ok(axum::Form(decision)) = axum::Form::<Decision>::from_request(request, &()).await else {
        return refused_page("The form could not be read.");
    };
    match decide_request(&state, &request_id, decision, address).await {
        Ok(response) => response,
        Err(error) => internal(&error),
    }
}

async fn decide_request(
    state: &AppState,
    request_id: &str,
    decision: Decision,
    address: std::net::IpAddr,
) -> Result<Response, Error> {
    let now = time::now();
    let Some(request) = state.db.oauth_request(request_id).await? else {
        return Ok(unknown_request());
    };
    let next = format!("/oauth/authorize/{request_id}");
    if request.status != "pending" || expired(&request, now)? {
        return Ok(page::message(
            StatusCode::OK,
            "Already decided",
            "This request was decided already, or expired.",
            Some(&next),
        ));
    }
    if decision.decision == "deny" {
        state.db.deny_oauth_request(request_id, now).await?;
        return Ok(page::message(
            StatusCode::OK,
            "Denied",
            "The client was told that you denied it.",
            Some(&next),
        ));
    }
    if decision.decision != "approve" {
        return Ok(refused_page("The decision must be approve or deny."));
    }
    if let Err(wait) = state.limits.check_address(address) {
        return Ok(page::message(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts",
            &format!("Try again in {} seconds.", wait.as_secs().max(1)),
            None,
        ));
    }
    let attempt = Attempt {
        presented: decision.key.as_deref().map(str::trim),
        surface_id: Some(&request.surface_id),
        capability: None,
        consent: true,
    };
    let key = match verify::verify(&state.db, attempt, now).await? {
        Ok(key) if !crate::oauth::is_grant_id(&key.id) => key,
        Ok(_) | Err(_) => {
            // A guessed key counts like a refused MCP request.
            let _ = state.limits.record_failure(address);
            let problem = "That is not a valid API key of this surface. Approve in the app or with `mcp-keys oauth approve` instead, or paste a key of this surface.";
            return consent_page(state, &request, Some(problem), StatusCode::UNAUTHORIZED).await;
        }
    };
    let scopes = match within_key(&request.scope_list()?, &key.scopes) {
        Ok(scopes) => scopes,
        Err(problem) => {
            return consent_page(state, &request, Some(&problem), StatusCode::FORBIDDEN).await;
        }
    };
    let approved_by = format!("key:{}", key.id);
    if state
        .db
        .approve_oauth_request(request_id, &scopes, &approved_by, now)
        .await?
        .is_none()
    {
        return Ok(finished());
    }
    Ok(page::message(
        StatusCode::OK,
        "Approved",
        "Returning to the client…",
        Some(&next),
    ))
}

/// The scopes a key may approve: what was asked, within the key's own.
fn within_key(requested: &[String], key_scopes: &[String]) -> Result<Vec<String>, String> {
    if key_scopes.is_empty() {
        return Ok(requested.to_vec());
    }
    if requested.is_empty() {
        return Ok(key_scopes.to_vec());
    }
    let both: Vec<String> = requested
        .iter()
        .filter(|scope| key_scopes.contains(scope))
        .cloned()
        .collect();
    if both.is_empty() {
        return Err(
            "This key may not use any of the capabilities the client asked for.".to_owned(),
        );
    }
    Ok(both)
}

async fn consent_page(
    state: &AppState,
    request: &StoredRequest,
    problem: Option<&str>,
    status: StatusCode,
) -> Result<Response, Error> {
    let described = state.db.describe_request(request.clone()).await?;
    Ok(page::consent(
        &Consent {
            request_id: &described.id,
            client_name: &described.client_name,
            redirect_host: &described.redirect_host,
            surface_name: &described.surface_name,
            scopes: &described.scopes,
            problem,
        },
        status,
    ))
}

fn expired(request: &StoredRequest, now: Timestamp) -> Result<bool, Error> {
    Ok(time::from_millis(request.expires_at)? <= now)
}

/// 303 to the client with an error (RFC 6749 §4.1.2.1, with `iss`).
fn error_redirect(
    redirect_uri: &str,
    code: &str,
    description: &str,
    client_state: Option<&str>,
    iss: &str,
) -> Response {
    let mut parameters = vec![("error", code), ("error_description", description)];
    if let Some(client_state) = client_state {
        parameters.push(("state", client_state));
    }
    parameters.push(("iss", iss));
    Redirect::to(&redirect::with_parameters(redirect_uri, &parameters)).into_response()
}

fn refused_page(text: &str) -> Response {
    page::message(
        StatusCode::BAD_REQUEST,
        "This authorization cannot go on",
        text,
        None,
    )
}

fn unknown_request() -> Response {
    page::message(
        StatusCode::NOT_FOUND,
        "Unknown request",
        "This authorization request is not known here, or is long gone.",
        None,
    )
}

fn finished() -> Response {
    page::message(
        StatusCode::OK,
        "Done",
        "This authorization is complete. You can close this page.",
        None,
    )
}

fn internal(error: &Error) -> Response {
    tracing::error!(%error, "OAuth authorization failed");
    page::message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The key service could not go on; its log says why.",
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::{parse_resource, requested_scopes, within_key};

    #[test]
    fn surface_urls_give_their_ids() {
        let base = "http://127.0.0.1:7410";
        assert_eq!(
            parse_resource(
                base,
                "http://127.0.0.1:7410/v1/products/p1/surfaces/s-1/mcp"
            ),
            Some(("p1", "s-1"))
        );
        for other in [
            "http://127.0.0.1:7411/v1/products/p1/surfaces/s1/mcp",
            "http://127.0.0.1:7410/v1/products/p1/surfaces/s1/mcp/",
            "http://127.0.0.1:7410/v1/products/p1/surfaces/s1",
            "http://127.0.0.1:7410/v1/products/p/1/surfaces/s1/mcp",
        ] {
            assert_eq!(parse_resource(base, other), None, "{other}");
        }
    }

    #[test]
    fn scopes_are_capabilities_once_each() {
        let capabilities = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(requested_scopes(None, &capabilities), Ok(Vec::new()));
        assert_eq!(
            requested_scopes(Some("a b a"), &capabilities),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        assert!(requested_scopes(Some("c"), &capabilities).is_err());
    }

    #[test]
    fn a_key_approves_within_its_own_scopes() {
        let a = || vec!["a".to_owned()];
        let ab = || vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(within_key(&ab(), &[]), Ok(ab()));
        assert_eq!(within_key(&[], &a()), Ok(a()));
        assert_eq!(within_key(&ab(), &a()), Ok(a()));
        assert!(within_key(&["b".to_owned()], &a()).is_err());
    }
}
