//! Surfaces and their capabilities.

use anyhow::Result;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Server, id};

#[tokio::test]
async fn a_surface_is_created_with_defaults_and_shown_with_items_and_keys() -> Result<()> {
    let server = Server::start().await?;
    let product = server.product().await?;
    let (status, created) = server
        .post(
            &format!("/v1/products/{product}/surfaces"),
            &json!({"name": "S", "type": "mcp"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["status"], "active");
    assert_eq!(created["environment"], "development");
    let surface = id(&created)?;
    assert_eq!(
        created["url"],
        format!(
            "{}/v1/products/{product}/surfaces/{surface}/mcp",
            server.base
        )
    );
    let path = format!("/v1/products/{product}/surfaces/{surface}");
    server
        .post(
            &format!("{path}/items"),
            &json!({"capabilityName": "search"}),
        )
        .await?;
    server
        .post(&format!("{path}/keys"), &json!({"name": "cursor"}))
        .await?;
    let (status, shown) = server.get(&path).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["items"][0]["capabilityName"], "search");
    assert_eq!(shown["keys"][0]["name"], "cursor");
    assert!(
        shown["keys"][0].get("key").is_none(),
        "a surface never shows a key"
    );
    Ok(())
}

#[tokio::test]
async fn unknown_products_and_surfaces_are_404() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &[]).await?;
    let (status, body) = server
        .post(
            "/v1/products/nope/surfaces",
            &json!({"name": "S", "type": "mcp"}),
        )
        .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let elsewhere = format!("/v1/products/{}/surfaces/nope", surface.product);
    assert_eq!(server.get(&elsewhere).await?.0, StatusCode::NOT_FOUND);
    assert_eq!(
        server.put(&elsewhere, &json!({"name": "x"})).await?.0,
        StatusCode::NOT_FOUND
    );
    let items = format!("{elsewhere}/items");
    let (status, _) = server.post(&items, &json!({"capabilityName": "a"})).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let wrong_product = format!("/v1/products/nope/surfaces/{}", surface.id);
    assert_eq!(server.get(&wrong_product).await?.0, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn only_mcp_surfaces_with_known_statuses_can_be_created() -> Result<()> {
    let server = Server::start().await?;
    let product = server.product().await?;
    let path = format!("/v1/products/{product}/surfaces");
    let (status, _) = server
        .post(&path, &json!({"name": "S", "type": "rest"}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .post(
            &path,
            &json!({"name": "S", "type": "mcp", "status": "paused"}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[tokio::test]
async fn an_update_changes_only_the_fields_it_names() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &[]).await?;
    let (status, updated) = server
        .put(
            &surface.path(),
            &json!({"status": "inactive", "environment": "production"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["status"], "inactive");
    assert_eq!(updated["environment"], "production");
    assert_eq!(
        updated["name"], "Docs MCP",
        "the name was not named, so it stays"
    );
    let (status, _) = server
        .put(&surface.path(), &json!({"status": "paused"}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[tokio::test]
async fn capabilities_are_unique_and_must_be_valid_tool_names() -> Result<()> {
    let server = Server::start().await?;
    let surface = server.surface("development", &["search"]).await?;
    let items = format!("{}/items", surface.path());
    let (status, body) = server
        .post(&items, &json!({"capabilityName": "search"}))
        .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, _) = server
        .post(&items, &json!({"capabilityName": "no spaces"}))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[tokio::test]
async fn surfaces_are_listed_across_products_with_filters_and_pages() -> Result<()> {
    let server = Server::start().await?;
    let first = server.surface("development", &[]).await?;
    let second = server.surface("production", &[]).await?;
    let third = server.surface("production", &[]).await?;
    server
        .put(&third.path(), &json!({"status": "inactive"}))
        .await?;

    let (_, all) = server.get("/v1/surfaces?type=mcp").await?;
    assert_eq!(all["pagination"]["totalCount"], 3);
    let (_, production) = server
        .get("/v1/surfaces?environment=production&status=active")
        .await?;
    assert_eq!(production["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(production["data"][0]["id"], second.id.as_str());

    let (_, page) = server.get("/v1/surfaces?limit=1").await?;
    assert_eq!(page["data"][0]["id"], first.id.as_str());
    let cursor = page["pagination"]["nextCursor"]
        .as_str()
        .unwrap_or_default();
    let (_, next) = server
        .get(&format!("/v1/surfaces?limit=1&cursor={cursor}"))
        .await?;
    assert_eq!(next["data"][0]["id"], second.id.as_str());

    let (status, _) = server.get("/v1/surfaces?environment=staging").await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}
