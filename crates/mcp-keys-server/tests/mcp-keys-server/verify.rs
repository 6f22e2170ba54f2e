//! `POST /v1/keys/verify`: every reason of DESIGN §4, in order.

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Server, Surface};

async fn verify(server: &Server, body: Value) -> Result<Value> {
    let (status, answer) = server.post("/v1/keys/verify", &body).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    Ok(answer)
}

fn reason(answer: &Value) -> (&str, &str) {
    (
        answer["code"].as_str().unwrap_or("-"),
        answer["reason"].as_str().unwrap_or("-"),
    )
}

/// A key of `surface` and its id.
async fn key(server: &Server, surface: &Surface, body: Value) -> Result<(String, String)> {
    let (key, created) = server.key(surface, &body).await?;
    Ok((key, created["id"].as_str().unwrap_or_default().to_owned()))
}

#[tokio::test]
async fn verify_answers_every_reason_of_design_section_4() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search", "fetch"]).await?;
    let other = server.surface("development", &[]).await?;
    let (good, good_id) = key(
        &server,
        &surface,
        json!({"name": "g", "scopes": ["search"]}),
    )
    .await?;

    let valid = verify(
        &server,
        json!({"key": good, "surfaceId": surface.id, "capability": "search"}),
    )
    .await?;
    assert_eq!(valid["valid"], true);
    assert_eq!(valid["keyId"], good_id.as_str());
    assert_eq!(valid["scopes"], json!(["search"]));

    let typo = format!(
        "{}{}",
        &good[..good.len() - 1],
        if good.ends_with('A') { "B" } else { "A" }
    );
    let unknown = mcp_keys_core::ApiKey::generate(mcp_keys_core::Environment::Development)?;
    for (body, expected) in [
        (json!({"key": ""}), ("invalid_api_key", "missing")),
        (json!({"key": "hello"}), ("invalid_api_key", "malformed")),
        (json!({"key": typo}), ("invalid_api_key", "checksum")),
        (
            json!({"key": unknown.expose_secret()}),
            ("invalid_api_key", "unknown"),
        ),
        (
            json!({"key": good, "surfaceId": other.id}),
            ("invalid_api_key", "wrong_surface"),
        ),
        (
            json!({"key": good, "capability": "fetch"}),
            ("permission_denied", "scope"),
        ),
    ] {
        let answer = verify(&server, body.clone()).await?;
        assert_eq!(answer["valid"], false);
        assert_eq!(reason(&answer), expected, "{body}");
    }

    // environment_mismatch, then surface_inactive, in that order.
    server
        .put(
            &surface.path(),
            &json!({"environment": "production", "status": "inactive"}),
        )
        .await?;
    let answer = verify(&server, json!({"key": good})).await?;
    assert_eq!(reason(&answer), ("invalid_api_key", "environment_mismatch"));
    server
        .put(&surface.path(), &json!({"environment": "development"}))
        .await?;
    let answer = verify(&server, json!({"key": good})).await?;
    assert_eq!(reason(&answer), ("permission_denied", "surface_inactive"));
    server
        .put(&surface.path(), &json!({"status": "active"}))
        .await?;

    // expired (rolled without grace) comes before environment_mismatch...
    let (rolled, rolled_id) = key(&server, &surface, json!({"name": "r"})).await?;
    let roll = format!("{}/keys/{rolled_id}/roll", surface.path());
    server
        .post(&roll, &json!({"gracePeriodSeconds": 0}))
        .await?;
    let answer = verify(&server, json!({"key": rolled})).await?;
    assert_eq!(reason(&answer), ("invalid_api_key", "expired"));
    // ...and revoked before expired; wrong_surface before revoked.
    server
        .delete(&format!("{}/keys/{rolled_id}", surface.path()))
        .await?;
    let answer = verify(&server, json!({"key": rolled})).await?;
    assert_eq!(reason(&answer), ("invalid_api_key", "revoked"));
    assert_eq!(answer["keyId"], rolled_id.as_str(), "a found key is named");
    let answer = verify(&server, json!({"key": rolled, "surfaceId": other.id})).await?;
    assert_eq!(reason(&answer), ("invalid_api_key", "wrong_surface"));
    Ok(())
}
