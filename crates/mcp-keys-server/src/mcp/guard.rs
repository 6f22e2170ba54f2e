//! Authentication in front of the MCP endpoint: every request, in the order
//! of DESIGN §4, before rmcp sees it.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::origin;
use super::peek::Peek;
use super::refusal::{Answer, Challenge};
use super::sessions::SESSION_HEADER;
use super::tools::{Caller, Gatewayed};
use crate::api::EventType;
use crate::bearer::{Bearer, bearer};
use crate::client_address::client_address;
use crate::db::{NewEvent, StoredKey};
use crate::extract::Path;
use crate::verify::{self, Attempt, Refusal, Refused};
use crate::{AppState, Error, time};

/// Query parameter names that carry credentials in other APIs.
const CREDENTIAL_PARAMETERS: [&str; 5] = ["key", "api_key", "apikey", "token", "access_token"];

/// The longest client name kept as `lastUsedClient`.
const MAX_CLIENT_CHARS: usize = 200;

/// What the guard established about every request it lets through.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The key it came with.
    pub key_id: String,
    /// Whether it is an `initialize`.
    pub initialize: bool,
}

/// Lets a request through to rmcp only with a key that passes every check,
/// with a [`Caller`] attached; answers everything else itself.
pub async fn guard(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
    request: Request,
    next: Next,
) -> Response {
    match authenticate(&state, &product_id, &surface_id, request).await {
        Ok(request) => next.run(request).await,
        Err(answer) => answer.into_response(),
    }
}

async fn authenticate(
    state: &AppState,
    product_id: &str,
    surface_id: &str,
    request: Request,
) -> Result<Request, Answer> {
    // The URL is not logged anywhere, so a key found here goes no further.
    if key_in_query(request.uri()) {
        return Err(Answer::KeyInQuery);
    }
    if !origin::allowed(request.headers(), &state.config.allowed_origins) {
        return Err(Answer::Origin);
    }
    let address = client_address(request.extensions());

    let (mut parts, body) = request.into_parts();
    let body = to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| Answer::PayloadTooLarge)?;
    let peek = Peek::of(&body);
    let now = time::now();

    let outcome = match bearer(&parts.headers) {
        Bearer::Malformed => Err(Refused {
            refusal: Refusal::Malformed,
            key: None,
        }),
        credential => {
            let presented = match credential {
                Bearer::Credential(text) => Some(text),
                Bearer::Missing | Bearer::Malformed => None,
            };
            let attempt = Attempt {
                presented,
                surface_id: Some(surface_id),
                capability: peek.capability.as_deref(),
                consent: false,
            };
            verify::verify(&state.db, attempt, now)
                .await
                .map_err(internal)?
        }
    };
    let key = match outcome {
        Ok(key) if key.product_id == product_id => key,
        // The surface exists, but not under this product.
        Ok(_) => return Err(Answer::NotFound),
        Err(refused) => {
            let caller = RefusedCaller {
                client: refused_client(state, &refused, &peek, &parts.headers),
                capability: (refused.refusal == Refusal::Scope)
                    .then(|| peek.capability.clone())
                    .flatten(),
            };
            return Err(refuse(state, product_id, surface_id, address, refused, caller).await);
        }
    };

    state
        .limits
        .check_key(&key)
        .map_err(|(limit, wait)| Answer::RateLimited {
            reason: limit.reason(),
            wait,
        })?;
    let client = state
        .usage
        .client(
            &key.id,
            peek.client_name.as_deref(),
            user_agent(&parts.headers),
        )
        .map(|client| client.chars().take(MAX_CLIENT_CHARS).collect::<String>());
    if state.usage.should_record(&key.id, client.as_deref()) {
        // A failed bookkeeping write must not fail the request it describes.
        let recorded = if crate::oauth::is_grant_id(&key.id) {
            state.db.record_grant_use(&key.id, now).await
        } else {
            state.db.record_use(&key.id, client.as_deref(), now).await
        };
        if let Err(error) = recorded {
            tracing::warn!(%error, key_id = %key.id, "could not record key use");
        }
    }
    parts.extensions.insert(Authenticated {
        key_id: key.id.clone(),
        initialize: peek.method.as_deref() == Some("initialize"),
    });
    // A request naming a session that lives elsewhere may be the one this
    // instance takes it over with, which replays `initialize`: that needs
    // the caller too.
    let taking_over = parts
        .headers
        .get(SESSION_HEADER)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|session_id| !state.sessions.is_here(session_id));
    if peek.needs_caller() || taking_over {
        parts.extensions.insert(caller(state, &key, client).await?);
    }
    Ok(Request::from_parts(parts, Body::from(body)))
}

/// Who was refused, for the audit event (DESIGN §10 names the client).
struct RefusedCaller {
    /// As it named itself, or its User-Agent.
    client: Option<String>,
    /// The capability refused, for a `scope` refusal.
    capability: Option<String>,
}

/// The client a refused request came from: its `clientInfo` name (in an
/// `initialize`), else the name given earlier with the same key and
/// User-Agent, else its User-Agent.
fn refused_client(
    state: &AppState,
    refused: &Refused,
    peek: &Peek,
    headers: &HeaderMap,
) -> Option<String> {
    let user_agent = user_agent(headers);
    let client = match &refused.key {
        Some(key) => state
            .usage
            .client(&key.id, peek.client_name.as_deref(), user_agent),
        None => peek
            .client_name
            .as_deref()
            .or(user_agent)
            .map(str::to_owned),
    };
    client.map(|client| client.chars().take(MAX_CLIENT_CHARS).collect())
}

/// Counts, records and answers a refused attempt.
async fn refuse(
    state: &AppState,
    product_id: &str,
    surface_id: &str,
    address: std::net::IpAddr,
    refused: Refused,
    caller: RefusedCaller,
) -> Answer {
    // Only a refused attempt meets the per-address limit: a valid key is
    // never refused because others at the same address (every local
    // program shares 127.0.0.1) failed.
    if let Err(wait) = state
        .limits
        .check_address(address)
        .and_then(|()| state.limits.record_failure(address))
    {
        return Answer::RateLimited {
            reason: "too_many_failures",
            wait,
        };
    }
    let auth_mode = match state.db.surface_auth_mode(product_id, surface_id).await {
        Ok(Some(auth_mode)) => auth_mode,
        Ok(None) => return Answer::NotFound,
        Err(error) => return internal(error),
    };
    let reason = refused.refusal.reason();
    let (grant_id, key_id) = match refused.key.as_ref().map(|key| key.id.clone()) {
        Some(id) if crate::oauth::is_grant_id(&id) => (Some(id), None),
        id => (None, id),
    };
    tracing::info!(
        reason,
        key_id = key_id.as_deref(),
        grant_id = grant_id.as_deref(),
        surface_id,
        "MCP request refused"
    );
    let event = NewEvent {
        kind: EventType::AuthFailed,
        product_id: Some(product_id.to_owned()),
        surface_id: Some(surface_id.to_owned()),
        key_id,
        grant_id,
        reason: Some(reason.to_owned()),
        created_at: time::now(),
        client: caller.client,
        capability: caller.capability,
    };
    if let Err(error) = state.db.record_event(&event).await {
        tracing::warn!(%error, "could not record a failed authentication");
    }
    // Only a surface that takes OAuth says where its metadata is (DESIGN §9):
    // some clients drop a configured key header once a server advertises OAuth.
    // The capabilities are read only then: a refusal on a key-only surface
    // costs one lookup, as before OAuth mode.
    let oauth = if auth_mode.accepts_oauth() {
        match state.db.capabilities(surface_id).await {
            Ok(capabilities) => Some(Challenge {
                resource_metadata: crate::oauth::resource_metadata_url(
                    &state.config.base_url,
                    product_id,
                    surface_id,
                ),
                scope: capabilities.join(" "),
            }),
            Err(error) => return internal(error),
        }
    } else {
        None
    };
    Answer::Refused(refused.refusal, oauth)
}

/// What `key` may see: with an upstream, the upstream's tools within the
/// key's scopes; without, its surface's capabilities within them.
async fn caller(
    state: &AppState,
    key: &StoredKey,
    client: Option<String>,
) -> Result<Caller, Answer> {
    let scopes: Arc<[String]> = key.scopes.iter().cloned().collect();
    if let Some(upstream) = state
        .db
        .surface_upstream(&key.surface_id)
        .await
        .map_err(internal)?
    {
        return Ok(Caller {
            tools: Arc::from([]),
            scopes,
            upstream: Some(Gatewayed {
                product_id: key.product_id.clone(),
                surface_id: key.surface_id.clone(),
                upstream,
                upstreams: Arc::clone(&state.upstreams),
                key_id: key.id.clone(),
                client,
                calls: Arc::clone(&state.calls),
            }),
        });
    }
    let capabilities = state
        .db
        .capabilities(&key.surface_id)
        .await
        .map_err(internal)?;
    let tools: Arc<[String]> = capabilities
        .into_iter()
        .filter(|capability| verify::allows(&key.scopes, capability))
        .collect();
    Ok(Caller {
        tools,
        scopes,
        upstream: None,
    })
}

/// Whether the query string carries something that looks like a credential.
fn key_in_query(uri: &Uri) -> bool {
    let Some(query) = uri.query() else {
        return false;
    };
    let Ok(axum::extract::Query(pairs)) =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
    else {
        // Undecodable: judge the raw text instead.
        return query.contains("mcp_") || query.contains("mgmt_") || query.contains("mcpo_");
    };
    pairs.iter().any(|(name, value)| {
        CREDENTIAL_PARAMETERS.contains(&name.to_ascii_lowercase().as_str())
            || value.contains("mcp_")
            || value.contains("mgmt_")
            || value.contains("mcpo_")
    })
}

fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|agent| !agent.is_empty())
}

/// Logs a database failure and answers 500 without its details.
fn internal(error: Error) -> Answer {
    tracing::error!(%error, "MCP authentication failed internally");
    Answer::Internal
}

#[cfg(test)]
mod tests {
    use axum::http::Uri;

    use super::key_in_query;

    #[test]
    fn keys_and_credential_parameters_in_the_query_are_found() {
        for uri in [
            "/mcp?key=abc",
            "/mcp?Access_Token=abc",
            "/mcp?x=mcp_dev_abc",
            "/mcp?x=mcp%5Fdev_abc",
            "/mcp?x=mgmt_abc",
        ] {
            assert!(key_in_query(&Uri::from_static(uri)), "{uri}");
        }
    }

    #[test]
    fn ordinary_queries_are_not_keys() {
        for uri in ["/mcp", "/mcp?", "/mcp?debug=1"] {
            assert!(!key_in_query(&Uri::from_static(uri)), "{uri}");
        }
    }
}
