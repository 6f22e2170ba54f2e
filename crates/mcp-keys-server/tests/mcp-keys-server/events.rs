//! The audit log.

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Server, rpc};

fn types(events: &Value) -> Vec<(String, String)> {
    events["data"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .map(|event| {
                    (
                        event["type"].as_str().unwrap_or_default().to_owned(),
                        event["reason"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn key_lifecycle_and_failed_authentications_are_recorded() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let (key, created) = server.key(&surface, &json!({"name": "ide"})).await?;
    let id = created["id"].as_str().unwrap_or_default();
    server
        .post(
            &format!("{}/keys/{id}/roll", surface.path()),
            &json!({"gracePeriodSeconds": 60}),
        )
        .await?;
    server
        .delete(&format!("{}/keys/{id}", surface.path()))
        .await?;
    server
        .mcp(&surface, Some(&key), &rpc("tools/list", json!({})))
        .await?;

    let (status, events) = server.get(&format!("/v1/events?keyId={id}")).await?;
    assert_eq!(status, StatusCode::OK);
    let expected = [
        ("key_created", ""),
        ("key_rolled", ""),
        ("key_revoked", ""),
        ("auth_failed", "revoked"),
    ]
    .map(|(kind, reason)| (kind.to_owned(), reason.to_owned()));
    assert_eq!(types(&events), expected);

    let (_, by_surface) = server
        .get(&format!("/v1/events?surfaceId={}", surface.id))
        .await?;
    assert_eq!(
        by_surface["pagination"]["totalCount"], 5,
        "the rolled-in key's creation too"
    );
    let (_, none) = server.get("/v1/events?since=2999-01-01T00:00:00Z").await?;
    assert_eq!(none["data"], json!([]));
    let (status, _) = server.get("/v1/events?since=yesterday").await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn a_refusal_names_the_client_and_a_scope_refusal_the_capability() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search", "fetch"]).await?;
    let (key, created) = server
        .key(&surface, &json!({"name": "gemini", "scopes": ["search"]}))
        .await?;
    let id = created["id"].as_str().unwrap_or_default();
    let call = rpc("tools/call", json!({"name": "fetch", "arguments": {}}));
    let refused = server.mcp(&surface, Some(&key), &call).await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    server
        .delete(&format!("{}/keys/{id}", surface.path()))
        .await?;
    let initialize = rpc(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "gemini-cli-mcp-client", "version": "0.61.0"}}),
    );
    let refused = server.mcp(&surface, Some(&key), &initialize).await?;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let (_, events) = server.get(&format!("/v1/events?keyId={id}")).await?;
    let failed: Vec<&Value> = events["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|event| event["type"] == "auth_failed")
        .collect();
    assert_eq!(failed.len(), 2, "{events}");
    assert_eq!(failed[0]["reason"], "scope");
    assert_eq!(failed[0]["capability"], "fetch");
    assert_eq!(failed[1]["reason"], "revoked");
    assert_eq!(failed[1]["client"], "gemini-cli-mcp-client");

    // Only the refusals, as doctor asks for them.
    let (_, refusals) = server
        .get(&format!("/v1/events?keyId={id}&type=auth_failed"))
        .await?;
    assert_eq!(
        types(&refusals),
        [("auth_failed", "scope"), ("auth_failed", "revoked")]
            .map(|(kind, reason)| (kind.to_owned(), reason.to_owned()))
    );
    assert_eq!(refusals["pagination"]["totalCount"], 2);
    let (status, _) = server.get("/v1/events?type=key_renamed").await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}
