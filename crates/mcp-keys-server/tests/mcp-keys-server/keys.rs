//! Keys: create, list, revoke, roll, show, identify.

use anyhow::Result;
use mcp_keys_core::{ApiKey, Fingerprint};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Server, into_json};

#[tokio::test]
async fn a_key_is_shown_once_with_no_store_and_only_its_fingerprint_is_kept() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("production", &["search"]).await?;
    let response = server
        .request(Method::POST, &format!("{}/keys", surface.path()))
        .json(&json!({"name": "cursor", "scopes": ["search"], "rateLimitPerMinute": 100}))
        .send()
        .await?;
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let (status, created) = into_json(response).await?;
    assert_eq!(status, StatusCode::CREATED);
    let key = ApiKey::parse(created["key"].as_str().unwrap_or_default())?;
    assert_eq!(created["id"], key.id());
    assert_eq!(created["keyPrefix"], key.key_prefix());
    assert_eq!(created["keyHint"], key.key_hint());
    assert_eq!(
        created["environment"], "production",
        "the surface's environment by default"
    );
    assert_eq!(created["isActive"], true);
    assert_eq!(created["scopes"], json!(["search"]));
    assert_eq!(created["rateLimitPerMinute"], 100);

    let (_, shown) = server.get(&format!("/v1/keys/{}", key.id())).await?;
    assert_eq!(shown["surfaceId"], surface.id.as_str());
    assert_eq!(shown["productId"], surface.product.as_str());
    assert!(shown.get("key").is_none());
    let (_, listed) = server.get(&format!("{}/keys", surface.path())).await?;
    assert_eq!(listed["data"][0]["id"], key.id());
    assert!(listed["data"][0].get("key").is_none());

    // The database file holds the fingerprint, never the key.
    drop(server.get("/health").await?);
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(server.dir())? {
        stored.extend(std::fs::read(entry?.path())?);
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(
        !stored.contains(key.expose_secret()),
        "no plaintext key on disk"
    );
    assert!(
        stored.contains(&key.fingerprint().to_string()),
        "its fingerprint is there"
    );
    Ok(())
}

#[tokio::test]
async fn key_bodies_with_bad_values_are_422_and_unknown_surfaces_404() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let keys = format!("{}/keys", surface.path());
    for body in [
        json!({"name": "x", "scopes": ["serch"]}),
        json!({"name": ""}),
        json!({"name": "x", "expiresAt": "2001-01-01T00:00:00Z"}),
        json!({"name": "x", "rateLimitPerDay": 0}),
        json!({"name": "x", "environment": "staging"}),
    ] {
        let (status, answer) = server.post(&keys, &body).await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body} -> {answer}"
        );
    }
    let unknown = format!("/v1/products/{}/surfaces/nope/keys", surface.product);
    assert_eq!(
        server.post(&unknown, &json!({"name": "x"})).await?.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.get(&unknown).await?.0, StatusCode::NOT_FOUND);
    assert_eq!(server.get("/v1/keys/nope").await?.0, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn revoking_is_idempotent_and_unknown_keys_are_404() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &[]).await?;
    let (_, created) = server.key(&surface, &json!({"name": "x"})).await?;
    let key_path = format!(
        "{}/keys/{}",
        surface.path(),
        created["id"].as_str().unwrap_or_default()
    );
    let (status, revoked) = server.delete(&key_path).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(revoked["isActive"], false);
    let revoked_at = revoked["revokedAt"].clone();
    assert!(revoked_at.is_string());
    let (status, again) = server.delete(&key_path).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        again["revokedAt"], revoked_at,
        "the first revocation time stays"
    );
    let (status, _) = server
        .delete(&format!("{}/keys/nope", surface.path()))
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other = server.surface("development", &[]).await?;
    let elsewhere = format!(
        "{}/keys/{}",
        other.path(),
        created["id"].as_str().unwrap_or_default()
    );
    assert_eq!(
        server.delete(&elsewhere).await?.0,
        StatusCode::NOT_FOUND,
        "a key of another surface"
    );
    Ok(())
}

#[tokio::test]
async fn rolling_gives_a_new_key_and_the_old_one_a_grace_period() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (old_key, old) = server
        .key(&surface, &json!({"name": "ide", "scopes": ["search"]}))
        .await?;
    let roll = format!(
        "{}/keys/{}/roll",
        surface.path(),
        old["id"].as_str().unwrap_or_default()
    );
    let response = server
        .request(Method::POST, &roll)
        .json(&json!({"gracePeriodSeconds": 3600}))
        .send()
        .await?;
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let (status, rolled) = into_json(response).await?;
    assert_eq!(status, StatusCode::CREATED, "{rolled}");
    let new_key = rolled["key"].as_str().unwrap_or_default();
    assert!(ApiKey::parse(new_key).is_ok());
    assert_ne!(new_key, old_key);
    assert_eq!(rolled["name"], "ide");
    assert_eq!(rolled["scopes"], json!(["search"]));
    assert_eq!(rolled["oldKey"]["id"], old["id"]);
    assert!(
        rolled["oldKey"]["expiresAt"].is_string(),
        "the old key now expires"
    );
    assert_eq!(
        rolled["oldKey"]["isActive"], true,
        "but not before its grace period ends"
    );

    let (status, _) = server
        .post(&roll, &json!({"gracePeriodSeconds": 99_999_999}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let revoke = format!(
        "{}/keys/{}",
        surface.path(),
        old["id"].as_str().unwrap_or_default()
    );
    server.delete(&revoke).await?;
    let (status, _) = server.post(&roll, &json!({})).await?;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a revoked key cannot be rolled"
    );
    Ok(())
}

#[tokio::test]
async fn identify_maps_fingerprints_to_keys_without_any_secret() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &[]).await?;
    let (key, created) = server.key(&surface, &json!({"name": "x"})).await?;
    let unknown = Fingerprint::of("mcp_dev_not_ours");
    let (status, body) = server
        .post(
            "/v1/keys/identify",
            &json!({"fingerprints": [Fingerprint::of(&key), unknown]}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"][0]["key"]["id"], created["id"]);
    assert_eq!(body["data"][1]["fingerprint"], unknown.to_string());
    assert!(body["data"][1]["key"].is_null());
    let (status, _) = server
        .post("/v1/keys/identify", &json!({"fingerprints": ["abc"]}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}
