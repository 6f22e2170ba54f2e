//! Against a server without our extensions: a stand-in for Runtype's public
//! API (products → surfaces → keys, no roll, no key lookup, no identify, no
//! events), which the tests cannot reach. Its 404s are axum's defaults:
//! empty bodies, as a framework answers a route it does not have.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use chrono::{SecondsFormat, Utc};
use mcp_keys_client::{
    Client, Error, EventFilter, NewKey, PageRequest, RollOutcome, VerifyRequest,
};
use mcp_keys_core::{ApiKey, Environment, Fingerprint, Sensitive};
use serde_json::{Value, json};

use crate::support::{fast, serve_router};

const PRODUCT: &str = "prod_1";
const SURFACE: &str = "surf_1";

/// The stand-in's keys, as JSON metadata.
type Keys = Arc<Mutex<Vec<Value>>>;

async fn standin() -> Result<(Client, Keys)> {
    let keys = Keys::default();
    let router = Router::new()
        .route("/v1/products/{product}/surfaces/{surface}", get(surface))
        .route(
            "/v1/products/{product}/surfaces/{surface}/keys",
            post(create),
        )
        .route(
            "/v1/products/{product}/surfaces/{surface}/keys/{key}",
            delete(revoke),
        )
        .with_state(Arc::clone(&keys));
    let base = serve_router(router).await?;
    let client = fast(Client::builder(
        &base,
        Sensitive::new("rt_api_key".to_owned()),
    ))
    .build()?;
    Ok((client, keys))
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn surface(
    State(keys): State<Keys>,
    Path((product, surface)): Path<(String, String)>,
) -> Response {
    if (product.as_str(), surface.as_str()) != (PRODUCT, SURFACE) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let keys = keys.lock().unwrap_or_else(PoisonError::into_inner).clone();
    axum::Json(json!({
        "id": SURFACE, "productId": PRODUCT, "name": "Docs", "type": "mcp",
        "status": "active", "environment": "production", "createdAt": now(),
        "items": [{"capabilityName": "search"}], "keys": keys,
        "someRuntypeField": {"nested": true}
    }))
    .into_response()
}

async fn create(State(keys): State<Keys>, axum::Json(body): axum::Json<Value>) -> Response {
    let environment = match body["environment"].as_str() {
        Some("development") => Environment::Development,
        _ => Environment::Production,
    };
    let Ok(key) = ApiKey::generate(environment) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let metadata = json!({
        "id": key.id(), "surfaceId": SURFACE, "productId": PRODUCT,
        "name": body["name"], "keyPrefix": key.key_prefix(), "keyHint": key.key_hint(),
        "scopes": body.get("scopes").cloned().unwrap_or(json!([])),
        "environment": environment.as_str(), "isActive": true, "createdAt": now(),
        "expiresAt": body["expiresAt"], "revokedAt": null,
        "rateLimitPerMinute": body["rateLimitPerMinute"]
    });
    keys.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(metadata.clone());
    let mut answer = metadata;
    answer["key"] = json!(key.expose_secret());
    (StatusCode::CREATED, axum::Json(answer)).into_response()
}

async fn revoke(
    State(keys): State<Keys>,
    Path((_, _, id)): Path<(String, String, String)>,
) -> StatusCode {
    let mut keys = keys.lock().unwrap_or_else(PoisonError::into_inner);
    match keys.iter_mut().find(|key| key["id"] == id.as_str()) {
        Some(key) => {
            key["revokedAt"] = json!(now());
            key["isActive"] = json!(false);
            // Runtype-like: no body.
            StatusCode::NO_CONTENT
        }
        None => StatusCode::NOT_FOUND,
    }
}

fn stored(keys: &Keys, id: &str) -> Option<Value> {
    keys.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|key| key["id"] == id)
        .cloned()
}

#[tokio::test]
async fn a_roll_without_the_extension_creates_now_and_hands_back_the_revocation() -> Result<()> {
    let (client, keys) = standin().await?;
    let mut new = NewKey::named("ide");
    new.scopes = vec!["search".into()];
    new.rate_limit_per_minute = Some(10);
    let old = client.create_key(PRODUCT, SURFACE, &new).await?;

    let outcome = client
        .roll_key(
            PRODUCT,
            SURFACE,
            &old.metadata.id,
            Duration::from_secs(3600),
        )
        .await?;
    assert!(
        outcome.is_degraded(),
        "the caller is told the roll degraded"
    );
    let pending = outcome
        .pending_revocation()
        .context("a revocation is owed")?
        .clone();
    assert_eq!(
        (
            pending.product_id.as_str(),
            pending.surface_id.as_str(),
            pending.key_id.as_str()
        ),
        (PRODUCT, SURFACE, old.metadata.id.as_str())
    );
    let in_an_hour = Utc::now() + chrono::TimeDelta::hours(1);
    assert!((pending.revoke_at - in_an_hour).num_seconds().abs() < 60);
    assert!(!pending.is_due(Utc::now()));

    let RollOutcome::Degraded(degraded) = outcome else {
        anyhow::bail!("not degraded");
    };
    let copy = &degraded.created.metadata;
    assert_ne!(copy.id, old.metadata.id);
    assert_eq!(
        (
            copy.name.as_str(),
            &copy.scopes,
            copy.environment,
            copy.rate_limit_per_minute
        ),
        (
            "ide",
            &vec!["search".to_owned()],
            Environment::Production,
            Some(10)
        ),
        "the new key copies the old one"
    );
    assert_eq!(degraded.old_key.id, old.metadata.id);
    let still = stored(&keys, &old.metadata.id).context("old key")?;
    assert_eq!(
        still["revokedAt"],
        Value::Null,
        "the old key works during the grace period"
    );

    client.complete_revocation(&pending).await?;
    let gone = stored(&keys, &old.metadata.id).context("old key")?;
    assert_ne!(gone["revokedAt"], Value::Null);
    client.complete_revocation(&pending).await?;
    Ok(())
}

#[tokio::test]
async fn a_degraded_roll_without_grace_revokes_the_old_key_at_once() -> Result<()> {
    let (client, keys) = standin().await?;
    let old = client
        .create_key(PRODUCT, SURFACE, &NewKey::named("ide"))
        .await?;
    let outcome = client
        .roll_key(PRODUCT, SURFACE, &old.metadata.id, Duration::ZERO)
        .await?;
    assert!(outcome.is_degraded());
    assert!(outcome.pending_revocation().is_none(), "nothing left to do");
    let gone = stored(&keys, &old.metadata.id).context("old key")?;
    assert_ne!(gone["revokedAt"], Value::Null);
    // A revoked key cannot be rolled, degraded or not.
    let error = client
        .roll_key(PRODUCT, SURFACE, &old.metadata.id, Duration::ZERO)
        .await
        .err();
    assert!(
        matches!(error, Some(Error::InvalidRequest { status: 409, .. })),
        "{error:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_roll_of_an_unknown_key_is_not_found_even_without_the_extension() -> Result<()> {
    let (client, _) = standin().await?;
    let error = client
        .roll_key(PRODUCT, SURFACE, "nokey123", Duration::from_secs(60))
        .await
        .err();
    assert!(
        matches!(&error, Some(Error::NotFound { what }) if what == "key nokey123"),
        "{error:?}"
    );
    Ok(())
}

#[tokio::test]
async fn missing_extensions_are_unsupported_not_not_found() -> Result<()> {
    let (client, _) = standin().await?;
    let key = client
        .create_key(PRODUCT, SURFACE, &NewKey::named("ide"))
        .await?;
    let results = [
        client.get_key(&key.metadata.id).await.err(),
        client.identify(&[Fingerprint::of("x")]).await.err(),
        client
            .list_events(&EventFilter::default(), &PageRequest::default())
            .await
            .err(),
        client
            .list_keys(PRODUCT, SURFACE, &PageRequest::default())
            .await
            .err(),
        client
            .verify(&VerifyRequest::new(key.key.expose_secret()))
            .await
            .err(),
    ];
    for error in results {
        assert!(
            matches!(error, Some(Error::Unsupported { .. })),
            "{error:?}"
        );
        if let Some(error) = error {
            assert_eq!(error.kind(), mcp_keys_core::ErrorKind::Unsupported);
        }
    }
    let revoked = client
        .revoke_key(PRODUCT, SURFACE, &key.metadata.id)
        .await?;
    assert_eq!(revoked, None, "a revocation answered without a body");
    Ok(())
}
