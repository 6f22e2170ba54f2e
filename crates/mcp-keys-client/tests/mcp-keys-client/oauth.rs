//! OAuth mode (DESIGN §9): pending authorizations, approval into a grant,
//! denial, a surface's grants and their revocation. Against a stand-in of
//! the management routes, which answers lists in both shapes the client
//! reads (a bare array for requests, a page for grants), and against a
//! server without OAuth mode.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Result;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use mcp_keys_client::{Client, Error};
use mcp_keys_core::Sensitive;
use serde_json::{Value, json};

use crate::support::{fast, serve_router};

const PRODUCT: &str = "prod_1";
const SURFACE: &str = "surf_1";

/// What the stand-in holds and saw.
#[derive(Default)]
struct Standin {
    requests: Mutex<Vec<Value>>,
    grants: Mutex<Vec<Value>>,
    /// The bodies of approvals, as sent.
    approvals: Mutex<Vec<Value>>,
    /// Approvals of `flaky`, which always fail with 503.
    flaky_attempts: AtomicUsize,
}

fn pending(id: &str, scopes: &[&str]) -> Value {
    json!({
        "id": id, "productId": PRODUCT, "surfaceId": SURFACE, "surfaceName": "Docs",
        "clientId": format!("client-{id}"), "clientName": "Cursor",
        "redirectUri": "cursor://anysphere.cursor-mcp/oauth/callback",
        "redirectHost": "cursor://anysphere.cursor-mcp", "scopes": scopes,
        "createdAt": "2025-01-02T03:04:05Z", "expiresAt": "2025-01-02T03:14:05Z"
    })
}

fn not_found() -> Response {
    let body = json!({"error": {"code": "not_found", "message": "not found"}});
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

async fn list_requests(State(standin): State<Arc<Standin>>) -> Response {
    let requests = lock(&standin.requests).clone();
    // A bare array, as some servers answer lists.
    axum::Json(requests).into_response()
}

async fn approve(
    State(standin): State<Arc<Standin>>,
    Path(id): Path<String>,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if id == "flaky" {
        standin.flaky_attempts.fetch_add(1, Ordering::SeqCst);
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    lock(&standin.approvals).push(body.clone());
    let mut requests = lock(&standin.requests);
    let Some(at) = requests
        .iter()
        .position(|request| request["id"] == id.as_str())
    else {
        return not_found();
    };
    let request = requests.remove(at);
    let grant = json!({
        "id": format!("grant-{id}"), "productId": PRODUCT, "surfaceId": SURFACE,
        "clientId": request["clientId"], "clientName": request["clientName"],
        "redirectHost": request["redirectHost"],
        "scopes": body.get("scopes").cloned().unwrap_or_else(|| request["scopes"].clone()),
        "isActive": true, "createdAt": "2025-01-02T03:05:00Z", "lastUsedAt": null,
        "revokedAt": null, "approvedBy": "management_token"
    });
    lock(&standin.grants).push(grant.clone());
    (StatusCode::CREATED, axum::Json(grant)).into_response()
}

async fn deny(State(standin): State<Arc<Standin>>, Path(id): Path<String>) -> Response {
    let mut requests = lock(&standin.requests);
    let before = requests.len();
    requests.retain(|request| request["id"] != id.as_str());
    if requests.len() == before {
        return not_found();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn list_grants(
    State(standin): State<Arc<Standin>>,
    Path((product, surface)): Path<(String, String)>,
) -> Response {
    if (product.as_str(), surface.as_str()) != (PRODUCT, SURFACE) {
        return not_found();
    }
    let grants = lock(&standin.grants).clone();
    axum::Json(json!({"data": grants, "pagination": {"nextCursor": null, "hasMore": false}}))
        .into_response()
}

async fn revoke(
    State(standin): State<Arc<Standin>>,
    Path((_, _, id)): Path<(String, String, String)>,
) -> Response {
    let mut grants = lock(&standin.grants);
    let Some(grant) = grants.iter_mut().find(|grant| grant["id"] == id.as_str()) else {
        return not_found();
    };
    grant["isActive"] = json!(false);
    grant["revokedAt"] = json!("2025-01-03T00:00:00Z");
    StatusCode::NO_CONTENT.into_response()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn standin() -> Result<(Client, Arc<Standin>)> {
    let standin = Arc::new(Standin::default());
    lock(&standin.requests).extend([pending("r1", &["search", "fetch"]), pending("r2", &[])]);
    let router = Router::new()
        .route("/v1/oauth/requests", get(list_requests))
        .route("/v1/oauth/requests/{id}/approve", post(approve))
        .route("/v1/oauth/requests/{id}/deny", post(deny))
        .route(
            "/v1/products/{product}/surfaces/{surface}/grants",
            get(list_grants),
        )
        .route(
            "/v1/products/{product}/surfaces/{surface}/grants/{grant}",
            delete(revoke),
        )
        .with_state(Arc::clone(&standin));
    let base = serve_router(router).await?;
    let client = fast(Client::builder(&base, Sensitive::new("mgmt_x".to_owned()))).build()?;
    Ok((client, standin))
}

#[tokio::test]
async fn a_pending_request_is_approved_into_a_grant_that_can_be_revoked() -> Result<()> {
    let (client, standin) = standin().await?;
    let requests = client.list_oauth_requests().await?;
    assert_eq!(
        requests.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["r1", "r2"]
    );
    assert_eq!(requests[0].surface_name, "Docs");
    assert_eq!(requests[0].redirect_host, "cursor://anysphere.cursor-mcp");

    let narrower = ["search".to_owned()];
    let grant = client.approve_oauth_request("r1", Some(&narrower)).await?;
    assert_eq!(grant.id, "grant-r1");
    assert_eq!(grant.scopes, ["search"], "approved narrower than asked");
    assert!(grant.is_active);
    let as_asked = client.approve_oauth_request("r2", None).await?;
    assert_eq!(
        *lock(&standin.approvals),
        [json!({"scopes": ["search"]}), json!({})],
        "scopes are sent only when chosen"
    );
    assert!(client.list_oauth_requests().await?.is_empty());

    let grants = client.list_grants(PRODUCT, SURFACE).await?;
    assert_eq!(grants, [grant.clone(), as_asked]);
    client.revoke_grant(PRODUCT, SURFACE, &grant.id).await?;
    let grants = client.list_grants(PRODUCT, SURFACE).await?;
    let revoked = grants.iter().find(|found| found.id == grant.id);
    assert!(
        revoked.is_some_and(|found| !found.is_active && found.revoked_at.is_some()),
        "{grants:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_denied_request_is_no_longer_pending() -> Result<()> {
    let (client, _) = standin().await?;
    client.deny_oauth_request("r2").await?;
    let requests = client.list_oauth_requests().await?;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].id, "r1");
    Ok(())
}

#[tokio::test]
async fn unknown_requests_surfaces_and_grants_are_named_in_the_error() -> Result<()> {
    let (client, _) = standin().await?;
    let not_found = |error: Option<Error>| match error {
        Some(Error::NotFound { what }) => what,
        other => format!("not a NotFound: {other:?}"),
    };
    assert_eq!(
        not_found(client.approve_oauth_request("nope", None).await.err()),
        "oauth request nope"
    );
    assert_eq!(
        not_found(client.deny_oauth_request("nope").await.err()),
        "oauth request nope"
    );
    assert_eq!(
        not_found(client.revoke_grant(PRODUCT, SURFACE, "nope").await.err()),
        "grant nope"
    );
    let what = not_found(client.list_grants(PRODUCT, "surf_other").await.err());
    assert!(what.contains("surf_other"), "{what}");
    Ok(())
}

#[tokio::test]
async fn an_approval_is_sent_once_even_when_the_server_fails() -> Result<()> {
    let (client, standin) = standin().await?;
    let error = client.approve_oauth_request("flaky", None).await.err();
    assert!(
        matches!(error, Some(Error::Server { status: 503, .. })),
        "{error:?}"
    );
    assert_eq!(
        standin.flaky_attempts.load(Ordering::SeqCst),
        1,
        "a retried approval could hand out a second code"
    );
    Ok(())
}

#[tokio::test]
async fn a_server_without_oauth_mode_says_it_lacks_the_feature() -> Result<()> {
    // Axum's default 404 for every route, as Runtype answers a route it
    // does not have.
    let base = serve_router(Router::new()).await?;
    let client = fast(Client::builder(&base, Sensitive::new("rt_key".to_owned()))).build()?;
    let unsupported = |error: Option<Error>| matches!(error, Some(Error::Unsupported { .. }));
    assert!(unsupported(client.list_oauth_requests().await.err()));
    assert!(unsupported(
        client.approve_oauth_request("r1", None).await.err()
    ));
    assert!(unsupported(client.deny_oauth_request("r1").await.err()));
    assert!(unsupported(
        client.list_grants(PRODUCT, SURFACE).await.err()
    ));
    assert!(unsupported(
        client.revoke_grant(PRODUCT, SURFACE, "g1").await.err()
    ));
    Ok(())
}
